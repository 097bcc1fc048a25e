/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cpu_rings.h - one BPF ring buffer per possible CPU, held by an array of
 * maps that the BPF side indexes by its CPU: their size, their creation
 * (in the background if asked), and one libbpf ring_buffer that reads them
 * all.
 */
#ifndef MMT_RING_CPU_RINGS_H
#define MMT_RING_CPU_RINGS_H

#include <pthread.h>
#include <stdbool.h>
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
	int outer_fd; /* the array of maps that holds them, when fds is set */
	/* mmt_cpu_rings_make_async(): its thread, and what it returned */
	pthread_t maker;
	bool making;
	int make_err;
	int make_ncpus;
	size_t make_bytes;
};

/*
 * Create the array of maps for ncpus ring buffers (r->outer_fd, which the
 * BPF object then uses: bpf_map__reuse_fd()), the buffers, of bytes each,
 * and put them in. Putting them in costs a grace period (the kernel waits
 * for one after an update of an array of maps: 10-20 ms here), which
 * mmt_cpu_rings_make_async() lets the caller spend on other work, such as
 * opening the programs (when no thread can start, nothing is made).
 * mmt_cpu_rings_ready() waits for that thread, or makes them now when none
 * was started: 0, or -errno (r is then empty).
 */
void mmt_cpu_rings_make_async(struct mmt_cpu_rings *r, int ncpus, size_t bytes);
int mmt_cpu_rings_ready(struct mmt_cpu_rings *r, int ncpus, size_t bytes);

/* Read every ring buffer of r through r->rb, each record to fn with
 * ctxs[cpu] of the CPU whose buffer it is in. 0, or -errno. */
int mmt_cpu_rings_open(struct mmt_cpu_rings *r, ring_buffer_sample_fn fn, void *const *ctxs);

void mmt_cpu_rings_close(struct mmt_cpu_rings *r);

#endif /* MMT_RING_CPU_RINGS_H */
