/* SPDX-License-Identifier: GPL-2.0 */
/*
 * output.h - the two renderers of a decoded event: a table for people and
 * JSON lines in Tracee's event layout for machines.
 */
#ifndef MMT_OUTPUT_H
#define MMT_OUTPUT_H

#include "decoders/decode.h"
#include "text/outbuf.h"

enum mmt_format {
	MMT_FMT_TABLE,
	MMT_FMT_JSON,
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

void mmt_table_header(struct outbuf *ob);
void mmt_table_event(struct outbuf *ob, const struct mmt_decoded_event *ev);

/* The argument type names mmt_json_event() prints (default: v0.24). */
void mmt_json_configure(enum mmt_tracee_format f);

/* parse_args: pointers as "0x..." strings, flags and modes as names */
void mmt_json_event(struct outbuf *ob, const struct mmt_decoded_event *ev,
		    bool parse_args);

#endif /* MMT_OUTPUT_H */
