// SPDX-License-Identifier: GPL-2.0
/*
 * tasks.c - thread contexts by host tid, and the join of a call record with
 * its thread's context. See tasks.h.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "context/tasks.h"

/* The context part of a struct mmt_task: from thread_start_ns to the end. */
#define TASK_CTX_OFF offsetof(struct mmt_task, thread_start_ns)
#define TASK_CTX_LEN (sizeof(struct mmt_task) - TASK_CTX_OFF)

/* A struct mmt_record is a struct mmt_call, the fields of a struct
 * mmt_call_extra, then the context. */
#define EXTRA_OFF sizeof(struct mmt_call)
#define CTX_OFF (sizeof(struct mmt_call) + sizeof(struct mmt_call_extra))
_Static_assert(offsetof(struct mmt_record, migrate_succeeded) == EXTRA_OFF,
	       "mmt_record must start with the fields of mmt_call");
_Static_assert(offsetof(struct mmt_record, thread_start_ns) == CTX_OFF,
	       "mmt_record must go on with the fields of mmt_call_extra");
_Static_assert(sizeof(struct mmt_record) >= CTX_OFF + TASK_CTX_LEN,
	       "mmt_record must hold the fields of mmt_task");

struct mmt_task_entry {
	__u32 tid; /* 0: a free slot (tid 0 makes no syscall) */
	__u64 id; /* see mmt_tasks_last_id() */
	struct mmt_task task;
};

#define MIN_CAP 64

/* murmur3's finalizer: every bit of the tid moves the low bits */
static size_t slot_of(__u32 tid, size_t cap)
{
	__u32 h = tid;

	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h & (cap - 1);
}

static struct mmt_task_entry *find(const struct mmt_tasks *t, __u32 tid)
{
	if (!t->cap)
		return NULL;
	for (size_t i = slot_of(tid, t->cap);; i = (i + 1) & (t->cap - 1)) {
		if (t->slots[i].tid == tid)
			return &t->slots[i];
		if (!t->slots[i].tid)
			return NULL;
	}
}

/* The slot for tid, or a free one where it belongs (its tid is 0). */
static struct mmt_task_entry *place(struct mmt_task_entry *slots, size_t cap, __u32 tid)
{
	size_t i = slot_of(tid, cap);

	while (slots[i].tid && slots[i].tid != tid)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int grow(struct mmt_tasks *t)
{
	size_t cap = t->cap ? t->cap * 2 : MIN_CAP;
	struct mmt_task_entry *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -1;
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i].tid)
			*place(slots, cap, t->slots[i].tid) = t->slots[i];
	free(t->slots);
	t->slots = slots;
	t->cap = cap;
	return 0;
}

static int put(struct mmt_tasks *t, const struct mmt_task *task)
{
	struct mmt_task_entry *e;

	if ((t->used + 1) * 2 > t->cap && grow(t))
		return -1;
	e = place(t->slots, t->cap, task->host_tid);
	if (!e->tid)
		t->used++;
	e->tid = task->host_tid;
	e->id = ++t->next_id;
	e->task = *task;
	return 0;
}

/* Linear probing: shift the entries after a freed slot back into the gap. */
static void drop(struct mmt_tasks *t, __u32 tid)
{
	struct mmt_task_entry *e = find(t, tid);
	size_t gap, i, home;

	if (!e)
		return;
	gap = e - t->slots;
	t->slots[gap].tid = 0;
	t->used--;
	for (i = (gap + 1) & (t->cap - 1); t->slots[i].tid; i = (i + 1) & (t->cap - 1)) {
		home = slot_of(t->slots[i].tid, t->cap);
		/* move it when its home is not in the cyclic range (gap, i] */
		if ((i > gap && (home <= gap || home > i)) || (i < gap && home <= gap && home > i)) {
			t->slots[gap] = t->slots[i];
			t->slots[i].tid = 0;
			gap = i;
		}
	}
}

static void widen_mask(struct mmt_mask *m, const struct mmt_mask_compact *c)
{
	m->state = c->state;
	m->truncated = c->truncated;
	m->nbits = c->nbits;
	m->read_err = c->read_err;
	m->words[0] = c->word;
}

/*
 * A compact masks payload (MMT_REC_COMPACT) of len bytes, the whole form or
 * the one without kmasks (MMT_REC_NO_KMASKS: they are MMT_READ_NONE), as the
 * decoder knows it, built in place: one clearing of the whole payload, then
 * the few fields the compact form carries (the reader does this for every
 * set_mempolicy-like record; copies through stack temporaries took a third
 * of its join).
 */
static void widen_masks(void *dst, const void *src, size_t len)
{
	struct mmt_payload_masks_compact c;
	struct mmt_payload_masks *p = dst;

	memset(&c, 0, sizeof(c));
	memcpy(&c, src, len < sizeof(c) ? len : sizeof(c));
	memset(p, 0, sizeof(*p));
	for (int i = 0; i < MMT_MAX_MASKS; i++) {
		widen_mask(&p->masks[i], &c.masks[i]);
		widen_mask(&p->kmasks[i], &c.kmasks[i]);
		p->changed[i] = c.changed[i];
	}
	p->out_int = c.out_int;
	p->out_int_state = c.out_int_state;
	p->toctou_method = c.toctou_method;
}

