// SPDX-License-Identifier: GPL-2.0
/*
 * workload.c - make the traced syscalls with sentinel arguments, and write
 * down what was made so the end-to-end tests can compare mmtrace's events
 * with it.
 *
 * Usage: workload SCENARIO LOGFILE
 * Each call appends one JSON line to LOGFILE:
 *   {"event":..,"pid":..,"tid":..,"comm":..,"args":[raw values],
 *    "ret":..,"ret_text":..,"text":..,"parsed":[..],"masks":[..]}
 * where text is the ARGS column the table output must show, ret_text its
 * RET column, parsed the --parse-arguments values, and masks the JSON
 * fields of each node-mask argument ("nodes", "readError", "truncated").
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MPOL_DEFAULT 0
#define MPOL_PREFERRED 1
#define MPOL_BIND 2
#define MPOL_INTERLEAVE 3
#define MPOL_LOCAL 4
#define MPOL_PREFERRED_MANY 5
#define MPOL_F_STATIC_NODES (1 << 15)
#define MPOL_F_RELATIVE_NODES (1 << 14)
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

static FILE *logf;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

/* An address that is certainly not mapped: a page mapped, then unmapped. */
static void *unmapped_page(void)
{
	void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	munmap(p, 4096);
	return p;
}

static void *map_pages(size_t n)
{
	void *p = mmap(NULL, n * 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

/* The RET column for a raw syscall return. */
static void ret_text(char *buf, size_t len, long ret, int err, int addr)
{
	if (ret == -1 && err)
		snprintf(buf, len, "-%d %s", err, strerrorname_np(err));
	else if (addr)
		snprintf(buf, len, "0x%lx", (unsigned long)ret);
	else
		snprintf(buf, len, "%ld", ret);
}

/* Write one log line; fmt gives the "text","parsed","masks" members. */
static void record(const char *event, const unsigned long *args, int nargs,
		   long ret, int err, int addr, const char *fmt, ...)
{
	char comm[17] = "", rtext[64];
	va_list ap;

	prctl(PR_GET_NAME, comm);
	ret_text(rtext, sizeof(rtext), ret, err, addr);
	pthread_mutex_lock(&log_lock);
	fprintf(logf, "{\"event\":\"%s\",\"pid\":%d,\"tid\":%ld,\"ppid\":%d,\"comm\":\"%s\",\"args\":[",
		event, getpid(), syscall(SYS_gettid), getppid(), comm);
	for (int i = 0; i < nargs; i++)
		fprintf(logf, "%s%lu", i ? "," : "", args[i]);
	fprintf(logf, "],\"ret\":%ld,\"ret_text\":\"%s\",", ret == -1 && err ? -err : ret,
		rtext);
	va_start(ap, fmt);
	vfprintf(logf, fmt, ap);
	va_end(ap);
	fputs("}\n", logf);
	fflush(logf);
	pthread_mutex_unlock(&log_lock);
}

static long do_mremap(void *old, size_t old_size, size_t new_size,
		      unsigned long flags, void *new_addr, int *err)
{
	long r = syscall(SYS_mremap, old, old_size, new_size, flags, new_addr);

	*err = r == -1 ? errno : 0;
	return r;
}

/* One mremap call and its expected decoding. */
static long mremap_case(void *old, size_t old_size, size_t new_size,
			unsigned long flags, void *new_addr,
			const char *flags_text)
{
	unsigned long args[5] = { (unsigned long)old, old_size, new_size, flags,
				  (unsigned long)new_addr };
	int used = (flags & (2 | MREMAP_DONTUNMAP)) != 0, err;
	long r = do_mremap(old, old_size, new_size, flags, new_addr, &err);

	record("mremap", args, 5, r, err, 1,
	       "\"text\":\"old_address: 0x%lx, old_size: %zu, new_size: %zu, flags: %s, new_address: 0x%lx%s\","
	       "\"parsed\":[\"0x%lx\",%zu,%zu,\"%s\",\"0x%lx\"],\"masks\":[]",
	       args[0], old_size, new_size, flags_text, args[4],
	       used ? "" : " (ignored)", args[0], old_size, new_size, flags_text,
	       args[4]);
	return r;
}

static void scenario_mremap(void)
{
	char *a = map_pages(4), *target = map_pages(8), *b;
	long r;

	/* grow, may move */
	r = mremap_case(a, 4096, 8 * 4096, 1, NULL, "MREMAP_MAYMOVE");
	a = (char *)r;
	/* shrink in place, with a sentinel new_address the kernel ignores */
	mremap_case(a, 8 * 4096, 2 * 4096, 0, (void *)0x5a5a5000, "0");
	/* move to a fixed place */
	r = mremap_case(a, 2 * 4096, 2 * 4096, 1 | 2, target,
			"MREMAP_MAYMOVE|MREMAP_FIXED");
	b = (char *)r;
	/* move, leaving the old range mapped */
	mremap_case(b, 2 * 4096, 2 * 4096, 1 | MREMAP_DONTUNMAP, NULL,
		    "MREMAP_MAYMOVE|MREMAP_DONTUNMAP");
	/* failures: unknown flag bit, FIXED without MAYMOVE, nothing mapped */
	mremap_case(b, 4096, 4096, 1 | 0x40, NULL, "MREMAP_MAYMOVE|0x40");
	mremap_case(b, 4096, 4096, 2, target, "MREMAP_FIXED");
	mremap_case(unmapped_page(), 4096, 8192, 1, NULL, "MREMAP_MAYMOVE");
	/* every flag bit set */
	mremap_case(b, 4096, 4096, ~0UL, NULL,
		    "MREMAP_MAYMOVE|MREMAP_FIXED|MREMAP_DONTUNMAP|0xfffffffffffffff8");
}

static long mempolicy_case(long mode, const unsigned long *mask,
			   unsigned long maxnode, const char *mode_text,
			   const char *nodes_text, const char *mask_json)
{
	unsigned long args[3] = { (unsigned long)mode, (unsigned long)mask, maxnode };
	long r = syscall(SYS_set_mempolicy, mode, mask, maxnode);
	int err = r == -1 ? errno : 0;
	char ptr[32];

	snprintf(ptr, sizeof(ptr), "0x%lx", (unsigned long)mask);
	record("set_mempolicy", args, 3, r, err, 0,
	       "\"text\":\"mode: %s, nodemask: %s, maxnode: %lu\","
	       "\"parsed\":[\"%s\",\"%s\",%lu],\"masks\":[{%s}]",
	       mode_text, nodes_text, maxnode, mode_text, ptr, maxnode, mask_json);
	return r;
}

static void *thread_policy(void *arg)
{
	(void)arg;
	prctl(PR_SET_NAME, "mmt-thread");
	mempolicy_case(MPOL_LOCAL, NULL, 0, "MPOL_LOCAL", "NULL", "\"nodes\":null");
	return NULL;
}

static void scenario_set_mempolicy(void)
{
	unsigned long *mask = calloc(64, sizeof(unsigned long));
	char *page = map_pages(2), text[128];
	unsigned long *edge = (unsigned long *)(page + 4096 - sizeof(long));
	void *hole = unmapped_page();
	pthread_t th;

	mask[0] = 1;
	mempolicy_case(MPOL_BIND, mask, 65, "MPOL_BIND", "[0]", "\"nodes\":[0]");
	mempolicy_case(MPOL_PREFERRED_MANY | MPOL_F_STATIC_NODES, mask, 1025,
		       "MPOL_PREFERRED_MANY|MPOL_F_STATIC_NODES", "[0]",
		       "\"nodes\":[0]");
	mempolicy_case(MPOL_INTERLEAVE | MPOL_F_RELATIVE_NODES, mask, 2,
		       "MPOL_INTERLEAVE|MPOL_F_RELATIVE_NODES", "[0]",
		       "\"nodes\":[0]");
	mempolicy_case(MPOL_DEFAULT, NULL, 0, "MPOL_DEFAULT", "NULL", "\"nodes\":null");
	/* failures */
	mempolicy_case(7, mask, 2, "0x7", "[0]", "\"nodes\":[0]");
	snprintf(text, sizeof(text), "0x%lx (unreadable: EFAULT)", (unsigned long)hole);
	mempolicy_case(MPOL_BIND, hole, 65, "MPOL_BIND", text, "\"readError\":\"EFAULT\"");
	/* nodes 0 and 130; 130 has no memory here */
	mask[2] = 1UL << 2;
	mempolicy_case(MPOL_BIND, mask, 200, "MPOL_BIND", "[0,130]", "\"nodes\":[0,130]");
	/* bits at or past maxnode - 1 are not read by the kernel */
	mempolicy_case(MPOL_BIND, mask, 130, "MPOL_BIND", "[0]", "\"nodes\":[0]");
	mask[2] = 0;
	/* nodes 0-3 and 8 from a mask whose bit 63 is beyond maxnode */
	mask[0] = 0x10fUL | (1UL << 63);
	mempolicy_case(MPOL_PREFERRED, mask, 64, "MPOL_PREFERRED", "[0-3,8]",
		       "\"nodes\":[0,1,2,3,8]");
	mask[0] = 1;
	/* more than 1024 bits: the kernel reads 1999, mmtrace 1024 */
	mempolicy_case(MPOL_BIND, mask, 2000, "MPOL_BIND", "[0,...] (truncated)",
		       "\"nodes\":[0],\"truncated\":true");
	/* maxnode 1: no bit is read, so the mask is empty */
	mempolicy_case(MPOL_BIND, mask, 1, "MPOL_BIND", "[]", "\"nodes\":[]");
	/* the last long before an unmapped page is readable */
	munmap(page + 4096, 4096);
	*edge = 1;
	mempolicy_case(MPOL_BIND, edge, 65, "MPOL_BIND", "[0]", "\"nodes\":[0]");
	/* two longs crossing into the unmapped page are not */
	snprintf(text, sizeof(text), "0x%lx (unreadable: EFAULT)", (unsigned long)edge);
	mempolicy_case(MPOL_BIND, edge, 129, "MPOL_BIND", text,
		       "\"readError\":\"EFAULT\"");
	/* a second thread */
	pthread_create(&th, NULL, thread_policy, NULL);
	pthread_join(th, NULL);
	mempolicy_case(MPOL_DEFAULT, NULL, 0, "MPOL_DEFAULT", "NULL", "\"nodes\":null");
	free(mask);
}

/* The process a migrate_pages pid names, as mmtrace must report it. */
static const char *target_of(int pid, const char *comm, char *json, size_t jlen,
			     char *text, size_t tlen)
{
	int self = pid == 0 || pid == getpid();

	text[0] = '\0';
	if (pid < 0 || (!self && kill(pid, 0))) {
		snprintf(json, jlen, "null");
		return json;
	}
	snprintf(json, jlen,
		 "{\"hostProcessId\":%d,\"processName\":\"%s\",\"userId\":%d,"
		 "\"otherProcess\":%s,\"otherUser\":false}",
		 self ? getpid() : pid, comm, getuid(), self ? "false" : "true");
	if (!self)
		snprintf(text, tlen, " [target %s pid %d uid %d]", comm, pid, getuid());
	return json;
}

static long migrate_case(int pid, unsigned long maxnode, const unsigned long *old,
			 const unsigned long *new, const char *old_text,
			 const char *old_json, const char *new_text,
			 const char *new_json, const char *target_comm)
{
	unsigned long args[4] = { (unsigned long)(long)pid, maxnode,
				  (unsigned long)old, (unsigned long)new };
	char tjson[256], ttext[128];
	long r;
	int err;

	target_of(pid, target_comm, tjson, sizeof(tjson), ttext, sizeof(ttext));
	r = syscall(SYS_migrate_pages, pid, maxnode, old, new);
	err = r == -1 ? errno : 0;
	/* one node here: nothing ever migrates */
	record("migrate_pages", args, 4, r, err, 0,
	       "\"text\":\"pid: %d, maxnode: %lu, old_nodes: %s, new_nodes: %s%s\","
	       "\"parsed\":[%d,%lu,\"0x%lx\",\"0x%lx\"],\"masks\":[{%s},{%s}],"
	       "\"migration\":{\"succeeded\":0,\"failed\":0,\"split\":0,\"batches\":0},"
	       "\"target\":%s",
	       pid, maxnode, old_text, new_text, ttext, pid, maxnode, (unsigned long)old,
	       (unsigned long)new, old_json, new_json, tjson);
	return r;
}

static void scenario_migrate_pages(void)
{
	unsigned long node0 = 1, node1 = 2;
	void *hole = unmapped_page();
	int go[2], ready[2], status;
	char text[128];
	pid_t child;
	char c;

	const char *me = "mmt-workload";

	migrate_case(0, 65, &node0, &node0, "[0]", "\"nodes\":[0]", "[0]", "\"nodes\":[0]",
		     me);
	migrate_case(getpid(), 2, &node0, &node0, "[0]", "\"nodes\":[0]", "[0]",
		     "\"nodes\":[0]", me);
	/* failures: no such process, pid -1, new node without memory, bad pointer */
	migrate_case(0x3ffffff0, 65, &node0, &node0, "[0]", "\"nodes\":[0]", "[0]",
		     "\"nodes\":[0]", me);
	migrate_case(-1, 65, &node0, &node0, "[0]", "\"nodes\":[0]", "[0]", "\"nodes\":[0]",
		     me);
	migrate_case(0, 65, &node0, &node1, "[0]", "\"nodes\":[0]", "[1]", "\"nodes\":[1]",
		     me);
	snprintf(text, sizeof(text), "0x%lx (unreadable: EFAULT)", (unsigned long)hole);
	migrate_case(0, 65, hole, &node0, text, "\"readError\":\"EFAULT\"", "[0]",
		     "\"nodes\":[0]", me);

	/* another process: a child that also calls migrate_pages itself */
	if (pipe(go) || pipe(ready)) {
		perror("pipe");
		exit(1);
	}
	child = fork();
	if (child == 0) {
		prctl(PR_SET_NAME, "mmt-child");
		migrate_case(0, 65, &node0, &node0, "[0]", "\"nodes\":[0]", "[0]",
			     "\"nodes\":[0]", "mmt-child");
		if (write(ready[1], "r", 1) < 0 || read(go[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	/* wait until the child has named itself */
	if (read(ready[0], &c, 1) < 0)
		perror("read");
	migrate_case(child, 65, &node0, &node0, "[0]", "\"nodes\":[0]", "[0]",
		     "\"nodes\":[0]", "mmt-child");
	if (write(go[1], "x", 1) < 0)
		perror("write");
	waitpid(child, &status, 0);
}

/* Many cheap calls as fast as possible, to overflow a small ring buffer. */
static void scenario_burst(void)
{
	const int n = 20000;

	for (int i = 0; i < n; i++)
		syscall(SYS_set_mempolicy, MPOL_DEFAULT, NULL, 0);
	fprintf(logf, "{\"event\":\"set_mempolicy\",\"calls\":%d}\n", n);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*run)(void);
	} scenarios[] = {
		{ "mremap", scenario_mremap },
		{ "set_mempolicy", scenario_set_mempolicy },
		{ "migrate_pages", scenario_migrate_pages },
		{ "burst", scenario_burst },
	};

	char *name = argc == 3 ? argv[1] : NULL, *wait;
	char c;

	if (!name) {
		fprintf(stderr, "usage: workload SCENARIO[+wait] LOGFILE\n"
				"  SCENARIO: mremap, set_mempolicy, migrate_pages or burst;\n"
				"  +wait: read one byte from stdin first\n");
		return 2;
	}
	wait = strstr(name, "+wait");
	if (wait) {
		*wait = '\0';
		if (read(0, &c, 1) != 1)
			return 1;
	}
	logf = fopen(argv[2], "a");
	if (!logf) {
		perror(argv[2]);
		return 1;
	}
	prctl(PR_SET_NAME, "mmt-workload");
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		if (!strcmp(name, scenarios[i].name)) {
			scenarios[i].run();
			fclose(logf);
			return 0;
		}
	}
	fprintf(stderr, "workload: unknown scenario '%s'\n", name);
	return 2;
}
