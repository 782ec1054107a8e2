// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile-input fuzzer for the PR_ISOL_* prctls, checked against a model.
 *
 * Several threads each issue a seeded stream of prctl calls that mixes
 * valid and invalid options, selectors, must-be-zero arguments, masks,
 * structure contents (flags, padding) and pointers (NULL, unmapped,
 * PROT_NONE, read-only, page-straddling, misaligned, kernel, vsyscall and
 * non-canonical addresses). Meanwhile the threads fork children that check
 * what they inherited, a forker thread forks and reaps children with
 * inherited active state, and threads are moved between CPUs (by
 * themselves and by the forker).
 *
 * Both features are in it: ISOL_F_QUIESCE and ISOL_F_NOTIFY (SPEC section
 * 7: event mask, signal number, EBUSY, activation alone or with quiescing).
 * The signal numbers the fuzzer stores are ignored by the process, so
 * that the breaks of a thread with notify active (each of its system
 * calls, with the syscall event) cost it nothing.
 *
 * Every call is predicted by a user-space model of the contract (SPEC
 * sections 3, 4 and 7, written in C below): return value, errno, the exact
 * bytes a GET writes (the buffers are prefilled, so a kernel byte that
 * leaks shows), that a failed or successful GET writes nothing outside its
 * structure, and the state afterwards. The model also checks that each
 * thread's state is its own: it only follows the thread's own calls.
 *
 * Where several errors apply, the contract sets no order between the
 * checks (SPEC section 3): the model computes the set of errnos of every
 * fault the call has and accepts any of them, and a call without fault
 * must succeed. A fault is only counted where the kernel can see it: the
 * contents of a structure it cannot read have none, and a pointer only
 * faults for a valid selector, which gives the size to access. A GET that
 * fails with EFAULT may have written part of its value; one that fails
 * otherwise has written nothing.
 *
 * The fuzz_negative tests run the fuzzer with one rule of the model made
 * wrong on purpose, and pass when it fails: the fuzzer can see each rule.
 *
 * Configuration, from arguments (before the harness's own) or environment:
 *   --seed=N     ISOL_FUZZ_SEED     default: from the clock, printed
 *   --calls=N    ISOL_FUZZ_CALLS    fuzzed calls in all, default 1000000
 *   --threads=N  ISOL_FUZZ_THREADS  fuzzing threads, default 4
 * Each thread's call stream depends only on the seed, its index and the
 * counts, so a failure is reproduced by rerunning with the printed values.
 */
#include "isol_common.h"
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "../kselftest_harness.h"

#define Q	ISOL_F_QUIESCE
#define QV	ISOL_F_QUIESCE_VMSTATS
#define QL	ISOL_F_QUIESCE_LRU
#define QALL	(QV | QL)	/* every quiesce bit the kernel supports */
#define N	ISOL_F_NOTIFY
#define FALL	(Q | N)		/* every feature */
#define NALL	ISOL_NOTIFY_EVENTS	/* every notify event */
#define SIGMAX	ISOL_SIGNO_MAX	/* the highest valid signo */
#define IC	ISOL_INHERIT_CONF
#define IA	ISOL_INHERIT_ACTIVE

#define PAGE		4096UL
#define MAX_THREADS	16
#define STATE_CHECK	256	/* full state check every N calls */
#define PROC_CHECK	4096	/* ... and /proc/thread-self every N calls */
#define FORK_EVERY	4096	/* a fuzzing thread forks a checking child */
#define MIGRATE_EVERY	1024	/* a fuzzing thread moves itself */
#define CHILD_CALLS	64	/* fuzzed calls a forked child makes */

static uint64_t opt_seed;
static long opt_calls = 1000000;
static int opt_threads = 4;

/* ---- Random numbers: splitmix64, one stream per thread ---- */

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* 0 <= result < n */
static uint64_t rnd(uint64_t *s, uint64_t n)
{
	return splitmix(s) % n;
}

/* true with probability pct/100 */
static bool chance(uint64_t *s, int pct)
{
	return rnd(s, 100) < (uint64_t)pct;
}

/* ---- The model: SPEC sections 3 and 4 ---- */

struct model {
	uint64_t quiesce;	/* quiesce_mask; nonzero: ISOL_F_QUIESCE configured */
	uint64_t active;
	uint64_t oneshot;
	uint8_t inherit;
	uint64_t events;	/* notify event_mask; nonzero: ISOL_F_NOTIFY configured */
	uint32_t signo;		/* notify signo */
};

/*
 * A deliberately wrong rule, for the negative tests (fuzz_negative): the
 * fuzzer must find the difference from the kernel. 0: the contract.
 */
enum model_bug {
	BUG_NONE,
	BUG_QUIESCE_NO_EBUSY,	/* quiesce_mask 0 while active is accepted */
	BUG_SIGNO_65,		/* signo SIGRTMAX + 1 is valid */
	BUG_NOTIFY_NO_EBUSY,	/* event_mask 0 while notify is active is accepted */
	BUG_SIGNO_WITHOUT_EVENTS, /* signo with event_mask 0 is accepted */
	BUG_NOTIFY_ONESHOT,	/* a one-shot mask with notify alone is accepted */
};
static enum model_bug model_bug;

static uint64_t m_configured(const struct model *m)
{
	return (m->quiesce ? Q : 0) | (m->events ? N : 0);
}

/* The state a child starts with (fork, vfork, clone, threads). */
static struct model m_inherited(const struct model *m)
{
	struct model c = { 0 };

	if (!(m->inherit & IC))
		return c;
	if (m->inherit & IA)
		return *m;
	c.quiesce = m->quiesce;
	c.inherit = m->inherit;
	c.events = m->events;
	c.signo = m->signo;
	return c;
}

static bool m_eq(const struct model *a, const struct model *b)
{
	return a->quiesce == b->quiesce && a->active == b->active &&
	       a->oneshot == b->oneshot && a->inherit == b->inherit &&
	       a->events == b->events && a->signo == b->signo;
}

/* ---- Memory: an arena of pages with known protections ---- */

enum { P_RW, P_RO, P_NONE, P_HOLE };
/* RW RW: straddle into RW; RW HOLE; RW NONE; RW RO: straddle into RO. */
static const int layout[] = {
	P_RW, P_RW, P_HOLE, P_RO, P_RW, P_NONE, P_RW, P_RO, P_HOLE,
};
#define NPAGES	ARRAY_SIZE(layout)

struct arena {
	unsigned char *base;
};

static bool in_arena(const struct arena *a, uint64_t p)
{
	return p >= (uintptr_t)a->base && p < (uintptr_t)a->base + NPAGES * PAGE;
}

static int page_type(const struct arena *a, uint64_t p)
{
	return layout[(p - (uintptr_t)a->base) / PAGE];
}

/*
 * Whether [p, p + n) can be read (or written) from user space. Pointers
 * outside the arena are only ever the known-bad ones of bad_pointer().
 */
static bool accessible(const struct arena *a, uint64_t p, size_t n, bool write)
{
	uint64_t q;

	if (!in_arena(a, p) || !in_arena(a, p + n - 1))
		return false;
	for (q = p & ~(PAGE - 1); q < p + n; q += PAGE) {
		int t = page_type(a, q);

		if (t != P_RW && !(t == P_RO && !write))
			return false;
	}
	return true;
}

static bool byte_writable(const struct arena *a, uint64_t p)
{
	return in_arena(a, p) && page_type(a, p) == P_RW;
}

/* Addresses that no user access can reach. */
static const uint64_t bad_pointers[] = {
	0, 1, 0xfff, 8,
	0x00007ffffffff000ULL,		/* TASK_SIZE_MAX: the guard page */
	0x0000800000000000ULL - 8,	/* straddles into non-canonical */
	0x0000800000000000ULL,		/* non-canonical (4-level paging) */
	0x8000000000000000ULL,		/* non-canonical */
	0xffff888000000000ULL,		/* direct map */
	0xffffffff81000000ULL,		/* kernel text */
	0xffffffffff600000ULL,		/* vsyscall page */
	0xfffffffffffffff8ULL,		/* wraps around */
};

static int arena_init(struct arena *a, uint64_t *rs)
{
	unsigned int i;
	size_t j;

	a->base = mmap(NULL, NPAGES * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a->base == MAP_FAILED)
		return -1;
	/* Random content: read-only pages keep it as canned structures. */
	for (j = 0; j < NPAGES * PAGE; j++)
		a->base[j] = rnd(rs, 4) ? 0 : splitmix(rs);
	for (i = 0; i < NPAGES; i++) {
		void *pg = a->base + i * PAGE;

		if (layout[i] == P_RO && mprotect(pg, PAGE, PROT_READ))
			return -1;
		if (layout[i] == P_NONE && mprotect(pg, PAGE, PROT_NONE))
			return -1;
		if (layout[i] == P_HOLE && munmap(pg, PAGE))
			return -1;
	}
	return 0;
}

/* The holes must still be holes: nothing else in the process mapped them. */
static bool arena_holes_intact(const struct arena *a)
{
	unsigned int i;

	for (i = 0; i < NPAGES; i++)
		if (layout[i] == P_HOLE &&
		    !(msync(a->base + i * PAGE, PAGE, MS_ASYNC) == -1 && errno == ENOMEM))
			return false;
	return true;
}

/* A pointer for an object of @n bytes: mostly good, sometimes hostile. */
static uint64_t pick_pointer(uint64_t *rs, const struct arena *a, size_t n, int bad_pct)
{
	uint64_t base = (uintptr_t)a->base;
	static const int rw_pages[] = { 0, 1, 4, 6 };

	if (!chance(rs, bad_pct)) {
		/* Inside one RW page, 8-aligned or not, or across pages 0|1. */
		uint64_t pg = base + rw_pages[rnd(rs, 4)] * PAGE;
		uint64_t off = rnd(rs, PAGE - n + 1);

		if (chance(rs, 10))	/* straddles RW -> RW */
			return base + PAGE - 1 - rnd(rs, n - 1);
		if (chance(rs, 70))
			off &= ~7ULL;
		return pg + off;
	}
	switch (rnd(rs, 8)) {
	case 0:	/* a page that is not mapped */
		return base + 2 * PAGE + rnd(rs, PAGE - n + 1);
	case 1:	/* PROT_NONE */
		return base + 5 * PAGE + rnd(rs, PAGE - n + 1);
	case 2:	/* read-only: fine for SET, EFAULT for GET */
		return base + (chance(rs, 50) ? 3 : 7) * PAGE + (rnd(rs, PAGE - n + 1) & ~7ULL);
	case 3:	/* straddles RW -> hole */
		return base + 2 * PAGE - 1 - rnd(rs, n - 1);
	case 4:	/* straddles RW -> PROT_NONE */
		return base + 5 * PAGE - 1 - rnd(rs, n - 1);
	case 5:	/* straddles RW -> RO */
		return base + 7 * PAGE - 1 - rnd(rs, n - 1);
	default:
		return bad_pointers[rnd(rs, ARRAY_SIZE(bad_pointers))];
	}
}

/* ---- Calls ---- */

struct call {
	uint64_t a[5];		/* option (raw, 64 bits), arg2..arg5 */
};

/* The errnos a call may fail with, as a set. */
#define E_INVAL		(1U << 0)
#define E_FAULT		(1U << 1)
#define E_BUSY		(1U << 2)

struct pred {
	unsigned int errs;	/* every applicable fault; 0: must succeed */
	struct model next;	/* the state after success */
	uint64_t wptr;		/* GET: where it writes, wlen bytes of wbuf */
	size_t wlen;
	bool wknown;		/* wbuf holds the value (a valid selector) */
	unsigned char wbuf[64];
};

static unsigned int err_bit(int err)
{
	switch (err) {
	case EINVAL:	return E_INVAL;
	case EFAULT:	return E_FAULT;
	case EBUSY:	return E_BUSY;
	}
	return 0;
}

/* The errnos of @errs, for messages. */
static const char *errs_name(unsigned int errs)
{
	static const char *const names[8] = {
		"success", "EINVAL", "EFAULT", "EINVAL|EFAULT", "EBUSY",
		"EINVAL|EBUSY", "EFAULT|EBUSY", "EINVAL|EFAULT|EBUSY",
	};

	return names[errs & 7];
}

static bool valid_option(int op)
{
	return op == PR_ISOL_FEAT_GET || op == PR_ISOL_CFG_GET || op == PR_ISOL_CFG_SET ||
	       op == PR_ISOL_ACTIVATE_GET || op == PR_ISOL_ACTIVATE_SET;
}

/* A fault of the call: it must fail, with this errno or another fault's. */
static void fault(struct pred *p, int err)
{
	p->errs |= err_bit(err);
}

/* A GET writes @n bytes of @val at @ptr: a fault when it cannot. */
static void pred_get(struct pred *p, const struct arena *a, uint64_t ptr,
		     const void *val, size_t n)
{
	p->wptr = ptr;
	p->wlen = n;
	p->wknown = true;
	memcpy(p->wbuf, val, n);
	if (!accessible(a, ptr, n, true))
		fault(p, EFAULT);
}

/* A GET's buffer: whatever the outcome, nothing is written around it. */
static void pred_watch(struct pred *p, uint64_t ptr, size_t n)
{
	p->wptr = ptr;
	p->wlen = n;
}

static bool all_zero(const void *v, size_t n)
{
	const unsigned char *b = v;

	while (n--)
		if (*b++)
			return false;
	return true;
}

/*
 * What the call must do to a task in state @m: the set of faults it has
 * (each one's errno is a valid outcome), or, without any, the state after
 * it and the bytes a GET writes.
 */
static void predict(const struct model *m, const struct call *c,
		    const struct arena *a, struct pred *p)
{
	int op = (int)(uint32_t)c->a[0];	/* the syscall takes an int */
	uint64_t a2 = c->a[1], a3 = c->a[2], a4 = c->a[3], a5 = c->a[4];

	memset(p, 0, sizeof(*p));
	p->next = *m;
	if (!valid_option(op))
		return fault(p, EINVAL);

	switch (op) {
	case PR_ISOL_FEAT_GET: {
		struct task_isol_quiesce_extensions ext = {
			.supported_quiesce_bits = QALL,
		};
		struct task_isol_notify_extensions next = {
			.supported_events = NALL,
		};
		uint64_t feat = FALL;

		pred_watch(p, a3, sizeof(ext));
		if (a4 || a5)
			fault(p, EINVAL);
		if (a2 == 0)
			pred_get(p, a, a3, &feat, sizeof(feat));
		else if (a2 == Q)
			pred_get(p, a, a3, &ext, sizeof(ext));
		else if (a2 == N)
			pred_get(p, a, a3, &next, sizeof(next));
		else
			fault(p, EINVAL);
		return;
	}
	case PR_ISOL_CFG_GET: {
		struct task_isol_quiesce_control qc = { .quiesce_mask = m->quiesce };
		struct task_isol_inherit_control ic = { .inherit_mask = m->inherit };
		struct task_isol_notify_control nc = {
			.event_mask = m->events, .signo = m->signo,
		};
		uint64_t conf = m_configured(m);

		pred_watch(p, a4, sizeof(qc));
		if (a5)
			fault(p, EINVAL);
		if (a2 == I_CFG_FEAT && a3 == 0)
			pred_get(p, a, a4, &conf, sizeof(conf));
		else if (a2 == I_CFG_FEAT && a3 == Q)
			pred_get(p, a, a4, &qc, sizeof(qc));
		else if (a2 == I_CFG_FEAT && a3 == N)
			pred_get(p, a, a4, &nc, sizeof(nc));
		else if (a2 == I_CFG_INHERIT && a3 == 0)
			pred_get(p, a, a4, &ic, sizeof(ic));
		else
			fault(p, EINVAL);
		return;
	}
	case PR_ISOL_CFG_SET:
		if (a5)
			fault(p, EINVAL);
		if (a2 == I_CFG_FEAT && a3 == Q) {
			struct task_isol_quiesce_control qc;

			if (!accessible(a, a4, sizeof(qc), false))
				return fault(p, EFAULT);
			memcpy(&qc, (void *)(uintptr_t)a4, sizeof(qc));
			if (qc.flags || !all_zero(qc.pad, sizeof(qc.pad)))
				fault(p, EINVAL);
			if (qc.quiesce_mask & ~QALL)
				fault(p, EINVAL);
			if (!qc.quiesce_mask && (m->active & Q) && model_bug != BUG_QUIESCE_NO_EBUSY)
				fault(p, EBUSY);
			p->next.quiesce = qc.quiesce_mask;
			return;
		}
		if (a2 == I_CFG_FEAT && a3 == N) {
			struct task_isol_notify_control nc;

			if (!accessible(a, a4, sizeof(nc), false))
				return fault(p, EFAULT);
			memcpy(&nc, (void *)(uintptr_t)a4, sizeof(nc));
			if (nc.flags || nc.pad0 || !all_zero(nc.pad, sizeof(nc.pad)))
				fault(p, EINVAL);
			if (nc.event_mask & ~NALL)
				fault(p, EINVAL);
			if (nc.signo > (model_bug == BUG_SIGNO_65 ? SIGMAX + 1 : SIGMAX))
				fault(p, EINVAL);
			if (nc.signo && !nc.event_mask && model_bug != BUG_SIGNO_WITHOUT_EVENTS)
				fault(p, EINVAL);
			if (!nc.event_mask && (m->active & N) && model_bug != BUG_NOTIFY_NO_EBUSY)
				fault(p, EBUSY);
			p->next.events = nc.event_mask;
			p->next.signo = nc.signo;
			return;
		}
		if (a2 == I_CFG_INHERIT && a3 == 0) {
			struct task_isol_inherit_control ic;

			if (!accessible(a, a4, sizeof(ic), false))
				return fault(p, EFAULT);
			memcpy(&ic, (void *)(uintptr_t)a4, sizeof(ic));
			if (!all_zero(ic.pad, sizeof(ic.pad)))
				fault(p, EINVAL);
			if (ic.inherit_mask & ~(IC | IA))
				fault(p, EINVAL);
			if ((ic.inherit_mask & IA) && !(ic.inherit_mask & IC))
				fault(p, EINVAL);
			p->next.inherit = ic.inherit_mask;
			return;
		}
		return fault(p, EINVAL);
	case PR_ISOL_ACTIVATE_GET:
		pred_watch(p, a2, sizeof(m->active));
		if (a3 || a4 || a5)
			fault(p, EINVAL);
		return pred_get(p, a, a2, &m->active, sizeof(m->active));
	case PR_ISOL_ACTIVATE_SET: {
		struct task_isol_activate_control ac = { 0 };
		bool mask_read = false, ctl_read = false;
		uint64_t mask = 0;

		if (a4 || a5)
			fault(p, EINVAL);
		if (accessible(a, a2, sizeof(mask), false)) {
			memcpy(&mask, (void *)(uintptr_t)a2, sizeof(mask));
			mask_read = true;
		} else {
			fault(p, EFAULT);
		}
		if (a3 && accessible(a, a3, sizeof(ac), false)) {
			memcpy(&ac, (void *)(uintptr_t)a3, sizeof(ac));
			ctl_read = true;
		} else if (a3) {
			fault(p, EFAULT);
		}
		if (mask_read && (mask & ~FALL))
			fault(p, EINVAL);
		if (mask_read && (mask & ~m_configured(m)))
			fault(p, EINVAL);
		if (ctl_read) {
			uint64_t os = ac.quiesce_oneshot_mask;

			if (ac.flags || !all_zero(ac.pad, sizeof(ac.pad)))
				fault(p, EINVAL);
			/* A zero one-shot mask is "no one-shot", with any mask. */
			if (os && mask_read && !(mask & Q) &&
			    !(model_bug == BUG_NOTIFY_ONESHOT && (mask & N)))
				fault(p, EINVAL);
			if ((os & ~QALL) || (os & ~m->quiesce))
				fault(p, EINVAL);
		}
		p->next.active = mask;
		p->next.oneshot = ctl_read ? ac.quiesce_oneshot_mask : 0;
		return;
	}
	}
}

/* ---- Generating hostile calls ---- */

/* A value for an argument that must be 0: mostly 0. */
static uint64_t zero_arg(uint64_t *rs)
{
	static const uint64_t junk[] = { 1, Q, 2, 1ULL << 32, 1ULL << 63, ~0ULL };

	if (!chance(rs, 4))
		return 0;
	return chance(rs, 50) ? junk[rnd(rs, 6)] : splitmix(rs) | 1;
}

/* A feature or quiesce selector: @good most of the time. */
static uint64_t selector(uint64_t *rs, uint64_t good)
{
	static const uint64_t junk[] = {
		0, 1, 2, 3, 4, 1ULL << 32 | 1, 1ULL << 63, ~0ULL, 0x100000001ULL,
	};

	if (!chance(rs, 5))
		return good;
	return chance(rs, 70) ? junk[rnd(rs, 9)] : splitmix(rs);
}

static uint64_t mask_value(uint64_t *rs, uint64_t good_bits)
{
	switch (rnd(rs, 20)) {
	case 0:	return 1ULL << rnd(rs, 64);
	case 1:	return good_bits | 1ULL << (1 + rnd(rs, 63));
	case 2:	return splitmix(rs);
	default: return chance(rs, 55) ? good_bits : 0;
	}
}

/* Writes @n bytes at @p, where the page is writable; skips the rest. */
static void fill_user(const struct arena *a, uint64_t p, const void *src, size_t n)
{
	const unsigned char *s = src;
	size_t i;

	for (i = 0; i < n; i++)
		if (byte_writable(a, p + i))
			*(unsigned char *)(uintptr_t)(p + i) = s[i];
}

/* Structure contents: flags and padding mostly clear, sometimes not. */
static void dirty_reserved(uint64_t *rs, void *obj, size_t off, size_t len)
{
	if (chance(rs, 6))
		((unsigned char *)obj)[off + rnd(rs, len)] = 1 + rnd(rs, 255);
}

/* A valid nonzero quiesce mask: one bit or both. */
static uint64_t good_quiesce(uint64_t *rs)
{
	static const uint64_t good[] = { QV, QL, QV | QL };

	return good[rnd(rs, 3)];
}

/* A nonzero subset of the nonzero mask @mask. */
static uint64_t some_of(uint64_t *rs, uint64_t mask)
{
	uint64_t sub = mask & good_quiesce(rs);

	return sub ? sub : mask;
}

static void gen_quiesce_control(uint64_t *rs, const struct arena *a, uint64_t p)
{
	struct task_isol_quiesce_control qc = { 0 };

	qc.quiesce_mask = mask_value(rs, good_quiesce(rs));
	if (chance(rs, 3))
		qc.flags = 1ULL << rnd(rs, 64);
	dirty_reserved(rs, &qc, offsetof(struct task_isol_quiesce_control, pad), sizeof(qc.pad));
	fill_user(a, p, &qc, sizeof(qc));
}

/*
 * Signal numbers the fuzzer stores. The valid ones are ignored by the
 * test process (fuzz_ignore_signals()), so that the breaks of a task
 * with notify active cost it nothing; SIGKILL and SIGSTOP, which cannot
 * be ignored, only ever come with event mask 0 (EINVAL whatever the
 * state, which makes them as good a test of the signo rule).
 */
static const uint32_t safe_signos[] = { SIGUSR1, SIGUSR2, 34, 40, 50, 63, SIGMAX };
static const uint32_t bad_signos[] = {
	SIGMAX + 1, SIGMAX + 2, 128, 255, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff,
};

static uint32_t gen_signo(uint64_t *rs)
{
	switch (rnd(rs, 10)) {
	case 0: case 1: case 2:
		return safe_signos[rnd(rs, ARRAY_SIZE(safe_signos))];
	case 3:
		return bad_signos[rnd(rs, ARRAY_SIZE(bad_signos))];
	default:
		return 0;
	}
}

static void fuzz_ignore_signals(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(safe_signos); i++)
		signal(safe_signos[i], SIG_IGN);
}

