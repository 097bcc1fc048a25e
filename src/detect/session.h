/* SPDX-License-Identifier: GPL-2.0 */
/*
 * session.h - detection wired to an output: the engine, the allow-list and
 * the renderers, for live tracing (--detect) and for recordings (mmtrace
 * detect FILE) alike.
 */
#ifndef MMT_DETECT_SESSION_H
#define MMT_DETECT_SESSION_H

#include <stdio.h>
#include "detect/detect.h"
#include "detect/facts.h"
#include "text/outbuf.h"

#define MMT_DET_MAX_ALLOW 64

struct mmt_det_session {
	struct mmt_detect *engine;
	bool json;	 /* findings as JSON lines, else table lines */
	bool parse_args; /* live JSON: how the triggering event is rendered */
	bool color;
	struct outbuf scratch;	/* the triggering event, rendered again */
	__u64 malformed;	/* recording lines that are not events */
	__u64 skipped_findings; /* recording lines that are findings */
};

/* 0, or -1 after printing why (out of memory, a bad allow item). */
int mmt_det_session_init(struct mmt_det_session *s, bool json, bool parse_args, bool color,
			 const char *const *allow, int nallow);
void mmt_det_session_free(struct mmt_det_session *s);

/* Live: a decoded event (already written out); its findings follow it. */
int mmt_det_session_event(struct mmt_det_session *s, struct outbuf *out,
			  const struct mmt_decoded_event *ev);

/* A recording: one line; its findings, with the line embedded. */
int mmt_det_session_line(struct mmt_det_session *s, struct outbuf *out, const char *line,
			 size_t len);

/* ,"detect":{...}: per-rule findings and allowed, evictions. */
void mmt_det_session_stats(const struct mmt_det_session *s, FILE *to);

/* Is spec a valid --detect-allow item? NULL, or why not (static text). */
const char *mmt_det_allow_check(const char *spec);

#endif /* MMT_DETECT_SESSION_H */
