/* SPDX-License-Identifier: MIT */
/*
 * Isolated cpuset partitions (7.x kernel/cgroup/cpuset.c) and the
 * run-time housekeeping update they trigger, housekeeping_update() (in
 * kernel/sched/isolation.c in the kernel; here beside its only caller,
 * so that isolation.c stays below the update machinery).
 */
#include <errno.h>

#include "kaff-private.h"

const struct kaff_cpumask *kaff_cpuset_isolated_cpus(const struct kaff_ctx *ctx)
{
	if (!ctx || !ctx->booted)
		return NULL;
	return ctx->cpuset_isolated;
}

/* Publish hk(DOMAIN) = tmp.hk_new (undo: put the old one back). */
static void hk_domain_change(struct kaff_ctx *ctx, struct kaff_event *ev, bool undo)
{
	struct kaff_cpumask *hk = ctx->hk[KAFF_HK_TYPE_DOMAIN];

	if (undo) {
		ctx->hk_flags = ev->saved_flags;
		kaff_cpumask_copy(hk, ctx->tmp.hk_old);
		return;
	}
	ev->saved_flags = ctx->hk_flags;
	kaff_cpumask_copy(ctx->tmp.hk_old, hk);
	ctx->hk_flags |= 1u << KAFF_HK_TYPE_DOMAIN;
	kaff_cpumask_copy(hk, ctx->tmp.hk_new);
}

/*
 * housekeeping_update() as cpuset calls it at the end of a partition
 * change: hk(DOMAIN) = hk(DOMAIN_BOOT) \ @isol, refused when that leaves
 * no online CPU, then kthreads_update_housekeeping() re-affines the
 * managed list (a forced kthreads_update_affinity()).
 */
static int housekeeping_update(struct kaff_ctx *ctx, const struct kaff_cpumask *isol)
{
	struct kaff_event ev = {
		.change = hk_domain_change,
		.stage = { kaff__update_affinity },
		.cpu = KAFF_NONE,
		.force = true,
	};
	int ret;

	kaff_cpumask_andnot(ctx->tmp.hk_new, kaff__hk(ctx, KAFF_HK_TYPE_DOMAIN_BOOT), isol);
	if (!kaff_cpumask_intersects(ctx->tmp.hk_new, ctx->online))
		return -EINVAL;
	ret = kaff__run_event(ctx, &ev);
	/* A bound kthread on the list only WARNs here (WARN_ON_ONCE(err < 0)). */
	if (!ret && ev.callback_failed)
		kaff__log(ctx, "WARNING: housekeeping_update: kthreads_update_housekeeping() failed: EINVAL");
	return ret;
}

/* Make @cpus the partition's CPUs; a change of isolated_cpus (boot ones
 * included) triggers housekeeping_update() (cpuset's
 * isolated_cpus_update() reports whether the set changed). */
static int set_partition(struct kaff_ctx *ctx, const struct kaff_cpumask *cpus)
{
	struct kaff_cpumask *isol = ctx->tmp.isolated, *old = ctx->tmp.was_isolated;
	struct kaff_event deferred_only = { .cpu = KAFF_NONE };
	int ret;

	kaff_cpumask_or(isol, ctx->boot_isolated, cpus);
	kaff_cpumask_or(old, ctx->boot_isolated, ctx->cpuset_isolated);
	if (!kaff_cpumask_equal(isol, old))
		ret = housekeeping_update(ctx, isol);
	else
		ret = kaff__run_event(ctx, &deferred_only);
	if (ret)
		return ret;
	kaff_cpumask_copy(ctx->cpuset_isolated, cpus);
	return 0;
}

/*
 * CPU hotplug left no online CPU outside the isolated partitions: cpuset
 * invalidates them ("Parent unable to distribute cpu downstream"). The
 * housekeeping mask is back to the boot one at once (the next offline's
 * check sees it), the kthreads follow later (the deferred update).
 */
void kaff__cpuset_hotplug(struct kaff_ctx *ctx)
{
	if (!kaff__rule(ctx, KAFF_RULE_RUNTIME_DOMAIN_ISOLATION) ||
	    kaff_cpumask_empty(ctx->cpuset_isolated) ||
	    !kaff_cpumask_subset(ctx->online, ctx->cpuset_isolated))
		return;
	kaff_cpumask_clear(ctx->cpuset_isolated);
	kaff_cpumask_copy(ctx->hk[KAFF_HK_TYPE_DOMAIN], kaff__hk(ctx, KAFF_HK_TYPE_DOMAIN_BOOT));
	ctx->hk_update_deferred = true;
	kaff__log(ctx, "cpuset: isolated partition invalidated (no online CPU left outside it)");
}

int kaff_cpuset_set_isolated(struct kaff_ctx *ctx, const struct kaff_cpumask *cpus)
{
	int ret;

	if (!ctx || !cpus)
		return -EINVAL;
	if (!ctx->booted)
		return -EPERM;
	if (cpus->nbits != ctx->nr_cpu_ids)
		return -ERANGE;
	if (!kaff__rule(ctx, KAFF_RULE_RUNTIME_DOMAIN_ISOLATION))
		return -EOPNOTSUPP;

	ret = set_partition(ctx, cpus);
	if (ret != -EINVAL)
		return ret;
	/* Refused: no online domain-housekeeping CPU would remain. The
	 * oracle then turns the cpuset back into a member with no CPUs. */
	ret = set_partition(ctx, ctx->empty);
	return ret ? ret : -EINVAL;
}

/*
 * The deferred update now: what cpuset's hk_sd_work item does when the
 * workqueue runs it (update_isolation_cpumasks() ->
 * housekeeping_update() -> kthreads_update_housekeeping()). libkaff
 * otherwise runs it at the start of the next event that re-affines
 * kthreads; a simulator that models the work item calls this instead.
 */
int kaff_ctx_run_deferred(struct kaff_ctx *ctx)
{
	struct kaff_event deferred_only = { .cpu = KAFF_NONE };
	int ret;

	if (!ctx)
		return -EINVAL;
	if (!ctx->booted)
		return -EPERM;
	if (!ctx->hk_update_deferred)
		return 0;
	ret = kaff__run_event(ctx, &deferred_only);
	return ret ? ret : 1;
}
