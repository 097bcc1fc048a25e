// SPDX-License-Identifier: GPL-2.0
/*
 * placement.c - sample the pages per node of traced processes and say what
 * changed them.
 *
 * Two threads take samples: the main thread (the -p processes' start, and
 * the end samples) and the follower (follow.c: the command's exec and exit,
 * each descendant's first sight, exec and exit, and every interval sample).
 * Both hold pl->lock while they touch the targets; records wait in pl->rec
 * until the main thread writes them out (mmt_pl_flush()), so that the
 * follower never waits for the output, and the processes it holds stopped
 * never wait for it either.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "events/event_table.h"
#include "placement/placement.h"
#include "text/xlat.h"

static const char *const kind_names[] = {"start", "interval", "exit", "end", "exec", "lost"};

static __u64 wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* ---- targets ---- */

static struct mmt_pl_target *find(struct mmt_pl *pl, pid_t pid)
{
	int i;

	return mmt_pidmap_get(&pl->index, pid, &i) ? &pl->targets[i] : NULL;
}

/* A new target, or NULL (more than MMT_PL_MAX_TARGETS, out of memory:
 * counted in not_kept). */
static struct mmt_pl_target *add(struct mmt_pl *pl, pid_t pid)
{
	struct mmt_pl_target *t;

	if (pl->ntargets == pl->cap) {
		int cap = pl->cap ? pl->cap * 2 : 16;
		void *p;

		if (pl->cap >= MMT_PL_MAX_TARGETS)
			goto full;
		if (cap > MMT_PL_MAX_TARGETS)
			cap = MMT_PL_MAX_TARGETS;
		p = realloc(pl->targets, (size_t)cap * sizeof(*pl->targets));
		if (!p)
			goto full;
		pl->targets = p;
		pl->cap = cap;
	}
	if (mmt_pidmap_put(&pl->index, pid, pl->ntargets))
		goto full;
	t = &pl->targets[pl->ntargets++];
	memset(t, 0, sizeof(*t));
	t->pid = pid;
	return t;
full:
	pl->not_kept++;
	return NULL;
}

/* ---- reading /proc ---- */

static void read_comm(pid_t pid, char *comm, size_t n)
{
	char path[64];
	ssize_t got;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	got = read(fd, comm, n - 1);
	close(fd);
	if (got <= 0)
		return;
	comm[got] = '\0';
	comm[strcspn(comm, "\n")] = '\0';
}

/* The parent of a process (/proc/PID/stat), or 0. */
static pid_t read_ppid(pid_t pid)
{
	char path[64], text[512];
	const char *p;
	ssize_t got;
	int fd, ppid = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	got = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (got <= 0)
		return 0;
	text[got] = '\0';
	p = strrchr(text, ')'); /* after the name, which may hold anything */
	if (!p || sscanf(p + 1, " %*c %d", &ppid) != 1)
		return 0;
	return ppid;
}

/* ---- records ---- */

static __u64 node_total(const struct mmt_node_pages *np, unsigned int base_kb)
{
	return np->anon + np->file + (base_kb ? np->huge_kb / base_kb : 0);
}

static void json_head(struct outbuf *ob, const struct mmt_pl_target *t, __u64 ns,
		      enum mmt_pl_kind kind)
{
	ob_lit(ob, "{\"timestamp\":");
	ob_u64(ob, ns);
	ob_lit(ob, ",\"processId\":");
	ob_u64(ob, t->pid);
	ob_lit(ob, ",\"parentProcessId\":");
	ob_u64(ob, t->ppid);
	ob_lit(ob, ",\"hostProcessId\":");
	ob_u64(ob, t->pid);
	ob_lit(ob, ",\"hostParentProcessId\":");
	ob_u64(ob, t->ppid);
	ob_lit(ob, ",\"processName\":");
	ob_json_str(ob, t->comm, sizeof(t->comm));
	ob_lit(ob, ",\"eventId\":\"");
	ob_u64(ob, MMT_PLACEMENT_EVENT_ID);
	ob_lit(ob, "\",\"eventName\":\"placement\",\"args\":[{\"name\":\"kind\",\"type\":\"const "
		   "char*\",\"value\":\"");
	ob_str(ob, kind_names[kind]);
	ob_lit(ob, "\"}");
}

