// SPDX-License-Identifier: GPL-2.0
/*
 * The PR_ISOL_* prctl interface: every call of the contract, every error
 * with its exact errno, and that a failed call leaves the task's state
 * exactly as it was. Each TEST runs in its own child, so state starts
 * empty and never leaks between tests.
 *
 * ISOL_F_NOTIFY: while it is active with the syscall event, every system
 * call of the test but the PR_ISOL_* prctls is a break (reading
 * /proc/thread-self for the state check, printing). So the tests here
 * activate it with signo 0 (count only), and the tests that store a
 * signal number do not activate it: no signal ever reaches the harness.
 * isol_notify tests the breaks and the signals themselves.
 */
#include "isol_common.h"
#include <signal.h>
#include <sys/mman.h>
#include "../kselftest_harness.h"

#define Q	ISOL_F_QUIESCE
#define QV	ISOL_F_QUIESCE_VMSTATS
#define QL	ISOL_F_QUIESCE_LRU
#define N	ISOL_F_NOTIFY
#define NS	ISOL_NOTIFY_SYSCALL
#define NE	ISOL_NOTIFY_EXCEPTION
#define NI	ISOL_NOTIFY_INTERRUPT
#define NALL	(NS | NE | NI)
/* Bits no kernel knows: SPEC section 2 defines bits 0 and 1 only. */
#define BAD_BIT		(1ULL << 2)

#define NEEDS_LRU \
	"needs a second quiesce bit (ISOL_F_QUIESCE_LRU, not supported by this kernel)"

static int all_bytes(const void *p, int c, size_t n)
{
	const unsigned char *b = p;

	while (n--)
		if (*b++ != (unsigned char)c)
			return 0;
	return 1;
}

/* ---- Successful calls: the call table of the contract ---- */

TEST(feat_get_features)
{
	__u64 feat;

	memset(&feat, 0xff, sizeof(feat));
	ASSERT_EQ(0, prctl(PR_ISOL_FEAT_GET, 0, &feat, 0, 0));
	EXPECT_EQ(ISOL_F_QUIESCE | ISOL_F_NOTIFY, feat);
}

TEST(feat_get_notify_extensions)
{
	struct task_isol_notify_extensions ext;

	ASSERT_EQ(64, sizeof(ext));
	memset(&ext, 0xff, sizeof(ext));
	ASSERT_EQ(0, prctl(PR_ISOL_FEAT_GET, ISOL_F_NOTIFY, &ext, 0, 0));
	EXPECT_EQ(0, ext.flags);
	EXPECT_EQ(NS | NE | NI, ext.supported_events);
	EXPECT_TRUE(all_bytes(ext.pad, 0, sizeof(ext.pad)));
}

TEST(feat_get_quiesce_extensions)
{
	struct task_isol_quiesce_extensions ext;

	ASSERT_EQ(64, sizeof(ext));
	memset(&ext, 0xff, sizeof(ext));
	ASSERT_EQ(0, prctl(PR_ISOL_FEAT_GET, ISOL_F_QUIESCE, &ext, 0, 0));
	EXPECT_EQ(0, ext.flags);
	EXPECT_EQ(ISOL_F_QUIESCE_VMSTATS | ISOL_F_QUIESCE_LRU, ext.supported_quiesce_bits);
	EXPECT_TRUE(all_bytes(ext.pad, 0, sizeof(ext.pad)));
}

TEST(cfg_get_defaults_are_zero)
{
	struct task_isol_quiesce_control qc;
	struct task_isol_inherit_control ic;
	struct task_isol_notify_control nc;
	__u64 feat, active;

	memset(&feat, 0xff, sizeof(feat));
	memset(&qc, 0xff, sizeof(qc));
	memset(&nc, 0xff, sizeof(nc));
	memset(&ic, 0xff, sizeof(ic));
	memset(&active, 0xff, sizeof(active));
	ASSERT_EQ(0, prctl(PR_ISOL_CFG_GET, I_CFG_FEAT, 0, &feat, 0));
	EXPECT_EQ(0, feat);
	ASSERT_EQ(0, prctl(PR_ISOL_CFG_GET, I_CFG_FEAT, ISOL_F_QUIESCE, &qc, 0));
	EXPECT_TRUE(all_bytes(&qc, 0, sizeof(qc)));
	ASSERT_EQ(64, sizeof(nc));
	ASSERT_EQ(0, prctl(PR_ISOL_CFG_GET, I_CFG_FEAT, ISOL_F_NOTIFY, &nc, 0));
	EXPECT_TRUE(all_bytes(&nc, 0, sizeof(nc)));
	ASSERT_EQ(8, sizeof(ic));
	ASSERT_EQ(0, prctl(PR_ISOL_CFG_GET, I_CFG_INHERIT, 0, &ic, 0));
	EXPECT_TRUE(all_bytes(&ic, 0, sizeof(ic)));
	ASSERT_EQ(0, prctl(PR_ISOL_ACTIVATE_GET, &active, 0, 0, 0));
	EXPECT_EQ(0, active);
}

TEST(cfg_set_quiesce_round_trip)
{
	struct task_isol_quiesce_control qc;
	__u64 feat;

	ASSERT_EQ(0, isol_set_quiesce(QV));
	memset(&qc, 0xff, sizeof(qc));
	ASSERT_EQ(0, prctl(PR_ISOL_CFG_GET, I_CFG_FEAT, ISOL_F_QUIESCE, &qc, 0));
	EXPECT_EQ(0, qc.flags);
	EXPECT_EQ(QV, qc.quiesce_mask);
	EXPECT_TRUE(all_bytes(qc.pad, 0, sizeof(qc.pad)));
	memset(&feat, 0xff, sizeof(feat));
	ASSERT_EQ(0, prctl(PR_ISOL_CFG_GET, I_CFG_FEAT, 0, &feat, 0));
	EXPECT_EQ(ISOL_F_QUIESCE, feat);

	/* A zero mask un-configures the feature. */
	ASSERT_EQ(0, isol_set_quiesce(0));
	ASSERT_EQ(0, prctl(PR_ISOL_CFG_GET, I_CFG_FEAT, 0, &feat, 0));
	EXPECT_EQ(0, feat);
	ASSERT_EQ(0, prctl(PR_ISOL_CFG_GET, I_CFG_FEAT, ISOL_F_QUIESCE, &qc, 0));
	EXPECT_EQ(0, qc.quiesce_mask);
}

/* Every subset of the two quiesce bits is a valid quiesce_mask. */
TEST(cfg_set_quiesce_each_bit_round_trip)
{
	static const __u64 masks[] = { QL, QV | QL, QV, QL };
	struct task_isol_quiesce_control qc;
	struct isol_state s;
	unsigned int i;

	for (i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		ASSERT_EQ(0, isol_set_quiesce(masks[i]));
		memset(&qc, 0xff, sizeof(qc));
		ASSERT_EQ(0, prctl(PR_ISOL_CFG_GET, I_CFG_FEAT, ISOL_F_QUIESCE, &qc, 0));
		EXPECT_EQ(masks[i], qc.quiesce_mask);
		EXPECT_EQ(0, qc.flags);
		EXPECT_TRUE(all_bytes(qc.pad, 0, sizeof(qc.pad)));
	}
	/* Changed while active, both ways (SPEC section 4). */
	ASSERT_EQ(0, isol_activate(Q));
	ASSERT_EQ(0, isol_set_quiesce(QV | QL));
	ASSERT_EQ(0, isol_get_state(&s));
	EXPECT_EQ(QV | QL, s.quiesce_mask);
	EXPECT_EQ(Q, s.active);
	ASSERT_EQ(0, isol_set_quiesce(QV));
	ASSERT_EQ(0, isol_get_state(&s));
	EXPECT_EQ(QV, s.quiesce_mask);
	EXPECT_EQ(Q, s.active);
}

