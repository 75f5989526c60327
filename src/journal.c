/* SPDX-License-Identifier: MIT */
/*
 * The checkpoint's journal: what a kthread slot or a group was before its
 * first write since kaff_ctx_checkpoint() or the last kaff_ctx_rollback()
 * (checkpoint.c puts them back). No kernel counterpart. The lists of
 * kthread ids live here too: they write the slots of their neighbours,
 * which must be saved first.
 *
 * Saving never allocates: the checkpoint made room for every slot and
 * every group that existed when it was taken, and a slot or group made
 * since needs no save (a rollback drops it).
 */
#include "kaff-private.h"

void kaff__kt_write(struct kaff_ctx *ctx, uint32_t id)
{
	struct kaff_ckpt *ck = ctx->ck;
	struct kaff_ckpt_kt *s;

	if (!ck || id >= ck->nr_kt || ck->kt_gen[id] == ck->gen)
		return;
	ck->kt_gen[id] = ck->gen;
	s = &ck->kt[ck->nr_kt_saved++];
	s->id = id;
	s->k = ctx->kt[id];
}

void kaff__group_write(struct kaff_ctx *ctx, struct kaff_group *g)
{
	struct kaff_ckpt *ck = ctx->ck;
	struct kaff_ckpt_group *s;

	if (!ck || g->ck_fresh || g->ck_gen == ck->gen)
		return;
	g->ck_gen = ck->gen;
	s = &ck->groups[ck->nr_groups_saved++];
	s->g = g;
	s->copy = *g;
}

void kaff__list_add_tail(struct kaff_ctx *ctx, struct kaff_list *l, uint32_t id, int which)
{
	struct kaff_kthread *kt = ctx->kt;

	kaff__kt_write(ctx, id);
	kt[id].link[which].prev = l->last;
	kt[id].link[which].next = KAFF_NONE;
	if (l->last != KAFF_NONE) {
		kaff__kt_write(ctx, l->last);
		kt[l->last].link[which].next = id;
	} else {
		l->first = id;
	}
	l->last = id;
}

void kaff__list_add_head(struct kaff_ctx *ctx, struct kaff_list *l, uint32_t id, int which)
{
	struct kaff_kthread *kt = ctx->kt;

	kaff__kt_write(ctx, id);
	kt[id].link[which].prev = KAFF_NONE;
	kt[id].link[which].next = l->first;
	if (l->first != KAFF_NONE) {
		kaff__kt_write(ctx, l->first);
		kt[l->first].link[which].prev = id;
	} else {
		l->last = id;
	}
	l->first = id;
}

void kaff__list_del(struct kaff_ctx *ctx, struct kaff_list *l, uint32_t id, int which)
{
	struct kaff_kthread *kt = ctx->kt;
	struct kaff_link *k = &kt[id].link[which];

	kaff__kt_write(ctx, id);
	if (k->prev != KAFF_NONE) {
		kaff__kt_write(ctx, k->prev);
		kt[k->prev].link[which].next = k->next;
	} else {
		l->first = k->next;
	}
	if (k->next != KAFF_NONE) {
		kaff__kt_write(ctx, k->next);
		kt[k->next].link[which].prev = k->prev;
	} else {
		l->last = k->prev;
	}
	k->prev = k->next = KAFF_NONE;
}

/* Groups made since the checkpoint: a rollback frees them. */
void kaff__ckpt_fresh_add(struct kaff_ctx *ctx, struct kaff_group *g)
{
	struct kaff_ckpt *ck = ctx->ck;

	g->ck_fresh = 1;
	g->ck_prev = NULL;
	g->ck_next = ck->fresh;
	if (ck->fresh)
		ck->fresh->ck_prev = g;
	ck->fresh = g;
}

void kaff__ckpt_fresh_del(struct kaff_ctx *ctx, struct kaff_group *g)
{
	if (g->ck_prev)
		g->ck_prev->ck_next = g->ck_next;
	else
		ctx->ck->fresh = g->ck_next;
	if (g->ck_next)
		g->ck_next->ck_prev = g->ck_prev;
	g->ck_prev = g->ck_next = NULL;
	g->ck_fresh = 0;
}

void kaff__ckpt_free(struct kaff_ctx *ctx, struct kaff_ckpt *ck)
{
	const struct kaff_allocator *a = &ctx->alloc;
	size_t j;

	/* groups freed since the checkpoint: only their saves point at them */
	for (j = 0; j < ck->nr_groups_saved; j++)
		if (ck->groups[j].g->ck_retired)
			kaff__free(a, ck->groups[j].g);
	kaff__free(a, ck->kt_gen);
	kaff__free(a, ck->kt);
	kaff__free(a, ck->groups);
	kaff__free(a, ck->node_groups);
	kaff__free(a, ck->node_dirty);
	kaff__free(a, ck->dirty_nodes);
	kaff__free(a, ck->irq_vectors);
	kaff__free(a, ck->mask_words);
	kaff__free(a, ck);
}
