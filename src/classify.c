/* SPDX-License-Identifier: MIT */
/*
 * What the kernel made each kthread of a population as
 * (docs/population.md), and how a replay makes it again: from its name,
 * its flags and its mask under the snapshot's own boot line, and, where
 * that is not enough, from what the kernel's sources say of the kthreads
 * it makes (the table below).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaff-private.h"
#include "scenario-private.h"
#include "population-private.h"

#define POP_NONE UINT32_MAX


/* ---- the mask pool: each distinct mask once ------------------------------ */

static size_t pool_words(const struct kaff_population *pop)
{
	return kaff__mask_words(pop->hdr->cpus);
}

static uint32_t mask_hash(const unsigned long *w, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (uint32_t)(w[i] ^ (w[i] >> 31 >> 1))) * 16777619u;
	/* the slots use the low bits, which the products above take from
	 * the low bits alone: mix the high ones down (murmur3's fmix32) */
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	return h ^ (h >> 16);
}

static int pool_rehash(struct kaff_population *pop)
{
	uint32_t cap = pop->nr_slots ? pop->nr_slots * 2 : 64, i;
	size_t words = pool_words(pop);
	uint32_t *s = kaff__zalloc(&pop->alloc, cap * sizeof(*s));

	if (!s)
		return -ENOMEM;
	for (i = 0; i < pop->nr_masks; i++) {
		uint32_t h = mask_hash(pop->pool + i * words, words) & (cap - 1);

		while (s[h])
			h = (h + 1) & (cap - 1);
		s[h] = i + 1;
	}
	kaff__free(&pop->alloc, pop->slots);
	pop->slots = s;
	pop->nr_slots = cap;
	return 0;
}

uint32_t kaff__population_mask_add(struct kaff_population *pop, const struct kaff_cpumask *m)
{
	size_t words = pool_words(pop);
	uint32_t h, i;

	if ((pop->nr_masks + 1) * 2 > pop->nr_slots && pool_rehash(pop))
		return POP_NONE;
	for (h = mask_hash(m->bits, words) & (pop->nr_slots - 1); pop->slots[h];
	     h = (h + 1) & (pop->nr_slots - 1)) {
		i = pop->slots[h] - 1;
		if (!memcmp(pop->pool + i * words, m->bits, words * sizeof(unsigned long)))
			return i;
	}
	if (pop->nr_masks == pop->cap_masks) {
		uint32_t cap = pop->cap_masks ? pop->cap_masks * 2 : 16;
		unsigned long *n = kaff__realloc(&pop->alloc, pop->pool,
						 pop->cap_masks * words * sizeof(unsigned long),
						 cap * words * sizeof(unsigned long));

		if (!n)
			return POP_NONE;
		pop->pool = n;
		pop->cap_masks = cap;
	}
	memcpy(pop->pool + pop->nr_masks * words, m->bits, words * sizeof(unsigned long));
	pop->slots[h] = pop->nr_masks + 1;
	return pop->nr_masks++;
}

struct kaff_cpumask kaff__population_mask(const struct kaff_population *pop, uint32_t i)
{
	struct kaff_cpumask m = KAFF_CPUMASK_INIT(pop->hdr->cpus, pop->pool + i * pool_words(pop));

	return m;
}

