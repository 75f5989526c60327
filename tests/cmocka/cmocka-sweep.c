/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Every case file (.scn) of the three directories, to @fn. */
unsigned int kaff_test_each_case(void (*fn)(const char *name, const char *text, size_t len))
{
	const char *base = kaff_test_env_dir("KAFF_CASES_DIR");
	const char *sub[] = { "cases", "oracle", "handwritten" };
	unsigned int i, count = 0;

	assert_non_null(base);
	for (i = 0; i < 3; i++) {
		char dir[4096];
		struct dirent *de;
		DIR *d;

		snprintf(dir, sizeof(dir), "%s/%s", base, sub[i]);
		d = opendir(dir);
		assert_non_null(d);
		while ((de = readdir(d))) {
			size_t nl = strlen(de->d_name), len;
			char path[8192], *text;

			if (nl < 5 || strcmp(de->d_name + nl - 4, ".scn"))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			text = kaff_test_read_file(path, &len);
			assert_non_null(text);
			fn(de->d_name, text, len);
			free(text);
			count++;
		}
		closedir(d);
	}
	return count;
}
