// SPDX-License-Identifier: GPL-2.0
/*
 * ways.c - the way in to the syscalls: see ways.h.
 *
 * The raw programs run on every syscall of the machine, so in auto mode
 * they are attached only while a 32-bit process exists. The BPF side keeps
 * the 32-bit processes alive in compat_procs (every one, whatever the
 * scope: a process outside it now may enter it later); user space adds
 * those already running when it first attaches the raw programs, and
 * detaches them once it is empty (compat_count, kept beside it, says so
 * without a system call). Detaching too early would lose a 32-bit
 * program's calls without a trace, hence the order of the checks in
 * maybe_detach() and compat_note() (mmtrace.bpf.c); a map that ran out of
 * room keeps them attached for good.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "cli/errors.h"
#include "cli/probe.h"
#include "cli/ways.h"
#include "mmtrace.skel.h"

/* An ELF file of class 32 (ia32, or x32): its calls are compat calls. */
static bool elf32_at(int dirfd, const char *path)
{
	unsigned char h[5];
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	bool yes;

	if (fd < 0)
		return false;
	yes = read(fd, h, sizeof(h)) == sizeof(h) && !memcmp(h, "\177ELF", 4) && h[4] == 1;
	close(fd);
	return yes;
}

static bool pid_is_32bit(int proc, long pid)
{
	char path[32];

	snprintf(path, sizeof(path), "%ld/exe", pid);
	return elf32_at(proc, path);
}

/* The file the command will exec, found as execvp finds it. */
static bool command_is_32bit(const char *cmd)
{
	const char *path = getenv("PATH");
	char buf[4096];

	if (strchr(cmd, '/'))
		return elf32_at(AT_FDCWD, cmd);
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");

		if (n && n + strlen(cmd) + 2 <= sizeof(buf)) {
			snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, cmd);
			if (!access(buf, X_OK))
				return elf32_at(AT_FDCWD, buf);
		}
		path += n + (path[n] == ':');
	}
	return false;
}

/* fn(pid, ctx) for each 32-bit process of /proc (proc, an fd of it) until
 * it returns non-zero, which is returned; -1 when /proc cannot be read. */
static int each_32bit(int proc, int (*fn)(__u32 pid, void *ctx), void *ctx)
{
	DIR *dir = fdopendir(dup(proc));
	struct dirent *d;
	__u32 pid;
	int ret = 0;

	if (!dir)
		return -1;
	while (!ret && (d = readdir(dir))) {
		if (!isdigit((unsigned char)d->d_name[0]))
			continue;
		pid = (__u32)strtoul(d->d_name, NULL, 10);
		if (pid_is_32bit(proc, pid))
			ret = fn(pid, ctx);
	}
	closedir(dir);
	return ret;
}

static int found_one(__u32 pid, void *ctx)
{
	(void)pid;
	(void)ctx;
	return 1;
}

/* Put a 32-bit process in compat_procs, counted as the BPF side counts (it
 * may have added it already); one that finds no room is untracked. */
static int seed_one(__u32 tgid, void *ctx)
{
	struct mmtrace_bpf *skel = ctx;
	__u8 one = 1;

	if (!bpf_map_update_elem(bpf_map__fd(skel->maps.compat_procs), &tgid, &one, BPF_NOEXIST))
		__atomic_fetch_add(&skel->bss->compat_count, 1, __ATOMIC_SEQ_CST);
	else if (errno != EEXIST)
		__atomic_fetch_add(&skel->bss->compat_untracked, 1, __ATOMIC_SEQ_CST);
	return 0;
}

/* Put every 32-bit process of /proc in compat_procs; when /proc cannot be
 * read, none can be known gone: the raw programs stay. */
static void seed_compat(struct mmtrace_bpf *skel)
{
	int proc = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (proc < 0 || each_32bit(proc, seed_one, skel) < 0)
		__atomic_fetch_add(&skel->bss->compat_untracked, 1, __ATOMIC_SEQ_CST);
	if (proc >= 0)
		close(proc);
}

