// SPDX-License-Identifier: GPL-2.0
/*
 * xlat.c - the constant tables and the two ways to print them.
 */
#include <stdio.h>
#include <string.h>
#include "text/xlat.h"

#define XLAT(hdr, arr) XLAT_ZERO(hdr, arr, NULL)
/* A bit table whose 0 has a name of its own. */
#define XLAT_ZERO(hdr, arr, zero) { hdr, sizeof(arr) / sizeof(arr[0]), arr, zero }

/* include/uapi/linux/mman.h */
static const struct xlat_entry mremap_flags_e[] = {
	{ 0x1, "MREMAP_MAYMOVE" },
	{ 0x2, "MREMAP_FIXED" },
	{ 0x4, "MREMAP_DONTUNMAP" },
};
const struct xlat mremap_flags = XLAT("include/uapi/linux/mman.h", mremap_flags_e);

/* include/uapi/linux/mempolicy.h: enum { MPOL_DEFAULT, ... } */
static const struct xlat_entry mpol_modes_e[] = {
	{ 0, "MPOL_DEFAULT" },
	{ 1, "MPOL_PREFERRED" },
	{ 2, "MPOL_BIND" },
	{ 3, "MPOL_INTERLEAVE" },
	{ 4, "MPOL_LOCAL" },
	{ 5, "MPOL_PREFERRED_MANY" },
	{ 6, "MPOL_WEIGHTED_INTERLEAVE" },
};
const struct xlat mpol_modes = XLAT("include/uapi/linux/mempolicy.h", mpol_modes_e);

/* include/uapi/linux/mempolicy.h: flags of set_mempolicy's mode */
static const struct xlat_entry mpol_mode_flags_e[] = {
	{ 1U << 15, "MPOL_F_STATIC_NODES" },
	{ 1U << 14, "MPOL_F_RELATIVE_NODES" },
	{ 1U << 13, "MPOL_F_NUMA_BALANCING" },
};
const struct xlat mpol_mode_flags = XLAT("include/uapi/linux/mempolicy.h", mpol_mode_flags_e);

/*
 * include/uapi/asm-generic/mman-common.h (x86 adds no PROT_* of its own;
 * 0x10 and 0x20 are arch-specific: PROT_BTI/PROT_MTE on arm64 only).
 */
static const struct xlat_entry prot_flags_e[] = {
	{ 0x1, "PROT_READ" },
	{ 0x2, "PROT_WRITE" },
	{ 0x4, "PROT_EXEC" },
	{ 0x8, "PROT_SEM" },
	{ 0x01000000, "PROT_GROWSDOWN" },
	{ 0x02000000, "PROT_GROWSUP" },
};
const struct xlat prot_flags =
	XLAT_ZERO("include/uapi/asm-generic/mman-common.h", prot_flags_e, "PROT_NONE");

/*
 * include/uapi/linux/mman.h: the mapping type, flags & MAP_TYPE (0x0f, from
 * include/uapi/asm-generic/mman-common.h). MAP_DROPPABLE (6.11) is a type
 * value, not a bit. MAP_FILE (0) is left out: a type of 0 is invalid.
 */
static const struct xlat_entry mmap_types_e[] = {
	{ 0x01, "MAP_SHARED" },
	{ 0x02, "MAP_PRIVATE" },
	{ 0x03, "MAP_SHARED_VALIDATE" },
	{ 0x08, "MAP_DROPPABLE" },
};
const struct xlat mmap_types = XLAT("include/uapi/linux/mman.h", mmap_types_e);

/*
 * x86_64 mmap flags above the type:
 *   include/uapi/asm-generic/mman-common.h: MAP_FIXED, MAP_ANONYMOUS,
 *     MAP_POPULATE .. MAP_FIXED_NOREPLACE, MAP_UNINITIALIZED;
 *   include/uapi/asm-generic/mman.h: MAP_GROWSDOWN .. MAP_NORESERVE;
 *   arch/x86/include/uapi/asm/mman.h: MAP_32BIT, MAP_ABOVE4G (6.6).
 * Bits 26..31 are also the MAP_HUGE_* size field (include/uapi/linux/mman.h,
 * asm-generic/hugetlb_encode.h) when MAP_HUGETLB is set; the mmap decoder
 * (mm_decoders.c) sorts that out, this table only knows bit 26 by itself.
 */
