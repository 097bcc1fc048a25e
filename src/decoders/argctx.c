// SPDX-License-Identifier: GPL-2.0
/*
 * argctx.c - an argument's context (struct mmt_argctx): the file an fd
 * names, the mapping an address range starts in, checked and rendered.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>
#include "decoders/argctx.h"
#include "text/errname.h"

int mmt_argctx_check(const struct mmt_argctx *c, const struct mmt_event_desc *d)
{
	enum mmt_arg_kind want;

	if (c->kind == MMT_CTX_FD)
		want = MMT_ARG_FD;
	else if (c->kind == MMT_CTX_VMA)
		want = MMT_ARG_RANGE;
	else
		return -EINVAL;
	if (c->arg >= d->nargs || d->args[c->arg].kind != want)
		return -EINVAL;
	if (c->state >= MMT_CTXS_COUNT || c->file_kind >= MMT_FILE_KIND_COUNT ||
	    c->special >= MMT_VMA_SPECIAL_COUNT || c->count > MMT_VMA_SPAN_MAX || c->more > 1 ||
	    (c->file_flags & ~(MMT_FILE_DELETED | MMT_FILE_TRUNCATED)))
		return -EINVAL;
	if (!memchr(c->path, '\0', sizeof(c->path)) || !memchr(c->comm, '\0', sizeof(c->comm)))
		return -EINVAL;
	if (c->state == MMT_CTXS_OK && c->kind == MMT_CTX_VMA &&
	    (c->vm_end <= c->vm_start || !c->count))
		return -EINVAL;
	return 0;
}

size_t mmt_argctx_file_name(const struct mmt_argctx *c, char *buf, size_t len)
{
	int n;

	switch (c->file_kind) {
	case MMT_FILE_PATH:
		/* the kernel side marks a cut path with "..." itself; a record
		 * that says "cut" without it gets the mark here */
		n = snprintf(buf, len, "%s%s",
			     (c->file_flags & MMT_FILE_TRUNCATED) && strncmp(c->path, "...", 3)
				     ? "..."
				     : "",
			     c->path);
		break;
	case MMT_FILE_ANON_INODE:
		n = snprintf(buf, len, "anon_inode:%s", c->path);
		break;
	case MMT_FILE_PSEUDO: /* the kernel's simple_dname(), less " (deleted)" */
		n = snprintf(buf, len, "/%s", c->path);
		break;
	case MMT_FILE_SOCKET:
		n = snprintf(buf, len, "socket:[%llu]", (unsigned long long)c->ino);
		break;
	case MMT_FILE_PIPE:
		n = snprintf(buf, len, "pipe:[%llu]", (unsigned long long)c->ino);
		break;
	case MMT_FILE_PIDFD:
		n = snprintf(buf, len, "anon_inode:[pidfd]");
		break;
	default:
		n = snprintf(buf, len, "%s", "");
		break;
	}
	return n > 0 ? (size_t)n : 0;
}

bool mmt_argctx_deleted(const struct mmt_argctx *c)
{
	return c->file_kind == MMT_FILE_PSEUDO ||
	       (c->file_kind == MMT_FILE_PATH && (c->file_flags & MMT_FILE_DELETED));
}

__u64 mmt_argctx_dev(const struct mmt_argctx *c)
{
	/* the kernel's dev_t: 12 bits of major above 20 bits of minor */
	return makedev((unsigned int)(c->dev >> 20), (unsigned int)(c->dev & 0xfffff));
}

const char *mmt_argctx_backing(const struct mmt_argctx *c)
{
	switch (c->special) {
	case MMT_VMA_HEAP:
		return "heap";
	case MMT_VMA_STACK:
		return "stack";
	case MMT_VMA_VDSO:
		return "vdso";
	default:
		break;
	}
	if (c->file_kind == MMT_FILE_NONE)
		return "anon";
	if (c->file_kind == MMT_FILE_PSEUDO) {
		if (!strncmp(c->path, "memfd:", 6))
			return "memfd";
		if (!strcmp(c->path, "dev/zero"))
			return "shared-anon";
		return "shmem";
	}
	return "file";
}

/* --- the FD kind --- */

