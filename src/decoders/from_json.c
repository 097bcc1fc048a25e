// SPDX-License-Identifier: GPL-2.0
/*
 * from_json.c - a JSON event line back into its record: the header from
 * the top-level members, each argument's register from its value (a
 * number, or with --parse-arguments the text the decoders print, read
 * back through the same constant tables), the payload from the members
 * each argument kind's renderer wrote after the value. The record then
 * goes through mmt_decode(), which checks it as it checks the kernel's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include "decoders/argkinds.h"
#include "decoders/from_json.h"
#include "decoders/mm_decoders.h"
#include "text/errname.h"
#include "bpf/mmt_math.h" /* after mmtrace.h and the __u* types */

#define ARENA_BYTES (1U << 20) /* a line's values: lines are a few KiB */

int mmt_json_event_init(struct mmt_json_event *j)
{
	memset(j, 0, sizeof(*j));
	return mmt_jarena_init(&j->arena, ARENA_BYTES);
}

void mmt_json_event_free(struct mmt_json_event *j)
{
	mmt_jarena_free(&j->arena);
}

/* What rebuilding one line needs beside the record. */
struct build {
	struct mmt_json_event *j;
	struct mmt_record *r;
	const struct mmt_event_desc *d;
	void *payload;				       /* NULL: the event has none */
	struct mmt_argctx *ctx;			       /* this record's, once an argument has one */
	const struct mmt_jv *args[MMT_EVENT_MAX_ARGS]; /* each argument's object */
	const char *why;
};

static const struct mmt_jv *get(const struct mmt_jv *o, const char *key)
{
	return mmt_json_get(o, key);
}

/* A JSON number as the 64 bits it stands for (negative: two's complement). */
static bool num(const struct mmt_jv *v, __u64 *out)
{
	char *end;

	if (!v || v->type != MMT_J_NUM || !v->str)
		return false;
	errno = 0;
	if (v->str[0] == '-')
		*out = (__u64)strtoll(v->str, &end, 10);
	else
		*out = strtoull(v->str, &end, 10);
	return !errno && end != v->str && !*end;
}

static __u64 num_or(const struct mmt_jv *v, __u64 def)
{
	__u64 n;

	return num(v, &n) ? n : def;
}

static bool is_true(const struct mmt_jv *v)
{
	return v && v->type == MMT_J_BOOL && v->b;
}

/* A string member into a fixed field of size bytes (it may fill it all,
 * as the record's own fields may). */
static bool str_to(const struct mmt_jv *v, char *dst, size_t size)
{
	if (!v || v->type != MMT_J_STR || v->len > size)
		return false;
	memset(dst, 0, size);
	memcpy(dst, v->str, v->len);
	return true;
}

/* -EINVAL for "EINVAL": the names the decoders print, read back. */
static bool errno_of(const struct mmt_jv *v, __s32 *out)
{
	if (!v || v->type != MMT_J_STR)
		return false;
	for (int e = 1; e < 4096; e++) {
		const char *name = mmt_errno_name(e);

		if (name && !strcmp(name, v->str)) {
			*out = -e;
			return true;
		}
	}
	return false;
}

static int fail(struct build *b, const char *why)
{
	if (!b->why)
		b->why = why;
	return -1;
}

/* "MAP_HUGE_2MB": log2 of the size, in MAP_HUGETLB's size field. */
static bool huge_size(const char *t, __u64 *v)
{
	static const char units[] = "BKMGTPE";
	unsigned long long n;
	const char *u;
	char *end;
	int shift = 0;

	if (strncmp(t, "MAP_HUGE_", 9))
		return false;
	n = strtoull(t + 9, &end, 10);
	if (end == t + 9 || !n || (n & (n - 1)) || !*end)
		return false;
	u = strchr(units, *end);
	if (!u || (u != units && strcmp(end + 1, "B")) || (u == units && end[1]))
		return false;
	while (n > 1) {
		n >>= 1;
		shift++;
	}
	shift += 10 * (int)(u - units);
	if (shift > (int)MMT_MAP_HUGE_MASK)
		return false;
	*v = (__u64)shift << MMT_MAP_HUGE_SHIFT;
	return true;
}

