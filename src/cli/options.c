// SPDX-License-Identifier: GPL-2.0
/*
 * options.c - one concern: turning argv into struct mmt_options (the help
 * text, each option's syntax and the checks of how options combine).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include "cli/detect_cmd.h"
#include "cli/errors.h"
#include "cli/filters.h"
#include "cli/options.h"
#include "stack/stack.h"

#define DEFAULT_BUFFER_SIZE (16UL << 20)
#define DEFAULT_ORDER_WINDOW_MS 10
/* Two threads calling set_mempolicy on both CPUs of a 2-CPU machine, the
 * reader writing JSON: at nice 0 it lost 0-204 000 of 1.1 M records and
 * slowed the calls to 1.7-2.8 us; at -10 nothing lost, 0.70-0.90 us. */
#define DEFAULT_READER_NICE (-10)
/* --stack: each record carries 12 KiB of stack */
#define STACK_BUFFER_SIZE (64UL << 20)

static const char usage_text[] =
	"Usage: mmtrace [OPTION...] [-- COMMAND [ARG...]]\n"
	"       mmtrace list [--markdown] [EVENT] | mmtrace list --rules\n"
	"       mmtrace detect [--detect-allow EXE[:RULE]]... [--stats] [-o json] FILE\n"
	"       mmtrace read nats://HOST:PORT[,...][/SUBJECT] [OPTION...]\n"
	"       mmtrace report FILE.json [-o FILE.html]\n"
	"       mmtrace top [-b] [-n N] [-d SECONDS] [--by pid|cgroup] [-s KEY] [-p PID]...\n"
	"                   [--nodes|--no-nodes]\n"
	"       mmtrace --features\n"
	"\n"
	"Trace memory-placement and memory-mapping syscalls system-wide with eBPF,\n"
	"decoding every argument (flags, policy modes, node masks read from user\n"
	"memory). Without COMMAND it traces every process until interrupted; with\n"
	"COMMAND it runs it, traces it and its descendants, and exits with its status.\n"
	"\n"
	"What to trace (without -e, every event):\n"
	"  -e, --events ITEM[,ITEM...]   an event name (`mmtrace list` names them); a\n"
	"                                set as strace's -e trace=SET: all, %memory\n"
	"                                (every syscall), %numa (the NUMA policy and\n"
	"                                migration calls, the kernel's migration\n"
	"                                events), !NAME or !%CLASS (all but);\n"
	"                                or a filter that also selects its event:\n"
	"                                EVENT.args.NAME OP VALUE, EVENT.retval OP VALUE\n"
	"                                (OP: = != < <= > >= &; VALUE: a number in the\n"
	"                                field's C type, or constants by name, A|B),\n"
	"                                EVENT.args.NAME.nodes=N, EVENT.latency OP US\n"
	"                                (the call's duration in microseconds)\n"
	"                                Events add up. Filters of one event: '=' values\n"
	"                                of one field OR (any of them), everything else\n"
	"                                ANDs. '&A|B' matches a value with any of the\n"
	"                                bits A, B set.\n"
	"  -e trace=SET                  the same, in strace's spelling\n"
	"\n"
	"Whom to trace (in the kernel; kinds AND together, repeated values OR):\n"
	"  -p, --pid PID[,PID...]        these processes, or threads for thread ids\n"
	"                                (repeatable); mmtrace ends when all are gone\n"
	"      --tid TID                 this thread (repeatable)\n"
	"      --comm NAME               processes with this name (repeatable)\n"
	"      --not-comm NAME           not processes with this name (repeatable)\n"
	"      --uid UID                 this user; or a range with --uid-min/--uid-max\n"
	"      --cgroup PATH|ID          this cgroup v2 group (repeatable)\n"
	"      --container ID|all        this container (id or prefix), or any container\n"
	"      --follow                  also the descendants of matching processes\n"
	"      --failed                  only calls that returned an error\n"
	"\n"
	"Output (with COMMAND, to stderr, as strace; else to stdout):\n"
	"  -o, --output FORMAT[:FILE]    table (default), json (Tracee's layout) or\n"
	"                                strace (strace's name(args) = ret lines);\n"
	"                                with :FILE, written to FILE; or nats://...\n"
	"                                (JSON to NATS JetStream, see below)\n"
	"  -o FILE                       any other value is a file (as strace's -o)\n"
	"      --output-file FILE        write events to FILE\n"
	"  -t, -tt, -ttt                 time of day, with microseconds, or seconds\n"
	"                                since the epoch (table TIME column, strace)\n"
	"  -r                            time since the previous call\n"
	"  -T                            each call's duration: <seconds> (strace),\n"
	"                                a LATENCY column (table), \"duration\" in\n"
	"                                ns (json, a key of mmtrace's own)\n"
	"      --duration MS             only calls that took at least MS milliseconds\n"
	"      --parse-arguments         JSON: pointers as hex strings, flags and\n"
	"                                modes as names (default: raw numbers)\n"
	"      --tracee-format VERSION   JSON argument types: v0.24 (default: Go type\n"
	"                                names, as Tracee >= v0.24 reads them) or\n"
	"                                v0.23 (C type names, for older consumers)\n"
	"      --columns LIST            table columns, in order: TIME,UID,COMM,PID,TID,\n"
	"                                RET,EVENT,ARGS,LATENCY,CPU,CONTAINER,EXE (ARGS,\n"
	"                                whose width varies, is always last)\n"
	"  -y, --fd-paths                each fd argument with the file it names,\n"
	"                                resolved in the kernel at entry: 3</etc/passwd>\n"
	"                                (strace -y); JSON: \"path\", \"device\", \"inode\"\n"
	"      --mappings                address-range calls (mprotect, munmap, madvise...)\n"
	"                                with the mapping at their start before the call:\n"
	"                                bounds, protection, file, [heap], [stack], and\n"
	"                                how many mappings the range covers\n"
	"      --color WHEN              colour failed calls: auto (a terminal, unless\n"
	"                                NO_COLOR is set), always, never\n"
	"      --stack                   the user stack of each call, unwound with\n"
	"                                DWARF CFI (like strace -k): frames under\n"
	"                                each row, stackAddresses and stack in JSON\n"
	"  -c, --summary                 count calls, errors and latency per event in\n"
	"                                the kernel; print a summary at exit\n"
	"      --summary-by KEY          one summary per comm, pid or cgroup; or per\n"
	"                                call site (stack: calls, errors, latency of\n"
	"                                each distinct user stack, top --top N)\n"
	"      --top N                   with --summary-by stack: the N busiest call\n"
	"                                sites (default 10, 0: all)\n"
	"      --histogram               with -c: a log2 latency histogram per event\n"
	"      --interval SECONDS        with -c: print the summary every SECONDS too;\n"
	"                                with --stats: print the stats line as often;\n"
	"                                with --placement: sample as often\n"
	"      --metrics ADDR:PORT       serve Prometheus metrics on ADDR:PORT/metrics\n"
	"\n"
	"Sending events to NATS JetStream (-o nats://HOST:PORT[,HOST:PORT...][/SUBJECT]):\n"
	"                                each event's JSON line to SUBJECT.HOST.EVENT\n"
	"                                (SUBJECT: mmtrace), acknowledged, spooled while\n"
	"                                no server answers; read with `mmtrace read`\n"
	"      --nats-stream NAME        the stream, created if missing (default MMTRACE)\n"
	"      --nats-replicas N         replicas of a stream mmtrace creates (default 1)\n"
	"      --spool-memory BYTES      events held in memory (default 64M)\n"
	"      --spool-file BYTES        then in a file (default 1G; 0: none)\n"
	"      --spool-dir DIR           the file's folder (default /var/spool/mmtrace);\n"
	"                                at start, the events that ended runs left\n"
	"                                there are sent first, with their message ids\n"
	"      --drain-timeout SECONDS   at exit, wait up to SECONDS for the events\n"
	"                                held to be acknowledged (default 10, 0: no\n"
	"                                wait); the rest is kept in the spool file for\n"
	"                                the next run (without one: dropped, counted)\n"
	"\n"
	"      --stats                   print event, loss and filter counts as a JSON\n"
	"                                line on stderr at exit\n"
	"      --placement               with -p or COMMAND: pages per NUMA node from\n"
	"                                /proc/PID/numa_maps at start, every --interval\n"
	"                                and at exit, as \"placement\" records, then a\n"
	"                                summary (before/after, pages moved by reason,\n"
	"                                policy calls); with COMMAND and --follow, each\n"
	"                                process it creates too (attached with ptrace)\n"
	"      --detect                  also write findings (mmtrace list --rules):\n"
	"                                W+X memory, write-then-execute, one file\n"
	"                                mapped writable and executable, memory calls\n"
	"                                on other processes, sealed-memory tampering\n"
	"      --detect-only             --detect, writing the findings only\n"
	"      --detect-allow EXE[:RULE] no findings (of RULE only) for this\n"
	"                                executable path, e.g. a JIT (repeatable)\n"
	"\n"
	"Mechanics:\n"
	"      --buffer-size BYTES       ring buffer size, a power of two with an\n"
	"                                optional K or M suffix (default: 16M; 64M\n"
	"                                with --stack), shared by one buffer per CPU\n"
	"                                (at least 4K each)\n"
	"      --overflow POLICY         when the reader falls behind: slow (default):\n"
	"                                past half of a CPU's buffer, each record\n"
	"                                wakes the reader, which slows the traced\n"
	"                                calls and keeps records; drop: one wake-up\n"
	"                                in 64 records, calls are never slowed, and\n"
	"                                records that find the buffer full are\n"
	"                                dropped and counted\n"
	"      --reader-nice N           the nice value of the thread that reads the\n"
	"                                records, from -20 to 19 (default -10, unless\n"
	"                                mmtrace was started with a nice value of its\n"
	"                                own): on a busy machine a reader with the\n"
	"                                weight of a traced thread falls behind it\n"
	"                                (the traced calls are then slowed, or records\n"
	"                                dropped); the traced command keeps its own\n"
	"      --order-window MS         hold records MS ms to print them in time\n"
	"                                order across CPUs (default 10; 0: in the\n"
	"                                order read; one that comes later than that\n"
	"                                is printed and counted in --stats' late)\n"
	"      --attach WAY              auto (default): the per-syscall tracepoints\n"
	"                                of the selected syscalls for 64-bit tasks,\n"
	"                                and the raw syscall tracepoints while a\n"
	"                                32-bit (ia32) process exists; raw: the raw\n"
	"                                ones only (they run on every syscall);\n"
	"                                syscall: the per-syscall ones only, blind\n"
	"                                to 32-bit processes\n"
	"      --syscall-tracepoints     the same as --attach=syscall\n"
	"      --kernel-copy HOOK        read the node masks the kernel itself copied\n"
	"                                (get_nodes) to prove a mask changed during\n"
	"                                the call (TOCTOU): auto (fexit, else kprobe,\n"
	"                                else none), fexit, kprobe, off; without one,\n"
	"                                masks are read again at exit and compared\n"
	"      --features                what this kernel offers a tracer (probed),\n"
	"                                and what mmtrace uses of it\n"
	"  -h, --help                    show this help\n"
	"  -V, --version                 show the version\n"
	"\n"
	"Examples:\n"
	"  mmtrace                                   # every event, every process\n"
	"  mmtrace -e set_mempolicy,migrate_pages    # only these two events\n"
	"  mmtrace -e trace=%numa -o strace -- numactl --membind=0 true\n"
	"  mmtrace -e 'mmap.args.length=8192' -e 'mmap.args.length=4096'  # either\n"
	"  mmtrace -o json -- numactl --membind=0 true\n"
	"  mmtrace -e 'mremap.args.flags&MREMAP_FIXED' --comm java\n"
	"  mmtrace -e 'set_mempolicy.args.mode=MPOL_BIND' -e 'migrate_pages.retval>0'\n"
	"  mmtrace -e 'mbind.args.nodemask.nodes=3' --uid-min 1000 --failed\n"
	"  mmtrace -c --summary-by comm -- stress-ng --numa 1 --numa-ops 20\n"
	"  mmtrace -c --summary-by stack -e mremap -p 1234 # who calls mremap\n"
	"  mmtrace -o json --parse-arguments -p 1234 --output-file events.json\n"
	"  mmtrace list mremap                       # what mremap's fields mean\n"
	"  mmtrace -e 'page_migration.args.reason=numa_misplaced' -o json\n"
	"  mmtrace top --by cgroup                   # pages moved, by reason, per second\n";

