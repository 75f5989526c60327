/* SPDX-License-Identifier: MIT */
/*
 * kaff audit: what a state can change, found without looking at every
 * kthread.
 *
 * Audited kthreads fall in classes: the same mask (the context interns
 * masks: at the end of the scenario equal masks are one pointer),
 * preferred CPUs or node, cause and managed. In a state that leaves a
 * kthread's mask alone, its findings depend on the state only through
 * the housekeeping mask and whether a few masks meet the online CPUs
 * (au_watch_masks()); and waking it does something only when its mask
 * meets none (select_fallback_rq()). Those masks are watched: each knows
 * how many of its CPUs are online at the end, and the first of them.
 *
 * Against the end, a state takes CPUs D offline and brings CPUs U
 * online. A watched mask that met the online CPUs meets none only if all
 * its online CPUs are in D: its first one is in D, and it has at most
 * |D| of them. One that met none meets some only if it holds a CPU of U.
 * So a state looks at the watches filed under the CPUs of D with at most
 * |D| online CPUs, and, when U is not empty, at those that met none: at
 * what it moved, not at every kthread.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"

/* A watched mask: a ∩ b (b NULL: a alone). */
struct au_wmask {
	const struct kaff_cpumask *a, *b;
	uint32_t w, first;    /* its CPUs online at the end, and the first */
	uint32_t stamp;       /* 1 + the last state where it flipped */
	uint32_t dep0, ndep;  /* the classes that read it: deps[dep0 ..] */
	uint32_t hnext;
};

struct au_watch {
	struct au_wmask *m;
	uint32_t nr, cap, *bucket, nb;
	uint32_t *deps;
	/* the watches meeting the online CPUs at the end, by their first
	 * online CPU c (by_cpu[by_cpu0[c] .. by_cpu0[c + 1]]), fewest online
	 * CPUs first; the others */
	uint32_t *by_cpu0, *by_cpu;
	uint32_t *none, nr_none;
	/* classes with kthreads to wake whose mask meets no online CPU at the end */
	uint32_t *always, nr_always;
	/* this state's */
	uint32_t *flipped, nr_flipped;
	unsigned int *up;
	struct kaff_cpumask *down, *upm;
};

static uint32_t mix(const void *a, const void *b, uint64_t more)
{
	uint64_t x = (uint64_t)(uintptr_t)a * 0x9e3779b97f4a7c15ull ^ (uint64_t)(uintptr_t)b ^
		     more * 0xc2b2ae3d27d4eb4full;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return (uint32_t)x;
}

static uint32_t pow2_above(uint32_t n)
{
	uint32_t size = 64;

	while (size < n)
		size *= 2;
	return size;
}

/* The kthreads' classes; their kthreads that wake, in audit order. */
static int classes_init(struct audit *au, const struct kaff_ctx *base)
{
	uint32_t nb = pow2_above(2 * au->nr_kts + 2), *bucket = malloc(nb * sizeof(*bucket));
	uint32_t i, c, n = 0;

	au->classes = calloc(au->nr_kts ? au->nr_kts : 1, sizeof(*au->classes));
	au->wakers = malloc((au->nr_kts ? au->nr_kts : 1) * sizeof(*au->wakers));
	if (!bucket || !au->classes || !au->wakers) {
		free(bucket);
		return -ENOMEM;
	}
	for (i = 0; i < nb; i++)
		bucket[i] = AU_NONE;
	for (i = 0; i < au->nr_kts; i++) {
		struct au_kt *k = &au->kts[i];
		struct kaff_kthread_info info;
		struct au_class *cl;
		uint32_t h;

		/* audit.c took them from this context: they are there */
		if (kaff_kthread_get_info(base, k->id, &info)) {
			free(bucket);
			return -ESRCH;
		}
		h = mix(info.cpus, info.preferred, (uint64_t)(info.node + 2) * 16u + k->cause * 2u + k->managed) &
		    (nb - 1);
		for (c = bucket[h]; c != AU_NONE; c = au->classes[c].hnext) {
			cl = &au->classes[c];
			if (cl->cpus == info.cpus && cl->preferred == info.preferred && cl->node == info.node &&
			    cl->cause == k->cause && cl->managed == k->managed)
				break;
		}
		if (c == AU_NONE) {
			c = au->nr_classes++;
			cl = &au->classes[c];
			cl->cpus = info.cpus;
			cl->preferred = info.preferred;
			cl->node = info.node;
			cl->cause = k->cause;
			cl->managed = k->managed;
			cl->hnext = bucket[h];
			cl->wcpus = cl->head = AU_NONE;
			bucket[h] = c;
		}
		k->cls = c;
		au->classes[c].nwake += k->wake;
	}
	free(bucket);
	for (c = 0; c < au->nr_classes; c++) {
		au->classes[c].wake0 = n;
		n += au->classes[c].nwake;
		au->classes[c].nwake = 0;
	}
	for (i = 0; i < au->nr_kts; i++) {
		struct au_class *cl = &au->classes[au->kts[i].cls];

		if (au->kts[i].wake)
			au->wakers[cl->wake0 + cl->nwake++] = i;
	}
	return 0;
}

