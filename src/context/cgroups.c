// SPDX-License-Identifier: GPL-2.0
/*
 * cgroups.c - cgroup v2 ids as paths.
 *
 * The kernel names a cgroup by the inode number of its directory. Two ways
 * back to the path: open_by_handle_at() with a kernfs handle (exact, one
 * lookup, needs CAP_DAC_READ_SEARCH) and, where that is refused, a walk of
 * the cgroup2 mount that notes every directory's inode. The walk is bounded
 * (depth, directories) and runs at most once per refresh of the caller's
 * view, however many ids miss: an id of a group removed before it was
 * first seen misses every time, and must not cost a walk each. A path once
 * found is kept (until the cache fills and starts over): cgroup v2 groups
 * cannot be renamed, and a group's counts outlive its directory.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "context/cgroups.h"

#define FILEID_KERNFS 0xfe
#define SLOTS (2 * MMT_CGROUP_CACHE_MAX) /* power of two; at most half used */
#define PATH_LEN 4096

struct slot {
	__u64 id; /* 0: empty (no cgroup has id 0) */
	char *path;
};

static int root_fd = -2; /* -2: not looked for yet, -1: none */
static char root_path[1024];
static bool use_handles = true;
static bool walk_allowed = true;
static struct slot *slots;
static size_t used;
static struct mmt_cgroup_stats stats;

static void find_mount(void)
{
	char line[4096];
	FILE *f;

	root_fd = -1;
	root_path[0] = '\0';
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char mnt[1024], fstype[64];
		const char *sep = strstr(line, " - ");

		/* id parent major:minor root mountpoint ... - fstype ... */
		if (!sep || sscanf(line, "%*s %*s %*s %*s %1023s", mnt) != 1 ||
		    sscanf(sep + 3, "%63s", fstype) != 1 || strcmp(fstype, "cgroup2"))
			continue;
		root_fd = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (root_fd >= 0)
			snprintf(root_path, sizeof(root_path), "%s", mnt);
		break;
	}
	fclose(f);
}

int mmt_cgroup2_fd(void)
{
	if (root_fd == -2)
		find_mount();
	return root_fd;
}

const char *mmt_cgroup2_mount(void)
{
	return mmt_cgroup2_fd() >= 0 ? root_path : "";
}

static void cache_clear(void)
{
	for (size_t i = 0; slots && i < SLOTS; i++) {
		free(slots[i].path);
		slots[i].path = NULL;
		slots[i].id = 0;
	}
	used = 0;
}

static size_t hash(__u64 id)
{
	return (size_t)((id * 0x9e3779b97f4a7c15ULL) >> 40) & (SLOTS - 1);
}

static const char *cache_get(__u64 id)
{
	for (size_t i = hash(id), k = 0; slots && k < SLOTS; i = (i + 1) & (SLOTS - 1), k++) {
		if (!slots[i].id)
			return NULL;
		if (slots[i].id == id)
			return slots[i].path;
	}
	return NULL;
}

static void cache_put(__u64 id, const char *path)
{
	char *copy;
	size_t i;

	if (!id)
		return;
	if (!slots) {
		slots = calloc(SLOTS, sizeof(*slots));
		if (!slots)
			return;
	}
	if (used >= MMT_CGROUP_CACHE_MAX)
		cache_clear(); /* start over: the ids in use come back */
	copy = strdup(path);
	if (!copy)
		return;
	for (i = hash(id); slots[i].id && slots[i].id != id; i = (i + 1) & (SLOTS - 1))
		;
	if (slots[i].id) {
		free(slots[i].path);
	} else {
		slots[i].id = id;
		used++;
	}
	slots[i].path = copy;
}

/* The path of id through a kernfs file handle: 0, or -1. */
static int by_handle(int mnt, __u64 id, char *buf, size_t len)
{
	struct {
		struct file_handle fh;
		__u64 id;
	} h = {.fh = {.handle_bytes = sizeof(__u64), .handle_type = FILEID_KERNFS}};
	char link[64], full[PATH_LEN], base[PATH_LEN];
	ssize_t n, m;
	int fd;

	memcpy(h.fh.f_handle, &id, sizeof(id));
	fd = open_by_handle_at(mnt, &h.fh, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, full, sizeof(full) - 1);
	close(fd);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", mnt);
	m = readlink(link, base, sizeof(base) - 1);
	if (n < 0 || m < 0 || n == (ssize_t)sizeof(full) - 1)
		return -1;
	full[n] = '\0';
	base[m] = '\0';
	/* strip the mount point: /sys/fs/cgroup/unified/a/b -> /a/b; a group
	 * outside the mount (another cgroup namespace) does not start with it */
	if (strncmp(full, base, m) || (full[m] && full[m] != '/') ||
	    (size_t)snprintf(buf, len, "%s", full[m] ? full + m : "/") >= len)
		return -1;
	return 0;
}

