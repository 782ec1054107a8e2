// SPDX-License-Identifier: GPL-2.0
/*
 * Interruptions of a task spinning in user space on one CPU, counted by the
 * kernel's own instruments, in two scenarios.
 *
 *   isol_noise CPU MODE SECONDS REP
 *
 * vmstat scenario: the task changed vmstat counters with system calls
 * before its loop, then spins without entering the kernel. MODE:
 *   off      the task does not use task isolation
 *   on       vmstat quiescing is configured and active before the task's
 *            first counter-changing syscall: every syscall return quiesces
 *   oneshot  quiescing is configured but not active while the task
 *            changes counters; then one PR_ISOL_ACTIVATE_SET with
 *            quiesce_oneshot_mask = ISOL_F_QUIESCE_VMSTATS quiesces once,
 *            on its own return, before the loop
 *
 * LRU scenario (run while tools/bench/isol_lru_load.c makes housekeeping
 * CPUs call lru_add_drain_all() several times a second): the task, as a
 * program that touches fresh memory now and then, writes to one fresh
 * anonymous page once per second of its loop (a page fault that puts the
 * folio into this CPU's lru_add batch) and otherwise spins in user space.
 * MODE:
 *   lru-off  the task does not use task isolation: the next
 *            lru_add_drain_all() queues lru_add_drain_per_cpu on this CPU
 *   lru-on   ISOL_F_QUIESCE with quiesce_mask = ISOL_F_QUIESCE_LRU
 *            (lru_drain) active: the return from each fault drains the
 *            batch, so lru_add_drain_all() finds nothing to do here
 *
 * Instruments, on CPU only, between two trace_marker lines that bracket the
 * SECONDS of the loop:
 *   - workqueue:workqueue_execute_start: vmstat_update and
 *     lru_add_drain_per_cpu executions;
 *   - the osnoise tracer with NO_OSNOISE_WORKLOAD (it only observes; the
 *     spinning task is the workload): osnoise:thread_noise gives, for every
 *     other thread that ran on the CPU, its name and net run time;
 *     osnoise:irq_noise and osnoise:softirq_noise are counted too.
 * A thread_noise window is "vmstat-related" ("LRU-related") when the same
 * thread executed vmstat_update (lru_add_drain_per_cpu) inside it: the
 * workqueue event is logged by the kworker while it runs, the thread_noise
 * event when it is switched out, so the per-CPU trace lists the first
 * before the second.
 *
 * Prints "BENCH noise ..." (vmstat scenario) or "BENCH lru ..." (LRU
 * scenario) with the counts, and "BENCH noise_times ..." or
 * "BENCH lru_times ..." (event times in seconds from the start of the loop
 * and a histogram of thread noise, for the plot). On a kernel without task
 * isolation, modes on, oneshot and lru-on print "skipped=EINVAL".
 */
#include "bench.h"

#define SETTLE_S	2
#define MAX_TIMES	200
#define BINS		20	/* thread noise histogram over the window */
#define FILL_PAGES	256	/* 1 MiB: too small for a huge page */

static int cpu, lru_scenario;
static char tag[32];

static int tracing_setup(void)
{
	char cpus[16];

	snprintf(cpus, sizeof(cpus), "%d", cpu);
	if (write_str(TRACING "tracing_on", "0") ||
	    write_str(TRACING "current_tracer", "nop") ||
	    write_str(TRACING "set_event", "") ||
	    write_str(TRACING "osnoise/cpus", cpus) ||
	    write_str(TRACING "osnoise/options", "NO_OSNOISE_WORKLOAD") ||
	    write_str(TRACING "events/workqueue/workqueue_execute_start/enable", "1") ||
	    write_str(TRACING "events/osnoise/thread_noise/enable", "1") ||
	    write_str(TRACING "events/osnoise/irq_noise/enable", "1") ||
	    write_str(TRACING "events/osnoise/softirq_noise/enable", "1") ||
	    write_str(TRACING "trace", "") ||
	    write_str(TRACING "current_tracer", "osnoise"))
		return -1;
	return write_str(TRACING "tracing_on", "1");
}

static void tracing_teardown(void)
{
	write_str(TRACING "tracing_on", "0");
	write_str(TRACING "current_tracer", "nop");
	write_str(TRACING "set_event", "");
	write_str(TRACING "osnoise/options", "DEFAULTS");
}

static int marker(const char *what)
{
	char m[64];

	snprintf(m, sizeof(m), "bench-%s-%s", what, tag);
	return write_str(TRACING "trace_marker", m);
}

