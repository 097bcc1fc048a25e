// SPDX-License-Identifier: GPL-2.0
/*
 * tracer.c - load the BPF programs, run the traced command, drain the ring
 * buffer into the chosen output, and account for every lost record.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include "cli/cli.h"
#include "outputs/summary.h"
#include "context/tasks.h"
#include "metrics/metrics.h"
#include "service/caps.h"
#include "mmtrace.skel.h"

#define POLL_MS 10
#define SINK_CLOSE_MS 10000 /* at exit, to deliver what the sink holds */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define OUT_BUF (256 << 10)
#define BTF_PATH "/sys/kernel/btf/vmlinux"
#define TRACEFS "/sys/kernel/tracing"

static volatile sig_atomic_t stop_signal, nsignals, reopen_output;

static void on_signal(int sig)
{
	stop_signal = sig;
	nsignals++;
}

/* SIGHUP with --output-file: reopen it (log rotation). */
static void on_hangup(int sig)
{
	(void)sig;
	reopen_output = 1;
}

struct tracer {
	const struct mmt_options *opts;
	struct mmtrace_bpf *skel;
	struct ring_buffer *rb;
	struct outbuf out;
	struct mmt_sink *sink; /* -o nats://: events go there, not to out's fd */
	__u64 boot_to_wall_ns;
	__u64 events; /* records written out */
	__u64 malformed; /* records the decoder refused */
	__u64 no_context; /* calls of a thread whose context never came */
	struct mmt_tasks tasks; /* thread contexts by host tid */
	/* a call joined with its thread's context, then its payload */
	_Alignas(8) unsigned char joined[sizeof(struct mmt_record) +
					 sizeof(struct mmt_payload_masks) +
					 sizeof(struct mmt_payload_move_pages)];
	__u64 user_filtered; /* records a .nodes filter left out */
	pid_t child;
	int go_fd; /* write end: tells the child to exec */
	int kcopy; /* enum mmt_toctou_method: how node masks are checked */
};

static __u64 clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Filters on node masks: the mask must hold the node (ANDed per event). */
static bool node_filters_match(const struct mmt_options *o, const struct mmt_decoded_event *ev)
{
	for (int i = 0; i < o->nnode_filters; i++) {
		const struct mmt_node_filter *f = &o->node_filters[i];
		const struct mmt_mask *m;

		if (f->event != (int)ev->desc->event)
			continue;
		m = ev->args[f->arg].mask;
		if (!m || m->state != MMT_MASK_READ || mmt_mask_next(m, f->node) != f->node)
			return false;
	}
	return true;
}

static int on_record(void *ctx, void *data, size_t len)
{
	struct tracer *t = ctx;
	struct mmt_decoded_event ev;
	size_t joined_len;

	switch (mmt_tasks_take(&t->tasks, data, len, t->joined, sizeof(t->joined), &joined_len)) {
	case MMT_WIRE_CALL:
		break;
	case MMT_WIRE_CONTEXT:
		return 0;
	case MMT_WIRE_NO_CONTEXT:
		t->no_context++;
		return 0;
	case MMT_WIRE_NO_MEMORY:
		mmt_err("out of memory for thread contexts");
		return -ENOMEM;
	case MMT_WIRE_MALFORMED:
		t->malformed++;
		return 0;
	}
	/* JSON with raw values prints no decoded text: skip making it */
	if ((t->opts->format == MMT_FMT_JSON && !t->opts->parse_args ?
		     mmt_decode_values :
		     mmt_decode)(t->joined, joined_len, t->boot_to_wall_ns, &ev)) {
		if (getenv("MMTRACE_DEBUG"))
			fprintf(stderr, "mmtrace: malformed record: event %u, %zu bytes\n",
				((const struct mmt_record *)t->joined)->event, len);
		t->malformed++;
		return 0;
	}
	if (!node_filters_match(t->opts, &ev)) {
		t->user_filtered++;
		return 0;
	}
	ev.container = mmt_container_of(ev.rec->cgroup_id);
	ev.context_id = mmt_tasks_last_id(&t->tasks);
	if (t->sink) {
		size_t start = t->out.len;

		mmt_json_event(&t->out, &ev, t->opts->parse_args);
		mmt_sink_event(t->sink, ev.desc->event, t->out.buf + start, t->out.len - start);
		t->out.len = start;
	} else if (t->opts->format == MMT_FMT_JSON)
		mmt_json_event(&t->out, &ev, t->opts->parse_args);
	else
		mmt_table_event(&t->out, &ev);
	t->events++;
	if (mmt_metrics_on)
		mmt_metrics_call(ev.desc->event, ev.failed, ev.rec->exit_ns - ev.rec->enter_ns);
	return 0;
}

