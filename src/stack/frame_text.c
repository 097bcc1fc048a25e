// SPDX-License-Identifier: GPL-2.0
/*
 * frame_text.c - one call-site frame as text, in strace -k's words.
 */
#include <stdio.h>
#include "stack/stack.h"

size_t mmt_stack_frame_text(const struct mmt_stack_frame *f, char *buf, size_t len)
{
	int n;

	if (!f->module)
		n = snprintf(buf, len, "[0x%llx]", (unsigned long long)f->ip);
	else if (!f->symbol)
		n = snprintf(buf, len, "%s() [0x%llx]", f->module, (unsigned long long)f->rel);
	else
		n = snprintf(buf, len, "%s(%s+0x%llx) [0x%llx]", f->module, f->symbol,
			     (unsigned long long)f->offset, (unsigned long long)f->rel);
	return n < 0 ? 0 : (size_t)n;
}
