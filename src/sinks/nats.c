// SPDX-License-Identifier: GPL-2.0
/*
 * nats.c - the NATS JetStream sink: a thread publishes what the spool
 * holds, a window of events at a time, and takes an event out for good only
 * when the stream has acknowledged it. An event that failed or timed out is
 * sent again with the same message id: the stream's duplicate window keeps
 * one copy. Before its own events, it sends those that earlier runs left
 * in spool files of the same folder (sinks/spoolfile.h), with their ids.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <dirent.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <nats/nats.h>
#include "events/event_table.h"
#include "outputs/output.h"
#include "text/outbuf.h"
#include "sinks/sink.h"
#include "sinks/spool.h"

#define WINDOW 512 /* events sent before waiting for their acks */
#define ACK_WAIT_MS 2000 /* then the unacknowledged are sent again */
#define ID_LEN 64
#define MAX_DEAD 32 /* spool files of earlier runs taken over at once */

struct slot {
	struct mmt_spool_entry *e;
	bool sent; /* once at least */
	bool acked;
	/* an event of an earlier run's file (NULL: this run's), and where
	 * its record is in that file */
	struct mmt_spool_dead *dead;
	__u64 off;
};

struct mmt_sink {
	struct mmt_sink_opts o;
	struct mmt_spool spool;
	pthread_t thread;
	bool thread_started;
	volatile bool stopping;
	__u64 close_deadline_ns; /* 0: none yet */
	char host[64]; /* a subject token */
	char id_prefix[48]; /* boot id (32 hex) '-' run id (8 hex) */
	natsConnection *nc;
	jsCtx *js;
	bool stream_ready;
	pthread_mutex_t win_lock; /* the window, against the ack callback */
	struct slot win[WINDOW];
	int nwin;
	/* spool files of earlier runs, sent before this run's events */
	struct mmt_spool_dead dead[MAX_DEAD];
	int ndead, cur_dead;
	/* counters: written by the sink thread (acked by the library's) */
	__u64 published, acked, retried, lost_at_close;
	__u64 kept;	      /* left in the spool file at the end, for a later run */
	__u64 recovered;      /* events of earlier runs' files acknowledged */
	__u64 recovered_lost; /* events earlier runs held in memory only */
	volatile bool connected;
};

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void add(__u64 *p, __u64 n)
{
	__atomic_add_fetch(p, n, __ATOMIC_RELAXED);
}

static __u64 get(const __u64 *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

int mmt_sink_parse_url(const char *url, struct mmt_sink_opts *o, const char **why)
{
	const char *p = url + strlen("nats://"), *slash;
	size_t n = 0;

	if (strncmp(url, "nats://", 7)) {
		*why = "a NATS address starts with nats://";
		return -1;
	}
	slash = strchr(p, '/');
	snprintf(o->subject, sizeof(o->subject), "%s", MMT_SINK_DEFAULT_SUBJECT);
	if (slash) {
		const char *s = slash + 1;

		if (!*s || strlen(s) >= sizeof(o->subject)) {
			*why = "the subject after '/' is empty or too long";
			return -1;
		}
		for (const char *c = s; *c; c++) {
			if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-' && *c != '.') {
				*why = "a subject holds letters, digits, '_', '-' and '.' only";
				return -1;
			}
		}
		if (*s == '.' || s[strlen(s) - 1] == '.' || strstr(s, "..")) {
			*why = "a subject has no empty token";
			return -1;
		}
		snprintf(o->subject, sizeof(o->subject), "%s", s);
	}
	o->servers[0] = 0;
	while (p < (slash ? slash : p + strlen(p))) {
		const char *end = slash ? slash : p + strlen(p), *comma = memchr(p, ',', end - p);
		const char *stop = comma ? comma : end, *colon = memchr(p, ':', stop - p);
		int len = stop - p;

		if (!len || !colon || colon == p || colon + 1 == stop) {
			*why = "each server is HOST:PORT";
			return -1;
		}
		for (const char *c = colon + 1; c < stop; c++) {
			if (!isdigit((unsigned char)*c)) {
				*why = "a port is a number";
				return -1;
			}
		}
		n += snprintf(o->servers + n, n < sizeof(o->servers) ? sizeof(o->servers) - n : 0,
			      "%snats://%.*s", n ? "," : "", len, p);
		if (n >= sizeof(o->servers)) {
			*why = "too many servers";
			return -1;
		}
		p = comma ? comma + 1 : stop;
	}
	if (!n) {
		*why = "no server";
		return -1;
	}
	return 0;
}

