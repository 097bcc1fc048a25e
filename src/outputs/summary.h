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

/*
 * How the tables name a cgroup id: mmt_cgroup_path() (context/cgroups.h)
 * or a stand-in; 0 with the path in buf, or -1 when there is none. NULL:
 * by the id alone.
 */
typedef int (*mmt_cgroup_path_fn)(__u64 id, char *buf, size_t len);

/* The CGROUP column of the pages-migrated table (a longer path shows its
 * end after "..."). */
#define MMT_SUMMARY_CGROUP_WIDTH 40

/* Print rows (sorted in place) grouped by `by`, with histograms if asked;
 * by cgroup, each group titled with its path and id. */
void mmt_summary_print(struct outbuf *ob, struct mmt_summary_row *rows, size_t n,
		       enum mmt_summary_by by, bool histogram, mmt_cgroup_path_fn cgroup_path);

/*
 * The same for the events of many hosts (mmtrace read): by MMT_BY_HOST,
 * a key's group is an index into hosts[]; by MMT_BY_PID, the host's index
 * in its upper 32 bits and the pid in the lower ones.
 */
void mmt_summary_print_hosts(struct outbuf *ob, struct mmt_summary_row *rows, size_t n,
			     enum mmt_summary_by by, bool histogram, const char *const *hosts,
			     size_t nhosts);

/*
 * Pages migrated by group, task name, reason and destination node (rows
 * sorted in place), kernel threads marked, then the totals by reason. By
 * cgroup, the group is its path (cgroup:ID when it has none).
 */
void mmt_moves_print(struct outbuf *ob, struct mmt_move_row *rows, size_t n, enum mmt_summary_by by,
		     mmt_cgroup_path_fn cgroup_path);

/* The name of an enum migrate_reason value: "compaction"..., else NULL. */
const char *mmt_reason_name(unsigned int reason);

#endif /* MMT_SUMMARY_H */
