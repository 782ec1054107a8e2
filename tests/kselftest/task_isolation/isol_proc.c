// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/<pid>/task_isolation: the state of one task, one "key: value"
 * line per mask, readable by whoever may ptrace-read the task.
 */
#include "isol_common.h"
#include <pthread.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "../kselftest_harness.h"

#define Q	ISOL_F_QUIESCE
#define QV	ISOL_F_QUIESCE_VMSTATS
#define QL	ISOL_F_QUIESCE_LRU

static const char empty_status[] =
	"configured: 0x0\n"
	"quiesce_mask: 0x0\n"
	"active_mask: 0x0\n"
	"oneshot_mask: 0x0\n"
	"inherit_mask: 0x0\n";

static const char active_status[] =
	"configured: 0x1 quiesce\n"
	"quiesce_mask: 0x1 vmstat_sync\n"
	"active_mask: 0x1 quiesce\n"
	"oneshot_mask: 0x0\n"
	"inherit_mask: 0x3 conf,active\n";

/* Reads /proc/<pid>/task_isolation; 0 or -errno. */
static int slurp_pid(pid_t pid, char *buf, size_t size)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/task_isolation", pid);
	return slurp(path, buf, size);
}

FIXTURE(proc) {
	char buf[512];
};

FIXTURE_SETUP(proc)
{
	if (access("/proc/self/task_isolation", F_OK))
		SKIP(return, "no /proc/self/task_isolation: kernel without CONFIG_TASK_ISOLATION");
}

FIXTURE_TEARDOWN(proc)
{
}

TEST_F(proc, own_empty_state)
{
	ASSERT_EQ(0, slurp("/proc/self/task_isolation", self->buf, sizeof(self->buf)));
	EXPECT_STREQ(empty_status, self->buf);
}

TEST_F(proc, own_active_state)
{
	ASSERT_EQ(0, isol_set_quiesce(QV));
	ASSERT_EQ(0, isol_set_inherit(ISOL_INHERIT_CONF | ISOL_INHERIT_ACTIVE));
	ASSERT_EQ(0, isol_activate(Q));
	ASSERT_EQ(0, slurp("/proc/self/task_isolation", self->buf, sizeof(self->buf)));
	EXPECT_STREQ(active_status, self->buf);
}

TEST_F(proc, oneshot_mask_is_shown_until_the_next_activation)
{
	ASSERT_EQ(0, isol_set_quiesce(QV));
	ASSERT_EQ(0, isol_activate_oneshot(Q, QV));
	ASSERT_EQ(0, slurp("/proc/thread-self/task_isolation", self->buf, sizeof(self->buf)));
	EXPECT_NE(NULL, strstr(self->buf, "\noneshot_mask: 0x1 vmstat_sync\n"));
	ASSERT_EQ(0, isol_activate(Q));
	ASSERT_EQ(0, slurp("/proc/thread-self/task_isolation", self->buf, sizeof(self->buf)));
	EXPECT_NE(NULL, strstr(self->buf, "\noneshot_mask: 0x0\n"));
}

/* Each quiesce bit by name: vmstat_sync is bit 0, lru_drain bit 1. */
TEST_F(proc, quiesce_bits_are_named)
{
	static const struct {
		__u64 mask;
		const char *line;
	} cases[] = {
		{ QL, "\nquiesce_mask: 0x2 lru_drain\n" },
		{ QV | QL, "\nquiesce_mask: 0x3 vmstat_sync,lru_drain\n" },
		{ QV, "\nquiesce_mask: 0x1 vmstat_sync\n" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ASSERT_EQ(0, isol_set_quiesce(cases[i].mask));
		ASSERT_EQ(0, slurp("/proc/self/task_isolation", self->buf, sizeof(self->buf)));
		EXPECT_NE(NULL, strstr(self->buf, cases[i].line)) {
			TH_LOG("mask %#llx: no line '%s' in:\n%s", (unsigned long long)cases[i].mask,
			       cases[i].line + 1, self->buf);
		}
	}
	/* And in the one-shot mask. */
	ASSERT_EQ(0, isol_set_quiesce(QV | QL));
	ASSERT_EQ(0, isol_activate_oneshot(Q, QL));
	ASSERT_EQ(0, slurp("/proc/thread-self/task_isolation", self->buf, sizeof(self->buf)));
	EXPECT_NE(NULL, strstr(self->buf, "\noneshot_mask: 0x2 lru_drain\n"));
	ASSERT_EQ(0, isol_activate_oneshot(Q, QV | QL));
	ASSERT_EQ(0, slurp("/proc/thread-self/task_isolation", self->buf, sizeof(self->buf)));
	EXPECT_NE(NULL, strstr(self->buf, "\noneshot_mask: 0x3 vmstat_sync,lru_drain\n"));
}

TEST_F(proc, child_state_read_by_parent)
{
	int go[2], ready[2], status;
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		if (isol_set_quiesce(QV) ||
		    isol_set_inherit(ISOL_INHERIT_CONF | ISOL_INHERIT_ACTIVE) ||
		    isol_activate(Q))
			_exit(1);
		/* Tell the parent, then wait until it has looked. */
		if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(2);
		_exit(0);
	}
	ASSERT_EQ(1, read(ready[0], &c, 1));
	ASSERT_EQ(0, slurp_pid(pid, self->buf, sizeof(self->buf)));
	EXPECT_STREQ(active_status, self->buf);
	/* Our own state is untouched by the child's. */
	ASSERT_EQ(0, slurp("/proc/self/task_isolation", self->buf, sizeof(self->buf)));
	EXPECT_STREQ(empty_status, self->buf);
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
}

