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
#include <stddef.h>

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
 * from the base, in enum order ("6.14+kthread_hk=HK_TYPE_DOMAIN"), then
 * its hooks' label (kaff_profile_set_label()). kaff_profile_parse() reads
 * the name of a profile without hooks back into the same rules.
 */
KAFF_EXPORT const char *kaff_profile_name(const struct kaff_profile *p);

/**
 * kaff_profile_rules() - which rule set: "6.14" (the seed's), "7.x", or
 * "custom" when a derived profile's rules match neither or it has a hook.
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

/* ---- rules as text ------------------------------------------------------ */

/**
 * kaff_profile_parse() - a profile written as text
 * @spec:   "BASE" or "BASE+RULE=VALUE[+RULE=VALUE...]": BASE is a
 *          built-in profile ("6.14" .. "7.3"), RULE a name as
 *          kaff_profile_rule_name() gives it, VALUE as
 *          kaff_profile_value_name() gives it ("true", "false",
 *          "HK_TYPE_KERNEL_NOISE", "HK_TYPE_DOMAIN"). A later term for the
 *          same rule wins. Example: "6.14+kthread_hk=HK_TYPE_DOMAIN".
 * @out:    receives a derived profile (free with kaff_profile_free()),
 *          also when @spec is a bare BASE
 * @errpos: if not NULL, receives on error the offset in @spec of the term
 *          refused: 0 for the base, else the first character of the
 *          "RULE=VALUE" term
 *
 * Return: 0; -EINVAL for a NULL argument, a base not of the form
 *         MAJOR.MINOR, an empty term, a term without '=' or a value not
 *         valid for its rule; -ERANGE for a base outside 6.14 .. 7.3;
 *         -ENOENT for an unknown rule name; -ENOMEM. On error *@out is
 *         NULL: nothing is half-made.
 */
KAFF_EXPORT int kaff_profile_parse(const char *spec, struct kaff_profile **out,
				   size_t *errpos);

/**
 * kaff_profile_set_rules() - kaff_profile_parse()'s terms, applied to a
 * derived profile: "RULE=VALUE[+RULE=VALUE...]" (no base)
 *
 * Return: as kaff_profile_parse() (-EINVAL also for a NULL or built-in
 *         @p), with *@errpos the offset in @rules. All or nothing: on
 *         error @p is unchanged.
 */
KAFF_EXPORT int kaff_profile_set_rules(struct kaff_profile *p, const char *rules,
				       size_t *errpos);

/* ---- hooks: your own rule in C -------------------------------------------
 *
 * A derived profile may carry two hooks that replace kernel rules. A
 * context copies them with the profile; both engines call them
 * (kaff_ctx_set_engine()). The incremental engine computes a rule once
 * for all the listed kthreads of a class and only when the class's
 * inputs changed, so a hook must be a pure function of its arguments: the
 * same arguments give the same answer, whenever and however often it is
 * called, and it changes nothing libkaff can see. A hook that also reads
 * the online mask says so (KAFF_FETCH_READS_ONLINE), and the incremental
 * engine then re-evaluates every class on each CPU online.
 * docs/api-conventions.md has the whole contract.
 */

/* What kthread_fetch_affinity() is given. libkaff may add fields at the
 * end; a hook must not read past the fields it knows. */
struct kaff_fetch_args {
	/* The class: a preference, else a node (KAFF_NUMA_NO_NODE when the
	 * kthread has neither, or when it has a preference: the kernel then
	 * ignores its node). */
	const struct kaff_cpumask *preferred;  /* NULL: no preference */
	int node;
	/* cpumask_of_node(node): the node's online CPUs; NULL for
	 * KAFF_NUMA_NO_NODE */
	const struct kaff_cpumask *node_cpus;
	/* the profile's kthread_hk rule: which of @hk HK_TYPE_KTHREAD is */
	enum kaff_hk_type kthread_hk;
	/* housekeeping_cpumask(type) for each type */
	const struct kaff_cpumask *hk[KAFF_HK_TYPE_MAX];
	const struct kaff_cpumask *possible;
	/* cpu_online_mask: NULL unless the hook was set with
	 * KAFF_FETCH_READS_ONLINE */
	const struct kaff_cpumask *online;
	/* the profile's list_unbound rule (the kernel's 6.x WARNs and
	 * returns an empty mask for a class with neither preference nor node) */
	bool list_unbound;
};

