// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/<pid>/task_isolation: the state of one task, one "key: value"
 * line per mask, then ISOL_F_NOTIFY's configuration, break counters and
 * last break (SPEC section 7), readable by whoever may ptrace-read the
 * task.
 */
#include "isol_common.h"
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "../kselftest_harness.h"

#define Q	ISOL_F_QUIESCE
#define QV	ISOL_F_QUIESCE_VMSTATS
#define QL	ISOL_F_QUIESCE_LRU

#define N	ISOL_F_NOTIFY
#define NS	ISOL_NOTIFY_SYSCALL
#define NE	ISOL_NOTIFY_EXCEPTION
#define NI	ISOL_NOTIFY_INTERRUPT

/* The lines of a task that never configured ISOL_F_NOTIFY. */
#define NO_NOTIFY \
	"notify_mask: 0x0\n" \
	"notify_signo: 0\n" \
	"breaks_syscall: 0\n" \
	"breaks_exception: 0\n" \
	"breaks_interrupt: 0\n" \
	"last_break: none\n"

static const char empty_status[] =
	"configured: 0x0\n"
	"quiesce_mask: 0x0\n"
	"active_mask: 0x0\n"
	"oneshot_mask: 0x0\n"
	"inherit_mask: 0x0\n"
	NO_NOTIFY;

static const char active_status[] =
	"configured: 0x1 quiesce\n"
	"quiesce_mask: 0x1 vmstat_sync\n"
	"active_mask: 0x1 quiesce\n"
	"oneshot_mask: 0x0\n"
	"inherit_mask: 0x3 conf,active\n"
	NO_NOTIFY;

/*
 * Quiescing and notification (syscall,interrupt, SIGUSR1) active: the
 * text up to breaks_interrupt, whose value no test controls (timer ticks
 * and IPIs), then last_break. %llu: breaks_syscall, then breaks_interrupt.
 */
static const char notify_status_fmt[] =
	"configured: 0x3 quiesce,notify\n"
	"quiesce_mask: 0x1 vmstat_sync\n"
	"active_mask: 0x3 quiesce,notify\n"
	"oneshot_mask: 0x0\n"
	"inherit_mask: 0x0\n"
	"notify_mask: 0x5 syscall,interrupt\n"
	"notify_signo: 10\n"
	"breaks_syscall: %llu\n"
	"breaks_exception: 0\n"
	"breaks_interrupt: %llu\n"
	"last_break: syscall\n";

/* Reads /proc/<pid>/task_isolation; 0 or -errno. */
static int slurp_pid(pid_t pid, char *buf, size_t size)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/task_isolation", pid);
	return slurp(path, buf, size);
}

FIXTURE(proc) {
	char buf[1024];
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

/* ---- ISOL_F_NOTIFY's lines ---- */

static volatile sig_atomic_t usr1_count;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_count++;	/* no system call here: rt_sigreturn is no break */
}

/* SIGUSR1 (10, the signo of the notify cases) counted, not fatal. */
static int catch_usr1(void)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };

	usr1_count = 0;
	sigemptyset(&sa.sa_mask);
	return sigaction(SIGUSR1, &sa, NULL);
}

