/* SPDX-License-Identifier: MIT */
/*
 * cmocka tests of src/cpumask.c: every operation at widths 1, 63, 64, 65,
 * 256 and 8192 (one word, one bit short of a word, exactly a word, one bit
 * into a second word, several full words, KAFF_NR_CPUS_MAX).
 *
 * The expected values are worked out by hand in the comments; a few
 * per-bit checks use the defining predicate of a mask ("i is even").
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <libkaff/cpumask.h>

#include "test-common.h"

#define BPL KAFF_BITS_PER_LONG

/*
 * Three masks used throughout, for a width n:
 *   E = even CPUs {0, 2, 4, ...}        |E| = ceil(n/2)
 *   T = multiples of 3 {0, 3, 6, ...}   |T| = ceil(n/3)
 *   S = multiples of 6 = E & T          |S| = ceil(n/6)
 * Derived: |E | T| = |E| + |T| - |S|, |E ^ T| = |E | T| - |S|,
 *          |E \ T| = |E| - |S|.
 */
struct width_case {
	unsigned int n;
	unsigned int e, t, s;          /* |E|, |T|, |S| */
	unsigned int or_, xor_, e_not_t;
	unsigned int last_e, last_t, last_s;
};

static const struct width_case widths[] = {
	/* n=1: only CPU 0, which is in E, T and S. or = 1+1-1 = 1,
	 * xor = 1-1 = 0, E\T = 1-1 = 0. Every last is 0. */
	{ 1, 1, 1, 1, 1, 0, 0, 0, 0, 0 },
	/* n=63 (CPUs 0..62): E = 0..62 even -> 32; T = 0..60 -> 21;
	 * S = 0..60 -> 11. or = 32+21-11 = 42, xor = 42-11 = 31,
	 * E\T = 32-11 = 21. last E 62, last T 60, last S 60. */
	{ 63, 32, 21, 11, 42, 31, 21, 62, 60, 60 },
	/* n=64 (0..63): E 32; T = 0..63 -> 22 (63 = 3*21); S = 0..60 -> 11.
	 * or = 32+22-11 = 43, xor = 32, E\T = 21. last E 62, T 63, S 60. */
	{ 64, 32, 22, 11, 43, 32, 21, 62, 63, 60 },
	/* n=65 (0..64): E = 0..64 -> 33; T = 0..63 -> 22; S = 0..60 -> 11
	 * (66 > 64). or = 33+22-11 = 44, xor = 33, E\T = 22.
	 * last E 64, T 63, S 60. */
	{ 65, 33, 22, 11, 44, 33, 22, 64, 63, 60 },
	/* n=256 (0..255): E 128; T = 0..255 -> 86 (255 = 3*85);
	 * S = 0..252 -> 43 (252 = 6*42). or = 128+86-43 = 171,
	 * xor = 171-43 = 128, E\T = 128-43 = 85. last E 254, T 255, S 252. */
	{ 256, 128, 86, 43, 171, 128, 85, 254, 255, 252 },
	/* n=8192 (0..8191): E 4096; T = 0..8190 -> 2731 (8190 = 3*2730);
	 * S = 0..8190 -> 1366 (8190 = 6*1365). or = 4096+2731-1366 = 5461,
	 * xor = 5461-1366 = 4095, E\T = 4096-1366 = 2730.
	 * last E 8190, T 8190, S 8190. */
	{ 8192, 4096, 2731, 1366, 5461, 4095, 2730, 8190, 8190, 8190 },
};

#define NWIDTHS (sizeof(widths) / sizeof(widths[0]))

static struct kaff_cpumask *alloc_mask(unsigned int n)
{
	struct kaff_cpumask *m = kaff_cpumask_alloc(n);

	assert_non_null(m);
	assert_int_equal(m->nbits, n);
	return m;
}

static struct kaff_cpumask *mask_of(unsigned int n, unsigned int step)
{
	struct kaff_cpumask *m = alloc_mask(n);
	unsigned int i;

	for (i = 0; i < n; i += step)
		kaff_cpumask_set_cpu(i, m);
	return m;
}

