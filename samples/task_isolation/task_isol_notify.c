// SPDX-License-Identifier: GPL-2.0
/*
 * Task isolation sample: be told when isolation breaks (ISOL_F_NOTIFY).
 *
 * Configures quiescing (the vmstat and LRU bits the kernel supports) and
 * notification of every system call, exception and interrupt that the
 * task takes while isolated, with SIGUSR1 as the signal, pins itself to a
 * CPU, activates both and spins in user space for SECONDS without a
 * system call (timed with the TSC on x86, elsewhere with a loop count
 * calibrated before). Each entry into the kernel in that time is a break: the
 * kernel counts it, traces it (task_isolation:isol_break) and sends
 * SIGUSR1 before the task goes back to user space. The handler only
 * records what it got: the signal does not say which class of break it
 * was (si_code is SI_KERNEL for all), /proc and the tracepoint do.
 *
 * With -b the loop breaks isolation once on purpose, half-way: a
 * getppid() system call and a write to a page never touched before
 * (a page fault), so that the report shows one break of each kind.
 * After deactivating, it prints the signals received and the notify lines
 * of /proc/thread-self/task_isolation.
 *
 *   task_isol_notify [-b] [CPU [SECONDS]]
 *
 * CPU defaults to the first isolated CPU (/sys/devices/system/cpu/isolated;
 * the CPU it runs on when there is none), SECONDS to 1. On a CPU that
 * is not nohz_full, every tick is an interrupt break.
 *
 * The handler follows the rules for notification handlers: it runs on a
 * pre-faulted, locked alternate signal stack and makes no system call
 * (a system call or a page fault in the handler is a break too, and its
 * signal would arrive right after the handler returns: with a handler
 * that always makes one, forever). All printing happens after
 * deactivation.
 *
 * Last line: "task_isol_notify: ok cpu=C seconds=S iterations=N signals=K
 * breaks_syscall=X breaks_exception=Y breaks_interrupt=Z". Exit status 0
 * on success, 1 on a failure, 2 on bad arguments, and 4 (kselftest's
 * "skip") with a message when the kernel has task isolation without
 * ISOL_F_NOTIFY.
 */
#define _GNU_SOURCE
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <linux/task_isolation.h>

/* x86's time stamp counter, readable in user mode */
#if defined(__has_builtin)
#if __has_builtin(__builtin_ia32_rdtsc)
#define HAVE_TSC		1
#endif
#endif

#define NSEC_PER_SEC		1000000000ULL
#define NSEC_PER_MSEC		1000000ULL
#define EXIT_NO_NOTIFY		4	/* as kselftest's KSFT_SKIP */
#define ALTSTACK_SIZE		(64 * 1024)
#define STACK_PREFAULT		(64 * 1024)
#define MAX_RECORDS		32
#define NO_BREAK		ULLONG_MAX
#define ISOLATED_CPUS		"/sys/devices/system/cpu/isolated"
#define STATUS_FILE		"/proc/thread-self/task_isolation"

/* What the handler records: its only outputs, read after deactivation. */
struct record {
	int si_code;			/* SI_KERNEL for a break */
	unsigned long iteration;	/* where the loop was */
};

static struct record records[MAX_RECORDS];
static atomic_int nsignals;		/* lock-free: fine in a handler */
static atomic_ulong progress;		/* the loop's iteration */
static char *fresh_page;		/* -b: mapped, never touched */
static unsigned long broke_at;		/* -b: the iteration that broke */

/* Record and return: no system call, no memory not touched before. */
static void on_break(int sig, siginfo_t *si, void *uc)
{
	int n = atomic_load_explicit(&nsignals, memory_order_relaxed);

	(void)sig;
	(void)uc;
	if (n < MAX_RECORDS) {
		records[n].si_code = si->si_code;
		records[n].iteration = atomic_load_explicit(&progress,
							    memory_order_relaxed);
	}
	atomic_store_explicit(&nsignals, n + 1, memory_order_relaxed);
}

