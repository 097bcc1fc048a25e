// SPDX-License-Identifier: GPL-2.0
/*
 * test_entity.c - MurmurHash3 x86_32 against the vectors published for the
 * algorithm, and entity ids of known (id, start time) pairs against values
 * computed outside mmtrace (a Python MurmurHash3 written from the
 * algorithm's definition, the one tests/e2e/tracee_schema.py holds).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "context/entity.h"

static void test_murmur3_vectors(void **state)
{
	static const struct {
		const char *key;
		size_t len;
		__u32 seed, want;
	} v[] = {
		{ "", 0, 0, 0 },
		{ "", 0, 1, 0x514e28b7 },
		{ "", 0, 0xffffffff, 0x81f16f39 },
		{ "\0\0\0\0", 4, 0, 0x2362f9de },
		{ "\x21\x43\x65\x87", 4, 0, 0xf55b516b },
		{ "\x21\x43\x65", 3, 0, 0x7e4a8634 },
		{ "\x21\x43", 2, 0, 0xa0f7b07a },
		{ "\x21", 1, 0, 0x72661cf4 },
		{ "test", 4, 0x9747b28c, 0x704b81dc },
		{ "Hello, world!", 13, 0x9747b28c, 0x24884cba },
		{ "The quick brown fox jumps over the lazy dog", 43, 0x9747b28c, 0x2fa826cd },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_int_equal(mmt_murmur3_32(v[i].key, v[i].len, v[i].seed), v[i].want);
}

static void test_entity_ids(void **state)
{
	static const struct {
		__u32 id;
		__u64 start;
		__u32 want;
	} v[] = {
		{ 1, 0, 2241331610U },
		{ 1234, 1700000000123456789ULL, 367435683U },
		/* the same 100 ms: the same id */
		{ 1234, 1700000000199999999ULL, 367435683U },
		{ 1234, 1700000000200000000ULL, 1846615834U },
		{ 4294967295U, 18446744073709551615ULL, 1453872013U },
		{ 5101, 1700000000500000000ULL, 57073803U },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_int_equal(mmt_entity_id(v[i].id, v[i].start), v[i].want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_murmur3_vectors),
		cmocka_unit_test(test_entity_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
