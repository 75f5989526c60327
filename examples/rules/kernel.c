/* SPDX-License-Identifier: MIT */
/* The kernel's rules as hooks (kernel.h): kernel/kthread.c, 6.14 and 7.x. */
#include "kernel.h"

void rule_fetch_with_hk(const struct kaff_fetch_args *a, const struct kaff_cpumask *hk,
			struct kaff_cpumask *out)
{
	if (a->preferred) {
		if (kaff_cpumask_and(out, a->preferred, hk))
			return;
	} else if (a->node != KAFF_NUMA_NO_NODE) {
		if (kaff_cpumask_and(out, a->node_cpus, hk))
			return;
	}
	/*
	 * 7.x: a kthread with neither preference nor node gets housekeeping.
	 * 6.x never asks for that class (such kthreads stay off the managed
	 * list); its kernel would WARN and return an empty mask, which a hook
	 * may not, so it gets housekeeping too.
	 */
	kaff_cpumask_copy(out, hk);
}

void rule_kernel_fetch(void *data, const struct kaff_fetch_args *a, struct kaff_cpumask *out)
{
	(void)data;
	rule_fetch_with_hk(a, a->hk[a->kthread_hk], out);
}

bool rule_kernel_online(void *data, const struct kaff_online_args *a)
{
	(void)data;
	/* 7.x leaves kthreads with neither preference nor node alone. */
	return !(a->skips_unbound && !a->preferred && a->node == KAFF_NUMA_NO_NODE);
}
