/* SPDX-License-Identifier: MIT */
/* Allocation through the context's allocator hook. */
#if defined(__linux__) && !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE  /* madvise() under -std=c11 */
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "kaff-private.h"

static void *std_malloc(void *data, size_t size)
{
	(void)data;
	return malloc(size);
}

static void *std_realloc(void *data, void *ptr, size_t size)
{
	(void)data;
	return realloc(ptr, size);
}

static void std_free(void *data, void *ptr)
{
	(void)data;
	free(ptr);
}

void kaff__allocator_init(struct kaff_allocator *dst, const struct kaff_allocator *src)
{
	if (src && src->malloc && src->free) {
		*dst = *src;
		return;
	}
	dst->malloc = std_malloc;
	dst->realloc = std_realloc;
	dst->free = std_free;
	dst->data = NULL;
}

void *kaff__malloc(const struct kaff_allocator *a, size_t size)
{
	return a->malloc(a->data, size ? size : 1);
}

void *kaff__zalloc(const struct kaff_allocator *a, size_t size)
{
	void *p = kaff__malloc(a, size);

	if (p)
		memset(p, 0, size);
	return p;
}

void *kaff__realloc(const struct kaff_allocator *a, void *ptr, size_t old_size,
		    size_t size)
{
	void *p;

	if (!size)
		size = 1;
	if (a->realloc)
		return a->realloc(a->data, ptr, size);
	p = a->malloc(a->data, size);
	if (p && ptr) {
		memcpy(p, ptr, old_size < size ? old_size : size);
		a->free(a->data, ptr);
	}
	return p;
}

void kaff__free(const struct kaff_allocator *a, void *ptr)
{
	if (ptr)
		a->free(a->data, ptr);
}

struct kaff_cpumask *kaff__cpumask_zalloc(const struct kaff_allocator *a, unsigned int nbits)
{
	struct kaff_cpumask *m = kaff__zalloc(a, sizeof(*m) + kaff__mask_bytes(nbits));

	if (!m)
		return NULL;
	m->nbits = nbits;
	m->bits = (unsigned long *)(void *)(m + 1);
	return m;
}

/*
 * A block of many megabytes about to be written whole (a copy of the
 * kthread table): fault its pages in with one call (Linux 5.14's
 * MADV_POPULATE_WRITE) rather than one exception per 4 KiB page as the
 * copy reaches them (at a million kthreads the faults were half of
 * kaff_ctx_dup()). Only its whole pages, which are written next anyway:
 * harmless whoever allocated the block; without the call (other systems,
 * older kernels: EINVAL) nothing changes but the time.
 */
void kaff__prefault(void *p, size_t size)
{
#if defined(__linux__)
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
	const uintptr_t page = 4096;
	uintptr_t start = ((uintptr_t)p + page - 1) & ~(page - 1);
	uintptr_t end = ((uintptr_t)p + size) & ~(page - 1);

	if (size >= ((size_t)8 << 20) && end > start)
		(void)madvise((void *)start, end - start, MADV_POPULATE_WRITE);
#else
	(void)p;
	(void)size;
#endif
}
