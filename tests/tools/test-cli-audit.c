/* SPDX-License-Identifier: MIT */
/*
 * `kaff audit` and `kaff render` beyond check-tools ($KAFF_EXE, spawned
 * with posix_spawn()):
 *
 *   - every option and usage error of both commands;
 *   - the rule audit names for each finding, in small scenarios
 *     (tests/tools/data/auditcov-*.scn) whose every state is worked out by
 *     hand from docs/algorithm.md in the comments next to the expected findings:
 *     the expectations are that reasoning, not kaff's output (three of
 *     them disagreed with kaff at first; the kernel rules settled each for the
 *     reasoning and src/cli/audit.c was fixed);
 *   - render's picture on standard output, with a file name that XML must
 *     escape, and on a device that refuses it;
 *   - out of memory anywhere in the process (the LD_PRELOAD shim of
 *     tests/oom, $KAFF_FAILMALLOC_SO): audit --json and render either give
 *     the clean run's output or exit 1-3 saying out of memory
 *     (docs/errors.md, "out of memory").
 */
#include <check.h>
#include <errno.h>
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

/* ------------------------------------------------------------------------
 * Options and usage errors (docs/errors.md: a usage error prints one
 * line that says what is wrong and points to --help, and exits 2; kaff.1
 * SYNOPSIS for the options)
 */

struct usage_case {
	const char *args[10];
	int status;
	const char *err;    /* stderr starts with this */
	bool usage;         /* the pointer to --help ends it (else not checked) */
};

static const struct usage_case usage_cases[] = {
	/* "--" ends the options: "--json" after it is a file name, and the
	 * file does not exist (unreadable input: exit 2, strerror) */
	{ { "audit", "--", "--json", NULL }, 2, "kaff: audit: --json: No such file or directory\n",
	  false },
	/* an option that needs a value, given none */
	{ { "audit", "-", "--kernel", NULL }, 2, "kaff: audit: option '--kernel' requires an argument",
	  true },
	{ { "audit", "-", "--max-states", NULL }, 2,
	  "kaff: audit: option '--max-states' requires an argument", true },
	/* --max-states N: a decimal number from 1 to 1000000 (the message
	 * check-errors holds for 0 says the range) */
	{ { "audit", "--max-states", "12x", "-", NULL }, 2,
	  "kaff: audit: --max-states must be 1 to 1000000\n", false },
	{ { "audit", "--max-states", "1000001", "-", NULL }, 2,
	  "kaff: audit: --max-states must be 1 to 1000000\n", false },
	/* wider than unsigned long: strtoul() says ERANGE */
	{ { "audit", "--max-states", "99999999999999999999999999", "-", NULL }, 2,
	  "kaff: audit: --max-states must be 1 to 1000000\n", false },
	/* only digits: a sign is not part of N (strtoul() would take "+5"
	 * and wrap "-1" to ULONG_MAX) */
	{ { "audit", "--max-states", "+5", "-", NULL }, 2,
	  "kaff: audit: --max-states must be 1 to 1000000\n", false },
	/* --explore takes rollback, dup or replay (kaff.1), and needs one */
	{ { "audit", "--explore", "copy", "-", NULL }, 2,
	  "kaff: audit: --explore must be rollback, dup or replay\n", false },
	{ { "audit", "-", "--explore", NULL }, 2,
	  "kaff: audit: option '--explore' requires an argument", true },
	/* one FILE, exactly */
	{ { "audit", "a.scn", "b.scn", NULL }, 2, "kaff: audit: extra operand 'b.scn'", true },
	{ { "audit", NULL }, 2, "kaff: audit: missing FILE operand", true },
	{ { "audit", "--json", NULL }, 2, "kaff: audit: missing FILE operand", true },
	/* an unknown --kernel: the reason, exit 2 (as check-errors for diff) */
	{ { "audit", "--kernel", "6.13", "-", NULL }, 2,
	  "kaff: audit: kernel '6.13' is not a profile (6.14 to 7.3)\n", false },

	{ { "render", "-o", "@OUT", "--", "--kernel", NULL }, 2,
	  "kaff: render: --kernel: No such file or directory\n", false },
	{ { "render", "-", "-o", NULL }, 2, "kaff: render: option requires an argument -- 'o'",
	  true },
	{ { "render", "-", "-o", "@OUT", "--kernel", NULL }, 2,
	  "kaff: render: option '--kernel' requires an argument", true },
	{ { "render", "a.scn", "b.scn", "-o", "@OUT", NULL }, 2, "kaff: render: extra operand 'b.scn'",
	  true },
	{ { "render", "-o", "@OUT", NULL }, 2, "kaff: render: missing FILE operand", true },
	{ { "render", "--kernel", "6.13", "-", "-o", "@OUT", NULL }, 2,
	  "kaff: render: kernel '6.13' is not a profile (6.14 to 7.3)\n", false },
};

START_TEST(test_usage)
{
	const struct usage_case *c = &usage_cases[_i];
	char in[512], out[512];
	const char *args[11];
	struct run_result r;
	size_t i;

	data_path(in, sizeof(in), "auditcov-two-cpus.scn");
	tmp_file(out, sizeof(out), "usage.svg");
	for (i = 0; c->args[i]; i++)
		args[i] = strcmp(c->args[i], "@OUT") ? c->args[i] : out;
	args[i] = NULL;
	run_kaff(args, in, &r);
	ck_assert_msg(r.status == c->status, "%s %s: exit %d, want %d; stderr: %s", c->args[0],
		      c->args[1] ? c->args[1] : "", r.status, c->status, r.err);
	ck_assert_msg(r.outlen == 0, "usage error with output on stdout: %s", r.out);
	ck_assert_msg(starts_with(r.err, c->err), "stderr '%s', want it to start with '%s'", r.err,
		      c->err);
	if (c->usage) {
		char tail[64];

		snprintf(tail, sizeof(tail), " (see 'kaff %s --help')\n", c->args[0]);
		ck_assert_msg(!strcmp(r.err + strlen(c->err), tail), "not one line pointing to --help: %s",
			      r.err);
	}
	/* no picture for a refused command */
	ck_assert_msg(access(out, F_OK) != 0, "%s written by a refused command", out);
	result_free(&r);
}
END_TEST

/* -h is --help's short form, for audit and render as for the other
 * commands: the same text on stdout, exit 0. */
START_TEST(test_short_help)
{
	static const char *const cmds[] = { "audit", "render" };
	size_t i;

	for (i = 0; i < 2; i++) {
		const char *lng[] = { cmds[i], "--help", NULL }, *shrt[] = { cmds[i], "-h", NULL };
		struct run_result a, b;

		run_kaff(lng, NULL, &a);
		run_kaff(shrt, NULL, &b);
		ck_assert_msg(a.status == 0 && b.status == 0, "%s: exit %d / %d", cmds[i], a.status,
			      b.status);
		ck_assert(starts_with(a.out, "usage: kaff ") && !strcmp(a.out, b.out));
		result_free(&a);
		result_free(&b);
	}
}
END_TEST

/* "--" before "-": still standard input (kaff.1: FILE "-" is stdin). */
START_TEST(test_dashdash_stdin)
{
	const char *plain[] = { "audit", "-", NULL }, *dd[] = { "audit", "--", "-", NULL };
	struct run_result a, b;
	char in[512];

	data_path(in, sizeof(in), "auditcov-two-cpus.scn");
	run_kaff(plain, in, &a);
	run_kaff(dd, in, &b);
	ck_assert_msg(a.status == 0 && b.status == 0, "exit %d / %d: %s", a.status, b.status, b.err);
	ck_assert(a.outlen > 0 && a.outlen == b.outlen && !memcmp(a.out, b.out, a.outlen));
	result_free(&a);
	result_free(&b);
}
END_TEST

/* ------------------------------------------------------------------------
 * The explored states, counted (kaff.1 audit; tutorial section 6)
 */

