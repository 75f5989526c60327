/* SPDX-License-Identifier: MIT */
/*
 * Black-box tests of `kaff diff` beyond the goldens of test-tools.c, and
 * of the helpers it shares with `audit` and `render` (src/cli/util.c):
 * its arguments, either profile refusing the boot_online set or the file,
 * profiles given in either order, differences that no single field
 * explains, write errors and out of memory. Each run is $KAFF_EXE spawned
 * with posix_spawn().
 *
 * Expected values come from kaff.1 (diff's output), docs/errors.md (exit
 * statuses and messages) and docs/algorithm.md (the masks: each scenario in
 * tests/tools/data/diffcov-*.scn works them out in its comments, and the
 * tests below say which rule gives each line).
 */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test-common.h"
#include "tools-common.h"

/* kaff diff [ARGS...] on tests/tools/data/@name */
static void run_diff_data(const char *k1, const char *k2, const char *name, struct run_result *r)
{
	char in[512];
	const char *args[8];
	size_t n = 0;

	data_path(in, sizeof(in), name);
	args[n++] = "diff";
	if (k1) {
		args[n++] = "--kernel";
		args[n++] = k1;
	}
	if (k2) {
		args[n++] = "--kernel";
		args[n++] = k2;
	}
	args[n++] = in;
	args[n] = NULL;
	run_kaff(args, NULL, r);
}

static const char usage_head[] = "usage: kaff diff [-J] [-k A] [-k B] [--population POP] FILE.scn|-\n";

/* ------------------------------------------------------------------------
 * Arguments (the usage text: "the first --kernel sets A, the second one
 * sets B"; "--" ends the options; one FILE). errors.md: a usage error is
 * one line that says what is wrong and points to --help, exit 2.
 */

START_TEST(test_help)
{
	const char *h[] = { "diff", "-h", NULL };
	struct run_result r;

	run_kaff(h, NULL, &r);
	ck_assert_int_eq(r.status, 0);
	assert_starts(r.out, usage_head);
	ck_assert_int_eq(r.errlen, 0);
	result_free(&r);
}
END_TEST

/* After "--", "-h" and "--" are file names, not options. */
START_TEST(test_after_dashdash)
{
	const char *h[] = { "diff", "--", "-h", NULL };
	const char *dd[] = { "diff", "--", "--", NULL };
	struct run_result r;
	char cwd[512];

	/* the names are relative: run where no such files exist */
	ck_assert(getcwd(cwd, sizeof(cwd)) != NULL);
	ck_assert(chdir(base_dir) == 0);
	run_kaff(h, NULL, &r);
	ck_assert_int_eq(r.status, 2);
	ck_assert_int_eq(r.outlen, 0);
	assert_has(r.err, " -h: No such file or directory\n");
	result_free(&r);
	run_kaff(dd, NULL, &r);
	ck_assert_int_eq(r.status, 2);
	assert_has(r.err, " --: No such file or directory\n");
	result_free(&r);
	ck_assert(chdir(cwd) == 0);
}
END_TEST

START_TEST(test_bad_arguments)
{
	/* --kernel with no value after it; a third --kernel; two files */
	const char *last[] = { "diff", "x.scn", "--kernel", NULL };
	const char *third[] = { "diff", "--kernel", "6.14", "--kernel", "7.3", "--kernel", "7.0",
				"x.scn", NULL };
	const char *two[] = { "diff", "x.scn", "y.scn", NULL };
	const char *bad_b[] = { "diff", "--kernel", "7.3", "--kernel", "7.4", "x.scn", NULL };
	struct run_result r;

	run_kaff(last, NULL, &r);
	ck_assert_int_eq(r.status, 2);
	ck_assert_int_eq(r.outlen, 0);
	ck_assert_str_eq(r.err, "kaff: diff: option '--kernel' requires an argument (see 'kaff diff --help')\n");
	result_free(&r);
	run_kaff(third, NULL, &r);
	ck_assert_int_eq(r.status, 2);
	ck_assert_str_eq(r.err, "kaff: diff: --kernel given more than twice (see 'kaff diff --help')\n");
	result_free(&r);
	run_kaff(two, NULL, &r);
	ck_assert_int_eq(r.status, 2);
	ck_assert_int_eq(r.outlen, 0);
	ck_assert_str_eq(r.err, "kaff: diff: extra operand 'y.scn' (see 'kaff diff --help')\n");
	result_free(&r);
	/* the second profile is looked up too: 7.4 is past 7.3. A bad value
	 * prints only the reason (errors.md) */
	run_kaff(bad_b, NULL, &r);
	ck_assert_int_eq(r.status, 2);
	assert_has(r.err, "kernel '7.4' is not a profile (6.14 to 7.3)\n");
	ck_assert_msg(!strstr(r.err, "usage:"), "%s", r.err);
	result_free(&r);
}
END_TEST

