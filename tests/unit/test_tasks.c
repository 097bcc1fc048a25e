// SPDX-License-Identifier: GPL-2.0
/*
 * test_tasks.c - the join of call records with their thread's context:
 * every field of a joined record comes from the call or from the latest
 * context of its thread, and the table of contexts never loses or mixes
 * up a live thread, whatever order threads come and go in.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "context/tasks.h"

#define OUT_SIZE (sizeof(struct mmt_record) + sizeof(struct mmt_payload_masks))

static _Alignas(8) unsigned char out[OUT_SIZE];

static struct mmt_task task_of(__u32 tid, __u32 salt)
{
	struct mmt_task t;

	memset(&t, 0, sizeof(t));
	t.event = MMT_WIRE_TASK;
	t.host_tid = tid;
	t.thread_start_ns = 1000000ULL * tid + salt;
	t.host_ppid = tid + 1;
	t.pid = tid + 2;
	t.tid = tid + 3;
	t.ppid = tid + 4;
	t.mnt_ns = 4026531840u + salt;
	t.pid_ns = 4026531836u;
	snprintf(t.host, sizeof(t.host), "host-%u-%u", tid, salt);
	snprintf(t.exe, sizeof(t.exe), "/usr/bin/prog-%u-%u", tid, salt);
	return t;
}

static struct mmt_call call_of(__u32 tid, __u16 event)
{
	struct mmt_call c;

	memset(&c, 0, sizeof(c));
	c.event = event;
	c.host_tid = tid;
	c.host_pid = tid - tid % 10;
	c.enter_ns = 111;
	c.exit_ns = 222;
	c.ret = -22;
	for (int i = 0; i < MMT_MAX_ARGS; i++)
		c.args[i] = 0x1000 + i;
	strcpy(c.comm, "caller");
	return c;
}

static enum mmt_wire_result take(struct mmt_tasks *t, const void *rec, size_t len, size_t *olen)
{
	return mmt_tasks_take(t, rec, len, out, sizeof(out), olen);
}

static void send_task(struct mmt_tasks *t, __u32 tid, __u32 salt)
{
	struct mmt_task task = task_of(tid, salt);
	size_t olen;

	assert_int_equal(take(t, &task, sizeof(task), &olen), MMT_WIRE_CONTEXT);
}

static void send_gone(struct mmt_tasks *t, __u32 tid)
{
	struct mmt_task_gone g = { .event = MMT_WIRE_TASK_GONE, .host_tid = tid };
	size_t olen;

	assert_int_equal(take(t, &g, sizeof(g), &olen), MMT_WIRE_CONTEXT);
}

/* The call of tid must come out with the context (tid, salt). */
static void expect_joined(struct mmt_tasks *t, __u32 tid, __u32 salt)
{
	struct mmt_call c = call_of(tid, MMT_EV_MREMAP);
	struct mmt_task want = task_of(tid, salt);
	const struct mmt_record *r = (const void *)out;
	size_t olen = 0;

	memset(out, 0xa5, sizeof(out));
	assert_int_equal(take(t, &c, sizeof(c), &olen), MMT_WIRE_CALL);
	assert_int_equal(olen, sizeof(struct mmt_record));
	assert_memory_equal(r, &c, sizeof(c));
	assert_int_equal(r->thread_start_ns, want.thread_start_ns);
	assert_int_equal(r->host_ppid, want.host_ppid);
	assert_int_equal(r->pid, want.pid);
	assert_int_equal(r->tid, want.tid);
	assert_int_equal(r->ppid, want.ppid);
	assert_int_equal(r->mnt_ns, want.mnt_ns);
	assert_int_equal(r->pid_ns, want.pid_ns);
	assert_string_equal(r->host, want.host);
	assert_string_equal(r->exe, want.exe);
	/* the padding after the context is zeroed, not left over */
	for (size_t i = sizeof(struct mmt_call) + sizeof(want) - offsetof(struct mmt_task,
									   thread_start_ns);
	     i < sizeof(struct mmt_record); i++)
		assert_int_equal(out[i], 0);
}

static void expect_unknown(struct mmt_tasks *t, __u32 tid)
{
	struct mmt_call c = call_of(tid, MMT_EV_MREMAP);
	size_t olen;

	assert_int_equal(take(t, &c, sizeof(c), &olen), MMT_WIRE_NO_CONTEXT);
}

