// SPDX-License-Identifier: GPL-2.0
/*
 * test_bpf_side.c - what the BPF programs compute, run in user space: the
 * per-event rows mmt_bpf_events_fill() derives from the event table, and
 * the arithmetic of src/bpf/mmt_math.h (the same code the kernel runs).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <linux/types.h>

#include "events/bpf_events.h"
#include "events/event_table.h"
#include "bpf/mmt_math.h"

static struct mmt_bpf_event rows[MMT_EV_COUNT];

static int setup(void **state)
{
	(void)state;
	memset(rows, 0xaa, sizeof(rows)); /* the fill must set every byte it uses */
	mmt_bpf_events_fill(rows);
	return 0;
}

static void expect_ptr(const struct mmt_bpf_ptr *p, int kind, int arg, int len_arg, int at_exit,
		       int slot)
{
	assert_int_equal(p->kind, kind);
	assert_int_equal(p->arg, arg);
	assert_int_equal(p->at_exit, at_exit);
	if (kind == MMT_PTR_MASK || kind == MMT_PTR_ARRAY) {
		assert_int_equal(p->len_arg, len_arg);
		assert_int_equal(p->slot, slot);
	}
}

static void test_rows_masks(void **state)
{
	const struct mmt_bpf_event *r;

	(void)state;
	r = &rows[MMT_EV_SET_MEMPOLICY]; /* mode, nodemask, maxnode */
	assert_int_equal(r->payload, MMT_PAYLOAD_MASKS);
	assert_int_equal(r->flags, MMT_BPF_KERNEL_COPY);
	expect_ptr(&r->ptrs[0], MMT_PTR_MASK, 1, 2, 0, 0);
	assert_int_equal(r->ptrs[1].kind, MMT_PTR_NONE);

	r = &rows[MMT_EV_MBIND]; /* addr, len, mode, nodemask, maxnode, flags */
	assert_int_equal(r->flags, MMT_BPF_KERNEL_COPY | MMT_BPF_MIGRATES);
	expect_ptr(&r->ptrs[0], MMT_PTR_MASK, 3, 4, 0, 0);

	r = &rows[MMT_EV_MIGRATE_PAGES]; /* pid, maxnode, old_nodes, new_nodes */
	assert_int_equal(r->flags, MMT_BPF_KERNEL_COPY | MMT_BPF_MIGRATES | MMT_BPF_HAS_TARGET);
	expect_ptr(&r->ptrs[0], MMT_PTR_MASK, 2, 1, 0, 0);
	expect_ptr(&r->ptrs[1], MMT_PTR_MASK, 3, 1, 0, 1);

	r = &rows[MMT_EV_GET_MEMPOLICY]; /* mode*, nodemask, maxnode, addr, flags */
	assert_int_equal(r->flags, 0);
	expect_ptr(&r->ptrs[0], MMT_PTR_OUT_INT, 0, 0, 1, 0);
	expect_ptr(&r->ptrs[1], MMT_PTR_MASK, 1, 2, 1, 0);
}

static void test_rows_move_pages(void **state)
{
	const struct mmt_bpf_event *r = &rows[MMT_EV_MOVE_PAGES];

	(void)state;
	/* pid, count, pages, nodes, status, flags */
	assert_int_equal(r->payload, MMT_PAYLOAD_MOVE_PAGES);
	assert_int_equal(r->flags, MMT_BPF_MIGRATES | MMT_BPF_HAS_TARGET);
	expect_ptr(&r->ptrs[0], MMT_PTR_ARRAY, 2, 1, 0, 0);
	assert_int_equal(r->ptrs[0].elem_size, 8);
	assert_int_equal(r->ptrs[0].elem_size32, 4);
	expect_ptr(&r->ptrs[1], MMT_PTR_ARRAY, 3, 1, 0, 1);
	assert_int_equal(r->ptrs[1].elem_size, 4);
	expect_ptr(&r->ptrs[2], MMT_PTR_ARRAY, 4, 1, 1, 2);
	assert_int_equal(r->ptrs[2].elem_size32, 4);
}

/* mincore's vec (at exit, its length in bytes) and process_madvise's
 * iovecs (at entry, at most 8): the one array of their payload. */
