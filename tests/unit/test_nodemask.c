// SPDX-License-Identifier: GPL-2.0
/*
 * test_nodemask.c - node masks as the BPF side leaves them in a record
 * (state, nbits, truncated, read_err) and how user space renders them.
 *
 * The BPF side (read_mask() in src/bpf/payload.bpf.h) decides the state and
 * nbits with mmt_mask_sizing() (src/bpf/mmt_math.h); bpf_mask() below calls
 * that same function, so the tests cover the boundaries the BPF code itself
 * produces. User memory past nbits, and stale words past what
 * was read, are filled with ones: the kernel ignores those bits, and so must
 * the renderers.
 *
 * A record is its fixed header followed by the payload of its event, in one
 * buffer of exactly mmt_record_size() bytes: the masks live in the
 * struct mmt_payload_masks after the header.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "decoders/decode.h"
#include "records.h"
#include "outputs/output.h"
#include "bpf/mmt_math.h"

#define MASK_PTR 0x7ffd10000000ULL

static const char *ob_cstr(struct outbuf *ob)
{
	ob_char(ob, '\0');
	assert_int_equal(ob->err, 0);
	ob->len--; /* keep the NUL out of the length */
	return ob->buf;
}

static void mask_set(struct mmt_mask *m, int bit)
{
	m->words[bit / 64] |= 1ULL << (bit % 64);
}

/* What read_mask() leaves for a pointer and maxnode, reading user memory
 * that is all ones (or failing with err when err != 0): the state and sizes
 * come from the BPF side's own mmt_mask_sizing(). */
static void bpf_mask(struct mmt_mask *m, __u64 uptr, __u64 maxnode, int err)
{
	__u64 nbits, bytes;
	__u8 state, truncated;

	memset(m->words, 0xff, sizeof(m->words)); /* stale or unused words */
	state = mmt_mask_sizing(uptr, maxnode, 0, &nbits, &bytes, &truncated);
	assert_true(bytes <= sizeof(m->words));
	m->truncated = truncated;
	m->nbits = 0;
	m->read_err = 0;
	m->state = state;
	if (state != MMT_READ_OK)
		return;
	if (err) {
		m->state = MMT_READ_FAULT;
		m->read_err = err;
		return;
	}
	m->nbits = nbits;
}

static void mask_read(struct mmt_mask *m, int nbits, const int *bits, int n)
{
	memset(m, 0, sizeof(*m));
	m->state = MMT_READ_OK;
	m->nbits = nbits;
	for (int i = 0; i < n; i++)
		mask_set(m, bits[i]);
}

/* set_mempolicy(MPOL_BIND, MASK_PTR, maxnode) */
static struct mmt_record *set_mempolicy_rec(__u64 maxnode)
{
	struct mmt_record *r = record_call(MMT_EV_SET_MEMPOLICY);

	r->args[0] = 2;
	r->args[1] = MASK_PTR;
	r->args[2] = maxnode;
	return r;
}

/* The JSON line and the table line of a record, into one outbuf each. */
static void render(const struct mmt_record *r, struct outbuf *json, struct outbuf *table)
{
	struct mmt_decoded_event ev;

	record_decode(r, &ev);
	assert_int_equal(ob_init(json, -1, 64), 0);
	assert_int_equal(ob_init(table, -1, 64), 0);
	mmt_json_event(json, &ev, false);
	mmt_table_event(table, &ev);
}

static void expect_ranges(const struct mmt_mask *m, const char *want)
{
	struct outbuf ob;

	assert_int_equal(ob_init(&ob, -1, 64), 0);
	mmt_nodes_ranges(&ob, m);
	assert_string_equal(ob_cstr(&ob), want);
	ob_free(&ob);
}

static void expect_json(const struct mmt_mask *m, const char *want)
{
	struct outbuf ob;

	assert_int_equal(ob_init(&ob, -1, 64), 0);
	mmt_nodes_json(&ob, m);
	assert_string_equal(ob_cstr(&ob), want);
	ob_free(&ob);
}

static void expect_substr(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("'%s' not found in '%s'", needle, hay);
}

static void expect_no_substr(const char *hay, const char *needle)
{
	if (strstr(hay, needle))
		fail_msg("'%s' unexpectedly found in '%s'", needle, hay);
}

/* ---- mmt_mask_next ---- */

