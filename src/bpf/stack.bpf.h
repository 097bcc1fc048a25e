/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stack.bpf.h - --stack: at a call's exit, the user registers a DWARF
 * unwinder starts from and a window of the user stack, copied into the
 * record's tail (struct mmt_stack_tail); user space unwinds them.
 *
 * Off by default: stack_on (maps.bpf.h) is a load-time constant, so
 * without --stack the verifier drops all of this and the records keep their
 * size.
 */
#ifndef MMT_STACK_BPF_H
#define MMT_STACK_BPF_H

#include "maps.bpf.h"
#include <bpf/bpf_core_read.h>

static __always_inline void stack_capture(struct mmt_stack_tail *t)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
	__u64 base;
	long err = 0;
	__u32 len = 0;

	t->regs[MMT_SREG_IP] = BPF_CORE_READ(regs, ip);
	t->regs[MMT_SREG_SP] = BPF_CORE_READ(regs, sp);
	t->regs[MMT_SREG_BP] = BPF_CORE_READ(regs, bp);
	t->regs[MMT_SREG_BX] = BPF_CORE_READ(regs, bx);
	t->regs[MMT_SREG_R12] = BPF_CORE_READ(regs, r12);
	t->regs[MMT_SREG_R13] = BPF_CORE_READ(regs, r13);
	t->regs[MMT_SREG_R14] = BPF_CORE_READ(regs, r14);
	t->regs[MMT_SREG_R15] = BPF_CORE_READ(regs, r15);
	/* whole aligned chunks at constant offsets, from the one holding sp
	 * up, until the top of the stack mapping */
	base = t->regs[MMT_SREG_SP] & ~(__u64)(MMT_STACK_CHUNK - 1);
#pragma unroll
	for (int i = 0; i < MMT_STACK_CHUNKS; i++) {
		err = bpf_probe_read_user(t->data + i * MMT_STACK_CHUNK, MMT_STACK_CHUNK,
					  (const void *)(base + i * MMT_STACK_CHUNK));
		if (err)
			break;
		len += MMT_STACK_CHUNK;
	}
	t->len = len;
	t->read_err = err;
}

/*
 * Reserve a call record of size bytes (a constant: the ring buffer takes
 * no other), and with --stack a struct mmt_stack_tail after them, filled
 * at once. NULL when the buffer is full. The record's flags must then get
 * MMT_REC_STACK when stack_on.
 */
#define call_reserve(size)                                                                         \
	({                                                                                         \
		void *__r;                                                                         \
		if (stack_on) {                                                                    \
			__r = bpf_ringbuf_reserve(&events, (size) + sizeof(struct mmt_stack_tail), \
						  0);                                              \
			if (__r)                                                                   \
				stack_capture((struct mmt_stack_tail *)((char *)__r + (size)));    \
		} else {                                                                           \
			__r = bpf_ringbuf_reserve(&events, (size), 0);                             \
		}                                                                                  \
		__r;                                                                               \
	})

#endif /* MMT_STACK_BPF_H */
