// SPDX-License-Identifier: GPL-2.0
/*
 * The claims of the threat model (Documentation/userspace-api/
 * task_isolation.rst, "Security"), one test each:
 *
 *  - the prctls act on the calling task only: no call of one thread
 *    changes another thread's or process's state;
 *  - no GET writes anything but its structure, fully initialised: the
 *    bytes are exact whatever the buffer held before (0x00, 0xff, ...),
 *    and nothing around the structure changes;
 *  - /proc/<pid>/task_isolation follows the ptrace read-access rules,
 *    here for two tasks of the same user (isol_proc.c has other users);
 *  - a task cannot make another task's system calls slower: while one
 *    task quiesces, the quiescing of each bit (lru_add_drain_quiesce()
 *    and quiet_vmstat_sync(), the C functions that the return-to-user
 *    hook calls for a quiescing task only, traced with the function
 *    tracer) runs for that task only, never for the others on the same
 *    CPU (one test per function, each skipping alone where it cannot be
 *    traced);
 *  - the kernel memory a task can make the interface hold is bounded: one
 *    state object per task, whatever it calls, and none for a task whose
 *    calls store nothing.
 */
#include "isol_common.h"
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "isol_leak.h"
#include "../kselftest_harness.h"

#define Q	ISOL_F_QUIESCE
#define QV	ISOL_F_QUIESCE_VMSTATS
#define QL	ISOL_F_QUIESCE_LRU
#define IC	ISOL_INHERIT_CONF
#define IA	ISOL_INHERIT_ACTIVE
#define N	ISOL_F_NOTIFY
#define NE	ISOL_NOTIFY_EXCEPTION

static pid_t gettid_(void)
{
	return syscall(SYS_gettid);
}

/* Writes all of @s, in as many write()s as the file takes (ftrace: a word each). */
static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	size_t len = strlen(s), done = 0;
	ssize_t n = 0;

	if (fd < 0)
		return -errno;
	while (done < len && (n = write(fd, s + done, len - done)) > 0)
		done += n;
	n = n < 0 ? -errno : 0;
	close(fd);
	return done == len ? 0 : n ? n : -EIO;
}

static int status_of(pid_t tid, char *buf, size_t size)
{
	char path[96];

	snprintf(path, sizeof(path), "/proc/%d/task/%d/task_isolation", getpid(), tid);
	return slurp(path, buf, size);
}

/* The calling task's full state: the prctl view plus /proc (one-shot). */
static int full_state(char *buf, size_t size)
{
	return status_of(gettid_(), buf, size);
}

/* Cuts a /proc text before its break counters; returns it. */
static char *without_counters(char *buf)
{
	char *p = strstr(buf, "\nbreaks_syscall: ");

	if (p)
		p[1] = 0;
	return buf;
}

/*
 * Puts the calling task in the richest state: everything set, both
 * features active. Notify counts exceptions only, with signo 0: no
 * signal is sent, and the syscall and interrupt counters stay 0.
 */
static int set_everything(void)
{
	return isol_set_quiesce(QV) || isol_cfg_notify(NE, 0) || isol_set_inherit(IC | IA) ||
	       isol_activate_oneshot(Q | N, QV);
}

/* ---- The prctls act on the calling task only ---- */

struct peer {
	pthread_t thread;
	volatile pid_t tid;
	volatile int phase;	/* 1: state set up, 2: may exit */
	int configure;
};

static void *peer_thread(void *arg)
{
	struct peer *p = arg;

	p->tid = gettid_();
	if (p->configure && set_everything())
		p->tid = -1;
	__atomic_store_n(&p->phase, 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&p->phase, __ATOMIC_ACQUIRE) != 2)
		usleep(1000);
	return NULL;
}

