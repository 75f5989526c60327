/* SPDX-License-Identifier: MIT */
/*
 * The allocation-failure sweep of one call, shared by cmocka-alloc and
 * cmocka-alloc-wide. Include after <cmocka.h>.
 */
#ifndef KAFF_CMOCKA_SWEEP_H
#define KAFF_CMOCKA_SWEEP_H

#include <libkaff/machine.h>

#include "test-common.h"

/* The state dump of @ctx (malloc'd), failing the test if the dump fails. */
char *kaff_test_dump(const struct kaff_ctx *ctx);

/* A change callback (kaff_ctx_set_change_fn()) that counts its calls in
 * the unsigned long at @data. */
void kaff_test_count_change(void *data, unsigned int id, const struct kaff_cpumask *o,
			    const struct kaff_cpumask *n);

/*
 * kaff_test_sweep() - run @op(@ctx, @arg) with its 1st, 2nd, ... allocation
 * failing through @ta (the context's allocator) until it returns something
 * other than -ENOMEM, and return that. Each -ENOMEM must come from the
 * injected failure and leave the state dump as it was; a success must not
 * have met one. *@points counts the failures survived.
 */
int kaff_test_sweep(struct kaff_ctx *ctx, struct kaff_test_alloc *ta,
		    int (*op)(struct kaff_ctx *ctx, void *arg), void *arg,
		    unsigned long *points);

/* Every case file (.scn) of KAFF_CASES_DIR's cases/, oracle/ and
 * handwritten/ to @fn, with its name and text; returns how many. */
unsigned int kaff_test_each_case(void (*fn)(const char *name, const char *text, size_t len));

#endif
