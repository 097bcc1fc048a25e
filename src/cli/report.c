// SPDX-License-Identifier: GPL-2.0
/*
 * report.c - one concern: reading the kernel's counters and statistics
 * maps and printing them: lost records, the --stats line, the -c summary.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "cli/report.h"
#include "cli/ways.h"
#include "context/cgroups.h"
#include "detect/session.h"
#include "sinks/sink.h"
#include "outputs/summary.h"
#include "mmtrace.skel.h"

static void sum_counters(struct mmtrace_bpf *skel, __u64 drops[MMT_EV_COUNT][MMT_CNT_COUNT])
{
	int ncpu = libbpf_num_possible_cpus();
	int fd = bpf_map__fd(skel->maps.counters);
	__u64 *vals = calloc(ncpu > 0 ? ncpu : 1, sizeof(*vals));

	memset(drops, 0, sizeof(__u64) * MMT_EV_COUNT * MMT_CNT_COUNT);
	if (!vals)
		return;
	for (__u32 ev = 0; ev < MMT_EV_COUNT; ev++) {
		for (__u32 r = 0; r < MMT_CNT_COUNT; r++) {
			__u32 key = ev * MMT_CNT_COUNT + r;

			if (bpf_map_lookup_elem(fd, &key, vals))
				continue;
			for (int c = 0; c < ncpu; c++)
				drops[ev][r] += vals[c];
		}
	}
	free(vals);
}

void mmt_report_lost(struct mmtrace_bpf *skel, __u64 lost[MMT_EV_COUNT])
{
	enum { N = MMT_EV_COUNT * MMT_CNT_COUNT };
	static __u64 c[MMT_EV_COUNT][MMT_CNT_COUNT], *vals;
	static __u32 keys[N];
	static int ncpu;
	__u32 count = N, out_batch;
	int err = -1;

	/* every poll: one batched read of the per-CPU counters */
	if (!vals) {
		ncpu = libbpf_num_possible_cpus();
		vals = calloc((size_t)N * (ncpu > 0 ? ncpu : 1), sizeof(*vals));
	}
	if (vals && ncpu > 0)
		err = bpf_map_lookup_batch(bpf_map__fd(skel->maps.counters), NULL, &out_batch, keys,
					   vals, &count, NULL);
	/* ENOENT: the batch reached the end, which a whole read does */
	if ((!err || errno == ENOENT) && vals && count == N) {
		memset(c, 0, sizeof(c));
		for (__u32 k = 0; k < count; k++)
			for (int cpu = 0; cpu < ncpu; cpu++)
				c[keys[k] / MMT_CNT_COUNT][keys[k] % MMT_CNT_COUNT] +=
					vals[(size_t)k * ncpu + cpu];
	} else {
		sum_counters(skel, c);
	}
	for (int ev = 0; ev < MMT_EV_COUNT; ev++) {
		lost[ev] = 0;
		for (int r = 0; r < MMT_DROP_COUNT; r++)
			lost[ev] += c[ev][r];
	}
}

static const char *const counter_names[MMT_CNT_COUNT] = { "ringbuf", "inflight", "filtered" };

void mmt_report_stats(struct mmtrace_bpf *skel, const struct mmt_tally *t, size_t contexts)
{
	__u64 c[MMT_EV_COUNT][MMT_CNT_COUNT], lost = 0, filtered = 0;

	sum_counters(skel, c);
	for (int ev = 0; ev < MMT_EV_COUNT; ev++) {
		for (int r = 0; r < MMT_DROP_COUNT; r++)
			lost += c[ev][r];
		filtered += c[ev][MMT_CNT_FILTERED];
	}
	fprintf(stderr,
		"{\"stats\":{\"events\":%llu,\"lost\":%llu,\"malformed\":%llu,"
		"\"withoutContext\":%llu,\"late\":%llu,\"threadContexts\":%zu,"
		"\"filteredInKernel\":%llu,\"filteredInUserSpace\":%llu,\"lostByEvent\":{",
		(unsigned long long)t->events, (unsigned long long)lost,
		(unsigned long long)t->malformed, (unsigned long long)t->no_context,
		(unsigned long long)t->late, contexts, (unsigned long long)filtered,
		(unsigned long long)t->user_filtered);
	for (int ev = 0; ev < MMT_EV_COUNT; ev++) {
		fprintf(stderr, "%s\"%s\":{", ev ? "," : "", mmt_events[ev].name);
		for (int r = 0; r < MMT_DROP_COUNT; r++)
			fprintf(stderr, "%s\"%s\":%llu", r ? "," : "", counter_names[r],
				(unsigned long long)c[ev][r]);
		fputc('}', stderr);
	}
	fputs("},\"filteredByEvent\":{", stderr);
	for (int ev = 0; ev < MMT_EV_COUNT; ev++)
		fprintf(stderr, "%s\"%s\":%llu", ev ? "," : "", mmt_events[ev].name,
			(unsigned long long)c[ev][MMT_CNT_FILTERED]);
	fputc('}', stderr);
	if (t->ways)
		fprintf(stderr,
			",\"attach\":\"%s\",\"ia32StartedBeforeAttach\":%llu,\"ia32UnseenMaxNs\":%llu,"
			"\"ia32RawDetached\":%llu",
			mmt_ways_name(t->ways), (unsigned long long)t->ways->late_execs,
			(unsigned long long)t->ways->window_ns,
			(unsigned long long)t->ways->detaches);
	if (t->det)
		mmt_det_session_stats(t->det, stderr);
	if (t->sink) {
		fputc(',', stderr);
		mmt_sink_stats_json(t->sink, stderr);
	}
	fputs("}}\n", stderr);
}

