/* SPDX-License-Identifier: GPL-2.0 */
/*
 * maps.bpf.h - the settings user space fills before load, the
 * per-thread state and every map but the kernel copy's.
 */
#ifndef MMT_MAPS_BPF_H
#define MMT_MAPS_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "../mmtrace.h"

#define TS_COMPAT 0x0002 /* arch/x86/include/asm/thread_info.h */
#define MMT_HOST_WORDS 8 /* the first 64 bytes of the host name */

/* Set by user space between open and load. */
const volatile __u32 self_tgid = 0;	       /* never trace mmtrace itself */
const volatile __u32 scope_mask = 0;	       /* MMT_SCOPE_* in force */
const volatile __u32 uid_min = 0, uid_max = 0; /* MMT_SCOPE_UID */
/* MMT_SCOPE_PID with a few pids: compared here, no tgid_filter lookup */
#define MMT_INLINE_PIDS 8
const volatile __u32 inline_pids[MMT_INLINE_PIDS] = {};
const volatile __u32 ninline_pids = 0;	  /* 0: the pids are in tgid_filter */
const volatile bool follow_forks = false; /* children of selected processes */
const volatile bool only_failed = false;  /* keep only calls that failed */
const volatile bool summary_only = false; /* count, write no record */
/* --stack: registers and user stack in each record (stack.bpf.h) */
const volatile bool stack_on = false;
const volatile __u8 summary_by = MMT_BY_NONE;
/* predicates per event, ANDed */
const volatile struct mmt_pred preds[MMT_EV_COUNT][MMT_MAX_PREDS] = {};
const volatile __u8 npreds[MMT_EV_COUNT] = {};
const volatile __u64 wakeup_bytes = 0; /* wake the reader past this fill */
/* a thread asks its CPU's buffer for its fill at every (this + 1)th record
 * while it is below wakeup_bytes (a power of two minus one) */
const volatile __u32 fill_check_mask = 0;
/* --overflow=drop: past wakeup_bytes, wake the reader at every
 * (fill_check_mask + 1)th record only, never slowing the traced calls */
const volatile bool overflow_drop = false;
/* MMT_SEL_OF(event) of each syscall number, 0 when not traced: sel64 for
 * the per-syscall tracepoints (64-bit tasks), raw64 for the 64-bit calls
 * the raw programs serve (every selected one with --attach=raw; with auto
 * only those without a per-syscall tracepoint, so no call is seen twice),
 * sel32 for ia32 calls (raw programs only) */
const volatile __u8 sel64[MMT_NR_MAX] = {};
const volatile __u8 raw64[MMT_NR_MAX] = {};
const volatile __u8 sel32[MMT_NR_MAX] = {};
/* --attach=auto: set by user space once the raw programs are attached (no
 * more news of a 32-bit exec needed) */
volatile __u8 raw_attached = 0;
/* set by user space once cgroup_moved() is attached: then a thread's
 * cgroup id is kept between its calls (task.bpf.h, call_cgroup_id()) */
volatile __u8 cgroup_hooked = 0;
/* tasks moved to another cgroup, anywhere */
volatile __u32 cgroup_moves = 0;
/* compat_exec records that found the ring buffer full: user space attaches
 * the raw programs when it sees this move too */
volatile __u64 compat_exec_unsent = 0;
/* --attach=auto, when the raw programs serve only ia32 calls: keep
 * compat_procs, so that user space can detach them once no 32-bit process
 * is left */
const volatile bool compat_track = false;
/* 32-bit processes that compat_procs had no room for (or user space could
 * not look for in /proc): while this is not 0, the raw programs stay */
volatile __u64 compat_untracked = 0;
/* the entries of compat_procs, counted by whoever adds or removes one (user
 * space reads this, not the map) */
volatile __u64 compat_count = 0;
/* the event table as the programs read it (mmt_bpf_events_fill()) */
const volatile struct mmt_bpf_event bpf_events[MMT_EV_COUNT] = {};

/* Entry state kept from sys_enter to sys_exit. */
struct call_entry {
	__u64 enter_ns;
	__u32 event;
	__u16 nr;
	__u16 flags; /* MMT_REC_COMPAT */
	__u64 args[MMT_MAX_ARGS];
	__u32 active; /* 1 from entry to exit */
	__u32 pad;
	/* the migrations summed during the call (movement.bpf.h); the target
	 * process, found at exit (target.bpf.h) */
	struct mmt_call_extra x;
};

union payload {
	struct mmt_payload_masks masks;
	struct mmt_payload_move_pages move;
	struct mmt_payload_array one; /* its array is move.pages' place */
};

