/* SPDX-License-Identifier: MIT */
/*
 * Allocation failure: every allocation a context makes can fail, and the
 * call that meets the failure must return -ENOMEM, leave the context
 * exactly as it was (same state dump) and leak nothing.
 *
 * Method: before each operation take a dump; run the operation with the
 * 1st, then 2nd, ... of its allocations failing until it succeeds; after
 * each -ENOMEM compare the dump. A failure that the operation swallowed
 * (success although an allocation failed) is an error too.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kaff-private.h"
#include "scenario-private.h"
#include "cmocka-sweep.h"
#include "kernel.h"
#include "test-common.h"

static struct kaff_test_alloc ta;
static struct kaff_allocator alloc;
static unsigned long points;   /* allocation failures injected and survived */

/* Run @op(ctx, arg) failing its 1st, 2nd, ... allocation until it
 * returns something other than -ENOMEM; returns that. */
typedef int (*op_fn)(struct kaff_ctx *ctx, void *arg);

static int sweep(struct kaff_ctx *ctx, op_fn op, void *arg)
{
	return kaff_test_sweep(ctx, &ta, op, arg, &points);
}

/* ---- operations on a context */

struct mask_arg {
	unsigned int id;
	const char *list;
};

static struct kaff_cpumask *mask_of(const struct kaff_ctx *ctx, const char *list)
{
	struct kaff_cpumask *m = kaff_cpumask_alloc(kaff_machine_nr_cpu_ids(ctx));

	assert_non_null(m);
	if (strcmp(list, "-"))
		assert_int_equal(kaff_cpulist_parse(list, m), 0);
	return m;
}

static int op_node(struct kaff_ctx *ctx, void *arg)
{
	const struct mask_arg *a = arg;
	struct kaff_cpumask *m = mask_of(ctx, a->list);
	int ret = kaff_machine_set_node(ctx, a->id, m);

	kaff_cpumask_free(m);
	return ret;
}

static int op_boot_param(struct kaff_ctx *ctx, void *arg)
{
	return kaff_machine_add_boot_param(ctx, arg);
}

static int op_boot(struct kaff_ctx *ctx, void *arg)
{
	(void)arg;
	return kaff_machine_boot(ctx);
}

static unsigned int last_id;

static int op_create(struct kaff_ctx *ctx, void *arg)
{
	return kaff_kthread_create_on_node(ctx, *(int *)arg, &last_id);
}

static int op_create_on_cpu(struct kaff_ctx *ctx, void *arg)
{
	return kaff_kthread_create_on_cpu(ctx, *(unsigned int *)arg, &last_id);
}

static int op_create_per_cpu(struct kaff_ctx *ctx, void *arg)
{
	return kaff_kthread_create_per_cpu(ctx, *(unsigned int *)arg, &last_id);
}

static int op_prefer(struct kaff_ctx *ctx, void *arg)
{
	const struct mask_arg *a = arg;
	struct kaff_cpumask *m = mask_of(ctx, a->list);
	int ret = kaff_kthread_affine_preferred(ctx, a->id, m);

	kaff_cpumask_free(m);
	return ret;
}

static int op_setaffinity(struct kaff_ctx *ctx, void *arg)
{
	const struct mask_arg *a = arg;
	struct kaff_cpumask *m = mask_of(ctx, a->list);
	int ret = kaff_sched_setaffinity(ctx, a->id, m);

	kaff_cpumask_free(m);
	return ret;
}

static int op_bind_mask(struct kaff_ctx *ctx, void *arg)
{
	const struct mask_arg *a = arg;
	struct kaff_cpumask *m = mask_of(ctx, a->list);
	int ret = kaff_kthread_bind_mask(ctx, a->id, m);

	kaff_cpumask_free(m);
	return ret;
}

static int op_isolate(struct kaff_ctx *ctx, void *arg)
{
	struct kaff_cpumask *m = mask_of(ctx, arg);
	int ret = kaff_cpuset_set_isolated(ctx, m);

	kaff_cpumask_free(m);
	return ret;
}

