// SPDX-License-Identifier: GPL-2.0
/*
 * test_event_table.c - invariants of the event table, which the docs, the
 * decoders, both outputs and the BPF side's event selection read.
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
/* the installed x86_64 syscall numbers, to check the table against */
#include <asm/unistd_64.h>

#include "decoders/argkinds.h"
#include "events/event_table.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALL_TAGS (MMT_TAG_K | MMT_TAG_U | MMT_TAG_TOCTOU | MMT_TAG_OPT)

/* tag sets as the event pages write them */
#define K MMT_TAG_K
#define KO (MMT_TAG_K | MMT_TAG_OPT)
#define U MMT_TAG_U
#define UO (MMT_TAG_U | MMT_TAG_OPT)
#define UT (MMT_TAG_U | MMT_TAG_TOCTOU)
#define UTO (MMT_TAG_U | MMT_TAG_TOCTOU | MMT_TAG_OPT)

struct want_arg {
	const char *name, *type;
	enum mmt_arg_kind kind;
	unsigned int tags;
	const struct xlat *xlat; /* FLAGS, VALUE */
};

struct want_event {
	const char *name;
	int nr;	     /* x86_64 */
	int ia32_nr; /* i386, -1: none */
	enum mmt_ret_kind ret_kind;
	enum mmt_payload_kind payload;
	bool migrates, has_target;
	int nargs;
	struct want_arg args[MMT_EVENT_MAX_ARGS];
};

/* name, x86_64 and i386 numbers, return kind, payload, migrates, has_target,
 * nargs */
#define EV(n, nr, ia32, ret, pl, mig, tgt, nargs)                                                  \
	n, nr, ia32, MMT_RET_##ret, MMT_PAYLOAD_##pl, mig, tgt, nargs
#define ARG(n, t, k, tg)                                                                           \
	{                                                                                          \
		n, t, MMT_ARG_##k, tg, NULL                                                        \
	}
#define ARGX(n, t, k, tg, x)                                                                       \
	{                                                                                          \
		n, t, MMT_ARG_##k, tg, &(x)                                                        \
	}

/*
 * The events as the event pages and Tracee describe them: names, types and
 * tags of the arguments; x86_64 and i386 numbers from
 * arch/x86/entry/syscalls/syscall_{64,32}.tbl (ia32 mmap is mmap2, 192).
 */
