// SPDX-License-Identifier: GPL-2.0
/*
 * caps.c - the capability check that replaces "must be root".
 *
 * Measured on Linux 6.18 as an unprivileged user given capabilities:
 * CAP_BPF loads the programs and creates the maps, CAP_PERFMON attaches
 * them to tracepoints and lets them read kernel memory; CAP_SYS_ADMIN
 * stands for both on kernels older than 5.8. A user other than root also
 * needs CAP_DAC_READ_SEARCH (or CAP_DAC_OVERRIDE): tracefs, where libbpf
 * finds the tracepoints' ids, is readable by root only.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include "service/caps.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

bool mmt_has_cap(int cap)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data))
		return false;
	return cap >= 0 && cap < 64 && (data[cap / 32].effective & (1U << (cap % 32)));
}

int mmt_check_caps(void)
{
	bool bpf = mmt_has_cap(CAP_BPF), perfmon = mmt_has_cap(CAP_PERFMON);

	if ((bpf && perfmon) || mmt_has_cap(CAP_SYS_ADMIN)) {
		if (access("/sys/kernel/tracing/events", X_OK) && errno == EACCES &&
		    !mmt_has_cap(CAP_DAC_READ_SEARCH) && !mmt_has_cap(CAP_DAC_OVERRIDE)) {
			fputs("mmtrace: failed to start: missing CAP_DAC_READ_SEARCH (tracefs is readable by root only)\n",
			      stderr);
			return -1;
		}
		return 0;
	}
	fprintf(stderr, "mmtrace: failed to start: missing %s%s%s (run as root, or grant CAP_BPF and CAP_PERFMON)\n",
		bpf ? "" : "CAP_BPF", !bpf && !perfmon ? " and " : "", perfmon ? "" : "CAP_PERFMON");
	return -1;
}
