/* SPDX-License-Identifier: GPL-2.0 */
/*
 * errors.h - how the command line reports a failure: one line on stderr,
 * "mmtrace: failed to <verb> <object>: <reason>", and exit status 2 for a
 * usage error.
 */
#ifndef MMT_CLI_ERRORS_H
#define MMT_CLI_ERRORS_H

#define MMT_EXIT_USAGE 2

/* Print "mmtrace: <msg>" on stderr. */
void mmt_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The help a usage error points to ("mmtrace read --help"). */
void mmt_usage_help(const char *command_help);

/* Print "mmtrace: <msg> (see mmtrace --help)" and return MMT_EXIT_USAGE. */
int mmt_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* MMT_CLI_ERRORS_H */