/* the bits at and above nbits in the allocated words are all zero */
static void assert_tail_clean(const struct kaff_cpumask *m)
{
	size_t nw = KAFF_BITS_TO_LONGS(m->nbits);
	size_t b;

	for (b = m->nbits; b < nw * BPL; b++)
		assert_false((m->bits[b / BPL] >> (b % BPL)) & 1UL);
}

/* every bit of @m equals pred(i) for i < nbits */
static void assert_bits(const struct kaff_cpumask *m, bool (*pred)(unsigned int))
{
	unsigned int i;

	for (i = 0; i < m->nbits; i++)
		assert_int_equal(kaff_cpumask_test_cpu(i, m), pred(i));
	assert_tail_clean(m);
}

static bool is_even(unsigned int i) { return i % 2 == 0; }
static bool is_odd(unsigned int i) { return i % 2 == 1; }
static bool is_mul6(unsigned int i) { return i % 6 == 0; }
static bool is_e_or_t(unsigned int i) { return i % 2 == 0 || i % 3 == 0; }
static bool is_e_xor_t(unsigned int i) { return (i % 2 == 0) != (i % 3 == 0); }
static bool is_e_not_t(unsigned int i) { return i % 2 == 0 && i % 3 != 0; }
static bool is_none(unsigned int i) { (void)i; return false; }
static bool is_all(unsigned int i) { (void)i; return true; }

/* ---- allocation */

static void test_alloc_zero(void **state)
{
	struct kaff_cpumask *m, *o;
	unsigned int cpu, count = 0;

	(void)state;
	m = kaff_cpumask_alloc(0);
	assert_non_null(m);
	o = kaff_cpumask_alloc(0);
	assert_non_null(o);
	assert_int_equal(m->nbits, 0);
	/* no CPU at all: empty and (vacuously) full; searches give nbits = 0 */
	assert_true(kaff_cpumask_empty(m));
	assert_true(kaff_cpumask_full(m));
	assert_int_equal(kaff_cpumask_weight(m), 0);
	assert_int_equal(kaff_cpumask_first(m), 0);
	assert_int_equal(kaff_cpumask_last(m), 0);
	assert_int_equal(kaff_cpumask_next(0, m), 0);
	assert_int_equal(kaff_cpumask_first_and(m, o), 0);
	assert_int_equal(kaff_cpumask_next_and(0, m, o), 0);
	/* none of these may touch a word: there is none */
	kaff_cpumask_setall(m);
	kaff_cpumask_set_cpu(0, m);
	kaff_cpumask_clear_cpu(0, m);
	kaff_cpumask_complement(o, m);
	kaff_cpumask_clear(m);
	assert_false(kaff_cpumask_test_cpu(0, m));
	assert_false(kaff_cpumask_and(m, m, o));
	assert_false(kaff_cpumask_andnot(m, m, o));
	kaff_cpumask_or(m, m, o);
	kaff_cpumask_xor(m, m, o);
	kaff_cpumask_copy(m, o);
	assert_true(kaff_cpumask_equal(m, o));
	assert_true(kaff_cpumask_subset(m, o));
	assert_false(kaff_cpumask_intersects(m, o));
	kaff_for_each_cpu(cpu, m)
		count++;
	kaff_for_each_cpu_and(cpu, m, o)
		count++;
	assert_int_equal(count, 0);
	kaff_cpumask_free(m);
	kaff_cpumask_free(o);
}

static void test_alloc_limits(void **state)
{
	struct kaff_cpumask *m;
	unsigned int i;

	(void)state;
	/* KAFF_NR_CPUS_MAX is 8192: one more, or much more, is refused */
	assert_null(kaff_cpumask_alloc(8193));
	assert_null(kaff_cpumask_alloc(UINT_MAX));
	kaff_cpumask_free(NULL);

	for (i = 0; i < NWIDTHS; i++) {
		m = alloc_mask(widths[i].n);
		/* one block: the words follow the struct, aligned for longs */
		assert_true((uintptr_t)m->bits % _Alignof(unsigned long) == 0);
		assert_true((char *)m->bits >= (char *)(m + 1));
		assert_true((char *)m->bits < (char *)(m + 1) + _Alignof(unsigned long));
		/* a new mask is empty */
		assert_true(kaff_cpumask_empty(m));
		assert_bits(m, is_none);
		kaff_cpumask_free(m);
	}
	m = alloc_mask(KAFF_NR_CPUS_MAX);
	kaff_cpumask_setall(m);
	assert_int_equal(kaff_cpumask_weight(m), 8192);
	kaff_cpumask_free(m);
}

