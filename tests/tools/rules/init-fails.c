/* SPDX-License-Identifier: MIT */
/* An entry point that fails: kaff reports its errno and exits 2. */
#include <errno.h>

#include <libkaff/kaff.h>

int kaff_rule_init(struct kaff_profile *p);

int kaff_rule_init(struct kaff_profile *p)
{
	(void)p;
	return -EINVAL;
}
