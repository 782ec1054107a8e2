// SPDX-License-Identifier: GPL-2.0
/*
 * Task isolation sample: activate what a launcher configured.
 *
 * The configuration can be left to the administrator: chisol(1) (or any
 * parent with ISOL_INHERIT_CONF) configures, execve() keeps the
 * configuration, and the program only activates it when it enters its
 * latency-sensitive part:
 *
 *   chisol -q all -- task_isol_activate_chisol
 *
 * configures quiescing of everything the kernel can quiesce (vmstat_sync
 * and lru_drain on a kernel that has both), and the program activates it.
 * Whatever bits the launcher chose are what it quiesces: it reconfigures
 * nothing.
 *
 * Prints what it found and did; last line:
 * "task_isol_activate_chisol: ok configured=0xC active=0xA", where active
 * is what PR_ISOL_ACTIVATE_GET reads back after the activation (0x0 when
 * nothing was configured: the program then runs without isolation). Any
 * failure exits non-zero with a message.
 */
#include <err.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <linux/task_isolation.h>

int main(void)
{
	__u64 fmask, active = 0, none = 0;

	/* The snippet of Documentation/userspace-api/task_isolation.rst. */
	if (prctl(PR_ISOL_CFG_GET, I_CFG_FEAT, 0, &fmask, 0))
		err(1, "PR_ISOL_CFG_GET (kernel without CONFIG_TASK_ISOLATION?)");
	if (fmask) {
		if (prctl(PR_ISOL_ACTIVATE_SET, &fmask, NULL, 0, 0))
			err(1, "PR_ISOL_ACTIVATE_SET(0x%llx)",
			    (unsigned long long)fmask);
		printf("task_isol_activate_chisol: activated the configured features 0x%llx\n",
		       (unsigned long long)fmask);
	} else {
		printf("task_isol_activate_chisol: nothing configured, not isolated\n");
	}

	if (prctl(PR_ISOL_ACTIVATE_GET, &active, 0, 0, 0))
		err(1, "PR_ISOL_ACTIVATE_GET");
	if (active != fmask)
		errx(1, "active mask 0x%llx, configured 0x%llx",
		     (unsigned long long)active, (unsigned long long)fmask);

	/* ... the latency-sensitive part would run here ... */

	if (fmask && prctl(PR_ISOL_ACTIVATE_SET, &none, NULL, 0, 0))
		err(1, "PR_ISOL_ACTIVATE_SET(0)");
	printf("task_isol_activate_chisol: ok configured=0x%llx active=0x%llx\n",
	       (unsigned long long)fmask, (unsigned long long)active);
	return 0;
}
