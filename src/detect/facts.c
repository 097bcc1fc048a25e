// SPDX-License-Identifier: GPL-2.0
/*
 * facts.c - decoded events and JSON lines into the engine's facts. The
 * engine's input stays this narrow struct: the decoders and the outputs may
 * change shape without the rules noticing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "decoders/argctx.h"
#include "text/xlat.h"
#include "detect/facts.h"

#define MAP_ANON_ 0x20U

static const struct {
	const char *name;
	enum mmt_det_op op;
} ops[] = {
	{"mmap", MMT_DET_MMAP},
	{"munmap", MMT_DET_MUNMAP},
	{"mremap", MMT_DET_MREMAP},
	{"mprotect", MMT_DET_MPROTECT},
	{"pkey_mprotect", MMT_DET_MPROTECT},
	{"madvise", MMT_DET_MADVISE},
	{"mseal", MMT_DET_MSEAL},
	{"migrate_pages", MMT_DET_MIGRATE_PAGES},
	{"move_pages", MMT_DET_MOVE_PAGES},
	{"process_madvise", MMT_DET_PROCESS_MADVISE},
};

static enum mmt_det_op op_of(const char *name, const char **canon)
{
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(name, ops[i].name)) {
			*canon = ops[i].name;
			return ops[i].op;
		}
	*canon = NULL;
	return MMT_DET_OTHER;
}

/* One argument by name into the facts (the same for both adapters). */
static void put_arg(struct mmt_det_facts *f, const char *name, __s64 v)
{
	if (!strcmp(name, "addr") || !strcmp(name, "start") || !strcmp(name, "old_address"))
		f->addr = v;
	else if (!strcmp(name, "length") || !strcmp(name, "len") || !strcmp(name, "old_size"))
		f->len = v;
	else if (!strcmp(name, "new_size"))
		f->new_len = v;
	else if (!strcmp(name, "prot"))
		f->prot = v;
	else if (!strcmp(name, "flags") && (f->op == MMT_DET_MMAP || f->op == MMT_DET_MREMAP))
		f->flags = v;
	else if (!strcmp(name, "advice"))
		f->advice = v;
	else if (!strcmp(name, "fd") || !strcmp(name, "pidfd"))
		f->fd = v;
	else if (!strcmp(name, "pid"))
		f->pid_arg = (__s32)v;
	else if (!strcmp(name, "nodes") && f->op == MMT_DET_MOVE_PAGES)
		f->query_only = v == 0;
}

