// SPDX-License-Identifier: GPL-2.0
/*
 * http_none.c - --metrics in a build without libmicrohttpd (METRICS=0).
 */
#include <stdio.h>
#include "metrics/metrics.h"

int mmt_metrics_start(const char *addr)
{
	(void)addr;
	fputs("mmtrace: failed to serve metrics: this mmtrace was built without libmicrohttpd (METRICS=0)\n",
	      stderr);
	return -1;
}

void mmt_metrics_stop(void)
{
}
