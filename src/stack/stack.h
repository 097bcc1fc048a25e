/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stack.h - call sites for --stack: the user stack of a traced call,
 * unwound with DWARF CFI from the registers and the window of stack the BPF
 * side copied (struct mmt_stack_tail), then symbolized. Binaries without
 * frame pointers (Debian's) unwind as well as those with them.
 *
 * One cache holds, per process, the modules its /proc/PID/maps listed
 * (read once, and again after an exec, an executable mapping, or an address
 * no module holds) with their symbols and CFI. Records are unwound after
 * the fact: a process that exited before its maps were ever read gets its
 * raw frame 0 only (MMT_STACK_NO_MAPS); one that exited after keeps the
 * maps last read.
 */
#ifndef MMT_STACK_H
#define MMT_STACK_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "mmtrace.h"
#include "text/outbuf.h"

#define MMT_STACK_MAX_FRAMES 64
#define MMT_STACK_NAME_MAX 4096 /* a module path or symbol, printed at most */

struct mmt_stack_frame {
	/* frame 0: the instruction after the syscall; others: the return
	 * address into the caller */
	__u64 ip;
	__u64 rel;	    /* ip in the module's own addresses (as addr2line takes) */
	const char *module; /* file path, NULL when no module holds ip */
	const char *symbol; /* NULL when no symbol holds ip */
	__u64 offset;	    /* ip - the symbol's start */
};

/* What an unwind could do (bits of struct mmt_stack.flags). */
#define MMT_STACK_NO_MAPS                                                                          \
	(1U << 0)		       /* the process is gone (or its maps                         \
					* unreadable): frame 0 only, raw */
#define MMT_STACK_WINDOW_END (1U << 1) /* stopped at the copied window's end */
#define MMT_STACK_DEPTH_END (1U << 2)  /* stopped at MMT_STACK_MAX_FRAMES */
#define MMT_STACK_UNWIND_ERR (1U << 3) /* no CFI for a frame, or bad CFI */
#define MMT_STACK_IA32 (1U << 4)       /* a 32-bit task: its ip only, not unwound */

struct mmt_stack {
	int nframes;
	unsigned int flags;
	struct mmt_stack_frame frames[MMT_STACK_MAX_FRAMES];
};

struct mmt_stacks;

/* Is this build able to unwind (built with libdw)? */
bool mmt_stacks_supported(void);

/* A cache for at most max_procs processes (least recently used goes);
 * NULL without memory, or when mmt_stacks_supported() is false. */
struct mmt_stacks *mmt_stacks_new(int max_procs);
void mmt_stacks_free(struct mmt_stacks *s);

/*
 * Unwind the stack of thread tid of process pid from tail into *out. The
 * frames' strings live in the cache: valid until the next call on s.
 * Returns 0 (out->flags says what stopped it), or -EINVAL for a tail whose
 * len is past MMT_STACK_BYTES.
 */
int mmt_stacks_unwind(struct mmt_stacks *s, pid_t pid, pid_t tid, const struct mmt_stack_tail *tail,
		      struct mmt_stack *out);

/* The process's mappings changed (exec, an executable mapping): read its
 * maps again before the next unwind. */
void mmt_stacks_maps_changed(struct mmt_stacks *s, pid_t pid);

/* Read the process's maps now if they are not held, or out of date: at
 * its first call, before it can exit. */
void mmt_stacks_prepare(struct mmt_stacks *s, pid_t pid);

/* Drop what the cache holds of the process (it exited). */
void mmt_stacks_forget(struct mmt_stacks *s, pid_t pid);

/* Processes cached, and how many times maps were read (for tests). */
int mmt_stacks_procs(const struct mmt_stacks *s);
unsigned long mmt_stacks_maps_reads(const struct mmt_stacks *s);
/* Symbols looked up in a module's tables (not found in the cache). */
unsigned long mmt_stacks_symbol_lookups(const struct mmt_stacks *s);

/* Frame text as strace -k prints it, without its " > ":
 * "/usr/lib/x86_64-linux-gnu/libc.so.6(__munmap+0x7) [0x101a07]";
 * "[0x7f00...]" when no module holds ip. snprintf semantics. */
size_t mmt_stack_frame_text(const struct mmt_stack_frame *f, char *buf, size_t len);

/* The same into ob, control bytes of names escaped (ob_safe_str). */
void mmt_stack_frame_put(struct outbuf *ob, const struct mmt_stack_frame *f);

/* Why an unwind stopped, for people and JSON: "outermost" (the CFI said
 * so: _start, or a thread's start), "stack-window-end", "depth-limit",
 * "no-unwind-info", "process-gone" (raw frame 0 only), "ia32-not-unwound". */
const char *mmt_stack_end_name(unsigned int flags);

#endif /* MMT_STACK_H */