static void json_file(struct outbuf *ob, const struct mmt_argctx *c)
{
	char name[MMT_PATH_LEN + 64];

	mmt_argctx_file_name(c, name, sizeof(name));
	ob_lit(ob, ",\"path\":");
	ob_json_str(ob, name, sizeof(name));
	if (c->file_flags & MMT_FILE_TRUNCATED)
		ob_lit(ob, ",\"truncated\":true");
	if (mmt_argctx_deleted(c))
		ob_lit(ob, ",\"deleted\":true");
	ob_lit(ob, ",\"device\":");
	ob_u64(ob, mmt_argctx_dev(c));
	ob_lit(ob, ",\"inode\":");
	ob_u64(ob, c->ino);
}

void mmt_argctx_json_fd(struct outbuf *ob, const struct mmt_decoded_arg *a, bool parse_args)
{
	const struct mmt_argctx *c = a->ctx;

	(void)parse_args;
	if (!c)
		return;
	if (c->state == MMT_CTXS_BADFD)
		ob_lit(ob, ",\"pathError\":\"EBADF\"");
	if (c->state != MMT_CTXS_OK)
		return;
	json_file(ob, c);
	/* a pidfd's process, in the keys of an event's "target" */
	if (c->file_kind == MMT_FILE_PIDFD && c->pid) {
		ob_lit(ob, ",\"target\":{\"hostProcessId\":");
		ob_u64(ob, c->pid);
		ob_lit(ob, ",\"processName\":");
		ob_json_str(ob, c->comm, sizeof(c->comm));
		ob_lit(ob, ",\"userId\":");
		ob_u64(ob, c->uid);
		ob_char(ob, '}');
	}
}

void mmt_argctx_table_fd(struct outbuf *ob, const struct mmt_decoded_arg *a)
{
	char name[MMT_PATH_LEN + 64];
	size_t n;

	ob_str(ob, a->text);
	if (!a->ctx || a->ctx->state != MMT_CTXS_OK)
		return;
	n = mmt_argctx_file_name(a->ctx, name, sizeof(name));
	/* as strace -y: 3</etc/passwd>, 5</tmp/x>(deleted) */
	ob_char(ob, '<');
	ob_safe_str(ob, name, n < sizeof(name) ? n : sizeof(name) - 1);
	ob_char(ob, '>');
	if (mmt_argctx_deleted(a->ctx))
		ob_lit(ob, "(deleted)");
}

/* --- the RANGE kind --- */

/*
 * The low 32 vm_flags bits by the two letters /proc/PID/smaps gives them
 * ("VmFlags:", fs/proc/task_mmu.c); the bits above move between kernel
 * versions and configurations, and are left out. NULL: a bit smaps does
 * not name.
 */
static const char *const vm_flag_names[32] = {
	"rd", "wr", "ex", "sh", "mr", "mw", "me", "ms", "gd", "um", "pf",
	NULL, "uw", "lo", "io", "sr", "rr", "dc", "de", "lf", "ac", "nr",
	"ht", "sf", "ar", "wf", "dd", "sd", "mm", "hg", "nh", "mg",
};

/* "rw-p", as /proc/PID/maps shows a mapping's permissions */
static void perms(char out[5], __u64 flags)
{
	out[0] = flags & MMT_VM_READ ? 'r' : '-';
	out[1] = flags & MMT_VM_WRITE ? 'w' : '-';
	out[2] = flags & MMT_VM_EXEC ? 'x' : '-';
	out[3] = flags & MMT_VM_MAYSHARE ? 's' : 'p';
	out[4] = '\0';
}

static void prot_names(struct outbuf *ob, __u64 flags)
{
	static const char *const names[] = {"PROT_READ", "PROT_WRITE", "PROT_EXEC"};
	bool any = false;

	for (int i = 0; i < 3; i++) {
		if (!(flags & (1ULL << i)))
			continue;
		if (any)
			ob_char(ob, '|');
		ob_str(ob, names[i]);
		any = true;
	}
	if (!any)
		ob_lit(ob, "PROT_NONE");
}

static void json_addr(struct outbuf *ob, __u64 v, bool parse_args)
{
	if (parse_args) {
		ob_char(ob, '"');
		ob_hex(ob, v);
		ob_char(ob, '"');
	} else {
		ob_u64(ob, v);
	}
}

