/* SPDX-License-Identifier: MIT */
/*
 * A boot parameter the kernel ignores is told on stderr by run, diff and
 * render, without -v (kaff.1, docs/scenario-format.md "Boot parameters the
 * kernel ignores"), one case per reason (enum kaff_boot_warning_reason).
 *
 * The expectations come from the kernel (kernel/sched/isolation.c,
 * 6.14 and 7.x): housekeeping_setup() prints "Housekeeping: nohz_full= or
 * isolcpus= incorrect CPU range" and returns when cpulist_parse() fails
 * (a CPU >= nr_cpu_ids included); "Housekeeping: must include one present
 * CPU, using boot CPU:0" and keeps CPU 0 when the list takes every CPU;
 * returns without a word when the list is empty; prints "Housekeeping:
 * nohz_full= must match isolcpus=" and ignores the parameter when a type
 * it sets was set before with another mask. housekeeping_isolcpus_setup()
 * prints "isolcpus: Invalid flag %s" and ignores the whole parameter for a
 * flag with a character other than a letter or '_', and "isolcpus:
 * Skipped unknown flag %s" for an unknown one, then applies the rest (no
 * flag left: domain).
 * Each scenario is 7.3 on 8 CPUs; kthread A is created and woken, so
 * under the 7.x rules its mask is hk(DOMAIN): the trace shows what the
 * kernel made of the parameter.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef KAFF_HAVE_JANSSON
#include <jansson.h>
#endif

#include "test-common.h"
#include "tools-common.h"

static const struct warn_case {
	const char *boot;     /* the scenario's boot line(s) */
	const char *param;    /* the parameter the warning names */
	unsigned int line;    /* its line (column 6, after "boot ") */
	const char *console;  /* the kernel's console line, NULL: none */
	const char *reason;   /* the JSON name */
	const char *mask;     /* A's mask after its first wake */
} cases[] = {
	/* CPU 8 does not exist: the whole parameter is ignored (the example) */
	{ "boot isolcpus=domain,4-8\n", "isolcpus=domain,4-8", 3,
	  "Housekeeping: nohz_full= or isolcpus= incorrect CPU range", "bad-cpulist", "0-7" },
	/* every CPU: CPU 0 stays housekeeping, 1-7 are isolated */
	{ "boot isolcpus=0-7\n", "isolcpus=0-7", 3,
	  "Housekeeping: must include one present CPU, using boot CPU:0", "no-housekeeping", "0" },
	/* the domain type set twice with another mask: the second is ignored */
	{ "boot isolcpus=domain,1\nboot isolcpus=domain,2\n", "isolcpus=domain,2", 4,
	  "Housekeeping: nohz_full= must match isolcpus=", "mismatch", "0,2-7" },
	/* '!' in a flag: the whole parameter is ignored */
	{ "boot isolcpus=bad!,1\n", "isolcpus=bad!,1", 3, "isolcpus: Invalid flag bad!", "invalid-flag",
	  "0-7" },
	/* an unknown flag is skipped; no flag left, so domain: CPU 1 isolated */
	{ "boot isolcpus=foo,1\n", "isolcpus=foo,1", 3, "isolcpus: Skipped unknown flag foo",
	  "unknown-flag", "0,2-7" },
	/* an empty list: nothing to isolate, and the kernel says nothing */
	{ "boot isolcpus=domain,\n", "isolcpus=domain,", 3, NULL, "empty", "0-7" },
};

static void scenario(char *path, size_t cap, const struct warn_case *c)
{
	char text[512];

	tmp_file(path, cap, "warn.scn");
	snprintf(text, sizeof(text), "kernel 7.3\ncpus 8\n%screate A\nwake A\nshow\n", c->boot);
	write_text(path, text);
}

/* The two lines kaff prints for @c, @label being "" or " (kernel V)". */
static void want_lines(char *buf, size_t cap, const char *file, const char *label,
		       const struct warn_case *c)
{
	snprintf(buf, cap, "kaff: %s:%u:6: warning%s: boot %s: kernel: %s\n", file, c->line, label, c->param,
		 c->console ? c->console : "(prints nothing)");
}

