// SPDX-License-Identifier: GPL-2.0
/*
 * test_detect.c - the detection engine on facts made by hand: each rule
 * fires on its technique and stays quiet on the ordinary sequences next to
 * it (ld.so's, a thread stack's, NUMA calls on oneself); the state follows
 * munmap and mremap; the allow-list and the limits hold; the JSON reader
 * gives the same facts for raw and parsed lines and refuses broken ones.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "detect/detect.h"
#include "detect/facts.h"
#include "detect/finding.h"

#define R 1U
#define W 2U
#define X 4U
#define PRIV 0x02U
#define SHARED 0x01U
#define ANON 0x20U
#define PG 4096ULL

static struct mmt_finding out[8];

static struct mmt_det_facts base(enum mmt_det_op op, __u32 pid)
{
	struct mmt_det_facts f;

	memset(&f, 0, sizeof(f));
	f.op = op;
	f.pid = f.tid = f.ns_pid = pid;
	f.fd = -1;
	f.syscall = op == MMT_DET_MMAP ? "mmap" : op == MMT_DET_MPROTECT ? "mprotect" : "call";
	snprintf(f.exe, sizeof(f.exe), "/usr/bin/prog%u", pid);
	snprintf(f.comm, sizeof(f.comm), "prog%u", pid);
	return f;
}

static int do_mmap(struct mmt_detect *d, __u32 pid, __u64 at, __u64 len, __u32 prot, __u32 flags,
		   const struct mmt_det_file *file)
{
	struct mmt_det_facts f = base(MMT_DET_MMAP, pid);

	f.ret = at;
	f.len = len;
	f.prot = prot;
	f.flags = flags;
	if (file) {
		f.file = *file;
		f.fd = 3;
	} else if (!(flags & ANON)) {
		f.fd = 3; /* a file nobody could name */
	}
	return mmt_detect_call(d, &f, out, 8);
}

static int do_range(struct mmt_detect *d, enum mmt_det_op op, __u32 pid, __u64 at, __u64 len,
		    __u32 prot, __s64 ret)
{
	struct mmt_det_facts f = base(op, pid);

	f.addr = at;
	f.len = len;
	f.prot = prot;
	f.ret = ret;
	return mmt_detect_call(d, &f, out, 8);
}

static struct mmt_detect *engine(void)
{
	struct mmt_detect *d = mmt_detect_new(NULL);

	assert_non_null(d);
	return d;
}

static void test_rule_table(void **state)
{
	(void)state;
	for (int i = 0; i < MMT_RULE_COUNT; i++) {
		const struct mmt_det_rule *r = &mmt_det_rules[i];
		char id[16];

		snprintf(id, sizeof(id), "MMT-%d", i + 1);
		assert_string_equal(r->id, id);
		assert_int_equal(r->rule, i);
		assert_ptr_equal(mmt_det_rule_by_name(r->id), r);
		assert_ptr_equal(mmt_det_rule_by_name(r->event_name), r);
		assert_true(r->description[0] && r->caveats[0] && r->technique_id[0] == 'T');
	}
	assert_null(mmt_det_rule_by_name("MMT-7"));
}

static void test_wx(void **state)
{
	struct mmt_detect *d = engine();

	(void)state;
	assert_int_equal(do_mmap(d, 10, 0x10000, 100, R | W | X, PRIV | ANON, NULL), 1);
	assert_int_equal(out[0].rule->rule, MMT_RULE_WX_MAPPING);
	assert_int_equal(out[0].addr, 0x10000);
	assert_int_equal(out[0].len, PG);
	assert_int_equal(out[0].severity, MMT_SEV_HIGH);
	/* made RWX by mprotect: MMT-1 only, not MMT-2 too */
	assert_int_equal(do_mmap(d, 10, 0x20000, PG, R | W, PRIV | ANON, NULL), 0);
	assert_int_equal(do_range(d, MMT_DET_MPROTECT, 10, 0x20000, PG, R | W | X, 0), 1);
	assert_int_equal(out[0].rule->rule, MMT_RULE_WX_MAPPING);
	/* a failed call changed nothing */
	assert_int_equal(do_range(d, MMT_DET_MPROTECT, 10, 0x30000, PG, R | W | X, -ENOMEM), 0);
	mmt_detect_free(d);
}

