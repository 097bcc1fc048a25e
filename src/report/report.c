// SPDX-License-Identifier: GPL-2.0
/*
 * report.c - one HTML page from a JSON recording. The page needs nothing
 * from the network: its CSS, script and SVG are inline. Numbers shown are
 * in elements with stable ids (p-PID-...) and data-value attributes, so
 * that tests and scripts can read them back.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "report/jsonl.h"
#include "report/report.h"

const char *const mmt_migrate_reasons[MMT_REPORT_REASONS] = {
	"compaction",	   "memory_failure", "memory_hotplug", "syscall_or_cpuset",
	"mempolicy_mbind", "numa_misplaced", "contig_range",   "longterm_pin",
	"demotion",	   "damon",
};

#define OTHER_REASON MMT_REPORT_REASONS /* unknown codes and names */
#define MAX_PROCS 4096
#define MAX_POINTS 20000 /* drawn per process and kind; sums count all */
#define MAX_NODES 64	 /* nodes drawn and listed per sample */
#define ARENA (8U << 20)

struct point {
	long long t;	/* ns, wall clock */
	long long a, b; /* calls: ret, pages migrated; migrations: succeeded, failed */
	int kind;	/* calls: the event; migrations: the reason */
	char name[24];
};

struct sample {
	long long t;
	int nnodes;
	int node[MAX_NODES];
	long long total[MAX_NODES];
	char kind[12];
};

struct series {
	void *v;
	size_t n, cap, size;
};

struct proc {
	long long pid;
	char comm[64];
	bool kernel_thread;
	unsigned long events;
	long long calls, syscall_succeeded, syscall_failed;
	long long reason_succeeded[MMT_REPORT_REASONS + 1];
	long long reason_failed[MMT_REPORT_REASONS + 1];
	long long migration_events, task_placements;
	struct series pcalls, migs, samples;
	long long first_t, last_t;
};

struct report {
	struct proc *procs[MAX_PROCS];
	int nprocs;
	unsigned long events, other_procs;
	long long t0, t1;
	bool oom;
};

static const char *const policy_calls[] = {
	"set_mempolicy", "set_mempolicy_home_node", "mbind", "migrate_pages", "move_pages",
};

static bool push(struct report *r, struct series *s, size_t size, const void *item)
{
	if (s->n == MAX_POINTS)
		return false;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		void *v = realloc(s->v, cap * size);

		if (!v) {
			r->oom = true;
			return false;
		}
		s->v = v;
		s->cap = cap;
	}
	memcpy((char *)s->v + s->n++ * size, item, size);
	return true;
}

static struct proc *proc_of(struct report *r, long long pid, const char *comm, bool kthread)
{
	struct proc *p;

	for (int i = 0; i < r->nprocs; i++)
		if (r->procs[i]->pid == pid && r->procs[i]->kernel_thread == kthread)
			return r->procs[i];
	if (r->nprocs == MAX_PROCS) {
		r->other_procs++;
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		r->oom = true;
		return NULL;
	}
	p->pid = pid;
	p->kernel_thread = kthread;
	snprintf(p->comm, sizeof(p->comm), "%s", comm ? comm : "?");
	p->first_t = -1;
	r->procs[r->nprocs++] = p;
	return p;
}

/* A reason given as its number or its name (--parse-arguments). */
static int reason_of(const struct mmt_jv *v)
{
	if (v && v->type == MMT_J_STR)
		for (int i = 0; i < MMT_REPORT_REASONS; i++)
			if (!strcmp(v->str, mmt_migrate_reasons[i]))
				return i;
	if (v && (v->type == MMT_J_NUM || v->type == MMT_J_STR)) {
		long long x = mmt_json_int(v, -1);

		if (x >= 0 && x < MMT_REPORT_REASONS)
			return x;
	}
	return OTHER_REASON;
}

static bool truthy(const struct mmt_jv *v)
{
	return v && ((v->type == MMT_J_BOOL && v->b) || (v->type == MMT_J_NUM && v->num != 0));
}

