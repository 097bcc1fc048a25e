// SPDX-License-Identifier: GPL-2.0
/*
 * placement_load.c - a workload with a known residency for the --placement
 * tests: set_mempolicy(MPOL_PREFERRED, {0}), then N anonymous pages mapped
 * with MAP_POPULATE, then mbind(MPOL_BIND, {0}, MPOL_MF_MOVE) on them. It
 * says "ready PID" on stderr and waits for a line on stdin before it exits,
 * so that a test can read its numa_maps while its memory is mapped.
 */
#include <numaif.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long pages = argc > 1 ? atol(argv[1]) : 4096, psz = sysconf(_SC_PAGESIZE);
	unsigned long node0 = 1;
	char line[16];
	char *p;

	if (pages <= 0)
		return 2;
	if (syscall(SYS_set_mempolicy, MPOL_PREFERRED, &node0, 64))
		perror("set_mempolicy");
	p = mmap(NULL, pages * psz, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	/* no huge pages: the count in numa_maps stays one per base page */
	madvise(p, pages * psz, MADV_NOHUGEPAGE);
	if (syscall(SYS_mbind, p, pages * psz, MPOL_BIND, &node0, 64, MPOL_MF_MOVE))
		perror("mbind");
	fprintf(stderr, "ready %d %p\n", getpid(), (void *)p);
	/* read(), not stdio: no buffer is allocated while the test looks */
	if (read(0, line, sizeof(line)) <= 0)
		line[0] = '\0';
	p[0] = line[0];
	return 0;
}
