// SPDX-License-Identifier: GPL-2.0
/*
 * view.c - `mmtrace top`'s rows: the kernel's counts folded per group,
 * rates over an interval, sorting and the text of the table. No BPF here:
 * the unit tests drive it with rows they make.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "context/cgroups.h"
#include "outputs/summary.h"
#include "placement/numa_maps.h"
#include "text/outbuf.h"
#include "top/top.h"

/* The reason of each column, OTHER last (enum migrate_reason values). */
static const struct {
	int reason; /* -1: every reason without a column */
	const char *title;
} cols[MMT_TOP_REASON_COLS] = {
	{0, "COMPACT"}, {5, "NUMA"}, {3, "SYSCALL"}, {4, "MBIND"}, {8, "DEMOTE"}, {-1, "OTHER"},
};

unsigned int mmt_top_reason_col(unsigned int reason)
{
	for (unsigned int c = 0; c < MMT_TOP_REASON_COLS - 1; c++)
		if ((unsigned int)cols[c].reason == reason)
			return c;
	return MMT_TOP_REASON_COLS - 1;
}

static bool policy_event(__u32 event)
{
	return event == MMT_EV_SET_MEMPOLICY || event == MMT_EV_MBIND ||
	       event == MMT_EV_MIGRATE_PAGES || event == MMT_EV_MOVE_PAGES ||
	       event == MMT_EV_SET_MEMPOLICY_HOME_NODE;
}

static struct mmt_top_row *row_of(struct mmt_top_row *rows, size_t *n, size_t cap, __u64 group,
				  size_t *left_out)
{
	for (size_t i = 0; i < *n; i++)
		if (rows[i].group == group)
			return &rows[i];
	if (*n == cap) {
		(*left_out)++;
		return NULL;
	}
	memset(&rows[*n], 0, sizeof(rows[*n]));
	rows[*n].group = group;
	return &rows[(*n)++];
}

struct mmt_top_row *mmt_top_row_of(struct mmt_top_row *rows, size_t *n, size_t cap, __u64 group)
{
	size_t left_out = 0;

	return row_of(rows, n, cap, group, &left_out);
}

void mmt_top_set_nodes(struct mmt_top_row *r, const struct mmt_placement *p, unsigned int base_kb,
		       bool capped)
{
	struct mmt_top_nodes *nd = &r->nodes;

	nd->state = MMT_TOP_NODES_READ;
	nd->n = 0;
	nd->more = p->other_nodes;
	nd->capped = capped;
	for (int node = 0; node <= p->max_node && node < MMT_PL_MAX_NODES; node++) {
		__u64 pages = mmt_placement_node_total(p, node, base_kb);

		if (!pages)
			continue;
		if (nd->n == MMT_TOP_NODES) {
			nd->more += pages;
			continue;
		}
		nd->node[nd->n] = node;
		nd->pages[nd->n++] = pages;
	}
}

size_t mmt_top_fold(struct mmt_top_row *rows, size_t n, size_t cap,
		    const struct mmt_summary_row *stats, size_t nstats,
		    const struct mmt_move_row *moves, size_t nmoves, size_t *left_out)
{
	*left_out = 0;
	for (size_t i = 0; i < n; i++) {
		rows[i].prev = rows[i].now;
		memset(&rows[i].now, 0, sizeof(rows[i].now));
	}
	for (size_t i = 0; i < nstats; i++) {
		const struct mmt_stat_key *k = &stats[i].key;
		struct mmt_top_row *r;

		if (!policy_event(k->event) && k->event != MMT_EV_NUMA_TASK_PLACEMENT)
			continue;
		r = row_of(rows, &n, cap, k->group, left_out);
		if (!r)
			continue;
		if (k->event == MMT_EV_NUMA_TASK_PLACEMENT)
			r->now.task_moves += stats[i].st.calls;
		else
			r->now.policy_calls += stats[i].st.calls;
	}
	for (size_t i = 0; i < nmoves; i++) {
		const struct mmt_move_key *k = &moves[i].key;
		struct mmt_top_row *r = row_of(rows, &n, cap, k->group, left_out);
		char comm[MMT_COMM_LEN + 1];

		if (!r)
			continue;
		r->now.pages[mmt_top_reason_col(k->reason)] += moves[i].st.succeeded;
		r->now.failed += moves[i].st.failed;
		r->now.batches += moves[i].st.batches;
		if (!r->name[0]) {
			memcpy(comm, k->comm, MMT_COMM_LEN);
			comm[MMT_COMM_LEN] = '\0';
			r->kthread = k->kthread;
			snprintf(r->name, sizeof(r->name), k->kthread ? "[%s]" : "%s", comm);
		}
	}
	return n;
}

static double per_s(__u64 now, __u64 prev, double seconds)
{
	return now >= prev && seconds > 0 ? (double)(now - prev) / seconds : 0;
}

static enum mmt_top_sort sort_key;

