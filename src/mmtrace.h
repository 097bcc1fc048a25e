/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmtrace.h - the record layout shared by the BPF programs and user space.
 *
 * Only plain data lives here: both sides include this file, the BPF side
 * through vmlinux.h (for the __u* types), user space through <linux/types.h>.
 */
#ifndef MMTRACE_H
#define MMTRACE_H

#define MMT_COMM_LEN 16
#define MMT_HOST_LEN 65 /* __NEW_UTS_LEN + 1 */
#define MMT_PATH_LEN 256
#define MMT_MAX_ARGS 6
#define MMT_MASK_MAX_BITS 1024
#define MMT_MASK_WORDS (MMT_MASK_MAX_BITS / 64)
#define MMT_MAX_MASKS 2
#define MMT_ARRAY_MAX 64 /* elements of an array argument read */
#define MMT_ARRAY_BYTES (MMT_ARRAY_MAX * 8) /* room for them in struct mmt_array */
#define MMT_IOVEC_MAX 8 /* struct iovecs of process_madvise read */
#define MMT_NR_MAX 512 /* syscall numbers the selection tables cover */
#define MMT_KEV_VALS 4 /* values of a kernel event past its MMT_MAX_ARGS */
#define MMT_EVENT_MAX_ARGS (MMT_MAX_ARGS + MMT_KEV_VALS) /* in the event table */
/*
 * The selection tables (sel64, sel32: one byte per syscall number) hold the
 * event + 1, so that 0, their initial value, means "not traced".
 */
#define MMT_SEL_OF(event) ((event) + 1)
#define MMT_SEL_EVENT(sel) ((sel) - 1)

/*
 * Every event, in event-table order: X(name, ENUM). The enum and the event
 * table's order come from MMT_EVENTS (src/events/event_table.c has the
 * rest): the syscalls first (MMT_SYSCALL_EVENTS: the BPF programs of the
 * per-syscall tracepoints come from this part), then what the kernel does
 * on its own (MMT_KERNEL_EVENTS: from kernel tracepoints, not syscalls).
 */
#define MMT_EVENTS(X) MMT_SYSCALL_EVENTS(X) MMT_KERNEL_EVENTS(X)

#define MMT_KERNEL_EVENTS(X)                                                   \
	X(page_migration, PAGE_MIGRATION)                                      \
	X(numa_task_placement, NUMA_TASK_PLACEMENT)

#define MMT_SYSCALL_EVENTS(X)                                                  \
	X(brk, BRK)                                                            \
	X(mmap, MMAP)                                                          \
	X(munmap, MUNMAP)                                                      \
	X(mremap, MREMAP)                                                      \
	X(mprotect, MPROTECT)                                                  \
	X(pkey_mprotect, PKEY_MPROTECT)                                        \
	X(madvise, MADVISE)                                                    \
	X(process_madvise, PROCESS_MADVISE)                                    \
	X(mlock, MLOCK)                                                        \
	X(mlock2, MLOCK2)                                                      \
	X(munlock, MUNLOCK)                                                    \
	X(mlockall, MLOCKALL)                                                  \
	X(munlockall, MUNLOCKALL)                                              \
	X(msync, MSYNC)                                                        \
	X(mincore, MINCORE)                                                    \
	X(remap_file_pages, REMAP_FILE_PAGES)                                  \
	X(mbind, MBIND)                                                        \
	X(set_mempolicy, SET_MEMPOLICY)                                        \
	X(get_mempolicy, GET_MEMPOLICY)                                        \
	X(set_mempolicy_home_node, SET_MEMPOLICY_HOME_NODE)                    \
	X(migrate_pages, MIGRATE_PAGES)                                        \
	X(move_pages, MOVE_PAGES)                                              \
	X(mseal, MSEAL)                                                        \
	X(map_shadow_stack, MAP_SHADOW_STACK)

/* Internal event index: the row of the event table, the slot of counters. */
#define MMT_ENUM(name, NAME) MMT_EV_##NAME,
enum mmt_event {
	MMT_EVENTS(MMT_ENUM) MMT_EV_COUNT,
	/* the first event that is not a syscall */
	MMT_EV_FIRST_KERNEL = MMT_EV_PAGE_MIGRATION,
};
#undef MMT_ENUM