static void test_mask_next_words(void **state)
{
	static const int bits[] = {0, 63, 64, 130, 1023};
	struct mmt_mask m;
	int node, i = 0;

	(void)state;
	mask_read(&m, MMT_MASK_MAX_BITS, bits, 5);
	for (node = mmt_mask_next(&m, 0); node >= 0; node = mmt_mask_next(&m, node + 1))
		assert_int_equal(node, bits[i++]);
	assert_int_equal(i, 5);

	assert_int_equal(mmt_mask_next(&m, -5), 0);
	assert_int_equal(mmt_mask_next(&m, 1), 63);
	assert_int_equal(mmt_mask_next(&m, 63), 63);
	assert_int_equal(mmt_mask_next(&m, 65), 130);
	assert_int_equal(mmt_mask_next(&m, 131), 1023);
	assert_int_equal(mmt_mask_next(&m, 1024), -1);
	assert_int_equal(mmt_mask_next(&m, 5000), -1);
}

static void test_mask_next_nbits_limit(void **state)
{
	static const int bits[] = {0, 63, 64, 130, 1023};
	struct mmt_mask m;

	(void)state;
	mask_read(&m, 1023, bits, 5);
	assert_int_equal(mmt_mask_next(&m, 131), -1); /* bit 1023 >= nbits */
	m.nbits = 131;
	assert_int_equal(mmt_mask_next(&m, 65), 130);
	m.nbits = 130;
	assert_int_equal(mmt_mask_next(&m, 65), -1);
	m.nbits = 64;
	assert_int_equal(mmt_mask_next(&m, 1), 63);
	assert_int_equal(mmt_mask_next(&m, 64), -1);
	m.nbits = 63;
	assert_int_equal(mmt_mask_next(&m, 1), -1);
	m.nbits = 1;
	assert_int_equal(mmt_mask_next(&m, 0), 0);
	assert_int_equal(mmt_mask_next(&m, 1), -1);
	m.nbits = 0;
	assert_int_equal(mmt_mask_next(&m, 0), -1);
}

/* ---- the two renderers ---- */

static void test_renderers(void **state)
{
	static const int few[] = {0, 1, 2, 3, 8};
	static const int edge[] = {62, 63, 64, 65, 127, 1023};
	static const int one[] = {5};
	static const int pair[] = {4, 5};
	struct mmt_mask m;

	(void)state;
	mask_read(&m, 64, few, 5);
	expect_ranges(&m, "0-3,8");
	expect_json(&m, "[0,1,2,3,8]");

	mask_read(&m, 1024, edge, 6);
	expect_ranges(&m, "62-65,127,1023");
	expect_json(&m, "[62,63,64,65,127,1023]");

	mask_read(&m, 64, one, 1);
	expect_ranges(&m, "5");
	expect_json(&m, "[5]");

	mask_read(&m, 64, pair, 2);
	expect_ranges(&m, "4-5");
	expect_json(&m, "[4,5]");

	mask_read(&m, 64, NULL, 0);
	expect_ranges(&m, "");
	expect_json(&m, "[]");

	/* a run that goes past nbits stops at nbits - 1 */
	memset(m.words, 0xff, sizeof(m.words));
	m.nbits = 70;
	expect_ranges(&m, "0-69");
	m.nbits = 1024;
	expect_ranges(&m, "0-1023");
}

/* ---- nbits as the BPF side computes it from maxnode ---- */

static void test_bpf_nbits(void **state)
{
	struct mmt_mask m;

	(void)state;
	bpf_mask(&m, MASK_PTR, 0, 0);
	assert_int_equal(m.state, MMT_READ_EMPTY);
	bpf_mask(&m, MASK_PTR, 1, 0);
	assert_int_equal(m.state, MMT_READ_EMPTY);

	bpf_mask(&m, MASK_PTR, 2, 0);
	assert_int_equal(m.nbits, 1);
	expect_ranges(&m, "0");
	expect_json(&m, "[0]");

	bpf_mask(&m, MASK_PTR, 64, 0);
	assert_int_equal(m.nbits, 63);
	expect_ranges(&m, "0-62");

	bpf_mask(&m, MASK_PTR, 65, 0);
	assert_int_equal(m.nbits, 64);
	expect_ranges(&m, "0-63");

	bpf_mask(&m, MASK_PTR, 66, 0);
	expect_ranges(&m, "0-64");

	bpf_mask(&m, MASK_PTR, 1025, 0);
	assert_int_equal(m.nbits, 1024);
	assert_int_equal(m.truncated, 0);
	expect_ranges(&m, "0-1023");

	bpf_mask(&m, MASK_PTR, 1026, 0);
	assert_int_equal(m.nbits, 1024);
	assert_int_equal(m.truncated, 1);

	bpf_mask(&m, MASK_PTR, ~0ULL, 0);
	assert_int_equal(m.nbits, 1024);
	assert_int_equal(m.truncated, 1);
	expect_ranges(&m, "0-1023");
}

