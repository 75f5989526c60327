/* SPDX-License-Identifier: MIT */
/*
 * Conformance suite: every scenario under $KAFF_CASES_DIR/{cases,oracle,
 * handwritten} replayed through the library API.
 *
 * - a `NAME.scn` with a sibling `NAME.trace` must replay to that trace byte
 *   for byte (the failure names the case and its first differing line);
 * - a handwritten case must also have zero failing `expect` lines; a
 *   handwritten case may come without a .trace if it holds `expect` lines:
 *   then only a clean replay and zero expect failures are checked;
 * - every case replays identically twice (and when parsed twice);
 * - an empty (or missing) `cases` directory is a failure, not a skip.
 *
 * The case list is built in main() before the runner starts, so the forked
 * tests inherit it; each case is one iteration of a loop test.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libkaff/scenario.h>

#include "test-common.h"

enum case_kind {
	CASE_TRACE,  /* .scn + .trace */
	CASE_EXPECT, /* handwritten .scn with expect lines, no .trace */
	CASE_EMPTY,  /* handwritten .scn with neither: checks nothing (an error) */
};

struct tcase_entry {
	char *name;  /* "cases/01-default-nonode", for messages */
	char *scn;   /* path of the .scn */
	char *trace; /* path of the .trace, or NULL */
	bool handwritten;
	enum case_kind kind;
};

static struct tcase_entry *all_cases;
static size_t n_all;
/* indexes into all_cases, per test case */
static size_t *idx_trace, n_trace;
static size_t *idx_expect, n_expect;
static size_t *idx_empty, n_empty;
static size_t n_recorded; /* cases found under cases/ */
static const char *cases_dir;
static char setup_error[512];

/* ------------------------------------------------------------------------
 * Per-test state, freed by the checked teardown even when an assertion
 * failed (with CK_FORK=no a failing assertion longjmps out of the test).
 */

#define EXPECT_LOG_MAX 4096

struct replay_out {
	struct kaff_test_buf trace;
	char expect_log[EXPECT_LOG_MAX];
	size_t expect_log_len;
	unsigned long expect_calls;
};

static struct {
	char *text;
	struct kaff_scenario *sc[2];
	struct replay_out *out[3];
	char *want;
} st;

static void state_teardown(void)
{
	size_t i;

	free(st.text);
	for (i = 0; i < 2; i++)
		kaff_scenario_free(st.sc[i]);
	for (i = 0; i < 3; i++) {
		if (st.out[i]) {
			kaff_test_buf_free(&st.out[i]->trace);
			free(st.out[i]);
		}
	}
	free(st.want);
	memset(&st, 0, sizeof(st));
}

static void state_setup(void)
{
	memset(&st, 0, sizeof(st));
}

/* ------------------------------------------------------------------------
 * Case discovery
 */

/* malloc'd concatenation of @a, @b, @c and @d */
static char *str_cat(const char *a, const char *b, const char *c, const char *d)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c), ld = strlen(d);
	char *s = malloc(la + lb + lc + ld + 1);

	if (!s)
		return NULL;
	memcpy(s, a, la);
	memcpy(s + la, b, lb);
	memcpy(s + la + lb, c, lc);
	memcpy(s + la + lb + lc, d, ld);
	s[la + lb + lc + ld] = '\0';
	return s;
}

