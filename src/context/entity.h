/* SPDX-License-Identifier: GPL-2.0 */
/*
 * entity.h - Tracee's entity ids: one 32-bit number per task (thread or
 * process) that stays the same for the task's whole life and differs from
 * a later task that reuses its pid, so that a process tree built from the
 * events links each event to its thread, process and parent.
 */
#ifndef MMT_ENTITY_H
#define MMT_ENTITY_H

#include <linux/types.h>
#include <stddef.h>

/* MurmurHash3, x86 32-bit variant, of len bytes at key (4-byte blocks
 * read little-endian, as the algorithm defines them). */
__u32 mmt_murmur3_32(const void *key, size_t len, __u32 seed);

/* The seed Tracee hashes entity ids with. */
#define MMT_ENTITY_SEED 0x18273645U

/*
 * The entity id of the task with host id host_id (a tid for a thread, a
 * tgid for a process) that started at start_wall_ns (nanoseconds since the
 * epoch): the start time rounded down to 100 ms (the precision of
 * /proc/PID/stat's start time, so that a tree read from procfs gets the
 * same id), then murmur3 of the id and the time, both big-endian (4 + 8
 * bytes), with MMT_ENTITY_SEED.
 */
__u32 mmt_entity_id(__u32 host_id, __u64 start_wall_ns);

#endif /* MMT_ENTITY_H */