static const struct want_event want[MMT_EV_COUNT] = {
	[MMT_EV_BRK] = {EV("brk", 12, 45, ADDR, NONE, false, false, 1),
			{ARG("addr", "void*", ADDR, K)}},
	[MMT_EV_MMAP] = {EV("mmap", 9, 192, ADDR_OR_ERR, NONE, false, false, 6),
			 {ARG("addr", "void*", ADDR, KO), ARG("length", "size_t", SIZE, K),
			  ARGX("prot", "int", FLAGS, K, prot_flags),
			  ARG("flags", "int", MMAP_FLAGS, K), ARG("fd", "int", FD, K),
			  ARG("off", "off_t", ULONG, K)}},
	[MMT_EV_MUNMAP] = {EV("munmap", 11, 91, ZERO_OR_ERR, NONE, false, false, 2),
			   {ARG("addr", "void*", RANGE, K), ARG("length", "size_t", SIZE, K)}},
	[MMT_EV_MREMAP] = {EV("mremap", 25, 163, ADDR_OR_ERR, NONE, false, false, 5),
			   {ARG("old_address", "void*", RANGE, K),
			    ARG("old_size", "size_t", SIZE, K), ARG("new_size", "size_t", SIZE, K),
			    ARGX("flags", "int", FLAGS, K, mremap_flags),
			    ARG("new_address", "void*", ADDR, KO)}},
	[MMT_EV_MPROTECT] = {EV("mprotect", 10, 125, ZERO_OR_ERR, NONE, false, false, 3),
			     {ARG("addr", "void*", RANGE, K), ARG("len", "size_t", SIZE, K),
			      ARGX("prot", "int", FLAGS, K, prot_flags)}},
	[MMT_EV_PKEY_MPROTECT] = {EV("pkey_mprotect", 329, 380, ZERO_OR_ERR, NONE, false, false, 4),
				  {ARG("addr", "void*", RANGE, K), ARG("len", "size_t", SIZE, K),
				   ARGX("prot", "int", FLAGS, K, prot_flags),
				   ARG("pkey", "int", INT, K)}},
	[MMT_EV_MADVISE] = {EV("madvise", 28, 219, ZERO_OR_ERR, NONE, false, false, 3),
			    {ARG("addr", "void*", RANGE, K), ARG("length", "size_t", SIZE, K),
			     ARGX("advice", "int", VALUE, K, madvise_advice)}},
	[MMT_EV_PROCESS_MADVISE] =
		{EV("process_madvise", 440, 440, COUNT_OR_ERR, ARRAY, false, false, 5),
		 {ARG("pidfd", "int", FD, K), ARG("iovec", "const struct iovec*", IOVEC, UT),
		  ARG("vlen", "size_t", SIZE, K), ARGX("advice", "int", VALUE, K, madvise_advice),
		  ARG("flags", "unsigned int", UINT, K)}},
	[MMT_EV_MLOCK] = {EV("mlock", 149, 150, ZERO_OR_ERR, NONE, false, false, 2),
			  {ARG("addr", "const void*", RANGE, K), ARG("len", "size_t", SIZE, K)}},
	[MMT_EV_MLOCK2] = {EV("mlock2", 325, 376, ZERO_OR_ERR, NONE, false, false, 3),
			   {ARG("addr", "const void*", RANGE, K), ARG("len", "size_t", SIZE, K),
			    ARGX("flags", "int", FLAGS, K, mlock2_flags)}},
	[MMT_EV_MUNLOCK] = {EV("munlock", 150, 151, ZERO_OR_ERR, NONE, false, false, 2),
			    {ARG("addr", "const void*", RANGE, K), ARG("len", "size_t", SIZE, K)}},
	[MMT_EV_MLOCKALL] = {EV("mlockall", 151, 152, ZERO_OR_ERR, NONE, false, false, 1),
			     {ARGX("flags", "int", FLAGS, K, mlockall_flags)}},
	[MMT_EV_MUNLOCKALL] = {EV("munlockall", 152, 153, ZERO_OR_ERR, NONE, false, false, 0),
			       {{NULL, NULL, 0, 0, NULL}}},
	[MMT_EV_MSYNC] = {EV("msync", 26, 144, ZERO_OR_ERR, NONE, false, false, 3),
			  {ARG("addr", "void*", RANGE, K), ARG("length", "size_t", SIZE, K),
			   ARGX("flags", "int", FLAGS, K, msync_flags)}},
	[MMT_EV_MINCORE] = {EV("mincore", 27, 218, ZERO_OR_ERR, ARRAY, false, false, 3),
			    {ARG("addr", "void*", ADDR, K), ARG("length", "size_t", SIZE, K),
			     ARG("vec", "unsigned char*", PAGE_VEC, U)}},
	[MMT_EV_REMAP_FILE_PAGES] = {EV("remap_file_pages", 216, 257, ZERO_OR_ERR, NONE, false,
					false, 5),
				     {ARG("addr", "void*", RANGE, K), ARG("size", "size_t", SIZE, K),
				      ARGX("prot", "int", FLAGS, K, prot_flags),
				      ARG("pgoff", "size_t", SIZE, K),
				      ARG("flags", "int", MMAP_FLAGS, K)}},
	[MMT_EV_MBIND] = {EV("mbind", 237, 274, ZERO_OR_ERR, MASKS, true, false, 6),
			  {ARG("addr", "void*", RANGE, K), ARG("len", "unsigned long", ULONG, K),
			   ARG("mode", "int", MPOL_MODE, K),
			   ARG("nodemask", "const unsigned long*", NODEMASK, UTO),
			   ARG("maxnode", "unsigned long", ULONG, K),
			   ARGX("flags", "unsigned int", FLAGS, K, mpol_mf_flags)}},
	[MMT_EV_SET_MEMPOLICY] = {EV("set_mempolicy", 238, 276, ZERO_OR_ERR, MASKS, false, false,
				     3),
				  {ARG("mode", "int", MPOL_MODE, K),
				   ARG("nodemask", "const unsigned long*", NODEMASK, UTO),
				   ARG("maxnode", "unsigned long", ULONG, K)}},
	[MMT_EV_GET_MEMPOLICY] = {EV("get_mempolicy", 239, 275, ZERO_OR_ERR, MASKS, false, false,
				     5),
				  {ARG("mode", "int*", OUT_MODE, UO),
				   ARG("nodemask", "unsigned long*", NODEMASK, UO),
				   ARG("maxnode", "unsigned long", ULONG, K),
				   ARG("addr", "void*", ADDR, KO),
				   ARGX("flags", "unsigned long", FLAGS, K, get_mempolicy_flags)}},
	[MMT_EV_SET_MEMPOLICY_HOME_NODE] = {EV("set_mempolicy_home_node", 450, 450, ZERO_OR_ERR,
					       NONE, false, false, 4),
					    {ARG("start", "unsigned long", RANGE, K),
					     ARG("len", "unsigned long", ULONG, K),
					     ARG("home_node", "unsigned long", ULONG, K),
					     ARG("flags", "unsigned long", ULONG, K)}},
	[MMT_EV_MIGRATE_PAGES] = {EV("migrate_pages", 256, 294, COUNT_OR_ERR, MASKS, true, true, 4),
				  {ARG("pid", "int", INT, K),
				   ARG("maxnode", "unsigned long", ULONG, K),
				   ARG("old_nodes", "const unsigned long*", NODEMASK, UT),
				   ARG("new_nodes", "const unsigned long*", NODEMASK, UT)}},
	[MMT_EV_MOVE_PAGES] = {EV("move_pages", 279, 317, COUNT_OR_ERR, MOVE_PAGES, true, true, 6),
			       {ARG("pid", "int", INT, K), ARG("count", "unsigned long", ULONG, K),
				ARG("pages", "const void**", ARRAY, UT),
				ARG("nodes", "const int*", ARRAY, UTO),
				ARG("status", "int*", ARRAY, U),
				ARGX("flags", "int", FLAGS, K, move_pages_flags)}},
	[MMT_EV_MSEAL] = {EV("mseal", 462, 462, ZERO_OR_ERR, NONE, false, false, 3),
			  {ARG("start", "unsigned long", RANGE, K), ARG("len", "size_t", SIZE, K),
			   ARG("flags", "unsigned long", ULONG, K)}},
	[MMT_EV_MAP_SHADOW_STACK] = {EV("map_shadow_stack", 453, -1, ADDR_OR_ERR, NONE, false,
					false, 3),
				     {ARG("addr", "unsigned long", ADDR, KO),
				      ARG("size", "unsigned long", ULONG, K),
				      ARGX("flags", "unsigned int", FLAGS, K, shadow_stack_flags)}},
	/* not syscalls: ids outside the syscall range; the JSON shapes of
	 * docs/events-nonsyscall.md */
	[MMT_EV_PAGE_MIGRATION] = {EV("page_migration", 2000, -1, NONE, KEVENT, false, false, 10),
				   {ARGX("reason", "int", VALUE, K, migrate_reasons),
				    ARGX("mode", "int", VALUE, K, migrate_modes),
				    ARG("succeeded", "u64", ULONG, K), ARG("failed", "u64", ULONG, K),
				    ARG("dst_node", "int", INT, K), ARG("kernelThread", "bool", BOOL, K),
				    ARG("thp_succeeded", "u64", ULONG, K),
				    ARG("thp_failed", "u64", ULONG, K), ARG("thp_split", "u64", ULONG, K),
				    ARG("large_folio_split", "u64", ULONG, K)}},
	[MMT_EV_NUMA_TASK_PLACEMENT] = {EV("numa_task_placement", 2001, -1, NONE, NONE, false,
					   false, 5),
					{ARGX("kind", "string", NAME, K, numa_placement_kinds),
					 ARG("src_cpu", "int", INT, K), ARG("src_nid", "int", INT, K),
					 ARG("dst_cpu", "int", INT, K), ARG("dst_nid", "int", INT, K)}},
};

