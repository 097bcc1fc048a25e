/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nodes.h - the nodes a node mask holds: iterated, and as text for both
 * outputs ("0-3,8" for people, "[0,1,2,3,8]" for JSON).
 */
#ifndef MMT_NODES_H
#define MMT_NODES_H

#include <linux/types.h>
#include "mmtrace.h"
#include "text/outbuf.h"

/*
 * Iterate the nodes set in a mask that was read: returns the first node
 * >= from, or -1. Only bits below m->nbits count.
 */
int mmt_mask_next(const struct mmt_mask *m, int from);

void mmt_nodes_ranges(struct outbuf *ob, const struct mmt_mask *m);
void mmt_nodes_json(struct outbuf *ob, const struct mmt_mask *m);

#endif /* MMT_NODES_H */
