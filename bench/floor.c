// SPDX-License-Identifier: GPL-2.0
/*
 * floor.c - the reference probes' consumer: load one variant of floor.bpf.c
 * (tp_btf if the kernel takes it, raw_tp otherwise), then consume the ring
 * buffer(s) every 10 ms, only counting records. On SIGINT or SIGTERM:
 * drain, print the counts, exit.
 *
 * Usage: floor [-p PID] [-v ring|pcpu|hash]
 *   -p PID  only this process (default: every process but floor itself)
 *   -v      ring: the true floor, one shared ring buffer (default);
 *           pcpu: one ring buffer per CPU; hash: entry and exit paired
 *           through a hash map; systp: pcpu on the per-syscall tracepoints
 *           (floor.bpf.c says more)
 * FLOOR_HOOK=tp_btf or raw_tp: only that kind of hook (not for systp).
 *
 * Prints "attached hook=tp_btf|raw_tp variant=V" once attached, and at exit
 *   events=N records=N drops=N ringbuf_full=N inflight_full=N noring=N hook=H variant=V
 * where events counts exit records (one per call seen) and records all.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "floor.h"
#include "floor.skel.h"

#define CONSUME_MS 10
#define PCPU_RING_BYTES (1 << 24) /* as the inner map's template */

_Static_assert(sizeof(struct floor_record) == 64, "the floor record is 64 bytes");

/* The syscalls every tracer of the benchmark selects. */
static const int floor_nrs[] = {
	SYS_mremap, SYS_set_mempolicy, SYS_get_mempolicy, SYS_migrate_pages, SYS_mmap, SYS_munmap,
};

/* the same syscalls' names, for the per-syscall tracepoints (systp) */
static const char *const floor_names[] = {
	"mremap", "set_mempolicy", "get_mempolicy", "migrate_pages", "mmap", "munmap",
};

static const char *const variants[] = {"ring", "pcpu", "hash", "systp"};

struct counts {
	unsigned long long records;
	unsigned long long exits;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int on_record(void *ctx, void *data, size_t len)
{
	struct counts *c = ctx;
	const struct floor_record *r = data;

	c->records++;
	if (len >= sizeof(*r) && (r->nr & FLOOR_EXIT))
		c->exits++;
	return 0;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN && getenv("FLOOR_DEBUG"))
		return vfprintf(stderr, fmt, ap);
	return 0;
}

/* systp: each program on the selected syscalls' own tracepoints. */
static int attach_systp(struct floor_bpf *skel)
{
	char tp[64];

	for (size_t i = 0; i < sizeof(floor_names) / sizeof(floor_names[0]); i++) {
		struct bpf_link *l;

		snprintf(tp, sizeof(tp), "sys_enter_%s", floor_names[i]);
		l = bpf_program__attach_tracepoint(skel->progs.systp_tp_enter, "syscalls", tp);
		if (!l)
			return -errno;
		snprintf(tp, sizeof(tp), "sys_exit_%s", floor_names[i]);
		l = bpf_program__attach_tracepoint(skel->progs.systp_tp_exit, "syscalls", tp);
		if (!l)
			return -errno;
		/* the links live until the process exits */
	}
	return 0;
}

/* Open, configure, load and attach the programs VARIANT_HOOK_*. */
static struct floor_bpf *load(const char *variant, const char *hook, pid_t target, int *err)
{
	struct floor_bpf *skel = floor_bpf__open();
	struct bpf_program *prog;
	char prefix[32];
	int ncpu = libbpf_num_possible_cpus();

	if (!skel) {
		*err = -errno;
		return NULL;
	}
	snprintf(prefix, sizeof(prefix), "%s_%s_", variant, hook);
	skel->rodata->self_tgid = getpid();
	skel->rodata->target_tgid = target;
	for (size_t i = 0; i < sizeof(floor_nrs) / sizeof(floor_nrs[0]); i++)
		skel->rodata->nrs[i] = floor_nrs[i];
	bpf_object__for_each_program(prog, skel->obj) {
		bool mine = !strncmp(bpf_program__name(prog), prefix, strlen(prefix));

		bpf_program__set_autoload(prog, mine);
	}
	/* only the maps the variant uses */
	bool pcpu = !strcmp(variant, "pcpu") || !strcmp(variant, "systp");

	bpf_map__set_autocreate(skel->maps.events, !pcpu);
	bpf_map__set_autocreate(skel->maps.rings, pcpu);
	bpf_map__set_autocreate(skel->maps.inflight, strcmp(variant, "hash") == 0);
	if (ncpu > 0)
		bpf_map__set_max_entries(skel->maps.rings, ncpu);
	*err = floor_bpf__load(skel);
	if (!*err)
		*err = !strcmp(variant, "systp") ? attach_systp(skel) : floor_bpf__attach(skel);
	if (*err) {
		floor_bpf__destroy(skel);
		return NULL;
	}
	return skel;
}

/*
 * The per-CPU variant: one ring buffer per possible CPU, each put in the
 * rings array and added to one ring_buffer. Returns NULL with errno set.
 */
