/* SPDX-License-Identifier: MIT */
/*
 * libkaff profiles: which kernel's rules a context follows.
 *
 * Every MAJOR.MINOR from 6.14 (the seed commit 4d13f4304fa4 "kthread:
 * Implement preferred affinity", the default) to 7.3 is a profile.
 * 6.14-6.19 follow the seed's rules, 7.0-7.3 those of the 7.0 series
 * "cpuset/isolation: Honour kthreads preferred affinity" (KERNEL.md §20).
 * Each difference is one named field below, so that the engine's code
 * reads "if (p->online_skips_unbound)" rather than "if (major >= 7)".
 */
#ifndef LIBKAFF_PROFILE_H
#define LIBKAFF_PROFILE_H

#include <stdbool.h>

#include <libkaff/common.h>
#include <libkaff/housekeeping.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kaff_profile {
	unsigned int major, minor;
	const char *name;                   /* "6.14" */
	const char *rules;                  /* "6.14" (seed) or "7.x" */

	/* D1/D2: the type HK_TYPE_KTHREAD means, used by kthreadd, by
	 * kthread_fetch_affinity() and for NUMA_NO_NODE kthreads:
	 * KERNEL_NOISE (nohz_full=, isolcpus=nohz) in 6.x, DOMAIN in 7.x. */
	enum kaff_hk_type kthread_hk;
	/* D4/D5/D6: kthreadd and unbound NUMA_NO_NODE kthreads join the
	 * managed list at first run, and fetch gives them housekeeping. */
	bool list_unbound;
	/* D7: CPU online skips listed kthreads with neither node nor
	 * preference (kthreads_update_affinity(force = false)). */
	bool online_skips_unbound;
	/* D8/D9: isolated cpuset partitions update HK_TYPE_DOMAIN at run time
	 * and re-affine the managed list (housekeeping_update()). */
	bool runtime_domain_isolation;
	/* D14: the "keep one online domain-housekeeping CPU" hotplug check
	 * excludes the CPU going down (6.x cpu_down_maps_locked()) rather
	 * than including it (7.x _cpu_down()). */
	bool offline_check_excludes_target;
	/* D15: a second isolation boot parameter sharing a flag with the
	 * first is compared with housekeeping_cpumask(), still cpu_possible
	 * during parsing, so it is always ignored (7.x); 6.x compares the
	 * stored mask and accepts an identical list. */
	bool boot_shared_flag_always_ignored;
	/* D9: isolcpus= domain also sets HK_TYPE_DOMAIN_BOOT. */
	bool has_domain_boot;
};

/**
 * kaff_profile_lookup() - the profile named "MAJOR.MINOR"
 * @version: e.g. "6.14", "7.3"; NULL means the default (6.14)
 * @out:     receives the profile (static data, never freed)
 *
 * Return: 0; -EINVAL if @version is not of the form MAJOR.MINOR (decimal,
 *         no sign, no leading zeros beyond "0"); -ERANGE if it is well
 *         formed but not between 6.14 and 7.3.
 */
KAFF_EXPORT int kaff_profile_lookup(const char *version,
				    const struct kaff_profile **out);

/** kaff_profile_default() - the 6.14 profile */
KAFF_EXPORT const struct kaff_profile *kaff_profile_default(void);

/**
 * kaff_profile_next() - iterate over all profiles in version order
 * @prev: NULL for the first
 *
 * Return: the profile after @prev, or NULL after 7.3.
 */
KAFF_EXPORT const struct kaff_profile *kaff_profile_next(const struct kaff_profile *prev);

#ifdef __cplusplus
}
#endif

#endif /* LIBKAFF_PROFILE_H */