static void copy_bounded(char *dst, size_t cap, const char *src, size_t n)
{
	size_t len = strnlen(src, n < cap - 1 ? n : cap - 1);

	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* --- live: the argument context read in the kernel at entry --- */

/* The file as the engine names it: the path as /proc/PID/maps shows it
 * (" (deleted)" included), device and inode. */
static void file_from_ctx(struct mmt_det_file *out, const struct mmt_argctx *c)
{
	char name[MMT_PATH_LEN + 16];
	int n;

	mmt_argctx_file_name(c, name, sizeof(name));
	out->known = out->has_ino = true;
	out->dev = mmt_argctx_dev(c);
	out->ino = c->ino;
	n = snprintf(out->path, sizeof(out->path), "%s%s", name,
		     mmt_argctx_deleted(c) ? " (deleted)" : "");
	out->path_cut =
		(c->file_flags & MMT_FILE_TRUNCATED) || n < 0 || (size_t)n >= sizeof(out->path);
}

static void facts_ctx(struct mmt_det_facts *f, const struct mmt_argctx *c)
{
	if (c->state != MMT_CTXS_OK)
		return;
	if (c->kind == MMT_CTX_FD) {
		/* process_madvise's pidfd: the process it refers to */
		if (c->file_kind == MMT_FILE_PIDFD && c->pid) {
			f->target_known = true;
			f->target_pid = c->pid;
			f->target_uid = c->uid;
			copy_bounded(f->target_comm, sizeof(f->target_comm), c->comm,
				     sizeof(c->comm));
			return;
		}
		/* MAP_ANONYMOUS ignores the fd: no file behind the mapping */
		if (f->op == MMT_DET_MMAP && !(f->flags & MAP_ANON_) &&
		    c->file_kind != MMT_FILE_NONE)
			file_from_ctx(&f->file, c);
		return;
	}
	f->map_known = true;
	f->map_shared = c->vm_flags & MMT_VM_MAYSHARE;
	f->map_start = c->vm_start;
	f->map_end = c->vm_end;
	if (c->file_kind != MMT_FILE_NONE)
		file_from_ctx(&f->file, c);
}

/* --- live: /proc at the time the event is handled --- */

/*
 * The file behind the new mapping at addr: its line in /proc/PID/maps
 * (device, inode, path), not the fd, which may be closed and its number
 * reused by then (ld.so closes a library's fd right after mapping it).
 */
static void lookup_file(struct mmt_det_facts *f, __u64 addr)
{
	char path[64], line[MMT_DET_PATH_LEN + 128];
	FILE *maps;

	snprintf(path, sizeof(path), "/proc/%u/maps", f->pid);
	maps = fopen(path, "re");
	if (!maps)
		return;
	while (fgets(line, sizeof(line), maps)) {
		unsigned long long start, end, ino;
		unsigned int major, minor;
		size_t n = strlen(line);
		bool whole = n && line[n - 1] == '\n';
		int at = 0;

		if (sscanf(line, "%llx-%llx %*s %*s %x:%x %llu %n", &start, &end, &major, &minor,
			   &ino, &at) < 5) {
			if (!whole) /* the rest of a long line */
				while (fgets(line, sizeof(line), maps) && !strchr(line, '\n'))
					;
			continue;
		}
		if (addr < start || addr >= end) {
			if (!whole)
				while (fgets(line, sizeof(line), maps) && !strchr(line, '\n'))
					;
			continue;
		}
		if (!ino)
			break;
		f->file.known = f->file.has_ino = true;
		f->file.dev = makedev(major, minor);
		f->file.ino = ino;
		if (whole)
			line[--n] = '\0';
		snprintf(f->file.path, sizeof(f->file.path), "%s", at ? line + at : "");
		f->file.path_cut = !whole || strlen(line + at) >= sizeof(f->file.path);
		break;
	}
	fclose(maps);
}

/* The first number after "key" at the start of a line of a /proc file. */
static bool proc_field(const char *path, const char *key, long *out)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *at;

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	for (at = buf; at; at = strchr(at, '\n')) {
		if (*at == '\n')
			at++;
		if (!strncmp(at, key, strlen(key))) {
			*out = strtol(at + strlen(key), NULL, 10);
			return true;
		}
	}
	return false;
}

static void lookup_pidfd(struct mmt_det_facts *f)
{
	char path[64];
	long tpid, uid;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%u/fdinfo/%d", f->pid, f->fd);
	if (!proc_field(path, "Pid:", &tpid) || tpid <= 0)
		return;
	snprintf(path, sizeof(path), "/proc/%ld/status", tpid);
	if (!proc_field(path, "Uid:", &uid))
		return;
	f->target_known = true;
	f->target_pid = tpid;
	f->target_uid = uid;
	snprintf(path, sizeof(path), "/proc/%ld/comm", tpid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, f->target_comm, MMT_DET_COMM_LEN);
	close(fd);
	f->target_comm[n > 0 ? n : 0] = '\0';
	if (n > 0 && f->target_comm[n - 1] == '\n')
		f->target_comm[n - 1] = '\0';
}

static void facts_init(struct mmt_det_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->fd = -1;
}

void mmt_det_facts_from_event(const struct mmt_decoded_event *ev, bool lookup,
			      struct mmt_det_facts *f)
{
	const struct mmt_record *r = ev->rec;

	facts_init(f);
	f->op = op_of(ev->desc->name, &f->syscall);
	if (f->op == MMT_DET_OTHER)
		return;
	f->timestamp_ns = ev->timestamp_ns;
	f->pid = r->host_pid;
	f->tid = r->host_tid;
	f->ns_pid = r->pid;
	f->uid = r->uid;
	f->compat = ev->compat;
	f->ret = r->ret;
	copy_bounded(f->comm, sizeof(f->comm), ev->comm, MMT_COMM_LEN);
	copy_bounded(f->exe, sizeof(f->exe), ev->exe, MMT_PATH_LEN);
	for (int i = 0; i < ev->desc->nargs && i < MMT_MAX_ARGS; i++)
		put_arg(f, ev->desc->args[i].name, ev->args[i].value);
	for (int i = 0; i < ev->desc->nargs && i < MMT_MAX_ARGS; i++)
		if (ev->args[i].ctx) /* after every argument: mmap's flags */
			facts_ctx(f, ev->args[i].ctx);
	if (ev->has_target) {
		f->target_known = true;
		f->target_pid = ev->target_host_pid;
		f->target_uid = ev->target_uid;
		copy_bounded(f->target_comm, sizeof(f->target_comm), ev->target_comm,
			     sizeof(ev->target_comm));
	}
	if (!lookup || f->ret < 0)
		return;
	/* without the fd's context (-y), /proc/PID/maps at the new mapping */
	if (f->op == MMT_DET_MMAP && !(f->flags & MAP_ANON_) && f->fd >= 0 && !f->file.known)
		lookup_file(f, f->compat ? (__u32)f->ret : (__u64)f->ret);
	if (f->op == MMT_DET_PROCESS_MADVISE && f->fd >= 0 && !f->target_known)
		lookup_pidfd(f);
}

