// SPDX-License-Identifier: GPL-2.0
/*
 * top_cmd.c - `mmtrace top`: the BPF programs loaded in summary mode (the
 * kernel counts, writes no record), their maps read every interval and
 * shown as a table: redrawn on a terminal, appended with -b.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "cli/errors.h"
#include "cli/load.h"
#include "cli/options.h"
#include "cli/probe.h"
#include "cli/report.h"
#include "cli/scopes.h"
#include "cli/ways.h"
#include "context/cgroups.h"
#include "outputs/summary.h"
#include "placement/numa_maps.h"
#include "placement/placement.h"
#include "service/caps.h"
#include "text/outbuf.h"
#include "cli/top_cmd.h"
#include "top/top.h"

#define MAX_ROWS 4096
#define SCREEN_ROWS 40 /* rows shown on a terminal */
#define OUT_BUF (64 << 10)
#define TOP_BUFFER_SIZE (256 << 10) /* no record is written: the least */

struct top_opts {
	bool batch;
	long iterations; /* 0: until stopped */
	double delay;	 /* seconds */
	bool by_cgroup;
	int nodes; /* NODE:PAGES: 1 on, 0 off, -1 not said (on unless -b) */
	enum mmt_top_sort sort;
	pid_t pids[MMT_MAX_PIDS];
	int npids;
};

/* What reading the shown rows' numa_maps needs. */
struct node_reader {
	char *buf; /* MMT_PL_READ_MAX bytes */
	struct mmt_placement *pl;
	unsigned int base_kb;
	__u64 refresh; /* counts the refreshes: a row is read once in each */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: mmtrace top [-b] [-n N] [-d SECONDS] [--by pid|cgroup]\n"
		   "                   [-s pages|policy|failed|tasks|total] [-p PID]...\n"
		   "                   [--nodes|--no-nodes]\n"
		   "One row per process (or cgroup): memory-policy calls, pages migrated by\n"
		   "reason (COMPACT, NUMA misplaced, SYSCALL migrate_pages/move_pages, MBIND,\n"
		   "DEMOTE, OTHER), failed pages and NUMA task moves, per second; PAGES and\n"
		   "FAILED since the start. Kernel threads in [brackets]. Counted in the kernel.\n"
		   "By cgroup, each row is the group's path below the cgroup2 mount\n"
		   "(/system.slice/ssh.service); a path too long for the column shows its end\n"
		   "after \"...\"; a group removed before top looked it up is cgroup:ID.\n"
		   "  -b            batch mode: plain text, one table per interval\n"
		   "  -n N          stop after N intervals\n"
		   "  -d SECONDS    interval (default 1; 0.1 to 3600)\n"
		   "  --by KEY      pid (default) or cgroup\n"
		   "  -s KEY        sort by pages/s (default), policy/s, failed/s, tasks/s or\n"
		   "                total pages; on a terminal the keys p, P, f, t, T do it,\n"
		   "                c switches between processes and cgroups (counts restart),\n"
		   "                n shows or hides NODE:PAGES, q quits\n"
		   "  -p PID        only these processes (repeatable); each has a row, quiet\n"
		   "                or not\n"
		   "  --nodes       a last column NODE:PAGES: the pages each shown process maps\n"
		   "                on each node (N0:2048 N1:12, 4 KiB pages, from\n"
		   "                /proc/PID/numa_maps, read once per interval for the rows\n"
		   "                shown: about 5 ms per GiB mapped in 4 KiB pages); \"-\" for\n"
		   "                kernel threads and cgroups, \"?\" when it cannot be read.\n"
		   "                The default on a terminal; -b leaves it out unless asked\n"
		   "  --no-nodes    leave it out\n");
}

static const char *const sort_names[MMT_TOP_SORT_COUNT] = {"pages", "policy", "failed", "tasks",
							   "total"};

