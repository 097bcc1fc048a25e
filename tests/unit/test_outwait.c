// SPDX-License-Identifier: GPL-2.0
/*
 * test_outwait.c - a write to a pipe nobody reads waits in slices and asks
 * whether to give up, so a signal is honoured; one the reader keeps up
 * with is never cut, whatever give_up would say.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "text/outbuf.h"

static int asked;

static bool give_up_at_third(void *ctx)
{
	(void)ctx;
	return ++asked >= 3;
}

static void test_blocked_pipe_gives_up(void **state)
{
	struct outbuf ob;
	int fds[2];
	size_t n = 1 << 20; /* far more than a pipe holds */
	char *big = malloc(n);

	(void)state;
	assert_non_null(big);
	memset(big, 'x', n);
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(ob_init(&ob, fds[1], 64), 0);
	ob_set_give_up(&ob, give_up_at_third, NULL);
	assert_true(ob.chunked);
	asked = 0;
	ob_mem(&ob, big, n); /* flushes: blocks, asks, gives up */
	ob_flush(&ob);
	assert_int_equal(ob.err, EINTR);
	assert_int_equal(asked, 3);
	ob_free(&ob);
	close(fds[0]);
	close(fds[1]);
	free(big);
}

static void test_file_is_not_chunked(void **state)
{
	char path[] = "/tmp/mmt-outwait-XXXXXX";
	int fd = mkstemp(path);
	struct outbuf ob;

	(void)state;
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(ob_init(&ob, fd, 64), 0);
	ob_set_give_up(&ob, give_up_at_third, NULL);
	assert_false(ob.chunked);
	asked = 0;
	ob_str(&ob, "a line\n");
	assert_int_equal(ob_flush(&ob), 0);
	assert_int_equal(asked, 0);
	assert_int_equal(lseek(fd, 0, SEEK_END), 7);
	ob_free(&ob);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blocked_pipe_gives_up),
		cmocka_unit_test(test_file_is_not_chunked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
