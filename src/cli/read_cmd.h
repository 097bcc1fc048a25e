/* SPDX-License-Identifier: GPL-2.0 */
/*
 * read_cmd.h - `mmtrace read nats://...`: the events many hosts sent,
 * through the filters, scopes and outputs of live tracing.
 */
#ifndef MMT_CLI_READ_CMD_H
#define MMT_CLI_READ_CMD_H

/* argv[0] is "read". Returns the exit status. */
int mmt_read_main(int argc, char **argv);

#endif /* MMT_CLI_READ_CMD_H */
