/* SPDX-License-Identifier: GPL-2.0 */
/*
 * output.h - the two renderers of a decoded event: a table for people and
 * JSON lines in Tracee's event layout for machines.
 */
#ifndef MMT_OUTPUT_H
#define MMT_OUTPUT_H

#include "decoders/decode.h"
#include "text/outbuf.h"
#include "outputs/timefmt.h"

enum mmt_format {
	MMT_FMT_TABLE,
	MMT_FMT_JSON,
	MMT_FMT_STRACE, /* name(args) = ret, as strace prints it */
};

/* Table columns, in the order --columns gives them. */
enum mmt_column {
	MMT_COL_TIME,
	MMT_COL_UID,
	MMT_COL_COMM,
	MMT_COL_PID,
	MMT_COL_TID,
	MMT_COL_RET,
	MMT_COL_EVENT,
	MMT_COL_ARGS,
	MMT_COL_LATENCY,
	MMT_COL_CPU,
	MMT_COL_CONTAINER,
	MMT_COL_EXE,
	MMT_COL_COUNT,
};

/* Columns for mmt_table_header/event (default: TIME..ARGS), and whether
 * failed calls are coloured (ANSI). */
void mmt_table_configure(const enum mmt_column *cols, int ncols, bool color);

/* The TIME column as -t/-tt/-ttt/-r (MMT_TIME_DEFAULT: HH:MM:SS.us). */
void mmt_table_time_format(enum mmt_time_fmt f);

void mmt_table_header(struct outbuf *ob);
void mmt_table_event(struct outbuf *ob, const struct mmt_decoded_event *ev);

/* -T: each event ends with "duration" (ns from entry to exit), a key of
 * mmtrace's own after Tracee's. */
void mmt_json_durations(bool on);

/* The argument type names mmt_json_event() prints (default: v0.24). */
void mmt_json_configure(enum mmt_tracee_format f);

/* The JSON lines live tracing writes besides the calls, told apart without
 * parsing (their writers put eventName, or a finding's eventId 7001-7099,
 * before any argument). */
enum mmt_json_other {
	MMT_JSON_NOT_OTHER, /* a call, or no record of ours */
	MMT_JSON_PLACEMENT, /* a --placement sample */
	MMT_JSON_LOST, /* a lost_events record */
	MMT_JSON_FINDING, /* a --detect finding */
};
enum mmt_json_other mmt_json_other_kind(const char *line, size_t len);

/* parse_args: pointers as "0x..." strings, flags and modes as names */
void mmt_json_event(struct outbuf *ob, const struct mmt_decoded_event *ev,
		    bool parse_args);

/* strace's syntax: time as -t/-tt/-ttt/-r (MMT_TIME_DEFAULT: none), and
 * the duration as -T. */
void mmt_strace_configure(enum mmt_time_fmt time, bool duration);
void mmt_strace_event(struct outbuf *ob, const struct mmt_decoded_event *ev);

/* Records lost since the last such line (lost[event]), at wall_ns, in the
 * stream: a JSON object with "eventName":"lost_events", a table line
 * "TIME lost_events LOST n events: mmap 3, ...", strace's "+++ lost ... +++". */
void mmt_lost_event(struct outbuf *ob, enum mmt_format f, __u64 wall_ns,
		    const __u64 lost[MMT_EV_COUNT]);

#endif /* MMT_OUTPUT_H */
