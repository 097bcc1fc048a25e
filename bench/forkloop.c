// SPDX-License-Identifier: GPL-2.0
/*
 * forkloop.c - process and thread creation in a loop, for bench/follow_cost:
 *   forkloop fork N     fork() + _exit(0) + waitpid(), N times
 *   forkloop spawn N    fork() + exec /bin/true + waitpid(), N times
 *   forkloop thread N   pthread_create() + pthread_join(), N times
 * Prints "MODE N: US us each" on stderr: the wall time per step.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void *nothing(void *arg)
{
	return arg;
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[2]) : 0;
	double t0;

	if (n <= 0 || (strcmp(argv[1], "fork") && strcmp(argv[1], "spawn") &&
		       strcmp(argv[1], "thread"))) {
		fprintf(stderr, "usage: forkloop fork|spawn|thread N\n");
		return 2;
	}
	t0 = now();
	for (int i = 0; i < n; i++) {
		pthread_t t;
		pid_t p;

		if (!strcmp(argv[1], "thread")) {
			if (pthread_create(&t, NULL, nothing, NULL) || pthread_join(t, NULL))
				return 1;
			continue;
		}
		p = fork();
		if (p < 0)
			return 1;
		if (p == 0) {
			if (argv[1][0] == 's')
				execl("/bin/true", "true", (char *)NULL);
			_exit(0);
		}
		if (waitpid(p, NULL, 0) != p)
			return 1;
	}
	fprintf(stderr, "%s %d: %.1f us each\n", argv[1], n, (now() - t0) / n * 1e6);
	return 0;
}
