// SPDX-License-Identifier: GPL-2.0
/*
 * Task isolation sample: one-shot quiescing around event handling.
 *
 * Quiescing on every system call costs time on each of them. A program
 * that runs a user-space loop and leaves it only to handle occasional
 * events can instead quiesce once, on the activation call: with the
 * vmstat and LRU bits (those the kernel supports) in
 * quiesce_oneshot_mask, the system calls made while
 * handling an event do not quiesce, and re-activating with the one-shot
 * mask before going back to the loop quiesces once for all of them.
 *
 * The "external event" here comes from a thread that posts EVENTS events,
 * one every INTERVAL_MS milliseconds; the loop polls the counter.
 *
 *   task_isol_oneshot [EVENTS [INTERVAL_MS]]    (default: 3 events, 200 ms)
 *
 * Prints "event N: handled after L loops" per event; last line:
 * "task_isol_oneshot: ok events=N rearmed=N loops=L". Any failure exits
 * non-zero with a message.
 */
#include <err.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <linux/task_isolation.h>

static atomic_long posted;
static long events = 3, interval_ms = 200;
static __u64 quiesce_mask;	/* configured, and quiesced once per activation */

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

/* The outside world: posts an event every interval_ms. */
static void *event_source(void *arg)
{
	struct timespec ts = {
		.tv_sec = interval_ms / 1000,
		.tv_nsec = (interval_ms % 1000) * 1000000L,
	};
	long i;

	for (i = 0; i < events; i++) {
		nanosleep(&ts, NULL);
		atomic_fetch_add(&posted, 1);
	}
	return NULL;
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

/* Activate quiescing, with every configured bit quiesced once on this return. */
static void activate_oneshot(void)
{
	struct task_isol_activate_control ctl = {
		.quiesce_oneshot_mask = quiesce_mask,
	};
	__u64 mask = ISOL_F_QUIESCE;

	if (prctl(PR_ISOL_ACTIVATE_SET, &mask, &ctl, 0, 0))
		err(1, "PR_ISOL_ACTIVATE_SET(ISOL_F_QUIESCE, oneshot 0x%llx)",
		    (unsigned long long)quiesce_mask);
}

int main(int argc, char **argv)
{
	struct task_isol_quiesce_control qc = { 0 };
	unsigned long long loops = 0, since_event = 0;
	long handled = 0, rearmed = 0;
	__u64 active;
	pthread_t thread;
	int ret;

	if (argc > 3)
		errx(2, "usage: %s [EVENTS [INTERVAL_MS]]", argv[0]);
	if (argc > 1)
		events = parse_long(argv[1], "EVENTS", 1, 1000);
	if (argc > 2)
		interval_ms = parse_long(argv[2], "INTERVAL_MS", 1, 60000);

	/* The event source is not isolated: it starts before configuring. */
	ret = pthread_create(&thread, NULL, event_source, NULL);
	if (ret)
		errx(1, "pthread_create: %s", strerror(ret));

	quiesce_mask = quiesce_bits();
	qc.quiesce_mask = quiesce_mask;
	if (prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, ISOL_F_QUIESCE, &qc, 0))
		err(1, "PR_ISOL_CFG_SET(I_CFG_FEAT, ISOL_F_QUIESCE)");
	activate_oneshot();

	while (handled < events) {
		loops++;
		since_event++;
		if (atomic_load(&posted) == handled)
			continue;

		/* Handle the event: system calls, none of them quiesces. */
		handled++;
		printf("event %ld: handled after %llu loops\n", handled,
		       since_event);
		if (fflush(stdout))
			err(1, "stdout");
		since_event = 0;

		/* Back to the loop: quiesce once, on this call's return. */
		activate_oneshot();
		rearmed++;
	}

	if (prctl(PR_ISOL_ACTIVATE_GET, &active, 0, 0, 0))
		err(1, "PR_ISOL_ACTIVATE_GET");
	if (active != ISOL_F_QUIESCE)
		errx(1, "active mask 0x%llx, expected ISOL_F_QUIESCE",
		     (unsigned long long)active);
	active = 0;
	if (prctl(PR_ISOL_ACTIVATE_SET, &active, NULL, 0, 0))
		err(1, "PR_ISOL_ACTIVATE_SET(0)");
	ret = pthread_join(thread, NULL);
	if (ret)
		errx(1, "pthread_join: %s", strerror(ret));

	printf("task_isol_oneshot: ok events=%ld rearmed=%ld loops=%llu\n",
	       handled, rearmed, loops);
	return 0;
}
