/* SPDX-License-Identifier: MIT */
/*
 * Baselines for the cpumask benchmark, in their own translation unit so
 * that every implementation is an out-of-line call, as libkaff's are:
 *
 *   ref_*:   plain unsigned long loops, written as the kernel's
 *            lib/bitmap.c (__bitmap_and, __bitmap_equal, ...) and
 *            lib/find_bit.c (_find_first_bit, _find_next_bit) write them;
 *   glibc_*: glibc's CPU_*_S macros on CPU_ALLOC() sets, wrapped in a
 *            function each (the macros expand inline).
 */
#ifndef KAFF_BITMAP_REF_H
#define KAFF_BITMAP_REF_H

#include <stdbool.h>
#include <stddef.h>

bool ref_and(unsigned long *dst, const unsigned long *a, const unsigned long *b,
	     unsigned int nbits);
void ref_or(unsigned long *dst, const unsigned long *a, const unsigned long *b,
	    unsigned int nbits);
bool ref_andnot(unsigned long *dst, const unsigned long *a, const unsigned long *b,
		unsigned int nbits);
void ref_copy(unsigned long *dst, const unsigned long *src, unsigned int nbits);
bool ref_empty(const unsigned long *src, unsigned int nbits);
bool ref_equal(const unsigned long *a, const unsigned long *b, unsigned int nbits);
bool ref_subset(const unsigned long *a, const unsigned long *b, unsigned int nbits);
bool ref_intersects(const unsigned long *a, const unsigned long *b, unsigned int nbits);
unsigned int ref_weight(const unsigned long *src, unsigned int nbits);
unsigned long ref_find_first_bit(const unsigned long *addr, unsigned long size);
unsigned long ref_find_next_bit(const unsigned long *addr, unsigned long size,
				unsigned long offset);

/* glibc: @set is a cpu_set_t * of @size bytes (CPU_ALLOC_SIZE) */
void glibc_and(size_t size, void *dst, const void *a, const void *b);
void glibc_or(size_t size, void *dst, const void *a, const void *b);
bool glibc_equal(size_t size, const void *a, const void *b);
int glibc_count(size_t size, const void *set);
bool glibc_empty(size_t size, const void *set);
unsigned int glibc_first(size_t size, unsigned int nbits, const void *set);
unsigned long glibc_iterate(size_t size, unsigned int nbits, const void *set);
void glibc_zero(size_t size, void *set);
void glibc_set(size_t size, unsigned int cpu, void *set);

#endif /* KAFF_BITMAP_REF_H */
