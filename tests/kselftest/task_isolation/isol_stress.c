// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrency and lifecycle stress for task isolation:
 *
 *  - activation toggled in a loop while another thread keeps moving the
 *    task between the isolated CPU and a housekeeping CPU (isol_common.h
 *    finds them: CPUs 1 and 2 on the QEMU runner);
 *  - the isolated CPU taken offline and back online (CPU hotplug) while a
 *    task with quiescing active runs there, which must keep its state
 *    and, back on that CPU, still quiesce;
 *  - 10,000 fork/exit cycles of children that inherit active state;
 *  - threads with inherited state exiting while others reconfigure and
 *    read the exiting threads' /proc files.
 *
 * After each scenario the active object count of the slab cache the
 * per-task state lands in (found at run time, isol_leak.h: kmalloc-64 or,
 * with CONFIG_MEMCG, kmalloc-cg-64) must be back to its starting value
 * within noise, and, where kmemleak exists (the debug kernel), a kmemleak
 * scan must report nothing new. Without kmemleak that sub-check is
 * skipped: the "kmemleak" test says so with the reason.
 *
 * ISOL_F_NOTIFY takes part throughout (exception and interrupt events,
 * count only): toggled with and without quiescing, active in the hotplug
 * task and in the forked children, configured at random by the
 * reconfiguring threads.
 *
 * ISOL_STRESS_FORKS overrides the number of fork/exit cycles (default
 * 10000) and ISOL_STRESS_TOGGLES the activations per toggling thread
 * (default 20000), for runs by hand.
 */
#include "isol_common.h"
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "isol_leak.h"
#include "../kselftest_harness.h"

#define Q	ISOL_F_QUIESCE
#define QV	ISOL_F_QUIESCE_VMSTATS
#define IC	ISOL_INHERIT_CONF
#define IA	ISOL_INHERIT_ACTIVE
#define N	ISOL_F_NOTIFY
/* Notify in the stress tests: count only (signo 0), no syscall event. */
#define NEV	(ISOL_NOTIFY_EXCEPTION | ISOL_NOTIFY_INTERRUPT)

#define RT_RUNTIME	"/proc/sys/kernel/sched_rt_runtime_us"

/* The isolated and the housekeeping CPU (-1: none), set by the fixture. */
static int iso_cpu = -1, hk_cpu = -1;

/*
 * The hotplug task's file up to its counters, which move (exceptions and
 * interrupts are in its event mask).
 */
static const char active_status[] =
	"configured: 0x3 quiesce,notify\n"
	"quiesce_mask: 0x1 vmstat_sync\n"
	"active_mask: 0x3 quiesce,notify\n"
	"oneshot_mask: 0x0\n"
	"inherit_mask: 0x3 conf,active\n"
	"notify_mask: 0x6 exception,interrupt\n"
	"notify_signo: 0\n"
	"breaks_syscall: 0\n";

