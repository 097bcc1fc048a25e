/* SPDX-License-Identifier: GPL-2.0 */
/*
 * filters.h - `-e` items: event names and filters on arguments and return
 * values.
 */
#ifndef MMT_CLI_FILTERS_H
#define MMT_CLI_FILTERS_H

#include "cli/options.h"

/*
 * Parse one -e item: an event name, or a filter on an event:
 * EVENT.args.NAME OP VALUE, EVENT.retval OP VALUE, EVENT.args.NAME.nodes=N
 * with OP one of = != < <= > >= & (any of the bits). Selects the event.
 * Returns 0, or MMT_EXIT_USAGE after printing what is wrong.
 */
int mmt_parse_event_item(struct mmt_options *o, const char *item);

#endif /* MMT_CLI_FILTERS_H */