static const char read_usage_text[] =
	"Usage: mmtrace read nats://HOST:PORT[,HOST:PORT...][/SUBJECT] [OPTION...]\n"
	"\n"
	"Print the events mmtrace hosts sent to a NATS JetStream stream, through a\n"
	"durable consumer: each event is acknowledged once written out, so a reader\n"
	"started again with the same --durable name goes on where it stopped.\n"
	"Filters, scopes and outputs are those of live tracing (mmtrace --help),\n"
	"applied to the recorded events; events left out are acknowledged too.\n"
	"\n"
	"What to print (kinds AND together, repeated values OR):\n"
	"  -e, --events ITEM[,ITEM...]   events, classes (%memory, %numa, !NAME) and\n"
	"                                filters, as live: EVENT.args.NAME OP VALUE,\n"
	"                                EVENT.retval OP VALUE, EVENT.args.NAME.nodes=N,\n"
	"                                EVENT.latency OP US (latency: events recorded\n"
	"                                with -T only)\n"
	"      --host NAME               events of this host (repeatable)\n"
	"  -p, --pid PID[,PID...]        of these processes or threads, as the host\n"
	"                                saw them (repeatable)\n"
	"      --tid TID                 of this thread (repeatable)\n"
	"      --comm NAME, --not-comm NAME\n"
	"                                of processes with (or without) this name\n"
	"      --uid UID, --uid-min UID, --uid-max UID\n"
	"                                of this user, or of a range of users\n"
	"      --cgroup ID               of this cgroup v2 id (a path: its id here)\n"
	"      --container ID|all        of this container (id or prefix), or any\n"
	"      --failed                  failed calls only\n"
	"      --duration MS             calls that took at least MS milliseconds\n"
	"                                (events recorded with -T only)\n"
	"\n"
	"Output:\n"
	"  -o, --output FORMAT[:FILE]    json (the events' lines as recorded, default),\n"
	"                                table (live tracing's columns) or strace\n"
	"      --output-file FILE        write to FILE\n"
	"      --columns LIST, --color WHEN, -t, -tt, -ttt, -r, -T\n"
	"                                the table's, as live\n"
	"      --parse-arguments, --tracee-format VERSION\n"
	"                                JSON written again from the event, as live\n"
	"  -c, --summary                 count calls, errors and latency per event;\n"
	"                                print the summary at exit\n"
	"      --summary-by KEY          one summary per host, pid (of a host), comm,\n"
	"                                or event (the default)\n"
	"      --histogram               with -c: a latency histogram per event\n"
	"      --stats                   print counts of events read, printed, left\n"
	"                                out and unreadable as a JSON line on stderr\n"
	"\n"
	"The stream:\n"
	"      --nats-stream NAME        the stream (default MMTRACE)\n"
	"      --durable NAME            the consumer's name (default mmtrace-read)\n"
	"      --idle-exit SECONDS       exit after SECONDS without an event (default:\n"
	"                                run until interrupted)\n"
	"  -h, --help                    this text\n"
	"\n"
	"Examples:\n"
	"  mmtrace read nats://10.0.0.1:4222 -o table --columns TIME,COMM,PID,RET,EVENT,ARGS\n"
	"  mmtrace read nats://10.0.0.1:4222 -c --summary-by host\n"
	"  mmtrace read nats://10.0.0.1:4222 -e 'set_mempolicy.args.mode=MPOL_BIND' --failed\n";

