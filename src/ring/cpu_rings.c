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

int mmt_cpu_rings_make(int outer_fd, int ncpus, size_t bytes)
{
	__u32 *keys = calloc((size_t)ncpus, sizeof(*keys)), count = (__u32)ncpus;
	int *fds = calloc((size_t)ncpus, sizeof(*fds)), made = 0, err = 0;

	if (!keys || !fds) {
		err = -ENOMEM;
		goto cleanup;
	}
	for (; made < ncpus; made++) {
		keys[made] = (__u32)made;
		fds[made] = bpf_map_create(BPF_MAP_TYPE_RINGBUF, NULL, 0, 0, (__u32)bytes, NULL);
		if (fds[made] < 0) {
			err = -errno;
			goto cleanup;
		}
	}
	/*
	 * One batch: the kernel waits for a grace period after each update of
	 * an array of maps (10-20 ms here), once for a batch. Kernels without
	 * batches for it get one update per CPU.
	 */
	if (bpf_map_update_batch(outer_fd, keys, fds, &count, NULL)) {
		for (int cpu = 0; cpu < ncpus; cpu++) {
			if (bpf_map_update_elem(outer_fd, &keys[cpu], &fds[cpu], BPF_ANY)) {
				err = -errno;
				goto cleanup;
			}
		}
	}
cleanup:
	/* the outer map holds the buffers from now on */
	for (int i = 0; i < made; i++)
		close(fds[i]);
	free(keys);
	free(fds);
	return err;
}

int mmt_cpu_rings_open(struct mmt_cpu_rings *r, int outer_fd, int ncpus,
		       ring_buffer_sample_fn fn, void *const *ctxs)
{
	int err = 0;

	r->rb = NULL;
	r->n = 0;
	r->fds = calloc((size_t)ncpus, sizeof(*r->fds));
	if (!r->fds)
		return -ENOMEM;
	for (int cpu = 0; cpu < ncpus; cpu++) {
		__u32 key = (__u32)cpu, id;
		int fd;

		if (bpf_map_lookup_elem(outer_fd, &key, &id)) {
			err = -errno;
			goto fail;
		}
		fd = bpf_map_get_fd_by_id(id);
		if (fd < 0) {
			err = -errno;
			goto fail;
		}
		r->fds[r->n++] = fd;
		if (!r->rb) {
			r->rb = ring_buffer__new(fd, fn, ctxs[cpu], NULL);
			if (!r->rb) {
				err = -errno;
				goto fail;
			}
		} else {
			err = ring_buffer__add(r->rb, fd, fn, ctxs[cpu]);
			if (err)
				goto fail;
		}
	}
	return 0;
fail:
	mmt_cpu_rings_close(r);
	return err ? err : -EINVAL;
}

void mmt_cpu_rings_close(struct mmt_cpu_rings *r)
{
	ring_buffer__free(r->rb);
	r->rb = NULL;
	for (int i = 0; i < r->n; i++)
		close(r->fds[i]);
	free(r->fds);
	r->fds = NULL;
	r->n = 0;
}