/* What became of one read from user memory: a mask, an array, an out-int. */
enum mmt_read_state {
	MMT_READ_NONE = 0, /* not read: the event has no such slot */
	MMT_READ_NULL, /* the pointer was NULL: nothing to read */
	MMT_READ_EMPTY, /* nothing to read (maxnode <= 1, count 0, failed call) */
	MMT_READ_OK, /* the data holds what was read */
	MMT_READ_FAULT, /* the read failed; read_err says why */
};

/* A node mask: the low nbits bits of words[]. */
struct mmt_mask {
	__u8 state; /* enum mmt_read_state */
	__u8 truncated; /* the kernel reads more than MMT_MASK_MAX_BITS bits */
	__u16 nbits; /* bits captured, <= MMT_MASK_MAX_BITS */
	__s32 read_err; /* negative errno of the failed read */
	__u64 words[MMT_MASK_WORDS];
};

/*
 * An array argument: count elements of elem_size bytes each in data[].
 * partial: reading stopped at element count (MMT_READ_OK, read_err says
 * why): the elements before it are what the kernel could read too, the ones
 * from it on were unreadable.
 */
struct mmt_array {
	__u8 state; /* enum mmt_read_state */
	__u8 truncated; /* the call passed more than MMT_ARRAY_MAX elements */
	__u8 elem_size; /* 4 or 8; 1 for mincore's vec; 16 or 8 for iovecs */
	__u8 partial; /* 1: the elements from count on could not be read */
	__u16 count; /* elements captured */
	__u16 pad2;
	__s32 read_err;
	__u32 total; /* elements the call passed (saturated), when read */
	__u64 data[MMT_ARRAY_BYTES / 8];
};

/* What an event reads from user memory, after the fixed record header. */
enum mmt_payload_kind {
	MMT_PAYLOAD_NONE, /* registers only */
	MMT_PAYLOAD_MASKS, /* up to two node masks and one int read at exit */
	MMT_PAYLOAD_MOVE_PAGES, /* move_pages' pages, nodes and status arrays */
	MMT_PAYLOAD_KEVENT, /* a kernel event's values past args[] */
	MMT_PAYLOAD_ARRAY, /* one array: mincore's vec, process_madvise's iovec */
};

/* A kernel event's arguments MMT_MAX_ARGS.. (the first ones are args[]). */
struct mmt_payload_kevent {
	__u64 vals[MMT_KEV_VALS];
};

/* numa_task_placement's kind: which sched:sched_*_numa tracepoint. */
enum mmt_numa_placement_kind {
	MMT_NUMA_MOVE, /* sched_move_numa: the task goes to another node */
	MMT_NUMA_SWAP, /* sched_swap_numa: two tasks trade places */
	MMT_NUMA_STICK, /* sched_stick_numa: no move or swap was possible */
};

struct mmt_payload_masks {
	struct mmt_mask masks[MMT_MAX_MASKS];
	__s32 out_int; /* get_mempolicy's *mode after the call */
	__u8 out_int_state; /* enum mmt_read_state */
	/* 1: an input mask read again at exit differed from the entry's (or
	 * could no longer be read): the caller changed it during the call */
	__u8 changed[MMT_MAX_MASKS];
	__u8 toctou_method; /* enum mmt_kcopy_method in force for the call */
	/*
	 * The kernel's own copy of each input mask, taken where it copied it
	 * in (get_nodes(), hooked by fexit or a kprobe pair): MMT_READ_NONE
	 * when no hook saw it, MMT_READ_OK with the bits the kernel used
	 * (nbits as the entry read's), MMT_READ_NULL / MMT_READ_EMPTY when it
	 * copied nothing, MMT_READ_FAULT when its copy failed (read_err is
	 * get_nodes()'s return value).
	 */
	struct mmt_mask kmasks[MMT_MAX_MASKS];
};

/*
 * On the wire only: struct mmt_payload_masks when every mask in it has no
 * bit set past its first word (node 63), which is nearly always. The record
 * then has MMT_REC_COMPACT in flags; user space widens it back into a
 * struct mmt_payload_masks (the other words 0) before decoding.
 */
struct mmt_mask_compact {
	__u8 state;
	__u8 truncated;
	__u16 nbits;
	__s32 read_err;
	__u64 word; /* words[0]; words[1..] are 0 */
};

