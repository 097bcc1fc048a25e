// SPDX-License-Identifier: GPL-2.0
/*
 * summary.c - the summary table of `mmtrace -c`, like `strace -c` but per
 * event, with errors by errno and, on request, a log2 latency histogram.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "context/cgroups.h"
#include "decoders/decode.h"
#include "outputs/summary.h"
#include "text/xlat.h"

static int cmp_rows(const void *pa, const void *pb)
{
	const struct mmt_stat_key *a = &((const struct mmt_summary_row *)pa)->key;
	const struct mmt_stat_key *b = &((const struct mmt_summary_row *)pb)->key;
	int c;

	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	c = memcmp(a->comm, b->comm, sizeof(a->comm));
	if (c)
		return c;
	if (a->event != b->event)
		return a->event < b->event ? -1 : 1;
	return a->err - b->err;
}

static bool same_group(const struct mmt_stat_key *a, const struct mmt_stat_key *b)
{
	return a->group == b->group && !memcmp(a->comm, b->comm, sizeof(a->comm));
}

/* "512", "1K", "2M": the lower bound of a log2 bucket, in ns */
static void bound(char *buf, size_t len, unsigned int slot)
{
	static const char units[] = " KMGT";
	__u64 v = slot ? 1ULL << slot : 0;
	int u = 0;

	while (v >= 1024 && !(v % 1024) && u < 4) {
		v /= 1024;
		u++;
	}
	if (u)
		snprintf(buf, len, "%llu%c", (unsigned long long)v, units[u]);
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
}

static void histogram(struct outbuf *ob, const __u64 *hist)
{
	unsigned int lo = MMT_HIST_SLOTS, hi = 0;
	__u64 max = 0;

	for (unsigned int i = 0; i < MMT_HIST_SLOTS; i++) {
		if (!hist[i])
			continue;
		lo = i < lo ? i : lo;
		hi = i;
		max = hist[i] > max ? hist[i] : max;
	}
	if (lo == MMT_HIST_SLOTS)
		return;
	ob_printf(ob, "    %-20s %10s\n", "latency (ns)", "count");
	for (unsigned int i = lo; i <= hi; i++) {
		char a[24], b[24], range[56], bar[41];
		int w = (int)(hist[i] * 40 / max);

		bound(a, sizeof(a), i);
		bound(b, sizeof(b), i + 1);
		snprintf(range, sizeof(range), "[%s, %s)", a, b);
		memset(bar, '@', w);
		bar[w] = '\0';
		ob_printf(ob, "    %-20s %10llu |%-40s|\n", range, (unsigned long long)hist[i], bar);
	}
}

/* The host a key names (mmtrace read), "?" for an index out of range. */
static const char *host_of(__u64 i, const char *const *hosts, size_t nhosts)
{
	return i < nhosts ? hosts[i] : "?";
}

static void group_title(struct outbuf *ob, const struct mmt_stat_key *k, enum mmt_summary_by by,
			mmt_cgroup_path_fn cgroup_path, const char *const *hosts, size_t nhosts)
{
	char comm[MMT_COMM_LEN + 1], path[4096];

	if (hosts && by == MMT_BY_PID) {
		memcpy(comm, k->comm, MMT_COMM_LEN);
		comm[MMT_COMM_LEN] = '\0';
		ob_printf(ob, "\npid %llu (", (unsigned long long)(k->group & 0xffffffffULL));
		ob_safe_str(ob, comm, sizeof(comm));
		ob_str(ob, ") on ");
		ob_safe_str(ob, host_of(k->group >> 32, hosts, nhosts), MMT_HOST_LEN);
		ob_str(ob, ":\n");
		return;
	}
	switch (by) {
	case MMT_BY_HOST:
		ob_str(ob, "\nhost ");
		ob_safe_str(ob, host_of(k->group, hosts, nhosts), MMT_HOST_LEN);
		ob_str(ob, ":\n");
		break;
	case MMT_BY_COMM:
		memcpy(comm, k->comm, MMT_COMM_LEN);
		comm[MMT_COMM_LEN] = '\0';
		ob_str(ob, "\ncomm ");
		ob_safe_str(ob, comm, sizeof(comm));
		ob_str(ob, ":\n");
		break;
	case MMT_BY_PID:
		memcpy(comm, k->comm, MMT_COMM_LEN);
		comm[MMT_COMM_LEN] = '\0';
		ob_printf(ob, "\npid %llu (", (unsigned long long)k->group);
		ob_safe_str(ob, comm, sizeof(comm));
		ob_str(ob, "):\n");
		break;
	case MMT_BY_CGROUP:
		if (!cgroup_path) {
			ob_printf(ob, "\ncgroup %llu:\n", (unsigned long long)k->group);
		} else if (cgroup_path(k->group, path, sizeof(path))) {
			ob_printf(ob, "\ncgroup %llu (no path found):\n",
			    (unsigned long long)k->group);
		} else {
			ob_str(ob, "\ncgroup ");
			ob_safe_str(ob, path, sizeof(path));
			ob_printf(ob, " (id %llu):\n", (unsigned long long)k->group);
		}
		break;
	default:
		break;
	}
}

