/* SPDX-License-Identifier: GPL-2.0 */
/*
 * detect_cmd.h - `mmtrace detect FILE` (the findings of a JSON recording)
 * and the parsing of --detect-allow, shared with the live options.
 */
#ifndef MMT_CLI_DETECT_CMD_H
#define MMT_CLI_DETECT_CMD_H

#include "cli/options.h"

/* --detect-allow EXE[:RULE]: 0, or MMT_EXIT_USAGE after printing why */
int mmt_parse_detect_allow(struct mmt_options *o, const char *arg);

/* `mmtrace detect [--detect-allow ...] FILE`: findings of a JSON recording */
int mmt_detect_main(int argc, char **argv);

#endif /* MMT_CLI_DETECT_CMD_H */
