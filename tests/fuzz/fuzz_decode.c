// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_decode.c - libFuzzer target: arbitrary bytes as a ring-buffer record,
 * through the decoder and both renderers. A malformed record must be
 * rejected by mmt_decode(); an accepted one must render without reading
 * past it. Every JSON line must be valid JSON: checked by a small validator.
 * Raw JSON from mmt_decode_values() must equal mmt_decode()'s. The same
 * bytes also go to mmt_tasks_take() as they come off the ring buffer (a
 * thread's context, a thread gone, or a call joined with a context).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "context/tasks.h"
#include "decoders/decode.h"
#include "outputs/output.h"

/* Minimal JSON validator: returns the end of the value at p, or NULL. */
static const char *value(const char *p, const char *end, int depth);

static const char *ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r'))
		p++;
	return p;
}

static const char *string(const char *p, const char *end)
{
	if (p >= end || *p++ != '"')
		return NULL;
	while (p < end && *p != '"') {
		unsigned char c = *p;

		if (c < 0x20)
			return NULL;
		if (c == '\\') {
			p++;
			if (p >= end)
				return NULL;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (p + i >= end || !strchr("0123456789abcdefABCDEF", p[i]))
						return NULL;
				p += 4;
			} else if (!strchr("\"\\/bfnrt", *p)) {
				return NULL;
			}
		}
		p++;
	}
	return p < end ? p + 1 : NULL;
}

static const char *value(const char *p, const char *end, int depth)
{
	if (depth > 16)
		return NULL;
	p = ws(p, end);
	if (p >= end)
		return NULL;
	if (*p == '"')
		return string(p, end);
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';
		bool obj = *p == '{';

		p = ws(p + 1, end);
		if (p < end && *p == close)
			return p + 1;
		for (;;) {
			if (obj) {
				p = string(ws(p, end), end);
				if (!p)
					return NULL;
				p = ws(p, end);
				if (p >= end || *p++ != ':')
					return NULL;
			}
			p = value(p, end, depth + 1);
			if (!p)
				return NULL;
			p = ws(p, end);
			if (p < end && *p == ',') {
				p++;
				continue;
			}
			return p < end && *p == close ? p + 1 : NULL;
		}
	}
	if (!strncmp(p, "true", 4) || !strncmp(p, "null", 4))
		return p + 4;
	if (!strncmp(p, "false", 5))
		return p + 5;
	if (*p == '-' || (*p >= '0' && *p <= '9')) {
		const char *s = p;

		if (*p == '-')
			p++;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
		return p > s + (*s == '-') ? p : NULL;
	}
	return NULL;
}

static void expect_json(const struct outbuf *ob)
{
	const char *end = value(ob->buf, ob->buf + ob->len, 0);

	if (!end || ws(end, ob->buf + ob->len) != ob->buf + ob->len)
		abort(); /* not one valid JSON value */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct outbuf ob, ob2;
	static struct mmt_tasks tasks;
	static _Alignas(8) unsigned char joined[sizeof(struct mmt_record) +
						sizeof(struct mmt_payload_masks) +
						sizeof(struct mmt_payload_move_pages)];
	struct mmt_decoded_event ev;
	size_t joined_len;
	/* an exact-size heap copy: ASan catches any read past the record */
	void *rec = malloc(size ? size : 1);

	if (!rec)
		return 0;
	memcpy(rec, data, size);
	if (!ob.buf)
		ob_init(&ob, -1, 1 << 16);
	if (!ob2.buf)
		ob_init(&ob2, -1, 1 << 16);
	if (!mmt_decode(rec, size, 0, &ev)) {
		ob.len = 0;
		mmt_json_event(&ob, &ev, size & 1);
		expect_json(&ob);
		if (!(size & 1)) {
			if (mmt_decode_values(rec, size, 0, &ev))
				abort(); /* the same checks must accept it */
			ob2.len = 0;
			mmt_json_event(&ob2, &ev, false);
			if (ob2.len != ob.len || memcmp(ob2.buf, ob.buf, ob.len))
				abort();
		}
		ob.len = 0;
		mmt_table_event(&ob, &ev);
		ob.len = 0;
		mmt_strace_event(&ob, &ev); /* -o strace: one line, whatever came */
		if (!ob.len || ob.buf[ob.len - 1] != '\n' || memchr(ob.buf, '\n', ob.len) !=
								 ob.buf + ob.len - 1)
			abort();
		ob.len = 0;
	} else if (!mmt_decode_values(rec, size, 0, &ev)) {
		abort(); /* the same checks must refuse it */
	}
	if (mmt_tasks_take(&tasks, rec, size, joined, sizeof(joined), &joined_len) ==
		    MMT_WIRE_CALL &&
	    !mmt_decode_values(joined, joined_len, 0, &ev)) {
		ev.context_id = mmt_tasks_last_id(&tasks); /* as the tracer does */
		ob.len = 0;
		mmt_json_event(&ob, &ev, false);
		expect_json(&ob);
		ob.len = 0;
	}
	if (mmt_tasks_count(&tasks) > 4096)
		mmt_tasks_free(&tasks);
	free(rec);
	return 0;
}
