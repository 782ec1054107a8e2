// SPDX-License-Identifier: GPL-2.0
/*
 * The test environment the other task isolation tests rely on: enough
 * CPUs, CPU 1 isolated and nohz_full, tracefs with the workqueue events,
 * and a kernel that knows the PR_ISOL_* prctls.
 */
#include "isol_common.h"
#include <sys/stat.h>
#include <sys/vfs.h>
#include "../kselftest_harness.h"

static int read_file(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = 0;
	return 0;
}

TEST(three_cpus_online)
{
	EXPECT_GE(sysconf(_SC_NPROCESSORS_ONLN), 3);
}

TEST(cpu1_is_nohz_full_and_isolated)
{
	char buf[64];

	ASSERT_EQ(0, read_file("/sys/devices/system/cpu/nohz_full", buf, sizeof(buf)));
	EXPECT_STREQ("1", buf);
	ASSERT_EQ(0, read_file("/sys/devices/system/cpu/isolated", buf, sizeof(buf)));
	EXPECT_STREQ("1", buf);
}

TEST(tracefs_has_workqueue_events)
{
	struct stat st;

	ASSERT_EQ(0, stat("/sys/kernel/tracing/events/workqueue/workqueue_execute_start/enable", &st));
	ASSERT_EQ(0, stat("/sys/kernel/tracing/per_cpu/cpu2/trace", &st));
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
}

TEST_HARNESS_MAIN
