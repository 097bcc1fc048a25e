// SPDX-License-Identifier: GPL-2.0
/*
 * unwind.c - the --stack unwinder and symbolizer, on elfutils' libdwfl.
 *
 * Each process gets a Dwfl: the modules of its /proc/PID/maps, with their
 * ELF files, symbols and CFI opened lazily by libdwfl and kept while the
 * process is cached. Its thread state is ours: the registers and the stack
 * window of the record being unwound, so libdwfl walks a copy taken in the
 * kernel, never the live process.
 */
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <elfutils/libdwfl.h>
#include "stack/stack.h"

/* x86_64 DWARF register numbers (System V psABI) */
#define DW_X86_64_RBX 3
#define DW_X86_64_RBP 6
#define DW_X86_64_RSP 7
#define DW_X86_64_R12 12 /* r12..r15 are 12..15, the return address 16 */

struct proc {
	struct mmt_stacks *owner;
	pid_t pid; /* 0: a free slot */
	Dwfl *dwfl;
	bool stale;	 /* read the maps again before the next unwind */
	__u64 loaded_ns; /* CLOCK_MONOTONIC when the maps were read */
	__u64 used;	 /* the cache's clock at the last use */
	/* the unwind in progress */
	pid_t tid;
	const struct mmt_stack_tail *tail;
	bool window_miss; /* a read fell outside the copied window */
	struct mmt_stack *out;
};

/*
 * Symbols found, by module (its build id, else its file name) and address
 * in the module: libdwfl's lookup walks a module's whole symbol table, too
 * slow for every frame of every call. Direct-mapped; names are copied into
 * blocks that live until the cache is full, emptied between two unwinds.
 */
#define SYM_SLOTS 16384
#define SYM_BLOCK 65536
#define SYM_BYTES_MAX (32UL << 20)

struct sym_slot {
	__u64 module;	  /* 0: empty */
	__u64 rel;	  /* the address looked up, in the module */
	const char *name; /* NULL: no symbol holds it */
	__u64 start;	  /* the symbol's address in the module */
};

struct sym_block {
	struct sym_block *next;
	size_t used;
	char text[SYM_BLOCK];
};

struct mmt_stacks {
	struct proc *procs;
	int max;
	__u64 clock;
	unsigned long maps_reads;
	struct sym_slot *syms;
	struct sym_block *blocks;
	size_t sym_bytes;
	unsigned long sym_hits, sym_misses;
};

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

bool mmt_stacks_supported(void)
{
	return true;
}

static pid_t cb_next_thread(Dwfl *dwfl, void *arg, void **thread_argp)
{
	struct proc *p = arg;

	(void)dwfl;
	if (*thread_argp)
		return 0;
	*thread_argp = p;
	return p->tid;
}

static bool cb_get_thread(Dwfl *dwfl, pid_t tid, void *arg, void **thread_argp)
{
	struct proc *p = arg;

	(void)dwfl;
	*thread_argp = p;
	return tid == p->tid;
}

/* Stack memory: from the copied window only. */
static bool cb_memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result, void *arg)
{
	struct proc *p = arg;
	__u64 base = p->tail->regs[MMT_SREG_SP] & ~(__u64)(MMT_STACK_CHUNK - 1);

	(void)dwfl;
	if (addr < base || addr - base > p->tail->len ||
	    p->tail->len - (addr - base) < sizeof(*result)) {
		p->window_miss = true;
		return false;
	}
	memcpy(result, p->tail->data + (addr - base), sizeof(*result));
	return true;
}

static bool cb_set_initial_registers(Dwfl_Thread *thread, void *arg)
{
	const struct proc *p = arg;
	const __u64 *r = p->tail->regs;
	Dwarf_Word bx = r[MMT_SREG_BX];
	Dwarf_Word bp_sp[2] = {r[MMT_SREG_BP], r[MMT_SREG_SP]};
	Dwarf_Word r12_ip[5] = {r[MMT_SREG_R12], r[MMT_SREG_R13], r[MMT_SREG_R14], r[MMT_SREG_R15],
				r[MMT_SREG_IP]};

	return dwfl_thread_state_registers(thread, DW_X86_64_RBX, 1, &bx) &&
	       dwfl_thread_state_registers(thread, DW_X86_64_RBP, 2, bp_sp) &&
	       dwfl_thread_state_registers(thread, DW_X86_64_R12, 5, r12_ip);
}

