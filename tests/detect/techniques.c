// SPDX-License-Identifier: GPL-2.0
/*
 * techniques.c - one program, one mode per technique the detection rules
 * look for, and ordinary modes that must stay quiet. Each mode prints one
 * JSON line with what it did (pid, addresses, file, target), for the test
 * to compare with the findings.
 *
 *   techniques MODE    (modes: see the table at the end)
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#ifndef MADV_COLD
#define MADV_COLD 20
#endif
#define NR_MSEAL 462
#ifdef __x86_64__
#define NR_PIDFD_OPEN 434
#define NR_PROCESS_MADVISE 440
#define NR_MIGRATE_PAGES 256
#define NR_MOVE_PAGES 279
#else
#define NR_PIDFD_OPEN 434
#define NR_PROCESS_MADVISE 440
#define NR_MIGRATE_PAGES 294
#define NR_MOVE_PAGES 317
#endif

#define PAGE 4096UL

static void die(const char *what)
{
	fprintf(stderr, "techniques: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void *map(size_t len, int prot, int flags, int fd)
{
	void *p = mmap(NULL, len, prot, flags, fd, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

static void report(const char *mode, void *addr, size_t len, const char *extra)
{
	printf("{\"mode\":\"%s\",\"pid\":%d,\"uid\":%u,\"addr\":%lu,\"len\":%zu%s%s}\n", mode,
	       getpid(), getuid(), (unsigned long)(uintptr_t)addr, len, extra ? "," : "",
	       extra ? extra : "");
	fflush(stdout);
}

static void run_code(void *code)
{
	((void (*)(void))code)();
}

/* MMT-1: an anonymous mapping created RWX */
static int wx_mmap(void)
{
	void *p = map(PAGE, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1);

	report("wx_mmap", p, PAGE, NULL);
	return 0;
}

/* MMT-1: made RWX by mprotect */
static int wx_mprotect(void)
{
	void *p = map(2 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1);

	if (mprotect(p, 2 * PAGE, PROT_READ | PROT_WRITE | PROT_EXEC))
		die("mprotect");
	report("wx_mprotect", p, 2 * PAGE, NULL);
	return 0;
}

/* MMT-2: a JIT: write code into RW memory, then make it R-X and run it */
static int jit(void)
{
	unsigned char *p = map(3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);

	p[PAGE] = 0xc3; /* ret */
	if (mprotect(p + PAGE, PAGE, PROT_READ | PROT_EXEC))
		die("mprotect");
	run_code(p + PAGE);
	report("jit", p + PAGE, PAGE, NULL);
	return 0;
}

/* MMT-2, file-backed: a private file mapping written, then made R-X */
static int jit_file(void)
{
	char path[] = "/tmp/mmt-detect-XXXXXX";
	int fd = mkstemp(path);
	unsigned char *p;
	char extra[128];
	struct stat st;

	if (fd < 0 || ftruncate(fd, PAGE) || fstat(fd, &st))
		die("temporary file");
	p = map(PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd);
	p[0] = 0xc3;
	if (mprotect(p, PAGE, PROT_READ | PROT_EXEC))
		die("mprotect");
	run_code(p);
	snprintf(extra, sizeof(extra), "\"path\":\"%s\",\"dev\":%lu,\"ino\":%lu", path,
		 (unsigned long)st.st_dev, (unsigned long)st.st_ino);
	report("jit_file", p, PAGE, extra);
	usleep(1000000); /* alive while the tracer reads /proc/PID/maps */
	unlink(path);
	close(fd);
	return 0;
}

