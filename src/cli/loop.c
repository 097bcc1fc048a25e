// SPDX-License-Identifier: GPL-2.0
/*
 * loop.c - one concern: draining the ring buffer. Each record is joined
 * with its thread's context, decoded, filtered on node masks and written
 * by the chosen output; every record not written is counted.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <bpf/libbpf.h>
#include "cli/errors.h"
#include "cli/loop.h"
#include "cli/match.h"
#include "cli/scopes.h"
#include "cli/ways.h"
#include "placement/placement.h"
#include "ring/merge.h"
#include "detect/session.h"
#include "metrics/metrics.h"
#include "sinks/sink.h"
#include "mmtrace.skel.h"

#define POLL_MS 10
#define STACK_PROCS 256 /* processes whose modules --stack keeps at once */

static volatile sig_atomic_t stop_signal, nsignals, reopen_output;

/* SIGHUP with --output-file: reopen it (log rotation). */
static void on_hangup(int sig)
{
	(void)sig;
	reopen_output = 1;
}

static void on_signal(int sig)
{
	stop_signal = sig;
	nsignals++;
}

void mmt_loop_catch_signals(bool reopen)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct sigaction hup = { .sa_handler = on_hangup, .sa_flags = SA_RESTART };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, reopen ? &hup : &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static __u64 clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * --stack: a call record with MMT_REC_STACK ends with a struct
 * mmt_stack_tail. Take it off (*len shrinks to the call and its payload);
 * *tail is NULL when there is none. false: too short to hold one.
 */
static bool split_tail(struct mmt_loop *t, const void *data, size_t *len,
		       const struct mmt_stack_tail **tail)
{
	const size_t size = sizeof(struct mmt_stack_tail);
	const char *at;
	__u16 kind, flags;

	*tail = NULL;
	if (*len < sizeof(struct mmt_call))
		return true;
	memcpy(&kind, data, sizeof(kind));
	memcpy(&flags, (const char *)data + offsetof(struct mmt_call, flags), sizeof(flags));
	if (kind == MMT_WIRE_TASK || kind == MMT_WIRE_TASK_GONE || !(flags & MMT_REC_STACK))
		return true;
	if (*len < sizeof(struct mmt_call) + size)
		return false;
	*len -= size;
	at = (const char *)data + *len;
	if ((uintptr_t)at % _Alignof(struct mmt_stack_tail)) {
		if (!t->tail_copy && !(t->tail_copy = malloc(size)))
			return false;
		memcpy(t->tail_copy, at, size);
		at = (const char *)t->tail_copy;
	}
	*tail = (const struct mmt_stack_tail *)at;
	return true;
}

/* --stack: what a context record says of a process's mappings. A new
 * context of a main thread (its first call, an exec) may come with other
 * mappings: read them now, while it runs (arrived: as the record is read,
 * not when the order window lets it go); the end of one (its exit) drops
 * them, in time order, after the calls before it. */
static void stack_context(struct mmt_loop *t, const void *data, size_t len, bool arrived)
{
	__u16 kind;
	__u32 tid;

	if (!t->stacks || len < sizeof(struct mmt_task_gone))
		return;
	memcpy(&kind, data, sizeof(kind));
	memcpy(&tid, (const char *)data + offsetof(struct mmt_task_gone, host_tid), sizeof(tid));
	if (arrived && kind == MMT_WIRE_TASK && len == sizeof(struct mmt_task)) {
		struct mmt_task task;

		memcpy(&task, data, sizeof(task));
		if (task.pid == task.tid) {
			mmt_stacks_maps_changed(t->stacks, tid);
			mmt_stacks_prepare(t->stacks, tid);
		}
	} else if (!arrived && kind == MMT_WIRE_TASK_GONE)
		mmt_stacks_forget(t->stacks, tid);
}

/* --stack: a successful call that maps code makes the process's maps
 * out of date for the calls that follow. (Other changes, such as code
 * moved by mremap, show as an address no module holds, which makes the
 * unwinder read the maps again.) */
