// SPDX-License-Identifier: GPL-2.0
/*
 * mmtrace.bpf.c - capture memory-placement and memory-mapping syscalls.
 *
 * Each traced syscall is seen twice: at entry (arguments, user memory the
 * kernel is about to read) and at exit (return value, user memory the kernel
 * wrote). The entry is kept in the thread's own storage (task-local storage:
 * no hash, no lock, no allocation after the thread's first call) until the
 * exit, where one record is written to the ring buffer. Every record that cannot be kept
 * or written is counted.
 *
 * A thread's context that rarely changes (executable, host name, namespace
 * ids, parent) is not in every record: it goes out once per thread as a
 * struct mmt_task, and again when a cheap check sees that it changed.
 *
 * Two ways in, one core: the raw sys_enter/sys_exit tracepoints (tp_btf: all
 * syscalls of all tasks, 64-bit and ia32, selected by number here) or the
 * per-syscall tracepoints syscalls:sys_enter_* (64-bit tasks only; cheaper
 * for the syscalls not traced). User space loads one set or the other.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "../mmtrace.h"

#define TS_COMPAT 0x0002 /* arch/x86/include/asm/thread_info.h */
#define MMT_HOST_WORDS 8 /* the first 64 bytes of the host name */

/* Set by user space between open and load. */
const volatile __u32 self_tgid = 0; /* never trace mmtrace itself */
const volatile __u32 scope_mask = 0; /* MMT_SCOPE_* in force */
const volatile __u32 uid_min = 0, uid_max = 0; /* MMT_SCOPE_UID */
/* MMT_SCOPE_PID with a few pids: compared here, no tgid_filter lookup */
#define MMT_INLINE_PIDS 8
const volatile __u32 inline_pids[MMT_INLINE_PIDS] = {};
const volatile __u32 ninline_pids = 0; /* 0: the pids are in tgid_filter */
const volatile bool follow_forks = false; /* children of selected processes */
const volatile bool only_failed = false; /* keep only calls that failed */
const volatile bool summary_only = false; /* count, write no record */
const volatile __u8 summary_by = MMT_BY_NONE;
/* predicates per event, ANDed */
const volatile struct mmt_pred preds[MMT_EV_COUNT][MMT_MAX_PREDS] = {};
const volatile __u8 npreds[MMT_EV_COUNT] = {};
const volatile __u64 wakeup_bytes = 0; /* wake the reader past this fill */
/* raw tracepoints: event + 1 of each syscall number, 0 when not traced */
const volatile __u8 sel64[MMT_NR_MAX] = {};
const volatile __u8 sel32[MMT_NR_MAX] = {};

/* Entry state kept from sys_enter to sys_exit. */
struct inflight {
	__u64 enter_ns;
	__u32 event;
	__u16 nr;
	__u16 flags; /* MMT_REC_COMPAT */
	__u64 args[MMT_MAX_ARGS];
	__u64 migrate_succeeded, migrate_failed, migrate_split;
	__u32 migrate_batches;
	__u32 active; /* 1 from entry to exit */
};

union payload {
	struct mmt_payload_masks masks;
	struct mmt_payload_move_pages move;
};

/*
 * What a thread's last struct mmt_task was made from. A call compares these
 * with the task (plain loads, no helper calls) and sends a new struct
 * mmt_task only when one differs: a new thread with a reused tid (start),
 * a new parent, new namespaces, an exec (exe_file) or a new host name.
 */
struct task_seen {
	__u64 start;
	__u64 parent;
	__u64 nsproxy;
	__u64 exe_file;
	__u64 host[MMT_HOST_WORDS];
	__u64 sent; /* 1: user space has this thread's context */
};

/* A thread's call in flight, the user memory read at its entry, and what
 * its context was last sent from. */
struct call_state {
	struct inflight e;
	struct task_seen seen;
	union payload p;
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
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct call_state);
} inflight SEC(".maps");

/* The current thread's call in flight; created at its first call. */
static __always_inline struct call_state *call_state(bool create)
{
	return bpf_task_storage_get(&inflight, bpf_get_current_task_btf(), 0,
				    create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
}

/* Scopes: the values user space asked for. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32); /* tgid */
	__type(value, __u8);
} tgid_filter SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32); /* tid */
	__type(value, __u8);
} tid_filter SEC(".maps");

struct comm_key {
	char comm[MMT_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct comm_key);
	__type(value, __u8);
} comm_filter SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct comm_key);
	__type(value, __u8);
} not_comm_filter SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64); /* cgroup id */
	__type(value, __u8);
} cgroup_filter SEC(".maps");

/* Descendants of selected processes (follow_forks): selected too. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 32768);
	__type(key, __u32); /* tgid */
	__type(value, __u8);
} followed SEC(".maps");

/* Summary mode: per-CPU statistics. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct mmt_stat_key);
	__type(value, struct mmt_stat);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32); /* tgid */
	__type(value, struct exe_cache);
} exe_paths SEC(".maps");


