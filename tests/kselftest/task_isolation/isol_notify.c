// SPDX-License-Identifier: GPL-2.0
/*
 * ISOL_F_NOTIFY (SPEC section 7, Documentation/notify-design.md section 9):
 * a task with the feature active that enters the kernel from user mode for
 * an event of its event_mask (a system call other than the exempt ones, an
 * exception, an interrupt) gets one "break": the class counter of
 * /proc/<pid>/task_isolation grows, last_break names the class, the
 * task_isolation:isol_break tracepoint fires and, when signo is not 0, the
 * signal is sent (si_code SI_KERNEL) before the task returns to user space.
 *
 * Every test runs pinned on the isolated CPU (isol_isolated_cpu(), CPU 1 on
 * the QEMU runner), with every page it owns faulted in and locked
 * (mlockall(MCL_CURRENT) after warming the stack), so that the only entries
 * into the kernel between an activation and the deactivation are the ones
 * the test makes on purpose: a system call, the write to a page mmap()ed
 * after the mlockall(), or an interrupt another thread causes. Nothing in
 * such a region prints or asserts (a print is a system call, thus a break):
 * the region records counts into locals, deactivates with the exempt
 * prctl, and only then checks. Spins count iterations, never the clock
 * (without a vDSO clocksource clock_gettime() is a system call).
 *
 * The signal handlers only write memory. Each claim comes with the case
 * that would show it if the kernel were wrong: "no break" (not active, a
 * class outside event_mask, an exempt call) next to "one break" (the same
 * action in the class), so that neither an always-signalling nor a
 * never-signalling kernel passes. Should the kernel count an exempt call
 * that the handler itself makes (rt_sigreturn), every delivery would cause
 * the next: the handler deactivates after SIG_LIMIT signals so that the
 * test fails instead of hanging.
 */
#include "isol_common.h"
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "isol_trace.h"
#include "../kselftest_harness.h"

#define N	ISOL_F_NOTIFY
#define Q	ISOL_F_QUIESCE
#define QV	ISOL_F_QUIESCE_VMSTATS
#define NS	ISOL_NOTIFY_SYSCALL
#define NE	ISOL_NOTIFY_EXCEPTION
#define NI	ISOL_NOTIFY_INTERRUPT
#define IC	ISOL_INHERIT_CONF
#define IA	ISOL_INHERIT_ACTIVE

#ifndef SI_KERNEL
#define SI_KERNEL	0x80
#endif

#define SPIN		2000000L	/* iterations of a pure user-space spin */
#define SIG_LIMIT	100000		/* the handler deactivates after this many */
#define FRESH_PAGES	16
#define ALT_PAGES	16		/* alternate signal stack, 64 KiB */
#define SCRIBBLE	(3 * 4096)	/* stack bytes the alt-stack handler writes */
#define SHOOT_ROUNDS	20		/* mprotect() RW->R->RW rounds per phase */
#define TRACE_INSTANCE	"isol_notify"

enum { SYSC, EXC, INTR };

/* ---- Signals: what the handlers saw ---- */

struct sigrec {
	int count;		/* deliveries */
	int not_kernel;		/* deliveries with si_code != SI_KERNEL */
	int bad;		/* deliveries with a wrong si_signo or si_errno != 0 */
	int last_code;		/* si_code of the last delivery */
	int off_alt;		/* scribbling handler: runs not on the alt stack */
};

static volatile struct sigrec rec[NSIG];
static volatile int total_signals;
static char *volatile alt_lo, *volatile alt_hi;

static void record(int sig, const siginfo_t *si)
{
	volatile struct sigrec *r = &rec[sig];

	r->count++;
	r->last_code = si->si_code;
	if (si->si_code != SI_KERNEL)
		r->not_kernel++;
	if (si->si_signo != sig || si->si_errno)
		r->bad++;
	if (++total_signals == SIG_LIMIT) {
		__u64 off = 0;

		/* A signal storm: stop it (the PR_ISOL_* prctls are exempt). */
		prctl(PR_ISOL_ACTIVATE_SET, &off, 0, 0, 0);
	}
}

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	record(sig, si);
}

/*
 * Records, then writes SCRIBBLE bytes of its own stack frame: on an alt
 * stack whose pages below the signal frame were never touched, these
 * writes are user-mode page faults.
 */
static void on_signal_scribble(int sig, siginfo_t *si, void *uc)
{
	volatile char buf[SCRIBBLE];
	int i;

	(void)uc;
	record(sig, si);
	if ((char *)buf < alt_lo || (char *)buf >= alt_hi)
		rec[sig].off_alt++;
	for (i = 0; i < SCRIBBLE; i += 64)
		buf[i] = (char)i;
	buf[SCRIBBLE - 1] = 1;
}

static int handle(int sig, int flags, void (*fn)(int, siginfo_t *, void *))
{
	struct sigaction sa = { .sa_sigaction = fn, .sa_flags = SA_SIGINFO | flags };

	sigemptyset(&sa.sa_mask);
	return sigaction(sig, &sa, NULL);
}

/* ---- The notify configuration and /proc ---- */

static int nt_set(__u64 events, __u32 signo)
{
	struct task_isol_notify_control c = { .event_mask = events, .signo = signo };

	return prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, ISOL_F_NOTIFY, &c, 0);
}

static int nt_get(struct task_isol_notify_control *c)
{
	memset(c, 0, sizeof(*c));
	return prctl(PR_ISOL_CFG_GET, I_CFG_FEAT, ISOL_F_NOTIFY, c, 0);
}

struct nt_status {
	unsigned long long configured, active, mask, brk[3];
	long signo;
	char last[16];
};

