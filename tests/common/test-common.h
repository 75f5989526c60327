/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the libkaff tests (cmocka and Check). They use the C
 * library's malloc, never the allocator under test.
 */
#ifndef KAFF_TEST_COMMON_H
#define KAFF_TEST_COMMON_H

#include <stdbool.h>
#include <stddef.h>

#include <libkaff/machine.h>

/**
 * kaff_test_read_file() - read a whole file
 * @path: file to read
 * @len:  if not NULL, receives the number of bytes read
 *
 * Return: a malloc'd buffer holding the file and a terminating NUL, or NULL
 *         if the file cannot be read or memory ran out.
 */
char *kaff_test_read_file(const char *path, size_t *len);

/**
 * kaff_test_only_boot_warnings() - is @err (kaff's stderr) nothing but
 * boot-parameter warnings ("kaff: FILE: warning...: boot PARAM: ..."
 * lines, what kaff prints for a parameter the kernel ignored)? "" is.
 */
bool kaff_test_only_boot_warnings(const char *err);

/** kaff_test_env_dir() - getenv(@var), or NULL when unset or empty */
const char *kaff_test_env_dir(const char *var);

/**
 * struct kaff_test_alloc - state of a counting, failing allocator
 * @calls:      malloc/realloc calls so far (realloc(NULL, n) included)
 * @fail_at:    0 = never fail; else the @fail_at-th call (1-based) returns
 *              NULL and sets @failed
 * @live:       blocks currently allocated
 * @live_bytes: bytes in those blocks (as requested)
 * @failed:     true once the planned failure happened
 *
 * realloc(p, 0) with p != NULL frees p and returns NULL; it is not counted
 * as a call and is never the one that fails (libkaff should not use it).
 */
struct kaff_test_alloc {
	unsigned long calls;
	unsigned long fail_at;
	unsigned long live;
	size_t live_bytes;
	bool failed;
};

/**
 * kaff_test_alloc_init() - reset @t and point @out at it
 * @t:       counters, all zeroed except @fail_at
 * @fail_at: see struct kaff_test_alloc
 * @out:     receives malloc/realloc/free functions with data = @t
 *
 * Blocks keep max_align_t alignment. Freeing NULL is a no-op.
 */
void kaff_test_alloc_init(struct kaff_test_alloc *t, unsigned long fail_at,
			  struct kaff_allocator *out);

/**
 * struct kaff_test_buf - a growing text buffer; start it zeroed
 * @data: the text, NUL-terminated once anything was written (else NULL)
 * @len:  its length
 * @cap:  allocated size of @data
 */
struct kaff_test_buf {
	char *data;
	size_t len, cap;
};

/**
 * kaff_test_buf_write() - append @len bytes of @buf to the kaff_test_buf @data
 *
 * Matches the write callbacks of kaff_kthread_dump() and struct
 * kaff_scenario_ops.
 *
 * Return: 0, or -ENOMEM (the buffer is then unchanged).
 */
int kaff_test_buf_write(void *data, const char *buf, size_t len);

/** kaff_test_buf_free() - free the text and zero @b; @b stays usable */
void kaff_test_buf_free(struct kaff_test_buf *b);

#endif /* KAFF_TEST_COMMON_H */