START_TEST(test_audit_counts_singular)
{
	const char *def[] = { "audit", "-", NULL };
	const char *lim[] = { "audit", "--max-states", "1000000", "-", NULL };
	const char *cut[] = { "audit", "--max-states", "2", "-", NULL };
	struct run_result r, l;
	char in[512];

	data_path(in, sizeof(in), "auditcov-two-cpus.scn");
	run_kaff(def, in, &r);
	/* cpus 2, one node: CPU 1 is all that can go offline. States: the end,
	 * node 0 without CPU 0, offline 1, offline 1 then online 1: one of
	 * each kind, so every noun is singular. A (node 0 = 0-1) always has
	 * an online preferred CPU, nothing is isolated: no finding, exit 0. */
	ck_assert_msg(r.status == 0, "exit %d: %s%s", r.status, r.out, r.err);
	ck_assert_msg(strstr(r.out, ": kernel 7.3 (7.x rules), 2 CPUs, 1 node\n"), "%s", r.out);
	ck_assert_msg(strstr(r.out, "\nexplored 4 of 4 states: the end of the scenario, 1 whole-node "
				    "offline, 1 single-CPU offline, 1 offline-then-online pair; "),
		      "%s", r.out);
	ck_assert_msg(strstr(r.out, "\nfindings: 0 in 0 states\n"), "%s", r.out);
	/* the largest bound allowed changes nothing here */
	run_kaff(lim, in, &l);
	ck_assert_msg(l.status == 0 && l.outlen == r.outlen && !memcmp(l.out, r.out, r.outlen),
		      "--max-states 1000000: exit %d: %s", l.status, l.out);
	result_free(&l);
	/* a bound below the total: the first two states, and it says so */
	run_kaff(cut, in, &l);
	ck_assert_msg(l.status == 0 && strstr(l.out, "\nexplored 2 of 4 states: ") &&
			      strstr(l.out, " (stopped at --max-states 2); "),
		      "exit %d: %s", l.status, l.out);
	result_free(&l);
	result_free(&r);
}
END_TEST

/* ------------------------------------------------------------------------
 * The rule of each finding (--json: kaff.1 lists the keys and the rule
 * identifiers). Findings come state by state, in the order of "states";
 * within a state, kthread by kthread in managed-list order, the protected
 * CPUs before the preferred ones.
 */

/* @cpus: for a protected-cpu finding the protected CPUs its mask holds,
 * for a lost-preferred one its preferred CPUs (kaff.1, --json). */
struct want_finding {
	unsigned int state;
	const char *task, *kind, *rule, *mask, *cpus;
	bool not_managed;   /* marked as off the managed list */
};

/*
 * auditcov-setaffinity.scn in text (its states are worked out above
 * setaff_findings below): one finding per content (kthreads, kind, rule,
 * mask) and set of states, in the order they first appear (tutorial
 * section 6): 5 findings in the 6 states end .. offline 3. M with node 1
 * offline: its mask 0-1 has online CPUs and its node a housekeeping CPU
 * (2), so the hotplug rule has nothing to add.
 */
START_TEST(test_audit_setaffinity_text)
{
	const char *args[] = { "audit", "-", NULL };
	struct run_result r;
	char in[512];

	data_path(in, sizeof(in), "auditcov-setaffinity.scn");
	run_kaff(args, in, &r);
	ck_assert_msg(r.status == 1, "exit %d: %s", r.status, r.err);
	ck_assert_msg(strstr(r.out, "\nfindings: 5 in 6 states\n\n"
				    "N: its mask 3 holds protected CPUs 3\n  rule: user setaffinity: "),
		      "%s", r.out);
	/* up to half the states: those it holds in, "; " between labels
	 * (a label may hold a comma) */
	ck_assert_msg(strstr(r.out, "\n  in 4 states: end of scenario; node 0 offline (CPUs 1); "
				    "offline 1; offline 2\n\n"
				    "M: its mask 0-1 holds none of its preferred CPUs (2-3) online\n"
				    "  rule: user setaffinity: "),
		      "%s", r.out);
	/* more than half: those it does not hold in */
	ck_assert_msg(strstr(r.out, "\n  in 5 of 9 states, all but: node 1 offline (CPUs 2-3); "
				    "offline 1, online 1; offline 2, online 2; offline 3, online 3\n"),
		      "%s", r.out);
	ck_assert_msg(strstr(r.out, "\nN: its mask 0-3 holds protected CPUs 3\n"
				    "  rule: scheduler fallback: "),
		      "%s", r.out);
	ck_assert_msg(strstr(r.out, "\nM: its mask 0-1 holds none of its preferred CPUs (2-3) online\n"
				    "  rule: hotplug: none of its preferred CPUs is online\n"
				    "  in 1 state: node 1 offline (CPUs 2-3)\n"),
		      "%s", r.out);
	result_free(&r);
}
END_TEST

/*
 * At scale, by hand. 7.3, nodes 0-7 and 8-15, nohz_full= and
 * isolcpus=domain on 2-7,10-15: protected 2-7,10-15, HK_TYPE_DOMAIN
 * 0-1,8-9. kswapd1 and t0..t19 (node 1) wake onto node 1 ∩ hk = 8-9.
 * c3 is kthread_create_on_cpu(3): bound to its own CPU, there by design:
 * counted, no finding. States: the end, node 0 offline (CPUs 1-7), node
 * 1 offline (8-15), node 1's housekeeping CPUs offline (8-9: neither
 * the whole node nor one CPU; node 0's is CPU 1 alone, a single-CPU
 * state already), 15 single offlines, 15 pairs: 34.
 *  - node 1 offline and node 1 housekeeping offline: 8-9 has no online
 *    CPU at the wake: select_fallback_rq() gives 0-15, which holds the
 *    protected CPUs: one finding for the 21 kthreads in those 2 states;
 *  - node 1 offline: none of node 1 online either (hotplug): a second.
 *  - anywhere else 8 or 9 is online (or comes back: the online update
 *    gives 8-9 again): nothing.
 * The text names 8 kthreads and counts the rest.
 */
START_TEST(test_audit_scale_text)
{
	const char *args[] = { "audit", "-", NULL };
	struct run_result r;
	char in[512], text[4096];
	int i;

	tmp_file(in, sizeof(in), "scale.scn");
	strcpy(text, "kernel 7.3\ncpus 16\nnode 0 0-7\nnode 1 8-15\n"
		     "boot nohz_full=2-7,10-15 isolcpus=domain,2-7,10-15\n"
		     "create_on_cpu c3 3\nwake c3\ncreate kswapd1 node=1\nwake kswapd1\n");
	for (i = 0; i < 20; i++)
		sprintf(text + strlen(text), "create t%d node=1\nwake t%d\n", i, i);
	write_text(in, text);
	run_kaff(args, in, &r);
	ck_assert_msg(r.status == 1, "exit %d: %s", r.status, r.err);
	ck_assert_msg(strstr(r.out, "\nmanaged kthreads at the end of the scenario: kthreadd kswapd1 t0 t1 "
				    "t2 t3 t4 t5 t6 t7 t8 t9 t10 t11 t12 t13 and 6 more (22 in all)\n"
				    "per-CPU and bound kthreads on their own CPU, there by design, not "
				    "audited: 1 on CPUs 3, on protected CPUs 3\n"
				    "explored 34 of 34 states: the end of the scenario, 2 whole-node "
				    "offlines, 1 node-housekeeping offline, 15 single-CPU offlines, 15 "
				    "offline-then-online pairs; "),
		      "%s", r.out);
	ck_assert_msg(strstr(r.out, "\nfindings: 2 in 2 states\n\n"
				    "kswapd1 t0 t1 t2 t3 t4 t5 t6 and 13 more (21 kthreads): their mask "
				    "0-15 holds protected CPUs 2-7,10-15\n"
				    "  rule: scheduler fallback: "),
		      "%s", r.out);
	ck_assert_msg(strstr(r.out, "\n  in 2 states: node 1 offline (CPUs 8-15); node 1 housekeeping "
				    "offline (CPUs 8-9)\n\n"
				    "kswapd1 t0 t1 t2 t3 t4 t5 t6 and 13 more (21 kthreads): their mask "
				    "0-15 holds none of their preferred CPUs (8-15) online\n"
				    "  rule: hotplug: "),
		      "%s", r.out);
	ck_assert_msg(strstr(r.out, "\n  in 1 state: node 1 offline (CPUs 8-15)\n") &&
			      !strstr(r.out, "c3"),
		      "%s", r.out);
	result_free(&r);
	unlink(in);
}
END_TEST

