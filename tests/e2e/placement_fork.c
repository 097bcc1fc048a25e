// SPDX-License-Identifier: GPL-2.0
/*
 * placement_fork.c - the workload of the --placement --follow tests: a
 * parent that forks one child per page count given, each touching that
 * many anonymous pages; then a child the parent kills with SIGKILL, and a
 * child whose second thread ends the process with exit() after its first
 * thread ended alone (pthread_exit). "--many N": N children in turn, each
 * ending at once.
 *
 * Each reading of /proc/self/numa_maps goes to stdout as
 *   "@@ WHAT PID N\n" TEXT "@@ end\n"
 * with WHAT "parent" (the parent's own, just before it forks child N) or
 * "child" (a child's own, just before it exits; N its page count). Reads
 * and writes use raw read()/write() into a buffer touched beforehand, and
 * the stack is touched deep beforehand, so that a reading changes nothing
 * it reads: a sample mmtrace takes at the same time must see the same
 * pages. A child writes only when the parent lets it (one at a time).
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static char text[1 << 20]; /* a numa_maps reading */
static int go[2], ready[2];
static long psz;

/* Write all of buf (a pipe may take it in parts). */
static void put(const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(1, buf, len);

		if (n <= 0)
			_exit(3);
		buf += n;
		len -= n;
	}
}

/* Read /proc/self/numa_maps into text and write it out under a header. */
static void report(const char *what, long n)
{
	char head[96];
	size_t len = 0;
	ssize_t got;
	int fd = open("/proc/self/numa_maps", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		_exit(4);
	while (len < sizeof(text) && (got = read(fd, text + len, sizeof(text) - len)) > 0)
		len += got;
	close(fd);
	put(head, snprintf(head, sizeof(head), "@@ %s %d %ld\n", what, getpid(), n));
	put(text, len);
	put("@@ end\n", 7);
}

/* Stack pages deep enough for every call below, touched now. */
static void __attribute__((noinline)) touch_stack(void)
{
	volatile char deep[64 << 10];

	memset((char *)deep, 1, sizeof(deep));
}

static char *touched_pages(long pages)
{
	char *p =
		mmap(NULL, pages * psz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		_exit(5);
	/* no huge pages: numa_maps counts one per base page either way, but
	 * a THP rounds the count up */
	madvise(p, pages * psz, MADV_NOHUGEPAGE);
	for (long i = 0; i < pages; i++)
		p[i * psz] = (char)i;
	return p;
}

/* In a child: say ready, wait for the parent's word. */
static void wait_turn(void)
{
	char c;

	if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
		_exit(6);
}

static pid_t spawn(void (*body)(long), long n)
{
	pid_t pid;
	char c;

	touch_stack();
	memset(text, 0, sizeof(text)); /* present before the fork */
	report("parent", n);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		memset(text, 0, sizeof(text)); /* its own copy, before it reads */
		body(n);
		_exit(0);
	}
	if (read(ready[0], &c, 1) != 1) /* the child is set up */
		exit(1);
	return pid;
}

static void plain_child(long pages)
{
	touched_pages(pages);
	wait_turn();
	report("child", pages);
}

static void idle_child(long pages)
{
	touched_pages(pages);
	wait_turn(); /* killed here */
	pause();
}

static void *thread_alone(void *arg)
{
	return arg; /* pthread_exit: the process goes on */
}

static void *thread_ends_all(void *arg)
{
	touched_pages((long)arg);
	wait_turn();
	report("child", (long)arg);
	exit(0); /* exit_group from a thread that is not the leader */
}

static void threaded_child(long pages)
{
	pthread_t a, b;

	if (pthread_create(&a, NULL, thread_alone, NULL) || pthread_join(a, NULL) ||
	    pthread_create(&b, NULL, thread_ends_all, (void *)pages))
		_exit(7);
	pthread_join(b, NULL); /* killed by the exit of b */
	_exit(8);
}

static int reap(pid_t pid, int want_sig)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return 1;
	if (want_sig)
		return !(WIFSIGNALED(status) && WTERMSIG(status) == want_sig);
	return !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(int argc, char **argv)
{
	int bad = 0;
	pid_t pid;

	psz = sysconf(_SC_PAGESIZE);
	/* no transparent huge pages (inherited): khugepaged must not change
	 * what is mapped between a reading and a sample */
	if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0))
		perror("PR_SET_THP_DISABLE");
	if (argc < 2) {
		fprintf(stderr, "usage: placement_fork PAGES... | placement_fork --many N\n");
		return 2;
	}
	if (!strcmp(argv[1], "--many") && argc == 3) {
		/* N children in turn, each ending at once */
		for (long i = atol(argv[2]); i > 0; i--) {
			pid = fork();
			if (pid == 0)
				_exit(0);
			bad |= pid < 0 || reap(pid, 0);
		}
		return bad;
	}
	if (pipe(go) || pipe(ready))
		return 1;
	for (int i = 1; i < argc; i++) {
		pid = spawn(plain_child, atol(argv[i]));
		if (write(go[1], "g", 1) != 1)
			return 1;
		bad |= reap(pid, 0);
	}
	pid = spawn(idle_child, 10);
	kill(pid, SIGKILL);
	bad |= reap(pid, SIGKILL);
	pid = spawn(threaded_child, 500);
	if (write(go[1], "g", 1) != 1)
		return 1;
	bad |= reap(pid, 0);
	return bad;
}
