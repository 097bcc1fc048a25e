// SPDX-License-Identifier: GPL-2.0
/*
 * stack_load.c - known memory calls from known functions, for --stack.
 * Built with -O2 -fomit-frame-pointer -g: no frame pointer to walk, so the
 * frames come from DWARF CFI only, here and in Debian's libc.
 *
 *   stack_load N M   N mremap calls main -> level1 -> level2 -> mremap()
 *                    (libc's wrapper), M failing ones main -> bad_path ->
 *                    mremap() (EINVAL), then one munmap made inside libc's
 *                    free() of a 1 MiB block (main -> free -> ... ->
 *                    munmap)
 *
 * It stays alive a moment after its calls, as a long-running program
 * would, so a tracer can still read its /proc/PID/maps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#define PAGE 4096

static volatile long sink;

__attribute__((noinline)) static void *level2(void *p, size_t from, size_t to)
{
	void *q = mremap(p, from, to, MREMAP_MAYMOVE);

	sink += (long)from;
	return q;
}

__attribute__((noinline)) static void *level1(void *p, size_t from, size_t to)
{
	void *q = level2(p, from, to);

	sink += (long)to;
	return q;
}

__attribute__((noinline)) static long bad_path(void)
{
	/* an unaligned address: EINVAL */
	void *q = mremap((void *)(PAGE + 1), PAGE, 2 * PAGE, 0);

	sink += (long)q;
	return (long)q;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 3;
	long m = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
	size_t size = PAGE;
	void *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *big;

	if (p == MAP_FAILED) {
		perror("stack_load: mmap");
		return 1;
	}
	for (long i = 0; i < n; i++) {
		size_t to = size == PAGE ? 2 * PAGE : PAGE;

		p = level1(p, size, to);
		if (p == MAP_FAILED) {
			perror("stack_load: mremap");
			return 1;
		}
		size = to;
	}
	for (long i = 0; i < m; i++)
		bad_path();
	/* past the mmap threshold: malloc maps it, free unmaps it */
	big = malloc(1 << 20);
	if (!big)
		return 1;
	memset(big, 1, 1 << 20);
	sink += big[4096];
	free(big);
	usleep(300000);
	return 0;
}