static void test_write_then_exec(void **state)
{
	struct mmt_detect *d = engine();
	char text[320];

	(void)state;
	assert_int_equal(do_mmap(d, 10, 0x10000, 3 * PG, R | W, PRIV | ANON, NULL), 0);
	/* the middle page only; the rest stays writable */
	assert_int_equal(do_range(d, MMT_DET_MPROTECT, 10, 0x11000, PG, R | X, 0), 1);
	assert_int_equal(out[0].rule->rule, MMT_RULE_WRITE_THEN_EXEC);
	assert_int_equal(out[0].addr, 0x11000);
	assert_true(out[0].prev_known);
	assert_int_equal(out[0].prev_prot, R | W);
	assert_false(out[0].file_backed);
	assert_int_equal(out[0].severity, MMT_SEV_HIGH);
	mmt_finding_text(&(struct mmt_det_facts){.syscall = "mprotect"}, &out[0], text,
			 sizeof(text));
	assert_string_equal(text, "mprotect 0x11000+4096 to PROT_READ|PROT_EXEC; was "
				  "PROT_READ|PROT_WRITE, anonymous");
	/* executable already: nothing is added */
	assert_int_equal(do_range(d, MMT_DET_MPROTECT, 10, 0x11000, PG, R | X, 0), 0);
	/* the third page, made read-only first, still was writable before */
	assert_int_equal(do_range(d, MMT_DET_MPROTECT, 10, 0x12000, PG, R, 0), 0);
	assert_int_equal(do_range(d, MMT_DET_MPROTECT, 10, 0x12000, PG, R | X, 0), 1);
	/* file-backed: medium */
	assert_int_equal(do_mmap(d, 10, 0x40000, PG, R | W, PRIV, NULL), 0);
	assert_int_equal(do_range(d, MMT_DET_MPROTECT, 10, 0x40000, PG, R | X, 0), 1);
	assert_true(out[0].file_backed);
	assert_int_equal(out[0].severity, MMT_SEV_MEDIUM);
	mmt_detect_free(d);
}

/* ld.so maps a library like this: no W then X anywhere */
static void test_ldso_quiet(void **state)
{
	struct mmt_detect *d = engine();
	struct mmt_det_file lib = {.known = true, .has_ino = true, .dev = 8, .ino = 99};

	(void)state;
	strcpy(lib.path, "/usr/lib/x86_64-linux-gnu/libz.so.1.2.13");
	assert_int_equal(do_mmap(d, 10, 0x7000000, 40 * PG, R, PRIV, &lib), 0);
	assert_int_equal(do_mmap(d, 10, 0x7001000, 20 * PG, R | X, PRIV | 0x10, &lib), 0);
	assert_int_equal(do_mmap(d, 10, 0x7020000, 4 * PG, R | W, PRIV | 0x10, &lib), 0);
	assert_int_equal(do_mmap(d, 10, 0x7024000, 4 * PG, R | W, PRIV | 0x10 | ANON, NULL), 0);
	assert_int_equal(do_range(d, MMT_DET_MPROTECT, 10, 0x7020000, 2 * PG, R, 0), 0);
	/* a thread stack: PROT_NONE, then the usable part RW */
	assert_int_equal(do_mmap(d, 10, 0x8000000, 64 * PG, 0, PRIV | ANON, NULL), 0);
	assert_int_equal(do_range(d, MMT_DET_MPROTECT, 10, 0x8001000, 63 * PG, R | W, 0), 0);
	/* private writable mappings of the same file are no writers (MMT-3) */
	assert_int_equal(do_mmap(d, 11, 0x7000000, 4 * PG, R | W, PRIV, &lib), 0);
	mmt_detect_free(d);
}

