/* SPDX-License-Identifier: MIT */
/*
 * Black-box tests of `kaff diff`, `host`, `audit` and `render`
 * ($KAFF_EXE), each spawned with posix_spawn().
 *
 * The golden outputs in tests/tools/golden/ were written by hand from
 * the rules (docs/algorithm.md) before the commands were run on them;
 * each scenario in tests/tools/data/ says what it exercises. Where the
 * first run disagreed, the rule was re-read and the disagreement settled
 * by the kernel rule (docs/algorithm.md), not by copying the output (diff-ebusy: kthreadd stays on
 * CPU 0 when CPU 0 is not domain housekeeping).
 */
#include <check.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef KAFF_HAVE_JANSSON
#include <jansson.h>
#endif

#include "test-common.h"
#include "tools-common.h"
#include "xmlcheck.h"

static char **scn_files; /* every .scn of the conformance suites */
static size_t n_scn;

/* ------------------------------------------------------------------------
 * The XML checker itself: it must reject what a browser rejects
 */

static const struct {
	const char *xml;
	int want;
} xml_cases[] = {
	{ "<?xml version=\"1.0\"?>\n<svg a=\"1\" b='2'><g/><text>x &amp; &#60; &#x3c;</text></svg>\n", 0 },
	{ "<svg><!-- fine --></svg>", 0 },
	{ "", -1 },
	{ "<svg>", -1 },
	{ "<svg></g>", -1 },
	{ "<svg/><svg/>", -1 },
	{ "<svg a=1/>", -1 },
	{ "<svg a=\"1\" a=\"2\"/>", -1 },
	{ "<svg a=\"<\"/>", -1 },
	{ "<svg>a & b</svg>", -1 },
	{ "<svg>&nbsp;</svg>", -1 },
	{ "<svg>a < b</svg>", -1 },
	{ "<svg><!-- a -- b --></svg>", -1 },
	{ "text<svg/>", -1 },
	{ "<svg a=\"1\"b=\"2\"/>", -1 },
	{ "<!DOCTYPE svg><svg/>", -1 },
};

START_TEST(test_xmlcheck)
{
	char err[128] = "";
	int got = kaff_xml_check(xml_cases[_i].xml, strlen(xml_cases[_i].xml), err, sizeof(err));

	ck_assert_msg(got == xml_cases[_i].want, "'%s': got %d (%s), want %d", xml_cases[_i].xml, got,
		      err, xml_cases[_i].want);
}
END_TEST

/* ------------------------------------------------------------------------
 * Golden outputs
 */

struct golden {
	const char *args[12]; /* "@D/" is replaced by tools_dir, "@S/" by src_dir */
	const char *in;       /* tests/tools/data file for stdin, or NULL */
	int status;
	const char *golden;   /* tests/tools/golden file for stdout */
};

static const struct golden goldens[] = {
	{ { "diff", "-" }, "diff-nohz.scn", 1, "diff-nohz.out" },
	{ { "diff", "--kernel", "6.14", "--kernel", "7.3", "-" }, "diff-ebusy.scn", 1, "diff-ebusy.out" },
	{ { "audit", "-" }, "audit-small.scn", 1, "audit-small.out" },
	{ { "host", "--sysfs", "@S/examples/two-node-box/sys", "--cmdline",
	    "@S/examples/two-node-box/cmdline", "--kernel", "6.14" }, NULL, 0, "host-two-node.out" },
	{ { "host", "--sysfs", "@S/tests/host/one-node/sys", "--cmdline",
	    "@S/tests/host/one-node/cmdline", "--release", "7.2.13-amd64" }, NULL, 0, "host-one-node.out" },
	{ { "host", "--sysfs", "@S/tests/host/sparse/sys", "--cmdline", "@S/tests/host/sparse/cmdline",
	    "--kernel", "7.3" }, NULL, 0, "host-sparse.out" },
};

static const char *expand(const char *arg, char *buf, size_t cap)
{
	if (!strncmp(arg, "@D/", 3))
		path_of(buf, cap, tools_dir, arg + 3);
	else if (!strncmp(arg, "@S/", 3))
		path_of(buf, cap, src_dir, arg + 3);
	else
		return arg;
	return buf;
}

