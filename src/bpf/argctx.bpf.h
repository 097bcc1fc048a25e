/* SPDX-License-Identifier: GPL-2.0 */
/*
 * argctx.bpf.h - the context of one argument, read at the call's entry,
 * before the call acts (--fd-paths, --mappings): the file an fd argument
 * names, or the mapping an address-range call starts in (its bounds, flags
 * and file, and how many mappings the range covers). It goes out after the
 * event's payload as a struct mmt_argctx.
 *
 * Files are named the way the kernel's d_path() names them (what strace -y
 * shows): a path from the root, found by the same dentry walk as the
 * executable's (resolve_path()), marked truncated when it does not fit;
 * " (deleted)" for an unlinked file; the internal files of memfd, shared
 * anonymous memory and SysV shm as "/NAME (deleted)"; anon_inode:NAME,
 * socket:[INO], pipe:[INO] by their file system.
 *
 * Mappings are looked up with bpf_find_vma() (5.17+), which takes the
 * address space's lock with a trylock: when another thread holds it, the
 * context says so (-EBUSY) instead of waiting.
 */
#ifndef MMT_ARGCTX_BPF_H
#define MMT_ARGCTX_BPF_H

#include "maps.bpf.h"
#include "task.bpf.h"
#include <bpf/bpf_core_read.h>

/* Set by user space between open and load: -y / --fd-paths, --mappings. */
const volatile bool ctx_fd_paths = false;
const volatile bool ctx_mappings = false;

/* Magic numbers of the file systems whose files d_path() names by a
 * d_dname() method (include/uapi/linux/magic.h). */
#define MMT_ANON_INODE_FS_MAGIC 0x09041934
#define MMT_PID_FS_MAGIC 0x50494446
#define MMT_SOCKFS_MAGIC 0x534F434B
#define MMT_PIPEFS_MAGIC 0x50495045

static __always_inline void ctx_clear(struct mmt_argctx *c, __u8 kind, __u8 arg)
{
	c->kind = kind;
	c->arg = arg;
	c->state = MMT_CTXS_NONE;
	c->file_kind = MMT_FILE_NONE;
	c->file_flags = 0;
	c->special = MMT_VMA_PLAIN;
	c->count = 0;
	c->more = 0;
	c->err = 0;
	c->pid = 0;
	c->uid = 0;
	c->pad = 0;
	c->comm[0] = '\0';
	c->vm_start = 0;
	c->vm_end = 0;
	c->vm_flags = 0;
	c->vm_pgoff = 0;
	c->dev = 0;
	c->ino = 0;
	c->path[0] = '\0';
}

/* d_unlinked(): no longer in the dentry hash, and not a root. */
static __always_inline bool dentry_unlinked(struct dentry *d)
{
	return !BPF_CORE_READ(d, d_hash.pprev) && BPF_CORE_READ(d, d_parent) != d;
}

/* A pidfd's process: the task whose pid it holds (what pidfd_pid()
 * returns: the inode's i_private on pidfs, 6.9+; the file's private_data
 * before). */
static __always_inline void ctx_pidfd(struct mmt_argctx *c, struct pid *pid)
{
	struct hlist_node *first;
	struct task_struct *t;

	c->file_kind = MMT_FILE_PIDFD;
	c->path[0] = '\0';
	if (!pid)
		return;
	first = BPF_CORE_READ(pid, tasks[PIDTYPE_PID].first);
	if (!first)
		return; /* the process is gone */
	t = (struct task_struct *)((void *)first -
				   bpf_core_field_offset(struct task_struct, pid_links));
	c->pid = BPF_CORE_READ(t, tgid);
	c->uid = BPF_CORE_READ(t, real_cred, uid.val);
	BPF_CORE_READ_STR_INTO(&c->comm, t, comm);
}

/* Name file into c: its identity, its kind and its path. */
static __always_inline void ctx_file(struct mmt_argctx *c, struct file *file)
{
	struct dentry *d = BPF_CORE_READ(file, f_path.dentry);
	struct inode *inode = BPF_CORE_READ(file, f_inode);
	struct super_block *sb = BPF_CORE_READ(inode, i_sb);
	unsigned long magic = BPF_CORE_READ(sb, s_magic);
	struct qstr name;
	struct scratch *s;
	__u32 zero = 0, off;
	__u8 cut = 0;

	c->dev = BPF_CORE_READ(sb, s_dev);
	c->ino = BPF_CORE_READ(inode, i_ino);
	if (magic == MMT_SOCKFS_MAGIC) {
		c->file_kind = MMT_FILE_SOCKET;
		return;
	}
	if (magic == MMT_PIPEFS_MAGIC) {
		c->file_kind = MMT_FILE_PIPE;
		return;
	}
	if (magic == MMT_PID_FS_MAGIC) {
		ctx_pidfd(c, BPF_CORE_READ(inode, i_private));
		return;
	}
	if (magic == MMT_ANON_INODE_FS_MAGIC || BPF_CORE_READ(d, d_op, d_dname)) {
		/* named by its dentry alone: anon_inode:[eventfd], or an
		 * internal file of shmem (memfd:NAME, dev/zero, SYSV...) */
		c->file_kind =
			magic == MMT_ANON_INODE_FS_MAGIC ? MMT_FILE_ANON_INODE : MMT_FILE_PSEUDO;
		name = BPF_CORE_READ(d, d_name);
		if (bpf_probe_read_kernel_str(c->path, sizeof(c->path), name.name) < 0)
			c->path[0] = '\0';
		/* before pidfs (6.9), a pidfd is the anon inode [pidfd] */
		if (c->file_kind == MMT_FILE_ANON_INODE && c->path[0] == '[' && c->path[1] == 'p' &&
		    c->path[2] == 'i' && c->path[3] == 'd' && c->path[4] == 'f' &&
		    c->path[5] == 'd' && c->path[6] == ']' && !c->path[7])
			ctx_pidfd(c, BPF_CORE_READ(file, private_data));
		return;
	}
	s = bpf_map_lookup_elem(&scratch, &zero);
	if (!s)
		return;
	c->file_kind = MMT_FILE_PATH;
	off = resolve_path(file, s->path, &cut);
	if (bpf_probe_read_kernel_str(c->path, sizeof(c->path), s->path + off) < 0)
		c->path[0] = '\0';
	if (cut)
		c->file_flags |= MMT_FILE_TRUNCATED;
	if (dentry_unlinked(d))
		c->file_flags |= MMT_FILE_DELETED;
}

