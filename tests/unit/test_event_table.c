// SPDX-License-Identifier: GPL-2.0
/*
 * test_event_table.c - invariants of the event table, which the docs, the
 * decoders and both outputs read.
 *
 * The doc page check reads docs/events/<event>.md under $MMTRACE_ROOT
 * (default: the current directory); run `make docs` first.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events/event_table.h"

#define ALL_TAGS (MMT_TAG_K | MMT_TAG_U | MMT_TAG_TOCTOU | MMT_TAG_OPT)

struct want_arg {
	const char *name, *type;
	enum mmt_arg_kind kind;
	unsigned int tags;
};

/* The events as the seed pages and Tracee describe them (x86_64). */
static const struct {
	const char *name;
	int nr;
	enum mmt_ret_kind ret_kind;
	int nargs;
	struct want_arg args[MMT_MAX_ARGS];
} want[MMT_EV_COUNT] = {
	[MMT_EV_MREMAP] = {"mremap",
			   25,
			   MMT_RET_ADDR_OR_ERR,
			   5,
			   {
				   {"old_address", "void*", MMT_ARG_ADDR, MMT_TAG_K},
				   {"old_size", "size_t", MMT_ARG_SIZE, MMT_TAG_K},
				   {"new_size", "size_t", MMT_ARG_SIZE, MMT_TAG_K},
				   {"flags", "int", MMT_ARG_MREMAP_FLAGS, MMT_TAG_K},
				   {"new_address", "void*", MMT_ARG_ADDR, MMT_TAG_K | MMT_TAG_OPT},
			   }},
	[MMT_EV_SET_MEMPOLICY] = {"set_mempolicy",
				  238,
				  MMT_RET_ZERO_OR_ERR,
				  3,
				  {
					  {"mode", "int", MMT_ARG_MPOL_MODE, MMT_TAG_K},
					  {"nodemask", "const unsigned long*", MMT_ARG_NODEMASK,
					   MMT_TAG_U | MMT_TAG_TOCTOU | MMT_TAG_OPT},
					  {"maxnode", "unsigned long", MMT_ARG_ULONG, MMT_TAG_K},
				  }},
	[MMT_EV_MIGRATE_PAGES] = {"migrate_pages",
				  256,
				  MMT_RET_COUNT_OR_ERR,
				  4,
				  {
					  {"pid", "int", MMT_ARG_INT, MMT_TAG_K},
					  {"maxnode", "unsigned long", MMT_ARG_ULONG, MMT_TAG_K},
					  {"old_nodes", "const unsigned long*", MMT_ARG_NODEMASK,
					   MMT_TAG_U | MMT_TAG_TOCTOU},
					  {"new_nodes", "const unsigned long*", MMT_ARG_NODEMASK,
					   MMT_TAG_U | MMT_TAG_TOCTOU},
				  }},
};

/* The C type an argument's kind implies. */
static const char *kind_type(enum mmt_arg_kind kind)
{
	switch (kind) {
	case MMT_ARG_INT:
	case MMT_ARG_MREMAP_FLAGS:
	case MMT_ARG_MPOL_MODE:
		return "int";
	case MMT_ARG_ULONG:
		return "unsigned long";
	case MMT_ARG_SIZE:
		return "size_t";
	case MMT_ARG_ADDR:
		return "void*";
	case MMT_ARG_NODEMASK:
		return "const unsigned long*";
	}
	return NULL;
}

static bool nonempty(const char *s)
{
	return s && s[0] && s[0] != ' ';
}

static void test_index_and_ids(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < MMT_EV_COUNT; i++) {
		assert_int_equal(mmt_events[i].event, i);
		assert_ptr_equal(mmt_event_by_id(i), &mmt_events[i]);
	}
	assert_null(mmt_event_by_id(MMT_EV_COUNT));
	assert_null(mmt_event_by_id(0xffff));
	assert_null(mmt_event_by_id(UINT_MAX));
}

static void test_names_and_numbers(void **state)
{
	(void)state;
	for (int i = 0; i < MMT_EV_COUNT; i++) {
		const struct mmt_event_desc *d = &mmt_events[i];

		assert_true(nonempty(d->name));
		assert_string_equal(d->name, want[i].name);
		assert_int_equal(d->syscall_nr, want[i].nr);
		assert_int_equal(d->ret_kind, want[i].ret_kind);
		for (int j = 0; j < i; j++) {
			assert_string_not_equal(d->name, mmt_events[j].name);
			assert_int_not_equal(d->syscall_nr, mmt_events[j].syscall_nr);
		}
	}
}