/* One event; false when it is not an event of a recording. */
static bool take(struct report *r, const struct mmt_jv *e)
{
	const struct mmt_jv *name = mmt_json_get(e, "eventName");
	const struct mmt_jv *args = mmt_json_get(e, "args");
	const struct mmt_jv *comm = mmt_json_get(e, "processName");
	const struct mmt_jv *pidv = mmt_json_get(e, "hostProcessId");
	const struct mmt_jv *ctx = mmt_json_get(e, "contextFlags");
	long long t = mmt_json_int(mmt_json_get(e, "timestamp"), -1), pid;
	bool kthread;
	struct proc *p;

	if (!name || name->type != MMT_J_STR || t < 0)
		return false;
	if (!pidv)
		pidv = mmt_json_get(e, "processId");
	pid = mmt_json_int(pidv, -1);
	if (pid < 0)
		return false;
	kthread = truthy(mmt_json_arg(args, "kernelThread")) ||
		  truthy(mmt_json_get(ctx, "kernelThread")) ||
		  truthy(mmt_json_get(e, "kernelThread"));
	r->events++;
	if (r->t0 == 0 || t < r->t0)
		r->t0 = t;
	if (t > r->t1)
		r->t1 = t;
	p = proc_of(r, pid, comm && comm->type == MMT_J_STR ? comm->str : NULL, kthread);
	if (!p)
		return true;
	p->events++;
	if (p->first_t < 0 || t < p->first_t)
		p->first_t = t;
	if (t > p->last_t)
		p->last_t = t;
	for (size_t i = 0; i < sizeof(policy_calls) / sizeof(policy_calls[0]); i++) {
		const struct mmt_jv *mig = mmt_json_get(e, "migration");
		struct point pt = {.t = t, .kind = i};

		if (strcmp(name->str, policy_calls[i]))
			continue;
		p->calls++;
		pt.a = mmt_json_int(mmt_json_get(e, "returnValue"), 0);
		if (mig) {
			/* migrations inside a traced call come only here (no
			 * page_migration record): charge them to the call's reason */
			struct point m = {.t = t, .kind = !strcmp(name->str, "mbind") ? 4 : 3};

			m.a = pt.b = mmt_json_int(mmt_json_get(mig, "succeeded"), 0);
			m.b = mmt_json_int(mmt_json_get(mig, "failed"), 0);
			p->syscall_succeeded += m.a;
			p->syscall_failed += m.b;
			p->reason_succeeded[m.kind] += m.a;
			p->reason_failed[m.kind] += m.b;
			if (m.a || m.b)
				push(r, &p->migs, sizeof(m), &m);
		}
		snprintf(pt.name, sizeof(pt.name), "%s", policy_calls[i]);
		push(r, &p->pcalls, sizeof(pt), &pt);
		return true;
	}
	if (!strcmp(name->str, "page_migration")) {
		struct point pt = {.t = t};

		pt.kind = reason_of(mmt_json_arg(args, "reason"));
		pt.a = mmt_json_int(mmt_json_arg(args, "succeeded"), 0);
		pt.b = mmt_json_int(mmt_json_arg(args, "failed"), 0);
		p->reason_succeeded[pt.kind] += pt.a;
		p->reason_failed[pt.kind] += pt.b;
		p->migration_events++;
		push(r, &p->migs, sizeof(pt), &pt);
	} else if (!strcmp(name->str, "numa_task_placement")) {
		const struct mmt_jv *kind = mmt_json_arg(args, "kind");
		struct point pt = {.t = t, .kind = -1};

		p->task_placements++;
		pt.a = mmt_json_int(mmt_json_arg(args, "src_nid"), -1);
		pt.b = mmt_json_int(mmt_json_arg(args, "dst_nid"), -1);
		snprintf(pt.name, sizeof(pt.name), "%s",
			 kind && kind->type == MMT_J_STR ? kind->str : "task placement");
		push(r, &p->pcalls, sizeof(pt), &pt);
	} else if (!strcmp(name->str, "placement")) {
		const struct mmt_jv *nodes = mmt_json_arg(args, "nodes");
		const struct mmt_jv *kind = mmt_json_arg(args, "kind");
		struct sample *s;

		if (!nodes) /* kind "lost": an exit that could not be sampled */
			return true;
		s = calloc(1, sizeof(*s));
		if (!s) {
			r->oom = true;
			return true;
		}
		s->t = t;
		snprintf(s->kind, sizeof(s->kind), "%s",
			 kind && kind->type == MMT_J_STR ? kind->str : "?");
		for (const struct mmt_jv *n = nodes && nodes->type == MMT_J_ARR ? nodes->child
										: NULL;
		     n && s->nnodes < MAX_NODES; n = n->next) {
			long long id = mmt_json_int(mmt_json_get(n, "node"), -1);

			if (id < 0)
				continue;
			s->node[s->nnodes] = id;
			s->total[s->nnodes++] = mmt_json_int(mmt_json_get(n, "total"), 0);
		}
		push(r, &p->samples, sizeof(*s), s);
		free(s);
	}
	return true;
}