static struct ring_buffer *pcpu_rings(struct floor_bpf *skel, struct counts *c)
{
	int ncpu = libbpf_num_possible_cpus(), outer = bpf_map__fd(skel->maps.rings);
	struct ring_buffer *rb = NULL;
	int saved;

	for (int cpu = 0; cpu < ncpu; cpu++) {
		__u32 key = cpu;
		int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, NULL, 0, 0, PCPU_RING_BYTES, NULL);
		int e;

		if (fd < 0)
			goto fail;
		e = bpf_map_update_elem(outer, &key, &fd, BPF_ANY);
		if (!e) {
			if (!rb) {
				rb = ring_buffer__new(fd, on_record, c, NULL);
				e = rb ? 0 : -errno;
			} else {
				e = ring_buffer__add(rb, fd, on_record, c);
			}
		}
		close(fd); /* the array and the ring_buffer hold it */
		if (e) {
			errno = e < 0 ? -e : e;
			goto fail;
		}
	}
	return rb;
fail:
	saved = errno;
	ring_buffer__free(rb);
	errno = saved;
	return NULL;
}

int main(int argc, char **argv)
{
	static const char *const hooks[][2] = {
		{"btf", "tp_btf"}, {"raw", "raw_tp"}, {"tp", "tracepoint"}};
	struct timespec tick = {0, CONSUME_MS * 1000000L};
	struct sigaction sa = {.sa_handler = on_signal};
	struct floor_bpf *skel = NULL;
	struct ring_buffer *rb = NULL;
	struct counts c = {0, 0};
	unsigned long long rb_full, inflight_full, noring;
	const char *hook = NULL, *only = getenv("FLOOR_HOOK"), *variant = "ring";
	pid_t target = 0;
	int opt, err = 0, ret = 1;

	while ((opt = getopt(argc, argv, "p:v:")) != -1) {
		char *end;
		long v;
		size_t i;

		switch (opt) {
		case 'p':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || v <= 0 || v > INT_MAX) {
				fprintf(stderr, "floor: invalid pid '%s'\n", optarg);
				return 2;
			}
			target = v;
			break;
		case 'v':
			for (i = 0; i < sizeof(variants) / sizeof(variants[0]); i++)
				if (!strcmp(optarg, variants[i]))
					break;
			if (i == sizeof(variants) / sizeof(variants[0])) {
				fprintf(stderr, "floor: unknown variant '%s' (ring, pcpu, hash, systp)\n",
					optarg);
				return 2;
			}
			variant = variants[i];
			break;
		default:
			fprintf(stderr, "usage: floor [-p PID] [-v ring|pcpu|hash|systp]\n");
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "usage: floor [-p PID] [-v ring|pcpu|hash|systp]\n");
		return 2;
	}
	libbpf_set_print(libbpf_print);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	for (size_t i = 0; i < sizeof(hooks) / sizeof(hooks[0]) && !skel; i++) {
		/* systp has its own hook, the others never take it */
		if ((!strcmp(variant, "systp")) != (!strcmp(hooks[i][0], "tp")))
			continue;
		if (only && strcmp(only, hooks[i][1]))
			continue;
		skel = load(variant, hooks[i][0], target, &err);
		if (skel)
			hook = hooks[i][1];
		else
			fprintf(stderr, "floor: failed to load or attach %s on %s: %s\n", variant,
				hooks[i][1], strerror(-err));
	}
	if (!skel) {
		if (only && strcmp(only, "tp_btf") && strcmp(only, "raw_tp"))
			fprintf(stderr, "floor: unknown FLOOR_HOOK '%s' (tp_btf or raw_tp)\n",
				only);
		return 1;
	}
	if (!strcmp(variant, "pcpu") || !strcmp(variant, "systp"))
		rb = pcpu_rings(skel, &c);
	else
		rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_record, &c, NULL);
	if (!rb) {
		fprintf(stderr, "floor: failed to set up the ring buffer: %s\n", strerror(errno));
		goto cleanup;
	}
	printf("attached hook=%s variant=%s\n", hook, variant);
	fflush(stdout);

	while (!stop) {
		nanosleep(&tick, NULL);
		err = ring_buffer__consume(rb);
		if (err < 0 && err != -EINTR) {
			fprintf(stderr, "floor: failed to read the ring buffer: %s\n",
				strerror(-err));
			goto cleanup;
		}
	}
	ring_buffer__consume(rb);
	rb_full = skel->bss->drops[FLOOR_DROP_RINGBUF];
	inflight_full = skel->bss->drops[FLOOR_DROP_INFLIGHT];
	noring = skel->bss->drops[FLOOR_DROP_NORING];
	printf("events=%llu records=%llu drops=%llu ringbuf_full=%llu inflight_full=%llu "
	       "noring=%llu hook=%s variant=%s\n",
	       c.exits, c.records, rb_full + inflight_full + noring, rb_full, inflight_full, noring,
	       hook, variant);
	ret = 0;
cleanup:
	ring_buffer__free(rb);
	floor_bpf__destroy(skel);
	return ret;
}
