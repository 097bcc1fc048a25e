/* SPDX-License-Identifier: GPL-2.0 */
/*
 * syscalls.bpf.h - one syscall from entry to exit: keep the entry,
 * write one record at exit.
 */
#ifndef MMT_SYSCALLS_BPF_H
#define MMT_SYSCALLS_BPF_H

#include "maps.bpf.h"
#include "scopes.bpf.h"
#include "summary.bpf.h"
#include "payload.bpf.h"
#include "task.bpf.h"
#include "target.bpf.h"
#include "kcopy.bpf.h"
#include "stack.bpf.h"
#include "argctx.bpf.h"

/* At entry: keep the call's arguments and the user memory the kernel is
 * about to read in the thread's storage. rflags: MMT_REC_COMPAT,
 * MMT_REC_ARGS_UNREAD. */
static __always_inline int on_enter(__u64 *args, __u32 event, __u16 nr, __u16 rflags)
{
	const volatile struct mmt_bpf_event *d = event_row(event);
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct call_state *cs;
	struct call_entry *e;

	if (!task_selected(pid_tgid)) {
		if (scope_mask)
			count(event, MMT_CNT_FILTERED);
		return 0;
	}
	cs = current_call_state(true);
	if (!cs) {
		count(event, MMT_DROP_INFLIGHT);
		return 0;
	}
	e = &cs->e;
	e->enter_ns = bpf_ktime_get_boot_ns();
	e->event = event;
	e->nr = nr;
	e->flags = rflags;
	for (int i = 0; i < MMT_MAX_ARGS; i++)
		e->args[i] = args[i];
	if (d && (d->flags & MMT_BPF_EXTRA)) {
		e->x.migrate_succeeded = 0;
		e->x.migrate_failed = 0;
		e->x.migrate_split = 0;
		e->x.migrate_batches = 0;
	}
	if (!summary_only && d && d->payload != MMT_PAYLOAD_NONE) {
		read_entry_payload(e, &cs->p, d);
		if (d->payload == MMT_PAYLOAD_MASKS)
			kcopy_begin(e, &cs->p);
	}
	if (!summary_only && d && argctx_enter(e, &cs->ctx, d))
		e->flags |= MMT_REC_ARGCTX;
	e->active = 1;
	return 0;
}

