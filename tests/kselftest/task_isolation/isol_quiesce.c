// SPDX-License-Identifier: GPL-2.0
/*
 * The effect of ISOL_F_QUIESCE_VMSTATS, seen from user space, alone and
 * with ISOL_F_NOTIFY active too (which must not quiesce by itself).
 *
 * The CPUs are the system's (isol_common.h): the first isolated one, and
 * a housekeeping one; CPUs 1 and 2 on the QEMU runner.
 *
 * Visibility: on the isolated CPU nothing folds the per-CPU vmstat
 * differentials (vmstat_shepherd skips isolated CPUs), so after mlock() of
 * a few pages nr_mlock in /proc/vmstat only moves if the syscall's return
 * folded them, i.e. if quiescing was active.
 *
 * Interruptions: on a housekeeping CPU the shepherd queues vmstat_update
 * within about a second of a counter change. We dirty counters with
 * syscalls, spin in user space, and count vmstat_update executions on the
 * CPU with the workqueue tracepoint: some without quiescing, none with it.
 */
#include "isol_common.h"
#include <limits.h>
#include "isol_trace.h"
#include "../kselftest_harness.h"

/*
 * Start from folded counters on this CPU: a one-shot activation quiesces
 * on its own return, then deactivate (which does not quiesce).
 */
static int fold_now(void)
{
	if (isol_set_quiesce(ISOL_F_QUIESCE_VMSTATS) ||
	    isol_activate_oneshot(ISOL_F_QUIESCE, ISOL_F_QUIESCE_VMSTATS))
		return -1;
	return isol_activate(0);
}

FIXTURE(isolated_cpu) {
	long before;
};

FIXTURE_SETUP(isolated_cpu)
{
	int cpu = isol_isolated_cpu();

	page_size = sysconf(_SC_PAGESIZE);
	if (cpu < 0)
		SKIP(return, ISOL_NO_ISOLATED_CPU);
	if (pin_to_cpu(cpu))
		SKIP(return, "cannot run on the isolated CPU %d", cpu);
	ASSERT_EQ(0, fold_now());
	self->before = vmstat_read("nr_mlock");
	ASSERT_GE(self->before, 0);
}

FIXTURE_TEARDOWN(isolated_cpu)
{
}

TEST_F(isolated_cpu, inactive_change_stays_per_cpu)
{
	void *p = mlock_pages();

	ASSERT_NE(NULL, p);
	EXPECT_EQ(self->before, vmstat_read("nr_mlock"));
	/* Still invisible a while later: nothing folds on this CPU. */
	usleep(1500 * 1000);
	EXPECT_EQ(self->before, vmstat_read("nr_mlock"));
	unlock_pages(p);
}

TEST_F(isolated_cpu, active_change_is_folded_on_return)
{
	void *p;

	ASSERT_EQ(0, isol_activate(ISOL_F_QUIESCE));
	ASSERT_EQ(self->before, vmstat_read("nr_mlock"));
	p = mlock_pages();
	ASSERT_NE(NULL, p);
	EXPECT_EQ(self->before + PAGES, vmstat_read("nr_mlock"));
	unlock_pages(p);
	EXPECT_EQ(self->before, vmstat_read("nr_mlock"));
}

TEST_F(isolated_cpu, oneshot_quiesces_the_activating_call_only)
{
	void *p;

	ASSERT_EQ(0, isol_activate_oneshot(ISOL_F_QUIESCE, ISOL_F_QUIESCE_VMSTATS));
	p = mlock_pages();
	ASSERT_NE(NULL, p);
	EXPECT_EQ(self->before, vmstat_read("nr_mlock"));

	/* Re-activating without ctl clears the one-shot mask. */
	ASSERT_EQ(0, isol_activate(ISOL_F_QUIESCE));
	EXPECT_EQ(self->before + PAGES, vmstat_read("nr_mlock"));
	unlock_pages(p);
	EXPECT_EQ(self->before, vmstat_read("nr_mlock"));
}

TEST_F(isolated_cpu, deactivation_stops_quiescing)
{
	void *p;

	ASSERT_EQ(0, isol_activate(ISOL_F_QUIESCE));
	ASSERT_EQ(0, isol_activate(0));
	p = mlock_pages();
	ASSERT_NE(NULL, p);
	EXPECT_EQ(self->before, vmstat_read("nr_mlock"));
	unlock_pages(p);
}

