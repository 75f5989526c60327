/* SPDX-License-Identifier: MIT */
/*
 * kthreads, as kernel/kthread.c in v6.14 and v7.3: kthreadd, creation,
 * binding, preferred affinity, the first run (kthread() and
 * kthread_affine_node()), kthread_fetch_affinity(), exit.
 *
 * These entry points change one kthread: each allocates (interned masks,
 * groups) before it changes anything, so that running out of memory
 * changes nothing. Events that change many kthreads are in update.c.
 */
#include <errno.h>
#include <string.h>

#include "kaff-private.h"

/*
 * kthread_fetch_affinity(): the preference, else the node's online CPUs,
 * else (7.x only) housekeeping; restricted to housekeeping; the whole
 * housekeeping mask when nothing is left. No online filter.
 */
static void fetch_kernel(const struct kaff_ctx *ctx, const struct kaff_imask *pref, int node,
			 struct kaff_cpumask *out)
{
	/* HK_TYPE_KTHREAD is KERNEL_NOISE in 6.x; 7.x reads DOMAIN. */
	const struct kaff_cpumask *hk = kaff__hk(ctx, KAFF_HK_TYPE_KTHREAD);

	if (pref) {
		if (kaff_cpumask_and(out, &pref->mask, hk))
			return;
	} else if (node != KAFF_NUMA_NO_NODE) {
		kaff__node_mask(ctx, (unsigned int)node, out);
		if (kaff_cpumask_and(out, out, hk))
			return;
	} else if (!kaff__rule(ctx, KAFF_RULE_LIST_UNBOUND)) {
		/* 6.x WARNs and leaves the caller's zeroed mask. Only
		 * reachable through kaff_kthread_fetch_affinity(). */
		kaff__log(ctx, "WARNING: kthread_fetch_affinity: neither node nor preference");
		kaff_cpumask_clear(out);
		return;
	}
	/* 7.x NUMA_NO_NODE: pref = hk, so pref & hk = hk. */
	kaff_cpumask_copy(out, hk);
}

/*
 * The profile's fetch hook, asked with the class and the machine state as
 * kthread_fetch_affinity() sees them. The node's CPUs go to their own
 * scratch mask: @out may be any of the others.
 */
static int fetch_hook(const struct kaff_ctx *ctx, const struct kaff_imask *pref, int node,
		      struct kaff_cpumask *out)
{
	const struct kaff_profile *p = ctx->profile;
	struct kaff_fetch_args a;
	unsigned int t;

	memset(&a, 0, sizeof(a));
	a.preferred = pref ? &pref->mask : NULL;
	a.node = pref ? KAFF_NUMA_NO_NODE : node;
	if (a.node != KAFF_NUMA_NO_NODE) {
		kaff__node_mask(ctx, (unsigned int)a.node, ctx->tmp.node);
		a.node_cpus = ctx->tmp.node;
	}
	a.kthread_hk = (enum kaff_hk_type)kaff__rule(ctx, KAFF_RULE_KTHREAD_HK);
	for (t = 0; t < KAFF_HK_TYPE_MAX; t++)
		a.hk[t] = kaff__hk(ctx, (enum kaff_hk_type)t);
	a.possible = ctx->possible;
	a.online = (p->fetch_flags & KAFF_FETCH_READS_ONLINE) ? ctx->online : NULL;
	a.list_unbound = kaff__rule(ctx, KAFF_RULE_LIST_UNBOUND);
	kaff_cpumask_clear(out);
	p->fetch_fn(p->fetch_data, &a, out);
	/* No CPU: set_cpus_allowed_ptr() could not take it. Refused. */
	return kaff_cpumask_empty(out) ? -EDOM : 0;
}

/*
 * kthread_fetch_affinity() for a class (a preference, else a node): the
 * kernel's rule or the profile's hook. Return: 0; -EDOM when the hook
 * gives no CPU (the caller then changes nothing).
 */