/* ------------------------------------------------------------------------
 * A profile that cannot replay the file, or refuses its boot_online set
 */

/* isolate needs 7.x (scenario-format.md): here B is the 6.x profile. */
START_TEST(test_isolate_under_b)
{
	struct run_result r;

	run_diff_data("7.3", "6.14", "diffcov-isolate.scn", &r);
	ck_assert_int_eq(r.status, 2);
	ck_assert_int_eq(r.outlen, 0);
	/* the profile named is B's, the one that cannot replay it */
	assert_has(r.err, "isolate is not modelled under kernel 6.14");
	result_free(&r);
}
END_TEST

/* diffcov-boot-b.scn: A = 7.3 boots, B = 6.14 refuses (EBUSY, D14/D15). */
START_TEST(test_boot_refused_by_b)
{
	struct run_result r;
	const char *p;

	run_diff_data("7.3", "6.14", "diffcov-boot-b.scn", &r);
	ck_assert_msg(r.status == 1, "exit %d: %s", r.status, r.err);
	/* 7.3 ignores the second parameter (a flag already set, D15) and its
	 * console says so (housekeeping_setup()); 6.14, which accepts it, is
	 * not named, and kaff says it once, for 7.3 */
	ck_assert_msg(strstr(r.err, "diffcov-boot-b.scn:11:6: warning (kernel 7.3): boot "
				    "isolcpus=nohz,domain,0-2: kernel: Housekeeping: nohz_full= must match "
				    "isolcpus=\n") != NULL && strchr(strchr(r.err, '\n') + 1, '\n') &&
			      !strchr(strchr(strchr(r.err, '\n') + 1, '\n') + 1, '\n') &&
			      kaff_test_only_boot_warnings(r.err) && !strstr(r.err, "kernel 6.14"),
		      "%s", r.err);
	assert_has(r.out, "boot:\n  result           7.3 ok  6.14 EBUSY\n");
	assert_has(r.out, "summary: 7.3 and 6.14 differ: one boots, the other refuses the boot_online set\n");
	/*
	 * 7.3 with 6.14's offline check alone still boots (hk(DOMAIN) is
	 * every CPU, CPU 0 stays up), but 6.14 with 7.3's check boots too:
	 * CPU 3 is online and domain housekeeping when it goes down. So D14
	 * explains the boot result, from B's side. So does D15: 6.14 ignoring
	 * the second parameter leaves every CPU domain housekeeping, and CPU
	 * 0 is another one when CPU 3 goes down.
	 */
	assert_has(r.out, "counts the CPU going down under 7.3 and excludes it under 6.14\n"
			  "    explains: boot result\n");
	assert_has(r.out, "is always ignored under 7.3 and accepted when its mask is equal under 6.14\n"
			  "    explains: boot result\n");
	/* the housekeeping type plays no part in the offline check */
	p = strstr(r.out, "  kthread_hk (D1/D2, housekeeping type; 7.3 HK_TYPE_DOMAIN, 6.14 HK_TYPE_KERNEL_NOISE)\n"
			  "    rule: kthreads follow HK_TYPE_DOMAIN under 7.3, HK_TYPE_KERNEL_NOISE under 6.14");
	ck_assert_msg(p != NULL, "%s", r.out);
	p = strchr(strchr(p, '\n') + 1, '\n');
	ck_assert(p != NULL);
	assert_starts(p + 1, "    caused no difference here on its own\n");
	ck_assert(!strstr(r.out, "not explained"));
	result_free(&r);
}
END_TEST

/*
 * diff-boot-online.scn (a 7.3 file): every 6.x profile refuses its
 * boot_online set (D14), so 6.14 and 6.19 agree on the refusal.
 */
