// SPDX-License-Identifier: GPL-2.0
/*
 * load.c - one concern: getting the BPF programs into the kernel. The
 * options become .rodata constants, the programs this run needs are chosen
 * through the skeleton's program fields, and the kernel copy of the node
 * masks is given up (never the whole trace) if its program does not load.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "events/bpf_events.h"
#include "cli/errors.h"
#include "cli/kcopy.h"
#include "cli/load.h"
#include "cli/probe.h"
#include "cli/ways.h"
#include "ring/cpu_rings.h"
#include "mmtrace.skel.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN && getenv("MMTRACE_DEBUG"))
		return vfprintf(stderr, fmt, ap);
	return 0;
}

void mmt_load_quiet(void)
{
	libbpf_set_print(libbpf_quiet);
}

/* The options as constants the verifier sees (.rodata). */
/* Each CPU's ring buffer: --buffer-size shared by the possible CPUs. */
static size_t ring_bytes(const struct mmt_options *o, int ncpus)
{
	return mmt_cpu_ring_bytes(o->buffer_size, ncpus, (size_t)sysconf(_SC_PAGESIZE));
}

size_t mmt_load_ring_bytes(const struct mmt_options *o)
{
	return ring_bytes(o, libbpf_num_possible_cpus());
}

static void configure(struct mmtrace_bpf *skel, const struct mmt_options *o, pid_t child)
{
	int ncpus = libbpf_num_possible_cpus();
	size_t ring = ring_bytes(o, ncpus);
	__u32 scopes = 0;

	if (o->npids || o->command)
		scopes |= MMT_SCOPE_PID;
	if (o->ntids)
		scopes |= MMT_SCOPE_TID;
	if (o->ncomms)
		scopes |= MMT_SCOPE_COMM;
	if (o->nnot_comms)
		scopes |= MMT_SCOPE_NOT_COMM;
	if (o->uid_scope)
		scopes |= MMT_SCOPE_UID;
	if (o->ncgroups || o->ncontainers)
		scopes |= MMT_SCOPE_CGROUP;
	skel->rodata->self_tgid = getpid();
	skel->rodata->scope_mask = scopes;
	skel->rodata->uid_min = o->uid_min;
	skel->rodata->uid_max = o->uid_max;
	skel->rodata->follow_forks = o->command || o->follow;
	skel->rodata->only_failed = o->failed_only;
	/* by call site: counted in user space, from the records */
	skel->rodata->summary_only = o->summary && !o->stack_summary;
	/* only -c and top count in the kernel: the other modes need no room
	 * in these per-CPU tables (allocating them took 15 ms of start-up) */
	if (!skel->rodata->summary_only) {
		bpf_map__set_max_entries(skel->maps.stats, 1);
		bpf_map__set_max_entries(skel->maps.moves, 1);
	}
	skel->rodata->stack_on = o->stack;
	skel->rodata->summary_by = o->summary_by;
	/* half of each CPU's buffer: a quarter of it (the threshold of the
	 * one shared buffer before) filled within the reader's 10 ms on one
	 * busy CPU, and every record past it paid a wake-up (measured: the
	 * exit program went from 280 to 590-1190 ns a call) */
	skel->rodata->wakeup_bytes = ring / 2;
	skel->rodata->fill_check_mask = mmt_fill_check_every(ring) - 1;
	skel->rodata->overflow_drop = o->overflow_drop;
	skel->rodata->kev_migration = o->selected[MMT_EV_PAGE_MIGRATION];
	skel->rodata->kev_numa = o->selected[MMT_EV_NUMA_TASK_PLACEMENT];
	skel->rodata->ctx_fd_paths = o->fd_paths;
	skel->rodata->ctx_mappings = o->mappings;
	/* a few pids (the command's is known: it was forked first) are
	 * compared inline; more go to the tgid_filter map only */
	if (o->npids + (child > 0) <= (int)ARRAY_SIZE(skel->rodata->inline_pids)) {
		int n = 0;

		for (int i = 0; i < o->npids; i++)
			skel->rodata->inline_pids[n++] = o->pids[i];
		if (child > 0)
			skel->rodata->inline_pids[n++] = child;
		skel->rodata->ninline_pids = n;
	}
	for (int i = 0; i < MMT_EV_COUNT; i++) {
		skel->rodata->npreds[i] = o->npreds[i];
		for (int k = 0; k < o->npreds[i]; k++)
			skel->rodata->preds[i][k] = o->preds[i][k];
	}
	mmt_bpf_events_fill(skel->rodata->bpf_events);
	bpf_map__set_max_entries(skel->maps.events, (__u32)ncpus);
}

/* Which programs to load: one way in, the selected events, their helpers.
 * A program not named here loads (libbpf's default). */
