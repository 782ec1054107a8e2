// SPDX-License-Identifier: GPL-2.0
/*
 * ISOL_F_QUIESCE_LRU ("lru_drain", SPEC section 6), seen from user space.
 *
 * A task pinned on the isolated CPU (isol_isolated_cpu(), CPU 1 on the
 * QEMU runner) puts folios into this CPU's LRU batches, with system calls
 * (pwrite() of new pages to a memfd) or with page faults (fresh anonymous
 * pages), then spins in user space (vDSO clock_gettime() only) while a
 * helper process on a housekeeping CPU calls lru_add_drain_all() through a
 * real trigger: drop_caches, or madvise(MADV_COLLAPSE) on a THP-aligned
 * region of its own. lru_add_drain_all() queues lru_add_drain_per_cpu on
 * every CPU whose batches hold a folio; the workqueue tracepoint
 * (workqueue_execute_start) counts its executions on the isolated CPU
 * between two trace_marker lines.
 *
 * Every "0 with the bit" claim has its positive control in the same test:
 * the same scenario without lru_drain (the vmstat bit alone, deactivated,
 * or not inherited) must show at least one lru_add_drain_per_cpu, or the
 * zero proves nothing. A control that saw nothing (another drain, e.g.
 * khugepaged's, emptied the batches first) is retried a bounded number of
 * times; the zero claims are never retried.
 *
 * Last, ISOL_F_QUIESCE_VMSTATS on the exception path: after page faults
 * only, /proc/vmstat (read with one pread() on a file opened before, so
 * that no system call's return folds for the test) already shows them in
 * nr_anon_pages while quiescing, and does not without it.
 */
#include "isol_common.h"
#include <signal.h>
#include <limits.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "isol_trace.h"
#include "../kselftest_harness.h"

#define Q	ISOL_F_QUIESCE
#define QV	ISOL_F_QUIESCE_VMSTATS
#define QL	ISOL_F_QUIESCE_LRU
#define IC	ISOL_INHERIT_CONF
#define IA	ISOL_INHERIT_ACTIVE

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif

#define WORK_FN		"lru_add_drain_per_cpu"
#define EVENT		TRACING "events/workqueue/workqueue_execute_start/"
#define FILL_PAGES	8		/* folios per fill, well below a batch (31) */
#define ANON_PAGES	512		/* fresh pages for the fault fills */
#define SPIN_SECS	1.0		/* minimum user-space spin per window */
#define ACK_SECS	60.0		/* the helper must answer by then */
#define CONTROL_TRIES	3		/* bounded retries of a positive control */
#define THP_SIZE	(2UL << 20)

enum trigger { DROP_CACHES, COLLAPSE };

/* The page shared with the helper process (MAP_SHARED). */
struct shared {
	int cmd;	/* sequence number of the last trigger asked for; -1: exit */
	int ack;	/* sequence number of the last trigger done */
	int err;	/* its errno, 0 on success */
	int ready;
};

/*
 * Everything a window touches lives here, in memory written before any
 * window (setup), so that the spinning task takes no page fault but the
 * ones a test makes on purpose.
 */
static struct lru_ctx {
	int cpu, hk;
	enum trigger how;
	struct shared *sh;
	pid_t helper;
	int memfd;
	off_t memfd_off;
	char *anon;
	int anon_next;
	int seq;
	char marker[64];
	char start_tag[64], end_tag[64];
} ctx;

static const char *const trigger_name[] = {
	[DROP_CACHES] = "drop_caches",
	[COLLAPSE] = "MADV_COLLAPSE",
};

/* ---- The helper on the housekeeping CPU ---- */

static int trigger_once(enum trigger how, char *thp)
{
	if (how == DROP_CACHES)
		return write_str("/proc/sys/vm/drop_caches", "1") ? (errno ? errno : EIO) : 0;
	/*
	 * madvise_collapse() calls lru_add_drain_all() before it scans;
	 * whether the collapse then succeeds (it does not once the region is
	 * a THP, or without a free huge page) does not matter. EINVAL comes
	 * before the drain: no THP in this kernel.
	 */
	return madvise(thp, THP_SIZE, MADV_COLLAPSE) ? errno : 0;
}