/* A mask on the stack, as the header's comment shows. */
static void test_stack_mask(void **state)
{
	unsigned long w[KAFF_BITS_TO_LONGS(64)];
	struct kaff_cpumask m = KAFF_CPUMASK_INIT(64, w);

	(void)state;
	kaff_cpumask_clear(&m);
	assert_true(kaff_cpumask_empty(&m));
	kaff_cpumask_set_cpu(63, &m);
	assert_int_equal(kaff_cpumask_first(&m), 63);
	assert_int_equal(kaff_cpumask_weight(&m), 1);
}

/* ---- single CPUs */

static void test_set_clear_test(void **state)
{
	size_t k;

	(void)state;
	for (k = 0; k < NWIDTHS; k++) {
		unsigned int n = widths[k].n;
		struct kaff_cpumask *m = alloc_mask(n);
		struct kaff_cpumask *before = alloc_mask(n);

		/* the first and last CPU */
		kaff_cpumask_set_cpu(0, m);
		kaff_cpumask_set_cpu(n - 1, m);
		assert_true(kaff_cpumask_test_cpu(0, m));
		assert_true(kaff_cpumask_test_cpu(n - 1, m));
		/* n=1: both are CPU 0, so one bit */
		assert_int_equal(kaff_cpumask_weight(m), n == 1 ? 1 : 2);
		/* setting twice changes nothing */
		kaff_cpumask_set_cpu(n - 1, m);
		assert_int_equal(kaff_cpumask_weight(m), n == 1 ? 1 : 2);

		/* CPUs >= nbits: ignored by set/clear, absent for test */
		kaff_cpumask_copy(before, m);
		kaff_cpumask_set_cpu(n, m);
		kaff_cpumask_set_cpu(n + 1, m);
		kaff_cpumask_set_cpu(UINT_MAX, m);
		assert_true(kaff_cpumask_equal(m, before));
		assert_tail_clean(m);
		assert_false(kaff_cpumask_test_cpu(n, m));
		assert_false(kaff_cpumask_test_cpu(UINT_MAX, m));
		kaff_cpumask_setall(m);
		kaff_cpumask_clear_cpu(n, m);
		kaff_cpumask_clear_cpu(UINT_MAX, m);
		assert_true(kaff_cpumask_full(m));

		/* clearing: the last, then the first */
		kaff_cpumask_clear_cpu(n - 1, m);
		assert_false(kaff_cpumask_test_cpu(n - 1, m));
		assert_int_equal(kaff_cpumask_weight(m), n - 1);
		kaff_cpumask_clear_cpu(0, m);
		/* n=1: already clear, weight 0; else n - 2 */
		assert_int_equal(kaff_cpumask_weight(m), n == 1 ? 0 : n - 2);
		assert_false(kaff_cpumask_full(m));

		kaff_cpumask_free(m);
		kaff_cpumask_free(before);
	}
}

/* ---- whole-mask fills and tail-bit hygiene */

