/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Leak checks for the task isolation selftests: slab object counts and
 * kmemleak.
 *
 * The per-task state is one slab object, but which cache it lands in
 * depends on the kernel: its size, and its GFP_KERNEL_ACCOUNT, which puts
 * it in kmalloc-cg-<size> on kernels with CONFIG_MEMCG and in
 * kmalloc-<size> without. So the cache is found at run time, by growing
 * the number of live states by a known amount (leak_find_state_cache()),
 * and every leak check counts that cache.
 */
#ifndef ISOL_LEAK_H
#define ISOL_LEAK_H

#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "isol_common.h"

#define KMEMLEAK	"/sys/kernel/debug/kmemleak"

/* Active objects of a slab cache from /proc/slabinfo, or -1. */
static inline long leak_slab_objects(const char *cache)
{
	char line[512], name[64];
	long active, v = -1;
	FILE *f = fopen("/proc/slabinfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld", name, &active) == 2 && !strcmp(name, cache))
			v = active;
	fclose(f);
	return v;
}

/*
 * Gives freed objects back: empties the cache's per-CPU slabs and, with
 * KASAN, its quarantine, where freed objects otherwise stay "active".
 */
static inline void leak_slab_shrink(const char *cache)
{
	char path[320];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", cache);
	f = fopen(path, "w");
	if (f) {
		fputs("1", f);
		fclose(f);
	}
}

/* Active objects once RCU-deferred task frees have settled. */
static inline long leak_settled_objects(const char *cache)
{
	long prev = -2, cur;
	int i;

	leak_slab_shrink(cache);
	cur = leak_slab_objects(cache);
	for (i = 0; i < 40 && cur != prev; i++) {
		usleep(250 * 1000);
		prev = cur;
		leak_slab_shrink(cache);
		cur = leak_slab_objects(cache);
	}
	return cur;
}

/* ---- Finding the cache of the per-task state ---- */

#define LEAK_MAX_CACHES	512
#define LEAK_STATES	128	/* live states the search creates */

struct leak_slabs {
	int n;
	char name[LEAK_MAX_CACHES][64];
	long active[LEAK_MAX_CACHES];
};

/* Every cache's active objects from /proc/slabinfo; 0 or -1. */
static inline int leak_slab_snapshot(struct leak_slabs *s)
{
	char line[512];
	FILE *f = fopen("/proc/slabinfo", "r");

	s->n = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f) && s->n < LEAK_MAX_CACHES)
		if (line[0] != '#' &&
		    sscanf(line, "%63s %ld", s->name[s->n], &s->active[s->n]) == 2)
			s->n++;
	fclose(f);
	return s->n ? 0 : -1;
}

/* Flushes every cache's per-CPU slabs, so that "active" means in use. */
static inline void leak_shrink_all(void)
{
	struct dirent *d;
	DIR *dir = opendir("/sys/kernel/slab");

	if (!dir)
		return;
	while ((d = readdir(dir)))
		if (d->d_name[0] != '.' && d->d_type != DT_LNK)
			leak_slab_shrink(d->d_name);
	closedir(dir);
}

static inline long leak_lookup(const struct leak_slabs *s, const char *cache)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->name[i], cache))
			return s->active[i];
	return -1;
}

/* What leak_find_state_cache() found, for the log and the control. */
struct leak_state_cache {
	char name[64];
	int states;		/* live states created */
	long before, during;	/* the cache's active objects around it */
	long plain_growth;	/* kmalloc-32's growth meanwhile (-1: none) */
	char why[160];		/* when not found */
};

/*
 * One round of the search: forks LEAK_STATES children, snapshots every
 * cache into @s0, lets each child make a PR_ISOL_CFG_SET that stores a
 * state (@store) or one that fails with EINVAL before allocating anything
 * (the control), snapshots into @s1 while they all hold what they made,
 * then lets them exit. Returns the number of children, or -1 with @why.
 */
