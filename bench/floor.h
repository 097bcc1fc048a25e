/* SPDX-License-Identifier: GPL-2.0 */
/*
 * floor.h - the records of the reference probes, shared by floor.bpf.c and
 * floor.c: 64 bytes each, whatever the syscall.
 */
#ifndef FLOOR_H
#define FLOOR_H

#define FLOOR_MAX_NRS 8		/* syscall numbers the probe selects, at most */
#define FLOOR_EXIT (1ULL << 63) /* set in floor_record.nr on an exit record */

/* Why a call made no record: the slots of the drops counter. */
enum floor_drop {
	FLOOR_DROP_RINGBUF,  /* no room in the ring buffer */
	FLOOR_DROP_INFLIGHT, /* hashmap variant: no room to keep the entry */
	FLOOR_DROP_NORING,   /* per-CPU variant: no ring buffer for this CPU */
	FLOOR_DROP_COUNT,
};

/*
 * The floor and per-CPU variants send one at entry (args: the six argument
 * registers but the last) and one at exit (args[0]: the return value); the
 * hashmap variant sends one at exit with entry time, return value and three
 * arguments.
 */
struct floor_record {
	__u64 nr; /* syscall number, | FLOOR_EXIT at exit */
	__u64 pid_tgid;
	__u64 ns;
	__u64 args[5];
};

#endif /* FLOOR_H */
