/* SPDX-License-Identifier: MIT */
/*
 * kaff run --json and kaff diff --json (docs/json.md), parsed back with
 * jansson:
 *   - every recorded conformance case: the trace rebuilt from run's JSON
 *     (its shows and its events' errors) is the trace the real kernel
 *     printed, byte for byte;
 *   - examples/demo.scn under 7.3 and 6.14: the masks the README reasons
 *     out, and the failed expects under 6.14 with what they wanted;
 *   - diff-nohz.scn: the differences the kernel rules predict and the
 *     profile field that explains them; two profiles that agree.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tools-common.h"

static json_t *parse_or_fail(const struct run_result *r)
{
	json_error_t jerr;
	json_t *root = json_loadb(r->out, r->outlen, 0, &jerr);

	ck_assert_msg(root != NULL, "not JSON (line %d: %s): %s", jerr.line, jerr.text, r->out);
	ck_assert_msg(json_is_object(root), "not an object");
	return root;
}

static const char *str(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	ck_assert_msg(json_is_string(v), "'%s' is not a string", key);
	return json_string_value(v);
}

static json_int_t num(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	ck_assert_msg(json_is_integer(v), "'%s' is not an integer", key);
	return json_integer_value(v);
}

static void check_schema(json_t *root, const char *name)
{
	ck_assert_str_eq(str(root, "schema"), name);
	ck_assert_int_eq(num(root, "schema_version"), 1);
}

/*
 * The trace format (docs/scenario-format.md) from run's JSON: a show is
 * "show N" and "NAME MASK" per task; an error is "! COMMAND ARG ERRNO",
 * COMMAND ARG being the event's first two words.
 */
static char *trace_of(json_t *root)
{
	json_t *events = json_object_get(root, "events"), *ev, *t;
	size_t cap = 1 << 16, len = 0, i, j;
	char *out = malloc(cap);

	ck_assert(out != NULL && json_is_array(events));
	out[0] = '\0';
	json_array_foreach(events, i, ev) {
		char line[512];

		ck_assert_int_eq(num(ev, "index"), (json_int_t)i);
		if (json_object_get(ev, "error")) {
			const char *e = str(ev, "event"), *sp = strchr(e, ' ');
			const char *sp2 = sp ? strchr(sp + 1, ' ') : NULL;
			int n = sp2 ? (int)(sp2 - e) : (int)strlen(e);

			snprintf(line, sizeof(line), "! %.*s %s\n", n, e, str(ev, "error"));
		} else if (json_object_get(ev, "show")) {
			snprintf(line, sizeof(line), "show %lld\n", (long long)num(ev, "show"));
		} else {
			continue;
		}
		for (;;) {
			size_t need = len + strlen(line) + 1;

			if (need <= cap)
				break;
			cap *= 2;
			out = realloc(out, cap);
			ck_assert(out != NULL);
		}
		strcpy(out + len, line);
		len += strlen(line);
		json_array_foreach(json_object_get(ev, "tasks"), j, t) {
			snprintf(line, sizeof(line), "%s %s\n", str(t, "name"), str(t, "mask"));
			while (len + strlen(line) + 1 > cap) {
				cap *= 2;
				out = realloc(out, cap);
				ck_assert(out != NULL);
			}
			strcpy(out + len, line);
			len += strlen(line);
		}
	}
	return out;
}

/* Every recorded case: run --json tells the recorded trace, exactly. */
START_TEST(test_run_json_cases)
{
	char dir[512];
	struct dirent *de;
	unsigned int n = 0;
	DIR *d;

	ck_assert_msg(cases_dir != NULL, "KAFF_CASES_DIR is not set");
	path_of(dir, sizeof(dir), cases_dir, "cases");
	d = opendir(dir);
	ck_assert_msg(d != NULL, "%s", dir);
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		char scn[1024], trace[1024], *want, *got;
		const char *args[] = { "run", "--json", scn, NULL };
		struct run_result r;
		json_t *root;

		if (l < 5 || strcmp(de->d_name + l - 4, ".scn"))
			continue;
		snprintf(scn, sizeof(scn), "%s/%s", dir, de->d_name);
		snprintf(trace, sizeof(trace), "%s/%.*s.trace", dir, (int)(l - 4), de->d_name);
		want = read_or_fail(trace, NULL);
		run_kaff(args, NULL, &r);
		ck_assert_msg(r.status == 0, "%s: exit %d: %s", de->d_name, r.status, r.err);
		root = parse_or_fail(&r);
		check_schema(root, "kaff-run");
		ck_assert_int_eq(num(root, "expect_failures"), 0);
		ck_assert_int_eq(num(root, "events_run"), (json_int_t)json_array_size(json_object_get(root, "events")));
		got = trace_of(root);
		ck_assert_msg(!strcmp(got, want), "%s: the trace from --json:\n%s\n--- recorded:\n%s",
			      de->d_name, got, want);
		free(got);
		free(want);
		json_decref(root);
		result_free(&r);
		n++;
	}
	closedir(d);
	ck_assert_msg(n >= 50, "only %u cases", n);
}
END_TEST

