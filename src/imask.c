/* SPDX-License-Identifier: MIT */
/*
 * Interned masks: one immutable, reference-counted entry per distinct
 * mask in a context (see struct kaff_imask).
 */
#include <errno.h>

#include "kaff-private.h"

static uint32_t mask_hash(const struct kaff_cpumask *m)
{
	/* FNV-1a over the words: cheap, and masks differ in few words. */
	uint64_t h = 1469598103934665603ull;
	size_t i, n = kaff__mask_words(m->nbits);

	for (i = 0; i < n; i++) {
		h ^= (uint64_t)m->bits[i];
		h *= 1099511628211ull;
	}
	return (uint32_t)(h ^ (h >> 32));
}

int kaff__imask_table_init(struct kaff_ctx *ctx)
{
	struct kaff_imask_table *t = &ctx->imasks;

	t->nbits = ctx->nr_cpu_ids;
	t->nbuckets = 64;
	t->count = 0;
	t->buckets = kaff__zalloc(&ctx->alloc, t->nbuckets * sizeof(*t->buckets));
	return t->buckets ? 0 : -ENOMEM;
}

void kaff__imask_table_fini(struct kaff_ctx *ctx)
{
	struct kaff_imask_table *t = &ctx->imasks;
	size_t i;

	if (!t->buckets)
		return;
	for (i = 0; i < t->nbuckets; i++) {
		struct kaff_imask *im = t->buckets[i], *next;

		for (; im; im = next) {
			next = im->hnext;
			kaff__free(&ctx->alloc, im);
		}
	}
	kaff__free(&ctx->alloc, t->buckets);
	t->buckets = NULL;
}

/* Double the bucket array. Every allocation failure is reported, so
 * that an event either completes or returns -ENOMEM with no change. */
static int table_grow(struct kaff_ctx *ctx)
{
	struct kaff_imask_table *t = &ctx->imasks;
	size_t i, n = t->nbuckets * 2;
	struct kaff_imask **b = kaff__zalloc(&ctx->alloc, n * sizeof(*b));

	if (!b)
		return -ENOMEM;
	for (i = 0; i < t->nbuckets; i++) {
		struct kaff_imask *im = t->buckets[i], *next;

		for (; im; im = next) {
			next = im->hnext;
			im->hnext = b[im->hash & (n - 1)];
			b[im->hash & (n - 1)] = im;
		}
	}
	kaff__free(&ctx->alloc, t->buckets);
	t->buckets = b;
	t->nbuckets = n;
	return 0;
}

struct kaff_imask *kaff__imask_get(struct kaff_ctx *ctx, const struct kaff_cpumask *m)
{
	struct kaff_imask_table *t = &ctx->imasks;
	size_t bytes = kaff__mask_bytes(t->nbits);
	uint32_t h = mask_hash(m);
	struct kaff_imask *im;

	for (im = t->buckets[h & (t->nbuckets - 1)]; im; im = im->hnext) {
		if (im->hash == h && !memcmp(im->words, m->bits, bytes))
			return kaff__imask_ref(im);
	}
	if (t->count + 1 > t->nbuckets && table_grow(ctx))
		return NULL;
	im = kaff__malloc(&ctx->alloc, sizeof(*im) + bytes);
	if (!im)
		return NULL;
	im->refs = 1;
	im->hash = h;
	im->mask.nbits = t->nbits;
	im->mask.bits = im->words;
	memcpy(im->words, m->bits, bytes);
	im->hnext = t->buckets[h & (t->nbuckets - 1)];
	t->buckets[h & (t->nbuckets - 1)] = im;
	t->count++;
	return im;
}

void kaff__imask_put(struct kaff_ctx *ctx, struct kaff_imask *im)
{
	struct kaff_imask_table *t = &ctx->imasks;
	struct kaff_imask **pp;

	if (!im || --im->refs)
		return;
	for (pp = &t->buckets[im->hash & (t->nbuckets - 1)]; *pp; pp = &(*pp)->hnext) {
		if (*pp == im) {
			*pp = im->hnext;
			break;
		}
	}
	t->count--;
	kaff__free(&ctx->alloc, im);
}
