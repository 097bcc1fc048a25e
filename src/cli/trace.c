// SPDX-License-Identifier: GPL-2.0
/*
 * trace.c - one concern: the order of a tracing run. It checks what must
 * hold before loading, then starts the command, loads, selects, attaches,
 * runs the loop and reports, each step in its own module, and undoes them
 * in reverse on the way out.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "cli/child.h"
#include "cli/errors.h"
#include "cli/kcopy.h"
#include "cli/load.h"
#include "cli/loop.h"
#include "cli/probe.h"
#include "cli/report.h"
#include "cli/scopes.h"
#include "cli/trace.h"
#include "cli/ways.h"
#include "context/cgroups.h"
#include "context/containers.h"
#include "outputs/output.h"
#include "placement/placement.h"
#include "detect/session.h"
#include "metrics/metrics.h"
#include "service/caps.h"
#include "sinks/sink.h"
#include "mmtrace.skel.h"

#define OUT_BUF (256 << 10)
#define BTF_PATH "/sys/kernel/btf/vmlinux"

/*
 * Give the thread that reads the records (this one, from here on) its
 * --reader-nice weight. It runs after the command was forked, which keeps
 * its own; threads started later inherit it (the NATS sink's set their
 * own). The default is not taken by an mmtrace started with a nice value
 * of its own (nice(1), a unit's Nice=), nor without CAP_SYS_NICE; a value
 * asked for is taken, or its failure reported.
 */
static void reader_priority(const struct mmt_options *opts)
{
	pid_t tid = (pid_t)syscall(SYS_gettid);
	int now;

	errno = 0;
	now = getpriority(PRIO_PROCESS, (id_t)tid);
	if (!opts->reader_nice_set && (errno || now != 0))
		return;
	if (opts->reader_nice == now)
		return;
	if (setpriority(PRIO_PROCESS, (id_t)tid, opts->reader_nice) && opts->reader_nice_set)
		mmt_err("--reader-nice %d: %s; the reader keeps nice %d", opts->reader_nice,
			strerror(errno), getpriority(PRIO_PROCESS, (id_t)tid));
}

