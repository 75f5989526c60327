/* SPDX-License-Identifier: MIT */
/*
 * libkaff cpumask: the operations of the kernel's include/linux/cpumask.h
 * on a run-time sized bitmap of m->nbits CPUs.
 *
 * Invariant: the bits at and above nbits in the last word are always zero.
 * Every operation that could set them (setall, complement) masks the last
 * word, and the others cannot create them from clean inputs, so equality is
 * a word compare and weight/search never see a CPU >= nbits.
 *
 * Speed (docs/performance.md has the measurements): a mask of one word
 * (nr_cpu_ids 1 .. 64, the most common) is tested for first and handled
 * with no loop and no taken branch; masks of fewer than KAFF__BITMAP_BIG
 * words take the plain loops here; larger ones go to the word loops of
 * bitmap-private.h (bitmap.c, bitmap-x86.c for the CPU's SIMD), as the
 * kernel's bitmap_and() goes to __bitmap_and() when the size is not a
 * small constant.
 */
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libkaff/cpumask.h>

#include "bitmap-private.h"

#define BPL KAFF_BITS_PER_LONG
#define BIG KAFF__BITMAP_BIG
#define NO_VECTORIZE KAFF__NO_VECTORIZE
#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif
#if defined(__GNUC__) && !defined(__clang__)
#define NO_UNROLL _Pragma("GCC unroll 1")
#else
#define NO_UNROLL
#endif

/* At one word, a taken branch or a loop set-up is a measurable part of a call. */
#if defined(__GNUC__)
#define ONE_WORD(nbits) __builtin_expect((nbits) - 1u < BPL, 1)
#else
#define ONE_WORD(nbits) ((nbits) - 1u < BPL)
#endif

static size_t nwords(const struct kaff_cpumask *m)
{
	return KAFF_BITS_TO_LONGS(m->nbits);
}

/* The valid bits of the last word (all ones when nbits fills it). */
static unsigned long tail_mask(unsigned int nbits)
{
	unsigned int r = nbits % BPL;

	return r ? ~0UL >> (BPL - r) : ~0UL;
}

/*
 * The first bit >= @start of @a (of @a & @b when @b is not NULL), or
 * @nbits when there is none.
 */
static unsigned int find_next(const unsigned long *a, const unsigned long *b,
			      unsigned int nbits, unsigned int start)
{
	size_t i, n = KAFF_BITS_TO_LONGS(nbits);
	unsigned long w;

	if (start >= nbits)
		return nbits;
	i = start / BPL;
	w = a[i];
	if (b)
		w &= b[i];
	w &= ~0UL << (start % BPL);
	for (;;) {
		if (w) {
			/* bits >= nbits are zero, so this is < nbits */
			return (unsigned int)(i * BPL + kaff__ffs(w));
		}
		if (++i >= n)
			return nbits;
		w = a[i];
		if (b)
			w &= b[i];
	}
}

struct kaff_cpumask *kaff_cpumask_alloc(unsigned int nbits)
{
	/* the words start at the first unsigned long boundary after the struct */
	const size_t off = (sizeof(struct kaff_cpumask) + alignof(unsigned long) - 1) /
			   alignof(unsigned long) * alignof(unsigned long);
	struct kaff_cpumask *m;

	if (nbits > KAFF_NR_CPUS_MAX)
		return NULL;
	m = malloc(off + KAFF_BITS_TO_LONGS(nbits) * sizeof(unsigned long));
	if (!m)
		return NULL;
	m->nbits = nbits;
	m->bits = (unsigned long *)(void *)((char *)m + off);
	kaff_cpumask_clear(m);
	return m;
}

void kaff_cpumask_free(struct kaff_cpumask *m)
{
	free(m);
}

void kaff_cpumask_clear(struct kaff_cpumask *m)
{
	memset(m->bits, 0, nwords(m) * sizeof(unsigned long));
}

void kaff_cpumask_setall(struct kaff_cpumask *m)
{
	size_t n = nwords(m);

	if (!n)
		return;
	memset(m->bits, 0xff, n * sizeof(unsigned long));
	m->bits[n - 1] &= tail_mask(m->nbits);
}

void kaff_cpumask_set_cpu(unsigned int cpu, struct kaff_cpumask *m)
{
	if (cpu < m->nbits)
		m->bits[cpu / BPL] |= 1UL << (cpu % BPL);
}

void kaff_cpumask_clear_cpu(unsigned int cpu, struct kaff_cpumask *m)
{
	if (cpu < m->nbits)
		m->bits[cpu / BPL] &= ~(1UL << (cpu % BPL));
}