static int parse(int argc, char **argv, struct top_opts *t)
{
	static const struct option longs[] = {
		{"by", required_argument, NULL, 'B'},
		{"nodes", no_argument, NULL, 'N'},
		{"no-nodes", no_argument, NULL, 'O'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	char *end;
	int c;

	memset(t, 0, sizeof(*t));
	t->delay = 1;
	t->nodes = -1;
	optind = 1;
	opterr = 0; /* one line of our own instead */
	while ((c = getopt_long(argc, argv, "+bn:d:s:p:h", longs, NULL)) != -1) {
		switch (c) {
		case 'b':
			t->batch = true;
			break;
		case 'n':
			errno = 0;
			t->iterations = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || t->iterations < 1)
				return mmt_usage_error(
					"top: -n takes a number of intervals >= 1, not '%s'",
					optarg);
			break;
		case 'd':
			errno = 0;
			t->delay = strtod(optarg, &end);
			if (errno || *end || end == optarg ||
			    !(t->delay >= 0.1 && t->delay <= 3600))
				return mmt_usage_error(
					"top: -d takes seconds from 0.1 to 3600, not '%s'", optarg);
			break;
		case 'B':
			if (!strcmp(optarg, "pid"))
				t->by_cgroup = false;
			else if (!strcmp(optarg, "cgroup"))
				t->by_cgroup = true;
			else
				return mmt_usage_error("top: --by takes pid or cgroup, not '%s'",
						       optarg);
			break;
		case 's': {
			int k;

			for (k = 0; k < MMT_TOP_SORT_COUNT; k++)
				if (!strcmp(optarg, sort_names[k]))
					break;
			if (k == MMT_TOP_SORT_COUNT)
				return mmt_usage_error("top: -s takes pages, policy, failed, tasks "
						       "or total, not '%s'",
						       optarg);
			t->sort = k;
			break;
		}
		case 'p': {
			long pid;

			errno = 0;
			pid = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || pid < 1 || pid > 0x3fffffff)
				return mmt_usage_error("top: -p takes a process id, not '%s'",
						       optarg);
			if (t->npids == MMT_MAX_PIDS)
				return mmt_usage_error("top: at most %d -p", MMT_MAX_PIDS);
			t->pids[t->npids++] = pid;
			break;
		}
		case 'N':
		case 'O':
			t->nodes = c == 'N';
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			return mmt_usage_error("top: unknown option '%s' (mmtrace top --help)",
					       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return mmt_usage_error("top: unexpected argument '%s'", argv[optind]);
	if (t->nodes < 0)
		t->nodes = !t->batch;
	return 0;
}

/* The options of a -c run that counts what top shows, and nothing else. */
static void trace_options(const struct top_opts *t, struct mmt_options *o)
{
	static const enum mmt_event events[] = {
		MMT_EV_SET_MEMPOLICY,		MMT_EV_MBIND,
		MMT_EV_MIGRATE_PAGES,		MMT_EV_MOVE_PAGES,
		MMT_EV_SET_MEMPOLICY_HOME_NODE, MMT_EV_PAGE_MIGRATION,
		MMT_EV_NUMA_TASK_PLACEMENT,
	};

	memset(o, 0, sizeof(*o));
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		o->selected[events[i]] = true;
	o->summary = true;
	o->summary_by = t->by_cgroup ? MMT_BY_CGROUP : MMT_BY_PID;
	o->buffer_size = TOP_BUFFER_SIZE;
	o->kernel_copy = MMT_KCOPY_REREAD; /* --kernel-copy=off */
	/* as tracing's default: the per-syscall tracepoints of the policy
	 * calls, so that the rest of the machine's syscalls run no program
	 * while top watches (the raw ones cost every syscall ~100 ns); the
	 * raw programs only for 32-bit processes. The price: 'c' waits for
	 * the tracepoints' detaching (tens of ms each) */
	o->attach = MMT_ATTACH_AUTO;
	o->color = 0;
	for (int i = 0; i < t->npids; i++)
		o->pids[i] = t->pids[i];
	o->npids = t->npids;
}

/* A process's name from /proc, "[name]" for a kernel thread; bounded. */
static void proc_name(struct mmt_top_row *r)
{
	char path[64], buf[512], *open_paren, *close_paren;
	unsigned long flags = 0;
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%llu/stat", (unsigned long long)r->group);
	f = fopen(path, "re");
	if (!f) {
		snprintf(r->name, sizeof(r->name), "(exited)");
		return;
	}
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	/* pid (comm) state ppid pgrp session tty tpgid flags: comm may hold ')' */
	open_paren = strchr(buf, '(');
	close_paren = strrchr(buf, ')');
	if (!open_paren || !close_paren || close_paren < open_paren ||
	    close_paren - open_paren - 1 > MMT_COMM_LEN) {
		snprintf(r->name, sizeof(r->name), "?");
		return;
	}
	*close_paren = '\0';
	if (sscanf(close_paren + 1, " %*c %*d %*d %*d %*d %*d %lu", &flags) == 1)
		r->kthread = flags & 0x00200000; /* PF_KTHREAD */
	snprintf(r->name, sizeof(r->name), r->kthread ? "[%s]" : "%s", open_paren + 1);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A terminal in non-canonical mode, for single keys; restored at exit. */
static struct termios saved_tio;
static bool tio_saved;

static void term_raw(void)
{
	struct termios tio;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tio))
		return;
	tio = saved_tio;
	tio.c_lflag &= ~(ICANON | ECHO);
	tio.c_cc[VMIN] = 0;
	tio.c_cc[VTIME] = 0;
	if (!tcsetattr(STDIN_FILENO, TCSANOW, &tio))
		tio_saved = true;
}

static void term_restore(void)
{
	if (tio_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	tio_saved = false;
}

/* Wait up to seconds for a key (interactive) or just sleep (batch). */
static int wait_key(double seconds, bool keys)
{
	struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
	double until = now_s() + seconds;
	char ch;

	while (!stop) {
		double left = until - now_s();

		if (left <= 0)
			return 0;
		if (poll(keys ? &p : NULL, keys ? 1 : 0, (int)(left * 1000) + 1) > 0 &&
		    read(STDIN_FILENO, &ch, 1) == 1)
			return (unsigned char)ch;
	}
	return 0;
}

static void screen(struct outbuf *ob, const struct top_opts *t, struct mmt_top_row *rows, size_t n,
		   size_t left_out, int iteration)
{
	char when[32];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	if (!t->batch)
		ob_str(ob, "\033[H\033[2J");
	else if (iteration > 1)
		ob_char(ob, '\n');
	ob_str(ob, "mmtrace top - ");
	ob_str(ob, when);
	ob_str(ob, t->by_cgroup ? ", by cgroup" : ", by process");
	ob_str(ob, ", counted in the kernel (migrate:mm_migrate_pages, sched:sched_*_numa)\n");
	if (left_out)
		ob_str(ob, "(more groups than rows: some left out)\n");
	mmt_top_print(ob, rows, n, t->batch ? 0 : SCREEN_ROWS, t->by_cgroup, t->sort, t->nodes);
}

/* One row's pages per node, read at most once per refresh. */
static void read_nodes(struct node_reader *nr, struct mmt_top_row *r)
{
	bool capped;
	ssize_t len;

	if (r->nodes.read_at == nr->refresh)
		return;
	r->nodes.read_at = nr->refresh;
	if (r->kthread) {
		r->nodes.state = MMT_TOP_NODES_NONE;
		return;
	}
	if (!nr->buf || !nr->pl) { /* the first time */
		long page = sysconf(_SC_PAGESIZE);

		if (!nr->buf)
			nr->buf = malloc(MMT_PL_READ_MAX);
		if (!nr->pl)
			nr->pl = malloc(sizeof(*nr->pl));
		nr->base_kb = page >= 1024 ? page / 1024 : 4;
	}
	len = nr->buf && nr->pl ? mmt_numa_maps_read(r->group, nr->buf, MMT_PL_READ_MAX, &capped)
				: -1;
	if (len <= 0) {
		/* gone, a zombie (no memory left), or out of memory */
		r->nodes.state = MMT_TOP_NODES_UNREAD;
		return;
	}
	mmt_placement_clear(nr->pl);
	mmt_numa_maps_parse(nr->buf, len, nr->base_kb, nr->pl);
	mmt_top_set_nodes(r, nr->pl, nr->base_kb, capped);
}

/* What the rows about to be shown need from outside the kernel's counts:
 * a cgroup's path, a process's pages per node. */
static void prepare_shown(const struct top_opts *t, struct node_reader *nr,
			  struct mmt_top_row *rows, size_t n)
{
	size_t shown = t->batch || n < SCREEN_ROWS ? n : SCREEN_ROWS;

	for (size_t i = 0; i < shown; i++) {
		if (t->by_cgroup)
			mmt_cgroup_label(rows[i].group, mmt_cgroup_path, rows[i].label,
					 sizeof(rows[i].label) - 1);
		else if (t->nodes)
			read_nodes(nr, &rows[i]);
	}
}

/* Load and attach the programs for t's grouping. 0, or -1 after an error
 * line. */
static int start(const struct top_opts *t, struct mmt_options *o, struct mmt_ways *ways,
		 struct mmtrace_bpf **skel)
{
	int kcopy = MMT_KCOPY_REREAD;

	trace_options(t, o);
	mmt_ways_plan(ways, o);
	if (mmt_load(o, ways, 0, &kcopy, skel, NULL))
		return -1;
	if (mmt_scopes_fill(*skel, o, 0) || mmt_attach(*skel, o, &kcopy) ||
	    mmt_ways_attach(ways, *skel, o)) {
		mmt_ways_detach(ways);
		mmt_unload(*skel);
		*skel = NULL;
		return -1;
	}
	return 0;
}

static void finish(struct mmt_ways *ways, struct mmtrace_bpf **skel)
{
	mmt_ways_detach(ways);
	mmt_unload(*skel);
	*skel = NULL;
}

int mmt_top_main(int argc, char **argv)
{
	struct mmt_summary_row *stats = NULL;
	struct mmt_move_row *moves = NULL;
	struct mmtrace_bpf *skel = NULL;
	struct mmt_top_row *rows = NULL;
	struct mmt_ways ways = {0};
	struct node_reader nr = {0};
	struct mmt_options o;
	struct outbuf out = {0};
	struct top_opts t;
	size_t n = 0, nstats, nmoves, left_out;
	int ret = 1, err;
	double last;
	struct sigaction sa = {.sa_handler = on_signal};

	err = parse(argc, argv, &t);
	if (err)
		return err < 0 ? 0 : err;
	if (mmt_check_caps()) /* the capabilities tracing needs, said as tracing says them */
		return 1;
	trace_options(&t, &o);
	rows = calloc(MAX_ROWS, sizeof(*rows));
	if (!rows || ob_init(&out, STDOUT_FILENO, OUT_BUF)) {
		mmt_err("out of memory");
		goto cleanup;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	mmt_load_quiet();
	if (mmt_ensure_tracefs() || start(&t, &o, &ways, &skel))
		goto cleanup;
	if (!t.batch)
		term_raw();
	last = now_s();
	for (int it = 1; !stop && (!t.iterations || it <= t.iterations); it++) {
		int key = wait_key(t.delay - (now_s() - last), !t.batch && tio_saved);
		double now = now_s();

		if (key == 'q')
			break;
		if (key == 'c') {
			/* by process <-> by cgroup: the kernel groups the counts,
			 * so the programs start over with the other key */
			finish(&ways, &skel);
			t.by_cgroup = !t.by_cgroup;
			if (start(&t, &o, &ways, &skel))
				goto cleanup;
			n = 0;
			last = now_s();
		}
		if (key == 'n')
			t.nodes = !t.nodes;
		if (key == 'p' || key == 'P' || key == 'f' || key == 't' || key == 'T')
			t.sort = key == 'p'   ? MMT_TOP_SORT_PAGES
				 : key == 'P' ? MMT_TOP_SORT_POLICY
				 : key == 'f' ? MMT_TOP_SORT_FAILED
				 : key == 't' ? MMT_TOP_SORT_TASKS
					      : MMT_TOP_SORT_TOTAL;
		if (key) { /* redraw now, the interval goes on */
			it--;
			mmt_top_rates(rows, n, 0, t.sort);
			prepare_shown(&t, &nr, rows, n);
			screen(&out, &t, rows, n, 0, it);
			ob_flush(&out);
			continue;
		}
		if (stop)
			break;
		/* a 32-bit process started: its calls need the raw programs */
		if (mmt_ways_poll(&ways, skel))
			goto cleanup;
		if (mmt_report_read_stats(skel, &stats, &nstats) ||
		    mmt_report_read_moves(skel, &moves, &nmoves)) {
			mmt_err("failed to read the kernel's counts: out of memory");
			goto cleanup;
		}
		n = mmt_top_fold(rows, n, MAX_ROWS, stats, nstats, moves, nmoves, &left_out);
		free(stats);
		free(moves);
		stats = NULL;
		moves = NULL;
		for (int i = 0; i < t.npids && !t.by_cgroup; i++)
			if (!mmt_top_row_of(rows, &n, MAX_ROWS, t.pids[i]))
				left_out++;
		for (size_t i = 0; i < n; i++)
			if (!rows[i].name[0] && !t.by_cgroup)
				proc_name(&rows[i]);
		mmt_top_rates(rows, n, now - last, t.sort);
		last = now;
		nr.refresh++;
		mmt_cgroup_refresh();
		prepare_shown(&t, &nr, rows, n);
		screen(&out, &t, rows, n, left_out, it);
		ob_flush(&out);
		if (out.err)
			break; /* the reader went away */
	}
	ret = 0;
cleanup:
	term_restore();
	free(stats);
	free(moves);
	free(rows);
	free(nr.buf);
	free(nr.pl);
	mmt_cgroups_close();
	if (skel)
		finish(&ways, &skel);
	ob_free(&out);
	return ret;
}