int kaff__fetch_class(const struct kaff_ctx *ctx, const struct kaff_imask *pref, int node,
		      struct kaff_cpumask *out)
{
	if (ctx->profile->fetch_fn)
		return fetch_hook(ctx, pref, node, out);
	fetch_kernel(ctx, pref, node, out);
	return 0;
}

/* ---- kthreadd ----------------------------------------------------------- */

/*
 * kthreadd starts on the boot idle task's mask {0} and, when it first
 * runs (only the boot CPU is up), asks for housekeeping: 6.x
 * set_cpus_allowed_ptr(hk(KTHREAD)); 7.x kthread_affine_node() on itself,
 * which also puts it on the managed list. If CPU 0 is not housekeeping
 * the request has no online CPU and kthreadd stays on {0}.
 */
int kaff__kthreadd_init(struct kaff_ctx *ctx)
{
	struct kaff_cpumask *want = ctx->tmp.target, *start = ctx->tmp.result;
	bool list = kaff__rule(ctx, KAFF_RULE_LIST_UNBOUND);
	struct kaff_imask *cpus;
	uint32_t id;
	int ret;

	kaff_cpumask_clear(start);
	kaff_cpumask_set_cpu(0, start);
	if (list) {
		ret = kaff__fetch_class(ctx, NULL, KAFF_NUMA_NO_NODE, want);
		if (ret)
			return ret;
	} else {
		kaff_cpumask_copy(want, kaff__hk(ctx, KAFF_HK_TYPE_KTHREAD));
	}
	/* Online is {0} at that time: the request works iff 0 is in it. */
	cpus = kaff__imask_get(ctx, kaff_cpumask_test_cpu(0, want) ? want : start);
	if (!cpus)
		return -ENOMEM;
	ret = kaff__task_new(ctx, KAFF_NUMA_NO_NODE, -1, KAFF_KTHREAD_STARTED, cpus, NULL, &id);
	if (!ret && list) {
		ret = kaff__task_list(ctx, &ctx->kt[id], NULL, cpus, NULL, ctx->kt[id].flags);
		if (ret)
			kaff__task_table_fini(ctx);
		kaff__groups_settle(ctx);
	}
	kaff__imask_put(ctx, cpus);
	return ret;
}

/* ---- creation ----------------------------------------------------------- */

/*
 * kthread_create_on_node(): a copy of kthreadd's mask and user request,
 * not started, on no list. @bind: a forced mask (kthread_bind*()), which
 * also drops the inherited user request.
 */
static int create(struct kaff_ctx *ctx, int node, struct kaff_imask *bind, int cpu,
		  uint32_t flags, unsigned int *id)
{
	const struct kaff_kthread *kd;

	if (!ctx || !id)
		return -EINVAL;
	if (!ctx->booted)
		return -EPERM;
	if (node != KAFF_NUMA_NO_NODE && (node < 0 || (unsigned int)node >= ctx->nr_nodes))
		return -ERANGE;
	kd = &ctx->kt[KAFF_KTHREADD];
	if (bind)
		return kaff__task_new(ctx, node, cpu, flags | KAFF_KTHREAD_NO_SETAFFINITY,
				      bind, NULL, id);
	return kaff__task_new(ctx, node, cpu, flags, kaff__kt_cpus(kd), kaff__kt_user(kd), id);
}

int kaff_kthread_create_on_node(struct kaff_ctx *ctx, int node, unsigned int *id)
{
	return create(ctx, node, NULL, -1, 0, id);
}

/* kthread_create_on_cpu(): node cpu_to_node(cpu), kthread_bind() to
 * {cpu} (or @cpus when given), kthread->cpu = cpu. */
int kaff__create_on_cpu(struct kaff_ctx *ctx, unsigned int cpu, uint32_t flags,
			struct kaff_imask *cpus, unsigned int *id)
{
	int ret = kaff__machine_cpu(ctx, cpu);
	struct kaff_cpumask *m;
	struct kaff_imask *im;

