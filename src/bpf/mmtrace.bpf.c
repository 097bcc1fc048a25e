// SPDX-License-Identifier: GPL-2.0
/*
 * mmtrace.bpf.c - capture memory-placement and memory-mapping syscalls.
 *
 * Each traced syscall is seen twice: at entry (arguments, node masks read
 * from user memory) and at exit (return value). The entry is kept per thread
 * in a hash map until the exit, where one record is written to the ring
 * buffer. Every record that cannot be kept or written is counted.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "../mmtrace.h"

#define EFAULT 14

/* Set by user space between open and load. */
const volatile __u32 self_tgid = 0; /* never trace mmtrace itself */
const volatile bool filter_tgid = false; /* trace only tgids in tgid_filter */
const volatile bool follow_forks = false; /* add children of traced tgids */
const volatile __u64 wakeup_bytes = 0; /* wake the reader past this fill */

/* Entry state kept from sys_enter to sys_exit. */
struct inflight {
	__u64 enter_ns;
	__u32 event;
	__u32 pad;
	__u64 args[MMT_MAX_ARGS];
	struct mmt_mask masks[MMT_MAX_MASKS];
};

/* The executable path of a process, resolved once per exe_file. */
struct exe_cache {
	__u64 exe_file;
	char path[MMT_PATH_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 24); /* resized by user space */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32); /* tid */
	__type(value, struct inflight);
} inflight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32); /* tgid */
	__type(value, __u8);
} tgid_filter SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32); /* tgid */
	__type(value, struct exe_cache);
} exe_paths SEC(".maps");

