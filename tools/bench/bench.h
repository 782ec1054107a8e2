/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the `make bench` programs: task isolation prctls that
 * report -errno instead of failing (an unpatched kernel answers EINVAL),
 * CPU pinning, clocks, a syscall-free user-space spin, the syscalls that
 * dirty vmstat counters, a page fault that fills this CPU's LRU batches,
 * /proc/vmstat and tracefs.
 *
 * Every result is printed as one line "BENCH <kind> key=value ...", parsed
 * on the host by scripts/bench_report.py.
 */
#ifndef ISOL_BENCH_H
#define ISOL_BENCH_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <signal.h>
#include <linux/task_isolation.h>

#define TRACING		"/sys/kernel/tracing/"

static long page_size = 4096;

/* --- task isolation, tolerant of kernels without it ------------------- */

/* 0, or -errno (-EINVAL on a kernel without CONFIG_TASK_ISOLATION). */
static inline int isol_configure(__u64 quiesce_mask, __u8 inherit_mask)
{
	struct task_isol_quiesce_control qc = { .quiesce_mask = quiesce_mask };
	struct task_isol_inherit_control ic = { .inherit_mask = inherit_mask };

	if (prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, ISOL_F_QUIESCE, &qc, 0))
		return -errno;
	if (inherit_mask && prctl(PR_ISOL_CFG_SET, I_CFG_INHERIT, 0, &ic, 0))
		return -errno;
	return 0;
}

static inline int isol_activate(__u64 active, __u64 oneshot)
{
	struct task_isol_activate_control ac = { .quiesce_oneshot_mask = oneshot };

	if (prctl(PR_ISOL_ACTIVATE_SET, &active, oneshot ? &ac : NULL, 0, 0))
		return -errno;
	return 0;
}

/* The second quiesce bit (SPEC section 6), for headers that predate it. */
#ifndef ISOL_F_QUIESCE_LRU
#define ISOL_F_QUIESCE_LRU	0x2ULL
#endif

/* Configure quiescing of @quiesce_mask and activate it; 0 or -errno. */
static inline int isol_quiesce_mask_on(__u64 quiesce_mask, __u8 inherit_mask)
{
	int rc = isol_configure(quiesce_mask, inherit_mask);

	return rc ? rc : isol_activate(ISOL_F_QUIESCE, 0);
}

/* Configure vmstat quiescing and activate it; 0 or -errno. */
static inline int isol_quiesce_on(__u8 inherit_mask)
{
	return isol_quiesce_mask_on(ISOL_F_QUIESCE_VMSTATS, inherit_mask);
}

/* ISOL_F_NOTIFY (SPEC section 7), for headers that predate it. */
#ifndef ISOL_NOTIFY_SYSCALL
#define ISOL_F_NOTIFY		0x2ULL
#define ISOL_NOTIFY_SYSCALL	0x1ULL
#define ISOL_NOTIFY_EXCEPTION	0x2ULL
#define ISOL_NOTIFY_INTERRUPT	0x4ULL
struct task_isol_notify_control {
	__u64 flags;
	__u64 event_mask;
	__u32 signo;
	__u32 pad0;
	__u64 pad[5];
};
#endif

/*
 * Configure notification of @events (ISOL_NOTIFY_*) with @signo (0: count
 * and trace only) and activate it; 0 or -errno (-EINVAL on a kernel
 * without ISOL_F_NOTIFY).
 */
static inline int isol_notify_on(__u64 events, unsigned int signo)
{
	struct task_isol_notify_control nc = { .event_mask = events, .signo = signo };

	if (prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, ISOL_F_NOTIFY, &nc, 0))
		return -errno;
	return isol_activate(ISOL_F_NOTIFY, 0);
}

/*
 * The task's break counters from /proc/self/task_isolation (syscall,
 * exception, interrupt); -1 where missing. Reading them takes three
 * system calls, which are breaks themselves when syscalls are notified.
 */
