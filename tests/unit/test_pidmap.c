// SPDX-License-Identifier: GPL-2.0
/*
 * test_pidmap.c - the pid map of --placement's follower: puts, gets and
 * deletions checked against a plain array, across growth and the
 * backward shifts of deletion (dense pids, as a fork storm makes them, and
 * pids that collide in a small table).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "placement/pidmap.h"

#define RANGE 5000

static void check_all(const struct mmt_pidmap *m, const int *ref)
{
	size_t n = 0;

	for (pid_t p = 1; p < RANGE; p++) {
		int v = -1;
		bool got = mmt_pidmap_get(m, p, &v);

		assert_int_equal(got, ref[p] != 0);
		if (got) {
			assert_int_equal(v, ref[p]);
			n++;
		}
	}
	assert_int_equal(n, m->n);
}

static void test_random(void **state)
{
	struct mmt_pidmap m = MMT_PIDMAP_INIT;
	int *ref = calloc(RANGE, sizeof(*ref));

	(void)state;
	assert_non_null(ref);
	srandom(7);
	for (int round = 0; round < 40; round++) {
		for (int i = 0; i < 400; i++) {
			pid_t p = 1 + random() % (RANGE - 1);

			if (random() % 3) {
				int v = 1 + (int)(random() % 1000);

				assert_int_equal(mmt_pidmap_put(&m, p, v), 0);
				ref[p] = v;
			} else {
				mmt_pidmap_del(&m, p);
				ref[p] = 0;
			}
		}
		check_all(&m, ref);
	}
	mmt_pidmap_free(&m);
	free(ref);
}

static void test_dense_then_empty(void **state)
{
	struct mmt_pidmap m = MMT_PIDMAP_INIT;
	int v;

	(void)state;
	for (pid_t p = 1000; p < 3000; p++)
		assert_int_equal(mmt_pidmap_put(&m, p, p * 2), 0);
	assert_int_equal(m.n, 2000);
	assert_true(m.cap >= 4000);
	for (pid_t p = 1000; p < 3000; p += 2)
		mmt_pidmap_del(&m, p);
	for (pid_t p = 1000; p < 3000; p++) {
		bool got = mmt_pidmap_get(&m, p, &v);

		assert_int_equal(got, p % 2);
		if (got)
			assert_int_equal(v, p * 2);
	}
	for (pid_t p = 1001; p < 3000; p += 2)
		mmt_pidmap_del(&m, p);
	assert_int_equal(m.n, 0);
	for (size_t i = 0; i < m.cap; i++)
		assert_int_equal(m.keys[i], 0);
	mmt_pidmap_free(&m);
}

static void test_edges(void **state)
{
	struct mmt_pidmap m = MMT_PIDMAP_INIT;
	int v = 5;

	(void)state;
	assert_false(mmt_pidmap_get(&m, 1, &v)); /* empty, no table */
	mmt_pidmap_del(&m, 1);
	assert_int_equal(mmt_pidmap_put(&m, 0, 1), -1); /* 0 marks a free slot */
	assert_int_equal(mmt_pidmap_put(&m, -3, 1), -1);
	assert_int_equal(mmt_pidmap_put(&m, 42, 1), 0);
	assert_int_equal(mmt_pidmap_put(&m, 42, 9), 0); /* a new value, not a new key */
	assert_int_equal(m.n, 1);
	assert_true(mmt_pidmap_get(&m, 42, &v));
	assert_int_equal(v, 9);
	mmt_pidmap_del(&m, 43);
	assert_int_equal(m.n, 1);
	mmt_pidmap_free(&m);
	assert_int_equal(m.cap, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_dense_then_empty),
		cmocka_unit_test(test_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
