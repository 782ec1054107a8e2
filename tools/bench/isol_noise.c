// SPDX-License-Identifier: GPL-2.0
/*
 * Interruptions of a task spinning in user space on one CPU after it changed
 * vmstat counters with system calls, counted by the kernel's own
 * instruments.
 *
 *   isol_noise CPU MODE SECONDS REP
 *
 * MODE:
 *   off      the task does not use task isolation
 *   on       vmstat quiescing is configured and active before the task's
 *            first counter-changing syscall: every syscall return quiesces
 *   oneshot  quiescing is configured but not active while the task
 *            changes counters; then one PR_ISOL_ACTIVATE_SET with
 *            quiesce_oneshot_mask = ISOL_F_QUIESCE_VMSTATS quiesces once,
 *            on its own return, before the loop
 *
 * Instruments, on CPU only, between two trace_marker lines that bracket the
 * SECONDS of user-space spinning:
 *   - workqueue:workqueue_execute_start: vmstat_update executions;
 *   - the osnoise tracer with NO_OSNOISE_WORKLOAD (it only observes; the
 *     spinning task is the workload): osnoise:thread_noise gives, for every
 *     other thread that ran on the CPU, its name and net run time;
 *     osnoise:irq_noise and osnoise:softirq_noise are counted too.
 * A thread_noise window is "vmstat-related" when the same thread executed
 * vmstat_update inside it: the workqueue event is logged by the kworker
 * while it runs, the thread_noise event when it is switched out, so the
 * per-CPU trace lists the first before the second.
 *
 * Prints "BENCH noise ..." (counts) and "BENCH noise_times ..." (event
 * times in seconds from the start of the loop, for the plot). On a kernel
 * without task isolation, modes on and oneshot print "skipped=EINVAL".
 */
#include "bench.h"

#define SETTLE_S	2
#define MAX_TIMES	200
#define BINS		20	/* thread noise histogram over the window */

static int cpu;
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

struct result {
	double t0, t1;
	int vmstat_update, thread, vmstat_noise, kworker, irq, softirq;
	double thread_ns, vmstat_noise_ns, irq_ns;
	int bins[BINS];
	double times[MAX_TIMES];
	int ntimes;
};

#define MAX_PENDING 64

static int analyse(struct result *r, double secs)
{
	char path[128], line[1024], start[64], end[64];
	int pending[MAX_PENDING], npending = 0, in = 0, seen_end = 0, self = getpid();
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
		int pid, i;

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
		if (!strncmp(ev, "workqueue_execute_start:", 24) &&
		    strstr(ev, "function vmstat_update")) {
			if (npending < MAX_PENDING)
				pending[npending++] = pid;
			if (in) {
				r->vmstat_update++;
				if (r->ntimes < MAX_TIMES)
					r->times[r->ntimes++] = ts - r->t0;
			}
		} else if (!strncmp(ev, "thread_noise:", 13)) {
			/* "thread_noise: COMM:PID start S.NS duration D ns" */
			const char *s = strstr(ev, " start "), *d = strstr(ev, " duration ");
			const char *p;
			int tpid, vm = 0;
			double dur;

			if (!s || !d)
				continue;
			for (p = s; p > ev && p[-1] != ':'; p--)
				;
			tpid = atoi(p);
			dur = atof(d + 10);
			for (i = 0; i < npending; i++)
				if (pending[i] == tpid) {
					pending[i] = pending[--npending];
					vm = 1;
					break;
				}
			if (!in || tpid == self)
				continue;
			r->thread++;
			r->thread_ns += dur;
			if (strstr(ev, "kworker/"))
				r->kworker++;
			if (vm) {
				r->vmstat_noise++;
				r->vmstat_noise_ns += dur;
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

int main(int argc, char **argv)
{
	const char *mode;
	struct result r;
	double secs, rate;
	int rep, rc = 0, i;

	if (argc != 5) {
		fprintf(stderr, "usage: %s CPU off|on|oneshot SECONDS REP\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	page_size = sysconf(_SC_PAGESIZE);
	cpu = atoi(argv[1]);
	mode = argv[2];
	secs = atof(argv[3]);
	rep = atoi(argv[4]);
	snprintf(tag, sizeof(tag), "%d", getpid());

	if (pin_to_cpu(cpu)) {
		perror("sched_setaffinity");
		return 1;
	}
	if (!strcmp(mode, "on"))
		rc = isol_quiesce_on(0);
	else if (!strcmp(mode, "oneshot"))
		rc = isol_configure(ISOL_F_QUIESCE_VMSTATS, 0);
	else if (strcmp(mode, "off"))
		return 2;
	if (rc) {
		printf("BENCH noise cpu=%d mode=%s rep=%d skipped=%s\n", cpu, mode, rep, errname(rc));
		return 0;
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
	spin_user(rate, secs);
	if (marker("end"))
		return 1;
	write_str(TRACING "tracing_on", "0");
	if (analyse(&r, secs)) {
		fprintf(stderr, "isol_noise: markers not found in the CPU %d trace\n", cpu);
		tracing_teardown();
		return 1;
	}
	printf("BENCH noise cpu=%d mode=%s rep=%d window_s=%.3f vmstat_update=%d "
	       "thread_noise=%d thread_noise_us=%.1f vmstat_noise=%d vmstat_noise_us=%.1f "
	       "kworker_noise=%d irq_noise=%d irq_noise_us=%.1f softirq_noise=%d overrun=%ld\n",
	       cpu, mode, rep, r.t1 - r.t0, r.vmstat_update, r.thread, r.thread_ns / 1e3,
	       r.vmstat_noise, r.vmstat_noise_ns / 1e3, r.kworker, r.irq, r.irq_ns / 1e3,
	       r.softirq, overrun());
	printf("BENCH noise_times cpu=%d mode=%s rep=%d vmstat_t=", cpu, mode, rep);
	for (i = 0; i < r.ntimes; i++)
		printf("%s%.3f", i ? "," : "", r.times[i]);
	printf(" thread_bins=");
	for (i = 0; i < BINS; i++)
		printf("%s%d", i ? "," : "", r.bins[i]);
	printf("\n");
	tracing_teardown();
	return 0;
}