START_TEST(test_both_refuse)
{
	struct run_result r;

	run_diff_data("6.14", "6.19", "diff-boot-online.scn", &r);
	ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
	ck_assert_int_eq(r.errlen, 0);
	assert_has(r.out, "boot:\n  result           6.14 EBUSY  6.19 EBUSY\n"
			  "no difference: every event gives the same masks and results\n"
			  "summary: 6.14 and 6.19 agree: both refuse the boot_online set\n"
			  "profile fields that differ between 6.14 and 6.19:\n"
			  "  none: both follow the same rules\n");
	result_free(&r);
}
END_TEST

/* ------------------------------------------------------------------------
 * What differs, and why
 */

/*
 * B before A: --kernel 7.3 --kernel 6.14 on diff-nohz.scn (nohz_full=3,
 * create A, prefer A 2-3, ...). Every line reads A's value first, and
 * each rule goes from 7.3 to 6.14 (docs/algorithm.md#rule-differences).
 */
START_TEST(test_reversed)
{
	struct run_result r;

	run_diff_data("7.3", "6.14", "diff-nohz.scn", &r);
	ck_assert_msg(r.status == 1, "exit %d: %s", r.status, r.err);
	/* #rule-kthreadd: 7.3 hk(DOMAIN) = 0-3, 6.14 hk(KERNEL_NOISE) = 0-2 */
	assert_has(r.out, "boot:\n  kthreadd         7.3 0-3  6.14 0-2\n");
	/* #rule-prefer: the preference meets each side's housekeeping */
	assert_has(r.out, "event 2 (line 5) prefer A 2-3:\n  A                7.3 2-3  6.14 2\n");
	/* D1: nohz_full= restricts kthreads under 6.14 only */
	assert_has(r.out, "  kthread_hk (D1/D2, housekeeping type; 7.3 HK_TYPE_DOMAIN, 6.14 HK_TYPE_KERNEL_NOISE)\n"
			  "    rule: kthreads follow HK_TYPE_DOMAIN under 7.3, HK_TYPE_KERNEL_NOISE under 6.14; "
			  "nohz_full (nohz_full=, isolcpus=nohz) isolation of CPUs 3 now restricts kthreads\n");
	/* D4-D6: 7.3 lists them */
	assert_has(r.out, "(D4-D6, kthreadd and no-node kthreads on the managed list; 7.3 true, 6.14 false)\n"
			  "    rule: kthreadd and kthreads with no node are on the managed list under 7.3 and off "
			  "it under 6.14 (7.3: ");
	/* D7: 7.3 skips entries with neither node nor preference */
	assert_has(r.out, "(D7, CPU online filter; 7.3 true, 6.14 false)\n"
			  "    rule: CPU online re-affines only managed kthreads with a node or a preference "
			  "under 7.3 and every managed kthread under 6.14\n");
	/* D8/D9: 7.x only */
	assert_has(r.out, "(D8/D9, isolated cpuset partitions; 7.3 true/true, 6.14 false/false)\n"
			  "    rule: isolated cpuset partitions update HK_TYPE_DOMAIN at run time and re-affine "
			  "the managed list under 7.3; not under 6.14\n");
	/* D14: 6.14 excludes the target */
	assert_has(r.out, "(D14, last domain-housekeeping CPU offline check; 7.3 false, 6.14 true)\n"
			  "    rule: the \"keep one online domain-housekeeping CPU\" offline check counts the CPU "
			  "going down under 7.3 and excludes it under 6.14\n");
	/* D15: 7.3 ignores any second parameter sharing a flag */
	assert_has(r.out, "(D15, second boot parameter sharing a flag; 7.3 true, 6.14 false)\n"
			  "    rule: a second isolation boot parameter sharing a flag with the first is always "
			  "ignored under 7.3 and accepted when its mask is equal under 6.14\n");
	result_free(&r);
}
END_TEST

