// SPDX-License-Identifier: GPL-2.0
/*
 * table.c - one aligned line per event, Tracee's columns:
 * TIME UID COMM PID TID RET EVENT ARGS.
 */
#include <string.h>
#include "decoders/argkinds.h"
#include "outputs/output.h"

static const struct {
	const char *name;
	size_t width; /* 0: the last column, not padded */
} cols[MMT_COL_COUNT] = {
	[MMT_COL_TIME] = { "TIME", 16 },
	[MMT_COL_UID] = { "UID", 7 },
	[MMT_COL_COMM] = { "COMM", 17 },
	[MMT_COL_PID] = { "PID", 8 },
	[MMT_COL_TID] = { "TID", 8 },
	[MMT_COL_RET] = { "RET", 17 },
	[MMT_COL_EVENT] = { "EVENT", 24 },
	[MMT_COL_ARGS] = { "ARGS", 0 },
	[MMT_COL_LATENCY] = { "LATENCY(us)", 12 },
	[MMT_COL_CPU] = { "CPU", 4 },
	[MMT_COL_CONTAINER] = { "CONTAINER", 13 },
	[MMT_COL_EXE] = { "EXE", 0 },
};

/* The part of a line before ARGS is at most this long. */
#define HEAD_ROOM 256

static enum mmt_column shown[MMT_COL_COUNT] = {
	MMT_COL_TIME, MMT_COL_UID, MMT_COL_COMM, MMT_COL_PID,
	MMT_COL_TID, MMT_COL_RET, MMT_COL_EVENT, MMT_COL_ARGS,
};
static int nshown = MMT_COL_ARGS + 1;
static bool colored;
static enum mmt_time_fmt time_fmt = MMT_TIME_DEFAULT;
static __u64 time_prev_ns;

void mmt_table_time_format(enum mmt_time_fmt f)
{
	time_fmt = f;
	time_prev_ns = 0;
}

void mmt_table_configure(const enum mmt_column *c, int n, bool color)
{
	nshown = 0;
	for (int i = 0; i < n && i < MMT_COL_COUNT; i++)
		if (c[i] < MMT_COL_COUNT)
			shown[nshown++] = c[i];
	colored = color;
}

/* Width of column i of the line: the last one is not padded. */
static size_t width_of(int i)
{
	return i == nshown - 1 ? 0 : (cols[shown[i]].width ? cols[shown[i]].width : 40);
}

void mmt_table_header(struct outbuf *ob)
{
	for (int i = 0; i < nshown; i++) {
		if (width_of(i))
			ob_pad(ob, cols[shown[i]].name, width_of(i));
		else
			ob_str(ob, cols[shown[i]].name);
	}
	ob_char(ob, '\n');
}

/* Pad a column whose text took n places on the screen; at least one space. */
static void pad(struct outbuf *ob, size_t n, size_t width)
{
	if (!width)
		return;
	do
		ob_char(ob, ' ');
	while (++n < width);
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

static void args_col(struct outbuf *ob, const struct mmt_decoded_event *ev)
{
	if (ev->args_unread) { /* where they were, no made-up values */
		ob_str(ob, "arguments at ");
		ob_hex(ob, ev->args_at);
		ob_str(ob, ": unreadable (");
		ob_str(ob, ev->args_read_error);
		ob_char(ob, ')');
	}
	for (int i = 0; i < ev->desc->nargs && !ev->args_unread; i++) {
		const struct mmt_decoded_arg *a = &ev->args[i];
		const struct mmt_arg_ops *ops = mmt_arg_ops_of(a->desc);

		if (i)
			ob_str(ob, ", ");
		ob_str(ob, a->desc->name);
		ob_str(ob, ": ");
		if (ops->table_value)
			ops->table_value(ob, a);
		else
			ob_str(ob, a->text);
		if (a->ignored)
			ob_str(ob, " (ignored)");
		if (ops->table_note)
			ops->table_note(ob, a);
	}
	outcome_text(ob, ev);
	if (ev->compat)
		ob_str(ob, " [ia32]");
}

/* microseconds with three decimals */
static void latency_col(struct outbuf *ob, __u64 ns)
{
	char frac[4];

	ob_u64(ob, ns / 1000);
	frac[0] = '.';
	frac[1] = '0' + ns / 100 % 10;
	frac[2] = '0' + ns / 10 % 10;
	frac[3] = '0' + ns % 10;
	ob_mem(ob, frac, 4);
}

/* The call site under its row, as strace -k prints it; a last line says
 * why the unwind stopped, unless at the outermost frame. */
static void stack_lines(struct outbuf *ob, const struct mmt_stack *st)
{
	for (int i = 0; i < st->nframes; i++) {
		ob_lit(ob, " > ");
		mmt_stack_frame_put(ob, &st->frames[i]);
		ob_char(ob, '\n');
	}
	if (st->flags) {
		ob_lit(ob, " > [stack ends: ");
		ob_str(ob, mmt_stack_end_name(st->flags));
		ob_lit(ob, "]\n");
	}
}

void mmt_table_event(struct outbuf *ob, const struct mmt_decoded_event *ev)
{
	const struct mmt_record *r = ev->rec;

	if (!ob_room(ob, HEAD_ROOM))
		return;
	for (int i = 0; i < nshown; i++) {
		size_t start = ob->len, visible;
		bool red = false;

		switch (shown[i]) {
		case MMT_COL_TIME:
			/* the table's own time is -tt's: HH:MM:SS.uuuuuu */
			mmt_time_text(ob, time_fmt == MMT_TIME_DEFAULT ? MMT_TIME_USEC : time_fmt,
				      ev->timestamp_ns, &time_prev_ns);
			break;
		case MMT_COL_UID:
			ob_u64(ob, r->uid);
			break;
		case MMT_COL_COMM:
			ob_safe_str(ob, ev->comm, MMT_COMM_LEN);
			break;
		case MMT_COL_PID:
			ob_u64(ob, r->host_pid);
			break;
		case MMT_COL_TID:
			ob_u64(ob, r->host_tid);
			break;
		case MMT_COL_RET:
			red = colored && ev->failed;
			if (red)
				ob_str(ob, "\033[31m");
			ob_str(ob, ev->ret_text);
			if (red)
				ob_str(ob, "\033[0m");
			break;
		case MMT_COL_EVENT:
			ob_str(ob, ev->desc->name);
			break;
		case MMT_COL_ARGS:
			args_col(ob, ev);
			break;
		case MMT_COL_LATENCY:
			if (ev->duration_unknown)
				ob_char(ob, '-');
			else
				latency_col(ob, r->exit_ns - r->enter_ns);
			break;
		case MMT_COL_CPU:
			ob_u64(ob, r->cpu);
			break;
		case MMT_COL_CONTAINER:
			if (ev->container && ev->container->id[0])
				ob_mem(ob, ev->container->id, 12);
			else
				ob_char(ob, '-');
			break;
		case MMT_COL_EXE:
			/* a path whose start is missing never reads as whole */
			if (r->exe_truncated)
				ob_str(ob, "...");
			ob_safe_str(ob, ev->exe, MMT_PATH_LEN);
			if (!ev->exe[0])
				ob_char(ob, '-');
			break;
		default:
			break;
		}
		/* escape codes take no room on the screen */
		visible = red ? strlen(ev->ret_text) : ob->len - start;
		pad(ob, visible, width_of(i));
	}
	ob_char(ob, '\n');
	if (ev->stack)
		stack_lines(ob, ev->stack);
}
