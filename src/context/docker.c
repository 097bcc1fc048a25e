// SPDX-License-Identifier: GPL-2.0
/*
 * docker.c - a container's name and image from docker's config.v2.json.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "context/docker.h"
#include "report/jsonl.h"

#define MAX_CONFIG (1 << 20)

static void copy_out(char *dst, size_t len, const struct mmt_jv *v, const char *skip)
{
	const char *s;

	if (!len)
		return;
	dst[0] = '\0';
	if (!v || v->type != MMT_J_STR)
		return;
	s = v->str;
	if (skip && !strncmp(s, skip, strlen(skip)))
		s += strlen(skip);
	snprintf(dst, len, "%s", s);
}

/* The whole file, NUL-terminated, in a malloc()ed buffer; NULL when absent,
 * unreadable or larger than MAX_CONFIG. */
static char *read_config(const char *path, size_t *n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf = NULL;
	ssize_t r = 0;

	*n = 0;
	if (fd < 0)
		return NULL;
	buf = malloc(MAX_CONFIG + 1);
	if (!buf)
		goto cleanup;
	while (*n <= MAX_CONFIG) {
		r = read(fd, buf + *n, MAX_CONFIG + 1 - *n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		*n += (size_t)r;
	}
	if (r < 0 || *n > MAX_CONFIG) {
		free(buf);
		buf = NULL;
		goto cleanup;
	}
	buf[*n] = '\0';
cleanup:
	close(fd);
	return buf;
}

int mmt_docker_describe(const char *root, const char *id, char *name, size_t nlen, char *image,
			size_t ilen)
{
	struct mmt_jarena arena = { 0 };
	const struct mmt_jv *top;
	const char *why;
	char path[4096];
	size_t n;
	char *buf;
	int ret = -1;

	if (nlen)
		name[0] = '\0';
	if (ilen)
		image[0] = '\0';
	if (strchr(id, '/') || snprintf(path, sizeof(path), "%s/containers/%s/config.v2.json",
					root, id) >= (int)sizeof(path))
		return -1;
	buf = read_config(path, &n);
	if (!buf)
		return -1;
	if (mmt_jarena_init(&arena, 8 * n + 65536))
		goto cleanup;
	top = mmt_json_parse(&arena, buf, n, &why);
	if (!top || top->type != MMT_J_OBJ)
		goto cleanup;
	copy_out(name, nlen, mmt_json_get(top, "Name"), "/");
	copy_out(image, ilen, mmt_json_get(mmt_json_get(top, "Config"), "Image"), NULL);
	ret = 0;
cleanup:
	mmt_jarena_free(&arena);
	free(buf);
	return ret;
}