TEST_F(isolated_cpu, setting_the_same_mask_while_active_keeps_quiescing)
{
	void *p;

	ASSERT_EQ(0, isol_activate(ISOL_F_QUIESCE));
	/* Re-setting the same quiesce mask while active keeps quiescing. */
	ASSERT_EQ(0, isol_set_quiesce(ISOL_F_QUIESCE_VMSTATS));
	p = mlock_pages();
	ASSERT_NE(NULL, p);
	EXPECT_EQ(self->before + PAGES, vmstat_read("nr_mlock"));
	unlock_pages(p);
}

/*
 * ISOL_F_NOTIFY is no quiescing: active alone, it folds nothing; active
 * with ISOL_F_QUIESCE, quiescing works as without it (every event,
 * count only: each of these system calls and faults is also a break).
 */
TEST_F(isolated_cpu, notify_alone_does_not_quiesce)
{
	void *p;

	ASSERT_EQ(0, isol_cfg_notify(ISOL_NOTIFY_EVENTS, 0));
	ASSERT_EQ(0, isol_activate(ISOL_F_NOTIFY));
	p = mlock_pages();
	ASSERT_NE(NULL, p);
	EXPECT_EQ(self->before, vmstat_read("nr_mlock"));
	ASSERT_EQ(0, isol_activate(0));
	unlock_pages(p);
}

TEST_F(isolated_cpu, quiescing_with_notify_active)
{
	void *p;

	ASSERT_EQ(0, isol_cfg_notify(ISOL_NOTIFY_EVENTS, 0));
	ASSERT_EQ(0, isol_activate(ISOL_F_QUIESCE | ISOL_F_NOTIFY));
	ASSERT_EQ(self->before, vmstat_read("nr_mlock"));
	p = mlock_pages();
	ASSERT_NE(NULL, p);
	EXPECT_EQ(self->before + PAGES, vmstat_read("nr_mlock"));
	unlock_pages(p);
	EXPECT_EQ(self->before, vmstat_read("nr_mlock"));

	/* Notify off, quiescing on: still folds. */
	ASSERT_EQ(0, isol_activate(ISOL_F_QUIESCE));
	p = mlock_pages();
	ASSERT_NE(NULL, p);
	EXPECT_EQ(self->before + PAGES, vmstat_read("nr_mlock"));
	unlock_pages(p);
	EXPECT_EQ(self->before, vmstat_read("nr_mlock"));

	/* Quiescing off, notify on: nothing folds any more. */
	ASSERT_EQ(0, isol_activate(ISOL_F_NOTIFY));
	p = mlock_pages();
	ASSERT_NE(NULL, p);
	EXPECT_EQ(self->before, vmstat_read("nr_mlock"));
	ASSERT_EQ(0, isol_activate(0));
	unlock_pages(p);
}

/*
 * Changing quiesce_mask while active takes effect at the next return to
 * user space, the CFG_SET's own (SPEC section 4). A change needs two
 * quiesce bits: the task stays active throughout, with ISOL_F_QUIESCE_LRU
 * alone, then with the vmstat bit added, then removed again.
 */
TEST_F(isolated_cpu, mask_change_while_active_applies_at_next_return)
{
	void *p;

	if (!(isol_supported_quiesce_bits() & ISOL_F_QUIESCE_LRU))
		SKIP(return, "needs a second quiesce bit (ISOL_F_QUIESCE_LRU, not supported by this kernel)");
	ASSERT_EQ(0, isol_set_quiesce(ISOL_F_QUIESCE_LRU));
	ASSERT_EQ(0, isol_activate(ISOL_F_QUIESCE));
	p = mlock_pages();
	ASSERT_NE(NULL, p);
	/* Active, but the vmstat bit is not in the mask: nothing folds. */
	EXPECT_EQ(self->before, vmstat_read("nr_mlock"));

	/* Added while active: the CFG_SET's own return folds. */
	ASSERT_EQ(0, isol_set_quiesce(ISOL_F_QUIESCE_LRU | ISOL_F_QUIESCE_VMSTATS));
	EXPECT_EQ(self->before + PAGES, vmstat_read("nr_mlock"));
	unlock_pages(p);
	EXPECT_EQ(self->before, vmstat_read("nr_mlock"));

	/* Removed while active: from the CFG_SET's return on, nothing folds. */
	ASSERT_EQ(0, isol_set_quiesce(ISOL_F_QUIESCE_LRU));
	p = mlock_pages();
	ASSERT_NE(NULL, p);
	EXPECT_EQ(self->before, vmstat_read("nr_mlock"));
	unlock_pages(p);
}

