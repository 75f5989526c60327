/* SPDX-License-Identifier: MIT */
/*
 * The smallest libkaff user, built by tests/tools/consume.sh against the
 * installed libkaff.pc and as a meson subproject. It prints the mask of
 * a node-1 kthread on the README's machine: 4-6 (CPU 7 is isolated).
 */
#include <stdio.h>

#include <libkaff/kaff.h>

int main(void)
{
	const struct kaff_profile *v73;
	unsigned long w[KAFF_BITS_TO_LONGS(8)];
	struct kaff_cpumask cpus = KAFF_CPUMASK_INIT(8, w);
	struct kaff_ctx *ctx;
	unsigned int k;
	char buf[64];

	if (kaff_profile_lookup("7.3", &v73) || !(ctx = kaff_ctx_new(v73, 8, NULL)))
		return 1;
	kaff_cpulist_parse("0-3", &cpus);
	kaff_machine_set_node(ctx, 0, &cpus);
	kaff_cpulist_parse("4-7", &cpus);
	kaff_machine_set_node(ctx, 1, &cpus);
	kaff_machine_add_boot_param(ctx, "isolcpus=domain,7");
	if (kaff_machine_boot(ctx) || kaff_kthread_create_on_node(ctx, 1, &k) ||
	    kaff_wake_up_process(ctx, k)) {
		kaff_ctx_free(ctx);
		return 1;
	}
	kaff_cpulist_snprint(buf, sizeof(buf), kaff_kthread_cpus_mask(ctx, k));
	printf("libkaff %s: node-1 kthread on %s\n", kaff_version_string(), buf);
	kaff_ctx_free(ctx);
	return 0;
}