/*
 * Kthreads whose class their name gives, in the kernels 6.14 to 7.3
 * (Debian's configurations; the sources cited are v7.3's):
 *
 * - smpboot (per-CPU) threads, smpboot_register_percpu_thread():
 *   "cpuhp/%u" (kernel/cpu.c cpuhp_threads), "ksoftirqd/%u"
 *   (kernel/softirq.c softirq_threads), "migration/%u"
 *   (kernel/stop_machine.c cpu_stop_threads), "idle_inject/%u"
 *   (drivers/powercap/idle_inject.c), "rcuc/%u" (kernel/rcu/tree.c
 *   rcu_cpu_thread_spec, RCU_BOOST without softirq), "ktimers/%u"
 *   (kernel/softirq.c, PREEMPT_RT), "irq_work/%u" (kernel/irq_work.c,
 *   PREEMPT_RT). They are recognised by shape (NAME/CPU, PF_NO_SETAFFINITY,
 *   mask {CPU}), so an smpboot thread missing from this list is found too.
 * - irq threads, setup_irq_thread() in kernel/irq/manage.c: "irq/%d-%s"
 *   and "irq/%d-s-%s".
 * - node kthreads, kthread_create_on_node(.., nid, ..): "kswapd%d"
 *   (mm/vmscan.c kswapd_run()) and "kcompactd%d" (mm/compaction.c
 *   kcompactd_run()). kcompactd also wakes by itself every 500 ms
 *   (HPAGE_FRAG_CHECK_INTERVAL_MSEC).
 * - preferred affinity: "rcu_exp_par_gp_kthread_worker/%d", one per leaf
 *   rcu_node, preferring the leaf's CPUs (kernel/rcu/tree.c
 *   rcu_spawn_exp_par_gp_kworker() -> rcu_thread_affine_rnp()); "rcub/%d"
 *   likewise (kernel/rcu/tree_plugin.h, RCU_BOOST).
 * - housekeeping_affine(current, HK_TYPE_RCU) at their start, after the
 *   kthread rules gave them their mask: the RCU grace-period kthread,
 *   named rcu_state.name, "rcu_preempt" or "rcu_sched" (kernel/rcu/tree.c
 *   rcu_gp_kthread() -> rcu_bind_gp_kthread(), when nohz_full is
 *   running) and the RCU-tasks kthreads "%s_kthread", "rcu_tasks_kthread",
 *   "rcu_tasks_rude_kthread", "rcu_tasks_trace_kthread"
 *   (kernel/rcu/tasks.h rcu_tasks_kthread()). HK_TYPE_RCU is
 *   HK_TYPE_KERNEL_NOISE: nohz_full= or isolcpus=nohz. Under the 6.x rules
 *   that is the mask every default kthread gets anyway; under the 7.x
 *   rules (kthreads on HK_TYPE_DOMAIN) it is not.
 * - offloaded RCU callbacks, kernel/rcu/tree_nocb.h
 *   rcu_spawn_cpu_nocb_kthread(): "rcuog/%d" (one per group of
 *   nr_cpu_ids / int_sqrt(nr_cpu_ids) CPUs, named after its first CPU) and
 *   "rcuo%c/%d" (one per CPU that came online, %c is rcu_state.abbr). They
 *   exist only when rcu_init_nohz() found CPUs to offload: nohz_full= or
 *   isolcpus=nohz (housekeeping_setup() -> tick_nohz_full_setup()). They
 *   are default kthreads (kthread_run()).
 */

static bool prefixed_number(const char *s, const char *prefix, unsigned long max,
			    unsigned long *out)
{
	size_t n = strlen(prefix);
	char *end;

	if (strncmp(s, prefix, n) || s[n] < '0' || s[n] > '9' || (s[n] == '0' && s[n + 1]))
		return false;
	*out = strtoul(s + n, &end, 10);
	return !*end && *out < max;
}

/* "irq/%d-%s" */
static bool irq_name(const char *s)
{
	size_t d;

	if (strncmp(s, "irq/", 4))
		return false;
	d = strspn(s + 4, "0123456789");
	return d && s[4 + d] == '-' && s[5 + d];
}

/* "NAME/CPU": the CPU, or -1 */
static long cpu_suffix(const char *s, unsigned int cpus)
{
	const char *slash = strrchr(s, '/');
	unsigned long v;

	if (!slash || slash == s || !prefixed_number(slash, "/", cpus, &v))
		return -1;
	return (long)v;
}