/* Only kthreadd differs: one difference at one point (singular). */
START_TEST(test_one_difference)
{
	struct run_result r;

	run_diff_data(NULL, NULL, "diffcov-header.scn", &r);
	ck_assert_msg(r.status == 1, "exit %d: %s", r.status, r.err);
	assert_has(r.out, "boot:\n  kthreadd         6.14 0-2  7.3 0-3\n"
			  "summary: 6.14 and 7.3 differ: 1 difference (1 in task masks, 0 in event results) "
			  "at 1 point; something differs after 1 of 1 points (boot and each event)\n");
	/* 6.14 with HK_TYPE_DOMAIN gives kthreadd 0-3, 7.3's */
	assert_has(r.out, "isolation of CPUs 3 no longer restricts kthreads\n    explains: boot kthreadd\n");
	result_free(&r);
}
END_TEST

/*
 * A task named kthreadd is compared with itself (diffcov-kthreadd.scn).
 * It used to be compared with the real kthreadd, which hid its
 * difference after the prefer (6.14 0-2, 7.3 3). The real one is shown
 * as "[kthreadd]" (kaff.1), so the two lines can be told apart.
 */
START_TEST(test_task_named_kthreadd)
{
	struct run_result r;

	run_diff_data(NULL, NULL, "diffcov-kthreadd.scn", &r);
	ck_assert_msg(r.status == 1, "exit %d: %s", r.status, r.err);
	assert_has(r.out, "boot:\n  [kthreadd]       6.14 0-2  7.3 0-3\n"
			  "event 1 (line 12) create kthreadd:\n  kthreadd         6.14 0-2  7.3 0-3\n"
			  "event 2 (line 13) prefer kthreadd 3:\n  kthreadd         6.14 0-2  7.3 3\n"
			  "summary: 6.14 and 7.3 differ: 3 differences (3 in task masks, 0 in event results) "
			  "at 3 points; something differs after 5 of 5 points (boot and each event)\n");
	assert_has(r.out, "    explains: boot [kthreadd], event 1 kthreadd, event 2 kthreadd\n");
	result_free(&r);
}
END_TEST

/*
 * diffcov-unexplained.scn (worked out in the file). The wakes give 6.14
 * {1} and 7.3 0-1, and no single field explains that:
 * - 7.3 with any one 6.14 field still takes CPU 1 down (its offline check
 *   with hk(DOMAIN) = 0-1 passes; with 6.14's check, CPU 0 is another
 *   domain-housekeeping CPU; with 6.14's D15, CPU 1 itself is), so a woken
 *   task there has an online CPU, CPU 0 (#rule-first-wake fallback, #rule-write), and is
 *   never {1};
 * - 6.14 with one 7.3 field gets {1} (D1: hk(DOMAIN) is {1} as 6.14 reads
 *   the parameters; D4-D6: the fetch gives hk(KERNEL_NOISE) = {1}; D7,
 *   D8/D9: no online, no isolate) or, when CPU 1 does go down (D14, D15),
 *   keeps kthreadd's {0}: asking for {1} then fails (#rule-write). Never 0-1.
 * The boot, the offline and the creates are explained: kthread_hk and
 * D15 give kthreadd (and so each created task) {0} under 7.3 (#rule-kthreadd), and
 * D14 or D15 alone let 6.14 take CPU 1 down.
 * 20 differences: kthreadd, the offline's result, 9 creates, 9 wakes;
 * at most 8 references per list, then "and N more".
 */