static void test_history_follows_calls(void **state)
{
	struct mmt_detect *d = engine();
	struct mmt_det_facts f;

	(void)state;
	/* unmapped, then mapped again read-only: no history */
	do_mmap(d, 10, 0x10000, PG, R | W, PRIV | ANON, NULL);
	assert_int_equal(do_range(d, MMT_DET_MUNMAP, 10, 0x10000, PG, 0, 0), 0);
	do_mmap(d, 10, 0x10000, PG, R, PRIV | ANON, NULL);
	assert_int_equal(do_range(d, MMT_DET_MPROTECT, 10, 0x10000, PG, R | X, 0), 0);
	/* moved by mremap: the history moves along */
	do_mmap(d, 10, 0x20000, 2 * PG, R | W, PRIV | ANON, NULL);
	do_range(d, MMT_DET_MPROTECT, 10, 0x20000, 2 * PG, R, 0);
	f = base(MMT_DET_MREMAP, 10);
	f.addr = 0x20000;
	f.len = 2 * PG;
	f.new_len = 4 * PG;
	f.flags = 1;
	f.ret = 0x90000;
	assert_int_equal(mmt_detect_call(d, &f, out, 8), 0);
	assert_int_equal(do_range(d, MMT_DET_MPROTECT, 10, 0x20000, PG, R | X, 0), 0); /* gone */
	assert_int_equal(do_range(d, MMT_DET_MPROTECT, 10, 0x93000, PG, R | X, 0), 1); /* grown */
	assert_int_equal(out[0].rule->rule, MMT_RULE_WRITE_THEN_EXEC);
	/* another process's history is its own */
	assert_int_equal(do_range(d, MMT_DET_MPROTECT, 11, 0x90000, PG, R | X, 0), 0);
	/* an exec (another executable, same pid) forgets the old image */
	do_mmap(d, 12, 0x30000, PG, R | W, PRIV | ANON, NULL);
	f = base(MMT_DET_MPROTECT, 12);
	strcpy(f.exe, "/usr/bin/other");
	f.addr = 0x30000;
	f.len = PG;
	f.prot = R | X;
	assert_int_equal(mmt_detect_call(d, &f, out, 8), 0);
	mmt_detect_free(d);
}

static void test_file_double_map(void **state)
{
	struct mmt_detect *d = engine();
	struct mmt_det_file memfd = {.known = true, .has_ino = true, .dev = 1, .ino = 1234};
	struct mmt_det_file other = {.known = true, .has_ino = true, .dev = 1, .ino = 99};

	(void)state;
	strcpy(memfd.path, "/memfd:jit (deleted)");
	assert_int_equal(do_mmap(d, 10, 0x10000, PG, R | W, SHARED, &memfd), 0);
	assert_int_equal(do_mmap(d, 10, 0x20000, PG, R | X, SHARED, &other), 0);
	/* across processes */
	assert_int_equal(do_mmap(d, 11, 0x50000, PG, R | X, SHARED, &memfd), 1);
	assert_int_equal(out[0].rule->rule, MMT_RULE_FILE_DOUBLE_MAP);
	assert_int_equal(out[0].other_pid, 10);
	assert_int_equal(out[0].other_addr, 0x10000);
	assert_int_equal(out[0].addr, 0x50000);
	assert_int_equal(out[0].file.ino, 1234);
	assert_string_equal(out[0].file.path, "/memfd:jit (deleted)");
	/* the writer unmapped: a new executable mapping is quiet */
	do_range(d, MMT_DET_MUNMAP, 10, 0x10000, PG, 0, 0);
	assert_int_equal(do_mmap(d, 12, 0x60000, PG, R | X, SHARED, &memfd), 0);
	/* made executable by mprotect while a writer is mapped */
	assert_int_equal(do_mmap(d, 13, 0x70000, PG, R | W, SHARED, &other), 1);
	do_range(d, MMT_DET_MUNMAP, 10, 0x20000, PG, 0, 0);
	assert_int_equal(do_mmap(d, 14, 0x80000, PG, R, SHARED, &other), 0);
	assert_int_equal(do_range(d, MMT_DET_MPROTECT, 14, 0x80000, PG, R | X, 0), 1);
	assert_int_equal(out[0].rule->rule, MMT_RULE_FILE_DOUBLE_MAP);
	assert_int_equal(out[0].other_pid, 13);
	mmt_detect_free(d);
}

