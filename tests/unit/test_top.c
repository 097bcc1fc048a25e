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
#include <string.h>
#include "outputs/summary.h"
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
	mmt_top_print(&ob, rows, n, 0, false, MMT_TOP_SORT_PAGES);
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
	mmt_top_print(&ob, rows, n, 0, true, MMT_TOP_SORT_PAGES);
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
	mmt_moves_print(&ob, mv, 4, MMT_BY_PID);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reason_columns),
		cmocka_unit_test(test_fold_and_rates),
		cmocka_unit_test(test_fold_full),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_moves_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
