/* SPDX-License-Identifier: GPL-2.0 */
/*
 * errname.h - errno values by name, for return values and failed reads.
 */
#ifndef MMT_ERRNAME_H
#define MMT_ERRNAME_H

#include <linux/types.h>

/* "EINVAL" for 22; NULL when unknown. */
const char *mmt_errno_name(long err);

/* "EINVAL" for -22: the name of a negative errno value; NULL unless
 * -4095 <= v < 0 (any 64-bit value is safe to pass). */
const char *mmt_neg_errno_name(__s64 v);

#endif /* MMT_ERRNAME_H */
