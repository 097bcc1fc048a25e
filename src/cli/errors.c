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

static const char *help = "mmtrace --help";

void mmt_usage_help(const char *command_help)
{
	help = command_help;
}

int mmt_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("mmtrace: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see %s)\n", help);
	return MMT_EXIT_USAGE;
}
