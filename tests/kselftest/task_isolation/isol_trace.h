/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Dirtying vmstat counters with syscalls and counting vmstat_update
 * executions on one CPU with the workqueue tracepoint, shared by the
 * quiescing selftest and the demo.
 */
#ifndef ISOL_TRACE_H
#define ISOL_TRACE_H

#include "isol_common.h"
#include <sys/mman.h>
#include <time.h>

#define PAGES		4
#define TRACING		"/sys/kernel/tracing/"

static long page_size = 4096;

/* mlock() PAGES fresh pages; returns the mapping. */
static inline void *mlock_pages(void)
{
	void *p;

	p = mmap(NULL, PAGES * page_size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (mlock(p, PAGES * page_size)) {
		munmap(p, PAGES * page_size);
		return NULL;
	}
	return p;
}

static inline void unlock_pages(void *p)
{
	munlock(p, PAGES * page_size);
	munmap(p, PAGES * page_size);
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

static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Count the lines holding @what between the start and end markers of @tag
 * in @cpu's buffer; -1 when the end marker is missing.
 */
static inline int count_trace_lines(int cpu, const char *tag, const char *what)
{
	char path[128], line[512], start[64], end[64];
	int in = 0, count = 0, seen_end = 0;
	FILE *f;

	snprintf(path, sizeof(path), TRACING "per_cpu/cpu%d/trace", cpu);
	snprintf(start, sizeof(start), "isol-start-%s", tag);
	snprintf(end, sizeof(end), "isol-end-%s", tag);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, start))
			in = 1;
		else if (strstr(line, end)) {
			seen_end = in;
			in = 0;
		} else if (in && strstr(line, what))
			count++;
	}
	fclose(f);
	return seen_end ? count : -1;
}

/* Count "vmstat_update" between the START and END markers of @cpu's buffer. */
static inline int count_vmstat_update(int cpu, const char *tag)
{
	return count_trace_lines(cpu, tag, "vmstat_update");
}

/*
 * Dirty this CPU's counters with syscalls only, then spin in user space for
 * @secs seconds calling nothing but the vDSO, and return the number of
 * vmstat_update executions on @cpu in that window.
 */
static inline int dirty_then_spin(int cpu, double secs, const char *tag)
{
	char marker[64];
	double t;
	int i;

	/*
	 * Fault the vDSO data page in now, while syscalls still quiesce: on
	 * kernels where it is a refcounted page (7.x), its first fault in
	 * the spin would add to NR_FILE_MAPPED on this CPU, and page faults
	 * are not quiesced.
	 */
	now();
	for (i = 0; i < 8; i++) {
		void *p = mlock_pages();

		if (!p)
			return -1;
		unlock_pages(p);
	}
	/* Leave the differentials non-zero: lock some pages for good. */
	if (!mlock_pages())
		return -1;
	snprintf(marker, sizeof(marker), "isol-start-%s", tag);
	if (write_str(TRACING "trace_marker", marker))
		return -1;
	for (t = now(); now() - t < secs;)
		;
	snprintf(marker, sizeof(marker), "isol-end-%s", tag);
	if (write_str(TRACING "trace_marker", marker))
		return -1;
	return count_vmstat_update(cpu, tag);
}

static inline int tracing_start(void)
{
	page_size = sysconf(_SC_PAGESIZE);
	if (write_str(TRACING "buffer_size_kb", "1024") ||
	    write_str(TRACING "trace", "") ||
	    write_str(TRACING "events/workqueue/workqueue_execute_start/enable", "1"))
		return -1;
	return write_str(TRACING "tracing_on", "1");
}

static inline void tracing_stop(void)
{
	write_str(TRACING "events/workqueue/workqueue_execute_start/enable", "0");
}

#endif /* ISOL_TRACE_H */