static long env_long(const char *name, long def)
{
	const char *e = getenv(name);

	return e && *e ? atol(e) : def;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static pid_t gettid_(void)
{
	return syscall(SYS_gettid);
}

static int pin_tid(pid_t tid, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(tid, sizeof(set), &set);
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	n = n < 0 ? -errno : n;
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : n < 0 ? n : -EIO;
}

/* Dirties vmstat counters with a syscall-only page fault burst. */
static void dirty_vmstat(void)
{
	char *p = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (p != MAP_FAILED)
		munmap(p, 4 * 4096);
}

/* ---- Leak checks around each scenario ---- */

struct leak_base {
	const char *cache;	/* the state's slab cache */
	long slab;
	int kmemleak;
	struct leak_report kl;
};

static void leak_begin(struct __test_metadata *_metadata, struct leak_base *b,
		       const char *cache)
{
	b->cache = cache;
	b->slab = leak_settled_objects(cache);
	/* 0 is fine: on a memcg kernel kmalloc-cg-32 may start empty. */
	ASSERT_LE(0, b->slab) {
		TH_LOG("no %s in /proc/slabinfo", cache);
	}
	b->kmemleak = leak_kmemleak_available();
	if (b->kmemleak) {
		/* What was reported before the scenario is not its doing. */
		ASSERT_EQ(0, leak_kmemleak_cmd("scan"));
		ASSERT_LE(0, leak_kmemleak_read(&b->kl, NULL));
	}
}

/*
 * @states: how many per-task states the scenario created and freed; the
 * allowed drift is well below that, so a leak of even a few percent shows.
 */
static void leak_end(struct __test_metadata *_metadata, struct leak_base *b,
		     const char *scenario, long states)
{
	long after = leak_settled_objects(b->cache);
	long noise = 64 + states / 50;
	struct leak_report *now_r;
	int n;

	TH_LOG("%s: %s active objects %ld -> %ld (%+ld; %ld states created, allowed drift %ld)",
	       scenario, b->cache, b->slab, after, after - b->slab, states, noise);
	EXPECT_LT(after - b->slab, noise);
	if (!b->kmemleak) {
		TH_LOG("%s: kmemleak sub-check skipped: no %s (CONFIG_DEBUG_KMEMLEAK, debug kernel)",
		       scenario, KMEMLEAK);
		return;
	}
	/* kmemleak only reports objects older than 5 s. */
	sleep(6);
	now_r = malloc(sizeof(*now_r));
	ASSERT_NE(NULL, now_r);
	n = leak_kmemleak_scan(now_r, &b->kl);
	ASSERT_LE(0, n);
	EXPECT_EQ(0, n) {
		TH_LOG("%s: kmemleak reports %d new unreferenced objects:\n%s",
		       scenario, n, now_r->text);
	}
	if (!n)
		TH_LOG("%s: kmemleak: no new unreferenced object", scenario);
	free(now_r);
}

FIXTURE(stress) {
	struct leak_state_cache cache;
	struct leak_base base;
	char rt_runtime[32];	/* to restore, when changed */
	char iso_online[64];	/* the isolated CPU's online file */
};

FIXTURE_SETUP(stress)
{
	__u64 feat;

	if (prctl(PR_ISOL_FEAT_GET, 0, &feat, 0, 0))
		SKIP(return, "kernel without CONFIG_TASK_ISOLATION");
	iso_cpu = isol_isolated_cpu();
	hk_cpu = isol_housekeeping_cpu();
	snprintf(self->iso_online, sizeof(self->iso_online), CPU_SYSFS "cpu%d/online", iso_cpu);
	/* Before any test configures (and so inherits) a state. */
	LEAK_FIND_STATE_CACHE(&self->cache);
}

FIXTURE_TEARDOWN(stress)
{
	/* Whatever happened, leave the isolated CPU online for the tests after us. */
	if (iso_cpu >= 0 && !access(self->iso_online, W_OK))
		write_str(self->iso_online, "1");
	if (self->rt_runtime[0])
		write_str(RT_RUNTIME, self->rt_runtime);
}

/* ---- 1. Activation toggled while migrating between the two CPUs ---- */

struct toggler {
	pthread_t thread;
	volatile pid_t tid;
	long n;			/* activations to toggle, at least */
	long done;		/* activations toggled */
	unsigned int cpus_seen;	/* bit per CPU it ran on */
	char fail[256];
};

struct mover {
	struct toggler *t;
	int nt;
	volatile int stop;
	long moves;
};

static bool both_cpus(unsigned int seen)
{
	return (seen & (1U << iso_cpu)) && (seen & (1U << hk_cpu));
}

static void *toggle_thread(void *arg)
{
	struct toggler *t = arg;
	double t0 = now();
	__u64 got;
	long i;

	t->tid = gettid_();
	if (isol_set_quiesce(QV) || isol_cfg_notify(NEV, 0) || isol_set_inherit(IC | IA)) {
		snprintf(t->fail, sizeof(t->fail), "configuring: %s", strerror(errno));
		return NULL;
	}
	/*
	 * At least n toggles, and on, until the mover has had the thread on
	 * both CPUs (a loaded host may not migrate it within n), for at most
	 * a minute more.
	 */
	for (i = 0; i < t->n || (!both_cpus(t->cpus_seen) && now() - t0 < 60); i++) {
		/* Off, and on with each mask of the two features in turn. */
		static const __u64 on[] = { Q, Q | N, N };
		__u64 want = i & 1 ? 0 : on[(i / 2) % 3];
		int r = (want & Q) && i % 3 == 0 ? isol_activate_oneshot(want, QV) :
						  isol_activate(want);
		int cpu = sched_getcpu();

		if (r || prctl(PR_ISOL_ACTIVATE_GET, &got, 0, 0, 0) || got != want) {
			snprintf(t->fail, sizeof(t->fail),
				 "toggle %ld: activate(%llu) = %d (%s), reads back %llu",
				 i, (unsigned long long)want, r, strerror(errno),
				 (unsigned long long)got);
			return NULL;
		}
		if (cpu >= 0 && cpu < 32)
			t->cpus_seen |= 1U << cpu;
		if (i % 64 == 0)
			dirty_vmstat();
	}
	t->done = i;
	isol_activate(0);
	return NULL;
}

static void *move_thread(void *arg)
{
	struct mover *m = arg;
	int i, cpu = iso_cpu;

	while (!m->stop) {
		for (i = 0; i < m->nt; i++)
			if (m->t[i].tid)
				pin_tid(m->t[i].tid, cpu);
		cpu = cpu == iso_cpu ? hk_cpu : iso_cpu;
		m->moves++;
		sched_yield();
	}
	return NULL;
}

TEST_F_TIMEOUT(stress, toggle_while_migrating, 1800)
{
	struct toggler t[2] = { { 0 } };
	struct mover m = { .t = t, .nt = 2 };
	long n = env_long("ISOL_STRESS_TOGGLES", 20000);
	pthread_t mt;
	double t0;
	int i;

	if (iso_cpu < 0)
		SKIP(return, ISOL_NO_ISOLATED_CPU);
	if (hk_cpu < 0)
		SKIP(return, ISOL_NO_HOUSEKEEPING_CPU);
	/* cpus_seen has a bit per CPU. */
	if (iso_cpu >= 32 || hk_cpu >= 32)
		SKIP(return, "CPUs %d and %d: only CPUs below 32 are tracked", iso_cpu, hk_cpu);
	if (pin_to_cpu(iso_cpu) || pin_to_cpu(hk_cpu))
		SKIP(return, "needs CPUs %d and %d", iso_cpu, hk_cpu);
	leak_begin(_metadata, &self->base, self->cache.name);
	t0 = now();
	for (i = 0; i < 2; i++) {
		t[i].n = n;
		ASSERT_EQ(0, pthread_create(&t[i].thread, NULL, toggle_thread, &t[i]));
	}
	ASSERT_EQ(0, pthread_create(&mt, NULL, move_thread, &m));
	for (i = 0; i < 2; i++)
		pthread_join(t[i].thread, NULL);
	m.stop = 1;
	pthread_join(mt, NULL);
	TH_LOG("2 threads x %ld+%ld activations toggled in %.1f s while moved %ld times",
	       t[0].done, t[1].done, now() - t0, m.moves);
	for (i = 0; i < 2; i++) {
		EXPECT_STREQ("", t[i].fail);
		EXPECT_TRUE(both_cpus(t[i].cpus_seen)) {
			TH_LOG("thread %d ran on CPUs %#x only", i, t[i].cpus_seen);
		}
	}
	leak_end(_metadata, &self->base, "toggle_while_migrating", 2);
}

/* ---- 2. CPU hotplug of the isolated CPU under a quiescing task ---- */

struct hp_shared {
	volatile long iters;
	volatile int cpu;
	volatile int stop;
	volatile int err;
	volatile long mlock_before, mlock_after;
};

static void hotplug_child(struct hp_shared *sh)
{
	void *p;
	__u64 got;

	if (isol_set_quiesce(QV) || isol_cfg_notify(NEV, 0) || isol_set_inherit(IC | IA) ||
	    isol_activate(Q | N))
		_exit(2);
	pin_to_cpu(iso_cpu);
	while (!sh->stop) {
		if (prctl(PR_ISOL_ACTIVATE_GET, &got, 0, 0, 0) || got != (Q | N))
			sh->err = 3;
		/* Back on the isolated CPU as soon as it is online again. */
		if (sched_getcpu() != iso_cpu)
			pin_to_cpu(iso_cpu);
		sh->cpu = sched_getcpu();
		if (sh->iters % 16 == 0)
			dirty_vmstat();
		sh->iters++;
	}
	/* Still quiescing on the isolated CPU: an mlock() shows in /proc/vmstat at once. */
	if (pin_to_cpu(iso_cpu))
		_exit(4);
	p = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		_exit(5);
	sh->mlock_before = vmstat_read("nr_mlock");
	if (mlock(p, 4 * 4096))
		_exit(6);
	sh->mlock_after = vmstat_read("nr_mlock");
	_exit(sh->err);
}

/* Waits up to @secs for @cond; true if it became true. */
#define WAIT_FOR(cond, secs) ({						\
	double __end = now() + (secs);					\
	while (!(cond) && now() < __end)				\
		usleep(10 * 1000);					\
	(cond);								\
})

