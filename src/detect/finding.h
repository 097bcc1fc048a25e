/* SPDX-License-Identifier: GPL-2.0 */
/*
 * finding.h - a finding rendered: a JSON line in the shape of Tracee's
 * signature findings (the triggering event embedded in args.triggeredBy, a
 * metadata object naming the rule, its severity and MITRE ATT&CK
 * technique), or one highlighted table line.
 */
#ifndef MMT_DETECT_FINDING_H
#define MMT_DETECT_FINDING_H

#include "detect/detect.h"
#include "text/outbuf.h"

/* A sentence of what was found, into buf (snprintf semantics). */
size_t mmt_finding_text(const struct mmt_det_facts *f, const struct mmt_finding *x, char *buf,
			size_t len);

/*
 * One JSON line. trigger is the triggering event as one JSON object
 * (trigger_len bytes, a trailing newline ignored): embedded as is.
 */
void mmt_finding_json(struct outbuf *ob, const struct mmt_det_facts *f, const struct mmt_finding *x,
		      const char *trigger, size_t trigger_len);

/* One table line; color: reverse red (ANSI), else marked "!!". */
void mmt_finding_table(struct outbuf *ob, const struct mmt_det_facts *f,
		       const struct mmt_finding *x, bool color);

#endif /* MMT_DETECT_FINDING_H */
