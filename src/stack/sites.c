// SPDX-License-Identifier: GPL-2.0
/*
 * sites.c - calls, errors and latency per call site: an open-addressing
 * table keyed by the event and each frame's module and module address.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stack/sites.h"

struct site {
	__u64 hash;
	char *key;
	size_t key_len;
	const char *event;
	int nframes;
	unsigned int flags;		/* of the first call seen */
	struct mmt_stack_frame *frames; /* strings owned by the site */
	__u64 calls, errors, lat_sum, lat_max;
};

struct mmt_sites {
	struct site *sites;
	size_t n, cap_sites;
	size_t *slots; /* index + 1 into sites; 0: empty */
	size_t cap;    /* a power of two */
	__u64 unplaced;
	char *key; /* the key being built */
	size_t key_cap;
};

struct mmt_sites *mmt_sites_new(void)
{
	return calloc(1, sizeof(struct mmt_sites));
}

static void site_free(struct site *st)
{
	for (int i = 0; i < st->nframes; i++) {
		free((char *)st->frames[i].module);
		free((char *)st->frames[i].symbol);
	}
	free(st->frames);
	free(st->key);
}

void mmt_sites_free(struct mmt_sites *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		site_free(&s->sites[i]);
	free(s->sites);
	free(s->slots);
	free(s->key);
	free(s);
}

size_t mmt_sites_count(const struct mmt_sites *s)
{
	return s->n;
}

__u64 mmt_sites_unplaced(const struct mmt_sites *s)
{
	return s->unplaced;
}

static bool key_put(struct mmt_sites *s, size_t *len, const void *p, size_t n)
{
	if (s->key_cap - *len < n) {
		size_t cap = s->key_cap ? s->key_cap : 1024;
		char *k;

		while (cap - *len < n)
			cap *= 2;
		k = realloc(s->key, cap);
		if (!k)
			return false;
		s->key = k;
		s->key_cap = cap;
	}
	memcpy(s->key + *len, p, n);
	*len += n;
	return true;
}

/* event NUL, then per frame: module NUL module-address, or NUL ip */
static bool make_key(struct mmt_sites *s, const char *event, const struct mmt_stack *st,
		     size_t *len)
{
	*len = 0;
	if (!key_put(s, len, event, strlen(event) + 1))
		return false;
	for (int i = 0; i < st->nframes; i++) {
		const struct mmt_stack_frame *f = &st->frames[i];
		const char *m = f->module ? f->module : "";
		__u64 a = f->module ? f->rel : f->ip;

		if (!key_put(s, len, m, strnlen(m, MMT_STACK_NAME_MAX) + 1) ||
		    !key_put(s, len, &a, sizeof(a)))
			return false;
	}
	return true;
}

static __u64 hash_of(const char *p, size_t n)
{
	__u64 h = 0xcbf29ce484222325ULL; /* FNV-1a */

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 0x100000001b3ULL;
	return h;
}

static bool grow_slots(struct mmt_sites *s)
{
	size_t cap = s->cap ? s->cap * 2 : 256;
	size_t *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return false;
	for (size_t i = 0; i < s->n; i++) {
		size_t j = s->sites[i].hash & (cap - 1);

		while (slots[j])
			j = (j + 1) & (cap - 1);
		slots[j] = i + 1;
	}
	free(s->slots);
	s->slots = slots;
	s->cap = cap;
	return true;
}

static char *dup_name(const char *p)
{
	return p ? strndup(p, MMT_STACK_NAME_MAX) : NULL;
}

/* A new site at slot j for the key in s->key; NULL without memory. */
static struct site *site_new(struct mmt_sites *s, size_t j, __u64 h, size_t len, const char *event,
			     const struct mmt_stack *st)
{
	struct site *site;

	if (s->n == s->cap_sites) {
		size_t cap = s->cap_sites ? s->cap_sites * 2 : 64;
		struct site *grown = realloc(s->sites, cap * sizeof(*grown));

		if (!grown)
			return NULL;
		s->sites = grown;
		s->cap_sites = cap;
	}
	site = &s->sites[s->n];
	memset(site, 0, sizeof(*site));
	site->key = malloc(len);
	site->frames = calloc(st->nframes ? st->nframes : 1, sizeof(*site->frames));
	if (!site->key || !site->frames)
		goto fail;
	memcpy(site->key, s->key, len);
	site->key_len = len;
	site->hash = h;
	site->event = event;
	site->flags = st->flags;
	for (int i = 0; i < st->nframes; i++) {
		struct mmt_stack_frame *f = &site->frames[i];

		*f = st->frames[i];
		f->module = dup_name(st->frames[i].module);
		f->symbol = dup_name(st->frames[i].symbol);
		site->nframes = i + 1;
		if ((st->frames[i].module && !f->module) || (st->frames[i].symbol && !f->symbol))
			goto fail;
	}
	s->slots[j] = ++s->n;
	return site;
fail:
	site_free(site);
	return NULL;
}