/* A one-shot mask may be any subset of quiesce_mask, not only all of it. */
TEST(activate_oneshot_subset_of_two_bits)
{
	struct isol_state s;

	ASSERT_EQ(0, isol_set_quiesce(QV | QL));
	ASSERT_EQ(0, isol_activate_oneshot(Q, QL));
	ASSERT_EQ(0, isol_get_state(&s));
	EXPECT_EQ(QL, s.oneshot);
	ASSERT_EQ(0, isol_activate_oneshot(Q, QV));
	ASSERT_EQ(0, isol_get_state(&s));
	EXPECT_EQ(QV, s.oneshot);
	ASSERT_EQ(0, isol_activate_oneshot(Q, QV | QL));
	ASSERT_EQ(0, isol_get_state(&s));
	EXPECT_EQ(QV | QL, s.oneshot);
	/* Without ctl the one-shot mask clears. */
	ASSERT_EQ(0, isol_activate(Q));
	ASSERT_EQ(0, isol_get_state(&s));
	EXPECT_EQ(0, s.oneshot);
}

TEST(cfg_set_inherit_round_trip)
{
	static const __u8 masks[] = {
		ISOL_INHERIT_CONF, ISOL_INHERIT_CONF | ISOL_INHERIT_ACTIVE, 0,
	};
	struct task_isol_inherit_control ic;
	unsigned int i;

	for (i = 0; i < sizeof(masks); i++) {
		ASSERT_EQ(0, isol_set_inherit(masks[i]));
		memset(&ic, 0xff, sizeof(ic));
		ASSERT_EQ(0, prctl(PR_ISOL_CFG_GET, I_CFG_INHERIT, 0, &ic, 0));
		EXPECT_EQ(masks[i], ic.inherit_mask);
		EXPECT_TRUE(all_bytes(ic.pad, 0, sizeof(ic.pad)));
	}
}

TEST(activate_round_trip_and_deactivate_keeps_config)
{
	struct isol_state s;
	__u64 active;

	ASSERT_EQ(0, isol_set_quiesce(QV));
	ASSERT_EQ(0, isol_activate(Q));
	memset(&active, 0xff, sizeof(active));
	ASSERT_EQ(0, prctl(PR_ISOL_ACTIVATE_GET, &active, 0, 0, 0));
	EXPECT_EQ(Q, active);

	/* Changing the mask while active is allowed. */
	ASSERT_EQ(0, isol_set_quiesce(QV));

	ASSERT_EQ(0, isol_activate(0));
	ASSERT_EQ(0, isol_get_state(&s));
	EXPECT_EQ(0, s.active);
	EXPECT_EQ(Q, s.configured);
	EXPECT_EQ(QV, s.quiesce_mask);
}

TEST(activate_with_oneshot_ctl)
{
	__u64 active;

	ASSERT_EQ(0, isol_set_quiesce(QV));
	ASSERT_EQ(0, isol_activate_oneshot(Q, QV));
	ASSERT_EQ(0, prctl(PR_ISOL_ACTIVATE_GET, &active, 0, 0, 0));
	EXPECT_EQ(Q, active);
	/* An all-zero ctl is valid too. */
	ASSERT_EQ(0, isol_activate_oneshot(Q, 0));
}

/*
 * A ctl whose one-shot mask is 0 means "no one-shot" (SPEC section 3),
 * with any new mask: deactivating with it succeeds, as the seed's
 * task_isol_computation.c does, and so does "activating" nothing in a
 * task without state. The other side of the rule, a nonzero one-shot
 * mask without ISOL_F_QUIESCE in the new mask, is EINVAL: the
 * err_activate_set_ctl_without_quiesce* tests below.
 */
TEST(activate_set_zeroed_ctl_deactivates)
{
	struct isol_state s;

	ASSERT_EQ(0, isol_set_quiesce(QV));
	ASSERT_EQ(0, isol_activate_oneshot(Q, QV));
	ASSERT_EQ(0, isol_get_state(&s));
	ASSERT_EQ(QV, s.oneshot);
	EXPECT_EQ(0, isol_activate_oneshot(0, 0)) {
		TH_LOG("deactivating with a zeroed ctl: %s", strerror(errno));
	}
	ASSERT_EQ(0, isol_get_state(&s));
	EXPECT_EQ(0, s.active);
	EXPECT_EQ(0, s.oneshot);
	EXPECT_EQ(Q, s.configured);
	EXPECT_EQ(QV, s.quiesce_mask);
}

TEST(activate_set_zeroed_ctl_without_state)
{
	struct isol_state s;

	EXPECT_EQ(0, isol_activate_oneshot(0, 0)) {
		TH_LOG("a zeroed ctl with mask 0 and no state: %s", strerror(errno));
	}
	ASSERT_EQ(0, isol_get_state(&s));
	EXPECT_EQ(0, s.configured | s.quiesce_mask | s.inherit_mask | s.active | s.oneshot);
}

TEST(activate_set_zeroed_ctl_clears_oneshot)
{
	struct isol_state s;

	ASSERT_EQ(0, isol_set_quiesce(QV));
	ASSERT_EQ(0, isol_activate_oneshot(Q, QV));
	ASSERT_EQ(0, isol_activate_oneshot(Q, 0));
	ASSERT_EQ(0, isol_get_state(&s));
	EXPECT_EQ(Q, s.active);
	EXPECT_EQ(0, s.oneshot);
}

/*
 * The positive control of the "nothing changed" check of the ERR tests:
 * the comparison sees a change of the one-shot mask alone (which no prctl
 * returns), as a failed call that cleared it would make.
 */
TEST(state_comparison_sees_the_oneshot_mask)
{
	struct isol_state before, after;

	ASSERT_EQ(0, isol_set_quiesce(QV));
	ASSERT_EQ(0, isol_activate_oneshot(Q, QV));
	ASSERT_EQ(0, isol_get_state(&before));
	ASSERT_EQ(0, isol_activate(Q));	/* clears the one-shot mask only */
	ASSERT_EQ(0, isol_get_state(&after));
	EXPECT_EQ(QV, before.oneshot);
	EXPECT_EQ(0, after.oneshot);
	EXPECT_FALSE(isol_state_eq(&before, &after));
}

TEST(deactivate_without_state_is_a_no_op)
{
	struct isol_state s;

	ASSERT_EQ(0, isol_activate(0));
	ASSERT_EQ(0, isol_get_state(&s));
	EXPECT_EQ(0, s.configured | s.active | s.inherit_mask);
}

TEST(set_from_read_only_memory)
{
	struct task_isol_quiesce_control *qc;
	struct isol_state s;

	qc = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, qc);
	qc->quiesce_mask = QV;
	ASSERT_EQ(0, mprotect(qc, 4096, PROT_READ));
	EXPECT_EQ(0, prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, ISOL_F_QUIESCE, qc, 0));
	ASSERT_EQ(0, isol_get_state(&s));
	EXPECT_EQ(QV, s.quiesce_mask);
	munmap(qc, 4096);
}

/* ---- ISOL_F_NOTIFY: successful calls ---- */

/* CFG_GET of ISOL_F_NOTIFY into a buffer prefilled with 0xff. */
static int get_notify(struct task_isol_notify_control *nc)
{
	memset(nc, 0xff, sizeof(*nc));
	return prctl(PR_ISOL_CFG_GET, I_CFG_FEAT, ISOL_F_NOTIFY, nc, 0);
}

/* The whole structure is {flags 0, @mask, @signo, pad0 0, pad 0}. */
static int notify_is(const struct task_isol_notify_control *nc, __u64 mask, __u32 signo)
{
	struct task_isol_notify_control want = { .event_mask = mask, .signo = signo };

	return !memcmp(nc, &want, sizeof(want));
}

static __u64 configured_mask(void)
{
	__u64 feat;

	memset(&feat, 0xff, sizeof(feat));
	if (prctl(PR_ISOL_CFG_GET, I_CFG_FEAT, 0, &feat, 0))
		return ~0ULL;
	return feat;
}

TEST(cfg_get_notify_never_configured)
{
	struct task_isol_notify_control nc;

	/* A task with state, but notify never configured. */
	ASSERT_EQ(0, isol_set_quiesce(QV));
	ASSERT_EQ(0, isol_set_inherit(ISOL_INHERIT_CONF));
	ASSERT_EQ(0, get_notify(&nc));
	EXPECT_TRUE(notify_is(&nc, 0, 0));
	EXPECT_EQ(Q, configured_mask());
}

/*
 * Every event combination, and signal numbers from 1 to SIGRTMAX (64):
 * read back exactly, and ISOL_F_NOTIFY configured exactly while the
 * event mask is not 0. Not activated: these signals are never sent.
 */
