/* SPDX-License-Identifier: GPL-2.0 */
/*
 * payload.bpf.h - what an event reads from user memory, at entry
 * and at exit, driven by its row of bpf_events[]; the compact wire form.
 */
#ifndef MMT_PAYLOAD_BPF_H
#define MMT_PAYLOAD_BPF_H

#include "maps.bpf.h"
#include "mmt_math.h"

/*
 * Read a node mask the way the kernel's get_nodes() does (mmt_mask_sizing()).
 * We read at most MMT_MASK_MAX_BITS of them and say when it reads more.
 * A global function: the verifier checks it once, not at each of the
 * places an event's masks are read.
 */
__noinline int read_mask(struct mmt_mask *m, __u64 uptr, __u64 maxnode, int compat)
{
	__u64 words[MMT_MASK_WORDS], nbits, bytes;
	__u8 state, truncated;
	long err;

	if (!m) /* a global function's pointer may be NULL to the verifier */
		return 0;
	state = mmt_mask_sizing(uptr, maxnode, compat, &nbits, &bytes, &truncated);
	m->truncated = truncated;
	m->nbits = 0;
	m->read_err = 0;
	if (state != MMT_READ_OK) {
		m->state = state;
		return 0;
	}
	/* a bound the compiler cannot drop: 6.1's verifier loses it when the
	 * value goes through the stack */
	barrier_var(bytes);
	if (bytes > sizeof(m->words))
		bytes = sizeof(m->words);
	/* into the stack, then copied: a user-memory read checks where it
	 * writes (hardened usercopy), and a map's slab object costs that check
	 * 20-25 ns a read here, the stack next to nothing. Cleared only here,
	 * not for a mask that is not read (get_mempolicy's NULL one, each
	 * call). */
	__builtin_memset(words, 0, sizeof(words));
	err = bpf_probe_read_user(words, bytes, (const void *)uptr);
	if (err) {
		m->state = MMT_READ_FAULT;
		m->read_err = err;
		return 0;
	}
	for (int i = 0; i < MMT_MASK_WORDS; i++)
		m->words[i] = words[i];
	m->state = MMT_READ_OK;
	m->nbits = nbits;
	return 0;
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
	a->partial = 0;
	a->count = 0;
	a->read_err = 0;
	a->total = 0;
}

/* Is a pointer of this kind read into an array slot? */
static __always_inline bool ptr_is_array(__u8 kind)
{
	return kind == MMT_PTR_ARRAY || kind == MMT_PTR_PAGE_VEC || kind == MMT_PTR_IOVEC;
}

/*
 * Read count elements of elem_size bytes, at most MMT_ARRAY_MAX. When the
 * whole cannot be read, the elements before the first unreadable page are
 * (the kernel reads such arrays element by element and acts on those): the
 * read then keeps them and says where it stopped.
 */
static __always_inline void read_array(struct mmt_array *a, __u64 uptr, __u64 count,
				       __u32 elem_size, __u32 max)
{
	__u64 kept, bytes;
	__u8 state, truncated;
	long err;

	state = mmt_array_sizing(uptr, count, elem_size, max, &kept, &bytes, &truncated);
	a->truncated = truncated;
	a->total = count > 0xffffffffULL ? 0xffffffffU : count;
	a->partial = 0;
	a->count = 0;
	a->read_err = 0;
	a->elem_size = elem_size;
	if (state != MMT_READ_OK) {
		a->state = state;
		return;
	}
	/* Older verifiers (6.1; relaxed around 6.10) drop the bounds of a
	 * product with a non-constant factor (count * elem_size): keep the
	 * clamp below from being folded away, so the verifier sees it. */
	barrier_var(bytes);
	if (bytes > sizeof(a->data))
		bytes = sizeof(a->data);
	err = bpf_probe_read_user(a->data, bytes, (const void *)uptr);
	if (err) {
		a->read_err = err;
		kept = mmt_array_prefix(uptr, kept, elem_size);
		bytes = kept * elem_size;
		barrier_var(bytes);
		if (bytes > sizeof(a->data))
			bytes = sizeof(a->data);
		if (kept && !bpf_probe_read_user(a->data, bytes, (const void *)uptr)) {
			a->state = MMT_READ_OK;
			a->count = kept;
			a->partial = 1;
			return;
		}
		a->state = MMT_READ_FAULT;
		return;
	}
	a->state = MMT_READ_OK;
	a->count = kept;
}

