// SPDX-License-Identifier: GPL-2.0
/*
 * numatest.c - the workload of the multi-node guest tests (tests/numa/).
 *
 * Runs inside a QEMU guest with several NUMA nodes, under mmtrace. Each
 * scenario makes real page placement and migration calls in its own child
 * process and prints one JSON line of what the guest kernel itself reports
 * about them: return values, move_pages' status array, the node of every
 * page (get_mempolicy with MPOL_F_NODE | MPOL_F_ADDR) and the change of
 * /proc/vmstat's pgmigrate_success and pgmigrate_fail during the call.
 * tests/numa/check.py compares mmtrace's events with these facts.
 *
 * usage: numatest NNODES [SCENARIO...]   (no scenario: all that fit NNODES,
 *                                        but toctou_race)
 *
 * Static, raw syscalls, no libnuma: it runs from a busybox initramfs.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/mempolicy.h>

#ifndef __NR_set_mempolicy_home_node
#define __NR_set_mempolicy_home_node 450
#endif

#define PAGE 4096UL
#define MAXNODE 65 /* the kernel reads maxnode - 1 = 64 bits: one long */
#define NPAGES 32  /* pages per buffer (mmtrace reads 64 array elements) */

static int nnodes;

/* ---- facts: one JSON object per scenario on stdout ---- */

static char line[1 << 16];
static size_t line_len;

static void put(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line + line_len, sizeof(line) - line_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		line_len += (size_t)n < sizeof(line) - line_len ? (size_t)n : 0;
}

static void put_ints(const char *key, const int *v, int n)
{
	put(",\"%s\":[", key);
	for (int i = 0; i < n; i++)
		put("%s%d", i ? "," : "", v[i]);
	put("]");
}

static void put_addrs(const char *key, void *const *v, int n)
{
	put(",\"%s\":[", key);
	for (int i = 0; i < n; i++)
		put("%s%lu", i ? "," : "", (unsigned long)v[i]);
	put("]");
}

static void begin(const char *scenario)
{
	line_len = 0;
	put("{\"scenario\":\"%s\",\"pid\":%d,\"nnodes\":%d", scenario, getpid(), nnodes);
}

static void end(void)
{
	put("}\n");
	fwrite(line, 1, line_len, stdout);
	fflush(stdout);
}

static void fail(const char *what)
{
	put(",\"error\":\"%s: %s\"", what, strerror(errno));
	end();
	exit(1);
}

/* ---- what the kernel reports ---- */

static long vmstat(const char *key)
{
	char name[64];
	long v, found = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", name, &v) == 2) {
		if (!strcmp(name, key)) {
			found = v;
			break;
		}
	}
	fclose(f);
	return found;
}

struct counts {
	long success, fail;
};

static void counts_now(struct counts *c)
{
	c->success = vmstat("pgmigrate_success");
	c->fail = vmstat("pgmigrate_fail");
}

static void put_delta(const char *prefix, const struct counts *before)
{
	struct counts now;

	counts_now(&now);
	put(",\"%sVmstatSuccess\":%ld,\"%sVmstatFail\":%ld", prefix, now.success - before->success,
	    prefix, now.fail - before->fail);
}

/* The node of the page at addr: get_mempolicy(MPOL_F_NODE | MPOL_F_ADDR). */
static int node_of(void *addr)
{
	int node = -1;

	if (syscall(SYS_get_mempolicy, &node, NULL, 0UL, addr, MPOL_F_NODE | MPOL_F_ADDR))
		return -errno - 100;
	return node;
}

static void nodes_of(char *buf, int n, int *out)
{
	for (int i = 0; i < n; i++)
		out[i] = node_of(buf + i * PAGE);
}

static unsigned long mask_of(const int *nodes, int n)
{
	unsigned long m = 0;

	for (int i = 0; i < n; i++)
		m |= 1UL << nodes[i];
	return m;
}

/* ---- helpers ---- */

static void pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		fail("sched_setaffinity");
}

static char *alloc(int npages)
{
	char *p = mmap(NULL, npages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		       0);

	if (p == MAP_FAILED)
		fail("mmap");
	madvise(p, npages * PAGE, MADV_NOHUGEPAGE);
	return p;
}

static void touch(char *p, int npages)
{
	for (int i = 0; i < npages; i++)
		p[i * PAGE] = (char)i;
}

