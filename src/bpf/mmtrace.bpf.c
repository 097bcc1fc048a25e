// SPDX-License-Identifier: GPL-2.0
/*
 * mmtrace.bpf.c - capture memory-placement and memory-mapping syscalls.
 *
 * Each traced syscall is seen twice: at entry (arguments, user memory the
 * kernel is about to read) and at exit (return value, user memory the kernel
 * wrote). The entry is kept in the thread's own storage (task-local storage:
 * no hash, no lock, no allocation after the thread's first call) until the
 * exit, where one record is written to the ring buffer. Every record that
 * cannot be kept or written is counted.
 *
 * No program names an event: what an event reads and how it behaves is its
 * row of bpf_events[], filled from the event table before load. This file
 * holds the programs; each concern is in its own header (maps, scopes,
 * summary, payload, task, target, kcopy, syscalls, movement: the kernel
 * events; mmt_math.h for the arithmetic the unit tests run too).
 *
 * A thread's context that rarely changes (executable, host name, namespace
 * ids, parent) is not in every record: it goes out once per thread as a
 * struct mmt_task, and again when a cheap check sees that it changed.
 *
 * Two ways in, one core: the raw sys_enter/sys_exit tracepoints (tp_btf: all
 * syscalls of all tasks, 64-bit and ia32, selected by number here) and the
 * per-syscall tracepoints syscalls:sys_enter_* (64-bit tasks only; cheaper
 * for the syscalls not traced). User space (cli/ways.c) attaches one or the
 * other, or both with --attach=auto: then raw64[] and sel64[] split the
 * 64-bit calls between them, and the raw ones serve ia32.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "syscalls.bpf.h"
#include "movement.bpf.h"

SEC("tp_btf/sys_enter")
int BPF_PROG(raw_enter, struct pt_regs *regs, long nr)
{
	const volatile struct mmt_bpf_event *d;
	bool compat = false;
	__u32 ev = selected(nr, &compat);
	__u64 args[MMT_MAX_ARGS];
	__u16 rflags = 0;

	if (!ev)
		return 0;
	if (compat) {
		/* ia32: ebx, ecx, edx, esi, edi, ebp, each 32 bits */
		args[0] = (__u32)regs->bx;
		args[1] = (__u32)regs->cx;
		args[2] = (__u32)regs->dx;
		args[3] = (__u32)regs->si;
		args[4] = (__u32)regs->di;
		args[5] = (__u32)regs->bp;
		d = event_row(MMT_SEL_EVENT(ev));
		if (d && d->ia32_pgoff_nr && nr == d->ia32_pgoff_nr)
			args[5] <<= 12; /* mmap2 takes the offset in pages */
		else if (d && d->ia32_argstruct_nr && nr == d->ia32_argstruct_nr &&
			 read_ia32_argstruct(args))
			rflags = MMT_REC_ARGS_UNREAD;
	} else {
		/* x86_64: the 4th argument is in r10, not rcx */
		args[0] = regs->di;
		args[1] = regs->si;
		args[2] = regs->dx;
		args[3] = regs->r10;
		args[4] = regs->r8;
		args[5] = regs->r9;
	}
	return on_enter(args, MMT_SEL_EVENT(ev), nr, rflags | (compat ? MMT_REC_COMPAT : 0));
}

SEC("tp_btf/sys_exit")
int BPF_PROG(raw_exit, struct pt_regs *regs, long ret)
{
	bool compat;

	if (!selected(regs->orig_ax, &compat))
		return 0;
	return on_exit(ret);
}

/*
 * ---- way in 2: per-syscall tracepoints, 64-bit tasks only ----
 *
 * One program for every sys_enter_* and one for every sys_exit_*: user
 * space attaches each to the tracepoints of the selected syscalls, so the
 * verifier checks two programs, not two per syscall. Every sys_enter_*
 * record has the same layout (the number, then the arguments); the kernel
 * leaves out ia32 calls, which the raw programs serve.
 */
SEC("tracepoint")
int tp_enter(struct syscall_trace_enter *ctx)
{
	__u64 args[MMT_MAX_ARGS];
	long nr = ctx->nr;
	__u32 ev;

	if ((__u64)nr >= MMT_NR_MAX)
		return 0;
	ev = sel64[nr];
	if (!ev)
		return 0;
	bpf_probe_read_kernel(args, sizeof(args), ctx->args);
	return on_enter(args, MMT_SEL_EVENT(ev), nr, 0);
}

SEC("tracepoint")
int tp_exit(struct syscall_trace_exit *ctx)
{
	return on_exit(ctx->ret);
}

/*
 * --attach=auto: the 32-bit processes, and their news. A 32-bit process
 * goes into compat_procs and compat_count, then raw_attached is read: user
 * space, before it detaches the raw programs, clears raw_attached and then
 * finds compat_count at 0, so a 32-bit program starting meanwhile is either
 * counted when it looks or told by a record (the count's locked add, and
 * user space's fence, keep each side's load after its store).
 */
static __always_inline void compat_note(__u32 tgid)
{
	__u8 one = 1;
	long err = bpf_map_update_elem(&compat_procs, &tgid, &one, BPF_NOEXIST);

	if (!err)
		__sync_fetch_and_add(&compat_count, 1);
	else if (err != -17 /* EEXIST: counted when it went in */)
		__sync_fetch_and_add(&compat_untracked, 1);
}

