/* SPDX-License-Identifier: MIT */
/*
 * The helpers of tools-common.h: one copy of what each kaff command test
 * program used to carry.
 */
#define _XOPEN_SOURCE 700 /* nftw() */

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test-common.h"
#include "tools-common.h"

extern char **environ;

const char *kaff_exe, *tools_dir, *src_dir, *cases_dir, *failmalloc_so;
char base_dir[256];

void result_free(struct run_result *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}

void path_of(char *buf, size_t cap, const char *dir, const char *name)
{
	int n = snprintf(buf, cap, "%s/%s", dir, name);

	ck_assert(n > 0 && (size_t)n < cap);
}

/* Numbered and with the pid: unique across the forked tests as well. */
void tmp_file(char *buf, size_t cap, const char *name)
{
	static unsigned int seq;
	int n = snprintf(buf, cap, "%s/%u-%d-%s", base_dir, seq++, (int)getpid(), name);

	ck_assert(base_dir[0] && n > 0 && (size_t)n < cap);
}

void data_path(char *buf, size_t cap, const char *name)
{
	int n;

	ck_assert_msg(tools_dir != NULL, "KAFF_TOOLS_DIR is not set");
	n = snprintf(buf, cap, "%s/data/%s", tools_dir, name);
	ck_assert(n > 0 && (size_t)n < cap);
}

void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_msg(f != NULL, "cannot create %s: %s", path, strerror(errno));
	ck_assert(fwrite(data, 1, len, f) == len);
	ck_assert(fclose(f) == 0);
}

void write_text(const char *path, const char *text)
{
	write_file(path, text, strlen(text));
}

char *read_or_fail(const char *path, size_t *len)
{
	char *s = kaff_test_read_file(path, len);

	ck_assert_msg(s != NULL, "cannot read %s", path);
	return s;
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void remove_tree(const char *root)
{
	ck_assert_msg(nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS) == 0, "cannot remove %s",
		      root);
}

bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

bool says_out_of_memory(const char *err)
{
	return strstr(err, "ENOMEM") || strstr(err, "out of memory") ||
	       strstr(err, "Cannot allocate memory");
}

/*
 * The child's environment: ours, or when @o asks for it a copy without
 * @o->env_add's NAME (it comes last instead) and, for the shim, without
 * our LD_PRELOAD (valgrind's, when the test runs under it) and with the
 * shim's three variables. The strings live in @pre, @at and @count.
 */
static char **child_env(const struct spawn_opts *o, const char *count_path, char *pre,
			size_t pre_cap, char *at, size_t at_cap, char *count, size_t count_cap)
{
	size_t n, k, nenv, name_len = 0;
	char **envp;

	if (!o->env_add && !o->shim)
		return environ;
	for (nenv = 0; environ[nenv]; nenv++)
		;
	envp = calloc(nenv + 5, sizeof(*envp));
	ck_assert(envp != NULL);
	if (o->env_add) {
		const char *eq = strchr(o->env_add, '=');

		ck_assert(eq != NULL);
		name_len = (size_t)(eq - o->env_add) + 1;
	}
	for (n = k = 0; n < nenv; n++) {
		if (o->env_add && !strncmp(environ[n], o->env_add, name_len))
			continue;
		if (o->shim && !strncmp(environ[n], "LD_PRELOAD=", 11))
			continue;
		envp[k++] = environ[n];
	}
	if (o->env_add)
		envp[k++] = (char *)o->env_add;
	if (o->shim) {
		ck_assert_msg(failmalloc_so != NULL, "KAFF_FAILMALLOC_SO is not set");
		snprintf(pre, pre_cap, "LD_PRELOAD=%s", failmalloc_so);
		snprintf(at, at_cap, "KAFF_FAILMALLOC_AT=%lu", o->fail_at);
		snprintf(count, count_cap, "KAFF_FAILMALLOC_COUNT=%s", count_path);
		envp[k++] = pre;
		envp[k++] = at;
		envp[k++] = count;
	}
	envp[k] = NULL;
	return envp;
}

void run_with(const char *const *args, const struct spawn_opts *o, struct run_result *r)
{
	char out_path[512], err_path[512], count_path[512];
	char env_pre[600], env_at[64], env_count[600];
	posix_spawn_file_actions_t fa;
	char *argv[24], **envp;
	size_t n;
	pid_t pid;
	int ret, ws;

	memset(r, 0, sizeof(*r));
	ck_assert_msg(kaff_exe != NULL, "KAFF_EXE is not set");
	tmp_file(out_path, sizeof(out_path), "out");
	tmp_file(err_path, sizeof(err_path), "err");
	tmp_file(count_path, sizeof(count_path), "count");
	argv[0] = (char *)kaff_exe;
	for (n = 0; args[n]; n++) {
		ck_assert(n + 2 < sizeof(argv) / sizeof(argv[0]));
		argv[n + 1] = (char *)args[n];
	}
	argv[n + 1] = NULL;
	envp = child_env(o, count_path, env_pre, sizeof(env_pre), env_at, sizeof(env_at), env_count,
			 sizeof(env_count));
	ck_assert(posix_spawn_file_actions_init(&fa) == 0);
	ck_assert(posix_spawn_file_actions_addopen(&fa, 0, o->in ? o->in : "/dev/null", O_RDONLY,
						   0) == 0);
	ck_assert(posix_spawn_file_actions_addopen(&fa, 1, o->out ? o->out : out_path,
						   O_WRONLY | O_CREAT | O_TRUNC, 0600) == 0);
	ck_assert(posix_spawn_file_actions_addopen(&fa, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC,
						   0600) == 0);
	fflush(NULL);
	ret = posix_spawn(&pid, kaff_exe, &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	if (envp != environ)
		free(envp);
	ck_assert_msg(ret == 0, "cannot run %s: %s", kaff_exe, strerror(ret));
	while (waitpid(pid, &ws, 0) < 0)
		ck_assert_msg(errno == EINTR, "waitpid: %s", strerror(errno));
	r->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : -WTERMSIG(ws);
	r->out = o->out ? strdup("") : kaff_test_read_file(out_path, &r->outlen);
	r->err = kaff_test_read_file(err_path, &r->errlen);
	if (o->shim) {
		/* the shim writes its count at exit(): none when killed */
		FILE *f = fopen(count_path, "r");

		if (f) {
			if (fscanf(f, "%lu", &r->calls) != 1)
				r->calls = 0;
			fclose(f);
		}
	}
	unlink(out_path);
	unlink(err_path);
	unlink(count_path);
	ck_assert(r->out && r->err);
}

void run_kaff(const char *const *args, const char *in, struct run_result *r)
{
	struct spawn_opts o = { .in = in };

	run_with(args, &o, r);
}

void tools_init(const char *name)
{
	const char *tmp = getenv("TMPDIR");

	kaff_exe = kaff_test_env_dir("KAFF_EXE");
	tools_dir = kaff_test_env_dir("KAFF_TOOLS_DIR");
	src_dir = kaff_test_env_dir("KAFF_SRC_DIR");
	cases_dir = kaff_test_env_dir("KAFF_CASES_DIR");
	failmalloc_so = kaff_test_env_dir("KAFF_FAILMALLOC_SO");
	snprintf(base_dir, sizeof(base_dir), "%s/kaff-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", name);
	if (!mkdtemp(base_dir))
		base_dir[0] = '\0';
}

int tools_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	/* tests remove what they make; a failed one may leave some */
	if (base_dir[0])
		nftw(base_dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