/* A buffer of touched pages on node 0: allocated from CPU 0 (node 0). */
static char *pages_on_node0(int npages)
{
	char *p;

	pin_cpu(0);
	p = alloc(npages);
	touch(p, npages);
	return p;
}

static int count_node(const int *nodes, int n, int node)
{
	int c = 0;

	for (int i = 0; i < n; i++)
		c += nodes[i] == node;
	return c;
}

/* ---- scenarios ---- */

/* migrate_pages(0, {0} -> {1}): the whole calling process moves. */
static void migrate_self(void)
{
	unsigned long from = 1UL << 0, to = 1UL << 1;
	int before[NPAGES], after[NPAGES];
	struct counts c;
	char *buf;
	long ret;

	begin("migrate_pages_self");
	buf = pages_on_node0(NPAGES);
	nodes_of(buf, NPAGES, before);
	counts_now(&c);
	ret = syscall(SYS_migrate_pages, 0, (unsigned long)MAXNODE, &from, &to);
	put(",\"ret\":%ld,\"errno\":%d", ret, ret < 0 ? errno : 0);
	put_delta("", &c);
	nodes_of(buf, NPAGES, after);
	put_ints("before", before, NPAGES);
	put_ints("after", after, NPAGES);
	put(",\"from\":[0],\"to\":[1]");
	end();
}

/* migrate_pages(child, {0} -> {1}): another process's pages move. */
static void migrate_other(void)
{
	unsigned long from = 1UL << 0, to = 1UL << 1;
	int go[2], ready[2], after[NPAGES];
	struct counts c;
	pid_t child;
	long ret;
	char ch;

	begin("migrate_pages_other");
	if (pipe(go) || pipe(ready))
		fail("pipe");
	child = fork();
	if (child < 0)
		fail("fork");
	if (child == 0) {
		char *buf;

		prctl(PR_SET_NAME, "numachild");
		buf = pages_on_node0(NPAGES);
		if (write(ready[1], "r", 1) != 1 || read(go[0], &ch, 1) != 1)
			_exit(1);
		nodes_of(buf, NPAGES, after);
		if (write(ready[1], after, sizeof(after)) != sizeof(after))
			_exit(1);
		_exit(0);
	}
	if (read(ready[0], &ch, 1) != 1)
		fail("child not ready");
	counts_now(&c);
	ret = syscall(SYS_migrate_pages, child, (unsigned long)MAXNODE, &from, &to);
	put(",\"ret\":%ld,\"errno\":%d", ret, ret < 0 ? errno : 0);
	put_delta("", &c);
	if (write(go[1], "g", 1) != 1 || read(ready[0], after, sizeof(after)) != sizeof(after))
		fail("child lost");
	waitpid(child, NULL, 0);
	put(",\"child\":%d,\"childComm\":\"numachild\"", child);
	put_ints("childAfter", after, NPAGES);
	put(",\"from\":[0],\"to\":[1]");
	end();
}

/* One move_pages call on the buffer; its facts under key. */
static void move_call(const char *key, char *buf, const int *nodes, int flags)
{
	void *pages[NPAGES];
	int status[NPAGES], after[NPAGES];
	struct counts c;
	long ret;

	for (int i = 0; i < NPAGES; i++) {
		pages[i] = buf + i * PAGE;
		status[i] = -1000;
	}
	counts_now(&c);
	ret = syscall(SYS_move_pages, 0, (unsigned long)NPAGES, pages, nodes, status, flags);
	put(",\"%s\":{\"ret\":%ld,\"errno\":%d", key, ret, ret < 0 ? errno : 0);
	put_delta("", &c);
	nodes_of(buf, NPAGES, after);
	put_addrs("pages", pages, NPAGES);
	if (nodes)
		put_ints("nodes", nodes, NPAGES);
	else
		put(",\"nodes\":null");
	put_ints("status", status, NPAGES);
	put_ints("after", after, NPAGES);
	put("}");
}

/* move_pages of NPAGES pages to node 1, back to node 0, then a query. */
static void move_there_and_back(void)
{
	int to1[NPAGES], to0[NPAGES];
	char *buf;

	begin("move_pages");
	for (int i = 0; i < NPAGES; i++) {
		to1[i] = 1;
		to0[i] = 0;
	}
	buf = pages_on_node0(NPAGES);
	move_call("there", buf, to1, MPOL_MF_MOVE);
	move_call("back", buf, to0, MPOL_MF_MOVE);
	move_call("query", buf, NULL, 0);
	end();
}