void mmt_sink_defaults(struct mmt_sink_opts *o)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->subject, sizeof(o->subject), "%s", MMT_SINK_DEFAULT_SUBJECT);
	o->stream = MMT_SINK_DEFAULT_STREAM;
	o->replicas = 1;
	o->spool_dir = MMT_SINK_DEFAULT_SPOOL_DIR;
	o->spool_memory = 64UL << 20;
	o->spool_file = 1UL << 30;
	o->drain_timeout = MMT_SINK_DEFAULT_DRAIN_S;
}

static int parse_bytes(const char *v, unsigned long *out)
{
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno || end == v || v[0] == '-')
		return -1;
	if (*end == 'K' || *end == 'k')
		n <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		n <<= 20, end++;
	else if (*end == 'G' || *end == 'g')
		n <<= 30, end++;
	if (*end || n > (1ULL << 40))
		return -1;
	*out = n;
	return 0;
}

int mmt_sink_option(struct mmt_sink_opts *o, const char *name, const char *value,
		    const char **why)
{
	unsigned long n;

	if (!strcmp(name, "nats-stream")) {
		for (const char *c = value; *c; c++)
			if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-')
				goto bad_name;
		if (!*value || strlen(value) > 64)
			goto bad_name;
		o->stream = value;
	} else if (!strcmp(name, "nats-replicas")) {
		if (parse_bytes(value, &n) || n < 1 || n > 5) {
			*why = "a number from 1 to 5";
			return -1;
		}
		o->replicas = n;
	} else if (!strcmp(name, "spool-dir")) {
		if (!*value) {
			*why = "a folder is needed";
			return -1;
		}
		o->spool_dir = value;
	} else if (!strcmp(name, "drain-timeout")) {
		char *end;

		errno = 0;
		n = strtoul(value, &end, 10);
		if (errno || end == value || *end || value[0] == '-' || n > 3600) {
			*why = "seconds, from 0 to 3600";
			return -1;
		}
		o->drain_timeout = n;
	} else if (!strcmp(name, "spool-memory") || !strcmp(name, "spool-file")) {
		if (parse_bytes(value, &n) || (name[6] == 'm' && n < 4096)) {
			*why = "bytes with an optional K, M or G suffix (memory: 4K at least)";
			return -1;
		}
		*(name[6] == 'm' ? &o->spool_memory : &o->spool_file) = n;
	} else {
		*why = "unknown option";
		return -1;
	}
	return 0;
bad_name:
	*why = "1 to 64 letters, digits, '_' or '-'";
	return -1;
}

/* A subject token: '.', '*', '>' and blanks become '_'. */
static void token(char *dst, size_t size, const char *src)
{
	size_t i = 0;

	for (; src[i] && i + 1 < size; i++)
		dst[i] = isalnum((unsigned char)src[i]) || src[i] == '-' ? src[i] : '_';
	dst[i] = 0;
	if (!i)
		snprintf(dst, size, "unknown");
}

static void make_ids(struct mmt_sink *s)
{
	char boot[40] = "", hostname[64] = "";
	unsigned int run = 0;
	int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	size_t j = 0;
	ssize_t n;

	if (fd >= 0) {
		n = read(fd, boot, sizeof(boot) - 1);
		boot[n > 0 ? n : 0] = 0;
		close(fd);
	}
	for (size_t i = 0; boot[i] && j < 32; i++)
		if (isxdigit((unsigned char)boot[i]))
			boot[j++] = boot[i];
	boot[j] = 0;
	if (getrandom(&run, sizeof(run), 0) != sizeof(run))
		run = (unsigned int)now_ns() ^ (unsigned int)getpid();
	snprintf(s->id_prefix, sizeof(s->id_prefix), "%.32s-%08x", j ? boot : "noboot", run);
	gethostname(hostname, sizeof(hostname) - 1);
	token(s->host, sizeof(s->host), hostname);
}

static void on_disconnect(natsConnection *nc, void *closure)
{
	struct mmt_sink *s = closure;

	(void)nc;
	s->connected = false;
	if (!s->o.quiet && !__atomic_load_n(&s->stopping, __ATOMIC_ACQUIRE))
		fprintf(stderr, "mmtrace: NATS disconnected; spooling events\n");
}