/* A valid nonzero event mask. */
static uint64_t good_events(uint64_t *rs)
{
	return 1 + rnd(rs, NALL);
}

static void gen_notify_control(uint64_t *rs, const struct arena *a, uint64_t p)
{
	struct task_isol_notify_control nc = { 0 };

	nc.event_mask = mask_value(rs, good_events(rs));
	nc.signo = gen_signo(rs);
	/* Often enough: a valid signo without events, SIGKILL and SIGSTOP. */
	if (chance(rs, 3)) {
		nc.event_mask = 0;
		nc.signo = chance(rs, 50) ? safe_signos[rnd(rs, ARRAY_SIZE(safe_signos))] :
			   chance(rs, 50) ? SIGKILL : SIGSTOP;
	}
	if (chance(rs, 3))
		nc.flags = 1ULL << rnd(rs, 64);
	if (chance(rs, 3))
		nc.pad0 = 1U << rnd(rs, 32);
	dirty_reserved(rs, &nc, offsetof(struct task_isol_notify_control, pad), sizeof(nc.pad));
	fill_user(a, p, &nc, sizeof(nc));
}

static void gen_inherit_control(uint64_t *rs, const struct arena *a, uint64_t p)
{
	static const uint8_t good[] = { 0, IC, IC | IA };
	static const uint8_t bad[] = { IA, 4, 0x80 | IC, 0xff, 8 | IC | IA };
	struct task_isol_inherit_control ic = { 0 };

	ic.inherit_mask = chance(rs, 90) ? good[rnd(rs, 3)] : bad[rnd(rs, 5)];
	dirty_reserved(rs, &ic, offsetof(struct task_isol_inherit_control, pad), sizeof(ic.pad));
	fill_user(a, p, &ic, sizeof(ic));
}

