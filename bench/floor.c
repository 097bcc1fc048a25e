// SPDX-License-Identifier: GPL-2.0
/*
 * floor.c - the reference probe's consumer: load floor.bpf.c (tp_btf if the
 * kernel takes it, raw_tp otherwise), then consume the ring buffer every
 * 10 ms, only counting records. On SIGINT or SIGTERM: drain, print the
 * counts, exit.
 *
 * Usage: floor [-p PID]
 *   -p PID  only this process (default: every process but floor itself)
 * FLOOR_HOOK=tp_btf or raw_tp: only that kind of hook.
 *
 * Prints "attached hook=tp_btf|raw_tp" once attached, and at exit
 *   events=N drops=N ringbuf_full=N inflight_full=N hook=...
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

_Static_assert(sizeof(struct floor_record) == 64, "the floor record is 64 bytes");

/* The syscalls every tracer of the benchmark selects. */
static const int floor_nrs[] = {
	SYS_mremap, SYS_set_mempolicy, SYS_get_mempolicy, SYS_migrate_pages, SYS_mmap, SYS_munmap,
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int on_record(void *ctx, void *data, size_t len)
{
	(void)data;
	(void)len;
	(*(unsigned long long *)ctx)++;
	return 0;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN && getenv("FLOOR_DEBUG"))
		return vfprintf(stderr, fmt, ap);
	return 0;
}

/* Open, configure, load and attach the programs of one hook kind. */
static struct floor_bpf *load(const char *hook, pid_t target, int *err)
{
	struct floor_bpf *skel = floor_bpf__open();
	struct bpf_program *prog;

	if (!skel) {
		*err = -errno;
		return NULL;
	}
	skel->rodata->self_tgid = getpid();
	skel->rodata->target_tgid = target;
	for (size_t i = 0; i < sizeof(floor_nrs) / sizeof(floor_nrs[0]); i++)
		skel->rodata->nrs[i] = floor_nrs[i];
	bpf_object__for_each_program(prog, skel->obj) {
		bool mine = !strncmp(bpf_program__name(prog), hook, strlen(hook));

		bpf_program__set_autoload(prog, mine);
	}
	*err = floor_bpf__load(skel);
	if (!*err)
		*err = floor_bpf__attach(skel);
	if (*err) {
		floor_bpf__destroy(skel);
		return NULL;
	}
	return skel;
}

static unsigned long long sum_counter(struct floor_bpf *skel, __u32 key)
{
	int ncpu = libbpf_num_possible_cpus();
	unsigned long long total = 0;
	__u64 *vals;

	if (ncpu <= 0)
		return 0;
	vals = calloc(ncpu, sizeof(*vals));
	if (vals && !bpf_map_lookup_elem(bpf_map__fd(skel->maps.counters), &key, vals))
		for (int c = 0; c < ncpu; c++)
			total += vals[c];
	free(vals);
	return total;
}

int main(int argc, char **argv)
{
	static const char *const hooks[][2] = {{"floor_btf_", "tp_btf"}, {"floor_raw_", "raw_tp"}};
	struct timespec tick = {0, CONSUME_MS * 1000000L};
	struct sigaction sa = {.sa_handler = on_signal};
	struct floor_bpf *skel = NULL;
	struct ring_buffer *rb = NULL;
	unsigned long long events = 0, rb_full, inflight_full;
	const char *hook = NULL, *only = getenv("FLOOR_HOOK");
	pid_t target = 0;
	int opt, err = 0, ret = 1;

	while ((opt = getopt(argc, argv, "p:")) != -1) {
		char *end;
		long v;

		if (opt != 'p') {
			fprintf(stderr, "usage: floor [-p PID]\n");
			return 2;
		}
		errno = 0;
		v = strtol(optarg, &end, 10);
		if (errno || end == optarg || *end || v <= 0 || v > INT_MAX) {
			fprintf(stderr, "floor: invalid pid '%s'\n", optarg);
			return 2;
		}
		target = v;
	}
	libbpf_set_print(libbpf_print);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	for (size_t i = 0; i < sizeof(hooks) / sizeof(hooks[0]) && !skel; i++) {
		if (only && strcmp(only, hooks[i][1]))
			continue;
		skel = load(hooks[i][0], target, &err);
		if (skel)
			hook = hooks[i][1];
		else
			fprintf(stderr, "floor: %s: failed to load or attach: %s\n", hooks[i][1],
				strerror(-err));
	}
	if (!skel) {
		if (only && strcmp(only, "tp_btf") && strcmp(only, "raw_tp"))
			fprintf(stderr, "floor: unknown FLOOR_HOOK '%s' (tp_btf or raw_tp)\n",
				only);
		return 1;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_record, &events, NULL);
	if (!rb) {
		fprintf(stderr, "floor: failed to set up the ring buffer: %s\n", strerror(errno));
		goto cleanup;
	}
	printf("attached hook=%s\n", hook);
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
	rb_full = sum_counter(skel, FLOOR_DROP_RINGBUF);
	inflight_full = sum_counter(skel, FLOOR_DROP_INFLIGHT);
	printf("events=%llu drops=%llu ringbuf_full=%llu inflight_full=%llu hook=%s\n", events,
	       rb_full + inflight_full, rb_full, inflight_full, hook);
	ret = 0;
cleanup:
	ring_buffer__free(rb);
	floor_bpf__destroy(skel);
	return ret;
}
