/* SPDX-License-Identifier: MIT */
/*
 * libkaff profiles: which kernel's rules a context follows.
 *
 * Every MAJOR.MINOR from 6.14 (the seed commit 4d13f4304fa4 "kthread:
 * Implement preferred affinity", the default) to 7.3 is a built-in
 * profile. 6.14-6.19 follow the seed's rules, 7.0-7.3 those of the 7.0
 * series "cpuset/isolation: Honour kthreads preferred affinity". Each
 * difference is one named rule (enum kaff_rule), so that the engine reads
 * "if online_skips_unbound" rather than "if major >= 7", and a caller can
 * derive a profile from a base and change its rules one by one.
 *
 * A profile is opaque: read it with the accessors, derive a new one with
 * kaff_profile_derive(). A context keeps its own copy of the profile it
 * was made with, so a derived profile may be freed once the context
 * exists (docs/api-conventions.md).
 */
#ifndef LIBKAFF_PROFILE_H
#define LIBKAFF_PROFILE_H

#include <stdbool.h>

#include <libkaff/common.h>
#include <libkaff/housekeeping.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kaff_profile;

/*
 * The rules. Their values are bool (0/1), except KAFF_RULE_KTHREAD_HK,
 * an enum kaff_hk_type (KERNEL_NOISE or DOMAIN). Names as
 * kaff_profile_rule_name() gives them.
 */
enum kaff_rule {
	/* "kthread_hk": the type HK_TYPE_KTHREAD means, used by kthreadd,
	 * kthread_fetch_affinity() and NUMA_NO_NODE kthreads: KERNEL_NOISE
	 * (nohz_full=, isolcpus=nohz) in 6.x, DOMAIN in 7.x. */
	KAFF_RULE_KTHREAD_HK,
	/* "list_unbound": kthreadd and unbound NUMA_NO_NODE kthreads join
	 * the managed list at first run, and fetch gives them housekeeping
	 * (7.x kthread_affine_node()). */
	KAFF_RULE_LIST_UNBOUND,
	/* "online_skips_unbound": CPU online leaves listed kthreads with
	 * neither node nor preference alone (7.x kthreads_online_cpu()). */
	KAFF_RULE_ONLINE_SKIPS_UNBOUND,
	/* "runtime_domain_isolation": isolated cpuset partitions update
	 * HK_TYPE_DOMAIN at run time and re-affine the managed list (7.x
	 * housekeeping_update()). */
	KAFF_RULE_RUNTIME_DOMAIN_ISOLATION,
	/* "offline_check_excludes_target": the "keep one online
	 * domain-housekeeping CPU" hotplug check excludes the CPU going down
	 * (6.x cpu_down_maps_locked()) rather than including it (7.x). */
	KAFF_RULE_OFFLINE_CHECK_EXCLUDES_TARGET,
	/* "boot_shared_flag_always_ignored": a second isolation boot
	 * parameter sharing a flag with the first is compared with
	 * housekeeping_cpumask(), still cpu_possible during parsing, so it is
	 * always ignored (7.x); 6.x compares the stored mask. */
	KAFF_RULE_BOOT_SHARED_FLAG_ALWAYS_IGNORED,
	/* "has_domain_boot": isolcpus= domain also sets HK_TYPE_DOMAIN_BOOT
	 * (7.x). */
	KAFF_RULE_HAS_DOMAIN_BOOT,
	KAFF_RULE_MAX
};

/**
 * kaff_profile_lookup() - the built-in profile named "MAJOR.MINOR"
 * @version: e.g. "6.14", "7.3"; NULL means the default (6.14)
 * @out:     receives the profile (static data; kaff_profile_free() on it
 *           does nothing)
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
 * kaff_profile_next() - iterate over the built-in profiles in version order
 * @prev: NULL for the first
 *
 * Return: the profile after @prev, or NULL after 7.3 (or if @prev is not
 *         a built-in profile).
 */
