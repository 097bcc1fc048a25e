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
#include "stack/stack.h"
#include "text/errname.h"
#include "text/nodes.h"

#define MMT_TEXT_LEN 256

/* What an argument carries besides its register value: the tag of
 * struct mmt_decoded_arg's union (a kind's mmt_arg_ops.data). */
enum mmt_arg_data {
	MMT_DATA_NONE, /* the register value only */
	MMT_DATA_MASK, /* a node mask read from user memory */
	MMT_DATA_ARRAY, /* an array read from user memory */
	MMT_DATA_OUT_INT, /* an int the kernel wrote to user memory */
};

struct mmt_decoded_arg {
	const struct mmt_arg_desc *desc;
	__s64 value; /* the register as the argument's Tracee type holds it */
	bool is_unsigned; /* print value as __u64 */
	__u64 raw; /* the register */
	/* the register held bits the type cannot: a 32-bit type's register is
	 * neither the zero- nor the sign-extension of its low half (JSON
	 * keeps it as "rawValue") */
	bool raw_differs;
	bool ignored; /* the kernel does not use it in this call */
	/* an output (desc->at_exit) of a failed call: the kernel wrote
	 * nothing, so nothing was read (JSON "notWritten": true, table "?") */
	bool not_written;
	/* FD, RANGE: the file or mapping read at entry (--fd-paths,
	 * --mappings), in the record; NULL when the record has none */
	const struct mmt_argctx *ctx;
	char text[MMT_TEXT_LEN]; /* decoded, for people and --parse-arguments */
	enum mmt_arg_data data; /* which member of the union holds */
	union {
		struct { /* MMT_DATA_MASK */
			const struct mmt_mask *mask; /* what was read */
			/* input mask: read again at exit, it differed */
			bool changed;
			/* input mask: the copy the kernel took (MMT_READ_OK),
			 * or NULL */
			const struct mmt_mask *kmask;
			/* input mask: the verdict. With kmask: the kernel
			 * copied other nodes than the entry read (a proven
			 * race); without: changed. */
			bool toctou;
			/* input mask: how toctou was decided
			 * (mmt_kcopy_method_name()), NULL when nothing was
			 * checked */
			const char *toctou_check;
		};
		const struct mmt_array *array; /* MMT_DATA_ARRAY */
		struct { /* MMT_DATA_OUT_INT */
			int out_state; /* enum mmt_read_state of the read */
			__s32 out_value; /* the int the kernel wrote */
			char out_text[MMT_TEXT_LEN]; /* out_value decoded */
		};
	};
};

struct mmt_decoded_event {
	const struct mmt_record *rec;
	const struct mmt_event_desc *desc;
	__u64 timestamp_ns; /* wall clock, at entry */
	__u64 thread_start_ns; /* wall clock */
	__u64 leader_start_ns; /* wall clock: the thread group leader's start */
	__u64 parent_start_ns; /* wall clock: the parent process's start */
	bool failed; /* the return value is an error */
	char ret_text[48]; /* "0", "-22 EINVAL", "0x7f0000000000" */
	/* the record's fixed-size strings, in the record: NUL-terminated or
	 * not, read them at most MMT_COMM_LEN, MMT_HOST_LEN, MMT_PATH_LEN
	 * bytes (the renderers do) */
	const char *comm;
	const char *host;
	const char *exe;
	struct mmt_decoded_arg args[MMT_EVENT_MAX_ARGS];
	bool compat; /* a 32-bit (ia32) task made the call */
	/* the arguments were in user memory and could not be read (the ia32
	 * old mmap): every arg's value is 0, args_at says where they were */
	bool args_unread;
	__u64 args_at;
	const char *args_read_error; /* "EFAULT"... */
	/* set by the caller after mmt_decode() (NULL: not looked up) */
	const struct mmt_container *container;
	/* --stack: the call site unwound (NULL: none) */
	const struct mmt_stack *stack;
	/* the thread context's id in src/context/tasks.c, 0 when none: events
	 * with one id share every context field (renderers may cache them) */
	__u64 context_id;
	/* Tracee's thread, process and parent entity ids as a recording
	 * gave them (decoders/from_json.h), which its start times, not kept
	 * in the line, no longer give; else computed by the renderer */
	bool has_entity_ids;
	__u32 entity_ids[3];
	/* a recorded event made without -T: its duration is not known (the
	 * renderers show none rather than 0) */
	bool duration_unknown;
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

/* Bytes a record of this event has: the header and its payload (and a
 * struct mmt_argctx after it when the record has MMT_REC_ARGCTX). */
size_t mmt_record_size(const struct mmt_event_desc *d);

/* Helpers of the argument kinds, in argkinds.c. */

/* "entry-exit re-read", "kernel-copy (fexit get_nodes)"...; NULL for
 * MMT_KCOPY_NONE and unknown values. */
const char *mmt_kcopy_method_name(unsigned int method);

/* Is the method one of the kernel-copy hooks? */
bool mmt_toctou_is_kcopy(unsigned int method);

/* Do two masks hold different nodes (bits past a mask's nbits are 0)? */
bool mmt_masks_differ(const struct mmt_mask *a, const struct mmt_mask *b);

/* Decoders of single values, into buf (snprintf semantics). */
size_t mmt_decode_mpol_mode(__s32 mode, char *buf, size_t len);
/* (decode.c) */
size_t mmt_decode_ret(enum mmt_ret_kind kind, __s64 ret, char *buf, size_t len,
		      bool *failed);

/* Element i (< a->count) of an array read, sign-extended (ints). */
__s64 mmt_array_elem(const struct mmt_array *a, unsigned int i);
/* Element i as an address: 4-byte (ia32) ones zero-extended. */
__u64 mmt_array_ptr(const struct mmt_array *a, unsigned int i);

#endif /* MMT_DECODE_H */
