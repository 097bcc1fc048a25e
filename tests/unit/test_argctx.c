// SPDX-License-Identifier: GPL-2.0
/*
 * test_argctx.c - an argument's context (--fd-paths, --mappings): each
 * file kind named as strace -y names it, a truncated path never shown as a
 * whole one, a mapping rendered as /proc/PID/maps shows it, unsound
 * contexts refused, a compact record's context kept through the join, and
 * the findings engine's facts taken from it (live and from a JSON line).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <cmocka.h>
#include "context/tasks.h"
#include "decoders/argctx.h"
#include "detect/facts.h"
#include "outputs/output.h"
#include "records.h"

/* A record of ev with a context on argument arg (flags MMT_REC_ARGCTX). */
static struct mmt_record *ctx_record(enum mmt_event ev, __u8 kind, __u8 arg, struct mmt_argctx **c)
{
	const struct mmt_event_desc *d = mmt_event_by_id(ev);
	size_t base = mmt_record_size(d);
	struct mmt_record *r = calloc(1, base + sizeof(struct mmt_argctx));
	struct mmt_record *src = record_call(ev);

	assert_non_null(r);
	memcpy(r, src, base);
	free(src);
	r->flags |= MMT_REC_ARGCTX;
	*c = (struct mmt_argctx *)((char *)r + base);
	(*c)->kind = kind;
	(*c)->arg = arg;
	(*c)->state = MMT_CTXS_OK;
	return r;
}

static size_t ctx_len(const struct mmt_record *r)
{
	return record_len(r) + sizeof(struct mmt_argctx);
}

static char text[8192];

/* The table line and the JSON (raw, or parsed) of r, into text. */
static const char *render(const struct mmt_record *r, int json, bool parse)
{
	struct mmt_decoded_event ev;
	struct outbuf ob;

	assert_int_equal(mmt_decode(r, ctx_len(r), 0, &ev), 0);
	assert_int_equal(ob_init(&ob, -1, 64), 0);
	if (json)
		mmt_json_event(&ob, &ev, parse);
	else
		mmt_table_event(&ob, &ev);
	assert_true(ob.len < sizeof(text));
	memcpy(text, ob.buf, ob.len);
	text[ob.len] = '\0';
	ob_free(&ob);
	return text;
}

static void expect(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("'%s' not found in '%s'", needle, hay);
}

static void expect_not(const char *hay, const char *needle)
{
	if (strstr(hay, needle))
		fail_msg("'%s' unexpectedly in '%s'", needle, hay);
}

/* mmap's fd (argument 4) = 3, with a context of this kind and path */
static struct mmt_record *mmap_fd(__u8 file_kind, const char *path, __u8 flags,
				  struct mmt_argctx **c)
{
	struct mmt_record *r = ctx_record(MMT_EV_MMAP, MMT_CTX_FD, 4, c);

	r->args[3] = 0x01; /* MAP_SHARED */
	r->args[4] = 3;
	r->ret = 0x7f0000000000;
	(*c)->file_kind = file_kind;
	(*c)->file_flags = flags;
	(*c)->dev = (8ULL << 20) | 1; /* the kernel's 8:1 */
	(*c)->ino = 42;
	snprintf((*c)->path, sizeof((*c)->path), "%s", path);
	return r;
}

static void test_fd_regular(void **state)
{
	struct mmt_argctx *c;
	struct mmt_record *r = mmap_fd(MMT_FILE_PATH, "/etc/passwd", 0, &c);
	char want[160];

	(void)state;
	expect(render(r, 0, false), "fd: 3</etc/passwd>, off: 0");
	snprintf(want, sizeof(want),
		 "{\"name\":\"fd\",\"type\":\"int32\",\"value\":3,\"path\":\"/etc/passwd\","
		 "\"device\":%llu,\"inode\":42}",
		 (unsigned long long)makedev(8, 1));
	expect(render(r, 1, false), want);
	expect(render(r, 1, true), want);
	free(r);
}