/* One event's line in a group: the rows of its errnos summed. */
struct event_sum {
	unsigned int event;
	__u64 calls, errors, sum, max, hist[MMT_HIST_SLOTS];
	char errnos[256];
};

static int cmp_time(const void *pa, const void *pb)
{
	const struct event_sum *a = pa, *b = pb;

	if (a->sum != b->sum)
		return a->sum > b->sum ? -1 : 1; /* most time first, as strace -c */
	return a->event < b->event ? -1 : a->event > b->event;
}

/* Sum the rows [g, end) of one group per event into ev; returns how many. */
static size_t sum_events(const struct mmt_summary_row *rows, size_t g, size_t end,
			 struct event_sum *ev)
{
	size_t nev = 0;

	for (size_t e = g; e < end; e++) {
		const struct mmt_stat *st = &rows[e].st;
		struct event_sum *x;
		size_t off;

		if (!nev || ev[nev - 1].event != rows[e].key.event) {
			if (nev == MMT_EV_COUNT)
				break; /* rows are sorted by event: cannot happen */
			memset(&ev[nev], 0, sizeof(ev[nev]));
			ev[nev++].event = rows[e].key.event;
		}
		x = &ev[nev - 1];
		x->calls += st->calls;
		x->sum += st->lat_sum;
		x->max = st->lat_max > x->max ? st->lat_max : x->max;
		for (int h = 0; h < MMT_HIST_SLOTS; h++)
			x->hist[h] += st->hist[h];
		if (rows[e].key.err) {
			const char *name = mmt_errno_name(rows[e].key.err);

			x->errors += st->calls;
			off = strlen(x->errnos);
			if (off < sizeof(x->errnos) - 1)
				snprintf(x->errnos + off, sizeof(x->errnos) - off, "%s%s:%llu",
					 off ? " " : "", name ? name : "E?",
					 (unsigned long long)st->calls);
		}
	}
	return nev;
}

static void print_rows(struct outbuf *ob, struct mmt_summary_row *rows, size_t n,
		       enum mmt_summary_by by, bool with_hist, mmt_cgroup_path_fn cgroup_path,
		       const char *const *hosts, size_t nhosts);

void mmt_summary_print(struct outbuf *ob, struct mmt_summary_row *rows, size_t n,
		       enum mmt_summary_by by, bool with_hist, mmt_cgroup_path_fn cgroup_path)
{
	print_rows(ob, rows, n, by, with_hist, cgroup_path, NULL, 0);
}

void mmt_summary_print_hosts(struct outbuf *ob, struct mmt_summary_row *rows, size_t n,
			     enum mmt_summary_by by, bool with_hist, const char *const *hosts,
			     size_t nhosts)
{
	print_rows(ob, rows, n, by, with_hist, NULL, hosts, nhosts);
}

static void print_rows(struct outbuf *ob, struct mmt_summary_row *rows, size_t n,
		       enum mmt_summary_by by, bool with_hist, mmt_cgroup_path_fn cgroup_path,
		       const char *const *hosts, size_t nhosts)
{
	__u64 all_calls = 0, all_errors = 0, all_time = 0;
	struct event_sum *ev = calloc(MMT_EV_COUNT, sizeof(*ev));

	if (!ev) {
		ob->err = ob->err ? ob->err : ENOMEM;
		return;
	}
	if (n > 1) /* rows may be NULL when there are none */
		qsort(rows, n, sizeof(*rows), cmp_rows);
	for (size_t i = 0, g; i < n; i = g) {
		__u64 group_time = 0;
		size_t nev;

		for (g = i; g < n && same_group(&rows[g].key, &rows[i].key); g++)
			;
		nev = sum_events(rows, i, g, ev);
		if (nev > 1)
			qsort(ev, nev, sizeof(*ev), cmp_time);
		for (size_t k = 0; k < nev; k++)
			group_time += ev[k].sum;
		group_title(ob, &rows[i].key, by, cgroup_path, hosts, nhosts);
		ob_printf(ob, "%6s %-24s %9s %9s %13s %11s %11s  %s\n", "% TIME", "EVENT", "CALLS",
		    "ERRORS", "TOTAL(us)", "MEAN(us)", "MAX(us)", "ERRNOS");
		for (size_t k = 0; k < nev; k++) {
			const struct event_sum *x = &ev[k];
			const struct mmt_event_desc *d = mmt_event_by_id(x->event);

			ob_printf(ob, "%6.2f %-24s %9llu %9llu %13.3f %11.3f %11.3f  %s\n",
			    group_time ? 100.0 * x->sum / group_time : 0.0, d ? d->name : "?",
			    (unsigned long long)x->calls, (unsigned long long)x->errors,
			    x->sum / 1e3, x->calls ? x->sum / 1e3 / x->calls : 0.0, x->max / 1e3,
			    x->errnos);
			if (with_hist)
				histogram(ob, x->hist);
			all_calls += x->calls;
			all_errors += x->errors;
		}
		all_time += group_time;
	}
	if (!n)
		ob_printf(ob, "%6s %-24s %9s %9s\n", "% TIME", "EVENT", "CALLS", "ERRORS");
	ob_printf(ob, "%6s %-24s %9llu %9llu %13.3f\n", "100.00", "total",
	    (unsigned long long)all_calls, (unsigned long long)all_errors, all_time / 1e3);
	free(ev);
}