static int op_wake(struct kaff_ctx *ctx, void *arg)
{
	return kaff_wake_up_process(ctx, *(unsigned int *)arg);
}

static int op_stop(struct kaff_ctx *ctx, void *arg)
{
	return kaff_kthread_stop(ctx, *(unsigned int *)arg);
}

static int op_online(struct kaff_ctx *ctx, void *arg)
{
	return kaff_cpu_online(ctx, *(unsigned int *)arg);
}

static int op_offline(struct kaff_ctx *ctx, void *arg)
{
	return kaff_cpu_offline(ctx, *(unsigned int *)arg);
}

/* kaff_ctx_dup(): NULL at each of its allocations (the sweep checks the
 * original unchanged and, at the end, nothing leaked). The copy goes to
 * *@arg, for sweep_dup() to compare once no failure is armed. */
static int op_dup(struct kaff_ctx *ctx, void *arg)
{
	struct kaff_ctx **copy = arg;

	*copy = kaff_ctx_dup(ctx);
	return *copy ? 0 : -ENOMEM;
}

/* A copy at each allocation failing, then one with the same state. */
static void sweep_dup(struct kaff_ctx *ctx)
{
	struct kaff_ctx *copy = NULL;
	char *a, *b;

	assert_int_equal(sweep(ctx, op_dup, &copy), 0);
	a = kaff_test_dump(ctx);
	b = kaff_test_dump(copy);
	assert_string_equal(a, b);
	free(a);
	free(b);
	kaff_ctx_free(copy);
}

/* kaff_ctx_new() fails cleanly at each of its allocations. */
static void test_ctx_new_each_allocation(void **state)
{
	unsigned long n;

	(void)state;
	for (n = 1;; n++) {
		struct kaff_ctx *ctx;

		kaff_test_alloc_init(&ta, n, &alloc);
		ctx = kaff_ctx_new(NULL, 64, &alloc);
		if (ctx) {
			assert_false(ta.failed);
			kaff_ctx_free(ctx);
			break;
		}
		assert_true(ta.failed);
		assert_int_equal(ta.live, 0);
	}
	assert_int_equal(ta.live, 0);
	assert_true(n > 10);
}

/* Every entry point, both profiles, at every allocation it makes;
 * @spec as kaff_profile_parse() reads it, with the kernel's rules as
 * hooks when @hooks (examples/rules/kernel.c). */
