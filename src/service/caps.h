/* SPDX-License-Identifier: GPL-2.0 */
/*
 * caps.h - what mmtrace needs to trace, checked from its effective
 * capabilities rather than from its user id.
 */
#ifndef MMT_CAPS_H
#define MMT_CAPS_H

#include <stdbool.h>

/* Has the process this capability in its effective set? */
bool mmt_has_cap(int cap);

/*
 * 0 when the effective set holds what tracing needs; else -1 after a
 * one-line message naming what is missing.
 */
int mmt_check_caps(void);

#endif /* MMT_CAPS_H */
