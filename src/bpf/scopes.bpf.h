/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scopes.bpf.h - which calls are traced: the pid, tid, comm, uid and
 * cgroup scopes, and the predicates on arguments.
 */
#ifndef MMT_SCOPES_BPF_H
#define MMT_SCOPES_BPF_H

#include "maps.bpf.h"
#include "mmt_math.h"

/* Do the scopes other than the pid select the current task? */
static __always_inline bool scopes_match(__u32 tid)
{
	struct comm_key ck;

	if ((scope_mask & MMT_SCOPE_TID) && !bpf_map_lookup_elem(&tid_filter, &tid))
		return false;
	if (scope_mask & MMT_SCOPE_UID) {
		__u32 uid = (__u32)bpf_get_current_uid_gid();

		if (uid < uid_min || uid > uid_max)
			return false;
	}
	if (scope_mask & (MMT_SCOPE_COMM | MMT_SCOPE_NOT_COMM)) {
		__builtin_memset(&ck, 0, sizeof(ck));
		bpf_get_current_comm(ck.comm, sizeof(ck.comm));
		if ((scope_mask & MMT_SCOPE_COMM) && !bpf_map_lookup_elem(&comm_filter, &ck))
			return false;
		if ((scope_mask & MMT_SCOPE_NOT_COMM) && bpf_map_lookup_elem(&not_comm_filter, &ck))
			return false;
	}
	if (scope_mask & MMT_SCOPE_CGROUP) {
		__u64 cg = bpf_get_current_cgroup_id();

		if (!bpf_map_lookup_elem(&cgroup_filter, &cg))
			return false;
	}
	return true;
}

/*
 * Is the process in the pid scope: one of the pids (or the command), or
 * with follow_forks one of their descendants?
 */
static __always_inline bool in_pid_scope(__u32 tgid)
{
	if (ninline_pids) {
		/* constants once loaded: the verifier keeps the live compares */
		for (__u32 i = 0; i < MMT_INLINE_PIDS; i++)
			if (i < ninline_pids && inline_pids[i] == tgid)
				return true;
	} else if (bpf_map_lookup_elem(&tgid_filter, &tgid)) {
		return true;
	}
	return follow_forks && bpf_map_lookup_elem(&followed, &tgid);
}

/*
 * With a pid scope (-p, a command): its processes (and descendants), and
 * the other scopes too. Without: the other scopes, or a descendant of a
 * process they selected (follow_forks).
 */
static __always_inline bool task_selected(__u64 pid_tgid)
{
	__u32 tgid = pid_tgid >> 32;

	if (tgid == self_tgid)
		return false;
	if (!scope_mask)
		return true;
	/* -p takes a thread id too (as strace's): that thread alone */
	if (scope_mask & MMT_SCOPE_PID)
		return (in_pid_scope(tgid) || in_pid_scope((__u32)pid_tgid)) &&
		       scopes_match((__u32)pid_tgid);
	if (follow_forks && bpf_map_lookup_elem(&followed, &tgid))
		return true;
	return scopes_match((__u32)pid_tgid);
}

/* The predicates of the event on its arguments and return value: those of
 * a group (contiguous) OR together, the groups AND. */
static __always_inline bool preds_match(__u32 event, __u64 *args, long ret)
{
	bool group_ok = true;
	__u32 n, group = 0;

	if (event >= MMT_EV_COUNT)
		return false;
	n = npreds[event];
	for (__u32 i = 0; i < MMT_MAX_PREDS; i++) {
		const volatile struct mmt_pred *p = &preds[event][i];
		__u32 ai = p->arg;
		__u64 v;
		bool ok;

		if (i >= n)
			break;

		if (ai == MMT_PRED_RET) {
			v = (__u64)ret;
		} else {
			if (ai >= MMT_MAX_ARGS)
				ai = MMT_MAX_ARGS - 1;
			v = args[ai];
		}
		ok = mmt_pred_holds(p->op, p->is_signed, mmt_pred_value(v, p->is_int, p->mask),
				    p->value);
		if (i && p->group != group) {
			if (!group_ok)
				return false; /* the previous group matched nothing */
			group_ok = false;
		} else if (!i) {
			group_ok = false;
		}
		group = p->group;
		group_ok |= ok;
	}
	return group_ok;
}

#endif /* MMT_SCOPES_BPF_H */
