/* SPDX-License-Identifier: MIT */
/*
 * The change callback (kaff_ctx_set_change_fn()): once per kthread whose
 * cpus_mask an event changed, with the mask before and after the event,
 * in the order the kernel writes them. No kernel counterpart: a kernel
 * simulator embedding libkaff would otherwise compare every kthread after
 * every event.
 *
 * The kernel's order: stage by stage (a CPU online unparks the per-CPU
 * kthreads, CPUHP_AP_SMPBOOT_THREADS, before kthreads_online_cpu()), and
 * within a stage the order of its walk: smpboot's thread list for the
 * unpark, kthread_affinity_list for kthreads_update_affinity(). The
 * incremental engine changes groups, not kthreads, so the members of the
 * changed groups are put back in list order (struct kaff_kthread lseq);
 * the reference engine changes them in list order already.
 */
#include <errno.h>
#include <stdlib.h>

#include "kaff-private.h"

struct kaff_change {
	uint32_t id, stage, order, op;
	struct kaff_imask *old;
};

void kaff_ctx_set_change_fn(struct kaff_ctx *ctx,
			    void (*fn)(void *data, unsigned int id, const struct kaff_cpumask *old_mask,
				       const struct kaff_cpumask *new_mask),
			    void *data)
{
	if (!ctx)
		return;
	ctx->change_fn = fn;
	ctx->change_data = fn ? data : NULL;
}

void kaff__notify_one(struct kaff_ctx *ctx, uint32_t id, struct kaff_imask *old)
{
	struct kaff_imask *now = kaff__kt_cpus(&ctx->kt[id]);

	if (ctx->change_fn && old && old != now)
		ctx->change_fn(ctx->change_data, id, &old->mask, &now->mask);
}

/* By kthread, its first write first. */
static int by_id(const void *pa, const void *pb)
{
	const struct kaff_change *a = pa, *b = pb;

	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return a->op < b->op ? -1 : a->op > b->op;
}

/* The kernel's order. */
static int by_order(const void *pa, const void *pb)
{
	const struct kaff_change *a = pa, *b = pb;

	if (a->stage != b->stage)
		return a->stage < b->stage ? -1 : 1;
	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	return a->op < b->op ? -1 : a->op > b->op;
}

static void add(struct kaff_change *c, size_t *n, uint32_t id, uint32_t stage, uint32_t order,
		uint32_t op, struct kaff_imask *old)
{
	c[*n].id = id;
	c[*n].stage = stage;
	c[*n].order = order;
	c[*n].op = op;
	c[*n].old = old;
	(*n)++;
}

/*
 * An update that left a group's mask as it was (only its target or its
 * state moved, e.g. an online CPU outside its mask) changed no member's
 * mask. Skipping it keeps each changed kthread's first write: the group's
 * writes before it left the mask as they found it. Interned masks: one
 * pointer per distinct mask.
 */
static bool group_changed(const struct kaff_op *o)
{
	return o->old_cpus != o->new_cpus;
}

int kaff__notify_event(struct kaff_ctx *ctx, const uint32_t *stage_end, unsigned int nr_stages)
{
	struct kaff_change *c;
	size_t n = 0, cap = 0, i, w;
	uint32_t op, stage = 0, id;

	if (!ctx->change_fn || !ctx->nr_ops)
		return 0;
	for (op = 0; op < ctx->nr_ops; op++) {
		const struct kaff_op *o = &ctx->ops[op];

		if (o->type != OP_GROUP)
			cap++;
		else if (group_changed(o))
			cap += o->g->nr;
	}
	if (!cap)
		return 0;
	c = kaff__malloc(&ctx->alloc, cap * sizeof(*c));
	if (!c)
		return -ENOMEM;
	for (op = 0; op < ctx->nr_ops; op++) {
		const struct kaff_op *o = &ctx->ops[op];

		while (stage + 1 < nr_stages && op >= stage_end[stage])
			stage++;
		switch (o->type) {
		case OP_KT:
			add(c, &n, o->id, stage, op, op, o->old_cpus);
			break;
		case OP_MOVE:
			add(c, &n, o->id, stage, ctx->kt[o->id].lseq, op, o->old_cpus);
			break;
		case OP_GROUP:
			/* The engines do not mix group updates with moves in
			 * one event: the members now are those it changed. */
			if (!group_changed(o))
				break;
			for (id = o->g->members.first; id != KAFF_NONE;
			     id = ctx->kt[id].link[KL_GROUP].next)
				add(c, &n, id, stage, ctx->kt[id].lseq, op, o->old_cpus);
			break;
		}
	}
	/* Once per kthread, with its mask before the event's first write. */
	qsort(c, n, sizeof(*c), by_id);
	for (i = w = 0; i < n; i++)
		if (!w || c[w - 1].id != c[i].id)
			c[w++] = c[i];
	qsort(c, w, sizeof(*c), by_order);
	for (i = 0; i < w; i++)
		kaff__notify_one(ctx, c[i].id, c[i].old);
	kaff__free(&ctx->alloc, c);
	return 0;
}
