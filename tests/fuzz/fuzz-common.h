/* SPDX-License-Identifier: MIT */
/*
 * Shared by the libFuzzer harnesses (tests/fuzz/README.md): a check that
 * crashes the fuzzer with a message, and a counting allocator that can
 * fail its Nth allocation.
 */
#ifndef KAFF_FUZZ_COMMON_H
#define KAFF_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libkaff/kaff.h>

/* A broken promise: print it and abort, so libFuzzer saves the input. */
#define FUZZ_CHECK(cond, ...)                                                \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, \
				__LINE__, #cond);                            \
			fprintf(stderr, __VA_ARGS__);                        \
			fputc('\n', stderr);                                 \
			abort();                                             \
		}                                                            \
	} while (0)

struct fuzz_alloc {
	unsigned long calls;     /* malloc/realloc calls so far */
	unsigned long fail_at;   /* 0: never; else this call (1-based) fails */
	long live;               /* blocks allocated now */
	bool failed;
};

static inline void *fuzz_malloc(void *data, size_t size)
{
	struct fuzz_alloc *a = data;
	void *p;

	if (++a->calls == a->fail_at) {
		a->failed = true;
		return NULL;
	}
	p = malloc(size);
	if (p)
		a->live++;
	return p;
}

static inline void *fuzz_realloc(void *data, void *ptr, size_t size)
{
	struct fuzz_alloc *a = data;
	void *p;

	if (++a->calls == a->fail_at) {
		a->failed = true;
		return NULL;
	}
	p = realloc(ptr, size);
	if (p && !ptr)
		a->live++;
	return p;
}

static inline void fuzz_free(void *data, void *ptr)
{
	struct fuzz_alloc *a = data;

	if (ptr)
		a->live--;
	free(ptr);
}

static inline struct kaff_allocator fuzz_allocator(struct fuzz_alloc *a)
{
	struct kaff_allocator al = { fuzz_malloc, fuzz_realloc, fuzz_free, a };

	return al;
}

/* A growing text buffer for traces. */
struct fuzz_buf {
	char *data;
	size_t len, cap;
};

static inline int fuzz_buf_write(void *data, const char *s, size_t n)
{
	struct fuzz_buf *b = data;

	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->data, cap);
		FUZZ_CHECK(p != NULL, "out of memory in the harness");
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

static inline const char *fuzz_buf_text(const struct fuzz_buf *b)
{
	return b->data ? b->data : "";
}

/* FNV-1a of the input: a deterministic choice per input. */
static inline unsigned long fuzz_hash(const unsigned char *p, size_t n)
{
	unsigned long long h = 1469598103934665603ull;

	while (n--) {
		h ^= *p++;
		h *= 1099511628211ull;
	}
	return (unsigned long)(h ^ (h >> 32));
}

#endif /* KAFF_FUZZ_COMMON_H */
