// SPDX-License-Identifier: GPL-2.0
/*
 * read_cmd.c - one concern: `mmtrace read`. Each message of the stream is
 * one event's JSON line; it is rebuilt into the decoded event live
 * tracing makes (decoders/from_json.h), tested against the options live
 * tracing parses (cli/match.h), and written by the same renderers (or,
 * as JSON, as it was recorded), or counted for -c. The consumer
 * (sinks/reader.h) acknowledges an event once it is written out.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/errors.h"
#include "cli/match.h"
#include "cli/options.h"
#include "cli/read_cmd.h"
#include "decoders/from_json.h"
#include "outputs/output.h"
#include "outputs/summary.h"
#include "sinks/reader.h"
#include "bpf/mmt_math.h" /* after mmtrace.h and the __u* types */

#define OUT_BUF (64 << 10)
#define MAX_HOSTS 4096	   /* hosts a summary names */
#define MAX_ROWS (1 << 20) /* summary rows, at most */

struct read_state {
	const struct mmt_options *o;
	struct outbuf out;
	struct mmt_json_event j;
	/* -c: rows by key, in an open-addressing table of cap slots */
	struct mmt_summary_row *rows;
	bool *used;
	size_t nrows, cap;
	char *hosts[MAX_HOSTS];
	size_t nhosts;
	/* counts for --stats and the closing notes */
	__u64 read, printed, filtered, unreadable, no_duration, no_room;
	__u64 others_left; /* records that are not calls, left out */
	__u64 counted_no_duration; /* -c: events whose latency is not known */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* The index of a host's name, kept once; MAX_HOSTS when full. */
static size_t host_index(struct read_state *s, const char *host)
{
	for (size_t i = 0; i < s->nhosts; i++)
		if (!strncmp(s->hosts[i], host, MMT_HOST_LEN))
			return i;
	if (s->nhosts == MAX_HOSTS || !(s->hosts[s->nhosts] = strndup(host, MMT_HOST_LEN)))
		return MAX_HOSTS;
	return s->nhosts++;
}

static __u64 key_hash(const struct mmt_stat_key *k)
{
	const unsigned char *p = (const unsigned char *)k;
	__u64 h = 1469598103934665603ULL;

	for (size_t i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

static bool grow(struct read_state *s)
{
	size_t cap = s->cap ? s->cap * 2 : 1024;
	struct mmt_summary_row *rows = calloc(cap, sizeof(*rows));
	bool *used = calloc(cap, sizeof(*used));

	if (!rows || !used) {
		free(rows);
		free(used);
		return false;
	}
	for (size_t i = 0; i < s->cap; i++) {
		size_t h;

		if (!s->used[i])
			continue;
		for (h = key_hash(&s->rows[i].key) & (cap - 1); used[h]; h = (h + 1) & (cap - 1))
			;
		rows[h] = s->rows[i];
		used[h] = true;
	}
	free(s->rows);
	free(s->used);
	s->rows = rows;
	s->used = used;
	s->cap = cap;
	return true;
}

/* -c: count the event in its row (event, errno, group by --summary-by). */
static void count(struct read_state *s, const struct mmt_decoded_event *ev)
{
	const struct mmt_record *r = ev->rec;
	struct mmt_stat_key k;
	struct mmt_stat *st;
	size_t h, host;

	memset(&k, 0, sizeof(k));
	k.event = ev->desc->event;
	k.err = ev->failed ? (__s32)-r->ret : 0;
	switch (s->o->summary_by) {
	case MMT_BY_COMM:
		memcpy(k.comm, ev->comm, MMT_COMM_LEN);
		break;
	case MMT_BY_PID:
		memcpy(k.comm, ev->comm, MMT_COMM_LEN);
		host = host_index(s, ev->host);
		k.group = (__u64)host << 32 | r->host_pid;
		break;
	case MMT_BY_HOST:
		k.group = host_index(s, ev->host);
		break;
	default:
		break;
	}
	if ((s->nrows + 1) * 2 > s->cap && (s->nrows >= MAX_ROWS || !grow(s))) {
		s->no_room++;
		return;
	}
	for (h = key_hash(&k) & (s->cap - 1); s->used[h]; h = (h + 1) & (s->cap - 1))
		if (!memcmp(&s->rows[h].key, &k, sizeof(k)))
			break;
	if (!s->used[h]) {
		s->used[h] = true;
		s->rows[h].key = k;
		s->nrows++;
	}
	st = &s->rows[h].st;
	st->calls++;
	s->counted_no_duration += ev->duration_unknown;
	if (!ev->duration_unknown) {
		__u64 ns = r->exit_ns - r->enter_ns;

		st->lat_sum += ns;
		if (ns > st->lat_max)
			st->lat_max = ns;
		st->hist[mmt_hist_slot(ns)]++;
	}
}

static bool host_wanted(const struct mmt_options *o, const char *host)
{
	for (int i = 0; i < o->read.nhosts; i++)
		if (!strncmp(o->read.hosts[i], host, MMT_HOST_LEN))
			return true;
	return !o->read.nhosts;
}

/* One message: rebuilt, tested, written; 0 once written (or left out). */
static int on_event(void *ctx, const char *data, size_t len)
{
	struct read_state *s = ctx;
	const struct mmt_options *o = s->o;
	const struct mmt_decoded_event *ev = &s->j.ev;
	const char *why = NULL;

	s->read++;
	if (mmt_json_event_parse(&s->j, data, len, &why)) {
		/* or a record live tracing writes besides the calls, sent by
		 * the sink to its own subject */
		if (mmt_json_other_kind(data, len) == MMT_JSON_NOT_OTHER) {
			if (getenv("MMTRACE_DEBUG"))
				fprintf(stderr, "mmtrace: left out a line: %s\n", why);
			s->unreadable++;
			return 0;
		}
		/* as recorded in JSON; the table, strace lines and -c are of calls */
		if (o->format != MMT_FMT_JSON || o->summary) {
			s->others_left++;
			return 0;
		}
		ob_mem(&s->out, data, len);
		ob_char(&s->out, '\n');
		ob_flush(&s->out);
		return s->out.err == EPIPE ? 1 : s->out.err ? -1 : 0;
	}
	if (mmt_match_needs_latency(o) && ev->duration_unknown)
		s->no_duration++;
	if (!host_wanted(o, ev->host) || !mmt_match_kernel_side(o, ev) || !mmt_match_nodes(o, ev) ||
	    (mmt_match_needs_latency(o) && (ev->duration_unknown || !mmt_match_latency(o, ev)))) {
		s->filtered++;
		return 0;
	}
	s->printed++;
	if (o->summary) {
		count(s, ev);
		return 0;
	}
	if (o->format == MMT_FMT_JSON && !o->read.rerender) {
		ob_mem(&s->out, data, len); /* as it was recorded */
		ob_char(&s->out, '\n');
	} else if (o->format == MMT_FMT_JSON) {
		mmt_json_event(&s->out, ev, o->parse_args);
	} else if (o->format == MMT_FMT_STRACE) {
		mmt_strace_event(&s->out, ev);
	} else {
		mmt_table_event(&s->out, ev);
	}
	/* written out before it is acknowledged */
	ob_flush(&s->out);
	if (s->out.err == EPIPE)
		return 1; /* the reader of our output left */
	if (s->out.err) {
		mmt_err("failed to write events: %s", strerror(s->out.err));
		return -1;
	}
	return 0;
}

static void summary(struct read_state *s)
{
	struct mmt_summary_row *rows = calloc(s->nrows ? s->nrows : 1, sizeof(*rows));
	size_t n = 0;

	if (!rows) {
		mmt_err("failed to print the summary: out of memory");
		return;
	}
	for (size_t i = 0; i < s->cap; i++)
		if (s->used[i])
			rows[n++] = s->rows[i];
	mmt_summary_print_hosts(&s->out, rows, n, s->o->summary_by, s->o->histogram,
				(const char *const *)s->hosts, s->nhosts);
	ob_flush(&s->out);
	free(rows);
}

static void notes(const struct read_state *s)
{
	if (s->others_left)
		mmt_err("%llu records that are not calls (placement samples, lost_events, "
			"findings) were left out: -o json shows them as recorded",
			(unsigned long long)s->others_left);
	if (s->unreadable)
		mmt_err("%llu messages were not events this mmtrace reads (left out; "
			"MMTRACE_DEBUG=1 says why)",
			(unsigned long long)s->unreadable);
	if (s->no_duration)
		mmt_err("%llu events carry no duration (recorded without -T): --duration and "
			".latency filters left them out",
			(unsigned long long)s->no_duration);
	if (s->counted_no_duration)
		mmt_err("%llu events counted carry no duration (recorded without -T): the latency "
			"columns leave them out",
			(unsigned long long)s->counted_no_duration);
	if (s->no_room)
		mmt_err("%llu events were not counted: more than %d summary rows",
			(unsigned long long)s->no_room, MAX_ROWS);
	if (s->o->stats)
		fprintf(stderr,
			"{\"stats\":{\"read\":%llu,\"printed\":%llu,\"filtered\":%llu,"
			"\"unreadable\":%llu,\"withoutDuration\":%llu}}\n",
			(unsigned long long)s->read, (unsigned long long)s->printed,
			(unsigned long long)s->filtered, (unsigned long long)s->unreadable,
			(unsigned long long)s->no_duration);
}

int mmt_read_main(int argc, char **argv)
{
	/* SA_RESTART: a line being written is written whole */
	struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESTART};
	static struct mmt_options opts;
	struct read_state s = {.o = &opts};
	const char *no_color;
	int err, ret = 1, fd = STDOUT_FILENO;

	err = mmt_parse_read_options(argc, argv, &opts);
	if (err)
		return err < 0 ? 0 : err;
	if (opts.output_file) {
		fd = open(opts.output_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0) {
			mmt_err("failed to open %s: %s", opts.output_file, strerror(errno));
			return 1;
		}
	}
	if (ob_init(&s.out, fd, OUT_BUF) || mmt_json_event_init(&s.j)) {
		mmt_err("failed to start reading: out of memory");
		goto cleanup;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	mmt_json_configure(opts.tracee_format);
	mmt_json_durations(opts.durations);
	mmt_strace_configure(opts.time_fmt, opts.durations);
	mmt_table_time_format(opts.time_fmt);
	no_color = getenv("NO_COLOR");
	if (opts.format == MMT_FMT_TABLE && !opts.summary) {
		mmt_table_configure(opts.columns, opts.ncolumns,
				    opts.color == 1 || (opts.color < 0 && isatty(fd) &&
							!(no_color && *no_color)));
		mmt_table_header(&s.out);
		ob_flush(&s.out);
	}
	ret = mmt_reader_run(&opts.sink, opts.read.durable, opts.read.idle_exit, on_event, &s,
			     &stop);
	if (opts.summary && !ret)
		summary(&s);
	notes(&s);
cleanup:
	ob_free(&s.out);
	mmt_json_event_free(&s.j);
	for (size_t i = 0; i < s.nhosts; i++)
		free(s.hosts[i]);
	free(s.rows);
	free(s.used);
	if (opts.output_file && fd >= 0)
		close(fd);
	return ret;
}