/*
 * Boot parameters the kernel ignored are findings (exit 1) even when no
 * mask is wrong. 7.3: nohz_full=bogus does not parse (bitmap_parselist()
 * fails): ignored whole; isolcpus=4-5 after isolcpus=domain,2-3 sets
 * HK_TYPE_DOMAIN again with another mask: "must match", ignored
 * (housekeeping_setup()). Only 2-3 is protected, and A (no node: 7.x
 * lists it on hk = 0-1,4-7) has no finding.
 */
START_TEST(test_audit_boot_warnings)
{
	const char *args[] = { "audit", "-", NULL };
	struct run_result r;
	char in[512];

	tmp_file(in, sizeof(in), "warn.scn");
	write_text(in, "kernel 7.3\ncpus 8\nboot nohz_full=bogus isolcpus=domain,2-3 isolcpus=4-5\n"
		       "create A\nwake A\n");
	run_kaff(args, in, &r);
	ck_assert_msg(r.status == 1, "exit %d: %s", r.status, r.err);
	ck_assert_msg(strstr(r.out, "\nprotected by boot isolation (nohz_full=, isolcpus=): 2-3\n"),
		      "%s", r.out);
	/* each with its place, FILE:LINE:COL, as scenario errors */
	ck_assert_msg(strstr(r.out, "\nfindings: 0 in 0 states, and 2 boot parameters the kernel "
				    "ignored\n\nboot parameter nohz_full=bogus (<stdin>:3:6): the kernel "
				    "ignored it\n"
				    "  kernel: Housekeeping: nohz_full= or isolcpus= incorrect CPU range\n"
				    "  meaning: "),
		      "%s", r.out);
	ck_assert_msg(strstr(r.out, "\n\nboot parameter isolcpus=4-5 (<stdin>:3:42): the kernel "
				    "ignored it\n"
				    "  kernel: Housekeeping: nohz_full= must match isolcpus=\n"),
		      "%s", r.out);
	result_free(&r);
#ifdef KAFF_HAVE_JANSSON
	{
		const char *jargs[] = { "audit", "--json", "-", NULL };
		json_error_t jerr;
		json_t *root, *w;

		run_kaff(jargs, in, &r);
		ck_assert_msg(r.status == 1, "exit %d: %s", r.status, r.err);
		root = json_loadb(r.out, r.outlen, 0, &jerr);
		ck_assert_msg(root != NULL, "not JSON: %s", jerr.text);
		w = json_object_get(root, "boot_warnings");
		ck_assert_int_eq(json_array_size(w), 2);
		ck_assert_str_eq(json_string_value(json_object_get(json_array_get(w, 0), "param")),
				 "nohz_full=bogus");
		ck_assert_str_eq(json_string_value(json_object_get(json_array_get(w, 0), "reason")),
				 "bad-cpulist");
		ck_assert_str_eq(json_string_value(json_object_get(json_array_get(w, 1), "reason")),
				 "mismatch");
		ck_assert(json_is_string(json_object_get(json_array_get(w, 1), "meaning")));
		ck_assert_int_eq(json_array_size(json_object_get(root, "findings")), 0);
		json_decref(root);
		result_free(&r);
	}
#endif
	unlink(in);
}
END_TEST

/*
 * A scenario task may be named "kthreadd" (FORMAT.md: any NAME); the real
 * kthreadd then shows as "[kthreadd]", and the two are two kthreads in the
 * findings, not one group. Under 7.3 with nohz_full=2-3 both hold the
 * protected CPUs 2-3: kthreads follow HK_TYPE_DOMAIN there (docs/algorithm.md#rule-differences
 * D1), which nohz_full= leaves at 0-3, so the real kthreadd keeps 0-3 and
 * the task (no node, managed in 7.x) gets hk(DOMAIN) = 0-3 at its first
 * wake-up. The managed list is in the kernel's order: kthreadd first.
 */
START_TEST(test_audit_task_named_kthreadd)
{
	const char *args[] = { "audit", "-", NULL };
	struct run_result r;
	char in[512];

	tmp_file(in, sizeof(in), "kthreadd.scn");
	write_text(in, "kernel 7.3\ncpus 4\nboot nohz_full=2-3\ncreate kthreadd\n"
		       "wake kthreadd\n");
	run_kaff(args, in, &r);
	/* kaff.1 EXIT STATUS: 1 for audit means findings */
	ck_assert_msg(r.status == 1, "exit %d: %s", r.status, r.err);
	ck_assert_msg(strstr(r.out, "\nmanaged kthreads at the end of the scenario: "
				    "[kthreadd] kthreadd\n"), "%s", r.out);
	ck_assert_msg(strstr(r.out, "\n[kthreadd]: its mask 0-3 holds protected CPUs 2-3\n"), "%s",
		      r.out);
	ck_assert_msg(strstr(r.out, "\nkthreadd: its mask 0-3 holds protected CPUs 2-3\n"), "%s",
		      r.out);
	result_free(&r);
	unlink(in);
}
END_TEST

#ifdef KAFF_HAVE_JANSSON
static json_t *audit_json(const char *data, int want_status)
{
	const char *args[] = { "audit", "--json", "-", NULL };
	struct run_result r;
	json_error_t jerr;
	char in[512];
	json_t *root;

	data_path(in, sizeof(in), data);
	run_kaff(args, in, &r);
	ck_assert_msg(r.status == want_status, "%s: exit %d, want %d: %s", data, r.status,
		      want_status, r.err);
	ck_assert_msg(r.errlen == 0, "%s: stderr %s", data, r.err);
	root = json_loadb(r.out, r.outlen, 0, &jerr);
	ck_assert_msg(root != NULL, "%s: not JSON: %s: %s", data, jerr.text, r.out);
	result_free(&r);
	return root;
}

static void check_strings(json_t *arr, const char *const *want, const char *what)
{
	size_t i, n = 0;

	while (want[n])
		n++;
	ck_assert_msg(json_is_array(arr) && json_array_size(arr) == n, "%s: %zu entries, want %zu",
		      what, json_array_size(arr), n);
	for (i = 0; i < n; i++) {
		const char *s = json_string_value(json_array_get(arr, i));

		ck_assert_msg(s && !strcmp(s, want[i]), "%s[%zu]: '%s', want '%s'", what, i,
			      s ? s : "(null)", want[i]);
	}
}

/* One kthread, one state: a --json finding (which lists its kthreads and
 * states, schema 2) taken apart. */
struct got_finding {
	unsigned int state, order, kind;
	const char *task, *kindname, *rule, *mask, *cpus;
	bool managed;
};

static int got_cmp(const void *pa, const void *pb)
{
	const struct got_finding *a = pa, *b = pb;

	if (a->state != b->state)
		return a->state < b->state ? -1 : 1;
	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	return (int)a->kind - (int)b->kind;
}

/* @task's place in audit order: the managed list, then the others. */
static unsigned int task_order(json_t *root, const char *task)
{
	static const char *const lists[] = { "managed", "not_managed" };
	unsigned int base = 0, l;
	size_t i;

	for (l = 0; l < 2; l++) {
		json_t *a = json_object_get(root, lists[l]);

		for (i = 0; i < json_array_size(a); i++)
			if (!strcmp(json_string_value(json_array_get(a, i)), task))
				return base + (unsigned int)i;
		base += (unsigned int)json_array_size(a);
	}
	ck_abort_msg("task %s is in neither managed nor not_managed", task);
	return 0;
}

/*
 * The findings, one per kthread and state, in the order the expectations
 * list them: state by state, then kthread by kthread (the managed list's
 * order, then the others), protected CPUs before preferred ones.
 */
