// SPDX-License-Identifier: GPL-2.0
/*
 * test_jsonl.c - the report's JSON-lines parser: mmtrace's own lines, the
 * escapes, the limits (depth, arena) and broken input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "report/jsonl.h"

static struct mmt_jarena arena;

static struct mmt_jv *parse(const char *s, const char **why)
{
	*why = NULL;
	return mmt_json_parse(&arena, s, strlen(s), why);
}

static void test_event_line(void **state)
{
	/* an mmtrace line, shortened, with the migration object */
	static const char line[] =
		"{\"timestamp\":1796586643870289723,\"processId\":19452,\"hostProcessId\":19452,"
		"\"processName\":\"placement_load\",\"eventId\":\"237\",\"eventName\":\"mbind\","
		"\"returnValue\":-22,\"args\":[{\"name\":\"addr\",\"type\":\"void*\",\"value\":"
		"\"0x7f88ec200000\"},{\"name\":\"len\",\"type\":\"unsigned long\",\"value\":"
		"16777216}],\"migration\":{\"succeeded\":64,\"failed\":0,\"split\":0,"
		"\"batches\":1},\"isCompat\":false,\"x\":null,\"f\":-1.5e3}";
	const char *why;
	struct mmt_jv *v = parse(line, &why);

	(void)state;
	assert_non_null(v);
	assert_int_equal(mmt_json_int(mmt_json_get(v, "timestamp"), 0), 1796586643870289723LL);
	assert_string_equal(mmt_json_get(v, "eventName")->str, "mbind");
	assert_int_equal(mmt_json_int(mmt_json_get(v, "returnValue"), 0), -22);
	assert_int_equal(mmt_json_int(mmt_json_get(v, "eventId"), 0), 237);
	assert_int_equal(mmt_json_int(mmt_json_get(mmt_json_get(v, "migration"), "succeeded"), 0),
			 64);
	assert_int_equal(mmt_json_int(mmt_json_arg(mmt_json_get(v, "args"), "len"), 0), 16777216);
	assert_int_equal(mmt_json_int(mmt_json_arg(mmt_json_get(v, "args"), "addr"), 0),
			 0x7f88ec200000LL);
	assert_null(mmt_json_arg(mmt_json_get(v, "args"), "nope"));
	assert_null(mmt_json_get(v, "nope"));
	assert_int_equal(mmt_json_get(v, "isCompat")->type, MMT_J_BOOL);
	assert_false(mmt_json_get(v, "isCompat")->b);
	assert_int_equal(mmt_json_get(v, "x")->type, MMT_J_NULL);
	assert_int_equal(mmt_json_int(mmt_json_get(v, "f"), 0), -1500);
	assert_int_equal(mmt_json_int(mmt_json_get(v, "x"), 7), 7);
}

static void test_escapes(void **state)
{
	const char *why;
	struct mmt_jv *v = parse("[\"a\\\"b\\\\c\\n\\u00e9\\u20ac\\u0000\\ud800\", true]", &why);

	(void)state;
	assert_non_null(v);
	assert_string_equal(v->child->str, "a\"b\\c\n\xc3\xa9\xe2\x82\xac\xef\xbf\xbd\xef\xbf\xbd");
	assert_true(v->child->next->b);
	v = parse("  {}  ", &why);
	assert_non_null(v);
	assert_null(v->child);
}

static void test_broken(void **state)
{
	static const char *const bad[] = {
		"",	      "{",	 "{\"a\"}",	   "{\"a\":}", "[1,]",	"[1 2]",
		"\"abc",      "\"\\x\"", "\"\\u12\"",	   "tru",      "-",	"1.2.3",
		"{\"a\":1}x", "garbage", "{\"a\":\"\t\"}", "[\"\\",    "{1:2}",
	};
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_null(parse(bad[i], &why));
		assert_non_null(why);
	}
}

static void test_limits(void **state)
{
	char deep[2 * (MMT_JSON_MAX_DEPTH + 2) + 1];
	struct mmt_jarena small;
	const char *why;
	int n = MMT_JSON_MAX_DEPTH + 1;

	(void)state;
	/* MMT_JSON_MAX_DEPTH + 1 levels parse, one more does not */
	memset(deep, '[', n);
	memset(deep + n, ']', n);
	deep[2 * n] = '\0';
	assert_non_null(parse(deep, &why));
	memset(deep, '[', n + 1);
	memset(deep + n + 1, ']', n + 1);
	deep[2 * n + 2] = '\0';
	assert_null(parse(deep, &why));
	assert_string_equal(why, "nested too deep");
	/* a line bigger than its arena is refused, not overrun */
	assert_int_equal(mmt_jarena_init(&small, 256), 0);
	why = NULL;
	assert_null(mmt_json_parse(&small, "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]", 40, &why));
	assert_string_equal(why, "too big");
	/* the parser stops at the length it is given */
	assert_non_null(mmt_json_parse(&small, "[1]garbage", 3, &why));
	mmt_jarena_free(&small);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_event_line),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_broken),
		cmocka_unit_test(test_limits),
	};
	int ret;

	if (mmt_jarena_init(&arena, 1 << 20))
		return 1;
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	mmt_jarena_free(&arena);
	return ret;
}