static void json_record(struct mmt_pl *pl, const struct mmt_pl_target *t, __u64 ns,
			enum mmt_pl_kind kind, const struct mmt_placement *p, bool capped)
{
	struct outbuf *ob = &pl->rec;
	__u64 total = 0;
	bool first = true;

	json_head(ob, t, ns, kind);
	ob_lit(ob, ",{\"name\":\"nodes\",\"type\":\"object[]\",\"value\":[");
	for (int n = 0; n <= p->max_node; n++) {
		const struct mmt_node_pages *np = &p->nodes[n];
		__u64 tot = node_total(np, pl->base_kb);

		if (!np->anon && !np->file && !np->huge)
			continue;
		total += tot;
		if (!first)
			ob_char(ob, ',');
		first = false;
		ob_lit(ob, "{\"node\":");
		ob_u64(ob, n);
		ob_lit(ob, ",\"anon\":");
		ob_u64(ob, np->anon);
		ob_lit(ob, ",\"file\":");
		ob_u64(ob, np->file);
		ob_lit(ob, ",\"huge\":");
		ob_u64(ob, np->huge);
		ob_lit(ob, ",\"hugeKB\":");
		ob_u64(ob, np->huge_kb);
		ob_lit(ob, ",\"total\":");
		ob_u64(ob, tot);
		ob_char(ob, '}');
	}
	ob_lit(ob, "]},{\"name\":\"total\",\"type\":\"u64\",\"value\":");
	ob_u64(ob, total);
	ob_lit(ob, "},{\"name\":\"pageKB\",\"type\":\"u32\",\"value\":");
	ob_u64(ob, pl->base_kb);
	ob_lit(ob, "},{\"name\":\"mappings\",\"type\":\"u64\",\"value\":");
	ob_u64(ob, p->vmas);
	ob_lit(ob, "},{\"name\":\"otherNodes\",\"type\":\"u64\",\"value\":");
	ob_u64(ob, p->other_nodes);
	ob_lit(ob, "},{\"name\":\"malformedLines\",\"type\":\"u64\",\"value\":");
	ob_u64(ob, p->malformed);
	ob_lit(ob, "},{\"name\":\"capped\",\"type\":\"bool\",\"value\":");
	ob_str(ob, capped ? "true" : "false");
	ob_lit(ob, "}]}\n");
}

static void hms(struct outbuf *ob, __u64 ns)
{
	char text[32];
	time_t sec = ns / 1000000000ULL;
	struct tm tm;

	localtime_r(&sec, &tm);
	strftime(text, sizeof(text), "%H:%M:%S", &tm);
	ob_str(ob, text);
	snprintf(text, sizeof(text), ".%06llu", (unsigned long long)(ns % 1000000000ULL) / 1000);
	ob_str(ob, text);
}

static void table_head(struct outbuf *ob, const struct mmt_pl_target *t, __u64 ns,
		       enum mmt_pl_kind kind)
{
	hms(ob, ns);
	ob_char(ob, ' ');
	ob_safe_str(ob, t->comm, sizeof(t->comm));
	ob_char(ob, ' ');
	ob_u64(ob, t->pid);
	ob_lit(ob, " placement kind=");
	ob_str(ob, kind_names[kind]);
}

static void table_record(struct mmt_pl *pl, const struct mmt_pl_target *t, __u64 ns,
			 enum mmt_pl_kind kind, const struct mmt_placement *p, bool capped)
{
	struct outbuf *ob = &pl->rec;

	table_head(ob, t, ns, kind);
	for (int n = 0; n <= p->max_node; n++) {
		const struct mmt_node_pages *np = &p->nodes[n];

		if (!np->anon && !np->file && !np->huge)
			continue;
		ob_lit(ob, " N");
		ob_u64(ob, n);
		ob_lit(ob, "={anon=");
		ob_u64(ob, np->anon);
		ob_lit(ob, ",file=");
		ob_u64(ob, np->file);
		if (np->huge) {
			ob_lit(ob, ",huge=");
			ob_u64(ob, np->huge);
		}
		ob_char(ob, '}');
	}
	if (p->other_nodes) {
		ob_lit(ob, " other_nodes=");
		ob_u64(ob, p->other_nodes);
	}
	if (capped)
		ob_lit(ob, " (capped: first 8 MiB of numa_maps)");
	ob_char(ob, '\n');
}