static int parse_events(struct mmt_options *o, const char *arg, bool *any)
{
	char *list, *save = NULL, *item;
	int err = 0;

	/* strace's -e trace=SET; a list of Tracee's items otherwise */
	if (!strncmp(arg, "trace=", 6))
		arg += 6;
	list = strdup(arg);
	if (!list) {
		mmt_err("out of memory");
		return 1;
	}
	for (item = strtok_r(list, ",", &save); item && !err;
	     item = strtok_r(NULL, ",", &save)) {
		err = mmt_parse_event_item(o, item);
		*any = true;
	}
	if (!err && !*any)
		err = mmt_usage_error("-e needs at least one event name");
	free(list);
	return err;
}

/* A number in [min, max], or a usage error naming the option. */
static int parse_num(const char *opt, const char *arg, long long min, long long max,
		     long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max)
		return mmt_usage_error("invalid %s '%s': a number from %lld to %lld", opt, arg, min,
				       max);
	*out = v;
	return 0;
}

static int parse_pid(const char *opt, const char *arg, pid_t *list, int *n)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v <= 0 || v > INT_MAX)
		return mmt_usage_error("invalid %s '%s'", opt, arg);
	if (*n == MMT_MAX_PIDS)
		return mmt_usage_error("at most %d %s options", MMT_MAX_PIDS, opt);
	list[(*n)++] = v;
	return 0;
}

