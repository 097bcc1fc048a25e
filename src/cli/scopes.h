/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scopes.h - whom to trace: the pids, tids, comms, cgroups and containers
 * of the options, put into the BPF filter maps after the programs load.
 */
#ifndef MMT_CLI_SCOPES_H
#define MMT_CLI_SCOPES_H

#include <sys/types.h>
#include "cli/options.h"

struct mmtrace_bpf;

/* Fill the filter maps; child (if > 0) is the traced command. 0 or -1. */
int mmt_scopes_fill(struct mmtrace_bpf *skel, const struct mmt_options *o, pid_t child);

/* Look for the cgroups of --container again: new containers start. */
void mmt_scopes_refresh(struct mmtrace_bpf *skel, const struct mmt_options *o);

#endif /* MMT_CLI_SCOPES_H */
