/* SPDX-License-Identifier: MIT */
/*
 * Scenario parser and replay API. Expected error positions are counted by
 * hand from the inputs (1-based line and column of the offending word);
 * the error classes are FORMAT.md's list of scenario errors.
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

#include "test-common.h"

static int parse(const char *text, struct kaff_scenario **sc, struct kaff_scenario_error *err)
{
	return kaff_scenario_parse(text, strlen(text), NULL, sc, err);
}

/* The scenario must be refused at @line:@col with a message holding @word. */
static void refused(const char *text, unsigned int line, unsigned int col, const char *word)
{
	struct kaff_scenario_error err;
	struct kaff_scenario *sc = (void *)1;

	assert_int_equal(parse(text, &sc, &err), -EINVAL);
	assert_null(sc);
	if (err.line != line || err.col != col || !strstr(err.msg, word))
		fail_msg("'%s': got %u:%u '%s', want %u:%u '%s'", text, err.line, err.col, err.msg,
			 line, col, word);
}

static void accepted(const char *text)
{
	struct kaff_scenario_error err;
	struct kaff_scenario *sc;

	if (parse(text, &sc, &err))
		fail_msg("'%s' refused at %u:%u: %s", text, err.line, err.col, err.msg);
	kaff_scenario_free(sc);
}

static char *trace_of(const char *text, unsigned long *expect_failures)
{
	struct kaff_test_buf b = { 0 };
	struct kaff_replay_ops ops = { .write_trace = kaff_test_buf_write, .data = &b };
	struct kaff_replay_result res;
	struct kaff_scenario *sc;

	assert_int_equal(parse(text, &sc, NULL), 0);
	assert_int_equal(kaff_scenario_replay(sc, &ops, &res), 0);
	kaff_scenario_free(sc);
	if (expect_failures)
		*expect_failures = res.expect_failures;
	return b.data ? b.data : strdup("");
}

static void test_lexical_rules(void **state)
{
	char *t;

	(void)state;
	/* comments anywhere, blank lines, tabs, no final newline */
	t = trace_of("# c\n\ncpus 4 # four\n\tcreate\tA#x\nshow", NULL);
	assert_string_equal(t, "show 1\nA 0-3\n");
	free(t);
	refused("cpus 4\r\nshow\n", 1, 7, "carriage return");
	refused("cpus 4\ncreate A\x01\n", 2, 9, "control character");
	refused("cpus 4\nshow 1 2 3 4 5 6 7 8\n", 2, 20, "too many words");
	refused("cpus 4\nfrobnicate\n", 2, 1, "unknown command");
	refused("cpus 4\nshow now\n", 2, 6, "takes 0");
	refused("cpus 4\nwake\n", 2, 1, "takes 1");
	{
		static const char nul[] = "cpus 4\ncre\0ate A\n";
		struct kaff_scenario_error err;
		struct kaff_scenario *sc;

		assert_int_equal(kaff_scenario_parse(nul, sizeof(nul) - 1, NULL, &sc, &err),
				 -EINVAL);
		assert_int_equal(err.line, 2);
		assert_int_equal(err.col, 4);
		assert_non_null(strstr(err.msg, "NUL"));
	}
}

