/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report.h - `mmtrace report`: a JSON recording (mmtrace -o json lines,
 * raw or --parse-arguments) made into one self-contained HTML page: per
 * process, a timeline of policy calls, migrations by reason and residency
 * per node (placement records).
 */
#ifndef MMT_REPORT_H
#define MMT_REPORT_H

#include <stdio.h>

/* Lines longer than this are skipped (and counted). */
#define MMT_REPORT_LINE_MAX (1U << 20)

/* The names of the kernel's enum migrate_reason, in its order (6.18). */
#define MMT_REPORT_REASONS 10
extern const char *const mmt_migrate_reasons[MMT_REPORT_REASONS];

/* `mmtrace report FILE.json [-o FILE.html]`: 0, 1 (a file), 2 (usage). */
int mmt_report_main(int argc, char **argv);

/*
 * Read a recording from in and write the page to out. name: the
 * recording's name, shown in the page. Skipped lines are counted in
 * *skipped, with the first one's number and reason in *first_bad and
 * *first_why. 0, or -1 (out of memory, after an error message).
 */
int mmt_report_write(FILE *in, FILE *out, const char *name, unsigned long *lines,
		     unsigned long *skipped, unsigned long *first_bad, const char **first_why);

#endif /* MMT_REPORT_H */
