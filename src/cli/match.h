/* SPDX-License-Identifier: GPL-2.0 */
/*
 * match.h - the options' selection, scopes and filters tested in user
 * space on a decoded event. Live tracing tests here only what the kernel
 * side cannot (node masks, the call's duration); mmtrace read tests
 * everything here, on recorded events, with the same parsed options
 * (struct mmt_options, filled by cli/options.c and cli/filters.c) and
 * the same predicate arithmetic as the BPF side (bpf/mmt_math.h).
 */
#ifndef MMT_CLI_MATCH_H
#define MMT_CLI_MATCH_H

#include <stdbool.h>
#include "cli/options.h"

/* -e EVENT.args.NAME.nodes=N: each mask holds its node. */
bool mmt_match_nodes(const struct mmt_options *o, const struct mmt_decoded_event *ev);

/* --duration and EVENT.latency: the call's duration (exit - entry). */
bool mmt_match_latency(const struct mmt_options *o, const struct mmt_decoded_event *ev);

/* What the kernel side tests live: the event is selected (-e), its
 * process in the scopes (-p, --tid, --comm, --not-comm, --uid,
 * --cgroup, --container), the predicates on its arguments and return
 * value hold, and --failed. */
bool mmt_match_kernel_side(const struct mmt_options *o, const struct mmt_decoded_event *ev);

/* Does the options' filtering need the call's duration? */
bool mmt_match_needs_latency(const struct mmt_options *o);

#endif /* MMT_CLI_MATCH_H */