/* Every kind of call, successful and failing, on the calling task. */
static void every_call(void)
{
	struct task_isol_quiesce_control qc = { .quiesce_mask = QV };
	struct task_isol_inherit_control ic = { .inherit_mask = IC | IA };
	struct task_isol_activate_control ac = { .quiesce_oneshot_mask = QV };
	struct task_isol_notify_control nc = { .event_mask = NE };
	struct task_isol_quiesce_extensions ext;
	struct task_isol_notify_extensions next;
	__u64 q = Q, qn = Q | N, zero = 0, bad = 4, v;

	prctl(PR_ISOL_FEAT_GET, 0, &v, 0, 0);
	prctl(PR_ISOL_FEAT_GET, Q, &ext, 0, 0);
	prctl(PR_ISOL_FEAT_GET, N, &next, 0, 0);
	prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, Q, &qc, 0);
	prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, N, &nc, 0);
	prctl(PR_ISOL_CFG_SET, I_CFG_INHERIT, 0, &ic, 0);
	prctl(PR_ISOL_ACTIVATE_SET, &q, &ac, 0, 0);
	prctl(PR_ISOL_ACTIVATE_SET, &bad, 0, 0, 0);	/* EINVAL */
	prctl(PR_ISOL_ACTIVATE_SET, &qn, &ac, 0, 0);
	prctl(PR_ISOL_ACTIVATE_SET, &q, 0, 0, 0);
	prctl(PR_ISOL_ACTIVATE_SET, &qn, 0, 0, 0);
	prctl(PR_ISOL_CFG_GET, I_CFG_FEAT, Q, &qc, 0);
	prctl(PR_ISOL_CFG_GET, I_CFG_FEAT, N, &nc, 0);
	prctl(PR_ISOL_ACTIVATE_GET, &v, 0, 0, 0);
	qc.quiesce_mask = 0;
	prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, Q, &qc, 0);	/* EBUSY */
	nc.event_mask = 0;
	prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, N, &nc, 0);	/* EBUSY */
	nc.event_mask = NE;
	nc.signo = 65;
	prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, N, &nc, 0);	/* EINVAL */
	prctl(PR_ISOL_ACTIVATE_SET, &zero, 0, 0, 0);
	prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, Q, &qc, 0);
	nc.event_mask = 0;
	nc.signo = 0;
	prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, N, &nc, 0);
	ic.inherit_mask = 0;
	prctl(PR_ISOL_CFG_SET, I_CFG_INHERIT, 0, &ic, 0);
	prctl(PR_ISOL_CFG_SET, I_CFG_INHERIT, 0, NULL, 0);	/* EFAULT */
}
#define EVERY_CALL_CALLS	22	/* prctl() calls in every_call() */

