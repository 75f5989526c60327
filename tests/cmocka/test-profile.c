/* SPDX-License-Identifier: MIT */
/*
 * cmocka tests of src/profile.c: kaff_profile_lookup(), the default and
 * kaff_profile_next().
 *
 * Expected field values come from docs/algorithm.md#rule-differences (the D-rows named in each
 * comment) and #rule-differences: 6.14-6.19 follow the seed's rules (4d13f4304fa4 and its
 * series; none of the 7.0 series "cpuset/isolation: Honour kthreads
 * preferred affinity" is in them), 7.0-7.3 follow the 7.x rules (that
 * series, merged for 7.0, plus the HK_TYPE_KTHREAD alias change present in
 * 7.3). The version grammar is the one documented in profile.h.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <libkaff/common.h>
#include <libkaff/machine.h>
#include <libkaff/profile.h>
#include <libkaff/cpulist.h>
#include <libkaff/kthread.h>

#include "test-common.h"

/* What each version must look like (docs/algorithm.md#rule-differences). */
struct want_profile {
	const char *name;
	unsigned int major, minor;
	bool seven; /* true: 7.x rules; false: the 6.14 seed's rules */
};

/* #rule-differences: every MAJOR.MINOR from 6.14 to 7.3, in version order (profile.h). */
static const struct want_profile versions[] = {
	{ "6.14", 6, 14, false }, { "6.15", 6, 15, false },
	{ "6.16", 6, 16, false }, { "6.17", 6, 17, false },
	{ "6.18", 6, 18, false }, { "6.19", 6, 19, false },
	{ "7.0", 7, 0, true },    { "7.1", 7, 1, true },
	{ "7.2", 7, 2, true },    { "7.3", 7, 3, true },
};

#define NVERSIONS (sizeof(versions) / sizeof(versions[0]))

/* Check every field of @p against the docs/algorithm.md#rule-differences rows for @w. */
static void check_fields(const struct kaff_profile *p, const struct want_profile *w)
{
	assert_non_null(p);
	unsigned int major, minor;

	kaff_profile_version(p, &major, &minor);
	assert_int_equal(major, w->major);
	assert_int_equal(minor, w->minor);
	assert_non_null(kaff_profile_name(p));
	assert_string_equal(kaff_profile_name(p), w->name);
	assert_non_null(kaff_profile_rules(p));
	/* profile.h: "6.14" (seed) or "7.x" */
	assert_string_equal(kaff_profile_rules(p), w->seven ? "7.x" : "6.14");

	if (!w->seven) {
		/* D1/D2: HK_TYPE_KTHREAD is an alias of KERNEL_NOISE in 6.14 */
		assert_int_equal(kaff_profile_get(p, KAFF_RULE_KTHREAD_HK), KAFF_HK_TYPE_KERNEL_NOISE);
		/* D4/D5: unbound NUMA_NO_NODE kthreads and kthreadd not listed */
		assert_int_equal(kaff_profile_get(p, KAFF_RULE_LIST_UNBOUND), 0);
		/* D7: 6.14's CPU-online filter visits every list entry */
		assert_int_equal(kaff_profile_get(p, KAFF_RULE_ONLINE_SKIPS_UNBOUND), 0);
		/* D8/D9: HK_TYPE_DOMAIN immutable after boot in 6.14 */
		assert_int_equal(kaff_profile_get(p, KAFF_RULE_RUNTIME_DOMAIN_ISOLATION), 0);
		/* D14: cpu_down_maps_locked() looks for another hk(DOMAIN) CPU */
		assert_int_equal(kaff_profile_get(p, KAFF_RULE_OFFLINE_CHECK_EXCLUDES_TARGET), 1);
		/* D15: 6.14 compares the stored mask, equal lists accepted */
		assert_int_equal(kaff_profile_get(p, KAFF_RULE_BOOT_SHARED_FLAG_ALWAYS_IGNORED), 0);
		/* D9: no HK_TYPE_DOMAIN_BOOT before 7.0 */
		assert_int_equal(kaff_profile_get(p, KAFF_RULE_HAS_DOMAIN_BOOT), 0);
	} else {
		/* D1/D2: HK_TYPE_KTHREAD is an alias of DOMAIN in 7.3 */
		assert_int_equal(kaff_profile_get(p, KAFF_RULE_KTHREAD_HK), KAFF_HK_TYPE_DOMAIN);
		/* D4/D5: kthreadd and unbound kthreads join the list (7.0) */
		assert_int_equal(kaff_profile_get(p, KAFF_RULE_LIST_UNBOUND), 1);
		/* D7: online update only for entries with preference or node */
		assert_int_equal(kaff_profile_get(p, KAFF_RULE_ONLINE_SKIPS_UNBOUND), 1);
		/* D8/D9: housekeeping_update() changes HK_TYPE_DOMAIN (7.0) */
		assert_int_equal(kaff_profile_get(p, KAFF_RULE_RUNTIME_DOMAIN_ISOLATION), 1);
		/* D14: _cpu_down() counts the target CPU (revert in 7.0) */
		assert_int_equal(kaff_profile_get(p, KAFF_RULE_OFFLINE_CHECK_EXCLUDES_TARGET), 0);
		/* D15: housekeeping_cpumask() is cpu_possible during parsing */
		assert_int_equal(kaff_profile_get(p, KAFF_RULE_BOOT_SHARED_FLAG_ALWAYS_IGNORED), 1);
		/* D9: isolcpus=domain sets DOMAIN and DOMAIN_BOOT (7.0) */
		assert_int_equal(kaff_profile_get(p, KAFF_RULE_HAS_DOMAIN_BOOT), 1);
	}
}