/*
 * Node counters too: PAGES pages written to a new tmpfs file raise
 * nr_shmem, a node stat (nr_mlock above is a zone stat).
 */
static int write_shmem_pages(const char *path)
{
	char buf[4096];
	int fd, i, ok = 1;

	memset(buf, 'x', sizeof(buf));
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	if (fd < 0)
		return -1;
	for (i = 0; i < PAGES; i++)
		ok &= write(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf);
	close(fd);
	return ok ? 0 : -1;
}

/*
 * How much nr_shmem, as /proc/vmstat shows it, moves while PAGES pages are
 * written to a new tmpfs file on this CPU. nr_shmem is global: first fold
 * every CPU's pending differentials (stat_refresh), so that the shepherd
 * folding another CPU's earlier changes cannot move it meanwhile.
 */
static int shmem_delta(long *delta)
{
	static const char path[] = "/tmp/isol_quiesce_shmem";
	long before, after;

	if (write_str("/proc/sys/vm/stat_refresh", "1"))
		return -1;
	before = vmstat_read("nr_shmem");
	if (before < 0 || write_shmem_pages(path))
		return -1;
	after = vmstat_read("nr_shmem");
	/* Truncation may free a folio later: the next attempt refreshes. */
	unlink(path);
	*delta = after - before;
	return 0;
}

/*
 * Other tasks' tmpfs activity, a deferred folio free of an earlier file,
 * can still move the global count by a page: a few attempts, one of which
 * must see exactly the expected change (a missing fold gives 0 every time).
 */
static long shmem_delta_expect(struct __test_metadata *_metadata, long want)
{
	long delta = LONG_MIN;
	int i;

	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, shmem_delta(&delta));
		if (delta == want)
			break;
		TH_LOG("attempt %d: nr_shmem moved by %ld, expected %ld", i + 1, delta, want);
	}
	return delta;
}

TEST_F(isolated_cpu, node_counters_are_folded_too)
{
	if (page_size != 4096)
		SKIP(return, "needs 4 KiB pages");
	ASSERT_EQ(0, isol_activate(ISOL_F_QUIESCE));
	EXPECT_EQ(PAGES, shmem_delta_expect(_metadata, PAGES));
}

TEST_F(isolated_cpu, node_counters_stay_per_cpu_when_inactive)
{
	if (page_size != 4096)
		SKIP(return, "needs 4 KiB pages");
	EXPECT_EQ(0, shmem_delta_expect(_metadata, 0));
}

/* ---- vmstat_update interruptions on a housekeeping CPU ---- */

FIXTURE(housekeeping_cpu) {
	int cpu;
};

FIXTURE_SETUP(housekeeping_cpu)
{
	page_size = sysconf(_SC_PAGESIZE);
	self->cpu = isol_housekeeping_cpu();
	if (self->cpu < 0)
		SKIP(return, ISOL_NO_HOUSEKEEPING_CPU);
	if (access(TRACING "trace_marker", W_OK))
		SKIP(return, "tracefs not mounted at " TRACING);
	if (pin_to_cpu(self->cpu))
		SKIP(return, "cannot run on CPU %d", self->cpu);
	ASSERT_EQ(0, tracing_start());
	/* Let work armed by earlier activity run out. */
	sleep(3);
}

FIXTURE_TEARDOWN(housekeeping_cpu)
{
	tracing_stop();
}

TEST_F(housekeeping_cpu, vmstat_update_interrupts_without_quiescing)
{
	int n = dirty_then_spin(self->cpu, 4, "off");

	TH_LOG("vmstat_update on CPU %d without quiescing: %d", self->cpu, n);
	ASSERT_GE(n, 0);
	EXPECT_GE(n, 1);
}

TEST_F(housekeeping_cpu, vmstat_update_never_runs_with_quiescing)
{
	int n;

	ASSERT_EQ(0, isol_set_quiesce(ISOL_F_QUIESCE_VMSTATS));
	ASSERT_EQ(0, isol_activate(ISOL_F_QUIESCE));
	n = dirty_then_spin(self->cpu, 4, "on");
	TH_LOG("vmstat_update on CPU %d with quiescing: %d", self->cpu, n);
	ASSERT_GE(n, 0);
	EXPECT_EQ(0, n);
}

TEST_HARNESS_MAIN