/* The findings of class @c's kthreads in the state of @ctx, in its
 * cur, stamped @stamp: theirs, as long as the state left their masks
 * alone. */
int au_class_eval(struct audit *au, const struct kaff_ctx *ctx, uint32_t c, uint32_t stamp)
{
	struct au_class *cl = &au->classes[c];
	struct kaff_kthread_info info;

	memset(&info, 0, sizeof(info));
	info.cpus = cl->cpus;
	info.preferred = cl->preferred;
	info.node = cl->node;
	cl->stamp = stamp;
	return au_evaluate(au, ctx, &info, (enum au_cause)cl->cause, cl->managed, &cl->cur);
}

/* The watch on a ∩ b, made once. */
static uint32_t watch_get(struct audit *au, const struct kaff_cpumask *a, const struct kaff_cpumask *b)
{
	struct au_watch *w = au->watch;
	uint32_t h = mix(a, b, 1) & (w->nb - 1), i;
	struct au_wmask *m;

	for (i = w->bucket[h]; i != AU_NONE; i = w->m[i].hnext)
		if (w->m[i].a == a && w->m[i].b == b)
			return i;
	i = w->nr++;
	m = &w->m[i];
	memset(m, 0, sizeof(*m));
	m->a = a;
	m->b = b;
	kaff_cpumask_and(w->down, a, au->end_online);
	if (b)
		kaff_cpumask_and(w->down, w->down, b);
	m->w = kaff_cpumask_weight(w->down);
	m->first = m->w ? kaff_cpumask_first(w->down) : 0;
	m->hnext = w->bucket[h];
	w->bucket[h] = i;
	return i;
}

/* Each class's watches, and for each watch the classes that read it. */
static int watches_init(struct audit *au)
{
	struct au_watch *w = au->watch;
	uint32_t max = AU_WATCH_MAX + 1, nr_pairs = 0, c, i, j, *pairs;

	w->cap = au->nr_classes * max + 1;
	w->nb = pow2_above(2 * w->cap);
	w->m = calloc(w->cap, sizeof(*w->m));
	w->bucket = malloc(w->nb * sizeof(*w->bucket));
	pairs = malloc(2 * w->cap * sizeof(*pairs));
	if (!w->m || !w->bucket || !pairs) {
		free(pairs);
		return -ENOMEM;
	}
	for (i = 0; i < w->nb; i++)
		w->bucket[i] = AU_NONE;
	for (c = 0; c < au->nr_classes; c++) {
		struct au_class *cl = &au->classes[c];
		const struct kaff_cpumask *pm[AU_WATCH_MAX + 1][2], *pref = cl->preferred;
		struct kaff_kthread_info info;
		uint32_t n, first = nr_pairs;

		memset(&info, 0, sizeof(info));
		info.cpus = cl->cpus;
		info.preferred = cl->preferred;
		info.node = cl->node;
		if (!pref && cl->node >= 0 && (unsigned int)cl->node < au->nr_nodes)
			pref = au->node_cpus[cl->node];
		n = au_watch_masks(au, &info, pref, cl->managed, pm);
		if (cl->nwake) {
			pm[n][0] = cl->cpus;
			pm[n++][1] = NULL;
		}
		for (i = 0; i < n; i++) {
			uint32_t m = watch_get(au, pm[i][0], pm[i][1]);

			if (cl->nwake && i == n - 1)
				cl->wcpus = m;
			for (j = first; j < nr_pairs && pairs[2 * j] != m; j++)
				;
			if (j < nr_pairs)
				continue;
			pairs[2 * nr_pairs] = m;
			pairs[2 * nr_pairs++ + 1] = c;
		}
	}
	/* by watch, classes in order */
	w->deps = malloc((nr_pairs + 1) * sizeof(*w->deps));
	if (!w->deps) {
		free(pairs);
		return -ENOMEM;
	}
	for (i = 0; i < nr_pairs; i++)
		w->m[pairs[2 * i]].ndep++;
	for (i = 0, j = 0; i < w->nr; i++) {
		w->m[i].dep0 = j;
		j += w->m[i].ndep;
		w->m[i].ndep = 0;
	}
	for (i = 0; i < nr_pairs; i++) {
		struct au_wmask *m = &w->m[pairs[2 * i]];

		w->deps[m->dep0 + m->ndep++] = pairs[2 * i + 1];
	}
	free(pairs);
	return 0;
}

