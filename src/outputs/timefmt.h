/* SPDX-License-Identifier: GPL-2.0 */
/*
 * timefmt.h - how a call's time is printed, as strace's -t, -tt, -ttt and
 * -r spell it, and a call's duration as -T does.
 */
#ifndef MMT_TIMEFMT_H
#define MMT_TIMEFMT_H

#include <linux/types.h>
#include "text/outbuf.h"

enum mmt_time_fmt {
	MMT_TIME_DEFAULT,  /* the output's own: table HH:MM:SS.us, strace none */
	MMT_TIME_SEC,	   /* -t: HH:MM:SS */
	MMT_TIME_USEC,	   /* -tt: HH:MM:SS.uuuuuu */
	MMT_TIME_EPOCH,	   /* -ttt: seconds.uuuuuu since the epoch */
	MMT_TIME_RELATIVE, /* -r: seconds since the previous call printed */
	MMT_TIME_NONE,	   /* print no time */
};

/* The time of a call at wall_ns (ns since the epoch) in format f; -r
 * keeps the previous call's time in *prev_ns (0: none yet). */
void mmt_time_text(struct outbuf *ob, enum mmt_time_fmt f, __u64 wall_ns, __u64 *prev_ns);

/* seconds.uuuuuu, as strace -T prints a duration (without the <>). */
void mmt_duration_text(struct outbuf *ob, __u64 ns);

#endif /* MMT_TIMEFMT_H */
