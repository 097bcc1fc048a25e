/* SPDX-License-Identifier: GPL-2.0 */
/*
 * outbuf.h - an append-only output buffer that flushes to a file
 * descriptor. No allocation per event: it grows only when one event is
 * larger than anything seen before.
 */
#ifndef MMT_OUTBUF_H
#define MMT_OUTBUF_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

struct outbuf {
	char *buf;
	size_t len;
	size_t cap;
	int fd; /* -1: keep everything in memory (tests) */
	int err; /* first write error (errno), sticky */
};

int ob_init(struct outbuf *ob, int fd, size_t cap);
void ob_free(struct outbuf *ob);
/* Write out what is buffered. Returns 0 or -errno (also kept in err). */
int ob_flush(struct outbuf *ob);
/* Make room for n more bytes, flushing if needed. */
bool ob_room(struct outbuf *ob, size_t n);

void ob_mem(struct outbuf *ob, const void *p, size_t n);
void ob_str(struct outbuf *ob, const char *s);
void ob_char(struct outbuf *ob, char c);
void ob_u64(struct outbuf *ob, __u64 v);
void ob_s64(struct outbuf *ob, __s64 v);
void ob_hex(struct outbuf *ob, __u64 v); /* 0x... */
/* s padded with spaces to width (no truncation) */
void ob_pad(struct outbuf *ob, const char *s, size_t width);
/* A JSON string, quotes included: escapes every byte below 0x20, '"', '\\',
 * DEL, and replaces invalid UTF-8 with U+FFFD. Reads at most n bytes. */
void ob_json_str(struct outbuf *ob, const char *s, size_t n);
/* Text for a terminal: control bytes and invalid UTF-8 as \xNN. */
void ob_safe_str(struct outbuf *ob, const char *s, size_t n);

#endif /* MMT_OUTBUF_H */