/* Room for one more record in pl->rec? Else it is dropped and counted. */
static bool rec_room(struct mmt_pl *pl)
{
	if (pl->rec.len < MMT_PL_PENDING_MAX)
		return true;
	pl->rec_dropped++;
	return false;
}

/* A record that says a process ended without its exit sample. */
static void lost_record(struct mmt_pl *pl, const struct mmt_pl_target *t)
{
	__u64 ns = wall_ns();

	if (!rec_room(pl))
		return;
	if (pl->cfg.json) {
		json_head(&pl->rec, t, ns, MMT_PL_LOST);
		ob_lit(&pl->rec, ",{\"name\":\"why\",\"type\":\"const char*\",\"value\":");
		ob_json_str(&pl->rec, t->lost, strlen(t->lost));
		ob_lit(&pl->rec, "}]}\n");
	} else {
		table_head(&pl->rec, t, ns, MMT_PL_LOST);
		ob_lit(&pl->rec, " why=");
		ob_str(&pl->rec, t->lost);
		ob_char(&pl->rec, '\n');
	}
}

/* ---- samples ---- */

/* A compact copy of p (its nodes up to max_node), or NULL. */
static struct mmt_pl_snap *snap_of(const struct mmt_placement *p)
{
	size_t n = p->max_node >= 0 ? (size_t)p->max_node + 1 : 0;
	struct mmt_pl_snap *s = malloc(sizeof(*s) + n * sizeof(s->nodes[0]));

	if (!s)
		return NULL;
	s->max_node = p->max_node;
	s->vmas = p->vmas;
	s->malformed = p->malformed;
	s->other_nodes = p->other_nodes;
	memcpy(s->nodes, p->nodes, n * sizeof(s->nodes[0]));
	return s;
}

/*
 * Sample a target (pl->lock held): a record, and the sample kept as its
 * first (start, or a descendant's exec: the program it runs) or last.
 * false when its numa_maps could not be read (gone, or a zombie whose
 * memory is released already).
 */
static bool sample_from(struct mmt_pl *pl, struct mmt_pl_target *t, enum mmt_pl_kind kind,
			pid_t tid)
{
	struct mmt_pl_snap *s;
	bool capped, first;
	ssize_t len;
	__u64 ns;

	len = mmt_numa_maps_read(tid, pl->buf, MMT_PL_READ_MAX, &capped);
	if (len <= 0) {
		/* a process followed is gone when the follower says so (its
		 * leader may have ended before its other threads) */
		if (!t->followed)
			t->gone = true;
		return false;
	}
	ns = wall_ns();
	read_comm(tid, t->comm, sizeof(t->comm));
	if (!t->ppid)
		t->ppid = read_ppid(t->pid);
	mmt_placement_clear(pl->cur);
	mmt_numa_maps_parse(pl->buf, len, pl->base_kb, pl->cur);
	t->capped |= capped;
	t->samples++;
	first = !t->first || kind == MMT_PL_START || kind == MMT_PL_EXEC;
	s = snap_of(pl->cur);
	if (s && first) {
		free(t->first);
		free(t->last);
		t->first = s;
		t->last = NULL;
		t->first_kind = kind;
		t->first_ns = ns;
	} else if (s) {
		free(t->last);
		t->last = s;
		t->last_kind = kind;
		t->last_ns = ns;
	}
	if (!rec_room(pl))
		return true;
	if (pl->cfg.json)
		json_record(pl, t, ns, kind, pl->cur, capped);
	else
		table_record(pl, t, ns, kind, pl->cur, capped);
	return true;
}

static bool sample(struct mmt_pl *pl, struct mmt_pl_target *t, enum mmt_pl_kind kind)
{
	return sample_from(pl, t, kind, t->pid);
}