static void test_bpf_nbits_events(void **state)
{
	static const struct {
		__u64 maxnode;
		const char *json, *table;
	} cases[] = {
		{0, "\"nodes\":[]}", "nodemask: [], maxnode: 0\n"},
		{1, "\"nodes\":[]}", "nodemask: [], maxnode: 1\n"},
		{2, "\"nodes\":[0]}", "nodemask: [0], maxnode: 2\n"},
		{64, "\"nodes\":[0,1,2,", "nodemask: [0-62], maxnode: 64\n"},
		{65, ",62,63]}", "nodemask: [0-63], maxnode: 65\n"},
		{1025, ",1022,1023]}", "nodemask: [0-1023], maxnode: 1025\n"},
		{1ULL << 40, ",1023],\"truncated\":true}",
		 "nodemask: [0-1023,...] (truncated), maxnode: 1099511627776\n"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mmt_record *r = set_mempolicy_rec(cases[i].maxnode);
		struct outbuf json, table;

		bpf_mask(record_mask(r, 0), r->args[1], r->args[2], 0);
		render(r, &json, &table);
		expect_substr(ob_cstr(&json), cases[i].json);
		expect_substr(ob_cstr(&table), cases[i].table);
		if (cases[i].maxnode <= 1025)
			expect_no_substr(json.buf, "truncated");
		ob_free(&json);
		ob_free(&table);
		free(r);
	}
}

/* ---- mask states in both outputs ---- */

static void check_state(const struct mmt_record *r, const char *json_arg, const char *table_args)
{
	struct outbuf json, table;

	render(r, &json, &table);
	expect_substr(ob_cstr(&json), json_arg);
	expect_substr(ob_cstr(&table), table_args);
	ob_free(&json);
	ob_free(&table);
}

static void test_state_null(void **state)
{
	struct mmt_record *r = set_mempolicy_rec(1025);

	(void)state;
	r->args[0] = 0;
	r->args[1] = 0;
	bpf_mask(record_mask(r, 0), r->args[1], r->args[2], 0);
	check_state(r,
		    "{\"name\":\"nodemask\",\"type\":\"trace.Pointer\","
		    "\"value\":0,\"nodes\":null}",
		    "mode: MPOL_DEFAULT, nodemask: NULL, maxnode: 1025\n");
	free(r);
}

static void test_state_empty(void **state)
{
	struct mmt_record *r = set_mempolicy_rec(1);

	(void)state;
	bpf_mask(record_mask(r, 0), r->args[1], r->args[2], 0);
	check_state(r,
		    "{\"name\":\"nodemask\",\"type\":\"trace.Pointer\","
		    "\"value\":140724871888896,\"nodes\":[]}",
		    "mode: MPOL_BIND, nodemask: [], maxnode: 1\n");
	free(r);
}

static void test_state_read(void **state)
{
	static const int bits[] = {0, 1, 2, 3, 8};
	struct mmt_record *r = set_mempolicy_rec(1025);

	(void)state;
	mask_read(record_mask(r, 0), 1024, bits, 5);
	check_state(r,
		    "{\"name\":\"nodemask\",\"type\":\"trace.Pointer\","
		    "\"value\":140724871888896,\"nodes\":[0,1,2,3,8]}",
		    "mode: MPOL_BIND, nodemask: [0-3,8], maxnode: 1025\n");
	free(r);
}

static void test_state_read_truncated(void **state)
{
	static const int bits[] = {1, 1023};
	struct mmt_record *r = set_mempolicy_rec(4097);
	struct mmt_mask *m = record_mask(r, 0);

	(void)state;
	mask_read(m, 1024, bits, 2);
	m->truncated = 1;
	check_state(r, "\"nodes\":[1,1023],\"truncated\":true}",
		    "nodemask: [1,1023,...] (truncated), maxnode: 4097\n");

	/* no node among the bits captured: nothing before the ellipsis */
	memset(m->words, 0, sizeof(m->words));
	check_state(r, "\"nodes\":[],\"truncated\":true}",
		    "nodemask: [...] (truncated), maxnode: 4097\n");
	free(r);
}

static void test_state_fault(void **state)
{
	struct mmt_record *r = set_mempolicy_rec(1025);

	(void)state;
	r->ret = -EFAULT;
	bpf_mask(record_mask(r, 0), r->args[1], r->args[2], -EFAULT);
	check_state(r,
		    "{\"name\":\"nodemask\",\"type\":\"trace.Pointer\","
		    "\"value\":140724871888896,\"readError\":\"EFAULT\"}",
		    "nodemask: 0x7ffd10000000 (unreadable: EFAULT), maxnode: 1025\n");

	/* an error without a name still reads as an error */
	record_mask(r, 0)->read_err = 0;
	check_state(r, "\"readError\":\"EIO\"}",
		    "nodemask: 0x7ffd10000000 (unreadable: error), maxnode: 1025\n");
	free(r);
}

static void test_state_no_mask_fields(void **state)
{
	static const enum mmt_event events[] = {MMT_EV_MREMAP, MMT_EV_MOVE_PAGES, MMT_EV_BRK};

	(void)state;
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		struct mmt_record *r = record_call(events[i]);
		struct outbuf json, table;

		r->args[3] = 1;
		render(r, &json, &table);
		expect_no_substr(ob_cstr(&json), "\"nodes\":");
		expect_no_substr(json.buf, "readError");
		expect_no_substr(json.buf, "truncated");
		ob_free(&json);
		ob_free(&table);
		free(r);
	}
}

