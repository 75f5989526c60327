/* SPDX-License-Identifier: MIT */
/*
 * Groups of listed kthreads in the same state (struct kaff_group): the
 * index that lets a CPU-online event cost what it changes, not the length
 * of the managed list. The kernel's rules live in kthread.c; this file
 * only keeps the groups and their lists.
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

int kaff__groups_init(struct kaff_ctx *ctx)
{
	ctx->ngbuckets = 64;
	ctx->gbuckets = kaff__zalloc(&ctx->alloc, ctx->ngbuckets * sizeof(*ctx->gbuckets));
	return ctx->gbuckets ? 0 : -ENOMEM;
}

/* Doubly linked lists through a pair of fields of struct kaff_group. */
#define LIST_ADD(head, g, prev, next)             \
	do {                                      \
		(g)->prev = NULL;                 \
		(g)->next = (head);               \
		if (head)                         \
			(head)->prev = (g);       \
		(head) = (g);                     \
	} while (0)

#define LIST_DEL(head, g, prev, next)                 \
	do {                                          \
		if ((g)->prev)                        \
			(g)->prev->next = (g)->next;  \
		else                                  \
			(head) = (g)->next;           \
		if ((g)->next)                        \
			(g)->next->prev = (g)->prev;  \
		(g)->prev = (g)->next = NULL;         \
	} while (0)

static void hash_insert(struct kaff_ctx *ctx, struct kaff_group *g)
{
	size_t b = g->hash & (ctx->ngbuckets - 1);

	g->hnext = ctx->gbuckets[b];
	ctx->gbuckets[b] = g;
}

static void hash_remove(struct kaff_ctx *ctx, struct kaff_group *g)
{
	struct kaff_group **pp = &ctx->gbuckets[g->hash & (ctx->ngbuckets - 1)];

	for (; *pp; pp = &(*pp)->hnext) {
		if (*pp == g) {
			*pp = g->hnext;
			return;
		}
	}
}

static int hash_grow(struct kaff_ctx *ctx)
{
	size_t i, n = ctx->ngbuckets * 2;
	struct kaff_group **b = kaff__zalloc(&ctx->alloc, n * sizeof(*b));

	if (!b)
		return -ENOMEM;
	for (i = 0; i < ctx->ngbuckets; i++) {
		struct kaff_group *g = ctx->gbuckets[i], *next;

		for (; g; g = next) {
			next = g->hnext;
			g->hnext = b[g->hash & (n - 1)];
			b[g->hash & (n - 1)] = g;
		}
	}
	kaff__free(&ctx->alloc, ctx->gbuckets);
	ctx->gbuckets = b;
	ctx->ngbuckets = n;
	return 0;
}

static struct kaff_group *find(const struct kaff_ctx *ctx, const struct kaff_imask *pref,
			       int node, const struct kaff_imask *user,
			       const struct kaff_imask *cpus, bool bad,
			       const struct kaff_group *except)
{
	uint32_t h = key_hash(pref, node, user, cpus, bad);
	struct kaff_group *g;

	for (g = ctx->gbuckets[h & (ctx->ngbuckets - 1)]; g; g = g->hnext)
		if (g != except && g->hash == h && g->pref == pref && g->node == node &&
		    g->user == user && g->cpus == cpus && g->bad == bad)
			return g;
	return NULL;
}

void kaff__group_set_state(struct kaff_ctx *ctx, struct kaff_group *g, int state)
{
	if (g->state == state)
		return;
	if (g->state == GS_RESOLVABLE)
		LIST_DEL(ctx->resolvable, g, sprev, snext);
	else if (g->state == GS_STUCK)
		LIST_DEL(ctx->stuck, g, sprev, snext);
	g->state = (uint8_t)state;
	if (state == GS_RESOLVABLE)
		LIST_ADD(ctx->resolvable, g, sprev, snext);
	else if (state == GS_STUCK)
		LIST_ADD(ctx->stuck, g, sprev, snext);
}

void kaff__group_touch(struct kaff_ctx *ctx, struct kaff_group *g)
{
	if (g->touched)
		return;
	g->touched = 1;
	g->tnext = ctx->touched;
	ctx->touched = g;
}

static void group_free(struct kaff_ctx *ctx, struct kaff_group *g)
{
	hash_remove(ctx, g);
	LIST_DEL(ctx->groups, g, aprev, anext);
	if (!g->pref && g->node != KAFF_NUMA_NO_NODE)
		LIST_DEL(ctx->node_groups[g->node], g, nprev, nnext);
	kaff__group_set_state(ctx, g, GS_SETTLED);
	kaff__imask_put(ctx, g->pref);
	kaff__imask_put(ctx, g->user);
	kaff__imask_put(ctx, g->cpus);
	kaff__imask_put(ctx, g->want);
	ctx->ngroups--;
	kaff__free(&ctx->alloc, g);
}

void kaff__groups_fini(struct kaff_ctx *ctx)
{
	while (ctx->groups)
		group_free(ctx, ctx->groups);
	ctx->touched = NULL;
	kaff__free(&ctx->alloc, ctx->gbuckets);
	ctx->gbuckets = NULL;
}

