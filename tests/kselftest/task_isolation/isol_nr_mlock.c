// SPDX-License-Identifier: GPL-2.0
/*
 * An unmodified program, as far as task isolation goes (no prctl): pins
 * itself to the isolated CPU, reads nr_mlock from /proc/vmstat, mlocks
 * PAGES pages, reads it again and prints
 *   nr_mlock before=B after=A delta=D
 * On the isolated CPU nothing folds the per-CPU vmstat differentials, so
 * delta is 0, unless the program runs under "chisol -q vmstat_sync -a",
 * whose quiescing folds them on the return of every system call: then
 * delta is PAGES. chisol_test.sh checks both.
 */
#include "isol_trace.h"

int main(void)
{
	int cpu = isol_isolated_cpu();
	long before, after;
	void *p;

	page_size = sysconf(_SC_PAGESIZE);
	if (cpu < 0) {
		/* chisol_test.sh skips on "sched_setaffinity" in the message. */
		fprintf(stderr, "isol_nr_mlock: sched_setaffinity not attempted: %s\n",
			ISOL_NO_ISOLATED_CPU);
		return 1;
	}
	if (pin_to_cpu(cpu)) {
		perror("isol_nr_mlock: sched_setaffinity");
		return 1;
	}
	before = vmstat_read("nr_mlock");
	p = mlock_pages();
	if (!p) {
		perror("isol_nr_mlock: mlock");
		return 1;
	}
	after = vmstat_read("nr_mlock");
	unlock_pages(p);
	if (before < 0 || after < 0) {
		fprintf(stderr, "isol_nr_mlock: no nr_mlock in /proc/vmstat\n");
		return 1;
	}
	printf("nr_mlock before=%ld after=%ld delta=%ld\n", before, after,
	       after - before);
	return 0;
}