/* Every version 6.14..6.19 and 7.0..7.3 is found, with its family's fields. */
static void test_lookup_every_version(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NVERSIONS; i++) {
		const struct kaff_profile *p = NULL;

		print_message("# lookup %s\n", versions[i].name);
		assert_int_equal(kaff_profile_lookup(versions[i].name, &p), 0);
		check_fields(p, &versions[i]);
		/* profiles are static data: a second lookup gives the same one */
		{
			const struct kaff_profile *q = NULL;

			assert_int_equal(kaff_profile_lookup(versions[i].name, &q), 0);
			assert_ptr_equal(p, q);
		}
	}
}

/* profile.h: NULL means the default, 6.14 (the seed). */
static void test_lookup_default(void **state)
{
	const struct kaff_profile *p = NULL, *p614 = NULL;
	struct kaff_ctx *ctx;

	(void)state;
	assert_int_equal(kaff_profile_lookup(NULL, &p), 0);
	assert_int_equal(kaff_profile_lookup("6.14", &p614), 0);
	assert_ptr_equal(p, p614);
	check_fields(p, &versions[0]);
	/* kaff_profile_default() - the 6.14 profile */
	assert_ptr_equal(kaff_profile_default(), p614);
	/* machine.h: kaff_ctx_new(NULL profile) uses kaff_profile_default() */
	ctx = kaff_ctx_new(NULL, 4, NULL);
	assert_non_null(ctx);
	assert_ptr_equal(kaff_ctx_profile(ctx), p614);
	kaff_ctx_free(ctx);
}

struct bad_version {
	const char *in;
	int err;
};

/* profile.h: -ERANGE for well-formed versions outside 6.14..7.3,
 * -EINVAL for anything not MAJOR.MINOR (decimal, no sign, no leading
 * zeros beyond "0"). */
