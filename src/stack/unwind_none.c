// SPDX-License-Identifier: GPL-2.0
/*
 * unwind_none.c - the unwinder of a build without libdw (make STACK=0):
 * --stack is refused, nothing here is ever called with a cache.
 */
#include <errno.h>
#include <stddef.h>
#include "stack/stack.h"

bool mmt_stacks_supported(void)
{
	return false;
}

struct mmt_stacks *mmt_stacks_new(int max_procs)
{
	(void)max_procs;
	return NULL;
}

void mmt_stacks_free(struct mmt_stacks *s)
{
	(void)s;
}

int mmt_stacks_unwind(struct mmt_stacks *s, pid_t pid, pid_t tid, const struct mmt_stack_tail *tail,
		      struct mmt_stack *out)
{
	(void)s, (void)pid, (void)tid, (void)tail, (void)out;
	return -EOPNOTSUPP;
}

void mmt_stacks_maps_changed(struct mmt_stacks *s, pid_t pid)
{
	(void)s, (void)pid;
}

void mmt_stacks_prepare(struct mmt_stacks *s, pid_t pid)
{
	(void)s, (void)pid;
}

void mmt_stacks_forget(struct mmt_stacks *s, pid_t pid)
{
	(void)s, (void)pid;
}

int mmt_stacks_procs(const struct mmt_stacks *s)
{
	(void)s;
	return 0;
}

unsigned long mmt_stacks_maps_reads(const struct mmt_stacks *s)
{
	(void)s;
	return 0;
}

unsigned long mmt_stacks_symbol_lookups(const struct mmt_stacks *s)
{
	(void)s;
	return 0;
}
