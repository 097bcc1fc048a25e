// SPDX-License-Identifier: GPL-2.0
/*
 * test_top.c - `mmtrace top`'s rows: the kernel's counts folded per group,
 * rates over an interval, sorting and the table's text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "context/cgroups.h"
#include "outputs/summary.h"
#include "placement/numa_maps.h"
#include "text/outbuf.h"
#include "top/top.h"

/* ob's bytes as a C string */
static void ob_cstr(struct outbuf *ob)
{
	ob_char(ob, '\0');
	assert_int_equal(ob->err, 0);
	ob->len--;
}

static struct mmt_summary_row stat_row(__u32 event, __u64 group, __u64 calls)
{
	struct mmt_summary_row r;

	memset(&r, 0, sizeof(r));
	r.key.event = event;
	r.key.group = group;
	r.st.calls = calls;
	return r;
}

static struct mmt_move_row move_row(__u64 group, const char *comm, __u32 reason, bool kthread,
				    __u64 pages, __u64 failed)
{
	struct mmt_move_row r;

	memset(&r, 0, sizeof(r));
	r.key.group = group;
	strncpy(r.key.comm, comm, sizeof(r.key.comm));
	r.key.reason = reason;
	r.key.dst_node = -1;
	r.key.kthread = kthread;
	r.st.batches = 1;
	r.st.succeeded = pages;
	r.st.failed = failed;
	return r;
}

static void test_reason_columns(void **state)
{
	(void)state;
	assert_int_equal(mmt_top_reason_col(0), 0); /* compaction */
	assert_int_equal(mmt_top_reason_col(5), 1); /* numa_misplaced */
	assert_int_equal(mmt_top_reason_col(3), 2); /* syscall_or_cpuset */
	assert_int_equal(mmt_top_reason_col(4), 3); /* mempolicy_mbind */
	assert_int_equal(mmt_top_reason_col(8), 4); /* demotion */
	assert_int_equal(mmt_top_reason_col(9), 5); /* damon: OTHER */
	assert_int_equal(mmt_top_reason_col(1), 5);
	assert_int_equal(mmt_top_reason_col(1000), 5);
}

/* Two folds a second apart: counts, rates, the order, names. */
static void test_fold_and_rates(void **state)
{
	struct mmt_top_row rows[4];
	struct mmt_summary_row st[] = {
		stat_row(MMT_EV_SET_MEMPOLICY, 100, 10), stat_row(MMT_EV_MBIND, 100, 5),
		stat_row(MMT_EV_MMAP, 100, 999), /* not a policy call */
		stat_row(MMT_EV_NUMA_TASK_PLACEMENT, 200, 2),
	};
	struct mmt_move_row mv[] = {
		move_row(200, "worker", 5, false, 1000, 3),
		move_row(200, "worker", 4, false, 32, 0),
		move_row(40, "kcompactd0", 0, true, 7, 1),
	};
	size_t n, left;

	(void)state;
	n = mmt_top_fold(rows, 0, 4, st, 4, mv, 3, &left);
	assert_int_equal(n, 3);
	assert_int_equal(left, 0);
	mmt_top_rates(rows, n, 1.0, MMT_TOP_SORT_PAGES);
	/* sorted by pages per second: 200, 40, 100 */
	assert_int_equal(rows[0].group, 200);
	assert_string_equal(rows[0].name, "worker");
	assert_int_equal(rows[0].now.pages[1], 1000);
	assert_int_equal(rows[0].now.pages[3], 32);
	assert_int_equal(rows[0].pages_total, 1032);
	assert_true(rows[0].pages_rate == 1032.0);
	assert_true(rows[0].failed_rate == 3.0);
	assert_true(rows[0].tasks_rate == 2.0);
	assert_int_equal(rows[1].group, 40);
	assert_string_equal(rows[1].name, "[kcompactd0]");
	assert_true(rows[1].kthread);
	assert_int_equal(rows[2].group, 100);
	assert_int_equal(rows[2].now.policy_calls, 15);
	assert_true(rows[2].policy_rate == 15.0);
	assert_string_equal(rows[2].name, ""); /* no move: named by the caller */

	/* 2 s later: the worker moved 500 more, the others nothing */
	mv[0].st.succeeded = 1500;
	st[0].st.calls = 30;
	n = mmt_top_fold(rows, n, 4, st, 4, mv, 3, &left);
	assert_int_equal(n, 3);
	mmt_top_rates(rows, n, 2.0, MMT_TOP_SORT_POLICY);
	assert_int_equal(rows[0].group, 100); /* policy 10/s */
	assert_true(rows[0].policy_rate == 10.0);
	assert_int_equal(rows[1].group, 200);
	assert_true(rows[1].pages_rate == 250.0);
	assert_int_equal(rows[1].pages_total, 1532);
	assert_true(rows[1].tasks_rate == 0.0);
	/* sorting again keeps the rates */
	mmt_top_rates(rows, n, 0, MMT_TOP_SORT_TOTAL);
	assert_int_equal(rows[0].group, 200);
	assert_true(rows[0].pages_rate == 250.0);
}

