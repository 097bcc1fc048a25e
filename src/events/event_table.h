/* SPDX-License-Identifier: GPL-2.0 */
/*
 * event_table.h - the one list of events mmtrace knows.
 *
 * Docs (`mmtrace list`), the table and JSON outputs and event selection all
 * read this table; nothing else names an event's arguments.
 */
#ifndef MMT_EVENT_TABLE_H
#define MMT_EVENT_TABLE_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include "mmtrace.h"
#include "text/xlat.h"

/* Where an argument's value comes from (the seed pages' tags). */
enum mmt_tag {
	MMT_TAG_K = 1 << 0, /* kernel-space: the register value itself */
	MMT_TAG_U = 1 << 1, /* read from user memory through a pointer */
	MMT_TAG_TOCTOU = 1 << 2, /* user memory the caller can change meanwhile */
	MMT_TAG_OPT = 1 << 3, /* may be NULL / ignored */
};

/* How an argument's raw register value is turned into text: each kind's
 * operations are in src/decoders/argkinds.c. */
enum mmt_arg_kind {
	MMT_ARG_INT, /* signed 32-bit */
	MMT_ARG_UINT, /* unsigned 32-bit, decimal */
	MMT_ARG_ULONG, /* unsigned 64-bit, decimal */
	MMT_ARG_SIZE, /* size_t, decimal */
	MMT_ARG_ADDR, /* an address, hex; not dereferenced */
	MMT_ARG_FLAGS, /* bits named by .xlat, unknown bits as |0x.. */
	MMT_ARG_VALUE, /* one value named by .xlat, unknown ones in hex */
	MMT_ARG_MMAP_FLAGS, /* map type + flags + huge page size */
	MMT_ARG_MPOL_MODE, /* mode value + MPOL_F_* mode flags */
	MMT_ARG_NODEMASK, /* pointer to a node mask read from user memory */
	MMT_ARG_ARRAY, /* pointer to an array read from user memory */
	MMT_ARG_OUT_MODE, /* int* the kernel writes a policy mode to */
	MMT_ARG_BOOL, /* 0 or 1: JSON false/true */
	MMT_ARG_NAME, /* one value named by .xlat, a string in JSON too */
	MMT_ARG_PAGE_VEC, /* mincore's vec: one byte per page, read at exit */
	MMT_ARG_IOVEC, /* struct iovecs read from user memory */
	MMT_ARG_FD, /* an int fd; with --fd-paths, the file it names */
	MMT_ARG_RANGE, /* the start address of a range, hex (its length is the
			* next argument); with --mappings, the mapping there */
	MMT_ARG_KIND_COUNT,
};

/* What an array's elements are. */
enum mmt_elem_kind {
	MMT_ELEM_PTR, /* addresses (move_pages' pages) */
	MMT_ELEM_INT, /* ints (nodes, status) */
};

/*
 * The type an argument has in Tracee's JSON events (v0.24 names: Tracee's
 * reader accepts these), which also fixes the width and sign of its JSON
 * value. MMT_JT_DERIVE (0): derived from the kind and the C type by
 * mmt_arg_jtype(); set .jtype only where Tracee's type is not the C type's.
 */
enum mmt_tracee_type {
	MMT_JT_DERIVE,
	MMT_JT_POINTER, /* "trace.Pointer": an address, unsigned 64-bit */
	MMT_JT_INT32, /* int */
	MMT_JT_UINT32, /* unsigned int */
	MMT_JT_INT64, /* off_t, long */
	MMT_JT_UINT64, /* size_t, unsigned long, u64 */
	MMT_JT_BOOL, /* bool (kernel events) */
	MMT_JT_STRING, /* a value always printed as a name (kernel events) */
	MMT_JT_COUNT,
};

/* The type names of the JSON output (--tracee-format). */
enum mmt_tracee_format {
	MMT_TRACEE_V024, /* Tracee v0.24 Go type names (the default) */
	MMT_TRACEE_V023, /* C type names, as Tracee up to v0.23 */
};

/* How the return value reads. */
enum mmt_ret_kind {
	MMT_RET_ZERO_OR_ERR, /* 0 on success, -errno */
	MMT_RET_COUNT_OR_ERR, /* a count on success, -errno */
	MMT_RET_ADDR_OR_ERR, /* an address on success, -errno */
	MMT_RET_ADDR, /* an address, never an error (brk) */
	MMT_RET_NONE, /* not a call: no return value (kernel events) */
};