/* The event of @root whose "show" is @n. */
static json_t *show(json_t *root, int n)
{
	json_t *ev;
	size_t i;

	json_array_foreach(json_object_get(root, "events"), i, ev) {
		json_t *s = json_object_get(ev, "show");

		if (s && json_integer_value(s) == n)
			return ev;
	}
	ck_abort_msg("no show %d", n);
	return NULL;
}

static void check_task(json_t *ev, size_t i, const char *name, const char *mask)
{
	json_t *t = json_array_get(json_object_get(ev, "tasks"), i);

	ck_assert_msg(t != NULL, "no task %zu", i);
	ck_assert_str_eq(str(t, "name"), name);
	ck_assert_str_eq(str(t, "mask"), mask);
}

/*
 * examples/demo.scn (README): two nodes 0-3 and 4-7, isolcpus=domain,7.
 * Under 7.3 hk(DOMAIN) = 0-6 restricts kthreads: show 1 is D 0-6, N 0-6
 * (kthreadd's mask at creation), P 5-6 (5-7 & hk); offline 0 is refused
 * with ENOENT (x86); at the end N is node 1's online CPUs & hk = 4,6 and P
 * its preference's online part 5-6 once CPU 6 is back.
 * Under 6.14 isolcpus= (domain) does not restrict kthreads (HK_TYPE_
 * KERNEL_NOISE is all CPUs): D is 0-7 at show 1, so "expect D 0-6" fails
 * with the mask 0-7, and kaff exits 1.
 */
START_TEST(test_run_json_demo)
{
	char demo[512];
	const char *a73[] = { "run", "-J", demo, NULL };
	const char *a614[] = { "run", "--json", "--kernel=6.14", demo, NULL };
	struct run_result r;
	json_t *root, *ev, *fail = NULL;
	size_t i;
	int errors = 0;

	ck_assert(src_dir != NULL);
	path_of(demo, sizeof(demo), src_dir, "examples/demo.scn");
	run_kaff(a73, NULL, &r);
	ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
	root = parse_or_fail(&r);
	check_schema(root, "kaff-run");
	ck_assert_str_eq(str(root, "kernel"), "7.3");
	ck_assert_int_eq(num(root, "cpus"), 8);
	ev = show(root, 1);
	check_task(ev, 0, "D", "0-6");
	check_task(ev, 1, "N", "0-6");
	check_task(ev, 2, "P", "5-6");
	json_array_foreach(json_object_get(root, "events"), i, ev) {
		if (!json_object_get(ev, "error"))
			continue;
		ck_assert_str_eq(str(ev, "event"), "offline 0");
		ck_assert_str_eq(str(ev, "error"), "ENOENT");
		errors++;
	}
	ck_assert_int_eq(errors, 1);
	ev = show(root, 4);
	check_task(ev, 1, "N", "4,6");
	check_task(ev, 2, "P", "5-6");
	json_decref(root);
	result_free(&r);

	run_kaff(a614, NULL, &r);
	ck_assert_msg(r.status == 1, "exit %d: %s", r.status, r.err);
	root = parse_or_fail(&r);
	ck_assert_str_eq(str(root, "kernel"), "6.14");
	check_task(show(root, 1), 0, "D", "0-7");
	json_array_foreach(json_object_get(root, "events"), i, ev) {
		if (json_object_get(ev, "expect_failed") && !fail)
			fail = ev;
	}
	ck_assert_msg(fail != NULL, "no failed expect");
	ck_assert_str_eq(str(fail, "event"), "expect D 0-6");
	ck_assert_str_eq(str(json_object_get(fail, "expect_failed"), "want"), "0-6");
	ck_assert_str_eq(str(json_object_get(fail, "expect_failed"), "got"), "0-7");
	ck_assert_int_ge(num(root, "expect_failures"), 1);
	json_decref(root);
	result_free(&r);
}
END_TEST