/* The X-macro list of src/mmtrace.h, in its order. */
#define X_NAME(name, NAME) #name,
#define X_ENUM(name, NAME) MMT_EV_##NAME,
static const char *const x_names[] = {MMT_EVENTS(X_NAME)};
static const int x_enums[] = {MMT_EVENTS(X_ENUM)};
#undef X_NAME
#undef X_ENUM

/* The C types an argument's kind may have. */
static bool kind_allows_type(enum mmt_arg_kind kind, const char *type)
{
	static const struct {
		enum mmt_arg_kind kind;
		const char *types[6];
	} allowed[] = {
		{MMT_ARG_INT, {"int"}},
		{MMT_ARG_UINT, {"unsigned int"}},
		{MMT_ARG_ULONG, {"unsigned long", "off_t", "u64"}},
		{MMT_ARG_SIZE, {"size_t"}},
		{MMT_ARG_ADDR,
		 {"void*", "const void*", "unsigned long", "const struct iovec*",
		  "unsigned char*"}},
		{MMT_ARG_FLAGS, {"int", "unsigned int", "unsigned long"}},
		{MMT_ARG_VALUE, {"int"}},
		{MMT_ARG_MMAP_FLAGS, {"int"}},
		{MMT_ARG_MPOL_MODE, {"int"}},
		{MMT_ARG_NODEMASK, {"const unsigned long*", "unsigned long*"}},
		{MMT_ARG_ARRAY, {"const void**", "const int*", "int*"}},
		{MMT_ARG_OUT_MODE, {"int*"}},
		{MMT_ARG_FD, {"int"}},
		{MMT_ARG_RANGE, {"void*", "const void*", "unsigned long"}},
		{MMT_ARG_PAGE_VEC, {"unsigned char*"}},
		{MMT_ARG_IOVEC, {"const struct iovec*"}},
		{MMT_ARG_BOOL, {"bool"}},
		{MMT_ARG_NAME, {"string"}},
	};

	for (size_t i = 0; i < ARRAY_SIZE(allowed); i++) {
		if (allowed[i].kind != kind)
			continue;
		for (size_t j = 0; j < ARRAY_SIZE(allowed[i].types) && allowed[i].types[j]; j++)
			if (!strcmp(allowed[i].types[j], type))
				return true;
		return false;
	}
	fail_msg("kind %d is not known to the test", kind);
	return false;
}

/* Arguments whose value mmtrace reads from the caller's memory. */
static bool reads_user_memory(enum mmt_arg_kind kind)
{
	return kind == MMT_ARG_NODEMASK || kind == MMT_ARG_ARRAY || kind == MMT_ARG_OUT_MODE ||
	       kind == MMT_ARG_PAGE_VEC || kind == MMT_ARG_IOVEC;
}

static bool nonempty(const char *s)
{
	return s && s[0] && s[0] != ' ';
}

static void test_index_and_ids(void **state)
{
	(void)state;
	assert_int_equal(MMT_EV_COUNT, 26);
	assert_int_equal(MMT_EV_FIRST_KERNEL, 24);
	for (unsigned int i = 0; i < MMT_EV_COUNT; i++) {
		/* the syscalls first, then the kernel events, each naming its
		 * tracepoints */
		assert_int_equal(mmt_event_is_syscall(&mmt_events[i]), i < MMT_EV_FIRST_KERNEL);
		if (i < MMT_EV_FIRST_KERNEL)
			assert_null(mmt_events[i].tracepoint);
		else
			assert_true(nonempty(mmt_events[i].tracepoint));
	}
	for (unsigned int i = 0; i < MMT_EV_COUNT; i++) {
		assert_int_equal(mmt_events[i].event, i);
		assert_ptr_equal(mmt_event_by_id(i), &mmt_events[i]);
	}
	assert_null(mmt_event_by_id(MMT_EV_COUNT));
	assert_null(mmt_event_by_id(0xffff));
	assert_null(mmt_event_by_id(UINT_MAX));
}

/* The table's order is the one list of src/mmtrace.h (the BPF programs of
 * the per-syscall tracepoints are made from it too). */
static void test_x_macro_order(void **state)
{
	(void)state;
	assert_int_equal(ARRAY_SIZE(x_names), MMT_EV_COUNT);
	assert_int_equal(ARRAY_SIZE(x_enums), MMT_EV_COUNT);
	for (int i = 0; i < MMT_EV_COUNT; i++) {
		assert_int_equal(x_enums[i], i);
		assert_string_equal(mmt_events[i].name, x_names[i]);
		assert_int_equal(mmt_events[i].event, x_enums[i]);
	}
}

static void test_names_and_numbers(void **state)
{
	(void)state;
	for (int i = 0; i < MMT_EV_COUNT; i++) {
		const struct mmt_event_desc *d = &mmt_events[i];

		assert_true(nonempty(d->name));
		assert_string_equal(d->name, want[i].name);
		assert_int_equal(d->syscall_nr, want[i].nr);
		assert_int_equal(d->ia32_nr, want[i].ia32_nr);
		/* only mmap has a second ia32 entry: the old mmap, whose
		 * arguments are in memory */
		assert_int_equal(d->ia32_nr2, i == MMT_EV_MMAP ? 90 : -1);
		assert_int_equal(d->ia32_nr2_argstruct, i == MMT_EV_MMAP);
		assert_int_equal(d->ret_kind, want[i].ret_kind);
		for (int j = 0; j < i; j++) {
			assert_string_not_equal(d->name, mmt_events[j].name);
			assert_int_not_equal(d->syscall_nr, mmt_events[j].syscall_nr);
		}
	}
}

