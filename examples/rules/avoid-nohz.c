/* SPDX-License-Identifier: MIT */
/*
 * A proposed rule: kthreads avoid nohz_full= CPUs as well as
 * domain-isolated ones.
 *
 * Since the 7.0 series, kthread_fetch_affinity() reads HK_TYPE_DOMAIN
 * (isolcpus=, isolated cpuset partitions): nohz_full= alone no longer
 * keeps kthreads off a CPU, although a tick-less CPU is exactly where a
 * user does not want them. This rule reads the CPUs that are housekeeping
 * for both types, HK_TYPE_DOMAIN and HK_TYPE_KERNEL_NOISE, in place of
 * HK_TYPE_KTHREAD, and keeps everything else of the kernel's rule. When
 * the two leave no CPU in common, it falls back to the kernel's own mask,
 * so that a kthread always has a CPU.
 *
 *   kaff run --kernel 7.3+./build/examples/avoid-nohz.so examples/avoid-nohz.scn
 *
 * It reads only its arguments, and not the online mask, so it needs no
 * flag (docs/api-conventions.md, "Hooks").
 */
#include "kernel.h"

int kaff_rule_init(struct kaff_profile *p);

static void avoid_nohz_fetch(void *data, const struct kaff_fetch_args *a,
			     struct kaff_cpumask *out)
{
	const struct kaff_cpumask *hk = a->hk[a->kthread_hk];
	/* at most nr_cpu_ids bits: the width of @out */
	unsigned long words[KAFF_BITS_TO_LONGS(KAFF_NR_CPUS_MAX)];
	struct kaff_cpumask both = KAFF_CPUMASK_INIT(out->nbits, words);

	(void)data;
	if (kaff_cpumask_and(&both, hk, a->hk[KAFF_HK_TYPE_KERNEL_NOISE]))
		hk = &both;
	rule_fetch_with_hk(a, hk, out);
}

int kaff_rule_init(struct kaff_profile *p)
{
	return kaff_profile_set_fetch_fn(p, avoid_nohz_fetch, NULL, 0);
}