static void test_by_name(void **state)
{
	static const char *const unknown[] = {
		"",
		"MREMAP",
		"mremap ",
		" mremap",
		"mrema",
		"mremap2",
		"set_mempolicy_home_node",
		"migrate",
		"sys_enter_mremap",
	};

	(void)state;
	for (int i = 0; i < MMT_EV_COUNT; i++)
		assert_ptr_equal(mmt_event_by_name(mmt_events[i].name), &mmt_events[i]);
	assert_ptr_equal(mmt_event_by_name("mremap"), &mmt_events[MMT_EV_MREMAP]);
	assert_ptr_equal(mmt_event_by_name("set_mempolicy"), &mmt_events[MMT_EV_SET_MEMPOLICY]);
	assert_ptr_equal(mmt_event_by_name("migrate_pages"), &mmt_events[MMT_EV_MIGRATE_PAGES]);
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		if (mmt_event_by_name(unknown[i]))
			fail_msg("'%s' names an event", unknown[i]);
}

static void test_args(void **state)
{
	(void)state;
	for (int i = 0; i < MMT_EV_COUNT; i++) {
		const struct mmt_event_desc *d = &mmt_events[i];

		assert_true(d->nargs >= 1 && d->nargs <= MMT_MAX_ARGS);
		assert_int_equal(d->nargs, want[i].nargs);
		for (int a = 0; a < d->nargs; a++) {
			const struct mmt_arg_desc *ad = &d->args[a];
			const struct want_arg *w = &want[i].args[a];
			unsigned int origin = ad->tags & (MMT_TAG_K | MMT_TAG_U);

			assert_true(nonempty(ad->name));
			assert_true(nonempty(ad->type));
			assert_true(nonempty(ad->doc));
			assert_string_equal(ad->name, w->name);
			assert_string_equal(ad->type, w->type);
			assert_int_equal(ad->kind, w->kind);
			assert_int_equal(ad->tags, w->tags);
			assert_string_equal(ad->type, kind_type(ad->kind));

			/* at least one tag, no unknown one, exactly one origin */
			assert_int_not_equal(ad->tags, 0);
			assert_int_equal(ad->tags & ~ALL_TAGS, 0);
			assert_true(origin == MMT_TAG_K || origin == MMT_TAG_U);
			if (ad->tags & MMT_TAG_TOCTOU)
				assert_true(ad->tags & MMT_TAG_U);

			for (int b = 0; b < a; b++)
				assert_string_not_equal(ad->name, d->args[b].name);
		}
		/* unused slots stay empty */
		for (int a = d->nargs; a < MMT_MAX_ARGS; a++)
			assert_null(d->args[a].name);
	}
}

static void test_nodemask_args(void **state)
{
	(void)state;
	for (int i = 0; i < MMT_EV_COUNT; i++) {
		const struct mmt_event_desc *d = &mmt_events[i];
		unsigned int slots = 0;

		for (int a = 0; a < d->nargs; a++) {
			const struct mmt_arg_desc *ad = &d->args[a];

			if (ad->kind != MMT_ARG_NODEMASK) {
				assert_int_equal(ad->mask_slot, -1);
				assert_false(ad->tags & MMT_TAG_U);
				continue;
			}
			assert_true(ad->mask_slot >= 0 && ad->mask_slot < MMT_MAX_MASKS);
			assert_false(slots & 1U << ad->mask_slot);
			slots |= 1U << ad->mask_slot;
			assert_true(ad->tags & MMT_TAG_U);
			assert_true(ad->tags & MMT_TAG_TOCTOU);
			assert_false(ad->tags & MMT_TAG_K);
		}
		/* slots are used from 0 on, in order */
		assert_int_equal(slots & (slots + 1), 0);
	}
	assert_int_equal(mmt_events[MMT_EV_SET_MEMPOLICY].args[1].mask_slot, 0);
	assert_int_equal(mmt_events[MMT_EV_MIGRATE_PAGES].args[2].mask_slot, 0);
	assert_int_equal(mmt_events[MMT_EV_MIGRATE_PAGES].args[3].mask_slot, 1);
}

static void test_used_if(void **state)
{
	const struct mmt_arg_desc *na = &mmt_events[MMT_EV_MREMAP].args[4];

	(void)state;
	for (int i = 0; i < MMT_EV_COUNT; i++) {
		const struct mmt_event_desc *d = &mmt_events[i];

		for (int a = 0; a < d->nargs; a++) {
			const struct mmt_arg_desc *ad = &d->args[a];

			if (!ad->used_bits)
				continue;
			assert_true(ad->used_if_arg >= 0 && ad->used_if_arg < d->nargs);
			assert_int_not_equal(ad->used_if_arg, a);
			assert_true(ad->tags & MMT_TAG_OPT);
		}
	}
	/* mremap's new_address: used with MREMAP_FIXED or MREMAP_DONTUNMAP */
	assert_string_equal(na->name, "new_address");
	assert_int_equal(na->used_if_arg, 3);
	assert_int_equal(na->used_bits, 0x2 | 0x4);
}

