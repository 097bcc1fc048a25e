/* SPDX-License-Identifier: GPL-2.0 */
/*
 * numfmt.h - integers to text without printf: the decoders and the
 * renderers print millions of numbers a second.
 */
#ifndef MMT_NUMFMT_H
#define MMT_NUMFMT_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

static const char mmt_digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* How many decimal digits v has: log10 from the bit length, then one
 * comparison. */
static inline size_t u64_digits(__u64 v)
{
	static const __u64 pow10[20] = {
		1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
		10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
		100000000000ULL, 1000000000000ULL, 10000000000000ULL,
		100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
		100000000000000000ULL, 1000000000000000000ULL, 10000000000000000000ULL,
	};
	size_t t = ((64 - __builtin_clzll(v | 1)) * 1233) >> 12;

	return t + 1 - ((v | 1) < pow10[t]);
}

/* Decimal digits of v into buf (at least 20 bytes), no NUL; the length.
 * Two digits a step, from a table, written in place from the end; 32-bit
 * arithmetic once the rest fits. */
static inline size_t fmt_u64(char *buf, __u64 v)
{
	size_t n = u64_digits(v), i = n;
	unsigned int w, r;

	while (v >> 32) {
		__u64 q = v / 100;

		r = (unsigned int)(v - q * 100);
		i -= 2;
		buf[i] = mmt_digit_pairs[2 * r];
		buf[i + 1] = mmt_digit_pairs[2 * r + 1];
		v = q;
	}
	w = (unsigned int)v;
	while (w >= 100) {
		unsigned int q = w / 100;

		r = w - q * 100;
		i -= 2;
		buf[i] = mmt_digit_pairs[2 * r];
		buf[i + 1] = mmt_digit_pairs[2 * r + 1];
		w = q;
	}
	if (w >= 10) {
		buf[0] = mmt_digit_pairs[2 * w];
		buf[1] = mmt_digit_pairs[2 * w + 1];
	} else {
		buf[0] = '0' + (char)w;
	}
	return n;
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
	size_t n = (64 - __builtin_clzll(v | 1) + 3) / 4;

	buf[0] = '0';
	buf[1] = 'x';
	for (size_t i = n; i > 0; i--) {
		buf[1 + i] = digits[v & 15];
		v >>= 4;
	}
	return 2 + n;
}

/* A number as a NUL-terminated string in buf[len] (len >= 24 in practice;
 * shorter: cut). Returns the full length, as snprintf() does. */
static inline size_t fmt_num_str(char *buf, size_t len, __s64 v, bool is_signed, bool hex)
{
	char tmp[24];
	size_t n = hex ? fmt_hex(tmp, v) : is_signed ? fmt_s64(tmp, v) : fmt_u64(tmp, v);

	if (len) {
		size_t c = n < len ? n : len - 1;

		memcpy(buf, tmp, c);
		buf[c] = '\0';
	}
	return n;
}

#endif /* MMT_NUMFMT_H */
