// SPDX-License-Identifier: GPL-2.0
/*
 * test_mm_decoders.c - the memory family's constant tables (xlat.c) and
 * composite decoders (mm_decoders.c): known values, unknown bits and
 * values, 0, all bits set, garbage above bit 31, truncation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "truncation.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
/* the installed uapi headers, to check the tables' values against */
#include <linux/mman.h>
#include <linux/mempolicy.h>

#include "decoders/mm_decoders.h"
#include "records.h"
#include "text/xlat.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define PROT_ALL "PROT_READ|PROT_WRITE|PROT_EXEC|PROT_SEM|PROT_GROWSDOWN|PROT_GROWSUP"
/* every mmap flag name but MAP_UNINITIALIZED, in table order */
#define MAP_FLAGS_TO_STACK                                                                         \
	"MAP_FIXED|MAP_ANONYMOUS|MAP_32BIT|MAP_ABOVE4G|MAP_GROWSDOWN|MAP_DENYWRITE|"               \
	"MAP_EXECUTABLE|MAP_LOCKED|MAP_NORESERVE|MAP_POPULATE|MAP_NONBLOCK|MAP_STACK"
#define MAP_FLAGS_ALL_HUGE MAP_FLAGS_TO_STACK "|MAP_HUGETLB|MAP_SYNC|MAP_FIXED_NOREPLACE"
#define MAP_FLAGS_ALL_NOHUGE MAP_FLAGS_TO_STACK "|MAP_SYNC|MAP_FIXED_NOREPLACE|MAP_UNINITIALIZED"
#define MPOL_MF_ALL "MPOL_MF_STRICT|MPOL_MF_MOVE|MPOL_MF_MOVE_ALL|MPOL_MF_LAZY"

/* ---- helpers ---- */

/* A decoder under test, bound to one value. */

struct xlat_case {
	const struct xlat *x;
	__u64 val;
	bool value; /* xlat_value(), else xlat_flags() */
};

static size_t do_xlat(const void *arg, char *buf, size_t len)
{
	const struct xlat_case *c = arg;

	return c->value ? xlat_value(c->x, c->val, buf, len) : xlat_flags(c->x, c->val, buf, len);
}

static size_t do_mmap(const void *arg, char *buf, size_t len)
{
	return mmt_decode_mmap_flags(*(const __u64 *)arg, buf, len);
}

/* prot as mmtrace prints it: mprotect's prot argument, through the decoder */
static size_t do_prot(const void *arg, char *buf, size_t len)
{
	struct mmt_record *r = record_new(MMT_EV_MPROTECT);
	struct mmt_decoded_event ev;
	int n;

	assert_non_null(r);
	r->args[2] = *(const __u64 *)arg;
	assert_int_equal(mmt_decode(r, record_len(r), 0, &ev), 0);
	assert_int_equal(ev.args[2].desc->kind, MMT_ARG_FLAGS);
	n = snprintf(buf, len, "%s", ev.args[2].text);
	free(r);
	return n > 0 ? (size_t)n : 0;
}

/* The decoder's text for arg into a buffer of plenty, against want. */
static void check_text(decode_fn fn, const void *arg, const char *want)
{
	char buf[512];

	memset(buf, 'X', sizeof(buf));
	if (fn(arg, buf, sizeof(buf)) != strlen(want) || strcmp(buf, want))
		fail_msg("got \"%s\", want \"%s\"", buf, want);
}

static void check_flags(const struct xlat *x, __u64 val, const char *want)
{
	struct xlat_case c = {x, val, false};

	check_text(do_xlat, &c, want);
}

static void check_value(const struct xlat *x, __u64 val, const char *want)
{
	struct xlat_case c = {x, val, true};

	check_text(do_xlat, &c, want);
}

static void check_mmap(__u64 flags, const char *want)
{
	check_text(do_mmap, &flags, want);
}

static void check_prot(__u64 prot, const char *want)
{
	check_text(do_prot, &prot, want);
}

/* ---- the tables themselves ---- */

static const struct xlat *const bit_tables[] = {
	&prot_flags,	 &mmap_flags,	&mpol_mf_flags, &get_mempolicy_flags,
	&mlockall_flags, &mlock2_flags, &msync_flags,	&shadow_stack_flags,
};

static const struct xlat *const value_tables[] = {
	&mmap_types,
	&madvise_advice,
};