	if (ret)
		return ret;
	if (!id)
		return -EINVAL;
	if (cpus) {
		im = kaff__imask_ref(cpus);
	} else {
		m = ctx->tmp.target;
		kaff_cpumask_clear(m);
		kaff_cpumask_set_cpu(cpu, m);
		im = kaff__imask_get(ctx, m);
		if (!im)
			return -ENOMEM;
	}
	ret = create(ctx, ctx->cpu_node[cpu], im, (int)cpu, flags, id);
	kaff__imask_put(ctx, im);
	return ret;
}

int kaff_kthread_create_on_cpu(struct kaff_ctx *ctx, unsigned int cpu, unsigned int *id)
{
	return kaff__create_on_cpu(ctx, cpu, 0, NULL, id);
}

/* ---- binding and preference --------------------------------------------- */

int kaff_kthread_bind_mask(struct kaff_ctx *ctx, unsigned int id,
			   const struct kaff_cpumask *mask)
{
	struct kaff_kthread *k;
	struct kaff_imask *im;
	int ret = kaff__lookup_mask(ctx, id, mask, &k);

	if (ret)
		return ret;
	if (kaff_cpumask_empty(mask))
		return -EINVAL;
	if (k->flags & KAFF_KTHREAD_STARTED) {
		/* wait_task_inactive(TASK_UNINTERRUPTIBLE) fails on a thread
		 * sleeping interruptibly: WARN, nothing done, no error. */
		kaff__log(ctx, "WARNING: __kthread_bind_mask: kthread %u is not inactive", id);
		return 0;
	}
	im = kaff__imask_get(ctx, mask);
	if (!im)
		return -ENOMEM;
	/* Forced write (do_set_cpus_allowed / set_cpus_allowed_force): the
	 * user request goes; PF_NO_SETAFFINITY (a listed kthread turns bad). */
	ret = kaff__task_set(ctx, k, im, NULL, k->flags | KAFF_KTHREAD_NO_SETAFFINITY);
	kaff__imask_put(ctx, im);
	kaff__groups_settle(ctx);
	return ret;
}

int kaff_kthread_bind(struct kaff_ctx *ctx, unsigned int id, unsigned int cpu)
{
	struct kaff_kthread *k;
	struct kaff_cpumask *m;
	int ret = kaff__lookup(ctx, id, &k);

	if (ret)
		return ret;
	if (cpu >= ctx->nr_cpu_ids)
		return -ERANGE;
	m = ctx->tmp.result;
	kaff_cpumask_clear(m);
	kaff_cpumask_set_cpu(cpu, m);
	return kaff_kthread_bind_mask(ctx, id, m);
}

int kaff_kthread_affine_preferred(struct kaff_ctx *ctx, unsigned int id,
				  const struct kaff_cpumask *mask)
{
	struct kaff_imask *pref, *cpus;
	struct kaff_kthread *k;
	int ret = kaff__lookup_mask(ctx, id, mask, &k);

	if (ret)
		return ret;
	if (k->flags & KAFF_KTHREAD_STARTED) {
		kaff__log(ctx, "WARNING: kthread_affine_preferred: kthread %u already started", id);
		return -EINVAL;
	}
	/* A second call corrupts the kernel's list: refused. A kthread that
	 * has not started is listed only through a preference. */
	if (k->flags & KAFF_KTHREAD_MANAGED)
		return -EEXIST;
	pref = kaff__imask_get(ctx, mask);
	if (!pref)
		return -ENOMEM;
	ret = kaff__fetch_class(ctx, pref, k->node, ctx->tmp.target);
	if (ret) {
		kaff__imask_put(ctx, pref);
		return ret;
	}
	cpus = kaff__imask_get(ctx, ctx->tmp.target);
	if (!cpus) {
		kaff__imask_put(ctx, pref);
		return -ENOMEM;
	}
	/* No PF_NO_SETAFFINITY check: a bound kthread joins the list too.
	 * Forced write: no online check, user request dropped. */
	ret = kaff__task_list(ctx, k, pref, cpus, NULL, k->flags);
	kaff__imask_put(ctx, pref);
	kaff__imask_put(ctx, cpus);
	kaff__groups_settle(ctx);
	return ret;
}