static void on_reconnect(natsConnection *nc, void *closure)
{
	struct mmt_sink *s = closure;

	(void)nc;
	s->connected = true;
	if (!s->o.quiet)
		fprintf(stderr, "mmtrace: NATS reconnected\n");
}

/* Per message, from the library's thread: find the slot by its id. */
static void on_ack(jsCtx *js, natsMsg *msg, jsPubAck *pa, jsPubAckErr *pae, void *closure)
{
	struct mmt_sink *s = closure;
	const char *id = NULL;
	unsigned long long seq;
	const char *dash;

	(void)js;
	if (!pa || pae)
		goto out; /* left unacked: sent again */
	if (natsMsgHeader_Get(msg, "Nats-Msg-Id", &id) != NATS_OK || !id)
		goto out;
	dash = strrchr(id, '-');
	if (!dash)
		goto out;
	seq = strtoull(dash + 1, NULL, 10);
	pthread_mutex_lock(&s->win_lock);
	for (int i = 0; i < s->nwin; i++) {
		/* the run's id too: an earlier run's file numbers its events
		 * from 1 as well, and an ack may come late */
		const char *prefix = s->win[i].dead ? s->win[i].dead->hdr.id_prefix : s->id_prefix;

		if (s->win[i].e && s->win[i].e->seq == seq &&
		    strlen(prefix) == (size_t)(dash - id) && !strncmp(prefix, id, dash - id)) {
			s->win[i].acked = true;
			break;
		}
	}
	pthread_mutex_unlock(&s->win_lock);
out:
	natsMsg_Destroy(msg);
}

static natsStatus connect_to(struct mmt_sink *s)
{
	natsOptions *opts = NULL;
	jsOptions jo;
	const char *servers[MMT_SINK_MAX_SERVERS];
	char buf[sizeof(s->o.servers)], *save = NULL, *tok;
	int n = 0;
	natsStatus st;

	snprintf(buf, sizeof(buf), "%s", s->o.servers);
	for (tok = strtok_r(buf, ",", &save); tok && n < MMT_SINK_MAX_SERVERS;
	     tok = strtok_r(NULL, ",", &save))
		servers[n++] = tok;
	if ((st = natsOptions_Create(&opts)) != NATS_OK)
		return st;
	natsOptions_SetServers(opts, servers, n);
	natsOptions_SetNoRandomize(opts, true); /* in the order given */
	natsOptions_SetTimeout(opts, 1000);
	natsOptions_SetMaxReconnect(opts, -1);
	natsOptions_SetReconnectWait(opts, 250);
	natsOptions_SetRetryOnFailedConnect(opts, true, on_reconnect, s);
	natsOptions_SetDisconnectedCB(opts, on_disconnect, s);
	natsOptions_SetReconnectedCB(opts, on_reconnect, s);
	st = natsConnection_Connect(&s->nc, opts);
	if (st == NATS_NOT_YET_CONNECTED)
		st = NATS_OK; /* it keeps trying in the background */
	else if (st == NATS_OK)
		s->connected = true;
	natsOptions_Destroy(opts);
	if (st != NATS_OK)
		return st;
	jsOptions_Init(&jo);
	jo.Wait = ACK_WAIT_MS;
	jo.PublishAsync.MaxPending = WINDOW;
	jo.PublishAsync.AckHandler = on_ack;
	jo.PublishAsync.AckHandlerClosure = s;
	return natsConnection_JetStream(&s->js, s->nc, &jo);
}