/* More groups than rows: the ones past the room are counted, not kept. */
static void test_fold_full(void **state)
{
	struct mmt_top_row rows[2];
	struct mmt_move_row mv[] = {
		move_row(1, "a", 0, false, 1, 0),
		move_row(2, "b", 0, false, 1, 0),
		move_row(3, "c", 0, false, 1, 0),
		move_row(1, "a", 5, false, 1, 0),
	};
	size_t left, n = mmt_top_fold(rows, 0, 2, NULL, 0, mv, 4, &left);

	(void)state;
	assert_int_equal(n, 2);
	assert_int_equal(left, 1);
	assert_int_equal(rows[0].now.pages[0] + rows[0].now.pages[1], 2);
}

static void test_print(void **state)
{
	struct mmt_top_row rows[1];
	struct mmt_move_row mv[] = { move_row(4242, "bad\x1b[2Jname", 0, false, 96, 16) };
	struct outbuf ob;
	size_t left, n = mmt_top_fold(rows, 0, 1, NULL, 0, mv, 1, &left);

	(void)state;
	mmt_top_rates(rows, n, 2.0, MMT_TOP_SORT_PAGES);
	assert_int_equal(ob_init(&ob, -1, 64), 0);
	mmt_top_print(&ob, rows, n, 0, false, MMT_TOP_SORT_PAGES, false);
	ob_cstr(&ob);
	assert_non_null(strstr(ob.buf, "PID          COMM                POLICY/s   PAGES/s  COMPACT"));
	assert_non_null(strstr(ob.buf, "(sorted by PAGES/s)\n"));
	/* the name's control byte never reaches the terminal */
	assert_null(strchr(ob.buf, '\x1b'));
	assert_non_null(strstr(ob.buf, "4242         bad"));
	assert_non_null(strstr(ob.buf, "       0.0      48.0     48.0      0.0      0.0      0.0      0.0      0.0       8.0       0.0          96        16\n"));
	ob_free(&ob);
	/* by cgroup: no name column */
	assert_int_equal(ob_init(&ob, -1, 64), 0);
	mmt_top_print(&ob, rows, n, 0, true, MMT_TOP_SORT_PAGES, false);
	ob_cstr(&ob);
	assert_non_null(strstr(ob.buf, "CGROUP"));
	assert_null(strstr(ob.buf, "bad"));
	ob_free(&ob);
}

/* -c's table of pages migrated: sorted rows, kernel threads in brackets,
 * the destination node when known, totals by reason. */