/* The numbers index the BPF side's selection tables (MMT_NR_MAX entries)
 * and must each select one event. */
static void test_selection_numbers(void **state)
{
	int owner64[MMT_NR_MAX], owner32[MMT_NR_MAX];

	(void)state;
	for (int n = 0; n < MMT_NR_MAX; n++)
		owner64[n] = owner32[n] = -1;
	for (int i = 0; i < MMT_EV_COUNT; i++) {
		const struct mmt_event_desc *d = &mmt_events[i];
		const int nrs32[] = {d->ia32_nr, d->ia32_nr2};

		if (!mmt_event_is_syscall(d)) {
			/* an id no syscall has, and no entry in the tables */
			assert_true(d->syscall_nr >= 2000);
			assert_int_equal(d->ia32_nr, -1);
			continue;
		}
		assert_true(d->syscall_nr >= 0 && d->syscall_nr < MMT_NR_MAX);
		if (owner64[d->syscall_nr] >= 0)
			fail_msg("x86_64 %d: %s and %s", d->syscall_nr,
				 mmt_events[owner64[d->syscall_nr]].name, d->name);
		owner64[d->syscall_nr] = i;
		for (size_t k = 0; k < ARRAY_SIZE(nrs32); k++) {
			int nr = nrs32[k];

			if (nr < 0) {
				assert_int_equal(nr, -1);
				continue;
			}
			assert_true(nr < MMT_NR_MAX);
			if (owner32[nr] >= 0)
				fail_msg("i386 %d: %s and %s", nr, mmt_events[owner32[nr]].name,
					 d->name);
			owner32[nr] = i;
		}
	}
	/* the installed headers agree, for the calls they know */
	assert_int_equal(mmt_events[MMT_EV_BRK].syscall_nr, __NR_brk);
	assert_int_equal(mmt_events[MMT_EV_MMAP].syscall_nr, __NR_mmap);
	assert_int_equal(mmt_events[MMT_EV_MUNMAP].syscall_nr, __NR_munmap);
	assert_int_equal(mmt_events[MMT_EV_MREMAP].syscall_nr, __NR_mremap);
	assert_int_equal(mmt_events[MMT_EV_MPROTECT].syscall_nr, __NR_mprotect);
	assert_int_equal(mmt_events[MMT_EV_PKEY_MPROTECT].syscall_nr, __NR_pkey_mprotect);
	assert_int_equal(mmt_events[MMT_EV_MADVISE].syscall_nr, __NR_madvise);
	assert_int_equal(mmt_events[MMT_EV_MLOCK].syscall_nr, __NR_mlock);
	assert_int_equal(mmt_events[MMT_EV_MLOCK2].syscall_nr, __NR_mlock2);
	assert_int_equal(mmt_events[MMT_EV_MUNLOCK].syscall_nr, __NR_munlock);
	assert_int_equal(mmt_events[MMT_EV_MLOCKALL].syscall_nr, __NR_mlockall);
	assert_int_equal(mmt_events[MMT_EV_MUNLOCKALL].syscall_nr, __NR_munlockall);
	assert_int_equal(mmt_events[MMT_EV_MSYNC].syscall_nr, __NR_msync);
	assert_int_equal(mmt_events[MMT_EV_MINCORE].syscall_nr, __NR_mincore);
	assert_int_equal(mmt_events[MMT_EV_REMAP_FILE_PAGES].syscall_nr, __NR_remap_file_pages);
	assert_int_equal(mmt_events[MMT_EV_MBIND].syscall_nr, __NR_mbind);
	assert_int_equal(mmt_events[MMT_EV_SET_MEMPOLICY].syscall_nr, __NR_set_mempolicy);
	assert_int_equal(mmt_events[MMT_EV_GET_MEMPOLICY].syscall_nr, __NR_get_mempolicy);
	assert_int_equal(mmt_events[MMT_EV_MIGRATE_PAGES].syscall_nr, __NR_migrate_pages);
	assert_int_equal(mmt_events[MMT_EV_MOVE_PAGES].syscall_nr, __NR_move_pages);
#ifdef __NR_process_madvise
	assert_int_equal(mmt_events[MMT_EV_PROCESS_MADVISE].syscall_nr, __NR_process_madvise);
#endif
#ifdef __NR_set_mempolicy_home_node
	assert_int_equal(mmt_events[MMT_EV_SET_MEMPOLICY_HOME_NODE].syscall_nr,
			 __NR_set_mempolicy_home_node);
#endif
#ifdef __NR_mseal
	assert_int_equal(mmt_events[MMT_EV_MSEAL].syscall_nr, __NR_mseal);
#endif
#ifdef __NR_map_shadow_stack
	assert_int_equal(mmt_events[MMT_EV_MAP_SHADOW_STACK].syscall_nr, __NR_map_shadow_stack);
#endif
}

