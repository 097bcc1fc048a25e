// SPDX-License-Identifier: GPL-2.0
/*
 * test_from_json.c - a JSON event line back into its record: every seed
 * record of the fuzzer (one per event, with masks, arrays, contexts,
 * compat calls) rendered as JSON (raw and --parse-arguments, with -T),
 * rebuilt, and rendered again must give the same JSON, the same table
 * line (all columns) and the same strace line; lines that are not
 * mmtrace's are refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decoders/from_json.h"
#include "outputs/output.h"
#include "records.h"

#define SEEDS "tests/fuzz/corpus"

static const enum mmt_column all_cols[] = {
	MMT_COL_TIME,  MMT_COL_UID,	MMT_COL_COMM, MMT_COL_PID,	 MMT_COL_TID, MMT_COL_RET,
	MMT_COL_EVENT, MMT_COL_LATENCY, MMT_COL_CPU,  MMT_COL_CONTAINER, MMT_COL_EXE, MMT_COL_ARGS,
};

/* The three renderings of ev, one after the other, as one string. */
static char *render(const struct mmt_decoded_event *ev, bool parse_args)
{
	struct outbuf ob;
	char *s;

	assert_int_equal(ob_init(&ob, -1, 256), 0);
	mmt_json_event(&ob, ev, parse_args);
	mmt_table_event(&ob, ev);
	mmt_strace_event(&ob, ev);
	assert_int_equal(ob.err, 0);
	s = strndup(ob.buf, ob.len);
	ob_free(&ob);
	assert_non_null(s);
	return s;
}

static char *json_of(const struct mmt_decoded_event *ev, bool parse_args, size_t *len)
{
	struct outbuf ob;
	char *s;

	assert_int_equal(ob_init(&ob, -1, 256), 0);
	mmt_json_event(&ob, ev, parse_args);
	*len = ob.len;
	s = strndup(ob.buf, ob.len);
	ob_free(&ob);
	assert_non_null(s);
	return s;
}

static int read_seed(const char *name, void *buf, size_t size)
{
	char path[512];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", SEEDS, name);
	f = fopen(path, "rb");
	if (!f)
		return -1;
	n = fread(buf, 1, size, f);
	fclose(f);
	return (int)n;
}

/*
 * The seeds' lengths are arbitrary numbers; the kernel's records have
 * the masks' bits and mincore's page count that their maxnode and
 * length arguments give, and a line keeps those arguments only.
 */
static void consistent(struct mmt_record *r, const struct mmt_decoded_event *ev)
{
	for (int i = 0; i < ev->desc->nargs; i++) {
		const struct mmt_arg_desc *a = &ev->desc->args[i];
		const struct mmt_decoded_arg *d = &ev->args[i];

		if (a->kind == MMT_ARG_NODEMASK && d->data == MMT_DATA_MASK &&
		    d->mask->state == MMT_READ_OK && !d->mask->truncated)
			r->args[a->len_arg] = d->mask->nbits + 1;
		if (a->kind == MMT_ARG_PAGE_VEC && d->data == MMT_DATA_ARRAY &&
		    d->array->state == MMT_READ_OK)
			r->args[a->len_arg] = (__u64)d->array->total * 4096;
	}
}

static void test_seeds_round_trip(void **state)
{
	static struct mmt_json_event j;
	static __u64 rec[8192];
	struct dirent *de;
	DIR *dir = opendir(SEEDS);
	int tried = 0;

	(void)state;
	assert_non_null(dir); /* run from the source tree's root */
	assert_int_equal(mmt_json_event_init(&j), 0);
	mmt_table_configure(all_cols, sizeof(all_cols) / sizeof(all_cols[0]), false);
	mmt_json_durations(true);
	mmt_strace_configure(MMT_TIME_USEC, true);
	while ((de = readdir(dir))) {
		struct mmt_decoded_event ev;
		int n;

		if (de->d_name[0] == '.' || !strncmp(de->d_name, "wire-", 5))
			continue;
		n = read_seed(de->d_name, rec, sizeof(rec));
		if (n < (int)sizeof(struct mmt_record))
			continue;
		/* the seeds' names hold bytes that are not UTF-8, which JSON
		 * carries as U+FFFD: other tests cover that */
		memset(((struct mmt_record *)rec)->comm, 0, MMT_COMM_LEN);
		strcpy(((struct mmt_record *)rec)->comm, "seed");
		if (mmt_decode(rec, n, 1700000000000000000ULL, &ev))
			continue;
		consistent((struct mmt_record *)rec, &ev);
		assert_int_equal(mmt_decode(rec, n, 1700000000000000000ULL, &ev), 0);
		for (int parse = 0; parse < 2; parse++) {
			const char *why = NULL;
			size_t len;
			char *line = json_of(&ev, parse, &len), *a, *b;

			if (mmt_json_event_parse(&j, line, len, &why)) {
				print_error("%s\n", line);
				fail_msg("%s%s: %s", de->d_name, parse ? " (parsed)" : "", why);
			}
			a = render(&ev, parse);
			b = render(&j.ev, parse);
			/* where the unreadable ia32 arguments were is not in a
			 * line: the table says 0x0 then */
			if (ev.args_unread) {
				assert_string_equal(
					strstr(b, "arguments at 0x0: unreadable (EFAULT) [ia32]")
						? "ok"
						: b,
					"ok");
				a[strchr(a, '\n') - a] = 0;
				b[strchr(b, '\n') - b] = 0;
			}
			if (strcmp(a, b)) {
				print_error("%s\n", a);
				print_error("%s\n", b);
				fail_msg("%s%s: rendered otherwise once read back", de->d_name,
					 parse ? " (parsed)" : "");
			}
			assert_true(j.has_duration);
			free(a);
			free(b);
			free(line);
		}
		tried++;
	}
	closedir(dir);
	mmt_json_durations(false);
	mmt_json_event_free(&j);
	/* one seed per event at least */
	assert_true(tried >= MMT_EV_COUNT);
}