static void check_findings(json_t *root, const struct want_finding *want, size_t n)
{
	json_t *fs = json_object_get(root, "findings"), *states = json_object_get(root, "states");
	struct got_finding *got = NULL;
	size_t nr = 0, i, t, s;

	ck_assert_int_eq(json_integer_value(json_object_get(root, "schema_version")), 2);
	for (i = 0; i < json_array_size(fs); i++) {
		json_t *f = json_array_get(fs, i), *tasks = json_object_get(f, "tasks");
		json_t *st = json_object_get(f, "states"), *prefs = json_object_get(f, "preferred_cpus");
		const char *kind = json_string_value(json_object_get(f, "kind"));
		const char *rule = json_string_value(json_object_get(f, "rule"));
		const char *mask = json_string_value(json_object_get(f, "mask"));
		json_t *managed = json_object_get(f, "managed");
		bool lost;

		ck_assert_msg(kind && rule && mask && json_is_boolean(managed) && json_array_size(tasks) &&
				      json_array_size(st),
			      "finding %zu: a key is missing", i);
		lost = !strcmp(kind, "lost-preferred");
		ck_assert_msg(!lost || json_array_size(prefs) == json_array_size(tasks),
			      "finding %zu: one preferred_cpus per task", i);
		for (t = 0; t < json_array_size(tasks); t++) {
			for (s = 0; s < json_array_size(st); s++) {
				struct got_finding *g;

				got = realloc(got, (nr + 1) * sizeof(*got));
				ck_assert(got != NULL);
				g = &got[nr++];
				g->state = (unsigned int)json_integer_value(json_array_get(st, s));
				ck_assert_msg(g->state < json_array_size(states), "finding %zu: state %u", i,
					      g->state);
				g->task = json_string_value(json_array_get(tasks, t));
				g->order = task_order(root, g->task);
				g->kind = lost;
				g->kindname = kind;
				g->rule = rule;
				g->mask = mask;
				g->cpus = json_string_value(lost ? json_array_get(prefs, t)
								 : json_object_get(f, "protected_cpus"));
				g->managed = json_is_true(managed);
			}
		}
	}
	if (nr)
		qsort(got, nr, sizeof(*got), got_cmp);
	ck_assert_msg(nr == n, "%zu findings (one per kthread and state), want %zu", nr, n);
	for (i = 0; i < n; i++) {
		const struct want_finding *w = &want[i];
		const struct got_finding *g = &got[i];

		ck_assert_msg(g->state == w->state && !strcmp(g->task, w->task) &&
				      !strcmp(g->kindname, w->kind) && !strcmp(g->rule, w->rule) &&
				      !strcmp(g->mask, w->mask) && g->managed == !w->not_managed,
			      "finding %zu: state %u %s %s rule %s mask %s%s; want state %u %s %s rule %s "
			      "mask %s%s",
			      i, g->state, g->task, g->kindname, g->rule, g->mask,
			      g->managed ? "" : " not managed", w->state, w->task, w->kind, w->rule, w->mask,
			      w->not_managed ? " not managed" : "");
		ck_assert_msg(g->cpus && !strcmp(g->cpus, w->cpus), "finding %zu: CPUs '%s', want '%s'", i,
			      g->cpus ? g->cpus : "(null)", w->cpus);
	}
	free(got);
}

/*
 * auditcov-setaffinity.scn, 7.3, nodes 0-1 and 2-3, isolcpus=domain,3:
 * HK_TYPE_DOMAIN is 0-2, so the protected CPUs are {3}. N and M (node 1)
 * wake onto node 1 ∩ housekeeping = {2}. Then sched_setaffinity() (#rule-setaffinity,
 * no housekeeping filter, the request is stored): N = {3}, M = {0,1}.
 * kthreadd (0-2, no preference) has no finding. Per state:
 *  - end, offline 1, offline 2, node 0 offline (CPU 1): N still has an
 *    online CPU (3) and M one (0): their masks stay. N holds the protected
 *    3 by user setaffinity; M holds none of its node's CPUs although 2-3
 *    are online, also by user setaffinity.
 *  - node 1 offline (CPUs 2-3): N wakes with no online CPU: the scheduler
 *    fallback gives it every CPU, 0-3 (#rule-fallback), protected 3 included; its
 *    preferred CPUs are all offline (hotplug). M keeps 0-1: hotplug.
 *  - offline 3: N's fallback again (2 is online, so nothing is lost); M:
 *    user setaffinity.
 *  - offline X then online X: the online update re-affines both to
 *    node 1 ∩ housekeeping = {2}; the stored requests {3} and {0,1} do not
 *    meet it, so it applies unfiltered (#rule-user-filter): no finding.
 */
static const char *const setaff_states[] = {
	"end of scenario", "node 0 offline (CPUs 1)", "node 1 offline (CPUs 2-3)", "offline 1",
	"offline 2", "offline 3", "offline 1, online 1", "offline 2, online 2",
	"offline 3, online 3", NULL
};

static const struct want_finding setaff_findings[] = {
	{ 0, "N", "protected-cpu", "user-setaffinity", "3", "3" , false },
	{ 0, "M", "lost-preferred", "user-setaffinity", "0-1", "2-3" , false },
	{ 1, "N", "protected-cpu", "user-setaffinity", "3", "3" , false },
	{ 1, "M", "lost-preferred", "user-setaffinity", "0-1", "2-3" , false },
	{ 2, "N", "protected-cpu", "scheduler-fallback", "0-3", "3" , false },
	{ 2, "N", "lost-preferred", "hotplug", "0-3", "2-3" , false },
	{ 2, "M", "lost-preferred", "hotplug", "0-1", "2-3" , false },
	{ 3, "N", "protected-cpu", "user-setaffinity", "3", "3" , false },
	{ 3, "M", "lost-preferred", "user-setaffinity", "0-1", "2-3" , false },
	{ 4, "N", "protected-cpu", "user-setaffinity", "3", "3" , false },
	{ 4, "M", "lost-preferred", "user-setaffinity", "0-1", "2-3" , false },
	{ 5, "N", "protected-cpu", "scheduler-fallback", "0-3", "3" , false },
	{ 5, "M", "lost-preferred", "user-setaffinity", "0-1", "2-3" , false },
};

START_TEST(test_audit_setaffinity)
{
	static const char *const managed[] = { "kthreadd", "N", "M", NULL };
	static const char *const none[] = { NULL };
	json_t *root = audit_json("auditcov-setaffinity.scn", 1);

	ck_assert_str_eq(json_string_value(json_object_get(root, "protected_cpus")), "3");
	check_strings(json_object_get(root, "managed"), managed, "managed");
	check_strings(json_object_get(root, "not_managed"), none, "not_managed");
	check_strings(json_object_get(root, "states"), setaff_states, "states");
	check_findings(root, setaff_findings, sizeof(setaff_findings) / sizeof(setaff_findings[0]));
	json_decref(root);
}
END_TEST

/*
 * auditcov-user-filter.scn, 7.3, nohz_full=3: HK_TYPE_DOMAIN is every CPU
 * (7.x kthreads do not heed nohz_full, #rule-d1) and the protected CPUs are
 * {3}. N (node 1) wakes onto 2-3, then the user sets 1-3 (stored).
 * kthreadd (0-3) holds 3 in every state: housekeeping type. N:
 *  - end and every offline: N keeps 1-3 (an online CPU is left, so no
 *    fallback): user setaffinity; with node 1 offline its preferred CPUs
 *    are all offline as well (hotplug).
 *  - offline X then online X: the online update computes node 1 ∩
 *    housekeeping = 2-3 and the stored request only narrows it (2-3 ∩ 1-3
 *    = 2-3, #rule-user-filter). The request adds no CPU: N holds 3 because 7.3
 *    kthreads follow HK_TYPE_DOMAIN, which nohz_full= leaves whole:
 *    housekeeping type, not user setaffinity.
 */
