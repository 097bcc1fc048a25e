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
struct mmt_placement;
struct outbuf;

/* Reasons shown in columns of their own; the others add up in OTHER. */
#define MMT_TOP_REASON_COLS 6
/* The CGROUP column's width: a longer path shows its end after "...". */
#define MMT_TOP_CGROUP_WIDTH 40
/* Nodes listed in a row's NODE:PAGES; pages on further nodes add up. */
#define MMT_TOP_NODES 8

/* What one row counts, since the start of tracing. */
struct mmt_top_counts {
	__u64 policy_calls;		  /* set_mempolicy, mbind, migrate_pages, ... */
	__u64 task_moves;		  /* numa_task_placement */
	__u64 pages[MMT_TOP_REASON_COLS]; /* pages migrated, by column */
	__u64 failed;			  /* pages that failed to migrate */
	__u64 batches;
};

enum mmt_top_nodes_state {
	MMT_TOP_NODES_UNREAD, /* "?": not read, or its numa_maps could not be */
	MMT_TOP_NODES_NONE,   /* "-": a kernel thread (no memory of its own) */
	MMT_TOP_NODES_READ,
};

/* Pages a process maps on each node, from its /proc/PID/numa_maps. */
struct mmt_top_nodes {
	__u8 state;		    /* enum mmt_top_nodes_state */
	__u8 n;			    /* nodes with pages, in node[]/pages[] */
	bool capped;		    /* numa_maps was longer than the read */
	__u16 node[MMT_TOP_NODES];  /* ascending */
	__u64 pages[MMT_TOP_NODES]; /* base pages (4 KiB on x86) */
	__u64 more;		    /* pages on nodes past those */
	__u64 read_at;		    /* the refresh that read it */
};

struct mmt_top_row {
	__u64 group;		     /* tgid or cgroup id */
	char name[MMT_COMM_LEN + 3]; /* comm, "[comm]" for a kernel thread */
	bool kthread;
	/* by cgroup: the path as the column shows it ("" until named:
	 * printed as cgroup:ID) */
	char label[MMT_TOP_CGROUP_WIDTH + 1];
	struct mmt_top_nodes nodes;	  /* by process, when asked for */
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

/*
 * The row of group, added (with zero counts) when it has none and there is
 * room: top -p shows the processes it was given even while they are quiet.
 * NULL when there is no room.
 */
struct mmt_top_row *mmt_top_row_of(struct mmt_top_row *rows, size_t *n, size_t cap, __u64 group);

/* A row's pages per node from its process's parsed numa_maps (p), base
 * pages of base_kb KiB; capped: the read stopped before the end. */
void mmt_top_set_nodes(struct mmt_top_row *r, const struct mmt_placement *p, unsigned int base_kb,
		       bool capped);

/* Rates over the last interval (seconds long), then sort by them;
 * seconds <= 0 only sorts. */
void mmt_top_rates(struct mmt_top_row *rows, size_t n, double seconds, enum mmt_top_sort sort);

/*
 * The table: a header line and up to max_rows rows (0: all). nodes: a last
 * column NODE:PAGES, "N0:2048 N1:12" (the nodes the process has pages on;
 * "-" for kernel threads and cgroups, "?" when not read).
 */
void mmt_top_print(struct outbuf *ob, const struct mmt_top_row *rows, size_t n, size_t max_rows,
		   bool by_cgroup, enum mmt_top_sort sort, bool nodes);

#endif /* MMT_TOP_H */