static void test_join_and_replace(void **state)
{
	struct mmt_tasks t = { 0 };

	(void)state;
	expect_unknown(&t, 42);
	send_task(&t, 42, 1);
	expect_joined(&t, 42, 1);
	expect_joined(&t, 42, 1);
	send_task(&t, 42, 2); /* exec, new parent...: the newer context wins */
	expect_joined(&t, 42, 2);
	assert_int_equal(mmt_tasks_count(&t), 1);
	send_gone(&t, 42);
	expect_unknown(&t, 42);
	assert_int_equal(mmt_tasks_count(&t), 0);
	send_gone(&t, 42); /* twice, or never known: harmless */
	send_gone(&t, 7);
	mmt_tasks_free(&t);
}

static void test_payload_follows(void **state)
{
	struct mmt_tasks t = { 0 };
	_Alignas(8) unsigned char rec[sizeof(struct mmt_call) + sizeof(struct mmt_payload_masks)];
	struct mmt_call c = call_of(9, MMT_EV_SET_MEMPOLICY);
	size_t olen;

	(void)state;
	send_task(&t, 9, 0);
	memcpy(rec, &c, sizeof(c));
	for (size_t i = sizeof(c); i < sizeof(rec); i++)
		rec[i] = (unsigned char)i;
	assert_int_equal(take(&t, rec, sizeof(rec), &olen), MMT_WIRE_CALL);
	assert_int_equal(olen, sizeof(struct mmt_record) + sizeof(struct mmt_payload_masks));
	assert_memory_equal(out + sizeof(struct mmt_record), rec + sizeof(c),
			    sizeof(struct mmt_payload_masks));
	mmt_tasks_free(&t);
}

/* A compact masks payload comes out as the full one it stands for. */
static void test_compact_masks(void **state)
{
	struct mmt_tasks t = { 0 };
	_Alignas(8) unsigned char rec[sizeof(struct mmt_call) +
				      sizeof(struct mmt_payload_masks_compact)];
	struct mmt_call c = call_of(9, MMT_EV_MIGRATE_PAGES);
	struct mmt_payload_masks_compact pc;
	const struct mmt_payload_masks *pm = (const void *)(out + sizeof(struct mmt_record));
	const struct mmt_record *r = (const void *)out;
	size_t olen;

	(void)state;
	memset(&pc, 0, sizeof(pc));
	pc.masks[0] = (struct mmt_mask_compact){ MMT_READ_OK, 1, 1024, 0, 0x8000000000000005ULL };
	pc.masks[1] = (struct mmt_mask_compact){ MMT_READ_FAULT, 0, 0, -14, 0 };
	pc.kmasks[0] = (struct mmt_mask_compact){ MMT_READ_OK, 0, 64, 0, 0x3 };
	pc.kmasks[1] = (struct mmt_mask_compact){ MMT_READ_NULL, 0, 0, 0, 0 };
	pc.out_int = -7;
	pc.out_int_state = MMT_READ_OK;
	pc.changed[0] = 1;
	pc.changed[1] = 0;
	pc.toctou_method = MMT_KCOPY_FEXIT;
	c.payload = MMT_PAYLOAD_MASKS;
	c.flags = MMT_REC_COMPACT | MMT_REC_COMPAT;
	memcpy(rec, &c, sizeof(c));
	memcpy(rec + sizeof(c), &pc, sizeof(pc));
	send_task(&t, 9, 0);
	memset(out, 0xa5, sizeof(out));
	assert_int_equal(take(&t, rec, sizeof(rec), &olen), MMT_WIRE_CALL);
	assert_int_equal(olen, sizeof(struct mmt_record) + sizeof(struct mmt_payload_masks));
	assert_int_equal(r->flags, MMT_REC_COMPAT); /* the wire-only flag is gone */
	assert_int_equal(r->payload, MMT_PAYLOAD_MASKS);
	assert_int_equal(pm->masks[0].state, MMT_READ_OK);
	assert_int_equal(pm->masks[0].truncated, 1);
	assert_int_equal(pm->masks[0].nbits, 1024);
	assert_int_equal(pm->masks[0].words[0], 0x8000000000000005ULL);
	for (int i = 1; i < MMT_MASK_WORDS; i++) {
		assert_int_equal(pm->masks[0].words[i], 0);
		assert_int_equal(pm->kmasks[0].words[i], 0);
	}
	assert_int_equal(pm->masks[1].state, MMT_READ_FAULT);
	assert_int_equal(pm->masks[1].read_err, -14);
	assert_int_equal(pm->kmasks[0].state, MMT_READ_OK);
	assert_int_equal(pm->kmasks[0].nbits, 64);
	assert_int_equal(pm->kmasks[0].words[0], 3);
	assert_int_equal(pm->kmasks[1].state, MMT_READ_NULL);
	assert_int_equal(pm->out_int, -7);
	assert_int_equal(pm->out_int_state, MMT_READ_OK);
	assert_int_equal(pm->changed[0], 1);
	assert_int_equal(pm->changed[1], 0);
	assert_int_equal(pm->toctou_method, MMT_KCOPY_FEXIT);
	/* compact but not a masks payload, or of the wrong length */
	c.payload = MMT_PAYLOAD_NONE;
	memcpy(rec, &c, sizeof(c));
	assert_int_equal(take(&t, rec, sizeof(rec), &olen), MMT_WIRE_MALFORMED);
	c.payload = MMT_PAYLOAD_MASKS;
	memcpy(rec, &c, sizeof(c));
	assert_int_equal(take(&t, rec, sizeof(rec) - 8, &olen), MMT_WIRE_MALFORMED);
	mmt_tasks_free(&t);
}

