// SPDX-License-Identifier: GPL-2.0
/*
 * test_spool.c - the sink's spool: memory first, then a file, order kept,
 * and every event either held or counted as dropped; the file of a run
 * killed (or ended with events left) read back by another, its loss told.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sinks/spool.h"

static char dir[64];
static int runs;

/* A run's identity; each spool of a test its own run id. */
static const struct mmt_spool_ident *ident(const char *subject)
{
	static char prefix[48];
	static struct mmt_spool_ident id;

	snprintf(prefix, sizeof(prefix), "0123456789abcdef0123456789abcdef-%08x", ++runs);
	id = (struct mmt_spool_ident){prefix, "testhost", subject};
	return &id;
}

static int make_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/mmt-spool-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	(void)state;
	return rmdir(dir);
}

/* Push n events "event-<i>"; returns how many were taken in. */
static int push_n(struct mmt_spool *s, int from, int n)
{
	char line[32];
	int ok = 0;

	for (int i = from; i < from + n; i++) {
		int len = snprintf(line, sizeof(line), "event-%d", i);

		ok += mmt_spool_push(s, i % 7, line, len);
	}
	return ok;
}

/* Take everything; check it comes back in order, with its sequence. */
static int take_all(struct mmt_spool *s, int from)
{
	struct mmt_spool_entry *e;
	char want[32];
	int n = 0;

	while ((e = mmt_spool_take(s, 0))) {
		int len = snprintf(want, sizeof(want), "event-%d", from + n);

		assert_int_equal(e->len, len);
		assert_memory_equal(e->data, want, len);
		assert_int_equal(e->event, (from + n) % 7);
		assert_int_equal(e->seq, (unsigned long long)(from + n + 1));
		mmt_spool_acked(s, e);
		free(e);
		n++;
	}
	return n;
}

static void test_memory_only(void **state)
{
	struct mmt_spool s;

	(void)state;
	assert_int_equal(mmt_spool_init(&s, 1 << 20, NULL, 0, NULL), 0);
	assert_int_equal(push_n(&s, 0, 1000), 1000);
	assert_int_equal(mmt_spool_held(&s), 1000);
	assert_int_equal(take_all(&s, 0), 1000);
	assert_int_equal(s.dropped, 0);
	assert_int_equal(s.spooled, 0);
	mmt_spool_free(&s);
}

static void test_overflow_to_file_keeps_order(void **state)
{
	struct mmt_spool s;
	char path[sizeof(s.path)];

	(void)state;
	/* room for a few events in memory, the rest in the file */
	assert_int_equal(mmt_spool_init(&s, 512, dir, 1 << 20, ident("mmtrace")), 0);
	assert_int_equal(push_n(&s, 0, 500), 500);
	assert_true(s.spooled > 0 && s.spooled < 500);
	assert_int_equal(take_all(&s, 0), 500);
	/* read back and acknowledged: the file starts over, and memory is
	 * used again */
	assert_int_equal(s.file_write, 0);
	assert_int_equal(push_n(&s, 500, 3), 3);
	assert_int_equal(take_all(&s, 500), 3);
	snprintf(path, sizeof(path), "%s", s.path);
	mmt_spool_free(&s);
	assert_int_not_equal(access(path, F_OK), 0); /* removed */
}

static void test_full_counts_drops(void **state)
{
	struct mmt_spool s;
	int taken;

	(void)state;
	assert_int_equal(mmt_spool_init(&s, 256, dir, 1024, ident("mmtrace")), 0);
	taken = push_n(&s, 0, 1000);
	assert_true(taken > 0 && taken < 1000);
	assert_int_equal(s.dropped, 1000 - taken); /* held + dropped = pushed */
	assert_int_equal(mmt_spool_held(&s), taken);
	/* the held ones come back in order; the dropped are gone for good */
	{
		struct mmt_spool_entry *e;
		unsigned long long last = 0;
		int n = 0;

		while ((e = mmt_spool_take(&s, 0))) {
			assert_true(e->seq > last);
			last = e->seq;
			free(e);
			n++;
		}
		assert_int_equal(n, taken);
	}
	mmt_spool_free(&s);
}

static void test_take_waits_and_times_out(void **state)
{
	struct mmt_spool s;

	(void)state;
	assert_int_equal(mmt_spool_init(&s, 4096, NULL, 0, NULL), 0);
	assert_null(mmt_spool_take(&s, 20));
	mmt_spool_free(&s);
}

/* Take the one dead file of subject in dir, checking its counts. */
static void take_dead(struct mmt_spool_dead *d, const char *subject, __u64 to_send, __u64 lost)
{
	assert_int_equal(mmt_spoolfile_find_dead(dir, NULL, subject, d, 1, true), 1);
	assert_int_equal(d->to_send, to_send);
	assert_int_equal(d->lost, lost);
	assert_int_equal(d->torn, 0);
	assert_string_equal(d->hdr.subject, subject);
	assert_string_equal(d->hdr.host, "testhost");
}

/* Its records from seq first to last, each "event-<seq - 1>". */
static void read_dead(struct mmt_spool_dead *d, __u64 first, __u64 last)
{
	__u64 seq, at;
	__u16 event;
	size_t len;
	char want[32], *buf;

	for (__u64 i = first; i <= last; i++) {
		buf = mmt_spoolfile_dead_next(d, &seq, &event, &len, &at);
		assert_non_null(buf);
		assert_int_equal(seq, i);
		assert_int_equal(event, (i - 1) % 7);
		assert_int_equal(len, snprintf(want, sizeof(want), "event-%llu",
					       (unsigned long long)(i - 1)));
		assert_memory_equal(buf, want, len);
		free(buf);
	}
}