/*
 * A kthread_fetch_affinity() hook: write the kthread's affinity into @out
 * (nr_cpu_ids bits, cleared beforehand). An empty @out is refused: the
 * call or event that asked fails with -EDOM and changes nothing.
 */
typedef void (*kaff_fetch_fn)(void *data, const struct kaff_fetch_args *args,
			      struct kaff_cpumask *out);

/* kaff_profile_set_fetch_fn() flags */
#define KAFF_FETCH_READS_ONLINE 0x1u

/**
 * kaff_profile_set_fetch_fn() - replace kthread_fetch_affinity() for
 * contexts made from @p: the affinity a preferred kthread gets, a listed
 * kthread gets at its first run (kthread_affine_node()), and every listed
 * kthread gets when CPU online or a housekeeping update re-affines it
 * (kthreads_update_affinity()); kaff_kthread_fetch_affinity() answers it.
 * @fn:    NULL restores the kernel's rule
 * @data:  passed to @fn; must outlive every context made from @p
 * @flags: 0 or KAFF_FETCH_READS_ONLINE
 *
 * Return: 0; -EINVAL for a NULL or built-in @p or unknown @flags.
 */
KAFF_EXPORT int kaff_profile_set_fetch_fn(struct kaff_profile *p, kaff_fetch_fn fn,
					  void *data, unsigned int flags);

/* What the CPU-online re-affinement asks of each managed kthread's class.
 * libkaff may add fields at the end. */
struct kaff_online_args {
	const struct kaff_cpumask *preferred;  /* NULL: no preference */
	int node;                              /* as in struct kaff_fetch_args */
	/* the profile's online_skips_unbound rule */
	bool skips_unbound;
};

/*
 * A kthreads_online_cpu() hook: true when CPU online re-affines the
 * managed kthreads of this class (the kernel's rule: always, except, under
 * online_skips_unbound, a class with neither preference nor node).
 * Housekeeping updates re-affine every class whatever it says.
 */
typedef bool (*kaff_online_fn)(void *data, const struct kaff_online_args *args);

/**
 * kaff_profile_set_online_fn() - replace which managed kthreads a CPU
 * online re-affines, for contexts made from @p
 * @fn:   NULL restores the kernel's rule
 * @data: passed to @fn; must outlive every context made from @p
 *
 * Return: 0; -EINVAL for a NULL or built-in @p.
 */
KAFF_EXPORT int kaff_profile_set_online_fn(struct kaff_profile *p, kaff_online_fn fn,
					   void *data);

/** kaff_profile_get_fetch_fn() - @p's fetch hook (NULL: none), its data
 * and flags; any output pointer may be NULL */
KAFF_EXPORT kaff_fetch_fn kaff_profile_get_fetch_fn(const struct kaff_profile *p, void **data,
						    unsigned int *flags);

/** kaff_profile_get_online_fn() - @p's online hook (NULL: none) and its data */
KAFF_EXPORT kaff_online_fn kaff_profile_get_online_fn(const struct kaff_profile *p,
						      void **data);

/**
 * kaff_profile_set_label() - how kaff_profile_name() names @p's hooks: it
 * appends "+LABEL" (without a label, "+fetch_fn" and/or "+online_fn" for
 * the hooks set)
 * @label: at most KAFF_PROFILE_LABEL_MAX bytes; NULL or "" removes it
 *
 * Return: 0; -EINVAL for a NULL or built-in @p; -ENAMETOOLONG.
 */
#define KAFF_PROFILE_LABEL_MAX 255
KAFF_EXPORT int kaff_profile_set_label(struct kaff_profile *p, const char *label);

/*
 * A shared object that carries a rule for `kaff --kernel BASE+./rule.so`
 * exports this entry point. kaff calls it once on the derived profile,
 * which it sets hooks on (and rules, if it wants); it returns 0 or a
 * negative errno, which kaff reports.
 */
#define KAFF_RULE_ENTRY "kaff_rule_init"
typedef int (*kaff_rule_init_fn)(struct kaff_profile *p);

#ifdef __cplusplus
}
#endif

#endif /* LIBKAFF_PROFILE_H */
