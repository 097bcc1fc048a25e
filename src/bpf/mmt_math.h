/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmt_math.h - the pure arithmetic of the BPF programs.
 *
 * Built by clang -target bpf into the programs and by gcc into the unit
 * tests, so the tests run the code the kernel runs. No helper calls, no
 * maps, only __u* types: the includer brings them (vmlinux.h, or
 * <linux/types.h>) and mmtrace.h first.
 */
#ifndef MMT_MATH_H
#define MMT_MATH_H

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

/*
 * How a node mask is read, the way the kernel's get_nodes() reads it: the
 * low maxnode - 1 bits of an array of longs (32-bit longs for ia32
 * callers). At most MMT_MASK_MAX_BITS are kept; *truncated says the kernel
 * reads more. Returns MMT_READ_NULL, MMT_READ_EMPTY, or MMT_READ_OK with
 * *nbits to keep and *bytes to copy.
 */
static __always_inline __u8 mmt_mask_sizing(__u64 uptr, __u64 maxnode, int compat, __u64 *nbits,
					    __u64 *bytes, __u8 *truncated)
{
	__u64 n;

	*nbits = 0;
	*bytes = 0;
	*truncated = 0;
	if (!uptr)
		return MMT_READ_NULL;
	if (maxnode <= 1)
		return MMT_READ_EMPTY;
	n = maxnode - 1;
	if (n > MMT_MASK_MAX_BITS) {
		n = MMT_MASK_MAX_BITS;
		*truncated = 1;
	}
	*nbits = n;
	if (compat)
		*bytes = ((n + 31) / 32) * 4;
	else
		*bytes = ((n + 63) / 64) * 8;
	return MMT_READ_OK;
}

/* The same for an array of count elements of elem_size bytes, at most max
 * of them. */
static __always_inline __u8 mmt_array_sizing(__u64 uptr, __u64 count, __u32 elem_size, __u32 max,
					     __u64 *kept, __u64 *bytes, __u8 *truncated)
{
	*kept = 0;
	*bytes = 0;
	*truncated = 0;
	if (!uptr)
		return MMT_READ_NULL;
	if (!count)
		return MMT_READ_EMPTY;
	if (count > max) {
		count = max;
		*truncated = 1;
	}
	*kept = count;
	*bytes = count * elem_size;
	return MMT_READ_OK;
}

#define MMT_PAGE_SIZE 4096ULL /* x86: the unit of a fault in user memory */

/*
 * After a failed read of an array of kept elements: how many of them lie
 * wholly in the page the array starts in, to be read on their own. A read
 * faults page by page and the array (at most MMT_ARRAY_MAX * 8 bytes) spans
 * two pages at most, so when that prefix can be read, the elements from it
 * on cannot (one across the page end included: the kernel's read of it
 * faults too). 0: no shorter prefix to try.
 */
static __always_inline __u64 mmt_array_prefix(__u64 uptr, __u64 kept, __u32 elem_size)
{
	__u64 n;

	if (!elem_size)
		return 0;
	n = (MMT_PAGE_SIZE - (uptr & (MMT_PAGE_SIZE - 1))) / elem_size;
	return n < kept ? n : 0;
}

/* mincore's vec: one byte per page of len bytes, rounded up (as the
 * kernel counts them, without overflow). */
static __always_inline __u64 mmt_pages_of(__u64 len)
{
	return (len >> 12) + !!(len & (MMT_PAGE_SIZE - 1));
}

/*
 * Do two masks differ in their low nbits bits? The whole words are compared
 * without a branch each (the exit of every traced call with a mask runs
 * this), then the bits of the last, partial word.
 */
static __always_inline int mmt_mask_differs(const __u64 *a, const __u64 *b, __u32 nbits)
{
	__u32 full = nbits / 64, rest = nbits % 64;
	__u64 diff = 0;

	for (__u32 i = 0; i < MMT_MASK_WORDS; i++) {
		if (i >= full)
			break;
		diff |= a[i] ^ b[i];
	}
	/* a partial word is within the array (nbits <= MMT_MASK_MAX_BITS):
	 * the mask keeps its index there for the verifier too */
	if (rest && full < MMT_MASK_WORDS) {
		full &= MMT_MASK_WORDS - 1;
		diff |= (a[full] ^ b[full]) & ((1ULL << rest) - 1);
	}
	return diff != 0;
}

/* The bits of a mask past its first word, in the words that hold its
 * nbits bits (0 for a mask not read; the words past them are left over
 * from another call): the compact wire form carries a mask only when
 * this is 0. */
static __always_inline __u64 mmt_mask_high_bits(const __u64 *words, __u8 state, __u32 nbits)
{
	__u64 high = 0;

	if (state != MMT_READ_OK)
		return 0;
	for (__u32 i = 1; i < MMT_MASK_WORDS; i++) {
		if (i * 64 >= nbits)
			break;
		high |= words[i];
	}
	return high;
}

/* The latency histogram's slot: log2 of ns, rounded down. */
static __always_inline __u32 mmt_hist_slot(__u64 lat)
{
	__u32 slot = 0;

	for (__u64 v = lat; v > 1 && slot < MMT_HIST_SLOTS - 1; v >>= 1)
		slot++;
	return slot & (MMT_HIST_SLOTS - 1);
}

/* The value a predicate tests: an argument or the return value, its low
 * 32 bits sign-extended when it is a C int, then masked. */
static __always_inline __u64 mmt_pred_value(__u64 v, __u8 is_int, __u64 mask)
{
	if (is_int)
		v = (__u64)(__s64)(__s32)v;
	return v & mask;
}

/* Does v (already masked) pass op against value? */
static __always_inline int mmt_pred_holds(__u8 op, __u8 is_signed, __u64 v, __u64 value)
{
	switch (op) {
	case MMT_OP_EQ:
		return v == value;
	case MMT_OP_NE:
		return v != value;
	case MMT_OP_LT:
		return is_signed ? (__s64)v < (__s64)value : v < value;
	case MMT_OP_LE:
		return is_signed ? (__s64)v <= (__s64)value : v <= value;
	case MMT_OP_GT:
		return is_signed ? (__s64)v > (__s64)value : v > value;
	case MMT_OP_GE:
		return is_signed ? (__s64)v >= (__s64)value : v >= value;
	default: /* MMT_OP_ANY_BITS */
		return v != 0;
	}
}

/* Did the call fail: a return value in the errno range, for a call whose
 * negative returns are errnos (brk's are addresses)? */
static __always_inline int mmt_ret_failed(__s64 ret, int never_fails)
{
	return ret < 0 && ret >= -4095 && !never_fails;
}

#endif /* MMT_MATH_H */
