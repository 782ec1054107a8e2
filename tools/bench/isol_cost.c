// SPDX-License-Identifier: GPL-2.0
/*
 * What task isolation costs a system call or a page fault, measured on one
 * CPU.
 *
 *   isol_cost CPU REPS GETPID_ITERS DIRTY_ITERS FORK_ITERS FAULT_ITERS [FIRST_REP]
 *
 * Repetitions are numbered from FIRST_REP (default 1); the proof lines are
 * printed only by the call that starts at repetition 1.
 *
 * Cases, each run in a fresh child pinned to CPU so that no state leaks
 * from one to the next, repetition by repetition (interleaved):
 *
 *   getpid/plain    raw syscall(SYS_getpid), the task does not use isolation
 *   getpid/quiesce  the same with vmstat quiescing active: every return to
 *                   user space runs the hook, with nothing to fold
 *   getpid/both     the same with both quiesce bits active (vmstat_sync and
 *                   lru_drain, quiesce_mask 0x3): nothing to fold, nothing
 *                   to drain
 *   dirty/plain     mmap(MAP_POPULATE) of one page + munmap: each of the two
 *                   syscalls changes nr_anon_pages (a per-CPU differential)
 *   dirty/quiesce   the same with quiescing active: every return folds
 *   fork/plain      fork() + _exit() in the child + waitpid()
 *   fork/inherit    the same with ISOL_INHERIT_CONF|ISOL_INHERIT_ACTIVE and
 *                   quiescing active: the child inherits the active state
 *   fault/plain     madvise(MADV_DONTNEED) of one page, then a write to it:
 *                   one syscall and one page fault that puts a fresh folio
 *                   into this CPU's lru_add batch (which the kernel
 *                   drains by itself when it holds 31 folios)
 *   fault/quiesce   the same with vmstat quiescing active (each return
 *                   folds the counters the zap and the fault changed)
 *   fault/both      the same with both bits active: the return from each
 *                   fault also drains the batch, which holds that folio
 *
 * Notification (ISOL_F_NOTIFY, signo 0: count and trace only), getpid and
 * fault loops; these cases run after the others of their kind (see
 * KEY_OFF_WAIT_US):
 *
 *   getpid/keyon, fault/keyon
 *                   the plain loop while ANOTHER task (a sibling on CPU 0,
 *                   or CPU 2 when measuring CPU 0, in pause()) has
 *                   notification of exceptions and interrupts active: the
 *                   static key task_isol_notify_key is on, the measured
 *                   task does not use isolation (what a non-user pays)
 *   getpid/notify-idle   the task itself notifies exceptions and
 *                   interrupts, which a getpid loop does not cause (key
 *                   on, no syscall work bit)
 *   fault/notify-idle    the task notifies interrupts only: its page
 *                   faults pass the hooks but are no breaks
 *   getpid/notify-break  the task notifies syscalls: every getpid() is a
 *                   break (counted, tracepoint disabled)
 *   fault/notify-break   the task notifies exceptions: every page fault is
 *                   a break (the madvise() is not)
 * The notify-* lines also give breaks=S,E,I: how the task's syscall,
 * exception and interrupt break counters moved over the timed loop (plus
 * the three syscalls that read them).
 *
 * Figures are ns per operation: per getpid(), per syscall of the dirtying
 * pair, per fork+exit+wait, per madvise+fault iteration.
 *
 * The "proof" lines show that the dirtying syscalls leave a differential:
 * after each of them /proc/vmstat's nr_anon_pages moves by exactly one page
 * when quiescing is active (the differential was folded on return to user
 * space), and does not move without quiescing (it stays per-CPU).
 *
 * On a kernel without task isolation the quiesce/both/inherit cases print
 * "skipped=EINVAL"; on one without lru_drain, the both cases do; on one
 * without ISOL_F_NOTIFY, the keyon and notify-* cases do.
 */
#include "bench.h"

enum kind { GETPID, DIRTY, FORK, FAULT, NKINDS };
static const char *const kind_name[] = { "getpid", "dirty", "fork", "fault" };

enum mode { NONE, PLAIN, QUIESCE, BOTH, INHERIT, KEYON, NOTIFY_IDLE, NOTIFY_BREAK };
static const char *const mode_name[] = {
	"none", "plain", "quiesce", "both", "inherit", "keyon", "notify-idle", "notify-break" };

/* The modes of each kind (NONE: no third one). */
static const enum mode modes[NKINDS][3] = {
	[GETPID] = { PLAIN, QUIESCE, BOTH },
	[DIRTY] = { PLAIN, QUIESCE, NONE },
	[FORK] = { PLAIN, INHERIT, NONE },
	[FAULT] = { PLAIN, QUIESCE, BOTH },
};

/*
 * The notification modes of each kind (all three or none). They turn
 * task_isol_notify_key on, and the kernel turns it off only a second
 * after the last task stops notifying (a deferred static key): they run
 * after the kind's other modes, followed by a pause of KEY_OFF_WAIT_US,
 * so that no other case runs with the key on.
 */