TEST(cfg_set_notify_round_trip)
{
	static const struct {
		__u64 mask;
		__u32 signo;
	} cases[] = {
		{ NS, 0 }, { NE, SIGUSR1 }, { NI, SIGKILL }, { NS | NE, 1 }, { NS | NI, 34 },
		{ NE | NI, 63 }, { NALL, ISOL_SIGNO_MAX }, { NALL, 0 }, { NS, SIGUSR2 },
	};
	struct task_isol_notify_control nc;
	struct isol_state s;
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ASSERT_EQ(0, isol_cfg_notify(cases[i].mask, cases[i].signo)) {
			TH_LOG("mask %#llx signo %u: %s", (unsigned long long)cases[i].mask,
			       cases[i].signo, strerror(errno));
		}
		ASSERT_EQ(0, get_notify(&nc));
		EXPECT_TRUE(notify_is(&nc, cases[i].mask, cases[i].signo)) {
			TH_LOG("mask %#llx signo %u read back as flags %#llx mask %#llx signo %u pad0 %#x",
			       (unsigned long long)cases[i].mask, cases[i].signo,
			       (unsigned long long)nc.flags, (unsigned long long)nc.event_mask,
			       nc.signo, nc.pad0);
		}
		EXPECT_EQ(N, configured_mask());
		/* /proc agrees (isol_get_state() checks it). */
		ASSERT_EQ(0, isol_get_state(&s));
		EXPECT_EQ(cases[i].mask, s.notify_mask);
		EXPECT_EQ(cases[i].signo, s.notify_signo);
		EXPECT_EQ(0, s.active);
	}
	/* Event mask 0 (and signo 0) un-configures it. */
	ASSERT_EQ(0, isol_cfg_notify(0, 0));
	ASSERT_EQ(0, get_notify(&nc));
	EXPECT_TRUE(notify_is(&nc, 0, 0));
	EXPECT_EQ(0, configured_mask());
}

/* Each signal number is valid, 1 to SIGRTMAX: the control of the signo errors. */
TEST(cfg_set_notify_every_valid_signo)
{
	struct task_isol_notify_control nc;
	__u32 signo;

	for (signo = 0; signo <= ISOL_SIGNO_MAX; signo++) {
		EXPECT_EQ(0, isol_cfg_notify(NE, signo)) {
			TH_LOG("signo %u: %s", signo, strerror(errno));
		}
		ASSERT_EQ(0, get_notify(&nc));
		EXPECT_TRUE(notify_is(&nc, NE, signo)) {
			TH_LOG("signo %u read back as %u", signo, nc.signo);
		}
	}
	/* The user-space SIGRTMAX is the kernel's. */
	EXPECT_EQ(ISOL_SIGNO_MAX, SIGRTMAX);
}

/* A structure in read-only memory is fine for a SET. */
TEST(cfg_set_notify_from_read_only_memory)
{
	struct task_isol_notify_control *nc;
	struct task_isol_notify_control got;

	nc = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, nc);
	nc->event_mask = NI;
	nc->signo = SIGUSR2;
	ASSERT_EQ(0, mprotect(nc, 4096, PROT_READ));
	EXPECT_EQ(0, prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, ISOL_F_NOTIFY, nc, 0));
	ASSERT_EQ(0, get_notify(&got));
	EXPECT_TRUE(notify_is(&got, NI, SIGUSR2));
	munmap(nc, 4096);
}

/* The two features are configured and un-configured independently. */
TEST(notify_and_quiesce_configure_independently)
{
	struct task_isol_notify_control nc;
	struct isol_state s;

	ASSERT_EQ(0, isol_set_quiesce(QV | QL));
	ASSERT_EQ(0, isol_cfg_notify(NS | NI, SIGUSR1));
	EXPECT_EQ(Q | N, configured_mask());
	ASSERT_EQ(0, isol_set_quiesce(0));
	EXPECT_EQ(N, configured_mask());
	ASSERT_EQ(0, get_notify(&nc));
	EXPECT_TRUE(notify_is(&nc, NS | NI, SIGUSR1));
	ASSERT_EQ(0, isol_set_quiesce(QL));
	ASSERT_EQ(0, isol_cfg_notify(0, 0));
	EXPECT_EQ(Q, configured_mask());
	ASSERT_EQ(0, isol_get_state(&s));
	EXPECT_EQ(QL, s.quiesce_mask);
	EXPECT_EQ(0, s.notify_mask | s.notify_signo);
}

/*
 * ISOL_F_NOTIFY active alone (signo 0: count only): ACTIVATE_GET shows
 * it, the configuration may change while active (a nonzero event mask;
 * the new signal number is ignored here, so that none can arrive), and
 * deactivation keeps the configuration.
 */
TEST(activate_notify_alone)
{
	struct task_isol_notify_control nc;
	struct isol_state s;
	__u64 active;

	ASSERT_NE(SIG_ERR, signal(SIGUSR2, SIG_IGN));
	ASSERT_EQ(0, isol_cfg_notify(NE, 0));
	ASSERT_EQ(0, isol_activate(N));
	memset(&active, 0xff, sizeof(active));
	ASSERT_EQ(0, prctl(PR_ISOL_ACTIVATE_GET, &active, 0, 0, 0));
	EXPECT_EQ(N, active);
	ASSERT_EQ(0, isol_get_state(&s));
	EXPECT_EQ(N, s.configured);
	EXPECT_EQ(N, s.active);
	EXPECT_EQ(NE, s.notify_mask);
	EXPECT_EQ(0, s.oneshot);

	/* Changed while active, both fields. */
	ASSERT_EQ(0, isol_cfg_notify(NALL, 0));
	ASSERT_EQ(0, get_notify(&nc));
	EXPECT_TRUE(notify_is(&nc, NALL, 0));
	ASSERT_EQ(0, isol_cfg_notify(NE, SIGUSR2));
	ASSERT_EQ(0, get_notify(&nc));
	EXPECT_TRUE(notify_is(&nc, NE, SIGUSR2));
	ASSERT_EQ(0, isol_cfg_notify(NE | NI, 0));
	ASSERT_EQ(0, prctl(PR_ISOL_ACTIVATE_GET, &active, 0, 0, 0));
	EXPECT_EQ(N, active);

	ASSERT_EQ(0, isol_activate(0));
	ASSERT_EQ(0, isol_get_state(&s));
	EXPECT_EQ(0, s.active);
	EXPECT_EQ(N, s.configured);
	EXPECT_EQ(NE | NI, s.notify_mask);
	EXPECT_EQ(0, s.notify_signo);
	/* Not active any more: un-configuring is allowed. */
	ASSERT_EQ(0, isol_cfg_notify(0, 0));
	EXPECT_EQ(0, configured_mask());
}

/*
 * Both features active, and every move between the masks; the one-shot
 * mask is about ISOL_F_QUIESCE only and goes with it.
 */
TEST(activate_notify_with_quiesce)
{
	struct isol_state s;

	ASSERT_EQ(0, isol_set_quiesce(QV | QL));
	ASSERT_EQ(0, isol_cfg_notify(NS | NE, 0));
	ASSERT_EQ(0, isol_activate(Q | N));
	ASSERT_EQ(0, isol_get_state(&s));
	EXPECT_EQ(Q | N, s.active);
	EXPECT_EQ(Q | N, s.configured);

	ASSERT_EQ(0, isol_activate_oneshot(Q | N, QV));
	ASSERT_EQ(0, isol_get_state(&s));
	EXPECT_EQ(Q | N, s.active);
	EXPECT_EQ(QV, s.oneshot);

	/* A zeroed ctl ("no one-shot") with notify alone. */
	ASSERT_EQ(0, isol_activate_oneshot(N, 0));
	ASSERT_EQ(0, isol_get_state(&s));
	EXPECT_EQ(N, s.active);
	EXPECT_EQ(0, s.oneshot);

	/* Quiescing alone: notify's configuration stays, inactive. */
	ASSERT_EQ(0, isol_activate(Q));
	ASSERT_EQ(0, isol_get_state(&s));
	EXPECT_EQ(Q, s.active);
	EXPECT_EQ(NS | NE, s.notify_mask);
	/* ... so it may be un-configured now, and configured again. */
	ASSERT_EQ(0, isol_cfg_notify(0, 0));
	ASSERT_EQ(0, isol_cfg_notify(NI, 0));

	ASSERT_EQ(0, isol_activate(N));
	/* Only notify active: quiescing may be un-configured. */
	ASSERT_EQ(0, isol_set_quiesce(0));
	ASSERT_EQ(0, isol_get_state(&s));
	EXPECT_EQ(N, s.active);
	EXPECT_EQ(N, s.configured);
	EXPECT_EQ(NI, s.notify_mask);

	ASSERT_EQ(0, isol_activate(0));
	ASSERT_EQ(0, isol_get_state(&s));
	EXPECT_EQ(0, s.active);
	EXPECT_EQ(N, s.configured);
	EXPECT_EQ(NI, s.notify_mask);
}

