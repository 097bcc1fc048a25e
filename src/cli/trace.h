/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace.h - one tracing run, from the checks before loading to the exit
 * status.
 */
#ifndef MMT_CLI_TRACE_H
#define MMT_CLI_TRACE_H

#include "cli/options.h"

/* Trace as opts asks; returns the exit status (the command's, with one). */
int mmt_trace(const struct mmt_options *opts);

#endif /* MMT_CLI_TRACE_H */