struct mmt_arg_desc {
	const char *name;
	const char *type; /* C type as in the event pages */
	unsigned int tags; /* enum mmt_tag */
	enum mmt_arg_kind kind;
	/* where the payload keeps what is read through this pointer:
	 * NODEMASK: masks[] index; ARRAY: 0 pages, 1 nodes, 2 status of the
	 * move_pages payload; -1 for the others */
	int payload_slot;
	/* NODEMASK, ARRAY: the argument that holds maxnode or the count */
	int len_arg;
	const char *doc;
	enum mmt_tracee_type jtype; /* Tracee's type when not derived */
	const struct xlat *xlat; /* FLAGS, VALUE */
	bool int32; /* FLAGS: the kernel takes a 32-bit (unsigned) int */
	bool no_map_type; /* MMAP_FLAGS: no type field (remap_file_pages) */
	enum mmt_elem_kind elem; /* ARRAY */
	bool at_exit; /* read after the call: what the kernel wrote */
	/* OUT_MODE: the value is a node number, not a mode, when
	 * args[node_if_arg] & node_bits */
	int node_if_arg;
	__u64 node_bits;
	/* when used_bits: the kernel uses this argument only if
	 * args[used_if_arg] & used_bits (else it is shown as ignored) */
	int used_if_arg;
	__u64 used_bits;
};

struct mmt_event_desc {
	enum mmt_event event;
	const char *name;
	int syscall_nr; /* x86_64 number; Tracee's event id (kernel events:
			 * 2000 and up, outside the syscall range) */
	/* kernel events: the tracepoints the event comes from; NULL for a
	 * syscall */
	const char *tracepoint;
	int ia32_nr; /* i386 number, -1 when ia32 has no such call */
	int ia32_nr2; /* a second i386 entry mapped to the event, or -1 */
	enum mmt_payload_kind payload;
	bool migrates; /* can move pages: report migrate:mm_migrate_pages */
	bool has_target; /* args[0] is the pid of the process acted on */
	bool kernel_copy; /* copies its input masks in with get_nodes() */
	bool ia32_pgoff; /* ia32_nr takes its 6th argument in pages (mmap2) */
	/* ia32_nr2 takes one pointer to its arguments, six 32-bit words in
	 * user memory (the old mmap, 90) */
	bool ia32_nr2_argstruct;
	int nargs;
	/* a syscall's args[i] are its registers; a kernel event's first
	 * MMT_MAX_ARGS come in the record's args[], the others in its
	 * struct mmt_payload_kevent */
	struct mmt_arg_desc args[MMT_EVENT_MAX_ARGS];
	enum mmt_ret_kind ret_kind;
	const char *ret_doc;
	const char *summary; /* one line */
	const char *description;
	const char *hook;
	const char *related; /* comma-separated, each "name - what it is" */
	const char *issues;
	const char *uapi; /* header of the decoded constants; NULL: none */
};

extern const struct mmt_event_desc mmt_events[MMT_EV_COUNT];

/* A syscall, not a kernel event? */
static inline bool mmt_event_is_syscall(const struct mmt_event_desc *d)
{
	return d->event < MMT_EV_FIRST_KERNEL;
}

/* NULL when no event has this name. */
const struct mmt_event_desc *mmt_event_by_name(const char *name);
const struct mmt_event_desc *mmt_event_by_id(unsigned int event);

/* The Tracee type of an argument: d->jtype, else pointers (a C type
 * ending in '*', or an address kind) trace.Pointer, int int32, unsigned
 * int uint32, off_t int64, size_t and unsigned long uint64. */
enum mmt_tracee_type mmt_arg_jtype(const struct mmt_arg_desc *d);

/* The same from the C type alone (never d->jtype): the width and sign of
 * the value the kernel uses, which the JSON value prints. */
enum mmt_tracee_type mmt_arg_ctype_jtype(const struct mmt_arg_desc *d);

/* The name of the argument's type in format f: "trace.Pointer", "int32"...
 * (v0.24) or its C type (v0.23). */
const char *mmt_arg_type_name(const struct mmt_arg_desc *d, enum mmt_tracee_format f);

/* "trace.Pointer", "int32"...; NULL for MMT_JT_DERIVE and unknown values. */
const char *mmt_jtype_name(enum mmt_tracee_type t);

/* "K", "U,TOCTOU,OPT"... into buf; returns buf. */
const char *mmt_tags_str(unsigned int tags, char *buf, size_t len);

#endif /* MMT_EVENT_TABLE_H */