/* The stream exists, or is made with the asked replica count. */
static bool ensure_stream(struct mmt_sink *s)
{
	jsStreamInfo *si = NULL;
	jsStreamConfig cfg;
	jsErrCode jerr = 0;
	char subj[sizeof(s->o.subject) + 4];
	const char *subjects[1] = { subj };
	natsStatus st;

	if (s->stream_ready)
		return true;
	st = js_GetStreamInfo(&si, s->js, s->o.stream, NULL, &jerr);
	if (st == NATS_OK) {
		jsStreamInfo_Destroy(si);
		s->stream_ready = true;
		return true;
	}
	if (st != NATS_NOT_FOUND) {
		/* not connected, or no leader yet: later */
		if (getenv("MMTRACE_DEBUG"))
			fprintf(stderr, "mmtrace: stream %s not ready: %s (%d)\n", s->o.stream,
				natsStatus_GetText(st), jerr);
		return false;
	}
	snprintf(subj, sizeof(subj), "%s.>", s->o.subject);
	jsStreamConfig_Init(&cfg);
	cfg.Name = s->o.stream;
	cfg.Subjects = subjects;
	cfg.SubjectsLen = 1;
	cfg.Storage = js_FileStorage;
	cfg.Replicas = s->o.replicas;
	cfg.Duplicates = 120LL * 1000000000LL; /* ns: retries come within it */
	st = js_AddStream(&si, s->js, &cfg, NULL, &jerr);
	if (st == NATS_OK) {
		jsStreamInfo_Destroy(si);
		s->stream_ready = true;
	} else if (!s->o.quiet) {
		fprintf(stderr, "mmtrace: failed to create the stream %s: %s (%d)\n", s->o.stream,
			natsStatus_GetText(st), jerr);
	}
	return s->stream_ready;
}

/* The records that are not calls travel with ids past the event table's. */
enum { SINK_PLACEMENT = MMT_EV_COUNT, SINK_LOST, SINK_FINDING };

static const char *event_subject(unsigned int event)
{
	if (event < MMT_EV_COUNT)
		return mmt_events[event].name;
	if (event == SINK_PLACEMENT)
		return "placement";
	if (event == SINK_LOST)
		return "lost_events";
	if (event == SINK_FINDING)
		return "finding";
	return "unknown";
}

static void send_one(struct mmt_sink *s, struct slot *sl)
{
	struct mmt_spool_entry *e = sl->e;
	char subj[256], id[ID_LEN + 48];
	natsMsg *m = NULL;
	char ev[32];

	token(ev, sizeof(ev), event_subject(e->event));
	/* an earlier run's event keeps its host and its message id */
	snprintf(subj, sizeof(subj), "%s.%s.%s", s->o.subject,
		 sl->dead ? sl->dead->hdr.host : s->host, ev);
	snprintf(id, sizeof(id), "%s-%llu", sl->dead ? sl->dead->hdr.id_prefix : s->id_prefix,
		 (unsigned long long)e->seq);
	if (natsMsg_Create(&m, subj, NULL, e->data, e->len) != NATS_OK)
		return;
	natsMsgHeader_Set(m, "Nats-Msg-Id", id);
	if (js_PublishMsgAsync(s->js, &m, NULL) != NATS_OK) {
		natsMsg_Destroy(m);
		return; /* sent again next round */
	}
	if (sl->sent)
		add(&s->retried, 1);
	else
		add(&s->published, 1);
	sl->sent = true;
}

/* Drop the acknowledged from the window, keeping the order of the rest;
 * returns how many were dropped. */
static int compact(struct mmt_sink *s)
{
	int j = 0, n;

	pthread_mutex_lock(&s->win_lock);
	for (int i = 0; i < s->nwin; i++) {
		if (s->win[i].acked) {
			if (s->win[i].dead) {
				add(&s->recovered, 1);
			} else {
				mmt_spool_acked(&s->spool, s->win[i].e);
				add(&s->acked, 1);
			}
			free(s->win[i].e);
			continue;
		}
		s->win[j++] = s->win[i];
	}
	for (int i = j; i < s->nwin; i++)
		memset(&s->win[i], 0, sizeof(s->win[i]));
	n = s->nwin - j;
	s->nwin = j;
	pthread_mutex_unlock(&s->win_lock);
	return n;
}

static void win_add(struct mmt_sink *s, struct slot sl)
{
	pthread_mutex_lock(&s->win_lock);
	s->win[s->nwin++] = sl;
	pthread_mutex_unlock(&s->win_lock);
}

/* Fill the window from the earlier runs' files, one file at a time; a
 * file is deleted once every event of it was acknowledged. */
static void fill_dead(struct mmt_sink *s)
{
	while (s->cur_dead < s->ndead && s->nwin < WINDOW) {
		struct mmt_spool_dead *d = &s->dead[s->cur_dead];
		struct mmt_spool_entry *e;
		__u64 seq, at;
		__u16 event;
		size_t len;
		char *buf = mmt_spoolfile_dead_next(d, &seq, &event, &len, &at);

		if (!buf) {
			if (s->nwin)
				return; /* its last window is not acknowledged yet */
			mmt_spoolfile_dead_close(d, true);
			s->cur_dead++;
			continue;
		}
		e = malloc(sizeof(*e) + len);
		if (!e) {
			free(buf);
			return;
		}
		memset(e, 0, sizeof(*e));
		e->seq = seq;
		e->event = event;
		e->len = len;
		memcpy(e->data, buf, len);
		free(buf);
		win_add(s, (struct slot){.e = e, .dead = d, .off = at});
	}
}

