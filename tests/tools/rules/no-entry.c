/* SPDX-License-Identifier: MIT */
/* A shared object without kaff_rule_init(): kaff must refuse it. */
int kaff_rule_nope(void);

int kaff_rule_nope(void)
{
	return 0;
}
