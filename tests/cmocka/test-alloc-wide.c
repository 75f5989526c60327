/* SPDX-License-Identifier: MIT */
/*
 * Allocation failure where the recorded cases do not reach (cmocka-alloc
 * sweeps those): a generated scenario wide enough that the tables grow
 * (more than 64 interned masks, more than 64 kthread groups, more than
 * 16 kthreads) and that its hotplug and isolate events change many
 * kthreads at once, so that an event fails after part of its work was
 * staged and must be undone. Both engines, both rule sets, every
 * allocation of every event failed once; after each -ENOMEM the state
 * dump is the one before the event and the invariants hold; the trace is
 * the one of a run without failures. Also: an allocator without realloc.
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

#include "cmocka-sweep.h"
#include "test-common.h"

static struct kaff_test_alloc ta;
static unsigned long points;
static char why[256];

/* A scenario on 16 CPUs and two nodes: 96 kthreads, each with its own
 * preference (a distinct mask: distinct groups and interned masks), half
 * of them with a user request too; then CPUs go down and up and (7.x)
 * partitions change, each event touching most kthreads. */
static char *wide_scenario(const char *kernel)
{
	struct kaff_test_buf b = { 0 };
	char line[512];
	unsigned int i;

#define PUT(...)                                                        \
	do {                                                            \
		snprintf(line, sizeof(line), __VA_ARGS__);              \
		assert_int_equal(kaff_test_buf_write(&b, line, strlen(line)), 0); \
	} while (0)
	PUT("kernel %s\ncpus 16\nnode 0 0-7\nnode 1 8-15\nboot nohz_full=15\n", kernel);
	for (i = 0; i < 96; i++) {
		unsigned int lo = i % 15, hi = lo + 1 + (i / 15) % (15 - lo);

		PUT("create T%u%s\n", i, i % 3 ? "" : " node=1");
		if (i % 4)
			PUT("prefer T%u %u-%u\n", i, lo, hi);
		PUT("wake T%u\n", i);
		if (i % 2)
			PUT("setaffinity T%u %u,%u\n", i, (i * 7) % 16, (i * 11) % 16);
	}
	for (i = 0; i < 6; i++)
		PUT("create_on_cpu B%u %u\nwake B%u\n", i, 2 + i, i);
	PUT("show\n");
	for (i = 14; i >= 9; i--)
		PUT("offline %u\n", i);
	for (i = 0; i < 96; i += 5)
		PUT("wake T%u\n", i);
	if (kernel[0] == '7')
		PUT("isolate 4-7\nisolate 1-3,12\nisolate -\n");
	for (i = 9; i <= 14; i++)
		PUT("online %u\n", i);
	/* 7.x: a partition that CPU hotplug invalidates; the next online
	 * first commits the deferred update, then may fail: undone */
	if (kernel[0] == '7')
		PUT("isolate 0-11\noffline 12\noffline 13\noffline 14\noffline 15\n"
		    "wake T1\nonline 13\nonline 12\nisolate 0-11\noffline 12\noffline 13\n"
		    "isolate 0-11\nonline 15\nisolate -\n");
	for (i = 0; i < 96; i += 7)
		PUT("stop T%u\n", i);
	PUT("offline 3\nonline 3\nshow\n");
#undef PUT
	return b.data;
}

static void sweep_wide(const char *kernel, enum kaff_engine engine)
{
	struct kaff_allocator alloc;
	struct kaff_test_buf clean = { 0 }, out = { 0 };
	struct kaff_replay_ops ops = { .write_trace = kaff_test_buf_write, .engine = engine };
	struct kaff_scenario *sc;
	struct kaff_replay *r;
	char *text = wide_scenario(kernel);
	unsigned long n;
	int ret;

	kaff_test_alloc_init(&ta, 0, &alloc);
	{
		struct kaff_scenario_error err;

		if (kaff_scenario_parse(text, strlen(text), &alloc, &sc, &err))
			fail_msg("the wide scenario does not parse: %u:%u: %s", err.line, err.col,
				 err.msg);
	}
	ops.data = &clean;
	assert_int_equal(kaff_scenario_replay(sc, &ops, NULL), 0);

	ops.data = &out;
	assert_int_equal(kaff_replay_new(sc, &ops, &r), 0);
	for (;;) {
		char *before = kaff_test_dump(kaff_replay_ctx(r));

		for (n = 1;; n++) {
			char *after;

			ta.fail_at = ta.calls + n;
			ta.failed = false;
			ret = kaff_replay_step(r, NULL);
			if (ret != -ENOMEM)
				break;
			assert_true(ta.failed);
			after = kaff_test_dump(kaff_replay_ctx(r));
			if (strcmp(before, after))
				fail_msg("%s, engine %d, event %u, allocation %lu: -ENOMEM changed the state",
					 kernel, (int)engine, kaff_replay_position(r), n);
			free(after);
			if (kaff_ctx_check(kaff_replay_ctx(r), why, sizeof(why)))
				fail_msg("after -ENOMEM: %s", why);
			points++;
		}
		ta.fail_at = 0;
		assert_false(ta.failed);
		free(before);
		assert_true(ret == 0 || ret == 1);
		if (ret == 0)
			break;
	}
	kaff_replay_free(r);
	kaff_scenario_free(sc);
	assert_int_equal(ta.live, 0);
	assert_string_equal(out.data, clean.data);
	kaff_test_buf_free(&out);
	kaff_test_buf_free(&clean);
	free(text);
}