/*
 * The register behind a decoded text: "MPOL_BIND|MPOL_F_STATIC_NODES",
 * "PROT_READ|0x10", "0x7f00", "-1". Names come from the tables filters
 * take (the decoders print with the same), or the argument's own table.
 */
static bool text_raw(const struct mmt_arg_desc *a, const char *text, __u64 *raw)
{
	const struct mmt_arg_ops *ops = mmt_arg_ops_of(a);
	const struct xlat *t[3];
	int nt = ops->filter_tables ? ops->filter_tables(a, t) : 0;
	char buf[MMT_TEXT_LEN], *save = NULL;

	if (a->xlat && nt < 3)
		t[nt++] = a->xlat;
	if (strlen(text) >= sizeof(buf) || !*text)
		return false;
	snprintf(buf, sizeof(buf), "%s", text);
	*raw = 0;
	for (char *tok = strtok_r(buf, "|", &save); tok; tok = strtok_r(NULL, "|", &save)) {
		__u64 v = 0;
		char *end;
		bool found = false;

		errno = 0;
		if (tok[0] == '-')
			v = (__u64)strtoll(tok, &end, 0);
		else
			v = strtoull(tok, &end, 0);
		found = !errno && end != tok && !*end;
		for (int k = 0; k < nt && !found; k++)
			found = xlat_value_of(t[k], tok, &v);
		if (!found && a->kind == MMT_ARG_MMAP_FLAGS)
			found = huge_size(tok, &v);
		if (!found)
			return false;
		*raw |= v;
	}
	return true;
}

/* The register of argument i from its JSON object. */
static int arg_raw(struct build *b, int i, __u64 *raw)
{
	const struct mmt_arg_desc *a = &b->d->args[i];
	const struct mmt_jv *o = b->args[i], *v = get(o, "value");

	if (num(get(o, "rawValue"), raw))
		return 0; /* the register held more than the type: kept whole */
	if (num(v, raw))
		return 0;
	if (v && v->type == MMT_J_BOOL) {
		*raw = v->b;
		return 0;
	}
	if (v && v->type == MMT_J_STR && text_raw(a, v->str, raw))
		return 0;
	return fail(b, "an argument's value does not read back");
}

/* A node list [0,3,...] into the mask of argument i: as many bits as
 * the kernel reads for its maxnode argument, as the BPF side kept. */
static int nodes_to(struct build *b, int i, const struct mmt_jv *arr, struct mmt_mask *m)
{
	const struct mmt_arg_desc *a = &b->d->args[i];
	__u64 nbits, bytes;
	__u8 truncated, state;
	int top = -1;

	state = mmt_mask_sizing(b->r->args[i], b->r->args[a->len_arg],
				!!(b->r->flags & MMT_REC_COMPAT), &nbits, &bytes, &truncated);
	memset(m, 0, sizeof(*m));
	for (const struct mmt_jv *e = arr->child; e; e = e->next) {
		__u64 n;

		if (!num(e, &n) || n >= MMT_MASK_MAX_BITS)
			return fail(b, "a node out of range");
		m->words[n / 64] |= 1ULL << (n % 64);
		if ((int)n > top)
			top = n;
	}
	if (state != MMT_READ_OK) {
		/* "[]" is also what a mask with nothing to read prints */
		m->state = MMT_READ_EMPTY;
		return top < 0 ? 0 : fail(b, "nodes past the mask's maxnode");
	}
	if (top >= (int)nbits)
		return fail(b, "nodes past the mask's maxnode");
	m->state = MMT_READ_OK;
	m->nbits = nbits;
	m->truncated = truncated;
	return 0;
}