static int cross(struct mmt_detect *d, enum mmt_det_op op, __s64 pid_arg, bool known, __u32 tpid,
		 __u32 tuid, __s64 ret)
{
	struct mmt_det_facts f = base(op, 10);

	f.ns_pid = 5; /* in a container */
	f.uid = 1000;
	f.pid_arg = pid_arg;
	f.target_known = known;
	f.target_pid = tpid;
	f.target_uid = tuid;
	f.ret = ret;
	f.advice = 21;
	return mmt_detect_call(d, &f, out, 8);
}

static void test_cross_process(void **state)
{
	struct mmt_detect *d = engine();

	(void)state;
	assert_int_equal(cross(d, MMT_DET_MIGRATE_PAGES, 0, true, 10, 1000, 0), 0);
	assert_int_equal(cross(d, MMT_DET_MIGRATE_PAGES, 5, false, 0, 0, 0), 0); /* self */
	assert_int_equal(cross(d, MMT_DET_MOVE_PAGES, 77, true, 77, 1000, 0), 1);
	assert_int_equal(out[0].severity, MMT_SEV_MEDIUM);
	assert_int_equal(out[0].target_pid, 77);
	assert_int_equal(cross(d, MMT_DET_MIGRATE_PAGES, 78, true, 78, 0, 0), 1);
	assert_int_equal(out[0].severity, MMT_SEV_HIGH);
	assert_true(out[0].other_user);
	assert_int_equal(cross(d, MMT_DET_MIGRATE_PAGES, 78, true, 78, 0, -EPERM), 1);
	assert_int_equal(cross(d, MMT_DET_MIGRATE_PAGES, 79, false, 0, 0, -ESRCH), 0);
	/* process_madvise: pidfd unresolved fires, on oneself not */
	assert_int_equal(cross(d, MMT_DET_PROCESS_MADVISE, 0, false, 0, 0, 4096), 1);
	assert_false(out[0].target_known);
	assert_int_equal(cross(d, MMT_DET_PROCESS_MADVISE, 0, true, 10, 1000, 4096), 0);
	mmt_detect_free(d);
}

