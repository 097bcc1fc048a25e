// SPDX-License-Identifier: GPL-2.0
/*
 * test_decoders.c - constant tables (xlat), the value decoders, the
 * return value decoder, and the record decoder: record sizes, payload
 * checks, array elements, get_mempolicy's out value and the target process.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "truncation.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decoders/decode.h"
#include "records.h"
#include "text/xlat.h"
#include "text/numfmt.h"

#define MREMAP_ALL "MREMAP_MAYMOVE|MREMAP_FIXED|MREMAP_DONTUNMAP"
#define MPOL_ALL_FLAGS "MPOL_F_STATIC_NODES|MPOL_F_RELATIVE_NODES|MPOL_F_NUMA_BALANCING"

/* A decoder under test, bound to one value. */

static size_t do_mremap(const void *arg, char *buf, size_t len)
{
	return xlat_flags(&mremap_flags, *(const __u64 *)arg, buf, len);
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

static void expect_mremap(__u64 flags, const char *want)
{
	char buf[MMT_TEXT_LEN];

	memset(buf, 'X', sizeof(buf));
	assert_int_equal(xlat_flags(&mremap_flags, flags, buf, sizeof(buf)), strlen(want));
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

/* brk: the raw syscall returns the break, never -errno */
static void test_ret_addr(void **state)
{
	(void)state;
	expect_ret(MMT_RET_ADDR, 0x555555559000LL, "0x555555559000", false);
	expect_ret(MMT_RET_ADDR, 0, "0x0", false);
	/* values in the -errno range are addresses too */
	expect_ret(MMT_RET_ADDR, -12, "0xfffffffffffffff4", false);
	expect_ret(MMT_RET_ADDR, -1, "0xffffffffffffffff", false);
	expect_ret(MMT_RET_ADDR, -4095, "0xfffffffffffff001", false);
	expect_ret(MMT_RET_ADDR, INT64_MIN, "0x8000000000000000", false);
	/* the same values are errors for the other address kind */
	expect_ret(MMT_RET_ADDR_OR_ERR, -12, "-12 ENOMEM", true);
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
		{{MMT_RET_ADDR, -12}, "0xfffffffffffffff4"},
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

/* ---- records: header + payload ---- */

static void expect_einval(const void *r, size_t len)
{
	struct mmt_decoded_event ev;

	assert_int_equal(mmt_decode(r, len, 0, &ev), -EINVAL);
}

static void test_record_size(void **state)
{
	const size_t hdr = sizeof(struct mmt_record);

	(void)state;
	/* the payload right after the header is 8-byte aligned */
	assert_int_equal(hdr % 8, 0);
	assert_int_equal(sizeof(struct mmt_payload_masks) % 8, 0);
	assert_int_equal(sizeof(struct mmt_payload_move_pages) % 8, 0);
	for (int i = 0; i < MMT_EV_COUNT; i++) {
		const struct mmt_event_desc *d = &mmt_events[i];
		size_t want = hdr;

		if (d->payload == MMT_PAYLOAD_MASKS)
			want += sizeof(struct mmt_payload_masks);
		else if (d->payload == MMT_PAYLOAD_MOVE_PAGES)
			want += sizeof(struct mmt_payload_move_pages);
		else if (d->payload == MMT_PAYLOAD_ARRAY)
			want += sizeof(struct mmt_payload_array);
		else if (d->payload == MMT_PAYLOAD_KEVENT)
			want += sizeof(struct mmt_payload_kevent);
		else
			assert_int_equal(d->payload, MMT_PAYLOAD_NONE);
		assert_int_equal(mmt_record_size(d), want);
	}
	assert_int_equal(mmt_record_size(&mmt_events[MMT_EV_MREMAP]), hdr);
	assert_int_equal(mmt_record_size(&mmt_events[MMT_EV_BRK]), hdr);
	assert_int_equal(mmt_record_size(&mmt_events[MMT_EV_SET_MEMPOLICY]),
			 hdr + sizeof(struct mmt_payload_masks));
	assert_int_equal(mmt_record_size(&mmt_events[MMT_EV_GET_MEMPOLICY]),
			 hdr + sizeof(struct mmt_payload_masks));
	assert_int_equal(mmt_record_size(&mmt_events[MMT_EV_MBIND]),
			 hdr + sizeof(struct mmt_payload_masks));
	assert_int_equal(mmt_record_size(&mmt_events[MMT_EV_MIGRATE_PAGES]),
			 hdr + sizeof(struct mmt_payload_masks));
	assert_int_equal(mmt_record_size(&mmt_events[MMT_EV_MOVE_PAGES]),
			 hdr + sizeof(struct mmt_payload_move_pages));
}

/* Every event: its own size decodes, any other length is refused. */
static void test_decode_len(void **state)
{
	const size_t hdr = sizeof(struct mmt_record);
	const size_t big = hdr + sizeof(struct mmt_payload_move_pages) + 64;
	char *buf = calloc(1, big);

	(void)state;
	assert_non_null(buf);
	for (int i = 0; i < MMT_EV_COUNT; i++) {
		struct mmt_record *r = record_call(i);
		const size_t len = record_len(r);
		const size_t bad[] = {
			0,
			1,
			hdr - 1,
			len - 1,
			len + 1,
			len + 8,
			hdr,
			hdr + sizeof(struct mmt_payload_masks),
			hdr + sizeof(struct mmt_payload_move_pages),
		};
		struct mmt_decoded_event ev;

		memset(buf, 0, big);
		memcpy(buf, r, len);
		assert_int_equal(mmt_decode(r, len, 0, &ev), 0);
		assert_ptr_equal(ev.desc, &mmt_events[i]);
		assert_int_equal(mmt_decode(buf, len, 0, &ev), 0);
		for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
			if (bad[k] == len)
				continue;
			if (mmt_decode(buf, bad[k], 0, &ev) != -EINVAL)
				fail_msg("%s: length %zu (want %zu) accepted", mmt_events[i].name,
					 bad[k], len);
		}
		free(r);
	}
	free(buf);
}

/* The payload kind the record says must be the event's. */
static void test_decode_payload_kind(void **state)
{
	static const unsigned int kinds[] = {
		MMT_PAYLOAD_NONE, MMT_PAYLOAD_MASKS, MMT_PAYLOAD_MOVE_PAGES, 3, 0x100, 0xffff,
	};

	(void)state;
	for (int i = 0; i < MMT_EV_COUNT; i++) {
		struct mmt_record *r = record_call(i);

		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			struct mmt_decoded_event ev;
			int want = kinds[k] == mmt_events[i].payload ? 0 : -EINVAL;

			r->payload = kinds[k];
			if (mmt_decode(r, record_len(r), 0, &ev) != want)
				fail_msg("%s: payload %u: want %d", mmt_events[i].name, kinds[k],
					 want);
		}
		free(r);
	}
}

static void test_decode_array_checks(void **state)
{
	static const unsigned int bad_sizes[] = {0, 1, 2, 3, 5, 6, 7, 9, 16, 255};
	struct mmt_record *r = record_call(MMT_EV_MOVE_PAGES);
	size_t len = record_len(r);
	struct mmt_decoded_event ev;

	(void)state;
	assert_int_equal(mmt_decode(r, len, 0, &ev), 0);
	for (int slot = 0; slot < 3; slot++) {
		struct mmt_array *a = record_array(r, slot);

		/* unknown states */
		memset(a, 0, sizeof(*a));
		a->state = MMT_READ_FAULT + 1;
		expect_einval(r, len);
		a->state = 0xff;
		expect_einval(r, len);

		/* states that hold no element must count none */
		for (int s = MMT_READ_NONE; s <= MMT_READ_FAULT; s++) {
			if (s == MMT_READ_OK)
				continue;
			memset(a, 0, sizeof(*a));
			a->state = s;
			a->elem_size = 4;
			assert_int_equal(mmt_decode(r, len, 0, &ev), 0);
			a->count = 1;
			expect_einval(r, len);
			a->count = 0xffff;
			expect_einval(r, len);
		}

		/* read: 4- or 8-byte elements, at most MMT_ARRAY_MAX of them */
		memset(a, 0, sizeof(*a));
		a->state = MMT_READ_OK;
		for (unsigned int es = 4; es <= 8; es += 4) {
			a->elem_size = es;
			a->count = 0;
			assert_int_equal(mmt_decode(r, len, 0, &ev), 0);
			a->count = 1;
			assert_int_equal(mmt_decode(r, len, 0, &ev), 0);
			a->count = MMT_ARRAY_MAX;
			assert_int_equal(mmt_decode(r, len, 0, &ev), 0);
			a->count = MMT_ARRAY_MAX + 1;
			expect_einval(r, len);
			a->count = 0xffff;
			expect_einval(r, len);
		}
		a->count = 1;
		for (size_t k = 0; k < sizeof(bad_sizes) / sizeof(bad_sizes[0]); k++) {
			a->elem_size = bad_sizes[k];
			if (mmt_decode(r, len, 0, &ev) != -EINVAL)
				fail_msg("slot %d: elem_size %u accepted", slot, bad_sizes[k]);
		}
		memset(a, 0, sizeof(*a));
		assert_int_equal(mmt_decode(r, len, 0, &ev), 0);
	}
	free(r);
}

/* An array read up to an unreadable page: its prefix, why it stopped. */
static void test_decode_partial_array(void **state)
{
	struct mmt_record *r = record_call(MMT_EV_MOVE_PAGES);
	struct mmt_array *a = record_array(r, 1);
	size_t len = record_len(r);
	struct mmt_decoded_event ev;

	(void)state;
	a->state = MMT_READ_OK;
	a->elem_size = 4;
	a->count = 1;
	a->partial = 1;
	a->read_err = -14;
	assert_int_equal(mmt_decode(r, len, 0, &ev), 0);
	assert_ptr_equal(ev.args[3].array, a);
	a->read_err = 0; /* stopped without a reason */
	expect_einval(r, len);
	a->read_err = -14;
	a->partial = 2;
	expect_einval(r, len);
	a->partial = 1;
	a->count = MMT_ARRAY_MAX; /* stopped past all it can hold */
	expect_einval(r, len);
	a->count = 0;
	a->state = MMT_READ_FAULT; /* a prefix only with what was read */
	expect_einval(r, len);
	free(r);
}

/* The one array of mincore (bytes, at most MMT_ARRAY_BYTES, of a range of
 * total pages) and of process_madvise (iovecs of 16 or 8 bytes, at most
 * MMT_IOVEC_MAX). */
static void test_decode_one_array(void **state)
{
	struct mmt_record *r = record_call(MMT_EV_MINCORE);
	struct mmt_array *a = &((struct mmt_payload_array *)(r + 1))->array;
	size_t len = record_len(r);
	struct mmt_decoded_event ev;

	(void)state;
	assert_int_equal(len, sizeof(*r) + sizeof(struct mmt_payload_array));
	a->state = MMT_READ_OK;
	a->elem_size = 1;
	a->count = MMT_ARRAY_BYTES;
	a->total = 600;
	record_decode(r, &ev);
	assert_int_equal(ev.args[2].data, MMT_DATA_ARRAY);
	assert_ptr_equal(ev.args[2].array, a);
	a->total = MMT_ARRAY_BYTES - 1; /* fewer pages than bytes read */
	expect_einval(r, len);
	a->total = 600;
	a->count = MMT_ARRAY_BYTES + 1;
	expect_einval(r, len);
	a->count = 4;
	a->elem_size = 4;
	expect_einval(r, len);
	free(r);

	r = record_call(MMT_EV_PROCESS_MADVISE);
	a = &((struct mmt_payload_array *)(r + 1))->array;
	len = record_len(r);
	a->state = MMT_READ_OK;
	for (unsigned int es = 8; es <= 16; es += 8) {
		a->elem_size = es;
		a->count = MMT_IOVEC_MAX;
		record_decode(r, &ev);
		assert_ptr_equal(ev.args[1].array, a);
		a->count = MMT_IOVEC_MAX + 1;
		expect_einval(r, len);
	}
	a->count = 1;
	a->elem_size = 1;
	expect_einval(r, len);
	free(r);
}

/* The ia32 old mmap whose argument struct could not be read: no values. */
static void test_decode_args_unread(void **state)
{
	struct mmt_record *r = record_call(MMT_EV_MMAP);
	size_t len = record_len(r);
	struct mmt_decoded_event ev;

	(void)state;
	r->flags = MMT_REC_COMPAT | MMT_REC_ARGS_UNREAD;
	r->nr = 90;
	r->args[0] = 0xffff1000;
	r->args[1] = (__u64)-14;
	record_decode(r, &ev);
	assert_true(ev.args_unread);
	assert_int_equal(ev.args_at, 0xffff1000);
	assert_string_equal(ev.args_read_error, "EFAULT");
	for (int i = 0; i < 6; i++)
		assert_int_equal(ev.args[i].value, 0);
	r->nr = 192; /* mmap2 has its arguments in registers */
	expect_einval(r, len);
	r->nr = 90;
	r->flags = MMT_REC_ARGS_UNREAD; /* only ia32 has it */
	expect_einval(r, len);
	free(r);
	r = record_call(MMT_EV_MUNMAP); /* nor any other event */
	r->flags = MMT_REC_COMPAT | MMT_REC_ARGS_UNREAD;
	r->nr = 90;
	expect_einval(r, record_len(r));
	free(r);
}

static void test_array_elem(void **state)
{
	static const __s32 ints[] = {0, 1, -1, -14, 7, INT32_MAX, INT32_MIN, -2};
	struct mmt_array a;

	(void)state;
	/* 4-byte elements are packed, and sign-extended */
	memset(&a, 0xaa, sizeof(a));
	a.state = MMT_READ_OK;
	a.elem_size = 4;
	a.count = 8;
	memcpy(a.data, ints, sizeof(ints));
	for (unsigned int i = 0; i < 8; i++)
		assert_int_equal(mmt_array_elem(&a, i), (__s64)ints[i]);
	assert_true(mmt_array_elem(&a, 3) == -14);
	assert_true(mmt_array_elem(&a, 6) == (__s64)INT32_MIN);
	/* the last of MMT_ARRAY_MAX 4-byte elements: byte 252 */
	{
		__s32 last[MMT_ARRAY_MAX];

		for (int i = 0; i < MMT_ARRAY_MAX; i++)
			last[i] = -1000 - i;
		memcpy(a.data, last, sizeof(last));
		a.count = MMT_ARRAY_MAX;
		assert_true(mmt_array_elem(&a, 0) == -1000);
		assert_true(mmt_array_elem(&a, 1) == -1001);
		assert_true(mmt_array_elem(&a, 32) == -1032);
		assert_true(mmt_array_elem(&a, MMT_ARRAY_MAX - 1) == -1063);
	}

	/* 8-byte elements, one per data[] word */
	memset(&a, 0x55, sizeof(a));
	a.state = MMT_READ_OK;
	a.elem_size = 8;
	a.count = MMT_ARRAY_MAX;
	for (int i = 0; i < MMT_ARRAY_MAX; i++)
		a.data[i] = 0x7f0000000000ULL + (__u64)i * 4096;
	a.data[5] = ~0ULL;
	a.data[6] = 0xffffffffULL; /* not sign-extended from 32 bits */
	a.data[MMT_ARRAY_MAX - 1] = 0x8000000000000000ULL;
	assert_true(mmt_array_elem(&a, 0) == 0x7f0000000000LL);
	assert_true(mmt_array_elem(&a, 1) == 0x7f0000001000LL);
	assert_true(mmt_array_elem(&a, 5) == -1);
	assert_true(mmt_array_elem(&a, 6) == 0xffffffffLL);
	assert_true(mmt_array_elem(&a, 62) == 0x7f000003e000LL);
	assert_true(mmt_array_elem(&a, MMT_ARRAY_MAX - 1) == INT64_MIN);
}

/* move_pages' array arguments point into the record's payload */
static void test_decode_move_pages(void **state)
{
	struct mmt_record *r = record_call(MMT_EV_MOVE_PAGES);
	struct mmt_payload_move_pages *p = record_move(r);
	struct mmt_decoded_event ev;

	(void)state;
	r->args[0] = 0;
	r->args[1] = 2;
	r->args[2] = 0x7ffc00001000ULL;
	r->args[3] = 0x7ffc00002000ULL;
	r->args[4] = 0x7ffc00003000ULL;
	r->args[5] = 2;
	p->pages.state = MMT_READ_OK;
	p->pages.elem_size = 8;
	p->pages.count = 2;
	p->nodes.state = MMT_READ_OK;
	p->nodes.elem_size = 4;
	p->nodes.count = 2;
	p->status.state = MMT_READ_EMPTY;
	p->status.elem_size = 4;
	record_decode(r, &ev);
	for (int i = 0; i < 6; i++)
		assert_int_equal(ev.args[i].data, i >= 2 && i <= 4 ? MMT_DATA_ARRAY : MMT_DATA_NONE);
	assert_ptr_equal(ev.args[2].array, &p->pages);
	assert_ptr_equal(ev.args[3].array, &p->nodes);
	assert_ptr_equal(ev.args[4].array, &p->status);
	assert_string_equal(ev.args[0].text, "0");
	assert_string_equal(ev.args[1].text, "2");
	assert_string_equal(ev.args[2].text, "0x7ffc00001000");
	assert_string_equal(ev.args[3].text, "0x7ffc00002000");
	assert_string_equal(ev.args[4].text, "0x7ffc00003000");
	assert_string_equal(ev.args[5].text, "MPOL_MF_MOVE");
	free(r);
}

/* get_mempolicy(mode, nodemask, maxnode, addr, flags): *mode as the
 * kernel wrote it, a policy or with MPOL_F_NODE a node */
static void expect_out(__u64 flags, int out_state, __s32 out, const char *want)
{
	struct mmt_record *r = record_call(MMT_EV_GET_MEMPOLICY);
	struct mmt_payload_masks *p = record_masks(r);
	struct mmt_decoded_event ev;

	r->args[0] = 0x7ffc00004000ULL;
	r->args[1] = 0;
	r->args[2] = 0;
	r->args[4] = flags;
	p->masks[0].state = MMT_READ_NULL;
	p->out_int_state = out_state;
	p->out_int = out;
	record_decode(r, &ev);
	assert_int_equal(ev.args[0].data, MMT_DATA_OUT_INT);
	assert_int_equal(ev.args[0].out_state, out_state);
	assert_int_equal(ev.args[0].out_value, out);
	assert_string_equal(ev.args[0].text, "0x7ffc00004000");
	if (strcmp(ev.args[0].out_text, want))
		fail_msg("flags %#llx, out %d: got \"%s\", want \"%s\"", (unsigned long long)flags,
			 out, ev.args[0].out_text, want);
	assert_int_equal(ev.args[1].data, MMT_DATA_MASK);
	assert_ptr_equal(ev.args[1].mask, &p->masks[0]);
	free(r);
}

static void test_decode_out_mode(void **state)
{
	(void)state;
	expect_out(0, MMT_READ_OK, 2, "MPOL_BIND");
	expect_out(0, MMT_READ_OK, 0, "MPOL_DEFAULT");
	expect_out(0, MMT_READ_OK, 2 | 1 << 15, "MPOL_BIND|MPOL_F_STATIC_NODES");
	expect_out(0, MMT_READ_OK, 99, "0x63");
	expect_out(2 /* MPOL_F_ADDR */, MMT_READ_OK, 3, "MPOL_INTERLEAVE");
	expect_out(4 /* MPOL_F_MEMS_ALLOWED */, MMT_READ_OK, 0, "MPOL_DEFAULT");
	/* MPOL_F_NODE: a node number */
	expect_out(1, MMT_READ_OK, 0, "0");
	expect_out(1, MMT_READ_OK, 2, "2");
	expect_out(1 | 2, MMT_READ_OK, 1, "1");
	expect_out(1 | 2, MMT_READ_OK, -1, "-1");
	expect_out(1ULL << 32 | 1, MMT_READ_OK, 3, "3");
	/* nothing read: no text */
	expect_out(0, MMT_READ_NULL, 0, "");
	expect_out(0, MMT_READ_EMPTY, 0, "");
	expect_out(0, MMT_READ_FAULT, 0, "");
	expect_out(1, MMT_READ_FAULT, 0, "");
	expect_out(0, MMT_READ_NONE, 0, "");
}

static void test_decode_target(void **state)
{
	static const enum mmt_event with_pid[] = {MMT_EV_MIGRATE_PAGES, MMT_EV_MOVE_PAGES};
	struct mmt_decoded_event ev;

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct mmt_record *r = record_call(with_pid[i]);

		/* pid 0: the caller itself, by its host pid */
		r->args[0] = 0;
		record_decode(r, &ev);
		assert_true(ev.has_target);
		assert_int_equal(ev.target_host_pid, 5100);
		assert_int_equal(ev.target_uid, 1000);
		assert_string_equal(ev.target_comm, RECORD_COMM);
		assert_false(ev.target_other_process);
		assert_false(ev.target_other_user);

		/* the pid is an int: upper register bits do not count */
		r->args[0] = 0xabcd00000000ULL;
		record_decode(r, &ev);
		assert_true(ev.has_target);
		assert_int_equal(ev.target_host_pid, 5100);

		/* another pid, not looked up: no target */
		r->args[0] = 4321;
		record_decode(r, &ev);
		assert_false(ev.has_target);
		assert_false(ev.target_other_process);
		assert_false(ev.target_other_user);
		r->args[0] = 0xffffffffULL; /* -1 */
		record_decode(r, &ev);
		assert_false(ev.has_target);

		/* looked up: another process of another user */
		r->args[0] = 4321;
		r->flags = MMT_REC_TARGET;
		r->target_host_pid = 4321;
		r->target_uid = 0;
		strcpy(r->target_comm, "postgres");
		record_decode(r, &ev);
		assert_true(ev.has_target);
		assert_int_equal(ev.target_host_pid, 4321);
		assert_int_equal(ev.target_uid, 0);
		assert_string_equal(ev.target_comm, "postgres");
		assert_true(ev.target_other_process);
		assert_true(ev.target_other_user);

		/* of the same user */
		r->target_uid = 1000;
		record_decode(r, &ev);
		assert_true(ev.target_other_process);
		assert_false(ev.target_other_user);

		/* the caller named by its own pid */
		r->args[0] = 100;
		r->target_host_pid = 5100;
		record_decode(r, &ev);
		assert_true(ev.has_target);
		assert_false(ev.target_other_process);
		assert_false(ev.target_other_user);

		/* a comm that fills its 16 bytes */
		memcpy(r->target_comm, "0123456789abcdef", MMT_COMM_LEN);
		record_decode(r, &ev);
		assert_string_equal(ev.target_comm, "0123456789abcdef");
		free(r);
	}

	/* an event without a pid argument has no target, flag or not */
	{
		struct mmt_record *r = record_call(MMT_EV_SET_MEMPOLICY);

		r->flags = MMT_REC_TARGET;
		r->target_host_pid = 4321;
		record_decode(r, &ev);
		assert_false(ev.has_target);
		assert_false(ev.target_other_process);
		assert_false(ev.target_other_user);
		free(r);
	}
}

