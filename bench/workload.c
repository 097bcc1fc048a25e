// SPDX-License-Identifier: GPL-2.0
/*
 * workload.c - make one memory syscall in a tight loop and time it
 * in-process, so a tracer's start-up never counts.
 *
 * Usage: workload [--wait] NAME ITERATIONS [THREADS]
 *
 * NAME: mremap, set_mempolicy, get_mempolicy, migrate_pages, mix, mmap,
 * getppid. Every loop step is one raw syscall(2); ITERATIONS of them are
 * timed per thread, in BLOCKS blocks, after one untimed warm-up block. The
 * single thread runs on CPU 1 (CPU 0 on a one-CPU machine); with THREADS > 1
 * thread i runs on CPU i % ncpu.
 *
 * --wait: set everything up, print "ready pid=N" on stdout, and start only
 * when a byte arrives on stdin (bench/run attaches a tracer meanwhile).
 * Nothing in the timed part, nor after it, makes a syscall a tracer selects:
 * every call made after the start is in "calls".
 *
 * Output, one line:
 *   ns_per_call=F calls=N workload=NAME threads=T blocks=B block_min=F
 *   block_max=F cpu_s=F moved=N mremap=N set_mempolicy=N get_mempolicy=N
 *   migrate_pages=N mmap=N munmap=N getppid=N
 * ns_per_call is the median of the block means (per call, over every block
 * of every thread); calls counts every syscall made after the start,
 * warm-up included, and the per-syscall counts split it.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define BLOCKS 20
#define MAX_THREADS 64
#define MASK_WORDS 16 /* 1024 bits, as numactl passes them */
#define MAXNODE (MASK_WORDS * 64 + 1)
#define MPOL_DEFAULT 0
#define MPOL_BIND 2
#ifndef MREMAP_MAYMOVE
#define MREMAP_MAYMOVE 1
#endif

enum sc {
	SC_MREMAP,
	SC_SET_MEMPOLICY,
	SC_GET_MEMPOLICY,
	SC_MIGRATE_PAGES,
	SC_MMAP,
	SC_MUNMAP,
	SC_GETPPID,
	SC_COUNT
};

static const char *const sc_names[SC_COUNT] = {
	"mremap", "set_mempolicy", "get_mempolicy", "migrate_pages", "mmap", "munmap", "getppid",
};

struct worker {
	pthread_t thread;
	int cpu;
	long page;
	char *area;   /* mremap: 1 page mapped, the next one kept free */
	char *mapped; /* mmap: the page to unmap next */
	unsigned long mix_step;
	unsigned long mask[MASK_WORDS]; /* node 0 */
	unsigned long calls[SC_COUNT];
	unsigned long moved; /* mremap grows that did not stay in place */
	double block_ns[BLOCKS];
	int nblocks;
	int err; /* errno of the first failed call */
	enum sc failed_sc;
};

typedef void (*step_fn)(struct worker *w);

static step_fn step;
static unsigned long iterations;
static pthread_barrier_t start_barrier;

static void fail(struct worker *w, enum sc sc)
{
	if (!w->err) {
		w->err = errno ? errno : EIO;
		w->failed_sc = sc;
	}
}

/*
 * Grow the page to two and shrink it back, alternately (each step alternates
 * on its own call count): in place, as the next page is kept free.
 */
static void step_mremap(struct worker *w)
{
	long pg = w->page;
	char *p;

	if (w->calls[SC_MREMAP] & 1) {
		if (syscall(SYS_mremap, w->area, 2 * pg, pg, 0, 0) == -1)
			fail(w, SC_MREMAP);
	} else {
		p = (char *)syscall(SYS_mremap, w->area, pg, 2 * pg, MREMAP_MAYMOVE, 0);
		if (p == MAP_FAILED)
			fail(w, SC_MREMAP);
		else if (p != w->area) {
			w->moved++;
			w->area = p;
		}
	}
	w->calls[SC_MREMAP]++;
}

