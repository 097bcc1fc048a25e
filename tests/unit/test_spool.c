// SPDX-License-Identifier: GPL-2.0
/*
 * test_spool.c - the sink's spool: memory first, then a file, order kept,
 * and every event either held or counted as dropped.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sinks/spool.h"

static char dir[64];

static int make_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/mmt-spool-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	(void)state;
	return rmdir(dir);
}

/* Push n events "event-<i>"; returns how many were taken in. */
static int push_n(struct mmt_spool *s, int from, int n)
{
	char line[32];
	int ok = 0;

	for (int i = from; i < from + n; i++) {
		int len = snprintf(line, sizeof(line), "event-%d", i);

		ok += mmt_spool_push(s, i % 7, line, len);
	}
	return ok;
}

/* Take everything; check it comes back in order, with its sequence. */
static int take_all(struct mmt_spool *s, int from)
{
	struct mmt_spool_entry *e;
	char want[32];
	int n = 0;

	while ((e = mmt_spool_take(s, 0))) {
		int len = snprintf(want, sizeof(want), "event-%d", from + n);

		assert_int_equal(e->len, len);
		assert_memory_equal(e->data, want, len);
		assert_int_equal(e->event, (from + n) % 7);
		assert_int_equal(e->seq, (unsigned long long)(from + n + 1));
		free(e);
		n++;
	}
	return n;
}

static void test_memory_only(void **state)
{
	struct mmt_spool s;

	(void)state;
	assert_int_equal(mmt_spool_init(&s, 1 << 20, NULL, 0), 0);
	assert_int_equal(push_n(&s, 0, 1000), 1000);
	assert_int_equal(mmt_spool_held(&s), 1000);
	assert_int_equal(take_all(&s, 0), 1000);
	assert_int_equal(s.dropped, 0);
	assert_int_equal(s.spooled, 0);
	mmt_spool_free(&s);
}

static void test_overflow_to_file_keeps_order(void **state)
{
	struct mmt_spool s;
	char path[sizeof(s.path)];

	(void)state;
	/* room for a few events in memory, the rest in the file */
	assert_int_equal(mmt_spool_init(&s, 512, dir, 1 << 20), 0);
	assert_int_equal(push_n(&s, 0, 500), 500);
	assert_true(s.spooled > 0 && s.spooled < 500);
	assert_int_equal(take_all(&s, 0), 500);
	/* read back: the file starts over, and memory is used again */
	assert_int_equal(s.file_write, 0);
	assert_int_equal(push_n(&s, 500, 3), 3);
	assert_int_equal(take_all(&s, 500), 3);
	snprintf(path, sizeof(path), "%s", s.path);
	mmt_spool_free(&s);
	assert_int_not_equal(access(path, F_OK), 0); /* removed */
}

static void test_full_counts_drops(void **state)
{
	struct mmt_spool s;
	int taken;

	(void)state;
	assert_int_equal(mmt_spool_init(&s, 256, dir, 1024), 0);
	taken = push_n(&s, 0, 1000);
	assert_true(taken > 0 && taken < 1000);
	assert_int_equal(s.dropped, 1000 - taken); /* held + dropped = pushed */
	assert_int_equal(mmt_spool_held(&s), taken);
	/* the held ones come back in order; the dropped are gone for good */
	{
		struct mmt_spool_entry *e;
		unsigned long long last = 0;
		int n = 0;

		while ((e = mmt_spool_take(&s, 0))) {
			assert_true(e->seq > last);
			last = e->seq;
			free(e);
			n++;
		}
		assert_int_equal(n, taken);
	}
	mmt_spool_free(&s);
}

static void test_take_waits_and_times_out(void **state)
{
	struct mmt_spool s;

	(void)state;
	assert_int_equal(mmt_spool_init(&s, 4096, NULL, 0), 0);
	assert_null(mmt_spool_take(&s, 20));
	mmt_spool_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memory_only),
		cmocka_unit_test(test_overflow_to_file_keeps_order),
		cmocka_unit_test(test_full_counts_drops),
		cmocka_unit_test(test_take_waits_and_times_out),
	};

	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