/* --- recordings: a small JSON reader, for mmtrace's own lines --- */

struct arg_state {
	char name[32];
	/* the context an argument carries (-y, --mappings) */
	bool has_file, cut, deleted;
	__u64 dev, ino;
	char path[MMT_DET_PATH_LEN];
	bool has_map, mapped, shared;
	__u64 start, end;
};

struct line_state {
	bool finding;
	bool has_name;
	char name[64];
};

struct cur {
	const char *p, *end;
	bool bad;
	int depth;
	struct arg_state *arg; /* the argument being read */
	struct line_state *line;
};

static void ws(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' || *c->p == '\n'))
		c->p++;
}

static bool take(struct cur *c, char ch)
{
	ws(c);
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return true;
	}
	return false;
}

/* A string into buf (cap bytes, NUL-terminated, cut if longer: *cut). */
static bool str(struct cur *c, char *buf, size_t cap, bool *cut)
{
	size_t n = 0;

	if (cut)
		*cut = false;
	if (!take(c, '"'))
		return c->bad = true, false;
	while (c->p < c->end && *c->p != '"') {
		char ch = *c->p++;

		if (ch == '\\') {
			if (c->p >= c->end)
				break;
			ch = *c->p++;
			switch (ch) {
			case 'n':
				ch = '\n';
				break;
			case 't':
				ch = '\t';
				break;
			case 'r':
				ch = '\r';
				break;
			case 'b':
				ch = '\b';
				break;
			case 'f':
				ch = '\f';
				break;
			case 'u':
				if (c->end - c->p < 4)
					return c->bad = true, false;
				c->p += 4;
				ch = '?'; /* only names and paths use these: a mark */
				break;
			default:
				break; /* '"', '\\', '/' */
			}
		}
		if (n + 1 < cap)
			buf[n++] = ch;
		else if (cut)
			*cut = true;
	}
	if (c->p >= c->end)
		return c->bad = true, false;
	c->p++;
	if (cap)
		buf[n] = '\0';
	return true;
}

static void skip(struct cur *c);

static void skip_container(struct cur *c, char close)
{
	if (++c->depth > 32) {
		c->bad = true;
		return;
	}
	if (take(c, close))
		goto out;
	do {
		if (close == '}') {
			str(c, NULL, 0, NULL);
			if (!take(c, ':'))
				c->bad = true;
		}
		if (c->bad)
			break;
		skip(c);
	} while (!c->bad && take(c, ','));
	if (!take(c, close))
		c->bad = true;
out:
	c->depth--;
}

static void skip(struct cur *c)
{
	ws(c);
	if (c->p >= c->end) {
		c->bad = true;
		return;
	}
	switch (*c->p) {
	case '"':
		str(c, NULL, 0, NULL);
		return;
	case '{':
		c->p++;
		skip_container(c, '}');
		return;
	case '[':
		c->p++;
		skip_container(c, ']');
		return;
	default:
		while (c->p < c->end && !strchr(",}] \t\r\n", *c->p))
			c->p++;
	}
}

static const struct xlat *const name_tables[] = {
	&prot_flags, &mmap_types, &mmap_flags, &mremap_flags, &madvise_advice,
};

/* "PROT_READ|PROT_EXEC", "0x7f00", "NULL", "12": the number. */
static __s64 text_value(const char *s)
{
	char buf[MMT_TEXT_LEN], *save = NULL;
	__s64 v = 0;

	snprintf(buf, sizeof(buf), "%s", s);
	for (char *t = strtok_r(buf, "|", &save); t; t = strtok_r(NULL, "|", &save)) {
		char *end;
		bool found = false;

		if (!strcmp(t, "NULL") || !strcmp(t, "PROT_NONE"))
			continue;
		if (*t == '-') { /* a negative int, as %d printed it */
			v = strtoll(t, NULL, 0);
			continue;
		}
		v |= (__s64)strtoull(t, &end, 0);
		if (end != t && !*end)
			continue;
		for (size_t k = 0; k < sizeof(name_tables) / sizeof(name_tables[0]) && !found; k++)
			for (size_t i = 0; i < name_tables[k]->n && !found; i++)
				if (!strcmp(name_tables[k]->e[i].name, t)) {
					v |= name_tables[k]->e[i].val;
					found = true;
				}
	}
	return v;
}