static inline int leak_round(struct leak_slabs *s0, struct leak_slabs *s1,
			     int store, char *why, size_t why_len)
{
	struct task_isol_quiesce_control qc = {
		.quiesce_mask = store ? ISOL_F_QUIESCE_VMSTATS : 1ULL << 63,
	};
	int go[2], ack[2], hold[2], i, n, ret = -1;
	pid_t pids[LEAK_STATES];
	char ch, want = store ? 'k' : 'e';

	if (pipe(go) || pipe(ack) || pipe(hold)) {
		snprintf(why, why_len, "pipe: %s", strerror(errno));
		return -1;
	}
	for (n = 0; n < LEAK_STATES; n++) {
		pids[n] = fork();
		if (pids[n] < 0)
			break;
		if (!pids[n]) {
			close(go[1]);
			close(ack[0]);
			close(hold[1]);
			if (read(go[0], &ch, 1) != 1)
				_exit(1);
			ch = prctl(PR_ISOL_CFG_SET, I_CFG_FEAT, ISOL_F_QUIESCE, &qc, 0) ? 'e' : 'k';
			if (write(ack[1], &ch, 1) != 1)
				_exit(1);
			/* Hold the state until the parent has counted it. */
			while (read(hold[0], &ch, 1) > 0)
				;
			_exit(0);
		}
	}
	close(go[0]);
	close(ack[1]);
	close(hold[0]);
	if (n < LEAK_STATES) {
		snprintf(why, why_len, "fork: %s", strerror(errno));
		goto out;
	}
	leak_shrink_all();
	if (leak_slab_snapshot(s0)) {
		snprintf(why, why_len, "cannot read /proc/slabinfo (needs CONFIG_SLUB_DEBUG)");
		goto out;
	}
	for (i = 0; i < n; i++)
		if (write(go[1], "g", 1) != 1)
			break;
	for (i = 0; i < n; i++)
		if (read(ack[0], &ch, 1) != 1 || ch != want)
			break;
	if (i < n) {
		snprintf(why, why_len, "a child's PR_ISOL_CFG_SET %s",
			 store ? "failed" : "(the control's, with an unknown bit) succeeded");
		goto out;
	}
	leak_shrink_all();
	if (leak_slab_snapshot(s1)) {
		snprintf(why, why_len, "cannot read /proc/slabinfo");
		goto out;
	}
	ret = n;
out:
	close(go[1]);
	close(ack[0]);
	close(hold[1]);		/* the children exit */
	for (i = 0; i < n; i++)
		waitpid(pids[i], NULL, 0);
	return ret;
}

/* How much @cache grew from @s0 to @s1, or LONG_MIN if either lacks it. */
static inline long leak_growth(const struct leak_slabs *s0, const struct leak_slabs *s1,
			       const char *cache)
{
	long b = leak_lookup(s0, cache), a = leak_lookup(s1, cache);

	return b < 0 || a < 0 ? LONG_MIN : a - b;
}

/*
 * Finds the slab cache the per-task state lands in: a round of
 * LEAK_STATES children that each store a state, and a control round of as
 * many children that make the same calls, which fail before allocating
 * (leak_round()); the state's cache is the one whose growth in the first
 * round exceeds its growth in the control by at least 90% of the number
 * of states, closest to it. The control takes out what every fork and
 * pipe costs anyway (vma_lock, anon_vma, ...), which can grow by as much.
 * Call it before the caller configures inheritance. Also the positive
 * control of the leak checks: while the states live, the cache must count
 * them (growth >= LEAK_CONTROL_MIN(states)), which is what a leak of that many states
 * would look like. 0, or -1 with @c->why set.
 */
static inline int leak_find_state_cache(struct leak_state_cache *c)
{
	struct leak_slabs *s0, *s1, *k0, *k1;
	int i, n, best = -1, ret = -1;
	long best_dist = 0, d, k;

	memset(c, 0, sizeof(*c));
	c->plain_growth = -1;
	s0 = malloc(sizeof(*s0));
	s1 = malloc(sizeof(*s1));
	k0 = malloc(sizeof(*k0));
	k1 = malloc(sizeof(*k1));
	if (!s0 || !s1 || !k0 || !k1) {
		snprintf(c->why, sizeof(c->why), "out of memory");
		goto out;
	}
	if (leak_round(k0, k1, 0, c->why, sizeof(c->why)) < 0)
		goto out;
	n = leak_round(s0, s1, 1, c->why, sizeof(c->why));
	if (n < 0)
		goto out;
	for (i = 0; i < s1->n; i++) {
		d = leak_growth(s0, s1, s1->name[i]);
		k = leak_growth(k0, k1, s1->name[i]);
		if (d == LONG_MIN)
			continue;
		if (k != LONG_MIN && k > 0)
			d -= k;
		if (d * 10 < n * 9)
			continue;
		if (best < 0 || labs(d - n) < best_dist) {
			best = i;
			best_dist = labs(d - n);
		}
	}
	c->states = n;
	d = leak_growth(s0, s1, "kmalloc-32");
	if (d != LONG_MIN)
		c->plain_growth = d;
	if (best < 0) {
		snprintf(c->why, sizeof(c->why),
			 "no slab cache grew by %d objects more than in the control while %d tasks held a state",
			 n * 9 / 10, n);
		goto out;
	}
	snprintf(c->name, sizeof(c->name), "%s", s1->name[best]);
	c->before = leak_lookup(s0, c->name);
	c->during = s1->active[best];
	ret = 0;
out:
	free(s0);
	free(s1);
	free(k0);
	free(k1);
	return ret;
}

