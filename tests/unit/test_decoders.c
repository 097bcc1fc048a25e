// SPDX-License-Identifier: GPL-2.0
/*
 * test_decoders.c - constant tables (xlat), the value decoders and the
 * return value decoder.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "decoders/decode.h"
#include "decoders/xlat.h"

#define MREMAP_ALL "MREMAP_MAYMOVE|MREMAP_FIXED|MREMAP_DONTUNMAP"
#define MPOL_ALL_FLAGS "MPOL_F_STATIC_NODES|MPOL_F_RELATIVE_NODES|MPOL_F_NUMA_BALANCING"

/* A decoder under test, bound to one value. */
typedef size_t (*decode_fn)(const void *arg, char *buf, size_t len);

static size_t do_mremap(const void *arg, char *buf, size_t len)
{
	return mmt_decode_mremap_flags(*(const __u64 *)arg, buf, len);
}

static size_t do_mpol(const void *arg, char *buf, size_t len)
{
	return mmt_decode_mpol_mode(*(const __s32 *)arg, buf, len);
}

struct ret_case {
	enum mmt_ret_kind kind;
	__s64 ret;
};

static size_t do_ret(const void *arg, char *buf, size_t len)
{
	const struct ret_case *c = arg;
	bool failed;

	return mmt_decode_ret(c->kind, c->ret, buf, len, &failed);
}

/*
 * For every buffer size from 0 to past the full text: the return value is
 * the full length, the buffer holds the longest prefix that fits followed by
 * a NUL, and nothing past len is written (snprintf semantics).
 */
static void check_truncation(decode_fn fn, const void *arg, const char *full)
{
	size_t flen = strlen(full);
	char buf[256];

	assert_true(flen + 8 < sizeof(buf));
	/* len 0 with no buffer at all just measures */
	assert_int_equal(fn(arg, NULL, 0), flen);

	for (size_t len = 0; len <= flen + 2; len++) {
		size_t keep = len ? (flen < len - 1 ? flen : len - 1) : 0;

		memset(buf, 'X', sizeof(buf));
		assert_int_equal(fn(arg, buf, len), flen);
		if (len) {
			assert_memory_equal(buf, full, keep);
			assert_int_equal(buf[keep], '\0');
		}
		for (size_t i = len; i < sizeof(buf); i++)
			if (buf[i] != 'X')
				fail_msg("len %zu: byte %zu written past the buffer", len, i);
	}
}

static void expect_mremap(__u64 flags, const char *want)
{
	char buf[MMT_TEXT_LEN];

	memset(buf, 'X', sizeof(buf));
	assert_int_equal(mmt_decode_mremap_flags(flags, buf, sizeof(buf)), strlen(want));
	assert_string_equal(buf, want);
}

static void expect_mpol(__s32 mode, const char *want)
{
	char buf[MMT_TEXT_LEN];

	memset(buf, 'X', sizeof(buf));
	assert_int_equal(mmt_decode_mpol_mode(mode, buf, sizeof(buf)), strlen(want));
	assert_string_equal(buf, want);
}

static void expect_ret(enum mmt_ret_kind kind, __s64 ret, const char *want, bool want_failed)
{
	char buf[48];
	bool failed = !want_failed;

	memset(buf, 'X', sizeof(buf));
	assert_int_equal(mmt_decode_ret(kind, ret, buf, sizeof(buf), &failed), strlen(want));
	assert_string_equal(buf, want);
	assert_int_equal(failed, want_failed);
}

/* ---- xlat ---- */

static void test_xlat_name(void **state)
{
	(void)state;
	assert_string_equal(xlat_name(&mpol_modes, 0), "MPOL_DEFAULT");
	assert_string_equal(xlat_name(&mpol_modes, 6), "MPOL_WEIGHTED_INTERLEAVE");
	assert_null(xlat_name(&mpol_modes, 7));
	assert_null(xlat_name(&mpol_modes, 1ULL << 32)); /* no 32-bit wrap */
	assert_string_equal(xlat_name(&mremap_flags, 4), "MREMAP_DONTUNMAP");
	assert_null(xlat_name(&mremap_flags, 3)); /* a value table lookup */
}

static void test_xlat_headers(void **state)
{
	__u64 all = 0;

	(void)state;
	assert_string_equal(mremap_flags.header, "include/uapi/linux/mman.h");
	assert_string_equal(mpol_modes.header, "include/uapi/linux/mempolicy.h");
	assert_string_equal(mpol_mode_flags.header, "include/uapi/linux/mempolicy.h");
	assert_int_equal(mremap_flags.n, 3);
	assert_int_equal(mpol_modes.n, 7);
	assert_int_equal(mpol_mode_flags.n, 3);
	/* the mode flags are exactly the bits MMT_MPOL_MODE_FLAGS masks */
	for (size_t i = 0; i < mpol_mode_flags.n; i++)
		all |= mpol_mode_flags.e[i].val;
	assert_int_equal(all, MMT_MPOL_MODE_FLAGS);
}