/* move_pages: page i to node i % nnodes (memory-only nodes included). */
static void move_spread(void)
{
	int to[NPAGES];
	char *buf;

	begin("move_pages_spread");
	for (int i = 0; i < NPAGES; i++)
		to[i] = i % nnodes;
	buf = pages_on_node0(NPAGES);
	move_call("spread", buf, to, MPOL_MF_MOVE);
	end();
}

/* mbind(MPOL_BIND {1}, MPOL_MF_MOVE | MPOL_MF_STRICT) on touched pages. */
static void mbind_move(void)
{
	unsigned long mask = 1UL << 1;
	int before[NPAGES], after[NPAGES];
	struct counts c;
	char *buf;
	long ret;

	begin("mbind_move");
	buf = pages_on_node0(NPAGES);
	nodes_of(buf, NPAGES, before);
	counts_now(&c);
	ret = syscall(SYS_mbind, buf, NPAGES * PAGE, MPOL_BIND, &mask, (unsigned long)MAXNODE,
		      MPOL_MF_MOVE | MPOL_MF_STRICT);
	put(",\"ret\":%ld,\"errno\":%d", ret, ret < 0 ? errno : 0);
	put_delta("", &c);
	nodes_of(buf, NPAGES, after);
	put(",\"addr\":%lu,\"len\":%lu,\"mode\":%d,\"nodes\":[1],\"flags\":%d", (unsigned long)buf,
	    NPAGES * PAGE, MPOL_BIND, MPOL_MF_MOVE | MPOL_MF_STRICT);
	put_ints("before", before, NPAGES);
	put_ints("after", after, NPAGES);
	end();
}

/*
 * set_mempolicy(mode, nodes), then touch fresh pages and see where they
 * went; a few get_mempolicy calls with a node mask (traced: maxnode > 0).
 */
static void policy_then_touch(const char *scenario, int mode, const int *nodes, int n)
{
	unsigned long mask = mask_of(nodes, n), got_mask[NPAGES];
	int where[NPAGES], got_mode[NPAGES];
	long ret;
	char *buf;

	begin(scenario);
	pin_cpu(0);
	ret = syscall(SYS_set_mempolicy, mode, &mask, (unsigned long)MAXNODE);
	put(",\"ret\":%ld,\"errno\":%d,\"mode\":%d", ret, ret < 0 ? errno : 0, mode);
	put_ints("nodes", nodes, n);
	buf = alloc(NPAGES);
	touch(buf, NPAGES);
	nodes_of(buf, NPAGES, where);
	put_ints("where", where, NPAGES);
	/* the checked get_mempolicy calls: mode gets the node, mask the policy's */
	for (int i = 0; i < 4; i++) {
		got_mode[i] = -1;
		got_mask[i] = 0;
		if (syscall(SYS_get_mempolicy, &got_mode[i], &got_mask[i], (unsigned long)MAXNODE,
			    buf + i * PAGE, MPOL_F_NODE | MPOL_F_ADDR))
			got_mode[i] = -errno - 100;
	}
	put_ints("getNode", got_mode, 4);
	put(",\"getMask\":[%lu,%lu,%lu,%lu]", got_mask[0], got_mask[1], got_mask[2], got_mask[3]);
	put(",\"getAddrs\":[%lu,%lu,%lu,%lu]", (unsigned long)buf, (unsigned long)(buf + PAGE),
	    (unsigned long)(buf + 2 * PAGE), (unsigned long)(buf + 3 * PAGE));
	for (int k = 0; k < nnodes; k++)
		put(",\"onNode%d\":%d", k, count_node(where, NPAGES, k));
	syscall(SYS_set_mempolicy, MPOL_DEFAULT, NULL, 0UL);
	end();
}

static void interleave(void)
{
	int all[] = {0, 1, 2, 3};

	policy_then_touch("set_mempolicy_interleave", MPOL_INTERLEAVE, all, nnodes);
}

static void preferred_many(void)
{
	int two[] = {1}, four[] = {2, 3};

	if (nnodes >= 4)
		policy_then_touch("set_mempolicy_preferred_many", MPOL_PREFERRED_MANY, four, 2);
	else
		policy_then_touch("set_mempolicy_preferred_many", MPOL_PREFERRED_MANY, two, 1);
}