START_TEST(test_unexplained)
{
	struct run_result r;

	run_diff_data(NULL, NULL, "diffcov-unexplained.scn", &r);
	ck_assert_msg(r.status == 1, "exit %d: %s", r.status, r.err);
	assert_has(r.out, "boot:\n  kthreadd         6.14 0  7.3 0-1\n"
			  "event 1 (line 20) offline 1:\n  result           6.14 ! offline 1 EBUSY  7.3 ok\n"
			  "event 2 (line 21) create T1:\n  T1               6.14 0  7.3 0-1\n");
	assert_has(r.out, "event 19 (line 38) wake T9:\n  T9               6.14 1  7.3 0-1\n");
	assert_has(r.out, "summary: 6.14 and 7.3 differ: 20 differences (19 in task masks, 1 in event "
			  "results) at 20 points; something differs after 20 of 20 points (boot and each event)\n");
	/*
	 * The isolation each side's own boot set: nohz_full=0 under 6.14;
	 * 7.3 ignored isolcpus=, so no domain isolation to speak of (this
	 * used to claim 6.14's "isolation of CPUs 0" for 7.3 too).
	 */
	assert_has(r.out, "    rule: kthreads follow HK_TYPE_KERNEL_NOISE under 6.14, HK_TYPE_DOMAIN under 7.3; "
			  "nohz_full (nohz_full=, isolcpus=nohz) isolation of CPUs 0 no longer restricts "
			  "kthreads\n"
			  "    explains: boot kthreadd, event 2 T1, event 3 T2, event 4 T3, event 5 T4, "
			  "event 6 T5, event 7 T6, event 8 T7 and 2 more\n");
	assert_has(r.out, "and counts it under 7.3\n    explains: event 1 result\n");
	assert_has(r.out, "always ignored under 7.3\n"
			  "    explains: boot kthreadd, event 1 result, event 2 T1, event 3 T2, event 4 T3, "
			  "event 5 T4, event 6 T5, event 7 T6 and 3 more\n");
	assert_has(r.out, "not explained by one field alone (several rules together): event 11 T1, "
			  "event 12 T2, event 13 T3, event 14 T4, event 15 T5, event 16 T6, event 17 T7, "
			  "event 18 T8 and 1 more\n");
	result_free(&r);
}
END_TEST

/* The same machine with one task: one unexplained difference, no "more". */
START_TEST(test_unexplained_one)
{
	static const char scn[] = "kernel 7.3\ncpus 2\nboot nohz_full=0\nboot isolcpus=nohz,domain,0\n"
				  "offline 1\ncreate T1\nwake T1\n";
	const char *args[] = { "diff", "-", NULL };
	struct run_result r;
	char in[512];

	tmp_file(in, sizeof(in), "one.scn");
	write_text(in, scn);
	run_kaff(args, in, &r);
	ck_assert_msg(r.status == 1, "exit %d: %s", r.status, r.err);
	assert_has(r.out, "event 3 (line 7) wake T1:\n  T1               6.14 1  7.3 0-1\n");
	assert_has(r.out, "\nnot explained by one field alone (several rules together): event 3 T1\n");
	result_free(&r);
	unlink(in);
}
END_TEST

/* ------------------------------------------------------------------------
 * Write errors (errors.md: standard output full, exit 3)
 */

START_TEST(test_stdout_full)
{
	const char *small[] = { "diff", NULL, NULL };
	char in[512], big[512], *text;
	size_t cap = 8192, len;
	struct spawn_opts full = { .out = "/dev/full" };
	struct run_result r;
	int i;

	if (access("/dev/full", W_OK))
		return; /* no /dev/full here: nothing to test */
	/* a short output stays in stdio's buffer: the final fflush() fails */
	data_path(in, sizeof(in), "diffcov-header.scn");
	small[1] = in;
	run_with(small, &full, &r);
	ck_assert_int_eq(r.status, 3);
	assert_has(r.err, "No space left on device\n");
	result_free(&r);
	/* a long one (each created task differs: 6.14 0-2, 7.3 0-3, C1)
	 * goes past the buffer: fwrite() itself comes short */
	text = malloc(cap);
	ck_assert(text != NULL);
	len = (size_t)snprintf(text, cap, "cpus 4\nboot nohz_full=3\n");
	for (i = 0; i < 200; i++)
		len += (size_t)snprintf(text + len, cap - len, "create Task%d\n", i);
	ck_assert(len < cap);
	tmp_file(big, sizeof(big), "big.scn");
	write_text(big, text);
	free(text);
	small[1] = big;
	run_kaff(small, NULL, &r);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(r.outlen > 8192, "only %zu bytes", r.outlen);
	result_free(&r);
	run_with(small, &full, &r);
	ck_assert_int_eq(r.status, 3);
	assert_has(r.err, "No space left on device\n");
	result_free(&r);
	unlink(big);
}
END_TEST

/* ------------------------------------------------------------------------
 * kaff_replay_start() (util.c) through audit and render: a profile from
 * --kernel that cannot replay the file (errors.md: exit 2)
 */