static void test_setall_clear_complement(void **state)
{
	size_t k;

	(void)state;
	for (k = 0; k < NWIDTHS; k++) {
		unsigned int n = widths[k].n;
		struct kaff_cpumask *m = alloc_mask(n);
		struct kaff_cpumask *c = alloc_mask(n);

		kaff_cpumask_setall(m);
		/* exactly CPUs 0..n-1, nothing above */
		assert_bits(m, is_all);
		assert_true(kaff_cpumask_full(m));
		assert_false(kaff_cpumask_empty(m));
		assert_int_equal(kaff_cpumask_weight(m), n);
		assert_int_equal(kaff_cpumask_first(m), 0);
		assert_int_equal(kaff_cpumask_last(m), n - 1);

		/* complement of full is empty, of empty is full (tail clean) */
		kaff_cpumask_complement(c, m);
		assert_true(kaff_cpumask_empty(c));
		assert_bits(c, is_none);
		kaff_cpumask_complement(m, c);
		assert_true(kaff_cpumask_full(m));
		assert_bits(m, is_all);
		/* in place, twice: back to full */
		kaff_cpumask_complement(m, m);
		assert_true(kaff_cpumask_empty(m));
		kaff_cpumask_complement(m, m);
		assert_true(kaff_cpumask_full(m));
		assert_tail_clean(m);

		/* complement of E is the odd CPUs; for n=1 that is empty */
		kaff_cpumask_clear(m);
		assert_true(kaff_cpumask_empty(m));
		assert_int_equal(kaff_cpumask_weight(m), 0);
		for (unsigned int i = 0; i < n; i += 2)
			kaff_cpumask_set_cpu(i, m);
		kaff_cpumask_complement(c, m);
		assert_bits(c, is_odd);
		/* |odd| = n - |E| = floor(n/2) */
		assert_int_equal(kaff_cpumask_weight(c), n / 2);
		assert_int_equal(kaff_cpumask_empty(c), n == 1);

		/* a full mask equals a mask filled bit by bit: the tail bits of
		 * setall must be zero for this word compare to hold */
		kaff_cpumask_setall(m);
		kaff_cpumask_clear(c);
		for (unsigned int i = 0; i < n; i++)
			kaff_cpumask_set_cpu(i, c);
		assert_true(kaff_cpumask_equal(m, c));
		assert_int_equal(memcmp(m->bits, c->bits,
					KAFF_BITS_TO_LONGS(n) * sizeof(unsigned long)), 0);

		kaff_cpumask_free(m);
		kaff_cpumask_free(c);
	}
}

/* ---- binary operations */

static void test_binary_ops(void **state)
{
	size_t k;

	(void)state;
	for (k = 0; k < NWIDTHS; k++) {
		const struct width_case *w = &widths[k];
		unsigned int n = w->n;
		struct kaff_cpumask *e = mask_of(n, 2);
		struct kaff_cpumask *t = mask_of(n, 3);
		struct kaff_cpumask *odd = alloc_mask(n);
		struct kaff_cpumask *d = alloc_mask(n);

		for (unsigned int i = 1; i < n; i += 2)
			kaff_cpumask_set_cpu(i, odd);
		assert_bits(e, is_even);
		assert_int_equal(kaff_cpumask_weight(e), w->e);
		assert_int_equal(kaff_cpumask_weight(t), w->t);

		/* and: S, non-empty (CPU 0 is in both) */
		assert_true(kaff_cpumask_and(d, e, t));
		assert_bits(d, is_mul6);
		assert_int_equal(kaff_cpumask_weight(d), w->s);
		assert_int_equal(kaff_cpumask_last(d), w->last_s);
		/* and of disjoint masks is empty and says so */
		assert_false(kaff_cpumask_and(d, e, odd));
		assert_true(kaff_cpumask_empty(d));

		kaff_cpumask_or(d, e, t);
		assert_bits(d, is_e_or_t);
		assert_int_equal(kaff_cpumask_weight(d), w->or_);
		/* E | odd = everything */
		kaff_cpumask_or(d, e, odd);
		assert_true(kaff_cpumask_full(d));

		kaff_cpumask_xor(d, e, t);
		assert_bits(d, is_e_xor_t);
		assert_int_equal(kaff_cpumask_weight(d), w->xor_);
		/* x ^ x = empty */
		kaff_cpumask_xor(d, t, t);
		assert_true(kaff_cpumask_empty(d));

		/* andnot: E \ T; empty for n=1 (CPU 0 is in T) */
		assert_int_equal(kaff_cpumask_andnot(d, e, t), w->e_not_t != 0);
		assert_bits(d, is_e_not_t);
		assert_int_equal(kaff_cpumask_weight(d), w->e_not_t);
		/* E \ E is empty */
		assert_false(kaff_cpumask_andnot(d, e, e));
		assert_true(kaff_cpumask_empty(d));
		/* E \ odd = E */
		assert_true(kaff_cpumask_andnot(d, e, odd));
		assert_true(kaff_cpumask_equal(d, e));

		/* in place: d = E; d &= T gives S */
		kaff_cpumask_copy(d, e);
		assert_true(kaff_cpumask_and(d, d, t));
		assert_bits(d, is_mul6);
		/* d = S; d |= E gives E (S is a subset of E) */
		kaff_cpumask_or(d, d, e);
		assert_true(kaff_cpumask_equal(d, e));
		/* d = E; d ^= E ... via b aliasing dst */
		kaff_cpumask_xor(d, e, d);
		assert_true(kaff_cpumask_empty(d));

		kaff_cpumask_free(e);
		kaff_cpumask_free(t);
		kaff_cpumask_free(odd);
		kaff_cpumask_free(d);
	}
}