START_TEST(test_golden)
{
	const struct golden *g = &goldens[_i];
	char bufs[12][512], in[512], gp[512];
	const char *args[13];
	struct run_result r;
	size_t i, glen;
	char *want;

	ck_assert_msg(tools_dir && src_dir, "KAFF_TOOLS_DIR / KAFF_SRC_DIR not set");
	for (i = 0; g->args[i]; i++)
		args[i] = expand(g->args[i], bufs[i], sizeof(bufs[i]));
	args[i] = NULL;
	if (g->in)
		data_path(in, sizeof(in), g->in);
	run_kaff(args, g->in ? in : NULL, &r);
	path_of(gp, sizeof(gp), tools_dir, "golden");
	strcat(gp, "/");
	strcat(gp, g->golden);
	want = read_or_fail(gp, &glen);
	ck_assert_msg(r.status == g->status, "%s: exit %d, want %d; stderr: %s", g->golden, r.status,
		      g->status, r.err);
	ck_assert_msg(r.outlen == glen && !memcmp(r.out, want, glen),
		      "%s: stdout differs from the golden file:\n%s", g->golden, r.out);
	ck_assert_msg(r.errlen == 0, "%s: stderr: %s", g->golden, r.err);
	free(want);
	result_free(&r);
}
END_TEST

START_TEST(test_render_golden)
{
	char in[512], out[512], gp[512];
	const char *args[] = { "render", "-", "-o", out, NULL };
	struct run_result r;
	size_t glen, len;
	char *want, *got, err[128];

	ck_assert(tools_dir != NULL);
	path_of(in, sizeof(in), tools_dir, "data/render-small.scn");
	path_of(gp, sizeof(gp), tools_dir, "golden/render-small.svg");
	tmp_file(out, sizeof(out), "small.svg");
	run_kaff(args, in, &r);
	ck_assert_msg(r.status == 0 && r.outlen == 0 && r.errlen == 0, "exit %d, stderr %s", r.status,
		      r.err);
	got = read_or_fail(out, &len);
	want = read_or_fail(gp, &glen);
	ck_assert_msg(kaff_xml_check(got, len, err, sizeof(err)) == 0, "not well-formed: %s", err);
	ck_assert_msg(len == glen && !memcmp(got, want, len), "SVG differs from the golden file:\n%s",
		      got);
	unlink(out);
	free(got);
	free(want);
	result_free(&r);
}
END_TEST

/* ------------------------------------------------------------------------
 * Behaviour beyond the goldens
 */

START_TEST(test_diff_same_rules)
{
	const char *args[] = { "diff", "--kernel", "6.14", "--kernel", "6.19", "-", NULL };
	struct run_result r;
	char in[512];

	data_path(in, sizeof(in), "diff-nohz.scn");
	run_kaff(args, in, &r);
	ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
	ck_assert(strstr(r.out, "no difference: every event gives the same masks and results\n"));
	ck_assert(strstr(r.out, "profile fields that differ between 6.14 and 6.19:\n"
				"  none: both follow the same rules\n"));
	result_free(&r);
}
END_TEST

START_TEST(test_diff_isolate_under_6x)
{
	static const char scn[] = "kernel 7.3\ncpus 4\ncreate A\nwake A\nisolate 3\n";
	const char *args[] = { "diff", "-", NULL };
	struct run_result r;
	char in[512];
	FILE *f;

	tmp_file(in, sizeof(in), "iso.scn");
	f = fopen(in, "w");
	ck_assert(f && fputs(scn, f) >= 0 && !fclose(f));
	run_kaff(args, in, &r);
	ck_assert_int_eq(r.status, 2);
	ck_assert_msg(strstr(r.err, "isolate is not modelled under kernel 6.14"), "%s", r.err);
	result_free(&r);
	/* two 7.x profiles compare fine */
	{
		const char *a2[] = { "diff", "--kernel", "7.0", "--kernel", "7.3", "-", NULL };

		run_kaff(a2, in, &r);
		ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
		result_free(&r);
	}
	unlink(in);
}
END_TEST

/* One profile refuses the boot_online set: the boot is the difference. */
START_TEST(test_diff_boot_refused)
{
	const char *args[] = { "diff", "-", NULL };
	struct run_result r;
	char in[512];

	data_path(in, sizeof(in), "diff-boot-online.scn");
	run_kaff(args, in, &r);
	ck_assert_msg(r.status == 1, "exit %d: %s", r.status, r.err);
	ck_assert(strstr(r.out, "boot:\n  result           6.14 EBUSY  7.3 ok\n"));
	ck_assert(strstr(r.out, "one boots, the other refuses the boot_online set"));
	/* D14 alone explains it; the housekeeping type does not */
	ck_assert(strstr(r.out, "counts it under 7.3\n    explains: boot result\n"));
	ck_assert(strstr(r.out, "now restricts kthreads\n    caused no difference here on its own\n"));
	result_free(&r);
}
END_TEST

