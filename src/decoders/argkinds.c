// SPDX-License-Identifier: GPL-2.0
/*
 * argkinds.c - the operations of every argument kind, and the helpers
 * they share: masks, arrays and the int the kernel writes.
 */
#include <stdio.h>
#include <string.h>
#include "decoders/argctx.h"
#include "decoders/argkinds.h"
#include "decoders/mm_decoders.h"
#include "text/errname.h"
#include "text/nodes.h"
#include "text/numfmt.h"

size_t mmt_decode_mpol_mode(__s32 mode, char *buf, size_t len)
{
	__u32 v = (__u32)mode;
	__u32 flags = v & MMT_MPOL_MODE_FLAGS;
	size_t off = xlat_value(&mpol_modes, v & ~MMT_MPOL_MODE_FLAGS, buf, len);

	if (flags) {
		if (off + 1 < len)
			buf[off] = '|';
		off++;
		off += xlat_flags(&mpol_mode_flags, flags, off < len ? buf + off : NULL,
				  off < len ? len - off : 0);
	}
	return off;
}

bool mmt_masks_differ(const struct mmt_mask *a, const struct mmt_mask *b)
{
	int na = mmt_mask_next(a, 0), nb = mmt_mask_next(b, 0);

	while (na == nb && na >= 0) {
		na = mmt_mask_next(a, na + 1);
		nb = mmt_mask_next(b, nb + 1);
	}
	return na != nb;
}

const char *mmt_kcopy_method_name(unsigned int method)
{
	switch (method) {
	case MMT_KCOPY_REREAD:
		return "entry-exit re-read";
	case MMT_KCOPY_FEXIT:
		return "kernel-copy (fexit get_nodes)";
	case MMT_KCOPY_KPROBE:
		return "kernel-copy (kprobe get_nodes)";
	default:
		return NULL;
	}
}

bool mmt_toctou_is_kcopy(unsigned int method)
{
	return method == MMT_KCOPY_FEXIT || method == MMT_KCOPY_KPROBE;
}

__s64 mmt_array_elem(const struct mmt_array *a, unsigned int i)
{
	const unsigned char *p = (const unsigned char *)a->data;

	if (a->elem_size == 4) {
		__s32 v;

		memcpy(&v, p + (size_t)i * 4, 4);
		return v;
	} else {
		__s64 v;

		memcpy(&v, p + (size_t)i * 8, 8);
		return v;
	}
}

__u64 mmt_array_ptr(const struct mmt_array *a, unsigned int i)
{
	__s64 v = mmt_array_elem(a, i);

	return a->elem_size == 4 ? (__u32)v : (__u64)v;
}

/*
 * The four states of a read from user memory, rendered the same way for
 * every kind and both outputs: a NULL pointer, nothing to read, what was
 * read (the kind's own body), a failed read. NONE (no read): the table
 * shows the pointer, JSON adds nothing.
 */
struct read_form {
	const char *json_key;	 /* ",\"nodes\":" */
	const char *json_empty;	 /* JSON value when nothing was read */
	const char *table_empty; /* table text then; NULL: the pointer */
	const char *fault;	 /* the error a failed read names; NULL: read_err's */
	/* what was read: JSON after the key, or the table's text */
	void (*body)(struct outbuf *ob, const struct mmt_decoded_arg *a, bool json,
		     bool parse_args);
};

static void read_render(struct outbuf *ob, const struct mmt_decoded_arg *a,
			const struct read_form *f, int state, __s32 read_err, bool json,
			bool parse_args)
{
	const char *err = f->fault ? f->fault : mmt_neg_errno_name(read_err);

	if (a->not_written) { /* a failed call's output: nothing to show */
		ob_str(ob, json ? ",\"notWritten\":true" : "?");
		return;
	}
	switch (state) {
	case MMT_READ_NULL:
		if (json) {
			ob_str(ob, f->json_key);
			ob_lit(ob, "null");
		} else {
			ob_lit(ob, "NULL");
		}
		break;
	case MMT_READ_EMPTY:
		if (json) {
			ob_str(ob, f->json_key);
			ob_str(ob, f->json_empty);
		} else {
			ob_str(ob, f->table_empty ? f->table_empty : a->text);
		}
		break;
	case MMT_READ_OK:
		if (json)
			ob_str(ob, f->json_key);
		f->body(ob, a, json, parse_args);
		break;
	case MMT_READ_FAULT:
		if (json) {
			ob_lit(ob, ",\"readError\":\"");
			ob_str(ob, err ? err : "EIO");
			ob_char(ob, '"');
		} else {
			ob_str(ob, a->text);
			ob_lit(ob, " (unreadable: ");
			ob_str(ob, err ? err : "error");
			ob_char(ob, ')');
		}
		break;
	default:
		if (!json)
			ob_str(ob, a->text);
		break;
	}
}

