/* SPDX-License-Identifier: MIT */
/*
 * kaff_ctx_checkpoint(), kaff_ctx_rollback(), kaff_ctx_commit(): apply
 * events and take them back. No kernel counterpart: it lets a caller
 * explore many futures of one state at the cost of what each future
 * changes, where kaff_ctx_dup() costs the whole state.
 *
 * What a rollback restores:
 *  - kthread slots and groups: from the copies journal.c saved at their
 *    first write; slots and groups made since are dropped, groups freed
 *    since come back (group.c keeps their memory while a checkpoint is
 *    held);
 *  - the groups' hash table: the groups saved or made since leave it,
 *    the saved ones come back with their old keys (the table is a set:
 *    the order of a chain does not matter);
 *  - everything else the events change (the context's masks, list heads,
 *    counters, the dirty nodes, the interrupt vectors): small, copied
 *    whole when the checkpoint is taken and back at each rollback;
 *  - interned masks: one that loses its last holder while the checkpoint
 *    is held stays (dormant, imask.c), since a saved copy may point at
 *    it; a rollback holds the saved copies' masks again and frees the
 *    dormant ones left without a holder.
 * Not restored, on purpose: the update stamp (it must keep growing, or a
 * group looked at since would look already done to a later update), the
 * kthread table's capacity, and what went out (log lines, change
 * callbacks: a rollback calls neither).
 */
#include <errno.h>
#include <string.h>

#include "kaff-private.h"

static size_t mask_words(const struct kaff_ctx *ctx)
{
	return kaff__mask_words(ctx->nr_cpu_ids);
}

/* The next generation of saves: one never used by this context. */
static uint32_t next_gen(struct kaff_ctx *ctx)
{
	struct kaff_group *g;

	if (++ctx->ck_last_gen)
		return ctx->ck_last_gen;
	/* Wrapped, after 2^32 rollbacks: forget every old save mark. */
	for (g = ctx->groups; g; g = g->gl[GL_ALL].next)
		g->ck_gen = 0;
	if (ctx->ck)
		memset(ctx->ck->kt_gen, 0, ctx->ck->nr_kt * sizeof(*ctx->ck->kt_gen));
	return ctx->ck_last_gen = 1;
}

/* @n bytes from the context's @live to the checkpoint's @saved (@save),
 * or back. */
static void move(bool save, void *live, void *saved, size_t n)
{
	if (save)
		memcpy(saved, live, n);
	else
		memcpy(live, saved, n);
}

#define MOVE(field) move(save, &ctx->field, &ck->field, sizeof(ck->field))

/*
 * The small part of the state, whole, into the checkpoint (@save) or
 * back: the one list of what it holds (the arrays exist: ckpt_alloc()).
 */
static void move_small(bool save, struct kaff_ctx *ctx, struct kaff_ckpt *ck)
{
	size_t w = mask_words(ctx), i;

	MOVE(managed);
	MOVE(per_cpu);
	MOVE(irq);
	MOVE(nr_live);
	MOVE(nr_per_cpu);
	MOVE(nr_bad);
	MOVE(managed_seq);
	MOVE(ngroups);
	move(save, &ctx->groups, &ck->groups_head, sizeof(ck->groups_head));
	MOVE(resolvable);
	MOVE(stuck);
	move(save, ctx->node_groups, ck->node_groups, ctx->nr_nodes * sizeof(*ck->node_groups));
	move(save, ctx->node_dirty, ck->node_dirty, ctx->nr_nodes);
	move(save, ctx->dirty_nodes, ck->dirty_nodes, ctx->nr_nodes * sizeof(*ck->dirty_nodes));
	MOVE(nr_dirty);
	MOVE(hk_flags);
	MOVE(hk_update_deferred);
	if (ck->irq_vectors) {
		move(save, ctx->irq_vectors, ck->irq_vectors,
		     ctx->nr_cpu_ids * sizeof(*ck->irq_vectors));
	} else if (!save) {
		/* made since (the first irq thread): the state had none */
		kaff__free(&ctx->alloc, ctx->irq_vectors);
		ctx->irq_vectors = NULL;
	}
	for (i = 0; i < kaff__ctx_nr_masks(); i++)
		move(save, kaff__ctx_mask(ctx, i)->bits, ck->mask_words + i * w,
		     w * sizeof(unsigned long));
	if (!save)
		ctx->touched = NULL;
}

static struct kaff_ckpt *ckpt_alloc(struct kaff_ctx *ctx)
{
	const struct kaff_allocator *a = &ctx->alloc;
	size_t nodes = ctx->nr_nodes ? ctx->nr_nodes : 1;
	struct kaff_ckpt *ck = kaff__zalloc(a, sizeof(*ck));