/* A number, or a string read as text_value() reads it; true/false too. */
static __s64 value(struct cur *c)
{
	char buf[MMT_TEXT_LEN];

	ws(c);
	if (c->p < c->end && *c->p == '"') {
		str(c, buf, sizeof(buf), NULL);
		return text_value(buf);
	}
	if (c->p < c->end && (*c->p == '{' || *c->p == '[')) {
		skip(c);
		return 0;
	}
	{
		size_t n = 0;

		while (c->p < c->end && !strchr(",}] \t\r\n", *c->p) && n + 1 < sizeof(buf))
			buf[n++] = *c->p++;
		buf[n] = '\0';
		if (!n)
			c->bad = true;
		if (!strcmp(buf, "true"))
			return 1;
		if (buf[0] == '-')
			return strtoll(buf, NULL, 10);
		return (__s64)strtoull(buf, NULL, 10);
	}
}

/* Call fn(c, key, f) for each key of an object. */
static void object(struct cur *c, struct mmt_det_facts *f,
		   void (*fn)(struct cur *, const char *, struct mmt_det_facts *))
{
	char key[64];

	if (!take(c, '{') || ++c->depth > 32) {
		c->bad = true;
		return;
	}
	if (!take(c, '}')) {
		do {
			if (!str(c, key, sizeof(key), NULL) || !take(c, ':'))
				break;
			fn(c, key, f);
		} while (!c->bad && take(c, ','));
		if (!take(c, '}'))
			c->bad = true;
	}
	c->depth--;
}

static void exe_key(struct cur *c, const char *key, struct mmt_det_facts *f)
{
	if (!strcmp(key, "path"))
		str(c, f->exe, sizeof(f->exe), NULL);
	else
		skip(c);
}

static void flags_key(struct cur *c, const char *key, struct mmt_det_facts *f)
{
	if (!strcmp(key, "isCompat"))
		f->compat = value(c);
	else
		skip(c);
}

static void target_key(struct cur *c, const char *key, struct mmt_det_facts *f)
{
	f->target_known = true;
	if (!strcmp(key, "hostProcessId"))
		f->target_pid = value(c);
	else if (!strcmp(key, "userId"))
		f->target_uid = value(c);
	else if (!strcmp(key, "processName"))
		str(c, f->target_comm, sizeof(f->target_comm), NULL);
	else
		skip(c);
}

/* The file keys of an fd argument or of a mapping object. */
static bool file_key(struct cur *c, const char *key)
{
	struct arg_state *a = c->arg;
	bool cut;

	if (!strcmp(key, "path")) {
		a->has_file = str(c, a->path, sizeof(a->path), &cut);
		a->cut |= cut;
	} else if (!strcmp(key, "truncated")) {
		a->cut |= value(c) != 0;
	} else if (!strcmp(key, "deleted")) {
		a->deleted = value(c) != 0;
	} else if (!strcmp(key, "device")) {
		a->dev = value(c);
	} else if (!strcmp(key, "inode")) {
		a->ino = value(c);
	} else {
		return false;
	}
	return true;
}

static void mapping_key(struct cur *c, const char *key, struct mmt_det_facts *f)
{
	struct arg_state *a = c->arg;

	(void)f;
	if (file_key(c, key))
		return;
	if (!strcmp(key, "mapped"))
		a->mapped = value(c) != 0;
	else if (!strcmp(key, "start"))
		a->start = value(c);
	else if (!strcmp(key, "end"))
		a->end = value(c);
	else if (!strcmp(key, "shared"))
		a->shared = value(c) != 0;
	else
		skip(c);
}

/* One argument: its name comes first in mmtrace's lines; the value after. */

