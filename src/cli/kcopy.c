// SPDX-License-Identifier: GPL-2.0
/*
 * kcopy.c - the kernel's own copy of the node masks (--kernel-copy).
 *
 * set_mempolicy, mbind and migrate_pages copy their node masks in with
 * get_nodes(). Where this kernel lets a BPF program see that function
 * return (fexit, else a kprobe/kretprobe pair), mmtrace reads the copy the
 * kernel took and the decoder compares it with the mask read at entry: a
 * difference proves the caller changed the mask during the call. Where it
 * does not (no kprobes, fexit refused), the masks are read again at exit
 * instead, as always. Every hook is found at run time: a kernel without one
 * never keeps the rest from loading.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "cli/errors.h"
#include "cli/kcopy.h"
#include "cli/probe.h"
#include "mmtrace.skel.h"

static const char *const mode_names[] = {
	[MMT_KCOPY_AUTO] = "auto",
	[MMT_KCOPY_FEXIT] = "fexit",
	[MMT_KCOPY_KPROBE] = "kprobe",
	[MMT_KCOPY_REREAD] = "off",
};

/* Only the events that copy masks in, and only when records are written. */
static bool kcopy_useful(const struct mmt_options *o)
{
	if (o->summary)
		return false;
	for (int i = 0; i < MMT_EV_COUNT; i++)
		if (o->selected[i] && mmt_events[i].kernel_copy)
			return true;
	return false;
}

void mmt_kcopy_note(const struct mmt_options *o, int m, const char *why)
{
	if (o->kernel_copy == MMT_KCOPY_FEXIT || o->kernel_copy == MMT_KCOPY_KPROBE)
		mmt_err("--kernel-copy=%s is not available on this kernel (%s): node masks are checked by %s instead",
			mode_names[o->kernel_copy], why, mmt_kcopy_method_name(MMT_KCOPY_REREAD));
	else if (getenv("MMTRACE_DEBUG"))
		mmt_err("kernel copy by %s not used: %s", mmt_kcopy_method_name(m), why);
}

int mmt_kcopy_choose(const struct mmt_options *o)
{
	const char *fexit_why = "", *kprobe_why = "";
	char why[160];

	if (!kcopy_useful(o) || o->kernel_copy == MMT_KCOPY_REREAD)
		return MMT_KCOPY_REREAD;
	if (o->kernel_copy != MMT_KCOPY_KPROBE) {
		if (!mmt_probe_fexit(MMT_KCOPY_FUNC, &fexit_why))
			return MMT_KCOPY_FEXIT;
		if (o->kernel_copy == MMT_KCOPY_FEXIT) {
			snprintf(why, sizeof(why), "fexit on " MMT_KCOPY_FUNC ": %s", fexit_why);
			mmt_kcopy_note(o, MMT_KCOPY_FEXIT, why);
			return MMT_KCOPY_REREAD;
		}
	}
	if (!mmt_probe_kprobe(MMT_KCOPY_FUNC, &kprobe_why))
		return MMT_KCOPY_KPROBE;
	if (o->kernel_copy == MMT_KCOPY_KPROBE)
		snprintf(why, sizeof(why), "kprobe on " MMT_KCOPY_FUNC ": %s", kprobe_why);
	else
		snprintf(why, sizeof(why), "fexit on " MMT_KCOPY_FUNC ": %s; kprobe: %s",
			 fexit_why, kprobe_why);
	mmt_kcopy_note(o, MMT_KCOPY_KPROBE, why);
	return MMT_KCOPY_REREAD;
}

void mmt_kcopy_autoload(struct mmtrace_bpf *skel, int m)
{
	bpf_program__set_autoload(skel->progs.kcopy_fexit, m == MMT_KCOPY_FEXIT);
	bpf_program__set_autoload(skel->progs.kcopy_kprobe, m == MMT_KCOPY_KPROBE);
	bpf_program__set_autoload(skel->progs.kcopy_kretprobe, m == MMT_KCOPY_KPROBE);
	/* without a hook no record needs room for the kernel's copies */
	skel->rodata->kcopy_planned = m != MMT_KCOPY_REREAD;
	/* attached by mmt_kcopy_attach(), which may fail */
	bpf_program__set_autoattach(skel->progs.kcopy_fexit, false);
	bpf_program__set_autoattach(skel->progs.kcopy_kprobe, false);
	bpf_program__set_autoattach(skel->progs.kcopy_kretprobe, false);
}

int mmt_kcopy_attach(struct mmtrace_bpf *skel, const struct mmt_options *o, int m)
{
	struct bpf_link *l1 = NULL, *l2 = NULL;
	char why[160];

	if (m == MMT_KCOPY_FEXIT) {
		l1 = bpf_program__attach(skel->progs.kcopy_fexit);
		if (!l1)
			goto failed;
		skel->links.kcopy_fexit = l1;
	} else if (m == MMT_KCOPY_KPROBE) {
		l1 = bpf_program__attach(skel->progs.kcopy_kprobe);
		if (!l1)
			goto failed;
		l2 = bpf_program__attach(skel->progs.kcopy_kretprobe);
		if (!l2) {
			bpf_link__destroy(l1);
			goto failed;
		}
		skel->links.kcopy_kprobe = l1;
		skel->links.kcopy_kretprobe = l2;
	} else {
		return MMT_KCOPY_REREAD;
	}
	/* calls that enter from now on take the copy */
	skel->bss->kcopy_hook = m;
	return m;
failed:
	snprintf(why, sizeof(why), "attaching to " MMT_KCOPY_FUNC ": %s", strerror(errno));
	mmt_kcopy_note(o, m, why);
	return MMT_KCOPY_REREAD;
}
