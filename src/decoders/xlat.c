// SPDX-License-Identifier: GPL-2.0
/*
 * xlat.c - the constant tables and the two ways to print them.
 */
#include <stdio.h>
#include "decoders/xlat.h"

#define XLAT(hdr, arr) { hdr, sizeof(arr) / sizeof(arr[0]), arr }

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

const char *xlat_name(const struct xlat *x, __u64 val)
{
	for (size_t i = 0; i < x->n; i++)
		if (x->e[i].val == val)
			return x->e[i].name;
	return NULL;
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
		return put(buf, len, 0, "", "0", 0);
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
