// SPDX-License-Identifier: GPL-2.0
/*
 * The PR_ISOL_* prctl interface: every call of the contract, every error
 * with its exact errno, and that a failed call leaves the task's state
 * exactly as it was. Each TEST runs in its own child, so state starts
 * empty and never leaks between tests.
 */
#include "isol_common.h"
#include <sys/mman.h>
#include "../kselftest_harness.h"

#define Q	ISOL_F_QUIESCE
#define QV	ISOL_F_QUIESCE_VMSTATS
#define QL	ISOL_F_QUIESCE_LRU
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
	EXPECT_EQ(ISOL_F_QUIESCE, feat);
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
	__u64 feat, active;

	memset(&feat, 0xff, sizeof(feat));
	memset(&qc, 0xff, sizeof(qc));
	memset(&ic, 0xff, sizeof(ic));
	memset(&active, 0xff, sizeof(active));
	ASSERT_EQ(0, prctl(PR_ISOL_CFG_GET, I_CFG_FEAT, 0, &feat, 0));
	EXPECT_EQ(0, feat);
	ASSERT_EQ(0, prctl(PR_ISOL_CFG_GET, I_CFG_FEAT, ISOL_F_QUIESCE, &qc, 0));
	EXPECT_TRUE(all_bytes(&qc, 0, sizeof(qc)));
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

/* ---- Errors: exact errno, and nothing changed ---- */

/* ONESHOT: active, with a nonzero one-shot mask (ISOL_F_QUIESCE_VMSTATS). */
enum setup { EMPTY, CONFIGURED, ACTIVE, ONESHOT };

struct ctx {
	void *unmapped;		/* a page that is not mapped */
	void *ro;		/* a read-only, zero-filled page */
	__u64 u64;
	__u64 q, bad_feat, q_and_bad;
	struct task_isol_quiesce_control qc;
	struct task_isol_inherit_control ic;
	struct task_isol_activate_control ac;
	struct task_isol_quiesce_extensions ext;
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
	c->qc.quiesce_mask = QV;
	c->ac.quiesce_oneshot_mask = QV;
	if (setup >= CONFIGURED) {
		ASSERT_EQ(0, isol_set_quiesce(QV));
		ASSERT_EQ(0, isol_set_inherit(ISOL_INHERIT_CONF));
	}
	if (setup == ACTIVE)
		ASSERT_EQ(0, isol_activate(Q));
	if (setup == ONESHOT)
		ASSERT_EQ(0, isol_activate_oneshot(Q, QV));
}

#define L(x) ((unsigned long)(x))

/*
 * ERR(name, setup, errno, prepare, call): in state @setup, after the
 * statements @prepare on the context `c`, @call must fail with @errno and
 * leave the state unchanged: every field, the one-shot mask included.
 * ERR_NEEDS() also skips unless the kernel supports the quiesce bits
 * @needs.
 */
#define ERR(name, setup, err, prepare, call)				\
	ERR_NEEDS(name, 0, setup, err, prepare, call)

#define ERR_NEEDS(name, needs, setup, err, prepare, call)		\
TEST(err_##name)							\
{									\
	struct isol_state before, after;				\
	struct ctx c;							\
	long ret;							\
									\
	if ((isol_supported_quiesce_bits() & (needs)) != (needs))	\
		SKIP(return, NEEDS_LRU);				\
	ctx_init(_metadata, &c, setup);					\
	prepare;							\
	ASSERT_EQ(0, isol_get_state(&before));				\
	if ((setup) == ONESHOT)						\
		ASSERT_EQ(QV, before.oneshot);				\
	errno = 0;							\
	ret = call;							\
	EXPECT_EQ(-1, ret);						\
	EXPECT_EQ(err, errno) {						\
		TH_LOG("expected %s, got %s", strerror(err), strerror(errno)); \
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

TEST_HARNESS_MAIN
