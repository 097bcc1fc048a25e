/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sink.h - events sent to a NATS JetStream stream (-o nats://...).
 *
 * The tracing thread hands each event's JSON line to mmt_sink_event(),
 * which copies it into a bounded spool (memory, then a file) and returns at
 * once: it never waits on the network. A thread of the sink publishes from
 * the spool with acknowledgements, a bounded window and a message id per
 * event (host boot id, run id, sequence), so the server's duplicate window
 * drops what is sent twice. Only when the spool is full is an event
 * dropped, and then counted. At the end, what is not delivered within the
 * drain timeout is kept in the spool file for a later run with the same
 * spool folder, which sends it first (without a file: counted dropped).
 */
#ifndef MMT_SINK_H
#define MMT_SINK_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define MMT_SINK_MAX_SERVERS 8
#define MMT_SINK_DEFAULT_STREAM "MMTRACE"
#define MMT_SINK_DEFAULT_SUBJECT "mmtrace"
#define MMT_SINK_DEFAULT_SPOOL_DIR "/var/spool/mmtrace"
#define MMT_SINK_DEFAULT_DRAIN_S 10 /* --drain-timeout */

struct mmt_sink_opts {
	char servers[512]; /* "nats://h:p,nats://h:p" for the client */
	char subject[128]; /* prefix: <subject>.<host>.<event> */
	const char *stream; /* JetStream stream, created if missing */
	int replicas; /* of a stream this creates */
	const char *spool_dir; /* the file spool's folder */
	unsigned long spool_memory; /* bytes held in memory */
	unsigned long spool_file; /* bytes held in the file, 0: none */
	unsigned int drain_timeout; /* s to deliver what is held at the end */
	bool quiet; /* no note on stderr on disconnect / reconnect */
};

struct mmt_sink_counts {
	__u64 published; /* first sends */
	__u64 acked; /* acknowledged by the stream */
	__u64 retried; /* sent again after an error or a timeout */
	__u64 spooled; /* went through the file spool */
	__u64 dropped; /* spool full */
	__u64 backlog; /* taken, not yet acknowledged */
	__u64 backlog_bytes;
	__u64 kept; /* left in the spool file at the end, for a later run */
	__u64 recovered; /* events of earlier runs' spool files delivered */
	__u64 recovered_lost; /* events those runs held in memory only */
};

/*
 * Parse "nats://HOST:PORT[,HOST:PORT...][/SUBJECT]" into o (servers,
 * subject). 0, or -1 with *why set to static text.
 */
int mmt_sink_parse_url(const char *url, struct mmt_sink_opts *o, const char **why);

/* Defaults of the options; one --NAME VALUE option (nats-stream,
 * nats-replicas, spool-dir, spool-memory, spool-file, drain-timeout): 0,
 * or -1 with *why. */
void mmt_sink_defaults(struct mmt_sink_opts *o);
int mmt_sink_option(struct mmt_sink_opts *o, const char *name, const char *value,
		    const char **why);

struct outbuf;
/* The sink's lines of the Prometheus text (a mmt_metrics_render_fn). */
void mmt_sink_metrics(struct outbuf *ob, void *sink);

struct mmt_sink;
/* Start the sink's thread; it connects in the background. NULL on error. */
struct mmt_sink *mmt_sink_open(const struct mmt_sink_opts *o);
/* One event's JSON line (newline included or not): never blocks. */
void mmt_sink_event(struct mmt_sink *s, unsigned int event, const char *line, size_t len);
/*
 * The records that are not calls (placement samples, lost_events, findings)
 * as the renderers wrote them, one JSON object a line: each is sent as its
 * own message, to subject mmtrace.<host>.<its eventName: placement,
 * lost_events, or finding for a detection>. Never blocks.
 */
void mmt_sink_records(struct mmt_sink *s, const char *buf, size_t len);
/*
 * Wait up to wait_ms for what is spooled to be acknowledged, then stop:
 * what is left goes to the spool file for a later run (and is told on
 * stderr). Returns the number of events dropped now (no file, or no room
 * in it).
 */
__u64 mmt_sink_close(struct mmt_sink *s, unsigned int wait_ms);
/* Free what mmt_sink_close() left for the counters (NULL: nothing). */
void mmt_sink_free(struct mmt_sink *s);
void mmt_sink_counts(struct mmt_sink *s, struct mmt_sink_counts *c);
/* ,"sink":{...} for the --stats line */
void mmt_sink_stats_json(struct mmt_sink *s, FILE *f);

#endif /* MMT_SINK_H */
