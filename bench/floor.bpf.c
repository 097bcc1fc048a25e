// SPDX-License-Identifier: GPL-2.0
/*
 * floor.bpf.c - the reference probe: the least a ring-buffer syscall tracer
 * does. At sys_enter: filter the syscall number (and optionally the
 * process), keep the entry per thread. At sys_exit: one fixed 64-byte
 * record, submitted without a wake-up. Nothing is decoded, nothing is read
 * from user memory.
 *
 * The same code is built twice: on tp_btf (BTF-typed raw tracepoints) and
 * on raw_tp; user space loads the first kind the kernel accepts.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "floor.h"

const volatile __u32 self_tgid = 0;   /* never trace the consumer */
const volatile __u32 target_tgid = 0; /* 0: every process */
const volatile __s32 nrs[FLOOR_MAX_NRS] = {-1, -1, -1, -1, -1, -1, -1, -1};

struct entry {
	__u64 enter_ns;
	__u64 args[3];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 24); /* as mmtrace's default */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32); /* tid */
	__type(value, struct entry);
} inflight SEC(".maps");

/* Records lost: [FLOOR_DROP_RINGBUF], [FLOOR_DROP_INFLIGHT]. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FLOOR_DROP_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

static __always_inline void count_drop(__u32 key)
{
	__u64 *n = bpf_map_lookup_elem(&counters, &key);

	if (n)
		*n += 1;
}

static __always_inline bool selected(long id, __u32 tgid)
{
	if (tgid == self_tgid || (target_tgid && tgid != target_tgid))
		return false;
#pragma unroll
	for (int i = 0; i < FLOOR_MAX_NRS; i++)
		if (nrs[i] == id)
			return true;
	return false;
}

static __always_inline int on_enter(struct pt_regs *regs, long id)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct entry e;

	if (!selected(id, pid_tgid >> 32))
		return 0;
	e.enter_ns = bpf_ktime_get_boot_ns();
	e.args[0] = BPF_CORE_READ(regs, di);
	e.args[1] = BPF_CORE_READ(regs, si);
	e.args[2] = BPF_CORE_READ(regs, dx);
	if (bpf_map_update_elem(&inflight, &tid, &e, BPF_ANY))
		count_drop(FLOOR_DROP_INFLIGHT);
	return 0;
}

static __always_inline int on_exit(struct pt_regs *regs, long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct floor_record *r;
	struct entry *e;
	long id;

	e = bpf_map_lookup_elem(&inflight, &tid);
	if (!e)
		return 0;
	id = BPF_CORE_READ(regs, orig_ax);
	r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
	if (!r) {
		count_drop(FLOOR_DROP_RINGBUF);
		goto out;
	}
	r->nr = id;
	r->pid_tgid = pid_tgid;
	r->enter_ns = e->enter_ns;
	r->exit_ns = bpf_ktime_get_boot_ns();
	r->ret = ret;
	r->args[0] = e->args[0];
	r->args[1] = e->args[1];
	r->args[2] = e->args[2];
	bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
out:
	bpf_map_delete_elem(&inflight, &tid);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(floor_btf_enter, struct pt_regs *regs, long id)
{
	return on_enter(regs, id);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(floor_btf_exit, struct pt_regs *regs, long ret)
{
	return on_exit(regs, ret);
}

SEC("raw_tp/sys_enter")
int BPF_PROG(floor_raw_enter, struct pt_regs *regs, long id)
{
	return on_enter(regs, id);
}

SEC("raw_tp/sys_exit")
int BPF_PROG(floor_raw_exit, struct pt_regs *regs, long ret)
{
	return on_exit(regs, ret);
}

char LICENSE[] SEC("license") = "GPL";
