/* SPDX-License-Identifier: MIT */
/*
 * Edges of the public API that the other suites do not walk: NULL and
 * out-of-place arguments of the replay, dump and machine calls, a state
 * dump whose writer fails, expect lines that fail in every way, a long
 * event text, scenario words that are almost valid. Each call must
 * answer with its documented value and change nothing it refuses.
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

static struct kaff_scenario *parse(const char *text)
{
	struct kaff_scenario_error err;
	struct kaff_scenario *sc = NULL;

	if (kaff_scenario_parse(text, strlen(text), NULL, &sc, &err))
		fail_msg("%u:%u: %s", err.line, err.col, err.msg);
	return sc;
}

static void expect_parse_error(const char *text, unsigned int line, unsigned int col,
			       const char *msg)
{
	struct kaff_scenario_error err;
	struct kaff_scenario *sc;

	assert_int_equal(kaff_scenario_parse(text, strlen(text), NULL, &sc, &err), -EINVAL);
	if (err.line != line || err.col != col || strcmp(err.msg, msg))
		fail_msg("'%s': %u:%u '%s', want %u:%u '%s'", text, err.line, err.col, err.msg,
			 line, col, msg);
}

/* Words that are almost valid. */
static void test_scenario_near_misses(void **state)
{
	(void)state;
	expect_parse_error("cpus 4\ncreate A node=\n", 2, 10, "expected node=ID, not 'node='");
	expect_parse_error("cpus 4\ncreate A\xc3" "b\n", 2, 8,
			   "'A\\xc3b' is not a task name (a letter or _, then printable ASCII but no space or #, 63 bytes at most)");
	expect_parse_error("cpus 4\nwake 1A\n", 2, 6, "'1A' is not a task name");
	expect_parse_error("cpus 4\nprefer B 1\n", 2, 8, "task 'B' does not exist");
	expect_parse_error("cpus 4\ncreate Abbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n", 2, 8,
			   "'Abbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb...' is not a task name (a letter or _, then printable ASCII but no space or #, 63 bytes at most)");
	/* the last line without a newline, and no cpus line */
	expect_parse_error("kernel 7.3", 1, 1, "no 'cpus' line (every scenario needs one)");
	expect_parse_error("cpus 4\nnode 0 0-3\nnode 0 0-3\n", 3, 6, "node 0 given twice");
	expect_parse_error("cpus 4\nnode x 0-3\n", 2, 6, "'x' is not a node ID (0 to 1023)");
	expect_parse_error("cpus 4\nboot_online 0\nboot_online 0\n", 3, 1,
			   "'boot_online' given twice");
	expect_parse_error("kernel 7.3\nkernel 7.3\ncpus 4\n", 2, 1, "'kernel' given twice");
	/* a bad cpus line: the node line above it has no width to parse with */
	expect_parse_error("node 0 0-3\ncpus 4x\n", 1, 1, "'node' needs a 'cpus' line");
	expect_parse_error("cpus 4x\n", 1, 6, "cpus must be 1 to 8192, not '4x'");
}

/* Expect lines that fail: an empty wanted list; the mask printed. */
static char expect_log[512];

static void on_expect(void *data, unsigned int line, const char *name, const char *want,
		      const char *got)
{
	size_t n = strlen(expect_log);

	(void)data;
	snprintf(expect_log + n, sizeof(expect_log) - n, "%u %s want %s got %s\n", line, name,
		 want, got);
}

static void test_expect_failures(void **state)
{
	struct kaff_scenario *sc = parse("cpus 4\ncreate A\nexpect A -\nexpect A 1\nexpect A 0-3\n");
	struct kaff_test_buf out = { 0 };
	struct kaff_replay_ops ops = { .write_trace = kaff_test_buf_write, .data = &out,
				       .expect_failed = on_expect };
	struct kaff_replay_result res;

	(void)state;
	expect_log[0] = '\0';
	assert_int_equal(kaff_scenario_replay(sc, &ops, &res), 0);
	assert_int_equal(res.expect_failures, 2);
	assert_int_equal(res.events, 4);
	assert_string_equal(expect_log, "3 A want - got 0-3\n4 A want 1 got 0-3\n");
	assert_null(out.data);
	/* no expect callback: counted all the same */
	ops.expect_failed = NULL;
	assert_int_equal(kaff_scenario_replay(sc, &ops, NULL), 0);
	kaff_scenario_free(sc);
}

/* An error line whose argument is longer than the line buffer's usual
 * size (cpus * 8 + 64): the buffer grows for it. */
