/* SPDX-License-Identifier: GPL-2.0 */
/*
 * top.h - `mmtrace top`: a live view, one row per process (or cgroup), of
 * memory-policy calls, pages migrated by reason, failed migrations and
 * NUMA task moves per second. The kernel counts (the -c machinery: the
 * stats and moves maps); no record is written per event. `-b` prints
 * plain text for scripts, as `top -b` does.
 */
#ifndef MMT_TOP_H
#define MMT_TOP_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include "mmtrace.h"

struct mmt_summary_row;
struct mmt_move_row;
struct outbuf;

/* Reasons shown in columns of their own; the others add up in OTHER. */
#define MMT_TOP_REASON_COLS 6

/* What one row counts, since the start of tracing. */
struct mmt_top_counts {
	__u64 policy_calls;		  /* set_mempolicy, mbind, migrate_pages, ... */
	__u64 task_moves;		  /* numa_task_placement */
	__u64 pages[MMT_TOP_REASON_COLS]; /* pages migrated, by column */
	__u64 failed;			  /* pages that failed to migrate */
	__u64 batches;
};

struct mmt_top_row {
	__u64 group;		     /* tgid or cgroup id */
	char name[MMT_COMM_LEN + 3]; /* comm, "[comm]" for a kernel thread */
	bool kthread;
	struct mmt_top_counts now;	  /* since the start */
	struct mmt_top_counts prev;	  /* since the start, one fold before */
	double rate[MMT_TOP_REASON_COLS]; /* pages per second, by column */
	double pages_rate, policy_rate, failed_rate, tasks_rate;
	__u64 pages_total; /* now.pages summed */
};

enum mmt_top_sort {
	MMT_TOP_SORT_PAGES,  /* pages migrated per second (default) */
	MMT_TOP_SORT_POLICY, /* policy calls per second */
	MMT_TOP_SORT_FAILED, /* failed pages per second */
	MMT_TOP_SORT_TASKS,  /* NUMA task moves per second */
	MMT_TOP_SORT_TOTAL,  /* pages migrated since the start */
	MMT_TOP_SORT_COUNT,
};

/* The column a reason (enum migrate_reason) is counted in. */
unsigned int mmt_top_reason_col(unsigned int reason);

/*
 * Fold the kernel's cumulative rows into one row per group: stats rows
 * give policy calls and task moves, move rows pages. Each row's counts
 * move to prev first; groups not seen before are added while there is
 * room (cap rows): *left_out counts the groups that found none. Returns
 * the number of rows in use.
 */
size_t mmt_top_fold(struct mmt_top_row *rows, size_t n, size_t cap,
		    const struct mmt_summary_row *stats, size_t nstats,
		    const struct mmt_move_row *moves, size_t nmoves, size_t *left_out);

/* Rates over the last interval (seconds long), then sort by them;
 * seconds <= 0 only sorts. */
void mmt_top_rates(struct mmt_top_row *rows, size_t n, double seconds, enum mmt_top_sort sort);

/* The table: a header line and up to max_rows rows (0: all). */
void mmt_top_print(struct outbuf *ob, const struct mmt_top_row *rows, size_t n, size_t max_rows,
		   bool by_cgroup, enum mmt_top_sort sort);

#endif /* MMT_TOP_H */
