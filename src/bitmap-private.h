/* SPDX-License-Identifier: MIT */
/* libkaff internals: word scans of cpumask.c that cpulist.c shares. */
#ifndef KAFF_BITMAP_PRIVATE_H
#define KAFF_BITMAP_PRIVATE_H

#include <stddef.h>

/*
 * kaff__find_word_not() - the first index i, @start <= i < @n, with
 * @w[i] != @fill, or @n when there is none. AVX2 when the CPU has it and
 * the stretch is long.
 */
size_t kaff__find_word_not(const unsigned long *w, size_t start, size_t n,
			   unsigned long fill);

#endif /* KAFF_BITMAP_PRIVATE_H */