/* The text after "@key: " at the start of a line of @buf, or NULL. */
static const char *nt_field(const char *buf, const char *key)
{
	size_t len = strlen(key);
	const char *p = buf;

	while (p && *p) {
		if (!strncmp(p, key, len) && p[len] == ':' && p[len + 1] == ' ')
			return p + len + 2;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

static char status_text[2048];	/* the last text read, for the logs */

/* Parses the task_isolation file @path into @st; 0 or -1. */
static int nt_status_at(const char *path, struct nt_status *st)
{
	static const char *const brk_keys[3] = {
		"breaks_syscall", "breaks_exception", "breaks_interrupt",
	};
	const char *f;
	char *end;
	int i;

	memset(st, 0, sizeof(*st));
	if (slurp(path, status_text, sizeof(status_text)))
		return -1;
#define NUM(key, base, dst) do {					\
	f = nt_field(status_text, key);					\
	if (!f)								\
		return -1;						\
	dst = strtoull(f, &end, base);					\
	if (end == f)							\
		return -1;						\
} while (0)
	NUM("configured", 16, st->configured);
	NUM("active_mask", 16, st->active);
	NUM("notify_mask", 16, st->mask);
	NUM("notify_signo", 10, st->signo);
	for (i = 0; i < 3; i++)
		NUM(brk_keys[i], 10, st->brk[i]);
#undef NUM
	f = nt_field(status_text, "last_break");
	if (!f || sscanf(f, "%15s", st->last) != 1)
		return -1;
	return 0;
}

static int nt_status(struct nt_status *st)
{
	return nt_status_at("/proc/thread-self/task_isolation", st);
}

/* ---- The measured regions' building blocks ---- */

static int nt_cpu;

static pid_t gettid_(void)
{
	return syscall(SYS_gettid);
}

/* fork() without glibc's work in the child (set_robust_list & co). */
static pid_t raw_fork(void)
{
	return syscall(SYS_clone, SIGCHLD, 0, NULL, NULL, 0);
}

static long do_getppid(void)
{
	return syscall(SYS_getppid);
}

static void __attribute__((noinline)) user_spin(long n)
{
	volatile long i;

	for (i = 0; i < n; i++)
		;
}

/* A first write to a page: one page fault (a read then a write would be two). */
static void touch(char *p)
{
	*(volatile char *)p = 1;
}

/* @n pages mmap()ed after the mlockall(), so not faulted in yet. */
static char *fresh_pages(int n)
{
	char *p = mmap(NULL, n * page_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, n * page_size, MADV_NOHUGEPAGE);	/* one fault per page */
	return p;
}

/* Touches @kib KiB of stack, so that later frames and signal frames take no fault. */
static void __attribute__((noinline)) warm_stack(int kib)
{
	volatile char buf[1024];

	memset((char *)buf, 1, sizeof(buf));
	if (kib > 1)
		warm_stack(kib - 1);
}

/*
 * Common setup: ISOL_F_NOTIFY supported, pinned on the isolated CPU,
 * SIGUSR1 (SA_NODEFER, so that a break inside the handler is delivered at
 * once, no coalescing) and SIGUSR2 (default mask) recorded, everything
 * faulted in and locked, and the /proc state of a task that never had
 * any. 0, or 1 when the test is skipped.
 */
static int nt_setup(struct __test_metadata *_metadata)
{
	struct nt_status st;
	__u64 feat = 0;
	int r;

	page_size = sysconf(_SC_PAGESIZE);
	r = prctl(PR_ISOL_FEAT_GET, 0, &feat, 0, 0);
	if (r || !(feat & N))
		SKIP(return 1, "kernel without ISOL_F_NOTIFY (PR_ISOL_FEAT_GET(0): %s, features %#llx)",
		     r ? strerror(errno) : "ok", (unsigned long long)feat);
	nt_cpu = isol_isolated_cpu();
	if (nt_cpu < 0)
		SKIP(return 1, ISOL_NO_ISOLATED_CPU);
	if (pin_to_cpu(nt_cpu))
		SKIP(return 1, "cannot run on the isolated CPU %d: %s", nt_cpu, strerror(errno));
	ASSERT_EQ(0, handle(SIGUSR1, SA_NODEFER, on_signal));
	ASSERT_EQ(0, handle(SIGUSR2, 0, on_signal));
	memset((void *)rec, 0, sizeof(rec));
	total_signals = 0;
	warm_stack(64);
	ASSERT_EQ(0, mlockall(MCL_CURRENT)) {
		TH_LOG("mlockall(MCL_CURRENT): %s", strerror(errno));
	}
	ASSERT_EQ(0, nt_status(&st)) {
		TH_LOG("cannot parse /proc/thread-self/task_isolation:\n%s", status_text);
	}
	/* A new task (the harness forked this one) starts with nothing. */
	EXPECT_EQ(0, st.mask);
	EXPECT_EQ(0, st.signo);
	EXPECT_EQ(0, st.brk[SYSC] + st.brk[EXC] + st.brk[INTR]);
	EXPECT_STREQ("none", st.last);
	return 0;
}

FIXTURE(notify) {
};

FIXTURE_SETUP(notify)
{
	nt_setup(_metadata);
}

FIXTURE_TEARDOWN(notify)
{
	isol_activate(0);
}

/* ---- 1. A system call is one break, with one SI_KERNEL signal ---- */

FIXTURE(syscall) {
};

FIXTURE_VARIANT(syscall) {
	__u64 activate;
};

FIXTURE_VARIANT_ADD(syscall, notify) {
	.activate = N,
};

FIXTURE_VARIANT_ADD(syscall, notify_and_quiesce) {
	.activate = N | Q,
};

FIXTURE_SETUP(syscall)
{
	nt_setup(_metadata);
}

FIXTURE_TEARDOWN(syscall)
{
	isol_activate(0);
}

TEST_F(syscall, getppid_is_one_break_with_one_si_kernel_signal)
{
	struct task_isol_notify_control nc;
	struct nt_status st0, st;
	__u64 act = 0;
	long ppid;
	int c[9], rc;

	ASSERT_EQ(0, nt_set(NS, SIGUSR1));
	if (variant->activate & Q) {
		ASSERT_EQ(0, isol_set_quiesce(QV));
	}

	/* Control: configured but not active, getppid() is no break. */
	c[0] = rec[SIGUSR1].count;
	do_getppid();
	c[1] = rec[SIGUSR1].count;
	ASSERT_EQ(0, nt_status(&st0));

	/* Measured: nothing but the calls under test until the deactivation. */
	ASSERT_EQ(0, isol_activate(variant->activate));
	c[2] = rec[SIGUSR1].count;	/* the activating call's return */
	prctl(PR_ISOL_ACTIVATE_GET, &act, 0, 0, 0);
	nt_get(&nc);
	c[3] = rec[SIGUSR1].count;	/* two exempt PR_ISOL_* calls */
	ppid = do_getppid();
	c[4] = rec[SIGUSR1].count;	/* one break */
	user_spin(SPIN);
	c[5] = rec[SIGUSR1].count;	/* user space only */
	prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
	c[6] = rec[SIGUSR1].count;	/* a prctl that is not PR_ISOL_*: a break */
	rc = isol_activate(0);
	c[7] = rec[SIGUSR1].count;	/* the deactivating call */
	do_getppid();
	c[8] = rec[SIGUSR1].count;	/* deactivated */

	ASSERT_EQ(0, rc);
	ASSERT_EQ(0, nt_status(&st)) {
		TH_LOG("cannot parse /proc/thread-self/task_isolation:\n%s", status_text);
	}
	TH_LOG("SIGUSR1 deliveries: not active %d; active: activation %d, PR_ISOL_* gets %d, getppid %d, spin %d, PR_GET_DUMPABLE %d, deactivation %d; after %d; breaks_syscall %llu, last_break %s",
	       c[1] - c[0], c[2] - c[1], c[3] - c[2], c[4] - c[3], c[5] - c[4],
	       c[6] - c[5], c[7] - c[6], c[8] - c[7], st.brk[SYSC], st.last);
	EXPECT_EQ(0, c[1] - c[0]) {
		TH_LOG("a break without activation");
	}
	EXPECT_EQ(0, st0.brk[SYSC]);
	EXPECT_EQ(0, c[2] - c[1]) {
		TH_LOG("the activating call's return was a break");
	}
	EXPECT_EQ(variant->activate, act);
	EXPECT_EQ(NS, nc.event_mask);
	EXPECT_EQ(SIGUSR1, nc.signo);
	EXPECT_EQ(0, c[3] - c[2]) {
		TH_LOG("an exempt PR_ISOL_* call was a break");
	}
	EXPECT_EQ(getppid(), ppid);
	EXPECT_EQ(1, c[4] - c[3]);
	EXPECT_EQ(0, c[5] - c[4]);
	EXPECT_EQ(1, c[6] - c[5]);
	EXPECT_EQ(0, c[7] - c[6]) {
		TH_LOG("the deactivating call was a break");
	}
	EXPECT_EQ(0, c[8] - c[7]);
	EXPECT_EQ(0, rec[SIGUSR1].not_kernel);
	EXPECT_EQ(SI_KERNEL, rec[SIGUSR1].last_code);
	EXPECT_EQ(0, rec[SIGUSR1].bad);
	EXPECT_EQ(2, st.brk[SYSC]);
	EXPECT_EQ(0, st.brk[EXC]);
	EXPECT_EQ(0, st.brk[INTR]);
	EXPECT_STREQ("syscall", st.last);
	EXPECT_EQ(NS, st.mask);
	EXPECT_EQ(SIGUSR1, st.signo);
	EXPECT_EQ(N, st.configured & N);
	EXPECT_EQ(0, st.active);
}

/* ---- 2. The first touch of a fresh page is one exception break ---- */

FIXTURE(exception) {
};

FIXTURE_VARIANT(exception) {
	__u32 signo;
};

FIXTURE_VARIANT_ADD(exception, sigusr1) {
	.signo = SIGUSR1,
};

FIXTURE_VARIANT_ADD(exception, signo_0) {
	.signo = 0,
};

FIXTURE_SETUP(exception)
{
	nt_setup(_metadata);
}

FIXTURE_TEARDOWN(exception)
{
	isol_activate(0);
}

TEST_F(exception, fresh_page_is_one_break_second_touch_none)
{
	struct nt_status st1, st2;
	int c[4], d[2], rc, rc2;
	char *p = fresh_pages(2);

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, nt_set(NE, variant->signo));
	ASSERT_EQ(0, isol_activate(N));
	c[0] = total_signals;
	touch(p);
	c[1] = total_signals;		/* one break */
	touch(p);
	(void)*(volatile char *)p;
	c[2] = total_signals;		/* present page: none */
	user_spin(SPIN);
	c[3] = total_signals;
	rc = isol_activate(0);
	ASSERT_EQ(0, rc);
	ASSERT_EQ(0, nt_status(&st1));

	/* Control: a SYSCALL-only configuration, a fresh page. */
	ASSERT_EQ(0, nt_set(NS, SIGUSR1));
	ASSERT_EQ(0, isol_activate(N));
	d[0] = total_signals;
	touch(p + page_size);
	d[1] = total_signals;
	rc2 = isol_activate(0);
	ASSERT_EQ(0, rc2);
	ASSERT_EQ(0, nt_status(&st2));

	TH_LOG("signo %u: first touch %d signal(s), second touch %d, spin %d; breaks_exception %llu, last_break %s; SYSCALL-only, fresh page: %d signal(s), breaks_exception %llu",
	       variant->signo, c[1] - c[0], c[2] - c[1], c[3] - c[2], st1.brk[EXC], st1.last,
	       d[1] - d[0], st2.brk[EXC]);
	EXPECT_EQ(variant->signo ? 1 : 0, c[1] - c[0]);
	EXPECT_EQ(0, c[2] - c[1]);
	EXPECT_EQ(0, c[3] - c[2]);
	EXPECT_EQ(1, st1.brk[EXC]);
	EXPECT_EQ(0, st1.brk[SYSC]);
	EXPECT_EQ(0, st1.brk[INTR]);
	EXPECT_STREQ("exception", st1.last);
	EXPECT_EQ(0, rec[SIGUSR1].not_kernel);
	EXPECT_EQ(0, d[1] - d[0]) {
		TH_LOG("a page fault signalled with EXCEPTION not in event_mask");
	}
	EXPECT_EQ(1, st2.brk[EXC]);
	EXPECT_EQ(0, st2.brk[SYSC]);
}