/* The watches by first online CPU, fewest online CPUs first (a counting
 * sort by that number, then a stable one by CPU); those meeting none. */
static int watches_index(struct audit *au)
{
	struct au_watch *w = au->watch;
	uint32_t *count = calloc(au->cpus + 2, sizeof(*count)), *by_w = malloc((w->nr + 1) * sizeof(*by_w));
	uint32_t i, c;

	w->by_cpu0 = calloc(au->cpus + 2, sizeof(*w->by_cpu0));
	w->by_cpu = malloc((w->nr + 1) * sizeof(*w->by_cpu));
	w->none = malloc((w->nr + 1) * sizeof(*w->none));
	w->always = malloc((au->nr_classes + 1) * sizeof(*w->always));
	w->flipped = malloc((w->nr + 1) * sizeof(*w->flipped));
	w->up = malloc((au->cpus + 1) * sizeof(*w->up));
	au->dirty = malloc((au->nr_classes + 1) * sizeof(*au->dirty));
	au->cand = malloc((2 * au->nr_kts + 1) * sizeof(*au->cand));
	if (!count || !by_w || !w->by_cpu0 || !w->by_cpu || !w->none || !w->always || !w->flipped ||
	    !w->up || !au->dirty || !au->cand) {
		free(count);
		free(by_w);
		return -ENOMEM;
	}
	for (i = 0; i < w->nr; i++)
		count[w->m[i].w]++;
	for (c = 0, i = 0; c <= au->cpus; c++) {
		uint32_t n = count[c];

		count[c] = i;
		i += n;
	}
	for (i = 0; i < w->nr; i++)
		by_w[count[w->m[i].w]++] = i;
	for (i = 0; i < w->nr; i++)
		if (w->m[i].w)
			w->by_cpu0[w->m[i].first + 1]++;
		else
			w->none[w->nr_none++] = i;
	for (c = 0; c < au->cpus; c++)
		w->by_cpu0[c + 1] += w->by_cpu0[c];
	memset(count, 0, (au->cpus + 2) * sizeof(*count));
	for (i = 0; i < w->nr; i++) {
		const struct au_wmask *m = &w->m[by_w[i]];

		if (m->w)
			w->by_cpu[w->by_cpu0[m->first] + count[m->first]++] = by_w[i];
	}
	for (c = 0; c < au->nr_classes; c++)
		if (au->classes[c].wcpus != AU_NONE && !w->m[au->classes[c].wcpus].w)
			w->always[w->nr_always++] = c;
	free(count);
	free(by_w);
	return 0;
}

/* Classes, their findings at the end of the scenario (the context
 * @base), and the watches. */
int au_watch_init(struct audit *au, const struct kaff_ctx *base)
{
	struct au_watch *w;
	uint32_t c;
	int ret;

	w = au->watch = calloc(1, sizeof(*au->watch));
	if (!w)
		return -ENOMEM;
	w->down = kaff_cpumask_alloc(au->cpus);
	w->upm = kaff_cpumask_alloc(au->cpus);
	if (!w->down || !w->upm)
		return -ENOMEM;
	ret = classes_init(au, base);
	for (c = 0; !ret && c < au->nr_classes; c++) {
		ret = au_class_eval(au, base, c, 0);
		au->classes[c].base = au->classes[c].cur;
	}
	if (!ret)
		ret = watches_init(au);
	if (!ret)
		ret = watches_index(au);
	return ret;
}

