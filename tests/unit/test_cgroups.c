// SPDX-License-Identifier: GPL-2.0
/*
 * test_cgroups.c - cgroup ids as paths: the bounded walk on a directory
 * tree made here (its directories' inode numbers standing for ids), the
 * walk's once-per-refresh rule and its bounds, the column text, and the
 * real cgroup2 mount (this process's own group, walked and by handle).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "context/cgroups.h"

static char tmp[PATH_MAX];

static __u64 ino_of(const char *rel)
{
	char path[PATH_MAX * 2];
	struct stat st;

	snprintf(path, sizeof(path), "%s%s", tmp, rel);
	assert_int_equal(stat(path, &st), 0);
	return st.st_ino;
}

static void mkdirs(const char *rel)
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s%s", tmp, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static void rm_tree(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/mmt-cgroups-XXXXXX");
	if (!mkdtemp(tmp))
		return -1;
	return mmt_cgroups_use_root(tmp, false);
}

static int teardown(void **state)
{
	(void)state;
	mmt_cgroups_use_root(NULL, true);
	rm_tree();
	return 0;
}

static void expect_path(__u64 id, const char *want)
{
	char buf[256];

	assert_int_equal(mmt_cgroup_path(id, buf, sizeof(buf)), 0);
	assert_string_equal(buf, want);
}

/* One walk names every directory; files and unknown ids are not groups. */
static void test_walk(void **state)
{
	struct mmt_cgroup_stats st;
	char buf[256];
	FILE *f;

	(void)state;
	mkdirs("/system.slice");
	mkdirs("/system.slice/ssh.service");
	mkdirs("/user.slice");
	mkdirs("/user.slice/user-0.slice");
	f = fopen(strcat(strcpy(buf, tmp), "/cgroup.procs"), "w");
	assert_non_null(f);
	fclose(f);
	expect_path(ino_of("/system.slice/ssh.service"), "/system.slice/ssh.service");
	expect_path(ino_of(""), "/");
	expect_path(ino_of("/user.slice/user-0.slice"), "/user.slice/user-0.slice");
	expect_path(ino_of("/system.slice"), "/system.slice");
	mmt_cgroup_stats(&st);
	assert_int_equal(st.walks, 1); /* the first miss walked; the rest were cached */
	assert_int_equal(st.walk_dirs, 4);
	assert_false(st.walk_cut);
	assert_int_equal(st.handle_hits, 0);
	/* a file is not a group; 0 is no id; a path longer than buf is refused */
	assert_int_equal(mmt_cgroup_path(ino_of("/cgroup.procs"), buf, sizeof(buf)), -1);
	assert_int_equal(mmt_cgroup_path(0, buf, sizeof(buf)), -1);
	assert_int_equal(mmt_cgroup_path(ino_of("/system.slice/ssh.service"), buf, 10), -1);
}

/* A group made after the walk: found only after a refresh, however many
 * misses came before it; one walk per refresh. */
static void test_rewalk_once_per_refresh(void **state)
{
	struct mmt_cgroup_stats st;
	char buf[256];
	__u64 id;

	(void)state;
	mkdirs("/a");
	expect_path(ino_of("/a"), "/a");
	mkdirs("/a/new.scope");
	id = ino_of("/a/new.scope");
	assert_int_equal(mmt_cgroup_path(id, buf, sizeof(buf)), -1);
	assert_int_equal(mmt_cgroup_path(id + 1000000, buf, sizeof(buf)), -1);
	mmt_cgroup_stats(&st);
	assert_int_equal(st.walks, 1);
	mmt_cgroup_refresh();
	expect_path(id, "/a/new.scope");
	assert_int_equal(mmt_cgroup_path(id + 1000000, buf, sizeof(buf)), -1);
	mmt_cgroup_stats(&st);
	assert_int_equal(st.walks, 2);
	/* a removed group keeps its path, through later walks too */
	assert_int_equal(rmdir(strcat(strcpy(buf, tmp), "/a/new.scope")), 0);
	mmt_cgroup_refresh();
	assert_int_equal(mmt_cgroup_path(id + 1000000, buf, sizeof(buf)), -1);
	mmt_cgroup_stats(&st);
	assert_int_equal(st.walks, 3);
	expect_path(id, "/a/new.scope");
}

/* The walk stops MMT_CGROUP_WALK_DEPTH below the mount and after
 * MMT_CGROUP_WALK_DIRS directories, and says so. */