static void test_fd_kinds(void **state)
{
	static const struct {
		__u8 kind, flags;
		const char *path, *table, *json;
	} cases[] = {
		{MMT_FILE_PATH, MMT_FILE_DELETED, "/tmp/x", "fd: 3</tmp/x>(deleted),",
		 "\"path\":\"/tmp/x\",\"deleted\":true,"},
		{MMT_FILE_PSEUDO, 0, "memfd:jit", "fd: 3</memfd:jit>(deleted),",
		 "\"path\":\"/memfd:jit\",\"deleted\":true,"},
		{MMT_FILE_ANON_INODE, 0, "[eventfd]", "fd: 3<anon_inode:[eventfd]>,",
		 "\"path\":\"anon_inode:[eventfd]\",\"device\""},
		{MMT_FILE_SOCKET, 0, "", "fd: 3<socket:[42]>,", "\"path\":\"socket:[42]\","},
		{MMT_FILE_PIPE, 0, "", "fd: 3<pipe:[42]>,", "\"path\":\"pipe:[42]\","},
		{MMT_FILE_PIDFD, 0, "", "fd: 3<anon_inode:[pidfd]>,",
		 "\"path\":\"anon_inode:[pidfd]\","},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mmt_argctx *c;
		struct mmt_record *r = mmap_fd(cases[i].kind, cases[i].path, cases[i].flags, &c);

		expect(render(r, 0, false), cases[i].table);
		expect(render(r, 1, false), cases[i].json);
		free(r);
	}
}

/* A path the kernel side could not fit is a tail, and says so. */
/* A pidfd's process, in the JSON's "target" and in the engine's facts. */
static void test_fd_pidfd_target(void **state)
{
	struct mmt_decoded_event ev;
	struct mmt_det_facts f;
	struct mmt_argctx *c;
	struct mmt_record *r = ctx_record(MMT_EV_PROCESS_MADVISE, MMT_CTX_FD, 0, &c);

	(void)state;
	r->args[0] = 8;
	r->args[3] = 20; /* MADV_COLD */
	c->file_kind = MMT_FILE_PIDFD;
	c->pid = 4242;
	c->uid = 1001;
	strcpy(c->comm, "victim");
	expect(render(r, 0, false), "pidfd: 8<anon_inode:[pidfd]>, iovec");
	expect(render(r, 1, false),
	       "\"path\":\"anon_inode:[pidfd]\",\"device\":0,\"inode\":0,\"target\":{"
	       "\"hostProcessId\":4242,\"processName\":\"victim\",\"userId\":1001}}");
	assert_int_equal(mmt_decode(r, ctx_len(r), 0, &ev), 0);
	mmt_det_facts_from_event(&ev, false, &f);
	assert_true(f.target_known);
	assert_int_equal(f.target_pid, 4242);
	assert_int_equal(f.target_uid, 1001);
	assert_string_equal(f.target_comm, "victim");
	/* gone: no target */
	c->pid = 0;
	expect_not(render(r, 1, false), "target");
	assert_int_equal(mmt_decode(r, ctx_len(r), 0, &ev), 0);
	mmt_det_facts_from_event(&ev, false, &f);
	assert_false(f.target_known);
	/* a name without its NUL is refused */
	memset(c->comm, 'x', sizeof(c->comm));
	assert_int_equal(mmt_decode(r, ctx_len(r), 0, &ev), -EINVAL);
	free(r);
}

static void test_fd_truncated(void **state)
{
	struct mmt_argctx *c;
	struct mmt_record *r = mmap_fd(MMT_FILE_PATH, "/lib/libc.so.6", MMT_FILE_TRUNCATED, &c);

	(void)state;
	expect(render(r, 0, false), "fd: 3<.../lib/libc.so.6>,");
	expect(render(r, 1, false), "\"path\":\".../lib/libc.so.6\",\"truncated\":true,");
	/* as the kernel side writes it: marked already, not twice */
	snprintf(c->path, sizeof(c->path), ".../lib/libc.so.6");
	expect(render(r, 0, false), "fd: 3<.../lib/libc.so.6>,");
	expect(render(r, 1, false), "\"path\":\".../lib/libc.so.6\",\"truncated\":true,");
	free(r);
}

