/* SPDX-License-Identifier: GPL-2.0 */
/*
 * merge.h - records from several ring buffers (one per CPU) put back in
 * time order. Each record is copied in with its time; it is handed on once
 * it is older than the hold-back window, oldest first. A record that comes
 * after a younger one was already handed on is handed on at once and
 * counted late: nothing is dropped for being out of order.
 */
#ifndef MMT_RING_MERGE_H
#define MMT_RING_MERGE_H

#include <linux/types.h>
#include <stddef.h>

struct mmt_merge;

/* Called with each record in order; a non-zero return stops the release
 * and is returned by it. */
typedef int (*mmt_merge_fn)(void *ctx, const void *data, size_t len);

/*
 * A merge of nsources sources (say, CPUs), each delivering its records
 * nearly in time order, that holds records window_ns (0: only until the
 * next release) and at most max_bytes of them (past that, the oldest go out
 * early). NULL when out of memory.
 */
struct mmt_merge *mmt_merge_new(int nsources, __u64 window_ns, size_t max_bytes, mmt_merge_fn fn,
				void *ctx);

/*
 * Take a copy of a record of source (0 to nsources - 1; another number is
 * taken too, at a higher cost) made at time_ns. 0; -ENOMEM; or what the
 * callback returned for a late record or for one pushed out by max_bytes.
 */
int mmt_merge_push(struct mmt_merge *m, int source, __u64 time_ns, const void *data, size_t len);

/* Hand on, oldest first, every record made at or before now_ns - window.
 * 0, or the callback's non-zero return. */
int mmt_merge_release(struct mmt_merge *m, __u64 now_ns);

/* Hand on every record held, oldest first. */
int mmt_merge_flush(struct mmt_merge *m);

struct mmt_merge_stats {
	__u64 late; /* handed on after a younger record */
	__u64 early; /* handed on before their window because of max_bytes */
	__u64 held; /* records held now */
	__u64 held_bytes;
	__u64 peak_held; /* the most records held at once */
};

void mmt_merge_stats(const struct mmt_merge *m, struct mmt_merge_stats *s);

void mmt_merge_free(struct mmt_merge *m);

#endif /* MMT_RING_MERGE_H */