START_TEST(test_diff_usage)
{
	const char *bad[] = { "diff", "--kernel", "6.13", "x.scn", NULL };
	const char *none[] = { "diff", NULL };
	struct run_result r;

	run_kaff(bad, NULL, &r);
	ck_assert_int_eq(r.status, 2);
	ck_assert(strstr(r.err, "not a profile"));
	result_free(&r);
	run_kaff(none, NULL, &r);
	ck_assert_int_eq(r.status, 2);
	result_free(&r);
}
END_TEST

START_TEST(test_host_errors)
{
	char sys[512], cmd[512];
	const char *shared[] = { "host", "--sysfs", sys, "--cmdline", cmd, "--kernel", "7.3", NULL };
	const char *old[] = { "host", "--sysfs", sys, "--cmdline", cmd, "--release", "6.1.0-18-amd64",
			      NULL };
	const char *missing[] = { "host", "--sysfs", "/nonexistent-kaff", "--kernel", "7.3", NULL };
	struct run_result r;

	path_of(sys, sizeof(sys), src_dir, "tests/host/shared-cpu/sys");
	path_of(cmd, sizeof(cmd), src_dir, "tests/host/shared-cpu/cmdline");
	run_kaff(shared, NULL, &r);
	ck_assert_int_eq(r.status, 2);
	ck_assert_msg(strstr(r.err, "node0 and node1 share a CPU"), "%s", r.err);
	ck_assert_uint_eq(r.outlen, 0);
	result_free(&r);
	/* 6.1 predates the seed: no silent mapping to 6.14 */
	run_kaff(old, NULL, &r);
	ck_assert_int_eq(r.status, 2);
	ck_assert_msg(strstr(r.err, "kernel 6.1.0-18-amd64 is outside the profiles 6.14 to 7.3") &&
			      strstr(r.err, "pass --kernel V"),
		      "%s", r.err);
	ck_assert_uint_eq(r.outlen, 0);
	result_free(&r);
	run_kaff(missing, NULL, &r);
	ck_assert_int_eq(r.status, 2);
	ck_assert_uint_eq(r.outlen, 0);
	result_free(&r);
}
END_TEST

/* The real /sys and /proc/cmdline of the machine running the tests. */
START_TEST(test_host_real)
{
	const char *plain[] = { "host", NULL };
	const char *forced[] = { "host", "--kernel", "7.3", NULL };
	char hdr[512];
	const char *run[] = { "run", hdr, NULL };
	struct run_result r, rr;
	FILE *f;

	run_kaff(plain, NULL, &r);
	if (r.status == 2) {
		/* a kernel outside 6.14..7.3: host must say so */
		ck_assert_msg(strstr(r.err, "pass --kernel V"), "%s", r.err);
		result_free(&r);
		run_kaff(forced, NULL, &r);
	}
	ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
	ck_assert(strstr(r.out, "\ncpus ") && strstr(r.out, "\nboot_online "));
	tmp_file(hdr, sizeof(hdr), "host.scn");
	f = fopen(hdr, "w");
	ck_assert(f && fwrite(r.out, 1, r.outlen, f) == r.outlen && !fclose(f));
	run_kaff(run, NULL, &rr);
	ck_assert_msg(rr.status == 0 && rr.outlen == 0, "kaff run on the header: exit %d: %s",
		      rr.status, rr.err);
	unlink(hdr);
	result_free(&r);
	result_free(&rr);
}
END_TEST