TEST_F_TIMEOUT(stress, cpu_hotplug_under_quiescing_task, 1800)
{
	long cycles = env_long("ISOL_STRESS_HOTPLUG", 8), c, it;
	struct isol_proc_status st;
	struct hp_shared *sh;
	char path[64], buf[1024];
	int status, r, ok;
	double t0;
	pid_t pid;

	if (iso_cpu < 0)
		SKIP(return, ISOL_NO_ISOLATED_CPU);
	if (access(self->iso_online, W_OK))
		SKIP(return, "no writable %s (CONFIG_HOTPLUG_CPU)", self->iso_online);
	if (pin_to_cpu(iso_cpu))
		SKIP(return, "CPU %d is not usable", iso_cpu);
	/* Off the CPU that goes down: CPU 0, or a housekeeping one. */
	pin_to_cpu(iso_cpu ? 0 : hk_cpu);
	/*
	 * Linux 6.12 refuses to take down the last CPU of a root domain
	 * (isolcpus=domain,N gives CPU N its own) with EBUSY from the
	 * deadline bandwidth check, dl_bw_check_overflow(), unpatched
	 * kernels alike. Turning that admission control off for the test
	 * (sched_rt_runtime_us = -1) lets the hotplug proceed.
	 */
	ASSERT_EQ(0, slurp(RT_RUNTIME, self->rt_runtime, sizeof(self->rt_runtime)));
	ASSERT_EQ(0, write_str(RT_RUNTIME, "-1"));
	leak_begin(_metadata, &self->base, self->cache.name);
	sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		hotplug_child(sh);
	snprintf(path, sizeof(path), "/proc/%d/task_isolation", pid);
	t0 = now();
	for (c = 0; c < cycles; c++) {
		ok = WAIT_FOR(sh->cpu == iso_cpu && sh->iters > 0, 60);
		EXPECT_TRUE(ok) {
			TH_LOG("cycle %ld: the task did not get (back) to CPU %d", c, iso_cpu);
		}
		if (!ok)
			break;
		r = write_str(self->iso_online, "0");
		EXPECT_EQ(0, r) {
			TH_LOG("cycle %ld: offlining CPU %d: %s", c, iso_cpu, strerror(-r));
		}
		if (r)
			break;
		/* The task keeps running elsewhere, its state intact. */
		it = sh->iters;
		EXPECT_TRUE(WAIT_FOR(sh->iters > it + 100 && sh->cpu != iso_cpu, 60)) {
			TH_LOG("cycle %ld: the task stopped running with CPU %d offline", c, iso_cpu);
		}
		ASSERT_EQ(0, slurp(path, buf, sizeof(buf)));
		EXPECT_EQ(0, strncmp(active_status, buf, strlen(active_status))) {
			TH_LOG("cycle %ld: the task's state:\n%s", c, buf);
		}
		EXPECT_EQ(0, isol_parse_proc(buf, &st)) {
			TH_LOG("cycle %ld: not the contract's format:\n%s", c, buf);
		}
		r = write_str(self->iso_online, "1");
		ASSERT_EQ(0, r) {
			TH_LOG("cycle %ld: onlining CPU %d: %s", c, iso_cpu, strerror(-r));
		}
	}
	EXPECT_TRUE(WAIT_FOR(sh->cpu == iso_cpu, 60));
	TH_LOG("%ld offline/online cycles of CPU %d in %.1f s, the task made %ld iterations",
	       c, iso_cpu, now() - t0, sh->iters);
	sh->stop = 1;
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		TH_LOG("child status %#x (3: state changed, 4: cannot pin to CPU %d, 6: mlock)",
		       status, iso_cpu);
	}
	EXPECT_EQ(sh->mlock_before + 4, sh->mlock_after) {
		TH_LOG("nr_mlock %ld -> %ld: no quiescing on CPU %d after the hotplug",
		       sh->mlock_before, sh->mlock_after, iso_cpu);
	}
	leak_end(_metadata, &self->base, "cpu_hotplug", 1);
}

