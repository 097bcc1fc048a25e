// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - mmtrace's command line.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"

#define DEFAULT_BUFFER_SIZE (16UL << 20)

static const char usage_text[] =
	"Usage: mmtrace [OPTION...] [-- COMMAND [ARG...]]\n"
	"       mmtrace list [--markdown] [EVENT]\n"
	"\n"
	"Trace memory-placement and memory-mapping syscalls system-wide with eBPF,\n"
	"decoding every argument (flags, policy modes, node masks read from user\n"
	"memory). Without COMMAND it traces every process until interrupted; with\n"
	"COMMAND it runs it, traces it and its descendants, and exits with its status.\n"
	"\n"
	"Options:\n"
	"  -e, --events EVENT[,EVENT...]  trace only these events (default: all;\n"
	"                                 `mmtrace list` names them)\n"
	"  -o, --output FORMAT            table (default) or json (Tracee's layout)\n"
	"      --parse-arguments          JSON: pointers as hex strings, flags and\n"
	"                                 modes as names (default: raw numbers)\n"
	"  -p, --pid PID                  trace only this process (repeatable)\n"
	"      --output-file FILE         write events to FILE instead of stdout\n"
	"      --buffer-size BYTES        ring buffer size, a power of two with an\n"
	"                                 optional K or M suffix (default: 16M)\n"
	"      --stats                    print event and loss counts as a JSON line\n"
	"                                 on stderr at exit\n"
	"      --syscall-tracepoints      attach to syscalls:sys_enter_* instead of the\n"
	"                                 raw syscall tracepoints: cheaper for the\n"
	"                                 syscalls not traced, but blind to 32-bit\n"
	"                                 (ia32) processes\n"
	"  -h, --help                     show this help\n"
	"  -V, --version                  show the version\n"
	"\n"
	"Examples:\n"
	"  mmtrace                                  # every event, every process\n"
	"  mmtrace -e set_mempolicy,migrate_pages   # only these two events\n"
	"  mmtrace -o json -- numactl --membind=0 true\n"
	"  mmtrace -o json --parse-arguments -p 1234 --output-file events.json\n"
	"  mmtrace list mremap                      # what mremap's fields mean\n";

void mmt_err(const char *fmt, ...)
{
	va_list ap;

	fputs("mmtrace: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("mmtrace: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see mmtrace --help)\n", stderr);
	return MMT_EXIT_USAGE;
}

static int parse_events(struct mmt_options *o, const char *arg, bool *any)
{
	char *list = strdup(arg), *save = NULL, *name;
	int err = 0;

	if (!list) {
		mmt_err("out of memory");
		return 1;
	}
	if (!*arg) {
		err = usage_error("-e needs at least one event name");
		goto cleanup;
	}
	for (name = strtok_r(list, ",", &save); name;
	     name = strtok_r(NULL, ",", &save)) {
		const struct mmt_event_desc *d = mmt_event_by_name(name);

		if (!d) {
			char known[256] = "";

			for (int i = 0; i < MMT_EV_COUNT; i++) {
				strncat(known, i ? ", " : "", sizeof(known) - strlen(known) - 1);
				strncat(known, mmt_events[i].name,
					sizeof(known) - strlen(known) - 1);
			}
			err = usage_error("unknown event '%s' (known: %s)", name, known);
			goto cleanup;
		}
		o->selected[d->event] = true;
		*any = true;
	}
	if (!*any)
		err = usage_error("-e needs at least one event name");
cleanup:
	free(list);
	return err;
}

static int parse_pid(struct mmt_options *o, const char *arg)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v <= 0 || v > INT_MAX)
		return usage_error("invalid pid '%s'", arg);
	if (o->npids == MMT_MAX_PIDS)
		return usage_error("at most %d -p options", MMT_MAX_PIDS);
	o->pids[o->npids++] = v;
	return 0;
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
		return usage_error("invalid --buffer-size '%s': a power of two from 4K to 1024M",
				   arg);
	o->buffer_size = v;
	return 0;
}

enum {
	OPT_PARSE_ARGS = 256,
	OPT_OUTPUT_FILE,
	OPT_STATS,
	OPT_BUFFER_SIZE,
	OPT_SYSCALL_TPS,
};

static const struct option long_options[] = {
	{ "events", required_argument, NULL, 'e' },
	{ "output", required_argument, NULL, 'o' },
	{ "parse-arguments", no_argument, NULL, OPT_PARSE_ARGS },
	{ "pid", required_argument, NULL, 'p' },
	{ "output-file", required_argument, NULL, OPT_OUTPUT_FILE },
	{ "buffer-size", required_argument, NULL, OPT_BUFFER_SIZE },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "syscall-tracepoints", no_argument, NULL, OPT_SYSCALL_TPS },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static int parse_options(int argc, char **argv, struct mmt_options *o)
{
	bool any_event = false;
	int c, err;

	memset(o, 0, sizeof(*o));
	o->format = MMT_FMT_TABLE;
	o->buffer_size = DEFAULT_BUFFER_SIZE;
	opterr = 0;
	/* '+': stop at the first non-option, the traced command */
	while ((c = getopt_long(argc, argv, "+:e:o:p:hV", long_options, NULL)) != -1) {
		switch (c) {
		case 'e':
			if ((err = parse_events(o, optarg, &any_event)))
				return err;
			break;
		case 'o':
			if (!strcmp(optarg, "table"))
				o->format = MMT_FMT_TABLE;
			else if (!strcmp(optarg, "json"))
				o->format = MMT_FMT_JSON;
			else
				return usage_error("unknown output format '%s' (table or json)",
						   optarg);
			break;
		case OPT_PARSE_ARGS:
			o->parse_args = true;
			break;
		case 'p':
			if ((err = parse_pid(o, optarg)))
				return err;
			break;
		case OPT_OUTPUT_FILE:
			if (!*optarg)
				return usage_error("--output-file needs a file name");
			o->output_file = optarg;
			break;
		case OPT_BUFFER_SIZE:
			if ((err = parse_size(o, optarg)))
				return err;
			break;
		case OPT_STATS:
			o->stats = true;
			break;
		case OPT_SYSCALL_TPS:
			o->syscall_tracepoints = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return -1;
		case 'V':
			puts("mmtrace 0.1.0");
			return -1;
		case ':':
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			if (optopt)
				return usage_error("unknown option '-%c'", optopt);
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (!any_event)
		for (int i = 0; i < MMT_EV_COUNT; i++)
			o->selected[i] = true;
	if (optind < argc)
		o->command = &argv[optind];
	if (o->command && o->npids)
		return usage_error("-p and a command cannot be combined");
	if (o->parse_args && o->format != MMT_FMT_JSON)
		return usage_error("--parse-arguments applies to -o json only");
	return 0;
}

int main(int argc, char **argv)
{
	struct mmt_options opts;
	int err;

	if (argc > 1 && !strcmp(argv[1], "list"))
		return mmt_list_main(argc - 1, argv + 1);
	err = parse_options(argc, argv, &opts);
	if (err)
		return err < 0 ? 0 : err;
	return mmt_trace(&opts);
}