/*
 * The positive control of the "nothing changed" check for notify: the
 * comparison sees a change of the signal number alone, and of the event
 * mask alone.
 */
TEST(state_comparison_sees_the_notify_configuration)
{
	struct isol_state a, b;

	ASSERT_EQ(0, isol_cfg_notify(NE, SIGUSR1));
	ASSERT_EQ(0, isol_get_state(&a));
	ASSERT_EQ(0, isol_cfg_notify(NE, SIGUSR2));
	ASSERT_EQ(0, isol_get_state(&b));
	EXPECT_FALSE(isol_state_eq(&a, &b));
	ASSERT_EQ(0, isol_cfg_notify(NE | NI, SIGUSR1));
	ASSERT_EQ(0, isol_get_state(&b));
	EXPECT_EQ(a.configured, b.configured);
	EXPECT_FALSE(isol_state_eq(&a, &b));
	ASSERT_EQ(0, isol_cfg_notify(NE, SIGUSR1));
	ASSERT_EQ(0, isol_get_state(&b));
	EXPECT_TRUE(isol_state_eq(&a, &b));
}

/* ---- Errors: exact errno, and nothing changed ---- */

/*
 * ONESHOT: active, with a nonzero one-shot mask (ISOL_F_QUIESCE_VMSTATS).
 * N_CONFIGURED: as CONFIGURED, and notify configured (exception and
 * interrupt, SIGUSR1), not active. N_ACTIVE: as CONFIGURED, notify
 * configured with every event and signo 0, both features active.
 * N_ONLY: only notify configured (syscall, signo 0) and active.
 */
enum setup { EMPTY, CONFIGURED, ACTIVE, ONESHOT, N_CONFIGURED, N_ACTIVE, N_ONLY };

struct ctx {
	void *unmapped;		/* a page that is not mapped */
	void *ro;		/* a read-only, zero-filled page */
	__u64 u64;
	__u64 q, bad_feat, q_and_bad, n, qn, qn_and_bad;
	struct task_isol_quiesce_control qc;
	struct task_isol_inherit_control ic;
	struct task_isol_activate_control ac;
	struct task_isol_quiesce_extensions ext;
	struct task_isol_notify_control nc;	/* valid: exception, signo 0 */
	struct task_isol_notify_extensions next;
};

static void ctx_init(struct __test_metadata *_metadata, struct ctx *c, enum setup setup)
{
	memset(c, 0, sizeof(*c));
	c->ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, c->ro);
	/* Unmapped last, so that no later mapping of the test reuses it. */
	c->unmapped = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, c->unmapped);
	ASSERT_EQ(0, munmap(c->unmapped, 4096));
	c->q = Q;
	c->bad_feat = BAD_BIT;
	c->q_and_bad = Q | (1ULL << 63);
	c->n = N;
	c->qn = Q | N;
	c->qn_and_bad = Q | N | BAD_BIT;
	c->qc.quiesce_mask = QV;
	c->ac.quiesce_oneshot_mask = QV;
	c->nc.event_mask = NE;
	if (setup != EMPTY && setup != N_ONLY) {
		ASSERT_EQ(0, isol_set_quiesce(QV));
		ASSERT_EQ(0, isol_set_inherit(ISOL_INHERIT_CONF));
	}
	switch (setup) {
	case ACTIVE:
		ASSERT_EQ(0, isol_activate(Q));
		break;
	case ONESHOT:
		ASSERT_EQ(0, isol_activate_oneshot(Q, QV));
		break;
	case N_CONFIGURED:
		ASSERT_EQ(0, isol_cfg_notify(NE | NI, SIGUSR1));
		break;
	case N_ACTIVE:
		ASSERT_EQ(0, isol_cfg_notify(NALL, 0));
		ASSERT_EQ(0, isol_activate(Q | N));
		break;
	case N_ONLY:
		ASSERT_EQ(0, isol_cfg_notify(NS, 0));
		ASSERT_EQ(0, isol_activate(N));
		break;
	default:
		break;
	}
}

#define L(x) ((unsigned long)(x))

/*
 * ERR(name, setup, errno, prepare, call): in state @setup, after the
 * statements @prepare on the context `c`, @call must fail with @errno and
 * leave the state unchanged: every field, the one-shot mask and the
 * notify configuration included. ERR_NEEDS() also skips unless the kernel
 * supports the quiesce bits @needs. ERR2() accepts either of two errnos,
 * for a call with two faults (SPEC section 3: no order between checks).
 */
#define ERR(name, setup, err, prepare, call)				\
	ERR_FULL(name, 0, setup, err, err, prepare, call)

#define ERR2(name, setup, err, err2, prepare, call)			\
	ERR_FULL(name, 0, setup, err, err2, prepare, call)

#define ERR_NEEDS(name, needs, setup, err, prepare, call)		\
	ERR_FULL(name, needs, setup, err, err, prepare, call)