/*
 * diff-nohz.scn: 4 CPUs, nohz_full=3, A prefers 2-3, wakes, CPU 2 goes
 * offline, A wakes again. 6.14 restricts kthreads to hk(KERNEL_NOISE) =
 * 0-2, 7.3 to hk(DOMAIN) = 0-3 (nohz_full= alone no longer counts):
 *   boot: kthreadd 0-2 / 0-3;  create A: 0-2 / 0-3 (kthreadd's mask);
 *   prefer A 2-3: 2 / 2-3 (preference & hk);  the first wake keeps them;
 *   offline 2 touches no sleeping kthread;  the second wake: under 6.14 A's
 *   mask (2) has no online CPU, so the scheduler fallback gives it every
 *   CPU, 0-3; under 7.3 A keeps 2-3 (CPU 3 is online).
 * Each one is explained by kthread_hk alone.
 */
START_TEST(test_diff_json)
{
	static const struct {
		int point;
		const char *event, *task, *a, *b;
	} want[] = {
		{ 0, NULL, "kthreadd", "0-2", "0-3" },
		{ 1, "create A", "A", "0-2", "0-3" },
		{ 2, "prefer A 2-3", "A", "2", "2-3" },
		{ 5, "wake A", "A", "0-3", "2-3" },
	};
	char in[512];
	const char *args[] = { "diff", "--json", in, NULL };
	const char *agree[] = { "diff", "-J", "-k", "7.2", "--kernel", "7.3", in, NULL };
	struct run_result r;
	json_t *root, *diffs, *fields, *d;
	size_t i;

	data_path(in, sizeof(in), "diff-nohz.scn");
	run_kaff(args, NULL, &r);
	ck_assert_msg(r.status == 1, "exit %d: %s", r.status, r.err);
	root = parse_or_fail(&r);
	check_schema(root, "kaff-diff");
	ck_assert_str_eq(str(json_object_get(root, "a"), "kernel"), "6.14");
	ck_assert_str_eq(str(json_object_get(root, "b"), "kernel"), "7.3");
	ck_assert(json_is_false(json_object_get(root, "identical")));
	diffs = json_object_get(root, "differences");
	ck_assert_int_eq(json_array_size(diffs), 4);
	for (i = 0; i < 4; i++) {
		d = json_array_get(diffs, i);
		ck_assert_int_eq(num(d, "point"), want[i].point);
		if (want[i].event)
			ck_assert_str_eq(str(d, "event"), want[i].event);
		else
			ck_assert(json_is_null(json_object_get(d, "event")));
		ck_assert_str_eq(str(d, "task"), want[i].task);
		ck_assert_str_eq(str(d, "a"), want[i].a);
		ck_assert_str_eq(str(d, "b"), want[i].b);
		ck_assert_int_eq(json_array_size(json_object_get(d, "explained_by")), 1);
		ck_assert_str_eq(json_string_value(json_array_get(json_object_get(d, "explained_by"), 0)),
				 "kthread_hk");
	}
	fields = json_object_get(root, "fields");
	d = NULL;
	json_array_foreach(fields, i, d) {
		if (!strcmp(str(d, "key"), "kthread_hk"))
			break;
	}
	ck_assert_msg(d && i < json_array_size(fields), "no kthread_hk field");
	ck_assert_str_eq(str(d, "values"), "6.14 HK_TYPE_KERNEL_NOISE, 7.3 HK_TYPE_DOMAIN");
	ck_assert_int_eq(json_array_size(json_object_get(d, "explains")), 4);
	json_decref(root);
	result_free(&r);

	/* 7.2 and 7.3 follow the same rules: nothing differs, exit 0 */
	run_kaff(agree, NULL, &r);
	ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
	root = parse_or_fail(&r);
	ck_assert(json_is_true(json_object_get(root, "identical")));
	ck_assert_int_eq(json_array_size(json_object_get(root, "differences")), 0);
	ck_assert_int_eq(json_array_size(json_object_get(root, "fields")), 0);
	json_decref(root);
	result_free(&r);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("json");

	tools_init("cli-json");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_run_json_cases);
	tcase_add_test(tc, test_run_json_demo);
	tcase_add_test(tc, test_diff_json);
	suite_add_tcase(s, tc);
	return tools_run(s);
}
