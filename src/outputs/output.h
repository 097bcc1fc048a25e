/* SPDX-License-Identifier: GPL-2.0 */
/*
 * output.h - the two renderers of a decoded event: a table for people and
 * JSON lines in Tracee's event layout for machines.
 */
#ifndef MMT_OUTPUT_H
#define MMT_OUTPUT_H

#include "decoders/decode.h"
#include "outputs/outbuf.h"

enum mmt_format {
	MMT_FMT_TABLE,
	MMT_FMT_JSON,
};

void mmt_table_header(struct outbuf *ob);
void mmt_table_event(struct outbuf *ob, const struct mmt_decoded_event *ev);

/* parse_args: pointers as "0x..." strings, flags and modes as names */
void mmt_json_event(struct outbuf *ob, const struct mmt_decoded_event *ev,
		    bool parse_args);

/* Node lists, shared by both: "0-3,8" and "[0,1,2,3,8]". */
void mmt_nodes_ranges(struct outbuf *ob, const struct mmt_mask *m);
void mmt_nodes_json(struct outbuf *ob, const struct mmt_mask *m);

#endif /* MMT_OUTPUT_H */
