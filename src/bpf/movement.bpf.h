/* SPDX-License-Identifier: GPL-2.0 */
/*
 * movement.bpf.h - what the kernel moves on its own: page migrations that
 * no traced syscall asked for (compaction, NUMA balancing, demotion,
 * DAMON...) and NUMA balancing's moves of tasks.
 *
 * migrate:mm_migrate_pages fires once per migration batch (for
 * numa_misplaced once per page or folio). A batch inside a traced
 * migrate_pages, move_pages or mbind is summed onto that call's record, as
 * before, and not written again. Any other batch becomes a page_migration
 * record charged to the task it ran in, kernel threads said so. In summary
 * mode (-c, top) nothing is written: every batch the scopes select, inside
 * a traced call or not, is added up per group, reason and destination node
 * in the moves map.
 *
 * sched:sched_{move,swap,stick}_numa become numa_task_placement records,
 * or counts in summary mode. They run in the task being placed.
 *
 * The programs are here, not in mmtrace.bpf.c: they are these events' own.
 */
#ifndef MMT_MOVEMENT_BPF_H
#define MMT_MOVEMENT_BPF_H

#include "maps.bpf.h"
#include "scopes.bpf.h"
#include "summary.bpf.h"
#include "task.bpf.h"
#include <bpf/bpf_core_read.h>

#define PF_KTHREAD 0x00200000	    /* include/linux/sched.h */
#define MMT_REASON_NUMA_MISPLACED 5 /* enum migrate_reason, 6.1 and 6.18 */

/* Set by user space: page_migration / numa_task_placement selected. */
const volatile bool kev_migration = false;
const volatile bool kev_numa = false;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct mmt_move_key);
	__type(value, struct mmt_move_stat);
} moves SEC(".maps");

const struct mmt_move_stat zero_move = {};

/* Summary mode: one more kernel event in the current task's group. */
static __always_inline void count_kevent(__u32 event)
{
	struct mmt_stat_key key = {};
	struct mmt_stat *st;

	key.event = event;
	key.group = summary_group();
	if (summary_by == MMT_BY_COMM)
		bpf_get_current_comm(key.comm, sizeof(key.comm));
	st = stat_row(&key);
	if (!st)
		return;
	st->calls++;
	st->hist[0]++; /* no duration: the histogram's first slot, as 0 ns */
}

static __always_inline bool in_kthread(void)
{
	struct task_struct *task = bpf_get_current_task_btf();

	return task->flags & PF_KTHREAD;
}

/* One record of a kernel event: the call header, its values, the payload. */
static __always_inline int kevent_submit(__u32 event, __u64 *args, __u64 *vals, bool with_vals)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 flags = BPF_RB_NO_WAKEUP, now;
	struct call_state *cs = current_call_state(true);
	void *ring = cpu_ring();
	struct mmt_call *r;

	if (!ring || !cs || !task_known(cs, pid_tgid)) {
		count(event, MMT_DROP_RINGBUF);
		return 0;
	}
	/* after the context record task_known() may have sent: the reader
	 * orders records by this time */
	now = bpf_ktime_get_boot_ns();
	if (with_vals)
		r = bpf_ringbuf_reserve(ring, sizeof(*r) + sizeof(struct mmt_payload_kevent), 0);
	else
		r = bpf_ringbuf_reserve(ring, sizeof(*r), 0);
	if (!r) {
		count(event, MMT_DROP_RINGBUF);
		return 0;
	}
	r->event = event;
	r->flags = 0;
	r->payload = with_vals ? MMT_PAYLOAD_KEVENT : MMT_PAYLOAD_NONE;
	r->nr = 0;
	r->enter_ns = now;
	r->exit_ns = now;
	r->ret = 0;
	for (int i = 0; i < MMT_MAX_ARGS; i++)
		r->args[i] = args[i];
	r->call_pad = 0;
	fill_call_context(r, pid_tgid, bpf_get_current_cgroup_id());
	if (with_vals) {
		struct mmt_payload_kevent *k = (void *)(r + 1);

		for (int i = 0; i < MMT_KEV_VALS; i++)
			k->vals[i] = vals[i];
	}
	if (bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA) >= wakeup_bytes)
		flags = BPF_RB_FORCE_WAKEUP;
	bpf_ringbuf_submit(r, flags);
	return 0;
}

/* Summary mode: the batch's pages in the moves map. */
static __always_inline void count_moves(__u32 reason, __s32 dst, bool kthread, __u64 succeeded,
					__u64 failed, __u64 thp_succeeded, __u64 split)
{
	struct mmt_move_key key = {};
	struct mmt_move_stat *st;

	key.group = summary_group();
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	key.reason = reason;
	key.dst_node = dst;
	key.kthread = kthread;
	st = bpf_map_lookup_elem(&moves, &key);
	if (!st) {
		bpf_map_update_elem(&moves, &key, &zero_move, BPF_NOEXIST);
		st = bpf_map_lookup_elem(&moves, &key);
		if (!st) {
			count(MMT_EV_PAGE_MIGRATION, MMT_DROP_INFLIGHT);
			return;
		}
	}
	st->batches++;
	st->succeeded += succeeded;
	st->failed += failed;
	st->thp_succeeded += thp_succeeded;
	st->thp_split += split;
}