static const struct xlat_entry mmap_flags_e[] = {
	{ 0x10, "MAP_FIXED" },
	{ 0x20, "MAP_ANONYMOUS" },
	{ 0x40, "MAP_32BIT" },
	{ 0x80, "MAP_ABOVE4G" },
	{ 0x100, "MAP_GROWSDOWN" },
	{ 0x800, "MAP_DENYWRITE" },
	{ 0x1000, "MAP_EXECUTABLE" },
	{ 0x2000, "MAP_LOCKED" },
	{ 0x4000, "MAP_NORESERVE" },
	{ 0x8000, "MAP_POPULATE" },
	{ 0x10000, "MAP_NONBLOCK" },
	{ 0x20000, "MAP_STACK" },
	{ 0x40000, "MAP_HUGETLB" },
	{ 0x80000, "MAP_SYNC" },
	{ 0x100000, "MAP_FIXED_NOREPLACE" },
	{ 0x4000000, "MAP_UNINITIALIZED" },
};
const struct xlat mmap_flags = XLAT("include/uapi/asm-generic/mman-common.h, "
				    "include/uapi/asm-generic/mman.h, "
				    "arch/x86/include/uapi/asm/mman.h",
				    mmap_flags_e);

/*
 * include/uapi/asm-generic/mman-common.h (x86 uses the generic values;
 * 5..7 are unused). madvise(2) and process_madvise(2).
 */
static const struct xlat_entry madvise_advice_e[] = {
	{ 0, "MADV_NORMAL" },
	{ 1, "MADV_RANDOM" },
	{ 2, "MADV_SEQUENTIAL" },
	{ 3, "MADV_WILLNEED" },
	{ 4, "MADV_DONTNEED" },
	{ 8, "MADV_FREE" },
	{ 9, "MADV_REMOVE" },
	{ 10, "MADV_DONTFORK" },
	{ 11, "MADV_DOFORK" },
	{ 12, "MADV_MERGEABLE" },
	{ 13, "MADV_UNMERGEABLE" },
	{ 14, "MADV_HUGEPAGE" },
	{ 15, "MADV_NOHUGEPAGE" },
	{ 16, "MADV_DONTDUMP" },
	{ 17, "MADV_DODUMP" },
	{ 18, "MADV_WIPEONFORK" },
	{ 19, "MADV_KEEPONFORK" },
	{ 20, "MADV_COLD" },
	{ 21, "MADV_PAGEOUT" },
	{ 22, "MADV_POPULATE_READ" },
	{ 23, "MADV_POPULATE_WRITE" },
	{ 24, "MADV_DONTNEED_LOCKED" },
	{ 25, "MADV_COLLAPSE" },
	{ 100, "MADV_HWPOISON" },
	{ 101, "MADV_SOFT_OFFLINE" },
	{ 102, "MADV_GUARD_INSTALL" },
	{ 103, "MADV_GUARD_REMOVE" },
};
const struct xlat madvise_advice =
	XLAT("include/uapi/asm-generic/mman-common.h", madvise_advice_e);

/*
 * include/uapi/linux/mempolicy.h: flags of mbind(2) and move_pages(2)
 * (MPOL_MF_LAZY is named there but the kernel rejects it).
 */
static const struct xlat_entry mpol_mf_flags_e[] = {
	{ 1U << 0, "MPOL_MF_STRICT" },
	{ 1U << 1, "MPOL_MF_MOVE" },
	{ 1U << 2, "MPOL_MF_MOVE_ALL" },
	{ 1U << 3, "MPOL_MF_LAZY" },
};
const struct xlat mpol_mf_flags = XLAT("include/uapi/linux/mempolicy.h", mpol_mf_flags_e);

/* mm/migrate.c: the only flags move_pages(2) accepts (others: EINVAL) */
static const struct xlat_entry move_pages_flags_e[] = {
	{ 1U << 1, "MPOL_MF_MOVE" },
	{ 1U << 2, "MPOL_MF_MOVE_ALL" },
};
const struct xlat move_pages_flags = XLAT("include/uapi/linux/mempolicy.h", move_pages_flags_e);

/* include/uapi/linux/mempolicy.h: flags of get_mempolicy(2) */
static const struct xlat_entry get_mempolicy_flags_e[] = {
	{ 1U << 0, "MPOL_F_NODE" },
	{ 1U << 1, "MPOL_F_ADDR" },
	{ 1U << 2, "MPOL_F_MEMS_ALLOWED" },
};
const struct xlat get_mempolicy_flags =
	XLAT("include/uapi/linux/mempolicy.h", get_mempolicy_flags_e);

/* include/uapi/asm-generic/mman.h (x86 uses the generic values) */
static const struct xlat_entry mlockall_flags_e[] = {
	{ 1, "MCL_CURRENT" },
	{ 2, "MCL_FUTURE" },
	{ 4, "MCL_ONFAULT" },
};
const struct xlat mlockall_flags = XLAT("include/uapi/asm-generic/mman.h", mlockall_flags_e);

