/* SPDX-License-Identifier: GPL-2.0 */
/*
 * records.h - raw records for the unit tests, built the way the BPF side
 * writes them: a header and the event's payload, in a buffer of exactly
 * mmt_record_size() bytes so that valgrind and ASan see any read past it.
 * Include it after <cmocka.h>: the helpers assert.
 */
#ifndef MMT_TEST_RECORDS_H
#define MMT_TEST_RECORDS_H

#include <stdlib.h>
#include <string.h>
#include "decoders/decode.h"

/* A zeroed record of event ev, its payload kind set; free() it. NULL for an
 * unknown event or when out of memory: the caller asserts. */
static inline struct mmt_record *record_new(enum mmt_event ev)
{
	const struct mmt_event_desc *d = mmt_event_by_id(ev);
	struct mmt_record *r = d ? calloc(1, mmt_record_size(d)) : NULL;

	if (r) {
		r->event = ev;
		r->payload = d->payload;
	}
	return r;
}

static inline size_t record_len(const struct mmt_record *r)
{
	return mmt_record_size(mmt_event_by_id(r->event));
}

static inline struct mmt_payload_masks *record_masks(struct mmt_record *r)
{
	return (struct mmt_payload_masks *)(r + 1);
}

static inline struct mmt_payload_move_pages *record_move(struct mmt_record *r)
{
	return (struct mmt_payload_move_pages *)(r + 1);
}

/* move_pages' arrays by slot (the event table's payload_slot): 0 pages,
 * 1 nodes, 2 status */
static inline struct mmt_array *record_array(struct mmt_record *r, int slot)
{
	struct mmt_payload_move_pages *p = record_move(r);

	return slot == 0 ? &p->pages : slot == 1 ? &p->nodes : &p->status;
}

static inline struct mmt_mask *record_mask(struct mmt_record *r, int slot)
{
	return &record_masks(r)->masks[slot];
}

/* the kernel's copy of input mask slot */
static inline struct mmt_mask *record_kmask(struct mmt_record *r, int slot)
{
	return &record_masks(r)->kmasks[slot];
}

/* The caller every test record comes from, as the renderers print it. */
#define RECORD_COMM "mremap-test"
#define RECORD_HOST "node1"
#define RECORD_EXE "/usr/bin/mremap-test"

/* A record of event ev made by RECORD_COMM (pid 100, host pid 5100, tid
 * 101/5101, uid 1000), entered at 1 s of boot time and 2 us long; the
 * payload zeroed: every mask and array in state NONE. free() it. */
static inline struct mmt_record *record_call(enum mmt_event ev)
{
	struct mmt_record *r = record_new(ev);

	assert_non_null(r);
	r->cpu = 7;
	r->enter_ns = 1000000000ULL;
	r->exit_ns = 1000002000ULL;
	r->thread_start_ns = 500000000ULL;
	r->leader_start_ns = 400000000ULL; /* 101 is not the leader */
	r->parent_start_ns = 100000000ULL;
	r->cgroup_id = 12345;
	r->host_pid = 5100;
	r->host_tid = 5101;
	r->host_ppid = 5099;
	r->pid = 100;
	r->tid = 101;
	r->ppid = 99;
	r->uid = 1000;
	r->gid = 1000;
	r->mnt_ns = 4026531841U;
	r->pid_ns = 4026531836U;
	strcpy(r->comm, RECORD_COMM);
	strcpy(r->host, RECORD_HOST);
	strcpy(r->exe, RECORD_EXE);
	return r;
}

/* Decode r (boot time 0 is the wall clock's 0); it must be accepted. */
static inline void record_decode(const struct mmt_record *r, struct mmt_decoded_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	assert_int_equal(mmt_decode(r, record_len(r), 0, ev), 0);
}

#endif /* MMT_TEST_RECORDS_H */
