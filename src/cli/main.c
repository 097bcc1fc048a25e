// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - mmtrace's entry point: picks the command (`list`, `--features`
 * or tracing) and hands argv to it.
 */
#include <string.h>
#include "cli/detect_cmd.h"
#include "cli/features.h"
#include "cli/list.h"
#include "cli/options.h"
#include "cli/trace.h"
#include "report/report.h"
#include "cli/read_cmd.h"
#include "cli/top_cmd.h"

int main(int argc, char **argv)
{
	struct mmt_options opts;
	int err;

	if (argc > 1 && !strcmp(argv[1], "detect"))
		return mmt_detect_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "list"))
		return mmt_list_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "read"))
		return mmt_read_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "top"))
		return mmt_top_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "report"))
		return mmt_report_main(argc - 1, argv + 1);
	if (argc == 2 && !strcmp(argv[1], "--features"))
		return mmt_features_main();
	err = mmt_parse_options(argc, argv, &opts);
	if (err)
		return err < 0 ? 0 : err;
	return mmt_trace(&opts);
}