static void helper_main(struct shared *sh, int cpu, enum trigger how)
{
	char *thp = NULL, *map;
	int seen = 0, cmd;

	if (pin_to_cpu(cpu))
		_exit(10);
	if (how == COLLAPSE) {
		map = mmap(NULL, 2 * THP_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (map == MAP_FAILED)
			_exit(11);
		thp = (char *)(((unsigned long)map + THP_SIZE - 1) & ~(THP_SIZE - 1));
		madvise(thp, THP_SIZE, MADV_NOHUGEPAGE);
		thp[0] = 1;	/* one small page: something to collapse */
		madvise(thp, THP_SIZE, MADV_HUGEPAGE);
	}
	__atomic_store_n(&sh->ready, 1, __ATOMIC_RELEASE);
	for (;;) {
		cmd = __atomic_load_n(&sh->cmd, __ATOMIC_ACQUIRE);
		if (cmd < 0)
			_exit(0);
		if (cmd == seen) {
			usleep(500);
			continue;
		}
		seen = cmd;
		sh->err = trigger_once(how, thp);
		__atomic_store_n(&sh->ack, seen, __ATOMIC_RELEASE);
	}
}

/* Asks the helper for one trigger and spins until it is done; its errno. */
static int trigger_and_spin(double min_secs)
{
	int seq = ++ctx.seq;
	double t0 = now(), t;

	__atomic_store_n(&ctx.sh->cmd, seq, __ATOMIC_RELEASE);
	do {
		t = now() - t0;
		if (t > ACK_SECS)
			return ETIMEDOUT;
	} while (__atomic_load_n(&ctx.sh->ack, __ATOMIC_ACQUIRE) != seq || t < min_secs);
	return ctx.sh->err;
}

/*
 * Whether lru_add_drain_all() ran: drop_caches must succeed; a collapse
 * may fail after the drain (EAGAIN, ENOMEM without a free huge page), but
 * EINVAL comes before it.
 */
static bool trigger_ran(int err)
{
	if (err == ETIMEDOUT)
		return false;
	return ctx.how == COLLAPSE ? err != EINVAL : !err;
}

/* ---- Counting lru_add_drain_per_cpu on the isolated CPU ---- */

static int marker(const char *tag)
{
	return write_str(TRACING "trace_marker", tag);
}

/* Executions of WORK_FN between the current window's markers; -1: none found. */
static int count_work(void)
{
	char path[128], line[512];
	int in = 0, count = 0, seen_end = 0;
	FILE *f;

	snprintf(path, sizeof(path), TRACING "per_cpu/cpu%d/trace", ctx.cpu);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, ctx.start_tag))
			in = 1;
		else if (strstr(line, ctx.end_tag)) {
			seen_end = in;
			in = 0;
		} else if (in && strstr(line, WORK_FN))
			count++;
	}
	fclose(f);
	return seen_end ? count : -1;
}

/* The next window's markers: "<isol-lru-start-N>", "<isol-lru-end-N>". */
static void next_tags(void)
{
	snprintf(ctx.start_tag, sizeof(ctx.start_tag), "<isol-lru-start-%d>", ctx.seq + 1);
	snprintf(ctx.end_tag, sizeof(ctx.end_tag), "<isol-lru-end-%d>", ctx.seq + 1);
}

/* New folios in this CPU's lru_add batch, from a system call. */
static int fill_syscall(void)
{
	static char page[4096] = { 'x' };
	int i;

	for (i = 0; i < FILL_PAGES; i++, ctx.memfd_off += sizeof(page))
		if (pwrite(ctx.memfd, page, sizeof(page), ctx.memfd_off) != sizeof(page))
			return -1;
	return 0;
}

