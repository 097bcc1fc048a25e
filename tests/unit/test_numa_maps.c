// SPDX-License-Identifier: GPL-2.0
/*
 * test_numa_maps.c - the numa_maps parser on text captured on a 6.18 host
 * (one node) and on hand-written multi-node, hugetlb and broken lines; the
 * bounded read of the file on this process.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "placement/numa_maps.h"

static struct mmt_placement *parse(const char *text, size_t len)
{
	struct mmt_placement *p = malloc(sizeof(*p));

	assert_non_null(p);
	mmt_placement_clear(p);
	mmt_numa_maps_parse(text, len, 4, p);
	return p;
}

/* `cat /proc/self/numa_maps` on this host, lines kept as they were. */
static const char host_cat[] =
	"55d27f233000 default file=/usr/bin/cat mapped=2 N0=2 kernelpagesize_kB=4\n"
	"55d27f235000 default file=/usr/bin/cat mapped=5 N0=5 kernelpagesize_kB=4\n"
	"55d27f23d000 default file=/usr/bin/cat anon=1 dirty=1 active=0 N0=1 kernelpagesize_kB=4\n"
	"55d2b29e6000 default heap anon=4 dirty=4 active=0 N0=4 kernelpagesize_kB=4\n"
	"7f193e49d000 default anon=1 dirty=1 active=0 N0=1 kernelpagesize_kB=4\n"
	"7f193e4bf000 default file=/usr/lib/locale/C.utf8/LC_CTYPE mapped=32 mapmax=30 N0=32 "
	"kernelpagesize_kB=4\n"
	"7f193e545000 default file=/usr/lib/x86_64-linux-gnu/libc.so.6 mapped=203 mapmax=33 N0=203 "
	"kernelpagesize_kB=4\n"
	"7f10c5fcd000 default\n"
	"7f10c5fd1000 default\n"
	"7f10c6006000 default file=/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 anon=2 dirty=2 "
	"active=0 N0=2 kernelpagesize_kB=4\n"
	"7ffe95fe5000 default stack anon=4 dirty=4 active=1 N0=4 kernelpagesize_kB=4\n";

static void test_host_sample(void **state)
{
	struct mmt_placement *p = parse(host_cat, sizeof(host_cat) - 1);

	(void)state;
	assert_int_equal(p->max_node, 0);
	assert_int_equal(p->vmas, 11);
	assert_int_equal(p->malformed, 0);
	/* heap 4 + anonymous 1 + stack 4 */
	assert_int_equal(p->nodes[0].anon, 9);
	/* 2 + 5 + 1 + 32 + 203 + 2: a file mapping's private copies count as file */
	assert_int_equal(p->nodes[0].file, 245);
	assert_int_equal(p->nodes[0].huge, 0);
	assert_int_equal(mmt_placement_node_total(p, 0, 4), 254);
	free(p);
}

static void test_multi_node(void **state)
{
	static const char text[] =
		"7f0000000000 interleave:0-1 anon=16 dirty=16 N0=12 N1=4 kernelpagesize_kB=4\n"
		"7f0000100000 bind:1 file=/dev/shm/x dirty=3 mapped=3 N1=3 kernelpagesize_kB=4\n"
		"7f0000200000 prefer:3 anon=7 N3=7 kernelpagesize_kB=4\n";
	struct mmt_placement *p = parse(text, sizeof(text) - 1);

	(void)state;
	assert_int_equal(p->max_node, 3);
	assert_int_equal(p->nodes[0].anon, 12);
	assert_int_equal(p->nodes[1].anon, 4);
	assert_int_equal(p->nodes[1].file, 3);
	assert_int_equal(p->nodes[2].anon + p->nodes[2].file, 0);
	assert_int_equal(p->nodes[3].anon, 7);
	assert_int_equal(mmt_placement_node_total(p, 1, 4), 7);
	assert_int_equal(p->malformed, 0);
	free(p);
}

static void test_huge(void **state)
{
	/* hugetlb: counts in huge pages; THP in a normal mapping: base pages */
	static const char text[] =
		"7f4000000000 default file=/anon_hugepage\\040(deleted) huge anon=3 dirty=3 N0=2 "
		"N1=1 kernelpagesize_kB=2048\n"
		"7f5000000000 default anon=1024 dirty=1024 N0=1024 kernelpagesize_kB=4\n"
		"7f6000000000 default file=/mnt/huge/f huge dirty=1 N1=1 "
		"kernelpagesize_kB=1048576\n";
	struct mmt_placement *p = parse(text, sizeof(text) - 1);

	(void)state;
	assert_int_equal(p->nodes[0].huge, 2);
	assert_int_equal(p->nodes[0].huge_kb, 4096);
	assert_int_equal(p->nodes[1].huge, 2);
	assert_int_equal(p->nodes[1].huge_kb, 2048 + 1048576);
	assert_int_equal(p->nodes[0].anon, 1024);
	assert_int_equal(p->nodes[0].file, 0);
	assert_int_equal(mmt_placement_node_total(p, 0, 4), 1024 + 1024);
	assert_int_equal(mmt_placement_node_total(p, 1, 4), 512 + 262144);
	free(p);
}

