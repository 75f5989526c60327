/* SPDX-License-Identifier: MIT */
/*
 * The kernel's own two rules, written as libkaff hooks: a starting point
 * for your own rule. kernel-rule.c loads them as they are; avoid-nohz.c
 * changes one input.
 */
#ifndef KAFF_EXAMPLE_RULES_KERNEL_H
#define KAFF_EXAMPLE_RULES_KERNEL_H

#include <libkaff/kaff.h>

/*
 * kthread_fetch_affinity() with @hk as HK_TYPE_KTHREAD: the preference,
 * else the node's online CPUs, else @hk; restricted to @hk; all of @hk
 * when nothing is left.
 */
void rule_fetch_with_hk(const struct kaff_fetch_args *a, const struct kaff_cpumask *hk,
			struct kaff_cpumask *out);

/* kthread_fetch_affinity() as the kernel has it (a kaff_fetch_fn). */
void rule_kernel_fetch(void *data, const struct kaff_fetch_args *a, struct kaff_cpumask *out);

/* kthreads_online_cpu()'s filter as the kernel has it (a kaff_online_fn). */
bool rule_kernel_online(void *data, const struct kaff_online_args *a);

#endif
