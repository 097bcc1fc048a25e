// SPDX-License-Identifier: GPL-2.0
/*
 * replay.c - how fast mmtrace's user space turns records into output: what
 * the tracer does for each ring-buffer record, on synthetic records, on one
 * CPU: join the call with its thread's context (mmt_tasks_take), decode
 * (mmt_decode, or mmt_decode_values for JSON without --parse-arguments, as
 * the tracer does) and render (mmt_table_event, mmt_json_event) through an
 * outbuf to /dev/null.
 *
 * Usage: replay [-v] [SECONDS]
 *   SECONDS  time of one measurement (default 0.2); each format is measured
 *            5 times and the median rate printed
 *   -v       print each synthetic event once, as table and JSON, first
 *
 * Output, one line per format:
 *   replay format=F events_per_s=N ns_per_event=F bytes_per_event=N
 * F: decode (join and mmt_decode alone), table, json, json-parsed
 * (json with --parse-arguments).
 *
 * The three records cycle: a mremap, a set_mempolicy with a node mask, a
 * migrate_pages with two; the masks go in the compact wire form, as the BPF
 * side sends them. Only the record fields event, args, comm, exe,
 * host, payload and the node masks are set; the length mmt_decode accepts is
 * found at start-up, trying sizeof(struct mmt_record) first, so a payload
 * that grows needs no change here.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "context/tasks.h"
#include "decoders/decode.h"
#include "outputs/output.h"

#define REPEATS 5
#define OUT_BUF (256 << 10) /* as mmtrace's tracer */
#define BOOT_TO_WALL 1795357400000000000ULL
#define MAX_RECORD (sizeof(struct mmt_record) + 16384)
#define MPOL_BIND 2
#define MREMAP_MAYMOVE 1

/* A record and room for whatever payload follows it. */
union record_buf {
	struct mmt_record rec;
	unsigned char bytes[MAX_RECORD];
};

struct sample {
	const char *what;
	union record_buf buf;
	size_t len; /* what mmt_decode accepts */
	union record_buf wire; /* as the ring buffer carries it: the call, payload */
	size_t wire_len;
};

static struct mmt_tasks tasks;
static union record_buf joined;

enum format { F_DECODE, F_TABLE, F_JSON, F_JSON_PARSED, F_COUNT };
static const char *const format_names[F_COUNT] = {"decode", "table", "json", "json-parsed"};

static struct sample samples[3];

/* The node masks of a record: in the payload after the fixed header. */
static struct mmt_mask *record_masks(union record_buf *b)
{
	struct mmt_payload_masks *pm = (struct mmt_payload_masks *)(&b->rec + 1);

	b->rec.payload = MMT_PAYLOAD_MASKS;
	return pm->masks;
}

static void set_mask(struct mmt_mask *m, __u64 nodes)
{
	memset(m, 0, sizeof(*m));
	m->state = MMT_READ_OK;
	m->nbits = MMT_MASK_MAX_BITS; /* maxnode 1025, as numactl passes it */
	m->words[0] = nodes;
}

static void set_context(struct mmt_record *r, const char *comm, const char *exe)
{
	snprintf(r->comm, sizeof(r->comm), "%s", comm);
	snprintf(r->host, sizeof(r->host), "%s", "vm");
	snprintf(r->exe, sizeof(r->exe), "%s", exe);
}

/*
 * A masks payload on the wire as the BPF side nearly always sends it: every
 * mask within its first word and no kernel copy, so compact and without
 * kmasks (MMT_REC_COMPACT | MMT_REC_NO_KMASKS); the join widens it back.
 */
