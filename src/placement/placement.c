// SPDX-License-Identifier: GPL-2.0
/*
 * placement.c - sample the pages per node of traced processes and say what
 * changed them.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "events/event_table.h"
#include "placement/placement.h"

static const char *const kind_names[] = {"start", "interval", "exit", "end"};

static __u64 wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int mmt_pl_init(struct mmt_pl *pl, bool json, struct outbuf *out)
{
	long page = sysconf(_SC_PAGESIZE);

	memset(pl, 0, sizeof(*pl));
	pl->json = json;
	pl->out = out;
	pl->base_kb = page >= 1024 ? page / 1024 : 4;
	pl->buf = malloc(MMT_PL_READ_MAX + 1);
	pl->cur = malloc(sizeof(*pl->cur));
	if (!pl->buf || !pl->cur) {
		mmt_pl_free(pl);
		return -1;
	}
	return 0;
}

void mmt_pl_free(struct mmt_pl *pl)
{
	for (int i = 0; i < pl->ntargets; i++) {
		free(pl->targets[i].first);
		free(pl->targets[i].last);
	}
	free(pl->buf);
	free(pl->cur);
	pl->buf = NULL;
	pl->cur = NULL;
	pl->ntargets = 0;
}

int mmt_pl_add(struct mmt_pl *pl, pid_t pid)
{
	struct mmt_pl_target *t;

	if (pl->ntargets == MMT_PL_MAX_TARGETS)
		return -1;
	t = &pl->targets[pl->ntargets++];
	memset(t, 0, sizeof(*t));
	t->pid = pid;
	return 0;
}

static struct mmt_pl_target *find(struct mmt_pl *pl, pid_t pid)
{
	for (int i = 0; i < pl->ntargets; i++)
		if (pl->targets[i].pid == pid)
			return &pl->targets[i];
	return NULL;
}

int mmt_pl_seize(struct mmt_pl *pl, pid_t pid)
{
	struct mmt_pl_target *t = find(pl, pid);

	if (!t)
		return -1;
	if (ptrace(PTRACE_SEIZE, pid, NULL,
		   (void *)(long)(PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT))) {
		fprintf(stderr,
			"mmtrace: failed to attach to the command for its exit sample: %s "
			"(placement is sampled after exec and while it runs only)\n",
			strerror(errno));
		return -1;
	}
	t->seized = true;
	return 0;
}

bool mmt_pl_seized(const struct mmt_pl *pl, pid_t pid)
{
	for (int i = 0; i < pl->ntargets; i++)
		if (pl->targets[i].pid == pid)
			return pl->targets[i].seized;
	return false;
}

bool mmt_pl_on_stop(struct mmt_pl *pl, pid_t pid, int status)
{
	struct mmt_pl_target *t = find(pl, pid);
	int event = status >> 16, sig;

	if (!t || !t->seized || !WIFSTOPPED(status))
		return false;
	sig = WSTOPSIG(status);
	if (event == PTRACE_EVENT_EXEC) {
		if (!t->started)
			mmt_pl_sample(pl, pid, MMT_PL_START);
		sig = 0;
	} else if (event == PTRACE_EVENT_EXIT) {
		mmt_pl_sample(pl, pid, MMT_PL_EXIT);
		t->gone = true; /* no more interval samples */
		sig = 0;
	} else if (event == PTRACE_EVENT_STOP) {
		if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
			/* a group stop: leave it stopped, as without a tracer,
			 * and be told when SIGCONT resumes it */
			ptrace(PTRACE_LISTEN, pid, NULL, NULL);
			return true;
		}
		sig = 0; /* resumed from a group stop, or an interrupt */
	}
	/* a signal on its way to the process: pass it on */
	ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig);
	return true;
}

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

static void json_record(struct mmt_pl *pl, const struct mmt_pl_target *t, __u64 ns,
			enum mmt_pl_kind kind, const struct mmt_placement *p, bool capped)
{
	struct outbuf *ob = pl->out;
	__u64 total = 0;
	bool first = true;