/* migrate_pages: old_nodes comes from slot 0, new_nodes from slot 1 */
static void test_migrate_pages_slots(void **state)
{
	static const int old_bits[] = {0};
	static const int new_bits[] = {1, 2};
	struct mmt_record *r = record_call(MMT_EV_MIGRATE_PAGES);

	(void)state;
	r->args[0] = 4321;
	r->args[1] = 3;
	r->args[2] = 0x1000;
	r->args[3] = 0x2000;
	mask_read(record_mask(r, 0), 2, old_bits, 1);
	mask_read(record_mask(r, 1), 2, new_bits, 2);
	check_state(r,
		    "{\"name\":\"old_nodes\",\"type\":\"trace.Pointer\","
		    "\"value\":4096,\"nodes\":[0]},"
		    "{\"name\":\"new_nodes\",\"type\":\"trace.Pointer\","
		    "\"value\":8192,\"nodes\":[1]}],\"migration\":",
		    "pid: 4321, maxnode: 3, old_nodes: [0], new_nodes: [1]\n");

	record_mask(r, 1)->state = MMT_READ_FAULT;
	record_mask(r, 1)->nbits = 0;
	record_mask(r, 1)->read_err = -EFAULT;
	check_state(r, "\"value\":8192,\"readError\":\"EFAULT\"}],\"migration\":",
		    "old_nodes: [0], new_nodes: 0x2000 (unreadable: EFAULT)\n");
	free(r);
}

/* mbind(addr, len, mode, nodemask, maxnode, flags): the mask is argument 3
 * in slot 0, read with maxnode, argument 4 */
static void test_mbind_mask(void **state)
{
	static const int bits[] = {1, 3};
	struct mmt_record *r = record_call(MMT_EV_MBIND);

	(void)state;
	r->args[0] = 0x7f0000000000ULL;
	r->args[1] = 1 << 21;
	r->args[2] = 2;
	r->args[3] = MASK_PTR;
	r->args[4] = 5;
	r->args[5] = 2;
	bpf_mask(record_mask(r, 0), r->args[3], r->args[4], 0);
	assert_int_equal(record_mask(r, 0)->nbits, 4);
	mask_read(record_mask(r, 0), 4, bits, 2);
	check_state(r,
		    "{\"name\":\"nodemask\",\"type\":\"trace.Pointer\","
		    "\"value\":140724871888896,\"nodes\":[1,3]},"
		    "{\"name\":\"maxnode\",\"type\":\"uint64\",\"value\":5},",
		    "mode: MPOL_BIND, nodemask: [1,3], maxnode: 5, flags: MPOL_MF_MOVE");
	free(r);
}