static long parse_long(const char *s, const char *what, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		errx(2, "bad %s '%s': expected %ld..%ld", what, s, min, max);
	return v;
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		err(1, "clock_gettime");
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* The first CPU of the isolated list, or -1 when it is empty. */
static long first_isolated_cpu(void)
{
	char buf[256] = "";
	FILE *f = fopen(ISOLATED_CPUS, "r");

	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	if (buf[0] < '0' || buf[0] > '9')
		return -1;
	return strtol(buf, NULL, 10);
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
		err(1, "PR_ISOL_FEAT_GET(ISOL_F_QUIESCE)");
	bits = (ISOL_F_QUIESCE_VMSTATS | ISOL_F_QUIESCE_LRU) &
	       ext.supported_quiesce_bits;
	if (!bits)
		errx(1, "no quiesce bit supported (supported_quiesce_bits 0x%llx)",
		     (unsigned long long)ext.supported_quiesce_bits);
	return bits;
}

/* The events to report: all three classes, as far as the kernel has them. */
static __u64 notify_events(void)
{
	struct task_isol_notify_extensions ext;
	__u64 events;

	if (prctl(PR_ISOL_FEAT_GET, ISOL_F_NOTIFY, &ext, 0, 0))
		err(1, "PR_ISOL_FEAT_GET(ISOL_F_NOTIFY)");
	events = (ISOL_NOTIFY_SYSCALL | ISOL_NOTIFY_EXCEPTION |
		  ISOL_NOTIFY_INTERRUPT) & ext.supported_events;
	if (!events)
		errx(1, "no notify event supported (supported_events 0x%llx)",
		     (unsigned long long)ext.supported_events);
	return events;
}

static void set_active(__u64 mask)
{
	if (prctl(PR_ISOL_ACTIVATE_SET, &mask, NULL, 0, 0))
		err(1, "PR_ISOL_ACTIVATE_SET(0x%llx)", (unsigned long long)mask);
}

/*
 * SIGUSR1 to on_break(), on an alternate stack that is touched and locked
 * now, so that delivering the signal takes no page fault. Then one signal
 * before isolation, so that the handler's code and the signal return
 * path are mapped too.
 */
static void install_handler(void)
{
	struct sigaction sa = { 0 };
	stack_t ss = { 0 };
	sigset_t set;
	void *stack;

	stack = mmap(NULL, ALTSTACK_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (stack == MAP_FAILED)
		err(1, "mmap of the signal stack");
	memset(stack, 0, ALTSTACK_SIZE);
	if (mlock(stack, ALTSTACK_SIZE))
		warn("mlock of the signal stack");
	ss.ss_sp = stack;
	ss.ss_size = ALTSTACK_SIZE;
	if (sigaltstack(&ss, NULL))
		err(1, "sigaltstack");

	sa.sa_sigaction = on_break;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL))
		err(1, "sigaction(SIGUSR1)");

	/* A blocked signo stays pending: make sure it is not blocked. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_UNBLOCK, &set, NULL))
		err(1, "sigprocmask");

	if (raise(SIGUSR1))
		err(1, "raise(SIGUSR1)");
	if (atomic_load(&nsignals) != 1)
		errx(1, "the SIGUSR1 handler did not run");
	atomic_store(&nsignals, 0);
}

/* Touch the stack the loop will use, and lock what is mapped. */
static void prefault_memory(void)
{
	char stack[STACK_PREFAULT];

	explicit_bzero(stack, sizeof(stack));	/* not optimised away */
	explicit_bzero(records, sizeof(records));
	if (mlockall(MCL_CURRENT))
		warn("mlockall (continuing: a page fault in the loop is an exception break)");
}

/* The deliberate break: one system call, one page fault. */
static void break_isolation(void)
{
	getppid();
	fresh_page[0] = 1;
}

/*
 * The loop's clock, read without a system call: the TSC on x86; elsewhere
 * the iterations themselves, which calibrate() converts into time.
 */
static unsigned long long loop_clock(unsigned long iteration)
{
#ifdef HAVE_TSC
	(void)iteration;
	return __builtin_ia32_rdtsc();
#else
	return iteration;
#endif
}

/*
 * The isolated part: user space only, no system call. Spins until
 * loop_clock() reaches @until, breaking isolation once when it reaches
 * @break_at. Returns the number of iterations.
 */
static unsigned long spin(unsigned long long until, unsigned long long break_at)
{
	unsigned long long now;
	unsigned long i;

	for (i = 0;; i++) {
		now = loop_clock(i);
		if (now >= until)
			return i;
		atomic_store_explicit(&progress, i, memory_order_relaxed);
		if (now >= break_at) {
			break_at = NO_BREAK;
			broke_at = i;
			break_isolation();
		}
	}
}

/*
 * How fast loop_clock() runs, per second: the fastest of three runs of
 * the loop of at least 100 ms each (a run that was preempted counts
 * fewer iterations per second than the loop makes).
 */
static unsigned long long calibrate(void)
{
	unsigned long long n = 1ULL << 16, c, dc, t, dt, rate, best = 0;
	int runs = 0;

	while (runs < 3) {
		t = now_ns();
		c = loop_clock(0);
		dc = loop_clock(spin(c + n, NO_BREAK)) - c;
		dt = now_ns() - t;
		if (dt < 100 * NSEC_PER_MSEC && n <= ULLONG_MAX / 16) {
			n *= 4;
			continue;
		}
		rate = dc * NSEC_PER_SEC / (dt ? dt : 1);
		if (rate > best)
			best = rate;
		runs++;
	}
	return best;
}

/*
 * Prints the notify lines of the status file and returns the three
 * counters (syscall, exception, interrupt).
 */
static void report_status(unsigned long long breaks[3])
{
	static const char * const keys[] = {
		"breaks_syscall:", "breaks_exception:", "breaks_interrupt:",
	};
	char line[256];
	int found = 0;
	FILE *f;
	int i;

	f = fopen(STATUS_FILE, "r");
	if (!f)
		err(1, "cannot open %s", STATUS_FILE);
	printf("%s:\n", STATUS_FILE);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "notify_", 7) && strncmp(line, "breaks_", 7) &&
		    strncmp(line, "last_break", 10))
			continue;
		printf("  %s", line);
		for (i = 0; i < 3; i++) {
			if (!strncmp(line, keys[i], strlen(keys[i]))) {
				breaks[i] = strtoull(line + strlen(keys[i]),
						     NULL, 10);
				found |= 1 << i;
			}
		}
	}
	fclose(f);
	if (found != 7)
		errx(1, "%s has no breaks_* lines", STATUS_FILE);
}