/* Scratch space, too large for the 512-byte BPF stack. */
struct scratch {
	struct mmt_mask recheck;
	char path[2 * MMT_PATH_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

/* Per-CPU counters: [event][enum mmt_counter]. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MMT_EV_COUNT * MMT_CNT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

extern struct task_struct *bpf_task_from_vpid(s32 vpid) __ksym __weak;
extern void bpf_task_release(struct task_struct *p) __ksym __weak;

static __always_inline void count(__u32 event, __u32 counter)
{
	__u32 key = event * MMT_CNT_COUNT + counter;
	__u64 *n = bpf_map_lookup_elem(&counters, &key);

	if (n)
		*n += 1;
}

/* Do the scopes other than the pid select the current task? */
static __always_inline bool scopes_match(__u32 tid)
{
	struct comm_key ck;

	if ((scope_mask & MMT_SCOPE_TID) && !bpf_map_lookup_elem(&tid_filter, &tid))
		return false;
	if (scope_mask & MMT_SCOPE_UID) {
		__u32 uid = (__u32)bpf_get_current_uid_gid();

		if (uid < uid_min || uid > uid_max)
			return false;
	}
	if (scope_mask & (MMT_SCOPE_COMM | MMT_SCOPE_NOT_COMM)) {
		__builtin_memset(&ck, 0, sizeof(ck));
		bpf_get_current_comm(ck.comm, sizeof(ck.comm));
		if ((scope_mask & MMT_SCOPE_COMM) && !bpf_map_lookup_elem(&comm_filter, &ck))
			return false;
		if ((scope_mask & MMT_SCOPE_NOT_COMM) &&
		    bpf_map_lookup_elem(&not_comm_filter, &ck))
			return false;
	}
	if (scope_mask & MMT_SCOPE_CGROUP) {
		__u64 cg = bpf_get_current_cgroup_id();

		if (!bpf_map_lookup_elem(&cgroup_filter, &cg))
			return false;
	}
	return true;
}

/*
 * Is the process in the pid scope: one of the pids (or the command), or
 * with follow_forks one of their descendants?
 */
static __always_inline bool in_pid_scope(__u32 tgid)
{
	if (ninline_pids) {
		/* constants once loaded: the verifier keeps the live compares */
		for (__u32 i = 0; i < MMT_INLINE_PIDS; i++)
			if (i < ninline_pids && inline_pids[i] == tgid)
				return true;
	} else if (bpf_map_lookup_elem(&tgid_filter, &tgid)) {
		return true;
	}
	return follow_forks && bpf_map_lookup_elem(&followed, &tgid);
}

/*
 * With a pid scope (-p, a command): its processes (and descendants), and
 * the other scopes too. Without: the other scopes, or a descendant of a
 * process they selected (follow_forks).
 */
static __always_inline bool task_selected(__u64 pid_tgid)
{
	__u32 tgid = pid_tgid >> 32;

	if (tgid == self_tgid)
		return false;
	if (!scope_mask)
		return true;
	/* -p takes a thread id too (as strace's): that thread alone */
	if (scope_mask & MMT_SCOPE_PID)
		return (in_pid_scope(tgid) || in_pid_scope((__u32)pid_tgid)) &&
		       scopes_match((__u32)pid_tgid);
	if (follow_forks && bpf_map_lookup_elem(&followed, &tgid))
		return true;
	return scopes_match((__u32)pid_tgid);
}

/* The predicates of the event on its arguments and return value: those of
 * a group (contiguous) OR together, the groups AND. */
static __always_inline bool preds_match(__u32 event, __u64 *args, long ret)
{
	bool group_ok = true;
	__u32 n, group = 0;

	if (event >= MMT_EV_COUNT)
		return false;
	n = npreds[event];
	for (__u32 i = 0; i < MMT_MAX_PREDS; i++) {
		const volatile struct mmt_pred *p = &preds[event][i];
		__u32 ai = p->arg;
		__u64 v;
		bool ok;

		if (i >= n)
			break;

		if (ai == MMT_PRED_RET) {
			v = (__u64)ret;
		} else {
			if (ai >= MMT_MAX_ARGS)
				ai = MMT_MAX_ARGS - 1;
			v = args[ai];
		}
		if (p->is_int)
			v = (__u64)(__s64)(__s32)v;
		v &= p->mask;
		switch (p->op) {
		case MMT_OP_EQ:
			ok = v == p->value;
			break;
		case MMT_OP_NE:
			ok = v != p->value;
			break;
		case MMT_OP_LT:
			ok = p->is_signed ? (__s64)v < (__s64)p->value : v < p->value;
			break;
		case MMT_OP_LE:
			ok = p->is_signed ? (__s64)v <= (__s64)p->value : v <= p->value;
			break;
		case MMT_OP_GT:
			ok = p->is_signed ? (__s64)v > (__s64)p->value : v > p->value;
			break;
		case MMT_OP_GE:
			ok = p->is_signed ? (__s64)v >= (__s64)p->value : v >= p->value;
			break;
		default: /* MMT_OP_ANY_BITS */
			ok = v != 0;
			break;
		}
		if (i && p->group != group) {
			if (!group_ok)
				return false; /* the previous group matched nothing */
			group_ok = false;
		} else if (!i) {
			group_ok = false;
		}
		group = p->group;
		group_ok |= ok;
	}
	return group_ok;
}

/* Summary mode: count the call, its errno and its latency. */
/* A new summary slot's first value; in .rodata, not on the BPF stack. */
const struct mmt_stat zero_stat = {};

static __always_inline void count_call(struct inflight *e, long ret, __u64 now)
{
	struct mmt_stat_key key = {};
	struct mmt_stat *st;
	__u64 lat = now - e->enter_ns;
	__u32 slot = 0;

	key.event = e->event;
	key.err = ret < 0 && ret >= -4095 && e->event != MMT_EV_BRK ? -ret : 0;
	if (summary_by == MMT_BY_PID) {
		struct task_struct *leader = BPF_CORE_READ(
			(struct task_struct *)bpf_get_current_task_btf(), group_leader);

		key.group = bpf_get_current_pid_tgid() >> 32;
		/* the process's name: its main thread's */
		bpf_probe_read_kernel_str(key.comm, sizeof(key.comm), &leader->comm);
	} else if (summary_by == MMT_BY_CGROUP)
		key.group = bpf_get_current_cgroup_id();
	else if (summary_by == MMT_BY_COMM)
		bpf_get_current_comm(key.comm, sizeof(key.comm));
	st = bpf_map_lookup_elem(&stats, &key);
	if (!st) {
		bpf_map_update_elem(&stats, &key, &zero_stat, BPF_NOEXIST);
		st = bpf_map_lookup_elem(&stats, &key);
		if (!st) {
			count(e->event, MMT_DROP_INFLIGHT);
			return;
		}
	}
	/* log2, rounded down */
	for (__u64 v = lat; v > 1 && slot < MMT_HIST_SLOTS - 1; v >>= 1)
		slot++;
	st->calls++;
	st->lat_sum += lat;
	if (lat > st->lat_max)
		st->lat_max = lat;
	st->hist[slot & (MMT_HIST_SLOTS - 1)]++;
}

static __always_inline enum mmt_payload_kind payload_of(__u32 event)
{
	switch (event) {
	case MMT_EV_MBIND:
	case MMT_EV_SET_MEMPOLICY:
	case MMT_EV_GET_MEMPOLICY:
	case MMT_EV_MIGRATE_PAGES:
		return MMT_PAYLOAD_MASKS;
	case MMT_EV_MOVE_PAGES:
		return MMT_PAYLOAD_MOVE_PAGES;
	default:
		return MMT_PAYLOAD_NONE;
	}
}

/*
 * Read a node mask the way the kernel's get_nodes() does: it uses the low
 * maxnode - 1 bits of an array of longs (32-bit longs for ia32 callers).
 * We read at most MMT_MASK_MAX_BITS of them and say when it reads more.
 */
static __always_inline void read_mask(struct mmt_mask *m, __u64 uptr,
				      __u64 maxnode, bool compat)
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
	if (compat)
		bytes = ((nbits + 31) / 32) * 4;
	else
		bytes = ((nbits + 63) / 64) * 8;
	/* a bound the compiler cannot drop: 6.1's verifier loses it when the
	 * value goes through the stack */
	barrier_var(bytes);
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

/* A mask slot with nothing in it: every field, not just the state (the
 * thread's storage still holds its previous call's). */
static __always_inline void mask_unused(struct mmt_mask *m, __u8 state)
{
	m->state = state;
	m->truncated = 0;
	m->nbits = 0;
	m->read_err = 0;
}

static __always_inline void array_unused(struct mmt_array *a, __u8 state)
{
	a->state = state;
	a->truncated = 0;
	a->elem_size = 4;
	a->count = 0;
	a->read_err = 0;
}

/* Read count elements of elem_size bytes, at most MMT_ARRAY_MAX. */
static __always_inline void read_array(struct mmt_array *a, __u64 uptr,
				       __u64 count, __u32 elem_size)
{
	__u64 bytes;
	long err;

	a->truncated = 0;
	a->count = 0;
	a->read_err = 0;
	a->elem_size = elem_size;
	if (!uptr) {
		a->state = MMT_MASK_NULL;
		return;
	}
	if (!count) {
		a->state = MMT_MASK_EMPTY;
		return;
	}
	if (count > MMT_ARRAY_MAX) {
		count = MMT_ARRAY_MAX;
		a->truncated = 1;
	}
	bytes = count * elem_size;
	/* Older verifiers (6.1; relaxed around 6.10) drop the bounds of a
	 * product with a non-constant factor (count * elem_size): keep the
	 * clamp below from being folded away, so the verifier sees it. */
	barrier_var(bytes);
	if (bytes > sizeof(a->data))
		bytes = sizeof(a->data);
	err = bpf_probe_read_user(a->data, bytes, (const void *)uptr);
	if (err) {
		a->state = MMT_MASK_FAULT;
		a->read_err = err;
		return;
	}
	a->state = MMT_MASK_READ;
	a->count = count;
}

/* The kernel's own copy of the masks: defined in its section below. */
static __always_inline void kcopy_begin(struct inflight *e, union payload *p);

static __always_inline void read_entry_payload(struct inflight *e,
					       union payload *p)
{
	bool compat = e->flags & MMT_REC_COMPAT;
	__u64 *a = e->args;

	switch (e->event) {
	case MMT_EV_MBIND: /* addr, len, mode, nodemask, maxnode, flags */
		read_mask(&p->masks.masks[0], a[3], a[4], compat);
		mask_unused(&p->masks.masks[1], MMT_MASK_NONE);
		break;
	case MMT_EV_SET_MEMPOLICY: /* mode, nodemask, maxnode */
		read_mask(&p->masks.masks[0], a[1], a[2], compat);
		mask_unused(&p->masks.masks[1], MMT_MASK_NONE);
		break;
	case MMT_EV_GET_MEMPOLICY: /* written by the kernel: read at exit */
		mask_unused(&p->masks.masks[0], MMT_MASK_NONE);
		mask_unused(&p->masks.masks[1], MMT_MASK_NONE);
		break;
	case MMT_EV_MIGRATE_PAGES: /* pid, maxnode, old_nodes, new_nodes */
		read_mask(&p->masks.masks[0], a[2], a[1], compat);
		read_mask(&p->masks.masks[1], a[3], a[1], compat);
		break;
	case MMT_EV_MOVE_PAGES: /* pid, count, pages, nodes, status, flags */
		read_array(&p->move.pages, a[2], a[1], compat ? 4 : 8);
		read_array(&p->move.nodes, a[3], a[1], 4);
		array_unused(&p->move.status, MMT_MASK_NONE);
		return;
	}
	p->masks.out_int_state = MMT_MASK_NONE;
	kcopy_begin(e, p);
}

static __always_inline int on_enter(__u64 *args, __u32 event, __u16 nr,
				    bool compat)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct call_state *cs;
	struct inflight *e;

	if (!task_selected(pid_tgid)) {
		if (scope_mask)
			count(event, MMT_CNT_FILTERED);
		return 0;
	}
	cs = call_state(true);
	if (!cs) {
		count(event, MMT_DROP_INFLIGHT);
		return 0;
	}
	e = &cs->e;
	e->enter_ns = bpf_ktime_get_boot_ns();
	e->event = event;
	e->nr = nr;
	e->flags = compat ? MMT_REC_COMPAT : 0;
	for (int i = 0; i < MMT_MAX_ARGS; i++)
		e->args[i] = args[i];
	e->migrate_succeeded = 0;
	e->migrate_failed = 0;
	e->migrate_split = 0;
	e->migrate_batches = 0;
	if (!summary_only && payload_of(event) != MMT_PAYLOAD_NONE)
		read_entry_payload(e, &cs->p);
	e->active = 1;
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

/* The part of a call's context that can change from call to call. */
static __always_inline void fill_call_context(struct mmt_call *r, __u64 pid_tgid)
{
	__u64 uid_gid = bpf_get_current_uid_gid();

	r->cpu = bpf_get_smp_processor_id();
	r->cgroup_id = bpf_get_current_cgroup_id();
	r->host_tid = (__u32)pid_tgid;
	r->host_pid = pid_tgid >> 32;
	r->uid = (__u32)uid_gid;
	r->gid = uid_gid >> 32;
	bpf_get_current_comm(r->comm, sizeof(r->comm));
}

/* The thread's context that rarely changes: see struct task_seen. */
static __always_inline void fill_task(struct mmt_task *r, struct task_struct *task,
				      __u64 pid_tgid)
{
	struct task_struct *leader = BPF_CORE_READ(task, group_leader);
	struct task_struct *parent = BPF_CORE_READ(task, real_parent);
	struct pid *tpid = BPF_CORE_READ(task, thread_pid);
	unsigned int level = BPF_CORE_READ(tpid, level);
	struct uts_namespace *uts;
	struct upid up;

	r->event = MMT_WIRE_TASK;
	r->pad = 0;
	r->host_tid = (__u32)pid_tgid;
	r->thread_start_ns = BPF_CORE_READ(task, start_boottime);
	r->host_ppid = BPF_CORE_READ(parent, tgid);
	bpf_probe_read_kernel(&up, sizeof(up), &tpid->numbers[level]);
	r->tid = up.nr;
	r->pid_ns = BPF_CORE_READ(up.ns, ns.inum);
	r->pid = ns_nr(BPF_CORE_READ(leader, thread_pid));
	r->ppid = ns_nr(BPF_CORE_READ(parent, group_leader, thread_pid));
	r->mnt_ns = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	uts = BPF_CORE_READ(task, nsproxy, uts_ns);
	bpf_core_read_str(r->host, sizeof(r->host), &uts->name.nodename);
	read_exe(task, pid_tgid >> 32, r->exe);
}

/*
 * Send the thread's context ahead of its call record when user space does
 * not have it, or has an outdated one. False: no room in the ring buffer,
 * and the call record must not go out without its context.
 */
/*
 * Send the current thread's context: 1, or 0 when the ring buffer is full.
 * A global function: the verifier checks it once, on its own, instead of
 * along every path of its caller (the path walk in it is long).
 */
__noinline int send_task(__u64 pid_tgid)
{
	struct mmt_task *r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);

	if (!r)
		return 0;
	fill_task(r, (struct task_struct *)bpf_get_current_task_btf(), pid_tgid);
	bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
	return 1;
}

/* Keep v in *field; a change makes the context sent so far outdated. */
#define SEEN(field, v)                                                         \
	do {                                                                   \
		__u64 v_ = (v);                                                \
		if (seen->field != v_) {                                       \
			seen->field = v_;                                      \
			same = false;                                          \
		}                                                              \
	} while (0)

static __always_inline bool task_known(struct call_state *cs, __u64 pid_tgid)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct nsproxy *nsp = task->nsproxy;
	struct mm_struct *mm = task->mm;
	struct task_seen *seen = &cs->seen;
	struct uts_namespace *uts = nsp ? nsp->uts_ns : NULL;
	bool same = seen->sent;

