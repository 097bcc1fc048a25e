/* SPDX-License-Identifier: GPL-2.0 */
/*
 * reader.h - the events of many hosts, read back from the JetStream
 * stream through a durable pull consumer (`mmtrace read`; its options and
 * output are cli/read_cmd.c's).
 */
#ifndef MMT_READER_H
#define MMT_READER_H

#include <signal.h>
#include <stddef.h>
#include "sinks/sink.h"

/*
 * One message's data (an event's JSON line, no newline). Returns 0 once it
 * is written out (the message is then acknowledged), 1 to stop quietly
 * (whoever read the output left), -1 to stop on a write error (printed).
 */
typedef int (*mmt_reader_fn)(void *ctx, const char *data, size_t len);

/*
 * Connect to so's servers, bind the durable consumer named durable to
 * so's stream and subject, and hand each message to fn, acknowledging it
 * after fn returns 0, until *stop is set (a signal), idle_exit seconds
 * pass without a message (0: never) or fn stops. Returns 0, or 1 after
 * printing why.
 */
int mmt_reader_run(const struct mmt_sink_opts *so, const char *durable, unsigned int idle_exit,
		   mmt_reader_fn fn, void *ctx, volatile sig_atomic_t *stop);

#endif /* MMT_READER_H */
