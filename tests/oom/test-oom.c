/* SPDX-License-Identifier: MIT */
/*
 * Out of memory, the whole program: every `kaff` command runs with its
 * 1st, 2nd, ... allocation failing (malloc, calloc or realloc anywhere in
 * the process: libkaff, the command's own code, the C library), through
 * the LD_PRELOAD shim failmalloc.so, until a run no longer meets the
 * failure. Each run must end by exit(), never by a signal; with exit
 * status 0 (or the command's normal status) its output must be the clean
 * run's, byte for byte (a failure swallowed must not change the result);
 * any other status is 1 to 3 and standard error says what went wrong
 * (ENOMEM, or the C library's "Cannot allocate memory").
 *
 * Not built with sanitizers (their runtime must come first in the
 * library list, which a preloaded malloc breaks).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test-common.h"

extern char **environ;

static const char *kaff_exe, *shim, *src_dir;
static char tmp_dir[256];

struct result {
	int status;          /* exit status, or -signal */
	unsigned long calls; /* allocations the run made (from the shim) */
	char *out, *err, *file;
};

static void result_free(struct result *r)
{
	free(r->out);
	free(r->err);
	free(r->file);
	memset(r, 0, sizeof(*r));
}

static void path_of(char *buf, size_t cap, const char *name)
{
	snprintf(buf, cap, "%s/%s", tmp_dir, name);
}

/* kaff ARGS with @input on stdin, failing allocation @fail_at (0: none) */
static void run(const char *const *args, const char *input, unsigned long fail_at,
		struct result *r)
{
	char in[320], out[320], err[320], count[320], file[320];
	char env_pre[400], env_at[64], env_count[400];
	posix_spawn_file_actions_t fa;
	char *argv[16], **envp;
	size_t n, nenv;
	pid_t pid;
	int ws;
	FILE *f;

	path_of(in, sizeof(in), "in");
	path_of(out, sizeof(out), "out");
	path_of(err, sizeof(err), "err");
	path_of(count, sizeof(count), "count");
	path_of(file, sizeof(file), "file.svg");
	f = fopen(in, "wb");
	ck_assert(f != NULL);
	fputs(input, f);
	ck_assert(fclose(f) == 0);
	unlink(count);
	unlink(file);

	argv[0] = (char *)kaff_exe;
	for (n = 0; args[n]; n++) {
		ck_assert(n + 2 < sizeof(argv) / sizeof(argv[0]));
		argv[n + 1] = strcmp(args[n], "@FILE") ? (char *)args[n] : file;
	}
	argv[n + 1] = NULL;
	for (nenv = 0; environ[nenv]; nenv++)
		;
	envp = calloc(nenv + 4, sizeof(*envp));
	ck_assert(envp != NULL);
	memcpy(envp, environ, nenv * sizeof(*envp));
	snprintf(env_pre, sizeof(env_pre), "LD_PRELOAD=%s", shim);
	snprintf(env_at, sizeof(env_at), "KAFF_FAILMALLOC_AT=%lu", fail_at);
	snprintf(env_count, sizeof(env_count), "KAFF_FAILMALLOC_COUNT=%s", count);
	envp[nenv] = env_pre;
	envp[nenv + 1] = env_at;
	envp[nenv + 2] = env_count;

	ck_assert(posix_spawn_file_actions_init(&fa) == 0);
	ck_assert(posix_spawn_file_actions_addopen(&fa, 0, in, O_RDONLY, 0) == 0);
	ck_assert(posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC,
						   0600) == 0);
	ck_assert(posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC,
						   0600) == 0);
	fflush(NULL);
	ck_assert(posix_spawn(&pid, kaff_exe, &fa, NULL, argv, envp) == 0);
	posix_spawn_file_actions_destroy(&fa);
	free(envp);
	while (waitpid(pid, &ws, 0) < 0)
		ck_assert(errno == EINTR);
	r->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : -WTERMSIG(ws);
	r->out = kaff_test_read_file(out, NULL);
	r->err = kaff_test_read_file(err, NULL);
	r->file = kaff_test_read_file(file, NULL);
	ck_assert(r->out && r->err);
	f = fopen(count, "r");
	r->calls = 0;
	if (f) {
		if (fscanf(f, "%lu", &r->calls) != 1)
			r->calls = 0;
		fclose(f);
	}
}

static bool says_out_of_memory(const char *err)
{
	return strstr(err, "ENOMEM") || strstr(err, "out of memory") ||
	       strstr(err, "Cannot allocate memory");
}

struct cmd {
	const char *name;
	const char *args[12];
	const char *input;
	int status;            /* the clean run's exit status; -1: any */
};

