/* SPDX-License-Identifier: MIT */
/*
 * Chained hash tables of nodes embedded in their entries (in the manner
 * of include/linux/hashtable.h), for the interned masks and the groups.
 * The table doubles when it holds as many nodes as buckets; growing is
 * the only step that allocates, and it is done before an insertion, so
 * that a caller either inserts or gets -ENOMEM with nothing changed.
 */
#include <errno.h>

#include "kaff-private.h"

#define HTABLE_MIN_BUCKETS 64

int kaff__htable_init(struct kaff_htable *t, const struct kaff_allocator *a)
{
	t->count = 0;
	t->buckets = kaff__zalloc(a, HTABLE_MIN_BUCKETS * sizeof(*t->buckets));
	t->nbuckets = t->buckets ? HTABLE_MIN_BUCKETS : 0;
	return t->buckets ? 0 : -ENOMEM;
}

void kaff__htable_fini(struct kaff_htable *t, const struct kaff_allocator *a)
{
	kaff__free(a, t->buckets);
	t->buckets = NULL;
	t->nbuckets = t->count = 0;
}

int kaff__htable_reserve(struct kaff_htable *t, const struct kaff_allocator *a)
{
	size_t i, n = t->nbuckets * 2;
	struct kaff_hnode **b;

	if (t->count + 1 <= t->nbuckets)
		return 0;
	b = kaff__zalloc(a, n * sizeof(*b));
	if (!b)
		return -ENOMEM;
	for (i = 0; i < t->nbuckets; i++) {
		struct kaff_hnode *node = t->buckets[i], *next;

		for (; node; node = next) {
			next = node->next;
			node->next = b[node->hash & (n - 1)];
			b[node->hash & (n - 1)] = node;
		}
	}
	kaff__free(a, t->buckets);
	t->buckets = b;
	t->nbuckets = n;
	return 0;
}

void kaff__htable_add(struct kaff_htable *t, struct kaff_hnode *n)
{
	struct kaff_hnode **b = &t->buckets[n->hash & (t->nbuckets - 1)];

	n->next = *b;
	*b = n;
	t->count++;
}

void kaff__htable_del(struct kaff_htable *t, struct kaff_hnode *n)
{
	struct kaff_hnode **pp = &t->buckets[n->hash & (t->nbuckets - 1)];

	for (; *pp; pp = &(*pp)->next) {
		if (*pp == n) {
			*pp = n->next;
			t->count--;
			return;
		}
	}
}
