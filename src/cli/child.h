/* SPDX-License-Identifier: GPL-2.0 */
/*
 * child.h - the traced command (-- COMMAND): forked before the BPF
 * programs load so its pid can be selected, released to exec once they
 * are attached, passed the first signal, and its exit status returned.
 */
#ifndef MMT_CLI_CHILD_H
#define MMT_CLI_CHILD_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

struct mmt_child {
	pid_t pid; /* > 0 while it runs and is not yet waited for */
	int go_fd; /* write end: tells the child to exec */
	int ready_fd; /* read end: an errno if exec failed */
};

#define MMT_CHILD_INIT { .pid = 0, .go_fd = -1, .ready_fd = -1 }

/* Fork the command now; it waits for a byte on a pipe before exec. 0 or -1. */
int mmt_child_start(struct mmt_child *c, char **argv);

/* Let the child exec; report if exec failed (named name). 0, or the
 * exit status a shell gives: 127 (not found), 126 (found, not run). */
int mmt_child_release(struct mmt_child *c, const char *name);

/* Has the child exited? Then it is waited for, pid is 0 and *status set.
 * (Not while --placement follows it: its follower thread waits for it.) */
bool mmt_child_exited(struct mmt_child *c, int *status);

/* Pass a signal on to the child. */
void mmt_child_signal(struct mmt_child *c, int sig);

/* Wait for a child whose exec failed. */
void mmt_child_reap(struct mmt_child *c);

/*
 * Wait for the child to end, untraced: *status is its wait status. A
 * signal counted in *nsignals is passed on to it once (when *forwarded is
 * false); at the third mmtrace stops waiting (returns -1) and leaves the
 * child running. 0 once it exited.
 */
int mmt_child_wait(struct mmt_child *c, int *status, volatile sig_atomic_t *nsignals,
		   volatile sig_atomic_t *last_signal, bool *forwarded);

/* Give up on the child: one never started exits (its pipe closes) and is
 * waited for; one that runs is never killed, nor waited for here. Closes
 * what is left open. */
void mmt_child_abandon(struct mmt_child *c);

/* Exit status of the tracer for a child's wait status, as a shell has it. */
int mmt_child_exit_status(int status);

#endif /* MMT_CLI_CHILD_H */