/* A 32-bit process among those the scope can select. */
static bool compat_now(const struct mmt_options *o)
{
	int proc = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool found = false;

	if (o->command && command_is_32bit(o->command[0]))
		found = true;
	if (proc < 0)
		return found;
	for (int i = 0; i < o->npids && !found; i++)
		found = pid_is_32bit(proc, o->pids[i]);
	/* any other scope may select any process: look at them all */
	if (!found && !o->command && !o->npids)
		found = each_32bit(proc, found_one, NULL) == 1;
	close(proc);
	return found;
}

void mmt_ways_plan(struct mmt_ways *w, const struct mmt_options *o)
{
	memset(w, 0, sizeof(*w));
	w->mode = o->attach;
	if (w->mode == MMT_ATTACH_RAW)
		return;
	for (int i = 0; i < MMT_EV_COUNT; i++) {
		/* kernel events (page_migration, ...) have their own programs */
		if (!o->selected[i] || !mmt_event_is_syscall(&mmt_events[i]))
			continue;
		w->tp[i] = mmt_probe_syscall_tp(mmt_events[i].name);
		/* auto: the raw programs serve what has no tracepoint;
		 * syscall: it is not seen (documented) */
		if (!w->tp[i])
			w->raw64 = true;
	}
	if (w->mode != MMT_ATTACH_AUTO)
		return;
	w->compat_at_start = compat_now(o);
	/* the raw programs must run on every syscall for good: let them serve
	 * every event, and spare the per-syscall tracepoints */
	if (w->raw64)
		memset(w->tp, 0, sizeof(w->tp));
	/* else they serve ia32 only, and only while a 32-bit process exists */
	w->track = !w->raw64;
}

/* The raw programs are attached from the start. */
static bool raw_from_start(const struct mmt_ways *w)
{
	return w->mode == MMT_ATTACH_RAW ||
	       (w->mode == MMT_ATTACH_AUTO && (w->raw64 || w->compat_at_start));
}

void mmt_ways_configure(const struct mmt_ways *w, struct mmtrace_bpf *skel,
			const struct mmt_options *o)
{
	bool raw = w->mode != MMT_ATTACH_SYSCALL, any_tp = false;

	for (int i = 0; i < MMT_EV_COUNT; i++) {
		const struct mmt_event_desc *d = &mmt_events[i];

		if (!o->selected[i] || !mmt_event_is_syscall(d))
			continue;
		if (w->mode == MMT_ATTACH_RAW || (w->mode == MMT_ATTACH_AUTO && !w->tp[i]))
			skel->rodata->raw64[d->syscall_nr] = MMT_SEL_OF(i);
		if (w->tp[i]) {
			skel->rodata->sel64[d->syscall_nr] = MMT_SEL_OF(i);
			any_tp = true;
		}
		if (d->ia32_nr >= 0)
			skel->rodata->sel32[d->ia32_nr] = MMT_SEL_OF(i);
		if (d->ia32_nr2 >= 0)
			skel->rodata->sel32[d->ia32_nr2] = MMT_SEL_OF(i);
	}
	bpf_program__set_autoload(skel->progs.raw_enter, raw);
	bpf_program__set_autoload(skel->progs.raw_exit, raw);
	bpf_program__set_autoattach(skel->progs.raw_enter, raw_from_start(w));
	bpf_program__set_autoattach(skel->progs.raw_exit, raw_from_start(w));
	bpf_program__set_autoload(skel->progs.tp_enter, any_tp);
	bpf_program__set_autoload(skel->progs.tp_exit, any_tp);
	bpf_program__set_autoattach(skel->progs.tp_enter, false);
	bpf_program__set_autoattach(skel->progs.tp_exit, false);
	bpf_program__set_autoload(skel->progs.compat_exec, w->track);
	bpf_program__set_autoload(skel->progs.compat_fork, w->track);
	skel->rodata->compat_track = w->track;
}

static __u64 boot_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

/* The raw programs are attached: the BPF side stops telling of 32-bit
 * execs, and the first time, the 32-bit processes already running join
 * those it keeps. */
