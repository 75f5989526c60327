/* SPDX-License-Identifier: MIT */
/*
 * Black-box tests of the `kaff` command ($KAFF_EXE): each test spawns the
 * binary with posix_spawn(), stdin from a file (or /dev/null), stdout and
 * stderr into files of a private temporary directory, and checks the exit
 * status and both outputs.
 *
 * The line:col of every scenario error below was worked out by hand from
 * the text written here (1-based line and column of the offending token),
 * not by running kaff.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libkaff/common.h>

#include "test-common.h"

extern char **environ;

static const char *kaff_exe;
static const char *cases_dir;
static char **recorded; /* "NAME" of cases/NAME.scn having a .trace */
static size_t n_recorded;
static bool list_oom;

/* ------------------------------------------------------------------------
 * Per-test state (freed by the checked teardown, also after a failure)
 */

#define MAX_FILES 8

static struct {
	char dir[320];
	char *files[MAX_FILES];
	size_t nfiles;
	char *out, *err, *want;
} st;

/* made by main(), removed with everything in it at the end of main() */
static char base_dir[256];

static void state_setup(void)
{
	memset(&st, 0, sizeof(st));
	snprintf(st.dir, sizeof(st.dir), "%s/t-XXXXXX", base_dir);
	if (!base_dir[0] || !mkdtemp(st.dir))
		st.dir[0] = '\0';
}

static void state_teardown(void)
{
	size_t i;

	for (i = 0; i < st.nfiles; i++) {
		unlink(st.files[i]);
		free(st.files[i]);
	}
	if (st.dir[0])
		rmdir(st.dir);
	free(st.out);
	free(st.err);
	free(st.want);
	memset(&st, 0, sizeof(st));
}

/* A path @name inside the test's directory, removed at teardown. */
static const char *tmp_path(const char *name)
{
	size_t n;
	char *p;

	ck_assert_msg(st.dir[0] != '\0', "cannot create a temporary directory");
	ck_assert(st.nfiles < MAX_FILES);
	n = strlen(st.dir) + 1 + strlen(name) + 1;
	p = malloc(n);
	ck_assert(p != NULL);
	snprintf(p, n, "%s/%s", st.dir, name);
	st.files[st.nfiles++] = p;
	return p;
}

/* Write @len bytes of @text to a new file @name; returns its path. */
static const char *write_tmp(const char *name, const char *text, size_t len)
{
	const char *path = tmp_path(name);
	FILE *f = fopen(path, "wb");

	ck_assert_msg(f != NULL, "cannot create %s: %s", path, strerror(errno));
	ck_assert(fwrite(text, 1, len, f) == len);
	ck_assert(fclose(f) == 0);
	return path;
}

/* ------------------------------------------------------------------------
 * Running kaff
 */

struct run_result {
	int status; /* exit status, or -1 if killed by a signal */
	const char *out, *err;
	size_t outlen, errlen;
};

/*
 * kaff ARGS..., stdin from @stdin_path (NULL: /dev/null). @args ends with
 * NULL. stdout/stderr are read back into st.out / st.err.
 */
