// SPDX-License-Identifier: GPL-2.0
/*
 * workload.c - make the traced syscalls with sentinel arguments, and write
 * down what was made so the end-to-end tests can compare mmtrace's events
 * with it. The same file builds as a 64-bit and as a 32-bit (ia32) program.
 *
 * Usage: workload SCENARIO[+wait] LOGFILE
 * Each call appends one JSON line to LOGFILE:
 *   {"event":..,"pid":..,"tid":..,"ppid":..,"comm":..,
 *    "args":[the raw values mmtrace must report],"ret":..,"ret_text":..,
 *    "text":..,"parsed":[..],"extra":[{..},..],"extra_parsed":[{..},..],
 *    "masks":[{..},..], and "migration", "target" when the event has them}
 * where text is the ARGS column the table output must show, ret_text its
 * RET column, parsed the --parse-arguments values, extra the JSON members
 * each argument carries beside name, type and value (extra_parsed: the same
 * with --parse-arguments), and masks those of the node-mask arguments only.
 * A "kernel" member says the kernel did not do what the expected rendering
 * assumes (an error of this workload, not of mmtrace).
 *
 * Every expected text is written here by hand from what the call was made
 * with; nothing of mmtrace is used.
 *
 * Libc and the dynamic loader make some of these syscalls themselves (mmap,
 * mprotect, brk...). So the workload brackets its own calls, per thread,
 * with two marker calls the tests trace too: set_mempolicy_home_node(1, 0,
 * 0, MARK) opens a window, set_mempolicy_home_node(2, 0, 0, MARK) closes it
 * (both fail with EINVAL and change nothing). Inside a window a thread
 * makes only the logged calls; logging uses write(2) on a buffer built on
 * the stack, and no memory is allocated.
 */
#define _FILE_OFFSET_BITS 64
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#if __SIZEOF_LONG__ == 4
#define IA32 1 /* pointers and longs are 32 bits; mmap is mmap2 */
#else
#define IA32 0
#endif

#define PAGE 4096UL
#define LBITS (8 * sizeof(unsigned long)) /* bits in a node-mask word */

/* syscall numbers older headers lack (the same on x86_64 and ia32) */
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_process_madvise
#define SYS_process_madvise 440
#endif
#ifndef SYS_set_mempolicy_home_node
#define SYS_set_mempolicy_home_node 450
#endif
#ifndef SYS_mseal
#define SYS_mseal 462
#endif
#define NR_map_shadow_stack 453 /* x86_64 only; no ia32 syscall has it */

/* constants, by value: include/uapi/... */
#define MPOL_DEFAULT 0
#define MPOL_PREFERRED 1
#define MPOL_BIND 2
#define MPOL_INTERLEAVE 3
#define MPOL_LOCAL 4
#define MPOL_PREFERRED_MANY 5
#define MPOL_WEIGHTED_INTERLEAVE 6
#define MPOL_F_STATIC_NODES (1 << 15)
#define MPOL_F_RELATIVE_NODES (1 << 14)
#define MPOL_F_NODE 1
#define MPOL_F_ADDR 2
#define MPOL_F_MEMS_ALLOWED 4
#define MPOL_MF_STRICT 1
#define MPOL_MF_MOVE 2
#define MPOL_MF_MOVE_ALL 4
#define MPOL_MF_LAZY 8
#define W_MAP_DROPPABLE 0x08UL
#define W_MAP_UNINITIALIZED 0x4000000UL
#define W_MAP_HUGE_16KB (14UL << 26)
#define W_MAP_HUGE_2MB (21UL << 26)
#define W_MAP_HUGE_1GB (30UL << 26)
#define W_MADV_NORMAL 0
#define W_MADV_WILLNEED 3
#define W_MADV_DONTNEED 4
#define W_MADV_FREE 8
#define W_MADV_REMOVE 9
#define W_MADV_HUGEPAGE 14
#define W_MADV_DONTDUMP 16
#define W_MADV_COLD 20
#define W_MADV_PAGEOUT 21
#define W_MADV_POPULATE_WRITE 23
#define W_MADV_GUARD_INSTALL 102
#define W_MADV_GUARD_REMOVE 103
#define W_MLOCK_ONFAULT 1
#define W_MCL_CURRENT 1
#define W_MCL_FUTURE 2
#define W_MCL_ONFAULT 4
#define W_MS_ASYNC 1
#define W_MS_INVALIDATE 2
#define W_MS_SYNC 4
#define W_MAP_NONBLOCK 0x10000UL
#define SHADOW_STACK_SET_TOKEN 1
#define SHADOW_STACK_SET_MARKER 2

#define MARK 0x6d6d74UL /* "mmt": the flags of a window marker */
/* The migration outcome on this one-node machine: nothing ever moves. */
#define NO_MIGRATION "\"migration\":{\"succeeded\":0,\"failed\":0,\"split\":0,\"batches\":0}"
#define IA32_TAIL (IA32 ? " [ia32]" : "")

static int log_fd = -1;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- one call: how it is made, and how mmtrace must render it ---- */

#define TEXT 12288
struct call {
	const char *event;
	int n; /* arguments described so far */
	long sys[6]; /* the syscall's arguments */
	unsigned long long raw[6]; /* the values mmtrace must report */
	long ret;
	int err;
	char text[TEXT], parsed[TEXT], extra[TEXT], extra_parsed[TEXT];
	char masks[1024], top[512], tail[256], kernel[512];
};

__attribute__((format(printf, 3, 4))) static void appendf(char *buf, size_t size,
							   const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

#define APPEND(field, ...) appendf(field, sizeof(field), __VA_ARGS__)

static void c_init(struct call *c, const char *event)
{
	c->event = event;
	c->n = 0;
	c->ret = 0;
	c->err = 0;
	memset(c->sys, 0, sizeof(c->sys));
	memset(c->raw, 0, sizeof(c->raw));
	c->text[0] = c->parsed[0] = c->extra[0] = c->extra_parsed[0] = '\0';
	c->masks[0] = c->top[0] = c->tail[0] = c->kernel[0] = '\0';
}

/*
 * The next argument: made with sys, reported as raw; text is its ARGS text,
 * parsed its --parse-arguments JSON value, extra its extra JSON members
 * (extra_parsed with --parse-arguments, NULL when the same).
 */
static void c_arg(struct call *c, const char *name, long sys, unsigned long long raw,
		  const char *text, const char *parsed, const char *extra,
		  const char *extra_parsed)
{
	int i = c->n++;

	c->sys[i] = sys;
	c->raw[i] = raw;
	APPEND(c->text, "%s%s: %s", i ? ", " : "", name, text);
	APPEND(c->parsed, "%s%s", i ? "," : "", parsed);
	APPEND(c->extra, "%s{%s}", i ? "," : "", extra ? extra : "");
	APPEND(c->extra_parsed, "%s{%s}", i ? "," : "",
	       extra_parsed ? extra_parsed : extra ? extra : "");
}

static void a_int(struct call *c, const char *name, long v)
{
	char t[32];

	snprintf(t, sizeof(t), "%d", (int)v);
	c_arg(c, name, v, (unsigned long)v, t, t, NULL, NULL);
}

static void a_uint(struct call *c, const char *name, unsigned long v)
{
	char t[32];

	snprintf(t, sizeof(t), "%u", (unsigned int)v);
	c_arg(c, name, (long)v, v, t, t, NULL, NULL);
}

static void a_ulong(struct call *c, const char *name, unsigned long v)
{
	char t[32];

	snprintf(t, sizeof(t), "%lu", v);
	c_arg(c, name, (long)v, v, t, t, NULL, NULL);
}

/* made with sys, reported as raw (mmap2's offset: pages made, bytes shown) */
static void a_u64(struct call *c, const char *name, long sys, unsigned long long raw)
{
	char t[32];

	snprintf(t, sizeof(t), "%llu", raw);
	c_arg(c, name, sys, raw, t, t, NULL, NULL);
}

static void a_addr(struct call *c, const char *name, unsigned long v)
{
	char t[32], p[32];

	snprintf(t, sizeof(t), "0x%lx", v);
	snprintf(p, sizeof(p), "\"0x%lx\"", v);
	c_arg(c, name, (long)v, v, t, p, NULL, NULL);
}

/* an address the kernel does not use in this call */
static void a_addr_ignored(struct call *c, const char *name, unsigned long v)
{
	char t[48], p[32];

	snprintf(t, sizeof(t), "0x%lx (ignored)", v);
	snprintf(p, sizeof(p), "\"0x%lx\"", v);
	c_arg(c, name, (long)v, v, t, p, NULL, NULL);
}

/* flags, modes, advice: named by hand */
static void a_sym(struct call *c, const char *name, unsigned long v, const char *text)
{
	char p[256];

	snprintf(p, sizeof(p), "\"%s\"", text);
	c_arg(c, name, (long)v, v, text, p, NULL, NULL);
}

/* a pointer whose target mmtrace reads: text and members given */
static void a_ptr(struct call *c, const char *name, const void *ptr, const char *text,
		  const char *extra, const char *extra_parsed)
{
	unsigned long v = (unsigned long)ptr;
	char p[32];

	snprintf(p, sizeof(p), "\"0x%lx\"", v);
	c_arg(c, name, (long)v, v, text, p, extra, extra_parsed);
}

/* a node mask: also listed in "masks" */
static void a_mask(struct call *c, const char *name, const void *ptr, const char *text,
		   const char *extra)
{
	a_ptr(c, name, ptr, text, extra, NULL);
	APPEND(c->masks, "%s{%s}", c->masks[0] ? "," : "", extra);
}

static long c_make(struct call *c, long nr)
{
	long r = syscall(nr, c->sys[0], c->sys[1], c->sys[2], c->sys[3], c->sys[4], c->sys[5]);

	c->err = r == -1 ? errno : 0;
	c->ret = r;
	return r;
}

enum { R_VAL, R_ADDR };

/* Append the call's line to the log. */
static void c_log(struct call *c, int kind)
{
	static char line[6 * TEXT];
	char comm[17] = "", rtext[64], rjson[32], args[256] = "";
	const char *ename;
	size_t len;

	prctl(PR_GET_NAME, comm);
	if (c->err) {
		ename = strerrorname_np(c->err);
		snprintf(rtext, sizeof(rtext), "-%d %s", c->err, ename ? ename : "E?");
		snprintf(rjson, sizeof(rjson), "%d", -c->err);
	} else if (kind == R_ADDR) {
		snprintf(rtext, sizeof(rtext), "0x%lx", (unsigned long)c->ret);
		snprintf(rjson, sizeof(rjson), "%lu", (unsigned long)c->ret);
	} else {
		snprintf(rtext, sizeof(rtext), "%ld", c->ret);
		snprintf(rjson, sizeof(rjson), "%ld", c->ret);
	}
	for (int i = 0; i < c->n; i++)
		APPEND(args, "%s%llu", i ? "," : "", c->raw[i]);
	pthread_mutex_lock(&log_lock);
	len = snprintf(line, sizeof(line),
		       "{\"event\":\"%s\",\"pid\":%d,\"tid\":%ld,\"ppid\":%d,\"comm\":\"%s\","
		       "\"args\":[%s],\"ret\":%s,\"ret_text\":\"%s\",\"text\":\"%s%s%s\","
		       "\"parsed\":[%s],\"extra\":[%s],\"extra_parsed\":[%s],\"masks\":[%s]%s%s"
		       "%s%s%s}\n",
		       c->event, getpid(), syscall(SYS_gettid), getppid(), comm, args, rjson,
		       rtext, c->text, c->tail, IA32_TAIL, c->parsed, c->extra, c->extra_parsed,
		       c->masks, c->top[0] ? "," : "", c->top, c->kernel[0] ? ",\"kernel\":\"" : "",
		       c->kernel, c->kernel[0] ? "\"" : "");
	if (len >= sizeof(line) || write(log_fd, line, len) != (ssize_t)len) {
		fprintf(stderr, "workload: log line lost\n");
		exit(1);
	}
	pthread_mutex_unlock(&log_lock);
}

/* Open (1) or close (0) this thread's window of logged calls. */
static void window(int open)
{
	syscall(SYS_set_mempolicy_home_node, open ? 1UL : 2UL, 0UL, 0UL, MARK);
}

/* How many elements of an array can be read: all, none, or a count. */
enum { ARR_READ = -1, ARR_UNREADABLE = 0 };

/* ---- memory to work on (allocated outside the windows) ---- */

/* An address that is certainly not mapped: a page mapped, then unmapped. */
static void *unmapped_page(void)
{
	void *p = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	munmap(p, PAGE);
	return p;
}

/* The end of a readable page that a PROT_NONE page follows: what lies
 * before it can be read, what crosses it cannot. */
static char *guarded_end(void)
{
	char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || mprotect(p + PAGE, PAGE, PROT_NONE)) {
		perror("mmap");
		exit(1);
	}
	return p + PAGE;
}