#define ERR_FULL(name, needs, setup, err, err2, prepare, call)		\
TEST(err_##name)							\
{									\
	struct isol_state before, after;				\
	struct ctx c;							\
	long ret;							\
	int e;								\
									\
	if ((isol_supported_quiesce_bits() & (needs)) != (needs))	\
		SKIP(return, NEEDS_LRU);				\
	ctx_init(_metadata, &c, setup);					\
	prepare;							\
	ASSERT_EQ(0, isol_get_state(&before));				\
	if ((setup) == ONESHOT)						\
		ASSERT_EQ(QV, before.oneshot);				\
	if ((setup) == N_ACTIVE || (setup) == N_ONLY)			\
		ASSERT_TRUE(before.active & N);				\
	errno = 0;							\
	ret = call;							\
	e = errno;							\
	EXPECT_EQ(-1, ret);						\
	EXPECT_TRUE(e == (err) || e == (err2)) {			\
		TH_LOG("expected %s%s%s, got %s", strerror(err),	\
		       (err) != (err2) ? " or " : "",			\
		       (err) != (err2) ? strerror(err2) : "", strerror(e)); \
	}								\
	ASSERT_EQ(0, isol_get_state(&after));				\
	EXPECT_TRUE(isol_state_eq(&before, &after));			\
}

#define NOP (void)0

/* PR_ISOL_FEAT_GET */
ERR(feat_get_arg4, EMPTY, EINVAL, NOP, prctl(PR_ISOL_FEAT_GET, 0, &c.u64, 1, 0))
ERR(feat_get_arg5, EMPTY, EINVAL, NOP, prctl(PR_ISOL_FEAT_GET, 0, &c.u64, 0, 1))
ERR(feat_get_unknown_feat, EMPTY, EINVAL, NOP, prctl(PR_ISOL_FEAT_GET, BAD_BIT, &c.ext, 0, 0))
ERR(feat_get_high_feat, EMPTY, EINVAL, NOP, prctl(PR_ISOL_FEAT_GET, 1UL << 63, &c.ext, 0, 0))
ERR(feat_get_null, EMPTY, EFAULT, NOP, prctl(PR_ISOL_FEAT_GET, 0, NULL, 0, 0))
ERR(feat_get_unmapped, EMPTY, EFAULT, NOP, prctl(PR_ISOL_FEAT_GET, 0, c.unmapped, 0, 0))
ERR(feat_get_read_only, EMPTY, EFAULT, NOP, prctl(PR_ISOL_FEAT_GET, 0, c.ro, 0, 0))
ERR(feat_get_ext_null, EMPTY, EFAULT, NOP, prctl(PR_ISOL_FEAT_GET, Q, NULL, 0, 0))
ERR(feat_get_ext_read_only, EMPTY, EFAULT, NOP, prctl(PR_ISOL_FEAT_GET, Q, c.ro, 0, 0))

/* PR_ISOL_CFG_GET */
ERR(cfg_get_arg5, CONFIGURED, EINVAL, NOP, prctl(PR_ISOL_CFG_GET, I_CFG_FEAT, 0, &c.u64, 1))
ERR(cfg_get_unknown_what, CONFIGURED, EINVAL, NOP, prctl(PR_ISOL_CFG_GET, 3, 0, &c.u64, 0))
ERR(cfg_get_what_zero, CONFIGURED, EINVAL, NOP, prctl(PR_ISOL_CFG_GET, 0, 0, &c.u64, 0))
ERR(cfg_get_unknown_feature, CONFIGURED, EINVAL, NOP,
    prctl(PR_ISOL_CFG_GET, I_CFG_FEAT, BAD_BIT, &c.qc, 0))
ERR(cfg_get_inherit_arg3, CONFIGURED, EINVAL, NOP,
    prctl(PR_ISOL_CFG_GET, I_CFG_INHERIT, 1, &c.ic, 0))
ERR(cfg_get_feat_null, CONFIGURED, EFAULT, NOP, prctl(PR_ISOL_CFG_GET, I_CFG_FEAT, 0, NULL, 0))
ERR(cfg_get_feat_read_only, CONFIGURED, EFAULT, NOP,
    prctl(PR_ISOL_CFG_GET, I_CFG_FEAT, 0, c.ro, 0))
ERR(cfg_get_quiesce_unmapped, CONFIGURED, EFAULT, NOP,
    prctl(PR_ISOL_CFG_GET, I_CFG_FEAT, Q, c.unmapped, 0))
ERR(cfg_get_quiesce_read_only, CONFIGURED, EFAULT, NOP,
    prctl(PR_ISOL_CFG_GET, I_CFG_FEAT, Q, c.ro, 0))
ERR(cfg_get_inherit_null, CONFIGURED, EFAULT, NOP,
    prctl(PR_ISOL_CFG_GET, I_CFG_INHERIT, 0, NULL, 0))
ERR(cfg_get_inherit_read_only, CONFIGURED, EFAULT, NOP,
    prctl(PR_ISOL_CFG_GET, I_CFG_INHERIT, 0, c.ro, 0))

/* PR_ISOL_CFG_SET, I_CFG_FEAT */
ERR(cfg_set_arg5, EMPTY, EINVAL, NOP,
    prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, Q, &c.qc, 1))
ERR(cfg_set_unknown_what, EMPTY, EINVAL, NOP, prctl(PR_ISOL_CFG_SET, 3, Q, &c.qc, 0))
ERR(cfg_set_feature_zero, EMPTY, EINVAL, NOP,
    prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, 0, &c.qc, 0))
ERR(cfg_set_unknown_feature, EMPTY, EINVAL, NOP,
    prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, BAD_BIT, &c.qc, 0))
ERR(cfg_set_quiesce_flags, EMPTY, EINVAL, c.qc.flags = 1,
    prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, Q, &c.qc, 0))
ERR(cfg_set_quiesce_pad_first, EMPTY, EINVAL, c.qc.pad[0] = 1,
    prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, Q, &c.qc, 0))
ERR(cfg_set_quiesce_pad_last, CONFIGURED, EINVAL, c.qc.pad[5] = 1ULL << 63,
    prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, Q, &c.qc, 0))
ERR(cfg_set_quiesce_unknown_bit, EMPTY, EINVAL, c.qc.quiesce_mask = BAD_BIT,
    prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, Q, &c.qc, 0))
ERR(cfg_set_quiesce_unknown_high_bit, CONFIGURED, EINVAL, c.qc.quiesce_mask = QV | 1ULL << 63,
    prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, Q, &c.qc, 0))
ERR(cfg_set_quiesce_zero_while_active, ACTIVE, EBUSY, c.qc.quiesce_mask = 0,
    prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, Q, &c.qc, 0))
ERR(cfg_set_quiesce_null, CONFIGURED, EFAULT, NOP,
    prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, Q, NULL, 0))
ERR(cfg_set_quiesce_unmapped, EMPTY, EFAULT, NOP,
    prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, Q, c.unmapped, 0))

/* PR_ISOL_CFG_SET, I_CFG_INHERIT */
ERR(cfg_set_inherit_arg3, EMPTY, EINVAL, c.ic.inherit_mask = ISOL_INHERIT_CONF,
    prctl(PR_ISOL_CFG_SET, I_CFG_INHERIT, 1, &c.ic, 0))
ERR(cfg_set_inherit_pad, EMPTY, EINVAL, c.ic.pad[6] = 1,
    prctl(PR_ISOL_CFG_SET, I_CFG_INHERIT, 0, &c.ic, 0))
ERR(cfg_set_inherit_unknown_bit, EMPTY, EINVAL, c.ic.inherit_mask = 1 << 2,
    prctl(PR_ISOL_CFG_SET, I_CFG_INHERIT, 0, &c.ic, 0))
ERR(cfg_set_inherit_high_bit, CONFIGURED, EINVAL, c.ic.inherit_mask = 0x80 | ISOL_INHERIT_CONF,
    prctl(PR_ISOL_CFG_SET, I_CFG_INHERIT, 0, &c.ic, 0))
ERR(cfg_set_inherit_active_without_conf, CONFIGURED, EINVAL,
    c.ic.inherit_mask = ISOL_INHERIT_ACTIVE,
    prctl(PR_ISOL_CFG_SET, I_CFG_INHERIT, 0, &c.ic, 0))
ERR(cfg_set_inherit_null, EMPTY, EFAULT, NOP,
    prctl(PR_ISOL_CFG_SET, I_CFG_INHERIT, 0, NULL, 0))
ERR(cfg_set_inherit_unmapped, CONFIGURED, EFAULT, NOP,
    prctl(PR_ISOL_CFG_SET, I_CFG_INHERIT, 0, c.unmapped, 0))

/* PR_ISOL_ACTIVATE_GET */
ERR(activate_get_arg3, ACTIVE, EINVAL, NOP, prctl(PR_ISOL_ACTIVATE_GET, &c.u64, 1, 0, 0))
ERR(activate_get_arg4, ACTIVE, EINVAL, NOP, prctl(PR_ISOL_ACTIVATE_GET, &c.u64, 0, 1, 0))
ERR(activate_get_arg5, ACTIVE, EINVAL, NOP, prctl(PR_ISOL_ACTIVATE_GET, &c.u64, 0, 0, 1))
ERR(activate_get_null, ACTIVE, EFAULT, NOP, prctl(PR_ISOL_ACTIVATE_GET, NULL, 0, 0, 0))
ERR(activate_get_unmapped, ACTIVE, EFAULT, NOP, prctl(PR_ISOL_ACTIVATE_GET, c.unmapped, 0, 0, 0))
ERR(activate_get_read_only, ACTIVE, EFAULT, NOP, prctl(PR_ISOL_ACTIVATE_GET, c.ro, 0, 0, 0))

/* PR_ISOL_ACTIVATE_SET */
ERR(activate_set_arg4, CONFIGURED, EINVAL, NOP, prctl(PR_ISOL_ACTIVATE_SET, &c.q, 0, 1, 0))
ERR(activate_set_arg5, CONFIGURED, EINVAL, NOP, prctl(PR_ISOL_ACTIVATE_SET, &c.q, 0, 0, 1))
ERR(activate_set_unknown_feature, CONFIGURED, EINVAL, NOP,
    prctl(PR_ISOL_ACTIVATE_SET, &c.bad_feat, 0, 0, 0))
ERR(activate_set_unknown_high_feature, CONFIGURED, EINVAL, NOP,
    prctl(PR_ISOL_ACTIVATE_SET, &c.q_and_bad, 0, 0, 0))
ERR(activate_set_not_configured, EMPTY, EINVAL, NOP, prctl(PR_ISOL_ACTIVATE_SET, &c.q, 0, 0, 0))
ERR(activate_set_unconfigured_again, CONFIGURED, EINVAL, isol_set_quiesce(0),
    prctl(PR_ISOL_ACTIVATE_SET, &c.q, 0, 0, 0))