static void test_fd_bad_and_none(void **state)
{
	struct mmt_argctx *c;
	struct mmt_record *r = mmap_fd(MMT_FILE_NONE, "", 0, &c);

	(void)state;
	c->state = MMT_CTXS_BADFD;
	expect(render(r, 0, false), "fd: 3, off");
	expect(render(r, 1, false), "\"value\":3,\"pathError\":\"EBADF\"}");
	c->state = MMT_CTXS_NONE;
	expect(render(r, 0, false), "fd: 3, off");
	expect(render(r, 1, false), "\"value\":3},");
	free(r);
}

/* mprotect(0x2000, 4096, PROT_READ) with the mapping at 0x2000 */
static struct mmt_record *mprotect_vma(struct mmt_argctx **c)
{
	struct mmt_record *r = ctx_record(MMT_EV_MPROTECT, MMT_CTX_VMA, 0, c);

	r->args[0] = 0x2000;
	r->args[1] = 4096;
	r->args[2] = 1;
	(*c)->vm_start = 0x1000;
	(*c)->vm_end = 0x5000;
	(*c)->vm_flags = MMT_VM_READ | MMT_VM_WRITE;
	(*c)->count = 1;
	return r;
}

static void test_mapping_anon_heap_stack(void **state)
{
	static const struct {
		__u8 special;
		const char *name, *backing;
	} cases[] = {
		{MMT_VMA_PLAIN, "[anon]", "anon"},
		{MMT_VMA_HEAP, "[heap]", "heap"},
		{MMT_VMA_STACK, "[stack]", "stack"},
		{MMT_VMA_VDSO, "[vdso]", "vdso"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mmt_argctx *c;
		struct mmt_record *r = mprotect_vma(&c);
		char want[256];

		c->special = cases[i].special;
		snprintf(want, sizeof(want), "addr: 0x2000 (mapping 0x1000-0x5000 rw-p %s), len",
			 cases[i].name);
		expect(render(r, 0, false), want);
		snprintf(want, sizeof(want),
			 "\"value\":8192,\"mapping\":{\"mapped\":true,\"start\":4096,\"end\":20480,"
			 "\"prot\":\"PROT_READ|PROT_WRITE\",\"perms\":\"rw-p\",\"shared\":false,"
			 "\"vmFlags\":3,\"vmFlagNames\":\"rd "
			 "wr\",\"backing\":\"%s\",\"mappings\":1}}",
			 cases[i].backing);
		expect(render(r, 1, false), want);
		expect(render(r, 1, true), "\"start\":\"0x1000\",\"end\":\"0x5000\"");
		free(r);
	}
}

static void test_mapping_file_and_span(void **state)
{
	struct mmt_argctx *c;
	struct mmt_record *r = mprotect_vma(&c);

	(void)state;
	c->vm_flags = MMT_VM_READ | MMT_VM_EXEC | MMT_VM_MAYSHARE | MMT_VM_SHARED | MMT_VM_LOCKED;
	c->vm_pgoff = 3;
	c->file_kind = MMT_FILE_PSEUDO;
	snprintf(c->path, sizeof(c->path), "memfd:jit");
	c->dev = 1;
	c->ino = 77;
	c->count = 2;
	expect(render(r, 0, false),
	       "addr: 0x2000 (mapping 0x1000-0x5000 r-xs /memfd:jit (deleted), 2 mappings), len");
	expect(render(r, 1, false),
	       "\"prot\":\"PROT_READ|PROT_EXEC\",\"perms\":\"r-xs\",\"shared\":true,"
	       "\"locked\":true,");
	/* smaps' names of the low 32 bits; higher bits have no name here */
	c->vm_flags |= 1ULL << 11 | 1ULL << 40;
	expect(render(r, 1, false), "\"vmFlagNames\":\"rd ex sh ms lo\",");
	c->vm_flags &= ~(1ULL << 11 | 1ULL << 40);
	expect(render(r, 1, false),
	       "\"backing\":\"memfd\",\"path\":\"/memfd:jit\",\"deleted\":true,");
	expect(render(r, 1, false), "\"inode\":77,\"offset\":12288,\"mappings\":2}");
	c->more = 1;
	expect(render(r, 0, false), ", 2+ mappings)");
	expect(render(r, 1, false), "\"mappings\":2,\"more\":true}");
	c->file_kind = MMT_FILE_PATH;
	c->vm_flags = 0;
	snprintf(c->path, sizeof(c->path), "/usr/lib/x.so");
	expect(render(r, 0, false), "(mapping 0x1000-0x5000 ---p /usr/lib/x.so, 2+ mappings)");
	expect(render(r, 1, false), "\"prot\":\"PROT_NONE\"");
	expect(render(r, 1, false), "\"backing\":\"file\"");
	expect_not(render(r, 1, false), "deleted");
	free(r);
}

static void test_mapping_unmapped_and_error(void **state)
{
	struct mmt_argctx *c;
	struct mmt_record *r = mprotect_vma(&c);

	(void)state;
	c->state = MMT_CTXS_UNMAPPED;
	c->count = 0;
	expect(render(r, 0, false), "addr: 0x2000 (not mapped), len");
	expect(render(r, 1, false), "\"value\":8192,\"mapping\":{\"mapped\":false}}");
	c->state = MMT_CTXS_ERROR;
	c->err = -16;
	expect(render(r, 0, false), "addr: 0x2000 (mapping unknown: EBUSY), len");
	expect(render(r, 1, false), "\"mapping\":{\"error\":\"EBUSY\"}}");
	free(r);
}

/* Contexts the decoder refuses: nothing in them is trusted. */
static void test_unsound_contexts(void **state)
{
	struct mmt_decoded_event ev;
	struct mmt_argctx *c;
	struct mmt_record *r = mprotect_vma(&c);
	struct mmt_argctx good = *c;

	(void)state;
	assert_int_equal(mmt_decode(r, ctx_len(r), 0, &ev), 0);
	assert_ptr_equal(ev.args[0].ctx, c);
	assert_null(ev.args[1].ctx);
	/* the record without its context's bytes, or with the flag off */
	assert_int_equal(mmt_decode(r, record_len(r), 0, &ev), -EINVAL);
	r->flags &= ~MMT_REC_ARGCTX;
	assert_int_equal(mmt_decode(r, ctx_len(r), 0, &ev), -EINVAL);
	assert_int_equal(mmt_decode(r, record_len(r), 0, &ev), 0);
	assert_null(ev.args[0].ctx);
	r->flags |= MMT_REC_ARGCTX;
#define BAD(stmt)                                                                                  \
	do {                                                                                       \
		*c = good;                                                                         \
		stmt;                                                                              \
		assert_int_equal(mmt_decode(r, ctx_len(r), 0, &ev), -EINVAL);                      \
	} while (0)
	BAD(c->arg = 1); /* len is no range start */
	BAD(c->arg = 9);
	BAD(c->kind = MMT_CTX_FD); /* mprotect has no fd */
	BAD(c->kind = 7);
	BAD(c->state = MMT_CTXS_COUNT);
	BAD(c->file_kind = MMT_FILE_KIND_COUNT);
	BAD(c->special = MMT_VMA_SPECIAL_COUNT);
	BAD(c->count = MMT_VMA_SPAN_MAX + 1);
	BAD(c->more = 2);
	BAD(c->file_flags = 4);
	BAD(memset(c->path, 'a', sizeof(c->path))); /* no NUL */
	BAD(c->vm_end = c->vm_start);
	BAD(c->count = 0);
#undef BAD
	free(r);
}

/* mbind's compact masks payload: the context follows it on the wire and
 * the full payload once joined. */
static void test_compact_join(void **state)
{
	size_t wire_len = sizeof(struct mmt_call) + sizeof(struct mmt_payload_masks_compact) +
			  sizeof(struct mmt_argctx);
	_Alignas(8) unsigned char wire[sizeof(struct mmt_call) +
				       sizeof(struct mmt_payload_masks_compact) +
				       sizeof(struct mmt_argctx)];
	_Alignas(8) unsigned char out[sizeof(struct mmt_record) + sizeof(struct mmt_payload_masks) +
				      sizeof(struct mmt_argctx)];
	struct mmt_call *call = (struct mmt_call *)wire;
	struct mmt_argctx *c = (struct mmt_argctx *)(wire + sizeof(struct mmt_call) +
						     sizeof(struct mmt_payload_masks_compact));
	struct mmt_tasks t = {0};
	struct mmt_task task;
	struct mmt_decoded_event ev;
	size_t len = 0;

	(void)state;
	memset(wire, 0, sizeof(wire));
	memset(&task, 0, sizeof(task));
	task.event = MMT_WIRE_TASK;
	task.host_tid = 77;
	assert_int_equal(mmt_tasks_take(&t, &task, sizeof(task), out, sizeof(out), &len),
			 MMT_WIRE_CONTEXT);
	call->event = MMT_EV_MBIND;
	call->payload = MMT_PAYLOAD_MASKS;
	call->flags = MMT_REC_COMPACT | MMT_REC_ARGCTX;
	call->host_tid = 77;
	call->args[0] = 0x2000;
	c->kind = MMT_CTX_VMA;
	c->state = MMT_CTXS_OK;
	c->vm_start = 0x1000;
	c->vm_end = 0x3000;
	c->count = 1;
	c->special = MMT_VMA_HEAP;
	assert_int_equal(mmt_tasks_take(&t, wire, wire_len, out, sizeof(out), &len), MMT_WIRE_CALL);
	assert_int_equal(len, sizeof(out));
	assert_int_equal(mmt_decode(out, len, 0, &ev), 0);
	assert_non_null(ev.args[0].ctx);
	assert_int_equal(ev.args[0].ctx->vm_end, 0x3000);
	assert_int_equal(ev.args[0].ctx->special, MMT_VMA_HEAP);
	/* a compact record one byte short of its context */
	assert_int_equal(mmt_tasks_take(&t, wire, wire_len - 1, out, sizeof(out), &len),
			 MMT_WIRE_MALFORMED);
	/* no room for it in the output */
	assert_int_equal(mmt_tasks_take(&t, wire, wire_len, out, sizeof(out) - 8, &len),
			 MMT_WIRE_MALFORMED);
	mmt_tasks_free(&t);
}

/* The findings engine takes the file and the mapping from the context. */
static void test_facts_live(void **state)
{
	struct mmt_decoded_event ev;
	struct mmt_det_facts f;
	struct mmt_argctx *c;
	struct mmt_record *r = mmap_fd(MMT_FILE_PSEUDO, "memfd:jit", 0, &c);

	(void)state;
	assert_int_equal(mmt_decode(r, ctx_len(r), 0, &ev), 0);
	mmt_det_facts_from_event(&ev, false, &f);
	assert_true(f.file.known && f.file.has_ino);
	assert_int_equal(f.file.dev, makedev(8, 1));
	assert_int_equal(f.file.ino, 42);
	assert_string_equal(f.file.path, "/memfd:jit (deleted)");
	assert_false(f.file.path_cut);
	free(r);

	/* MAP_ANONYMOUS ignores the fd, and so do the facts */
	r = mmap_fd(MMT_FILE_PATH, "/etc/passwd", 0, &c);
	r->args[3] = 0x21; /* MAP_SHARED|MAP_ANONYMOUS */
	assert_int_equal(mmt_decode(r, ctx_len(r), 0, &ev), 0);
	mmt_det_facts_from_event(&ev, false, &f);
	assert_false(f.file.known);
	free(r);

	r = mprotect_vma(&c);
	c->vm_flags |= MMT_VM_MAYSHARE;
	c->file_kind = MMT_FILE_PATH;
	c->file_flags = MMT_FILE_TRUNCATED;
	c->ino = 9;
	snprintf(c->path, sizeof(c->path), "/b/c");
	assert_int_equal(mmt_decode(r, ctx_len(r), 0, &ev), 0);
	mmt_det_facts_from_event(&ev, false, &f);
	assert_true(f.map_known && f.map_shared);
	assert_int_equal(f.map_start, 0x1000);
	assert_int_equal(f.map_end, 0x5000);
	assert_int_equal(f.file.ino, 9);
	assert_string_equal(f.file.path, ".../b/c");
	assert_true(f.file.path_cut);
	free(r);
}

static void test_facts_json(void **state)
{
	static const char fd_line[] =
		"{\"hostProcessId\":7,\"eventName\":\"mmap\",\"returnValue\":4096,\"args\":["
		"{\"name\":\"addr\",\"value\":0},{\"name\":\"length\",\"value\":4096},"
		"{\"name\":\"prot\",\"value\":3},{\"name\":\"flags\",\"value\":1},"
		"{\"name\":\"fd\",\"type\":\"int\",\"value\":3,\"path\":\"/memfd:jit\","
		"\"deleted\":true,\"device\":1,\"inode\":77},{\"name\":\"off\",\"value\":0}]}";
	static const char map_line[] =
		"{\"hostProcessId\":7,\"eventName\":\"mprotect\",\"returnValue\":0,\"args\":["
		"{\"name\":\"addr\",\"value\":\"0x2000\",\"mapping\":{\"mapped\":true,"
		"\"start\":\"0x1000\",\"end\":\"0x5000\",\"perms\":\"rw-s\",\"shared\":true,"
		"\"backing\":\"file\",\"path\":\".../b/c\",\"truncated\":true,\"device\":2,"
		"\"inode\":9,\"offset\":0,\"mappings\":1}},{\"name\":\"len\",\"value\":4096},"
		"{\"name\":\"prot\",\"value\":\"PROT_READ\"}]}";
	static const char anon_line[] =
		"{\"hostProcessId\":7,\"eventName\":\"mmap\",\"returnValue\":4096,\"args\":["
		"{\"name\":\"addr\",\"value\":0},{\"name\":\"length\",\"value\":4096},"
		"{\"name\":\"prot\",\"value\":3},{\"name\":\"flags\",\"value\":33},"
		"{\"name\":\"fd\",\"type\":\"int32\",\"value\":3,\"path\":\"/etc/passwd\","
		"\"device\":1,\"inode\":77},{\"name\":\"off\",\"value\":0}]}";
	static const char unmapped_line[] =
		"{\"hostProcessId\":7,\"eventName\":\"mprotect\",\"returnValue\":-12,\"args\":["
		"{\"name\":\"addr\",\"value\":8192,\"mapping\":{\"mapped\":false}},"
		"{\"name\":\"len\",\"value\":4096},{\"name\":\"prot\",\"value\":1}]}";
	struct mmt_det_facts f;

	(void)state;
	assert_int_equal(mmt_det_facts_from_json(fd_line, strlen(fd_line), &f), MMT_DET_LINE_EVENT);
	assert_true(f.file.known && f.file.has_ino);
	assert_int_equal(f.file.dev, 1);
	assert_int_equal(f.file.ino, 77);
	assert_string_equal(f.file.path, "/memfd:jit (deleted)");
	assert_int_equal(f.fd, 3);
	/* MAP_SHARED|MAP_ANONYMOUS (33): the fd is ignored, so is its file */
	assert_int_equal(mmt_det_facts_from_json(anon_line, strlen(anon_line), &f),
			 MMT_DET_LINE_EVENT);
	assert_int_equal(f.flags, 33);
	assert_false(f.file.known);
	assert_int_equal(mmt_det_facts_from_json(map_line, strlen(map_line), &f),
			 MMT_DET_LINE_EVENT);
	assert_true(f.map_known && f.map_shared);
	assert_int_equal(f.map_start, 0x1000);
	assert_int_equal(f.map_end, 0x5000);
	assert_int_equal(f.addr, 0x2000);
	assert_int_equal(f.file.ino, 9);
	assert_true(f.file.path_cut);
	assert_int_equal(mmt_det_facts_from_json(unmapped_line, strlen(unmapped_line), &f),
			 MMT_DET_LINE_EVENT);
	assert_false(f.map_known);
	assert_false(f.file.known);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fd_regular),
		cmocka_unit_test(test_fd_kinds),
		cmocka_unit_test(test_fd_pidfd_target),
		cmocka_unit_test(test_fd_truncated),
		cmocka_unit_test(test_fd_bad_and_none),
		cmocka_unit_test(test_mapping_anon_heap_stack),
		cmocka_unit_test(test_mapping_file_and_span),
		cmocka_unit_test(test_mapping_unmapped_and_error),
		cmocka_unit_test(test_unsound_contexts),
		cmocka_unit_test(test_compact_join),
		cmocka_unit_test(test_facts_live),
		cmocka_unit_test(test_facts_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