/* "   kworker/2:1-45      [002] d..1.   123.456789: event: ..." */
static int parse_header(const char *line, int *pid, double *ts, const char **ev)
{
	const char *br = strstr(line, " ["), *p, *colon;

	if (!br || line[0] == '#')
		return -1;
	for (p = br; p > line && p[-1] != '-'; p--)
		;
	*pid = atoi(p);
	p = strchr(br, ']');
	if (!p)
		return -1;
	/* Skip the flags field, then the timestamp ends with ": ". */
	colon = strstr(p, ": ");
	if (!colon)
		return -1;
	for (p = colon; p > line && p[-1] != ' '; p--)
		;
	*ts = atof(p);
	*ev = colon + 2;
	return 0;
}

/* The two kinds of work whose executions and thread noise are counted. */
enum work { VMSTAT, LRU, NWORK };
static const char *const work_fn[NWORK] = {
	"function vmstat_update", "function lru_add_drain_per_cpu",
};

struct result {
	double t0, t1;
	int runs[NWORK], noise[NWORK], thread, kworker, irq, softirq;
	double noise_ns[NWORK], thread_ns, irq_ns;
	int bins[BINS];
	double times[MAX_TIMES];	/* executions of the scenario's work */
	int ntimes;
};

#define MAX_PENDING 64

static int analyse(struct result *r, double secs)
{
	char path[128], line[1024], start[64], end[64];
	int pending[MAX_PENDING], pending_work[MAX_PENDING], npending = 0;
	int in = 0, seen_end = 0, self = getpid();
	FILE *f;

	memset(r, 0, sizeof(*r));
	snprintf(path, sizeof(path), TRACING "per_cpu/cpu%d/trace", cpu);
	snprintf(start, sizeof(start), "bench-start-%s", tag);
	snprintf(end, sizeof(end), "bench-end-%s", tag);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		const char *ev;
		double ts;
		int pid, i, w;

		if (parse_header(line, &pid, &ts, &ev))
			continue;
		if (strstr(ev, start)) {
			in = 1;
			r->t0 = ts;
			continue;
		}
		if (strstr(ev, end)) {
			seen_end = in;
			in = 0;
			r->t1 = ts;
			continue;
		}
		if (!strncmp(ev, "workqueue_execute_start:", 24)) {
			for (w = 0; w < NWORK; w++)
				if (strstr(ev, work_fn[w]))
					break;
			if (w == NWORK)
				continue;
			/* Remember which work this thread ran until it is switched out. */
			for (i = 0; i < npending; i++)
				if (pending[i] == pid)
					break;
			if (i == npending && npending < MAX_PENDING) {
				pending[npending] = pid;
				pending_work[npending++] = 0;
			}
			if (i < npending)
				pending_work[i] |= 1 << w;
			if (in) {
				r->runs[w]++;
				if (w == (lru_scenario ? LRU : VMSTAT) && r->ntimes < MAX_TIMES)
					r->times[r->ntimes++] = ts - r->t0;
			}
		} else if (!strncmp(ev, "thread_noise:", 13)) {
			/* "thread_noise: COMM:PID start S.NS duration D ns" */
			const char *s = strstr(ev, " start "), *d = strstr(ev, " duration ");
			const char *p;
			int tpid, ran = 0;
			double dur;

			if (!s || !d)
				continue;
			for (p = s; p > ev && p[-1] != ':'; p--)
				;
			tpid = atoi(p);
			dur = atof(d + 10);
			for (i = 0; i < npending; i++)
				if (pending[i] == tpid) {
					ran = pending_work[i];
					pending[i] = pending[--npending];
					pending_work[i] = pending_work[npending];
					break;
				}
			if (!in || tpid == self)
				continue;
			r->thread++;
			r->thread_ns += dur;
			if (strstr(ev, "kworker/"))
				r->kworker++;
			for (w = 0; w < NWORK; w++)
				if (ran & (1 << w)) {
					r->noise[w]++;
					r->noise_ns[w] += dur;
				}
			i = (int)((ts - r->t0) / secs * BINS);
			if (i >= 0 && i < BINS)
				r->bins[i]++;
		} else if (in && !strncmp(ev, "irq_noise:", 10)) {
			const char *d = strstr(ev, " duration ");

			r->irq++;
			r->irq_ns += d ? atof(d + 10) : 0;
		} else if (in && !strncmp(ev, "softirq_noise:", 14)) {
			r->softirq++;
		}
	}
	fclose(f);
	return seen_end ? 0 : -1;
}

static long overrun(void)
{
	char path[128], line[256];
	long n = -1;
	FILE *f;

	snprintf(path, sizeof(path), TRACING "per_cpu/cpu%d/stats", cpu);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "overrun: ", 9))
			n = atol(line + 9);
	fclose(f);
	return n;
}

/*
 * The LRU scenario's loop: write to one fresh page of @fill at the start of
 * every whole second of the window, spin in user space in between. Returns
 * the pages touched.
 */
