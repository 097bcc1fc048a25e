/* SPDX-License-Identifier: GPL-2.0 */
/*
 * from_json.h - one of mmtrace's own JSON event lines (-o json, raw or
 * --parse-arguments, as the NATS sink sends them) turned back into the
 * record it was made from, then decoded by mmt_decode(): a recorded event
 * goes through the same decoded event, filters and renderers as a live
 * one. What the line does not carry is left out of the record (the
 * duration without -T, the address of unreadable ia32 arguments).
 */
#ifndef MMT_FROM_JSON_H
#define MMT_FROM_JSON_H

#include <stdbool.h>
#include "context/containers.h"
#include "decoders/decode.h"
#include "report/jsonl.h"
#include "stack/stack.h"

/* The largest record a line rebuilds: the header, a payload, a context. */
union mmt_json_payload {
	struct mmt_payload_masks masks;
	struct mmt_payload_move_pages move_pages;
	struct mmt_payload_array array;
	struct mmt_payload_kevent kevent;
};

#define MMT_JSON_RECORD_MAX                                                                        \
	(sizeof(struct mmt_record) + sizeof(union mmt_json_payload) + sizeof(struct mmt_argctx))

struct mmt_json_event {
	struct mmt_jarena arena; /* the parsed line; the strings below point into it */
	union {
		struct mmt_record rec;
		char bytes[MMT_JSON_RECORD_MAX];
	} buf;
	size_t len;	   /* of the record in buf */
	bool has_duration; /* the line had "duration" (-T): latency is known */
	struct mmt_container container;
	struct mmt_stack stack;
	struct mmt_decoded_event ev; /* valid after mmt_json_event_parse() */
};

/* 0, or -1 without memory. */
int mmt_json_event_init(struct mmt_json_event *j);
void mmt_json_event_free(struct mmt_json_event *j);

/*
 * Rebuild and decode one line (len bytes, no NUL needed) into j->ev,
 * which stays valid until the next call. 0; or -1 with *why (static
 * text) for a line that is not an mmtrace event, or whose values do not
 * read back to the same text.
 */
int mmt_json_event_parse(struct mmt_json_event *j, const char *line, size_t len, const char **why);

#endif /* MMT_FROM_JSON_H */
