// SPDX-License-Identifier: GPL-2.0
/*
 * spool.c - the sink's bounded FIFO: memory first, then a file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include "sinks/spool.h"

int mmt_spool_init(struct mmt_spool *s, size_t mem_limit, const char *dir, __u64 file_limit,
		   const struct mmt_spool_ident *id)
{
	pthread_condattr_t ca;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->mem_limit = mem_limit;
	s->file_limit = file_limit;
	s->next_seq = 1;
	s->taken_seq = 1;
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->more, &ca);
	pthread_condattr_destroy(&ca);
	if (!file_limit || !dir)
		return 0;
	s->fd = mmt_spoolfile_create(dir, id, s->path, sizeof(s->path), &s->hdr);
	if (s->fd < 0) {
		int err = s->fd;

		s->fd = -1;
		return err;
	}
	return 0;
}

void mmt_spool_free(struct mmt_spool *s)
{
	struct mmt_spool_entry *e = s->head, *n;

	for (; e; e = n) {
		n = e->next;
		free(e);
	}
	s->head = s->tail = NULL;
	mmt_spoolfile_close(s->fd, s->hdr, s->path, s->keep);
	s->fd = -1;
	s->hdr = NULL;
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->more);
}

/* One record at the end of the file, in one write. */
static bool file_push(struct mmt_spool *s, __u64 seq, __u16 event, const char *data, size_t len)
{
	struct mmt_spool_rec r = {.seq = seq, .event = event, .len = len};
	struct iovec iov[2] = {{&r, sizeof(r)}, {(void *)data, len}};

	if (s->fd < 0 || len > MMT_SPOOL_REC_MAX || s->file_write + sizeof(r) + len > s->file_limit)
		return false;
	if (pwritev(s->fd, iov, 2, MMT_SPOOL_HEADER + s->file_write) != (ssize_t)(sizeof(r) + len))
		return false; /* disk full or failing: counted as dropped */
	s->file_write += sizeof(r) + len;
	s->spooled++;
	return true;
}

/* The header's counters: plain stores into the shared page, which the
 * kernel keeps (and writes back) when this process is killed. */
static void header_sync(struct mmt_spool *s)
{
	if (!s->hdr)
		return;
	__atomic_store_n(&s->hdr->next_seq, s->next_seq, __ATOMIC_RELAXED);
	__atomic_store_n(&s->hdr->mem_held, s->mem_held, __ATOMIC_RELAXED);
}

bool mmt_spool_push(struct mmt_spool *s, __u16 event, const char *data, size_t len)
{
	struct mmt_spool_entry *e = NULL;
	bool ok = false;
	__u64 seq;

	pthread_mutex_lock(&s->lock);
	seq = s->next_seq;
	/* memory, unless the file already holds older events */
	if (s->file_write == s->file_read && s->mem_bytes + len + sizeof(*e) <= s->mem_limit) {
		e = malloc(sizeof(*e) + len);
		if (e) {
			e->next = NULL;
			e->seq = seq;
			e->event = event;
			e->from_file = 0;
			e->len = len;
			memcpy(e->data, data, len);
			if (s->tail)
				s->tail->next = e;
			else
				s->head = e;
			s->tail = e;
			s->mem_bytes += sizeof(*e) + len;
			s->mem_count++;
			s->mem_held++;
			ok = true;
		}
	}
	if (!ok)
		ok = file_push(s, seq, event, data, len);
	if (ok) {
		/* a dropped event takes no number: the numbers held are dense */
		s->next_seq++;
		s->count++;
		header_sync(s);
		pthread_cond_signal(&s->more);
	} else {
		s->dropped++;
	}
	pthread_mutex_unlock(&s->lock);
	return ok;
}

/* Read back and acknowledged: the file starts over, its header kept. */
static void file_restart(struct mmt_spool *s)
{
	if (s->fd < 0 || s->file_read != s->file_write || s->file_out || !s->file_write)
		return;
	s->file_read = s->file_write = 0;
	(void)!ftruncate(s->fd, MMT_SPOOL_HEADER); /* on failure, reused from 0 anyway */
}