/* libbpf finds tracepoint ids in tracefs; mount it if nobody has. */
int mmt_ensure_tracefs(void)
{
	struct stat st;

	if (!stat(TRACEFS "/events", &st) || !stat("/sys/kernel/debug/tracing/events", &st))
		return 0;
	if (mount("nodev", TRACEFS, "tracefs", 0, NULL)) {
		mmt_err("failed to mount tracefs on " TRACEFS ": %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN && getenv("MMTRACE_DEBUG"))
		return vfprintf(stderr, fmt, ap);
	return 0;
}

/* Fork the command now; it waits for a byte on a pipe before exec. */
static int start_child(struct tracer *t, char **argv)
{
	int go[2], ready[2];
	char c;

	if (pipe2(go, O_CLOEXEC) || pipe2(ready, O_CLOEXEC)) {
		mmt_err("failed to create a pipe: %s", strerror(errno));
		return -1;
	}
	t->child = fork();
	if (t->child < 0) {
		mmt_err("failed to fork: %s", strerror(errno));
		return -1;
	}
	if (t->child == 0) {
		int err;

		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		close(go[1]);
		close(ready[0]);
		if (read(go[0], &c, 1) != 1)
			_exit(127); /* the tracer gave up */
		execvp(argv[0], argv);
		err = errno;
		if (write(ready[1], &err, sizeof(err)) < 0)
			_exit(127);
		_exit(127);
	}
	close(go[0]);
	close(ready[1]);
	t->go_fd = go[1];
	return ready[0];
}

/* Let the child exec; report if exec failed. */
static int release_child(struct tracer *t, int ready_fd, const char *name)
{
	int err = 0;
	ssize_t n;

	if (write(t->go_fd, "g", 1) != 1) {
		mmt_err("failed to start the command: %s", strerror(errno));
		return -1;
	}
	close(t->go_fd);
	t->go_fd = -1;
	do
		n = read(ready_fd, &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	close(ready_fd);
	if (n == sizeof(err)) {
		mmt_err("failed to run '%s': %s", name, strerror(err));
		return -1;
	}
	return 0;
}

/* Does this kernel have the per-syscall tracepoint of the program? */
static bool tracepoint_exists(const char *prog)
{
	char path[256];
	const char *name = strchr(prog, '_') + 1;

	snprintf(path, sizeof(path), TRACEFS "/events/syscalls/sys_enter_%s", name);
	if (!access(path, F_OK))
		return true;
	snprintf(path, sizeof(path), "/sys/kernel/debug/tracing/events/syscalls/sys_enter_%s",
		 name);
	return !access(path, F_OK);
}

/* Which programs to load: one way in, the selected events, their helpers. */
static bool program_wanted(const struct mmt_options *o, const char *prog)
{
	bool migrating = false;

	for (int i = 0; i < MMT_EV_COUNT; i++)
		migrating |= o->selected[i] && mmt_events[i].migrates;
	if (!strcmp(prog, "raw_enter") || !strcmp(prog, "raw_exit"))
		return !o->syscall_tracepoints;
	if (!strcmp(prog, "follow_fork"))
		return o->command || o->follow;
	if (!strcmp(prog, "on_migrate"))
		return migrating;
	if (!strncmp(prog, "enter_", 6) || !strncmp(prog, "exit_", 5)) {
		const char *name = strchr(prog, '_') + 1;
		const struct mmt_event_desc *d = mmt_event_by_name(name);

		return o->syscall_tracepoints && d && o->selected[d->event] &&
		       tracepoint_exists(prog);
	}
	return true;
}

static int open_and_load(struct tracer *t)
{
	const struct mmt_options *o = t->opts;
	struct bpf_program *prog;
	__u32 scopes = 0;
	int err;

	t->skel = mmtrace_bpf__open();
	if (!t->skel) {
		mmt_err("failed to open BPF programs: %s", strerror(errno));
		return -1;
	}
	if (o->npids || o->command)
		scopes |= MMT_SCOPE_PID;
	if (o->ntids)
		scopes |= MMT_SCOPE_TID;
	if (o->ncomms)
		scopes |= MMT_SCOPE_COMM;
	if (o->nnot_comms)
		scopes |= MMT_SCOPE_NOT_COMM;
	if (o->uid_scope)
		scopes |= MMT_SCOPE_UID;
	if (o->ncgroups || o->ncontainers)
		scopes |= MMT_SCOPE_CGROUP;
	t->skel->rodata->self_tgid = getpid();
	t->skel->rodata->scope_mask = scopes;
	t->skel->rodata->uid_min = o->uid_min;
	t->skel->rodata->uid_max = o->uid_max;
	t->skel->rodata->follow_forks = o->command || o->follow;
	t->skel->rodata->only_failed = o->failed_only;
	t->skel->rodata->summary_only = o->summary;
	t->skel->rodata->summary_by = o->summary_by;
	t->skel->rodata->wakeup_bytes = o->buffer_size / 4;
	/* a few pids (the command's is known: it was forked first) are
	 * compared inline; more go to the tgid_filter map only */
	if (o->npids + (t->child > 0) <= (int)ARRAY_SIZE(t->skel->rodata->inline_pids)) {
		int n = 0;

		for (int i = 0; i < o->npids; i++)
			t->skel->rodata->inline_pids[n++] = o->pids[i];
		if (t->child > 0)
			t->skel->rodata->inline_pids[n++] = t->child;
		t->skel->rodata->ninline_pids = n;
	}
	for (int i = 0; i < MMT_EV_COUNT; i++) {
		t->skel->rodata->npreds[i] = o->npreds[i];
		for (int k = 0; k < o->npreds[i]; k++)
			t->skel->rodata->preds[i][k] = o->preds[i][k];
	}
	for (int i = 0; i < MMT_EV_COUNT; i++) {
		const struct mmt_event_desc *d = &mmt_events[i];

		if (!o->selected[i])
			continue;
		t->skel->rodata->sel64[d->syscall_nr] = i + 1;
		if (d->ia32_nr >= 0)
			t->skel->rodata->sel32[d->ia32_nr] = i + 1;
		if (d->ia32_nr2 >= 0)
			t->skel->rodata->sel32[d->ia32_nr2] = i + 1;
	}
	bpf_map__set_max_entries(t->skel->maps.events, o->buffer_size);

	bpf_object__for_each_program(prog, t->skel->obj) {
		const char *name = bpf_program__name(prog);
		int kcopy = mmt_kcopy_program(name, t->kcopy);

		bpf_program__set_autoload(prog, kcopy >= 0 ? kcopy : program_wanted(o, name));
		if (kcopy >= 0) /* attached by mmt_kcopy_attach(), which may fail */
			bpf_program__set_autoattach(prog, false);
	}

	err = mmtrace_bpf__load(t->skel);
	if (err && t->kcopy != MMT_TOCTOU_REREAD) {
		/* the kernel copy is a bonus: never a reason not to trace */
		mmt_kcopy_note(o, t->kcopy, "its BPF program did not load");
		mmtrace_bpf__destroy(t->skel);
		t->skel = NULL;
		t->kcopy = MMT_TOCTOU_REREAD;
		return open_and_load(t);
	}
	if (err) {
		if ((err == -EPERM || err == -EACCES) && geteuid() == 0)
			mmt_err("failed to load BPF programs: the kernel's verifier refused them (set MMTRACE_DEBUG=1 for its log)");
		else if (err == -EPERM || err == -EACCES)
			mmt_err("failed to load BPF programs: %s (mmtrace needs root, or CAP_BPF and CAP_PERFMON)",
				strerror(-err));
		else
			mmt_err("failed to load BPF programs: %s (set MMTRACE_DEBUG=1 for libbpf's log)",
				strerror(-err));
		return -1;
	}
	return 0;
}

static int put_key(int fd, const void *key, const char *what)
{
	__u8 one = 1;

	if (bpf_map_update_elem(fd, key, &one, BPF_ANY)) {
		mmt_err("failed to select %s: %s", what, strerror(errno));
		return -1;
	}
	return 0;
}

static int put_comm(int fd, const char *comm)
{
	char key[MMT_COMM_LEN] = { 0 };

	strncpy(key, comm, sizeof(key) - 1);
	return put_key(fd, key, comm);
}

static void put_cgroup(__u64 id, void *ctx)
{
	struct tracer *t = ctx;

	put_key(bpf_map__fd(t->skel->maps.cgroup_filter), &id, "a container's cgroup");
}

/* The cgroups of --container: looked up again now and then for new ones. */
static int select_containers(struct tracer *t, bool first)
{
	for (int i = 0; i < t->opts->ncontainers; i++) {
		const char *id = t->opts->containers[i];
		int n = mmt_container_cgroups(id, put_cgroup, t);

		if (n < 0 && first) {
			mmt_err("failed to look for containers: no cgroup v2 file system mounted");
			return -1;
		}
		if (n == 0 && first && strcmp(id, "all"))
			fprintf(stderr, "mmtrace: no container '%s' yet; watching for it\n", id);
	}
	return 0;
}

static int fill_filter(struct tracer *t)
{
	const struct mmt_options *o = t->opts;
	struct mmtrace_bpf *s = t->skel;
	__u32 key;

	for (int i = 0; i < o->npids; i++) {
		key = o->pids[i];
		if (put_key(bpf_map__fd(s->maps.tgid_filter), &key, "a pid"))
			return -1;
	}
	if (t->child > 0) {
		key = t->child;
		if (put_key(bpf_map__fd(s->maps.tgid_filter), &key, "the command"))
			return -1;
	}
	for (int i = 0; i < o->ntids; i++) {
		key = o->tids[i];
		if (put_key(bpf_map__fd(s->maps.tid_filter), &key, "a tid"))
			return -1;
	}
	for (int i = 0; i < o->ncomms; i++)
		if (put_comm(bpf_map__fd(s->maps.comm_filter), o->comms[i]))
			return -1;
	for (int i = 0; i < o->nnot_comms; i++)
		if (put_comm(bpf_map__fd(s->maps.not_comm_filter), o->not_comms[i]))
			return -1;
	for (int i = 0; i < o->ncgroups; i++)
		if (put_key(bpf_map__fd(s->maps.cgroup_filter), &o->cgroups[i], "a cgroup"))
			return -1;
	return select_containers(t, true);
}

static void sum_counters(struct tracer *t, __u64 drops[MMT_EV_COUNT][MMT_CNT_COUNT])
{
	int ncpu = libbpf_num_possible_cpus();
	int fd = bpf_map__fd(t->skel->maps.counters);
	__u64 *vals = calloc(ncpu > 0 ? ncpu : 1, sizeof(*vals));

	memset(drops, 0, sizeof(__u64) * MMT_EV_COUNT * MMT_CNT_COUNT);
	if (!vals)
		return;
	for (__u32 ev = 0; ev < MMT_EV_COUNT; ev++) {
		for (__u32 r = 0; r < MMT_CNT_COUNT; r++) {
			__u32 key = ev * MMT_CNT_COUNT + r;

			if (bpf_map_lookup_elem(fd, &key, vals))
				continue;
			for (int c = 0; c < ncpu; c++)
				drops[ev][r] += vals[c];
		}
	}
	free(vals);
}

static const char *const counter_names[MMT_CNT_COUNT] = { "ringbuf", "inflight", "filtered" };

/* The JSON stats line on stderr: events, losses and filtered calls. */
static void print_stats(struct tracer *t)
{
	__u64 c[MMT_EV_COUNT][MMT_CNT_COUNT], lost = 0, filtered = 0;

	sum_counters(t, c);
	for (int ev = 0; ev < MMT_EV_COUNT; ev++) {
		for (int r = 0; r < MMT_DROP_COUNT; r++)
			lost += c[ev][r];
		filtered += c[ev][MMT_CNT_FILTERED];
	}
	fprintf(stderr,
		"{\"stats\":{\"events\":%llu,\"lost\":%llu,\"malformed\":%llu,"
		"\"withoutContext\":%llu,\"threadContexts\":%zu,"
		"\"filteredInKernel\":%llu,\"filteredInUserSpace\":%llu,\"lostByEvent\":{",
		(unsigned long long)t->events, (unsigned long long)lost,
		(unsigned long long)t->malformed, (unsigned long long)t->no_context,
		mmt_tasks_count(&t->tasks), (unsigned long long)filtered,
		(unsigned long long)t->user_filtered);
	for (int ev = 0; ev < MMT_EV_COUNT; ev++) {
		fprintf(stderr, "%s\"%s\":{", ev ? "," : "", mmt_events[ev].name);
		for (int r = 0; r < MMT_DROP_COUNT; r++)
			fprintf(stderr, "%s\"%s\":%llu", r ? "," : "", counter_names[r],
				(unsigned long long)c[ev][r]);
		fputc('}', stderr);
	}
	fputs("},\"filteredByEvent\":{", stderr);
	for (int ev = 0; ev < MMT_EV_COUNT; ev++)
		fprintf(stderr, "%s\"%s\":%llu", ev ? "," : "", mmt_events[ev].name,
			(unsigned long long)c[ev][MMT_CNT_FILTERED]);
	fputc('}', stderr);
	if (t->sink) {
		fputc(',', stderr);
		mmt_sink_stats_json(t->sink, stderr);
	}
	fputs("}}\n", stderr);
}

/* Losses on stderr at exit: always when there are some; all with --stats. */
static void report(struct tracer *t)
{
	__u64 c[MMT_EV_COUNT][MMT_CNT_COUNT], lost = 0;

	sum_counters(t, c);
	for (int ev = 0; ev < MMT_EV_COUNT; ev++)
		for (int r = 0; r < MMT_DROP_COUNT; r++)
			lost += c[ev][r];
	if (lost || t->malformed || t->no_context) {
		fprintf(stderr, "mmtrace: %llu events lost:", (unsigned long long)lost);
		for (int ev = 0; ev < MMT_EV_COUNT; ev++)
			for (int r = 0; r < MMT_DROP_COUNT; r++)
				if (c[ev][r])
					fprintf(stderr, " %s %llu (%s full)", mmt_events[ev].name,
						(unsigned long long)c[ev][r], counter_names[r]);
		if (t->malformed)
			fprintf(stderr, " malformed %llu", (unsigned long long)t->malformed);
		if (t->no_context)
			fprintf(stderr, " without their thread's context %llu",
				(unsigned long long)t->no_context);
		fputc('\n', stderr);
	}
	if (t->opts->stats)
		print_stats(t);
}

/* Exit status of the tracer for a child's wait status, as a shell has it. */
static int child_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

static int drain(struct tracer *t)
{
	int n = ring_buffer__consume(t->rb);

	if (n < 0 && n != -EINTR) {
		mmt_err("failed to read the ring buffer: %s", strerror(-n));
		return -1;
	}
	ob_flush(&t->out);
	return 0;
}

/*
 * Poll until the command exits, or until a signal: without a command, the
 * first signal stops; with one, the first is passed on to the command and a
 * second stops at once.
 */
/* -c: the statistics the kernel kept, summed over CPUs, as a table. */
static int print_summary(struct tracer *t)
{
	int fd = bpf_map__fd(t->skel->maps.stats), ncpu = libbpf_num_possible_cpus();
	struct mmt_summary_row *rows = NULL, *grown;
	struct mmt_stat_key key, next, *prev = NULL;
	struct mmt_stat *vals;
	size_t n = 0, cap = 0;
	int err = 0;

	vals = calloc(ncpu > 0 ? ncpu : 1, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, vals))
			continue; /* gone meanwhile */
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			grown = realloc(rows, cap * sizeof(*rows));
			if (!grown) {
				err = -ENOMEM;
				goto cleanup;
			}
			rows = grown;
		}
		memset(&rows[n], 0, sizeof(rows[n]));
		rows[n].key = key;
		for (int c = 0; c < ncpu; c++) {
			struct mmt_stat *st = &rows[n].st;

			st->calls += vals[c].calls;
			st->lat_sum += vals[c].lat_sum;
			if (vals[c].lat_max > st->lat_max)
				st->lat_max = vals[c].lat_max;
			for (int h = 0; h < MMT_HIST_SLOTS; h++)
				st->hist[h] += vals[c].hist[h];
		}
		n++;
	}
	mmt_summary_print(&t->out, rows, n, t->opts->summary_by, t->opts->histogram);
	ob_flush(&t->out);
cleanup:
	free(rows);
	free(vals);
	return err;
}

