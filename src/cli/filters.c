// SPDX-License-Identifier: GPL-2.0
/*
 * filters.c - `-e` items: event names and filters on arguments and return
 * values, in Tracee's shape (`mremap.args.flags&MREMAP_FIXED`). Constants
 * are taken by name from the same tables the decoders print them with.
 * Numeric tests become predicates the BPF side evaluates before a record is
 * written; node-mask tests run in user space.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/errors.h"
#include "cli/filters.h"
#include "decoders/argkinds.h"

static const struct {
	const char *text;
	enum mmt_pred_op op;
} ops[] = {
	/* two-character operators first */
	{ "!=", MMT_OP_NE }, { "<=", MMT_OP_LE }, { ">=", MMT_OP_GE },
	{ "=", MMT_OP_EQ },  { "<", MMT_OP_LT },  { ">", MMT_OP_GT },
	{ "&", MMT_OP_ANY_BITS },
};

static void list_args(const struct mmt_event_desc *d, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; i < d->nargs && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? ", " : "", d->args[i].name);
	if (!d->nargs)
		snprintf(buf, len, "none");
}

static void list_events(char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; i < MMT_EV_COUNT && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? ", " : "", mmt_events[i].name);
}

/*
 * A value: a number (decimal, 0x hex, negative) or NAME|NAME|... of the
 * argument's constants. *first_only tells whether only names of the
 * argument's first table were given (a mode without MPOL_F_* flags).
 */
static int parse_value(const char *expr, const char *text,
		       const struct mmt_arg_desc *a, __u64 *val,
		       bool *first_only)
{
	const struct mmt_arg_ops *ops = a ? mmt_arg_ops_of(a) : NULL;
	const struct xlat *t[2];
	int nt = ops && ops->filter_tables ? ops->filter_tables(a, t) : 0;
	char *copy, *save = NULL, *end;
	bool named_first = false, named_other = false;
	int err = 0;

	*first_only = false;
	if (!*text)
		return mmt_usage_error("filter '%s' has no value", expr);
	errno = 0;
	if (text[0] == '-')
		*val = (__u64)strtoll(text, &end, 0);
	else
		*val = strtoull(text, &end, 0);
	if (!errno && end != text && !*end)
		return 0;
	if (!nt)
		return mmt_usage_error("filter '%s': '%s' is not a number (%s takes numbers)",
				       expr, text, a ? a->name : "the return value");
	copy = strdup(text);
	if (!copy)
		return mmt_usage_error("out of memory");
	*val = 0;
	for (char *name = strtok_r(copy, "|", &save); name; name = strtok_r(NULL, "|", &save)) {
		__u64 v = 0;
		int k;

		for (k = 0; k < nt; k++)
			if (xlat_value_of(t[k], name, &v))
				break;
		if (k == nt) {
			err = mmt_usage_error("filter '%s': unknown constant '%s' for %s (e.g. %s)",
					      expr, name, a->name, t[0]->e[0].name);
			break;
		}
		*val |= v;
		if (k == 0)
			named_first = true;
		else
			named_other = true;
	}
	free(copy);
	*first_only = named_first && !named_other;
	return err;
}

/* A number out of the argument's C type matches nothing: refuse it. */
static int check_range(const char *expr, const struct mmt_arg_desc *a, const char *text,
		       __u64 v)
{
	bool negative = text[0] == '-';

	switch (a->kind) {
	case MMT_ARG_INT:
	case MMT_ARG_FD:
	case MMT_ARG_VALUE:
	case MMT_ARG_NAME:
	case MMT_ARG_MPOL_MODE:
		/* an int: -2^31 .. 2^31-1, or its bits as 0 .. 0xffffffff */
		if ((negative && (__s64)v < INT32_MIN) || (!negative && v > UINT32_MAX))
			return mmt_usage_error("filter '%s': %s is an int: '%s' is out of its range",
					       expr, a->name, text);
		return 0;
	case MMT_ARG_UINT:
		if (negative || v > UINT32_MAX)
			return mmt_usage_error("filter '%s': %s is an unsigned int: '%s' is out of its range (0 to 4294967295)",
					       expr, a->name, text);
		return 0;
	case MMT_ARG_FLAGS:
	case MMT_ARG_MMAP_FLAGS:
		if (negative || (a->int32 && v > UINT32_MAX))
			return mmt_usage_error("filter '%s': %s is a set of flags: '%s' is out of its range",
					       expr, a->name, text);
		return 0;
	default: /* sizes, addresses, unsigned longs */
		if (negative)
			return mmt_usage_error("filter '%s': %s is unsigned (%s): '%s' is out of its range",
					       expr, a->name, a->type, text);
		return 0;
	}
}