/* Values: the register as the kernel's prototype types it. */

static void decode_s32(const struct mmt_arg_desc *d, __u64 raw, const void *payload,
		       struct mmt_decoded_arg *a)
{
	(void)d;
	(void)payload;
	a->value = (__s32)raw; /* the kernel takes an int: the low 32 bits */
	a->is_unsigned = false;
}

static void decode_u32(const struct mmt_arg_desc *d, __u64 raw, const void *payload,
		       struct mmt_decoded_arg *a)
{
	(void)d;
	(void)payload;
	a->value = (__u32)raw;
}

static void decode_u64(const struct mmt_arg_desc *d, __u64 raw, const void *payload,
		       struct mmt_decoded_arg *a)
{
	(void)d;
	(void)raw;
	(void)payload;
	(void)a; /* all 64 bits, unsigned: as the caller set them */
}

static void decode_flags(const struct mmt_arg_desc *d, __u64 raw, const void *payload,
			 struct mmt_decoded_arg *a)
{
	(void)payload;
	if (d->int32) { /* the upper half never reaches the kernel */
		raw = (__u32)raw;
		a->is_unsigned = !strncmp(d->type, "unsigned", 8);
		a->value = a->is_unsigned ? (__s64)raw : (__s32)raw;
	}
}

static void text_int(const struct mmt_record *r, const struct mmt_arg_desc *d, __u64 raw,
		     struct mmt_decoded_arg *a)
{
	(void)r;
	(void)d;
	fmt_num_str(a->text, sizeof(a->text), (__s32)raw, true, false);
}

static void text_uint(const struct mmt_record *r, const struct mmt_arg_desc *d, __u64 raw,
		      struct mmt_decoded_arg *a)
{
	(void)r;
	(void)d;
	fmt_num_str(a->text, sizeof(a->text), (__u32)raw, false, false);
}

static void text_ulong(const struct mmt_record *r, const struct mmt_arg_desc *d, __u64 raw,
		       struct mmt_decoded_arg *a)
{
	(void)r;
	(void)d;
	fmt_num_str(a->text, sizeof(a->text), raw, false, false);
}

static void text_hex(const struct mmt_record *r, const struct mmt_arg_desc *d, __u64 raw,
		     struct mmt_decoded_arg *a)
{
	(void)r;
	(void)d;
	fmt_num_str(a->text, sizeof(a->text), raw, false, true);
}

static void text_flags(const struct mmt_record *r, const struct mmt_arg_desc *d, __u64 raw,
		       struct mmt_decoded_arg *a)
{
	(void)r;
	/* int flags: the upper half never reaches the kernel */
	xlat_flags(d->xlat, d->int32 ? (__u32)raw : raw, a->text, sizeof(a->text));
}

static void text_value(const struct mmt_record *r, const struct mmt_arg_desc *d, __u64 raw,
		       struct mmt_decoded_arg *a)
{
	(void)r;
	xlat_value(d->xlat, (__u32)raw, a->text, sizeof(a->text));
}

static void text_bool(const struct mmt_record *r, const struct mmt_arg_desc *d, __u64 raw,
		      struct mmt_decoded_arg *a)
{
	(void)r;
	(void)d;
	snprintf(a->text, sizeof(a->text), "%s", raw ? "true" : "false");
}

