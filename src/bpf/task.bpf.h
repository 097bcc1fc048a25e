/* SPDX-License-Identifier: GPL-2.0 */
/*
 * task.bpf.h - a thread's context: sent once per thread, and
 * again when it changes; the per-call part.
 */
#ifndef MMT_TASK_BPF_H
#define MMT_TASK_BPF_H

#include "maps.bpf.h"
#include <bpf/bpf_core_read.h>

/* Linux 6.2 and later; set by the loader where the kernel has it */
extern void *bpf_rdonly_cast(const void *obj__ign, __u32 btf_id__k) __ksym __weak;
const volatile bool task_cast = false;

/*
 * The current task, for reading its fields in the per-call checks. From
 * bpf_get_current_task_btf() the pointer is trusted, and each pointer the
 * verifier sees loaded from it costs a linear search of the kernel's BTF
 * (is the field marked trusted, or RCU?): 27 ms of mmtrace -e all's
 * start-up. The same task through bpf_rdonly_cast() is untrusted: its
 * fields load as faulting-safe loads, without the search. Where the
 * kfunc is missing (6.1) task_cast is false and the call is dropped as
 * dead code before the kernel resolves it.
 */
static __always_inline struct task_struct *current_task_fields(void)
{
	if (task_cast)
		return bpf_rdonly_cast((void *)bpf_get_current_task(),
				       bpf_core_type_id_kernel(struct task_struct));
	return bpf_get_current_task_btf();
}

/*
 * Resolve the path of mm->exe_file into buf, right to left, crossing mount
 * points. One bpf_loop() step per path component keeps the verifier's work
 * independent of the depth. A path longer than the buffer, or deeper than
 * PATH_DEPTH steps, keeps its tail and is marked truncated: a tail
 * such as /usr/bin/numactl must never pass for the whole path.
 */
/* steps of the walk: a component or a mount crossed. The buffer holds
 * at most 127 components ("/a"), so the bytes, not the steps, bound a
 * path in practice; the steps bound the time. */
#define PATH_DEPTH 192
#define HALF (MMT_PATH_LEN - 1)

struct path_walk {
	struct dentry *dentry;
	struct vfsmount *vfsmnt;
	struct mount *mnt;
	char *buf;
	__u32 off;
	bool whole; /* the walk reached the root */
};

static long path_step(__u32 i, void *ctx)
{
	struct path_walk *w = ctx;
	struct dentry *dentry = w->dentry;
	struct vfsmount *vfsmnt = w->vfsmnt;
	struct mount *mnt = w->mnt;
	struct dentry *mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
	struct dentry *parent = BPF_CORE_READ(dentry, d_parent);
	struct qstr name;
	__u32 len, off = w->off;

	if (dentry == mnt_root || dentry == parent) {
		struct mount *mnt_parent = BPF_CORE_READ(mnt, mnt_parent);

		if (dentry != mnt_root || mnt == mnt_parent) {
			w->whole = true; /* the root of everything */
			return 1;
		}
		w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = mnt_parent;
		w->vfsmnt = &mnt_parent->mnt;
		return 0;
	}
	name = BPF_CORE_READ(dentry, d_name);
	len = name.len & HALF;
	if (len + 1 > off)
		return 1; /* too long: keep the tail */
	off -= len;
	bpf_probe_read_kernel(w->buf + (off & HALF), len, name.name);
	off -= 1;
	w->buf[off & HALF] = '/';
	w->off = off;
	w->dentry = parent;
	return 0;
}

static __always_inline __u32 resolve_path(struct file *file, char *buf, __u8 *truncated)
{
	struct path_walk w = {
		.dentry = BPF_CORE_READ(file, f_path.dentry),
		.vfsmnt = BPF_CORE_READ(file, f_path.mnt),
		.buf = buf,
		.off = HALF,
	};

	w.mnt = container_of(w.vfsmnt, struct mount, mnt);
	buf[HALF] = '\0';
	bpf_loop(PATH_DEPTH, path_step, &w, 0);
	*truncated = !w.whole;
	if (w.off == HALF) {
		w.off -= 1;
		buf[w.off & HALF] = '/';
	}
	return w.off & HALF;
}