/* Fill the window from this run's spool. */
static void fill_own(struct mmt_sink *s)
{
	while (s->nwin < WINDOW) {
		struct mmt_spool_entry *e = mmt_spool_take(&s->spool, s->nwin ? 0 : 100);

		if (!e)
			break;
		win_add(s, (struct slot){.e = e});
	}
}

/* What was acknowledged, in the files: the records before the window's
 * first (the window keeps the order it was filled in) were delivered. */
static void note_progress(struct mmt_sink *s)
{
	if (s->cur_dead < s->ndead) {
		struct mmt_spool_dead *d = &s->dead[s->cur_dead];

		mmt_spoolfile_dead_progress(d, s->nwin ? s->win[0].off : d->off);
	} else {
		mmt_spool_floor(&s->spool,
				s->nwin ? s->win[0].e->seq : mmt_spool_taken_seq(&s->spool));
	}
}

/*
 * The sink's threads (its own and the NATS client's, made while it
 * connects) run at a lower priority than the reader: on a CPU that both
 * want, the reader, which empties the kernel's buffers, goes first, and the
 * sink's backlog waits in the spool. A reader that fell behind would make
 * the traced calls pay for waking it (past half a buffer, every record
 * wakes it) or lose events; a sink that falls behind only delays delivery.
 * Threads the client starts later (to reconnect) are made by these, and
 * inherit it.
 */
#define MAX_THREADS 64
#define SINK_NICE 10

static int thread_ids(pid_t *ids, int max)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while (n < max && (de = readdir(d)))
		if (de->d_name[0] != '.')
			ids[n++] = (pid_t)atoi(de->d_name);
	closedir(d);
	return n;
}

static void lower_new_threads(const pid_t *before, int nbefore)
{
	pid_t now[MAX_THREADS];
	int n = thread_ids(now, MAX_THREADS);

	if (nbefore < 0)
		return; /* no /proc: all run as the reader */
	for (int i = 0; i < n; i++) {
		bool old = false;

		for (int k = 0; k < nbefore && !old; k++)
			old = now[i] == before[k];
		if (!old)
			setpriority(PRIO_PROCESS, now[i], SINK_NICE);
	}
}

static void *sink_thread(void *arg)
{
	struct mmt_sink *s = arg;
	jsPubOptions po;

	for (;;) {
		bool stopping = __atomic_load_n(&s->stopping, __ATOMIC_ACQUIRE);
		/* the client's own state: callbacks may come late or twice */
		bool up = natsConnection_Status(s->nc) == NATS_CONN_STATUS_CONNECTED &&
			  ensure_stream(s);

		/* events stay in the spool (and its file) while no server
		 * answers: taken out only to be sent */
		if (up && s->cur_dead < s->ndead)
			fill_dead(s);
		if (up && s->cur_dead >= s->ndead)
			fill_own(s);
		if (stopping &&
		    ((!s->nwin && s->cur_dead >= s->ndead && !mmt_spool_held(&s->spool)) ||
		     now_ns() >= s->close_deadline_ns))
			break;
		if (!up) {
			usleep(100 * 1000);
			continue;
		}
		if (!s->nwin)
			continue;
		for (int i = 0; i < s->nwin; i++)
			send_one(s, &s->win[i]);
		jsPubOptions_Init(&po);
		po.MaxWait = ACK_WAIT_MS;
		if (js_PublishAsyncComplete(s->js, &po) != NATS_OK) {
			natsMsgList pending = { 0 };

			/* what is still pending is sent again, same ids */
			if (js_PublishAsyncGetPendingList(&pending, s->js) == NATS_OK)
				natsMsgList_Destroy(&pending);
		}
		/* nothing acknowledged this round: the servers are away or
		 * electing; back off rather than send the window again at once */
		if (compact(s) == 0)
			usleep(200 * 1000);
		else
			note_progress(s);
	}
	return NULL;
}