/*
 * leak_find_state_cache(), tried up to LEAK_FIND_TRIES times until the
 * positive control holds: objects freed meanwhile by others (the tasks
 * of the previous test, whose task_struct and state an RCU callback may
 * still be freeing) can hide a few of the states from one measurement.
 * A kernel that does not allocate the states fails every try.
 */
#define LEAK_FIND_TRIES	3

/*
 * The positive control's threshold: 95% of the live states. kmalloc-64,
 * where the state lands since it grew past 32 bytes, is busy enough that
 * other tasks free an object or two of it during the measurement (seen:
 * +127 for 128 states, three times in a row on 7.2); a kernel that does
 * not allocate the states shows about 0.
 */
#define LEAK_CONTROL_MIN(n)	((n) * 95 / 100)

static inline int leak_find_state_cache_settled(struct leak_state_cache *c)
{
	int i, ret = -1;

	for (i = 0; i < LEAK_FIND_TRIES; i++) {
		if (i)
			usleep(500 * 1000);
		ret = leak_find_state_cache(c);
		if (!ret && c->during - c->before >= c->states)
			break;		/* all of them: no need to retry */
	}
	return ret;
}

/*
 * In a kselftest_harness test: finds the state's cache into @c (struct
 * leak_state_cache *), logs it, and checks the positive control. Skips
 * the test when the kernel has no /proc/slabinfo.
 */
#define LEAK_FIND_STATE_CACHE(c) do {						\
	if (access("/proc/slabinfo", R_OK))					\
		SKIP(return, "no /proc/slabinfo (needs CONFIG_SLUB_DEBUG)");	\
	ASSERT_EQ(0, leak_find_state_cache_settled(c)) {			\
		TH_LOG("finding the slab cache of the per-task state: %s", (c)->why); \
	}									\
	TH_LOG("per-task state cache: %s (%ld -> %ld active objects while %d tasks held a state; kmalloc-32 meanwhile %+ld)", \
	       (c)->name, (c)->before, (c)->during, (c)->states, (c)->plain_growth); \
	EXPECT_GE((c)->during - (c)->before, LEAK_CONTROL_MIN((c)->states)) {	\
		TH_LOG("positive control: %d live states must show as at least %d more objects in %s", \
		       (c)->states, LEAK_CONTROL_MIN((c)->states), (c)->name);	\
	}									\
} while (0)

static inline int leak_kmemleak_available(void)
{
	return access(KMEMLEAK, R_OK | W_OK) == 0;
}

static inline int leak_kmemleak_cmd(const char *cmd)
{
	FILE *f = fopen(KMEMLEAK, "w");
	int ok;

	if (!f)
		return -1;
	ok = fputs(cmd, f) >= 0;
	ok &= fclose(f) == 0;
	return ok ? 0 : -1;
}

#define LEAK_MAX	512

/* The objects kmemleak currently reports. */
struct leak_report {
	int n;
	unsigned long addr[LEAK_MAX];
	char text[4096];	/* the first new reports, for the log */
};

/*
 * Reads kmemleak's report; with @before, keeps only objects not in it and
 * copies their text. Returns the number of objects, or -1.
 */
static inline int leak_kmemleak_read(struct leak_report *r, const struct leak_report *before)
{
	char line[512];
	int copying = 0, i, known;
	size_t len = 0;
	unsigned long a;
	FILE *f;

	memset(r, 0, sizeof(*r));
	f = fopen(KMEMLEAK, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "unreferenced object 0x%lx", &a) == 1) {
			known = 0;
			for (i = 0; before && i < before->n; i++)
				known |= before->addr[i] == a;
			copying = !known;
			if (!known && r->n < LEAK_MAX)
				r->addr[r->n++] = a;
		}
		if (copying && len + strlen(line) + 1 < sizeof(r->text)) {
			memcpy(r->text + len, line, strlen(line) + 1);
			len += strlen(line);
		}
	}
	fclose(f);
	return r->n;
}

/*
 * Scans (slow: tens of seconds on a KASAN kernel under TCG) and reads the
 * report, like leak_kmemleak_read(). When something new is reported, scans
 * once more: the report then only lists objects that stayed unreferenced
 * in both scans, not one whose pointer was in transit during the first.
 */
static inline int leak_kmemleak_scan(struct leak_report *r, const struct leak_report *before)
{
	int n;

	if (leak_kmemleak_cmd("scan"))
		return -1;
	n = leak_kmemleak_read(r, before);
	if (n <= 0 || leak_kmemleak_cmd("scan"))
		return n;
	return leak_kmemleak_read(r, before);
}

#endif /* ISOL_LEAK_H */
