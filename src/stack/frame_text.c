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

void mmt_stack_frame_put(struct outbuf *ob, const struct mmt_stack_frame *f)
{
	if (f->module) {
		ob_safe_str(ob, f->module, MMT_STACK_NAME_MAX);
		ob_char(ob, '(');
		if (f->symbol) {
			ob_safe_str(ob, f->symbol, MMT_STACK_NAME_MAX);
			ob_char(ob, '+');
			ob_hex(ob, f->offset);
		}
		ob_lit(ob, ") [");
		ob_hex(ob, f->rel);
	} else {
		ob_char(ob, '[');
		ob_hex(ob, f->ip);
	}
	ob_char(ob, ']');
}

const char *mmt_stack_end_name(unsigned int flags)
{
	if (flags & MMT_STACK_IA32)
		return "ia32-not-unwound";
	if (flags & MMT_STACK_NO_MAPS)
		return "process-gone";
	if (flags & MMT_STACK_DEPTH_END)
		return "depth-limit";
	if (flags & MMT_STACK_WINDOW_END)
		return "stack-window-end";
	if (flags & MMT_STACK_UNWIND_ERR)
		return "no-unwind-info";
	return "outermost";
}