static void esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			if ((unsigned char)*s < 0x20)
				fputc('?', f);
			else
				fputc(*s, f);
		}
	}
}

static void num_row(FILE *f, const struct proc *p, const char *id, const char *label, long long v)
{
	fprintf(f, "<tr><th>");
	esc(f, label);
	fprintf(f, "</th><td id=\"p-%lld-%s\" data-value=\"%lld\">%lld</td></tr>\n", p->pid, id, v,
		v);
}

static const char *const colors[] = {
	"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
	"#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#444444",
};

#define W 900
#define X0 60
#define XW (W - X0 - 20)

static double xpos(const struct report *r, long long t)
{
	double span = r->t1 > r->t0 ? (double)(r->t1 - r->t0) : 1;

	return X0 + XW * ((double)(t - r->t0) / span);
}

static void timeline(FILE *f, const struct report *r, const struct proc *p)
{
	const struct point *calls = p->pcalls.v, *migs = p->migs.v;
	const struct sample *ss = p->samples.v;
	long long maxmig = 1, maxres = 1;
	int nodes[MAX_NODES], nn = 0;

	fprintf(f,
		"<svg class=\"timeline\" viewBox=\"0 0 %d 330\" width=\"%d\" height=\"330\" "
		"role=\"img\" aria-label=\"timeline of process %lld\">\n",
		W, W, p->pid);
	fprintf(f,
		"<text x=\"4\" y=\"30\">policy</text><text x=\"4\" y=\"44\">calls</text>\n"
		"<line x1=\"%d\" y1=\"40\" x2=\"%d\" y2=\"40\" class=\"axis\"/>\n",
		X0, X0 + XW);
	for (size_t i = 0; i < p->pcalls.n; i++) {
		if (calls[i].kind < 0) { /* a NUMA task placement */
			double x = xpos(r, calls[i].t);

			fprintf(f,
				"<polygon points=\"%.1f,52 %.1f,62 %.1f,62\" fill=\"#555\">"
				"<title>NUMA task placement: ",
				x, x - 5, x + 5);
			esc(f, calls[i].name);
			fprintf(f, ", node %lld to %lld, +%.6f s</title></polygon>\n", calls[i].a,
				calls[i].b, (calls[i].t - r->t0) / 1e9);
			continue;
		}
		fprintf(f,
			"<circle cx=\"%.1f\" cy=\"40\" r=\"5\" fill=\"%s\" class=\"call\"><title>",
			xpos(r, calls[i].t), colors[calls[i].kind % 11]);
		esc(f, calls[i].name);
		fprintf(f, " = %lld, %lld pages migrated, +%.6f s</title></circle>\n", calls[i].a,
			calls[i].b, (calls[i].t - r->t0) / 1e9);
	}
	/* migrations: one bar per event, by reason */
	for (size_t i = 0; i < p->migs.n; i++)
		if (migs[i].a > maxmig)
			maxmig = migs[i].a;
	fprintf(f,
		"<text x=\"4\" y=\"100\">pages</text><text x=\"4\" y=\"114\">migrated</text>\n"
		"<text x=\"%d\" y=\"76\" class=\"small\" text-anchor=\"end\">"
		"%lld pages</text>\n"
		"<line x1=\"%d\" y1=\"70\" x2=\"%d\" y2=\"70\" class=\"grid\"/>"
		"<line x1=\"%d\" y1=\"150\" x2=\"%d\" y2=\"150\" class=\"axis\"/>\n",
		X0 + XW, maxmig, X0, X0 + XW, X0, X0 + XW);
	for (size_t i = 0; i < p->migs.n; i++) {
		double h = 80.0 * migs[i].a / maxmig;

		fprintf(f,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"3\" height=\"%.1f\" fill=\"%s\">"
			"<title>%s: %lld succeeded, %lld failed</title></rect>\n",
			xpos(r, migs[i].t) - 1, 150 - h, h < 1 ? 1 : h, colors[migs[i].kind],
			migs[i].kind < MMT_REPORT_REASONS ? mmt_migrate_reasons[migs[i].kind]
							  : "other",
			migs[i].a, migs[i].b);
	}
	/* residency: total pages per node over the samples */
	for (size_t i = 0; i < p->samples.n; i++) {
		for (int k = 0; k < ss[i].nnodes; k++) {
			int j;

			if (ss[i].total[k] > maxres)
				maxres = ss[i].total[k];
			for (j = 0; j < nn && nodes[j] != ss[i].node[k]; j++)
				;
			if (j == nn && nn < MAX_NODES)
				nodes[nn++] = ss[i].node[k];
		}
	}
	fprintf(f,
		"<text x=\"4\" y=\"210\">pages</text><text x=\"4\" y=\"224\">per node</text>\n"
		"<line x1=\"%d\" y1=\"300\" x2=\"%d\" y2=\"300\" class=\"axis\"/>\n"
		"<line x1=\"%d\" y1=\"180\" x2=\"%d\" y2=\"180\" class=\"grid\"/>"
		"<text x=\"%d\" y=\"176\" class=\"small\">%lld pages</text>\n",
		X0, X0 + XW, X0, X0 + XW, X0 + 2, maxres);
	for (int j = 0; j < nn; j++) {
		fprintf(f, "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"%s\" points=\"",
			colors[nodes[j] % 10]);
		for (size_t i = 0; i < p->samples.n; i++) {
			long long v = 0;

			for (int k = 0; k < ss[i].nnodes; k++)
				if (ss[i].node[k] == nodes[j])
					v = ss[i].total[k];
			fprintf(f, "%.1f,%.1f ", xpos(r, ss[i].t), 300 - 120.0 * v / maxres);
		}
		fprintf(f, "\"><title>node %d</title></polyline>\n", nodes[j]);
		for (size_t i = 0; i < p->samples.n; i++)
			for (int k = 0; k < ss[i].nnodes; k++)
				if (ss[i].node[k] == nodes[j])
					fprintf(f,
						"<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" "
						"fill=\"%s\">"
						"<title>node %d: %lld pages "
						"(%s)</title></circle>\n",
						xpos(r, ss[i].t),
						300 - 120.0 * ss[i].total[k] / maxres,
						colors[nodes[j] % 10], nodes[j], ss[i].total[k],
						ss[i].kind);
	}
	fprintf(f,
		"<text x=\"%d\" y=\"320\" class=\"small\">0 s</text>"
		"<text x=\"%d\" y=\"320\" class=\"small\" text-anchor=\"end\">%.3f "
		"s</text>\n</svg>\n",
		X0, X0 + XW, (r->t1 - r->t0) / 1e9);
}