/* Where to look for the cause of the breaks. */
static void print_trace_hint(void)
{
	printf("task_isol_notify: to find what caused each break, run it under\n");
	printf("  trace-cmd record -e task_isolation:isol_break -e ipi:ipi_send_cpu \\\n");
	printf("    -e ipi:ipi_send_cpumask -e csd:csd_queue_cpu -e exceptions:page_fault_user\n");
	printf("and read trace-cmd report: isol_break gives the class, the CPU, the\n");
	printf("syscall number or fault address and the interrupt handler; the ipi\n");
	printf("and csd events name the CPU and the function that sent an interrupt.\n");
}

int main(int argc, char **argv)
{
	struct task_isol_quiesce_control qc = { 0 };
	struct task_isol_notify_control nc = { 0 };
	unsigned long long breaks[3] = { 0 }, total, start, elapsed;
	unsigned long long rate, until, break_at = NO_BREAK;
	unsigned long iterations;
	long cpu = -1, seconds = 1;
	int opt, deliberate = 0, got, i;
	__u64 features;
	cpu_set_t set;

	while ((opt = getopt(argc, argv, "b")) != -1) {
		if (opt != 'b')
			errx(2, "usage: %s [-b] [CPU [SECONDS]]", argv[0]);
		deliberate = 1;
	}
	if (argc - optind > 2)
		errx(2, "usage: %s [-b] [CPU [SECONDS]]", argv[0]);
	if (argc - optind > 0)
		cpu = parse_long(argv[optind], "CPU", 0, CPU_SETSIZE - 1);
	if (argc - optind > 1)
		seconds = parse_long(argv[optind + 1], "SECONDS", 1, 3600);

	if (prctl(PR_ISOL_FEAT_GET, 0, &features, 0, 0))
		err(1, "PR_ISOL_FEAT_GET (kernel without CONFIG_TASK_ISOLATION?)");
	if (!(features & ISOL_F_NOTIFY)) {
		printf("task_isol_notify: kernel without ISOL_F_NOTIFY (features 0x%llx)\n",
		       (unsigned long long)features);
		return EXIT_NO_NOTIFY;
	}
	if (!(features & ISOL_F_QUIESCE))
		errx(1, "ISOL_F_QUIESCE not supported (features 0x%llx)",
		     (unsigned long long)features);
	qc.quiesce_mask = quiesce_bits();
	nc.event_mask = notify_events();
	nc.signo = SIGUSR1;

	if (cpu < 0) {
		cpu = first_isolated_cpu();
		if (cpu < 0) {
			cpu = sched_getcpu();
			if (cpu < 0)
				err(1, "sched_getcpu");
			warnx("no isolated CPU: on CPU %ld, ticks are breaks",
			      cpu);
		}
	}
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		err(1, "cannot run on CPU %ld", cpu);

	install_handler();
	prefault_memory();
	if (deliberate) {
		/* After mlockall(MCL_CURRENT): this page stays untouched. */
		fresh_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (fresh_page == MAP_FAILED)
			err(1, "mmap");
	}
	rate = calibrate();

	if (prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, ISOL_F_QUIESCE, &qc, 0))
		err(1, "PR_ISOL_CFG_SET(I_CFG_FEAT, ISOL_F_QUIESCE)");
	if (prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, ISOL_F_NOTIFY, &nc, 0))
		err(1, "PR_ISOL_CFG_SET(I_CFG_FEAT, ISOL_F_NOTIFY)");

	/* Breaks count from this call's return on. */
	start = now_ns();
	set_active(ISOL_F_QUIESCE | ISOL_F_NOTIFY);
	until = loop_clock(0) + seconds * rate;
	if (deliberate)
		break_at = until - seconds * rate / 2;
	iterations = spin(until, break_at);
	set_active(0);	/* the PR_ISOL_* prctls are no breaks */
	elapsed = now_ns() - start;

	/* Isolation is over: printing is fine from here on. */
	got = atomic_load(&nsignals);
	printf("task_isol_notify: cpu %ld, quiesce_mask 0x%llx, event_mask 0x%llx, signal %d\n",
	       cpu, (unsigned long long)qc.quiesce_mask,
	       (unsigned long long)nc.event_mask, nc.signo);
	printf("task_isol_notify: %lu iterations in %llu ms\n", iterations,
	       elapsed / NSEC_PER_MSEC);
	if (deliberate)
		printf("task_isol_notify: broke isolation at iteration %lu\n",
		       broke_at);
	for (i = 0; i < got && i < MAX_RECORDS; i++)
		printf("signal %d: si_code=%d%s at iteration %lu\n", i + 1,
		       records[i].si_code,
		       records[i].si_code == SI_KERNEL ? " (SI_KERNEL)" : "",
		       records[i].iteration);
	if (got > MAX_RECORDS)
		printf("(%d more signals, not recorded)\n", got - MAX_RECORDS);

	report_status(breaks);
	total = breaks[0] + breaks[1] + breaks[2];
	/* Breaks while the handler ran (SIGUSR1 blocked) share one signal. */
	if (total > (unsigned long long)got)
		printf("task_isol_notify: %llu breaks, %d signals\n", total, got);
	if (total)
		print_trace_hint();
	if (deliberate &&
	    (((nc.event_mask & ISOL_NOTIFY_SYSCALL) && !breaks[0]) ||
	     ((nc.event_mask & ISOL_NOTIFY_EXCEPTION) && !breaks[1])))
		errx(1,
		     "the deliberate break was not reported (breaks_syscall %llu, breaks_exception %llu)",
		     breaks[0], breaks[1]);

	printf("task_isol_notify: ok cpu=%ld seconds=%ld iterations=%lu signals=%d",
	       cpu, seconds, iterations, got);
	printf(" breaks_syscall=%llu breaks_exception=%llu breaks_interrupt=%llu\n",
	       breaks[0], breaks[1], breaks[2]);
	return 0;
}