struct mmt_payload_masks_compact {
	struct mmt_mask_compact masks[MMT_MAX_MASKS];
	__s32 out_int;
	__u8 out_int_state;
	__u8 changed[MMT_MAX_MASKS];
	__u8 toctou_method;
	struct mmt_mask_compact kmasks[MMT_MAX_MASKS];
};

/*
 * How a call's input masks are checked for a change during the call: the
 * method in force for a call (toctou_method of its payload), or the one
 * --kernel-copy asks for (auto, fexit, kprobe, or off: MMT_KCOPY_REREAD).
 */
enum mmt_kcopy_method {
	MMT_KCOPY_NONE = 0, /* no input mask */
	MMT_KCOPY_REREAD, /* read again at exit, compared with the entry read */
	MMT_KCOPY_FEXIT, /* the kernel's copy, fexit on get_nodes() */
	MMT_KCOPY_KPROBE, /* the kernel's copy, kprobe/kretprobe on it */
	MMT_KCOPY_METHOD_COUNT,
	/* --kernel-copy=auto only, never in a record: fexit, else kprobe,
	 * else the re-read */
	MMT_KCOPY_AUTO = MMT_KCOPY_METHOD_COUNT,
};

struct mmt_payload_move_pages {
	struct mmt_array pages; /* at entry */
	struct mmt_array nodes; /* at entry */
	struct mmt_array status; /* at exit */
};

/* Its array is slot 0, where the move_pages payload has pages. */
struct mmt_payload_array {
	struct mmt_array array;
};

/*
 * The context of one argument (--fd-paths, --mappings), read in the kernel
 * at the call's entry, before the call acts: the file an fd names, or the
 * mapping an address-range call starts in. It follows the payload when the
 * record has MMT_REC_ARGCTX in flags.
 */
enum mmt_ctx_kind {
	MMT_CTX_NONE = 0,
	MMT_CTX_FD, /* the file an fd argument names */
	MMT_CTX_VMA, /* the mapping at an address argument, and its file */
};

/* How the kernel names a file (what readlink of /proc/PID/fd/N shows). */
enum mmt_file_kind {
	MMT_FILE_NONE = 0, /* no file: anonymous memory, or none looked up */
	MMT_FILE_PATH, /* path: its place in the file system */
	MMT_FILE_ANON_INODE, /* "anon_inode:" + path ("[eventfd]"...) */
	MMT_FILE_PSEUDO, /* an internal file named by path alone: memfd:NAME,
			  * dev/zero of a shared anonymous mapping, SYSV...;
			  * shown "/NAME (deleted)" as the kernel does */
	MMT_FILE_SOCKET, /* socket:[ino] */
	MMT_FILE_PIPE, /* pipe:[ino] */
	MMT_FILE_PIDFD, /* anon_inode:[pidfd] */
	MMT_FILE_KIND_COUNT,
};

#define MMT_FILE_DELETED (1U << 0) /* a path whose file was unlinked */
#define MMT_FILE_TRUNCATED (1U << 1) /* path holds its last components only */

/* What the lookup of an argument's context found. */
enum mmt_ctx_state {
	MMT_CTXS_NONE = 0, /* not looked up (fd < 0, no mapping asked) */
	MMT_CTXS_OK, /* found: the fields below are set */
	MMT_CTXS_BADFD, /* the fd names no open file */
	MMT_CTXS_UNMAPPED, /* no mapping holds the start address */
	MMT_CTXS_ERROR, /* the lookup failed: err says why (-EBUSY: the
			 * address space was locked by another thread) */
	MMT_CTXS_COUNT,
};

/* vm_flags of a mapping, as the kernel numbers them (include/linux/mm.h) */
#define MMT_VM_READ 0x1ULL
#define MMT_VM_WRITE 0x2ULL
#define MMT_VM_EXEC 0x4ULL
#define MMT_VM_SHARED 0x8ULL
#define MMT_VM_MAYSHARE 0x80ULL
#define MMT_VM_GROWSDOWN 0x100ULL
#define MMT_VM_LOCKED 0x2000ULL
#define MMT_VM_LOCKONFAULT 0x80000ULL
#define MMT_VM_DONTDUMP 0x4000000ULL
#define MMT_VM_HUGETLB 0x400000ULL