/* ---- 3. Fork/exit cycles with inherited active state ---- */

TEST_F_TIMEOUT(stress, fork_exit_inherited_active, 3000)
{
	long n = env_long("ISOL_STRESS_FORKS", 10000), i, bad = 0;
	int status;
	double t0;

	ASSERT_EQ(0, isol_set_quiesce(QV));
	ASSERT_EQ(0, isol_cfg_notify(NEV, 0));
	ASSERT_EQ(0, isol_set_inherit(IC | IA));
	ASSERT_EQ(0, isol_activate(Q | N));
	leak_begin(_metadata, &self->base, self->cache.name);
	t0 = now();
	for (i = 0; i < n; i++) {
		pid_t pid;

		/* Children start on both kinds of CPU (where there are). */
		if (i % 500 == 0)
			pin_to_cpu(i % 1000 ? hk_cpu : iso_cpu);
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			__u64 a = 0;

			/* The inherited state is active: check it, cheaply. */
			_exit(prctl(PR_ISOL_ACTIVATE_GET, &a, 0, 0, 0) || a != (Q | N));
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		bad += !WIFEXITED(status) || WEXITSTATUS(status);
	}
	TH_LOG("%ld fork/exit cycles in %.1f s", n, now() - t0);
	EXPECT_EQ(0, bad);
	leak_end(_metadata, &self->base, "fork_exit", n);
}

