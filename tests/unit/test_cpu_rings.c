// SPDX-License-Identifier: GPL-2.0
/*
 * test_cpu_rings.c - each CPU's share of --buffer-size: a power of two, never
 * more than the total split evenly, never less than one page.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "ring/cpu_rings.h"

#define PAGE 4096UL

static void split_evenly(void **state)
{
	(void)state;
	assert_int_equal(mmt_cpu_ring_bytes(16UL << 20, 1, PAGE), 16UL << 20);
	assert_int_equal(mmt_cpu_ring_bytes(16UL << 20, 2, PAGE), 8UL << 20);
	assert_int_equal(mmt_cpu_ring_bytes(16UL << 20, 16, PAGE), 1UL << 20);
}

/* A number of CPUs that is not a power of two: rounded down, so the
 * buffers together stay within the total. */
static void rounded_down(void **state)
{
	(void)state;
	assert_int_equal(mmt_cpu_ring_bytes(16UL << 20, 3, PAGE), 4UL << 20);
	assert_int_equal(mmt_cpu_ring_bytes(16UL << 20, 6, PAGE), 2UL << 20);
	assert_int_equal(mmt_cpu_ring_bytes(16UL << 20, 15, PAGE), 1UL << 20);
}

/* Never under a page, the least a ring buffer can be. */
static void at_least_a_page(void **state)
{
	(void)state;
	assert_int_equal(mmt_cpu_ring_bytes(PAGE, 2, PAGE), PAGE);
	assert_int_equal(mmt_cpu_ring_bytes(16UL << 20, 8192, PAGE), PAGE);
	assert_int_equal(mmt_cpu_ring_bytes(8 * PAGE, 0, PAGE), 8 * PAGE);
}

/* How often a producer looks at its buffer's fill: rarely in a large
 * buffer, at every record in a small one. */
static void fill_checks(void **state)
{
	(void)state;
	assert_int_equal(mmt_fill_check_every(8UL << 20), 64);
	assert_int_equal(mmt_fill_check_every(1UL << 20), 16);
	assert_int_equal(mmt_fill_check_every(128UL << 10), 2);
	assert_int_equal(mmt_fill_check_every(64UL << 10), 1);
	assert_int_equal(mmt_fill_check_every(PAGE), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(split_evenly),
		cmocka_unit_test(rounded_down),
		cmocka_unit_test(at_least_a_page),
		cmocka_unit_test(fill_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