struct mmt_sink *mmt_sink_open(const struct mmt_sink_opts *o)
{
	pid_t before[MAX_THREADS];
	int nbefore;
	struct mmt_sink *s = calloc(1, sizeof(*s));
	natsStatus st;

	if (!s) {
		fprintf(stderr, "mmtrace: failed to start the NATS sink: out of memory\n");
		return NULL;
	}
	s->o = *o;
	pthread_mutex_init(&s->win_lock, NULL);
	make_ids(s);
	{
		struct mmt_spool_ident id = {s->id_prefix, s->host, s->o.subject};

		if (mmt_spool_init(&s->spool, o->spool_memory, o->spool_dir, o->spool_file, &id))
			goto fail;
	}
	/* what earlier runs left in the folder goes first */
	if (o->spool_dir)
		s->ndead = mmt_spoolfile_find_dead(o->spool_dir,
						   s->spool.fd >= 0 ? s->spool.path : NULL,
						   s->o.subject, s->dead, MAX_DEAD, o->quiet);
	for (int i = 0; i < s->ndead; i++)
		s->recovered_lost += s->dead[i].lost;
	nbefore = thread_ids(before, MAX_THREADS);
	st = connect_to(s);
	if (st != NATS_OK) {
		fprintf(stderr, "mmtrace: failed to connect to NATS %s: %s\n", o->servers,
			natsStatus_GetText(st));
		goto fail;
	}
	if (pthread_create(&s->thread, NULL, sink_thread, s)) {
		fprintf(stderr, "mmtrace: failed to start the NATS sink: %s\n", strerror(errno));
		goto fail;
	}
	s->thread_started = true;
	lower_new_threads(before, nbefore);
	return s;
fail:
	mmt_sink_close(s, 0);
	mmt_sink_free(s);
	return NULL;
}

void mmt_sink_event(struct mmt_sink *s, unsigned int event, const char *line, size_t len)
{
	/* a message is the JSON object, without its newline */
	while (len && (line[len - 1] == '\n'))
		len--;
	mmt_spool_push(&s->spool, event, line, len);
}

void mmt_sink_records(struct mmt_sink *s, const char *buf, size_t len)
{
	while (len) {
		const char *nl = memchr(buf, '\n', len);
		size_t n = nl ? (size_t)(nl - buf) + 1 : len;

		if (n > 1 && buf[0] == '{') {
			enum mmt_json_other k = mmt_json_other_kind(buf, n);

			mmt_sink_event(s,
				       k == MMT_JSON_PLACEMENT ? SINK_PLACEMENT :
				       k == MMT_JSON_LOST      ? SINK_LOST :
								 SINK_FINDING,
				       buf, n);
		}
		buf += n;
		len -= n;
	}
}

__u64 mmt_sink_close(struct mmt_sink *s, unsigned int wait_ms)
{
	struct mmt_spool_entry *own[WINDOW];
	__u64 left = 0, dropped;
	int nown = 0;

	if (!s)
		return 0;
	if (s->thread_started) {
		s->close_deadline_ns = now_ns() + (__u64)wait_ms * 1000000ULL;
		__atomic_store_n(&s->stopping, true, __ATOMIC_RELEASE);
		pthread_join(s->thread, NULL);
		s->thread_started = false;
	}
	/* an earlier run's events not acknowledged stay in its file */
	for (int i = 0; i < s->nwin; i++) {
		if (s->win[i].dead)
			free(s->win[i].e);
		else
			own[nown++] = s->win[i].e;
	}
	s->nwin = 0;
	for (int i = s->cur_dead; i < s->ndead; i++)
		mmt_spoolfile_dead_close(&s->dead[i], false);
	s->cur_dead = s->ndead;
	/* this run's: into its file for a later run, else dropped */
	dropped = s->spool.dropped;
	if (s->spool.fd >= 0) {
		s->kept = mmt_spool_save(&s->spool, own, nown);
		left = s->spool.dropped - dropped;
	} else {
		left = nown + mmt_spool_held(&s->spool);
		s->lost_at_close = left;
	}
	for (int i = 0; i < nown; i++)
		free(own[i]);
	if (!s->o.quiet && s->kept)
		fprintf(stderr,
			"mmtrace: %llu events not delivered within %u s are kept in %s for the "
			"next run with --spool-dir %s\n",
			(unsigned long long)s->kept, wait_ms / 1000, s->spool.path, s->o.spool_dir);
	if (!s->o.quiet && (s->recovered || s->recovered_lost))
		fprintf(stderr,
			"mmtrace: %llu events of earlier runs' spool files delivered; %llu those "
			"runs held in memory only were lost when they ended\n",
			(unsigned long long)get(&s->recovered),
			(unsigned long long)s->recovered_lost);
	if (s->js)
		jsCtx_Destroy(s->js);
	if (s->nc) {
		natsConnection_Close(s->nc);
		natsConnection_Destroy(s->nc);
	}
	s->js = NULL;
	s->nc = NULL;
	return left;
}