static void test_moves_table(void **state)
{
	struct mmt_move_row mv[] = {
		move_row(300, "worker", 5, false, 1000, 3),
		move_row(40, "kcompactd0", 0, true, 7, 1),
		move_row(300, "worker", 0, false, 20, 0),
		move_row(300, "worker", 77, false, 2, 0),
	};
	struct outbuf ob;

	(void)state;
	mv[0].key.dst_node = 1;
	assert_int_equal(ob_init(&ob, -1, 64), 0);
	mmt_moves_print(&ob, mv, 4, MMT_BY_PID, NULL);
	ob_cstr(&ob);
	assert_string_equal(
		ob.buf,
		"\npages migrated (migrate:mm_migrate_pages), by process, reason and destination node:\n"
		"PID          COMM               REASON              NODE   BATCHES       PAGES    FAILED       THP     SPLIT\n"
		"40           [kcompactd0]       compaction             -         1           7         1         0         0  kernel thread\n"
		"300          worker             compaction             -         1          20         0         0         0\n"
		"300          worker             numa_misplaced         1         1        1000         3         0         0\n"
		"300          worker             reason 77              -         1           2         0         0         0\n"
		"total by reason: compaction 27 (failed 1); numa_misplaced 1000 (failed 3); other 2 (failed 0); all 1029 (failed 4)\n");
	ob_free(&ob);
}

/* NODE:PAGES: the nodes a process has pages on, from its numa_maps; "-"
 * for a kernel thread, "?" when not read; more nodes than the column
 * lists add up in other:. */
static void test_nodes(void **state)
{
	static const char text[] =
		"7f0000000000 interleave:0-1 anon=16 dirty=16 N0=12 N1=4 kernelpagesize_kB=4\n"
		"7f0000100000 bind:1 file=/dev/shm/x dirty=3 mapped=3 N1=3 kernelpagesize_kB=4\n"
		"7f0000200000 default huge anon=1 N3=1 kernelpagesize_kB=2048\n";
	struct mmt_placement *p = malloc(sizeof(*p));
	struct mmt_top_row rows[4];
	struct mmt_move_row mv[] = {
		move_row(10, "worker", 5, false, 1, 0),
		move_row(20, "kswapd0", 5, true, 1, 0),
		move_row(30, "gone", 5, false, 1, 0),
		move_row(40, "spread", 5, false, 1, 0),
	};
	struct outbuf ob;
	size_t left, n = mmt_top_fold(rows, 0, 4, NULL, 0, mv, 4, &left);
	char many[1024], *s = many;

	(void)state;
	assert_non_null(p);
	mmt_placement_clear(p);
	mmt_numa_maps_parse(text, sizeof(text) - 1, 4, p);
	mmt_top_set_nodes(&rows[0], p, 4, false);
	assert_int_equal(rows[0].nodes.n, 3);
	assert_int_equal(rows[0].nodes.pages[1], 7);   /* N1: 4 anon + 3 file */
	assert_int_equal(rows[0].nodes.pages[2], 512); /* a 2 MiB huge page */
	/* ten nodes with pages: eight listed, the rest summed, the read capped */
	for (int node = 0; node < 10; node++)
		s += sprintf(s, "7f00000%02d000 default anon=1 N%d=%d kernelpagesize_kB=4\n", node,
			     node, node + 1);
	mmt_placement_clear(p);
	mmt_numa_maps_parse(many, s - many, 4, p);
	mmt_top_set_nodes(&rows[3], p, 4, true);
	assert_int_equal(rows[3].nodes.n, MMT_TOP_NODES);
	assert_int_equal(rows[3].nodes.more, 9 + 10);
	mmt_top_rates(rows, n, 1.0, MMT_TOP_SORT_PAGES);

	assert_int_equal(ob_init(&ob, -1, 64), 0);
	mmt_top_print(&ob, rows, n, 0, false, MMT_TOP_SORT_PAGES, true);
	ob_cstr(&ob);
	assert_non_null(strstr(ob.buf, "   FAILED  NODE:PAGES  (sorted by PAGES/s)\n"));
	assert_non_null(strstr(ob.buf, " 0  N0:12 N1:7 N3:512\n"));
	assert_non_null(strstr(ob.buf, "[kswapd0]  "));
	assert_non_null(strstr(ob.buf, " 0  -\n"));
	assert_non_null(strstr(ob.buf, " 0  ?\n"));
	assert_non_null(
		strstr(ob.buf, " 0  N0:1 N1:2 N2:3 N3:4 N4:5 N5:6 N6:7 N7:8 other:19 (partial)\n"));
	ob_free(&ob);
	/* without the column: the rows end at FAILED */
	assert_int_equal(ob_init(&ob, -1, 64), 0);
	mmt_top_print(&ob, rows, n, 0, false, MMT_TOP_SORT_PAGES, false);
	ob_cstr(&ob);
	assert_null(strstr(ob.buf, "NODE:PAGES"));
	assert_null(strstr(ob.buf, "N0:"));
	ob_free(&ob);
	free(p);
}