static void gen_activate_control(uint64_t *rs, const struct arena *a, uint64_t p)
{
	struct task_isol_activate_control ac = { 0 };

	ac.quiesce_oneshot_mask = mask_value(rs, good_quiesce(rs));
	if (chance(rs, 3))
		ac.flags = 1ULL << rnd(rs, 64);
	dirty_reserved(rs, &ac, offsetof(struct task_isol_activate_control, pad), sizeof(ac.pad));
	fill_user(a, p, &ac, sizeof(ac));
}

static uint64_t bad_option(uint64_t *rs)
{
	uint32_t v;

	switch (rnd(rs, 4)) {
	case 0:	/* another "IS.." tag */
		do
			v = 0x49530000 | (uint32_t)rnd(rs, 0x10000);
		while (valid_option((int)v));
		return v;
	case 1:	/* a valid tag with one bit flipped */
		do
			v = PR_ISOL_CFG_SET ^ (1U << rnd(rs, 32));
		while (valid_option((int)v) || (int)v == PR_SET_VMA || (int)v == PR_GET_AUXV ||
		       (int)v == PR_SET_PTRACER || v < 1000);
		return v;
	case 2:	/* far beyond any sequential option number */
		return 1000 + rnd(rs, 1000000);
	default: /* negative */
		return (uint32_t)(-1 - (int)rnd(rs, 1 << 30));
	}
}