void mmt_argctx_json_mapping(struct outbuf *ob, const struct mmt_decoded_arg *a, bool parse_args)
{
	const struct mmt_argctx *c = a->ctx;
	const char *err;
	char p[5];

	if (!c || c->state == MMT_CTXS_NONE)
		return;
	ob_lit(ob, ",\"mapping\":{");
	if (c->state == MMT_CTXS_UNMAPPED) {
		ob_lit(ob, "\"mapped\":false}");
		return;
	}
	if (c->state != MMT_CTXS_OK) {
		err = mmt_neg_errno_name(c->err);
		ob_lit(ob, "\"error\":\"");
		ob_str(ob, err ? err : "EIO");
		ob_lit(ob, "\"}");
		return;
	}
	perms(p, c->vm_flags);
	ob_lit(ob, "\"mapped\":true,\"start\":");
	json_addr(ob, c->vm_start, parse_args);
	ob_lit(ob, ",\"end\":");
	json_addr(ob, c->vm_end, parse_args);
	ob_lit(ob, ",\"prot\":\"");
	prot_names(ob, c->vm_flags);
	ob_lit(ob, "\",\"perms\":\"");
	ob_str(ob, p);
	ob_lit(ob, "\",\"shared\":");
	ob_str(ob, c->vm_flags & MMT_VM_MAYSHARE ? "true" : "false");
	if (c->vm_flags & MMT_VM_LOCKED)
		ob_lit(ob, ",\"locked\":true");
	ob_lit(ob, ",\"vmFlags\":");
	ob_u64(ob, c->vm_flags);
	ob_lit(ob, ",\"vmFlagNames\":\"");
	for (int i = 0, any = 0; i < 32; i++) {
		if (!(c->vm_flags & (1ULL << i)) || !vm_flag_names[i])
			continue;
		if (any++)
			ob_char(ob, ' ');
		ob_str(ob, vm_flag_names[i]);
	}
	ob_char(ob, '"');
	ob_lit(ob, ",\"backing\":\"");
	ob_str(ob, mmt_argctx_backing(c));
	ob_char(ob, '"');
	if (c->file_kind != MMT_FILE_NONE) {
		json_file(ob, c);
		ob_lit(ob, ",\"offset\":");
		ob_u64(ob, c->vm_pgoff * 4096);
	}
	ob_lit(ob, ",\"mappings\":");
	ob_u64(ob, c->count);
	if (c->more)
		ob_lit(ob, ",\"more\":true");
	ob_char(ob, '}');
}

void mmt_argctx_table_mapping(struct outbuf *ob, const struct mmt_decoded_arg *a)
{
	const struct mmt_argctx *c = a->ctx;
	char name[MMT_PATH_LEN + 64], p[5];
	const char *what, *err;
	size_t n;

	if (!c || c->state == MMT_CTXS_NONE)
		return;
	if (c->state == MMT_CTXS_UNMAPPED) {
		ob_lit(ob, " (not mapped)");
		return;
	}
	if (c->state != MMT_CTXS_OK) {
		err = mmt_neg_errno_name(c->err);
		ob_lit(ob, " (mapping unknown: ");
		ob_str(ob, err ? err : "error");
		ob_char(ob, ')');
		return;
	}
	perms(p, c->vm_flags);
	ob_lit(ob, " (mapping ");
	ob_hex(ob, c->vm_start);
	ob_char(ob, '-');
	ob_hex(ob, c->vm_end);
	ob_char(ob, ' ');
	ob_str(ob, p);
	ob_char(ob, ' ');
	what = mmt_argctx_backing(c);
	if (c->file_kind != MMT_FILE_NONE) {
		/* as /proc/PID/maps: /memfd:x (deleted) */
		n = mmt_argctx_file_name(c, name, sizeof(name));
		ob_safe_str(ob, name, n < sizeof(name) ? n : sizeof(name) - 1);
		if (mmt_argctx_deleted(c))
			ob_lit(ob, " (deleted)");
	} else {
		ob_char(ob, '[');
		ob_str(ob, what);
		ob_char(ob, ']');
	}
	if (c->count > 1 || c->more) {
		ob_lit(ob, ", ");
		ob_u64(ob, c->count);
		ob_str(ob, c->more ? "+ mappings" : " mappings");
	}
	ob_char(ob, ')');
}