static __always_inline void read_exe(struct task_struct *task, __u32 tgid, char *dst,
				     __u8 *truncated)
{
	struct file *file = BPF_CORE_READ(task, mm, exe_file);
	struct exe_cache *c;
	struct scratch *s;
	__u32 zero = 0, off;

	*truncated = 0;
	if (!file) {
		dst[0] = '\0';
		return;
	}
	c = bpf_map_lookup_elem(&exe_paths, &tgid);
	if (c && c->exe_file == (__u64)file) {
		bpf_probe_read_kernel(dst, MMT_PATH_LEN, c->path);
		*truncated = c->truncated;
		return;
	}
	s = bpf_map_lookup_elem(&scratch, &zero);
	if (!s) {
		dst[0] = '\0';
		return;
	}
	off = resolve_path(file, s->path, truncated);
	bpf_probe_read_kernel_str(dst, MMT_PATH_LEN, s->path + off);
	c = (struct exe_cache *)s->path; /* reuse scratch: path is in dst now */
	c->exe_file = (__u64)file;
	c->truncated = *truncated;
	bpf_probe_read_kernel(c->path, MMT_PATH_LEN, dst);
	bpf_map_update_elem(&exe_paths, &tgid, c, BPF_ANY);
}

/* pid number of a struct pid as seen from its own (deepest) namespace */
static __always_inline __u32 ns_nr(struct pid *pid)
{
	unsigned int level = BPF_CORE_READ(pid, level);
	struct upid up;

	bpf_probe_read_kernel(&up, sizeof(up), &pid->numbers[level]);
	return up.nr;
}

/*
 * The part of a call's context that can change from call to call. uid,
 * gid and comm are read from the task's fields rather than through the
 * helpers that return the same values (bpf_get_current_uid_gid, _comm): a
 * helper call each costs more than the loads it makes. The values are the
 * helpers': the credentials' uid and gid as the initial user namespace sees
 * them (kuid_t holds exactly that), the 16 bytes of comm. The cgroup id is
 * the caller's (call_cgroup_id(), or the helper's).
 */
__noinline int fill_call_context(struct mmt_call *r, __u64 pid_tgid, __u64 cgroup_id)
{
	struct task_struct *task = current_task_fields();
	const struct cred *cred = task->cred;
	const __u64 *comm = (const __u64 *)task->comm;
	__u64 *dst;

	if (!r) /* a global function's pointer may be NULL to the verifier */
		return 0;
	dst = (__u64 *)r->comm;
	r->cpu = bpf_get_smp_processor_id();
	r->cgroup_id = cgroup_id;
	r->host_tid = (__u32)pid_tgid;
	r->host_pid = pid_tgid >> 32;
	/* no NULL check (a running task has its credentials; a load through
	 * NULL reads 0): a branch would double the verifier's paths */
	r->uid = cred->uid.val;
	r->gid = cred->gid.val;
	dst[0] = comm[0];
	dst[1] = comm[1];
	return 0;
}

/* The thread's context that rarely changes: see struct task_seen. */
static __always_inline void fill_task(struct mmt_task *r, struct task_struct *task, __u64 pid_tgid)
{
	struct task_struct *leader = BPF_CORE_READ(task, group_leader);
	struct task_struct *parent = BPF_CORE_READ(task, real_parent);
	struct pid *tpid = BPF_CORE_READ(task, thread_pid);
	unsigned int level = BPF_CORE_READ(tpid, level);
	struct uts_namespace *uts;
	struct upid up;

	r->event = MMT_WIRE_TASK;
	r->pad = 0;
	r->host_tid = (__u32)pid_tgid;
	r->thread_start_ns = BPF_CORE_READ(task, start_boottime);
	r->host_ppid = BPF_CORE_READ(parent, tgid);
	r->leader_start_ns = BPF_CORE_READ(leader, start_boottime);
	r->parent_start_ns = BPF_CORE_READ(parent, group_leader, start_boottime);
	bpf_probe_read_kernel(&up, sizeof(up), &tpid->numbers[level]);
	r->tid = up.nr;
	r->pid_ns = BPF_CORE_READ(up.ns, ns.inum);
	r->pid = ns_nr(BPF_CORE_READ(leader, thread_pid));
	r->ppid = ns_nr(BPF_CORE_READ(parent, group_leader, thread_pid));
	r->mnt_ns = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	uts = BPF_CORE_READ(task, nsproxy, uts_ns);
	bpf_core_read_str(r->host, sizeof(r->host), &uts->name.nodename);
	read_exe(task, pid_tgid >> 32, r->exe, &r->exe_truncated);
}