START_TEST(test_run_warns)
{
	const struct warn_case *c = &cases[_i];
	char scn[512], want[1024], trace[64];
	const char *args[] = { "run", scn, NULL };
	struct run_result r;

	scenario(scn, sizeof(scn), c);
	run_kaff(args, NULL, &r);
	ck_assert_msg(r.status == 0, "%s: exit %d: %s", c->param, r.status, r.err);
	snprintf(trace, sizeof(trace), "show 1\nA %s\n", c->mask);
	ck_assert_str_eq(r.out, trace);
	/* the console line first, then what it means; nothing else */
	want_lines(want, sizeof(want), scn, "", c);
	ck_assert_msg(starts_with(r.err, want), "%s: stderr\n%s\nwant it to start with\n%s", c->param,
		      r.err, want);
	ck_assert_msg(kaff_test_only_boot_warnings(r.err), "%s", r.err);
	ck_assert_msg(strchr(r.err + strlen(want), '\n') && !strchr(r.err + strlen(want), '\n')[1],
		      "not two lines: %s", r.err);
	result_free(&r);
}
END_TEST

/* diff (both profiles agree on these: one report, unlabelled) and render. */
START_TEST(test_diff_render_warn)
{
	const struct warn_case *c = &cases[_i];
	char scn[512], svg[512], want[1024];
	const char *diff[] = { "diff", "-k", "7.2", "-k", "7.3", scn, NULL };
	const char *render[] = { "render", "-o", svg, scn, NULL };
	struct run_result r;

	scenario(scn, sizeof(scn), c);
	tmp_file(svg, sizeof(svg), "warn.svg");
	want_lines(want, sizeof(want), scn, "", c);
	run_kaff(diff, NULL, &r);
	ck_assert_msg(r.status == 0, "%s: diff exit %d: %s", c->param, r.status, r.err);
	ck_assert_msg(starts_with(r.err, want) && kaff_test_only_boot_warnings(r.err), "%s: diff: %s",
		      c->param, r.err);
	result_free(&r);
	run_kaff(render, NULL, &r);
	ck_assert_msg(r.status == 0, "%s: render exit %d: %s", c->param, r.status, r.err);
	ck_assert_msg(starts_with(r.err, want) && kaff_test_only_boot_warnings(r.err), "%s: render: %s",
		      c->param, r.err);
	result_free(&r);
	unlink(svg);
}
END_TEST

/* A parameter that only one profile ignores: diff names that kernel.
 * nohz_full=1 then isolcpus=nohz,1 set the nohz type twice with the same
 * mask: 6.14 accepts it, 7.x ignores any second parameter that sets a type
 * again (housekeeping_setup(), D15 in docs/algorithm.md). */
START_TEST(test_diff_warn_one_kernel)
{
	static const char text[] = "cpus 8\nboot nohz_full=1 isolcpus=nohz,1\ncreate A\nwake A\nshow\n";
	char scn[512], want[1024];
	const char *args[] = { "diff", scn, NULL };
	struct run_result r;

	tmp_file(scn, sizeof(scn), "one.scn");
	write_text(scn, text);
	run_kaff(args, NULL, &r);
	snprintf(want, sizeof(want),
		 "kaff: %s:2:18: warning (kernel 7.3): boot isolcpus=nohz,1: kernel: Housekeeping: nohz_full= "
		 "must match isolcpus=\n", scn);
	ck_assert_msg(starts_with(r.err, want) && kaff_test_only_boot_warnings(r.err) &&
			      !strstr(r.err, "kernel 6.14"), "%s", r.err);
	result_free(&r);
}
END_TEST

/*
 * Where each warning comes from: the same bad parameter twice (two
 * warnings, lines 3 and 4), and one parameter that gives two warnings
 * (isolcpus=domain with no comma: "domain" is taken as an unknown flag
 * and skipped, then no list is left; both on line 5).
 */