static void raw_now_attached(struct mmt_ways *w, struct mmtrace_bpf *skel)
{
	w->raw_attached = true;
	w->attached_ns = boot_ns();
	w->checked_ns = w->attached_ns;
	skel->bss->raw_attached = 1;
	if (w->track && !w->seeded) {
		w->seeded = true;
		seed_compat(skel);
	}
}

static int attach_raw(struct mmt_ways *w, struct mmtrace_bpf *skel)
{
	if (w->raw_attached)
		return 0;
	/* entry first: an exit whose entry was not seen is skipped */
	skel->links.raw_enter = bpf_program__attach(skel->progs.raw_enter);
	if (!skel->links.raw_enter)
		goto fail;
	skel->links.raw_exit = bpf_program__attach(skel->progs.raw_exit);
	if (!skel->links.raw_exit)
		goto fail;
	raw_now_attached(w, skel);
	return 0;
fail:
	mmt_err("failed to attach the raw syscall tracepoints: %s", strerror(errno));
	return -1;
}

/* No 32-bit process left: the raw programs go (entry first, so that an
 * exit whose entry was seen is still seen until then). */
static void detach_raw(struct mmt_ways *w, struct mmtrace_bpf *skel)
{
	bpf_link__destroy(skel->links.raw_enter);
	skel->links.raw_enter = NULL;
	bpf_link__destroy(skel->links.raw_exit);
	skel->links.raw_exit = NULL;
	w->raw_attached = false;
	w->detaches++;
}

int mmt_ways_attach(struct mmt_ways *w, struct mmtrace_bpf *skel, const struct mmt_options *o)
{
	char name[64];

	if (raw_from_start(w))
		raw_now_attached(w, skel); /* attached with the skeleton */
	for (int i = 0; i < MMT_EV_COUNT; i++) {
		struct bpf_link *l;

		if (!o->selected[i] || !w->tp[i])
			continue;
		/* entry first, as for the raw programs */
		snprintf(name, sizeof(name), "sys_enter_%s", mmt_events[i].name);
		l = bpf_program__attach_tracepoint(skel->progs.tp_enter, "syscalls", name);
		if (!l)
			goto fail;
		w->links[w->nlinks++] = l;
		snprintf(name, sizeof(name), "sys_exit_%s", mmt_events[i].name);
		l = bpf_program__attach_tracepoint(skel->progs.tp_exit, "syscalls", name);
		if (!l)
			goto fail;
		w->links[w->nlinks++] = l;
	}
	return 0;
fail:
	mmt_err("failed to attach tracepoint syscalls:%s: %s", name, strerror(errno));
	return -1;
}

int mmt_ways_compat_exec(struct mmt_ways *w, struct mmtrace_bpf *skel, const void *data,
			 size_t len)
{
	struct mmt_compat_exec r;
	/* said once on stderr; every one is counted (--stats) */
	bool first = !w->raw_attached && !w->late_execs;
	__u64 unseen;

	if (len != sizeof(r))
		return 0;
	memcpy(&r, data, sizeof(r));
	/* one that raced with the attach was unseen until it, not after */
	if (w->raw_attached && r.time_ns >= w->attached_ns)
		return 0;
	if (attach_raw(w, skel))
		return -1;
	unseen = w->attached_ns > r.time_ns ? w->attached_ns - r.time_ns : 0;
	w->late_execs++;
	if (unseen > w->window_ns)
		w->window_ns = unseen;
	if (first)
		fprintf(stderr,
			"mmtrace: 32-bit process %u (%.*s) started: the raw syscall hooks were attached %llu us later; its calls before that were not seen\n",
			r.host_tid, (int)sizeof(r.comm), r.comm, (unsigned long long)(unseen / 1000));
	return 0;
}

/* No 32-bit process in compat_procs. */
static bool compat_none(struct mmtrace_bpf *skel)
{
	return __atomic_load_n(&skel->bss->compat_count, __ATOMIC_SEQ_CST) == 0;
}

