// SPDX-License-Identifier: GPL-2.0
/*
 * test_outputs.c - escaping (JSON and terminal), the JSON event layout of
 * Tracee, and the table line.
 *
 * Every JSON text produced here goes through json_check(), a small
 * validator written for these tests: RFC 8259 syntax, with strings that
 * must be well-formed UTF-8 and contain no raw control character.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "decoders/decode.h"
#include "records.h"
#include "outputs/output.h"

/* 2023-11-14 22:13:20 UTC, as CLOCK_REALTIME - CLOCK_BOOTTIME */
#define BOOT_TO_WALL 1700000000000000000ULL

/* ---- a tiny JSON validator ---- */

#define JV_MAX_KEYS 64
#define JV_KEY_LEN 32

struct jv {
	const unsigned char *p, *end;
	int depth;
	/* keys of the outermost object, in order */
	int nkeys;
	char keys[JV_MAX_KEYS][JV_KEY_LEN];
};

static void jv_ws(struct jv *v)
{
	while (v->p < v->end && (*v->p == ' ' || *v->p == '\t' || *v->p == '\n' || *v->p == '\r'))
		v->p++;
}

static bool jv_lit(struct jv *v, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(v->end - v->p) < n || memcmp(v->p, lit, n))
		return false;
	v->p += n;
	return true;
}