ERR(activate_set_ctl_flags, CONFIGURED, EINVAL, c.ac.flags = 1,
    prctl(PR_ISOL_ACTIVATE_SET, &c.q, &c.ac, 0, 0))
ERR(activate_set_ctl_pad, CONFIGURED, EINVAL, c.ac.pad[3] = 1,
    prctl(PR_ISOL_ACTIVATE_SET, &c.q, &c.ac, 0, 0))
ERR(activate_set_oneshot_unknown_bit, CONFIGURED, EINVAL, c.ac.quiesce_oneshot_mask = BAD_BIT,
    prctl(PR_ISOL_ACTIVATE_SET, &c.q, &c.ac, 0, 0))
ERR(activate_set_oneshot_unknown_high_bit, CONFIGURED, EINVAL,
    c.ac.quiesce_oneshot_mask = QV | 1ULL << 40,
    prctl(PR_ISOL_ACTIVATE_SET, &c.q, &c.ac, 0, 0))
/*
 * A known bit that is not in the configured quiesce_mask: with only one
 * quiesce bit, a nonzero quiesce_mask contains every known bit, so this
 * needs the second one.
 */
ERR_NEEDS(activate_set_oneshot_not_subset, QL, CONFIGURED, EINVAL,
	  c.ac.quiesce_oneshot_mask = QL,
	  prctl(PR_ISOL_ACTIVATE_SET, &c.q, &c.ac, 0, 0))
ERR_NEEDS(activate_set_oneshot_not_subset_of_both, QL, ONESHOT, EINVAL,
	  c.ac.quiesce_oneshot_mask = QV | QL,
	  prctl(PR_ISOL_ACTIVATE_SET, &c.q, &c.ac, 0, 0))
/* A nonzero one-shot mask without ISOL_F_QUIESCE in the new mask. */
ERR(activate_set_ctl_without_quiesce, ACTIVE, EINVAL, c.u64 = 0,
    prctl(PR_ISOL_ACTIVATE_SET, &c.u64, &c.ac, 0, 0))
ERR(activate_set_ctl_without_quiesce_configured, CONFIGURED, EINVAL, c.u64 = 0,
    prctl(PR_ISOL_ACTIVATE_SET, &c.u64, &c.ac, 0, 0))
ERR(activate_set_null_mask, ACTIVE, EFAULT, NOP, prctl(PR_ISOL_ACTIVATE_SET, NULL, 0, 0, 0))
ERR(activate_set_unmapped_mask, CONFIGURED, EFAULT, NOP,
    prctl(PR_ISOL_ACTIVATE_SET, c.unmapped, 0, 0, 0))
ERR(activate_set_unmapped_ctl, CONFIGURED, EFAULT, NOP,
    prctl(PR_ISOL_ACTIVATE_SET, &c.q, c.unmapped, 0, 0))

/* The state after a failed call is the state before, also when active. */
ERR(cfg_set_bad_pad_while_active, ACTIVE, EINVAL, c.qc.pad[2] = 7,
    prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, Q, &c.qc, 0))

/*
 * ... and with a one-shot mask set, which a failed call must keep: above
 * all a failed ACTIVATE_SET, the call that sets and clears it.
 */
ERR(oneshot_cfg_set_quiesce_zero, ONESHOT, EBUSY, c.qc.quiesce_mask = 0,
    prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, Q, &c.qc, 0))
ERR(oneshot_cfg_set_quiesce_pad, ONESHOT, EINVAL, c.qc.pad[2] = 7,
    prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, Q, &c.qc, 0))
ERR(oneshot_cfg_set_inherit_active_without_conf, ONESHOT, EINVAL,
    c.ic.inherit_mask = ISOL_INHERIT_ACTIVE,
    prctl(PR_ISOL_CFG_SET, I_CFG_INHERIT, 0, &c.ic, 0))
ERR(oneshot_activate_set_arg4, ONESHOT, EINVAL, NOP, prctl(PR_ISOL_ACTIVATE_SET, &c.q, 0, 1, 0))
ERR(oneshot_activate_set_unknown_feature, ONESHOT, EINVAL, NOP,
    prctl(PR_ISOL_ACTIVATE_SET, &c.bad_feat, 0, 0, 0))
ERR(oneshot_activate_set_ctl_flags, ONESHOT, EINVAL, c.ac.flags = 1,
    prctl(PR_ISOL_ACTIVATE_SET, &c.q, &c.ac, 0, 0))
ERR(oneshot_activate_set_ctl_pad, ONESHOT, EINVAL, c.ac.pad[5] = 1,
    prctl(PR_ISOL_ACTIVATE_SET, &c.q, &c.ac, 0, 0))
ERR(oneshot_activate_set_oneshot_unknown_bit, ONESHOT, EINVAL,
    c.ac.quiesce_oneshot_mask = BAD_BIT,
    prctl(PR_ISOL_ACTIVATE_SET, &c.q, &c.ac, 0, 0))
ERR(oneshot_activate_set_ctl_without_quiesce, ONESHOT, EINVAL, c.u64 = 0,
    prctl(PR_ISOL_ACTIVATE_SET, &c.u64, &c.ac, 0, 0))
ERR(oneshot_activate_set_null_mask, ONESHOT, EFAULT, NOP,
    prctl(PR_ISOL_ACTIVATE_SET, NULL, 0, 0, 0))
ERR(oneshot_activate_set_unmapped_ctl, ONESHOT, EFAULT, NOP,
    prctl(PR_ISOL_ACTIVATE_SET, &c.q, c.unmapped, 0, 0))
ERR(oneshot_activate_set_read_only_zero_ctl_bad_mask, ONESHOT, EINVAL, NOP,
    prctl(PR_ISOL_ACTIVATE_SET, &c.q_and_bad, c.ro, 0, 0))

/* ---- ISOL_F_NOTIFY: errors, one row each ---- */

#define NSET(nc)	prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, N, (nc), 0)
#define NGET(nc)	prctl(PR_ISOL_CFG_GET, I_CFG_FEAT, N, (nc), 0)

/* PR_ISOL_FEAT_GET, ISOL_F_NOTIFY */
ERR(feat_get_notify_arg4, EMPTY, EINVAL, NOP, prctl(PR_ISOL_FEAT_GET, N, &c.next, 1, 0))
ERR(feat_get_notify_arg5, N_ACTIVE, EINVAL, NOP, prctl(PR_ISOL_FEAT_GET, N, &c.next, 0, 1))
ERR(feat_get_both_features, EMPTY, EINVAL, NOP, prctl(PR_ISOL_FEAT_GET, Q | N, &c.next, 0, 0))
ERR(feat_get_notify_null, EMPTY, EFAULT, NOP, prctl(PR_ISOL_FEAT_GET, N, NULL, 0, 0))
ERR(feat_get_notify_unmapped, N_CONFIGURED, EFAULT, NOP,
    prctl(PR_ISOL_FEAT_GET, N, c.unmapped, 0, 0))
ERR(feat_get_notify_read_only, N_ACTIVE, EFAULT, NOP, prctl(PR_ISOL_FEAT_GET, N, c.ro, 0, 0))

/* PR_ISOL_CFG_GET, ISOL_F_NOTIFY */
ERR(cfg_get_notify_arg5, N_CONFIGURED, EINVAL, NOP,
    prctl(PR_ISOL_CFG_GET, I_CFG_FEAT, N, &c.nc, 1))
ERR(cfg_get_both_features, N_CONFIGURED, EINVAL, NOP,
    prctl(PR_ISOL_CFG_GET, I_CFG_FEAT, Q | N, &c.nc, 0))
ERR(cfg_get_inherit_notify, N_CONFIGURED, EINVAL, NOP,
    prctl(PR_ISOL_CFG_GET, I_CFG_INHERIT, N, &c.ic, 0))
ERR(cfg_get_notify_null, N_CONFIGURED, EFAULT, NOP, NGET(NULL))
ERR(cfg_get_notify_unmapped, N_ACTIVE, EFAULT, NOP, NGET(c.unmapped))
ERR(cfg_get_notify_read_only, N_CONFIGURED, EFAULT, NOP, NGET(c.ro))
ERR(cfg_get_notify_read_only_empty, EMPTY, EFAULT, NOP, NGET(c.ro))

