// SPDX-License-Identifier: GPL-2.0
/*
 * scopes.c - one concern: filling the BPF maps that say whom to trace
 * (--pid, --tid, --comm, --not-comm, --cgroup, --container, the command).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "cli/errors.h"
#include "cli/scopes.h"
#include "context/containers.h"
#include "mmtrace.skel.h"

static int put_key(int fd, const void *key, const char *what)
{
	__u8 one = 1;

	if (bpf_map_update_elem(fd, key, &one, BPF_ANY)) {
		mmt_err("failed to select %s: %s", what, strerror(errno));
		return -1;
	}
	return 0;
}

static int put_comm(int fd, const char *comm)
{
	char key[MMT_COMM_LEN] = { 0 };

	strncpy(key, comm, sizeof(key) - 1);
	return put_key(fd, key, comm);
}

static void put_cgroup(__u64 id, void *ctx)
{
	struct mmtrace_bpf *skel = ctx;

	put_key(bpf_map__fd(skel->maps.cgroup_filter), &id, "a container's cgroup");
}

/* The cgroups of --container: looked up again now and then for new ones. */
static int select_containers(struct mmtrace_bpf *skel, const struct mmt_options *o, bool first)
{
	for (int i = 0; i < o->ncontainers; i++) {
		const char *id = o->containers[i];
		int n = mmt_container_cgroups(id, put_cgroup, skel);

		if (n < 0 && first) {
			mmt_err("failed to look for containers: no cgroup v2 file system mounted");
			return -1;
		}
		if (n == 0 && first && strcmp(id, "all"))
			fprintf(stderr, "mmtrace: no container '%s' yet; watching for it\n", id);
	}
	return 0;
}

void mmt_scopes_refresh(struct mmtrace_bpf *skel, const struct mmt_options *o)
{
	select_containers(skel, o, false);
}

int mmt_scopes_fill(struct mmtrace_bpf *s, const struct mmt_options *o, pid_t child)
{
	__u32 key;

	for (int i = 0; i < o->npids; i++) {
		key = o->pids[i];
		if (put_key(bpf_map__fd(s->maps.tgid_filter), &key, "a pid"))
			return -1;
	}
	if (child > 0) {
		key = child;
		if (put_key(bpf_map__fd(s->maps.tgid_filter), &key, "the command"))
			return -1;
	}
	for (int i = 0; i < o->ntids; i++) {
		key = o->tids[i];
		if (put_key(bpf_map__fd(s->maps.tid_filter), &key, "a tid"))
			return -1;
	}
	for (int i = 0; i < o->ncomms; i++)
		if (put_comm(bpf_map__fd(s->maps.comm_filter), o->comms[i]))
			return -1;
	for (int i = 0; i < o->nnot_comms; i++)
		if (put_comm(bpf_map__fd(s->maps.not_comm_filter), o->not_comms[i]))
			return -1;
	for (int i = 0; i < o->ncgroups; i++)
		if (put_key(bpf_map__fd(s->maps.cgroup_filter), &o->cgroups[i], "a cgroup"))
			return -1;
	return select_containers(s, o, true);
}
