/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Dirtying vmstat counters with syscalls and counting vmstat_update
 * executions on one CPU with the workqueue tracepoint, shared by the
 * quiescing selftest and the demo; private trace instances and the parser
 * of the task_isolation:isol_break event, and a function tracer counting
 * one thread's calls of a kernel function, for the notify selftest.
 */
#ifndef ISOL_TRACE_H
#define ISOL_TRACE_H

#include "isol_common.h"
#include <sys/mman.h>
#include <sys/stat.h>
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

/* ---- Private trace instances and the task_isolation:isol_break event ---- */

/* Where tracefs may be mounted, in order of preference. */
static const char *const trace_bases[] = {
	"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
};

/*
 * A ring buffer of our own: instances/<name> of the first tracefs mount
 * that has the event, so that other events, other tests and other
 * readers neither see nor disturb it. Falls back to the top-level buffer
 * where instances cannot be made (own == 0).
 */
struct trace_inst {
	char dir[192];	/* paths below it fit in 320 bytes */
	int own;
};

static inline int trace_event_path(const struct trace_inst *ti, const char *event,
				   const char *file, char *path, size_t len)
{
	int n = snprintf(path, len, "%s/events/%s/%s", ti->dir, event, file);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* Enables (@on) or disables @event ("system/name") in @ti; 0 or -1. */
static inline int trace_inst_enable(const struct trace_inst *ti, const char *event, int on)
{
	char path[320];

	if (trace_event_path(ti, event, "enable", path, sizeof(path)))
		return -1;
	return write_str(path, on ? "1" : "0");
}

/* Empties @ti's buffer (every CPU); 0 or -1. */
static inline int trace_inst_clear(const struct trace_inst *ti)
{
	char path[320];

	snprintf(path, sizeof(path), "%s/trace", ti->dir);
	return write_str(path, "");
}

/* Writes @s into @ti's buffer (a print event, on the calling CPU). */
static inline int trace_inst_mark(const struct trace_inst *ti, const char *s)
{
	char path[320];

	snprintf(path, sizeof(path), "%s/trace_marker", ti->dir);
	return write_str(path, s);
}

/* @ti's trace, of CPU @cpu or of all CPUs (@cpu < 0), open for reading. */
static inline FILE *trace_inst_open_read(const struct trace_inst *ti, int cpu)
{
	char path[320];

	if (cpu < 0)
		snprintf(path, sizeof(path), "%s/trace", ti->dir);
	else
		snprintf(path, sizeof(path), "%s/per_cpu/cpu%d/trace", ti->dir, cpu);
	return fopen(path, "r");
}

/*
 * Makes @ti: the instance @name under the first mount that has @event,
 * with @event enabled and an empty 1 MiB per-CPU buffer. 0, or -1 with
 * the reason in @why.
 */
static inline int trace_inst_open(struct trace_inst *ti, const char *name,
				  const char *event, char *why, size_t len)
{
	char path[320];
	size_t i;

	memset(ti, 0, sizeof(*ti));
	for (i = 0; i < sizeof(trace_bases) / sizeof(trace_bases[0]); i++) {
		snprintf(ti->dir, sizeof(ti->dir), "%s", trace_bases[i]);
		if (!trace_event_path(ti, event, "enable", path, sizeof(path)) &&
		    !access(path, W_OK))
			break;
	}
	if (i == sizeof(trace_bases) / sizeof(trace_bases[0])) {
		snprintf(why, len, "tracing unavailable: no writable events/%s/enable under /sys/kernel/tracing or /sys/kernel/debug/tracing (tracefs not mounted, not root, or kernel without the event)",
			 event);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/instances/%s", ti->dir, name);
	rmdir(path);	/* a leftover of an earlier, killed run */
	if (strlen(path) < sizeof(ti->dir) && !mkdir(path, 0755)) {
		memcpy(ti->dir, path, strlen(path) + 1);
		ti->own = 1;
	}
	snprintf(path, sizeof(path), "%s/buffer_size_kb", ti->dir);
	write_str(path, "1024");
	if (trace_inst_enable(ti, event, 1)) {
		snprintf(why, len, "cannot enable %s in %s: %s", event, ti->dir, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/tracing_on", ti->dir);
	if (write_str(path, "1") || trace_inst_clear(ti)) {
		snprintf(why, len, "cannot switch tracing on in %s: %s", ti->dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* Disables @events (NULL-terminated) in @ti and removes it if it is ours. */
static inline void trace_inst_close(struct trace_inst *ti, const char *const *events)
{
	for (; events && *events; events++)
		trace_inst_enable(ti, *events, 0);
	if (ti->own) {
		rmdir(ti->dir);
		ti->own = 0;
	}
	ti->dir[0] = 0;
}

#define ISOL_BREAK_EVENT	"task_isolation/isol_break"

/*
 * One task_isolation:isol_break line, printed as
 * "comm=%s pid=%d cpu=%d class=%s nr=%ld addr=0x%lx ip=0x%lx handler=%ps".
 */
struct isol_break_ev {
	int pid, cpu;
	char cls[16];
	long nr;
	unsigned long addr, ip;
	char handler[96];
};

/* The text after " @key=" in @s, or NULL. */
static inline const char *trace_field(const char *s, const char *key)
{
	size_t len = strlen(key);
	const char *p;

	for (p = s; (p = strstr(p, key)); p += len)
		if ((p == s || p[-1] == ' ') && p[len] == '=')
			return p + len + 1;
	return NULL;
}

/* Parses @line into @ev: 0 for an isol_break line, -1 for anything else. */
static inline int isol_break_parse(const char *line, struct isol_break_ev *ev)
{
	const char *p = strstr(line, "isol_break: "), *f;

	if (!p)
		return -1;
	p += strlen("isol_break: ");
	memset(ev, 0, sizeof(*ev));
	if (!(f = trace_field(p, "pid")) || sscanf(f, "%d", &ev->pid) != 1 ||
	    !(f = trace_field(p, "cpu")) || sscanf(f, "%d", &ev->cpu) != 1 ||
	    !(f = trace_field(p, "class")) || sscanf(f, "%15s", ev->cls) != 1 ||
	    !(f = trace_field(p, "nr")) || sscanf(f, "%ld", &ev->nr) != 1 ||
	    !(f = trace_field(p, "addr")) || sscanf(f, "%lx", &ev->addr) != 1 ||
	    !(f = trace_field(p, "ip")) || sscanf(f, "%lx", &ev->ip) != 1 ||
	    !(f = trace_field(p, "handler")) || sscanf(f, "%95s", ev->handler) != 1)
		return -1;
	return 0;
}

/* ---- Counting one thread's calls of a kernel function (function tracer) ---- */

/*
 * An instance of our own with the function tracer on @func only; its
 * tracing_on stays open, so that switching it costs one write().
 */
struct fn_counter {
	char dir[192];
	char func[64];
	int on_fd;	/* tracing_on, or -1 */
};

static inline int fn_counter_write(const struct fn_counter *fc, const char *file,
				   const char *s)
{
	char path[320];

	snprintf(path, sizeof(path), "%s/%s", fc->dir, file);
	return write_str(path, s);
}

/*
 * Makes @fc: the instance @name under the first tracefs mount that has
 * instances, tracing @func (off until fn_counter_start()). 0, or -1 with
 * the reason in @why (and nothing left behind).
 */
static inline int fn_counter_open(struct fn_counter *fc, const char *name, const char *func,
				  char *why, size_t len)
{
	char path[320];
	size_t i;

	memset(fc, 0, sizeof(*fc));
	fc->on_fd = -1;
	snprintf(fc->func, sizeof(fc->func), "%s", func);
	for (i = 0; i < sizeof(trace_bases) / sizeof(trace_bases[0]); i++) {
		snprintf(path, sizeof(path), "%s/instances", trace_bases[i]);
		if (!access(path, W_OK))
			break;
	}
	if (i == sizeof(trace_bases) / sizeof(trace_bases[0])) {
		snprintf(why, len, "no writable instances under /sys/kernel/tracing or /sys/kernel/debug/tracing (tracefs not mounted, not root, or no CONFIG_FTRACE)");
		return -1;
	}
	snprintf(fc->dir, sizeof(fc->dir), "%s/instances/%s", trace_bases[i], name);
	rmdir(fc->dir);	/* a leftover of an earlier, killed run */
	if (mkdir(fc->dir, 0755)) {
		snprintf(why, len, "cannot make %s: %s", fc->dir, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s\n", func);
	/* EINVAL when the function cannot be traced. */
	if (fn_counter_write(fc, "set_ftrace_filter", path)) {
		snprintf(why, len, "%s() cannot be traced (%s): needs CONFIG_FUNCTION_TRACER and a traceable %s()",
			 func, strerror(errno), func);
		rmdir(fc->dir);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/tracing_on", fc->dir);
	if (fn_counter_write(fc, "tracing_on", "0") ||
	    fn_counter_write(fc, "buffer_size_kb", "1024") ||
	    fn_counter_write(fc, "current_tracer", "function") ||
	    (fc->on_fd = open(path, O_WRONLY)) < 0) {
		snprintf(why, len, "cannot set up the function tracer in %s: %s", fc->dir,
			 strerror(errno));
		fn_counter_write(fc, "current_tracer", "nop");
		rmdir(fc->dir);
		return -1;
	}
	return 0;
}

/* Empties the buffer and starts counting. 0 or -1. */
static inline int fn_counter_start(const struct fn_counter *fc)
{
	if (fn_counter_write(fc, "trace", ""))
		return -1;
	return write(fc->on_fd, "1", 1) == 1 ? 0 : -1;
}

/* Stops counting (a single write(): its return is not traced). 0 or -1. */
static inline int fn_counter_stop(const struct fn_counter *fc)
{
	return write(fc->on_fd, "0", 1) == 1 ? 0 : -1;
}

/*
 * The calls of the function by task @tid on @cpu since the last
 * fn_counter_start(), from the lines "comm-TID [cpu] flags time: func
 * <-parent"; -1 if the buffer cannot be read or overran.
 */
static inline long fn_counter_count(const struct fn_counter *fc, int cpu, int tid)
{
	char path[320], line[512], pat[32], call[96];
	long n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/per_cpu/cpu%d/stats", fc->dir, cpu);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "overrun: ", 9) && strcmp(line, "overrun: 0\n")) {
			fclose(f);
			return -1;
		}
	fclose(f);
	snprintf(path, sizeof(path), "%s/per_cpu/cpu%d/trace", fc->dir, cpu);
	f = fopen(path, "r");
	if (!f)
		return -1;
	snprintf(pat, sizeof(pat), "-%d ", tid);
	snprintf(call, sizeof(call), ": %s <-", fc->func);
	while (fgets(line, sizeof(line), f))
		if (line[0] != '#' && strstr(line, pat) && strstr(line, call))
			n++;
	fclose(f);
	return n;
}

static inline void fn_counter_close(struct fn_counter *fc)
{
	if (fc->on_fd < 0)
		return;
	fn_counter_stop(fc);
	close(fc->on_fd);
	fc->on_fd = -1;
	fn_counter_write(fc, "current_tracer", "nop");
	rmdir(fc->dir);
}

#endif /* ISOL_TRACE_H */