/*
 * Send the current thread's context: 1, or 0 when the ring buffer is full.
 * A global function: the verifier checks it once, on its own, instead of
 * along every path of its caller (the path walk in it is long).
 */
__noinline int send_task(__u64 pid_tgid)
{
	void *ring = cpu_ring();
	struct mmt_task *r;

	if (!ring)
		return 0;
	r = bpf_ringbuf_reserve(ring, sizeof(*r), 0);
	if (!r)
		return 0;
	fill_task(r, (struct task_struct *)bpf_get_current_task_btf(), pid_tgid);
	/* before the exit time of the call it goes ahead of */
	r->time_ns = bpf_ktime_get_boot_ns();
	/* --stack: wake the reader, which reads the process's maps while it
	 * runs */
	if (stack_on)
		bpf_ringbuf_submit(r, BPF_RB_FORCE_WAKEUP);
	else
		bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
	return 1;
}

/* Keep v in *field; a change makes the context sent so far outdated. */
#define SEEN(field, v)                                                                             \
	do {                                                                                       \
		__u64 v_ = (v);                                                                    \
		if (seen->field != v_) {                                                           \
			seen->field = v_;                                                          \
			same = false;                                                              \
		}                                                                                  \
	} while (0)

/*
 * Compare the thread's context with what *seen holds (updating it): 1 when
 * the context sent last is still right. A global function: the verifier
 * checks its loads of the task's fields once, not on every path of the
 * exit program (each such load costs it a search of the kernel's BTF).
 */
__noinline int task_same(struct task_seen *seen)
{
	struct task_struct *task = current_task_fields();
	struct nsproxy *nsp = task->nsproxy;
	struct mm_struct *mm = task->mm;
	struct uts_namespace *uts = nsp ? nsp->uts_ns : NULL;
	bool same;

	if (!seen)
		return 0;
	same = seen->sent;
	SEEN(parent, (__u64)task->real_parent);
	SEEN(nsproxy, (__u64)nsp);
	SEEN(exe_file, mm ? (__u64)mm->exe_file : 0);
	if (uts) {
		const __u64 *name = (const __u64 *)uts->name.nodename;
		__u64 diff = 0;

		/* one branch for the name, not one per word */
		for (int i = 0; i < MMT_HOST_WORDS; i++)
			diff |= seen->host[i] ^ name[i];
		if (diff) {
			for (int i = 0; i < MMT_HOST_WORDS; i++)
				seen->host[i] = name[i];
			same = false;
		}
	}
	return same;
}

/*
 * Send the thread's context ahead of its call record when user space does
 * not have it, or has an outdated one. False: no room in the ring buffer,
 * and the call record must not go out without its context.
 */
static __always_inline bool task_known(struct call_state *cs, __u64 pid_tgid)
{
	if (task_same(&cs->seen))
		return true;
	cs->seen.sent = send_task(pid_tgid);
	return cs->seen.sent;
}

/*
 * The current thread's cgroup (what bpf_get_current_cgroup_id() returns),
 * asked once and kept in its storage until a task moves to another cgroup
 * anywhere (cgroup_moved(), which counts the moves): the helper walks
 * task->cgroups->dfl_cgrp->kn under RCU at every call otherwise. The count
 * is read before the helper is asked, so a move during the asking leaves
 * the kept id outdated, and it is asked again at the next call. A move that
 * the count has not seen yet races with the call itself: the id is the
 * cgroup the call began in.
 */
static __always_inline __u64 call_cgroup_id(struct call_state *cs)
{
	__u32 moves;

	if (!cgroup_hooked)
		return bpf_get_current_cgroup_id();
	moves = cgroup_moves;
	asm volatile("" ::: "memory");
	if (cs->cgroup_id && cs->cgroup_moves == moves)
		return cs->cgroup_id;
	cs->cgroup_id = bpf_get_current_cgroup_id();
	cs->cgroup_moves = moves;
	return cs->cgroup_id;
}

#endif /* MMT_TASK_BPF_H */