/* The node totals of a sample, as rows with ids p-PID-node-N-WHICH. */
static void node_rows(FILE *f, const struct proc *p, const struct sample *s, const char *which)
{
	for (int k = 0; k < s->nnodes; k++)
		fprintf(f,
			"<tr><th>node %d, %s sample (%s)</th><td id=\"p-%lld-node-%d-%s\" "
			"data-value=\"%lld\">%lld</td></tr>\n",
			s->node[k], which, s->kind, p->pid, s->node[k], which, s->total[k],
			s->total[k]);
}

static void proc_section(FILE *f, const struct report *r, const struct proc *p)
{
	const struct sample *ss = p->samples.v;
	long long succ = 0, failed = 0;

	fprintf(f,
		"<section class=\"proc\" id=\"proc-%lld%s\" data-pid=\"%lld\" "
		"data-kernel-thread=\"%d\">\n<h2>",
		p->pid, p->kernel_thread ? "-k" : "", p->pid, p->kernel_thread);
	esc(f, p->comm);
	fprintf(f, " <span class=\"pid\">pid %lld%s</span></h2>\n", p->pid,
		p->kernel_thread ? ", kernel thread" : "");
	timeline(f, r, p);
	fprintf(f, "<div class=\"legend\">");
	for (int i = 0; i <= MMT_REPORT_REASONS; i++)
		if (p->reason_succeeded[i] || p->reason_failed[i])
			fprintf(f, "<span style=\"color:%s\">&#9632; %s</span> ", colors[i],
				i < MMT_REPORT_REASONS ? mmt_migrate_reasons[i] : "other");
	fprintf(f, "</div>\n<table class=\"sums\">\n");
	num_row(f, p, "events", "events", p->events);
	num_row(f, p, "policy-calls", "policy calls", p->calls);
	num_row(f, p, "syscall-succeeded", "pages migrated by policy calls", p->syscall_succeeded);
	num_row(f, p, "syscall-failed", "pages policy calls failed to migrate", p->syscall_failed);
	for (int i = 0; i <= MMT_REPORT_REASONS; i++) {
		char id[64], label[96];
		const char *rn = i < MMT_REPORT_REASONS ? mmt_migrate_reasons[i] : "other";

		succ += p->reason_succeeded[i];
		failed += p->reason_failed[i];
		if (!p->reason_succeeded[i] && !p->reason_failed[i])
			continue;
		snprintf(id, sizeof(id), "reason-%s-succeeded", rn);
		snprintf(label, sizeof(label), "pages migrated: %s", rn);
		num_row(f, p, id, label, p->reason_succeeded[i]);
		snprintf(id, sizeof(id), "reason-%s-failed", rn);
		snprintf(label, sizeof(label), "failed: %s", rn);
		num_row(f, p, id, label, p->reason_failed[i]);
	}
	num_row(f, p, "migration-events", "page_migration events", p->migration_events);
	num_row(f, p, "migrated-succeeded", "pages migrated, all reasons", succ);
	num_row(f, p, "migrated-failed", "pages failed, all reasons", failed);
	num_row(f, p, "task-placements", "NUMA task placements", p->task_placements);
	num_row(f, p, "samples", "placement samples", p->samples.n);
	if (p->samples.n) {
		node_rows(f, p, &ss[0], "first");
		node_rows(f, p, &ss[p->samples.n - 1], "last");
	}
	fprintf(f, "</table>\n");
	if (p->pcalls.n == MAX_POINTS || p->migs.n == MAX_POINTS || p->samples.n == MAX_POINTS)
		fprintf(f,
			"<p class=\"note\">The timeline shows the first %d points of a kind; "
			"the sums count them all.</p>\n",
			MAX_POINTS);
	fprintf(f, "</section>\n");
}

