// SPDX-License-Identifier: GPL-2.0
/*
 * reader.c - `mmtrace read`: a durable pull consumer of the stream. Each
 * event is rendered and written out before it is acknowledged, so a reader
 * that stops (SIGINT, SIGTERM) and starts again with the same --durable
 * name goes on where it stopped; after a crash (SIGKILL), what was not
 * acknowledged is delivered again.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <nats/nats.h>
#include "events/event_table.h"
#include "sinks/reader.h"
#include "sinks/sink.h"

#define BATCH 256
#define MAX_ROWS 4096

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static const char usage_text[] =
	"Usage: mmtrace read nats://HOST:PORT[,HOST:PORT...][/SUBJECT] [OPTION...]\n"
	"\n"
	"Print the events mmtrace hosts sent to a NATS JetStream stream, through a\n"
	"durable consumer: each event is acknowledged once written out, so a reader\n"
	"started again with the same --durable name goes on where it stopped.\n"
	"\n"
	"  -o, --output FORMAT           json (the events' lines, default) or table\n"
	"  -c, --summary                 count calls and errors per event; print at exit\n"
	"  -e, --events NAME[,NAME...]   these events only\n"
	"      --host NAME               events of this host only (repeatable)\n"
	"      --comm NAME               of processes with this name (repeatable)\n"
	"  -p, --pid PID                 of this process, as the host sees it (repeatable)\n"
	"      --failed                  failed calls only\n"
	"                                (left-out events are acknowledged too)\n"
	"      --summary-by host         one summary per host\n"
	"      --nats-stream NAME        the stream (default MMTRACE)\n"
	"      --durable NAME            the consumer's name (default mmtrace-read)\n"
	"      --idle-exit SECONDS       exit after SECONDS without an event (default:\n"
	"                                run until interrupted)\n"
	"  -h, --help                    this text\n";

struct row {
	char host[64];
	char event[32];
	unsigned long long calls, errors;
};

#define MAX_MATCH 16

struct reader {
	bool table, summary, by_host, failed_only;
	const char *names[MAX_MATCH], *hosts[MAX_MATCH], *comms[MAX_MATCH];
	long pids[MAX_MATCH];
	int nnames, nhosts, ncomms, npids;
	unsigned long long filtered;
	struct row *rows;
	int nrows;
	unsigned long long events;
};

/* A top-level member of mmtrace's own JSON line, as text (strings unquoted). */
static void field(const char *line, size_t len, const char *key, char *out, size_t size)
{
	char pat[40];
	const char *p, *end = line + len;
	size_t n = 0;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	out[0] = 0;
	p = memmem(line, len, pat, strlen(pat));
	if (!p)
		return;
	p += strlen(pat);
	if (p < end && *p == '"') {
		for (p++; p < end && *p != '"' && n + 1 < size; p++) {
			if (*p == '\\' && p + 1 < end)
				p++;
			out[n++] = *p;
		}
	} else {
		for (; p < end && *p != ',' && *p != '}' && n + 1 < size; p++)
			out[n++] = *p;
	}
	out[n] = 0;
}

static void count(struct reader *r, const char *host, const char *event, bool failed)
{
	int i;

	for (i = 0; i < r->nrows; i++)
		if (!strcmp(r->rows[i].event, event) &&
		    (!r->by_host || !strcmp(r->rows[i].host, host)))
			break;
	if (i == r->nrows) {
		if (r->nrows == MAX_ROWS)
			return;
		memset(&r->rows[i], 0, sizeof(r->rows[i]));
		snprintf(r->rows[i].host, sizeof(r->rows[i].host), "%s", r->by_host ? host : "");
		snprintf(r->rows[i].event, sizeof(r->rows[i].event), "%s", event);
		r->nrows++;
	}
	r->rows[i].calls++;
	r->rows[i].errors += failed;
}

static bool any_of(const char *const *set, int n, const char *v)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(set[i], v))
			return true;
	return !n;
}

