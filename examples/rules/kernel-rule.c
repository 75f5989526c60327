/* SPDX-License-Identifier: MIT */
/*
 * The kernel's rules loaded as a rule: `kaff run --kernel 7.3+./kernel-rule.so`
 * replays exactly as `--kernel 7.3` does, through the hooks. Copy it to
 * start your own.
 */
#include "kernel.h"

int kaff_rule_init(struct kaff_profile *p);

int kaff_rule_init(struct kaff_profile *p)
{
	int ret = kaff_profile_set_fetch_fn(p, rule_kernel_fetch, NULL, 0);

	return ret ? ret : kaff_profile_set_online_fn(p, rule_kernel_online, NULL);
}
