/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report.h - what mmtrace tells about its run on stderr and, with -c, on
 * the output: lost records at exit, the --stats JSON line, the summary.
 */
#ifndef MMT_CLI_REPORT_H
#define MMT_CLI_REPORT_H

#include <stddef.h>
#include <linux/types.h>
#include "cli/options.h"

struct mmtrace_bpf;
struct outbuf;
struct mmt_summary_row;
struct mmt_move_row;
struct mmt_det_session;
struct mmt_sink;

/* What user space counted of the records it read (the loop fills it). */
struct mmt_tally {
	__u64 events; /* records written out */
	__u64 malformed; /* records the decoder refused */
	__u64 no_context; /* calls of a thread whose context never came */
	__u64 user_filtered; /* records a .nodes filter left out */
	__u64 late; /* records read after a younger one was printed */
	struct mmt_det_session *det; /* --detect: its counters join the stats */
	struct mmt_ways *ways; /* the way in, and what a late one missed */
	struct mmt_sink *sink; /* -o nats://: its counters join the stats */
};

/* Calls lost so far per event (ring buffer full, no room for an entry). */
void mmt_report_lost(struct mmtrace_bpf *skel, __u64 lost[MMT_EV_COUNT]);

/* The JSON stats line on stderr; contexts: thread contexts held. */
void mmt_report_stats(struct mmtrace_bpf *skel, const struct mmt_tally *t, size_t contexts);

/* Losses on stderr at exit: always when there are some; all with --stats. */
void mmt_report_losses(struct mmtrace_bpf *skel, const struct mmt_options *o,
		       const struct mmt_tally *t, size_t contexts);

/* -c: the statistics the kernel kept, summed over CPUs, as a table on
 * out. 0, or -ENOMEM. */
int mmt_report_summary(struct mmtrace_bpf *skel, const struct mmt_options *o,
		       struct outbuf *out);

/* The stats map (calls per event and group) and the moves map (pages
 * migrated per group, reason and node), summed over CPUs, into arrays the
 * caller frees. 0, or -ENOMEM. */
int mmt_report_read_stats(struct mmtrace_bpf *skel, struct mmt_summary_row **rows, size_t *n);
int mmt_report_read_moves(struct mmtrace_bpf *skel, struct mmt_move_row **rows, size_t *n);

#endif /* MMT_CLI_REPORT_H */