START_TEST(test_audit_bound_and_no_wake)
{
	const char *bound[] = { "audit", "--max-states", "3", "-", NULL };
	const char *nowake[] = { "audit", "--no-wake", "-", NULL };
	struct run_result r;
	char in[512];

	data_path(in, sizeof(in), "audit-small.scn");
	run_kaff(bound, in, &r);
	ck_assert_msg(r.status == 1, "exit %d: %s", r.status, r.err);
	/* end, node 0, node 1: the third state already has the findings */
	ck_assert_msg(strstr(r.out, "explored 3 of 9 states") &&
			      strstr(r.out, "(stopped at --max-states 3)"),
		      "%s", r.out);
	result_free(&r);
	run_kaff(nowake, in, &r);
	/* asleep, A keeps {2} when CPU 2 goes: no fallback, but with node
	 * 1 offline it holds no preferred CPU online */
	ck_assert_msg(r.status == 1, "exit %d: %s", r.status, r.err);
	ck_assert(strstr(r.out, "no wake after the hotplug (--no-wake)"));
	ck_assert(!strstr(r.out, "scheduler fallback"));
	ck_assert(strstr(r.out, "A: its mask 2 holds none of its preferred CPUs (2-3) online\n"));
	ck_assert(strstr(r.out, "  in 1 state: node 1 offline (CPUs 2-3)\n"));
	/* CPU 2 alone offline: 3 is online but A's mask is stale, not chosen */
	ck_assert(strstr(r.out, "  rule: hotplug: its mask has no online CPU left; there is no offline "
				"callback, so it keeps that mask until its next wake (docs/algorithm.md#rule-offline)\n"
				"  in 1 state: offline 2\n"));
	result_free(&r);
}
END_TEST

START_TEST(test_audit_json)
{
	const char *args[] = { "audit", "--json", "-", NULL };
	struct run_result r;
	char in[512];

	data_path(in, sizeof(in), "audit-small.scn");
	run_kaff(args, in, &r);
#ifdef KAFF_HAVE_JANSSON
	{
		json_error_t jerr;
		json_t *root = json_loadb(r.out, r.outlen, 0, &jerr), *fs, *f0;

		ck_assert_msg(r.status == 1, "exit %d: %s", r.status, r.err);
		ck_assert_msg(root != NULL, "not JSON: %s: %s", jerr.text, r.out);
		ck_assert_str_eq(json_string_value(json_object_get(root, "kernel")), "7.3");
		ck_assert_int_eq(json_integer_value(json_object_get(root, "cpus")), 4);
		ck_assert_str_eq(json_string_value(json_object_get(root, "protected_cpus")), "3");
		ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(root, "counts"),
								    "explored")), 9);
		ck_assert_int_eq(json_array_size(json_object_get(root, "states")), 9);
		ck_assert_int_eq(json_integer_value(json_object_get(root, "schema_version")), 2);
		fs = json_object_get(root, "findings");
		/* A, with node 1 offline and with CPU 2 offline: woken with no
		 * online CPU, fallback to 0-3 (protected 3 in it): one finding
		 * in two states; with node 1 offline its preferred CPUs are
		 * all offline too: a second one (schema 2: a finding lists its
		 * tasks and states) */
		ck_assert_int_eq(json_array_size(fs), 2);
		f0 = json_array_get(fs, 0);
		ck_assert_int_eq(json_array_size(json_object_get(f0, "states")), 2);
		ck_assert_int_eq(json_integer_value(json_array_get(json_object_get(f0, "states"), 0)), 2);
		ck_assert_int_eq(json_integer_value(json_array_get(json_object_get(f0, "states"), 1)), 4);
		ck_assert_str_eq(json_string_value(json_array_get(json_object_get(root, "states"), 2)),
				 "node 1 offline (CPUs 2-3)");
		ck_assert_str_eq(json_string_value(json_array_get(json_object_get(root, "states"), 4)),
				 "offline 2");
		ck_assert_int_eq(json_array_size(json_object_get(f0, "tasks")), 1);
		ck_assert_str_eq(json_string_value(json_array_get(json_object_get(f0, "tasks"), 0)), "A");
		ck_assert(json_is_true(json_object_get(f0, "managed")));
		ck_assert_str_eq(json_string_value(json_object_get(f0, "kind")), "protected-cpu");
		ck_assert_str_eq(json_string_value(json_object_get(f0, "rule")), "scheduler-fallback");
		ck_assert_str_eq(json_string_value(json_object_get(f0, "mask")), "0-3");
		ck_assert_str_eq(json_string_value(json_object_get(f0, "protected_cpus")), "3");
		f0 = json_array_get(fs, 1);
		ck_assert_str_eq(json_string_value(json_object_get(f0, "rule")), "hotplug");
		ck_assert_str_eq(json_string_value(json_array_get(json_object_get(f0, "preferred_cpus"), 0)),
				 "2-3");
		ck_assert_int_eq(json_array_size(json_object_get(f0, "states")), 1);
		json_decref(root);
	}
#else
	ck_assert_int_eq(r.status, 2);
	ck_assert(strstr(r.err, "built without jansson"));
