/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the task isolation selftests: prctl wrappers, a
 * snapshot of the calling task's state, the isolated and housekeeping
 * CPUs of the running system, CPU pinning and /proc/vmstat.
 */
#ifndef ISOL_COMMON_H
#define ISOL_COMMON_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <linux/task_isolation.h>

/* The second quiesce bit (SPEC section 6), for headers that predate it. */
#ifndef ISOL_F_QUIESCE_LRU
#define ISOL_F_QUIESCE_LRU	(1ULL << 1)
#endif

/* Reads all of @path into @buf, NUL-terminated; 0 or -errno. */
static inline int slurp(const char *path, char *buf, size_t size)
{
	ssize_t n, len = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	close(fd);
	if (n < 0)
		return -errno;
	buf[len] = 0;
	return 0;
}

/* ISOL_F_NOTIFY (SPEC section 7), for headers that predate it. */
#ifndef ISOL_F_NOTIFY
#define ISOL_F_NOTIFY		(1ULL << 1)
#define ISOL_NOTIFY_SYSCALL	(1ULL << 0)
#define ISOL_NOTIFY_EXCEPTION	(1ULL << 1)
#define ISOL_NOTIFY_INTERRUPT	(1ULL << 2)
struct task_isol_notify_extensions { __u64 flags; __u64 supported_events; __u64 pad[6]; };
struct task_isol_notify_control {
	__u64 flags; __u64 event_mask; __u32 signo; __u32 pad0; __u64 pad[5];
};
#endif

/* Every feature and every notify event of the contract. */
#define ISOL_FEATURES		(ISOL_F_QUIESCE | ISOL_F_NOTIFY)
#define ISOL_NOTIFY_EVENTS \
	(ISOL_NOTIFY_SYSCALL | ISOL_NOTIFY_EXCEPTION | ISOL_NOTIFY_INTERRUPT)
/* The highest valid signo: the kernel's _NSIG (64 on x86-64). */
#define ISOL_SIGNO_MAX		64

/* Everything the contract keeps per task (the break counters aside). */
struct isol_state {
	__u64 configured;
	__u64 quiesce_mask;
	__u8 inherit_mask;
	__u64 active;
	__u64 oneshot;		/* only /proc/thread-self/task_isolation shows it */
	__u64 notify_mask;	/* ISOL_F_NOTIFY's event_mask */
	__u32 notify_signo;
};

/* last_break of /proc/<pid>/task_isolation */
enum { ISOL_LAST_NONE, ISOL_LAST_SYSCALL, ISOL_LAST_EXCEPTION, ISOL_LAST_INTERRUPT };

/* A /proc/<pid>/task_isolation text, parsed. */
struct isol_proc_status {
	unsigned long long configured, quiesce_mask, active, oneshot, inherit;
	unsigned long long notify_mask, notify_signo;
	unsigned long long breaks[3];	/* syscall, exception, interrupt */
	int last_break;			/* ISOL_LAST_* */
};

/*
 * Parses the whole text of a /proc/<pid>/task_isolation file: exactly
 * these lines in this order, nothing after them. Masks are "0x<hex>"
 * (with their names after a space when nonzero, not checked here: isol_proc
 * checks the exact text), the others decimal. 0 or -1.
 */
static inline int isol_parse_proc(const char *buf, struct isol_proc_status *st)
{
	static const char *const keys[] = {
		"configured: ", "quiesce_mask: ", "active_mask: ", "oneshot_mask: ",
		"inherit_mask: ", "notify_mask: ", "notify_signo: ", "breaks_syscall: ",
		"breaks_exception: ", "breaks_interrupt: ", "last_break: ",
	};
	static const char *const last[] = { "none", "syscall", "exception", "interrupt" };
	unsigned long long *v[] = {
		&st->configured, &st->quiesce_mask, &st->active, &st->oneshot, &st->inherit,
		&st->notify_mask, &st->notify_signo, &st->breaks[0], &st->breaks[1],
		&st->breaks[2],
	};
	const char *p = buf;
	char *end;
	unsigned int i;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		size_t len = strlen(keys[i]);
		const char *val = p + len;

		if (strncmp(p, keys[i], len))
			return -1;
		if (i < 6) {		/* a mask */
			if (strncmp(val, "0x", 2))
				return -1;
			*v[i] = strtoull(val + 2, &end, 16);
			if (end == val + 2 || (*end != '\n' && *end != ' '))
				return -1;
		} else if (i < 10) {	/* decimal */
			if (*val < '0' || *val > '9')
				return -1;
			*v[i] = strtoull(val, &end, 10);
			if (*end != '\n')
				return -1;
		} else {
			unsigned int k;

			for (k = 0; k < 4; k++) {
				size_t n = strlen(last[k]);

				if (!strncmp(val, last[k], n) && val[n] == '\n')
					break;
			}
			if (k == 4)
				return -1;
			st->last_break = k;
		}
		p = strchr(val, '\n');
		if (!p)
			return -1;
		p++;
	}
	return *p ? -1 : 0;
}