static void test_rows_one_array(void **state)
{
	const struct mmt_bpf_event *r = &rows[MMT_EV_MINCORE];

	(void)state;
	assert_int_equal(r->payload, MMT_PAYLOAD_ARRAY);
	expect_ptr(&r->ptrs[0], MMT_PTR_PAGE_VEC, 2, 1, 1, 0);
	assert_int_equal(r->ptrs[0].elem_size, 1);
	assert_int_equal(r->ptrs[1].kind, MMT_PTR_NONE);
	r = &rows[MMT_EV_PROCESS_MADVISE];
	assert_int_equal(r->payload, MMT_PAYLOAD_ARRAY);
	expect_ptr(&r->ptrs[0], MMT_PTR_IOVEC, 1, 2, 0, 0);
	assert_int_equal(r->ptrs[0].elem_size, 16);
	assert_int_equal(r->ptrs[0].elem_size32, 8);
	assert_int_equal(r->ptrs[0].max, MMT_IOVEC_MAX);
	assert_int_equal(r->ptrs[1].kind, MMT_PTR_NONE);
	/* move_pages' arrays: the first 64 elements */
	assert_int_equal(rows[MMT_EV_MOVE_PAGES].ptrs[0].max, MMT_ARRAY_MAX);
}

static void test_rows_others(void **state)
{
	(void)state;
	assert_int_equal(rows[MMT_EV_BRK].flags, MMT_BPF_NEVER_FAILS);
	assert_int_equal(rows[MMT_EV_MMAP].ia32_pgoff_nr, 192);
	for (int i = 0; i < MMT_EV_COUNT; i++) {
		const struct mmt_event_desc *d = &mmt_events[i];
		int nptrs = 0;

		if (i != MMT_EV_MMAP)
			assert_int_equal(rows[i].ia32_pgoff_nr, 0);
		if (d->payload == MMT_PAYLOAD_NONE) {
			assert_int_equal(rows[i].ptrs[0].kind, MMT_PTR_NONE);
			assert_false(d->kernel_copy);
		}
		for (int a = 0; a < d->nargs; a++) {
			const struct mmt_arg_desc *ad = &d->args[a];

			if (ad->kind != MMT_ARG_NODEMASK && ad->kind != MMT_ARG_ARRAY &&
			    ad->kind != MMT_ARG_OUT_MODE && ad->kind != MMT_ARG_PAGE_VEC &&
			    ad->kind != MMT_ARG_IOVEC)
				continue;
			nptrs++;
			if (ad->kind == MMT_ARG_OUT_MODE)
				continue;
			/* a length that is another argument of the call */
			assert_true(ad->len_arg != a && ad->len_arg >= 0 && ad->len_arg < d->nargs);
		}
		/* a kernel copy is taken of masks the kernel reads in */
		if (d->kernel_copy) {
			int masks_in = 0;

			for (int p = 0; p < MMT_BPF_PTRS; p++)
				masks_in += rows[i].ptrs[p].kind == MMT_PTR_MASK &&
					    !rows[i].ptrs[p].at_exit;
			assert_true(masks_in > 0);
			assert_true(rows[i].flags & MMT_BPF_KERNEL_COPY);
		}
		/* every pointer fits the row */
		assert_true(nptrs <= MMT_BPF_PTRS);
		for (int p = nptrs; p < MMT_BPF_PTRS; p++)
			assert_int_equal(rows[i].ptrs[p].kind, MMT_PTR_NONE);
	}
}

/* The argument context's rows: the fd argument and the start of each
 * address-range call, as index + 1; no other event has one. */