static void run_api_sweep(const char *spec, bool hooks)
{
	struct kaff_profile *p;
	struct kaff_ctx *ctx;
	unsigned int a, b, c, d, e, cpu;
	unsigned long changes = 0;
	int node;

	assert_int_equal(kaff_profile_parse(spec, &p, NULL), 0);
	if (hooks) {
		assert_int_equal(kaff_profile_set_fetch_fn(p, rule_kernel_fetch, NULL, 0), 0);
		assert_int_equal(kaff_profile_set_online_fn(p, rule_kernel_online, NULL), 0);
	}
	kaff_test_alloc_init(&ta, 0, &alloc);
	ctx = kaff_ctx_new(p, 8, &alloc);
	assert_non_null(ctx);

	assert_int_equal(sweep(ctx, op_node, &(struct mask_arg){ 1, "4-7" }), 0);
	assert_int_equal(sweep(ctx, op_node, &(struct mask_arg){ 0, "0-3" }), 0);
	assert_int_equal(sweep(ctx, op_boot_param, "nohz_full=6"), 0);
	assert_int_equal(sweep(ctx, op_boot_param, "isolcpus=domain,5"), 0);
	sweep_dup(ctx);   /* setup phase */
	assert_int_equal(sweep(ctx, op_boot, NULL), 0);
	/* every event below also with a change callback: its buffer
	 * allocates (notify.c) */
	kaff_ctx_set_change_fn(ctx, kaff_test_count_change, &changes);

	node = 1;
	assert_int_equal(sweep(ctx, op_create, &node), 0);
	a = last_id;
	node = KAFF_NUMA_NO_NODE;
	assert_int_equal(sweep(ctx, op_create, &node), 0);
	b = last_id;
	assert_int_equal(sweep(ctx, op_create, &node), 0);
	c = last_id;
	cpu = 3;
	assert_int_equal(sweep(ctx, op_create_on_cpu, &cpu), 0);
	d = last_id;
	assert_int_equal(sweep(ctx, op_prefer, &(struct mask_arg){ b, "2-6" }), 0);
	assert_int_equal(sweep(ctx, op_setaffinity, &(struct mask_arg){ c, "1-2" }), 0);
	assert_int_equal(sweep(ctx, op_bind_mask, &(struct mask_arg){ d, "2-3" }), 0);
	assert_int_equal(sweep(ctx, op_wake, &a), 0);
	assert_int_equal(sweep(ctx, op_wake, &b), 0);
	assert_int_equal(sweep(ctx, op_wake, &c), 0);
	assert_int_equal(sweep(ctx, op_setaffinity, &(struct mask_arg){ a, "0-1" }), 0);
	/* offline then online: the update and the unparking allocate */
	cpu = 7;
	assert_int_equal(sweep(ctx, op_create_per_cpu, &cpu), 0);
	e = last_id;
	for (cpu = 4; cpu < 8; cpu++)
		assert_int_equal(sweep(ctx, op_offline, &cpu), 0);
	assert_int_equal(sweep(ctx, op_wake, &a), 0);   /* fallback */
	cpu = 2;
	assert_int_equal(sweep(ctx, op_offline, &cpu), 0);
	assert_int_equal(sweep(ctx, op_wake, &d), 0);
	for (cpu = 7; cpu >= 4; cpu--)
		assert_int_equal(sweep(ctx, op_online, &cpu), 0);
	cpu = 3;
	assert_int_equal(sweep(ctx, op_create_per_cpu, &cpu), 0);
	if (kaff_profile_get(p, KAFF_RULE_RUNTIME_DOMAIN_ISOLATION)) {
		assert_int_equal(sweep(ctx, op_isolate, "4-5"), 0);
		assert_int_equal(sweep(ctx, op_isolate, "0-7"), -EINVAL);
		assert_int_equal(sweep(ctx, op_isolate, "6"), 0);
	}
	sweep_dup(ctx);
	assert_int_equal(sweep(ctx, op_stop, &e), 0);
	assert_int_equal(sweep(ctx, op_stop, &b), 0);
	sweep_dup(ctx);
	assert_true(changes > 0);
	kaff_ctx_free(ctx);
	kaff_profile_free(p);
	assert_int_equal(ta.live, 0);
}

static void test_api_sweep_6_14(void **state)
{
	(void)state;
	run_api_sweep("6.14", false);
}

static void test_api_sweep_7_3(void **state)
{
	(void)state;
	run_api_sweep("7.3", false);
}

/* The same under the kernel's rules as hooks, and a rule set no kernel
 * has: the hooks' calls sit between the allocations of every event. */
static void test_api_sweep_hooks(void **state)
{
	(void)state;
	run_api_sweep("7.3", true);
	run_api_sweep("6.14+kthread_hk=HK_TYPE_DOMAIN+list_unbound=true+runtime_domain_isolation=true"
		      "+has_domain_boot=true", true);
}

/* ---- scenarios: parse and replay every case with failing allocations */

static void sweep_parse(const char *text, size_t len)
{
	struct kaff_scenario *sc;
	unsigned long n;
	int ret;

	for (n = 1;; n++) {
		kaff_test_alloc_init(&ta, n, &alloc);
		ret = kaff_scenario_parse(text, len, &alloc, &sc, NULL);
		if (ret != -ENOMEM)
			break;
		assert_true(ta.failed);
		assert_int_equal(ta.live, 0);
		points++;
	}
	assert_int_equal(ret, 0);
	assert_false(ta.failed);
	kaff_scenario_free(sc);
	assert_int_equal(ta.live, 0);
}

