/* SPDX-License-Identifier: GPL-2.0 */
/*
 * argctx.h - an argument's context, read in the kernel at the call's entry
 * (struct mmt_argctx: --fd-paths, --mappings): checked, named the way
 * strace -y and /proc/PID/maps name files and mappings, and rendered for
 * the FD and RANGE argument kinds.
 */
#ifndef MMT_ARGCTX_H
#define MMT_ARGCTX_H

#include "decoders/decode.h"
#include "text/outbuf.h"

/* Is the context sound for event d (its argument of the right kind, every
 * state known, the path NUL-terminated)? 0, or -EINVAL. */
int mmt_argctx_check(const struct mmt_argctx *c, const struct mmt_event_desc *d);

/*
 * The file as strace -y names it: "/etc/passwd", "/memfd:NAME",
 * "anon_inode:[eventfd]", "socket:[123]"; a truncated path starts with
 * "..." (".../lib/libc.so.6"); " (deleted)" is not part of it (see
 * mmt_argctx_deleted()). Into buf (snprintf semantics); "" for no file.
 */
size_t mmt_argctx_file_name(const struct mmt_argctx *c, char *buf, size_t len);

/* Was the file unlinked (memfd and other internal files always are)? */
bool mmt_argctx_deleted(const struct mmt_argctx *c);

/* The file's device as user space numbers it: makedev(major, minor). */
__u64 mmt_argctx_dev(const struct mmt_argctx *c);

/* What backs a mapping: "file", "anon", "heap", "stack", "vdso", "memfd",
 * "shared-anon" (MAP_SHARED|MAP_ANONYMOUS), "shmem" (SysV and others). */
const char *mmt_argctx_backing(const struct mmt_argctx *c);

/* The FD kind: JSON "path", "truncated", "deleted", "device", "inode"
 * (or "pathError"); the table's 3</etc/passwd>. */
void mmt_argctx_json_fd(struct outbuf *ob, const struct mmt_decoded_arg *a, bool parse_args);
void mmt_argctx_table_fd(struct outbuf *ob, const struct mmt_decoded_arg *a);

/* The RANGE kind: JSON "mapping":{...}; the table's note
 * " (mapping 0x..-0x.. rw-p [heap])". */
void mmt_argctx_json_mapping(struct outbuf *ob, const struct mmt_decoded_arg *a, bool parse_args);
void mmt_argctx_table_mapping(struct outbuf *ob, const struct mmt_decoded_arg *a);

#endif /* MMT_ARGCTX_H */