static const Dwfl_Thread_Callbacks thread_callbacks = {
	.next_thread = cb_next_thread,
	.get_thread = cb_get_thread,
	.memory_read = cb_memory_read,
	.set_initial_registers = cb_set_initial_registers,
};

static char *debuginfo_path;

/*
 * Separate debug files are looked up by build id under /usr/lib/debug
 * (Debian's -dbg and -dbgsym packages), for the symbols the stripped files
 * lack. Nothing else: never a debuginfod server, which would stall the
 * trace on the network.
 */
static const Dwfl_Callbacks proc_callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = dwfl_build_id_find_debuginfo,
	.debuginfo_path = &debuginfo_path,
};

struct mmt_stacks *mmt_stacks_new(int max_procs)
{
	struct mmt_stacks *s;

	if (max_procs < 1)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->procs = calloc(max_procs, sizeof(*s->procs));
	if (!s->procs) {
		free(s);
		return NULL;
	}
	s->syms = calloc(SYM_SLOTS, sizeof(*s->syms));
	if (!s->syms) {
		free(s->procs);
		free(s);
		return NULL;
	}
	s->max = max_procs;
	return s;
}

static void syms_clear(struct mmt_stacks *s)
{
	while (s->blocks) {
		struct sym_block *b = s->blocks;

		s->blocks = b->next;
		free(b);
	}
	s->sym_bytes = 0;
	memset(s->syms, 0, SYM_SLOTS * sizeof(*s->syms));
}

/* A copy of name that lives until syms_clear(); NULL without memory. */
static const char *sym_copy(struct mmt_stacks *s, const char *name)
{
	size_t n = strlen(name) + 1;
	struct sym_block *b = s->blocks;
	char *at;

	if (n > SYM_BLOCK)
		return NULL;
	if (!b || SYM_BLOCK - b->used < n) {
		b = malloc(sizeof(*b));
		if (!b)
			return NULL;
		b->next = s->blocks;
		b->used = 0;
		s->blocks = b;
		s->sym_bytes += sizeof(*b);
	}
	at = b->text + b->used;
	memcpy(at, name, n);
	b->used += n;
	return at;
}

static void proc_drop(struct proc *p)
{
	if (p->dwfl)
		dwfl_end(p->dwfl);
	memset(p, 0, sizeof(*p));
}

void mmt_stacks_free(struct mmt_stacks *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->max; i++)
		proc_drop(&s->procs[i]);
	syms_clear(s);
	free(s->syms);
	free(s->procs);
	free(s);
}

static struct proc *proc_find(struct mmt_stacks *s, pid_t pid)
{
	for (int i = 0; i < s->max; i++)
		if (s->procs[i].pid == pid)
			return &s->procs[i];
	return NULL;
}

/* p's Dwfl made afresh from the process's current maps, with our thread
 * state. false when its maps cannot be read (gone) or libdwfl fails: p is
 * left as it was. */
static bool proc_load(struct mmt_stacks *s, struct proc *p, pid_t pid)
{
	Dwfl *dwfl = dwfl_begin(&proc_callbacks);

	if (!dwfl)
		return false;
	s->maps_reads++;
	dwfl_report_begin(dwfl);
	if (dwfl_linux_proc_report(dwfl, pid) != 0 || dwfl_report_end(dwfl, NULL, NULL) != 0 ||
	    !dwfl_attach_state(dwfl, NULL, pid, &thread_callbacks, p)) {
		dwfl_end(dwfl);
		return false;
	}
	if (p->dwfl)
		dwfl_end(p->dwfl);
	p->owner = s;
	p->pid = pid;
	p->dwfl = dwfl;
	p->loaded_ns = now_ns();
	return true;
}

/*
 * The process's cache entry, loaded (the least recently used one goes
 * when the cache is full); NULL when its maps cannot be read. An entry
 * whose maps are out of date is read again; when the process has exited
 * meanwhile, the maps read before are kept: they held the code it ran.
 */