/*
 * mbind(MPOL_BIND {2,3}) on two untouched regions, home node 3 for the
 * first and 2 for the second (set_mempolicy_home_node), then touch both
 * from CPU 0: the home node decides where each region's pages go.
 */
static void home_node(void)
{
	unsigned long mask = (1UL << 2) | (1UL << 3);
	int homes[2] = {3, 2}, where[2][NPAGES];
	long mret[2], hret[2];
	char *buf[2];

	begin("set_mempolicy_home_node");
	pin_cpu(0);
	for (int r = 0; r < 2; r++) {
		buf[r] = alloc(NPAGES);
		mret[r] = syscall(SYS_mbind, buf[r], NPAGES * PAGE, MPOL_BIND, &mask,
				  (unsigned long)MAXNODE, 0U);
		hret[r] = syscall(__NR_set_mempolicy_home_node, buf[r], NPAGES * PAGE,
				  (unsigned long)homes[r], 0UL);
		if (hret[r])
			hret[r] = -errno;
		touch(buf[r], NPAGES);
		nodes_of(buf[r], NPAGES, where[r]);
	}
	put(",\"regions\":[");
	for (int r = 0; r < 2; r++) {
		put("%s{\"addr\":%lu,\"len\":%lu,\"home\":%d,\"mbindRet\":%ld,\"ret\":%ld",
		    r ? "," : "", (unsigned long)buf[r], NPAGES * PAGE, homes[r], mret[r], hret[r]);
		put_ints("where", where[r], NPAGES);
		put("}");
	}
	put("]");
	end();
}

/*
 * The TOCTOU race of tests/hostile/hostile.c, with the policy read back: a
 * thread on CPU 1 flips the mask between {0} and {0,1} while this one, on
 * CPU 0, calls set_mempolicy(MPOL_BIND, mask) and then get_mempolicy(),
 * which reports the nodes the kernel really applied. Their event pairs tell
 * whether mmtrace's kernel copy is what the kernel used.
 */
/*
 * The race needs both vCPUs running at once, which TCG guests sharing a
 * host's cores get now and then (CI boots two guests of two vCPUs each on
 * two cores: one run flipped during 24 of 16000 calls). So the calls go in
 * bursts of RACE_BURST, each started only once the flipper is seen flipping
 * while this thread spins (RACE_SPIN_NS), until the flipper has flipped
 * during RACE_MIN_CONTENDED calls (or RACE_MAX_CALLS calls, RACE_MAX_NS).
 * A later run spent its 16000 calls in 2 s with the flipper flipping during
 * 6: short bursts waste fewer calls when it stops, and the call limit, not
 * the time, had run out.
 */
#define RACE_MIN_CALLS 1500
#define RACE_MIN_CONTENDED 400
#define RACE_MAX_CALLS 32000
#define RACE_MAX_NS 15000000000LL
#define RACE_BURST 25
#define RACE_SPIN_NS 50000

static unsigned long race_mask = 1;
static atomic_ulong race_flips;
static atomic_int race_stop;

static void *race_flipper(void *arg)
{
	(void)arg;
	pin_cpu(1);
	/* Above mmtrace's reader (nice -10 by default): with CPU 0 busy
	 * calling, the reader woken by the calls' records ran on CPU 1 and
	 * held the flipper off during the very bursts it was seen flipping
	 * before (a CI run: it flipped during 6 of 16000 calls). At -20 the
	 * reader gets a tenth of CPU 1 or moves to CPU 0. */
	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), -20);
	while (!atomic_load_explicit(&race_stop, memory_order_relaxed)) {
		__atomic_store_n(&race_mask, race_mask ^ 2, __ATOMIC_RELAXED);
		atomic_fetch_add_explicit(&race_flips, 1, memory_order_relaxed);
	}
	return NULL;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Whether the flipper flips while this thread spins for RACE_SPIN_NS. */
static bool race_flipper_running(void)
{
	unsigned long flips = atomic_load_explicit(&race_flips, memory_order_relaxed);
	long long t0 = now_ns();

	while (now_ns() - t0 < RACE_SPIN_NS)
		;
	return atomic_load_explicit(&race_flips, memory_order_relaxed) != flips;
}