static const char page_head[] =
	"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	"<title>mmtrace report</title>\n<style>\n"
	"body{font:14px/1.4 sans-serif;margin:1.5em;color:#222}\n"
	"h1{font-size:1.4em}h2{font-size:1.15em;margin-bottom:.2em}\n"
	".pid{color:#777;font-weight:normal}\n"
	"section.proc{border-top:1px solid #ccc;padding-top:.5em}\n"
	"svg.timeline{background:#fafafa;border:1px solid #ddd;max-width:100%;height:auto}\n"
	".axis{stroke:#999}.grid{stroke:#ddd;stroke-dasharray:4 "
	"3}.small{font-size:11px;fill:#555}\n"
	"table.sums{border-collapse:collapse;margin:.5em 0}\n"
	"table.sums th{text-align:left;font-weight:normal;padding:1px 12px 1px 0}\n"
	"table.sums td{text-align:right;font-variant-numeric:tabular-nums}\n"
	".note{color:#a40}\n</style></head><body>\n";

int mmt_report_write(FILE *in, FILE *out, const char *name, unsigned long *lines,
		     unsigned long *skipped, unsigned long *first_bad, const char **first_why)
{
	struct report *r = calloc(1, sizeof(*r));
	struct mmt_jarena arena = {0};
	char *line = malloc(MMT_REPORT_LINE_MAX + 1);
	int ret = -1;

	*lines = *skipped = *first_bad = 0;
	*first_why = NULL;
	if (!r || !line || mmt_jarena_init(&arena, ARENA)) {
		fprintf(stderr, "mmtrace: failed to read the recording: out of memory\n");
		goto cleanup;
	}
	for (;;) {
		size_t len = 0;
		bool too_long = false, any = false;
		const char *why = NULL;
		struct mmt_jv *v;
		int c;

		while ((c = getc_unlocked(in)) != EOF) {
			any = true;
			if (c == '\n')
				break;
			if (len < MMT_REPORT_LINE_MAX)
				line[len++] = c;
			else
				too_long = true;
		}
		if (!any)
			break;
		++*lines;
		if (len == 0 && !too_long)
			continue; /* an empty line */
		if (too_long)
			why = "line too long";
		else if (memchr(line, '\0', len))
			why = "NUL byte in the line";
		else if (!(v = mmt_json_parse(&arena, line, len, &why)))
			;
		else if (!take(r, v))
			why = "not an event (no eventName, timestamp or processId)";
		if (why) {
			if (!*skipped) {
				*first_bad = *lines;
				*first_why = why;
			}
			++*skipped;
		}
		if (r->oom) {
			fprintf(stderr, "mmtrace: failed to read the recording: out of memory\n");
			goto cleanup;
		}
	}
	fputs(page_head, out);
	fprintf(out, "<h1>mmtrace report: ");
	esc(out, name);
	fprintf(out,
		"</h1>\n<p><span id=\"events\" data-value=\"%lu\">%lu</span> events from "
		"<span id=\"processes\" data-value=\"%d\">%d</span> processes over %.3f s; "
		"<span id=\"lines\" data-value=\"%lu\">%lu</span> lines, "
		"<span id=\"skipped-lines\" data-value=\"%lu\">%lu</span> skipped",
		r->events, r->events, r->nprocs, r->nprocs, (r->t1 - r->t0) / 1e9, *lines, *lines,
		*skipped, *skipped);
	if (r->other_procs)
		fprintf(out, "; %lu events of processes beyond the first %d not shown",
			r->other_procs, MAX_PROCS);
	fprintf(out, ".</p>\n<p>Per process: policy calls (circles, by call) and NUMA task "
		     "placements (triangles); page migrations (bars, by reason: page_migration "
		     "records, and the migration counts of mbind, migrate_pages and move_pages, "
		     "which no page_migration record repeats); pages per NUMA node (lines, from "
		     "placement samples). Hover for details.</p>\n");
	for (int i = 0; i < r->nprocs; i++)
		proc_section(out, r, r->procs[i]);
	fputs("<script>\n/* show the time since the start of the recording when a mark is "
	      "clicked */\ndocument.querySelectorAll('svg.timeline title').forEach(function(t){"
	      "t.parentNode.addEventListener('click',function(){"
	      "document.getElementById('status').textContent=t.textContent;});});\n</script>\n"
	      "<p id=\"status\" class=\"small\"></p>\n</body></html>\n",
	      out);
	ret = 0;
cleanup:
	if (r) {
		for (int i = 0; i < r->nprocs; i++) {
			free(r->procs[i]->pcalls.v);
			free(r->procs[i]->migs.v);
			free(r->procs[i]->samples.v);
			free(r->procs[i]);
		}
	}
	free(r);
	free(line);
	mmt_jarena_free(&arena);
	return ret;
}

