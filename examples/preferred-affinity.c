/* A node kthread and a preferred-mask kthread on a two-node machine with
 * nohz_full=6-7, under the 6.14 rules and the 7.3 rules (docs/algorithm.md#rule-examples (E2)).
 * Build: cc preferred-affinity.c $(pkg-config --cflags --libs libkaff) */
#include <stdio.h>

#include <libkaff/kaff.h>

static void run(const char *version)
{
	const struct kaff_profile *profile;
	unsigned long w0[KAFF_BITS_TO_LONGS(8)], w1[KAFF_BITS_TO_LONGS(8)];
	struct kaff_cpumask node0 = KAFF_CPUMASK_INIT(8, w0);
	struct kaff_cpumask node1 = KAFF_CPUMASK_INIT(8, w1);
	struct kaff_ctx *ctx;
	unsigned int a, b;
	char list[64];

	if (kaff_profile_lookup(version, &profile))
		return;
	ctx = kaff_ctx_new(profile, 8, NULL);
	if (!ctx)
		return;
	kaff_cpulist_parse("0-3", &node0);
	kaff_cpulist_parse("4-7", &node1);
	if (kaff_machine_set_node(ctx, 0, &node0) || kaff_machine_set_node(ctx, 1, &node1) ||
	    kaff_machine_add_boot_param(ctx, "nohz_full=6-7") || kaff_machine_boot(ctx))
		goto out;

	/* B prefers node 1; C prefers CPUs 2-7. */
	kaff_kthread_create_on_node(ctx, 1, &a);
	kaff_kthread_create_on_node(ctx, KAFF_NUMA_NO_NODE, &b);
	kaff_cpulist_parse("2-7", &node0);
	kaff_kthread_affine_preferred(ctx, b, &node0);
	kaff_wake_up_process(ctx, a);
	kaff_wake_up_process(ctx, b);

	kaff_cpulist_snprint(list, sizeof(list), kaff_kthread_cpus_mask(ctx, a));
	printf("%s: node-1 kthread on %s", version, list);
	kaff_cpulist_snprint(list, sizeof(list), kaff_kthread_cpus_mask(ctx, b));
	printf(", preferred 2-7 on %s\n", list);
out:
	kaff_ctx_free(ctx);
}

int main(void)
{
	run("6.14");   /* nohz_full= restricts kthreads: 4-5, 2-5 */
	run("7.3");    /* it no longer does: 4-7, 2-7 */
	return 0;
}
