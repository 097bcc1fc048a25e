/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpf_events.h - the event table as the BPF programs read it.
 */
#ifndef MMT_BPF_EVENTS_H
#define MMT_BPF_EVENTS_H

#include <linux/types.h>
#include "mmtrace.h"

/*
 * Fill the BPF side's per-event rows (struct mmt_bpf_event, in .rodata)
 * from mmt_events[]: payload kind, behaviour flags and every pointer
 * argument the kernel reads or writes.
 */
void mmt_bpf_events_fill(struct mmt_bpf_event out[MMT_EV_COUNT]);

#endif /* MMT_BPF_EVENTS_H */
