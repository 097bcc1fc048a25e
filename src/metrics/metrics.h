/* SPDX-License-Identifier: GPL-2.0 */
/*
 * metrics.h - the counters mmtrace serves to Prometheus (--metrics), in the
 * text exposition format on /metrics. One writer (the tracing thread)
 * updates them with plain atomic stores; the HTTP thread reads them.
 */
#ifndef MMT_METRICS_H
#define MMT_METRICS_H

#include <linux/types.h>
#include <stdbool.h>
#include "text/outbuf.h"

/* true once mmt_metrics_start() succeeded: the tracer's hook tests it */
extern bool mmt_metrics_on;

/*
 * Serve /metrics on addr ("ADDR:PORT", "[ADDR6]:PORT" or ":PORT" for all
 * addresses) from a thread of its own. 0, or -1 after printing why.
 */
int mmt_metrics_start(const char *addr);
void mmt_metrics_stop(void);

/* Parse "ADDR:PORT" into a socket address; 0 or -1 (no message). */
struct sockaddr_storage;
int mmt_metrics_parse_addr(const char *s, struct sockaddr_storage *ss);

/* A call written out (record mode): its event, failure and latency. */
void mmt_metrics_call(unsigned int event, bool failed, __u64 lat_ns);

/*
 * Where the kernel keeps what user space does not see: the per-CPU loss
 * counters, the ring buffer (its fill is read at each scrape), and with -c
 * the statistics map (calls, errors and latency are then read from it).
 * A descriptor of -1 leaves that part out.
 */
void mmt_metrics_kernel(int counters_fd, int ringbuf_fd, __u64 ringbuf_size, int stats_fd);

/* A sink adds its own lines to each scrape (NULL: none). */
typedef void (*mmt_metrics_render_fn)(struct outbuf *ob, void *ctx);
void mmt_metrics_sink(mmt_metrics_render_fn fn, void *ctx);

/* The whole exposition text into ob (in memory). */
void mmt_metrics_render(struct outbuf *ob);

#endif /* MMT_METRICS_H */
