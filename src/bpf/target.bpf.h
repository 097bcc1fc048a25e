/* SPDX-License-Identifier: GPL-2.0 */
/*
 * target.bpf.h - the process a pid argument names.
 */
#ifndef MMT_TARGET_BPF_H
#define MMT_TARGET_BPF_H

#include "maps.bpf.h"
#include <bpf/bpf_core_read.h>

extern struct task_struct *bpf_task_from_vpid(s32 vpid) __ksym __weak;
extern void bpf_task_release(struct task_struct *p) __ksym __weak;

/*
 * find_task_by_vpid() by hand, for kernels without bpf_task_from_vpid()
 * (before 6.13; 6.1 has no task kfunc at all). The caller's pid namespace
 * keeps its struct pids in an idr, an xarray indexed by pid number: descend
 * it (6 bits a level; 4 levels cover pid_max 4194304) and take the task on
 * the pid's PIDTYPE_PID list. BPF tracing runs under rcu_read_lock(), which
 * is what the kernel's own lookup needs; every read is a probe read. The
 * target is alive here: the call that named it has not returned yet.
 */
#define XA_LEVELS 6

static __always_inline bool xa_node_entry(unsigned long entry)
{
	return (entry & 3) == 2 && entry > 4096; /* xa_is_node() */
}

static __always_inline struct task_struct *task_by_vpid_walk(__s32 nr)
{
	struct task_struct *cur = (struct task_struct *)bpf_get_current_task();
	struct pid *cpid = BPF_CORE_READ(cur, thread_pid);
	unsigned int level = BPF_CORE_READ(cpid, level);
	unsigned long index, entry;
	struct hlist_node *first;
	struct pid_namespace *ns;
	struct upid up;

	bpf_probe_read_kernel(&up, sizeof(up), &cpid->numbers[level]);
	ns = up.ns;
	index = (unsigned long)nr - BPF_CORE_READ(ns, idr.idr_base);
	entry = (unsigned long)BPF_CORE_READ(ns, idr.idr_rt.xa_head);
	if (!xa_node_entry(entry) && index)
		return NULL; /* no node: the one entry has index 0 */
	for (int i = 0; i < XA_LEVELS && xa_node_entry(entry); i++) {
		struct xa_node *node = (struct xa_node *)(entry - 2);
		unsigned int shift = BPF_CORE_READ(node, shift) & 63;

		if (i == 0 && shift < 58 && (index >> shift) > 63)
			return NULL; /* beyond the tree */
		bpf_core_read(&entry, sizeof(entry), &node->slots[(index >> shift) & 63]);
	}
	if (!entry || (entry & 3))
		return NULL; /* empty, reserved, or still a node */
	first = BPF_CORE_READ((struct pid *)entry, tasks[PIDTYPE_PID].first);
	if (!first)
		return NULL;
	return (struct task_struct *)((void *)first -
				      bpf_core_field_offset(struct task_struct, pid_links));
}

/* The process a pid argument names: its comm, uid and host pid into x;
 * MMT_REC_TARGET when found, else 0 (x's target fields then 0). */
static __always_inline __u16 fill_target(struct mmt_call_extra *x, __s32 pid)
{
	struct task_struct *t;
	const struct cred *cred;

	x->target_uid = 0;
	x->target_host_pid = 0;
	x->extra_pad = 0;
	x->target_comm[0] = '\0';
	if (pid <= 0)
		return 0;
	if (!bpf_task_from_vpid) {
		t = task_by_vpid_walk(pid);
		if (!t)
			return 0;
		BPF_CORE_READ_STR_INTO(&x->target_comm, t, comm);
		x->target_uid = BPF_CORE_READ(t, real_cred, uid.val);
		x->target_host_pid = BPF_CORE_READ(t, tgid);
		return MMT_REC_TARGET;
	}
	t = bpf_task_from_vpid(pid);
	if (!t)
		return 0;
	bpf_probe_read_kernel_str(x->target_comm, sizeof(x->target_comm), t->comm);
	cred = t->real_cred;
	x->target_uid = BPF_CORE_READ(cred, uid.val);
	x->target_host_pid = t->tgid;
	bpf_task_release(t);
	return MMT_REC_TARGET;
}

#endif /* MMT_TARGET_BPF_H */