/* ---- the follower's callbacks (on its thread) ---- */

static void on_process_new(void *ctx, pid_t pid)
{
	struct mmt_pl *pl = ctx;
	struct mmt_pl_target *t;

	pthread_mutex_lock(&pl->lock);
	t = find(pl, pid);
	/* a pid used again once its process ended is a new process: the
	 * index names the new one, the summary keeps both */
	t = t && !t->gone && !t->exited ? NULL : add(pl, pid);
	if (t) {
		t->descendant = t->followed = true;
		t->started = true;
		sample(pl, t, MMT_PL_START);
	}
	pthread_mutex_unlock(&pl->lock);
}

static void on_process_exec(void *ctx, pid_t pid)
{
	struct mmt_pl *pl = ctx;
	struct mmt_pl_target *t;

	pthread_mutex_lock(&pl->lock);
	t = find(pl, pid);
	if (t && !t->gone && !t->exited) {
		/* the command's first exec is its start; any other exec starts
		 * a new program, sampled as such */
		sample(pl, t, t->started ? MMT_PL_EXEC : MMT_PL_START);
		t->started = true;
	}
	pthread_mutex_unlock(&pl->lock);
}

static void on_process_exit(void *ctx, pid_t pid, pid_t tid)
{
	struct mmt_pl *pl = ctx;
	struct mmt_pl_target *t;

	pthread_mutex_lock(&pl->lock);
	t = find(pl, pid);
	/* a command that never exec'd (exec failed) is not sampled */
	if (t && t->started && !t->exited) {
		t->exited = true;
		if (t->gone || !sample_from(pl, t, MMT_PL_EXIT, tid)) {
			t->lost = "its numa_maps could not be read at its exit";
			lost_record(pl, t);
		}
		t->gone = true; /* no more interval samples */
	}
	pthread_mutex_unlock(&pl->lock);
}

static void on_process_gone(void *ctx, pid_t pid, int status)
{
	struct mmt_pl *pl = ctx;
	struct mmt_pl_target *t;

	pthread_mutex_lock(&pl->lock);
	t = find(pl, pid);
	if (t && t->started && !t->exited) {
		/* no exit stop came: the kernel skips it for a task with
		 * SIGKILL pending (kill -9, the OOM killer, a thread's
		 * exit_group when the task followed was not the caller) */
		t->exited = true;
		t->lost = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL
				  ? "killed by SIGKILL: the kernel gives no exit stop"
				  : "ended without an exit stop mmtrace could sample";
		lost_record(pl, t);
	}
	if (t)
		t->gone = true;
	pthread_mutex_unlock(&pl->lock);
}

static bool on_tick(void *ctx, int *cursor)
{
	struct mmt_pl *pl = ctx;
	bool more;

	pthread_mutex_lock(&pl->lock);
	while (*cursor < pl->ntargets) {
		struct mmt_pl_target *t = &pl->targets[(*cursor)++];

		if (t->started && !t->gone && !t->exited) {
			sample(pl, t, MMT_PL_INTERVAL);
			break; /* one per step: the follower serves stops between */
		}
	}
	more = *cursor < pl->ntargets;
	pthread_mutex_unlock(&pl->lock);
	return more;
}

static const struct mmt_follow_ops follow_ops = {
	.process_new = on_process_new,
	.process_exec = on_process_exec,
	.process_exit = on_process_exit,
	.process_gone = on_process_gone,
	.tick = on_tick,
};

/* ---- policy calls and migrations ---- */

static bool is_policy_call(int event)
{
	return event == MMT_EV_SET_MEMPOLICY || event == MMT_EV_MBIND ||
	       event == MMT_EV_MIGRATE_PAGES || event == MMT_EV_MOVE_PAGES ||
	       event == MMT_EV_SET_MEMPOLICY_HOME_NODE;
}

/* enum migrate_reason of a call's migrations */
#define REASON_SYSCALL_OR_CPUSET 3
#define REASON_MEMPOLICY_MBIND 4