/* -p PID[,PID...], as strace's: a thread id traces that thread (the BPF
 * side matches a process's id or a thread's). */
static int parse_pid_list(struct mmt_options *o, const char *arg)
{
	char *list = strdup(arg), *save = NULL;
	int err = 0, before = o->npids;

	if (!list)
		return mmt_usage_error("out of memory");
	o->end_with_targets = true;
	for (char *item = strtok_r(list, ",", &save); item && !err;
	     item = strtok_r(NULL, ",", &save))
		err = parse_pid("pid", item, o->pids, &o->npids);
	if (!err && o->npids == before)
		err = mmt_usage_error("-p needs a process id");
	free(list);
	return err;
}

static int add_string(const char *opt, const char *arg, const char **list, int *n,
		      size_t maxlen)
{
	if (!*arg || strlen(arg) > maxlen)
		return mmt_usage_error("invalid %s '%s': 1 to %zu characters", opt, arg, maxlen);
	if (*n == MMT_MAX_SCOPE_VALUES)
		return mmt_usage_error("at most %d %s options", MMT_MAX_SCOPE_VALUES, opt);
	list[(*n)++] = arg;
	return 0;
}

/* A cgroup v2 directory (its inode is the cgroup id) or a number. */
static int parse_cgroup(struct mmt_options *o, const char *arg)
{
	struct stat st;
	char *end;
	unsigned long long id;

	errno = 0;
	id = strtoull(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-') {
		if (stat(arg, &st) || !S_ISDIR(st.st_mode))
			return mmt_usage_error("invalid --cgroup '%s': not a cgroup directory nor an id",
					       arg);
		id = st.st_ino;
	}
	if (o->ncgroups == MMT_MAX_SCOPE_VALUES)
		return mmt_usage_error("at most %d --cgroup options", MMT_MAX_SCOPE_VALUES);
	o->cgroups[o->ncgroups++] = id;
	return 0;
}

static int parse_columns(struct mmt_options *o, const char *arg)
{
	static const char *const names[MMT_COL_COUNT] = {
		"TIME", "UID", "COMM", "PID", "TID", "RET", "EVENT", "ARGS",
		"LATENCY", "CPU", "CONTAINER", "EXE",
	};
	char *list = strdup(arg), *save = NULL;
	int err = 0;

	if (!list)
		return mmt_usage_error("out of memory");
	o->ncolumns = 0;
	for (char *c = strtok_r(list, ",", &save); c && !err; c = strtok_r(NULL, ",", &save)) {
		int k;

		for (k = 0; k < MMT_COL_COUNT; k++)
			if (!strcasecmp(c, names[k]))
				break;
		if (k == MMT_COL_COUNT)
			err = mmt_usage_error("unknown column '%s' (columns: TIME, UID, COMM, PID, TID, RET, EVENT, ARGS, LATENCY, CPU, CONTAINER, EXE)",
					      c);
		else if (o->ncolumns == MMT_COL_COUNT)
			err = mmt_usage_error("too many columns in '%s'", arg);
		else
			o->columns[o->ncolumns++] = k;
	}
	if (!err && !o->ncolumns)
		err = mmt_usage_error("--columns needs at least one column");
	/* ARGS, whose width varies, goes last: every column stays aligned */
	for (int k = 0; !err && k < o->ncolumns - 1; k++) {
		if (o->columns[k] == MMT_COL_ARGS) {
			memmove(&o->columns[k], &o->columns[k + 1],
				(o->ncolumns - k - 1) * sizeof(o->columns[0]));
			o->columns[o->ncolumns - 1] = MMT_COL_ARGS;
			break;
		}
	}
	free(list);
	return err;
}

static int parse_size(struct mmt_options *o, const char *arg)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (!errno && end != arg && arg[0] != '-') {
		if ((*end == 'K' || *end == 'k') && end[1] == '\0')
			v <<= 10, end++;
		else if ((*end == 'M' || *end == 'm') && end[1] == '\0')
			v <<= 20, end++;
	}
	if (errno || end == arg || *end || arg[0] == '-' || v < 4096 ||
	    v > (1ULL << 30) || (v & (v - 1)))
		return mmt_usage_error("invalid --buffer-size '%s': a power of two from 4K to 1024M",
				   arg);
	o->buffer_size = v;
	return 0;
}

/* -o FORMAT, -o FORMAT:FILE (Tracee), or -o FILE (strace): a value that
 * is not a format name is a file. */
static int parse_output(struct mmt_options *o, const char *arg)
{
	static const struct {
		const char *name;
		enum mmt_format format;
	} formats[] = {
		{ "table", MMT_FMT_TABLE },
		{ "json", MMT_FMT_JSON },
		{ "strace", MMT_FMT_STRACE },
	};
	const char *colon = strchr(arg, ':');
	size_t n = colon ? (size_t)(colon - arg) : strlen(arg);

	if (!*arg)
		return mmt_usage_error("-o needs a format or a file name");
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (strlen(formats[i].name) != n || strncmp(arg, formats[i].name, n))
			continue;
		o->format = formats[i].format;
		if (colon) {
			if (!colon[1])
				return mmt_usage_error("-o %.*s: needs a file name after ':'", (int)n,
						       arg);
			o->output_file = colon + 1;
		}
		return 0;
	}
	o->output_file = arg;
	return 0;
}

