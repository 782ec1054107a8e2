// SPDX-License-Identifier: GPL-2.0
/*
 * The housekeeping workload of the LRU scenario of `make bench`: what makes
 * the kernel call lru_add_drain_all(), which queues lru_add_drain_per_cpu
 * work on every CPU whose LRU batches hold a folio, isolated CPUs included.
 *
 *   isol_lru_load CPU [SCAN_SLEEP_MS [DROP_PERIOD_MS]]
 *
 * Pinned to the housekeeping CPU, until SIGTERM:
 *   - khugepaged: transparent huge pages "enabled" set to always, its
 *     scan_sleep_millisecs to SCAN_SLEEP_MS (default 100; the kernel's
 *     default is 10000), and the khugepaged thread pinned to CPU too (so
 *     that it does not run on the CPU under test). khugepaged calls
 *     lru_add_drain_all() on every scan pass while some process has a
 *     region it may collapse;
 *   - a THP workload that gives it such regions: 8 MiB of anonymous memory
 *     in huge pages, of which, every 500 ms, half of one huge page is
 *     dropped (MADV_DONTNEED splits it) and touched again in small pages,
 *     which khugepaged then collapses back;
 *   - a child that writes 1 to /proc/sys/vm/drop_caches every
 *     DROP_PERIOD_MS (default 500), which calls lru_add_drain_all()
 *     unconditionally.
 * The previous THP settings are restored on SIGTERM.
 */
#include "bench.h"
#include <dirent.h>
#include <signal.h>

#define THP		"/sys/kernel/mm/transparent_hugepage/"
#define HPAGE		(2UL << 20)
#define REGION		(4 * HPAGE)

static volatile sig_atomic_t stop;
static char old_enabled[32], old_sleep[32];

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/* The value of a THP sysfs file; "enabled" reads "always [madvise] never". */
static int read_setting(const char *path, char *buf, size_t size)
{
	char raw[128], *a, *b;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	n = read(fd, raw, sizeof(raw) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	raw[n] = 0;
	a = strchr(raw, '[');
	b = a ? strchr(a, ']') : NULL;
	if (a && b) {
		*b = 0;
		a++;
	} else {
		a = raw;
		a[strcspn(a, "\n")] = 0;
	}
	n = strlen(a);
	if ((size_t)n >= size)
		return -1;
	memcpy(buf, a, n + 1);
	return 0;
}

/* Pins every thread named khugepaged to @cpu; the number pinned. */
static int pin_khugepaged(int cpu)
{
	char path[300], comm[64];
	struct dirent *d;
	cpu_set_t set;
	int n = 0;
	DIR *dir;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	dir = opendir("/proc");
	if (!dir)
		return 0;
	while ((d = readdir(dir))) {
		FILE *f;

		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) && !strcmp(comm, "khugepaged\n") &&
		    !sched_setaffinity(atoi(d->d_name), sizeof(set), &set))
			n++;
		fclose(f);
	}
	closedir(dir);
	return n;
}

static void drop_caches_loop(long period_ms)
{
	struct timespec ts = { period_ms / 1000, (period_ms % 1000) * 1000000L };

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	while (!stop) {
		write_str("/proc/sys/vm/drop_caches", "1");
		nanosleep(&ts, NULL);
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	struct timespec half = { 0, 500000000L };
	long scan_ms = argc > 2 ? atol(argv[2]) : 100;
	long drop_ms = argc > 3 ? atol(argv[3]) : 500;
	char buf[32];
	int cpu, pinned, i = 0;
	pid_t child;
	char *raw, *p;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: %s CPU [SCAN_SLEEP_MS [DROP_PERIOD_MS]]\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	page_size = sysconf(_SC_PAGESIZE);
	cpu = atoi(argv[1]);
	if (pin_to_cpu(cpu)) {
		perror("sched_setaffinity");
		return 1;
	}
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	if (read_setting(THP "enabled", old_enabled, sizeof(old_enabled)) ||
	    read_setting(THP "khugepaged/scan_sleep_millisecs", old_sleep, sizeof(old_sleep))) {
		fprintf(stderr, "isol_lru_load: no transparent huge pages (CONFIG_TRANSPARENT_HUGEPAGE)\n");
		return 1;
	}
	snprintf(buf, sizeof(buf), "%ld", scan_ms);
	if (write_str(THP "enabled", "always") ||
	    write_str(THP "khugepaged/scan_sleep_millisecs", buf)) {
		perror("THP settings");
		return 1;
	}
	pinned = pin_khugepaged(cpu);

	child = fork();
	if (child < 0) {
		perror("fork");
		return 1;
	}
	if (!child)
		drop_caches_loop(drop_ms);

	/* Huge-page aligned, so that the faults below map huge pages. */
	raw = mmap(NULL, REGION + HPAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	p = (char *)(((unsigned long)raw + HPAGE - 1) & ~(HPAGE - 1));
	madvise(p, REGION, MADV_HUGEPAGE);
	memset(p, 1, REGION);
	printf("BENCH load cpu=%d khugepaged_pinned=%d scan_sleep_ms=%ld drop_period_ms=%ld thp_was=%s scan_sleep_was=%s\n",
	       cpu, pinned, scan_ms, drop_ms, old_enabled, old_sleep);

	while (!stop) {
		char *h = p + (i++ % (REGION / HPAGE)) * HPAGE + HPAGE / 2;

		madvise(h, HPAGE / 2, MADV_DONTNEED);
		memset(h, 2, HPAGE / 2);
		nanosleep(&half, NULL);
	}

	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	write_str(THP "enabled", old_enabled);
	write_str(THP "khugepaged/scan_sleep_millisecs", old_sleep);
	return 0;
}
