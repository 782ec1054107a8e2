// SPDX-License-Identifier: GPL-2.0
/*
 * Demonstration for `make demo`, in two parts.
 *
 * Part 1, vmstat_sync: what the prctls report, then a user-space loop on a
 * housekeeping CPU (by default the one isol_common.h picks: CPU 2 on the
 * QEMU runner) after counter-changing syscalls, without and with
 * quiescing, and the vmstat_update interruptions each run saw.
 *
 * Part 2, lru_drain: a task on the isolated CPU (by default the one
 * isol_common.h picks: CPU 1 on the QEMU runner) fills its CPU's LRU
 * batches now and then (one page written to a memfd and two fresh
 * anonymous pages touched) and spins in user space in between, while a
 * housekeeping CPU writes to /proc/sys/vm/drop_caches, which calls
 * lru_add_drain_all(): that queues lru_add_drain_per_cpu work on every CPU
 * whose batches hold a page, isolated or not. Without and with the
 * lru_drain quiesce bit, it counts the lru_add_drain_per_cpu runs on the
 * isolated CPU.
 *
 *   isol_demo [CPU [SECONDS [ISOLATED_CPU]]]
 */
#include "isol_trace.h"
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>

#define LRU_FILLS	5	/* part 2: fills, one per second of spinning */
#define DROP_PERIOD_MS	200	/* part 2: the housekeeping CPU's drop_caches period */

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
	printf("  supported features: %#llx (ISOL_F_QUIESCE), quiesce bits: %#llx (%s%s)\n",
	       (unsigned long long)feat, (unsigned long long)ext.supported_quiesce_bits,
	       ext.supported_quiesce_bits & ISOL_F_QUIESCE_VMSTATS ? "vmstat_sync" : "",
	       ext.supported_quiesce_bits & ISOL_F_QUIESCE_LRU ? ", lru_drain" : "");
	if (isol_get_state(&s))
		return -1;
	printf("  configured: %#llx, quiesce_mask: %#llx, inherit: %#x, active: %#llx\n",
	       (unsigned long long)s.configured, (unsigned long long)s.quiesce_mask,
	       s.inherit_mask, (unsigned long long)s.active);
	return 0;
}

/* ---- Part 2: LRU batches on the isolated CPU ---- */

static inline uint64_t demo_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/*
 * TSC ticks per second. The spin below reads only the TSC: under QEMU TCG
 * clock_gettime() may fall back to a system call, and this loop must not
 * enter the kernel except for the page faults it means to take.
 */
static double demo_tsc_rate(void)
{
	double t0 = now(), t;
	uint64_t c0 = demo_rdtsc();

	while ((t = now()) - t0 < 0.1)
		;
	return (demo_rdtsc() - c0) / (t - t0);
}

/* Count lru_add_drain_per_cpu between the markers of @tag in @cpu's buffer. */
static int demo_count_lru_drain(int cpu, const char *tag)
{
	return count_trace_lines(cpu, tag, "function lru_add_drain_per_cpu");
}

/* The housekeeping trigger: lru_add_drain_all() every DROP_PERIOD_MS. */
static pid_t start_drainer(int cpu)
{
	struct timespec ts = { 0, DROP_PERIOD_MS * 1000000L };
	pid_t pid = fork();

	if (pid)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (pin_to_cpu(cpu))
		_exit(1);
	for (;;) {
		if (write_str("/proc/sys/vm/drop_caches", "1"))
			_exit(1);
		nanosleep(&ts, NULL);
	}
}

/*
 * In a child pinned to @cpu, with lru_drain active or not: LRU_FILLS times,
 * fill the LRU batches (one page written to a memfd: the page cache; two
 * fresh anonymous pages touched: page faults), then spin in user space for
 * a second. Returns the lru_add_drain_per_cpu runs on @cpu meanwhile, or -1.
 */
