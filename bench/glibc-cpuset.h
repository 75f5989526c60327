/* SPDX-License-Identifier: MIT */
/*
 * glibc's CPU_*_S macros on CPU_ALLOC() sets, wrapped in a function each
 * (the macros expand inline) and in their own translation unit, so that
 * each is an out-of-line call, as libkaff's operations and the kernel's
 * loops (tests/common/bitmap-ref.c) are.
 */
#ifndef KAFF_GLIBC_CPUSET_H
#define KAFF_GLIBC_CPUSET_H

#include <stdbool.h>
#include <stddef.h>

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

#endif /* KAFF_GLIBC_CPUSET_H */