static void test_by_name(void **state)
{
	static const char *const unknown[] = {
		"",	     "MREMAP",
		"mremap ",   " mremap",
		"mrema",     "mremap2",
		"mmap2",     "mlock3",
		"munlockal", "set_mempolicy_home",
		"migrate",   "sys_enter_mremap",
	};

	(void)state;
	for (int i = 0; i < MMT_EV_COUNT; i++)
		assert_ptr_equal(mmt_event_by_name(mmt_events[i].name), &mmt_events[i]);
	assert_ptr_equal(mmt_event_by_name("mremap"), &mmt_events[MMT_EV_MREMAP]);
	assert_ptr_equal(mmt_event_by_name("set_mempolicy"), &mmt_events[MMT_EV_SET_MEMPOLICY]);
	assert_ptr_equal(mmt_event_by_name("set_mempolicy_home_node"),
			 &mmt_events[MMT_EV_SET_MEMPOLICY_HOME_NODE]);
	assert_ptr_equal(mmt_event_by_name("migrate_pages"), &mmt_events[MMT_EV_MIGRATE_PAGES]);
	assert_ptr_equal(mmt_event_by_name("mlock"), &mmt_events[MMT_EV_MLOCK]);
	assert_ptr_equal(mmt_event_by_name("mlock2"), &mmt_events[MMT_EV_MLOCK2]);
	for (size_t i = 0; i < ARRAY_SIZE(unknown); i++)
		if (mmt_event_by_name(unknown[i]))
			fail_msg("'%s' names an event", unknown[i]);
}

static void test_args(void **state)
{
	(void)state;
	for (int i = 0; i < MMT_EV_COUNT; i++) {
		const struct mmt_event_desc *d = &mmt_events[i];

		assert_true(d->nargs >= 0 &&
			    d->nargs <= (d->payload == MMT_PAYLOAD_KEVENT ? MMT_EVENT_MAX_ARGS :
									  MMT_MAX_ARGS));
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
			assert_ptr_equal(ad->xlat, w->xlat);
			if (!kind_allows_type(ad->kind, ad->type))
				fail_msg("%s.%s: type %s for kind %d", d->name, ad->name, ad->type,
					 ad->kind);

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
		for (int a = d->nargs; a < MMT_EVENT_MAX_ARGS; a++)
			assert_null(d->args[a].name);
	}
}

/* FLAGS and VALUE name their bits or values with a table; no other kind
 * has one. */
static void test_xlat_args(void **state)
{
	(void)state;
	for (int i = 0; i < MMT_EV_COUNT; i++) {
		const struct mmt_event_desc *d = &mmt_events[i];

		for (int a = 0; a < d->nargs; a++) {
			const struct mmt_arg_desc *ad = &d->args[a];

			if (ad->kind == MMT_ARG_FLAGS || ad->kind == MMT_ARG_VALUE ||
			    ad->kind == MMT_ARG_NAME) {
				if (!ad->xlat)
					fail_msg("%s.%s has no xlat", d->name, ad->name);
				assert_true(ad->xlat->n > 0);
				assert_true(nonempty(ad->xlat->header));
			} else if (ad->xlat) {
				fail_msg("%s.%s (kind %d) has an xlat", d->name, ad->name,
					 ad->kind);
			}
		}
	}
}

/* What is read from user memory, when, and how it is tagged. */
static void test_user_memory_args(void **state)
{
	(void)state;
	for (int i = 0; i < MMT_EV_COUNT; i++) {
		const struct mmt_event_desc *d = &mmt_events[i];

		for (int a = 0; a < d->nargs; a++) {
			const struct mmt_arg_desc *ad = &d->args[a];

			if (!reads_user_memory(ad->kind)) {
				/* a register value: K, never read, never at exit */
				assert_true(ad->tags & MMT_TAG_K);
				assert_false(ad->tags & MMT_TAG_U);
				assert_false(ad->tags & MMT_TAG_TOCTOU);
				assert_false(ad->at_exit);
				continue;
			}
			assert_true(ad->tags & MMT_TAG_U);
			assert_false(ad->tags & MMT_TAG_K);
			if (ad->at_exit) {
				/* what the kernel wrote: read after its own use */
				assert_false(ad->tags & MMT_TAG_TOCTOU);
			} else {
				/* read at entry, before the kernel reads it */
				if (!(ad->tags & MMT_TAG_TOCTOU))
					fail_msg("%s.%s is read at entry without TOCTOU", d->name,
						 ad->name);
			}
		}
	}
	/* the ones read at exit */
	assert_true(mmt_events[MMT_EV_GET_MEMPOLICY].args[0].at_exit);
	assert_true(mmt_events[MMT_EV_GET_MEMPOLICY].args[1].at_exit);
	assert_true(mmt_events[MMT_EV_MOVE_PAGES].args[4].at_exit);
	assert_false(mmt_events[MMT_EV_MOVE_PAGES].args[2].at_exit);
	assert_false(mmt_events[MMT_EV_MOVE_PAGES].args[3].at_exit);
	assert_false(mmt_events[MMT_EV_SET_MEMPOLICY].args[1].at_exit);
	assert_true(mmt_events[MMT_EV_MINCORE].args[2].at_exit);
	assert_false(mmt_events[MMT_EV_PROCESS_MADVISE].args[1].at_exit);
}

