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
 *
 * Other CPUs fold their own differentials into the same global counter
 * once a second (vmstat_update): after a test that munlocked memory
 * there, such a fold can land between the two reads. So the program
 * first waits until the counter has held still for more than a second,
 * after a warm-up that drains what earlier programs left in this CPU's
 * mlock batch.
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
	/*
	 * Warm up: mlock and munlock the pages once. An earlier program that
	 * exited on this CPU left its munlocked folios in this CPU's mlock
	 * batch, where nr_mlock does not count them yet; mlock() drains that
	 * batch first (lru_add_drain()), so the measured call would also
	 * count them (seen: before=20 after=4). The warm-up drains them and
	 * nets 0 itself.
	 */
	p = mlock_pages();
	if (!p) {
		perror("isol_nr_mlock: mlock");
		return 1;
	}
	unlock_pages(p);
	/*
	 * Settle: the same value twice, 1.2 s apart (at most 10 tries); under
	 * quiescing the warm-up's drain is folded by now, without it stays
	 * per-CPU and out of both reads.
	 */
	before = vmstat_read("nr_mlock");
	for (int i = 0; i < 10; i++) {
		long again;

		usleep(1200 * 1000);
		again = vmstat_read("nr_mlock");
		if (again == before)
			break;
		before = again;
	}
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