static int build_mask(struct build *b, int i)
{
	const struct mmt_arg_desc *a = &b->d->args[i];
	const struct mmt_jv *o = b->args[i], *nodes = get(o, "nodes"), *k = get(o, "kernelNodes");
	struct mmt_payload_masks *pm = b->payload;
	struct mmt_mask *m = &pm->masks[a->payload_slot];
	const struct mmt_jv *check = get(o, "toctouCheck");

	if (is_true(get(o, "notWritten"))) {
		m->state = MMT_READ_EMPTY;
	} else if (get(o, "readError")) {
		m->state = MMT_READ_FAULT;
		if (!errno_of(get(o, "readError"), &m->read_err))
			m->read_err = -EIO;
	} else if (nodes && nodes->type == MMT_J_NULL) {
		m->state = MMT_READ_NULL;
	} else if (nodes && nodes->type == MMT_J_ARR) {
		if (nodes_to(b, i, nodes, m))
			return -1;
	}
	if (a->at_exit)
		return 0;
	if (check && check->type == MMT_J_STR) {
		for (unsigned int meth = MMT_KCOPY_REREAD; meth < MMT_KCOPY_METHOD_COUNT; meth++)
			if (!strcmp(check->str, mmt_kcopy_method_name(meth)))
				pm->toctou_method = meth;
	}
	if (k && k->type == MMT_J_ARR) {
		/* the kernel's copy holds as many bits as the entry's read */
		if (nodes_to(b, i, k, &pm->kmasks[a->payload_slot]))
			return -1;
		pm->kmasks[a->payload_slot].truncated = 0;
		pm->kmasks[a->payload_slot].state = MMT_READ_OK;
		pm->changed[a->payload_slot] = is_true(get(o, "changedAtExit"));
	} else {
		pm->changed[a->payload_slot] = is_true(get(o, "toctou"));
	}
	return 0;
}

static int build_out(struct build *b, int i)
{
	const struct mmt_arg_desc *a = &b->d->args[i];
	const struct mmt_jv *o = b->args[i], *out = get(o, "out");
	struct mmt_payload_masks *pm = b->payload;
	__u64 v;

	if (is_true(get(o, "notWritten"))) {
		pm->out_int_state = MMT_READ_EMPTY;
	} else if (get(o, "readError")) {
		pm->out_int_state = MMT_READ_FAULT;
	} else if (out && out->type == MMT_J_NULL) {
		/* both print null: NULL for a NULL pointer, else nothing read */
		pm->out_int_state = b->r->args[i] ? MMT_READ_EMPTY : MMT_READ_NULL;
	} else if (out) {
		if (num(out, &v)) {
			pm->out_int = (__s32)v;
		} else if (out->type == MMT_J_STR) {
			bool node = a->node_bits && (b->r->args[a->node_if_arg] & a->node_bits);
			struct mmt_arg_desc mode = {.kind = MMT_ARG_MPOL_MODE};
			char *end;

			if (node) {
				v = strtoll(out->str, &end, 10);
				if (end == out->str || *end)
					return fail(b, "get_mempolicy's node does not read back");
			} else if (!text_raw(&mode, out->str, &v)) {
				return fail(b, "get_mempolicy's mode does not read back");
			}
			pm->out_int = (__s32)v;
		} else {
			return fail(b, "an output int of an unknown shape");
		}
		pm->out_int_state = MMT_READ_OK;
	}
	return 0;
}

/* The elements of an array of numbers (or hex strings) into data. */
static int elems_to(struct build *b, const struct mmt_jv *vals, struct mmt_array *arr)
{
	unsigned int n = 0, max = sizeof(arr->data) / arr->elem_size;
	unsigned char *p = (unsigned char *)arr->data;

	for (const struct mmt_jv *e = vals->child; e; e = e->next, n++) {
		__u64 v;
		char *end;

		if (n >= max)
			return fail(b, "more elements than a record holds");
		if (e->type == MMT_J_STR) {
			v = strtoull(e->str, &end, 16);
			if (end == e->str || *end)
				return fail(b, "an element does not read back");
		} else if (!num(e, &v)) {
			return fail(b, "an element is not a number");
		}
		memcpy(p + (size_t)n * arr->elem_size, &v, arr->elem_size); /* little end */
	}
	arr->count = n;
	return 0;
}