struct thread_ctl {
	int go[2], ready[2];
	pid_t tid;
};

static void *idle_thread(void *arg)
{
	struct thread_ctl *ctl = arg;
	char c;

	/* Report our tid, then block until told to go. */
	ctl->tid = syscall(SYS_gettid);
	if (write(ctl->ready[1], "r", 1) != 1 || read(ctl->go[0], &c, 1) != 1)
		return (void *)1L;
	return NULL;
}

/* /proc/<pid>/task/<tid>/ shows each thread's own state. */
TEST_F(proc, threads_have_their_own_file)
{
	struct thread_ctl ctl;
	char path[96];
	pthread_t t;
	void *ret;
	char c;

	ASSERT_EQ(0, pipe(ctl.go));
	ASSERT_EQ(0, pipe(ctl.ready));
	/* The thread starts empty: it is created before we configure. */
	ASSERT_EQ(0, pthread_create(&t, NULL, idle_thread, &ctl));
	ASSERT_EQ(1, read(ctl.ready[0], &c, 1));
	ASSERT_EQ(0, isol_set_quiesce(QV));
	ASSERT_EQ(0, isol_set_inherit(ISOL_INHERIT_CONF | ISOL_INHERIT_ACTIVE));
	ASSERT_EQ(0, isol_activate(Q));
	snprintf(path, sizeof(path), "/proc/self/task/%d/task_isolation", ctl.tid);
	ASSERT_EQ(0, slurp(path, self->buf, sizeof(self->buf)));
	EXPECT_STREQ(empty_status, self->buf);
	snprintf(path, sizeof(path), "/proc/self/task/%ld/task_isolation", syscall(SYS_gettid));
	ASSERT_EQ(0, slurp(path, self->buf, sizeof(self->buf)));
	EXPECT_STREQ(active_status, self->buf);
	ASSERT_EQ(1, write(ctl.go[1], "g", 1));
	ASSERT_EQ(0, pthread_join(t, &ret));
	EXPECT_EQ(NULL, ret);
}

/*
 * ptrace read access rules: an unprivileged user cannot read the file of
 * a task of another user (here: root, the test's parent), but can read
 * its own.
 */
TEST_F(proc, other_users_task_is_denied)
{
	pid_t parent = getpid(), pid;
	int status;

	ASSERT_EQ(0, isol_set_quiesce(QV));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		char buf[512];
		int err;

		/* Changing uid made us non-dumpable: /proc/self root-owned. */
		if (setgid(65534) || setuid(65534) || prctl(PR_SET_DUMPABLE, 1))
			_exit(10);
		err = slurp_pid(parent, buf, sizeof(buf));
		if (err != -EACCES)
			_exit(11);
		err = slurp("/proc/self/task_isolation", buf, sizeof(buf));
		if (err || strcmp(buf, empty_status))
			_exit(12);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) {
		TH_LOG("child: 10 setuid failed, 11 root's file was readable, 12 own file unreadable");
	}
}

/* Read-only, even for root, whose DAC override lets the open succeed. */
TEST_F(proc, file_is_read_only)
{
	int fd = open("/proc/self/task_isolation", O_WRONLY);

	if (fd >= 0) {
		EXPECT_EQ(-1, write(fd, "0", 1));
		close(fd);
	}
	ASSERT_EQ(0, slurp("/proc/self/task_isolation", self->buf, sizeof(self->buf)));
	EXPECT_STREQ(empty_status, self->buf);
}

TEST_HARNESS_MAIN
