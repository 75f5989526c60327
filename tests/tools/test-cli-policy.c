/* SPDX-License-Identifier: MIT */
/*
 * Black-box tests of `--kernel BASE+RULE=VALUE...+./RULE.so` (kaff.1
 * "KERNEL PROFILES", docs/errors.md): each refusal is one line naming
 * what was wrong, exit 2, nothing on stdout; a rule set or a shared
 * object replays the recorded cases as the kernels did; run, diff, audit
 * and render take it unchanged.
 *
 * Expected traces are the recorded ones (tests/conformance) and the
 * expect lines of examples/avoid-nohz.scn, which reason out the rule.
 */
#include <check.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test-common.h"
#include "tools-common.h"

static const char *test_rules, *example_rules;

static void so_path(char *buf, size_t cap, const char *dir, const char *name)
{
	ck_assert_msg(dir != NULL, "KAFF_TEST_RULES_DIR / KAFF_EXAMPLE_RULES_DIR unset");
	snprintf(buf, cap, "%s/%s.so", dir, name);
}

static void example_scn(char *buf, size_t cap)
{
	ck_assert(src_dir != NULL);
	snprintf(buf, cap, "%s/examples/avoid-nohz.scn", src_dir);
}

/* One line on stderr, nothing on stdout, exit 2. */
static void assert_refused(const struct run_result *r, const char *line)
{
	ck_assert_int_eq(r->status, 2);
	ck_assert_str_eq(r->err, line);
	ck_assert_int_eq(r->outlen, 0);
}

static const char demo_min[] = "cpus 4\ncreate A\nwake A\nshow\n";

/* kaff ARGS with @text on stdin */
static void run_text(const char *const *args, const char *text, struct run_result *r)
{
	char in[512];

	tmp_file(in, sizeof(in), "in.scn");
	write_text(in, text);
	run_kaff(args, in, r);
	unlink(in);
}

START_TEST(test_rule_refusals)
{
	static const struct {
		const char *kernel, *err;
	} bad[] = {
		{ "6.14+foo=true",
		  "kaff: run: --kernel '6.14+foo=true': unknown rule 'foo' (rules: kthread_hk, list_unbound, "
		  "online_skips_unbound, runtime_domain_isolation, offline_check_excludes_target, "
		  "boot_shared_flag_always_ignored, has_domain_boot; a shared object is named by a path "
		  "with a '/')\n" },
		{ "6.14+list_unbound=maybe",
		  "kaff: run: --kernel '6.14+list_unbound=maybe': bad value 'maybe' for rule list_unbound "
		  "(values: false, true)\n" },
		{ "7.3+kthread_hk=HK_TYPE_TICK",
		  "kaff: run: --kernel '7.3+kthread_hk=HK_TYPE_TICK': bad value 'HK_TYPE_TICK' for rule "
		  "kthread_hk (values: HK_TYPE_DOMAIN, HK_TYPE_KERNEL_NOISE)\n" },
		{ "7.3+list_unbound",
		  "kaff: run: --kernel '7.3+list_unbound': rule list_unbound needs a value: "
		  "list_unbound=VALUE (values: false, true)\n" },
		{ "7.3+",
		  "kaff: run: --kernel '7.3+': empty term (terms: RULE=VALUE, or a shared object's path "
		  "with a '/')\n" },
		{ "7.4+list_unbound=true", "kaff: run: kernel '7.4' is not a profile (6.14 to 7.3)\n" },
		{ "./x.so+list_unbound=true",
		  "kaff: run: --kernel './x.so+list_unbound=true': a kernel comes first "
		  "(7.3+./x.so+list_unbound=true)\n" },
	};
	const char *cmds[] = { "run", "diff", "audit", "render" };
	unsigned int i, c;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *args[] = { "run", "--kernel", bad[i].kernel, "-", NULL };
		struct run_result r;

		run_text(args, demo_min, &r);
		assert_refused(&r, bad[i].err);
		result_free(&r);
	}
	/* the same parser, the same line, for every command that replays */
	for (c = 1; c < 4; c++) {
		const char *args[] = { cmds[c], "--kernel", "6.14+foo=true", "-", "-o", "-", NULL };
		char want[512];
		struct run_result r;

		if (c != 3)
			args[4] = NULL;
		snprintf(want, sizeof(want), "kaff: %s: --kernel '6.14+foo=true': unknown rule 'foo'",
			 cmds[c]);
		run_text(args, demo_min, &r);
		ck_assert_int_eq(r.status, 2);
		assert_starts(r.err, want);
		ck_assert_ptr_eq(strchr(r.err, '\n'), r.err + r.errlen - 1);
		result_free(&r);
	}
}
END_TEST