/*
 * The arguments of an ia32 call that passes them in memory (the old mmap):
 * six 32-bit words at args[0]. 0, or the read's negative errno: args[0]
 * then keeps their address, args[1] the errno, the others are 0.
 */
static __always_inline long read_ia32_argstruct(__u64 *args)
{
	__u32 w[MMT_MAX_ARGS];
	__u64 at = args[0];
	long err = bpf_probe_read_user(w, sizeof(w), (const void *)at);

	for (int i = 0; i < MMT_MAX_ARGS; i++)
		args[i] = err ? 0 : w[i];
	if (err) {
		args[0] = at;
		args[1] = (__u64)err;
	}
	return err;
}

#define MMT_ARRAY_SLOTS 3 /* pages, nodes, status */

/* Array slot i of the move_pages payload (its arrays follow each other). */
static __always_inline struct mmt_array *array_at(union payload *p, __u32 i)
{
	if (i >= MMT_ARRAY_SLOTS)
		i = MMT_ARRAY_SLOTS - 1;
	return &(&p->move.pages)[i];
}

/* Read the array behind pointer q: its count, element size and bound by
 * its kind. */
static __always_inline void read_ptr_array(union payload *p, const volatile struct mmt_bpf_ptr *q,
					   __u64 uptr, __u64 len, bool compat)
{
	__u8 kind = q->kind;

	if (kind == MMT_PTR_PAGE_VEC)
		read_array(array_at(p, 0), uptr, mmt_pages_of(len), 1, MMT_ARRAY_BYTES);
	else if (kind == MMT_PTR_IOVEC)
		read_array(array_at(p, 0), uptr, len, compat ? 8 : 16, q->max);
	else
		read_array(array_at(p, q->slot), uptr, len, compat ? q->elem_size32 : q->elem_size,
			   q->max);
}

/* Argument i of the call, 0 past the last. */
static __always_inline __u64 arg_at(const __u64 *args, __u32 i)
{
	return i < MMT_MAX_ARGS ? args[i] : 0;
}

/* At entry: every slot of the event's payload emptied, then the pointers
 * the kernel reads filled. */
static __always_inline void read_entry_payload(struct call_entry *e, union payload *p,
					       const volatile struct mmt_bpf_event *d)
{
	bool compat = e->flags & MMT_REC_COMPAT;

	if (d->payload == MMT_PAYLOAD_MASKS) {
		for (int i = 0; i < MMT_MAX_MASKS; i++)
			mask_unused(&p->masks.masks[i], MMT_READ_NONE);
		p->masks.out_int_state = MMT_READ_NONE;
	} else {
		for (int i = 0; i < MMT_ARRAY_SLOTS; i++)
			array_unused(array_at(p, i), MMT_READ_NONE);
	}
	for (int i = 0; i < MMT_BPF_PTRS; i++) {
		const volatile struct mmt_bpf_ptr *q = &d->ptrs[i];
		__u64 uptr = arg_at(e->args, q->arg), len = arg_at(e->args, q->len_arg);

		if (q->at_exit)
			continue;
		if (q->kind == MMT_PTR_MASK)
			read_mask(&p->masks.masks[q->slot & 1], uptr, len, compat);
		else if (ptr_is_array(q->kind))
			read_ptr_array(p, q, uptr, len, compat);
	}
}

/*
 * Read an input mask again at exit: did the caller change it while the call
 * was in flight (the kernel may then have acted on other nodes)? 1 when it
 * differs from the entry's read, or cannot be read any more (unmapped
 * meanwhile). The same arguments size it as at entry; the words are read
 * into the stack and compared there, not copied anywhere (a global
 * function: checked once by the verifier).
 */
