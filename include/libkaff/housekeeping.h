/* SPDX-License-Identifier: MIT */
/*
 * libkaff housekeeping: the masks of kernel/sched/isolation.c, set from
 * the nohz_full= and isolcpus= boot parameters and, in 7.x, from isolated
 * cpuset partitions (docs/algorithm.md#rule-housekeeping).
 */
#ifndef LIBKAFF_HOUSEKEEPING_H
#define LIBKAFF_HOUSEKEEPING_H

#include <stdbool.h>

#include <libkaff/common.h>
#include <libkaff/cpumask.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kaff_ctx;

/* The real masks (DOMAIN_BOOT only under the has_domain_boot rule: 7.x). */
enum kaff_hk_type {
	KAFF_HK_TYPE_DOMAIN_BOOT,
	KAFF_HK_TYPE_DOMAIN,
	KAFF_HK_TYPE_MANAGED_IRQ,
	KAFF_HK_TYPE_KERNEL_NOISE,
	KAFF_HK_TYPE_MAX,
	/* Alias whose target is the profile's kthread_hk rule: KERNEL_NOISE
	 * in 6.x, DOMAIN in 7.x. */
	KAFF_HK_TYPE_KTHREAD = 16,
	/* Aliases of KERNEL_NOISE in both (the 6.13 consolidation). */
	KAFF_HK_TYPE_TICK = KAFF_HK_TYPE_KERNEL_NOISE,
	KAFF_HK_TYPE_TIMER = KAFF_HK_TYPE_KERNEL_NOISE,
	KAFF_HK_TYPE_RCU = KAFF_HK_TYPE_KERNEL_NOISE,
	KAFF_HK_TYPE_MISC = KAFF_HK_TYPE_KERNEL_NOISE,
	KAFF_HK_TYPE_WQ = KAFF_HK_TYPE_KERNEL_NOISE
};

/**
 * kaff_housekeeping_cpumask() - housekeeping_cpumask(@type)
 * @ctx:  a booted context
 * @type: a type or alias
 *
 * As the kernel: the stored mask when isolation is configured for @type,
 * otherwise all possible CPUs. Masks are possible-based (they hold
 * offline CPUs).
 *
 * Return: a mask owned by @ctx, valid until the next call that changes
 *         @ctx; NULL if @ctx is not booted or @type is unknown.
 */
KAFF_EXPORT const struct kaff_cpumask *
kaff_housekeeping_cpumask(const struct kaff_ctx *ctx, enum kaff_hk_type type);

/** kaff_housekeeping_enabled() - housekeeping_enabled(@type): isolation configured for @type */
KAFF_EXPORT bool kaff_housekeeping_enabled(const struct kaff_ctx *ctx,
					   enum kaff_hk_type type);

/**
 * kaff_cpuset_isolated_cpus() - the CPUs of isolated cpuset partitions (7.x)
 *
 * Return: a mask owned by @ctx (empty in 6.x and before any isolate);
 *         NULL if @ctx is not booted.
 */
KAFF_EXPORT const struct kaff_cpumask *
kaff_cpuset_isolated_cpus(const struct kaff_ctx *ctx);

/**
 * kaff_cpuset_set_isolated() - make @cpus the CPUs of isolated partitions
 * @ctx:  a booted context whose profile has runtime_domain_isolation (7.x)
 * @cpus: the new set (empty: no partition), of width nr_cpu_ids
 *
 * Models one cgroup-v2 cpuset with cpuset.cpus.partition = isolated
 * (FORMAT.md "isolate"). When the set of isolated CPUs (boot-isolated
 * ones included) changes, HK_TYPE_DOMAIN becomes HK_TYPE_DOMAIN_BOOT
 * minus @cpus and every kthread on the managed list is re-affined
 * (kthreads_update_housekeeping()).
 *
 * Return: 0; -EINVAL when the kernel refuses the partition because no
 *         online domain-housekeeping CPU would remain: then, as the
 *         oracle does after a refusal, the partition is reset to none
 *         (with its effects on kthreads). Refused by libkaff, nothing
 *         changed: -EOPNOTSUPP without runtime_domain_isolation (6.x: not
 *         modelled), -EPERM
 *         before kaff_machine_boot(), -ERANGE if @cpus->nbits is not
 *         nr_cpu_ids, -ENOMEM.
 */
KAFF_EXPORT int kaff_cpuset_set_isolated(struct kaff_ctx *ctx,
					 const struct kaff_cpumask *cpus);

/**
 * kaff_ctx_run_deferred() - run a pending 7.x deferred housekeeping update now
 *
 * When CPU hotplug leaves no online CPU outside the isolated partitions,
 * cpuset invalidates them and HK_TYPE_DOMAIN is the boot one again at
 * once, but the kthreads follow only when cpuset's work item (hk_sd_work)
 * runs kthreads_update_housekeeping(). libkaff runs that update at the
 * start of the next event that re-affines kthreads (CPU online or
 * offline, an isolate), which is what recorded kernels show; a simulator
 * that models the workqueue calls this where the work item runs.
 *
 * Return: 1 if an update was pending and ran (every kthread on the
 *         managed list re-affined, the change callback called), 0 if none
 *         was pending; -EINVAL for a NULL @ctx, -EPERM before
 *         kaff_machine_boot(), -ENOMEM (nothing changed, still pending).
 */
KAFF_EXPORT int kaff_ctx_run_deferred(struct kaff_ctx *ctx);

#ifdef __cplusplus
}
#endif

#endif /* LIBKAFF_HOUSEKEEPING_H */