/* What the read-state members say of an array; 1 when values were read. */
static int array_state(const struct mmt_jv *o, struct mmt_array *arr)
{
	const struct mmt_jv *vals = get(o, "values"), *err = get(o, "readError");

	arr->state = MMT_READ_NONE;
	if (is_true(get(o, "notWritten"))) {
		arr->state = MMT_READ_EMPTY;
	} else if (err && !get(o, "readStoppedAt")) {
		arr->state = MMT_READ_FAULT;
		if (!errno_of(err, &arr->read_err))
			arr->read_err = -EIO;
	} else if (vals && vals->type == MMT_J_NULL) {
		arr->state = MMT_READ_NULL;
	} else if (vals && vals->type == MMT_J_ARR && !vals->child) {
		arr->state = MMT_READ_EMPTY;
	} else if (vals && vals->type == MMT_J_ARR) {
		arr->state = MMT_READ_OK;
		if (err) {
			arr->partial = 1;
			if (!errno_of(err, &arr->read_err))
				arr->read_err = -EIO;
		}
		arr->truncated = is_true(get(o, "truncated"));
		return 1;
	}
	if (arr->state != MMT_READ_NONE && arr->state != MMT_READ_OK)
		arr->elem_size = 4; /* as the BPF side leaves an unused one */
	return 0;
}

static int build_array(struct build *b, int i)
{
	const struct mmt_arg_desc *a = &b->d->args[i];
	struct mmt_payload_move_pages *mp = b->payload;
	struct mmt_array *slots[3] = {&mp->pages, &mp->nodes, &mp->status};
	struct mmt_array *arr = slots[a->payload_slot];
	bool compat = b->r->flags & MMT_REC_COMPAT;

	arr->elem_size = a->elem == MMT_ELEM_PTR && !compat ? 8 : 4;
	if (!array_state(b->args[i], arr))
		return 0;
	if (elems_to(b, get(b->args[i], "values"), arr))
		return -1;
	arr->total = arr->count; /* not in the line; only mincore's is shown */
	return 0;
}

/* mincore's vec: the first bytes shown, the resident count over all read. */
static int build_vec(struct build *b, int i)
{
	const struct mmt_arg_desc *a = &b->d->args[i];
	struct mmt_array *arr = &((struct mmt_payload_array *)b->payload)->array;
	const struct mmt_jv *o = b->args[i], *of_first = get(o, "residentOfFirst");
	__u64 pages = mmt_pages_of(b->r->args[a->len_arg]),
	      resident = num_or(get(o, "resident"), 0);
	unsigned char *p = (unsigned char *)arr->data;
	unsigned int shown;

	arr->elem_size = 1;
	if (!array_state(o, arr))
		return 0;
	if (elems_to(b, get(o, "values"), arr))
		return -1;
	shown = arr->count;
	/* "truncated" also marks a vec read whole but shown in part */
	arr->truncated = of_first && !arr->partial;
	if (of_first)
		arr->count = num_or(of_first, shown);
	else if (is_true(get(o, "truncated")))
		arr->count = pages < MMT_ARRAY_BYTES ? pages : MMT_ARRAY_BYTES;
	if (arr->count < shown || arr->count > MMT_ARRAY_BYTES)
		return fail(b, "mincore's vec does not read back");
	/* the bytes not shown: as many resident ones as the count says */
	for (unsigned int k = 0; k < shown; k++)
		resident -= resident && (p[k] & 1);
	for (unsigned int k = shown; k < arr->count; k++) {
		p[k] = resident ? 1 : 0;
		resident -= !!resident;
	}
	if (pages < arr->count)
		pages = arr->count;
	arr->total = arr->truncated ? (pages > 0xffffffffULL ? 0xffffffffU : pages) : arr->count;
	return 0;
}

static int build_iovec(struct build *b, int i)
{
	struct mmt_array *arr = &((struct mmt_payload_array *)b->payload)->array;
	const struct mmt_jv *vals = get(b->args[i], "values");
	bool compat = b->r->flags & MMT_REC_COMPAT;
	unsigned int n = 0;

	arr->elem_size = compat ? 8 : 16;
	if (!array_state(b->args[i], arr))
		return 0;
	for (const struct mmt_jv *e = vals->child; e; e = e->next, n++) {
		const struct mmt_jv *base = get(e, "base");
		__u64 bv, lv;
		char *end;

		if (n >= MMT_IOVEC_MAX)
			return fail(b, "more iovecs than a record holds");
		if (base && base->type == MMT_J_STR) {
			bv = strtoull(base->str, &end, 16);
			if (end == base->str || *end)
				return fail(b, "an iovec's base does not read back");
		} else if (!num(base, &bv)) {
			return fail(b, "an iovec without its base");
		}
		if (!num(get(e, "len"), &lv))
			return fail(b, "an iovec without its length");
		if (compat) {
			__u32 w[2] = {bv, lv};

			memcpy((char *)arr->data + n * 8, w, 8);
		} else {
			memcpy((char *)arr->data + n * 16, &bv, 8);
			memcpy((char *)arr->data + n * 16 + 8, &lv, 8);
		}
	}
	arr->count = n;
	arr->total = n;
	return 0;
}