/* Generates a call and writes its user-space inputs. */
static void gen_call(uint64_t *rs, const struct arena *a, struct call *c)
{
	static const int ops[] = {
		PR_ISOL_FEAT_GET, PR_ISOL_CFG_GET, PR_ISOL_CFG_GET, PR_ISOL_CFG_SET,
		PR_ISOL_CFG_SET, PR_ISOL_CFG_SET, PR_ISOL_ACTIVATE_GET,
		PR_ISOL_ACTIVATE_SET, PR_ISOL_ACTIVATE_SET, PR_ISOL_ACTIVATE_SET,
	};
	int op;

	memset(c, 0, sizeof(*c));
	if (chance(rs, 4)) {
		c->a[0] = bad_option(rs);
		c->a[1] = splitmix(rs);
		c->a[2] = pick_pointer(rs, a, 64, 50);
		c->a[3] = chance(rs, 50) ? 0 : splitmix(rs);
		c->a[4] = chance(rs, 50) ? 0 : splitmix(rs);
		return;
	}
	op = ops[rnd(rs, 10)];
	c->a[0] = (uint32_t)op;
	if (chance(rs, 2))	/* garbage above the int: still the same option */
		c->a[0] |= splitmix(rs) << 32;

	switch (op) {
	case PR_ISOL_FEAT_GET:
		c->a[1] = selector(rs, chance(rs, 34) ? 0 : chance(rs, 50) ? Q : N);
		c->a[2] = pick_pointer(rs, a, 64, 12);
		c->a[3] = zero_arg(rs);
		c->a[4] = zero_arg(rs);
		break;
	case PR_ISOL_CFG_GET:
	case PR_ISOL_CFG_SET: {
		bool inh = chance(rs, 40);
		uint64_t feat = chance(rs, 50) ? Q : N;

		c->a[1] = selector(rs, inh ? I_CFG_INHERIT : I_CFG_FEAT);
		c->a[2] = selector(rs, inh ? 0 : (op == PR_ISOL_CFG_SET || chance(rs, 67)) ? feat : 0);
		c->a[3] = pick_pointer(rs, a, 64, 12);
		c->a[4] = zero_arg(rs);
		/* The structure of the feature asked for, mostly. */
		if (op == PR_ISOL_CFG_SET) {
			if (inh)
				gen_inherit_control(rs, a, c->a[3]);
			else if (c->a[2] == N || (c->a[2] != Q && chance(rs, 50)))
				gen_notify_control(rs, a, c->a[3]);
			else
				gen_quiesce_control(rs, a, c->a[3]);
		}
		break;
	}
	case PR_ISOL_ACTIVATE_GET:
		c->a[1] = pick_pointer(rs, a, 8, 12);
		c->a[2] = zero_arg(rs);
		c->a[3] = zero_arg(rs);
		c->a[4] = zero_arg(rs);
		break;
	case PR_ISOL_ACTIVATE_SET: {
		uint64_t mask = mask_value(rs, 1 + rnd(rs, FALL));

		c->a[1] = pick_pointer(rs, a, 8, 10);
		fill_user(a, c->a[1], &mask, sizeof(mask));
		if (chance(rs, 35)) {
			/* The mask and the control may even overlap. */
			c->a[2] = pick_pointer(rs, a, 64, 12);
			gen_activate_control(rs, a, c->a[2]);
		}
		c->a[3] = zero_arg(rs);
		c->a[4] = zero_arg(rs);
		break;
	}
	}
}

