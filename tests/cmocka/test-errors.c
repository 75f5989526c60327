/* SPDX-License-Identifier: MIT */
/*
 * The bad-input contract of docs/errors.md, through the C API: one test
 * per row of its table (the CLI side is tests/check/test-errors.c).
 *
 * Scenario rows: kaff_scenario_parse() returns -EINVAL with the position
 * and message the table gives, and no scenario. API rows: the errno the
 * table gives, and for libkaff's own refusals a context left exactly as
 * it was (kaff_ctx_check_unchanged()).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <libkaff/kaff.h>

static char why[256];

/* ---- scenario text ------------------------------------------------------- */

struct bad_scn {
	const char *row;        /* docs/errors.md row */
	const char *text;
	size_t len;             /* 0: strlen(text) */
	unsigned int line, col;
	const char *msg;        /* the whole message */
};

#define SCN(row, text, line, col, msg) { row, text, 0, line, col, msg }
#define SCN_N(row, text, line, col, msg) { row, text, sizeof(text) - 1, line, col, msg }

static char long_word[120 + 20];
static char long_line[100000];

static const struct bad_scn bad_scns[] = {
	SCN("syntax", "cpus 4\nfoo\n", 2, 1, "unknown command 'foo'"),
	SCN("syntax", "cpus 4\nshow 1\n", 2, 6, "'show' takes 0 arguments"),
	SCN("syntax", "cpus 4\ncreate\n", 2, 1, "'create' takes 1 or more arguments"),
	SCN("syntax", "cpus 4\ncreate 1A\n", 2, 8,
	    "'1A' is not a task name (a letter or _, then printable ASCII but no space or #, 63 bytes at most)"),
	SCN("syntax", "cpus 4\ncreate A\nprefer A 3-1\n", 3, 10, "bad CPU list '3-1' (EINVAL)"),
	SCN("syntax", "cpus 4\ncreate A\ncpus 4\n", 3, 1,
	    "header command 'cpus' after the first event"),
	SCN("syntax", "cpus 4\ncpus 4\n", 2, 1, "'cpus' given twice"),
	SCN("syntax", "kernel 6.13\ncpus 4\n", 1, 8,
	    "kernel '6.13' is not supported (profiles 6.14 to 7.3)"),
	SCN("syntax", "cpus 4\nboot quiet\n", 2, 6,
	    "boot parameter 'quiet' is not nohz_full= or isolcpus="),
	SCN("syntax", "cpus 4\ncreate A\nisolate 1\n", 3, 1,
	    "isolate is modelled from 7.0 on (kernel 6.14)"),
	SCN("out-of-range CPU", "cpus 4\noffline 4\n", 2, 9, "CPU 4 does not exist (cpus 4)"),
	SCN("out-of-range CPU", "cpus 4\ncreate A\nprefer A 0-4\n", 3, 10,
	    "list '0-4' holds a CPU >= cpus 4"),
	SCN("out-of-range CPU", "cpus 4\ncreate_on_cpu A 7\n", 2, 17,
	    "CPU 7 does not exist (cpus 4)"),
	SCN("unknown node", "cpus 4\ncreate A node=1\n", 2, 10, "node 1 does not exist (1 node)"),
	SCN("unknown node", "cpus 4\nnode 0 0-1\nnode 2 2-3\ncreate A\n", 3, 6,
	    "node 2: node IDs must be 0 to 1 (node 1 is missing)"),
	SCN("duplicate task name", "cpus 4\ncreate A\ncreate A\n", 3, 8, "task 'A' exists already"),
	SCN("unknown task", "cpus 4\nwake B\n", 2, 6, "task 'B' does not exist"),
	SCN("event on a stopped task", "cpus 4\ncreate A\nstop A\nwake A\n", 4, 6,
	    "task 'A' was stopped"),
	SCN("oversize number", "cpus 99999\n", 1, 6, "cpus must be 1 to 8192, not '99999'"),
	SCN("oversize number", "cpus 4\noffline 99999999999999999999\n", 2, 9,
	    "CPU 99999999999999999999 does not exist (cpus 4)"),
	SCN("oversize number", "cpus 4\ncreate A\nprefer A 99999999999\n", 3, 10,
	    "bad CPU list '99999999999' (EOVERFLOW)"),
	SCN("oversize number", "cpus 4\ncreate A node=99999999999999\n", 2, 10,
	    "node 99999999999999 does not exist (1 node)"),
	SCN_N("embedded NUL", "cpus 4\ncreate A\0B\n", 2, 9, "NUL byte in the file"),
	SCN("overlong line", "cpus 4\na b c d e f g h i\n", 2, 17, "too many words on one line"),
	SCN("overlong line", long_word, 2, 8,
	    "'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA...' is not a task name (a letter or _, then printable ASCII but no space or #, 63 bytes at most)"),
	SCN("empty file", "", 1, 1, "no 'cpus' line (every scenario needs one)"),
	SCN("empty file", "\n# only a comment\n\n", 1, 1,
	    "no 'cpus' line (every scenario needs one)"),
	SCN("binary garbage", "cpus 4\n\xff\xfe\x80 x\n", 2, 1, "unknown command '\\xff\\xfe\\x80'"),
	SCN("binary garbage", "cpus 4\ncre\x1b" "ate A\n", 2, 4, "control character 0x1b"),
	SCN("binary garbage", "cpus 4\r\n", 1, 7, "carriage return (CRLF line ends are not allowed)"),
};

