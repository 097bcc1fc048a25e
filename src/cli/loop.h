/* SPDX-License-Identifier: GPL-2.0 */
/*
 * loop.h - the trace loop: the ring buffer polled, each record joined with
 * its thread's context, decoded, filtered and handed to the output, until
 * the command exits or a signal comes.
 */
#ifndef MMT_CLI_LOOP_H
#define MMT_CLI_LOOP_H

#include "cli/child.h"
#include "cli/options.h"
#include "cli/report.h"
#include "context/tasks.h"
#include "outputs/output.h"
#include "ring/cpu_rings.h"
#include "stack/sites.h"
#include "stack/stack.h"

struct mmtrace_bpf;
struct mmt_merge;
struct mmt_ring_src;
struct mmt_pl;
struct mmt_sink;

struct mmt_loop {
	const struct mmt_options *opts;
	struct mmtrace_bpf *skel;
	struct outbuf *out;
	struct mmt_child *child;
	struct mmt_cpu_rings rings; /* one ring buffer per CPU */
	struct mmt_ring_src *srcs; /* what each CPU's records come with */
	struct mmt_merge *merge; /* their records in time order; NULL: as read */
	__u64 boot_to_wall_ns;
	struct mmt_tally tally;
	struct mmt_tasks tasks; /* thread contexts by host tid */
	bool released; /* the command was let exec */
	bool forwarded; /* the first signal was passed on to it */
	bool targets_gone; /* -p: every process and thread asked for ended */
	__u64 lost_shown[MMT_EV_COUNT]; /* losses already told in the stream */
	__u64 losses_checked_ns; /* CLOCK_MONOTONIC of the last look */
	/* why tracing stopped while the command runs (mmt_loop_run's 1) */
	char why[96];
	struct mmt_pl *placement; /* --placement, else NULL */
	struct mmt_stacks *stacks; /* --stack: the unwinder's cache, else NULL */
	struct mmt_sites *sites; /* --summary-by stack, else NULL */
	struct mmt_stack stack; /* the call site of the record in hand */
	struct mmt_stack_tail *tail_copy; /* a tail not 8-byte aligned, copied */
	struct mmt_sink *sink; /* -o nats://: events go there, not to out's fd */
	/* a call joined with its thread's context, then its payload and an
	 * argument's context */
	_Alignas(8) unsigned char joined[sizeof(struct mmt_record) +
					 sizeof(struct mmt_payload_masks) +
					 sizeof(struct mmt_payload_move_pages) +
					 sizeof(struct mmt_argctx)];
};

/* Stop on SIGINT, SIGTERM and SIGHUP (the first is passed on to a
 * command); ignore SIGPIPE. reopen: SIGHUP reopens the output file instead
 * (log rotation), as daemons do. */
void mmt_loop_catch_signals(bool reopen);

/* Set up the ring buffers of l->skel for l (opts, skel, out, child set).
 * 0, or -1 after an error line. */
int mmt_loop_open(struct mmt_loop *l);

/*
 * Poll until the command exits (*status: its wait status), or until a
 * signal: without a command, the first signal stops; with one, the first
 * is passed on to the command and a second stops at once. Returns 0; 1
 * when tracing must stop while the command runs on (a second signal, the
 * output failed or closed: l->why says which); -1 after an error line.
 * Signals are honoured while a write of the output waits.
 */
int mmt_loop_run(struct mmt_loop *l, int *status);

/* After tracing stopped: wait for the command to end (*status), passing it
 * the first signal. 0; or the signal that made mmtrace stop waiting (the
 * third), the command left running. */
int mmt_loop_wait_child(struct mmt_loop *l, int *status);

void mmt_loop_close(struct mmt_loop *l);

/*
 * Out with what was rendered. With -o nats:// the calls went to the sink
 * as they came; what else was rendered (placement samples, lost_events
 * records, findings) goes to it here, each line a message.
 */
void mmt_loop_flush(struct mmt_loop *l);

#endif /* MMT_CLI_LOOP_H */
