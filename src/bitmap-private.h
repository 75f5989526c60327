/* SPDX-License-Identifier: MIT */
/*
 * libkaff internals: the word loops under the cpumask operations.
 *
 * cpumask.c handles masks of fewer than KAFF__BITMAP_BIG words itself
 * (inline, the common case); from that size on it calls one of the loops
 * of struct kaff__bitmap_ops, the table that kaff__bitmap_ops() picks for
 * this CPU. bitmap.c holds the portable loops (the kernel's lib/bitmap.c
 * and lib/find_bit.c, on whole words), bitmap-x86.c the AVX2, AVX-512 and
 * POPCNT ones. Every table computes the same results; they differ only in
 * speed (tests/cmocka/test-bitmap-diff.c runs each against the kernel's
 * loops).
 */
#ifndef KAFF_BITMAP_PRIVATE_H
#define KAFF_BITMAP_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libkaff/cpumask.h>

#if defined(__GNUC__) && defined(__x86_64__) && !defined(KAFF_NO_SIMD)
#define KAFF_X86_SIMD 1
#endif

/* From this many words on, the vector loops win (at 4 words they lose). */
#define KAFF__BITMAP_BIG 8

/*
 * The loops, on @n words (n >= KAFF__BITMAP_BIG unless said otherwise).
 * Bits past the mask's width are zero in every input, so none of them
 * masks a last word.
 */
struct kaff__bitmap_ops {
	/* d = a & b, d = a & ~b: true when d is not empty */
	bool (*and)(unsigned long *d, const unsigned long *a, const unsigned long *b,
		    size_t n);
	bool (*andnot)(unsigned long *d, const unsigned long *a, const unsigned long *b,
		       size_t n);
	void (*or)(unsigned long *d, const unsigned long *a, const unsigned long *b,
		   size_t n);
	void (*xor)(unsigned long *d, const unsigned long *a, const unsigned long *b,
		    size_t n);
	/* d = a; d may be a */
	void (*copy)(unsigned long *d, const unsigned long *a, size_t n);
	/* true when some word of a ^ b, a & ~b, a & b is not zero:
	 * !equal, !subset, intersects */
	bool (*any_xor)(const unsigned long *a, const unsigned long *b, size_t n);
	bool (*any_andnot)(const unsigned long *a, const unsigned long *b, size_t n);
	bool (*any_and)(const unsigned long *a, const unsigned long *b, size_t n);
	/* the first i, start <= i < n, with a[i] != fill, or n
	 * (n - start >= KAFF__BITMAP_BIG) */
	size_t (*find_not)(const unsigned long *a, size_t start, size_t n,
			   unsigned long fill);
	/* the number of set bits: of one word (the kernel's hweight_long(),
	 * which x86 also patches to POPCNT at boot), of n words (any n), of
	 * big ones */
	unsigned int (*hweight_long)(unsigned long w);
	unsigned int (*weight)(const unsigned long *a, size_t n);
	unsigned int (*weight_big)(const unsigned long *a, size_t n);
};

/* bitmap.c: the portable loops (the kernel's __bitmap_and(), ...), and
 * their table */
bool kaff__bitmap_and(unsigned long *d, const unsigned long *a, const unsigned long *b,
		      size_t n);
bool kaff__bitmap_andnot(unsigned long *d, const unsigned long *a, const unsigned long *b,
			 size_t n);
void kaff__bitmap_or(unsigned long *d, const unsigned long *a, const unsigned long *b,
		     size_t n);
void kaff__bitmap_xor(unsigned long *d, const unsigned long *a, const unsigned long *b,
		      size_t n);
void kaff__bitmap_copy(unsigned long *d, const unsigned long *a, size_t n);
bool kaff__bitmap_any_xor(const unsigned long *a, const unsigned long *b, size_t n);
bool kaff__bitmap_any_andnot(const unsigned long *a, const unsigned long *b, size_t n);
bool kaff__bitmap_any_and(const unsigned long *a, const unsigned long *b, size_t n);
size_t kaff__bitmap_find_not(const unsigned long *a, size_t start, size_t n,
			     unsigned long fill);
