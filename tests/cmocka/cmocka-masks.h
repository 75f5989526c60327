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

/* a 7.x profile (the 7.x rules) */
static inline bool is7(const struct kaff_profile *p)
{
	unsigned int major;

	kaff_profile_version(p, &major, NULL);
	return major == 7;
}

#define for_each_profile(p) \
	for ((p) = kaff_profile_next(NULL); (p); (p) = kaff_profile_next(p))

#endif
