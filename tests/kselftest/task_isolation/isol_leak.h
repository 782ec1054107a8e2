/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Leak checks for the task isolation selftests: slab object counts (the
 * per-task state is one kmalloc-32 object) and kmemleak.
 */
#ifndef ISOL_LEAK_H
#define ISOL_LEAK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	char path[128];
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
