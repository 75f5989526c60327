/* SPDX-License-Identifier: MIT */
/*
 * The machine: possible/online CPUs, NUMA nodes, boot, and CPU hotplug
 * through /sys/devices/system/cpu/cpuN/online (kernel/cpu.c,
 * drivers/base/core.c; KERNEL.md §2, §16).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kaff-private.h"

void kaff__log(const struct kaff_ctx *ctx, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!ctx->log_fn)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	ctx->log_fn(ctx->log_data, line);
}

static struct kaff_cpumask *ctx_mask_alloc(struct kaff_ctx *ctx)
{
	struct kaff_cpumask *m;
	size_t bytes = kaff__mask_bytes(ctx->nr_cpu_ids);

	m = kaff__zalloc(&ctx->alloc, sizeof(*m) + bytes);
	if (!m)
		return NULL;
	m->nbits = ctx->nr_cpu_ids;
	m->bits = (unsigned long *)(void *)(m + 1);
	return m;
}

static void ctx_mask_free(struct kaff_ctx *ctx, struct kaff_cpumask *m)
{
	kaff__free(&ctx->alloc, m);
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
	ctx->nr_cpu_ids = nr_cpu_ids;
	ctx->live_head = ctx->live_tail = KAFF_NONE;
	ctx->list_head = ctx->list_tail = KAFF_NONE;
	ctx->per_cpu_head = KAFF_NONE;

	if (!(ctx->possible = ctx_mask_alloc(ctx)) ||
	    !(ctx->online = ctx_mask_alloc(ctx)) ||
	    !(ctx->boot_online = ctx_mask_alloc(ctx)) ||
	    !(ctx->boot_isolated = ctx_mask_alloc(ctx)) ||
	    !(ctx->cpuset_isolated = ctx_mask_alloc(ctx)) ||
	    !(ctx->empty = ctx_mask_alloc(ctx)))
		goto fail;
	for (i = 0; i < KAFF_HK_TYPE_MAX; i++)
		if (!(ctx->hk[i] = ctx_mask_alloc(ctx)))
			goto fail;
	for (i = 0; i < KAFF_ARRAY_SIZE(ctx->tmp); i++)
		if (!(ctx->tmp[i] = ctx_mask_alloc(ctx)))
			goto fail;
	ctx->cpu_node = kaff__malloc(&ctx->alloc, nr_cpu_ids * sizeof(*ctx->cpu_node));
	if (!ctx->cpu_node)
		goto fail;
	for (i = 0; i < nr_cpu_ids; i++)
		ctx->cpu_node[i] = -1;
	if (kaff__imask_table_init(ctx) || kaff__groups_init(ctx))
		goto fail;

	kaff_cpumask_setall(ctx->possible);
	kaff_cpumask_setall(ctx->online);
	kaff_cpumask_setall(ctx->boot_online);
	return ctx;
fail:
	kaff_ctx_free(ctx);
	return NULL;
}

void kaff_ctx_free(struct kaff_ctx *ctx)
{
	unsigned int i;

	if (!ctx)
		return;
	kaff__kthread_table_fini(ctx);
	kaff__groups_fini(ctx);
	kaff__free(&ctx->alloc, ctx->ops);
	kaff__free(&ctx->alloc, ctx->node_groups);
	kaff__free(&ctx->alloc, ctx->node_dirty);
	kaff__free(&ctx->alloc, ctx->dirty_nodes);
	kaff__imask_table_fini(ctx);
	for (i = 0; i < ctx->nr_nodes; i++)
		ctx_mask_free(ctx, ctx->node_cpus[i]);
	kaff__free(&ctx->alloc, ctx->node_cpus);
	for (i = 0; i < ctx->nr_boot_params; i++)
		kaff__free(&ctx->alloc, ctx->boot_params[i]);
	kaff__free(&ctx->alloc, ctx->boot_params);
	kaff__free(&ctx->alloc, ctx->cpu_node);
	for (i = 0; i < KAFF_ARRAY_SIZE(ctx->tmp); i++)
		ctx_mask_free(ctx, ctx->tmp[i]);
	for (i = 0; i < KAFF_HK_TYPE_MAX; i++)
		ctx_mask_free(ctx, ctx->hk[i]);
	ctx_mask_free(ctx, ctx->empty);
	ctx_mask_free(ctx, ctx->cpuset_isolated);
	ctx_mask_free(ctx, ctx->boot_isolated);
	ctx_mask_free(ctx, ctx->boot_online);
	ctx_mask_free(ctx, ctx->online);
	ctx_mask_free(ctx, ctx->possible);
	{
		struct kaff_allocator a = ctx->alloc;

		kaff__free(&a, ctx);
	}
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

	m = ctx_mask_alloc(ctx);
	if (!m)
		return -ENOMEM;
	if (node >= ctx->nr_nodes) {
		n = node + 1;
		nc = kaff__realloc(&ctx->alloc, ctx->node_cpus,
				   ctx->nr_nodes * sizeof(*nc), n * sizeof(*nc));
		if (!nc) {
			ctx_mask_free(ctx, m);
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

int kaff_machine_add_boot_param(struct kaff_ctx *ctx, const char *param)
{
	char **bp, *copy;
	size_t len;

	if (!ctx || !param)
		return -EINVAL;
	if (ctx->booted)
		return -EPERM;
	if (!kaff__boot_param_valid_name(param))
		return -EINVAL;
	len = strlen(param) + 1;
	copy = kaff__malloc(&ctx->alloc, len);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, param, len);
	bp = kaff__realloc(&ctx->alloc, ctx->boot_params,
			   ctx->nr_boot_params * sizeof(*bp),
			   (ctx->nr_boot_params + 1) * sizeof(*bp));
	if (!bp) {
		kaff__free(&ctx->alloc, copy);
		return -ENOMEM;
	}
	bp[ctx->nr_boot_params++] = copy;
	ctx->boot_params = bp;
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

/* Undo what kaff_machine_boot() did, for a refused or failed boot. */
static void boot_undo(struct kaff_ctx *ctx, bool made_node0)
{
	kaff__kthread_table_fini(ctx);
	kaff__free(&ctx->alloc, ctx->node_groups);
	kaff__free(&ctx->alloc, ctx->node_dirty);
	kaff__free(&ctx->alloc, ctx->dirty_nodes);
	ctx->node_groups = NULL;
	ctx->node_dirty = NULL;
	ctx->dirty_nodes = NULL;
	ctx->nr_dirty = 0;
	ctx->hk_update_deferred = false;
	kaff__housekeeping_reset(ctx);
	kaff_cpumask_setall(ctx->online);
	if (made_node0) {
		unsigned int cpu;

		ctx_mask_free(ctx, ctx->node_cpus[0]);
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

	/* per-node bookkeeping of the incremental engine */
	ctx->node_groups = kaff__zalloc(&ctx->alloc, ctx->nr_nodes * sizeof(*ctx->node_groups));
	ctx->node_dirty = kaff__zalloc(&ctx->alloc, ctx->nr_nodes);
	ctx->dirty_nodes = kaff__zalloc(&ctx->alloc, ctx->nr_nodes * sizeof(*ctx->dirty_nodes));
	if (!ctx->node_groups || !ctx->node_dirty || !ctx->dirty_nodes) {
		boot_undo(ctx, made_node0);
		return -ENOMEM;
	}
	kaff__housekeeping_setup(ctx);
	ret = kaff__kthreadd_boot(ctx);
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

static int hotplug_check(const struct kaff_ctx *ctx, unsigned int cpu)
{
	if (!ctx)
		return -EINVAL;
	if (!ctx->booted)
		return -EPERM;
	if (cpu >= ctx->nr_cpu_ids)
		return -ERANGE;
	/* x86: CPU 0 is not hotpluggable and has no online file (case 45). */
	if (cpu == 0)
		return -ENOENT;
	return 0;
}

int kaff_cpu_offline(struct kaff_ctx *ctx, unsigned int cpu)
{
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
	/* Keep one online HK_TYPE_DOMAIN CPU (D14). 6.x runs the unplug from
	 * another such CPU and finds none; 7.x counts the CPU going down. */
	hk = kaff__hk(ctx, KAFF_HK_TYPE_DOMAIN);
	if (ctx->profile->offline_check_excludes_target) {
		other = kaff_cpumask_first_and(ctx->online, hk);
		if (other == cpu)
			other = kaff_cpumask_next_and(cpu, ctx->online, hk);
		if (other >= ctx->nr_cpu_ids)
			return -EBUSY;
	} else if (!kaff_cpumask_intersects(ctx->online, hk)) {
		return -EBUSY;
	}
	ret = kaff__run_deferred_update(ctx);
	if (ret)
		return ret;
	/* No kthread callback at offline: sleeping kthreads keep their masks
	 * (KERNEL.md §13.1); per-CPU kthreads park. The node's mask shrinks,
	 * so its kthreads' targets may change at the next update. */
	kaff_cpumask_clear_cpu(cpu, ctx->online);
	kaff__smpboot_park(ctx, cpu);
	kaff__node_dirty(ctx, (unsigned int)ctx->cpu_node[cpu]);
	kaff__cpuset_hotplug(ctx);
	return 0;
}

int kaff_cpu_online(struct kaff_ctx *ctx, unsigned int cpu)
{
	bool callback_failed = false;
	int ret = hotplug_check(ctx, cpu);

	if (ret)
		return ret;
	if (kaff_cpumask_test_cpu(cpu, ctx->online))
		return 0;
	/* The CPU is online (and in its node mask) before its AP states run:
	 * smpboot unpark (CPUHP_AP_SMPBOOT_THREADS), then kthreads_online_cpu()
	 * (CPUHP_AP_KTHREADS_ONLINE). Both are prepared before anything is
	 * committed, so that running out of memory changes nothing. */
	kaff__event_begin(ctx);
	ret = kaff__prepare_deferred_update(ctx);
	if (ret) {
		kaff__event_abort(ctx);
		return ret;
	}
	kaff__stage_commit(ctx);
	kaff_cpumask_set_cpu(cpu, ctx->online);
	/* One stage each, in the order of the hotplug states. */
	ret = kaff__prepare_unpark(ctx, cpu);
	if (!ret) {
		kaff__stage_commit(ctx);
		ret = kaff__prepare_update_affinity(ctx, false, cpu, &callback_failed);
	}
	if (ret) {
		kaff_cpumask_clear_cpu(cpu, ctx->online);
		kaff__event_abort(ctx);
		return ret;
	}
	kaff__stage_commit(ctx);
	kaff__event_end(ctx);
	ctx->hk_update_deferred = false;
	ret = callback_failed ? -EINVAL : 0;
	if (ret) {
		/* A failed bring-up callback rolls the CPU back offline; the
		 * masks changed meanwhile stay (KERNEL.md §11.4, case 31). */
		kaff__log(ctx, "WARNING: kthreads_online_cpu: bound or per-CPU kthread on the managed list; CPU %u rolled back",
			  cpu);
		kaff_cpumask_clear_cpu(cpu, ctx->online);
		kaff__smpboot_park(ctx, cpu);
		kaff__node_dirty(ctx, (unsigned int)ctx->cpu_node[cpu]);
	}
	return ret;
}