bool kaff_cpumask_test_cpu(unsigned int cpu, const struct kaff_cpumask *m)
{
	if (cpu >= m->nbits)
		return false;
	return (m->bits[cpu / BPL] >> (cpu % BPL)) & 1UL;
}

NO_VECTORIZE
bool kaff_cpumask_and(struct kaff_cpumask *dst, const struct kaff_cpumask *a,
		      const struct kaff_cpumask *b)
{
	unsigned long *d = dst->bits;
	const unsigned long *x = a->bits, *y = b->bits;
	size_t i, n = nwords(dst);
	unsigned long any = 0;

	if (ONE_WORD(dst->nbits))
		return (d[0] = x[0] & y[0]) != 0;
	if (n >= BIG)
		return kaff__bitmap_and(d, x, y, n);
	for (i = 0; i < n; i++)
		any |= d[i] = x[i] & y[i];
	return any != 0;
}

/* No NO_VECTORIZE here: at 2 .. 7 words gcc's own SSE2 loop was the
 * fastest tried (word by word, a hand-written SSE2 loop, one AVX2 op). */
void kaff_cpumask_or(struct kaff_cpumask *dst, const struct kaff_cpumask *a,
		     const struct kaff_cpumask *b)
{
	unsigned long *d = dst->bits;
	const unsigned long *x = a->bits, *y = b->bits;
	size_t i, n = nwords(dst);

	if (ONE_WORD(dst->nbits)) {
		d[0] = x[0] | y[0];
		return;
	}
	if (n >= BIG) {
		kaff__bitmap_or(d, x, y, n);
		return;
	}
	for (i = 0; i < n; i++)
		d[i] = x[i] | y[i];
}

NO_VECTORIZE
bool kaff_cpumask_andnot(struct kaff_cpumask *dst, const struct kaff_cpumask *a,
			 const struct kaff_cpumask *b)
{
	unsigned long *d = dst->bits;
	const unsigned long *x = a->bits, *y = b->bits;
	size_t i, n = nwords(dst);
	unsigned long any = 0;

	if (ONE_WORD(dst->nbits))
		return (d[0] = x[0] & ~y[0]) != 0;
	if (n >= BIG)
		return kaff__bitmap_andnot(d, x, y, n);
	for (i = 0; i < n; i++)
		any |= d[i] = x[i] & ~y[i];
	return any != 0;
}

NO_VECTORIZE
void kaff_cpumask_xor(struct kaff_cpumask *dst, const struct kaff_cpumask *a,
		      const struct kaff_cpumask *b)
{
	unsigned long *d = dst->bits;
	const unsigned long *x = a->bits, *y = b->bits;
	size_t i, n = nwords(dst);

	if (ONE_WORD(dst->nbits)) {
		d[0] = x[0] ^ y[0];
		return;
	}
	if (n >= BIG) {
		kaff__bitmap_xor(d, x, y, n);
		return;
	}
	for (i = 0; i < n; i++)
		d[i] = x[i] ^ y[i];
}

void kaff_cpumask_complement(struct kaff_cpumask *dst, const struct kaff_cpumask *src)
{
	size_t i, n = nwords(dst);

	for (i = 0; i < n; i++)
		dst->bits[i] = ~src->bits[i];
	if (n)
		dst->bits[n - 1] &= tail_mask(dst->nbits);
}

NO_VECTORIZE
void kaff_cpumask_copy(struct kaff_cpumask *dst, const struct kaff_cpumask *src)
{
	unsigned long *d = dst->bits;
	const unsigned long *x = src->bits;
	size_t i, n = nwords(dst);

	if (ONE_WORD(dst->nbits)) {
		d[0] = x[0];
		return;
	}
	if (n >= BIG) {
		kaff__bitmap_copy(d, x, n);
		return;
	}
	for (i = 0; i < n; i++)
		d[i] = x[i];
}

NO_VECTORIZE
bool kaff_cpumask_empty(const struct kaff_cpumask *m)
{
	const unsigned long *x = m->bits;
	size_t i, n = nwords(m);

	if (ONE_WORD(m->nbits))
		return x[0] == 0;
	if (n >= BIG)
		return kaff__bitmap_find_not(x, 0, n, 0) == n;
	for (i = 0; i < n; i++)
		if (x[i])
			return false;
	return true;
}