/* A page_migration record: its reason and counts, by argument name. */
static void note_migration(struct mmt_pl *pl, const struct mmt_decoded_event *ev)
{
	struct mmt_pl_target *t;
	__s64 reason = -1, ok = 0, bad = 0, kthread = 0;

	for (int i = 0; i < ev->desc->nargs; i++) {
		const char *name = ev->desc->args[i].name;

		if (!strcmp(name, "reason"))
			reason = ev->args[i].value;
		else if (!strcmp(name, "succeeded"))
			ok = ev->args[i].value;
		else if (!strcmp(name, "failed"))
			bad = ev->args[i].value;
		else if (!strcmp(name, "kernelThread"))
			kthread = ev->args[i].value;
	}
	if (kthread || reason < 0 || reason >= MMT_PL_REASONS)
		return;
	pthread_mutex_lock(&pl->lock);
	t = find(pl, ev->rec->host_pid);
	if (t) {
		t->moved[reason] += (__u64)ok;
		t->move_failed[reason] += (__u64)bad;
	}
	pthread_mutex_unlock(&pl->lock);
}

void mmt_pl_note_event(struct mmt_pl *pl, const struct mmt_decoded_event *ev)
{
	const struct mmt_record *r = ev->rec;
	struct mmt_pl_target *t;
	struct mmt_pl_call *c;

	if (ev->desc->event == MMT_EV_PAGE_MIGRATION) {
		note_migration(pl, ev);
		return;
	}
	if (!is_policy_call(ev->desc->event))
		return;
	pthread_mutex_lock(&pl->lock);
	t = find(pl, r->host_pid);
	if (!t && ev->has_target) /* migrate_pages/move_pages on a target */
		t = find(pl, ev->target_host_pid);
	if (!t)
		goto out;
	if (ev->desc->migrates) {
		int reason = ev->desc->event == MMT_EV_MBIND ? REASON_MEMPOLICY_MBIND
							     : REASON_SYSCALL_OR_CPUSET;

		t->succeeded += r->migrate_succeeded;
		t->failed += r->migrate_failed;
		t->moved[reason] += r->migrate_succeeded;
		t->move_failed[reason] += r->migrate_failed;
		if (ev->desc->event == MMT_EV_MBIND)
			t->mbind_succeeded += r->migrate_succeeded;
	}
	if (t->ncalls++ >= MMT_PL_MAX_CALLS)
		goto out;
	if (!t->calls && !(t->calls = calloc(MMT_PL_MAX_CALLS, sizeof(*t->calls)))) {
		t->ncalls--; /* out of memory: counted in the sums only */
		goto out;
	}
	c = &t->calls[t->ncalls - 1];
	c->timestamp_ns = ev->timestamp_ns;
	c->event = ev->desc->event;
	c->ret = r->ret;
	c->migrates = ev->desc->migrates;
	c->succeeded = r->migrate_succeeded;
	c->failed = r->migrate_failed;
	c->split = r->migrate_split;
	c->batches = r->migrate_batches;
out:
	pthread_mutex_unlock(&pl->lock);
}

/* ---- the summary ---- */

static void num_col(struct outbuf *ob, __u64 v, size_t width)
{
	char text[32];

	snprintf(text, sizeof(text), "%*llu", (int)width, (unsigned long long)v);
	ob_str(ob, text);
}

static void delta_col(struct outbuf *ob, __u64 before, __u64 after)
{
	char text[32];

	snprintf(text, sizeof(text), " %+12lld", (long long)(after - before));
	ob_str(ob, text);
}

static const struct mmt_node_pages *snap_node(const struct mmt_pl_snap *s, int n)
{
	static const struct mmt_node_pages none;

	return s && n <= s->max_node ? &s->nodes[n] : &none;
}

/* "moved by: REASON PAGES, ..." from the calls and page_migration records
 * (without page_migration traced, a line after the summary says so) */