/* "rcuo%c/%d", "rcuog/%d" */
static bool rcu_nocb_name(const char *s, unsigned int cpus, char *abbr)
{
	unsigned long v;

	if (prefixed_number(s, "rcuog/", cpus, &v))
		return true;
	if (strncmp(s, "rcuo", 4) || s[4] < 'a' || s[4] > 'z' || s[5] != '/' ||
	    !prefixed_number(s + 5, "/", cpus, &v))
		return false;
	*abbr = s[4];
	return true;
}

/*
 * The CPUs of leaf rcu_node @idx (its index in the rcu_node array), as
 * rcu_init_geometry() and rcu_init_one() lay the tree out with
 * CONFIG_RCU_FANOUT_LEAF=16 and RCU_FANOUT=64; false if @idx is no leaf.
 */
static bool rcu_leaf_cpus(unsigned int nr_cpu_ids, unsigned long idx, struct kaff_cpumask *out)
{
	unsigned long cap[3] = { 16, 16 * 64, 16 * 64 * 64 }, cnt[3] = { 0 }, first = 0, spread;
	unsigned int lvls, i, lo, hi;

	for (lvls = 1; lvls < 3 && nr_cpu_ids > cap[lvls - 1]; lvls++)
		;
	for (i = 0; i < lvls; i++)
		cnt[i] = (nr_cpu_ids + cap[lvls - 1 - i] - 1) / cap[lvls - 1 - i];
	for (i = 0; i + 1 < lvls; i++)
		first += cnt[i];
	if (idx < first || idx >= first + cnt[lvls - 1])
		return false;
	/* rcu_init_levelspread(): leaves share the CPUs evenly */
	spread = (nr_cpu_ids + cnt[lvls - 1] - 1) / cnt[lvls - 1];
	lo = (unsigned int)((idx - first) * spread);
	if (lo >= nr_cpu_ids)
		return false;
	hi = (unsigned int)((idx - first + 1) * spread);
	if (hi > nr_cpu_ids)
		hi = nr_cpu_ids;
	kaff_cpumask_clear(out);
	for (i = lo; i < hi; i++)
		kaff_cpumask_set_cpu(i, out);
	return true;
}

static bool rcu_housekeeping_name(const char *s)
{
	size_t n = strlen(s);

	return !strcmp(s, "rcu_preempt") || !strcmp(s, "rcu_sched") ||
	       (!strncmp(s, "rcu_tasks", 9) && n >= 17 && !strcmp(s + n - 8, "_kthread"));
}

/* housekeeping_affine(t, HK_TYPE_RCU) after a default start: @out is
 * the mask, from the default one @dflt. */
static void rcu_housekeeping_mask(const struct kaff_ctx *ctx, const struct kaff_cpumask *dflt,
				  struct kaff_cpumask *out)
{
	const struct kaff_cpumask *hk = kaff_housekeeping_cpumask(ctx, KAFF_HK_TYPE_KERNEL_NOISE);

	/* set_cpus_allowed_ptr() refuses a mask with no online CPU */
	if (kaff_housekeeping_enabled(ctx, KAFF_HK_TYPE_KERNEL_NOISE) &&
	    kaff_cpumask_intersects(hk, kaff_machine_online_mask(ctx)))
		kaff_cpumask_copy(out, hk);
	else
		kaff_cpumask_copy(out, dflt);
}

/* ---- probes: what the model gives a kthread of a class, in the snapshot -- */

/* The mask of a kthread created on @node (with preference @pref) and
 * woken once, in @ctx; 0 or -ENOMEM. */
static int probe(struct kaff_ctx *ctx, int node, const struct kaff_cpumask *pref,
		 struct kaff_cpumask *out)
{
	unsigned int id;
	int ret = kaff_kthread_create_on_node(ctx, node, &id);

	if (ret)
		return ret;
	if (pref)
		ret = kaff_kthread_affine_preferred(ctx, id, pref);
	if (!ret)
		ret = kaff_wake_up_process(ctx, id);
	if (!ret)
		kaff_cpumask_copy(out, kaff_kthread_cpus_mask(ctx, id));
	kaff_kthread_stop(ctx, id);
	return ret;
}