static void *map_pages(size_t n)
{
	void *p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

/* n pages of a memory file, and a shared mapping of them */
static int memfd_pages(size_t n)
{
	int fd = memfd_create("mmt-data", 0);

	if (fd < 0 || ftruncate(fd, n * PAGE)) {
		perror("memfd");
		exit(1);
	}
	return fd;
}

static char *map_shared(int fd, size_t n)
{
	void *p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

static void set_node(unsigned long *mask, int node)
{
	mask[node / LBITS] |= 1UL << (node % LBITS);
}

/* ---- mremap ---- */

static long mremap_case(void *old, unsigned long old_size, unsigned long new_size,
			unsigned long flags, void *new_addr, const char *flags_text)
{
	struct call c;

	c_init(&c, "mremap");
	a_addr(&c, "old_address", (unsigned long)old);
	a_ulong(&c, "old_size", old_size);
	a_ulong(&c, "new_size", new_size);
	a_sym(&c, "flags", flags, flags_text);
	if (flags & (2 | 4)) /* MREMAP_FIXED, MREMAP_DONTUNMAP */
		a_addr(&c, "new_address", (unsigned long)new_addr);
	else
		a_addr_ignored(&c, "new_address", (unsigned long)new_addr);
	c_make(&c, SYS_mremap);
	c_log(&c, R_ADDR);
	return c.ret;
}

static void scenario_mremap(void)
{
	char *a = map_pages(4), *target = map_pages(8), *b;

	window(1);
	/* grow, may move */
	a = (char *)mremap_case(a, PAGE, 8 * PAGE, 1, NULL, "MREMAP_MAYMOVE");
	/* shrink in place, with a sentinel new_address the kernel ignores */
	mremap_case(a, 8 * PAGE, 2 * PAGE, 0, (void *)0x5a5a5000, "0");
	/* move to a fixed place */
	b = (char *)mremap_case(a, 2 * PAGE, 2 * PAGE, 1 | 2, target,
				"MREMAP_MAYMOVE|MREMAP_FIXED");
	/* move, leaving the old range mapped */
	mremap_case(b, 2 * PAGE, 2 * PAGE, 1 | 4, NULL, "MREMAP_MAYMOVE|MREMAP_DONTUNMAP");
	/* failures: unknown flag bit, FIXED without MAYMOVE, nothing mapped */
	mremap_case(b, PAGE, PAGE, 1 | 0x40, NULL, "MREMAP_MAYMOVE|0x40");
	mremap_case(b, PAGE, PAGE, 2, target, "MREMAP_FIXED");
	/* (mremap creates mappings: find an unmapped place only now) */
	mremap_case(unmapped_page(), PAGE, 2 * PAGE, 1, NULL, "MREMAP_MAYMOVE");
	/* every flag bit set */
	mremap_case(b, PAGE, PAGE, ~0UL, NULL,
		    IA32 ? "MREMAP_MAYMOVE|MREMAP_FIXED|MREMAP_DONTUNMAP|0xfffffff8" :
			   "MREMAP_MAYMOVE|MREMAP_FIXED|MREMAP_DONTUNMAP|0xfffffffffffffff8");
	window(0);
}

/* ---- set_mempolicy ---- */

static long mempolicy_case(long mode, const unsigned long *mask, unsigned long maxnode,
			   const char *mode_text, const char *nodes_text, const char *mask_json)
{
	struct call c;

	c_init(&c, "set_mempolicy");
	a_sym(&c, "mode", mode, mode_text);
	a_mask(&c, "nodemask", mask, nodes_text, mask_json);
	a_ulong(&c, "maxnode", maxnode);
	c_make(&c, SYS_set_mempolicy);
	c_log(&c, R_VAL);
	return c.ret;
}

static void *thread_policy(void *arg)
{
	(void)arg;
	prctl(PR_SET_NAME, "mmt-thread");
	window(1);
	mempolicy_case(MPOL_LOCAL, NULL, 0, "MPOL_LOCAL", "NULL", "\"nodes\":null");
	window(0);
	return NULL;
}

static void scenario_set_mempolicy(void)
{
	unsigned long *mask = calloc(64, sizeof(unsigned long));
	char *page = map_pages(2), text[128];
	/* the last word of a page whose next page is unmapped */
	unsigned long *edge = (unsigned long *)(page + PAGE - sizeof(long));
	void *hole = unmapped_page();
	pthread_t th;

	munmap(page + PAGE, PAGE);
	*edge = 1;
	window(1);
	mask[0] = 1;
	mempolicy_case(MPOL_BIND, mask, 65, "MPOL_BIND", "[0]", "\"nodes\":[0]");
	mempolicy_case(MPOL_PREFERRED_MANY | MPOL_F_STATIC_NODES, mask, 1025,
		       "MPOL_PREFERRED_MANY|MPOL_F_STATIC_NODES", "[0]", "\"nodes\":[0]");
	mempolicy_case(MPOL_INTERLEAVE | MPOL_F_RELATIVE_NODES, mask, 2,
		       "MPOL_INTERLEAVE|MPOL_F_RELATIVE_NODES", "[0]", "\"nodes\":[0]");
	mempolicy_case(MPOL_DEFAULT, NULL, 0, "MPOL_DEFAULT", "NULL", "\"nodes\":null");
	/* failures */
	mempolicy_case(7, mask, 2, "0x7", "[0]", "\"nodes\":[0]");
	snprintf(text, sizeof(text), "0x%lx (unreadable: EFAULT)", (unsigned long)hole);
	mempolicy_case(MPOL_BIND, hole, 65, "MPOL_BIND", text, "\"readError\":\"EFAULT\"");
	/* nodes 0 and 130; 130 has no memory here */
	set_node(mask, 130);
	mempolicy_case(MPOL_BIND, mask, 200, "MPOL_BIND", "[0,130]", "\"nodes\":[0,130]");
	/* bits at or past maxnode - 1 are not read by the kernel */
	mempolicy_case(MPOL_BIND, mask, 130, "MPOL_BIND", "[0]", "\"nodes\":[0]");
	memset(mask, 0, 64 * sizeof(unsigned long));
	/* nodes 0-3 and 8, and node 63, which maxnode 64 leaves out */
	mask[0] = 0x10f;
	set_node(mask, 63);
	mempolicy_case(MPOL_PREFERRED, mask, 64, "MPOL_PREFERRED", "[0-3,8]",
		       "\"nodes\":[0,1,2,3,8]");
	memset(mask, 0, 64 * sizeof(unsigned long));
	mask[0] = 1;
	/* more than 1024 bits: the kernel reads 1999, mmtrace 1024 */
	mempolicy_case(MPOL_BIND, mask, 2000, "MPOL_BIND", "[0,...] (truncated)",
		       "\"nodes\":[0],\"truncated\":true");
	/* maxnode 1: no bit is read, so the mask is empty */
	mempolicy_case(MPOL_BIND, mask, 1, "MPOL_BIND", "[]", "\"nodes\":[]");
	/* the last word before an unmapped page is readable */
	mempolicy_case(MPOL_BIND, edge, LBITS + 1, "MPOL_BIND", "[0]", "\"nodes\":[0]");
	/* two words crossing into the unmapped page are not */
	snprintf(text, sizeof(text), "0x%lx (unreadable: EFAULT)", (unsigned long)edge);
	mempolicy_case(MPOL_BIND, edge, 2 * LBITS + 1, "MPOL_BIND", text,
		       "\"readError\":\"EFAULT\"");
	window(0);
	/* a second thread */
	pthread_create(&th, NULL, thread_policy, NULL);
	pthread_join(th, NULL);
	window(1);
	mempolicy_case(MPOL_DEFAULT, NULL, 0, "MPOL_DEFAULT", "NULL", "\"nodes\":null");
	window(0);
	free(mask);
}

/* ---- migrate_pages ---- */

/* The process a pid argument names, as mmtrace must report it. */
static void target_of(struct call *c, int pid, const char *comm)
{
	int self = pid == 0 || pid == getpid();

	if (pid < 0 || (!self && kill(pid, 0))) {
		APPEND(c->top, ",\"target\":null");
		return;
	}
	APPEND(c->top,
	       ",\"target\":{\"hostProcessId\":%d,\"processName\":\"%s\",\"userId\":%d,"
	       "\"otherProcess\":%s,\"otherUser\":false}",
	       self ? getpid() : pid, comm, getuid(), self ? "false" : "true");
	if (!self)
		APPEND(c->tail, " [target %s pid %d uid %d]", comm, pid, getuid());
}

static long migrate_case(long pid, unsigned long maxnode, const unsigned long *old,
			 const unsigned long *new, const char *old_text, const char *old_json,
			 const char *new_text, const char *new_json, const char *target_comm)
{
	struct call c;

	c_init(&c, "migrate_pages");
	a_int(&c, "pid", pid);
	a_ulong(&c, "maxnode", maxnode);
	a_mask(&c, "old_nodes", old, old_text, old_json);
	a_mask(&c, "new_nodes", new, new_text, new_json);
	APPEND(c.top, "%s", NO_MIGRATION);
	target_of(&c, (int)pid, target_comm);
	c_make(&c, SYS_migrate_pages);
	c_log(&c, R_VAL);
	return c.ret;
}

static void scenario_migrate_pages(void)
{
	/* 64 bits each: one word on x86_64, two on ia32 */
	unsigned long node0[64 / LBITS] = { 1 }, node1[64 / LBITS] = { 2 };
	void *hole = unmapped_page();
	int go[2], ready[2], status;
	const char *me = "mmt-workload";
	char text[128];
	pid_t child;
	char c;

	window(1);
	migrate_case(0, 65, node0, node0, "[0]", "\"nodes\":[0]", "[0]", "\"nodes\":[0]", me);
	migrate_case(getpid(), 2, node0, node0, "[0]", "\"nodes\":[0]", "[0]", "\"nodes\":[0]",
		     me);
	/* failures: no such process, pid -1, new node without memory, bad pointer */
	migrate_case(0x3ffffff0, 65, node0, node0, "[0]", "\"nodes\":[0]", "[0]",
		     "\"nodes\":[0]", me);
	migrate_case(-1, 65, node0, node0, "[0]", "\"nodes\":[0]", "[0]", "\"nodes\":[0]", me);
	migrate_case(0, 65, node0, node1, "[0]", "\"nodes\":[0]", "[1]", "\"nodes\":[1]", me);
	snprintf(text, sizeof(text), "0x%lx (unreadable: EFAULT)", (unsigned long)hole);
	migrate_case(0, 65, hole, node0, text, "\"readError\":\"EFAULT\"", "[0]",
		     "\"nodes\":[0]", me);
	window(0);

	/* another process: a child that also calls migrate_pages itself */
	if (pipe(go) || pipe(ready)) {
		perror("pipe");
		exit(1);
	}
	child = fork();
	if (child == 0) {
		prctl(PR_SET_NAME, "mmt-child");
		window(1);
		migrate_case(0, 65, node0, node0, "[0]", "\"nodes\":[0]", "[0]", "\"nodes\":[0]",
			     "mmt-child");
		window(0);
		if (write(ready[1], "r", 1) < 0 || read(go[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	/* wait until the child has named itself */
	if (read(ready[0], &c, 1) < 0)
		perror("read");
	window(1);
	migrate_case(child, 65, node0, node0, "[0]", "\"nodes\":[0]", "[0]", "\"nodes\":[0]",
		     "mmt-child");
	window(0);
	if (write(go[1], "x", 1) < 0)
		perror("write");
	waitpid(child, &status, 0);
}

/* ---- brk ---- */

static unsigned long brk_case(unsigned long addr)
{
	struct call c;

	c_init(&c, "brk");
	a_addr(&c, "addr", addr);
	c_make(&c, SYS_brk);
	c_log(&c, R_ADDR);
	return (unsigned long)c.ret;
}

static void scenario_brk(void)
{
	/* a mapping above the heap: the break cannot reach past it */
	char *above = map_pages(1);
	unsigned long cur;

	window(1);
	cur = brk_case(0); /* where the break is */
	brk_case(cur + 3 * PAGE); /* grow */
	brk_case(cur + PAGE + 123); /* shrink, to an unaligned end */
	brk_case(1); /* below the heap: refused, the old break comes back */
	brk_case((unsigned long)above + PAGE); /* over mappings: refused */
	brk_case(cur); /* back where malloc left it */
	window(0);
}

/* ---- mmap ---- */

static long mmap_case(const void *addr, unsigned long len, unsigned long prot,
		      unsigned long flags, long fd, unsigned long long off,
		      const char *prot_text, const char *flags_text)
{
	struct call c;

	c_init(&c, "mmap");
	a_addr(&c, "addr", (unsigned long)addr);
	a_ulong(&c, "length", len);
	a_sym(&c, "prot", prot, prot_text);
	a_sym(&c, "flags", flags, flags_text);
	a_int(&c, "fd", fd);
#if IA32
	/* mmap2 takes the offset in pages; mmtrace reports bytes */
	a_u64(&c, "off", (long)(off / PAGE), off);
	c_make(&c, SYS_mmap2);
#else
	a_u64(&c, "off", (long)off, off);
	c_make(&c, SYS_mmap);
#endif
	c_log(&c, R_ADDR);
	return c.ret;
}

#if IA32
static void *old_mmap_hole; /* where old_mmap_case(NULL) points */

/*
 * The old ia32 mmap (90): one pointer to the six arguments, 32-bit words in
 * memory. mmtrace reads them and reports mmap's arguments (the offset in
 * bytes, as the struct holds it); args NULL: a struct it cannot read.
 */
static long old_mmap_case(const unsigned int *args, const char *prot_text, const char *flags_text)
{
	struct call c;
	long r;

	c_init(&c, "mmap");
	if (args) {
		a_addr(&c, "addr", args[0]);
		a_ulong(&c, "length", args[1]);
		a_sym(&c, "prot", args[2], prot_text);
		a_sym(&c, "flags", args[3], flags_text);
		a_int(&c, "fd", (int)args[4]);
		a_u64(&c, "off", args[5], args[5]);
	} else {
		/* each value 0 of its type, marked */
		static const char *const names[] = { "addr", "length", "prot",
						     "flags", "fd", "off" };
		static const char *const parsed[] = { "\"0x0\"", "0", "\"PROT_NONE\"",
						      "\"0\"", "0", "0" };

		for (int i = 0; i < 6; i++)
			c_arg(&c, names[i], 0, 0, "", parsed[i], "\"readError\":\"EFAULT\"",
			      NULL);
		/* the table says where they were instead */
		snprintf(c.text, sizeof(c.text), "arguments at 0x%lx: unreadable (EFAULT)",
			 (unsigned long)old_mmap_hole);
	}
	r = syscall(90, args ? (const void *)args : old_mmap_hole);
	c.err = r == -1 ? errno : 0;
	c.ret = r;
	c_log(&c, R_ADDR);
	return r;
}
#endif

static void scenario_mmap(void)
{
	const unsigned long RW = PROT_READ | PROT_WRITE, PA = MAP_PRIVATE | MAP_ANONYMOUS;
	int fd = memfd_pages(8);
	char *busy;

#if IA32
	/* a PROT_NONE page: no later mapping can take its place */
	old_mmap_hole = guarded_end();
#endif
	window(1);
	busy = (char *)mmap_case(NULL, 3 * PAGE, RW, PA | MAP_POPULATE, -1, 0,
				 "PROT_READ|PROT_WRITE", "MAP_PRIVATE|MAP_ANONYMOUS|MAP_POPULATE");
	/* a file, at an offset */
	mmap_case(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 5 * PAGE, "PROT_READ", "MAP_SHARED");
	/* an offset past 4 GiB: on ia32 only mmap2's page offset can say it */
	mmap_case(NULL, PAGE, RW, MAP_PRIVATE, fd, 0x100001000ULL, "PROT_READ|PROT_WRITE",
		  "MAP_PRIVATE");
	mmap_case(NULL, PAGE, PROT_READ | PROT_EXEC, PA, -1, 0, "PROT_READ|PROT_EXEC",
		  "MAP_PRIVATE|MAP_ANONYMOUS");
	mmap_case(NULL, 2 * PAGE, PROT_NONE, PA | MAP_NORESERVE, -1, 0, "PROT_NONE",
		  "MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE");
	mmap_case(NULL, 4 * PAGE, RW, PA | MAP_GROWSDOWN | MAP_STACK, -1, 0,
		  "PROT_READ|PROT_WRITE", "MAP_PRIVATE|MAP_ANONYMOUS|MAP_GROWSDOWN|MAP_STACK");
	mmap_case(NULL, PAGE, PROT_READ, PA | MAP_32BIT, -1, 0, "PROT_READ",
		  "MAP_PRIVATE|MAP_ANONYMOUS|MAP_32BIT");
	mmap_case(NULL, PAGE, RW, W_MAP_DROPPABLE | MAP_ANONYMOUS, -1, 0, "PROT_READ|PROT_WRITE",
		  "MAP_DROPPABLE|MAP_ANONYMOUS");
	/* without MAP_HUGETLB, bit 26 is MAP_UNINITIALIZED (ignored by this kernel) */
	mmap_case(NULL, PAGE, PROT_READ, PA | W_MAP_UNINITIALIZED, -1, 0, "PROT_READ",
		  "MAP_PRIVATE|MAP_ANONYMOUS|MAP_UNINITIALIZED");
	/* huge pages: none are reserved here, so these fail; the size still decodes */
	mmap_case(NULL, 2UL << 20, RW, PA | MAP_HUGETLB | W_MAP_HUGE_2MB, -1, 0,
		  "PROT_READ|PROT_WRITE", "MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|MAP_HUGE_2MB");
	mmap_case(NULL, 1UL << 30, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_HUGETLB | W_MAP_HUGE_1GB,
		  -1, 0, "PROT_READ|PROT_WRITE",
		  "MAP_SHARED|MAP_ANONYMOUS|MAP_HUGETLB|MAP_HUGE_1GB");
	mmap_case(NULL, 16 * PAGE, RW, PA | MAP_HUGETLB | W_MAP_HUGE_16KB, -1, 0,
		  "PROT_READ|PROT_WRITE", "MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|MAP_HUGE_16KB");
	/* over the first mapping: refused without replacing, then replaced */
	mmap_case(busy, PAGE, PROT_READ, PA | MAP_FIXED_NOREPLACE, -1, 0, "PROT_READ",
		  "MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE");
	mmap_case(busy + PAGE, PAGE, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0,
		  "PROT_READ|PROT_WRITE", "MAP_SHARED|MAP_FIXED|MAP_ANONYMOUS");
	/* failures: no length, no file, no type, an unknown flag with validation */
	mmap_case(NULL, 0, PROT_READ, PA, -1, 0, "PROT_READ", "MAP_PRIVATE|MAP_ANONYMOUS");
	mmap_case(NULL, PAGE, PROT_READ, MAP_SHARED, -1, 0, "PROT_READ", "MAP_SHARED");
	mmap_case(NULL, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0, "PROT_READ", "0|MAP_ANONYMOUS");
	mmap_case(NULL, PAGE, PROT_READ, MAP_SHARED_VALIDATE | MAP_ANONYMOUS | 0x8000000, -1, 0,
		  "PROT_READ", "MAP_SHARED_VALIDATE|MAP_ANONYMOUS|0x8000000");
	/* a protection bit x86 does not have */
	mmap_case(NULL, PAGE, PROT_READ | 0x10, PA, -1, 0, "PROT_READ|0x10",
		  "MAP_PRIVATE|MAP_ANONYMOUS");
#if IA32
	{
		/* the old mmap: a file at an offset, anonymous memory, and an
		 * offset that is not page aligned (EINVAL) */
		const unsigned int file[6] = { 0, PAGE, PROT_READ, MAP_SHARED, fd, 3 * PAGE };
		const unsigned int anon[6] = { 0, 2 * PAGE, PROT_READ | PROT_WRITE, PA, -1, 0 };
		const unsigned int odd[6] = { 0, PAGE, PROT_READ, MAP_PRIVATE, fd, 100 };

		old_mmap_case(file, "PROT_READ", "MAP_SHARED");
		old_mmap_case(anon, "PROT_READ|PROT_WRITE", "MAP_PRIVATE|MAP_ANONYMOUS");
		old_mmap_case(odd, "PROT_READ", "MAP_PRIVATE");
		old_mmap_case(NULL, NULL, NULL); /* EFAULT */
	}
#endif
#if !IA32
	/* an offset that is not a multiple of the page size (mmap2 cannot say it) */
	mmap_case(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 100, "PROT_READ", "MAP_PRIVATE");
#endif
	window(0);
}

/* ---- munmap ---- */

static long munmap_case(const void *addr, unsigned long len)
{
	struct call c;

	c_init(&c, "munmap");
	a_addr(&c, "addr", (unsigned long)addr);
	a_ulong(&c, "length", len);
	c_make(&c, SYS_munmap);
	c_log(&c, R_VAL);
	return c.ret;
}

static void scenario_munmap(void)
{
	char *p = map_pages(6);
	void *hole = unmapped_page();

	window(1);
	munmap_case(p + 4 * PAGE, 2 * PAGE);
	munmap_case(hole, PAGE); /* nothing there: still 0 */
	munmap_case(p + 1, PAGE); /* unaligned */
	munmap_case(p, 0);
	munmap_case(p + 2 * PAGE, PAGE + 1); /* the length is rounded up */
	munmap_case(p, -PAGE); /* past the end of the address space */
	window(0);
}

/* ---- mprotect, pkey_mprotect ---- */

static long mprotect_case(const void *addr, unsigned long len, unsigned long prot,
			  const char *prot_text)
{
	struct call c;

	c_init(&c, "mprotect");
	a_addr(&c, "addr", (unsigned long)addr);
	a_ulong(&c, "len", len);
	a_sym(&c, "prot", prot, prot_text);
	c_make(&c, SYS_mprotect);
	c_log(&c, R_VAL);
	return c.ret;
}

static void scenario_mprotect(void)
{
	char *p = map_pages(4);
	void *hole = unmapped_page();

	window(1);
	mprotect_case(p, PAGE, PROT_READ | PROT_EXEC, "PROT_READ|PROT_EXEC");
	mprotect_case(p, 2 * PAGE, PROT_NONE, "PROT_NONE");
	mprotect_case(p, 4 * PAGE, PROT_READ | PROT_WRITE, "PROT_READ|PROT_WRITE");
	mprotect_case(p + PAGE, PAGE, PROT_READ | 0x8, "PROT_READ|PROT_SEM");
	mprotect_case(p + 1, PAGE, PROT_READ, "PROT_READ");
	mprotect_case(hole, PAGE, PROT_READ, "PROT_READ");
	mprotect_case(p, PAGE, PROT_READ | 0x10, "PROT_READ|0x10");
	mprotect_case(p, PAGE, PROT_READ | 0x01000000 | 0x02000000,
		      "PROT_READ|PROT_GROWSDOWN|PROT_GROWSUP");
	window(0);
}

static long pkey_case(const void *addr, unsigned long len, unsigned long prot,
		      const char *prot_text, long pkey)
{
	struct call c;

	c_init(&c, "pkey_mprotect");
	a_addr(&c, "addr", (unsigned long)addr);
	a_ulong(&c, "len", len);
	a_sym(&c, "prot", prot, prot_text);
	a_int(&c, "pkey", pkey);
	c_make(&c, SYS_pkey_mprotect);
	c_log(&c, R_VAL);
	return c.ret;
}

static void scenario_pkey_mprotect(void)
{
	char *p = map_pages(4);
	void *hole = unmapped_page();

	window(1);
	pkey_case(p, PAGE, PROT_READ, "PROT_READ", -1);
	pkey_case(p, 2 * PAGE, PROT_EXEC, "PROT_EXEC", -1);
	pkey_case(p, PAGE, PROT_READ | PROT_WRITE, "PROT_READ|PROT_WRITE", 0);
	pkey_case(p, PAGE, PROT_READ, "PROT_READ", 15); /* never allocated */
	pkey_case(p, PAGE, PROT_READ, "PROT_READ", -2);
	pkey_case(p + 1, PAGE, PROT_NONE, "PROT_NONE", -1);
	pkey_case(hole, PAGE, PROT_READ, "PROT_READ", -1);
	window(0);
}

/* ---- madvise, process_madvise ---- */

static long madvise_case(const void *addr, unsigned long len, long advice,
			 const char *advice_text)
{
	struct call c;

	c_init(&c, "madvise");
	a_addr(&c, "addr", (unsigned long)addr);
	a_ulong(&c, "length", len);
	a_sym(&c, "advice", (unsigned long)advice, advice_text);
	c_make(&c, SYS_madvise);
	c_log(&c, R_VAL);
	return c.ret;
}

static void scenario_madvise(void)
{
	char *p = map_pages(8);
	void *hole = unmapped_page();

	memset(p, 1, 8 * PAGE);
	window(1);
	madvise_case(p, 8 * PAGE, W_MADV_NORMAL, "MADV_NORMAL");
	madvise_case(p, 2 * PAGE, W_MADV_DONTNEED, "MADV_DONTNEED");
	madvise_case(p + 2 * PAGE, PAGE, W_MADV_FREE, "MADV_FREE");
	madvise_case(p, 8 * PAGE, W_MADV_WILLNEED, "MADV_WILLNEED");
	madvise_case(p, 8 * PAGE, W_MADV_HUGEPAGE, "MADV_HUGEPAGE");
	madvise_case(p, 4 * PAGE, W_MADV_POPULATE_WRITE, "MADV_POPULATE_WRITE");
	madvise_case(p + 4 * PAGE, PAGE, W_MADV_COLD, "MADV_COLD");
	madvise_case(p + 5 * PAGE, PAGE, W_MADV_PAGEOUT, "MADV_PAGEOUT");
	madvise_case(p, PAGE, W_MADV_DONTDUMP, "MADV_DONTDUMP");
	madvise_case(p + 6 * PAGE, 2 * PAGE, W_MADV_GUARD_INSTALL, "MADV_GUARD_INSTALL");
	madvise_case(p + 6 * PAGE, 2 * PAGE, W_MADV_GUARD_REMOVE, "MADV_GUARD_REMOVE");
	/* failures */
	madvise_case(p, PAGE, W_MADV_REMOVE, "MADV_REMOVE"); /* private memory */
	madvise_case(p, PAGE, 77, "0x4d");
	madvise_case(p, PAGE, -1, "0xffffffff");
	madvise_case(hole, PAGE, W_MADV_WILLNEED, "MADV_WILLNEED");
	madvise_case(p + 1, PAGE, W_MADV_DONTNEED, "MADV_DONTNEED");
	window(0);
}

/*
 * The iovecs as mmtrace reads them at entry: the first 8, "truncated" past
 * them; readable: how many can be read (ARR_READ: all).
 */
static void a_iovec(struct call *c, const struct iovec *iov, unsigned long vlen, long readable)
{
	static char text[1024], json[1024], json_p[1024];
	unsigned long n = vlen > 8 ? 8 : vlen;
	char ptr[32];

	snprintf(ptr, sizeof(ptr), "0x%lx", (unsigned long)iov);
	if (!iov) {
		a_ptr(c, "iovec", iov, "NULL", "\"values\":null", NULL);
		return;
	}
	if (!vlen) {
		a_ptr(c, "iovec", iov, ptr, "\"values\":[]", NULL);
		return;
	}
	if (readable >= 0 && (unsigned long)readable < n)
		n = readable;
	snprintf(text, sizeof(text), "[");
	snprintf(json, sizeof(json), "\"values\":[");
	snprintf(json_p, sizeof(json_p), "\"values\":[");
	for (unsigned long i = 0; i < n; i++) {
		const char *sep = i ? "," : "";
		unsigned long base = (unsigned long)iov[i].iov_base, len = iov[i].iov_len;

		APPEND(text, "%s{0x%lx,%lu}", sep, base, len);
		APPEND(json, "%s{\"base\":%lu,\"len\":%lu}", sep, base, len);
		APPEND(json_p, "%s{\"base\":\"0x%lx\",\"len\":%lu}", sep, base, len);
	}
	if (readable >= 0 && (unsigned long)readable < vlen) {
		APPEND(text, "] (unreadable from element %ld: EFAULT)", readable);
		APPEND(json, "],\"readError\":\"EFAULT\",\"readStoppedAt\":%ld", readable);
		APPEND(json_p, "],\"readError\":\"EFAULT\",\"readStoppedAt\":%ld", readable);
	} else {
		APPEND(text, "%s", vlen > 8 ? ",...] (truncated)" : "]");
		APPEND(json, "]%s", vlen > 8 ? ",\"truncated\":true" : "");
		APPEND(json_p, "]%s", vlen > 8 ? ",\"truncated\":true" : "");
	}
	a_ptr(c, "iovec", iov, text, json, json_p);
}

static long pmadvise_read_case(long pidfd, const struct iovec *iov, unsigned long vlen,
			       long readable, long advice, const char *advice_text,
			       unsigned long flags);

static long pmadvise_case(long pidfd, const struct iovec *iov, unsigned long vlen,
			  long advice, const char *advice_text, unsigned long flags)
{
	return pmadvise_read_case(pidfd, iov, vlen, ARR_READ, advice, advice_text, flags);
}

static long pmadvise_read_case(long pidfd, const struct iovec *iov, unsigned long vlen,
			       long readable, long advice, const char *advice_text,
			       unsigned long flags)
{
	struct call c;

	c_init(&c, "process_madvise");
	a_int(&c, "pidfd", pidfd);
	a_iovec(&c, iov, vlen, readable);
	a_ulong(&c, "vlen", vlen);
	a_sym(&c, "advice", (unsigned long)advice, advice_text);
	a_uint(&c, "flags", flags);
	c_make(&c, SYS_process_madvise);
	c_log(&c, R_VAL);
	return c.ret;
}

static void scenario_process_madvise(void)
{
	char *p = map_pages(8);
	struct iovec iov[2] = { { p, 2 * PAGE }, { p + 4 * PAGE, PAGE } }, ten[10];
	/* one iovec before an unreadable page */
	struct iovec *cut = (struct iovec *)(guarded_end() - sizeof(struct iovec));
	int self = syscall(SYS_pidfd_open, getpid(), 0), gone, status;
	pid_t child;

	memset(p, 1, 8 * PAGE);
	/* a pidfd whose process has exited and been reaped */
	child = fork();
	if (child == 0)
		_exit(0);
	gone = syscall(SYS_pidfd_open, child, 0);
	waitpid(child, &status, 0);
	if (self < 0 || gone < 0) {
		perror("pidfd_open");
		exit(1);
	}
	window(1);
	pmadvise_case(self, iov, 2, W_MADV_COLD, "MADV_COLD", 0);
	pmadvise_case(self, iov, 1, W_MADV_PAGEOUT, "MADV_PAGEOUT", 0);
	pmadvise_case(self, iov + 1, 1, W_MADV_WILLNEED, "MADV_WILLNEED", 0);
	pmadvise_case(self, iov, 0, W_MADV_COLD, "MADV_COLD", 0);
	/* more ranges than mmtrace reads: the first 8 */
	for (int i = 0; i < 10; i++) {
		ten[i].iov_base = p + (i % 8) * PAGE;
		ten[i].iov_len = PAGE;
	}
	pmadvise_case(self, ten, 10, W_MADV_COLD, "MADV_COLD", 0);
	/* failures */
	cut->iov_base = p;
	cut->iov_len = PAGE;
	pmadvise_read_case(self, cut, 2, 1, W_MADV_COLD, "MADV_COLD", 0); /* EFAULT */
	pmadvise_case(self, iov, 1, W_MADV_COLD, "MADV_COLD", 1);
	pmadvise_case(self, iov, 1, 77, "0x4d", 0);
	pmadvise_case(9999, iov, 1, W_MADV_COLD, "MADV_COLD", 0);
	pmadvise_case(self, NULL, 1, W_MADV_COLD, "MADV_COLD", 0);
	pmadvise_case(gone, iov, 1, W_MADV_COLD, "MADV_COLD", 0);
	window(0);
}

/* ---- mlock, mlock2, munlock, mlockall, munlockall ---- */

static long range_case(const char *event, long nr, const void *addr, unsigned long len)
{
	struct call c;

	c_init(&c, event);
	a_addr(&c, "addr", (unsigned long)addr);
	a_ulong(&c, "len", len);
	c_make(&c, nr);
	c_log(&c, R_VAL);
	return c.ret;
}

static void scenario_mlock(void)
{
	char *p = map_pages(4);
	void *hole = unmapped_page();

	window(1);
	range_case("mlock", SYS_mlock, p, 2 * PAGE);
	range_case("mlock", SYS_mlock, p + 100, PAGE); /* rounded to pages */
	range_case("mlock", SYS_mlock, p, 0);
	range_case("mlock", SYS_mlock, hole, PAGE);
	window(0);
	munlock(p, 4 * PAGE);
}

static long mlock2_case(const void *addr, unsigned long len, unsigned long flags,
			const char *flags_text)
{
	struct call c;

	c_init(&c, "mlock2");
	a_addr(&c, "addr", (unsigned long)addr);
	a_ulong(&c, "len", len);
	a_sym(&c, "flags", flags, flags_text);
	c_make(&c, SYS_mlock2);
	c_log(&c, R_VAL);
	return c.ret;
}

static void scenario_mlock2(void)
{
	char *p = map_pages(4);
	void *hole = unmapped_page();

	window(1);
	mlock2_case(p, 2 * PAGE, W_MLOCK_ONFAULT, "MLOCK_ONFAULT");
	mlock2_case(p + 2 * PAGE, PAGE, 0, "0");
	mlock2_case(p, PAGE, 2, "0x2");
	mlock2_case(p, PAGE, 3, "MLOCK_ONFAULT|0x2");
	mlock2_case(hole, PAGE, 0, "0");
	window(0);
	munlock(p, 4 * PAGE);
}

static void scenario_munlock(void)
{
	char *p = map_pages(4);
	void *hole = unmapped_page();

	mlock(p, 4 * PAGE);
	window(1);
	range_case("munlock", SYS_munlock, p, 2 * PAGE);
	range_case("munlock", SYS_munlock, p, 4 * PAGE); /* partly unlocked already */
	range_case("munlock", SYS_munlock, hole, PAGE);
	window(0);
}

static long mlockall_case(unsigned long flags, const char *flags_text)
{
	struct call c;

	c_init(&c, "mlockall");
	a_sym(&c, "flags", flags, flags_text);
	c_make(&c, SYS_mlockall);
	c_log(&c, R_VAL);
	return c.ret;
}

static void scenario_mlockall(void)
{
	window(1);
	mlockall_case(W_MCL_CURRENT | W_MCL_ONFAULT, "MCL_CURRENT|MCL_ONFAULT");
	mlockall_case(W_MCL_CURRENT | W_MCL_FUTURE, "MCL_CURRENT|MCL_FUTURE");
	/* failures: no flag, MCL_ONFAULT alone, an unknown flag */
	mlockall_case(0, "0");
	mlockall_case(W_MCL_ONFAULT, "MCL_ONFAULT");
	mlockall_case(W_MCL_CURRENT | 8, "MCL_CURRENT|0x8");
	window(0);
	munlockall();
}

static long munlockall_case(void)
{
	struct call c;

	c_init(&c, "munlockall");
	c_make(&c, SYS_munlockall);
	c_log(&c, R_VAL);
	return c.ret;
}

static void scenario_munlockall(void)
{
	mlockall(MCL_CURRENT);
	window(1);
	munlockall_case();
	munlockall_case(); /* nothing locked: still 0 */
	window(0);
}

/* ---- msync, mincore, remap_file_pages ---- */

static long msync_case(const void *addr, unsigned long len, unsigned long flags,
		       const char *flags_text)
{
	struct call c;

	c_init(&c, "msync");
	a_addr(&c, "addr", (unsigned long)addr);
	a_ulong(&c, "length", len);
	a_sym(&c, "flags", flags, flags_text);
	c_make(&c, SYS_msync);
	c_log(&c, R_VAL);
	return c.ret;
}

static void scenario_msync(void)
{
	char *m = map_shared(memfd_pages(4), 4), *p = map_pages(2);
	void *hole = unmapped_page();

	memset(m, 7, 4 * PAGE);
	window(1);
	msync_case(m, 4 * PAGE, W_MS_SYNC, "MS_SYNC");
	msync_case(m, PAGE, W_MS_ASYNC | W_MS_INVALIDATE, "MS_ASYNC|MS_INVALIDATE");
	msync_case(m + PAGE, PAGE, 0, "0");
	msync_case(p, 2 * PAGE, W_MS_SYNC, "MS_SYNC"); /* private memory: nothing to do */
	/* failures */
	msync_case(m, PAGE, W_MS_ASYNC | W_MS_SYNC, "MS_ASYNC|MS_SYNC");
	msync_case(m, PAGE, 8, "0x8");
	msync_case(m + 1, PAGE, W_MS_SYNC, "MS_SYNC");
	msync_case(hole, PAGE, W_MS_ASYNC, "MS_ASYNC");
	window(0);
}

/*
 * mincore's vec as mmtrace reads it after a call that did not fail: the
 * first 64 bytes, and the resident pages among the first 512.
 */
static long mincore_case(const void *addr, unsigned long len, const unsigned char *vec)
{
	static char text[1024], json[1024];
	unsigned long pages = (len + PAGE - 1) / PAGE, shown = pages > 64 ? 64 : pages;
	unsigned long read = pages > 512 ? 512 : pages, resident = 0;
	struct call c;

	c_init(&c, "mincore");
	c.sys[0] = (long)addr;
	c.sys[1] = (long)len;
	c.sys[2] = (long)vec;
	c_make(&c, SYS_mincore);
	c.n = 0;
	a_addr(&c, "addr", (unsigned long)addr);
	a_ulong(&c, "length", len);
	if (c.err) { /* the kernel wrote nothing */
		a_ptr(&c, "vec", vec, "?", "\"notWritten\":true", NULL);
	} else if (!pages) {
		snprintf(text, sizeof(text), "0x%lx", (unsigned long)vec);
		a_ptr(&c, "vec", vec, text, "\"values\":[]", NULL);
	} else {
		snprintf(text, sizeof(text), "[");
		snprintf(json, sizeof(json), "\"values\":[");
		for (unsigned long i = 0; i < read; i++)
			resident += vec[i] & 1;
		for (unsigned long i = 0; i < shown; i++) {
			APPEND(text, "%s%u", i ? "," : "", vec[i]);
			APPEND(json, "%s%u", i ? "," : "", vec[i]);
		}
		APPEND(text, "%s", pages > 64 ? ",...] (truncated)" : "]");
		APPEND(json, "]%s", pages > 64 ? ",\"truncated\":true" : "");
		APPEND(json, ",\"resident\":%lu", resident);
		if (pages > 512) {
			APPEND(json, ",\"residentOfFirst\":%lu", read);
			APPEND(text, " (%lu of the first %lu of %lu pages resident)", resident,
			       read, pages);
		} else {
			APPEND(text, " (%lu of %lu pages resident)", resident, pages);
		}
		a_ptr(&c, "vec", vec, text, json, NULL);
	}
	c_log(&c, R_VAL);
	return c.ret;
}

static void scenario_mincore(void)
{
	char *p = map_pages(4), *big = map_pages(600);
	void *hole = unmapped_page();
	static unsigned char vec[600];

	p[0] = p[PAGE] = 1;
	/* every third page resident, no huge page to make them all so */
	madvise(big, 600 * PAGE, MADV_NOHUGEPAGE);
	for (int i = 0; i < 600; i += 3)
		big[i * PAGE] = 1;
	window(1);
	mincore_case(p, 4 * PAGE, vec);
	/* more pages than shown (64), more than counted (512) */
	mincore_case(big, 100 * PAGE, vec);
	mincore_case(big, 600 * PAGE - 5, vec);
	mincore_case(p, 0, vec);
	mincore_case(p, 4 * PAGE, hole);
	mincore_case(hole, PAGE, vec);
	mincore_case(p + 1, PAGE, vec);
	window(0);
}

static long remap_case(const void *addr, unsigned long size, unsigned long prot,
		       const char *prot_text, unsigned long pgoff, unsigned long flags,
		       const char *flags_text)
{
	struct call c;

	c_init(&c, "remap_file_pages");
	a_addr(&c, "addr", (unsigned long)addr);
	a_ulong(&c, "size", size);
	a_sym(&c, "prot", prot, prot_text);
	a_ulong(&c, "pgoff", pgoff);
	a_sym(&c, "flags", flags, flags_text);
	c_make(&c, SYS_remap_file_pages);
	c_log(&c, R_VAL);
	return c.ret;
}

static void scenario_remap_file_pages(void)
{
	char *m = map_shared(memfd_pages(8), 4), *p = map_pages(2);

	window(1);
	remap_case(m, PAGE, PROT_NONE, "PROT_NONE", 2, 0, "0");
	remap_case(m + PAGE, PAGE, PROT_NONE, "PROT_NONE", 5, W_MAP_NONBLOCK, "MAP_NONBLOCK");
	/* failures: a protection, an unknown flag, private memory */
	remap_case(m + 2 * PAGE, PAGE, PROT_READ, "PROT_READ", 1, 0, "0");
	remap_case(m + 2 * PAGE, PAGE, PROT_NONE, "PROT_NONE", 1, 0x1, "0x1");
	/* mmap's flags: with MAP_HUGETLB, bits 26-31 are a page size */
	remap_case(m + 2 * PAGE, PAGE, PROT_NONE, "PROT_NONE", 1, 0x40000 | (21UL << 26),
		   "MAP_HUGETLB|MAP_HUGE_2MB");
	remap_case(p, PAGE, PROT_NONE, "PROT_NONE", 1, 0, "0");
	window(0);
}

/* ---- mbind, get_mempolicy, set_mempolicy_home_node ---- */

static long mbind_moved(const void *addr, unsigned long len, long mode, const char *mode_text,
			const unsigned long *mask, unsigned long maxnode, const char *nodes_text,
			const char *mask_json, unsigned long flags, const char *flags_text,
			int moved)
{
	struct call c;

	c_init(&c, "mbind");
	a_addr(&c, "addr", (unsigned long)addr);
	a_ulong(&c, "len", len);
	a_sym(&c, "mode", mode, mode_text);
	a_mask(&c, "nodemask", mask, nodes_text, mask_json);
	a_ulong(&c, "maxnode", maxnode);
	a_sym(&c, "flags", flags, flags_text);
	if (moved) {
		/* one batch of pages, all moved */
		APPEND(c.top, "\"migration\":{\"succeeded\":%d,\"failed\":0,\"split\":0,"
			      "\"batches\":1}", moved);
		APPEND(c.tail, " => migrated %d, failed 0, split 0", moved);
	} else {
		APPEND(c.top, "%s", NO_MIGRATION);
	}
	c_make(&c, SYS_mbind);
	c_log(&c, R_VAL);
	return c.ret;
}

/* an mbind call that moves no page */
static long mbind_case(const void *addr, unsigned long len, long mode, const char *mode_text,
		       const unsigned long *mask, unsigned long maxnode, const char *nodes_text,
		       const char *mask_json, unsigned long flags, const char *flags_text)
{
	return mbind_moved(addr, len, mode, mode_text, mask, maxnode, nodes_text, mask_json,
			   flags, flags_text, 0);
}

static void scenario_mbind(void)
{
	char *p = map_pages(4), text[128];
	unsigned long node0[64 / LBITS] = { 1 }, node1[64 / LBITS] = { 2 };
	void *hole = unmapped_page();

	memset(p, 1, 4 * PAGE);
	window(1);
	mbind_case(p, 4 * PAGE, MPOL_BIND, "MPOL_BIND", node0, 65, "[0]", "\"nodes\":[0]",
		   MPOL_MF_MOVE | MPOL_MF_STRICT, "MPOL_MF_STRICT|MPOL_MF_MOVE");
	mbind_case(p, PAGE, MPOL_PREFERRED, "MPOL_PREFERRED", node0, 65, "[0]", "\"nodes\":[0]",
		   0, "0");
	mbind_case(p + PAGE, PAGE, MPOL_INTERLEAVE | MPOL_F_STATIC_NODES,
		   "MPOL_INTERLEAVE|MPOL_F_STATIC_NODES", node0, 65, "[0]", "\"nodes\":[0]",
		   MPOL_MF_MOVE, "MPOL_MF_MOVE");
	mbind_case(p + 2 * PAGE, PAGE, MPOL_WEIGHTED_INTERLEAVE, "MPOL_WEIGHTED_INTERLEAVE",
		   node0, 65, "[0]", "\"nodes\":[0]", 0, "0");
	/*
	 * Pages move even on one node: MPOL_LOCAL has no nodes, so every page
	 * of the range is "misplaced" and migrates, to the node it is on.
	 */
	mbind_moved(p, PAGE, MPOL_LOCAL, "MPOL_LOCAL", NULL, 0, "NULL", "\"nodes\":null",
		    MPOL_MF_MOVE_ALL, "MPOL_MF_MOVE_ALL", 1);
	mbind_moved(p + PAGE, 3 * PAGE, MPOL_LOCAL, "MPOL_LOCAL", NULL, 0, "NULL",
		    "\"nodes\":null", MPOL_MF_MOVE, "MPOL_MF_MOVE", 3);
	mbind_case(p, 4 * PAGE, MPOL_DEFAULT, "MPOL_DEFAULT", NULL, 0, "NULL", "\"nodes\":null",
		   0, "0");
	/* failures */
	mbind_case(p, PAGE, MPOL_BIND, "MPOL_BIND", node0, 1, "[]", "\"nodes\":[]", 0, "0");
	snprintf(text, sizeof(text), "0x%lx (unreadable: EFAULT)", (unsigned long)hole);
	mbind_case(p, PAGE, MPOL_BIND, "MPOL_BIND", hole, 65, text, "\"readError\":\"EFAULT\"",
		   0, "0");
	mbind_case(p, PAGE, MPOL_BIND, "MPOL_BIND", node1, 65, "[1]", "\"nodes\":[1]", 0, "0");
	mbind_case(p, PAGE, MPOL_BIND, "MPOL_BIND", node0, 65, "[0]", "\"nodes\":[0]",
		   MPOL_MF_LAZY, "MPOL_MF_LAZY");
	mbind_case(p, PAGE, MPOL_BIND, "MPOL_BIND", node0, 65, "[0]", "\"nodes\":[0]", 0x10,
		   "0x10");
	mbind_case(p, PAGE, 7, "0x7", node0, 65, "[0]", "\"nodes\":[0]", 0, "0");
	mbind_case(p + 1, PAGE, MPOL_BIND, "MPOL_BIND", node0, 65, "[0]", "\"nodes\":[0]", 0,
		   "0");
	mbind_case(hole, PAGE, MPOL_BIND, "MPOL_BIND", node0, 65, "[0]", "\"nodes\":[0]", 0,
		   "0");
	window(0);
}

/*
 * One get_mempolicy call. After a successful call mmtrace reads what the
 * kernel wrote: *mode (want_mode; its text mode_text, a policy or with
 * MPOL_F_NODE a node) and the mask (nodes_text, mask_json; want_nodes the
 * bits it must hold). After a failed call it reads nothing. The buffers are
 * filled with other bits first: what was there before must not show.
 */
static const void *unwritable; /* a mode pointer that is not to be filled */

static long getpol_case(int *mode, unsigned long *mask, unsigned long maxnode,
			const void *addr, unsigned long flags, const char *flags_text,
			int want_mode, const char *mode_text, unsigned long long want_nodes,
			const char *nodes_text, const char *mask_json)
{
	char mtext[64], mjson[64], mjson_p[96], ptr[32];
	struct call c;

	if (mode && mode != unwritable)
		*mode = 0x5a5a;
	if (mask)
		memset(mask, 0xa5, 64 * sizeof(unsigned long));
	c_init(&c, "get_mempolicy");
	/* the values are filled in below, once the outcome is known */
	c.sys[0] = (long)mode;
	c.sys[1] = (long)mask;
	c.sys[2] = (long)maxnode;
	c.sys[3] = (long)addr;
	c.sys[4] = (long)flags;
	c_make(&c, SYS_get_mempolicy);
	c.n = 0;
	snprintf(ptr, sizeof(ptr), "0x%lx", (unsigned long)mode);
	if (!mode) {
		a_ptr(&c, "mode", mode, c.err ? "0x0" : "NULL", "\"out\":null", NULL);
	} else if (c.err) { /* the kernel wrote nothing */
		a_ptr(&c, "mode", mode, "?", "\"notWritten\":true", NULL);
	} else {
		snprintf(mtext, sizeof(mtext), "[%s]", mode_text);
		snprintf(mjson, sizeof(mjson), "\"out\":%d", want_mode);
		snprintf(mjson_p, sizeof(mjson_p), "\"out\":\"%s\"", mode_text);
		a_ptr(&c, "mode", mode, mtext, mjson, mjson_p);
		if (*mode != want_mode)
			APPEND(c.kernel, "mode %d, expected %d. ", *mode, want_mode);
	}
	if (c.err && mask) /* the kernel wrote nothing */
		a_mask(&c, "nodemask", mask, "?", "\"notWritten\":true");
	else if (c.err)
		a_mask(&c, "nodemask", mask, "[]", "\"nodes\":[]");
	else
		a_mask(&c, "nodemask", mask, nodes_text, mask_json);
	if (!c.err && mask) {
		/* the bits mmtrace reads: maxnode - 1, at most 1024 */
		unsigned long bits = maxnode - 1 > 1024 ? 1024 : maxnode - 1;

		for (unsigned long b = 0; b < bits; b++) {
			int set = (mask[b / LBITS] >> (b % LBITS)) & 1;
			int want = b < 64 && ((want_nodes >> b) & 1);

			if (set != want) {
				APPEND(c.kernel, "node %lu is %s. ", b, set ? "set" : "clear");
				break;
			}
		}
	}
	a_ulong(&c, "maxnode", maxnode);
	a_addr(&c, "addr", (unsigned long)addr);
	a_sym(&c, "flags", flags, flags_text);
	c_log(&c, R_VAL);
	return c.ret;
}

static void *thread_getpol(void *arg)
{
	unsigned long *mask = arg;
	int mode;

	prctl(PR_SET_NAME, "mmt-thread");
	window(1);
	/* the default policy: no node */
	getpol_case(&mode, mask, 65, NULL, 0, "0", MPOL_DEFAULT, "MPOL_DEFAULT", 0, "[]",
		    "\"nodes\":[]");
	window(0);
	return NULL;
}

static void scenario_get_mempolicy(void)
{
	unsigned long *mask = calloc(64, sizeof(unsigned long));
	unsigned long *mask2 = calloc(64, sizeof(unsigned long));
	unsigned long node0[64 / LBITS] = { 1 };
	char *bound = map_pages(1), *plain = map_pages(1);
	void *hole = unmapped_page();
	pthread_t th;
	int mode;

	bound[0] = plain[0] = 1;
	unwritable = hole;
	syscall(SYS_mbind, bound, PAGE, MPOL_BIND, node0, 65, 0);
	syscall(SYS_set_mempolicy, MPOL_BIND, node0, 65);
	window(1);
	/* the thread's policy */
	getpol_case(&mode, mask, 65, NULL, 0, "0", MPOL_BIND, "MPOL_BIND", 1, "[0]",
		    "\"nodes\":[0]");
	/* where a page is, and the policy of its range */
	getpol_case(&mode, mask, 65, bound, MPOL_F_NODE | MPOL_F_ADDR,
		    "MPOL_F_NODE|MPOL_F_ADDR", 0, "0", 1, "[0]", "\"nodes\":[0]");
	getpol_case(&mode, mask, 65, bound, MPOL_F_ADDR, "MPOL_F_ADDR", MPOL_BIND, "MPOL_BIND",
		    1, "[0]", "\"nodes\":[0]");
	/* a range without a policy of its own: MPOL_DEFAULT, no node */
	getpol_case(&mode, mask, 65, plain, MPOL_F_ADDR, "MPOL_F_ADDR", MPOL_DEFAULT,
		    "MPOL_DEFAULT", 0, "[]", "\"nodes\":[]");
	/* the nodes the thread may use; the mode written is 0 */
	getpol_case(&mode, mask, 65, NULL, MPOL_F_MEMS_ALLOWED, "MPOL_F_MEMS_ALLOWED",
		    MPOL_DEFAULT, "MPOL_DEFAULT", 1, "[0]", "\"nodes\":[0]");
	/* no mode wanted; no mask wanted */
	getpol_case(NULL, mask, 65, NULL, 0, "0", 0, NULL, 1, "[0]", "\"nodes\":[0]");
	getpol_case(&mode, NULL, 65, NULL, 0, "0", MPOL_BIND, "MPOL_BIND", 0, "NULL",
		    "\"nodes\":null");
	/* more than 1024 bits: the kernel writes 2048 (zeros past node 0) */
	getpol_case(&mode, mask, 2000, NULL, 0, "0", MPOL_BIND, "MPOL_BIND", 1,
		    "[0,...] (truncated)", "\"nodes\":[0],\"truncated\":true");
	/* flags of the mode come back with it */
	syscall(SYS_set_mempolicy, MPOL_PREFERRED | MPOL_F_RELATIVE_NODES, node0, 65);
	getpol_case(&mode, mask, 65, NULL, 0, "0", MPOL_PREFERRED | MPOL_F_RELATIVE_NODES,
		    "MPOL_PREFERRED|MPOL_F_RELATIVE_NODES", 1, "[0]", "\"nodes\":[0]");
	/* failures: nothing is read */
	getpol_case(&mode, mask, 65, NULL, MPOL_F_NODE, "MPOL_F_NODE", 0, NULL, 0, NULL, NULL);
	getpol_case(&mode, mask, 65, NULL, 8, "0x8", 0, NULL, 0, NULL, NULL);
	getpol_case(&mode, mask, 65, plain, 0, "0", 0, NULL, 0, NULL, NULL);
	getpol_case(&mode, mask, 65, hole, MPOL_F_ADDR, "MPOL_F_ADDR", 0, NULL, 0, NULL, NULL);
	getpol_case(&mode, mask, 0, NULL, 0, "0", 0, NULL, 0, NULL, NULL);
	getpol_case(hole, mask, 65, NULL, 0, "0", 0, NULL, 0, NULL, NULL);
	window(0);
	/* a thread (which inherits the policy of its creator) */
	syscall(SYS_set_mempolicy, MPOL_DEFAULT, NULL, 0);
	pthread_create(&th, NULL, thread_getpol, mask2);
	pthread_join(th, NULL);
	free(mask);
	free(mask2);
}

static long home_case(const void *start, unsigned long len, unsigned long node,
		      unsigned long flags)
{
	struct call c;

	c_init(&c, "set_mempolicy_home_node");
	a_addr(&c, "start", (unsigned long)start);
	a_ulong(&c, "len", len);
	a_ulong(&c, "home_node", node);
	a_ulong(&c, "flags", flags);
	c_make(&c, SYS_set_mempolicy_home_node);
	c_log(&c, R_VAL);
	return c.ret;
}

static void scenario_set_mempolicy_home_node(void)
{
	char *p = map_pages(4);
	unsigned long node0[64 / LBITS] = { 1 };

	/* pages 0-1 bound to node 0, page 2 preferring it, page 3 without policy */
	syscall(SYS_mbind, p, 2 * PAGE, MPOL_BIND, node0, 65, 0);
	syscall(SYS_mbind, p + 2 * PAGE, PAGE, MPOL_PREFERRED, node0, 65, 0);
	window(1);
	home_case(p, 2 * PAGE, 0, 0);
	home_case(p + 3 * PAGE, PAGE, 0, 0);
	/* failures: a policy without a home, flags, a node that is not there */
	home_case(p + 2 * PAGE, PAGE, 0, 0);
	home_case(p, PAGE, 0, 1);
	home_case(p, PAGE, 5, 0);
	home_case(p + 1, PAGE, 0, 0);
	window(0);
}

/* ---- move_pages ---- */

/*
 * An array argument as mmtrace renders it: at most 64 elements, then
 * ",...] (truncated)". ptrs: pointers (hex in the table and when parsed);
 * else ints (status: -errno by name in the table).
 */
static void array_texts(char *text, size_t tlen, char *json, size_t jlen, char *json_p,
			size_t plen, const void *const *ptrs, const int *ints, unsigned long n,
			int status)
{
	unsigned long shown = n > 64 ? 64 : n;

	snprintf(text, tlen, "[");
	snprintf(json, jlen, "\"values\":[");
	snprintf(json_p, plen, "\"values\":[");
	for (unsigned long i = 0; i < shown; i++) {
		const char *sep = i ? "," : "";

		if (ptrs) {
			appendf(text, tlen, "%s0x%lx", sep, (unsigned long)ptrs[i]);
			appendf(json, jlen, "%s%lu", sep, (unsigned long)ptrs[i]);
			appendf(json_p, plen, "%s\"0x%lx\"", sep, (unsigned long)ptrs[i]);
			continue;
		}
		if (status && ints[i] == -2)
			appendf(text, tlen, "%s-ENOENT", sep);
		else if (status && ints[i] == -14)
			appendf(text, tlen, "%s-EFAULT", sep);
		else
			appendf(text, tlen, "%s%d", sep, ints[i]);
		appendf(json, jlen, "%s%d", sep, ints[i]);
		appendf(json_p, plen, "%s%d", sep, ints[i]);
	}
	appendf(text, tlen, "%s", n > 64 ? ",...] (truncated)" : "]");
	appendf(json, jlen, "]%s", n > 64 ? ",\"truncated\":true" : "");
	appendf(json_p, plen, "]%s", n > 64 ? ",\"truncated\":true" : "");
}


/*
 * An array of which only the first n elements can be read (n < count):
 * mmtrace shows them and where reading stopped.
 */
static void array_prefix_texts(char *text, size_t tlen, char *json, size_t jlen, char *json_p,
			       size_t plen, const void *const *ptrs, const int *ints, long n)
{
	array_texts(text, tlen, json, jlen, json_p, plen, ptrs, ints, n, 0);
	text[strlen(text) - 1] = '\0';
	json[strlen(json) - 1] = '\0';
	json_p[strlen(json_p) - 1] = '\0';
	appendf(text, tlen, "] (unreadable from element %ld: EFAULT)", n);
	appendf(json, jlen, "],\"readError\":\"EFAULT\",\"readStoppedAt\":%ld", n);
	appendf(json_p, plen, "],\"readError\":\"EFAULT\",\"readStoppedAt\":%ld", n);
}

/*
 * One move_pages call: pages and nodes are read at entry (pages_ok and
 * nodes_ok say how many of their elements can be read), status at exit
 * after a call that did not fail, where it must hold want_status.
 */
static long move_case(long pid, unsigned long count, void **pages, long pages_ok, const int *nodes,
		      long nodes_ok, int *status, unsigned long flags, const char *flags_text,
		      const int *want_status, const char *target_comm)
{
	static char text[3][4096], json[3][4096], json_p[3][4096];
	char ptr[64];
	struct call c;

	if (status)
		for (unsigned long i = 0; i < count && i < 128; i++)
			status[i] = 77;
	c_init(&c, "move_pages");
	c.sys[0] = pid;
	c.sys[1] = (long)count;
	c.sys[2] = (long)pages;
	c.sys[3] = (long)nodes;
	c.sys[4] = (long)status;
	c.sys[5] = (long)flags;
	c_make(&c, SYS_move_pages);
	c.n = 0;
	a_int(&c, "pid", pid);
	a_ulong(&c, "count", count);
	/* pages */
	snprintf(ptr, sizeof(ptr), "0x%lx", (unsigned long)pages);
	if (!pages) {
		a_ptr(&c, "pages", pages, "NULL", "\"values\":null", NULL);
	} else if (!count) {
		a_ptr(&c, "pages", pages, ptr, "\"values\":[]", NULL);
	} else if (pages_ok == ARR_UNREADABLE) {
		APPEND(ptr, " (unreadable: EFAULT)");
		a_ptr(&c, "pages", pages, ptr, "\"readError\":\"EFAULT\"", NULL);
	} else if (pages_ok > 0 && (unsigned long)pages_ok < count) {
		array_prefix_texts(text[0], sizeof(text[0]), json[0], sizeof(json[0]), json_p[0],
				   sizeof(json_p[0]), (const void *const *)pages, NULL, pages_ok);
		a_ptr(&c, "pages", pages, text[0], json[0], json_p[0]);
	} else {
		array_texts(text[0], sizeof(text[0]), json[0], sizeof(json[0]), json_p[0],
			    sizeof(json_p[0]), (const void *const *)pages, NULL, count, 0);
		a_ptr(&c, "pages", pages, text[0], json[0], json_p[0]);
	}
	/* nodes */
	snprintf(ptr, sizeof(ptr), "0x%lx", (unsigned long)nodes);
	if (!nodes) {
		a_ptr(&c, "nodes", nodes, "NULL", "\"values\":null", NULL);
	} else if (!count) {
		a_ptr(&c, "nodes", nodes, ptr, "\"values\":[]", NULL);
	} else if (nodes_ok >= 0 && (unsigned long)nodes_ok < count) {
		array_prefix_texts(text[1], sizeof(text[1]), json[1], sizeof(json[1]), json_p[1],
				   sizeof(json_p[1]), NULL, nodes, nodes_ok);
		a_ptr(&c, "nodes", nodes, text[1], json[1], NULL);
	} else {
		array_texts(text[1], sizeof(text[1]), json[1], sizeof(json[1]), json_p[1],
			    sizeof(json_p[1]), NULL, nodes, count, 0);
		a_ptr(&c, "nodes", nodes, text[1], json[1], NULL);
	}
	/* status: what the kernel wrote, after a call that did not fail */
	snprintf(ptr, sizeof(ptr), "0x%lx", (unsigned long)status);
	if (c.err) { /* the kernel wrote nothing */
		a_ptr(&c, "status", status, "?", "\"notWritten\":true", NULL);
		if (want_status)
			APPEND(c.kernel, "the call failed. ");
	} else if (!count) {
		a_ptr(&c, "status", status, ptr, "\"values\":[]", NULL);
		if (want_status && c.err)
			APPEND(c.kernel, "the call failed. ");
	} else {
		static const int zeros[64];
		const int *ws = want_status ? want_status : zeros;

		array_texts(text[2], sizeof(text[2]), json[2], sizeof(json[2]), json_p[2],
			    sizeof(json_p[2]), NULL, ws, count, 1);
		a_ptr(&c, "status", status, text[2], json[2], NULL);
		for (unsigned long i = 0; i < count && i < 64; i++)
			if (!want_status || status[i] != ws[i]) {
				APPEND(c.kernel, "status[%lu] is %d. ", i, status[i]);
				break;
			}
	}
	a_sym(&c, "flags", flags, flags_text);
	APPEND(c.top, "%s", NO_MIGRATION);
	target_of(&c, (int)pid, target_comm);
	c_log(&c, R_VAL);
	return c.ret;
}

static void scenario_move_pages(void)
{
	char *q = map_pages(2), *many = map_pages(100);
	/* before the hole is made: a later mapping could take its place */
	void **cut_pages = (void **)(guarded_end() - 2 * sizeof(void *));
	int *cut_nodes = (int *)(guarded_end() - sizeof(int));
	void *pages[100], *hole = unmapped_page();
	int nodes[100] = { 0 }, status[128], want[100] = { 0 }, node1[1] = { 1 };
	const int want3[3] = { 0, -2, -14 }; /* on node 0, never touched, not mapped */
	const char *me = "mmt-workload";
	int go[2], ready[2], st;
	pid_t child;
	char c;

	q[0] = 1; /* q + PAGE is never touched */
	for (int i = 0; i < 100; i++) {
		many[i * PAGE] = 1;
		pages[i] = many + i * PAGE;
	}
	void *three[3] = { q, q + PAGE, hole };

	window(1);
	move_case(0, 3, three, ARR_READ, nodes, ARR_READ, status, MPOL_MF_MOVE, "MPOL_MF_MOVE",
		  want3, me);
	/* nodes NULL: only where the pages are */
	move_case(0, 3, three, ARR_READ, NULL, ARR_READ, status, 0, "0", want3, me);
	/* more than 64 pages: the first 64 are shown */
	move_case(0, 100, pages, ARR_READ, nodes, ARR_READ, status, MPOL_MF_MOVE, "MPOL_MF_MOVE",
		  want, me);
	move_case(0, 0, three, ARR_READ, nodes, ARR_READ, status, MPOL_MF_MOVE, "MPOL_MF_MOVE",
		  NULL, me);
	/* failures */
	move_case(0, 1, NULL, ARR_READ, NULL, ARR_READ, status, 0, "0", NULL, me);
	move_case(0, 2, hole, ARR_UNREADABLE, NULL, ARR_READ, status, 0, "0", NULL, me);
	move_case(0x3ffffff0, 3, three, ARR_READ, nodes, ARR_READ, status, MPOL_MF_MOVE,
		  "MPOL_MF_MOVE", NULL, me);
	/* mbind's MPOL_MF_STRICT is no move_pages flag */
	move_case(0, 1, three, ARR_READ, nodes, ARR_READ, status, MPOL_MF_STRICT, "0x1", NULL,
		  me);
	move_case(0, 1, three, ARR_READ, nodes, ARR_READ, status, MPOL_MF_MOVE | MPOL_MF_LAZY,
		  "MPOL_MF_MOVE|0x8", NULL, me);
	move_case(0, 1, three, ARR_READ, node1, ARR_READ, status, MPOL_MF_MOVE, "MPOL_MF_MOVE",
		  NULL, me);
	/* arrays that end in an unreadable page: the kernel reads pages[0],
	 * nodes[0], pages[1], then faults on nodes[1]; mmtrace shows the
	 * elements before each fault */
	memcpy(cut_pages, three, 2 * sizeof(void *));
	cut_nodes[0] = 0;
	move_case(0, 3, cut_pages, 2, cut_nodes, 1, status, MPOL_MF_MOVE, "MPOL_MF_MOVE", NULL, me);
	window(0);

	/* another process's pages */
	if (pipe(go) || pipe(ready)) {
		perror("pipe");
		exit(1);
	}
	child = fork();
	if (child == 0) {
		prctl(PR_SET_NAME, "mmt-child");
		if (write(ready[1], "r", 1) < 0 || read(go[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	if (read(ready[0], &c, 1) < 0)
		perror("read");
	window(1);
	move_case(child, 1, three, ARR_READ, nodes, ARR_READ, status, MPOL_MF_MOVE, "MPOL_MF_MOVE",
		  want, "mmt-child");
	window(0);
	if (write(go[1], "x", 1) < 0)
		perror("write");
	waitpid(child, &st, 0);
}

/* ---- mseal ---- */

static long mseal_case(const void *start, unsigned long len, unsigned long flags)
{
	struct call c;

	c_init(&c, "mseal");
	a_addr(&c, "start", (unsigned long)start);
	a_ulong(&c, "len", len);
	a_ulong(&c, "flags", flags);
	c_make(&c, SYS_mseal);
	c_log(&c, R_VAL);
	return c.ret;
}

static void scenario_mseal(void)
{
	char *p = map_pages(4);
	void *hole = unmapped_page();

	window(1);
	mseal_case(p, 2 * PAGE, 0);
	/* sealed: neither unmapped nor changed */
	munmap_case(p, PAGE);
	mprotect_case(p, PAGE, PROT_READ, "PROT_READ");
	mseal_case(p, 2 * PAGE, 0); /* again: nothing changes */
	/* failures */
	mseal_case(p + 2 * PAGE, PAGE, 1);
	mseal_case(p + 1, PAGE, 0);
	mseal_case(hole, PAGE, 0);
	window(0);
}

/* ---- map_shadow_stack ---- */

static void shadow_case(unsigned long addr, unsigned long size, unsigned long flags,
			const char *flags_text)
{
	struct call c;

	c_init(&c, "map_shadow_stack");
	a_addr(&c, "addr", addr);
	a_ulong(&c, "size", size);
	a_sym(&c, "flags", flags, flags_text);
	c_make(&c, NR_map_shadow_stack);
	/* no ia32 syscall is map_shadow_stack: mmtrace must not report one */
	if (!IA32)
		c_log(&c, R_ADDR);
}

static void scenario_map_shadow_stack(void)
{
	window(1);
	/* this kernel has no user shadow stacks: ENOSYS */
	shadow_case(0, PAGE, SHADOW_STACK_SET_TOKEN, "SHADOW_STACK_SET_TOKEN");
	shadow_case(0, PAGE, 0, "0");
	shadow_case(0x10000, 2 * PAGE, SHADOW_STACK_SET_TOKEN | SHADOW_STACK_SET_MARKER,
		    "SHADOW_STACK_SET_TOKEN|SHADOW_STACK_SET_MARKER");
	shadow_case(0, PAGE, 4, "0x4");
	window(0);
}

/* ---- arguments the kernel takes as 32-bit ints, made with 64-bit garbage ---- */

#if !IA32
#define HI 0x5a5a5a5a00000000UL /* upper bits a C int argument does not have */
static void scenario_int_args(void)
{
	char *p = map_pages(2), *m = map_shared(memfd_pages(1), 1);
	unsigned long node0[1] = { 1 };
	int status[1], want[1] = { 0 }, self = syscall(SYS_pidfd_open, getpid(), 0);
	void *pages[1] = { p };
	struct iovec iov = { p, PAGE };
	struct call c;

	p[0] = 1;
	window(1);
	/* the kernel sees MCL_CURRENT: it locks, and succeeds */
	mlockall_case(HI | W_MCL_CURRENT, "MCL_CURRENT");
	munlockall();
	/* the kernel sees -1 */
	msync_case(m, PAGE, (unsigned long)-1L, "MS_ASYNC|MS_INVALIDATE|MS_SYNC|0xfffffff8");
	mlock2_case(p, PAGE, HI | W_MLOCK_ONFAULT, "MLOCK_ONFAULT");
	munlock(p, PAGE);
	move_case(0, 1, pages, ARR_READ, NULL, ARR_READ, status, HI, "0", want, "mmt-workload");
	mbind_case(p, PAGE, MPOL_BIND, "MPOL_BIND", node0, 65, "[0]", "\"nodes\":[0]",
		   HI | MPOL_MF_MOVE, "MPOL_MF_MOVE");
	shadow_case(0, PAGE, HI | SHADOW_STACK_SET_TOKEN, "SHADOW_STACK_SET_TOKEN");
	madvise_case(p, PAGE, (long)(HI | W_MADV_WILLNEED), "MADV_WILLNEED");
	pkey_case(p, PAGE, PROT_READ | PROT_WRITE, "PROT_READ|PROT_WRITE", (long)(HI | 0xffffffffUL));
	mempolicy_case((long)(HI | MPOL_DEFAULT), NULL, 0, "MPOL_DEFAULT", "NULL",
		       "\"nodes\":null");
	mbind_case(p, PAGE, (long)(HI | MPOL_BIND), "MPOL_BIND", node0, 65, "[0]",
		   "\"nodes\":[0]", 0, "0");
	migrate_case((long)HI, 65, node0, node0, "[0]", "\"nodes\":[0]", "[0]", "\"nodes\":[0]",
		     "mmt-workload");
	pmadvise_case((long)(HI | (unsigned long)self), &iov, 1, W_MADV_COLD, "MADV_COLD", HI);
	/* mmap's fd: the kernel ignores it for anonymous memory */
	c_init(&c, "mmap");
	a_addr(&c, "addr", 0);
	a_ulong(&c, "length", PAGE);
	a_sym(&c, "prot", PROT_READ, "PROT_READ");
	a_sym(&c, "flags", MAP_PRIVATE | MAP_ANONYMOUS, "MAP_PRIVATE|MAP_ANONYMOUS");
	a_int(&c, "fd", (long)(HI | 0xffffffffUL));
	a_u64(&c, "off", 0, 0);
	c_make(&c, SYS_mmap);
	c_log(&c, R_ADDR);
	window(0);
}
#endif

/* ---- the payload slots of one CPU, used by one event after another ---- */

static void scenario_mixed(void)
{
	unsigned long node0[64 / LBITS] = { 1 };
	unsigned long *mask = calloc(64, sizeof(unsigned long));
	char *p = map_pages(2);
	void *pages[2] = { p, p + PAGE };
	int status[128], want[2] = { 0, -2 }, mode;
	const char *me = "mmt-workload";
	cpu_set_t cpus;

	p[0] = 1;
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus)) {
		perror("sched_setaffinity");
		exit(1);
	}
	window(1);
	migrate_case(0, 65, node0, node0, "[0]", "\"nodes\":[0]", "[0]", "\"nodes\":[0]", me);
	mempolicy_case(MPOL_BIND, node0, 65, "MPOL_BIND", "[0]", "\"nodes\":[0]");
	mbind_case(p, PAGE, MPOL_BIND, "MPOL_BIND", node0, 65, "[0]", "\"nodes\":[0]", 0, "0");
	getpol_case(&mode, mask, 65, NULL, 0, "0", MPOL_BIND, "MPOL_BIND", 1, "[0]",
		    "\"nodes\":[0]");
	getpol_case(&mode, mask, 65, NULL, 8, "0x8", 0, NULL, 0, NULL, NULL);
	move_case(0, 2, pages, ARR_READ, NULL, ARR_READ, status, 0, "0", want, me);
	mempolicy_case(MPOL_DEFAULT, NULL, 0, "MPOL_DEFAULT", "NULL", "\"nodes\":null");
	getpol_case(NULL, NULL, 0, NULL, 0, "0", 0, NULL, 0, "NULL", "\"nodes\":null");
	move_case(0, 2, pages, ARR_READ, NULL, ARR_READ, status, 0, "0", want, me);
	mbind_case(p, PAGE, MPOL_DEFAULT, "MPOL_DEFAULT", NULL, 0, "NULL", "\"nodes\":null", 0,
		   "0");
	migrate_case(0, 65, node0, node0, "[0]", "\"nodes\":[0]", "[0]", "\"nodes\":[0]", me);
	window(0);
	free(mask);
}

/* Many cheap calls as fast as possible, to overflow a small ring buffer. */
static void scenario_burst(void)
{
	const int n = 20000;
	char line[64];
	int len;

	for (int i = 0; i < n; i++)
		syscall(SYS_set_mempolicy, MPOL_DEFAULT, NULL, 0);
	len = snprintf(line, sizeof(line), "{\"event\":\"set_mempolicy\",\"calls\":%d}\n", n);
	if (write(log_fd, line, len) != len)
		exit(1);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*run)(void);
	} scenarios[] = {
		{ "brk", scenario_brk },
		{ "mmap", scenario_mmap },
		{ "munmap", scenario_munmap },
		{ "mremap", scenario_mremap },
		{ "mprotect", scenario_mprotect },
		{ "pkey_mprotect", scenario_pkey_mprotect },
		{ "madvise", scenario_madvise },
		{ "process_madvise", scenario_process_madvise },
		{ "mlock", scenario_mlock },
		{ "mlock2", scenario_mlock2 },
		{ "munlock", scenario_munlock },
		{ "mlockall", scenario_mlockall },
		{ "munlockall", scenario_munlockall },
		{ "msync", scenario_msync },
		{ "mincore", scenario_mincore },
		{ "remap_file_pages", scenario_remap_file_pages },
		{ "mbind", scenario_mbind },
		{ "set_mempolicy", scenario_set_mempolicy },
		{ "get_mempolicy", scenario_get_mempolicy },
		{ "set_mempolicy_home_node", scenario_set_mempolicy_home_node },
		{ "migrate_pages", scenario_migrate_pages },
		{ "move_pages", scenario_move_pages },
		{ "mseal", scenario_mseal },
		{ "map_shadow_stack", scenario_map_shadow_stack },
#if !IA32
		{ "int_args", scenario_int_args },
#endif
		{ "mixed", scenario_mixed },
		{ "burst", scenario_burst },
	};
	char *name = argc == 3 ? argv[1] : NULL, *wait, *orphan;
	pid_t child;
	char c;

	if (!name) {
		fprintf(stderr, "usage: workload SCENARIO[+orphan][+wait] LOGFILE\n"
				"  SCENARIO: an event name, int_args, mixed or burst;\n"
				"  +orphan: fork; the parent exits at once, the child\n"
				"  runs the scenario 2.5 s later;\n"
				"  +wait: read one byte from stdin first\n");
		return 2;
	}
	wait = strstr(name, "+wait");
	if (wait)
		*wait = '\0';
	orphan = strstr(name, "+orphan");
	if (orphan) {
		*orphan = '\0';
		child = fork();
		if (child < 0)
			return 1;
		if (child > 0)
			return 0;
		usleep(2500000);
	}
	if (wait && read(0, &c, 1) != 1)
		return 1;
	log_fd = open(argv[2], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (log_fd < 0) {
		perror(argv[2]);
		return 1;
	}
	prctl(PR_SET_NAME, "mmt-workload");
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		if (!strcmp(name, scenarios[i].name)) {
			scenarios[i].run();
			close(log_fd);
			return 0;
		}
	}
	fprintf(stderr, "workload: unknown scenario '%s'\n", name);
	return 2;
}