static void text_mmap_flags(const struct mmt_record *r, const struct mmt_arg_desc *d, __u64 raw,
			    struct mmt_decoded_arg *a)
{
	(void)r;
	if (d->no_map_type)
		mmt_decode_map_bits(raw, a->text, sizeof(a->text));
	else
		mmt_decode_mmap_flags(raw, a->text, sizeof(a->text));
}

static void text_mpol_mode(const struct mmt_record *r, const struct mmt_arg_desc *d, __u64 raw,
			   struct mmt_decoded_arg *a)
{
	(void)r;
	(void)d;
	mmt_decode_mpol_mode((__s32)raw, a->text, sizeof(a->text));
}

static int tables_own(const struct mmt_arg_desc *d, const struct xlat **t)
{
	t[0] = d->xlat;
	return 1;
}

static int tables_mpol_mode(const struct mmt_arg_desc *d, const struct xlat **t)
{
	(void)d;
	t[0] = &mpol_modes;
	t[1] = &mpol_mode_flags;
	return 2;
}

static int tables_mmap_flags(const struct mmt_arg_desc *d, const struct xlat **t)
{
	(void)d;
	t[0] = &mmap_types;
	t[1] = &mmap_flags;
	return 2;
}

/* Node masks. */

/*
 * An input mask's TOCTOU verdict: from the kernel's own copy when a hook
 * took it (proven either way: it is what the call used), else from the
 * re-read at exit (a change seen; equal reads prove nothing).
 */
static void toctou_verdict(const struct mmt_payload_masks *pm, int slot, struct mmt_decoded_arg *a)
{
	const struct mmt_mask *m = &pm->masks[slot], *k = &pm->kmasks[slot];

	a->changed = pm->changed[slot];
	if (mmt_toctou_is_kcopy(pm->toctou_method) && k->state == MMT_READ_OK) {
		a->kmask = k;
		a->toctou = m->state == MMT_READ_OK && mmt_masks_differ(m, k);
		a->toctou_check = mmt_kcopy_method_name(pm->toctou_method);
		return;
	}
	a->toctou = a->changed;
	if (m->state == MMT_READ_OK && pm->toctou_method != MMT_KCOPY_NONE)
		a->toctou_check = mmt_kcopy_method_name(MMT_KCOPY_REREAD);
}

static void decode_mask(const struct mmt_arg_desc *d, __u64 raw, const void *payload,
			struct mmt_decoded_arg *a)
{
	const struct mmt_payload_masks *pm = payload;

	(void)raw;
	if (!pm)
		return;
	a->data = MMT_DATA_MASK;
	a->mask = &pm->masks[d->payload_slot];
	a->changed = false;
	a->kmask = NULL;
	a->toctou = false;
	a->toctou_check = NULL;
	if (!d->at_exit)
		toctou_verdict(pm, d->payload_slot, a);
}

/* "[0-2,5]", "[0,...] (truncated)" */
static void nodes_text(struct outbuf *ob, const struct mmt_mask *m)
{
	ob_char(ob, '[');
	if (mmt_mask_next(m, 0) >= 0) {
		mmt_nodes_ranges(ob, m);
		if (m->truncated)
			ob_char(ob, ',');
	}
	ob_str(ob, m->truncated ? "...] (truncated)" : "]");
}

static void mask_body(struct outbuf *ob, const struct mmt_decoded_arg *a, bool json,
		      bool parse_args)
{
	(void)parse_args;
	if (!json) {
		nodes_text(ob, a->mask);
		return;
	}
	mmt_nodes_json(ob, a->mask);
	if (a->mask->truncated)
		ob_lit(ob, ",\"truncated\":true");
}

static const struct read_form mask_form = {
	.json_key = ",\"nodes\":",
	.json_empty = "[]",
	.table_empty = "[]",
	.body = mask_body,
};

