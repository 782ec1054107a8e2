// SPDX-License-Identifier: GPL-2.0
/*
 * Task isolation sample: a latency-sensitive loop in user space.
 *
 * Configures quiescing of the vmstat counters and of the LRU batches
 * (those of the two the kernel supports), pins itself to a CPU
 * (best an isolated one, see isolcpus= and nohz_full=), activates task
 * isolation and spins in user space for the given time without system
 * calls (clock_gettime() is served by the vDSO). Then it deactivates and
 * prints how many iterations it made and the longest gap between two of
 * them, which is where interruptions of the CPU show.
 *
 *   task_isol_userloop [CPU [SECONDS]]     (default: CPU 1, 1 second)
 *
 * Last line: "task_isol_userloop: ok cpu=C seconds=S iterations=N
 * max_gap_ns=G". Any failure exits non-zero with a message.
 */
#define _GNU_SOURCE
#include <err.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/prctl.h>
#include <linux/task_isolation.h>

#define NSEC_PER_SEC	1000000000ULL

static long parse_long(const char *s, const char *what, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		errx(2, "bad %s '%s': expected %ld..%ld", what, s, min, max);
	return v;
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		err(1, "clock_gettime");
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/*
 * The quiesce bits to configure: the vmstat counters and the LRU batches,
 * as far as the running kernel supports them (a kernel without
 * ISOL_F_QUIESCE_LRU only has the vmstat bit).
 */
static __u64 quiesce_bits(void)
{
	struct task_isol_quiesce_extensions ext;
	__u64 bits;

	if (prctl(PR_ISOL_FEAT_GET, ISOL_F_QUIESCE, &ext, 0, 0))
		err(1, "PR_ISOL_FEAT_GET(ISOL_F_QUIESCE) (kernel without CONFIG_TASK_ISOLATION?)");
	bits = (ISOL_F_QUIESCE_VMSTATS | ISOL_F_QUIESCE_LRU) &
	       ext.supported_quiesce_bits;
	if (!bits)
		errx(1, "no quiesce bit supported (supported_quiesce_bits 0x%llx)",
		     (unsigned long long)ext.supported_quiesce_bits);
	return bits;
}

static void set_active(__u64 mask)
{
	if (prctl(PR_ISOL_ACTIVATE_SET, &mask, NULL, 0, 0))
		err(1, "PR_ISOL_ACTIVATE_SET(0x%llx)", (unsigned long long)mask);
}

int main(int argc, char **argv)
{
	struct task_isol_quiesce_control qc = { 0 };
	unsigned long long start, end, prev, t, max_gap = 0, iterations = 0;
	long cpu = 1, seconds = 1;
	__u64 features, active;
	cpu_set_t set;

	if (argc > 3)
		errx(2, "usage: %s [CPU [SECONDS]]", argv[0]);
	if (argc > 1)
		cpu = parse_long(argv[1], "CPU", 0, CPU_SETSIZE - 1);
	if (argc > 2)
		seconds = parse_long(argv[2], "SECONDS", 1, 3600);

	if (prctl(PR_ISOL_FEAT_GET, 0, &features, 0, 0))
		err(1, "PR_ISOL_FEAT_GET (kernel without CONFIG_TASK_ISOLATION?)");
	if (!(features & ISOL_F_QUIESCE))
		errx(1, "ISOL_F_QUIESCE not supported (features 0x%llx)",
		     (unsigned long long)features);
	qc.quiesce_mask = quiesce_bits();

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		err(1, "cannot run on CPU %ld", cpu);

	/* Configure, then activate: quiescing starts on this call's return. */
	if (prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, ISOL_F_QUIESCE, &qc, 0))
		err(1, "PR_ISOL_CFG_SET(I_CFG_FEAT, ISOL_F_QUIESCE)");
	set_active(ISOL_F_QUIESCE);

	/* The latency-sensitive part: user space only, no system call. */
	start = now_ns();
	end = start + seconds * NSEC_PER_SEC;
	for (prev = start; prev < end; prev = t) {
		t = now_ns();
		if (t - prev > max_gap)
			max_gap = t - prev;
		iterations++;
	}

	set_active(0);
	if (prctl(PR_ISOL_ACTIVATE_GET, &active, 0, 0, 0))
		err(1, "PR_ISOL_ACTIVATE_GET");
	if (active)
		errx(1, "still active after deactivation: 0x%llx",
		     (unsigned long long)active);

	printf("task_isol_userloop: ok cpu=%ld seconds=%ld iterations=%llu max_gap_ns=%llu\n",
	       cpu, seconds, iterations, max_gap);
	return 0;
}
