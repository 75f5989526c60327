/* SPDX-License-Identifier: MIT */
/*
 * Interned masks: one immutable, reference-counted entry per distinct
 * mask in a context (see struct kaff_imask), in a hash table
 * (hashtable.c) keyed by the mask's words.
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
	/* A multiplication only carries a bit upwards: masks that differ
	 * in the high bits of a word would differ only in the high bits of
	 * h, which the bucket index does not use. Mix them down (the
	 * finalizer of MurmurHash3). */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return (uint32_t)h;
}

static struct kaff_imask *entry(struct kaff_hnode *n)
{
	return kaff_container_of(n, struct kaff_imask, node);
}

struct kaff_imask *kaff__imask_get(struct kaff_ctx *ctx, const struct kaff_cpumask *m)
{
	size_t bytes = kaff__mask_bytes(ctx->nr_cpu_ids);
	uint32_t h = mask_hash(m);
	struct kaff_hnode *n;
	struct kaff_imask *im;

	for (n = kaff__htable_bucket(&ctx->imasks, h); n; n = n->next) {
		im = entry(n);
		if (n->hash == h && !memcmp(im->words, m->bits, bytes)) {
			if (!im->refs)   /* dormant: a holder again */
				ctx->ck->nr_dormant--;
			return kaff__imask_ref(im);
		}
	}
	if (kaff__htable_reserve(&ctx->imasks, &ctx->alloc))
		return NULL;
	im = kaff__malloc(&ctx->alloc, sizeof(*im) + bytes);
	if (!im)
		return NULL;
	im->refs = 1;
	im->dormant = 0;
	im->dnext = NULL;
	im->node.hash = h;
	im->mask.nbits = ctx->nr_cpu_ids;
	im->mask.bits = im->words;
	memcpy(im->words, m->bits, bytes);
	kaff__htable_add(&ctx->imasks, &im->node);
	return im;
}

void kaff__imask_put(struct kaff_ctx *ctx, struct kaff_imask *im)
{
	if (!im || --im->refs)
		return;
	if (ctx->ck) {
		/* a saved copy may hold it: kept until the rollback or commit */
		if (!im->dormant) {
			im->dormant = 1;
			im->dnext = ctx->ck->dormant;
			ctx->ck->dormant = im;
		}
		ctx->ck->nr_dormant++;
		return;
	}
	kaff__htable_del(&ctx->imasks, &im->node);
	kaff__free(&ctx->alloc, im);
}

void kaff__imask_sweep(struct kaff_ctx *ctx)
{
	struct kaff_ckpt *ck = ctx->ck;
	struct kaff_imask *im, *next;

	for (im = ck->dormant; im; im = next) {
		next = im->dnext;
		im->dormant = 0;
		im->dnext = NULL;
		if (!im->refs) {
			kaff__htable_del(&ctx->imasks, &im->node);
			kaff__free(&ctx->alloc, im);
		}
	}
	ck->dormant = NULL;
	ck->nr_dormant = 0;
}

void kaff__imasks_drop(struct kaff_ctx *ctx)
{
	size_t b;

	for (b = 0; b < ctx->imasks.nbuckets; b++) {
		struct kaff_hnode *n = ctx->imasks.buckets[b], *next;

		for (; n; n = next) {
			next = n->next;
			kaff__free(&ctx->alloc, entry(n));
		}
	}
	kaff__htable_fini(&ctx->imasks, &ctx->alloc);
}

size_t kaff__imask_count(const struct kaff_ctx *ctx)
{
	return ctx->imasks.count - (ctx->ck ? ctx->ck->nr_dormant : 0);
}