static int cmp_rows(const void *pa, const void *pb)
{
	const struct mmt_top_row *a = pa, *b = pb;
	double x, y;

	switch (sort_key) {
	case MMT_TOP_SORT_POLICY:
		x = a->policy_rate, y = b->policy_rate;
		break;
	case MMT_TOP_SORT_FAILED:
		x = a->failed_rate, y = b->failed_rate;
		break;
	case MMT_TOP_SORT_TASKS:
		x = a->tasks_rate, y = b->tasks_rate;
		break;
	case MMT_TOP_SORT_TOTAL:
		x = a->pages_total, y = b->pages_total;
		break;
	default:
		x = a->pages_rate, y = b->pages_rate;
		break;
	}
	if (x != y)
		return x < y ? 1 : -1;
	if (a->pages_total != b->pages_total)
		return a->pages_total < b->pages_total ? 1 : -1;
	return a->group < b->group ? -1 : a->group > b->group;
}

void mmt_top_rates(struct mmt_top_row *rows, size_t n, double seconds, enum mmt_top_sort sort)
{
	/* seconds <= 0: sort again, keep the rates */
	for (size_t i = 0; i < n && seconds > 0; i++) {
		struct mmt_top_row *r = &rows[i];

		r->pages_rate = 0;
		r->pages_total = 0;
		for (int c = 0; c < MMT_TOP_REASON_COLS; c++) {
			r->rate[c] = per_s(r->now.pages[c], r->prev.pages[c], seconds);
			r->pages_rate += r->rate[c];
			r->pages_total += r->now.pages[c];
		}
		r->policy_rate = per_s(r->now.policy_calls, r->prev.policy_calls, seconds);
		r->failed_rate = per_s(r->now.failed, r->prev.failed, seconds);
		r->tasks_rate = per_s(r->now.task_moves, r->prev.task_moves, seconds);
	}
	sort_key = sort;
	if (n > 1)
		qsort(rows, n, sizeof(*rows), cmp_rows);
}

static void print_nodes(struct outbuf *ob, const struct mmt_top_row *r, bool by_cgroup)
{
	const struct mmt_top_nodes *nd = &r->nodes;

	if (by_cgroup || r->kthread || nd->state == MMT_TOP_NODES_NONE) {
		ob_str(ob, "  -");
		return;
	}
	if (nd->state != MMT_TOP_NODES_READ) {
		ob_str(ob, "  ?");
		return;
	}
	if (!nd->n && !nd->more)
		ob_str(ob, "  0");
	for (int i = 0; i < nd->n; i++)
		ob_printf(ob, "%sN%u:%llu", i ? " " : "  ", (unsigned int)nd->node[i],
		    (unsigned long long)nd->pages[i]);
	if (nd->more)
		ob_printf(ob, "%sother:%llu", nd->n ? " " : "  ", (unsigned long long)nd->more);
	if (nd->capped)
		ob_str(ob, " (partial)");
}

void mmt_top_print(struct outbuf *ob, const struct mmt_top_row *rows, size_t n, size_t max_rows,
		   bool by_cgroup, enum mmt_top_sort sort, bool nodes)
{
	static const char *const sorted[MMT_TOP_SORT_COUNT] = {"PAGES/s", "POLICY/s", "FAILED/s",
							       "TASKMV/s", "PAGES"};

	if (by_cgroup)
		ob_printf(ob, "%-*s %9s %9s", MMT_TOP_CGROUP_WIDTH, "CGROUP", "POLICY/s",
		    "PAGES/s");
	else
		ob_printf(ob, "%-12s %-18s %9s %9s", "PID", "COMM", "POLICY/s", "PAGES/s");
	for (int c = 0; c < MMT_TOP_REASON_COLS; c++)
		ob_printf(ob, " %8s", cols[c].title);
	ob_printf(ob, " %9s %9s %11s %9s", "FAILED/s", "TASKMV/s", "PAGES", "FAILED");
	if (nodes)
		ob_str(ob, "  NODE:PAGES");
	ob_printf(ob, "  (sorted by %s)\n", sort < MMT_TOP_SORT_COUNT ? sorted[sort] : "?");
	for (size_t i = 0; i < n && (!max_rows || i < max_rows); i++) {
		const struct mmt_top_row *r = &rows[i];
		char unnamed[MMT_TOP_CGROUP_WIDTH + 1];
		const char *text = r->name;
		size_t w, width = 18;

		if (by_cgroup) {
			text = r->label;
			width = MMT_TOP_CGROUP_WIDTH;
			if (!text[0]) {
				mmt_cgroup_label(r->group, NULL, unnamed, sizeof(unnamed) - 1);
				text = unnamed;
			}
		} else {
			ob_printf(ob, "%-12llu ", (unsigned long long)r->group);
		}
		w = strlen(text);
		ob_safe_str(ob, text, w + 1);
		for (; w < width; w++)
			ob_char(ob, ' ');
		ob_printf(ob, " %9.1f %9.1f", r->policy_rate, r->pages_rate);
		for (int c = 0; c < MMT_TOP_REASON_COLS; c++)
			ob_printf(ob, " %8.1f", r->rate[c]);
		ob_printf(ob, " %9.1f %9.1f %11llu %9llu", r->failed_rate, r->tasks_rate,
		    (unsigned long long)r->pages_total, (unsigned long long)r->now.failed);
		if (nodes)
			print_nodes(ob, r, by_cgroup);
		ob_char(ob, '\n');
	}
}
