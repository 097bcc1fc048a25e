/* SPDX-License-Identifier: GPL-2.0 */
/*
 * summary.h - `mmtrace -c`: calls, errors and latency per event, from the
 * statistics the kernel kept (struct mmt_stat per key, summed over CPUs).
 */
#ifndef MMT_SUMMARY_H
#define MMT_SUMMARY_H

#include <stdbool.h>
#include "text/outbuf.h"
#include "mmtrace.h"

struct mmt_summary_row {
	struct mmt_stat_key key;
	struct mmt_stat st;
};

struct mmt_move_row {
	struct mmt_move_key key;
	struct mmt_move_stat st;
};

/* Print rows (sorted in place) grouped by `by`, with histograms if asked. */
void mmt_summary_print(struct outbuf *ob, struct mmt_summary_row *rows, size_t n,
		       enum mmt_summary_by by, bool histogram);

/*
 * Pages migrated by group, task name, reason and destination node (rows
 * sorted in place), kernel threads marked, then the totals by reason.
 */
void mmt_moves_print(struct outbuf *ob, struct mmt_move_row *rows, size_t n,
		     enum mmt_summary_by by);

/* The name of an enum migrate_reason value: "compaction"..., else NULL. */
const char *mmt_reason_name(unsigned int reason);

#endif /* MMT_SUMMARY_H */
