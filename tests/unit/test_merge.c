// SPDX-License-Identifier: GPL-2.0
/*
 * test_merge.c - records from several per-CPU ring buffers come out in
 * time order: held for the window, released oldest first, equal times in
 * arrival order; a record older than one already out goes out at once and
 * is counted late; max_bytes bounds what is held; nothing is lost.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "ring/merge.h"

#define MAX_OUT 4096

struct rec {
	__u64 time;
	__u32 id;
	char pad[20];
};

struct sink {
	struct rec out[MAX_OUT];
	size_t n;
	int fail_at; /* return -EIO for this record (1-based), 0: never */
};

static int collect(void *ctx, const void *data, size_t len)
{
	struct sink *s = ctx;

	assert_int_equal(len, sizeof(struct rec));
	assert_true(s->n < MAX_OUT);
	memcpy(&s->out[s->n++], data, len);
	if (s->fail_at && (int)s->n == s->fail_at)
		return -EIO;
	return 0;
}

static int push_from(struct mmt_merge *m, int source, __u64 time, __u32 id)
{
	struct rec r = { .time = time, .id = id };

	memset(r.pad, (int)id, sizeof(r.pad));
	return mmt_merge_push(m, source, time, &r, sizeof(r));
}

static int push(struct mmt_merge *m, __u64 time, __u32 id)
{
	return push_from(m, 0, time, id);
}

/* Two CPUs' streams, each in order, interleaved by arrival: out by time. */
static void two_cpus_interleave(void **state)
{
	static struct sink s;
	struct mmt_merge *m = mmt_merge_new(2, 10, 1 << 20, collect, &s);
	struct mmt_merge_stats st;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_non_null(m);
	/* CPU 0 drained first: 100, 300, 500; then CPU 1: 200, 400, 600 */
	assert_int_equal(push_from(m, 0, 100, 1), 0);
	assert_int_equal(push_from(m, 0, 300, 3), 0);
	assert_int_equal(push_from(m, 0, 500, 5), 0);
	assert_int_equal(push_from(m, 1, 200, 2), 0);
	assert_int_equal(push_from(m, 1, 400, 4), 0);
	assert_int_equal(push_from(m, 1, 600, 6), 0);
	assert_int_equal(s.n, 0); /* nothing out before a release */
	/* now 409, window 10: up to 399 goes out */
	assert_int_equal(mmt_merge_release(m, 409), 0);
	assert_int_equal(s.n, 3);
	/* now 410: 400 too */
	assert_int_equal(mmt_merge_release(m, 410), 0);
	assert_int_equal(s.n, 4);
	assert_int_equal(mmt_merge_flush(m), 0);
	assert_int_equal(s.n, 6);
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(s.out[i].id, i + 1);
		assert_int_equal(s.out[i].time, 100 * (i + 1));
		for (size_t k = 0; k < sizeof(s.out[i].pad); k++)
			assert_int_equal(s.out[i].pad[k], (char)(i + 1));
	}
	mmt_merge_stats(m, &st);
	assert_int_equal(st.late, 0);
	assert_int_equal(st.early, 0);
	assert_int_equal(st.held, 0);
	assert_int_equal(st.held_bytes, 0);
	assert_int_equal(st.peak_held, 6);
	mmt_merge_free(m);
}

/* Equal times (a context and the call it precedes) keep arrival order; a
 * record older than its source's last one (a straggler) still goes first. */
static void equal_times_keep_arrival_order(void **state)
{
	static struct sink s;
	struct mmt_merge *m = mmt_merge_new(1, 0, 1 << 20, collect, &s);

	(void)state;
	memset(&s, 0, sizeof(s));
	for (__u32 i = 0; i < 100; i++)
		assert_int_equal(push(m, 7, i), 0);
	assert_int_equal(push(m, 6, 1000), 0);
	assert_int_equal(mmt_merge_release(m, 7), 0);
	assert_int_equal(s.n, 101);
	assert_int_equal(s.out[0].id, 1000);
	for (__u32 i = 0; i < 100; i++)
		assert_int_equal(s.out[i + 1].id, i);
	mmt_merge_free(m);
}

/* A record older than the last one out goes out at once, counted late;
 * one as old as it is not late. */
static void late_record_counted(void **state)
{
	static struct sink s;
	struct mmt_merge *m = mmt_merge_new(1, 100, 1 << 20, collect, &s);
	struct mmt_merge_stats st;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(push(m, 1000, 1), 0);
	assert_int_equal(push(m, 2000, 2), 0);
	assert_int_equal(mmt_merge_release(m, 1100), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(push(m, 999, 3), 0); /* older than 1000: out now */
	assert_int_equal(s.n, 2);
	assert_int_equal(s.out[1].id, 3);
	assert_int_equal(push(m, 1000, 4), 0); /* as old: held */
	assert_int_equal(s.n, 2);
	assert_int_equal(mmt_merge_flush(m), 0);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.out[2].id, 4);
	assert_int_equal(s.out[3].id, 2);
	mmt_merge_stats(m, &st);
	assert_int_equal(st.late, 1);
	mmt_merge_free(m);
}

