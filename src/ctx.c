/* SPDX-License-Identifier: MIT */
/*
 * The context: one simulated machine and kernel. Made and freed here,
 * and booted (the part of init/main.c that matters to kthreads:
 * housekeeping_init(), kthreadd, then the CPUs that are not to stay up
 * go down).
 */
#include <errno.h>
#include <string.h>

#include "kaff-private.h"

#define MASK(field) offsetof(struct kaff_ctx, field)

/* Every mask of a context, allocated and freed in one loop. */
static const size_t ctx_masks[] = {
	MASK(possible), MASK(online), MASK(boot_online), MASK(boot_isolated),
	MASK(cpuset_isolated), MASK(empty), MASK(hk[0]), MASK(hk[1]), MASK(hk[2]),
	MASK(hk[3]), MASK(tmp.target), MASK(tmp.node), MASK(tmp.result), MASK(tmp.want), MASK(tmp.non_hk),
	MASK(tmp.staging), MASK(tmp.isolated), MASK(tmp.was_isolated), MASK(tmp.hk_new),
	MASK(tmp.hk_old),
};

static struct kaff_cpumask **ctx_mask(struct kaff_ctx *ctx, size_t i)
{
	return (struct kaff_cpumask **)(void *)((char *)ctx + ctx_masks[i]);
}

size_t kaff__ctx_nr_masks(void)
{
	return KAFF_ARRAY_SIZE(ctx_masks);
}

struct kaff_cpumask *kaff__ctx_mask(const struct kaff_ctx *ctx, size_t i)
{
	return *ctx_mask((struct kaff_ctx *)(uintptr_t)ctx, i);
}

struct kaff_ctx *kaff_ctx_new(const struct kaff_profile *profile,
			      unsigned int nr_cpu_ids,
			      const struct kaff_allocator *alloc)
{
	struct kaff_allocator a;
	struct kaff_ctx *ctx;
	unsigned int i;

	if (nr_cpu_ids < 1 || nr_cpu_ids > KAFF_NR_CPUS_MAX)
		return NULL;
	kaff__allocator_init(&a, alloc);
	ctx = kaff__zalloc(&a, sizeof(*ctx));
	if (!ctx)
		return NULL;
	ctx->alloc = a;
	ctx->profile = profile ? profile : kaff_profile_default();
	if (!ctx->profile->builtin) {
		/* The caller may free a derived profile: keep a copy. */
		ctx->own_profile = kaff__malloc(&a, sizeof(*ctx->own_profile));
		if (!ctx->own_profile)
			goto fail;
		*ctx->own_profile = *ctx->profile;
		ctx->profile = ctx->own_profile;
	}
	ctx->nr_cpu_ids = nr_cpu_ids;
	ctx->managed.first = ctx->managed.last = KAFF_NONE;
	ctx->per_cpu.first = ctx->per_cpu.last = KAFF_NONE;
	ctx->irq.first = ctx->irq.last = KAFF_NONE;
	for (i = 0; i < KAFF_ARRAY_SIZE(ctx_masks); i++)
		if (!(*ctx_mask(ctx, i) = kaff__cpumask_zalloc(&a, nr_cpu_ids)))
			goto fail;
	ctx->cpu_node = kaff__malloc(&ctx->alloc, nr_cpu_ids * sizeof(*ctx->cpu_node));
	if (!ctx->cpu_node)
		goto fail;
	for (i = 0; i < nr_cpu_ids; i++)
		ctx->cpu_node[i] = -1;
	if (kaff__htable_init(&ctx->imasks, &ctx->alloc) || kaff__groups_init(ctx))
		goto fail;

	kaff_cpumask_setall(ctx->possible);
	kaff_cpumask_setall(ctx->online);
	kaff_cpumask_setall(ctx->boot_online);
	return ctx;
fail:
	kaff_ctx_free(ctx);
	return NULL;
}

/* Drop the per-node bookkeeping of the incremental engine. */
static void node_index_fini(struct kaff_ctx *ctx)
{
	kaff__free(&ctx->alloc, ctx->node_groups);
	kaff__free(&ctx->alloc, ctx->node_dirty);
	kaff__free(&ctx->alloc, ctx->dirty_nodes);
	ctx->node_groups = NULL;
	ctx->node_dirty = NULL;
	ctx->dirty_nodes = NULL;
	ctx->nr_dirty = 0;
}

