/* SPDX-License-Identifier: GPL-2.0 */
/*
 * containers.h - which container a cgroup belongs to, from the names that
 * container runtimes give their cgroups.
 */
#ifndef MMT_CONTAINERS_H
#define MMT_CONTAINERS_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

#define MMT_CONTAINER_ID_LEN 64
#define MMT_CONTAINER_NAME_LEN 127
#define MMT_CONTAINER_IMAGE_LEN 255

struct mmt_container {
	char id[MMT_CONTAINER_ID_LEN + 1]; /* "" when not in a container */
	const char *runtime; /* "docker", "containerd", "crio", "podman" or "" */
	/* what the runtime tells (docker: src/context/docker.h), "" if not */
	char name[MMT_CONTAINER_NAME_LEN + 1];
	char image[MMT_CONTAINER_IMAGE_LEN + 1];
};

/*
 * Parse a cgroup path ("/system.slice/docker-<id>.scope"...): the innermost
 * component that names a container wins. Pure: no system call.
 */
void mmt_container_from_path(const char *path, struct mmt_container *c);

/*
 * The container of a cgroup v2 id, resolved through the cgroup2 mount and
 * cached, with docker's name and image for its containers. Never fails: an
 * unknown cgroup is "not in a container".
 */
const struct mmt_container *mmt_container_of(__u64 cgroup_id);

/*
 * Call found(cgroup_id, ctx) for every cgroup v2 group of a container whose
 * id starts with want ("all": of every container). Returns how many, or -1
 * when there is no cgroup2 mount.
 */
int mmt_container_cgroups(const char *want, void (*found)(__u64 id, void *ctx), void *ctx);

/*
 * Tracee's contextFlags.containerStarted for a task of container c running
 * exe (at most exe_len bytes, NUL-terminated or not): Tracee marks a
 * container started once a task in it executed a new binary (its entry
 * point; containers that existed before Tracee started count as started).
 * mmtrace sees no exec: it says started when c is a container and the task
 * is not the runtime's init (runc, crun, runsc, youki), which is what the
 * task runs before the entry point's exec.
 */
bool mmt_container_started(const struct mmt_container *c, const char *exe, size_t exe_len);

/* Forget the containers found (the cgroup paths are src/context/cgroups.h's). */
void mmt_containers_close(void);

#endif /* MMT_CONTAINERS_H */