static void moved_by(const struct mmt_pl_target *t, struct outbuf *ob)
{
	bool any = false, failed = false;

	ob_lit(ob, "  moved by:");
	for (int r = 0; r < MMT_PL_REASONS; r++) {
		const char *name = xlat_name(&migrate_reasons, r);

		failed |= t->move_failed[r] != 0;
		if (!t->moved[r])
			continue;
		ob_str(ob, any ? ", " : " ");
		any = true;
		if (name)
			ob_str(ob, name);
		else
			ob_printf(ob, "reason_%d", r);
		ob_char(ob, ' ');
		ob_u64(ob, t->moved[r]);
	}
	if (!any)
		ob_lit(ob, " nothing traced");
	if (failed) {
		bool comma = false;

		ob_lit(ob, " (failed:");
		for (int r = 0; r < MMT_PL_REASONS; r++) {
			const char *name = xlat_name(&migrate_reasons, r);

			if (!t->move_failed[r])
				continue;
			ob_str(ob, comma ? ", " : " ");
			comma = true;
			ob_str(ob, name ? name : "?");
			ob_char(ob, ' ');
			ob_u64(ob, t->move_failed[r]);
		}
		ob_char(ob, ')');
	}
	ob_char(ob, '\n');
}

static void target_summary(struct mmt_pl *pl, const struct mmt_pl_target *t, struct outbuf *ob)
{
	const struct mmt_pl_snap *a = t->first, *b = t->last ? t->last : t->first;
	int max;

	ob_lit(ob, "placement of ");
	ob_u64(ob, t->pid);
	ob_lit(ob, " (");
	ob_safe_str(ob, t->comm, sizeof(t->comm));
	ob_lit(ob, ")");
	if (t->descendant) {
		ob_lit(ob, ", child of ");
		ob_u64(ob, t->ppid);
	}
	ob_lit(ob, ": ");
	if (!a) {
		ob_lit(ob, "no sample (its numa_maps could not be read");
		if (t->lost)
			ob_lit(ob, "; it ended before");
		ob_lit(ob, ")\n");
		return;
	}
	ob_str(ob, kind_names[t->first_kind]);
	ob_lit(ob, " ");
	hms(ob, t->first_ns);
	ob_lit(ob, " -> ");
	ob_str(ob, t->last ? kind_names[t->last_kind] : kind_names[t->first_kind]);
	ob_lit(ob, " ");
	hms(ob, t->last ? t->last_ns : t->first_ns);
	ob_lit(ob, ", ");
	ob_u64(ob, t->samples);
	ob_lit(ob, " samples");
	if (t->lost) {
		ob_lit(ob, "; exit not sampled: ");
		ob_str(ob, t->lost);
	}
	if (t->capped)
		ob_lit(ob, " (some capped at 8 MiB of numa_maps: counts are partial)");
	ob_lit(ob, "\n  NODE   ANON_BEFORE    ANON_AFTER   FILE_BEFORE    FILE_AFTER   HUGE_BEFORE "
		   "   HUGE_AFTER  TOTAL_BEFORE   TOTAL_AFTER       CHANGE\n");
	max = a->max_node > b->max_node ? a->max_node : b->max_node;
	for (int n = 0; n <= max; n++) {
		const struct mmt_node_pages *x = snap_node(a, n), *y = snap_node(b, n);
		__u64 ta = node_total(x, pl->base_kb), tb = node_total(y, pl->base_kb);

		if (!ta && !tb)
			continue;
		num_col(ob, n, 6);
		num_col(ob, x->anon, 14);
		num_col(ob, y->anon, 14);
		num_col(ob, x->file, 14);
		num_col(ob, y->file, 14);
		num_col(ob, x->huge, 14);
		num_col(ob, y->huge, 14);
		num_col(ob, ta, 14);
		num_col(ob, tb, 14);
		delta_col(ob, ta, tb);
		ob_char(ob, '\n');
	}
	moved_by(t, ob);
	ob_lit(ob, "  policy calls: ");
	ob_u64(ob, t->ncalls);
	ob_lit(ob, ", pages migrated by them: ");
	ob_u64(ob, t->succeeded);
	ob_lit(ob, " (failed ");
	ob_u64(ob, t->failed);
	ob_lit(ob, ")");
	if (t->succeeded || t->failed) {
		ob_lit(ob, ": mempolicy_mbind ");
		ob_u64(ob, t->mbind_succeeded);
		ob_lit(ob, ", syscall_or_cpuset ");
		ob_u64(ob, t->succeeded - t->mbind_succeeded);
	}
	ob_char(ob, '\n');
	for (__u64 i = 0; t->calls && i < t->ncalls && i < MMT_PL_MAX_CALLS; i++) {
		const struct mmt_pl_call *c = &t->calls[i];

		ob_lit(ob, "    ");
		hms(ob, c->timestamp_ns);
		ob_char(ob, ' ');
		ob_str(ob, mmt_events[c->event].name);
		ob_lit(ob, " = ");
		ob_s64(ob, c->ret);
		if (c->migrates) {
			ob_lit(ob, " migration{succeeded=");
			ob_u64(ob, c->succeeded);
			ob_lit(ob, ",failed=");
			ob_u64(ob, c->failed);
			ob_lit(ob, ",split=");
			ob_u64(ob, c->split);
			ob_lit(ob, ",batches=");
			ob_u64(ob, c->batches);
			ob_char(ob, '}');
		}
		ob_char(ob, '\n');
	}
	if (t->ncalls > MMT_PL_MAX_CALLS) {
		ob_lit(ob, "    ... and ");
		ob_u64(ob, t->ncalls - MMT_PL_MAX_CALLS);
		ob_lit(ob, " more\n");
	}
}

