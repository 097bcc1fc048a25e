/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sites.h - `mmtrace -c --summary-by stack`: calls, errors and latency per
 * distinct call site (event and unwound stack), counted in user space from
 * the unwound records, printed as the top N by calls.
 *
 * Two calls share a site when they are of one event and their frames are
 * the same module and module address, frame by frame (raw addresses where
 * no module is known), so one code path run by several processes, each at
 * its own load address, is one site.
 */
#ifndef MMT_SITES_H
#define MMT_SITES_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include "stack/stack.h"
#include "text/outbuf.h"

#define MMT_SITES_MAX 65536 /* distinct sites kept; more are counted apart */

struct mmt_sites;

struct mmt_sites *mmt_sites_new(void);
void mmt_sites_free(struct mmt_sites *s);

/* Count one call of event (a static name) from call site st. 0, or
 * -ENOMEM (the call is counted as not placed). */
int mmt_sites_add(struct mmt_sites *s, const char *event, const struct mmt_stack *st, bool failed,
		  __u64 latency_ns);

/* Distinct sites held; calls of sites past MMT_SITES_MAX or not placed
 * for want of memory. */
size_t mmt_sites_count(const struct mmt_sites *s);
__u64 mmt_sites_unplaced(const struct mmt_sites *s);

/* The top sites by calls (ties: by errors, then by total latency), each a
 * row and its frames as strace -k prints them. top 0: all. */
void mmt_sites_print(struct outbuf *ob, struct mmt_sites *s, unsigned int top);

#endif /* MMT_SITES_H */