static void test_scenario_rows(void **state)
{
	size_t i;

	(void)state;
	memset(long_word, 0, sizeof(long_word));
	strcpy(long_word, "cpus 4\ncreate ");
	memset(long_word + strlen(long_word), 'A', 120);
	strcat(long_word, "\n");
	for (i = 0; i < sizeof(bad_scns) / sizeof(bad_scns[0]); i++) {
		const struct bad_scn *b = &bad_scns[i];
		struct kaff_scenario_error err;
		struct kaff_scenario *sc = (struct kaff_scenario *)&err;
		size_t len = b->len ? b->len : strlen(b->text);
		int ret = kaff_scenario_parse(b->text, len, NULL, &sc, &err);

		if (ret != -EINVAL || err.line != b->line || err.col != b->col ||
		    strcmp(err.msg, b->msg))
			fail_msg("row '%s', input %zu: got %s %u:%u '%s', want EINVAL %u:%u '%s'",
				 b->row, i, kaff_strerrorname(ret), err.line, err.col, err.msg,
				 b->line, b->col, b->msg);
		assert_null(sc);
	}
}

/*
 * A line of KAFF_SCENARIO_LINE_MAX bytes of valid words parses (a long
 * valid cpulist); one byte more is refused where that byte stands, a
 * comment included (scenario.h: the limit counts the whole line).
 */