#endif
	result_free(&r);
}
END_TEST

START_TEST(test_help)
{
	static const char *const cmds[] = { "run", "cpulist", "diff", "host", "audit", "render" };
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		const char *args[] = { cmds[i], "--help", NULL };
		char want[64];
		struct run_result r;

		run_kaff(args, NULL, &r);
		snprintf(want, sizeof(want), "kaff %s", cmds[i]);
		ck_assert_msg(r.status == 0 && !strncmp(r.out, "usage:", 6) && strstr(r.out, want),
			      "kaff %s --help: exit %d: %s", cmds[i], r.status, r.out);
		result_free(&r);
	}
}
END_TEST

/* The manual page documents every command that --help lists. */
START_TEST(test_man_page)
{
	static const char *const cmds[] = { "run", "cpulist", "diff", "host", "audit", "render" };
	const char *args[] = { "--help", NULL };
	struct run_result r;
	char path[512], sect[32], use[32];
	size_t i, len;
	char *man;

	path_of(path, sizeof(path), src_dir, "docs/kaff.1");
	man = read_or_fail(path, &len);
	run_kaff(args, NULL, &r);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		snprintf(sect, sizeof(sect), "\n.SS %s\n", cmds[i]);
		snprintf(use, sizeof(use), "kaff %s ", cmds[i]);
		ck_assert_msg(strstr(man, sect), "kaff.1 has no section for %s", cmds[i]);
		ck_assert_msg(strstr(r.out, use), "kaff --help does not list %s", cmds[i]);
	}
	ck_assert(strstr(man, "\n.SH EXIT STATUS\n"));
	free(man);
	result_free(&r);
}
END_TEST

/*
 * Strips at 16, 256 and 8192 CPUs. Two nodes (0 and 1 split the CPUs in
 * halves), the last two CPUs isolated at boot. Events: 1 create A node=1,
 * 2 create B, 3 wake A, 4 wake B, 5 offline n/2, 6 wake A, 7 online n/2,
 * 8 show. Events 1 and 2 each add a row's task, so they are columns 0 and
 * 1 and event 3 is column 2; `show` changes nothing and gets no column.
 * After event 3, A is on node 1 less the isolated CPUs: n/2..n-3.
 *
 * Geometry (render-svg.c): labels are at most 12 characters wide here, so
 * the grid starts at x = 20 + 12 * 7 = 104; a column is the strip plus 16.
 *   16 CPUs: 8 px a CPU, strip 128, column 144: A's cell at x = 392. The
 *     strip is narrow (< 200 px): labels at -45 degrees, label line 168,
 *     axis at 180, rows at 180 + 14 + 22 = 216.
 *     0-7 not in mask (64 px), 8-13 green (48), 14-15 pink (16).
 *   256 CPUs: 3 px a CPU, strip 768, column 784: x = 1672. Labels level:
 *     label line 60, axis 72, rows at 108.
 *     0-127 (384 px), 128-253 green (378), 254-255 pink (6).
 *   8192 CPUs: 8 CPUs a px, strip 1024, column 1040: x = 2184, rows at 108.
 *     0-4095 are px 0-511; 4096-8189 green from px 512; px 1023 holds
 *     8184-8191, green and isolated: the higher class, green, shows, so
 *     the green run is 512 px to the end and there is no pink rect.
 */
