// SPDX-License-Identifier: GPL-2.0
/*
 * match.c - one concern: does a decoded event pass the parsed options'
 * selection, scopes and filters (tested in user space)?
 */
#include <string.h>
#include "cli/match.h"
#include "bpf/mmt_math.h" /* after mmtrace.h and the __u* types */

bool mmt_match_nodes(const struct mmt_options *o, const struct mmt_decoded_event *ev)
{
	for (int i = 0; i < o->nnode_filters; i++) {
		const struct mmt_node_filter *f = &o->node_filters[i];
		const struct mmt_mask *m;

		if (f->event != (int)ev->desc->event)
			continue;
		m = ev->args[f->arg].data == MMT_DATA_MASK ? ev->args[f->arg].mask : NULL;
		if (!m || m->state != MMT_READ_OK || mmt_mask_next(m, f->node) != f->node)
			return false;
	}
	return true;
}

bool mmt_match_latency(const struct mmt_options *o, const struct mmt_decoded_event *ev)
{
	__u64 ns = ev->rec->exit_ns - ev->rec->enter_ns;

	if (ns < o->min_latency_ns)
		return false;
	for (int i = 0; i < o->nlatency_filters; i++) {
		const struct mmt_latency_filter *f = &o->latency_filters[i];
		bool ok;

		if (f->event != (int)ev->desc->event)
			continue;
		switch (f->op) {
		case MMT_OP_EQ:
			ok = ns == f->ns;
			break;
		case MMT_OP_NE:
			ok = ns != f->ns;
			break;
		case MMT_OP_LT:
			ok = ns < f->ns;
			break;
		case MMT_OP_LE:
			ok = ns <= f->ns;
			break;
		case MMT_OP_GT:
			ok = ns > f->ns;
			break;
		default:
			ok = ns >= f->ns;
			break;
		}
		if (!ok)
			return false;
	}
	return true;
}

bool mmt_match_needs_latency(const struct mmt_options *o)
{
	return o->min_latency_ns || o->nlatency_filters;
}

static bool has_pid(const pid_t *list, int n, __u32 v)
{
	for (int i = 0; i < n; i++)
		if ((__u32)list[i] == v)
			return true;
	return false;
}

static bool has_comm(const char *const *list, int n, const char *comm)
{
	for (int i = 0; i < n; i++)
		if (!strncmp(list[i], comm, MMT_COMM_LEN - 1))
			return true;
	return false;
}

/* The kinds of scope AND, the values of one kind OR, as scopes.bpf.h. */
static bool scopes_match(const struct mmt_options *o, const struct mmt_decoded_event *ev)
{
	const struct mmt_record *r = ev->rec;
	char comm[MMT_COMM_LEN];

	/* the kernel's comm_filter keys: 15 bytes and a NUL */
	memset(comm, 0, sizeof(comm));
	memcpy(comm, ev->comm, MMT_COMM_LEN - 1);
	comm[strnlen(comm, MMT_COMM_LEN - 1)] = 0;
	/* -p takes a process or a thread id, as strace's */
	if (o->npids && !has_pid(o->pids, o->npids, r->host_pid) &&
	    !has_pid(o->pids, o->npids, r->host_tid))
		return false;
	if (o->ntids && !has_pid(o->tids, o->ntids, r->host_tid))
		return false;
	if (o->uid_scope && (r->uid < o->uid_min || r->uid > o->uid_max))
		return false;
	if (o->ncomms && !has_comm(o->comms, o->ncomms, comm))
		return false;
	if (o->nnot_comms && has_comm(o->not_comms, o->nnot_comms, comm))
		return false;
	if (o->ncgroups || o->ncontainers) {
		bool in = false;
		const char *id = ev->container ? ev->container->id : "";

		for (int i = 0; i < o->ncgroups && !in; i++)
			in = o->cgroups[i] == r->cgroup_id;
		/* --container ID (or a prefix), or all: any container */
		for (int i = 0; i < o->ncontainers && !in; i++)
			in = *id && (!strcmp(o->containers[i], "all") ||
				     !strncmp(id, o->containers[i], strlen(o->containers[i])));
		if (!in)
			return false;
	}
	return true;
}

/* The event's predicates: those of a group (contiguous) OR, the groups
 * AND, as the BPF side's preds_match(). */
static bool preds_match(const struct mmt_options *o, const struct mmt_decoded_event *ev)
{
	const struct mmt_pred *p = o->preds[ev->desc->event];
	int n = o->npreds[ev->desc->event];
	bool group_ok = true;

	for (int i = 0; i < n; i++) {
		__u64 v = p[i].arg == MMT_PRED_RET
				  ? (__u64)ev->rec->ret
				  : ev->rec->args[p[i].arg < MMT_MAX_ARGS ? p[i].arg
									  : MMT_MAX_ARGS - 1];
		bool ok = mmt_pred_holds(p[i].op, p[i].is_signed,
					 mmt_pred_value(v, p[i].is_int, p[i].mask), p[i].value);

		if (!i || p[i].group != p[i - 1].group) {
			if (i && !group_ok)
				return false; /* the previous group matched nothing */
			group_ok = false;
		}
		group_ok |= ok;
	}
	return group_ok;
}

/* --failed, as the kernel side has it: a call that returned an error, a
 * migration with pages that failed to move; never a task placement. */
static bool failed(const struct mmt_decoded_event *ev)
{
	switch (ev->desc->event) {
	case MMT_EV_PAGE_MIGRATION:
		return ev->rec->args[3] != 0;
	case MMT_EV_NUMA_TASK_PLACEMENT:
		return false;
	default:
		return ev->failed;
	}
}

bool mmt_match_kernel_side(const struct mmt_options *o, const struct mmt_decoded_event *ev)
{
	if (!o->selected[ev->desc->event])
		return false;
	if (!scopes_match(o, ev))
		return false;
	if (o->failed_only && !failed(ev))
		return false;
	return preds_match(o, ev);
}
