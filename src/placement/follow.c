// SPDX-License-Identifier: GPL-2.0
/*
 * follow.c - the follower thread of --placement: the ptrace side.
 *
 * One thread is the tracer of the command and, with descendants, of every
 * process and thread the command creates (auto-attached by the kernel at
 * fork, vfork and clone). It blocks in waitpid() for their stops and serves
 * each at once: the caller's callback (a sample, while the process cannot
 * change), then PTRACE_CONT with the stop's signal. A timer wakes it every
 * TICK_NS to take the interval samples and to see a stop request. No other
 * thread of mmtrace waits for the command while the follower runs: its exit
 * status is kept for the main loop. When the thread ends, the kernel
 * detaches every tracee: each runs on as if never attached.
 */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "placement/follow.h"
#include "placement/pidmap.h"

#define TICK_NS 100000000ULL /* the timer: stop requests and intervals */
#define NAP_NS 10000000L     /* without the timer: a look every 10 ms */
#define PF_EXITING 0x4	     /* include/linux/sched.h: task->flags */

/* A task's entry in tasks: its tgid (0: unknown), whether its first stop
 * came (an auto-attached task first stops before it runs), whether it
 * reached its exit stop, and whether its creator's fork/vfork/clone event
 * named it (the task may come first, and even end first). */
#define ENTRY(tgid, stopped) ((int)((unsigned int)(tgid) << 3) | ((stopped) ? 1 : 0))
#define ENTRY_TGID(v) ((pid_t)((unsigned int)(v) >> 3))
#define ENTRY_STOPPED(v) ((v)&1)
#define ENTRY_EXITING 2
#define ENTRY_NAMED 4

struct mmt_follow {
	pthread_t thread;
	pid_t child;
	bool descendants;
	__u64 interval_ns;
	const struct mmt_follow_ops *ops;
	void *ctx;
	sem_t ready; /* the follower attached (or failed to) */
	bool attached;
	bool timer_on; /* else the follower naps NAP_NS between looks */
	atomic_int stop;
	atomic_int reaped; /* the command's status is in status */
	int status;
	struct mmt_pidmap tasks; /* every task followed: tid -> ENTRY() */
	struct mmt_pidmap ended; /* processes whose exit was called back */
	/* tasks reaped before their creator's event named them: that event
	 * must not take them for new ones */
	struct mmt_pidmap early;
	struct mmt_follow_stats st;
	struct sigaction old_urg;
};

static void on_tick_signal(int sig)
{
	(void)sig; /* only to cut waitpid() short */
}

static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Read a small /proc file into buf (NUL-terminated): its length, or -1. */
static ssize_t read_small(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	do
		n = read(fd, buf, size - 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/* The value after "key" on a line of /proc/ID/status, or NULL. */
static const char *status_field(const char *text, const char *key)
{
	size_t n = strlen(key);
	const char *l = text;

	while (l && *l) {
		if (!strncmp(l, key, n))
			return l + n;
		l = strchr(l, '\n');
		if (l)
			l++;
	}
	return NULL;
}

/* The thread group of a task, or 0 when it cannot be read (gone). */
static pid_t tgid_of(pid_t tid)
{
	char path[64], text[2048];
	const char *v;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	if (read_small(path, text, sizeof(text)) <= 0)
		return 0;
	v = status_field(text, "Tgid:");
	return v ? (pid_t)strtol(v, NULL, 10) : 0;
}

/*
 * Is a thread of tgid ending: gone, a zombie, at its exit stop (seen here),
 * past exit_signals() (PF_EXITING), or with SIGKILL pending (a group exit
 * sends it to every thread but its caller: zap_other_threads())? A thread
 * followed here stops at its exit before PF_EXITING: its status is enough.
 */
static bool thread_ending(struct mmt_follow *f, pid_t tgid, pid_t tid)
{
	char path[64], text[2048];
	const char *p;
	bool traced;
	int v;

	traced = mmt_pidmap_get(&f->tasks, tid, &v);
	if (traced && (v & ENTRY_EXITING))
		return true;
	if (!traced) {
		unsigned long flags = 0;

		snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)tgid, (int)tid);
		if (read_small(path, text, sizeof(text)) <= 0)
			return true;
		p = strrchr(text, ')'); /* after the name, which may hold anything */
		/* fields after the state: ppid pgrp session tty_nr tpgid flags */
		if (p && sscanf(p + 2, " %*c %*d %*d %*d %*d %*d %lu", &flags) == 1 &&
		    (flags & PF_EXITING))
			return true;
	}
	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", (int)tgid, (int)tid);
	if (read_small(path, text, sizeof(text)) <= 0)
		return true;
	p = status_field(text, "State:");
	while (p && (*p == ' ' || *p == '\t'))
		p++;
	if (!p || *p == 'Z' || *p == 'X' || *p == 'x')
		return true;
	p = status_field(text, "SigPnd:");
	return p && (strtoull(p, NULL, 16) & (1ULL << (SIGKILL - 1)));
}

