/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spool.h - a bounded FIFO of events between the tracing thread and the
 * sink's thread: first in memory, then, when memory is full, in a file
 * (sinks/spoolfile.h). Once the file holds events, new ones go there too
 * (order is kept) until the sink has read the file back and every event
 * taken from it was acknowledged; then it starts over. Pushing never waits
 * on the network; it fails only when both parts are full.
 *
 * Durability: an event in the file survives the run (a crash included);
 * one held in memory does not. The file's header counts, at every moment,
 * the events held in memory only, so that the run that takes the file
 * over knows how many were lost with a crash. At a normal end (SIGINT,
 * SIGTERM, the command's end) mmt_spool_save() writes the memory part to
 * the file; nothing is written there periodically.
 */
#ifndef MMT_SPOOL_H
#define MMT_SPOOL_H

#include <linux/types.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include "sinks/spoolfile.h"

struct mmt_spool_entry {
	struct mmt_spool_entry *next;
	__u64 seq;
	__u16 event;
	__u8 from_file; /* taken from the file, where it stays until acknowledged */
	__u32 len;
	char data[];
};

struct mmt_spool {
	pthread_mutex_t lock;
	pthread_cond_t more;
	struct mmt_spool_entry *head, *tail; /* in memory */
	size_t mem_bytes, mem_limit;
	__u64 mem_count; /* entries in memory */
	int fd;		 /* -1: no file spool */
	char path[512];
	struct mmt_spool_header *hdr; /* the file's header, mapped shared */
	/* offsets of the records, from the end of the header; bytes */
	__u64 file_write, file_read, file_limit;
	__u64 next_seq;	 /* the next event's sequence number */
	__u64 taken_seq; /* every event with a lower seq was taken */
	__u64 file_out;	 /* taken from the file, not yet acknowledged */
	__u64 mem_held;	 /* in memory only (spool or taken), not acknowledged */
	__u64 spooled;	 /* events that went through the file */
	__u64 dropped;	 /* both parts full */
	__u64 count;	 /* events held */
	__u64 saved;	 /* written to the file at the end */
	bool keep;	 /* the file holds events for a later run: not deleted */
};

/* 0, or -errno (the folder could not be used: the message is printed).
 * id names the run's messages in the file's header (NULL: none). */
int mmt_spool_init(struct mmt_spool *s, size_t mem_limit, const char *dir, __u64 file_limit,
		   const struct mmt_spool_ident *id);
/* Free what is held; the file is deleted unless it keeps events. */
void mmt_spool_free(struct mmt_spool *s);
/* Copy one event in with the next sequence number; false: dropped. */
bool mmt_spool_push(struct mmt_spool *s, __u16 event, const char *data, size_t len);
/* Take the oldest event (malloc'd; free() it), waiting up to wait_ms. */
struct mmt_spool_entry *mmt_spool_take(struct mmt_spool *s, unsigned int wait_ms);
/* e, taken, was acknowledged (call before freeing it). */
void mmt_spool_acked(struct mmt_spool *s, const struct mmt_spool_entry *e);
/* Every event with seq < floor was acknowledged (the file's header). */
void mmt_spool_floor(struct mmt_spool *s, __u64 floor);
/* The seq of the next event mmt_spool_take() gives. */
__u64 mmt_spool_taken_seq(struct mmt_spool *s);
__u64 mmt_spool_held(struct mmt_spool *s);
/*
 * At the end: write the events taken but not acknowledged that are in
 * memory only (taken[0..n), oldest first) and those of the memory part to
 * the file, for a later run; what does not fit (or without a file) is
 * counted as dropped. Returns how many events the file keeps in all.
 */
__u64 mmt_spool_save(struct mmt_spool *s, struct mmt_spool_entry *const *taken, int n);

#endif /* MMT_SPOOL_H */
