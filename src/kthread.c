/* SPDX-License-Identifier: MIT */
/*
 * The kthread engine, as kernel/kthread.c with the scheduler pieces it
 * meets (kernel/sched/core.c, kernel/sched/syscalls.c) in v6.14 and v7.3.
 * KERNEL.md section numbers in comments.
 *
 * Every event first computes the kthreads' new masks in scratch masks and
 * interns them (the only allocations), then commits: an event that runs
 * out of memory changes nothing.
 */
#include <errno.h>
#include <string.h>

#include "kaff-private.h"

/* ---- the table ---------------------------------------------------------- */

static void kt_release(struct kaff_ctx *ctx, struct kaff_kthread *k)
{
	kaff__imask_put(ctx, k->cpus);
	kaff__imask_put(ctx, k->pref);
	kaff__imask_put(ctx, k->user);
	k->cpus = k->pref = k->user = NULL;
}

void kaff__kthread_table_fini(struct kaff_ctx *ctx)
{
	uint32_t i;

	for (i = 0; i < ctx->nr_kt; i++)
		if (ctx->kt[i].flags & KT_LIVE)
			kt_release(ctx, &ctx->kt[i]);
	kaff__free(&ctx->alloc, ctx->kt);
	ctx->kt = NULL;
	ctx->nr_kt = ctx->cap_kt = ctx->nr_live = ctx->nr_per_cpu = 0;
	ctx->per_cpu_head = KAFF_NONE;
	ctx->live_head = ctx->live_tail = KAFF_NONE;
	ctx->list_head = ctx->list_tail = KAFF_NONE;
	ctx->pending_head = KAFF_NONE;
}

/* A free slot at the end of the table; ids are never reused. */
static int kt_reserve(struct kaff_ctx *ctx)
{
	uint32_t cap;
	struct kaff_kthread *kt;

	if (ctx->nr_kt < ctx->cap_kt)
		return 0;
	if (ctx->cap_kt >= KAFF_NONE / 2)
		return -EOVERFLOW;
	cap = ctx->cap_kt ? ctx->cap_kt * 2 : 16;
	kt = kaff__realloc(&ctx->alloc, ctx->kt, ctx->cap_kt * sizeof(*kt),
			   cap * sizeof(*kt));
	if (!kt)
		return -ENOMEM;
	ctx->kt = kt;
	ctx->cap_kt = cap;
	return 0;
}

static uint32_t kt_id(const struct kaff_ctx *ctx, const struct kaff_kthread *k)
{
	return (uint32_t)(k - ctx->kt);
}

/* Managed list (kthreads_hotplug / kthread_affinity_list): tail insertion. */
static void list_add_tail(struct kaff_ctx *ctx, struct kaff_kthread *k)
{
	uint32_t id = kt_id(ctx, k);

	if (k->flags & KAFF_KTHREAD_MANAGED) {
		/* WARN_ON_ONCE(!list_empty()): not reachable through the API. */
		kaff__log(ctx, "WARNING: kthread %u already on the managed list", id);
		return;
	}
	k->flags |= KAFF_KTHREAD_MANAGED;
	k->list_prev = ctx->list_tail;
	k->list_next = KAFF_NONE;
	if (ctx->list_tail != KAFF_NONE)
		ctx->kt[ctx->list_tail].list_next = id;
	else
		ctx->list_head = id;
	ctx->list_tail = id;
}

static void list_del(struct kaff_ctx *ctx, struct kaff_kthread *k)
{
	if (!(k->flags & KAFF_KTHREAD_MANAGED))
		return;
	if (k->list_prev != KAFF_NONE)
		ctx->kt[k->list_prev].list_next = k->list_next;
	else
		ctx->list_head = k->list_next;
	if (k->list_next != KAFF_NONE)
		ctx->kt[k->list_next].list_prev = k->list_prev;
	else
		ctx->list_tail = k->list_prev;
	k->flags &= ~(uint32_t)KAFF_KTHREAD_MANAGED;
}

