/* SPDX-License-Identifier: GPL-2.0 */
/*
 * options.h - what the command line asks for: the parsed options, and the
 * parser that fills them from argv.
 */
#ifndef MMT_CLI_OPTIONS_H
#define MMT_CLI_OPTIONS_H

#include <stdbool.h>
#include <sys/types.h>
#include "sinks/sink.h"
#include "outputs/output.h"

#define MMT_MAX_PIDS 64
#define MMT_MAX_SCOPE_VALUES 64
#define MMT_MAX_USER_FILTERS 16

/* A filter user space applies: the event's node mask contains node. */
struct mmt_node_filter {
	int event;
	int arg;
	int node;
};

/* --attach: the way in to the syscalls (cli/ways.h) */
enum mmt_attach_mode {
	MMT_ATTACH_AUTO, /* per-syscall tracepoints; raw ones while ia32 runs */
	MMT_ATTACH_RAW, /* raw sys_enter/sys_exit: every task, every syscall */
	MMT_ATTACH_SYSCALL, /* per-syscall tracepoints only: no ia32 */
};

/* A filter user space applies: the call's duration (EVENT.latency OP US). */
struct mmt_latency_filter {
	int event;
	int op; /* enum mmt_pred_op: =, !=, <, <=, >, >= */
	__u64 ns;
};

/* mmtrace read: what reading recorded events takes besides the options
 * of live tracing */
struct mmt_read_options {
	const char *url; /* nats://HOST:PORT[,...][/SUBJECT] */
	const char *hosts[MMT_MAX_SCOPE_VALUES]; /* --host */
	int nhosts;
	const char *durable; /* the consumer's name */
	unsigned int idle_exit; /* s without an event, then exit; 0: never */
	/* JSON rendered again from the event (--parse-arguments,
	 * --tracee-format, -T), else written as recorded */
	bool rerender;
};

struct mmt_options {
	bool reading; /* mmtrace read: the events come from a stream */
	struct mmt_read_options read;
	bool selected[MMT_EV_COUNT];
	bool any_selected; /* an -e item selected events (else: all of them) */
	bool deselected[MMT_EV_COUNT]; /* -e '!NAME', '!%CLASS' */
	enum mmt_format format;
	bool parse_args;
	enum mmt_tracee_format tracee_format; /* JSON argument type names */
	bool stats;
	enum mmt_attach_mode attach; /* the way in: see cli/ways.h */
	/* scopes, evaluated in the kernel */
	pid_t pids[MMT_MAX_PIDS];
	int npids;
	pid_t tids[MMT_MAX_PIDS];
	int ntids;
	bool end_with_targets; /* -p: stop once every pid and tid is gone */
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
	struct mmt_latency_filter latency_filters[MMT_MAX_USER_FILTERS];
	int nlatency_filters;
	/* summary mode */
	bool summary;
	bool histogram;
	enum mmt_summary_by summary_by;
	unsigned int interval; /* seconds, 0: at exit only */
	/* --stack: the call site of each call (unwound in user space) */
	bool stack;
	/* -c --summary-by stack: per call site, counted in user space from
	 * records (stack is set too); top: the sites printed, 0 all */
	bool stack_summary;
	unsigned int top;
	bool placement; /* --placement: pages per node of -p / COMMAND */
	/* table output */
	enum mmt_column columns[MMT_COL_COUNT];
	int ncolumns;
	int color; /* 0 never, 1 always, -1 auto (a terminal) */
	const char *output_file;
	enum mmt_time_fmt time_fmt; /* -t, -tt, -ttt, -r */
	bool durations; /* -T */
	__u64 min_latency_ns; /* --duration, .latency filters: calls this long */
	const char *metrics; /* --metrics ADDR:PORT, or NULL */
	bool nats; /* -o nats://...: sink holds where */
	struct mmt_sink_opts sink;
	unsigned long buffer_size; /* ring buffer bytes, power of two */
	/* --overflow=drop: a full buffer drops records rather than slowing the
	 * traced calls with a wake-up each (see syscalls.bpf.h) */
	bool overflow_drop;
	unsigned int order_window_ms; /* hold-back to merge CPUs in time order */
	/* --reader-nice: the reading thread's nice value while it reads; set
	 * when given (a failure to take it is then reported) */
	int reader_nice;
	bool reader_nice_set;
	enum mmt_kcopy_method kernel_copy;
	/* argument context read in the kernel at entry */
	bool fd_paths; /* -y, --fd-paths: the file each fd argument names */
	bool mappings; /* --mappings: the mapping an address range starts in */
	/* --detect: findings from src/detect/, and its allow-list */
	bool detect;
	bool findings_only; /* --detect-only: write findings, not the events */
	const char *detect_allow[MMT_MAX_SCOPE_VALUES];
	int ndetect_allow;
	char **command; /* NULL-terminated argv, or NULL */
};

/*
 * Parse argv into *o. Returns 0, -1 after --help or --version (exit 0), or
 * MMT_EXIT_USAGE after printing what is wrong.
 */
int mmt_parse_options(int argc, char **argv, struct mmt_options *o);

/*
 * The same for `mmtrace read` (argv[0] is "read"): the options of live
 * tracing that apply to recorded events (event selection and filters,
 * scopes, --failed, --duration, output and summary), each parsed by the
 * same code, and read's own (--host, --durable, --idle-exit,
 * --nats-stream); the others are refused. o->reading is set.
 */
int mmt_parse_read_options(int argc, char **argv, struct mmt_options *o);

#endif /* MMT_CLI_OPTIONS_H */
