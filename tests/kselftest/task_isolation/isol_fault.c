// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation failures, injected with failslab and the per-task fail-nth
 * file (Documentation/fault-injection/fault-injection.rst): writing N to
 * /proc/thread-self/fail-nth makes the N-th slab allocation of the calling
 * thread fail.
 *
 *  - PR_ISOL_CFG_SET's only allocation fails: ENOMEM, and no state; the
 *    first CFG_SET of either feature (quiesce, notify) allocates it.
 *  - fork() of a task with inherited state, failing at each of its
 *    allocations in turn: every failure unwinds without touching the
 *    parent's state, and the first fork that does not consume the fault
 *    gives a child with the inherited state.
 */
#include "isol_common.h"
#include <signal.h>
#include <sys/wait.h>
#include "../kselftest_harness.h"

#define FAILSLAB	"/sys/kernel/debug/failslab/"
#define FAIL_NTH	"/proc/thread-self/fail-nth"

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -EIO;
}

/*
 * Arming and disarming go through the fail-nth file opened in the fixture:
 * opening it again would allocate, and so consume the fault.
 */

/* Makes the @n-th slab allocation of this thread fail. */
static int arm(int fd, int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", n);

	return pwrite(fd, buf, len, 0) == len ? 0 : -1;
}

/* Disarms; returns how many allocations were still to go (0: consumed). */
static long disarm(int fd)
{
	char buf[16] = "";
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (pwrite(fd, "0", 1, 0) != 1 || n <= 0)
		return -1;
	return atol(buf);
}

FIXTURE(fault) {
	int nth;	/* open fail-nth: arming it must not allocate */
};

FIXTURE_SETUP(fault)
{
	if (access(FAILSLAB "ignore-gfp-wait", W_OK))
		SKIP(return, "no " FAILSLAB ": needs CONFIG_FAILSLAB, CONFIG_FAULT_INJECTION_DEBUG_FS and debugfs");
	/* GFP_KERNEL allocations may reclaim: fail them too, quietly. */
	ASSERT_EQ(0, write_file(FAILSLAB "ignore-gfp-wait", "N"));
	ASSERT_EQ(0, write_file(FAILSLAB "verbose", "0"));
	self->nth = open(FAIL_NTH, O_RDWR);
	ASSERT_LE(0, self->nth);
}

FIXTURE_TEARDOWN(fault)
{
	if (self->nth >= 0) {
		disarm(self->nth);
		close(self->nth);
	}
}

TEST_F(fault, cfg_set_enomem_changes_nothing)
{
	struct isol_state s;
	int ret, err;

	ASSERT_EQ(0, arm(self->nth, 1));
	ret = isol_set_quiesce(ISOL_F_QUIESCE_VMSTATS);
	err = errno;
	EXPECT_EQ(0, disarm(self->nth));
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(ENOMEM, err);
	ASSERT_EQ(0, isol_get_state(&s));
	EXPECT_EQ(0, s.configured | s.quiesce_mask | s.inherit_mask | s.active);

	/* Without the fault it works. */
	ASSERT_EQ(0, isol_set_quiesce(ISOL_F_QUIESCE_VMSTATS));
	ASSERT_EQ(0, isol_get_state(&s));
	EXPECT_EQ(ISOL_F_QUIESCE_VMSTATS, s.quiesce_mask);
}

/* ISOL_F_NOTIFY's CFG_SET allocates the state just the same. */
TEST_F(fault, cfg_set_notify_enomem_changes_nothing)
{
	struct isol_state s;
	int ret, err;

	ASSERT_EQ(0, arm(self->nth, 1));
	ret = isol_cfg_notify(ISOL_NOTIFY_EXCEPTION, SIGUSR1);
	err = errno;
	EXPECT_EQ(0, disarm(self->nth));
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(ENOMEM, err);
	ASSERT_EQ(0, isol_get_state(&s));
	EXPECT_EQ(0, s.configured | s.quiesce_mask | s.inherit_mask | s.active |
		     s.notify_mask | s.notify_signo);

	/* Without the fault it works. */
	ASSERT_EQ(0, isol_cfg_notify(ISOL_NOTIFY_EXCEPTION, SIGUSR1));
	ASSERT_EQ(0, isol_get_state(&s));
	EXPECT_EQ(ISOL_F_NOTIFY, s.configured);
	EXPECT_EQ(ISOL_NOTIFY_EXCEPTION, s.notify_mask);
	EXPECT_EQ(SIGUSR1, s.notify_signo);
}