/* ---- predicates */

static void test_predicates(void **state)
{
	size_t k;

	(void)state;
	for (k = 0; k < NWIDTHS; k++) {
		unsigned int n = widths[k].n;
		struct kaff_cpumask *e = mask_of(n, 2);
		struct kaff_cpumask *t = mask_of(n, 3);
		struct kaff_cpumask *s = mask_of(n, 6);
		struct kaff_cpumask *odd = alloc_mask(n);
		struct kaff_cpumask *empty = alloc_mask(n);
		struct kaff_cpumask *c = alloc_mask(n);

		for (unsigned int i = 1; i < n; i += 2)
			kaff_cpumask_set_cpu(i, odd);

		/* S is a subset of E and of T */
		assert_true(kaff_cpumask_subset(s, e));
		assert_true(kaff_cpumask_subset(s, t));
		/* E is a subset of S only when E == S: n=1 ({0} both) */
		assert_int_equal(kaff_cpumask_subset(e, s), n == 1);
		assert_int_equal(kaff_cpumask_equal(e, s), n == 1);
		/* the empty mask is a subset of everything; only it of itself */
		assert_true(kaff_cpumask_subset(empty, e));
		assert_true(kaff_cpumask_subset(empty, empty));
		/* n=1: odd is empty, so it is a subset of E too */
		assert_int_equal(kaff_cpumask_subset(odd, e), n == 1);

		assert_true(kaff_cpumask_intersects(e, t));
		assert_false(kaff_cpumask_intersects(e, odd));
		assert_false(kaff_cpumask_intersects(empty, e));

		/* equal: a copy is equal; changing its last CPU breaks it */
		kaff_cpumask_copy(c, e);
		assert_true(kaff_cpumask_equal(c, e));
		if ((n - 1) % 2 == 0)  /* the last CPU is in E */
			kaff_cpumask_clear_cpu(n - 1, c);
		else
			kaff_cpumask_set_cpu(n - 1, c);
		assert_false(kaff_cpumask_equal(c, e));

		/* empty/full */
		assert_true(kaff_cpumask_empty(empty));
		assert_false(kaff_cpumask_full(empty));
		assert_false(kaff_cpumask_empty(e));
		/* E is full only when n=1 */
		assert_int_equal(kaff_cpumask_full(e), n == 1);

		kaff_cpumask_free(e);
		kaff_cpumask_free(t);
		kaff_cpumask_free(s);
		kaff_cpumask_free(odd);
		kaff_cpumask_free(empty);
		kaff_cpumask_free(c);
	}
}

/* ---- searches */