static void test_header_rules(void **state)
{
	(void)state;
	refused("", 1, 1, "cpus");                                  /* empty file */
	refused("kernel 7.3\ncreate A\n", 2, 1, "cpus");
	refused("cpus 4\ncreate A\ncpus 8\n", 3, 1, "after the first event");
	refused("cpus 4\ncpus 4\n", 2, 1, "twice");
	refused("kernel 7.3\nkernel 7.3\ncpus 4\n", 2, 1, "twice");
	refused("cpus 0\n", 1, 6, "cpus must be");
	refused("cpus 8193\n", 1, 6, "cpus must be");
	refused("cpus 99999999999999999999999\n", 1, 6, "cpus must be");
	refused("kernel 6.13\ncpus 4\n", 1, 8, "not supported");
	refused("kernel seven\ncpus 4\n", 1, 8, "MAJOR.MINOR");
	refused("cpus 4\nboot quiet\n", 2, 6, "not nohz_full= or isolcpus=");
	refused("cpus 4\nboot_online 1-3\n", 2, 13, "CPU 0");
	refused("cpus 4\nboot_online 0-4\n", 2, 13, ">= cpus");
	refused("cpus 4\nboot_online 0\nboot_online 0\n", 3, 1, "twice");
	refused("cpus 8\nnode 0 0-3\nnode 0 4-7\n", 3, 6, "twice");
	refused("cpus 8\nnode 0 0-3\nnode 1 3-7\n", 3, 8, "node 0 already");
	refused("cpus 8\nnode 0 0-3\nnode 2 4-7\ncreate A\n", 3, 6, "node 1 is missing");
	refused("cpus 8\nnode 0 0-3\nnode 1 4-6\ncreate A\n", 3, 1, "CPU 7 is in no node");
	refused("cpus 8\nnode x 0-3\n", 2, 6, "node ID");
	refused("node 0 0-3\ncreate A\n", 1, 1, "needs a 'cpus' line");
	/* cpus may come after the lines that need its width */
	accepted("node 0 0-3\ncpus 4\n");
	/* header commands in any order before the first event; boot repeats */
	{
		char *t = trace_of("boot nohz_full=1\nkernel 6.14\nboot isolcpus=nohz,1\ncpus 4\n"
				   "create A\nwake A\nshow\n", NULL);

		/* 6.14: nohz_full=1 then isolcpus=nohz,1 (same list, accepted):
		 * kthreads off CPU 1 (docs/algorithm.md#rule-boot-parameters, #rule-patterns). */
		assert_string_equal(t, "show 1\nA 0,2-3\n");
		free(t);
	}
	/* A boot_online set the kernel refuses to reach: 6.x keeps one other
	 * online domain-housekeeping CPU (docs/algorithm.md#rule-hotplug-refusals, o619-13). */
	refused("kernel 6.14\ncpus 8\nboot isolcpus=domain,0-3\nboot_online 0-3\n", 4, 13,
		"refuses");
}

static void test_event_rules(void **state)
{
	static const char h[] = "kernel 7.3\ncpus 8\nnode 0 0-3\nnode 1 4-7\n";
	char buf[512];

	(void)state;
#define EV(s) (snprintf(buf, sizeof(buf), "%s%s", h, (s)), buf)
	refused(EV("create A node=2\n"), 5, 10, "node 2 does not exist");
	refused(EV("create A node=-1\n"), 5, 10, "node=ID");
	refused(EV("create A nodes=1\n"), 5, 10, "node=ID");
	refused(EV("create 1A\n"), 5, 8, "not a task name");
	refused(EV("create Abbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n"), 5, 8, "not a task name");   /* 64 bytes */
	refused(EV("create A\xc3\xa9\n"), 5, 8, "not a task name");   /* not ASCII */
	refused(EV("create A\ncreate A\n"), 6, 8, "exists already");
	refused(EV("wake B\n"), 5, 6, "does not exist");
	refused(EV("create A\nstop A\nwake A\n"), 7, 6, "was stopped");
	refused(EV("create A\nbind A 8\n"), 6, 8, "CPU 8 does not exist");
	refused(EV("offline 9\n"), 5, 9, "does not exist");
	refused(EV("online x\n"), 5, 8, "not a CPU number");
	refused(EV("create_on_cpu A 8\n"), 5, 17, "does not exist");
	refused(EV("create A\nprefer A 0-8\n"), 6, 10, ">= cpus");
	refused(EV("create A\nsetaffinity A 1-\n"), 6, 15, "EINVAL");
	refused(EV("create A\nsetaffinity A 99999999999\n"), 6, 15, "EOVERFLOW");
	refused(EV("create A\nprefer A 1\nprefer A 2\n"), 7, 1, "corrupts");
	refused(EV("create A\nexpect A\n"), 6, 1, "takes 2");
	refused("cpus 4\nisolate 1\n", 2, 1, "7.0");
	/* allowed: a second prefer after the wake (the kernel's EINVAL),
	 * a name reused after stop, '-' lists */
	accepted(EV("create A\nprefer A 1\nwake A\nprefer A 2\nstop A\n"
		    "create A\nprefer A -\nsetaffinity A -\nisolate -\nexpect A 0-7\n"));
#undef EV
}

/* Replay: error lines, expect, profile override, step results. */
static void expect_cb(void *data, unsigned int line, const char *name, const char *want,
		      const char *got)
{
	char *out = data;

	snprintf(out, 128, "%u %s %s %s", line, name, want, got);
}

/*
 * Real kthread names, create_per_cpu, bind_mask and census. Expected
 * census by hand (FORMAT.md "Census"): lines sorted in byte order
 * ('A' < 'c' < 'i' < 'ks' < 'kt' < 'r'); 7.3 with isolcpus=domain,3 puts
 * kthreadd and default kthreads on the domain housekeeping CPUs 0-2;
 * bound and per-CPU kthreads have PF_NO_SETAFFINITY ('n'); a per-CPU
 * kthread keeps {cpu} while parked, and one created for an offline CPU
 * parks at once and meets the scheduler fallback (all CPUs).
 */