/* The five masks of a /proc/<pid>/task_isolation text; 0 or -1. */
static inline int isol_parse_status(const char *buf, unsigned long long v[5])
{
	struct isol_proc_status st;

	if (isol_parse_proc(buf, &st))
		return -1;
	v[0] = st.configured;
	v[1] = st.quiesce_mask;
	v[2] = st.active;
	v[3] = st.oneshot;
	v[4] = st.inherit;
	return 0;
}

/* Reads and parses /proc/<pid>/task_isolation (@pid 0: thread-self); 0 or -errno. */
static inline int isol_read_proc(pid_t pid, struct isol_proc_status *st)
{
	char path[64], buf[1024];
	int r;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/task_isolation", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/thread-self/task_isolation");
	r = slurp(path, buf, sizeof(buf));
	if (r)
		return r;
	return isol_parse_proc(buf, st) ? -EPROTO : 0;
}

static inline int isol_prctl(int op, unsigned long a2, unsigned long a3,
			     unsigned long a4, unsigned long a5)
{
	return prctl(op, a2, a3, a4, a5);
}

/*
 * Reads the calling task's whole state: the prctl view, and the one-shot
 * mask, which no prctl returns, from /proc/thread-self/task_isolation
 * (whose other masks must agree with the prctls). 0 or -errno.
 */
static inline int isol_get_state(struct isol_state *s)
{
	struct task_isol_quiesce_control qc;
	struct task_isol_notify_control nc;
	struct task_isol_inherit_control ic;
	struct isol_proc_status st;
	int r;

	memset(s, 0, sizeof(*s));
	if (prctl(PR_ISOL_CFG_GET, I_CFG_FEAT, 0, &s->configured, 0) ||
	    prctl(PR_ISOL_CFG_GET, I_CFG_FEAT, ISOL_F_QUIESCE, &qc, 0) ||
	    prctl(PR_ISOL_CFG_GET, I_CFG_FEAT, ISOL_F_NOTIFY, &nc, 0) ||
	    prctl(PR_ISOL_CFG_GET, I_CFG_INHERIT, 0, &ic, 0) ||
	    prctl(PR_ISOL_ACTIVATE_GET, &s->active, 0, 0, 0))
		return -errno;
	s->quiesce_mask = qc.quiesce_mask;
	s->inherit_mask = ic.inherit_mask;
	s->notify_mask = nc.event_mask;
	s->notify_signo = nc.signo;
	r = isol_read_proc(0, &st);
	if (r)
		return r;
	if (st.configured != s->configured || st.quiesce_mask != s->quiesce_mask ||
	    st.active != s->active || st.inherit != s->inherit_mask ||
	    st.notify_mask != s->notify_mask || st.notify_signo != s->notify_signo)
		return -EPROTO;
	s->oneshot = st.oneshot;
	return 0;
}

static inline int isol_state_eq(const struct isol_state *a,
				const struct isol_state *b)
{
	return a->configured == b->configured &&
	       a->quiesce_mask == b->quiesce_mask &&
	       a->inherit_mask == b->inherit_mask && a->active == b->active &&
	       a->oneshot == b->oneshot && a->notify_mask == b->notify_mask &&
	       a->notify_signo == b->notify_signo;
}

/* The quiesce bits this kernel supports (PR_ISOL_FEAT_GET), 0 on error. */
static inline __u64 isol_supported_quiesce_bits(void)
{
	struct task_isol_quiesce_extensions ext;

	if (prctl(PR_ISOL_FEAT_GET, ISOL_F_QUIESCE, &ext, 0, 0))
		return 0;
	return ext.supported_quiesce_bits;
}

static inline int isol_set_quiesce(__u64 mask)
{
	struct task_isol_quiesce_control qc = { .quiesce_mask = mask };

	return prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, ISOL_F_QUIESCE, &qc, 0);
}

static inline int isol_set_inherit(__u8 mask)
{
	struct task_isol_inherit_control ic = { .inherit_mask = mask };

	return prctl(PR_ISOL_CFG_SET, I_CFG_INHERIT, 0, &ic, 0);
}