	if (!ck)
		return NULL;
	ck->nr_kt = ctx->nr_kt;
	ck->cap_groups = ctx->ngroups;
	/* Room for every slot and group: a save never allocates. The pages
	 * of the save arrays are touched only as saves fill them. */
	ck->kt_gen = kaff__zalloc(a, (ck->nr_kt ? ck->nr_kt : 1) * sizeof(*ck->kt_gen));
	ck->kt = kaff__malloc(a, (ck->nr_kt ? ck->nr_kt : 1) * sizeof(*ck->kt));
	ck->groups = kaff__malloc(a, (ck->cap_groups ? ck->cap_groups : 1) * sizeof(*ck->groups));
	ck->node_groups = kaff__malloc(a, nodes * sizeof(*ck->node_groups));
	ck->node_dirty = kaff__malloc(a, nodes);
	ck->dirty_nodes = kaff__malloc(a, nodes * sizeof(*ck->dirty_nodes));
	ck->mask_words = kaff__malloc(a, kaff__ctx_nr_masks() * mask_words(ctx) *
					       sizeof(unsigned long));
	if (ctx->irq_vectors)
		ck->irq_vectors = kaff__malloc(a, ctx->nr_cpu_ids * sizeof(*ck->irq_vectors));
	if (!ck->kt_gen || !ck->kt || !ck->groups || !ck->node_groups || !ck->node_dirty ||
	    !ck->dirty_nodes || !ck->mask_words || (ctx->irq_vectors && !ck->irq_vectors)) {
		kaff__ckpt_free(ctx, ck);
		return NULL;
	}
	return ck;
}

int kaff_ctx_checkpoint(struct kaff_ctx *ctx)
{
	struct kaff_ckpt *ck;

	if (!ctx)
		return -EINVAL;
	if (!ctx->booted)
		return -EPERM;
	if (ctx->ck)
		return -EBUSY;
	ck = ckpt_alloc(ctx);
	if (!ck)
		return -ENOMEM;
	kaff__groups_presettle(ctx);
	move_small(true, ctx, ck);
	ctx->ck = ck;
	ck->gen = next_gen(ctx);
	return 0;
}

static void group_put_masks(struct kaff_ctx *ctx, struct kaff_group *g)
{
	kaff__imask_put(ctx, g->pref);
	kaff__imask_put(ctx, g->user);
	kaff__imask_put(ctx, g->cpus);
	kaff__imask_put(ctx, g->want);
}

/* A saved copy's mask has a holder again (it may be dormant: none held
 * it since; the checkpoint kept it). */
static void hold(struct kaff_ckpt *ck, struct kaff_imask *im)
{
	if (!im)
		return;
	if (!im->refs)
		ck->nr_dormant--;
	im->refs++;
}

int kaff_ctx_rollback(struct kaff_ctx *ctx)
{
	struct kaff_ckpt *ck = ctx ? ctx->ck : NULL;
	struct kaff_group *g, *next;
	uint32_t i, id;
	size_t j;

	if (!ctx)
		return -EINVAL;
	if (!ck)
		return -ENOENT;
	/* 1. Out of the hash: every group saved (but the freed, already
	 * out) and every group made since, under their current keys. */
	for (j = 0; j < ck->nr_groups_saved; j++)
		if (!ck->groups[j].g->ck_retired)
			kaff__htable_del(&ctx->groups_by_key, &ck->groups[j].g->node);
	for (g = ck->fresh; g; g = g->ck_next)
		kaff__htable_del(&ctx->groups_by_key, &g->node);
	/* 2. Slots made since: drop what they own (listed ones own nothing;
	 * their groups are dropped or restored below). */
	for (id = ck->nr_kt; id < ctx->nr_kt; id++) {
		kaff__imask_put(ctx, ctx->kt[id].cpus);
		kaff__imask_put(ctx, ctx->kt[id].user);
	}
	ctx->nr_kt = ck->nr_kt;
	/* 3. Saved slots and groups back: their masks held again, the
	 * current ones put (a freed group's were put when it was freed). */
	for (i = 0; i < ck->nr_kt_saved; i++) {
		struct kaff_kthread *k = &ctx->kt[ck->kt[i].id];

		kaff__imask_put(ctx, k->cpus);
		kaff__imask_put(ctx, k->user);
		*k = ck->kt[i].k;
		hold(ck, k->cpus);
		hold(ck, k->user);
	}
	for (j = 0; j < ck->nr_groups_saved; j++) {
		g = ck->groups[j].g;
		group_put_masks(ctx, g);
		*g = ck->groups[j].copy;
		g->touched = 0;
		g->tnext = NULL;
		g->ck_retired = 0;
		hold(ck, g->pref);
		hold(ck, g->user);
		hold(ck, g->cpus);
		hold(ck, g->want);
		kaff__htable_add(&ctx->groups_by_key, &g->node);
	}
	/* 4. Groups made since: nothing points at them any more. */
	for (g = ck->fresh; g; g = next) {
		next = g->ck_next;
		group_put_masks(ctx, g);
		kaff__free(&ctx->alloc, g);
	}
	ck->fresh = NULL;
	ck->nr_kt_saved = 0;
	ck->nr_groups_saved = 0;
	/* 5. Masks made since, or left by the state since: gone. */
	kaff__imask_sweep(ctx);
	move_small(false, ctx, ck);
	ck->gen = next_gen(ctx);
	return 0;
}

int kaff_ctx_commit(struct kaff_ctx *ctx)
{
	struct kaff_ckpt *ck = ctx ? ctx->ck : NULL;
	struct kaff_group *g, *next;

	if (!ctx)
		return -EINVAL;
	if (!ck)
		return -ENOENT;
	for (g = ck->fresh; g; g = next) {
		next = g->ck_next;
		g->ck_fresh = 0;
		g->ck_prev = g->ck_next = NULL;
	}
	kaff__imask_sweep(ctx);
	ctx->ck = NULL;
	kaff__ckpt_free(ctx, ck);   /* and the groups freed since */
	return 0;
}

bool kaff_ctx_has_checkpoint(const struct kaff_ctx *ctx)
{
	return ctx && ctx->ck;
}
