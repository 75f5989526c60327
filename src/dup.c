/* SPDX-License-Identifier: MIT */
/*
 * kaff_ctx_dup(): a deep copy of a context. No kernel counterpart (the
 * nearest is fork() of a whole machine): it lets a caller explore many
 * futures of one state without replaying the past that made it.
 *
 * The copy is built in two passes. The first allocates everything: the
 * interned masks, the groups, the kthread table and the small arrays;
 * a failure there frees what was made and returns NULL. The second
 * fills the copies in and translates every pointer of the original
 * (masks, groups) into its copy through two address maps; it cannot fail.
 * The cost is the state's size: the masks and groups once, the kthread
 * table in one copy plus one translation per kthread.
 */
#include <errno.h>
#include <string.h>

#include "kaff-private.h"

/* An address map: original -> copy, open addressing. */
struct ptrmap {
	size_t size;                   /* power of two */
	struct {
		const void *from;
		void *to;
	} *slot;
};

static size_t ptr_slot(const struct ptrmap *m, const void *p)
{
	uint64_t x = (uint64_t)(uintptr_t)p;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return (size_t)x & (m->size - 1);
}

static int ptrmap_init(struct ptrmap *m, const struct kaff_allocator *a, size_t n)
{
	for (m->size = 16; m->size < 2 * n; m->size *= 2)
		;
	m->slot = kaff__zalloc(a, m->size * sizeof(*m->slot));
	return m->slot ? 0 : -ENOMEM;
}

static void ptrmap_put(struct ptrmap *m, const void *from, void *to)
{
	size_t i = ptr_slot(m, from);

	while (m->slot[i].from)
		i = (i + 1) & (m->size - 1);
	m->slot[i].from = from;
	m->slot[i].to = to;
}

static void *ptrmap_get(const struct ptrmap *m, const void *from)
{
	size_t i;

	if (!from)
		return NULL;
	for (i = ptr_slot(m, from); m->slot[i].from; i = (i + 1) & (m->size - 1))
		if (m->slot[i].from == from)
			return m->slot[i].to;
	return NULL;   /* not reached: every pointer of a context is mapped */
}

struct dup {
	struct kaff_ctx *dst;
	const struct kaff_ctx *src;
	struct ptrmap masks, groups;
};

#define MAP_MASK(d, p) ((struct kaff_imask *)ptrmap_get(&(d)->masks, (p)))
#define MAP_GROUP(d, p) ((struct kaff_group *)ptrmap_get(&(d)->groups, (p)))

static void *copy_bytes(const struct kaff_allocator *a, const void *p, size_t n)
{
	void *c = kaff__malloc(a, n ? n : 1);

	if (c && n)
		memcpy(c, p, n);
	return c;
}

static char *copy_str(const struct kaff_allocator *a, const char *s)
{
	return s ? copy_bytes(a, s, strlen(s) + 1) : NULL;
}

/* ---- pass 1: allocate ---------------------------------------------------- */

static int alloc_masks(struct dup *d)
{
	const struct kaff_htable *t = &d->src->imasks;
	size_t bytes = kaff__mask_bytes(d->src->nr_cpu_ids), b;
	struct kaff_hnode *n;

	if (ptrmap_init(&d->masks, &d->dst->alloc, t->count))
		return -ENOMEM;
	for (b = 0; b < t->nbuckets; b++) {
		for (n = t->buckets[b]; n; n = n->next) {
			const struct kaff_imask *im = kaff_container_of(n, struct kaff_imask, node);
			struct kaff_imask *c;

			/* dormant (a checkpoint of the original keeps it): not
			 * part of the state, not copied */
			if (!im->refs)
				continue;
			c = kaff__malloc(&d->dst->alloc, sizeof(*c) + bytes);
			if (!c)
				return -ENOMEM;
			*c = *im;
			c->dormant = 0;
			c->dnext = NULL;
			c->mask.bits = c->words;
			memcpy(c->words, im->words, bytes);
			ptrmap_put(&d->masks, im, c);
		}
	}
	return 0;
}

static int alloc_groups(struct dup *d)
{
	const struct kaff_group *g;

	if (ptrmap_init(&d->groups, &d->dst->alloc, d->src->ngroups))
		return -ENOMEM;
	for (g = d->src->groups; g; g = g->gl[GL_ALL].next) {
		struct kaff_group *c = kaff__malloc(&d->dst->alloc, sizeof(*c));

		if (!c)
			return -ENOMEM;
		*c = *g;
		ptrmap_put(&d->groups, g, c);
	}
	return 0;
}