/* The record's one argument context, for argument i of kind. */
static struct mmt_argctx *ctx_for(struct build *b, int i, __u8 kind)
{
	if (b->ctx)
		return NULL; /* a record has one; a second is not mmtrace's */
	b->ctx = (struct mmt_argctx *)((char *)b->r + mmt_record_size(b->d));
	memset(b->ctx, 0, sizeof(*b->ctx));
	b->ctx->kind = kind;
	b->ctx->arg = i;
	b->r->flags |= MMT_REC_ARGCTX;
	return b->ctx;
}

/* "path", "truncated", "deleted", "device", "inode" of a file; backing
 * (a mapping's, or NULL) tells an internal file from a path. */
static int file_to(struct build *b, const struct mmt_jv *o, struct mmt_argctx *c,
		   const char *backing)
{
	const struct mmt_jv *path = get(o, "path");
	__u64 dev = num_or(get(o, "device"), 0);
	const char *s;
	unsigned long long ino;
	char tail;

	if (!path || path->type != MMT_J_STR || path->len >= sizeof(c->path))
		return fail(b, "a file's path does not read back");
	s = path->str;
	c->dev = ((__u64)major(dev) << 20) | minor(dev); /* the kernel's dev_t */
	c->ino = num_or(get(o, "inode"), 0);
	if (is_true(get(o, "truncated")))
		c->file_flags |= MMT_FILE_TRUNCATED;
	if (sscanf(s, "socket:[%llu%c", &ino, &tail) == 2 && tail == ']') {
		c->file_kind = MMT_FILE_SOCKET;
	} else if (sscanf(s, "pipe:[%llu%c", &ino, &tail) == 2 && tail == ']') {
		c->file_kind = MMT_FILE_PIPE;
	} else if (!strcmp(s, "anon_inode:[pidfd]")) {
		c->file_kind = MMT_FILE_PIDFD;
	} else if (!strncmp(s, "anon_inode:", 11)) {
		c->file_kind = MMT_FILE_ANON_INODE;
		snprintf(c->path, sizeof(c->path), "%s", s + 11);
	} else if (backing && strcmp(backing, "file") && s[0] == '/') {
		c->file_kind = MMT_FILE_PSEUDO; /* memfd, shared-anon, shmem */
		snprintf(c->path, sizeof(c->path), "%s", s + 1);
	} else {
		c->file_kind = MMT_FILE_PATH;
		snprintf(c->path, sizeof(c->path), "%s", s);
		if (is_true(get(o, "deleted")))
			c->file_flags |= MMT_FILE_DELETED;
	}
	return 0;
}

static int build_fd(struct build *b, int i)
{
	const struct mmt_jv *o = b->args[i], *target = get(o, "target");
	struct mmt_argctx *c;

	if (!get(o, "path") && !get(o, "pathError"))
		return 0;
	c = ctx_for(b, i, MMT_CTX_FD);
	if (!c)
		return fail(b, "two argument contexts");
	if (get(o, "pathError")) {
		c->state = MMT_CTXS_BADFD;
		return 0;
	}
	c->state = MMT_CTXS_OK;
	if (file_to(b, o, c, NULL))
		return -1;
	if (c->file_kind == MMT_FILE_PIDFD && target) {
		c->pid = num_or(get(target, "hostProcessId"), 0);
		c->uid = num_or(get(target, "userId"), 0);
		if (!str_to(get(target, "processName"), c->comm, sizeof(c->comm) - 1))
			return fail(b, "a pidfd's process name does not read back");
	}
	return 0;
}

/* "start" and "end": numbers, or hex strings with --parse-arguments */
static bool addr_of(const struct mmt_jv *v, __u64 *out)
{
	char *end;

	if (v && v->type == MMT_J_STR) {
		*out = strtoull(v->str, &end, 16);
		return end != v->str && !*end;
	}
	return num(v, out);
}