static void json_mask(struct outbuf *ob, const struct mmt_decoded_arg *a, bool parse_args)
{
	if (a->data != MMT_DATA_MASK)
		return;
	read_render(ob, a, &mask_form, a->mask->state, a->mask->read_err, true, parse_args);
	if (a->kmask) { /* the nodes the kernel copied and used */
		ob_lit(ob, ",\"kernelNodes\":");
		mmt_nodes_json(ob, a->kmask);
	}
	if (a->toctou)
		ob_lit(ob, ",\"toctou\":true");
	if (a->kmask && a->changed)
		ob_lit(ob, ",\"changedAtExit\":true");
	if (a->toctou_check) {
		ob_lit(ob, ",\"toctouCheck\":\"");
		ob_str(ob, a->toctou_check);
		ob_char(ob, '"');
	}
}

static void table_mask(struct outbuf *ob, const struct mmt_decoded_arg *a)
{
	if (a->data != MMT_DATA_MASK)
		ob_str(ob, a->text);
	else
		read_render(ob, a, &mask_form, a->mask->state, a->mask->read_err, false, false);
}

static void table_mask_note(struct outbuf *ob, const struct mmt_decoded_arg *a)
{
	if (a->data != MMT_DATA_MASK)
		return;
	/* the kernel's copy: when it differs, or when ours failed */
	if (a->kmask && (a->toctou || a->mask->state != MMT_READ_OK)) {
		ob_lit(ob, " (kernel copied ");
		nodes_text(ob, a->kmask);
		ob_str(ob, a->toctou ? ": TOCTOU)" : ")");
	} else if (a->toctou) {
		ob_lit(ob, " (changed during the call: TOCTOU)");
	} else if (a->kmask && a->changed) {
		ob_lit(ob, " (changed after the kernel copied it)");
	}
}

/* Arrays (move_pages' pages, nodes and status). */

static void decode_array(const struct mmt_arg_desc *d, __u64 raw, const void *payload,
			 struct mmt_decoded_arg *a)
{
	const struct mmt_payload_move_pages *mp = payload;
	const struct mmt_array *slots[] = {mp ? &mp->pages : NULL, mp ? &mp->nodes : NULL,
					   mp ? &mp->status : NULL};

	(void)raw;
	if (!mp)
		return;
	a->data = MMT_DATA_ARRAY;
	a->array = slots[d->payload_slot];
}

static void array_end(struct outbuf *ob, const struct mmt_array *arr, bool json);

/* JSON: pointers as numbers, or hex strings when parsed; table: pointers
 * in hex, a status the kernel wrote as -ERRNO. */
static void array_body(struct outbuf *ob, const struct mmt_decoded_arg *a, bool json,
		       bool parse_args)
{
	const struct mmt_array *arr = a->array;
	bool ptr = a->desc->elem == MMT_ELEM_PTR;

	ob_char(ob, '[');
	for (unsigned int i = 0; i < arr->count; i++) {
		__s64 v = ptr ? (__s64)mmt_array_ptr(arr, i) : mmt_array_elem(arr, i);

		if (i)
			ob_char(ob, ',');
		if (ptr && json && parse_args) {
			ob_char(ob, '"');
			ob_hex(ob, (__u64)v);
			ob_char(ob, '"');
		} else if (ptr && json) {
			ob_u64(ob, (__u64)v);
		} else if (ptr) {
			ob_hex(ob, (__u64)v);
		} else if (!json && a->desc->at_exit && mmt_neg_errno_name(v)) {
			ob_char(ob, '-'); /* a status: -errno */
			ob_str(ob, mmt_neg_errno_name(v));
		} else {
			ob_s64(ob, v);
		}
	}
	array_end(ob, arr, json);
}

/*
 * The end of an array's values: where reading stopped (the elements from
 * count on were unreadable), or that the call passed more than were read.
 */
static void array_end(struct outbuf *ob, const struct mmt_array *arr, bool json)
{
	if (arr->partial) {
		const char *err = mmt_neg_errno_name(arr->read_err);

		if (json) {
			ob_lit(ob, "],\"readError\":\"");
			ob_str(ob, err ? err : "EIO");
			ob_lit(ob, "\",\"readStoppedAt\":");
			ob_u64(ob, arr->count);
		} else {
			ob_lit(ob, "] (unreadable from element ");
			ob_u64(ob, arr->count);
			ob_lit(ob, ": ");
			ob_str(ob, err ? err : "error");
			ob_char(ob, ')');
		}
	} else if (json) {
		ob_char(ob, ']');
		if (arr->truncated)
			ob_lit(ob, ",\"truncated\":true");
	} else {
		ob_str(ob, arr->truncated ? ",...] (truncated)" : "]");
	}
}