static const enum mode notify_modes[NKINDS][3] = {
	[GETPID] = { KEYON, NOTIFY_IDLE, NOTIFY_BREAK },
	[FAULT] = { KEYON, NOTIFY_IDLE, NOTIFY_BREAK },
};
#define KEY_OFF_WAIT_US	1500000

/* The events each notify-* mode of a kind notifies. */
static const __u64 notify_events[NKINDS][2] = {
	/* [0] notify-idle: what the loop does not cause; [1] notify-break */
	[GETPID] = { ISOL_NOTIFY_EXCEPTION | ISOL_NOTIFY_INTERRUPT, ISOL_NOTIFY_SYSCALL },
	[FAULT] = { ISOL_NOTIFY_INTERRUPT, ISOL_NOTIFY_EXCEPTION },
};

/* What the sibling of the keyon cases notifies. */
#define KEYON_EVENTS	(ISOL_NOTIFY_EXCEPTION | ISOL_NOTIFY_INTERRUPT)

/*
 * The measured CPU, and the CPU of this process and of the keyon sibling:
 * 0, or 2 when measuring CPU 0. Every case's child is forked there and
 * then moves to the measured CPU, so that the forks' allocations, the
 * sibling's included, never land in the measured CPU's per-CPU page lists,
 * whose state the page-fault loop's cost depends on (by a few percent).
 */
static int cpu, home;
static volatile char *fault_page;

/*
 * ns per operation (per syscall for DIRTY, per fork+exit+wait for FORK,
 * per madvise+fault for FAULT).
 */
static double run_loop(enum kind k, long iters)
{
	double t0 = now(), t;
	long i;

	for (i = 0; i < iters; i++) {
		switch (k) {
		case GETPID:
			syscall(SYS_getpid);
			break;
		case DIRTY:
			if (dirty_one_page())
				return -1;
			break;
		case FAULT:
			if (fault_fresh_page(fault_page))
				return -1;
			break;
		case FORK: {
			pid_t pid = fork();

			if (pid < 0)
				return -1;
			if (!pid)
				_exit(0);
			if (waitpid(pid, NULL, 0) != pid)
				return -1;
			break;
		}
		default:
			return -1;
		}
	}
	t = now() - t0;
	return t * 1e9 / iters / (k == DIRTY ? 2 : 1);
}

/*
 * The sibling of the keyon cases: a process pinned to another CPU than
 * the measured one, with notification of exceptions and interrupts active,
 * asleep in pause() until it is killed. Returns its pid once it is active,
 * or -errno (it has then exited). Forked by this process on its own CPU,
 * not by the case's child on the measured one: after such a fork, the
 * fault loop on the nohz_full CPU 1 ran about 190 instructions cheaper per
 * iteration, key on or not (see home).
 */
static pid_t keyon_sibling(void)
{
	int fds[2], rc = -EIO;
	pid_t pid;

	if (pipe(fds))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		close(fds[0]);
		rc = pin_to_cpu(home) ? -errno : isol_notify_on(KEYON_EVENTS, 0);
		if (write(fds[1], &rc, sizeof(rc)) != sizeof(rc) || rc)
			_exit(0);
		close(fds[1]);
		for (;;)
			pause();
	}
	close(fds[1]);
	if (read(fds[0], &rc, sizeof(rc)) != sizeof(rc))
		rc = -EIO;
	close(fds[0]);
	if (rc) {
		waitpid(pid, NULL, 0);
		return rc;
	}
	return pid;
}

/* Exit status of a case's child that was skipped (not a failure). */
#define SKIPPED	10