/* Replace *slot with @im (a reference the caller owns, or NULL). */
static void kt_assign(struct kaff_ctx *ctx, struct kaff_imask **slot, struct kaff_imask *im)
{
	kaff__imask_put(ctx, *slot);
	*slot = im;
}

/* ---- the rules ---------------------------------------------------------- */

/*
 * kthread_fetch_affinity() (§7): the preference, else the node's online
 * CPUs, else (7.x only) housekeeping; restricted to housekeeping; the
 * whole housekeeping mask when nothing is left. No online filter.
 */
void kaff__kthread_fetch_affinity(const struct kaff_ctx *ctx,
				  const struct kaff_kthread *k,
				  struct kaff_cpumask *out)
{
	/* D1: HK_TYPE_KTHREAD is KERNEL_NOISE in 6.x; 7.x reads DOMAIN. */
	const struct kaff_cpumask *hk = kaff__hk(ctx, ctx->profile->kthread_hk);

	if (k->pref) {
		if (kaff_cpumask_and(out, &k->pref->mask, hk))
			return;
	} else if (k->node != KAFF_NUMA_NO_NODE) {
		kaff__node_mask(ctx, (unsigned int)k->node, out);
		if (kaff_cpumask_and(out, out, hk))
			return;
	} else if (!ctx->profile->list_unbound) {
		/* D6: 6.x WARNs and leaves the caller's zeroed mask. Only
		 * reachable through kaff_kthread_fetch_affinity(). */
		kaff__log(ctx, "WARNING: kthread_fetch_affinity: kthread %u has neither node nor preference",
			  kt_id(ctx, k));
		kaff_cpumask_clear(out);
		return;
	}
	/* 7.x NUMA_NO_NODE: pref = hk, so pref & hk = hk. */
	kaff_cpumask_copy(out, hk);
}

/*
 * __set_cpus_allowed_ptr() for a kthread without SCA_USER (§12.1, §12.2),
 * on a kthread whose mask is @cur and user request @user: the stored
 * request filters @target when they intersect; an unchanged mask is
 * success; a mask with no online CPU is -EINVAL. On success with a
 * change, @out holds the new mask and *changed is set.
 */
static int set_cpus_allowed(const struct kaff_ctx *ctx, const struct kaff_cpumask *cur,
			    const struct kaff_imask *user, const struct kaff_cpumask *target,
			    struct kaff_cpumask *out, bool *changed)
{
	*changed = false;
	if (!user || !kaff_cpumask_and(out, target, &user->mask))
		kaff_cpumask_copy(out, target);
	if (kaff_cpumask_equal(out, cur))
		return 0;
	if (!kaff_cpumask_intersects(out, ctx->online))
		return -EINVAL;
	*changed = true;
	return 0;
}

/* ---- two-phase updates -------------------------------------------------- */

/* Stages stack: a kthread already pending gets its newer mask. */
static void pending_add(struct kaff_ctx *ctx, struct kaff_kthread *k,
			struct kaff_imask *im, uint32_t how)
{
	if (k->flags & KT_PENDING) {
		kaff__imask_put(ctx, k->pending);
		k->pending = im;
		k->flags |= how;
		return;
	}
	k->pending = im;
	k->flags |= KT_PENDING | how;
	k->pending_next = ctx->pending_head;
	ctx->pending_head = kt_id(ctx, k);
}

/* The mask a kthread has once the prepared stages are committed. */
static const struct kaff_cpumask *pending_cpus(const struct kaff_kthread *k)
{
	return (k->flags & KT_PENDING) ? &k->pending->mask : &k->cpus->mask;
}

void kaff__pending_rollback(struct kaff_ctx *ctx)
{
	uint32_t id, next;

	for (id = ctx->pending_head; id != KAFF_NONE; id = next) {
		struct kaff_kthread *k = &ctx->kt[id];

		next = k->pending_next;
		kaff__imask_put(ctx, k->pending);
		k->pending = NULL;
		k->flags &= ~(uint32_t)(KT_PENDING | KT_PENDING_FORCE | KT_PENDING_UNPARK);
	}
	ctx->pending_head = KAFF_NONE;
}