static void toctou_race(void)
{
	static unsigned long got[RACE_MAX_CALLS];
	int bad = 0, mode, n, contended = 0, burst = 0, waits = 0;
	long long start;
	pthread_t th;

	begin("toctou_race");
	pin_cpu(0);
	if (pthread_create(&th, NULL, race_flipper, NULL))
		fail("pthread_create");
	start = now_ns();
	for (n = 0; n < RACE_MAX_CALLS && now_ns() - start < RACE_MAX_NS &&
		    (n < RACE_MIN_CALLS || contended < RACE_MIN_CONTENDED);
	     n++) {
		unsigned long flips;

		if (burst == 0) {
			while (!race_flipper_running() && now_ns() - start < RACE_MAX_NS)
				waits++;
			burst = RACE_BURST;
		}
		burst--;
		flips = atomic_load_explicit(&race_flips, memory_order_relaxed);

		got[n] = 0;
		bad += syscall(SYS_set_mempolicy, MPOL_BIND, &race_mask, (unsigned long)MAXNODE) != 0;
		contended += atomic_load_explicit(&race_flips, memory_order_relaxed) != flips;
		bad += syscall(SYS_get_mempolicy, &mode, &got[n], (unsigned long)MAXNODE, NULL, 0UL) != 0;
	}
	atomic_store(&race_stop, 1);
	pthread_join(th, NULL);
	syscall(SYS_set_mempolicy, MPOL_DEFAULT, NULL, 0UL);
	put(",\"tid\":%ld,\"calls\":%d,\"contended\":%d,\"waits\":%d,\"failed\":%d,"
	    "\"seconds\":%.2f,\"got\":[",
	    (long)syscall(SYS_gettid), n, contended, waits, bad, (now_ns() - start) / 1e9);
	for (int i = 0; i < n; i++)
		put("%s%lu", i ? "," : "", got[i]);
	put("]");
	end();
}

/* ---- automatic NUMA balancing ---- */

#define BAL_PAGES 4096 /* 16 MiB */
#define BAL_SECONDS 20 /* at most, touching from node 0 */