static void test_census_and_kthread_names(void **state)
{
	static const char scn[] =
		"kernel 7.3\ncpus 4\nboot isolcpus=domain,3\n"
		"create_per_cpu ksoftirqd/2 2\n"
		"create irq/9-acpi\nbind_mask irq/9-acpi 1-2\nwake irq/9-acpi\n"
		"create rcu_exp_par_gp_kthread_worker/0\nwake rcu_exp_par_gp_kthread_worker/0\n"
		"create A\nwake A\n"
		"offline 2\ncensus\n"
		"create_per_cpu cpuhp/2 2\nbind_mask A 1\nbind_mask irq/9-acpi 0\ncensus\n";
	static const char want[] =
		"census 1\n"
		"A - k 0-2\n"
		"irq/9-acpi n k 1-2\n"
		"ksoftirqd/2 n k 2\n"
		"kthreadd - - 0-2\n"
		"rcu_exp_par_gp_kthread_worker/0 - k 0-2\n"
		"census 2\n"
		"A - k 0-2\n"      /* bind_mask after the first wake: WARN, no change */
		"cpuhp/2 n k 0-3\n"
		"irq/9-acpi n k 1-2\n"
		"ksoftirqd/2 n k 2\n"
		"kthreadd - - 0-2\n"
		"rcu_exp_par_gp_kthread_worker/0 - k 0-2\n";
	char name63[80], *got;

	(void)state;
	got = trace_of(scn, NULL);
	assert_string_equal(got, want);
	free(got);
	/* 63 bytes is the longest name; any printable ASCII after the first byte */
	snprintf(name63, sizeof(name63), "cpus 1\ncreate _%062d\n", 0);
	accepted(name63);
	accepted("cpus 1\ncreate a!\"$%&'()*+,-./:;<=>?@[\\]^`{|}~\n");
	refused("cpus 4\ncreate A\nbind_mask A -\n", 3, 13, "bind_mask needs at least one CPU");
	refused("cpus 4\ncreate_per_cpu A 4\n", 2, 18, "CPU 4 does not exist");
	refused("cpus 4\ncensus 1\n", 2, 8, "'census' takes 0 arguments");
}

static void test_replay_api(void **state)
{
	static const char text[] =
		"kernel 6.14\ncpus 4\nboot nohz_full=3\n"
		"create A\nprefer A 2-3\nwake A\nprefer A 1\n"   /* 7: ! prefer A EINVAL */
		"expect A 2\n"                                  /* 8: passes */
		"expect A 1\n"                                  /* 9: fails */
		"setaffinity A 3\n"                             /* 3 online: allowed */
		"offline 0\n"                                   /* ENOENT */
		"show\n";
	struct kaff_test_buf b = { 0 };
	char failed[128] = "";
	struct kaff_replay_ops ops = { .write_trace = kaff_test_buf_write,
				       .expect_failed = expect_cb, .data = NULL };
	struct kaff_replay_result res;
	struct kaff_scenario *sc;

	(void)state;
	assert_int_equal(parse(text, &sc, NULL), 0);
	assert_string_equal(kaff_profile_lookup("6.14", &ops.profile) == 0 ?
			    kaff_profile_name(kaff_scenario_profile(sc)) : "", "6.14");
	ops.profile = NULL;
	/* the trace sink and the expect callback share one data pointer */
	ops.data = &b;
	ops.expect_failed = NULL;
	assert_int_equal(kaff_scenario_replay(sc, &ops, &res), 0);
	/* 6.14: prefer 2-3 with nohz_full=3 → 2 (docs/algorithm.md#rule-prefer) */
	assert_string_equal(b.data, "! prefer A EINVAL\n! offline 0 ENOENT\nshow 1\nA 3\n");
	assert_int_equal(res.expect_failures, 1);
	assert_int_equal(res.events, 9);
	kaff_test_buf_free(&b);

	ops.write_trace = NULL;
	ops.expect_failed = expect_cb;
	ops.data = failed;
	assert_int_equal(kaff_scenario_replay(sc, &ops, &res), 0);
	assert_string_equal(failed, "9 A 1 2");
	/* 7.3: nohz_full no longer restricts kthreads: prefer 2-3 → 2-3 */
	assert_int_equal(kaff_profile_lookup("7.3", &ops.profile), 0);
	assert_int_equal(kaff_scenario_replay(sc, &ops, &res), 0);
	assert_int_equal(res.expect_failures, 2);
	kaff_scenario_free(sc);

	/* isolate cannot replay under a 6.x profile */
	assert_int_equal(parse("kernel 7.3\ncpus 4\nisolate 1\n", &sc, NULL), 0);
	assert_int_equal(kaff_profile_lookup("6.19", &ops.profile), 0);
	assert_int_equal(kaff_scenario_replay(sc, &ops, &res), -EOPNOTSUPP);
	kaff_scenario_free(sc);
	kaff_scenario_free(NULL);
}

