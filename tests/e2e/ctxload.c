// SPDX-License-Identifier: GPL-2.0
/*
 * ctxload.c - calls whose argument context mmtrace reports (--fd-paths,
 * --mappings), with what the workload itself saw just before each call.
 *
 * Usage: ctxload DIR LOGFILE
 * DIR: a scratch folder (files, a deleted file, a path longer than
 * PATH_MAX/2 are made there). Each call appends one JSON line to LOGFILE:
 *   {"call":"mmap","fd":N,"ret":ADDR,"what":"regular"}          fd calls
 *   {"call":"mprotect","addr":A,"len":L,"what":"file","maps":"LINE",
 *    "count":N,"more":0|1}                                     range calls
 * where maps is the line of /proc/self/maps that held addr, read by this
 * process just before the call (so its protection is the one "before"),
 * count the mappings the range covers and more 1 when it goes past them.
 * /proc/self/maps is read with read(2) into a static buffer: no allocation
 * that could change the mappings.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define PAGE 4096UL

static int logfd = -1;
static char maps[1 << 20];
static char line[4096];
static char vmflags[512];

static void say(const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)sizeof(buf) - 1) {
		fprintf(stderr, "ctxload: log line too long\n");
		exit(2);
	}
	buf[n++] = '\n';
	if (write(logfd, buf, n) != n) {
		perror("ctxload: write");
		exit(2);
	}
}

static void die(const char *what)
{
	perror(what);
	exit(2);
}

/* /proc/self/FILE into maps[], NUL-terminated. */
static void slurp(const char *file)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t n;

	if (fd < 0)
		die(file);
	while ((n = read(fd, maps + len, sizeof(maps) - 1 - len)) > 0)
		len += n;
	close(fd);
	maps[len] = '\0';
}

/* The VmFlags of the mapping that holds addr in /proc/self/smaps. */
static void smaps_flags(unsigned long addr)
{
	bool in = false;
	char *p;

	slurp("/proc/self/smaps");
	vmflags[0] = '\0';
	for (p = maps; p && *p;) {
		char *nl = strchr(p, '\n');
		unsigned long s, e;
		char dash;

		if (sscanf(p, "%lx%c%lx ", &s, &dash, &e) == 3 && dash == '-')
			in = addr >= s && addr < e;
		else if (in && !strncmp(p, "VmFlags:", 8)) {
			size_t l = (nl ? (size_t)(nl - p) : strlen(p)) - 8;

			if (l >= sizeof(vmflags))
				l = sizeof(vmflags) - 1;
			memcpy(vmflags, p + 8, l);
			vmflags[l] = '\0';
			return;
		}
		p = nl ? nl + 1 : NULL;
	}
}

/* The line of /proc/self/maps that holds addr, into line (JSON-safe: the
 * test names have no quote or backslash), and its VmFlags into vmflags. */
static void maps_line(unsigned long addr)
{
	char *p;

	smaps_flags(addr);
	slurp("/proc/self/maps");
	line[0] = '\0';
	for (p = maps; p && *p;) {
		char *nl = strchr(p, '\n');
		unsigned long s, e;

		if (sscanf(p, "%lx-%lx", &s, &e) == 2 && addr >= s && addr < e) {
			size_t l = nl ? (size_t)(nl - p) : strlen(p);

			if (l >= sizeof(line))
				l = sizeof(line) - 1;
			memcpy(line, p, l);
			line[l] = '\0';
			return;
		}
		p = nl ? nl + 1 : NULL;
	}
}

static void range_call(const char *call, unsigned long addr, unsigned long len, const char *what,
		       int count, int more)
{
	long r;

	maps_line(addr);
	if (!strcmp(call, "mprotect"))
		r = mprotect((void *)addr, len, PROT_READ);
	else if (!strcmp(call, "madvise"))
		r = madvise((void *)addr, len, MADV_NORMAL);
	else if (!strcmp(call, "msync"))
		r = msync((void *)addr, len, MS_ASYNC);
	else if (!strcmp(call, "mlock"))
		r = mlock((void *)addr, len);
	else if (!strcmp(call, "munlock"))
		r = munlock((void *)addr, len);
	else
		r = munmap((void *)addr, len);
	if (r < 0)
		r = -errno; /* as the raw syscall returns it */
	say("{\"call\":\"%s\",\"addr\":%lu,\"len\":%lu,\"ret\":%ld,\"what\":\"%s\",\"maps\":\"%s\","
	    "\"vmflags\":\"%s\",\"count\":%d,\"more\":%d}",
	    call, addr, len, r, what, line, vmflags, count, more);
}