static void arg_key(struct cur *c, const char *key, struct mmt_det_facts *f)
{
	if (!strcmp(key, "name")) {
		str(c, c->arg->name, sizeof(c->arg->name), NULL);
	} else if (!strcmp(key, "value") && c->arg->name[0]) {
		put_arg(f, c->arg->name, value(c));
	} else if (!strcmp(key, "mapping")) {
		c->arg->has_map = true;
		object(c, f, mapping_key);
	} else if (!strcmp(key, "target")) { /* a pidfd's process (-y) */
		object(c, f, target_key);
	} else if (!file_key(c, key)) {
		skip(c);
	}
}

/* What an argument's context says, as facts_ctx() takes it live. */
static void arg_ctx(const struct arg_state *a, struct mmt_det_facts *f)
{
	struct mmt_det_file *file = &f->file;

	if (a->has_map && a->mapped && a->end > a->start) {
		f->map_known = true;
		f->map_start = a->start;
		f->map_end = a->end;
		f->map_shared = a->shared;
	} else if (a->has_map || f->op != MMT_DET_MMAP || (f->flags & MAP_ANON_)) {
		/* unmapped, an fd the engine does not use, or one MAP_ANONYMOUS
		 * ignores (mmtrace's lines have flags before fd) */
		return;
	}
	if (!a->has_file || (!a->dev && !a->ino))
		return;
	file->known = file->has_ino = true;
	file->dev = a->dev;
	file->ino = a->ino;
	{
		char full[MMT_DET_PATH_LEN + 16];
		size_t n;

		snprintf(full, sizeof(full), "%s%s", a->path, a->deleted ? " (deleted)" : "");
		n = strlen(full);
		file->path_cut = a->cut || n >= sizeof(file->path);
		if (n >= sizeof(file->path))
			n = sizeof(file->path) - 1;
		memcpy(file->path, full, n);
		file->path[n] = '\0';
	}
}

static void args_array(struct cur *c, struct mmt_det_facts *f)
{
	struct arg_state st;

	if (!take(c, '[')) {
		c->bad = true;
		return;
	}
	if (take(c, ']'))
		return;
	do {
		memset(&st, 0, sizeof(st));
		c->arg = &st;
		object(c, f, arg_key);
		c->arg = NULL;
		if (!c->bad)
			arg_ctx(&st, f);
	} while (!c->bad && take(c, ','));
	if (!take(c, ']'))
		c->bad = true;
}

static void top_key(struct cur *c, const char *key, struct mmt_det_facts *f)
{
	if (!strcmp(key, "timestamp"))
		f->timestamp_ns = value(c);
	else if (!strcmp(key, "processId"))
		f->ns_pid = value(c);
	else if (!strcmp(key, "hostProcessId"))
		f->pid = value(c);
	else if (!strcmp(key, "hostThreadId"))
		f->tid = value(c);
	else if (!strcmp(key, "userId"))
		f->uid = value(c);
	else if (!strcmp(key, "processName"))
		str(c, f->comm, sizeof(f->comm), NULL);
	else if (!strcmp(key, "executable"))
		object(c, f, exe_key);
	else if (!strcmp(key, "contextFlags"))
		object(c, f, flags_key);
	else if (!strcmp(key, "eventName"))
		c->line->has_name = str(c, c->line->name, sizeof(c->line->name), NULL);
	else if (!strcmp(key, "returnValue"))
		f->ret = value(c);
	else if (!strcmp(key, "args"))
		args_array(c, f);
	else if (!strcmp(key, "target"))
		object(c, f, target_key);
	else if (!strcmp(key, "metadata"))
		c->line->finding = true, skip(c);
	else
		skip(c);
}

enum mmt_det_line mmt_det_facts_from_json(const char *line, size_t len, struct mmt_det_facts *f)
{
	struct cur c = {.p = line, .end = line + len};
	struct line_state st = {0};

	facts_init(f);
	/* put_arg() needs the op and eventName may follow the args: a first
	 * pass finds the name, a second reads the args knowing the op */
	c.line = &st;
	object(&c, f, top_key);
	ws(&c);
	if (c.bad || c.p != c.end || !st.has_name)
		return MMT_DET_LINE_MALFORMED;
	if (st.finding)
		return MMT_DET_LINE_FINDING;
	{
		struct mmt_det_facts again;
		enum mmt_det_op op = op_of(st.name, &f->syscall);

		if (op == MMT_DET_OTHER || f->op == op)
			return MMT_DET_LINE_EVENT;
		facts_init(&again);
		again.op = op;
		c.p = line;
		c.depth = 0;
		c.line = &st;
		object(&c, &again, top_key);
		again.op = op;
		again.syscall = f->syscall;
		*f = again;
	}
	return MMT_DET_LINE_EVENT;
}