static bool meets(const struct au_wmask *m, const struct kaff_cpumask *online)
{
	size_t n = KAFF_BITS_TO_LONGS(online->nbits), i;

	if (!m->b)
		return kaff_cpumask_intersects(m->a, online);
	for (i = 0; i < n; i++)
		if (m->a->bits[i] & m->b->bits[i] & online->bits[i])
			return true;
	return false;
}

static void flip(struct au_watch *w, uint32_t i, uint32_t stamp)
{
	w->m[i].stamp = stamp;
	w->flipped[w->nr_flipped++] = i;
}

static void wakers_add(struct audit *au, const struct au_class *cl)
{
	uint32_t i;

	for (i = 0; i < cl->nwake; i++)
		au->cand[au->nr_cand++] = au->wakers[cl->wake0 + i];
}

/*
 * The state of @ctx (stamped @stamp), after its hotplug: the watches
 * that flipped; in au->dirty the classes that read one (stamped: their
 * findings to evaluate again); in au->cand the kthreads, by class, whose
 * mask meets no online CPU (unsorted: each at most once).
 */
void au_watch_state(struct audit *au, const struct kaff_ctx *ctx, uint32_t stamp)
{
	const struct kaff_cpumask *online = kaff_machine_online_mask(ctx);
	struct au_watch *w = au->watch;
	unsigned int cpu, nd, nu = 0;
	uint32_t i, j;

	w->nr_flipped = 0;
	au->nr_dirty = au->nr_cand = 0;
	kaff_cpumask_andnot(w->down, au->end_online, online);
	kaff_cpumask_andnot(w->upm, online, au->end_online);
	nd = kaff_cpumask_weight(w->down);
	kaff_for_each_cpu(cpu, w->down)
		for (j = w->by_cpu0[cpu]; j < w->by_cpu0[cpu + 1] && w->m[w->by_cpu[j]].w <= nd; j++)
			if (!meets(&w->m[w->by_cpu[j]], online))
				flip(w, w->by_cpu[j], stamp);
	kaff_for_each_cpu(cpu, w->upm)
		w->up[nu++] = cpu;
	for (i = 0; nu && i < w->nr_none; i++) {
		const struct au_wmask *m = &w->m[w->none[i]];

		for (j = 0; j < nu; j++)
			if (kaff_cpumask_test_cpu(w->up[j], m->a) &&
			    (!m->b || kaff_cpumask_test_cpu(w->up[j], m->b))) {
				flip(w, w->none[i], stamp);
				break;
			}
	}
	for (i = 0; i < w->nr_flipped; i++) {
		const struct au_wmask *m = &w->m[w->flipped[i]];

		for (j = 0; j < m->ndep; j++) {
			struct au_class *cl = &au->classes[w->deps[m->dep0 + j]];

			if (cl->stamp != stamp) {
				cl->stamp = stamp;
				au->dirty[au->nr_dirty++] = w->deps[m->dep0 + j];
			}
			/* its mask met online CPUs at the end, and now none */
			if (m->w && cl->wcpus == w->flipped[i])
				wakers_add(au, cl);
		}
	}
	/* those that met none at the end, and still do */
	for (i = 0; i < w->nr_always; i++) {
		const struct au_class *cl = &au->classes[w->always[i]];

		if (w->m[cl->wcpus].stamp != stamp)
			wakers_add(au, cl);
	}
}

void au_watch_free(struct audit *au)
{
	struct au_watch *w = au->watch;

	free(au->classes);
	free(au->wakers);
	free(au->dirty);
	free(au->cand);
	if (!w)
		return;
	free(w->m);
	free(w->bucket);
	free(w->deps);
	free(w->by_cpu0);
	free(w->by_cpu);
	free(w->none);
	free(w->always);
	free(w->flipped);
	free(w->up);
	kaff_cpumask_free(w->down);
	kaff_cpumask_free(w->upm);
	free(w);
}