/* A preferred kthread with preference @pref gets @m in the snapshot. */
static int preferred_gives(struct kaff_population *pop, const struct kaff_cpumask *pref,
			   const struct kaff_cpumask *m, struct kaff_cpumask *tmp, bool *yes)
{
	int ret = probe(pop->snap, KAFF_NUMA_NO_NODE, pref, tmp);

	*yes = !ret && kaff_cpumask_equal(tmp, m);
	return ret;
}

static int classify_one(struct kaff_population *pop, struct pop_entry *e,
			const struct kaff_cpumask *dflt, struct kaff_cpumask *tmp,
			struct kaff_cpumask *tmp2)
{
	struct kaff_cpumask m = kaff__population_mask(pop, e->mask);
	unsigned int cpus = pop->hdr->cpus, nodes = kaff_machine_nr_nodes(pop->snap);
	unsigned long v;
	bool yes;
	int ret;
	long c;

	if (!e->k && !strcmp(e->comm, "kthreadd")) {
		e->cls = KAFF_CLASS_KTHREADD;
		return 0;
	}
	if (irq_name(e->comm)) {
		e->cls = KAFF_CLASS_IRQ;
		return 0;
	}
	if (e->n) {
		/* smpboot: {CPU}, or all CPUs when it was made for an offline
		 * CPU (its parking met the scheduler fallback) */
		c = cpu_suffix(e->comm, cpus);
		if (c >= 0 && ((kaff_cpumask_weight(&m) == 1 &&
				kaff_cpumask_test_cpu((unsigned int)c, &m)) ||
			       (!kaff_cpumask_test_cpu((unsigned int)c, kaff_machine_online_mask(pop->snap)) &&
				kaff_cpumask_full(&m)))) {
			e->cls = KAFF_CLASS_PER_CPU;
			e->arg = (int32_t)c;
		} else {
			e->cls = KAFF_CLASS_BOUND;
		}
		return 0;
	}
	if (prefixed_number(e->comm, "kswapd", nodes, &v) ||
	    prefixed_number(e->comm, "kcompactd", nodes, &v)) {
		e->cls = KAFF_CLASS_NODE;
		e->arg = (int32_t)v;
		return 0;
	}
	if (rcu_nocb_name(e->comm, cpus, &pop->rcu_abbr)) {
		e->cls = KAFF_CLASS_RCU_NOCB;
		pop->nocb = true;
		return 0;
	}
	if ((prefixed_number(e->comm, "rcu_exp_par_gp_kthread_worker/", UINT32_MAX, &v) ||
	     prefixed_number(e->comm, "rcub/", UINT32_MAX, &v)) &&
	    rcu_leaf_cpus(cpus, v, tmp2)) {
		ret = preferred_gives(pop, tmp2, &m, tmp, &yes);
		if (ret)
			return ret;
		if (yes) {
			e->cls = KAFF_CLASS_PREFERRED;
			e->pref = kaff__population_mask_add(pop, tmp2);
			return e->pref == POP_NONE ? -ENOMEM : 0;
		}
	}
	if (rcu_housekeeping_name(e->comm)) {
		rcu_housekeeping_mask(pop->snap, dflt, tmp);
		if (kaff_cpumask_equal(&m, tmp)) {
			e->cls = KAFF_CLASS_HOUSEKEEPING;
			return 0;
		}
	}
	if (kaff_cpumask_equal(&m, dflt)) {
		e->cls = KAFF_CLASS_DEFAULT;
		return 0;
	}
	/* Some other mask: a preference is the kernel's way to give one
	 * that CPU hotplug and isolation keep up to date. Its CPUs outside
	 * the kthreads' housekeeping are not seen. */
	if (!kaff_cpumask_empty(&m)) {
		ret = preferred_gives(pop, &m, &m, tmp, &yes);
		if (ret)
			return ret;
		if (yes) {
			e->cls = KAFF_CLASS_PREFERRED;
			e->pref = e->mask;
			return 0;
		}
	}
	e->cls = KAFF_CLASS_PINNED;
	return 0;
}