/* The payload an event has is the one its arguments need. */
static void test_payloads(void **state)
{
	(void)state;
	for (int i = 0; i < MMT_EV_COUNT; i++) {
		const struct mmt_event_desc *d = &mmt_events[i];
		int masks = 0, arrays = 0, outs = 0, ones = 0;

		assert_int_equal(d->payload, want[i].payload);
		for (int a = 0; a < d->nargs; a++) {
			masks += d->args[a].kind == MMT_ARG_NODEMASK;
			arrays += d->args[a].kind == MMT_ARG_ARRAY;
			outs += d->args[a].kind == MMT_ARG_OUT_MODE;
			ones += d->args[a].kind == MMT_ARG_PAGE_VEC ||
				d->args[a].kind == MMT_ARG_IOVEC;
		}
		if (d->payload != MMT_PAYLOAD_ARRAY)
			assert_int_equal(ones, 0);
		switch (d->payload) {
		case MMT_PAYLOAD_NONE:
			assert_int_equal(masks + arrays + outs, 0);
			break;
		case MMT_PAYLOAD_ARRAY: /* one array of its own kind */
			assert_int_equal(ones, 1);
			assert_int_equal(masks + arrays + outs, 0);
			break;
		case MMT_PAYLOAD_MASKS:
			assert_true(masks >= 1);
			assert_int_equal(arrays, 0);
			assert_true(outs <= 1);
			break;
		case MMT_PAYLOAD_MOVE_PAGES:
			assert_int_equal(arrays, 3);
			assert_int_equal(masks + outs, 0);
			break;
		case MMT_PAYLOAD_KEVENT: /* values past args[]: plain numbers */
			assert_false(mmt_event_is_syscall(d));
			assert_true(d->nargs > MMT_MAX_ARGS);
			assert_int_equal(masks + arrays + outs, 0);
			break;
		default:
			fail_msg("%s: payload %d", d->name, d->payload);
		}
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
				if (ad->kind == MMT_ARG_PAGE_VEC || ad->kind == MMT_ARG_IOVEC)
					assert_int_equal(ad->payload_slot, 0);
				else if (ad->kind != MMT_ARG_ARRAY)
					assert_int_equal(ad->payload_slot, -1);
				continue;
			}
			assert_int_equal(d->payload, MMT_PAYLOAD_MASKS);
			assert_true(ad->payload_slot >= 0 && ad->payload_slot < MMT_MAX_MASKS);
			assert_false(slots & 1U << ad->payload_slot);
			slots |= 1U << ad->payload_slot;
			assert_true(ad->tags & MMT_TAG_U);
			assert_false(ad->tags & MMT_TAG_K);
		}
		/* slots are used from 0 on, in order */
		assert_int_equal(slots & (slots + 1), 0);
	}
	assert_int_equal(mmt_events[MMT_EV_MBIND].args[3].payload_slot, 0);
	assert_int_equal(mmt_events[MMT_EV_SET_MEMPOLICY].args[1].payload_slot, 0);
	assert_int_equal(mmt_events[MMT_EV_GET_MEMPOLICY].args[1].payload_slot, 0);
	assert_int_equal(mmt_events[MMT_EV_MIGRATE_PAGES].args[2].payload_slot, 0);
	assert_int_equal(mmt_events[MMT_EV_MIGRATE_PAGES].args[3].payload_slot, 1);
}

/* ARRAY arguments: move_pages' pages, nodes and status, slots 0, 1, 2. */
static void test_array_args(void **state)
{
	const struct mmt_event_desc *mp = &mmt_events[MMT_EV_MOVE_PAGES];

	(void)state;
	for (int i = 0; i < MMT_EV_COUNT; i++) {
		const struct mmt_event_desc *d = &mmt_events[i];
		unsigned int slots = 0;

		for (int a = 0; a < d->nargs; a++) {
			const struct mmt_arg_desc *ad = &d->args[a];

			if (ad->kind != MMT_ARG_ARRAY)
				continue;
			assert_int_equal(d->payload, MMT_PAYLOAD_MOVE_PAGES);
			assert_true(ad->payload_slot >= 0 && ad->payload_slot <= 2);
			assert_false(slots & 1U << ad->payload_slot);
			slots |= 1U << ad->payload_slot;
		}
		if (d->payload == MMT_PAYLOAD_MOVE_PAGES)
			assert_int_equal(slots, 0x7);
		else
			assert_int_equal(slots, 0);
	}
	assert_string_equal(mp->args[2].name, "pages");
	assert_int_equal(mp->args[2].payload_slot, 0);
	assert_int_equal(mp->args[2].elem, MMT_ELEM_PTR);
	assert_string_equal(mp->args[3].name, "nodes");
	assert_int_equal(mp->args[3].payload_slot, 1);
	assert_int_equal(mp->args[3].elem, MMT_ELEM_INT);
	assert_string_equal(mp->args[4].name, "status");
	assert_int_equal(mp->args[4].payload_slot, 2);
	assert_int_equal(mp->args[4].elem, MMT_ELEM_INT);
}

/* get_mempolicy's mode: a node, not a mode, when flags has MPOL_F_NODE. */
static void test_out_mode_args(void **state)
{
	const struct mmt_arg_desc *mode = &mmt_events[MMT_EV_GET_MEMPOLICY].args[0];
	int outs = 0;

	(void)state;
	for (int i = 0; i < MMT_EV_COUNT; i++) {
		const struct mmt_event_desc *d = &mmt_events[i];

		for (int a = 0; a < d->nargs; a++) {
			const struct mmt_arg_desc *ad = &d->args[a];

			if (ad->kind != MMT_ARG_OUT_MODE) {
				assert_int_equal(ad->node_bits, 0);
				continue;
			}
			outs++;
			assert_int_equal(d->payload, MMT_PAYLOAD_MASKS);
			assert_true(ad->at_exit);
			assert_int_not_equal(ad->node_bits, 0);
			assert_true(ad->node_if_arg >= 0 && ad->node_if_arg < d->nargs);
			assert_int_not_equal(ad->node_if_arg, a);
			assert_int_equal(d->args[ad->node_if_arg].kind, MMT_ARG_FLAGS);
		}
	}
	assert_int_equal(outs, 1);
	assert_string_equal(mode->name, "mode");
	assert_int_equal(mode->node_if_arg, 4);
	assert_int_equal(mode->node_bits, 1); /* MPOL_F_NODE */
	assert_string_equal(xlat_name(&get_mempolicy_flags, mode->node_bits), "MPOL_F_NODE");
}

/* Which events report migrations, and which name a target process. */
static void test_migrates_and_target(void **state)
{
	(void)state;
	for (int i = 0; i < MMT_EV_COUNT; i++) {
		const struct mmt_event_desc *d = &mmt_events[i];

		assert_int_equal(d->migrates, want[i].migrates);
		assert_int_equal(d->has_target, want[i].has_target);
		if (d->has_target) {
			/* args[0] is the pid, as the decoder reads it */
			assert_true(d->nargs >= 1);
			assert_string_equal(d->args[0].name, "pid");
			assert_int_equal(d->args[0].kind, MMT_ARG_INT);
			assert_true(d->migrates);
		}
	}
}