static void compact_wire(struct sample *s)
{
	struct mmt_payload_masks_compact c;
	struct mmt_payload_masks p;
	struct mmt_call call;
	size_t head;

	memcpy(&call, &s->wire, sizeof(call));
	head = sizeof(call) + (call.flags & MMT_REC_EXTRA ? sizeof(struct mmt_call_extra) : 0);
	if (call.payload != MMT_PAYLOAD_MASKS || s->wire_len < head + sizeof(p))
		return;
	memcpy(&p, s->wire.bytes + head, sizeof(p));
	memset(&c, 0, sizeof(c));
	for (int i = 0; i < MMT_MAX_MASKS; i++) {
		for (int w = 1; w < MMT_MASK_WORDS; w++)
			if (p.masks[i].words[w])
				return;
		if (p.kmasks[i].state != MMT_READ_NONE)
			return;
		c.masks[i].state = p.masks[i].state;
		c.masks[i].truncated = p.masks[i].truncated;
		c.masks[i].nbits = p.masks[i].nbits;
		c.masks[i].read_err = p.masks[i].read_err;
		c.masks[i].word = p.masks[i].words[0];
		c.changed[i] = p.changed[i];
	}
	c.out_int = p.out_int;
	c.out_int_state = p.out_int_state;
	c.toctou_method = p.toctou_method;
	memcpy(s->wire.bytes + head, &c, offsetof(struct mmt_payload_masks_compact, kmasks));
	call.flags |= MMT_REC_COMPACT | MMT_REC_NO_KMASKS;
	memcpy(&s->wire, &call, sizeof(call));
	s->wire_len = head + offsetof(struct mmt_payload_masks_compact, kmasks);
}

/* The shortest length, from sizeof(struct mmt_record) on, that decodes. */
static int find_len(struct sample *s)
{
	struct mmt_decoded_event ev;

	for (size_t len = sizeof(struct mmt_record); len <= sizeof(s->buf); len += 8) {
		if (!mmt_decode(&s->buf, len, BOOT_TO_WALL, &ev)) {
			s->len = len;
			return 0;
		}
	}
	fprintf(stderr,
		"replay: mmt_decode accepts the synthetic %s record at no length: the record "
		"layout in src/mmtrace.h changed; update bench/replay.c\n",
		s->what);
	return -1;
}