int kaff__population_classify(struct kaff_population *pop)
{
	struct kaff_cpumask *dflt, *tmp, *tmp2;
	uint32_t i;
	int ret;

	pop->rcu_abbr = 'p';
	dflt = kaff__cpumask_zalloc(&pop->alloc, pop->hdr->cpus);
	tmp = kaff__cpumask_zalloc(&pop->alloc, pop->hdr->cpus);
	tmp2 = kaff__cpumask_zalloc(&pop->alloc, pop->hdr->cpus);
	ret = dflt && tmp && tmp2 ? probe(pop->snap, KAFF_NUMA_NO_NODE, NULL, dflt) : -ENOMEM;
	for (i = 0; i < pop->n && !ret; i++) {
		if (!strcmp(pop->e[i].comm, "rcu_sched"))
			pop->rcu_abbr = 's';
		ret = classify_one(pop, &pop->e[i], dflt, tmp, tmp2);
	}
	kaff__free(&pop->alloc, dflt);
	kaff__free(&pop->alloc, tmp);
	kaff__free(&pop->alloc, tmp2);
	if (ret)
		return ret;
	pop->views = kaff__malloc(&pop->alloc, (pop->nr_masks ? pop->nr_masks : 1) *
					       sizeof(*pop->views));
	if (!pop->views)
		return -ENOMEM;
	for (i = 0; i < pop->nr_masks; i++)
		pop->views[i] = kaff__population_mask(pop, i);
	return 0;
}

/* ---- replaying on a population -------------------------------------------- */

static bool same_nodes(const struct kaff_ctx *a, const struct kaff_ctx *b)
{
	unsigned int i;

	if (kaff_machine_nr_nodes(a) != kaff_machine_nr_nodes(b))
		return false;
	for (i = 0; i < kaff_machine_nr_nodes(a); i++)
		if (!kaff_cpumask_equal(kaff_machine_node_cpus(a, i), kaff_machine_node_cpus(b, i)))
			return false;
	return true;
}

static int check_header(const struct kaff_population *pop, const struct kaff_scenario *sc,
			char *msg, size_t len)
{
	struct kaff_ctx *ctx = NULL;
	int ret;

	if (sc->cpus != pop->hdr->cpus) {
		snprintf(msg, len, "'cpus %u' is not the population's 'cpus %u'", sc->cpus,
			 pop->hdr->cpus);
		return -EINVAL;
	}
	if (strcmp(kaff_profile_name(sc->profile), kaff_profile_name(pop->hdr->profile))) {
		snprintf(msg, len, "'kernel %s' is not the population's 'kernel %s'",
			 kaff_profile_name(sc->profile), kaff_profile_name(pop->hdr->profile));
		return -EINVAL;
	}
	ret = kaff__scenario_boot(sc, sc->profile, NULL, &ctx);
	if (ret == -ENOMEM)
		return ret;
	/* (a header the kernel refuses is reported by the trial boot) */
	if (!ret && !same_nodes(ctx, pop->snap)) {
		snprintf(msg, len, "the 'node' lines are not the population's");
		ret = -EINVAL;
	} else {
		ret = 0;
	}
	kaff_ctx_free(ctx);
	return ret;
}

/* rcu_init_nohz(): callbacks are offloaded when nohz_full= or
 * isolcpus=nohz took effect (tick_nohz_full_setup() with CPUs). */
static bool nocb_enabled(const struct kaff_ctx *ctx)
{
	return kaff_housekeeping_enabled(ctx, KAFF_HK_TYPE_KERNEL_NOISE) &&
	       !kaff_cpumask_full(kaff_housekeeping_cpumask(ctx, KAFF_HK_TYPE_KERNEL_NOISE));
}