/* get_mempolicy: the mask the kernel wrote, read at exit, in slot 0 */
static void test_get_mempolicy_mask(void **state)
{
	static const int bits[] = {0, 2, 3};
	struct mmt_record *r = record_call(MMT_EV_GET_MEMPOLICY);
	struct mmt_payload_masks *p = record_masks(r);

	(void)state;
	r->args[0] = 0;
	r->args[1] = MASK_PTR;
	r->args[2] = 65;
	p->out_int_state = MMT_READ_NULL;
	mask_read(record_mask(r, 0), 64, bits, 3);
	check_state(r,
		    "{\"name\":\"nodemask\",\"type\":\"trace.Pointer\","
		    "\"value\":140724871888896,\"nodes\":[0,2,3]}",
		    "mode: NULL, nodemask: [0,2-3], maxnode: 65, addr: 0x0, flags: 0\n");

	/* a failed call: nothing was read */
	r->ret = -EINVAL;
	memset(record_mask(r, 0), 0, sizeof(struct mmt_mask));
	record_mask(r, 0)->state = MMT_READ_EMPTY;
	/* the kernel wrote nothing: not an empty mask */
	check_state(r, "\"value\":140724871888896,\"notWritten\":true}", "nodemask: ?, maxnode: 65");
	free(r);
}

/* ---- the TOCTOU verdict: entry-exit re-read, or the kernel's own copy ---- */

#define FEXIT_CHECK "\"toctouCheck\":\"kernel-copy (fexit get_nodes)\"}"
#define REREAD_CHECK "\"toctouCheck\":\"entry-exit re-read\"}"

static void test_masks_differ(void **state)
{
	static const int b0[] = {0}, b01[] = {0, 1}, b1000[] = {0, 1000};
	struct mmt_mask a, b;

	(void)state;
	mask_read(&a, 64, b0, 1);
	mask_read(&b, 64, b0, 1);
	assert_false(mmt_masks_differ(&a, &b));
	mask_read(&b, 64, b01, 2);
	assert_true(mmt_masks_differ(&a, &b));
	assert_true(mmt_masks_differ(&b, &a));
	/* bits past nbits are not nodes: stale words do not count */
	mask_read(&b, 2, b0, 1);
	memset(&b.words[1], 0xff, sizeof(b.words) - 8);
	b.words[0] |= ~3ULL;
	assert_false(mmt_masks_differ(&a, &b));
	/* a difference in the last word */
	mask_read(&a, 1024, b1000, 2);
	mask_read(&b, 1024, b0, 1);
	assert_true(mmt_masks_differ(&a, &b));
	/* a mask not read holds no node */
	memset(&b, 0, sizeof(b));
	b.state = MMT_READ_FAULT;
	mask_read(&a, 64, NULL, 0);
	assert_false(mmt_masks_differ(&a, &b));
	assert_string_equal(mmt_kcopy_method_name(MMT_KCOPY_REREAD), "entry-exit re-read");
	assert_string_equal(mmt_kcopy_method_name(MMT_KCOPY_FEXIT),
			    "kernel-copy (fexit get_nodes)");
	assert_string_equal(mmt_kcopy_method_name(MMT_KCOPY_KPROBE),
			    "kernel-copy (kprobe get_nodes)");
	assert_null(mmt_kcopy_method_name(MMT_KCOPY_NONE));
	assert_null(mmt_kcopy_method_name(MMT_KCOPY_METHOD_COUNT));
}

/* Without a kernel copy: the re-read at exit decides, and says so. */
static void test_toctou_reread(void **state)
{
	static const int b0[] = {0};
	struct mmt_record *r = set_mempolicy_rec(3);
	struct mmt_payload_masks *p = record_masks(r);

	(void)state;
	mask_read(record_mask(r, 0), 2, b0, 1);
	p->toctou_method = MMT_KCOPY_REREAD;
	check_state(r, "\"nodes\":[0]," REREAD_CHECK, "nodemask: [0], maxnode: 3\n");
	p->changed[0] = 1;
	check_state(r, "\"nodes\":[0],\"toctou\":true," REREAD_CHECK,
		    "nodemask: [0] (changed during the call: TOCTOU), maxnode: 3\n");
	/* a record that names no method: the verdict alone, as before */
	p->toctou_method = MMT_KCOPY_NONE;
	check_state(r, "\"nodes\":[0],\"toctou\":true}", "(changed during the call: TOCTOU)");
	/* a NULL mask: nothing to check */
	p->toctou_method = MMT_KCOPY_REREAD;
	p->changed[0] = 0;
	r->args[1] = 0;
	memset(record_mask(r, 0), 0, sizeof(struct mmt_mask));
	record_mask(r, 0)->state = MMT_READ_NULL;
	check_state(r, "\"value\":0,\"nodes\":null}", "nodemask: NULL, maxnode: 3\n");
	free(r);
}

