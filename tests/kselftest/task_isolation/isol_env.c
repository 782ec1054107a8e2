// SPDX-License-Identifier: GPL-2.0
/*
 * The test environment the other task isolation tests rely on: an
 * isolated CPU that is also nohz_full, a housekeeping CPU (both read from
 * /sys/devices/system/cpu, isol_common.h), tracefs with the workqueue
 * events, and a kernel that knows the PR_ISOL_* prctls. The QEMU runner
 * boots with isolcpus=nohz,domain,1 nohz_full=1 on 3 CPUs: CPU 1 is the
 * isolated one and CPU 2 the housekeeping one.
 */
#include "isol_common.h"
#include <sys/stat.h>
#include <sys/vfs.h>
#include "../kselftest_harness.h"

TEST(housekeeping_cpu)
{
	int cpu = isol_housekeeping_cpu();

	TH_LOG("housekeeping CPU: %d of %ld online", cpu, sysconf(_SC_NPROCESSORS_ONLN));
	EXPECT_LE(0, cpu) {
		TH_LOG(ISOL_NO_HOUSEKEEPING_CPU);
	}
}

TEST(isolated_cpu_is_nohz_full)
{
	int cpu = isol_isolated_cpu();
	cpu_set_t nohz;

	if (cpu < 0)
		SKIP(return, ISOL_NO_ISOLATED_CPU);
	isol_cpulist("nohz_full", &nohz);
	TH_LOG("isolated CPU: %d (nohz_full: %s)", cpu, CPU_ISSET(cpu, &nohz) ? "yes" : "no");
	EXPECT_TRUE(CPU_ISSET(cpu, &nohz)) {
		TH_LOG("boot with nohz_full=%d too", cpu);
	}
	EXPECT_NE(cpu, isol_housekeeping_cpu());
}

TEST(tracefs_has_workqueue_events)
{
	char path[96];
	struct stat st;
	int cpu = isol_housekeeping_cpu();

	ASSERT_LE(0, cpu);
	snprintf(path, sizeof(path), "/sys/kernel/tracing/per_cpu/cpu%d/trace", cpu);
	ASSERT_EQ(0, stat("/sys/kernel/tracing/events/workqueue/workqueue_execute_start/enable", &st));
	ASSERT_EQ(0, stat(path, &st));
	ASSERT_EQ(0, stat("/sys/kernel/tracing/trace_marker", &st));
}

TEST(kernel_supports_task_isolation)
{
	__u64 feat = 0;

	ASSERT_EQ(0, prctl(PR_ISOL_FEAT_GET, 0, &feat, 0, 0)) {
		TH_LOG("PR_ISOL_FEAT_GET: %s: kernel built without CONFIG_TASK_ISOLATION?",
		       strerror(errno));
	}
	EXPECT_EQ(ISOL_F_QUIESCE, feat);
	/* Both quiesce bits: vmstat_sync and lru_drain (SPEC section 6). */
	EXPECT_EQ(ISOL_F_QUIESCE_VMSTATS | ISOL_F_QUIESCE_LRU, isol_supported_quiesce_bits()) {
		TH_LOG("a kernel without ISOL_F_QUIESCE_LRU: the LRU tests (isol_lru) cannot pass");
	}
}

TEST_HARNESS_MAIN
