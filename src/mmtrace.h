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

/* Internal event index: the row of the event table, the slot of counters. */
enum mmt_event {
	MMT_EV_MREMAP,
	MMT_EV_SET_MEMPOLICY,
	MMT_EV_MIGRATE_PAGES,
	MMT_EV_COUNT,
};

/* What became of one node-mask argument read from user memory. */
enum mmt_mask_state {
	MMT_MASK_NONE = 0, /* the event has no mask in this slot */
	MMT_MASK_NULL, /* the pointer was NULL: nothing to read */
	MMT_MASK_EMPTY, /* maxnode <= 1: the kernel reads no bit */
	MMT_MASK_READ, /* words[] holds nbits bits */
	MMT_MASK_FAULT, /* the read failed; read_err says why */
};

struct mmt_mask {
	__u8 state; /* enum mmt_mask_state */
	__u8 truncated; /* the kernel reads more than MMT_MASK_MAX_BITS bits */
	__u16 nbits; /* bits captured, <= MMT_MASK_MAX_BITS */
	__s32 read_err; /* negative errno of the failed read */
	__u64 words[MMT_MASK_WORDS];
};

/* Why a syscall was seen but never reached user space. */
enum mmt_drop_reason {
	MMT_DROP_RINGBUF, /* no room in the ring buffer at exit */
	MMT_DROP_INFLIGHT, /* no room to remember the entry until exit */
	MMT_DROP_COUNT,
};

#define MMT_REC_COMPAT (1U << 0) /* made by a 32-bit (ia32) task */

/* One syscall, entry and exit paired in the kernel. */
struct mmt_record {
	__u16 event; /* enum mmt_event */
	__u16 flags; /* MMT_REC_* */
	__u32 cpu;
	__u64 enter_ns; /* CLOCK_BOOTTIME at entry */
	__u64 exit_ns; /* CLOCK_BOOTTIME at exit */
	__u64 thread_start_ns; /* CLOCK_BOOTTIME when the thread started */
	__u64 cgroup_id;
	__s64 ret;
	__u64 args[MMT_MAX_ARGS];
	__u32 host_pid, host_tid, host_ppid;
	__u32 pid, tid, ppid; /* as seen from the task's pid namespace */
	__u32 uid, gid;
	__u32 mnt_ns, pid_ns;
	struct mmt_mask masks[MMT_MAX_MASKS];
	char comm[MMT_COMM_LEN];
	char host[MMT_HOST_LEN];
	char exe[MMT_PATH_LEN];
};

#endif /* MMTRACE_H */