KAFF_EXPORT const struct kaff_profile *kaff_profile_next(const struct kaff_profile *prev);

/**
 * kaff_profile_name() - "6.14" for a built-in profile; for a derived one
 * its base's name followed by "+rule=value" for each rule that differs
 * from the base, in enum order ("6.14+kthread_hk=HK_TYPE_DOMAIN").
 */
KAFF_EXPORT const char *kaff_profile_name(const struct kaff_profile *p);

/**
 * kaff_profile_rules() - which rule set: "6.14" (the seed's), "7.x", or
 * "custom" when a derived profile's rules match neither.
 */
KAFF_EXPORT const char *kaff_profile_rules(const struct kaff_profile *p);

/**
 * kaff_profile_version() - the kernel version of the profile (of its base
 * for a derived one): what a scenario's "kernel" line must name.
 */
KAFF_EXPORT void kaff_profile_version(const struct kaff_profile *p, unsigned int *major,
				      unsigned int *minor);

/**
 * kaff_profile_get() - the value of @rule in @p
 *
 * Return: 0/1 for the bool rules, an enum kaff_hk_type for
 *         KAFF_RULE_KTHREAD_HK; -EINVAL if @p is NULL or @rule unknown.
 */
KAFF_EXPORT int kaff_profile_get(const struct kaff_profile *p, enum kaff_rule rule);

/**
 * kaff_profile_derive() - a new profile with the rules of @base
 * @base: any profile (NULL: the default)
 * @out:  receives it; free with kaff_profile_free()
 *
 * Return: 0; -EINVAL if @out is NULL; -ENOMEM.
 */
KAFF_EXPORT int kaff_profile_derive(const struct kaff_profile *base,
				    struct kaff_profile **out);

/**
 * kaff_profile_set() - set @rule of a derived profile to @value
 *
 * Return: 0; -EINVAL if @p is NULL, a built-in profile, @rule unknown, or
 *         @value not valid for @rule (bool rules take 0 or 1;
 *         KAFF_RULE_KTHREAD_HK takes KAFF_HK_TYPE_KERNEL_NOISE or
 *         KAFF_HK_TYPE_DOMAIN). On error @p is unchanged.
 */
KAFF_EXPORT int kaff_profile_set(struct kaff_profile *p, enum kaff_rule rule, int value);

/**
 * kaff_profile_set_by_name() - kaff_profile_set() with the rule and value
 * written as text: @name as kaff_profile_rule_name() gives it, @value
 * "true"/"false" or, for kthread_hk, "HK_TYPE_KERNEL_NOISE"/"HK_TYPE_DOMAIN".
 *
 * Return: 0; -ENOENT for an unknown rule name; -EINVAL for a bad value
 *         (or a NULL or built-in @p). On error @p is unchanged.
 */
KAFF_EXPORT int kaff_profile_set_by_name(struct kaff_profile *p, const char *name,
					 const char *value);

/** kaff_profile_free() - free a derived profile; NULL and built-ins: no-op */
KAFF_EXPORT void kaff_profile_free(struct kaff_profile *p);

/** kaff_profile_rule_name() - "kthread_hk", ...; NULL if @rule is unknown */
KAFF_EXPORT const char *kaff_profile_rule_name(enum kaff_rule rule);

/**
 * kaff_profile_rule_lookup() - the rule named @name
 *
 * Return: an enum kaff_rule, or -ENOENT.
 */
KAFF_EXPORT int kaff_profile_rule_lookup(const char *name);

/**
 * kaff_profile_value_name() - @value of @rule as text: "true", "false",
 * "HK_TYPE_KERNEL_NOISE", "HK_TYPE_DOMAIN"; NULL if not valid for @rule.
 */
KAFF_EXPORT const char *kaff_profile_value_name(enum kaff_rule rule, int value);

#ifdef __cplusplus
}
#endif

#endif /* LIBKAFF_PROFILE_H */