	SEEN(start, task->start_boottime);
	SEEN(parent, (__u64)task->real_parent);
	SEEN(nsproxy, (__u64)nsp);
	SEEN(exe_file, mm ? (__u64)mm->exe_file : 0);
	if (uts) {
		const __u64 *name = (const __u64 *)uts->name.nodename;

		for (int i = 0; i < MMT_HOST_WORDS; i++)
			SEEN(host[i], name[i]);
	}
	if (same)
		return true;
	seen->sent = send_task(pid_tgid);
	return seen->sent;
}

/*
 * Read an input mask again at exit: did the caller change it while the call
 * was in flight (the kernel may then have acted on other nodes)?
 */
static __always_inline __u8 mask_changed(struct mmt_mask *m, __u64 uptr,
					 __u64 maxnode, bool compat)
{
	struct scratch *s;
	__u32 zero = 0;

	if (m->state != MMT_MASK_READ)
		return 0;
	s = bpf_map_lookup_elem(&scratch, &zero);
	if (!s)
		return 0;
	read_mask(&s->recheck, uptr, maxnode, compat);
	if (s->recheck.state != MMT_MASK_READ)
		return 1; /* unmapped meanwhile */
	for (__u32 i = 0; i < MMT_MASK_WORDS; i++) {
		__u64 diff = s->recheck.words[i] ^ m->words[i];
		__u32 first = i * 64;

		if (first >= m->nbits)
			break;
		if (m->nbits - first < 64)
			diff &= (1ULL << (m->nbits - first)) - 1;
		if (diff)
			return 1;
	}
	return 0;
}

