/* SPDX-License-Identifier: MIT */
/*
 * Groups of listed kthreads in the same state (struct kaff_group): the
 * index that lets a CPU-online event cost what it changes, not the length
 * of the managed list. No kernel counterpart and no rule: what an update
 * does to a group is decided in update.c with the rules of sched.c and
 * kthread.c; this file only finds, links and merges groups.
 */
#include <errno.h>

#include "kaff-private.h"

static uint32_t key_hash(const struct kaff_imask *pref, int node, const struct kaff_imask *user,
			 const struct kaff_imask *cpus, bool bad)
{
	uint64_t h = (uint64_t)(uintptr_t)pref * 0x9e3779b97f4a7c15ull;

	h ^= (uint64_t)(uint32_t)node * 0xc2b2ae3d27d4eb4full;
	h = (h ^ (h >> 29)) + (uint64_t)(uintptr_t)user * 0x165667b19e3779f9ull;
	h = (h ^ (h >> 31)) + (uint64_t)(uintptr_t)cpus * 0x27d4eb2f165667c5ull;
	h ^= bad;
	h ^= h >> 33;
	return (uint32_t)h;
}

uint32_t kaff__group_hash(const struct kaff_group *g)
{
	return key_hash(g->pref, g->ncls, g->user, g->cpus, g->bad);
}

int kaff__groups_init(struct kaff_ctx *ctx)
{
	return kaff__htable_init(&ctx->groups_by_key, &ctx->alloc);
}

/* The doubly linked lists of groups, one pair of links each. */
static void glist_add(struct kaff_ctx *ctx, struct kaff_group **head, struct kaff_group *g, int l)
{
	kaff__group_write(ctx, g);
	if (*head)
		kaff__group_write(ctx, *head);
	g->gl[l].prev = NULL;
	g->gl[l].next = *head;
	if (*head)
		(*head)->gl[l].prev = g;
	*head = g;
}

static void glist_del(struct kaff_ctx *ctx, struct kaff_group **head, struct kaff_group *g, int l)
{
	kaff__group_write(ctx, g);
	if (g->gl[l].prev)
		kaff__group_write(ctx, g->gl[l].prev);
	if (g->gl[l].next)
		kaff__group_write(ctx, g->gl[l].next);
	if (g->gl[l].prev)
		g->gl[l].prev->gl[l].next = g->gl[l].next;
	else
		*head = g->gl[l].next;
	if (g->gl[l].next)
		g->gl[l].next->gl[l].prev = g->gl[l].prev;
	g->gl[l].prev = g->gl[l].next = NULL;
}

static bool node_class(const struct kaff_group *g)
{
	return !g->pref && g->ncls != KAFF_NUMA_NO_NODE;
}

static struct kaff_group *find(const struct kaff_ctx *ctx, const struct kaff_imask *pref,
			       int node, const struct kaff_imask *user,
			       const struct kaff_imask *cpus, bool bad,
			       const struct kaff_group *except)
{
	uint32_t h = key_hash(pref, node, user, cpus, bad);
	struct kaff_hnode *n;

	for (n = kaff__htable_bucket(&ctx->groups_by_key, h); n; n = n->next) {
		struct kaff_group *g = kaff_container_of(n, struct kaff_group, node);

		if (g != except && n->hash == h && g->pref == pref && g->ncls == node &&
		    g->user == user && g->cpus == cpus && g->bad == bad)
			return g;
	}
	return NULL;
}

void kaff__group_set_state(struct kaff_ctx *ctx, struct kaff_group *g, int state)
{
	if (g->state == state)
		return;
	kaff__group_write(ctx, g);
	if (g->state == SCA_CHANGE)
		glist_del(ctx, &ctx->resolvable, g, GL_STATE);
	else if (g->state == SCA_NO_ONLINE)
		glist_del(ctx, &ctx->stuck, g, GL_STATE);
	g->state = (uint8_t)state;
	if (state == SCA_CHANGE)
		glist_add(ctx, &ctx->resolvable, g, GL_STATE);
	else if (state == SCA_NO_ONLINE)
		glist_add(ctx, &ctx->stuck, g, GL_STATE);
}

static void touch(struct kaff_ctx *ctx, struct kaff_group *g)
{
	if (g->touched)
		return;
	g->touched = 1;
	g->tnext = ctx->touched;
	ctx->touched = g;
}

static void group_free(struct kaff_ctx *ctx, struct kaff_group *g)
{
	kaff__group_write(ctx, g);
	kaff__htable_del(&ctx->groups_by_key, &g->node);
	glist_del(ctx, &ctx->groups, g, GL_ALL);
	if (node_class(g))
		glist_del(ctx, &ctx->node_groups[g->ncls], g, GL_NODE);
	kaff__group_set_state(ctx, g, SCA_SAME);
	kaff__imask_put(ctx, g->pref);
	kaff__imask_put(ctx, g->user);
	kaff__imask_put(ctx, g->cpus);
	kaff__imask_put(ctx, g->want);
	ctx->ngroups--;
	if (ctx->ck && !g->ck_fresh) {
		/* a rollback brings it back from its saved copy */
		g->pref = g->user = g->cpus = g->want = NULL;
		g->ck_retired = 1;
		return;
	}
	if (g->ck_fresh)
		kaff__ckpt_fresh_del(ctx, g);
	kaff__free(&ctx->alloc, g);
}