/* What a mapping is beside its file. */
enum mmt_vma_special {
	MMT_VMA_PLAIN = 0,
	MMT_VMA_HEAP, /* [heap]: holds the program break */
	MMT_VMA_STACK, /* [stack]: the main thread's initial stack */
	MMT_VMA_VDSO, /* [vdso] */
	MMT_VMA_SPECIAL_COUNT,
};

#define MMT_VMA_SPAN_MAX 8 /* mappings counted over a range, at most */

struct mmt_argctx {
	__u8 kind; /* enum mmt_ctx_kind */
	__u8 arg; /* the argument described */
	__u8 state; /* enum mmt_ctx_state */
	__u8 file_kind; /* enum mmt_file_kind */
	__u8 file_flags; /* MMT_FILE_* */
	__u8 special; /* VMA: enum mmt_vma_special */
	/* VMA: mappings that hold the range, one after the other from its
	 * start (1 when it lies in one); more: the range goes on past them,
	 * into unmapped space or into more than MMT_VMA_SPAN_MAX mappings */
	__u8 count;
	__u8 more;
	__s32 err; /* MMT_CTXS_ERROR: a negative errno */
	/* MMT_FILE_PIDFD: the process it refers to (host pid, 0 when gone),
	 * its real uid and name */
	__u32 pid;
	__u32 uid;
	__u32 pad;
	char comm[MMT_COMM_LEN];
	__u64 vm_start, vm_end; /* VMA: the mapping at the start address */
	__u64 vm_flags; /* VMA: its flags before the call (MMT_VM_*...) */
	__u64 vm_pgoff; /* VMA: offset in the file, in pages */
	__u64 dev; /* the file's device, the kernel's encoding (major << 20) */
	__u64 ino; /* and its inode number */
	char path[MMT_PATH_LEN]; /* NUL-terminated; see file_kind */
};

/*
 * What the BPF side needs of an event, filled from the event table by
 * mmt_bpf_events_fill() (src/events/bpf_events.c) before load: one row per
 * event in .rodata, so the programs look facts up instead of naming events.
 */
enum mmt_ptr_kind {
	MMT_PTR_NONE, /* unused row */
	MMT_PTR_MASK, /* a node mask: masks[slot], length in maxnode */
	MMT_PTR_ARRAY, /* an array: the move_pages payload's array slot, length a count */
	MMT_PTR_OUT_INT, /* an int the kernel writes: out_int */
	/* one byte per page of a length in bytes (mincore's vec), array slot 0:
	 * at most MMT_ARRAY_BYTES */
	MMT_PTR_PAGE_VEC,
	/* struct iovecs (16 bytes, 8 for ia32), array slot 0: at most max */
	MMT_PTR_IOVEC,
};

/* One pointer argument the kernel reads or writes. */
struct mmt_bpf_ptr {
	__u8 kind; /* enum mmt_ptr_kind */
	__u8 arg; /* the argument that holds the pointer */
	__u8 len_arg; /* the argument that holds its maxnode or count */
	__u8 at_exit; /* read after the call (the kernel wrote it), else at entry */
	__u8 slot; /* MASK: masks[] index; ARRAY: 0 pages, 1 nodes, 2 status */
	__u8 elem_size; /* ARRAY: bytes of an element for a 64-bit caller */
	__u8 elem_size32; /* ARRAY: the same for an ia32 caller */
	__u8 max; /* ARRAY, IOVEC: elements read at most */
};

#define MMT_BPF_PTRS 3 /* pointer arguments of one event, at most */

#define MMT_BPF_MIGRATES (1U << 0) /* can move pages: sum mm_migrate_pages */
#define MMT_BPF_HAS_TARGET (1U << 1) /* args[0] is the pid of the process acted on */
#define MMT_BPF_KERNEL_COPY (1U << 2) /* its input masks go through get_nodes() */
#define MMT_BPF_NEVER_FAILS (1U << 3) /* a negative return is not an errno (brk) */
/* its records carry a struct mmt_call_extra (MMT_REC_EXTRA); only events
 * with a masks or move_pages payload may (test_bpf_side holds the event
 * table to it) */
#define MMT_BPF_EXTRA (MMT_BPF_MIGRATES | MMT_BPF_HAS_TARGET)