/* With the kernel's copy: it decides, and shows the nodes the call used. */
static void test_toctou_kernel_copy(void **state)
{
	static const int b0[] = {0}, b01[] = {0, 1};
	struct mmt_record *r = set_mempolicy_rec(3);
	struct mmt_payload_masks *p = record_masks(r);

	(void)state;
	p->toctou_method = MMT_KCOPY_FEXIT;
	mask_read(record_mask(r, 0), 2, b0, 1);
	mask_read(record_kmask(r, 0), 2, b0, 1);
	record_kmask(r, 0)->words[1] = ~0ULL; /* past nbits: not nodes */
	check_state(r, "\"nodes\":[0],\"kernelNodes\":[0]," FEXIT_CHECK,
		    "nodemask: [0], maxnode: 3\n");

	/* the kernel copied other nodes than were read at entry: proven */
	mask_read(record_kmask(r, 0), 2, b01, 2);
	check_state(r, "\"nodes\":[0],\"kernelNodes\":[0,1],\"toctou\":true," FEXIT_CHECK,
		    "nodemask: [0] (kernel copied [0-1]: TOCTOU), maxnode: 3\n");
	p->changed[0] = 1;
	check_state(r,
		    "\"nodes\":[0],\"kernelNodes\":[0,1],\"toctou\":true,"
		    "\"changedAtExit\":true," FEXIT_CHECK,
		    "nodemask: [0] (kernel copied [0-1]: TOCTOU), maxnode: 3\n");

	/* changed at exit, but after the kernel copied what was read: no race
	 * on what the call used */
	mask_read(record_kmask(r, 0), 2, b0, 1);
	check_state(r, "\"nodes\":[0],\"kernelNodes\":[0],\"changedAtExit\":true," FEXIT_CHECK,
		    "nodemask: [0] (changed after the kernel copied it), maxnode: 3\n");

	p->toctou_method = MMT_KCOPY_KPROBE;
	p->changed[0] = 0;
	check_state(r, "\"kernelNodes\":[0],\"toctouCheck\":\"kernel-copy (kprobe get_nodes)\"}",
		    "nodemask: [0], maxnode: 3\n");
	free(r);
}

/* A hook in force that did not see the copy (the call failed before it, or
 * get_nodes() failed): the re-read decides. */
static void test_toctou_kernel_copy_missing(void **state)
{
	static const int b0[] = {0}, b1[] = {1};
	struct mmt_record *r = set_mempolicy_rec(3);
	struct mmt_payload_masks *p = record_masks(r);

	(void)state;
	p->toctou_method = MMT_KCOPY_FEXIT;
	p->changed[0] = 1;
	mask_read(record_mask(r, 0), 2, b0, 1);
	check_state(r, "\"nodes\":[0],\"toctou\":true," REREAD_CHECK,
		    "nodemask: [0] (changed during the call: TOCTOU), maxnode: 3\n");
	record_kmask(r, 0)->state = MMT_READ_FAULT;
	record_kmask(r, 0)->read_err = -EFAULT;
	check_state(r, "\"nodes\":[0],\"toctou\":true," REREAD_CHECK,
		    "nodemask: [0] (changed during the call: TOCTOU), maxnode: 3\n");

	/* our read failed where the kernel's succeeded: its copy is shown */
	p->changed[0] = 0;
	memset(record_mask(r, 0), 0, sizeof(struct mmt_mask));
	record_mask(r, 0)->state = MMT_READ_FAULT;
	record_mask(r, 0)->read_err = -EFAULT;
	mask_read(record_kmask(r, 0), 2, b1, 1);
	check_state(r, "\"readError\":\"EFAULT\",\"kernelNodes\":[1]," FEXIT_CHECK,
		    "(unreadable: EFAULT) (kernel copied [1]), maxnode: 3\n");
	free(r);
}

/* migrate_pages: a copy per mask, each judged on its own */
static void test_toctou_kernel_copy_migrate_pages(void **state)
{
	static const int b0[] = {0}, b1[] = {1}, b2[] = {2};
	struct mmt_record *r = record_call(MMT_EV_MIGRATE_PAGES);
	struct mmt_payload_masks *p = record_masks(r);

	(void)state;
	r->args[1] = 65;
	r->args[2] = 0x1000;
	r->args[3] = 0x2000;
	p->toctou_method = MMT_KCOPY_FEXIT;
	mask_read(record_mask(r, 0), 64, b0, 1);
	mask_read(record_mask(r, 1), 64, b1, 1);
	mask_read(record_kmask(r, 0), 64, b0, 1);
	mask_read(record_kmask(r, 1), 64, b2, 1);
	check_state(r,
		    "\"value\":4096,\"nodes\":[0],\"kernelNodes\":[0]," FEXIT_CHECK ","
		    "{\"name\":\"new_nodes\",\"type\":\"trace.Pointer\",\"value\":8192,"
		    "\"nodes\":[1],\"kernelNodes\":[2],\"toctou\":true," FEXIT_CHECK "]",
		    "old_nodes: [0], new_nodes: [1] (kernel copied [2]: TOCTOU)");
	free(r);
}