/* ---- 3. A TLB shootdown IPI is an interrupt break ---- */

/* Thread B, on a housekeeping CPU, mprotect()s the page A reads. */
struct shooter {
	char *page;
	int cpu;
	int cmd;	/* sequence number of the last round asked for; -1: exit */
	int ack;	/* sequence number of the last round done */
	int err;	/* errno of a failed pin or mprotect() */
};

static void *shooter_main(void *arg)
{
	struct shooter *s = arg;
	int seen = 0, cmd, i;

	if (pin_to_cpu(s->cpu))
		s->err = errno;
	for (;;) {
		cmd = __atomic_load_n(&s->cmd, __ATOMIC_ACQUIRE);
		if (cmd < 0)
			return NULL;
		if (cmd == seen) {
			usleep(200);
			continue;
		}
		seen = cmd;
		for (i = 0; i < SHOOT_ROUNDS && !s->err; i++) {
			/* RW->R flushes A's TLB entry: a call-function IPI to A's CPU. */
			if (mprotect(s->page, page_size, PROT_READ))
				s->err = errno;
			usleep(1000);
			if (mprotect(s->page, page_size, PROT_READ | PROT_WRITE))
				s->err = errno;
			usleep(1000);
		}
		__atomic_store_n(&s->ack, seen, __ATOMIC_RELEASE);
	}
}

struct phase {
	int signals;
	struct nt_status before, after;
	int ev;			/* isol_break events of this task */
	int ev_intr;		/* ... of class interrupt */
	int ev_callfn;		/* ... with handler sysvec_call_function* on our CPU */
	int csd_flush;		/* flush_tlb_func run on our CPU; -1: not traced */
	char handlers[256];	/* the distinct interrupt handlers seen */
};

static void phase_trace(const struct trace_inst *ti, bool csd, struct phase *ph)
{
	struct isol_break_ev ev;
	char line[512];
	int tid = gettid_();
	FILE *f;

	f = trace_inst_open_read(ti, -1);
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (isol_break_parse(line, &ev) || ev.pid != tid)
			continue;
		ph->ev++;
		if (strcmp(ev.cls, "interrupt"))
			continue;
		ph->ev_intr++;
		if (!strncmp(ev.handler, "sysvec_call_function", 20) && ev.cpu == nt_cpu)
			ph->ev_callfn++;
		if (!strstr(ph->handlers, ev.handler) &&
		    strlen(ph->handlers) + strlen(ev.handler) + 2 < sizeof(ph->handlers)) {
			if (ph->handlers[0])
				strcat(ph->handlers, ",");
			strcat(ph->handlers, ev.handler);
		}
	}
	fclose(f);
	ph->csd_flush = -1;
	if (!csd)
		return;
	f = trace_inst_open_read(ti, nt_cpu);
	if (!f)
		return;
	ph->csd_flush = 0;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "csd_function_entry:") && strstr(line, "func=flush_tlb_func"))
			ph->csd_flush++;
	fclose(f);
}

/*
 * One phase: configure @events with SIGUSR1, activate, let B run its
 * rounds while this thread reads the page in a loop, deactivate. 0 or -1.
 */
static int shoot_phase(struct shooter *s, __u64 events, const struct trace_inst *ti,
		       bool csd, struct phase *ph)
{
	int seq = s->cmd + 1, c0, rc;

	memset(ph, 0, sizeof(*ph));
	ph->csd_flush = -1;
	if (nt_set(events, SIGUSR1) || nt_status(&ph->before))
		return -1;
	if (ti && trace_inst_clear(ti))
		return -1;
	c0 = total_signals;
	if (isol_activate(N))
		return -1;
	__atomic_store_n(&s->cmd, seq, __ATOMIC_RELEASE);
	while (__atomic_load_n(&s->ack, __ATOMIC_ACQUIRE) != seq)
		(void)*(volatile char *)s->page;
	rc = isol_activate(0);
	ph->signals = total_signals - c0;
	if (rc || nt_status(&ph->after))
		return -1;
	if (ti)
		phase_trace(ti, csd, ph);
	return s->err ? -1 : 0;
}