static void test_xlat_value(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(xlat_value(&mpol_modes, 2, buf, sizeof(buf)), 9);
	assert_string_equal(buf, "MPOL_BIND");
	assert_int_equal(xlat_value(&mpol_modes, 99, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "0x63");
	assert_int_equal(xlat_value(&mpol_modes, ~0ULL, buf, sizeof(buf)), 18);
	assert_string_equal(buf, "0xffffffffffffffff");
	/* measuring only */
	assert_int_equal(xlat_value(&mpol_modes, 5, NULL, 0), strlen("MPOL_PREFERRED_MANY"));
}

static void test_xlat_flags(void **state)
{
	char buf[128];

	(void)state;
	assert_int_equal(xlat_flags(&mremap_flags, 0, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "0");
	/* names in table order, whatever the bit order */
	assert_int_equal(xlat_flags(&mpol_mode_flags, 0xe000, buf, sizeof(buf)),
			 strlen(MPOL_ALL_FLAGS));
	assert_string_equal(buf, MPOL_ALL_FLAGS);
	xlat_flags(&mpol_mode_flags, (1U << 13) | (1U << 15), buf, sizeof(buf));
	assert_string_equal(buf, "MPOL_F_STATIC_NODES|MPOL_F_NUMA_BALANCING");
	/* unknown bits only */
	xlat_flags(&mpol_mode_flags, 0x1000, buf, sizeof(buf));
	assert_string_equal(buf, "0x1000");
	xlat_flags(&mpol_mode_flags, 0x1000 | (1U << 14), buf, sizeof(buf));
	assert_string_equal(buf, "MPOL_F_RELATIVE_NODES|0x1000");
	assert_int_equal(xlat_flags(&mremap_flags, 7, NULL, 0), strlen(MREMAP_ALL));
}

/* ---- mremap flags ---- */

static void test_mremap_flags(void **state)
{
	(void)state;
	expect_mremap(0, "0");
	expect_mremap(1, "MREMAP_MAYMOVE");
	expect_mremap(2, "MREMAP_FIXED");
	expect_mremap(3, "MREMAP_MAYMOVE|MREMAP_FIXED");
	expect_mremap(5, "MREMAP_MAYMOVE|MREMAP_DONTUNMAP");
	expect_mremap(7, MREMAP_ALL);
	expect_mremap(0x40, "0x40");
	expect_mremap(0x41, "MREMAP_MAYMOVE|0x40");
	expect_mremap(0x80000000ULL, "0x80000000");
	expect_mremap(1ULL << 63 | 4, "MREMAP_DONTUNMAP|0x8000000000000000");
	expect_mremap(~0ULL, MREMAP_ALL "|0xfffffffffffffff8");
}

static void test_mremap_flags_truncation(void **state)
{
	static const struct {
		__u64 flags;
		const char *text;
	} cases[] = {
		{0, "0"},
		{1, "MREMAP_MAYMOVE"},
		{3, "MREMAP_MAYMOVE|MREMAP_FIXED"},
		{0x41, "MREMAP_MAYMOVE|0x40"},
		{~0ULL, MREMAP_ALL "|0xfffffffffffffff8"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_truncation(do_mremap, &cases[i].flags, cases[i].text);
}

/* ---- set_mempolicy mode ---- */

static void test_mpol_mode_values(void **state)
{
	static const char *const names[] = {
		"MPOL_DEFAULT",
		"MPOL_PREFERRED",
		"MPOL_BIND",
		"MPOL_INTERLEAVE",
		"MPOL_LOCAL",
		"MPOL_PREFERRED_MANY",
		"MPOL_WEIGHTED_INTERLEAVE",
	};

	(void)state;
	for (int mode = 0; mode <= 6; mode++)
		expect_mpol(mode, names[mode]);
	expect_mpol(7, "0x7");
	expect_mpol(0x1000, "0x1000");	 /* below the flag bits */
	expect_mpol(1 << 16, "0x10000"); /* above them */
}

static void test_mpol_mode_flags(void **state)
{
	(void)state;
	expect_mpol(2 | 1 << 15, "MPOL_BIND|MPOL_F_STATIC_NODES");
	expect_mpol(5 | 1 << 14, "MPOL_PREFERRED_MANY|MPOL_F_RELATIVE_NODES");
	expect_mpol(5 | 1 << 15, "MPOL_PREFERRED_MANY|MPOL_F_STATIC_NODES");
	expect_mpol(2 | 1 << 13, "MPOL_BIND|MPOL_F_NUMA_BALANCING");
	expect_mpol(1 << 13, "MPOL_DEFAULT|MPOL_F_NUMA_BALANCING");
	expect_mpol(3 | 0xe000, "MPOL_INTERLEAVE|" MPOL_ALL_FLAGS);
	expect_mpol(7 | 1 << 15, "0x7|MPOL_F_STATIC_NODES");
	expect_mpol(-1, "0xffff1fff|" MPOL_ALL_FLAGS);
	expect_mpol(INT_MIN, "0x80000000");
	expect_mpol(INT_MIN | 1 << 14, "0x80000000|MPOL_F_RELATIVE_NODES");
}

static void test_mpol_mode_truncation(void **state)
{
	static const struct {
		__s32 mode;
		const char *text;
	} cases[] = {
		{0, "MPOL_DEFAULT"},
		{7, "0x7"},
		{2 | 1 << 15, "MPOL_BIND|MPOL_F_STATIC_NODES"},
		{-1, "0xffff1fff|" MPOL_ALL_FLAGS},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_truncation(do_mpol, &cases[i].mode, cases[i].text);
}

/* ---- return values ---- */

static void test_ret_success(void **state)
{
	(void)state;
	expect_ret(MMT_RET_ZERO_OR_ERR, 0, "0", false);
	expect_ret(MMT_RET_COUNT_OR_ERR, 0, "0", false);
	expect_ret(MMT_RET_COUNT_OR_ERR, 1, "1", false);
	expect_ret(MMT_RET_COUNT_OR_ERR, 4096, "4096", false);
	expect_ret(MMT_RET_COUNT_OR_ERR, INT64_MAX, "9223372036854775807", false);
	expect_ret(MMT_RET_ADDR_OR_ERR, 0x7f1234560000LL, "0x7f1234560000", false);
	expect_ret(MMT_RET_ADDR_OR_ERR, 0x1000, "0x1000", false);
	expect_ret(MMT_RET_ADDR_OR_ERR, 0, "0x0", false);
}

static void test_ret_errors(void **state)
{
	(void)state;
	expect_ret(MMT_RET_ZERO_OR_ERR, -22, "-22 EINVAL", true);
	expect_ret(MMT_RET_ZERO_OR_ERR, -14, "-14 EFAULT", true);
	expect_ret(MMT_RET_COUNT_OR_ERR, -3, "-3 ESRCH", true);
	expect_ret(MMT_RET_COUNT_OR_ERR, -1, "-1 EPERM", true);
	expect_ret(MMT_RET_ADDR_OR_ERR, -12, "-12 ENOMEM", true);
	expect_ret(MMT_RET_ADDR_OR_ERR, -11, "-11 EAGAIN", true);
	/* in the error range, but no name */
	expect_ret(MMT_RET_ZERO_OR_ERR, -4095, "-4095 E?", true);
}

static void test_ret_not_errors(void **state)
{
	(void)state;
	/* -4096 and below are values, not errors */
	expect_ret(MMT_RET_ZERO_OR_ERR, -4096, "-4096", false);
	expect_ret(MMT_RET_COUNT_OR_ERR, -4097, "-4097", false);
	expect_ret(MMT_RET_ADDR_OR_ERR, -4096, "0xfffffffffffff000", false);
	expect_ret(MMT_RET_ADDR_OR_ERR, INT64_MIN, "0x8000000000000000", false);
	expect_ret(MMT_RET_ZERO_OR_ERR, INT64_MIN, "-9223372036854775808", false);
}

static void test_ret_truncation(void **state)
{
	static const struct {
		struct ret_case c;
		const char *text;
	} cases[] = {
		{{MMT_RET_ZERO_OR_ERR, -22}, "-22 EINVAL"},
		{{MMT_RET_ADDR_OR_ERR, 0x7f1234560000LL}, "0x7f1234560000"},
		{{MMT_RET_COUNT_OR_ERR, 12345}, "12345"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_truncation(do_ret, &cases[i].c, cases[i].text);
}

/* ---- errno names ---- */

static void test_errno_name(void **state)
{
	(void)state;
	assert_string_equal(mmt_errno_name(EINVAL), "EINVAL");
	assert_string_equal(mmt_errno_name(EPERM), "EPERM");
	assert_string_equal(mmt_errno_name(ENOMEM), "ENOMEM");
	assert_string_equal(mmt_errno_name(EFAULT), "EFAULT");
	assert_null(mmt_errno_name(0));
	assert_null(mmt_errno_name(-1));
	assert_null(mmt_errno_name(-EINVAL));
	assert_null(mmt_errno_name(LONG_MIN));
	assert_null(mmt_errno_name(LONG_MAX));
	assert_null(mmt_errno_name(4095)); /* in range, unnamed */
	assert_null(mmt_errno_name(4096));
	/* must not wrap to 22 when narrowed to int */
	assert_null(mmt_errno_name((1L << 32) + EINVAL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xlat_name),
		cmocka_unit_test(test_xlat_headers),
		cmocka_unit_test(test_xlat_value),
		cmocka_unit_test(test_xlat_flags),
		cmocka_unit_test(test_mremap_flags),
		cmocka_unit_test(test_mremap_flags_truncation),
		cmocka_unit_test(test_mpol_mode_values),
		cmocka_unit_test(test_mpol_mode_flags),
		cmocka_unit_test(test_mpol_mode_truncation),
		cmocka_unit_test(test_ret_success),
		cmocka_unit_test(test_ret_errors),
		cmocka_unit_test(test_ret_not_errors),
		cmocka_unit_test(test_ret_truncation),
		cmocka_unit_test(test_errno_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
