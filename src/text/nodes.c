// SPDX-License-Identifier: GPL-2.0
/*
 * nodes.c - the nodes of a mask: iterated, as ranges for people and as an
 * array for JSON.
 */
#include "text/nodes.h"

int mmt_mask_next(const struct mmt_mask *m, int from)
{
	if (from < 0)
		from = 0;
	for (int bit = from; bit < m->nbits; bit++) {
		__u64 w = m->words[bit / 64] >> (bit % 64);

		if (!w) {
			bit |= 63; /* rest of this word is empty */
			continue;
		}
		bit += __builtin_ctzll(w);
		return bit < m->nbits ? bit : -1;
	}
	return -1;
}

void mmt_nodes_ranges(struct outbuf *ob, const struct mmt_mask *m)
{
	int node = mmt_mask_next(m, 0);
	bool first = true;

	while (node >= 0) {
		int last = node, next;

		while ((next = mmt_mask_next(m, last + 1)) == last + 1)
			last = next;
		if (!first)
			ob_char(ob, ',');
		ob_u64(ob, node);
		if (last > node) {
			ob_char(ob, '-');
			ob_u64(ob, last);
		}
		first = false;
		node = next;
	}
}

void mmt_nodes_json(struct outbuf *ob, const struct mmt_mask *m)
{
	ob_char(ob, '[');
	for (int node = mmt_mask_next(m, 0); node >= 0;) {
		ob_u64(ob, node);
		node = mmt_mask_next(m, node + 1);
		if (node >= 0)
			ob_char(ob, ',');
	}
	ob_char(ob, ']');
}