const char *mmt_reason_name(unsigned int reason)
{
	return xlat_name(&migrate_reasons, reason);
}

static int cmp_moves(const void *pa, const void *pb)
{
	const struct mmt_move_key *a = &((const struct mmt_move_row *)pa)->key;
	const struct mmt_move_key *b = &((const struct mmt_move_row *)pb)->key;
	int c;

	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	c = memcmp(a->comm, b->comm, sizeof(a->comm));
	if (c)
		return c;
	if (a->kthread != b->kthread)
		return a->kthread - b->kthread;
	if (a->reason != b->reason)
		return a->reason < b->reason ? -1 : 1;
	return a->dst_node - b->dst_node;
}

/* "compaction", or the number of a reason this build does not know */
static void reason_text(char *buf, size_t len, unsigned int reason)
{
	const char *name = mmt_reason_name(reason);

	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "reason %u", reason);
}

void mmt_moves_print(struct outbuf *ob, struct mmt_move_row *rows, size_t n, enum mmt_summary_by by,
		     mmt_cgroup_path_fn cgroup_path)
{
	int gw = by == MMT_BY_CGROUP ? MMT_SUMMARY_CGROUP_WIDTH : 12;

	__u64 pages[MMT_MIGRATE_REASONS + 1] = { 0 }, failed[MMT_MIGRATE_REASONS + 1] = { 0 };
	__u64 all_pages = 0, all_failed = 0;

	if (n > 1)
		qsort(rows, n, sizeof(*rows), cmp_moves);
	ob_printf(ob, "\npages migrated (migrate:mm_migrate_pages), by %s, reason and destination node:\n",
	    by == MMT_BY_PID ? "process" : by == MMT_BY_CGROUP ? "cgroup" : "task name");
	ob_printf(ob, "%-*s %-18s %-18s %5s %9s %11s %9s %9s %9s\n", gw,
	    by == MMT_BY_CGROUP ? "CGROUP" : by == MMT_BY_PID ? "PID" : "", "COMM", "REASON",
	    "NODE", "BATCHES", "PAGES", "FAILED", "THP", "SPLIT");
	for (size_t i = 0; i < n; i++) {
		const struct mmt_move_key *k = &rows[i].key;
		const struct mmt_move_stat *st = &rows[i].st;
		char comm[MMT_COMM_LEN + 1], who[MMT_COMM_LEN + 4], reason[32];
		char group[MMT_SUMMARY_CGROUP_WIDTH + 1] = "";
		char node[12] = "-";
		unsigned int slot = k->reason < MMT_MIGRATE_REASONS ? k->reason : MMT_MIGRATE_REASONS;

		memcpy(comm, k->comm, MMT_COMM_LEN);
		comm[MMT_COMM_LEN] = '\0';
		/* a kernel thread in brackets, as ps shows them */
		snprintf(who, sizeof(who), k->kthread ? "[%s]" : "%s", comm);
		if (by == MMT_BY_PID)
			snprintf(group, sizeof(group), "%llu", (unsigned long long)k->group);
		else if (by == MMT_BY_CGROUP)
			mmt_cgroup_label(k->group, cgroup_path, group, sizeof(group) - 1);
		if (k->dst_node >= 0)
			snprintf(node, sizeof(node), "%d", k->dst_node);
		reason_text(reason, sizeof(reason), k->reason);
		ob_safe_str(ob, group, sizeof(group));
		for (int w = strlen(group); w <= gw; w++)
			ob_char(ob, ' ');
		ob_safe_str(ob, who, sizeof(who));
		for (size_t w = strlen(who); w < 18; w++)
			ob_char(ob, ' ');
		ob_printf(ob, " %-18s %5s %9llu %11llu %9llu %9llu %9llu%s\n", reason, node,
		    (unsigned long long)st->batches, (unsigned long long)st->succeeded,
		    (unsigned long long)st->failed, (unsigned long long)st->thp_succeeded,
		    (unsigned long long)st->thp_split, k->kthread ? "  kernel thread" : "");
		pages[slot] += st->succeeded;
		failed[slot] += st->failed;
		all_pages += st->succeeded;
		all_failed += st->failed;
	}
	ob_printf(ob, "total by reason:");
	for (unsigned int r = 0; r <= MMT_MIGRATE_REASONS; r++) {
		char reason[32];

		if (!pages[r] && !failed[r])
			continue;
		if (r == MMT_MIGRATE_REASONS)
			snprintf(reason, sizeof(reason), "other");
		else
			reason_text(reason, sizeof(reason), r);
		ob_printf(ob, " %s %llu (failed %llu);", reason, (unsigned long long)pages[r],
		    (unsigned long long)failed[r]);
	}
	ob_printf(ob, " all %llu (failed %llu)\n", (unsigned long long)all_pages,
	    (unsigned long long)all_failed);
}
