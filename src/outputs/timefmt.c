// SPDX-License-Identifier: GPL-2.0
/*
 * timefmt.c - times and durations as strace prints them.
 */
#include <time.h>
#include "outputs/timefmt.h"

/* ".uuuuuu" */
static void micros(struct outbuf *ob, __u64 ns)
{
	char frac[7];
	__u64 us = ns / 1000 % 1000000;

	frac[0] = '.';
	for (int i = 6; i >= 1; i--, us /= 10)
		frac[i] = '0' + us % 10;
	ob_mem(ob, frac, 7);
}

void mmt_duration_text(struct outbuf *ob, __u64 ns)
{
	ob_u64(ob, ns / 1000000000ULL);
	micros(ob, ns);
}

void mmt_time_text(struct outbuf *ob, enum mmt_time_fmt f, __u64 wall_ns, __u64 *prev_ns)
{
	static time_t last_sec = -1;
	static char hms[16];
	time_t sec = wall_ns / 1000000000ULL;
	__u64 delta;

	switch (f) {
	case MMT_TIME_NONE:
		return;
	case MMT_TIME_EPOCH:
		mmt_duration_text(ob, wall_ns);
		return;
	case MMT_TIME_RELATIVE:
		delta = *prev_ns && wall_ns > *prev_ns ? wall_ns - *prev_ns : 0;
		*prev_ns = wall_ns;
		/* strace pads the seconds to six places */
		for (__u64 s = delta / 1000000000ULL, w = 100000; w > 1 && s < w; w /= 10)
			ob_char(ob, ' ');
		mmt_duration_text(ob, delta);
		return;
	default:
		break;
	}
	/* the broken-down time is kept per second */
	if (sec != last_sec) {
		struct tm tm;

		localtime_r(&sec, &tm);
		strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
		last_sec = sec;
	}
	ob_str(ob, hms);
	if (f != MMT_TIME_SEC)
		micros(ob, wall_ns);
}
