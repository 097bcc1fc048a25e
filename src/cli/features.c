// SPDX-License-Identifier: GPL-2.0
/*
 * features.c - one concern: the `mmtrace --features` table, a row per
 * thing the kernel offers a tracer (probed by probe.c) and what mmtrace
 * uses of it.
 */
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "cli/errors.h"
#include "cli/features.h"
#include "cli/kcopy.h"
#include "cli/probe.h"
#include "outputs/output.h"

static void row(const char *what, bool ok, const char *detail, const char *use)
{
	printf("%-38s %-4s %-44s %s\n", what, ok ? "yes" : "no", detail, use);
}

int mmt_features_main(void)
{
	struct btf *btf;
	bool tp, kprobe_pmu = mmt_probe_path("/sys/bus/event_source/devices/kprobe/type");
	const char *why, *fexit_why, *kprobe_why;
	bool ok, fexit_ok, kprobe_ok;
	char detail[64];
	int method;

	if (geteuid() != 0) {
		mmt_err("--features loads test programs: run it as root");
		return 1;
	}
	mmt_ensure_tracefs(); /* as tracing would: the events are under it */
	tp = mmt_tracefs_has("events/syscalls");
	btf = btf__load_vmlinux_btf();
	libbpf_set_print(NULL);
	printf("%-38s %-4s %-44s %s\n", "FEATURE", "HAS", "DETAIL", "MMTRACE");
	row("kernel BTF (/sys/kernel/btf/vmlinux)", btf != NULL, btf ? "" : "CO-RE impossible",
	    "required");
	row("BPF ring buffer", mmt_probe_ringbuf(), "",
	    "required");
	ok = !mmt_probe_tracing(btf, BPF_TRACE_RAW_TP, "btf_trace_sys_enter", &why);
	row("tp_btf raw syscall tracepoints", ok, why, "default way in (64-bit and ia32)");
	row("per-syscall tracepoints", tp, tp ? "syscalls:sys_enter_*" : "no tracefs events",
	    "--syscall-tracepoints (64-bit only)");
	row("ia32 syscalls (IA32_EMULATION)", mmt_probe_kallsyms("__ia32_sys_set_mempolicy"), "",
	    "decoded when present");
	row("migrate:mm_migrate_pages",
	    mmt_probe_path("/sys/kernel/tracing/events/migrate/mm_migrate_pages") ||
		    mmt_probe_btf(btf, "btf_trace_mm_migrate_pages", BTF_KIND_TYPEDEF),
	    "", "migration counts");
	row("cgroup:cgroup_attach_task", mmt_tracefs_has("events/cgroup/cgroup_attach_task"), "",
	    "cgroup id kept between calls (else asked each call)");
	row("helper bpf_find_vma", mmt_probe_find_vma(), "", "--mappings (required by it)");
	row("kfunc bpf_task_from_vpid", mmt_probe_btf(btf, "bpf_task_from_vpid", BTF_KIND_FUNC),
	    "", "target process (else a pid walk)");
	row("kfunc bpf_rdonly_cast", mmt_probe_btf(btf, "bpf_rdonly_cast", BTF_KIND_FUNC), "",
	    "start-up: task fields verified without BTF searches");
	/* the kernel copy of the node masks: fexit, else kprobes, else none */
	fexit_ok = !mmt_probe_tracing(btf, BPF_TRACE_FEXIT, MMT_KCOPY_FUNC, &fexit_why);
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
