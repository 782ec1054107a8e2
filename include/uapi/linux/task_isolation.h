/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
#ifndef _UAPI_LINUX_TASK_ISOLATION_H
#define _UAPI_LINUX_TASK_ISOLATION_H

#include <linux/types.h>

/*
 * Task isolation prctl interface, see
 * Documentation/userspace-api/task_isolation.rst.
 *
 * The option numbers are also defined in <linux/prctl.h>; they are repeated
 * here so that a program needs only this header.
 */
#ifndef PR_ISOL_FEAT_GET
#define PR_ISOL_FEAT_GET		0x49534647 /* "ISFG" */
#define PR_ISOL_CFG_GET			0x49534347 /* "ISCG" */
#define PR_ISOL_CFG_SET			0x49534353 /* "ISCS" */
#define PR_ISOL_ACTIVATE_GET		0x49534147 /* "ISAG" */
#define PR_ISOL_ACTIVATE_SET		0x49534153 /* "ISAS" */
#endif

/* PR_ISOL_CFG_GET/PR_ISOL_CFG_SET: what to get or set (arg2) */
#define I_CFG_FEAT			1
#define I_CFG_INHERIT			2

/* Features */
#define ISOL_F_QUIESCE			0x1ULL	/* bit 0 */
#define ISOL_F_NOTIFY			0x2ULL	/* bit 1 */

/* Activities that ISOL_F_QUIESCE can quiesce (quiesce_mask bits) */
#define ISOL_F_QUIESCE_VMSTATS		0x1ULL	/* bit 0: vmstat_sync */
#define ISOL_F_QUIESCE_LRU		0x2ULL	/* bit 1: lru_drain */

/* PR_ISOL_FEAT_GET, ISOL_F_QUIESCE */
struct task_isol_quiesce_extensions {
	__u64 flags;			/* 0 */
	__u64 supported_quiesce_bits;	/* ISOL_F_QUIESCE_* */
	__u64 pad[6];			/* 0 */
};

/* PR_ISOL_CFG_GET/PR_ISOL_CFG_SET, I_CFG_FEAT, ISOL_F_QUIESCE */
struct task_isol_quiesce_control {
	__u64 flags;			/* must be 0 */
	__u64 quiesce_mask;		/* ISOL_F_QUIESCE_* */
	__u64 pad[6];			/* must be 0 */
};

/* inherit_mask bits */
#define ISOL_INHERIT_CONF		0x1	/* bit 0 */
#define ISOL_INHERIT_ACTIVE		0x2	/* bit 1 */

/* PR_ISOL_CFG_GET/PR_ISOL_CFG_SET, I_CFG_INHERIT */
struct task_isol_inherit_control {
	__u8 inherit_mask;		/* ISOL_INHERIT_* */
	__u8 pad[7];			/* must be 0 */
};

/* PR_ISOL_ACTIVATE_SET, optional arg3 */
struct task_isol_activate_control {
	__u64 flags;			/* must be 0 */
	__u64 quiesce_oneshot_mask;	/* subset of quiesce_mask */
	__u64 pad[6];			/* must be 0 */
};

/* Entries into the kernel that ISOL_F_NOTIFY reports (event_mask bits) */
#define ISOL_NOTIFY_SYSCALL		0x1ULL	/* bit 0: syscall */
#define ISOL_NOTIFY_EXCEPTION		0x2ULL	/* bit 1: exception */
#define ISOL_NOTIFY_INTERRUPT		0x4ULL	/* bit 2: interrupt */

/* PR_ISOL_FEAT_GET, ISOL_F_NOTIFY */
struct task_isol_notify_extensions {
	__u64 flags;			/* 0 */
	__u64 supported_events;		/* ISOL_NOTIFY_* */
	__u64 pad[6];			/* 0 */
};

/* PR_ISOL_CFG_GET/PR_ISOL_CFG_SET, I_CFG_FEAT, ISOL_F_NOTIFY */
struct task_isol_notify_control {
	__u64 flags;			/* must be 0 */
	__u64 event_mask;		/* ISOL_NOTIFY_* */
	__u32 signo;			/* signal per break, 0: none */
	__u32 pad0;			/* must be 0 */
	__u64 pad[5];			/* must be 0 */
};

#endif /* _UAPI_LINUX_TASK_ISOLATION_H */