enum {
	OPT_PARSE_ARGS = 256,
	OPT_OUTPUT_FILE,
	OPT_STATS,
	OPT_BUFFER_SIZE,
	OPT_ORDER_WINDOW,
	OPT_SYSCALL_TPS,
	OPT_ATTACH,
	OPT_OVERFLOW,
	OPT_READER_NICE,
	OPT_TID,
	OPT_COMM,
	OPT_NOT_COMM,
	OPT_UID,
	OPT_UID_MIN,
	OPT_UID_MAX,
	OPT_CGROUP,
	OPT_CONTAINER,
	OPT_FOLLOW,
	OPT_FAILED,
	OPT_SUMMARY_BY,
	OPT_HISTOGRAM,
	OPT_INTERVAL,
	OPT_COLUMNS,
	OPT_COLOR,
	OPT_KERNEL_COPY,
	OPT_PLACEMENT,
	OPT_STACK,
	OPT_TOP,
	OPT_DETECT,
	OPT_DETECT_ALLOW,
	OPT_DETECT_ONLY,
	OPT_DURATION,
	OPT_MAPPINGS,
	OPT_METRICS,
	OPT_NATS_STREAM,
	OPT_NATS_REPLICAS,
	OPT_SPOOL_DIR,
	OPT_SPOOL_MEMORY,
	OPT_SPOOL_FILE,
	OPT_DRAIN_TIMEOUT,
	OPT_TRACEE_FORMAT,
	OPT_HOST, /* mmtrace read's own */
	OPT_DURABLE,
	OPT_IDLE_EXIT,
};