static const struct want_finding filter_findings[] = {
	{ 0, "kthreadd", "protected-cpu", "housekeeping-type", "0-3", "3" , false },
	{ 0, "N", "protected-cpu", "user-setaffinity", "1-3", "3" , false },
	{ 1, "kthreadd", "protected-cpu", "housekeeping-type", "0-3", "3" , false },
	{ 1, "N", "protected-cpu", "user-setaffinity", "1-3", "3" , false },
	{ 2, "kthreadd", "protected-cpu", "housekeeping-type", "0-3", "3" , false },
	{ 2, "N", "protected-cpu", "user-setaffinity", "1-3", "3" , false },
	{ 2, "N", "lost-preferred", "hotplug", "1-3", "2-3" , false },
	{ 3, "kthreadd", "protected-cpu", "housekeeping-type", "0-3", "3" , false },
	{ 3, "N", "protected-cpu", "user-setaffinity", "1-3", "3" , false },
	{ 4, "kthreadd", "protected-cpu", "housekeeping-type", "0-3", "3" , false },
	{ 4, "N", "protected-cpu", "user-setaffinity", "1-3", "3" , false },
	{ 5, "kthreadd", "protected-cpu", "housekeeping-type", "0-3", "3" , false },
	{ 5, "N", "protected-cpu", "user-setaffinity", "1-3", "3" , false },
	{ 6, "kthreadd", "protected-cpu", "housekeeping-type", "0-3", "3" , false },
	{ 6, "N", "protected-cpu", "housekeeping-type", "2-3", "3" , false },
	{ 7, "kthreadd", "protected-cpu", "housekeeping-type", "0-3", "3" , false },
	{ 7, "N", "protected-cpu", "housekeeping-type", "2-3", "3" , false },
	{ 8, "kthreadd", "protected-cpu", "housekeeping-type", "0-3", "3" , false },
	{ 8, "N", "protected-cpu", "housekeeping-type", "2-3", "3" , false },
};

START_TEST(test_audit_user_filter)
{
	json_t *root = audit_json("auditcov-user-filter.scn", 1);

	ck_assert_str_eq(json_string_value(json_object_get(root, "protected_cpus")), "3");
	check_strings(json_object_get(root, "states"), setaff_states, "states");
	check_findings(root, filter_findings, sizeof(filter_findings) / sizeof(filter_findings[0]));
	json_decref(root);
}
END_TEST

/*
 * auditcov-boot-cpu.scn, 7.3, isolcpus=domain,0-1 and nohz_full=2:
 * HK_TYPE_DOMAIN = 2-3, HK_TYPE_KERNEL_NOISE = 0-1,3, protected = the
 * complement of their intersection {3} = 0-2.
 *  - kthreadd is forked with {boot CPU} = {0}; at boot only CPU 0 is
 *    online and its set_cpus_allowed_ptr() to 2-3 fails, so it keeps {0}
 *    (#rule-kthreadd edge case) and no CPU online event re-affines it (7.3 skips
 *    kthreads with no node or preference, #rule-online). CPU 0 is protected and
 *    not housekeeping: the mask is the one it was created with (creation
 *    mask), not something the kthread code wrote.
 *  - A (node 1) starts with {0} (rule C1) and its first wake fetches node
 *    1 ∩ 2-3 = 2-3: it holds the nohz_full CPU 2, which 7.3 kthreads do
 *    not heed (housekeeping type), in every state but node 1 offline.
 *    There it wakes with no online CPU: fallback to 0-3 (scheduler
 *    fallback), its node all offline (hotplug). Online updates give 2-3
 *    again.
 *  - B is created and never woken: not on the managed list (#rule-managed-list), so
 *    audited for protected CPUs only, and marked so. It has kthreadd's
 *    {0} (rule C1) in every state, and CPU 0 is protected: CPU 0 is not
 *    in hk(DOMAIN) ∩ protected = {2}, so not the housekeeping type but
 *    the creation mask.
 */
static const struct want_finding boot_findings[] = {
	{ 0, "kthreadd", "protected-cpu", "creation-mask", "0", "0" , false },
	{ 0, "A", "protected-cpu", "housekeeping-type", "2-3", "2" , false },
	{ 0, "B", "protected-cpu", "creation-mask", "0", "0", true },
	{ 1, "kthreadd", "protected-cpu", "creation-mask", "0", "0" , false },
	{ 1, "A", "protected-cpu", "housekeeping-type", "2-3", "2" , false },
	{ 1, "B", "protected-cpu", "creation-mask", "0", "0", true },
	{ 2, "kthreadd", "protected-cpu", "creation-mask", "0", "0" , false },
	{ 2, "A", "protected-cpu", "scheduler-fallback", "0-3", "0-2" , false },
	{ 2, "A", "lost-preferred", "hotplug", "0-3", "2-3" , false },
	{ 2, "B", "protected-cpu", "creation-mask", "0", "0", true },
	{ 3, "kthreadd", "protected-cpu", "creation-mask", "0", "0" , false },
	{ 3, "A", "protected-cpu", "housekeeping-type", "2-3", "2" , false },
	{ 3, "B", "protected-cpu", "creation-mask", "0", "0", true },
	{ 4, "kthreadd", "protected-cpu", "creation-mask", "0", "0" , false },
	{ 4, "A", "protected-cpu", "housekeeping-type", "2-3", "2" , false },
	{ 4, "B", "protected-cpu", "creation-mask", "0", "0", true },
	{ 5, "kthreadd", "protected-cpu", "creation-mask", "0", "0" , false },
	{ 5, "A", "protected-cpu", "housekeeping-type", "2-3", "2" , false },
	{ 5, "B", "protected-cpu", "creation-mask", "0", "0", true },
	{ 6, "kthreadd", "protected-cpu", "creation-mask", "0", "0" , false },
	{ 6, "A", "protected-cpu", "housekeeping-type", "2-3", "2" , false },
	{ 6, "B", "protected-cpu", "creation-mask", "0", "0", true },
	{ 7, "kthreadd", "protected-cpu", "creation-mask", "0", "0" , false },
	{ 7, "A", "protected-cpu", "housekeeping-type", "2-3", "2" , false },
	{ 7, "B", "protected-cpu", "creation-mask", "0", "0", true },
	{ 8, "kthreadd", "protected-cpu", "creation-mask", "0", "0" , false },
	{ 8, "A", "protected-cpu", "housekeeping-type", "2-3", "2" , false },
	{ 8, "B", "protected-cpu", "creation-mask", "0", "0", true },
};

START_TEST(test_audit_boot_cpu)
{
	static const char *const managed[] = { "kthreadd", "A", NULL };
	static const char *const unmanaged[] = { "B", NULL };
	json_t *root = audit_json("auditcov-boot-cpu.scn", 1);

	ck_assert_str_eq(json_string_value(json_object_get(root, "protected_cpus")), "0-2");
	check_strings(json_object_get(root, "managed"), managed, "managed");
	check_strings(json_object_get(root, "not_managed"), unmanaged, "not_managed");
	check_strings(json_object_get(root, "states"), setaff_states, "states");
	check_findings(root, boot_findings, sizeof(boot_findings) / sizeof(boot_findings[0]));
	json_decref(root);
}
END_TEST

/*
 * auditcov-isolate-stale.scn, 7.3, one node 0-3, nohz_full=1-2:
 * HK_TYPE_DOMAIN is 0-3 at boot, protected = 1-2. P prefers 2-3, which
 * the kthread code writes at once (2-3 ∩ 0-3, #rule-prefer). CPU 3 goes offline;
 * isolate 2 makes HK_TYPE_DOMAIN 0-1,3 and re-affines the managed list
 * (#rule-isolated-partitions): kthreadd to 0-1,3; P's target 2-3 ∩ 0-1,3 = {3} is offline, so
 * its set_cpus_allowed_ptr() fails and P keeps 2-3 (#rule-write). P was never
 * woken: the audit does not wake it, only online updates move it.
 * States: the end; node 0 offline (CPUs 1-2); offline 1; offline 2; then
 * offline 1 or 2 followed by online of itself or of the offline CPU 3.
 *  - kthreadd: 0-1,3 in every state (CPU online skips it); CPU 1 is
 *    nohz_full, in HK_TYPE_DOMAIN: housekeeping type.
 *  - P, while it keeps 2-3: CPU 2 is protected (nohz_full) and no longer
 *    domain housekeeping, so not the housekeeping type; no user request,
 *    no fallback, not its creation mask: the kthread code wrote it
 *    (kthread update). Its preferred CPUs are all offline with node 0
 *    offline (1-2) and with offline 2 (3 is already offline): hotplug.
 *  - "online 3" re-affines P to {3}, which is online now: no finding;
 *    "online 1" and "online 2" retry {3}, still offline: 2-3 stays.
 */
static const char *const stale_states[] = {
	"end of scenario", "node 0 offline (CPUs 1-2)", "offline 1", "offline 2",
	"offline 1, online 1", "offline 1, online 3", "offline 2, online 2", "offline 2, online 3",
	NULL
};