/* What following found beyond the processes listed. */
static void follow_summary(struct mmt_pl *pl, struct outbuf *ob)
{
	const struct mmt_follow_stats *s = &pl->fst;

	if (pl->cfg.follow && pl->followed) {
		ob_lit(ob, "placement: followed ");
		ob_u64(ob, s->processes);
		ob_lit(ob, " descendant processes and ");
		ob_u64(ob, s->threads);
		ob_lit(ob, " threads of the command");
		if (s->unseen) {
			ob_lit(ob, "; ");
			ob_u64(ob, s->unseen);
			ob_lit(ob, " tasks ended before any of their stops came (not sampled)");
		}
		ob_char(ob, '\n');
	}
	if (pl->not_kept) {
		ob_lit(ob, "placement: ");
		ob_u64(ob, pl->not_kept);
		ob_lit(ob, " processes not sampled (more than ");
		ob_u64(ob, MMT_PL_MAX_TARGETS);
		ob_lit(ob, " followed)\n");
	}
	if (pl->rec_dropped) {
		ob_lit(ob, "placement: ");
		ob_u64(ob, pl->rec_dropped);
		ob_lit(ob, " records dropped (the output did not keep up)\n");
	}
	if (!pl->cfg.kernel_moves)
		ob_lit(ob, "placement: page_migration not traced: \"moved by\" counts the policy "
			   "calls' migrations, not the kernel's own\n");
	if (pl->follow_pids_note)
		ob_lit(ob, "placement: the descendants of -p processes are not sampled (with a "
			   "COMMAND and --follow they are)\n");
}

static void summary(struct mmt_pl *pl, struct outbuf *ob)
{
	for (int i = 0; i < pl->ntargets; i++)
		target_summary(pl, &pl->targets[i], ob);
	follow_summary(pl, ob);
	ob_flush(ob);
}

/* ---- the main thread's calls ---- */

static void pl_free(struct mmt_pl *pl)
{
	for (int i = 0; i < pl->ntargets; i++) {
		free(pl->targets[i].first);
		free(pl->targets[i].last);
		free(pl->targets[i].calls);
	}
	free(pl->targets);
	mmt_pidmap_free(&pl->index);
	ob_free(&pl->rec);
	ob_free(&pl->spare);
	free(pl->buf);
	free(pl->cur);
	pthread_mutex_destroy(&pl->lock);
	free(pl);
}