/*
 * What a thread's last struct mmt_task was made from. A call compares these
 * with the task (plain loads, no helper calls) and sends a new struct
 * mmt_task only when one differs: a new parent, new namespaces, an exec
 * (exe_file) or a new host name. A new thread, even with a reused tid, has
 * new storage (sent 0).
 */
struct task_seen {
	__u64 parent;
	__u64 nsproxy;
	__u64 exe_file;
	__u64 host[MMT_HOST_WORDS];
	__u64 sent; /* 1: user space has this thread's context */
};

/* A thread's call in flight, the user memory read at its entry, and what
 * its context was last sent from. */
struct call_state {
	struct call_entry e;
	struct task_seen seen;
	union payload p;
	struct mmt_argctx ctx; /* with MMT_REC_ARGCTX in e.flags */
	/* the wake-up check (syscalls.bpf.h): records this thread wrote, and
	 * whether its CPU's buffer was past the threshold at the last check */
	__u32 records;
	__u32 over;
	/* the thread's cgroup id, as of cgroup_moves moves (call_cgroup_id()) */
	__u64 cgroup_id;
	__u32 cgroup_moves;
	__u32 cgroup_pad;
};

/* The executable path of a process, resolved once per exe_file. */
struct exe_cache {
	__u64 exe_file;
	char path[MMT_PATH_LEN];
	__u8 truncated; /* the path's start did not fit */
};

/*
 * One ring buffer per CPU, so that CPUs do not serialise on one buffer's
 * reservation: user space creates a buffer for each possible CPU and puts
 * it at the CPU's index; its reader puts the records back in time order.
 */
struct ring_of_cpu {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	/* a template only: the buffers user space puts in may be larger (the
	 * kernel matches a ring buffer's type and flags, not its size) */
	__uint(max_entries, 4096);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1); /* one per possible CPU: set by user space */
	__type(key, __u32);
	__array(values, struct ring_of_cpu);
} events SEC(".maps");

/* This CPU's ring buffer (NULL only if user space did not set it up). */
static __always_inline void *cpu_ring(void)
{
	__u32 cpu = bpf_get_smp_processor_id();

	return bpf_map_lookup_elem(&events, &cpu);
}

/* Each thread's struct call_state, in its task's own storage. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct call_state);
} call_states SEC(".maps");

/* The current thread's call in flight; created at its first call. */
static __always_inline struct call_state *current_call_state(bool create)
{
	return bpf_task_storage_get(&call_states, bpf_get_current_task_btf(), 0,
				    create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
}

/* Scopes: the values user space asked for. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32); /* tgid */
	__type(value, __u8);
} tgid_filter SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32); /* tid */
	__type(value, __u8);
} tid_filter SEC(".maps");

struct comm_key {
	char comm[MMT_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct comm_key);
	__type(value, __u8);
} comm_filter SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct comm_key);
	__type(value, __u8);
} not_comm_filter SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64); /* cgroup id */
	__type(value, __u8);
} cgroup_filter SEC(".maps");

/* Descendants of selected processes (follow_forks): selected too. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 32768);
	__type(key, __u32); /* tgid */
	__type(value, __u8);
} followed SEC(".maps");

/*
 * The 32-bit processes alive, whatever the scope (compat_track): a 32-bit
 * exec or a fork made by a 32-bit call adds one, its last thread's exit or
 * a 64-bit exec removes it; user space adds those it finds in /proc when it
 * first attaches the raw programs.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32); /* tgid */
	__type(value, __u8);
} compat_procs SEC(".maps");

/* Summary mode: per-CPU statistics. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct mmt_stat_key);
	__type(value, struct mmt_stat);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32); /* tgid */
	__type(value, struct exe_cache);
} exe_paths SEC(".maps");

/* Scratch space, too large for the 512-byte BPF stack. */
struct scratch {
	char path[2 * MMT_PATH_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

/* Per-CPU counters: [event][enum mmt_counter]. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MMT_EV_COUNT *MMT_CNT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");
static __always_inline void count(__u32 event, __u32 counter)
{
	__u32 key = event * MMT_CNT_COUNT + counter;
	__u64 *n = bpf_map_lookup_elem(&counters, &key);

	if (n)
		*n += 1;
}

/* The event's row of bpf_events[]; NULL for no event. */
static __always_inline const volatile struct mmt_bpf_event *event_row(__u32 event)
{
	if (event >= MMT_EV_COUNT)
		return NULL;
	/* keep the compiler from computing the address before the check */
	barrier_var(event);
	return &bpf_events[event];
}

/* The event's MMT_BPF_* flags. */
static __always_inline __u32 event_flags(__u32 event)
{
	if (event >= MMT_EV_COUNT)
		return 0;
	barrier_var(event);
	return bpf_events[event].flags;
}

#endif /* MMT_MAPS_BPF_H */