static struct proc *proc_get(struct mmt_stacks *s, pid_t pid, bool *fresh)
{
	struct proc *p = proc_find(s, pid);

	*fresh = false;
	if (p && p->stale) {
		p->stale = false;
		*fresh = proc_load(s, p, pid);
	} else if (!p) {
		p = &s->procs[0];
		for (int i = 0; i < s->max && p->pid; i++)
			if (!s->procs[i].pid || s->procs[i].used < p->used)
				p = &s->procs[i];
		proc_drop(p);
		if (!proc_load(s, p, pid))
			return NULL;
		*fresh = true;
	}
	p->used = ++s->clock;
	return p;
}

void mmt_stacks_prepare(struct mmt_stacks *s, pid_t pid)
{
	bool fresh;

	if (s)
		proc_get(s, pid, &fresh);
}

void mmt_stacks_maps_changed(struct mmt_stacks *s, pid_t pid)
{
	struct proc *p = s ? proc_find(s, pid) : NULL;

	if (p)
		p->stale = true;
}

void mmt_stacks_forget(struct mmt_stacks *s, pid_t pid)
{
	struct proc *p = s ? proc_find(s, pid) : NULL;

	if (p)
		proc_drop(p);
}

int mmt_stacks_procs(const struct mmt_stacks *s)
{
	int n = 0;

	for (int i = 0; i < s->max; i++)
		n += s->procs[i].pid != 0;
	return n;
}

unsigned long mmt_stacks_maps_reads(const struct mmt_stacks *s)
{
	return s->maps_reads;
}

unsigned long mmt_stacks_symbol_lookups(const struct mmt_stacks *s)
{
	return s->sym_misses;
}

static __u64 hash_bytes(__u64 h, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ ((const unsigned char *)p)[i]) * 0x100000001b3ULL; /* FNV-1a */
	return h;
}

/* What names a module in the symbol cache: its build id, else its file
 * name; kept in the module's user data. Never 0. */
static __u64 module_key(Dwfl_Module *m, void **userdata, const char *name)
{
	const unsigned char *id;
	GElf_Addr vaddr;
	int len;
	__u64 h;

	if (*userdata)
		return (__u64)(uintptr_t)*userdata;
	len = dwfl_module_build_id(m, &id, &vaddr);
	h = len > 0 ? hash_bytes(0xcbf29ce484222325ULL, id, len)
		    : hash_bytes(0x84222325cbf29ce4ULL, name ? name : "", name ? strlen(name) : 0);
	h |= 1;
	*userdata = (void *)(uintptr_t)h;
	return h;
}

/* Module, symbol and offsets of frame f (ip set). The caller's frames hold
 * a return address: the call is the instruction before it, so look there. */
static void symbolize(struct mmt_stacks *s, Dwfl *dwfl, struct mmt_stack_frame *f, bool activation)
{
	Dwarf_Addr lookup = activation ? f->ip : f->ip - 1;
	Dwfl_Module *m = dwfl_addrmodule(dwfl, lookup);
	Dwarf_Addr bias = 0;
	struct sym_slot *slot;
	void **userdata;
	__u64 key, rel;
	GElf_Off off;
	GElf_Sym sym;
	const char *name;

	if (!m)
		return;
	f->module = dwfl_module_info(m, &userdata, NULL, NULL, NULL, NULL, NULL, NULL);
	if (!dwfl_module_getelf(m, &bias))
		return;
	f->rel = f->ip - bias;
	rel = lookup - bias;
	key = module_key(m, userdata, f->module);
	slot = &s->syms[hash_bytes(key, &rel, sizeof(rel)) & (SYM_SLOTS - 1)];
	if (slot->module != key || slot->rel != rel) {
		s->sym_misses++;
		name = dwfl_module_addrinfo(m, lookup, &off, &sym, NULL, NULL, NULL);
		slot->module = 0;
		slot->name = name && *name ? sym_copy(s, name) : NULL;
		if (name && *name && !slot->name)
			return; /* no memory: no symbol this time */
		slot->start = rel - (slot->name ? off : 0);
		slot->module = key;
		slot->rel = rel;
	} else {
		s->sym_hits++;
	}
	if (slot->name) {
		f->symbol = slot->name;
		f->offset = f->rel - slot->start;
	}
}

