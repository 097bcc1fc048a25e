// SPDX-License-Identifier: GPL-2.0
/*
 * event_table.c - every event mmtrace captures, in one table.
 *
 * Argument names and C types follow Tracee's events (and the kernel's
 * syscall prototypes). The texts are the pages `mmtrace list EVENT` prints;
 * they correct the machine-written pages this project started from.
 */
#include <stdio.h>
#include <string.h>
#include "events/event_table.h"

#define HOOK_TP(sc)                                                          \
	"tracepoints syscalls:sys_enter_" sc " and syscalls:sys_exit_" sc    \
	" (64-bit tasks), paired per thread in the kernel: one record per "  \
	"call, written at exit. No kprobe or fentry is used."

#define NODEMASK_TOCTOU                                                      \
	"Node masks are read from user memory at syscall entry, just before " \
	"the kernel copies them itself. A thread of the caller that rewrites " \
	"the mask in between makes the kernel act on other nodes than the "  \
	"ones reported (time of check to time of use)."

#define ARG(n, t, tg, k, slot, d, ...)                                        \
	{ .name = n, .type = t, .tags = tg, .kind = k, .mask_slot = slot,     \
	  .doc = d, __VA_ARGS__ }

const struct mmt_event_desc mmt_events[MMT_EV_COUNT] = {
	[MMT_EV_MREMAP] = {
		.event = MMT_EV_MREMAP,
		.name = "mremap",
		.syscall_nr = 25,
		.nargs = 5,
		.args = {
			ARG("old_address", "void*", MMT_TAG_K, MMT_ARG_ADDR, -1,
			  "Start of the existing mapping (page aligned). A user-space address; mmtrace does not read it."),
			ARG("old_size", "size_t", MMT_TAG_K, MMT_ARG_SIZE, -1,
			  "Size of the existing mapping. 0 with a shared mapping asks for a second mapping of the same pages."),
			ARG("new_size", "size_t", MMT_TAG_K, MMT_ARG_SIZE, -1,
			  "Size wanted after the call."),
			ARG("flags", "int", MMT_TAG_K, MMT_ARG_MREMAP_FLAGS, -1,
			  "MREMAP_MAYMOVE (the kernel may move the mapping), MREMAP_FIXED (move it to new_address, needs MAYMOVE), MREMAP_DONTUNMAP (move it, keep the old range mapped but empty, needs MAYMOVE)."),
			ARG("new_address", "void*", MMT_TAG_K | MMT_TAG_OPT, MMT_ARG_ADDR, -1,
			  "Target address. The kernel uses it only with MREMAP_FIXED, or as a hint with MREMAP_DONTUNMAP; otherwise it is ignored, and the table output says so.",
			  .used_if_arg = 3, .used_bits = 0x2 | 0x4),
		},
		.ret_kind = MMT_RET_ADDR_OR_ERR,
		.ret_doc = "The new start address of the mapping on success (equal to old_address when it grew or shrank in place), or -errno: EINVAL (bad flags, unaligned address, FIXED without MAYMOVE), EFAULT (old range not fully mapped), ENOMEM (cannot grow in place without MAYMOVE, or out of memory), EAGAIN (locked memory limit).",
		.summary = "grow, shrink or move a virtual memory mapping",
		.description = "mremap() changes the size or the place of an existing mapping in the calling process's own virtual address space. It grows or shrinks the mapping in place when it can; with MREMAP_MAYMOVE it may move it to another virtual address instead, carrying the page table entries along, so the contents are not copied. It cannot reach another process's address space, and it does not deal with physical addresses: which physical pages back the mapping is not changed.",
		.hook = HOOK_TP("mremap"),
		.related = "mmap - create a mapping,munmap - remove a mapping,mprotect - change a mapping's protection,madvise - give advice about a range",
		.issues = "The arguments are plain register values, nothing is read from user memory, so the event itself is not open to a TOCTOU race. The old range may span several mappings (vmas) only in the ways the kernel accepts; otherwise the call fails with EFAULT. new_address is reported as the caller passed it even when the kernel ignores it.",
		.uapi = "include/uapi/linux/mman.h",
	},
	[MMT_EV_SET_MEMPOLICY] = {
		.event = MMT_EV_SET_MEMPOLICY,
		.name = "set_mempolicy",
		.syscall_nr = 238,
		.nargs = 3,
		.args = {
			ARG("mode", "int", MMT_TAG_K, MMT_ARG_MPOL_MODE, -1,
			  "One policy: MPOL_DEFAULT, MPOL_PREFERRED, MPOL_BIND, MPOL_INTERLEAVE, MPOL_LOCAL, MPOL_PREFERRED_MANY or MPOL_WEIGHTED_INTERLEAVE, or'ed with mode flags MPOL_F_STATIC_NODES, MPOL_F_RELATIVE_NODES, MPOL_F_NUMA_BALANCING."),
			ARG("nodemask", "const unsigned long*", MMT_TAG_U | MMT_TAG_TOCTOU | MMT_TAG_OPT, MMT_ARG_NODEMASK, 0,
			  "Pointer to a bit mask of nodes, read from the caller's memory; NULL for MPOL_DEFAULT and MPOL_LOCAL. The kernel reads maxnode - 1 bits of it."),
			ARG("maxnode", "unsigned long", MMT_TAG_K, MMT_ARG_ULONG, -1,
			  "One more than the number of bits of nodemask the kernel reads (numactl passes 1025 for 1024 nodes)."),
		},
		.ret_kind = MMT_RET_ZERO_OR_ERR,
		.ret_doc = "0 on success, or -errno: EINVAL (unknown mode or flag, empty or missing mask where one is needed, maxnode larger than a page of bits, bits set past the kernel's MAX_NUMNODES), EFAULT (mask not readable).",
		.summary = "set the NUMA memory policy of the calling thread",
		.description = "set_mempolicy() sets the NUMA memory policy of the calling thread: which nodes the kernel takes pages from when this thread faults in new memory, for ranges that have no policy of their own (set by mbind). Memory already allocated stays where it is. A child made by fork() inherits the policy. numactl and libnuma call it, for example `numactl --membind=0` sets MPOL_BIND on node 0 before it runs the command.",
		.hook = HOOK_TP("set_mempolicy"),
		.related = "get_mempolicy - read the policy of a thread or of an address,mbind - set the policy of a memory range,set_mempolicy_home_node - set the home node of a range's policy,migrate_pages - move a process's pages between node sets",
		.issues = NODEMASK_TOCTOU " A policy only steers future allocations: it does not move pages (mbind with MPOL_MF_MOVE or migrate_pages do). On a machine with one node every valid mask is [0].",
		.uapi = "include/uapi/linux/mempolicy.h",
	},
	[MMT_EV_MIGRATE_PAGES] = {
		.event = MMT_EV_MIGRATE_PAGES,
		.name = "migrate_pages",
		.syscall_nr = 256,
		.nargs = 4,
		.args = {
			ARG("pid", "int", MMT_TAG_K, MMT_ARG_INT, -1,
			  "The process whose pages move; 0 means the caller. Moving another user's process needs CAP_SYS_NICE."),
			ARG("maxnode", "unsigned long", MMT_TAG_K, MMT_ARG_ULONG, -1,
			  "One more than the number of bits of each mask the kernel reads."),
			ARG("old_nodes", "const unsigned long*", MMT_TAG_U | MMT_TAG_TOCTOU, MMT_ARG_NODEMASK, 0,
			  "Pointer to the mask of nodes to move pages away from, read from the caller's memory."),
			ARG("new_nodes", "const unsigned long*", MMT_TAG_U | MMT_TAG_TOCTOU, MMT_ARG_NODEMASK, 1,
			  "Pointer to the mask of nodes to move pages to, read from the caller's memory. Must be a subset of the nodes the target may use."),
		},
		.ret_kind = MMT_RET_COUNT_OR_ERR,
		.ret_doc = "The number of pages that could NOT be moved (0 when all moved, or when nothing had to move), or -errno: ESRCH (no such process), EPERM (another user's process without CAP_SYS_NICE, or new_nodes outside the target's allowed nodes), EINVAL (bad maxnode, or new_nodes has a node without memory), EFAULT (mask not readable).",
		.summary = "move a process's pages from one node set to another",
		.description = "migrate_pages() moves the pages of process pid that sit on the nodes in old_nodes to the nodes in new_nodes, keeping their relative placement (the n-th node of old_nodes maps to the n-th node of new_nodes). It acts on the whole process, not on a range; pages shared with other processes move only when the caller has CAP_SYS_NICE. The `migratepages` tool of numactl calls it.",
		.hook = HOOK_TP("migrate_pages"),
		.related = "move_pages - move or query individual pages,mbind - set a range's policy and optionally move its pages,set_mempolicy - set a thread's policy,get_mempolicy - read a policy",
		.issues = NODEMASK_TOCTOU " The return value counts pages that were NOT moved, not pages moved: 0 is success. On a machine with a single node nothing ever moves and the call returns 0. Both masks are read with the same maxnode.",
		.uapi = "include/uapi/linux/mempolicy.h",
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