/* get_mempolicy's mask is an output: no verdict, whatever the method */
static void test_toctou_not_on_outputs(void **state)
{
	static const int b0[] = {0};
	struct mmt_record *r = record_call(MMT_EV_GET_MEMPOLICY);
	struct outbuf json, table;

	(void)state;
	r->args[1] = MASK_PTR;
	r->args[2] = 65;
	mask_read(record_mask(r, 0), 64, b0, 1);
	record_masks(r)->changed[0] = 1; /* not looked at for an output */
	render(r, &json, &table);
	expect_no_substr(ob_cstr(&json), "toctou");
	expect_no_substr(ob_cstr(&json), "kernelNodes");
	expect_no_substr(ob_cstr(&table), "TOCTOU");
	ob_free(&json);
	ob_free(&table);
	free(r);
}

/* ---- malformed records ---- */

static void expect_einval(const void *r, size_t len)
{
	struct mmt_decoded_event ev;

	assert_int_equal(mmt_decode(r, len, 0, &ev), -EINVAL);
}

static void test_malformed_len(void **state)
{
	struct mmt_record *r = set_mempolicy_rec(1025);
	size_t len = record_len(r);
	struct mmt_decoded_event ev;
	char *big = calloc(2, len);

	(void)state;
	assert_non_null(big);
	assert_int_equal(len, sizeof(struct mmt_record) + sizeof(struct mmt_payload_masks));
	memcpy(big, r, len);
	expect_einval(big, 0);
	expect_einval(big, len - 1);
	expect_einval(big, len + 1);
	expect_einval(big, 2 * len);
	/* the header alone, and the header with the wrong payload's size */
	expect_einval(big, sizeof(struct mmt_record));
	expect_einval(big, sizeof(struct mmt_record) + sizeof(struct mmt_payload_move_pages));
	assert_int_equal(mmt_decode(NULL, len, 0, &ev), -EINVAL);
	assert_int_equal(mmt_decode(big, len, 0, &ev), 0);
	assert_int_equal(mmt_decode(r, len, 0, &ev), 0);
	free(big);
	free(r);
}

static void test_malformed_event(void **state)
{
	struct mmt_record *r = set_mempolicy_rec(1025);
	size_t len = record_len(r);

	(void)state;
	r->event = MMT_EV_COUNT;
	expect_einval(r, len);
	r->event = 0xffff;
	expect_einval(r, len);
	free(r);
}

static void test_malformed_mask(void **state)
{
	struct mmt_record *r = set_mempolicy_rec(1025);
	struct mmt_payload_masks *p = record_masks(r);
	size_t len = record_len(r);
	struct mmt_decoded_event ev;

	(void)state;
	mask_read(&p->masks[0], MMT_MASK_MAX_BITS, NULL, 0);
	assert_int_equal(mmt_decode(r, len, 0, &ev), 0);
	p->masks[0].nbits = MMT_MASK_MAX_BITS + 1;
	expect_einval(r, len);
	p->masks[0].nbits = 0xffff;
	expect_einval(r, len);

	/* states that carry no bits must say nbits 0, in either slot */
	for (int slot = 0; slot < MMT_MAX_MASKS; slot++) {
		for (int s = MMT_READ_NONE; s <= MMT_READ_FAULT; s++) {
			if (s == MMT_READ_OK)
				continue;
			memset(&p->masks[slot], 0, sizeof(p->masks[slot]));
			p->masks[slot].state = s;
			assert_int_equal(mmt_decode(r, len, 0, &ev), 0);
			p->masks[slot].nbits = 5;
			expect_einval(r, len);
			p->masks[slot].nbits = 0;
		}
		p->masks[slot].state = MMT_READ_NULL;
	}

	/* unknown states, in the slot the event uses and in the other one */
	memset(&p->masks[0], 0, sizeof(p->masks[0]));
	p->masks[0].state = MMT_READ_FAULT + 1;
	expect_einval(r, len);
	p->masks[0].state = 0xff;
	expect_einval(r, len);
	p->masks[0].state = MMT_READ_NULL;
	p->masks[1].state = MMT_READ_FAULT + 1;
	expect_einval(r, len);
	free(r);
}