void kaff__pending_commit(struct kaff_ctx *ctx)
{
	uint32_t id, next;

	for (id = ctx->pending_head; id != KAFF_NONE; id = next) {
		struct kaff_kthread *k = &ctx->kt[id];

		next = k->pending_next;
		kt_assign(ctx, &k->cpus, k->pending);
		k->pending = NULL;
		if (k->flags & KT_PENDING_FORCE)
			kt_assign(ctx, &k->user, NULL);
		if (k->flags & KT_PENDING_UNPARK)
			k->flags &= ~(uint32_t)KAFF_KTHREAD_PARKED;
		k->flags &= ~(uint32_t)(KT_PENDING | KT_PENDING_FORCE | KT_PENDING_UNPARK);
	}
	ctx->pending_head = KAFF_NONE;
}

/*
 * kthreads_online_cpu() / kthreads_update_housekeeping() (§11.2, §4.4):
 * every kthread on the managed list, in list order, to its fetched
 * affinity through set_cpus_allowed_ptr(). A bound or per-CPU kthread on
 * the list makes the callback fail after all others were processed.
 */
int kaff__prepare_update_affinity(struct kaff_ctx *ctx, bool force, bool *callback_failed)
{
	struct kaff_cpumask *target = ctx->tmp[0], *out = ctx->tmp[1];
	uint32_t id;

	for (id = ctx->list_head; id != KAFF_NONE; id = ctx->kt[id].list_next) {
		struct kaff_kthread *k = &ctx->kt[id];
		struct kaff_imask *im;
		bool changed;

		if (k->flags & (KAFF_KTHREAD_NO_SETAFFINITY | KAFF_KTHREAD_PER_CPU)) {
			kaff__log(ctx, "WARNING: kthreads_update_affinity: kthread %u is bound or per-CPU",
				  id);
			*callback_failed = true;
			continue;
		}
		/* D7: 7.x CPU online leaves kthreads with neither preference
		 * nor node alone (they are affine to housekeeping already). */
		if (!force && ctx->profile->online_skips_unbound && !k->pref &&
		    k->node == KAFF_NUMA_NO_NODE)
			continue;
		kaff__kthread_fetch_affinity(ctx, k, target);
		/* set_cpus_allowed_ptr()'s result is ignored by the caller. */
		if (set_cpus_allowed(ctx, pending_cpus(k), k->user, target, out, &changed) ||
		    !changed)
			continue;
		im = kaff__imask_get(ctx, out);
		if (!im)
			return -ENOMEM;
		pending_add(ctx, k, im, 0);
	}
	return 0;
}

/*
 * 7.x: cpuset runs housekeeping_update() for a partition that CPU hotplug
 * invalidated from a work item (hk_sd_work), later than the hotplug event.
 * libkaff runs it at the start of the next hotplug or cpuset event, which
 * is what the recorded traces show (case 58, o73-06).
 */
int kaff__prepare_deferred_update(struct kaff_ctx *ctx)
{
	bool failed = false;

	if (!ctx->hk_update_deferred)
		return 0;
	return kaff__prepare_update_affinity(ctx, true, &failed);
}

/* ---- smpboot (§8.1) ----------------------------------------------------- */

static bool is_per_cpu_of(const struct kaff_kthread *k, unsigned int cpu)
{
	return (k->flags & KAFF_KTHREAD_PER_CPU) && k->cpu == (int32_t)cpu;
}

/* smpboot_park_threads(): parked kthreads keep {cpu}. */
void kaff__smpboot_park(struct kaff_ctx *ctx, unsigned int cpu)
{
	uint32_t id;

	for (id = ctx->per_cpu_head; id != KAFF_NONE; id = ctx->kt[id].list_next)
		if (is_per_cpu_of(&ctx->kt[id], cpu))
			ctx->kt[id].flags |= KAFF_KTHREAD_PARKED;
}