/* New folios in this CPU's lru_add batch, from page faults only. */
static int fill_fault(void)
{
	int i;

	if (ctx.anon_next + FILL_PAGES > ANON_PAGES)
		return -1;
	for (i = 0; i < FILL_PAGES; i++, ctx.anon_next++)
		ctx.anon[(long)ctx.anon_next * page_size] = 1;
	return 0;
}

enum fill { FILL_NONE, FILL_FAULTS };

/*
 * One window: start marker (the last system call before it), then
 * optionally page faults, then a trigger on the housekeeping CPU while
 * this task spins, end marker. Returns the lru_add_drain_per_cpu count,
 * or -1 when the window is void (no trigger, or no end marker).
 */
static int window(enum fill fill)
{
	int err;

	next_tags();
	if (marker(ctx.start_tag))
		return -1;
	if (fill == FILL_FAULTS && fill_fault())
		return -1;
	err = trigger_and_spin(SPIN_SECS);
	if (marker(ctx.end_tag) || !trigger_ran(err))
		return -1;
	return count_work();
}

/* Touches @kib KiB of stack, so that later calls take no fault there. */
static void __attribute__((noinline)) warm_stack(int kib)
{
	volatile char buf[1024];

	memset((char *)buf, 1, sizeof(buf));
	if (kib > 1)
		warm_stack(kib - 1);
}

/*
 * The common setup: pinned on the isolated CPU, tracing on (the filter
 * keeps only WORK_FN where the kernel supports .function filters), the
 * memfd and the anonymous mapping ready, the helper running on the
 * housekeeping CPU and one trigger done (a probe that also empties every
 * batch). Returns 0, or KSFT_SKIP or KSFT_FAIL with the reason in @why;
 * the caller then undoes what was done (drain_teardown()).
 */