/* '=' tests of one field OR together (Tracee's rule): they share a group,
 * kept contiguous; every other test is a group of its own. */
static int add_pred(struct mmt_options *o, const char *expr, int event, struct mmt_pred p)
{
	struct mmt_pred *preds = o->preds[event];
	int n = o->npreds[event], at = n;
	bool found = false;
	__u32 groups = 0;

	if (n == MMT_MAX_PREDS)
		return mmt_usage_error("filter '%s': at most %d filters per event", expr,
				       MMT_MAX_PREDS);
	for (int i = 0; i < n; i++) {
		if (preds[i].group >= groups)
			groups = preds[i].group + 1;
		if (p.op == MMT_OP_EQ && preds[i].op == MMT_OP_EQ && preds[i].arg == p.arg &&
		    preds[i].mask == p.mask) {
			p.group = preds[i].group;
			at = i + 1;
			found = true;
		}
	}
	if (!found)
		p.group = groups;
	memmove(&preds[at + 1], &preds[at], (n - at) * sizeof(*preds));
	preds[at] = p;
	o->npreds[event]++;
	return 0;
}

/* strace's event classes: %memory is every syscall here, %numa ours:
 * the NUMA policy and migration calls and the kernel's own events. */
static bool in_class(const char *cls, const struct mmt_event_desc *d)
{
	static const char *const numa[] = {
		"mbind", "set_mempolicy", "get_mempolicy", "set_mempolicy_home_node",
		"migrate_pages", "move_pages",
	};

	if (!strcmp(cls, "all"))
		return true;
	if (!strcmp(cls, "%memory")) /* strace's: syscalls */
		return mmt_event_is_syscall(d);
	if (!mmt_event_is_syscall(d)) /* %numa: the kernel's migrations too */
		return true;
	for (size_t i = 0; i < sizeof(numa) / sizeof(numa[0]); i++)
		if (!strcmp(d->name, numa[i]))
			return true;
	return false;
}

/* strace's set syntax: all, %memory, %numa, and NAME or a class after '!'.
 * Returns -1 when item is not of this syntax. */
static int parse_set_item(struct mmt_options *o, const char *item)
{
	bool neg = item[0] == '!';
	const char *name = item + neg;
	const struct mmt_event_desc *d;

	if (!strcmp(name, "all") || !strcmp(name, "%memory") || !strcmp(name, "%numa")) {
		for (int i = 0; i < MMT_EV_COUNT; i++) {
			if (!in_class(name, &mmt_events[i]))
				continue;
			if (neg)
				o->deselected[i] = true;
			else
				o->selected[i] = true;
		}
		o->any_selected |= !neg;
		return 0;
	}
	if (name[0] == '%')
		return mmt_usage_error("unknown class '%s' (classes: %%memory, %%numa)", name);
	if (!neg)
		return -1;
	d = mmt_event_by_name(name);
	if (!d)
		return mmt_usage_error("unknown event '%s' in '%s'", name, item);
	o->deselected[d->event] = true;
	return 0;
}