static bool is_regular(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* true if the text holds a line whose first token is `expect` */
static bool has_expect_line(const char *text)
{
	const char *p = text;

	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!strncmp(p, "expect", 6) && (p[6] == ' ' || p[6] == '\t'))
			return true;
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool add_case(struct tcase_entry *c)
{
	struct tcase_entry *n = realloc(all_cases, (n_all + 1) * sizeof(*n));

	if (!n)
		return false;
	all_cases = n;
	all_cases[n_all++] = *c;
	return true;
}

/*
 * Scan @dir/@sub for *.scn. A missing directory is fine (oracle/ and
 * handwritten/ may not exist yet); whether cases/ is empty is judged by
 * the inventory test. Returns false only on out of memory.
 */
static bool scan_dir(const char *dir, const char *sub, bool handwritten, size_t *found)
{
	char *path = str_cat(dir, "/", sub, "");
	char **names = NULL;
	size_t nnames = 0, i;
	struct dirent *de;
	DIR *d;
	bool ok = true;

	*found = 0;
	if (!path)
		return false;
	d = opendir(path);
	if (!d) {
		free(path);
		return true;
	}
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char **nn;

		if (len <= 4 || strcmp(de->d_name + len - 4, ".scn"))
			continue;
		nn = realloc(names, (nnames + 1) * sizeof(*nn));
		if (!nn) {
			ok = false;
			break;
		}
		names = nn;
		names[nnames] = malloc(len - 3);
		if (!names[nnames]) {
			ok = false;
			break;
		}
		memcpy(names[nnames], de->d_name, len - 4);
		names[nnames][len - 4] = '\0';
		nnames++;
	}
	closedir(d);
	if (nnames)
		qsort(names, nnames, sizeof(*names), cmp_str);
	for (i = 0; ok && i < nnames; i++) {
		struct tcase_entry c = { 0 };

		c.handwritten = handwritten;
		c.name = str_cat(sub, "/", names[i], "");
		c.scn = str_cat(path, "/", names[i], ".scn");
		c.trace = str_cat(path, "/", names[i], ".trace");
		if (!c.name || !c.scn || !c.trace) {
			ok = false;
		} else if (!is_regular(c.scn)) {
			/* a directory called x.scn: ignore */
			free(c.name);
			free(c.scn);
			free(c.trace);
			continue;
		} else if (is_regular(c.trace)) {
			c.kind = CASE_TRACE;
		} else {
			char *text;

			free(c.trace);
			c.trace = NULL;
			if (!handwritten) {
				/* recorded cases without a trace are not cases */
				free(c.name);
				free(c.scn);
				continue;
			}
			text = kaff_test_read_file(c.scn, NULL);
			c.kind = text && has_expect_line(text) ? CASE_EXPECT : CASE_EMPTY;
			free(text);
		}
		if (ok && add_case(&c)) {
			(*found)++;
			continue;
		}
		ok = false;
		free(c.name);
		free(c.scn);
		free(c.trace);
	}
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	free(path);
	return ok;
}

static bool build_index(void)
{
	size_t i;

	idx_trace = calloc(n_all + 1, sizeof(size_t));
	idx_expect = calloc(n_all + 1, sizeof(size_t));
	idx_empty = calloc(n_all + 1, sizeof(size_t));
	if (!idx_trace || !idx_expect || !idx_empty)
		return false;
	for (i = 0; i < n_all; i++) {
		switch (all_cases[i].kind) {
		case CASE_TRACE:
			idx_trace[n_trace++] = i;
			break;
		case CASE_EXPECT:
			idx_expect[n_expect++] = i;
			break;
		case CASE_EMPTY:
			idx_empty[n_empty++] = i;
			break;
		}
	}
	return true;
}

static void discover(void)
{
	size_t found;

	cases_dir = kaff_test_env_dir("KAFF_CASES_DIR");
	if (!cases_dir) {
		snprintf(setup_error, sizeof(setup_error), "KAFF_CASES_DIR is not set");
		return;
	}
	if (!scan_dir(cases_dir, "cases", false, &n_recorded) ||
	    !scan_dir(cases_dir, "oracle", false, &found) ||
	    !scan_dir(cases_dir, "handwritten", true, &found) || !build_index())
		snprintf(setup_error, sizeof(setup_error), "out of memory listing the cases");
}

static void free_cases(void)
{
	size_t i;

	for (i = 0; i < n_all; i++) {
		free(all_cases[i].name);
		free(all_cases[i].scn);
		free(all_cases[i].trace);
	}
	free(all_cases);
	free(idx_trace);
	free(idx_expect);
	free(idx_empty);
}

/* ------------------------------------------------------------------------
 * Replay helpers
 */

static int out_write(void *data, const char *buf, size_t len)
{
	struct replay_out *o = data;

	return kaff_test_buf_write(&o->trace, buf, len);
}

static void out_expect_failed(void *data, unsigned int line, const char *name,
			      const char *want, const char *got)
{
	struct replay_out *o = data;
	size_t room = sizeof(o->expect_log) - o->expect_log_len;
	int n;

	o->expect_calls++;
	if (room <= 1)
		return;
	n = snprintf(o->expect_log + o->expect_log_len, room,
		     " [line %u: expect %s %s, the mask is %s]", line, name, want, got);
	if (n < 0)
		return;
	o->expect_log_len += (size_t)n < room ? (size_t)n : room - 1;
}

