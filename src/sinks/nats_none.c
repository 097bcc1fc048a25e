// SPDX-License-Identifier: GPL-2.0
/*
 * nats_none.c - -o nats:// in a build without libnats (NATS=0).
 */
#include <string.h>
#include <stdio.h>
#include "sinks/reader.h"
#include "sinks/sink.h"

int mmt_sink_parse_url(const char *url, struct mmt_sink_opts *o, const char **why)
{
	(void)url;
	(void)o;
	*why = "this mmtrace was built without libnats (NATS=0)";
	return -1;
}

void mmt_sink_defaults(struct mmt_sink_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->drain_timeout = MMT_SINK_DEFAULT_DRAIN_S;
}

int mmt_sink_option(struct mmt_sink_opts *o, const char *name, const char *value,
		    const char **why)
{
	(void)o;
	(void)name;
	(void)value;
	*why = "this mmtrace was built without libnats (NATS=0)";
	return -1;
}

void mmt_sink_metrics(struct outbuf *ob, void *sink)
{
	(void)ob;
	(void)sink;
}

struct mmt_sink *mmt_sink_open(const struct mmt_sink_opts *o)
{
	(void)o;
	return NULL;
}

void mmt_sink_event(struct mmt_sink *s, unsigned int event, const char *line, size_t len)
{
	(void)s;
	(void)event;
	(void)line;
	(void)len;
}

void mmt_sink_records(struct mmt_sink *s, const char *buf, size_t len)
{
	(void)s;
	(void)buf;
	(void)len;
}

__u64 mmt_sink_close(struct mmt_sink *s, unsigned int wait_ms)
{
	(void)s;
	(void)wait_ms;
	return 0;
}

void mmt_sink_free(struct mmt_sink *s)
{
	(void)s;
}

void mmt_sink_counts(struct mmt_sink *s, struct mmt_sink_counts *c)
{
	(void)s;
	memset(c, 0, sizeof(*c));
}

void mmt_sink_stats_json(struct mmt_sink *s, FILE *f)
{
	(void)s;
	(void)f;
}

int mmt_reader_run(const struct mmt_sink_opts *so, const char *durable, unsigned int idle_exit,
		   mmt_reader_fn fn, void *ctx, volatile sig_atomic_t *stop)
{
	(void)so;
	(void)durable;
	(void)idle_exit;
	(void)fn;
	(void)ctx;
	(void)stop;
	fputs("mmtrace: failed to read: this mmtrace was built without libnats (NATS=0)\n", stderr);
	return 1;
}
