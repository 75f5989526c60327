/* SPDX-License-Identifier: MIT */
/*
 * Mask helpers shared by the cmocka tests, independent of libkaff's
 * cpulist parser and printer (so a bug there cannot hide in a test).
 * Include after <cmocka.h>.
 */
#ifndef KAFF_CMOCKA_MASKS_H
#define KAFF_CMOCKA_MASKS_H

#include <stdbool.h>

#include <libkaff/cpumask.h>
#include <libkaff/profile.h>

/* A mask of width @nbits holding the canonical list @list ("0-3,8";
 * "" or "-" = empty). Only numbers, '-' and ',' are understood. */
struct kaff_cpumask *mk(unsigned int nbits, const char *list);

/* The canonical list of @m, by hand; static buffer ("-" when empty). */
const char *fmt(const struct kaff_cpumask *m);

/* @m must be exactly @list, bit by bit; fails the test (naming @what and
 * the caller's @line) otherwise, and for a NULL @m. */
void expect_mask_(const struct kaff_cpumask *m, const char *list, const char *what,
		  int line);

#define expect_mask(m, list, what) expect_mask_((m), (list), (what), __LINE__)

/*
 * The value of rule @r in @p. Tests ask for the rule an expectation
 * depends on, never for the version: a derived profile
 * ("6.14+has_domain_boot=true") follows its rules.
 */
static inline int rule(const struct kaff_profile *p, enum kaff_rule r)
{
	return kaff_profile_get(p, r);
}

#define for_each_profile(p) \
	for ((p) = kaff_profile_next(NULL); (p); (p) = kaff_profile_next(p))

#endif
