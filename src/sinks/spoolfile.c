// SPDX-License-Identifier: GPL-2.0
/*
 * spoolfile.c - this run's spool file (created, locked, its header mapped
 * shared), and the files of runs that ended: found, checked, read back.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "sinks/spoolfile.h"

_Static_assert(sizeof(struct mmt_spool_header) <= MMT_SPOOL_HEADER, "header page");

static void set_str(char *dst, size_t size, const char *src)
{
	memset(dst, 0, size);
	if (src)
		strncpy(dst, src, size - 1);
}

int mmt_spoolfile_create(const char *dir, const struct mmt_spool_ident *id, char *path,
			 size_t path_len, struct mmt_spool_header **hdr)
{
	const char *run = id && id->id_prefix ? strrchr(id->id_prefix, '-') : NULL;
	struct mmt_spool_header *h;
	int fd, err;

	*hdr = NULL;
	if (mkdir(dir, 0700) && errno != EEXIST) {
		err = -errno;
		fprintf(stderr, "mmtrace: failed to create the spool folder %s: %s\n", dir,
			strerror(-err));
		return err;
	}
	if ((size_t)snprintf(path, path_len, "%s/mmtrace-%d-%s.spool", dir, (int)getpid(),
			     run && run[1] ? run + 1 : "0") >= path_len) {
		fprintf(stderr, "mmtrace: failed to name the spool file: %s is too long\n", dir);
		return -ENAMETOOLONG;
	}
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = -errno;
		fprintf(stderr, "mmtrace: failed to open the spool file %s: %s\n", path,
			strerror(-err));
		return err;
	}
	/* a run that takes over spool files never takes a locked one */
	if (flock(fd, LOCK_EX | LOCK_NB) || ftruncate(fd, MMT_SPOOL_HEADER)) {
		err = -errno;
		goto fail;
	}
	h = mmap(NULL, MMT_SPOOL_HEADER, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (h == MAP_FAILED) {
		err = -errno;
		goto fail;
	}
	memcpy(h->magic, MMT_SPOOL_MAGIC, sizeof(h->magic));
	h->version = MMT_SPOOL_VERSION;
	h->pid = getpid();
	set_str(h->id_prefix, sizeof(h->id_prefix), id ? id->id_prefix : NULL);
	set_str(h->host, sizeof(h->host), id ? id->host : NULL);
	set_str(h->subject, sizeof(h->subject), id ? id->subject : NULL);
	h->next_seq = 1;
	h->floor = 1;
	*hdr = h;
	return fd;
fail:
	fprintf(stderr, "mmtrace: failed to set up the spool file %s: %s\n", path, strerror(-err));
	close(fd);
	unlink(path);
	return err;
}

void mmt_spoolfile_close(int fd, struct mmt_spool_header *hdr, const char *path, bool keep)
{
	if (hdr)
		munmap(hdr, MMT_SPOOL_HEADER);
	if (fd < 0)
		return;
	if (!keep)
		unlink(path); /* still locked: no other run opens it meanwhile */
	close(fd);
}

static bool spool_name(const char *name)
{
	size_t n = strlen(name);

	return !strncmp(name, "mmtrace-", 8) && n > 14 && !strcmp(name + n - 6, ".spool");
}

/* Walk d's records: where the whole ones end, how many are to send. */
static void scan(struct mmt_spool_dead *d, __u64 size)
{
	struct mmt_spool_rec r;
	__u64 off = d->off;

	while (off + sizeof(r) <= size) {
		if (pread(d->fd, &r, sizeof(r), off) != (ssize_t)sizeof(r) ||
		    r.len > MMT_SPOOL_REC_MAX || off + sizeof(r) + r.len > size)
			break;
		off += sizeof(r) + r.len;
		d->to_send += r.seq >= d->hdr.floor;
	}
	d->end = off;
	d->torn = size > off ? size - off : 0;
}