/* ---- 4. Threads exiting while others reconfigure ---- */

#define RECONF		3
#define LIVE		8

struct reconf_ctx {
	volatile pid_t live[LIVE];	/* recently spawned threads */
	volatile int stop;
	long spawned, proc_reads, proc_gone;
	char fail[RECONF + 1][256];
};

struct reconf_arg {
	struct reconf_ctx *ctx;
	int idx;
	__u64 expect_active;	/* for spawned threads */
	__u8 expect_inherit;
};

/* A random valid configuration; the state afterwards must be it. */
static int reconfigure(unsigned int *seed, char *fail, size_t size)
{
	static const __u8 inh[] = { 0, IC, IC | IA };
	__u8 inherit = inh[rand_r(seed) % 3];
	/* Notify: any event mask without the syscall event, or none. */
	__u64 events = (__u64)(rand_r(seed) % 4) << 1;
	__u64 conf = Q | (events ? N : 0);
	__u64 active = rand_r(seed) % 2 ? conf & (1 + rand_r(seed) % 3) : 0;
	struct isol_state s;

	if (isol_activate(0) || isol_set_quiesce(QV) || isol_cfg_notify(events, 0) ||
	    isol_set_inherit(inherit) ||
	    (active && ((active & Q) && rand_r(seed) % 2 ? isol_activate_oneshot(active, QV) :
			isol_activate(active)))) {
		snprintf(fail, size, "reconfiguring: %s", strerror(errno));
		return -1;
	}
	if (isol_get_state(&s) || s.configured != conf || s.quiesce_mask != QV ||
	    s.inherit_mask != inherit || s.active != active || s.notify_mask != events ||
	    s.notify_signo) {
		snprintf(fail, size, "state after reconfiguring: %llu %llu %u %llu %llu %u",
			 (unsigned long long)s.configured, (unsigned long long)s.quiesce_mask,
			 s.inherit_mask, (unsigned long long)s.active,
			 (unsigned long long)s.notify_mask, s.notify_signo);
		return -1;
	}
	return 0;
}

/* Reads another thread's file, which may vanish under us. */
static int read_other(struct reconf_ctx *ctx, pid_t tid, char *fail, size_t size)
{
	struct isol_proc_status st;
	char path[64], buf[1024];
	int r;

	snprintf(path, sizeof(path), "/proc/self/task/%d/task_isolation", tid);
	r = slurp(path, buf, sizeof(buf));
	if (r == -ENOENT || r == -ESRCH) {
		__atomic_fetch_add(&ctx->proc_gone, 1, __ATOMIC_RELAXED);
		return 0;
	}
	__atomic_fetch_add(&ctx->proc_reads, 1, __ATOMIC_RELAXED);
	if (r) {
		snprintf(fail, size, "reading %s: %s", path, strerror(-r));
		return -1;
	}
	if (isol_parse_proc(buf, &st) || st.configured > 3 || st.quiesce_mask > 1 ||
	    st.active > 3 || st.oneshot > 1 || st.inherit > 3 || st.notify_mask & ~NEV ||
	    st.notify_signo || st.breaks[0]) {
		snprintf(fail, size, "%.60s reads:\n%.180s", path, buf);
		return -1;
	}
	return 0;
}