/* int_sqrt() */
static unsigned int isqrt(unsigned int n)
{
	unsigned int r = 0;

	while ((r + 1) * (r + 1) <= n)
		r++;
	return r;
}

int kaff__population_plan(const struct kaff_population *pop, const struct kaff_scenario *sc,
			  struct pop_boot_kt **out, uint32_t *nr, char **names, char *msg,
			  size_t len)
{
	const struct kaff_allocator *a = &sc->alloc;
	unsigned int cpus = sc->cpus, ls = cpus / isqrt(cpus), cpu;
	const struct kaff_cpumask *online;
	struct kaff_ctx *ctx = NULL;
	struct pop_boot_kt *b;
	bool nocb, add;
	uint32_t i, n = 0;
	size_t used = 0;
	char *nm = NULL;
	int ret;

	*out = NULL;
	*names = NULL;
	ret = check_header(pop, sc, msg, len);
	if (ret)
		return ret;
	ret = kaff__scenario_boot(sc, sc->profile, NULL, &ctx);
	if (ret)
		return ret;
	nocb = nocb_enabled(ctx);
	online = kaff_machine_online_mask(ctx);
	/* The snapshot's rcuo kthreads stand when both offload; otherwise
	 * the target's boot line decides: made for each CPU online at boot
	 * and each group with one, or none. */
	add = nocb && !pop->nocb;
	b = kaff__malloc(a, ((size_t)pop->n + (add ? 2u * cpus : 0u) + 1) * sizeof(*b));
	if (add)
		nm = kaff__malloc(a, (size_t)cpus * 2 * 16);
	if (!b || (add && !nm)) {
		kaff__free(a, b);
		kaff__free(a, nm);
		kaff_ctx_free(ctx);
		return -ENOMEM;
	}
	for (i = 0; i < pop->n; i++) {
		if (pop->e[i].cls == KAFF_CLASS_RCU_NOCB && !nocb)
			continue;
		b[n].entry = i;
		b[n].name = pop->e[i].comm;
		b[n].orphan = !pop->e[i].k && pop->e[i].cls != KAFF_CLASS_KTHREADD;
		n++;
	}
	for (cpu = 0; add && cpu < cpus; cpu++) {
		if (cpu % ls == 0 && kaff_cpumask_next(cpu - 1, online) < (cpu + ls < cpus ? cpu + ls : cpus)) {
			b[n].entry = POP_NONE;
			b[n].name = nm + used;
			b[n++].orphan = false;
			used += (size_t)sprintf(nm + used, "rcuog/%u", cpu) + 1;
		}
		if (kaff_cpumask_test_cpu(cpu, online)) {
			b[n].entry = POP_NONE;
			b[n].name = nm + used;
			b[n++].orphan = false;
			used += (size_t)sprintf(nm + used, "rcuo%c/%u", pop->rcu_abbr, cpu) + 1;
		}
	}
	kaff_ctx_free(ctx);
	*out = b;
	*nr = n;
	*names = nm;
	return 0;
}

bool kaff__population_same(const struct kaff_population *pop, const struct kaff_ctx *ctx)
{
	unsigned int t;

	if (strcmp(kaff_profile_name(kaff_ctx_profile(ctx)), kaff_profile_name(pop->hdr->profile)) ||
	    !kaff_cpumask_equal(kaff_machine_online_mask(ctx), kaff_machine_online_mask(pop->snap)))
		return false;
	for (t = 0; t < KAFF_HK_TYPE_MAX; t++) {
		bool on = kaff_housekeeping_enabled(ctx, (enum kaff_hk_type)t);

		if (on != kaff_housekeeping_enabled(pop->snap, (enum kaff_hk_type)t))
			return false;
		if (on && !kaff_cpumask_equal(kaff_housekeeping_cpumask(ctx, (enum kaff_hk_type)t),
					      kaff_housekeeping_cpumask(pop->snap, (enum kaff_hk_type)t)))
			return false;
	}
	return true;
}