static unsigned long long delta(const struct phase *ph, int cls)
{
	return ph->after.brk[cls] - ph->before.brk[cls];
}

TEST_F_TIMEOUT(notify, tlb_shootdown_ipi_is_an_interrupt_break, 120)
{
	static const char *const events[] = {
		ISOL_BREAK_EVENT, "csd/csd_function_entry", NULL,
	};
	struct shooter s = { 0 };
	struct trace_inst ti;
	struct phase neg, pos;
	char why[256];
	bool traced, csd = false;
	pthread_t thread;
	int hk, r1, r2;

	hk = isol_housekeeping_cpu();
	if (hk < 0 || hk == nt_cpu)
		SKIP(return, "%s", ISOL_NO_HOUSEKEEPING_CPU);
	s.cpu = hk;
	s.page = fresh_pages(1);
	ASSERT_NE(NULL, s.page);
	touch(s.page);
	traced = !trace_inst_open(&ti, TRACE_INSTANCE, ISOL_BREAK_EVENT, why, sizeof(why));
	if (traced)
		csd = !trace_inst_enable(&ti, "csd/csd_function_entry", 1);
	else
		TH_LOG("%s: the handler names are not checked", why);
	ASSERT_EQ(0, pthread_create(&thread, NULL, shooter_main, &s));

	/* Negative: SYSCALL only, B shoots while A spins in user space. */
	r1 = shoot_phase(&s, NS, traced ? &ti : NULL, csd, &neg);
	/* Positive: INTERRUPT. */
	r2 = shoot_phase(&s, NI, traced ? &ti : NULL, csd, &pos);

	__atomic_store_n(&s.cmd, -1, __ATOMIC_RELEASE);
	pthread_join(thread, NULL);
	if (traced)
		trace_inst_close(&ti, events);
	ASSERT_EQ(0, r1 | r2) {
		TH_LOG("a phase failed: %s", s.err ? strerror(s.err) : "prctl or /proc");
	}
	TH_LOG("CPU %d, B on CPU %d, %d mprotect() rounds per phase",
	       nt_cpu, hk, SHOOT_ROUNDS);
	TH_LOG("SYSCALL only: %d signal(s), breaks +%llu/+%llu/+%llu, isol_break events %d, flush_tlb_func on CPU %d: %d",
	       neg.signals, delta(&neg, SYSC), delta(&neg, EXC), delta(&neg, INTR),
	       neg.ev, nt_cpu, neg.csd_flush);
	TH_LOG("INTERRUPT: %d signal(s), breaks +%llu/+%llu/+%llu, last_break %s, isol_break events %d (interrupt %d, sysvec_call_function* on CPU %d: %d, handlers %s), flush_tlb_func on CPU %d: %d",
	       pos.signals, delta(&pos, SYSC), delta(&pos, EXC), delta(&pos, INTR),
	       pos.after.last, pos.ev, pos.ev_intr, nt_cpu, pos.ev_callfn,
	       pos.handlers[0] ? pos.handlers : "-", nt_cpu, pos.csd_flush);

	/* 7.2 on AMD hosts with INVLPGB flushes remote TLBs without an IPI. */
	if (neg.csd_flush == 0 && pos.csd_flush == 0)
		SKIP(return, "no flush_tlb_func ran on CPU %d in either phase: this system flushes TLBs without IPIs (e.g. INVLPGB)",
		     nt_cpu);

	EXPECT_EQ(0, neg.signals);
	EXPECT_EQ(0, delta(&neg, SYSC) + delta(&neg, EXC) + delta(&neg, INTR));
	EXPECT_EQ(0, neg.ev);
	if (neg.csd_flush >= 0) {
		EXPECT_LE(1, neg.csd_flush) {
			TH_LOG("control: B's mprotect() ran no flush_tlb_func on CPU %d: the negative proves nothing",
			       nt_cpu);
		}
	}

	EXPECT_LE(1, delta(&pos, INTR));
	/* SA_NODEFER: every break's signal is delivered at once, none coalesce. */
	EXPECT_EQ(delta(&pos, INTR), (unsigned long long)pos.signals);
	EXPECT_EQ(0, delta(&pos, SYSC));
	EXPECT_EQ(0, delta(&pos, EXC));
	EXPECT_EQ(NI, pos.after.mask);
	if (delta(&pos, INTR)) {
		EXPECT_STREQ("interrupt", pos.after.last);
	}
	EXPECT_EQ(0, rec[SIGUSR1].not_kernel);
	if (traced) {
		EXPECT_EQ(pos.ev_intr, pos.ev);
		EXPECT_EQ(delta(&pos, INTR), (unsigned long long)pos.ev_intr);
		EXPECT_LE(1, pos.ev_callfn) {
			TH_LOG("no isol_break with handler=sysvec_call_function* on CPU %d", nt_cpu);
		}
	}
}

/* ---- 3b. An interrupt leaves no exit work behind ---- */

#define LOOP_CALLS	1000	/* getpid() calls per measured loop */
#define EXIT_PROBE	"rcu_nocb_flush_deferred_wakeup"

/*
 * The calls of EXIT_PROBE by this thread during LOOP_CALLS getpid() calls
 * (and the return of the write() that starts the count); -1 on error.
 */
static long probe_calls_over_getpid(const struct fn_counter *fc)
{
	int i, r0, r1;

	r0 = fn_counter_start(fc);
	for (i = 0; i < LOOP_CALLS; i++)
		syscall(SYS_getpid);
	r1 = fn_counter_stop(fc);
	if (r0 || r1)
		return -1;
	return fn_counter_count(fc, nt_cpu, gettid_());
}

/*
 * Every user-mode entry other than a system call of a task that notifies
 * exceptions records a tentative exception and sets the task's
 * TIF_TASK_ISOL work bit; an interrupt withdraws the exception, and the
 * return to user space must then clear the bit again, or from then on
 * every return (every system call) makes a round of the exit work loop
 * for task_isol_exit_to_user() to do nothing.
 *
 * The Rust hook itself cannot be traced (rustc emits no __fentry__ call),
 * so the function tracer counts the rounds through the C function that
 * each return to user space on a nohz_full CPU calls once before the
 * loop, and once more at the end of each round of the loop:
 * tick_nohz_user_enter_prepare()'s rcu_nocb_flush_deferred_wakeup().
 * Calls during LOOP_CALLS getpid() calls, minus the calls of the same
 * loop without isolation (one per return), are the loop's rounds. With
 * EXCEPTION only, signo 0: B's TLB shootdowns interrupt A's user-space
 * spin, then A's loop may take a round for an interrupt now and then,
 * never one per call. Control: with quiescing active, the hook runs on
 * every return, one round each.
 */