static void test_seal_and_dontunmap(void **state)
{
	struct mmt_detect *d = engine();
	struct mmt_det_facts f;

	(void)state;
	/* EPERM with no seal known: an LSM, not a seal */
	assert_int_equal(do_range(d, MMT_DET_MPROTECT, 10, 0x10000, PG, R, -EPERM), 0);
	do_mmap(d, 10, 0x10000, 2 * PG, R | W, PRIV | ANON, NULL);
	assert_int_equal(do_range(d, MMT_DET_MSEAL, 10, 0x10000, 2 * PG, 0, 0), 0);
	assert_int_equal(do_range(d, MMT_DET_MUNMAP, 10, 0x11000, PG, 0, -EPERM), 1);
	assert_int_equal(out[0].rule->rule, MMT_RULE_SEAL_TAMPER);
	assert_int_equal(out[0].sealed_addr, 0x10000);
	assert_int_equal(out[0].sealed_len, 2 * PG);
	assert_int_equal(do_range(d, MMT_DET_MADVISE, 10, 0x10000, PG, 0, -EPERM), 1);
	assert_int_equal(do_range(d, MMT_DET_MPROTECT, 10, 0x12000, PG, R, -EPERM), 0);
	assert_int_equal(do_range(d, MMT_DET_MSEAL, 11, 0x10000, PG, 0, 0), 0);
	/* MREMAP_DONTUNMAP: quiet on data, fires on code */
	do_mmap(d, 10, 0x40000, PG, R | W, PRIV | ANON, NULL);
	do_mmap(d, 10, 0x50000, PG, R | X, PRIV | ANON, NULL);
	f = base(MMT_DET_MREMAP, 10);
	f.addr = 0x40000;
	f.len = f.new_len = PG;
	f.flags = 1 | 4;
	f.ret = 0x60000;
	assert_int_equal(mmt_detect_call(d, &f, out, 8), 0);
	f.addr = 0x50000;
	f.ret = 0x70000;
	assert_int_equal(mmt_detect_call(d, &f, out, 8), 1);
	assert_int_equal(out[0].rule->rule, MMT_RULE_DONTUNMAP_EXEC);
	mmt_detect_free(d);
}

static void test_allow_list(void **state)
{
	struct mmt_detect *d = engine();
	struct mmt_det_stats st;
	const char *why = NULL;

	(void)state;
	assert_int_equal(mmt_detect_allow(d, "/usr/bin/prog10:MMT-2", &why), 0);
	assert_int_equal(mmt_detect_allow(d, "/usr/bin/prog11", &why), 0);
	assert_int_equal(mmt_detect_allow(d, "prog", &why), -EINVAL);
	assert_non_null(why);
	assert_int_equal(mmt_detect_allow(d, "/x:MMT-9", &why), -EINVAL);
	do_mmap(d, 10, 0x10000, PG, R | W, PRIV | ANON, NULL);
	assert_int_equal(do_range(d, MMT_DET_MPROTECT, 10, 0x10000, PG, R | X, 0), 0);
	assert_int_equal(do_mmap(d, 10, 0x20000, PG, R | W | X, PRIV | ANON, NULL), 1);
	assert_int_equal(do_mmap(d, 11, 0x20000, PG, R | W | X, PRIV | ANON, NULL), 0);
	mmt_detect_stats(d, &st);
	assert_int_equal(st.allowed[MMT_RULE_WRITE_THEN_EXEC], 1);
	assert_int_equal(st.allowed[MMT_RULE_WX_MAPPING], 1);
	assert_int_equal(st.findings[MMT_RULE_WX_MAPPING], 1);
	mmt_detect_free(d);
}

static void test_limits(void **state)
{
	struct mmt_det_limits lim = {
		.max_processes = 2, .max_ranges = 4, .max_seals = 1, .max_files = 1};
	struct mmt_detect *d = mmt_detect_new(&lim);
	struct mmt_det_file a = {.known = true, .has_ino = true, .dev = 1, .ino = 1};
	struct mmt_det_file b = {.known = true, .has_ino = true, .dev = 1, .ino = 2};
	struct mmt_det_stats st;

	(void)state;
	assert_non_null(d);
	for (__u32 pid = 1; pid <= 5; pid++)
		do_mmap(d, pid, 0x10000, PG, R, PRIV | ANON, NULL);
	for (int i = 0; i < 10; i++)
		do_mmap(d, 5, 0x100000 + i * 0x10000, PG, R | W, PRIV | ANON, NULL);
	do_range(d, MMT_DET_MSEAL, 5, 0x10000, PG, 0, 0);
	do_range(d, MMT_DET_MSEAL, 5, 0x20000, PG, 0, 0);
	do_mmap(d, 5, 0x900000, PG, R | X, SHARED, &a);
	do_mmap(d, 5, 0x910000, PG, R | X, SHARED, &b);
	mmt_detect_stats(d, &st);
	assert_int_equal(st.processes, 2);
	assert_int_equal(st.evicted_processes, 3);
	assert_true(st.evicted_ranges >= 7);
	assert_int_equal(st.evicted_seals, 1);
	assert_int_equal(st.evicted_files, 1);
	/* the newest ranges were kept: the last one still has its history */
	assert_int_equal(do_range(d, MMT_DET_MPROTECT, 5, 0x190000, PG, R | X, 0), 1);
	mmt_detect_free(d);
}

