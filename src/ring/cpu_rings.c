// SPDX-License-Identifier: GPL-2.0
/*
 * cpu_rings.c - per-CPU BPF ring buffers: see cpu_rings.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "ring/cpu_rings.h"

size_t mmt_cpu_ring_bytes(size_t total, int ncpus, size_t page)
{
	size_t share = total / (size_t)(ncpus > 0 ? ncpus : 1), bytes = page;

	while (bytes * 2 <= share)
		bytes *= 2;
	return bytes;
}

unsigned int mmt_fill_check_every(size_t bytes)
{
	unsigned int every = 1;

	while (every < 64 && (size_t)every * 2 * 4096 <= bytes / 16)
		every *= 2;
	return every;
}

/* The array of ncpus maps, each a ring buffer: its template (the kernel
 * matches an inner ring buffer's type and flags, not its size). */
static int make_outer(int ncpus)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts);
	int fd, tmpl;

	tmpl = bpf_map_create(BPF_MAP_TYPE_RINGBUF, NULL, 0, 0, (__u32)sysconf(_SC_PAGESIZE), NULL);
	if (tmpl < 0)
		return -errno;
	opts.inner_map_fd = (__u32)tmpl;
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, "events", sizeof(__u32), sizeof(__u32),
			    (__u32)ncpus, &opts);
	if (fd < 0)
		fd = -errno;
	close(tmpl);
	return fd;
}

/* Close and free what r holds (the maker thread, if any, is done). */
static void release(struct mmt_cpu_rings *r)
{
	ring_buffer__free(r->rb);
	r->rb = NULL;
	for (int i = 0; i < r->n; i++)
		close(r->fds[i]);
	if (r->fds && r->outer_fd >= 0)
		close(r->outer_fd);
	free(r->fds);
	r->fds = NULL;
	r->outer_fd = -1;
	r->n = 0;
}

static int make(struct mmt_cpu_rings *r, int ncpus, size_t bytes)
{
	__u32 *keys = calloc((size_t)ncpus, sizeof(*keys)), count = (__u32)ncpus;
	int err = 0, outer_fd;

	r->rb = NULL;
	r->n = 0;
	r->fds = calloc((size_t)ncpus, sizeof(*r->fds));
	r->outer_fd = -1;
	if (!keys || !r->fds) {
		err = -ENOMEM;
		goto cleanup;
	}
	outer_fd = r->outer_fd = make_outer(ncpus);
	if (outer_fd < 0) {
		err = outer_fd;
		goto cleanup;
	}
	for (; r->n < ncpus; r->n++) {
		keys[r->n] = (__u32)r->n;
		r->fds[r->n] = bpf_map_create(BPF_MAP_TYPE_RINGBUF, NULL, 0, 0, (__u32)bytes, NULL);
		if (r->fds[r->n] < 0) {
			err = -errno;
			goto cleanup;
		}
	}
	/*
	 * One batch: the kernel waits for a grace period after each update of
	 * an array of maps (10-20 ms here), once for a batch. Kernels without
	 * batches for it get one update per CPU.
	 */
	if (bpf_map_update_batch(outer_fd, keys, r->fds, &count, NULL)) {
		for (int cpu = 0; cpu < ncpus; cpu++) {
			if (bpf_map_update_elem(outer_fd, &keys[cpu], &r->fds[cpu], BPF_ANY)) {
				err = -errno;
				goto cleanup;
			}
		}
	}
cleanup:
	/* the fds are kept: reading a buffer back by its id would need
	 * CAP_SYS_ADMIN (BPF_MAP_GET_FD_BY_ID) */
	free(keys);
	if (err)
		release(r);
	return err;
}

static void *make_thread(void *arg)
{
	struct mmt_cpu_rings *r = arg;

	r->make_err = make(r, r->make_ncpus, r->make_bytes);
	return NULL;
}

void mmt_cpu_rings_make_async(struct mmt_cpu_rings *r, int ncpus, size_t bytes)
{
	r->make_ncpus = ncpus;
	r->make_bytes = bytes;
	r->making = !pthread_create(&r->maker, NULL, make_thread, r);
}

/* The maker thread is done (if there was one): what it returned. */
static int join(struct mmt_cpu_rings *r)
{
	if (!r->making)
		return 0;
	pthread_join(r->maker, NULL);
	r->making = false;
	return r->make_err;
}

int mmt_cpu_rings_ready(struct mmt_cpu_rings *r, int ncpus, size_t bytes)
{
	return r->making ? join(r) : make(r, ncpus, bytes);
}

int mmt_cpu_rings_open(struct mmt_cpu_rings *r, ring_buffer_sample_fn fn, void *const *ctxs)
{
	for (int cpu = 0; cpu < r->n; cpu++) {
		if (!r->rb) {
			r->rb = ring_buffer__new(r->fds[cpu], fn, ctxs[cpu], NULL);
			if (!r->rb)
				return -errno;
		} else {
			int err = ring_buffer__add(r->rb, r->fds[cpu], fn, ctxs[cpu]);

			if (err)
				return err;
		}
	}
	return r->rb ? 0 : -EINVAL;
}

void mmt_cpu_rings_close(struct mmt_cpu_rings *r)
{
	join(r);
	release(r);
}