static void test_texts(void **state)
{
	(void)state;
	for (int i = 0; i < MMT_EV_COUNT; i++) {
		const struct mmt_event_desc *d = &mmt_events[i];
		char related[1024], *save = NULL;
		int n = 0;

		assert_true(nonempty(d->summary));
		assert_null(strchr(d->summary, '\n'));
		assert_true(nonempty(d->description));
		assert_true(nonempty(d->ret_doc));
		assert_true(nonempty(d->hook));
		assert_true(nonempty(d->issues));
		assert_true(nonempty(d->uapi));
		assert_int_equal(strncmp(d->uapi, "include/uapi/linux/", 19), 0);
		assert_non_null(strstr(d->hook, d->name));

		assert_true(nonempty(d->related));
		assert_true(strlen(d->related) < sizeof(related));
		strcpy(related, d->related);
		for (char *r = strtok_r(related, ",", &save); r;
		     r = strtok_r(NULL, ",", &save), n++) {
			char *dash = strstr(r, " - ");

			if (!dash || dash == r || !dash[3])
				fail_msg("%s: related entry '%s' is not "
					 "'name - what it is'",
					 d->name, r);
		}
		assert_true(n >= 1);
	}
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc(n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void expect_in_page(const char *page, const char *path, const char *s)
{
	if (!strstr(page, s))
		fail_msg("%s does not contain '%s': stale? run `make docs`", path, s);
}

/* Every event has its page, and the page says what the table says. */
static void test_doc_pages(void **state)
{
	const char *root = getenv("MMTRACE_ROOT");

	(void)state;
	if (!root || !root[0])
		root = ".";
	for (int i = 0; i < MMT_EV_COUNT; i++) {
		const struct mmt_event_desc *d = &mmt_events[i];
		char path[PATH_MAX], line[2048], tags[64];
		char *page;

		snprintf(path, sizeof(path), "%s/docs/events/%s.md", root, d->name);
		page = read_all(path);
		if (!page)
			fail_msg("no doc page %s for event %s (run `make docs`, "
				 "or set MMTRACE_ROOT to the repository)",
				 path, d->name);

		snprintf(line, sizeof(line), "\n# %s\n", d->name);
		expect_in_page(page, path, line);
		snprintf(line, sizeof(line), "%s - %s\n", d->name, d->summary);
		expect_in_page(page, path, line);
		snprintf(line, sizeof(line), "Event id: %d ", d->syscall_nr);
		expect_in_page(page, path, line);
		for (int a = 0; a < d->nargs; a++) {
			const struct mmt_arg_desc *ad = &d->args[a];

			snprintf(line, sizeof(line), "* `%s`:`%s`[%s] - %s\n", ad->name, ad->type,
				 mmt_tags_str(ad->tags, tags, sizeof(tags)), ad->doc);
			expect_in_page(page, path, line);
		}
		expect_in_page(page, path, d->ret_doc);
		free(page);
	}
}

static void expect_tags(unsigned int tags, const char *want_str)
{
	char buf[64];

	memset(buf, 'X', sizeof(buf));
	assert_ptr_equal(mmt_tags_str(tags, buf, sizeof(buf)), buf);
	assert_string_equal(buf, want_str);
}

static void test_tags_str(void **state)
{
	char buf[8];

	(void)state;
	expect_tags(0, "");
	expect_tags(MMT_TAG_K, "K");
	expect_tags(MMT_TAG_U, "U");
	expect_tags(MMT_TAG_K | MMT_TAG_OPT, "K,OPT");
	expect_tags(MMT_TAG_U | MMT_TAG_TOCTOU, "U,TOCTOU");
	expect_tags(MMT_TAG_U | MMT_TAG_TOCTOU | MMT_TAG_OPT, "U,TOCTOU,OPT");
	expect_tags(ALL_TAGS, "K,U,TOCTOU,OPT");
	/* the order is fixed, not the order of the bits asked for */
	expect_tags(MMT_TAG_OPT | MMT_TAG_K, "K,OPT");
	/* unknown bits are not printed */
	expect_tags(1U << 4, "");
	expect_tags(MMT_TAG_K | 1U << 31, "K");

	/* a short buffer keeps a NUL-terminated prefix */
	memset(buf, 'X', sizeof(buf));
	mmt_tags_str(MMT_TAG_U | MMT_TAG_TOCTOU | MMT_TAG_OPT, buf, 4);
	assert_string_equal(buf, "U,T");
	assert_int_equal(buf[4], 'X');
	memset(buf, 'X', sizeof(buf));
	mmt_tags_str(MMT_TAG_K, buf, 1);
	assert_string_equal(buf, "");
	assert_int_equal(buf[1], 'X');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_and_ids), cmocka_unit_test(test_names_and_numbers),
		cmocka_unit_test(test_by_name),	      cmocka_unit_test(test_args),
		cmocka_unit_test(test_nodemask_args), cmocka_unit_test(test_used_if),
		cmocka_unit_test(test_texts),	      cmocka_unit_test(test_doc_pages),
		cmocka_unit_test(test_tags_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