static inline void isol_breaks(long long b[3])
{
	static const char *const key[3] = {
		"breaks_syscall: ", "breaks_exception: ", "breaks_interrupt: " };
	char buf[1024], *p;
	ssize_t n;
	int fd, i;

	b[0] = b[1] = b[2] = -1;
	fd = open("/proc/self/task_isolation", O_RDONLY);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = 0;
	for (i = 0; i < 3; i++) {
		p = strstr(buf, key[i]);
		if (p)
			b[i] = atoll(p + strlen(key[i]));
	}
}

/* 1 when the running kernel has the interface. */
static inline int isol_supported(void)
{
	__u64 feat = 0;

	return prctl(PR_ISOL_FEAT_GET, 0, &feat, 0, 0) == 0 &&
	       (feat & ISOL_F_QUIESCE);
}

static inline const char *errname(int neg_errno)
{
	switch (-neg_errno) {
	case EINVAL: return "EINVAL";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case ENOMEM: return "ENOMEM";
	default: return "error";
	}
}

/* --- CPU and time ------------------------------------------------------ */

static inline int pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/*
 * TSC ticks per second, measured against CLOCK_MONOTONIC. Under QEMU TCG the
 * TSC is marked unstable and clock_gettime() falls back to a real system
 * call, so a loop that must stay in user space reads only the TSC.
 */
static inline double tsc_rate(void)
{
	double t0 = now(), t;
	uint64_t c0 = rdtsc();

	while ((t = now()) - t0 < 0.1)
		;
	return (rdtsc() - c0) / (t - t0);
}

/* Spin in user space for about @secs seconds without entering the kernel. */
static inline void spin_user(double rate, double secs)
{
	uint64_t end = rdtsc() + (uint64_t)(rate * secs);
	volatile unsigned long sink = 0;

	while (rdtsc() < end)
		sink++;
}

/* --- syscalls that change vmstat counters ------------------------------ */

/*
 * One anonymous page mapped with MAP_POPULATE, then unmapped: two system
 * calls, each of which changes nr_anon_pages (NR_ANON_MAPPED, a per-CPU
 * node differential) by one page, besides the page-table and free-page
 * counters.
 */
static inline int dirty_one_page(void)
{
	void *p = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	return munmap(p, page_size);
}

/*
 * What a latency-sensitive program does before its loop: fault in and
 * lock its working set, here 2 MiB allocated and freed and 16 pages
 * mlock()ed for good. Only system calls, no page fault from user space.
 * The 2 MiB are small pages (MADV_NOHUGEPAGE, then MADV_POPULATE_WRITE):
 * with transparent huge pages, the kernel aligns a 2 MiB mapping to a
 * huge page boundary and populates it with one huge page, which bypasses
 * the per-CPU page lists and leaves far less vmstat work behind.
 */
static inline int dirty_setup(void)
{
	size_t big = 2 << 20, small = 16 * page_size;
	void *p;

	p = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	madvise(p, big, MADV_NOHUGEPAGE);	/* fails without THP: harmless */
	if (madvise(p, big, MADV_POPULATE_WRITE) || munmap(p, big))
		return -1;
	p = mmap(NULL, small, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED || mlock(p, small))
		return -1;
	return 0;	/* stays locked until the process exits */
}

/* --- page faults that fill the LRU batches ---------------------------- */

/*
 * One page fault on a page that has no memory behind it: MADV_DONTNEED
 * drops the page (one system call), the write faults a fresh zeroed
 * anonymous folio in, which goes into this CPU's lru_add batch
 * (folio_add_lru_vma()). @p is one page of a private anonymous mapping
 * too small for a huge page.
 */
static inline int fault_fresh_page(volatile char *p)
{
	if (madvise((void *)p, page_size, MADV_DONTNEED))
		return -1;
	*p = 1;
	return 0;
}

/* --- /proc and tracefs ------------------------------------------------- */

/* Global value of a /proc/vmstat counter, or -1. */
static inline long vmstat_read(const char *name)
{
	static char buf[16384];
	size_t len = strlen(name);
	ssize_t n;
	char *p;
	int fd;

	fd = open("/proc/vmstat", O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (!strncmp(p, name, len) && p[len] == ' ')
			return atol(p + len + 1);
	return -1;
}

static inline int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

#endif /* ISOL_BENCH_H */