static void test_decode_compat_and_ret(void **state)
{
	struct mmt_record *r = record_call(MMT_EV_BRK);
	struct mmt_decoded_event ev;

	(void)state;
	r->args[0] = 0;
	r->ret = 0x555555559000LL;
	record_decode(r, &ev);
	assert_false(ev.compat);
	assert_false(ev.failed);
	assert_string_equal(ev.ret_text, "0x555555559000");

	r->flags = MMT_REC_COMPAT;
	r->ret = -12; /* not an error for brk */
	record_decode(r, &ev);
	assert_true(ev.compat);
	assert_false(ev.failed);
	assert_string_equal(ev.ret_text, "0xfffffffffffffff4");

	r->flags = MMT_REC_MIGRATED | MMT_REC_TARGET;
	record_decode(r, &ev);
	assert_false(ev.compat);
	free(r);

	r = record_call(MMT_EV_MMAP);
	r->ret = -12;
	record_decode(r, &ev);
	assert_true(ev.failed);
	assert_string_equal(ev.ret_text, "-12 ENOMEM");
	free(r);
}

/* Arguments by kind: the raw value as the kernel types it, the text. */
static void test_decode_arg_kinds(void **state)
{
	struct mmt_record *r = record_call(MMT_EV_MMAP);
	struct mmt_decoded_event ev;

	(void)state;
	r->args[0] = 0;
	r->args[1] = 8192;
	r->args[2] = 0;
	r->args[3] = 0x22;
	r->args[4] = 0xffffffffULL;
	r->args[5] = 1ULL << 40;
	record_decode(r, &ev);
	assert_string_equal(ev.args[0].text, "0x0");
	assert_string_equal(ev.args[1].text, "8192");
	assert_string_equal(ev.args[2].text, "PROT_NONE");
	assert_string_equal(ev.args[3].text, "MAP_PRIVATE|MAP_ANONYMOUS");
	assert_string_equal(ev.args[4].text, "-1");
	assert_true(ev.args[4].value == -1);
	assert_false(ev.args[4].is_unsigned);
	assert_string_equal(ev.args[5].text, "1099511627776");
	/* off: int64 in Tracee, as off_t */
	assert_false(ev.args[5].is_unsigned);
	assert_true(ev.args[5].value == 1LL << 40);
	assert_false(ev.args[5].raw_differs);
	free(r);

	/* VALUE: an int, named by its table */
	r = record_call(MMT_EV_MADVISE);
	r->args[2] = 102;
	record_decode(r, &ev);
	assert_string_equal(ev.args[2].text, "MADV_GUARD_INSTALL");
	assert_true(ev.args[2].value == 102);
	r->args[2] = 0xffffffffULL;
	record_decode(r, &ev);
	assert_string_equal(ev.args[2].text, "0xffffffff");
	assert_true(ev.args[2].value == -1);
	assert_false(ev.args[2].is_unsigned);
	free(r);

	/* UINT: unsigned 32 bits */
	r = record_call(MMT_EV_PROCESS_MADVISE);
	r->args[0] = 0xfffffffdULL;
	r->args[4] = 0x1ffffffffULL;
	record_decode(r, &ev);
	assert_string_equal(ev.args[0].text, "-3");
	assert_string_equal(ev.args[4].text, "4294967295");
	assert_true(ev.args[4].value == 0xffffffffLL);
	assert_true(ev.args[4].is_unsigned);
	free(r);
}

