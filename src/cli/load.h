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
struct mmt_ways;

/* Keep libbpf quiet unless MMTRACE_DEBUG is set. */
void mmt_load_quiet(void);

struct mmt_cpu_rings;

/*
 * Open, configure and load the programs into *skel; child (if > 0) is the
 * traced command. *kcopy is the kernel copy method to load (enum
 * mmt_toctou_method): if its program does not load, the rest loads without
 * it and *kcopy becomes MMT_KCOPY_REREAD. rings: the per-CPU ring buffers
 * made, or waited for after mmt_load_rings_begin() (NULL: none, for counts
 * only). 0, or -1 after an error line.
 */
int mmt_load(const struct mmt_options *o, const struct mmt_ways *w, pid_t child, int *kcopy,
	     struct mmtrace_bpf **skel, struct mmt_cpu_rings *rings);

/* Start making the CPUs' ring buffers for mmt_load() in the background:
 * the grace period the kernel waits when they are put in their array then
 * passes while the probes and the programs' open go on. */
void mmt_load_rings_begin(const struct mmt_options *o, struct mmt_cpu_rings *rings);

/* Attach the loaded programs, then the kernel copy hook, which may fall
 * back: *kcopy becomes the method in force. 0, or -1 after an error line. */
int mmt_attach(struct mmtrace_bpf *skel, const struct mmt_options *o, int *kcopy);

/* Detach and unload the programs (skel may be NULL). */
/* The bytes of each CPU's ring buffer. */
size_t mmt_load_ring_bytes(const struct mmt_options *o);

void mmt_unload(struct mmtrace_bpf *skel);

#endif /* MMT_CLI_LOAD_H */