unsigned int kaff__bitmap_hweight_long(unsigned long w);
unsigned int kaff__bitmap_weight(const unsigned long *a, size_t n);
extern const struct kaff__bitmap_ops kaff__bitmap_generic;

#ifdef KAFF_X86_SIMD
/* bitmap-x86.c: each table is for CPUs with all the features it names */
extern const struct kaff__bitmap_ops kaff__bitmap_popcnt;
extern const struct kaff__bitmap_ops kaff__bitmap_avx2;          /* + POPCNT */
extern const struct kaff__bitmap_ops kaff__bitmap_avx512;        /* + AVX2, POPCNT */
extern const struct kaff__bitmap_ops kaff__bitmap_avx512_vpopcnt; /* + the above */
#endif

/*
 * kaff__bitmap_ops() - the loops for this CPU: the one dispatch point.
 *
 * It asks the CPU at each call, with __builtin_cpu_supports(): a load and
 * a bit test of libgcc's __cpu_model, which libgcc's constructor fills
 * once before main(). libkaff keeps no state of its own (no pointer set
 * at start-up); before that constructor has run (a constructor calling
 * libkaff), every answer is no and the portable loops run. A CPU with
 * AVX2 but no POPCNT (none is known) gets the POPCNT-less tables.
 * KAFF_NO_AVX512 stops at AVX2 (the tests build it, so that an AVX-512
 * machine also runs the AVX2 loops); KAFF_NO_SIMD keeps the portable ones.
 */
static inline const struct kaff__bitmap_ops *kaff__bitmap_ops(void)
{
#ifdef KAFF_X86_SIMD
	/* the best first: gcc tests the bits of one word of __cpu_model at once */
	const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
#ifndef KAFF_NO_AVX512
	if (avx2 && __builtin_cpu_supports("avx512f")) {
		return __builtin_cpu_supports("avx512vpopcntdq") ?
		       &kaff__bitmap_avx512_vpopcnt : &kaff__bitmap_avx512;
	}
#endif
	if (avx2)
		return &kaff__bitmap_avx2;
	return __builtin_cpu_supports("popcnt") ? &kaff__bitmap_popcnt : &kaff__bitmap_generic;
#else
	return &kaff__bitmap_generic;
#endif
}

/*
 * kaff__find_word_not() - the first index i, @start <= i < @n, with
 * @w[i] != @fill, or @n when there is none.
 */
size_t kaff__find_word_not(const unsigned long *w, size_t start, size_t n,
			   unsigned long fill);

/* the index of the lowest set bit of a non-zero word (the kernel's __ffs()) */
static inline unsigned int kaff__ffs(unsigned long w)
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

/* the index of the highest set bit of a non-zero word (the kernel's __fls()) */
static inline unsigned int kaff__fls(unsigned long w)
{
#if defined(__GNUC__)
	return (unsigned int)(KAFF_BITS_PER_LONG - 1 - (unsigned int)__builtin_clzl(w));
#else
	unsigned int n = 0;

	while (w >>= 1)
		n++;
	return n;
#endif
}

/*
 * The number of set bits of a word (the kernel's hweight_long()). On
 * x86-64 without -mpopcnt, __builtin_popcountl is a call to libgcc's
 * table-driven __popcountdi2; the SWAR count is faster.
 */
static inline unsigned int kaff__hweight_long(unsigned long w)
{
#if defined(__GNUC__) && (!defined(__x86_64__) || defined(__POPCNT__))
	return (unsigned int)__builtin_popcountl(w);
#else
	uint64_t x = (uint64_t)w;

	x = x - ((x >> 1) & 0x5555555555555555ull);
	x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (unsigned int)((x * 0x0101010101010101ull) >> 56);
#endif
}

#if defined(__GNUC__) && !defined(__clang__)
/* gcc's auto-vectorisation of the plain loops made them slower here */
#define KAFF__NO_VECTORIZE __attribute__((optimize("no-tree-vectorize")))
#else
#define KAFF__NO_VECTORIZE
#endif

#endif /* KAFF_BITMAP_PRIVATE_H */