/* What the kernel wrote to user memory during the call; the inputs again. */
static __always_inline void read_exit_payload(struct inflight *e,
					      union payload *p, long ret)
{
	bool compat = e->flags & MMT_REC_COMPAT;
	__u64 *a = e->args;

	if (payload_of(e->event) == MMT_PAYLOAD_MASKS) {
		p->masks.changed[0] = 0;
		p->masks.changed[1] = 0;
	}
	switch (e->event) {
	case MMT_EV_SET_MEMPOLICY:
		p->masks.changed[0] = mask_changed(&p->masks.masks[0], a[1], a[2], compat);
		break;
	case MMT_EV_MBIND:
		p->masks.changed[0] = mask_changed(&p->masks.masks[0], a[3], a[4], compat);
		break;
	case MMT_EV_MIGRATE_PAGES:
		p->masks.changed[0] = mask_changed(&p->masks.masks[0], a[2], a[1], compat);
		p->masks.changed[1] = mask_changed(&p->masks.masks[1], a[3], a[1], compat);
		break;
	case MMT_EV_GET_MEMPOLICY: /* mode, nodemask, maxnode, addr, flags */
		if (ret) { /* the kernel wrote nothing */
			mask_unused(&p->masks.masks[0], a[1] ? MMT_MASK_EMPTY : MMT_MASK_NULL);
			p->masks.out_int_state = a[0] ? MMT_MASK_EMPTY : MMT_MASK_NULL;
			break;
		}
		read_mask(&p->masks.masks[0], a[1], a[2], compat);
		if (!a[0]) {
			p->masks.out_int_state = MMT_MASK_NULL;
		} else if (bpf_probe_read_user(&p->masks.out_int, sizeof(__s32),
					       (const void *)a[0])) {
			p->masks.out_int_state = MMT_MASK_FAULT;
		} else {
			p->masks.out_int_state = MMT_MASK_READ;
		}
		break;
	case MMT_EV_MOVE_PAGES: /* the status array */
		if (ret < 0) {
			array_unused(&p->move.status, MMT_MASK_EMPTY);
			break;
		}
		read_array(&p->move.status, a[4], a[1], 4);
		break;
	}
}

