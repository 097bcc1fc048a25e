/* SPDX-License-Identifier: GPL-2.0 */
/*
 * docker.h - the name and image docker gives a container, from the file it
 * keeps for it (<root>/containers/<id>/config.v2.json; root is docker's
 * data root, /var/lib/docker by default). Other runtimes keep no such
 * file that names both: their containers get neither.
 */
#ifndef MMT_DOCKER_H
#define MMT_DOCKER_H

#include <stddef.h>

#define MMT_DOCKER_ROOT "/var/lib/docker"

/*
 * The container's name (without docker's leading '/') into name and its
 * image as it was asked for ("nginx:1.27") into image, each "" when not
 * known; both cut to their buffers. Returns 0 when the file was read and
 * parsed, -1 when there is none or it is not docker's JSON (at most 1 MiB
 * is read).
 */
int mmt_docker_describe(const char *root, const char *id, char *name, size_t nlen, char *image,
			size_t ilen);

#endif /* MMT_DOCKER_H */
