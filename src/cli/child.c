// SPDX-License-Identifier: GPL-2.0
/*
 * child.c - one concern: the traced command's process, from fork to the
 * exit status mmtrace returns for it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cli/child.h"
#include "cli/errors.h"

int mmt_child_start(struct mmt_child *c, char **argv)
{
	int go[2], ready[2];
	char b;

	if (pipe2(go, O_CLOEXEC) || pipe2(ready, O_CLOEXEC)) {
		mmt_err("failed to create a pipe: %s", strerror(errno));
		return -1;
	}
	c->pid = fork();
	if (c->pid < 0) {
		mmt_err("failed to fork: %s", strerror(errno));
		return -1;
	}
	if (c->pid == 0) {
		int err;

		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		close(go[1]);
		close(ready[0]);
		if (read(go[0], &b, 1) != 1)
			_exit(127); /* the tracer gave up */
		execvp(argv[0], argv);
		err = errno;
		if (write(ready[1], &err, sizeof(err)) < 0)
			_exit(127);
		_exit(127);
	}
	close(go[0]);
	close(ready[1]);
	c->go_fd = go[1];
	c->ready_fd = ready[0];
	return 0;
}

int mmt_child_release(struct mmt_child *c, const char *name)
{
	int err = 0;
	ssize_t n;

	if (write(c->go_fd, "g", 1) != 1) {
		mmt_err("failed to start the command: %s", strerror(errno));
		return -1;
	}
	close(c->go_fd);
	c->go_fd = -1;
	do
		n = read(c->ready_fd, &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	close(c->ready_fd);
	c->ready_fd = -1;
	if (n == sizeof(err)) {
		mmt_err("failed to run '%s': %s", name, strerror(err));
		return err == ENOENT ? 127 : 126;
	}
	return 0;
}

bool mmt_child_exited(struct mmt_child *c, int *status)
{
	if (waitpid(c->pid, status, WNOHANG) != c->pid)
		return false;
	c->pid = 0;
	return true;
}

void mmt_child_signal(struct mmt_child *c, int sig)
{
	kill(c->pid, sig);
}

void mmt_child_reap(struct mmt_child *c)
{
	waitpid(c->pid, NULL, 0);
	c->pid = 0;
}

int mmt_child_wait(struct mmt_child *c, int *status, volatile sig_atomic_t *nsignals,
		   volatile sig_atomic_t *last_signal, bool *forwarded)
{
	const struct timespec slice = { .tv_nsec = 50 * 1000 * 1000 };

	while (c->pid > 0) {
		if (mmt_child_exited(c, status))
			return 0;
		if (*nsignals >= 3)
			return -1;
		if (*nsignals && !*forwarded) {
			mmt_child_signal(c, *last_signal);
			*forwarded = true;
		}
		nanosleep(&slice, NULL); /* a signal cuts it short */
	}
	return 0;
}

void mmt_child_abandon(struct mmt_child *c)
{
	/* a command never started exits when its pipe closes; one that runs
	 * is never killed: it goes on, untraced */
	if (c->pid > 0 && c->go_fd >= 0) {
		close(c->go_fd);
		waitpid(c->pid, NULL, 0);
	}
	if (c->ready_fd >= 0)
		close(c->ready_fd);
}

int mmt_child_exit_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}
