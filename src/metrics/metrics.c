// SPDX-License-Identifier: GPL-2.0
/*
 * metrics.c - counters for Prometheus and their text exposition format.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "events/event_table.h"
#include "metrics/metrics.h"
#include "mmtrace.h"

bool mmt_metrics_on;

/* One event's calls as seen in user space (record mode). */
struct ev_counts {
	__u64 calls;
	__u64 errors;
	__u64 lat_sum;
	__u64 hist[MMT_HIST_SLOTS]; /* log2 of the latency in ns, as in BPF */
};

static struct ev_counts counts[MMT_EV_COUNT];
static int counters_fd = -1, stats_fd = -1;
static const volatile unsigned long *rb_cons, *rb_prod;
static __u64 rb_size;
static mmt_metrics_render_fn sink_fn;
static void *sink_ctx;

/* One writer: a relaxed load and store, no locked instruction. */
static inline void bump(__u64 *p, __u64 n)
{
	__atomic_store_n(p, __atomic_load_n(p, __ATOMIC_RELAXED) + n, __ATOMIC_RELAXED);
}

static inline __u64 get(const __u64 *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

void mmt_metrics_call(unsigned int event, bool failed, __u64 lat_ns)
{
	struct ev_counts *c;
	unsigned int slot = 0;

	if (event >= MMT_EV_COUNT)
		return;
	c = &counts[event];
	for (__u64 v = lat_ns; v > 1 && slot < MMT_HIST_SLOTS - 1; v >>= 1)
		slot++;
	bump(&c->hist[slot], 1);
	bump(&c->lat_sum, lat_ns);
	if (failed)
		bump(&c->errors, 1);
	bump(&c->calls, 1); /* last: a scrape never sees more calls than buckets */
}

void mmt_metrics_kernel(int cfd, int rbfd, __u64 size, int sfd)
{
	long page = sysconf(_SC_PAGESIZE);
	void *cons, *prod;

	counters_fd = cfd;
	stats_fd = sfd;
	if (rbfd < 0)
		return;
	cons = mmap(NULL, page, PROT_READ, MAP_SHARED, rbfd, 0);
	prod = mmap(NULL, page, PROT_READ, MAP_SHARED, rbfd, page);
	if (cons == MAP_FAILED || prod == MAP_FAILED) {
		if (cons != MAP_FAILED)
			munmap(cons, page);
		if (prod != MAP_FAILED)
			munmap(prod, page);
		return; /* the gauge is then left out */
	}
	rb_cons = cons;
	rb_prod = prod;
	rb_size = size;
}

void mmt_metrics_sink(mmt_metrics_render_fn fn, void *ctx)
{
	sink_fn = fn;
	sink_ctx = ctx;
}

int mmt_metrics_parse_addr(const char *s, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	char host[64];
	const char *colon, *h = s;
	size_t hlen;
	char *end;
	long port;

	memset(ss, 0, sizeof(*ss));
	colon = strrchr(s, ':');
	if (!colon)
		return -1;
	hlen = colon - s;
	if (hlen >= 2 && s[0] == '[' && s[hlen - 1] == ']') {
		h = s + 1;
		hlen -= 2;
	}
	if (hlen >= sizeof(host))
		return -1;
	memcpy(host, h, hlen);
	host[hlen] = 0;
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || port < 1 || port > 65535)
		return -1;
	if (!hlen || !strcmp(host, "0.0.0.0")) {
		in4->sin_family = AF_INET;
		in4->sin_addr.s_addr = htonl(INADDR_ANY);
		in4->sin_port = htons(port);
		return 0;
	}
	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		return 0;
	}
	return -1;
}

static void help(struct outbuf *ob, const char *name, const char *type, const char *text)
{
	ob_lit(ob, "# HELP ");
	ob_str(ob, name);
	ob_char(ob, ' ');
	ob_str(ob, text);
	ob_lit(ob, "\n# TYPE ");
	ob_str(ob, name);
	ob_char(ob, ' ');
	ob_str(ob, type);
	ob_char(ob, '\n');
}

static void sample(struct outbuf *ob, const char *name, const char *event, __u64 v)
{
	ob_str(ob, name);
	if (event) {
		ob_lit(ob, "{event=\"");
		ob_str(ob, event);
		ob_lit(ob, "\"}");
	}
	ob_char(ob, ' ');
	ob_u64(ob, v);
	ob_char(ob, '\n');
}

