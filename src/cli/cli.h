/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cli.h - what the command line asks for, and the commands that act on it.
 */
#ifndef MMT_CLI_H
#define MMT_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include "outputs/output.h"

#define MMT_EXIT_USAGE 2
#define MMT_MAX_PIDS 64

struct mmt_options {
	bool selected[MMT_EV_COUNT];
	enum mmt_format format;
	bool parse_args;
	bool stats;
	bool syscall_tracepoints; /* per-syscall tracepoints: 64-bit only */
	pid_t pids[MMT_MAX_PIDS];
	int npids;
	const char *output_file;
	unsigned long buffer_size; /* ring buffer bytes, power of two */
	char **command; /* NULL-terminated argv, or NULL */
};

/* Print "mmtrace: <msg>" on stderr. */
void mmt_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int mmt_list_main(int argc, char **argv);
int mmt_trace(const struct mmt_options *opts);

#endif /* MMT_CLI_H */
