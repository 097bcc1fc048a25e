/* SPDX-License-Identifier: GPL-2.0 */
/*
 * top_cmd.h - `mmtrace top`: the live view's loop (load, poll the kernel's
 * counts, fold them with src/top/view.c, print, read keys).
 */
#ifndef MMT_CLI_TOP_CMD_H
#define MMT_CLI_TOP_CMD_H

/* `mmtrace top ...`: argv[0] is "top". The exit status. */
int mmt_top_main(int argc, char **argv);

#endif /* MMT_CLI_TOP_CMD_H */