static void test_table_shapes(void **state)
{
	(void)state;
	assert_int_equal(prot_flags.n, 6);
	assert_int_equal(mmap_types.n, 4);
	assert_int_equal(mmap_flags.n, 16);
	assert_int_equal(madvise_advice.n, 27);
	assert_int_equal(mpol_mf_flags.n, 4);
	assert_int_equal(get_mempolicy_flags.n, 3);
	assert_int_equal(mlockall_flags.n, 3);
	assert_int_equal(mlock2_flags.n, 1);
	assert_int_equal(msync_flags.n, 3);
	assert_int_equal(shadow_stack_flags.n, 2);

	/* a bit table: one distinct bit per entry, never 0 */
	for (size_t t = 0; t < ARRAY_SIZE(bit_tables); t++) {
		const struct xlat *x = bit_tables[t];
		__u64 seen = 0;

		for (size_t i = 0; i < x->n; i++) {
			__u64 v = x->e[i].val;

			assert_non_null(x->e[i].name);
			assert_true(v && !(v & (v - 1)));
			assert_false(seen & v);
			seen |= v;
		}
	}
	/* a value table: no value twice, no name twice */
	for (size_t t = 0; t < ARRAY_SIZE(value_tables); t++) {
		const struct xlat *x = value_tables[t];

		for (size_t i = 0; i < x->n; i++)
			for (size_t j = i + 1; j < x->n; j++) {
				assert_false(x->e[i].val == x->e[j].val);
				assert_string_not_equal(x->e[i].name, x->e[j].name);
			}
	}
	/* the types all fit MAP_TYPE; no flag bit overlaps it */
	for (size_t i = 0; i < mmap_types.n; i++)
		assert_int_equal(mmap_types.e[i].val & ~(__u64)MMT_MAP_TYPE, 0);
	for (size_t i = 0; i < mmap_flags.n; i++)
		assert_int_equal(mmap_flags.e[i].val & MMT_MAP_TYPE, 0);
}

static void test_table_headers(void **state)
{
	(void)state;
	assert_string_equal(prot_flags.header, "include/uapi/asm-generic/mman-common.h");
	assert_string_equal(mmap_types.header, "include/uapi/linux/mman.h");
	assert_non_null(strstr(mmap_flags.header, "include/uapi/asm-generic/mman-common.h"));
	assert_non_null(strstr(mmap_flags.header, "include/uapi/asm-generic/mman.h"));
	assert_non_null(strstr(mmap_flags.header, "arch/x86/include/uapi/asm/mman.h"));
	assert_string_equal(madvise_advice.header, "include/uapi/asm-generic/mman-common.h");
	assert_string_equal(mpol_mf_flags.header, "include/uapi/linux/mempolicy.h");
	assert_string_equal(get_mempolicy_flags.header, "include/uapi/linux/mempolicy.h");
	assert_string_equal(mlockall_flags.header, "include/uapi/asm-generic/mman.h");
	assert_string_equal(mlock2_flags.header, "include/uapi/asm-generic/mman-common.h");
	assert_string_equal(msync_flags.header, "include/uapi/asm-generic/mman-common.h");
	assert_string_equal(shadow_stack_flags.header, "include/uapi/asm-generic/mman.h");
}

static void test_table_zero_names(void **state)
{
	(void)state;
	assert_string_equal(prot_flags.zero, "PROT_NONE");
	for (size_t t = 0; t < ARRAY_SIZE(bit_tables); t++)
		if (bit_tables[t] != &prot_flags)
			assert_null(bit_tables[t]->zero);
	/* the tables that were there before have none either */
	assert_null(mremap_flags.zero);
	assert_null(mpol_modes.zero);
	assert_null(mpol_mode_flags.zero);
}

/* name has value val in table x: the uapi macro's own name and value */
#define HAS(x, c) has_entry(&(x), (c), #c)

static void has_entry(const struct xlat *x, __u64 val, const char *name)
{
	const char *got = xlat_name(x, val);

	if (!got || strcmp(got, name))
		fail_msg("%s (%#llx): table says %s", name, (unsigned long long)val,
			 got ? got : "nothing");
}

/*
 * Every constant the installed uapi headers (linux-libc-dev) have, by the
 * header's own macro; the newer ones by the 6.18 values, and by the macro
 * too when the installed headers are new enough to have it.
 */