static int step_op(struct kaff_ctx *ctx, void *arg);

struct step_arg {
	struct kaff_replay *r;
	uint32_t i;
	struct kaff_replay_result *res;
};

static int step_op(struct kaff_ctx *ctx, void *arg)
{
	struct step_arg *s = arg;

	(void)ctx;
	return kaff__replay_step(s->r, s->i, s->res);
}

/* Replay one parsed scenario, sweeping each event; the trace must come
 * out as without failures (compared with the .trace when there is one). */
static void sweep_replay(const char *text, size_t len, const char *want, enum kaff_engine engine)
{
	struct kaff_test_buf out = { 0 };
	struct kaff_replay_ops ops = { .write_trace = kaff_test_buf_write, .data = &out,
				       .engine = engine };
	struct kaff_replay_result res = { 0 };
	struct kaff_scenario *sc;
	struct kaff_replay r;
	unsigned long n;
	uint32_t i;
	int ret;

	kaff_test_alloc_init(&ta, 0, &alloc);
	assert_int_equal(kaff_scenario_parse(text, len, &alloc, &sc, NULL), 0);
	/* the replay set-up (context, boot) */
	for (n = 1;; n++) {
		ta.fail_at = ta.calls + n;
		ta.failed = false;
		ret = kaff__replay_init(&r, sc, &ops);
		if (ret != -ENOMEM)
			break;
		points++;
	}
	ta.fail_at = 0;
	assert_int_equal(ret, 0);
	for (i = 0; i < sc->nr_events; i++) {
		struct step_arg s = { &r, i, &res };

		assert_int_equal(sweep(r.ctx, step_op, &s), 0);
	}
	kaff__replay_fini(&r);
	kaff_scenario_free(sc);
	assert_int_equal(ta.live, 0);
	if (want)
		assert_string_equal(out.data ? out.data : "", want);
	kaff_test_buf_free(&out);
}

static unsigned int sweep_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	unsigned int count = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char path[8192], tpath[8192];
		size_t nl = strlen(de->d_name), len;
		char *text, *want;

		if (nl < 5 || strcmp(de->d_name + nl - 4, ".scn") || strlen(dir) > 4000 || nl > 255)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		snprintf(tpath, sizeof(tpath), "%s/%.*s.trace", dir, (int)(nl - 4), de->d_name);
		text = kaff_test_read_file(path, &len);
		assert_non_null(text);
		want = kaff_test_read_file(tpath, NULL);
		print_message("# %s\n", de->d_name);
		sweep_parse(text, len);
		/* both engines: their multi-kthread events allocate differently */
		sweep_replay(text, len, want, KAFF_ENGINE_INCREMENTAL);
		sweep_replay(text, len, want, KAFF_ENGINE_REFERENCE);
		free(text);
		free(want);
		count++;
	}
	closedir(d);
	return count;
}

static void test_scenario_sweep(void **state)
{
	const char *base = kaff_test_env_dir("KAFF_CASES_DIR");
	const char *sub[] = { "cases", "oracle", "handwritten" };
	char dir[4096];
	unsigned int i, cases = 0;

	(void)state;
	assert_non_null(base);
	for (i = 0; i < 3; i++) {
		snprintf(dir, sizeof(dir), "%s/%s", base, sub[i]);
		cases += sweep_dir(dir);
	}
	assert_true(cases >= 75);
	printf("# %u scenarios, %lu allocation failures injected and survived\n", cases,
	       points);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctx_new_each_allocation),
		cmocka_unit_test(test_api_sweep_6_14),
		cmocka_unit_test(test_api_sweep_7_3),
		cmocka_unit_test(test_api_sweep_hooks),
		cmocka_unit_test(test_scenario_sweep),
	};

	return cmocka_run_group_tests_name("alloc", tests, NULL, NULL);
}
