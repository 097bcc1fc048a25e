/* SPDX-License-Identifier: GPL-2.0 */
/*
 * placement.h - residency of traced processes: pages per node sampled from
 * /proc/PID/numa_maps at start, every interval and at exit, written as
 * "placement" records, and a summary of before/after per process with the
 * policy calls made meanwhile and the pages moved, by reason. With a
 * command, the follower thread (follow.h) takes the samples that need the
 * process stopped (exec, exit, and with --follow each new process).
 */
#ifndef MMT_PLACEMENT_H
#define MMT_PLACEMENT_H

#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>
#include "decoders/decode.h"
#include "text/outbuf.h"
#include "placement/follow.h"
#include "placement/numa_maps.h"
#include "placement/pidmap.h"

/* The event id of placement records: outside the syscall range, and apart
 * from the kernel events (2000...). */
#define MMT_PLACEMENT_EVENT_ID 2100
#define MMT_PL_MAX_TARGETS 4096	       /* processes sampled; more are counted */
#define MMT_PL_MAX_CALLS 64	       /* policy calls listed per process */
#define MMT_PL_READ_MAX (8UL << 20)    /* bytes of numa_maps read per sample */
#define MMT_PL_PENDING_MAX (8UL << 20) /* records waiting for the output */
#define MMT_PL_REASONS 16	       /* enum migrate_reason values kept apart */

enum mmt_pl_kind {
	MMT_PL_START,	 /* tracing began (a command: its exec; a descendant: its fork) */
	MMT_PL_INTERVAL, /* every --interval */
	MMT_PL_EXIT,	 /* the process is exiting, its memory still mapped */
	MMT_PL_END,	 /* tracing stopped, the process still running */
	MMT_PL_EXEC,	 /* a followed process ran a new program (execve) */
	MMT_PL_LOST,	 /* the process ended, its exit could not be sampled */
};

struct mmt_pl_call {
	__u64 timestamp_ns;
	int event;
	__s64 ret;
	bool migrates;
	__u64 succeeded, failed, split, batches;
};

/* A sample kept: nodes 0..max_node. */
struct mmt_pl_snap {
	int max_node;
	__u64 vmas, malformed, other_nodes;
	struct mmt_node_pages nodes[];
};

struct mmt_pl_target {
	pid_t pid;
	pid_t ppid; /* its parent at its first sample */
	char comm[17];
	bool descendant;  /* a process the command created (--follow) */
	bool followed;	  /* the follower says when it ends (the command, descendants) */
	bool started;	  /* the start sample was taken (or tried) */
	bool exited;	  /* the exit sample was taken (or tried) */
	bool gone;	  /* ended, or its numa_maps cannot be read */
	bool capped;	  /* some sample read only the first MMT_PL_READ_MAX bytes */
	const char *lost; /* why its exit was not sampled, NULL when it was */
	int first_kind, last_kind;
	__u64 first_ns, last_ns;
	struct mmt_pl_snap *first, *last; /* NULL until sampled */
	__u64 samples;
	__u64 ncalls;		   /* policy calls seen; the first MMT_PL_MAX_CALLS kept */
	struct mmt_pl_call *calls; /* allocated at the first */
	__u64 succeeded, failed;   /* migration sums over all the calls */
	__u64 mbind_succeeded;	   /* of which mbind's (reason mempolicy_mbind) */
	/* pages moved by reason: the calls' and page_migration records' */
	__u64 moved[MMT_PL_REASONS], move_failed[MMT_PL_REASONS];
};

struct mmt_pl_config {
	bool json;	    /* records as JSON lines, else table lines */
	struct outbuf *out; /* where records go (on the main thread) */
	pid_t child;	    /* the command, forked and not exec'd yet; 0: none */
	const pid_t *pids;  /* -p */
	int npids;
	bool follow;	       /* --follow: the command's descendants too */
	unsigned int interval; /* seconds; 0: no interval samples */
	bool kernel_moves;     /* page_migration records are traced */
};

struct mmt_pl {
	/* taken by the follower and the main thread around everything below */
	pthread_mutex_t lock;
	struct mmt_pl_target *targets;
	int ntargets, cap;
	struct mmt_pidmap index; /* pid -> targets[] */
	__u64 not_kept;		 /* processes not sampled: more than MMT_PL_MAX_TARGETS */
	struct mmt_pl_config cfg;
	struct outbuf rec;	     /* records waiting for cfg.out (memory only) */
	struct outbuf spare;	     /* the main thread's: the other half of rec */
	__u64 rec_dropped;	     /* records dropped: rec was full */
	unsigned int base_kb;	     /* base page size in KiB */
	char *buf;		     /* MMT_PL_READ_MAX + 1 bytes */
	struct mmt_placement *cur;   /* the sample being read */
	struct mmt_follow *follow;   /* NULL once stopped */
	struct mmt_follow_stats fst; /* its counts, once stopped */
	bool followed;		     /* a follower ran (fst holds its counts) */
	bool follow_pids_note;	     /* --follow with -p: descendants not sampled */
};

/*
 * The tracer's calls, on the main thread. mmt_pl_begin(): allocate *plp,
 * and start the follower, which attaches to the command (forked, not
 * exec'd yet) for its exec and exit stops (and, with follow, for its
 * descendants); 0, or -1 after an error line. mmt_pl_start(): the start
 * sample of the -p processes (the command's comes with its exec).
 * mmt_pl_flush(): the records taken since into cfg.out (call it often).
 * mmt_pl_finish(): the "end" sample of those still running, the summary
 * (table: into cfg.out; JSON: on stderr), stop the follower, free *plp.
 */
int mmt_pl_begin(struct mmt_pl **plp, const struct mmt_pl_config *cfg);
void mmt_pl_start(struct mmt_pl *pl);
void mmt_pl_flush(struct mmt_pl *pl);
void mmt_pl_finish(struct mmt_pl **plp, bool summary);

/* Is the command attached? Then only the follower waits for it: its exit
 * comes through mmt_pl_reaped(). */
bool mmt_pl_attached(const struct mmt_pl *pl);
/* Has the command ended (reaped by the follower)? Its wait status then. */
bool mmt_pl_reaped(struct mmt_pl *pl, int *status);
/* Stop following now: every attached process is detached and runs on. */
void mmt_pl_detach(struct mmt_pl *pl);

/* A traced event: a policy call of (or on) a target, or a page_migration
 * record charged to one, is kept for its summary. */
void mmt_pl_note_event(struct mmt_pl *pl, const struct mmt_decoded_event *ev);

#endif /* MMT_PLACEMENT_H */