struct mmt_bpf_event {
	__u8 payload; /* enum mmt_payload_kind */
	__u8 flags; /* MMT_BPF_* */
	/* the ia32 syscall number whose 6th argument counts pages (mmap2),
	 * 0 when none */
	__u16 ia32_pgoff_nr;
	/* the ia32 syscall number that passes its arguments in a struct of
	 * six 32-bit words in user memory (the old mmap), 0 when none */
	__u16 ia32_argstruct_nr;
	/* the argument context (--fd-paths, --mappings): the fd argument, and
	 * the start of an address range (its length the next argument), each
	 * as index + 1, 0 when none */
	__u8 fd_arg;
	__u8 range_arg;
	struct mmt_bpf_ptr ptrs[MMT_BPF_PTRS]; /* kind MMT_PTR_NONE past the last */
};

/* Per-event counters kept in the kernel: [event][MMT_CNT_*]. */
enum mmt_counter {
	MMT_DROP_RINGBUF, /* lost: no room in the ring buffer at exit */
	MMT_DROP_INFLIGHT, /* lost: no room to keep the entry until exit */
	MMT_CNT_FILTERED, /* not lost: a scope or filter left the call out */
	MMT_CNT_COUNT,
};
#define MMT_DROP_COUNT 2 /* the counters that are losses */

/* In-kernel scopes: bits of scope_mask; each kind ANDed, values ORed. */
#define MMT_SCOPE_PID (1U << 0) /* tgid in tgid_filter */
#define MMT_SCOPE_TID (1U << 1) /* tid in tid_filter */
#define MMT_SCOPE_COMM (1U << 2) /* comm in comm_filter */
#define MMT_SCOPE_NOT_COMM (1U << 3) /* comm not in not_comm_filter */
#define MMT_SCOPE_UID (1U << 4) /* uid_min <= uid <= uid_max */
#define MMT_SCOPE_CGROUP (1U << 5) /* cgroup id in cgroup_filter */

/* A predicate on an argument or the return value, tested at exit. */
#define MMT_MAX_PREDS 8
#define MMT_PRED_RET 6 /* arg index that means the return value */
enum mmt_pred_op {
	MMT_OP_EQ,
	MMT_OP_NE,
	MMT_OP_LT,
	MMT_OP_LE,
	MMT_OP_GT,
	MMT_OP_GE,
	MMT_OP_ANY_BITS, /* (value & mask) != 0 */
};

struct mmt_pred {
	__u8 arg; /* 0-5, or MMT_PRED_RET */
	__u8 op; /* enum mmt_pred_op */
	__u8 is_signed; /* compare as signed (after the 32-bit sign extension
			 * for int arguments) */
	__u8 is_int; /* the value is a C int: use its low 32 bits */
	/* predicates of one group (contiguous) OR together, groups AND:
	 * '=' tests of one field form a group, as Tracee's */
	__u32 group;
	__u64 mask; /* the value is (arg & mask) before comparing */
	__u64 value;
};

/* Summary mode: calls counted in the kernel, no record per call. */
enum mmt_summary_by {
	MMT_BY_NONE,
	MMT_BY_COMM,
	MMT_BY_PID,
	MMT_BY_CGROUP,
	MMT_BY_HOST, /* user space only: mmtrace read's events of many hosts */
};

#define MMT_HIST_SLOTS 32 /* log2 of the latency in ns */

struct mmt_stat_key {
	__u32 event;
	__s32 err; /* errno of a failed call, 0 for success */
	__u64 group; /* tgid or cgroup id by --summary-by, else 0 */
	char comm[MMT_COMM_LEN]; /* by comm; by pid the process's; else zeros */
};

struct mmt_stat {
	__u64 calls;
	__u64 lat_sum; /* ns */
	__u64 lat_max;
	__u64 hist[MMT_HIST_SLOTS];
};

/*
 * Summary mode (-c, top): pages migrated, counted in the kernel per group
 * (as struct mmt_stat_key's), reason and destination node. Every batch of
 * migrate:mm_migrate_pages the scopes select, inside a traced call or not.
 */
#define MMT_MIGRATE_REASONS 16 /* enum migrate_reason values kept apart */
struct mmt_move_key {
	__u64 group; /* tgid or cgroup id by --summary-by, else 0 */
	char comm[MMT_COMM_LEN]; /* the task's name, in every mode */
	__u32 reason; /* enum migrate_reason */
	__s32 dst_node; /* -1: not known */
	__u8 kthread; /* the batch ran in a kernel thread */
	__u8 pad[7];
};