/* The extra fields ride only with MMT_REC_EXTRA, between the call's fields
 * and the payload; without them the record's are 0. */
static void test_extra_fields(void **state)
{
	struct mmt_tasks t = { 0 };
	_Alignas(8) unsigned char rec[sizeof(struct mmt_call) + sizeof(struct mmt_call_extra) +
				      sizeof(struct mmt_payload_masks)];
	struct mmt_call c = call_of(12, MMT_EV_MIGRATE_PAGES);
	struct mmt_call_extra x;
	const struct mmt_record *r = (const void *)out;
	const struct mmt_payload_masks *pm = (const void *)(out + sizeof(struct mmt_record));
	struct mmt_payload_masks p;
	size_t olen;

	(void)state;
	memset(&x, 0, sizeof(x));
	x.migrate_succeeded = 510;
	x.migrate_failed = 3;
	x.migrate_split = 1;
	x.migrate_batches = 2;
	x.target_uid = 1000;
	x.target_host_pid = 4242;
	strcpy(x.target_comm, "victim");
	memset(&p, 0, sizeof(p));
	p.masks[0].state = MMT_READ_OK;
	p.masks[0].nbits = 128;
	p.masks[0].words[1] = 0x10;
	c.payload = MMT_PAYLOAD_MASKS;
	c.flags = MMT_REC_EXTRA | MMT_REC_MIGRATED | MMT_REC_TARGET;
	memcpy(rec, &c, sizeof(c));
	memcpy(rec + sizeof(c), &x, sizeof(x));
	memcpy(rec + sizeof(c) + sizeof(x), &p, sizeof(p));
	send_task(&t, 12, 0);
	memset(out, 0xa5, sizeof(out));
	assert_int_equal(take(&t, rec, sizeof(rec), &olen), MMT_WIRE_CALL);
	assert_int_equal(olen, sizeof(struct mmt_record) + sizeof(p));
	assert_int_equal(r->flags, MMT_REC_MIGRATED | MMT_REC_TARGET);
	assert_int_equal(r->migrate_succeeded, 510);
	assert_int_equal(r->migrate_failed, 3);
	assert_int_equal(r->migrate_split, 1);
	assert_int_equal(r->migrate_batches, 2);
	assert_int_equal(r->target_uid, 1000);
	assert_int_equal(r->target_host_pid, 4242);
	assert_string_equal(r->target_comm, "victim");
	assert_string_equal(r->comm, "caller");
	assert_int_equal(r->thread_start_ns, task_of(12, 0).thread_start_ns);
	assert_memory_equal(pm, &p, sizeof(p));
	/* the same call without them: its record's are 0 */
	c.flags = 0;
	memcpy(rec, &c, sizeof(c));
	memcpy(rec + sizeof(c), &p, sizeof(p));
	memset(out, 0xa5, sizeof(out));
	assert_int_equal(take(&t, rec, sizeof(c) + sizeof(p), &olen), MMT_WIRE_CALL);
	assert_int_equal(olen, sizeof(struct mmt_record) + sizeof(p));
	assert_int_equal(r->migrate_succeeded, 0);
	assert_int_equal(r->migrate_batches, 0);
	assert_int_equal(r->target_host_pid, 0);
	assert_int_equal(r->target_comm[0], 0);
	assert_memory_equal(pm, &p, sizeof(p));
	/* MMT_REC_EXTRA on a record too short to hold them */
	c.flags = MMT_REC_EXTRA;
	memcpy(rec, &c, sizeof(c));
	assert_int_equal(take(&t, rec, sizeof(c) + sizeof(x) - 1, &olen), MMT_WIRE_MALFORMED);
	mmt_tasks_free(&t);
}