/* PR_ISOL_CFG_SET, ISOL_F_NOTIFY */
ERR(cfg_set_notify_arg5, EMPTY, EINVAL, NOP, prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, N, &c.nc, 1))
ERR(cfg_set_both_features, EMPTY, EINVAL, NOP,
    prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, Q | N, &c.nc, 0))
ERR(cfg_set_inherit_notify, EMPTY, EINVAL, c.ic.inherit_mask = ISOL_INHERIT_CONF,
    prctl(PR_ISOL_CFG_SET, I_CFG_INHERIT, N, &c.ic, 0))
ERR(cfg_set_notify_flags, EMPTY, EINVAL, c.nc.flags = 1, NSET(&c.nc))
ERR(cfg_set_notify_flags_high, N_ACTIVE, EINVAL, c.nc.flags = 1ULL << 63, NSET(&c.nc))
ERR(cfg_set_notify_pad0, EMPTY, EINVAL, c.nc.pad0 = 1, NSET(&c.nc))
ERR(cfg_set_notify_pad0_high, N_CONFIGURED, EINVAL, c.nc.pad0 = 0x80000000, NSET(&c.nc))
ERR(cfg_set_notify_pad_first, EMPTY, EINVAL, c.nc.pad[0] = 1, NSET(&c.nc))
ERR(cfg_set_notify_pad_last, N_ACTIVE, EINVAL, c.nc.pad[4] = 1ULL << 63, NSET(&c.nc))
ERR(cfg_set_notify_unknown_bit, EMPTY, EINVAL, c.nc.event_mask = 1ULL << 3, NSET(&c.nc))
ERR(cfg_set_notify_unknown_high_bit, N_CONFIGURED, EINVAL,
    c.nc.event_mask = NE | 1ULL << 63, NSET(&c.nc))
ERR(cfg_set_notify_unknown_bit_while_active, N_ONLY, EINVAL,
    c.nc.event_mask = NS | 1ULL << 8, NSET(&c.nc))
ERR(cfg_set_notify_signo_minus_one, EMPTY, EINVAL, c.nc.signo = 0xffffffff, NSET(&c.nc))
ERR(cfg_set_notify_signo_rtmax_plus_one, N_CONFIGURED, EINVAL,
    c.nc.signo = ISOL_SIGNO_MAX + 1, NSET(&c.nc))
ERR(cfg_set_notify_signo_high, N_ACTIVE, EINVAL, c.nc.signo = 0x80000000, NSET(&c.nc))
ERR(cfg_set_notify_signo_without_mask, EMPTY, EINVAL,
    (c.nc.event_mask = 0, c.nc.signo = SIGUSR1), NSET(&c.nc))
ERR(cfg_set_notify_signo_without_mask_configured, N_CONFIGURED, EINVAL,
    (c.nc.event_mask = 0, c.nc.signo = 1), NSET(&c.nc))
ERR(cfg_set_notify_zero_while_active, N_ACTIVE, EBUSY, c.nc.event_mask = 0, NSET(&c.nc))
ERR(cfg_set_notify_zero_while_only_notify_active, N_ONLY, EBUSY, c.nc.event_mask = 0,
    NSET(&c.nc))
/* Two faults: either errno. */
ERR2(cfg_set_notify_zero_with_signo_while_active, N_ACTIVE, EINVAL, EBUSY,
     (c.nc.event_mask = 0, c.nc.signo = SIGUSR1), NSET(&c.nc))
ERR(cfg_set_notify_null, EMPTY, EFAULT, NOP, NSET(NULL))
ERR(cfg_set_notify_null_while_active, N_ACTIVE, EFAULT, NOP, NSET(NULL))
ERR(cfg_set_notify_unmapped, N_CONFIGURED, EFAULT, NOP, NSET(c.unmapped))

/* PR_ISOL_ACTIVATE_SET with ISOL_F_NOTIFY */
ERR(activate_set_notify_without_state, EMPTY, EINVAL, NOP,
    prctl(PR_ISOL_ACTIVATE_SET, &c.n, 0, 0, 0))
ERR(activate_set_notify_not_configured, CONFIGURED, EINVAL, NOP,
    prctl(PR_ISOL_ACTIVATE_SET, &c.n, 0, 0, 0))
ERR(activate_set_both_notify_not_configured, ACTIVE, EINVAL, NOP,
    prctl(PR_ISOL_ACTIVATE_SET, &c.qn, 0, 0, 0))
ERR(activate_set_notify_unconfigured_again, N_CONFIGURED, EINVAL, isol_cfg_notify(0, 0),
    prctl(PR_ISOL_ACTIVATE_SET, &c.n, 0, 0, 0))
ERR(activate_set_both_quiesce_not_configured, N_ONLY, EINVAL, NOP,
    prctl(PR_ISOL_ACTIVATE_SET, &c.qn, 0, 0, 0))
ERR(activate_set_notify_unknown_bit, N_CONFIGURED, EINVAL, NOP,
    prctl(PR_ISOL_ACTIVATE_SET, &c.qn_and_bad, 0, 0, 0))
/* A nonzero one-shot mask needs ISOL_F_QUIESCE in the new mask. */
ERR(activate_set_notify_with_oneshot, N_CONFIGURED, EINVAL, NOP,
    prctl(PR_ISOL_ACTIVATE_SET, &c.n, &c.ac, 0, 0))
ERR(activate_set_notify_with_oneshot_while_active, N_ACTIVE, EINVAL, NOP,
    prctl(PR_ISOL_ACTIVATE_SET, &c.n, &c.ac, 0, 0))
ERR(activate_set_notify_ctl_flags, N_ACTIVE, EINVAL, c.ac.flags = 1,
    prctl(PR_ISOL_ACTIVATE_SET, &c.qn, &c.ac, 0, 0))
ERR(activate_set_notify_ctl_pad, N_CONFIGURED, EINVAL, c.ac.pad[0] = 1,
    prctl(PR_ISOL_ACTIVATE_SET, &c.qn, &c.ac, 0, 0))
ERR(activate_set_notify_unmapped_ctl, N_ACTIVE, EFAULT, NOP,
    prctl(PR_ISOL_ACTIVATE_SET, &c.n, c.unmapped, 0, 0))
ERR(activate_set_notify_arg4, N_ONLY, EINVAL, NOP, prctl(PR_ISOL_ACTIVATE_SET, &c.n, 0, 1, 0))

/* The old rows, with notify active too. */
ERR(notify_active_cfg_set_quiesce_zero, N_ACTIVE, EBUSY, c.qc.quiesce_mask = 0,
    prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, Q, &c.qc, 0))
ERR(notify_active_activate_get_read_only, N_ACTIVE, EFAULT, NOP,
    prctl(PR_ISOL_ACTIVATE_GET, c.ro, 0, 0, 0))
ERR(notify_active_inherit_active_without_conf, N_ACTIVE, EINVAL,
    c.ic.inherit_mask = ISOL_INHERIT_ACTIVE, prctl(PR_ISOL_CFG_SET, I_CFG_INHERIT, 0, &c.ic, 0))
ERR(notify_active_activate_set_unknown_feature, N_ONLY, EINVAL, NOP,
    prctl(PR_ISOL_ACTIVATE_SET, &c.bad_feat, 0, 0, 0))

/*
 * The positive controls of the one-shot rows above: the same ctl with
 * ISOL_F_QUIESCE in the new mask is accepted, and a zeroed ctl with
 * ISOL_F_NOTIFY alone.
 */
TEST(activate_notify_oneshot_controls)
{
	struct ctx c;
	struct isol_state s;

	ctx_init(_metadata, &c, N_CONFIGURED);
	ASSERT_NE(SIG_ERR, signal(SIGUSR1, SIG_IGN));	/* N_CONFIGURED's signo */
	EXPECT_EQ(0, prctl(PR_ISOL_ACTIVATE_SET, &c.qn, &c.ac, 0, 0));
	ASSERT_EQ(0, isol_get_state(&s));
	EXPECT_EQ(Q | N, s.active);
	EXPECT_EQ(QV, s.oneshot);
	c.ac.quiesce_oneshot_mask = 0;
	EXPECT_EQ(0, prctl(PR_ISOL_ACTIVATE_SET, &c.n, &c.ac, 0, 0));
	ASSERT_EQ(0, isol_get_state(&s));
	EXPECT_EQ(N, s.active);
	EXPECT_EQ(0, s.oneshot);
	ASSERT_EQ(0, isol_activate(0));
}