/* Scratch space, too large for the 512-byte BPF stack. */
struct scratch {
	struct inflight entry;
	char path[2 * MMT_PATH_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

/* Per-CPU counters: [event][reason] records lost, then calls seen. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MMT_EV_COUNT * MMT_DROP_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

static __always_inline void count_drop(__u32 event, __u32 reason)
{
	__u32 key = event * MMT_DROP_COUNT + reason;
	__u64 *n = bpf_map_lookup_elem(&drops, &key);

	if (n)
		*n += 1;
}

static __always_inline bool tgid_selected(__u32 tgid)
{
	if (tgid == self_tgid)
		return false;
	if (!filter_tgid)
		return true;
	return bpf_map_lookup_elem(&tgid_filter, &tgid) != NULL;
}

/*
 * Read a node mask the way the kernel's get_nodes() does: it uses the low
 * maxnode - 1 bits of ceil((maxnode - 1) / 64) longs. We read at most
 * MMT_MASK_MAX_BITS of them and say when the kernel would read more.
 */
static __always_inline void read_mask(struct mmt_mask *m, __u64 uptr,
				      __u64 maxnode)
{
	__u64 nbits, bytes;
	long err;

	m->truncated = 0;
	m->nbits = 0;
	m->read_err = 0;
	if (!uptr) {
		m->state = MMT_MASK_NULL;
		return;
	}
	if (maxnode <= 1) {
		m->state = MMT_MASK_EMPTY;
		return;
	}
	nbits = maxnode - 1;
	if (nbits > MMT_MASK_MAX_BITS) {
		nbits = MMT_MASK_MAX_BITS;
		m->truncated = 1;
	}
	bytes = ((nbits + 63) / 64) * 8;
	if (bytes > sizeof(m->words))
		bytes = sizeof(m->words);
	err = bpf_probe_read_user(m->words, bytes, (const void *)uptr);
	if (err) {
		m->state = MMT_MASK_FAULT;
		m->read_err = err;
		return;
	}
	m->state = MMT_MASK_READ;
	m->nbits = nbits;
}

static __always_inline int on_enter(struct syscall_trace_enter *ctx,
				    enum mmt_event event)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct scratch *s;
	struct inflight *e;
	__u32 zero = 0;

	if (!tgid_selected(pid_tgid >> 32))
		return 0;
	s = bpf_map_lookup_elem(&scratch, &zero);
	if (!s)
		return 0;
	e = &s->entry;
	e->enter_ns = bpf_ktime_get_boot_ns();
	e->event = event;
	bpf_probe_read_kernel(e->args, sizeof(e->args), ctx->args);
	e->masks[0].state = MMT_MASK_NONE;
	e->masks[1].state = MMT_MASK_NONE;

	switch (event) {
	case MMT_EV_SET_MEMPOLICY: /* mode, nodemask, maxnode */
		read_mask(&e->masks[0], e->args[1], e->args[2]);
		break;
	case MMT_EV_MIGRATE_PAGES: /* pid, maxnode, old_nodes, new_nodes */
		read_mask(&e->masks[0], e->args[2], e->args[1]);
		read_mask(&e->masks[1], e->args[3], e->args[1]);
		break;
	default:
		break;
	}

	if (bpf_map_update_elem(&inflight, &tid, e, BPF_ANY))
		count_drop(event, MMT_DROP_INFLIGHT);
	return 0;
}

/*
 * Resolve the path of mm->exe_file into buf, right to left, crossing mount
 * points. One bpf_loop() step per path component keeps the verifier's work
 * independent of the depth.
 */
#define PATH_DEPTH 32
#define HALF (MMT_PATH_LEN - 1)

struct path_walk {
	struct dentry *dentry;
	struct vfsmount *vfsmnt;
	struct mount *mnt;
	char *buf;
	__u32 off;
};

static long path_step(__u32 i, void *ctx)
{
	struct path_walk *w = ctx;
	struct dentry *dentry = w->dentry;
	struct vfsmount *vfsmnt = w->vfsmnt;
	struct mount *mnt = w->mnt;
	struct dentry *mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
	struct dentry *parent = BPF_CORE_READ(dentry, d_parent);
	struct qstr name;
	__u32 len, off = w->off;

	if (dentry == mnt_root || dentry == parent) {
		struct mount *mnt_parent = BPF_CORE_READ(mnt, mnt_parent);

		if (dentry != mnt_root || mnt == mnt_parent)
			return 1; /* the root of everything */
		w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = mnt_parent;
		w->vfsmnt = &mnt_parent->mnt;
		return 0;
	}
	name = BPF_CORE_READ(dentry, d_name);
	len = name.len & HALF;
	if (len + 1 > off)
		return 1; /* too long: keep the tail */
	off -= len;
	bpf_probe_read_kernel(w->buf + (off & HALF), len, name.name);
	off -= 1;
	w->buf[off & HALF] = '/';
	w->off = off;
	w->dentry = parent;
	return 0;
}

static __always_inline __u32 resolve_path(struct file *file, char *buf)
{
	struct path_walk w = {
		.dentry = BPF_CORE_READ(file, f_path.dentry),
		.vfsmnt = BPF_CORE_READ(file, f_path.mnt),
		.buf = buf,
		.off = HALF,
	};

	w.mnt = container_of(w.vfsmnt, struct mount, mnt);
	buf[HALF] = '\0';
	bpf_loop(PATH_DEPTH, path_step, &w, 0);
	if (w.off == HALF) {
		w.off -= 1;
		buf[w.off & HALF] = '/';
	}
	return w.off & HALF;
}

static __always_inline void read_exe(struct task_struct *task, __u32 tgid,
				     char *dst)
{
	struct file *file = BPF_CORE_READ(task, mm, exe_file);
	struct exe_cache *c;
	struct scratch *s;
	__u32 zero = 0, off;

	if (!file) {
		dst[0] = '\0';
		return;
	}
	c = bpf_map_lookup_elem(&exe_paths, &tgid);
	if (c && c->exe_file == (__u64)file) {
		bpf_probe_read_kernel(dst, MMT_PATH_LEN, c->path);
		return;
	}
	s = bpf_map_lookup_elem(&scratch, &zero);
	if (!s) {
		dst[0] = '\0';
		return;
	}
	off = resolve_path(file, s->path);
	bpf_probe_read_kernel_str(dst, MMT_PATH_LEN, s->path + off);
	c = (struct exe_cache *)s->path; /* reuse scratch: path is in dst now */
	c->exe_file = (__u64)file;
	bpf_probe_read_kernel(c->path, MMT_PATH_LEN, dst);
	bpf_map_update_elem(&exe_paths, &tgid, c, BPF_ANY);
}

/* pid number of a struct pid as seen from its own (deepest) namespace */
static __always_inline __u32 ns_nr(struct pid *pid)
{
	unsigned int level = BPF_CORE_READ(pid, level);
	struct upid up;

	bpf_probe_read_kernel(&up, sizeof(up), &pid->numbers[level]);
	return up.nr;
}

static __always_inline void fill_context(struct mmt_record *r,
					 __u64 pid_tgid)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct task_struct *leader = BPF_CORE_READ(task, group_leader);
	struct task_struct *parent = BPF_CORE_READ(task, real_parent);
	struct pid *tpid = BPF_CORE_READ(task, thread_pid);
	unsigned int level = BPF_CORE_READ(tpid, level);
	__u64 uid_gid = bpf_get_current_uid_gid();
	struct uts_namespace *uts;
	struct upid up;

