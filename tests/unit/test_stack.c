// SPDX-License-Identifier: GPL-2.0
/*
 * test_stack.c - the --stack unwinder and its per-process cache on real
 * stacks: a child stopped by ptrace at the exit of a syscall that known
 * functions made (through libc's wrapper, built without frame pointers),
 * its registers and stack read as the BPF side copies them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>

#include "decoders/decode.h"
#include "outputs/output.h"
#include "records.h"
#include "stack/sites.h"
#include "stack/stack.h"

#define MARK_LEN 12345 /* madvise's len: the call the test stops at */

/* The child's call chain: child_main -> level1 -> level2 -> madvise(). The
 * extra work after each call keeps them from being tail calls. */
static volatile int sink;

__attribute__((noinline)) static int level2(void *p)
{
	int r = madvise(p, MARK_LEN, MADV_NORMAL);

	sink += r;
	return r + sink;
}

__attribute__((noinline)) static int level1(void *p)
{
	int r = level2(p);

	sink += r;
	return r * 3 + sink;
}

__attribute__((noinline, noreturn)) static void child_main(void)
{
	void *p = mmap(NULL, 16384, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	raise(SIGSTOP);
	sink = level1(p);
	_exit(sink & 1);
}

/* This program, run again as the child: a fresh exec, so that the child
 * runs natively even when the test runs under valgrind (which follows no
 * exec by default). */
static char self_path[4096];

/* A child stopped at the exit of its madvise(p, MARK_LEN, ...). */
static pid_t start_child(void)
{
	pid_t pid = fork();
	struct user_regs_struct r;
	int status, in_call = 0;

	assert_true(pid >= 0);
	if (pid == 0) {
		execl(self_path, self_path, "--child", (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSTOPPED(status));
	for (;;) {
		assert_int_equal(ptrace(PTRACE_SYSCALL, pid, NULL, NULL), 0);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSTOPPED(status));
		assert_int_equal(ptrace(PTRACE_GETREGS, pid, NULL, &r), 0);
		if (r.orig_rax == SYS_madvise && r.rsi == MARK_LEN) {
			if (in_call)
				return pid;
			in_call = 1;
		}
	}
}

static void end_child(pid_t pid)
{
	int status;

	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

/* The tail the BPF side would send: registers, then up to window bytes of
 * stack from sp (to the end of the stack mapping at most). */
static struct mmt_stack_tail *capture(pid_t pid, size_t window)
{
	struct mmt_stack_tail *t = calloc(1, sizeof(*t));
	struct user_regs_struct r;
	char path[64];
	ssize_t n;
	int fd;

	assert_non_null(t);
	assert_int_equal(ptrace(PTRACE_GETREGS, pid, NULL, &r), 0);
	t->regs[MMT_SREG_IP] = r.rip;
	t->regs[MMT_SREG_SP] = r.rsp;
	t->regs[MMT_SREG_BP] = r.rbp;
	t->regs[MMT_SREG_BX] = r.rbx;
	t->regs[MMT_SREG_R12] = r.r12;
	t->regs[MMT_SREG_R13] = r.r13;
	t->regs[MMT_SREG_R14] = r.r14;
	t->regs[MMT_SREG_R15] = r.r15;
	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	/* chunk by chunk from sp's, as the BPF side reads: stop at the end
	 * of the mapping */
	while (t->len < window) {
		__u64 at = (r.rsp & ~(__u64)(MMT_STACK_CHUNK - 1)) + t->len;
		size_t chunk = MMT_STACK_CHUNK;

		if (chunk > window - t->len)
			chunk = window - t->len;
		n = pread(fd, t->data + t->len, chunk, at);
		if (n <= 0)
			break;
		t->len += n;
	}
	close(fd);
	return t;
}

static int find_frame(const struct mmt_stack *st, const char *symbol)
{
	for (int i = 0; i < st->nframes; i++)
		if (st->frames[i].symbol && !strcmp(st->frames[i].symbol, symbol))
			return i;
	return -1;
}

static void test_unwind_through_libc(void **state)
{
	struct mmt_stacks *s = mmt_stacks_new(4);
	struct mmt_stack *st = calloc(1, sizeof(*st));
	pid_t pid = start_child();
	struct mmt_stack_tail *t = capture(pid, MMT_STACK_BYTES);
	char text[512];
	unsigned long lookups;
	int l2, l1, cm, mn;

	(void)state;
	assert_non_null(s);
	assert_int_equal(mmt_stacks_unwind(s, pid, pid, t, st), 0);
	assert_int_equal(st->flags & (MMT_STACK_NO_MAPS | MMT_STACK_UNWIND_ERR), 0);
	/* frame 0: libc's madvise wrapper, just after its syscall */
	assert_true(st->nframes >= 5);
	assert_int_equal(st->frames[0].ip, t->regs[MMT_SREG_IP]);
	assert_non_null(st->frames[0].module);
	assert_non_null(strstr(st->frames[0].module, "libc.so"));
	assert_non_null(st->frames[0].symbol);
	assert_non_null(strstr(st->frames[0].symbol, "madvise"));
	/* the callers, in order, in this test's own executable, down to main */
	l2 = find_frame(st, "level2");
	l1 = find_frame(st, "level1");
	cm = find_frame(st, "child_main");
	mn = find_frame(st, "main");
	assert_int_equal(l2, 1);
	assert_int_equal(l1, 2);
	assert_int_equal(cm, 3);
	assert_true(mn > cm);
	assert_non_null(strstr(st->frames[l2].module, "test_stack"));
	/* a return address inside level2, past its start */
	assert_true(st->frames[l2].offset > 0);
	mmt_stack_frame_text(&st->frames[l2], text, sizeof(text));
	assert_non_null(strstr(text, "test_stack(level2+0x"));
	assert_non_null(strstr(text, ") [0x"));
	/* the same run again: the process's maps were read once, and every
	 * symbol comes from the cache */
	lookups = mmt_stacks_symbol_lookups(s);
	assert_int_equal(lookups, st->nframes);
	assert_int_equal(mmt_stacks_unwind(s, pid, pid, t, st), 0);
	assert_int_equal(find_frame(st, "level1"), 2);
	assert_int_equal(mmt_stacks_maps_reads(s), 1);
	assert_int_equal(mmt_stacks_symbol_lookups(s), lookups);
	assert_int_equal(mmt_stacks_procs(s), 1);
	/* maps changed: read again */
	mmt_stacks_maps_changed(s, pid);
	assert_int_equal(mmt_stacks_unwind(s, pid, pid, t, st), 0);
	assert_int_equal(mmt_stacks_maps_reads(s), 2);
	assert_int_equal(find_frame(st, "level2"), 1);
	end_child(pid);
	free(t);
	free(st);
	mmt_stacks_free(s);
}

/* The child runs this test's own code: its level2 is where ours is in the
 * module. */
static void test_addresses(void **state)
{
	struct mmt_stacks *s = mmt_stacks_new(4);
	struct mmt_stack *st = calloc(1, sizeof(*st));
	pid_t pid = start_child();
	struct mmt_stack_tail *t = capture(pid, MMT_STACK_BYTES);
	const struct mmt_stack_frame *f;
	Dl_info self;

	(void)state;
	assert_int_equal(mmt_stacks_unwind(s, pid, pid, t, st), 0);
	f = &st->frames[1];
	assert_string_equal(f->symbol, "level2");
	/* the child is this program loaded elsewhere: level2 at the same
	 * address in the module as ours (a PIE: from its load address) */
	assert_true(dladdr((void *)(uintptr_t)level2, &self));
	assert_int_equal(f->rel - f->offset,
			 (__u64)(uintptr_t)level2 - (__u64)(uintptr_t)self.dli_fbase);
	assert_true(f->rel < f->ip);
	end_child(pid);
	free(t);
	free(st);
	mmt_stacks_free(s);
}

static void test_short_window(void **state)
{
	struct mmt_stacks *s = mmt_stacks_new(4);
	struct mmt_stack *st = calloc(1, sizeof(*st));
	pid_t pid = start_child();
	struct mmt_stack_tail *t = capture(pid, MMT_STACK_BYTES);

	(void)state;
	/* up to sp and 8 bytes: the wrapper's return address into level2, no
	 * more */
	t->len = (t->regs[MMT_SREG_SP] & (MMT_STACK_CHUNK - 1)) + 8;
	assert_int_equal(mmt_stacks_unwind(s, pid, pid, t, st), 0);
	assert_true(st->flags & MMT_STACK_WINDOW_END);
	assert_true(st->nframes >= 1 && st->nframes <= 2);
	assert_int_equal(find_frame(st, "level1"), -1);
	/* no stack at all: frame 0 only */
	t->len = 0;
	assert_int_equal(mmt_stacks_unwind(s, pid, pid, t, st), 0);
	assert_int_equal(st->nframes, 1);
	assert_true(st->flags & MMT_STACK_WINDOW_END);
	/* a length past the window is refused */
	t->len = MMT_STACK_BYTES + 1;
	assert_int_equal(mmt_stacks_unwind(s, pid, pid, t, st), -EINVAL);
	end_child(pid);
	free(t);
	free(st);
	mmt_stacks_free(s);
}

static void test_gone(void **state)
{
	struct mmt_stacks *s = mmt_stacks_new(4);
	struct mmt_stack *st = calloc(1, sizeof(*st));
	pid_t pid = start_child();
	struct mmt_stack_tail *t = capture(pid, MMT_STACK_BYTES);
	char text[64];

	(void)state;
	end_child(pid);
	/* reaped before its first unwind: the raw ip only, and said so */
	assert_int_equal(mmt_stacks_unwind(s, pid, pid, t, st), 0);
	assert_int_equal(st->nframes, 1);
	assert_true(st->flags & MMT_STACK_NO_MAPS);
	assert_int_equal(st->frames[0].ip, t->regs[MMT_SREG_IP]);
	assert_null(st->frames[0].module);
	assert_null(st->frames[0].symbol);
	mmt_stack_frame_text(&st->frames[0], text, sizeof(text));
	snprintf(text + 32, 32, "[0x%llx]", (unsigned long long)t->regs[MMT_SREG_IP]);
	assert_string_equal(text, text + 32);
	assert_int_equal(mmt_stacks_procs(s), 0);
	free(t);
	free(st);
	mmt_stacks_free(s);
}

static void test_gone_after_read(void **state)
{
	struct mmt_stacks *s = mmt_stacks_new(4);
	struct mmt_stack *st = calloc(1, sizeof(*st));
	pid_t pid = start_child();
	struct mmt_stack_tail *t = capture(pid, MMT_STACK_BYTES);

	(void)state;
	/* maps read while it ran (its first call), marked out of date, then
	 * it exits: the maps read before still name its code */
	mmt_stacks_prepare(s, pid);
	assert_int_equal(mmt_stacks_maps_reads(s), 1);
	mmt_stacks_maps_changed(s, pid);
	end_child(pid);
	assert_int_equal(mmt_stacks_unwind(s, pid, pid, t, st), 0);
	assert_int_equal(mmt_stacks_maps_reads(s), 2);
	assert_int_equal(st->flags & MMT_STACK_NO_MAPS, 0);
	assert_int_equal(find_frame(st, "level2"), 1);
	assert_int_equal(find_frame(st, "level1"), 2);
	/* its exit drops them */
	mmt_stacks_forget(s, pid);
	assert_int_equal(mmt_stacks_unwind(s, pid, pid, t, st), 0);
	assert_true(st->flags & MMT_STACK_NO_MAPS);
	free(t);
	free(st);
	mmt_stacks_free(s);
}

static void test_cache_bound(void **state)
{
	struct mmt_stacks *s = mmt_stacks_new(1);
	struct mmt_stack *st = calloc(1, sizeof(*st));
	pid_t a = start_child(), b = start_child();
	struct mmt_stack_tail *ta = capture(a, MMT_STACK_BYTES);
	struct mmt_stack_tail *tb = capture(b, MMT_STACK_BYTES);

	(void)state;
	assert_int_equal(mmt_stacks_unwind(s, a, a, ta, st), 0);
	assert_int_equal(mmt_stacks_unwind(s, b, b, tb, st), 0);
	assert_int_equal(find_frame(st, "level2"), 1);
	/* one slot: b pushed a out, a is read again */
	assert_int_equal(mmt_stacks_procs(s), 1);
	assert_int_equal(mmt_stacks_unwind(s, a, a, ta, st), 0);
	assert_int_equal(find_frame(st, "level2"), 1);
	assert_int_equal(mmt_stacks_maps_reads(s), 3);
	mmt_stacks_forget(s, a);
	assert_int_equal(mmt_stacks_procs(s), 0);
	assert_null(mmt_stacks_new(0));
	end_child(a);
	end_child(b);
	free(ta);
	free(tb);
	free(st);
	mmt_stacks_free(s);
}

static void test_frame_text(void **state)
{
	struct mmt_stack_frame f = {.ip = 0x7f0000101a07,
				    .rel = 0x101a07,
				    .module = "/usr/lib/x86_64-linux-gnu/libc.so.6",
				    .symbol = "__munmap",
				    .offset = 7};
	char buf[128];

	(void)state;
	mmt_stack_frame_text(&f, buf, sizeof(buf));
	assert_string_equal(buf, "/usr/lib/x86_64-linux-gnu/libc.so.6(__munmap+0x7) [0x101a07]");
	f.symbol = NULL;
	mmt_stack_frame_text(&f, buf, sizeof(buf));
	assert_string_equal(buf, "/usr/lib/x86_64-linux-gnu/libc.so.6() [0x101a07]");
	f.module = NULL;
	mmt_stack_frame_text(&f, buf, sizeof(buf));
	assert_string_equal(buf, "[0x7f0000101a07]");
	/* cut to the buffer, the full length returned */
	assert_int_equal(mmt_stack_frame_text(&f, buf, 4), strlen("[0x7f0000101a07]"));
	assert_string_equal(buf, "[0x");
	/* why an unwind stopped: the most telling reason first */
	assert_string_equal(mmt_stack_end_name(0), "outermost");
	assert_string_equal(mmt_stack_end_name(MMT_STACK_WINDOW_END), "stack-window-end");
	assert_string_equal(mmt_stack_end_name(MMT_STACK_DEPTH_END | MMT_STACK_WINDOW_END),
			    "depth-limit");
	assert_string_equal(mmt_stack_end_name(MMT_STACK_UNWIND_ERR), "no-unwind-info");
	assert_string_equal(mmt_stack_end_name(MMT_STACK_NO_MAPS), "process-gone");
	assert_string_equal(mmt_stack_end_name(MMT_STACK_IA32), "ia32-not-unwound");
}

/* Two frames of one code path, loaded at base in some process. */
static void path_at(struct mmt_stack *st, __u64 base, __u64 leaf_rel)
{
	memset(st, 0, sizeof(*st));
	st->nframes = 2;
	st->frames[0] = (struct mmt_stack_frame){.ip = base + leaf_rel,
						 .rel = leaf_rel,
						 .module = "/usr/lib/libc.so.6",
						 .symbol = "__mremap",
						 .offset = 7};
	st->frames[1] = (struct mmt_stack_frame){.ip = base + 0x10000 + 0x1234,
						 .rel = 0x1234,
						 .module = "/opt/app",
						 .symbol = "level2",
						 .offset = 0x14};
}

static char *printed(struct mmt_sites *s, unsigned int top)
{
	struct outbuf ob;
	char *text;

	assert_int_equal(ob_init(&ob, -1, 64), 0);
	mmt_sites_print(&ob, s, top);
	assert_int_equal(ob.err, 0);
	text = strndup(ob.buf, ob.len);
	ob_free(&ob);
	return text;
}

static void test_sites(void **state)
{
	struct mmt_sites *s = mmt_sites_new();
	struct mmt_stack *st = calloc(1, sizeof(*st));
	char *text, *second;

	(void)state;
	/* one path in two processes at other load addresses: one site */
	path_at(st, 0x7f0000000000, 0x101a07);
	for (int i = 0; i < 3; i++)
		assert_int_equal(mmt_sites_add(s, "mremap", st, i == 0, 1000 * (i + 1)), 0);
	path_at(st, 0x7e0000000000, 0x101a07);
	assert_int_equal(mmt_sites_add(s, "mremap", st, false, 4000), 0);
	assert_int_equal(mmt_sites_count(s), 1);
	/* another event from the same frames, another leaf address: two more */
	assert_int_equal(mmt_sites_add(s, "munmap", st, false, 1), 0);
	path_at(st, 0x7e0000000000, 0x101b00);
	assert_int_equal(mmt_sites_add(s, "mremap", st, true, 500), 0);
	assert_int_equal(mmt_sites_add(s, "mremap", st, true, 500), 0);
	/* a process gone: the raw ip only */
	memset(st, 0, sizeof(*st));
	st->nframes = 1;
	st->frames[0].ip = 0x7f1234;
	st->flags = MMT_STACK_NO_MAPS;
	assert_int_equal(mmt_sites_add(s, "mremap", st, false, 10), 0);
	assert_int_equal(mmt_sites_count(s), 4);
	assert_int_equal(mmt_sites_unplaced(s), 0);

	text = printed(s, 2);
	/* the header, then the busiest site first: 4 calls, 1 error, 10 us */
	assert_non_null(strstr(text, "call sites: 4 distinct, 8 calls; the top 2 by calls\n"));
	assert_non_null(strstr(
		text, "           4          1         10.000        2.500        4.000  mremap\n"
		      " > /usr/lib/libc.so.6(__mremap+0x7) [0x101a07]\n"
		      " > /opt/app(level2+0x14) [0x1234]\n"
		      "           2          2          1.000        0.500        0.500  mremap\n"
		      " > /usr/lib/libc.so.6(__mremap+0x7) [0x101b00]\n"));
	assert_null(strstr(text, "munmap"));
	second = printed(s, 0);
	assert_non_null(strstr(second, "munmap\n"));
	assert_non_null(strstr(second, " > [0x7f1234]\n > [stack ends: process-gone]\n"));
	free(text);
	free(second);
	free(st);
	mmt_sites_free(s);
}

/* A row and its call site, in the table and in JSON. */
static void test_render(void **state)
{
	struct mmt_record *r = record_call(MMT_EV_MREMAP);
	struct mmt_decoded_event ev;
	struct mmt_stack *st = calloc(1, sizeof(*st));
	struct outbuf ob;
	char *text;

	(void)state;
	record_decode(r, &ev);
	path_at(st, 0x7f0000000000, 0x101a07);
	st->frames[1].symbol = "lev\x1b"
			       "el2";
	ev.stack = st;
	assert_int_equal(ob_init(&ob, -1, 64), 0);
	mmt_table_configure(NULL, 0, false);
	mmt_table_event(&ob, &ev);
	text = strndup(ob.buf, ob.len);
	/* strace -k's lines under the row; a control byte escaped */
	assert_non_null(strstr(text, "\n > /usr/lib/libc.so.6(__mremap+0x7) [0x101a07]\n"
				     " > /opt/app(lev\\x1bel2+0x14) [0x1234]\n"));
	assert_int_equal(text[ob.len - 1], '\n');
	assert_null(strstr(text, "stack ends"));
	free(text);
	/* a window too short: said on a last line */
	ob.len = 0;
	st->flags = MMT_STACK_WINDOW_END;
	mmt_table_event(&ob, &ev);
	text = strndup(ob.buf, ob.len);
	assert_non_null(strstr(text, "[0x1234]\n > [stack ends: stack-window-end]\n"));
	free(text);
	ob.len = 0;
	mmt_json_event(&ob, &ev, false);
	text = strndup(ob.buf, ob.len);
	assert_non_null(strstr(text, "\"syscall\":\"mremap\",\"stackAddresses\":[139637977782791,"
				     "139637976797748],\"contextFlags\":"));
	assert_non_null(strstr(
		text, ",\"stack\":[{\"ip\":139637977782791,\"module\":"
		      "\"/usr/lib/libc.so.6\",\"moduleAddress\":1055239,"
		      "\"symbol\":\"__mremap\",\"offset\":7},{\"ip\":139637976797748,"
		      "\"module\":\"/opt/app\",\"moduleAddress\":4660,\"symbol\":"
		      "\"lev\\u001bel2\",\"offset\":20}],\"stackEnd\":\"stack-window-end\"}\n"));
	free(text);
	/* no stack: the key stays as it was */
	ob.len = 0;
	ev.stack = NULL;
	mmt_json_event(&ob, &ev, false);
	text = strndup(ob.buf, ob.len);
	assert_non_null(strstr(text, "\"stackAddresses\":[],\"contextFlags\":"));
	assert_null(strstr(text, "\"stack\":"));
	free(text);
	ob_free(&ob);
	free(st);
	free(r);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unwind_through_libc),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_short_window),
		cmocka_unit_test(test_gone),
		cmocka_unit_test(test_cache_bound),
		cmocka_unit_test(test_frame_text),
		cmocka_unit_test(test_gone_after_read),
		cmocka_unit_test(test_sites),
		cmocka_unit_test(test_render),
	};
	ssize_t n;

	if (argc == 2 && !strcmp(argv[1], "--child"))
		child_main();
	/* (valgrind answers with the program's own path here) */
	n = readlink("/proc/self/exe", self_path, sizeof(self_path) - 1);
	if (n <= 0) {
		fprintf(stderr, "test_stack: failed to read /proc/self/exe\n");
		return 1;
	}
	self_path[n] = '\0';
	if (!mmt_stacks_supported()) {
		printf("test_stack: built without libdw (STACK=0): skipped\n");
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