static void test_garbage(void **state)
{
	char *text, *s;
	size_t len;
	struct mmt_placement *p;

	(void)state;
	/* a line over MMT_PL_LINE_MAX between good ones, garbage lines, a NUL,
	 * a last line without its newline */
	len = 3 * MMT_PL_LINE_MAX;
	text = calloc(1, len + 1024);
	assert_non_null(text);
	s = text;
	s += sprintf(s, "7f0000000000 default anon=5 N0=5 kernelpagesize_kB=4\n");
	s += sprintf(s, "7f0000001000 default anon=1 N0=");
	memset(s, '7', 2 * MMT_PL_LINE_MAX);
	s += 2 * MMT_PL_LINE_MAX;
	*s++ = '\n';
	s += sprintf(s, "not a numa_maps line\n");
	s += sprintf(s, "7f0000002000 default N0=abc kernelpagesize_kB=4\n");
	s += sprintf(s, "7f0000003000 default N0=99999999999999999999999 kernelpagesize_kB=4\n");
	s += sprintf(s, "7f0000004000 default N0=1 kernelpagesize_kB=0\n");
	s += sprintf(s, "7f0000005000 default N5000=9 N1=2 kernelpagesize_kB=4\n");
	*s++ = '7';
	*s++ = '\0';
	*s++ = '\n';
	s += sprintf(s, "\n\n7f0000006000 default anon=3 N2=3 kernelpagesize_kB=4");
	p = parse(text, s - text);
	assert_int_equal(p->nodes[0].anon, 5);
	assert_int_equal(p->nodes[1].anon, 2);
	assert_int_equal(p->nodes[2].anon, 3);
	assert_int_equal(p->other_nodes, 9);
	assert_int_equal(p->max_node, 2);
	assert_int_equal(p->vmas, 3);
	/* long, not a line, N0=abc, overflow, page size 0, the NUL line */
	assert_int_equal(p->malformed, 6);
	free(p);
	free(text);
}

static void test_bounds(void **state)
{
	/* the parser stops at len: a count cut short is read as far as it goes */
	static const char text[] = "7f0000000000 default anon=12 N0=12 kernelpagesize_kB=4\n";
	struct mmt_placement *p = parse(text, strlen("7f0000000000 default anon=12 N0=1"));

	(void)state;
	assert_int_equal(p->nodes[0].anon, 1);
	free(p);
	p = parse(text, 0);
	assert_int_equal(p->vmas, 0);
	assert_int_equal(p->max_node, -1);
	assert_int_equal(mmt_placement_node_total(p, -1, 4), 0);
	assert_int_equal(mmt_placement_node_total(p, MMT_PL_MAX_NODES, 4), 0);
	free(p);
}

/* The bounded read of the file, on this process: 64 pages it touched are
 * in the counts; a read capped short ends at a whole line and says so. */
static void test_read_self(void **state)
{
	size_t cap = 1 << 20, pages = 64;
	char *buf = malloc(cap), *mem;
	struct mmt_placement *p = malloc(sizeof(*p)), *q = malloc(sizeof(*q));
	bool capped = true;
	ssize_t len, short_len;
	__u64 all = 0;

	(void)state;
	assert_non_null(buf);
	assert_non_null(p);
	assert_non_null(q);
	mem = mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(mem != MAP_FAILED);
	madvise(mem, pages * 4096, MADV_NOHUGEPAGE);
	for (size_t i = 0; i < pages; i++)
		mem[i * 4096] = 1;
	len = mmt_numa_maps_read(getpid(), buf, cap, &capped);
	if (len < 0)
		skip(); /* a kernel without NUMA support has no numa_maps */
	assert_false(capped);
	assert_true(len > 0 && buf[len - 1] == '\n');
	mmt_placement_clear(p);
	mmt_numa_maps_parse(buf, len, 4, p);
	assert_int_equal(p->malformed, 0);
	for (int node = 0; node <= p->max_node; node++)
		all += p->nodes[node].anon;
	assert_true(all >= pages);

	/* capped: the read stops at 200 bytes, the partial line is dropped */
	short_len = mmt_numa_maps_read(getpid(), buf, 200, &capped);
	assert_true(capped);
	assert_true(short_len > 0 && short_len <= 200 && buf[short_len - 1] == '\n');
	mmt_placement_clear(q);
	mmt_numa_maps_parse(buf, short_len, 4, q);
	assert_int_equal(q->malformed, 0);
	assert_true(q->vmas >= 1 && q->vmas < p->vmas);

	/* no such process */
	assert_int_equal(mmt_numa_maps_read(0x3ffffffe, buf, cap, &capped), -1);
	munmap(mem, pages * 4096);
	free(buf);
	free(p);
	free(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_sample), cmocka_unit_test(test_multi_node),
		cmocka_unit_test(test_huge),	    cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_bounds),	    cmocka_unit_test(test_read_self),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
