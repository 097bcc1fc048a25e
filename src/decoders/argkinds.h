/* SPDX-License-Identifier: GPL-2.0 */
/*
 * argkinds.h - what each kind of argument (enum mmt_arg_kind) does, in one
 * table: how its register value and payload decode, its text, what the
 * table and JSON outputs add after its value, and which constants a filter
 * on it may name. The decoder, both renderers and the filter parser look a
 * kind up here instead of switching on it.
 */
#ifndef MMT_ARGKINDS_H
#define MMT_ARGKINDS_H

#include <stdbool.h>
#include "decoders/decode.h"
#include "text/outbuf.h"
#include "text/xlat.h"

struct mmt_arg_ops {
	/* what the payload holds for an argument of this kind */
	enum mmt_arg_data data;
	/* slots of the payload it may name (desc->payload_slot must be below);
	 * 0: it names none */
	int nslots;
	/*
	 * Fill a's value, is_unsigned and its data from raw and the payload
	 * (NULL when the event has none). a's other fields are set already.
	 */
	void (*decode)(const struct mmt_arg_desc *d, __u64 raw, const void *payload,
		       struct mmt_decoded_arg *a);
	/* a's text (and out_text) for people and --parse-arguments;
	 * r: the record, for arguments that depend on another one */
	void (*text)(const struct mmt_record *r, const struct mmt_arg_desc *d, __u64 raw,
		     struct mmt_decoded_arg *a);
	/* --parse-arguments prints the text as a string instead of the number */
	bool json_text;
	/* JSON prints true/false instead of the number */
	bool json_bool;
	/* JSON prints the value's name in .xlat (a string) even without
	 * --parse-arguments */
	bool json_name;
	/* the JSON fields after "value": ("nodes", "values", "out"...); NULL:
	 * none */
	void (*json_extra)(struct outbuf *ob, const struct mmt_decoded_arg *a, bool parse_args);
	/* the table's text of the value; NULL: a->text */
	void (*table_value)(struct outbuf *ob, const struct mmt_decoded_arg *a);
	/* the table's notes after the value and "(ignored)"; NULL: none */
	void (*table_note)(struct outbuf *ob, const struct mmt_decoded_arg *a);
	/* filters compare the low 32 bits as a signed int */
	bool filter_int;
	/*
	 * The constant tables a filter value may name, into t[0..1]; returns
	 * how many (0: numbers only). NULL: none.
	 */
	int (*filter_tables)(const struct mmt_arg_desc *d, const struct xlat **t);
	/* a filter that names values of filter_tables' first table only
	 * compares these bits (mode=MPOL_BIND matches any mode flag); 0: all */
	__u64 filter_value_bits;
};

extern const struct mmt_arg_ops mmt_arg_ops[MMT_ARG_KIND_COUNT];

/* The operations of d's kind (the table test checks every kind has them). */
static inline const struct mmt_arg_ops *mmt_arg_ops_of(const struct mmt_arg_desc *d)
{
	return &mmt_arg_ops[d->kind];
}

#endif /* MMT_ARGKINDS_H */
