/* SPDX-License-Identifier: MIT */
/*
 * The kernel's own bitmap code, transcribed: the one reference that the
 * tests, the fuzzers and the benchmarks compare libkaff's cpumask and
 * cpulist code with. Each function is the kernel function of the same
 * name after "ref_" (Linux 7.3: lib/bitmap.c, lib/find_bit.c,
 * lib/bitmap-str.c, lib/vsprintf.c, include/linux/bitmap.h), written as
 * the kernel writes it, on unsigned long words, with no fast path of its
 * own, so that a bug in libkaff's word loops or SIMD paths cannot hide in
 * it. It depends on nothing of libkaff.
 */
#ifndef KAFF_BITMAP_REF_H
#define KAFF_BITMAP_REF_H

#include <stdbool.h>
#include <stddef.h>

/* lib/bitmap.c */
bool ref___bitmap_and(unsigned long *dst, const unsigned long *bitmap1,
		      const unsigned long *bitmap2, unsigned int bits);
void ref___bitmap_or(unsigned long *dst, const unsigned long *bitmap1,
		     const unsigned long *bitmap2, unsigned int bits);
void ref___bitmap_xor(unsigned long *dst, const unsigned long *bitmap1,
		      const unsigned long *bitmap2, unsigned int bits);
bool ref___bitmap_andnot(unsigned long *dst, const unsigned long *bitmap1,
			 const unsigned long *bitmap2, unsigned int bits);
void ref___bitmap_complement(unsigned long *dst, const unsigned long *src,
			     unsigned int bits);
bool ref___bitmap_equal(const unsigned long *bitmap1, const unsigned long *bitmap2,
			unsigned int bits);
bool ref___bitmap_subset(const unsigned long *bitmap1, const unsigned long *bitmap2,
			 unsigned int bits);
bool ref___bitmap_intersects(const unsigned long *bitmap1, const unsigned long *bitmap2,
			     unsigned int bits);
unsigned int ref___bitmap_weight(const unsigned long *bitmap, unsigned int bits);
void ref___bitmap_set(unsigned long *map, unsigned int start, int len);

/* include/linux/bitmap.h, the out-of-line (not small-constant) forms */
void ref_bitmap_zero(unsigned long *dst, unsigned int nbits);
void ref_bitmap_copy(unsigned long *dst, const unsigned long *src, unsigned int nbits);
bool ref_bitmap_empty(const unsigned long *src, unsigned int nbits);
bool ref_bitmap_full(const unsigned long *src, unsigned int nbits);

/* lib/find_bit.c */
unsigned long ref__find_first_bit(const unsigned long *addr, unsigned long size);
unsigned long ref__find_next_bit(const unsigned long *addr, unsigned long nbits,
				 unsigned long start);
unsigned long ref__find_next_and_bit(const unsigned long *addr1, const unsigned long *addr2,
				     unsigned long nbits, unsigned long start);
unsigned long ref__find_next_zero_bit(const unsigned long *addr, unsigned long nbits,
				      unsigned long start);
unsigned long ref__find_last_bit(const unsigned long *addr, unsigned long size);

/* lib/bitmap-str.c: 0, -EINVAL, -ERANGE or -EOVERFLOW; the regions parsed
 * before an error stay set, as in the kernel */
int ref_bitmap_parselist(const char *buf, unsigned long *maskp, int nmaskbits);

/*
 * lib/vsprintf.c: bitmap_list_string(), the "%*pbl" of nr_bits bits, into
 * @buf of @size bytes with snprintf()'s contract (vsnprintf() around it):
 * the length of the whole text, at most size - 1 bytes and a NUL written.
 */
size_t ref_bitmap_list_string(char *buf, size_t size, const unsigned long *bitmap,
			      int nr_bits);

#endif /* KAFF_BITMAP_REF_H */