static const struct read_form array_form = {
	.json_key = ",\"values\":",
	.json_empty = "[]",
	.table_empty = NULL, /* nothing read (count 0, or the call failed) */
	.body = array_body,
};

static void json_array(struct outbuf *ob, const struct mmt_decoded_arg *a, bool parse_args)
{
	if (a->data == MMT_DATA_ARRAY)
		read_render(ob, a, &array_form, a->array->state, a->array->read_err, true,
			    parse_args);
}

static void table_array(struct outbuf *ob, const struct mmt_decoded_arg *a)
{
	if (a->data != MMT_DATA_ARRAY)
		ob_str(ob, a->text);
	else
		read_render(ob, a, &array_form, a->array->state, a->array->read_err, false, false);
}

/* The one array of a MMT_PAYLOAD_ARRAY event (mincore's vec, iovecs). */
static void decode_one_array(const struct mmt_arg_desc *d, __u64 raw, const void *payload,
			     struct mmt_decoded_arg *a)
{
	const struct mmt_payload_array *pa = payload;

	(void)d;
	(void)raw;
	if (!pa)
		return;
	a->data = MMT_DATA_ARRAY;
	a->array = &pa->array;
}

/* mincore's vec: its first MMT_ARRAY_MAX bytes, and how many of the pages
 * read are resident (bit 0). */
static void vec_body(struct outbuf *ob, const struct mmt_decoded_arg *a, bool json, bool parse_args)
{
	const struct mmt_array *arr = a->array;
	const unsigned char *b = (const unsigned char *)arr->data;
	unsigned int shown = arr->count < MMT_ARRAY_MAX ? arr->count : MMT_ARRAY_MAX;
	unsigned int resident = 0;

	(void)parse_args;
	for (unsigned int i = 0; i < arr->count; i++)
		resident += b[i] & 1;
	ob_char(ob, '[');
	for (unsigned int i = 0; i < shown; i++) {
		if (i)
			ob_char(ob, ',');
		ob_u64(ob, b[i]);
	}
	if (arr->partial) {
		array_end(ob, arr, json);
	} else if (json) {
		ob_char(ob, ']');
		if (shown < arr->count || arr->truncated)
			ob_lit(ob, ",\"truncated\":true");
	} else {
		ob_str(ob, shown < arr->count || arr->truncated ? ",...] (truncated)" : "]");
	}
	/* the count covers the pages read only: say so when there are more */
	if (json) {
		ob_lit(ob, ",\"resident\":");
		ob_u64(ob, resident);
		if (arr->truncated || arr->partial) {
			ob_lit(ob, ",\"residentOfFirst\":");
			ob_u64(ob, arr->count);
		}
	} else {
		ob_lit(ob, " (");
		ob_u64(ob, resident);
		ob_str(ob, arr->truncated || arr->partial ? " of the first " : " of ");
		ob_u64(ob, arr->count);
		if (arr->truncated) {
			ob_lit(ob, " of ");
			ob_u64(ob, arr->total);
		}
		ob_lit(ob, " pages resident)");
	}
}

/* struct iovec i of an array read: {base, len}, 32-bit words for ia32 */
static void iovec_at(const struct mmt_array *arr, unsigned int i, __u64 *base, __u64 *len)
{
	const unsigned char *p = (const unsigned char *)arr->data + (size_t)i * arr->elem_size;

	if (arr->elem_size == 8) {
		__u32 w[2];

		memcpy(w, p, sizeof(w));
		*base = w[0];
		*len = w[1];
	} else {
		memcpy(base, p, 8);
		memcpy(len, p + 8, 8);
	}
}

/* JSON [{"base":N,"len":N}...] (base a hex string when parsed); table
 * [{0x...,N}...] */
