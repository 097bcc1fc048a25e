// SPDX-License-Identifier: GPL-2.0
/*
 * detect.c - the engine: per-process memory ranges with their history,
 * sealed ranges, files mapped shared-writable or executable; the rules of
 * rules.c checked against them on every call. Everything is bounded: when a
 * table is full its least recently used entry goes, and is counted.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "detect/detect.h"

#define PROT_R 0x1U
#define PROT_W 0x2U
#define PROT_X 0x4U
#define MAP_SHARED_ 0x01U
#define MAP_SHARED_VALIDATE_ 0x03U
#define MAP_TYPE_ 0x0fU
#define MAP_ANON_ 0x20U
#define MREMAP_DONTUNMAP_ 0x4U
#define MADV_WILLNEED_ 3
#define MADV_COLD_ 20
#define MADV_PAGEOUT_ 21
#define PAGE 4096ULL
#define FILE_REFS 4

struct range {
	__u64 start, end;
	__u32 prot;
	bool written; /* writable at some time since it was mapped */
	bool shared;
	bool file_backed; /* mapped from a file (known from mmap's flags) */
	bool has_file;	  /* and which file: dev, ino */
	__u64 dev, ino;
	__u64 seq; /* when last touched: the eviction order */
};

struct seal {
	__u64 start, end;
};

struct proc {
	__u32 pid;
	__u64 exe_hash;
	__u64 seq;
	struct range *ranges;
	unsigned int nranges, cap;
	struct seal *seals;
	unsigned int nseals;
};

/* A mapping of a file, checked against the process's ranges when used. */
struct file_ref {
	__u32 pid;
	__u64 start;
};

struct file {
	bool used;
	__u64 dev, ino;
	char path[MMT_DET_PATH_LEN];
	bool path_cut;
	__u64 seq;
	struct file_ref writers[FILE_REFS]; /* shared and writable */
	struct file_ref execs[FILE_REFS];
};

struct allow {
	char *path;
	int rule; /* -1: every rule */
};

struct mmt_detect {
	struct mmt_det_limits lim;
	struct proc *procs;
	unsigned int nprocs;
	struct file *files;
	struct allow *allows;
	unsigned int nallows;
	__u64 seq;
	struct mmt_det_stats st;
};

static __u64 page_up(__u64 v)
{
	return v > ~0ULL - (PAGE - 1) ? ~0ULL & ~(PAGE - 1) : (v + PAGE - 1) & ~(PAGE - 1);
}

static __u64 range_end(__u64 start, __u64 len)
{
	__u64 l = page_up(len);

	return start > ~0ULL - l ? ~0ULL : start + l;
}