/* Once a task has state, reconfiguring it allocates nothing. */
TEST_F(fault, reconfiguring_does_not_allocate)
{
	ASSERT_EQ(0, isol_set_quiesce(ISOL_F_QUIESCE_VMSTATS));
	ASSERT_EQ(0, arm(self->nth, 1));
	EXPECT_EQ(0, isol_set_inherit(ISOL_INHERIT_CONF));
	EXPECT_EQ(0, isol_activate(ISOL_F_QUIESCE));
	EXPECT_EQ(0, isol_activate(0));
	EXPECT_EQ(1, disarm(self->nth));
}

/* ... nor configuring, activating and deactivating notify (signo 0). */
TEST_F(fault, reconfiguring_notify_does_not_allocate)
{
	ASSERT_EQ(0, isol_set_quiesce(ISOL_F_QUIESCE_VMSTATS));
	ASSERT_EQ(0, arm(self->nth, 1));
	EXPECT_EQ(0, isol_cfg_notify(ISOL_NOTIFY_EXCEPTION, 0));
	EXPECT_EQ(0, isol_cfg_notify(ISOL_NOTIFY_EXCEPTION | ISOL_NOTIFY_INTERRUPT, 0));
	EXPECT_EQ(0, isol_activate(ISOL_F_QUIESCE | ISOL_F_NOTIFY));
	EXPECT_EQ(0, isol_activate(0));
	EXPECT_EQ(0, isol_cfg_notify(0, 0));
	EXPECT_EQ(1, disarm(self->nth));
}

/*
 * fork() of a task with inherited active state, failing at its n-th
 * allocation for n = 1, 2, ...: ENOMEM and the parent's state unchanged,
 * or a child with the inherited state.
 */
static void fork_at_every_allocation(struct __test_metadata *_metadata, int nth)
{
	struct isol_state before, now;
	int n, err, failed = 0, status;
	long left = 0;
	pid_t pid;

	ASSERT_EQ(0, isol_get_state(&before));

	for (n = 1; n < 1000; n++) {
		ASSERT_EQ(0, arm(nth, n));
		pid = fork();
		err = errno;
		if (!pid) {
			struct isol_state s;

			_exit(isol_get_state(&s) || !isol_state_eq(&before, &s));
		}
		left = disarm(nth);
		if (pid < 0) {
			failed++;
			ASSERT_EQ(ENOMEM, err) {
				TH_LOG("fork failing at allocation %d: %s", n, strerror(err));
			}
		} else {
			ASSERT_EQ(pid, waitpid(pid, &status, 0));
			/* A child that got this far has the inherited state. */
			EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
		}
		ASSERT_EQ(0, isol_get_state(&now));
		ASSERT_TRUE(isol_state_eq(&before, &now));
		if (left > 0)
			break;	/* fork made fewer than n allocations */
	}
	TH_LOG("fork made %d slab allocations, %d of whose failures failed fork", n - 1, failed);
	EXPECT_GT(left, 0);
	EXPECT_GT(failed, 0);
}

TEST_F(fault, fork_fails_cleanly_at_every_allocation)
{
	ASSERT_EQ(0, isol_set_quiesce(ISOL_F_QUIESCE_VMSTATS));
	ASSERT_EQ(0, isol_set_inherit(ISOL_INHERIT_CONF | ISOL_INHERIT_ACTIVE));
	ASSERT_EQ(0, isol_activate(ISOL_F_QUIESCE));
	fork_at_every_allocation(_metadata, self->nth);
}

/* The same with notify active too (count only: signo 0), every event. */
TEST_F(fault, fork_with_notify_fails_cleanly_at_every_allocation)
{
	ASSERT_EQ(0, isol_set_quiesce(ISOL_F_QUIESCE_VMSTATS));
	ASSERT_EQ(0, isol_cfg_notify(ISOL_NOTIFY_EVENTS, 0));
	ASSERT_EQ(0, isol_set_inherit(ISOL_INHERIT_CONF | ISOL_INHERIT_ACTIVE));
	ASSERT_EQ(0, isol_activate(ISOL_F_QUIESCE | ISOL_F_NOTIFY));
	fork_at_every_allocation(_metadata, self->nth);
}

TEST_HARNESS_MAIN