static void test_wide_6_14_incremental(void **state)
{
	(void)state;
	sweep_wide("6.14", KAFF_ENGINE_INCREMENTAL);
}

static void test_wide_7_3_incremental(void **state)
{
	(void)state;
	sweep_wide("7.3", KAFF_ENGINE_INCREMENTAL);
}

static void test_wide_7_3_reference(void **state)
{
	(void)state;
	sweep_wide("7.3", KAFF_ENGINE_REFERENCE);
	print_message("# %lu allocation failures injected and survived\n", points);
}

/* One call of the (ctx, unsigned int) kind, for kaff_test_sweep(). */
struct call {
	int (*op)(struct kaff_ctx *, unsigned int);
	unsigned int arg;
};

static int run_call(struct kaff_ctx *ctx, void *data)
{
	const struct call *c = data;

	return c->op(ctx, c->arg);
}

static int sweep_call(struct kaff_ctx *ctx, int (*op)(struct kaff_ctx *, unsigned int),
		      unsigned int arg)
{
	struct call c = { op, arg };

	return kaff_test_sweep(ctx, &ta, run_call, &c, &points);
}

/* Per-CPU kthreads created on an offline CPU (parked with all CPUs, a
 * mask kthreadd does not hold under nohz_full=) and unparked when it comes
 * up (a fresh {cpu}): every allocation of those calls fails once. */
static unsigned int last_id;

static int op_create_per_cpu(struct kaff_ctx *ctx, unsigned int cpu)
{
	return kaff_kthread_create_per_cpu(ctx, cpu, &last_id);
}

static void test_per_cpu_offline_then_online(void **state)
{
	struct kaff_allocator alloc;
	struct kaff_ctx *ctx;
	unsigned long before = points;

	(void)state;
	kaff_test_alloc_init(&ta, 0, &alloc);
	ctx = kaff_ctx_new(NULL, 8, &alloc);
	assert_non_null(ctx);
	assert_int_equal(kaff_machine_add_boot_param(ctx, "nohz_full=4-7"), 0);
	assert_int_equal(kaff_machine_boot(ctx), 0);
	assert_int_equal(sweep_call(ctx, kaff_cpu_offline, 2), 0);
	assert_int_equal(sweep_call(ctx, kaff_cpu_offline, 3), 0);
	assert_int_equal(sweep_call(ctx, op_create_per_cpu, 2), 0);
	assert_int_equal(sweep_call(ctx, op_create_per_cpu, 3), 0);
	assert_int_equal(sweep_call(ctx, kaff_cpu_online, 2), 0);
	assert_int_equal(sweep_call(ctx, kaff_cpu_online, 3), 0);
	assert_int_equal(kaff_ctx_check(ctx, why, sizeof(why)), 0);
	kaff_ctx_free(ctx);
	assert_int_equal(ta.live, 0);
	assert_true(points > before);
}

/* An allocator without realloc: libkaff uses malloc, copy and free. */
static void *plain_malloc(void *data, size_t size)
{
	(*(unsigned long *)data)++;
	return malloc(size);
}

static void plain_free(void *data, void *ptr)
{
	(void)data;
	free(ptr);
}

static void test_allocator_without_realloc(void **state)
{
	unsigned long calls = 0;
	struct kaff_allocator a = { plain_malloc, NULL, plain_free, &calls };
	struct kaff_allocator half = { plain_malloc, NULL, NULL, &calls };
	struct kaff_test_buf t1 = { 0 }, t2 = { 0 };
	struct kaff_replay_ops ops = { .write_trace = kaff_test_buf_write };
	struct kaff_scenario *sc;
	char *text = wide_scenario("7.3");

	(void)state;
	assert_int_equal(kaff_scenario_parse(text, strlen(text), &a, &sc, NULL), 0);
	ops.data = &t1;
	assert_int_equal(kaff_scenario_replay(sc, &ops, NULL), 0);
	kaff_scenario_free(sc);
	assert_true(calls > 100);
	/* malloc without free: the C library's allocator is used instead */
	calls = 0;
	assert_int_equal(kaff_scenario_parse(text, strlen(text), &half, &sc, NULL), 0);
	ops.data = &t2;
	assert_int_equal(kaff_scenario_replay(sc, &ops, NULL), 0);
	kaff_scenario_free(sc);
	assert_int_equal(calls, 0);
	assert_string_equal(t1.data, t2.data);
	kaff_test_buf_free(&t1);
	kaff_test_buf_free(&t2);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wide_6_14_incremental),
		cmocka_unit_test(test_wide_7_3_incremental),
		cmocka_unit_test(test_wide_7_3_reference),
		cmocka_unit_test(test_per_cpu_offline_then_online),
		cmocka_unit_test(test_allocator_without_realloc),
	};

	return cmocka_run_group_tests_name("alloc-wide", tests, NULL, NULL);
}
