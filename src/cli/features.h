/* SPDX-License-Identifier: GPL-2.0 */
/*
 * features.h - `mmtrace --features`: what this kernel offers a tracer
 * and what mmtrace uses of it, as a table on stdout.
 */
#ifndef MMT_CLI_FEATURES_H
#define MMT_CLI_FEATURES_H

/* Returns the exit status. */
int mmt_features_main(void);

#endif /* MMT_CLI_FEATURES_H */
