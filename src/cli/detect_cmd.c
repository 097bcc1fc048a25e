// SPDX-License-Identifier: GPL-2.0
/*
 * detect_cmd.c - `mmtrace detect FILE`: the findings of a JSON recording
 * (mmtrace -o json, raw or --parse-arguments), as live --detect gives them;
 * and the parsing of --detect-allow.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/detect_cmd.h"
#include "cli/errors.h"
#include "detect/session.h"

#define MAX_LINE (1 << 20)

int mmt_parse_detect_allow(struct mmt_options *o, const char *arg)
{
	const char *why = mmt_det_allow_check(arg);

	if (why)
		return mmt_usage_error("invalid --detect-allow '%s': %s", arg, why);
	if (o->ndetect_allow == MMT_MAX_SCOPE_VALUES)
		return mmt_usage_error("at most %d --detect-allow options", MMT_MAX_SCOPE_VALUES);
	o->detect_allow[o->ndetect_allow++] = arg;
	return 0;
}

static const char detect_usage[] =
	"Usage: mmtrace detect [--detect-allow EXE[:RULE]]... [--stats] [-o table|json]\n"
	"                      [--color WHEN] FILE\n"
	"\n"
	"Run the detection rules (mmtrace list --rules) over a recording made with\n"
	"mmtrace -o json (raw or --parse-arguments; '-' reads stdin) and print the\n"
	"findings, as mmtrace --detect prints them live. Finding lines in the\n"
	"recording are skipped.\n";

int mmt_detect_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"detect-allow", required_argument, NULL, 'a'},
		{"stats", no_argument, NULL, 's'},
		{"output", required_argument, NULL, 'o'},
		{"color", required_argument, NULL, 'C'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct mmt_options o;
	struct mmt_det_session s;
	struct outbuf out = {0};
	bool json = false, stats = false;
	int color = -1, c, err, ret = 1;
	__u64 lineno = 0, events = 0, long_lines = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *in;

	memset(&o, 0, sizeof(o));
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if ((err = mmt_parse_detect_allow(&o, optarg)))
				return err;
			break;
		case 's':
			stats = true;
			break;
		case 'o':
			if (strcmp(optarg, "json") && strcmp(optarg, "table"))
				return mmt_usage_error("unknown output format '%s' (table or json)",
						       optarg);
			json = !strcmp(optarg, "json");
			break;
		case 'C':
			if (!strcmp(optarg, "always"))
				color = 1;
			else if (!strcmp(optarg, "never"))
				color = 0;
			else if (!strcmp(optarg, "auto"))
				color = -1;
			else
				return mmt_usage_error(
					"invalid --color '%s' (auto, always or never)", optarg);
			break;
		case 'h':
			fputs(detect_usage, stdout);
			return 0;
		case ':':
			return mmt_usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			return mmt_usage_error("unknown option '%s' for mmtrace detect",
					       argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return mmt_usage_error("mmtrace detect takes one FILE (a JSON recording, or -)");
	in = strcmp(argv[optind], "-") ? fopen(argv[optind], "re") : stdin;
	if (!in) {
		mmt_err("failed to open %s: %s", argv[optind], strerror(errno));
		return 1;
	}
	if (ob_init(&out, STDOUT_FILENO, 64 << 10)) {
		mmt_err("failed to start detection: out of memory");
		goto cleanup;
	}
	if (mmt_det_session_init(&s, json, false,
				 color == 1 || (color < 0 && isatty(STDOUT_FILENO)), o.detect_allow,
				 o.ndetect_allow))
		goto cleanup;
	while ((n = getline(&line, &cap, in)) > 0) {
		lineno++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		if (!n)
			continue;
		if (n > MAX_LINE) {
			long_lines++;
			continue;
		}
		mmt_det_session_line(&s, &out, line, n);
		ob_flush(&out);
		if (out.err)
			break;
	}
	events = lineno - s.malformed - s.skipped_findings - long_lines;
	if (ferror(in)) {
		mmt_err("failed to read %s: %s", argv[optind], strerror(errno));
	} else if (out.err && out.err != EPIPE) {
		mmt_err("failed to write the findings: %s", strerror(out.err));
	} else if (!events && (s.malformed || long_lines)) {
		mmt_err("failed to read %s: no line is an mmtrace JSON event (%llu malformed)",
			argv[optind], (unsigned long long)(s.malformed + long_lines));
	} else {
		if (s.malformed || long_lines)
			mmt_err("%s: %llu lines are not mmtrace JSON events, skipped", argv[optind],
				(unsigned long long)(s.malformed + long_lines));
		ret = 0;
	}
	if (stats) {
		fprintf(stderr, "{\"stats\":{\"lines\":%llu", (unsigned long long)lineno);
		mmt_det_session_stats(&s, stderr);
		fputs("}}\n", stderr);
	}
	mmt_det_session_free(&s);
cleanup:
	free(line);
	ob_free(&out);
	if (in != stdin)
		fclose(in);
	return ret;
}
