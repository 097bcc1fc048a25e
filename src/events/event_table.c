// SPDX-License-Identifier: GPL-2.0
/*
 * event_table.c - every event mmtrace captures, in one table.
 *
 * Argument names and C types follow Tracee's events (and the kernel's
 * syscall prototypes). The texts are the pages `mmtrace list EVENT` prints;
 * they correct the machine-written pages this project started from.
 */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include "events/event_table.h"

#define HOOK_SYSCALL(sc)                                                     \
	"Raw syscall tracepoints (tp_btf/sys_enter and tp_btf/sys_exit, 64-bit " \
	"and ia32 tasks), or with --syscall-tracepoints syscalls:sys_enter_" sc \
	" and syscalls:sys_exit_" sc " (64-bit tasks only); entry and exit are " \
	"paired per thread in the kernel into one record."

#define HOOK(sc) HOOK_SYSCALL(sc) " No kprobe or fentry is used."

/* The events whose node masks the kernel copies in with get_nodes(). */
#define HOOK_KCOPY(sc)                                                       \
	HOOK_SYSCALL(sc) " The node masks the kernel itself copied in are "    \
	"read where it copies them, at the return of get_nodes() "            \
	"(mm/mempolicy.c), by the first hook the running kernel allows, "     \
	"found at run time: fexit on kernels with fentry/fexit (Debian's 6.1 " \
	"has them), else a kprobe and a kretprobe on kernels with kprobes, "  \
	"else none (a kernel without kprobes that refuses fexit, such as the " \
	"6.18 hosts mmtrace is developed on): there the masks are read again " \
	"at exit instead. --kernel-copy=auto|fexit|kprobe|off chooses; "      \
	"`mmtrace --features` says what the running kernel gets."

#define NODEMASK_TOCTOU                                                      \
	"Node masks are read from user memory at syscall entry, just before " \
	"the kernel copies them itself. A thread of the caller that rewrites " \
	"the mask in between makes the kernel act on other nodes than the "  \
	"ones read (time of check to time of use). Where the kernel allows "  \
	"a hook on get_nodes() (see Hooks), mmtrace also reads the copy the " \
	"kernel took: the argument carries \"kernelNodes\", the mask the "    \
	"call acted on, and \"toctou\": true when it differs from "          \
	"\"nodes\", a proven race (the table says \"(kernel copied [...]: "    \
	"TOCTOU)\"); \"changedAtExit\": true says the mask in memory changed " \
	"later during the call, after the kernel's copy. Without such a hook, " \
	"each input mask is read again at exit: when the two reads differ "  \
	"(or the second fails), the argument carries \"toctou\": true "       \
	"(table: \"(changed during the call: TOCTOU)\") and the nodes shown "  \
	"may not be the ones the kernel used; equal reads do not prove the "  \
	"absence of a race, as the mask may have changed and changed back. " \
	"\"toctouCheck\" names the method behind the verdict: "               \
	"\"kernel-copy (fexit get_nodes)\", \"kernel-copy (kprobe "            \
	"get_nodes)\" or \"entry-exit re-read\" (also when the call failed "    \
	"before the kernel copied the mask)."

#define ARG(n, t, tg, k, slot, d, ...)                                        \
	{ .name = n, .type = t, .tags = tg, .kind = k, .payload_slot = slot,     \
	  .doc = d, __VA_ARGS__ }