static void run_kaff(const char *const *args, const char *stdin_path, struct run_result *r)
{
	const char *out_path, *err_path;
	posix_spawn_file_actions_t fa;
	char *argv[16];
	size_t i, n;
	pid_t pid;
	int ret, wstatus;

	ck_assert_msg(kaff_exe != NULL, "KAFF_EXE is not set");
	argv[0] = (char *)kaff_exe;
	for (n = 0; args[n]; n++) {
		ck_assert(n + 2 < sizeof(argv) / sizeof(argv[0]));
		argv[n + 1] = (char *)args[n];
	}
	argv[n + 1] = NULL;

	out_path = tmp_path("stdout");
	err_path = tmp_path("stderr");
	ck_assert(posix_spawn_file_actions_init(&fa) == 0);
	ck_assert(posix_spawn_file_actions_addopen(&fa, 0, stdin_path ? stdin_path : "/dev/null",
						   O_RDONLY, 0) == 0);
	ck_assert(posix_spawn_file_actions_addopen(&fa, 1, out_path,
						   O_WRONLY | O_CREAT | O_TRUNC, 0600) == 0);
	ck_assert(posix_spawn_file_actions_addopen(&fa, 2, err_path,
						   O_WRONLY | O_CREAT | O_TRUNC, 0600) == 0);
	fflush(NULL);
	ret = posix_spawn(&pid, kaff_exe, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	ck_assert_msg(ret == 0, "cannot run %s: %s", kaff_exe, strerror(ret));
	while (waitpid(pid, &wstatus, 0) < 0)
		ck_assert_msg(errno == EINTR, "waitpid: %s", strerror(errno));

	r->status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
	free(st.out);
	free(st.err);
	st.out = kaff_test_read_file(out_path, &r->outlen);
	st.err = kaff_test_read_file(err_path, &r->errlen);
	ck_assert(st.out != NULL && st.err != NULL);
	r->out = st.out;
	r->err = st.err;
	for (i = 0; i < 2; i++) {
		/* the next run_kaff() makes new ones */
		unlink(st.files[st.nfiles - 1]);
		free(st.files[--st.nfiles]);
	}
}

/* "kaff cpulist --nbits 8 9" etc. for messages */
static void describe(const char *const *args, char *buf, size_t cap)
{
	size_t n, i;

	snprintf(buf, cap, "kaff");
	for (i = 0; args[i]; i++) {
		n = strlen(buf);
		if (n + 1 >= cap)
			break;
		snprintf(buf + n, cap - n, " '%s'", args[i]);
	}
}

/* The first line of @s (at most 200 bytes), for messages. */
static const char *first_line(const char *s, char *buf, size_t cap)
{
	size_t n = strcspn(s, "\n");

	if (n >= cap)
		n = cap - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

static unsigned int count_lines(const char *s, size_t len)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] == '\n')
			n++;
	return n;
}

/* ------------------------------------------------------------------------
 * kaff run on the recorded cases
 */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_recorded(void)
{
	char path[4096];
	struct dirent *de;
	struct stat sb;
	DIR *d;

	cases_dir = kaff_test_env_dir("KAFF_CASES_DIR");
	if (!cases_dir)
		return;
	snprintf(path, sizeof(path), "%s/cases", cases_dir);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char **nr, *name;

		if (len <= 4 || strcmp(de->d_name + len - 4, ".scn"))
			continue;
		snprintf(path, sizeof(path), "%s/cases/%.*s.trace", cases_dir, (int)(len - 4),
			 de->d_name);
		if (stat(path, &sb) || !S_ISREG(sb.st_mode))
			continue;
		name = malloc(len - 3);
		nr = realloc(recorded, (n_recorded + 1) * sizeof(*nr));
		if (!name || !nr) {
			free(name);
			if (nr)
				recorded = nr;
			list_oom = true;
			break;
		}
		memcpy(name, de->d_name, len - 4);
		name[len - 4] = '\0';
		recorded = nr;
		recorded[n_recorded++] = name;
	}
	closedir(d);
	if (n_recorded)
		qsort(recorded, n_recorded, sizeof(*recorded), cmp_str);
}

static void case_path(char *buf, size_t cap, const char *name, const char *ext)
{
	int n = snprintf(buf, cap, "%s/cases/%s%s", cases_dir, name, ext);

	ck_assert(n > 0 && (size_t)n < cap);
}

START_TEST(test_have_cases)
{
	ck_assert_msg(!list_oom, "out of memory listing the cases");
	ck_assert_msg(cases_dir != NULL, "KAFF_CASES_DIR is not set");
	ck_assert_msg(n_recorded > 0, "no recorded case under %s/cases", cases_dir);
}
END_TEST