/* No kernel-copy hook planned: the compact form ends before kmasks, which
 * come out as never read. */
static void test_compact_without_kmasks(void **state)
{
	const size_t plen = offsetof(struct mmt_payload_masks_compact, kmasks);
	struct mmt_tasks t = { 0 };
	_Alignas(8) unsigned char rec[sizeof(struct mmt_call) +
				      sizeof(struct mmt_payload_masks_compact)];
	struct mmt_call c = call_of(14, MMT_EV_SET_MEMPOLICY);
	struct mmt_payload_masks_compact pc;
	const struct mmt_payload_masks *pm = (const void *)(out + sizeof(struct mmt_record));
	const struct mmt_record *r = (const void *)out;
	size_t olen;

	(void)state;
	memset(&pc, 0, sizeof(pc));
	pc.masks[0] = (struct mmt_mask_compact){ MMT_READ_OK, 0, 1024, 0, 0x9 };
	pc.masks[1] = (struct mmt_mask_compact){ MMT_READ_NONE, 0, 0, 0, 0 };
	pc.changed[0] = 1;
	pc.toctou_method = MMT_KCOPY_REREAD;
	/* what a sender must not have sent: the reader never looks there */
	pc.kmasks[0] = (struct mmt_mask_compact){ MMT_READ_OK, 0, 64, 0, 0x3 };
	c.payload = MMT_PAYLOAD_MASKS;
	c.flags = MMT_REC_COMPACT | MMT_REC_NO_KMASKS;
	memcpy(rec, &c, sizeof(c));
	memcpy(rec + sizeof(c), &pc, sizeof(pc));
	send_task(&t, 14, 0);
	memset(out, 0xa5, sizeof(out));
	assert_int_equal(take(&t, rec, sizeof(c) + plen, &olen), MMT_WIRE_CALL);
	assert_int_equal(olen, sizeof(struct mmt_record) + sizeof(struct mmt_payload_masks));
	assert_int_equal(r->flags, 0);
	assert_int_equal(pm->masks[0].state, MMT_READ_OK);
	assert_int_equal(pm->masks[0].nbits, 1024);
	assert_int_equal(pm->masks[0].words[0], 0x9);
	assert_int_equal(pm->changed[0], 1);
	assert_int_equal(pm->toctou_method, MMT_KCOPY_REREAD);
	for (int i = 0; i < MMT_MAX_MASKS; i++) {
		assert_int_equal(pm->kmasks[i].state, MMT_READ_NONE);
		assert_int_equal(pm->kmasks[i].nbits, 0);
		assert_int_equal(pm->kmasks[i].words[0], 0);
	}
	/* the whole compact length, or none, is not this form */
	assert_int_equal(take(&t, rec, sizeof(rec), &olen), MMT_WIRE_MALFORMED);
	assert_int_equal(take(&t, rec, sizeof(c) + plen - 8, &olen), MMT_WIRE_MALFORMED);
	c.flags = MMT_REC_NO_KMASKS;
	memcpy(rec, &c, sizeof(c));
	assert_int_equal(take(&t, rec, sizeof(c) + plen, &olen), MMT_WIRE_MALFORMED);
	mmt_tasks_free(&t);
}

/* mmt_tasks_wire_of() is the join's inverse: its form joins back into the
 * record it was made from. */