/* Once a second: new containers to select, the periodic summary. */
static void every_second(struct tracer *t, __u64 *last_tick, __u64 *last_summary)
{
	__u64 now = clock_ns(CLOCK_MONOTONIC);

	if (now - *last_tick < 1000000000ULL)
		return;
	*last_tick = now;
	if (t->opts->ncontainers)
		select_containers(t, false);
	if (t->opts->interval && now - *last_summary >= t->opts->interval * 1000000000ULL) {
		*last_summary = now;
		if (t->opts->summary)
			print_summary(t);
		if (t->opts->stats)
			print_stats(t);
	}
}

static int run_loop(struct tracer *t, int *status)
{
	__u64 last_tick = clock_ns(CLOCK_MONOTONIC), last_summary = last_tick;
	bool forwarded = false;

	for (;;) {
		int n = ring_buffer__poll(t->rb, POLL_MS);

		every_second(t, &last_tick, &last_summary);
		if (n < 0 && n != -EINTR) {
			mmt_err("failed to poll the ring buffer: %s", strerror(-n));
			return -1;
		}
		if (drain(t))
			return -1;
		if (reopen_output && t->opts->output_file) {
			int fd = open(t->opts->output_file,
				      O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

			reopen_output = 0;
			if (fd < 0 || dup2(fd, t->out.fd) < 0)
				mmt_err("failed to reopen %s: %s; writing on to the old file",
					t->opts->output_file, strerror(errno));
			if (fd >= 0)
				close(fd);
		}
		if (t->out.err)
			return 0;
		if (t->child > 0) {
			pid_t w = waitpid(t->child, status, WNOHANG);

			if (w == t->child) {
				t->child = 0;
				return drain(t);
			}
			if (nsignals == 1 && !forwarded) {
				kill(t->child, stop_signal);
				forwarded = true;
			} else if (nsignals > 1) {
				return drain(t);
			}
		} else if (nsignals) {
			return drain(t);
		}
	}
}

int mmt_trace(const struct mmt_options *opts)
{
	struct tracer t = { .opts = opts, .go_fd = -1 };
	struct sigaction sa = { .sa_handler = on_signal };
	int ret = 1, ready_fd = -1, status = 0, out_fd = STDOUT_FILENO;

	libbpf_set_print(libbpf_quiet);
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
	if (opts->output_file) {
		out_fd = open(opts->output_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (out_fd < 0) {
			mmt_err("failed to open %s: %s", opts->output_file, strerror(errno));
			return 1;
		}
	}
	if (ob_init(&t.out, opts->nats ? -1 : out_fd, OUT_BUF)) {
		mmt_err("out of memory");
		goto cleanup;
	}
	if (opts->nats && !(t.sink = mmt_sink_open(&opts->sink)))
		goto cleanup;
	if (mmt_ensure_tracefs())
		goto cleanup;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (opts->output_file && !opts->nats) {
		struct sigaction hup = { .sa_handler = on_hangup, .sa_flags = SA_RESTART };

		sigaction(SIGHUP, &hup, NULL);
	} else {
		sigaction(SIGHUP, &sa, NULL);
	}
	signal(SIGPIPE, SIG_IGN);

	if (opts->command) {
		ready_fd = start_child(&t, opts->command);
		if (ready_fd < 0)
			goto cleanup;
	}
	t.kcopy = mmt_kcopy_choose(opts);
	if (open_and_load(&t) || fill_filter(&t))
		goto cleanup;
	if (mmtrace_bpf__attach(t.skel)) {
		mmt_err("failed to attach BPF programs: %s", strerror(errno));
		goto cleanup;
	}
	t.kcopy = mmt_kcopy_attach(t.skel, opts, t.kcopy);
	if (opts->metrics) {
		mmt_metrics_kernel(bpf_map__fd(t.skel->maps.counters),
				   bpf_map__fd(t.skel->maps.events), opts->buffer_size,
				   opts->summary ? bpf_map__fd(t.skel->maps.stats) : -1);
		if (t.sink)
			mmt_metrics_sink(mmt_sink_metrics, t.sink);
		if (mmt_metrics_start(opts->metrics))
			goto cleanup;
	}
	t.boot_to_wall_ns = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME);
	t.rb = ring_buffer__new(bpf_map__fd(t.skel->maps.events), on_record, &t, NULL);
	if (!t.rb) {
		mmt_err("failed to set up the ring buffer: %s", strerror(errno));
		goto cleanup;
	}
	if (opts->format == MMT_FMT_TABLE && !opts->summary) {
		mmt_table_configure(opts->columns, opts->ncolumns,
				    opts->color == 1 || (opts->color < 0 && isatty(out_fd)));
		mmt_table_header(&t.out);
		ob_flush(&t.out);
	}
	if (opts->command) {
		int err = release_child(&t, ready_fd, opts->command[0]);

		ready_fd = -1;
		if (err) {
			waitpid(t.child, NULL, 0);
			t.child = 0;
			ret = 127;
			goto cleanup;
		}
	}

	if (run_loop(&t, &status))
		goto cleanup;
	if (t.out.err && t.out.err != EPIPE) {
		mmt_err("failed to write %s: %s",
			opts->output_file ? opts->output_file : "output", strerror(t.out.err));
		goto cleanup;
	}
	if (opts->summary && print_summary(&t))
		mmt_err("failed to read the statistics: out of memory");
	ret = opts->command ? child_status(status) : 0;
cleanup:
	mmt_metrics_stop();
	if (t.sink && mmt_sink_close(t.sink, SINK_CLOSE_MS))
		mmt_err("failed to deliver every event to NATS: see the sink's dropped count");
	if (t.skel)
		report(&t);
	if (t.child > 0) {
		/* the command never started, or we are giving up on it */
		if (t.go_fd >= 0)
			close(t.go_fd);
		else
			kill(t.child, SIGKILL);
		waitpid(t.child, NULL, 0);
	}
	if (ready_fd >= 0)
		close(ready_fd);
	ring_buffer__free(t.rb);
	mmt_tasks_free(&t.tasks);
	mmtrace_bpf__destroy(t.skel);
	ob_free(&t.out);
	mmt_sink_free(t.sink);
	mmt_containers_close();
	if (opts->output_file && out_fd >= 0)
		close(out_fd);
	return ret;
}
