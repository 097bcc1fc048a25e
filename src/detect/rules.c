// SPDX-License-Identifier: GPL-2.0
/*
 * rules.c - the rules as data: what each finds, how bad it is, the MITRE
 * ATT&CK technique it maps to, and where it errs. `mmtrace list --rules`,
 * the findings and the README all read this table.
 */
#include <strings.h>
#include "detect/detect.h"

const struct mmt_det_rule mmt_det_rules[MMT_RULE_COUNT] = {
	[MMT_RULE_WX_MAPPING] =
		{
			.rule = MMT_RULE_WX_MAPPING,
			.id = "MMT-1",
			.event_name = "wx_mapping",
			.event_id = 7001,
			.name = "Writable and executable memory",
			.description = "A mapping was created writable and executable at once "
				       "(mmap), or made so (mprotect, pkey_mprotect): code can be "
				       "written and run in place, as shellcode loaders do.",
			.severity = MMT_SEV_HIGH,
			.tactic = "Defense Evasion",
			.technique = "Reflective Code Loading",
			.technique_id = "T1620",
			.events = "mmap, mprotect, pkey_mprotect",
			.caveats = "JITs that keep RWX code pages (older V8 and LuaJIT builds, "
				   "some JVM modes) and programs that ask for an executable stack "
				   "(an object without PT_GNU_STACK makes ld.so mprotect the stack "
				   "RWX) fire it; allow-list them by executable. Mappings made "
				   "before tracing started are not seen.",
		},
	[MMT_RULE_WRITE_THEN_EXEC] =
		{
			.rule = MMT_RULE_WRITE_THEN_EXEC,
			.id = "MMT-2",
			.event_name = "write_then_execute",
			.event_id = 7002,
			.name = "Write then execute",
			.description = "PROT_EXEC was added (mprotect, pkey_mprotect) to memory "
				       "that was mapped or made writable before: code written at "
				       "run time became executable, with no single W+X mapping.",
			.severity = MMT_SEV_HIGH,
			.tactic = "Defense Evasion",
			.technique = "Reflective Code Loading",
			.technique_id = "T1620",
			.events = "mmap, mprotect, pkey_mprotect, munmap, mremap",
			.caveats = "Every JIT does this by design (JVMs, V8, .NET, PCRE2's JIT, "
				   "libffi closures without static trampolines): allow-list them "
				   "by executable (--detect-allow PATH:MMT-2). Libraries with text "
				   "relocations make ld.so write their code then make it "
				   "executable again (file-backed: medium severity). Ranges are "
				   "known from the calls seen: memory mapped before tracing "
				   "started, or inherited through fork, has no history and does "
				   "not fire; a process that execs the same executable keeps its "
				   "old ranges until they are replaced, and so does a new process "
				   "that reuses a pid with the same executable. Lost events "
				   "(--stats) leave holes in the history.",
		},
	[MMT_RULE_FILE_DOUBLE_MAP] =
		{
			.rule = MMT_RULE_FILE_DOUBLE_MAP,
			.id = "MMT-3",
			.event_name = "file_double_mapping",
			.event_id = 7003,
			.name = "File mapped writable and executable at once",
			.description = "One file or memfd is mapped shared and writable in one "
				       "mapping and executable in another (in the same process or "
				       "in another one): what is written through the first runs "
				       "through the second, with no W+X mapping.",
			.severity = MMT_SEV_HIGH,
			.tactic = "Defense Evasion",
			.technique = "Reflective Code Loading",
			.technique_id = "T1620",
			.events = "mmap, mprotect, pkey_mprotect, munmap, mremap",
			.caveats =
				"JITs built on double mapping (V8 with --write-protect-code-memory "
				"off, libffi's memfd trampolines, Firefox on some platforms) fire "
				"it. The file is named by device and inode read from "
				"/proc/PID/fd/N when the event is handled: an fd closed by then "
				"(ld.so closes its fds at once) leaves the mapping unnamed, and a "
				"recording (mmtrace detect) has no inode until events carry the "
				"fd's path. Only MAP_SHARED writable mappings count as writers: "
				"private ones never write the file.",
		},
	[MMT_RULE_CROSS_PROCESS] =
		{
			.rule = MMT_RULE_CROSS_PROCESS,
			.id = "MMT-4",
			.event_name = "cross_process_memory",
			.event_id = 7004,
			.name = "Memory operation on another process",
			.description =
				"migrate_pages, move_pages or process_madvise (MADV_WILLNEED, "
				"MADV_COLD, MADV_PAGEOUT) acted on another process's memory; high "
				"severity when that process belongs to another user.",
			.severity = MMT_SEV_MEDIUM,
			.tactic = "Defense Evasion",
			.technique = "Process Injection",
			.technique_id = "T1055",
			.events = "migrate_pages, move_pages, process_madvise",
			.caveats = "numad, numactl --balancing tools, memory managers (lmkd, "
				   "systemd-oomd's helpers) and NUMA balancers do this by design: "
				   "allow-list them. move_pages with nodes NULL only asks where "
				   "pages are (low severity). process_madvise names its target by "
				   "pidfd: live tracing reads the pidfd's Pid from /proc; a "
				   "recording cannot, so there a process_madvise on oneself fires "
				   "too, with the target unknown.",
		},
	[MMT_RULE_SEAL_TAMPER] =
		{
			.rule = MMT_RULE_SEAL_TAMPER,
			.id = "MMT-5",
			.event_name = "sealed_memory_tamper",
			.event_id = 7005,
			.name = "Tampering with sealed memory",
			.description = "mprotect, pkey_mprotect, munmap, mremap or madvise failed "
				       "with EPERM on a range the process had sealed with mseal: "
				       "something tried to change memory that was made immutable.",
			.severity = MMT_SEV_HIGH,
			.tactic = "Defense Evasion",
			.technique = "Impair Defenses",
			.technique_id = "T1562",
			.events = "mseal, mprotect, pkey_mprotect, munmap, mremap, madvise",
			.caveats =
				"Only seals made by an mseal call seen while tracing count: "
				"mappings the kernel seals itself (CONFIG_MSEAL_SYSTEM_MAPPINGS) "
				"and seals made before tracing started are unknown. A buggy "
				"program that unmaps its own sealed memory fires it too.",
		},
	[MMT_RULE_DONTUNMAP_EXEC] =
		{
			.rule = MMT_RULE_DONTUNMAP_EXEC,
			.id = "MMT-6",
			.event_name = "dontunmap_exec",
			.event_id = 7006,
			.name = "Executable memory moved with MREMAP_DONTUNMAP",
			.description = "mremap with MREMAP_DONTUNMAP moved executable memory, "
				       "leaving the old range mapped and empty: with userfaultfd, "
				       "the next touch of the old code is served by the caller.",
			.severity = MMT_SEV_MEDIUM,
			.tactic = "Defense Evasion",
			.technique = "Hijack Execution Flow",
			.technique_id = "T1574",
			.events = "mremap, mmap, mprotect",
			.caveats = "Garbage collectors that compact with userfaultfd (Android's "
				   "ART) use MREMAP_DONTUNMAP on data, not on code, and stay "
				   "quiet. The rule knows a range is executable only from calls "
				   "seen; 'foreign-looking' memory (a range the process never "
				   "mapped itself) is not judged, since memory mapped before "
				   "tracing started looks the same.",
		},
};

const struct mmt_det_rule *mmt_det_rule_by_name(const char *name)
{
	for (int i = 0; i < MMT_RULE_COUNT; i++)
		if (!strcasecmp(name, mmt_det_rules[i].id) ||
		    !strcasecmp(name, mmt_det_rules[i].event_name))
			return &mmt_det_rules[i];
	return 0;
}

const char *mmt_det_severity_name(enum mmt_det_severity s)
{
	static const char *const names[] = {"info", "low", "medium", "high"};

	return (unsigned int)s < 4 ? names[s] : "unknown";
}