START_TEST(test_render_sizes)
{
	static const struct {
		unsigned int cpus;
		const char *want;
	} sizes[] = {
		{ 16, "<g><title>A after event 3: 8-13</title>\n"
		      "<rect x=\"392\" y=\"216\" width=\"64\" height=\"12\" fill=\"#e8e8e8\"/>\n"
		      "<rect x=\"456\" y=\"216\" width=\"48\" height=\"12\" fill=\"#2e7d32\"/>\n"
		      "<rect x=\"504\" y=\"216\" width=\"16\" height=\"12\" fill=\"#f4c7c3\"/>\n</g>\n" },
		{ 256, "<g><title>A after event 3: 128-253</title>\n"
		       "<rect x=\"1672\" y=\"108\" width=\"384\" height=\"12\" fill=\"#e8e8e8\"/>\n"
		       "<rect x=\"2056\" y=\"108\" width=\"378\" height=\"12\" fill=\"#2e7d32\"/>\n"
		       "<rect x=\"2434\" y=\"108\" width=\"6\" height=\"12\" fill=\"#f4c7c3\"/>\n</g>\n" },
		{ 8192, "<g><title>A after event 3: 4096-8189</title>\n"
			"<rect x=\"2184\" y=\"108\" width=\"512\" height=\"12\" fill=\"#e8e8e8\"/>\n"
			"<rect x=\"2696\" y=\"108\" width=\"512\" height=\"12\" fill=\"#2e7d32\"/>\n</g>\n" },
	};
	char scn[512], svg[512], text[512], errbuf[128];
	const char *args[] = { "render", scn, "-o", svg, NULL };
	struct run_result r;
	size_t i, len;
	char *got;
	FILE *f;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned int n = sizes[i].cpus;

		snprintf(text, sizeof(text),
			 "kernel 7.3\ncpus %u\nnode 0 0-%u\nnode 1 %u-%u\nboot isolcpus=domain,%u-%u\n"
			 "create A node=1\ncreate B\nwake A\nwake B\noffline %u\nwake A\nonline %u\nshow\n",
			 n, n / 2 - 1, n / 2, n - 1, n - 2, n - 1, n / 2, n / 2);
		tmp_file(scn, sizeof(scn), "size.scn");
		tmp_file(svg, sizeof(svg), "size.svg");
		f = fopen(scn, "w");
		ck_assert(f && fputs(text, f) >= 0 && !fclose(f));
		run_kaff(args, NULL, &r);
		ck_assert_msg(r.status == 0, "%u CPUs: exit %d: %s", n, r.status, r.err);
		got = read_or_fail(svg, &len);
		ck_assert_msg(kaff_xml_check(got, len, errbuf, sizeof(errbuf)) == 0, "%u CPUs: %s", n,
			      errbuf);
		ck_assert_msg(strstr(got, sizes[i].want), "%u CPUs: A's cell after event 3 is not\n%s", n,
			      sizes[i].want);
		ck_assert_msg(!strstr(got, "after event 8:"), "%u CPUs: show has a column", n);
		/* the two nodes' bands, and the line between them */
		ck_assert_msg(strstr(got, "<title>node 0: CPUs from 0</title>"), "%u CPUs", n);
		snprintf(text, sizeof(text), "<title>node 1: CPUs from %u</title>", n / 2);
		ck_assert_msg(strstr(got, text), "%u CPUs: no band for node 1", n);
		unlink(scn);
		unlink(svg);
		free(got);
		result_free(&r);
	}
}
END_TEST

/* Count the occurrences of @needle in @hay. */
static unsigned int count_of(const char *hay, const char *needle)
{
	unsigned int n = 0;

	for (; (hay = strstr(hay, needle)); hay++)
		n++;
	return n;
}

static char *render_text(const char *text, struct run_result *r)
{
	char scn[512], svg[512], errbuf[128];
	const char *args[] = { "render", scn, "-o", svg, NULL };
	size_t len;
	char *got;

	tmp_file(scn, sizeof(scn), "agg.scn");
	tmp_file(svg, sizeof(svg), "agg.svg");
	write_text(scn, text);
	run_kaff(args, NULL, r);
	ck_assert_msg(r->status == 0, "exit %d: %s", r->status, r->err);
	got = read_or_fail(svg, &len);
	ck_assert_msg(kaff_xml_check(got, len, errbuf, sizeof(errbuf)) == 0, "%s", errbuf);
	unlink(scn);
	unlink(svg);
	return got;
}

/*
 * What render aggregates (kaff.1):
 *  - 60 kthreads bound each to its own CPU (create_on_cpu kN N) are 60
 *    different rows, more than 48: one row for the stem "k", whose cell
 *    is the union of the masks, CPUs 0-59;
 *  - a scenario of more than 256 events gets columns only at its show
 *    and its last event: 2 here;
 *  - at 8192 CPUs a column is 1024 + 16 px, and 16384 px hold 15 of
 *    them: of 21 states (20 shows and the last event), 15 are drawn.
 */