/* Names, lists and widths at the limits of the format. */
static void test_limits(void **state)
{
	char *t;

	(void)state;
	t = trace_of("cpus 8192\ncreate _a.b-c_0123456\nprefer _a.b-c_0123456 8190-N\n"
		     "create B\nwake B\nsetaffinity B 0-8191:1/4096\nshow\n", NULL);
	assert_string_equal(t, "show 1\n_a.b-c_0123456 8190-8191\nB 0,4096\n");
	free(t);
	/* events that name no task in a file that has none (a crash once) */
	t = trace_of("cpus 2\nshow\noffline 1\nonline 0\nshow\n", NULL);
	assert_string_equal(t, "show 1\n! online 0 ENOENT\nshow 2\n");
	free(t);
	t = trace_of("cpus 1\ncreate A\nwake A\nshow\n", NULL);
	assert_string_equal(t, "show 1\nA 0\n");
	free(t);
}

/* @text through a stream: kaff_scenario_parse_file() on a tmpfile(). */
static int parse_stream(const char *text, size_t len, struct kaff_scenario **sc,
			struct kaff_scenario_error *err)
{
	FILE *f = tmpfile();
	int ret;

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	rewind(f);
	ret = kaff_scenario_parse_file(f, NULL, sc, err);
	fclose(f);
	return ret;
}

/*
 * kaff_scenario_parse_file() (scenario.h): the same scenario as
 * kaff_scenario_parse() from the same bytes, lines longer than one read
 * (4 KiB) included; a bad byte at its place; a directory is -EISDIR; a
 * header line above `cpus` still checked against it (scenario-format.md).
 */
static void test_parse_file(void **state)
{
	static const char text[] = "node 0 0-1 # above cpus: waits for it\nnode 1 2-3\ncpus 4\n"
				   "create A node=1\nprefer A 2-3\nwake A\nshow\n";
	struct kaff_scenario_error err;
	struct kaff_scenario *a, *b;
	static char big[32768];
	char da[64], db[64];
	unsigned int i, la, lb;
	size_t n;
	FILE *dir;

	(void)state;
	assert_int_equal(parse(text, &a, NULL), 0);
	assert_int_equal(parse_stream(text, sizeof(text) - 1, &b, NULL), 0);
	assert_int_equal(kaff_scenario_nr_events(a), 4);
	assert_int_equal(kaff_scenario_nr_events(b), 4);
	for (i = 0; i < 4; i++) {
		kaff_scenario_event_describe(a, i, da, sizeof(da), &la);
		kaff_scenario_event_describe(b, i, db, sizeof(db), &lb);
		assert_string_equal(da, db);
		assert_int_equal(la, lb);
	}
	kaff_scenario_free(a);
	kaff_scenario_free(b);

	/* a 10,000-byte comment line and a 9,000-byte list span reads */
	n = (size_t)sprintf(big, "cpus 4096\n#");
	memset(big + n, 'x', 10000);
	n += 10000;
	n += (size_t)sprintf(big + n, "\ncreate A\nprefer A ");
	for (i = 0; i < 2000; i += 2)
		n += (size_t)sprintf(big + n, "%u,", 2000 + i);
	n += (size_t)sprintf(big + n, "1\nexpect A 1,2000-3998:1/2\n");
	assert_int_equal(parse_stream(big, n, &a, &err), 0);
	assert_int_equal(kaff_scenario_nr_events(a), 3);
	kaff_scenario_free(a);
	/* a NUL deep in the comment: line 2 starts at byte 10 with '#' in
	 * column 1, so byte 5010 is column 5001 */
	big[5010] = '\0';
	assert_int_equal(parse_stream(big, n, &a, &err), -EINVAL);
	assert_null(a);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.col, 5001);
	assert_string_equal(err.msg, "NUL byte in the file");

	/* a control character in a word, after a first error-free line */
	assert_int_equal(parse_stream("cpus 4\ncreate A\001B\n", 18, &a, &err), -EINVAL);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.col, 9);
	assert_string_equal(err.msg, "control character 0x01");

	/* fread() on a directory fails with EISDIR */
	dir = fopen("/", "rb");
	if (dir) {
		assert_int_equal(kaff_scenario_parse_file(dir, NULL, &a, &err), -EISDIR);
		assert_null(a);
		fclose(dir);
	}
	assert_int_equal(kaff_scenario_parse_file(NULL, NULL, &a, &err), -EINVAL);
}