/*
 * A run killed: what its file holds comes back once, and what it held in
 * memory only (not acknowledged) is counted, from the header page it kept
 * up to date until the kill.
 */
static void test_killed_run(void **state)
{
	struct mmt_spool_dead d;
	int status, in_mem = 0;
	pid_t pid;
	int pipefd[2];

	(void)state;
	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct mmt_spool s;
		struct mmt_spool_entry *e[5];

		if (mmt_spool_init(&s, 512, dir, 1 << 20, ident("mmtrace")) ||
		    push_n(&s, 0, 200) != 200)
			_exit(1);
		in_mem = 200 - (int)s.spooled;
		/* five taken out, the first three acknowledged */
		for (int i = 0; i < 5; i++)
			e[i] = mmt_spool_take(&s, 0);
		for (int i = 0; i < 3; i++)
			mmt_spool_acked(&s, e[i]);
		mmt_spool_floor(&s, e[3]->seq);
		if (write(pipefd[1], &in_mem, sizeof(in_mem)) != sizeof(in_mem))
			_exit(1);
		raise(SIGKILL);
	}
	close(pipefd[1]);
	assert_int_equal(read(pipefd[0], &in_mem, sizeof(in_mem)), sizeof(in_mem));
	close(pipefd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	assert_true(in_mem > 5 && in_mem < 200);
	/* in memory only: in_mem, less the three acknowledged */
	take_dead(&d, "mmtrace", 200 - in_mem, in_mem - 3);
	assert_int_equal(d.hdr.next_seq, 201);
	assert_int_equal(d.hdr.floor, 4);
	read_dead(&d, in_mem + 1, 200);
	{
		__u64 seq, at;
		__u16 event;
		size_t len;

		assert_null(mmt_spoolfile_dead_next(&d, &seq, &event, &len, &at));
	}
	mmt_spoolfile_dead_close(&d, true);
	assert_int_equal(mmt_spoolfile_find_dead(dir, NULL, "mmtrace", &d, 1, true), 0);
}

/*
 * A run that ends with events left writes its memory part to the file:
 * nothing is lost, the later run sends all of them.
 */
static void test_saved_at_end(void **state)
{
	struct mmt_spool s;
	struct mmt_spool_dead d;
	struct mmt_spool_entry *e[5];
	__u64 in_mem;

	(void)state;
	assert_int_equal(mmt_spool_init(&s, 512, dir, 1 << 20, ident("mmtrace")), 0);
	assert_int_equal(push_n(&s, 0, 200), 200);
	in_mem = 200 - s.spooled;
	for (int i = 0; i < 5; i++)
		e[i] = mmt_spool_take(&s, 0);
	for (int i = 0; i < 3; i++)
		mmt_spool_acked(&s, e[i]);
	mmt_spool_floor(&s, e[3]->seq);
	/* the two taken and not acknowledged, and the memory part */
	assert_int_equal(mmt_spool_save(&s, &e[3], 2), 200 - 3);
	assert_int_equal(s.saved, in_mem - 3);
	assert_int_equal(s.dropped, 0);
	for (int i = 0; i < 5; i++)
		free(e[i]);
	mmt_spool_free(&s);
	take_dead(&d, "mmtrace", 200 - 3, 0);
	/* the file's records first, then those written at the end */
	read_dead(&d, in_mem + 1, 200);
	read_dead(&d, 4, in_mem);
	mmt_spoolfile_dead_close(&d, true);
}

/* A live run's file is never taken; nor one of another subject. */
static void test_locked_and_other_subject(void **state)
{
	struct mmt_spool s, t;
	struct mmt_spool_dead d;
	struct mmt_spool_entry *e;

	(void)state;
	assert_int_equal(mmt_spool_init(&s, 0, dir, 1 << 20, ident("mmtrace")), 0);
	assert_int_equal(push_n(&s, 0, 10), 10);
	assert_int_equal(mmt_spoolfile_find_dead(dir, NULL, "mmtrace", &d, 1, true), 0);
	/* ended with its events in the file: another subject's run leaves it */
	assert_int_equal(mmt_spool_save(&s, NULL, 0), 10);
	mmt_spool_free(&s);
	assert_int_equal(mmt_spoolfile_find_dead(dir, NULL, "other", &d, 1, true), 0);
	/* one with the same subject takes it; its own file is not taken */
	assert_int_equal(mmt_spool_init(&t, 4096, dir, 1 << 20, ident("mmtrace")), 0);
	assert_int_equal(mmt_spoolfile_find_dead(dir, t.path, "mmtrace", &d, 1, true), 1);
	assert_int_equal(d.to_send, 10);
	/* half sent, then this run ends: the next one sends the rest */
	for (int i = 0; i < 5; i++) {
		__u64 seq, at;
		__u16 event;
		size_t len;

		free(mmt_spoolfile_dead_next(&d, &seq, &event, &len, &at));
	}
	mmt_spoolfile_dead_progress(&d, d.off);
	mmt_spoolfile_dead_close(&d, false);
	assert_null((e = mmt_spool_take(&t, 0)));
	mmt_spool_free(&t);
	take_dead(&d, "mmtrace", 5, 0);
	read_dead(&d, 6, 10);
	mmt_spoolfile_dead_close(&d, true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memory_only),
		cmocka_unit_test(test_overflow_to_file_keeps_order),
		cmocka_unit_test(test_full_counts_drops),
		cmocka_unit_test(test_take_waits_and_times_out),
		cmocka_unit_test(test_killed_run),
		cmocka_unit_test(test_saved_at_end),
		cmocka_unit_test(test_locked_and_other_subject),
	};

	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