START_TEST(test_shared_object_refusals)
{
	char so[1024], kernel[1200], want[4096];
	struct run_result r;
	const char *args[] = { "run", "--kernel", kernel, "-", NULL };

	/* no such file: dlopen()'s own reason, on the same line */
	snprintf(kernel, sizeof(kernel), "7.3+%s/none.so", base_dir);
	run_text(args, demo_min, &r);
	ck_assert_int_eq(r.status, 2);
	snprintf(want, sizeof(want), "kaff: run: --kernel '%s': cannot load %s/none.so: ", kernel,
		 base_dir);
	assert_starts(r.err, want);
	ck_assert_ptr_eq(strchr(r.err, '\n'), r.err + r.errlen - 1);
	ck_assert_int_eq(r.outlen, 0);
	result_free(&r);

	so_path(so, sizeof(so), test_rules, "no-entry");
	snprintf(kernel, sizeof(kernel), "7.3+%s", so);
	snprintf(want, sizeof(want), "kaff: run: --kernel '%s': %s has no kaff_rule_init() entry point\n",
		 kernel, so);
	run_text(args, demo_min, &r);
	assert_refused(&r, want);
	result_free(&r);

	so_path(so, sizeof(so), test_rules, "init-fails");
	snprintf(kernel, sizeof(kernel), "7.3+%s", so);
	snprintf(want, sizeof(want), "kaff: run: --kernel '%s': %s: kaff_rule_init() failed: EINVAL\n",
		 kernel, so);
	run_text(args, demo_min, &r);
	assert_refused(&r, want);
	result_free(&r);

	/* a rule term after a shared object is checked too */
	so_path(so, sizeof(so), example_rules, "kernel-rule");
	snprintf(kernel, sizeof(kernel), "7.3+%s+nope=1", so);
	run_text(args, demo_min, &r);
	ck_assert_int_eq(r.status, 2);
	snprintf(want, sizeof(want), "kaff: run: --kernel '%s': unknown rule 'nope'", kernel);
	assert_starts(r.err, want);
	result_free(&r);
}
END_TEST

/* A hook that gives a node-1 kthread no CPU: the event is named, exit 2,
 * in every command; the trace up to it is printed by run. */
START_TEST(test_empty_hook)
{
	static const char scn[] = "kernel 7.3\ncpus 4\nnode 0 0-1\nnode 1 2-3\n"
				  "create A node=0\ncreate B node=1\nwake A\nshow\nwake B\nshow\n";
	const char *cmds[] = { "run", "diff", "audit", "render" };
	char so[1024], kernel[1200], want[4096];
	unsigned int c;

	so_path(so, sizeof(so), test_rules, "empty-node1");
	snprintf(kernel, sizeof(kernel), "7.3+%s", so);
	for (c = 0; c < 4; c++) {
		const char *args[] = { cmds[c], "--kernel", kernel, "-", "-o", "-", NULL };
		struct run_result r;

		if (c != 3)
			args[4] = NULL;
		if (c == 1) {
			/* diff: this profile as B, against 7.3 */
			args[1] = "--kernel";
			args[2] = "7.3";
			args[3] = "--kernel";
			args[4] = kernel;
			args[5] = "-";
		}
		run_text(args, scn, &r);
		snprintf(want, sizeof(want),
			 "kaff: %s: <stdin>%s: the fetch hook of kernel 7.3+%s gave a kthread no CPU "
			 "(EDOM): kthread_fetch_affinity() must return a CPU; the event was refused\n",
			 cmds[c], c ? "" : ":9", so);
		ck_assert_int_eq(r.status, 2);
		ck_assert_str_eq(r.err, want);
		if (!c)
			ck_assert_str_eq(r.out, "show 1\nA 0-1\nB 0-3\n");
		result_free(&r);
	}
}
END_TEST

