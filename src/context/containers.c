// SPDX-License-Identifier: GPL-2.0
/*
 * containers.c - container ids from cgroup paths.
 *
 * A cgroup v2 id becomes a path in src/context/cgroups.c; the path is then
 * matched against the names runtimes use:
 *   docker      docker-<id>.scope (systemd driver), /docker/<id> (cgroupfs)
 *   containerd  cri-containerd-<id>.scope, /kubepods/.../<id>
 *   cri-o       crio-<id>.scope (not crio-conmon-<id>.scope: the monitor)
 *   podman      libpod-<id>.scope (not libpod-conmon-<id>.scope),
 *               /libpod_parent/libpod-<id>
 */
#include <ctype.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "context/cgroups.h"
#include "context/containers.h"
#include "context/docker.h"

#define CACHE_SLOTS 1024 /* power of two */

struct prefix_rule {
	const char *prefix; /* before the id in a path component */
	const char *runtime;
};

/* Longest prefixes first: "crio-conmon-" must not match as "crio-". */
static const struct prefix_rule prefixes[] = {
	{ "cri-containerd-", "containerd" },
	{ "crio-conmon-", NULL },
	{ "libpod-conmon-", NULL },
	{ "docker-", "docker" },
	{ "crio-", "crio" },
	{ "libpod-", "podman" },
};

/* Parent directory names that hold bare ids (cgroupfs drivers). */
static const struct prefix_rule parents[] = {
	{ "docker", "docker" },
	{ "libpod_parent", "podman" },
	{ "kubepods", "containerd" },
};

static bool is_id(const char *s, size_t n)
{
	if (n != MMT_CONTAINER_ID_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return false;
	return true;
}

/* Does component [s, s+n) name a container? Sets c and returns true. */
static bool match_component(const char *s, size_t n, const char *path,
			    struct mmt_container *c)
{
	size_t idn = n;

	if (n > 6 && !memcmp(s + n - 6, ".scope", 6))
		idn = n - 6;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t pn = strlen(prefixes[i].prefix);

		if (idn > pn && !memcmp(s, prefixes[i].prefix, pn)) {
			if (!prefixes[i].runtime || !is_id(s + pn, idn - pn))
				return false;
			memcpy(c->id, s + pn, MMT_CONTAINER_ID_LEN);
			c->id[MMT_CONTAINER_ID_LEN] = '\0';
			c->runtime = prefixes[i].runtime;
			return true;
		}
	}
	if (!is_id(s, n))
		return false;
	memcpy(c->id, s, MMT_CONTAINER_ID_LEN);
	c->id[MMT_CONTAINER_ID_LEN] = '\0';
	c->runtime = "";
	for (size_t i = 0; i < sizeof(parents) / sizeof(parents[0]); i++) {
		const char *hit = strstr(path, parents[i].prefix);

		if (hit && hit < s) {
			c->runtime = parents[i].runtime;
			break;
		}
	}
	return true;
}

void mmt_container_from_path(const char *path, struct mmt_container *c)
{
	const char *end = path + strlen(path);

	c->id[0] = '\0';
	c->name[0] = '\0';
	c->image[0] = '\0';
	c->runtime = "";
	/* innermost component first */
	while (end > path) {
		const char *start = end;

		while (start > path && start[-1] != '/')
			start--;
		if (end > start && match_component(start, end - start, path, c))
			return;
		end = start > path ? start - 1 : path;
	}
}

struct cache_slot {
	__u64 cgroup_id;
	struct mmt_container c;
};

static struct cache_slot cache[CACHE_SLOTS];
const struct mmt_container *mmt_container_of(__u64 cgroup_id)
{
	struct cache_slot *s = &cache[(cgroup_id * 0x9e3779b97f4a7c15ULL) >> 54 &
				      (CACHE_SLOTS - 1)];
	char path[4096];

	if (s->cgroup_id == cgroup_id && cgroup_id)
		return &s->c;
	s->cgroup_id = cgroup_id;
	s->c.id[0] = '\0';
	s->c.name[0] = '\0';
	s->c.image[0] = '\0';
	s->c.runtime = "";
	if (cgroup_id && !mmt_cgroup_path(cgroup_id, path, sizeof(path)))
		mmt_container_from_path(path, &s->c);
	if (s->c.id[0] && !strcmp(s->c.runtime, "docker"))
		mmt_docker_describe(MMT_DOCKER_ROOT, s->c.id, s->c.name, sizeof(s->c.name),
				    s->c.image, sizeof(s->c.image));
	return &s->c;
}

static struct {
	const char *want;
	void (*found)(__u64 id, void *ctx);
	void *ctx;
	size_t root_len;
	int n;
} walk;

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	struct mmt_container c;

	(void)ftw;
	if (type != FTW_D)
		return 0;
	mmt_container_from_path(path + walk.root_len, &c);
	if (!c.id[0])
		return 0;
	if (strcmp(walk.want, "all") && strncmp(c.id, walk.want, strlen(walk.want)))
		return 0;
	walk.found(st->st_ino, walk.ctx);
	walk.n++;
	return 0;
}

int mmt_container_cgroups(const char *want, void (*found)(__u64 id, void *ctx), void *ctx)
{
	if (mmt_cgroup2_fd() < 0)
		return -1;
	walk.want = want;
	walk.found = found;
	walk.ctx = ctx;
	walk.root_len = strlen(mmt_cgroup2_mount());
	walk.n = 0;
	if (nftw(mmt_cgroup2_mount(), visit, 32, FTW_PHYS | FTW_MOUNT))
		return -1;
	return walk.n;
}

bool mmt_container_started(const struct mmt_container *c, const char *exe, size_t exe_len)
{
	static const char *const inits[] = { "runc", "crun", "runsc", "youki" };
	size_t n = strnlen(exe, exe_len), start = n;

	if (!c || !c->id[0])
		return false;
	while (start && exe[start - 1] != '/')
		start--;
	for (size_t i = 0; i < sizeof(inits) / sizeof(inits[0]); i++)
		if (n - start == strlen(inits[i]) && !memcmp(exe + start, inits[i], n - start))
			return false;
	return true;
}

void mmt_containers_close(void)
{
	memset(cache, 0, sizeof(cache));
}