TEST_F_TIMEOUT(notify, interrupt_leaves_no_exit_work_behind, 120)
{
	static const char *const events[] = {
		ISOL_BREAK_EVENT, "csd/csd_function_entry", NULL,
	};
	struct nt_status before, after;
	struct shooter s = { 0 };
	struct fn_counter fc;
	struct trace_inst ti;
	struct phase ph = { .csd_flush = -1 };
	long base, calls, quiesce;
	char why[256];
	bool traced, csd = false;
	pthread_t thread;
	int hk, seq, rc, rq;

	hk = isol_housekeeping_cpu();
	if (hk < 0 || hk == nt_cpu)
		SKIP(return, "%s", ISOL_NO_HOUSEKEEPING_CPU);
	if (fn_counter_open(&fc, "isol_notify_exit", EXIT_PROBE, why, sizeof(why)))
		SKIP(return, "%s", why);
	s.cpu = hk;
	s.page = fresh_pages(1);
	ASSERT_NE(NULL, s.page);
	touch(s.page);
	traced = !trace_inst_open(&ti, TRACE_INSTANCE, ISOL_BREAK_EVENT, why, sizeof(why));
	if (traced)
		csd = !trace_inst_enable(&ti, "csd/csd_function_entry", 1);
	else
		TH_LOG("%s: the IPIs are not traced", why);
	ASSERT_EQ(0, pthread_create(&thread, NULL, shooter_main, &s));

	/* Without isolation: one call per return. */
	base = probe_calls_over_getpid(&fc);

	/* Measured: no output until the deactivation. */
	ASSERT_EQ(0, nt_set(NE, 0));
	ASSERT_EQ(0, nt_status(&before));
	if (traced) {
		ASSERT_EQ(0, trace_inst_clear(&ti));
	}
	seq = s.cmd + 1;
	ASSERT_EQ(0, isol_activate(N));
	__atomic_store_n(&s.cmd, seq, __ATOMIC_RELEASE);
	while (__atomic_load_n(&s.ack, __ATOMIC_ACQUIRE) != seq)
		(void)*(volatile char *)s.page;
	calls = probe_calls_over_getpid(&fc);
	rc = isol_activate(0);

	__atomic_store_n(&s.cmd, -1, __ATOMIC_RELEASE);
	pthread_join(thread, NULL);
	ASSERT_EQ(0, rc);
	ASSERT_EQ(0, nt_status(&after));
	if (traced) {
		phase_trace(&ti, csd, &ph);
		trace_inst_close(&ti, events);
	}

	/* Control: a quiescing task runs the hook on every return. */
	ASSERT_EQ(0, isol_set_quiesce(QV));
	ASSERT_EQ(0, isol_activate(Q));
	quiesce = probe_calls_over_getpid(&fc);
	rq = isol_activate(0);
	isol_set_quiesce(0);
	fn_counter_close(&fc);
	ASSERT_EQ(0, rq);
	ASSERT_EQ(0, s.err) {
		TH_LOG("B's mprotect() failed: %s", strerror(s.err));
	}

	TH_LOG("CPU %d, B on CPU %d, %d mprotect() rounds; %s() calls during %d getpid(), by the function tracer",
	       nt_cpu, hk, SHOOT_ROUNDS, EXIT_PROBE, LOOP_CALLS);
	TH_LOG("no isolation: %ld calls; EXCEPTION only, signo 0, after the shootdowns (flush_tlb_func on CPU %d: %d): %ld calls, %ld exit loop rounds; breaks +%llu/+%llu/+%llu, isol_break events %d",
	       base, nt_cpu, ph.csd_flush, calls, calls - base,
	       after.brk[SYSC] - before.brk[SYSC], after.brk[EXC] - before.brk[EXC],
	       after.brk[INTR] - before.brk[INTR], ph.ev);
	TH_LOG("control, quiescing: %ld calls, %ld exit loop rounds", quiesce, quiesce - base);

	ASSERT_LE(0, base | calls | quiesce) {
		TH_LOG("cannot read the function trace, or it overran");
	}
	if (base < LOOP_CALLS)
		SKIP(return, "%s() is not called on every return to user space on CPU %d (%ld calls for %d getpid()): not nohz_full, or other entry code",
		     EXIT_PROBE, nt_cpu, base, LOOP_CALLS);
	EXPECT_LE(LOOP_CALLS * 9 / 10, quiesce - base) {
		TH_LOG("control: the count does not show the quiescing task's exit loop rounds: the test proves nothing");
	}
	/* 7.2 on AMD hosts with INVLPGB flushes remote TLBs without an IPI. */
	if (ph.csd_flush == 0)
		SKIP(return, "no flush_tlb_func ran on CPU %d: no IPI reached it (e.g. INVLPGB)",
		     nt_cpu);
	/* The interrupts were neither exception nor interrupt breaks. */
	EXPECT_EQ(0, after.brk[SYSC] - before.brk[SYSC]);
	EXPECT_EQ(0, after.brk[EXC] - before.brk[EXC]);
	EXPECT_EQ(0, after.brk[INTR] - before.brk[INTR]);
	if (traced) {
		EXPECT_EQ(0, ph.ev);
	}
	/* An interrupt now and then may cost a round; never every call. */
	EXPECT_GE(LOOP_CALLS / 10, calls - base) {
		TH_LOG("%ld exit loop rounds in %d getpid(): TIF_TASK_ISOL stayed set after an interrupt",
		       calls - base, LOOP_CALLS);
	}
}

/* ---- 4. signo SIGKILL kills on the first break ---- */

struct child_report {
	int step;		/* 1: before getppid(), 2: after it, 3: done */
	int stat_err;
	struct nt_status st;
};

/*
 * A child configures SYSCALL with @signo, activates if @activate, calls
 * getppid(), deactivates and reads its /proc state. Its wait status.
 */
