// SPDX-License-Identifier: GPL-2.0
/*
 * pidmap.c - pid -> int, open addressing with linear probing.
 */
#include <stdlib.h>
#include "placement/pidmap.h"

static size_t slot_of(pid_t pid, size_t cap)
{
	/* Fibonacci hashing: pids are dense, this spreads them */
	return (size_t)(((unsigned long long)(unsigned int)pid * 0x9E3779B97F4A7C15ULL) >> 32) &
	       (cap - 1);
}

bool mmt_pidmap_get(const struct mmt_pidmap *m, pid_t pid, int *val)
{
	if (!m->cap || pid <= 0)
		return false;
	for (size_t i = slot_of(pid, m->cap);; i = (i + 1) & (m->cap - 1)) {
		if (!m->keys[i])
			return false;
		if (m->keys[i] == pid) {
			*val = m->vals[i];
			return true;
		}
	}
}

static void insert(pid_t *keys, int *vals, size_t cap, pid_t pid, int val)
{
	size_t i = slot_of(pid, cap);

	while (keys[i] && keys[i] != pid)
		i = (i + 1) & (cap - 1);
	keys[i] = pid;
	vals[i] = val;
}

static int grow(struct mmt_pidmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	pid_t *keys = calloc(cap, sizeof(*keys));
	int *vals = calloc(cap, sizeof(*vals));

	if (!keys || !vals) {
		free(keys);
		free(vals);
		return -1;
	}
	for (size_t i = 0; i < m->cap; i++)
		if (m->keys[i])
			insert(keys, vals, cap, m->keys[i], m->vals[i]);
	free(m->keys);
	free(m->vals);
	m->keys = keys;
	m->vals = vals;
	m->cap = cap;
	return 0;
}

int mmt_pidmap_put(struct mmt_pidmap *m, pid_t pid, int val)
{
	int old;

	if (pid <= 0)
		return -1;
	if (mmt_pidmap_get(m, pid, &old)) {
		insert(m->keys, m->vals, m->cap, pid, val);
		return 0;
	}
	if ((m->n + 1) * 2 > m->cap && grow(m))
		return -1;
	insert(m->keys, m->vals, m->cap, pid, val);
	m->n++;
	return 0;
}

void mmt_pidmap_del(struct mmt_pidmap *m, pid_t pid)
{
	size_t mask = m->cap - 1, i, j;

	if (!m->cap || pid <= 0)
		return;
	for (i = slot_of(pid, m->cap); m->keys[i] != pid; i = (i + 1) & mask)
		if (!m->keys[i])
			return;
	/* shift back the entries of the run after i that hash at or before it */
	for (j = (i + 1) & mask; m->keys[j]; j = (j + 1) & mask) {
		size_t home = slot_of(m->keys[j], m->cap);

		/* j's entry may move to i when its home is not in (i, j] */
		if (((j - home) & mask) >= ((j - i) & mask)) {
			m->keys[i] = m->keys[j];
			m->vals[i] = m->vals[j];
			i = j;
		}
	}
	m->keys[i] = 0;
	m->n--;
}

void mmt_pidmap_free(struct mmt_pidmap *m)
{
	free(m->keys);
	free(m->vals);
	m->keys = NULL;
	m->vals = NULL;
	m->cap = m->n = 0;
}