static void test_table_uapi_values(void **state)
{
	(void)state;
	HAS(prot_flags, PROT_READ);
	HAS(prot_flags, PROT_WRITE);
	HAS(prot_flags, PROT_EXEC);
	HAS(prot_flags, PROT_SEM);
	HAS(prot_flags, PROT_GROWSDOWN);
	HAS(prot_flags, PROT_GROWSUP);
	assert_int_equal(PROT_NONE, 0);

	HAS(mmap_types, MAP_SHARED);
	HAS(mmap_types, MAP_PRIVATE);
	HAS(mmap_types, MAP_SHARED_VALIDATE);
	has_entry(&mmap_types, 0x08, "MAP_DROPPABLE");
#ifdef MAP_DROPPABLE
	HAS(mmap_types, MAP_DROPPABLE);
#endif
	assert_int_equal(MAP_TYPE, MMT_MAP_TYPE);

	HAS(mmap_flags, MAP_FIXED);
	HAS(mmap_flags, MAP_ANONYMOUS);
	HAS(mmap_flags, MAP_32BIT);
	has_entry(&mmap_flags, 0x80, "MAP_ABOVE4G");
#ifdef MAP_ABOVE4G
	HAS(mmap_flags, MAP_ABOVE4G);
#endif
	HAS(mmap_flags, MAP_GROWSDOWN);
	HAS(mmap_flags, MAP_DENYWRITE);
	HAS(mmap_flags, MAP_EXECUTABLE);
	HAS(mmap_flags, MAP_LOCKED);
	HAS(mmap_flags, MAP_NORESERVE);
	HAS(mmap_flags, MAP_POPULATE);
	HAS(mmap_flags, MAP_NONBLOCK);
	HAS(mmap_flags, MAP_STACK);
	HAS(mmap_flags, MAP_HUGETLB);
	HAS(mmap_flags, MAP_SYNC);
	HAS(mmap_flags, MAP_FIXED_NOREPLACE);
	HAS(mmap_flags, MAP_UNINITIALIZED);
	assert_int_equal(MAP_HUGETLB, MMT_MAP_HUGETLB);
	assert_int_equal(MAP_HUGE_SHIFT, MMT_MAP_HUGE_SHIFT);
	assert_int_equal(MAP_HUGE_MASK, MMT_MAP_HUGE_MASK);

	HAS(madvise_advice, MADV_NORMAL);
	HAS(madvise_advice, MADV_RANDOM);
	HAS(madvise_advice, MADV_SEQUENTIAL);
	HAS(madvise_advice, MADV_WILLNEED);
	HAS(madvise_advice, MADV_DONTNEED);
	HAS(madvise_advice, MADV_FREE);
	HAS(madvise_advice, MADV_REMOVE);
	HAS(madvise_advice, MADV_DONTFORK);
	HAS(madvise_advice, MADV_DOFORK);
	HAS(madvise_advice, MADV_MERGEABLE);
	HAS(madvise_advice, MADV_UNMERGEABLE);
	HAS(madvise_advice, MADV_HUGEPAGE);
	HAS(madvise_advice, MADV_NOHUGEPAGE);
	HAS(madvise_advice, MADV_DONTDUMP);
	HAS(madvise_advice, MADV_DODUMP);
	HAS(madvise_advice, MADV_WIPEONFORK);
	HAS(madvise_advice, MADV_KEEPONFORK);
	HAS(madvise_advice, MADV_COLD);
	HAS(madvise_advice, MADV_PAGEOUT);
	HAS(madvise_advice, MADV_POPULATE_READ);
	HAS(madvise_advice, MADV_POPULATE_WRITE);
	HAS(madvise_advice, MADV_DONTNEED_LOCKED);
	HAS(madvise_advice, MADV_COLLAPSE);
	HAS(madvise_advice, MADV_HWPOISON);
	HAS(madvise_advice, MADV_SOFT_OFFLINE);
	has_entry(&madvise_advice, 102, "MADV_GUARD_INSTALL");
	has_entry(&madvise_advice, 103, "MADV_GUARD_REMOVE");
#ifdef MADV_GUARD_INSTALL
	HAS(madvise_advice, MADV_GUARD_INSTALL);
	HAS(madvise_advice, MADV_GUARD_REMOVE);
#endif

	HAS(mpol_mf_flags, MPOL_MF_STRICT);
	HAS(mpol_mf_flags, MPOL_MF_MOVE);
	HAS(mpol_mf_flags, MPOL_MF_MOVE_ALL);
	HAS(mpol_mf_flags, MPOL_MF_LAZY);

	HAS(get_mempolicy_flags, MPOL_F_NODE);
	HAS(get_mempolicy_flags, MPOL_F_ADDR);
	HAS(get_mempolicy_flags, MPOL_F_MEMS_ALLOWED);

	HAS(mlockall_flags, MCL_CURRENT);
	HAS(mlockall_flags, MCL_FUTURE);
	HAS(mlockall_flags, MCL_ONFAULT);

	HAS(mlock2_flags, MLOCK_ONFAULT);

	HAS(msync_flags, MS_ASYNC);
	HAS(msync_flags, MS_INVALIDATE);
	HAS(msync_flags, MS_SYNC);

	has_entry(&shadow_stack_flags, 1, "SHADOW_STACK_SET_TOKEN");
	has_entry(&shadow_stack_flags, 2, "SHADOW_STACK_SET_MARKER");
#ifdef SHADOW_STACK_SET_TOKEN
	HAS(shadow_stack_flags, SHADOW_STACK_SET_TOKEN);
#endif
#ifdef SHADOW_STACK_SET_MARKER
	HAS(shadow_stack_flags, SHADOW_STACK_SET_MARKER);
#endif
}

/* ---- the zero member of xlat_flags ---- */

