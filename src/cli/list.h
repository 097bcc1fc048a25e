/* SPDX-License-Identifier: GPL-2.0 */
/*
 * list.h - `mmtrace list`: the event catalogue and the page of one event.
 */
#ifndef MMT_CLI_LIST_H
#define MMT_CLI_LIST_H

/* argv[0] is "list"; returns the exit status. */
int mmt_list_main(int argc, char **argv);

#endif /* MMT_CLI_LIST_H */