/*
 * find_task_by_vpid() by hand, for kernels without bpf_task_from_vpid()
 * (before 6.13; 6.1 has no task kfunc at all). The caller's pid namespace
 * keeps its struct pids in an idr, an xarray indexed by pid number: descend
 * it (6 bits a level; 4 levels cover pid_max 4194304) and take the task on
 * the pid's PIDTYPE_PID list. BPF tracing runs under rcu_read_lock(), which
 * is what the kernel's own lookup needs; every read is a probe read. The
 * target is alive here: the call that named it has not returned yet.
 */
#define XA_LEVELS 6

static __always_inline bool xa_node_entry(unsigned long entry)
{
	return (entry & 3) == 2 && entry > 4096; /* xa_is_node() */
}

static __always_inline struct task_struct *task_by_vpid_walk(__s32 nr)
{
	struct task_struct *cur = (struct task_struct *)bpf_get_current_task();
	struct pid *cpid = BPF_CORE_READ(cur, thread_pid);
	unsigned int level = BPF_CORE_READ(cpid, level);
	unsigned long index, entry;
	struct hlist_node *first;
	struct pid_namespace *ns;
	struct upid up;

	bpf_probe_read_kernel(&up, sizeof(up), &cpid->numbers[level]);
	ns = up.ns;
	index = (unsigned long)nr - BPF_CORE_READ(ns, idr.idr_base);
	entry = (unsigned long)BPF_CORE_READ(ns, idr.idr_rt.xa_head);
	if (!xa_node_entry(entry) && index)
		return NULL; /* no node: the one entry has index 0 */
	for (int i = 0; i < XA_LEVELS && xa_node_entry(entry); i++) {
		struct xa_node *node = (struct xa_node *)(entry - 2);
		unsigned int shift = BPF_CORE_READ(node, shift) & 63;

		if (i == 0 && shift < 58 && (index >> shift) > 63)
			return NULL; /* beyond the tree */
		bpf_core_read(&entry, sizeof(entry), &node->slots[(index >> shift) & 63]);
	}
	if (!entry || (entry & 3))
		return NULL; /* empty, reserved, or still a node */
	first = BPF_CORE_READ((struct pid *)entry, tasks[PIDTYPE_PID].first);
	if (!first)
		return NULL;
	return (struct task_struct *)((void *)first -
				      bpf_core_field_offset(struct task_struct, pid_links));
}

/* The process a pid argument names: its comm, uid and host pid. */
static __always_inline void fill_target(struct mmt_call *r, __s32 pid)
{
	struct task_struct *t;
	const struct cred *cred;

	if (pid <= 0)
		return;
	if (!bpf_task_from_vpid) {
		t = task_by_vpid_walk(pid);
		if (!t)
			return;
		BPF_CORE_READ_STR_INTO(&r->target_comm, t, comm);
		r->target_uid = BPF_CORE_READ(t, real_cred, uid.val);
		r->target_host_pid = BPF_CORE_READ(t, tgid);
		r->flags |= MMT_REC_TARGET;
		return;
	}
	t = bpf_task_from_vpid(pid);
	if (!t)
		return;
	bpf_probe_read_kernel_str(r->target_comm, sizeof(r->target_comm), t->comm);
	cred = t->real_cred;
	r->target_uid = BPF_CORE_READ(cred, uid.val);
	r->target_host_pid = t->tgid;
	r->flags |= MMT_REC_TARGET;
	bpf_task_release(t);
}

/* A mask the compact wire form can carry: nothing past its first word
 * (the words of a mask that was not read do not count). */
