/* SPDX-License-Identifier: MIT */
/*
 * libkaff bitmap: the portable word loops behind the cpumask operations
 * on big masks, as the kernel's lib/bitmap.c (__bitmap_and(),
 * __bitmap_equal(), __bitmap_weight(), ...) and lib/find_bit.c write them,
 * on whole words: bits past a mask's width are always zero here, so no
 * last word is masked. They are the entry points of bitmap-private.h
 * where there are no others (not x86-64, or KAFF_NO_SIMD); bitmap-x86.c
 * falls back on them on CPUs without AVX2 or POPCNT.
 */
#include <string.h>

#include "bitmap-private.h"

/* __bitmap_and(), __bitmap_andnot(): d = @wop(a, b), true when not empty */
#define AND_WORDS(name, wop)                                                         \
	KAFF__NO_VECTORIZE                                                           \
	bool name(unsigned long *d, const unsigned long *a, const unsigned long *b,  \
		  size_t n)                                                          \
	{                                                                            \
		unsigned long any = 0;                                               \
		size_t i;                                                            \
                                                                                     \
		for (i = 0; i < n; i++)                                              \
			any |= d[i] = wop(a[i], b[i]);                               \
		return any != 0;                                                     \
	}

#define W_AND(x, y) ((x) & (y))
#define W_ANDNOT(x, y) ((x) & ~(y))
#define W_XOR(x, y) ((x) ^ (y))

AND_WORDS(kaff__bitmap_and_generic, W_AND)
AND_WORDS(kaff__bitmap_andnot_generic, W_ANDNOT)

/* __bitmap_or() */
KAFF__NO_VECTORIZE
void kaff__bitmap_or_generic(unsigned long *d, const unsigned long *a,
			     const unsigned long *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		d[i] = a[i] | b[i];
}

/* __bitmap_xor() */
KAFF__NO_VECTORIZE
void kaff__bitmap_xor_generic(unsigned long *d, const unsigned long *a,
			      const unsigned long *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		d[i] = a[i] ^ b[i];
}

/* bitmap_copy(); memmove, as d may be a */
void kaff__bitmap_copy_generic(unsigned long *d, const unsigned long *a, size_t n)
{
	memmove(d, a, n * sizeof(unsigned long));
}

/* true when some word gives a non-zero @wop(a[i], b[i]) */
#define ANY_WORDS(name, wop)                                                         \
	KAFF__NO_VECTORIZE                                                           \
	bool name(const unsigned long *a, const unsigned long *b, size_t n)          \
	{                                                                            \
		size_t i;                                                            \
                                                                                     \
		for (i = 0; i < n; i++)                                              \
			if (wop(a[i], b[i]))                                         \
				return true;                                         \
		return false;                                                        \
	}

ANY_WORDS(kaff__bitmap_any_xor_generic, W_XOR)        /* !__bitmap_equal() */
ANY_WORDS(kaff__bitmap_any_andnot_generic, W_ANDNOT)  /* !__bitmap_subset() */
ANY_WORDS(kaff__bitmap_any_and_generic, W_AND)        /* __bitmap_intersects() */

/* _find_first_bit() and _find_first_zero_bit(), a word at a time */
KAFF__NO_VECTORIZE
size_t kaff__bitmap_find_not_generic(const unsigned long *a, size_t i, size_t n,
				     unsigned long fill)
{
	for (; i < n; i++)
		if (a[i] != fill)
			break;
	return i;
}

/* hweight_long() */
unsigned int kaff__bitmap_hweight_long_generic(unsigned long w)
{
	return kaff__hweight_long(w);
}

/* __bitmap_weight() */
KAFF__NO_VECTORIZE
unsigned int kaff__bitmap_weight_generic(const unsigned long *a, size_t n)
{
	unsigned int w = 0;
	size_t i;

	for (i = 0; i < n; i++)
		w += kaff__hweight_long(a[i]);
	return w;
}
