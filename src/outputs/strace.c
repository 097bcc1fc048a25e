// SPDX-License-Identifier: GPL-2.0
/*
 * strace.c - one line per call in strace's own syntax,
 *   [pid N] name(arg, ...) = ret
 * so that a trace can be read, and diffed, as strace's: pointers in hex or
 * NULL, constants by name, node masks as strace's hex words, errors as
 * "-1 ENOMEM (Cannot allocate memory)", " = " at column 40. What differs
 * from strace is listed in the README (-o strace).
 */
#include <string.h>
#include "outputs/output.h"
#include "outputs/timefmt.h"

/* The column strace aligns " = " to. */
#define RET_COLUMN 40

static struct {
	enum mmt_time_fmt time;
	bool duration;
	__u64 prev_ns;
} cfg = {.time = MMT_TIME_NONE};

void mmt_strace_configure(enum mmt_time_fmt time, bool duration)
{
	cfg.time = time == MMT_TIME_DEFAULT ? MMT_TIME_NONE : time;
	cfg.duration = duration;
	cfg.prev_ns = 0;
}

static void addr(struct outbuf *ob, __u64 v)
{
	if (v)
		ob_hex(ob, v);
	else
		ob_str(ob, "NULL");
}

/* A 64-bit word as strace prints a bitmap's: %#0*lx in 16 places. */
static void mask_word(struct outbuf *ob, __u64 w)
{
	static const char digits[] = "0123456789abcdef";
	char s[16];
	int i = 16, stop = w ? 2 : 0;

	while (i > stop) {
		s[--i] = digits[w & 15];
		w >>= 4;
	}
	if (i == 2) {
		s[0] = '0';
		s[1] = 'x';
	}
	ob_mem(ob, s, 16);
}

static void mask(struct outbuf *ob, const struct mmt_decoded_arg *a)
{
	const struct mmt_mask *m = a->mask;
	unsigned int words;

	if (m->state == MMT_READ_NULL) {
		ob_str(ob, "NULL");
		return;
	}
	if (m->state != MMT_READ_OK) {
		addr(ob, a->value); /* not read: the pointer */
		return;
	}
	words = (m->nbits + 63) / 64;
	ob_char(ob, '[');
	for (unsigned int i = 0; i < words && i < MMT_MASK_WORDS; i++) {
		if (i)
			ob_str(ob, ", ");
		mask_word(ob, m->words[i]);
	}
	ob_str(ob, m->truncated ? ", ...]" : "]");
}

static void array(struct outbuf *ob, const struct mmt_decoded_arg *a, bool failed)
{
	const struct mmt_array *arr = a->array;

	if (arr->state == MMT_READ_NULL) {
		ob_str(ob, "NULL");
		return;
	}
	/* empty: none asked for ([]), or a failed call wrote none */
	if (arr->state != MMT_READ_OK &&
	    !(arr->state == MMT_READ_EMPTY && !(a->desc->at_exit && failed))) {
		addr(ob, a->value);
		return;
	}
	ob_char(ob, '[');
	for (unsigned int i = 0; i < arr->count; i++) {
		__s64 v;

		if (i)
			ob_str(ob, ", ");
		if (a->desc->elem == MMT_ELEM_PTR) {
			ob_hex(ob, mmt_array_ptr(arr, i));
			continue;
		}
		v = mmt_array_elem(arr, i);
		if (a->desc->at_exit && mmt_neg_errno_name(v)) {
			ob_char(ob, '-');
			ob_str(ob, mmt_neg_errno_name(v));
		} else {
			ob_s64(ob, v);
		}
	}
	ob_str(ob, arr->truncated ? ", ...]" : "]");
}

static void out_mode(struct outbuf *ob, const struct mmt_decoded_arg *a)
{
	if (a->out_state == MMT_READ_OK) {
		ob_char(ob, '[');
		ob_str(ob, a->out_text);
		ob_char(ob, ']');
	} else {
		addr(ob, a->value);
	}
}