static __always_inline bool migrating_call(__u32 event)
{
	return event == MMT_EV_MIGRATE_PAGES || event == MMT_EV_MOVE_PAGES || event == MMT_EV_MBIND;
}

SEC("tracepoint/migrate/mm_migrate_pages")
int on_migrate(struct trace_event_raw_mm_migrate_pages *ctx)
{
	struct call_state *cs = current_call_state(false);
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 lfs = 0, args[MMT_MAX_ARGS], vals[MMT_KEV_VALS];
	__u32 reason = ctx->reason;
	bool kthread;
	__s32 dst = -1;

	/* 6.1 has no large_folio_split: 0 there */
	if (bpf_core_field_exists(ctx->large_folio_split))
		lfs = BPF_CORE_READ(ctx, large_folio_split);
	if (cs && cs->e.active && (event_flags(cs->e.event) & MMT_BPF_MIGRATES)) {
		struct call_entry *e = &cs->e;

		e->x.migrate_succeeded += ctx->succeeded;
		e->x.migrate_failed += ctx->failed;
		e->x.migrate_split += ctx->thp_split + lfs;
		e->x.migrate_batches++;
		if (!summary_only)
			return 0; /* on the call's record: not written twice */
	}
	if (!kev_migration)
		return 0;
	if (!task_selected(pid_tgid)) {
		if (scope_mask)
			count(MMT_EV_PAGE_MIGRATION, MMT_CNT_FILTERED);
		return 0;
	}
	kthread = in_kthread();
	/* a misplaced page moves to the node of the CPU that faulted on it */
	if (reason == MMT_REASON_NUMA_MISPLACED)
		dst = bpf_get_numa_node_id();
	args[0] = reason;
	args[1] = ctx->mode;
	args[2] = ctx->succeeded;
	args[3] = ctx->failed;
	args[4] = (__u64)(__s64)dst;
	args[5] = kthread;
	vals[0] = ctx->thp_succeeded;
	vals[1] = ctx->thp_failed;
	vals[2] = ctx->thp_split;
	vals[3] = lfs;
	if ((only_failed && !ctx->failed) || !preds_match(MMT_EV_PAGE_MIGRATION, args, 0)) {
		count(MMT_EV_PAGE_MIGRATION, MMT_CNT_FILTERED);
		return 0;
	}
	if (summary_only) {
		count_kevent(MMT_EV_PAGE_MIGRATION);
		count_moves(reason, dst, kthread, args[2], args[3], vals[0], vals[2] + lfs);
		return 0;
	}
	return kevent_submit(MMT_EV_PAGE_MIGRATION, args, vals, true);
}

static __always_inline int numa_placement(__u32 kind, int src_cpu, int src_nid, int dst_cpu,
					  int dst_nid)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 args[MMT_MAX_ARGS] = {};

	if (!task_selected(pid_tgid)) {
		if (scope_mask)
			count(MMT_EV_NUMA_TASK_PLACEMENT, MMT_CNT_FILTERED);
		return 0;
	}
	args[0] = kind;
	args[1] = (__u64)(__s64)src_cpu;
	args[2] = (__u64)(__s64)src_nid;
	args[3] = (__u64)(__s64)dst_cpu;
	args[4] = (__u64)(__s64)dst_nid;
	if (only_failed || !preds_match(MMT_EV_NUMA_TASK_PLACEMENT, args, 0)) {
		count(MMT_EV_NUMA_TASK_PLACEMENT, MMT_CNT_FILTERED);
		return 0;
	}
	if (summary_only) {
		count_kevent(MMT_EV_NUMA_TASK_PLACEMENT);
		return 0;
	}
	return kevent_submit(MMT_EV_NUMA_TASK_PLACEMENT, args, NULL, false);
}

SEC("tracepoint/sched/sched_move_numa")
int on_move_numa(struct trace_event_raw_sched_move_numa *ctx)
{
	return numa_placement(MMT_NUMA_MOVE, ctx->src_cpu, ctx->src_nid, ctx->dst_cpu,
			      ctx->dst_nid);
}

SEC("tracepoint/sched/sched_swap_numa")
int on_swap_numa(struct trace_event_raw_sched_numa_pair_template *ctx)
{
	return numa_placement(MMT_NUMA_SWAP, ctx->src_cpu, ctx->src_nid, ctx->dst_cpu,
			      ctx->dst_nid);
}

SEC("tracepoint/sched/sched_stick_numa")
int on_stick_numa(struct trace_event_raw_sched_numa_pair_template *ctx)
{
	return numa_placement(MMT_NUMA_STICK, ctx->src_cpu, ctx->src_nid, ctx->dst_cpu,
			      ctx->dst_nid);
}

#endif /* MMT_MOVEMENT_BPF_H */