void mmt_sink_free(struct mmt_sink *s)
{
	if (!s)
		return;
	mmt_spool_free(&s->spool);
	pthread_mutex_destroy(&s->win_lock);
	free(s);
}

void mmt_sink_counts(struct mmt_sink *s, struct mmt_sink_counts *c)
{
	memset(c, 0, sizeof(*c));
	c->published = get(&s->published);
	c->acked = get(&s->acked);
	c->retried = get(&s->retried);
	c->kept = s->kept;
	c->recovered = get(&s->recovered);
	c->recovered_lost = s->recovered_lost;
	pthread_mutex_lock(&s->spool.lock);
	c->spooled = s->spool.spooled;
	c->dropped = s->spool.dropped + s->lost_at_close;
	c->backlog = s->spool.count + __atomic_load_n(&s->nwin, __ATOMIC_RELAXED);
	c->backlog_bytes = s->spool.mem_bytes + (s->spool.file_write - s->spool.file_read);
	pthread_mutex_unlock(&s->spool.lock);
}

void mmt_sink_stats_json(struct mmt_sink *s, FILE *f)
{
	struct mmt_sink_counts c;

	mmt_sink_counts(s, &c);
	fprintf(f,
		"\"sink\":{\"published\":%llu,\"acked\":%llu,\"retried\":%llu,\"spooled\":%llu,"
		"\"dropped\":%llu,\"backlog\":%llu,\"drainTimeout\":%u,\"kept\":%llu,"
		"\"recovered\":%llu,\"recoveredLost\":%llu}",
		(unsigned long long)c.published, (unsigned long long)c.acked,
		(unsigned long long)c.retried, (unsigned long long)c.spooled,
		(unsigned long long)c.dropped, (unsigned long long)c.backlog, s->o.drain_timeout,
		(unsigned long long)c.kept, (unsigned long long)c.recovered,
		(unsigned long long)c.recovered_lost);
}

static void counter(struct outbuf *ob, const char *name, const char *type, const char *help,
		    __u64 v)
{
	ob_lit(ob, "# HELP ");
	ob_str(ob, name);
	ob_char(ob, ' ');
	ob_str(ob, help);
	ob_lit(ob, "\n# TYPE ");
	ob_str(ob, name);
	ob_char(ob, ' ');
	ob_str(ob, type);
	ob_char(ob, '\n');
	ob_str(ob, name);
	ob_char(ob, ' ');
	ob_u64(ob, v);
	ob_char(ob, '\n');
}

void mmt_sink_metrics(struct outbuf *ob, void *sink)
{
	struct mmt_sink_counts c;

	mmt_sink_counts(sink, &c);
	counter(ob, "mmtrace_sink_published_total", "counter", "Events sent to NATS once.",
		c.published);
	counter(ob, "mmtrace_sink_acked_total", "counter",
		"Events the JetStream stream acknowledged.", c.acked);
	counter(ob, "mmtrace_sink_retried_total", "counter",
		"Events sent again after an error or a timeout.", c.retried);
	counter(ob, "mmtrace_sink_spooled_total", "counter",
		"Events that went through the spool file.", c.spooled);
	counter(ob, "mmtrace_sink_dropped_total", "counter",
		"Events dropped because the spool was full.", c.dropped);
	counter(ob, "mmtrace_sink_recovered_total", "counter",
		"Events of earlier runs' spool files delivered.", c.recovered);
	counter(ob, "mmtrace_sink_recovered_lost_total", "counter",
		"Events earlier runs held in memory only when they ended.", c.recovered_lost);
	counter(ob, "mmtrace_sink_backlog_events", "gauge",
		"Events held, not yet acknowledged.", c.backlog);
	counter(ob, "mmtrace_sink_backlog_bytes", "gauge", "Bytes held in the spool.",
		c.backlog_bytes);
}