/* smpboot_unpark_threads() -> kthread_unpark(): rebind to {cpu} (a forced
 * write that drops the user request), then wake (the CPU is online). */
int kaff__prepare_unpark(struct kaff_ctx *ctx, unsigned int cpu)
{
	struct kaff_cpumask *m = ctx->tmp[0];
	uint32_t id;

	if (!ctx->nr_per_cpu)
		return 0;
	kaff_cpumask_clear(m);
	kaff_cpumask_set_cpu(cpu, m);
	for (id = ctx->per_cpu_head; id != KAFF_NONE; id = ctx->kt[id].list_next) {
		struct kaff_kthread *k = &ctx->kt[id];
		struct kaff_imask *im;

		if (!is_per_cpu_of(k, cpu) || !(k->flags & KAFF_KTHREAD_PARKED))
			continue;
		im = kaff__imask_get(ctx, m);
		if (!im)
			return -ENOMEM;
		pending_add(ctx, k, im, KT_PENDING_FORCE | KT_PENDING_UNPARK);
	}
	return 0;
}

/* ---- kthreadd (§5.1) ---------------------------------------------------- */

/*
 * kthreadd starts on the boot idle task's mask {0} and, when it first
 * runs (only the boot CPU is up), asks for housekeeping: 6.x
 * set_cpus_allowed_ptr(hk(KTHREAD)); 7.x kthread_affine_node() on itself,
 * which also puts it on the managed list (D5). If CPU 0 is not
 * housekeeping the request has no online CPU and kthreadd stays on {0}
 * (case 57).
 */
int kaff__kthreadd_boot(struct kaff_ctx *ctx)
{
	struct kaff_cpumask *want = ctx->tmp[0], *start = ctx->tmp[1];
	struct kaff_kthread *k;
	int ret = kt_reserve(ctx);

	if (ret)
		return ret;
	k = &ctx->kt[0];
	memset(k, 0, sizeof(*k));
	k->node = KAFF_NUMA_NO_NODE;
	k->cpu = -1;
	k->flags = KT_LIVE | KAFF_KTHREAD_STARTED;
	k->live_prev = k->live_next = KAFF_NONE;
	k->list_prev = k->list_next = k->pending_next = KAFF_NONE;

	kaff_cpumask_clear(start);
	kaff_cpumask_set_cpu(0, start);
	if (ctx->profile->list_unbound)
		kaff__kthread_fetch_affinity(ctx, k, want);
	else
		kaff_cpumask_copy(want, kaff__hk(ctx, KAFF_HK_TYPE_KTHREAD));
	/* Online is {0} at that time: the request works iff 0 is in it. */
	k->cpus = kaff__imask_get(ctx, kaff_cpumask_test_cpu(0, want) ? want : start);
	if (!k->cpus)
		return -ENOMEM;
	ctx->nr_kt = 1;
	if (ctx->profile->list_unbound)
		list_add_tail(ctx, k);
	return 0;
}

/* ---- creation (§5.2, §8) ------------------------------------------------ */

static int lookup(struct kaff_ctx *ctx, unsigned int id, struct kaff_kthread **out)
{
	if (!ctx)
		return -EINVAL;
	if (!ctx->booted)
		return -EPERM;
	*out = kaff__kt(ctx, id);
	return *out ? 0 : -ESRCH;
}

static bool mask_ok(const struct kaff_ctx *ctx, const struct kaff_cpumask *m)
{
	return m && m->nbits == ctx->nr_cpu_ids;
}

/*
 * A new kthread: a copy of kthreadd's mask and user request (rule C1),
 * not started, on no list. @bind: a forced mask (kthread_bind*()).
 */