static int frame_cb(Dwfl_Frame *state, void *arg)
{
	struct proc *p = arg;
	struct mmt_stack *out = p->out;
	struct mmt_stack_frame *f;
	Dwarf_Addr pc;
	bool activation;

	if (out->nframes == MMT_STACK_MAX_FRAMES) {
		out->flags |= MMT_STACK_DEPTH_END;
		return DWARF_CB_ABORT;
	}
	if (!dwfl_frame_pc(state, &pc, &activation))
		return DWARF_CB_ABORT;
	/* the outermost frame's return address is 0 (_start's CFI says so) */
	if (pc == 0 && out->nframes)
		return DWARF_CB_ABORT;
	f = &out->frames[out->nframes++];
	memset(f, 0, sizeof(*f));
	f->ip = pc;
	f->rel = pc;
	symbolize(p->owner, dwfl_thread_dwfl(dwfl_frame_thread(state)), f, activation);
	return DWARF_CB_OK;
}

static void walk(struct proc *p, pid_t tid, const struct mmt_stack_tail *tail,
		 struct mmt_stack *out)
{
	int ret;

	p->tid = tid;
	p->tail = tail;
	p->out = out;
	p->window_miss = false;
	out->nframes = 0;
	out->flags = 0;
	ret = dwfl_getthread_frames(p->dwfl, tid, frame_cb, p);
	/* libdwfl ends a walk that ran out of memory to read as a normal one */
	if (p->window_miss)
		out->flags |= MMT_STACK_WINDOW_END;
	else if (ret == -1)
		out->flags |= MMT_STACK_UNWIND_ERR;
	p->tail = NULL;
	p->out = NULL;
}

/*
 * Do the maps read before look out of date for this unwind? Surely when a
 * frame's address is in no module (code mapped since: a library loaded
 * after the process's first call). Perhaps when the unwind failed past a
 * known frame (the next return address may be in such code, or it is
 * the end of a stack whose outermost frame says nothing, like ld.so's
 * _start): read again then, at most every REREAD_NS per process.
 */
#define REREAD_NS (100 * 1000000ULL)

static bool maps_outdated(struct proc *p, const struct mmt_stack *out)
{
	__u64 now;

	if (!out->nframes)
		return false;
	if (!out->frames[0].module || !out->frames[out->nframes - 1].module)
		return true;
	if (!(out->flags & MMT_STACK_UNWIND_ERR))
		return false;
	now = now_ns();
	if (now - p->loaded_ns < REREAD_NS)
		return false;
	return true;
}

int mmt_stacks_unwind(struct mmt_stacks *s, pid_t pid, pid_t tid, const struct mmt_stack_tail *tail,
		      struct mmt_stack *out)
{
	struct proc *p;
	bool fresh;

	if (tail->len > MMT_STACK_BYTES)
		return -EINVAL;
	/* between two unwinds, when no frame holds a name */
	if (s->sym_bytes > SYM_BYTES_MAX)
		syms_clear(s);
	p = proc_get(s, pid, &fresh);
	if (p) {
		walk(p, tid, tail, out);
		if (!fresh && maps_outdated(p, out)) {
			p->stale = true;
			p = proc_get(s, pid, &fresh);
			if (fresh)
				walk(p, tid, tail, out);
		}
	}
	if (!p) {
		memset(out, 0, sizeof(*out));
		out->nframes = 1;
		out->frames[0].ip = tail->regs[MMT_SREG_IP];
		out->frames[0].rel = out->frames[0].ip;
		out->flags = MMT_STACK_NO_MAPS;
	} else if (!out->nframes) {
		out->nframes = 1;
		memset(&out->frames[0], 0, sizeof(out->frames[0]));
		out->frames[0].ip = tail->regs[MMT_SREG_IP];
		out->frames[0].rel = out->frames[0].ip;
		out->flags |= MMT_STACK_UNWIND_ERR;
	}
	return 0;
}
