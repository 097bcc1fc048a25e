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
#include <string.h>

struct outbuf {
	char *buf;
	size_t len;
	size_t cap;
	int fd; /* -1: keep everything in memory (tests) */
	int err; /* first write error (errno), sticky */
	/* Asked while a write waits (the fd is not ready, or a signal came):
	 * true gives the output up (err becomes EINTR). NULL: writes block. */
	bool (*give_up)(void *ctx);
	void *give_up_ctx;
	bool chunked; /* a pipe, terminal or socket: writes of PIPE_BUF bytes */
};

int ob_init(struct outbuf *ob, int fd, size_t cap);
void ob_free(struct outbuf *ob);
/* Let writes wait for fd in slices, asking give_up(ctx) between them, so
 * that a signal is honoured even while nobody reads the output. */
void ob_set_give_up(struct outbuf *ob, bool (*give_up)(void *ctx), void *ctx);
/* Write out what is buffered. Returns 0 or -errno (also kept in err). */
int ob_flush(struct outbuf *ob);
/* Make room for n more bytes, flushing or growing: the slow path. */
bool ob_grow(struct outbuf *ob, size_t n);

/* The per-byte functions are inline: they run for every byte printed. */
static inline bool ob_room(struct outbuf *ob, size_t n)
{
	return ob->len + n <= ob->cap || ob_grow(ob, n);
}

static inline void ob_mem(struct outbuf *ob, const void *p, size_t n)
{
	if (!ob_room(ob, n))
		return;
	memcpy(ob->buf + ob->len, p, n);
	ob->len += n;
}

static inline void ob_char(struct outbuf *ob, char c)
{
	if (!ob_room(ob, 1))
		return;
	ob->buf[ob->len++] = c;
}

static inline void ob_str(struct outbuf *ob, const char *s)
{
	ob_mem(ob, s, strlen(s));
}

/* A string literal: its length is known at compile time. */
#define ob_lit(ob, lit) ob_mem((ob), "" lit, sizeof(lit) - 1)

void ob_u64(struct outbuf *ob, __u64 v);
void ob_s64(struct outbuf *ob, __s64 v);
void ob_hex(struct outbuf *ob, __u64 v); /* 0x... */
/* printf into ob; a result past 512 bytes is cut there (for tables) */
void ob_printf(struct outbuf *ob, const char *f, ...) __attribute__((format(printf, 2, 3)));
/* s padded with spaces to width (no truncation) */
void ob_pad(struct outbuf *ob, const char *s, size_t width);
/* A JSON string, quotes included: escapes every byte below 0x20, '"', '\\',
 * DEL, and replaces invalid UTF-8 with U+FFFD. Reads at most n bytes. */
void ob_json_str(struct outbuf *ob, const char *s, size_t n);
/* Text for a terminal: control bytes and invalid UTF-8 as \xNN. */
void ob_safe_str(struct outbuf *ob, const char *s, size_t n);

#endif /* MMT_OUTBUF_H */
