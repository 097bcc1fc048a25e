/* SPDX-License-Identifier: GPL-2.0 */
/*
 * numa_maps.h - pages per NUMA node from the text of /proc/PID/numa_maps:
 * a bounded read of the file, and a parser of its text (no file access,
 * bounded by the length it is given).
 */
#ifndef MMT_NUMA_MAPS_H
#define MMT_NUMA_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <sys/types.h>

/* Node ids from 0 to MMT_PL_MAX_NODES - 1 are kept; others are counted. */
#define MMT_PL_MAX_NODES 1024
/* A line longer than this is skipped (and counted as malformed). */
#define MMT_PL_LINE_MAX 4096

/*
 * Pages per node, in base pages (base_kb). A mapping without file= is
 * anonymous (heap, stack, anonymous mmap), one with file= is file-backed
 * (including shared memory files); numa_maps gives node counts per mapping,
 * not per page type, so the private copies in a file mapping count as file.
 * hugetlb mappings (the "huge" keyword) count apart, in their own pages.
 */
struct mmt_node_pages {
	__u64 anon;    /* base pages */
	__u64 file;    /* base pages */
	__u64 huge;    /* hugetlb pages, of huge_kb each */
	__u64 huge_kb; /* their size in KiB */
};

struct mmt_placement {
	struct mmt_node_pages nodes[MMT_PL_MAX_NODES];
	int max_node;	   /* highest node seen, -1: none */
	__u64 vmas;	   /* mapping lines parsed */
	__u64 malformed;   /* lines skipped: too long, no address, bad count */
	__u64 other_nodes; /* base pages on nodes >= MMT_PL_MAX_NODES */
};

/*
 * Read /proc/PID/numa_maps into buf, at most cap bytes (the kernel walks
 * the process's page tables to write it: reading costs about 5 ms per GiB
 * mapped in 4 KiB pages). Its length, or -1 when it cannot be opened or
 * read. When the file is longer than cap, *capped is set and the partial
 * last line is dropped. buf is not NUL-terminated.
 */
ssize_t mmt_numa_maps_read(pid_t pid, char *buf, size_t cap, bool *capped);

/* Reset p to "nothing seen". */
void mmt_placement_clear(struct mmt_placement *p);

/*
 * Add the lines of numa_maps text buf[0..len) to p. base_kb is the base
 * page size in KiB (4 on x86). A last line without '\n' is parsed as a
 * whole line: the caller drops a partial line of a capped read first.
 * Never reads past len; never fails: what it cannot read it counts in
 * p->malformed.
 */
void mmt_numa_maps_parse(const char *buf, size_t len, unsigned int base_kb,
			 struct mmt_placement *p);

/* Base pages on a node: anon + file + hugetlb in base pages. */
__u64 mmt_placement_node_total(const struct mmt_placement *p, int node, unsigned int base_kb);

#endif /* MMT_NUMA_MAPS_H */