/* ---- Running and checking ---- */

/* Outcomes of the fuzzed calls: success, EINVAL, EFAULT, EBUSY. */
struct outcomes {
	long ok, einval, efault, ebusy, set_ok, multi;
};

static void count(struct outcomes *o, const struct call *c, const struct pred *p, int err)
{
	int op = (int)(uint32_t)c->a[0];

	if (!o)
		return;
	if (!p->errs) {
		o->ok++;
		o->set_ok += op == PR_ISOL_CFG_SET || op == PR_ISOL_ACTIVATE_SET;
	} else if (err == EINVAL) {
		o->einval++;
	} else if (err == EFAULT) {
		o->efault++;
	} else {
		o->ebusy++;
	}
	/* Calls where the contract allowed more than one errno. */
	o->multi += (p->errs & (p->errs - 1)) != 0;
}


#define GUARD	16	/* bytes around a GET buffer that must stay untouched */

struct worker {
	int idx;
	pid_t tid;
	pthread_t thread;
	uint64_t rs;		/* random state */
	struct arena arena;
	struct model m;
	long calls;		/* fuzzed calls to make */
	long done;		/* fuzzed calls made */
	long checks;		/* state-check calls made */
	long forks, migrations;
	struct outcomes out;
	char fail[1024];	/* first failure, empty if none */
};

static const char *op_name(uint64_t a0)
{
	switch ((int)(uint32_t)a0) {
	case PR_ISOL_FEAT_GET:		return "FEAT_GET";
	case PR_ISOL_CFG_GET:		return "CFG_GET";
	case PR_ISOL_CFG_SET:		return "CFG_SET";
	case PR_ISOL_ACTIVATE_GET:	return "ACTIVATE_GET";
	case PR_ISOL_ACTIVATE_SET:	return "ACTIVATE_SET";
	}
	return "(invalid)";
}

static void describe(char *buf, size_t size, const char *what, long n,
		     const struct call *c, const struct model *m,
		     const struct pred *p, long ret, int err)
{
	if (size < 64)	/* a forked child: only its exit code counts */
		return;
	snprintf(buf, size,
		 "%s at call %ld: prctl(%s=%#" PRIx64 ", %#" PRIx64 ", %#" PRIx64
		 ", %#" PRIx64 ", %#" PRIx64 ") in state q=%#" PRIx64 " act=%#" PRIx64
		 " os=%#" PRIx64 " inh=%#x ev=%#" PRIx64 " sig=%u: expected %s, got %ld/%s",
		 what, n, op_name(c->a[0]), c->a[0], c->a[1], c->a[2], c->a[3], c->a[4],
		 m->quiesce, m->active, m->oneshot, m->inherit, m->events, m->signo,
		 p->errs ? errs_name(p->errs) : "0", ret, ret ? strerror(err) : "-");
}

/*
 * One fuzzed call: generate, predict, run, compare. Returns 0, or -1 with
 * the failure described in @fail.
 */
static int fuzz_one(uint64_t *rs, const struct arena *a, struct model *m, long n,
		    struct outcomes *o, char *fail, size_t size)
{
	unsigned char fill = chance(rs, 70) ? 0xff : splitmix(rs);
	uint64_t lo, hi, q;
	struct call c;
	struct pred p;
	long ret;
	int err;

	gen_call(rs, a, &c);
	predict(m, &c, a, &p);
	/* Prefill what a GET may write, and a guard around it. */
	if (p.wlen && in_arena(a, p.wptr)) {
		lo = p.wptr - GUARD;
		hi = p.wptr + p.wlen + GUARD;
		for (q = lo; q < hi; q++)
			if (byte_writable(a, q))
				*(unsigned char *)(uintptr_t)q = fill;
	}
	errno = 0;
	ret = syscall(SYS_prctl, c.a[0], c.a[1], c.a[2], c.a[3], c.a[4]);
	err = ret ? errno : 0;
	/* No fault: success. Faults: -1 with the errno of any of them. */
	if (p.errs ? ret != -1 || !(err_bit(err) & p.errs) : ret != 0) {
		describe(fail, size, "wrong result", n, &c, m, &p, ret, err);
		return -1;
	}
	if (p.wlen && in_arena(a, p.wptr)) {
		for (q = p.wptr - GUARD; q < p.wptr + p.wlen + GUARD; q++) {
			unsigned char v, want;
			bool inside = q >= p.wptr && q < p.wptr + p.wlen;

			if (!byte_writable(a, q))
				continue;
			v = *(unsigned char *)(uintptr_t)q;
			want = inside && !ret ? p.wbuf[q - p.wptr] : fill;
			/* A GET that faulted may have written part of its value. */
			if (v == want || (inside && ret && err == EFAULT && p.wknown &&
					  v == p.wbuf[q - p.wptr]))
				continue;
			describe(fail, size, "wrong bytes", n, &c, m, &p, ret, err);
			if (size >= 64)
				snprintf(fail + strlen(fail), size - strlen(fail),
					 "; byte %+ld of the buffer is %#x, expected %#x (fill %#x)",
					 (long)(q - p.wptr), v, want, fill);
			return -1;
		}
	}
	if (!ret)
		*m = p.next;
	count(o, &c, &p, err);
	return 0;
}

