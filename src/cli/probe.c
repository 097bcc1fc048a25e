// SPDX-License-Identifier: GPL-2.0
/*
 * probe.c - one concern: asking the running kernel what it offers (tracefs,
 * tracepoints, BTF types, fexit and kprobe attachment, ring buffers). Every
 * probe tries the real thing and undoes it; nothing here is kept loaded.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "cli/errors.h"
#include "cli/probe.h"

#define TRACEFS "/sys/kernel/tracing"
#define DEBUG_TRACEFS "/sys/kernel/debug/tracing"

/* libbpf finds tracepoint ids in tracefs; mount it if nobody has. */
int mmt_ensure_tracefs(void)
{
	struct stat st;

	if (!stat(TRACEFS "/events", &st) || !stat(DEBUG_TRACEFS "/events", &st))
		return 0;
	if (mount("nodev", TRACEFS, "tracefs", 0, NULL)) {
		mmt_err("failed to mount tracefs on " TRACEFS ": %s", strerror(errno));
		return -1;
	}
	return 0;
}

bool mmt_tracefs_has(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), TRACEFS "/%s", rel);
	if (!access(path, F_OK))
		return true;
	snprintf(path, sizeof(path), DEBUG_TRACEFS "/%s", rel);
	return !access(path, F_OK);
}

bool mmt_probe_syscall_tp(const char *syscall)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "events/syscalls/sys_enter_%s", syscall);
	return mmt_tracefs_has(rel);
}

static const struct bpf_insn ret0[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};

int mmt_probe_tracing(struct btf *btf, enum bpf_attach_type type, const char *func,
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

	err = mmt_probe_tracing(btf, BPF_TRACE_FEXIT, func, why);
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

bool mmt_probe_btf(const struct btf *btf, const char *name, int kind)
{
	return btf && btf__find_by_name_kind(btf, name, kind) > 0;
}

bool mmt_probe_ringbuf(void)
{
	return libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) == 1;
}

bool mmt_probe_find_vma(void)
{
	/* the helper's BPF_CALL_5() leaves this typedef in the kernel's BTF;
	 * tracing programs have the helper wherever the kernel has it (5.17).
	 * (libbpf_probe_bpf_helper() would load a program, and libbpf 1.1
	 * reads its log uninitialised when the load succeeds.) */
	struct btf *btf = btf__load_vmlinux_btf();
	bool ok = mmt_probe_btf(btf, "btf_bpf_find_vma", BTF_KIND_TYPEDEF);

	btf__free(btf);
	return ok;
}

bool mmt_probe_kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

bool mmt_probe_path(const char *path)
{
	return !access(path, F_OK);
}

bool mmt_probe_kallsyms(const char *sym)
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
