/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmocka-masks.h"

struct kaff_cpumask *mk(unsigned int nbits, const char *list)
{
	struct kaff_cpumask *m = kaff_cpumask_alloc(nbits);
	const char *p = list;

	assert_non_null(m);
	if (!strcmp(list, "-") || !*list)
		return m;
	for (;;) {
		unsigned long a, b;
		char *end;

		assert_true(*p >= '0' && *p <= '9');
		a = strtoul(p, &end, 10);
		p = end;
		b = a;
		if (*p == '-') {
			b = strtoul(p + 1, &end, 10);
			p = end;
		}
		assert_true(a <= b && b < nbits);
		for (; a <= b; a++)
			kaff_cpumask_set_cpu((unsigned int)a, m);
		if (!*p)
			return m;
		assert_true(*p == ',');
		p++;
	}
}

const char *fmt(const struct kaff_cpumask *m)
{
	static char out[4096];
	size_t n = 0;
	unsigned int i = 0, j;

	out[0] = '\0';
	while (i < m->nbits && n < sizeof(out) - 32) {
		if (!kaff_cpumask_test_cpu(i, m)) {
			i++;
			continue;
		}
		for (j = i; j + 1 < m->nbits && kaff_cpumask_test_cpu(j + 1, m); j++)
			;
		n += (size_t)snprintf(out + n, sizeof(out) - n, n ? ",%u" : "%u", i);
		if (j > i)
			n += (size_t)snprintf(out + n, sizeof(out) - n, "-%u", j);
		i = j + 1;
	}
	return n ? out : "-";
}

void expect_mask_(const struct kaff_cpumask *m, const char *list, const char *what, int line)
{
	struct kaff_cpumask *w;
	unsigned int i;
	bool same = true;

	if (!m) {
		print_message("# line %d: %s: NULL mask, want %s\n", line, what, list);
		fail();
	}
	w = mk(m->nbits, list);
	for (i = 0; i < m->nbits; i++)
		if (kaff_cpumask_test_cpu(i, m) != kaff_cpumask_test_cpu(i, w))
			same = false;
	if (!same)
		print_message("# line %d: %s: got %s, want %s\n", line, what, fmt(m), list);
	kaff_cpumask_free(w);
	assert_true(same);
}