/* The task's whole state as prctl and /proc/thread-self show it. */
static int read_state(struct model *out, bool with_proc, long *calls)
{
	struct task_isol_quiesce_control qc;
	struct task_isol_notify_control nc;
	struct task_isol_inherit_control ic;
	struct isol_proc_status st;
	char buf[1024];
	uint64_t conf;
	ssize_t n;
	int fd;

	memset(out, 0, sizeof(*out));
	*calls += 5;
	if (syscall(SYS_prctl, PR_ISOL_CFG_GET, I_CFG_FEAT, 0, &conf, 0) ||
	    syscall(SYS_prctl, PR_ISOL_CFG_GET, I_CFG_FEAT, Q, &qc, 0) ||
	    syscall(SYS_prctl, PR_ISOL_CFG_GET, I_CFG_FEAT, N, &nc, 0) ||
	    syscall(SYS_prctl, PR_ISOL_CFG_GET, I_CFG_INHERIT, 0, &ic, 0) ||
	    syscall(SYS_prctl, PR_ISOL_ACTIVATE_GET, &out->active, 0, 0, 0))
		return -1;
	out->quiesce = qc.quiesce_mask;
	out->inherit = ic.inherit_mask;
	out->events = nc.event_mask;
	out->signo = nc.signo;
	out->oneshot = ~0ULL;	/* only /proc shows it */
	if (conf != ((qc.quiesce_mask ? Q : 0) | (nc.event_mask ? N : 0)) || qc.flags ||
	    !all_zero(qc.pad, sizeof(qc.pad)) || !all_zero(ic.pad, sizeof(ic.pad)) ||
	    nc.flags || nc.pad0 || !all_zero(nc.pad, sizeof(nc.pad)))
		return -2;
	if (!with_proc)
		return 0;
	fd = open("/proc/thread-self/task_isolation", O_RDONLY);
	if (fd < 0)
		return -3;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -3;
	buf[n] = 0;
	if (isol_parse_proc(buf, &st))
		return -4;
	if (st.configured != conf || st.quiesce_mask != out->quiesce || st.active != out->active ||
	    st.inherit != out->inherit || st.notify_mask != out->events ||
	    st.notify_signo != out->signo)
		return -5;
	out->oneshot = st.oneshot;
	return 0;
}

/* Compares the task's state with the model; 0 or -1 with @fail set. */
static int check_state(const struct model *m, bool with_proc, long *calls,
		       const char *who, long n, char *fail, size_t size)
{
	struct model s;
	int r = read_state(&s, with_proc, calls);

	if (!with_proc)
		s.oneshot = m->oneshot;
	if (!r && m_eq(&s, m))
		return 0;
	if (size < 64)	/* a forked child: only its exit code counts */
		return -1;
	snprintf(fail, size,
		 "%s after call %ld: state read %d: q=%#" PRIx64 " act=%#" PRIx64 " os=%#" PRIx64
		 " inh=%#x ev=%#" PRIx64 " sig=%u, model q=%#" PRIx64 " act=%#" PRIx64
		 " os=%#" PRIx64 " inh=%#x ev=%#" PRIx64 " sig=%u",
		 who, n, r, s.quiesce, s.active, s.oneshot, s.inherit, s.events, s.signo,
		 m->quiesce, m->active, m->oneshot, m->inherit, m->events, m->signo);
	return -1;
}

static int nr_cpus_allowed;
static int cpus_allowed[64];

static void move_to_random_cpu(uint64_t *rs, pid_t tid)
{
	cpu_set_t set;
	int i;

	CPU_ZERO(&set);
	if (chance(rs, 20)) {
		for (i = 0; i < nr_cpus_allowed; i++)
			CPU_SET(cpus_allowed[i], &set);
	} else {
		CPU_SET(cpus_allowed[rnd(rs, nr_cpus_allowed)], &set);
	}
	sched_setaffinity(tid, sizeof(set), &set);
}

/*
 * In a forked child (one thread, async-signal-safe calls only): check the
 * inherited state, then fuzz a little on it. Exit code 0 or a failure code.
 */
static void child_check(uint64_t *rs, const struct arena *a, const struct model *parent,
			int ncalls)
{
	struct model m = m_inherited(parent);
	char fail[16];		/* the parent reports the exit code */
	long dummy = 0;
	int i;

	if (check_state(&m, true, &dummy, "child", 0, fail, sizeof(fail)))
		_exit(10);
	for (i = 0; i < ncalls; i++)
		if (fuzz_one(rs, a, &m, i, NULL, fail, sizeof(fail)))
			_exit(11);
	if (check_state(&m, true, &dummy, "child", ncalls, fail, sizeof(fail)))
		_exit(12);
	_exit(0);
}

static int fork_and_check(uint64_t *rs, const struct arena *a, const struct model *m,
			  int ncalls)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid)
		child_check(rs, a, m, ncalls);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

static void *fuzz_thread(void *arg)
{
	struct worker *w = arg;
	long i;
	int r;

	w->tid = syscall(SYS_gettid);
	if (check_state(&w->m, true, &w->checks, "start", 0, w->fail, sizeof(w->fail)))
		return NULL;
	for (i = 0; i < w->calls; i++) {
		if (fuzz_one(&w->rs, &w->arena, &w->m, i, &w->out, w->fail, sizeof(w->fail)))
			return NULL;
		w->done++;
		if (i % STATE_CHECK == STATE_CHECK - 1 &&
		    check_state(&w->m, i % PROC_CHECK == PROC_CHECK - 1, &w->checks,
				"state check", i, w->fail, sizeof(w->fail)))
			return NULL;
		if (i % MIGRATE_EVERY == MIGRATE_EVERY / 2) {
			move_to_random_cpu(&w->rs, 0);
			w->migrations++;
		}
		if (i % FORK_EVERY == FORK_EVERY / 3) {
			/* The child's stream forks off from ours. */
			uint64_t crs = splitmix(&w->rs);

			r = fork_and_check(&crs, &w->arena, &w->m, CHILD_CALLS);
			w->forks++;
			if (r) {
				snprintf(w->fail, sizeof(w->fail),
					 "child forked after call %ld failed with %d (10: inherited state, 11: a call, 12: final state)",
					 i, r);
				return NULL;
			}
		}
	}
	check_state(&w->m, true, &w->checks, "final check", i, w->fail, sizeof(w->fail));
	return NULL;
}

/* Forks and reaps children with inherited state; moves the fuzzers around. */
struct forker {
	struct worker w;
	struct worker *fuzzers;
	int nfuzzers;
	volatile int stop;
};

static int forker_configure(struct worker *w)
{
	static const uint8_t inherit[] = { IC | IA, IC | IA, IC, 0 };
	struct model want = w->m;

	want.quiesce = chance(&w->rs, 85) ? good_quiesce(&w->rs) : 0;
	want.events = chance(&w->rs, 60) ? good_events(&w->rs) : 0;
	want.signo = want.events && chance(&w->rs, 50) ?
		     safe_signos[rnd(&w->rs, ARRAY_SIZE(safe_signos))] : 0;
	want.inherit = inherit[rnd(&w->rs, 4)];
	want.active = chance(&w->rs, 75) ? m_configured(&want) & (1 + rnd(&w->rs, FALL)) : 0;
	want.oneshot = (want.active & Q) && chance(&w->rs, 30) ?
		       some_of(&w->rs, want.quiesce) : 0;
	if (w->m.active && isol_activate(0))
		return -1;
	if (isol_set_quiesce(want.quiesce) || isol_cfg_notify(want.events, want.signo) ||
	    isol_set_inherit(want.inherit))
		return -1;
	if (want.active && (want.oneshot ? isol_activate_oneshot(want.active, want.oneshot) :
			    isol_activate(want.active)))
		return -1;
	w->checks += 5;
	w->m = want;
	return 0;
}

