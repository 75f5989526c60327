/* SPDX-License-Identifier: MIT */
/*
 * LD_PRELOAD shim for tests/oom: KAFF_FAILMALLOC_AT=N makes the Nth call
 * of malloc/calloc/realloc in the process return NULL (with errno
 * ENOMEM); every other call goes to the C library (glibc's __libc_*
 * entry points, so no dlsym() bootstrap is needed). At exit() it stops
 * failing (before destructors: libgcov allocates there) and writes the
 * number of calls so far to the file $KAFF_FAILMALLOC_COUNT, if set, so
 * that a test knows when a run no longer meets the failure.
 */
#define _GNU_SOURCE     /* RTLD_NEXT */
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);

static unsigned long calls, fail_at;
static int ready, internal;

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
	if (internal)
		return 0;
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

/* At exit(), before any destructor (coverage tools allocate there, and
 * must not meet a failure): stop failing and write the count. */
static void report(void)
{
	const char *path = getenv("KAFF_FAILMALLOC_COUNT");
	unsigned long n = calls;
	FILE *f;

	fail_at = 0;
	if (!path || !*path)
		return;
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "%lu\n", n);
		fclose(f);
	}
}

/*
 * The report must run at exit() before any destructor (libgcov writes its
 * counts from one, and does not survive a failed allocation), so it is
 * registered with atexit() from inside main's start: __libc_start_main()
 * registers the destructors' runner before it calls main, and exit()
 * runs handlers in reverse order.
 */
typedef int (*main_fn)(int, char **, char **);
typedef int (*start_fn)(main_fn, int, char **, void (*)(void), void (*)(void),
			void (*)(void), void *);

static main_fn real_main;

static int wrapped_main(int argc, char **argv, char **envp)
{
	atexit(report);
	return real_main(argc, argv, envp);
}

int __libc_start_main(main_fn main, int argc, char **argv, void (*init)(void),
		      void (*fini)(void), void (*rtld_fini)(void), void *stack_end);

int __libc_start_main(main_fn main, int argc, char **argv, void (*init)(void),
		      void (*fini)(void), void (*rtld_fini)(void), void *stack_end)
{
	start_fn real;

	internal = 1;   /* dlsym() may allocate: neither counted nor failed */
	*(void **)&real = dlsym(RTLD_NEXT, "__libc_start_main");
	internal = 0;
	real_main = main;
	return real(wrapped_main, argc, argv, init, fini, rtld_fini, stack_end);
}
