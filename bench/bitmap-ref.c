/* SPDX-License-Identifier: MIT */
/* Baselines for the cpumask benchmark (see bitmap-ref.h). */
#define _GNU_SOURCE
#include <limits.h>
#include <sched.h>
#include <string.h>

#include "bitmap-ref.h"

#define BITS_PER_LONG (sizeof(unsigned long) * CHAR_BIT)
#define BITS_TO_LONGS(n) (((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)
#define BITMAP_FIRST_WORD_MASK(start) (~0UL << ((start) & (BITS_PER_LONG - 1)))
#define BITMAP_LAST_WORD_MASK(nbits) (~0UL >> (-(nbits) & (BITS_PER_LONG - 1)))

/* lib/bitmap.c: __bitmap_and() */
bool ref_and(unsigned long *dst, const unsigned long *bitmap1,
	     const unsigned long *bitmap2, unsigned int bits)
{
	unsigned int k;
	unsigned int lim = bits / BITS_PER_LONG;
	unsigned long result = 0;

	for (k = 0; k < lim; k++)
		result |= (dst[k] = bitmap1[k] & bitmap2[k]);
	if (bits % BITS_PER_LONG)
		result |= (dst[k] = bitmap1[k] & bitmap2[k] &
			   BITMAP_LAST_WORD_MASK(bits));
	return result != 0;
}

/* lib/bitmap.c: __bitmap_or() */
void ref_or(unsigned long *dst, const unsigned long *bitmap1,
	    const unsigned long *bitmap2, unsigned int bits)
{
	unsigned int k;
	unsigned int nr = BITS_TO_LONGS(bits);

	for (k = 0; k < nr; k++)
		dst[k] = bitmap1[k] | bitmap2[k];
}

/* lib/bitmap.c: __bitmap_andnot() */
bool ref_andnot(unsigned long *dst, const unsigned long *bitmap1,
		const unsigned long *bitmap2, unsigned int bits)
{
	unsigned int k;
	unsigned int lim = bits / BITS_PER_LONG;
	unsigned long result = 0;

	for (k = 0; k < lim; k++)
		result |= (dst[k] = bitmap1[k] & ~bitmap2[k]);
	if (bits % BITS_PER_LONG)
		result |= (dst[k] = bitmap1[k] & ~bitmap2[k] &
			   BITMAP_LAST_WORD_MASK(bits));
	return result != 0;
}

/* include/linux/bitmap.h: bitmap_copy() */
void ref_copy(unsigned long *dst, const unsigned long *src, unsigned int nbits)
{
	unsigned int len = BITS_TO_LONGS(nbits) * sizeof(unsigned long);

	memcpy(dst, src, len);
}

/* lib/find_bit.c: _find_first_bit() */
unsigned long ref_find_first_bit(const unsigned long *addr, unsigned long size)
{
	unsigned long idx;

	for (idx = 0; idx * BITS_PER_LONG < size; idx++) {
		if (addr[idx]) {
			unsigned long r = idx * BITS_PER_LONG +
					  (unsigned long)__builtin_ctzl(addr[idx]);

			return r < size ? r : size;
		}
	}
	return size;
}

/* lib/find_bit.c: _find_next_bit() (FIND_NEXT_BIT) */
unsigned long ref_find_next_bit(const unsigned long *addr, unsigned long size,
				unsigned long start)
{
	unsigned long mask, idx, tmp, sz = size;

	if (start >= sz)
		return sz;
	mask = BITMAP_FIRST_WORD_MASK(start);
	idx = start / BITS_PER_LONG;
	for (tmp = addr[idx] & mask; !tmp; tmp = addr[idx]) {
		if ((idx + 1) * BITS_PER_LONG >= sz)
			return sz;
		idx++;
	}
	idx = idx * BITS_PER_LONG + (unsigned long)__builtin_ctzl(tmp);
	return idx < sz ? idx : sz;
}

/* include/linux/bitmap.h: bitmap_empty() */
bool ref_empty(const unsigned long *src, unsigned int nbits)
{
	return ref_find_first_bit(src, nbits) == nbits;
}