static void test_rows_argctx(void **state)
{
	static const enum mmt_event ranges[] = {
		MMT_EV_MPROTECT, MMT_EV_PKEY_MPROTECT, MMT_EV_MUNMAP, MMT_EV_MREMAP,
		MMT_EV_MADVISE, MMT_EV_MLOCK, MMT_EV_MLOCK2, MMT_EV_MUNLOCK,
		MMT_EV_MSYNC, MMT_EV_MBIND, MMT_EV_MSEAL, MMT_EV_REMAP_FILE_PAGES,
		MMT_EV_SET_MEMPOLICY_HOME_NODE,
	};

	(void)state;
	assert_int_equal(rows[MMT_EV_MMAP].fd_arg, 5); /* fd: argument 4 */
	assert_int_equal(rows[MMT_EV_PROCESS_MADVISE].fd_arg, 1); /* pidfd */
	for (int i = 0; i < MMT_EV_COUNT; i++) {
		bool range = false;

		for (size_t k = 0; k < sizeof(ranges) / sizeof(ranges[0]); k++)
			range |= ranges[k] == (enum mmt_event)i;
		/* the start, then its length */
		assert_int_equal(rows[i].range_arg, range ? 1 : 0);
		if (range)
			assert_true(mmt_events[i].nargs >= 2);
		if (i != MMT_EV_MMAP && i != MMT_EV_PROCESS_MADVISE)
			assert_int_equal(rows[i].fd_arg, 0);
	}
}

/*
 * The exit program sends a struct mmt_call_extra only where the payload's
 * branch has room for it: masks (by the event's flags) and move_pages
 * (always). An event with migrations or a target and another payload would
 * lose them; a move_pages-like event without them would send stale ones.
 */
static void test_rows_extra(void **state)
{
	int with = 0;

	(void)state;
	for (int i = 0; i < MMT_EV_COUNT; i++) {
		const struct mmt_bpf_event *r = &rows[i];

		if (r->flags & MMT_BPF_EXTRA) {
			with++;
			assert_true(r->payload == MMT_PAYLOAD_MASKS ||
				    r->payload == MMT_PAYLOAD_MOVE_PAGES);
		}
		if (r->payload == MMT_PAYLOAD_MOVE_PAGES)
			assert_true(r->flags & MMT_BPF_EXTRA);
	}
	assert_int_equal(with, 3); /* mbind, migrate_pages, move_pages */
	assert_int_equal(rows[MMT_EV_SET_MEMPOLICY].flags & MMT_BPF_EXTRA, 0);
	assert_int_equal(rows[MMT_EV_MREMAP].flags & MMT_BPF_EXTRA, 0);
}

static void test_mask_sizing(void **state)
{
	__u64 nbits, bytes;
	__u8 trunc;

	(void)state;
	assert_int_equal(mmt_mask_sizing(0, 65, 0, &nbits, &bytes, &trunc), MMT_READ_NULL);
	assert_int_equal(mmt_mask_sizing(1, 1, 0, &nbits, &bytes, &trunc), MMT_READ_EMPTY);
	assert_int_equal(mmt_mask_sizing(1, 65, 0, &nbits, &bytes, &trunc), MMT_READ_OK);
	assert_int_equal(nbits, 64);
	assert_int_equal(bytes, 8);
	assert_int_equal(mmt_mask_sizing(1, 66, 0, &nbits, &bytes, &trunc), MMT_READ_OK);
	assert_int_equal(bytes, 16);
	assert_int_equal(mmt_mask_sizing(1, 66, 1, &nbits, &bytes, &trunc), MMT_READ_OK);
	assert_int_equal(bytes, 12); /* three 32-bit longs */
	assert_int_equal(mmt_mask_sizing(1, 5000, 1, &nbits, &bytes, &trunc), MMT_READ_OK);
	assert_int_equal(nbits, MMT_MASK_MAX_BITS);
	assert_int_equal(bytes, MMT_MASK_MAX_BITS / 8);
	assert_int_equal(trunc, 1);

	assert_int_equal(mmt_array_sizing(1, 0, 8, 64, &nbits, &bytes, &trunc), MMT_READ_EMPTY);
	assert_int_equal(mmt_array_sizing(1, 3, 8, 64, &nbits, &bytes, &trunc), MMT_READ_OK);
	assert_int_equal(bytes, 24);
	assert_int_equal(trunc, 0);
	assert_int_equal(mmt_array_sizing(1, 100, 4, MMT_ARRAY_MAX, &nbits, &bytes, &trunc),
			 MMT_READ_OK);
	assert_int_equal(nbits, MMT_ARRAY_MAX);
	assert_int_equal(bytes, MMT_ARRAY_MAX * 4);
	assert_int_equal(trunc, 1);
	/* iovecs: at most 8 of 16 bytes; mincore's vec: bytes, pages rounded up */
	assert_int_equal(mmt_array_sizing(1, 9, 16, MMT_IOVEC_MAX, &nbits, &bytes, &trunc),
			 MMT_READ_OK);
	assert_int_equal(bytes, 128);
	assert_int_equal(trunc, 1);
	assert_int_equal(mmt_pages_of(0), 0);
	assert_int_equal(mmt_pages_of(1), 1);
	assert_int_equal(mmt_pages_of(8192), 2);
	assert_int_equal(mmt_pages_of(~0ULL), (~0ULL >> 12) + 1);
	/* an array read whole but for its end: the elements in the first page */
	assert_int_equal(mmt_array_prefix(0x1ff0, 3, 8), 2);
	assert_int_equal(mmt_array_prefix(0x1ffc, 3, 8), 0); /* the first crosses */
	assert_int_equal(mmt_array_prefix(0x1000, 3, 8), 0); /* all in one page */
}

