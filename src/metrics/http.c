// SPDX-License-Identifier: GPL-2.0
/*
 * http.c - the /metrics endpoint, served by libmicrohttpd's own thread.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <microhttpd.h>
#include "metrics/metrics.h"

#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

static struct MHD_Daemon *daemon_;

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int code, const char *text,
			     size_t len)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, (void *)text, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, CONTENT_TYPE);
	ret = MHD_queue_response(conn, code, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_size, void **state)
{
	static const char not_found[] = "mmtrace serves /metrics only\n";
	struct outbuf ob;
	enum MHD_Result ret;

	(void)cls;
	(void)version;
	(void)upload_data;
	(void)upload_size;
	(void)state;
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, not_found,
			     sizeof(not_found) - 1);
	if (strcmp(url, "/metrics"))
		return reply(conn, MHD_HTTP_NOT_FOUND, not_found, sizeof(not_found) - 1);
	if (ob_init(&ob, -1, 64 << 10))
		return MHD_NO;
	mmt_metrics_render(&ob);
	ret = ob.err ? MHD_NO : reply(conn, MHD_HTTP_OK, ob.buf, ob.len);
	ob_free(&ob);
	return ret;
}

int mmt_metrics_start(const char *addr)
{
	struct sockaddr_storage ss;
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD;

	if (mmt_metrics_parse_addr(addr, &ss)) {
		fprintf(stderr, "mmtrace: invalid --metrics address '%s' (ADDR:PORT)\n", addr);
		return -1;
	}
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	daemon_ = MHD_start_daemon(flags, 0, NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR,
				   (struct sockaddr *)&ss, MHD_OPTION_CONNECTION_LIMIT, 16U,
				   MHD_OPTION_CONNECTION_TIMEOUT, 10U, MHD_OPTION_END);
	if (!daemon_) {
		fprintf(stderr, "mmtrace: failed to serve metrics on %s: %s\n", addr,
			errno ? strerror(errno) : "address in use or not available");
		return -1;
	}
	mmt_metrics_on = true;
	return 0;
}

void mmt_metrics_stop(void)
{
	if (daemon_)
		MHD_stop_daemon(daemon_);
	daemon_ = NULL;
	mmt_metrics_on = false;
}