/* A started kthread with @flags and mask @m, on no list. */
static int made(struct kaff_ctx *ctx, uint32_t flags, const struct kaff_cpumask *m, int cpu,
		unsigned int *id)
{
	struct kaff_imask *im = kaff__imask_get(ctx, m);
	int ret;

	if (!im)
		return -ENOMEM;
	ret = kaff__task_new(ctx, cpu >= 0 ? ctx->cpu_node[cpu] : KAFF_NUMA_NO_NODE, cpu,
			     KAFF_KTHREAD_STARTED | flags, im, NULL, id);
	kaff__imask_put(ctx, im);
	return ret;
}

/* Its snapshot mask, whatever the model gave it (the kernel had its
 * reasons: a user's taskset, a fallback, a rule libkaff does not know). */
static int force_mask(struct kaff_ctx *ctx, unsigned int id, const struct kaff_cpumask *m)
{
	struct kaff_kthread *k = &ctx->kt[id];
	struct kaff_imask *im;
	int ret;

	if (kaff_cpumask_equal(&kaff__kt_cpus(k)->mask, m))
		return 0;
	im = kaff__imask_get(ctx, m);
	if (!im)
		return -ENOMEM;
	ret = kaff__task_set(ctx, k, im, NULL, k->flags);
	kaff__imask_put(ctx, im);
	kaff__groups_settle(ctx);
	return ret;
}

int kaff__population_create(const struct kaff_population *pop, struct kaff_ctx *ctx,
			    const struct pop_boot_kt *b, bool same, unsigned int *id)
{
	const struct pop_entry *e = b->entry != POP_NONE ? &pop->e[b->entry] : NULL;
	const struct kaff_cpumask *m = e ? &pop->views[e->mask] : NULL;
	uint32_t n = e && e->n ? KAFF_KTHREAD_NO_SETAFFINITY : 0;
	int cls = e ? e->cls : KAFF_CLASS_RCU_NOCB, node = KAFF_NUMA_NO_NODE, ret;

	switch (cls) {
	case KAFF_CLASS_KTHREADD:
		*id = KAFF_KTHREADD;
		return same ? force_mask(ctx, *id, m) : 0;
	case KAFF_CLASS_PER_CPU:
		ret = kaff_kthread_create_per_cpu(ctx, (unsigned int)e->arg, id);
		break;
	case KAFF_CLASS_BOUND:
		return made(ctx, n, m, -1, id);
	case KAFF_CLASS_IRQ: {
		struct kaff_imask *im = kaff__imask_get(ctx, m);

		if (!im)
			return -ENOMEM;
		ret = kaff__irq_thread_new(ctx, n, im, id);
		kaff__imask_put(ctx, im);
		return ret;
	}
	case KAFF_CLASS_PINNED:
		return made(ctx, n, m, -1, id);
	case KAFF_CLASS_NODE:
		node = e->arg;
		/* fall through */
	default:
		ret = kaff_kthread_create_on_node(ctx, node, id);
		if (!ret && cls == KAFF_CLASS_PREFERRED)
			ret = kaff_kthread_affine_preferred(ctx, *id, &pop->views[e->pref]);
		if (!ret)
			ret = kaff_wake_up_process(ctx, *id);
		if (!ret && cls == KAFF_CLASS_HOUSEKEEPING) {
			struct kaff_cpumask *hk = ctx->tmp.want;

			rcu_housekeeping_mask(ctx, kaff_kthread_cpus_mask(ctx, *id), hk);
			ret = force_mask(ctx, *id, hk);
		}
		break;
	}
	if (!ret && same && e)
		ret = force_mask(ctx, *id, m);
	return ret;
}

bool kaff__population_self_waking(const struct kaff_population *pop, const struct pop_boot_kt *b)
{
	return b->entry != POP_NONE && pop->e[b->entry].cls == KAFF_CLASS_NODE &&
	       !strncmp(pop->e[b->entry].comm, "kcompactd", 9);
}