/* set_mempolicy(MPOL_BIND|MPOL_F_STATIC_NODES, {0,2}, 64) failing EINVAL:
 * the decoded event's values and texts, from either JSON. */
static void test_set_mempolicy_values(void **state)
{
	static struct mmt_json_event j;
	struct mmt_record *r = record_call(MMT_EV_SET_MEMPOLICY);
	struct mmt_payload_masks *pm = record_masks(r);
	struct mmt_decoded_event ev;

	(void)state;
	assert_int_equal(mmt_json_event_init(&j), 0);
	mmt_json_durations(false);
	r->args[0] = 2 | 0x8000; /* MPOL_BIND | MPOL_F_STATIC_NODES */
	r->args[1] = 0x7f0000001000ULL;
	r->args[2] = 64;
	r->ret = -22;
	pm->masks[0].state = MMT_READ_OK;
	pm->masks[0].nbits = 63;
	pm->masks[0].words[0] = 0x5;
	pm->toctou_method = MMT_KCOPY_REREAD;
	record_decode(r, &ev);
	for (int parse = 0; parse < 2; parse++) {
		const char *why = NULL;
		size_t len;
		char *line = json_of(&ev, parse, &len);

		assert_int_equal(mmt_json_event_parse(&j, line, len, &why), 0);
		assert_int_equal(j.ev.desc->event, MMT_EV_SET_MEMPOLICY);
		assert_int_equal(j.ev.rec->args[0], 0x8002);
		assert_int_equal(j.ev.rec->args[1], 0x7f0000001000ULL);
		assert_int_equal(j.ev.rec->args[2], 64);
		assert_int_equal(j.ev.rec->ret, -22);
		assert_true(j.ev.failed);
		assert_string_equal(j.ev.ret_text, "-22 EINVAL");
		assert_string_equal(j.ev.args[0].text, "MPOL_BIND|MPOL_F_STATIC_NODES");
		assert_int_equal(j.ev.args[1].mask->state, MMT_READ_OK);
		assert_int_equal(j.ev.args[1].mask->words[0], 0x5);
		assert_int_equal(j.ev.rec->host_pid, 5100);
		assert_int_equal(j.ev.rec->host_tid, 5101);
		assert_int_equal(j.ev.rec->uid, 1000);
		assert_string_equal(j.ev.comm, RECORD_COMM);
		assert_string_equal(j.ev.host, RECORD_HOST);
		assert_false(j.has_duration); /* no -T: the latency is not known */
		free(line);
	}
	mmt_json_event_free(&j);
	free(r);
}

static void refused(struct mmt_json_event *j, const char *line)
{
	const char *why = NULL;

	assert_int_equal(mmt_json_event_parse(j, line, strlen(line), &why), -1);
	assert_non_null(why);
}

static void test_refused(void **state)
{
	static struct mmt_json_event j;
	static const char head[] =
		"{\"timestamp\":1,\"hostProcessId\":2,\"hostThreadId\":2,\"processName\":\"a\","
		"\"hostName\":\"h\",\"executable\":{\"path\":\"/a\"},\"returnValue\":0,";

	(void)state;
	assert_int_equal(mmt_json_event_init(&j), 0);
	refused(&j, "");
	refused(&j, "not json");
	refused(&j, "[1,2]");
	refused(&j, "{\"eventName\":\"no_such_event\"}");
	/* a lost_events line is not an event */
	refused(&j, "{\"timestamp\":1,\"eventName\":\"lost_events\",\"args\":[]}");
	{
		char line[1024];

		/* an unknown constant, arguments of another event, a missing one */
		snprintf(line, sizeof(line),
			 "%s\"eventName\":\"set_mempolicy\",\"args\":[{\"name\":\"mode\",\"value\":"
			 "\"MPOL_NOPE\"},"
			 "{\"name\":\"nodemask\",\"value\":0},{\"name\":\"maxnode\",\"value\":0}]}",
			 head);
		refused(&j, line);
		snprintf(line, sizeof(line),
			 "%s\"eventName\":\"set_mempolicy\",\"args\":[{\"name\":\"addr\",\"value\":"
			 "1}]}",
			 head);
		refused(&j, line);
		snprintf(line, sizeof(line),
			 "%s\"eventName\":\"set_mempolicy\",\"args\":[{\"name\":\"mode\",\"value\":"
			 "2},"
			 "{\"name\":\"nodemask\",\"value\":0}]}",
			 head);
		refused(&j, line);
		/* the same with every argument: accepted */
		snprintf(line, sizeof(line),
			 "%s\"eventName\":\"set_mempolicy\",\"args\":[{\"name\":\"mode\",\"value\":"
			 "\"MPOL_BIND\"},"
			 "{\"name\":\"nodemask\",\"value\":0,\"nodes\":null},{\"name\":\"maxnode\","
			 "\"value\":0}]}",
			 head);
		{
			const char *why = NULL;

			assert_int_equal(mmt_json_event_parse(&j, line, strlen(line), &why), 0);
			assert_int_equal(j.ev.rec->args[0], 2);
			assert_int_equal(j.ev.args[1].mask->state, MMT_READ_NULL);
		}
	}
	mmt_json_event_free(&j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seeds_round_trip),
		cmocka_unit_test(test_set_mempolicy_values),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
