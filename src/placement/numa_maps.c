// SPDX-License-Identifier: GPL-2.0
/*
 * numa_maps.c - read /proc/PID/numa_maps, bounded, and parse its text into
 * pages per node.
 *
 * A line: "ADDR POLICY [file=PATH|heap|stack|huge] [anon=N] [dirty=N]
 * [mapped=N] ... N0=N N1=N ... kernelpagesize_kB=K". Tokens are separated
 * by spaces; unknown ones are ignored, so new kernel keywords do not break
 * the parser. A path with a space splits into tokens that are ignored too.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "placement/numa_maps.h"

ssize_t mmt_numa_maps_read(pid_t pid, char *buf, size_t cap, bool *capped)
{
	char path[64];
	size_t len = 0;
	int fd;

	*capped = false;
	snprintf(path, sizeof(path), "/proc/%d/numa_maps", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (len < cap) {
		ssize_t n = read(fd, buf + len, cap - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		len += n;
	}
	if (len == cap) {
		char c;

		if (read(fd, &c, 1) == 1) {
			char *nl = cap ? memrchr(buf, '\n', len) : NULL;

			*capped = true;
			len = nl ? (size_t)(nl - buf) + 1 : 0;
		}
	}
	close(fd);
	return len;
}

void mmt_placement_clear(struct mmt_placement *p)
{
	memset(p, 0, sizeof(*p));
	p->max_node = -1;
}

/* A decimal number filling [s, e), at most 2^63; 0 or -1. */
static int parse_u64(const char *s, const char *e, __u64 *out)
{
	__u64 v = 0;

	if (s == e || e - s > 19)
		return -1;
	for (; s < e; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (__u64)(*s - '0');
	}
	*out = v;
	return 0;
}

struct line_nodes {
	int node[64];
	__u64 pages[64];
	int n;
	__u64 other; /* node ids too high to keep, or too many entries */
};

/* One line [s, e); 0, or -1 when it is malformed (nothing added). */
static int parse_line(const char *s, const char *e, unsigned int base_kb, struct mmt_placement *p)
{
	struct line_nodes ln = {.n = 0};
	bool file = false, huge = false, addr = false;
	__u64 page_kb = base_kb, v;

	while (s < e) {
		const char *t = s, *te, *eq;

		while (t < e && *t == ' ')
			t++;
		te = t;
		while (te < e && *te != ' ')
			te++;
		s = te;
		if (t == te)
			continue;
		if (!addr) { /* the first token: a hex address */
			for (const char *c = t; c < te; c++)
				if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
					return -1;
			addr = true;
			continue;
		}
		eq = memchr(t, '=', te - t);
		if (!eq) {
			if (te - t == 4 && !memcmp(t, "huge", 4))
				huge = true;
			continue;
		}
		if (eq - t == 4 && !memcmp(t, "file", 4)) {
			file = true;
		} else if (eq - t == 17 && !memcmp(t, "kernelpagesize_kB", 17)) {
			if (parse_u64(eq + 1, te, &v) || !v || v > (1ULL << 30))
				return -1;
			page_kb = v;
		} else if (t[0] == 'N' && eq - t > 1) {
			__u64 node;

			if (parse_u64(t + 1, eq, &node) || parse_u64(eq + 1, te, &v))
				return -1;
			if (node >= MMT_PL_MAX_NODES || ln.n == 64) {
				ln.other += v;
				continue;
			}
			ln.node[ln.n] = node;
			ln.pages[ln.n++] = v;
		}
	}
	if (!addr)
		return -1;
	if (page_kb < base_kb && !huge)
		return -1; /* smaller than a base page: not a sane line */
	for (int i = 0; i < ln.n; i++) {
		struct mmt_node_pages *np = &p->nodes[ln.node[i]];

		if (huge) {
			np->huge += ln.pages[i];
			np->huge_kb += ln.pages[i] * page_kb;
		} else if (file) {
			np->file += ln.pages[i] * (page_kb / base_kb);
		} else {
			np->anon += ln.pages[i] * (page_kb / base_kb);
		}
		if (ln.node[i] > p->max_node)
			p->max_node = ln.node[i];
	}
	p->other_nodes += ln.other * (page_kb / base_kb ? page_kb / base_kb : 1);
	p->vmas++;
	return 0;
}

void mmt_numa_maps_parse(const char *buf, size_t len, unsigned int base_kb, struct mmt_placement *p)
{
	const char *s = buf, *end = buf + len;

	if (!base_kb)
		base_kb = 4;
	while (s < end) {
		const char *nl = memchr(s, '\n', end - s);
		const char *e = nl ? nl : end;

		if (e - s > MMT_PL_LINE_MAX || memchr(s, '\0', e - s))
			p->malformed++;
		else if (e > s && parse_line(s, e, base_kb, p))
			p->malformed++;
		s = nl ? nl + 1 : end;
	}
}

__u64 mmt_placement_node_total(const struct mmt_placement *p, int node, unsigned int base_kb)
{
	const struct mmt_node_pages *np;

	if (node < 0 || node >= MMT_PL_MAX_NODES)
		return 0;
	np = &p->nodes[node];
	return np->anon + np->file + (base_kb ? np->huge_kb / base_kb : 0);
}
