// SPDX-License-Identifier: GPL-2.0
/*
 * Inheritance of task isolation state across fork, vfork, clone of a
 * thread, clone3 and to grandchildren, for both features; the break
 * counters of ISOL_F_NOTIFY starting at 0 in a new task; execve keeping
 * it all; isolation being per task; and no leak when tasks with state
 * exit.
 */
#include "isol_common.h"
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/sched.h>
#include "isol_leak.h"
#include "../kselftest_harness.h"

#define Q	ISOL_F_QUIESCE
#define QV	ISOL_F_QUIESCE_VMSTATS
#define N	ISOL_F_NOTIFY
#define NS	ISOL_NOTIFY_SYSCALL

static const struct isol_state empty;

/*
 * Run as "ISOL_INHERIT_EXEC=1 isol_inherit": print our own
 * /proc/thread-self/task_isolation and exit, before the harness starts
 * (the execve test's second program).
 */
static void __attribute__((constructor)) exec_report(void)
{
	char buf[1024];

	if (!getenv("ISOL_INHERIT_EXEC"))
		return;
	if (slurp("/proc/thread-self/task_isolation", buf, sizeof(buf)))
		_exit(1);
	_exit(write(1, buf, strlen(buf)) == (ssize_t)strlen(buf) ? 0 : 1);
}

static void configure(struct __test_metadata *_metadata, __u8 inherit, int active)
{
	ASSERT_EQ(0, isol_set_quiesce(QV));
	ASSERT_EQ(0, isol_set_inherit(inherit));
	if (active)
		ASSERT_EQ(0, isol_activate(Q));
}

/*
 * Both features, notify with every event and SIGUSR1. SIGUSR1 is blocked
 * first, a mask that children and threads inherit: each break of an
 * active task leaves it pending, so that no signal handler runs and no
 * blocking call is interrupted (with the syscall event, a blocking call
 * interrupted by a handler would be restarted, a new break, forever).
 */
static void configure_both(struct __test_metadata *_metadata, __u8 inherit, int active)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &set, NULL));
	ASSERT_EQ(0, isol_set_quiesce(QV));
	ASSERT_EQ(0, isol_cfg_notify(ISOL_NOTIFY_EVENTS, SIGUSR1));
	ASSERT_EQ(0, isol_set_inherit(inherit));
	if (active)
		ASSERT_EQ(0, isol_activate(Q | N));
}