static bool is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Length of a well-formed UTF-8 sequence (Unicode table 3-7), or 0. */
static size_t utf8_ok(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (len > n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

static bool jv_string(struct jv *v, char *key)
{
	size_t klen = 0;

	if (v->p >= v->end || *v->p != '"')
		return false;
	v->p++;
	while (v->p < v->end) {
		unsigned char c = *v->p;
		size_t len = 1;

		if (c == '"') {
			v->p++;
			if (key)
				key[klen < JV_KEY_LEN ? klen : JV_KEY_LEN - 1] = '\0';
			return true;
		}
		if (c < 0x20)
			return false;
		if (c == '\\') {
			if (v->end - v->p < 2)
				return false;
			c = v->p[1];
			if (c == 'u') {
				if (v->end - v->p < 6)
					return false;
				for (int i = 2; i < 6; i++)
					if (!is_hex(v->p[i]))
						return false;
				len = 6;
			} else if (c && strchr("\"\\/bfnrt", c)) {
				len = 2;
			} else {
				return false;
			}
		} else {
			len = utf8_ok(v->p, v->end - v->p);
			if (!len)
				return false;
		}
		if (key && klen + len < JV_KEY_LEN) {
			memcpy(key + klen, v->p, len);
			klen += len;
		}
		v->p += len;
	}
	return false;
}

static bool jv_digits(struct jv *v)
{
	const unsigned char *start = v->p;

	while (v->p < v->end && *v->p >= '0' && *v->p <= '9')
		v->p++;
	return v->p > start;
}

static bool jv_number(struct jv *v)
{
	if (v->p < v->end && *v->p == '-')
		v->p++;
	if (v->p < v->end && *v->p == '0')
		v->p++;
	else if (!jv_digits(v))
		return false;
	if (v->p < v->end && *v->p == '.') {
		v->p++;
		if (!jv_digits(v))
			return false;
	}
	if (v->p < v->end && (*v->p == 'e' || *v->p == 'E')) {
		v->p++;
		if (v->p < v->end && (*v->p == '+' || *v->p == '-'))
			v->p++;
		if (!jv_digits(v))
			return false;
	}
	return true;
}

static bool jv_value(struct jv *v);

static bool jv_object(struct jv *v)
{
	bool top = v->depth == 1;

	v->p++; /* '{' */
	jv_ws(v);
	if (v->p < v->end && *v->p == '}') {
		v->p++;
		return true;
	}
	for (;;) {
		char *key = NULL;

		jv_ws(v);
		if (top && v->nkeys < JV_MAX_KEYS)
			key = v->keys[v->nkeys++];
		if (!jv_string(v, key))
			return false;
		jv_ws(v);
		if (v->p >= v->end || *v->p++ != ':')
			return false;
		if (!jv_value(v))
			return false;
		jv_ws(v);
		if (v->p >= v->end)
			return false;
		if (*v->p == '}') {
			v->p++;
			return true;
		}
		if (*v->p++ != ',')
			return false;
	}
}

static bool jv_array(struct jv *v)
{
	v->p++; /* '[' */
	jv_ws(v);
	if (v->p < v->end && *v->p == ']') {
		v->p++;
		return true;
	}
	for (;;) {
		if (!jv_value(v))
			return false;
		jv_ws(v);
		if (v->p >= v->end)
			return false;
		if (*v->p == ']') {
			v->p++;
			return true;
		}
		if (*v->p++ != ',')
			return false;
	}
}

static bool jv_value(struct jv *v)
{
	bool ok;

	jv_ws(v);
	if (v->p >= v->end || v->depth > 32)
		return false;
	v->depth++;
	switch (*v->p) {
	case '{':
		ok = jv_object(v);
		break;
	case '[':
		ok = jv_array(v);
		break;
	case '"':
		ok = jv_string(v, NULL);
		break;
	case 't':
		ok = jv_lit(v, "true");
		break;
	case 'f':
		ok = jv_lit(v, "false");
		break;
	case 'n':
		ok = jv_lit(v, "null");
		break;
	default:
		ok = jv_number(v);
		break;
	}
	v->depth--;
	return ok;
}

/* Is s[0..n) exactly one JSON text? */
static bool json_valid(const char *s, size_t n, struct jv *v)
{
	memset(v, 0, sizeof(*v));
	v->p = (const unsigned char *)s;
	v->end = v->p + n;
	if (!jv_value(v))
		return false;
	jv_ws(v);
	return v->p == v->end;
}

static void json_check(const char *s, size_t n)
{
	struct jv v;

	if (!json_valid(s, n, &v))
		fail_msg("not valid JSON: '%.*s'", (int)n, s);
}

/* the validator must itself reject what it is there to catch */
static void test_validator(void **state)
{
	static const char *const good[] = {
		"\"\"",
		"\"a\\\"b\\\\c\\/\\b\\f\\n\\r\\t\\u00e9\"",
		"\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"",
		"[]",
		"{}",
		"[1,-2,0.5,1e3,true,false,null]",
		"{\"a\":{\"b\":[{}]}}\n",
	};
	static const char *const bad[] = {
		"",
		"\"",
		"\"\n\"",
		"\"\t\"",
		"\"\x01\"",
		"\"\\x41\"",
		"\"\\u12\"",
		"\"\xff\"",
		"\"\xc0\xaf\"",
		"\"\xed\xa0\x80\"",
		"\"\xe2\x82\"",
		"\"\xf4\x90\x80\x80\"",
		"[1,]",
		"{\"a\"}",
		"{\"a\":1,}",
		"01",
		"-",
		"1.",
		"[1] [2]",
		"tru",
		"{a:1}",
	};
	struct jv v;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!json_valid(good[i], strlen(good[i]), &v))
			fail_msg("validator rejects '%s'", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (json_valid(bad[i], strlen(bad[i]), &v))
			fail_msg("validator accepts '%s'", bad[i]);
}

/* ---- helpers ---- */

static const char *ob_cstr(struct outbuf *ob)
{
	ob_char(ob, '\0');
	assert_int_equal(ob->err, 0);
	ob->len--;
	return ob->buf;
}

/* ob_json_str of n bytes that live in a buffer of exactly n bytes, so that
 * valgrind sees any read past them; checks the result is valid JSON. */
static void expect_json_str(const void *s, size_t n, const char *want)
{
	char *copy = malloc(n ? n : 1);
	struct outbuf ob;

	assert_non_null(copy);
	memcpy(copy, s, n);
	assert_int_equal(ob_init(&ob, -1, 64), 0);
	ob_json_str(&ob, copy, n);
	json_check(ob.buf, ob.len);
	assert_string_equal(ob_cstr(&ob), want);
	ob_free(&ob);
	free(copy);
}

#define JSON_STR(lit, want) expect_json_str(lit, sizeof(lit) - 1, want)

static void expect_safe_str(const void *s, size_t n, const char *want)
{
	char *copy = malloc(n ? n : 1);
	struct outbuf ob;

	assert_non_null(copy);
	memcpy(copy, s, n);
	assert_int_equal(ob_init(&ob, -1, 64), 0);
	ob_safe_str(&ob, copy, n);
	assert_string_equal(ob_cstr(&ob), want);
	ob_free(&ob);
	free(copy);
}

#define SAFE_STR(lit, want) expect_safe_str(lit, sizeof(lit) - 1, want)

/* ---- ob_json_str ---- */

static void test_json_str_plain(void **state)
{
	(void)state;
	JSON_STR("", "\"\"");
	JSON_STR("numactl", "\"numactl\"");
	JSON_STR("/usr/bin/a b", "\"/usr/bin/a b\"");
	JSON_STR("<>&'/", "\"<>&'/\"");
}

static void test_json_str_specials(void **state)
{
	(void)state;
	JSON_STR("\"", "\"\\\"\"");
	JSON_STR("\\", "\"\\\\\"");
	JSON_STR("\n", "\"\\n\"");
	JSON_STR("\t", "\"\\t\"");
	JSON_STR("\r", "\"\\r\"");
	JSON_STR("a\"b\\c\nd\te", "\"a\\\"b\\\\c\\nd\\te\"");
	JSON_STR("\\\"", "\"\\\\\\\"\""); /* no escape of the escape */
	JSON_STR("\"}],\"x\":1", "\"\\\"}],\\\"x\\\":1\"");
	JSON_STR("\x7f", "\"\\u007f\"");
	JSON_STR("\x1b[31mred", "\"\\u001b[31mred\"");
}

static void test_json_str_controls(void **state)
{
	(void)state;
	for (int c = 0x01; c < 0x20; c++) {
		char in[3] = {'a', (char)c, 'z'};
		char want[16];

		if (c == '\n')
			strcpy(want, "\"a\\nz\"");
		else if (c == '\t')
			strcpy(want, "\"a\\tz\"");
		else if (c == '\r')
			strcpy(want, "\"a\\rz\"");
		else
			snprintf(want, sizeof(want), "\"a\\u%04xz\"", c);
		expect_json_str(in, sizeof(in), want);
	}
}

static void test_json_str_invalid_utf8(void **state)
{
	(void)state;
	JSON_STR("\xff", "\"\\ufffd\"");
	JSON_STR("a\xfe"
		 "b",
		 "\"a\\ufffdb\"");
	JSON_STR("\x80", "\"\\ufffd\""); /* lone continuation byte */
	/* truncated sequences: each byte replaced */
	JSON_STR("\xe2\x82", "\"\\ufffd\\ufffd\"");
	JSON_STR("\xe2\x82z", "\"\\ufffd\\ufffdz\"");
	JSON_STR("\xf0\x9f\x98", "\"\\ufffd\\ufffd\\ufffd\"");
	/* overlong */
	JSON_STR("\xc0\xaf", "\"\\ufffd\\ufffd\"");
	JSON_STR("\xc1\xbf", "\"\\ufffd\\ufffd\"");
	JSON_STR("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"");
	JSON_STR("\xf0\x80\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	/* UTF-16 surrogates */
	JSON_STR("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");
	JSON_STR("\xed\xbf\xbf", "\"\\ufffd\\ufffd\\ufffd\"");
	/* past U+10FFFF, and bytes that never start a sequence */
	JSON_STR("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	JSON_STR("\xf5\x80\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	/* a start byte followed by ASCII */
	JSON_STR("\xc3"
		 "A",
		 "\"\\ufffdA\"");
	/* a start byte followed by a quote must not swallow it */
	JSON_STR("\xe2\"x", "\"\\ufffd\\\"x\"");
}

static void test_json_str_valid_utf8(void **state)
{
	(void)state;
	JSON_STR("\xc3\xa9t\xc3\xa9", "\"\xc3\xa9t\xc3\xa9\"");
	JSON_STR("\xe2\x82\xac", "\"\xe2\x82\xac\"");
	JSON_STR("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");
	JSON_STR("\xc2\x80", "\"\xc2\x80\"");		      /* U+0080 is legal JSON */
	JSON_STR("\xed\x9f\xbf", "\"\xed\x9f\xbf\"");	      /* U+D7FF */
	JSON_STR("\xee\x80\x80", "\"\xee\x80\x80\"");	      /* U+E000 */
	JSON_STR("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\""); /* U+10FFFF */
	JSON_STR("\xe0\xa0\x80", "\"\xe0\xa0\x80\"");	      /* U+0800 */
}

static void test_json_str_bounds(void **state)
{
	(void)state;
	/* not NUL-terminated: n bytes and not one more */
	expect_json_str("abc", 3, "\"abc\"");
	expect_json_str("abcdef", 2, "\"ab\"");
	expect_json_str("abc", 0, "\"\"");
	/* a valid sequence cut by n */
	expect_json_str("a\xe2\x82\xac", 3, "\"a\\ufffd\\ufffd\"");
	expect_json_str("a\xe2\x82\xac", 4, "\"a\xe2\x82\xac\"");
	/* a NUL within n ends the string */
	expect_json_str("ab\0cd", 5, "\"ab\"");
	expect_json_str("\0abc", 4, "\"\"");
}

/* n cuts a valid sequence whose last byte is readable: it must not count */
static void test_str_cut_in_buffer(void **state)
{
	static const char euro[] = "a\xe2\x82\xac";
	struct outbuf ob;

	(void)state;
	assert_int_equal(ob_init(&ob, -1, 64), 0);
	ob_json_str(&ob, euro, 3);
	assert_string_equal(ob_cstr(&ob), "\"a\\ufffd\\ufffd\"");
	ob.len = 0;
	ob_safe_str(&ob, euro, 3);
	assert_string_equal(ob_cstr(&ob), "a\\xe2\\x82");
	ob.len = 0;
	ob_safe_str(&ob, euro, 4);
	assert_string_equal(ob_cstr(&ob), euro);
	ob_free(&ob);
}

/* Every single byte and a few thousand pseudo-random strings of bytes that
 * like to break escapers: all must give valid JSON. */
static void test_json_str_always_valid(void **state)
{
	static const unsigned char pool[] = {
		'a',  '"',  '\\', '\n', 0x01, 0x1f, 0x7f, 0x80, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0,
		0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0xa0, 0x9f, 0x8f, 0x90, 'u',	'/',
	};
	unsigned int seed = 12345;
	unsigned char buf[64];
	struct outbuf ob;

	(void)state;
	assert_int_equal(ob_init(&ob, -1, 64), 0);
	for (int c = 1; c < 256; c++) {
		buf[0] = c;
		ob.len = 0;
		ob_json_str(&ob, (const char *)buf, 1);
		json_check(ob.buf, ob.len);
		if (c >= 0x80 && strcmp(ob_cstr(&ob), "\"\\ufffd\""))
			fail_msg("byte %#x alone gives %s", c, ob.buf);
	}
	for (int i = 0; i < 20000; i++) {
		size_t n;

		seed = seed * 1103515245 + 12345;
		n = (seed >> 16) % sizeof(buf);
		for (size_t j = 0; j < n; j++) {
			seed = seed * 1103515245 + 12345;
			buf[j] = (seed >> 16) & 1 ? pool[(seed >> 17) % sizeof(pool)]
						  : (unsigned char)(seed >> 20);
		}
		ob.len = 0;
		ob_json_str(&ob, (const char *)buf, n);
		json_check(ob.buf, ob.len);
	}
	ob_free(&ob);
}

/* ---- ob_safe_str ---- */

static void test_safe_str(void **state)
{
	(void)state;
	SAFE_STR("numactl", "numactl");
	SAFE_STR("a\nb", "a\\x0ab");
	SAFE_STR("\t\r", "\\x09\\x0d");
	SAFE_STR("\x01\x1f", "\\x01\\x1f");
	SAFE_STR("\x1b[2J", "\\x1b[2J");
	SAFE_STR("\x7f", "\\x7f");
	SAFE_STR("\\x41", "\\\\x41"); /* a literal \x41 stays readable */
	SAFE_STR("\"'", "\"'");
	SAFE_STR("\xff", "\\xff");
	SAFE_STR("\xe2\x82", "\\xe2\\x82");
	SAFE_STR("\xc0\xaf", "\\xc0\\xaf");
	SAFE_STR("\xed\xa0\x80", "\\xed\\xa0\\x80");
	SAFE_STR("\xc2\x85", "\\xc2\\x85"); /* C1 control NEL */
	SAFE_STR("\xc2\x9b"
		 "31m",
		 "\\xc2\\x9b31m");	  /* C1 CSI */
	SAFE_STR("\xc2\xa0", "\xc2\xa0"); /* U+00A0 is printable */
	SAFE_STR("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	expect_safe_str("abcdef", 3, "abc");
	expect_safe_str("a\xe2\x82\xac", 3, "a\\xe2\\x82");
	expect_safe_str("ab\0\n", 4, "ab");
	expect_safe_str("x", 0, "");
}

/* ---- small writers ---- */

static void test_ob_numbers(void **state)
{
	struct outbuf ob;

	(void)state;
	assert_int_equal(ob_init(&ob, -1, 4), 0);
	ob_u64(&ob, 0);
	ob_char(&ob, ' ');
	ob_u64(&ob, ~0ULL);
	ob_char(&ob, ' ');
	ob_s64(&ob, -1);
	ob_char(&ob, ' ');
	ob_s64(&ob, INT64_MIN);
	ob_char(&ob, ' ');
	ob_hex(&ob, 0);
	ob_char(&ob, ' ');
	ob_hex(&ob, ~0ULL);
	ob_char(&ob, ' ');
	ob_pad(&ob, "ab", 4);
	ob_pad(&ob, "abcdef", 4);
	assert_string_equal(ob_cstr(&ob), "0 18446744073709551615 -1 -9223372036854775808 "
					  "0x0 0xffffffffffffffff ab  abcdef");
	ob_free(&ob);
}

/* ---- records ---- */

/* mremap(0x7f0000000000, 8192, 16384, flags, 0x7f0000100000) */
static struct mmt_record *mremap_rec(__u64 flags)
{
	struct mmt_record *r = record_call(MMT_EV_MREMAP);

	r->args[0] = 0x7f0000000000ULL;
	r->args[1] = 8192;
	r->args[2] = 16384;
	r->args[3] = flags;
	r->args[4] = 0x7f0000100000ULL;
	r->ret = 0x7f0000100000LL;
	return r;
}

static void set_array(struct mmt_array *a, unsigned int elem_size, const __s64 *v, int n)
{
	memset(a, 0, sizeof(*a));
	a->state = MMT_READ_OK;
	a->elem_size = elem_size;
	a->count = n;
	for (int i = 0; i < n; i++) {
		if (elem_size == 4) {
			__s32 x = (__s32)v[i];

			memcpy((char *)a->data + 4 * i, &x, 4);
		} else {
			a->data[i] = (__u64)v[i];
		}
	}
}

static void set_array_state(struct mmt_array *a, int state, __s32 read_err)
{
	memset(a, 0, sizeof(*a));
	a->state = state;
	a->elem_size = 4;
	a->read_err = read_err;
}

/*
 * move_pages(0, 3, pages, nodes, status, MPOL_MF_MOVE) moving three pages
 * to nodes 0, 1, 0: the second page is not readable (-EFAULT), the third
 * is not there (-ENOENT).
 */
static struct mmt_record *move_pages_rec(void)
{
	static const __s64 pages[] = {0x7f0000000000LL, 0x7f0000001000LL, 0x7f0000002000LL};
	static const __s64 nodes[] = {0, 1, 0};
	static const __s64 status[] = {0, -EFAULT, -ENOENT};
	struct mmt_record *r = record_call(MMT_EV_MOVE_PAGES);
	struct mmt_payload_move_pages *p = record_move(r);

	r->args[0] = 0;
	r->args[1] = 3;
	r->args[2] = 0x7ffc00001000ULL;
	r->args[3] = 0x7ffc00002000ULL;
	r->args[4] = 0x7ffc00003000ULL;
	r->args[5] = 2; /* MPOL_MF_MOVE */
	set_array(&p->pages, 8, pages, 3);
	set_array(&p->nodes, 4, nodes, 3);
	set_array(&p->status, 4, status, 3);
	return r;
}

/* get_mempolicy(mode, nodemask, 1025, addr, flags) that read back *mode
 * (out) and nodes 0 and 1 */
static struct mmt_record *get_mempolicy_rec(__u64 flags, __s32 out)
{
	struct mmt_record *r = record_call(MMT_EV_GET_MEMPOLICY);
	struct mmt_payload_masks *p = record_masks(r);

	r->args[0] = 0x7ffc00004000ULL;
	r->args[1] = 0x7ffc00005000ULL;
	r->args[2] = 1025;
	r->args[3] = flags & 2 ? 0x7f0000000000ULL : 0;
	r->args[4] = flags;
	p->masks[0].state = MMT_READ_OK;
	p->masks[0].nbits = 1024;
	p->masks[0].words[0] = 0x3;
	p->out_int_state = MMT_READ_OK;
	p->out_int = out;
	return r;
}

/* Decode r, render it as JSON (checked) and as a table line. */
static void render_json(const struct mmt_record *r, bool parse, struct outbuf *ob, struct jv *v)
{
	struct mmt_decoded_event ev;

	assert_int_equal(mmt_decode(r, record_len(r), BOOT_TO_WALL, &ev), 0);
	assert_int_equal(ob_init(ob, -1, 64), 0);
	mmt_json_event(ob, &ev, parse);
	if (!json_valid(ob->buf, ob->len, v))
		fail_msg("not valid JSON: '%.*s'", (int)ob->len, ob->buf);
	assert_int_equal(ob->buf[ob->len - 1], '\n');
	if (!parse) {
		/* the tracer decodes raw JSON without text: same bytes */
		struct mmt_decoded_event vals;
		struct outbuf ob2;

		memset(&vals, 0x5a, sizeof(vals));
		assert_int_equal(mmt_decode_values(r, record_len(r), BOOT_TO_WALL, &vals), 0);
		assert_int_equal(vals.ret_text[0], '\0');
		for (int i = 0; i < vals.desc->nargs; i++)
			assert_int_equal(vals.args[i].text[0], '\0');
		assert_int_equal(ob_init(&ob2, -1, 64), 0);
		mmt_json_event(&ob2, &vals, false);
		assert_int_equal(ob2.len, ob->len);
		assert_memory_equal(ob2.buf, ob->buf, ob->len);
		ob_free(&ob2);
	}
	ob_cstr(ob);
}

static void render_table(const struct mmt_record *r, struct outbuf *ob)
{
	struct mmt_decoded_event ev;

	assert_int_equal(mmt_decode(r, record_len(r), BOOT_TO_WALL, &ev), 0);
	assert_int_equal(ob_init(ob, -1, 64), 0);
	mmt_table_event(ob, &ev);
	ob_cstr(ob);
}

static void expect_substr(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("'%s' not found in '%s'", needle, hay);
}

static void expect_no_substr(const char *hay, const char *needle)
{
	if (strstr(hay, needle))
		fail_msg("'%s' unexpectedly found in '%s'", needle, hay);
}

/* JSON of r, raw or parsed, must be exactly want; frees nothing */
static void expect_json_line(const struct mmt_record *r, bool parse, const char *want)
{
	struct outbuf ob;
	struct jv v;

	render_json(r, parse, &ob, &v);
	assert_string_equal(ob.buf, want);
	ob_free(&ob);
}

static void expect_json_has(const struct mmt_record *r, bool parse, const char *want)
{
	struct outbuf ob;
	struct jv v;

	render_json(r, parse, &ob, &v);
	expect_substr(ob.buf, want);
	ob_free(&ob);
}

static void expect_json_lacks(const struct mmt_record *r, bool parse, const char *unwanted)
{
	struct outbuf ob;
	struct jv v;

	render_json(r, parse, &ob, &v);
	expect_no_substr(ob.buf, unwanted);
	ob_free(&ob);
}

/*
 * The table line of a record_call() record: the columns TIME UID COMM PID TID
 * (16, 7, 17, 8, 8 wide), then RET (17) and EVENT (24), each padded with at
 * least one space, then ARGS.
 */
static void expect_table_line(const struct mmt_record *r, const char *ret, const char *args)
{
	const char *event = mmt_event_by_id(r->event)->name;
	char want[8192];
	struct outbuf ob;
	int n;

	assert_true(strlen(ret) < 17);
	n = snprintf(want, sizeof(want),
		     "22:13:21.000000 1000   mremap-test      5100    5101    %s", ret);
	do
		want[n++] = ' ';
	while (n < 56 + 17);
	n += snprintf(want + n, sizeof(want) - n, "%s", event);
	do
		want[n++] = ' ';
	while (n < 56 + 17 + 24 && (size_t)n < sizeof(want));
	snprintf(want + n, sizeof(want) - n, "%s\n", args);

	render_table(r, &ob);
	assert_string_equal(ob.buf, want);
	ob_free(&ob);
}

static void expect_table_has(const struct mmt_record *r, const char *want)
{
	struct outbuf ob;

	render_table(r, &ob);
	expect_substr(ob.buf, want);
	ob_free(&ob);
}

static void expect_table_lacks(const struct mmt_record *r, const char *unwanted)
{
	struct outbuf ob;

	render_table(r, &ob);
	expect_no_substr(ob.buf, unwanted);
	ob_free(&ob);
}

/* ---- the JSON event ---- */

#define JSON_HEAD                                                                                  \
	"{\"timestamp\":1700000001000000000,"                                                      \
	"\"threadStartTime\":1700000000500000000,\"processorId\":7,"                               \
	"\"processId\":100,\"cgroupId\":12345,\"threadId\":101,"                                   \
	"\"parentProcessId\":99,\"hostProcessId\":5100,"                                           \
	"\"hostThreadId\":5101,\"hostParentProcessId\":5099,"                                      \
	"\"userId\":1000,\"mountNamespace\":4026531841,"                                           \
	"\"pidNamespace\":4026531836,\"processName\":\"mremap-test\","                             \
	"\"executable\":{\"path\":\"/usr/bin/mremap-test\"},"                                      \
	"\"hostName\":\"node1\",\"containerId\":\"\",\"container\":{},"                            \
	"\"kubernetes\":{},"

/*
 * The fixture's entity ids (records.h: thread 5101 started at 0.5 s of boot
 * time, its leader 5100 at 0.4 s, its parent 5099 at 0.1 s; wall clock
 * BOOT_TO_WALL later), computed outside mmtrace with MurmurHash3 x86_32
 * (seed 0x18273645) of the big-endian id and start time rounded down to
 * 100 ms, as Tracee hashes them.
 */
#define JSON_ENTITIES                                                                              \
	"\"threadEntityId\":57073803,\"processEntityId\":3279744473,"                           \
	"\"parentEntityId\":452348542,"

#define JSON_MREMAP_MID                                                                            \
	"\"eventId\":\"25\",\"eventName\":\"mremap\",\"matchedPolicies\":[\"\"],"                      \
	"\"argsNum\":5,\"returnValue\":139637977776128,\"syscall\":\"mremap\","                    \
	"\"stackAddresses\":[],"                                                                   \
	"\"contextFlags\":{\"containerStarted\":false,\"isCompat\":false}," JSON_ENTITIES

#define JSON_MOVE_PAGES_MID                                                                        \
	"\"eventId\":\"279\",\"eventName\":\"move_pages\",\"matchedPolicies\":[\"\"],"                 \
	"\"argsNum\":6,\"returnValue\":0,\"syscall\":\"move_pages\","                              \
	"\"stackAddresses\":[],"                                                                   \
	"\"contextFlags\":{\"containerStarted\":false,\"isCompat\":false}," JSON_ENTITIES

/* the outcome of a move_pages of the caller itself that moved nothing */
#define JSON_NO_MIGRATION "\"migration\":{\"succeeded\":0,\"failed\":0,\"split\":0,\"batches\":0}"
#define JSON_SELF_TARGET                                                                           \
	"\"target\":{\"hostProcessId\":5100,\"processName\":\"mremap-test\",\"userId\":1000,"      \
	"\"otherProcess\":false,\"otherUser\":false}"

static const char *const tracee_keys[] = {
	"timestamp",	  "threadStartTime", "processorId",   "processId",    "cgroupId",
	"threadId",	  "parentProcessId", "hostProcessId", "hostThreadId", "hostParentProcessId",
	"userId",	  "mountNamespace",  "pidNamespace",  "processName",  "executable",
	"hostName",	  "containerId",     "container",     "kubernetes",   "eventId",
	"eventName",	  "matchedPolicies", "argsNum",	      "returnValue",  "syscall",
	"stackAddresses", "contextFlags",    "threadEntityId", "processEntityId", "parentEntityId",
	"args",
};

static void expect_keys(const struct mmt_record *r, const char *const *extra, size_t nextra)
{
	const size_t n = sizeof(tracee_keys) / sizeof(tracee_keys[0]);

	for (int parse = 0; parse <= 1; parse++) {
		struct outbuf ob;
		struct jv v;

		render_json(r, parse, &ob, &v);
		assert_int_equal(v.nkeys, n + nextra);
		for (size_t i = 0; i < n; i++)
			assert_string_equal(v.keys[i], tracee_keys[i]);
		for (size_t i = 0; i < nextra; i++)
			assert_string_equal(v.keys[n + i], extra[i]);
		ob_free(&ob);
	}
}

static void test_json_key_order(void **state)
{
	static const char *const migration[] = {"migration"};
	static const char *const both[] = {"migration", "target"};
	struct mmt_record *r;

	(void)state;
	r = mremap_rec(3);
	expect_keys(r, NULL, 0);
	free(r);
	r = record_call(MMT_EV_SET_MEMPOLICY);
	expect_keys(r, NULL, 0);
	free(r);
	r = record_call(MMT_EV_MUNLOCKALL);
	expect_keys(r, NULL, 0);
	free(r);
	/* the outcome objects come after Tracee's keys */
	r = record_call(MMT_EV_MBIND);
	expect_keys(r, migration, 1);
	free(r);
	r = move_pages_rec();
	expect_keys(r, both, 2);
	free(r);
	r = record_call(MMT_EV_MIGRATE_PAGES);
	expect_keys(r, both, 2);
	r->args[0] = 4321; /* not looked up: no target */
	expect_keys(r, migration, 1);
	free(r);
}

static void test_json_mremap_raw(void **state)
{
	struct mmt_record *r = mremap_rec(3);

	(void)state;
	expect_json_line(r, false,
			 JSON_HEAD JSON_MREMAP_MID
			 "\"args\":["
			 "{\"name\":\"old_address\",\"type\":\"trace.Pointer\",\"value\":139637976727552},"
			 "{\"name\":\"old_size\",\"type\":\"uint64\",\"value\":8192},"
			 "{\"name\":\"new_size\",\"type\":\"uint64\",\"value\":16384},"
			 "{\"name\":\"flags\",\"type\":\"int32\",\"value\":3},"
			 "{\"name\":\"new_address\",\"type\":\"trace.Pointer\",\"value\":139637977776128}"
			 "]}\n");
	free(r);
}

static void test_json_mremap_parsed(void **state)
{
	struct mmt_record *r = mremap_rec(3);

	(void)state;
	expect_json_line(
		r, true,
		JSON_HEAD JSON_MREMAP_MID
		"\"args\":["
		"{\"name\":\"old_address\",\"type\":\"trace.Pointer\",\"value\":\"0x7f0000000000\"},"
		"{\"name\":\"old_size\",\"type\":\"uint64\",\"value\":8192},"
		"{\"name\":\"new_size\",\"type\":\"uint64\",\"value\":16384},"
		"{\"name\":\"flags\",\"type\":\"string\",\"value\":\"MREMAP_MAYMOVE|MREMAP_FIXED\"},"
		"{\"name\":\"new_address\",\"type\":\"trace.Pointer\",\"value\":\"0x7f0000100000\"}"
		"]}\n");
	free(r);
}

static void test_json_mremap_error(void **state)
{
	struct mmt_record *r = mremap_rec(0x41);
	struct outbuf ob;
	struct jv v;

	(void)state;
	r->ret = -22;
	r->args[0] = 0;
	r->flags = MMT_REC_COMPAT;
	render_json(r, true, &ob, &v);
	expect_substr(ob.buf, "\"returnValue\":-22,");
	expect_substr(ob.buf, "\"isCompat\":true}");
	expect_substr(ob.buf, "\"value\":\"MREMAP_MAYMOVE|0x40\"");
	/* Tracee prints every pointer as "0x" and hex digits, NULL as "0x0" */
	expect_substr(ob.buf, "{\"name\":\"old_address\",\"type\":\"trace.Pointer\",\"value\":\"0x0\"}");
	ob_free(&ob);
	free(r);
}

static void test_json_set_mempolicy(void **state)
{
	struct mmt_record *r = record_call(MMT_EV_SET_MEMPOLICY);
	struct mmt_mask *m = record_mask(r, 0);
	struct outbuf ob;
	struct jv v;

	(void)state;
	r->args[0] = 5 | 1 << 15;
	r->args[1] = 0x55550000a000ULL;
	r->args[2] = 1025;
	m->state = MMT_READ_OK;
	m->nbits = 1024;
	m->words[0] = 0x3;
	render_json(r, false, &ob, &v);
	expect_substr(ob.buf, "\"eventId\":\"238\",\"eventName\":\"set_mempolicy\","
			      "\"matchedPolicies\":[\"\"],\"argsNum\":3,\"returnValue\":0,"
			      "\"syscall\":\"set_mempolicy\",");
	expect_substr(ob.buf, "\"args\":[{\"name\":\"mode\",\"type\":\"int32\",\"value\":32773},"
			      "{\"name\":\"nodemask\",\"type\":\"trace.Pointer\","
			      "\"value\":93823560622080,\"nodes\":[0,1]},"
			      "{\"name\":\"maxnode\",\"type\":\"uint64\","
			      "\"value\":1025}]}\n");
	ob_free(&ob);

	render_json(r, true, &ob, &v);
	expect_substr(ob.buf, "\"args\":[{\"name\":\"mode\",\"type\":\"string\","
			      "\"value\":\"MPOL_PREFERRED_MANY|MPOL_F_STATIC_NODES\"},"
			      "{\"name\":\"nodemask\",\"type\":\"trace.Pointer\","
			      "\"value\":\"0x55550000a000\",\"nodes\":[0,1]},"
			      "{\"name\":\"maxnode\",\"type\":\"uint64\","
			      "\"value\":1025}]}\n");
	ob_free(&ob);

	/* mode is an int: upper register bits dropped, sign kept */
	r->args[0] = 0xffffffffULL;
	render_json(r, false, &ob, &v);
	expect_substr(ob.buf, "{\"name\":\"mode\",\"type\":\"int32\",\"value\":-1}");
	ob_free(&ob);
	r->args[0] = 0xabcdef0000000002ULL;
	render_json(r, true, &ob, &v);
	/* the register's upper half is kept as rawValue */
	expect_substr(ob.buf, "{\"name\":\"mode\",\"type\":\"string\",\"value\":\"MPOL_BIND\","
			      "\"rawValue\":12379813733990400002}");
	ob_free(&ob);

	/* NULL mask pointer, parsed */
	r->args[1] = 0;
	memset(m, 0, sizeof(*m));
	m->state = MMT_READ_NULL;
	render_json(r, true, &ob, &v);
	expect_substr(ob.buf, "{\"name\":\"nodemask\",\"type\":\"trace.Pointer\","
			      "\"value\":\"0x0\",\"nodes\":null}");
	ob_free(&ob);
	free(r);
}

static void test_json_migrate_pages_pid(void **state)
{
	static const struct {
		__u64 raw;
		const char *want;
	} cases[] = {
		{0xffffffffULL, "\"value\":-1}"},	  {~0ULL, "\"value\":-1}"},
		/* the upper half never reaches the kernel: kept as rawValue */
		{0x100000005ULL, "\"value\":5,\"rawValue\":4294967301}"},	  {0x80000000ULL, "\"value\":-2147483648}"},
		{0x7fffffffULL, "\"value\":2147483647}"},
	};
	struct mmt_record *r = record_call(MMT_EV_MIGRATE_PAGES);
	struct outbuf ob;
	struct jv v;
	char want[128];

	(void)state;
	r->args[1] = 2;
	record_masks(r)->masks[0].state = MMT_READ_NULL;
	record_masks(r)->masks[1].state = MMT_READ_NULL;
	r->ret = -3;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r->args[0] = cases[i].raw;
		snprintf(want, sizeof(want), "{\"name\":\"pid\",\"type\":\"int32\",%s",
			 cases[i].want);
		for (int parse = 0; parse <= 1; parse++) {
			render_json(r, parse, &ob, &v);
			expect_substr(ob.buf, want);
			expect_substr(ob.buf, "\"returnValue\":-3,");
			ob_free(&ob);
		}
	}
	free(r);
}

static void test_json_hostile_strings(void **state)
{
	struct mmt_record *r = mremap_rec(1);
	struct outbuf ob;
	struct jv v;

	(void)state;
	memcpy(r->comm, "a\"b\\c\n\x01\xff\xe2\x82zzzzz", MMT_COMM_LEN);
	memset(r->exe, 'p', sizeof(r->exe)); /* no NUL at all */
	memcpy(r->host, "h\"},\"x\":{\"", 11);
	render_json(r, false, &ob, &v);
	expect_substr(ob.buf,
		      "\"processName\":\"a\\\"b\\\\c\\n\\u0001\\ufffd\\ufffd\\ufffdzzzzz\",");
	expect_substr(ob.buf, "\"hostName\":\"h\\\"},\\\"x\\\":{\\\"\",");
	/* the whole path, and not one byte more */
	{
		char want[MMT_PATH_LEN + 32];

		snprintf(want, sizeof(want), "{\"path\":\"%.*s\"}", MMT_PATH_LEN, r->exe);
		expect_substr(ob.buf, want);
	}
	ob_free(&ob);
	free(r);
}

/* ---- move_pages: arrays ---- */

static void test_json_move_pages_raw(void **state)
{
	struct mmt_record *r = move_pages_rec();

	(void)state;
	expect_json_line(r, false,
			 JSON_HEAD JSON_MOVE_PAGES_MID
			 "\"args\":["
			 "{\"name\":\"pid\",\"type\":\"int32\",\"value\":0},"
			 "{\"name\":\"count\",\"type\":\"uint64\",\"value\":3},"
			 "{\"name\":\"pages\",\"type\":\"trace.Pointer\",\"value\":140720308490240,"
			 "\"values\":[139637976727552,139637976731648,139637976735744]},"
			 "{\"name\":\"nodes\",\"type\":\"trace.Pointer\",\"value\":140720308494336,"
			 "\"values\":[0,1,0]},"
			 "{\"name\":\"status\",\"type\":\"trace.Pointer\",\"value\":140720308498432,"
			 "\"values\":[0,-14,-2]},"
			 "{\"name\":\"flags\",\"type\":\"int32\",\"value\":2}"
			 "]," JSON_NO_MIGRATION "," JSON_SELF_TARGET "}\n");
	free(r);
}

static void test_json_move_pages_parsed(void **state)
{
	struct mmt_record *r = move_pages_rec();

	(void)state;
	/* page addresses as "0x.." strings; nodes and status stay numbers */
	expect_json_line(
		r, true,
		JSON_HEAD JSON_MOVE_PAGES_MID
		"\"args\":["
		"{\"name\":\"pid\",\"type\":\"int32\",\"value\":0},"
		"{\"name\":\"count\",\"type\":\"uint64\",\"value\":3},"
		"{\"name\":\"pages\",\"type\":\"trace.Pointer\",\"value\":\"0x7ffc00001000\","
		"\"values\":[\"0x7f0000000000\",\"0x7f0000001000\",\"0x7f0000002000\"]},"
		"{\"name\":\"nodes\",\"type\":\"trace.Pointer\",\"value\":\"0x7ffc00002000\","
		"\"values\":[0,1,0]},"
		"{\"name\":\"status\",\"type\":\"trace.Pointer\",\"value\":\"0x7ffc00003000\","
		"\"values\":[0,-14,-2]},"
		"{\"name\":\"flags\",\"type\":\"string\",\"value\":\"MPOL_MF_MOVE\"}"
		"]," JSON_NO_MIGRATION "," JSON_SELF_TARGET "}\n");
	free(r);
}

static void test_table_move_pages(void **state)
{
	struct mmt_record *r = move_pages_rec();

	(void)state;
	expect_table_line(r, "0",
			  "pid: 0, count: 3, "
			  "pages: [0x7f0000000000,0x7f0000001000,0x7f0000002000], "
			  "nodes: [0,1,0], status: [0,-EFAULT,-ENOENT], flags: MPOL_MF_MOVE");
	free(r);
}

/* a negative status is -errno by name; only status is, not nodes */
static void test_move_pages_negative_values(void **state)
{
	static const __s64 nodes[] = {-1, 2};
	static const __s64 status[] = {-1, -4095, 2, -EBUSY};
	struct mmt_record *r = move_pages_rec();
	struct mmt_payload_move_pages *p = record_move(r);

	(void)state;
	r->args[1] = 2;
	p->pages.count = 2;
	set_array(&p->nodes, 4, nodes, 2);
	set_array(&p->status, 4, status, 4);
	expect_table_has(r, ", nodes: [-1,2], status: [-EPERM,-4095,2,-EBUSY], flags: ");
	expect_json_has(r, false, "\"values\":[-1,2]},");
	expect_json_has(r, false, "\"values\":[-1,-4095,2,-16]},");
	expect_json_has(r, true, "\"values\":[-1,-4095,2,-16]},");
	free(r);
}

/* nodes NULL only asks where the pages are */
static void test_move_pages_null_and_empty(void **state)
{
	struct mmt_record *r = move_pages_rec();
	struct mmt_payload_move_pages *p = record_move(r);

	(void)state;
	r->args[3] = 0;
	set_array_state(&p->nodes, MMT_READ_NULL, 0);
	expect_json_has(
		r, false,
		"{\"name\":\"nodes\",\"type\":\"trace.Pointer\",\"value\":0,\"values\":null},");
	expect_json_has(
		r, true,
		"{\"name\":\"nodes\",\"type\":\"trace.Pointer\",\"value\":\"0x0\",\"values\":null},");
	expect_table_has(r, ", nodes: NULL, status: [0,-EFAULT,-ENOENT], ");

	/* a failed call: the kernel wrote no status, nothing was read */
	r->ret = -EPERM;
	set_array_state(&p->status, MMT_READ_EMPTY, 0);
	expect_json_has(r, false,
			"{\"name\":\"status\",\"type\":\"trace.Pointer\",\"value\":140720308498432,"
			"\"notWritten\":true},");
	expect_json_has(r, false, "\"returnValue\":-1,");
	expect_table_line(r, "-1 EPERM",
			  "pid: 0, count: 3, "
			  "pages: [0x7f0000000000,0x7f0000001000,0x7f0000002000], "
			  "nodes: NULL, status: ?, flags: MPOL_MF_MOVE");

	/* count 0: nothing to read, no values */
	r->ret = 0;
	r->args[1] = 0;
	set_array_state(&p->pages, MMT_READ_EMPTY, 0);
	set_array_state(&p->status, MMT_READ_EMPTY, 0);
	expect_json_has(
		r, true,
		"{\"name\":\"pages\",\"type\":\"trace.Pointer\",\"value\":\"0x7ffc00001000\","
		"\"values\":[]},");
	expect_table_has(r, "pid: 0, count: 0, pages: 0x7ffc00001000, nodes: NULL, "
			    "status: 0x7ffc00003000, flags: MPOL_MF_MOVE\n");
	free(r);
}

static void test_move_pages_fault(void **state)
{
	struct mmt_record *r = move_pages_rec();
	struct mmt_payload_move_pages *p = record_move(r);

	(void)state;
	r->ret = -EFAULT;
	set_array_state(&p->pages, MMT_READ_FAULT, -EFAULT);
	set_array_state(&p->status, MMT_READ_EMPTY, 0);
	expect_json_has(r, false,
			"{\"name\":\"pages\",\"type\":\"trace.Pointer\",\"value\":140720308490240,"
			"\"readError\":\"EFAULT\"},");
	expect_json_has(
		r, true,
		"{\"name\":\"pages\",\"type\":\"trace.Pointer\",\"value\":\"0x7ffc00001000\","
		"\"readError\":\"EFAULT\"},");
	expect_json_lacks(r, false, "\"values\":[139637976727552");
	expect_table_has(r, "pid: 0, count: 3, pages: 0x7ffc00001000 (unreadable: EFAULT), "
			    "nodes: [0,1,0], ");

	/* an error without a name still reads as an error */
	p->pages.read_err = 0;
	expect_json_has(r, false, "\"value\":140720308490240,\"readError\":\"EIO\"},");
	expect_table_has(r, "pages: 0x7ffc00001000 (unreadable: error), ");
	free(r);
}

/* more than MMT_ARRAY_MAX pages: the first 64 and "truncated" */
static void test_move_pages_truncated(void **state)
{
	struct mmt_record *r = move_pages_rec();
	struct mmt_payload_move_pages *p = record_move(r);
	__s64 pages[MMT_ARRAY_MAX], nodes[MMT_ARRAY_MAX];
	char raw[4096], parsed[4096], table[4096], nodes_json[512], nodes_table[512];
	size_t nr = 0, np = 0, nt = 0, nj = 0, ntt = 0;

	(void)state;
	for (int i = 0; i < MMT_ARRAY_MAX; i++) {
		pages[i] = 0x7f0000000000LL + (__s64)i * 4096;
		nodes[i] = i % 2;
	}
	r->args[1] = 100;
	set_array(&p->pages, 8, pages, MMT_ARRAY_MAX);
	p->pages.truncated = 1;
	set_array(&p->nodes, 4, nodes, MMT_ARRAY_MAX);
	p->nodes.truncated = 1;
	set_array(&p->status, 4, nodes, MMT_ARRAY_MAX);
	p->status.truncated = 1;

	nr += snprintf(raw + nr, sizeof(raw) - nr, "\"values\":[");
	np += snprintf(parsed + np, sizeof(parsed) - np, "\"values\":[");
	nt += snprintf(table + nt, sizeof(table) - nt, "pid: 0, count: 100, pages: [");
	nj += snprintf(nodes_json + nj, sizeof(nodes_json) - nj, "\"values\":[");
	ntt += snprintf(nodes_table + ntt, sizeof(nodes_table) - ntt, "[");
	for (int i = 0; i < MMT_ARRAY_MAX; i++) {
		const char *sep = i ? "," : "";

		nr += snprintf(raw + nr, sizeof(raw) - nr, "%s%llu", sep,
			       (unsigned long long)pages[i]);
		np += snprintf(parsed + np, sizeof(parsed) - np, "%s\"0x%llx\"", sep,
			       (unsigned long long)pages[i]);
		nt += snprintf(table + nt, sizeof(table) - nt, "%s0x%llx", sep,
			       (unsigned long long)pages[i]);
		nj += snprintf(nodes_json + nj, sizeof(nodes_json) - nj, "%s%d", sep, i % 2);
		ntt += snprintf(nodes_table + ntt, sizeof(nodes_table) - ntt, "%s%d", sep, i % 2);
	}
	snprintf(raw + nr, sizeof(raw) - nr, "],\"truncated\":true},");
	snprintf(parsed + np, sizeof(parsed) - np, "],\"truncated\":true},");
	snprintf(nodes_json + nj, sizeof(nodes_json) - nj, "],\"truncated\":true},");
	snprintf(nodes_table + ntt, sizeof(nodes_table) - ntt, ",...] (truncated)");
	snprintf(table + nt, sizeof(table) - nt,
		 ",...] (truncated), nodes: %s, status: %s, "
		 "flags: MPOL_MF_MOVE",
		 nodes_table, nodes_table);
	assert_true(nr < sizeof(raw) - 32 && np < sizeof(parsed) - 32 && nt < sizeof(table) - 600);

	expect_json_has(r, false, raw);
	expect_json_has(r, true, parsed);
	expect_json_has(r, false, nodes_json);
	expect_table_line(r, "0", table);

	/* not truncated: no marker */
	p->pages.truncated = 0;
	p->nodes.truncated = 0;
	p->status.truncated = 0;
	expect_json_lacks(r, false, "truncated");
	expect_table_lacks(r, "truncated");
	expect_table_lacks(r, "...");
	free(r);
}

/* an ia32 caller: 4-byte page pointers */
static void test_move_pages_ia32(void **state)
{
	static const __s64 pages[] = {0x08049000, 0x0804a000};
	struct mmt_record *r = move_pages_rec();
	struct mmt_payload_move_pages *p = record_move(r);

	(void)state;
	r->flags = MMT_REC_COMPAT;
	r->args[1] = 2;
	set_array(&p->pages, 4, pages, 2);
	p->nodes.count = 2;
	p->status.count = 2;
	expect_json_has(r, false, "\"values\":[134516736,134520832]},");
	expect_json_has(r, true, "\"values\":[\"0x8049000\",\"0x804a000\"]},");
	expect_json_has(r, false, "\"isCompat\":true}");
	expect_table_line(r, "0",
			  "pid: 0, count: 2, pages: [0x8049000,0x804a000], nodes: [0,1], "
			  "status: [0,-EFAULT], flags: MPOL_MF_MOVE [ia32]");
	free(r);
}

/* ---- get_mempolicy: the mode the kernel wrote ---- */

static void test_get_mempolicy_out(void **state)
{
	struct mmt_record *r = get_mempolicy_rec(0, 2);

	(void)state;
	expect_json_has(
		r, false,
		"\"args\":[{\"name\":\"mode\",\"type\":\"trace.Pointer\",\"value\":140720308502528,"
		"\"out\":2},"
		"{\"name\":\"nodemask\",\"type\":\"trace.Pointer\",\"value\":140720308506624,"
		"\"nodes\":[0,1]},"
		"{\"name\":\"maxnode\",\"type\":\"uint64\",\"value\":1025},"
		"{\"name\":\"addr\",\"type\":\"trace.Pointer\",\"value\":0},"
		"{\"name\":\"flags\",\"type\":\"uint64\",\"value\":0}]}\n");
	expect_json_has(
		r, true,
		"\"args\":[{\"name\":\"mode\",\"type\":\"trace.Pointer\",\"value\":\"0x7ffc00004000\","
		"\"out\":\"MPOL_BIND\"},"
		"{\"name\":\"nodemask\",\"type\":\"trace.Pointer\",\"value\":\"0x7ffc00005000\","
		"\"nodes\":[0,1]},"
		"{\"name\":\"maxnode\",\"type\":\"uint64\",\"value\":1025},"
		"{\"name\":\"addr\",\"type\":\"trace.Pointer\",\"value\":\"0x0\"},"
		"{\"name\":\"flags\",\"type\":\"string\",\"value\":\"0\"}]}\n");
	expect_table_line(r, "0",
			  "mode: [MPOL_BIND], nodemask: [0-1], maxnode: 1025, addr: 0x0, flags: 0");
	free(r);

	/* a mode with mode flags */
	r = get_mempolicy_rec(0, 3 | 1 << 14);
	expect_json_has(r, false, "\"value\":140720308502528,\"out\":16387}");
	expect_json_has(r, true, "\"out\":\"MPOL_INTERLEAVE|MPOL_F_RELATIVE_NODES\"}");
	expect_table_has(r, "mode: [MPOL_INTERLEAVE|MPOL_F_RELATIVE_NODES], nodemask: ");
	free(r);
}

/* with MPOL_F_NODE the kernel writes a node number, not a mode */
static void test_get_mempolicy_out_node(void **state)
{
	struct mmt_record *r = get_mempolicy_rec(1 | 2, 0); /* MPOL_F_NODE|MPOL_F_ADDR */

	(void)state;
	expect_json_has(r, false, "\"value\":140720308502528,\"out\":0}");
	expect_json_has(r, true, "\"value\":\"0x7ffc00004000\",\"out\":\"0\"}");
	expect_json_has(r, true,
			"{\"name\":\"flags\",\"type\":\"string\","
			"\"value\":\"MPOL_F_NODE|MPOL_F_ADDR\"}");
	expect_table_line(r, "0",
			  "mode: [0], nodemask: [0-1], maxnode: 1025, addr: 0x7f0000000000, "
			  "flags: MPOL_F_NODE|MPOL_F_ADDR");
	free(r);

	/* node 2 is not MPOL_BIND */
	r = get_mempolicy_rec(1, 2);
	expect_json_has(r, true, "\"out\":\"2\"}");
	expect_json_lacks(r, true, "MPOL_BIND");
	expect_table_has(r, "mode: [2], ");
	free(r);
}

static void test_get_mempolicy_out_states(void **state)
{
	struct mmt_record *r = get_mempolicy_rec(0, 2);
	struct mmt_payload_masks *p = record_masks(r);

	(void)state;
	/* mode NULL */
	r->args[0] = 0;
	p->out_int_state = MMT_READ_NULL;
	p->out_int = 0;
	expect_json_has(r, false,
			"{\"name\":\"mode\",\"type\":\"trace.Pointer\",\"value\":0,\"out\":null},");
	expect_json_has(r, true,
			"{\"name\":\"mode\",\"type\":\"trace.Pointer\",\"value\":\"0x0\",\"out\":null},");
	expect_table_has(r, "get_mempolicy           mode: NULL, nodemask: [0-1], ");

	/* a failed call: nothing read */
	r->args[0] = 0x7ffc00004000ULL;
	r->ret = -EINVAL;
	p->out_int_state = MMT_READ_EMPTY;
	memset(&p->masks[0], 0, sizeof(p->masks[0]));
	p->masks[0].state = MMT_READ_EMPTY;
	expect_json_has(r, false,
			"{\"name\":\"mode\",\"type\":\"trace.Pointer\",\"value\":140720308502528,"
			"\"notWritten\":true},");
	expect_json_has(r, false, "\"notWritten\":true},{\"name\":\"maxnode\"");
	expect_table_has(r, "get_mempolicy           mode: ?, nodemask: ?, ");

	/* unreadable */
	r->ret = 0;
	p->out_int_state = MMT_READ_FAULT;
	expect_json_has(r, false,
			"{\"name\":\"mode\",\"type\":\"trace.Pointer\",\"value\":140720308502528,"
			"\"readError\":\"EFAULT\"},");
	expect_table_has(r, "mode: 0x7ffc00004000 (unreadable: EFAULT), nodemask: ");

	/* not read at all: the pointer alone */
	p->out_int_state = MMT_READ_NONE;
	expect_json_has(r, false,
			"{\"name\":\"mode\",\"type\":\"trace.Pointer\",\"value\":140720308502528},");
	expect_json_lacks(r, true, "\"out\":");
	expect_table_has(r, "mode: 0x7ffc00004000, nodemask: ");
	free(r);
}

/* ---- the outcome: migrations and the target process ---- */

static void test_migration(void **state)
{
	static const enum mmt_event migrating[] = {MMT_EV_MBIND, MMT_EV_MIGRATE_PAGES,
						   MMT_EV_MOVE_PAGES};

	(void)state;
	for (size_t i = 0; i < sizeof(migrating) / sizeof(migrating[0]); i++) {
		struct mmt_record *r = record_call(migrating[i]);

		/* present even when nothing moved, for raw and parsed JSON */
		expect_json_has(r, false, "]," JSON_NO_MIGRATION);
		expect_json_has(r, true, "]," JSON_NO_MIGRATION);
		expect_table_lacks(r, "=>");

		r->flags = MMT_REC_MIGRATED;
		r->migrate_succeeded = 512;
		r->migrate_failed = 3;
		r->migrate_split = 1;
		r->migrate_batches = 2;
		expect_json_has(r, false,
				"],\"migration\":{\"succeeded\":512,\"failed\":3,\"split\":1,"
				"\"batches\":2}");
		expect_table_has(r, " => migrated 512, failed 3, split 1\n");

		/* the table says it only for batches that were seen */
		r->migrate_batches = 0;
		expect_table_lacks(r, "=>");
		expect_json_has(r, false,
				"],\"migration\":{\"succeeded\":512,\"failed\":3,\"split\":1,"
				"\"batches\":0}");
		free(r);
	}
}

static void test_no_migration_for_others(void **state)
{
	static const enum mmt_event others[] = {MMT_EV_MREMAP, MMT_EV_SET_MEMPOLICY,
						MMT_EV_GET_MEMPOLICY, MMT_EV_BRK, MMT_EV_MADVISE};

	(void)state;
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		struct mmt_record *r = record_call(others[i]);

		r->flags = MMT_REC_MIGRATED | MMT_REC_TARGET;
		r->migrate_succeeded = 1;
		r->migrate_batches = 1;
		r->target_host_pid = 4321;
		strcpy(r->target_comm, "other");
		expect_json_lacks(r, false, "migration");
		expect_json_lacks(r, true, "migration");
		expect_json_lacks(r, false, "\"target\"");
		expect_table_lacks(r, "=>");
		expect_table_lacks(r, "[target");
		free(r);
	}
}

static void test_target(void **state)
{
	struct mmt_record *r = record_call(MMT_EV_MIGRATE_PAGES);
	struct mmt_payload_masks *p = record_masks(r);

	(void)state;
	r->args[1] = 2;
	p->masks[0].state = MMT_READ_NULL;
	p->masks[1].state = MMT_READ_NULL;

	/* pid 0: the caller itself */
	expect_json_has(r, false, JSON_NO_MIGRATION "," JSON_SELF_TARGET "}\n");
	expect_json_has(r, true, JSON_NO_MIGRATION "," JSON_SELF_TARGET "}\n");
	expect_table_line(r, "0", "pid: 0, maxnode: 2, old_nodes: NULL, new_nodes: NULL");

	/* a pid not looked up: no target */
	r->args[0] = 4321;
	expect_json_has(r, false, "]," JSON_NO_MIGRATION "}\n");
	expect_json_lacks(r, false, "\"target\"");
	expect_table_line(r, "0", "pid: 4321, maxnode: 2, old_nodes: NULL, new_nodes: NULL");

	/* another process of another user */
	r->flags = MMT_REC_TARGET;
	r->target_host_pid = 4321;
	r->target_uid = 0;
	strcpy(r->target_comm, "postgres");
	expect_json_has(r, false,
			JSON_NO_MIGRATION
			",\"target\":{\"hostProcessId\":4321,"
			"\"processName\":\"postgres\",\"userId\":0,\"otherProcess\":true,"
			"\"otherUser\":true}}\n");
	expect_table_line(r, "0",
			  "pid: 4321, maxnode: 2, old_nodes: NULL, new_nodes: NULL "
			  "[target postgres pid 4321 uid 0, another user]");

	/* of the same user */
	r->target_uid = 1000;
	expect_json_has(r, true,
			"\"target\":{\"hostProcessId\":4321,\"processName\":\"postgres\","
			"\"userId\":1000,\"otherProcess\":true,\"otherUser\":false}}\n");
	expect_table_has(r, " [target postgres pid 4321 uid 1000]\n");

	/* then what moved, then the caller's bitness */
	r->flags |= MMT_REC_MIGRATED | MMT_REC_COMPAT;
	r->migrate_succeeded = 7;
	r->migrate_batches = 1;
	expect_table_line(r, "0",
			  "pid: 4321, maxnode: 2, old_nodes: NULL, new_nodes: NULL "
			  "[target postgres pid 4321 uid 1000] => migrated 7, failed 0, split 0 "
			  "[ia32]");

	/* a comm that needs escaping, in both outputs */
	r->flags = MMT_REC_TARGET;
	r->migrate_succeeded = 0;
	r->migrate_batches = 0;
	memcpy(r->target_comm, "a\"b\n\x1b[2J456789ab", MMT_COMM_LEN);
	expect_json_has(r, false, "\"processName\":\"a\\\"b\\n\\u001b[2J456789ab\",\"userId\"");
	expect_table_has(r, " [target a\"b\\x0a\\x1b[2J456789ab pid 4321 uid 1000]\n");
	free(r);

	/* move_pages names its target the same way */
	r = move_pages_rec();
	r->args[0] = 77;
	r->flags = MMT_REC_TARGET;
	r->target_host_pid = 9077;
	r->target_uid = 1000;
	strcpy(r->target_comm, "worker");
	expect_json_has(r, false,
			"\"target\":{\"hostProcessId\":9077,\"processName\":\"worker\","
			"\"userId\":1000,\"otherProcess\":true,\"otherUser\":false}}\n");
	expect_table_has(r, "flags: MPOL_MF_MOVE [target worker pid 9077 uid 1000]\n");
	free(r);
}

/* ---- other events of the family ---- */

static void test_brk(void **state)
{
	struct mmt_record *r = record_call(MMT_EV_BRK);

	(void)state;
	r->args[0] = 0;
	r->ret = 0x555555559000LL;
	expect_json_has(r, false,
			"\"eventId\":\"12\",\"eventName\":\"brk\",\"matchedPolicies\":[\"\"],"
			"\"argsNum\":1,\"returnValue\":93824992251904,\"syscall\":\"brk\",");
	expect_json_has(r, false,
			"\"args\":[{\"name\":\"addr\",\"type\":\"trace.Pointer\",\"value\":0}]}\n");
	expect_json_has(r, true,
			"\"args\":[{\"name\":\"addr\",\"type\":\"trace.Pointer\",\"value\":\"0x0\"}]}\n");
	expect_table_line(r, "0x555555559000", "addr: 0x0");

	/* a value that looks like -errno is an address, not an error */
	r->args[0] = 0x555555600000ULL;
	r->ret = -12;
	expect_json_has(r, false, "\"returnValue\":-12,");
	expect_table_has(r, "5101    0xfffffffffffffff4 brk");
	expect_table_lacks(r, "ENOMEM");
	free(r);
}

static void test_mmap(void **state)
{
	struct mmt_record *r = record_call(MMT_EV_MMAP);

	(void)state;
	r->args[0] = 0;
	r->args[1] = 8192;
	r->args[2] = 3;
	r->args[3] = 0x22; /* MAP_PRIVATE|MAP_ANONYMOUS */
	r->args[4] = 0xffffffffULL;
	r->args[5] = 0;
	r->ret = 0x7f0000200000LL;
	expect_json_has(r, false,
			"\"args\":[{\"name\":\"addr\",\"type\":\"trace.Pointer\",\"value\":0},"
			"{\"name\":\"length\",\"type\":\"uint64\",\"value\":8192},"
			"{\"name\":\"prot\",\"type\":\"int32\",\"value\":3},"
			"{\"name\":\"flags\",\"type\":\"int32\",\"value\":34},"
			"{\"name\":\"fd\",\"type\":\"int32\",\"value\":-1},"
			"{\"name\":\"off\",\"type\":\"int64\",\"value\":0}]}\n");
	expect_json_has(
		r, true,
		"\"args\":[{\"name\":\"addr\",\"type\":\"trace.Pointer\",\"value\":\"0x0\"},"
		"{\"name\":\"length\",\"type\":\"uint64\",\"value\":8192},"
		"{\"name\":\"prot\",\"type\":\"string\",\"value\":\"PROT_READ|PROT_WRITE\"},"
		"{\"name\":\"flags\",\"type\":\"string\",\"value\":\"MAP_PRIVATE|MAP_ANONYMOUS\"},"
		"{\"name\":\"fd\",\"type\":\"int32\",\"value\":-1},"
		"{\"name\":\"off\",\"type\":\"int64\",\"value\":0}]}\n");
	expect_table_line(r, "0x7f0000200000",
			  "addr: 0x0, length: 8192, prot: PROT_READ|PROT_WRITE, "
			  "flags: MAP_PRIVATE|MAP_ANONYMOUS, fd: -1, off: 0");

	/* --tracee-format=v0.23: the C type names, the same values */
	mmt_json_configure(MMT_TRACEE_V023);
	expect_json_has(r, false,
			"\"args\":[{\"name\":\"addr\",\"type\":\"void*\",\"value\":0},"
			"{\"name\":\"length\",\"type\":\"size_t\",\"value\":8192},"
			"{\"name\":\"prot\",\"type\":\"int\",\"value\":3},"
			"{\"name\":\"flags\",\"type\":\"int\",\"value\":34},"
			"{\"name\":\"fd\",\"type\":\"int\",\"value\":-1},"
			"{\"name\":\"off\",\"type\":\"off_t\",\"value\":0}]}\n");
	expect_json_has(r, true, "{\"name\":\"prot\",\"type\":\"string\","
				 "\"value\":\"PROT_READ|PROT_WRITE\"}");
	mmt_json_configure(MMT_TRACEE_V024);

	/* values fit their type: an int's upper register half is dropped (kept
	 * as rawValue), off_t is signed */
	r->args[2] = 0x1234500000003ULL;
	r->args[5] = ~0ULL << 12;
	expect_json_has(r, false,
			"{\"name\":\"prot\",\"type\":\"int32\",\"value\":3,"
			"\"rawValue\":320254236426243},");
	expect_json_has(r, false, "{\"name\":\"off\",\"type\":\"int64\",\"value\":-4096}]}\n");
	r->args[2] = 3;
	r->args[5] = 0;

	/* huge pages; a failed call */
	r->args[3] = 0x22 | 0x40000 | (21ULL << 26);
	r->ret = -ENOMEM;
	expect_json_has(r, true,
			"\"value\":\"MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|MAP_HUGE_2MB\"}");
	expect_table_line(
		r, "-12 ENOMEM",
		"addr: 0x0, length: 8192, prot: PROT_READ|PROT_WRITE, "
		"flags: MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|MAP_HUGE_2MB, fd: -1, off: 0");
	free(r);
}

static void test_prot_none(void **state)
{
	struct mmt_record *r = record_call(MMT_EV_MPROTECT);

	(void)state;
	r->args[0] = 0x7f0000000000ULL;
	r->args[1] = 4096;
	r->args[2] = 0;
	expect_json_has(r, false, "{\"name\":\"prot\",\"type\":\"int32\",\"value\":0}]}\n");
	expect_json_has(r, true,
			"{\"name\":\"prot\",\"type\":\"string\",\"value\":\"PROT_NONE\"}]}\n");
	expect_table_line(r, "0", "addr: 0x7f0000000000, len: 4096, prot: PROT_NONE");
	free(r);
}

static void test_madvise(void **state)
{
	struct mmt_record *r = record_call(MMT_EV_MADVISE);

	(void)state;
	r->args[0] = 0x7f0000000000ULL;
	r->args[1] = 8192;
	r->args[2] = 102;
	expect_json_has(r, false, "{\"name\":\"advice\",\"type\":\"int32\",\"value\":102}]}\n");
	expect_json_has(
		r, true,
		"{\"name\":\"advice\",\"type\":\"string\",\"value\":\"MADV_GUARD_INSTALL\"}]}\n");
	expect_table_line(r, "0", "addr: 0x7f0000000000, length: 8192, advice: MADV_GUARD_INSTALL");

	/* an int: -1 raw, unknown in hex */
	r->args[2] = 0xffffffffULL;
	r->ret = -EINVAL;
	expect_json_has(r, false, "{\"name\":\"advice\",\"type\":\"int32\",\"value\":-1}]}\n");
	expect_json_has(r, true,
			"{\"name\":\"advice\",\"type\":\"string\",\"value\":\"0xffffffff\"}]}\n");
	expect_table_line(r, "-22 EINVAL",
			  "addr: 0x7f0000000000, length: 8192, advice: 0xffffffff");
	free(r);
}

static void test_no_args(void **state)
{
	struct mmt_record *r = record_call(MMT_EV_MUNLOCKALL);

	(void)state;
	expect_json_has(r, false,
			"\"eventId\":\"152\",\"eventName\":\"munlockall\",\"matchedPolicies\":[\"\"],"
			"\"argsNum\":0,\"returnValue\":0,\"syscall\":\"munlockall\",");
	expect_json_has(r, false, "\"isCompat\":false}," JSON_ENTITIES "\"args\":[]}\n");
	expect_table_line(r, "0", "");
	free(r);
}

/* ---- the table ---- */

static void test_table_header(void **state)
{
	struct outbuf ob;

	(void)state;
	assert_int_equal(ob_init(&ob, -1, 64), 0);
	mmt_table_header(&ob);
	assert_string_equal(ob_cstr(&ob),
			    "TIME            UID    COMM             PID     "
			    "TID     RET              EVENT                   ARGS\n");
	ob_free(&ob);
}

static void test_table_mremap(void **state)
{
	struct mmt_record *r = mremap_rec(3);
	struct outbuf ob;

	(void)state;
	render_table(r, &ob);
	assert_string_equal(ob.buf, "22:13:21.000000 1000   mremap-test      5100    5101    "
				    "0x7f0000100000   mremap                  "
				    "old_address: 0x7f0000000000, old_size: 8192, "
				    "new_size: 16384, flags: MREMAP_MAYMOVE|MREMAP_FIXED, "
				    "new_address: 0x7f0000100000\n");
	ob_free(&ob);
	free(r);
}

/* page_migration: args[] then the payload's values, by name, as
 * docs/events-nonsyscall.md shows them; kernelThread a JSON bool. */
static struct mmt_record *migration_rec(void)
{
	struct mmt_record *r = record_call(MMT_EV_PAGE_MIGRATION);
	struct mmt_payload_kevent *k = (struct mmt_payload_kevent *)(r + 1);

	r->exit_ns = r->enter_ns;
	r->args[0] = 5; /* numa_misplaced */
	r->args[1] = 0; /* MIGRATE_ASYNC */
	r->args[2] = 512;
	r->args[3] = 3;
	r->args[4] = (__u64)-1;
	r->args[5] = 1;
	k->vals[0] = 1;
	k->vals[1] = 2;
	k->vals[2] = 4;
	k->vals[3] = 7;
	return r;
}

static void test_json_page_migration(void **state)
{
	struct mmt_record *r = migration_rec();
	struct outbuf ob;
	struct jv v;

	(void)state;
	render_json(r, false, &ob, &v);
	expect_substr(ob.buf, "\"eventId\":\"2000\",\"eventName\":\"page_migration\","
			      "\"matchedPolicies\":[\"\"],\"argsNum\":10,\"returnValue\":0,"
			      "\"syscall\":\"\",");
	expect_substr(ob.buf, "\"args\":["
			      "{\"name\":\"reason\",\"type\":\"int32\",\"value\":5},"
			      "{\"name\":\"mode\",\"type\":\"int32\",\"value\":0},"
			      "{\"name\":\"succeeded\",\"type\":\"uint64\",\"value\":512},"
			      "{\"name\":\"failed\",\"type\":\"uint64\",\"value\":3},"
			      "{\"name\":\"dst_node\",\"type\":\"int32\",\"value\":-1},"
			      "{\"name\":\"kernelThread\",\"type\":\"bool\",\"value\":true},"
			      "{\"name\":\"thp_succeeded\",\"type\":\"uint64\",\"value\":1},"
			      "{\"name\":\"thp_failed\",\"type\":\"uint64\",\"value\":2},"
			      "{\"name\":\"thp_split\",\"type\":\"uint64\",\"value\":4},"
			      "{\"name\":\"large_folio_split\",\"type\":\"uint64\",\"value\":7}]}\n");
	ob_free(&ob);
	render_json(r, true, &ob, &v);
	expect_substr(ob.buf, "{\"name\":\"reason\",\"type\":\"string\",\"value\":\"numa_misplaced\"},"
			      "{\"name\":\"mode\",\"type\":\"string\",\"value\":\"MIGRATE_ASYNC\"},");
	expect_substr(ob.buf, "\"value\":true}");
	ob_free(&ob);
	r->args[0] = 42; /* a reason this build does not know: its number */
	r->args[5] = 0;
	render_json(r, true, &ob, &v);
	expect_substr(ob.buf, "{\"name\":\"reason\",\"type\":\"string\",\"value\":\"0x2a\"}");
	expect_substr(ob.buf, "\"value\":false}");
	ob_free(&ob);
	free(r);
}

static void test_table_page_migration(void **state)
{
	struct mmt_record *r = migration_rec();
	struct outbuf ob;

	(void)state;
	render_table(r, &ob);
	expect_substr(ob.buf, " -                page_migration          reason: numa_misplaced, "
			      "mode: MIGRATE_ASYNC, succeeded: 512, failed: 3, dst_node: -1, "
			      "kernelThread: true, thp_succeeded: 1, thp_failed: 2, thp_split: 4, "
			      "large_folio_split: 7\n");
	ob_free(&ob);
	free(r);
}

/* numa_task_placement: kind is a string even without --parse-arguments. */
static void test_json_numa_task_placement(void **state)
{
	struct mmt_record *r = record_call(MMT_EV_NUMA_TASK_PLACEMENT);
	struct outbuf ob;
	struct jv v;

	(void)state;
	r->args[0] = MMT_NUMA_STICK;
	r->args[1] = 1;
	r->args[2] = 1;
	r->args[3] = (__u64)-1;
	r->args[4] = (__u64)-1;
	for (int parsed = 0; parsed < 2; parsed++) {
		render_json(r, parsed, &ob, &v);
		expect_substr(ob.buf, "\"eventId\":\"2001\",\"eventName\":\"numa_task_placement\",");
		expect_substr(ob.buf, "\"args\":["
				      "{\"name\":\"kind\",\"type\":\"string\",\"value\":\"stick\"},"
				      "{\"name\":\"src_cpu\",\"type\":\"int32\",\"value\":1},"
				      "{\"name\":\"src_nid\",\"type\":\"int32\",\"value\":1},"
				      "{\"name\":\"dst_cpu\",\"type\":\"int32\",\"value\":-1},"
				      "{\"name\":\"dst_nid\",\"type\":\"int32\",\"value\":-1}]}\n");
		ob_free(&ob);
	}
	r->args[0] = 9; /* unknown kind: its number, still a string */
	render_json(r, false, &ob, &v);
	expect_substr(ob.buf, "{\"name\":\"kind\",\"type\":\"string\",\"value\":\"9\"}");
	ob_free(&ob);
	free(r);
}

static void test_table_compat(void **state)
{
	struct mmt_record *r = mremap_rec(3);

	(void)state;
	expect_table_lacks(r, "[ia32]");
	r->flags = MMT_REC_COMPAT;
	expect_table_line(r, "0x7f0000100000",
			  "old_address: 0x7f0000000000, old_size: 8192, "
			  "new_size: 16384, flags: MREMAP_MAYMOVE|MREMAP_FIXED, "
			  "new_address: 0x7f0000100000 [ia32]");
	/* after "(ignored)" */
	r->args[3] = 1;
	expect_table_has(r, "new_address: 0x7f0000100000 (ignored) [ia32]\n");
	/* the other flags are not the bitness */
	r->flags = MMT_REC_MIGRATED | MMT_REC_TARGET;
	expect_table_lacks(r, "[ia32]");
	expect_json_has(r, false, "\"isCompat\":false}");
	free(r);
}

static void test_table_ignored(void **state)
{
	static const struct {
		__u64 flags;
		bool ignored;
	} cases[] = {
		{0, true},  {1, true},	{0x41, true}, {0x8, true}, {2, false},
		{3, false}, {4, false}, {5, false},   {7, false},
	};
	struct outbuf ob;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mmt_record *r = mremap_rec(cases[i].flags);

		render_table(r, &ob);
		if (cases[i].ignored)
			expect_substr(ob.buf, "new_address: 0x7f0000100000 (ignored)\n");
		else
			expect_substr(ob.buf, "new_address: 0x7f0000100000\n");
		ob_free(&ob);
		free(r);
	}
	/* ignored is table-only: the JSON reports the value as passed */
	{
		struct mmt_record *r = mremap_rec(1);

		expect_json_lacks(r, false, "ignored");
		free(r);
	}
}

static void test_table_errors(void **state)
{
	struct mmt_record *r = mremap_rec(1);
	struct outbuf ob;

	(void)state;
	r->ret = -12;
	render_table(r, &ob);
	expect_substr(ob.buf,
		      "5100    5101    -12 ENOMEM       mremap                  old_address: ");
	ob_free(&ob);
	free(r);
}

static void test_table_set_mempolicy(void **state)
{
	struct mmt_record *r = record_call(MMT_EV_SET_MEMPOLICY);
	struct mmt_mask *m = record_mask(r, 0);
	struct outbuf ob;

	(void)state;
	strcpy(r->comm, "numactl");
	r->args[0] = 2;
	r->args[1] = 0x55550000a000ULL;
	r->args[2] = 1025;
	m->state = MMT_READ_OK;
	m->nbits = 1024;
	m->words[0] = 1;
	render_table(r, &ob);
	assert_string_equal(ob.buf, "22:13:21.000000 1000   numactl          5100    5101    "
				    "0                set_mempolicy           "
				    "mode: MPOL_BIND, nodemask: [0], maxnode: 1025\n");
	ob_free(&ob);
	free(r);
}

static void test_table_comm(void **state)
{
	struct mmt_record *r = mremap_rec(3);
	struct outbuf ob;

	(void)state;
	strcpy(r->comm, "ev\nil");
	render_table(r, &ob);
	expect_substr(ob.buf, " 1000   ev\\x0ail         5100    ");
	assert_ptr_equal(strchr(ob.buf, '\n'), ob.buf + ob.len - 1);
	ob_free(&ob);

	/* a comm that fills its 16 bytes, without NUL, and escapes */
	memcpy(r->comm, "\x1b[2J0123456789ab", MMT_COMM_LEN);
	render_table(r, &ob);
	expect_substr(ob.buf, " 1000   \\x1b[2J0123456789ab 5100    ");
	ob_free(&ob);
	free(r);
}

/*
 * An outbuf that writes to a file flushes whenever it is full, in the
 * middle of a line too: the text must be the same as when everything is
 * kept in memory, columns included.
 */
static void test_flush_mid_line(void **state)
{
	enum { N = 6 };
	struct mmt_decoded_event ev[N];
	struct mmt_record *r[N];
	struct outbuf mem, out;
	static char got[65536];
	size_t n = 0;
	int fds[2];
	ssize_t k;

	(void)state;
	r[0] = mremap_rec(3);
	r[1] = mremap_rec(1);
	strcpy(r[1]->comm, "x\ny");
	r[1]->ret = -22;
	r[2] = record_call(MMT_EV_SET_MEMPOLICY);
	r[2]->args[0] = 2;
	r[2]->args[1] = 0x1000;
	r[2]->args[2] = 65;
	record_masks(r[2])->masks[0].state = MMT_READ_OK;
	record_masks(r[2])->masks[0].nbits = 64;
	record_masks(r[2])->masks[0].words[0] = 0xf0f;
	r[3] = move_pages_rec();
	r[3]->args[0] = 77;
	r[3]->flags = MMT_REC_TARGET | MMT_REC_MIGRATED | MMT_REC_COMPAT;
	r[3]->target_host_pid = 9077;
	strcpy(r[3]->target_comm, "worker");
	r[3]->migrate_succeeded = 2;
	r[3]->migrate_batches = 1;
	r[4] = get_mempolicy_rec(1 | 2, 1);
	r[5] = record_call(MMT_EV_MUNLOCKALL);
	for (int i = 0; i < N; i++)
		assert_int_equal(mmt_decode(r[i], record_len(r[i]), BOOT_TO_WALL, &ev[i]), 0);

	for (size_t cap = 1; cap <= 96; cap += 5) {
		assert_int_equal(pipe(fds), 0);
		assert_int_equal(ob_init(&mem, -1, 64), 0);
		assert_int_equal(ob_init(&out, fds[1], cap), 0);
		for (int fmt = 0; fmt < 2; fmt++) {
			mmt_table_header(&mem);
			mmt_table_header(&out);
			for (int i = 0; i < N; i++) {
				if (fmt) {
					mmt_json_event(&mem, &ev[i], i & 1);
					mmt_json_event(&out, &ev[i], i & 1);
				} else {
					mmt_table_event(&mem, &ev[i]);
					mmt_table_event(&out, &ev[i]);
				}
			}
		}
		assert_true(mem.len < sizeof(got)); /* the pipe holds it all */
		assert_int_equal(ob_flush(&out), 0);
		close(fds[1]);
		n = 0;
		while ((k = read(fds[0], got + n, sizeof(got) - n)) > 0)
			n += k;
		close(fds[0]);
		if (n != mem.len || memcmp(got, mem.buf, n))
			fail_msg("cap %zu: flushed output differs:\n%.*s\n"
				 "in memory:\n%.*s",
				 cap, (int)n, got, (int)mem.len, mem.buf);
		ob_free(&mem);
		ob_free(&out);
	}
	for (int i = 0; i < N; i++)
		free(r[i]);
}

static int setup_tz(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	return 0;
}

/* JSON of r with ev.context_id = id; the caller frees ob. */
static void render_json_ctx(const struct mmt_record *r, __u64 id, struct outbuf *ob)
{
	struct mmt_decoded_event ev;

	assert_int_equal(mmt_decode_values(r, record_len(r), BOOT_TO_WALL, &ev), 0);
	ev.context_id = id;
	assert_int_equal(ob_init(ob, -1, 64), 0);
	mmt_json_event(ob, &ev, false);
	ob_cstr(ob);
}

/*
 * A container's task: containerId and container{id,runtime}; Tracee's
 * containerStarted only once the entry point runs, not in the runtime's
 * init; the thread group leader's process entity id is its thread's.
 */
static void test_json_container_started(void **state)
{
	static const struct {
		const char *exe;
		bool started;
	} cases[] = {
		{"/usr/bin/runc", false},   {"/usr/sbin/runc", false}, {"/usr/bin/crun", false},
		{"/usr/sbin/nginx", true},  {"/runc-helper", true},    {"runc", false},
	};
	struct mmt_container c = {.runtime = "docker"};
	struct mmt_record *r = record_call(MMT_EV_BRK);
	struct mmt_decoded_event ev;
	struct outbuf ob;

	(void)state;
	memset(c.id, 'a', MMT_CONTAINER_ID_LEN);
	c.id[MMT_CONTAINER_ID_LEN] = '\0';
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(r->exe, 0, sizeof(r->exe));
		strcpy(r->exe, cases[i].exe);
		assert_int_equal(mmt_decode_values(r, record_len(r), BOOT_TO_WALL, &ev), 0);
		ev.container = &c;
		assert_int_equal(ob_init(&ob, -1, 64), 0);
		mmt_json_event(&ob, &ev, false);
		ob_cstr(&ob);
		expect_substr(ob.buf, "\"containerId\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
				      "\"container\":{\"id\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
				      "\"runtime\":\"docker\"}");
		expect_substr(ob.buf, cases[i].started ? "\"containerStarted\":true,"
						       : "\"containerStarted\":false,");
		ob_free(&ob);
	}
	/* what the runtime told: Tracee's name and image */
	strcpy(c.name, "web-1");
	strcpy(c.image, "nginx:1.27");
	assert_int_equal(mmt_decode_values(r, record_len(r), BOOT_TO_WALL, &ev), 0);
	ev.container = &c;
	assert_int_equal(ob_init(&ob, -1, 64), 0);
	mmt_json_event(&ob, &ev, false);
	ob_cstr(&ob);
	expect_substr(ob.buf, "aaaa\",\"name\":\"web-1\",\"image\":\"nginx:1.27\","
			      "\"runtime\":\"docker\"},\"kubernetes\":{},");
	ob_free(&ob);

	/* no container: never started */
	assert_false(mmt_container_started(NULL, "/usr/sbin/nginx", 16));
	c.id[0] = '\0';
	assert_false(mmt_container_started(&c, "/usr/sbin/nginx", 16));

	/* the leader (tid = pid, same start): one entity id for both */
	r->host_tid = r->host_pid;
	r->leader_start_ns = r->thread_start_ns;
	assert_int_equal(mmt_decode_values(r, record_len(r), BOOT_TO_WALL, &ev), 0);
	assert_int_equal(ob_init(&ob, -1, 64), 0);
	mmt_json_event(&ob, &ev, false);
	ob_cstr(&ob);
	/* 5100 started at BOOT_TO_WALL + 0.5 s (computed outside mmtrace) */
	expect_substr(ob.buf, "\"threadEntityId\":183243307,\"processEntityId\":183243307,");
	ob_free(&ob);
	free(r);
}

/*
 * The rendered context is kept by context id: with an id the output is the
 * same as without one, the first time and when reused; a new id (a new
 * context for the thread) renders the new fields; ids that share a slot
 * do not mix.
 */
static void test_json_context_cache(void **state)
{
	struct mmt_record *r = mremap_rec(3);
	struct outbuf plain, miss, hit, other;

	(void)state;
	render_json_ctx(r, 0, &plain);
	render_json_ctx(r, 5, &miss);
	render_json_ctx(r, 5, &hit);
	assert_string_equal(miss.buf, plain.buf);
	assert_string_equal(hit.buf, plain.buf);
	ob_free(&plain);
	ob_free(&miss);
	ob_free(&hit);
	/* exec and reparent: the tracer gives the new context a new id */
	strcpy(r->exe, "/usr/bin/other \"quoted\"");
	r->host_ppid = 1;
	r->mnt_ns = 4026532000U;
	render_json_ctx(r, 6, &plain);
	expect_substr(plain.buf, "\"executable\":{\"path\":\"/usr/bin/other \\\"quoted\\\"\"}");
	expect_substr(plain.buf, "\"hostParentProcessId\":1,");
	expect_substr(plain.buf, "\"mountNamespace\":4026532000,");
	/* 6 + 16 falls in the same slot: rendered afresh, not taken from 6 */
	strcpy(r->exe, "/bin/third");
	render_json_ctx(r, 6 + 16, &other);
	expect_substr(other.buf, "\"path\":\"/bin/third\"");
	render_json_ctx(r, 0, &hit);
	assert_string_equal(other.buf, hit.buf);
	ob_free(&plain);
	ob_free(&other);
	ob_free(&hit);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validator),
		cmocka_unit_test(test_json_str_plain),
		cmocka_unit_test(test_json_str_specials),
		cmocka_unit_test(test_json_str_controls),
		cmocka_unit_test(test_json_str_invalid_utf8),
		cmocka_unit_test(test_json_str_valid_utf8),
		cmocka_unit_test(test_json_str_bounds),
		cmocka_unit_test(test_str_cut_in_buffer),
		cmocka_unit_test(test_json_str_always_valid),
		cmocka_unit_test(test_safe_str),
		cmocka_unit_test(test_ob_numbers),
		cmocka_unit_test(test_json_key_order),
		cmocka_unit_test(test_json_mremap_raw),
		cmocka_unit_test(test_json_mremap_parsed),
		cmocka_unit_test(test_json_page_migration),
		cmocka_unit_test(test_table_page_migration),
		cmocka_unit_test(test_json_numa_task_placement),
		cmocka_unit_test(test_json_mremap_error),
		cmocka_unit_test(test_json_set_mempolicy),
		cmocka_unit_test(test_json_migrate_pages_pid),
		cmocka_unit_test(test_json_hostile_strings),
		cmocka_unit_test(test_json_move_pages_raw),
		cmocka_unit_test(test_json_move_pages_parsed),
		cmocka_unit_test(test_table_move_pages),
		cmocka_unit_test(test_move_pages_negative_values),
		cmocka_unit_test(test_move_pages_null_and_empty),
		cmocka_unit_test(test_move_pages_fault),
		cmocka_unit_test(test_move_pages_truncated),
		cmocka_unit_test(test_move_pages_ia32),
		cmocka_unit_test(test_get_mempolicy_out),
		cmocka_unit_test(test_get_mempolicy_out_node),
		cmocka_unit_test(test_get_mempolicy_out_states),
		cmocka_unit_test(test_migration),
		cmocka_unit_test(test_no_migration_for_others),
		cmocka_unit_test(test_target),
		cmocka_unit_test(test_brk),
		cmocka_unit_test(test_mmap),
		cmocka_unit_test(test_prot_none),
		cmocka_unit_test(test_madvise),
		cmocka_unit_test(test_no_args),
		cmocka_unit_test(test_table_header),
		cmocka_unit_test(test_table_mremap),
		cmocka_unit_test(test_table_compat),
		cmocka_unit_test(test_table_ignored),
		cmocka_unit_test(test_table_errors),
		cmocka_unit_test(test_table_set_mempolicy),
		cmocka_unit_test(test_table_comm),
		cmocka_unit_test(test_flush_mid_line),
		cmocka_unit_test(test_json_context_cache),
		cmocka_unit_test(test_json_container_started),
	};

	return cmocka_run_group_tests(tests, setup_tz, NULL);
}