static void test_long_event_text(void **state)
{
	char text[600], want[700];
	struct kaff_scenario *sc;
	struct kaff_test_buf out = { 0 };
	struct kaff_replay_ops ops = { .write_trace = kaff_test_buf_write, .data = &out };
	size_t n, start;

	(void)state;
	n = start = (size_t)snprintf(text, sizeof(text), "kernel 7.3\ncpus 1\nisolate ");
	while (n < 400)
		text[n++] = ',';
	text[n++] = '0';
	text[n] = '\0';
	/* isolating CPU 0 of a 1-CPU machine: refused, the list as written */
	snprintf(want, sizeof(want), "! isolate %s EINVAL\n", text + start);
	strcat(text, "\n");
	sc = parse(text);
	assert_int_equal(kaff_scenario_replay(sc, &ops, NULL), 0);
	assert_string_equal(out.data, want);
	kaff_test_buf_free(&out);
	kaff_scenario_free(sc);
}

/* The replay API's arguments. */
static void test_replay_arguments(void **state)
{
	struct kaff_scenario *sc = parse("cpus 4\ncreate A\nwake A\n");
	struct kaff_replay_ops ops = { 0 };
	struct kaff_replay_result res;
	struct kaff_replay *r;
	const char *name = "";

	(void)state;
	assert_int_equal(kaff_replay_new(NULL, NULL, &r), -EINVAL);
	assert_int_equal(kaff_replay_new(sc, NULL, NULL), -EINVAL);
	assert_int_equal(kaff_replay_step(NULL, &res), -EINVAL);
	assert_null(kaff_replay_ctx(NULL));
	assert_int_equal(kaff_replay_position(NULL), 0);
	assert_null(kaff_replay_task_name(NULL, 1));
	assert_int_equal(kaff_replay_nr_tasks(NULL), 0);
	assert_int_equal(kaff_replay_task(NULL, 0, &name), KAFF_KTHREAD_NONE);
	assert_null(name);
	kaff_replay_free(NULL);
	assert_int_equal(kaff_scenario_replay(NULL, &ops, &res), -EINVAL);
	assert_int_equal(kaff_scenario_replay(sc, NULL, &res), -EINVAL);
	assert_int_equal(kaff_scenario_replay(sc, &ops, NULL), 0);
	assert_int_equal(kaff_replay_new(sc, NULL, &r), 0);
	assert_null(kaff_replay_task_name(r, KAFF_KTHREAD_NONE));
	/* one create line: one instance, not live before its event */
	assert_int_equal(kaff_replay_nr_tasks(r), 1);
	assert_int_equal(kaff_replay_task(r, 0, &name), KAFF_KTHREAD_NONE);
	assert_string_equal(name, "A");
	assert_int_equal(kaff_replay_step(r, NULL), 1);
	assert_string_equal(kaff_replay_task_name(r, 1), "A");
	assert_int_equal(kaff_replay_task(r, 0, NULL), 1);
	assert_int_equal(kaff_replay_task(r, 1, &name), KAFF_KTHREAD_NONE);
	assert_null(name);
	assert_null(kaff_replay_task_name(r, 2));
	assert_int_equal(kaff_replay_step(r, NULL), 1);
	assert_int_equal(kaff_replay_step(r, NULL), 0);
	assert_int_equal(kaff_replay_position(r), 2);
	kaff_replay_free(r);
	assert_int_equal(kaff_scenario_event_describe(NULL, 0, NULL, 0, NULL), -EINVAL);
	assert_int_equal(kaff_scenario_event_describe(sc, 9, NULL, 0, NULL), -EINVAL);
	assert_int_equal(kaff_scenario_event_describe(sc, 0, NULL, 5, NULL), -EINVAL);
	assert_int_equal(kaff_scenario_event_describe(sc, 0, NULL, 0, NULL), 8);
	assert_null(kaff_scenario_profile(NULL));
	assert_int_equal(kaff_scenario_nr_events(NULL), 0);
	kaff_scenario_free(sc);
}

/* kaff_replay_new() and kaff_replay_step() out of memory: -ENOMEM, the
 * step can be retried. */
static unsigned long calls, fail_at;

static void *f_malloc(void *d, size_t n)
{
	(void)d;
	return ++calls == fail_at ? NULL : malloc(n);
}

static void *f_realloc(void *d, void *p, size_t n)
{
	(void)d;
	return ++calls == fail_at ? NULL : realloc(p, n);
}

static void f_free(void *d, void *p)
{
	(void)d;
	free(p);
}