/* Before the window has passed since boot nothing is released. */
static void release_before_window(void **state)
{
	static struct sink s;
	struct mmt_merge *m = mmt_merge_new(1, 1000, 1 << 20, collect, &s);

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(push(m, 0, 1), 0);
	assert_int_equal(mmt_merge_release(m, 999), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(mmt_merge_release(m, 1000), 0);
	assert_int_equal(s.n, 1);
	mmt_merge_free(m);
}

/* Past max_bytes, the oldest go out before their window, in order. */
static void max_bytes_releases_oldest(void **state)
{
	static struct sink s;
	struct mmt_merge *m = mmt_merge_new(1, 1000000, 3 * sizeof(struct rec), collect, &s);
	struct mmt_merge_stats st;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(push(m, 50, 5), 0);
	assert_int_equal(push(m, 10, 1), 0);
	assert_int_equal(push(m, 30, 3), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(push(m, 20, 2), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.out[0].id, 1);
	mmt_merge_stats(m, &st);
	assert_int_equal(st.early, 1);
	assert_int_equal(st.held, 3);
	assert_int_equal(st.held_bytes, 3 * sizeof(struct rec));
	assert_int_equal(mmt_merge_flush(m), 0);
	assert_int_equal(s.out[1].id, 2);
	assert_int_equal(s.out[2].id, 3);
	assert_int_equal(s.out[3].id, 5);
	mmt_merge_free(m);
}

/* The callback's error stops the release; what is left stays held. */
static void callback_error_stops(void **state)
{
	static struct sink s;
	struct mmt_merge *m = mmt_merge_new(1, 0, 1 << 20, collect, &s);
	struct mmt_merge_stats st;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.fail_at = 2;
	for (__u32 i = 1; i <= 5; i++)
		assert_int_equal(push(m, i, i), 0);
	assert_int_equal(mmt_merge_release(m, 100), -EIO);
	assert_int_equal(s.n, 2);
	mmt_merge_stats(m, &st);
	assert_int_equal(st.held, 3);
	s.fail_at = 0;
	assert_int_equal(mmt_merge_release(m, 100), 0);
	assert_int_equal(s.n, 5);
	assert_int_equal(s.out[4].id, 5);
	mmt_merge_free(m); /* frees nothing twice (ASan/valgrind builds) */
}

/* Many CPUs, each in order with jitter between them, released in steps:
 * the output is sorted, complete, and nothing is late when the window
 * covers the skew. */
static void random_streams_sorted(void **state)
{
	static struct sink s;
	enum { CPUS = 8, PER = 400 };
	struct mmt_merge *m = mmt_merge_new(CPUS, 500, 1 << 20, collect, &s);
	__u64 next[CPUS], now = 0;
	int left[CPUS];
	struct mmt_merge_stats st;

	(void)state;
	memset(&s, 0, sizeof(s));
	srand(42);
	for (int c = 0; c < CPUS; c++) {
		next[c] = 1000 + (__u64)(rand() % 300);
		left[c] = PER;
	}
	for (int done = 0; done < CPUS * PER;) {
		/* drain a random CPU's next few records, as consume would */
		int c = rand() % CPUS, k = 1 + rand() % 8;

		for (; k && left[c]; k--, left[c]--, done++) {
			assert_int_equal(
				push_from(m, c, next[c], (__u32)(c * PER + PER - left[c])), 0);
			next[c] += 1 + (__u64)(rand() % 50);
		}
		now += 7;
		/* time never runs more than the window ahead of a CPU's next */
		__u64 min_next = UINT64_MAX;

		for (int i = 0; i < CPUS; i++)
			if (left[i] && next[i] < min_next)
				min_next = next[i];
		if (min_next != UINT64_MAX && now > min_next + 499)
			now = min_next + 499;
		assert_int_equal(mmt_merge_release(m, now), 0);
	}
	assert_int_equal(mmt_merge_flush(m), 0);
	assert_int_equal(s.n, CPUS * PER);
	for (size_t i = 1; i < s.n; i++)
		assert_true(s.out[i - 1].time <= s.out[i].time);
	mmt_merge_stats(m, &st);
	assert_int_equal(st.late, 0);
	mmt_merge_free(m);
}

/* Records of no known source, and a source's stragglers, interleave with
 * the sources' own in time order. */
static void unknown_source_and_stragglers(void **state)
{
	static struct sink s;
	struct mmt_merge *m = mmt_merge_new(2, 0, 1 << 20, collect, &s);
	struct mmt_merge_stats st;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(push_from(m, 0, 10, 1), 0);
	assert_int_equal(push_from(m, 0, 40, 4), 0);
	assert_int_equal(push_from(m, 0, 30, 3), 0); /* a straggler of source 0 */
	assert_int_equal(push_from(m, 7, 20, 2), 0); /* no such source */
	assert_int_equal(push_from(m, -1, 50, 5), 0);
	assert_int_equal(push_from(m, 1, 25, 6), 0);
	mmt_merge_stats(m, &st);
	assert_int_equal(st.held, 6);
	assert_int_equal(mmt_merge_release(m, 100), 0);
	assert_int_equal(s.n, 6);
	const __u32 want[] = { 1, 2, 6, 3, 4, 5 };

	for (size_t i = 0; i < 6; i++)
		assert_int_equal(s.out[i].id, want[i]);
	mmt_merge_stats(m, &st);
	assert_int_equal(st.late, 0);
	assert_int_equal(st.held, 0);
	mmt_merge_free(m);
}

/* Many records through one source, released a few at a time: its buffer
 * slides and grows, every record comes out whole and in order. */
static void one_source_long_run(void **state)
{
	static struct sink s;
	struct mmt_merge *m = mmt_merge_new(1, 0, 1 << 20, collect, &s);
	__u32 id = 0;

	(void)state;
	memset(&s, 0, sizeof(s));
	for (int round = 0; round < 40; round++) {
		for (int k = 0; k < 100; k++, id++)
			assert_int_equal(push(m, 1000 + id, id), 0);
		/* let out all but the last 30 */
		assert_int_equal(mmt_merge_release(m, 1000 + id - 31), 0);
		assert_int_equal(s.n, id - 30);
	}
	assert_int_equal(mmt_merge_flush(m), 0);
	assert_int_equal(s.n, id);
	for (__u32 i = 0; i < id; i++) {
		assert_int_equal(s.out[i].id, i);
		for (size_t k = 0; k < sizeof(s.out[i].pad); k++)
			assert_int_equal(s.out[i].pad[k], (char)i);
	}
	mmt_merge_free(m);
}

/* Records of many sizes, from one source, through a FIFO that wraps to
 * its start and then must grow while wrapped: every byte comes out intact,
 * in order. */
struct vsink {
	__u32 next; /* the id expected next */
	int bad;
};

static size_t vlen(__u32 id)
{
	return 16 + (id * 7919u) % 3000;
}

static int vcollect(void *ctx, const void *data, size_t len)
{
	struct vsink *s = ctx;
	const unsigned char *b = data;
	__u32 id;

	memcpy(&id, b, sizeof(id));
	if (id != s->next || len != vlen(id))
		s->bad++;
	for (size_t k = sizeof(id); k < len; k++)
		if (b[k] != (unsigned char)(id + k))
			s->bad++;
	s->next = id + 1;
	return 0;
}

static void wrap_then_grow(void **state)
{
	static unsigned char buf[4096];
	struct vsink s = { 0, 0 };
	struct mmt_merge *m = mmt_merge_new(1, 0, 64 << 20, vcollect, &s);
	__u32 id = 0;

	(void)state;
	for (int round = 0; round < 60; round++) {
		/* hold more and more: 10 records, then up to 600 */
		int keep = 10 + round * 10;

		for (int k = 0; k < 50 + round * 5; k++, id++) {
			size_t len = vlen(id);

			memcpy(buf, &id, sizeof(id));
			for (size_t b = sizeof(id); b < len; b++)
				buf[b] = (unsigned char)(id + b);
			assert_int_equal(mmt_merge_push(m, 0, 1000 + id, buf, len), 0);
		}
		if ((int)id > keep)
			assert_int_equal(mmt_merge_release(m, 1000 + id - keep - 1), 0);
		assert_int_equal(s.bad, 0);
	}
	assert_int_equal(mmt_merge_flush(m), 0);
	assert_int_equal(s.next, id);
	assert_int_equal(s.bad, 0);
	mmt_merge_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(two_cpus_interleave),
		cmocka_unit_test(equal_times_keep_arrival_order),
		cmocka_unit_test(late_record_counted),
		cmocka_unit_test(release_before_window),
		cmocka_unit_test(max_bytes_releases_oldest),
		cmocka_unit_test(callback_error_stops),
		cmocka_unit_test(random_streams_sorted),
		cmocka_unit_test(unknown_source_and_stragglers),
		cmocka_unit_test(one_source_long_run),
		cmocka_unit_test(wrap_then_grow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