/* MMT-3: one memfd mapped shared RW here and R-X there */
static int memfd(void)
{
	int fd = syscall(SYS_memfd_create, "mmt-jit", 0);
	unsigned char *w, *x;
	char extra[160];
	struct stat st;

	if (fd < 0 || ftruncate(fd, PAGE) || fstat(fd, &st))
		die("memfd");
	w = map(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
	x = map(PAGE, PROT_READ | PROT_EXEC, MAP_SHARED, fd);
	w[0] = 0xc3;
	run_code(x);
	snprintf(extra, sizeof(extra), "\"writable\":%lu,\"dev\":%lu,\"ino\":%lu",
		 (unsigned long)(uintptr_t)w, (unsigned long)st.st_dev, (unsigned long)st.st_ino);
	report("memfd", x, PAGE, extra);
	/* the fd stays open until exit: the tracer reads it from /proc */
	usleep(1000000);
	close(fd);
	return 0;
}

static char child_page[PAGE] __attribute__((aligned(PAGE)));

/* A child that waits to be acted on; as another user with drop_uid. */
static pid_t spawn_child(int drop_uid)
{
	int go[2];
	pid_t pid;
	char c = 0;

	if (pipe(go))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		child_page[0] = 1;
		if (drop_uid && setuid(65534))
			_exit(1);
		if (write(go[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	if (read(go[0], &c, 1) != 1)
		die("child");
	close(go[0]);
	close(go[1]);
	return pid;
}

static void reap(pid_t pid)
{
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

/* MMT-4: migrate_pages, move_pages, process_madvise on a child */
static int cross(const char *mode)
{
	int other = !strcmp(mode, "cross_other_uid");
	pid_t child = spawn_child(other);
	unsigned long nodes = 1;
	long r = 0;
	char extra[96];

	if (!strcmp(mode, "cross_migrate") || other) {
		r = syscall(NR_MIGRATE_PAGES, child, 8 * sizeof(long) + 1, &nodes, &nodes);
	} else if (!strcmp(mode, "cross_move")) {
		void *pages[1] = {child_page};
		int node[1] = {0}, status[1];

		r = syscall(NR_MOVE_PAGES, child, 1, pages, node, status, 0);
	} else {
		struct iovec iov = {child_page, PAGE};
		int pidfd = syscall(NR_PIDFD_OPEN, child, 0);

		if (pidfd < 0)
			die("pidfd_open");
		r = syscall(NR_PROCESS_MADVISE, pidfd, &iov, 1, MADV_COLD, 0);
		usleep(1000000); /* the tracer reads the pidfd's target from /proc */
		close(pidfd);
	}
	if (r < 0)
		die(mode);
	snprintf(extra, sizeof(extra), "\"target\":%d,\"targetUid\":%d", child,
		 other ? 65534 : (int)getuid());
	report(mode, child_page, PAGE, extra);
	reap(child);
	return 0;
}

/* MMT-5: mprotect of a sealed range fails with EPERM */
static int seal(void)
{
	void *p = map(2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);

	if (syscall(NR_MSEAL, p, 2 * PAGE, 0))
		die("mseal");
	if (mprotect(p, PAGE, PROT_READ) == 0 || errno != EPERM)
		die("mprotect of sealed memory did not fail with EPERM");
	report("seal", p, 2 * PAGE, NULL);
	return 0;
}

/* MMT-6: executable memory moved with MREMAP_DONTUNMAP */
static int dontunmap(void)
{
	void *p = map(PAGE, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	/* glibc's wrapper passes an undefined new_address without MREMAP_FIXED */
	void *q = (void *)syscall(SYS_mremap, p, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
	char extra[64];

	if (q == MAP_FAILED)
		die("mremap");
	snprintf(extra, sizeof(extra), "\"newAddr\":%lu", (unsigned long)(uintptr_t)q);
	report("dontunmap", p, PAGE, extra);
	return 0;
}

/* Quiet: NUMA calls on oneself (pid 0 and one's own pid) */
static int numa_self(void)
{
	unsigned long nodes = 1;
	void *pages[1] = {child_page};
	int node[1] = {0}, status[1];

	child_page[0] = 1;
	if (syscall(NR_MIGRATE_PAGES, 0, 8 * sizeof(long) + 1, &nodes, &nodes) < 0 ||
	    syscall(NR_MIGRATE_PAGES, getpid(), 8 * sizeof(long) + 1, &nodes, &nodes) < 0 ||
	    syscall(NR_MOVE_PAGES, 0, 1, pages, node, status, 0) < 0 ||
	    syscall(NR_MOVE_PAGES, getpid(), 1, pages, NULL, status, 0) < 0)
		die("numa");
	report("numa_self", child_page, PAGE, NULL);
	return 0;
}

/* Quiet: dlopen of a library, a call into it, dlclose */
static int dl(void)
{
	void *h = dlopen("libz.so.1", RTLD_NOW);
	const char *(*version)(void);

	if (!h)
		h = dlopen("libm.so.6", RTLD_NOW);
	if (!h) {
		fprintf(stderr, "techniques: dlopen: %s\n", dlerror());
		return 1;
	}
	version = (const char *(*)(void))dlsym(h, "zlibVersion");
	if (version)
		version();
	dlclose(h);
	report("dlopen", NULL, 0, NULL);
	return 0;
}

static int cross_any(void)
{
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(void);
	} modes[] = {
		{"wx_mmap", wx_mmap},
		{"wx_mprotect", wx_mprotect},
		{"jit", jit},
		{"jit_file", jit_file},
		{"memfd", memfd},
		{"seal", seal},
		{"dontunmap", dontunmap},
		{"numa_self", numa_self},
		{"dlopen", dl},
		{"cross_migrate", cross_any},
		{"cross_move", cross_any},
		{"cross_madvise", cross_any},
		{"cross_other_uid", cross_any},
	};

	if (argc != 2) {
		fprintf(stderr, "usage: techniques MODE\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (strcmp(argv[1], modes[i].name))
			continue;
		if (!strncmp(argv[1], "cross_", 6))
			return cross(argv[1]);
		return modes[i].fn();
	}
	fprintf(stderr, "techniques: unknown mode '%s'\n", argv[1]);
	return 2;
}
