// SPDX-License-Identifier: GPL-2.0
/*
 * Demonstration for `make demo`: what the prctls report, then a user-space
 * loop on a housekeeping CPU (by default the one isol_common.h picks: CPU
 * 2 on the QEMU runner) after counter-changing syscalls, without and with
 * quiescing, and the vmstat_update interruptions each run saw.
 *
 *   isol_demo [CPU [SECONDS]]
 */
#include "isol_trace.h"

static int report(void)
{
	struct task_isol_quiesce_extensions ext;
	struct isol_state s;
	__u64 feat;

	if (prctl(PR_ISOL_FEAT_GET, 0, &feat, 0, 0) ||
	    prctl(PR_ISOL_FEAT_GET, ISOL_F_QUIESCE, &ext, 0, 0)) {
		perror("PR_ISOL_FEAT_GET (kernel without CONFIG_TASK_ISOLATION?)");
		return -1;
	}
	printf("  supported features: %#llx (ISOL_F_QUIESCE), quiesce bits: %#llx (ISOL_F_QUIESCE_VMSTATS)\n",
	       (unsigned long long)feat, (unsigned long long)ext.supported_quiesce_bits);
	if (isol_get_state(&s))
		return -1;
	printf("  configured: %#llx, quiesce_mask: %#llx, inherit: %#x, active: %#llx\n",
	       (unsigned long long)s.configured, (unsigned long long)s.quiesce_mask,
	       s.inherit_mask, (unsigned long long)s.active);
	return 0;
}

int main(int argc, char **argv)
{
	int cpu = argc > 1 ? atoi(argv[1]) : isol_housekeeping_cpu();
	double secs = argc > 2 ? atof(argv[2]) : 5;
	int off, on;

	if (pin_to_cpu(cpu) || tracing_start()) {
		perror("pinning or tracefs setup");
		return 1;
	}
	printf("task isolation demo on CPU %d, %.0f s of user-space spinning per run\n", cpu, secs);
	printf("initial state:\n");
	if (report())
		return 1;
	sleep(3);
	off = dirty_then_spin(cpu, secs, "demo-off");
	printf("without quiescing: vmstat_update ran %d times on CPU %d\n", off, cpu);

	if (isol_set_quiesce(ISOL_F_QUIESCE_VMSTATS) || isol_activate(ISOL_F_QUIESCE)) {
		perror("configure/activate");
		return 1;
	}
	printf("after PR_ISOL_CFG_SET + PR_ISOL_ACTIVATE_SET:\n");
	if (report())
		return 1;
	on = dirty_then_spin(cpu, secs, "demo-on");
	printf("with quiescing:    vmstat_update ran %d times on CPU %d\n", on, cpu);
	tracing_stop();
	return off < 0 || on < 0;
}