static void *forker_thread(void *arg)
{
	struct forker *f = arg;
	struct worker *w = &f->w;
	int r;

	w->tid = syscall(SYS_gettid);
	while (!f->stop) {
		if (w->forks % 16 == 0) {
			if (forker_configure(w)) {
				snprintf(w->fail, sizeof(w->fail), "forker: configuring failed: %s",
					 strerror(errno));
				return NULL;
			}
			if (check_state(&w->m, true, &w->checks, "forker", w->forks, w->fail,
					sizeof(w->fail)))
				return NULL;
		}
		r = fork_and_check(&w->rs, &w->arena, &w->m, 0);
		w->forks++;
		if (r) {
			snprintf(w->fail, sizeof(w->fail),
				 "forker: child %ld failed with %d in state q=%#" PRIx64
				 " act=%#" PRIx64 " os=%#" PRIx64 " inh=%#x ev=%#" PRIx64 " sig=%u",
				 w->forks, r, w->m.quiesce, w->m.active, w->m.oneshot, w->m.inherit,
				 w->m.events, w->m.signo);
			return NULL;
		}
		if (f->nfuzzers) {
			struct worker *t = &f->fuzzers[rnd(&w->rs, f->nfuzzers)];

			if (t->tid)
				move_to_random_cpu(&w->rs, t->tid);
			w->migrations++;
		}
	}
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

FIXTURE(fuzz) {
};

FIXTURE_SETUP(fuzz)
{
	__u64 feat;

	if (prctl(PR_ISOL_FEAT_GET, 0, &feat, 0, 0))
		SKIP(return, "PR_ISOL_FEAT_GET fails (%s): kernel without CONFIG_TASK_ISOLATION",
		     strerror(errno));
	if (access("/proc/thread-self/task_isolation", R_OK))
		SKIP(return, "no /proc/thread-self/task_isolation");
}

FIXTURE_TEARDOWN(fuzz)
{
}

/* The fuzzed run; its own timeout covers slow (debug) kernels. */
TEST_F_TIMEOUT(fuzz, prctl_model, 3000)
{
	static struct worker workers[MAX_THREADS];
	static struct forker forker;
	uint64_t rs = opt_seed;
	struct model main_m = { 0 };
	long total = 0, checks = 0, forks = 0, migrations = 0;
	struct outcomes out = { 0 };
	char fail[512];
	cpu_set_t set;
	double t0, t1;
	int i;

	TH_LOG("seed=%" PRIu64 " calls=%ld threads=%d (rerun: ISOL_FUZZ_SEED=%" PRIu64
	       " ISOL_FUZZ_CALLS=%ld ISOL_FUZZ_THREADS=%d)",
	       opt_seed, opt_calls, opt_threads, opt_seed, opt_calls, opt_threads);
	ASSERT_GE(opt_threads, 1);
	ASSERT_LE(opt_threads, MAX_THREADS);
	ASSERT_EQ(0, sched_getaffinity(0, sizeof(set), &set));
	for (i = 0; i < CPU_SETSIZE && nr_cpus_allowed < 64; i++)
		if (CPU_ISSET(i, &set))
			cpus_allowed[nr_cpus_allowed++] = i;

	/* Stored signals cost nothing: see safe_signos. */
	fuzz_ignore_signals();
	/* The main thread's state, which every thread starts from. */
	switch (rnd(&rs, 6)) {
	case 4:	/* inherit everything, both features active, every event, count only */
		ASSERT_EQ(0, isol_set_quiesce(QV));
		ASSERT_EQ(0, isol_cfg_notify(NALL, 0));
		ASSERT_EQ(0, isol_set_inherit(IC | IA));
		ASSERT_EQ(0, isol_activate_oneshot(Q | N, QV));
		main_m = (struct model){ .quiesce = QV, .events = NALL, .inherit = IC | IA,
					 .active = Q | N, .oneshot = QV };
		break;
	case 5:	/* inherit the configuration only: notify (a signal), active */
		ASSERT_EQ(0, isol_cfg_notify(ISOL_NOTIFY_SYSCALL, SIGUSR2));
		ASSERT_EQ(0, isol_set_inherit(IC));
		ASSERT_EQ(0, isol_activate(N));
		main_m = (struct model){ .events = ISOL_NOTIFY_SYSCALL, .signo = SIGUSR2,
					 .inherit = IC, .active = N };
		break;
	case 0:	/* inherit everything, both bits active, lru_drain one-shot */
		ASSERT_EQ(0, isol_set_quiesce(QALL));
		ASSERT_EQ(0, isol_set_inherit(IC | IA));
		ASSERT_EQ(0, isol_activate_oneshot(Q, QL));
		main_m = (struct model){ .quiesce = QALL, .inherit = IC | IA, .active = Q, .oneshot = QL };
		break;
	case 1:	/* inherit everything, active with lru_drain */
		ASSERT_EQ(0, isol_set_quiesce(QL));
		ASSERT_EQ(0, isol_set_inherit(IC | IA));
		ASSERT_EQ(0, isol_activate(Q));
		main_m = (struct model){ .quiesce = QL, .inherit = IC | IA, .active = Q };
		break;
	case 2:	/* inherit the configuration only */
		ASSERT_EQ(0, isol_set_quiesce(QV));
		ASSERT_EQ(0, isol_set_inherit(IC));
		ASSERT_EQ(0, isol_activate(Q));
		main_m = (struct model){ .quiesce = QV, .inherit = IC, .active = Q };
		break;
	default: /* nothing */
		break;
	}
	TH_LOG("main thread: q=%#" PRIx64 " act=%#" PRIx64 " os=%#" PRIx64 " inh=%#x ev=%#"
	       PRIx64 " sig=%u", main_m.quiesce, main_m.active, main_m.oneshot, main_m.inherit,
	       main_m.events, main_m.signo);

	/* All arenas before any thread: nothing maps into their holes later. */
	for (i = 0; i < opt_threads; i++) {
		struct worker *w = &workers[i];

		w->idx = i;
		w->rs = opt_seed ^ (0x9e3779b97f4a7c15ULL * (i + 1));
		splitmix(&w->rs);
		ASSERT_EQ(0, arena_init(&w->arena, &w->rs));
		w->m = m_inherited(&main_m);
		w->calls = opt_calls / opt_threads + (i < opt_calls % opt_threads);
	}
	forker.w.rs = opt_seed ^ 0x5eed5eed5eed5eedULL;
	ASSERT_EQ(0, arena_init(&forker.w.arena, &forker.w.rs));
	forker.w.m = m_inherited(&main_m);
	forker.fuzzers = workers;
	forker.nfuzzers = opt_threads;

	t0 = now();
	for (i = 0; i < opt_threads; i++)
		ASSERT_EQ(0, pthread_create(&workers[i].thread, NULL, fuzz_thread, &workers[i]));
	ASSERT_EQ(0, pthread_create(&forker.w.thread, NULL, forker_thread, &forker));
	for (i = 0; i < opt_threads; i++)
		pthread_join(workers[i].thread, NULL);
	forker.stop = 1;
	pthread_join(forker.w.thread, NULL);
	t1 = now();

	for (i = 0; i < opt_threads; i++) {
		struct worker *w = &workers[i];

		total += w->done;
		checks += w->checks;
		forks += w->forks;
		migrations += w->migrations;
		out.ok += w->out.ok;
		out.set_ok += w->out.set_ok;
		out.einval += w->out.einval;
		out.efault += w->out.efault;
		out.ebusy += w->out.ebusy;
		out.multi += w->out.multi;
		EXPECT_STREQ("", w->fail) {
			TH_LOG("thread %d (seed %" PRIu64 "): %s", i, opt_seed, w->fail);
		}
		EXPECT_TRUE(arena_holes_intact(&w->arena)) {
			TH_LOG("thread %d: a hole of the arena got mapped: results are void", i);
		}
	}
	EXPECT_STREQ("", forker.w.fail) {
		TH_LOG("forker (seed %" PRIu64 "): %s", opt_seed, forker.w.fail);
	}
	TH_LOG("%ld fuzzed prctl calls in %.1f s (%.0f/s) on %d threads, %ld state-check calls, %ld+%ld forks (fuzzers+forker, each checking its inheritance), %ld+%ld migrations",
	       total, t1 - t0, total / (t1 - t0), opt_threads, checks, forks, forker.w.forks,
	       migrations, forker.w.migrations);
	TH_LOG("outcomes: %ld succeeded (%ld of them SETs), %ld EINVAL, %ld EFAULT, %ld EBUSY; %ld calls had faults of more than one errno",
	       out.ok, out.set_ok, out.einval, out.efault, out.ebusy, out.multi);
	EXPECT_EQ(opt_calls, total);
	EXPECT_GT(forker.w.forks, 0);

	/* The main thread's state is untouched by all of it. */
	EXPECT_EQ(0, check_state(&main_m, true, &checks, "main thread", 0, fail, sizeof(fail))) {
		TH_LOG("%s", fail);
	}
}

/*
 * The negative tests: with one rule of the model deliberately wrong, the
 * fuzzer must fail, within NEG_CALLS calls on one thread (the seed is the
 * run's, so each run tries another stream). Without them a fuzzer whose
 * model agreed with anything, or whose stream never reached a rule,
 * would pass as well. BUG_NONE is their control: the same stream passes
 * with the right model.
 */
#define NEG_CALLS	50000

FIXTURE(fuzz_negative) {
};

FIXTURE_VARIANT(fuzz_negative) {
	enum model_bug bug;
};

FIXTURE_VARIANT_ADD(fuzz_negative, control_right_model) { .bug = BUG_NONE };
FIXTURE_VARIANT_ADD(fuzz_negative, quiesce_no_ebusy) { .bug = BUG_QUIESCE_NO_EBUSY };
FIXTURE_VARIANT_ADD(fuzz_negative, signo_rtmax_plus_one) { .bug = BUG_SIGNO_65 };
FIXTURE_VARIANT_ADD(fuzz_negative, notify_no_ebusy) { .bug = BUG_NOTIFY_NO_EBUSY };
FIXTURE_VARIANT_ADD(fuzz_negative, signo_without_events) { .bug = BUG_SIGNO_WITHOUT_EVENTS };
FIXTURE_VARIANT_ADD(fuzz_negative, notify_oneshot) { .bug = BUG_NOTIFY_ONESHOT };

FIXTURE_SETUP(fuzz_negative)
{
	__u64 feat;

	if (prctl(PR_ISOL_FEAT_GET, 0, &feat, 0, 0))
		SKIP(return, "PR_ISOL_FEAT_GET fails (%s): kernel without CONFIG_TASK_ISOLATION",
		     strerror(errno));
}

FIXTURE_TEARDOWN(fuzz_negative)
{
}

TEST_F_TIMEOUT(fuzz_negative, wrong_model_fails, 1200)
{
	static struct worker w;
	long n = NEG_CALLS, i;
	bool failed = false;

	fuzz_ignore_signals();
	w.rs = opt_seed ^ 0x6e65676174697665ULL;
	splitmix(&w.rs);
	ASSERT_EQ(0, arena_init(&w.arena, &w.rs));
	model_bug = variant->bug;
	for (i = 0; i < n && !failed; i++) {
		failed = fuzz_one(&w.rs, &w.arena, &w.m, i, &w.out, w.fail, sizeof(w.fail));
		if (!failed && i % STATE_CHECK == STATE_CHECK - 1)
			failed = check_state(&w.m, true, &w.checks, "state check", i, w.fail,
					     sizeof(w.fail));
	}
	model_bug = BUG_NONE;
	/* Whatever the model did: nothing left active. */
	isol_activate(0);
	if (variant->bug == BUG_NONE) {
		EXPECT_FALSE(failed) {
			TH_LOG("seed %" PRIu64 ": %s", opt_seed, w.fail);
		}
		TH_LOG("the right model: %ld calls passed", i);
		return;
	}
	EXPECT_TRUE(failed) {
		TH_LOG("seed %" PRIu64 ": the wrong rule went unnoticed over %ld calls", opt_seed, n);
	}
	if (failed)
		TH_LOG("found the wrong rule after %ld calls: %s", i, w.fail);
}

static uint64_t parse_u64(const char *s, const char *what)
{
	char *end;
	uint64_t v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || !*s || *end) {
		fprintf(stderr, "isol_fuzz: bad %s '%s'\n", what, s);
		exit(KSFT_FAIL);
	}
	return v;
}

int main(int argc, char **argv)
{
	const char *e;
	int i, j;

	opt_seed = (uint64_t)time(NULL) * 1000003ULL ^ (uint64_t)getpid() << 20 ^
		   (uint64_t)(now() * 1e9);
	e = getenv("ISOL_FUZZ_SEED");
	if (e && *e)
		opt_seed = parse_u64(e, "ISOL_FUZZ_SEED");
	e = getenv("ISOL_FUZZ_CALLS");
	if (e && *e)
		opt_calls = parse_u64(e, "ISOL_FUZZ_CALLS");
	e = getenv("ISOL_FUZZ_THREADS");
	if (e && *e)
		opt_threads = parse_u64(e, "ISOL_FUZZ_THREADS");
	/* Our options first, then the harness's. */
	for (i = j = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--seed=", 7))
			opt_seed = parse_u64(argv[i] + 7, "--seed");
		else if (!strncmp(argv[i], "--calls=", 8))
			opt_calls = parse_u64(argv[i] + 8, "--calls");
		else if (!strncmp(argv[i], "--threads=", 10))
			opt_threads = parse_u64(argv[i] + 10, "--threads");
		else
			argv[j++] = argv[i];
	}
	argv[j] = NULL;
	return test_harness_run(j, argv);
}