int mmt_pl_begin(struct mmt_pl **plp, const struct mmt_pl_config *cfg)
{
	struct mmt_pl *pl = calloc(1, sizeof(*pl));
	long page = sysconf(_SC_PAGESIZE);

	*plp = NULL;
	if (!pl)
		goto oom;
	pthread_mutex_init(&pl->lock, NULL);
	pl->cfg = *cfg;
	pl->base_kb = page >= 1024 ? page / 1024 : 4;
	pl->buf = malloc(MMT_PL_READ_MAX + 1);
	pl->cur = malloc(sizeof(*pl->cur));
	if (!pl->buf || !pl->cur || ob_init(&pl->rec, -1, 64 << 10) ||
	    ob_init(&pl->spare, -1, 64 << 10))
		goto oom;
	for (int i = 0; i < cfg->npids; i++)
		if (!find(pl, cfg->pids[i]))
			add(pl, cfg->pids[i]);
	pl->follow_pids_note = cfg->follow && cfg->npids && cfg->child <= 0;
	if (cfg->child > 0 && !add(pl, cfg->child))
		goto oom;
	if (cfg->child > 0)
		pl->targets[pl->ntargets - 1].followed = true;
	/* the follower: the command's stops, and the interval samples */
	if (cfg->child > 0 || cfg->interval) {
		pl->follow = mmt_follow_start(cfg->child, cfg->follow,
					      cfg->interval * 1000000000ULL, &follow_ops, pl);
		if (!pl->follow) {
			pl_free(pl);
			return -1;
		}
		pl->followed = true;
	}
	*plp = pl;
	return 0;
oom:
	fprintf(stderr, "mmtrace: failed to set up placement sampling: out of memory\n");
	if (pl)
		pl_free(pl);
	return -1;
}

void mmt_pl_start(struct mmt_pl *pl)
{
	pthread_mutex_lock(&pl->lock);
	for (int i = 0; i < pl->ntargets; i++) {
		struct mmt_pl_target *t = &pl->targets[i];

		/* the command's start comes with its exec stop; without the
		 * attach, now (after its exec) */
		if (t->descendant || t->started)
			continue;
		if (t->pid == pl->cfg.child && pl->follow && mmt_follow_attached(pl->follow))
			continue;
		t->started = true;
		sample(pl, t, MMT_PL_START);
	}
	pthread_mutex_unlock(&pl->lock);
}

void mmt_pl_flush(struct mmt_pl *pl)
{
	struct outbuf taken;

	/* take the records, then write them without the lock: a write that
	 * waits for the output must not hold the follower (and the process
	 * it holds stopped) */
	pthread_mutex_lock(&pl->lock);
	taken = pl->rec;
	pl->rec = pl->spare;
	pthread_mutex_unlock(&pl->lock);
	if (taken.len)
		ob_mem(pl->cfg.out, taken.buf, taken.len);
	taken.len = 0;
	pl->spare = taken;
}

bool mmt_pl_attached(const struct mmt_pl *pl)
{
	return pl->follow && mmt_follow_attached(pl->follow);
}

bool mmt_pl_reaped(struct mmt_pl *pl, int *status)
{
	if (pl->follow)
		return mmt_follow_reaped(pl->follow, status);
	if (!pl->fst.child_reaped)
		return false;
	*status = pl->fst.child_status;
	return true;
}

void mmt_pl_detach(struct mmt_pl *pl)
{
	struct mmt_follow *f = pl->follow;

	if (!f)
		return;
	mmt_follow_stop(f, &pl->fst);
	pl->follow = NULL; /* the follower is gone: no lock needed from here */
}

void mmt_pl_finish(struct mmt_pl **plp, bool with_summary)
{
	struct mmt_pl *pl = *plp;
	struct outbuf err;

	if (!pl)
		return;
	if (with_summary) {
		/* the end samples while the follower still serves the stops */
		pthread_mutex_lock(&pl->lock);
		for (int i = 0; i < pl->ntargets; i++) {
			struct mmt_pl_target *t = &pl->targets[i];

			if (t->started && !t->gone && !t->exited)
				sample(pl, t, MMT_PL_END);
		}
		pthread_mutex_unlock(&pl->lock);
	}
	mmt_pl_detach(pl);
	if (with_summary) {
		mmt_pl_flush(pl);
		if (!pl->cfg.json) {
			summary(pl, pl->cfg.out);
		} else if (!ob_init(&err, STDERR_FILENO, 64 << 10)) {
			summary(pl, &err);
			ob_free(&err);
		}
	}
	pl_free(pl);
	*plp = NULL;
}
