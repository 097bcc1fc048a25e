// SPDX-License-Identifier: GPL-2.0
/*
 * outbuf.c - buffered output and the escaping rules of both outputs.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "text/numfmt.h"
#include "text/outbuf.h"

int ob_init(struct outbuf *ob, int fd, size_t cap)
{
	ob->buf = malloc(cap);
	ob->len = 0;
	ob->cap = ob->buf ? cap : 0;
	ob->fd = fd;
	ob->err = ob->buf ? 0 : ENOMEM;
	ob->give_up = NULL;
	ob->give_up_ctx = NULL;
	ob->chunked = false;
	return ob->buf ? 0 : -ENOMEM;
}

void ob_free(struct outbuf *ob)
{
	free(ob->buf);
	ob->buf = NULL;
	ob->len = ob->cap = 0;
}

void ob_set_give_up(struct outbuf *ob, bool (*give_up)(void *ctx), void *ctx)
{
	struct stat st;

	ob->give_up = give_up;
	ob->give_up_ctx = ctx;
	/* what can wait for a reader: a pipe, a socket, a terminal; a file or
	 * another device takes one write for all */
	ob->chunked = ob->fd >= 0 && (fstat(ob->fd, &st) ||
				      S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) ||
				      (S_ISCHR(st.st_mode) && isatty(ob->fd)));
}

/* Wait until fd takes a write, asking give_up each time it took nothing
 * for 100 ms: 0, or -1 when the output is given up. A signal alone does not
 * give up (a line would be cut while the reader keeps up): the wait does. */
static int wait_writable(struct outbuf *ob)
{
	struct pollfd p = { .fd = ob->fd, .events = POLLOUT };

	for (;;) {
		int n = poll(&p, 1, 100);

		if (n > 0)
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return 0; /* let write() report it */
		if (ob->give_up(ob->give_up_ctx))
			return -1;
	}
}

int ob_flush(struct outbuf *ob)
{
	size_t off = 0;

	if (ob->fd < 0)
		return -ob->err;
	while (off < ob->len && !ob->err) {
		size_t len = ob->len - off;
		ssize_t n;

		/* A pipe that polls writable takes PIPE_BUF bytes without
		 * blocking: a write never waits past a signal. */
		if (ob->give_up && ob->chunked) {
			if (wait_writable(ob)) {
				ob->err = EINTR;
				break;
			}
			if (len > PIPE_BUF)
				len = PIPE_BUF;
		}
		n = write(ob->fd, ob->buf + off, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ob->err = n < 0 ? errno : EIO;
			break;
		}
		off += n;
	}
	ob->len = 0; /* after an error, output is dropped, err says so */
	return -ob->err;
}

bool ob_grow(struct outbuf *ob, size_t n)
{
	size_t cap;
	char *p;

	if (ob->len + n <= ob->cap)
		return true;
	if (ob->fd >= 0) {
		ob_flush(ob);
		if (n <= ob->cap)
			return true;
	}
	cap = ob->cap ? ob->cap : 4096;
	while (cap < ob->len + n)
		cap *= 2;
	p = realloc(ob->buf, cap);
	if (!p) {
		ob->err = ENOMEM;
		return false;
	}
	ob->buf = p;
	ob->cap = cap;
	return true;
}

void ob_u64(struct outbuf *ob, __u64 v)
{
	if (!ob_room(ob, 20))
		return;
	ob->len += fmt_u64(ob->buf + ob->len, v);
}

void ob_s64(struct outbuf *ob, __s64 v)
{
	if (v < 0) {
		ob_char(ob, '-');
		ob_u64(ob, -(__u64)v);
	} else {
		ob_u64(ob, v);
	}
}

void ob_hex(struct outbuf *ob, __u64 v)
{
	if (!ob_room(ob, 18))
		return;
	ob->len += fmt_hex(ob->buf + ob->len, v);
}

void ob_pad(struct outbuf *ob, const char *s, size_t width)
{
	size_t n = strlen(s);

	ob_mem(ob, s, n);
	while (n++ < width)
		ob_char(ob, ' ');
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	__u32 cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, past U+10FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

static void escape_byte(struct outbuf *ob, const char *prefix, unsigned char c)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[8];
	size_t n = strlen(prefix);

	memcpy(tmp, prefix, n);
	tmp[n++] = digits[c >> 4];
	tmp[n++] = digits[c & 15];
	ob_mem(ob, tmp, n);
}

void ob_json_str(struct outbuf *ob, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, end = strnlen(s, n);

	ob_char(ob, '"');
	while (i < end) {
		unsigned char c = p[i];
		size_t len, run = i;

		/* a run of bytes that need no escaping, copied at once */
		while (run < end && p[run] >= 0x20 && p[run] < 0x7f && p[run] != '"' &&
		       p[run] != '\\')
			run++;
		if (run > i) {
			ob_mem(ob, p + i, run - i);
			i = run;
			continue;
		}
		switch (c) {
		case '"':
			ob_str(ob, "\\\"");
			i++;
			continue;
		case '\\':
			ob_str(ob, "\\\\");
			i++;
			continue;
		case '\n':
			ob_str(ob, "\\n");
			i++;
			continue;
		case '\t':
			ob_str(ob, "\\t");
			i++;
			continue;
		case '\r':
			ob_str(ob, "\\r");
			i++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			escape_byte(ob, "\\u00", c);
			i++;
			continue;
		}
		len = utf8_len(p + i, end - i);
		if (!len) {
			ob_str(ob, "\\ufffd");
			i++;
			continue;
		}
		ob_mem(ob, p + i, len);
		i += len;
	}
	ob_char(ob, '"');
}

void ob_safe_str(struct outbuf *ob, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, end = strnlen(s, n);

	while (i < end) {
		size_t len;

		if (p[i] < 0x20 || p[i] == 0x7f || p[i] == '\\') {
			if (p[i] == '\\')
				ob_str(ob, "\\\\");
			else
				escape_byte(ob, "\\x", p[i]);
			i++;
			continue;
		}
		len = utf8_len(p + i, end - i);
		if (!len || (len == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0)) {
			/* invalid, or a C1 control (U+0080..U+009F) */
			escape_byte(ob, "\\x", p[i]);
			i++;
			continue;
		}
		ob_mem(ob, p + i, len);
		i += len;
	}
}

void ob_printf(struct outbuf *ob, const char *f, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(buf, sizeof(buf), f, ap);
	va_end(ap);
	if (n > 0)
		ob_mem(ob, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}
