// SPDX-License-Identifier: GPL-2.0
/*
 * errors.c - one concern: printing the command line's error lines.
 */
#include <stdarg.h>
#include <stdio.h>
#include "cli/errors.h"

void mmt_err(const char *fmt, ...)
{
	va_list ap;

	fputs("mmtrace: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int mmt_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("mmtrace: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see mmtrace --help)\n", stderr);
	return MMT_EXIT_USAGE;
}
