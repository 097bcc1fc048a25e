// SPDX-License-Identifier: GPL-2.0
/*
 * stack_load.c - known memory calls from known functions, for --stack.
 * Built with -O2 -fomit-frame-pointer -g: no frame pointer to walk, so the
 * frames come from DWARF CFI only, here and in Debian's libc.
 *
 *   stack_load N M [T]
 *                    N mremap calls main -> resize_loop -> level1 ->
 *                    level2 -> mremap()
 *                    (libc's wrapper), M failing ones main -> bad_path ->
 *                    mremap() (EINVAL), then one munmap made inside libc's
 *                    free() of a 1 MiB block (main -> free -> ... ->
 *                    munmap); then, with T, N mremap calls in a thread
 *                    (start_thread -> thread_main -> resize_loop -> level1 ->
 *                    level2),
 *                    T times one after the other
 *
 * It stays alive a moment after its calls, as a long-running program
 * would, so a tracer can still read its /proc/PID/maps.
 */
#include <pthread.h>
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

/* N grow/shrink calls through level1; 0, or -1 after an error line. */
__attribute__((noinline)) static int resize_loop(long n)
{
	size_t size = PAGE;
	void *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("stack_load: mmap");
		return -1;
	}
	for (long i = 0; i < n; i++) {
		size_t to = size == PAGE ? 2 * PAGE : PAGE;

		p = level1(p, size, to);
		if (p == MAP_FAILED) {
			perror("stack_load: mremap");
			return -1;
		}
		size = to;
	}
	return 0;
}

__attribute__((noinline)) static void *thread_main(void *arg)
{
	long r = resize_loop((long)arg);

	sink += r;
	return (void *)r;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 3;
	long m = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
	long t = argc > 3 ? strtol(argv[3], NULL, 10) : 0;
	char *big;

	if (resize_loop(n))
		return 1;
	for (long i = 0; i < m; i++)
		bad_path();
	/* past the mmap threshold: malloc maps it, free unmaps it */
	big = malloc(1 << 20);
	if (!big)
		return 1;
	memset(big, 1, 1 << 20);
	sink += big[4096];
	free(big);
	for (long i = 0; i < t; i++) {
		pthread_t th;
		void *ret;

		if (pthread_create(&th, NULL, thread_main, (void *)n) || pthread_join(th, &ret) ||
		    ret)
			return 1;
	}
	usleep(300000);
	return 0;
}