/* kaff run FILE (or, with @from_stdin, kaff run - < FILE) on recorded case @name */
static void check_recorded(const char *name, bool from_stdin)
{
	const char *args[] = { "run", NULL, NULL };
	char scn[4096], trace[4096], line[256];
	struct run_result r;
	size_t wlen;

	case_path(scn, sizeof(scn), name, ".scn");
	case_path(trace, sizeof(trace), name, ".trace");
	st.want = kaff_test_read_file(trace, &wlen);
	ck_assert_msg(st.want != NULL, "%s: cannot read the trace", name);
	args[1] = from_stdin ? "-" : scn;
	run_kaff(args, from_stdin ? scn : NULL, &r);
	ck_assert_msg(r.status == 0, "%s: kaff run%s exited %d: %s", name,
		      from_stdin ? " -" : "", r.status, first_line(r.err, line, sizeof(line)));
	ck_assert_msg(kaff_test_only_boot_warnings(r.err), "%s: stderr not only boot warnings: %s", name,
		      first_line(r.err, line, sizeof(line)));
	ck_assert_msg(r.outlen == wlen && !memcmp(r.out, st.want, wlen),
		      "%s: stdout (%zu bytes) is not the trace (%zu bytes)", name, r.outlen, wlen);
}

START_TEST(test_run_recorded)
{
	check_recorded(recorded[_i], false);
}
END_TEST

START_TEST(test_run_stdin)
{
	ck_assert_msg(n_recorded > 0, "no recorded case");
	/* a case with error lines and several shows */
	check_recorded(recorded[n_recorded / 2], true);
}
END_TEST

START_TEST(test_run_stdin_inline)
{
	static const char scn[] = "kernel 7.3\ncpus 4\ncreate A\nprefer A 1-2\nwake A\nshow\n";
	const char *args[] = { "run", "-", NULL };
	struct run_result r;

	run_kaff(args, write_tmp("in.scn", scn, sizeof(scn) - 1), &r);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "show 1\nA 1-2\n");
	ck_assert_uint_eq(r.errlen, 0);
}
END_TEST

/* ------------------------------------------------------------------------
 * Expect failures: exit 1, the trace still printed, stderr names line+task
 */

START_TEST(test_run_expect_failure)
{
	static const char scn[] = "kernel 7.3\n"	  /* 1 */
				  "cpus 4\n"		  /* 2 */
				  "create A\n"		  /* 3 */
				  "prefer A 1-2\n"	  /* 4 */
				  "expect A 1-2\n"	  /* 5: holds */
				  "create Bee\n"	  /* 6 */
				  "wake A\n"		  /* 7 */
				  "expect Bee 1-3\n"	  /* 8: fails, Bee is 0-3 */
				  "show\n";		  /* 9 */
	const char *args[] = { "run", NULL, NULL };
	const char *path = write_tmp("expect.scn", scn, sizeof(scn) - 1);
	char needle[512], line[256];
	struct run_result r;

	args[1] = path;
	run_kaff(args, NULL, &r);
	ck_assert_msg(r.status == 1, "exit %d, stderr: %s", r.status,
		      first_line(r.err, line, sizeof(line)));
	ck_assert_str_eq(r.out, "show 1\nA 1-2\nBee 0-3\n");
	snprintf(needle, sizeof(needle), "%s:8", path);
	ck_assert_msg(strstr(r.err, needle) != NULL, "stderr does not name %s: %s", needle,
		      first_line(r.err, line, sizeof(line)));
	ck_assert_msg(strstr(r.err, "Bee") != NULL, "stderr does not name the task: %s",
		      first_line(r.err, line, sizeof(line)));
	ck_assert_msg(count_lines(r.err, r.errlen) == 1, "stderr holds %u lines, want 1",
		      count_lines(r.err, r.errlen));
}
END_TEST

/* ------------------------------------------------------------------------
 * Scenario errors: exit 2, stdout empty, stderr "kaff: FILE:LINE:COL: ..."
 */

struct scn_error {
	const char *what;
	const char *text;
	size_t len; /* 0: strlen(text) */
	unsigned int line, col;
};

