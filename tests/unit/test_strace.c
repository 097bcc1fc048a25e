// SPDX-License-Identifier: GPL-2.0
/*
 * test_strace.c - the strace-syntax renderer (-o strace), the time formats
 * of -t/-tt/-ttt/-r and -T, and the lost_events record of each output.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "decoders/decode.h"
#include "outputs/output.h"
#include "records.h"

static struct mmt_record *rec(enum mmt_event ev)
{
	struct mmt_record *r = record_new(ev);

	assert_non_null(r);
	r->enter_ns = 1000000000ULL;
	r->exit_ns = 1000002000ULL; /* 2 us */
	r->host_pid = 5100;
	r->host_tid = 5101;
	strcpy(r->comm, "t");
	return r;
}

/* r rendered by -o strace; frees r. Returns a static copy. */
static const char *line(struct mmt_record *r)
{
	static char buf[1024];
	struct mmt_decoded_event ev;
	struct outbuf ob;

	assert_int_equal(mmt_decode(r, record_len(r), 0, &ev), 0);
	assert_int_equal(ob_init(&ob, -1, 64), 0);
	mmt_strace_event(&ob, &ev);
	assert_true(ob.len < sizeof(buf));
	memcpy(buf, ob.buf, ob.len);
	buf[ob.len] = '\0';
	ob_free(&ob);
	free(r);
	return buf;
}

static void test_mremap(void **state)
{
	struct mmt_record *r = rec(MMT_EV_MREMAP);

	(void)state;
	mmt_strace_configure(MMT_TIME_DEFAULT, false);
	r->args[0] = 0x7f0000000000ULL;
	r->args[1] = 8192;
	r->args[2] = 8192;
	r->args[3] = 3; /* MREMAP_MAYMOVE|MREMAP_FIXED */
	r->args[4] = 0x7f0000100000ULL;
	r->ret = 0x7f0000100000LL;
	assert_string_equal(line(r),
			    "[pid 5101] mremap(0x7f0000000000, 8192, 8192, "
			    "MREMAP_MAYMOVE|MREMAP_FIXED, 0x7f0000100000) = 0x7f0000100000\n");
	/* without MREMAP_FIXED strace shows four arguments */
	r = rec(MMT_EV_MREMAP);
	r->args[0] = 0x7f0000000000ULL;
	r->args[1] = 4096;
	r->args[2] = 8192;
	r->args[3] = 1;
	r->args[4] = 0x5a5a5000;
	r->ret = -12;
	assert_string_equal(line(r),
			    "[pid 5101] mremap(0x7f0000000000, 4096, 8192, MREMAP_MAYMOVE) "
			    "= -1 ENOMEM (Cannot allocate memory)\n");
}

static void test_mmap_and_padding(void **state)
{
	struct mmt_record *r = rec(MMT_EV_MMAP);

	(void)state;
	mmt_strace_configure(MMT_TIME_DEFAULT, false);
	r->args[0] = 0;
	r->args[1] = 4096;
	r->args[2] = 1; /* PROT_READ */
	r->args[3] = 1; /* MAP_SHARED */
	r->args[4] = 4;
	r->args[5] = 0x5000;
	r->ret = 0x7f0000200000LL;
	assert_string_equal(line(r),
			    "[pid 5101] mmap(NULL, 4096, PROT_READ, MAP_SHARED, 4, 0x5000) "
			    "= 0x7f0000200000\n");
	/* a short call: '=' at column 40, as strace aligns it */
	r = rec(MMT_EV_MUNMAP);
	r->args[0] = 0x7f0000200000ULL;
	r->args[1] = 4096;
	assert_string_equal(line(r), "[pid 5101] munmap(0x7f0000200000, 4096) = 0\n");
	r = rec(MMT_EV_MLOCKALL);
	r->args[0] = 1; /* MCL_CURRENT */
	assert_string_equal(line(r), "[pid 5101] mlockall(MCL_CURRENT)        = 0\n");
	assert_int_equal(strchr(line(rec(MMT_EV_MUNLOCKALL)), '=') - line(rec(MMT_EV_MUNLOCKALL)),
			 40);
}

