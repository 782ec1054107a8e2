// SPDX-License-Identifier: GPL-2.0
/*
 * Task isolation sample: an isolated computation whose result goes to disk.
 *
 * Configures, opens the output file, enters task isolated mode (vmstat
 * and LRU quiescing active, as far as the kernel supports them), counts
 * the primes below LIMIT without any system call, leaves task isolated
 * mode and only then writes the result:
 * "primes_below=LIMIT count=N" to OUTPUT.
 *
 *   task_isol_computation OUTPUT [LIMIT]     (default LIMIT: 200000)
 *
 * Last line: "task_isol_computation: ok primes_below=LIMIT count=N
 * output=OUTPUT". Any failure exits non-zero with a message.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <linux/task_isolation.h>

static unsigned long count_primes_below(unsigned long limit)
{
	unsigned long n, d, count = 0;

	for (n = 2; n < limit; n++) {
		for (d = 2; d * d <= n; d++)
			if (n % d == 0)
				break;
		if (d * d > n)
			count++;
	}
	return count;
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
	unsigned long limit = 200000, count;
	char line[128], *end;
	int fd, len;

	if (argc < 2 || argc > 3)
		errx(2, "usage: %s OUTPUT [LIMIT]", argv[0]);
	if (argc > 2) {
		errno = 0;
		limit = strtoul(argv[2], &end, 10);
		if (errno || end == argv[2] || *end || argv[2][0] == '-' ||
		    limit > 100000000)
			errx(2, "bad LIMIT '%s': expected 0..100000000", argv[2]);
	}

	/* Everything that may fail or block comes before isolation. */
	qc.quiesce_mask = quiesce_bits();
	if (prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, ISOL_F_QUIESCE, &qc, 0))
		err(1, "PR_ISOL_CFG_SET(I_CFG_FEAT, ISOL_F_QUIESCE)");
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		err(1, "cannot open %s", argv[1]);

	set_active(ISOL_F_QUIESCE);
	count = count_primes_below(limit);
	set_active(0);

	len = snprintf(line, sizeof(line), "primes_below=%lu count=%lu\n",
		       limit, count);
	if (write(fd, line, len) != len)
		err(1, "cannot write %s", argv[1]);
	if (fsync(fd) && errno != EINVAL)
		err(1, "cannot sync %s", argv[1]);
	if (close(fd))
		err(1, "cannot close %s", argv[1]);

	printf("task_isol_computation: ok primes_below=%lu count=%lu output=%s\n",
	       limit, count, argv[1]);
	return 0;
}