static void test_mask_compare(void **state)
{
	__u64 a[MMT_MASK_WORDS] = {0x5}, b[MMT_MASK_WORDS] = {0x5 | 1ULL << 3};

	(void)state;
	assert_false(mmt_mask_differs(a, b, 3)); /* bit 3 is past nbits */
	assert_true(mmt_mask_differs(a, b, 4));
	b[0] = a[0];
	b[1] = 1; /* bit 64 */
	assert_false(mmt_mask_differs(a, b, 64));
	assert_true(mmt_mask_differs(a, b, 65));
	assert_int_equal(mmt_mask_high_bits(b, MMT_READ_OK, 65), 1);
	assert_int_equal(mmt_mask_high_bits(b, MMT_READ_FAULT, 65), 0);
	/* a word past the mask's bits is left over from another call */
	assert_int_equal(mmt_mask_high_bits(b, MMT_READ_OK, 64), 0);
	/* whole words differ, the last partial one within its bits only */
	b[1] = 0;
	b[15] = 1ULL << 63;
	assert_true(mmt_mask_differs(a, b, 1024));
	assert_false(mmt_mask_differs(a, b, 1023));
	assert_false(mmt_mask_differs(a, b, 0));
}

static void test_hist_pred_ret(void **state)
{
	(void)state;
	assert_int_equal(mmt_hist_slot(0), 0);
	assert_int_equal(mmt_hist_slot(1), 0);
	assert_int_equal(mmt_hist_slot(2), 1);
	assert_int_equal(mmt_hist_slot(1023), 9);
	assert_int_equal(mmt_hist_slot(1024), 10);
	assert_int_equal(mmt_hist_slot(~0ULL), MMT_HIST_SLOTS - 1);

	/* an int argument -1 is below 0 as signed, above it as unsigned */
	assert_true(mmt_pred_holds(MMT_OP_LT, 1, mmt_pred_value(0xffffffffULL, 1, ~0ULL), 0));
	assert_false(mmt_pred_holds(MMT_OP_LT, 0, mmt_pred_value(0xffffffffULL, 0, ~0ULL), 0));
	assert_true(mmt_pred_holds(MMT_OP_ANY_BITS, 0, mmt_pred_value(0x6, 0, 0x2), 0));
	assert_false(mmt_pred_holds(MMT_OP_ANY_BITS, 0, mmt_pred_value(0x6, 0, 0x1), 0));
	assert_true(mmt_pred_holds(MMT_OP_GE, 0, 5, 5));
	assert_false(mmt_pred_holds(MMT_OP_NE, 0, 5, 5));

	assert_true(mmt_ret_failed(-22, 0));
	assert_false(mmt_ret_failed(-22, 1)); /* brk: an address */
	assert_false(mmt_ret_failed(-4096, 0));
	assert_false(mmt_ret_failed(0, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_masks),     cmocka_unit_test(test_rows_move_pages),
		cmocka_unit_test(test_rows_one_array), cmocka_unit_test(test_rows_others),
		cmocka_unit_test(test_mask_sizing),    cmocka_unit_test(test_mask_compare),
		cmocka_unit_test(test_hist_pred_ret),
		cmocka_unit_test(test_rows_extra),
		cmocka_unit_test(test_rows_argctx),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