/* Parse the case's .scn into st.sc[slot]; fails the test on any error. */
static const struct kaff_scenario *parse_case(const struct tcase_entry *c, int slot)
{
	struct kaff_scenario_error err = { 0 };
	size_t len;
	int ret;

	free(st.text);
	st.text = kaff_test_read_file(c->scn, &len);
	ck_assert_msg(st.text != NULL, "%s: cannot read %s", c->name, c->scn);
	ret = kaff_scenario_parse(st.text, len, NULL, &st.sc[slot], &err);
	ck_assert_msg(ret == 0, "%s: kaff_scenario_parse() = %d: %s:%u:%u: %s", c->name, ret,
		      c->scn, err.line, err.col, err.msg);
	ck_assert_msg(st.sc[slot] != NULL, "%s: parse returned no scenario", c->name);
	return st.sc[slot];
}

/* Replay @sc into a fresh st.out[slot]; fails the test unless it returns 0. */
static struct replay_out *replay_case(const struct tcase_entry *c,
				      const struct kaff_scenario *sc, int slot,
				      struct kaff_replay_result *res)
{
	struct kaff_replay_ops ops = { 0 };
	struct replay_out *o;
	int ret;

	o = st.out[slot] = calloc(1, sizeof(*o));
	ck_assert_msg(o != NULL, "%s: out of memory", c->name);
	memset(res, 0, sizeof(*res));
	ops.write_trace = out_write;
	ops.expect_failed = out_expect_failed;
	ops.data = o;
	ret = kaff_scenario_replay(sc, &ops, res);
	ck_assert_msg(ret == 0, "%s: kaff_scenario_replay() = %d (%s) at line %u", c->name, ret,
		      ret ? kaff_strerrorname(ret) : "", res->error_line);
	ck_assert_msg(res->expect_failures == o->expect_calls,
		      "%s: replay counted %lu expect failures but reported %lu", c->name,
		      res->expect_failures, o->expect_calls);
	return o;
}

static const char *trace_text(const struct replay_out *o)
{
	return o->trace.data ? o->trace.data : "";
}

