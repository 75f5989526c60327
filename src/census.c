/* SPDX-License-Identifier: MIT */
/*
 * The `census` event: every kthread of the context, as the oracle lists
 * the real kernel's (FORMAT.md, "Census"): one line "COMM F P MASK" per
 * kthread, sorted in byte order (LC_ALL=C sort).
 *
 * F is 'n' for PF_NO_SETAFFINITY, P is 'k' for a child of kthreadd and
 * '-' for kthreadd itself. A space sorts below every byte of a name, so
 * sorting by (COMM, F, P, MASK) is sorting the lines.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaff-private.h"
#include "scenario-private.h"

struct census_line {
	const char *name;
	char f, p;
	unsigned int id;
	const struct kaff_cpumask *m;   /* only to break a tie */
	const char *mask;       /* formatted only to break a tie */
};

static int cmp_head(const struct census_line *a, const struct census_line *b)
{
	int c = strcmp(a->name, b->name);

	if (c)
		return c;
	if (a->f != b->f)
		return (unsigned char)a->f < (unsigned char)b->f ? -1 : 1;
	if (a->p != b->p)
		return (unsigned char)a->p < (unsigned char)b->p ? -1 : 1;
	return 0;
}

static int cmp_line(const void *x, const void *y)
{
	const struct census_line *a = x, *b = y;
	int c = cmp_head(a, b);

	if (c || !a->mask || !b->mask)
		return c;
	return strcmp(a->mask, b->mask);
}

/* The mask as the census prints it: "%*pbl", or "-" when empty. */
static void mask_text(const struct kaff_cpumask *m, char *buf, size_t cap)
{
	if (!kaff_cpulist_snprint(buf, cap, m))
		strcpy(buf, "-");
}

static int cmp_ptr(const void *x, const void *y)
{
	uintptr_t a = (uintptr_t)((const struct census_line *)x)->m;
	uintptr_t b = (uintptr_t)((const struct census_line *)y)->m;

	return a < b ? -1 : a > b;
}

/*
 * Lines with the same COMM, F and P are ordered by their masks. Equal
 * masks are one interned mask, so each distinct one is formatted once
 * (a population may hold 100,000 kthreads of one name on one mask);
 * texts[k] holds the text of the run of lines starting at k.
 */
static int break_ties(struct kaff_replay *r, struct census_line *l, size_t n, char **texts)
{
	size_t i, j, k, u;

	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && !cmp_head(&l[i], &l[j]); j++)
			;
		if (j - i < 2)
			continue;
		for (k = i; k < j; k++)
			l[k].m = kaff_kthread_cpus_mask(r->ctx, l[k].id);
		qsort(l + i, j - i, sizeof(*l), cmp_ptr);
		for (k = i; k < j; k = u) {
			size_t len = kaff_cpulist_snprint(NULL, 0, l[k].m);

			texts[k] = kaff__malloc(&r->sc->alloc, len + 2);
			if (!texts[k])
				return -ENOMEM;
			mask_text(l[k].m, texts[k], len + 2);
			for (u = k; u < j && l[u].m == l[k].m; u++)
				l[u].mask = texts[k];
		}
		qsort(l + i, j - i, sizeof(*l), cmp_line);
	}
	return 0;
}

static int emit_census(struct kaff_replay *r, const struct census_line *l, size_t n)
{
	size_t i, len;
	int ret;

	len = (size_t)snprintf(r->buf, r->cap, "census %lu\n", r->censuses + 1);
	ret = r->ops.write_trace ? r->ops.write_trace(r->ops.data, r->buf, len) : 0;
	for (i = 0; i < n && !ret; i++) {
		size_t nl = strlen(l[i].name);

		memcpy(r->buf, l[i].name, nl);
		r->buf[nl++] = ' ';
		r->buf[nl++] = l[i].f;
		r->buf[nl++] = ' ';
		r->buf[nl++] = l[i].p;
		r->buf[nl++] = ' ';
		mask_text(kaff_kthread_cpus_mask(r->ctx, l[i].id), r->buf + nl, r->cap - nl);
		nl += strlen(r->buf + nl);
		r->buf[nl++] = '\n';
		ret = r->ops.write_trace ? r->ops.write_trace(r->ops.data, r->buf, nl) : 0;
	}
	return ret;
}

int kaff__census(struct kaff_replay *r)
{
	const struct kaff_scenario *sc = r->sc;
	const struct kaff_allocator *a = &sc->alloc;
	struct census_line *l;
	char **texts;
	bool kthreadd_named = false;
	size_t n = 0, i;
	uint32_t t;
	int ret = 0;

	l = kaff__malloc(a, ((size_t)sc->nr_tasks + 1) * sizeof(*l));
	texts = kaff__zalloc(a, ((size_t)sc->nr_tasks + 1) * sizeof(*texts));
	if (!l || !texts) {
		kaff__free(a, l);
		kaff__free(a, texts);
		return -ENOMEM;
	}
	/* Every live kthread is a task of the scenario or of its
	 * population, except kthreadd when no population names it. */
	for (t = 0; t < sc->nr_tasks; t++) {
		struct kaff_kthread_info info;

		if (r->ids[t] == KAFF_NONE || kaff_kthread_get_info(r->ctx, r->ids[t], &info))
			continue;
		l[n].name = sc->tasks[t].name;
		l[n].f = (info.flags & KAFF_KTHREAD_NO_SETAFFINITY) ? 'n' : '-';
		l[n].p = (r->ids[t] == KAFF_KTHREADD || sc->tasks[t].orphan) ? '-' : 'k';
		l[n].id = r->ids[t];
		l[n].mask = NULL;
		l[n].m = NULL;
		kthreadd_named |= r->ids[t] == KAFF_KTHREADD;
		n++;
	}
	if (!kthreadd_named) {
		l[n].name = "kthreadd";
		l[n].f = '-';
		l[n].p = '-';
		l[n].id = KAFF_KTHREADD;
		l[n].mask = NULL;
		l[n].m = NULL;
		n++;
	}
	/* The census waits until every self-waking kthread has run: one on
	 * a mask with no online CPU meets the scheduler fallback. Running out
	 * of memory below leaves them woken: in the kernel they run by
	 * themselves, and a second wake changes nothing. */
	for (t = 0; t < sc->nr_boot_kts && !ret; t++)
		if (r->ids[t] != KAFF_NONE && sc->pop_ops->self_waking(sc->pop, &sc->boot_kts[t]))
			ret = kaff_wake_up_process(r->ctx, r->ids[t]);
	if (ret)
		goto out;
	qsort(l, n, sizeof(*l), cmp_line);
	ret = break_ties(r, l, n, texts);
	if (!ret)
		ret = emit_census(r, l, n);
	if (!ret)
		r->censuses++;
out:
	for (i = 0; i < n; i++)
		kaff__free(a, texts[i]);
	kaff__free(a, texts);
	kaff__free(a, l);
	return ret;
}