static bool failed(const char *event, const char *ret)
{
	return ret[0] == '-' && atoll(ret) >= -4095 && strcmp(event, "brk");
}

/* The filters: each kind asked for must match (values of a kind OR). */
static bool wanted(struct reader *r, const char *data, size_t len)
{
	char host[64], event[32], ret[32], comm[32], pid[16];

	bool pid_ok = !r->npids;

	if (!r->nnames && !r->nhosts && !r->ncomms && !r->npids && !r->failed_only)
		return true;
	field(data, len, "hostName", host, sizeof(host));
	field(data, len, "eventName", event, sizeof(event));
	field(data, len, "returnValue", ret, sizeof(ret));
	field(data, len, "processName", comm, sizeof(comm));
	field(data, len, "hostProcessId", pid, sizeof(pid));
	for (int i = 0; i < r->npids; i++)
		pid_ok |= atol(pid) == r->pids[i];
	return pid_ok && any_of(r->names, r->nnames, event) && any_of(r->hosts, r->nhosts, host) &&
	       any_of(r->comms, r->ncomms, comm) && (!r->failed_only || failed(event, ret));
}

static int render(struct reader *r, const char *data, size_t len)
{
	char host[64], event[32], ret[32], comm[32], pid[16], ts[32];

	if (!wanted(r, data, len)) {
		r->filtered++;
		return 0;
	}
	r->events++;
	if (!r->table && !r->summary) {
		if (fwrite(data, 1, len, stdout) != len || fputc('\n', stdout) == EOF)
			return -1;
		return 0;
	}
	field(data, len, "hostName", host, sizeof(host));
	field(data, len, "eventName", event, sizeof(event));
	field(data, len, "returnValue", ret, sizeof(ret));
	if (r->summary) {
		count(r, host, event, failed(event, ret));
		return 0;
	}
	field(data, len, "processName", comm, sizeof(comm));
	field(data, len, "processId", pid, sizeof(pid));
	field(data, len, "timestamp", ts, sizeof(ts));
	{
		unsigned long long ns = strtoull(ts, NULL, 10);
		time_t sec = ns / 1000000000ULL;
		struct tm tm;
		char when[32];

		gmtime_r(&sec, &tm);
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
		if (printf("%s.%06llu %-16s %-16s %7s %-24s %s\n", when,
			   (ns % 1000000000ULL) / 1000, host, comm, pid, event, ret) < 0)
			return -1;
	}
	return 0;
}

static void print_summary(struct reader *r)
{
	if (r->by_host)
		printf("%-24s ", "HOST");
	printf("%-24s %12s %12s\n", "EVENT", "CALLS", "ERRORS");
	for (int i = 0; i < r->nrows; i++) {
		if (r->by_host)
			printf("%-24s ", r->rows[i].host);
		printf("%-24s %12llu %12llu\n", r->rows[i].event, r->rows[i].calls,
		       r->rows[i].errors);
	}
}

static int consume(struct reader *r, natsSubscription *sub, unsigned int idle_exit)
{
	time_t last = time(NULL);

	while (!stop) {
		natsMsgList list = { 0 };
		jsErrCode jerr = 0;
		natsStatus st = natsSubscription_Fetch(&list, sub, BATCH, 1000, &jerr);

		if (st == NATS_TIMEOUT || (st == NATS_OK && !list.Count)) {
			if (idle_exit && time(NULL) - last >= idle_exit)
				break;
			continue;
		}
		if (st != NATS_OK) {
			/* a server gone: the client reconnects; try again */
			usleep(200 * 1000);
			continue;
		}
		last = time(NULL);
		for (int i = 0; i < list.Count; i++) {
			natsMsg *m = list.Msgs[i];

			/* stopped: the rest is given back, delivered again at once */
			if (stop) {
				natsMsg_Nak(m, NULL);
				continue;
			}
			if (render(r, natsMsg_GetData(m), natsMsg_GetDataLength(m)) ||
			    fflush(stdout)) {
				natsMsgList_Destroy(&list);
				if (errno == EPIPE) /* the reader of our output left */
					return 0;
				fprintf(stderr, "mmtrace: failed to write events: %s\n",
					strerror(errno));
				return 1;
			}
			/* written out, then acknowledged: synchronously, so an
			 * acknowledged event is known to the stream */
			while (natsMsg_AckSync(m, NULL, &jerr) != NATS_OK && !stop)
				usleep(100 * 1000);
		}
		natsMsgList_Destroy(&list);
	}
	return 0;
}