__noinline int mask_reread_differs(const struct mmt_mask *m, __u64 uptr, __u64 maxnode, int compat)
{
	__u64 words[MMT_MASK_WORDS], nbits, bytes;
	__u8 truncated;

	if (!m || m->state != MMT_READ_OK)
		return 0;
	if (mmt_mask_sizing(uptr, maxnode, compat, &nbits, &bytes, &truncated) != MMT_READ_OK)
		return 1;
	barrier_var(bytes); /* see read_mask() */
	if (bytes > sizeof(words))
		bytes = sizeof(words);
	/* no clearing: only the m->nbits bits read are compared */
	if (bpf_probe_read_user(words, bytes, (const void *)uptr))
		return 1;
	return mmt_mask_differs(words, m->words, m->nbits);
}

/* Read an int the kernel wrote (get_mempolicy's *mode). */
__noinline int read_out_int(struct mmt_payload_masks *pm, __u64 uptr)
{
	__s32 v = 0; /* read into the stack: see read_mask() */

	if (!pm)
		return 0;
	if (!uptr) {
		pm->out_int_state = MMT_READ_NULL;
	} else if (bpf_probe_read_user(&v, sizeof(v), (const void *)uptr)) {
		pm->out_int_state = MMT_READ_FAULT;
	} else {
		pm->out_int = v;
		pm->out_int_state = MMT_READ_OK;
	}
	return 0;
}

/* What the kernel wrote to user memory during the call (nothing when it
 * failed); the input masks again. */
static __always_inline void read_exit_payload(struct call_entry *e, union payload *p,
					      const volatile struct mmt_bpf_event *d, long ret)
{
	bool failed = mmt_ret_failed(ret, d->flags & MMT_BPF_NEVER_FAILS);
	bool compat = e->flags & MMT_REC_COMPAT;

	if (d->payload == MMT_PAYLOAD_MASKS) {
		p->masks.changed[0] = 0;
		p->masks.changed[1] = 0;
	}
	for (int i = 0; i < MMT_BPF_PTRS; i++) {
		const volatile struct mmt_bpf_ptr *q = &d->ptrs[i];
		__u64 uptr = arg_at(e->args, q->arg), len = arg_at(e->args, q->len_arg);
		__u8 kind = q->kind, slot = q->slot;

		if (!q->at_exit) {
			if (kind == MMT_PTR_MASK)
				p->masks.changed[slot & 1] = mask_reread_differs(
					&p->masks.masks[slot & 1], uptr, len, compat);
		} else if (kind == MMT_PTR_MASK) {
			if (failed)
				mask_unused(&p->masks.masks[slot & 1],
					    uptr ? MMT_READ_EMPTY : MMT_READ_NULL);
			else
				read_mask(&p->masks.masks[slot & 1], uptr, len, compat);
		} else if (ptr_is_array(kind)) {
			if (failed)
				array_unused(array_at(p, kind == MMT_PTR_ARRAY ? slot : 0),
					     MMT_READ_EMPTY);
			else
				read_ptr_array(p, q, uptr, len, compat);
		} else if (kind == MMT_PTR_OUT_INT) {
			if (failed)
				p->masks.out_int_state = uptr ? MMT_READ_EMPTY : MMT_READ_NULL;
			else
				read_out_int(&p->masks, uptr);
		}
	}
}

/* A mask the compact wire form can carry: nothing past its first word
 * (the words of a mask that was not read do not count). */
static __always_inline __u64 mask_high_bits(const struct mmt_mask *m)
{
	return mmt_mask_high_bits(m->words, m->state, m->nbits);
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
	c->word = m->state == MMT_READ_OK ? m->words[0] : 0;
}

/* kmasks: the kernel's copies go too (without them the wire form ends
 * before c->kmasks, MMT_REC_NO_KMASKS) */
static __always_inline void masks_compact(struct mmt_payload_masks_compact *c,
					  const struct mmt_payload_masks *p, bool kmasks)
{
	for (int i = 0; i < MMT_MAX_MASKS; i++) {
		mask_compact(&c->masks[i], &p->masks[i]);
		if (kmasks)
			mask_compact(&c->kmasks[i], &p->kmasks[i]);
		c->changed[i] = p->changed[i];
	}
	c->out_int = p->out_int;
	c->out_int_state = p->out_int_state;
	c->toctou_method = p->toctou_method;
}

#endif /* MMT_PAYLOAD_BPF_H */