const struct mmt_event_desc mmt_events[MMT_EV_COUNT] = {
	[MMT_EV_BRK] = {
		.event = MMT_EV_BRK,
		.name = "brk",
		.syscall_nr = 12,
		.ia32_nr = 45,
		.ia32_nr2 = -1,
		.nargs = 1,
		.args = {
			ARG("addr", "void*", MMT_TAG_K, MMT_ARG_ADDR, -1,
			  "The program break wanted: the new end of the heap. 0 asks for the current break."),
		},
		.ret_kind = MMT_RET_ADDR,
		.ret_doc = "The program break after the call. The raw syscall never returns an error: when it cannot move the break it returns the old one (glibc's brk() turns that into -1 and ENOMEM).",
		.summary = "move the end of the heap (the program break)",
		.description = "brk() moves the end of the calling process's data segment, the heap that malloc() grows for small allocations. Memory between the old and the new break becomes usable (grow) or is unmapped (shrink).",
		.hook = HOOK("brk"),
		.related = "mmap - map memory,munmap - unmap memory,mremap - resize a mapping",
		.issues = "A failure is visible only as a return value equal to the old break, not as an error code.",
	},
	[MMT_EV_MMAP] = {
		.event = MMT_EV_MMAP,
		.name = "mmap",
		.syscall_nr = 9,
		.ia32_nr = 192, /* mmap2: the offset in pages */
		.ia32_nr2 = 90, /* the old mmap: the arguments in a struct */
		.ia32_pgoff = true,
		.ia32_nr2_argstruct = true,
		.nargs = 6,
		.args = {
			ARG("addr", "void*", MMT_TAG_K | MMT_TAG_OPT, MMT_ARG_ADDR, -1,
			  "Where to map: a hint, or the exact place with MAP_FIXED or MAP_FIXED_NOREPLACE; NULL lets the kernel choose."),
			ARG("length", "size_t", MMT_TAG_K, MMT_ARG_SIZE, -1,
			  "Size of the mapping in bytes."),
			ARG("prot", "int", MMT_TAG_K, MMT_ARG_FLAGS, -1,
			  "Access: PROT_READ, PROT_WRITE, PROT_EXEC, or PROT_NONE.", .xlat = &prot_flags),
			ARG("flags", "int", MMT_TAG_K, MMT_ARG_MMAP_FLAGS, -1,
			  "One type (MAP_SHARED, MAP_PRIVATE, MAP_SHARED_VALIDATE, MAP_DROPPABLE), flags such as MAP_ANONYMOUS, MAP_FIXED, MAP_POPULATE, MAP_HUGETLB, and with MAP_HUGETLB a huge page size (MAP_HUGE_2MB, MAP_HUGE_1GB)."),
			ARG("fd", "int", MMT_TAG_K, MMT_ARG_FD, -1,
			  "The file to map; ignored (usually -1) with MAP_ANONYMOUS. With -y, also the file it names, resolved at entry (see README)."),
			ARG("off", "off_t", MMT_TAG_K, MMT_ARG_ULONG, -1,
			  "Offset in the file, a multiple of the page size. For ia32 callers (mmap2) the kernel takes it in pages; mmtrace reports it in bytes."),
		},
		.ret_kind = MMT_RET_ADDR_OR_ERR,
		.ret_doc = "The address of the new mapping, or -errno: EINVAL, EACCES, EBADF, ENOMEM, EEXIST (MAP_FIXED_NOREPLACE over a mapping), EPERM.",
		.summary = "map files or anonymous memory into the address space",
		.description = "mmap() creates a mapping in the calling process's virtual address space, of a file or of anonymous memory. malloc() uses it for large blocks, the dynamic loader for every library, and programs for shared memory and huge pages. 32-bit callers use mmap2 (ia32 192), whose offset is in pages, or the old mmap (ia32 90), which takes one pointer to its six arguments, 32-bit words in the caller's memory: mmtrace reads them at entry and reports them as mmap's (the offset in bytes). When they cannot be read, each argument carries \"readError\" (the table says where they were) and the kernel fails the call with EFAULT.",
		.hook = HOOK("mmap"),
		.related = "munmap - remove a mapping,mremap - resize or move a mapping,mprotect - change its protection,madvise - advise the kernel about it,brk - grow the heap",
		.issues = "Very frequent: allocators call it all the time, so trace it with a process or event filter on a busy host.",
		.uapi = "include/uapi/asm-generic/mman-common.h, include/uapi/linux/mman.h, arch/x86/include/uapi/asm/mman.h",
	},
	[MMT_EV_MUNMAP] = {
		.event = MMT_EV_MUNMAP,
		.name = "munmap",
		.syscall_nr = 11,
		.ia32_nr = 91,
		.ia32_nr2 = -1,
		.nargs = 2,
		.args = {
			ARG("addr", "void*", MMT_TAG_K, MMT_ARG_RANGE, -1, "Start of the range, page aligned. With --mappings, also the mapping there before the call (see README)."),
			ARG("length", "size_t", MMT_TAG_K, MMT_ARG_SIZE, -1, "Size of the range."),
		},
		.ret_kind = MMT_RET_ZERO_OR_ERR,
		.ret_doc = "0 on success (also when nothing was mapped there), or -errno: EINVAL (unaligned address, length 0), EPERM (sealed range).",
		.summary = "remove mappings from the address space",
		.description = "munmap() removes every mapping in the range from the calling process's address space; later accesses fault.",
		.hook = HOOK("munmap"),
		.related = "mmap - create a mapping,mremap - resize or move a mapping,mseal - forbid unmapping a range",
		.issues = "Succeeds on a range that holds no mapping.",
	},
	[MMT_EV_MREMAP] = {
		.event = MMT_EV_MREMAP,
		.name = "mremap",
		.syscall_nr = 25,
		.ia32_nr = 163,
		.ia32_nr2 = -1,
		.nargs = 5,
		.args = {
			ARG("old_address", "void*", MMT_TAG_K, MMT_ARG_RANGE, -1,
			  "Start of the existing mapping (page aligned). A user-space address; mmtrace does not read it. With --mappings, also the mapping there before the call (see README)."),
			ARG("old_size", "size_t", MMT_TAG_K, MMT_ARG_SIZE, -1,
			  "Size of the existing mapping. 0 with a shared mapping asks for a second mapping of the same pages."),
			ARG("new_size", "size_t", MMT_TAG_K, MMT_ARG_SIZE, -1,
			  "Size wanted after the call."),
			ARG("flags", "int", MMT_TAG_K, MMT_ARG_FLAGS, -1,
			  "MREMAP_MAYMOVE (the kernel may move the mapping), MREMAP_FIXED (move it to new_address, needs MAYMOVE), MREMAP_DONTUNMAP (move it, keep the old range mapped but empty, needs MAYMOVE).",
			  .xlat = &mremap_flags),
			ARG("new_address", "void*", MMT_TAG_K | MMT_TAG_OPT, MMT_ARG_ADDR, -1,
			  "Target address. The kernel uses it only with MREMAP_FIXED, or as a hint with MREMAP_DONTUNMAP; otherwise it is ignored, and the table output says so.",
			  .used_if_arg = 3, .used_bits = 0x2 | 0x4),
		},
		.ret_kind = MMT_RET_ADDR_OR_ERR,
		.ret_doc = "The new start address of the mapping on success (equal to old_address when it grew or shrank in place), or -errno: EINVAL (bad flags, unaligned address, FIXED without MAYMOVE), EFAULT (old range not fully mapped), ENOMEM (cannot grow in place without MAYMOVE, or out of memory), EAGAIN (locked memory limit).",
		.summary = "grow, shrink or move a virtual memory mapping",
		.description = "mremap() changes the size or the place of an existing mapping in the calling process's own virtual address space. It grows or shrinks the mapping in place when it can; with MREMAP_MAYMOVE it may move it to another virtual address instead, carrying the page table entries along, so the contents are not copied. It cannot reach another process's address space, and it does not deal with physical addresses: which physical pages back the mapping is not changed.",
		.hook = HOOK("mremap"),
		.related = "mmap - create a mapping,munmap - remove a mapping,mprotect - change a mapping's protection,madvise - give advice about a range",
		.issues = "The arguments are plain register values, nothing is read from user memory, so the event itself is not open to a TOCTOU race. The old range may span several mappings (vmas) only in the ways the kernel accepts; otherwise the call fails with EFAULT. new_address is reported as the caller passed it even when the kernel ignores it.",
		.uapi = "include/uapi/linux/mman.h",
	},
	[MMT_EV_MPROTECT] = {
		.event = MMT_EV_MPROTECT,
		.name = "mprotect",
		.syscall_nr = 10,
		.ia32_nr = 125,
		.ia32_nr2 = -1,
		.nargs = 3,
		.args = {
			ARG("addr", "void*", MMT_TAG_K, MMT_ARG_RANGE, -1, "Start of the range, page aligned. With --mappings, also the mapping there before the call (see README)."),
			ARG("len", "size_t", MMT_TAG_K, MMT_ARG_SIZE, -1, "Size of the range."),
			ARG("prot", "int", MMT_TAG_K, MMT_ARG_FLAGS, -1,
			  "New access: PROT_READ, PROT_WRITE, PROT_EXEC, PROT_SEM, PROT_GROWSDOWN, PROT_GROWSUP, or PROT_NONE.", .xlat = &prot_flags),
		},
		.ret_kind = MMT_RET_ZERO_OR_ERR,
		.ret_doc = "0, or -errno: EACCES (e.g. PROT_WRITE on a read-only file mapping), EINVAL, ENOMEM (range not mapped), EPERM (sealed range).",
		.summary = "change the access protection of a memory range",
		.description = "mprotect() changes the access allowed to the pages of a range of the calling process. JIT compilers flip ranges between writable and executable with it; a PROT_EXEC change on anonymous memory is worth a look in a security trace.",
		.hook = HOOK("mprotect"),
		.related = "pkey_mprotect - the same with a protection key,mmap - set the protection of a new mapping,mseal - forbid later changes",
		.issues = "None beyond the tags: the arguments are register values.",
		.uapi = "include/uapi/asm-generic/mman-common.h",
	},
	[MMT_EV_PKEY_MPROTECT] = {
		.event = MMT_EV_PKEY_MPROTECT,
		.name = "pkey_mprotect",
		.syscall_nr = 329,
		.ia32_nr = 380,
		.ia32_nr2 = -1,
		.nargs = 4,
		.args = {
			ARG("addr", "void*", MMT_TAG_K, MMT_ARG_RANGE, -1, "Start of the range, page aligned. With --mappings, also the mapping there before the call (see README)."),
			ARG("len", "size_t", MMT_TAG_K, MMT_ARG_SIZE, -1, "Size of the range."),
			ARG("prot", "int", MMT_TAG_K, MMT_ARG_FLAGS, -1, "New access, as for mprotect.", .xlat = &prot_flags),
			ARG("pkey", "int", MMT_TAG_K, MMT_ARG_INT, -1, "Protection key from pkey_alloc(), or -1 for none."),
		},
		.ret_kind = MMT_RET_ZERO_OR_ERR,
		.ret_doc = "0, or -errno as for mprotect; EINVAL also for a key that was not allocated.",
		.summary = "change protection and protection key of a memory range",
		.description = "pkey_mprotect() is mprotect() that also tags the pages with a memory protection key, whose rights each thread then switches in user space (PKRU) without a syscall.",
		.hook = HOOK("pkey_mprotect"),
		.related = "mprotect - without a key",
		.issues = "None beyond the tags.",
		.uapi = "include/uapi/asm-generic/mman-common.h",
	},
	[MMT_EV_MADVISE] = {
		.event = MMT_EV_MADVISE,
		.name = "madvise",
		.syscall_nr = 28,
		.ia32_nr = 219,
		.ia32_nr2 = -1,
		.nargs = 3,
		.args = {
			ARG("addr", "void*", MMT_TAG_K, MMT_ARG_RANGE, -1, "Start of the range, page aligned. With --mappings, also the mapping there before the call (see README)."),
			ARG("length", "size_t", MMT_TAG_K, MMT_ARG_SIZE, -1, "Size of the range."),
			ARG("advice", "int", MMT_TAG_K, MMT_ARG_VALUE, -1,
			  "One MADV_* value: MADV_DONTNEED, MADV_FREE, MADV_HUGEPAGE, MADV_COLLAPSE, MADV_PAGEOUT, MADV_POPULATE_WRITE, MADV_GUARD_INSTALL...", .xlat = &madvise_advice),
		},
		.ret_kind = MMT_RET_ZERO_OR_ERR,
		.ret_doc = "0, or -errno: EINVAL (unknown advice, unaligned address), ENOMEM (range not mapped), EAGAIN, EPERM (sealed range, or MADV_HWPOISON without CAP_SYS_ADMIN).",
		.summary = "advise the kernel about the use of a memory range",
		.description = "madvise() tells the kernel how a range will be used, or asks it to act on the range now: free its pages (MADV_DONTNEED, MADV_FREE), use or avoid transparent huge pages (MADV_HUGEPAGE, MADV_COLLAPSE), page it out or in (MADV_PAGEOUT, MADV_POPULATE_READ/WRITE), or install guard pages (MADV_GUARD_INSTALL).",
		.hook = HOOK("madvise"),
		.related = "process_madvise - advise about another process's memory,mmap - create a mapping,mlock - lock pages in memory",
		.issues = "Allocators call it often (MADV_DONTNEED, MADV_FREE when they return memory).",
		.uapi = "include/uapi/asm-generic/mman-common.h",
	},
	[MMT_EV_PROCESS_MADVISE] = {
		.event = MMT_EV_PROCESS_MADVISE,
		.name = "process_madvise",
		.syscall_nr = 440,
		.ia32_nr = 440,
		.ia32_nr2 = -1,
		.payload = MMT_PAYLOAD_ARRAY,
		.nargs = 5,
		.args = {
			ARG("pidfd", "int", MMT_TAG_K, MMT_ARG_FD, -1, "A pidfd of the process whose memory is advised. With -y, also the file it names, resolved at entry (see README)."),
			ARG("iovec", "const struct iovec*", MMT_TAG_U | MMT_TAG_TOCTOU, MMT_ARG_IOVEC, 0,
			  "The ranges (in the target's address space), struct iovecs in the caller's memory, read at entry: the first 8 of them, each {iov_base, iov_len} (JSON \"values\": [{\"base\":..., \"len\":...}], \"truncated\": true when vlen is larger).",
			  .len_arg = 2),
			ARG("vlen", "size_t", MMT_TAG_K, MMT_ARG_SIZE, -1, "Number of ranges."),
			ARG("advice", "int", MMT_TAG_K, MMT_ARG_VALUE, -1,
			  "MADV_COLD, MADV_PAGEOUT, MADV_WILLNEED or MADV_COLLAPSE.", .xlat = &madvise_advice),
			/* Tracee v0.24 types it uint64 (the kernel: unsigned int) */
			ARG("flags", "unsigned int", MMT_TAG_K, MMT_ARG_UINT, -1, "Must be 0.",
			  .jtype = MMT_JT_UINT64),
		},
		.ret_kind = MMT_RET_COUNT_OR_ERR,
		.ret_doc = "The number of bytes advised, or -errno: EBADF, ESRCH (the process is gone), EPERM (no ptrace access), EINVAL.",
		.summary = "advise the kernel about another process's memory",
		.description = "process_madvise() applies madvise() advice to ranges of the process a pidfd refers to; memory managers such as Android's use it to page out the memory of background apps.",
		.hook = HOOK("process_madvise"),
		.related = "madvise - the same for the caller,pidfd_open - get the pidfd",
		.issues = "Tracee names its arguments as madvise's (addr, length); these are the kernel's. The ranges are read at entry, just before the kernel copies them: a thread of the caller can change them in between. Only the first 8 are read.",
		.uapi = "include/uapi/asm-generic/mman-common.h",
	},
	[MMT_EV_MLOCK] = {
		.event = MMT_EV_MLOCK,
		.name = "mlock",
		.syscall_nr = 149,
		.ia32_nr = 150,
		.ia32_nr2 = -1,
		.nargs = 2,
		.args = {
			ARG("addr", "const void*", MMT_TAG_K, MMT_ARG_RANGE, -1, "Start of the range. With --mappings, also the mapping there before the call (see README)."),
			ARG("len", "size_t", MMT_TAG_K, MMT_ARG_SIZE, -1, "Size of the range."),
		},
		.ret_kind = MMT_RET_ZERO_OR_ERR,
		.ret_doc = "0, or -errno: ENOMEM (range not mapped, or over RLIMIT_MEMLOCK), EPERM, EAGAIN.",
		.summary = "lock a memory range in RAM",
		.description = "mlock() faults in the pages of a range and keeps them in RAM: they are never swapped out until unlocked.",
		.hook = HOOK("mlock"),
		.related = "mlock2 - the same with flags,munlock - unlock a range,mlockall - lock the whole address space",
		.issues = "None beyond the tags.",
	},
	[MMT_EV_MLOCK2] = {
		.event = MMT_EV_MLOCK2,
		.name = "mlock2",
		.syscall_nr = 325,
		.ia32_nr = 376,
		.ia32_nr2 = -1,
		.nargs = 3,
		.args = {
			ARG("addr", "const void*", MMT_TAG_K, MMT_ARG_RANGE, -1, "Start of the range. With --mappings, also the mapping there before the call (see README)."),
			ARG("len", "size_t", MMT_TAG_K, MMT_ARG_SIZE, -1, "Size of the range."),
			ARG("flags", "int", MMT_TAG_K, MMT_ARG_FLAGS, -1,
			  "MLOCK_ONFAULT: lock pages as they are faulted in instead of now.", .xlat = &mlock2_flags,
			  .int32 = true),
		},
		.ret_kind = MMT_RET_ZERO_OR_ERR,
		.ret_doc = "0, or -errno as for mlock; EINVAL for unknown flags.",
		.summary = "lock a memory range in RAM, optionally on fault",
		.description = "mlock2() is mlock() with flags: MLOCK_ONFAULT locks pages only once they are touched.",
		.hook = HOOK("mlock2"),
		.related = "mlock - without flags,munlock - unlock a range",
		.issues = "None beyond the tags.",
		.uapi = "include/uapi/asm-generic/mman-common.h",
	},
	[MMT_EV_MUNLOCK] = {
		.event = MMT_EV_MUNLOCK,
		.name = "munlock",
		.syscall_nr = 150,
		.ia32_nr = 151,
		.ia32_nr2 = -1,
		.nargs = 2,
		.args = {
			ARG("addr", "const void*", MMT_TAG_K, MMT_ARG_RANGE, -1, "Start of the range. With --mappings, also the mapping there before the call (see README)."),
			ARG("len", "size_t", MMT_TAG_K, MMT_ARG_SIZE, -1, "Size of the range."),
		},
		.ret_kind = MMT_RET_ZERO_OR_ERR,
		.ret_doc = "0, or -errno: ENOMEM (range not mapped), EINVAL.",
		.summary = "unlock a memory range",
		.description = "munlock() lets the pages of a range be swapped out again.",
		.hook = HOOK("munlock"),
		.related = "mlock - lock a range,munlockall - unlock everything",
		.issues = "None beyond the tags.",
	},
	[MMT_EV_MLOCKALL] = {
		.event = MMT_EV_MLOCKALL,
		.name = "mlockall",
		.syscall_nr = 151,
		.ia32_nr = 152,
		.ia32_nr2 = -1,
		.nargs = 1,
		.args = {
			ARG("flags", "int", MMT_TAG_K, MMT_ARG_FLAGS, -1,
			  "MCL_CURRENT (what is mapped now), MCL_FUTURE (what will be), MCL_ONFAULT (when touched).", .xlat = &mlockall_flags,
			  .int32 = true),
		},
		.ret_kind = MMT_RET_ZERO_OR_ERR,
		.ret_doc = "0, or -errno: EINVAL (no or unknown flags), ENOMEM, EPERM.",
		.summary = "lock the whole address space in RAM",
		.description = "mlockall() locks every page of the calling process in RAM, now and/or as it maps more; real-time programs use it to avoid page faults.",
		.hook = HOOK("mlockall"),
		.related = "munlockall - undo it,mlock - lock one range",
		.issues = "None beyond the tags.",
		.uapi = "include/uapi/asm-generic/mman.h",
	},
	[MMT_EV_MUNLOCKALL] = {
		.event = MMT_EV_MUNLOCKALL,
		.name = "munlockall",
		.syscall_nr = 152,
		.ia32_nr = 153,
		.ia32_nr2 = -1,
		.nargs = 0,
		.ret_kind = MMT_RET_ZERO_OR_ERR,
		.ret_doc = "0; it does not fail.",
		.summary = "unlock the whole address space",
		.description = "munlockall() undoes mlockall() and every mlock() of the calling process.",
		.hook = HOOK("munlockall"),
		.related = "mlockall - lock everything,munlock - unlock one range",
		.issues = "None: it has no argument.",
	},
	[MMT_EV_MSYNC] = {
		.event = MMT_EV_MSYNC,
		.name = "msync",
		.syscall_nr = 26,
		.ia32_nr = 144,
		.ia32_nr2 = -1,
		.nargs = 3,
		.args = {
			ARG("addr", "void*", MMT_TAG_K, MMT_ARG_RANGE, -1, "Start of the range, page aligned. With --mappings, also the mapping there before the call (see README)."),
			ARG("length", "size_t", MMT_TAG_K, MMT_ARG_SIZE, -1, "Size of the range."),
			ARG("flags", "int", MMT_TAG_K, MMT_ARG_FLAGS, -1,
			  "MS_ASYNC or MS_SYNC, optionally MS_INVALIDATE.", .xlat = &msync_flags, .int32 = true),
		},
		.ret_kind = MMT_RET_ZERO_OR_ERR,
		.ret_doc = "0, or -errno: EINVAL (both MS_SYNC and MS_ASYNC, unknown flags, unaligned address), ENOMEM (range not mapped), EBUSY.",
		.summary = "write a file mapping back to its file",
		.description = "msync() flushes the changes made through a shared file mapping back to the file, waiting for the write with MS_SYNC.",
		.hook = HOOK("msync"),
		.related = "mmap - create the mapping,fsync - flush a file",
		.issues = "None beyond the tags.",
		.uapi = "include/uapi/asm-generic/mman-common.h",
	},
	[MMT_EV_MINCORE] = {
		.event = MMT_EV_MINCORE,
		.name = "mincore",
		.syscall_nr = 27,
		.ia32_nr = 218,
		.ia32_nr2 = -1,
		.payload = MMT_PAYLOAD_ARRAY,
		.nargs = 3,
		.args = {
			ARG("addr", "void*", MMT_TAG_K, MMT_ARG_ADDR, -1, "Start of the range, page aligned."),
			ARG("length", "size_t", MMT_TAG_K, MMT_ARG_SIZE, -1, "Size of the range."),
			ARG("vec", "unsigned char*", MMT_TAG_U, MMT_ARG_PAGE_VEC, 0,
			  "Where the kernel writes one byte per page (bit 0: resident), read after a call that did not fail: the resident pages among the first 512 (JSON \"resident\"; \"residentOfFirst\" when the range has more pages) and the first 64 bytes (\"values\", \"truncated\" when there are more).",
			  .len_arg = 1, .at_exit = true),
		},
		.ret_kind = MMT_RET_ZERO_OR_ERR,
		.ret_doc = "0, or -errno: EFAULT (vec not writable), EINVAL, ENOMEM (range not mapped), EAGAIN.",
		.summary = "ask which pages of a range are in RAM",
		.description = "mincore() reports, for each page of a range, whether it is resident in memory (page cache side channels have used it).",
		.hook = HOOK("mincore"),
		.related = "madvise - act on residency,mlock - force residency",
		.issues = "The residency vector is read after the call, bounded: the resident count covers the first 512 pages of the range only.",
	},
	[MMT_EV_REMAP_FILE_PAGES] = {
		.event = MMT_EV_REMAP_FILE_PAGES,
		.name = "remap_file_pages",
		.syscall_nr = 216,
		.ia32_nr = 257,
		.ia32_nr2 = -1,
		.nargs = 5,
		.args = {
			ARG("addr", "void*", MMT_TAG_K, MMT_ARG_RANGE, -1, "Start of the range inside a shared file mapping. With --mappings, also the mapping there before the call (see README)."),
			ARG("size", "size_t", MMT_TAG_K, MMT_ARG_SIZE, -1, "Size of the range."),
			ARG("prot", "int", MMT_TAG_K, MMT_ARG_FLAGS, -1, "Must be 0 (PROT_NONE).", .xlat = &prot_flags),
			ARG("pgoff", "size_t", MMT_TAG_K, MMT_ARG_SIZE, -1, "File offset to show at addr, in pages."),
			ARG("flags", "int", MMT_TAG_K, MMT_ARG_MMAP_FLAGS, -1,
			  "Only MAP_NONBLOCK is accepted (and ignored). Decoded as mmap's flags without the type field: with MAP_HUGETLB, bits 26-31 are the huge page size.",
			  .no_map_type = true),
		},
		.ret_kind = MMT_RET_ZERO_OR_ERR,
		.ret_doc = "0, or -errno: EINVAL.",
		.summary = "rearrange the file pages of a shared mapping (deprecated)",
		.description = "remap_file_pages() makes a range of a shared file mapping show other pages of the file. It is deprecated: the kernel emulates it with new mappings.",
		.hook = HOOK("remap_file_pages"),
		.related = "mmap - the replacement",
		.issues = "Deprecated since Linux 3.16; a call today is unusual.",
		.uapi = "include/uapi/asm-generic/mman-common.h",
	},
	[MMT_EV_MBIND] = {
		.event = MMT_EV_MBIND,
		.migrates = true,
		.kernel_copy = true,
		.name = "mbind",
		.syscall_nr = 237,
		.ia32_nr = 274,
		.ia32_nr2 = -1,
		.payload = MMT_PAYLOAD_MASKS,
		.nargs = 6,
		.args = {
			ARG("addr", "void*", MMT_TAG_K, MMT_ARG_RANGE, -1, "Start of the range, page aligned. With --mappings, also the mapping there before the call (see README)."),
			ARG("len", "unsigned long", MMT_TAG_K, MMT_ARG_ULONG, -1, "Size of the range."),
			ARG("mode", "int", MMT_TAG_K, MMT_ARG_MPOL_MODE, -1,
			  "A policy (MPOL_BIND, MPOL_INTERLEAVE, MPOL_PREFERRED, ...) with mode flags, as for set_mempolicy."),
			ARG("nodemask", "const unsigned long*", MMT_TAG_U | MMT_TAG_TOCTOU | MMT_TAG_OPT, MMT_ARG_NODEMASK, 0,
			  "Pointer to the node mask, read from the caller's memory (maxnode - 1 bits).", .len_arg = 4),
			ARG("maxnode", "unsigned long", MMT_TAG_K, MMT_ARG_ULONG, -1, "One more than the number of mask bits the kernel reads."),
			ARG("flags", "unsigned int", MMT_TAG_K, MMT_ARG_FLAGS, -1,
			  "MPOL_MF_STRICT (fail if pages are elsewhere), MPOL_MF_MOVE (move the caller's pages), MPOL_MF_MOVE_ALL (move shared pages too, CAP_SYS_NICE).", .xlat = &mpol_mf_flags,
			  .int32 = true),
		},
		.ret_kind = MMT_RET_ZERO_OR_ERR,
		.ret_doc = "0, or -errno: EINVAL, EFAULT, EIO (MPOL_MF_STRICT and pages could not be moved), ENOMEM, EPERM (MPOL_MF_MOVE_ALL without CAP_SYS_NICE).",
		.summary = "set the NUMA policy of a memory range",
		.description = "mbind() sets the NUMA memory policy of a range of the caller's address space; with MPOL_MF_MOVE it also moves the pages already there. When pages move, mmtrace reports what the kernel's migrate:mm_migrate_pages tracepoint counted during the call.",
		.hook = HOOK_KCOPY("mbind") " Migrations: tracepoint migrate:mm_migrate_pages.",
		.related = "set_mempolicy - a thread's policy,get_mempolicy - read a policy,move_pages - move single pages,set_mempolicy_home_node - a range's home node",
		.issues = NODEMASK_TOCTOU,
		.uapi = "include/uapi/linux/mempolicy.h",
	},
	[MMT_EV_SET_MEMPOLICY] = {
		.event = MMT_EV_SET_MEMPOLICY,
		.kernel_copy = true,
		.name = "set_mempolicy",
		.syscall_nr = 238,
		.ia32_nr = 276,
		.ia32_nr2 = -1,
		.payload = MMT_PAYLOAD_MASKS,
		.nargs = 3,
		.args = {
			ARG("mode", "int", MMT_TAG_K, MMT_ARG_MPOL_MODE, -1,
			  "One policy: MPOL_DEFAULT, MPOL_PREFERRED, MPOL_BIND, MPOL_INTERLEAVE, MPOL_LOCAL, MPOL_PREFERRED_MANY or MPOL_WEIGHTED_INTERLEAVE, or'ed with mode flags MPOL_F_STATIC_NODES, MPOL_F_RELATIVE_NODES, MPOL_F_NUMA_BALANCING."),
			ARG("nodemask", "const unsigned long*", MMT_TAG_U | MMT_TAG_TOCTOU | MMT_TAG_OPT, MMT_ARG_NODEMASK, 0,
			  "Pointer to a bit mask of nodes, read from the caller's memory; NULL for MPOL_DEFAULT and MPOL_LOCAL. The kernel reads maxnode - 1 bits of it.", .len_arg = 2),
			ARG("maxnode", "unsigned long", MMT_TAG_K, MMT_ARG_ULONG, -1,
			  "One more than the number of bits of nodemask the kernel reads (numactl passes 1025 for 1024 nodes)."),
		},
		.ret_kind = MMT_RET_ZERO_OR_ERR,
		.ret_doc = "0 on success, or -errno: EINVAL (unknown mode or flag, empty or missing mask where one is needed, maxnode larger than a page of bits, bits set past the kernel's MAX_NUMNODES), EFAULT (mask not readable).",
		.summary = "set the NUMA memory policy of the calling thread",
		.description = "set_mempolicy() sets the NUMA memory policy of the calling thread: which nodes the kernel takes pages from when this thread faults in new memory, for ranges that have no policy of their own (set by mbind). Memory already allocated stays where it is. A child made by fork() inherits the policy. numactl and libnuma call it, for example `numactl --membind=0` sets MPOL_BIND on node 0 before it runs the command.",
		.hook = HOOK_KCOPY("set_mempolicy"),
		.related = "get_mempolicy - read the policy of a thread or of an address,mbind - set the policy of a memory range,set_mempolicy_home_node - set the home node of a range's policy,migrate_pages - move a process's pages between node sets",
		.issues = NODEMASK_TOCTOU " A policy only steers future allocations: it does not move pages (mbind with MPOL_MF_MOVE or migrate_pages do). On a machine with one node every valid mask is [0].",
		.uapi = "include/uapi/linux/mempolicy.h",
	},
	[MMT_EV_GET_MEMPOLICY] = {
		.event = MMT_EV_GET_MEMPOLICY,
		.name = "get_mempolicy",
		.syscall_nr = 239,
		.ia32_nr = 275,
		.ia32_nr2 = -1,
		.payload = MMT_PAYLOAD_MASKS,
		.nargs = 5,
		.args = {
			ARG("mode", "int*", MMT_TAG_U | MMT_TAG_OPT, MMT_ARG_OUT_MODE, -1,
			  "Where the kernel writes the policy (or, with MPOL_F_NODE, a node). mmtrace reads it after a successful call.", .at_exit = true,
			  .node_if_arg = 4, .node_bits = 1 /* MPOL_F_NODE */),
			ARG("nodemask", "unsigned long*", MMT_TAG_U | MMT_TAG_OPT, MMT_ARG_NODEMASK, 0,
			  "Where the kernel writes the policy's nodes (maxnode - 1 bits). mmtrace reads it after a successful call.", .at_exit = true, .len_arg = 2),
			ARG("maxnode", "unsigned long", MMT_TAG_K, MMT_ARG_ULONG, -1, "One more than the number of mask bits the kernel writes."),
			ARG("addr", "void*", MMT_TAG_K | MMT_TAG_OPT, MMT_ARG_ADDR, -1, "With MPOL_F_ADDR: the address whose policy is asked."),
			ARG("flags", "unsigned long", MMT_TAG_K, MMT_ARG_FLAGS, -1,
			  "0 (the thread's policy), MPOL_F_ADDR (the policy at addr), MPOL_F_NODE (a node instead of a mode), MPOL_F_MEMS_ALLOWED (the allowed nodes).", .xlat = &get_mempolicy_flags),
		},
		.ret_kind = MMT_RET_ZERO_OR_ERR,
		.ret_doc = "0, or -errno: EINVAL, EFAULT.",
		.summary = "read the NUMA policy of a thread or of an address",
		.description = "get_mempolicy() reports a NUMA memory policy: the calling thread's, the one that applies at an address (MPOL_F_ADDR), the node a page is on (MPOL_F_NODE with MPOL_F_ADDR), or the nodes the thread may use (MPOL_F_MEMS_ALLOWED). libnuma calls it at start-up.",
		.hook = HOOK("get_mempolicy"),
		.related = "set_mempolicy - set a thread's policy,mbind - set a range's policy",
		.issues = "Its outputs are read from user memory after the call, so they are what the caller's memory held then: another thread could already have changed them.",
		.uapi = "include/uapi/linux/mempolicy.h",
	},
	[MMT_EV_SET_MEMPOLICY_HOME_NODE] = {
		.event = MMT_EV_SET_MEMPOLICY_HOME_NODE,
		.name = "set_mempolicy_home_node",
		.syscall_nr = 450,
		.ia32_nr = 450,
		.ia32_nr2 = -1,
		.nargs = 4,
		.args = {
			ARG("start", "unsigned long", MMT_TAG_K, MMT_ARG_RANGE, -1, "Start of the range, page aligned. With --mappings, also the mapping there before the call (see README)."),
			ARG("len", "unsigned long", MMT_TAG_K, MMT_ARG_ULONG, -1, "Size of the range."),
			ARG("home_node", "unsigned long", MMT_TAG_K, MMT_ARG_ULONG, -1, "The node to allocate from first."),
			ARG("flags", "unsigned long", MMT_TAG_K, MMT_ARG_ULONG, -1, "Must be 0."),
		},
		.ret_kind = MMT_RET_ZERO_OR_ERR,
		.ret_doc = "0, or -errno: EINVAL (flags, node not online), EOPNOTSUPP (the range's policy is not MPOL_BIND or MPOL_PREFERRED_MANY), EFAULT.",
		.summary = "set the home node of a memory range's policy",
		.description = "set_mempolicy_home_node() sets, for ranges whose policy (set by mbind) is MPOL_BIND or MPOL_PREFERRED_MANY, the node the kernel allocates from first.",
		.hook = HOOK("set_mempolicy_home_node"),
		.related = "mbind - set the range's policy first",
		.issues = "Its event id is its x86_64 syscall number, 450, as for every event here; Tracee's table gives 450 to another event, so do not mix ids of the two tools.",
	},
	[MMT_EV_MIGRATE_PAGES] = {
		.event = MMT_EV_MIGRATE_PAGES,
		.has_target = true,
		.migrates = true,
		.kernel_copy = true,
		.name = "migrate_pages",
		.syscall_nr = 256,
		.ia32_nr = 294,
		.ia32_nr2 = -1,
		.payload = MMT_PAYLOAD_MASKS,
		.nargs = 4,
		.args = {
			ARG("pid", "int", MMT_TAG_K, MMT_ARG_INT, -1,
			  "The process whose pages move; 0 means the caller. Moving another user's process needs CAP_SYS_NICE."),
			ARG("maxnode", "unsigned long", MMT_TAG_K, MMT_ARG_ULONG, -1,
			  "One more than the number of bits of each mask the kernel reads."),
			ARG("old_nodes", "const unsigned long*", MMT_TAG_U | MMT_TAG_TOCTOU, MMT_ARG_NODEMASK, 0,
			  "Pointer to the mask of nodes to move pages away from, read from the caller's memory.", .len_arg = 1),
			ARG("new_nodes", "const unsigned long*", MMT_TAG_U | MMT_TAG_TOCTOU, MMT_ARG_NODEMASK, 1,
			  "Pointer to the mask of nodes to move pages to, read from the caller's memory. Must be a subset of the nodes the target may use.", .len_arg = 1),
		},
		.ret_kind = MMT_RET_COUNT_OR_ERR,
		.ret_doc = "The number of pages that could NOT be moved (0 when all moved, or when nothing had to move), or -errno: ESRCH (no such process), EPERM (another user's process without CAP_SYS_NICE, or new_nodes outside the target's allowed nodes), EINVAL (bad maxnode, or new_nodes has a node without memory), EFAULT (mask not readable).",
		.summary = "move a process's pages from one node set to another",
		.description = "migrate_pages() moves the pages of process pid that sit on the nodes in old_nodes to the nodes in new_nodes, keeping their relative placement (the n-th node of old_nodes maps to the n-th node of new_nodes). It acts on the whole process, not on a range; pages shared with other processes move only when the caller has CAP_SYS_NICE. The `migratepages` tool of numactl calls it.",
		.hook = HOOK_KCOPY("migrate_pages"),
		.related = "move_pages - move or query individual pages,mbind - set a range's policy and optionally move its pages,set_mempolicy - set a thread's policy,get_mempolicy - read a policy",
		.issues = NODEMASK_TOCTOU " The return value counts pages that were NOT moved, not pages moved: 0 is success. On a machine with a single node nothing ever moves and the call returns 0. Both masks are read with the same maxnode.",
		.uapi = "include/uapi/linux/mempolicy.h",
	},
	[MMT_EV_MOVE_PAGES] = {
		.event = MMT_EV_MOVE_PAGES,
		.has_target = true,
		.migrates = true,
		.name = "move_pages",
		.syscall_nr = 279,
		.ia32_nr = 317,
		.ia32_nr2 = -1,
		.payload = MMT_PAYLOAD_MOVE_PAGES,
		.nargs = 6,
		.args = {
			ARG("pid", "int", MMT_TAG_K, MMT_ARG_INT, -1, "The process whose pages move; 0 means the caller."),
			ARG("count", "unsigned long", MMT_TAG_K, MMT_ARG_ULONG, -1, "Number of pages."),
			ARG("pages", "const void**", MMT_TAG_U | MMT_TAG_TOCTOU, MMT_ARG_ARRAY, 0,
			  "Pointer to count page addresses, read from the caller's memory (at most 64).", .len_arg = 1),
			ARG("nodes", "const int*", MMT_TAG_U | MMT_TAG_TOCTOU | MMT_TAG_OPT, MMT_ARG_ARRAY, 1,
			  "Pointer to count target nodes, read from the caller's memory (at most 64); NULL only asks where the pages are.", .elem = MMT_ELEM_INT, .len_arg = 1),
			ARG("status", "int*", MMT_TAG_U, MMT_ARG_ARRAY, 2,
			  "Where the kernel writes, per page, its node or -errno. mmtrace reads it after the call (at most 64).", .elem = MMT_ELEM_INT, .at_exit = true, .len_arg = 1),
			ARG("flags", "int", MMT_TAG_K, MMT_ARG_FLAGS, -1,
			  "MPOL_MF_MOVE (the caller's pages) or MPOL_MF_MOVE_ALL (shared pages too, CAP_SYS_NICE); the kernel rejects any other bit.", .xlat = &move_pages_flags,
			  .int32 = true),
		},
		.ret_kind = MMT_RET_COUNT_OR_ERR,
		.ret_doc = "0 when every page was handled, a positive number of pages that could not be moved, or -errno: ESRCH, EPERM, EINVAL, ENODEV (a node not online), E2BIG, EFAULT.",
		.summary = "move individual pages to other nodes, or ask where they are",
		.description = "move_pages() moves the listed pages of process pid to the listed nodes and reports each page's outcome in status; with nodes NULL it only reports the node each page is on. When pages move, mmtrace reports what the kernel's migrate:mm_migrate_pages tracepoint counted during the call, and names the target process.",
		.hook = HOOK("move_pages") " Migrations: tracepoint migrate:mm_migrate_pages.",
		.related = "migrate_pages - move all of a process's pages between node sets,mbind - set a range's policy and move its pages,get_mempolicy - ask where a page is",
		.issues = "The pages and nodes arrays are read at entry, before the kernel reads them (TOCTOU); only the first 64 elements are shown.",
		.uapi = "include/uapi/linux/mempolicy.h",
	},
	[MMT_EV_MSEAL] = {
		.event = MMT_EV_MSEAL,
		.name = "mseal",
		.syscall_nr = 462,
		.ia32_nr = 462,
		.ia32_nr2 = -1,
		.nargs = 3,
		.args = {
			ARG("start", "unsigned long", MMT_TAG_K, MMT_ARG_RANGE, -1, "Start of the range, page aligned. With --mappings, also the mapping there before the call (see README)."),
			ARG("len", "size_t", MMT_TAG_K, MMT_ARG_SIZE, -1, "Size of the range."),
			ARG("flags", "unsigned long", MMT_TAG_K, MMT_ARG_ULONG, -1, "Must be 0."),
		},
		.ret_kind = MMT_RET_ZERO_OR_ERR,
		.ret_doc = "0, or -errno: EINVAL, ENOMEM (range not fully mapped), EPERM.",
		.summary = "seal a memory range against changes",
		.description = "mseal() seals the mappings of a range: from then on munmap, mremap, mmap over it, mprotect and destructive madvise on it fail with EPERM, for the life of the process.",
		.hook = HOOK("mseal"),
		.related = "mprotect - what sealing forbids,munmap - what sealing forbids",
		.issues = "Needs Linux 6.10 or later; older kernels return ENOSYS.",
	},
	[MMT_EV_MAP_SHADOW_STACK] = {
		.event = MMT_EV_MAP_SHADOW_STACK,
		.name = "map_shadow_stack",
		.syscall_nr = 453,
		.ia32_nr = -1,
		.ia32_nr2 = -1,
		.nargs = 3,
		.args = {
			ARG("addr", "unsigned long", MMT_TAG_K | MMT_TAG_OPT, MMT_ARG_ADDR, -1, "Where to map it; 0 lets the kernel choose."),
			ARG("size", "unsigned long", MMT_TAG_K, MMT_ARG_ULONG, -1, "Size of the shadow stack."),
			ARG("flags", "unsigned int", MMT_TAG_K, MMT_ARG_FLAGS, -1,
			  "SHADOW_STACK_SET_TOKEN (put a restore token at the top), SHADOW_STACK_SET_MARKER.", .xlat = &shadow_stack_flags,
			  .int32 = true),
		},
		.ret_kind = MMT_RET_ADDR_OR_ERR,
		.ret_doc = "The address of the new shadow stack, or -errno: EINVAL, ENOMEM; ENOSYS on kernels built without user shadow stacks (X86_USER_SHADOW_STACK), as on our test machines.",
		.summary = "map a shadow stack (x86 CET)",
		.description = "map_shadow_stack() maps memory for a hardware shadow stack that only CET shadow-stack operations can write, for threads that switch stacks in user space.",
		.hook = "raw tracepoints only: the kernels here have no syscalls:sys_enter_map_shadow_stack (built without X86_USER_SHADOW_STACK), so the call is seen, and returns ENOSYS.",
		.related = "mmap - map ordinary memory",
		.issues = "x86_64 only; no ia32 entry.",
		.uapi = "arch/x86/include/uapi/asm/mman.h",
	},
	[MMT_EV_PAGE_MIGRATION] = {
		.event = MMT_EV_PAGE_MIGRATION,
		.name = "page_migration",
		.syscall_nr = 2000,
		.ia32_nr = -1,
		.ia32_nr2 = -1,
		.tracepoint = "migrate:mm_migrate_pages",
		.payload = MMT_PAYLOAD_KEVENT,
		.nargs = 10,
		.args = {
			ARG("reason", "int", MMT_TAG_K, MMT_ARG_VALUE, -1,
			  "Why the kernel migrated: enum migrate_reason (compaction, memory_failure, memory_hotplug, syscall_or_cpuset, mempolicy_mbind, numa_misplaced, contig_range, longterm_pin, demotion, damon), named with --parse-arguments.",
			  .xlat = &migrate_reasons),
			ARG("mode", "int", MMT_TAG_K, MMT_ARG_VALUE, -1,
			  "enum migrate_mode: MIGRATE_ASYNC (never blocks: NUMA balancing), MIGRATE_SYNC_LIGHT, MIGRATE_SYNC.",
			  .xlat = &migrate_modes),
			ARG("succeeded", "u64", MMT_TAG_K, MMT_ARG_ULONG, -1,
			  "Base pages migrated in the batch (a 2 MiB THP counts 512)."),
			ARG("failed", "u64", MMT_TAG_K, MMT_ARG_ULONG, -1,
			  "Base pages the batch could not migrate."),
			ARG("dst_node", "int", MMT_TAG_K, MMT_ARG_INT, -1,
			  "The destination node where the kernel makes it knowable: for numa_misplaced the node of the CPU that took the hint fault (the pages move to it); -1 for every other reason."),
			ARG("kernelThread", "bool", MMT_TAG_K, MMT_ARG_BOOL, -1,
			  "The batch ran in a kernel thread (kcompactd, kswapd, kdamond, a kworker): the pages are not charged to a user process."),
			ARG("thp_succeeded", "u64", MMT_TAG_K, MMT_ARG_ULONG, -1,
			  "Transparent huge pages migrated whole."),
			ARG("thp_failed", "u64", MMT_TAG_K, MMT_ARG_ULONG, -1,
			  "Transparent huge pages that could not be migrated."),
			ARG("thp_split", "u64", MMT_TAG_K, MMT_ARG_ULONG, -1,
			  "Transparent huge pages split to be migrated."),
			ARG("large_folio_split", "u64", MMT_TAG_K, MMT_ARG_ULONG, -1,
			  "Large folios (not THP) split to be migrated; 0 on kernels whose tracepoint lacks the field (6.1), read with CO-RE."),
		},
		.ret_kind = MMT_RET_NONE,
		.ret_doc = "None: not a call. returnValue is 0 in JSON, \"-\" in the table.",
		.summary = "a batch of pages the kernel migrated on its own (not a traced call)",
		.description = "One batch of page migration, from the kernel's migrate:mm_migrate_pages tracepoint, with its reason, mode and counts, charged to the task it ran in: the process that caused it (compaction in a write to /proc/sys/vm/compact_memory or in an allocation, NUMA balancing's hint faults) or a kernel thread (kcompactd, kswapd, kdamond), said so by kernelThread. A batch made inside a traced migrate_pages, move_pages or mbind is not written again: it is summed in that call's migration object, so no page is counted twice. NUMA balancing migrates one page (or one THP) per batch: a busy process makes tens of thousands of records a second; `mmtrace -c` and `mmtrace top` count them in the kernel instead.",
		.hook = "Tracepoint migrate:mm_migrate_pages (CONFIG_MIGRATION), fields read with CO-RE.",
		.related = "numa_task_placement - NUMA balancing moving a task,migrate_pages - move a process's pages (its migrations stay on its record),move_pages - move listed pages,mbind - set a range's policy and move its pages",
		.issues = "The destination node is known only for numa_misplaced. With scopes (-p, --comm...), a batch is selected by the task it ran in, so kernel threads are left out. Records are per batch: losses under load are counted (`--stats`).",
		.uapi = NULL,
	},
	[MMT_EV_NUMA_TASK_PLACEMENT] = {
		.event = MMT_EV_NUMA_TASK_PLACEMENT,
		.name = "numa_task_placement",
		.syscall_nr = 2001,
		.ia32_nr = -1,
		.ia32_nr2 = -1,
		.tracepoint = "sched:sched_move_numa, sched:sched_swap_numa, sched:sched_stick_numa",
		.payload = MMT_PAYLOAD_NONE,
		.nargs = 5,
		.args = {
			ARG("kind", "string", MMT_TAG_K, MMT_ARG_NAME, -1,
			  "move (sched_move_numa: the task goes to a CPU of its preferred node), swap (sched_swap_numa: it trades places with a task there) or stick (sched_stick_numa: neither was possible, it stays).",
			  .xlat = &numa_placement_kinds),
			ARG("src_cpu", "int", MMT_TAG_K, MMT_ARG_INT, -1, "The CPU the task ran on."),
			ARG("src_nid", "int", MMT_TAG_K, MMT_ARG_INT, -1, "The node of that CPU."),
			ARG("dst_cpu", "int", MMT_TAG_K, MMT_ARG_INT, -1, "The CPU it goes to; -1: none (stick often has none)."),
			ARG("dst_nid", "int", MMT_TAG_K, MMT_ARG_INT, -1, "The node of that CPU; -1: none."),
		},
		.ret_kind = MMT_RET_NONE,
		.ret_doc = "None: not a call. returnValue is 0 in JSON, \"-\" in the table.",
		.summary = "NUMA balancing moving, swapping or keeping a task",
		.description = "Automatic NUMA balancing (kernel.numa_balancing=1) moves a task towards the node that holds most of its memory when the memory cannot follow the task: one record per decision, in the context of the task placed (for swap, the task that started it), with the source and destination CPU and node.",
		.hook = "Tracepoints sched:sched_move_numa, sched:sched_swap_numa and sched:sched_stick_numa (CONFIG_NUMA_BALANCING; each one missing from the kernel is left out).",
		.related = "page_migration - pages NUMA balancing moved instead of the task,set_mempolicy - MPOL_F_NUMA_BALANCING",
		.issues = "The swapped partner is not named. sched_skip_vma_numa and sched_skip_cpuset_numa are not traced.",
		.uapi = NULL,
	},
};

