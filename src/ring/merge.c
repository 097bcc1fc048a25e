// SPDX-License-Identifier: GPL-2.0
/*
 * merge.c - records put back in time order: see merge.h.
 *
 * Each source (a CPU's ring buffer) delivers its records nearly in time
 * order, so each gets a FIFO of record copies in one growing byte buffer
 * used as a ring (no allocation per record, no record moved while held:
 * a record that does not fit before the end goes to the start when there
 * is room there); a record older than the last one its source
 * delivered (rare: a program preempted between taking its time and
 * reserving its record) goes to a min-heap of stragglers instead. Releasing
 * takes the oldest of the FIFO heads and the heap's top.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "ring/merge.h"

/* A record in a FIFO: this header, then len bytes, padded to 8. */
struct rec_hdr {
	__u64 time;
	__u64 seq; /* arrival order: equal times keep it */
	__u64 len;
};

struct fifo {
	unsigned char *buf;
	/* bytes: records lie in [head, tail), or, once wrapped (wrap != 0),
	 * in [head, wrap) and then [0, tail) */
	size_t cap, head, tail, wrap;
	__u64 last_time; /* of the last record appended */
};

static bool fifo_empty(const struct fifo *f)
{
	return !f->wrap && f->head == f->tail;
}

struct held {
	__u64 time;
	__u64 seq;
	size_t len;
	void *data;
};

struct mmt_merge {
	struct fifo *q;
	int nq;
	struct held *heap; /* stragglers, and records of no known source */
	size_t n, cap;
	__u64 window, seq, last_out;
	bool any_out;
	size_t max_bytes;
	mmt_merge_fn fn;
	void *ctx;
	struct mmt_merge_stats st;
};

#define ALIGN8(x) (((x) + 7) & ~(size_t)7)

struct mmt_merge *mmt_merge_new(int nsources, __u64 window_ns, size_t max_bytes, mmt_merge_fn fn,
				void *ctx)
{
	struct mmt_merge *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->nq = nsources > 0 ? nsources : 0;
	m->q = calloc((size_t)(m->nq ? m->nq : 1), sizeof(*m->q));
	if (!m->q) {
		free(m);
		return NULL;
	}
	m->window = window_ns;
	m->max_bytes = max_bytes;
	m->fn = fn;
	m->ctx = ctx;
	return m;
}

static bool before(__u64 ta, __u64 sa, __u64 tb, __u64 sb)
{
	return ta < tb || (ta == tb && sa < sb);
}