static int touch_and_spin(volatile char *fill, double rate, double secs)
{
	uint64_t t0 = rdtsc(), end = t0 + (uint64_t)(rate * secs), next = t0;
	volatile unsigned long sink = 0;
	int n = 0, fills = secs < FILL_PAGES ? (int)secs : FILL_PAGES;

	while (rdtsc() < end) {
		if (n < fills && rdtsc() >= next) {
			fill[n++ * page_size] = 1;
			next += (uint64_t)rate;
		}
		sink++;
	}
	return n;
}

int main(int argc, char **argv)
{
	const char *mode, *kind;
	volatile char *fill = NULL;
	struct result r;
	double secs, rate;
	int rep, rc = 0, i, fills = 0;

	if (argc != 5) {
		fprintf(stderr, "usage: %s CPU off|on|oneshot|lru-off|lru-on SECONDS REP\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	page_size = sysconf(_SC_PAGESIZE);
	cpu = atoi(argv[1]);
	mode = argv[2];
	secs = atof(argv[3]);
	rep = atoi(argv[4]);
	snprintf(tag, sizeof(tag), "%d", getpid());
	lru_scenario = !strncmp(mode, "lru-", 4);
	kind = lru_scenario ? "lru" : "noise";
	if (lru_scenario)
		mode += 4;

	if (pin_to_cpu(cpu)) {
		perror("sched_setaffinity");
		return 1;
	}
	if (!strcmp(mode, "on"))
		rc = lru_scenario ? isol_quiesce_mask_on(ISOL_F_QUIESCE_LRU, 0) : isol_quiesce_on(0);
	else if (!lru_scenario && !strcmp(mode, "oneshot"))
		rc = isol_configure(ISOL_F_QUIESCE_VMSTATS, 0);
	else if (strcmp(mode, "off"))
		return 2;
	if (rc) {
		printf("BENCH %s cpu=%d mode=%s rep=%d skipped=%s\n", kind, cpu, mode, rep, errname(rc));
		return 0;
	}
	if (lru_scenario) {
		fill = mmap(NULL, FILL_PAGES * page_size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (fill == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		/* Small folios only: a huge one bypasses the LRU batches. */
		madvise((void *)fill, FILL_PAGES * page_size, MADV_NOHUGEPAGE);
	}
	if (tracing_setup()) {
		perror("tracefs setup (osnoise tracer)");
		tracing_teardown();
		return 1;
	}
	sleep(SETTLE_S);
	if (dirty_setup()) {
		perror("dirtying vmstat counters");
		return 1;
	}
	rate = tsc_rate();
	if (!strcmp(mode, "oneshot") &&
	    (rc = isol_activate(ISOL_F_QUIESCE, ISOL_F_QUIESCE_VMSTATS))) {
		printf("BENCH noise cpu=%d mode=%s rep=%d skipped=%s\n", cpu, mode, rep, errname(rc));
		tracing_teardown();
		return 0;
	}
	if (marker("start"))
		return 1;
	if (lru_scenario)
		fills = touch_and_spin(fill, rate, secs);
	else
		spin_user(rate, secs);
	if (marker("end"))
		return 1;
	write_str(TRACING "tracing_on", "0");
	if (analyse(&r, secs)) {
		fprintf(stderr, "isol_noise: markers not found in the CPU %d trace\n", cpu);
		tracing_teardown();
		return 1;
	}
	printf("BENCH %s cpu=%d mode=%s rep=%d window_s=%.3f ", kind, cpu, mode, rep, r.t1 - r.t0);
	if (lru_scenario)
		printf("fills=%d lru_drain=%d lru_noise=%d lru_noise_us=%.1f vmstat_update=%d "
		       "vmstat_noise=%d vmstat_noise_us=%.1f ", fills, r.runs[LRU], r.noise[LRU],
		       r.noise_ns[LRU] / 1e3, r.runs[VMSTAT], r.noise[VMSTAT],
		       r.noise_ns[VMSTAT] / 1e3);
	else
		printf("vmstat_update=%d vmstat_noise=%d vmstat_noise_us=%.1f lru_drain=%d ",
		       r.runs[VMSTAT], r.noise[VMSTAT], r.noise_ns[VMSTAT] / 1e3, r.runs[LRU]);
	printf("thread_noise=%d thread_noise_us=%.1f kworker_noise=%d irq_noise=%d "
	       "irq_noise_us=%.1f softirq_noise=%d overrun=%ld\n",
	       r.thread, r.thread_ns / 1e3, r.kworker, r.irq, r.irq_ns / 1e3, r.softirq, overrun());
	printf("BENCH %s_times cpu=%d mode=%s rep=%d %s_t=", kind, cpu, mode, rep,
	       lru_scenario ? "lru" : "vmstat");
	for (i = 0; i < r.ntimes; i++)
		printf("%s%.3f", i ? "," : "", r.times[i]);
	printf(" thread_bins=");
	for (i = 0; i < BINS; i++)
		printf("%s%d", i ? "," : "", r.bins[i]);
	printf("\n");
	tracing_teardown();
	return 0;
}
