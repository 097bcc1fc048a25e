/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgroups.h - cgroup v2 ids as paths ("/system.slice/ssh.service", as
 * systemd-cgls and /proc/PID/cgroup write them). A cgroup v2 id is the
 * inode number of the group's directory in the cgroup2 file system: an id
 * is turned into a path with a kernfs file handle where the kernel allows
 * it (CAP_DAC_READ_SEARCH), else by a bounded walk of the cgroup2 mount.
 * Paths found are cached; one process-wide state, not thread-safe.
 */
#ifndef MMT_CGROUPS_H
#define MMT_CGROUPS_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

/* The walk: how deep below the mount, and how many directories at most. */
#define MMT_CGROUP_WALK_DEPTH 16
#define MMT_CGROUP_WALK_DIRS 4096
/* Paths kept in the cache before it starts over (more than a walk finds). */
#define MMT_CGROUP_CACHE_MAX 8192

/* The cgroup2 mount point ("/sys/fs/cgroup"), "" when there is none. */
const char *mmt_cgroup2_mount(void);

/* A directory fd of the cgroup2 mount (kept open), or -1 when there is none. */
int mmt_cgroup2_fd(void);

/*
 * The path of cgroup id below the cgroup2 mount, "/" for the root, into buf
 * (len bytes). Cached; on a miss the kernfs handle is tried, then the tree
 * is walked, at most once per mmt_cgroup_refresh() (a walk adds every
 * group it saw to the cache). A path once found stays (v2 groups are never
 * renamed): a group removed since keeps it. 0, or -1 when not found (a
 * group removed before it was looked up, outside this cgroup namespace, no
 * cgroup2 mount) or the path does not fit in len.
 */
int mmt_cgroup_path(__u64 id, char *buf, size_t len);

/* A new refresh of a view: the next miss may walk the tree again. */
void mmt_cgroup_refresh(void);

/*
 * The text of cgroup id for a column width bytes wide, into buf (at least
 * width + 1 bytes, width >= 8): its path; "..." and the end of the path when
 * the path is longer (cut at a character boundary); "cgroup:ID" when
 * path_fn (mmt_cgroup_path, or a stand-in) finds none, the end of it when
 * even that is too long.
 */
void mmt_cgroup_label(__u64 id, int (*path_fn)(__u64 id, char *buf, size_t len), char *buf,
		      size_t width);

/* Counters of the resolver, for tests and --stats. */
struct mmt_cgroup_stats {
	__u64 handle_hits; /* found with a file handle */
	__u64 walks;	   /* walks of the tree */
	__u64 walk_dirs;   /* directories the last walk saw */
	bool walk_cut;	   /* the last walk stopped at a bound */
};
void mmt_cgroup_stats(struct mmt_cgroup_stats *st);

/*
 * Use dir as the cgroup2 mount instead of the one in /proc/self/mountinfo
 * (tests: a plain directory tree, whose directories' inode numbers are the
 * "ids"); handles false: never try a file handle. NULL goes back to the
 * mount. Empties the cache. 0, or -1 when dir cannot be opened.
 */
int mmt_cgroups_use_root(const char *dir, bool handles);

/* Close the mount's fd and empty the cache. */
void mmt_cgroups_close(void);

#endif /* MMT_CGROUPS_H */