static unsigned long long wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A line "key : value" of /proc/self/sched (per task), or -1. */
static long sched_value(const char *key)
{
	char l[256];
	long v = -1;
	size_t n = strlen(key);
	FILE *f = fopen("/proc/self/sched", "r");

	if (!f)
		return -1;
	while (fgets(l, sizeof(l), f)) {
		char *colon = strchr(l, ':');

		if (!strncmp(l, key, n) && (l[n] == ' ' || l[n] == ':') && colon) {
			v = strtol(colon + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

static int put_file(const char *path, const char *v)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return -1;
	ok = fputs(v, f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static int pages_on(char *buf, int npages, int node)
{
	int c = 0;

	for (int i = 0; i < npages; i++)
		c += node_of(buf + i * PAGE) == node;
	return c;
}

/*
 * Memory on node 1, the task on node 0: with kernel.numa_balancing=1 (on
 * only for this scenario) the kernel moves the pages to node 0 on hint
 * faults (reason numa_misplaced), charged to this process. The facts: the
 * vmstat deltas and this task's own count (/proc/self/sched).
 */
static void numa_balancing(void)
{
	long mig0, succ0, hint0, task0, mig1, succ1, hint1, task1;
	unsigned long long t0, t1;
	int on1, on0 = 0, rounds = 0;
	double start;
	char *buf;

	begin("numa_balancing");
	pin_cpu(1); /* node 1's CPU in both guests */
	buf = alloc(BAL_PAGES);
	touch(buf, BAL_PAGES);
	on1 = pages_on(buf, BAL_PAGES, 1);
	mig0 = vmstat("numa_pages_migrated");
	succ0 = vmstat("pgmigrate_success");
	hint0 = vmstat("numa_hint_faults");
	task0 = sched_value("numa_pages_migrated");
	pin_cpu(0);
	t0 = wall_ns();
	if (put_file("/proc/sys/kernel/numa_balancing", "1"))
		fail("numa_balancing=1");
	start = now_s();
	while (now_s() - start < BAL_SECONDS) {
		touch(buf, BAL_PAGES);
		if (++rounds % 20 == 0 && (on0 = pages_on(buf, BAL_PAGES, 0)) == BAL_PAGES)
			break;
	}
	/*
	 * One more second of touching with balancing on: the stack and data
	 * pages first touched from node 1 move too. The counts are read while
	 * balancing is still on: once off, the task's own counter stops while
	 * pages still armed for a hint fault can move.
	 */
	for (double t = now_s(); now_s() - t < 1;)
		touch(buf, BAL_PAGES);
	on0 = pages_on(buf, BAL_PAGES, 0);
	mig1 = vmstat("numa_pages_migrated");
	succ1 = vmstat("pgmigrate_success");
	hint1 = vmstat("numa_hint_faults");
	task1 = sched_value("numa_pages_migrated");
	t1 = wall_ns();
	put_file("/proc/sys/kernel/numa_balancing", "0");
	/* the window of the counts, in the wall clock of mmtrace's timestamps */
	put(",\"tBegin\":%llu,\"tEnd\":%llu", t0, t1);
	put(",\"pages\":%d,\"onNode1Before\":%d,\"onNode0After\":%d,\"seconds\":%.2f",
	    BAL_PAGES, on1, on0, now_s() - start);
	put(",\"numaPagesMigrated\":%ld,\"VmstatSuccess\":%ld,\"numaHintFaults\":%ld", mig1 - mig0,
	    succ1 - succ0, hint1 - hint0);
	/* after balancing went off: what still moved (not in the deltas) */
	put(",\"numaPagesMigratedAfter\":%ld", vmstat("numa_pages_migrated") - mig1);
	put(",\"taskPagesMigrated\":%ld", task0 < 0 || task1 < 0 ? -1 : task1 - task0);
	end();
}

/* ---- residency under mmtrace --placement --follow ---- */

#define PL_PAGES 2048 /* 8 MiB */

static char pl_text0[256 << 10], pl_text1[256 << 10]; /* numa_maps readings */

/* Read /proc/self/numa_maps into buf with read() alone: nothing is
 * allocated, so the reading changes none of what it reads. */
static size_t self_maps(char *buf, size_t size)
{
	size_t len = 0;
	ssize_t got;
	int fd = open("/proc/self/numa_maps", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	while (len < size && (got = read(fd, buf + len, size - len)) > 0)
		len += got;
	close(fd);
	return len;
}

/* Text as a JSON string (numa_maps is printable ASCII, paths aside). */
static void put_text(const char *key, const char *text, size_t len)
{
	put(",\"%s\":\"", key);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = text[i];

		if (c == '"' || c == '\\')
			put("\\%c", c);
		else if (c == '\n')
			put("\\n");
		else if (c < 0x20 || c >= 0x7f)
			put("\\u%04x", c);
		else
			put("%c", c);
	}
	put("\"");
}

/* Stack pages deep enough for every call after a reading, touched now. */
static void __attribute__((noinline)) touch_stack(void)
{
	volatile char deep[64 << 10];

	memset((char *)deep, 1, sizeof(deep));
}

struct pl_result {
	long ret, success, fail;
	int err, on_node1;
};

/*
 * Memory bound to node 0, then moved to node 1, in a process of its own
 * that mmtrace --placement --follow samples: this scenario's process binds
 * itself to node 0 (MPOL_BIND, and the pages it has with migrate_pages),
 * touches PL_PAGES pages there, reads its own numa_maps and forks the
 * worker: mmtrace samples the worker before it runs, so its first sample
 * must be that reading (anonymous pages: fork copies them all). The worker binds itself to node 1, moves its pages with
 * migrate_pages {0} -> {1} (the vmstat deltas around it), holds still a
 * while (an interval sample), then reads its own numa_maps as the last
 * thing before it exits: its exit sample must be that reading.
 */
static void placement(void)
{
	unsigned long node0 = 1UL << 0, node1 = 1UL << 1, others;
	const struct timespec hold = { .tv_sec = 1, .tv_nsec = 500000000 };
	struct pl_result res = { 0 };
	size_t len0, len1 = 0;
	int where[NPAGES], p[2];
	ssize_t got;
	char *buf;
	pid_t worker;

	begin("placement");
	/* no transparent huge pages (inherited by the worker): khugepaged
	 * must not change what is mapped between a reading and a sample */
	if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0))
		fail("PR_SET_THP_DISABLE");
	pin_cpu(0);
	if (syscall(SYS_set_mempolicy, MPOL_BIND, &node0, (unsigned long)MAXNODE))
		fail("set_mempolicy");
	/* what it shares with its parent to node 0 too: a page fork() writes
	 * after the reading is copied (COW) to node 0, and must come from it */
	others = ((1UL << nnodes) - 1) & ~node0;
	syscall(SYS_migrate_pages, 0, (unsigned long)MAXNODE, &others, &node0);
	buf = alloc(PL_PAGES);
	touch(buf, PL_PAGES);
	nodes_of(buf, NPAGES, where); /* the first NPAGES, to say they are on node 0 */
	if (pipe(p))
		fail("pipe");
	touch_stack();
	memset(pl_text0, 0, sizeof(pl_text0));
	memset(pl_text1, 0, sizeof(pl_text1));
	len0 = self_maps(pl_text0, sizeof(pl_text0));
	worker = fork();
	if (worker < 0)
		fail("fork");
	if (worker == 0) {
		struct counts c;

		prctl(PR_SET_NAME, "plworker");
		memset(pl_text1, 0, sizeof(pl_text1)); /* its own copy before it reads */
		if (syscall(SYS_set_mempolicy, MPOL_BIND, &node1, (unsigned long)MAXNODE))
			_exit(1);
		counts_now(&c);
		res.ret = syscall(SYS_migrate_pages, 0, (unsigned long)MAXNODE, &node0, &node1);
		res.err = res.ret < 0 ? errno : 0;
		{
			struct counts now;

			counts_now(&now);
			res.success = now.success - c.success;
			res.fail = now.fail - c.fail;
		}
		res.on_node1 = pages_on(buf, PL_PAGES, 1);
		nanosleep(&hold, NULL); /* still: an interval sample sees the same */
		len1 = self_maps(pl_text1, sizeof(pl_text1));
		if (write(p[1], &res, sizeof(res)) != sizeof(res) ||
		    write(p[1], pl_text1, len1) != (ssize_t)len1)
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &res, sizeof(res)) != sizeof(res))
		fail("worker lost");
	while (len1 < sizeof(pl_text1) &&
	       (got = read(p[0], pl_text1 + len1, sizeof(pl_text1) - len1)) > 0)
		len1 += got;
	waitpid(worker, NULL, 0);
	put(",\"worker\":%d,\"pages\":%d,\"ret\":%ld,\"errno\":%d", worker, PL_PAGES, res.ret,
	    res.err);
	put(",\"VmstatSuccess\":%ld,\"VmstatFail\":%ld,\"onNode1After\":%d", res.success,
	    res.fail, res.on_node1);
	put(",\"onNode0Before\":%d", count_node(where, NPAGES, 0));
	put_text("mapsBefore", pl_text0, len0);
	put_text("mapsAfter", pl_text1, len1);
	end();
}

static const struct {
	const char *name;
	void (*run)(void);
	int min_nodes;
	bool named_only; /* not part of "all": run when named */
} scenarios[] = {
	{"migrate_pages_self", migrate_self, 2, false},
	{"migrate_pages_other", migrate_other, 2, false},
	{"move_pages", move_there_and_back, 2, false},
	{"move_pages_spread", move_spread, 4, false},
	{"mbind_move", mbind_move, 2, false},
	{"set_mempolicy_interleave", interleave, 2, false},
	{"set_mempolicy_preferred_many", preferred_many, 2, false},
	{"set_mempolicy_home_node", home_node, 4, false},
	{"toctou_race", toctou_race, 2, true},
	{"numa_balancing", numa_balancing, 2, true},
	{"placement", placement, 2, true},
};

/* Each scenario in a child of its own: a pid of its own, a fresh policy. */
static int run(int i)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		perror("numatest: fork");
		return 1;
	}
	if (pid == 0) {
		scenarios[i].run();
		_exit(0);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "numatest: %s failed\n", scenarios[i].name);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int n = sizeof(scenarios) / sizeof(scenarios[0]), bad = 0;

	if (argc < 2 || (nnodes = atoi(argv[1])) < 2 || nnodes > 64) {
		fprintf(stderr, "usage: numatest NNODES [SCENARIO...]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	for (int i = 0; i < n; i++) {
		bool wanted = argc == 2 && !scenarios[i].named_only;

		for (int a = 2; a < argc; a++)
			wanted |= !strcmp(argv[a], scenarios[i].name);
		if (wanted && nnodes >= scenarios[i].min_nodes)
			bad |= run(i);
	}
	return bad;
}