static int sigkill_child(struct child_report *r, __u32 signo, bool activate)
{
	int status = -1;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	pid = raw_fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		if (nt_set(NS, signo))
			_exit(10);
		if (activate && isol_activate(N))
			_exit(11);
		r->step = 1;
		do_getppid();
		r->step = 2;
		if (isol_activate(0))
			_exit(12);
		r->stat_err = nt_status(&r->st);
		r->step = 3;
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

TEST_F(notify, sigkill_kills_on_the_first_break)
{
	struct child_report *r;
	int killed, inactive, counted;

	r = mmap(NULL, 3 * sizeof(*r), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, r);
	killed = sigkill_child(&r[0], SIGKILL, true);
	inactive = sigkill_child(&r[1], SIGKILL, false);	/* control */
	counted = sigkill_child(&r[2], 0, true);		/* control */
	TH_LOG("SIGKILL, active: status %#x, step %d; SIGKILL, not active: status %#x, step %d, breaks_syscall %llu; signo 0, active: status %#x, step %d, breaks_syscall %llu",
	       killed, r[0].step, inactive, r[1].step, r[1].st.brk[SYSC],
	       counted, r[2].step, r[2].st.brk[SYSC]);
	ASSERT_NE(-1, killed);
	EXPECT_TRUE(WIFSIGNALED(killed) && WTERMSIG(killed) == SIGKILL);
	EXPECT_EQ(1, r[0].step) {
		TH_LOG("the child did not die at its getppid()");
	}

	EXPECT_TRUE(WIFEXITED(inactive) && WEXITSTATUS(inactive) == 0);
	EXPECT_EQ(3, r[1].step);
	EXPECT_EQ(0, r[1].stat_err);
	EXPECT_EQ(0, r[1].st.brk[SYSC]);

	EXPECT_TRUE(WIFEXITED(counted) && WEXITSTATUS(counted) == 0);
	EXPECT_EQ(3, r[2].step);
	EXPECT_EQ(0, r[2].stat_err);
	EXPECT_EQ(1, r[2].st.brk[SYSC]);
	EXPECT_STREQ("syscall", r[2].st.last);
	EXPECT_EQ(0, r[2].st.signo);
	munmap(r, 3 * sizeof(*r));
}

/* ---- 5. /proc counters equal the signals, class by class ---- */

static bool same_counters(const struct nt_status *a, const struct nt_status *b)
{
	return a->brk[SYSC] == b->brk[SYSC] && a->brk[EXC] == b->brk[EXC] &&
	       a->brk[INTR] == b->brk[INTR] && !strcmp(a->last, b->last) &&
	       a->mask == b->mask && a->signo == b->signo;
}

TEST_F(notify, proc_counters_match_signals_per_class)
{
	struct nt_status a, b, c, by_tid, by_pid;
	unsigned long long di;
	char path[64], *p = fresh_pages(8);
	int s[4], rc;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, nt_set(NS | NE, SIGUSR1));
	s[0] = total_signals;
	ASSERT_EQ(0, isol_activate(N));
	do_getppid();
	touch(p);
	do_getppid();
	touch(p + page_size);
	touch(p + 2 * page_size);
	rc = isol_activate(0);
	s[1] = total_signals;
	ASSERT_EQ(0, rc);
	ASSERT_EQ(0, nt_status(&a));

	/* Again, ending with a system call: the counters go on. */
	ASSERT_EQ(0, isol_activate(N));
	touch(p + 3 * page_size);
	do_getppid();
	rc = isol_activate(0);
	s[2] = total_signals;
	ASSERT_EQ(0, rc);
	ASSERT_EQ(0, nt_status(&b));

	/* All three classes (the tick may add interrupts). */
	ASSERT_EQ(0, nt_set(NS | NE | NI, SIGUSR1));
	ASSERT_EQ(0, isol_activate(N));
	do_getppid();
	do_getppid();
	touch(p + 4 * page_size);
	touch(p + 5 * page_size);
	user_spin(SPIN);
	rc = isol_activate(0);
	s[3] = total_signals;
	ASSERT_EQ(0, rc);
	ASSERT_EQ(0, nt_status(&c));
	snprintf(path, sizeof(path), "/proc/self/task/%d/task_isolation", gettid_());
	ASSERT_EQ(0, nt_status_at(path, &by_tid));
	snprintf(path, sizeof(path), "/proc/%d/task_isolation", getpid());
	ASSERT_EQ(0, nt_status_at(path, &by_pid));

	di = c.brk[INTR] - b.brk[INTR];
	TH_LOG("SYSCALL|EXCEPTION: 2 getppid + 3 pages: %d signals, breaks %llu/%llu/%llu, last %s; 1 page + 1 getppid: %d signals, breaks %llu/%llu/%llu, last %s; all: 2 + 2 + spin: %d signals, breaks %llu/%llu/%llu, last %s",
	       s[1] - s[0], a.brk[SYSC], a.brk[EXC], a.brk[INTR], a.last,
	       s[2] - s[1], b.brk[SYSC], b.brk[EXC], b.brk[INTR], b.last,
	       s[3] - s[2], c.brk[SYSC], c.brk[EXC], c.brk[INTR], c.last);
	EXPECT_EQ(5, s[1] - s[0]);
	EXPECT_EQ(2, a.brk[SYSC]);
	EXPECT_EQ(3, a.brk[EXC]);
	EXPECT_EQ(0, a.brk[INTR]);
	EXPECT_STREQ("exception", a.last);

	EXPECT_EQ(2, s[2] - s[1]);
	EXPECT_EQ(3, b.brk[SYSC]);
	EXPECT_EQ(4, b.brk[EXC]);
	EXPECT_EQ(0, b.brk[INTR]);
	EXPECT_STREQ("syscall", b.last);

	EXPECT_EQ(5, c.brk[SYSC]);
	EXPECT_EQ(6, c.brk[EXC]);
	EXPECT_EQ(4 + di, (unsigned long long)(s[3] - s[2]));
	/* The touches came after the system calls; the tick may come after both. */
	if (di) {
		EXPECT_TRUE(!strcmp(c.last, "interrupt") || !strcmp(c.last, "exception"));
	} else {
		EXPECT_STREQ("exception", c.last);
	}
	EXPECT_EQ(NS | NE | NI, c.mask);
	EXPECT_EQ(SIGUSR1, c.signo);
	EXPECT_EQ(0, rec[SIGUSR1].not_kernel);
	EXPECT_EQ(0, rec[SIGUSR1].bad);
	/* The same task, seen through /proc/self/task/<tid> and /proc/<pid>. */
	EXPECT_TRUE(same_counters(&c, &by_tid));
	EXPECT_TRUE(same_counters(&c, &by_pid));
}

/* ---- 6. Inheritance ---- */

FIXTURE(inherit) {
};

FIXTURE_VARIANT(inherit) {
	__u8 inherit;
};

FIXTURE_VARIANT_ADD(inherit, nothing) {
	.inherit = 0,
};

FIXTURE_VARIANT_ADD(inherit, conf) {
	.inherit = IC,
};

FIXTURE_VARIANT_ADD(inherit, conf_active) {
	.inherit = IC | IA,
};

FIXTURE_SETUP(inherit)
{
	nt_setup(_metadata);
}

FIXTURE_TEARDOWN(inherit)
{
	isol_activate(0);
}

struct inherit_report {
	int get_err, stat_err, done;
	struct task_isol_notify_control nc;
	__u64 configured, active;
	int signals, not_kernel;
	struct nt_status st;
};

TEST_F(inherit, child_starts_with_the_inherited_notify_state)
{
	struct inherit_report *r;
	struct nt_status parent;
	int status = -1, rc;
	bool conf = variant->inherit & IC, active = variant->inherit & IA;
	pid_t pid;

	r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, r);
	memset(r, 0, sizeof(*r));
	ASSERT_EQ(0, nt_set(NS, SIGUSR1));
	ASSERT_EQ(0, isol_set_inherit(variant->inherit));
	ASSERT_EQ(0, isol_activate(N));
	do_getppid();	/* the parent's counter is not 0 at the fork */
	pid = raw_fork();
	if (!pid) {
		int s0 = total_signals, k0 = rec[SIGUSR1].not_kernel;

		/* Exempt calls first, then the first non-exempt one. */
		r->get_err = nt_get(&r->nc) ||
			     prctl(PR_ISOL_CFG_GET, I_CFG_FEAT, 0, &r->configured, 0) ||
			     prctl(PR_ISOL_ACTIVATE_GET, &r->active, 0, 0, 0);
		do_getppid();
		r->signals = total_signals - s0;
		r->not_kernel = rec[SIGUSR1].not_kernel - k0;
		isol_activate(0);
		r->stat_err = nt_status(&r->st);
		r->done = 1;
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	rc = isol_activate(0);
	ASSERT_EQ(0, rc);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, nt_status(&parent));
	TH_LOG("inherit %#x: child: event_mask %#llx signo %u active %#llx, getppid %d signal(s), breaks %llu/%llu/%llu last %s; parent breaks_syscall %llu",
	       variant->inherit, (unsigned long long)r->nc.event_mask, r->nc.signo,
	       (unsigned long long)r->active, r->signals, r->st.brk[SYSC], r->st.brk[EXC],
	       r->st.brk[INTR], r->st.last, parent.brk[SYSC]);
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		TH_LOG("child wait status %#x", status);
	}
	ASSERT_EQ(1, r->done);
	ASSERT_EQ(0, r->get_err);
	ASSERT_EQ(0, r->stat_err);
	/* Control: the parent had breaks before the fork (getppid, clone). */
	EXPECT_LE(2, parent.brk[SYSC]);

	EXPECT_EQ(conf ? NS : 0, r->nc.event_mask);
	EXPECT_EQ(conf ? SIGUSR1 : 0, r->nc.signo);
	EXPECT_EQ(conf ? N : 0, r->configured & N);
	EXPECT_EQ(active ? N : 0, r->active);
	EXPECT_EQ(conf ? NS : 0, r->st.mask);
	EXPECT_EQ(conf ? SIGUSR1 : 0, r->st.signo);
	EXPECT_EQ(active ? 1 : 0, r->signals);
	EXPECT_EQ(0, r->not_kernel);
	/* The child's counters start at 0: only its own getppid() counts. */
	EXPECT_EQ(active ? 1 : 0, r->st.brk[SYSC]);
	EXPECT_EQ(0, r->st.brk[EXC]);
	EXPECT_EQ(0, r->st.brk[INTR]);
	EXPECT_STREQ(active ? "syscall" : "none", r->st.last);
	munmap(r, sizeof(*r));
}