static int build_range(struct build *b, int i)
{
	const struct mmt_jv *m = get(b->args[i], "mapping"), *backing;
	struct mmt_argctx *c;
	__s32 err;

	if (!m)
		return 0;
	c = ctx_for(b, i, MMT_CTX_VMA);
	if (!c)
		return fail(b, "two argument contexts");
	if (get(m, "error")) {
		c->state = MMT_CTXS_ERROR;
		c->err = errno_of(get(m, "error"), &err) ? err : -EIO;
		return 0;
	}
	if (!is_true(get(m, "mapped"))) {
		c->state = MMT_CTXS_UNMAPPED;
		return 0;
	}
	c->state = MMT_CTXS_OK;
	if (!addr_of(get(m, "start"), &c->vm_start) || !addr_of(get(m, "end"), &c->vm_end) ||
	    !num(get(m, "vmFlags"), &c->vm_flags))
		return fail(b, "a mapping does not read back");
	c->count = num_or(get(m, "mappings"), 1);
	c->more = is_true(get(m, "more"));
	backing = get(m, "backing");
	if (backing && backing->type == MMT_J_STR) {
		if (!strcmp(backing->str, "heap"))
			c->special = MMT_VMA_HEAP;
		else if (!strcmp(backing->str, "stack"))
			c->special = MMT_VMA_STACK;
		else if (!strcmp(backing->str, "vdso"))
			c->special = MMT_VMA_VDSO;
	}
	if (get(m, "path")) {
		if (file_to(b, m, c, backing && backing->type == MMT_J_STR ? backing->str : "file"))
			return -1;
		c->vm_pgoff = num_or(get(m, "offset"), 0) / 4096;
	}
	return 0;
}

/* The payload and context members of argument i, by its kind. */
static int build_extra(struct build *b, int i)
{
	if (b->r->flags & MMT_REC_ARGS_UNREAD)
		return 0;
	switch (b->d->args[i].kind) {
	case MMT_ARG_NODEMASK:
		return b->payload ? build_mask(b, i) : 0;
	case MMT_ARG_OUT_MODE:
		return b->payload ? build_out(b, i) : 0;
	case MMT_ARG_ARRAY:
		return b->payload ? build_array(b, i) : 0;
	case MMT_ARG_PAGE_VEC:
		return b->payload ? build_vec(b, i) : 0;
	case MMT_ARG_IOVEC:
		return b->payload ? build_iovec(b, i) : 0;
	case MMT_ARG_FD:
		return build_fd(b, i);
	case MMT_ARG_RANGE:
		return build_range(b, i);
	default:
		return 0;
	}
}

static int build_args(struct build *b, const struct mmt_jv *args)
{
	const struct mmt_jv *e = args ? args->child : NULL;
	__u64 raw;

	/* mmtrace writes every argument, in the event table's order */
	for (int i = 0; i < b->d->nargs; i++) {
		const struct mmt_jv *name = get(e, "name");

		if (!name || name->type != MMT_J_STR || strcmp(name->str, b->d->args[i].name))
			return fail(b, "the arguments are not the event's");
		b->args[i] = e;
		e = e->next;
	}
	if (e)
		return fail(b, "more arguments than the event has");
	/* the ia32 old mmap whose arguments could not be read: no values */
	if ((b->r->flags & MMT_REC_COMPAT) && b->d->ia32_nr2_argstruct && b->d->nargs &&
	    get(b->args[0], "readError")) {
		__s32 err;

		b->r->flags |= MMT_REC_ARGS_UNREAD;
		b->r->nr = b->d->ia32_nr2;
		b->r->args[1] = errno_of(get(b->args[0], "readError"), &err) ? (__u64)(__s64)err
									     : (__u64)-EIO;
		return 0;
	}
	for (int i = 0; i < b->d->nargs; i++) {
		if (arg_raw(b, i, &raw))
			return -1;
		if (i < MMT_MAX_ARGS)
			b->r->args[i] = raw;
		else if (b->d->payload == MMT_PAYLOAD_KEVENT)
			((struct mmt_payload_kevent *)b->payload)->vals[i - MMT_MAX_ARGS] = raw;
	}
	for (int i = 0; i < b->d->nargs; i++)
		if (build_extra(b, i))
			return -1;
	return 0;
}