static int create(struct kaff_ctx *ctx, int node, const struct kaff_cpumask *bind,
		  int cpu, unsigned int *id)
{
	struct kaff_kthread *k, *kd;
	struct kaff_imask *cpus;
	int ret;

	if (!ctx || !id)
		return -EINVAL;
	if (!ctx->booted)
		return -EPERM;
	if (node != KAFF_NUMA_NO_NODE && (node < 0 || (unsigned int)node >= ctx->nr_nodes))
		return -ERANGE;
	ret = kt_reserve(ctx);
	if (ret)
		return ret;
	kd = &ctx->kt[0];
	cpus = bind ? kaff__imask_get(ctx, bind) : kaff__imask_ref(kd->cpus);
	if (!cpus)
		return -ENOMEM;

	k = &ctx->kt[ctx->nr_kt];
	memset(k, 0, sizeof(*k));
	k->cpus = cpus;
	/* A bind drops the inherited user request; kthreadd has none
	 * unless the user set one. */
	k->user = (!bind && kd->user) ? kaff__imask_ref(kd->user) : NULL;
	k->node = node;
	k->cpu = cpu;
	k->flags = KT_LIVE | (bind ? KAFF_KTHREAD_NO_SETAFFINITY : 0);
	k->list_prev = k->list_next = k->pending_next = KAFF_NONE;
	k->live_next = KAFF_NONE;
	k->live_prev = ctx->live_tail;
	if (ctx->live_tail != KAFF_NONE)
		ctx->kt[ctx->live_tail].live_next = ctx->nr_kt;
	else
		ctx->live_head = ctx->nr_kt;
	ctx->live_tail = ctx->nr_kt;
	ctx->nr_live++;
	*id = ctx->nr_kt++;
	return 0;
}

int kaff_kthread_create_on_node(struct kaff_ctx *ctx, int node, unsigned int *id)
{
	return create(ctx, node, NULL, -1, id);
}

static int create_on_cpu(struct kaff_ctx *ctx, unsigned int cpu, unsigned int *id)
{
	struct kaff_cpumask *m;

	if (!ctx)
		return -EINVAL;
	if (!ctx->booted)
		return -EPERM;
	if (cpu >= ctx->nr_cpu_ids)
		return -ERANGE;
	m = ctx->tmp[0];
	kaff_cpumask_clear(m);
	kaff_cpumask_set_cpu(cpu, m);
	/* kthread_create_on_cpu(): node cpu_to_node(cpu), kthread_bind(),
	 * kthread->cpu = cpu. */
	return create(ctx, ctx->cpu_node[cpu], m, (int)cpu, id);
}

int kaff_kthread_create_on_cpu(struct kaff_ctx *ctx, unsigned int cpu, unsigned int *id)
{
	return create_on_cpu(ctx, cpu, id);
}

int kaff_kthread_create_per_cpu(struct kaff_ctx *ctx, unsigned int cpu, unsigned int *id)
{
	struct kaff_kthread *k;
	struct kaff_imask *all = NULL;
	bool online;
	int ret;

	if (!ctx || !id)
		return -EINVAL;
	online = ctx->booted && cpu < ctx->nr_cpu_ids &&
		 kaff_cpumask_test_cpu(cpu, ctx->online);
	if (ctx->booted && cpu < ctx->nr_cpu_ids && !online) {
		/* Parking is the first run: {cpu} has no online CPU, so the
		 * scheduler fallback gives it all possible CPUs (§8.1). */
		all = kaff__imask_get(ctx, ctx->possible);
		if (!all)
			return -ENOMEM;
	}
	ret = create_on_cpu(ctx, cpu, id);
	if (ret) {
		kaff__imask_put(ctx, all);
		return ret;
	}
	k = &ctx->kt[*id];
	k->flags |= KAFF_KTHREAD_PER_CPU | KAFF_KTHREAD_STARTED;
	ctx->nr_per_cpu++;
	k->list_prev = KAFF_NONE;
	k->list_next = ctx->per_cpu_head;
	if (ctx->per_cpu_head != KAFF_NONE)
		ctx->kt[ctx->per_cpu_head].list_prev = *id;
	ctx->per_cpu_head = *id;
	if (all) {
		kt_assign(ctx, &k->cpus, all);
		k->flags |= KAFF_KTHREAD_PARKED;
	}
	return 0;
}

