/* SPDX-License-Identifier: MIT */
/*
 * The scheduler's affinity rules, as kernel/sched/core.c and
 * kernel/sched/syscalls.c (v6.14, v7.3): __set_cpus_allowed_ptr() and
 * sched_setaffinity(); select_fallback_rq(), which every wake asks, is
 * inline in kaff-private.h.
 */
#include <errno.h>

#include "kaff-private.h"

/*
 * __set_cpus_allowed_ptr() for a kthread without SCA_USER: the stored
 * user request filters @target when they intersect
 * (restrict_cpus_allowed_ptr()'s user_cpus_ptr handling); an unchanged
 * mask is success; a mask with no online CPU is -EINVAL (SCA_NO_ONLINE).
 * The one place this rule lives: the kthread code and both update walks
 * ask it.
 */
int kaff__cpus_allowed(const struct kaff_ctx *ctx, const struct kaff_cpumask *cur,
		       const struct kaff_imask *user, const struct kaff_cpumask *target,
		       struct kaff_cpumask *out)
{
	if (!user || !kaff_cpumask_and(out, target, &user->mask))
		kaff_cpumask_copy(out, target);
	if (kaff_cpumask_equal(out, cur))
		return SCA_SAME;
	if (!kaff_cpumask_intersects(out, ctx->online))
		return SCA_NO_ONLINE;
	return SCA_CHANGE;
}

/*
 * sched_setaffinity(): refused for PF_NO_SETAFFINITY; the request minus
 * CPUs given to cpuset partitions (cpuset_cpus_allowed(): all possible if
 * that leaves no active CPU); an unchanged mask only replaces the stored
 * request; no online CPU is -EINVAL; else mask and request are set. No
 * housekeeping filter.
 */
int kaff_sched_setaffinity(struct kaff_ctx *ctx, unsigned int id,
			   const struct kaff_cpumask *mask)
{
	struct kaff_cpumask *allowed = ctx ? ctx->tmp.target : NULL;
	struct kaff_cpumask *want = ctx ? ctx->tmp.result : NULL;
	struct kaff_imask *user, *cpus;
	struct kaff_kthread *k;
	int ret = kaff__lookup_mask(ctx, id, mask, &k);

	if (ret)
		return ret;
	if (k->flags & KAFF_KTHREAD_NO_SETAFFINITY)
		return -EINVAL;
	/* cpuset_cpus_allowed() for a top-cpuset task. */
	if (!kaff_cpumask_andnot(allowed, ctx->possible, ctx->cpuset_isolated) ||
	    !kaff_cpumask_intersects(allowed, ctx->online))
		kaff_cpumask_copy(allowed, ctx->possible);
	kaff_cpumask_and(want, mask, allowed);
	/* SCA_USER: the new request replaces the stored one instead of
	 * filtering the mask. */
	if (kaff__cpus_allowed(ctx, &kaff__kt_cpus(k)->mask, NULL, want, allowed) ==
	    SCA_NO_ONLINE)
		return -EINVAL;
	user = kaff__imask_get(ctx, mask);
	if (!user)
		return -ENOMEM;
	cpus = kaff__imask_get(ctx, allowed);
	if (!cpus) {
		kaff__imask_put(ctx, user);
		return -ENOMEM;
	}
	ret = kaff__task_set(ctx, k, cpus, user, k->flags);
	kaff__imask_put(ctx, user);
	kaff__imask_put(ctx, cpus);
	kaff__groups_settle(ctx);
	return ret;
}
