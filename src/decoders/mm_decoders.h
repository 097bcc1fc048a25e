/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mm_decoders.h - decoders of the memory family's composite arguments:
 * values that are more than one table's worth (mmap's flags). Every other
 * constant argument is xlat_flags() or xlat_value() with its table from
 * text/xlat.h (prot_flags names its 0, PROT_NONE):
 *
 *   mmap, mprotect, pkey_mprotect prot  xlat_flags(&prot_flags, ...)
 *   madvise, process_madvise advice  xlat_value(&madvise_advice, ...)
 *   mlock2 flags                     xlat_flags(&mlock2_flags, ...)
 *   mlockall flags                   xlat_flags(&mlockall_flags, ...)
 *   msync flags                      xlat_flags(&msync_flags, ...)
 *   mbind flags                      xlat_flags(&mpol_mf_flags, ...)
 *   move_pages flags                 xlat_flags(&move_pages_flags, ...)
 *   get_mempolicy flags              xlat_flags(&get_mempolicy_flags, ...)
 *   map_shadow_stack flags           xlat_flags(&shadow_stack_flags, ...)
 *   remap_file_pages flags           mmt_decode_map_bits()
 *
 * A zero value prints its name where the kernel's headers name zero
 * (PROT_NONE, MPOL_DEFAULT, MADV_NORMAL), else "0" (strace's rule), for
 * every argument, mmap's flags included.
 *
 * All have snprintf() semantics: they return the length of the full text,
 * write at most len bytes and NUL-terminate whenever len > 0 (buf may be
 * NULL when len is 0).
 */
#ifndef MMT_MM_DECODERS_H
#define MMT_MM_DECODERS_H

#include <linux/types.h>
#include <stddef.h>

/* include/uapi/asm-generic/mman-common.h, include/uapi/linux/mman.h */
#define MMT_MAP_HUGETLB 0x40000ULL
#define MMT_MAP_HUGE_SHIFT 26
#define MMT_MAP_HUGE_MASK 0x3fULL

/*
 * mmap's flags: the type's name (or the unknown type in hex, "0" for none),
 * then the flag names, then the huge page size when MAP_HUGETLB is set and
 * its size field (bits 26..31) is not 0, then the unknown bits in hex:
 * "MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|MAP_HUGE_2MB", "0xf|MAP_FIXED".
 * The size is 2^field bytes, printed as MAP_HUGE_<n><unit> with the largest
 * unit that divides it (B, KB, MB, GB, TB, PB, EB): the kernel's own names
 * MAP_HUGE_16KB .. MAP_HUGE_16GB for the sizes it names. Without
 * MAP_HUGETLB, bit 26 is MAP_UNINITIALIZED and bits 27..31 are unknown.
 */
size_t mmt_decode_mmap_flags(__u64 flags, char *buf, size_t len);

/*
 * The same flag bits without mmap's type field (remap_file_pages): the
 * low two bits are unknown bits there; MAP_HUGETLB's size field is a size,
 * never MAP_UNINITIALIZED. 0 prints "0".
 */
size_t mmt_decode_map_bits(__u64 flags, char *buf, size_t len);

#endif /* MMT_MM_DECODERS_H */
