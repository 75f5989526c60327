/* SPDX-License-Identifier: MIT */
/*
 * A broken rule: no CPU at all for the node class of node 1 (the kernel's
 * rule for every other class). A node-1 kthread's first wake is refused.
 */
#include <libkaff/kaff.h>

#include "kernel.h"

int kaff_rule_init(struct kaff_profile *p);

static void fetch(void *data, const struct kaff_fetch_args *a, struct kaff_cpumask *out)
{
	if (a->node != 1 || a->preferred)
		rule_kernel_fetch(data, a, out);
}

int kaff_rule_init(struct kaff_profile *p)
{
	return kaff_profile_set_fetch_fn(p, fetch, NULL, 0);
}