static int fill_then_spin(int cpu, int lru_drain, const char *tag)
{
	char page[4096], marker[64];
	int st, fd, i, n;
	volatile char *anon;
	double rate;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid) {
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) == 255)
			return -1;
		return WEXITSTATUS(st);
	}
	if (pin_to_cpu(cpu))
		_exit(255);
	if (lru_drain && (isol_set_quiesce(ISOL_F_QUIESCE_LRU) || isol_activate(ISOL_F_QUIESCE))) {
		perror("configure/activate lru_drain");
		_exit(255);
	}
	fd = memfd_create("isol_demo", 0);
	anon = mmap(NULL, 2 * LRU_FILLS * page_size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fd < 0 || anon == MAP_FAILED)
		_exit(255);
	memset(page, 'x', sizeof(page));
	rate = demo_tsc_rate();
	sleep(1);	/* let the drains of what fork() and setup filled happen */
	snprintf(marker, sizeof(marker), "isol-start-%s", tag);
	if (write_str(TRACING "trace_marker", marker))
		_exit(255);
	for (i = 0; i < LRU_FILLS; i++) {
		uint64_t end;

		if (pwrite(fd, page, sizeof(page), i * sizeof(page)) != sizeof(page))
			_exit(255);
		anon[2 * i * page_size] = 1;
		anon[(2 * i + 1) * page_size] = 1;
		for (end = demo_rdtsc() + (uint64_t)rate; demo_rdtsc() < end;)
			;
	}
	snprintf(marker, sizeof(marker), "isol-end-%s", tag);
	if (write_str(TRACING "trace_marker", marker))
		_exit(255);
	n = demo_count_lru_drain(cpu, tag);
	_exit(n < 0 ? 255 : n > 254 ? 254 : n);
}

static int lru_part(int hk_cpu, int iso_cpu)
{
	pid_t drainer;
	int off, on;

	printf("\nPart 2: lru_drain on isolated CPU %d (isolcpus=nohz,domain + nohz_full)\n", iso_cpu);
	if (iso_cpu < 0) {
		printf("  skipped: %s\n", ISOL_NO_ISOLATED_CPU);
		return 0;
	}
	if (!(isol_supported_quiesce_bits() & ISOL_F_QUIESCE_LRU)) {
		printf("  this kernel does not support the lru_drain quiesce bit (ISOL_F_QUIESCE_LRU)\n");
		return 1;
	}
	printf("  CPU %d writes 1 to /proc/sys/vm/drop_caches every %d ms: each write calls\n"
	       "  lru_add_drain_all(), which queues lru_add_drain_per_cpu work on every CPU\n"
	       "  whose LRU batches hold a page, isolated CPUs included.\n"
	       "  A task on CPU %d fills its LRU batches %d times (one page written to a\n"
	       "  memfd, two fresh anonymous pages touched), spinning in user space for\n"
	       "  1 s after each.\n", hk_cpu, DROP_PERIOD_MS, iso_cpu, LRU_FILLS);
	drainer = start_drainer(hk_cpu);
	if (drainer < 0) {
		perror("fork");
		return 1;
	}
	off = fill_then_spin(iso_cpu, 0, "demo-lru-off");
	printf("without lru_drain:                 lru_add_drain_per_cpu ran %d times on CPU %d\n",
	       off, iso_cpu);
	on = fill_then_spin(iso_cpu, 1, "demo-lru-on");
	printf("with lru_drain (quiesce_mask 0x2): lru_add_drain_per_cpu ran %d times on CPU %d\n",
	       on, iso_cpu);
	kill(drainer, SIGKILL);
	waitpid(drainer, NULL, 0);
	if (off > 0 && on == 0)
		printf("=> with lru_drain, every return to user space (the memfd write, each page\n"
		       "   fault) emptied CPU %d's batches, so lru_add_drain_all() found nothing to\n"
		       "   drain there and queued no work: %d interruptions removed.\n", iso_cpu, off);
	else if (on > 0)
		printf("=> unexpected: lru_add_drain_per_cpu still ran with lru_drain active\n");
	return off < 0 || on < 0;
}

int main(int argc, char **argv)
{
	int cpu = argc > 1 ? atoi(argv[1]) : isol_housekeeping_cpu();
	double secs = argc > 2 ? atof(argv[2]) : 5;
	int iso_cpu = argc > 3 ? atoi(argv[3]) : isol_isolated_cpu();
	int off, on, lru;

	if (pin_to_cpu(cpu) || tracing_start()) {
		perror("pinning or tracefs setup");
		return 1;
	}
	printf("task isolation demo\n\nPart 1: vmstat_sync on housekeeping CPU %d, %.0f s of user-space spinning per run\n",
	       cpu, secs);
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

	lru = lru_part(cpu, iso_cpu);
	tracing_stop();
	return off < 0 || on < 0 || lru;
}