void kaff_ctx_free(struct kaff_ctx *ctx)
{
	struct kaff_allocator a;
	unsigned int i;

	if (!ctx)
		return;
	a = ctx->alloc;
	if (ctx->ck)   /* its saves go; the masks all go below */
		kaff__ckpt_free(ctx, ctx->ck);
	/* The whole context goes: no kthread need leave its group nor put
	 * its masks one by one (at a million kthreads that was 14 ms). */
	kaff__free(&a, ctx->kt);
	kaff__groups_drop(ctx);
	kaff__imasks_drop(ctx);
	kaff__update_fini(ctx);
	node_index_fini(ctx);
	kaff__boot_msgs_fini(ctx);
	for (i = 0; i < ctx->nr_nodes; i++)
		kaff__free(&a, ctx->node_cpus[i]);
	kaff__free(&a, ctx->node_cpus);
	for (i = 0; i < ctx->nr_boot_params; i++)
		kaff__free(&a, ctx->boot_params[i]);
	kaff__free(&a, ctx->boot_params);
	kaff__free(&a, ctx->cpu_node);
	kaff__free(&a, ctx->irq_vectors);
	for (i = 0; i < KAFF_ARRAY_SIZE(ctx_masks); i++)
		kaff__free(&a, *ctx_mask(ctx, i));
	kaff__free(&a, ctx->own_profile);
	kaff__free(&a, ctx);
}

void kaff_ctx_set_log_fn(struct kaff_ctx *ctx, void (*fn)(void *data, const char *line),
			 void *data)
{
	if (!ctx)
		return;
	ctx->log_fn = fn;
	ctx->log_data = data;
}

int kaff_ctx_set_engine(struct kaff_ctx *ctx, enum kaff_engine engine)
{
	if (!ctx || (engine != KAFF_ENGINE_INCREMENTAL && engine != KAFF_ENGINE_REFERENCE))
		return -EINVAL;
	if (ctx->booted)
		return -EPERM;
	ctx->engine = engine == KAFF_ENGINE_REFERENCE ? ENGINE_REFERENCE : ENGINE_INCREMENTAL;
	return 0;
}

const struct kaff_profile *kaff_ctx_profile(const struct kaff_ctx *ctx)
{
	return ctx ? ctx->profile : NULL;
}

bool kaff_ctx_booted(const struct kaff_ctx *ctx)
{
	return ctx && ctx->booted;
}

/* Undo what kaff_machine_boot() did, for a refused or failed boot. */
static void boot_undo(struct kaff_ctx *ctx, bool made_node0)
{
	kaff__task_table_fini(ctx);
	node_index_fini(ctx);
	kaff__housekeeping_reset(ctx);
	kaff_cpumask_setall(ctx->online);
	if (made_node0) {
		unsigned int cpu;

		kaff__free(&ctx->alloc, ctx->node_cpus[0]);
		kaff__free(&ctx->alloc, ctx->node_cpus);
		ctx->node_cpus = NULL;
		ctx->nr_nodes = 0;
		for (cpu = 0; cpu < ctx->nr_cpu_ids; cpu++)
			ctx->cpu_node[cpu] = -1;
	}
	ctx->booted = false;
}

int kaff_machine_boot(struct kaff_ctx *ctx)
{
	bool made_node0 = false;
	unsigned int node, cpu;
	int ret;

	if (!ctx)
		return -EINVAL;
	if (ctx->booted)
		return -EPERM;
	for (node = 0; node < ctx->nr_nodes; node++)
		if (!ctx->node_cpus[node])
			return -EINVAL;
	if (ctx->nr_nodes) {
		for (cpu = 0; cpu < ctx->nr_cpu_ids; cpu++)
			if (ctx->cpu_node[cpu] < 0)
				return -EINVAL;
	} else {
		/* No node given: one node 0 with every CPU. */
		ret = kaff_machine_set_node(ctx, 0, ctx->possible);
		if (ret)
			return ret;
		made_node0 = true;
	}

	ctx->node_groups = kaff__zalloc(&ctx->alloc, ctx->nr_nodes * sizeof(*ctx->node_groups));
	ctx->node_dirty = kaff__zalloc(&ctx->alloc, ctx->nr_nodes);
	ctx->dirty_nodes = kaff__zalloc(&ctx->alloc, ctx->nr_nodes * sizeof(*ctx->dirty_nodes));
	if (!ctx->node_groups || !ctx->node_dirty || !ctx->dirty_nodes) {
		boot_undo(ctx, made_node0);
		return -ENOMEM;
	}
	ret = kaff__housekeeping_init(ctx);
	if (!ret)
		ret = kaff__kthreadd_init(ctx);
	if (ret) {
		boot_undo(ctx, made_node0);
		return ret;
	}
	ctx->booted = true;
	/* The machine booted with every CPU; the others go down now, as the
	 * oracle does before the first event, through the normal path. */
	for (cpu = 1; cpu < ctx->nr_cpu_ids; cpu++) {
		if (kaff_cpumask_test_cpu(cpu, ctx->boot_online))
			continue;
		ret = kaff_cpu_offline(ctx, cpu);
		if (ret) {
			kaff__log(ctx, "boot: the kernel refuses to take CPU %u offline: %s",
				  cpu, kaff_strerrorname(ret));
			boot_undo(ctx, made_node0);
			return ret;
		}
	}
	return 0;
}