static int state_of(const struct kaff_ctx *ctx, const struct kaff_cpumask *cur,
		    const struct kaff_cpumask *want)
{
	if (kaff_cpumask_equal(cur, want))
		return GS_SETTLED;
	return kaff_cpumask_intersects(want, ctx->online) ? GS_RESOLVABLE : GS_STUCK;
}

int kaff__group_eval(const struct kaff_ctx *ctx, const struct kaff_imask *pref, int node,
		     const struct kaff_imask *user, const struct kaff_cpumask *cur,
		     struct kaff_cpumask *want)
{
	/* set_cpus_allowed_ptr(fetch) through the stored user request */
	kaff__fetch_class(ctx, pref, node, want);
	if (user && kaff_cpumask_intersects(want, &user->mask))
		kaff_cpumask_and(want, want, &user->mask);
	return state_of(ctx, cur, want);
}

int kaff__group_get(struct kaff_ctx *ctx, struct kaff_imask *pref, int node,
		    struct kaff_imask *user, struct kaff_imask *cpus, bool bad,
		    struct kaff_group **out)
{
	struct kaff_cpumask *want = ctx->tmp[2];
	struct kaff_group *g;
	int state;

	if (pref)
		node = KAFF_NUMA_NO_NODE;  /* the preference decides (fetch) */
	g = find(ctx, pref, node, user, cpus, bad, NULL);
	if (g) {
		*out = g;
		return 0;
	}
	if (ctx->ngroups + 1 > ctx->ngbuckets && hash_grow(ctx))
		return -ENOMEM;
	g = kaff__zalloc(&ctx->alloc, sizeof(*g));
	if (!g)
		return -ENOMEM;
	if (bad) {
		/* never updated: it only fails the callback */
		g->want = kaff__imask_ref(cpus);
		state = GS_SETTLED;
	} else {
		state = kaff__group_eval(ctx, pref, node, user, &cpus->mask, want);
		g->want = kaff__imask_get(ctx, want);
		if (!g->want) {
			kaff__free(&ctx->alloc, g);
			return -ENOMEM;
		}
	}
	g->pref = pref ? kaff__imask_ref(pref) : NULL;
	g->user = user ? kaff__imask_ref(user) : NULL;
	g->cpus = kaff__imask_ref(cpus);
	g->node = node;
	g->bad = bad;
	g->head = KAFF_NONE;
	g->hash = key_hash(pref, node, user, cpus, bad);
	hash_insert(ctx, g);
	LIST_ADD(ctx->groups, g, aprev, anext);
	if (!pref && node != KAFF_NUMA_NO_NODE)
		LIST_ADD(ctx->node_groups[node], g, nprev, nnext);
	g->state = GS_SETTLED;
	kaff__group_set_state(ctx, g, state);
	ctx->ngroups++;
	kaff__group_touch(ctx, g);
	*out = g;
	return 0;
}

void kaff__group_add_member(struct kaff_ctx *ctx, struct kaff_group *g, uint32_t id)
{
	struct kaff_kthread *k = &ctx->kt[id];

	k->grp = g;
	k->grp_prev = KAFF_NONE;
	k->grp_next = g->head;
	if (g->head != KAFF_NONE)
		ctx->kt[g->head].grp_prev = id;
	g->head = id;
	g->nr++;
	if (g->bad)
		ctx->nr_bad++;
}

void kaff__group_del_member(struct kaff_ctx *ctx, struct kaff_group *g, uint32_t id)
{
	struct kaff_kthread *k = &ctx->kt[id];

	if (k->grp_prev != KAFF_NONE)
		ctx->kt[k->grp_prev].grp_next = k->grp_next;
	else
		g->head = k->grp_next;
	if (k->grp_next != KAFF_NONE)
		ctx->kt[k->grp_next].grp_prev = k->grp_prev;
	k->grp = NULL;
	g->nr--;
	if (g->bad)
		ctx->nr_bad--;
	/* freed, if empty, at the end of the event */
	kaff__group_touch(ctx, g);
}

/* Give @g a new mask (the caller passes a reference); rehash it. */
void kaff__group_set_cpus(struct kaff_ctx *ctx, struct kaff_group *g, struct kaff_imask *cpus)
{
	hash_remove(ctx, g);
	kaff__imask_put(ctx, g->cpus);
	g->cpus = cpus;
	g->hash = key_hash(g->pref, g->node, g->user, cpus, g->bad);
	hash_insert(ctx, g);
	kaff__group_touch(ctx, g);
}

/* Move every member of @from into @into (same key). */
static void merge(struct kaff_ctx *ctx, struct kaff_group *from, struct kaff_group *into)
{
	uint32_t id, next;

	for (id = from->head; id != KAFF_NONE; id = next) {
		next = ctx->kt[id].grp_next;
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
		other = find(ctx, g->pref, g->node, g->user, g->cpus, g->bad, g);
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