START_TEST(test_replay_start_isolate)
{
	char in[512], svg[512];
	const char *audit[] = { "audit", "--kernel", "6.14", in, NULL };
	const char *render[] = { "render", "--kernel", "6.19", in, "-o", svg, NULL };
	struct run_result r;

	data_path(in, sizeof(in), "diffcov-isolate.scn");
	tmp_file(svg, sizeof(svg), "iso.svg");
	run_kaff(audit, NULL, &r);
	ck_assert_int_eq(r.status, 2);
	ck_assert_int_eq(r.outlen, 0);
	assert_has(r.err, in);
	assert_has(r.err, ": isolate is not modelled under kernel 6.14\n");
	result_free(&r);
	run_kaff(render, NULL, &r);
	ck_assert_int_eq(r.status, 2);
	assert_has(r.err, in);
	assert_has(r.err, ": isolate is not modelled under kernel 6.19\n");
	ck_assert(access(svg, F_OK) != 0);
	result_free(&r);
}
END_TEST

/*
 * diff-boot-online.scn is a 7.3 file whose boot_online set 6.14 refuses
 * (D14): errors.md, "a header the kernel refuses", under --kernel 6.14.
 */
START_TEST(test_replay_start_refused)
{
	char in[512], svg[512];
	const char *audit[] = { "audit", "--kernel", "6.14", in, NULL };
	const char *render[] = { "render", "--kernel", "6.14", in, "-o", svg, NULL };
	struct run_result r;

	data_path(in, sizeof(in), "diff-boot-online.scn");
	tmp_file(svg, sizeof(svg), "refused.svg");
	run_kaff(audit, NULL, &r);
	ck_assert_int_eq(r.status, 2);
	ck_assert_int_eq(r.outlen, 0);
	assert_has(r.err, in);
	assert_has(r.err, ": kernel 6.14 refuses this boot_online set (EBUSY taking a CPU down)\n");
	result_free(&r);
	run_kaff(render, NULL, &r);
	ck_assert_int_eq(r.status, 2);
	assert_has(r.err, in);
	assert_has(r.err, ": kernel 6.14 refuses this boot_online set (EBUSY taking a CPU down)\n");
	ck_assert(access(svg, F_OK) != 0);
	result_free(&r);
}
END_TEST

/* ------------------------------------------------------------------------
 * Out of memory: every allocation of the run failing in turn (the
 * failmalloc shim of tests/oom). errors.md: a run ends by exit() either as
 * the clean run does, byte for byte, or with exit status 3 and a message
 * that says out of memory; reading the file included ("out of memory
 * reading the file", exit 3 - it used to be exit 2 for diff, audit and
 * render).
 *
 * The scenario: 19 differences (kthreadd, the create, the wake and 16
 * refused offlines under 6.14, see diffcov-unexplained.scn for why), so
 * that diff's list of differences grows past its first 16 entries, and
 * 4 KiB of comments, so that reading it grows the first 4 KiB buffer.
 */
static const char oom_scn[] =
	"kernel 7.3\ncpus 2\nboot nohz_full=0\nboot isolcpus=nohz,domain,0\ncreate T\nwake T\n"
	"offline 1\noffline 1\noffline 1\noffline 1\noffline 1\noffline 1\noffline 1\noffline 1\n"
	"offline 1\noffline 1\noffline 1\noffline 1\noffline 1\noffline 1\noffline 1\noffline 1\n";

static const struct {
	const char *args[6];
	int clean;   /* the clean run's exit status */
} oom_cmds[] = {
	{ { "diff", "@IN", NULL }, 1 },
	{ { "audit", "@IN", NULL }, 1 },
	{ { "render", "@IN", "-o", "@SVG", NULL }, 0 },
#ifdef KAFF_HAVE_JANSSON
	/* --json: jansson's allocations fail too (docs/json.md: nothing on
	 * stdout when the command fails) */
	{ { "diff", "--json", "@IN", NULL }, 1 },
	{ { "run", "--json", "@IN", NULL }, 0 },
#endif
};

