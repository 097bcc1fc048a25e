// SPDX-License-Identifier: GPL-2.0
/*
 * nats_none.c - -o nats:// in a build without libnats (NATS=0).
 */
#include <string.h>
#include "sinks/sink.h"

int mmt_sink_parse_url(const char *url, struct mmt_sink_opts *o, const char **why)
{
	(void)url;
	(void)o;
	*why = "this mmtrace was built without libnats (NATS=0)";
	return -1;
}

struct mmt_sink *mmt_sink_open(const struct mmt_sink_opts *o)
{
	(void)o;
	return NULL;
}

void mmt_sink_event(struct mmt_sink *s, const char *event, const char *line, size_t len)
{
	(void)s;
	(void)event;
	(void)line;
	(void)len;
}

__u64 mmt_sink_close(struct mmt_sink *s, unsigned int wait_ms)
{
	(void)s;
	(void)wait_ms;
	return 0;
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