static void test_first_last_next(void **state)
{
	size_t k;

	(void)state;
	for (k = 0; k < NWIDTHS; k++) {
		const struct width_case *w = &widths[k];
		unsigned int n = w->n;
		struct kaff_cpumask *m = alloc_mask(n);
		struct kaff_cpumask *t = mask_of(n, 3);

		/* empty: every search gives n */
		assert_int_equal(kaff_cpumask_first(m), n);
		assert_int_equal(kaff_cpumask_last(m), n);
		assert_int_equal(kaff_cpumask_next(0, m), n);

		/* only the last CPU */
		kaff_cpumask_set_cpu(n - 1, m);
		assert_int_equal(kaff_cpumask_first(m), n - 1);
		assert_int_equal(kaff_cpumask_last(m), n - 1);
		if (n >= 2) {
			assert_int_equal(kaff_cpumask_next(0, m), n - 1);
			assert_int_equal(kaff_cpumask_next(n - 2, m), n - 1);
		}
		/* nothing after the last CPU, nor from beyond the width */
		assert_int_equal(kaff_cpumask_next(n - 1, m), n);
		assert_int_equal(kaff_cpumask_next(n, m), n);
		assert_int_equal(kaff_cpumask_next(n + 100, m), n);
		assert_int_equal(kaff_cpumask_next(UINT_MAX - 1, m), n);

		/* only CPU 0: next(0) has nothing after it */
		kaff_cpumask_clear(m);
		kaff_cpumask_set_cpu(0, m);
		assert_int_equal(kaff_cpumask_first(m), 0);
		assert_int_equal(kaff_cpumask_last(m), 0);
		assert_int_equal(kaff_cpumask_next(0, m), n);

		/* T: first 0, next(0) = 3 (if 3 < n), next(1) = next(2) = 3,
		 * next(3) = 6, last from the table */
		assert_int_equal(kaff_cpumask_first(t), 0);
		assert_int_equal(kaff_cpumask_next(0, t), n > 3 ? 3 : n);
		assert_int_equal(kaff_cpumask_next(2, t), n > 3 ? 3 : n);
		assert_int_equal(kaff_cpumask_next(3, t), n > 6 ? 6 : n);
		assert_int_equal(kaff_cpumask_last(t), w->last_t);
		assert_int_equal(kaff_cpumask_next(w->last_t, t), n);

		kaff_cpumask_free(m);
		kaff_cpumask_free(t);
	}
}

/* Searches that must cross words, and skip many empty ones. */
static void test_search_word_boundaries(void **state)
{
	struct kaff_cpumask *m = alloc_mask(8192);
	struct kaff_cpumask *a = alloc_mask(8192);

	(void)state;
	kaff_cpumask_set_cpu(63, m);
	kaff_cpumask_set_cpu(64, m);
	kaff_cpumask_set_cpu(4095, m);
	kaff_cpumask_set_cpu(8191, m);
	/* in order: 63, 64, 4095, 8191 */
	assert_int_equal(kaff_cpumask_first(m), 63);
	assert_int_equal(kaff_cpumask_next(62, m), 63);
	assert_int_equal(kaff_cpumask_next(63, m), 64);
	assert_int_equal(kaff_cpumask_next(64, m), 4095);
	assert_int_equal(kaff_cpumask_next(4095, m), 8191);
	assert_int_equal(kaff_cpumask_next(8191, m), 8192);
	assert_int_equal(kaff_cpumask_last(m), 8191);
	kaff_cpumask_clear_cpu(8191, m);
	assert_int_equal(kaff_cpumask_last(m), 4095);
	assert_int_equal(kaff_cpumask_next(4095, m), 8192);

	/* and-searches: a = {64, 4095, 5000}; m & a = {64, 4095} */
	kaff_cpumask_set_cpu(64, a);
	kaff_cpumask_set_cpu(4095, a);
	kaff_cpumask_set_cpu(5000, a);
	assert_int_equal(kaff_cpumask_first_and(m, a), 64);
	assert_int_equal(kaff_cpumask_next_and(64, m, a), 4095);
	assert_int_equal(kaff_cpumask_next_and(4095, m, a), 8192);
	assert_int_equal(kaff_cpumask_first_and(a, m), 64);
	kaff_cpumask_free(m);
	kaff_cpumask_free(a);
}

static void test_first_next_and(void **state)
{
	size_t k;

	(void)state;
	for (k = 0; k < NWIDTHS; k++) {
		const struct width_case *w = &widths[k];
		unsigned int n = w->n;
		struct kaff_cpumask *e = mask_of(n, 2);
		struct kaff_cpumask *t = mask_of(n, 3);
		struct kaff_cpumask *odd = alloc_mask(n);
		struct kaff_cpumask *last = alloc_mask(n);
		struct kaff_cpumask *full = alloc_mask(n);

		for (unsigned int i = 1; i < n; i += 2)
			kaff_cpumask_set_cpu(i, odd);
		kaff_cpumask_set_cpu(n - 1, last);
		kaff_cpumask_setall(full);

		/* E & T = S: 0, 6, 12, ... last_s */
		assert_int_equal(kaff_cpumask_first_and(e, t), 0);
		assert_int_equal(kaff_cpumask_next_and(0, e, t), n > 6 ? 6 : n);
		assert_int_equal(kaff_cpumask_next_and(5, e, t), n > 6 ? 6 : n);
		assert_int_equal(kaff_cpumask_next_and(w->last_s, e, t), n);
		/* disjoint */
		assert_int_equal(kaff_cpumask_first_and(e, odd), n);
		assert_int_equal(kaff_cpumask_next_and(0, e, odd), n);
		/* overlap only at the last CPU */
		assert_int_equal(kaff_cpumask_first_and(full, last), n - 1);
		assert_int_equal(kaff_cpumask_next_and(n - 1, full, last), n);
		assert_int_equal(kaff_cpumask_next_and(n, full, last), n);
		if (n >= 2)
			assert_int_equal(kaff_cpumask_next_and(n - 2, full, last), n - 1);

		kaff_cpumask_free(e);
		kaff_cpumask_free(t);
		kaff_cpumask_free(odd);
		kaff_cpumask_free(last);
		kaff_cpumask_free(full);
	}
}