static void stack_after(struct mmt_loop *t, const struct mmt_decoded_event *ev)
{
	const struct mmt_record *r = ev->rec;
	bool code = false;

	switch (ev->desc->event) {
	case MMT_EV_MMAP:
	case MMT_EV_MPROTECT:
	case MMT_EV_PKEY_MPROTECT:
		code = (r->args[2] & PROT_EXEC) && !ev->failed;
		break;
	default:
		break;
	}
	if (code)
		mmt_stacks_maps_changed(t->stacks, r->host_pid);
}

static int on_record(void *ctx, const void *data, size_t len)
{
	struct mmt_loop *t = ctx;
	struct mmt_decoded_event ev;
	const struct mmt_stack_tail *tail = NULL;
	size_t joined_len;

	if (t->stacks && !split_tail(t, data, &len, &tail)) {
		t->tally.malformed++;
		return 0;
	}
	switch (mmt_tasks_take(&t->tasks, data, len, t->joined, sizeof(t->joined), &joined_len)) {
	case MMT_WIRE_CALL:
		break;
	case MMT_WIRE_CONTEXT:
		stack_context(t, data, len, false);
		return 0;
	case MMT_WIRE_NO_CONTEXT:
		t->tally.no_context++;
		return 0;
	case MMT_WIRE_NO_MEMORY:
		mmt_err("out of memory for thread contexts");
		return -ENOMEM;
	case MMT_WIRE_MALFORMED:
		t->tally.malformed++;
		return 0;
	}
	/* JSON with raw values prints no decoded text: skip making it */
	if ((t->opts->format == MMT_FMT_JSON && !t->opts->parse_args ?
		     mmt_decode_values :
		     mmt_decode)(t->joined, joined_len, t->boot_to_wall_ns, &ev)) {
		if (getenv("MMTRACE_DEBUG"))
			fprintf(stderr, "mmtrace: malformed record: event %u, %zu bytes\n",
				((const struct mmt_record *)t->joined)->event, len);
		t->tally.malformed++;
		return 0;
	}
	if (!mmt_match_nodes(t->opts, &ev) || !mmt_match_latency(t->opts, &ev)) {
		t->tally.user_filtered++;
		return 0;
	}
	ev.container = mmt_container_of(ev.rec->cgroup_id);
	ev.context_id = mmt_tasks_last_id(&t->tasks);
	if (tail && ev.compat) {
		/* the unwinder reads x86_64 frames: an ia32 task's ip only */
		memset(&t->stack, 0, sizeof(t->stack));
		t->stack.nframes = 1;
		t->stack.frames[0].ip = tail->regs[MMT_SREG_IP];
		t->stack.frames[0].rel = t->stack.frames[0].ip;
		t->stack.flags = MMT_STACK_IA32;
		ev.stack = &t->stack;
	} else if (tail) {
		if (mmt_stacks_unwind(t->stacks, ev.rec->host_pid, ev.rec->host_tid, tail,
				      &t->stack)) {
			t->tally.malformed++;
			return 0;
		}
		ev.stack = &t->stack;
		stack_after(t, &ev);
	}
	if (t->sites) {
		/* a record without a stack tail counts as a site of its own */
		if (!tail) {
			memset(&t->stack, 0, sizeof(t->stack));
			t->stack.flags = MMT_STACK_UNWIND_ERR;
		}
		if (mmt_sites_add(t->sites, ev.desc->name, &t->stack, ev.failed,
				  ev.rec->exit_ns - ev.rec->enter_ns)) {
			mmt_err("out of memory for call sites");
			return -ENOMEM;
		}
		t->tally.events++;
		return 0;
	}
	if (t->opts->findings_only) {
		; /* --detect-only */
	} else if (t->sink) {
		size_t start = t->out->len;

		mmt_json_event(t->out, &ev, t->opts->parse_args);
		mmt_sink_event(t->sink, ev.desc->event, t->out->buf + start, t->out->len - start);
		t->out->len = start;
	} else if (t->opts->format == MMT_FMT_JSON)
		mmt_json_event(t->out, &ev, t->opts->parse_args);
	else if (t->opts->format == MMT_FMT_STRACE)
		mmt_strace_event(t->out, &ev);
	else
		mmt_table_event(t->out, &ev);
	if (t->tally.det)
		mmt_det_session_event(t->tally.det, t->out, &ev);
	if (t->placement)
		mmt_pl_note_event(t->placement, &ev);
	t->tally.events++;
	if (mmt_metrics_on)
		mmt_metrics_call(ev.desc->event, ev.failed, ev.rec->exit_ns - ev.rec->enter_ns);
	return 0;
}

