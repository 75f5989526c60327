/* SPDX-License-Identifier: MIT */
/*
 * The bad-input contract of docs/errors.md, through the CLI: every row of
 * its table as `kaff run -` (the scenario on standard input) or `kaff
 * cpulist`, checking the exit status and both outputs exactly. The C API
 * side is tests/cmocka/test-errors.c.
 */
#include <check.h>
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

#include "test-common.h"

extern char **environ;

static const char *kaff_exe;
static char tmp_dir[256];
static const char *stdout_to;   /* NULL: a file read back into run.out */

struct run {
	int status;             /* exit status, -1 for a signal */
	char *out, *err;
	size_t outlen;
};

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}

/* kaff ARGS... with @input (@len bytes) on standard input; @env_extra, if
 * not NULL, is added to the environment ("NAME=value"). */
static void run_kaff(const char *const *args, const char *input, size_t len,
		     const char *env_extra, struct run *r)
{
	char in_path[320], out_path[320], err_path[320];
	posix_spawn_file_actions_t fa;
	char *argv[12], **envp;
	size_t n, nenv;
	pid_t pid;
	int ret, ws;
	FILE *f;

	ck_assert_msg(kaff_exe != NULL, "KAFF_EXE is not set");
	snprintf(in_path, sizeof(in_path), "%s/in", tmp_dir);
	snprintf(out_path, sizeof(out_path), "%s/out", tmp_dir);
	snprintf(err_path, sizeof(err_path), "%s/err", tmp_dir);
	f = fopen(in_path, "wb");
	ck_assert(f != NULL);
	ck_assert(fwrite(input, 1, len, f) == len);
	ck_assert(fclose(f) == 0);

	argv[0] = (char *)kaff_exe;
	for (n = 0; args[n]; n++) {
		ck_assert(n + 2 < sizeof(argv) / sizeof(argv[0]));
		argv[n + 1] = (char *)args[n];
	}
	argv[n + 1] = NULL;
	for (nenv = 0; environ[nenv]; nenv++)
		;
	envp = calloc(nenv + 2, sizeof(*envp));
	ck_assert(envp != NULL);
	memcpy(envp, environ, nenv * sizeof(*envp));
	if (env_extra)
		envp[nenv] = (char *)env_extra;

	ck_assert(posix_spawn_file_actions_init(&fa) == 0);
	ck_assert(posix_spawn_file_actions_addopen(&fa, 0, in_path, O_RDONLY, 0) == 0);
	ck_assert(posix_spawn_file_actions_addopen(&fa, 1, stdout_to ? stdout_to : out_path,
						   O_WRONLY | O_CREAT | O_TRUNC, 0600) == 0);
	ck_assert(posix_spawn_file_actions_addopen(&fa, 2, err_path,
						   O_WRONLY | O_CREAT | O_TRUNC, 0600) == 0);
	fflush(NULL);
	ret = posix_spawn(&pid, kaff_exe, &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	free(envp);
	ck_assert_msg(ret == 0, "cannot run %s: %s", kaff_exe, strerror(ret));
	while (waitpid(pid, &ws, 0) < 0)
		ck_assert(errno == EINTR);
	r->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
	if (stdout_to) {
		FILE *empty = fopen(out_path, "wb");

		if (empty)
			fclose(empty);
	}
	r->out = kaff_test_read_file(out_path, &r->outlen);
	r->err = kaff_test_read_file(err_path, NULL);
	ck_assert(r->out && r->err);
}

/* ---- the table ------------------------------------------------------------- */

struct row {
	const char *row;            /* docs/errors.md row */
	const char *args[7];        /* NULL-terminated; default {"run", "-"} */
	const char *input;
	size_t len;                 /* 0: strlen(input) */
	int status;
	const char *out, *err;      /* exact; NULL: not checked; err "^...": a prefix */
};

#define IN(s) s, 0
#define IN_N(s) s, sizeof(s) - 1

static const struct row rows[] = {
	{ "syntax", { 0 }, IN("cpus 4\nfoo\n"), 2, "",
	  "kaff: <stdin>:2:1: unknown command 'foo'\n" },
	{ "syntax", { 0 }, IN("cpus 4\ncreate A\nprefer A 3-1\n"), 2, "",
	  "kaff: <stdin>:3:10: bad CPU list '3-1' (EINVAL)\n" },
	{ "syntax", { "cpulist", "--nbits", "4", "3-1" }, IN(""), 1, "",
	  "kaff: cpulist: EINVAL: the list does not follow the cpulist grammar\n" },
	{ "syntax", { 0 }, IN("kernel 6.13\ncpus 4\n"), 2, "",
	  "kaff: <stdin>:1:8: kernel '6.13' is not supported (profiles 6.14 to 7.3)\n" },
	{ "out-of-range CPU", { 0 }, IN("cpus 4\noffline 4\n"), 2, "",
	  "kaff: <stdin>:2:9: CPU 4 does not exist (cpus 4)\n" },
	{ "out-of-range CPU", { 0 }, IN("cpus 4\ncreate A\nprefer A 0-4\n"), 2, "",
	  "kaff: <stdin>:3:10: list '0-4' holds a CPU >= cpus 4\n" },
	{ "out-of-range CPU", { "cpulist", "--nbits", "4", "0-4" }, IN(""), 1, "",
	  "kaff: cpulist: ERANGE: a CPU is not below nbits\n" },
	{ "unknown node", { 0 }, IN("cpus 4\ncreate A node=1\n"), 2, "",
	  "kaff: <stdin>:2:10: node 1 does not exist (1 node)\n" },
	{ "duplicate task name", { 0 }, IN("cpus 4\ncreate A\ncreate A\n"), 2, "",
	  "kaff: <stdin>:3:8: task 'A' exists already\n" },
	{ "unknown task", { 0 }, IN("cpus 4\nwake B\n"), 2, "",
	  "kaff: <stdin>:2:6: task 'B' does not exist\n" },
	{ "event on a stopped task", { 0 }, IN("cpus 4\ncreate A\nstop A\nwake A\n"), 2, "",
	  "kaff: <stdin>:4:6: task 'A' was stopped\n" },
	{ "offline of an offline CPU", { 0 }, IN("cpus 4\noffline 3\noffline 3\nshow\n"), 0,
	  "show 1\n", "" },
	{ "offline of an offline CPU", { 0 }, IN("cpus 4\noffline 0\nonline 2\n"), 0,
	  "! offline 0 ENOENT\n", "" },
	{ "oversize number", { 0 }, IN("cpus 99999\n"), 2, "",
	  "kaff: <stdin>:1:6: cpus must be 1 to 8192, not '99999'\n" },
	{ "oversize number", { 0 }, IN("cpus 4\noffline 99999999999999999999\n"), 2, "",
	  "kaff: <stdin>:2:9: CPU 99999999999999999999 does not exist (cpus 4)\n" },
	{ "oversize number", { 0 }, IN("cpus 4\ncreate A\nprefer A 99999999999\n"), 2, "",
	  "kaff: <stdin>:3:10: bad CPU list '99999999999' (EOVERFLOW)\n" },
	{ "oversize number", { "cpulist", "--nbits", "4", "99999999999" }, IN(""), 1, "",
	  "kaff: cpulist: EOVERFLOW: a number does not fit in 32 bits\n" },
	{ "oversize number", { "cpulist", "--nbits", "8193", "1" }, IN(""), 2, "",
	  "kaff: cpulist: --nbits must be 0 to 8192\n" },
	{ "embedded NUL", { 0 }, IN_N("cpus 4\ncreate A\0B\n"), 2, "",
	  "kaff: <stdin>:2:9: NUL byte in the file\n" },
	{ "overlong line", { 0 }, IN("cpus 4\na b c d e f g h i\n"), 2, "",
	  "kaff: <stdin>:2:17: too many words on one line\n" },
	{ "overlong line", { 0 },
	  IN("cpus 4\ncreate Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"), 2, "",
	  "kaff: <stdin>:2:8: 'Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' is not a task name (a letter or _, then printable ASCII but no space or #, 63 bytes at most)\n" },
	{ "empty file", { 0 }, IN(""), 2, "",
	  "kaff: <stdin>:1:1: no 'cpus' line (every scenario needs one)\n" },
	{ "binary garbage", { 0 }, IN("cpus 4\n\xff\xfe\x80 x\n"), 2, "",
	  "kaff: <stdin>:2:1: unknown command '\\xff\\xfe\\x80'\n" },
	{ "binary garbage", { 0 }, IN("cpus 4\ncre\x1b" "ate A\n"), 2, "",
	  "kaff: <stdin>:2:4: control character 0x1b\n" },
	{ "binary garbage", { 0 }, IN("cpus 4\r\n"), 2, "",
	  "kaff: <stdin>:1:7: carriage return (CRLF line ends are not allowed)\n" },
	{ "unreadable file", { "run", "/nonexistent/x.scn" }, IN(""), 2, "",
	  "kaff: /nonexistent/x.scn: No such file or directory\n" },
	{ "unreadable file", { "run", "/" }, IN(""), 2, "", "kaff: /: Is a directory\n" },
	{ "boot parameter", { 0 }, IN("cpus 4\nboot quiet\n"), 2, "",
	  "kaff: <stdin>:2:6: boot parameter 'quiet' is not nohz_full= or isolcpus=\n" },
	/* the kernel ignores the parameter (housekeeping_setup(): the list
	 * does not parse) and says so on its console; kaff says it without -v */
	{ "boot parameter", { "run", "-" },
	  IN("cpus 4\nboot nohz_full=9-1\ncreate A\nwake A\nshow\n"), 0, "show 1\nA 0-3\n",
	  "kaff: <stdin>:2:6: warning: boot nohz_full=9-1: kernel: Housekeeping: nohz_full= or isolcpus= "
	  "incorrect CPU range\n"
	  "kaff: <stdin>:2:6: warning: boot nohz_full=9-1: the CPU list does not parse or names a CPU >= "
	  "nr_cpu_ids: the kernel ignores the whole parameter\n" },
	{ "kernel refuses the header", { "run", "--kernel", "6.14", "-" },
	  IN("kernel 7.3\ncpus 4\nboot isolcpus=domain,0-2\nboot_online 0\ncreate A\n"), 2, "",
	  "kaff: <stdin>: kernel 6.14 refuses this boot_online set (EBUSY taking a CPU down)\n" },
	{ "kernel refuses the header", { 0 },
	  IN("cpus 4\nboot isolcpus=domain,0-2\nboot_online 0\n"), 2, "",
	  "kaff: <stdin>:3:13: the kernel refuses this boot_online set (EBUSY taking a CPU down)\n" },
	{ "usage", { "run", "--bogus", "-" }, IN(""), 2, NULL,
	  "kaff: run: unrecognized option '--bogus' (see 'kaff run --help')\n" },
	{ "usage", { "run", "--=x", "-" }, IN(""), 2, "",
	  "kaff: run: unrecognized option '--=x' (see 'kaff run --help')\n" },
	{ "usage", { "run", "a.scn", "b.scn" }, IN(""), 2, "",
	  "kaff: run: extra operand 'b.scn' (see 'kaff run --help')\n" },
	{ "usage", { "run" }, IN(""), 2, "", "kaff: run: missing FILE operand (see 'kaff run --help')\n" },
	{ "usage", { "run", "--kernel", "9.9", "-" }, IN("cpus 4\n"), 2, "",
	  "kaff: run: kernel '9.9' is not a profile (6.14 to 7.3)\n" },
	{ "usage", { "run", "--", "-" }, IN("cpus 4\nshow\n"), 0, "show 1\n", "" },
	{ "usage", { "run", "--kernel", "6.14", "-" }, IN("kernel 7.3\ncpus 4\nisolate 1\n"), 2,
	  "", "kaff: <stdin>: isolate is not modelled under kernel 6.14\n" },
	{ "usage", { "cpulist", "--bogus", "1" }, IN(""), 2, NULL,
	  "kaff: cpulist: unrecognized option '--bogus' (see 'kaff cpulist --help')\n" },
	{ "usage", { "cpulist", "--nbits", "4", "1", "2" }, IN(""), 2, "",
	  "kaff: cpulist: extra operand '2' (see 'kaff cpulist --help')\n" },
	{ "usage", { "cpulist", "1" }, IN(""), 2, "",
	  "kaff: cpulist: missing --nbits N (see 'kaff cpulist --help')\n" },
	{ "usage", { "cpulist", "--nbits", "4", "--", "--" }, IN(""), 1, "",
	  "kaff: cpulist: EINVAL: the list does not follow the cpulist grammar\n" },
	/* the tool commands: the same scenario errors, their own usage */
	{ "syntax", { "diff", "-" }, IN("cpus 4\nfoo\n"), 2, "",
	  "kaff: <stdin>:2:1: unknown command 'foo'\n" },
	{ "syntax", { "audit", "-" }, IN("cpus 4\nfoo\n"), 2, "",
	  "kaff: <stdin>:2:1: unknown command 'foo'\n" },
	{ "empty file", { "audit", "-" }, IN(""), 2, "",
	  "kaff: <stdin>:1:1: no 'cpus' line (every scenario needs one)\n" },
	{ "syntax", { "render", "-", "-o", "/nonexistent/x.svg" }, IN("cpus 4\nfoo\n"), 2, "",
	  "kaff: <stdin>:2:1: unknown command 'foo'\n" },
	{ "unreadable file", { "render", "-", "-o", "/nonexistent/x.svg" },
	  IN("cpus 4\ncreate A\nwake A\n"), 3, "",
	  "kaff: render: /nonexistent/x.svg: No such file or directory\n" },
	{ "unreadable file", { "host", "--sysfs", "/nonexistent" }, IN(""), 2, "",
	  "kaff: host: /nonexistent/devices/system/cpu/possible: No such file or directory\n" },
	{ "unreadable file", { "host", "--cmdline", "/nonexistent" }, IN(""), 2, "",
	  "kaff: host: /nonexistent: No such file or directory\n" },
	{ "usage", { "diff", "--bogus" }, IN(""), 2, NULL,
	  "kaff: diff: unrecognized option '--bogus' (see 'kaff diff --help')\n" },
	{ "usage", { "diff", "--kernel", "9.9", "-" }, IN(""), 2, NULL,
	  "kaff: diff: kernel '9.9' is not a profile (6.14 to 7.3)\n" },
	{ "usage", { "audit", "--max-states", "0", "-" }, IN(""), 2, NULL,
	  "kaff: audit: --max-states must be 1 to 1000000\n" },
	{ "usage", { "audit", "--bogus" }, IN(""), 2, NULL,
	  "kaff: audit: unrecognized option '--bogus' (see 'kaff audit --help')\n" },
	{ "usage", { "render", "-" }, IN(""), 2, NULL,
	  "kaff: render: missing -o OUT.svg (see 'kaff render --help')\n" },
	{ "usage", { "host", "--kernel", "9.9" }, IN(""), 2, NULL,
	  "kaff: host: kernel '9.9' is not a profile (6.14 to 7.3)\n" },
	{ "usage", { "bogus" }, IN(""), 2, NULL, "kaff: unknown command 'bogus' (see 'kaff --help')\n" },
	{ "kernel error", { 0 },
	  IN("cpus 4\ncreate_on_cpu A 1\nsetaffinity A 2\nwake A\nprefer A 2\n"), 0,
	  "! setaffinity A EINVAL\n! prefer A EINVAL\n", "" },
};

START_TEST(test_row)
{
	const struct row *w = &rows[_i];
	static const char *const def[] = { "run", "-", NULL };
	struct run r;

	run_kaff(w->args[0] ? w->args : def, w->input, w->len ? w->len : strlen(w->input), NULL,
		 &r);
	/* NULL: the usage text, not checked here (test-cli checks it) */
	ck_assert_msg(r.status == w->status && (!w->out || !strcmp(r.out, w->out)) &&
		      (!w->err || (w->err[0] == '^' ? !strncmp(r.err, w->err + 1, strlen(w->err + 1))
						     : !strcmp(r.err, w->err))),
		      "row '%s' (%d): exit %d, stdout '%s', stderr '%s'; want exit %d, '%s', '%s'",
		      w->row, _i, r.status, r.out, r.err, w->status, w->out ? w->out : "(any)",
		      w->err ? w->err : "(any)");
	run_free(&r);
}
END_TEST

/*
 * Out of memory: fail the 1st, 2nd, ... allocation (KAFF_TEST_FAIL_ALLOC)
 * until the run succeeds. Each failing run exits 3 with one of the three
 * messages and prints a prefix of the full trace; all three are met.
 */
START_TEST(test_out_of_memory)
{
	static const char text[] =
		"cpus 4\ncreate A\nprefer A 1-2\nshow\nwake A\ncreate B node=0\nwake B\nshow\n";
	static const char *const args[] = { "run", "-", NULL };
	struct run full, r;
	bool parsing = false, before = false, at_line = false;
	char env[64], want[128];
	unsigned int n;

	run_kaff(args, text, sizeof(text) - 1, NULL, &full);
	ck_assert_int_eq(full.status, 0);
	for (n = 1; n < 100000; n++) {
		snprintf(env, sizeof(env), "KAFF_TEST_FAIL_ALLOC=%u", n);
		run_kaff(args, text, sizeof(text) - 1, env, &r);
		if (r.status == 0) {
			ck_assert_str_eq(r.out, full.out);
			run_free(&r);
			break;
		}
		ck_assert_msg(r.status == 3, "allocation %u: exit %d (%s)", n, r.status, r.err);
		ck_assert_msg(!strncmp(full.out, r.out, r.outlen), "allocation %u: stdout '%s'", n,
			      r.out);
		if (!strcmp(r.err, "kaff: <stdin>: ENOMEM: out of memory while parsing\n")) {
			parsing = true;
			ck_assert_str_eq(r.out, "");
		} else if (!strcmp(r.err, "kaff: <stdin>: replay stopped before the first event: ENOMEM (out of memory)\n")) {
			before = true;
			ck_assert_str_eq(r.out, "");
		} else {
			unsigned int line;

			ck_assert_msg(sscanf(r.err, "kaff: <stdin>:%u:", &line) == 1 && line >= 2 &&
				      line <= 8, "allocation %u: stderr '%s'", n, r.err);
			snprintf(want, sizeof(want),
				 "kaff: <stdin>:%u: replay stopped: ENOMEM (out of memory)\n", line);
			ck_assert_str_eq(r.err, want);
			at_line = true;
		}
		run_free(&r);
	}
	ck_assert_msg(parsing && before && at_line,
		      "messages met: while parsing %d, before the first event %d, at a line %d",
		      parsing, before, at_line);
	run_free(&full);
}
END_TEST

/* A write error: standard output is /dev/full. */
START_TEST(test_write_error)
{
	static const char *const args[] = { "run", "-", NULL };
	char big[40000];
	size_t n;
	struct run r;

	if (access("/dev/full", W_OK))
		return;
	stdout_to = "/dev/full";
	/* a short trace fails when it is flushed at the end */
	run_kaff(args, "cpus 4\ncreate A\nshow\n", 21, NULL, &r);
	ck_assert_int_eq(r.status, 3);
	ck_assert_str_eq(r.err, "kaff: <stdin>: EIO: cannot write the trace (No space left on device)\n");
	run_free(&r);
	/* a long one at the show whose line no longer fits */
	n = (size_t)snprintf(big, sizeof(big), "cpus 4\ncreate A\n");
	while (n + 5 < sizeof(big))
		n += (size_t)snprintf(big + n, sizeof(big) - n, "show\n");
	run_kaff(args, big, n, NULL, &r);
	ck_assert_int_eq(r.status, 3);
	ck_assert_msg(strstr(r.err, ": replay stopped: EIO (cannot write the trace)\n") != NULL,
		      "stderr '%s'", r.err);
	run_free(&r);
	stdout_to = NULL;
}
END_TEST

static Suite *errors_suite(void)
{
	Suite *s = suite_create("errors");
	TCase *tc = tcase_create("cli");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_row, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_test(tc, test_out_of_memory);
	tcase_add_test(tc, test_write_error);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;
	char path[320];

	kaff_exe = getenv("KAFF_EXE");
	snprintf(tmp_dir, sizeof(tmp_dir), "%s/kaff-errors-XXXXXX",
		 getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmp_dir)) {
		printf("Bail out! cannot create a temporary directory\n");
		return EXIT_FAILURE;
	}
	sr = srunner_create(errors_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	for (const char *f = "in\0out\0err\0"; *f; f += strlen(f) + 1) {
		snprintf(path, sizeof(path), "%s/%s", tmp_dir, f);
		unlink(path);
	}
	rmdir(tmp_dir);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