static int drain_setup(enum trigger how, char *why, size_t len)
{
	int err, status;

	page_size = sysconf(_SC_PAGESIZE);
	memset(&ctx, 0, sizeof(ctx));
	ctx.how = how;
	ctx.helper = -1;
	ctx.memfd = -1;
	ctx.cpu = isol_isolated_cpu();
	ctx.hk = isol_housekeeping_cpu();
#define FAIL_WITH(code, ...) do { snprintf(why, len, __VA_ARGS__); return code; } while (0)
	if (ctx.cpu < 0)
		FAIL_WITH(KSFT_SKIP, ISOL_NO_ISOLATED_CPU);
	if (ctx.hk < 0)
		FAIL_WITH(KSFT_SKIP, ISOL_NO_HOUSEKEEPING_CPU);
	if (!(isol_supported_quiesce_bits() & QL))
		FAIL_WITH(KSFT_SKIP, "ISOL_F_QUIESCE_LRU is not supported by this kernel");
	if (access(TRACING "trace_marker", W_OK))
		FAIL_WITH(KSFT_SKIP, "tracefs not mounted at " TRACING);
	if (pin_to_cpu(ctx.cpu))
		FAIL_WITH(KSFT_SKIP, "cannot run on the isolated CPU %d", ctx.cpu);

	ctx.sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ctx.anon = mmap(NULL, ANON_PAGES * page_size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ctx.memfd = memfd_create("isol_lru", 0);
	if (ctx.sh == MAP_FAILED || ctx.anon == MAP_FAILED || ctx.memfd < 0)
		FAIL_WITH(KSFT_FAIL, "mmap or memfd_create: %s", strerror(errno));
	memset(ctx.sh, 0, 4096);
	/* Small folios, one per fault, into the lru_add batch. */
	madvise(ctx.anon, ANON_PAGES * page_size, MADV_NOHUGEPAGE);

	ctx.helper = fork();
	if (ctx.helper < 0)
		FAIL_WITH(KSFT_FAIL, "fork: %s", strerror(errno));
	if (!ctx.helper) {
		/* Never outlive the test, whatever happens to it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		helper_main(ctx.sh, ctx.hk, how);
	}
	while (!__atomic_load_n(&ctx.sh->ready, __ATOMIC_ACQUIRE)) {
		if (waitpid(ctx.helper, &status, WNOHANG) == ctx.helper) {
			ctx.helper = -1;
			FAIL_WITH(KSFT_FAIL, "the helper died: status %#x", status);
		}
		usleep(1000);
	}

	if (tracing_start())
		FAIL_WITH(KSFT_FAIL, "cannot set up tracing in " TRACING);
	/* Fewer lines to read where the kernel has .function filters (6.4+). */
	write_str(EVENT "filter", "function.function == " WORK_FN);

	/* Everything a window writes, written once now (no COW fault later). */
	warm_stack(64);
	now();
	next_tags();
	err = trigger_and_spin(0);
	if (err == EINVAL && how == COLLAPSE)
		FAIL_WITH(KSFT_SKIP, "madvise(MADV_COLLAPSE): EINVAL: kernel without CONFIG_TRANSPARENT_HUGEPAGE");
	if (!trigger_ran(err))
		FAIL_WITH(KSFT_FAIL, "%s: %s", trigger_name[how], strerror(err));
#undef FAIL_WITH
	usleep(200 * 1000);
	return 0;
}

static void drain_teardown(void)
{
	int status;

	isol_activate(0);
	write_str(EVENT "filter", "0");
	tracing_stop();
	if (ctx.helper > 0 && ctx.sh != MAP_FAILED) {
		__atomic_store_n(&ctx.sh->cmd, -1, __ATOMIC_RELEASE);
		if (waitpid(ctx.helper, &status, 0) != ctx.helper)
			kill(ctx.helper, SIGKILL);
		ctx.helper = -1;
	}
	if (ctx.memfd >= 0)
		close(ctx.memfd);
}

/*
 * Configure @mask, fill the batches with a system call (before the
 * activation, so that only the activation's return can drain them),
 * activate, run a window. A configuration without QL is a positive
 * control.
 */
static int scenario(__u64 mask, bool syscall_fill, enum fill fill)
{
	if (isol_activate(0) || isol_set_quiesce(mask))
		return -1;
	if (syscall_fill && fill_syscall())
		return -1;
	if (isol_activate(Q))
		return -1;
	return window(fill);
}

/* A positive control: retried until it sees the work, a few times. */
static int control(struct __test_metadata *_metadata, int (*run)(void), const char *what)
{
	int n = 0, i;

	for (i = 1; i <= CONTROL_TRIES; i++) {
		n = run();
		if (n != 0)
			break;
		TH_LOG("%s: attempt %d saw no %s on CPU %d, retrying", what, i, WORK_FN, ctx.cpu);
	}
	return n;
}

/* ---- The main claim, per trigger and per way of filling ---- */

/* Setup failed or skipped: undo, then report (the harness skips teardown). */
#define LRU_SETUP(how) do {						\
	char why[160];							\
	int code = drain_setup(how, why, sizeof(why));			\
									\
	if (code)							\
		drain_teardown();					\
	if (code == KSFT_SKIP)						\
		SKIP(return, "%s", why);				\
	ASSERT_EQ(0, code) {						\
		TH_LOG("%s", why);					\
	}								\
} while (0)

FIXTURE(lru) {
};

FIXTURE_VARIANT(lru) {
	enum trigger how;
};

FIXTURE_VARIANT_ADD(lru, drop_caches) {
	.how = DROP_CACHES,
};

FIXTURE_VARIANT_ADD(lru, madv_collapse) {
	.how = COLLAPSE,
};

FIXTURE_SETUP(lru)
{
	LRU_SETUP(variant->how);
}

FIXTURE_TEARDOWN(lru)
{
	drain_teardown();
}

static int syscall_fill_vmstat_only(void)
{
	return scenario(QV, true, FILL_NONE);
}

static int fault_fill_vmstat_only(void)
{
	return scenario(QV, false, FILL_FAULTS);
}

/*
 * Batches filled by system calls: drained on the activating call's
 * return, and on every later system call's.
 */
TEST_F_TIMEOUT(lru, syscall_fill_drained_on_syscall_return, 240)
{
	int off, on, on_active;

	off = control(_metadata, syscall_fill_vmstat_only, "vmstat_sync only");
	on = scenario(QL, true, FILL_NONE);
	/* Already active: the filling call's own return drains. */
	ASSERT_EQ(0, fill_syscall());
	on_active = window(FILL_NONE);
	TH_LOG("%s on CPU %d, %s, batches filled by pwrite(): without lru_drain %d, with lru_drain %d (filled before the activation), %d (filled while active)",
	       WORK_FN, ctx.cpu, trigger_name[ctx.how], off, on, on_active);
	ASSERT_LE(1, off) {
		TH_LOG("positive control: no %s on CPU %d without lru_drain: the test proves nothing",
		       WORK_FN, ctx.cpu);
	}
	EXPECT_EQ(0, on);
	EXPECT_EQ(0, on_active);
}

/*
 * Batches filled by page faults after the last system call: drained on
 * the faults' returns (the exception path).
 */
TEST_F_TIMEOUT(lru, fault_fill_drained_on_exception_return, 240)
{
	int off, on;

	off = control(_metadata, fault_fill_vmstat_only, "vmstat_sync only");
	on = scenario(QL, false, FILL_FAULTS);
	TH_LOG("%s on CPU %d, %s, batches filled by %d page faults after the last system call: without lru_drain %d, with lru_drain %d",
	       WORK_FN, ctx.cpu, trigger_name[ctx.how], FILL_PAGES, off, on);
	ASSERT_LE(1, off) {
		TH_LOG("positive control: no %s on CPU %d without lru_drain: the test proves nothing",
		       WORK_FN, ctx.cpu);
	}
	EXPECT_EQ(0, on);
}

/* ---- The rules of section 4 applied to lru_drain (drop_caches) ---- */

FIXTURE(rules) {
};

FIXTURE_SETUP(rules)
{
	LRU_SETUP(DROP_CACHES);
}

FIXTURE_TEARDOWN(rules)
{
	drain_teardown();
}

static int fill_then_window(void)
{
	if (fill_syscall())
		return -1;
	return window(FILL_NONE);
}

/*
 * One-shot: lru_drain in quiesce_oneshot_mask drains on the activating
 * call's return only; later returns fold vmstat (the other bit) but leave
 * the batches alone.
 */
TEST_F_TIMEOUT(rules, oneshot_drains_the_activating_return_only, 240)
{
	int at_activation, later;

	ASSERT_EQ(0, isol_set_quiesce(QV | QL));
	ASSERT_EQ(0, fill_syscall());
	ASSERT_EQ(0, isol_activate_oneshot(Q, QL));
	at_activation = window(FILL_NONE);
	later = control(_metadata, fill_then_window, "after the one-shot");
	TH_LOG("%s on CPU %d: filled before the one-shot activation %d, filled after it %d",
	       WORK_FN, ctx.cpu, at_activation, later);
	ASSERT_LE(1, later);
	EXPECT_EQ(0, at_activation);
}

/* Deactivation: from the deactivating call's return on, the work comes back. */
TEST_F_TIMEOUT(rules, deactivation_brings_the_drain_work_back, 240)
{
	int active, after;

	ASSERT_EQ(0, isol_set_quiesce(QL));
	ASSERT_EQ(0, isol_activate(Q));
	active = fill_then_window();
	ASSERT_EQ(0, isol_activate(0));
	after = control(_metadata, fill_then_window, "deactivated");
	TH_LOG("%s on CPU %d: active %d, after deactivation %d", WORK_FN, ctx.cpu, active, after);
	ASSERT_LE(1, after);
	EXPECT_EQ(0, active);
}

/*
 * Changing quiesce_mask while active takes effect at the next return
 * (SPEC section 4): the CFG_SET's own.
 */
TEST_F_TIMEOUT(rules, mask_change_while_active_applies_at_next_return, 240)
{
	int removed, added;

	ASSERT_EQ(0, isol_set_quiesce(QL));
	ASSERT_EQ(0, isol_activate(Q));
	/* lru_drain removed while active: no drain from this return on. */
	ASSERT_EQ(0, isol_set_quiesce(QV));
	removed = control(_metadata, fill_then_window, "lru_drain removed");
	/* Added back while active: the CFG_SET's return drains. */
	ASSERT_EQ(0, fill_syscall());
	ASSERT_EQ(0, isol_set_quiesce(QV | QL));
	added = window(FILL_NONE);
	TH_LOG("%s on CPU %d: lru_drain removed while active %d, added back while active %d",
	       WORK_FN, ctx.cpu, removed, added);
	ASSERT_LE(1, removed);
	EXPECT_EQ(0, added);
}

/* A one-shot mask must be a subset of quiesce_mask, with two bits too. */
TEST_F(rules, oneshot_not_a_subset_is_einval)
{
	struct isol_state before, after;

	ASSERT_EQ(0, isol_set_quiesce(QV));
	ASSERT_EQ(0, isol_get_state(&before));
	EXPECT_EQ(-1, isol_activate_oneshot(Q, QL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, isol_activate_oneshot(Q, QV | QL));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, isol_get_state(&after));
	EXPECT_TRUE(isol_state_eq(&before, &after));
	ASSERT_EQ(0, isol_set_quiesce(QL));
	EXPECT_EQ(-1, isol_activate_oneshot(Q, QV));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, isol_set_quiesce(QV | QL));
	EXPECT_EQ(0, isol_activate_oneshot(Q, QV | QL));
	ASSERT_EQ(0, isol_get_state(&after));
	EXPECT_EQ(QV | QL, after.oneshot);
}