static int two_paths(__u64 id, char *buf, size_t len)
{
	if (id == 7)
		snprintf(buf, len, "/system.slice/ssh.service");
	else if (id == 8)
		snprintf(buf, len,
			 "/kubepods.slice/kubepods-burstable.slice/pod-1234.slice/cri-x.scope");
	else
		return -1;
	return 0;
}

/* By cgroup: the path, its end after "...", cgroup:ID when not found; the
 * node column is "-". */
static void test_cgroup_rows(void **state)
{
	struct mmt_top_row rows[3];
	struct mmt_move_row mv[] = {
		move_row(7, "sshd", 0, false, 30, 0),
		move_row(8, "app", 0, false, 20, 0),
		move_row(9, "old", 0, false, 10, 0),
	};
	struct outbuf ob;
	size_t left, n = mmt_top_fold(rows, 0, 3, NULL, 0, mv, 3, &left);

	(void)state;
	mmt_top_rates(rows, n, 1.0, MMT_TOP_SORT_PAGES);
	for (size_t i = 0; i < 2; i++)
		mmt_cgroup_label(rows[i].group, two_paths, rows[i].label, MMT_TOP_CGROUP_WIDTH);
	/* rows[2] left unnamed: printed as cgroup:ID */
	assert_int_equal(ob_init(&ob, -1, 64), 0);
	mmt_top_print(&ob, rows, n, 0, true, MMT_TOP_SORT_PAGES, true);
	ob_cstr(&ob);
	assert_non_null(
		strstr(ob.buf, "CGROUP                                    POLICY/s   PAGES/s"));
	assert_non_null(
		strstr(ob.buf, "\n/system.slice/ssh.service                      0.0      30.0"));
	assert_non_null(
		strstr(ob.buf, "\n...able.slice/pod-1234.slice/cri-x.scope       0.0      20.0"));
	assert_non_null(
		strstr(ob.buf, "\ncgroup:9                                       0.0      10.0"));
	assert_non_null(strstr(ob.buf, "        10         0  -\n"));
	ob_free(&ob);
}

/* top -p: a quiet process still has a row, once. */
static void test_row_of(void **state)
{
	struct mmt_top_row rows[2];
	size_t n = 0;
	struct mmt_top_row *r = mmt_top_row_of(rows, &n, 2, 55);

	(void)state;
	assert_non_null(r);
	assert_int_equal(n, 1);
	assert_int_equal(r->group, 55);
	assert_int_equal(r->now.policy_calls, 0);
	assert_ptr_equal(mmt_top_row_of(rows, &n, 2, 55), r);
	assert_int_equal(n, 1);
	assert_non_null(mmt_top_row_of(rows, &n, 2, 56));
	assert_null(mmt_top_row_of(rows, &n, 2, 57)); /* no room */
	assert_int_equal(n, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reason_columns),
		cmocka_unit_test(test_fold_and_rates),
		cmocka_unit_test(test_fold_full),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_moves_table),
		cmocka_unit_test(test_nodes),
		cmocka_unit_test(test_cgroup_rows),
		cmocka_unit_test(test_row_of),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