/* the kernel copies are checked like the masks; a copy needs a hook */
static void test_malformed_kcopy(void **state)
{
	struct mmt_record *r = set_mempolicy_rec(1025);
	struct mmt_payload_masks *p = record_masks(r);
	size_t len = record_len(r);
	struct mmt_decoded_event ev;

	(void)state;
	for (int m = MMT_KCOPY_NONE; m < MMT_KCOPY_METHOD_COUNT; m++) {
		p->toctou_method = m;
		assert_int_equal(mmt_decode(r, len, 0, &ev), 0);
	}
	p->toctou_method = MMT_KCOPY_METHOD_COUNT;
	expect_einval(r, len);
	p->toctou_method = 0xff;
	expect_einval(r, len);

	for (int slot = 0; slot < MMT_MAX_MASKS; slot++) {
		struct mmt_mask *k = record_kmask(r, slot);

		p->toctou_method = MMT_KCOPY_KPROBE;
		mask_read(k, MMT_MASK_MAX_BITS, NULL, 0);
		assert_int_equal(mmt_decode(r, len, 0, &ev), 0);
		k->nbits = MMT_MASK_MAX_BITS + 1;
		expect_einval(r, len);
		k->nbits = 0;
		k->state = MMT_READ_FAULT + 1;
		expect_einval(r, len);
		k->state = MMT_READ_FAULT;
		assert_int_equal(mmt_decode(r, len, 0, &ev), 0);
		k->nbits = 3; /* no bits in a failed copy */
		expect_einval(r, len);
		/* a copy in a record whose method took none */
		mask_read(k, 64, NULL, 0);
		p->toctou_method = MMT_KCOPY_REREAD;
		expect_einval(r, len);
		p->toctou_method = MMT_KCOPY_NONE;
		expect_einval(r, len);
		memset(k, 0, sizeof(*k));
		assert_int_equal(mmt_decode(r, len, 0, &ev), 0);
	}
	free(r);
}

/* the state of the int read at exit (get_mempolicy's mode) is checked too */
static void test_malformed_out_state(void **state)
{
	struct mmt_record *r = record_call(MMT_EV_GET_MEMPOLICY);
	struct mmt_payload_masks *p = record_masks(r);
	size_t len = record_len(r);
	struct mmt_decoded_event ev;

	(void)state;
	for (int s = MMT_READ_NONE; s <= MMT_READ_FAULT; s++) {
		p->out_int_state = s;
		assert_int_equal(mmt_decode(r, len, 0, &ev), 0);
	}
	p->out_int_state = MMT_READ_FAULT + 1;
	expect_einval(r, len);
	p->out_int_state = 0xff;
	expect_einval(r, len);
	/* in any MASKS event, even one without an OUT_MODE argument */
	free(r);
	r = set_mempolicy_rec(1025);
	record_masks(r)->out_int_state = MMT_READ_FAULT + 1;
	expect_einval(r, record_len(r));
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mask_next_words),
		cmocka_unit_test(test_mask_next_nbits_limit),
		cmocka_unit_test(test_renderers),
		cmocka_unit_test(test_bpf_nbits),
		cmocka_unit_test(test_bpf_nbits_events),
		cmocka_unit_test(test_state_null),
		cmocka_unit_test(test_state_empty),
		cmocka_unit_test(test_state_read),
		cmocka_unit_test(test_state_read_truncated),
		cmocka_unit_test(test_state_fault),
		cmocka_unit_test(test_state_no_mask_fields),
		cmocka_unit_test(test_migrate_pages_slots),
		cmocka_unit_test(test_mbind_mask),
		cmocka_unit_test(test_get_mempolicy_mask),
		cmocka_unit_test(test_masks_differ),
		cmocka_unit_test(test_toctou_reread),
		cmocka_unit_test(test_toctou_kernel_copy),
		cmocka_unit_test(test_toctou_kernel_copy_missing),
		cmocka_unit_test(test_toctou_kernel_copy_migrate_pages),
		cmocka_unit_test(test_toctou_not_on_outputs),
		cmocka_unit_test(test_malformed_len),
		cmocka_unit_test(test_malformed_event),
		cmocka_unit_test(test_malformed_mask),
		cmocka_unit_test(test_malformed_kcopy),
		cmocka_unit_test(test_malformed_out_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