/* The table of a hash table, as large as the original's. */
static int alloc_htable(const struct kaff_allocator *a, struct kaff_htable *t, size_t nbuckets)
{
	struct kaff_hnode **b = kaff__zalloc(a, nbuckets * sizeof(*b));

	if (!b)
		return -ENOMEM;
	kaff__free(a, t->buckets);
	t->buckets = b;
	t->nbuckets = nbuckets;
	t->count = 0;
	return 0;
}

/* Everything but masks and groups: arrays of the context. */
static int alloc_arrays(struct dup *d)
{
	const struct kaff_ctx *s = d->src;
	struct kaff_ctx *c = d->dst;
	const struct kaff_allocator *a = &c->alloc;
	unsigned int i;

	if (alloc_htable(a, &c->imasks, s->imasks.nbuckets) ||
	    alloc_htable(a, &c->groups_by_key, s->groups_by_key.nbuckets))
		return -ENOMEM;
	/* the table as long as it is used (it grows again on demand), filled
	 * in pass 2 in one sweep */
	if (s->nr_kt && !(c->kt = kaff__malloc(a, s->nr_kt * sizeof(*s->kt))))
		return -ENOMEM;
	kaff__prefault(c->kt, s->nr_kt * sizeof(*s->kt));
	c->cap_kt = s->nr_kt;
	if (s->nr_nodes) {
		if (!(c->node_cpus = kaff__zalloc(a, s->nr_nodes * sizeof(*c->node_cpus))))
			return -ENOMEM;
		c->nr_nodes = s->nr_nodes;
		for (i = 0; i < s->nr_nodes; i++)
			if (s->node_cpus[i] &&
			    !(c->node_cpus[i] = kaff__cpumask_zalloc(a, s->nr_cpu_ids)))
				return -ENOMEM;
	}
	if (s->irq_vectors &&
	    !(c->irq_vectors = copy_bytes(a, s->irq_vectors, s->nr_cpu_ids * sizeof(*s->irq_vectors))))
		return -ENOMEM;
	if (s->node_groups &&
	    (!(c->node_groups = kaff__zalloc(a, s->nr_nodes * sizeof(*c->node_groups))) ||
	     !(c->node_dirty = copy_bytes(a, s->node_dirty, s->nr_nodes)) ||
	     !(c->dirty_nodes = copy_bytes(a, s->dirty_nodes, s->nr_nodes * sizeof(*s->dirty_nodes)))))
		return -ENOMEM;
	if (s->nr_boot_params) {
		if (!(c->boot_params = kaff__zalloc(a, s->nr_boot_params * sizeof(*c->boot_params))))
			return -ENOMEM;
		c->nr_boot_params = s->nr_boot_params;
		for (i = 0; i < s->nr_boot_params; i++)
			if (!(c->boot_params[i] = copy_str(a, s->boot_params[i])))
				return -ENOMEM;
	}
	if (s->nr_boot_msgs) {
		if (!(c->boot_msgs = kaff__zalloc(a, s->nr_boot_msgs * sizeof(*c->boot_msgs))))
			return -ENOMEM;
		c->nr_boot_msgs = s->nr_boot_msgs;
		for (i = 0; i < s->nr_boot_msgs; i++) {
			c->boot_msgs[i] = s->boot_msgs[i];
			c->boot_msgs[i].console = NULL;
			if (s->boot_msgs[i].console &&
			    !(c->boot_msgs[i].console = copy_str(a, s->boot_msgs[i].console)))
				return -ENOMEM;
		}
	}
	return 0;
}

/* A failed pass 1: free the masks and groups made (the context frees the
 * rest, which it owns already), with no kthread or group left to put. */
static void undo_alloc(struct dup *d)
{
	const struct kaff_allocator *a = &d->dst->alloc;
	size_t i;

	for (i = 0; d->masks.slot && i < d->masks.size; i++)
		kaff__free(a, d->masks.slot[i].to);
	for (i = 0; d->groups.slot && i < d->groups.size; i++)
		kaff__free(a, d->groups.slot[i].to);
	kaff__free(a, d->dst->kt);
	d->dst->kt = NULL;
	d->dst->nr_kt = d->dst->cap_kt = 0;
}

/* ---- pass 2: fill in, translating pointers ------------------------------ */

static void fill_masks(struct dup *d)
{
	size_t i;

	for (i = 0; i < d->masks.size; i++)
		if (d->masks.slot[i].to)
			kaff__htable_add(&d->dst->imasks, &((struct kaff_imask *)d->masks.slot[i].to)->node);
}

