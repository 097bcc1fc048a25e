// SPDX-License-Identifier: GPL-2.0
/*
 * floor.bpf.c - the reference probes: the least a ring-buffer syscall tracer
 * does, in three variants (user space loads one):
 *
 *   ring  the true floor: at sys_enter and at sys_exit, filter the process
 *         and the syscall number, copy the registers into one 64-byte
 *         ring-buffer record, submit it without a wake-up. No map but the
 *         ring buffer; nothing is decoded, nothing read from user memory.
 *   pcpu  the same with one ring buffer per CPU: an array of ring-buffer
 *         maps indexed by the current CPU, the buffers created by user space.
 *   hash  entry and exit paired through a hash map keyed by thread (update
 *         at entry, lookup + delete at exit), one record at exit: what a
 *         tracer that joins in the kernel pays on top of the floor.
 *   systp the per-CPU variant on the per-syscall tracepoints
 *         (syscalls:sys_enter_NAME / sys_exit_NAME, attached by user space to
 *         the selected syscalls only): what the kernel's syscall-tracepoint
 *         path costs a traced call next to the raw tracepoints, for a
 *         tracer that leaves the calls it does not trace alone.
 *
 * Each is built on tp_btf (BTF-typed raw tracepoints, registers read
 * directly) and on raw_tp (registers read through probe reads); user space
 * takes the first the kernel accepts. The drops counter is touched only when
 * a record cannot be sent.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "floor.h"

const volatile __u32 self_tgid = 0;   /* never trace the consumer */
const volatile __u32 target_tgid = 0; /* 0: every process */
const volatile __s32 nrs[FLOOR_MAX_NRS] = {-1, -1, -1, -1, -1, -1, -1, -1};

__u64 drops[FLOOR_DROP_COUNT];

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 24); /* as mmtrace's default */
} events SEC(".maps");

/* The per-CPU variant: user space sizes it to the CPUs and fills it. */
struct ring {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 24); /* each, as the shared one */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct ring);
} rings SEC(".maps");

struct entry {
	__u64 enter_ns;
	__u64 args[3];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32); /* tid */
	__type(value, struct entry);
} inflight SEC(".maps");

static __always_inline void count_drop(int why)
{
	__sync_fetch_and_add(&drops[why], 1);
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

/* A register: a plain load on tp_btf, a probe read on raw_tp. */
#define REG(btf, regs, r) ((btf) ? (regs)->r : BPF_CORE_READ(regs, r))

/* One 64-byte record at entry and one at exit, into rb. */
static __always_inline int send(void *rb, struct pt_regs *regs, long id, long ret, bool exit,
				bool btf)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct floor_record *r;

	if (!selected(id, pid_tgid >> 32))
		return 0;
	if (!rb) {
		count_drop(FLOOR_DROP_NORING);
		return 0;
	}
	r = bpf_ringbuf_reserve(rb, sizeof(*r), 0);
	if (!r) {
		count_drop(FLOOR_DROP_RINGBUF);
		return 0;
	}
	r->pid_tgid = pid_tgid;
	r->ns = bpf_ktime_get_boot_ns();
	if (exit) {
		r->nr = id | FLOOR_EXIT;
		r->args[0] = ret;
		r->args[1] = r->args[2] = r->args[3] = r->args[4] = 0;
	} else {
		r->nr = id;
		r->args[0] = REG(btf, regs, di);
		r->args[1] = REG(btf, regs, si);
		r->args[2] = REG(btf, regs, dx);
		r->args[3] = REG(btf, regs, r10);
		r->args[4] = REG(btf, regs, r8);
	}
	bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
	return 0;
}

static __always_inline void *cpu_ring(void)
{
	__u32 cpu = bpf_get_smp_processor_id();

	return bpf_map_lookup_elem(&rings, &cpu);
}

static __always_inline int hash_enter(struct pt_regs *regs, long id, bool btf)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct entry e;

	if (!selected(id, pid_tgid >> 32))
		return 0;
	e.enter_ns = bpf_ktime_get_boot_ns();
	e.args[0] = REG(btf, regs, di);
	e.args[1] = REG(btf, regs, si);
	e.args[2] = REG(btf, regs, dx);
	if (bpf_map_update_elem(&inflight, &tid, &e, BPF_ANY))
		count_drop(FLOOR_DROP_INFLIGHT);
	return 0;
}