int mmt_trace(const struct mmt_options *opts)
{
	struct mmt_child child = MMT_CHILD_INIT;
	struct mmtrace_bpf *skel = NULL;
	struct outbuf out = { 0 };
	struct mmt_loop loop = { .opts = opts, .out = &out, .child = &child };
	struct mmt_det_session det;
	struct mmt_ways ways = { .nlinks = 0 };
	const char *no_color;
	int ret = 1, status = 0, out_fd = STDOUT_FILENO, kcopy, rc, sig;
	bool color;

	mmt_load_quiet();
	if (mmt_check_caps())
		return 1;
	if (access(BTF_PATH, R_OK)) {
		mmt_err("kernel BTF is missing (%s: %s); mmtrace needs a kernel built with CONFIG_DEBUG_INFO_BTF",
			BTF_PATH, strerror(errno));
		return 1;
	}
	for (int i = 0; i < opts->npids; i++) {
		if (kill(opts->pids[i], 0) && errno == ESRCH) {
			mmt_err("no process with pid %d", opts->pids[i]);
			return 1;
		}
	}
	/* with a command, the trace goes to stderr, as strace's: its stdout
	 * stays the command's */
	if (opts->command)
		out_fd = STDERR_FILENO;
	if (opts->output_file) {
		out_fd = open(opts->output_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (out_fd < 0) {
			mmt_err("failed to open %s: %s", opts->output_file, strerror(errno));
			return 1;
		}
	}
	if (ob_init(&out, opts->nats ? -1 : out_fd, OUT_BUF)) {
		mmt_err("out of memory");
		goto cleanup;
	}
	if (opts->nats && !(loop.sink = mmt_sink_open(&opts->sink)))
		goto cleanup;
	loop.tally.sink = loop.sink;
	if (mmt_ensure_tracefs())
		goto cleanup;

	mmt_loop_catch_signals(opts->output_file && !opts->nats);
	if (opts->command && mmt_child_start(&child, opts->command))
		goto cleanup;
	if (opts->placement) {
		struct mmt_pl_config pc = {
			.json = opts->format == MMT_FMT_JSON,
			.out = &out,
			.child = child.pid,
			.pids = opts->pids,
			.npids = opts->npids,
			.follow = opts->follow,
			.interval = opts->interval,
			.kernel_moves = opts->selected[MMT_EV_PAGE_MIGRATION],
		};

		if (mmt_pl_begin(&loop.placement, &pc))
			goto cleanup;
	}
	mmt_load_rings_begin(opts, &loop.rings);
	kcopy = mmt_kcopy_choose(opts);
	mmt_ways_plan(&ways, opts);
	if (mmt_load(opts, &ways, child.pid, &kcopy, &skel, &loop.rings) ||
	    mmt_scopes_fill(skel, opts, child.pid))
		goto cleanup;
	if (mmt_attach(skel, opts, &kcopy) || mmt_ways_attach(&ways, skel, opts))
		goto cleanup;
	loop.skel = skel;
	loop.tally.ways = &ways;
	if (mmt_loop_open(&loop))
		goto cleanup;
	if (opts->metrics) {
		mmt_metrics_kernel(bpf_map__fd(skel->maps.counters), loop.rings.fds, loop.rings.n,
				   mmt_load_ring_bytes(opts),
				   opts->summary ? bpf_map__fd(skel->maps.stats) : -1);
		if (loop.sink)
			mmt_metrics_sink(mmt_sink_metrics, loop.sink);
		if (mmt_metrics_start(opts->metrics))
			goto cleanup;
	}
	mmt_json_configure(opts->tracee_format);
	no_color = getenv("NO_COLOR");
	color = opts->color == 1 ||
		(opts->color < 0 && isatty(out_fd) && !(no_color && *no_color));
	if (opts->detect) {
		if (mmt_det_session_init(&det, opts->format == MMT_FMT_JSON, opts->parse_args,
					 color, opts->detect_allow, opts->ndetect_allow))
			goto cleanup;
		loop.tally.det = &det;
	}
	if (opts->command) {
		rc = mmt_child_release(&child, opts->command[0]);
		if (rc) {
			/* its follower lets go of it first, or it may be the one
			 * that reaps it */
			mmt_pl_finish(&loop.placement, false);
			mmt_child_reap(&child);
			ret = rc;
			goto cleanup;
		}
		loop.released = true;
	}
	/* after the command started: nothing before an exec error */
	mmt_strace_configure(opts->time_fmt, opts->durations);
	mmt_table_time_format(opts->time_fmt);
	mmt_json_durations(opts->durations);
	if (opts->format == MMT_FMT_TABLE && !opts->summary) {
		mmt_table_configure(opts->columns, opts->ncolumns, color);
		mmt_table_header(&out);
		ob_flush(&out);
	}

	if (loop.placement)
		mmt_pl_start(loop.placement);
	reader_priority(opts);
	rc = mmt_loop_run(&loop, &status);
	if (rc && child.pid > 0) {
		/* never harm the command: detach, let it run to its end */
		if (rc > 0)
			mmt_err("stopped tracing (%s); '%s' runs on, untraced, to its end",
				loop.why, opts->command[0]);
		mmt_report_losses(skel, opts, &loop.tally, mmt_tasks_count(&loop.tasks));
		/* the per-syscall tracepoints' links hold the programs: without
		 * this they ran on, untraced, into buffers nobody read */
		mmt_ways_detach(&ways);
		mmt_unload(skel);
		skel = NULL;
		sig = mmt_loop_wait_child(&loop, &status);
		if (sig) {
			mmt_err("left without waiting for '%s' (pid %d), which runs on",
				opts->command[0], child.pid);
			ret = 128 + sig;
		} else {
			ret = rc > 0 ? mmt_child_exit_status(status) : 1;
		}
		goto cleanup;
	}
	if (rc)
		goto cleanup;
	mmt_pl_finish(&loop.placement, true);
	mmt_loop_flush(&loop); /* the end samples, to the sink too */
	if (out.err && out.err != EPIPE && out.err != EINTR) {
		mmt_err("failed to write %s: %s",
			opts->output_file ? opts->output_file : "output", strerror(out.err));
		ret = opts->command ? mmt_child_exit_status(status) : 1;
		goto cleanup;
	}
	if (loop.sites && !out.err) {
		mmt_sites_print(&out, loop.sites, opts->top);
		ob_flush(&out);
	} else if (opts->summary && !out.err && mmt_report_summary(skel, opts, &out))
		mmt_err("failed to read the statistics: out of memory");
	ret = opts->command ? mmt_child_exit_status(status) : 0;
cleanup:
	mmt_metrics_stop();
	/* --drain-timeout: what is not delivered by then waits in the spool
	 * file for the next run */
	if (loop.sink && mmt_sink_close(loop.sink, opts->sink.drain_timeout * 1000U))
		mmt_err("failed to deliver every event to NATS: see the sink's dropped count");
	if (skel)
		mmt_report_losses(skel, opts, &loop.tally, mmt_tasks_count(&loop.tasks));
	mmt_pl_finish(&loop.placement, false);
	mmt_child_abandon(&child);
	mmt_loop_close(&loop);
	if (loop.tally.det)
		mmt_det_session_free(loop.tally.det);
	mmt_ways_detach(&ways);
	mmt_unload(skel);
	ob_free(&out);
	mmt_sink_free(loop.sink);
	mmt_containers_close();
	mmt_cgroups_close();
	if (opts->output_file && out_fd >= 0)
		close(out_fd);
	return ret;
}