/* include/uapi/asm-generic/mman-common.h */
static const struct xlat_entry mlock2_flags_e[] = {
	{ 1, "MLOCK_ONFAULT" },
};
const struct xlat mlock2_flags = XLAT("include/uapi/asm-generic/mman-common.h", mlock2_flags_e);

/* include/uapi/asm-generic/mman-common.h */
static const struct xlat_entry msync_flags_e[] = {
	{ 1, "MS_ASYNC" },
	{ 2, "MS_INVALIDATE" },
	{ 4, "MS_SYNC" },
};
const struct xlat msync_flags = XLAT("include/uapi/asm-generic/mman-common.h", msync_flags_e);

/*
 * include/uapi/asm-generic/mman.h since 6.13 (SHADOW_STACK_SET_TOKEN was in
 * arch/x86/include/uapi/asm/mman.h from 6.6; x86 accepts only that one).
 */
static const struct xlat_entry shadow_stack_flags_e[] = {
	{ 1ULL << 0, "SHADOW_STACK_SET_TOKEN" },
	{ 1ULL << 1, "SHADOW_STACK_SET_MARKER" },
};
const struct xlat shadow_stack_flags =
	XLAT("include/uapi/asm-generic/mman.h", shadow_stack_flags_e);

/* include/linux/migrate_mode.h: enum migrate_reason (6.18; damon is
 * not in 6.1), also the names of the mm_migrate_pages tracepoint's format */
static const struct xlat_entry migrate_reasons_e[] = {
	{ 0, "compaction" },	    { 1, "memory_failure" }, { 2, "memory_hotplug" },
	{ 3, "syscall_or_cpuset" }, { 4, "mempolicy_mbind" }, { 5, "numa_misplaced" },
	{ 6, "contig_range" },	    { 7, "longterm_pin" },   { 8, "demotion" },
	{ 9, "damon" },
};
const struct xlat migrate_reasons = XLAT("include/linux/migrate_mode.h", migrate_reasons_e);

/* include/linux/migrate_mode.h: enum migrate_mode */
static const struct xlat_entry migrate_modes_e[] = {
	{ 0, "MIGRATE_ASYNC" },
	{ 1, "MIGRATE_SYNC_LIGHT" },
	{ 2, "MIGRATE_SYNC" },
	{ 3, "MIGRATE_SYNC_NO_COPY" }, /* up to 6.9 */
};
const struct xlat migrate_modes = XLAT("include/linux/migrate_mode.h", migrate_modes_e);

/* which sched:sched_*_numa tracepoint (src/mmtrace.h) */
static const struct xlat_entry numa_placement_kinds_e[] = {
	{ 0, "move" },
	{ 1, "swap" },
	{ 2, "stick" },
};
const struct xlat numa_placement_kinds = XLAT("include/trace/events/sched.h",
					      numa_placement_kinds_e);

const char *xlat_name(const struct xlat *x, __u64 val)
{
	for (size_t i = 0; i < x->n; i++)
		if (x->e[i].val == val)
			return x->e[i].name;
	return NULL;
}

bool xlat_value_of(const struct xlat *x, const char *name, __u64 *val)
{
	for (size_t i = 0; i < x->n; i++) {
		if (!strcmp(x->e[i].name, name)) {
			*val = x->e[i].val;
			return true;
		}
	}
	if (x->zero && !strcmp(x->zero, name)) {
		*val = 0;
		return true;
	}
	return false;
}

/* snprintf that keeps counting past the end of buf */
static size_t put(char *buf, size_t len, size_t off, const char *sep,
		  const char *name, __u64 hex)
{
	int n;

	if (name)
		n = snprintf(off < len ? buf + off : NULL, off < len ? len - off : 0,
			     "%s%s", sep, name);
	else
		n = snprintf(off < len ? buf + off : NULL, off < len ? len - off : 0,
			     "%s%#llx", sep, (unsigned long long)hex);
	return off + (n > 0 ? (size_t)n : 0);
}

size_t xlat_flags(const struct xlat *x, __u64 val, char *buf, size_t len)
{
	size_t off = 0;

	if (len)
		buf[0] = '\0';
	if (!val)
		return put(buf, len, 0, "", x->zero ? x->zero : "0", 0);
	for (size_t i = 0; i < x->n; i++) {
		if ((val & x->e[i].val) == x->e[i].val && x->e[i].val) {
			off = put(buf, len, off, off ? "|" : "", x->e[i].name, 0);
			val &= ~x->e[i].val;
		}
	}
	if (val)
		off = put(buf, len, off, off ? "|" : "", NULL, val);
	return off;
}

size_t xlat_value(const struct xlat *x, __u64 val, char *buf, size_t len)
{
	if (len)
		buf[0] = '\0';
	return put(buf, len, 0, "", xlat_name(x, val), val);
}
