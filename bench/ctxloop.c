// SPDX-License-Identifier: GPL-2.0
/*
 * ctxloop.c - the calls whose argument context --fd-paths and --mappings
 * read, in a loop, for bench/ctxcost: mmap of a file (an fd), mprotect and
 * munmap of that mapping (an address range).
 *
 * Usage: ctxloop FILE ITERATIONS
 * Prints "ready pid=N", waits for a byte on stdin, makes ITERATIONS rounds
 * of the three calls, and prints "ns_per_round=F rounds=N".
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec a, b;
	long n;
	char c;
	int fd;

	if (argc != 3 || (n = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: ctxloop FILE ITERATIONS\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	printf("ready pid=%d\n", getpid());
	fflush(stdout);
	if (read(0, &c, 1) != 1)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);

		if (p == MAP_FAILED || mprotect(p, 4096, PROT_NONE) || munmap(p, 4096)) {
			perror("ctxloop");
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("ns_per_round=%.1f rounds=%ld\n",
	       ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n, n);
	return 0;
}
