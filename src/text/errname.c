// SPDX-License-Identifier: GPL-2.0
/*
 * errname.c - errno names from the C library.
 */
#include <string.h>
#include "text/errname.h"

const char *mmt_errno_name(long err)
{
	if (err <= 0 || err > 4095)
		return NULL;
	return strerrorname_np((int)err);
}

const char *mmt_neg_errno_name(__s64 v)
{
	return v < 0 && v >= -4095 ? mmt_errno_name(-v) : NULL;
}