static void arg(struct outbuf *ob, const struct mmt_decoded_arg *a, bool failed)
{
	/* what was read from user memory, when there is some */
	if (a->data == MMT_DATA_MASK && a->mask) {
		mask(ob, a);
		return;
	}
	/* an array of elements (move_pages); other kinds the payload holds as
	 * bytes (mincore's vector, iovecs) print as their address */
	if (a->data == MMT_DATA_ARRAY && a->array && a->desc->kind == MMT_ARG_ARRAY) {
		array(ob, a, failed);
		return;
	}
	if (a->data == MMT_DATA_OUT_INT) {
		out_mode(ob, a);
		return;
	}
	switch (a->desc->kind) {
	case MMT_ARG_ADDR:
	case MMT_ARG_NODEMASK: /* no payload: the pointer */
	case MMT_ARG_ARRAY:
	case MMT_ARG_PAGE_VEC:
	case MMT_ARG_IOVEC:
	case MMT_ARG_OUT_MODE:
		addr(ob, a->value);
		break;
	case MMT_ARG_INT:
		ob_s64(ob, (__s32)a->value);
		break;
	case MMT_ARG_UINT:
	case MMT_ARG_ULONG:
		/* strace prints flags words and file offsets in hex */
		if (a->value && (!strcmp(a->desc->name, "flags") || !strcmp(a->desc->name, "off")))
			ob_hex(ob, a->value);
		else
			ob_u64(ob, a->value);
		break;
	case MMT_ARG_SIZE:
		ob_u64(ob, a->value);
		break;
	default:
		ob_str(ob, a->text);
		break;
	}
}

/* How many arguments strace shows: mremap's new_address only with
 * MREMAP_MAYMOVE|MREMAP_FIXED (its own rule). */
static int shown_args(const struct mmt_decoded_event *ev)
{
	if (!strcmp(ev->desc->name, "mremap") && (ev->args[3].value & 3) != 3)
		return 4;
	return ev->desc->nargs;
}

static void ret(struct outbuf *ob, const struct mmt_decoded_event *ev)
{
	__s64 r = ev->rec->ret;
	const char *name;

	if (ev->failed && (name = mmt_neg_errno_name(r))) {
		ob_str(ob, "-1 ");
		ob_str(ob, name);
		ob_str(ob, " (");
		ob_str(ob, strerror((int)-r));
		ob_char(ob, ')');
		return;
	}
	switch (ev->desc->ret_kind) {
	case MMT_RET_ADDR_OR_ERR:
	case MMT_RET_ADDR:
		ob_hex(ob, r);
		break;
	default:
		ob_s64(ob, r);
		break;
	}
}

void mmt_strace_event(struct outbuf *ob, const struct mmt_decoded_event *ev)
{
	size_t start = ob->len;
	int n = shown_args(ev);

	ob_str(ob, "[pid ");
	ob_u64(ob, ev->rec->host_tid);
	ob_str(ob, "] ");
	if (cfg.time != MMT_TIME_NONE) {
		mmt_time_text(ob, cfg.time, ev->timestamp_ns, &cfg.prev_ns);
		ob_char(ob, ' ');
	}
	ob_str(ob, ev->desc->name);
	ob_char(ob, '(');
	for (int i = 0; i < n; i++) {
		if (i)
			ob_str(ob, ", ");
		arg(ob, &ev->args[i], ev->failed);
	}
	ob_str(ob, ") ");
	/* the text is ASCII: bytes are columns */
	for (size_t col = ob->len - start; col < RET_COLUMN; col++)
		ob_char(ob, ' ');
	ob_str(ob, "= ");
	ret(ob, ev);
	if (cfg.duration && !ev->duration_unknown) {
		ob_str(ob, " <");
		mmt_duration_text(ob, ev->rec->exit_ns - ev->rec->enter_ns);
		ob_char(ob, '>');
	}
	ob_char(ob, '\n');
}