static const struct want_finding stale_findings[] = {
	{ 0, "kthreadd", "protected-cpu", "housekeeping-type", "0-1,3", "1" , false },
	{ 0, "P", "protected-cpu", "kthread-update", "2-3", "2" , false },
	{ 1, "kthreadd", "protected-cpu", "housekeeping-type", "0-1,3", "1" , false },
	{ 1, "P", "protected-cpu", "kthread-update", "2-3", "2" , false },
	{ 1, "P", "lost-preferred", "hotplug", "2-3", "2-3" , false },
	{ 2, "kthreadd", "protected-cpu", "housekeeping-type", "0-1,3", "1" , false },
	{ 2, "P", "protected-cpu", "kthread-update", "2-3", "2" , false },
	{ 3, "kthreadd", "protected-cpu", "housekeeping-type", "0-1,3", "1" , false },
	{ 3, "P", "protected-cpu", "kthread-update", "2-3", "2" , false },
	{ 3, "P", "lost-preferred", "hotplug", "2-3", "2-3" , false },
	{ 4, "kthreadd", "protected-cpu", "housekeeping-type", "0-1,3", "1" , false },
	{ 4, "P", "protected-cpu", "kthread-update", "2-3", "2" , false },
	{ 5, "kthreadd", "protected-cpu", "housekeeping-type", "0-1,3", "1" , false },
	{ 6, "kthreadd", "protected-cpu", "housekeeping-type", "0-1,3", "1" , false },
	{ 6, "P", "protected-cpu", "kthread-update", "2-3", "2" , false },
	{ 7, "kthreadd", "protected-cpu", "housekeeping-type", "0-1,3", "1" , false },
};

START_TEST(test_audit_isolate_stale)
{
	json_t *root = audit_json("auditcov-isolate-stale.scn", 1);

	ck_assert_str_eq(json_string_value(json_object_get(root, "protected_cpus")), "1-2");
	check_strings(json_object_get(root, "states"), stale_states, "states");
	check_findings(root, stale_findings, sizeof(stale_findings) / sizeof(stale_findings[0]));
	json_decref(root);
}
END_TEST
/*
 * auditcov-same-mask.scn, 7.3, isolcpus=domain,2-3: HK_TYPE_DOMAIN = 0-1,
 * protected 2-3. N (node 1) first wakes onto node 1 ∩ 0-1 = ∅, so the
 * whole housekeeping set 0-1 (last resort, #rule-fetch). The user then asks for
 * 0-1, the mask N has: only the stored request changes (#rule-write, #rule-setaffinity).
 * N holds none of 2-3 for the last-resort reason in every state where one
 * of them is online; the online updates give 0-1 ∩ the request = 0-1
 * again. With node 1 offline its preferred CPUs are all offline
 * (hotplug). The request outside 2-3 is not the reason: without it every
 * mask would be the same. kthreadd (0-1) has no finding.
 */
static const struct want_finding same_mask_findings[] = {
	{ 0, "N", "lost-preferred", "last-resort", "0-1", "2-3" , false },
	{ 1, "N", "lost-preferred", "last-resort", "0-1", "2-3" , false },
	{ 2, "N", "lost-preferred", "hotplug", "0-1", "2-3" , false },
	{ 3, "N", "lost-preferred", "last-resort", "0-1", "2-3" , false },
	{ 4, "N", "lost-preferred", "last-resort", "0-1", "2-3" , false },
	{ 5, "N", "lost-preferred", "last-resort", "0-1", "2-3" , false },
	{ 6, "N", "lost-preferred", "last-resort", "0-1", "2-3" , false },
	{ 7, "N", "lost-preferred", "last-resort", "0-1", "2-3" , false },
	{ 8, "N", "lost-preferred", "last-resort", "0-1", "2-3" , false },
};

START_TEST(test_audit_same_mask)
{
	json_t *root = audit_json("auditcov-same-mask.scn", 1);

	ck_assert_str_eq(json_string_value(json_object_get(root, "protected_cpus")), "2-3");
	check_strings(json_object_get(root, "states"), setaff_states, "states");
	check_findings(root, same_mask_findings,
		       sizeof(same_mask_findings) / sizeof(same_mask_findings[0]));
	json_decref(root);
}
END_TEST

/*
 * auditcov-creation.scn, 7.3, isolcpus=domain,0-1: HK_TYPE_DOMAIN = 2-3,
 * protected 0-1; kthreadd keeps {0} (#rule-kthreadd edge case, as above). CPUs 2
 * and 3 go offline: under 7.3 the offline check counts the CPU going down,
 * so the last domain housekeeping CPU may go (#rule-hotplug-refusals, D14); from then on no
 * online CPU is domain housekeeping and every offline is refused, EBUSY.
 * A (node 1, created with kthreadd's {0}, rule C1) wakes: {0} is online,
 * so no fallback; its fetch is node 1's online CPUs (none) ∩ 2-3 = ∅, so
 * 2-3, which has no online CPU: set_cpus_allowed_ptr() fails and A keeps
 * {0} (#rule-first-wake, #rule-write).
 * States: the end online set is 0-1, so node 0 offline is CPU 1 alone and
 * node 1 has nothing to take offline; offline 1; offline 1 then online 1,
 * 2 or 3 (2 and 3 are offline at the end). Every "offline 1" is refused,
 * and a refused operation is labelled with its errno name after it, as in
 * the trace's "! offline 1 EBUSY".
 *  - kthreadd: {0} everywhere (online skips it, #rule-online): creation mask.
 *  - A, while it keeps {0}: protected CPU 0, its creation mask; its
 *    preferred CPUs 2-3 are all offline: hotplug. "online 1" is a no-op
 *    (1 is online, #rule-hotplug-refusals). "online 2" / "online 3": the online update gives
 *    node 1's online CPU, {2} / {3}, online now: no finding.
 */
static const char *const creation_states[] = {
	"end of scenario", "node 0 offline (CPUs 1, offline 1 EBUSY)", "offline 1 EBUSY",
	"offline 1 EBUSY, online 1", "offline 1 EBUSY, online 2", "offline 1 EBUSY, online 3",
	NULL
};

static const struct want_finding creation_findings[] = {
	{ 0, "kthreadd", "protected-cpu", "creation-mask", "0", "0" , false },
	{ 0, "A", "protected-cpu", "creation-mask", "0", "0" , false },
	{ 0, "A", "lost-preferred", "hotplug", "0", "2-3" , false },
	{ 1, "kthreadd", "protected-cpu", "creation-mask", "0", "0" , false },
	{ 1, "A", "protected-cpu", "creation-mask", "0", "0" , false },
	{ 1, "A", "lost-preferred", "hotplug", "0", "2-3" , false },
	{ 2, "kthreadd", "protected-cpu", "creation-mask", "0", "0" , false },
	{ 2, "A", "protected-cpu", "creation-mask", "0", "0" , false },
	{ 2, "A", "lost-preferred", "hotplug", "0", "2-3" , false },
	{ 3, "kthreadd", "protected-cpu", "creation-mask", "0", "0" , false },
	{ 3, "A", "protected-cpu", "creation-mask", "0", "0" , false },
	{ 3, "A", "lost-preferred", "hotplug", "0", "2-3" , false },
	{ 4, "kthreadd", "protected-cpu", "creation-mask", "0", "0" , false },
	{ 5, "kthreadd", "protected-cpu", "creation-mask", "0", "0" , false },
};

START_TEST(test_audit_creation)
{
	json_t *root = audit_json("auditcov-creation.scn", 1), *counts;

	ck_assert_str_eq(json_string_value(json_object_get(root, "protected_cpus")), "0-1");
	check_strings(json_object_get(root, "states"), creation_states, "states");
	counts = json_object_get(root, "counts");
	ck_assert_int_eq(json_integer_value(json_object_get(counts, "total")), 6);
	ck_assert_int_eq(json_integer_value(json_object_get(counts, "whole_node_offline")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(counts, "single_offline")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(counts, "offline_online_pairs")), 3);
	check_findings(root, creation_findings,
		       sizeof(creation_findings) / sizeof(creation_findings[0]));
	json_decref(root);
}
END_TEST

