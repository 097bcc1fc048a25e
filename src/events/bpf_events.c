// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_events.c - derive the BPF programs' per-event rows from the event
 * table, so that the BPF side names no event.
 */
#include <string.h>
#include "events/bpf_events.h"
#include "events/event_table.h"

static void fill_ptr(struct mmt_bpf_ptr *p, const struct mmt_arg_desc *ad, int arg)
{
	p->arg = arg;
	p->at_exit = ad->at_exit;
	switch (ad->kind) {
	case MMT_ARG_NODEMASK:
		p->kind = MMT_PTR_MASK;
		p->len_arg = ad->len_arg;
		p->slot = ad->payload_slot;
		break;
	case MMT_ARG_ARRAY:
		p->kind = MMT_PTR_ARRAY;
		p->len_arg = ad->len_arg;
		p->slot = ad->payload_slot;
		/* a pointer is 8 bytes, 4 for an ia32 caller; ints are 4 */
		p->elem_size = ad->elem == MMT_ELEM_PTR ? 8 : 4;
		p->elem_size32 = 4;
		p->max = MMT_ARRAY_MAX;
		break;
	case MMT_ARG_PAGE_VEC: /* its length: the range's, in bytes */
		p->kind = MMT_PTR_PAGE_VEC;
		p->len_arg = ad->len_arg;
		p->elem_size = 1;
		p->elem_size32 = 1;
		break;
	case MMT_ARG_IOVEC:
		p->kind = MMT_PTR_IOVEC;
		p->len_arg = ad->len_arg;
		p->elem_size = 16;
		p->elem_size32 = 8;
		p->max = MMT_IOVEC_MAX;
		break;
	default: /* MMT_ARG_OUT_MODE */
		p->kind = MMT_PTR_OUT_INT;
		break;
	}
}

void mmt_bpf_events_fill(struct mmt_bpf_event out[MMT_EV_COUNT])
{
	for (int i = 0; i < MMT_EV_COUNT; i++) {
		const struct mmt_event_desc *d = &mmt_events[i];
		struct mmt_bpf_event *b = &out[i];
		int n = 0;

		memset(b, 0, sizeof(*b));
		b->payload = d->payload;
		b->flags = (d->migrates ? MMT_BPF_MIGRATES : 0) |
			   (d->has_target ? MMT_BPF_HAS_TARGET : 0) |
			   (d->kernel_copy ? MMT_BPF_KERNEL_COPY : 0) |
			   (d->ret_kind == MMT_RET_ADDR ? MMT_BPF_NEVER_FAILS : 0);
		b->ia32_pgoff_nr = d->ia32_pgoff ? d->ia32_nr : 0;
		b->ia32_argstruct_nr = d->ia32_nr2_argstruct ? d->ia32_nr2 : 0;
		for (int a = 0; a < d->nargs && a < MMT_MAX_ARGS; a++) {
			enum mmt_arg_kind k = d->args[a].kind;

			/* the argument context: index + 1 */
			if (k == MMT_ARG_FD && !b->fd_arg)
				b->fd_arg = a + 1;
			if (k == MMT_ARG_RANGE && !b->range_arg)
				b->range_arg = a + 1;
			if (k != MMT_ARG_NODEMASK && k != MMT_ARG_ARRAY && k != MMT_ARG_OUT_MODE &&
			    k != MMT_ARG_PAGE_VEC && k != MMT_ARG_IOVEC)
				continue;
			if (n < MMT_BPF_PTRS)
				fill_ptr(&b->ptrs[n], &d->args[a], a);
			n++;
		}
	}
}
