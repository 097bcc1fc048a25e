// SPDX-License-Identifier: GPL-2.0
/*
 * mm_decoders.c - the memory family's composite argument decoders.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include "decoders/mm_decoders.h"
#include "text/xlat.h"

/*
 * Append to buf at off, snprintf-style: returns the new full length, writes
 * only what fits below len and keeps the text NUL-terminated.
 */
__attribute__((format(printf, 4, 5))) static size_t append(char *buf, size_t len, size_t off,
							   const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(off < len ? buf + off : NULL, off < len ? len - off : 0, fmt, ap);
	va_end(ap);
	return off + (n > 0 ? (size_t)n : 0);
}

/* "|" and then the bits of val that table x names. */
static size_t append_flags(char *buf, size_t len, size_t off, const struct xlat *x, __u64 val)
{
	off = append(buf, len, off, "|");
	return off + xlat_flags(x, val, off < len ? buf + off : NULL, off < len ? len - off : 0);
}

static __u64 xlat_mask(const struct xlat *x)
{
	__u64 mask = 0;

	for (size_t i = 0; i < x->n; i++)
		mask |= x->e[i].val;
	return mask;
}

/* with_type: the low bits are mmap's type field (else unknown bits) */
static size_t map_flags(__u64 flags, bool with_type, char *buf, size_t len)
{
	static const char *const units[] = {"B", "KB", "MB", "GB", "TB", "PB", "EB"};
	__u64 type = with_type ? flags & MMT_MAP_TYPE : 0;
	__u64 rest = flags & ~type;
	__u64 known, huge = 0;
	const char *name = with_type ? xlat_name(&mmap_types, type) : NULL;
	size_t off = 0;

	if (len)
		buf[0] = '\0';
	/* the size field exists only with MAP_HUGETLB (ksys_mmap_pgoff) */
	if (rest & MMT_MAP_HUGETLB) {
		huge = (rest >> MMT_MAP_HUGE_SHIFT) & MMT_MAP_HUGE_MASK;
		rest &= ~(MMT_MAP_HUGE_MASK << MMT_MAP_HUGE_SHIFT);
	}
	known = rest & xlat_mask(&mmap_flags);

	/* zero: "0", as every other flags argument without a name for 0 */
	if (name)
		off = append(buf, len, 0, "%s", name);
	else if (type)
		off = append(buf, len, 0, "0x%llx", (unsigned long long)type);
	else if (with_type || !flags)
		off = append(buf, len, 0, "0");
	if (known) {
		if (off)
			off = append_flags(buf, len, off, &mmap_flags, known);
		else
			off = xlat_flags(&mmap_flags, known, buf, len);
	}
	if (huge)
		off = append(buf, len, off, "%sMAP_HUGE_%llu%s", off ? "|" : "",
			     1ULL << (huge % 10), units[huge / 10]);
	if (rest & ~known)
		off = append(buf, len, off, "%s0x%llx", off ? "|" : "",
			     (unsigned long long)(rest & ~known));
	return off;
}

size_t mmt_decode_mmap_flags(__u64 flags, char *buf, size_t len)
{
	return map_flags(flags, true, buf, len);
}

size_t mmt_decode_map_bits(__u64 flags, char *buf, size_t len)
{
	return map_flags(flags, false, buf, len);
}