/* -c: the kernel's statistics map, summed over keys and CPUs. */
static void read_stats(struct ev_counts *out)
{
	int ncpu = libbpf_num_possible_cpus();
	struct mmt_stat_key key, next, *prev = NULL;
	struct mmt_stat *vals;

	vals = calloc(ncpu > 0 ? ncpu : 1, sizeof(*vals));
	if (!vals)
		return;
	while (!bpf_map_get_next_key(stats_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (key.event >= MMT_EV_COUNT || bpf_map_lookup_elem(stats_fd, &key, vals))
			continue;
		for (int c = 0; c < ncpu; c++) {
			struct ev_counts *e = &out[key.event];

			e->calls += vals[c].calls;
			if (key.err)
				e->errors += vals[c].calls;
			e->lat_sum += vals[c].lat_sum;
			for (int h = 0; h < MMT_HIST_SLOTS; h++)
				e->hist[h] += vals[c].hist[h];
		}
	}
	free(vals);
}

static void snapshot(struct ev_counts *out)
{
	memset(out, 0, sizeof(counts));
	if (stats_fd >= 0) {
		read_stats(out);
		return;
	}
	for (int e = 0; e < MMT_EV_COUNT; e++) {
		/* calls first: buckets may run ahead, never behind */
		out[e].calls = get(&counts[e].calls);
		out[e].errors = get(&counts[e].errors);
		out[e].lat_sum = get(&counts[e].lat_sum);
		for (int h = 0; h < MMT_HIST_SLOTS; h++)
			out[e].hist[h] = get(&counts[e].hist[h]);
	}
}

static void render_latency(struct outbuf *ob, const struct ev_counts *snap)
{
	char num[32];

	help(ob, "mmtrace_call_duration_seconds", "histogram",
	     "Time from a call's entry to its exit, by event.");
	for (int e = 0; e < MMT_EV_COUNT; e++) {
		const struct ev_counts *c = &snap[e];
		__u64 cum = 0;

		if (!c->calls)
			continue;
		/* slot s holds [2^s, 2^(s+1)) ns; the last slot is open */
		for (int s = 0; s < MMT_HIST_SLOTS - 1; s++) {
			cum += c->hist[s];
			if (cum > c->calls)
				cum = c->calls;
			snprintf(num, sizeof(num), "%.10g", (double)(1ULL << (s + 1)) / 1e9);
			ob_lit(ob, "mmtrace_call_duration_seconds_bucket{event=\"");
			ob_str(ob, mmt_events[e].name);
			ob_lit(ob, "\",le=\"");
			ob_str(ob, num);
			ob_lit(ob, "\"} ");
			ob_u64(ob, cum);
			ob_char(ob, '\n');
		}
		ob_lit(ob, "mmtrace_call_duration_seconds_bucket{event=\"");
		ob_str(ob, mmt_events[e].name);
		ob_lit(ob, "\",le=\"+Inf\"} ");
		ob_u64(ob, c->calls);
		ob_char(ob, '\n');
		snprintf(num, sizeof(num), "%.9f", (double)c->lat_sum / 1e9);
		ob_lit(ob, "mmtrace_call_duration_seconds_sum{event=\"");
		ob_str(ob, mmt_events[e].name);
		ob_lit(ob, "\"} ");
		ob_str(ob, num);
		ob_char(ob, '\n');
		sample(ob, "mmtrace_call_duration_seconds_count", mmt_events[e].name, c->calls);
	}
}

static void render_lost(struct outbuf *ob)
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 *vals = calloc(ncpu > 0 ? ncpu : 1, sizeof(*vals));

	if (!vals)
		return;
	help(ob, "mmtrace_lost_events_total", "counter",
	     "Calls traced but lost before user space (ring buffer or in-flight table full).");
	for (__u32 e = 0; e < MMT_EV_COUNT; e++) {
		__u64 lost = 0;

		for (__u32 r = 0; r < MMT_DROP_COUNT; r++) {
			__u32 key = e * MMT_CNT_COUNT + r;

			if (bpf_map_lookup_elem(counters_fd, &key, vals))
				continue;
			for (int c = 0; c < ncpu; c++)
				lost += vals[c];
		}
		sample(ob, "mmtrace_lost_events_total", mmt_events[e].name, lost);
	}
	free(vals);
}

void mmt_metrics_render(struct outbuf *ob)
{
	static struct ev_counts snap[MMT_EV_COUNT];

	snapshot(snap);
	help(ob, "mmtrace_calls_total", "counter", "Calls traced, by event.");
	for (int e = 0; e < MMT_EV_COUNT; e++)
		sample(ob, "mmtrace_calls_total", mmt_events[e].name, snap[e].calls);
	help(ob, "mmtrace_call_errors_total", "counter",
	     "Calls traced that returned an error, by event.");
	for (int e = 0; e < MMT_EV_COUNT; e++)
		sample(ob, "mmtrace_call_errors_total", mmt_events[e].name, snap[e].errors);
	render_latency(ob, snap);
	if (counters_fd >= 0)
		render_lost(ob);
	if (rb_cons && rb_prod) {
		__u64 cons = __atomic_load_n(rb_cons, __ATOMIC_ACQUIRE);
		__u64 prod = __atomic_load_n(rb_prod, __ATOMIC_ACQUIRE);

		help(ob, "mmtrace_ringbuf_used_bytes", "gauge",
		     "Bytes written by the kernel and not yet read.");
		sample(ob, "mmtrace_ringbuf_used_bytes", NULL, prod >= cons ? prod - cons : 0);
		help(ob, "mmtrace_ringbuf_size_bytes", "gauge", "Size of the ring buffer.");
		sample(ob, "mmtrace_ringbuf_size_bytes", NULL, rb_size);
	}
	if (sink_fn)
		sink_fn(ob, sink_ctx);
}