static __always_inline __u64 mask_high_bits(const struct mmt_mask *m)
{
	__u64 high = 0;

	for (int i = 1; i < MMT_MASK_WORDS; i++)
		high |= m->words[i];
	/* no branch per word: each would be one more path to verify */
	return high & -(__u64)(m->state == MMT_MASK_READ);
}

static __always_inline bool masks_fit_words(const struct mmt_payload_masks *p)
{
	return !(mask_high_bits(&p->masks[0]) | mask_high_bits(&p->masks[1]) |
		 mask_high_bits(&p->kmasks[0]) | mask_high_bits(&p->kmasks[1]));
}

static __always_inline void mask_compact(struct mmt_mask_compact *c, const struct mmt_mask *m)
{
	c->state = m->state;
	c->truncated = m->truncated;
	c->nbits = m->nbits;
	c->read_err = m->read_err;
	c->word = m->state == MMT_MASK_READ ? m->words[0] : 0;
}

static __always_inline void masks_compact(struct mmt_payload_masks_compact *c,
					  const struct mmt_payload_masks *p)
{
	for (int i = 0; i < MMT_MAX_MASKS; i++) {
		mask_compact(&c->masks[i], &p->masks[i]);
		mask_compact(&c->kmasks[i], &p->kmasks[i]);
		c->changed[i] = p->changed[i];
	}
	c->out_int = p->out_int;
	c->out_int_state = p->out_int_state;
	c->toctou_method = p->toctou_method;
}

static __always_inline int on_exit(long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	enum mmt_payload_kind kind;
	union payload *p = NULL;
	struct call_state *cs;
	struct mmt_call *r;
	struct inflight *e;
	__u64 flags = BPF_RB_NO_WAKEUP;
	bool compact = false;
	__u32 event;

	cs = call_state(false);
	if (!cs || !cs->e.active)
		return 0; /* entry not selected, or seen before we attached */
	e = &cs->e;
	event = e->event;
	kind = summary_only ? MMT_PAYLOAD_NONE : payload_of(event);
	if ((only_failed && !(ret < 0 && ret >= -4095 && event != MMT_EV_BRK)) ||
	    !preds_match(event, e->args, ret)) {
		count(event, MMT_CNT_FILTERED);
		goto out;
	}
	if (summary_only) {
		count_call(e, ret, bpf_ktime_get_boot_ns());
		goto out;
	}
	/* before any branch on the event's kind: the verifier then walks the
	 * context's code (the path walk) once, not once per kind */
	if (!task_known(cs, pid_tgid)) {
		count(event, MMT_DROP_RINGBUF);
		goto out;
	}
	if (kind != MMT_PAYLOAD_NONE) {
		p = &cs->p;
		read_exit_payload(e, p, ret);
	}
	/* a third of the size when the masks fit one word each */
	if (kind == MMT_PAYLOAD_MASKS && p && masks_fit_words(&p->masks)) {
		compact = true;
		r = bpf_ringbuf_reserve(&events,
					sizeof(*r) + sizeof(struct mmt_payload_masks_compact), 0);
	} else if (kind == MMT_PAYLOAD_MASKS)
		r = bpf_ringbuf_reserve(&events, sizeof(*r) + sizeof(struct mmt_payload_masks), 0);
	else if (kind == MMT_PAYLOAD_MOVE_PAGES)
		r = bpf_ringbuf_reserve(&events, sizeof(*r) + sizeof(struct mmt_payload_move_pages),
					0);
	else
		r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
	if (!r) {
		count(event, MMT_DROP_RINGBUF);
		goto out;
	}
	r->event = event;
	r->flags = e->flags | (compact ? MMT_REC_COMPACT : 0);
	r->payload = kind;
	r->nr = e->nr;
	r->enter_ns = e->enter_ns;
	r->exit_ns = bpf_ktime_get_boot_ns();
	r->ret = ret;
	for (int i = 0; i < MMT_MAX_ARGS; i++)
		r->args[i] = e->args[i];
	r->migrate_succeeded = e->migrate_succeeded;
	r->migrate_failed = e->migrate_failed;
	r->migrate_split = e->migrate_split;
	r->migrate_batches = e->migrate_batches;
	if (e->migrate_batches)
		r->flags |= MMT_REC_MIGRATED;
	r->target_uid = 0;
	r->target_host_pid = 0;
	r->target_comm[0] = '\0';
	if (event == MMT_EV_MIGRATE_PAGES || event == MMT_EV_MOVE_PAGES)
		fill_target(r, (__s32)e->args[0]);
	fill_call_context(r, pid_tgid);
	/* masks: plain copies (both sides are BPF memory); move_pages' arrays
	 * are too large for one inline copy */
	if (p && compact)
		masks_compact((struct mmt_payload_masks_compact *)(r + 1), &p->masks);
	else if (p && kind == MMT_PAYLOAD_MASKS)
		__builtin_memcpy(r + 1, p, sizeof(struct mmt_payload_masks));
	else if (p && kind == MMT_PAYLOAD_MOVE_PAGES)
		bpf_probe_read_kernel(r + 1, sizeof(struct mmt_payload_move_pages), p);

	/*
	 * No wake-up (the reader polls every 10 ms) until a quarter of the
	 * buffer is unread; past that, every record wakes the reader. That
	 * slows a producer that outruns the reader instead of dropping its
	 * records: waking only once at the crossing lost 38% of a tight loop.
	 */
	if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes)
		flags = BPF_RB_FORCE_WAKEUP;
	bpf_ringbuf_submit(r, flags);
out:
	e->active = 0;
	return 0;
}

/* ---- way in 1: raw syscall tracepoints, 64-bit and ia32 ---- */

static __always_inline bool in_compat(void)
{
	struct task_struct *task = bpf_get_current_task_btf();

	return task->thread_info.status & TS_COMPAT;
}