/* CFG_SET of ISOL_F_NOTIFY: @events (ISOL_NOTIFY_*) and @signo. */
static inline int isol_cfg_notify(__u64 events, __u32 signo)
{
	struct task_isol_notify_control nc = { .event_mask = events, .signo = signo };

	return prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, ISOL_F_NOTIFY, &nc, 0);
}

static inline int isol_activate(__u64 mask)
{
	return prctl(PR_ISOL_ACTIVATE_SET, &mask, 0, 0, 0);
}

static inline int isol_activate_oneshot(__u64 mask, __u64 oneshot)
{
	struct task_isol_activate_control ac = { .quiesce_oneshot_mask = oneshot };

	return prctl(PR_ISOL_ACTIVATE_SET, &mask, &ac, 0, 0);
}

static inline int pin_to_cpu(int cpu)
{
	cpu_set_t set;

	if (cpu < 0 || cpu >= CPU_SETSIZE) {
		errno = EINVAL;
		return -1;
	}
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* ---- The CPUs of the running system ---- */

#define CPU_SYSFS	"/sys/devices/system/cpu/"

/*
 * Parses a cpu-list file ("1", "1-3,5", empty) of /sys/devices/system/cpu
 * into @set. An empty or missing file is the empty set.
 */
static inline void isol_cpulist(const char *name, cpu_set_t *set)
{
	char path[128], buf[4096], *p, *end;
	long a, b;

	CPU_ZERO(set);
	snprintf(path, sizeof(path), CPU_SYSFS "%s", name);
	if (slurp(path, buf, sizeof(buf)))
		return;
	for (p = buf; *p;) {
		a = strtol(p, &end, 10);
		if (end == p)
			break;
		b = a;
		p = end;
		if (*p == '-') {
			b = strtol(p + 1, &end, 10);
			if (end == p + 1)
				break;
			p = end;
		}
		for (; a <= b && a < CPU_SETSIZE; a++)
			if (a >= 0)
				CPU_SET(a, set);
		if (*p != ',')
			break;
		p++;
	}
}

/*
 * The isolated CPU the tests run on: the first online CPU that is both
 * isolated (isolcpus=, /sys/devices/system/cpu/isolated) and nohz_full,
 * else the first isolated one; -1 when the system has none. On the QEMU
 * runner (isolcpus=nohz,domain,1 nohz_full=1) it is CPU 1.
 */
static inline int isol_isolated_cpu(void)
{
	cpu_set_t iso, nohz, online;
	int cpu;

	isol_cpulist("isolated", &iso);
	isol_cpulist("nohz_full", &nohz);
	isol_cpulist("online", &online);
	CPU_AND(&iso, &iso, &online);
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &iso) && CPU_ISSET(cpu, &nohz))
			return cpu;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &iso))
			return cpu;
	return -1;
}

/*
 * A housekeeping CPU: online, neither isolated nor nohz_full, so that the
 * vmstat shepherd and the tick serve it. CPU 0 only when there is no
 * other: CPU 0 takes the device interrupts (the runner boots with
 * irqaffinity=0) and runs the harness, noise that a test counting
 * vmstat_update executions on its CPU does without. -1 when none. On the
 * QEMU runner it is CPU 2.
 */
static inline int isol_housekeeping_cpu(void)
{
	cpu_set_t iso, nohz, online;
	int cpu;

	isol_cpulist("isolated", &iso);
	isol_cpulist("nohz_full", &nohz);
	isol_cpulist("online", &online);
	for (cpu = 1; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &online) && !CPU_ISSET(cpu, &iso) && !CPU_ISSET(cpu, &nohz))
			return cpu;
	if (CPU_ISSET(0, &online) && !CPU_ISSET(0, &iso) && !CPU_ISSET(0, &nohz))
		return 0;
	return -1;
}

/* Why a test that needs an isolated CPU skips. */
#define ISOL_NO_ISOLATED_CPU \
	"no isolated CPU (/sys/devices/system/cpu/isolated is empty: boot with isolcpus=nohz,domain,N nohz_full=N)"
#define ISOL_NO_HOUSEKEEPING_CPU \
	"no online housekeeping CPU (every CPU is isolated or nohz_full)"

/* Global value of a /proc/vmstat counter, or -1. */
static inline long vmstat_read(const char *name)
{
	char buf[16384], *p;
	size_t len = strlen(name);
	ssize_t n;
	int fd;

	fd = open("/proc/vmstat", O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (!strncmp(p, name, len) && p[len] == ' ')
			return atol(p + len + 1);
	return -1;
}

#endif /* ISOL_COMMON_H */
