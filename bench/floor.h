/* SPDX-License-Identifier: GPL-2.0 */
/*
 * floor.h - the record of the reference probe, shared by floor.bpf.c and
 * floor.c: 64 bytes, whatever the syscall.
 */
#ifndef FLOOR_H
#define FLOOR_H

#define FLOOR_MAX_NRS 8 /* syscall numbers the probe selects, at most */

/* Why a call made no record: the slots of the counters map. */
enum floor_drop {
	FLOOR_DROP_RINGBUF,  /* no room in the ring buffer */
	FLOOR_DROP_INFLIGHT, /* no room to keep the entry until the exit */
	FLOOR_DROP_COUNT,
};

struct floor_record {
	__u64 nr;
	__u64 pid_tgid;
	__u64 enter_ns;
	__u64 exit_ns;
	__s64 ret;
	__u64 args[3];
};

#endif /* FLOOR_H */
