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

/* Everything the contract keeps per task. */
struct isol_state {
	__u64 configured;
	__u64 quiesce_mask;
	__u8 inherit_mask;
	__u64 active;
	__u64 oneshot;		/* only /proc/thread-self/task_isolation shows it */
};

/* The five masks of a /proc/<pid>/task_isolation text; 0 or -1. */
static inline int isol_parse_status(const char *buf, unsigned long long v[5])
{
	static const char *const keys[5] = {
		"configured: ", "quiesce_mask: ", "active_mask: ", "oneshot_mask: ",
		"inherit_mask: ",
	};
	const char *p = buf;
	char *end;
	int i;

	for (i = 0; i < 5; i++) {
		size_t len = strlen(keys[i]);

		if (strncmp(p, keys[i], len))
			return -1;
		v[i] = strtoull(p + len, &end, 16);
		if (end == p + len)
			return -1;
		p = strchr(end, '\n');
		if (!p)
			return -1;
		p++;
	}
	return *p ? -1 : 0;
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
	struct task_isol_inherit_control ic;
	unsigned long long v[5];
	char buf[512];
	int r;

	memset(s, 0, sizeof(*s));
	if (prctl(PR_ISOL_CFG_GET, I_CFG_FEAT, 0, &s->configured, 0) ||
	    prctl(PR_ISOL_CFG_GET, I_CFG_FEAT, ISOL_F_QUIESCE, &qc, 0) ||
	    prctl(PR_ISOL_CFG_GET, I_CFG_INHERIT, 0, &ic, 0) ||
	    prctl(PR_ISOL_ACTIVATE_GET, &s->active, 0, 0, 0))
		return -errno;
	s->quiesce_mask = qc.quiesce_mask;
	s->inherit_mask = ic.inherit_mask;
	r = slurp("/proc/thread-self/task_isolation", buf, sizeof(buf));
	if (r)
		return r;
	if (isol_parse_status(buf, v) || v[0] != s->configured ||
	    v[1] != s->quiesce_mask || v[2] != s->active || v[4] != s->inherit_mask)
		return -EPROTO;
	s->oneshot = v[3];
	return 0;
}

static inline int isol_state_eq(const struct isol_state *a,
				const struct isol_state *b)
{
	return a->configured == b->configured &&
	       a->quiesce_mask == b->quiesce_mask &&
	       a->inherit_mask == b->inherit_mask && a->active == b->active &&
	       a->oneshot == b->oneshot;
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
