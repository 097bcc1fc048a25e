/* SPDX-License-Identifier: GPL-2.0 */
/*
 * numfmt.h - integers to text without printf: the decoders and the
 * renderers print millions of numbers a second.
 */
#ifndef MMT_NUMFMT_H
#define MMT_NUMFMT_H

#include <linux/types.h>
#include <stddef.h>
#include <string.h>

/* Decimal digits of v into buf (at least 20 bytes), no NUL; the length.
 * Two digits a step, from a table. */
static inline size_t fmt_u64(char *buf, __u64 v)
{
	static const char pairs[201] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	char tmp[20];
	size_t i = sizeof(tmp);

	while (v >= 100) {
		__u64 q = v / 100;
		unsigned int r = (unsigned int)(v - q * 100);

		i -= 2;
		memcpy(tmp + i, pairs + 2 * r, 2);
		v = q;
	}
	if (v >= 10) {
		i -= 2;
		memcpy(tmp + i, pairs + 2 * v, 2);
	} else {
		tmp[--i] = '0' + (char)v;
	}
	memcpy(buf, tmp + i, sizeof(tmp) - i);
	return sizeof(tmp) - i;
}

/* "-" and digits (at least 21 bytes). */
static inline size_t fmt_s64(char *buf, __s64 v)
{
	if (v >= 0)
		return fmt_u64(buf, v);
	buf[0] = '-';
	return 1 + fmt_u64(buf + 1, -(__u64)v);
}

/* "0x" and lower-case hex digits (at least 18 bytes). */
static inline size_t fmt_hex(char *buf, __u64 v)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[16];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = digits[v & 15];
		v >>= 4;
	} while (v);
	buf[0] = '0';
	buf[1] = 'x';
	memcpy(buf + 2, tmp + i, sizeof(tmp) - i);
	return 2 + sizeof(tmp) - i;
}

#endif /* MMT_NUMFMT_H */