/*
 * A thread of tgid is at its exit stop: does the process end with it
 * (exit, exit_group, a fatal signal), or does that thread end alone
 * (pthread_exit, even the leader's)? The process ends when every other
 * thread is ending too. A running leader says no at once: a thread pool's
 * exits cost one look each.
 */
static bool process_ending(struct mmt_follow *f, pid_t tgid, pid_t tid)
{
	char path[64];
	struct dirent *d;
	bool ending = true;
	DIR *dir;

	if (tid != tgid && !thread_ending(f, tgid, tgid))
		return false;
	snprintf(path, sizeof(path), "/proc/%d/task", (int)tgid);
	dir = opendir(path);
	if (!dir)
		return true;
	while (ending && (d = readdir(dir))) {
		pid_t other = (pid_t)strtol(d->d_name, NULL, 10);

		if (other > 0 && other != tid && other != tgid)
			ending = thread_ending(f, tgid, other);
	}
	closedir(dir);
	return ending;
}

static void resume(pid_t tid, int sig)
{
	/* ESRCH: killed meanwhile (SIGKILL ends a stop); nothing to do */
	ptrace(PTRACE_CONT, tid, NULL, (void *)(long)sig);
}

/* A task not seen before: a new process (called back) or thread. Its
 * creator's thread group when known (ptgid > 0): a thread of it is in its
 * task folder, a cheaper look than its status. */
static void new_task(struct mmt_follow *f, pid_t tid, bool is_process, pid_t ptgid)
{
	char path[64];
	pid_t tgid = tid;

	if (!is_process) {
		snprintf(path, sizeof(path), "/proc/%d/task/%d", (int)ptgid, (int)tid);
		tgid = ptgid > 0 && !access(path, F_OK) ? ptgid : tgid_of(tid);
	}

	if (mmt_pidmap_put(&f->tasks, tid, ENTRY(tgid, 0))) {
		/* out of memory: it is resumed and served, not sampled */
		return;
	}
	if (tgid == tid) {
		f->st.processes++;
		f->ops->process_new(f->ctx, tid);
	} else if (tgid) {
		f->st.threads++;
	}
}

static void on_exit_status(struct mmt_follow *f, pid_t pid, int status)
{
	int v = 0;
	bool known = mmt_pidmap_get(&f->tasks, pid, &v);

	if (pid == f->child) {
		f->status = status;
		atomic_store(&f->reaped, 1);
	}
	if (!known) {
		if (pid != f->child)
			f->st.unseen++;
		return;
	}
	mmt_pidmap_del(&f->tasks, pid);
	if (!(v & ENTRY_NAMED))
		mmt_pidmap_put(&f->early, pid, 1);
	if (ENTRY_TGID(v) == pid) {
		mmt_pidmap_del(&f->ended, pid);
		f->ops->process_gone(f->ctx, pid, status);
	} else if (!ENTRY_TGID(v)) {
		f->st.unseen++; /* gone before its thread group could be read */
	}
}