/* The time a record is ordered by: a call's exit, a context's sending. */
static bool record_time(const void *data, size_t len, __u64 *time)
{
	__u16 kind;

	if (len < sizeof(kind))
		return false;
	memcpy(&kind, data, sizeof(kind));
	if (kind == MMT_WIRE_TASK && len == sizeof(struct mmt_task))
		memcpy(time, (const char *)data + offsetof(struct mmt_task, time_ns), sizeof(*time));
	else if (kind == MMT_WIRE_TASK_GONE && len == sizeof(struct mmt_task_gone))
		memcpy(time, (const char *)data + offsetof(struct mmt_task_gone, time_ns),
		       sizeof(*time));
	else if (kind != MMT_WIRE_TASK && kind != MMT_WIRE_TASK_GONE &&
		 len >= sizeof(struct mmt_call))
		memcpy(time, (const char *)data + offsetof(struct mmt_call, exit_ns), sizeof(*time));
	else
		return false;
	return true;
}

/* The context of the records of one CPU's ring buffer. */
struct mmt_ring_src {
	struct mmt_loop *t;
	int cpu;
};

/* A record read from one of the CPUs' ring buffers. */
static int on_ring_record(void *ctx, void *data, size_t len)
{
	struct mmt_ring_src *src = ctx;
	struct mmt_loop *t = src->t;
	__u16 kind;
	__u64 time;

	/* news of a 32-bit exec: act now, it is not printed */
	if (len >= sizeof(kind) && (memcpy(&kind, data, sizeof(kind)), kind == MMT_WIRE_COMPAT_EXEC))
		return t->tally.ways ? mmt_ways_compat_exec(t->tally.ways, t->skel, data, len) : 0;
	stack_context(t, data, len, true);
	/* one too short to be ordered is malformed: no need to wait */
	if (!t->merge || !record_time(data, len, &time))
		return on_record(t, data, len);
	return mmt_merge_push(t->merge, src->cpu, time, data, len);
}

/* Do the signals so far say stop? With a command running, the first is
 * passed on to it and the second stops. */
static bool signals_say_stop(struct mmt_loop *t)
{
	if (!nsignals)
		return false;
	if (t->child->pid > 0 && t->released) {
		if (!t->forwarded) {
			mmt_child_signal(t->child, stop_signal);
			t->forwarded = true;
		}
		return nsignals > 1;
	}
	return true;
}

static bool output_give_up(void *ctx)
{
	return signals_say_stop(ctx);
}

int mmt_loop_open(struct mmt_loop *t)
{
	int ncpus = libbpf_num_possible_cpus(), err;
	void **ctxs;

	ob_set_give_up(t->out, output_give_up, t);
	t->boot_to_wall_ns = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME);
	if (t->opts->stack && !(t->stacks = mmt_stacks_new(STACK_PROCS))) {
		mmt_err("failed to set up the stack unwinder: out of memory");
		return -1;
	}
	if (t->opts->stack_summary && !(t->sites = mmt_sites_new())) {
		mmt_err("failed to set up the call-site summary: out of memory");
		return -1;
	}
	if (t->opts->order_window_ms) {
		/* at most 64 MiB held: past that the oldest go out early */
		t->merge = mmt_merge_new(ncpus, t->opts->order_window_ms * 1000000ULL, 64UL << 20,
					 on_record, t);
		if (!t->merge) {
			mmt_err("out of memory");
			return -1;
		}
	}
	t->srcs = calloc((size_t)ncpus, sizeof(*t->srcs));
	ctxs = calloc((size_t)ncpus, sizeof(*ctxs));
	if (!t->srcs || !ctxs) {
		free(ctxs);
		mmt_err("out of memory");
		return -1;
	}
	for (int i = 0; i < ncpus; i++) {
		t->srcs[i].t = t;
		t->srcs[i].cpu = i;
		ctxs[i] = &t->srcs[i];
	}
	err = mmt_cpu_rings_open(&t->rings, on_ring_record, ctxs);
	free(ctxs);
	if (err) {
		mmt_err("failed to set up the ring buffers: %s", strerror(-err));
		return -1;
	}
	return 0;
}