static void iovec_body(struct outbuf *ob, const struct mmt_decoded_arg *a, bool json,
		       bool parse_args)
{
	const struct mmt_array *arr = a->array;

	ob_char(ob, '[');
	for (unsigned int i = 0; i < arr->count; i++) {
		__u64 base, len;

		iovec_at(arr, i, &base, &len);
		if (i)
			ob_char(ob, ',');
		if (json) {
			ob_lit(ob, "{\"base\":");
			if (parse_args) {
				ob_char(ob, '"');
				ob_hex(ob, base);
				ob_char(ob, '"');
			} else {
				ob_u64(ob, base);
			}
			ob_lit(ob, ",\"len\":");
		} else {
			ob_char(ob, '{');
			ob_hex(ob, base);
			ob_char(ob, ',');
		}
		ob_u64(ob, len);
		ob_char(ob, '}');
	}
	array_end(ob, arr, json);
}

static const struct read_form vec_form = {
	.json_key = ",\"values\":",
	.json_empty = "[]",
	.table_empty = NULL, /* nothing read (length 0, or the call failed) */
	.body = vec_body,
};

static const struct read_form iovec_form = {
	.json_key = ",\"values\":",
	.json_empty = "[]",
	.table_empty = NULL, /* vlen 0 */
	.body = iovec_body,
};

static void json_vec(struct outbuf *ob, const struct mmt_decoded_arg *a, bool parse_args)
{
	if (a->data == MMT_DATA_ARRAY)
		read_render(ob, a, &vec_form, a->array->state, a->array->read_err, true,
			    parse_args);
}

static void table_vec(struct outbuf *ob, const struct mmt_decoded_arg *a)
{
	if (a->data != MMT_DATA_ARRAY)
		ob_str(ob, a->text);
	else
		read_render(ob, a, &vec_form, a->array->state, a->array->read_err, false, false);
}

static void json_iovec(struct outbuf *ob, const struct mmt_decoded_arg *a, bool parse_args)
{
	if (a->data == MMT_DATA_ARRAY)
		read_render(ob, a, &iovec_form, a->array->state, a->array->read_err, true,
			    parse_args);
}

static void table_iovec(struct outbuf *ob, const struct mmt_decoded_arg *a)
{
	if (a->data != MMT_DATA_ARRAY)
		ob_str(ob, a->text);
	else
		read_render(ob, a, &iovec_form, a->array->state, a->array->read_err, false, false);
}

/* The int the kernel writes (get_mempolicy's mode, or a node). */

static void decode_out_mode(const struct mmt_arg_desc *d, __u64 raw, const void *payload,
			    struct mmt_decoded_arg *a)
{
	const struct mmt_payload_masks *pm = payload;

	(void)d;
	(void)raw;
	a->data = MMT_DATA_OUT_INT;
	a->out_state = pm ? pm->out_int_state : MMT_READ_NONE;
	a->out_value = pm ? pm->out_int : 0;
	a->out_text[0] = '\0';
}

static void text_out_mode(const struct mmt_record *r, const struct mmt_arg_desc *d, __u64 raw,
			  struct mmt_decoded_arg *a)
{
	fmt_num_str(a->text, sizeof(a->text), raw, false, true);
	if (a->out_state != MMT_READ_OK)
		return;
	if (d->node_bits && (r->args[d->node_if_arg] & d->node_bits))
		snprintf(a->out_text, sizeof(a->out_text), "%d", a->out_value);
	else
		mmt_decode_mpol_mode(a->out_value, a->out_text, sizeof(a->out_text));
}

static void out_body(struct outbuf *ob, const struct mmt_decoded_arg *a, bool json, bool parse_args)
{
	if (json && parse_args) {
		ob_json_str(ob, a->out_text, sizeof(a->out_text));
	} else if (json) {
		ob_s64(ob, a->out_value);
	} else {
		ob_char(ob, '[');
		ob_str(ob, a->out_text);
		ob_char(ob, ']');
	}
}

static const struct read_form out_form = {
	.json_key = ",\"out\":",
	.json_empty = "null",
	.table_empty = NULL,
	.fault = "EFAULT", /* the kernel's put_user() failed */
	.body = out_body,
};