static const char scn[] =
	"kernel 7.3\ncpus 8\nnode 0 0-3\nnode 1 4-7\nboot isolcpus=domain,7\n"
	"create A node=1\ncreate B\nprefer B 5-7\nwake A\nwake B\noffline 5\nshow\n"
	"online 5\nisolate 6\nshow\nexpect A 4-6\n";

static const struct cmd cmds[] = {
	{ "run", { "run", "-", NULL }, scn, -1 },
	{ "run -v", { "run", "-v", "-", NULL }, scn, -1 },
	{ "cpulist", { "cpulist", "--nbits", "64", "0-7,9,32-63:2/4", NULL }, "", 0 },
	/* two 7.x profiles: under the default A = 6.14 the isolate line makes
	 * diff refuse the file before it allocates much */
	{ "diff", { "diff", "--kernel", "7.0", "--kernel", "7.3", "-", NULL }, scn, -1 },
	{ "audit", { "audit", "-", NULL }, scn, -1 },
	{ "render", { "render", "-", "-o", "@FILE", NULL }, scn, 0 },
	{ "host", { "host", "--sysfs", "@S/tests/host/one-node/sys", "--cmdline",
		    "@S/tests/host/one-node/cmdline", "--release", "7.2.13-amd64", NULL }, "", 0 },
	/* node directories (read one by one), holes, a node without CPUs */
	{ "host sparse", { "host", "--sysfs", "@S/tests/host/sparse/sys", "--cmdline",
			   "@S/tests/host/sparse/cmdline", "--release", "7.2.13-amd64", NULL }, "", 0 },
};

START_TEST(test_command)
{
	const struct cmd *c = &cmds[_i];
	const char *args[12];
	char paths[4][512];
	struct result clean, r;
	unsigned long n, met = 0;
	size_t k, np = 0;

	for (k = 0; c->args[k]; k++) {
		if (!strncmp(c->args[k], "@S/", 3)) {
			snprintf(paths[np], sizeof(paths[np]), "%s/%s", src_dir, c->args[k] + 3);
			args[k] = paths[np++];
		} else {
			args[k] = c->args[k];
		}
	}
	args[k] = NULL;
	run(args, c->input, 0, &clean);
	ck_assert_msg(clean.status >= 0 && (c->status < 0 || clean.status == c->status),
		      "%s: clean run exit %d: %s", c->name, clean.status, clean.err);
	ck_assert_msg(clean.calls > 0, "%s: the shim counted nothing (not preloaded?)", c->name);
	for (n = 1; n <= clean.calls + 1; n++) {
		run(args, c->input, n, &r);
		ck_assert_msg(r.status >= 0, "%s: allocation %lu failing: killed by signal %d",
			      c->name, n, -r.status);
		if (r.calls < n) {
			/* the run made fewer allocations: nothing failed */
			result_free(&r);
			continue;
		}
		met++;
		if (r.status == clean.status) {
			ck_assert_msg(!strcmp(r.out, clean.out) &&
				      (!clean.file || (r.file && !strcmp(r.file, clean.file))),
				      "%s: allocation %lu failing: exit %d as a clean run but another output (stderr '%s')",
				      c->name, n, r.status, r.err);
		} else {
			ck_assert_msg(r.status >= 1 && r.status <= 3,
				      "%s: allocation %lu failing: exit %d", c->name, n, r.status);
			ck_assert_msg(says_out_of_memory(r.err),
				      "%s: allocation %lu failing: exit %d, stderr '%s' does not say out of memory",
				      c->name, n, r.status, r.err);
		}
		result_free(&r);
	}
	ck_assert_msg(met > 0, "%s: no run met a failure", c->name);
	result_free(&clean);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("oom");
	TCase *tc = tcase_create("commands");
	SRunner *sr;
	int failed;
	char path[320];

	kaff_exe = getenv("KAFF_EXE");
	shim = getenv("KAFF_FAILMALLOC_SO");
	src_dir = getenv("KAFF_SRC_DIR");
	if (!kaff_exe || !shim || !src_dir) {
		printf("1..0 # SKIP KAFF_EXE, KAFF_FAILMALLOC_SO or KAFF_SRC_DIR not set\n");
		return EXIT_SUCCESS;
	}
	snprintf(tmp_dir, sizeof(tmp_dir), "%s/kaff-oom-XXXXXX",
		 getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmp_dir)) {
		printf("Bail out! cannot create a temporary directory\n");
		return EXIT_FAILURE;
	}
	tcase_set_timeout(tc, 600);
	tcase_add_loop_test(tc, test_command, 0, (int)(sizeof(cmds) / sizeof(cmds[0])));
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	for (const char *f = "in\0out\0err\0count\0file.svg\0"; *f; f += strlen(f) + 1) {
		snprintf(path, sizeof(path), "%s/%s", tmp_dir, f);
		unlink(path);
	}
	rmdir(tmp_dir);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