/* The state a child reports through a pipe after fork(). */
static int child_state_fork(struct isol_state *out, int depth)
{
	struct isol_state s;
	int fd[2], status;
	pid_t pid;

	if (pipe(fd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		close(fd[0]);
		if (depth > 1) {
			if (child_state_fork(&s, depth - 1))
				_exit(1);
		} else if (isol_get_state(&s)) {
			_exit(1);
		}
		_exit(write(fd[1], &s, sizeof(s)) == sizeof(s) ? 0 : 1);
	}
	close(fd[1]);
	if (read(fd[0], out, sizeof(*out)) != sizeof(*out))
		return -1;
	close(fd[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		return -1;
	return 0;
}

static int child_state_vfork(struct isol_state *out)
{
	static struct isol_state shared;
	static volatile int err;
	int status;
	pid_t pid;

	pid = vfork();
	if (pid < 0)
		return -1;
	if (!pid) {
		err = isol_get_state(&shared);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || err)
		return -1;
	*out = shared;
	return 0;
}

static int child_state_clone3(struct isol_state *out)
{
	struct clone_args args = { .exit_signal = SIGCHLD };
	struct isol_state s;
	int fd[2], status;
	long pid;

	if (pipe(fd))
		return -1;
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0)
		return -1;
	if (!pid) {
		if (isol_get_state(&s))
			_exit(1);
		_exit(write(fd[1], &s, sizeof(s)) == sizeof(s) ? 0 : 1);
	}
	close(fd[1]);
	if (read(fd[0], out, sizeof(*out)) != sizeof(*out))
		return -1;
	close(fd[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		return -1;
	return 0;
}

static void *thread_get_state(void *arg)
{
	return (void *)(long)isol_get_state(arg);
}

static int child_state_thread(struct isol_state *out)
{
	pthread_t t;
	void *ret;

	if (pthread_create(&t, NULL, thread_get_state, out) || pthread_join(t, &ret))
		return -1;
	return (long)ret;
}

enum how { FORK, VFORK, THREAD, CLONE3, GRANDCHILD };

static int child_state(enum how how, struct isol_state *out)
{
	switch (how) {
	case FORK:	return child_state_fork(out, 1);
	case VFORK:	return child_state_vfork(out);
	case THREAD:	return child_state_thread(out);
	case CLONE3:	return child_state_clone3(out);
	case GRANDCHILD: return child_state_fork(out, 2);
	}
	return -1;
}

FIXTURE(inherit) {
};

FIXTURE_VARIANT(inherit) {
	enum how how;
};

FIXTURE_VARIANT_ADD(inherit, fork) { .how = FORK };
FIXTURE_VARIANT_ADD(inherit, vfork) { .how = VFORK };
FIXTURE_VARIANT_ADD(inherit, thread) { .how = THREAD };
FIXTURE_VARIANT_ADD(inherit, clone3) { .how = CLONE3 };
FIXTURE_VARIANT_ADD(inherit, grandchild) { .how = GRANDCHILD };

FIXTURE_SETUP(inherit)
{
}

FIXTURE_TEARDOWN(inherit)
{
}

TEST_F(inherit, nothing_without_conf)
{
	struct isol_state s;

	configure(_metadata, 0, 1);
	ASSERT_EQ(0, child_state(variant->how, &s));
	EXPECT_TRUE(isol_state_eq(&empty, &s));
}

TEST_F(inherit, conf_copies_configuration_not_activation)
{
	struct isol_state s;

	configure(_metadata, ISOL_INHERIT_CONF, 1);
	ASSERT_EQ(0, child_state(variant->how, &s));
	EXPECT_EQ(Q, s.configured);
	EXPECT_EQ(QV, s.quiesce_mask);
	EXPECT_EQ(ISOL_INHERIT_CONF, s.inherit_mask);
	EXPECT_EQ(0, s.active);
}

TEST_F(inherit, active_copies_everything)
{
	struct isol_state parent, s;

	configure(_metadata, ISOL_INHERIT_CONF | ISOL_INHERIT_ACTIVE, 1);
	ASSERT_EQ(0, isol_get_state(&parent));
	ASSERT_EQ(0, child_state(variant->how, &s));
	EXPECT_TRUE(isol_state_eq(&parent, &s));
	EXPECT_EQ(Q, s.active);
}

TEST_F(inherit, notify_nothing_without_conf)
{
	struct isol_state s;

	configure_both(_metadata, 0, 1);
	ASSERT_EQ(0, child_state(variant->how, &s));
	EXPECT_TRUE(isol_state_eq(&empty, &s));
}

TEST_F(inherit, notify_conf_copies_configuration_not_activation)
{
	struct isol_state s;

	configure_both(_metadata, ISOL_INHERIT_CONF, 1);
	ASSERT_EQ(0, child_state(variant->how, &s));
	EXPECT_EQ(Q | N, s.configured);
	EXPECT_EQ(QV, s.quiesce_mask);
	EXPECT_EQ(ISOL_NOTIFY_EVENTS, s.notify_mask);
	EXPECT_EQ(SIGUSR1, s.notify_signo);
	EXPECT_EQ(ISOL_INHERIT_CONF, s.inherit_mask);
	EXPECT_EQ(0, s.active);
}

TEST_F(inherit, notify_active_copies_everything)
{
	struct isol_state parent, s;

	configure_both(_metadata, ISOL_INHERIT_CONF | ISOL_INHERIT_ACTIVE, 1);
	ASSERT_EQ(0, isol_get_state(&parent));
	ASSERT_EQ(0, child_state(variant->how, &s));
	EXPECT_TRUE(isol_state_eq(&parent, &s));
	EXPECT_EQ(Q | N, s.active);
	EXPECT_EQ(ISOL_NOTIFY_EVENTS, s.notify_mask);
}

/* Only notify, active, inherited without quiescing: the mask is copied as it is. */
TEST_F(inherit, notify_alone_active)
{
	struct isol_state s;

	ASSERT_EQ(0, isol_cfg_notify(ISOL_NOTIFY_EXCEPTION, 0));
	ASSERT_EQ(0, isol_set_inherit(ISOL_INHERIT_CONF | ISOL_INHERIT_ACTIVE));
	ASSERT_EQ(0, isol_activate(N));
	ASSERT_EQ(0, child_state(variant->how, &s));
	EXPECT_EQ(N, s.configured);
	EXPECT_EQ(N, s.active);
	EXPECT_EQ(0, s.quiesce_mask);
	EXPECT_EQ(ISOL_NOTIFY_EXCEPTION, s.notify_mask);
	EXPECT_EQ(0, s.notify_signo);
}

/*
 * The break counters of a new task start at 0, whatever the parent's.
 * The child is a raw clone() (glibc's fork() makes system calls in the
 * child) whose only system call is a read() that blocks: with inherited
 * activation (syscall event, signo 0) its counter is exactly 1 once it
 * blocks, and the last break that syscall; with the configuration only,
 * 0 and none, whatever it does. The parent's own counter, well above,
 * is the control: a kernel that copied the counters would show it.
 */
FIXTURE(counters) {
};

FIXTURE_VARIANT(counters) {
	__u8 inherit;
};

FIXTURE_VARIANT_ADD(counters, conf_and_active) { .inherit = ISOL_INHERIT_CONF | ISOL_INHERIT_ACTIVE };
FIXTURE_VARIANT_ADD(counters, conf_only) { .inherit = ISOL_INHERIT_CONF };

FIXTURE_SETUP(counters)
{
}

FIXTURE_TEARDOWN(counters)
{
}

TEST_F(counters, start_at_zero_in_the_child)
{
	bool active = variant->inherit & ISOL_INHERIT_ACTIVE;
	struct isol_proc_status own, st;
	int go[2], status, i, r = -1;
	long pid;
	char c;

	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, isol_cfg_notify(NS, 0));
	ASSERT_EQ(0, isol_set_inherit(variant->inherit));
	ASSERT_EQ(0, isol_activate(N));
	for (i = 0; i < 5; i++)
		syscall(SYS_getppid);
	pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	ASSERT_LE(0, pid);
	if (!pid) {
		/* One system call, then out (exit_group is no break). */
		syscall(SYS_read, go[0], &c, 1);
		syscall(SYS_exit_group, 0);
	}
	ASSERT_EQ(0, isol_read_proc(0, &own));
	/* Until the child blocks in its read(), for at most 10 s. */
	for (i = 0; i < 1000; i++) {
		r = isol_read_proc(pid, &st);
		if (r || !active || st.breaks[0] >= 1)
			break;
		usleep(10000);
	}
	ASSERT_EQ(0, r);
	EXPECT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	TH_LOG("parent: %llu syscall breaks; child: %llu", own.breaks[0], st.breaks[0]);
	EXPECT_LE(7, own.breaks[0]);
	EXPECT_EQ(active ? 1 : 0, st.breaks[0]);
	EXPECT_EQ(0, st.breaks[1] + st.breaks[2]);
	EXPECT_EQ(active ? ISOL_LAST_SYSCALL : ISOL_LAST_NONE, st.last_break);
	EXPECT_EQ(NS, st.notify_mask);
	EXPECT_EQ(active ? N : 0, st.active);
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
}

/*
 * execve keeps the notify state and its counting: a child configures
 * itself (syscall event, signo 0, active) and executes this program
 * again, which prints its /proc file before main() (exec_report()).
 */
TEST(execve_keeps_notify_state)
{
	struct isol_proc_status st;
	char self[4096], buf[1024];
	int fd[2], status;
	ssize_t n, len = 0;
	pid_t pid;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	ASSERT_GT(n, 0);
	self[n] = 0;
	ASSERT_EQ(0, pipe(fd));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		dup2(fd[1], 1);
		if (isol_cfg_notify(NS, 0) || isol_activate(N))
			_exit(2);
		execle(self, self, (char *)NULL, (char *[]){ "ISOL_INHERIT_EXEC=1", NULL });
		_exit(3);
	}
	close(fd[1]);
	while (len < (ssize_t)sizeof(buf) - 1 && (n = read(fd[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	buf[len] = 0;
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status)) {
		TH_LOG("child status %#x (2: configuring, 3: execve)", status);
	}
	ASSERT_EQ(0, isol_parse_proc(buf, &st)) {
		TH_LOG("the program after execve printed:\n%s", buf);
	}
	EXPECT_EQ(N, st.configured);
	EXPECT_EQ(N, st.active);
	EXPECT_EQ(NS, st.notify_mask);
	/* execve() itself and the reading: counting went on. */
	EXPECT_LE(2, st.breaks[0]);
	EXPECT_EQ(ISOL_LAST_SYSCALL, st.last_break);
}

/* A child with inherited activation quiesces on its first return, as the parent would. */
TEST(active_child_quiesces_on_first_return)
{
	int cpu = isol_isolated_cpu();
	long before, after;
	int fd[2], status;
	pid_t pid;

	if (cpu < 0)
		SKIP(return, ISOL_NO_ISOLATED_CPU);
	if (pin_to_cpu(cpu))
		SKIP(return, "cannot run on CPU %d", cpu);
	configure(_metadata, ISOL_INHERIT_CONF | ISOL_INHERIT_ACTIVE, 1);
	ASSERT_EQ(0, pipe(fd));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		void *p = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		long v[2];

		v[0] = vmstat_read("nr_mlock");
		if (p == MAP_FAILED || mlock(p, 4 * 4096))
			_exit(1);
		v[1] = vmstat_read("nr_mlock");
		_exit(write(fd[1], v, sizeof(v)) == sizeof(v) ? 0 : 1);
	}
	{
		long v[2];

		ASSERT_EQ(sizeof(v), read(fd[0], v, sizeof(v)));
		before = v[0];
		after = v[1];
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	EXPECT_EQ(before + 4, after);
}

TEST(execve_keeps_state)
{
	char self[4096], *dir, cmd[4200], line[256] = "";
	FILE *f;
	ssize_t n;

	configure(_metadata, ISOL_INHERIT_CONF | ISOL_INHERIT_ACTIVE, 1);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	ASSERT_GT(n, 0);
	self[n] = 0;
	dir = strrchr(self, '/');
	ASSERT_NE(NULL, dir);
	*dir = 0;
	/* popen() forks a shell (inherits), which execs the reporter. */
	snprintf(cmd, sizeof(cmd), "%s/isol_report", self);
	f = popen(cmd, "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(line, sizeof(line), f));
	ASSERT_EQ(0, pclose(f));
	EXPECT_STREQ("configured=1 quiesce=1 inherit=3 active=1\n", line);
}

TEST(execve_in_same_task_keeps_state)
{
	char self[4096], *dir, path[4200], line[256] = "";
	int fd[2], status;
	pid_t pid;
	ssize_t n;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	ASSERT_GT(n, 0);
	self[n] = 0;
	dir = strrchr(self, '/');
	*dir = 0;
	snprintf(path, sizeof(path), "%s/isol_report", self);
	ASSERT_EQ(0, pipe(fd));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		/* The child configures itself, without inheritance, then execs. */
		if (isol_set_quiesce(QV) || isol_activate(Q))
			_exit(2);
		dup2(fd[1], 1);
		execl(path, path, (char *)NULL);
		_exit(3);
	}
	close(fd[1]);
	n = read(fd[0], line, sizeof(line) - 1);
	ASSERT_GT(n, 0);
	line[n] = 0;
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_STREQ("configured=1 quiesce=1 inherit=0 active=1\n", line);
}

static void *configure_thread(void *arg)
{
	(void)arg;
	if (isol_set_quiesce(QV) || isol_set_inherit(ISOL_INHERIT_CONF) ||
	    isol_activate(Q))
		return (void *)1L;
	return NULL;
}

TEST(state_is_per_thread)
{
	struct isol_state s;
	pthread_t t;
	void *ret;

	ASSERT_EQ(0, pthread_create(&t, NULL, configure_thread, NULL));
	ASSERT_EQ(0, pthread_join(t, &ret));
	ASSERT_EQ(NULL, ret);
	/* The other thread's configuration is not ours. */
	ASSERT_EQ(0, isol_get_state(&s));
	EXPECT_TRUE(isol_state_eq(&empty, &s));
}

static int fork_exit_loop(int n)
{
	int i, status;

	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return -1;
		if (!pid)
			_exit(0);
		if (waitpid(pid, &status, 0) != pid)
			return -1;
	}
	return 0;
}

FIXTURE(leak) {
};

FIXTURE_SETUP(leak)
{
}

FIXTURE_TEARDOWN(leak)
{
}

/*
 * Children that exit with active, inherited state leave nothing behind.
 * Each state is one object of the cache LEAK_FIND_STATE_CACHE() finds (and
 * checks that it counts live states); 4000 leaked states would add 4000
 * active objects. Allow for unrelated noise well below that. A fixture
 * only for the timeout: 4500 forks take minutes on the debug kernel.
 */
TEST_F_TIMEOUT(leak, no_leak_over_fork_exit_cycles, 900)
{
	struct leak_state_cache c;
	long before, after;

	LEAK_FIND_STATE_CACHE(&c);
	configure(_metadata, ISOL_INHERIT_CONF | ISOL_INHERIT_ACTIVE, 1);
	ASSERT_EQ(0, fork_exit_loop(500));
	/* Once RCU-deferred task frees (and KASAN's quarantine) have settled. */
	before = leak_settled_objects(c.name);
	ASSERT_EQ(0, fork_exit_loop(4000));
	after = leak_settled_objects(c.name);
	TH_LOG("%s active objects: %ld -> %ld over 4000 forks", c.name, before, after);
	EXPECT_LT(after - before, 400);
}

TEST_HARNESS_MAIN
