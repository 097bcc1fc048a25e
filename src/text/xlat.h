/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xlat.h - constant tables, in the manner of strace's xlat: a table per
 * family of constants, naming the kernel header the values come from.
 * Value tables (one of) and bit tables (any of) are kept apart.
 */
#ifndef MMT_XLAT_H
#define MMT_XLAT_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

struct xlat_entry {
	__u64 val;
	const char *name;
};

struct xlat {
	const char *header; /* kernel uapi header of the values */
	size_t n;
	const struct xlat_entry *e;
	/* bit tables: the name printed for 0 ("PROT_NONE"); NULL prints "0" */
	const char *zero;
};

extern const struct xlat mremap_flags; /* bits */
extern const struct xlat mpol_modes; /* value */
extern const struct xlat mpol_mode_flags; /* bits */
extern const struct xlat prot_flags; /* bits, 0 is PROT_NONE */
extern const struct xlat mmap_types; /* value of flags & MMT_MAP_TYPE */
extern const struct xlat mmap_flags; /* bits, x86_64, without the type */
extern const struct xlat madvise_advice; /* value */
extern const struct xlat mpol_mf_flags; /* bits: mbind */
extern const struct xlat move_pages_flags; /* bits: move_pages */
extern const struct xlat get_mempolicy_flags; /* bits */
extern const struct xlat mlockall_flags; /* bits */
extern const struct xlat mlock2_flags; /* bits */
extern const struct xlat msync_flags; /* bits */
extern const struct xlat shadow_stack_flags; /* bits: map_shadow_stack */
extern const struct xlat migrate_reasons; /* value: enum migrate_reason */
extern const struct xlat migrate_modes; /* value: enum migrate_mode */
extern const struct xlat numa_placement_kinds; /* value: mmt_numa_placement_kind */

/* Mask of the MPOL_F_* bits that ride in set_mempolicy's mode argument. */
#define MMT_MPOL_MODE_FLAGS 0xe000U

/* MAP_TYPE: the low bits of mmap's flags hold one type value, not bits. */
#define MMT_MAP_TYPE 0x0fU

/* NULL when val is not in the table. */
const char *xlat_name(const struct xlat *x, __u64 val);

/* The value of a name: an entry's, or 0 for x->zero. false: no such name. */
bool xlat_value_of(const struct xlat *x, const char *name, __u64 *val);

/*
 * Bits as "A|B|0x40": known names in table order, then the unknown bits in
 * hex; x->zero (or "0" when it is NULL) when val is 0. Returns the length
 * snprintf() would write.
 */
size_t xlat_flags(const struct xlat *x, __u64 val, char *buf, size_t len);

/*
 * A value's name, or the value in hex. Same return as xlat_flags(); zero
 * plays no part (a value table names 0 with an entry, as mpol_modes does).
 */
size_t xlat_value(const struct xlat *x, __u64 val, char *buf, size_t len);

#endif /* MMT_XLAT_H */