struct mmt_move_stat {
	__u64 batches;
	__u64 succeeded; /* base pages */
	__u64 failed;
	__u64 thp_succeeded;
	__u64 thp_split; /* THP and large folios split to migrate */
};

#define MMT_REC_COMPAT (1U << 0) /* made by a 32-bit (ia32) task */
#define MMT_REC_MIGRATED (1U << 1) /* migrate_* fields are filled */
#define MMT_REC_TARGET (1U << 2) /* target_* fields are filled */
#define MMT_REC_COMPACT (1U << 3) /* wire only: struct mmt_payload_masks_compact */
/* the arguments are in user memory (ia32_argstruct_nr) and could not be
 * read: args[0] is their address, args[1] the read's negative errno */
#define MMT_REC_ARGS_UNREAD (1U << 4)
#define MMT_REC_STACK (1U << 5) /* a struct mmt_stack_tail follows the payload */
#define MMT_REC_ARGCTX (1U << 6) /* a struct mmt_argctx follows the payload */
/* wire only: a struct mmt_call_extra follows the call's fields (without
 * it a record's migrate_* and target_* are 0) */
#define MMT_REC_EXTRA (1U << 7)
/* wire only, with MMT_REC_COMPACT: the payload ends before kmasks (no
 * kernel-copy hook was planned: they are MMT_READ_NONE) */
#define MMT_REC_NO_KMASKS (1U << 8)

/*
 * --stack: the user registers an unwinder needs and a window of the user
 * stack, copied at the call's exit. It follows the payload of a call
 * record when MMT_REC_STACK is set (never otherwise: the default record is
 * unchanged), and ends the record.
 */
enum mmt_stack_reg {
	MMT_SREG_IP, /* the instruction after the syscall */
	MMT_SREG_SP,
	MMT_SREG_BP,
	MMT_SREG_BX,
	MMT_SREG_R12,
	MMT_SREG_R13,
	MMT_SREG_R14,
	MMT_SREG_R15,
	MMT_SREG_COUNT,
};

/* The window is read in chunks of MMT_STACK_CHUNK bytes aligned on their
 * size, from the chunk holding sp up, until one cannot be read (the top of
 * the stack mapping) or MMT_STACK_CHUNKS are: 8 to 12 KiB above sp. */
#define MMT_STACK_CHUNK 4096
#define MMT_STACK_CHUNKS 3
#define MMT_STACK_BYTES (MMT_STACK_CHUNK * MMT_STACK_CHUNKS)

struct mmt_stack_tail {
	__u64 regs[MMT_SREG_COUNT]; /* enum mmt_stack_reg */
	/* bytes of data[] read, from regs[MMT_SREG_SP] rounded down to
	 * MMT_STACK_CHUNK: a multiple of MMT_STACK_CHUNK, 0 when none */
	__u32 len;
	/* 0, or the negative errno of the read that ended the copy before
	 * MMT_STACK_BYTES (the top of the stack mapping, usually) */
	__s32 read_err;
	__u8 data[MMT_STACK_BYTES];
};

/*
 * What the ring buffer carries. Its records start with a __u16: an event
 * (enum mmt_event) for a call record, or one of these for a thread's
 * context. Most of a call's context (executable, host name, namespace
 * ids, parent) is the same for every call of a thread, so the BPF side
 * sends it once per thread, and again when it changes, and user space
 * joins it to each call into a struct mmt_record.
 */
#define MMT_WIRE_TASK 0xffff /* struct mmt_task: a thread's context */
#define MMT_WIRE_TASK_GONE 0xfffe /* struct mmt_task_gone: the thread exited */
#define MMT_WIRE_COMPAT_EXEC 0xfffd /* struct mmt_compat_exec: see below */

/* The part of a call record that the BPF side writes for every call: 128
 * bytes, two cache lines. */
