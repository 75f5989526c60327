/* SPDX-License-Identifier: MIT */
/*
 * Threaded interrupt handlers, as kernel/irq/manage.c and
 * kernel/irq/cpuhotplug.c: an irq thread follows its interrupt's
 * effective affinity, not the kthread rules.
 *
 * setup_irq_thread() creates it (7.x and the recorded 6.19 bind it to
 * cpu_possible_mask first, hence PF_NO_SETAFFINITY; the recorded 6.16
 * does not) and irq_thread_check_affinity() copies the effective
 * affinity into its mask when it runs. When a CPU goes down,
 * irq_migrate_all_off_this_cpu() moves every interrupt whose effective
 * affinity has no online CPU left, and irq_set_thread_affinity() wakes
 * its thread, which takes the new one.
 *
 * On x86 the effective affinity is one CPU, chosen by the vector
 * allocator: x86_vector_alloc_irqs() and assign_irq_vector_any_locked()
 * try the CPUs of the interrupt's node first, then all;
 * matrix_find_best_cpu() takes the online CPU with the most free vectors,
 * the lowest on a tie. Every interrupt of a CPU going down moves that
 * way, so where one goes depends on where the others went. A census does
 * not show the other interrupts, so libkaff assumes the layout of the
 * recorded machines (QEMU "pc" with legacy devices only): CPUs 0 to 6
 * hold one device vector each, higher CPUs none (irq 9 first went to
 * CPU 1), and it moves the counts as the kernel moves the vectors, an irq
 * thread's interrupt first. What that predicts was checked on 7.3 (census
 * cases k73-irq-*): CPU 1 going down sends irq 9 to CPU 7 on 8 to 32
 * CPUs; after CPU 3 went down (its vector went to CPU 7) to CPU 0 on 8
 * CPUs and CPU 8 on 16. On another machine the counts differ. An
 * interrupt does not move back when its CPU returns, and a CPU that
 * comes back holds no vector.
 */
#include <errno.h>

#include <libkaff/irq.h>

#include "kaff-private.h"

/* CPUs below this hold a device vector on the recorded machines. */
#define IRQ_BUSY_CPUS 7u

/* The vector counts of the recorded machines (above). */
static int vectors_init(struct kaff_ctx *ctx)
{
	unsigned int c;

	if (ctx->irq_vectors)
		return 0;
	ctx->irq_vectors = kaff__malloc(&ctx->alloc, ctx->nr_cpu_ids * sizeof(*ctx->irq_vectors));
	if (!ctx->irq_vectors)
		return -ENOMEM;
	for (c = 0; c < ctx->nr_cpu_ids; c++)
		ctx->irq_vectors[c] = c < IRQ_BUSY_CPUS;
	return 0;
}

int kaff__irq_thread_new(struct kaff_ctx *ctx, uint32_t flags, struct kaff_imask *cpus,
			 unsigned int *id)
{
	int ret = vectors_init(ctx);

	if (ret)
		return ret;
	return kaff__task_new(ctx, KAFF_NUMA_NO_NODE, -1, flags | KAFF_KTHREAD_STARTED | KT_IRQ,
			      cpus, NULL, id);
}

int kaff_irq_thread_create(struct kaff_ctx *ctx, const struct kaff_cpumask *effective,
			   bool no_setaffinity, unsigned int *id)
{
	struct kaff_imask *im;
	int ret;

	if (!ctx || !effective || !id)
		return -EINVAL;
	if (!ctx->booted)
		return -EPERM;
	if (effective->nbits != ctx->nr_cpu_ids)
		return -ERANGE;
	if (!kaff_cpumask_intersects(effective, ctx->online))
		return -EINVAL;
	im = kaff__imask_get(ctx, effective);
	if (!im)
		return -ENOMEM;
	ret = kaff__irq_thread_new(ctx, no_setaffinity ? KAFF_KTHREAD_NO_SETAFFINITY : 0, im, id);
	kaff__imask_put(ctx, im);
	return ret;
}

bool kaff_kthread_is_irq_thread(const struct kaff_ctx *ctx, unsigned int id)
{
	const struct kaff_kthread *k = (ctx && ctx->booted) ? kaff__kt(ctx, id) : NULL;

	return k && (k->flags & KT_IRQ);
}

/* matrix_find_best_cpu() over the online CPUs of @m but @skip. */
static unsigned int best_in(const struct kaff_ctx *ctx, const struct kaff_cpumask *m,
			    unsigned int skip)
{
	unsigned int c, best = ctx->nr_cpu_ids;

	kaff_for_each_cpu_and(c, m, ctx->online)
		if (c != skip && (best == ctx->nr_cpu_ids ||
				  ctx->irq_vectors[c] < ctx->irq_vectors[best]))
			best = c;
	return best;
}

/* Where an interrupt of @cpu goes: its node first, then anywhere. */
static unsigned int best_cpu(const struct kaff_ctx *ctx, unsigned int cpu)
{
	const struct kaff_cpumask *node =
		kaff_machine_node_cpus(ctx, (unsigned int)ctx->cpu_node[cpu]);
	unsigned int c = node ? best_in(ctx, node, cpu) : ctx->nr_cpu_ids;

	return c < ctx->nr_cpu_ids ? c : best_in(ctx, ctx->possible, cpu);
}

int kaff__irq_prepare_offline(struct kaff_ctx *ctx, unsigned int cpu, struct kaff_imask **to)
{
	struct kaff_cpumask *m = ctx->tmp.target;
	unsigned int c;

	*to = NULL;
	if (!ctx->irq_vectors)
		return 0;
	c = best_cpu(ctx, cpu);
	if (c >= ctx->nr_cpu_ids)
		return 0;
	kaff_cpumask_clear(m);
	kaff_cpumask_set_cpu(c, m);
	*to = kaff__imask_get(ctx, m);
	return *to ? 0 : -ENOMEM;
}

void kaff__irq_offline(struct kaff_ctx *ctx, unsigned int cpu, struct kaff_imask *to)
{
	uint32_t id, moved = 0, left;
	unsigned int c;

	if (!to)
		return;
	/* irq threads first; all go where the first interrupt goes */
	for (id = ctx->irq.first; id != KAFF_NONE; id = ctx->kt[id].link[KL_MANAGED].next) {
		struct kaff_kthread *k = &ctx->kt[id];

		/* Unlisted: changing its own masks cannot fail. */
		if (!kaff_cpumask_intersects(&k->cpus->mask, ctx->online)) {
			kaff__task_set(ctx, k, to, NULL, k->flags);
			moved++;
		}
	}
	c = kaff_cpumask_first(&to->mask);
	left = ctx->irq_vectors[cpu] > moved ? ctx->irq_vectors[cpu] - moved : 0;
	ctx->irq_vectors[cpu] = 0;
	ctx->irq_vectors[c] += moved;
	/* then the other vectors of @cpu, one by one */
	for (; left; left--) {
		c = best_cpu(ctx, cpu);
		if (c < ctx->nr_cpu_ids)
			ctx->irq_vectors[c]++;
	}
	kaff__imask_put(ctx, to);
}