/* ---- iteration macros */

static void test_for_each(void **state)
{
	size_t k;

	(void)state;
	for (k = 0; k < NWIDTHS; k++) {
		const struct width_case *w = &widths[k];
		unsigned int n = w->n, cpu, count, expect;
		struct kaff_cpumask *e = mask_of(n, 2);
		struct kaff_cpumask *t = mask_of(n, 3);
		struct kaff_cpumask *empty = alloc_mask(n);
		struct kaff_cpumask *full = alloc_mask(n);

		kaff_cpumask_setall(full);

		/* T visits 0, 3, 6, ... in order, |T| times */
		count = 0;
		expect = 0;
		kaff_for_each_cpu(cpu, t) {
			assert_int_equal(cpu, expect);
			expect += 3;
			count++;
		}
		assert_int_equal(count, w->t);
		/* and then cpu == n: the loop ends on nbits */
		assert_int_equal(cpu, n);

		/* full visits 0 .. n-1 */
		count = 0;
		kaff_for_each_cpu(cpu, full) {
			assert_int_equal(cpu, count);
			count++;
		}
		assert_int_equal(count, n);

		count = 0;
		kaff_for_each_cpu(cpu, empty)
			count++;
		assert_int_equal(count, 0);

		/* E and T: the multiples of 6 */
		count = 0;
		expect = 0;
		kaff_for_each_cpu_and(cpu, e, t) {
			assert_int_equal(cpu, expect);
			expect += 6;
			count++;
		}
		assert_int_equal(count, w->s);

		count = 0;
		kaff_for_each_cpu_and(cpu, e, empty)
			count++;
		assert_int_equal(count, 0);

		kaff_cpumask_free(e);
		kaff_cpumask_free(t);
		kaff_cpumask_free(empty);
		kaff_cpumask_free(full);
	}
}

/* ---- weight on patterns that fill words unevenly */

static void test_weight(void **state)
{
	size_t k;

	(void)state;
	for (k = 0; k < NWIDTHS; k++) {
		const struct width_case *w = &widths[k];
		struct kaff_cpumask *e = mask_of(w->n, 2);
		struct kaff_cpumask *t = mask_of(w->n, 3);
		struct kaff_cpumask *s = mask_of(w->n, 6);

		assert_int_equal(kaff_cpumask_weight(e), w->e);
		assert_int_equal(kaff_cpumask_weight(t), w->t);
		assert_int_equal(kaff_cpumask_weight(s), w->s);
		assert_int_equal(kaff_cpumask_last(e), w->last_e);
		assert_int_equal(kaff_cpumask_last(s), w->last_s);
		kaff_cpumask_free(e);
		kaff_cpumask_free(t);
		kaff_cpumask_free(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_zero),
		cmocka_unit_test(test_alloc_limits),
		cmocka_unit_test(test_stack_mask),
		cmocka_unit_test(test_set_clear_test),
		cmocka_unit_test(test_setall_clear_complement),
		cmocka_unit_test(test_binary_ops),
		cmocka_unit_test(test_predicates),
		cmocka_unit_test(test_first_last_next),
		cmocka_unit_test(test_search_word_boundaries),
		cmocka_unit_test(test_first_next_and),
		cmocka_unit_test(test_for_each),
		cmocka_unit_test(test_weight),
	};

	return cmocka_run_group_tests_name("cpumask", tests, NULL, NULL);
}