const struct mmt_event_desc *mmt_event_by_name(const char *name)
{
	for (unsigned int i = 0; i < MMT_EV_COUNT; i++)
		if (!strcmp(mmt_events[i].name, name))
			return &mmt_events[i];
	return NULL;
}

const struct mmt_event_desc *mmt_event_by_id(unsigned int event)
{
	return event < MMT_EV_COUNT ? &mmt_events[event] : NULL;
}

/*
 * Tracee's v0.24 types of the C types the table uses. Tracee's own
 * definitions differ from the kernel's prototypes in places (x86_64 mmap's
 * prot, flags, fd and off, mprotect's and pkey_mprotect's prot, mremap's
 * and remap_file_pages' flags, mbind's mode are unsigned long in the
 * kernel); the table's C types follow Tracee's, and
 * .jtype marks where Tracee's Go type is not the C type's (process_madvise
 * flags: unsigned int, uint64 in Tracee).
 */
enum mmt_tracee_type mmt_arg_jtype(const struct mmt_arg_desc *d)
{
	return d->jtype != MMT_JT_DERIVE ? d->jtype : mmt_arg_ctype_jtype(d);
}

static enum mmt_tracee_type ctype_jtype(const struct mmt_arg_desc *d)
{
	static const struct {
		const char *ctype;
		enum mmt_tracee_type t;
	} map[] = {
		{ "int", MMT_JT_INT32 },	  { "unsigned int", MMT_JT_UINT32 },
		{ "off_t", MMT_JT_INT64 },	  { "long", MMT_JT_INT64 },
		{ "size_t", MMT_JT_UINT64 }, { "unsigned long", MMT_JT_UINT64 },
		{ "u64", MMT_JT_UINT64 },	  { "bool", MMT_JT_BOOL },
	};
	size_t n = strlen(d->type);

