/* SPDX-License-Identifier: MIT */
/*
 * Exploring hotplug futures of one state, as a simulator embedding
 * libkaff would: a future runs on a copy (kaff_ctx_dup(), a cost of the
 * whole state) or on the state itself, taken back after it
 * (kaff_ctx_checkpoint() and kaff_ctx_rollback(), a cost of what the
 * future changed); kaff_ctx_set_change_fn() reports each mask an event changes
 * (no need to compare every kthread after every event), and
 * kaff_ctx_run_deferred() runs cpuset's deferred housekeeping update at
 * the moment the simulator's workqueue would.
 *
 * The machine: 7.3 rules, 8 CPUs in nodes 0-3 and 4-7. P prefers CPUs
 * 5-7 (listed at once, kthread_affine_preferred()); kswapd1 belongs to
 * node 1 (listed at its first wake). It prints:
 *
 *   the state: kswapd1 4-7, P 5-7
 *   future "offline 4-7, wake both" (on a copy):
 *       kswapd1: 4-7 -> 0-7
 *       P: 5-7 -> 0-7
 *   future "offline 4-7, wake both" (rolled back):
 *       kswapd1: 4-7 -> 0-7
 *       P: 5-7 -> 0-7
 *   future "offline 5, online 5" (rolled back):
 *   the state, after the futures: kswapd1 4-7, P 5-7
 *   isolate 0-5:
 *       kthreadd: 0-7 -> 6-7
 *       P: 5-7 -> 6-7
 *       kswapd1: 4-7 -> 6-7
 *   offline 6, offline 7: the partition is invalidated, the update deferred
 *   kaff_ctx_run_deferred():
 *       kthreadd: 6-7 -> 0-7
 *       P: 6-7 -> 5-7
 *       kswapd1: 6-7 -> 4-5
 *     returned 1 (it ran)
 *   kaff_ctx_run_deferred(): returned 0 (nothing pending)
 *
 * Offline has no kthread callback, so the wakes meet masks with no
 * online CPU and select_fallback_rq() gives every CPU, on a copy or on
 * the state itself; a CPU that goes and comes back changes nothing. isolate 0-5 re-affines the managed
 * list (kthreadd, P, kswapd1, in that order) to HK_TYPE_DOMAIN = 6-7.
 * Taking 6 and 7 down leaves no online CPU outside the partition: cpuset
 * invalidates it, HK_TYPE_DOMAIN is 0-7 again, and the kthreads follow
 * when the work item runs: kthreadd the whole mask, P its preference,
 * kswapd1 node 1's online CPUs.
 */
#include <stdio.h>
#include <libkaff/kaff.h>

static const char *names[] = { "kthreadd", "kswapd1", "P" };

static void changed(void *data, unsigned int id, const struct kaff_cpumask *old_mask,
		    const struct kaff_cpumask *new_mask)
{
	char a[64], b[64];

	(void)data;
	kaff_cpulist_snprint(a, sizeof(a), old_mask);
	kaff_cpulist_snprint(b, sizeof(b), new_mask);
	printf("    %s: %s -> %s\n", id < 3 ? names[id] : "?", a, b);
}

static void print_masks(const char *what, const struct kaff_ctx *ctx)
{
	char a[64], b[64];

	kaff_cpulist_snprint(a, sizeof(a), kaff_kthread_cpus_mask(ctx, 1));
	kaff_cpulist_snprint(b, sizeof(b), kaff_kthread_cpus_mask(ctx, 2));
	printf("%s: kswapd1 %s, P %s\n", what, a, b);
}

/* On a copy of @ctx (@copy) or on @ctx, which holds a checkpoint: the
 * hotplug operations @ops (negative: offline), then, if @wake, a wake of
 * both kthreads; then the copy goes, or the rollback takes it all back. */
static int future(struct kaff_ctx *ctx, int copy, const char *name, const int *ops, int n,
		  int wake)
{
	struct kaff_ctx *f = copy ? kaff_ctx_dup(ctx) : ctx;
	int i, ret = 0;

	if (!f)
		return -1;
	printf("future \"%s\" (%s):\n", name, copy ? "on a copy" : "rolled back");
	kaff_ctx_set_change_fn(f, changed, NULL);
	for (i = 0; i < n && ret >= 0; i++)
		ret = ops[i] < 0 ? kaff_cpu_offline(f, (unsigned int)-ops[i])
				 : kaff_cpu_online(f, (unsigned int)ops[i]);
	for (i = 1; wake && i <= 2 && ret >= 0; i++)
		ret = kaff_wake_up_process(f, (unsigned int)i);
	kaff_ctx_set_change_fn(f, NULL, NULL);
	if (copy)
		kaff_ctx_free(f);
	else if (kaff_ctx_rollback(ctx))
		return -1;
	return ret;
}

int main(void)
{
	const struct kaff_profile *v73;
	unsigned long w[KAFF_BITS_TO_LONGS(8)];
	struct kaff_cpumask m = KAFF_CPUMASK_INIT(8, w);
	static const int node1_down[] = { -4, -5, -6, -7 }, bounce[] = { -5, 5 };
	struct kaff_ctx *ctx;
	unsigned int k, p;
	int ret;

	if (kaff_profile_lookup("7.3", &v73) || !(ctx = kaff_ctx_new(v73, 8, NULL)))
		return 1;
	kaff_cpulist_parse("0-3", &m);
	kaff_machine_set_node(ctx, 0, &m);
	kaff_cpulist_parse("4-7", &m);
	kaff_machine_set_node(ctx, 1, &m);
	kaff_cpulist_parse("5-7", &m);
	ret = kaff_machine_boot(ctx) || kaff_kthread_create_on_node(ctx, 1, &k) ||
	      kaff_kthread_create_on_node(ctx, KAFF_NUMA_NO_NODE, &p) ||
	      kaff_kthread_affine_preferred(ctx, p, &m) || kaff_wake_up_process(ctx, k) ||
	      kaff_wake_up_process(ctx, p);
	if (ret || k != 1 || p != 2) {
		kaff_ctx_free(ctx);
		return 1;
	}
	print_masks("the state", ctx);
	if (future(ctx, 1, "offline 4-7, wake both", node1_down, 4, 1) < 0 ||
	    kaff_ctx_checkpoint(ctx) ||
	    future(ctx, 0, "offline 4-7, wake both", node1_down, 4, 1) < 0 ||
	    future(ctx, 0, "offline 5, online 5", bounce, 2, 0) < 0 || kaff_ctx_commit(ctx)) {
		kaff_ctx_free(ctx);
		return 1;
	}
	/* The copy and the rolled-back futures changed nothing here. */
	print_masks("the state, after the futures", ctx);

	kaff_cpulist_parse("0-5", &m);
	kaff_ctx_set_change_fn(ctx, changed, NULL);
	printf("isolate 0-5:\n");
	if (kaff_cpuset_set_isolated(ctx, &m) || kaff_cpu_offline(ctx, 6) || kaff_cpu_offline(ctx, 7)) {
		kaff_ctx_free(ctx);
		return 1;
	}
	printf("offline 6, offline 7: the partition is invalidated, the update deferred\n");
	printf("kaff_ctx_run_deferred():\n");
	ret = kaff_ctx_run_deferred(ctx);
	printf("  returned %d (it ran)\n", ret);
	printf("kaff_ctx_run_deferred(): returned %d (nothing pending)\n", kaff_ctx_run_deferred(ctx));
	kaff_ctx_free(ctx);
	return 0;
}
