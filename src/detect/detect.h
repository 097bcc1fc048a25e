/* SPDX-License-Identifier: GPL-2.0 */
/*
 * detect.h - the detection engine: a table of rules run over the facts of
 * each traced call, with the state they need kept per process in user space
 * (memory ranges and their history, sealed ranges, files mapped writable or
 * executable), bounded in memory.
 *
 * The engine knows nothing of records, decoders or JSON: adapters
 * (src/detect/facts.h) fill a struct mmt_det_facts from a decoded event or
 * from a line of a JSON recording, so live tracing and `mmtrace detect FILE`
 * reach the same findings from the same facts.
 */
#ifndef MMT_DETECT_H
#define MMT_DETECT_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

/* What kind of call the facts describe: the rules look at these only. */
enum mmt_det_op {
	MMT_DET_OTHER = 0, /* a call no rule looks at */
	MMT_DET_MMAP,
	MMT_DET_MUNMAP,
	MMT_DET_MREMAP,
	MMT_DET_MPROTECT, /* mprotect and pkey_mprotect */
	MMT_DET_MADVISE,
	MMT_DET_MSEAL,
	MMT_DET_MIGRATE_PAGES,
	MMT_DET_MOVE_PAGES,
	MMT_DET_PROCESS_MADVISE,
};

#define MMT_DET_PATH_LEN 256
#define MMT_DET_COMM_LEN 16

/* A file's identity: device and inode (from /proc today; from the event
 * once events carry the fd's path and the mapping's file). */
struct mmt_det_file {
	bool known;
	bool has_ino; /* dev and ino are set */
	__u64 dev, ino;
	char path[MMT_DET_PATH_LEN]; /* "" when unknown; may be cut (path_cut) */
	bool path_cut;
};

/* The facts of one call, as an adapter extracted them. */
struct mmt_det_facts {
	enum mmt_det_op op;
	const char *syscall; /* the event's name */
	__u64 timestamp_ns;
	__u32 pid, tid; /* host ids: the tgid and the thread */
	__u32 ns_pid;	/* the caller's pid in its own pid namespace */
	__u32 uid;
	char comm[MMT_DET_COMM_LEN + 1];
	char exe[MMT_DET_PATH_LEN]; /* executable path; "" when unknown */
	bool compat;		    /* a 32-bit task */
	__s64 ret;		    /* the return value (negative errno on failure) */
	/* address-range calls: the range acted on (mremap: the old one) */
	__u64 addr, len;
	/* mremap: the new size; the new address is ret */
	__u64 new_len;
	__u32 prot;		  /* mmap, mprotect */
	__u32 flags;		  /* mmap's and mremap's flags */
	__s32 advice;		  /* madvise, process_madvise */
	__s32 fd;		  /* mmap's fd (-1: none) */
	/* mmap: what the fd names; address-range calls: the file of the
	 * mapping at addr, from the mapping context (--mappings) */
	struct mmt_det_file file;
	/* address-range calls with the mapping context: the mapping at addr
	 * before the call, read in the kernel */
	bool map_known;
	bool map_shared; /* MAP_SHARED */
	__u64 map_start, map_end;
	/* migrate_pages, move_pages, process_madvise: the process acted on */
	__s64 pid_arg;	   /* the pid argument (0: the caller) */
	bool target_known; /* target_* below are set */
	__u32 target_pid, target_uid;
	char target_comm[MMT_DET_COMM_LEN + 1];
	bool query_only; /* move_pages with nodes NULL: asks, moves nothing */
};

/* Severity, as Tracee numbers it. */
enum mmt_det_severity {
	MMT_SEV_INFO = 0,
	MMT_SEV_LOW = 1,
	MMT_SEV_MEDIUM = 2,
	MMT_SEV_HIGH = 3,
};

