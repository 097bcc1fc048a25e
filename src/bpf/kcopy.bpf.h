/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcopy.bpf.h - the kernel's own copy of the node masks.
 */
#ifndef MMT_KCOPY_BPF_H
#define MMT_KCOPY_BPF_H

#include "payload.bpf.h"

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

/* MMT_KCOPY_FEXIT or MMT_KCOPY_KPROBE: the hook attached, 0 when none; set
 * by user space after attaching (a .bss variable, writable after load). */
volatile __u8 kcopy_hook = 0;
/* set by user space before load: a hook for the kernel's copies will be
 * tried (--kernel-copy, and the probes said it may work). Without it no
 * record carries kmasks (MMT_REC_NO_KMASKS): the compact form is 32 bytes
 * shorter. */
const volatile bool kcopy_planned = false;

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
	return event_flags(event) & MMT_BPF_KERNEL_COPY;
}

/* At entry, after read_entry_payload(): nothing copied yet; the method in
 * force. */
static __always_inline void kcopy_begin(struct call_entry *e, union payload *p)
{
	mask_unused(&p->masks.kmasks[0], MMT_READ_NONE);
	mask_unused(&p->masks.kmasks[1], MMT_READ_NONE);
	if (!kcopy_event(e->event))
		p->masks.toctou_method = MMT_KCOPY_NONE;
	else if (kcopy_hook)
		p->masks.toctou_method = kcopy_hook;
	else
		p->masks.toctou_method = MMT_KCOPY_REREAD;
}

/*
 * get_nodes(kmask, nmask, maxnode) returned ret in the current thread: if
 * the thread is in a traced call that passed nmask as one of its input
 * masks not yet seen, keep the kernel's copy in that call's payload, in the
 * first such mask's slot. migrate_pages copies old_nodes, then new_nodes: a
 * pointer passed as both fills the first slot, then the second.
 */
static __always_inline int kcopy_save(__u64 nmask, const void *kmask, long ret)
{
	const volatile struct mmt_bpf_event *d;
	struct call_state *cs = current_call_state(false);
	__u64 maxnode = 0, nbits, bytes, size;
	struct mmt_mask *k = NULL;
	struct call_entry *e;
	union payload *p;
	__u8 state, truncated;

	if (!cs || !cs->e.active || !kcopy_event(cs->e.event))
		return 0;
	e = &cs->e;
	p = &cs->p;
	d = event_row(e->event);
	if (!d || p->masks.toctou_method < MMT_KCOPY_FEXIT)
		return 0; /* entered before the hook was in place */
	for (int i = 0; i < MMT_BPF_PTRS; i++) {
		const volatile struct mmt_bpf_ptr *q = &d->ptrs[i];
		struct mmt_mask *km = &p->masks.kmasks[q->slot & 1];

		if (q->kind != MMT_PTR_MASK || q->at_exit || nmask != arg_at(e->args, q->arg) ||
		    km->state != MMT_READ_NONE)
			continue;
		k = km;
		maxnode = arg_at(e->args, q->len_arg);
		break;
	}
	if (!k)
		return 0; /* not one of its masks, or seen already */
	if (ret) {
		mask_unused(k, MMT_READ_FAULT);
		k->read_err = ret;
		return 0;
	}
	/* the bits the entry read covers; the kernel keeps MAX_NUMNODES of
	 * them, and a successful copy means the others were 0 */
	state = mmt_mask_sizing(nmask, maxnode, 0, &nbits, &bytes, &truncated);
	if (state != MMT_READ_OK) {
		mask_unused(k, state);
		return 0;
	}
	k->truncated = truncated;
	__builtin_memset(k->words, 0, sizeof(k->words));
	size = bpf_core_type_size(nodemask_t);
	if (size > sizeof(k->words))
		size = sizeof(k->words);
	if (bpf_probe_read_kernel(k->words, size, kmask)) {
		mask_unused(k, MMT_READ_FAULT);
		k->read_err = -14; /* EFAULT: our read of it, not the kernel's */
		return 0;
	}
	k->nbits = nbits;
	k->read_err = 0;
	k->state = MMT_READ_OK;
	return 0;
}

#endif /* MMT_KCOPY_BPF_H */