static void sift_up(struct held *h, size_t i)
{
	struct held x = h[i];

	while (i) {
		size_t p = (i - 1) / 2;

		if (!before(x.time, x.seq, h[p].time, h[p].seq))
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
		if (c + 1 < n && before(h[c + 1].time, h[c + 1].seq, h[c].time, h[c].seq))
			c++;
		if (!before(h[c].time, h[c].seq, x.time, x.seq))
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = x;
}

static void note_out(struct mmt_merge *m, __u64 time, size_t len)
{
	m->st.held--;
	m->st.held_bytes -= len;
	if (!m->any_out || time > m->last_out)
		m->last_out = time;
	m->any_out = true;
}

/* Hand on the oldest record held, if it was made at or before limit:
 * 1 when one went, 0 when none is that old, or the callback's error. */
static int pop_oldest(struct mmt_merge *m, __u64 limit)
{
	struct fifo *best = NULL;
	struct rec_hdr h, bh = { 0 };
	unsigned char *rec;
	int err;

	for (int i = 0; i < m->nq; i++) {
		struct fifo *f = &m->q[i];

		if (fifo_empty(f))
			continue;
		memcpy(&h, f->buf + f->head, sizeof(h));
		if (!best || before(h.time, h.seq, bh.time, bh.seq)) {
			best = f;
			bh = h;
		}
	}
	if (m->n && (!best || before(m->heap[0].time, m->heap[0].seq, bh.time, bh.seq))) {
		struct held top = m->heap[0];

		if (top.time > limit)
			return 0;
		m->heap[0] = m->heap[--m->n];
		if (m->n)
			sift_down(m->heap, m->n, 0);
		note_out(m, top.time, top.len);
		err = m->fn(m->ctx, top.data, top.len);
		free(top.data);
		return err ? err : 1;
	}
	if (!best || bh.time > limit)
		return 0;
	rec = best->buf + best->head + sizeof(bh);
	best->head += sizeof(bh) + ALIGN8(bh.len);
	if (best->wrap && best->head == best->wrap) /* on at the start */
		best->head = best->wrap = 0;
	if (fifo_empty(best)) /* the next append starts over */
		best->head = best->tail = 0;
	note_out(m, bh.time, bh.len);
	/* its bytes stay where they are until the next append */
	err = m->fn(m->ctx, rec, bh.len);
	return err ? err : 1;
}

static int straggle(struct mmt_merge *m, __u64 time, __u64 seq, const void *data, size_t len)
{
	struct held h = { .time = time, .seq = seq, .len = len };

	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
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
	return 0;
}

/* Make the FIFO's records one run [0, tail) in a buffer of cap bytes. */
static int fifo_regrow(struct fifo *f, size_t cap)
{
	unsigned char *buf;
	size_t first;

	if (!f->wrap) {
		buf = realloc(f->buf, cap);
		if (!buf)
			return -ENOMEM;
		f->buf = buf;
		f->cap = cap;
		return 0;
	}
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	first = f->wrap - f->head;
	memcpy(buf, f->buf + f->head, first);
	memcpy(buf + first, f->buf, f->tail);
	free(f->buf);
	f->buf = buf;
	f->cap = cap;
	f->tail += first;
	f->head = f->wrap = 0;
	return 0;
}

/* Where need more bytes go at the FIFO's tail: the tail moves to the
 * buffer's start when the end has no room and the start has; the buffer
 * grows only when neither has. */
static int fifo_room(struct fifo *f, size_t need)
{
	size_t held, cap;

	if (!f->wrap) {
		if (f->tail + need <= f->cap)
			return 0;
		if (need <= f->head) {
			f->wrap = f->tail;
			f->tail = 0;
			return 0;
		}
		held = f->tail - f->head;
	} else {
		if (f->tail + need <= f->head)
			return 0;
		held = f->wrap - f->head + f->tail;
	}
	cap = f->cap ? f->cap : 64 << 10;
	while (cap < held + need)
		cap *= 2;
	if (cap == f->cap)
		cap *= 2;
	return fifo_regrow(f, cap);
}

int mmt_merge_push(struct mmt_merge *m, int source, __u64 time_ns, const void *data, size_t len)
{
	struct rec_hdr h = { .time = time_ns, .seq = m->seq++, .len = len };
	struct fifo *f;
	int err;

	if (m->any_out && time_ns < m->last_out) {
		m->st.late++;
		return m->fn(m->ctx, data, len);
	}
	if (source < 0 || source >= m->nq ||
	    (!fifo_empty(&m->q[source]) && time_ns < m->q[source].last_time)) {
		err = straggle(m, h.time, h.seq, data, len);
	} else {
		f = &m->q[source];
		err = fifo_room(f, sizeof(h) + ALIGN8(len));
		if (!err) {
			memcpy(f->buf + f->tail, &h, sizeof(h));
			memcpy(f->buf + f->tail + sizeof(h), data, len);
			f->tail += sizeof(h) + ALIGN8(len);
			f->last_time = time_ns;
		}
	}
	if (err)
		return err;
	m->st.held++;
	m->st.held_bytes += len;
	if (m->st.held > m->st.peak_held)
		m->st.peak_held = m->st.held;
	while (m->st.held_bytes > m->max_bytes) {
		m->st.early++;
		err = pop_oldest(m, UINT64_MAX);
		if (err < 0)
			return err;
	}
	return 0;
}

int mmt_merge_release(struct mmt_merge *m, __u64 now_ns)
{
	int err;

	if (now_ns < m->window)
		return 0;
	while ((err = pop_oldest(m, now_ns - m->window)) == 1)
		;
	return err;
}

int mmt_merge_flush(struct mmt_merge *m)
{
	int err;

	while ((err = pop_oldest(m, UINT64_MAX)) == 1)
		;
	return err;
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
	for (int i = 0; i < m->nq; i++)
		free(m->q[i].buf);
	free(m->q);
	free(m->heap);
	free(m);
}