static void step_set_mempolicy(struct worker *w)
{
	long r;

	if (w->calls[SC_SET_MEMPOLICY] & 1)
		r = syscall(SYS_set_mempolicy, MPOL_DEFAULT, NULL, 0);
	else
		r = syscall(SYS_set_mempolicy, MPOL_BIND, w->mask, MAXNODE);
	if (r)
		fail(w, SC_SET_MEMPOLICY);
	w->calls[SC_SET_MEMPOLICY]++;
}

static void step_get_mempolicy(struct worker *w)
{
	int mode;

	if (syscall(SYS_get_mempolicy, &mode, NULL, 0, NULL, 0))
		fail(w, SC_GET_MEMPOLICY);
	w->calls[SC_GET_MEMPOLICY]++;
}

static void step_migrate_pages(struct worker *w)
{
	if (syscall(SYS_migrate_pages, 0, MAXNODE, w->mask, w->mask) < 0)
		fail(w, SC_MIGRATE_PAGES);
	w->calls[SC_MIGRATE_PAGES]++;
}

static void step_mmap(struct worker *w)
{
	if (w->calls[SC_MMAP] > w->calls[SC_MUNMAP]) {
		if (syscall(SYS_munmap, w->mapped, w->page))
			fail(w, SC_MUNMAP);
		w->calls[SC_MUNMAP]++;
	} else {
		w->mapped = (char *)syscall(SYS_mmap, NULL, w->page, PROT_READ | PROT_WRITE,
					    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (w->mapped == MAP_FAILED)
			fail(w, SC_MMAP);
		w->calls[SC_MMAP]++;
	}
}

static void step_getppid(struct worker *w)
{
	syscall(SYS_getppid);
	w->calls[SC_GETPPID]++;
}

/* Round robin of the four memory-policy workloads. */
static void step_mix(struct worker *w)
{
	static const step_fn order[] = {step_mremap, step_set_mempolicy, step_get_mempolicy,
					step_migrate_pages};

	order[w->mix_step++ % 4](w);
}

static const struct {
	const char *name;
	step_fn fn;
} workloads[] = {
	{"mremap", step_mremap},
	{"set_mempolicy", step_set_mempolicy},
	{"get_mempolicy", step_get_mempolicy},
	{"migrate_pages", step_migrate_pages},
	{"mix", step_mix},
	{"mmap", step_mmap},
	{"getppid", step_getppid},
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* Everything a step needs, made before the start (not traced). */
static int setup_worker(struct worker *w)
{
	long pg = w->page;
	char *p;

	w->mask[0] = 1; /* node 0 */
	p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	/* keep the first page; the second stays free for the grow */
	if (munmap(p + pg, pg))
		return -1;
	w->area = p;
	return 0;
}

static void *run_worker(void *arg)
{
	struct worker *w = arg;
	unsigned long per_block = iterations / BLOCKS, done = 0;
	int nblocks = BLOCKS;

	if (per_block == 0) {
		per_block = 1;
		nblocks = iterations;
	}
	if (pin(w->cpu))
		fail(w, SC_COUNT);
	pthread_barrier_wait(&start_barrier);

	for (unsigned long i = 0; i < per_block; i++) /* warm-up */
		step(w);
	for (int b = 0; b < nblocks; b++) {
		unsigned long n = b == nblocks - 1 ? iterations - done : per_block;
		double t0 = now_ns();

		for (unsigned long i = 0; i < n; i++)
			step(w);
		w->block_ns[b] = (now_ns() - t0) / n;
		done += n;
	}
	w->nblocks = nblocks;
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno || end == s || *end || s[0] == '-' || *out == 0 || *out > max ? -1 : 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: workload [--wait] NAME ITERATIONS [THREADS]\n"
		"NAME: mremap set_mempolicy get_mempolicy migrate_pages mix mmap getppid\n");
	return 2;
}

int main(int argc, char **argv)
{
	static struct worker workers[MAX_THREADS];
	static double all_blocks[MAX_THREADS * BLOCKS];
	unsigned long nthreads = 1, calls[SC_COUNT] = {0}, total = 0, moved = 0;
	const char *name;
	int ncpu = sysconf(_SC_NPROCESSORS_ONLN), nall = 0, wait = 0;
	struct rusage ru;
	char line[1024];
	size_t off;
	double median;

	if (argc > 1 && !strcmp(argv[1], "--wait")) {
		wait = 1;
		argc--;
		argv++;
	}
	if (argc < 3 || argc > 4)
		return usage();
	name = argv[1];
	for (size_t i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++)
		if (!strcmp(name, workloads[i].name))
			step = workloads[i].fn;
	if (!step || parse_ulong(argv[2], 1UL << 40, &iterations) ||
	    (argc == 4 && parse_ulong(argv[3], MAX_THREADS, &nthreads)))
		return usage();
	if (ncpu < 1)
		ncpu = 1;

	if (pthread_barrier_init(&start_barrier, NULL, nthreads + 1)) {
		fprintf(stderr, "workload: failed to create a barrier\n");
		return 1;
	}
	for (unsigned long i = 0; i < nthreads; i++) {
		struct worker *w = &workers[i];

		w->cpu = nthreads == 1 ? (ncpu > 1 ? 1 : 0) : (int)(i % ncpu);
		w->page = sysconf(_SC_PAGESIZE);
		if (setup_worker(w)) {
			fprintf(stderr, "workload: failed to map the test pages: %s\n",
				strerror(errno));
			return 1;
		}
		if (pthread_create(&w->thread, NULL, run_worker, w)) {
			fprintf(stderr, "workload: failed to create thread %lu\n", i);
			return 1;
		}
	}
	if (wait) {
		char c;
		int n = snprintf(line, sizeof(line), "ready pid=%d\n", getpid());

		if (write(STDOUT_FILENO, line, n) != n || read(STDIN_FILENO, &c, 1) != 1) {
			fprintf(stderr, "workload: no start byte on stdin\n");
			return 1;
		}
	}
	pthread_barrier_wait(&start_barrier);
	for (unsigned long i = 0; i < nthreads; i++)
		pthread_join(workers[i].thread, NULL);

	for (unsigned long i = 0; i < nthreads; i++) {
		struct worker *w = &workers[i];

		if (w->err) {
			fprintf(stderr, "workload: %s failed in thread %lu: %s\n",
				w->failed_sc < SC_COUNT ? sc_names[w->failed_sc]
							: "sched_setaffinity",
				i, strerror(w->err));
			return 1;
		}
		for (int s = 0; s < SC_COUNT; s++)
			calls[s] += w->calls[s];
		moved += w->moved;
		memcpy(all_blocks + nall, w->block_ns, w->nblocks * sizeof(double));
		nall += w->nblocks;
	}
	for (int s = 0; s < SC_COUNT; s++)
		total += calls[s];
	qsort(all_blocks, nall, sizeof(double), cmp_double);
	median = nall % 2 ? all_blocks[nall / 2]
			  : (all_blocks[nall / 2 - 1] + all_blocks[nall / 2]) / 2;
	getrusage(RUSAGE_SELF, &ru);

	/* write(2) from a stack buffer: no stdio buffer, no mmap after the run */
	off = snprintf(line, sizeof(line),
		       "ns_per_call=%.1f calls=%lu workload=%s threads=%lu blocks=%d "
		       "block_min=%.1f block_max=%.1f cpu_s=%.3f moved=%lu",
		       median, total, name, nthreads, nall, all_blocks[0], all_blocks[nall - 1],
		       ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
			       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6,
		       moved);
	for (int s = 0; s < SC_COUNT && off < sizeof(line); s++)
		off += snprintf(line + off, sizeof(line) - off, " %s=%lu", sc_names[s], calls[s]);
	if (off < sizeof(line) - 1)
		line[off++] = '\n';
	if (write(STDOUT_FILENO, line, off) != (ssize_t)off)
		return 1;
	return 0;
}
