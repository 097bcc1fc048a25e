/* SPDX-License-Identifier: GPL-2.0 */
/*
 * placement.h - residency of traced processes: pages per node sampled from
 * /proc/PID/numa_maps at start, every interval and at exit, written as
 * "placement" records, and a summary of before/after with the policy calls
 * made meanwhile.
 */
#ifndef MMT_PLACEMENT_H
#define MMT_PLACEMENT_H

#include <stdbool.h>
#include <sys/types.h>
#include "decoders/decode.h"
#include "text/outbuf.h"
#include "placement/numa_maps.h"

/* The event id of placement records: outside the syscall range, and apart
 * from the kernel events (2000...). */
#define MMT_PLACEMENT_EVENT_ID 2100
#define MMT_PL_MAX_TARGETS 64
#define MMT_PL_MAX_CALLS 64	    /* policy calls listed per process */
#define MMT_PL_READ_MAX (8UL << 20) /* bytes of numa_maps read per sample */

enum mmt_pl_kind {
	MMT_PL_START,	 /* tracing began (for a command: at its exec) */
	MMT_PL_INTERVAL, /* every --interval */
	MMT_PL_EXIT,	 /* the process is exiting, its memory still mapped */
	MMT_PL_END,	 /* tracing stopped, the process still running */
};

struct mmt_pl_call {
	__u64 timestamp_ns;
	int event;
	__s64 ret;
	bool migrates;
	__u64 succeeded, failed, split, batches;
};

struct mmt_pl_target {
	pid_t pid;
	char comm[17];
	bool gone;    /* exited, or its numa_maps cannot be read */
	bool seized;  /* exit stop via ptrace */
	bool started; /* the start sample was taken */
	bool capped;  /* some sample read only the first MMT_PL_READ_MAX bytes */
	int first_kind, last_kind;
	__u64 first_ns, last_ns;
	struct mmt_placement *first, *last; /* NULL until sampled */
	__u64 samples;
	__u64 ncalls; /* policy calls seen; the first MMT_PL_MAX_CALLS kept */
	struct mmt_pl_call calls[MMT_PL_MAX_CALLS];
	__u64 succeeded, failed; /* migration sums over all the calls */
	__u64 mbind_succeeded;	 /* of which mbind's (reason mempolicy_mbind) */
};

struct mmt_pl {
	struct mmt_pl_target targets[MMT_PL_MAX_TARGETS];
	int ntargets;
	bool json;
	struct outbuf *out;	   /* where records go */
	unsigned int base_kb;	   /* base page size in KiB */
	char *buf;		   /* MMT_PL_READ_MAX + 1 bytes */
	struct mmt_placement *cur; /* the sample being read */
};

/* 0, or -1 (out of memory). json: records as JSON lines, else table lines. */
int mmt_pl_init(struct mmt_pl *pl, bool json, struct outbuf *out);
void mmt_pl_free(struct mmt_pl *pl);
/* Follow pid; 0, or -1 when the list is full. */
int mmt_pl_add(struct mmt_pl *pl, pid_t pid);

/*
 * Attach to a child that has not exec'd yet with PTRACE_SEIZE, asking for an
 * exec stop (the start sample) and an exit stop (the exit sample, before its
 * memory is released). Nothing else about the child changes: other stops are
 * resumed as they come, with their signal. 0, or -1 with a note on stderr
 * (then start is sampled after exec and there is no exit sample).
 */
int mmt_pl_seize(struct mmt_pl *pl, pid_t pid);
/* Was pid seized (its start sample comes with its exec stop)? */
bool mmt_pl_seized(const struct mmt_pl *pl, pid_t pid);

/*
 * A wait status of pid from waitpid(). When it is a ptrace stop of a seized
 * process, take the sample it calls for, resume the process and return
 * true; false for anything else (an exit: the caller's business).
 */
bool mmt_pl_on_stop(struct mmt_pl *pl, pid_t pid, int status);

/* Sample one process / every process still there. */
void mmt_pl_sample(struct mmt_pl *pl, pid_t pid, enum mmt_pl_kind kind);
void mmt_pl_sample_all(struct mmt_pl *pl, enum mmt_pl_kind kind);

/* A traced event: keep it when it is a policy call of (or on) a target. */
void mmt_pl_note_event(struct mmt_pl *pl, const struct mmt_decoded_event *ev);

/* The summary: pages per node first/last sample, the policy calls. */
void mmt_pl_summary(struct mmt_pl *pl, struct outbuf *ob);

/*
 * The tracer's three calls. mmt_pl_begin(): allocate *plp and follow the
 * command (child > 0: forked, not exec'd yet; seized for its exit sample) and
 * the pids; 0, or -1 after an error message. mmt_pl_start(): the start
 * sample of every process not seized (those get it at their exec stop).
 * mmt_pl_finish(): the "end" sample of those still running, the summary
 * (table: into pl->out; JSON: on stderr), and free *plp.
 */
int mmt_pl_begin(struct mmt_pl **plp, bool json, struct outbuf *out, pid_t child, const pid_t *pids,
		 int npids);
void mmt_pl_start(struct mmt_pl *pl);
void mmt_pl_finish(struct mmt_pl **plp, bool summary);

#endif /* MMT_PLACEMENT_H */