/*
 * Inheritance: the parent, active with lru_drain, forks a child on the
 * isolated CPU that makes no system call at all in the window, only page
 * faults (its first return is the fork's). With ISOL_INHERIT_ACTIVE the
 * child quiesces from that first return on and its faults leave nothing
 * batched; with ISOL_INHERIT_CONF alone (the control) it is not active,
 * and the drain work runs.
 */
static int inherit_window(__u8 inherit)
{
	int status;
	pid_t pid;

	if (isol_activate(0) || isol_set_quiesce(QL) || isol_set_inherit(inherit) ||
	    isol_activate(Q))
		return -1;
	next_tags();
	if (marker(ctx.start_tag))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		struct isol_state s;

		if (fill_fault() || trigger_and_spin(SPIN_SECS))
			_exit(20);
		/* The window is over: now check what the child inherited. */
		if (isol_get_state(&s))
			_exit(21);
		if (s.quiesce_mask != QL || s.active != ((inherit & IA) ? Q : 0))
			_exit(22);
		_exit(0);
	}
	/* The parent sleeps (no return to user) until the child is done. */
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		return -1;
	/* The child's ctx is its own copy: keep ours in step. */
	ctx.seq++;
	ctx.anon_next += FILL_PAGES;
	if (marker(ctx.end_tag))
		return -1;
	return count_work();
}

