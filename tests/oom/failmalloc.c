/* SPDX-License-Identifier: MIT */
/*
 * LD_PRELOAD shim for tests/oom: KAFF_FAILMALLOC_AT=N makes the Nth call
 * of malloc/calloc/realloc in the process return NULL (with errno
 * ENOMEM); every other call goes to the C library (glibc's __libc_*
 * entry points, so no dlsym() bootstrap is needed). At exit it writes the
 * number of calls to the file $KAFF_FAILMALLOC_COUNT, if set, so that a
 * test knows when a run no longer meets the failure.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);

static unsigned long calls, fail_at;
static int ready;

static void setup(void)
{
	const char *s;

	if (ready)
		return;
	ready = 1;
	s = getenv("KAFF_FAILMALLOC_AT");
	fail_at = s ? strtoul(s, NULL, 10) : 0;
}

static int fail_now(void)
{
	setup();
	if (++calls == fail_at) {
		errno = ENOMEM;
		return 1;
	}
	return 0;
}

void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *ptr, size_t size);

void *malloc(size_t size)
{
	return fail_now() ? NULL : __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	return fail_now() ? NULL : __libc_calloc(n, size);
}

void *realloc(void *ptr, size_t size)
{
	return fail_now() ? NULL : __libc_realloc(ptr, size);
}

__attribute__((destructor)) static void report(void)
{
	const char *path = getenv("KAFF_FAILMALLOC_COUNT");
	FILE *f;

	if (!path || !*path)
		return;
	/* the count before fopen() allocates */
	{
		unsigned long n = calls;

		fail_at = 0;
		f = fopen(path, "w");
		if (f) {
			fprintf(f, "%lu\n", n);
			fclose(f);
		}
	}
}
