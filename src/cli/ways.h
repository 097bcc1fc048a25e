/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ways.h - one concern: the way in to the syscalls (--attach). raw: the raw
 * sys_enter/sys_exit tracepoints, which run on every syscall of the machine
 * and see 64-bit and 32-bit (ia32) tasks; syscall: the per-syscall
 * tracepoints of the selected syscalls only, blind to ia32; auto (the
 * default): the per-syscall tracepoints for 64-bit tasks, and the raw
 * programs, serving ia32 tasks only, attached while a 32-bit process exists
 * (found at start in /proc, or told by the BPF side when one is exec'd) and
 * detached once none is left (mmt_ways_poll()).
 */
#ifndef MMT_CLI_WAYS_H
#define MMT_CLI_WAYS_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include "cli/options.h"
#include "events/event_table.h"

struct mmtrace_bpf;
struct bpf_link;

struct mmt_ways {
	enum mmt_attach_mode mode;
	bool tp[MMT_EV_COUNT]; /* the event's 64-bit calls: per-syscall tracepoints */
	bool raw64; /* some selected event has no tracepoint: raw serves it */
	bool compat_at_start; /* a 32-bit task was there before attaching */
	bool raw_attached;
	/* auto, the raw programs serving only ia32 calls: they go when the
	 * last 32-bit process has gone (the BPF side keeps compat_procs) */
	bool track;
	bool seeded; /* the 32-bit processes of /proc are in compat_procs */
	__u64 attached_ns; /* CLOCK_BOOTTIME when the raw programs were */
	__u64 checked_ns; /* CLOCK_BOOTTIME of the last look for a 32-bit process */
	__u64 detaches; /* times the raw programs were detached */
	struct bpf_link *links[2 * MMT_EV_COUNT];
	int nlinks;
	__u64 unsent_seen; /* compat_exec_unsent when last looked at */
	/* 32-bit programs started before the raw programs were attached */
	__u64 late_execs;
	__u64 window_ns; /* the longest time one of them ran unseen */
};

/* Before loading: which way serves which event, and whether a 32-bit
 * task is already there (in the scope's processes, or the command). */
void mmt_ways_plan(struct mmt_ways *w, const struct mmt_options *o);

/* Before loading: the programs to load and the selection tables. */
void mmt_ways_configure(const struct mmt_ways *w, struct mmtrace_bpf *skel,
			const struct mmt_options *o);

/* After the skeleton's own attach: the per-syscall tracepoints, and the raw
 * programs when needed now. 0, or -1 after an error line. */
int mmt_ways_attach(struct mmt_ways *w, struct mmtrace_bpf *skel, const struct mmt_options *o);

/* A MMT_WIRE_COMPAT_EXEC record: attach the raw programs if not done yet
 * and account for the time the task ran unseen. 0, or -1 after an error
 * line. */
int mmt_ways_compat_exec(struct mmt_ways *w, struct mmtrace_bpf *skel, const void *data,
			 size_t len);

/* From the loop, often: a 32-bit exec whose record found no room; at most
 * once a second, whether a 32-bit process is left, detaching the raw
 * programs when none is. 0, or -1 after an error line. */
int mmt_ways_poll(struct mmt_ways *w, struct mmtrace_bpf *skel);

/* "raw", "syscall", "syscall+raw" (auto, once or from the start). */
const char *mmt_ways_name(const struct mmt_ways *w);

void mmt_ways_detach(struct mmt_ways *w);

#endif /* MMT_CLI_WAYS_H */
