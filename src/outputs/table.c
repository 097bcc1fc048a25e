// SPDX-License-Identifier: GPL-2.0
/*
 * table.c - one aligned line per event, Tracee's columns:
 * TIME UID COMM PID TID RET EVENT ARGS.
 */
#include <string.h>
#include <time.h>
#include "outputs/output.h"

#define W_TIME 16
#define W_UID 7
#define W_COMM 17
#define W_PID 8
#define W_RET 17
#define W_EVENT 15

/*
 * Room for the padded columns of one line: pad_from() measures from a place
 * in the buffer, so no flush may happen until they are written. Time 16,
 * uid 11, comm 65 (16 bytes as \xNN), pids 2 * 11, ret 48, event 16.
 */
#define HEAD_ROOM 256

void mmt_table_header(struct outbuf *ob)
{
	ob_pad(ob, "TIME", W_TIME);
	ob_pad(ob, "UID", W_UID);
	ob_pad(ob, "COMM", W_COMM);
	ob_pad(ob, "PID", W_PID);
	ob_pad(ob, "TID", W_PID);
	ob_pad(ob, "RET", W_RET);
	ob_pad(ob, "EVENT", W_EVENT);
	ob_str(ob, "ARGS\n");
}

static void pad_from(struct outbuf *ob, size_t start, size_t width)
{
	size_t n = ob->len - start;

	do
		ob_char(ob, ' ');
	while (++n < width);
}

static void num_col(struct outbuf *ob, __u64 v, size_t width)
{
	size_t start = ob->len;

	ob_u64(ob, v);
	pad_from(ob, start, width);
}

/* HH:MM:SS.uuuuuu, local time; the broken-down time is kept per second */
static void time_col(struct outbuf *ob, __u64 ns)
{
	static time_t last_sec = -1;
	static char hms[16];
	time_t sec = ns / 1000000000ULL;
	__u64 us = (ns / 1000) % 1000000;
	char frac[8];

	if (sec != last_sec) {
		struct tm tm;

		localtime_r(&sec, &tm);
		strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
		last_sec = sec;
	}
	ob_str(ob, hms);
	frac[0] = '.';
	for (int i = 6; i >= 1; i--, us /= 10)
		frac[i] = '0' + us % 10;
	ob_mem(ob, frac, 7);
	ob_mem(ob, "  ", W_TIME - 15);
}

static void mask_text(struct outbuf *ob, const struct mmt_decoded_arg *a)
{
	const struct mmt_mask *m = a->mask;
	const char *err;

	switch (m->state) {
	case MMT_MASK_NULL:
		ob_str(ob, "NULL");
		break;
	case MMT_MASK_EMPTY:
		ob_str(ob, "[]");
		break;
	case MMT_MASK_READ:
		ob_char(ob, '[');
		if (mmt_mask_next(m, 0) >= 0) {
			mmt_nodes_ranges(ob, m);
			if (m->truncated)
				ob_char(ob, ',');
		}
		ob_str(ob, m->truncated ? "...] (truncated)" : "]");
		break;
	case MMT_MASK_FAULT:
		err = mmt_errno_name(-m->read_err);
		ob_str(ob, a->text);
		ob_str(ob, " (unreadable: ");
		ob_str(ob, err ? err : "error");
		ob_char(ob, ')');
		break;
	default:
		ob_str(ob, a->text);
		break;
	}
}

