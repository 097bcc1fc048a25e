// SPDX-License-Identifier: GPL-2.0
/*
 * make_seeds.c - write one valid record per event into DIR, as the seed
 * corpus of fuzz_decode: the fuzzer starts from records the decoder
 * accepts and mutates them from there. Also each record as the ring buffer
 * carries it (wire-*), and a thread context and a thread gone for them.
 * Usage: make_seeds DIR
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include "context/tasks.h"
#include "decoders/decode.h"

static void fill_mask(struct mmt_mask *m, int nbits)
{
	m->state = MMT_READ_OK;
	m->nbits = nbits;
	m->words[0] = 0x5;
	m->words[1] = 1ULL << 3;
}

#define SEED_TID 77

static int write_seed(const char *path, const void *p, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(p, len, 1, f) != 1) {
		perror(path);
		if (f)
			fclose(f);
		return 1;
	}
	fclose(f);
	return 0;
}

/* Records with an argument's context (-y, --mappings): mmap's fd, the
 * mapping of an mprotect, and mbind's compact wire form followed by one. */
static int ctx_seeds(const char *dir)
{
	static const struct {
		enum mmt_event ev;
		__u8 kind, arg;
		const char *name;
	} seeds[] = {
		{ MMT_EV_MMAP, MMT_CTX_FD, 4, "ctx-mmap" },
		{ MMT_EV_MPROTECT, MMT_CTX_VMA, 0, "ctx-mprotect" },
		{ MMT_EV_MBIND, MMT_CTX_VMA, 0, "ctx-mbind" },
	};
	char path[4096];

	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		const struct mmt_event_desc *d = &mmt_events[seeds[i].ev];
		size_t len = mmt_record_size(d) + sizeof(struct mmt_argctx);
		struct mmt_record *r = calloc(1, len);
		struct mmt_argctx *c;
		int err;

		if (!r)
			return 1;
		r->event = seeds[i].ev;
		r->payload = d->payload;
		r->flags = MMT_REC_ARGCTX;
		r->args[0] = 0x7f0000002000;
		r->args[1] = 8192;
		r->args[4] = 3;
		c = (struct mmt_argctx *)((char *)r + mmt_record_size(d));
		c->kind = seeds[i].kind;
		c->arg = seeds[i].arg;
		c->state = MMT_CTXS_OK;
		c->file_kind = MMT_FILE_PATH;
		c->file_flags = MMT_FILE_TRUNCATED | MMT_FILE_DELETED;
		c->vm_start = 0x7f0000001000;
		c->vm_end = 0x7f0000003000;
		c->vm_flags = 0x8f;
		c->count = 2;
		c->more = 1;
		c->dev = (8 << 20) | 1;
		c->ino = 42;
		strcpy(c->path, ".../x\"y\n");
		snprintf(path, sizeof(path), "%s/%s", dir, seeds[i].name);
		err = write_seed(path, r, len);
		free(r);
		if (err)
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct mmt_task task = { 0 };
	struct mmt_task_gone gone = { 0 };
	char path[4096];

	if (argc != 2) {
		fprintf(stderr, "usage: make_seeds DIR\n");
		return 2;
	}
	for (int i = 0; i < MMT_EV_COUNT; i++) {
		const struct mmt_event_desc *d = &mmt_events[i];
		size_t len = mmt_record_size(d);
		struct mmt_record *r = calloc(1, len);
		size_t wire_len, head;
		char *wire;
		__u16 flags;
		FILE *f;

		if (!r)
			return 1;
		r->event = i;
		r->payload = d->payload;
		r->flags = i % 3 == 0 ? MMT_REC_COMPAT : 0;
		r->ret = i % 2 ? -22 : 0;
		for (int a = 0; a < MMT_MAX_ARGS; a++)
			r->args[a] = 0x1000 * (a + 1) + i;
		memcpy(r->comm, "seed\"\\\n\x01\xff", 10);
		strcpy(r->exe, "/usr/bin/seed");
		strcpy(r->host, "host");
		if (d->migrates) {
			r->flags |= MMT_REC_MIGRATED;
			r->migrate_batches = 2;
			r->migrate_succeeded = 510;
			r->migrate_failed = 2;
			r->migrate_split = 1;
		}
		if (d->has_target) {
			r->flags |= MMT_REC_TARGET;
			r->target_uid = 1000;
			r->target_host_pid = 4242;
			memcpy(r->target_comm, "victim\x7f", 8);
		}
		if (d->payload == MMT_PAYLOAD_MASKS) {
			struct mmt_payload_masks *p = (void *)(r + 1);

			fill_mask(&p->masks[0], 130);
			p->masks[1].state = MMT_READ_FAULT;
			p->masks[1].read_err = -14;
			/* the kernel's copy, by fexit: another node set (a race) */
			p->toctou_method = MMT_KCOPY_FEXIT;
			p->changed[0] = 1;
			fill_mask(&p->kmasks[0], 130);
			p->kmasks[0].words[0] = 0x7;
			p->kmasks[1].state = MMT_READ_OK;
			p->kmasks[1].nbits = 64;
			p->kmasks[1].words[0] = 0x2;
			p->out_int_state = MMT_READ_OK;
			p->out_int = 2;
		} else if (d->payload == MMT_PAYLOAD_MOVE_PAGES) {
			struct mmt_payload_move_pages *p = (void *)(r + 1);

			p->pages.state = MMT_READ_OK;
			p->pages.elem_size = 8;
			p->pages.count = 3;
			/* read up to an unreadable page: its first element */
			p->nodes.state = MMT_READ_OK;
			p->nodes.elem_size = 4;
			p->nodes.count = 1;
			p->nodes.partial = 1;
			p->nodes.read_err = -14;
			p->status.state = MMT_READ_NULL;
		} else if (d->payload == MMT_PAYLOAD_ARRAY) {
			struct mmt_payload_array *p = (void *)(r + 1);
			bool vec = i == MMT_EV_MINCORE;

			/* mincore's vec: 600 pages, 512 read; iovecs: 9, 8 read
			 * (ia32 ones, 8 bytes) */
			p->array.state = MMT_READ_OK;
			p->array.elem_size = vec ? 1 : (r->flags & MMT_REC_COMPAT ? 8 : 16);
			p->array.count = vec ? MMT_ARRAY_BYTES : MMT_IOVEC_MAX;
			p->array.total = vec ? 600 : 9;
			p->array.truncated = 1;
			memset(p->array.data, 0x5, sizeof(p->array.data));
		}
		snprintf(path, sizeof(path), "%s/%s", argv[1], d->name);
		f = fopen(path, "wb");
		if (!f || fwrite(r, len, 1, f) != 1) {
			perror(path);
			return 1;
		}
		fclose(f);
		if (i == MMT_EV_MMAP) {
			/* the ia32 old mmap whose argument struct was unreadable */
			struct mmt_record old = *r;

			old.flags = MMT_REC_COMPAT | MMT_REC_ARGS_UNREAD;
			old.nr = d->ia32_nr2;
			old.args[0] = 0xffff1000;
			old.args[1] = (__u64)-14;
			snprintf(path, sizeof(path), "%s/mmap-old-unread", argv[1]);
			if (write_seed(path, &old, sizeof(old)))
				return 1;
		}
		/* the same call as the ring buffer carries it: the call fields
		 * (and the extra ones of an event that has them) and the
		 * payload, for the thread of the wire-task seed */
		r->host_tid = SEED_TID;
		wire = malloc(len);
		wire_len = wire ? mmt_tasks_wire_of(r, len, wire, len) : 0;
		if (!wire_len)
			return 1;
		head = wire_len - (len - sizeof(*r));
		snprintf(path, sizeof(path), "%s/wire-%s", argv[1], d->name);
		if (write_seed(path, wire, wire_len))
			return 1;
		if (d->payload == MMT_PAYLOAD_MASKS) {
			/* and in the compact form: one word per mask */
			struct mmt_payload_masks_compact c = { 0 };

			c.masks[0].state = MMT_READ_OK;
			c.masks[0].nbits = 130;
			c.masks[0].word = 0x8000000000000101ULL;
			c.masks[1].state = MMT_READ_FAULT;
			c.masks[1].read_err = -14;
			c.kmasks[0].state = MMT_READ_OK;
			c.kmasks[0].nbits = 130;
			c.kmasks[0].word = 1;
			c.out_int_state = MMT_READ_OK;
			c.toctou_method = MMT_KCOPY_FEXIT;
			flags = ((struct mmt_call *)wire)->flags;
			((struct mmt_call *)wire)->flags = flags | MMT_REC_COMPACT;
			memcpy(wire + head, &c, sizeof(c));
			snprintf(path, sizeof(path), "%s/wire-compact-%s", argv[1], d->name);
			if (write_seed(path, wire, head + sizeof(c)))
				return 1;
			/* no kernel-copy hook planned: the form without kmasks */
			((struct mmt_call *)wire)->flags =
				flags | MMT_REC_COMPACT | MMT_REC_NO_KMASKS;
			snprintf(path, sizeof(path), "%s/wire-nokmasks-%s", argv[1], d->name);
			if (write_seed(path, wire,
				       head + offsetof(struct mmt_payload_masks_compact, kmasks)))
				return 1;
		}
		free(wire);
		free(r);
	}
	if (ctx_seeds(argv[1]))
		return 1;
	task.event = MMT_WIRE_TASK;
	task.host_tid = SEED_TID;
	task.thread_start_ns = 12345;
	strcpy(task.exe, "/usr/bin/seed \"task\"");
	task.exe_truncated = 1; /* the tail of a longer path */
	strcpy(task.host, "host\x01");
	snprintf(path, sizeof(path), "%s/wire-task", argv[1]);
	if (write_seed(path, &task, sizeof(task)))
		return 1;
	gone.event = MMT_WIRE_TASK_GONE;
	gone.host_tid = SEED_TID;
	snprintf(path, sizeof(path), "%s/wire-task-gone", argv[1]);
	return write_seed(path, &gone, sizeof(gone));
}