/*
 * auditcov-classes.scn, 7.3, nodes 0-1 and 2-4, no boot isolation: both
 * housekeeping masks are every CPU, nothing is protected, and kthreadd
 * (no preference, no node) has no finding. A and B prefer {4}: the forced
 * write of prefer gives {4} ∩ housekeeping = {4}, kept at their first
 * wake. E (node 1) wakes onto node 1's online CPUs 2-4 (#rule-fetch).
 * offline 4 has no callback (#rule-offline): at the end A and B keep {4},
 * with no online CPU, and E keeps 2-4 (online: 2, 3). The states: node 0
 * offline (CPU 1), node 1 offline (CPUs 2-3), single offlines 1, 2, 3,
 * and each X then online X or online 4 (offline at the end).
 *  - end: A and B hold none of their preferred CPU online, their mask no
 *    online CPU either: hotplug, mask 4. E: 2-3 online in its node.
 *  - every state that leaves 4 offline wakes A and B with no online CPU:
 *    the fallback gives them 0-4 (#rule-fallback), still with no preferred
 *    CPU online: hotplug, mask 0-4. The online callback of X before it
 *    does not move them: fetch = {4}, their mask already (#rule-write).
 *  - offline X, online 4: CPU 4 is back, the wake finds it online and
 *    does nothing: no finding for A and B.
 *  - E: only node 1 offline takes both of its online CPUs: it wakes with
 *    none, fallback to 0-4, none of its node online: hotplug, mask 0-4;
 *    the same content as A's and B's there, in other states: its own
 *    finding. Single offlines leave it an online CPU, and the online
 *    callbacks keep it on its node's online CPUs (2-3, 3-4, 2,4 or 2-4):
 *    no finding.
 * Kthreads sharing everything the findings read can still part in a
 * state (A and B with E), and a state can change a kthread's findings
 * without changing its mask (A and B with CPU 4 back).
 */
static const char *const classes_states[] = {
	"end of scenario", "node 0 offline (CPUs 1)", "node 1 offline (CPUs 2-3)", "offline 1",
	"offline 2", "offline 3", "offline 1, online 1", "offline 1, online 4",
	"offline 2, online 2", "offline 2, online 4", "offline 3, online 3", "offline 3, online 4",
	NULL
};

#define CLASSES_AB(s, mask)                                           \
	{ s, "A", "lost-preferred", "hotplug", mask, "4", false },    \
	{ s, "B", "lost-preferred", "hotplug", mask, "4", false }

static const struct want_finding classes_findings[] = {
	CLASSES_AB(0, "4"),
	CLASSES_AB(1, "0-4"),
	CLASSES_AB(2, "0-4"),
	{ 2, "E", "lost-preferred", "hotplug", "0-4", "2-4", false },
	CLASSES_AB(3, "0-4"),
	CLASSES_AB(4, "0-4"),
	CLASSES_AB(5, "0-4"),
	CLASSES_AB(6, "0-4"),
	CLASSES_AB(8, "0-4"),
	CLASSES_AB(10, "0-4"),
};

START_TEST(test_audit_classes)
{
	static const char *const managed[] = { "kthreadd", "A", "B", "E", NULL };
	static const char *const modes[] = { "rollback", "dup", "replay" };
	json_t *root = audit_json("auditcov-classes.scn", 1);
	struct run_result r[3];
	char in[512];
	unsigned int m;

	/* an empty list prints as "-" (FORMAT.md) */
	ck_assert_str_eq(json_string_value(json_object_get(root, "protected_cpus")), "-");
	check_strings(json_object_get(root, "managed"), managed, "managed");
	check_strings(json_object_get(root, "states"), classes_states, "states");
	check_findings(root, classes_findings, sizeof(classes_findings) / sizeof(classes_findings[0]));
	json_decref(root);
	/* each way of making the states: the same document */
	data_path(in, sizeof(in), "auditcov-classes.scn");
	for (m = 0; m < 3; m++) {
		const char *args[] = { "audit", "--json", "--explore", modes[m], "-", NULL };

		run_kaff(args, in, &r[m]);
		ck_assert_msg(r[m].status == 1, "%s: exit %d", modes[m], r[m].status);
	}
	for (m = 1; m < 3; m++)
		ck_assert_msg(r[m].outlen == r[0].outlen && !memcmp(r[m].out, r[0].out, r[0].outlen),
			      "--explore %s and rollback differ", modes[m]);
	for (m = 0; m < 3; m++)
		result_free(&r[m]);
}
END_TEST

/*
 * --no-wake on auditcov-setaffinity.scn: nothing wakes after the hotplug,
 * and a sleeping kthread keeps its mask across offline (#rule-offline), so N
 * keeps {3} and M 0-1 in every offline state (no fallback):
 *  - end, node 0 offline, offline 1, offline 2: as with the wake;
 *  - node 1 offline: N holds the protected 3 by user setaffinity, and its
 *    preferred CPUs are all offline (hotplug); M: hotplug;
 *  - offline 3: N holds 3 by user setaffinity, and its mask has no online
 *    CPU left while its preferred CPU 2 is online (hotplug); M: user
 *    setaffinity;
 *  - offline X then online X: the online update moves both to {2}, as
 *    with the wake.
 */
START_TEST(test_audit_no_wake_json)
{
	const char *args[] = { "audit", "--json", "--no-wake", "-", NULL };
	static const struct want_finding want[] = {
		{ 0, "N", "protected-cpu", "user-setaffinity", "3", "3" , false },
		{ 0, "M", "lost-preferred", "user-setaffinity", "0-1", "2-3" , false },
		{ 1, "N", "protected-cpu", "user-setaffinity", "3", "3" , false },
		{ 1, "M", "lost-preferred", "user-setaffinity", "0-1", "2-3" , false },
		{ 2, "N", "protected-cpu", "user-setaffinity", "3", "3" , false },
		{ 2, "N", "lost-preferred", "hotplug", "3", "2-3" , false },
		{ 2, "M", "lost-preferred", "hotplug", "0-1", "2-3" , false },
		{ 3, "N", "protected-cpu", "user-setaffinity", "3", "3" , false },
		{ 3, "M", "lost-preferred", "user-setaffinity", "0-1", "2-3" , false },
		{ 4, "N", "protected-cpu", "user-setaffinity", "3", "3" , false },
		{ 4, "M", "lost-preferred", "user-setaffinity", "0-1", "2-3" , false },
		{ 5, "N", "protected-cpu", "user-setaffinity", "3", "3" , false },
		{ 5, "N", "lost-preferred", "hotplug", "3", "2-3" , false },
		{ 5, "M", "lost-preferred", "user-setaffinity", "0-1", "2-3" , false },
	};
	struct run_result r;
	json_error_t jerr;
	json_t *root;
	char in[512];

	data_path(in, sizeof(in), "auditcov-setaffinity.scn");
	run_kaff(args, in, &r);
	ck_assert_msg(r.status == 1, "exit %d: %s", r.status, r.err);
	root = json_loadb(r.out, r.outlen, 0, &jerr);
	ck_assert_msg(root != NULL, "not JSON: %s", jerr.text);
	ck_assert(json_is_false(json_object_get(root, "wake_after_hotplug")));
	check_strings(json_object_get(root, "states"), setaff_states, "states");
	check_findings(root, want, sizeof(want) / sizeof(want[0]));
	json_decref(root);
	result_free(&r);
}
END_TEST
#endif /* KAFF_HAVE_JANSSON */

/* ------------------------------------------------------------------------
 * render: standard output, escaping, write errors
 */

/* The XML 1.0 predefined entities back to characters; NULL if @s holds
 * another '&' form or a raw '<', '>', '"'. */
