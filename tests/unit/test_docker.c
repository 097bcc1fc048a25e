// SPDX-License-Identifier: GPL-2.0
/*
 * test_docker.c - a container's name and image from a config.v2.json laid
 * out as docker writes it, in a temporary data root; no file, another
 * container's id, a file that is not JSON: nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "context/docker.h"

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static char root[64];

static void write_config(const char *id, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/containers", root);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/containers/%s", root, id);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/containers/%s/config.v2.json", root, id);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/mmt-docker-XXXXXX");
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_name_and_image(void **state)
{
	char name[128], image[256];

	(void)state;
	/* the members docker writes around them, a volume with its own
	 * "Name", and the image id at the top level */
	write_config(ID, "{\"StreamConfig\":{},\"State\":{\"Running\":true,\"Pid\":4242},"
			 "\"ID\":\"" ID "\",\"Path\":\"nginx\",\"Args\":[\"-g\",\"daemon off;\"],"
			 "\"Config\":{\"Hostname\":\"0123456789ab\",\"Env\":[\"PATH=/usr/bin\"],"
			 "\"Image\":\"registry.example/web/nginx:1.27\",\"Labels\":{}},"
			 "\"Image\":\"sha256:feedface\",\"MountPoints\":{\"/data\":{\"Name\":\"vol1\"}},"
			 "\"Name\":\"/web-1\",\"Driver\":\"overlay2\"}\n");
	assert_int_equal(mmt_docker_describe(root, ID, name, sizeof(name), image, sizeof(image)), 0);
	assert_string_equal(name, "web-1");
	assert_string_equal(image, "registry.example/web/nginx:1.27");

	/* cut to the buffers, never past them */
	assert_int_equal(mmt_docker_describe(root, ID, name, 4, image, 9), 0);
	assert_string_equal(name, "web");
	assert_string_equal(image, "registry");
}

static void test_nothing_known(void **state)
{
	char name[128] = "x", image[256] = "y";

	(void)state;
	/* no such container */
	assert_int_equal(mmt_docker_describe(root, "ffff", name, sizeof(name), image,
					     sizeof(image)),
			 -1);
	assert_string_equal(name, "");
	assert_string_equal(image, "");
	/* not a path component */
	assert_int_equal(mmt_docker_describe(root, "../containers/" ID, name, sizeof(name), image,
					     sizeof(image)),
			 -1);
	/* not JSON, or not an object */
	write_config("bad", "{\"Name\":\"/x\",");
	assert_int_equal(mmt_docker_describe(root, "bad", name, sizeof(name), image,
					     sizeof(image)),
			 -1);
	write_config("array", "[\"Name\"]");
	assert_int_equal(mmt_docker_describe(root, "array", name, sizeof(name), image,
					     sizeof(image)),
			 -1);
	/* an object without them: read, nothing known */
	write_config("empty", "{\"Name\":42}");
	assert_int_equal(mmt_docker_describe(root, "empty", name, sizeof(name), image,
					     sizeof(image)),
			 0);
	assert_string_equal(name, "");
	assert_string_equal(image, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_and_image),
		cmocka_unit_test(test_nothing_known),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