static __always_inline void compat_forget(__u32 tgid)
{
	if (!bpf_map_delete_elem(&compat_procs, &tgid))
		__sync_fetch_and_add(&compat_count, (__u64)-1);
}

/*
 * A program started: a 32-bit one of the scope, while the raw programs are
 * not attached, is told to user space (waking it), which attaches them; the
 * calls it makes until then are not seen, and user space reports how long
 * that was from this record's time. Every 32-bit program is noted, and a
 * 64-bit one forgotten (a 32-bit process may exec it).
 */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(compat_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	struct mmt_compat_exec *r;
	void *ring;

	if (!in_compat()) {
		if (compat_track)
			compat_forget(tgid);
		return 0;
	}
	if (compat_track)
		compat_note(tgid);
	/* a 32-bit program outside the scope needs no raw programs */
	if (raw_attached || !task_selected(pid_tgid))
		return 0;
	ring = cpu_ring();
	r = ring ? bpf_ringbuf_reserve(ring, sizeof(*r), 0) : NULL;
	if (!r) {
		__sync_fetch_and_add(&compat_exec_unsent, 1);
		return 0;
	}
	r->event = MMT_WIRE_COMPAT_EXEC;
	r->pad = 0;
	r->host_tid = (__u32)pid_tgid;
	r->time_ns = bpf_ktime_get_boot_ns();
	bpf_get_current_comm(r->comm, sizeof(r->comm));
	bpf_ringbuf_submit(r, BPF_RB_FORCE_WAKEUP);
	return 0;
}

/* A new process made by a 32-bit call (a 32-bit program's fork; the child
 * runs the same program) is a 32-bit process too. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(compat_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ctgid = child->tgid;

	if ((__u32)parent->tgid != ctgid && in_compat())
		compat_note(ctgid);
	return 0;
}

/* ---- what the kernel moves (page migrations, inside a traced call or not;
 * NUMA task placement): the programs are in movement.bpf.h ---- */

SEC("fexit/get_nodes")
int BPF_PROG(kcopy_fexit, nodemask_t *nodes, const unsigned long *nmask, unsigned long maxnode,
	     int ret)
{
	return kcopy_save((__u64)nmask, nodes, ret);
}

SEC("kprobe/get_nodes")
int BPF_KPROBE(kcopy_kprobe, nodemask_t *nodes, const unsigned long *nmask)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct call_state *cs = current_call_state(false);
	struct kcopy_args a;

	if (!cs || !cs->e.active || !kcopy_event(cs->e.event))
		return 0;
	a.nodes = (__u64)nodes;
	a.nmask = (__u64)nmask;
	bpf_map_update_elem(&kcopy_pending, &tid, &a, BPF_ANY);
	return 0;
}

SEC("kretprobe/get_nodes")
int BPF_KRETPROBE(kcopy_kretprobe, int ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct kcopy_args *a = bpf_map_lookup_elem(&kcopy_pending, &tid);

	if (!a)
		return 0;
	kcopy_save(a->nmask, (const void *)a->nodes, ret);
	bpf_map_delete_elem(&kcopy_pending, &tid);
	return 0;
}

/* ---- process lifetime ---- */

/* A task moved to another cgroup (cgroup.procs, cgroup.threads, clone3's
 * CLONE_INTO_CGROUP is a new task): every thread's kept cgroup id may be
 * outdated. Fires after the move. The v1-only moves (cgroup_transfer_tasks)
 * leave the default hierarchy's cgroup, the one the records name, as it
 * was. */
SEC("tp_btf/cgroup_attach_task")
int BPF_PROG(cgroup_moved)
{
	__sync_fetch_and_add(&cgroup_moves, 1);
	return 0;
}

/* Follow descendants: a child of a selected process is selected. It runs
 * in the parent's context, so the scopes test the parent. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(follow_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = parent->tgid, ctgid = child->tgid;
	__u8 one = 1;

	if (ptgid == ctgid || ptgid == self_tgid) /* a thread; or mmtrace */
		return 0;
	if ((scope_mask & MMT_SCOPE_PID) ? in_pid_scope(ptgid)
					 : bpf_map_lookup_elem(&followed, &ptgid) ||
						   scopes_match((__u32)bpf_get_current_pid_tgid()))
		bpf_map_update_elem(&followed, &ctgid, &one, BPF_ANY);
	return 0;
}

/* Forget a thread's state when it exits, a process's when its last does. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(forget_exit, struct task_struct *task)
{
	__u32 tgid = task->tgid, tid = task->pid;
	struct call_state *cs = bpf_task_storage_get(&call_states, task, 0, 0);

	/* user space can forget the thread's context (the storage itself goes
	 * with the task) */
	if (cs && cs->seen.sent) {
		void *ring = cpu_ring();
		struct mmt_task_gone *g = ring ? bpf_ringbuf_reserve(ring, sizeof(*g), 0) : NULL;

		cs->seen.sent = 0;
		if (g) {
			g->event = MMT_WIRE_TASK_GONE;
			g->pad = 0;
			g->host_tid = tid;
			g->time_ns = bpf_ktime_get_boot_ns();
			bpf_ringbuf_submit(g, BPF_RB_NO_WAKEUP);
		}
	}
	bpf_map_delete_elem(&kcopy_pending, &tid);
	if (task->signal->live.counter == 0) {
		bpf_map_delete_elem(&followed, &tgid);
		bpf_map_delete_elem(&exe_paths, &tgid);
		if (compat_track)
			compat_forget(tgid);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