/* --kernel 6.14+(7.3's rules) and 7.3+./kernel-rule.so: the recorded
 * traces of every recorded 7.x case. */
START_TEST(test_recorded_cases)
{
	static const char seven[] = "6.14+kthread_hk=HK_TYPE_DOMAIN+list_unbound=true"
				    "+online_skips_unbound=true+runtime_domain_isolation=true"
				    "+offline_check_excludes_target=false"
				    "+boot_shared_flag_always_ignored=true+has_domain_boot=true";
	char so[1024], kernel[1200], dir[4200], path[8400];
	struct dirent **list;
	unsigned int n = 0;
	int k, nl, v;

	ck_assert(cases_dir != NULL);
	so_path(so, sizeof(so), example_rules, "kernel-rule");
	snprintf(dir, sizeof(dir), "%s/cases", cases_dir);
	nl = scandir(dir, &list, NULL, alphasort);
	ck_assert_int_gt(nl, 0);
	for (k = 0; k < nl; k++) {
		size_t l = strlen(list[k]->d_name);
		char *text, *want;
		size_t len;

		if (l < 5 || strcmp(list[k]->d_name + l - 4, ".scn")) {
			free(list[k]);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, list[k]->d_name);
		text = read_or_fail(path, &len);
		if (!strstr(text, "\nkernel 7.") && strncmp(text, "kernel 7.", 9)) {
			free(text);
			free(list[k]);
			continue;
		}
		free(text);
		snprintf(path + strlen(path) - 4, 7, ".trace");
		want = read_or_fail(path, &len);
		snprintf(path + strlen(path) - 6, 5, ".scn");
		for (v = 0; v < 2; v++) {
			const char *args[] = { "run", "--kernel", kernel, path, NULL };
			struct run_result r;

			if (v)
				snprintf(kernel, sizeof(kernel), "7.3+%s", so);
			else
				snprintf(kernel, sizeof(kernel), "%s", seven);
			run_kaff(args, NULL, &r);
			ck_assert_msg(r.status == 0 && !strcmp(r.out, want),
				      "%s under %s: exit %d\n%s%s", path, kernel, r.status, r.err, r.out);
			result_free(&r);
		}
		free(want);
		free(list[k]);
		n++;
	}
	free(list);
	ck_assert_uint_ge(n, 20);
}
END_TEST

/* `isolate` follows runtime_domain_isolation, not the version: a 7.x file
 * replays under 6.14 with that rule (and its base, DOMAIN_BOOT), and is
 * refused under 7.3 without it. */
START_TEST(test_isolate_follows_the_rule)
{
	static const char scn[] = "kernel 7.3\ncpus 4\ncreate A\nwake A\nisolate 3\nshow\n";
	const char *ok[] = { "run", "--kernel",
			     "6.14+runtime_domain_isolation=true+has_domain_boot=true", "-", NULL };
	const char *no[] = { "run", "--kernel", "7.3+runtime_domain_isolation=false", "-", NULL };
	struct run_result r;

	run_text(ok, scn, &r);
	ck_assert_int_eq(r.status, 0);
	/* 6.14's other rules: A is not listed (no node, list_unbound false),
	 * so the partition does not move it from kthreadd's 0-3 */
	ck_assert_str_eq(r.out, "show 1\nA 0-3\n");
	result_free(&r);
	run_text(no, scn, &r);
	assert_refused(&r, "kaff: <stdin>: isolate is not modelled under kernel "
			   "7.3+runtime_domain_isolation=false\n");
	result_free(&r);
}
END_TEST

