// SPDX-License-Identifier: GPL-2.0
/*
 * spool.c - the sink's bounded FIFO: memory first, then a file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "sinks/spool.h"

/* How an event is laid out in the spool file. */
struct file_rec {
	__u64 seq;
	__u16 event;
	__u16 pad;
	__u32 len;
};

int mmt_spool_init(struct mmt_spool *s, size_t mem_limit, const char *dir, __u64 file_limit)
{
	pthread_condattr_t ca;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->mem_limit = mem_limit;
	s->file_limit = file_limit;
	s->next_seq = 1;
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->more, &ca);
	pthread_condattr_destroy(&ca);
	if (!file_limit || !dir)
		return 0;
	if (mkdir(dir, 0700) && errno != EEXIST) {
		fprintf(stderr, "mmtrace: failed to create the spool folder %s: %s\n", dir,
			strerror(errno));
		return -errno;
	}
	snprintf(s->path, sizeof(s->path), "%s/mmtrace-%d.spool", dir, (int)getpid());
	s->fd = open(s->path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (s->fd < 0) {
		fprintf(stderr, "mmtrace: failed to open the spool file %s: %s\n", s->path,
			strerror(errno));
		return -errno;
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
	if (s->fd >= 0) {
		close(s->fd);
		unlink(s->path);
	}
	s->fd = -1;
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->more);
}

static bool file_push(struct mmt_spool *s, __u64 seq, __u16 event, const char *data, size_t len)
{
	struct file_rec r = { .seq = seq, .event = event, .len = len };

	if (s->fd < 0 || s->file_write + sizeof(r) + len > s->file_limit)
		return false;
	if (pwrite(s->fd, &r, sizeof(r), s->file_write) != (ssize_t)sizeof(r) ||
	    pwrite(s->fd, data, len, s->file_write + sizeof(r)) != (ssize_t)len)
		return false; /* disk full or failing: counted as dropped */
	s->file_write += sizeof(r) + len;
	s->spooled++;
	return true;
}

bool mmt_spool_push(struct mmt_spool *s, __u16 event, const char *data, size_t len)
{
	struct mmt_spool_entry *e = NULL;
	bool ok = false;
	__u64 seq;

	pthread_mutex_lock(&s->lock);
	seq = s->next_seq++;
	/* memory, unless the file already holds older events */
	if (s->file_write == s->file_read && s->mem_bytes + len + sizeof(*e) <= s->mem_limit) {
		e = malloc(sizeof(*e) + len);
		if (e) {
			e->next = NULL;
			e->seq = seq;
			e->event = event;
			e->len = len;
			memcpy(e->data, data, len);
			if (s->tail)
				s->tail->next = e;
			else
				s->head = e;
			s->tail = e;
			s->mem_bytes += sizeof(*e) + len;
			ok = true;
		}
	}
	if (!ok)
		ok = file_push(s, seq, event, data, len);
	if (ok) {
		s->count++;
		pthread_cond_signal(&s->more);
	} else {
		s->dropped++;
	}
	pthread_mutex_unlock(&s->lock);
	return ok;
}

static struct mmt_spool_entry *file_take(struct mmt_spool *s)
{
	struct mmt_spool_entry *e;
	struct file_rec r;

	if (pread(s->fd, &r, sizeof(r), s->file_read) != (ssize_t)sizeof(r))
		return NULL;
	e = malloc(sizeof(*e) + r.len);
	if (!e)
		return NULL;
	if (pread(s->fd, e->data, r.len, s->file_read + sizeof(r)) != (ssize_t)r.len) {
		free(e);
		return NULL;
	}
	e->next = NULL;
	e->seq = r.seq;
	e->event = r.event;
	e->len = r.len;
	s->file_read += sizeof(r) + r.len;
	if (s->file_read == s->file_write) {
		/* read back: start the file over */
		s->file_read = s->file_write = 0;
		(void)!ftruncate(s->fd, 0); /* on failure, reused from 0 anyway */
	}
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
	} else if (s->file_read != s->file_write) {
		e = file_take(s);
	}
	if (e)
		s->count--;
	pthread_mutex_unlock(&s->lock);
	return e;
}

__u64 mmt_spool_held(struct mmt_spool *s)
{
	__u64 n;

	pthread_mutex_lock(&s->lock);
	n = s->count;
	pthread_mutex_unlock(&s->lock);
	return n;
}
