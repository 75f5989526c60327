/* SPDX-License-Identifier: MIT */
/*
 * libkaff bitmap: the portable word loops behind the cpumask operations
 * on big masks, as the kernel's lib/bitmap.c (__bitmap_and(),
 * __bitmap_equal(), __bitmap_weight(), ...) and lib/find_bit.c write them,
 * on whole words: bits past a mask's width are always zero here, so no
 * last word is masked. The table at the end is the one kaff__bitmap_ops()
 * gives a CPU with no POPCNT (or a build with KAFF_NO_SIMD); bitmap-x86.c
 * uses these loops where it has nothing faster.
 */
#include <string.h>

#include "bitmap-private.h"

/* __bitmap_and() */
KAFF__NO_VECTORIZE
bool kaff__bitmap_and(unsigned long *d, const unsigned long *a, const unsigned long *b,
		      size_t n)
{
	unsigned long any = 0;
	size_t i;

	for (i = 0; i < n; i++)
		any |= d[i] = a[i] & b[i];
	return any != 0;
}

/* __bitmap_andnot() */
KAFF__NO_VECTORIZE
bool kaff__bitmap_andnot(unsigned long *d, const unsigned long *a, const unsigned long *b,
			 size_t n)
{
	unsigned long any = 0;
	size_t i;

	for (i = 0; i < n; i++)
		any |= d[i] = a[i] & ~b[i];
	return any != 0;
}

/* __bitmap_or() */
KAFF__NO_VECTORIZE
void kaff__bitmap_or(unsigned long *d, const unsigned long *a, const unsigned long *b,
		     size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		d[i] = a[i] | b[i];
}

/* __bitmap_xor() */
KAFF__NO_VECTORIZE
void kaff__bitmap_xor(unsigned long *d, const unsigned long *a, const unsigned long *b,
		      size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		d[i] = a[i] ^ b[i];
}

/* bitmap_copy(); memmove, as d may be a */
void kaff__bitmap_copy(unsigned long *d, const unsigned long *a, size_t n)
{
	memmove(d, a, n * sizeof(unsigned long));
}

/* !__bitmap_equal() */
KAFF__NO_VECTORIZE
bool kaff__bitmap_any_xor(const unsigned long *a, const unsigned long *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] ^ b[i])
			return true;
	return false;
}

/* !__bitmap_subset() */
KAFF__NO_VECTORIZE
bool kaff__bitmap_any_andnot(const unsigned long *a, const unsigned long *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] & ~b[i])
			return true;
	return false;
}

/* __bitmap_intersects() */
KAFF__NO_VECTORIZE
bool kaff__bitmap_any_and(const unsigned long *a, const unsigned long *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] & b[i])
			return true;
	return false;
}

/* _find_first_bit() and _find_first_zero_bit(), a word at a time */
KAFF__NO_VECTORIZE
size_t kaff__bitmap_find_not(const unsigned long *a, size_t i, size_t n,
			     unsigned long fill)
{
	for (; i < n; i++)
		if (a[i] != fill)
			break;
	return i;
}

/* hweight_long(), out of line for the table */
unsigned int kaff__bitmap_hweight_long(unsigned long w)
{
	return kaff__hweight_long(w);
}

/* __bitmap_weight() */
KAFF__NO_VECTORIZE
unsigned int kaff__bitmap_weight(const unsigned long *a, size_t n)
{
	unsigned int w = 0;
	size_t i;

	for (i = 0; i < n; i++)
		w += kaff__hweight_long(a[i]);
	return w;
}

const struct kaff__bitmap_ops kaff__bitmap_generic = {
	.and = kaff__bitmap_and,
	.andnot = kaff__bitmap_andnot,
	.or = kaff__bitmap_or,
	.xor = kaff__bitmap_xor,
	.copy = kaff__bitmap_copy,
	.any_xor = kaff__bitmap_any_xor,
	.any_andnot = kaff__bitmap_any_andnot,
	.any_and = kaff__bitmap_any_and,
	.find_not = kaff__bitmap_find_not,
	.hweight_long = kaff__bitmap_hweight_long,
	.weight = kaff__bitmap_weight,
	.weight_big = kaff__bitmap_weight,
};
