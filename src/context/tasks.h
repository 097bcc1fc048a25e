/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tasks.h - join each call record from the ring buffer with its thread's
 * context (struct mmt_task, sent by the BPF side once per thread and again
 * when it changes) into the struct mmt_record the decoder reads.
 */
#ifndef MMT_TASKS_H
#define MMT_TASKS_H

#include <linux/types.h>
#include <stddef.h>
#include "mmtrace.h"

struct mmt_task_entry;

/* Contexts by host tid: an open-addressing table that grows as needed. */
struct mmt_tasks {
	struct mmt_task_entry *slots;
	size_t cap; /* a power of two, or 0 before the first task */
	size_t used;
	__u64 next_id; /* the id the next context received gets */
	__u64 last_id; /* of the context of the last call joined */
};

enum mmt_wire_result {
	MMT_WIRE_CALL, /* a call: the record is in the output buffer */
	MMT_WIRE_CONTEXT, /* a context record: taken, nothing to print */
	MMT_WIRE_NO_CONTEXT, /* a call of a thread whose context never came */
	MMT_WIRE_MALFORMED, /* too short, too long, or of no known kind */
	MMT_WIRE_NO_MEMORY, /* the table could not grow */
};

/*
 * Take one ring-buffer record. A call record is joined with its thread's
 * context into out (out_size bytes; *out_len is set to the record's
 * length, which a call's payload makes at most sizeof(struct mmt_record) +
 * the largest payload). The call's own length is checked by the decoder.
 */
enum mmt_wire_result mmt_tasks_take(struct mmt_tasks *t, const void *data, size_t len, void *out,
				    size_t out_size, size_t *out_len);

/*
 * The ring buffer's form of a whole (not compact) record of len bytes, as
 * mmt_tasks_take() takes it: the call's fields, a struct mmt_call_extra
 * (MMT_REC_EXTRA) when any of its fields is set, the payload; the context
 * fields stay out. Its length, or 0 when out_size is too small. For the
 * tests and the replay benchmark.
 */
size_t mmt_tasks_wire_of(const struct mmt_record *r, size_t len, void *out, size_t out_size);

/*
 * The id of the context the last MMT_WIRE_CALL was joined with: every
 * context received gets a new one (from 1), so two calls with the same id
 * have the same context fields.
 */
__u64 mmt_tasks_last_id(const struct mmt_tasks *t);

/* Threads whose context is held. */
size_t mmt_tasks_count(const struct mmt_tasks *t);

void mmt_tasks_free(struct mmt_tasks *t);

#endif /* MMT_TASKS_H */