/* New losses since the last look: a lost_events record in the stream. */
static void tell_losses(struct mmt_loop *t)
{
	__u64 now[MMT_EV_COUNT], delta[MMT_EV_COUNT];
	bool any = false;

	if (t->opts->summary)
		return;
	mmt_report_lost(t->skel, now);
	for (int i = 0; i < MMT_EV_COUNT; i++) {
		delta[i] = now[i] - t->lost_shown[i];
		any |= delta[i] != 0;
		t->lost_shown[i] = now[i];
	}
	if (any)
		mmt_lost_event(t->out, t->opts->format, clock_ns(CLOCK_REALTIME), delta);
}

void mmt_loop_flush(struct mmt_loop *t)
{
	if (t->sink) {
		mmt_sink_records(t->sink, t->out->buf, t->out->len);
		t->out->len = 0;
		return;
	}
	ob_flush(t->out);
}

/* Read every ring buffer; print what the order window lets go (all of it
 * when last). */
static int drain(struct mmt_loop *t, bool last)
{
	int n = ring_buffer__consume(t->rings.rb), got = n;

	if (n < 0 && n != -EINTR) {
		mmt_err("failed to read the ring buffers: %s", strerror(-n));
		return -1;
	}
	if (t->merge) {
		struct mmt_merge_stats st;

		n = last ? mmt_merge_flush(t->merge) :
			   mmt_merge_release(t->merge, clock_ns(CLOCK_BOOTTIME));
		if (n) {
			mmt_err("failed to order the records: %s", strerror(-n));
			return -1;
		}
		mmt_merge_stats(t->merge, &st);
		t->tally.late = st.late;
	}
	/* a loss comes with a full ring buffer, so with records to read; an
	 * idle one is looked at ten times a second */
	if (got > 0 || clock_ns(CLOCK_MONOTONIC) - t->losses_checked_ns >= 100000000ULL) {
		t->losses_checked_ns = clock_ns(CLOCK_MONOTONIC);
		tell_losses(t);
	}
	mmt_loop_flush(t);
	return 0;
}

/* Does the process or thread run (a zombie does not)? */
static bool target_alive(pid_t id)
{
	char path[64], buf[512];
	const char *state;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", id);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno != ENOENT && errno != ESRCH;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	state = strrchr(buf, ')'); /* after the name, which may hold anything */
	return !state || (state[1] && state[2] != 'Z' && state[2] != 'X');
}

/* -p: is any of the processes and threads asked for still running? */
static bool targets_alive(const struct mmt_options *o)
{
	for (int i = 0; i < o->npids; i++)
		if (target_alive(o->pids[i]))
			return true;
	for (int i = 0; i < o->ntids; i++)
		if (target_alive(o->tids[i]))
			return true;
	return false;
}

/* Once a second: new containers to select, the periodic summary. */
static void every_second(struct mmt_loop *t, __u64 *last_tick, __u64 *last_summary)
{
	__u64 now = clock_ns(CLOCK_MONOTONIC);

	if (now - *last_tick < 1000000000ULL)
		return;
	*last_tick = now;
	if (t->opts->end_with_targets && !targets_alive(t->opts))
		t->targets_gone = true;
	if (t->opts->ncontainers)
		mmt_scopes_refresh(t->skel, t->opts);
	if (t->opts->interval && now - *last_summary >= t->opts->interval * 1000000000ULL) {
		*last_summary = now;
		if (t->sites || t->opts->summary) {
			__u64 prev = 0;

			/* each periodic summary under the time it was taken */
			ob_lit(t->out, "\n--- ");
			mmt_time_text(t->out, MMT_TIME_SEC, clock_ns(CLOCK_REALTIME), &prev);
			ob_lit(t->out, " ---\n");
		}
		if (t->sites)
			mmt_sites_print(t->out, t->sites, t->opts->top);
		else if (t->opts->summary)
			mmt_report_summary(t->skel, t->opts, t->out);
		if (t->opts->stats)
			mmt_report_stats(t->skel, &t->tally, mmt_tasks_count(&t->tasks));
	}
}

