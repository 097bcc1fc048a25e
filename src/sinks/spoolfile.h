/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spoolfile.h - the sink's spool file on disk, and the files that runs
 * which ended left behind.
 *
 * Each run with a file spool owns one file, <dir>/mmtrace-<pid>-<run>.spool,
 * locked with flock() for as long as it lives. The file starts with a
 * header page that the run maps shared: what it writes there (its sequence
 * counter, what was acknowledged, what it holds in memory only) is in the
 * file even when the run is killed. Records follow the header, one event
 * each, in the order they were spooled:
 *
 *   offset 0     struct mmt_spool_header (MMT_SPOOL_HEADER bytes)
 *   offset 4096  struct mmt_spool_rec, then len bytes of JSON; repeated
 *
 * A later run with the same folder takes the files no live run locks,
 * publishes their events with their own message ids (<id_prefix>-<seq>),
 * so the stream's duplicate window drops any that were delivered already,
 * and deletes them.
 */
#ifndef MMT_SPOOLFILE_H
#define MMT_SPOOLFILE_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

#define MMT_SPOOL_MAGIC "MMTSPOOL"
#define MMT_SPOOL_VERSION 1
#define MMT_SPOOL_HEADER 4096	     /* bytes before the first record */
#define MMT_SPOOL_REC_MAX (1U << 20) /* a longer record is a broken file */
#define MMT_SPOOL_ID_LEN 48
#define MMT_SPOOL_HOST_LEN 64
#define MMT_SPOOL_SUBJECT_LEN 128

struct mmt_spool_header {
	char magic[8];			     /* MMT_SPOOL_MAGIC, no NUL */
	__u32 version;			     /* MMT_SPOOL_VERSION */
	__u32 pid;			     /* of the run that wrote it */
	char id_prefix[MMT_SPOOL_ID_LEN];    /* its message ids: <id_prefix>-<seq> */
	char host[MMT_SPOOL_HOST_LEN];	     /* the host token of its subjects */
	char subject[MMT_SPOOL_SUBJECT_LEN]; /* <subject>.<host>.<event> */
	__u64 next_seq;			     /* events 1 .. next_seq - 1 were taken in */
	__u64 floor;			     /* every event with seq < floor was acknowledged */
	__u64 mem_held;			     /* events held in memory only, not acknowledged */
	__u64 closed;			     /* 1: the run ended and wrote what it held here */
	/* a later run that sent part of the file and ended first: the
	 * records before this offset were delivered (0: none) */
	__u64 resumed_off;
};

/* One event in the file; len bytes of its JSON follow. */
struct mmt_spool_rec {
	__u64 seq;
	__u16 event;
	__u16 pad;
	__u32 len;
};

/* The names of a run's messages: the header's identity fields. */
struct mmt_spool_ident {
	const char *id_prefix;
	const char *host;
	const char *subject;
};

/*
 * Create and lock this run's file in dir (made if missing) and map its
 * header. Returns the fd, or -errno after printing why; *hdr is the
 * mapped header, path the file's name.
 */
int mmt_spoolfile_create(const char *dir, const struct mmt_spool_ident *id, char *path,
			 size_t path_len, struct mmt_spool_header **hdr);
/* Unmap the header and close fd; delete the file unless keep. */
void mmt_spoolfile_close(int fd, struct mmt_spool_header *hdr, const char *path, bool keep);

/* A file a run that ended left, locked by this run while it is sent. */
struct mmt_spool_dead {
	int fd;
	char path[512];
	struct mmt_spool_header hdr; /* as read */
	__u64 off;		     /* the next record's offset */
	__u64 end;		     /* the end of the last whole record */
	__u64 to_send;		     /* records with seq >= floor */
	__u64 lost;		     /* events it held in memory only when it ended */
	__u64 torn;		     /* bytes past the last whole record (a write cut short) */
};

/*
 * Find the spool files in dir that no live run locks, other than own
 * (a path, or NULL), and whose subject is subject: open, lock and check
 * them. At most max into out; returns how many (0 when dir does not
 * exist). Each is told on stderr (unless quiet), with what will be sent
 * again and what its run lost.
 */
int mmt_spoolfile_find_dead(const char *dir, const char *own, const char *subject,
			    struct mmt_spool_dead *out, int max, bool quiet);

/*
 * The next record of d with seq >= its floor: its JSON into a malloc'd
 * buffer (free() it) of *len bytes, its seq, event and offset in the
 * file. NULL at the end.
 */
char *mmt_spoolfile_dead_next(struct mmt_spool_dead *d, __u64 *seq, __u16 *event, size_t *len,
			      __u64 *at);

/* Every record before offset at was delivered: say so in d's header, for
 * a run that takes it over if this one ends first. */
void mmt_spoolfile_dead_progress(struct mmt_spool_dead *d, __u64 at);

/* Close d (and unlock it); delete it when done. */
void mmt_spoolfile_dead_close(struct mmt_spool_dead *d, bool done);

#endif /* MMT_SPOOLFILE_H */