static void on_stop(struct mmt_follow *f, pid_t tid, int status)
{
	int event = status >> 16, sig = WSTOPSIG(status), v = 0;
	unsigned long msg = 0;
	pid_t tgid;

	if (!mmt_pidmap_get(&f->tasks, tid, &v)) {
		/* a new task in its first stop, before its creator's event */
		new_task(f, tid, false, 0);
		if (!mmt_pidmap_get(&f->tasks, tid, &v))
			v = ENTRY(tid, 1);
	}
	if (!ENTRY_STOPPED(v)) {
		v |= 1;
		mmt_pidmap_put(&f->tasks, tid, v);
		if (event == PTRACE_EVENT_STOP) {
			resume(tid, 0); /* the stop an auto-attached task starts with */
			return;
		}
	}
	tgid = ENTRY_TGID(v);
	switch (event) {
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		if (ptrace(PTRACE_GETEVENTMSG, tid, NULL, &msg) || msg == 0) {
			sig = 0;
			break;
		}
		if (mmt_pidmap_get(&f->early, (pid_t)msg, &v)) {
			mmt_pidmap_del(&f->early, (pid_t)msg); /* seen, and gone */
		} else {
			if (!mmt_pidmap_get(&f->tasks, (pid_t)msg, &v))
				new_task(f, (pid_t)msg, event != PTRACE_EVENT_CLONE, tgid);
			if (mmt_pidmap_get(&f->tasks, (pid_t)msg, &v))
				mmt_pidmap_put(&f->tasks, (pid_t)msg, v | ENTRY_NAMED);
		}
		sig = 0;
		break;
	case PTRACE_EVENT_EXEC:
		/* a thread that exec'd took the leader's id: its own is gone */
		if (!ptrace(PTRACE_GETEVENTMSG, tid, NULL, &msg) && (pid_t)msg != tid)
			mmt_pidmap_del(&f->tasks, (pid_t)msg);
		if (tgid) { /* the leader's id now names the thread that exec'd */
			mmt_pidmap_put(&f->tasks, tid, ENTRY(tgid, 1) | ENTRY_NAMED);
			f->ops->process_exec(f->ctx, tgid);
		}
		sig = 0;
		break;
	case PTRACE_EVENT_EXIT:
		/* each thread of a group exit stops here: the first that finds
		 * the others ending too calls back, once */
		mmt_pidmap_put(&f->tasks, tid, v | ENTRY_EXITING);
		if (tgid && !mmt_pidmap_get(&f->ended, tgid, &v) && process_ending(f, tgid, tid)) {
			mmt_pidmap_put(&f->ended, tgid, 1);
			f->ops->process_exit(f->ctx, tgid, tid);
		}
		sig = 0;
		break;
	case PTRACE_EVENT_STOP:
		if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
			/* a group stop: leave it stopped, as without a tracer,
			 * and be told when SIGCONT resumes it */
			ptrace(PTRACE_LISTEN, tid, NULL, NULL);
			return;
		}
		sig = 0; /* resumed from a group stop */
		break;
	default:
		break; /* a signal on its way to the task: pass it on */
	}
	resume(tid, sig);
}

/* Serve what the tracees report; block until something does (or the
 * timer rings) when block. */
static void serve(struct mmt_follow *f, bool block)
{
	const struct timespec nap = {.tv_nsec = f->timer_on ? (long)TICK_NS : NAP_NS};
	bool wait = block && f->timer_on; /* else waitpid() could outlive a stop request */

	if (!f->attached) {
		if (block)
			nanosleep(&nap, NULL); /* the tick alone */
		return;
	}
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, __WALL | (wait ? 0 : WNOHANG));

		if (pid > 0) {
			if (WIFSTOPPED(status))
				on_stop(f, pid, status);
			else if (WIFEXITED(status) || WIFSIGNALED(status))
				on_exit_status(f, pid, status);
			block = wait = false;
			continue;
		}
		if (block && ((pid < 0 && errno == ECHILD) || !wait))
			nanosleep(&nap, NULL); /* nothing followed any more, or no timer */
		return;
	}
}

static int start_timer(timer_t *timer)
{
	struct sigevent sev = {.sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGURG};
	struct itimerspec its = {.it_interval = {.tv_nsec = TICK_NS},
				 .it_value = {.tv_nsec = TICK_NS}};

	sev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
	if (timer_create(CLOCK_MONOTONIC, &sev, timer))
		return -1;
	if (timer_settime(*timer, 0, &its, NULL)) {
		timer_delete(*timer);
		return -1;
	}
	return 0;
}