/* What --stack wrote: the frames, and why the unwind stopped. */
static int build_stack(struct build *b, const struct mmt_jv *frames, const struct mmt_jv *end)
{
	static const unsigned int flags[] = {
		0,
		MMT_STACK_IA32,
		MMT_STACK_NO_MAPS,
		MMT_STACK_DEPTH_END,
		MMT_STACK_WINDOW_END,
		MMT_STACK_UNWIND_ERR,
	};
	struct mmt_stack *st = &b->j->stack;

	memset(st, 0, sizeof(*st));
	for (const struct mmt_jv *f = frames->child; f; f = f->next) {
		struct mmt_stack_frame *fr = &st->frames[st->nframes];
		const struct mmt_jv *mod = get(f, "module"), *sym = get(f, "symbol");

		if (st->nframes == MMT_STACK_MAX_FRAMES || !num(get(f, "ip"), &fr->ip))
			return fail(b, "a stack frame does not read back");
		fr->module = mod && mod->type == MMT_J_STR ? mod->str : NULL;
		fr->rel = fr->module ? num_or(get(f, "moduleAddress"), fr->ip) : fr->ip;
		fr->symbol = sym && sym->type == MMT_J_STR ? sym->str : NULL;
		fr->offset = fr->symbol ? num_or(get(f, "offset"), 0) : 0;
		st->nframes++;
	}
	for (size_t i = 0; end && end->type == MMT_J_STR && i < sizeof(flags) / sizeof(flags[0]);
	     i++) {
		if (!strcmp(end->str, mmt_stack_end_name(flags[i]))) {
			st->flags = flags[i];
			break;
		}
	}
	b->j->ev.stack = st;
	return 0;
}

static void build_container(struct build *b, const struct mmt_jv *root)
{
	struct mmt_container *c = &b->j->container;
	const struct mmt_jv *o = get(root, "container"), *rt = get(o, "runtime");

	memset(c, 0, sizeof(*c));
	c->runtime = "";
	str_to(get(root, "containerId"), c->id, sizeof(c->id) - 1);
	if (!c->id[0])
		return;
	str_to(get(o, "name"), c->name, sizeof(c->name) - 1);
	str_to(get(o, "image"), c->image, sizeof(c->image) - 1);
	if (rt && rt->type == MMT_J_STR)
		c->runtime = rt->str;
}

static int build_header(struct build *b, const struct mmt_jv *root)
{
	struct mmt_record *r = b->r;
	const struct mmt_jv *exe = get(root, "executable"), *flags = get(root, "contextFlags");
	const struct mmt_jv *mig = get(root, "migration"), *target = get(root, "target");
	__u64 ret, dur, pid;

	if (!num(get(root, "timestamp"), &r->enter_ns) || !num(get(root, "returnValue"), &ret) ||
	    !num(get(root, "hostProcessId"), &pid))
		return fail(b, "an event without its time, pid or return value");
	r->event = b->d->event;
	r->payload = b->d->payload;
	r->nr = b->d->syscall_nr;
	r->ret = (__s64)ret;
	r->exit_ns = r->enter_ns;
	b->j->has_duration = num(get(root, "duration"), &dur);
	if (b->j->has_duration)
		r->exit_ns += dur;
	r->thread_start_ns = num_or(get(root, "threadStartTime"), 0);
	r->cpu = num_or(get(root, "processorId"), 0);
	r->cgroup_id = num_or(get(root, "cgroupId"), 0);
	r->host_pid = pid;
	r->host_tid = num_or(get(root, "hostThreadId"), 0);
	r->host_ppid = num_or(get(root, "hostParentProcessId"), 0);
	r->pid = num_or(get(root, "processId"), 0);
	r->tid = num_or(get(root, "threadId"), 0);
	r->ppid = num_or(get(root, "parentProcessId"), 0);
	r->uid = num_or(get(root, "userId"), 0);
	r->mnt_ns = num_or(get(root, "mountNamespace"), 0);
	r->pid_ns = num_or(get(root, "pidNamespace"), 0);
	if (!str_to(get(root, "processName"), r->comm, sizeof(r->comm)) ||
	    !str_to(get(root, "hostName"), r->host, sizeof(r->host) - 1) ||
	    !str_to(get(exe, "path"), r->exe, sizeof(r->exe) - 1))
		return fail(b, "a name longer than the record holds");
	r->exe_truncated = is_true(get(exe, "truncated"));
	if (is_true(get(flags, "isCompat")))
		r->flags |= MMT_REC_COMPAT;
	if (mig) {
		r->flags |= MMT_REC_MIGRATED;
		r->migrate_succeeded = num_or(get(mig, "succeeded"), 0);
		r->migrate_failed = num_or(get(mig, "failed"), 0);
		r->migrate_split = num_or(get(mig, "split"), 0);
		r->migrate_batches = num_or(get(mig, "batches"), 0);
	}
	if (target && b->d->has_target) {
		r->flags |= MMT_REC_TARGET;
		r->target_host_pid = num_or(get(target, "hostProcessId"), 0);
		r->target_uid = num_or(get(target, "userId"), 0);
		str_to(get(target, "processName"), r->target_comm, sizeof(r->target_comm));
	}
	return 0;
}