/*
 * The event of syscall nr, or 0 when it is not traced. Most syscalls are
 * in neither table: they leave before the task is even looked at.
 */
static __always_inline __u32 selected(long nr, bool *compat)
{
	__u32 e64, e32;

	if ((__u64)nr >= MMT_NR_MAX)
		return 0;
	e64 = sel64[nr];
	e32 = sel32[nr];
	if (!e64 && !e32)
		return 0;
	*compat = in_compat();
	return *compat ? e32 : e64;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(raw_enter, struct pt_regs *regs, long nr)
{
	bool compat = false;
	__u32 ev = selected(nr, &compat);
	__u64 args[MMT_MAX_ARGS];

	if (!ev)
		return 0;
	if (compat) {
		/* ia32: ebx, ecx, edx, esi, edi, ebp, each 32 bits */
		args[0] = (__u32)regs->bx;
		args[1] = (__u32)regs->cx;
		args[2] = (__u32)regs->dx;
		args[3] = (__u32)regs->si;
		args[4] = (__u32)regs->di;
		args[5] = (__u32)regs->bp;
		if (ev - 1 == MMT_EV_MMAP && nr == 192)
			args[5] <<= 12; /* mmap2 takes the offset in pages */
	} else {
		/* x86_64: the 4th argument is in r10, not rcx */
		args[0] = regs->di;
		args[1] = regs->si;
		args[2] = regs->dx;
		args[3] = regs->r10;
		args[4] = regs->r8;
		args[5] = regs->r9;
	}
	return on_enter(args, ev - 1, nr, compat);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(raw_exit, struct pt_regs *regs, long ret)
{
	bool compat;

	if (!selected(regs->orig_ax, &compat))
		return 0;
	return on_exit(ret);
}

/* ---- way in 2: per-syscall tracepoints, 64-bit tasks only ---- */

#define MMT_SYSCALL_TP(name, NAME)                                         \
	SEC("tracepoint/syscalls/sys_enter_" #name)                        \
	int enter_##name(struct syscall_trace_enter *ctx)                  \
	{                                                                  \
		__u64 args[MMT_MAX_ARGS];                                  \
		bpf_probe_read_kernel(args, sizeof(args), ctx->args);      \
		return on_enter(args, MMT_EV_##NAME, ctx->nr, false);      \
	}                                                                  \
	SEC("tracepoint/syscalls/sys_exit_" #name)                         \
	int exit_##name(struct syscall_trace_exit *ctx)                    \
	{                                                                  \
		return on_exit(ctx->ret);                            \
	}

MMT_EVENTS(MMT_SYSCALL_TP)

/* ---- what the kernel did: page migrations during a traced call ---- */

SEC("tracepoint/migrate/mm_migrate_pages")
int on_migrate(struct trace_event_raw_mm_migrate_pages *ctx)
{
	struct call_state *cs = call_state(false);
	struct inflight *e;

	if (!cs || !cs->e.active)
		return 0;
	e = &cs->e;
	if (e->event != MMT_EV_MIGRATE_PAGES && e->event != MMT_EV_MOVE_PAGES &&
	    e->event != MMT_EV_MBIND)
		return 0;
	e->migrate_succeeded += ctx->succeeded;
	e->migrate_failed += ctx->failed;
	e->migrate_split += ctx->thp_split;
	if (bpf_core_field_exists(ctx->large_folio_split))
		e->migrate_split += BPF_CORE_READ(ctx, large_folio_split);
	e->migrate_batches++;
	return 0;
}

/*
 * ---- the kernel's own copy of the node masks ----
 *
 * The masks read at entry are what user memory held just before the kernel
 * copied them; a thread of the caller can change them in between. Where the
 * kernel lets us, we read the copy the kernel actually took: get_nodes()
 * (mm/mempolicy.c; set_mempolicy and mbind call it once, migrate_pages once
 * per mask) copies the user mask into a nodemask_t, and at its return that
 * nodemask_t is what the call acts on. fexit on it where fentry/fexit work,
 * else a kprobe/kretprobe pair; user space loads at most one of the two, and
 * only after checking at run time that the kernel has and allows the hook.
 * User space compares the copy with the entry read: a difference is a
 * proven time-of-check/time-of-use race.
 */

/* MMT_TOCTOU_KCOPY_* of the hook attached, 0 when none: set by user space
 * after attaching (a .bss variable, writable after load). */
volatile __u8 kcopy_hook = 0;

/* kprobe to kretprobe: get_nodes()'s arguments, per thread. */
struct kcopy_args {
	__u64 nodes; /* nodemask_t *, the kernel's copy */
	__u64 nmask; /* the user pointer it copies from */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32); /* tid */
	__type(value, struct kcopy_args);
} kcopy_pending SEC(".maps");

static __always_inline bool kcopy_event(__u32 event)
{
	return event == MMT_EV_SET_MEMPOLICY || event == MMT_EV_MBIND ||
	       event == MMT_EV_MIGRATE_PAGES;
}

/* At entry (read_entry_payload): nothing copied yet; the method in force. */
static __always_inline void kcopy_begin(struct inflight *e, union payload *p)
{
	mask_unused(&p->masks.kmasks[0], MMT_MASK_NONE);
	mask_unused(&p->masks.kmasks[1], MMT_MASK_NONE);
	if (!kcopy_event(e->event))
		p->masks.toctou_method = MMT_TOCTOU_NONE;
	else if (kcopy_hook)
		p->masks.toctou_method = kcopy_hook;
	else
		p->masks.toctou_method = MMT_TOCTOU_REREAD;
}

/*
 * get_nodes(kmask, nmask, maxnode) returned ret in the current thread: if
 * the thread is in a traced call that passed nmask as one of its masks not
 * yet seen, keep the kernel's copy in that call's payload. migrate_pages
 * copies old_nodes, then new_nodes: a pointer passed as both fills the
 * first slot, then the second.
 */
static __always_inline int kcopy_save(__u64 nmask, const void *kmask, long ret)
{
	struct call_state *cs = call_state(false);
	__u64 maxnode, nbits, size;
	struct inflight *e;
	struct mmt_mask *k;
	union payload *p;
	__u32 slot;

	if (!cs || !cs->e.active || !kcopy_event(cs->e.event))
		return 0;
	e = &cs->e;
	p = &cs->p;
	if (p->masks.toctou_method < MMT_TOCTOU_KCOPY_FEXIT)
		return 0; /* entered before the hook was in place */
	switch (e->event) {
	case MMT_EV_SET_MEMPOLICY: /* mode, nodemask, maxnode */
		if (nmask != e->args[1])
			return 0;
		slot = 0;
		maxnode = e->args[2];
		break;
	case MMT_EV_MBIND: /* addr, len, mode, nodemask, maxnode, flags */
		if (nmask != e->args[3])
			return 0;
		slot = 0;
		maxnode = e->args[4];
		break;
	default: /* migrate_pages: pid, maxnode, old_nodes, new_nodes */
		if (nmask == e->args[2] && p->masks.kmasks[0].state == MMT_MASK_NONE)
			slot = 0;
		else if (nmask == e->args[3])
			slot = 1;
		else
			return 0;
		maxnode = e->args[1];
		break;
	}
	k = &p->masks.kmasks[slot & 1];
	if (k->state != MMT_MASK_NONE)
		return 0; /* seen already */
	if (ret) {
		mask_unused(k, MMT_MASK_FAULT);
		k->read_err = ret;
		return 0;
	}
	if (!nmask || maxnode <= 1) {
		mask_unused(k, nmask ? MMT_MASK_EMPTY : MMT_MASK_NULL);
		return 0;
	}
	/* the bits the entry read covers; the kernel keeps MAX_NUMNODES of
	 * them, and a successful copy means the others were 0 */
	nbits = maxnode - 1;
	k->truncated = nbits > MMT_MASK_MAX_BITS;
	if (nbits > MMT_MASK_MAX_BITS)
		nbits = MMT_MASK_MAX_BITS;
	__builtin_memset(k->words, 0, sizeof(k->words));
	size = bpf_core_type_size(nodemask_t);
	if (size > sizeof(k->words))
		size = sizeof(k->words);
	if (bpf_probe_read_kernel(k->words, size, kmask)) {
		mask_unused(k, MMT_MASK_FAULT);
		k->read_err = -14; /* EFAULT: our read of it, not the kernel's */
		return 0;
	}
	k->nbits = nbits;
	k->read_err = 0;
	k->state = MMT_MASK_READ;
	return 0;
}

SEC("fexit/get_nodes")
int BPF_PROG(kcopy_fexit, nodemask_t *nodes, const unsigned long *nmask, unsigned long maxnode,
	     int ret)
{
	return kcopy_save((__u64)nmask, nodes, ret);
}

SEC("kprobe/get_nodes")
int BPF_KPROBE(kcopy_kprobe, nodemask_t *nodes, const unsigned long *nmask)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct call_state *cs = call_state(false);
	struct kcopy_args a;

	if (!cs || !cs->e.active || !kcopy_event(cs->e.event))
		return 0;
	a.nodes = (__u64)nodes;
	a.nmask = (__u64)nmask;
	bpf_map_update_elem(&kcopy_pending, &tid, &a, BPF_ANY);
	return 0;
}

SEC("kretprobe/get_nodes")
int BPF_KRETPROBE(kcopy_kretprobe, int ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct kcopy_args *a = bpf_map_lookup_elem(&kcopy_pending, &tid);

	if (!a)
		return 0;
	kcopy_save(a->nmask, (const void *)a->nodes, ret);
	bpf_map_delete_elem(&kcopy_pending, &tid);
	return 0;
}

/* ---- process lifetime ---- */

/* Follow descendants: a child of a selected process is selected. It runs
 * in the parent's context, so the scopes test the parent. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(follow_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = parent->tgid, ctgid = child->tgid;
	__u8 one = 1;

	if (ptgid == ctgid || ptgid == self_tgid) /* a thread; or mmtrace */
		return 0;
	if ((scope_mask & MMT_SCOPE_PID) ? in_pid_scope(ptgid) :
					   bpf_map_lookup_elem(&followed, &ptgid) ||
						   scopes_match((__u32)bpf_get_current_pid_tgid()))
		bpf_map_update_elem(&followed, &ctgid, &one, BPF_ANY);
	return 0;
}

/* Forget a thread's state when it exits, a process's when its last does. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(forget_exit, struct task_struct *task)
{
	__u32 tgid = task->tgid, tid = task->pid;
	struct call_state *cs = bpf_task_storage_get(&inflight, task, 0, 0);

	/* user space can forget the thread's context (the storage itself goes
	 * with the task) */
	if (cs && cs->seen.sent) {
		struct mmt_task_gone *g = bpf_ringbuf_reserve(&events, sizeof(*g), 0);

		cs->seen.sent = 0;
		if (g) {
			g->event = MMT_WIRE_TASK_GONE;
			g->pad = 0;
			g->host_tid = tid;
			bpf_ringbuf_submit(g, BPF_RB_NO_WAKEUP);
		}
	}
	bpf_map_delete_elem(&kcopy_pending, &tid);
	if (task->signal->live.counter == 0) {
		bpf_map_delete_elem(&followed, &tgid);
		bpf_map_delete_elem(&exe_paths, &tgid);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