static void test_used_if(void **state)
{
	const struct mmt_arg_desc *na = &mmt_events[MMT_EV_MREMAP].args[4];
	int n = 0;

	(void)state;
	for (int i = 0; i < MMT_EV_COUNT; i++) {
		const struct mmt_event_desc *d = &mmt_events[i];

		for (int a = 0; a < d->nargs; a++) {
			const struct mmt_arg_desc *ad = &d->args[a];

			if (!ad->used_bits)
				continue;
			n++;
			assert_true(ad->used_if_arg >= 0 && ad->used_if_arg < d->nargs);
			assert_int_not_equal(ad->used_if_arg, a);
			assert_true(ad->tags & MMT_TAG_OPT);
		}
	}
	assert_int_equal(n, 1);
	/* mremap's new_address: used with MREMAP_FIXED or MREMAP_DONTUNMAP */
	assert_string_equal(na->name, "new_address");
	assert_int_equal(na->used_if_arg, 3);
	assert_int_equal(na->used_bits, 0x2 | 0x4);
}

/* One entry of uapi: a header path of the kernel tree. */
static bool uapi_path(const char *s, size_t n)
{
	static const char *const roots[] = {"include/uapi/", "arch/x86/include/uapi/"};

	for (size_t i = 0; i < ARRAY_SIZE(roots); i++) {
		size_t rl = strlen(roots[i]);

		if (n > rl + 2 && !strncmp(s, roots[i], rl) && !strncmp(s + n - 2, ".h", 2))
			return true;
	}
	return false;
}