static void json_out(struct outbuf *ob, const struct mmt_decoded_arg *a, bool parse_args)
{
	read_render(ob, a, &out_form, a->out_state, 0, true, parse_args);
}

static void table_out(struct outbuf *ob, const struct mmt_decoded_arg *a)
{
	read_render(ob, a, &out_form, a->out_state, 0, false, false);
}

/* clang-format off */
const struct mmt_arg_ops mmt_arg_ops[MMT_ARG_KIND_COUNT] = {
	[MMT_ARG_INT] = {
		.decode = decode_s32,
		.text = text_int,
		.filter_int = true,
	},
	[MMT_ARG_UINT] = {
		.decode = decode_u32,
		.text = text_uint,
	},
	[MMT_ARG_ULONG] = {
		.decode = decode_u64,
		.text = text_ulong,
	},
	[MMT_ARG_SIZE] = {
		.decode = decode_u64,
		.text = text_ulong,
	},
	[MMT_ARG_ADDR] = {
		.decode = decode_u64,
		.text = text_hex,
		.json_text = true,
	},
	[MMT_ARG_FLAGS] = {
		.decode = decode_flags,
		.text = text_flags,
		.json_text = true,
		.filter_tables = tables_own,
	},
	[MMT_ARG_VALUE] = {
		.decode = decode_s32,
		.text = text_value,
		.json_text = true,
		.filter_int = true,
		.filter_tables = tables_own,
	},
	[MMT_ARG_MMAP_FLAGS] = {
		.decode = decode_u64,
		.text = text_mmap_flags,
		.json_text = true,
		.filter_tables = tables_mmap_flags,
	},
	[MMT_ARG_MPOL_MODE] = {
		.decode = decode_s32,
		.text = text_mpol_mode,
		.json_text = true,
		.filter_int = true,
		.filter_tables = tables_mpol_mode,
		.filter_value_bits = ~(__u64)MMT_MPOL_MODE_FLAGS,
	},
	[MMT_ARG_NODEMASK] = {
		.data = MMT_DATA_MASK,
		.nslots = MMT_MAX_MASKS,
		.decode = decode_mask,
		.text = text_hex,
		.json_text = true,
		.json_extra = json_mask,
		.table_value = table_mask,
		.table_note = table_mask_note,
	},
	[MMT_ARG_ARRAY] = {
		.data = MMT_DATA_ARRAY,
		.nslots = 3, /* pages, nodes, status */
		.decode = decode_array,
		.text = text_hex,
		.json_text = true,
		.json_extra = json_array,
		.table_value = table_array,
	},
	[MMT_ARG_FD] = {
		.decode = decode_s32,
		.text = text_int,
		.filter_int = true,
		.json_extra = mmt_argctx_json_fd,
		.table_value = mmt_argctx_table_fd,
	},
	[MMT_ARG_RANGE] = {
		.decode = decode_u64,
		.text = text_hex,
		.json_text = true,
		.json_extra = mmt_argctx_json_mapping,
		.table_note = mmt_argctx_table_mapping,
	},
	[MMT_ARG_BOOL] = {
		.decode = decode_u64,
		.text = text_bool,
		.json_bool = true,
	},
	[MMT_ARG_NAME] = {
		.decode = decode_s32,
		.text = text_value,
		.json_name = true,
		.filter_int = true,
		.filter_tables = tables_own,
	},
	[MMT_ARG_OUT_MODE] = {
		.data = MMT_DATA_OUT_INT,
		.decode = decode_out_mode,
		.text = text_out_mode,
		.json_text = true,
		.json_extra = json_out,
		.table_value = table_out,
	},
	[MMT_ARG_PAGE_VEC] = {
		.data = MMT_DATA_ARRAY,
		.nslots = 1,
		.decode = decode_one_array,
		.text = text_hex,
		.json_text = true,
		.json_extra = json_vec,
		.table_value = table_vec,
	},
	[MMT_ARG_IOVEC] = {
		.data = MMT_DATA_ARRAY,
		.nslots = 1,
		.decode = decode_one_array,
		.text = text_hex,
		.json_text = true,
		.json_extra = json_iovec,
		.table_value = table_iovec,
	},
};
/* clang-format on */