#define NUL_TEXT(s) s, sizeof(s) - 1

static const struct scn_error scn_errors[] = {
	/* "frobnicate" starts line 4 */
	{ "unknown command", "kernel 7.3\ncpus 4\ncreate A\nfrobnicate A\n", 0, 4, 1 },
	/* "create_on_cpu" = cols 1-13, "A" col 15, "4" col 17 */
	{ "CPU >= cpus (create_on_cpu)", "kernel 7.3\ncpus 4\ncreate_on_cpu A 4\n", 0, 3, 17 },
	/* "offline" = cols 1-7, "4" col 9 */
	{ "CPU >= cpus (offline)", "kernel 7.3\ncpus 4\ncreate A\noffline 4\n", 0, 4, 9 },
	/* "create" 1-6, "A" 8, "node=5" 10 */
	{ "unknown node", "kernel 7.3\ncpus 4\nnode 0 0-1\nnode 1 2-3\ncreate A node=5\n", 0, 5,
	  10 },
	/* "wake" 1-4, "B" 6 */
	{ "unknown task", "kernel 7.3\ncpus 4\ncreate A\nwake B\n", 0, 4, 6 },
	/* the second "wake A" (line 7), "A" col 6 */
	{ "stopped task", "kernel 7.3\ncpus 4\ncreate A\nwake A\nstop A\nshow\nwake A\n", 0, 7,
	  6 },
	/* second "create A" on line 5, "A" col 8 */
	{ "duplicate live name", "kernel 7.3\ncpus 4\ncreate A\ncreate B\ncreate A\n", 0, 5, 8 },
	/* "kernel" after "create A", indented by two spaces: col 3 */
	{ "header after first event", "cpus 4\ncreate A\n  kernel 7.3\n", 0, 3, 3 },
	/* second "cpus" starts line 3 */
	{ "header given twice", "kernel 7.3\ncpus 4\ncpus 4\ncreate A\n", 0, 3, 1 },
	/* "boot_online" 1-11, the list col 13 */
	{ "boot_online without CPU 0", "kernel 7.3\ncpus 4\nboot_online 1-3\ncreate A\n", 0, 3,
	  13 },
	/* "wake" 1-4, then the NUL byte at col 5 of line 4 */
	{ "NUL byte in a command", NUL_TEXT("kernel 7.3\ncpus 4\ncreate A\nwake\0 A\n"), 4, 5 },
	/* "# comment" is 9 bytes, the NUL is col 10 of line 3 */
	{ "NUL byte in a comment", NUL_TEXT("kernel 7.3\ncpus 4\n# comment\0\ncreate A\n"), 3,
	  10 },
	/* "isolate" starts line 4 */
	{ "isolate under 6.14", "kernel 6.14\ncpus 4\ncreate A\nisolate 1\n", 0, 4, 1 },
	/* no kernel line: the default profile is 6.14 */
	{ "isolate under the default profile", "cpus 4\nisolate 1-2\n", 0, 2, 1 },
	/* the second "prefer" starts line 5 */
	{ "second prefer before the first wake",
	  "kernel 7.3\ncpus 4\ncreate A\nprefer A 1\nprefer A 2\nwake A\n", 0, 5, 1 },
	/* "boot" 1-4, "nohz_full=1" 6-16, "isolcpu=2" 18 */
	{ "bad boot parameter name", "kernel 7.3\ncpus 4\nboot nohz_full=1 isolcpu=2\n", 0, 3,
	  18 },
	/* "prefer" 1-6, "A" 8, "0-2,5" 10 */
	{ "list with a CPU >= cpus", "kernel 7.3\ncpus 4\ncreate A\nprefer A 0-2,5\n", 0, 4, 10 },
	/* only node 1 given: node 0 is missing; "node" 1-4, "1" col 6 */
	{ "node ids not dense", "kernel 7.3\ncpus 4\nnode 1 0-3\ncreate A\n", 0, 3, 6 },
};