static __always_inline int hash_exit(struct pt_regs *regs, long ret, bool btf)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct floor_record *r;
	struct entry *e;

	e = bpf_map_lookup_elem(&inflight, &tid);
	if (!e)
		return 0;
	r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
	if (!r) {
		count_drop(FLOOR_DROP_RINGBUF);
		goto out;
	}
	r->nr = REG(btf, regs, orig_ax) | FLOOR_EXIT;
	r->pid_tgid = pid_tgid;
	r->ns = e->enter_ns;
	r->args[0] = bpf_ktime_get_boot_ns();
	r->args[1] = ret;
	r->args[2] = e->args[0];
	r->args[3] = e->args[1];
	r->args[4] = e->args[2];
	bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
out:
	bpf_map_delete_elem(&inflight, &tid);
	return 0;
}

/* name: VARIANT_HOOK_enter / VARIANT_HOOK_exit (floor.c picks by prefix). */
#define FLOOR_PROGS(hook, sec, btf)                                                                \
	SEC(sec "/sys_enter")                                                                      \
	int BPF_PROG(ring_##hook##_enter, struct pt_regs *regs, long id)                           \
	{                                                                                          \
		return send(&events, regs, id, 0, false, btf);                                     \
	}                                                                                          \
	SEC(sec "/sys_exit")                                                                       \
	int BPF_PROG(ring_##hook##_exit, struct pt_regs *regs, long ret)                           \
	{                                                                                          \
		return send(&events, regs, REG(btf, regs, orig_ax), ret, true, btf);               \
	}                                                                                          \
	SEC(sec "/sys_enter")                                                                      \
	int BPF_PROG(pcpu_##hook##_enter, struct pt_regs *regs, long id)                           \
	{                                                                                          \
		return send(cpu_ring(), regs, id, 0, false, btf);                                  \
	}                                                                                          \
	SEC(sec "/sys_exit")                                                                       \
	int BPF_PROG(pcpu_##hook##_exit, struct pt_regs *regs, long ret)                           \
	{                                                                                          \
		return send(cpu_ring(), regs, REG(btf, regs, orig_ax), ret, true, btf);            \
	}                                                                                          \
	SEC(sec "/sys_enter")                                                                      \
	int BPF_PROG(hash_##hook##_enter, struct pt_regs *regs, long id)                           \
	{                                                                                          \
		return hash_enter(regs, id, btf);                                                  \
	}                                                                                          \
	SEC(sec "/sys_exit")                                                                       \
	int BPF_PROG(hash_##hook##_exit, struct pt_regs *regs, long ret)                           \
	{                                                                                          \
		return hash_exit(regs, ret, btf);                                                  \
	}

/* systp: the kernel's syscall tracepoints pass the number and the six
 * arguments (enter) or the return value (exit) in their record. */
static __always_inline struct floor_record *systp_reserve(long nr, __u64 pid_tgid)
{
	void *rb = cpu_ring();
	struct floor_record *r;

	if (!selected(nr, pid_tgid >> 32))
		return NULL;
	if (!rb) {
		count_drop(FLOOR_DROP_NORING);
		return NULL;
	}
	r = bpf_ringbuf_reserve(rb, sizeof(*r), 0);
	if (!r)
		count_drop(FLOOR_DROP_RINGBUF);
	return r;
}

SEC("tracepoint")
int systp_tp_enter(struct syscall_trace_enter *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct floor_record *r = systp_reserve(ctx->nr, pid_tgid);

	if (!r)
		return 0;
	r->pid_tgid = pid_tgid;
	r->ns = bpf_ktime_get_boot_ns();
	r->nr = ctx->nr;
	bpf_probe_read_kernel(r->args, sizeof(r->args), ctx->args);
	bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
	return 0;
}

SEC("tracepoint")
int systp_tp_exit(struct syscall_trace_exit *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct floor_record *r = systp_reserve(ctx->nr, pid_tgid);

	if (!r)
		return 0;
	r->pid_tgid = pid_tgid;
	r->ns = bpf_ktime_get_boot_ns();
	r->nr = ctx->nr | FLOOR_EXIT;
	r->args[0] = ctx->ret;
	r->args[1] = r->args[2] = r->args[3] = r->args[4] = 0;
	bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
	return 0;
}

FLOOR_PROGS(btf, "tp_btf", true)
FLOOR_PROGS(raw, "raw_tp", false)

char LICENSE[] SEC("license") = "GPL";