/* ---- 7. A handler on a pre-faulted sigaltstack makes no break ---- */

struct alt_round {
	int signals, off_alt;
	struct nt_status before, after;
};

/*
 * With SYSCALL|EXCEPTION and SIGUSR2 handled on the alt stack @ss: one
 * getppid(), one fresh page. 0 or -1.
 */
static int alt_round(char *ss, size_t size, char *fresh, struct alt_round *ar)
{
	stack_t st = { .ss_sp = ss, .ss_size = size };
	int s0, o0, rc;

	memset(ar, 0, sizeof(*ar));
	if (sigaltstack(&st, NULL))
		return -1;
	alt_lo = ss;
	alt_hi = ss + size;
	if (nt_status(&ar->before))
		return -1;
	s0 = rec[SIGUSR2].count;
	o0 = rec[SIGUSR2].off_alt;
	if (isol_activate(N))
		return -1;
	do_getppid();
	touch(fresh);
	rc = isol_activate(0);
	ar->signals = rec[SIGUSR2].count - s0;
	ar->off_alt = rec[SIGUSR2].off_alt - o0;
	if (rc || nt_status(&ar->after))
		return -1;
	return 0;
}

static unsigned long long alt_delta(const struct alt_round *ar, int cls)
{
	return ar->after.brk[cls] - ar->before.brk[cls];
}

TEST_F(notify, handler_on_prefaulted_altstack_makes_no_break)
{
	size_t size = ALT_PAGES * page_size;
	struct alt_round warm, cold;
	char *fresh = fresh_pages(2), *ss_warm, *ss_cold;

	ASSERT_NE(NULL, fresh);
	ss_warm = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ss_warm);
	memset(ss_warm, 0, size);
	ASSERT_EQ(0, mlock(ss_warm, size));
	ss_cold = fresh_pages(ALT_PAGES);
	ASSERT_NE(NULL, ss_cold);
	ASSERT_EQ(0, handle(SIGUSR2, SA_ONSTACK, on_signal_scribble));
	ASSERT_EQ(0, nt_set(NS | NE, SIGUSR2));

	ASSERT_EQ(0, alt_round(ss_warm, size, fresh, &warm));
	/* Control: the same on an alt stack never touched. */
	ASSERT_EQ(0, alt_round(ss_cold, size, fresh + page_size, &cold));

	TH_LOG("pre-faulted alt stack: %d signals, breaks syscall +%llu exception +%llu; untouched alt stack: %d signals, breaks syscall +%llu exception +%llu; deliveries off the alt stack: %d, %d",
	       warm.signals, alt_delta(&warm, SYSC), alt_delta(&warm, EXC),
	       cold.signals, alt_delta(&cold, SYSC), alt_delta(&cold, EXC),
	       warm.off_alt, cold.off_alt);
	EXPECT_EQ(0, warm.off_alt + cold.off_alt);
	EXPECT_EQ(2, warm.signals);
	EXPECT_EQ(1, alt_delta(&warm, SYSC));
	EXPECT_EQ(1, alt_delta(&warm, EXC));
	/*
	 * Control: the kernel's own writes of the frame are no break, but
	 * the handler's writes below it fault in user mode: at least one
	 * more exception break, whose signal (blocked in the handler, all
	 * coalesced into one) runs the handler once more after it returns.
	 */
	EXPECT_EQ(1, alt_delta(&cold, SYSC));
	EXPECT_LE(2, alt_delta(&cold, EXC)) {
		TH_LOG("control: the untouched alt stack gave no exception break: the test proves nothing");
	}
	EXPECT_EQ(3, cold.signals);
	EXPECT_EQ(0, rec[SIGUSR2].not_kernel);
}

/* ---- 8. The task_isolation:isol_break tracepoint ---- */

FIXTURE(trace) {
	struct trace_inst ti;
};

FIXTURE_SETUP(trace)
{
	char why[256];

	if (nt_setup(_metadata))
		return;
	if (trace_inst_open(&self->ti, TRACE_INSTANCE, ISOL_BREAK_EVENT, why, sizeof(why))) {
		trace_inst_close(&self->ti, NULL);
		SKIP(return, "%s", why);
	}
}

FIXTURE_TEARDOWN(trace)
{
	static const char *const events[] = { ISOL_BREAK_EVENT, NULL };

	isol_activate(0);
	trace_inst_close(&self->ti, events);
}

#define MAX_EV	8

struct ev_list {
	int n;				/* events of the pid */
	struct isol_break_ev ev[MAX_EV];	/* the first MAX_EV of them */
};

static int collect(const struct trace_inst *ti, int pid, struct ev_list *l)
{
	struct isol_break_ev ev;
	char line[512];
	FILE *f = trace_inst_open_read(ti, -1);

	memset(l, 0, sizeof(*l));
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (isol_break_parse(line, &ev) || ev.pid != pid)
			continue;
		if (l->n < MAX_EV)
			l->ev[l->n] = ev;
		l->n++;
	}
	fclose(f);
	return 0;
}

static void log_events(struct __test_metadata *_metadata, const char *what,
		       const struct ev_list *l)
{
	int i;

	TH_LOG("%s: %d isol_break event(s)", what, l->n);
	for (i = 0; i < l->n && i < MAX_EV; i++)
		TH_LOG("  pid=%d cpu=%d class=%s nr=%ld addr=%#lx ip=%#lx handler=%s",
		       l->ev[i].pid, l->ev[i].cpu, l->ev[i].cls, l->ev[i].nr,
		       l->ev[i].addr, l->ev[i].ip, l->ev[i].handler);
}