START_TEST(test_render_aggregates)
{
	struct run_result r;
	char *text = malloc(1 << 16), *got;
	size_t n = 0;
	unsigned int i;

	ck_assert(text != NULL);
	n += (size_t)sprintf(text + n, "kernel 7.3\ncpus 64\n");
	for (i = 0; i < 60; i++)
		n += (size_t)sprintf(text + n, "create_on_cpu k%u %u\n", i, i);
	got = render_text(text, &r);
	ck_assert_msg(strstr(got, ">k* x60<title>60 kthreads in 60 different rows"), "no stem row");
	ck_assert_msg(strstr(got, "<g><title>k* x60 after event 60: the union of their masks, 0-59</title>"),
		      "the stem row's last cell is not the union 0-59");
	free(got);
	result_free(&r);

	/* 1 create + 300 hotplug events + show in the middle: 302 events */
	n = (size_t)sprintf(text, "kernel 7.3\ncpus 4\ncreate A\n");
	for (i = 0; i < 150; i++) {
		n += (size_t)sprintf(text + n, "offline 1\nonline 1\n");
		if (i == 70)
			n += (size_t)sprintf(text + n, "show\n");
	}
	got = render_text(text, &r);
	/* the show is event 1 + 71 * 2 + 1 = 144; the last is event 302 */
	ck_assert_uint_eq(count_of(got, "<g><title>A after event "), 2);
	ck_assert(strstr(got, "<g><title>A after event 144: 0-3</title>"));
	ck_assert(strstr(got, "<g><title>A after event 302: 0-3</title>"));
	free(got);
	result_free(&r);

	/* offline 0 is refused (x86: CPU 0 has no online file, ENOENT; see
	 * algorithm.md): a column, though nothing changed, with a red label
	 * whose tooltip is the trace line without its line end (a control
	 * character, '?' in XML text) */
	got = render_text("cpus 2\ncreate A\nwake A\noffline 0\n", &r);
	ck_assert_msg(strstr(got, " fill=\"#c62828\">3 offline 0 ! ENOENT<title>event 3: offline 0: "
				  "! offline 0 ENOENT</title></text>"), "%s", got);
	free(got);
	result_free(&r);

	n = (size_t)sprintf(text, "kernel 7.3\ncpus 8192\ncreate A\n");
	for (i = 0; i < 300; i++)
		n += (size_t)sprintf(text + n, i % 15 == 0 ? "wake A\nshow\n" : "wake A\n");
	got = render_text(text, &r);
	ck_assert_uint_eq(count_of(got, "<g><title>A after event "), 15);
	ck_assert(strstr(got, "15 of them drawn, spread evenly: at most 15 columns of 8192 CPUs fit"));
	free(got);
	result_free(&r);
	free(text);
}
END_TEST

/* ------------------------------------------------------------------------
 * Every conformance scenario through every command
 */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_scn(void)
{
	static const char *const subs[] = { "cases", "oracle", "handwritten" };
	char path[4096];
	size_t s;

	if (!cases_dir)
		return;
	for (s = 0; s < 3; s++) {
		struct dirent *de;
		DIR *d;

		snprintf(path, sizeof(path), "%s/%s", cases_dir, subs[s]);
		d = opendir(path);
		if (!d)
			continue;
		while ((de = readdir(d))) {
			size_t len = strlen(de->d_name);
			char **nf;

			if (len <= 4 || strcmp(de->d_name + len - 4, ".scn"))
				continue;
			nf = realloc(scn_files, (n_scn + 1) * sizeof(*nf));
			if (!nf)
				break;
			scn_files = nf;
			snprintf(path, sizeof(path), "%s/%s/%s", cases_dir, subs[s], de->d_name);
			if (!(scn_files[n_scn] = strdup(path)))
				break;
			n_scn++;
		}
		closedir(d);
	}
	if (n_scn)
		qsort(scn_files, n_scn, sizeof(*scn_files), cmp_str);
}

START_TEST(test_have_cases)
{
	ck_assert_msg(n_scn >= 100, "only %zu scenarios under %s", n_scn,
		      cases_dir ? cases_dir : "(KAFF_CASES_DIR unset)");
}
END_TEST

