/* SPDX-License-Identifier: GPL-2.0 */
/*
 * records.h - raw records for the unit tests, built the way the BPF side
 * writes them: a header and the event's payload, in a buffer of exactly
 * mmt_record_size() bytes so that valgrind and ASan see any read past it.
 */
#ifndef MMT_TEST_RECORDS_H
#define MMT_TEST_RECORDS_H

#include <stdlib.h>
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

#endif /* MMT_TEST_RECORDS_H */