static void choose_programs(struct mmtrace_bpf *skel, const struct mmt_options *o,
			    const struct mmt_ways *w, int kcopy)
{
	bool migrating = false, numa = o->selected[MMT_EV_NUMA_TASK_PLACEMENT];

	for (int i = 0; i < MMT_EV_COUNT; i++)
		migrating |= o->selected[i] && mmt_events[i].migrates;
	bpf_program__set_autoload(skel->progs.follow_fork, o->command || o->follow);
	bpf_program__set_autoload(skel->progs.on_migrate,
				  migrating || o->selected[MMT_EV_PAGE_MIGRATION]);
	/* a kernel without NUMA balancing has none of these tracepoints */
	bpf_program__set_autoload(skel->progs.on_move_numa,
				  numa && mmt_tracefs_has("events/sched/sched_move_numa"));
	bpf_program__set_autoload(skel->progs.on_swap_numa,
				  numa && mmt_tracefs_has("events/sched/sched_swap_numa"));
	bpf_program__set_autoload(skel->progs.on_stick_numa,
				  numa && mmt_tracefs_has("events/sched/sched_stick_numa"));
	/* without it, the records' cgroup id is asked at every call */
	bpf_program__set_autoload(skel->progs.cgroup_moved,
				  !skel->rodata->summary_only &&
					  mmt_tracefs_has("events/cgroup/cgroup_attach_task"));
	mmt_ways_configure(w, skel, o);
	mmt_kcopy_autoload(skel, kcopy);
}

void mmt_load_rings_begin(const struct mmt_options *o, struct mmt_cpu_rings *rings)
{
	int ncpus = libbpf_num_possible_cpus();

	/* no thread: mmt_load() makes them itself */
	if (ncpus > 0)
		mmt_cpu_rings_make_async(rings, ncpus, ring_bytes(o, ncpus));
}

int mmt_load(const struct mmt_options *o, const struct mmt_ways *w, pid_t child, int *kcopy,
	     struct mmtrace_bpf **skel, struct mmt_cpu_rings *rings)
{
	int err, ncpus;
	bool cast;

	if (o->mappings && !mmt_probe_find_vma()) {
		mmt_err("failed to look up mappings: this kernel's tracing programs have no bpf_find_vma() (Linux 5.17 and later)");
		return -1;
	}
	if (rings) {
		ncpus = libbpf_num_possible_cpus();
		err = mmt_cpu_rings_ready(rings, ncpus, ring_bytes(o, ncpus));
		if (err) {
			mmt_err("failed to create the ring buffers: %s", strerror(-err));
			return -1;
		}
	}
	/* bpf_rdonly_cast() came in Linux 6.2 (task.bpf.h) */
	cast = mmt_probe_kernel_at_least(6, 2);
	for (;;) {
		*skel = mmtrace_bpf__open();
		if (!*skel) {
			mmt_err("failed to open BPF programs: %s", strerror(errno));
			return -1;
		}
		configure(*skel, o, child);
		(*skel)->rodata->task_cast = cast;
		choose_programs(*skel, o, w, *kcopy);
		/* the array of the CPUs' ring buffers, made and filled already */
		err = rings ? bpf_map__reuse_fd((*skel)->maps.events, rings->outer_fd) : 0;
		if (!err)
			err = mmtrace_bpf__load(*skel);
		if (!err || (!cast && *kcopy == MMT_KCOPY_REREAD))
			break;
		mmtrace_bpf__destroy(*skel);
		*skel = NULL;
		if (cast) {
			/* a kernel that calls itself 6.2 or later without the
			 * kfunc: the trusted pointer then (slower to verify) */
			if (getenv("MMTRACE_DEBUG"))
				mmt_err("bpf_rdonly_cast() not taken: loading without it");
			cast = false;
			continue;
		}
		/* the kernel copy is a bonus: never a reason not to trace */
		mmt_kcopy_note(o, *kcopy, "its BPF program did not load");
		*kcopy = MMT_KCOPY_REREAD;
	}
	if (err) {
		if ((err == -EPERM || err == -EACCES) && geteuid() == 0)
			mmt_err("failed to load BPF programs: the kernel's verifier refused them (set MMTRACE_DEBUG=1 for its log)");
		else if (err == -EPERM || err == -EACCES)
			mmt_err("failed to load BPF programs: %s (mmtrace needs root, or CAP_BPF and CAP_PERFMON)",
				strerror(-err));
		else
			mmt_err("failed to load BPF programs: %s (set MMTRACE_DEBUG=1 for libbpf's log)",
				strerror(-err));
		return -1;
	}
	return 0;
}

int mmt_attach(struct mmtrace_bpf *skel, const struct mmt_options *o, int *kcopy)
{
	if (mmtrace_bpf__attach(skel)) {
		mmt_err("failed to attach BPF programs: %s", strerror(errno));
		return -1;
	}
	*kcopy = mmt_kcopy_attach(skel, o, *kcopy);
	/* cgroup_moved() is attached: the programs may keep a thread's cgroup
	 * id between its calls */
	if (skel->links.cgroup_moved)
		skel->bss->cgroup_hooked = 1;
	return 0;
}

void mmt_unload(struct mmtrace_bpf *skel)
{
	mmtrace_bpf__destroy(skel);
}