/* ---- binding and preference (§8.2, §9) ---------------------------------- */

int kaff_kthread_bind_mask(struct kaff_ctx *ctx, unsigned int id,
			   const struct kaff_cpumask *mask)
{
	struct kaff_kthread *k;
	struct kaff_imask *im;
	int ret = lookup(ctx, id, &k);

	if (ret)
		return ret;
	if (!mask_ok(ctx, mask))
		return -ERANGE;
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
	/* Forced write (do_set_cpus_allowed / set_cpus_allowed_force). */
	kt_assign(ctx, &k->cpus, im);
	kt_assign(ctx, &k->user, NULL);
	k->flags |= KAFF_KTHREAD_NO_SETAFFINITY;
	return 0;
}

int kaff_kthread_bind(struct kaff_ctx *ctx, unsigned int id, unsigned int cpu)
{
	struct kaff_kthread *k;
	struct kaff_cpumask *m;
	int ret = lookup(ctx, id, &k);

	if (ret)
		return ret;
	if (cpu >= ctx->nr_cpu_ids)
		return -ERANGE;
	m = ctx->tmp[1];
	kaff_cpumask_clear(m);
	kaff_cpumask_set_cpu(cpu, m);
	return kaff_kthread_bind_mask(ctx, id, m);
}

int kaff_kthread_affine_preferred(struct kaff_ctx *ctx, unsigned int id,
				  const struct kaff_cpumask *mask)
{
	struct kaff_cpumask *fetched = ctx ? ctx->tmp[0] : NULL;
	struct kaff_imask *pref, *cpus;
	struct kaff_kthread *k;
	int ret = lookup(ctx, id, &k);

	if (ret)
		return ret;
	if (!mask_ok(ctx, mask))
		return -ERANGE;
	if (k->flags & KAFF_KTHREAD_STARTED) {
		kaff__log(ctx, "WARNING: kthread_affine_preferred: kthread %u already started", id);
		return -EINVAL;
	}
	/* A second call corrupts the kernel's list (FORMAT.md): refused. */
	if (k->pref)
		return -EEXIST;
	pref = kaff__imask_get(ctx, mask);
	if (!pref)
		return -ENOMEM;
	k->pref = pref;
	kaff__kthread_fetch_affinity(ctx, k, fetched);
	cpus = kaff__imask_get(ctx, fetched);
	if (!cpus) {
		k->pref = NULL;
		kaff__imask_put(ctx, pref);
		return -ENOMEM;
	}
	/* No PF_NO_SETAFFINITY check: a bound kthread joins the list too. */
	list_add_tail(ctx, k);
	/* Forced write: no online check, user request dropped. */
	kt_assign(ctx, &k->cpus, cpus);
	kt_assign(ctx, &k->user, NULL);
	return 0;
}

/* ---- running (§6, §13) --------------------------------------------------- */