static const struct option long_options[] = {
	{ "events", required_argument, NULL, 'e' },
	{ "output", required_argument, NULL, 'o' },
	{ "parse-arguments", no_argument, NULL, OPT_PARSE_ARGS },
	{ "pid", required_argument, NULL, 'p' },
	{ "output-file", required_argument, NULL, OPT_OUTPUT_FILE },
	{ "buffer-size", required_argument, NULL, OPT_BUFFER_SIZE },
	{ "order-window", required_argument, NULL, OPT_ORDER_WINDOW },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "syscall-tracepoints", no_argument, NULL, OPT_SYSCALL_TPS },
	{ "attach", required_argument, NULL, OPT_ATTACH },
	{ "overflow", required_argument, NULL, OPT_OVERFLOW },
	{ "reader-nice", required_argument, NULL, OPT_READER_NICE },
	{ "tid", required_argument, NULL, OPT_TID },
	{ "comm", required_argument, NULL, OPT_COMM },
	{ "not-comm", required_argument, NULL, OPT_NOT_COMM },
	{ "uid", required_argument, NULL, OPT_UID },
	{ "uid-min", required_argument, NULL, OPT_UID_MIN },
	{ "uid-max", required_argument, NULL, OPT_UID_MAX },
	{ "cgroup", required_argument, NULL, OPT_CGROUP },
	{ "container", required_argument, NULL, OPT_CONTAINER },
	{ "follow", no_argument, NULL, OPT_FOLLOW },
	{ "failed", no_argument, NULL, OPT_FAILED },
	{ "summary", no_argument, NULL, 'c' },
	{ "summary-by", required_argument, NULL, OPT_SUMMARY_BY },
	{ "histogram", no_argument, NULL, OPT_HISTOGRAM },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "columns", required_argument, NULL, OPT_COLUMNS },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "kernel-copy", required_argument, NULL, OPT_KERNEL_COPY },
	{ "placement", no_argument, NULL, OPT_PLACEMENT },
	{ "stack", no_argument, NULL, OPT_STACK },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "detect", no_argument, NULL, OPT_DETECT },
	{ "fd-paths", no_argument, NULL, 'y' },
	{ "mappings", no_argument, NULL, OPT_MAPPINGS },
	{ "detect-allow", required_argument, NULL, OPT_DETECT_ALLOW },
	{ "detect-only", no_argument, NULL, OPT_DETECT_ONLY },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "metrics", required_argument, NULL, OPT_METRICS },
	{ "nats-stream", required_argument, NULL, OPT_NATS_STREAM },
	{ "nats-replicas", required_argument, NULL, OPT_NATS_REPLICAS },
	{ "spool-dir", required_argument, NULL, OPT_SPOOL_DIR },
	{ "spool-memory", required_argument, NULL, OPT_SPOOL_MEMORY },
	{ "spool-file", required_argument, NULL, OPT_SPOOL_FILE },
	{ "drain-timeout", required_argument, NULL, OPT_DRAIN_TIMEOUT },
	{ "tracee-format", required_argument, NULL, OPT_TRACEE_FORMAT },
	{ "host", required_argument, NULL, OPT_HOST },
	{ "durable", required_argument, NULL, OPT_DURABLE },
	{ "idle-exit", required_argument, NULL, OPT_IDLE_EXIT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* The options that apply to recorded events (mmtrace read): what selects,
 * filters and prints an event, and read's own. */
static bool for_reading(int c)
{
	static const int ok[] = {
		'e', 'o', 'p', 'c', 'h', 'V', 't', 'r', 'T', ':', '?', OPT_PARSE_ARGS,
		OPT_OUTPUT_FILE, OPT_STATS, OPT_TID, OPT_COMM, OPT_NOT_COMM, OPT_UID,
		OPT_UID_MIN, OPT_UID_MAX, OPT_CGROUP, OPT_CONTAINER, OPT_FAILED,
		OPT_SUMMARY_BY, OPT_HISTOGRAM, OPT_COLUMNS, OPT_COLOR, OPT_DURATION,
		OPT_NATS_STREAM, OPT_TRACEE_FORMAT, OPT_HOST, OPT_DURABLE, OPT_IDLE_EXIT,
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (ok[i] == c)
			return true;
	return false;
}

/* An option as it is spelled, for a message. */
static const char *option_name(int c, char *buf, size_t len)
{
	for (const struct option *lo = long_options; lo->name; lo++) {
		if (lo->val == c) {
			snprintf(buf, len, "--%s", lo->name);
			return buf;
		}
	}
	snprintf(buf, len, "-%c", c);
	return buf;
}

/* mmtrace read's checks, after the options were parsed. */
static int check_reading(int argc, char **argv, struct mmt_options *o, bool format_set,
			 bool tracee_format_set)
{
	const char *why;

	if (optind != argc - 1)
		return mmt_usage_error("read needs one nats://HOST:PORT[,...][/SUBJECT]");
	o->read.url = argv[optind];
	if (mmt_sink_parse_url(o->read.url, &o->sink, &why))
		return mmt_usage_error("invalid address '%s': %s", o->read.url, why);
	if ((o->summary_by || o->histogram) && !o->summary)
		return mmt_usage_error("--summary-by and --histogram go with -c");
	if (o->summary && format_set && o->format != MMT_FMT_TABLE)
		return mmt_usage_error("-c prints a summary: an output format does not apply");
	if (o->parse_args && o->format != MMT_FMT_JSON)
		return mmt_usage_error("--parse-arguments applies to -o json only");
	if (tracee_format_set && o->format != MMT_FMT_JSON)
		return mmt_usage_error("--tracee-format applies to -o json only");
	o->read.rerender = o->format == MMT_FMT_JSON &&
			   (o->parse_args || tracee_format_set || o->durations);
	return 0;
}

static int parse(int argc, char **argv, struct mmt_options *o, bool reading)
{
	bool any_event = false, uid_min_set = false, uid_max_set = false, top_set = false,
	     buffer_set = false, tracee_format_set = false, format_set = false;
	int ntimes = 0;
	const char *why;
	char name[48];
	long long v;
	int c, err, li = 0;

	memset(o, 0, sizeof(*o));
	mmt_usage_help(reading ? "mmtrace read --help" : "mmtrace --help");
	o->reading = reading;
	o->read.durable = "mmtrace-read";
	o->kernel_copy = MMT_KCOPY_AUTO;
	mmt_sink_defaults(&o->sink);
	/* read writes the events' lines as they were recorded by default */
	o->format = reading ? MMT_FMT_JSON : MMT_FMT_TABLE;
	o->buffer_size = DEFAULT_BUFFER_SIZE;
	o->order_window_ms = DEFAULT_ORDER_WINDOW_MS;
	o->reader_nice = DEFAULT_READER_NICE;
	o->color = -1;
	o->uid_max = UINT32_MAX;
	o->top = 10;
	for (int i = 0; i < MMT_COL_ARGS + 1; i++)
		o->columns[o->ncolumns++] = i;
	opterr = 0;
	optind = 1;
	/* '+': stop at the first non-option, the traced command; read takes
	 * its options before and after the address */
	while ((c = getopt_long(argc, argv, reading ? ":e:o:p:cyhVtrT" : "+:e:o:p:cyhVtrT",
				long_options, &li)) != -1) {
		if (reading && !for_reading(c))
			return mmt_usage_error("%s does not apply to recorded events",
					       option_name(c, name, sizeof(name)));
		if (!reading && (c == OPT_HOST || c == OPT_DURABLE || c == OPT_IDLE_EXIT))
			return mmt_usage_error("%s is an option of mmtrace read",
					       option_name(c, name, sizeof(name)));
		switch (c) {
		case 'e':
			if ((err = parse_events(o, optarg, &any_event)))
				return err;
			break;
		case 'o':
			format_set = true;
			if (reading && !strncmp(optarg, "nats://", 7)) {
				return mmt_usage_error("read writes events out: -o nats:// does not apply");
			} else if (!strncmp(optarg, "nats://", 7)) {
				if (mmt_sink_parse_url(optarg, &o->sink, &why))
					return mmt_usage_error("invalid -o '%s': %s", optarg, why);
				o->format = MMT_FMT_JSON;
				o->nats = true;
			} else if ((err = parse_output(o, optarg))) {
				return err;
			}
			break;
		case 't':
			ntimes++;
			break;
		case 'r':
			o->time_fmt = MMT_TIME_RELATIVE;
			break;
		case 'T':
			o->durations = true;
			break;
		case OPT_DURATION: {
			char *end;
			double ms;

			errno = 0;
			ms = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(ms >= 0 && ms <= 86400000.0))
				return mmt_usage_error("invalid --duration '%s': milliseconds, from 0 to 86400000",
						       optarg);
			o->min_latency_ns = (__u64)(ms * 1e6);
			break;
		}
		case OPT_PARSE_ARGS:
			o->parse_args = true;
			break;
		case OPT_TRACEE_FORMAT:
			if (!strcmp(optarg, "v0.24"))
				o->tracee_format = MMT_TRACEE_V024;
			else if (!strcmp(optarg, "v0.23"))
				o->tracee_format = MMT_TRACEE_V023;
			else
				return mmt_usage_error("unknown --tracee-format '%s' (v0.24 or v0.23)",
						       optarg);
			tracee_format_set = true;
			break;
		case 'p':
			if ((err = parse_pid_list(o, optarg)))
				return err;
			break;
		case OPT_TID:
			if ((err = parse_pid("--tid", optarg, o->tids, &o->ntids)))
				return err;
			break;
		case OPT_COMM:
			if ((err = add_string("--comm", optarg, o->comms, &o->ncomms,
					      MMT_COMM_LEN - 1)))
				return err;
			break;
		case OPT_NOT_COMM:
			if ((err = add_string("--not-comm", optarg, o->not_comms, &o->nnot_comms,
					      MMT_COMM_LEN - 1)))
				return err;
			break;
		case OPT_UID:
		case OPT_UID_MIN:
		case OPT_UID_MAX:
			if ((err = parse_num(c == OPT_UID ? "--uid" : c == OPT_UID_MIN ? "--uid-min" :
							      "--uid-max",
					     optarg, 0, UINT32_MAX - 1, &v)))
				return err;
			o->uid_scope = true;
			if (c != OPT_UID_MAX) {
				o->uid_min = v;
				uid_min_set = true;
			}
			if (c != OPT_UID_MIN) {
				o->uid_max = v;
				uid_max_set = true;
			}
			break;
		case OPT_CGROUP:
			if ((err = parse_cgroup(o, optarg)))
				return err;
			break;
		case OPT_CONTAINER:
			if ((err = add_string("--container", optarg, o->containers,
					      &o->ncontainers, 64)))
				return err;
			break;
		case OPT_FOLLOW:
			o->follow = true;
			break;
		case OPT_FAILED:
			o->failed_only = true;
			break;
		case 'c':
			o->summary = true;
			break;
		case OPT_SUMMARY_BY:
			if (!strcmp(optarg, "comm"))
				o->summary_by = MMT_BY_COMM;
			else if (!strcmp(optarg, "pid"))
				o->summary_by = MMT_BY_PID;
			else if (!strcmp(optarg, "cgroup"))
				o->summary_by = MMT_BY_CGROUP;
			else if (!strcmp(optarg, "event"))
				o->summary_by = MMT_BY_NONE;
			else if (reading && !strcmp(optarg, "host"))
				o->summary_by = MMT_BY_HOST;
			else if (!reading && !strcmp(optarg, "stack"))
				o->stack_summary = true;
			else if (reading)
				return mmt_usage_error("invalid --summary-by '%s' (host, pid, comm or event)",
						       optarg);
			else
				return mmt_usage_error(
					"invalid --summary-by '%s' (comm, pid, cgroup, event or stack)",
					optarg);
			break;
		case OPT_HISTOGRAM:
			o->histogram = true;
			break;
		case OPT_INTERVAL:
			if ((err = parse_num("--interval", optarg, 1, 86400, &v)))
				return err;
			o->interval = v;
			break;
		case OPT_COLUMNS:
			if ((err = parse_columns(o, optarg)))
				return err;
			break;
		case OPT_COLOR:
			if (!strcmp(optarg, "auto"))
				o->color = -1;
			else if (!strcmp(optarg, "always"))
				o->color = 1;
			else if (!strcmp(optarg, "never"))
				o->color = 0;
			else
				return mmt_usage_error("invalid --color '%s' (auto, always or never)",
						       optarg);
			break;
		case OPT_KERNEL_COPY:
			if (!strcmp(optarg, "auto"))
				o->kernel_copy = MMT_KCOPY_AUTO;
			else if (!strcmp(optarg, "fexit"))
				o->kernel_copy = MMT_KCOPY_FEXIT;
			else if (!strcmp(optarg, "kprobe"))
				o->kernel_copy = MMT_KCOPY_KPROBE;
			else if (!strcmp(optarg, "off"))
				o->kernel_copy = MMT_KCOPY_REREAD;
			else
				return mmt_usage_error("invalid --kernel-copy '%s' (auto, fexit, kprobe or off)",
						       optarg);
			break;
		case OPT_OUTPUT_FILE:
			if (!*optarg)
				return mmt_usage_error("--output-file needs a file name");
			o->output_file = optarg;
			break;
		case OPT_BUFFER_SIZE:
			if ((err = parse_size(o, optarg)))
				return err;
			buffer_set = true;
			break;
		case OPT_STACK:
			o->stack = true;
			break;
		case OPT_TOP:
			if ((err = parse_num("--top", optarg, 0, 1000000, &v)))
				return err;
			o->top = v;
			top_set = true;
			break;
		case OPT_ORDER_WINDOW:
			if ((err = parse_num("--order-window", optarg, 0, 10000, &v)))
				return err;
			o->order_window_ms = v;
			break;
		case OPT_METRICS:
			o->metrics = optarg;
			break;
		case OPT_HOST:
			if ((err = add_string("--host", optarg, o->read.hosts, &o->read.nhosts,
					      MMT_HOST_LEN - 1)))
				return err;
			break;
		case OPT_DURABLE: {
			struct mmt_sink_opts scratch; /* the same rules as a stream's name */

			if (mmt_sink_option(&scratch, "nats-stream", optarg, &why))
				return mmt_usage_error("invalid --durable '%s': %s", optarg, why);
			o->read.durable = optarg;
			break;
		}
		case OPT_IDLE_EXIT:
			if ((err = parse_num("--idle-exit", optarg, 1, 86400, &v)))
				return err;
			o->read.idle_exit = v;
			break;
		case OPT_NATS_STREAM:
		case OPT_NATS_REPLICAS:
		case OPT_SPOOL_DIR:
		case OPT_SPOOL_MEMORY:
		case OPT_SPOOL_FILE:
		case OPT_DRAIN_TIMEOUT:
			if (mmt_sink_option(&o->sink, long_options[li].name, optarg, &why))
				return mmt_usage_error("invalid --%s '%s': %s",
						       long_options[li].name, optarg, why);
			break;
		case OPT_DETECT:
			o->detect = true;
			break;
		case OPT_DETECT_ONLY:
			o->detect = o->findings_only = true;
			break;
		case OPT_DETECT_ALLOW:
			if ((err = mmt_parse_detect_allow(o, optarg)))
				return err;
			break;
		case 'y':
			o->fd_paths = true;
			break;
		case OPT_MAPPINGS:
			o->mappings = true;
			break;
		case OPT_PLACEMENT:
			o->placement = true;
			break;
		case OPT_STATS:
			o->stats = true;
			break;
		case OPT_SYSCALL_TPS:
			o->attach = MMT_ATTACH_SYSCALL;
			break;
		case OPT_ATTACH:
			if (!strcmp(optarg, "auto"))
				o->attach = MMT_ATTACH_AUTO;
			else if (!strcmp(optarg, "raw"))
				o->attach = MMT_ATTACH_RAW;
			else if (!strcmp(optarg, "syscall"))
				o->attach = MMT_ATTACH_SYSCALL;
			else
				return mmt_usage_error("invalid --attach '%s' (auto, raw or syscall)",
						       optarg);
			break;
		case OPT_READER_NICE:
			if ((err = parse_num("--reader-nice", optarg, -20, 19, &v)))
				return err;
			o->reader_nice = v;
			o->reader_nice_set = true;
			break;
		case OPT_OVERFLOW:
			if (!strcmp(optarg, "slow"))
				o->overflow_drop = false;
			else if (!strcmp(optarg, "drop"))
				o->overflow_drop = true;
			else
				return mmt_usage_error("invalid --overflow '%s' (slow or drop)", optarg);
			break;
		case 'h':
			fputs(reading ? read_usage_text : usage_text, stdout);
			return -1;
		case 'V':
			puts("mmtrace 0.1.0");
			return -1;
		case ':':
			return mmt_usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			if (optopt)
				return mmt_usage_error("unknown option '-%c'", optopt);
			return mmt_usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (ntimes > 3)
		return mmt_usage_error("-t is given at most three times (-ttt)");
	if (ntimes && o->time_fmt == MMT_TIME_RELATIVE)
		return mmt_usage_error("-t and -r cannot be combined");
	if (ntimes)
		o->time_fmt = ntimes == 1 ? MMT_TIME_SEC : ntimes == 2 ? MMT_TIME_USEC : MMT_TIME_EPOCH;
	if (o->durations) {
		int k;

		for (k = 0; k < o->ncolumns && o->columns[k] != MMT_COL_LATENCY; k++)
			;
		/* before ARGS, whose width varies, so that it stays aligned */
		if (k == o->ncolumns && o->ncolumns < MMT_COL_COUNT) {
			for (k = 0; k < o->ncolumns && o->columns[k] != MMT_COL_ARGS; k++)
				;
			memmove(&o->columns[k + 1], &o->columns[k],
				(o->ncolumns - k) * sizeof(o->columns[0]));
			o->columns[k] = MMT_COL_LATENCY;
			o->ncolumns++;
		}
	}
	if (any_event) {
		bool left = false;

		for (int i = 0; i < MMT_EV_COUNT; i++) {
			if (!o->any_selected)
				o->selected[i] = true; /* only '!' items: all but these */
			if (o->deselected[i])
				o->selected[i] = false;
			left |= o->selected[i];
		}
		if (!left)
			return mmt_usage_error("-e leaves no event to trace");
	}
	if (!any_event)
		for (int i = 0; i < MMT_EV_COUNT; i++)
			o->selected[i] = true;
	if (uid_min_set && uid_max_set && o->uid_min > o->uid_max)
		return mmt_usage_error("--uid-min %u is above --uid-max %u", o->uid_min,
				       o->uid_max);
	if (reading)
		return check_reading(argc, argv, o, format_set, tracee_format_set);
	if (optind < argc)
		o->command = &argv[optind];
	if (o->command && o->npids)
		return mmt_usage_error("-p and a command cannot be combined");
	if (o->parse_args && o->format != MMT_FMT_JSON)
		return mmt_usage_error("--parse-arguments applies to -o json only");
	if (tracee_format_set && o->format != MMT_FMT_JSON)
		return mmt_usage_error("--tracee-format applies to -o json only");
	if ((o->summary_by || o->stack_summary || o->histogram) && !o->summary)
		return mmt_usage_error("--summary-by and --histogram go with -c");
	if (top_set && !o->stack_summary)
		return mmt_usage_error("--top goes with -c --summary-by stack");
	if (o->stack_summary && o->histogram)
		return mmt_usage_error("--histogram is per event: not with --summary-by stack");
	if (o->summary && o->stack && !o->stack_summary)
		return mmt_usage_error("-c counts per event: for call sites, use --summary-by stack");
	if (o->stack_summary)
		o->stack = true;
	if (o->stack && !mmt_stacks_supported())
		return mmt_usage_error("--stack is not in this build (made with STACK=0, without libdw)");
	if (o->stack && !buffer_set)
		o->buffer_size = STACK_BUFFER_SIZE;
	if (o->interval && !o->summary && !o->stats && !o->placement)
		return mmt_usage_error("--interval goes with -c or --stats, or with --placement");
	if (o->placement && !o->command && !o->npids)
		return mmt_usage_error("--placement samples -p PID or COMMAND: give one");
	if (o->placement && o->summary)
		return mmt_usage_error("--placement writes records: -c does not apply");
	if (o->summary && o->format != MMT_FMT_TABLE)
		return mmt_usage_error("-c prints a summary: an output format does not apply");
	if (o->summary && (o->kernel_copy == MMT_KCOPY_FEXIT || o->kernel_copy == MMT_KCOPY_KPROBE))
		return mmt_usage_error("-c writes no event: --kernel-copy does not apply");
	if (o->summary && (o->min_latency_ns || o->nlatency_filters))
		return mmt_usage_error("-c counts every call: --duration and .latency filters do not apply");
	if (o->nats && (o->output_file || o->summary))
		return mmt_usage_error("-o nats:// sends events: --output-file and -c do not apply");
	if (o->ndetect_allow && !o->detect)
		return mmt_usage_error("--detect-allow goes with --detect");
	if (o->summary && o->detect)
		return mmt_usage_error("-c writes no event: --detect does not apply");
	if (o->summary && (o->fd_paths || o->mappings))
		return mmt_usage_error("-c writes no event: %s does not apply",
				       o->fd_paths ? "--fd-paths" : "--mappings");
	if (o->summary && !o->stack_summary && o->overflow_drop)
		return mmt_usage_error("-c counts in the kernel: --overflow does not apply");
	if (o->summary && o->nnode_filters)
		return mmt_usage_error("-c counts in the kernel: a .nodes filter does not apply");
	return 0;
}

int mmt_parse_options(int argc, char **argv, struct mmt_options *o)
{
	return parse(argc, argv, o, false);
}

int mmt_parse_read_options(int argc, char **argv, struct mmt_options *o)
{
	return parse(argc, argv, o, true);
}