static void test_overlong_valid_line(void **state)
{
	static const char head[] = "cpus 8192\ncreate A\n";
	struct kaff_scenario_error err;
	struct kaff_scenario *sc;
	size_t n, start = sizeof(head) - 1;

	(void)state;
	n = (size_t)snprintf(long_line, sizeof(long_line), "%sprefer A ", head);
	while (n - start < KAFF_SCENARIO_LINE_MAX - 8)
		n += (size_t)snprintf(long_line + n, sizeof(long_line) - n, "%zu,", (n * 7) % 8192);
	/* pad the list's last number with zeros up to the limit exactly */
	while (n - start < KAFF_SCENARIO_LINE_MAX - 1)
		long_line[n++] = '0';
	long_line[n++] = '1';
	assert_int_equal(n - start, KAFF_SCENARIO_LINE_MAX);
	strcpy(long_line + n, "\n");
	assert_int_equal(kaff_scenario_parse(long_line, strlen(long_line), NULL, &sc, NULL), 0);
	assert_int_equal(kaff_scenario_nr_events(sc), 2);
	kaff_scenario_free(sc);
	/* one byte more, as a comment: refused at column LINE_MAX + 1 */
	strcpy(long_line + n, "#\n");
	assert_int_equal(kaff_scenario_parse(long_line, strlen(long_line), NULL, &sc, &err), -EINVAL);
	assert_null(sc);
	assert_int_equal(err.line, 3);
	assert_int_equal(err.col, KAFF_SCENARIO_LINE_MAX + 1);
	assert_string_equal(err.msg, "line longer than 65536 bytes");
	/* a comment line: 65,536 bytes pass, the next byte does not, even
	 * a NUL (the length is checked first, byte by byte) */
	n = (size_t)snprintf(long_line, sizeof(long_line), "cpus 4\n#");
	memset(long_line + n, 'x', KAFF_SCENARIO_LINE_MAX - 1);
	n += KAFF_SCENARIO_LINE_MAX - 1;
	assert_int_equal(kaff_scenario_parse(long_line, n, NULL, &sc, &err), 0);
	kaff_scenario_free(sc);
	long_line[n] = '\0';
	assert_int_equal(kaff_scenario_parse(long_line, n + 1, NULL, &sc, &err), -EINVAL);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.col, KAFF_SCENARIO_LINE_MAX + 1);
	assert_string_equal(err.msg, "line longer than 65536 bytes");
	/* one byte earlier, the NUL is the error */
	long_line[n - 1] = '\0';
	assert_int_equal(kaff_scenario_parse(long_line, n, NULL, &sc, &err), -EINVAL);
	assert_int_equal(err.col, KAFF_SCENARIO_LINE_MAX);
	assert_string_equal(err.msg, "NUL byte in the file");
}

/* Regression (fuzz-scenario): a 'cpus' number of more than 23 characters
 * (leading zeros) was read as 0 by the pre-scan but accepted by the main
 * pass, and the first list then went to a NULL mask. */
static void test_cpus_with_many_leading_zeros(void **state)
{
	static const char text[] =
		"cpus 00000000000000000000000000000000000000000000000000000046\n"
		"boot nohz_full=8-N:2/4\ncreate A\nprefer A 0-N\nshow\n";
	struct kaff_scenario *sc;

	(void)state;
	assert_int_equal(kaff_scenario_parse(text, sizeof(text) - 1, NULL, &sc, NULL), 0);
	assert_int_equal(kaff_scenario_nr_events(sc), 3);
	kaff_scenario_free(sc);
}

/* The empty file and a NULL text. */
static void test_empty_input(void **state)
{
	struct kaff_scenario_error err;
	struct kaff_scenario *sc;

	(void)state;
	assert_int_equal(kaff_scenario_parse(NULL, 0, NULL, &sc, &err), -EINVAL);
	assert_string_equal(err.msg, "no 'cpus' line (every scenario needs one)");
	assert_int_equal(kaff_scenario_parse(NULL, 5, NULL, &sc, &err), -EINVAL);
	assert_int_equal(kaff_scenario_parse("cpus 4\n", 7, NULL, NULL, &err), -EINVAL);
	/* a header and no event: valid */
	assert_int_equal(kaff_scenario_parse("cpus 4\n", 7, NULL, &sc, &err), 0);
	assert_int_equal(kaff_scenario_nr_events(sc), 0);
	kaff_scenario_free(sc);
}

/* ---- API rows ----------------------------------------------------------- */

static struct kaff_ctx *booted(unsigned int cpus)
{
	struct kaff_ctx *ctx = kaff_ctx_new(NULL, cpus, NULL);

	assert_non_null(ctx);
	assert_int_equal(kaff_machine_boot(ctx), 0);
	return ctx;
}

