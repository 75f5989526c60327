/* SPDX-License-Identifier: MIT */
/*
 * libkaff cpumask: the operations of the kernel's include/linux/cpumask.h
 * on a run-time sized bitmap of m->nbits CPUs.
 *
 * Invariant: the bits at and above nbits in the last word are always zero.
 * Every operation that could set them (setall, complement) masks the last
 * word, and the others cannot create them from clean inputs, so equality is
 * a word compare and weight/search never see a CPU >= nbits.
 */
#include <stdalign.h>
#include <stdlib.h>

#include <libkaff/cpumask.h>

#define BPL KAFF_BITS_PER_LONG

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

static unsigned int ctz_long(unsigned long w)
{
#if defined(__GNUC__)
	return (unsigned int)__builtin_ctzl(w);
#else
	unsigned int n = 0;

	while (!(w & 1UL)) {
		w >>= 1;
		n++;
	}
	return n;
#endif
}

/* index of the highest set bit of a non-zero word */
static unsigned int fls_long(unsigned long w)
{
#if defined(__GNUC__)
	return (unsigned int)(BPL - 1 - (unsigned int)__builtin_clzl(w));
#else
	unsigned int n = 0;

	while (w >>= 1)
		n++;
	return n;
#endif
}

static unsigned int popcount_long(unsigned long w)
{
#if defined(__GNUC__)
	return (unsigned int)__builtin_popcountl(w);
#else
	unsigned int n = 0;

	for (; w; w &= w - 1)
		n++;
	return n;
#endif
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
			return (unsigned int)(i * BPL + ctz_long(w));
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
	size_t i, n = nwords(m);

	for (i = 0; i < n; i++)
		m->bits[i] = 0;
}

void kaff_cpumask_setall(struct kaff_cpumask *m)
{
	size_t i, n = nwords(m);

	for (i = 0; i < n; i++)
		m->bits[i] = ~0UL;
	if (n)
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

bool kaff_cpumask_and(struct kaff_cpumask *dst, const struct kaff_cpumask *a,
		      const struct kaff_cpumask *b)
{
	size_t i, n = nwords(dst);
	unsigned long any = 0;

	for (i = 0; i < n; i++) {
		dst->bits[i] = a->bits[i] & b->bits[i];
		any |= dst->bits[i];
	}
	return any != 0;
}

void kaff_cpumask_or(struct kaff_cpumask *dst, const struct kaff_cpumask *a,
		     const struct kaff_cpumask *b)
{
	size_t i, n = nwords(dst);

	for (i = 0; i < n; i++)
		dst->bits[i] = a->bits[i] | b->bits[i];
}

bool kaff_cpumask_andnot(struct kaff_cpumask *dst, const struct kaff_cpumask *a,
			 const struct kaff_cpumask *b)
{
	size_t i, n = nwords(dst);
	unsigned long any = 0;

	for (i = 0; i < n; i++) {
		dst->bits[i] = a->bits[i] & ~b->bits[i];
		any |= dst->bits[i];
	}
	return any != 0;
}

void kaff_cpumask_xor(struct kaff_cpumask *dst, const struct kaff_cpumask *a,
		      const struct kaff_cpumask *b)
{
	size_t i, n = nwords(dst);

	for (i = 0; i < n; i++)
		dst->bits[i] = a->bits[i] ^ b->bits[i];
}

void kaff_cpumask_complement(struct kaff_cpumask *dst, const struct kaff_cpumask *src)
{
	size_t i, n = nwords(dst);

	for (i = 0; i < n; i++)
		dst->bits[i] = ~src->bits[i];
	if (n)
		dst->bits[n - 1] &= tail_mask(dst->nbits);
}

void kaff_cpumask_copy(struct kaff_cpumask *dst, const struct kaff_cpumask *src)
{
	size_t i, n = nwords(dst);

	for (i = 0; i < n; i++)
		dst->bits[i] = src->bits[i];
}

bool kaff_cpumask_empty(const struct kaff_cpumask *m)
{
	size_t i, n = nwords(m);

	for (i = 0; i < n; i++)
		if (m->bits[i])
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

bool kaff_cpumask_equal(const struct kaff_cpumask *a, const struct kaff_cpumask *b)
{
	size_t i, n = nwords(a);

	for (i = 0; i < n; i++)
		if (a->bits[i] != b->bits[i])
			return false;
	return true;
}

bool kaff_cpumask_subset(const struct kaff_cpumask *a, const struct kaff_cpumask *b)
{
	size_t i, n = nwords(a);

	for (i = 0; i < n; i++)
		if (a->bits[i] & ~b->bits[i])
			return false;
	return true;
}

bool kaff_cpumask_intersects(const struct kaff_cpumask *a, const struct kaff_cpumask *b)
{
	size_t i, n = nwords(a);

	for (i = 0; i < n; i++)
		if (a->bits[i] & b->bits[i])
			return true;
	return false;
}

unsigned int kaff_cpumask_weight(const struct kaff_cpumask *m)
{
	size_t i, n = nwords(m);
	unsigned int w = 0;

	for (i = 0; i < n; i++)
		w += popcount_long(m->bits[i]);
	return w;
}

unsigned int kaff_cpumask_first(const struct kaff_cpumask *m)
{
	return find_next(m->bits, NULL, m->nbits, 0);
}

unsigned int kaff_cpumask_last(const struct kaff_cpumask *m)
{
	size_t i = nwords(m);

	while (i--) {
		if (m->bits[i])
			return (unsigned int)(i * BPL + fls_long(m->bits[i]));
	}
	return m->nbits;
}

/*
 * n + 1 is computed in unsigned arithmetic, so n == UINT_MAX (the kernel's
 * cpumask_next(-1, m)) gives the first CPU, as in the kernel.
 */
unsigned int kaff_cpumask_next(unsigned int n, const struct kaff_cpumask *m)
{
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
