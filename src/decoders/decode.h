/* SPDX-License-Identifier: GPL-2.0 */
/*
 * decode.h - turn one raw record into one decoded event. The table and the
 * JSON outputs both render this result; neither looks at raw bits again.
 */
#ifndef MMT_DECODE_H
#define MMT_DECODE_H

#include <stdbool.h>
#include "context/containers.h"
#include "events/event_table.h"

#define MMT_TEXT_LEN 256

struct mmt_decoded_arg {
	const struct mmt_arg_desc *desc;
	__s64 value; /* raw value as the kernel's prototype types it */
	bool is_unsigned; /* print value as __u64 */
	bool ignored; /* the kernel does not use it in this call */
	char text[MMT_TEXT_LEN]; /* decoded, for people and --parse-arguments */
	const struct mmt_mask *mask; /* NODEMASK */
	bool changed; /* NODEMASK input: read again at exit, it differed */
	/* NODEMASK input: the copy the kernel took (MMT_READ_OK), or NULL */
	const struct mmt_mask *kmask;
	/* NODEMASK input: the verdict. With kmask: the kernel copied other
	 * nodes than the entry read (a proven race); without: changed. */
	bool toctou;
	/* NODEMASK input: how toctou was decided (mmt_kcopy_method_name()),
	 * NULL when nothing was checked */
	const char *toctou_check;
	const struct mmt_array *array; /* ARRAY */
	int out_state; /* OUT_MODE: enum mmt_read_state of the value read */
	__s32 out_value; /* OUT_MODE: the int the kernel wrote */
	char out_text[MMT_TEXT_LEN]; /* OUT_MODE: out_value decoded */
};

struct mmt_decoded_event {
	const struct mmt_record *rec;
	const struct mmt_event_desc *desc;
	__u64 timestamp_ns; /* wall clock, at entry */
	__u64 thread_start_ns; /* wall clock */
	bool failed; /* the return value is an error */
	char ret_text[48]; /* "0", "-22 EINVAL", "0x7f0000000000" */
	/* the record's fixed-size strings, in the record: NUL-terminated or
	 * not, read them at most MMT_COMM_LEN, MMT_HOST_LEN, MMT_PATH_LEN
	 * bytes (the renderers do) */
	const char *comm;
	const char *host;
	const char *exe;
	struct mmt_decoded_arg args[MMT_MAX_ARGS];
	bool compat; /* a 32-bit (ia32) task made the call */
	/* set by the caller after mmt_decode() (NULL: not looked up) */
	const struct mmt_container *container;
	/* the thread context's id in src/context/tasks.c, 0 when none: events
	 * with one id share every context field (renderers may cache them) */
	__u64 context_id;
	/* the process a pid argument named (desc->has_target) */
	bool has_target;
	bool target_other_process;
	bool target_other_user;
	__u32 target_host_pid;
	__u32 target_uid;
	char target_comm[MMT_COMM_LEN + 1];
};

/*
 * Decode len bytes of a ring-buffer record. boot_to_wall_ns converts
 * CLOCK_BOOTTIME to the wall clock. Returns 0, or -EINVAL for a record that
 * is malformed (wrong size, unknown event, impossible mask); nothing in it is
 * trusted before it is checked.
 */
int mmt_decode(const void *data, size_t len, __u64 boot_to_wall_ns,
	       struct mmt_decoded_event *out);

/*
 * The same checks and fields, without any text: ret_text, every arg's text
 * and out_text are left empty. For outputs that print values only (JSON
 * without --parse-arguments).
 */
int mmt_decode_values(const void *data, size_t len, __u64 boot_to_wall_ns,
		      struct mmt_decoded_event *out);

/* Bytes a record of this event has: the header and its payload. */
size_t mmt_record_size(const struct mmt_event_desc *d);

/* "EINVAL" for 22; NULL when unknown. */
const char *mmt_errno_name(long err);

/* "EINVAL" for -22: the name of a negative errno value; NULL unless
 * -4095 <= v < 0 (any 64-bit value is safe to pass). */
const char *mmt_neg_errno_name(__s64 v);

/* "entry-exit re-read", "kernel-copy (fexit get_nodes)"...; NULL for
 * MMT_KCOPY_NONE and unknown values. */
const char *mmt_kcopy_method_name(unsigned int method);

/* Do two masks hold different nodes (bits past a mask's nbits are 0)? */
bool mmt_masks_differ(const struct mmt_mask *a, const struct mmt_mask *b);

/* Decoders of single values, into buf (snprintf semantics). */
size_t mmt_decode_mpol_mode(__s32 mode, char *buf, size_t len);
size_t mmt_decode_ret(enum mmt_ret_kind kind, __s64 ret, char *buf, size_t len,
		      bool *failed);

/*
 * Iterate the nodes set in a mask that was read: returns the first node
 * >= from, or -1. Only bits below m->nbits count.
 */
int mmt_mask_next(const struct mmt_mask *m, int from);

/* Element i (< a->count) of an array read, sign-extended (ints). */
__s64 mmt_array_elem(const struct mmt_array *a, unsigned int i);
/* Element i as an address: 4-byte (ia32) ones zero-extended. */
__u64 mmt_array_ptr(const struct mmt_array *a, unsigned int i);

#endif /* MMT_DECODE_H */