static int inherit_conf_only(void)
{
	return inherit_window(IC);
}

TEST_F_TIMEOUT(rules, inherited_activation_drains_from_the_first_return, 240)
{
	int conf_only, active;

	conf_only = control(_metadata, inherit_conf_only, "child with ISOL_INHERIT_CONF only");
	active = inherit_window(IC | IA);
	TH_LOG("%s on CPU %d, a child faulting in %d pages: ISOL_INHERIT_CONF only %d, ISOL_INHERIT_CONF|ACTIVE %d",
	       WORK_FN, ctx.cpu, FILL_PAGES, conf_only, active);
	ASSERT_LE(1, conf_only);
	EXPECT_EQ(0, active);
}

/* ---- vmstat_sync on the exception path ---- */

static char vmstat_buf[32768];

/* Lowest "stats threshold" of the populated zones in /proc/zoneinfo. */
static long stat_threshold(void)
{
	static char buf[65536];
	long t, min = -1;
	char *p;

	if (slurp("/proc/zoneinfo", buf, sizeof(buf)))
		return -1;
	for (p = buf; (p = strstr(p, "vm stats threshold: ")); p++) {
		t = atol(p + strlen("vm stats threshold: "));
		if (t > 0 && (min < 0 || t < min))
			min = t;
	}
	return min;
}