START_TEST(test_scenario_error)
{
	const struct scn_error *e = &scn_errors[_i];
	const char *args[] = { "run", NULL, NULL };
	size_t len = e->len ? e->len : strlen(e->text);
	char prefix[512], line[256];
	struct run_result r;
	const char *path;

	path = write_tmp("error.scn", e->text, len);
	args[1] = path;
	run_kaff(args, NULL, &r);
	ck_assert_msg(r.status == 2, "%s: exit %d, want 2; stderr: %s", e->what, r.status,
		      first_line(r.err, line, sizeof(line)));
	ck_assert_msg(r.outlen == 0, "%s: stdout not empty: %s", e->what,
		      first_line(r.out, line, sizeof(line)));
	snprintf(prefix, sizeof(prefix), "kaff: %s:%u:%u: ", path, e->line, e->col);
	ck_assert_msg(strncmp(r.err, prefix, strlen(prefix)) == 0,
		      "%s: stderr is \"%s\", want it to begin \"%s\"", e->what,
		      first_line(r.err, line, sizeof(line)), prefix);
	ck_assert_msg(r.errlen > strlen(prefix) + 1 && r.err[r.errlen - 1] == '\n' &&
			      count_lines(r.err, r.errlen) == 1,
		      "%s: want one line with a message after the position, got \"%s\"", e->what,
		      r.err);
}
END_TEST

/* kaff run - with an error: exit 2, position named */
START_TEST(test_scenario_error_stdin)
{
	static const char scn[] = "kernel 7.3\ncpus 4\nwake A\n";
	const char *args[] = { "run", "-", NULL };
	char line[256];
	struct run_result r;

	run_kaff(args, write_tmp("in.scn", scn, sizeof(scn) - 1), &r);
	ck_assert_int_eq(r.status, 2);
	ck_assert_uint_eq(r.outlen, 0);
	ck_assert_msg(strncmp(r.err, "kaff: ", 6) == 0 && strstr(r.err, ":3:6: ") != NULL,
		      "stderr: %s", first_line(r.err, line, sizeof(line)));
}
END_TEST

/* ------------------------------------------------------------------------
 * kaff cpulist, --help, --version, unknown command
 */

struct cli_case {
	const char *args[6];
	int status;
	const char *out;        /* exact stdout */
	const char *err_prefix; /* stderr begins with it; NULL: stderr empty */
};

static const struct cli_case cli_cases[] = {
	{ { "cpulist", "--nbits", "8", "0-3,5" }, 0, "0-3,5\n", NULL },
	{ { "cpulist", "--nbits", "8", "" }, 0, "\n", NULL },
	{ { "cpulist", "--nbits", "8", "5,0-3,2" }, 0, "0-3,5\n", NULL },
	{ { "cpulist", "--nbits", "16", "0-N:2/4" }, 0, "0-1,4-5,8-9,12-13\n", NULL },
	{ { "cpulist", "--nbits", "8", "9" }, 1, "", "kaff: cpulist: ERANGE:" },
	{ { "cpulist", "--nbits", "8", "2-8" }, 1, "", "kaff: cpulist: ERANGE:" },
	{ { "cpulist", "--nbits", "8", "3-1" }, 1, "", "kaff: cpulist: EINVAL:" },
	{ { "cpulist", "--nbits", "8", "1-x" }, 1, "", "kaff: cpulist: EINVAL:" },
	{ { "cpulist", "--nbits", "8", "0-7:3/2" }, 1, "", "kaff: cpulist: EINVAL:" },
	{ { "cpulist", "--nbits", "8", "4294967296" }, 1, "", "kaff: cpulist: EOVERFLOW:" },
	{ { "cpulist", "--nbits", "8", "0-99999999999999999999" }, 1, "",
	  "kaff: cpulist: EOVERFLOW:" },
	{ { "--help" }, 0, NULL, NULL },
	{ { "--version" }, 0, NULL, NULL },
	{ { "frobnicate" }, 2, "", "kaff: " },
	{ { NULL }, 2, "", "" },
};