struct walker {
	char path[PATH_LEN];
	dev_t dev;
	size_t dirs;
	bool cut;
};

/* Note every directory below the open directory fd (path w->path, plen
 * bytes long, depth below the mount); closes fd. */
static void walk_dir(struct walker *w, int fd, size_t plen, int depth)
{
	DIR *d = fdopendir(fd);
	struct dirent *de;

	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d))) {
		size_t nlen = strlen(de->d_name), at = plen == 1 ? 1 : plen + 1;
		struct stat st;
		int sub;

		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
			continue;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (depth == MMT_CGROUP_WALK_DEPTH || w->dirs >= MMT_CGROUP_WALK_DIRS ||
		    at + nlen >= sizeof(w->path)) {
			w->cut = true;
			if (w->dirs >= MMT_CGROUP_WALK_DIRS)
				break;
			continue;
		}
		sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			continue; /* a file (DT_UNKNOWN), or gone meanwhile */
		if (fstat(sub, &st) || st.st_dev != w->dev) {
			close(sub); /* another mount below: not a cgroup of this one */
			continue;
		}
		if (plen > 1)
			w->path[plen] = '/';
		memcpy(w->path + at, de->d_name, nlen + 1);
		w->dirs++;
		cache_put(st.st_ino, w->path);
		walk_dir(w, sub, at + nlen, depth + 1);
		w->path[plen] = '\0';
	}
	closedir(d);
}

static void walk(int mnt)
{
	struct walker *w = calloc(1, sizeof(*w));
	struct stat st;
	int fd;

	if (!w)
		return;
	stats.walks++;
	/* a description of its own: readdir's offset is not the mount fd's */
	fd = openat(mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		free(w);
		return;
	}
	/* no clearing first: a group removed since keeps the path it had (the
	 * kernel's counts outlive it; v2 groups are never renamed and ids
	 * are not reused) */
	w->dev = st.st_dev;
	strcpy(w->path, "/");
	cache_put(st.st_ino, "/");
	walk_dir(w, fd, 1, 0);
	stats.walk_dirs = w->dirs;
	stats.walk_cut = w->cut;
	free(w);
}

int mmt_cgroup_path(__u64 id, char *buf, size_t len)
{
	const char *p;
	int mnt;

	if (!id || !len)
		return -1;
	p = cache_get(id);
	if (!p) {
		mnt = mmt_cgroup2_fd();
		if (mnt < 0)
			return -1;
		if (use_handles && !by_handle(mnt, id, buf, len)) {
			stats.handle_hits++;
			cache_put(id, buf);
			return 0;
		}
		if (!walk_allowed)
			return -1;
		walk_allowed = false;
		walk(mnt);
		p = cache_get(id);
		if (!p)
			return -1;
	}
	if ((size_t)snprintf(buf, len, "%s", p) >= len)
		return -1;
	return 0;
}

void mmt_cgroup_refresh(void)
{
	walk_allowed = true;
}

/* src into buf (width + 1 bytes): whole, or "..." and its end. */
static void fit(const char *src, char *buf, size_t width)
{
	size_t n = strlen(src);
	const char *start;

	if (n <= width) {
		memcpy(buf, src, n + 1);
		return;
	}
	if (width < 4) { /* no room for "..." and a byte */
		memset(buf, '.', width);
		buf[width] = '\0';
		return;
	}
	start = src + n - (width - 3);
	while (*start && ((unsigned char)*start & 0xc0) == 0x80)
		start++; /* not in the middle of a UTF-8 character */
	memcpy(buf, "...", 3);
	memcpy(buf + 3, start, strlen(start) + 1);
}

void mmt_cgroup_label(__u64 id, int (*path_fn)(__u64 id, char *buf, size_t len), char *buf,
		      size_t width)
{
	char path[PATH_LEN];

	if (!path_fn || path_fn(id, path, sizeof(path)))
		snprintf(path, sizeof(path), "cgroup:%llu", (unsigned long long)id);
	fit(path, buf, width);
}

void mmt_cgroup_stats(struct mmt_cgroup_stats *st)
{
	*st = stats;
}

int mmt_cgroups_use_root(const char *dir, bool handles)
{
	mmt_cgroups_close();
	use_handles = handles;
	if (!dir) {
		use_handles = true;
		return 0;
	}
	root_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return -1;
	snprintf(root_path, sizeof(root_path), "%s", dir);
	return 0;
}

void mmt_cgroups_close(void)
{
	if (root_fd >= 0)
		close(root_fd);
	root_fd = -2;
	root_path[0] = '\0';
	cache_clear();
	free(slots);
	slots = NULL;
	walk_allowed = true;
	memset(&stats, 0, sizeof(stats));
}