static void fill_groups(struct dup *d)
{
	const struct kaff_group *g;
	int l;

	for (g = d->src->groups; g; g = g->gl[GL_ALL].next) {
		struct kaff_group *c = MAP_GROUP(d, g);

		for (l = 0; l < GL_NR; l++) {
			c->gl[l].prev = MAP_GROUP(d, g->gl[l].prev);
			c->gl[l].next = MAP_GROUP(d, g->gl[l].next);
		}
		c->tnext = NULL;
		c->touched = 0;
		/* the copy holds no checkpoint */
		c->ck_fresh = c->ck_retired = 0;
		c->ck_gen = 0;
		c->ck_prev = c->ck_next = NULL;
		c->pref = MAP_MASK(d, g->pref);
		c->user = MAP_MASK(d, g->user);
		c->cpus = MAP_MASK(d, g->cpus);
		c->want = MAP_MASK(d, g->want);
		/* the key hashes the masks' addresses: new addresses, new hash */
		c->node.hash = kaff__group_hash(c);
		kaff__htable_add(&d->dst->groups_by_key, &c->node);
	}
}

/* A small direct-mapped cache in front of an address map: a table of a
 * million kthreads usually holds a few groups and masks, in turn. */
struct map_cache {
	const void *from[64];
	void *to[64];
};

static void *cached_get(struct map_cache *c, const struct ptrmap *m, const void *from)
{
	size_t i = ((uintptr_t)from >> 4) & 63;

	if (!from)
		return NULL;
	if (c->from[i] != from) {
		c->from[i] = from;
		c->to[i] = ptrmap_get(m, from);
	}
	return c->to[i];
}

static void fill_kthreads(struct dup *d)
{
	struct map_cache gc, mc;
	uint32_t i;

	memset(&gc, 0, sizeof(gc));
	memset(&mc, 0, sizeof(mc));
	for (i = 0; i < d->src->nr_kt; i++) {
		const struct kaff_kthread *k = &d->src->kt[i];
		struct kaff_kthread *c = &d->dst->kt[i];

		*c = *k;
		c->cpus = cached_get(&mc, &d->masks, k->cpus);
		c->user = cached_get(&mc, &d->masks, k->user);
		c->grp = cached_get(&gc, &d->groups, k->grp);
	}
}

static void fill_ctx(struct dup *d)
{
	const struct kaff_ctx *s = d->src;
	struct kaff_ctx *c = d->dst;
	unsigned int i;
	size_t m;

	c->log_fn = s->log_fn;
	c->log_data = s->log_data;
	c->booted = s->booted;
	c->engine = s->engine;
	for (m = 0; m < kaff__ctx_nr_masks(); m++)
		kaff_cpumask_copy(kaff__ctx_mask(c, m), kaff__ctx_mask(s, m));
	for (i = 0; i < s->nr_nodes; i++)
		if (s->node_cpus[i])
			kaff_cpumask_copy(c->node_cpus[i], s->node_cpus[i]);
	memcpy(c->cpu_node, s->cpu_node, s->nr_cpu_ids * sizeof(*c->cpu_node));
	c->hk_flags = s->hk_flags;
	c->hk_update_deferred = s->hk_update_deferred;
	c->nr_kt = s->nr_kt;
	c->managed = s->managed;
	c->per_cpu = s->per_cpu;
	c->irq = s->irq;
	c->nr_live = s->nr_live;
	c->nr_per_cpu = s->nr_per_cpu;
	c->nr_bad = s->nr_bad;
	c->managed_seq = s->managed_seq;
	c->ngroups = s->ngroups;
	c->groups = MAP_GROUP(d, s->groups);
	for (i = 0; c->node_groups && i < s->nr_nodes; i++)
		c->node_groups[i] = MAP_GROUP(d, s->node_groups[i]);
	c->resolvable = MAP_GROUP(d, s->resolvable);
	c->stuck = MAP_GROUP(d, s->stuck);
	c->nr_dirty = s->nr_dirty;
	c->stamp = s->stamp;
}

struct kaff_ctx *kaff_ctx_dup(const struct kaff_ctx *src)
{
	struct dup d = { 0 };

	if (!src)
		return NULL;
	/* Between events: no undo log, no group touched (kaff__run_event()
	 * and kaff__groups_settle() leave none). */
	d.src = src;
	d.dst = kaff_ctx_new(src->profile, src->nr_cpu_ids, &src->alloc);
	if (!d.dst)
		return NULL;
	if (alloc_masks(&d) || alloc_groups(&d) || alloc_arrays(&d)) {
		undo_alloc(&d);
		kaff__free(&d.dst->alloc, d.masks.slot);
		kaff__free(&d.dst->alloc, d.groups.slot);
		kaff_ctx_free(d.dst);
		return NULL;
	}
	fill_masks(&d);
	fill_groups(&d);
	fill_kthreads(&d);
	fill_ctx(&d);
	kaff__free(&d.dst->alloc, d.masks.slot);
	kaff__free(&d.dst->alloc, d.groups.slot);
	return d.dst;
}
