// SPDX-License-Identifier: GPL-2.0
/*
 * merge.c - a binary min-heap of record copies ordered by (time, arrival).
 * See merge.h.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "ring/merge.h"

struct held {
	__u64 time;
	__u64 seq; /* arrival order: equal times keep it */
	size_t len;
	void *data;
};

struct mmt_merge {
	struct held *heap;
	size_t n, cap;
	__u64 window, seq, last_out;
	bool any_out;
	size_t max_bytes;
	mmt_merge_fn fn;
	void *ctx;
	struct mmt_merge_stats st;
};

struct mmt_merge *mmt_merge_new(__u64 window_ns, size_t max_bytes, mmt_merge_fn fn, void *ctx)
{
	struct mmt_merge *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->window = window_ns;
	m->max_bytes = max_bytes;
	m->fn = fn;
	m->ctx = ctx;
	return m;
}

static bool before(const struct held *a, const struct held *b)
{
	return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

static void sift_up(struct held *h, size_t i)
{
	struct held x = h[i];

	while (i) {
		size_t p = (i - 1) / 2;

		if (!before(&x, &h[p]))
			break;
		h[i] = h[p];
		i = p;
	}
	h[i] = x;
}

static void sift_down(struct held *h, size_t n, size_t i)
{
	struct held x = h[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && before(&h[c + 1], &h[c]))
			c++;
		if (!before(&h[c], &x))
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = x;
}

/* Hand on the oldest record held. */
static int pop(struct mmt_merge *m)
{
	struct held top = m->heap[0];
	int err;

	m->heap[0] = m->heap[--m->n];
	if (m->n)
		sift_down(m->heap, m->n, 0);
	m->st.held = m->n;
	m->st.held_bytes -= top.len;
	if (!m->any_out || top.time > m->last_out)
		m->last_out = top.time;
	m->any_out = true;
	err = m->fn(m->ctx, top.data, top.len);
	free(top.data);
	return err;
}

int mmt_merge_push(struct mmt_merge *m, __u64 time_ns, const void *data, size_t len)
{
	struct held h = { .time = time_ns, .seq = m->seq++, .len = len };
	int err;

	if (m->any_out && time_ns < m->last_out) {
		m->st.late++;
		return m->fn(m->ctx, data, len);
	}
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 256;
		struct held *heap = realloc(m->heap, cap * sizeof(*heap));

		if (!heap)
			return -ENOMEM;
		m->heap = heap;
		m->cap = cap;
	}
	h.data = malloc(len ? len : 1);
	if (!h.data)
		return -ENOMEM;
	memcpy(h.data, data, len);
	m->heap[m->n] = h;
	sift_up(m->heap, m->n++);
	m->st.held = m->n;
	m->st.held_bytes += len;
	if (m->n > m->st.peak_held)
		m->st.peak_held = m->n;
	while (m->st.held_bytes > m->max_bytes && m->n) {
		m->st.early++;
		err = pop(m);
		if (err)
			return err;
	}
	return 0;
}

int mmt_merge_release(struct mmt_merge *m, __u64 now_ns)
{
	__u64 limit;
	int err;

	if (now_ns < m->window)
		return 0;
	limit = now_ns - m->window;
	while (m->n && m->heap[0].time <= limit) {
		err = pop(m);
		if (err)
			return err;
	}
	return 0;
}

int mmt_merge_flush(struct mmt_merge *m)
{
	int err;

	while (m->n) {
		err = pop(m);
		if (err)
			return err;
	}
	return 0;
}

void mmt_merge_stats(const struct mmt_merge *m, struct mmt_merge_stats *s)
{
	*s = m->st;
}

void mmt_merge_free(struct mmt_merge *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->heap[i].data);
	free(m->heap);
	free(m);
}