static void *reconf_thread(void *arg)
{
	struct reconf_arg *a = arg;
	struct reconf_ctx *ctx = a->ctx;
	unsigned int seed = a->idx * 7919 + 1;
	char *fail = ctx->fail[a->idx];

	pin_to_cpu(a->idx % 2 ? iso_cpu : hk_cpu);
	while (!ctx->stop) {
		if (reconfigure(&seed, fail, 256))
			return NULL;
		if (read_other(ctx, ctx->live[rand_r(&seed) % LIVE], fail, 256))
			return NULL;
	}
	return NULL;
}

static void *short_thread(void *arg)
{
	struct reconf_arg *a = arg;
	struct isol_state s;
	int bad;

	a->ctx->live[a->idx % LIVE] = gettid_();
	bad = isol_get_state(&s) || s.active != a->expect_active ||
	      s.inherit_mask != a->expect_inherit;
	/* Change our own state before dying. */
	if (!bad && s.configured &&
	    (isol_activate(s.active ? 0 : s.configured) || isol_set_inherit(0)))
		bad = 1;
	return (void *)(long)bad;
}

TEST_F_TIMEOUT(stress, threads_exit_while_others_reconfigure, 1800)
{
	long n = env_long("ISOL_STRESS_THREADS", 2000), i, bad = 0;
	struct reconf_arg ra[RECONF], sa[LIVE];
	struct reconf_ctx *ctx;
	pthread_t rt[RECONF], st[LIVE];
	unsigned int seed = 42;
	struct isol_state s;
	double t0;

	ctx = calloc(1, sizeof(*ctx));
	ASSERT_NE(NULL, ctx);
	leak_begin(_metadata, &self->base, self->cache.name);
	t0 = now();
	for (i = 0; i < RECONF; i++) {
		ra[i] = (struct reconf_arg){ .ctx = ctx, .idx = i + 1 };
		ASSERT_EQ(0, pthread_create(&rt[i], NULL, reconf_thread, &ra[i]));
	}
	/* Spawn threads in waves of LIVE, reconfiguring between waves. */
	for (i = 0; i < n; i++) {
		int k = i % LIVE;
		void *ret;

		if (k == 0) {
			ASSERT_EQ(0, reconfigure(&seed, ctx->fail[0], 256)) {
				TH_LOG("%s", ctx->fail[0]);
			}
			ASSERT_EQ(0, isol_get_state(&s));
		}
		sa[k] = (struct reconf_arg){
			.ctx = ctx, .idx = i,
			.expect_active = s.inherit_mask & IA ? s.active : 0,
			.expect_inherit = s.inherit_mask & IC ? s.inherit_mask : 0,
		};
		ASSERT_EQ(0, pthread_create(&st[k], NULL, short_thread, &sa[k]));
		if (k == LIVE - 1 || i == n - 1) {
			int j;

			for (j = 0; j <= k; j++) {
				ASSERT_EQ(0, pthread_join(st[j], &ret));
				bad += ret != NULL;
			}
		}
	}
	ctx->stop = 1;
	for (i = 0; i < RECONF; i++)
		pthread_join(rt[i], NULL);
	TH_LOG("%ld threads spawned and exited in %.1f s; %ld /proc reads of them, %ld found gone",
	       n, now() - t0, ctx->proc_reads, ctx->proc_gone);
	EXPECT_EQ(0, bad);
	for (i = 1; i <= RECONF; i++)
		EXPECT_STREQ("", ctx->fail[i]);
	leak_end(_metadata, &self->base, "threads_exit", n);
	free(ctx);
}

/* The kmemleak sub-checks above need kmemleak; say when they were skipped. */
FIXTURE(kmemleak) {
};

FIXTURE_SETUP(kmemleak)
{
}

FIXTURE_TEARDOWN(kmemleak)
{
}

TEST_F_TIMEOUT(kmemleak, available, 600)
{
	struct leak_report *r;
	int n;

	if (!leak_kmemleak_available())
		SKIP(return, "kmemleak sub-checks of the stress scenarios skipped: no %s (needs CONFIG_DEBUG_KMEMLEAK, the task_isolation_debug kernel)",
		     KMEMLEAK);
	r = malloc(sizeof(*r));
	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, leak_kmemleak_cmd("scan"));
	n = leak_kmemleak_read(r, NULL);
	ASSERT_LE(0, n);
	TH_LOG("kmemleak works; %d objects reported since boot (the run's final scan judges them)", n);
	free(r);
}

TEST_HARNESS_MAIN