static void facts_of(const char *line, struct mmt_det_facts *f)
{
	assert_int_equal(mmt_det_facts_from_json(line, strlen(line), f), MMT_DET_LINE_EVENT);
}

#define HEAD                                                                                       \
	"{\"timestamp\":1700000000000000000,\"processId\":5,\"hostProcessId\":1234,"               \
	"\"hostThreadId\":1235,\"userId\":1000,\"processName\":\"jit\","                           \
	"\"executable\":{\"path\":\"/usr/bin/jit\"},\"containerId\":\"\",\"container\":{},"

static void test_json_facts(void **state)
{
	struct mmt_det_facts raw, parsed;

	(void)state;
	facts_of(HEAD "\"eventId\":\"9\",\"eventName\":\"mmap\",\"returnValue\":140000000000000,"
		      "\"contextFlags\":{\"containerStarted\":false,\"isCompat\":true},"
		      "\"args\":[{\"name\":\"addr\",\"type\":\"void*\",\"value\":0},"
		      "{\"name\":\"length\",\"type\":\"size_t\",\"value\":8192},"
		      "{\"name\":\"prot\",\"type\":\"int\",\"value\":6},"
		      "{\"name\":\"flags\",\"type\":\"int\",\"value\":34},"
		      "{\"name\":\"fd\",\"type\":\"int\",\"value\":-1}]}",
		 &raw);
	facts_of(HEAD
		 "\"eventId\":\"9\",\"eventName\":\"mmap\",\"returnValue\":140000000000000,"
		 "\"contextFlags\":{\"containerStarted\":false,\"isCompat\":true},"
		 "\"args\":[{\"name\":\"addr\",\"type\":\"void*\",\"value\":\"NULL\"},"
		 "{\"name\":\"length\",\"type\":\"size_t\",\"value\":8192},"
		 "{\"name\":\"prot\",\"type\":\"int\",\"value\":\"PROT_WRITE|PROT_EXEC\"},"
		 "{\"name\":\"flags\",\"type\":\"int\",\"value\":\"MAP_PRIVATE|MAP_ANONYMOUS\"},"
		 "{\"name\":\"fd\",\"type\":\"int\",\"value\":-1}]}",
		 &parsed);
	assert_memory_equal(&raw, &parsed, sizeof(raw));
	assert_int_equal(raw.op, MMT_DET_MMAP);
	assert_string_equal(raw.syscall, "mmap");
	assert_int_equal(raw.pid, 1234);
	assert_int_equal(raw.ns_pid, 5);
	assert_int_equal(raw.tid, 1235);
	assert_int_equal(raw.uid, 1000);
	assert_true(raw.compat);
	assert_string_equal(raw.exe, "/usr/bin/jit");
	assert_string_equal(raw.comm, "jit");
	assert_int_equal(raw.ret, 140000000000000LL);
	assert_int_equal(raw.len, 8192);
	assert_int_equal(raw.prot, W | X);
	assert_int_equal(raw.flags, PRIV | ANON);
	assert_int_equal(raw.fd, -1);
	/* eventName after the args; a target object */
	facts_of(HEAD
		 "\"returnValue\":0,\"args\":[{\"name\":\"pid\",\"type\":\"int\",\"value\":77},"
		 "{\"name\":\"nodes\",\"type\":\"const int*\",\"value\":\"NULL\"}],"
		 "\"target\":{\"hostProcessId\":77,\"processName\":\"victim\",\"userId\":0,"
		 "\"otherProcess\":true,\"otherUser\":true},\"eventName\":\"move_pages\"}",
		 &raw);
	assert_int_equal(raw.op, MMT_DET_MOVE_PAGES);
	assert_int_equal(raw.pid_arg, 77);
	assert_true(raw.query_only);
	assert_true(raw.target_known);
	assert_int_equal(raw.target_pid, 77);
	assert_string_equal(raw.target_comm, "victim");
}