static void test_replay_out_of_memory(void **state)
{
	static const char text[] = "cpus 4\ncreate A\nprefer A 1-2\nshow\n";
	struct kaff_allocator a = { f_malloc, f_realloc, f_free, NULL };
	struct kaff_replay_result res = { 0 };
	struct kaff_scenario *sc;
	struct kaff_replay *r;
	unsigned long n;
	int ret;

	(void)state;
	assert_int_equal(kaff_scenario_parse(text, sizeof(text) - 1, &a, &sc, NULL), 0);
	for (n = 1;; n++) {
		calls = 0;
		fail_at = n;
		ret = kaff_replay_new(sc, NULL, &r);
		if (ret == 0)
			break;
		assert_int_equal(ret, -ENOMEM);
		assert_null(r);
	}
	/* the prefer allocates: fail it, then retry */
	assert_int_equal(kaff_replay_step(r, &res), 1);
	calls = 0;
	fail_at = 1;
	assert_int_equal(kaff_replay_step(r, &res), -ENOMEM);
	assert_int_equal(res.error_line, 3);
	assert_int_equal(kaff_replay_position(r), 1);
	fail_at = 0;
	assert_int_equal(kaff_replay_step(r, &res), 1);
	assert_int_equal(kaff_replay_step(r, &res), 1);
	assert_int_equal(res.events, 3);
	kaff_replay_free(r);
	kaff_scenario_free(sc);
}

/* kaff_ctx_dump(): a writer that fails stops it with its error. */
static unsigned int writes, fail_write_at;

static int failing_write(void *data, const char *buf, size_t len)
{
	(void)data;
	(void)buf;
	(void)len;
	return ++writes == fail_write_at ? -EIO : 0;
}

static void test_dump(void **state)
{
	struct kaff_ctx *ctx = kaff_ctx_new(NULL, 8, NULL);
	struct kaff_test_buf b = { 0 };
	char param[400];
	unsigned int id, total;

	(void)state;
	assert_int_equal(kaff_ctx_dump(NULL, failing_write, NULL), -EINVAL);
	assert_int_equal(kaff_ctx_dump(ctx, NULL, NULL), -EINVAL);
	/* a boot parameter longer than a dump line: cut, not overflowed */
	memset(param, 0, sizeof(param));
	strcpy(param, "nohz_full=");
	memset(param + 10, ',', 300);
	strcat(param, "7");
	assert_int_equal(kaff_machine_add_boot_param(ctx, param), 0);
	assert_int_equal(kaff_machine_boot(ctx), 0);
	assert_int_equal(kaff_kthread_create_on_node(ctx, 0, &id), 0);
	assert_int_equal(kaff_ctx_dump(ctx, kaff_test_buf_write, &b), 0);
	assert_non_null(strstr(b.data, "boot nohz_full=,,,"));
	kaff_test_buf_free(&b);
	writes = 0;
	fail_write_at = 0;
	assert_int_equal(kaff_ctx_dump(ctx, failing_write, NULL), 0);
	total = writes;
	for (fail_write_at = 1; fail_write_at <= total; fail_write_at++) {
		writes = 0;
		assert_int_equal(kaff_ctx_dump(ctx, failing_write, NULL), -EIO);
		assert_int_equal(writes, fail_write_at);
	}
	kaff_ctx_free(ctx);
}

/* An allocator that fails every allocation while @failing is set. */
static bool failing;

static void *fail_malloc(void *d, size_t n)
{
	(void)d;
	return failing ? NULL : malloc(n);
}

static void fail_free(void *d, void *p)
{
	(void)d;
	free(p);
}

/*
 * kaff_ctx_dump() prints a long cpulist through a buffer that comes from
 * the context's allocator (machine.h: "every allocation a context makes
 * goes through these"). 8192 CPUs with the even ones online: the online
 * list "0,2,...,8190" is ~20 KB, longer than a dump line, so the dump
 * needs that buffer, and with the allocator failing it returns -ENOMEM.
 */
static void test_dump_allocates_through_the_hook(void **state)
{
	const struct kaff_allocator a = { fail_malloc, NULL, fail_free, NULL };
	struct kaff_ctx *ctx = kaff_ctx_new(NULL, 8192, &a);
	struct kaff_cpumask *m = kaff_cpumask_alloc(8192);
	struct kaff_test_buf b = { 0 };
	unsigned int cpu;

	(void)state;
	assert_non_null(ctx);
	for (cpu = 0; cpu < 8192; cpu += 2)
		kaff_cpumask_set_cpu(cpu, m);
	assert_int_equal(kaff_machine_set_boot_online(ctx, m), 0);
	assert_int_equal(kaff_machine_boot(ctx), 0);
	failing = true;
	assert_int_equal(kaff_ctx_dump(ctx, kaff_test_buf_write, &b), -ENOMEM);
	failing = false;
	kaff_test_buf_free(&b);
	memset(&b, 0, sizeof(b));
	assert_int_equal(kaff_ctx_dump(ctx, kaff_test_buf_write, &b), 0);
	assert_non_null(strstr(b.data, " online=0,2,4,"));
	assert_non_null(strstr(b.data, ",8188,8190"));
	kaff_test_buf_free(&b);
	kaff_cpumask_free(m);
	kaff_ctx_free(ctx);
}