/* The file the current task's fd names, or NULL. */
static __always_inline struct file *fd_file(__s32 fd)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	unsigned int max = BPF_CORE_READ(fdt, max_fds);
	struct file **fds = BPF_CORE_READ(fdt, fd);
	__u64 f = 0;

	if (fd < 0 || (__u32)fd >= max || !fds)
		return NULL;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return (struct file *)(f & ~7ULL);
}

static __always_inline void ctx_fd(struct mmt_argctx *c, __s32 fd)
{
	struct file *file;

	if (fd < 0)
		return; /* none: MMT_CTXS_NONE */
	file = fd_file(fd);
	if (!file) {
		c->state = MMT_CTXS_BADFD;
		return;
	}
	c->state = MMT_CTXS_OK;
	ctx_file(c, file);
}

/* What bpf_find_vma()'s callback copies out of the mapping it found, under
 * the address space's lock. */
struct vma_seen {
	__u64 start, end, flags, pgoff;
	__u64 file;
	__u64 start_brk, brk, start_stack, vdso;
};

static long vma_copy(struct task_struct *task, struct vm_area_struct *vma, void *data)
{
	struct vma_seen *v = data;
	struct mm_struct *mm = vma->vm_mm;

	v->start = vma->vm_start;
	v->end = vma->vm_end;
	v->flags = vma->vm_flags;
	v->pgoff = vma->vm_pgoff;
	v->file = (__u64)vma->vm_file;
	if (mm) {
		v->start_brk = mm->start_brk;
		v->brk = mm->brk;
		v->start_stack = mm->start_stack;
		v->vdso = (__u64)mm->context.vdso;
	}
	return 0;
}

/* The mapping at addr before the call, and how many mappings hold
 * [addr, addr + len) one after the other. */
static __always_inline void ctx_vma(struct mmt_argctx *c, __u64 addr, __u64 len)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct vma_seen v = {};
	__u64 end, next;
	long err;

	err = bpf_find_vma(task, addr, vma_copy, &v, 0);
	if (err == -2 /* ENOENT */) {
		c->state = MMT_CTXS_UNMAPPED;
		return;
	}
	if (err) {
		c->state = MMT_CTXS_ERROR;
		c->err = err;
		return;
	}
	c->state = MMT_CTXS_OK;
	c->vm_start = v.start;
	c->vm_end = v.end;
	c->vm_flags = v.flags;
	c->vm_pgoff = v.pgoff;
	c->count = 1;
	/* memory without a file named as /proc/PID/maps names it
	 * (vma_is_initial_heap(), vma_is_initial_stack()) */
	if (v.file)
		ctx_file(c, (struct file *)v.file);
	else if (v.start < v.brk && v.end > v.start_brk)
		c->special = MMT_VMA_HEAP;
	else if (v.start <= v.start_stack && v.end >= v.start_stack)
		c->special = MMT_VMA_STACK;
	else if (v.vdso && v.start == v.vdso)
		c->special = MMT_VMA_VDSO;

	/* the kernel acts on whole pages */
	end = addr + ((len + 4095) & ~4095ULL);
	if (end < addr)
		end = ~0ULL;
	next = v.end;
	for (int i = 1; i < MMT_VMA_SPAN_MAX; i++) {
		struct vma_seen w = {};

		if (next >= end)
			return;
		if (bpf_find_vma(task, next, vma_copy, &w, 0) || w.end <= next)
			break; /* unmapped space, or the lock was taken */
		c->count++;
		next = w.end;
	}
	if (next < end)
		c->more = 1;
}

/*
 * At entry: the context of the event's argument, when asked for; its row
 * (d) names the fd argument or the start of the address range, each as
 * index + 1 (the event table's FD and RANGE kinds). True when the record
 * carries one.
 */
static __always_inline bool argctx_enter(struct call_entry *e, struct mmt_argctx *c,
					 const volatile struct mmt_bpf_event *d)
{
	bool compat = e->flags & MMT_REC_COMPAT;
	__u32 fa = d->fd_arg, ra = d->range_arg;

	if (ctx_fd_paths && fa) {
		fa -= 1;
		if (fa < MMT_MAX_ARGS) {
			ctx_clear(c, MMT_CTX_FD, fa);
			ctx_fd(c, (__s32)e->args[fa]);
			return true;
		}
	}
	if (ctx_mappings && ra) {
		ra -= 1;
		if (ra + 1 < MMT_MAX_ARGS) {
			__u64 addr = e->args[ra], len = e->args[ra + 1];

			if (compat) {
				addr = (__u32)addr;
				len = (__u32)len;
			}
			ctx_clear(c, MMT_CTX_VMA, ra);
			ctx_vma(c, addr, len);
			return true;
		}
	}
	return false;
}

#endif /* MMT_ARGCTX_BPF_H */