static const char report_usage[] =
	"Usage: mmtrace report FILE.json [-o FILE.html]\n"
	"Make one self-contained HTML page (no network needed to view it) from a\n"
	"recording of `mmtrace -o json` (raw or --parse-arguments): per process, a\n"
	"timeline of policy calls, page migrations by reason and pages per node\n"
	"(--placement records). Without -o, the page is written to FILE.html (FILE\n"
	"without its .json); -o - writes it to stdout.\n";

int mmt_report_main(int argc, char **argv)
{
	const char *in_path = NULL, *out_path = NULL, *why;
	unsigned long lines, skipped, first_bad;
	char *derived = NULL;
	FILE *in = NULL, *out = NULL;
	int ret = 1;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(report_usage, stdout);
			return 0;
		} else if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
			if (i + 1 == argc || !*argv[i + 1]) {
				fprintf(stderr, "mmtrace: report: -o needs a file name (see "
						"mmtrace report --help)\n");
				return 2;
			}
			out_path = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr,
				"mmtrace: report: unknown option '%s' (see mmtrace report "
				"--help)\n",
				argv[i]);
			return 2;
		} else if (in_path) {
			fprintf(stderr, "mmtrace: report: one recording at a time (see mmtrace "
					"report --help)\n");
			return 2;
		} else {
			in_path = argv[i];
		}
	}
	if (!in_path) {
		fprintf(stderr, "mmtrace: report: which recording? (see mmtrace report --help)\n");
		return 2;
	}
	if (!out_path) {
		size_t n = strlen(in_path);

		derived = malloc(n + 6);
		if (!derived) {
			fprintf(stderr, "mmtrace: report: out of memory\n");
			return 1;
		}
		memcpy(derived, in_path, n + 1);
		if (n > 5 && !strcmp(derived + n - 5, ".json"))
			derived[n - 5] = '\0';
		strcat(derived, ".html");
		out_path = derived;
	}
	in = strcmp(in_path, "-") ? fopen(in_path, "re") : stdin;
	if (!in) {
		fprintf(stderr, "mmtrace: failed to open %s: %s\n", in_path, strerror(errno));
		goto cleanup;
	}
	out = strcmp(out_path, "-") ? fopen(out_path, "we") : stdout;
	if (!out) {
		fprintf(stderr, "mmtrace: failed to create %s: %s\n", out_path, strerror(errno));
		goto cleanup;
	}
	if (mmt_report_write(in, out, in_path, &lines, &skipped, &first_bad, &why))
		goto cleanup;
	if (ferror(in)) {
		fprintf(stderr, "mmtrace: failed to read %s: %s\n", in_path, strerror(errno));
		goto cleanup;
	}
	if (fflush(out) || ferror(out)) {
		fprintf(stderr, "mmtrace: failed to write %s: %s\n", out_path, strerror(errno));
		goto cleanup;
	}
	if (skipped)
		fprintf(stderr, "mmtrace: report: skipped %lu of %lu lines (first: line %lu, %s)\n",
			skipped, lines, first_bad, why);
	ret = 0;
cleanup:
	if (in && in != stdin)
		fclose(in);
	if (out && out != stdout && fclose(out) && !ret) {
		fprintf(stderr, "mmtrace: failed to write %s: %s\n", out_path, strerror(errno));
		ret = 1;
	}
	free(derived);
	return ret;
}