/* Copy line @no (1-based) of @s, at most @cap-1 bytes, or "<end of file>". */
static void nth_line(const char *s, size_t len, unsigned int no, char *buf, size_t cap)
{
	const char *p = s, *end = s + len, *nl;
	unsigned int i;
	size_t n;

	for (i = 1; i < no && p < end; i++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	if (p >= end) {
		snprintf(buf, cap, "<end of file>");
		return;
	}
	nl = memchr(p, '\n', (size_t)(end - p));
	n = nl ? (size_t)(nl - p) : (size_t)(end - p);
	if (n > cap - 3)
		n = cap - 3;
	buf[0] = '"';
	memcpy(buf + 1, p, n);
	buf[n + 1] = '"';
	buf[n + 2] = '\0';
}

/* The 1-based line where @a and @b first differ (they must differ). */
static unsigned int first_diff_line(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i, n = alen < blen ? alen : blen;
	unsigned int line = 1;

	for (i = 0; i < n && a[i] == b[i]; i++)
		if (a[i] == '\n')
			line++;
	return line;
}

static void assert_same_text(const char *what, const char *name, const char *want,
			     size_t wlen, const char *got, size_t glen)
{
	char wl[160], gl[160];
	unsigned int line;

	if (wlen == glen && !memcmp(want, got, wlen))
		return;
	line = first_diff_line(want, wlen, got, glen);
	nth_line(want, wlen, line, wl, sizeof(wl));
	nth_line(got, glen, line, gl, sizeof(gl));
	ck_abort_msg("%s: %s differs at line %u: expected %s, got %s "
		     "(expected %zu bytes, got %zu)",
		     name, what, line, wl, gl, wlen, glen);
}

/* ------------------------------------------------------------------------
 * Tests
 */

START_TEST(test_inventory)
{
	ck_assert_msg(setup_error[0] == '\0', "%s", setup_error);
	ck_assert_msg(n_recorded > 0, "no case (*.scn with a *.trace) under %s/cases",
		      cases_dir);
}
END_TEST

/* a handwritten .scn with neither a .trace nor an expect line checks nothing */
START_TEST(test_handwritten_checks_something)
{
	const struct tcase_entry *c = &all_cases[idx_empty[_i]];

	ck_abort_msg("%s: handwritten scenario with no .trace and no expect line", c->name);
}
END_TEST

START_TEST(test_trace)
{
	const struct tcase_entry *c = &all_cases[idx_trace[_i]];
	struct kaff_replay_result res;
	const struct kaff_scenario *sc;
	struct replay_out *o;
	size_t wlen;

	sc = parse_case(c, 0);
	o = replay_case(c, sc, 0, &res);
	st.want = kaff_test_read_file(c->trace, &wlen);
	ck_assert_msg(st.want != NULL, "%s: cannot read %s", c->name, c->trace);
	assert_same_text("trace", c->name, st.want, wlen, trace_text(o), o->trace.len);
	if (c->handwritten)
		ck_assert_msg(res.expect_failures == 0, "%s: %lu expect line(s) failed:%s",
			      c->name, res.expect_failures, o->expect_log);
}
END_TEST

START_TEST(test_expect)
{
	const struct tcase_entry *c = &all_cases[idx_expect[_i]];
	struct kaff_replay_result res;
	const struct kaff_scenario *sc;
	struct replay_out *o;

	sc = parse_case(c, 0);
	o = replay_case(c, sc, 0, &res);
	ck_assert_msg(res.events > 0, "%s: no event replayed", c->name);
	ck_assert_msg(res.expect_failures == 0, "%s: %lu expect line(s) failed:%s", c->name,
		      res.expect_failures, o->expect_log);
}
END_TEST

/* replay twice from one parse, and once more from a second parse */
START_TEST(test_deterministic)
{
	const struct tcase_entry *c = &all_cases[_i];
	struct kaff_replay_result r[3];
	const struct kaff_scenario *sc0, *sc1;
	struct replay_out *o[3];
	int k;

	sc0 = parse_case(c, 0);
	sc1 = parse_case(c, 1);
	o[0] = replay_case(c, sc0, 0, &r[0]);
	o[1] = replay_case(c, sc0, 1, &r[1]);
	o[2] = replay_case(c, sc1, 2, &r[2]);
	for (k = 1; k < 3; k++) {
		assert_same_text(k == 1 ? "second replay" : "replay of a second parse", c->name,
				 trace_text(o[0]), o[0]->trace.len, trace_text(o[k]),
				 o[k]->trace.len);
		ck_assert_msg(r[k].events == r[0].events &&
				      r[k].expect_failures == r[0].expect_failures,
			      "%s: replay %d ran %lu events with %lu expect failures, the first "
			      "%lu with %lu",
			      c->name, k + 1, r[k].events, r[k].expect_failures, r[0].events,
			      r[0].expect_failures);
		ck_assert_msg(strcmp(o[k]->expect_log, o[0]->expect_log) == 0,
			      "%s: replay %d reported other expect failures", c->name, k + 1);
	}
}
END_TEST

static TCase *new_tcase(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, state_setup, state_teardown);
	tcase_set_timeout(tc, 60);
	return tc;
}

static Suite *conformance_suite(void)
{
	Suite *s = suite_create("conformance");
	TCase *tc;

	tc = new_tcase("inventory");
	tcase_add_test(tc, test_inventory);
	if (n_empty)
		tcase_add_loop_test(tc, test_handwritten_checks_something, 0, (int)n_empty);
	suite_add_tcase(s, tc);

	tc = new_tcase("trace");
	if (n_trace)
		tcase_add_loop_test(tc, test_trace, 0, (int)n_trace);
	suite_add_tcase(s, tc);

	tc = new_tcase("expect");
	if (n_expect)
		tcase_add_loop_test(tc, test_expect, 0, (int)n_expect);
	suite_add_tcase(s, tc);

	tc = new_tcase("determinism");
	if (n_all)
		tcase_add_loop_test(tc, test_deterministic, 0, (int)n_all);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	discover();
	sr = srunner_create(conformance_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	free_cases();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