static __u64 hash_str(const char *s)
{
	__u64 h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

struct mmt_detect *mmt_detect_new(const struct mmt_det_limits *limits)
{
	struct mmt_detect *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	if (limits)
		d->lim = *limits;
	if (!d->lim.max_processes)
		d->lim.max_processes = 1024;
	if (!d->lim.max_ranges)
		d->lim.max_ranges = 4096;
	if (!d->lim.max_seals)
		d->lim.max_seals = 64;
	if (!d->lim.max_files)
		d->lim.max_files = 1024;
	d->procs = calloc(d->lim.max_processes, sizeof(*d->procs));
	d->files = calloc(d->lim.max_files, sizeof(*d->files));
	if (!d->procs || !d->files) {
		mmt_detect_free(d);
		return NULL;
	}
	return d;
}

static void proc_clear(struct proc *p)
{
	free(p->ranges);
	free(p->seals);
	memset(p, 0, sizeof(*p));
}

void mmt_detect_free(struct mmt_detect *d)
{
	if (!d)
		return;
	for (unsigned int i = 0; d->procs && i < d->nprocs; i++)
		proc_clear(&d->procs[i]);
	for (unsigned int i = 0; i < d->nallows; i++)
		free(d->allows[i].path);
	free(d->allows);
	free(d->procs);
	free(d->files);
	free(d);
}

int mmt_detect_allow(struct mmt_detect *d, const char *spec, const char **why)
{
	const char *colon = strrchr(spec, ':');
	const struct mmt_det_rule *r = NULL;
	struct allow *grown;
	size_t plen = colon ? (size_t)(colon - spec) : strlen(spec);

	if (colon) {
		r = mmt_det_rule_by_name(colon + 1);
		if (!r) {
			*why = "unknown rule after ':' (see mmtrace list --rules)";
			return -EINVAL;
		}
	}
	if (!plen || spec[0] != '/' || plen >= MMT_DET_PATH_LEN) {
		*why = "an absolute executable path is needed";
		return -EINVAL;
	}
	grown = realloc(d->allows, (d->nallows + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	d->allows = grown;
	d->allows[d->nallows].path = strndup(spec, plen);
	if (!d->allows[d->nallows].path)
		return -ENOMEM;
	d->allows[d->nallows].rule = r ? (int)r->rule : -1;
	d->nallows++;
	return 0;
}

static bool allowed(const struct mmt_detect *d, const char *exe, enum mmt_det_rule_id rule)
{
	for (unsigned int i = 0; i < d->nallows; i++)
		if ((d->allows[i].rule < 0 || d->allows[i].rule == (int)rule) &&
		    !strcmp(d->allows[i].path, exe))
			return true;
	return false;
}

/* --- processes --- */

static struct proc *proc_find(struct mmt_detect *d, __u32 pid)
{
	for (unsigned int i = 0; i < d->nprocs; i++)
		if (d->procs[i].pid == pid)
			return &d->procs[i];
	return NULL;
}

/* The process's state, made when new; an exec (a new executable) resets it. */
static struct proc *proc_get(struct mmt_detect *d, const struct mmt_det_facts *f)
{
	__u64 h = hash_str(f->exe);
	struct proc *p = proc_find(d, f->pid);

	if (p && f->exe[0] && p->exe_hash != h) {
		proc_clear(p);
		p->pid = f->pid;
	}
	if (!p) {
		if (d->nprocs == d->lim.max_processes) {
			unsigned int old = 0;

			for (unsigned int i = 1; i < d->nprocs; i++)
				if (d->procs[i].seq < d->procs[old].seq)
					old = i;
			p = &d->procs[old];
			proc_clear(p);
			d->st.evicted_processes++;
		} else {
			p = &d->procs[d->nprocs++];
		}
		p->pid = f->pid;
	}
	if (f->exe[0])
		p->exe_hash = h;
	p->seq = ++d->seq;
	return p;
}

/* --- ranges --- */

/* Room for one more range: grow, or forget the least recently used one. */
static struct range *range_new(struct mmt_detect *d, struct proc *p)
{
	if (p->nranges == p->cap && p->cap < d->lim.max_ranges) {
		unsigned int cap = p->cap ? p->cap * 2 : 16;
		struct range *grown;

		if (cap > d->lim.max_ranges)
			cap = d->lim.max_ranges;
		grown = realloc(p->ranges, cap * sizeof(*grown));
		if (grown) {
			p->ranges = grown;
			p->cap = cap;
		}
	}
	if (p->nranges == p->cap) {
		unsigned int old = 0;

		if (!p->cap)
			return NULL;
		for (unsigned int i = 1; i < p->nranges; i++)
			if (p->ranges[i].seq < p->ranges[old].seq)
				old = i;
		p->ranges[old] = p->ranges[--p->nranges];
		d->st.evicted_ranges++;
	}
	memset(&p->ranges[p->nranges], 0, sizeof(p->ranges[0]));
	p->ranges[p->nranges].seq = ++d->seq;
	return &p->ranges[p->nranges++];
}

/* No range crosses addr afterwards: one that did is cut in two. */
static void split_at(struct mmt_detect *d, struct proc *p, __u64 addr)
{
	for (unsigned int i = 0; i < p->nranges; i++) {
		struct range *r = &p->ranges[i], copy;

		if (!(r->start < addr && addr < r->end))
			continue;
		copy = *r;
		r->end = addr;
		r = range_new(d, p);
		if (r) {
			*r = copy;
			r->start = addr;
		}
		return;
	}
}

static bool inside(const struct range *r, __u64 s, __u64 e)
{
	return r->start >= s && r->end <= e;
}

static bool overlaps(__u64 s1, __u64 e1, __u64 s2, __u64 e2)
{
	return s1 < e2 && s2 < e1;
}

static void ranges_remove(struct mmt_detect *d, struct proc *p, __u64 s, __u64 e)
{
	split_at(d, p, s);
	split_at(d, p, e);
	for (unsigned int i = 0; i < p->nranges;)
		if (inside(&p->ranges[i], s, e))
			p->ranges[i] = p->ranges[--p->nranges];
		else
			i++;
}

static struct range *range_containing(struct proc *p, __u64 addr)
{
	for (unsigned int i = 0; p && i < p->nranges; i++)
		if (p->ranges[i].start <= addr && addr < p->ranges[i].end)
			return &p->ranges[i];
	return NULL;
}

/* --- files --- */

static bool file_named(const struct mmt_det_file *f)
{
	return f->known && f->has_ino;
}

static struct file *file_get(struct mmt_detect *d, const struct mmt_det_file *id, bool make)
{
	struct file *free_slot = NULL, *old = NULL;

	for (unsigned int i = 0; i < d->lim.max_files; i++) {
		struct file *f = &d->files[i];

		if (f->used && f->dev == id->dev && f->ino == id->ino) {
			f->seq = ++d->seq;
			return f;
		}
		if (!f->used && !free_slot)
			free_slot = f;
		if (f->used && (!old || f->seq < old->seq))
			old = f;
	}
	if (!make)
		return NULL;
	if (!free_slot) {
		free_slot = old;
		d->st.evicted_files++;
	}
	memset(free_slot, 0, sizeof(*free_slot));
	free_slot->used = true;
	free_slot->dev = id->dev;
	free_slot->ino = id->ino;
	memcpy(free_slot->path, id->path, sizeof(free_slot->path));
	free_slot->path_cut = id->path_cut;
	free_slot->seq = ++d->seq;
	return free_slot;
}

/* Is the mapping a reference names still there, of this file, as asked? */
static struct range *ref_live(struct mmt_detect *d, const struct file *f,
			      const struct file_ref *ref, bool writer)
{
	struct range *r;

	if (!ref->pid)
		return NULL;
	r = range_containing(proc_find(d, ref->pid), ref->start);
	if (!r || !r->has_file || r->dev != f->dev || r->ino != f->ino)
		return NULL;
	if (writer ? !(r->shared && (r->prot & PROT_W)) : !(r->prot & PROT_X))
		return NULL;
	return r;
}

static void ref_add(struct mmt_detect *d, struct file *f, bool writer, __u32 pid, __u64 start)
{
	struct file_ref *refs = writer ? f->writers : f->execs;
	int slot = FILE_REFS - 1;

	for (int i = 0; i < FILE_REFS; i++) {
		if (refs[i].pid == pid && refs[i].start == start)
			return;
		if (!ref_live(d, f, &refs[i], writer)) {
			slot = i;
			break;
		}
	}
	refs[slot].pid = pid;
	refs[slot].start = start;
}

/* --- findings --- */

struct ctx {
	struct mmt_detect *d;
	const struct mmt_det_facts *f;
	struct mmt_finding *out;
	int max, n;
};

static struct mmt_finding *emit(struct ctx *c, enum mmt_det_rule_id rule, enum mmt_det_severity sev)
{
	struct mmt_finding *x;

	if (allowed(c->d, c->f->exe, rule)) {
		c->d->st.allowed[rule]++;
		return NULL;
	}
	c->d->st.findings[rule]++;
	if (c->n >= c->max)
		return NULL;
	x = &c->out[c->n++];
	memset(x, 0, sizeof(*x));
	x->rule = &mmt_det_rules[rule];
	x->severity = sev;
	x->addr = c->f->addr;
	x->len = c->f->len;
	x->prot = c->f->prot;
	return x;
}

/* MMT-3: a mapping [s,e) of file id, writable-shared or executable: is the
 * other kind mapped elsewhere? Then record this one. */
static void check_file(struct ctx *c, struct proc *p, const struct range *r)
{
	struct mmt_det_file id = c->f->file;
	bool writer = r->shared && (r->prot & PROT_W), exec = r->prot & PROT_X;
	struct file *f;

	if (!r->has_file || !(writer || exec))
		return;
	id.dev = r->dev;
	id.ino = r->ino;
	if (!c->f->file.known || c->f->file.dev != r->dev || c->f->file.ino != r->ino) {
		id.path[0] = '\0';
		id.path_cut = false;
	}
	f = file_get(c->d, &id, true);
	if (!f->path[0] && id.path[0]) {
		memcpy(f->path, id.path, sizeof(f->path));
		f->path_cut = id.path_cut;
	}
	for (int side = 0; side < 2; side++) {
		bool want_writer = side == 0;
		struct file_ref *refs = want_writer ? f->writers : f->execs;

		if (want_writer ? !exec : !writer)
			continue;
		for (int i = 0; i < FILE_REFS; i++) {
			struct range *o = ref_live(c->d, f, &refs[i], want_writer);
			struct mmt_finding *x;

			if (!o || o == r)
				continue;
			x = emit(c, MMT_RULE_FILE_DOUBLE_MAP, MMT_SEV_HIGH);
			if (x) {
				x->file.known = true;
				x->file.has_ino = true;
				x->file.dev = f->dev;
				x->file.ino = f->ino;
				memcpy(x->file.path, f->path, sizeof(x->file.path));
				x->file.path_cut = f->path_cut;
				x->other_pid = refs[i].pid;
				x->other_addr = o->start;
				x->other_len = o->end - o->start;
				x->other_prot = o->prot;
				x->addr = r->start;
				x->len = r->end - r->start;
				x->prot = r->prot;
			}
			side = 2; /* one finding per call */
			break;
		}
	}
	if (writer)
		ref_add(c->d, f, true, p->pid, r->start);
	if (exec)
		ref_add(c->d, f, false, p->pid, r->start);
}

static void on_mmap(struct ctx *c, struct proc *p)
{
	const struct mmt_det_facts *f = c->f;
	__u64 s = (__u64)f->ret, e = range_end(s, f->len);
	__u32 type = f->flags & MAP_TYPE_;
	struct range *r;

	if (f->ret < 0 && f->ret >= -4095)
		return;
	if (f->compat)
		s &= 0xffffffffULL, e = range_end(s, f->len);
	ranges_remove(c->d, p, s, e);
	r = range_new(c->d, p);
	if (!r)
		return;
	r->start = s;
	r->end = e;
	r->prot = f->prot;
	r->written = f->prot & PROT_W;
	r->shared = type == MAP_SHARED_ || type == MAP_SHARED_VALIDATE_;
	r->file_backed = !(f->flags & MAP_ANON_) && f->fd >= 0;
	r->has_file = file_named(&f->file);
	r->dev = f->file.dev;
	r->ino = f->file.ino;
	if ((f->prot & (PROT_W | PROT_X)) == (PROT_W | PROT_X)) {
		struct mmt_finding *x = emit(c, MMT_RULE_WX_MAPPING, MMT_SEV_HIGH);

		if (x) {
			x->addr = s;
			x->len = e - s;
			if (file_named(&f->file) || f->file.path[0])
				x->file = f->file;
		}
		return;
	}
	check_file(c, p, r);
}

static int cmp_start(const void *a, const void *b)
{
	const struct seal *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Ranges for the parts of [s,e) never seen mapped: known from now on, with
 * no history. The parts inside the mapping the call's context names (read
 * in the kernel before the call: --mappings) get its file and sharing. */
static void fill_gaps(struct mmt_detect *d, struct proc *p, __u64 s, __u64 e, __u32 prot,
		      const struct mmt_det_facts *f)
{
	struct seal *in = calloc(p->nranges + 1, sizeof(*in));
	unsigned int nin = 0;
	__u64 at = s;

	if (!in)
		return;
	for (unsigned int i = 0; i < p->nranges; i++)
		if (inside(&p->ranges[i], s, e)) {
			in[nin].start = p->ranges[i].start;
			in[nin++].end = p->ranges[i].end;
		}
	qsort(in, nin, sizeof(*in), cmp_start);
	for (unsigned int i = 0; i <= nin; i++) {
		__u64 next = i < nin ? in[i].start : e;

		if (next > at) {
			struct range *r = range_new(d, p);

			if (!r)
				break;
			r->start = at;
			r->end = next;
			r->prot = prot;
			r->written = prot & PROT_W;
			if (f->map_known && at >= f->map_start && next <= f->map_end) {
				r->shared = f->map_shared;
				r->file_backed = f->file.known;
				r->has_file = file_named(&f->file);
				r->dev = f->file.dev;
				r->ino = f->file.ino;
			}
		}
		if (i < nin && in[i].end > at)
			at = in[i].end;
	}
	free(in);
}

static void on_mprotect(struct ctx *c, struct proc *p)
{
	const struct mmt_det_facts *f = c->f;
	__u64 s = f->addr & ~(PAGE - 1), e = range_end(s, f->len + (f->addr - s));
	__u32 prot = f->prot & (PROT_R | PROT_W | PROT_X);
	struct range *was_written = NULL;

	if (f->ret != 0)
		return;
	split_at(c->d, p, s);
	split_at(c->d, p, e);
	fill_gaps(c->d, p, s, e, prot, f);
	if ((prot & (PROT_W | PROT_X)) == (PROT_W | PROT_X)) {
		emit(c, MMT_RULE_WX_MAPPING, MMT_SEV_HIGH);
		goto update;
	}
	if (prot & PROT_X)
		for (unsigned int i = 0; i < p->nranges; i++) {
			struct range *r = &p->ranges[i];

			if (inside(r, s, e) && r->written && !(r->prot & PROT_X) &&
			    (!was_written || r->start < was_written->start))
				was_written = r;
		}
	if (was_written) {
		struct mmt_finding *x =
			emit(c, MMT_RULE_WRITE_THEN_EXEC,
			     was_written->file_backed ? MMT_SEV_MEDIUM : MMT_SEV_HIGH);

		if (x) {
			x->prev_known = true;
			x->prev_prot = was_written->prot;
			x->addr = f->addr;
			x->len = f->len;
			x->file_backed = was_written->file_backed;
			if (was_written->has_file) {
				x->file.known = x->file.has_ino = true;
				x->file.dev = was_written->dev;
				x->file.ino = was_written->ino;
			}
		}
	}
update:
	for (unsigned int i = 0; i < p->nranges; i++) {
		struct range *r = &p->ranges[i];

		if (!inside(r, s, e))
			continue;
		r->prot = prot;
		r->written |= !!(prot & PROT_W);
		r->seq = ++c->d->seq;
	}
	if ((prot & (PROT_W | PROT_X)) != (PROT_W | PROT_X))
		for (unsigned int i = 0; i < p->nranges; i++)
			if (inside(&p->ranges[i], s, e) && p->ranges[i].has_file) {
				check_file(c, p, &p->ranges[i]);
				break;
			}
}

static void on_mremap(struct ctx *c, struct proc *p)
{
	const struct mmt_det_facts *f = c->f;
	__u64 s = f->addr & ~(PAGE - 1), e = range_end(s, f->len);
	__u64 ns = (__u64)f->ret, ne;
	bool keep_old = f->flags & MREMAP_DONTUNMAP_;
	struct range *moved = NULL;
	unsigned int nmoved = 0;

	if (f->ret < 0 && f->ret >= -4095)
		return;
	if (f->compat)
		ns &= 0xffffffffULL;
	ne = range_end(ns, f->new_len);
	split_at(c->d, p, s);
	split_at(c->d, p, e);
	moved = calloc(p->nranges + 1, sizeof(*moved));
	if (!moved)
		return;
	for (unsigned int i = 0; i < p->nranges; i++) {
		struct range *r = &p->ranges[i];

		if (!inside(r, s, e))
			continue;
		if (keep_old && (r->prot & PROT_X)) {
			struct mmt_finding *x = NULL;
			bool first = true;

			for (unsigned int k = 0; k < nmoved; k++)
				if (moved[k].prot & PROT_X)
					first = false;
			if (first)
				x = emit(c, MMT_RULE_DONTUNMAP_EXEC, MMT_SEV_MEDIUM);
			if (x) {
				x->prev_known = true;
				x->prev_prot = r->prot;
			}
		}
		moved[nmoved++] = *r;
	}
	if (!keep_old)
		ranges_remove(c->d, p, s, e);
	ranges_remove(c->d, p, ns, ne);
	for (unsigned int k = 0; k < nmoved; k++) {
		__u64 off_s = moved[k].start - s, off_e = moved[k].end - s;
		struct range *r;

		if (off_s >= ne - ns)
			continue;
		if (off_e > ne - ns || moved[k].end == e)
			off_e = ne - ns; /* cut, or the last part grown */
		r = range_new(c->d, p);
		if (!r)
			break;
		*r = moved[k];
		r->start = ns + off_s;
		r->end = ns + off_e;
		r->seq = ++c->d->seq;
	}
	free(moved);
}

static void on_mseal(struct ctx *c, struct proc *p)
{
	const struct mmt_det_facts *f = c->f;
	struct seal *grown;

	if (f->ret != 0)
		return;
	if (p->nseals == c->d->lim.max_seals) {
		memmove(p->seals, p->seals + 1, (p->nseals - 1) * sizeof(*p->seals));
		p->nseals--;
		c->d->st.evicted_seals++;
	}
	grown = realloc(p->seals, (p->nseals + 1) * sizeof(*grown));
	if (!grown)
		return;
	p->seals = grown;
	p->seals[p->nseals].start = f->addr & ~(PAGE - 1);
	p->seals[p->nseals].end = range_end(f->addr & ~(PAGE - 1), f->len + (f->addr & (PAGE - 1)));
	p->nseals++;
}

/* MMT-5: a call on a sealed range failed with EPERM. */
static void check_seal(struct ctx *c, struct proc *p)
{
	const struct mmt_det_facts *f = c->f;
	__u64 s = f->addr & ~(PAGE - 1), e = range_end(s, f->len + (f->addr - s));

	if (f->ret != -EPERM)
		return;
	for (unsigned int i = 0; i < p->nseals; i++) {
		struct mmt_finding *x;

		if (!overlaps(s, e, p->seals[i].start, p->seals[i].end))
			continue;
		x = emit(c, MMT_RULE_SEAL_TAMPER, MMT_SEV_HIGH);
		if (x) {
			x->sealed_addr = p->seals[i].start;
			x->sealed_len = p->seals[i].end - p->seals[i].start;
		}
		return;
	}
}

/* MMT-4: migrate_pages, move_pages, process_madvise on another process. */
static void check_cross(struct ctx *c)
{
	const struct mmt_det_facts *f = c->f;
	enum mmt_det_severity sev = MMT_SEV_MEDIUM;
	struct mmt_finding *x;

	if (f->ret < 0 && f->ret != -EPERM)
		return; /* no such process, bad arguments: nothing happened */
	if (f->op == MMT_DET_PROCESS_MADVISE && f->advice != MADV_WILLNEED_ &&
	    f->advice != MADV_COLD_ && f->advice != MADV_PAGEOUT_)
		return;
	if (f->target_known ? f->target_pid == f->pid
			    : f->op != MMT_DET_PROCESS_MADVISE &&
				      (f->pid_arg == 0 || f->pid_arg == f->ns_pid))
		return;
	if (f->target_known && f->target_uid != f->uid)
		sev = MMT_SEV_HIGH;
	else if (f->query_only)
		sev = MMT_SEV_LOW;
	x = emit(c, MMT_RULE_CROSS_PROCESS, sev);
	if (!x)
		return;
	x->target_known = f->target_known;
	x->target_pid = f->target_pid;
	x->target_uid = f->target_uid;
	memcpy(x->target_comm, f->target_comm, sizeof(x->target_comm));
	x->other_user = f->target_known && f->target_uid != f->uid;
}

int mmt_detect_call(struct mmt_detect *d, const struct mmt_det_facts *f, struct mmt_finding *out,
		    int max)
{
	struct ctx c = {.d = d, .f = f, .out = out, .max = max};
	struct proc *p;

	d->st.facts++;
	switch (f->op) {
	case MMT_DET_OTHER:
		return 0;
	case MMT_DET_MIGRATE_PAGES:
	case MMT_DET_MOVE_PAGES:
	case MMT_DET_PROCESS_MADVISE:
		check_cross(&c);
		return c.n;
	default:
		break;
	}
	p = proc_get(d, f);
	switch (f->op) {
	case MMT_DET_MMAP:
		on_mmap(&c, p);
		break;
	case MMT_DET_MPROTECT:
		check_seal(&c, p);
		on_mprotect(&c, p);
		break;
	case MMT_DET_MUNMAP:
		check_seal(&c, p);
		if (f->ret == 0)
			ranges_remove(
				d, p, f->addr & ~(PAGE - 1),
				range_end(f->addr & ~(PAGE - 1), f->len + (f->addr & (PAGE - 1))));
		break;
	case MMT_DET_MREMAP:
		check_seal(&c, p);
		on_mremap(&c, p);
		break;
	case MMT_DET_MADVISE:
		check_seal(&c, p);
		break;
	case MMT_DET_MSEAL:
		on_mseal(&c, p);
		break;
	default:
		break;
	}
	return c.n;
}

void mmt_detect_stats(const struct mmt_detect *d, struct mmt_det_stats *s)
{
	*s = d->st;
	s->processes = d->nprocs;
}
