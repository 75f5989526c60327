/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include <libkaff/kthread.h>

#include "cmocka-sweep.h"

char *kaff_test_dump(const struct kaff_ctx *ctx)
{
	struct kaff_test_buf b = { 0 };

	assert_int_equal(kaff_ctx_dump(ctx, kaff_test_buf_write, &b), 0);
	return b.data;
}

int kaff_test_sweep(struct kaff_ctx *ctx, struct kaff_test_alloc *ta,
		    int (*op)(struct kaff_ctx *ctx, void *arg), void *arg,
		    unsigned long *points)
{
	char *before = kaff_test_dump(ctx);
	unsigned long n;
	int ret;

	for (n = 1;; n++) {
		char *after;

		ta->fail_at = ta->calls + n;
		ta->failed = false;
		ret = op(ctx, arg);
		if (ret != -ENOMEM) {
			/* It needed fewer than n allocations: no failure met. */
			assert_false(ta->failed);
			break;
		}
		assert_true(ta->failed);
		after = kaff_test_dump(ctx);
		assert_string_equal(before, after);
		free(after);
		(*points)++;
	}
	ta->fail_at = 0;
	free(before);
	return ret;
}

void kaff_test_count_change(void *data, unsigned int id, const struct kaff_cpumask *o,
			    const struct kaff_cpumask *n)
{
	(void)id;
	(void)o;
	(void)n;
	(*(unsigned long *)data)++;
}