static void test_xlat_zero(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(xlat_flags(&prot_flags, 0, buf, sizeof(buf)), strlen("PROT_NONE"));
	assert_string_equal(buf, "PROT_NONE");
	assert_int_equal(xlat_flags(&prot_flags, 0, NULL, 0), strlen("PROT_NONE"));
	/* tables without a zero name still print "0" */
	assert_int_equal(xlat_flags(&msync_flags, 0, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "0");
	assert_int_equal(xlat_flags(&mremap_flags, 0, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "0");
	/* zero is for bit tables: a value of 0 is looked up as any other */
	assert_int_equal(xlat_value(&madvise_advice, 0, buf, sizeof(buf)), strlen("MADV_NORMAL"));
	assert_string_equal(buf, "MADV_NORMAL");
	assert_int_equal(xlat_value(&mmap_types, 0, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "0");
}

/* ---- prot ---- */

static void test_prot(void **state)
{
	(void)state;
	check_prot(0, "PROT_NONE");
	check_prot(PROT_READ, "PROT_READ");
	check_prot(PROT_WRITE, "PROT_WRITE");
	check_prot(PROT_READ | PROT_WRITE, "PROT_READ|PROT_WRITE");
	check_prot(PROT_READ | PROT_EXEC, "PROT_READ|PROT_EXEC");
	check_prot(PROT_EXEC | PROT_READ | PROT_WRITE, "PROT_READ|PROT_WRITE|PROT_EXEC");
	check_prot(PROT_SEM, "PROT_SEM");
	check_prot(PROT_READ | PROT_GROWSDOWN, "PROT_READ|PROT_GROWSDOWN");
	check_prot(PROT_GROWSUP, "PROT_GROWSUP");
	/* arch-specific bits x86 does not have (PROT_BTI, PROT_MTE on arm64) */
	check_prot(0x10, "0x10");
	check_prot(PROT_READ | 0x20, "PROT_READ|0x20");
	check_prot(0x0f | 0x03000000, PROT_ALL);
	/* -1, all bits */
	check_prot(~0ULL, PROT_ALL "|0xfffffffffcfffff0");
	check_prot(0xffffffffULL, PROT_ALL "|0xfcfffff0");
	/* garbage above bit 31 */
	check_prot(1ULL << 32, "0x100000000");
	check_prot(0xffffffff00000000ULL | PROT_READ, "PROT_READ|0xffffffff00000000");
}

/* prot_flags, the table prot's kind prints with, into short buffers */
static void test_prot_truncation(void **state)
{
	static const struct xlat_case cases[] = {
		{&prot_flags, 0, false},
		{&prot_flags, PROT_READ, false},
		{&prot_flags, PROT_READ | PROT_WRITE | 0x10, false},
		{&prot_flags, ~0ULL, false},
	};
	static const char *const texts[] = {
		"PROT_NONE",
		"PROT_READ",
		"PROT_READ|PROT_WRITE|0x10",
		PROT_ALL "|0xfffffffffcfffff0",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		check_truncation(do_xlat, &cases[i], texts[i]);
}

/* ---- mmap flags ---- */

static void test_mmap_types(void **state)
{
	(void)state;
	check_mmap(MAP_SHARED, "MAP_SHARED");
	check_mmap(MAP_PRIVATE, "MAP_PRIVATE");
	check_mmap(MAP_SHARED_VALIDATE, "MAP_SHARED_VALIDATE");
	check_mmap(0x08, "MAP_DROPPABLE");
	check_mmap(0x08 | MAP_ANONYMOUS, "MAP_DROPPABLE|MAP_ANONYMOUS");
	/* no type, unknown types: the type in hex, 0 too */
	check_mmap(0, "0");
	check_mmap(MAP_ANONYMOUS, "0|MAP_ANONYMOUS");
	check_mmap(0x4, "0x4");
	check_mmap(0x7 | MAP_ANONYMOUS, "0x7|MAP_ANONYMOUS");
	check_mmap(0x9, "0x9");
	check_mmap(0xf | MAP_FIXED, "0xf|MAP_FIXED");
	check_mmap(0xf, "0xf");
}

static void test_mmap_flags(void **state)
{
	(void)state;
	check_mmap(MAP_PRIVATE | MAP_ANONYMOUS, "MAP_PRIVATE|MAP_ANONYMOUS");
	check_mmap(MAP_SHARED | MAP_FIXED, "MAP_SHARED|MAP_FIXED");
	check_mmap(MAP_SHARED_VALIDATE | MAP_SYNC, "MAP_SHARED_VALIDATE|MAP_SYNC");
	check_mmap(MAP_PRIVATE | MAP_FIXED_NOREPLACE | MAP_ANONYMOUS,
		   "MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE");
	/* glibc's thread stacks */
	check_mmap(MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, "MAP_PRIVATE|MAP_ANONYMOUS|MAP_STACK");
	/* ld.so mapping a library */
	check_mmap(MAP_PRIVATE | MAP_FIXED | MAP_DENYWRITE, "MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE");
	check_mmap(MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, "MAP_PRIVATE|MAP_ANONYMOUS|MAP_32BIT");
	check_mmap(MAP_PRIVATE | MAP_ANONYMOUS | 0x80, "MAP_PRIVATE|MAP_ANONYMOUS|MAP_ABOVE4G");
	check_mmap(MAP_SHARED | MAP_LOCKED | MAP_POPULATE | MAP_NORESERVE,
		   "MAP_SHARED|MAP_LOCKED|MAP_NORESERVE|MAP_POPULATE");
	check_mmap(MAP_PRIVATE | MAP_GROWSDOWN | MAP_EXECUTABLE | MAP_NONBLOCK,
		   "MAP_PRIVATE|MAP_GROWSDOWN|MAP_EXECUTABLE|MAP_NONBLOCK");
	/* MAP_HUGETLB with the default size: no size printed */
	check_mmap(MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB,
		   "MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB");
	/* every flag bit by itself */
	for (size_t i = 0; i < mmap_flags.n; i++) {
		char want[64];

		snprintf(want, sizeof(want), "MAP_SHARED|%s", mmap_flags.e[i].name);
		check_mmap(MAP_SHARED | mmap_flags.e[i].val, want);
	}
	/* unknown bits: 0x200, 0x400 and 0x200000 .. 0x2000000 */
	check_mmap(MAP_PRIVATE | 0x200, "MAP_PRIVATE|0x200");
	check_mmap(MAP_PRIVATE | MAP_ANONYMOUS | 0x400, "MAP_PRIVATE|MAP_ANONYMOUS|0x400");
	check_mmap(MAP_SHARED | 0x200000, "MAP_SHARED|0x200000");
	check_mmap(MAP_SHARED | MAP_FIXED | 0x3e00600, "MAP_SHARED|MAP_FIXED|0x3e00600");
	check_mmap(0xf | 0x200, "0xf|0x200");
}

static void test_mmap_huge_sizes(void **state)
{
	static const struct {
		__u64 size;
		const char *name;
	} sizes[] = {
		/* every size include/uapi/linux/mman.h names */
		{MAP_HUGE_16KB, "MAP_HUGE_16KB"},
		{MAP_HUGE_64KB, "MAP_HUGE_64KB"},
		{MAP_HUGE_512KB, "MAP_HUGE_512KB"},
		{MAP_HUGE_1MB, "MAP_HUGE_1MB"},
		{MAP_HUGE_2MB, "MAP_HUGE_2MB"},
		{MAP_HUGE_8MB, "MAP_HUGE_8MB"},
		{MAP_HUGE_16MB, "MAP_HUGE_16MB"},
		{MAP_HUGE_32MB, "MAP_HUGE_32MB"},
		{MAP_HUGE_256MB, "MAP_HUGE_256MB"},
		{MAP_HUGE_512MB, "MAP_HUGE_512MB"},
		{MAP_HUGE_1GB, "MAP_HUGE_1GB"},
		{MAP_HUGE_2GB, "MAP_HUGE_2GB"},
		{MAP_HUGE_16GB, "MAP_HUGE_16GB"},
		/* sizes it does not name, by the same rule */
		{1ULL << 26, "MAP_HUGE_2B"},
		{9ULL << 26, "MAP_HUGE_512B"},
		{10ULL << 26, "MAP_HUGE_1KB"},
		{12ULL << 26, "MAP_HUGE_4KB"},
		{22ULL << 26, "MAP_HUGE_4MB"},
		{39ULL << 26, "MAP_HUGE_512GB"},
		{40ULL << 26, "MAP_HUGE_1TB"},
		{50ULL << 26, "MAP_HUGE_1PB"},
		{60ULL << 26, "MAP_HUGE_1EB"},
		{63ULL << 26, "MAP_HUGE_8EB"},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		char want[96];

		snprintf(want, sizeof(want), "MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|%s",
			 sizes[i].name);
		check_mmap(MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | sizes[i].size, want);
	}
	/* the size comes after all flag names, before unknown bits */
	check_mmap(MAP_SHARED | MAP_HUGETLB | MAP_HUGE_1GB | MAP_POPULATE | MAP_FIXED_NOREPLACE |
			   0x200,
		   "MAP_SHARED|MAP_POPULATE|MAP_HUGETLB|MAP_FIXED_NOREPLACE|MAP_HUGE_1GB|0x200");
	check_mmap(0xf | MAP_HUGETLB | MAP_HUGE_2MB, "0xf|MAP_HUGETLB|MAP_HUGE_2MB");
}

static void test_mmap_bit26_without_hugetlb(void **state)
{
	(void)state;
	/* bit 26 is MAP_UNINITIALIZED unless MAP_HUGETLB makes it a size bit */
	check_mmap(MAP_PRIVATE | MAP_ANONYMOUS | MAP_UNINITIALIZED,
		   "MAP_PRIVATE|MAP_ANONYMOUS|MAP_UNINITIALIZED");
	check_mmap(MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_UNINITIALIZED,
		   "MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|MAP_HUGE_2B");
	/* a size without MAP_HUGETLB is no size: bit 26 and unknown bits */
	check_mmap(MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGE_2MB,
		   "MAP_PRIVATE|MAP_ANONYMOUS|MAP_UNINITIALIZED|0x50000000");
	check_mmap(MAP_PRIVATE | MAP_HUGE_1GB, "MAP_PRIVATE|0x78000000");
	check_mmap(MAP_SHARED | (0x3fULL << 26), "MAP_SHARED|MAP_UNINITIALIZED|0xf8000000");
	check_mmap(MAP_SHARED | (0x3eULL << 26), "MAP_SHARED|0xf8000000");
}

static void test_mmap_all_bits(void **state)
{
	(void)state;
	/* -1: every name, size field 63, everything else unknown */
	check_mmap(~0ULL, "0xf|" MAP_FLAGS_ALL_HUGE "|MAP_HUGE_8EB|0xffffffff03e00600");
	check_mmap((__u64)(__s64)-1, "0xf|" MAP_FLAGS_ALL_HUGE "|MAP_HUGE_8EB|0xffffffff03e00600");
	check_mmap(0xffffffffULL, "0xf|" MAP_FLAGS_ALL_HUGE "|MAP_HUGE_8EB|0x3e00600");
	/* all but MAP_HUGETLB: bit 26 is a flag again */
	check_mmap(~(__u64)MAP_HUGETLB, "0xf|" MAP_FLAGS_ALL_NOHUGE "|0xfffffffffbe00600");
}

static void test_mmap_upper_garbage(void **state)
{
	(void)state;
	/* the kernel takes an unsigned long: bits above 31 are shown, not dropped */
	check_mmap(MAP_PRIVATE | MAP_ANONYMOUS | 0xdead000000000000ULL,
		   "MAP_PRIVATE|MAP_ANONYMOUS|0xdead000000000000");
	check_mmap(1ULL << 32, "0|0x100000000");
	check_mmap(MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_2MB | 1ULL << 32,
		   "MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|MAP_HUGE_2MB|0x100000000");
	/* the size field is bits 26..31 only, not the 0x3f above it */
	check_mmap(MAP_SHARED | MAP_HUGETLB | (0x3fULL << 32),
		   "MAP_SHARED|MAP_HUGETLB|0x3f00000000");
	/* the type is the low 4 bits only: upper bits never make it unknown */
	check_mmap(MAP_SHARED_VALIDATE | 0xf0000000000ULL, "MAP_SHARED_VALIDATE|0xf0000000000");
}

static void test_mmap_truncation(void **state)
{
	static const __u64 cases[] = {
		0,
		MAP_SHARED,
		0xf | MAP_FIXED,
		MAP_PRIVATE | MAP_ANONYMOUS,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_2MB,
		MAP_SHARED | MAP_HUGETLB | MAP_HUGE_1GB | 0x200,
		MAP_PRIVATE | 0x400,
		~0ULL,
	};
	static const char *const texts[] = {
		"0",
		"MAP_SHARED",
		"0xf|MAP_FIXED",
		"MAP_PRIVATE|MAP_ANONYMOUS",
		"MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|MAP_HUGE_2MB",
		"MAP_SHARED|MAP_HUGETLB|MAP_HUGE_1GB|0x200",
		"MAP_PRIVATE|0x400",
		"0xf|" MAP_FLAGS_ALL_HUGE "|MAP_HUGE_8EB|0xffffffff03e00600",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		check_truncation(do_mmap, &cases[i], texts[i]);
}

/* ---- madvise advice ---- */

static void test_madvise(void **state)
{
	(void)state;
	check_value(&madvise_advice, MADV_NORMAL, "MADV_NORMAL");
	check_value(&madvise_advice, MADV_DONTNEED, "MADV_DONTNEED");
	check_value(&madvise_advice, MADV_FREE, "MADV_FREE");
	check_value(&madvise_advice, MADV_WIPEONFORK, "MADV_WIPEONFORK");
	check_value(&madvise_advice, MADV_PAGEOUT, "MADV_PAGEOUT");
	check_value(&madvise_advice, 22, "MADV_POPULATE_READ");
	check_value(&madvise_advice, 23, "MADV_POPULATE_WRITE");
	check_value(&madvise_advice, 24, "MADV_DONTNEED_LOCKED");
	check_value(&madvise_advice, 25, "MADV_COLLAPSE");
	check_value(&madvise_advice, 100, "MADV_HWPOISON");
	check_value(&madvise_advice, 101, "MADV_SOFT_OFFLINE");
	check_value(&madvise_advice, 102, "MADV_GUARD_INSTALL");
	check_value(&madvise_advice, 103, "MADV_GUARD_REMOVE");
	/* the holes and the ends */
	check_value(&madvise_advice, 5, "0x5");
	check_value(&madvise_advice, 6, "0x6");
	check_value(&madvise_advice, 7, "0x7");
	check_value(&madvise_advice, 26, "0x1a");
	check_value(&madvise_advice, 99, "0x63");
	check_value(&madvise_advice, 104, "0x68");
	/* -1 as int and as long; no wrap of the upper half onto a name */
	check_value(&madvise_advice, 0xffffffffULL, "0xffffffff");
	check_value(&madvise_advice, ~0ULL, "0xffffffffffffffff");
	check_value(&madvise_advice, 1ULL << 32 | MADV_DONTNEED, "0x100000004");
}

/* ---- the bit tables ---- */

static size_t do_map_bits(const void *arg, char *buf, size_t len)
{
	return mmt_decode_map_bits(*(const __u64 *)arg, buf, len);
}

/* remap_file_pages: mmap's flag bits, no type field */
static void test_map_bits(void **state)
{
	static const __u64 cases[] = {
		0,
		MAP_NONBLOCK,
		MAP_SHARED | MAP_NONBLOCK,
		MAP_HUGETLB | MAP_HUGE_2MB,
		MAP_HUGETLB | (1ULL << 26),
		1ULL << 26,
		1ULL << 40,
	};
	static const char *const texts[] = {
		"0",
		"MAP_NONBLOCK",
		"MAP_NONBLOCK|0x1",
		"MAP_HUGETLB|MAP_HUGE_2MB",
		"MAP_HUGETLB|MAP_HUGE_2B", /* bit 26 is the size field's 1 */
		"MAP_UNINITIALIZED",
		"0x10000000000",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		check_truncation(do_map_bits, &cases[i], texts[i]);
}

/* move_pages takes MPOL_MF_MOVE and MPOL_MF_MOVE_ALL only */
static void test_move_pages_flags(void **state)
{
	(void)state;
	check_flags(&move_pages_flags, 0, "0");
	check_flags(&move_pages_flags, MPOL_MF_MOVE, "MPOL_MF_MOVE");
	check_flags(&move_pages_flags, MPOL_MF_MOVE | MPOL_MF_MOVE_ALL,
		    "MPOL_MF_MOVE|MPOL_MF_MOVE_ALL");
	check_flags(&move_pages_flags, MPOL_MF_STRICT | MPOL_MF_MOVE, "MPOL_MF_MOVE|0x1");
	check_flags(&move_pages_flags, MPOL_MF_LAZY, "0x8");
}

static void test_mpol_mf_flags(void **state)
{
	(void)state;
	check_flags(&mpol_mf_flags, 0, "0");
	check_flags(&mpol_mf_flags, MPOL_MF_STRICT, "MPOL_MF_STRICT");
	check_flags(&mpol_mf_flags, MPOL_MF_MOVE, "MPOL_MF_MOVE");
	check_flags(&mpol_mf_flags, MPOL_MF_MOVE_ALL, "MPOL_MF_MOVE_ALL");
	check_flags(&mpol_mf_flags, MPOL_MF_STRICT | MPOL_MF_MOVE, "MPOL_MF_STRICT|MPOL_MF_MOVE");
	check_flags(&mpol_mf_flags, MPOL_MF_LAZY | MPOL_MF_MOVE, "MPOL_MF_MOVE|MPOL_MF_LAZY");
	check_flags(&mpol_mf_flags, 0x10, "0x10"); /* MPOL_MF_INTERNAL: not for users */
	check_flags(&mpol_mf_flags, 0x12, "MPOL_MF_MOVE|0x10");
	check_flags(&mpol_mf_flags, ~0ULL, MPOL_MF_ALL "|0xfffffffffffffff0");
	check_flags(&mpol_mf_flags, 0xffffffffULL, MPOL_MF_ALL "|0xfffffff0");
	check_flags(&mpol_mf_flags, 1ULL << 40 | MPOL_MF_MOVE, "MPOL_MF_MOVE|0x10000000000");
}

static void test_get_mempolicy_flags(void **state)
{
	(void)state;
	check_flags(&get_mempolicy_flags, 0, "0");
	check_flags(&get_mempolicy_flags, MPOL_F_NODE, "MPOL_F_NODE");
	check_flags(&get_mempolicy_flags, MPOL_F_ADDR, "MPOL_F_ADDR");
	check_flags(&get_mempolicy_flags, MPOL_F_NODE | MPOL_F_ADDR, "MPOL_F_NODE|MPOL_F_ADDR");
	check_flags(&get_mempolicy_flags, MPOL_F_MEMS_ALLOWED, "MPOL_F_MEMS_ALLOWED");
	check_flags(&get_mempolicy_flags, 8, "0x8");
	check_flags(&get_mempolicy_flags, ~0ULL,
		    "MPOL_F_NODE|MPOL_F_ADDR|MPOL_F_MEMS_ALLOWED|0xfffffffffffffff8");
	check_flags(&get_mempolicy_flags, 0x8000000000000002ULL, "MPOL_F_ADDR|0x8000000000000000");
}

static void test_mlockall_flags(void **state)
{
	(void)state;
	check_flags(&mlockall_flags, 0, "0");
	check_flags(&mlockall_flags, MCL_CURRENT, "MCL_CURRENT");
	check_flags(&mlockall_flags, MCL_CURRENT | MCL_FUTURE, "MCL_CURRENT|MCL_FUTURE");
	check_flags(&mlockall_flags, MCL_FUTURE | MCL_ONFAULT, "MCL_FUTURE|MCL_ONFAULT");
	check_flags(&mlockall_flags, 8, "0x8");
	check_flags(&mlockall_flags, ~0ULL,
		    "MCL_CURRENT|MCL_FUTURE|MCL_ONFAULT|0xfffffffffffffff8");
	check_flags(&mlockall_flags, 1ULL << 32 | MCL_CURRENT, "MCL_CURRENT|0x100000000");
}

static void test_mlock2_flags(void **state)
{
	(void)state;
	check_flags(&mlock2_flags, 0, "0");
	check_flags(&mlock2_flags, MLOCK_ONFAULT, "MLOCK_ONFAULT");
	check_flags(&mlock2_flags, 2, "0x2");
	check_flags(&mlock2_flags, 3, "MLOCK_ONFAULT|0x2");
	check_flags(&mlock2_flags, ~0ULL, "MLOCK_ONFAULT|0xfffffffffffffffe");
	check_flags(&mlock2_flags, 0xffffffff00000000ULL, "0xffffffff00000000");
}

static void test_msync_flags(void **state)
{
	(void)state;
	check_flags(&msync_flags, 0, "0");
	check_flags(&msync_flags, MS_ASYNC, "MS_ASYNC");
	check_flags(&msync_flags, MS_SYNC, "MS_SYNC");
	check_flags(&msync_flags, MS_SYNC | MS_INVALIDATE, "MS_INVALIDATE|MS_SYNC");
	check_flags(&msync_flags, MS_ASYNC | MS_SYNC, "MS_ASYNC|MS_SYNC"); /* EINVAL, but shown */
	check_flags(&msync_flags, 8, "0x8");
	check_flags(&msync_flags, ~0ULL, "MS_ASYNC|MS_INVALIDATE|MS_SYNC|0xfffffffffffffff8");
	check_flags(&msync_flags, 1ULL << 63 | MS_ASYNC, "MS_ASYNC|0x8000000000000000");
}

static void test_shadow_stack_flags(void **state)
{
	(void)state;
	check_flags(&shadow_stack_flags, 0, "0");
	check_flags(&shadow_stack_flags, 1, "SHADOW_STACK_SET_TOKEN");
	check_flags(&shadow_stack_flags, 2, "SHADOW_STACK_SET_MARKER");
	check_flags(&shadow_stack_flags, 3, "SHADOW_STACK_SET_TOKEN|SHADOW_STACK_SET_MARKER");
	check_flags(&shadow_stack_flags, 4, "0x4");
	check_flags(&shadow_stack_flags, 5, "SHADOW_STACK_SET_TOKEN|0x4");
	check_flags(&shadow_stack_flags, 0xffffffffULL,
		    "SHADOW_STACK_SET_TOKEN|SHADOW_STACK_SET_MARKER|0xfffffffc");
	check_flags(&shadow_stack_flags, ~0ULL,
		    "SHADOW_STACK_SET_TOKEN|SHADOW_STACK_SET_MARKER|0xfffffffffffffffc");
	check_flags(&shadow_stack_flags, 1ULL << 33, "0x200000000");
}

/* remap_file_pages' flags: the mmap bits without a type */
static void test_remap_file_pages_flags(void **state)
{
	(void)state;
	check_flags(&mmap_flags, 0, "0");
	check_flags(&mmap_flags, MAP_NONBLOCK, "MAP_NONBLOCK");
	check_flags(&mmap_flags, MAP_NONBLOCK | MAP_PRIVATE, "MAP_NONBLOCK|0x2");
}

static void test_xlat_truncation(void **state)
{
	static const struct {
		struct xlat_case c;
		const char *text;
	} cases[] = {
		{{&madvise_advice, 102, true}, "MADV_GUARD_INSTALL"},
		{{&madvise_advice, 5, true}, "0x5"},
		{{&madvise_advice, ~0ULL, true}, "0xffffffffffffffff"},
		{{&msync_flags, 0, false}, "0"},
		{{&msync_flags, MS_SYNC | MS_INVALIDATE, false}, "MS_INVALIDATE|MS_SYNC"},
		{{&mpol_mf_flags, ~0ULL, false}, MPOL_MF_ALL "|0xfffffffffffffff0"},
		{{&shadow_stack_flags, 5, false}, "SHADOW_STACK_SET_TOKEN|0x4"},
		{{&prot_flags, 0, false}, "PROT_NONE"},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		check_truncation(do_xlat, &cases[i].c, cases[i].text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_shapes),
		cmocka_unit_test(test_table_headers),
		cmocka_unit_test(test_table_zero_names),
		cmocka_unit_test(test_table_uapi_values),
		cmocka_unit_test(test_xlat_zero),
		cmocka_unit_test(test_prot),
		cmocka_unit_test(test_prot_truncation),
		cmocka_unit_test(test_mmap_types),
		cmocka_unit_test(test_mmap_flags),
		cmocka_unit_test(test_mmap_huge_sizes),
		cmocka_unit_test(test_mmap_bit26_without_hugetlb),
		cmocka_unit_test(test_mmap_all_bits),
		cmocka_unit_test(test_mmap_upper_garbage),
		cmocka_unit_test(test_mmap_truncation),
		cmocka_unit_test(test_madvise),
		cmocka_unit_test(test_mpol_mf_flags),
		cmocka_unit_test(test_map_bits),
		cmocka_unit_test(test_move_pages_flags),
		cmocka_unit_test(test_get_mempolicy_flags),
		cmocka_unit_test(test_mlockall_flags),
		cmocka_unit_test(test_mlock2_flags),
		cmocka_unit_test(test_msync_flags),
		cmocka_unit_test(test_shadow_stack_flags),
		cmocka_unit_test(test_remap_file_pages_flags),
		cmocka_unit_test(test_xlat_truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
