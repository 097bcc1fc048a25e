/* SPDX-License-Identifier: GPL-2.0 */
/*
 * load.h - the BPF programs: opened, configured from the options (.rodata),
 * the ones needed chosen, loaded, attached.
 */
#ifndef MMT_CLI_LOAD_H
#define MMT_CLI_LOAD_H

#include <sys/types.h>
#include "cli/options.h"

struct mmtrace_bpf;

/* Keep libbpf quiet unless MMTRACE_DEBUG is set. */
void mmt_load_quiet(void);

/*
 * Open, configure and load the programs into *skel; child (if > 0) is the
 * traced command. *kcopy is the kernel copy method to load (enum
 * mmt_toctou_method): if its program does not load, the rest loads without
 * it and *kcopy becomes MMT_KCOPY_REREAD. 0, or -1 after an error line.
 */
int mmt_load(const struct mmt_options *o, pid_t child, int *kcopy, struct mmtrace_bpf **skel);

/* Attach the loaded programs, then the kernel copy hook, which may fall
 * back: *kcopy becomes the method in force. 0, or -1 after an error line. */
int mmt_attach(struct mmtrace_bpf *skel, const struct mmt_options *o, int *kcopy);

/* Detach and unload the programs (skel may be NULL). */
void mmt_unload(struct mmtrace_bpf *skel);

#endif /* MMT_CLI_LOAD_H */