/* The last drain: every loss so far is told in the stream. */
static int drain_last(struct mmt_loop *t)
{
	t->losses_checked_ns = 0;
	return drain(t, true);
}

/* The output failed: stop (1) if the command runs on, else 0. */
static int output_failed(struct mmt_loop *t)
{
	if (!(t->child->pid > 0 && t->released))
		return 0;
	if (t->out->err == EINTR)
		snprintf(t->why, sizeof(t->why), "a second signal");
	else if (t->out->err == EPIPE)
		snprintf(t->why, sizeof(t->why), "the output was closed");
	else
		snprintf(t->why, sizeof(t->why), "failed to write the output: %s",
			 strerror(t->out->err));
	return 1;
}

/* Has the command exited? While --placement follows it, its follower
 * thread is the one that waits for it. */
static bool child_exited(struct mmt_loop *t, int *status)
{
	if (t->placement && mmt_pl_attached(t->placement)) {
		if (!mmt_pl_reaped(t->placement, status))
			return false;
		t->child->pid = 0;
		return true;
	}
	return mmt_child_exited(t->child, status);
}

int mmt_loop_run(struct mmt_loop *t, int *status)
{
	__u64 last_tick = clock_ns(CLOCK_MONOTONIC), last_summary = last_tick;

	for (;;) {
		int n = ring_buffer__poll(t->rings.rb, POLL_MS);

		every_second(t, &last_tick, &last_summary);
		if (t->tally.ways && mmt_ways_poll(t->tally.ways, t->skel))
			return -1;
		if (n < 0 && n != -EINTR) {
			mmt_err("failed to poll the ring buffer: %s", strerror(-n));
			return -1;
		}
		if (drain(t, false))
			return -1;
		if (t->placement) {
			mmt_pl_flush(t->placement);
			mmt_loop_flush(t);
		}
		if (reopen_output && t->opts->output_file) {
			int fd = open(t->opts->output_file,
				      O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

			reopen_output = 0;
			if (fd < 0 || dup2(fd, t->out->fd) < 0)
				mmt_err("failed to reopen %s: %s; writing on to the old file",
					t->opts->output_file, strerror(errno));
			if (fd >= 0)
				close(fd);
		}
		if (t->out->err)
			return output_failed(t);
		if (t->child->pid > 0) {
			if (child_exited(t, status))
				return drain_last(t);
			if (signals_say_stop(t)) {
				snprintf(t->why, sizeof(t->why), "a second signal");
				drain(t, true); /* what the order window holds */
				return 1;
			}
		} else if (nsignals || t->targets_gone) {
			return drain_last(t);
		}
	}
}

int mmt_loop_wait_child(struct mmt_loop *t, int *status)
{
	bool forwarded = t->forwarded;

	if (t->placement) {
		/* untraced from here: --placement lets go of the command (and
		 * of its descendants); its follower may have reaped it */
		mmt_pl_detach(t->placement);
		if (t->child->pid > 0 && mmt_pl_reaped(t->placement, status))
			t->child->pid = 0;
	}
	if (mmt_child_wait(t->child, status, &nsignals, &stop_signal, &forwarded))
		return stop_signal;
	return 0;
}

void mmt_loop_close(struct mmt_loop *t)
{
	mmt_cpu_rings_close(&t->rings);
	free(t->srcs);
	t->srcs = NULL;
	mmt_merge_free(t->merge);
	t->merge = NULL;
	mmt_stacks_free(t->stacks);
	t->stacks = NULL;
	mmt_sites_free(t->sites);
	t->sites = NULL;
	free(t->tail_copy);
	t->tail_copy = NULL;
	mmt_tasks_free(&t->tasks);
}