/* Runs one case in a fresh child; 1 if it ran, 0 if it was skipped. */
static int one_case(enum kind k, enum mode m, int rep, long iters)
{
	pid_t pid, sibling = 0;
	int st;

	fflush(stdout);
	if (m == KEYON && (sibling = keyon_sibling()) < 0) {
		printf("BENCH cost cpu=%d case=%s mode=%s rep=%d skipped=%s\n",
		       cpu, kind_name[k], mode_name[m], rep, errname(sibling));
		return 0;
	}
	pid = fork();
	if (pid < 0) {
		perror("fork");
		if (sibling > 0)
			kill(sibling, SIGKILL);
		exit(1);
	}
	if (!pid) {
		long long b0[3], b1[3];
		char breaks[80] = "";
		double ns;
		int rc = 0;

		if (pin_to_cpu(cpu)) {
			perror("sched_setaffinity");
			_exit(1);
		}
		fault_page = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (fault_page == MAP_FAILED) {
			perror("mmap");
			_exit(1);
		}
		/* Never part of a huge page, whatever merges with it. */
		madvise((void *)fault_page, page_size, MADV_NOHUGEPAGE);
		if (m == QUIESCE)
			rc = isol_quiesce_on(0);
		else if (m == BOTH)
			rc = isol_quiesce_mask_on(ISOL_F_QUIESCE_VMSTATS | ISOL_F_QUIESCE_LRU, 0);
		else if (m == INHERIT)
			rc = isol_quiesce_on(ISOL_INHERIT_CONF | ISOL_INHERIT_ACTIVE);
		else if (m == NOTIFY_IDLE || m == NOTIFY_BREAK)
			rc = isol_notify_on(notify_events[k][m == NOTIFY_BREAK], 0);
		if (rc) {
			printf("BENCH cost cpu=%d case=%s mode=%s rep=%d skipped=%s\n",
			       cpu, kind_name[k], mode_name[m], rep, errname(rc));
			_exit(SKIPPED);
		}
		run_loop(k, iters / 10 + 1);	/* warm up */
		if (m == NOTIFY_IDLE || m == NOTIFY_BREAK)
			isol_breaks(b0);
		ns = run_loop(k, iters);
		if (m == NOTIFY_IDLE || m == NOTIFY_BREAK) {
			isol_breaks(b1);
			snprintf(breaks, sizeof(breaks), " breaks=%lld,%lld,%lld",
				 b1[0] - b0[0], b1[1] - b0[1], b1[2] - b0[2]);
		}
		if (ns < 0) {
			perror(kind_name[k]);
			_exit(1);
		}
		printf("BENCH cost cpu=%d case=%s mode=%s rep=%d iters=%ld ns=%.2f%s\n",
		       cpu, kind_name[k], mode_name[m], rep, iters, ns, breaks);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) != pid)
		st = -1;
	if (sibling > 0) {
		kill(sibling, SIGKILL);
		waitpid(sibling, NULL, 0);
	}
	if (st == -1 || !WIFEXITED(st) || (WEXITSTATUS(st) && WEXITSTATUS(st) != SKIPPED)) {
		fprintf(stderr, "isol_cost: case %s/%s failed\n", kind_name[k], mode_name[m]);
		exit(1);
	}
	return WEXITSTATUS(st) == 0;
}

/* One line per (mmap, munmap) pair: how nr_anon_pages moved after each. */
static void proof(int isol)
{
	const char *mode = isol ? "quiesce" : "plain";
	long v0, v1, v2;
	int i, rc;
	void *p;

	if (isol && (rc = isol_quiesce_on(0))) {
		printf("BENCH proof cpu=%d mode=%s skipped=%s\n", cpu, mode, errname(rc));
		return;
	}
	for (i = 0; i < 5; i++) {
		v0 = vmstat_read("nr_anon_pages");
		p = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (p == MAP_FAILED)
			exit(1);
		v1 = vmstat_read("nr_anon_pages");
		munmap(p, page_size);
		v2 = vmstat_read("nr_anon_pages");
		printf("BENCH proof cpu=%d mode=%s counter=nr_anon_pages trial=%d after_mmap=%+ld after_munmap=%+ld\n",
		       cpu, mode, i, v1 - v0, v2 - v1);
	}
}

int main(int argc, char **argv)
{
	long n[NKINDS];
	int reps, rep, k, i, first = 1, nmodes, keyon;
	pid_t pid;

	if (argc != 7 && argc != 8) {
		fprintf(stderr, "usage: %s CPU REPS GETPID_ITERS DIRTY_ITERS FORK_ITERS FAULT_ITERS [FIRST_REP]\n",
			argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	page_size = sysconf(_SC_PAGESIZE);
	cpu = atoi(argv[1]);
	reps = atoi(argv[2]);
	n[GETPID] = atol(argv[3]);
	n[DIRTY] = atol(argv[4]);
	n[FORK] = atol(argv[5]);
	n[FAULT] = atol(argv[6]);
	if (argc == 8)
		first = atoi(argv[7]);
	home = cpu == 0 ? 2 : 0;
	pin_to_cpu(home);	/* best effort: a machine may lack that CPU */

	/* The proof, in a child of its own (it may activate quiescing). */
	for (k = 0; first == 1 && k < 2; k++) {
		pid = fork();
		if (!pid) {
			if (pin_to_cpu(cpu))
				_exit(1);
			proof(k);
			_exit(0);
		}
		waitpid(pid, NULL, 0);
	}
	for (rep = first; rep < first + reps; rep++)
		for (k = GETPID; k < NKINDS; k++) {
			if (!n[k])
				continue;
			nmodes = modes[k][2] == NONE ? 2 : 3;
			/* Rotate which mode goes first, against order effects. */
			for (i = 0; i < nmodes; i++)
				one_case(k, modes[k][(i + rep) % nmodes], rep, n[k]);
			if (notify_modes[k][0] == NONE)
				continue;
			for (i = keyon = 0; i < 3; i++)
				keyon |= one_case(k, notify_modes[k][(i + rep) % 3], rep, n[k]);
			/* Let the deferred static key go off before the next case. */
			if (keyon)
				usleep(KEY_OFF_WAIT_US);
		}
	return 0;
}