/* ---- the first run ------------------------------------------------------ */

/*
 * kthread_affine_node(): a node kthread (7.x: any unbound one) joins the
 * managed list and asks for kthread_fetch_affinity(); 6.x gives the
 * others housekeeping_affine(HK_TYPE_KTHREAD) and leaves them unlisted.
 * Its kthread is on @base (with the user request @user); the mask it gets
 * is left in @out (unchanged: @base). *@list: whether it lists. Returns 0
 * or the fetch hook's -EDOM.
 */
static int kthread_affine_node(struct kaff_ctx *ctx, const struct kaff_kthread *k,
			       const struct kaff_cpumask *base, const struct kaff_imask *user,
			       const struct kaff_cpumask **out, bool *list)
{
	const struct kaff_cpumask *target = ctx->tmp.target;
	int ret;

	*list = k->node != KAFF_NUMA_NO_NODE || kaff__rule(ctx, KAFF_RULE_LIST_UNBOUND);
	if (*list) {
		ret = kaff__fetch_class(ctx, NULL, k->node, ctx->tmp.target);
		if (ret)
			return ret;
	} else if (kaff_housekeeping_enabled(ctx, KAFF_HK_TYPE_KTHREAD)) {
		target = kaff__hk(ctx, KAFF_HK_TYPE_KTHREAD);
	} else {
		target = NULL;
	}
	/* set_cpus_allowed_ptr()'s result is ignored. */
	if (target &&
	    kaff__cpus_allowed(ctx, base, user, target, ctx->tmp.result) == SCA_CHANGE)
		*out = ctx->tmp.result;
	return 0;
}

/*
 * kthread(): the new thread's first steps. kthread_affine_node() unless
 * the kthread is bound or has a preference (which listed it already).
 */
static int kthread(struct kaff_ctx *ctx, struct kaff_kthread *k,
		   const struct kaff_cpumask *base, struct kaff_imask *user)
{
	const struct kaff_cpumask *mask = base;
	uint32_t flags = k->flags | KAFF_KTHREAD_STARTED;
	struct kaff_imask *im;
	bool list = false;
	int ret;

	if (!(k->flags & (KAFF_KTHREAD_NO_SETAFFINITY | KAFF_KTHREAD_MANAGED))) {
		ret = kthread_affine_node(ctx, k, base, user, &mask, &list);
		if (ret)
			return ret;
	}
	im = kaff__imask_get(ctx, mask);
	if (!im)
		return -ENOMEM;
	ret = list ? kaff__task_list(ctx, k, NULL, im, user, flags) :
		     kaff__task_set(ctx, k, im, user, flags);
	kaff__imask_put(ctx, im);
	kaff__groups_settle(ctx);
	return ret;
}

/*
 * wake_up_process() -> try_to_wake_up(): a parked thread is not woken;
 * select_task_rq() finds no allowed online CPU -> select_fallback_rq()
 * (sched.c) moves it to every possible CPU. A kthread that never ran
 * then runs kthread().
 */
int kaff_wake_up_process(struct kaff_ctx *ctx, unsigned int id)
{
	const struct kaff_cpumask *cur;
	struct kaff_imask *user, *all;
	struct kaff_kthread *k;
	bool fallback;
	int ret = kaff__lookup(ctx, id, &k);

	if (ret)
		return ret;
	if (k->flags & KAFF_KTHREAD_PARKED)
		return 0;
	cur = &kaff__kt_cpus(k)->mask;
	user = kaff__kt_user(k);
	fallback = kaff__select_fallback_rq(ctx, cur);
	if (fallback) {
		cur = ctx->possible;
		user = NULL;
	}
	if (!(k->flags & KAFF_KTHREAD_STARTED))
		return kthread(ctx, k, cur, user);
	if (!fallback)
		return 0;
	all = kaff__imask_get(ctx, ctx->possible);
	if (!all)
		return -ENOMEM;
	ret = kaff__task_set(ctx, k, all, NULL, k->flags);
	kaff__imask_put(ctx, all);
	kaff__groups_settle(ctx);
	return ret;
}