/* ---- ISOL_F_NOTIFY: errors, exhaustively, in four states ---- */

/*
 * For each state, every invalid value of each field of the notify
 * control, each next to its positive control: the same structure with the
 * field valid again is accepted. The base structure is the state's own
 * configuration, so that the control changes nothing.
 */
FIXTURE(notify_err) {
	struct task_isol_notify_control base;
	void *unmapped, *edge;
};

FIXTURE_VARIANT(notify_err) {
	enum setup setup;
	int active;	/* ISOL_F_NOTIFY active: event mask 0 is EBUSY */
};

FIXTURE_VARIANT_ADD(notify_err, empty) { .setup = EMPTY };
FIXTURE_VARIANT_ADD(notify_err, configured) { .setup = N_CONFIGURED };
FIXTURE_VARIANT_ADD(notify_err, active) { .setup = N_ACTIVE, .active = 1 };
FIXTURE_VARIANT_ADD(notify_err, only_notify_active) { .setup = N_ONLY, .active = 1 };

FIXTURE_SETUP(notify_err)
{
	struct ctx c;
	char *p;

	ctx_init(_metadata, &c, variant->setup);
	self->unmapped = c.unmapped;
	ASSERT_EQ(0, get_notify(&self->base));
	/* A page whose last 32 bytes are readable and the next is not. */
	p = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, munmap(p + 4096, 4096));
	self->edge = p + 4096 - 32;
	memcpy(self->edge, &self->base, 32);
}

FIXTURE_TEARDOWN(notify_err)
{
}

static unsigned int errbit(int e)
{
	return e == EINVAL ? 1 : e == EFAULT ? 2 : e == EBUSY ? 4 : 8;
}

/* @call fails with one of @errs (errbit()s) and changes nothing. */
#define EXPECT_FAILS(errs, call, fmt, ...) do {				\
	struct isol_state __b, __a;					\
	long __r;							\
	int __e;							\
									\
	ASSERT_EQ(0, isol_get_state(&__b));				\
	errno = 0;							\
	__r = (call);							\
	__e = errno;							\
	EXPECT_TRUE(__r == -1 && (errbit(__e) & (errs))) {		\
		TH_LOG("returned %ld (%s): " fmt, __r, strerror(__e), ##__VA_ARGS__); \
	}								\
	ASSERT_EQ(0, isol_get_state(&__a));				\
	EXPECT_TRUE(isol_state_eq(&__b, &__a)) {			\
		TH_LOG("state changed: " fmt, ##__VA_ARGS__);		\
	}								\
} while (0)

/* The control: the base structure is accepted and changes nothing. */
#define EXPECT_BASE_OK(self) do {					\
	struct isol_state __b, __a;					\
									\
	ASSERT_EQ(0, isol_get_state(&__b));				\
	if ((self)->base.event_mask || !variant->active) {		\
		EXPECT_EQ(0, NSET(&(self)->base));			\
	} else {							\
		EXPECT_EQ(-1, NSET(&(self)->base));			\
	}								\
	ASSERT_EQ(0, isol_get_state(&__a));				\
	EXPECT_TRUE(isol_state_eq(&__b, &__a));				\
} while (0)

TEST_F(notify_err, unknown_event_bits)
{
	struct task_isol_notify_control nc;
	int bit;

	for (bit = 3; bit < 64; bit++) {
		nc = self->base;
		nc.event_mask = 1ULL << bit;
		EXPECT_FAILS(1, NSET(&nc), "event bit %d alone", bit);
		nc.event_mask = self->base.event_mask | NE | 1ULL << bit;
		EXPECT_FAILS(1, NSET(&nc), "event bit %d with valid ones", bit);
	}
	EXPECT_BASE_OK(self);
}

TEST_F(notify_err, signo_out_of_range)
{
	static const __u32 bad[] = {
		ISOL_SIGNO_MAX + 1, ISOL_SIGNO_MAX + 2, 100, 128, 255, 256, 1000, 0x10000,
		0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
	};
	struct task_isol_notify_control nc;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		nc = self->base;
		nc.event_mask |= NE;
		nc.signo = bad[i];
		EXPECT_FAILS(1, NSET(&nc), "signo %u", bad[i]);
	}
	EXPECT_BASE_OK(self);
}

/* Without events, a signal number is invalid, even a valid one. */
TEST_F(notify_err, signo_without_events)
{
	static const __u32 signos[] = { 1, SIGUSR1, SIGKILL, 34, ISOL_SIGNO_MAX, 65, 0xffffffff };
	/* While active, event mask 0 is also EBUSY. */
	unsigned int errs = variant->active ? 1 | 4 : 1, i;
	struct task_isol_notify_control nc;

	for (i = 0; i < sizeof(signos) / sizeof(signos[0]); i++) {
		nc = self->base;
		nc.event_mask = 0;
		nc.signo = signos[i];
		EXPECT_FAILS(errs, NSET(&nc), "event mask 0, signo %u", signos[i]);
	}
	EXPECT_BASE_OK(self);
}

TEST_F(notify_err, flags)
{
	struct task_isol_notify_control nc;
	int bit;

	for (bit = 0; bit < 64; bit++) {
		nc = self->base;
		nc.flags = 1ULL << bit;
		EXPECT_FAILS(1, NSET(&nc), "flags bit %d", bit);
	}
	EXPECT_BASE_OK(self);
}

TEST_F(notify_err, pad0)
{
	struct task_isol_notify_control nc;
	int bit;

	for (bit = 0; bit < 32; bit++) {
		nc = self->base;
		nc.pad0 = 1U << bit;
		EXPECT_FAILS(1, NSET(&nc), "pad0 bit %d", bit);
	}
	EXPECT_BASE_OK(self);
}

TEST_F(notify_err, pad)
{
	struct task_isol_notify_control nc;
	int i, bit;

	for (i = 0; i < 5; i++) {
		for (bit = 0; bit < 64; bit += 7) {
			nc = self->base;
			nc.pad[i] = 1ULL << bit;
			EXPECT_FAILS(1, NSET(&nc), "pad[%d] bit %d", i, bit);
		}
		nc = self->base;
		nc.pad[i] = 1ULL << 63;
		EXPECT_FAILS(1, NSET(&nc), "pad[%d] bit 63", i);
	}
	EXPECT_BASE_OK(self);
}

/* Pointers the kernel cannot read (SET) or write (GET). */
TEST_F(notify_err, bad_pointers)
{
	void *const bad[] = {
		NULL, self->unmapped, self->edge, (void *)0xffffffff81000000UL,
		(void *)0x8000000000000000UL, (void *)-8L,
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_FAILS(2, NSET(bad[i]), "CFG_SET from %p", bad[i]);
		EXPECT_FAILS(2, NGET(bad[i]), "CFG_GET to %p", bad[i]);
		EXPECT_FAILS(2, prctl(PR_ISOL_FEAT_GET, N, bad[i], 0, 0), "FEAT_GET to %p", bad[i]);
	}
	EXPECT_BASE_OK(self);
}

/*
 * Event mask 0 un-configures ISOL_F_NOTIFY unless it is active (EBUSY);
 * when not active, it succeeds (the control) and the base configuration
 * is set back.
 */
TEST_F(notify_err, unconfigure)
{
	struct task_isol_notify_control nc = { 0 };
	struct isol_state s;

	if (variant->active) {
		EXPECT_FAILS(4, NSET(&nc), "event mask 0 while active");
		return;
	}
	EXPECT_EQ(0, NSET(&nc));
	ASSERT_EQ(0, isol_get_state(&s));
	EXPECT_EQ(0, s.configured & N);
	EXPECT_EQ(0, s.notify_mask | s.notify_signo);
	if (self->base.event_mask)
		EXPECT_EQ(0, NSET(&self->base));
}

TEST_HARNESS_MAIN
