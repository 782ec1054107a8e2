// SPDX-License-Identifier: GPL-2.0
/*
 * Prints the calling task's isolation state on one line, for tests that
 * check what survives execve():
 *   configured=N quiesce=N inherit=N active=N
 */
#include "isol_common.h"

int main(void)
{
	struct isol_state s;
	int err = isol_get_state(&s);

	if (err) {
		fprintf(stderr, "isol_report: %s\n", strerror(-err));
		return 1;
	}
	printf("configured=%llu quiesce=%llu inherit=%u active=%llu\n",
	       (unsigned long long)s.configured, (unsigned long long)s.quiesce_mask,
	       s.inherit_mask, (unsigned long long)s.active);
	return 0;
}