int mmt_parse_event_item(struct mmt_options *o, const char *item)
{
	const struct mmt_event_desc *d;
	const struct mmt_arg_desc *a = NULL;
	char name[64], field[64], known[1024];
	const char *dot = strchr(item, '.'), *rest, *optext = NULL;
	struct mmt_pred p = { .mask = ~0ULL };
	size_t n, oplen = 0;
	bool first_only;
	int argi = -1, err;

	err = parse_set_item(o, item);
	if (err >= 0)
		return err;
	n = dot ? (size_t)(dot - item) : strlen(item);
	if (!n || n >= sizeof(name))
		return mmt_usage_error("'%s' names no event", item);
	memcpy(name, item, n);
	name[n] = '\0';
	d = mmt_event_by_name(name);
	if (!d) {
		list_events(known, sizeof(known));
		return mmt_usage_error("unknown event '%s' (known: %s)", name, known);
	}
	o->selected[d->event] = true;
	o->any_selected = true;
	if (!dot)
		return 0;

	/* field: args.NAME, args.NAME.nodes or retval */
	rest = dot + 1;
	n = strcspn(rest, "=!<>&");
	if (n >= sizeof(field))
		return mmt_usage_error("filter '%s' is too long", item);
	memcpy(field, rest, n);
	field[n] = '\0';
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t l = strlen(ops[i].text);

		if (!strncmp(rest + n, ops[i].text, l)) {
			p.op = ops[i].op;
			optext = ops[i].text;
			oplen = l;
			break;
		}
	}
	if (!optext)
		return mmt_usage_error("filter '%s' has no operator (use =, !=, <, <=, >, >= or &)",
				       item);

	if (!strcmp(field, "latency")) {
		const char *num = rest + n + oplen;
		char *end;
		double us;

		if (p.op == MMT_OP_ANY_BITS)
			return mmt_usage_error("filter '%s': latency takes =, !=, <, <=, > or >=", item);
		errno = 0;
		us = strtod(num, &end);
		if (errno || end == num || *end || !(us >= 0 && us <= 86400e6))
			return mmt_usage_error("filter '%s': latency is microseconds, from 0 to 86400000000",
					       item);
		if (o->nlatency_filters == MMT_MAX_USER_FILTERS)
			return mmt_usage_error("filter '%s': at most %d latency filters", item,
					       MMT_MAX_USER_FILTERS);
		o->latency_filters[o->nlatency_filters++] = (struct mmt_latency_filter){
			.event = d->event, .op = p.op, .ns = (__u64)(us * 1000.0 + 0.5)
		};
		return 0;
	}
	if (!strcmp(field, "retval")) {
		p.arg = MMT_PRED_RET;
		p.is_signed = 1;
	} else if (!strncmp(field, "args.", 5)) {
		char *sub = strchr(field + 5, '.');

		if (sub)
			*sub++ = '\0';
		for (int i = 0; i < d->nargs; i++)
			if (!strcmp(d->args[i].name, field + 5))
				argi = i;
		if (argi < 0) {
			list_args(d, known, sizeof(known));
			return mmt_usage_error("filter '%s': %s has no argument '%s' (arguments: %s)",
					       item, d->name, field + 5, known);
		}
		a = &d->args[argi];
		if (sub) {
			char *end;
			long node;

			if (strcmp(sub, "nodes") || mmt_arg_ops_of(a)->data != MMT_DATA_MASK)
				return mmt_usage_error("filter '%s': only a node mask has .nodes, and %s.args.%s.%s is not one",
						       item, d->name, a->name, sub);
			if (p.op != MMT_OP_EQ)
				return mmt_usage_error("filter '%s': .nodes takes '=' (the mask contains the node)",
						       item);
			errno = 0;
			node = strtol(rest + n + oplen, &end, 10);
			if (errno || *end || end == rest + n + oplen || node < 0 ||
			    node >= MMT_MASK_MAX_BITS)
				return mmt_usage_error("filter '%s': a node is a number from 0 to %d",
						       item, MMT_MASK_MAX_BITS - 1);
			if (o->nnode_filters == MMT_MAX_USER_FILTERS)
				return mmt_usage_error("filter '%s': at most %d node filters", item,
						       MMT_MAX_USER_FILTERS);
			o->node_filters[o->nnode_filters++] = (struct mmt_node_filter){
				.event = d->event, .arg = argi, .node = (int)node
			};
			return 0;
		}
		if (argi >= MMT_MAX_ARGS)
			return mmt_usage_error("filter '%s': %s.args.%s cannot be filtered (the kernel tests the first %d arguments only)",
					       item, d->name, a->name, MMT_MAX_ARGS);
		p.arg = argi;
		p.is_int = mmt_arg_ops_of(a)->filter_int;
		p.is_signed = p.is_int;
	} else {
		return mmt_usage_error("filter '%s': '%s' is not a field (use args.NAME, retval or latency)",
				       item, field);
	}

	err = parse_value(item, rest + n + oplen, a, &p.value, &first_only);
	if (err)
		return err;
	if (a && (err = check_range(item, a, rest + n + oplen, p.value)))
		return err;
	if (p.op == MMT_OP_ANY_BITS) {
		p.mask = p.value;
		p.value = 0;
		p.is_signed = 0;
	} else if (first_only && mmt_arg_ops_of(a)->filter_value_bits) {
		/* mode=MPOL_BIND matches MPOL_BIND with any mode flag */
		p.mask = mmt_arg_ops_of(a)->filter_value_bits;
		p.value &= p.mask;
	}
	if (p.is_int && p.op != MMT_OP_ANY_BITS)
		p.value = (__u64)(__s64)(__s32)p.value;
	return add_pred(o, item, d->event, p);
}
