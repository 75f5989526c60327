/* SPDX-License-Identifier: MIT */
/*
 * cmocka tests of src/profile.c: kaff_profile_lookup(), the default and
 * kaff_profile_next().
 *
 * Expected field values come from KERNEL.md §20 (the D-rows named in each
 * comment) and §1: 6.14-6.19 follow the seed's rules (4d13f4304fa4 and its
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

#include "test-common.h"

/* What KERNEL.md says each version must look like. */
struct want_profile {
	const char *name;
	unsigned int major, minor;
	bool seven; /* true: 7.x rules; false: the 6.14 seed's rules */
};

/* §1: every MAJOR.MINOR from 6.14 to 7.3, in version order (profile.h). */
static const struct want_profile versions[] = {
	{ "6.14", 6, 14, false }, { "6.15", 6, 15, false },
	{ "6.16", 6, 16, false }, { "6.17", 6, 17, false },
	{ "6.18", 6, 18, false }, { "6.19", 6, 19, false },
	{ "7.0", 7, 0, true },    { "7.1", 7, 1, true },
	{ "7.2", 7, 2, true },    { "7.3", 7, 3, true },
};

#define NVERSIONS (sizeof(versions) / sizeof(versions[0]))

/* Check every field of @p against the KERNEL.md §20 rows for @w. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup_every_version),
		cmocka_unit_test(test_lookup_default),
		cmocka_unit_test(test_lookup_errors),
		cmocka_unit_test(test_next_order),
	};

	return cmocka_run_group_tests_name("profile", tests, NULL, NULL);
}
