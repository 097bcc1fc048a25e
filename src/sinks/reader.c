// SPDX-License-Identifier: GPL-2.0
/*
 * reader.c - a durable pull consumer of the stream. Each event is handed
 * out and written before it is acknowledged, so a reader that stops
 * (SIGINT, SIGTERM) and starts again with the same durable name goes on
 * where it stopped; after a crash (SIGKILL), what was not acknowledged is
 * delivered again.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <nats/nats.h>
#include "sinks/reader.h"

#define BATCH 256

static int consume(natsSubscription *sub, unsigned int idle_exit, mmt_reader_fn fn, void *ctx,
		   volatile sig_atomic_t *stop)
{
	time_t last = time(NULL);

	while (!*stop) {
		natsMsgList list = {0};
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
			int rc;

			/* stopped: the rest is given back, delivered again at once */
			if (*stop) {
				natsMsg_Nak(m, NULL);
				continue;
			}
			rc = fn(ctx, natsMsg_GetData(m), natsMsg_GetDataLength(m));
			if (rc) {
				natsMsgList_Destroy(&list);
				return rc < 0 ? 1 : 0;
			}
			/* written out, then acknowledged: synchronously, so an
			 * acknowledged event is known to the stream */
			while (natsMsg_AckSync(m, NULL, &jerr) != NATS_OK && !*stop)
				usleep(100 * 1000);
		}
		natsMsgList_Destroy(&list);
	}
	return 0;
}

int mmt_reader_run(const struct mmt_sink_opts *so, const char *durable, unsigned int idle_exit,
		   mmt_reader_fn fn, void *ctx, volatile sig_atomic_t *stop)
{
	const char *servers[MMT_SINK_MAX_SERVERS];
	natsConnection *nc = NULL;
	natsSubscription *sub = NULL;
	natsOptions *no = NULL;
	jsCtx *js = NULL;
	jsSubOptions jso;
	jsErrCode jerr = 0;
	natsStatus st;
	char subj[sizeof(so->subject) + 4], buf[sizeof(so->servers)], *save = NULL, *tok;
	int n = 0, ret = 1;

	snprintf(buf, sizeof(buf), "%s", so->servers);
	for (tok = strtok_r(buf, ",", &save); tok && n < MMT_SINK_MAX_SERVERS;
	     tok = strtok_r(NULL, ",", &save))
		servers[n++] = tok;
	if (natsOptions_Create(&no) != NATS_OK) {
		fputs("mmtrace: failed to read the stream: out of memory\n", stderr);
		return 1;
	}
	natsOptions_SetServers(no, servers, n);
	natsOptions_SetMaxReconnect(no, -1);
	natsOptions_SetReconnectWait(no, 250);
	natsOptions_SetTimeout(no, 2000);
	st = natsConnection_Connect(&nc, no);
	if (st != NATS_OK) {
		fprintf(stderr, "mmtrace: failed to connect to NATS %s: %s\n", so->servers,
			natsStatus_GetText(st));
		goto cleanup;
	}
	if ((st = natsConnection_JetStream(&js, nc, NULL)) != NATS_OK)
		goto nats_error;
	jsSubOptions_Init(&jso);
	jso.Stream = so->stream;
	jso.Config.AckPolicy = js_AckExplicit;
	jso.Config.AckWait = 5LL * 1000000000LL; /* ns: redelivery after a crash */
	jso.Config.MaxAckPending = 4 * BATCH;
	snprintf(subj, sizeof(subj), "%s.>", so->subject);
	/* the consumer may be a moment away after a server restart */
	for (int tries = 0; tries < 50 && !*stop; tries++) {
		st = js_PullSubscribe(&sub, js, subj, durable, NULL, &jso, &jerr);
		if (st == NATS_OK)
			break;
		usleep(200 * 1000);
	}
	if (st != NATS_OK)
		goto nats_error;
	ret = consume(sub, idle_exit, fn, ctx, stop);
	goto cleanup;
nats_error:
	fprintf(stderr, "mmtrace: failed to read the stream %s: %s (%d)\n", so->stream,
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
	return ret;
}
