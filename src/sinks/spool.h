/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spool.h - a bounded FIFO of events between the tracing thread and the
 * sink's thread: first in memory, then, when memory is full, in a file.
 * Once the file holds events, new ones go there too (order is kept) until
 * the sink has read the file back; then it is emptied. Pushing never waits
 * on the network; it fails only when both parts are full.
 */
#ifndef MMT_SPOOL_H
#define MMT_SPOOL_H

#include <linux/types.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

struct mmt_spool_entry {
	struct mmt_spool_entry *next;
	__u64 seq;
	__u16 event;
	__u32 len;
	char data[];
};

struct mmt_spool {
	pthread_mutex_t lock;
	pthread_cond_t more;
	struct mmt_spool_entry *head, *tail; /* in memory */
	size_t mem_bytes, mem_limit;
	int fd; /* -1: no file spool */
	char path[256];
	__u64 file_write, file_read, file_limit; /* offsets, bytes */
	__u64 next_seq;
	__u64 spooled; /* events that went through the file */
	__u64 dropped; /* both parts full */
	__u64 count; /* events held */
};

/* 0, or -errno (the folder could not be used: the message is printed). */
int mmt_spool_init(struct mmt_spool *s, size_t mem_limit, const char *dir, __u64 file_limit);
void mmt_spool_free(struct mmt_spool *s);
/* Copy one event in with the next sequence number; false: dropped. */
bool mmt_spool_push(struct mmt_spool *s, __u16 event, const char *data, size_t len);
/* Take the oldest event (malloc'd; free() it), waiting up to wait_ms. */
struct mmt_spool_entry *mmt_spool_take(struct mmt_spool *s, unsigned int wait_ms);
__u64 mmt_spool_held(struct mmt_spool *s);

#endif /* MMT_SPOOL_H */
