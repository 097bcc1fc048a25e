/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcopy.h - the kernel's own copy of the node masks (--kernel-copy).
 *
 * mmt_kcopy_choose() probes the hook --kernel-copy asks for and returns its
 * MMT_KCOPY_FEXIT or MMT_KCOPY_KPROBE, or MMT_KCOPY_REREAD when there is none (with a note
 * on stderr when one was asked for by name). mmt_kcopy_autoload() tells
 * libbpf which of the hook's programs to load for method m, and the
 * programs whether records need room for the kernel's copies.
 * mmt_kcopy_attach() attaches them, turns the hook on in the kernel and
 * returns the method in force; mmt_kcopy_note() tells why a hook is not used.
 */
#ifndef MMT_CLI_KCOPY_H
#define MMT_CLI_KCOPY_H

#include "cli/options.h"

/* The kernel function that copies a node mask in (mm/mempolicy.c). */
#define MMT_KCOPY_FUNC "get_nodes"

struct mmtrace_bpf;
int mmt_kcopy_choose(const struct mmt_options *o);
void mmt_kcopy_autoload(struct mmtrace_bpf *skel, int m);
int mmt_kcopy_attach(struct mmtrace_bpf *skel, const struct mmt_options *o, int m);
void mmt_kcopy_note(const struct mmt_options *o, int m, const char *why);

#endif /* MMT_CLI_KCOPY_H */
