// SPDX-License-Identifier: GPL-2.0
/*
 * session.c - run the engine over events or recording lines and write the
 * findings in the output's format.
 */
#include <errno.h>
#include <string.h>
#include "detect/finding.h"
#include "detect/session.h"
#include "outputs/output.h"

#define MAX_FINDINGS 4

int mmt_det_session_init(struct mmt_det_session *s, bool json, bool parse_args, bool color,
			 const char *const *allow, int nallow)
{
	memset(s, 0, sizeof(*s));
	s->json = json;
	s->parse_args = parse_args;
	s->color = color;
	s->engine = mmt_detect_new(NULL);
	if (!s->engine || ob_init(&s->scratch, -1, 4096)) {
		fprintf(stderr, "mmtrace: failed to start detection: out of memory\n");
		goto fail;
	}
	for (int i = 0; i < nallow; i++) {
		const char *why = "out of memory";

		if (mmt_detect_allow(s->engine, allow[i], &why)) {
			fprintf(stderr, "mmtrace: failed to add --detect-allow '%s': %s\n",
				allow[i], why);
			goto fail;
		}
	}
	return 0;
fail:
	mmt_det_session_free(s);
	return -1;
}

void mmt_det_session_free(struct mmt_det_session *s)
{
	mmt_detect_free(s->engine);
	s->engine = NULL;
	ob_free(&s->scratch);
}

const char *mmt_det_allow_check(const char *spec)
{
	struct mmt_detect *d = mmt_detect_new(&(struct mmt_det_limits){1, 1, 1, 1});
	const char *why = NULL;

	if (!d)
		return "out of memory";
	if (mmt_detect_allow(d, spec, &why) && !why)
		why = "out of memory";
	mmt_detect_free(d);
	return why;
}

static void put_findings(struct mmt_det_session *s, struct outbuf *out,
			 const struct mmt_det_facts *f, const struct mmt_finding *x, int n,
			 const char *trigger, size_t trigger_len)
{
	for (int i = 0; i < n; i++) {
		if (s->json)
			mmt_finding_json(out, f, &x[i], trigger, trigger_len);
		else
			mmt_finding_table(out, f, &x[i], s->color);
	}
}

int mmt_det_session_event(struct mmt_det_session *s, struct outbuf *out,
			  const struct mmt_decoded_event *ev)
{
	struct mmt_finding x[MAX_FINDINGS];
	struct mmt_det_facts f;
	int n;

	mmt_det_facts_from_event(ev, true, &f);
	n = mmt_detect_call(s->engine, &f, x, MAX_FINDINGS);
	if (!n)
		return 0;
	if (s->json) {
		s->scratch.len = 0;
		mmt_json_event(&s->scratch, ev, s->parse_args);
		if (s->scratch.err)
			return -ENOMEM;
	}
	put_findings(s, out, &f, x, n, s->scratch.buf, s->json ? s->scratch.len : 0);
	return n;
}

int mmt_det_session_line(struct mmt_det_session *s, struct outbuf *out, const char *line,
			 size_t len)
{
	struct mmt_finding x[MAX_FINDINGS];
	struct mmt_det_facts f;
	int n;

	switch (mmt_det_facts_from_json(line, len, &f)) {
	case MMT_DET_LINE_MALFORMED:
		s->malformed++;
		return 0;
	case MMT_DET_LINE_FINDING:
		s->skipped_findings++;
		return 0;
	case MMT_DET_LINE_EVENT:
		break;
	}
	n = mmt_detect_call(s->engine, &f, x, MAX_FINDINGS);
	put_findings(s, out, &f, x, n, line, len);
	return n;
}

void mmt_det_session_stats(const struct mmt_det_session *s, FILE *to)
{
	struct mmt_det_stats st;

	mmt_detect_stats(s->engine, &st);
	fputs(",\"detect\":{\"findings\":{", to);
	for (int i = 0; i < MMT_RULE_COUNT; i++)
		fprintf(to, "%s\"%s\":%llu", i ? "," : "", mmt_det_rules[i].id,
			(unsigned long long)st.findings[i]);
	fputs("},\"allowed\":{", to);
	for (int i = 0; i < MMT_RULE_COUNT; i++)
		fprintf(to, "%s\"%s\":%llu", i ? "," : "", mmt_det_rules[i].id,
			(unsigned long long)st.allowed[i]);
	fprintf(to,
		"},\"calls\":%llu,\"processes\":%llu,\"evictedProcesses\":%llu,"
		"\"evictedRanges\":%llu,\"evictedSeals\":%llu,\"evictedFiles\":%llu,"
		"\"malformedLines\":%llu}",
		(unsigned long long)st.facts, (unsigned long long)st.processes,
		(unsigned long long)st.evicted_processes, (unsigned long long)st.evicted_ranges,
		(unsigned long long)st.evicted_seals, (unsigned long long)st.evicted_files,
		(unsigned long long)s->malformed);
}