int kaff_wake_up_process(struct kaff_ctx *ctx, unsigned int id)
{
	struct kaff_cpumask *target = ctx ? ctx->tmp[0] : NULL;
	struct kaff_cpumask *out = ctx ? ctx->tmp[1] : NULL;
	const struct kaff_cpumask *cur;
	struct kaff_imask *user, *im = NULL;
	struct kaff_kthread *k;
	bool fallback, first, affine_node, changed = false;
	int ret = lookup(ctx, id, &k);

	if (ret)
		return ret;
	/* wake_up_process() does not wake a TASK_PARKED thread. */
	if (k->flags & KAFF_KTHREAD_PARKED)
		return 0;

	/* select_fallback_rq() (§13.3): with no allowed (online) CPU the
	 * cpuset v2 stage forces top_cpuset.cpus_allowed, all possible CPUs,
	 * and drops the user request. Bound kthreads included. */
	fallback = !kaff_cpumask_intersects(&k->cpus->mask, ctx->online);
	cur = fallback ? ctx->possible : &k->cpus->mask;
	user = fallback ? NULL : k->user;

	/* kthread() at the first run: kthread_affine_node() unless bound or
	 * preferred (§6.1). */
	first = !(k->flags & KAFF_KTHREAD_STARTED);
	affine_node = first && !(k->flags & KAFF_KTHREAD_NO_SETAFFINITY) && !k->pref;
	if (affine_node) {
		if (k->node != KAFF_NUMA_NO_NODE || ctx->profile->list_unbound) {
			kaff__kthread_fetch_affinity(ctx, k, target);
			set_cpus_allowed(ctx, cur, user, target, out, &changed);
		} else if (kaff_housekeeping_enabled(ctx, KAFF_HK_TYPE_KTHREAD)) {
			/* D4: 6.x housekeeping_affine(HK_TYPE_KTHREAD), unlisted. */
			set_cpus_allowed(ctx, cur, user, kaff__hk(ctx, KAFF_HK_TYPE_KTHREAD),
					 out, &changed);
		}
	}
	if (changed || fallback) {
		im = kaff__imask_get(ctx, changed ? out : ctx->possible);
		if (!im)
			return -ENOMEM;
		kt_assign(ctx, &k->cpus, im);
	}
	if (fallback)
		kt_assign(ctx, &k->user, NULL);
	if (first) {
		k->flags |= KAFF_KTHREAD_STARTED;
		/* 6.x lists only node kthreads; 7.x every one (D4). */
		if (affine_node && (k->node != KAFF_NUMA_NO_NODE || ctx->profile->list_unbound))
			list_add_tail(ctx, k);
	}
	return 0;
}

/*
 * sched_setaffinity() (§14): refused for PF_NO_SETAFFINITY; the request
 * minus CPUs given to cpuset partitions (all possible if that leaves no
 * active CPU); an unchanged mask only replaces the stored request; no
 * online CPU is -EINVAL; else mask and request are set. No housekeeping
 * filter.
 */
int kaff_sched_setaffinity(struct kaff_ctx *ctx, unsigned int id,
			   const struct kaff_cpumask *mask)
{
	struct kaff_cpumask *allowed = ctx ? ctx->tmp[0] : NULL;
	struct kaff_cpumask *want = ctx ? ctx->tmp[1] : NULL;
	struct kaff_imask *user, *cpus = NULL;
	struct kaff_kthread *k;
	bool same;
	int ret = lookup(ctx, id, &k);

	if (ret)
		return ret;
	if (!mask_ok(ctx, mask))
		return -ERANGE;
	if (k->flags & KAFF_KTHREAD_NO_SETAFFINITY)
		return -EINVAL;
	/* cpuset_cpus_allowed() for a top-cpuset task. */
	if (!kaff_cpumask_andnot(allowed, ctx->possible, ctx->cpuset_isolated) ||
	    !kaff_cpumask_intersects(allowed, ctx->online))
		kaff_cpumask_copy(allowed, ctx->possible);
	kaff_cpumask_and(want, mask, allowed);
	same = kaff_cpumask_equal(want, &k->cpus->mask);
	if (!same && !kaff_cpumask_intersects(want, ctx->online))
		return -EINVAL;
	user = kaff__imask_get(ctx, mask);
	if (!user)
		return -ENOMEM;
	if (!same) {
		cpus = kaff__imask_get(ctx, want);
		if (!cpus) {
			kaff__imask_put(ctx, user);
			return -ENOMEM;
		}
		kt_assign(ctx, &k->cpus, cpus);
	}
	kt_assign(ctx, &k->user, user);
	return 0;
}

/* ---- exit (§17) --------------------------------------------------------- */