/* With --parse-arguments a value is the decoders' text: the rebuilt
 * register must decode to that very text, else the line was not read
 * right (another version's tables, a hand-made line). */
static int check_texts(struct build *b)
{
	const struct mmt_decoded_event *ev = &b->j->ev;

	for (int i = 0; i < b->d->nargs && !ev->args_unread; i++) {
		const struct mmt_jv *v = get(b->args[i], "value");
		const struct mmt_arg_ops *ops = mmt_arg_ops_of(&b->d->args[i]);
		char alt[24];

		if (!v || v->type != MMT_J_STR || get(b->args[i], "rawValue"))
			continue;
		if (ops->json_name) {
			const char *name = xlat_name(b->d->args[i].xlat, (__u64)ev->args[i].value);

			snprintf(alt, sizeof(alt), "%lld", (long long)ev->args[i].value);
			if (strcmp(v->str, name ? name : alt))
				return fail(b, "a named value does not read back");
		} else if (strcmp(v->str, ev->args[i].text)) {
			return fail(b, "an argument's text does not read back");
		}
	}
	return 0;
}

int mmt_json_event_parse(struct mmt_json_event *j, const char *line, size_t len, const char **why)
{
	struct build b = {.j = j, .r = &j->buf.rec};
	const struct mmt_jv *root, *name, *frames;

	memset(&j->buf, 0, sizeof(j->buf));
	memset(&j->ev, 0, sizeof(j->ev));
	j->has_duration = false;
	root = mmt_json_parse(&j->arena, line, len, why);
	if (!root)
		return -1;
	if (root->type != MMT_J_OBJ) {
		*why = "not a JSON object";
		return -1;
	}
	name = get(root, "eventName");
	b.d = name && name->type == MMT_J_STR ? mmt_event_by_name(name->str) : NULL;
	if (!b.d) {
		*why = "not an event of this mmtrace (see mmtrace list)";
		return -1;
	}
	if (b.d->payload != MMT_PAYLOAD_NONE)
		b.payload = b.r + 1;
	if (build_header(&b, root) || build_args(&b, get(root, "args")))
		goto bad;
	j->len = mmt_record_size(b.d) + (b.ctx ? sizeof(struct mmt_argctx) : 0);
	if (mmt_decode(&j->buf, j->len, 0, &j->ev)) {
		b.why = "its values are not those of a record";
		goto bad;
	}
	build_container(&b, root);
	j->ev.container = &j->container;
	j->ev.duration_unknown = !j->has_duration;
	{
		static const char *const ids[3] = {"threadEntityId", "processEntityId",
						   "parentEntityId"};
		__u64 v;

		j->ev.has_entity_ids = true;
		for (int i = 0; i < 3; i++) {
			j->ev.has_entity_ids &= num(get(root, ids[i]), &v);
			j->ev.entity_ids[i] = v;
		}
	}
	frames = get(root, "stack");
	if (frames && frames->type == MMT_J_ARR && build_stack(&b, frames, get(root, "stackEnd")))
		goto bad;
	if (check_texts(&b))
		goto bad;
	return 0;
bad:
	*why = b.why ? b.why : "not an mmtrace event";
	return -1;
}
