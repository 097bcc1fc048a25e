/* SPDX-License-Identifier: GPL-2.0 */
/*
 * facts.h - the adapters that fill the engine's facts: from a decoded event
 * (live tracing), and from one line of a JSON recording (mmtrace's own -o
 * json, raw or --parse-arguments). Both give the same facts for the same
 * call, except what only the live side can look up in /proc.
 */
#ifndef MMT_DETECT_FACTS_H
#define MMT_DETECT_FACTS_H

#include "decoders/decode.h"
#include "detect/detect.h"

/*
 * The facts of a decoded event. With lookup, what the event does not carry
 * is read from /proc at once: the file behind mmap's fd (device, inode,
 * path) and the process behind process_madvise's pidfd; both may be gone
 * by then, and are then unknown.
 */
void mmt_det_facts_from_event(const struct mmt_decoded_event *ev, bool lookup,
			      struct mmt_det_facts *f);

enum mmt_det_line {
	MMT_DET_LINE_EVENT,	/* an event: the facts are filled */
	MMT_DET_LINE_FINDING,	/* a finding written by --detect: skip it */
	MMT_DET_LINE_MALFORMED, /* not a JSON object of an mmtrace event */
};

/* The facts of one JSON line (len bytes, no NUL needed). */
enum mmt_det_line mmt_det_facts_from_json(const char *line, size_t len, struct mmt_det_facts *f);

#endif /* MMT_DETECT_FACTS_H */