void kaff__groups_drop(struct kaff_ctx *ctx)
{
	struct kaff_group *g, *next;

	for (g = ctx->groups; g; g = next) {
		next = g->gl[GL_ALL].next;
		kaff__free(&ctx->alloc, g);
	}
	ctx->groups = NULL;
	kaff__htable_fini(&ctx->groups_by_key, &ctx->alloc);
}

int kaff__group_get(struct kaff_ctx *ctx, struct kaff_imask *pref, int node,
		    struct kaff_imask *user, struct kaff_imask *cpus, bool bad,
		    struct kaff_group **out)
{
	struct kaff_group *g;

	if (pref)
		node = KAFF_NUMA_NO_NODE;  /* the preference decides (fetch) */
	g = find(ctx, pref, node, user, cpus, bad, NULL);
	if (g) {
		*out = g;
		return 0;
	}
	if (kaff__htable_reserve(&ctx->groups_by_key, &ctx->alloc))
		return -ENOMEM;
	g = kaff__zalloc(&ctx->alloc, sizeof(*g));
	if (!g)
		return -ENOMEM;
	/* made under a checkpoint: first, so that nothing saves it */
	if (ctx->ck)
		kaff__ckpt_fresh_add(ctx, g);
	g->pref = pref ? kaff__imask_ref(pref) : NULL;
	g->user = user ? kaff__imask_ref(user) : NULL;
	g->cpus = kaff__imask_ref(cpus);
	g->ncls = node;
	g->bad = bad;
	g->members.first = g->members.last = KAFF_NONE;
	g->node.hash = key_hash(pref, node, user, cpus, bad);
	kaff__htable_add(&ctx->groups_by_key, &g->node);
	glist_add(ctx, &ctx->groups, g, GL_ALL);
	if (node_class(g))
		glist_add(ctx, &ctx->node_groups[node], g, GL_NODE);
	g->state = SCA_SAME;
	if (bad)
		g->want = kaff__imask_ref(cpus);   /* never updated: it only WARNs */
	else
		kaff__group_set_state(ctx, g, SCA_CHANGE);   /* evaluated at the next update */
	ctx->ngroups++;
	touch(ctx, g);
	*out = g;
	return 0;
}

void kaff__group_add_member(struct kaff_ctx *ctx, struct kaff_group *g, uint32_t id)
{
	kaff__kt_write(ctx, id);
	kaff__group_write(ctx, g);
	ctx->kt[id].grp = g;
	kaff__list_add_head(ctx, &g->members, id, KL_GROUP);
	g->nr++;
	if (g->bad)
		ctx->nr_bad++;
}

void kaff__group_del_member(struct kaff_ctx *ctx, struct kaff_group *g, uint32_t id)
{
	kaff__kt_write(ctx, id);
	kaff__group_write(ctx, g);
	kaff__list_del(ctx, &g->members, id, KL_GROUP);
	ctx->kt[id].grp = NULL;
	g->nr--;
	if (g->bad)
		ctx->nr_bad--;
	/* freed, if empty, at the end of the event */
	touch(ctx, g);
}

/* Give @g a new mask (the caller passes a reference); rehash it. */
void kaff__group_set_cpus(struct kaff_ctx *ctx, struct kaff_group *g, struct kaff_imask *cpus)
{
	kaff__group_write(ctx, g);
	kaff__htable_del(&ctx->groups_by_key, &g->node);
	kaff__imask_put(ctx, g->cpus);
	g->cpus = cpus;
	g->node.hash = key_hash(g->pref, g->ncls, g->user, cpus, g->bad);
	/* Re-adding a node just removed needs no room. */
	kaff__htable_add(&ctx->groups_by_key, &g->node);
	touch(ctx, g);
}

/* Move every member of @from into @into (same key). */
static void merge(struct kaff_ctx *ctx, struct kaff_group *from, struct kaff_group *into)
{
	uint32_t id, next;

	for (id = from->members.first; id != KAFF_NONE; id = next) {
		next = ctx->kt[id].link[KL_GROUP].next;
		kaff__group_del_member(ctx, from, id);
		kaff__group_add_member(ctx, into, id);
	}
}

void kaff__groups_settle(struct kaff_ctx *ctx)
{
	struct kaff_group *g, *next, *other;

	/* Merge first (a merge empties a group), then free the empty ones. */
	for (g = ctx->touched; g; g = g->tnext) {
		if (!g->nr)
			continue;
		other = find(ctx, g->pref, g->ncls, g->user, g->cpus, g->bad, g);
		if (!other || !other->nr)
			continue;
		if (other->nr < g->nr)
			merge(ctx, other, g);
		else
			merge(ctx, g, other);
	}
	for (g = ctx->touched; g; g = next) {
		next = g->tnext;
		g->touched = 0;
		g->tnext = NULL;
		if (!g->nr)
			group_free(ctx, g);
	}
	ctx->touched = NULL;
}

void kaff__node_dirty(struct kaff_ctx *ctx, unsigned int node)
{
	if (ctx->node_dirty[node])
		return;
	ctx->node_dirty[node] = 1;
	ctx->dirty_nodes[ctx->nr_dirty++] = node;
}

void kaff__nodes_clean(struct kaff_ctx *ctx)
{
	while (ctx->nr_dirty)
		ctx->node_dirty[ctx->dirty_nodes[--ctx->nr_dirty]] = 0;
}