/* ---- exit --------------------------------------------------------------- */

int kaff_kthread_stop(struct kaff_ctx *ctx, unsigned int id)
{
	struct kaff_kthread *k;
	int ret = kaff__lookup(ctx, id, &k);

	if (ret)
		return ret;
	if (id == KAFF_KTHREADD)
		return -EPERM;
	/* A never-woken kthread runs its first-run steps before exiting;
	 * none of that is visible once it has left the table
	 * (kthread_exit() -> kthread_affine_node's list_del). */
	kaff__task_free(ctx, k);
	kaff__groups_settle(ctx);
	return 0;
}

/* ---- queries ------------------------------------------------------------ */

int kaff_kthread_fetch_affinity(const struct kaff_ctx *ctx, unsigned int id,
				struct kaff_cpumask *out)
{
	struct kaff_kthread *k;
	int ret = out ? kaff__lookup(ctx, id, &k) : -EINVAL;

	if (ret)
		return ret;
	if (out->nbits != ctx->nr_cpu_ids)
		return -ERANGE;
	return kaff__fetch_class(ctx, kaff__kt_pref(k), k->node, out);
}

int kaff_kthread_get_info(const struct kaff_ctx *ctx, unsigned int id,
			  struct kaff_kthread_info *info)
{
	const struct kaff_imask *pref, *user;
	struct kaff_kthread *k;
	int ret = info ? kaff__lookup(ctx, id, &k) : -EINVAL;

	if (ret)
		return ret;
	pref = kaff__kt_pref(k);
	user = kaff__kt_user(k);
	info->id = id;
	info->node = k->node;
	info->cpu = k->cpu;
	info->flags = k->flags & 0xffu;
	info->cpus = &kaff__kt_cpus(k)->mask;
	info->preferred = pref ? &pref->mask : NULL;
	info->user = user ? &user->mask : NULL;
	return 0;
}

const struct kaff_cpumask *kaff_kthread_cpus_mask(const struct kaff_ctx *ctx,
						  unsigned int id)
{
	const struct kaff_kthread *k = (ctx && ctx->booted) ? kaff__kt(ctx, id) : NULL;

	return k ? &kaff__kt_cpus(k)->mask : NULL;
}

unsigned int kaff_kthread_first(const struct kaff_ctx *ctx)
{
	/* kthreadd (slot 0) is not one of the kthreads it made */
	return (ctx && ctx->booted) ? kaff__kt_next_live(ctx, KAFF_KTHREADD) : KAFF_NONE;
}

unsigned int kaff_kthread_next(const struct kaff_ctx *ctx, unsigned int id)
{
	const struct kaff_kthread *k = ctx ? kaff__kt(ctx, id) : NULL;

	return (k && id != KAFF_KTHREADD) ? kaff__kt_next_live(ctx, id) : KAFF_NONE;
}

unsigned int kaff_kthread_count(const struct kaff_ctx *ctx)
{
	return ctx ? ctx->nr_live : 0;
}

unsigned int kaff_managed_first(const struct kaff_ctx *ctx)
{
	return (ctx && ctx->booted) ? ctx->managed.first : KAFF_NONE;
}

unsigned int kaff_managed_next(const struct kaff_ctx *ctx, unsigned int id)
{
	const struct kaff_kthread *k = ctx ? kaff__kt(ctx, id) : NULL;

	return (k && (k->flags & KAFF_KTHREAD_MANAGED)) ? k->link[KL_MANAGED].next : KAFF_NONE;
}