void mmt_report_losses(struct mmtrace_bpf *skel, const struct mmt_options *o,
		       const struct mmt_tally *t, size_t contexts)
{
	__u64 c[MMT_EV_COUNT][MMT_CNT_COUNT], lost = 0;

	sum_counters(skel, c);
	for (int ev = 0; ev < MMT_EV_COUNT; ev++)
		for (int r = 0; r < MMT_DROP_COUNT; r++)
			lost += c[ev][r];
	if (lost || t->malformed || t->no_context) {
		fprintf(stderr, "mmtrace: %llu events lost:", (unsigned long long)lost);
		for (int ev = 0; ev < MMT_EV_COUNT; ev++)
			for (int r = 0; r < MMT_DROP_COUNT; r++)
				if (c[ev][r])
					fprintf(stderr, " %s %llu (%s full)", mmt_events[ev].name,
						(unsigned long long)c[ev][r], counter_names[r]);
		if (t->malformed)
			fprintf(stderr, " malformed %llu", (unsigned long long)t->malformed);
		if (t->no_context)
			fprintf(stderr, " without their thread's context %llu",
				(unsigned long long)t->no_context);
		fputc('\n', stderr);
	}
	if (o->stats)
		mmt_report_stats(skel, t, contexts);
}

/*
 * Every key of a per-CPU hash map, its values folded over the CPUs: rows
 * of row_size bytes, each the key then the folded value (at val_off, which
 * starts zeroed). *out_rows (to free) and *out_n; 0 or -ENOMEM.
 */
static int read_percpu_rows(int fd, size_t key_size, size_t val_size, size_t row_size,
			    size_t val_off, void (*fold)(void *acc, const void *val),
			    void **out_rows, size_t *out_n)
{
	int ncpu = libbpf_num_possible_cpus();
	unsigned char key[64], next[64], *rows = NULL, *grown, *vals;
	size_t n = 0, cap = 0;
	void *prev = NULL;

	*out_rows = NULL;
	*out_n = 0;
	if (key_size > sizeof(key))
		return -EINVAL;
	if (ncpu < 1)
		ncpu = 1;
	vals = calloc(ncpu, val_size);
	if (!vals)
		return -ENOMEM;
	while (!bpf_map_get_next_key(fd, prev, next)) {
		memcpy(key, next, key_size);
		prev = key;
		if (bpf_map_lookup_elem(fd, key, vals))
			continue; /* gone meanwhile */
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			grown = realloc(rows, cap * row_size);
			if (!grown) {
				free(rows);
				free(vals);
				return -ENOMEM;
			}
			rows = grown;
		}
		memset(rows + n * row_size, 0, row_size);
		memcpy(rows + n * row_size, key, key_size);
		for (int cpu = 0; cpu < ncpu; cpu++)
			fold(rows + n * row_size + val_off, vals + cpu * val_size);
		n++;
	}
	free(vals);
	*out_rows = rows;
	*out_n = n;
	return 0;
}

static void fold_move(void *acc, const void *val)
{
	struct mmt_move_stat *st = acc;
	const struct mmt_move_stat *v = val;

	st->batches += v->batches;
	st->succeeded += v->succeeded;
	st->failed += v->failed;
	st->thp_succeeded += v->thp_succeeded;
	st->thp_split += v->thp_split;
}

int mmt_report_read_moves(struct mmtrace_bpf *skel, struct mmt_move_row **out_rows, size_t *out_n)
{
	return read_percpu_rows(bpf_map__fd(skel->maps.moves), sizeof(struct mmt_move_key),
				sizeof(struct mmt_move_stat), sizeof(struct mmt_move_row),
				offsetof(struct mmt_move_row, st), fold_move, (void **)out_rows, out_n);
}

static int report_moves(struct mmtrace_bpf *skel, const struct mmt_options *o, struct outbuf *out)
{
	struct mmt_move_row *rows;
	size_t n;
	int err = mmt_report_read_moves(skel, &rows, &n);

	if (err)
		return err;
	mmt_moves_print(out, rows, n, o->summary_by, mmt_cgroup_path);
	free(rows);
	return 0;
}

static void fold_stat(void *acc, const void *val)
{
	struct mmt_stat *st = acc;
	const struct mmt_stat *v = val;

	st->calls += v->calls;
	st->lat_sum += v->lat_sum;
	if (v->lat_max > st->lat_max)
		st->lat_max = v->lat_max;
	for (int h = 0; h < MMT_HIST_SLOTS; h++)
		st->hist[h] += v->hist[h];
}

int mmt_report_read_stats(struct mmtrace_bpf *skel, struct mmt_summary_row **out_rows,
			  size_t *out_n)
{
	return read_percpu_rows(bpf_map__fd(skel->maps.stats), sizeof(struct mmt_stat_key),
				sizeof(struct mmt_stat), sizeof(struct mmt_summary_row),
				offsetof(struct mmt_summary_row, st), fold_stat, (void **)out_rows,
				out_n);
}

int mmt_report_summary(struct mmtrace_bpf *skel, const struct mmt_options *o,
		       struct outbuf *out)
{
	struct mmt_summary_row *rows;
	size_t n;
	int err = mmt_report_read_stats(skel, &rows, &n);

	if (err)
		return err;
	mmt_cgroup_refresh(); /* a group made since the last print may walk */
	mmt_summary_print(out, rows, n, o->summary_by, o->histogram, mmt_cgroup_path);
	if (o->selected[MMT_EV_PAGE_MIGRATION])
		err = report_moves(skel, o, out);
	ob_flush(out);
	free(rows);
	return err;
}
