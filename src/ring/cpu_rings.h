/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cpu_rings.h - one BPF ring buffer per possible CPU, held by an array of
 * maps that the BPF side indexes by its CPU: their size, their creation,
 * and one libbpf ring_buffer that reads them all.
 */
#ifndef MMT_RING_CPU_RINGS_H
#define MMT_RING_CPU_RINGS_H

#include <stddef.h>
#include <bpf/libbpf.h>

/* Each CPU's share of total bytes: a power of two, at least one page (the
 * least a ring buffer can be) whatever the number of CPUs. */
size_t mmt_cpu_ring_bytes(size_t total, int ncpus, size_t page);

/*
 * Every how many records a producing thread asks its buffer of bytes for
 * its fill while below half of it: a power of two from 1 to 64, such that
 * that many of the largest records (4 KiB) fill at most a sixteenth of
 * the buffer between two looks.
 */
unsigned int mmt_fill_check_every(size_t bytes);

struct mmt_cpu_rings {
	struct ring_buffer *rb;
	int *fds; /* each CPU's buffer, kept open from its creation */
	int n;
};

/* Create ncpus ring buffers of bytes each into r and put them in the array
 * of maps outer_fd. 0, or -errno (r is then empty). */
int mmt_cpu_rings_make(struct mmt_cpu_rings *r, int outer_fd, int ncpus, size_t bytes);

/* Read every ring buffer of r through r->rb, each record to fn with
 * ctxs[cpu] of the CPU whose buffer it is in. 0, or -errno. */
int mmt_cpu_rings_open(struct mmt_cpu_rings *r, ring_buffer_sample_fn fn, void *const *ctxs);

void mmt_cpu_rings_close(struct mmt_cpu_rings *r);

#endif /* MMT_RING_CPU_RINGS_H */