TEST_F(trace, syscall_and_page_fault_events)
{
	struct ev_list ctl, act;
	struct nt_status st;
	char *p = fresh_pages(2);
	int tid = gettid_(), rc;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, nt_set(NS | NE, SIGUSR1));
	/* Control: configured, not active. */
	ASSERT_EQ(0, trace_inst_clear(&self->ti));
	do_getppid();
	touch(p);
	ASSERT_EQ(0, collect(&self->ti, tid, &ctl));

	ASSERT_EQ(0, trace_inst_clear(&self->ti));
	ASSERT_EQ(0, isol_activate(N));
	do_getppid();			/* its signal's rt_sigreturn: exempt */
	touch(p + page_size);
	rc = isol_activate(0);
	ASSERT_EQ(0, rc);
	ASSERT_EQ(0, collect(&self->ti, tid, &act));
	ASSERT_EQ(0, nt_status(&st));
	log_events(_metadata, "not active", &ctl);
	log_events(_metadata, "active, getppid() then a fresh page", &act);
	TH_LOG("expected: pid=%d cpu=%d class=syscall nr=%d, then class=exception addr=%p",
	       tid, nt_cpu, (int)SYS_getppid, p + page_size);

	EXPECT_EQ(0, ctl.n);
	ASSERT_EQ(2, act.n);
	EXPECT_EQ(tid, act.ev[0].pid);
	EXPECT_EQ(nt_cpu, act.ev[0].cpu);
	EXPECT_STREQ("syscall", act.ev[0].cls);
	EXPECT_EQ(SYS_getppid, act.ev[0].nr);
	EXPECT_EQ(0, act.ev[0].addr);
	EXPECT_NE(0, act.ev[0].ip);
	EXPECT_STREQ("0x0", act.ev[0].handler);
	EXPECT_EQ(tid, act.ev[1].pid);
	EXPECT_EQ(nt_cpu, act.ev[1].cpu);
	EXPECT_STREQ("exception", act.ev[1].cls);
	EXPECT_EQ(-1, act.ev[1].nr);
	EXPECT_EQ((unsigned long)(p + page_size), act.ev[1].addr);
	EXPECT_NE(0, act.ev[1].ip);
	EXPECT_STREQ("0x0", act.ev[1].handler);
	EXPECT_EQ(1, st.brk[SYSC]);
	EXPECT_EQ(1, st.brk[EXC]);
	EXPECT_EQ(2, rec[SIGUSR1].count);
}

/*
 * exit and exit_group never return, so neither a signal nor a counter can
 * show whether they were counted: the tracepoint does. Each child makes
 * one getppid() (its positive control: one event) and exits.
 */
static pid_t exiting_child(int how)
{
	pid_t pid = raw_fork();

	if (!pid) {
		if (nt_set(NS, 0) || isol_activate(N))
			_exit(10);
		do_getppid();
		syscall(how, 0);
		_exit(11);
	}
	return pid;
}

TEST_F(trace, exit_and_exit_group_are_no_break)
{
	static const int hows[2] = { SYS_exit, SYS_exit_group };
	struct ev_list l[2];
	int status[2] = { -1, -1 }, i;
	pid_t pid[2];

	ASSERT_EQ(0, trace_inst_clear(&self->ti));
	for (i = 0; i < 2; i++) {
		pid[i] = exiting_child(hows[i]);
		ASSERT_LT(0, pid[i]);
		ASSERT_EQ(pid[i], waitpid(pid[i], &status[i], 0));
	}
	for (i = 0; i < 2; i++) {
		char what[64];

		ASSERT_EQ(0, collect(&self->ti, pid[i], &l[i]));
		snprintf(what, sizeof(what), "child %d, getppid() then %s", pid[i],
			 i ? "exit_group" : "exit");
		log_events(_metadata, what, &l[i]);
		EXPECT_TRUE(WIFEXITED(status[i]) && WEXITSTATUS(status[i]) == 0) {
			TH_LOG("child wait status %#x", status[i]);
		}
		ASSERT_EQ(1, l[i].n);
		EXPECT_STREQ("syscall", l[i].ev[0].cls);
		EXPECT_EQ(SYS_getppid, l[i].ev[0].nr);
	}
}

/* ---- Signal delivery rules ---- */

TEST_F(notify, blocked_signo_stays_pending_and_coalesces)
{
	sigset_t set, old, pend;
	struct nt_status st;
	int s[3], rc;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	ASSERT_EQ(0, nt_set(NS, SIGUSR1));
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &set, &old));
	s[0] = rec[SIGUSR1].count;
	ASSERT_EQ(0, isol_activate(N));
	do_getppid();
	do_getppid();
	rc = isol_activate(0);
	s[1] = rec[SIGUSR1].count;
	ASSERT_EQ(0, rc);
	ASSERT_EQ(0, sigpending(&pend));
	ASSERT_EQ(0, nt_status(&st));
	ASSERT_EQ(0, sigprocmask(SIG_SETMASK, &old, NULL));
	s[2] = rec[SIGUSR1].count;
	TH_LOG("blocked: %d deliveries, pending %d, breaks_syscall %llu; after unblocking: %d",
	       s[1] - s[0], sigismember(&pend, SIGUSR1), st.brk[SYSC], s[2] - s[1]);
	EXPECT_EQ(0, s[1] - s[0]);
	EXPECT_EQ(1, sigismember(&pend, SIGUSR1));
	EXPECT_EQ(2, st.brk[SYSC]);
	EXPECT_EQ(1, s[2] - s[1]);
	EXPECT_EQ(SI_KERNEL, rec[SIGUSR1].last_code);
}

TEST_F(notify, config_change_while_active_applies_at_the_next_entry)
{
	struct nt_status st;
	int u1[4], u2[4], r[2], rc;
	char *p = fresh_pages(1);

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, nt_set(NS, SIGUSR1));
	ASSERT_EQ(0, isol_activate(N));
	u1[0] = rec[SIGUSR1].count;
	u2[0] = rec[SIGUSR2].count;
	r[0] = nt_set(NS, SIGUSR2);	/* exempt */
	do_getppid();			/* SIGUSR2 */
	u1[1] = rec[SIGUSR1].count;
	u2[1] = rec[SIGUSR2].count;
	r[1] = nt_set(NE, SIGUSR2);
	do_getppid();			/* no longer a break */
	u1[2] = rec[SIGUSR1].count;
	u2[2] = rec[SIGUSR2].count;
	touch(p);			/* now one */
	u1[3] = rec[SIGUSR1].count;
	u2[3] = rec[SIGUSR2].count;
	rc = isol_activate(0);
	ASSERT_EQ(0, rc);
	ASSERT_EQ(0, nt_status(&st));
	TH_LOG("signo -> SIGUSR2: getppid %d/%d (USR1/USR2); SYSCALL -> EXCEPTION: getppid %d/%d, fresh page %d/%d; breaks %llu/%llu",
	       u1[1] - u1[0], u2[1] - u2[0], u1[2] - u1[1], u2[2] - u2[1],
	       u1[3] - u1[2], u2[3] - u2[2], st.brk[SYSC], st.brk[EXC]);
	EXPECT_EQ(0, r[0]);
	EXPECT_EQ(0, r[1]);
	EXPECT_EQ(0, u1[1] - u1[0]);
	EXPECT_EQ(1, u2[1] - u2[0]);
	EXPECT_EQ(0, u1[2] - u1[1] + u2[2] - u2[1]);
	EXPECT_EQ(0, u1[3] - u1[2]);
	EXPECT_EQ(1, u2[3] - u2[2]);
	EXPECT_EQ(1, st.brk[SYSC]);
	EXPECT_EQ(1, st.brk[EXC]);
	EXPECT_EQ(NE, st.mask);
	EXPECT_EQ(SIGUSR2, st.signo);
}

TEST_HARNESS_MAIN