bool kaff_cpumask_full(const struct kaff_cpumask *m)
{
	size_t i, n = nwords(m);

	if (!n)
		return true;
	for (i = 0; i + 1 < n; i++)
		if (m->bits[i] != ~0UL)
			return false;
	return m->bits[n - 1] == tail_mask(m->nbits);
}

NO_VECTORIZE
bool kaff_cpumask_equal(const struct kaff_cpumask *a, const struct kaff_cpumask *b)
{
	const unsigned long *x = a->bits, *y = b->bits;
	size_t i, n = nwords(a);

	if (ONE_WORD(a->nbits))
		return x[0] == y[0];
	if (n >= BIG)
		return !kaff__bitmap_any_xor(x, y, n);
	for (i = 0; i < n; i++)
		if (x[i] != y[i])
			return false;
	return true;
}

NO_VECTORIZE
bool kaff_cpumask_subset(const struct kaff_cpumask *a, const struct kaff_cpumask *b)
{
	const unsigned long *x = a->bits, *y = b->bits;
	size_t i, n = nwords(a);

	if (ONE_WORD(a->nbits))
		return (x[0] & ~y[0]) == 0;
	if (n >= BIG)
		return !kaff__bitmap_any_andnot(x, y, n);
	for (i = 0; i < n; i++)
		if (x[i] & ~y[i])
			return false;
	return true;
}

NO_VECTORIZE
bool kaff_cpumask_intersects(const struct kaff_cpumask *a, const struct kaff_cpumask *b)
{
	const unsigned long *x = a->bits, *y = b->bits;
	size_t i, n = nwords(a);

	if (ONE_WORD(a->nbits))
		return (x[0] & y[0]) != 0;
	if (n >= BIG)
		return kaff__bitmap_any_and(x, y, n);
	for (i = 0; i < n; i++)
		if (x[i] & y[i])
			return true;
	return false;
}

/* every size through bitmap-x86.c on x86-64: the popcnt instruction is
 * only there (Debian's baseline target has none) */
unsigned int kaff_cpumask_weight(const struct kaff_cpumask *m)
{
	if (ONE_WORD(m->nbits))
		return kaff__bitmap_hweight_long(m->bits[0]);
	return kaff__bitmap_weight(m->bits, nwords(m));
}

/* out of line, so that the short paths of first() save no register */
NOINLINE static unsigned int first_big(const unsigned long *x, size_t n, unsigned int nbits)
{
	size_t i = kaff__bitmap_find_not(x, 0, n, 0);

	return i < n ? (unsigned int)(i * BPL + kaff__ffs(x[i])) : nbits;
}

unsigned int kaff_cpumask_first(const struct kaff_cpumask *m)
{
	const unsigned long *x = m->bits;
	const unsigned int nbits = m->nbits;
	size_t i, n;

	if (ONE_WORD(nbits)) {
		unsigned long w = x[0];
		/* defined for w == 0 too, so the choice can be a cmov */
		unsigned int r = kaff__ffs(w | 1UL << (BPL - 1));

		return w ? r : nbits;
	}
	n = KAFF_BITS_TO_LONGS(nbits);
	if (n >= BIG)
		return first_big(x, n, nbits);
	/* a plain loop: fully unrolled by gcc (n < 8), it was slower */
	NO_UNROLL
	for (i = 0; i < n; i++)
		if (x[i])
			return (unsigned int)(i * BPL + kaff__ffs(x[i]));
	return m->nbits;
}

unsigned int kaff_cpumask_last(const struct kaff_cpumask *m)
{
	size_t i = nwords(m);

	while (i--) {
		if (m->bits[i])
			return (unsigned int)(i * BPL + kaff__fls(m->bits[i]));
	}
	return m->nbits;
}

/*
 * n + 1 is computed in unsigned arithmetic, so n == UINT_MAX (the kernel's
 * cpumask_next(-1, m)) gives the first CPU, as in the kernel.
 */
unsigned int kaff_cpumask_next(unsigned int n, const struct kaff_cpumask *m)
{
	/* (a branch-free look at this word and the next was slower: the
	 * walk is bound by the latency of one call's result to the next) */
	return find_next(m->bits, NULL, m->nbits, n + 1u);
}

unsigned int kaff_cpumask_first_and(const struct kaff_cpumask *a,
				    const struct kaff_cpumask *b)
{
	return find_next(a->bits, b->bits, a->nbits, 0);
}

unsigned int kaff_cpumask_next_and(unsigned int n, const struct kaff_cpumask *a,
				   const struct kaff_cpumask *b)
{
	return find_next(a->bits, b->bits, a->nbits, n + 1u);
}
