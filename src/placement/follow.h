/* SPDX-License-Identifier: GPL-2.0 */
/*
 * follow.h - the thread that follows the traced command for --placement:
 * it attaches to the command with PTRACE_SEIZE before its exec, asking for
 * its exec and exit stops and, with descendants, for every process and
 * thread it creates (PTRACE_O_TRACEFORK, VFORK, CLONE); it resumes each
 * stop at once, with its signal, after the caller's callback. The same
 * thread calls the interval tick. Nothing else of the traced processes
 * changes; when the thread ends, every one of them is detached.
 */
#ifndef MMT_PL_FOLLOW_H
#define MMT_PL_FOLLOW_H

#include <linux/types.h>
#include <stdbool.h>
#include <sys/types.h>

struct mmt_follow;

/* Called on the follower thread; the process named is stopped (but for
 * gone and tick) and stays so until the callback returns. */
struct mmt_follow_ops {
	/* a new process (fork, vfork, clone without CLONE_THREAD), seen
	 * before it ran an instruction of its own */
	void (*process_new)(void *ctx, pid_t pid);
	/* a process replaced its program (execve): at its exec stop */
	void (*process_exec)(void *ctx, pid_t pid);
	/* a process is exiting (exit, exit_group, a fatal signal), its memory
	 * still mapped: at the exit stop of its thread tid, the last to come
	 * (the leader may be gone: read through tid) */
	void (*process_exit)(void *ctx, pid_t pid, pid_t tid);
	/* a process ended: its wait status (reaped by the follower) */
	void (*process_gone)(void *ctx, pid_t pid, int status);
	/* every interval: one step of the work (*cursor from 0); true while
	 * there is more, the follower serving the stops between steps */
	bool (*tick)(void *ctx, int *cursor);
};

struct mmt_follow_stats {
	__u64 processes;   /* new processes seen (not counting the command) */
	__u64 threads;	   /* new threads seen */
	__u64 unseen;	   /* tasks that ended before any of their stops came */
	bool child_reaped; /* the follower reaped the command: */
	int child_status;  /* its wait status */
};

/*
 * Start the follower. child > 0: seize it (it must not have exec'd yet),
 * and with descendants follow what it creates; 0: no process to follow
 * (the tick alone). interval_ns 0: no tick. Returns NULL after a line on
 * stderr (out of memory, no thread); a failed attach is said on stderr
 * and the follower runs on without it (mmt_follow_attached() is false).
 */
struct mmt_follow *mmt_follow_start(pid_t child, bool descendants, __u64 interval_ns,
				    const struct mmt_follow_ops *ops, void *ctx);
/* Was the command attached? Then only the follower may wait for it. */
bool mmt_follow_attached(const struct mmt_follow *f);
/* Has the follower reaped the command? Its wait status then. */
bool mmt_follow_reaped(struct mmt_follow *f, int *status);
/* Stop and join the follower: every process it follows is detached and
 * runs on. Its stats (and the command's status if it reaped it) into *st
 * (may be NULL). Frees f. */
void mmt_follow_stop(struct mmt_follow *f, struct mmt_follow_stats *st);

#endif /* MMT_PL_FOLLOW_H */
