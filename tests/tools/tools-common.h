/* SPDX-License-Identifier: MIT */
/*
 * What the black-box tests of the kaff command share (check-tools,
 * check-cli-audit, check-cli-diff, check-cli-host): running $KAFF_EXE
 * with posix_spawn() and reading back what it printed, a private
 * temporary directory per test program, and paths and files for the
 * runs. Failures are Check assertions: call these from a test, except
 * tools_init() and tools_run(), which are for main().
 */
#ifndef KAFF_TOOLS_COMMON_H
#define KAFF_TOOLS_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <check.h>

/*
 * The environment the tests' meson.build sets, read by tools_init(); each
 * is NULL when unset or empty (a test that needs one says so).
 */
extern const char *kaff_exe;      /* KAFF_EXE: the program under test */
extern const char *tools_dir;     /* KAFF_TOOLS_DIR: tests/tools (data/, golden/) */
extern const char *src_dir;       /* KAFF_SRC_DIR: the source tree */
extern const char *cases_dir;     /* KAFF_CASES_DIR: tests/conformance */
extern const char *failmalloc_so; /* KAFF_FAILMALLOC_SO: tests/oom's shim; not built
				   * with sanitizers, so the out-of-memory runs are
				   * left out without it */

/* The program's private directory for its files ("" if none could be made). */
extern char base_dir[256];

/* What one run of kaff did. */
struct run_result {
	int status;          /* exit status, or -signal when killed by one */
	char *out, *err;     /* stdout ("" when sent elsewhere) and stderr, NUL-terminated */
	size_t outlen, errlen;
	unsigned long calls; /* allocations the shim counted (shim runs only) */
};

/* How to run it; zero for a plain run. */
struct spawn_opts {
	const char *in;        /* stdin (NULL: /dev/null) */
	const char *out;       /* stdout (NULL: a temporary file, read back) */
	const char *env_add;   /* "NAME=VALUE" in place of any NAME in the environment */
	bool shim;             /* preload $KAFF_FAILMALLOC_SO */
	unsigned long fail_at; /* with the shim: the allocation that fails (0: none) */
};

/* kaff ARGS... (NULL-terminated) as @o says, into @r (free it with result_free()). */
void run_with(const char *const *args, const struct spawn_opts *o, struct run_result *r);

/* kaff ARGS... with stdin from @in (NULL: /dev/null), stdout captured. */
void run_kaff(const char *const *args, const char *in, struct run_result *r);

void result_free(struct run_result *r);

/* @dir/@name into @buf. */
void path_of(char *buf, size_t cap, const char *dir, const char *name);

/* A fresh path in the program's private directory, its name ending in @name. */
void tmp_file(char *buf, size_t cap, const char *name);

/* tests/tools/data/@name. */
void data_path(char *buf, size_t cap, const char *name);

/* Creates (or truncates) @path with @len bytes of @data, or with @text. */
void write_file(const char *path, const char *data, size_t len);
void write_text(const char *path, const char *text);

/* A whole file, NUL-terminated (free it); a test failure if it cannot be read. */
char *read_or_fail(const char *path, size_t *len);

/* rm -r @root (a tree a test made under base_dir). */
void remove_tree(const char *root);

bool starts_with(const char *s, const char *prefix);

/* Does a message say out of memory, in any of the forms kaff uses? */
bool says_out_of_memory(const char *err);

#define assert_has(hay, needle) \
	ck_assert_msg(strstr((hay), (needle)) != NULL, "missing:\n%s\n--- in:\n%s", (needle), (hay))
#define assert_starts(s, head) \
	ck_assert_msg(!strncmp((s), (head), strlen(head)), "does not start with:\n%s\n--- but:\n%s", \
		      (head), (s))

/* Reads the environment above and makes base_dir, $TMPDIR/kaff-@name-XXXXXX. */
void tools_init(const char *name);

/*
 * Runs suite @s (CK_ENV: CK_FORK, CK_VERBOSITY, ...), then removes base_dir
 * and what failed tests left in it. Returns EXIT_SUCCESS or EXIT_FAILURE.
 */
int tools_run(Suite *s);

#endif /* KAFF_TOOLS_COMMON_H */