START_TEST(test_oom)
{
	char in[512], svg[512], *text, *clean_svg = NULL, *svg_text;
	const char *args[6];
	struct spawn_opts o = { .shim = true, .fail_at = ~0ul };
	struct run_result clean, r;
	unsigned long n, met = 0;
	size_t len, k;
	int i;

	ck_assert_msg(access(failmalloc_so, R_OK) == 0, "%s: %s", failmalloc_so, strerror(errno));
	text = malloc(sizeof(oom_scn) + 8000);
	ck_assert(text != NULL);
	len = (size_t)sprintf(text, "%s", oom_scn);
	for (i = 0; i < 100; i++)
		len += (size_t)sprintf(text + len, "# padding: longer than kaff_read_all()'s 4 KiB %02d\n", i);
	ck_assert(len > 4096);
	tmp_file(in, sizeof(in), "oom.scn");
	write_text(in, text);
	free(text);
	tmp_file(svg, sizeof(svg), "oom.svg");
	for (k = 0; oom_cmds[_i].args[k]; k++)
		args[k] = !strcmp(oom_cmds[_i].args[k], "@IN") ? in :
			  !strcmp(oom_cmds[_i].args[k], "@SVG") ? svg : oom_cmds[_i].args[k];
	args[k] = NULL;

	/* a clean run through the shim: it counts the allocations */
	unlink(svg);
	run_with(args, &o, &clean);
	ck_assert_msg(clean.status == oom_cmds[_i].clean, "%s: clean run exit %d: %s", args[0],
		      clean.status, clean.err);
	ck_assert_msg(clean.calls > 0, "the shim counted nothing (not preloaded?)");
	if (_i == 2)
		clean_svg = kaff_test_read_file(svg, NULL);
	for (n = 1; n <= clean.calls; n++) {
		unlink(svg);
		o.fail_at = n;
		run_with(args, &o, &r);
		ck_assert_msg(r.status >= 0, "%s: allocation %lu failing: killed by a signal", args[0], n);
		if (r.calls < n) {
			result_free(&r); /* fewer allocations: nothing failed */
			continue;
		}
		met++;
		if (r.status == clean.status) {
			ck_assert_msg(r.outlen == clean.outlen && !memcmp(r.out, clean.out, r.outlen),
				      "%s: allocation %lu failing: exit %d but another output (stderr '%s')",
				      args[0], n, r.status, r.err);
			if (clean_svg) {
				svg_text = kaff_test_read_file(svg, NULL);
				ck_assert_msg(svg_text && !strcmp(svg_text, clean_svg),
					      "render: allocation %lu failing: another picture", n);
				free(svg_text);
			}
		} else {
			ck_assert_msg(r.status == 3 && says_out_of_memory(r.err),
				      "%s: allocation %lu failing: exit %d, stderr '%s'", args[0], n,
				      r.status, r.err);
		}
		result_free(&r);
	}
	ck_assert_msg(met > 0, "%s: no run met a failure", args[0]);
	free(clean_svg);
	result_free(&clean);
	unlink(svg);
	unlink(in);
}
END_TEST

static Suite *cli_diff_suite(void)
{
	Suite *s = suite_create("cli-diff");
	TCase *tc = tcase_create("diff");
	TCase *oom;

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_help);
	tcase_add_test(tc, test_after_dashdash);
	tcase_add_test(tc, test_bad_arguments);
	tcase_add_test(tc, test_isolate_under_b);
	tcase_add_test(tc, test_boot_refused_by_b);
	tcase_add_test(tc, test_both_refuse);
	tcase_add_test(tc, test_reversed);
	tcase_add_test(tc, test_one_difference);
	tcase_add_test(tc, test_task_named_kthreadd);
	tcase_add_test(tc, test_unexplained);
	tcase_add_test(tc, test_unexplained_one);
	tcase_add_test(tc, test_stdout_full);
	tcase_add_test(tc, test_replay_start_isolate);
	tcase_add_test(tc, test_replay_start_refused);
	suite_add_tcase(s, tc);
	/* sanitizer builds have no shim (a preloaded malloc does not mix
	 * with their runtime): the out-of-memory runs are left out */
	if (!failmalloc_so) {
		printf("# KAFF_FAILMALLOC_SO not set: no out-of-memory runs\n");
		return s;
	}
	oom = tcase_create("oom");
	tcase_set_timeout(oom, 600);
	tcase_add_loop_test(oom, test_oom, 0, (int)(sizeof(oom_cmds) / sizeof(oom_cmds[0])));
	suite_add_tcase(s, oom);
	return s;
}

int main(void)
{
	tools_init("cli-diff");
	return tools_run(cli_diff_suite());
}