/* nr_anon_pages from one pread() of the open /proc/vmstat, or -1. */
static long pread_anon(int fd)
{
	ssize_t n = pread(fd, vmstat_buf, sizeof(vmstat_buf) - 1, 0);
	char *p;

	if (n <= 0)
		return -1;
	vmstat_buf[n] = 0;
	p = strstr(vmstat_buf, "\nnr_anon_pages ");
	return p ? atol(p + strlen("\nnr_anon_pages ")) : -1;
}

/*
 * How much nr_anon_pages moves over @pages page faults and nothing else:
 * every CPU's differentials folded first (stat_refresh), then one pread(),
 * the faults, one pread(). The pread()s read the counters before their
 * own return: only the faults' returns can have folded.
 */
static long fault_delta(int fd, int pages)
{
	long before, after;
	int i;

	if (write_str("/proc/sys/vm/stat_refresh", "1"))
		return LONG_MIN;
	before = pread_anon(fd);
	for (i = 0; i < pages; i++, ctx.anon_next++)
		ctx.anon[(long)ctx.anon_next * page_size] = 1;
	after = pread_anon(fd);
	if (before < 0 || after < 0)
		return LONG_MIN;
	return after - before;
}

TEST(vmstat_folded_on_fault_return)
{
	long thr, off = LONG_MIN, on = LONG_MIN;
	int cpu = isol_isolated_cpu(), fd, pages, i;

	page_size = sysconf(_SC_PAGESIZE);
	if (cpu < 0)
		SKIP(return, ISOL_NO_ISOLATED_CPU);
	if (pin_to_cpu(cpu))
		SKIP(return, "cannot run on the isolated CPU %d", cpu);
	thr = stat_threshold();
	ASSERT_LT(1, thr);
	/* Below the per-CPU threshold: only a fold makes them visible. */
	pages = thr / 2 < FILL_PAGES ? thr / 2 : FILL_PAGES;
	ctx.anon = mmap(NULL, ANON_PAGES * page_size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ctx.anon);
	madvise(ctx.anon, ANON_PAGES * page_size, MADV_NOHUGEPAGE);
	ctx.anon_next = 0;
	fd = open("/proc/vmstat", O_RDONLY);
	ASSERT_LE(0, fd);
	memset(vmstat_buf, 0, sizeof(vmstat_buf));
	warm_stack(16);

	/* Without quiescing: a few tries, one must see exactly 0. */
	for (i = 0; i < CONTROL_TRIES && off != 0; i++)
		off = fault_delta(fd, pages);
	/* vmstat_sync only: a few tries, one must see exactly the faults. */
	ASSERT_EQ(0, isol_set_quiesce(QV));
	ASSERT_EQ(0, isol_activate(Q));
	for (i = 0; i < CONTROL_TRIES && on != pages; i++)
		on = fault_delta(fd, pages);
	TH_LOG("nr_anon_pages after %d page faults on CPU %d (stats threshold %ld): not quiescing +%ld, vmstat_sync +%ld",
	       pages, cpu, thr, off, on);
	EXPECT_EQ(0, off) {
		TH_LOG("positive control: the faults showed without quiescing: the test proves nothing");
	}
	EXPECT_EQ(pages, on);
	close(fd);
}

TEST_HARNESS_MAIN