/* diff between two rule sets names exactly the fields that differ. */
START_TEST(test_diff_rule_sets)
{
	char scn[1024], so[1024], kb[1200];
	const char *one[] = { "diff", "--kernel", "6.14", "--kernel",
			      "6.14+kthread_hk=HK_TYPE_DOMAIN", scn, NULL };
	const char *hooks[] = { "diff", "--kernel", "7.3", "--kernel", kb, scn, NULL };
	struct run_result r;

	example_scn(scn, sizeof(scn));
	run_kaff(one, NULL, &r);
	ck_assert_int_eq(r.status, 1);
	assert_has(r.out, "profile fields that differ between 6.14 and 6.14+kthread_hk=HK_TYPE_DOMAIN:\n"
			  "  kthread_hk (D1/D2, housekeeping type; 6.14 HK_TYPE_KERNEL_NOISE, "
			  "6.14+kthread_hk=HK_TYPE_DOMAIN HK_TYPE_DOMAIN)\n");
	ck_assert_ptr_null(strstr(r.out, "  list_unbound ("));
	ck_assert_ptr_null(strstr(r.out, "not explained"));
	result_free(&r);

	/* the kernel's rules as a shared object: the hooks differ, nothing else */
	so_path(so, sizeof(so), example_rules, "kernel-rule");
	snprintf(kb, sizeof(kb), "7.3+%s", so);
	run_kaff(hooks, NULL, &r);
	ck_assert_int_eq(r.status, 0);
	assert_has(r.out, "no difference: every event gives the same masks and results\n");
	assert_has(r.out, "  fetch_fn, online_fn (hooks, your own rule in C; 7.3 kernel/kernel, ");
	assert_has(r.out, "    caused no difference here on its own\n");
	result_free(&r);

	/* the avoid-nohz rule: every difference is the hook's */
	so_path(so, sizeof(so), example_rules, "avoid-nohz");
	snprintf(kb, sizeof(kb), "7.3+%s", so);
	run_kaff(hooks, NULL, &r);
	ck_assert_int_eq(r.status, 1);
	assert_has(r.out, "hook/kernel)\n    rule: kthread_fetch_affinity() is the kernel's under 7.3 "
			  "and a hook under ");
	assert_has(r.out, "    explains: boot kthreadd, ");
	ck_assert_ptr_null(strstr(r.out, "not explained"));
	result_free(&r);
}
END_TEST

/* run, audit and render on a shared object as on a built-in profile. */
START_TEST(test_commands_take_a_rule)
{
	char scn[1024], so[1024], kb[1200], svg[1024];
	const char *run[] = { "run", "--kernel", kb, scn, NULL };
	const char *audit[] = { "audit", "--kernel", kb, scn, NULL };
	const char *render[] = { "render", "--kernel", kb, scn, "-o", svg, NULL };
	struct run_result r;

	example_scn(scn, sizeof(scn));
	so_path(so, sizeof(so), example_rules, "avoid-nohz");
	snprintf(kb, sizeof(kb), "7.3+%s", so);
	/* the scenario's expect lines are the rule's */
	run_kaff(run, NULL, &r);
	ck_assert_int_eq(r.status, 0);
	ck_assert_int_eq(r.errlen, 0);
	result_free(&r);
	run_kaff(audit, NULL, &r);
	ck_assert_msg(r.status == 0 || r.status == 1, "%s", r.err);
	assert_has(r.out, "kernel 7.3+");
	assert_has(r.out, "avoid-nohz.so (custom rules), 8 CPUs, 2 nodes\n");
	result_free(&r);
	tmp_file(svg, sizeof(svg), "rule.svg");
	run_kaff(render, NULL, &r);
	ck_assert_int_eq(r.status, 0);
	result_free(&r);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cli-policy");
	TCase *tc = tcase_create("policy");

	tools_init("policy");
	test_rules = getenv("KAFF_TEST_RULES_DIR");
	example_rules = getenv("KAFF_EXAMPLE_RULES_DIR");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_rule_refusals);
	tcase_add_test(tc, test_shared_object_refusals);
	tcase_add_test(tc, test_empty_hook);
	tcase_add_test(tc, test_recorded_cases);
	tcase_add_test(tc, test_isolate_follows_the_rule);
	tcase_add_test(tc, test_diff_rule_sets);
	tcase_add_test(tc, test_commands_take_a_rule);
	suite_add_tcase(s, tc);
	return tools_run(s);
}