int mmt_read_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "summary", no_argument, NULL, 'c' },
		{ "events", required_argument, NULL, 'e' },
		{ "host", required_argument, NULL, 'H' },
		{ "comm", required_argument, NULL, 'C' },
		{ "pid", required_argument, NULL, 'p' },
		{ "failed", no_argument, NULL, 'f' },
		{ "summary-by", required_argument, NULL, 'b' },
		{ "nats-stream", required_argument, NULL, 's' },
		{ "durable", required_argument, NULL, 'd' },
		{ "idle-exit", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct reader r = { 0 };
	struct mmt_sink_opts so;
	/* SA_RESTART: a line being written is written whole */
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
	const char *durable = "mmtrace-read", *why, *servers[MMT_SINK_MAX_SERVERS];
	natsConnection *nc = NULL;
	natsSubscription *sub = NULL;
	natsOptions *no = NULL;
	jsCtx *js = NULL;
	jsSubOptions jso;
	jsErrCode jerr = 0;
	natsStatus st;
	unsigned int idle_exit = 0;
	char subj[sizeof(so.subject) + 4], buf[sizeof(so.servers)], *save = NULL, *tok;
	int c, n = 0, ret = 1;

	mmt_sink_defaults(&so);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:ce:p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			for (char *save2 = NULL, *t = strtok_r(optarg, ",", &save2); t;
			     t = strtok_r(NULL, ",", &save2)) {
				if (!mmt_event_by_name(t)) {
					fprintf(stderr, "mmtrace: unknown event '%s' (see mmtrace list)\n",
						t);
					return 2;
				}
				if (r.nnames == MAX_MATCH)
					goto usage_many;
				r.names[r.nnames++] = t;
			}
			break;
		case 'H':
			if (r.nhosts == MAX_MATCH)
				goto usage_many;
			r.hosts[r.nhosts++] = optarg;
			break;
		case 'C':
			if (r.ncomms == MAX_MATCH)
				goto usage_many;
			r.comms[r.ncomms++] = optarg;
			break;
		case 'p': {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (*end || end == optarg || v <= 0 || v > 4194304) {
				fprintf(stderr, "mmtrace: invalid pid '%s' (see mmtrace read --help)\n",
					optarg);
				return 2;
			}
			if (r.npids == MAX_MATCH)
				goto usage_many;
			r.pids[r.npids++] = v;
			break;
		}
		case 'f':
			r.failed_only = true;
			break;
		case 'o':
			if (strcmp(optarg, "json") && strcmp(optarg, "table"))
				goto usage_format;
			r.table = !strcmp(optarg, "table");
			break;
		case 'c':
			r.summary = true;
			break;
		case 'b':
			if (strcmp(optarg, "host"))
				goto usage_by;
			r.by_host = true;
			break;
		case 's':
			if (mmt_sink_option(&so, "nats-stream", optarg, &why))
				goto usage_why;
			break;
		case 'd': {
			struct mmt_sink_opts scratch; /* the same rules as a stream's name */

			if (mmt_sink_option(&scratch, "nats-stream", optarg, &why))
				goto usage_why;
			durable = optarg;
		}
			break;
		case 'i':
			idle_exit = strtoul(optarg, NULL, 10);
			if (!idle_exit)
				goto usage_idle;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fprintf(stderr, "mmtrace: unknown or incomplete option '%s' (see mmtrace read --help)\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fputs("mmtrace: read needs one nats://HOST:PORT[,...][/SUBJECT] (see mmtrace read --help)\n",
		      stderr);
		return 2;
	}
	if (mmt_sink_parse_url(argv[optind], &so, &why)) {
		fprintf(stderr, "mmtrace: invalid address '%s': %s (see mmtrace read --help)\n",
			argv[optind], why);
		return 2;
	}
	if (r.by_host && !r.summary) {
		fputs("mmtrace: --summary-by goes with -c (see mmtrace read --help)\n", stderr);
		return 2;
	}
	if (r.summary && !(r.rows = calloc(MAX_ROWS, sizeof(*r.rows)))) {
		fputs("mmtrace: out of memory\n", stderr);
		return 1;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	snprintf(buf, sizeof(buf), "%s", so.servers);
	for (tok = strtok_r(buf, ",", &save); tok && n < MMT_SINK_MAX_SERVERS;
	     tok = strtok_r(NULL, ",", &save))
		servers[n++] = tok;
	natsOptions_Create(&no);
	natsOptions_SetServers(no, servers, n);
	natsOptions_SetMaxReconnect(no, -1);
	natsOptions_SetReconnectWait(no, 250);
	natsOptions_SetTimeout(no, 2000);
	st = natsConnection_Connect(&nc, no);
	if (st != NATS_OK) {
		fprintf(stderr, "mmtrace: failed to connect to NATS %s: %s\n", so.servers,
			natsStatus_GetText(st));
		goto cleanup;
	}
	if ((st = natsConnection_JetStream(&js, nc, NULL)) != NATS_OK)
		goto nats_error;
	jsSubOptions_Init(&jso);
	jso.Stream = so.stream;
	jso.Config.AckPolicy = js_AckExplicit;
	jso.Config.AckWait = 5LL * 1000000000LL; /* ns: redelivery after a crash */
	jso.Config.MaxAckPending = 4 * BATCH;
	snprintf(subj, sizeof(subj), "%s.>", so.subject);
	/* the consumer may be a moment away after a server restart */
	for (int tries = 0; tries < 50 && !stop; tries++) {
		st = js_PullSubscribe(&sub, js, subj, durable, NULL, &jso, &jerr);
		if (st == NATS_OK)
			break;
		usleep(200 * 1000);
	}
	if (st != NATS_OK)
		goto nats_error;
	ret = consume(&r, sub, idle_exit);
	if (r.summary)
		print_summary(&r);
	goto cleanup;
nats_error:
	fprintf(stderr, "mmtrace: failed to read the stream %s: %s (%d)\n", so.stream,
		natsStatus_GetText(st), jerr);
cleanup:
	if (sub)
		natsSubscription_Destroy(sub);
	if (js)
		jsCtx_Destroy(js);
	if (nc) {
		natsConnection_Close(nc);
		natsConnection_Destroy(nc);
	}
	natsOptions_Destroy(no);
	free(r.rows);
	return ret;
usage_format:
	fputs("mmtrace: invalid -o for read: json or table (see mmtrace read --help)\n", stderr);
	return 2;
usage_by:
	fputs("mmtrace: invalid --summary-by for read: host (see mmtrace read --help)\n", stderr);
	return 2;
usage_why:
	fprintf(stderr, "mmtrace: invalid name '%s': %s (see mmtrace read --help)\n", optarg, why);
	return 2;
usage_many:
	fprintf(stderr, "mmtrace: at most %d values of a filter (see mmtrace read --help)\n",
		MAX_MATCH);
	return 2;
usage_idle:
	fputs("mmtrace: invalid --idle-exit: a number of seconds above 0 (see mmtrace read --help)\n",
	      stderr);
	return 2;
}