static void test_node_mask_words(void **state)
{
	struct mmt_record *r = rec(MMT_EV_SET_MEMPOLICY);
	struct mmt_mask *m =
		&record_masks(r)->masks[mmt_events[MMT_EV_SET_MEMPOLICY].args[1].payload_slot];

	(void)state;
	mmt_strace_configure(MMT_TIME_DEFAULT, false);
	r->args[0] = 2; /* MPOL_BIND */
	r->args[1] = 0x5000;
	r->args[2] = 130; /* 129 bits: three words */
	m->state = MMT_READ_OK;
	m->nbits = 129;
	m->words[0] = 5;
	m->words[2] = 1;
	assert_string_equal(line(r), "[pid 5101] set_mempolicy(MPOL_BIND, [0x00000000000005, "
				     "0000000000000000, 0x00000000000001], 130) = 0\n");
	/* NULL */
	r = rec(MMT_EV_SET_MEMPOLICY);
	m = &record_masks(r)->masks[mmt_events[MMT_EV_SET_MEMPOLICY].args[1].payload_slot];
	m->state = MMT_READ_NULL;
	assert_string_equal(line(r), "[pid 5101] set_mempolicy(MPOL_DEFAULT, NULL, 0) = 0\n");
}

static void test_times(void **state)
{
	struct mmt_record *r;
	struct outbuf ob;
	__u64 prev = 0;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(ob_init(&ob, -1, 64), 0);
	/* 2023-11-14 22:13:21.5 UTC */
	mmt_time_text(&ob, MMT_TIME_SEC, 1700000001500000000ULL, &prev);
	ob_char(&ob, '|');
	mmt_time_text(&ob, MMT_TIME_USEC, 1700000001500001000ULL, &prev);
	ob_char(&ob, '|');
	mmt_time_text(&ob, MMT_TIME_EPOCH, 1700000001500001000ULL, &prev);
	ob_char(&ob, '|');
	mmt_time_text(&ob, MMT_TIME_RELATIVE, 1700000001000000000ULL, &prev);
	ob_char(&ob, '|');
	mmt_time_text(&ob, MMT_TIME_RELATIVE, 1700000013250000000ULL, &prev);
	ob_char(&ob, '|');
	mmt_duration_text(&ob, 2000);
	ob_char(&ob, '\0');
	assert_string_equal(ob.buf, "22:13:21|22:13:21.500001|1700000001.500001|     0.000000|"
				    "    12.250000|0.000002");
	ob_free(&ob);
	/* -tt and -T on a strace line */
	mmt_strace_configure(MMT_TIME_USEC, true);
	r = rec(MMT_EV_MUNLOCKALL);
	{
		struct mmt_decoded_event ev;

		assert_int_equal(
			mmt_decode(r, record_len(r), 1700000000000000000ULL - 1000000000ULL, &ev),
			0);
		assert_int_equal(ob_init(&ob, -1, 64), 0);
		mmt_strace_event(&ob, &ev);
		ob_char(&ob, '\0');
		/* the prefix counts in the 40 columns, as in strace */
		assert_string_equal(ob.buf,
				    "[pid 5101] 22:13:20.000000 munlockall() = 0 <0.000002>\n");
		ob_free(&ob);
	}
	free(r);
	mmt_strace_configure(MMT_TIME_DEFAULT, false);
}

static void test_lost_events(void **state)
{
	__u64 lost[MMT_EV_COUNT] = {0};
	struct outbuf ob;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	lost[MMT_EV_MMAP] = 3;
	lost[MMT_EV_MBIND] = 2;
	assert_int_equal(ob_init(&ob, -1, 64), 0);
	mmt_lost_event(&ob, MMT_FMT_JSON, 1700000001500000000ULL, lost);
	mmt_lost_event(&ob, MMT_FMT_TABLE, 1700000001500000000ULL, lost);
	mmt_lost_event(&ob, MMT_FMT_STRACE, 1700000001500000000ULL, lost);
	ob_char(&ob, '\0');
	assert_string_equal(ob.buf,
			    "{\"timestamp\":1700000001500000000,\"eventName\":\"lost_events\","
			    "\"lost\":5,\"lostByEvent\":{\"mmap\":3,\"mbind\":2}}\n"
			    "22:13:21.500000 lost_events LOST 5 events: mmap 3, mbind 2\n"
			    "+++ lost 5 events: mmap 3, mbind 2 +++\n");
	ob_free(&ob);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mremap),		cmocka_unit_test(test_mmap_and_padding),
		cmocka_unit_test(test_node_mask_words), cmocka_unit_test(test_times),
		cmocka_unit_test(test_lost_events),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