/* lib/bitmap.c: __bitmap_equal() */
bool ref_equal(const unsigned long *bitmap1, const unsigned long *bitmap2,
	       unsigned int bits)
{
	unsigned int k, lim = bits / BITS_PER_LONG;

	for (k = 0; k < lim; ++k)
		if (bitmap1[k] != bitmap2[k])
			return false;
	if (bits % BITS_PER_LONG)
		if ((bitmap1[k] ^ bitmap2[k]) & BITMAP_LAST_WORD_MASK(bits))
			return false;
	return true;
}

/* lib/bitmap.c: __bitmap_subset() */
bool ref_subset(const unsigned long *bitmap1, const unsigned long *bitmap2,
		unsigned int bits)
{
	unsigned int k, lim = bits / BITS_PER_LONG;

	for (k = 0; k < lim; ++k)
		if (bitmap1[k] & ~bitmap2[k])
			return false;
	if (bits % BITS_PER_LONG)
		if ((bitmap1[k] & ~bitmap2[k]) & BITMAP_LAST_WORD_MASK(bits))
			return false;
	return true;
}

/* lib/bitmap.c: __bitmap_intersects() */
bool ref_intersects(const unsigned long *bitmap1, const unsigned long *bitmap2,
		    unsigned int bits)
{
	unsigned int k, lim = bits / BITS_PER_LONG;

	for (k = 0; k < lim; ++k)
		if (bitmap1[k] & bitmap2[k])
			return true;
	if (bits % BITS_PER_LONG)
		if ((bitmap1[k] & bitmap2[k]) & BITMAP_LAST_WORD_MASK(bits))
			return true;
	return false;
}

/* lib/bitmap.c: __bitmap_weight() (hweight_long() is __builtin_popcountl
 * here: the build's target decides whether that is POPCNT) */
unsigned int ref_weight(const unsigned long *bitmap, unsigned int bits)
{
	unsigned int k, lim = bits / BITS_PER_LONG, w = 0;

	for (k = 0; k < lim; k++)
		w += (unsigned int)__builtin_popcountl(bitmap[k]);
	if (bits % BITS_PER_LONG)
		w += (unsigned int)__builtin_popcountl(bitmap[k] &
						       BITMAP_LAST_WORD_MASK(bits));
	return w;
}

void glibc_and(size_t size, void *dst, const void *a, const void *b)
{
	CPU_AND_S(size, (cpu_set_t *)dst, (cpu_set_t *)a, (cpu_set_t *)b);
}

void glibc_or(size_t size, void *dst, const void *a, const void *b)
{
	CPU_OR_S(size, (cpu_set_t *)dst, (cpu_set_t *)a, (cpu_set_t *)b);
}

bool glibc_equal(size_t size, const void *a, const void *b)
{
	return CPU_EQUAL_S(size, (cpu_set_t *)a, (cpu_set_t *)b);
}

int glibc_count(size_t size, const void *set)
{
	return CPU_COUNT_S(size, (const cpu_set_t *)set);
}

bool glibc_empty(size_t size, const void *set)
{
	return CPU_COUNT_S(size, (const cpu_set_t *)set) == 0;
}

/* glibc has no search: test CPU by CPU */
unsigned int glibc_first(size_t size, unsigned int nbits, const void *set)
{
	unsigned int cpu;

	for (cpu = 0; cpu < nbits; cpu++)
		if (CPU_ISSET_S(cpu, size, (const cpu_set_t *)set))
			break;
	return cpu;
}

/* for each CPU in @set: the sum of the CPUs (so the loop is not removed) */
unsigned long glibc_iterate(size_t size, unsigned int nbits, const void *set)
{
	unsigned long sum = 0;
	unsigned int cpu;

	for (cpu = 0; cpu < nbits; cpu++)
		if (CPU_ISSET_S(cpu, size, (const cpu_set_t *)set))
			sum += cpu;
	return sum;
}

void glibc_zero(size_t size, void *set)
{
	CPU_ZERO_S(size, (cpu_set_t *)set);
}

void glibc_set(size_t size, unsigned int cpu, void *set)
{
	CPU_SET_S(cpu, size, (cpu_set_t *)set);
}