/* @call must return @want and (a libkaff refusal) change nothing */
#define REFUSED(ctx, call, want)                                               \
	do {                                                                   \
		struct kaff_snapshot *s_;                                      \
		int r_;                                                        \
		assert_int_equal(kaff_ctx_snapshot((ctx), &s_), 0);            \
		r_ = (call);                                                   \
		if (r_ != (want))                                              \
			fail_msg("%s: %s, want %s", #call, kaff_strerrorname(r_), \
				 kaff_strerrorname(want));                     \
		if (kaff_ctx_check_unchanged(s_, (ctx), why, sizeof(why)))     \
			fail_msg("%s changed the context: %s", #call, why);    \
		kaff_snapshot_free(s_);                                        \
	} while (0)

static void test_api_out_of_range(void **state)
{
	struct kaff_ctx *ctx = booted(4);
	struct kaff_cpumask *wide = kaff_cpumask_alloc(8), *m = kaff_cpumask_alloc(4);
	unsigned int id;

	(void)state;
	assert_int_equal(kaff_kthread_create_on_node(ctx, KAFF_NUMA_NO_NODE, &id), 0);
	REFUSED(ctx, kaff_cpu_offline(ctx, 4), -ERANGE);
	REFUSED(ctx, kaff_cpu_online(ctx, 4000000000u), -ERANGE);
	REFUSED(ctx, kaff_kthread_bind(ctx, id, 4), -ERANGE);
	REFUSED(ctx, kaff_kthread_create_on_cpu(ctx, 4, &id), -ERANGE);
	REFUSED(ctx, kaff_kthread_create_per_cpu(ctx, 4, &id), -ERANGE);
	/* a mask of the wrong width */
	REFUSED(ctx, kaff_sched_setaffinity(ctx, id, wide), -ERANGE);
	REFUSED(ctx, kaff_kthread_affine_preferred(ctx, id, wide), -ERANGE);
	REFUSED(ctx, kaff_kthread_bind_mask(ctx, id, wide), -ERANGE);
	/* an empty bind mask */
	REFUSED(ctx, kaff_kthread_bind_mask(ctx, id, m), -EINVAL);
	/* cpulist: a CPU >= nbits */
	assert_int_equal(kaff_cpulist_parse("0-4", m), -ERANGE);
	assert_int_equal(kaff_cpulist_parse("3-1", m), -EINVAL);
	assert_int_equal(kaff_cpulist_parse("99999999999", m), -EOVERFLOW);
	kaff_cpumask_free(wide);
	kaff_cpumask_free(m);
	kaff_ctx_free(ctx);
}

static void test_api_unknown_node(void **state)
{
	struct kaff_ctx *ctx = kaff_ctx_new(NULL, 4, NULL);
	struct kaff_cpumask *m = kaff_cpumask_alloc(4);
	unsigned int id;

	(void)state;
	kaff_cpumask_set_cpu(0, m);
	kaff_cpumask_set_cpu(1, m);
	assert_int_equal(kaff_machine_set_node(ctx, 0, m), 0);
	REFUSED(ctx, kaff_machine_set_node(ctx, KAFF_MAX_NUMNODES, m), -ERANGE);
	REFUSED(ctx, kaff_machine_set_node(ctx, 0, m), -EEXIST);
	kaff_cpumask_complement(m, m);
	assert_int_equal(kaff_machine_set_node(ctx, 2, m), 0);
	/* nodes 0 and 2: not dense */
	REFUSED(ctx, kaff_machine_boot(ctx), -EINVAL);
	kaff_ctx_free(ctx);

	ctx = booted(4);
	REFUSED(ctx, kaff_kthread_create_on_node(ctx, 1, &id), -ERANGE);
	REFUSED(ctx, kaff_kthread_create_on_node(ctx, -2, &id), -ERANGE);
	assert_int_equal(kaff_machine_cpumask_of_node(ctx, 1, m), -ERANGE);
	assert_null(kaff_machine_node_cpus(ctx, 1));
	kaff_cpumask_free(m);
	kaff_ctx_free(ctx);
}

/* Unknown and stopped kthreads: -ESRCH, nothing changed. */
static void test_api_unknown_and_stopped_task(void **state)
{
	struct kaff_ctx *ctx = booted(4);
	struct kaff_cpumask *m = kaff_cpumask_alloc(4);
	struct kaff_kthread_info info;
	unsigned int id;

	(void)state;
	kaff_cpumask_set_cpu(1, m);
	assert_int_equal(kaff_kthread_create_on_node(ctx, 0, &id), 0);
	assert_int_equal(kaff_kthread_stop(ctx, id), 0);
	for (unsigned int k = 0; k < 2; k++) {
		unsigned int bad = k ? id : 77;

		REFUSED(ctx, kaff_wake_up_process(ctx, bad), -ESRCH);
		REFUSED(ctx, kaff_kthread_bind(ctx, bad, 1), -ESRCH);
		REFUSED(ctx, kaff_kthread_affine_preferred(ctx, bad, m), -ESRCH);
		REFUSED(ctx, kaff_sched_setaffinity(ctx, bad, m), -ESRCH);
		REFUSED(ctx, kaff_kthread_stop(ctx, bad), -ESRCH);
		assert_int_equal(kaff_kthread_get_info(ctx, bad, &info), -ESRCH);
		assert_int_equal(kaff_kthread_fetch_affinity(ctx, bad, m), -ESRCH);
		assert_null(kaff_kthread_cpus_mask(ctx, bad));
	}
	REFUSED(ctx, kaff_kthread_stop(ctx, KAFF_KTHREADD), -EPERM);
	kaff_cpumask_free(m);
	kaff_ctx_free(ctx);
}

/* Offlining an offline CPU (and onlining an online one) is the kernel's
 * success with nothing done; CPU 0 is the kernel's ENOENT. */
static void test_api_offline_offline_cpu(void **state)
{
	struct kaff_ctx *ctx = booted(4);

	(void)state;
	assert_int_equal(kaff_cpu_offline(ctx, 3), 0);
	REFUSED(ctx, kaff_cpu_offline(ctx, 3), 0);
	REFUSED(ctx, kaff_cpu_online(ctx, 2), 0);
	REFUSED(ctx, kaff_cpu_offline(ctx, 0), -ENOENT);
	REFUSED(ctx, kaff_cpu_online(ctx, 0), -ENOENT);
	kaff_ctx_free(ctx);
}

/* Oversize numbers: widths, node IDs, profile versions. */
static void test_api_oversize_numbers(void **state)
{
	const struct kaff_profile *p;

	(void)state;
	assert_null(kaff_ctx_new(NULL, KAFF_NR_CPUS_MAX + 1, NULL));
	assert_null(kaff_ctx_new(NULL, 0, NULL));
	assert_null(kaff_cpumask_alloc(KAFF_NR_CPUS_MAX + 1));
	assert_int_equal(kaff_profile_lookup("99999999999999999999.1", &p), -EINVAL);
	assert_int_equal(kaff_profile_lookup("6.99999999999999999999", &p), -EINVAL);
	assert_int_equal(kaff_profile_lookup("8.0", &p), -ERANGE);
	assert_int_equal(kaff_profile_lookup("6.13", &p), -ERANGE);
	assert_int_equal(kaff_profile_lookup("07.3", &p), -EINVAL);
}

/* Boot parameters: a bad name is refused; a bad value is the kernel's to
 * ignore (a log line, not an error). */
static unsigned int log_lines;

static void count_log(void *data, const char *line)
{
	(void)data;
	(void)line;
	log_lines++;
}

static void test_api_boot_params(void **state)
{
	struct kaff_ctx *ctx = kaff_ctx_new(NULL, 4, NULL);

	(void)state;
	kaff_ctx_set_log_fn(ctx, count_log, NULL);
	REFUSED(ctx, kaff_machine_add_boot_param(ctx, "quiet"), -EINVAL);
	REFUSED(ctx, kaff_machine_add_boot_param(ctx, ""), -EINVAL);
	REFUSED(ctx, kaff_machine_add_boot_param(ctx, NULL), -EINVAL);
	assert_int_equal(kaff_machine_add_boot_param(ctx, "nohz_full=9-1"), 0);
	assert_int_equal(kaff_machine_add_boot_param(ctx, "isolcpus=b\xc3\xa4" "d,1"), 0);
	assert_int_equal(kaff_machine_boot(ctx), 0);
	assert_int_equal(log_lines, 2);
	assert_false(kaff_housekeeping_enabled(ctx, KAFF_HK_TYPE_KERNEL_NOISE));
	REFUSED(ctx, kaff_machine_add_boot_param(ctx, "nohz_full=1"), -EPERM);
	kaff_ctx_free(ctx);
}

/* NULL pointers and the wrong phase. */
static void test_api_null_and_phase(void **state)
{
	struct kaff_ctx *ctx = kaff_ctx_new(NULL, 4, NULL);
	struct kaff_cpumask *m = kaff_cpumask_alloc(4);
	unsigned int id;

	(void)state;
	kaff_cpumask_set_cpu(0, m);
	assert_int_equal(kaff_kthread_create_on_node(NULL, 0, &id), -EINVAL);
	assert_int_equal(kaff_cpu_offline(NULL, 1), -EINVAL);
	assert_int_equal(kaff_machine_set_node(ctx, 0, NULL), -EINVAL);
	REFUSED(ctx, kaff_kthread_create_on_node(ctx, 0, &id), -EPERM);
	REFUSED(ctx, kaff_cpu_offline(ctx, 1), -EPERM);
	REFUSED(ctx, kaff_wake_up_process(ctx, 0), -EPERM);
	assert_int_equal(kaff_machine_boot(ctx), 0);
	REFUSED(ctx, kaff_kthread_create_on_node(ctx, 0, NULL), -EINVAL);
	REFUSED(ctx, kaff_machine_set_node(ctx, 1, m), -EPERM);
	REFUSED(ctx, kaff_machine_set_boot_online(ctx, m), -EPERM);
	REFUSED(ctx, kaff_machine_boot(ctx), -EPERM);
	REFUSED(ctx, kaff_cpuset_set_isolated(ctx, m), -EOPNOTSUPP);
	kaff_cpumask_free(m);
	kaff_ctx_free(ctx);
}

/*
 * The kthread entry points and queries in each phase, from the contract in
 * docs/api-conventions.md ("Phases", "Errors") and include/libkaff/kthread.h:
 *  - a NULL context: -EINVAL, or NULL / KAFF_KTHREAD_NONE / 0 for queries
 *    that cannot return an errno;
 *  - before boot: -EPERM, or NULL / KAFF_KTHREAD_NONE for such queries (the
 *    count is the number of live kthreads: 0);
 *  - after boot, an id never handed out: -ESRCH, or NULL / NONE.
 * Nothing refused may change the context (checked with a snapshot).
 */
static void test_kthread_calls_by_phase(void **state)
{
	struct kaff_ctx *ctx = kaff_ctx_new(NULL, 4, NULL);
	struct kaff_cpumask *m = kaff_cpumask_alloc(4), *narrow = kaff_cpumask_alloc(3);
	struct kaff_kthread_info info;
	const unsigned int bad = 12345;
	unsigned int id;

	(void)state;
	kaff_cpumask_set_cpu(1, m);

	/* NULL context */
	assert_int_equal(kaff_kthread_create_on_cpu(NULL, 0, &id), -EINVAL);
	assert_int_equal(kaff_kthread_create_per_cpu(NULL, 0, &id), -EINVAL);
	assert_int_equal(kaff_kthread_bind(NULL, 1, 0), -EINVAL);
	assert_int_equal(kaff_kthread_bind_mask(NULL, 1, m), -EINVAL);
	assert_int_equal(kaff_kthread_affine_preferred(NULL, 1, m), -EINVAL);
	assert_int_equal(kaff_wake_up_process(NULL, 1), -EINVAL);
	assert_int_equal(kaff_sched_setaffinity(NULL, 1, m), -EINVAL);
	assert_int_equal(kaff_kthread_stop(NULL, 1), -EINVAL);
	assert_int_equal(kaff_kthread_fetch_affinity(NULL, 1, m), -EINVAL);
	assert_int_equal(kaff_kthread_get_info(NULL, 1, &info), -EINVAL);
	assert_int_equal(kaff_cpu_online(NULL, 1), -EINVAL);
	assert_null(kaff_kthread_cpus_mask(NULL, 0));
	assert_int_equal(kaff_kthread_first(NULL), KAFF_KTHREAD_NONE);
	assert_int_equal(kaff_kthread_next(NULL, 0), KAFF_KTHREAD_NONE);
	assert_int_equal(kaff_kthread_count(NULL), 0);
	assert_int_equal(kaff_managed_first(NULL), KAFF_KTHREAD_NONE);
	assert_int_equal(kaff_managed_next(NULL, 0), KAFF_KTHREAD_NONE);

	/* before boot */
	REFUSED(ctx, kaff_kthread_create_on_cpu(ctx, 0, &id), -EPERM);
	REFUSED(ctx, kaff_kthread_create_per_cpu(ctx, 0, &id), -EPERM);
	REFUSED(ctx, kaff_kthread_bind(ctx, 0, 0), -EPERM);
	REFUSED(ctx, kaff_kthread_bind_mask(ctx, 0, m), -EPERM);
	REFUSED(ctx, kaff_kthread_affine_preferred(ctx, 0, m), -EPERM);
	REFUSED(ctx, kaff_sched_setaffinity(ctx, 0, m), -EPERM);
	REFUSED(ctx, kaff_kthread_stop(ctx, 0), -EPERM);
	REFUSED(ctx, kaff_cpu_online(ctx, 1), -EPERM);
	assert_int_equal(kaff_kthread_fetch_affinity(ctx, 0, m), -EPERM);
	assert_int_equal(kaff_kthread_get_info(ctx, 0, &info), -EPERM);
	assert_null(kaff_kthread_cpus_mask(ctx, 0));
	assert_int_equal(kaff_kthread_first(ctx), KAFF_KTHREAD_NONE);
	assert_int_equal(kaff_kthread_count(ctx), 0);
	assert_int_equal(kaff_managed_first(ctx), KAFF_KTHREAD_NONE);

	/* booted: NULL outputs, unknown ids, wrong widths */
	assert_int_equal(kaff_machine_boot(ctx), 0);
	REFUSED(ctx, kaff_kthread_create_per_cpu(ctx, 0, NULL), -EINVAL);
	REFUSED(ctx, kaff_kthread_create_on_cpu(ctx, 4, &id), -ERANGE);
	REFUSED(ctx, kaff_kthread_create_per_cpu(ctx, 4, &id), -ERANGE);
	assert_int_equal(kaff_kthread_fetch_affinity(ctx, 0, NULL), -EINVAL);
	assert_int_equal(kaff_kthread_get_info(ctx, 0, NULL), -EINVAL);
	REFUSED(ctx, kaff_kthread_bind(ctx, bad, 0), -ESRCH);
	REFUSED(ctx, kaff_kthread_bind_mask(ctx, bad, m), -ESRCH);
	REFUSED(ctx, kaff_kthread_affine_preferred(ctx, bad, m), -ESRCH);
	REFUSED(ctx, kaff_wake_up_process(ctx, bad), -ESRCH);
	REFUSED(ctx, kaff_sched_setaffinity(ctx, bad, m), -ESRCH);
	REFUSED(ctx, kaff_kthread_stop(ctx, bad), -ESRCH);
	assert_int_equal(kaff_kthread_fetch_affinity(ctx, bad, m), -ESRCH);
	assert_int_equal(kaff_kthread_get_info(ctx, bad, &info), -ESRCH);
	assert_null(kaff_kthread_cpus_mask(ctx, bad));
	assert_int_equal(kaff_kthread_next(ctx, bad), KAFF_KTHREAD_NONE);
	assert_int_equal(kaff_managed_next(ctx, bad), KAFF_KTHREAD_NONE);
	/* kthreadd is not among the live kthreads it iterates */
	assert_int_equal(kaff_kthread_next(ctx, KAFF_KTHREADD), KAFF_KTHREAD_NONE);
	assert_int_equal(kaff_kthread_create_on_node(ctx, KAFF_NUMA_NO_NODE, &id), 0);
	REFUSED(ctx, kaff_kthread_bind_mask(ctx, id, NULL), -ERANGE);
	REFUSED(ctx, kaff_kthread_bind_mask(ctx, id, narrow), -ERANGE);
	REFUSED(ctx, kaff_kthread_affine_preferred(ctx, id, narrow), -ERANGE);
	REFUSED(ctx, kaff_sched_setaffinity(ctx, id, narrow), -ERANGE);
	assert_int_equal(kaff_kthread_fetch_affinity(ctx, id, narrow), -ERANGE);
	/* a new, unmanaged kthread: neither per-CPU nor on the managed list */
	assert_int_equal(kaff_managed_next(ctx, id), KAFF_KTHREAD_NONE);
	kaff_cpumask_free(narrow);
	kaff_cpumask_free(m);
	kaff_ctx_free(ctx);
}

/* Out of memory: covered call by call in cmocka-alloc; here the scenario
 * API's contract once: -ENOMEM, no scenario, nothing left allocated. */
static long live;
static unsigned long calls, fail_at;

static void *t_malloc(void *d, size_t n)
{
	void *p;

	(void)d;
	if (++calls == fail_at)
		return NULL;
	p = malloc(n);
	live += p != NULL;
	return p;
}

static void *t_realloc(void *d, void *q, size_t n)
{
	void *p;

	(void)d;
	if (++calls == fail_at)
		return NULL;
	p = realloc(q, n);
	live += p != NULL && q == NULL;
	return p;
}

static void t_free(void *d, void *p)
{
	(void)d;
	live -= p != NULL;
	free(p);
}

static void test_api_out_of_memory(void **state)
{
	static const char text[] = "cpus 4\ncreate A\nprefer A 1-2\nwake A\nshow\n";
	struct kaff_allocator a = { t_malloc, t_realloc, t_free, NULL };
	struct kaff_scenario *sc;
	int ret;

	(void)state;
	for (fail_at = 1;; fail_at++) {
		calls = 0;
		ret = kaff_scenario_parse(text, sizeof(text) - 1, &a, &sc, NULL);
		if (ret == 0)
			break;
		assert_int_equal(ret, -ENOMEM);
		assert_null(sc);
		assert_int_equal(live, 0);
	}
	kaff_scenario_free(sc);
	assert_int_equal(live, 0);
	assert_true(fail_at > 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scenario_rows),
		cmocka_unit_test(test_overlong_valid_line),
		cmocka_unit_test(test_cpus_with_many_leading_zeros),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_api_out_of_range),
		cmocka_unit_test(test_api_unknown_node),
		cmocka_unit_test(test_api_unknown_and_stopped_task),
		cmocka_unit_test(test_api_offline_offline_cpu),
		cmocka_unit_test(test_api_oversize_numbers),
		cmocka_unit_test(test_api_boot_params),
		cmocka_unit_test(test_api_null_and_phase),
		cmocka_unit_test(test_kthread_calls_by_phase),
		cmocka_unit_test(test_api_out_of_memory),
	};

	return cmocka_run_group_tests_name("errors", tests, NULL, NULL);
}