#define MMT_CALL_FIELDS                                                        \
	__u16 event; /* enum mmt_event */                                      \
	__u16 flags; /* MMT_REC_* */                                           \
	__u16 payload; /* enum mmt_payload_kind */                             \
	__u16 nr; /* syscall number as made (ia32 numbers for compat) */       \
	__u32 cpu;                                                             \
	__u32 host_tid;                                                        \
	__u64 enter_ns; /* CLOCK_BOOTTIME at entry */                          \
	__u64 exit_ns; /* CLOCK_BOOTTIME at exit */                            \
	__u64 cgroup_id;                                                       \
	__s64 ret;                                                             \
	__u64 args[MMT_MAX_ARGS];                                              \
	__u32 host_pid;                                                        \
	__u32 uid, gid;                                                        \
	__u32 call_pad; /* 0 */                                                \
	char comm[MMT_COMM_LEN];

/* What only the events that move pages or name a process carry
 * (MMT_BPF_MIGRATES, MMT_BPF_HAS_TARGET): on the wire a struct
 * mmt_call_extra after the call's fields, with MMT_REC_EXTRA; in a struct
 * mmt_record always (0 for the other events). */
#define MMT_CALL_EXTRA_FIELDS                                                  \
	/* migrate:mm_migrate_pages during the call, summed */                 \
	__u64 migrate_succeeded, migrate_failed, migrate_split;                \
	__u32 migrate_batches;                                                 \
	/* the process a pid argument names (migrate_pages, move_pages) */     \
	__u32 target_uid;                                                      \
	__u32 target_host_pid;                                                 \
	__u32 extra_pad; /* 0 */                                               \
	char target_comm[MMT_COMM_LEN];

/* A thread's context: what struct mmt_task carries. */
#define MMT_TASK_FIELDS                                                        \
	__u64 thread_start_ns; /* CLOCK_BOOTTIME when the thread started */    \
	/* CLOCK_BOOTTIME when the thread group leader and the parent process \
	 * (its leader) started: Tracee's entity ids hash them */             \
	__u64 leader_start_ns, parent_start_ns;                                \
	__u32 host_ppid;                                                       \
	__u32 pid, tid, ppid; /* as seen from the task's pid namespace */      \
	__u32 mnt_ns, pid_ns;                                                  \
	char host[MMT_HOST_LEN];                                               \
	/* 1: exe holds only the path's last MMT_PATH_LEN - 1 bytes (or its   \
	 * last components): the start is missing */                          \
	__u8 exe_truncated;                                                    \
	char exe[MMT_PATH_LEN];

/* On the wire: one syscall, entry and exit paired in the kernel, followed
 * by a struct mmt_call_extra when flags has MMT_REC_EXTRA, then by the
 * payload of the event's kind. */
struct mmt_call {
	MMT_CALL_FIELDS
} __attribute__((aligned(8)));

struct mmt_call_extra {
	MMT_CALL_EXTRA_FIELDS
} __attribute__((aligned(8)));

_Static_assert(sizeof(struct mmt_call) == 128, "a call record's fields: two cache lines");

/* On the wire: the context of thread host_tid, for its calls that follow.
 * time_ns orders it with the calls of other CPUs' ring buffers: it is taken
 * before the call it goes ahead of ends (that call's exit_ns). */
struct mmt_task {
	__u16 event; /* MMT_WIRE_TASK */
	__u16 pad;
	__u32 host_tid;
	__u64 time_ns; /* CLOCK_BOOTTIME when sent */
	MMT_TASK_FIELDS
} __attribute__((aligned(8)));

/* On the wire: thread host_tid exited; its context can be forgotten. */
struct mmt_task_gone {
	__u16 event; /* MMT_WIRE_TASK_GONE */
	__u16 pad;
	__u32 host_tid;
	__u64 time_ns; /* CLOCK_BOOTTIME at the exit */
};

/* On the wire (--attach=auto, raw programs not attached): a 32-bit (ia32)
 * program was started by thread host_tid at time_ns. */
struct mmt_compat_exec {
	__u16 event; /* MMT_WIRE_COMPAT_EXEC */
	__u16 pad;
	__u32 host_tid;
	__u64 time_ns; /* CLOCK_BOOTTIME */
	char comm[MMT_COMM_LEN];
};

/* In user space: a call with its thread's context, then the payload. */
struct mmt_record {
	MMT_CALL_FIELDS
	MMT_CALL_EXTRA_FIELDS
	MMT_TASK_FIELDS
	/* followed by the payload of the event's kind */
} __attribute__((aligned(8)));

#endif /* MMTRACE_H */