enum mmt_det_rule_id {
	MMT_RULE_WX_MAPPING,	  /* MMT-1 */
	MMT_RULE_WRITE_THEN_EXEC, /* MMT-2 */
	MMT_RULE_FILE_DOUBLE_MAP, /* MMT-3 */
	MMT_RULE_CROSS_PROCESS,	  /* MMT-4 */
	MMT_RULE_SEAL_TAMPER,	  /* MMT-5 */
	MMT_RULE_DONTUNMAP_EXEC,  /* MMT-6 */
	MMT_RULE_COUNT,
};

/* One rule: the data that documents it and names its findings. */
struct mmt_det_rule {
	enum mmt_det_rule_id rule;
	const char *id;		/* "MMT-1" */
	const char *event_name; /* the finding's eventName */
	int event_id;		/* the finding's eventId */
	const char *name;	/* a title */
	const char *description;
	enum mmt_det_severity severity; /* the usual one; a finding may differ */
	const char *tactic;		/* MITRE ATT&CK tactic */
	const char *technique;		/* MITRE ATT&CK technique name */
	const char *technique_id;	/* "T1055" */
	const char *events;		/* the events it consumes */
	const char *caveats;		/* known false positives and blind spots */
};

extern const struct mmt_det_rule mmt_det_rules[MMT_RULE_COUNT];

/* "MMT-2", "write_then_execute" (case-insensitive); NULL when unknown. */
const struct mmt_det_rule *mmt_det_rule_by_name(const char *name);

/* One finding: the rule, and what it found. */
struct mmt_finding {
	const struct mmt_det_rule *rule;
	enum mmt_det_severity severity;
	__u64 addr, len;  /* the range that triggered it */
	__u32 prot;	  /* the protection asked for (mmap/mprotect) */
	bool file_backed; /* MMT-2: the range was mapped from a file */
	bool prev_known;
	__u32 prev_prot; /* MMT-2: the protection the range had before */
	/* MMT-3: the file; the other mapping of it */
	struct mmt_det_file file;
	__u32 other_pid;
	__u64 other_addr, other_len;
	__u32 other_prot;
	/* MMT-4: the process acted on */
	bool target_known;
	__u32 target_pid, target_uid;
	char target_comm[MMT_DET_COMM_LEN + 1];
	bool other_user;
	/* MMT-5: the sealed range hit */
	__u64 sealed_addr, sealed_len;
	char text[160]; /* one line saying what happened */
};

/* Limits on what the engine keeps (0 in a field: its default). */
struct mmt_det_limits {
	unsigned int max_processes; /* default 1024 */
	unsigned int max_ranges;    /* per process, default 4096 */
	unsigned int max_seals;	    /* per process, default 64 */
	unsigned int max_files;	    /* default 1024 */
};

/* Counters: per rule, and what the limits made the engine forget. */
struct mmt_det_stats {
	__u64 findings[MMT_RULE_COUNT];
	__u64 allowed[MMT_RULE_COUNT]; /* matched, but the allow-list hid them */
	__u64 facts;		       /* calls looked at */
	__u64 processes;	       /* processes tracked now */
	__u64 evicted_processes, evicted_ranges, evicted_seals, evicted_files;
};

struct mmt_detect;

struct mmt_detect *mmt_detect_new(const struct mmt_det_limits *limits);
void mmt_detect_free(struct mmt_detect *d);

/*
 * Add "PATH" or "PATH:RULE" (RULE: an id or event name, as
 * mmt_det_rule_by_name() takes) to the allow-list: findings of that
 * executable (of that rule only, with RULE) are counted, not reported.
 * Returns 0, or -EINVAL (*why set) for a malformed item, -ENOMEM.
 */
int mmt_detect_allow(struct mmt_detect *d, const char *spec, const char **why);

/*
 * Run the rules over one call and update the state. Writes up to max
 * findings to out and returns how many (0 to max).
 */
int mmt_detect_call(struct mmt_detect *d, const struct mmt_det_facts *f, struct mmt_finding *out,
		    int max);

void mmt_detect_stats(const struct mmt_detect *d, struct mmt_det_stats *s);

/* "info", "low", "medium", "high" */
const char *mmt_det_severity_name(enum mmt_det_severity s);

#endif /* MMT_DETECT_H */
