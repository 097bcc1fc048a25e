// SPDX-License-Identifier: GPL-2.0
/*
 * jsonl.c - recursive descent over one line, depth and size bounded.
 */
#include <stdlib.h>
#include <string.h>
#include "report/jsonl.h"

struct parser {
	struct mmt_jarena *a;
	const char *s, *end;
	const char *why;
};

int mmt_jarena_init(struct mmt_jarena *a, size_t cap)
{
	a->mem = malloc(cap);
	a->cap = a->mem ? cap : 0;
	a->used = 0;
	return a->mem ? 0 : -1;
}

void mmt_jarena_free(struct mmt_jarena *a)
{
	free(a->mem);
	a->mem = NULL;
	a->cap = a->used = 0;
}

static void *alloc(struct parser *p, size_t n)
{
	void *m;

	n = (n + 7) & ~(size_t)7;
	if (p->a->cap - p->a->used < n) {
		p->why = "too big";
		return NULL;
	}
	m = p->a->mem + p->a->used;
	p->a->used += n;
	return m;
}

static void ws(struct parser *p)
{
	while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' || *p->s == '\r' || *p->s == '\n'))
		p->s++;
}

static struct mmt_jv *value(struct parser *p, int depth);

static int hex4(const char *s, unsigned int *out)
{
	unsigned int v = 0;

	for (int i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* A string at p->s (on its '"'): unescaped into the arena as UTF-8. */
static char *string(struct parser *p, size_t *len)
{
	const char *s = p->s + 1, *e;
	char *out, *o;

	/* the unescaped text is never longer than the escaped one */
	for (e = s; e < p->end && *e != '"'; e++)
		if (*e == '\\')
			e++;
	if (e >= p->end) {
		p->why = "unterminated string";
		return NULL;
	}
	out = alloc(p, e - s + 1);
	if (!out)
		return NULL;
	o = out;
	while (s < e) {
		unsigned char c = *s++;

		if (c < 0x20) {
			p->why = "control character in a string";
			return NULL;
		}
		if (c != '\\') {
			*o++ = c;
			continue;
		}
		c = *s++;
		switch (c) {
		case '"':
		case '\\':
		case '/':
			*o++ = c;
			break;
		case 'b':
			*o++ = '\b';
			break;
		case 'f':
			*o++ = '\f';
			break;
		case 'n':
			*o++ = '\n';
			break;
		case 'r':
			*o++ = '\r';
			break;
		case 't':
			*o++ = '\t';
			break;
		case 'u': {
			unsigned int u;

			if (e - s < 4 || hex4(s, &u)) {
				p->why = "bad \\u escape";
				return NULL;
			}
			s += 4;
			/* surrogates and NUL: a replacement character */
			if (!u || (u >= 0xd800 && u <= 0xdfff))
				u = 0xfffd;
			if (u < 0x80) {
				*o++ = u;
			} else if (u < 0x800) {
				*o++ = 0xc0 | (u >> 6);
				*o++ = 0x80 | (u & 0x3f);
			} else {
				*o++ = 0xe0 | (u >> 12);
				*o++ = 0x80 | ((u >> 6) & 0x3f);
				*o++ = 0x80 | (u & 0x3f);
			}
			break;
		}
		default:
			p->why = "bad escape";
			return NULL;
		}
	}
	*o = '\0';
	*len = o - out;
	p->s = e + 1;
	return out;
}

static struct mmt_jv *container(struct parser *p, struct mmt_jv *v, int depth)
{
	char close = *p->s == '{' ? '}' : ']';
	struct mmt_jv **tail = &v->child;

	p->s++;
	ws(p);
	if (p->s < p->end && *p->s == close) {
		p->s++;
		return v;
	}
	for (;;) {
		const char *key = NULL;
		struct mmt_jv *e;
		size_t klen;

		ws(p);
		if (v->type == MMT_J_OBJ) {
			if (p->s >= p->end || *p->s != '"') {
				p->why = "expected a member name";
				return NULL;
			}
			key = string(p, &klen);
			if (!key)
				return NULL;
			ws(p);
			if (p->s >= p->end || *p->s != ':') {
				p->why = "expected ':'";
				return NULL;
			}
			p->s++;
		}
		e = value(p, depth + 1);
		if (!e)
			return NULL;
		e->key = key;
		*tail = e;
		tail = &e->next;
		ws(p);
		if (p->s < p->end && *p->s == ',') {
			p->s++;
			continue;
		}
		if (p->s < p->end && *p->s == close) {
			p->s++;
			return v;
		}
		p->why = "expected ',' or a closing bracket";
		return NULL;
	}
}

static bool word(struct parser *p, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(p->end - p->s) < n || memcmp(p->s, w, n))
		return false;
	p->s += n;
	return true;
}

static struct mmt_jv *value(struct parser *p, int depth)
{
	struct mmt_jv *v;
	const char *start;
	char *text, *endp;

	if (depth > MMT_JSON_MAX_DEPTH) {
		p->why = "nested too deep";
		return NULL;
	}
	ws(p);
	if (p->s >= p->end) {
		p->why = "unexpected end";
		return NULL;
	}
	v = alloc(p, sizeof(*v));
	if (!v)
		return NULL;
	memset(v, 0, sizeof(*v));
	switch (*p->s) {
	case '{':
		v->type = MMT_J_OBJ;
		return container(p, v, depth);
	case '[':
		v->type = MMT_J_ARR;
		return container(p, v, depth);
	case '"':
		v->type = MMT_J_STR;
		v->str = string(p, &v->len);
		return v->str ? v : NULL;
	}
	if (word(p, "true") || word(p, "false")) {
		v->type = MMT_J_BOOL;
		v->b = p->s[-1] == 'e' && p->s[-2] == 'u';
		return v;
	}
	if (word(p, "null"))
		return v;
	start = p->s;
	if (p->s < p->end && *p->s == '-')
		p->s++;
	while (p->s < p->end && ((*p->s >= '0' && *p->s <= '9') || *p->s == '.' || *p->s == 'e' ||
				 *p->s == 'E' || *p->s == '+' || *p->s == '-'))
		p->s++;
	if (p->s == start || (p->s == start + 1 && *start == '-') || p->s - start > 64) {
		p->why = "not a JSON value";
		return NULL;
	}
	text = alloc(p, p->s - start + 1);
	if (!text)
		return NULL;
	memcpy(text, start, p->s - start);
	text[p->s - start] = '\0';
	v->num = strtod(text, &endp);
	if (*endp) {
		p->why = "bad number";
		return NULL;
	}
	v->type = MMT_J_NUM;
	v->str = text;
	v->len = p->s - start;
	return v;
}

struct mmt_jv *mmt_json_parse(struct mmt_jarena *a, const char *s, size_t n, const char **why)
{
	struct parser p = {.a = a, .s = s, .end = s + n};
	struct mmt_jv *v;

	a->used = 0;
	v = value(&p, 0);
	if (v) {
		ws(&p);
		if (p.s != p.end) {
			p.why = "text after the value";
			v = NULL;
		}
	}
	if (!v)
		*why = p.why ? p.why : "not JSON";
	return v;
}

const struct mmt_jv *mmt_json_get(const struct mmt_jv *o, const char *key)
{
	if (!o || o->type != MMT_J_OBJ)
		return NULL;
	for (const struct mmt_jv *e = o->child; e; e = e->next)
		if (e->key && !strcmp(e->key, key))
			return e;
	return NULL;
}

const struct mmt_jv *mmt_json_arg(const struct mmt_jv *args, const char *name)
{
	if (!args || args->type != MMT_J_ARR)
		return NULL;
	for (const struct mmt_jv *e = args->child; e; e = e->next) {
		const struct mmt_jv *n = mmt_json_get(e, "name");

		if (n && n->type == MMT_J_STR && !strcmp(n->str, name))
			return mmt_json_get(e, "value");
	}
	return NULL;
}

long long mmt_json_int(const struct mmt_jv *v, long long def)
{
	char *end;
	long long x;

	if (!v || (v->type != MMT_J_NUM && v->type != MMT_J_STR) || !v->str || !*v->str)
		return def;
	x = strtoll(v->str, &end, 0);
	if (*end) {
		if (v->type == MMT_J_NUM && v->num >= -9e18 && v->num <= 9e18)
			return (long long)v->num;
		return def;
	}
	return x;
}
