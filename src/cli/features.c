// SPDX-License-Identifier: GPL-2.0
/*
 * features.c - `mmtrace --features`: what the running kernel offers a
 * tracer, found out by trying (a tiny program loaded and attached, a file
 * looked for), not from its version; and which of it mmtrace uses.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
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
	printf("%-38s %-4s %-38s %s\n", what, ok ? "yes" : "no", detail, use);
}

int mmt_features_main(void)
{
	struct btf *btf;
	bool tp, kprobe_pmu = exists("/sys/bus/event_source/devices/kprobe/type");
	const char *why;
	bool ok;

	if (geteuid() != 0) {
		mmt_err("--features loads test programs: run it as root");
		return 1;
	}
	mmt_ensure_tracefs(); /* as tracing would: the events are under it */
	tp = exists("/sys/kernel/tracing/events/syscalls") ||
	     exists("/sys/kernel/debug/tracing/events/syscalls");
	btf = btf__load_vmlinux_btf();
	libbpf_set_print(NULL);
	printf("%-38s %-4s %-38s %s\n", "FEATURE", "HAS", "DETAIL", "MMTRACE");
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
	row("kprobes", kprobe_pmu, kprobe_pmu ? "" : "no kprobe PMU (CONFIG_KPROBES off)",
	    "not used");
	ok = !try_tracing(btf, BPF_TRACE_FENTRY, "do_set_mempolicy", &why);
	if (!ok)
		ok = !try_tracing(btf, BPF_TRACE_FENTRY, "kernel_migrate_pages", &why);
	row("fentry/fexit", ok, why, "not used");
	btf__free(btf);
	return 0;
}