/* Each event bit and combination by name; signo in decimal. */
TEST_F(proc, notify_events_and_signo_are_named)
{
	static const struct {
		__u64 mask;
		__u32 signo;
		const char *lines;
	} cases[] = {
		{ NS, 0, "\nnotify_mask: 0x1 syscall\nnotify_signo: 0\n" },
		{ NE, 10, "\nnotify_mask: 0x2 exception\nnotify_signo: 10\n" },
		{ NI, 9, "\nnotify_mask: 0x4 interrupt\nnotify_signo: 9\n" },
		{ NS | NE, 34, "\nnotify_mask: 0x3 syscall,exception\nnotify_signo: 34\n" },
		{ NS | NI, 1, "\nnotify_mask: 0x5 syscall,interrupt\nnotify_signo: 1\n" },
		{ NE | NI, 64, "\nnotify_mask: 0x6 exception,interrupt\nnotify_signo: 64\n" },
		{ NS | NE | NI, 63,
		  "\nnotify_mask: 0x7 syscall,exception,interrupt\nnotify_signo: 63\n" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ASSERT_EQ(0, isol_cfg_notify(cases[i].mask, cases[i].signo));
		ASSERT_EQ(0, slurp("/proc/self/task_isolation", self->buf, sizeof(self->buf)));
		EXPECT_NE(NULL, strstr(self->buf, cases[i].lines)) {
			TH_LOG("mask %#llx signo %u: no lines '%s' in:\n%s",
			       (unsigned long long)cases[i].mask, cases[i].signo,
			       cases[i].lines + 1, self->buf);
		}
		EXPECT_EQ(0, strncmp(self->buf, "configured: 0x2 notify\n", 23));
	}
	/* With quiescing configured too. */
	ASSERT_EQ(0, isol_set_quiesce(QV));
	ASSERT_EQ(0, slurp("/proc/self/task_isolation", self->buf, sizeof(self->buf)));
	EXPECT_EQ(0, strncmp(self->buf, "configured: 0x3 quiesce,notify\n", 31));
	/* Un-configured: the text of a task without state again. */
	ASSERT_EQ(0, isol_set_quiesce(0));
	ASSERT_EQ(0, isol_cfg_notify(0, 0));
	ASSERT_EQ(0, slurp("/proc/self/task_isolation", self->buf, sizeof(self->buf)));
	EXPECT_STREQ(empty_status, self->buf);
}

/* Configured, not active: the whole text, counters untouched. */
TEST_F(proc, notify_configured_not_active)
{
	static const char want[] =
		"configured: 0x2 notify\n"
		"quiesce_mask: 0x0\n"
		"active_mask: 0x0\n"
		"oneshot_mask: 0x0\n"
		"inherit_mask: 0x1 conf\n"
		"notify_mask: 0x7 syscall,exception,interrupt\n"
		"notify_signo: 64\n"
		"breaks_syscall: 0\n"
		"breaks_exception: 0\n"
		"breaks_interrupt: 0\n"
		"last_break: none\n";

	ASSERT_EQ(0, isol_cfg_notify(NS | NE | NI, 64));
	ASSERT_EQ(0, isol_set_inherit(ISOL_INHERIT_CONF));
	syscall(SYS_getppid);	/* would be a break if it were active */
	ASSERT_EQ(0, slurp("/proc/self/task_isolation", self->buf, sizeof(self->buf)));
	EXPECT_STREQ(want, self->buf);
}

/* Blocks (or unblocks) SIGUSR1 in the calling thread. */
static int block_usr1(int how)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	return sigprocmask(how, &set, NULL);
}

static int usr1_pending(void)
{
	sigset_t set;

	return !sigpending(&set) && sigismember(&set, SIGUSR1) == 1;
}

/*
 * Active, syscall,interrupt with SIGUSR1. The read's own system calls are
 * breaks, counted at entry: the text is made by the first read(), after
 * the open() and that read() were counted, 2 syscalls in all; nothing
 * enters the kernel from user mode between that read()'s entry and the
 * text, so the last break is that syscall. Exceptions are not in the
 * mask: their counter stays 0 whatever faults the test takes.
 *
 * SIGUSR1 is blocked meanwhile: each break leaves it pending (a handler
 * would run after each of the read's syscalls), and once unblocked the
 * handler runs once (a standard signal coalesces). Pending before the
 * activation, it was not: the control.
 */
TEST_F(proc, own_notify_state)
{
	struct isol_proc_status st;
	char want[sizeof(self->buf)];
	int got, pending_before;

	ASSERT_EQ(0, catch_usr1());
	ASSERT_EQ(0, block_usr1(SIG_BLOCK));
	ASSERT_EQ(0, isol_set_quiesce(QV));
	ASSERT_EQ(0, isol_cfg_notify(NS | NI, SIGUSR1));
	pending_before = usr1_pending();
	ASSERT_EQ(0, isol_activate(Q | N));
	got = slurp("/proc/thread-self/task_isolation", self->buf, sizeof(self->buf));
	ASSERT_EQ(0, isol_activate(Q));
	ASSERT_EQ(0, got);
	ASSERT_EQ(0, isol_parse_proc(self->buf, &st)) {
		TH_LOG("not the contract's format:\n%s", self->buf);
	}
	snprintf(want, sizeof(want), notify_status_fmt, 2ULL, st.breaks[2]);
	EXPECT_STREQ(want, self->buf);
	EXPECT_FALSE(pending_before);
	EXPECT_TRUE(usr1_pending());
	ASSERT_EQ(0, block_usr1(SIG_UNBLOCK));
	EXPECT_EQ(1, usr1_count);
}

/* The counters of "syscall" only, with signo 0, read in one text. */
static unsigned long long syscalls_now(struct __test_metadata *_metadata, char *buf,
				       size_t size, struct isol_proc_status *st)
{
	int r = slurp("/proc/thread-self/task_isolation", buf, size);

	if (r || isol_parse_proc(buf, st)) {
		TH_LOG("reading /proc/thread-self/task_isolation: %s:\n%s",
		       r ? strerror(-r) : "not the contract's format", r ? "" : buf);
		return ~0ULL;
	}
	/* Not in the mask: never counted. */
	EXPECT_EQ(0, st->breaks[1] + st->breaks[2]);
	return st->breaks[0];
}

/*
 * Counting, as /proc shows it (signo 0: count only). One read of the
 * file is 4 syscalls: open(), the read() that makes the text, the read()
 * that finds its end, close(); the text counts the first two. The
 * counters go on while active, stand still while not (the control: the
 * same 5 getppid() calls count while active only), and never reset:
 * not on re-activation, not when notify is un-configured.
 */
