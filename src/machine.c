/* SPDX-License-Identifier: MIT */
/*
 * The machine's topology: possible and online CPUs and NUMA nodes
 * (include/linux/cpumask.h, mm/numa.c, arch/x86/mm/numa.c). Set up
 * before boot; the online mask changes through cpu.c afterwards.
 */
#include <errno.h>
#include <string.h>

#include "kaff-private.h"

int kaff_machine_set_node(struct kaff_ctx *ctx, unsigned int node,
			  const struct kaff_cpumask *cpus)
{
	struct kaff_cpumask **nc, *m;
	unsigned int cpu, n;

	if (!ctx || !cpus)
		return -EINVAL;
	if (ctx->booted)
		return -EPERM;
	if (node >= KAFF_MAX_NUMNODES || cpus->nbits != ctx->nr_cpu_ids)
		return -ERANGE;
	if (node < ctx->nr_nodes && ctx->node_cpus[node])
		return -EEXIST;
	kaff_for_each_cpu(cpu, cpus)
		if (ctx->cpu_node[cpu] >= 0)
			return -EINVAL;

	m = kaff__cpumask_zalloc(&ctx->alloc, ctx->nr_cpu_ids);
	if (!m)
		return -ENOMEM;
	if (node >= ctx->nr_nodes) {
		n = node + 1;
		nc = kaff__realloc(&ctx->alloc, ctx->node_cpus,
				   ctx->nr_nodes * sizeof(*nc), n * sizeof(*nc));
		if (!nc) {
			kaff__free(&ctx->alloc, m);
			return -ENOMEM;
		}
		memset(nc + ctx->nr_nodes, 0, (n - ctx->nr_nodes) * sizeof(*nc));
		ctx->node_cpus = nc;
		ctx->nr_nodes = n;
	}
	kaff_cpumask_copy(m, cpus);
	ctx->node_cpus[node] = m;
	kaff_for_each_cpu(cpu, cpus)
		ctx->cpu_node[cpu] = (int32_t)node;
	return 0;
}

int kaff_machine_set_boot_online(struct kaff_ctx *ctx, const struct kaff_cpumask *online)
{
	if (!ctx || !online)
		return -EINVAL;
	if (ctx->booted)
		return -EPERM;
	if (online->nbits != ctx->nr_cpu_ids)
		return -ERANGE;
	if (!kaff_cpumask_test_cpu(0, online))
		return -EINVAL;
	kaff_cpumask_copy(ctx->boot_online, online);
	return 0;
}

int kaff__machine_cpu(const struct kaff_ctx *ctx, unsigned int cpu)
{
	if (!ctx)
		return -EINVAL;
	if (!ctx->booted)
		return -EPERM;
	return cpu < ctx->nr_cpu_ids ? 0 : -ERANGE;
}

unsigned int kaff_machine_nr_cpu_ids(const struct kaff_ctx *ctx)
{
	return ctx ? ctx->nr_cpu_ids : 0;
}

unsigned int kaff_machine_nr_nodes(const struct kaff_ctx *ctx)
{
	return ctx ? ctx->nr_nodes : 0;
}

const struct kaff_cpumask *kaff_machine_possible_mask(const struct kaff_ctx *ctx)
{
	return ctx ? ctx->possible : NULL;
}

const struct kaff_cpumask *kaff_machine_online_mask(const struct kaff_ctx *ctx)
{
	return ctx ? ctx->online : NULL;
}

const struct kaff_cpumask *kaff_machine_node_cpus(const struct kaff_ctx *ctx,
						 unsigned int node)
{
	if (!ctx || node >= ctx->nr_nodes)
		return NULL;
	return ctx->node_cpus[node];
}

/* cpumask_of_node() on x86: a CPU joins its node's mask when it comes up
 * and leaves it when it goes down (numa_add_cpu/numa_remove_cpu). */
void kaff__node_mask(const struct kaff_ctx *ctx, unsigned int node,
		     struct kaff_cpumask *out)
{
	kaff_cpumask_and(out, ctx->node_cpus[node], ctx->online);
}

int kaff_machine_cpumask_of_node(const struct kaff_ctx *ctx, unsigned int node,
				 struct kaff_cpumask *out)
{
	if (!ctx || !out)
		return -EINVAL;
	if (node >= ctx->nr_nodes || !ctx->node_cpus[node] || out->nbits != ctx->nr_cpu_ids)
		return -ERANGE;
	kaff__node_mask(ctx, node, out);
	return 0;
}

int kaff_machine_cpu_to_node(const struct kaff_ctx *ctx, unsigned int cpu)
{
	if (!ctx || cpu >= ctx->nr_cpu_ids)
		return -1;
	return ctx->cpu_node[cpu];
}