static void test_wire_of(void **state)
{
	_Alignas(8) unsigned char full[sizeof(struct mmt_record) + sizeof(struct mmt_payload_masks)];
	_Alignas(8) unsigned char wire[sizeof(full)];
	struct mmt_record *r = (void *)full;
	struct mmt_payload_masks *p = (void *)(r + 1);
	struct mmt_task task = task_of(21, 3);
	struct mmt_tasks t = { 0 };
	size_t len, olen;

	(void)state;
	memset(full, 0, sizeof(full));
	r->event = MMT_EV_MBIND;
	r->payload = MMT_PAYLOAD_MASKS;
	r->host_tid = 21;
	r->flags = MMT_REC_MIGRATED;
	r->migrate_batches = 1;
	r->migrate_succeeded = 7;
	p->masks[0].state = MMT_READ_OK;
	p->masks[0].nbits = 64;
	p->masks[0].words[0] = 2;
	memcpy((char *)r + offsetof(struct mmt_record, thread_start_ns),
	       (char *)&task + offsetof(struct mmt_task, thread_start_ns),
	       sizeof(task) - offsetof(struct mmt_task, thread_start_ns));
	len = mmt_tasks_wire_of(r, sizeof(full), wire, sizeof(wire));
	assert_int_equal(len, sizeof(struct mmt_call) + sizeof(struct mmt_call_extra) + sizeof(*p));
	assert_true(((struct mmt_call *)wire)->flags & MMT_REC_EXTRA);
	assert_int_equal(mmt_tasks_wire_of(r, sizeof(full), wire, len - 1), 0);
	send_task(&t, 21, 3);
	assert_int_equal(take(&t, wire, len, &olen), MMT_WIRE_CALL);
	assert_int_equal(olen, sizeof(full));
	assert_memory_equal(out, full, sizeof(full));
	/* nothing in the extra fields: none on the wire */
	r->flags = 0;
	r->migrate_batches = 0;
	r->migrate_succeeded = 0;
	len = mmt_tasks_wire_of(r, sizeof(full), wire, sizeof(wire));
	assert_int_equal(len, sizeof(struct mmt_call) + sizeof(*p));
	assert_int_equal(take(&t, wire, len, &olen), MMT_WIRE_CALL);
	assert_memory_equal(out, full, sizeof(full));
	mmt_tasks_free(&t);
}

static void test_malformed(void **state)
{
	struct mmt_tasks t = { 0 };
	struct mmt_task task = task_of(5, 0);
	struct mmt_task_gone g = { .event = MMT_WIRE_TASK_GONE, .host_tid = 5 };
	struct mmt_call c = call_of(5, MMT_EV_MREMAP);
	unsigned char big[OUT_SIZE + 64] = { 0 };
	size_t olen;

	(void)state;
	assert_int_equal(take(&t, &task, 1, &olen), MMT_WIRE_MALFORMED);
	assert_int_equal(take(&t, &task, sizeof(task) - 1, &olen), MMT_WIRE_MALFORMED);
	assert_int_equal(take(&t, &g, sizeof(g) + 1, &olen), MMT_WIRE_MALFORMED);
	assert_int_equal(take(&t, &c, sizeof(c) - 1, &olen), MMT_WIRE_MALFORMED);
	task.host_tid = 0;
	assert_int_equal(take(&t, &task, sizeof(task), &olen), MMT_WIRE_MALFORMED);
	/* a call too long for the output buffer */
	send_task(&t, 5, 0);
	memcpy(big, &c, sizeof(c));
	assert_int_equal(take(&t, big, sizeof(big), &olen), MMT_WIRE_MALFORMED);
	assert_int_equal(mmt_tasks_take(&t, &c, sizeof(c), out, sizeof(struct mmt_record) - 1,
					&olen),
			 MMT_WIRE_MALFORMED);
	mmt_tasks_free(&t);
}

/*
 * Threads come and go at random, many with tids that collide in the
 * table; after every step each live thread's calls join its latest
 * context and a gone thread's calls join none.
 */
static void test_many_threads(void **state)
{
	enum { TIDS = 3000, STEPS = 40000 };
	static __u32 salt[TIDS]; /* 0: not live */
	struct mmt_tasks t = { 0 };
	size_t live = 0;

	(void)state;
	srand(1);
	for (int step = 1; step <= STEPS; step++) {
		/* tids in steps of 64, which a hash of the low bits would pile up */
		__u32 i = rand() % TIDS, tid = i * 64 + 1 + i % 2;

		if (salt[i] && rand() % 3 == 0) {
			send_gone(&t, tid);
			salt[i] = 0;
			live--;
		} else {
			live += !salt[i];
			salt[i] = step;
			send_task(&t, tid, step);
		}
		if (step % 4000 == 0 || step < 300) {
			for (__u32 j = 0; j < TIDS; j++) {
				__u32 tj = j * 64 + 1 + j % 2;

				if (salt[j])
					expect_joined(&t, tj, salt[j]);
				else
					expect_unknown(&t, tj);
			}
		}
		assert_int_equal(mmt_tasks_count(&t), live);
	}
	mmt_tasks_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_join_and_replace),
		cmocka_unit_test(test_payload_follows),
		cmocka_unit_test(test_compact_masks),
		cmocka_unit_test(test_extra_fields),
		cmocka_unit_test(test_compact_without_kmasks),
		cmocka_unit_test(test_wire_of),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_many_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
