// SPDX-License-Identifier: GPL-2.0
/*
 * lost.c - a record of the calls that went missing, in the stream where
 * they did, in each output's syntax (as perf prints "LOST n events").
 */
#include "outputs/output.h"

static __u64 total_of(const __u64 lost[MMT_EV_COUNT])
{
	__u64 n = 0;

	for (int i = 0; i < MMT_EV_COUNT; i++)
		n += lost[i];
	return n;
}

static void by_event_text(struct outbuf *ob, const __u64 lost[MMT_EV_COUNT])
{
	bool first = true;

	for (int i = 0; i < MMT_EV_COUNT; i++) {
		if (!lost[i])
			continue;
		ob_str(ob, first ? "" : ", ");
		ob_str(ob, mmt_events[i].name);
		ob_char(ob, ' ');
		ob_u64(ob, lost[i]);
		first = false;
	}
}

void mmt_lost_event(struct outbuf *ob, enum mmt_format f, __u64 wall_ns,
		    const __u64 lost[MMT_EV_COUNT])
{
	__u64 prev = 0;

	switch (f) {
	case MMT_FMT_JSON:
		ob_lit(ob, "{\"timestamp\":");
		ob_u64(ob, wall_ns);
		ob_lit(ob, ",\"eventName\":\"lost_events\",\"lost\":");
		ob_u64(ob, total_of(lost));
		ob_lit(ob, ",\"lostByEvent\":{");
		for (int i = 0, first = 1; i < MMT_EV_COUNT; i++) {
			if (!lost[i])
				continue;
			if (!first)
				ob_char(ob, ',');
			ob_char(ob, '"');
			ob_str(ob, mmt_events[i].name);
			ob_lit(ob, "\":");
			ob_u64(ob, lost[i]);
			first = 0;
		}
		ob_lit(ob, "}}\n");
		break;
	case MMT_FMT_STRACE:
		/* as strace's own notes: +++ ... +++ */
		ob_lit(ob, "+++ lost ");
		ob_u64(ob, total_of(lost));
		ob_lit(ob, " events: ");
		by_event_text(ob, lost);
		ob_lit(ob, " +++\n");
		break;
	default:
		mmt_time_text(ob, MMT_TIME_USEC, wall_ns, &prev);
		ob_lit(ob, " lost_events LOST ");
		ob_u64(ob, total_of(lost));
		ob_lit(ob, " events: ");
		by_event_text(ob, lost);
		ob_char(ob, '\n');
		break;
	}
}
