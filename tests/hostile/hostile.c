// SPDX-License-Identifier: GPL-2.0
/*
 * hostile.c - a traced process that tries to confuse a tracer.
 *
 * Usage: hostile MODE ITERATIONS LOGFILE
 *   calls: from 4 threads, with every hostile argument below, and odd thread
 *          names; logs how many calls of each syscall were made
 *   race:  one thread calls set_mempolicy while another flips its node mask
 *          between {0} and {0,1} (a real time-of-check/time-of-use race)
 *
 * Hostile arguments: node-mask pointers to unmapped memory, to the last
 * bytes before a guard page, to kernel addresses; maxnode 0, 1, 2^31, 2^63
 * and ULONG_MAX; move_pages with count 2^31 and NULL arrays; mremap with
 * every flag bit set; thread names with quotes, backslashes, newlines, ANSI
 * escapes, control bytes and invalid UTF-8.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NTHREADS 4
#define MPOL_BIND 2

enum { SC_SET_MEMPOLICY, SC_MBIND, SC_MIGRATE_PAGES, SC_MOVE_PAGES, SC_MREMAP, SC_N };
static const char *const sc_names[SC_N] = { "set_mempolicy", "mbind", "migrate_pages",
					    "move_pages", "mremap" };
static atomic_ulong made[SC_N];

/* Thread names a tracer must print without being fooled (15 bytes max). */
static const char *const names[] = {
	"q\"uo\"te", "back\\slash", "new\nline", "\x1b[31mred\x1b[0m", "\x01\x02\x1f\x7f",
	"bad\xff\xfeutf8", "trunc\xe2\x82", "{\"fake\":1}",
};

static long counted(int sc, long nr, long a, long b, long c, long d, long e, long f)
{
	atomic_fetch_add(&made[sc], 1);
	return syscall(nr, a, b, c, d, e, f);
}

static unsigned long iterations;
static char *guard_edge; /* last 8 bytes before a PROT_NONE page */
static void *unmapped;
/*
 * move_pages with a huge count reads pages[] and writes status[] until it
 * faults: both sit in pages of their own, followed by unmapped memory, so
 * the kernel stops there instead of writing over this program.
 */
static void *pages_area, *status_area;

static void *caller(void *arg)
{
	long id = (long)arg;
	unsigned long mask = 1, big[64] = { 1 };
	const unsigned long maxnodes[] = { 0, 1, 2, 65, 1UL << 31, 1UL << 63, ~0UL };
	void *kernel = (void *)0xffff888000000000UL;
	char *pages = (char *)pages_area + id * 2 * 4096;
	char *status = (char *)status_area + id * 2 * 4096;
	int nodes[2] = { 0, 0 };

	prctl(PR_SET_NAME, names[id % (sizeof(names) / sizeof(names[0]))]);
	for (unsigned long i = 0; i < iterations; i++) {
		unsigned long maxnode = maxnodes[i % (sizeof(maxnodes) / sizeof(maxnodes[0]))];
		void *ptrs[] = { &mask, big, unmapped, guard_edge, kernel, NULL };
		void *p = ptrs[i % (sizeof(ptrs) / sizeof(ptrs[0]))];

		prctl(PR_SET_NAME, names[(id + i) % (sizeof(names) / sizeof(names[0]))]);
		counted(SC_SET_MEMPOLICY, SYS_set_mempolicy, MPOL_BIND, (long)p, maxnode, 0, 0, 0);
		counted(SC_MBIND, SYS_mbind, (long)&mask, 4096, MPOL_BIND, (long)p, maxnode, ~0L);
		counted(SC_MIGRATE_PAGES, SYS_migrate_pages, 0, maxnode, (long)p, (long)kernel, 0, 0);
		counted(SC_MOVE_PAGES, SYS_move_pages, 0, i % 2 ? 1UL << 31 : 2,
			i % 3 ? (long)pages : 0, i % 5 && !(i % 2) ? (long)nodes : 0,
			i % 7 ? (long)status : 0, 2);
		counted(SC_MREMAP, SYS_mremap, (long)unmapped, 4096, 8192, ~0L, (long)kernel, 0);
	}
	counted(SC_SET_MEMPOLICY, SYS_set_mempolicy, 0, 0, 0, 0, 0, 0); /* reset */
	return NULL;
}

static atomic_int stop;
static unsigned long race_mask = 1;

static void *flipper(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop))
		__atomic_store_n(&race_mask, race_mask ^ 2, __ATOMIC_RELAXED);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th[NTHREADS];
	char *area;
	FILE *log;

	if (argc != 4) {
		fprintf(stderr, "usage: hostile calls|race ITERATIONS LOGFILE\n");
		return 2;
	}
	iterations = strtoul(argv[2], NULL, 10);
	area = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		return 1;
	mprotect(area + 4096, 4096, PROT_NONE); /* guard page */
	/* per thread: one page of data, then one unmapped page */
	pages_area = mmap(NULL, NTHREADS * 2 * 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	status_area = mmap(NULL, NTHREADS * 2 * 4096, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pages_area == MAP_FAILED || status_area == MAP_FAILED)
		return 1;
	for (int t = 0; t < NTHREADS; t++) {
		munmap((char *)pages_area + (2 * t + 1) * 4096, 4096);
		munmap((char *)status_area + (2 * t + 1) * 4096, 4096);
		((void **)((char *)pages_area + 2 * t * 4096))[0] = area;
	}
	munmap(area + 2 * 4096, 4096);
	unmapped = area + 2 * 4096;
	guard_edge = area + 4096 - sizeof(long);
	*(unsigned long *)guard_edge = 1;

	if (!strcmp(argv[1], "race")) {
		pthread_t f;

		pthread_create(&f, NULL, flipper, NULL);
		for (unsigned long i = 0; i < iterations; i++)
			counted(SC_SET_MEMPOLICY, SYS_set_mempolicy, MPOL_BIND, (long)&race_mask, 3,
				0, 0, 0);
		atomic_store(&stop, 1);
		pthread_join(f, NULL);
		counted(SC_SET_MEMPOLICY, SYS_set_mempolicy, 0, 0, 0, 0, 0, 0);
	} else {
		for (long i = 0; i < NTHREADS; i++)
			pthread_create(&th[i], NULL, caller, (void *)i);
		for (long i = 0; i < NTHREADS; i++)
			pthread_join(th[i], NULL);
	}
	log = fopen(argv[3], "w");
	if (!log)
		return 1;
	fputc('{', log);
	for (int i = 0; i < SC_N; i++)
		fprintf(log, "%s\"%s\":%lu", i ? "," : "", sc_names[i], atomic_load(&made[i]));
	fputs("}\n", log);
	fclose(log);
	return 0;
}
