// SPDX-License-Identifier: GPL-2.0
/*
 * execwait.c - run a real program as the traced process, for the bench's
 * untraced-syscalls pass: the tracer attaches to this process before the
 * program starts, and the program keeps its pid (exec, no fork), so a
 * tracer that selects the pid selects the program.
 *
 * Usage: execwait PROGRAM [ARG...]
 * Pins itself to CPU 1 (CPU 0 on a one-CPU machine), prints "ready pid=N",
 * waits for a byte on stdin, prints "start_ns=N" (CLOCK_MONOTONIC, as
 * Python's time.monotonic_ns()) and execs PROGRAM with its stdout on
 * /dev/null. The caller takes the end from the wait for its exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	struct timespec ts;
	cpu_set_t set;
	int null;
	char c;

	if (argc < 2) {
		fprintf(stderr, "usage: execwait PROGRAM [ARG...]\n");
		return 2;
	}
	CPU_ZERO(&set);
	CPU_SET(ncpu > 1 ? 1 : 0, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("execwait: sched_setaffinity");
		return 1;
	}
	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null < 0) {
		perror("execwait: /dev/null");
		return 1;
	}
	printf("ready pid=%d\n", (int)getpid());
	fflush(stdout);
	if (read(0, &c, 1) != 1) {
		fprintf(stderr, "execwait: no start byte on stdin\n");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	printf("start_ns=%llu\n",
	       (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec);
	fflush(stdout);
	if (dup2(null, 1) < 0) {
		perror("execwait: dup2");
		return 1;
	}
	execvp(argv[1], argv + 1);
	fprintf(stderr, "execwait: %s: %s\n", argv[1], strerror(errno));
	return 127;
}