enum mmt_wire_result mmt_tasks_take(struct mmt_tasks *t, const void *data, size_t len, void *out,
				    size_t out_size, size_t *out_len)
{
	const struct mmt_task_entry *e;
	struct mmt_task task;
	__u16 kind, flags, payload;
	size_t payload_len, ctx_len, compact_len, head;
	bool compact;
	__u32 tid;

	if (len < sizeof(kind) || out_size < sizeof(struct mmt_record))
		return MMT_WIRE_MALFORMED;
	memcpy(&kind, data, sizeof(kind));
	if (kind == MMT_WIRE_TASK) {
		if (len != sizeof(task))
			return MMT_WIRE_MALFORMED;
		memcpy(&task, data, sizeof(task));
		if (!task.host_tid)
			return MMT_WIRE_MALFORMED;
		return put(t, &task) ? MMT_WIRE_NO_MEMORY : MMT_WIRE_CONTEXT;
	}
	if (kind == MMT_WIRE_TASK_GONE) {
		struct mmt_task_gone g;

		if (len != sizeof(g))
			return MMT_WIRE_MALFORMED;
		memcpy(&g, data, sizeof(g));
		drop(t, g.host_tid);
		return MMT_WIRE_CONTEXT;
	}
	if (len < sizeof(struct mmt_call))
		return MMT_WIRE_MALFORMED;
	memcpy(&tid, (const char *)data + offsetof(struct mmt_call, host_tid), sizeof(tid));
	memcpy(&flags, (const char *)data + offsetof(struct mmt_call, flags), sizeof(flags));
	memcpy(&payload, (const char *)data + offsetof(struct mmt_call, payload), sizeof(payload));
	compact = flags & MMT_REC_COMPACT;
	/* the call's fields, its extra fields when it has them, the payload */
	head = sizeof(struct mmt_call) + (flags & MMT_REC_EXTRA ? sizeof(struct mmt_call_extra) : 0);
	if (len < head || len - head > out_size - sizeof(struct mmt_record))
		return MMT_WIRE_MALFORMED;
	payload_len = len - head;
	/* an argument's context follows the payload */
	ctx_len = flags & MMT_REC_ARGCTX ? sizeof(struct mmt_argctx) : 0;
	compact_len = flags & MMT_REC_NO_KMASKS ? offsetof(struct mmt_payload_masks_compact, kmasks)
						: sizeof(struct mmt_payload_masks_compact);
	if ((flags & MMT_REC_NO_KMASKS) && !compact)
		return MMT_WIRE_MALFORMED;
	if (compact &&
	    (payload != MMT_PAYLOAD_MASKS || payload_len != compact_len + ctx_len ||
	     out_size - sizeof(struct mmt_record) < sizeof(struct mmt_payload_masks) + ctx_len))
		return MMT_WIRE_MALFORMED;
	e = find(t, tid);
	if (!e)
		return MMT_WIRE_NO_CONTEXT;
	t->last_id = e->id;
	memcpy(out, data, sizeof(struct mmt_call));
	if (flags & MMT_REC_EXTRA)
		memcpy((char *)out + EXTRA_OFF, (const char *)data + EXTRA_OFF,
		       sizeof(struct mmt_call_extra));
	else
		memset((char *)out + EXTRA_OFF, 0, sizeof(struct mmt_call_extra));
	memcpy((char *)out + CTX_OFF, (const char *)&e->task + TASK_CTX_OFF, TASK_CTX_LEN);
	memset((char *)out + CTX_OFF + TASK_CTX_LEN, 0,
	       sizeof(struct mmt_record) - CTX_OFF - TASK_CTX_LEN);
	/* the wire-only flags say nothing of the record */
	flags &= ~(MMT_REC_EXTRA | MMT_REC_COMPACT | MMT_REC_NO_KMASKS);
	memcpy((char *)out + offsetof(struct mmt_record, flags), &flags, sizeof(flags));
	if (compact) {
		widen_masks((char *)out + sizeof(struct mmt_record), (const char *)data + head,
			    compact_len);
		memcpy((char *)out + sizeof(struct mmt_record) + sizeof(struct mmt_payload_masks),
		       (const char *)data + head + compact_len, ctx_len);
		*out_len = sizeof(struct mmt_record) + sizeof(struct mmt_payload_masks) + ctx_len;
		return MMT_WIRE_CALL;
	}
	memcpy((char *)out + sizeof(struct mmt_record), (const char *)data + head, payload_len);
	*out_len = sizeof(struct mmt_record) + payload_len;
	return MMT_WIRE_CALL;
}

size_t mmt_tasks_wire_of(const struct mmt_record *r, size_t len, void *out, size_t out_size)
{
	static const struct mmt_call_extra none;
	size_t payload_len = len > sizeof(*r) ? len - sizeof(*r) : 0, head;
	bool extra = memcmp((const char *)r + EXTRA_OFF, &none, sizeof(none)) != 0;
	__u16 flags = r->flags | (extra ? MMT_REC_EXTRA : 0);

	head = extra ? CTX_OFF : EXTRA_OFF;
	if (out_size < head + payload_len)
		return 0;
	memcpy(out, r, head);
	memcpy((char *)out + offsetof(struct mmt_call, flags), &flags, sizeof(flags));
	memcpy((char *)out + head, r + 1, payload_len);
	return head + payload_len;
}

__u64 mmt_tasks_last_id(const struct mmt_tasks *t)
{
	return t->last_id;
}

size_t mmt_tasks_count(const struct mmt_tasks *t)
{
	return t->used;
}

void mmt_tasks_free(struct mmt_tasks *t)
{
	free(t->slots);
	t->slots = NULL;
	t->cap = t->used = 0;
}
