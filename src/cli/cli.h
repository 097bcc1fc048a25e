/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cli.h - what the command line asks for, and the commands that act on it.
 */
#ifndef MMT_CLI_H
#define MMT_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include "outputs/output.h"
#include "sinks/sink.h"

#define MMT_EXIT_USAGE 2
#define MMT_MAX_PIDS 64
#define MMT_MAX_SCOPE_VALUES 64
#define MMT_MAX_USER_FILTERS 16

/* A filter user space applies: the event's node mask contains node. */
struct mmt_node_filter {
	int event;
	int arg;
	int node;
};

/* --kernel-copy: which hook reads the kernel's own copy of the node masks */
enum mmt_kcopy_mode {
	MMT_KCOPY_AUTO, /* fexit, else kprobe, else none */
	MMT_KCOPY_FEXIT,
	MMT_KCOPY_KPROBE,
	MMT_KCOPY_OFF, /* none: the entry-exit re-read only */
};

/* The kernel function that copies a node mask in (mm/mempolicy.c). */
#define MMT_KCOPY_FUNC "get_nodes"

struct mmt_options {
	bool selected[MMT_EV_COUNT];
	enum mmt_format format;
	bool parse_args;
	bool stats;
	bool syscall_tracepoints; /* per-syscall tracepoints: 64-bit only */
	/* scopes, evaluated in the kernel */
	pid_t pids[MMT_MAX_PIDS];
	int npids;
	pid_t tids[MMT_MAX_PIDS];
	int ntids;
	const char *comms[MMT_MAX_SCOPE_VALUES];
	int ncomms;
	const char *not_comms[MMT_MAX_SCOPE_VALUES];
	int nnot_comms;
	bool uid_scope;
	__u32 uid_min, uid_max;
	__u64 cgroups[MMT_MAX_SCOPE_VALUES];
	int ncgroups;
	const char *containers[MMT_MAX_SCOPE_VALUES]; /* ids, or "all" */
	int ncontainers;
	bool follow;
	bool failed_only;
	/* argument and return value filters */
	struct mmt_pred preds[MMT_EV_COUNT][MMT_MAX_PREDS];
	int npreds[MMT_EV_COUNT];
	struct mmt_node_filter node_filters[MMT_MAX_USER_FILTERS];
	int nnode_filters;
	/* summary mode */
	bool summary;
	bool histogram;
	enum mmt_summary_by summary_by;
	unsigned int interval; /* seconds, 0: at exit only */
	/* table output */
	enum mmt_column columns[MMT_COL_COUNT];
	int ncolumns;
	int color; /* 0 never, 1 always, -1 auto (a terminal) */
	const char *output_file;
	const char *metrics; /* --metrics ADDR:PORT, or NULL */
	bool nats; /* -o nats://...: sink holds where */
	struct mmt_sink_opts sink;
	unsigned long buffer_size; /* ring buffer bytes, power of two */
	enum mmt_kcopy_mode kernel_copy;
	char **command; /* NULL-terminated argv, or NULL */
};

/* Print "mmtrace: <msg> (see mmtrace --help)" and return MMT_EXIT_USAGE. */
int mmt_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Parse one -e item: an event name, or a filter on an event:
 * EVENT.args.NAME OP VALUE, EVENT.retval OP VALUE, EVENT.args.NAME.nodes=N
 * with OP one of = != < <= > >= & (any of the bits). Selects the event.
 * Returns 0, or MMT_EXIT_USAGE after printing what is wrong.
 */
int mmt_parse_event_item(struct mmt_options *o, const char *item);

/* Print "mmtrace: <msg>" on stderr. */
void mmt_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Does an fexit program attach at func / a kprobe and a kretprobe at it, on
 * this kernel (tried, then undone)? 0, or -1 with *why set (static text).
 */
int mmt_probe_fexit(const char *func, const char **why);
int mmt_probe_kprobe(const char *func, const char **why);

/*
 * The kernel copy of the node masks (kcopy.c). mmt_kcopy_choose() probes
 * the hook --kernel-copy asks for and returns its MMT_TOCTOU_KCOPY_*, or
 * MMT_TOCTOU_REREAD when there is none (with a note on stderr when one was
 * asked for by name). mmt_kcopy_program() says whether the BPF program
 * named prog is to be loaded for method m (-1: not a kcopy program).
 * mmt_kcopy_attach() attaches it, turns it on in the kernel and returns the
 * method in force; mmt_kcopy_note() tells why a hook is not used.
 */
struct mmtrace_bpf;
int mmt_kcopy_choose(const struct mmt_options *o);
int mmt_kcopy_program(const char *prog, int m);
int mmt_kcopy_attach(struct mmtrace_bpf *skel, const struct mmt_options *o, int m);
void mmt_kcopy_note(const struct mmt_options *o, int m, const char *why);

int mmt_list_main(int argc, char **argv);
int mmt_features_main(void);
/* Mount tracefs on /sys/kernel/tracing unless it is there; 0 or -1. */
int mmt_ensure_tracefs(void);
int mmt_trace(const struct mmt_options *opts);

#endif /* MMT_CLI_H */