START_TEST(test_cli)
{
	const struct cli_case *c = &cli_cases[_i];
	char what[256], line[256];
	struct run_result r;

	describe(c->args, what, sizeof(what));
	run_kaff(c->args, NULL, &r);
	ck_assert_msg(r.status == c->status, "%s: exit %d, want %d; stderr: %s", what, r.status,
		      c->status, first_line(r.err, line, sizeof(line)));
	if (c->out)
		ck_assert_msg(r.outlen == strlen(c->out) && !strcmp(r.out, c->out),
			      "%s: stdout \"%s\", want \"%s\"", what, r.out, c->out);
	if (!c->err_prefix)
		ck_assert_msg(r.errlen == 0, "%s: stderr not empty: %s", what,
			      first_line(r.err, line, sizeof(line)));
	else
		ck_assert_msg(r.errlen > 0 && !strncmp(r.err, c->err_prefix, strlen(c->err_prefix)),
			      "%s: stderr \"%s\" does not begin \"%s\"", what,
			      first_line(r.err, line, sizeof(line)), c->err_prefix);
}
END_TEST

START_TEST(test_help)
{
	const char *args[] = { "--help", NULL };
	struct run_result r;

	run_kaff(args, NULL, &r);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(!strncmp(r.out, "usage:", 6) && strstr(r.out, "kaff run") &&
			      strstr(r.out, "kaff cpulist"),
		      "no usage on stdout: %s", r.out);
}
END_TEST

START_TEST(test_version)
{
	const char *args[] = { "--version", NULL };
	struct run_result r;

	run_kaff(args, NULL, &r);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(r.outlen > 1 && r.out[r.outlen - 1] == '\n' &&
			      strstr(r.out, kaff_version_string()) != NULL,
		      "stdout \"%s\" does not hold the version %s", r.out, kaff_version_string());
}
END_TEST

static Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc;

	tc = tcase_create("run");
	tcase_add_checked_fixture(tc, state_setup, state_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_have_cases);
	if (n_recorded) {
		tcase_add_loop_test(tc, test_run_recorded, 0, (int)n_recorded);
		tcase_add_test(tc, test_run_stdin);
	}
	tcase_add_test(tc, test_run_stdin_inline);
	tcase_add_test(tc, test_run_expect_failure);
	suite_add_tcase(s, tc);

	tc = tcase_create("scenario-errors");
	tcase_add_checked_fixture(tc, state_setup, state_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_scenario_error, 0,
			    (int)(sizeof(scn_errors) / sizeof(scn_errors[0])));
	tcase_add_test(tc, test_scenario_error_stdin);
	suite_add_tcase(s, tc);

	tc = tcase_create("commands");
	tcase_add_checked_fixture(tc, state_setup, state_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_cli, 0, (int)(sizeof(cli_cases) / sizeof(cli_cases[0])));
	tcase_add_test(tc, test_help);
	tcase_add_test(tc, test_version);
	suite_add_tcase(s, tc);
	return s;
}

/* rm -r @path, for the two levels this file makes */
static void remove_tree(const char *path, int depth)
{
	char sub[4096];
	struct dirent *de;
	DIR *d = opendir(path);

	if (d) {
		while ((de = readdir(d))) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
			if (unlink(sub) && depth > 0)
				remove_tree(sub, depth - 1);
		}
		closedir(d);
	}
	rmdir(path);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	SRunner *sr;
	size_t i;
	int failed;

	kaff_exe = kaff_test_env_dir("KAFF_EXE");
	list_recorded();
	/* forked tests that fail skip their teardown: clean up here instead */
	snprintf(base_dir, sizeof(base_dir), "%s/kaff-cli-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(base_dir))
		base_dir[0] = '\0';
	sr = srunner_create(cli_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (base_dir[0])
		remove_tree(base_dir, 2);
	for (i = 0; i < n_recorded; i++)
		free(recorded[i]);
	free(recorded);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