static void test_texts(void **state)
{
	(void)state;
	for (int i = 0; i < MMT_EV_COUNT; i++) {
		const struct mmt_event_desc *d = &mmt_events[i];
		char related[1024], *save = NULL;
		bool has_xlat = false;
		int n = 0;

		assert_true(nonempty(d->summary));
		assert_null(strchr(d->summary, '\n'));
		assert_true(nonempty(d->description));
		assert_true(nonempty(d->ret_doc));
		assert_true(nonempty(d->hook));
		assert_true(nonempty(d->issues));
		if (mmt_event_is_syscall(d)) {
			assert_non_null(strstr(d->hook, d->name));
		} else {
			/* the hook names each tracepoint ("group:name, ...") */
			char tps[256], *tsave = NULL;

			snprintf(tps, sizeof(tps), "%s", d->tracepoint);
			for (char *t = strtok_r(tps, ", ", &tsave); t; t = strtok_r(NULL, ", ", &tsave))
				if (!strstr(d->hook, t))
					fail_msg("%s: the hook does not name %s", d->name, t);
		}

		/* NULL (no constants), or a list of uapi headers; an event
		 * that names constants says where they come from */
		for (int a = 0; a < d->nargs; a++)
			has_xlat |= d->args[a].xlat || d->args[a].kind == MMT_ARG_MMAP_FLAGS ||
				    d->args[a].kind == MMT_ARG_MPOL_MODE ||
				    d->args[a].kind == MMT_ARG_OUT_MODE;
		if (!d->uapi) {
			/* a kernel event's constants are the kernel's own,
			 * not uapi: their tables name the header */
			if (has_xlat && mmt_event_is_syscall(d))
				fail_msg("%s names constants but has no uapi header", d->name);
		} else {
			assert_true(nonempty(d->uapi));
			const char *p = d->uapi;

			for (;;) {
				const char *comma = strstr(p, ", ");
				size_t len = comma ? (size_t)(comma - p) : strlen(p);

				if (!uapi_path(p, len))
					fail_msg("%s: '%.*s' is not a uapi header", d->name,
						 (int)len, p);
				if (!comma)
					break;
				p = comma + 2;
			}
		}

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

static void expect_in_page(char *page, const char *path, const char *s)
{
	if (!strstr(page, s)) {
		free(page);
		fail_msg("%s does not contain '%s': stale? run `make docs`", path, s);
	}
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

			snprintf(line, sizeof(line), "* `%s`:`%s`[%s] - %s C type: `%s`.\n",
				 ad->name, mmt_arg_type_name(ad, MMT_TRACEE_V024),
				 mmt_tags_str(ad->tags, tags, sizeof(tags)), ad->doc, ad->type);
			expect_in_page(page, path, line);
		}
		expect_in_page(page, path, d->ret_doc);
		expect_in_page(page, path, d->description);
		expect_in_page(page, path, d->hook);
		expect_in_page(page, path, d->issues);
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
	expect_tags(MMT_TAG_U | MMT_TAG_OPT, "U,OPT");
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

/* Every argument kind has its operations, and every argument of the table
 * fits its kind's: a payload slot the kind has, the tables a filter names. */
static void test_arg_ops(void **state)
{
	(void)state;
	for (int k = 0; k < MMT_ARG_KIND_COUNT; k++) {
		const struct mmt_arg_ops *o = &mmt_arg_ops[k];

		if (!o->decode || !o->text)
			fail_msg("kind %d has no decode or text operation", k);
		/* what is read from user memory is shown by both outputs */
		if (o->data != MMT_DATA_NONE && (!o->json_extra || !o->table_value))
			fail_msg("kind %d carries data but does not render it", k);
		if ((o->data == MMT_DATA_MASK || o->data == MMT_DATA_ARRAY) != (o->nslots > 0))
			fail_msg("kind %d: payload slots without data, or data without slots", k);
		/* a kind printed as names takes names in filters */
		if (o->filter_tables && !o->json_text && !o->json_name)
			fail_msg("kind %d takes names in filters but prints numbers", k);
	}
	for (int e = 0; e < MMT_EV_COUNT; e++) {
		const struct mmt_event_desc *d = &mmt_events[e];

		for (int a = 0; a < d->nargs; a++) {
			const struct mmt_arg_desc *ad = &d->args[a];
			const struct mmt_arg_ops *o;
			const struct xlat *t[2] = { NULL, NULL };

			assert_true(ad->kind >= 0 && ad->kind < MMT_ARG_KIND_COUNT);
			o = mmt_arg_ops_of(ad);
			if (o->nslots && (ad->payload_slot < 0 || ad->payload_slot >= o->nslots))
				fail_msg("%s.%s: slot %d, its kind has %d", d->name, ad->name,
					 ad->payload_slot, o->nslots);
			if (!o->filter_tables)
				continue;
			assert_true(o->filter_tables(ad, t) >= 1);
			if (!t[0] || !t[0]->n)
				fail_msg("%s.%s: no constants for filters", d->name, ad->name);
		}
	}
}

/*
 * The argument types of Tracee v0.24.1's definitions of these events
 * (pkg/events/core.go; P: trace.Pointer), the JSON output's default. The
 * last three events are not in Tracee: their types follow the same rules.
 */
static void test_tracee_types(void **state)
{
	static const struct {
		enum mmt_event ev;
		const char *types[MMT_MAX_ARGS];
	} want[] = {
		{MMT_EV_BRK, {"P"}},
		{MMT_EV_MMAP, {"P", "uint64", "int32", "int32", "int32", "int64"}},
		{MMT_EV_MUNMAP, {"P", "uint64"}},
		{MMT_EV_MREMAP, {"P", "uint64", "uint64", "int32", "P"}},
		{MMT_EV_MPROTECT, {"P", "uint64", "int32"}},
		{MMT_EV_PKEY_MPROTECT, {"P", "uint64", "int32", "int32"}},
		{MMT_EV_MADVISE, {"P", "uint64", "int32"}},
		{MMT_EV_PROCESS_MADVISE, {"int32", "P", "uint64", "int32", "uint64"}},
		{MMT_EV_MLOCK, {"P", "uint64"}},
		{MMT_EV_MLOCK2, {"P", "uint64", "int32"}},
		{MMT_EV_MUNLOCK, {"P", "uint64"}},
		{MMT_EV_MLOCKALL, {"int32"}},
		{MMT_EV_MUNLOCKALL, {NULL}},
		{MMT_EV_MSYNC, {"P", "uint64", "int32"}},
		{MMT_EV_MINCORE, {"P", "uint64", "P"}},
		{MMT_EV_REMAP_FILE_PAGES, {"P", "uint64", "int32", "uint64", "int32"}},
		{MMT_EV_MBIND, {"P", "uint64", "int32", "P", "uint64", "uint32"}},
		{MMT_EV_SET_MEMPOLICY, {"int32", "P", "uint64"}},
		{MMT_EV_GET_MEMPOLICY, {"P", "P", "uint64", "P", "uint64"}},
		{MMT_EV_SET_MEMPOLICY_HOME_NODE, {"P", "uint64", "uint64", "uint64"}},
		{MMT_EV_MIGRATE_PAGES, {"int32", "uint64", "P", "P"}},
		{MMT_EV_MOVE_PAGES, {"int32", "uint64", "P", "P", "P", "int32"}},
		{MMT_EV_MSEAL, {"P", "uint64", "uint64"}},
		{MMT_EV_MAP_SHADOW_STACK, {"P", "uint64", "uint32"}},
	};

	(void)state;
	assert_int_equal(ARRAY_SIZE(want), MMT_EV_FIRST_KERNEL); /* the syscalls */
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		const struct mmt_event_desc *d = mmt_event_by_id(want[i].ev);

		for (int a = 0; a < MMT_MAX_ARGS; a++) {
			const char *w = want[i].types[a];

			if (a >= d->nargs) {
				assert_null(w);
				continue;
			}
			assert_non_null(w);
			if (!strcmp(w, "P"))
				w = "trace.Pointer";
			if (strcmp(mmt_arg_type_name(&d->args[a], MMT_TRACEE_V024), w))
				fail_msg("%s.%s: %s, want %s", d->name, d->args[a].name,
					 mmt_arg_type_name(&d->args[a], MMT_TRACEE_V024), w);
			/* v0.23: the C type */
			assert_string_equal(mmt_arg_type_name(&d->args[a], MMT_TRACEE_V023),
					    d->args[a].type);
			/* the value's width: the C type's (the kernel's) */
			assert_int_equal(mmt_arg_ctype_jtype(&d->args[a]) == MMT_JT_INT32 ||
						 mmt_arg_ctype_jtype(&d->args[a]) == MMT_JT_UINT32,
					 !strcmp(d->args[a].type, "int") ||
						 !strcmp(d->args[a].type, "unsigned int"));
		}
	}
	assert_null(mmt_jtype_name(MMT_JT_DERIVE));
	assert_null(mmt_jtype_name(MMT_JT_COUNT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_and_ids),
		cmocka_unit_test(test_x_macro_order),
		cmocka_unit_test(test_names_and_numbers),
		cmocka_unit_test(test_selection_numbers),
		cmocka_unit_test(test_by_name),
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_xlat_args),
		cmocka_unit_test(test_user_memory_args),
		cmocka_unit_test(test_payloads),
		cmocka_unit_test(test_nodemask_args),
		cmocka_unit_test(test_array_args),
		cmocka_unit_test(test_out_mode_args),
		cmocka_unit_test(test_migrates_and_target),
		cmocka_unit_test(test_used_if),
		cmocka_unit_test(test_texts),
		cmocka_unit_test(test_doc_pages),
		cmocka_unit_test(test_tags_str),
		cmocka_unit_test(test_arg_ops),
		cmocka_unit_test(test_tracee_types),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