/* At exit: one record of the call, with what the kernel wrote. */
static __always_inline int on_exit(long ret)
{
	const volatile struct mmt_bpf_event *d;
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	enum mmt_payload_kind kind;
	union payload *p = NULL;
	struct call_state *cs;
	struct mmt_call *r;
	struct call_entry *e;
	void *ring;
	__u64 flags = BPF_RB_NO_WAKEUP;
	bool compact = false, never_fails, withctx, extra;
	__u16 xflags = 0;
	__u32 event;

	cs = current_call_state(false);
	if (!cs || !cs->e.active)
		return 0; /* entry not selected, or seen before we attached */
	e = &cs->e;
	event = e->event;
	d = event_row(event);
	if (!d)
		goto out;
	kind = summary_only ? MMT_PAYLOAD_NONE : d->payload;
	never_fails = d->flags & MMT_BPF_NEVER_FAILS;
	if ((only_failed && !mmt_ret_failed(ret, never_fails)) ||
	    !preds_match(event, e->args, ret)) {
		count(event, MMT_CNT_FILTERED);
		goto out;
	}
	if (summary_only) {
		count_call(e, ret, bpf_ktime_get_boot_ns(), never_fails);
		goto out;
	}
	/* before any branch on the event's kind: the verifier then walks the
	 * context's code (the path walk) once, not once per kind */
	if (!task_known(cs, pid_tgid)) {
		count(event, MMT_DROP_RINGBUF);
		goto out;
	}
	ring = cpu_ring();
	if (!ring) {
		count(event, MMT_DROP_RINGBUF);
		goto out;
	}
	if (kind != MMT_PAYLOAD_NONE) {
		p = &cs->p;
		read_exit_payload(e, p, d, ret);
	}
	/*
	 * The record's size is a constant in each branch, as the ring buffer
	 * wants; what goes in it is copied in the branch that sized it, where
	 * the verifier knows that size. The call's fields (128 bytes); a
	 * struct mmt_call_extra for the events that move pages or name a
	 * process (their migrations and target, one copy); the payload: masks
	 * that fit one word each in the compact form (without the kernel's
	 * copies when no hook for them was planned), move_pages' arrays and
	 * the array kind by a helper's copy (too large for one inline copy);
	 * an argument's context (argctx.bpf.h), by one helper call (6.1's
	 * verifier cannot tie a later test of withctx, spilled to the stack,
	 * to the size the record was reserved with).
	 */
	withctx = e->flags & MMT_REC_ARGCTX;
	extra = d->flags & MMT_BPF_EXTRA;
	if (extra) {
		xflags = fill_target(&e->x, (d->flags & MMT_BPF_HAS_TARGET) ? (__s32)e->args[0] : 0);
		if (e->x.migrate_batches)
			xflags |= MMT_REC_MIGRATED;
	}
#define RESERVE(hsize, size)                                                                       \
	(withctx ? ({                                                                              \
		struct mmt_call *c_ =                                                              \
			call_reserve(ring, (hsize) + (size) + sizeof(struct mmt_argctx));          \
		if (c_)                                                                            \
			bpf_probe_read_kernel((char *)c_ + (hsize) + (size),                      \
					      sizeof(struct mmt_argctx), &cs->ctx);                \
		c_;                                                                                \
	})                                                                                         \
		 : (struct mmt_call *)call_reserve(ring, (hsize) + (size)))
#define HSIZE sizeof(struct mmt_call)
#define XSIZE (sizeof(struct mmt_call) + sizeof(struct mmt_call_extra))
#define WITH_EXTRA(r)                                                                              \
	do {                                                                                       \
		if (r)                                                                             \
			bpf_probe_read_kernel((r) + 1, sizeof(struct mmt_call_extra), &e->x);      \
	} while (0)
	if (kind == MMT_PAYLOAD_MASKS && p && masks_fit_words(&p->masks)) {
		const __u32 csize = kcopy_planned ? sizeof(struct mmt_payload_masks_compact)
						  : offsetof(struct mmt_payload_masks_compact, kmasks);

		compact = true;
		if (extra) {
			r = RESERVE(XSIZE, csize);
			WITH_EXTRA(r);
		} else {
			r = RESERVE(HSIZE, csize);
		}
		if (r)
			masks_compact((struct mmt_payload_masks_compact *)((char *)r +
									   (extra ? XSIZE : HSIZE)),
				      &p->masks, kcopy_planned);
	} else if (kind == MMT_PAYLOAD_MASKS && p) {
		if (extra) {
			r = RESERVE(XSIZE, sizeof(struct mmt_payload_masks));
			WITH_EXTRA(r);
			if (r)
				__builtin_memcpy((char *)r + XSIZE, p,
						 sizeof(struct mmt_payload_masks));
		} else {
			r = RESERVE(HSIZE, sizeof(struct mmt_payload_masks));
			if (r)
				__builtin_memcpy((char *)r + HSIZE, p,
						 sizeof(struct mmt_payload_masks));
		}
	} else if (kind == MMT_PAYLOAD_MOVE_PAGES && p) {
		/* move_pages has a target and migrates: the extra always */
		extra = true;
		r = RESERVE(XSIZE, sizeof(struct mmt_payload_move_pages));
		WITH_EXTRA(r);
		if (r)
			bpf_probe_read_kernel((char *)r + XSIZE, sizeof(struct mmt_payload_move_pages),
					      p);
	} else if (kind == MMT_PAYLOAD_ARRAY && p) {
		extra = false;
		r = RESERVE(HSIZE, sizeof(struct mmt_payload_array));
		if (r)
			bpf_probe_read_kernel((char *)r + HSIZE, sizeof(struct mmt_payload_array), p);
	} else {
		extra = false;
		r = RESERVE(HSIZE, 0);
	}
#undef WITH_EXTRA
#undef XSIZE
#undef HSIZE
#undef RESERVE
	if (!r) {
		count(event, MMT_DROP_RINGBUF);
		goto out;
	}
	r->event = event;
	r->flags = e->flags | (compact ? MMT_REC_COMPACT : 0);
	if (compact && !kcopy_planned)
		r->flags |= MMT_REC_NO_KMASKS;
	if (extra)
		r->flags |= MMT_REC_EXTRA | xflags;
	if (stack_on)
		r->flags |= MMT_REC_STACK;
	r->payload = kind;
	r->nr = e->nr;
	r->enter_ns = e->enter_ns;
	r->exit_ns = bpf_ktime_get_boot_ns();
	r->ret = ret;
	for (int i = 0; i < MMT_MAX_ARGS; i++)
		r->args[i] = e->args[i];
	r->call_pad = 0;
	fill_call_context(r, pid_tgid, call_cgroup_id(cs));

	/*
	 * No wake-up (the reader polls every 10 ms) until half of this CPU's
	 * buffer is unread; past that, every record wakes the reader. That
	 * slows a producer that outruns the reader instead of dropping its
	 * records: waking only once at the crossing lost 38% of a tight loop.
	 * The fill is asked at a thread's every (fill_check_mask + 1)th record
	 * while it was below the threshold (asking reads the consumer's
	 * position, a cache line the reader keeps writing), and at every
	 * record once past it. --overflow=drop keeps to every (mask + 1)th
	 * record past it too: a wake-up that often gets a sleeping reader
	 * going without slowing the calls, and what finds the buffer full is
	 * dropped and counted.
	 */
	if ((cs->over && !overflow_drop) || (cs->records++ & fill_check_mask) == 0) {
		cs->over = bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA) >= wakeup_bytes;
		if (cs->over)
			flags = BPF_RB_FORCE_WAKEUP;
	}
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
 * MMT_SEL_OF(event) of syscall nr, or 0 when it is not traced. Most syscalls are
 * in neither table: they leave before the task is even looked at.
 */
static __always_inline __u32 selected(long nr, bool *compat)
{
	__u32 e64, e32;

	if ((__u64)nr >= MMT_NR_MAX)
		return 0;
	e64 = raw64[nr];
	e32 = sel32[nr];
	if (!e64 && !e32)
		return 0;
	*compat = in_compat();
	return *compat ? e32 : e64;
}

#endif /* MMT_SYSCALLS_BPF_H */