static void test_lookup_errors(void **state)
{
	static const struct bad_version bad[] = {
		{ "6.13", -ERANGE },   /* one before the seed */
		{ "7.4", -ERANGE },    /* one after 7.3 */
		{ "8.0", -ERANGE },    /* next major */
		{ "6.20", -ERANGE },   /* 6.19 is the last 6.x (7.0 follows) */
		{ "5.14", -ERANGE },
		{ "0.0", -ERANGE },    /* "0" is a valid number */
		{ "6", -EINVAL },      /* no '.MINOR' */
		{ "6.", -EINVAL },     /* no MINOR digits */
		{ ".14", -EINVAL },    /* no MAJOR digits */
		{ "6.14.1", -EINVAL }, /* a third component */
		{ "v6.14", -EINVAL },  /* prefix */
		{ "06.14", -EINVAL },  /* leading zero in MAJOR */
		{ "6.014", -EINVAL },  /* leading zero in MINOR */
		{ "7.00", -EINVAL },   /* leading zero beyond "0" */
		{ "", -EINVAL },       /* empty */
		{ "6.14 ", -EINVAL },  /* trailing space */
		{ " 6.14", -EINVAL },  /* leading space */
		{ "+6.14", -EINVAL },  /* sign */
		{ "-6.14", -EINVAL },
		{ "6.14\n", -EINVAL }, /* trailing newline */
		{ "6-14", -EINVAL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct kaff_profile *p = NULL;
		int ret = kaff_profile_lookup(bad[i].in, &p);

		if (ret != bad[i].err)
			print_message("# lookup \"%s\": got %d (%s), want %s\n", bad[i].in,
				      ret, ret ? kaff_strerrorname(ret) : "0",
				      kaff_strerrorname(bad[i].err));
		assert_int_equal(ret, bad[i].err);
	}
}

/* profile.h: kaff_profile_next() - all profiles in version order, NULL
 * after 7.3; 10 profiles (6.14..6.19, 7.0..7.3). */
static void test_next_order(void **state)
{
	const struct kaff_profile *p;
	size_t count = 0;

	(void)state;
	for (p = kaff_profile_next(NULL); p; p = kaff_profile_next(p)) {
		const struct kaff_profile *q = NULL;

		assert_true(count < NVERSIONS);
		check_fields(p, &versions[count]);
		/* the same object lookup returns */
		assert_int_equal(kaff_profile_lookup(versions[count].name, &q), 0);
		assert_ptr_equal(p, q);
		count++;
	}
	assert_int_equal(count, 10);
	/* the first is the default */
	assert_ptr_equal(kaff_profile_next(NULL), kaff_profile_default());
	/* after 7.3: NULL */
	{
		const struct kaff_profile *last = NULL;

		assert_int_equal(kaff_profile_lookup("7.3", &last), 0);
		assert_null(kaff_profile_next(last));
	}
}

/*
 * The rule names are the ones users type (issue "Prototype a policy" and
 * kaff diff's output), written out here rather than read from the library.
 * The 7.3 values are the 7.x column checked by check_fields().
 */
static const struct {
	const char *name;
	enum kaff_rule rule;
	const char *v614, *v73;
} rule_table[] = {
	{ "kthread_hk", KAFF_RULE_KTHREAD_HK, "HK_TYPE_KERNEL_NOISE", "HK_TYPE_DOMAIN" },
	{ "list_unbound", KAFF_RULE_LIST_UNBOUND, "false", "true" },
	{ "online_skips_unbound", KAFF_RULE_ONLINE_SKIPS_UNBOUND, "false", "true" },
	{ "runtime_domain_isolation", KAFF_RULE_RUNTIME_DOMAIN_ISOLATION, "false", "true" },
	{ "offline_check_excludes_target", KAFF_RULE_OFFLINE_CHECK_EXCLUDES_TARGET, "true",
	  "false" },
	{ "boot_shared_flag_always_ignored", KAFF_RULE_BOOT_SHARED_FLAG_ALWAYS_IGNORED, "false",
	  "true" },
	{ "has_domain_boot", KAFF_RULE_HAS_DOMAIN_BOOT, "false", "true" },
};

#define NRULES (sizeof(rule_table) / sizeof(rule_table[0]))

/* Names and values as text, both ways. */
static void test_rule_names(void **state)
{
	const struct kaff_profile *p614, *p73;
	size_t i;

	(void)state;
	assert_int_equal(NRULES, KAFF_RULE_MAX);
	assert_int_equal(kaff_profile_lookup("6.14", &p614), 0);
	assert_int_equal(kaff_profile_lookup("7.3", &p73), 0);
	for (i = 0; i < NRULES; i++) {
		enum kaff_rule r = rule_table[i].rule;

		assert_string_equal(kaff_profile_rule_name(r), rule_table[i].name);
		assert_int_equal(kaff_profile_rule_lookup(rule_table[i].name), (int)r);
		assert_string_equal(kaff_profile_value_name(r, kaff_profile_get(p614, r)),
				    rule_table[i].v614);
		assert_string_equal(kaff_profile_value_name(r, kaff_profile_get(p73, r)),
				    rule_table[i].v73);
	}
	assert_int_equal(kaff_profile_rule_lookup("kthread_HK"), -ENOENT);
	assert_int_equal(kaff_profile_rule_lookup(""), -ENOENT);
	assert_int_equal(kaff_profile_rule_lookup(NULL), -ENOENT);
	assert_null(kaff_profile_rule_name(KAFF_RULE_MAX));
	/* bool rules take 0/1; kthread_hk only the two types a kernel uses */
	assert_null(kaff_profile_value_name(KAFF_RULE_LIST_UNBOUND, 2));
	assert_null(kaff_profile_value_name(KAFF_RULE_KTHREAD_HK, KAFF_HK_TYPE_MANAGED_IRQ));
	assert_null(kaff_profile_value_name(KAFF_RULE_MAX, 0));
	assert_int_equal(kaff_profile_get(NULL, KAFF_RULE_LIST_UNBOUND), -EINVAL);
	assert_int_equal(kaff_profile_get(p614, KAFF_RULE_MAX), -EINVAL);
}

/* A derived profile: named after its base and what differs from it. */
static void test_derive_and_set(void **state)
{
	const struct kaff_profile *p614, *p73;
	struct kaff_profile *d;
	unsigned int major, minor;
	char want[512];
	size_t i;

	(void)state;
	assert_int_equal(kaff_profile_lookup("6.14", &p614), 0);
	assert_int_equal(kaff_profile_lookup("7.3", &p73), 0);
	assert_int_equal(kaff_profile_derive(p614, &d), 0);
	assert_string_equal(kaff_profile_name(d), "6.14");
	assert_string_equal(kaff_profile_rules(d), "6.14");
	/* one rule: the name says it, the rule set is no kernel's */
	assert_int_equal(kaff_profile_set(d, KAFF_RULE_KTHREAD_HK, KAFF_HK_TYPE_DOMAIN), 0);
	assert_string_equal(kaff_profile_name(d), "6.14+kthread_hk=HK_TYPE_DOMAIN");
	assert_string_equal(kaff_profile_rules(d), "custom");
	assert_int_equal(kaff_profile_get(d, KAFF_RULE_KTHREAD_HK), KAFF_HK_TYPE_DOMAIN);
	/* refused values leave it as it was */
	assert_int_equal(kaff_profile_set(d, KAFF_RULE_LIST_UNBOUND, 2), -EINVAL);
	assert_int_equal(kaff_profile_set(d, KAFF_RULE_KTHREAD_HK, KAFF_HK_TYPE_MANAGED_IRQ),
			 -EINVAL);
	assert_int_equal(kaff_profile_set(d, KAFF_RULE_MAX, 0), -EINVAL);
	assert_int_equal(kaff_profile_set_by_name(d, "list_unbound", "yes"), -EINVAL);
	assert_int_equal(kaff_profile_set_by_name(d, "list_unbound", "HK_TYPE_DOMAIN"), -EINVAL);
	assert_int_equal(kaff_profile_set_by_name(d, "kthread_hk", "true"), -EINVAL);
	assert_int_equal(kaff_profile_set_by_name(d, "no_such_rule", "true"), -ENOENT);
	assert_string_equal(kaff_profile_name(d), "6.14+kthread_hk=HK_TYPE_DOMAIN");
	/* setting it back: the name is the base's again */
	assert_int_equal(kaff_profile_set_by_name(d, "kthread_hk", "HK_TYPE_KERNEL_NOISE"), 0);
	assert_string_equal(kaff_profile_name(d), "6.14");
	/* every rule at 7.3's value: 7.x rules on a 6.14 base, each named */
	strcpy(want, "6.14");
	for (i = 0; i < NRULES; i++) {
		assert_int_equal(kaff_profile_set_by_name(d, rule_table[i].name,
							  rule_table[i].v73), 0);
		strcat(want, "+");
		strcat(want, rule_table[i].name);
		strcat(want, "=");
		strcat(want, rule_table[i].v73);
	}
	assert_string_equal(kaff_profile_name(d), want);
	assert_string_equal(kaff_profile_rules(d), "7.x");
	/* the version stays the base's: a scenario's kernel line names it */
	kaff_profile_version(d, &major, &minor);
	assert_int_equal(major, 6);
	assert_int_equal(minor, 14);
	/* a derived profile is no built-in one */
	assert_null(kaff_profile_next(d));
	kaff_profile_free(d);

	/* built-in profiles cannot be changed, nor freed */
	assert_int_equal(kaff_profile_set((struct kaff_profile *)(uintptr_t)p73,
					  KAFF_RULE_LIST_UNBOUND, 0), -EINVAL);
	assert_int_equal(kaff_profile_get(p73, KAFF_RULE_LIST_UNBOUND), 1);
	kaff_profile_free((struct kaff_profile *)(uintptr_t)p73);
	assert_string_equal(kaff_profile_name(p73), "7.3");
	kaff_profile_free(NULL);
	assert_int_equal(kaff_profile_derive(p614, NULL), -EINVAL);
	/* NULL base: the default */
	assert_int_equal(kaff_profile_derive(NULL, &d), 0);
	assert_string_equal(kaff_profile_name(d), "6.14");
	kaff_profile_free(d);
}

/*
 * A context follows the rule's value, not the version, and keeps its own
 * copy of a derived profile. 4 CPUs, isolcpus=domain,2-3: under 6.14,
 * kthreadd asks for hk(HK_TYPE_KTHREAD) = hk(KERNEL_NOISE), not configured,
 * so all possible CPUs (0-3); with kthread_hk=HK_TYPE_DOMAIN it asks for
 * hk(DOMAIN) = 0-1, which holds the boot CPU, so it gets 0-1.
 */
static void test_ctx_follows_derived_rule(void **state)
{
	const struct kaff_profile *p614;
	struct kaff_profile *d;
	struct kaff_ctx *ctx[2];
	char buf[32];
	int i;

	(void)state;
	assert_int_equal(kaff_profile_lookup("6.14", &p614), 0);
	assert_int_equal(kaff_profile_derive(p614, &d), 0);
	assert_int_equal(kaff_profile_set(d, KAFF_RULE_KTHREAD_HK, KAFF_HK_TYPE_DOMAIN), 0);
	ctx[0] = kaff_ctx_new(p614, 4, NULL);
	ctx[1] = kaff_ctx_new(d, 4, NULL);
	kaff_profile_free(d);
	for (i = 0; i < 2; i++) {
		assert_non_null(ctx[i]);
		assert_int_equal(kaff_machine_add_boot_param(ctx[i], "isolcpus=domain,2-3"), 0);
		assert_int_equal(kaff_machine_boot(ctx[i]), 0);
		kaff_cpulist_snprint(buf, sizeof(buf), kaff_kthread_cpus_mask(ctx[i], KAFF_KTHREADD));
		assert_string_equal(buf, i ? "0-1" : "0-3");
	}
	assert_string_equal(kaff_profile_name(kaff_ctx_profile(ctx[1])),
			    "6.14+kthread_hk=HK_TYPE_DOMAIN");
	kaff_ctx_free(ctx[0]);
	kaff_ctx_free(ctx[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup_every_version),
		cmocka_unit_test(test_lookup_default),
		cmocka_unit_test(test_lookup_errors),
		cmocka_unit_test(test_next_order),
		cmocka_unit_test(test_rule_names),
		cmocka_unit_test(test_derive_and_set),
		cmocka_unit_test(test_ctx_follows_derived_rule),
	};

	return cmocka_run_group_tests_name("profile", tests, NULL, NULL);
}