static void *map_fd(int fd, const char *what, int prot, int flags)
{
	void *p = mmap(NULL, PAGE, prot, flags, fd, 0);

	say("{\"call\":\"mmap\",\"fd\":%d,\"ret\":%lu,\"what\":\"%s\"}", fd,
	    p == MAP_FAILED ? 0UL : (unsigned long)p, what);
	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

static int make_file(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || ftruncate(fd, PAGE) < 0)
		die(path);
	return fd;
}

/* DIR/aaaa.../aaaa.../... more than PATH_MAX/2 long; returns its fd. */
static int long_path_file(const char *dir)
{
	static char path[4096];
	char comp[201];
	size_t len;
	int fd;

	memset(comp, 'a', 200);
	comp[200] = '\0';
	len = (size_t)snprintf(path, sizeof(path), "%s", dir);
	for (int i = 0; len < 2048 + 200; i++) {
		comp[0] = 'a' + i % 26;
		len += (size_t)snprintf(path + len, sizeof(path) - len, "/%s", comp);
		if (mkdir(path, 0700) < 0 && errno != EEXIST)
			die("mkdir");
	}
	snprintf(path + len, sizeof(path) - len, "/deep_file");
	fd = make_file(path);
	return fd;
}

int main(int argc, char **argv)
{
	char path[512];
	unsigned long stackp, heapp;
	char *p, *q;
	int fd, mfd, pfd;

	if (argc != 3) {
		fprintf(stderr, "usage: ctxload DIR LOGFILE\n");
		return 2;
	}
	logfd = open(argv[2], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (logfd < 0)
		die(argv[2]);

	/* fds: a regular file, a deleted one, a memfd, a long path */
	snprintf(path, sizeof(path), "%s/regular_file", argv[1]);
	fd = make_file(path);
	p = map_fd(fd, "regular", PROT_READ | PROT_WRITE, MAP_SHARED);
	snprintf(path, sizeof(path), "%s/deleted_file", argv[1]);
	int dfd = make_file(path);

	if (unlink(path) < 0)
		die("unlink");
	map_fd(dfd, "deleted", PROT_READ, MAP_PRIVATE);
	mfd = memfd_create("mmt_ctx", MFD_CLOEXEC);
	if (mfd < 0 || ftruncate(mfd, 4 * PAGE) < 0)
		die("memfd");
	q = map_fd(mfd, "memfd", PROT_READ | PROT_WRITE, MAP_SHARED);
	map_fd(long_path_file(argv[1]), "long", PROT_READ, MAP_PRIVATE);
	/* a pidfd (process_madvise's fd argument) */
	pfd = syscall(SYS_pidfd_open, getpid(), 0);
	if (pfd >= 0) {
		struct iovec iov = {q, PAGE};
		long r = syscall(SYS_process_madvise, pfd, &iov, 1, MADV_COLD, 0);

		say("{\"call\":\"process_madvise\",\"fd\":%d,\"ret\":%ld,\"what\":\"pidfd\","
		    "\"pid\":%d,\"uid\":%u}",
		    pfd, r, getpid(), getuid());
	}

	/* ranges: a file mapping, anonymous memory, the heap, the stack, a
	 * memfd, a range over two mappings and one going past its mappings */
	range_call("mprotect", (unsigned long)p, PAGE, "file", 1, 0);
	/* four pages, the last one unmapped again: a hole after a's three */
	char *a = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (a == MAP_FAILED || munmap(a + 3 * PAGE, PAGE) < 0)
		die("mmap anon");
	a[0] = 1;
	range_call("madvise", (unsigned long)a, PAGE, "anon", 1, 0);
	heapp = ((unsigned long)sbrk(0) + PAGE - 1) & ~(PAGE - 1);
	if (sbrk(4 * PAGE) == (void *)-1)
		die("sbrk");
	range_call("madvise", heapp, PAGE, "heap", 1, 0);
	stackp = (unsigned long)&stackp & ~(PAGE - 1);
	range_call("madvise", stackp, PAGE, "stack", 1, 0);
	range_call("msync", (unsigned long)q, PAGE, "memfd", 1, 0);
	/* nothing mapped at the start */
	range_call("madvise", (unsigned long)a + 3 * PAGE, PAGE, "unmapped", 0, 0);
	/* a's middle page read-only: three mappings [rw][r][rw] */
	if (mprotect(a + PAGE, PAGE, PROT_READ) < 0)
		die("mprotect");
	range_call("mlock", (unsigned long)a, 2 * PAGE, "anon", 2, 0);
	range_call("munlock", (unsigned long)a, 2 * PAGE, "anon", 2, 0);
	/* past the end of a: three mappings, then the hole */
	range_call("munmap", (unsigned long)a, 4 * PAGE, "anon", 3, 1);
	return 0;
}
