/* SPDX-License-Identifier: MIT */
/*
 * CPU hotplug through /sys/devices/system/cpu/cpuN/online, as
 * kernel/cpu.c and drivers/base/core.c: the checks that refuse an
 * offline, and the order of the hotplug states that touch kthreads.
 */
#include <errno.h>

#include "kaff-private.h"

static int hotplug_check(const struct kaff_ctx *ctx, unsigned int cpu)
{
	int ret = kaff__machine_cpu(ctx, cpu);

	/* x86: CPU 0 is not hotpluggable and has no online file. */
	if (!ret && cpu == 0)
		ret = -ENOENT;
	return ret;
}

int kaff_cpu_offline(struct kaff_ctx *ctx, unsigned int cpu)
{
	struct kaff_event deferred_only = { .cpu = KAFF_NONE };
	struct kaff_imask *irq_to;
	const struct kaff_cpumask *hk;
	unsigned int other;
	int ret = hotplug_check(ctx, cpu);

	if (ret)
		return ret;
	/* device_offline(): nothing to do for an offline CPU. */
	if (!kaff_cpumask_test_cpu(cpu, ctx->online))
		return 0;
	if (kaff_cpumask_weight(ctx->online) == 1)
		return -EBUSY;
	/* Keep one online HK_TYPE_DOMAIN CPU. 6.x cpu_down_maps_locked()
	 * runs the unplug from another such CPU and finds none; 7.x
	 * _cpu_down() counts the CPU going down. */
	hk = kaff__hk(ctx, KAFF_HK_TYPE_DOMAIN);
	if (kaff__rule(ctx, KAFF_RULE_OFFLINE_CHECK_EXCLUDES_TARGET)) {
		other = kaff_cpumask_first_and(ctx->online, hk);
		if (other == cpu)
			other = kaff_cpumask_next_and(cpu, ctx->online, hk);
		if (other >= ctx->nr_cpu_ids)
			return -EBUSY;
	} else if (!kaff_cpumask_intersects(ctx->online, hk)) {
		return -EBUSY;
	}
	ret = kaff__irq_prepare_offline(ctx, cpu, &irq_to);
	if (ret)
		return ret;
	ret = kaff__run_event(ctx, &deferred_only);
	if (ret) {
		kaff__imask_put(ctx, irq_to);
		return ret;
	}
	/* No kthread callback at offline: sleeping kthreads keep their masks
	 * (there is no CPUHP teardown callback for them); per-CPU kthreads
	 * park. The node's mask shrinks, so its kthreads' targets may change
	 * at the next update. */
	kaff_cpumask_clear_cpu(cpu, ctx->online);
	kaff__smpboot_park(ctx, cpu);
	kaff__irq_offline(ctx, cpu, irq_to);
	kaff__node_dirty(ctx, (unsigned int)ctx->cpu_node[cpu]);
	kaff__cpuset_hotplug(ctx);
	return 0;
}

/* The CPU is online (and in its node mask) before its AP states run. */
static void set_online(struct kaff_ctx *ctx, struct kaff_event *ev, bool undo)
{
	if (undo)
		kaff_cpumask_clear_cpu(ev->cpu, ctx->online);
	else
		kaff_cpumask_set_cpu(ev->cpu, ctx->online);
}

int kaff_cpu_online(struct kaff_ctx *ctx, unsigned int cpu)
{
	/* One stage per hotplug state, in their order: smpboot unpark
	 * (CPUHP_AP_SMPBOOT_THREADS), then kthreads_online_cpu()
	 * (CPUHP_AP_KTHREADS_ONLINE). */
	struct kaff_event ev = {
		.change = set_online,
		.stage = { kaff__smpboot_unpark, kaff__update_affinity },
		.cpu = cpu,
	};
	int ret = hotplug_check(ctx, cpu);

	if (ret)
		return ret;
	if (kaff_cpumask_test_cpu(cpu, ctx->online))
		return 0;
	ret = kaff__run_event(ctx, &ev);
	if (ret || !ev.callback_failed)
		return ret;
	/* A failed bring-up callback rolls the CPU back offline; the masks
	 * changed meanwhile stay (cpuhp_invoke_callback() undoes the states
	 * already up, and kthreads have no teardown). */
	kaff__log(ctx, "WARNING: kthreads_online_cpu: bound or per-CPU kthread on the managed list; CPU %u rolled back",
		  cpu);
	kaff_cpumask_clear_cpu(cpu, ctx->online);
	kaff__smpboot_park(ctx, cpu);
	kaff__node_dirty(ctx, (unsigned int)ctx->cpu_node[cpu]);
	return -EINVAL;
}
