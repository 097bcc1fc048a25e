// SPDX-License-Identifier: GPL-2.0
/*
 * features.c - `mmtrace --features`: what the running kernel offers a
 * tracer, found out by trying (a tiny program loaded and attached, a file
 * looked for), not from its version; and which of it mmtrace uses.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "cli/cli.h"

static const struct bpf_insn ret0[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};

/* Load "return 0" as a tracing program at func, then attach it. */
static int try_tracing(struct btf *btf, enum bpf_attach_type type, const char *func,
		       const char **why)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = type);
	int id, fd, link;

	*why = "";
	if (!btf) {
		*why = "no kernel BTF";
		return -1;
	}
	id = btf__find_by_name_kind(btf, func, type == BPF_TRACE_RAW_TP ? BTF_KIND_TYPEDEF :
									   BTF_KIND_FUNC);
	if (id < 0) {
		*why = "function not in BTF";
		return -1;
	}
	opts.attach_btf_id = id;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "mmt_probe", "GPL", ret0, 2, &opts);
	if (fd < 0) {
		*why = strerror(errno);
		return -1;
	}
	link = bpf_link_create(fd, 0, type, NULL);
	if (link < 0) {
		*why = strerror(errno);
		close(fd);
		return -1;
	}
	close(link);
	close(fd);
	return 0;
}

int mmt_probe_fexit(const char *func, const char **why)
{
	struct btf *btf = btf__load_vmlinux_btf();
	int err;

	err = try_tracing(btf, BPF_TRACE_FEXIT, func, why);
	btf__free(btf);
	return err;
}

/* A number from a sysfs file such as .../kprobe/type ("6"), or -1. */
static int sysfs_num(const char *path, const char *prefix)
{
	char buf[64];
	size_t n = strlen(prefix);
	FILE *f = fopen(path, "re");
	int v = -1;

	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f) && !strncmp(buf, prefix, n))
		v = atoi(buf + n);
	fclose(f);
	return v;
}

/* A kprobe and a kretprobe on func through the kprobe PMU, as libbpf
 * attaches them: created, then closed. */
int mmt_probe_kprobe(const char *func, const char **why)
{
	int type = sysfs_num("/sys/bus/event_source/devices/kprobe/type", "");
	int bit = sysfs_num("/sys/bus/event_source/devices/kprobe/format/retprobe", "config:");

	if (type < 0) {
		*why = "no kprobe PMU (CONFIG_KPROBES off)";
		return -1;
	}
	for (int ret = 0; ret < 2; ret++) {
		struct perf_event_attr attr;
		int fd;

		memset(&attr, 0, sizeof(attr));
		attr.size = sizeof(attr);
		attr.type = type;
		attr.config = ret ? 1ULL << (bit >= 0 && bit < 64 ? bit : 0) : 0;
		attr.config1 = (__u64)(uintptr_t)func; /* kprobe_func */
		attr.config2 = 0; /* offset */
		fd = syscall(__NR_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
		if (fd < 0) {
			*why = errno == ENOENT ? "function not found" : strerror(errno);
			return -1;
		}
		close(fd);
	}
	*why = "";
	return 0;
}

static bool exists(const char *path)
{
	return !access(path, F_OK);
}

static bool kallsyms_has(const char *sym)
{
	char line[512], name[256];
	bool found = false;
	FILE *f = fopen("/proc/kallsyms", "re");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%*s %*s %255s", name) == 1 && !strcmp(name, sym);
	fclose(f);
	return found;
}

static void row(const char *what, bool ok, const char *detail, const char *use)
{
	printf("%-38s %-4s %-44s %s\n", what, ok ? "yes" : "no", detail, use);
}

int mmt_features_main(void)
{
	struct btf *btf;
	bool tp, kprobe_pmu = exists("/sys/bus/event_source/devices/kprobe/type");
	const char *why, *fexit_why, *kprobe_why;
	bool ok, fexit_ok, kprobe_ok;
	char detail[64];
	int method;

	if (geteuid() != 0) {
		mmt_err("--features loads test programs: run it as root");
		return 1;
	}
	mmt_ensure_tracefs(); /* as tracing would: the events are under it */
	tp = exists("/sys/kernel/tracing/events/syscalls") ||
	     exists("/sys/kernel/debug/tracing/events/syscalls");
	btf = btf__load_vmlinux_btf();
	libbpf_set_print(NULL);
	printf("%-38s %-4s %-44s %s\n", "FEATURE", "HAS", "DETAIL", "MMTRACE");
	row("kernel BTF (/sys/kernel/btf/vmlinux)", btf != NULL, btf ? "" : "CO-RE impossible",
	    "required");
	row("BPF ring buffer", libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) == 1, "",
	    "required");
	ok = !try_tracing(btf, BPF_TRACE_RAW_TP, "btf_trace_sys_enter", &why);
	row("tp_btf raw syscall tracepoints", ok, why, "default way in (64-bit and ia32)");
	row("per-syscall tracepoints", tp, tp ? "syscalls:sys_enter_*" : "no tracefs events",
	    "--syscall-tracepoints (64-bit only)");
	row("ia32 syscalls (IA32_EMULATION)", kallsyms_has("__ia32_sys_set_mempolicy"), "",
	    "decoded when present");
	row("migrate:mm_migrate_pages", exists("/sys/kernel/tracing/events/migrate/mm_migrate_pages") ||
		    (btf && btf__find_by_name_kind(btf, "btf_trace_mm_migrate_pages",
						   BTF_KIND_TYPEDEF) > 0),
	    "", "migration counts");
	row("kfunc bpf_task_from_vpid", btf && btf__find_by_name_kind(btf, "bpf_task_from_vpid",
								      BTF_KIND_FUNC) > 0,
	    "", "target process (else a pid walk)");
	/* the kernel copy of the node masks: fexit, else kprobes, else none */
	fexit_ok = !try_tracing(btf, BPF_TRACE_FEXIT, MMT_KCOPY_FUNC, &fexit_why);
	kprobe_ok = !mmt_probe_kprobe(MMT_KCOPY_FUNC, &kprobe_why);
	method = fexit_ok ? MMT_KCOPY_FEXIT :
		 kprobe_ok ? MMT_KCOPY_KPROBE : MMT_KCOPY_REREAD;
	snprintf(detail, sizeof(detail), "on " MMT_KCOPY_FUNC ": %s",
		 kprobe_ok ? "yes" : kprobe_why);
	row("kprobes", kprobe_pmu, kprobe_pmu ? detail : kprobe_why,
	    method == MMT_KCOPY_KPROBE ? "used: kernel copy of node masks" :
	    kprobe_ok ? "--kernel-copy=kprobe" : "not used");
	snprintf(detail, sizeof(detail), "fexit on " MMT_KCOPY_FUNC ": %s",
		 fexit_ok ? "yes" : fexit_why);
	row("fentry/fexit", fexit_ok, detail,
	    method == MMT_KCOPY_FEXIT ? "used: kernel copy of node masks" : "not used");
	row("TOCTOU check of node masks", true, mmt_kcopy_method_name(method),
	    "--kernel-copy=auto picks this");
	btf__free(btf);
	return 0;
}