static void *follower(void *arg)
{
	struct mmt_follow *f = arg;
	long opts = PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT;
	bool ticking = false, timer_on;
	__u64 next_tick;
	timer_t timer;
	int cursor = 0;

	timer_on = f->timer_on = !start_timer(&timer);
	if (f->descendants)
		opts |= PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE;
	if (f->child > 0) {
		if (ptrace(PTRACE_SEIZE, f->child, NULL, (void *)opts)) {
			fprintf(stderr,
				"mmtrace: failed to attach to the command for its exit sample: %s "
				"(placement is sampled after exec and while it runs only%s)\n",
				strerror(errno),
				f->descendants ? "; no descendant is sampled" : "");
		} else if (mmt_pidmap_put(&f->tasks, f->child, ENTRY(f->child, 1) | ENTRY_NAMED)) {
			fprintf(stderr, "mmtrace: failed to follow the command: out of memory\n");
			ptrace(PTRACE_DETACH, f->child, NULL, NULL);
		} else {
			f->attached = true;
		}
	}
	if (!timer_on)
		fprintf(stderr,
			"mmtrace: failed to create the placement timer: %s (the "
			"processes followed are looked at every 10 ms instead)\n",
			strerror(errno));
	sem_post(&f->ready);
	next_tick = mono_ns() + f->interval_ns;
	while (!atomic_load(&f->stop)) {
		serve(f, !ticking);
		if (f->interval_ns && mono_ns() >= next_tick) {
			next_tick = mono_ns() + f->interval_ns;
			ticking = true;
			cursor = 0;
		}
		if (ticking && !atomic_load(&f->stop))
			ticking = f->ops->tick(f->ctx, &cursor);
	}
	if (timer_on)
		timer_delete(timer);
	return NULL; /* the kernel detaches every tracee of this thread */
}

struct mmt_follow *mmt_follow_start(pid_t child, bool descendants, __u64 interval_ns,
				    const struct mmt_follow_ops *ops, void *ctx)
{
	struct sigaction urg = {.sa_handler = on_tick_signal}; /* no SA_RESTART */
	struct mmt_follow *f = calloc(1, sizeof(*f));
	int err;

	if (!f) {
		fprintf(stderr, "mmtrace: failed to start following the command: out of memory\n");
		return NULL;
	}
	f->child = child;
	f->descendants = descendants && child > 0;
	f->interval_ns = interval_ns;
	f->ops = ops;
	f->ctx = ctx;
	atomic_init(&f->stop, 0);
	atomic_init(&f->reaped, 0);
	if (sem_init(&f->ready, 0, 0)) {
		fprintf(stderr, "mmtrace: failed to start following the command: %s\n",
			strerror(errno));
		free(f);
		return NULL;
	}
	sigaction(SIGURG, &urg, &f->old_urg);
	err = pthread_create(&f->thread, NULL, follower, f);
	if (err) {
		fprintf(stderr, "mmtrace: failed to start following the command: %s\n",
			strerror(err));
		sigaction(SIGURG, &f->old_urg, NULL);
		sem_destroy(&f->ready);
		free(f);
		return NULL;
	}
	while (sem_wait(&f->ready) && errno == EINTR)
		;
	return f;
}

bool mmt_follow_attached(const struct mmt_follow *f)
{
	return f->attached;
}

bool mmt_follow_reaped(struct mmt_follow *f, int *status)
{
	if (!atomic_load(&f->reaped))
		return false;
	*status = f->status;
	return true;
}

void mmt_follow_stop(struct mmt_follow *f, struct mmt_follow_stats *st)
{
	if (!f)
		return;
	atomic_store(&f->stop, 1);
	pthread_kill(f->thread, SIGURG); /* missed, the timer rings within TICK_NS */
	pthread_join(f->thread, NULL);
	sigaction(SIGURG, &f->old_urg, NULL);
	sem_destroy(&f->ready);
	if (st) {
		*st = f->st;
		st->child_reaped = atomic_load(&f->reaped);
		st->child_status = f->status;
	}
	mmt_pidmap_free(&f->tasks);
	mmt_pidmap_free(&f->ended);
	mmt_pidmap_free(&f->early);
	free(f);
}