/* n bytes at got must be want, and nothing written after them. */
static void expect_formatted(const char *got, size_t n, const char *want)
{
	assert_int_equal(n, strlen(want));
	assert_memory_equal(got, want, n);
	assert_int_equal(got[n], 'X');
}

/* The number formatters against printf, at every digit-count boundary. */
static void expect_num(__u64 v)
{
	char got[32], want[32];

	memset(got, 'X', sizeof(got));
	snprintf(want, sizeof(want), "%llu", (unsigned long long)v);
	expect_formatted(got, fmt_u64(got, v), want);
	memset(got, 'X', sizeof(got));
	snprintf(want, sizeof(want), "0x%llx", (unsigned long long)v);
	expect_formatted(got, fmt_hex(got, v), want);
	memset(got, 'X', sizeof(got));
	snprintf(want, sizeof(want), "%lld", (long long)v);
	expect_formatted(got, fmt_s64(got, (__s64)v), want);
}

static void test_number_formats(void **state)
{
	__u64 p = 1;

	(void)state;
	expect_num(0);
	expect_num(UINT64_MAX);
	expect_num((__u64)INT64_MIN);
	for (int i = 0; i < 20; i++, p *= 10) {
		expect_num(p - 1);
		expect_num(p);
		expect_num(p + 1);
	}
	for (int b = 0; b < 64; b++) {
		expect_num(1ULL << b);
		expect_num((1ULL << b) - 1);
	}
	srand(7);
	for (int i = 0; i < 100000; i++)
		expect_num(((__u64)rand() << 62) ^ ((__u64)rand() << 31) ^ (__u64)rand());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_number_formats),
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
		cmocka_unit_test(test_ret_addr),
		cmocka_unit_test(test_ret_truncation),
		cmocka_unit_test(test_errno_name),
		cmocka_unit_test(test_record_size),
		cmocka_unit_test(test_decode_len),
		cmocka_unit_test(test_decode_payload_kind),
		cmocka_unit_test(test_decode_array_checks),
		cmocka_unit_test(test_decode_partial_array),
		cmocka_unit_test(test_decode_one_array),
		cmocka_unit_test(test_decode_args_unread),
		cmocka_unit_test(test_array_elem),
		cmocka_unit_test(test_decode_move_pages),
		cmocka_unit_test(test_decode_out_mode),
		cmocka_unit_test(test_decode_target),
		cmocka_unit_test(test_decode_compat_and_ret),
		cmocka_unit_test(test_decode_arg_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
