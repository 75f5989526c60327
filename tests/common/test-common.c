/* SPDX-License-Identifier: MIT */
/* Helpers shared by the libkaff tests; see test-common.h. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test-common.h"

char *kaff_test_read_file(const char *path, size_t *len)
{
	FILE *f;
	char *data = NULL, *p;
	size_t n = 0, cap = 0, got;

	if (len)
		*len = 0;
	if (!path)
		return NULL;
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	for (;;) {
		if (cap - n < 2) {
			size_t ncap = cap ? cap * 2 : 4096;

			if (ncap < cap) {
				free(data);
				fclose(f);
				return NULL;
			}
			p = realloc(data, ncap);
			if (!p) {
				free(data);
				fclose(f);
				return NULL;
			}
			data = p;
			cap = ncap;
		}
		/* keep one byte for the NUL */
		got = fread(data + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(data);
		fclose(f);
		return NULL;
	}
	fclose(f);
	data[n] = '\0';
	if (len)
		*len = n;
	return data;
}

const char *kaff_test_env_dir(const char *var)
{
	const char *v = getenv(var);

	return v && *v ? v : NULL;
}

/* ---- counting, failing allocator */

/* Each block is preceded by a header of max_align_t size holding its size. */
union alloc_header {
	max_align_t align;
	size_t size;
};

#define HDR sizeof(union alloc_header)

static union alloc_header *header_of(void *ptr)
{
	return (union alloc_header *)(void *)((char *)ptr - HDR);
}

/* count one call; true when this call must fail */
static bool alloc_should_fail(struct kaff_test_alloc *t)
{
	t->calls++;
	if (t->fail_at && t->calls == t->fail_at) {
		t->failed = true;
		return true;
	}
	return false;
}

static void *test_malloc(void *data, size_t size)
{
	struct kaff_test_alloc *t = data;
	union alloc_header *h;

	if (alloc_should_fail(t) || size > SIZE_MAX - HDR)
		return NULL;
	h = malloc(HDR + size);
	if (!h)
		return NULL;
	h->size = size;
	t->live++;
	t->live_bytes += size;
	return (char *)h + HDR;
}

static void test_free(void *data, void *ptr)
{
	struct kaff_test_alloc *t = data;
	union alloc_header *h;

	if (!ptr)
		return;
	h = header_of(ptr);
	t->live--;
	t->live_bytes -= h->size;
	free(h);
}

static void *test_realloc(void *data, void *ptr, size_t size)
{
	struct kaff_test_alloc *t = data;
	union alloc_header *h, *nh;
	size_t old;

	if (!ptr)
		return test_malloc(data, size);
	if (size == 0) {
		test_free(data, ptr);
		return NULL;
	}
	if (alloc_should_fail(t) || size > SIZE_MAX - HDR)
		return NULL;
	h = header_of(ptr);
	old = h->size;
	nh = realloc(h, HDR + size);
	if (!nh)
		return NULL;
	nh->size = size;
	t->live_bytes = t->live_bytes - old + size;
	return (char *)nh + HDR;
}

void kaff_test_alloc_init(struct kaff_test_alloc *t, unsigned long fail_at,
			  struct kaff_allocator *out)
{
	memset(t, 0, sizeof(*t));
	t->fail_at = fail_at;
	out->malloc = test_malloc;
	out->realloc = test_realloc;
	out->free = test_free;
	out->data = t;
}

/* ---- text buffer */

int kaff_test_buf_write(void *data, const char *buf, size_t len)
{
	struct kaff_test_buf *b = data;

	/* room for len bytes and the NUL */
	if (len >= SIZE_MAX - b->len)
		return -ENOMEM;
	if (b->len + len + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap : 256;
		char *p;

		while (ncap < b->len + len + 1) {
			if (ncap > SIZE_MAX / 2) {
				ncap = b->len + len + 1;
				break;
			}
			ncap *= 2;
		}
		p = realloc(b->data, ncap);
		if (!p)
			return -ENOMEM;
		b->data = p;
		b->cap = ncap;
	}
	if (len)
		memcpy(b->data + b->len, buf, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

void kaff_test_buf_free(struct kaff_test_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

bool kaff_test_only_boot_warnings(const char *err)
{
	while (*err) {
		const char *eol = strchr(err, '\n'), *w = strstr(err, ": warning");

		if (!eol || strncmp(err, "kaff: ", 6) || !w || w > eol)
			return false;
		w = strstr(w, ": boot ");
		if (!w || w > eol)
			return false;
		err = eol + 1;
	}
	return true;
}
