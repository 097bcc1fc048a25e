/* SPDX-License-Identifier: GPL-2.0 */
/*
 * jsonl.h - a small, bounded JSON parser for one line of a recording: the
 * values of a line live in an arena that the next line reuses.
 */
#ifndef MMT_JSONL_H
#define MMT_JSONL_H

#include <stdbool.h>
#include <stddef.h>

#define MMT_JSON_MAX_DEPTH 32

enum mmt_jtype { MMT_J_NULL, MMT_J_BOOL, MMT_J_NUM, MMT_J_STR, MMT_J_ARR, MMT_J_OBJ };

struct mmt_jv {
	enum mmt_jtype type;
	bool b;
	double num;	 /* numbers; the exact text in str for integers */
	const char *str; /* strings (unescaped, NUL-terminated) and numbers */
	size_t len;
	const char *key;      /* a member of an object: its name */
	struct mmt_jv *child; /* arrays and objects: the first element */
	struct mmt_jv *next;  /* the next element of the parent */
};

struct mmt_jarena {
	char *mem;
	size_t cap, used;
};

/* The arena holds at most cap bytes (values and strings of one line). */
int mmt_jarena_init(struct mmt_jarena *a, size_t cap);
void mmt_jarena_free(struct mmt_jarena *a);

/*
 * Parse s[0..n) as one JSON value (whitespace around it allowed). Returns
 * the value, or NULL with *why set (static text) when it is not JSON, nests
 * deeper than MMT_JSON_MAX_DEPTH or does not fit in the arena. Resets the
 * arena first: values of the previous line are gone.
 */
struct mmt_jv *mmt_json_parse(struct mmt_jarena *a, const char *s, size_t n, const char **why);

/* A member of an object by name; NULL when o is not an object or has none. */
const struct mmt_jv *mmt_json_get(const struct mmt_jv *o, const char *key);
/* Tracee's args: the "value" of the element of array args whose "name" is name. */
const struct mmt_jv *mmt_json_arg(const struct mmt_jv *args, const char *name);
/* A number (or a string of digits) as an integer; def when it is neither. */
long long mmt_json_int(const struct mmt_jv *v, long long def);

#endif /* MMT_JSONL_H */