static void array_text(struct outbuf *ob, const struct mmt_decoded_arg *a)
{
	const struct mmt_array *arr = a->array;
	const char *err;

	switch (arr->state) {
	case MMT_MASK_NULL:
		ob_str(ob, "NULL");
		break;
	case MMT_MASK_READ:
		ob_char(ob, '[');
		for (unsigned int i = 0; i < arr->count; i++) {
			__s64 v = mmt_array_elem(arr, i);

			if (i)
				ob_char(ob, ',');
			if (a->desc->elem == MMT_ELEM_PTR) {
				ob_hex(ob, (__u64)v);
			} else if (a->desc->at_exit && v < 0 && mmt_errno_name(-v)) {
				ob_char(ob, '-'); /* a status: -errno */
				ob_str(ob, mmt_errno_name(-v));
			} else {
				ob_s64(ob, v);
			}
		}
		ob_str(ob, arr->truncated ? ",...] (truncated)" : "]");
		break;
	case MMT_MASK_FAULT:
		err = mmt_errno_name(-arr->read_err);
		ob_str(ob, a->text);
		ob_str(ob, " (unreadable: ");
		ob_str(ob, err ? err : "error");
		ob_char(ob, ')');
		break;
	default: /* EMPTY: nothing read (count 0, or the call failed) */
		ob_str(ob, a->text);
		break;
	}
}

static void out_text(struct outbuf *ob, const struct mmt_decoded_arg *a)
{
	switch (a->out_state) {
	case MMT_MASK_NULL:
		ob_str(ob, "NULL");
		break;
	case MMT_MASK_READ:
		ob_char(ob, '[');
		ob_str(ob, a->out_text);
		ob_char(ob, ']');
		break;
	case MMT_MASK_FAULT:
		ob_str(ob, a->text);
		ob_str(ob, " (unreadable: EFAULT)");
		break;
	default:
		ob_str(ob, a->text);
		break;
	}
}

static void outcome_text(struct outbuf *ob, const struct mmt_decoded_event *ev)
{
	const struct mmt_record *r = ev->rec;

	if (ev->has_target && ev->target_other_process) {
		ob_str(ob, " [target ");
		ob_safe_str(ob, ev->target_comm, sizeof(ev->target_comm));
		ob_str(ob, " pid ");
		ob_u64(ob, ev->target_host_pid);
		ob_str(ob, " uid ");
		ob_u64(ob, ev->target_uid);
		if (ev->target_other_user)
			ob_str(ob, ", another user");
		ob_char(ob, ']');
	}
	if (ev->desc->migrates && r->migrate_batches) {
		ob_str(ob, " => migrated ");
		ob_u64(ob, r->migrate_succeeded);
		ob_str(ob, ", failed ");
		ob_u64(ob, r->migrate_failed);
		ob_str(ob, ", split ");
		ob_u64(ob, r->migrate_split);
	}
}

void mmt_table_event(struct outbuf *ob, const struct mmt_decoded_event *ev)
{
	const struct mmt_record *r = ev->rec;
	size_t start;

	if (!ob_room(ob, HEAD_ROOM))
		return;
	time_col(ob, ev->timestamp_ns);
	num_col(ob, r->uid, W_UID);
	start = ob->len;
	ob_safe_str(ob, ev->comm, sizeof(ev->comm));
	pad_from(ob, start, W_COMM);
	num_col(ob, r->host_pid, W_PID);
	num_col(ob, r->host_tid, W_PID);
	start = ob->len;
	ob_str(ob, ev->ret_text);
	pad_from(ob, start, W_RET);
	start = ob->len;
	ob_str(ob, ev->desc->name);
	pad_from(ob, start, W_EVENT);

	for (int i = 0; i < ev->desc->nargs; i++) {
		const struct mmt_decoded_arg *a = &ev->args[i];

		if (i)
			ob_str(ob, ", ");
		ob_str(ob, a->desc->name);
		ob_str(ob, ": ");
		if (a->mask)
			mask_text(ob, a);
		else if (a->array)
			array_text(ob, a);
		else if (a->desc->kind == MMT_ARG_OUT_MODE)
			out_text(ob, a);
		else
			ob_str(ob, a->text);
		if (a->ignored)
			ob_str(ob, " (ignored)");
	}
	outcome_text(ob, ev);
	if (ev->compat)
		ob_str(ob, " [ia32]");
	ob_char(ob, '\n');
}