/* The machine and housekeeping calls' arguments and phases. */
static void test_machine_arguments(void **state)
{
	struct kaff_ctx *ctx = kaff_ctx_new(NULL, 4, NULL);
	struct kaff_cpumask *m = kaff_cpumask_alloc(4);
	const struct kaff_profile *p;

	(void)state;
	kaff_ctx_set_log_fn(NULL, NULL, NULL);
	assert_int_equal(kaff_ctx_set_engine(NULL, KAFF_ENGINE_REFERENCE), -EINVAL);
	assert_int_equal(kaff_ctx_set_engine(ctx, (enum kaff_engine)7), -EINVAL);
	assert_int_equal(kaff_ctx_set_engine(ctx, KAFF_ENGINE_REFERENCE), 0);
	assert_int_equal(kaff_machine_set_boot_online(NULL, m), -EINVAL);
	assert_int_equal(kaff_machine_set_boot_online(ctx, NULL), -EINVAL);
	assert_int_equal(kaff_machine_boot(NULL), -EINVAL);
	assert_int_equal(kaff_machine_cpumask_of_node(NULL, 0, m), -EINVAL);
	assert_int_equal(kaff_machine_cpumask_of_node(ctx, 0, NULL), -EINVAL);
	assert_int_equal(kaff_cpuset_set_isolated(NULL, m), -EINVAL);
	assert_int_equal(kaff_cpuset_set_isolated(ctx, NULL), -EINVAL);
	assert_false(kaff_ctx_booted(NULL));
	assert_null(kaff_ctx_profile(NULL));
	assert_int_equal(kaff_machine_nr_cpu_ids(NULL), 0);
	assert_int_equal(kaff_machine_nr_nodes(NULL), 0);
	assert_null(kaff_machine_possible_mask(NULL));
	assert_null(kaff_machine_online_mask(NULL));
	assert_null(kaff_machine_node_cpus(NULL, 0));
	assert_int_equal(kaff_machine_cpu_to_node(NULL, 0), -1);
	assert_int_equal(kaff_machine_cpu_to_node(ctx, 4), -1);
	assert_null(kaff_housekeeping_cpumask(ctx, KAFF_HK_TYPE_DOMAIN));
	assert_false(kaff_housekeeping_enabled(NULL, KAFF_HK_TYPE_DOMAIN));
	assert_null(kaff_cpuset_isolated_cpus(ctx));
	assert_int_equal(kaff_machine_boot(ctx), 0);
	assert_int_equal(kaff_ctx_set_engine(ctx, KAFF_ENGINE_INCREMENTAL), -EPERM);
	assert_null(kaff_housekeeping_cpumask(ctx, (enum kaff_hk_type)9));
	assert_false(kaff_housekeeping_enabled(ctx, (enum kaff_hk_type)9));
	assert_int_equal(kaff_profile_lookup("7.3", NULL), -EINVAL);
	assert_int_equal(kaff_profile_lookup(NULL, &p), 0);
	assert_ptr_equal(p, kaff_profile_default());
	assert_null(kaff_profile_next((const struct kaff_profile *)(const void *)m));
	kaff_cpumask_free(m);
	kaff_ctx_free(ctx);
}

/* isolcpus= flags: an unknown flag at the end of the parameter (no list
 * after it) reads an empty list. */
static unsigned int log_lines;

static void count_log(void *data, const char *line)
{
	(void)data;
	(void)line;
	log_lines++;
}

static void test_isolcpus_unknown_last_flag(void **state)
{
	struct kaff_ctx *ctx = kaff_ctx_new(NULL, 4, NULL);

	(void)state;
	kaff_ctx_set_log_fn(ctx, count_log, NULL);
	assert_int_equal(kaff_machine_add_boot_param(ctx, "isolcpus=nohz,foo"), 0);
	assert_int_equal(kaff_machine_boot(ctx), 0);
	assert_int_equal(log_lines, 1);
	assert_false(kaff_housekeeping_enabled(ctx, KAFF_HK_TYPE_KERNEL_NOISE));
	kaff_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scenario_near_misses),
		cmocka_unit_test(test_expect_failures),
		cmocka_unit_test(test_long_event_text),
		cmocka_unit_test(test_replay_arguments),
		cmocka_unit_test(test_replay_out_of_memory),
		cmocka_unit_test(test_dump),
		cmocka_unit_test(test_dump_allocates_through_the_hook),
		cmocka_unit_test(test_machine_arguments),
		cmocka_unit_test(test_isolcpus_unknown_last_flag),
	};

	return cmocka_run_group_tests_name("api-edges", tests, NULL, NULL);
}