static char *xml_unescape(const char *s, size_t n)
{
	static const struct {
		const char *ent;
		char c;
	} ents[] = { { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' },
		     { "&apos;", '\'' } };
	char *out = malloc(n + 1), *o = out;
	size_t i, e;

	ck_assert(out != NULL);
	for (i = 0; i < n;) {
		if (s[i] == '<' || s[i] == '>' || s[i] == '"') {
			free(out);
			return NULL;
		}
		if (s[i] != '&') {
			*o++ = s[i++];
			continue;
		}
		for (e = 0; e < 5; e++)
			if (!strncmp(s + i, ents[e].ent, strlen(ents[e].ent)))
				break;
		if (e == 5) {
			free(out);
			return NULL;
		}
		*o++ = ents[e].c;
		i += strlen(ents[e].ent);
	}
	*o = '\0';
	return out;
}

/* -o - writes the picture to stdout; a file name with XML's special
 * characters still gives a well-formed picture whose title reads back as
 * the name. */
START_TEST(test_render_stdout_escaped_name)
{
	char scn[512], errbuf[128];
	const char *args[] = { "render", scn, "-o", "-", NULL };
	const char *p, *q;
	struct run_result r;
	char *name;

	tmp_file(scn, sizeof(scn), "a&b\"c'd<e>f.scn");
	write_text(scn, "cpus 4\ncreate A\nwake A\n");
	run_kaff(args, NULL, &r);
	ck_assert_msg(r.status == 0 && r.errlen == 0, "exit %d: %s", r.status, r.err);
	ck_assert_msg(kaff_xml_check(r.out, r.outlen, errbuf, sizeof(errbuf)) == 0,
		      "not well-formed: %s", errbuf);
	/* the title: "kaff render: NAME (kernel ..." */
	p = strstr(r.out, "kaff render: ");
	ck_assert(p != NULL);
	p += strlen("kaff render: ");
	q = strstr(p, " (kernel ");
	ck_assert(q != NULL);
	name = xml_unescape(p, (size_t)(q - p));
	ck_assert_msg(name && !strcmp(name, scn), "title '%.*s' is not the file name %s",
		      (int)(q - p), p, scn);
	free(name);
	unlink(scn);
	result_free(&r);
}
END_TEST

/*
 * A picture that cannot be written: exit 3 and "kaff: render: OUT: ..."
 * (docs/errors.md, kaff.1 EXIT STATUS 3), nothing on stdout. /dev/full
 * takes the open and refuses every byte: a picture of 4 CPUs is smaller
 * than stdio's buffer (the error comes at the close), one of 4096 CPUs
 * and 40 events is much larger (it comes at the write). The same through
 * "-o -" with stdout on /dev/full. The reason is the write's own errno:
 * /dev/full fails every write with ENOSPC (drivers/char/mem.c).
 */
START_TEST(test_render_write_error)
{
	static const char *const outs[] = { "/dev/full", "-" };
	char small[512], big[512], text[1024];
	size_t i, s;

	if (access("/dev/full", W_OK)) {
		printf("# /dev/full not available: skipped\n");
		return;
	}
	tmp_file(small, sizeof(small), "small.scn");
	write_text(small, "cpus 4\ncreate A\nwake A\n");
	tmp_file(big, sizeof(big), "big.scn");
	strcpy(text, "cpus 4096\ncreate A\n");
	for (i = 0; i < 40; i++)
		strcat(text, "wake A\n");
	write_text(big, text);
	for (i = 0; i < 2; i++) {
		for (s = 0; s < 2; s++) {
			const char *args[] = { "render", s ? big : small, "-o", outs[i], NULL };
			struct spawn_opts o = { .out = i ? "/dev/full" : NULL };
			struct run_result r;
			char want[64];

			run_with(args, &o, &r);
			snprintf(want, sizeof(want), "kaff: render: %s: %s\n", outs[i],
				 strerror(ENOSPC));
			ck_assert_msg(r.status == 3 && !strcmp(r.err, want),
				      "-o %s, %s picture: exit %d, stderr '%s'", outs[i],
				      s ? "big" : "small", r.status, r.err);
			ck_assert_uint_eq(r.outlen, 0);
			result_free(&r);
		}
	}
	unlink(small);
	unlink(big);
}
END_TEST

/* ------------------------------------------------------------------------
 * Out of memory, the whole process (as check-oom, for what it does not
 * run: audit --json, and render with refused events)
 */

static void oom_sweep(const char *const *args, const char *data, const char *svg)
{
	struct spawn_opts o = { .shim = true };
	struct run_result clean, r;
	unsigned long n, met = 0;
	char in[512], *clean_svg = NULL, *got;
	size_t clean_len = 0, len;

	data_path(in, sizeof(in), data);
	o.in = in;
	run_with(args, &o, &clean);
	ck_assert_msg(clean.status == 0 || clean.status == 1, "%s: clean run exit %d: %s", data,
		      clean.status, clean.err);
	ck_assert_msg(clean.calls > 0, "%s: the shim counted nothing (not preloaded?)", data);
	if (svg) {
		clean_svg = read_or_fail(svg, &clean_len);
		unlink(svg);
	}
	for (n = 1; n <= clean.calls; n++) {
		o.fail_at = n;
		run_with(args, &o, &r);
		ck_assert_msg(r.status >= 0, "%s: allocation %lu failing: killed by signal %d", data,
			      n, -r.status);
		if (r.calls < n) {
			/* fewer allocations: the failure was not met */
			result_free(&r);
			continue;
		}
		met++;
		got = svg ? kaff_test_read_file(svg, &len) : NULL;
		if (svg)
			unlink(svg);
		if (r.status == clean.status) {
			/* a failure swallowed must not change the result */
			ck_assert_msg(r.outlen == clean.outlen && !memcmp(r.out, clean.out, r.outlen) &&
					      (!svg || (got && len == clean_len &&
							!memcmp(got, clean_svg, len))),
				      "%s: allocation %lu failing: exit %d as a clean run, other output "
				      "(stderr '%s')",
				      data, n, r.status, r.err);
		} else {
			ck_assert_msg(r.status >= 1 && r.status <= 3 && says_out_of_memory(r.err),
				      "%s: allocation %lu failing: exit %d, stderr '%s'", data, n,
				      r.status, r.err);
		}
		free(got);
		result_free(&r);
	}
	ck_assert_msg(met > 0, "%s: no run met a failure", data);
	free(clean_svg);
	result_free(&clean);
}

#ifdef KAFF_HAVE_JANSSON
START_TEST(test_oom_audit_json)
{
	const char *args[] = { "audit", "--json", "-", NULL };

	oom_sweep(args, "auditcov-oom.scn", NULL);
}
END_TEST
#endif

START_TEST(test_oom_render)
{
	char svg[512];
	const char *args[] = { "render", "-", "-o", svg, NULL };

	tmp_file(svg, sizeof(svg), "oom.svg");
	oom_sweep(args, "auditcov-render.scn", svg);
}
END_TEST

static Suite *cli_audit_suite(void)
{
	Suite *s = suite_create("cli-audit");
	TCase *tc = tcase_create("commands");

	tcase_set_timeout(tc, 600);
	tcase_add_loop_test(tc, test_usage, 0, sizeof(usage_cases) / sizeof(usage_cases[0]));
	tcase_add_test(tc, test_short_help);
	tcase_add_test(tc, test_dashdash_stdin);
	tcase_add_test(tc, test_audit_counts_singular);
	tcase_add_test(tc, test_audit_setaffinity_text);
	tcase_add_test(tc, test_audit_task_named_kthreadd);
	tcase_add_test(tc, test_audit_scale_text);
	tcase_add_test(tc, test_audit_boot_warnings);
#ifdef KAFF_HAVE_JANSSON
	tcase_add_test(tc, test_audit_setaffinity);
	tcase_add_test(tc, test_audit_user_filter);
	tcase_add_test(tc, test_audit_boot_cpu);
	tcase_add_test(tc, test_audit_isolate_stale);
	tcase_add_test(tc, test_audit_same_mask);
	tcase_add_test(tc, test_audit_creation);
	tcase_add_test(tc, test_audit_classes);
	tcase_add_test(tc, test_audit_no_wake_json);
#endif
	tcase_add_test(tc, test_render_stdout_escaped_name);
	tcase_add_test(tc, test_render_write_error);
	/* the shim is not built with sanitizers (tests/oom/meson.build) */
	if (failmalloc_so) {
#ifdef KAFF_HAVE_JANSSON
		tcase_add_test(tc, test_oom_audit_json);
#endif
		tcase_add_test(tc, test_oom_render);
	}
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	tools_init("cli-audit");
	return tools_run(cli_audit_suite());
}