START_TEST(test_warning_places)
{
	static const char text[] = "kernel 7.3\ncpus 8\nboot nohz_full=9\nboot nohz_full=9\n"
				   "boot isolcpus=domain\ncreate A\nwake A\nshow\n";
	char scn[512], want[640];
	const char *args[] = { "run", scn, NULL };
	const char *line;
	struct run_result r;
	static const unsigned int lines[] = { 3, 3, 4, 4, 5, 5, 5, 5 };
	unsigned int i;

	tmp_file(scn, sizeof(scn), "places.scn");
	write_text(scn, text);
	run_kaff(args, NULL, &r);
	ck_assert_int_eq(r.status, 0);
	for (i = 0, line = r.err; i < 8; i++) {
		ck_assert_msg(line && *line, "only %u lines: %s", i, r.err);
		snprintf(want, sizeof(want), "kaff: %s:%u:6: warning: boot ", scn, lines[i]);
		ck_assert_msg(starts_with(line, want), "line %u: %s", i + 1, r.err);
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	ck_assert_msg(line && !*line, "more than 8 lines: %s", r.err);
	result_free(&r);
}
END_TEST

/* Nothing ignored, nothing said. */
START_TEST(test_no_warning)
{
	static const char text[] = "kernel 7.3\ncpus 8\nboot isolcpus=domain,4-7\ncreate A\nwake A\nshow\n";
	char scn[512];
	const char *args[] = { "run", scn, NULL };
	struct run_result r;

	tmp_file(scn, sizeof(scn), "none.scn");
	write_text(scn, text);
	run_kaff(args, NULL, &r);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "show 1\nA 0-3\n");
	ck_assert_int_eq(r.errlen, 0);
	result_free(&r);
}
END_TEST

#ifdef KAFF_HAVE_JANSSON
/* run --json carries each warning: its reason, parameter and console line. */
START_TEST(test_run_json_warns)
{
	const struct warn_case *c = &cases[_i];
	char scn[512];
	const char *args[] = { "run", "--json", scn, NULL };
	struct run_result r;
	json_t *root, *w;
	json_error_t jerr;

	scenario(scn, sizeof(scn), c);
	run_kaff(args, NULL, &r);
	ck_assert_int_eq(r.status, 0);
	root = json_loadb(r.out, r.outlen, 0, &jerr);
	ck_assert_msg(root != NULL, "%s", jerr.text);
	ck_assert_int_eq(json_array_size(json_object_get(root, "boot_warnings")), 1);
	w = json_array_get(json_object_get(root, "boot_warnings"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(w, "reason")), c->reason);
	ck_assert_str_eq(json_string_value(json_object_get(w, "param")), c->param);
	ck_assert_int_eq(json_integer_value(json_object_get(w, "line")), c->line);
	ck_assert_int_eq(json_integer_value(json_object_get(w, "col")), 6);
	if (c->console)
		ck_assert_str_eq(json_string_value(json_object_get(w, "console")), c->console);
	else
		ck_assert(json_is_null(json_object_get(w, "console")));
	ck_assert(json_string_length(json_object_get(w, "meaning")) > 10);
	json_decref(root);
	result_free(&r);
}
END_TEST
#endif

int main(void)
{
	Suite *s = suite_create("warn");
	TCase *tc = tcase_create("warn");
	int n = (int)(sizeof(cases) / sizeof(cases[0]));

	tools_init("cli-warn");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_run_warns, 0, n);
	tcase_add_loop_test(tc, test_diff_render_warn, 0, n);
	tcase_add_test(tc, test_diff_warn_one_kernel);
	tcase_add_test(tc, test_no_warning);
	tcase_add_test(tc, test_warning_places);
#ifdef KAFF_HAVE_JANSSON
	tcase_add_loop_test(tc, test_run_json_warns, 0, n);
#endif
	suite_add_tcase(s, tc);
	return tools_run(s);
}
