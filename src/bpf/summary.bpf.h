/* SPDX-License-Identifier: GPL-2.0 */
/*
 * summary.bpf.h - summary mode (-c): calls counted in the kernel.
 */
#ifndef MMT_SUMMARY_BPF_H
#define MMT_SUMMARY_BPF_H

#include "maps.bpf.h"
#include "mmt_math.h"

/* A new summary slot's first value; in .rodata, not on the BPF stack. */
const struct mmt_stat zero_stat = {};

/* The group of the current task, by --summary-by. */
static __always_inline __u64 summary_group(void)
{
	if (summary_by == MMT_BY_PID)
		return bpf_get_current_pid_tgid() >> 32;
	if (summary_by == MMT_BY_CGROUP)
		return bpf_get_current_cgroup_id();
	return 0;
}

/* The summary row of key, made on first use; NULL (counted against the
 * event) when the table is full. */
static __always_inline struct mmt_stat *stat_row(const struct mmt_stat_key *key)
{
	struct mmt_stat *st = bpf_map_lookup_elem(&stats, key);

	if (st)
		return st;
	bpf_map_update_elem(&stats, key, &zero_stat, BPF_NOEXIST);
	st = bpf_map_lookup_elem(&stats, key);
	if (!st)
		count(key->event, MMT_DROP_INFLIGHT);
	return st;
}

/* Count the call, its errno and its latency. */
static __always_inline void count_call(struct call_entry *e, long ret, __u64 now, bool never_fails)
{
	struct mmt_stat_key key = {};
	struct mmt_stat *st;
	__u64 lat = now - e->enter_ns;

	key.event = e->event;
	key.err = mmt_ret_failed(ret, never_fails) ? -ret : 0;
	key.group = summary_group();
	if (summary_by == MMT_BY_PID) {
		struct task_struct *leader = BPF_CORE_READ(
			(struct task_struct *)bpf_get_current_task_btf(), group_leader);

		/* the process's name: its main thread's */
		bpf_probe_read_kernel_str(key.comm, sizeof(key.comm), &leader->comm);
	} else if (summary_by == MMT_BY_COMM) {
		bpf_get_current_comm(key.comm, sizeof(key.comm));
	}
	st = stat_row(&key);
	if (!st)
		return;
	st->calls++;
	st->lat_sum += lat;
	if (lat > st->lat_max)
		st->lat_max = lat;
	st->hist[mmt_hist_slot(lat)]++;
}

#endif /* MMT_SUMMARY_BPF_H */