	ob_lit(ob, "{\"timestamp\":");
	ob_u64(ob, ns);
	ob_lit(ob, ",\"processId\":");
	ob_u64(ob, t->pid);
	ob_lit(ob, ",\"hostProcessId\":");
	ob_u64(ob, t->pid);
	ob_lit(ob, ",\"processName\":");
	ob_json_str(ob, t->comm, sizeof(t->comm));
	ob_lit(ob, ",\"eventId\":\"");
	ob_u64(ob, MMT_PLACEMENT_EVENT_ID);
	ob_lit(ob, "\",\"eventName\":\"placement\",\"args\":[{\"name\":\"kind\",\"type\":\"const "
		   "char*\",\"value\":\"");
	ob_str(ob, kind_names[kind]);
	ob_lit(ob, "\"},{\"name\":\"nodes\",\"type\":\"object[]\",\"value\":[");
	for (int n = 0; n <= p->max_node; n++) {
		const struct mmt_node_pages *np = &p->nodes[n];
		__u64 tot = mmt_placement_node_total(p, n, pl->base_kb);

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

static void table_record(struct mmt_pl *pl, const struct mmt_pl_target *t, __u64 ns,
			 enum mmt_pl_kind kind, const struct mmt_placement *p, bool capped)
{
	struct outbuf *ob = pl->out;

	hms(ob, ns);
	ob_char(ob, ' ');
	ob_safe_str(ob, t->comm, sizeof(t->comm));
	ob_char(ob, ' ');
	ob_u64(ob, t->pid);
	ob_lit(ob, " placement kind=");
	ob_str(ob, kind_names[kind]);
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

void mmt_pl_sample(struct mmt_pl *pl, pid_t pid, enum mmt_pl_kind kind)
{
	struct mmt_pl_target *t = find(pl, pid);
	struct mmt_placement **slot;
	bool capped;
	ssize_t len;
	__u64 ns;

	if (!t || t->gone)
		return;
	len = mmt_numa_maps_read(pid, pl->buf, MMT_PL_READ_MAX, &capped);
	if (len <= 0) {
		/* gone, or a zombie whose memory is released already */
		t->gone = true;
		return;
	}
	ns = wall_ns();
	read_comm(pid, t->comm, sizeof(t->comm));
	mmt_placement_clear(pl->cur);
	mmt_numa_maps_parse(pl->buf, len, pl->base_kb, pl->cur);
	t->capped |= capped;
	t->samples++;
	if (kind == MMT_PL_START)
		t->started = true;
	slot = t->first ? &t->last : &t->first;
	if (!*slot)
		*slot = malloc(sizeof(**slot));
	if (*slot) {
		memcpy(*slot, pl->cur, sizeof(**slot));
		if (slot == &t->first) {
			t->first_kind = kind;
			t->first_ns = ns;
		} else {
			t->last_kind = kind;
			t->last_ns = ns;
		}
	}
	if (pl->json)
		json_record(pl, t, ns, kind, pl->cur, capped);
	else
		table_record(pl, t, ns, kind, pl->cur, capped);
	ob_flush(pl->out);
}

void mmt_pl_sample_all(struct mmt_pl *pl, enum mmt_pl_kind kind)
{
	for (int i = 0; i < pl->ntargets; i++)
		mmt_pl_sample(pl, pl->targets[i].pid, kind);
}

static bool is_policy_call(int event)
{
	return event == MMT_EV_SET_MEMPOLICY || event == MMT_EV_MBIND ||
	       event == MMT_EV_MIGRATE_PAGES || event == MMT_EV_MOVE_PAGES ||
	       event == MMT_EV_SET_MEMPOLICY_HOME_NODE;
}

void mmt_pl_note_event(struct mmt_pl *pl, const struct mmt_decoded_event *ev)
{
	const struct mmt_record *r = ev->rec;
	struct mmt_pl_target *t;
	struct mmt_pl_call *c;

	if (!is_policy_call(ev->desc->event))
		return;
	t = find(pl, r->host_pid);
	if (!t && ev->has_target) /* migrate_pages/move_pages on a target */
		t = find(pl, ev->target_host_pid);
	if (!t)
		return;
	if (ev->desc->migrates) {
		t->succeeded += r->migrate_succeeded;
		t->failed += r->migrate_failed;
		if (ev->desc->event == MMT_EV_MBIND)
			t->mbind_succeeded += r->migrate_succeeded;
	}
	if (t->ncalls++ >= MMT_PL_MAX_CALLS)
		return;
	c = &t->calls[t->ncalls - 1];
	c->timestamp_ns = ev->timestamp_ns;
	c->event = ev->desc->event;
	c->ret = r->ret;
	c->migrates = ev->desc->migrates;
	c->succeeded = r->migrate_succeeded;
	c->failed = r->migrate_failed;
	c->split = r->migrate_split;
	c->batches = r->migrate_batches;
}

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

static void target_summary(struct mmt_pl *pl, const struct mmt_pl_target *t, struct outbuf *ob)
{
	static const struct mmt_placement none = {.max_node = -1};
	const struct mmt_placement *a = t->first, *b = t->last ? t->last : t->first;
	int max;

	ob_lit(ob, "placement of ");
	ob_u64(ob, t->pid);
	ob_lit(ob, " (");
	ob_safe_str(ob, t->comm, sizeof(t->comm));
	ob_lit(ob, "): ");
	if (!a) {
		ob_lit(ob, "no sample (its numa_maps could not be read)\n");
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
	if (t->capped)
		ob_lit(ob, " (some capped at 8 MiB of numa_maps: counts are partial)");
	ob_lit(ob, "\n  NODE   ANON_BEFORE    ANON_AFTER   FILE_BEFORE    FILE_AFTER   HUGE_BEFORE "
		   "   HUGE_AFTER  TOTAL_BEFORE   TOTAL_AFTER       CHANGE\n");
	if (!b)
		b = &none;
	max = a->max_node > b->max_node ? a->max_node : b->max_node;
	for (int n = 0; n <= max; n++) {
		const struct mmt_node_pages *x = &a->nodes[n], *y = &b->nodes[n];
		__u64 ta = mmt_placement_node_total(a, n, pl->base_kb);
		__u64 tb = mmt_placement_node_total(b, n, pl->base_kb);

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
	for (__u64 i = 0; i < t->ncalls && i < MMT_PL_MAX_CALLS; i++) {
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

void mmt_pl_summary(struct mmt_pl *pl, struct outbuf *ob)
{
	for (int i = 0; i < pl->ntargets; i++)
		target_summary(pl, &pl->targets[i], ob);
	ob_flush(ob);
}

int mmt_pl_begin(struct mmt_pl **plp, bool json, struct outbuf *out, pid_t child, const pid_t *pids,
		 int npids)
{
	struct mmt_pl *pl = malloc(sizeof(*pl));

	if (!pl || mmt_pl_init(pl, json, out)) {
		free(pl);
		fprintf(stderr, "mmtrace: failed to set up placement sampling: out of memory\n");
		return -1;
	}
	for (int i = 0; i < npids; i++)
		mmt_pl_add(pl, pids[i]); /* npids <= MMT_PL_MAX_TARGETS */
	if (child > 0 && !mmt_pl_add(pl, child))
		mmt_pl_seize(pl, child);
	*plp = pl;
	return 0;
}

void mmt_pl_start(struct mmt_pl *pl)
{
	for (int i = 0; i < pl->ntargets; i++)
		if (!pl->targets[i].seized && !pl->targets[i].started)
			mmt_pl_sample(pl, pl->targets[i].pid, MMT_PL_START);
}

void mmt_pl_finish(struct mmt_pl **plp, bool summary)
{
	struct mmt_pl *pl = *plp;
	struct outbuf err;

	if (!pl)
		return;
	if (summary) {
		mmt_pl_sample_all(pl, MMT_PL_END);
		if (!pl->json) {
			mmt_pl_summary(pl, pl->out);
		} else if (!ob_init(&err, STDERR_FILENO, 64 << 10)) {
			mmt_pl_summary(pl, &err);
			ob_free(&err);
		}
	}
	mmt_pl_free(pl);
	free(pl);
	*plp = NULL;
}
