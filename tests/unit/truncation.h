/* SPDX-License-Identifier: GPL-2.0 */
/*
 * truncation.h - the snprintf contract every text decoder keeps, checked
 * at every buffer size: the return value is the full length, the buffer
 * holds the longest prefix that fits followed by a NUL, and nothing past
 * len is written (the rest of buf is a guard area that keeps its 'X's).
 * Include after <cmocka.h>.
 */
#ifndef MMT_TEST_TRUNCATION_H
#define MMT_TEST_TRUNCATION_H

#include <string.h>

typedef size_t (*decode_fn)(const void *arg, char *buf, size_t len);

static void check_truncation(decode_fn fn, const void *arg, const char *full)
{
	size_t flen = strlen(full);
	char buf[512];

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
				fail_msg("%s, len %zu: byte %zu written past the buffer", full, len,
					 i);
	}
}

#endif /* MMT_TEST_TRUNCATION_H */