static struct mmt_spool_entry *file_take(struct mmt_spool *s)
{
	struct mmt_spool_entry *e;
	struct mmt_spool_rec r;
	__u64 at = MMT_SPOOL_HEADER + s->file_read;

	if (pread(s->fd, &r, sizeof(r), at) != (ssize_t)sizeof(r) || r.len > MMT_SPOOL_REC_MAX)
		return NULL;
	e = malloc(sizeof(*e) + r.len);
	if (!e)
		return NULL;
	if (pread(s->fd, e->data, r.len, at + sizeof(r)) != (ssize_t)r.len) {
		free(e);
		return NULL;
	}
	e->next = NULL;
	e->seq = r.seq;
	e->event = r.event;
	e->from_file = 1;
	e->len = r.len;
	s->file_read += sizeof(r) + r.len;
	s->file_out++;
	return e;
}

struct mmt_spool_entry *mmt_spool_take(struct mmt_spool *s, unsigned int wait_ms)
{
	struct mmt_spool_entry *e = NULL;
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += wait_ms / 1000;
	until.tv_nsec += (wait_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&s->lock);
	while (!s->head && s->file_read == s->file_write && wait_ms) {
		if (pthread_cond_timedwait(&s->more, &s->lock, &until) == ETIMEDOUT)
			break;
	}
	if (s->head) {
		e = s->head;
		s->head = e->next;
		if (!s->head)
			s->tail = NULL;
		s->mem_bytes -= sizeof(*e) + e->len;
		s->mem_count--;
	} else if (s->file_read != s->file_write) {
		e = file_take(s);
	}
	if (e) {
		s->count--;
		s->taken_seq = e->seq + 1;
	}
	pthread_mutex_unlock(&s->lock);
	return e;
}

void mmt_spool_acked(struct mmt_spool *s, const struct mmt_spool_entry *e)
{
	pthread_mutex_lock(&s->lock);
	if (e->from_file) {
		if (s->file_out)
			s->file_out--;
		file_restart(s);
	} else if (s->mem_held) {
		s->mem_held--;
		header_sync(s);
	}
	pthread_mutex_unlock(&s->lock);
}

void mmt_spool_floor(struct mmt_spool *s, __u64 floor)
{
	if (s->hdr)
		__atomic_store_n(&s->hdr->floor, floor, __ATOMIC_RELAXED);
}

__u64 mmt_spool_taken_seq(struct mmt_spool *s)
{
	__u64 n;

	pthread_mutex_lock(&s->lock);
	n = s->taken_seq;
	pthread_mutex_unlock(&s->lock);
	return n;
}

__u64 mmt_spool_held(struct mmt_spool *s)
{
	__u64 n;

	pthread_mutex_lock(&s->lock);
	n = s->count;
	pthread_mutex_unlock(&s->lock);
	return n;
}

/* One event held in memory only: into the file, or dropped. */
static void save_one(struct mmt_spool *s, const struct mmt_spool_entry *e)
{
	if (file_push(s, e->seq, e->event, e->data, e->len))
		s->saved++;
	else
		s->dropped++;
	if (s->mem_held)
		s->mem_held--;
}

__u64 mmt_spool_save(struct mmt_spool *s, struct mmt_spool_entry *const *taken, int n)
{
	struct mmt_spool_entry *e, *next;
	__u64 kept;

	pthread_mutex_lock(&s->lock);
	for (int i = 0; i < n; i++)
		if (!taken[i]->from_file)
			save_one(s, taken[i]);
	for (e = s->head; e; e = next) {
		next = e->next;
		save_one(s, e);
		s->count--;
		free(e);
	}
	s->head = s->tail = NULL;
	s->mem_bytes = 0;
	s->mem_count = 0;
	/* unread records, those taken from the file and not acknowledged,
	 * and the ones written now */
	kept = s->count + s->file_out + s->saved;
	s->keep = s->fd >= 0 && kept;
	header_sync(s);
	if (s->hdr)
		__atomic_store_n(&s->hdr->closed, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&s->lock);
	return s->fd >= 0 ? kept : 0;
}