TEST_F(proc, notify_counters_count_while_active_only)
{
	unsigned long long a, b, c, d, e;
	struct isol_proc_status st;
	int i;

	ASSERT_EQ(0, isol_cfg_notify(NS, 0));
	ASSERT_EQ(0, isol_activate(N));
	a = syscalls_now(_metadata, self->buf, sizeof(self->buf), &st);
	EXPECT_EQ(2, a);
	EXPECT_EQ(ISOL_LAST_SYSCALL, st.last_break);
	for (i = 0; i < 5; i++)
		syscall(SYS_getppid);
	b = syscalls_now(_metadata, self->buf, sizeof(self->buf), &st);
	EXPECT_EQ(a + 2 + 5 + 2, b);

	ASSERT_EQ(0, isol_activate(0));	/* a PR_ISOL_* prctl: no break */
	for (i = 0; i < 5; i++)
		syscall(SYS_getppid);
	c = syscalls_now(_metadata, self->buf, sizeof(self->buf), &st);
	EXPECT_EQ(b + 2, c);		/* b's last two syscalls only */
	EXPECT_EQ(ISOL_LAST_SYSCALL, st.last_break);
	EXPECT_NE(NULL, strstr(self->buf, "\nactive_mask: 0x0\noneshot_mask: 0x0\n"));

	ASSERT_EQ(0, isol_activate(N));
	d = syscalls_now(_metadata, self->buf, sizeof(self->buf), &st);
	EXPECT_EQ(c + 2, d);		/* not reset; c's last two were inactive */

	ASSERT_EQ(0, isol_activate(0));
	ASSERT_EQ(0, isol_cfg_notify(0, 0));
	e = syscalls_now(_metadata, self->buf, sizeof(self->buf), &st);
	EXPECT_EQ(d + 2, e);
	EXPECT_EQ(0, st.notify_mask | st.notify_signo | st.configured | st.active);
	TH_LOG("breaks_syscall: %llu %llu %llu %llu %llu", a, b, c, d, e);
}

/* The SigPnd mask of /proc/<pid>/status (thread-directed signals), or 0. */
static unsigned long long sigpnd(pid_t pid)
{
	char path[64], buf[4096], *p;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if (slurp(path, buf, sizeof(buf)))
		return 0;
	p = strstr(buf, "\nSigPnd:");
	return p ? strtoull(p + 8, NULL, 16) : 0;
}

/*
 * Another task's notify state, read by its parent while the child blocks
 * in read() (its 2nd counted syscall after activating, a write() being the
 * first): exactly its text, the interrupt counter aside. SIGUSR1 blocked
 * in the child (so that the blocking read() is not interrupted, and
 * restarted, a new break, without end): the parent sees it pending.
 */
TEST_F(proc, child_notify_state_read_by_parent)
{
	struct isol_proc_status st;
	char want[sizeof(self->buf)];
	int go[2], ready[2], status, i, r = -1;
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		if (catch_usr1() || block_usr1(SIG_BLOCK) || isol_set_quiesce(QV) ||
		    isol_cfg_notify(NS | NI, SIGUSR1) || isol_activate(Q | N))
			_exit(1);
		if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(2);
		if (isol_activate(0) || block_usr1(SIG_UNBLOCK))
			_exit(3);
		/* The breaks' SIGUSR1, pending until now, once. */
		_exit(usr1_count == 1 ? 0 : 4);
	}
	ASSERT_EQ(1, read(ready[0], &c, 1));
	/* Until the child has entered its read(): at most 10 s. */
	for (i = 0; i < 1000; i++) {
		r = slurp_pid(pid, self->buf, sizeof(self->buf));
		if (r || isol_parse_proc(self->buf, &st) || st.breaks[0] >= 2)
			break;
		usleep(10000);
	}
	ASSERT_EQ(0, r);
	ASSERT_EQ(0, isol_parse_proc(self->buf, &st)) {
		TH_LOG("not the contract's format:\n%s", self->buf);
	}
	snprintf(want, sizeof(want), notify_status_fmt, 2ULL, st.breaks[2]);
	EXPECT_STREQ(want, self->buf);
	EXPECT_TRUE(sigpnd(pid) & 1ULL << (SIGUSR1 - 1)) {
		TH_LOG("no SIGUSR1 pending in the child: SigPnd %#llx", sigpnd(pid));
	}
	/* The parent's own state is untouched; no signal here. */
	ASSERT_EQ(0, slurp("/proc/self/task_isolation", self->buf, sizeof(self->buf)));
	EXPECT_STREQ(empty_status, self->buf);
	EXPECT_FALSE(sigpnd(getpid()) & 1ULL << (SIGUSR1 - 1));
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status)) {
		TH_LOG("child status %#x (1: configuring, 2: pipes, 3: deactivating, 4: not one SIGUSR1)",
		       status);
	}
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
		char buf[1024];
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