static void test_walk_bounds(void **state)
{
	struct mmt_cgroup_stats st;
	char rel[1024] = "", buf[1024];
	__u64 deepest_in = 0, too_deep;

	(void)state;
	for (int d = 1; d <= MMT_CGROUP_WALK_DEPTH + 1; d++) {
		strcat(rel, "/d");
		mkdirs(rel);
		if (d == MMT_CGROUP_WALK_DEPTH)
			deepest_in = ino_of(rel);
	}
	too_deep = ino_of(rel);
	assert_int_equal(mmt_cgroup_path(deepest_in, buf, sizeof(buf)), 0);
	assert_int_equal(strlen(buf), 2 * MMT_CGROUP_WALK_DEPTH);
	assert_int_equal(mmt_cgroup_path(too_deep, buf, sizeof(buf)), -1);
	mmt_cgroup_stats(&st);
	assert_true(st.walk_cut);
	assert_int_equal(st.walk_dirs, MMT_CGROUP_WALK_DEPTH);

	mkdirs("/wide");
	for (int i = 0; i < MMT_CGROUP_WALK_DIRS; i++) {
		snprintf(rel, sizeof(rel), "/wide/%d", i);
		mkdirs(rel);
	}
	mmt_cgroup_refresh();
	assert_int_equal(mmt_cgroup_path(ino_of("/wide"), buf, sizeof(buf)), 0);
	mmt_cgroup_stats(&st);
	assert_true(st.walk_cut);
	assert_int_equal(st.walk_dirs, MMT_CGROUP_WALK_DIRS);
}

static int stand_in(__u64 id, char *buf, size_t len)
{
	static const char *const paths[] = {
		"/system.slice/ssh.service",
		"/system.slice/"
		"docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope",
		"/k/\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
	};

	if (id < 1 || id > 3)
		return -1;
	snprintf(buf, len, "%s", paths[id - 1]);
	return 0;
}

/* The column's text: whole, its end after "...", or cgroup:ID. */
static void test_label(void **state)
{
	char buf[41];

	(void)state;
	mmt_cgroup_label(1, stand_in, buf, 40);
	assert_string_equal(buf, "/system.slice/ssh.service");
	mmt_cgroup_label(2, stand_in, buf, 40);
	assert_string_equal(buf, "...123456789abcdef0123456789abcdef.scope");
	assert_int_equal(strlen(buf), 40);
	mmt_cgroup_label(77, stand_in, buf, 40);
	assert_string_equal(buf, "cgroup:77");
	mmt_cgroup_label(77, NULL, buf, 40);
	assert_string_equal(buf, "cgroup:77");
	mmt_cgroup_label(12345678901234ULL, NULL, buf, 10);
	assert_string_equal(buf, "...8901234");
	/* never cut inside a UTF-8 character: "/k/" + four 2-byte é */
	mmt_cgroup_label(3, stand_in, buf, 8);
	assert_string_equal(buf, "...\xc3\xa9\xc3\xa9");
	mmt_cgroup_label(3, stand_in, buf, 11);
	assert_string_equal(buf, "/k/\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
}

/* The path of id in the real mount, by the default way (a handle, as
 * root) and by the walk. */
static void expect_real(const char *mount, __u64 id, const char *want)
{
	struct mmt_cgroup_stats st;
	char buf[4096];

	mmt_cgroups_use_root(NULL, true);
	assert_int_equal(mmt_cgroup_path(id, buf, sizeof(buf)), 0);
	assert_string_equal(buf, want);
	mmt_cgroup_stats(&st);
	if (geteuid() == 0)
		assert_int_equal(st.handle_hits, 1); /* CAP_DAC_READ_SEARCH */

	assert_int_equal(mmt_cgroups_use_root(mount, false), 0);
	assert_int_equal(mmt_cgroup_path(id, buf, sizeof(buf)), 0);
	assert_string_equal(buf, want);
	mmt_cgroup_stats(&st);
	assert_int_equal(st.walks, 1);
	assert_int_equal(st.handle_hits, 0);
}

/* The cgroup2 mount: this process's own group (from /proc/self/cgroup)
 * and, as root, a group made for the test. */
static void test_real_mount(void **state)
{
	char line[4096], own[4096] = "", full[8192], mount[1024], made[2048], want[128];
	struct stat sb;
	FILE *f;

	(void)state;
	mmt_cgroups_use_root(NULL, true);
	snprintf(mount, sizeof(mount), "%s", mmt_cgroup2_mount());
	if (!mount[0])
		skip();
	f = fopen("/proc/self/cgroup", "re");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "0::", 3))
			snprintf(own, sizeof(own), "%.*s", (int)strcspn(line + 3, "\n"), line + 3);
	fclose(f);
	if (own[0] && !strstr(own, "(deleted)")) {
		snprintf(full, sizeof(full), "%s%s", mount, own);
		assert_int_equal(stat(full, &sb), 0);
		expect_real(mount, sb.st_ino, own);
	}
	if (geteuid() != 0)
		return;
	snprintf(want, sizeof(want), "/mmtrace-unit-%d", (int)getpid());
	snprintf(made, sizeof(made), "%s%s", mount, want);
	assert_int_equal(mkdir(made, 0755), 0);
	strcat(made, "/inner.scope");
	strcat(want, "/inner.scope");
	if (mkdir(made, 0755) == 0 && stat(made, &sb) == 0)
		expect_real(mount, sb.st_ino, want);
	else
		fail_msg("mkdir %s failed", made);
	rmdir(made);
	*strrchr(made, '/') = '\0';
	assert_int_equal(rmdir(made), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_walk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rewalk_once_per_refresh, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walk_bounds, setup, teardown),
		cmocka_unit_test(test_label),
		cmocka_unit_test_setup_teardown(test_real_mount, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