	if ((n && d->type[n - 1] == '*') || d->kind == MMT_ARG_ADDR || d->kind == MMT_ARG_RANGE)
		return MMT_JT_POINTER;
	if (d->kind == MMT_ARG_NAME)
		return MMT_JT_STRING;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(d->type, map[i].ctype))
			return map[i].t;
	return MMT_JT_UINT64; /* the table test rejects any other C type */
}

/*
 * Every decoded argument asks this: the answer for a descriptor of the
 * table never changes, so it is kept per (event, argument), worked out at
 * the first ask (string compares per argument were a tenth of the
 * reader's time). 0: not yet, else the type + 1; relaxed atomics, since a
 * sink's thread may ask too (both would store the same value). A
 * descriptor from elsewhere is worked out every time.
 */
enum mmt_tracee_type mmt_arg_ctype_jtype(const struct mmt_arg_desc *d)
{
	static int known[MMT_EV_COUNT][MMT_EVENT_MAX_ARGS];
	uintptr_t at = (uintptr_t)d, first = (uintptr_t)mmt_events;
	size_t e, i;
	int t;

	if (at < first || at >= (uintptr_t)(mmt_events + MMT_EV_COUNT))
		return ctype_jtype(d);
	e = (at - first) / sizeof(mmt_events[0]);
	if (at < (uintptr_t)mmt_events[e].args ||
	    at >= (uintptr_t)(mmt_events[e].args + MMT_EVENT_MAX_ARGS))
		return ctype_jtype(d);
	i = d - mmt_events[e].args;
	if (d != &mmt_events[e].args[i])
		return ctype_jtype(d); /* not on an element's start */
	t = __atomic_load_n(&known[e][i], __ATOMIC_RELAXED);
	if (!t) {
		t = (int)ctype_jtype(d) + 1;
		__atomic_store_n(&known[e][i], t, __ATOMIC_RELAXED);
	}
	return (enum mmt_tracee_type)(t - 1);
}

