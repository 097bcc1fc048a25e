/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probe.h - what the running kernel offers a tracer, found out by trying
 * (a tiny program loaded and attached, a file looked for), never from its
 * version: tracefs, tracepoints, BTF, fexit, kprobes, the ring buffer.
 */
#ifndef MMT_CLI_PROBE_H
#define MMT_CLI_PROBE_H

#include <stdbool.h>
#include <linux/bpf.h>

struct btf;

/* Mount tracefs on /sys/kernel/tracing unless it is there; 0 or -1. */
int mmt_ensure_tracefs(void);

/* Is rel (e.g. "events/syscalls") under tracefs, in either place it mounts? */
bool mmt_tracefs_has(const char *rel);

/* Does this kernel have the per-syscall tracepoint sys_enter_<syscall>? */
bool mmt_probe_syscall_tp(const char *syscall);

/*
 * Load "return 0" as a tracing program of type at func (in btf), then
 * attach it, then undo both. 0, or -1 with *why set (static text).
 */
int mmt_probe_tracing(struct btf *btf, enum bpf_attach_type type, const char *func,
		      const char **why);

/*
 * Does an fexit program attach at func / a kprobe and a kretprobe at it, on
 * this kernel (tried, then undone)? 0, or -1 with *why set (static text).
 */
int mmt_probe_fexit(const char *func, const char **why);
int mmt_probe_kprobe(const char *func, const char **why);

/* Does btf name a type of this kind (BTF_KIND_*)? */
bool mmt_probe_btf(const struct btf *btf, const char *name, int kind);

/* Does the kernel offer BPF ring buffers? */
bool mmt_probe_ringbuf(void);

/* Can tracing programs look up a mapping (bpf_find_vma(), Linux 5.17)? */
bool mmt_probe_find_vma(void);

/* Is the running kernel's release major.minor or later (uname)? */
bool mmt_probe_kernel_at_least(int major, int minor);

/* Is path there? */
bool mmt_probe_path(const char *path);

/* Does /proc/kallsyms list sym? */
bool mmt_probe_kallsyms(const char *sym);

#endif /* MMT_CLI_PROBE_H */