	r->cpu = bpf_get_smp_processor_id();
	r->cgroup_id = bpf_get_current_cgroup_id();
	r->thread_start_ns = BPF_CORE_READ(task, start_boottime);
	r->host_tid = (__u32)pid_tgid;
	r->host_pid = pid_tgid >> 32;
	r->host_ppid = BPF_CORE_READ(parent, tgid);
	r->uid = (__u32)uid_gid;
	r->gid = uid_gid >> 32;
	bpf_probe_read_kernel(&up, sizeof(up), &tpid->numbers[level]);
	r->tid = up.nr;
	r->pid_ns = BPF_CORE_READ(up.ns, ns.inum);
	r->pid = ns_nr(BPF_CORE_READ(leader, thread_pid));
	r->ppid = ns_nr(BPF_CORE_READ(parent, group_leader, thread_pid));
	r->mnt_ns = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	bpf_get_current_comm(r->comm, sizeof(r->comm));
	uts = BPF_CORE_READ(task, nsproxy, uts_ns);
	bpf_core_read_str(r->host, sizeof(r->host), &uts->name.nodename);
	read_exe(task, r->host_pid, r->exe);
}

static __always_inline int on_exit(struct syscall_trace_exit *ctx,
				   enum mmt_event event)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct mmt_record *r;
	struct inflight *e;
	__u64 flags = BPF_RB_NO_WAKEUP;

	e = bpf_map_lookup_elem(&inflight, &tid);
	if (!e)
		return 0; /* entry not selected, or seen before we attached */
	if (e->event != event)
		goto out; /* stale entry of another syscall */

	r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
	if (!r) {
		count_drop(event, MMT_DROP_RINGBUF);
		goto out;
	}
	r->event = event;
	r->flags = 0;
	r->enter_ns = e->enter_ns;
	r->exit_ns = bpf_ktime_get_boot_ns();
	r->ret = ctx->ret;
	bpf_probe_read_kernel(r->args, sizeof(r->args), e->args);
	bpf_probe_read_kernel(r->masks, sizeof(r->masks), e->masks);
	fill_context(r, pid_tgid);

	if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes)
		flags = BPF_RB_FORCE_WAKEUP;
	bpf_ringbuf_submit(r, flags);
out:
	bpf_map_delete_elem(&inflight, &tid);
	return 0;
}

#define MMT_SYSCALL(name, event)                                           \
	SEC("tracepoint/syscalls/sys_enter_" #name)                        \
	int enter_##name(struct syscall_trace_enter *ctx)                  \
	{                                                                  \
		return on_enter(ctx, event);                               \
	}                                                                  \
	SEC("tracepoint/syscalls/sys_exit_" #name)                         \
	int exit_##name(struct syscall_trace_exit *ctx)                    \
	{                                                                  \
		return on_exit(ctx, event);                                \
	}

MMT_SYSCALL(mremap, MMT_EV_MREMAP)
MMT_SYSCALL(set_mempolicy, MMT_EV_SET_MEMPOLICY)
MMT_SYSCALL(migrate_pages, MMT_EV_MIGRATE_PAGES)

/* Follow the traced command's descendants: children join their parent. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(follow_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = parent->tgid, ctgid = child->tgid;
	__u8 one = 1;

	if (ptgid == ctgid) /* a new thread, not a new process */
		return 0;
	if (bpf_map_lookup_elem(&tgid_filter, &ptgid))
		bpf_map_update_elem(&tgid_filter, &ctgid, &one, BPF_ANY);
	return 0;
}

/* Forget a traced process once its last thread has exited. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(forget_exit, struct task_struct *task)
{
	__u32 tgid = task->tgid, tid = task->pid;

	bpf_map_delete_elem(&inflight, &tid);
	if (task->signal->live.counter == 0) {
		if (follow_forks)
			bpf_map_delete_elem(&tgid_filter, &tgid);
		bpf_map_delete_elem(&exe_paths, &tgid);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