const char *mmt_jtype_name(enum mmt_tracee_type t)
{
	static const char *const names[MMT_JT_COUNT] = {
		[MMT_JT_POINTER] = "trace.Pointer", [MMT_JT_INT32] = "int32",
		[MMT_JT_UINT32] = "uint32",	    [MMT_JT_INT64] = "int64",
		[MMT_JT_UINT64] = "uint64", [MMT_JT_BOOL] = "bool",
		[MMT_JT_STRING] = "string",
	};

	return (unsigned int)t < MMT_JT_COUNT ? names[t] : NULL;
}

const char *mmt_arg_type_name(const struct mmt_arg_desc *d, enum mmt_tracee_format f)
{
	return f == MMT_TRACEE_V023 ? d->type : mmt_jtype_name(mmt_arg_jtype(d));
}

const char *mmt_tags_str(unsigned int tags, char *buf, size_t len)
{
	static const struct {
		unsigned int bit;
		const char *name;
	} names[] = {
		{ MMT_TAG_K, "K" },
		{ MMT_TAG_U, "U" },
		{ MMT_TAG_TOCTOU, "TOCTOU" },
		{ MMT_TAG_OPT, "OPT" },
	};
	size_t off = 0;

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(tags & names[i].bit))
			continue;
		off += snprintf(buf + off, off < len ? len - off : 0, "%s%s",
				off ? "," : "", names[i].name);
	}
	return buf;
}