/* Boot parameters in file order, with their places (scenario.h); a header
 * line above `cpus` keeps its own place. */
static void test_boot_params(void **state)
{
	static const char text[] = "boot nohz_full=1\tisolcpus=domain,2\ncpus 4\n  boot isolcpus=3\n";
	struct kaff_scenario *sc;
	unsigned int line, col;

	(void)state;
	assert_int_equal(parse(text, &sc, NULL), 0);
	assert_int_equal(kaff_scenario_nr_boot_params(sc), 3);
	assert_string_equal(kaff_scenario_boot_param(sc, 0, &line, &col), "nohz_full=1");
	assert_int_equal(line, 1);
	assert_int_equal(col, 6);
	assert_string_equal(kaff_scenario_boot_param(sc, 1, &line, &col), "isolcpus=domain,2");
	assert_int_equal(line, 1);
	assert_int_equal(col, 18);
	assert_string_equal(kaff_scenario_boot_param(sc, 2, &line, NULL), "isolcpus=3");
	assert_int_equal(line, 3);
	assert_null(kaff_scenario_boot_param(sc, 3, &line, &col));
	assert_null(kaff_scenario_boot_param(NULL, 0, NULL, NULL));
	assert_int_equal(kaff_scenario_nr_boot_params(NULL), 0);
	kaff_scenario_free(sc);
}

/* Step-by-step replay and event descriptions (for tools). Case 21's
 * first events: after `wake A` (node 1) A is on 4-7 (its trace). */
static void test_replay_steps(void **state)
{
	static const char text[] = "kernel 7.3\ncpus 8\nnode 0 0-3\nnode 1 4-7\n"
				   "create A node=1\nwake A\noffline 4\nshow\n";
	struct kaff_replay_result res = { 0 };
	struct kaff_scenario *sc;
	struct kaff_replay *r;
	unsigned int line, id;
	char buf[64];

	(void)state;
	assert_int_equal(parse(text, &sc, NULL), 0);
	assert_int_equal(kaff_scenario_nr_events(sc), 4);
	assert_int_equal(kaff_scenario_event_describe(sc, 0, buf, sizeof(buf), &line), 15);
	assert_string_equal(buf, "create A node=1");
	assert_int_equal(line, 5);
	assert_int_equal(kaff_scenario_event_describe(sc, 2, buf, sizeof(buf), NULL), 9);
	assert_string_equal(buf, "offline 4");
	assert_int_equal(kaff_scenario_event_describe(sc, 4, buf, sizeof(buf), NULL), -EINVAL);
	assert_int_equal(kaff_replay_new(sc, NULL, &r), 0);
	assert_int_equal(kaff_replay_step(r, &res), 1);
	assert_int_equal(kaff_replay_step(r, &res), 1);
	assert_int_equal(kaff_replay_position(r), 2);
	id = kaff_kthread_first(kaff_replay_ctx(r));
	assert_string_equal(kaff_replay_task_name(r, id), "A");
	assert_null(kaff_replay_task_name(r, KAFF_KTHREADD));
	kaff_cpulist_snprint(buf, sizeof(buf), kaff_kthread_cpus_mask(kaff_replay_ctx(r), id));
	assert_string_equal(buf, "4-7");
	assert_int_equal(kaff_replay_step(r, &res), 1);
	assert_int_equal(kaff_replay_step(r, &res), 1);
	assert_int_equal(kaff_replay_step(r, &res), 0);
	assert_int_equal(res.events, 4);
	kaff_replay_free(r);
	kaff_replay_free(NULL);
	kaff_scenario_free(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lexical_rules),
		cmocka_unit_test(test_header_rules),
		cmocka_unit_test(test_event_rules),
		cmocka_unit_test(test_census_and_kthread_names),
		cmocka_unit_test(test_replay_api),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_replay_steps),
		cmocka_unit_test(test_parse_file),
		cmocka_unit_test(test_boot_params),
	};

	return cmocka_run_group_tests_name("scenario", tests, NULL, NULL);
}