/* Open and lock one file; 1 when taken, 0 when left alone. */
static int take_file(struct mmt_spool_dead *d, const char *subject, bool quiet)
{
	struct stat st;

	d->fd = open(d->path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (d->fd < 0)
		return 0;
	/* a live run holds its own file's lock; a file deleted meanwhile by
	 * another run that took it is empty of links */
	if (flock(d->fd, LOCK_EX | LOCK_NB) || fstat(d->fd, &st) || !S_ISREG(st.st_mode) ||
	    !st.st_nlink)
		goto leave;
	if (pread(d->fd, &d->hdr, sizeof(d->hdr), 0) != (ssize_t)sizeof(d->hdr) ||
	    memcmp(d->hdr.magic, MMT_SPOOL_MAGIC, sizeof(d->hdr.magic)) ||
	    d->hdr.version != MMT_SPOOL_VERSION) {
		if (!quiet)
			fprintf(stderr,
				"mmtrace: %s is not a spool file of this version; left alone\n",
				d->path);
		goto leave;
	}
	d->hdr.id_prefix[sizeof(d->hdr.id_prefix) - 1] = 0;
	d->hdr.host[sizeof(d->hdr.host) - 1] = 0;
	d->hdr.subject[sizeof(d->hdr.subject) - 1] = 0;
	if (strcmp(d->hdr.subject, subject)) {
		if (!quiet)
			fprintf(stderr,
				"mmtrace: %s holds events of subject %s, not %s; left for a run "
				"that sends there\n",
				d->path, d->hdr.subject, subject);
		goto leave;
	}
	d->off = d->hdr.resumed_off > MMT_SPOOL_HEADER ? d->hdr.resumed_off : MMT_SPOOL_HEADER;
	d->to_send = 0;
	d->lost = d->hdr.mem_held;
	scan(d, st.st_size);
	if (!quiet && (d->to_send || d->lost || d->torn))
		fprintf(stderr,
			"mmtrace: %s: %llu events of an earlier run (pid %u) to send again; %llu "
			"it held in memory only were lost when it ended%s\n",
			d->path, (unsigned long long)d->to_send, d->hdr.pid,
			(unsigned long long)d->lost,
			d->torn ? "; its last record was cut short" : "");
	return 1;
leave:
	close(d->fd);
	d->fd = -1;
	return 0;
}

int mmt_spoolfile_find_dead(const char *dir, const char *own, const char *subject,
			    struct mmt_spool_dead *out, int max, bool quiet)
{
	const char *own_name = own ? strrchr(own, '/') : NULL;
	struct dirent *de;
	DIR *dp = opendir(dir);
	int n = 0;

	if (!dp)
		return 0;
	while (n < max && (de = readdir(dp))) {
		struct mmt_spool_dead *d = &out[n];

		if (!spool_name(de->d_name) || (own_name && !strcmp(own_name + 1, de->d_name)))
			continue;
		memset(d, 0, sizeof(*d));
		if ((size_t)snprintf(d->path, sizeof(d->path), "%s/%s", dir, de->d_name) >=
		    sizeof(d->path))
			continue;
		n += take_file(d, subject, quiet);
	}
	closedir(dp);
	return n;
}

char *mmt_spoolfile_dead_next(struct mmt_spool_dead *d, __u64 *seq, __u16 *event, size_t *len,
			      __u64 *at)
{
	struct mmt_spool_rec r;
	char *buf;

	while (d->off + sizeof(r) <= d->end) {
		if (pread(d->fd, &r, sizeof(r), d->off) != (ssize_t)sizeof(r))
			return NULL;
		*at = d->off;
		d->off += sizeof(r) + r.len;
		if (r.seq < d->hdr.floor)
			continue; /* acknowledged before the run ended */
		buf = malloc(r.len ? r.len : 1);
		if (!buf)
			return NULL;
		if (pread(d->fd, buf, r.len, d->off - r.len) != (ssize_t)r.len) {
			free(buf);
			return NULL;
		}
		*seq = r.seq;
		*event = r.event;
		*len = r.len;
		return buf;
	}
	return NULL;
}

void mmt_spoolfile_dead_progress(struct mmt_spool_dead *d, __u64 at)
{
	if (at <= d->hdr.resumed_off)
		return;
	d->hdr.resumed_off = at;
	(void)!pwrite(d->fd, &at, sizeof(at), offsetof(struct mmt_spool_header, resumed_off));
}

void mmt_spoolfile_dead_close(struct mmt_spool_dead *d, bool done)
{
	if (d->fd < 0)
		return;
	if (done) {
		unlink(d->path); /* under the lock */
	} else if (d->hdr.mem_held) {
		/* its loss was told once: not again by the run after this one */
		__u64 zero = 0;

		(void)!pwrite(d->fd, &zero, sizeof(zero),
			      offsetof(struct mmt_spool_header, mem_held));
	}
	close(d->fd);
	d->fd = -1;
}