static void test_json_lines_refused(void **state)
{
	static const char *const bad[] = {
		"",
		"not json",
		"{",
		"{\"eventName\":\"mmap\"",
		"{\"eventName\":3}",
		"{\"eventName\":\"mmap\",}",
		"{\"eventName\":\"mmap\"} trailing",
		"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
		"]]]]]]]]]]]]]]]]]]]]",
		"{\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
		"]]]]]]]]]]]]]]]],\"eventName\":\"mmap\"}",
		"{\"eventName\":\"mmap\",\"args\":[{\"name\":\"prot\",\"value\":\"unterminated}]}",
	};
	struct mmt_det_facts f;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(mmt_det_facts_from_json(bad[i], strlen(bad[i]), &f),
				 MMT_DET_LINE_MALFORMED);
	const char *finding = "{\"eventName\":\"wx_mapping\",\"metadata\":{}}";

	assert_int_equal(mmt_det_facts_from_json(finding, strlen(finding), &f),
			 MMT_DET_LINE_FINDING);
	/* an event no rule reads is an event all the same */
	assert_int_equal(mmt_det_facts_from_json("{\"eventName\":\"brk\"}", 19, &f),
			 MMT_DET_LINE_EVENT);
	assert_int_equal(f.op, MMT_DET_OTHER);
}

static void test_finding_json(void **state)
{
	struct mmt_detect *d = engine();
	struct mmt_det_facts f = base(MMT_DET_MMAP, 10);
	struct outbuf ob;
	const char *trig = "{\"eventName\":\"mmap\"}\n";

	(void)state;
	f.ret = 0x10000;
	f.len = PG;
	f.prot = R | W | X;
	f.flags = PRIV | ANON;
	assert_int_equal(mmt_detect_call(d, &f, out, 8), 1);
	assert_int_equal(ob_init(&ob, -1, 64), 0);
	mmt_finding_json(&ob, &f, &out[0], trig, strlen(trig));
	ob_char(&ob, '\0');
	assert_non_null(strstr(ob.buf, "\"eventName\":\"wx_mapping\""));
	assert_non_null(strstr(ob.buf, "\"args\":[{\"name\":\"triggeredBy\",\"type\":\"unknown\","
				       "\"value\":{\"eventName\":\"mmap\"}}"));
	assert_non_null(strstr(ob.buf, "\"metadata\":{\"id\":\"MMT-1\""));
	assert_non_null(strstr(ob.buf, "\"Severity\":3"));
	assert_non_null(strstr(ob.buf, "\"external_id\":\"T1620\""));
	assert_non_null(strstr(ob.buf, "\"address\":\"0x10000\",\"length\":4096,\"prot\":\"PROT_"
				       "READ|PROT_WRITE|PROT_EXEC\""));
	assert_string_equal(ob.buf + strlen(ob.buf) - 4, "}}}\n");
	ob_free(&ob);
	mmt_detect_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_table),
		cmocka_unit_test(test_wx),
		cmocka_unit_test(test_write_then_exec),
		cmocka_unit_test(test_ldso_quiet),
		cmocka_unit_test(test_history_follows_calls),
		cmocka_unit_test(test_file_double_map),
		cmocka_unit_test(test_cross_process),
		cmocka_unit_test(test_seal_and_dontunmap),
		cmocka_unit_test(test_allow_list),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_json_facts),
		cmocka_unit_test(test_json_lines_refused),
		cmocka_unit_test(test_finding_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