int mmt_sites_add(struct mmt_sites *s, const char *event, const struct mmt_stack *st, bool failed,
		  __u64 latency_ns)
{
	struct site *site = NULL;
	size_t len, j;
	__u64 h;

	if (!make_key(s, event, st, &len))
		goto unplaced;
	h = hash_of(s->key, len);
	if ((s->n + 1) * 2 > s->cap && !grow_slots(s))
		goto unplaced;
	for (j = h & (s->cap - 1); s->slots[j]; j = (j + 1) & (s->cap - 1)) {
		struct site *c = &s->sites[s->slots[j] - 1];

		if (c->hash == h && c->key_len == len && !memcmp(c->key, s->key, len)) {
			site = c;
			break;
		}
	}
	if (!site) {
		if (s->n >= MMT_SITES_MAX) {
			s->unplaced++;
			return 0;
		}
		site = site_new(s, j, h, len, event, st);
		if (!site)
			goto unplaced;
	}
	site->calls++;
	site->errors += failed;
	site->lat_sum += latency_ns;
	if (latency_ns > site->lat_max)
		site->lat_max = latency_ns;
	return 0;
unplaced:
	s->unplaced++;
	return -ENOMEM;
}

static int cmp_sites(const void *pa, const void *pb)
{
	const struct site *a = *(const struct site *const *)pa;
	const struct site *b = *(const struct site *const *)pb;

	if (a->calls != b->calls)
		return a->calls > b->calls ? -1 : 1;
	if (a->errors != b->errors)
		return a->errors > b->errors ? -1 : 1;
	if (a->lat_sum != b->lat_sum)
		return a->lat_sum > b->lat_sum ? -1 : 1;
	return strcmp(a->event, b->event);
}

void mmt_sites_print(struct outbuf *ob, struct mmt_sites *s, unsigned int top)
{
	const struct site **order = NULL;
	size_t shown = s->n;
	__u64 calls = 0;

	for (size_t i = 0; i < s->n; i++)
		calls += s->sites[i].calls;
	if (top && shown > top)
		shown = top;
	ob_printf(ob, "call sites: %zu distinct, %llu calls", s->n, (unsigned long long)calls);
	if (shown < s->n)
		ob_printf(ob, "; the top %zu by calls", shown);
	ob_char(ob, '\n');
	if (s->unplaced)
		ob_printf(ob, "calls not placed in a site (past %d sites, or no memory): %llu\n",
		    MMT_SITES_MAX, (unsigned long long)s->unplaced);
	if (!s->n)
		return;
	order = malloc(s->n * sizeof(*order));
	if (!order) {
		ob->err = ENOMEM;
		return;
	}
	for (size_t i = 0; i < s->n; i++)
		order[i] = &s->sites[i];
	qsort(order, s->n, sizeof(*order), cmp_sites);
	ob_printf(ob, "%12s %10s %14s %12s %12s  %s\n", "calls", "errors", "total_us", "avg_us", "max_us",
	    "event");
	for (size_t i = 0; i < shown; i++) {
		const struct site *st = order[i];

		ob_printf(ob, "%12llu %10llu %14.3f %12.3f %12.3f  %s\n", (unsigned long long)st->calls,
		    (unsigned long long)st->errors, st->lat_sum / 1e3,
		    st->lat_sum / 1e3 / st->calls, st->lat_max / 1e3, st->event);
		for (int k = 0; k < st->nframes; k++) {
			ob_lit(ob, " > ");
			mmt_stack_frame_put(ob, &st->frames[k]);
			ob_char(ob, '\n');
		}
		if (st->flags)
			ob_printf(ob, " > [stack ends: %s]\n", mmt_stack_end_name(st->flags));
	}
	free(order);
}