/*
 * Detach the raw programs if no 32-bit process is left: raw_attached is
 * cleared before the count is looked at again, so a 32-bit program that
 * starts after that look is told by a record (mmt_ways_compat_exec()
 * attaches them again) and one before it is counted.
 */
static void maybe_detach(struct mmt_ways *w, struct mmtrace_bpf *skel)
{
	__u64 now = boot_ns();

	if (now - w->checked_ns < 1000000000ULL)
		return;
	w->checked_ns = now;
	if (skel->bss->compat_untracked || !compat_none(skel))
		return;
	skel->bss->raw_attached = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!compat_none(skel)) {
		skel->bss->raw_attached = 1;
		return;
	}
	detach_raw(w, skel);
}

int mmt_ways_poll(struct mmt_ways *w, struct mmtrace_bpf *skel)
{
	__u64 unsent;

	if (w->mode != MMT_ATTACH_AUTO)
		return 0;
	if (w->raw_attached) {
		if (w->track)
			maybe_detach(w, skel);
		return 0;
	}
	unsent = skel->bss->compat_exec_unsent;
	if (unsent == w->unsent_seen)
		return 0;
	/* the time of these execs is unknown: counted, window not */
	w->late_execs += unsent - w->unsent_seen;
	w->unsent_seen = unsent;
	fprintf(stderr,
		"mmtrace: a 32-bit process started: the raw syscall hooks were attached late; its first calls were not seen\n");
	return attach_raw(w, skel);
}

const char *mmt_ways_name(const struct mmt_ways *w)
{
	bool tp = false;

	for (int i = 0; i < MMT_EV_COUNT; i++)
		tp |= w->tp[i];
	if (w->mode == MMT_ATTACH_RAW || !tp)
		return w->raw_attached ? "raw" : "none";
	return w->raw_attached ? "syscall+raw" : "syscall";
}

/*
 * The kernel's last release of a syscall tracepoint's perf event waits for
 * grace periods under its event mutex (45-90 ms each here; threads do not
 * overlap them): with six syscalls, mmtrace took over a second to exit, and
 * top paused as long on 'c'. So a short-lived child holds the links while
 * this process detaches them: each is disabled at once (its program no
 * longer runs), and the waiting happens when the child exits, in the
 * kernel, after this process has gone on. The child holds nothing else,
 * ignores signals and is reaped by whoever inherits it. Without a child
 * (fork failed), the waiting happens here, as before.
 */
static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static pid_t release_later(const struct mmt_ways *w, int *go)
{
	int keep[2 * MMT_EV_COUNT + 1], n = 0, pipefd[2];
	struct sigaction ign = { .sa_handler = SIG_IGN };
	unsigned int lo = 0;
	char byte;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC))
		return -1;
	for (int i = 0; i < w->nlinks; i++) {
		int fd = bpf_link__fd(w->links[i]);

		if (fd >= 0)
			keep[n++] = fd;
	}
	keep[n++] = pipefd[0];
	qsort(keep, n, sizeof(keep[0]), cmp_int);
	pid = fork();
	if (pid) {
		close(pipefd[0]);
		if (pid < 0)
			close(pipefd[1]);
		else
			*go = pipefd[1];
		return pid;
	}
	/* the child: async-signal-safe calls only */
	sigaction(SIGINT, &ign, NULL);
	sigaction(SIGTERM, &ign, NULL);
	sigaction(SIGHUP, &ign, NULL);
	sigaction(SIGPIPE, &ign, NULL);
	for (int i = 0; i < n; i++) {
		if ((unsigned int)keep[i] > lo)
			close_range(lo, keep[i] - 1, 0);
		lo = keep[i] + 1;
	}
	close_range(lo, ~0U, 0);
	/* until the parent has detached every link (its end closes) */
	while (read(pipefd[0], &byte, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

void mmt_ways_detach(struct mmt_ways *w)
{
	int go = -1;

	if (!w->nlinks)
		return;
	release_later(w, &go);
	for (int i = 0; i < w->nlinks; i++)
		bpf_link__destroy(w->links[i]);
	w->nlinks = 0;
	if (go >= 0)
		close(go); /* the child exits: the kernel's waiting is its */
}