static int make_samples(void)
{
	struct mmt_record *r;
	struct mmt_mask *m;

	memset(samples, 0, sizeof(samples));

	samples[0].what = "mremap";
	r = &samples[0].buf.rec;
	r->event = MMT_EV_MREMAP;
	r->args[0] = 0x7f3a1c000000ULL; /* addr */
	r->args[1] = 4096;		/* old_len */
	r->args[2] = 8192;		/* new_len */
	r->args[3] = MREMAP_MAYMOVE;
	r->args[4] = 0; /* new_addr */
	set_context(r, "workload", "/work/main/bench/workload");

	samples[1].what = "set_mempolicy";
	r = &samples[1].buf.rec;
	r->event = MMT_EV_SET_MEMPOLICY;
	r->args[0] = MPOL_BIND;
	r->args[1] = 0x55d0c0a1b2c0ULL; /* nodemask */
	r->args[2] = 1025;		/* maxnode */
	m = record_masks(&samples[1].buf);
	set_mask(&m[0], 0x3); /* nodes 0,1 */
	set_context(r, "numactl", "/usr/bin/numactl");

	samples[2].what = "migrate_pages";
	r = &samples[2].buf.rec;
	r->event = MMT_EV_MIGRATE_PAGES;
	r->args[0] = 4242;		/* pid */
	r->args[1] = 1025;		/* maxnode */
	r->args[2] = 0x55d0c0a1b2c0ULL; /* old_nodes */
	r->args[3] = 0x55d0c0a1b340ULL; /* new_nodes */
	m = record_masks(&samples[2].buf);
	set_mask(&m[0], 0x1); /* node 0 */
	set_mask(&m[1], 0x2); /* node 1 */
	set_context(r, "migratepages", "/usr/bin/migratepages");

	for (int i = 0; i < 3; i++) {
		struct sample *sm = &samples[i];
		struct mmt_record *rec = &sm->buf.rec;
		struct mmt_task task = { .event = MMT_WIRE_TASK };
		size_t len;

		if (find_len(sm))
			return -1;
		/* the ring buffer's form: the call, then the payload; the
		 * thread's context sent once, ahead of it */
		rec->host_tid = rec->host_pid = 4000 + i;
		sm->wire_len = mmt_tasks_wire_of(rec, sm->len, &sm->wire, sizeof(sm->wire));
		if (!sm->wire_len)
			return -1;
		compact_wire(sm);
		task.host_tid = rec->host_tid;
		memcpy(task.host, rec->host, sizeof(task.host));
		memcpy(task.exe, rec->exe, sizeof(task.exe));
		if (mmt_tasks_take(&tasks, &task, sizeof(task), &joined, sizeof(joined), &len) !=
		    MMT_WIRE_CONTEXT)
			return -1;
	}
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void render(struct outbuf *ob, enum format f, unsigned long i)
{
	struct sample *s = &samples[i % 3];
	struct mmt_decoded_event ev;
	size_t len;

	if (mmt_tasks_take(&tasks, &s->wire, s->wire_len, &joined, sizeof(joined), &len) !=
		    MMT_WIRE_CALL ||
	    (f == F_JSON ? mmt_decode_values : mmt_decode)(&joined, len, BOOT_TO_WALL, &ev))
		abort(); /* accepted at start-up: cannot happen */
	ev.context_id = mmt_tasks_last_id(&tasks); /* as the tracer does */
	switch (f) {
	case F_TABLE:
		mmt_table_event(ob, &ev);
		break;
	case F_JSON:
		mmt_json_event(ob, &ev, false);
		break;
	case F_JSON_PARSED:
		mmt_json_event(ob, &ev, true);
		break;
	default:
		__asm__ volatile("" : : "r"(&ev) : "memory"); /* keep the decode */
		break;
	}
}

/* Events per second of one format over about `seconds`. */
static double measure(struct outbuf *ob, enum format f, double seconds)
{
	unsigned long n = 3000, done = 0;
	double t0 = now_s(), t;

	for (;;) {
		for (unsigned long i = 0; i < n; i++)
			render(ob, f, done + i);
		done += n;
		t = now_s() - t0;
		if (t >= seconds)
			break;
	}
	ob_flush(ob);
	return done / (now_s() - t0);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Bytes of output per event, averaged over the three samples. */
static size_t bytes_per_event(enum format f)
{
	struct outbuf mem;
	size_t n;

	if (f == F_DECODE || ob_init(&mem, -1, 4096))
		return 0;
	for (int i = 0; i < 3; i++)
		render(&mem, f, i);
	n = mem.len / 3;
	ob_free(&mem);
	return n;
}

static void show_samples(void)
{
	struct outbuf out;

	if (ob_init(&out, STDOUT_FILENO, 4096))
		return;
	mmt_table_header(&out);
	for (int i = 0; i < 3; i++)
		render(&out, F_TABLE, i);
	for (int i = 0; i < 3; i++)
		render(&out, F_JSON, i);
	ob_flush(&out);
	ob_free(&out);
}

int main(int argc, char **argv)
{
	double seconds = 0.2, rates[REPEATS];
	int verbose = 0, ncpu = sysconf(_SC_NPROCESSORS_ONLN), fd, ret = 1;
	struct outbuf ob = {0};
	cpu_set_t set;

	if (argc > 1 && !strcmp(argv[1], "-v")) {
		verbose = 1;
		argc--;
		argv++;
	}
	if (argc > 2 || (argc == 2 && ((seconds = strtod(argv[1], NULL)) <= 0 || seconds > 60))) {
		fprintf(stderr, "usage: replay [-v] [SECONDS]\n");
		return 2;
	}
	/* one CPU: the one the workloads use, where there are two */
	CPU_ZERO(&set);
	CPU_SET(ncpu > 1 ? 1 : 0, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		fprintf(stderr, "replay: failed to pin to one CPU: %s\n", strerror(errno));

	if (make_samples())
		return 1;
	if (verbose)
		show_samples();
	fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || ob_init(&ob, fd, OUT_BUF)) {
		fprintf(stderr, "replay: failed to open /dev/null: %s\n", strerror(errno));
		goto cleanup;
	}
	for (int f = 0; f < F_COUNT; f++) {
		measure(&ob, f, seconds / 4); /* warm-up */
		for (int r = 0; r < REPEATS; r++)
			rates[r] = measure(&ob, f, seconds);
		qsort(rates, REPEATS, sizeof(double), cmp_double);
		printf("replay format=%s events_per_s=%.0f ns_per_event=%.1f bytes_per_event=%zu\n",
		       format_names[f], rates[REPEATS / 2], 1e9 / rates[REPEATS / 2],
		       bytes_per_event(f));
	}
	if (ob.err) {
		fprintf(stderr, "replay: failed to write /dev/null: %s\n", strerror(ob.err));
		goto cleanup;
	}
	ret = 0;
cleanup:
	ob_free(&ob);
	if (fd >= 0)
		close(fd);
	return ret;
}
