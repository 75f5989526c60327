/* SPDX-License-Identifier: MIT */
/*
 * libkaff internals: the word loops under the cpumask operations.
 *
 * cpumask.c handles masks of fewer than KAFF__BITMAP_BIG words itself
 * (inline, the common case); from that size on it calls the entry points
 * below. bitmap.c holds the portable loops (the kernel's lib/bitmap.c and
 * lib/find_bit.c, on whole words), bitmap-x86.c the AVX2, AVX-512 and
 * POPCNT ones and the one choice between them. All compute the same
 * results; they differ only in speed (tests/cmocka/test-bitmap-diff.c
 * runs each build against the kernel's loops).
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
 * The entry points: the word loops on @n words (n >= KAFF__BITMAP_BIG
 * unless said otherwise), AVX2, AVX-512 or POPCNT where the CPU has them
 * (bitmap-x86.c asks it, the one place that does), else the portable
 * *_generic() loops of bitmap.c, which every build has. Bits past the
 * mask's width are zero in every input, so none of them masks a last word.
 *
 * d = a & b, d = a & ~b: true when d is not empty; d = a | b, a ^ b
 */
bool kaff__bitmap_and(unsigned long *d, const unsigned long *a, const unsigned long *b,
		      size_t n);
bool kaff__bitmap_andnot(unsigned long *d, const unsigned long *a, const unsigned long *b,
			 size_t n);
void kaff__bitmap_or(unsigned long *d, const unsigned long *a, const unsigned long *b,
		     size_t n);
void kaff__bitmap_xor(unsigned long *d, const unsigned long *a, const unsigned long *b,
		      size_t n);
/* d = a; d may be a */
void kaff__bitmap_copy(unsigned long *d, const unsigned long *a, size_t n);
/* true when some word of a ^ b, a & ~b, a & b is not zero: !equal,
 * !subset, intersects */
bool kaff__bitmap_any_xor(const unsigned long *a, const unsigned long *b, size_t n);
bool kaff__bitmap_any_andnot(const unsigned long *a, const unsigned long *b, size_t n);
bool kaff__bitmap_any_and(const unsigned long *a, const unsigned long *b, size_t n);
/* the first i, start <= i < n, with a[i] != fill, or n */
size_t kaff__bitmap_find_not(const unsigned long *a, size_t start, size_t n,
			     unsigned long fill);
/* the number of set bits: of one word (the kernel's hweight_long(), which
 * x86 also patches to POPCNT), of @n words (any n) */
unsigned int kaff__bitmap_hweight_long(unsigned long w);
unsigned int kaff__bitmap_weight(const unsigned long *a, size_t n);

/* bitmap.c: the portable loops (the kernel's __bitmap_and(), ...) */
bool kaff__bitmap_and_generic(unsigned long *d, const unsigned long *a,
			      const unsigned long *b, size_t n);
bool kaff__bitmap_andnot_generic(unsigned long *d, const unsigned long *a,
				 const unsigned long *b, size_t n);
void kaff__bitmap_or_generic(unsigned long *d, const unsigned long *a,
			     const unsigned long *b, size_t n);
void kaff__bitmap_xor_generic(unsigned long *d, const unsigned long *a,
			      const unsigned long *b, size_t n);
void kaff__bitmap_copy_generic(unsigned long *d, const unsigned long *a, size_t n);
bool kaff__bitmap_any_xor_generic(const unsigned long *a, const unsigned long *b, size_t n);
bool kaff__bitmap_any_andnot_generic(const unsigned long *a, const unsigned long *b,
				     size_t n);
bool kaff__bitmap_any_and_generic(const unsigned long *a, const unsigned long *b, size_t n);
size_t kaff__bitmap_find_not_generic(const unsigned long *a, size_t start, size_t n,
				     unsigned long fill);
unsigned int kaff__bitmap_hweight_long_generic(unsigned long w);
unsigned int kaff__bitmap_weight_generic(const unsigned long *a, size_t n);

#ifndef KAFF_X86_SIMD
/* no bitmap-x86.c: the entry points are the portable loops */
#define kaff__bitmap_and kaff__bitmap_and_generic
#define kaff__bitmap_andnot kaff__bitmap_andnot_generic
#define kaff__bitmap_or kaff__bitmap_or_generic
#define kaff__bitmap_xor kaff__bitmap_xor_generic
#define kaff__bitmap_copy kaff__bitmap_copy_generic
#define kaff__bitmap_any_xor kaff__bitmap_any_xor_generic
#define kaff__bitmap_any_andnot kaff__bitmap_any_andnot_generic
#define kaff__bitmap_any_and kaff__bitmap_any_and_generic
#define kaff__bitmap_find_not kaff__bitmap_find_not_generic
#define kaff__bitmap_hweight_long kaff__bitmap_hweight_long_generic
#define kaff__bitmap_weight kaff__bitmap_weight_generic
#endif

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
