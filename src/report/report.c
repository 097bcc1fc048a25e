// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
int mmt_report_main(int argc, char **argv);
int mmt_report_main(int argc, char **argv)
{
	(void)argc; (void)argv;
	fputs("mmtrace: report: not built yet\n", stderr);
	return 2;
}
