/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pidmap.h - a map from a pid (or thread id) to an int, for the sets of
 * processes and threads --placement follows: open addressing, linear
 * probing, deletion by shifting back (no tombstones), grown at half full.
 */
#ifndef MMT_PIDMAP_H
#define MMT_PIDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct mmt_pidmap {
	pid_t *keys; /* 0: an empty slot */
	int *vals;
	size_t cap; /* a power of two, or 0 */
	size_t n;
};

#define MMT_PIDMAP_INIT                                                                            \
	{                                                                                          \
		.keys = NULL, .vals = NULL, .cap = 0, .n = 0                                       \
	}

/* The value of pid into *val: true, or false when pid is not there. */
bool mmt_pidmap_get(const struct mmt_pidmap *m, pid_t pid, int *val);
/* Set pid's value (pid > 0): 0, or -1 when out of memory. */
int mmt_pidmap_put(struct mmt_pidmap *m, pid_t pid, int val);
/* Forget pid (nothing when it is not there). */
void mmt_pidmap_del(struct mmt_pidmap *m, pid_t pid);
void mmt_pidmap_free(struct mmt_pidmap *m);

#endif /* MMT_PIDMAP_H */