int kaff_kthread_stop(struct kaff_ctx *ctx, unsigned int id)
{
	struct kaff_kthread *k;
	int ret = lookup(ctx, id, &k);

	if (ret)
		return ret;
	if (id == KAFF_KTHREADD)
		return -EPERM;
	/* A never-woken kthread runs its first-run steps before exiting;
	 * none of that is visible once it has left the table. */
	list_del(ctx, k);
	if (k->flags & KAFF_KTHREAD_PER_CPU) {
		if (k->list_prev != KAFF_NONE)
			ctx->kt[k->list_prev].list_next = k->list_next;
		else
			ctx->per_cpu_head = k->list_next;
		if (k->list_next != KAFF_NONE)
			ctx->kt[k->list_next].list_prev = k->list_prev;
		ctx->nr_per_cpu--;
	}
	if (k->live_prev != KAFF_NONE)
		ctx->kt[k->live_prev].live_next = k->live_next;
	else
		ctx->live_head = k->live_next;
	if (k->live_next != KAFF_NONE)
		ctx->kt[k->live_next].live_prev = k->live_prev;
	else
		ctx->live_tail = k->live_prev;
	ctx->nr_live--;
	kt_release(ctx, k);
	k->flags = 0;
	return 0;
}

/* ---- queries ------------------------------------------------------------ */

int kaff_kthread_fetch_affinity(const struct kaff_ctx *ctx, unsigned int id,
				struct kaff_cpumask *out)
{
	const struct kaff_kthread *k;

	if (!ctx || !out)
		return -EINVAL;
	if (!ctx->booted)
		return -EPERM;
	k = kaff__kt(ctx, id);
	if (!k)
		return -ESRCH;
	if (out->nbits != ctx->nr_cpu_ids)
		return -ERANGE;
	kaff__kthread_fetch_affinity(ctx, k, out);
	return 0;
}

int kaff_kthread_get_info(const struct kaff_ctx *ctx, unsigned int id,
			  struct kaff_kthread_info *info)
{
	const struct kaff_kthread *k;

	if (!ctx || !info)
		return -EINVAL;
	if (!ctx->booted)
		return -EPERM;
	k = kaff__kt(ctx, id);
	if (!k)
		return -ESRCH;
	info->id = id;
	info->node = k->node;
	info->cpu = k->cpu;
	info->flags = k->flags & 0xffu;
	info->cpus = &k->cpus->mask;
	info->preferred = k->pref ? &k->pref->mask : NULL;
	info->user = k->user ? &k->user->mask : NULL;
	return 0;
}

const struct kaff_cpumask *kaff_kthread_cpus_mask(const struct kaff_ctx *ctx,
						  unsigned int id)
{
	const struct kaff_kthread *k = (ctx && ctx->booted) ? kaff__kt(ctx, id) : NULL;

	return k ? &k->cpus->mask : NULL;
}

unsigned int kaff_kthread_first(const struct kaff_ctx *ctx)
{
	return (ctx && ctx->booted) ? ctx->live_head : KAFF_NONE;
}

unsigned int kaff_kthread_next(const struct kaff_ctx *ctx, unsigned int id)
{
	const struct kaff_kthread *k = ctx ? kaff__kt(ctx, id) : NULL;

	return (k && id != KAFF_KTHREADD) ? k->live_next : KAFF_NONE;
}

unsigned int kaff_kthread_count(const struct kaff_ctx *ctx)
{
	return ctx ? ctx->nr_live : 0;
}

unsigned int kaff_managed_first(const struct kaff_ctx *ctx)
{
	return (ctx && ctx->booted) ? ctx->list_head : KAFF_NONE;
}

unsigned int kaff_managed_next(const struct kaff_ctx *ctx, unsigned int id)
{
	const struct kaff_kthread *k = ctx ? kaff__kt(ctx, id) : NULL;

	return (k && (k->flags & KAFF_KTHREAD_MANAGED)) ? k->list_next : KAFF_NONE;
}