TEST(prctls_act_on_the_calling_task_only)
{
	struct peer configured = { .configure = 1 }, empty = { .configure = 0 };
	char before_c[1024], before_e[1024], after[1024], own[1024];
	struct isol_proc_status st;
	int fd[2], status;
	pid_t pid;
	char c;

	ASSERT_EQ(0, pthread_create(&configured.thread, NULL, peer_thread, &configured));
	ASSERT_EQ(0, pthread_create(&empty.thread, NULL, peer_thread, &empty));
	while (__atomic_load_n(&configured.phase, __ATOMIC_ACQUIRE) != 1 ||
	       __atomic_load_n(&empty.phase, __ATOMIC_ACQUIRE) != 1)
		usleep(1000);
	ASSERT_LT(0, configured.tid);
	ASSERT_EQ(0, status_of(configured.tid, before_c, sizeof(before_c)));
	ASSERT_EQ(0, status_of(empty.tid, before_e, sizeof(before_e)));

	/* A child process with no inheritance, also parked. */
	ASSERT_EQ(0, pipe(fd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		char buf[1024];

		close(fd[1]);
		if (read(fd[0], &c, 1) != 1)
			_exit(2);
		/* The parent did everything meanwhile: we are still empty. */
		if (full_state(buf, sizeof(buf)) ||
		    !strstr(buf, "configured: 0x0\n") || !strstr(buf, "active_mask: 0x0\n"))
			_exit(3);
		/* And what we do does not reach the parent (checked there). */
		every_call();
		_exit(0);
	}
	close(fd[0]);

	every_call();
	set_everything();
	ASSERT_EQ(0, full_state(own, sizeof(own)));
	/*
	 * The configured peer's configuration is as it was. Its exception
	 * counter may have moved by its own faults (the fork() above made
	 * its stack copy-on-write); the others count events outside its
	 * mask, which no task's calls may make move. The empty peer's file
	 * is whole: no state, every counter 0.
	 */
	ASSERT_EQ(0, status_of(configured.tid, after, sizeof(after)));
	ASSERT_EQ(0, isol_parse_proc(after, &st));
	EXPECT_EQ(0, st.breaks[0] + st.breaks[2]);
	EXPECT_STREQ(without_counters(before_c), without_counters(after));
	ASSERT_EQ(0, status_of(empty.tid, after, sizeof(after)));
	EXPECT_STREQ(before_e, after);

	ASSERT_EQ(1, write(fd[1], "g", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		TH_LOG("child: exit status %#x (3: it saw the parent's state)", status);
	}
	/*
	 * The child's calls left us as we were. Our counters are left out:
	 * our own page faults since count (notify is active with the
	 * exception event); the idle peers' files above are whole.
	 */
	ASSERT_EQ(0, full_state(after, sizeof(after)));
	EXPECT_STREQ(without_counters(own), without_counters(after));

	__atomic_store_n(&configured.phase, 2, __ATOMIC_RELEASE);
	__atomic_store_n(&empty.phase, 2, __ATOMIC_RELEASE);
	pthread_join(configured.thread, NULL);
	pthread_join(empty.thread, NULL);
}

/* ---- GETs write exactly their structure ---- */

#define GUARD 64

struct get_case {
	const char *name;
	int op;
	unsigned long a2, a3, a5;	/* the pointer goes in the slot marked ~0 */
	size_t size;
};

static const struct get_case get_cases[] = {
	{ "FEAT_GET features", PR_ISOL_FEAT_GET, 0, ~0UL, 0, 8 },
	{ "FEAT_GET quiesce extensions", PR_ISOL_FEAT_GET, Q, ~0UL, 0, 64 },
	{ "FEAT_GET notify extensions", PR_ISOL_FEAT_GET, N, ~0UL, 0, 64 },
	{ "CFG_GET features", PR_ISOL_CFG_GET, I_CFG_FEAT, 0, ~0UL, 8 },
	{ "CFG_GET quiesce control", PR_ISOL_CFG_GET, I_CFG_FEAT, Q, ~0UL, 64 },
	{ "CFG_GET notify control", PR_ISOL_CFG_GET, I_CFG_FEAT, N, ~0UL, 64 },
	{ "CFG_GET inherit control", PR_ISOL_CFG_GET, I_CFG_INHERIT, 0, ~0UL, 8 },
	{ "ACTIVATE_GET", PR_ISOL_ACTIVATE_GET, ~0UL, 0, 0, 8 },
};

/* Runs a GET with its output at @out. */
static long run_get(const struct get_case *g, void *out)
{
	unsigned long p = (unsigned long)out;

	if (g->op == PR_ISOL_ACTIVATE_GET)
		return prctl(g->op, p, 0, 0, 0);
	if (g->op == PR_ISOL_FEAT_GET)
		return prctl(g->op, g->a2, p, 0, 0);
	return prctl(g->op, g->a2, g->a3, p, 0);
}

/*
 * For each GET and each prefill pattern: the structure is what a zeroed
 * buffer gets (so no byte depends on what was there), the guards around
 * it are untouched, and at the very end of a mapping it faults nothing.
 */
static void check_gets(struct __test_metadata *_metadata, const char *state)
{
	static const unsigned char fills[] = { 0x00, 0xff, 0xa5, 0x5a, 0x01, 0x80 };
	unsigned char ref[64], buf[GUARD + 64 + GUARD], *end;
	unsigned int i, f, j;

	end = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, end);
	ASSERT_EQ(0, munmap(end + 4096, 4096));
	for (i = 0; i < ARRAY_SIZE(get_cases); i++) {
		const struct get_case *g = &get_cases[i];

		memset(ref, 0, sizeof(ref));
		ASSERT_EQ(0, run_get(g, ref));
		for (f = 0; f < sizeof(fills); f++) {
			memset(buf, fills[f], sizeof(buf));
			ASSERT_EQ(0, run_get(g, buf + GUARD));
			EXPECT_EQ(0, memcmp(buf + GUARD, ref, g->size)) {
				TH_LOG("%s (%s): output depends on the prefill %#x",
				       g->name, state, fills[f]);
			}
			for (j = 0; j < sizeof(buf); j++)
				if ((j < GUARD || j >= GUARD + g->size) && buf[j] != fills[f])
					break;
			EXPECT_EQ(sizeof(buf), j) {
				TH_LOG("%s (%s): byte %d around the structure written",
				       g->name, state, (int)j - GUARD);
			}
			/* Flush against an unmapped page: no access beyond. */
			memset(end + 4096 - g->size, fills[f], g->size);
			EXPECT_EQ(0, run_get(g, end + 4096 - g->size));
			EXPECT_EQ(0, memcmp(end + 4096 - g->size, ref, g->size));
		}
		/* Flags and padding: the spec's zero, not just stable. */
		if (g->size == 64) {
			for (j = 0; j < 8; j++)
				EXPECT_EQ(0, ref[j]);
			for (j = 16; j < 64; j++)
				EXPECT_EQ(0, ref[j]);
		}
		if (g->op == PR_ISOL_CFG_GET && g->a2 == I_CFG_INHERIT)
			for (j = 1; j < 8; j++)
				EXPECT_EQ(0, ref[j]);
	}
	munmap(end, 4096);
}

TEST(gets_write_exactly_their_structure)
{
	check_gets(_metadata, "empty state");
	ASSERT_EQ(0, set_everything());
	check_gets(_metadata, "everything set");
}

/* ---- /proc/<pid>/task_isolation and ptrace read access ---- */

/*
 * Two tasks of the same unprivileged user: the file of a non-dumpable
 * task (as after a setuid exec) is closed to the other, like its
 * /proc/<pid>/mem; a dumpable one's is open.
 */
TEST(proc_file_needs_ptrace_read_access)
{
	int ready[2], go[2], status, r;
	pid_t target, reader;
	char c;

	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	target = fork();
	ASSERT_LE(0, target);
	if (!target) {
		int dumpable = 1;

		if (setgid(65534) || setuid(65534))
			_exit(10);
		if (set_everything())
			_exit(11);
		/* Twice: first non-dumpable, then dumpable. */
		for (r = 0; r < 2; r++) {
			dumpable = r;
			if (prctl(PR_SET_DUMPABLE, dumpable, 0, 0, 0))
				_exit(12);
			if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
				_exit(13);
		}
		_exit(0);
	}
	for (r = 0; r < 2; r++) {
		ASSERT_EQ(1, read(ready[0], &c, 1));
		reader = fork();
		ASSERT_LE(0, reader);
		if (!reader) {
			char path[64], buf[1024];
			int err;

			if (setgid(65534) || setuid(65534) || prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
				_exit(20);
			snprintf(path, sizeof(path), "/proc/%d/task_isolation", target);
			err = slurp(path, buf, sizeof(buf));
			if (r == 0)
				_exit(err == -EACCES ? 0 : 21);
			_exit(!err && strstr(buf, "active_mask: 0x3 quiesce,notify\n") ? 0 : 22);
		}
		ASSERT_EQ(reader, waitpid(reader, &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			TH_LOG("reader status %#x (21: read a non-dumpable task's file, 22: could not read a dumpable one's)",
			       status);
		}
		ASSERT_EQ(1, write(go[1], "g", 1));
	}
	ASSERT_EQ(target, waitpid(target, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* ---- No extra syscall work for other tasks ---- */

#define TRACE		"/sys/kernel/tracing"
#define INSTANCE	TRACE "/instances/isol_security"
#define NCALLS		2000

enum { ACTIVE, EMPTY, CONFIGURED, NTASKS };	/* threads; plus a process */

struct racer {
	pthread_t thread;
	volatile pid_t tid;
	int kind;
	int cpu;
	volatile int *go;
	int err;
	double cpu_ns;	/* thread CPU time per getpid() */
};

static double thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void *racer_thread(void *arg)
{
	struct racer *r = arg;
	double t0;
	int i;

	r->tid = gettid_();
	if (pin_to_cpu(r->cpu))
		r->err = 1;
	if (r->kind != EMPTY && isol_set_quiesce(QV | QL))
		r->err = 2;
	if (r->kind == ACTIVE && isol_activate(Q))
		r->err = 3;
	while (!__atomic_load_n(r->go, __ATOMIC_ACQUIRE))
		sched_yield();
	t0 = thread_cpu_ns();
	for (i = 0; i < NCALLS; i++)
		syscall(SYS_getpid);
	r->cpu_ns = (thread_cpu_ns() - t0) / NCALLS;
	return NULL;
}

/*
 * Counts function trace lines, "comm-TID [cpu] flags time: func <-parent",
 * of task @tid calling @func. Cuts @trace into lines (NUL-terminated).
 */
struct trace_count {
	pid_t tid;
	long calls;
};

static void count_lines(char *trace, const char *func, struct trace_count *c, int n)
{
	char *line, *save, pat[32], call[64];
	int i;

	snprintf(call, sizeof(call), ": %s <-", func);
	for (line = strtok_r(trace, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		for (i = 0; i < n; i++) {
			snprintf(pat, sizeof(pat), "-%d ", c[i].tid);
			if (strstr(line, pat))
				c[i].calls += !!strstr(line, call);
		}
	}
}

FIXTURE(work) {
	bool instance;
	int cpu;
};

/*
 * One variant per traced function, one per quiesce bit, so that each
 * skips alone. Both are global C functions in mm/ (swap.c, vmstat.c),
 * out of line and traceable on every tree the series supports; the entry
 * code that calls the hook is not (Linux 7.2 inlines syscall_exit_work()).
 */
FIXTURE_VARIANT(work) {
	const char *func;
	const char *what;
	const char *why;	/* what it takes to trace it */
};

FIXTURE_VARIANT_ADD(work, lru_add_drain_quiesce) {
	.func = "lru_add_drain_quiesce",
	.what = "the lru_drain quiescing",
	.why = "needs CONFIG_FUNCTION_TRACER",
};

FIXTURE_VARIANT_ADD(work, quiet_vmstat_sync) {
	.func = "quiet_vmstat_sync",
	.what = "the vmstat_sync quiescing",
	.why = "needs CONFIG_FUNCTION_TRACER",
};

FIXTURE_SETUP(work)
{
	char filter[64];
	int r;

	self->cpu = isol_housekeeping_cpu();
	if (self->cpu < 0)
		SKIP(return, ISOL_NO_HOUSEKEEPING_CPU);
	if (access(TRACE "/instances", W_OK))
		SKIP(return, "no " TRACE "/instances (tracefs, CONFIG_FTRACE)");
	rmdir(INSTANCE);
	ASSERT_EQ(0, mkdir(INSTANCE, 0755));
	self->instance = true;
	/* Fails (EINVAL) when the function cannot be traced. */
	snprintf(filter, sizeof(filter), "%s\n", variant->func);
	r = write_str(INSTANCE "/set_ftrace_filter", filter);
	if (r) {
		rmdir(INSTANCE);
		self->instance = false;
		SKIP(return, "%s() cannot be traced (%s): %s", variant->func, strerror(-r),
		     variant->why);
	}
	ASSERT_EQ(0, write_str(INSTANCE "/buffer_size_kb", "4096"));
	ASSERT_EQ(0, write_str(INSTANCE "/current_tracer", "function"));
}

FIXTURE_TEARDOWN(work)
{
	if (self->instance) {
		write_str(INSTANCE "/tracing_on", "0");
		write_str(INSTANCE "/current_tracer", "nop");
		rmdir(INSTANCE);
	}
}

/*
 * Threads on the same CPU, one with quiescing active, one without state,
 * one configured but not active, and a forked process: each makes NCALLS
 * getpid() calls at the same time. Counted with the function tracer, the
 * variant's function (the quiescing of one bit) runs exactly for
 * the active one.
 */
TEST_F_TIMEOUT(work, only_the_quiescing_task_pays, 300)
{
	struct racer r[NTASKS] = { { 0 } };
	struct trace_count tc[NTASKS + 1] = { { 0 } };
	volatile int *go;
	char *trace;
	int fd[2], status, i;
	long n[NTASKS], child;
	char stats_path[96];
	ssize_t len, got;
	pid_t pid;
	int tfd;

	go = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, go);
	*go = 0;
	ASSERT_EQ(0, pipe(fd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct racer cr = { .kind = EMPTY, .go = go, .cpu = self->cpu };

		racer_thread(&cr);
		_exit(cr.err);
	}
	for (i = 0; i < NTASKS; i++) {
		r[i].kind = i;
		r[i].cpu = self->cpu;
		r[i].go = go;
		ASSERT_EQ(0, pthread_create(&r[i].thread, NULL, racer_thread, &r[i]));
	}
	for (i = 0; i < NTASKS; i++)
		while (!r[i].tid)
			usleep(1000);
	usleep(100 * 1000);
	ASSERT_EQ(0, write_str(INSTANCE "/trace", ""));
	ASSERT_EQ(0, write_str(INSTANCE "/tracing_on", "1"));
	__atomic_store_n(go, 1, __ATOMIC_RELEASE);
	for (i = 0; i < NTASKS; i++)
		pthread_join(r[i].thread, NULL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, write_str(INSTANCE "/tracing_on", "0"));
	for (i = 0; i < NTASKS; i++)
		ASSERT_EQ(0, r[i].err);
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));

	len = 64 << 20;
	trace = malloc(len);
	ASSERT_NE(NULL, trace);
	tfd = open(INSTANCE "/trace", O_RDONLY);
	ASSERT_LE(0, tfd);
	for (got = 0; got < len - 1 && (status = read(tfd, trace + got, len - 1 - got)) > 0;)
		got += status;
	close(tfd);
	trace[got] = 0;
	{
		char stats[1024];

		snprintf(stats_path, sizeof(stats_path), INSTANCE "/per_cpu/cpu%d/stats", self->cpu);
		ASSERT_EQ(0, slurp(stats_path, stats, sizeof(stats)));
		EXPECT_NE(NULL, strstr(stats, "overrun: 0\n")) {
			TH_LOG("trace buffer overrun, counts are void:\n%s", stats);
		}
	}
	for (i = 0; i < NTASKS; i++)
		tc[i].tid = r[i].tid;
	tc[NTASKS].tid = pid;
	count_lines(trace, variant->func, tc, NTASKS + 1);
	free(trace);
	for (i = 0; i < NTASKS; i++)
		n[i] = tc[i].calls;
	child = tc[NTASKS].calls;
	TH_LOG("%s() calls (%s) on CPU %d during %d getpid() each: active %ld, no state %ld, configured only %ld, other process %ld",
	       variant->func, variant->what, self->cpu, NCALLS, n[ACTIVE], n[EMPTY],
	       n[CONFIGURED], child);
	TH_LOG("CPU time per getpid(): active %.0f ns, no state %.0f ns, configured only %.0f ns (information only: TCG timing is noisy)",
	       r[ACTIVE].cpu_ns, r[EMPTY].cpu_ns, r[CONFIGURED].cpu_ns);
	EXPECT_LE(NCALLS, n[ACTIVE]);
	EXPECT_EQ(0, n[EMPTY]);
	EXPECT_EQ(0, n[CONFIGURED]);
	EXPECT_EQ(0, child);
}

/* ---- Bounded kernel memory ---- */

/*
 * A fixture only for the timeouts: slab counts settle slowly on the debug
 * kernel. Each test first finds the cache of the per-task state, and
 * checks that it counts live states (LEAK_FIND_STATE_CACHE()).
 */
FIXTURE(memory) {
	struct leak_state_cache cache;
};

FIXTURE_SETUP(memory)
{
}

FIXTURE_TEARDOWN(memory)
{
}

/*
 * One task, every kind of call many times: at most its one state object.
 * Allow for unrelated noise well below the number of calls.
 */
TEST_F_TIMEOUT(memory, one_state_per_task_whatever_it_calls, 900)
{
	const char *cache = self->cache.name;
	long before, after, i;

	LEAK_FIND_STATE_CACHE(&self->cache);
	before = leak_settled_objects(cache);
	for (i = 0; i < 5000; i++)
		every_call();
	after = leak_settled_objects(cache);
	TH_LOG("%s active objects: %ld -> %ld over %d calls", cache, before, after,
	       5000 * EVERY_CALL_CALLS);
	EXPECT_LT(after - before, 32);
}

/*
 * Threads that only read, or store the empty state, own no memory. They
 * block in read() until the pipe's write end closes: polling threads
 * would swamp a debug kernel under TCG.
 */
struct parked {
	int store;
	int fd;		/* read end of the release pipe */
};

static void *parked_thread(void *arg)
{
	struct parked *p = arg;
	struct isol_state s;
	char c;

	if (p->store) {
		isol_get_state(&s);
		isol_activate(0);
		isol_set_quiesce(0);
		isol_set_inherit(0);
	}
	while (read(p->fd, &c, 1) > 0)
		;
	return NULL;
}

static long parked_growth(struct __test_metadata *_metadata, const char *cache, int store,
			  int n)
{
	struct parked p = { .store = store };
	pthread_t *t = calloc(n, sizeof(*t));
	long before, during;
	int fd[2], i;

	ASSERT_NE(NULL, t);
	ASSERT_EQ(0, pipe(fd));
	p.fd = fd[0];
	before = leak_settled_objects(cache);
	for (i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, parked_thread, &p))
			break;
	during = leak_settled_objects(cache);
	close(fd[1]);
	while (i--)
		pthread_join(t[i], NULL);
	close(fd[0]);
	free(t);
	return during - before;
}

TEST_F_TIMEOUT(memory, no_memory_for_tasks_that_store_nothing, 900)
{
	const char *cache = self->cache.name;
	long idle, used;

	LEAK_FIND_STATE_CACHE(&self->cache);
	idle = parked_growth(_metadata, cache, 0, 300);
	used = parked_growth(_metadata, cache, 1, 300);
	TH_LOG("%s growth with 300 live threads: %ld idle, %ld after GETs and empty SETs",
	       cache, idle, used);
	/* 300 states would be +300. */
	EXPECT_LT(used - idle, 75);
}

/*
 * A privileged exec drops the notification signal, as it drops
 * pdeath_signal: otherwise an unprivileged parent could have a set-user-ID
 * program signalled (SIGSTOP) at each of its system calls. The child
 * configures notification with SIGUSR1 (ignored, so that nothing is
 * delivered), gives up root and executes a set-user-ID-root copy of this
 * binary, which reports the signal it was left with; the control executes
 * a copy without the set-user-ID bit, which keeps it.
 */
#define SUID_REPORT_ARG	"--report-notify-signo"

static int report_notify_signo(void)
{
	struct isol_state s;

	if (isol_get_state(&s))
		return 2;
	printf("notify_mask=%llu notify_signo=%u\n",
	       (unsigned long long)s.notify_mask, s.notify_signo);
	return 0;
}

/* The notify state a copy of this binary (mode @mode, owner root) reports. */
static int exec_copy_reports(struct __test_metadata *_metadata, mode_t mode,
			     unsigned long long *mask, unsigned int *signo)
{
	const char *copy = "/tmp/isol_security_exec_copy";
	char cmd[160], buf[128];
	int fd[2], status;
	ssize_t n;
	pid_t pid;

	snprintf(cmd, sizeof(cmd), "cp /proc/%d/exe %s", getpid(), copy);
	if (system(cmd) || chown(copy, 0, 0) || chmod(copy, mode))
		return -1;
	if (pipe(fd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		close(fd[0]);
		dup2(fd[1], 1);
		signal(SIGUSR1, SIG_IGN);
		if (isol_cfg_notify(ISOL_NOTIFY_SYSCALL, SIGUSR1) ||
		    setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(3);
		execl(copy, copy, SUID_REPORT_ARG, (char *)NULL);
		_exit(4);
	}
	close(fd[1]);
	n = read(fd[0], buf, sizeof(buf) - 1);
	close(fd[0]);
	waitpid(pid, &status, 0);
	unlink(copy);
	if (n <= 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		return -1;
	buf[n] = 0;
	TH_LOG("mode %o: %s", mode, buf);
	return sscanf(buf, "notify_mask=%llu notify_signo=%u", mask, signo) == 2 ? 0 : -1;
}

TEST(setuid_exec_drops_the_notify_signal)
{
	unsigned long long mask;
	unsigned int signo;

	if (getuid() != 0)
		SKIP(return, "needs root, to make a set-user-ID-root copy and drop to nobody");
	/* Control: an ordinary exec keeps the signal. */
	ASSERT_EQ(0, exec_copy_reports(_metadata, 0755, &mask, &signo));
	EXPECT_EQ(ISOL_NOTIFY_SYSCALL, mask);
	EXPECT_EQ(SIGUSR1, signo);
	/* The set-user-ID exec keeps the events, drops the signal. */
	ASSERT_EQ(0, exec_copy_reports(_metadata, 04755, &mask, &signo));
	EXPECT_EQ(ISOL_NOTIFY_SYSCALL, mask);
	EXPECT_EQ(0, signo);
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], SUID_REPORT_ARG))
		return report_notify_signo();
	return test_harness_run(argc, argv);
}