START_TEST(test_case)
{
	const char *file = scn_files[_i];
	const char *diff[] = { "diff", file, NULL };
	const char *audit[] = { "audit", file, NULL };
	char svg[512], errbuf[128];
	const char *render[] = { "render", file, "-o", svg, NULL };
	struct run_result r;
	size_t len, nlen;
	char *got, *text;

	text = read_or_fail(file, &nlen);
	run_kaff(diff, NULL, &r);
	if (strstr(text, "\nisolate "))
		/* isolate cannot replay under 6.14: refused with a reason */
		ck_assert_msg(r.status == 2 && strstr(r.err, "isolate is not modelled"), "%s: diff %d %s",
			      file, r.status, r.err);
	else
		ck_assert_msg((r.status == 0 || r.status == 1) && kaff_test_only_boot_warnings(r.err) &&
				      strstr(r.out, "summary: 6.14 and 7.3 "),
			      "%s: diff exit %d: %s", file, r.status, r.err);
	result_free(&r);
	run_kaff(audit, NULL, &r);
	ck_assert_msg((r.status == 0 || r.status == 1) && r.errlen == 0 &&
			      !strncmp(r.out, "kaff audit: ", 12) && strstr(r.out, "\nfindings: "),
		      "%s: audit exit %d: %s", file, r.status, r.err);
	ck_assert_msg((r.status == 1) == (strstr(r.out, "\nfindings: 0 ") == NULL ||
					  strstr(r.out, " the kernel ignored\n") != NULL),
		      "%s: exit %d vs %s", file, r.status, r.out);
	result_free(&r);
	{
		/* Each state from the end rolled back (kaff_ctx_rollback(),
		 * the default), from a copy of the end (kaff_ctx_dup()) or
		 * from a replay of the whole case: every finding, kthread and
		 * state the same (--json keeps them all). */
#ifdef KAFF_HAVE_JANSSON
		const char *roll[] = { "audit", "--json", "--explore", "rollback", file, NULL };
		const char *dup[] = { "audit", "--json", "--explore", "dup", file, NULL };
		const char *rep[] = { "audit", "--json", "--explore", "replay", file, NULL };
#else
		const char *roll[] = { "audit", "--explore", "rollback", file, NULL };
		const char *dup[] = { "audit", "--explore", "dup", file, NULL };
		const char *rep[] = { "audit", "--explore", "replay", file, NULL };
#endif
		struct run_result a, b, c;

		run_kaff(roll, NULL, &a);
		run_kaff(dup, NULL, &b);
		run_kaff(rep, NULL, &c);
		ck_assert_msg(a.status == c.status && a.outlen == c.outlen &&
				      !memcmp(a.out, c.out, a.outlen) && a.outlen > 0,
			      "%s: audit --explore rollback and replay differ (exit %d / %d)", file,
			      a.status, c.status);
		ck_assert_msg(b.status == c.status && b.outlen == c.outlen &&
				      !memcmp(b.out, c.out, b.outlen),
			      "%s: audit --explore dup and replay differ (exit %d / %d)", file,
			      b.status, c.status);
		result_free(&a);
		result_free(&b);
		result_free(&c);
	}
	tmp_file(svg, sizeof(svg), "case.svg");
	run_kaff(render, NULL, &r);
	ck_assert_msg(r.status == 0 && kaff_test_only_boot_warnings(r.err), "%s: render exit %d: %s", file, r.status, r.err);
	got = read_or_fail(svg, &len);
	ck_assert_msg(kaff_xml_check(got, len, errbuf, sizeof(errbuf)) == 0, "%s: SVG: %s", file,
		      errbuf);
	unlink(svg);
	free(got);
	free(text);
	result_free(&r);
}
END_TEST

static Suite *tools_suite(void)
{
	Suite *s = suite_create("tools");
	TCase *tc = tcase_create("commands");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_xmlcheck, 0, sizeof(xml_cases) / sizeof(xml_cases[0]));
	tcase_add_loop_test(tc, test_golden, 0, sizeof(goldens) / sizeof(goldens[0]));
	tcase_add_test(tc, test_render_golden);
	tcase_add_test(tc, test_diff_same_rules);
	tcase_add_test(tc, test_diff_isolate_under_6x);
	tcase_add_test(tc, test_diff_boot_refused);
	tcase_add_test(tc, test_diff_usage);
	tcase_add_test(tc, test_host_errors);
	tcase_add_test(tc, test_host_real);
	tcase_add_test(tc, test_audit_bound_and_no_wake);
	tcase_add_test(tc, test_audit_json);
	tcase_add_test(tc, test_help);
	tcase_add_test(tc, test_man_page);
	tcase_add_test(tc, test_render_sizes);
	tcase_add_test(tc, test_render_aggregates);
	tcase_add_test(tc, test_have_cases);
	if (n_scn)
		tcase_add_loop_test(tc, test_case, 0, (int)n_scn);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	size_t i;
	int ret;

	tools_init("tools");
	list_scn();
	ret = tools_run(tools_suite());
	for (i = 0; i < n_scn; i++)
		free(scn_files[i]);
	free(scn_files);
	return ret;
}
