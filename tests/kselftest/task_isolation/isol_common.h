/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the task isolation selftests: prctl wrappers, a
 * snapshot of the calling task's state, CPU pinning and /proc/vmstat.
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

/* The CPU layout the QEMU runner boots with (isolcpus=nohz,domain,1). */
#define ISOLATED_CPU	1
#define HOUSEKEEPING_CPU 2

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

struct isol_state {
	__u64 configured;
	__u64 quiesce_mask;
	__u8 inherit_mask;
	__u64 active;
};

static inline int isol_prctl(int op, unsigned long a2, unsigned long a3,
			     unsigned long a4, unsigned long a5)
{
	return prctl(op, a2, a3, a4, a5);
}

/* Reads the calling task's whole state; 0 or -errno. */
static inline int isol_get_state(struct isol_state *s)
{
	struct task_isol_quiesce_control qc;
	struct task_isol_inherit_control ic;

	memset(s, 0, sizeof(*s));
	if (prctl(PR_ISOL_CFG_GET, I_CFG_FEAT, 0, &s->configured, 0) ||
	    prctl(PR_ISOL_CFG_GET, I_CFG_FEAT, ISOL_F_QUIESCE, &qc, 0) ||
	    prctl(PR_ISOL_CFG_GET, I_CFG_INHERIT, 0, &ic, 0) ||
	    prctl(PR_ISOL_ACTIVATE_GET, &s->active, 0, 0, 0))
		return -errno;
	s->quiesce_mask = qc.quiesce_mask;
	s->inherit_mask = ic.inherit_mask;
	return 0;
}

static inline int isol_state_eq(const struct isol_state *a,
				const struct isol_state *b)
{
	return a->configured == b->configured &&
	       a->quiesce_mask == b->quiesce_mask &&
	       a->inherit_mask == b->inherit_mask && a->active == b->active;
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

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

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

#endif /* ISOL_COMMON_H */
