// SPDX-License-Identifier: GPL-2.0
/*
 * The test environment the other task isolation tests rely on: an
 * isolated CPU that is also nohz_full, a housekeeping CPU (both read from
 * /sys/devices/system/cpu, isol_common.h), tracefs with the workqueue
 * events, and a kernel that knows the PR_ISOL_* prctls with both features
 * (ISOL_F_QUIESCE and ISOL_F_NOTIFY) and shows their state in /proc in the
 * format the other tests parse. The QEMU runner boots with
 * isolcpus=nohz,domain,1 nohz_full=1 on 3 CPUs: CPU 1 is the isolated one
 * and CPU 2 the housekeeping one.
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
	/* Both features: quiescing and notification (SPEC sections 3 and 7). */
	EXPECT_EQ(ISOL_FEATURES, feat) {
		TH_LOG("features %#llx: a kernel without ISOL_F_NOTIFY fails isol_notify and the notify cases of the other tests",
		       (unsigned long long)feat);
	}
	/* Both quiesce bits: vmstat_sync and lru_drain (SPEC section 6). */
	EXPECT_EQ(ISOL_F_QUIESCE_VMSTATS | ISOL_F_QUIESCE_LRU, isol_supported_quiesce_bits()) {
		TH_LOG("a kernel without ISOL_F_QUIESCE_LRU: the LRU tests (isol_lru) cannot pass");
	}
}

/*
 * The notify events (SPEC section 7): the three classes, read as the
 * tests read them; and /proc shows the notify lines the tests parse
 * (isol_common.h), for a task without state.
 */
TEST(kernel_supports_notify_events)
{
	struct task_isol_notify_extensions ext;
	struct isol_proc_status st;

	memset(&ext, 0xff, sizeof(ext));
	ASSERT_EQ(0, prctl(PR_ISOL_FEAT_GET, ISOL_F_NOTIFY, &ext, 0, 0)) {
		TH_LOG("PR_ISOL_FEAT_GET(ISOL_F_NOTIFY): %s: kernel without ISOL_F_NOTIFY",
		       strerror(errno));
	}
	EXPECT_EQ(ISOL_NOTIFY_EVENTS, ext.supported_events);
	ASSERT_EQ(0, isol_read_proc(0, &st)) {
		TH_LOG("/proc/thread-self/task_isolation is not in the format of SPEC section 7 (notify_mask .. last_break)");
	}
	EXPECT_EQ(0, st.notify_mask | st.notify_signo | st.breaks[0] | st.breaks[1] | st.breaks[2]);
	EXPECT_EQ(ISOL_LAST_NONE, st.last_break);
}

/*
 * The parser of isol_common.h, which every test's state check relies
 * on: it takes the contract's text, and refuses the old five-line text
 * and texts with a line missing, out of order or malformed (its negative
 * controls: a parser that accepts anything would make every state check
 * vacuous).
 */
TEST(proc_parser_accepts_the_contract_only)
{
	static const char good[] =
		"configured: 0x3 quiesce,notify\n"
		"quiesce_mask: 0x3 vmstat_sync,lru_drain\n"
		"active_mask: 0x3 quiesce,notify\n"
		"oneshot_mask: 0x0\n"
		"inherit_mask: 0x0\n"
		"notify_mask: 0x7 syscall,exception,interrupt\n"
		"notify_signo: 10\n"
		"breaks_syscall: 3\n"
		"breaks_exception: 1\n"
		"breaks_interrupt: 12\n"
		"last_break: interrupt\n";
	static const struct {
		const char *from, *to;
	} bad[] = {
		{ "notify_mask: 0x7 syscall,exception,interrupt\n", "" },
		{ "last_break: interrupt\n", "last_break: irq\n" },
		{ "last_break: interrupt\n", "" },
		{ "notify_signo: 10\n", "notify_signo: 0xa\n" },
		{ "breaks_syscall: 3\n", "breaks_syscall: -3\n" },
		{ "breaks_exception: 1\n", "breaks_exception: 1 \n" },
		{ "oneshot_mask: 0x0\n", "oneshot_mask: 0\n" },
		{ "notify_signo: 10\nbreaks_syscall: 3\n", "breaks_syscall: 3\nnotify_signo: 10\n" },
		{ "last_break: interrupt\n", "last_break: interrupt\nextra: 1\n" },
	};
	struct isol_proc_status st;
	char buf[1024], *at;
	unsigned int i;

	ASSERT_EQ(0, isol_parse_proc(good, &st));
	EXPECT_EQ(ISOL_FEATURES, st.configured);
	EXPECT_EQ(3, st.quiesce_mask);
	EXPECT_EQ(3, st.active);
	EXPECT_EQ(0, st.oneshot | st.inherit);
	EXPECT_EQ(7, st.notify_mask);
	EXPECT_EQ(10, st.notify_signo);
	EXPECT_EQ(3, st.breaks[0]);
	EXPECT_EQ(1, st.breaks[1]);
	EXPECT_EQ(12, st.breaks[2]);
	EXPECT_EQ(ISOL_LAST_INTERRUPT, st.last_break);
	/* The five lines of the kernels before ISOL_F_NOTIFY. */
	at = strstr(good, "notify_mask");
	ASSERT_NE(NULL, at);
	snprintf(buf, sizeof(buf), "%.*s", (int)(at - good), good);
	EXPECT_EQ(-1, isol_parse_proc(buf, &st));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		at = strstr(good, bad[i].from);
		ASSERT_NE(NULL, at);
		snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(at - good), good, bad[i].to,
			 at + strlen(bad[i].from));
		EXPECT_EQ(-1, isol_parse_proc(buf, &st)) {
			TH_LOG("accepted:\n%s", buf);
		}
	}
}

TEST_HARNESS_MAIN
