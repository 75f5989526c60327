/* SPDX-License-Identifier: MIT */
/*
 * The invariant checker (include/libkaff/invariant.h):
 *
 * - every event of every conformance case (cases, oracle, handwritten)
 *   keeps the invariants, checked with kaff_ctx_check_step() after each
 *   kaff_replay_step(), and the same case replayed on the reference walk
 *   (KAFF_ENGINE_REFERENCE) is in the same state after every event
 *   (kaff_ctx_compare());
 * - API sequences the scenario format cannot express (per-CPU kthreads,
 *   bind_mask, kthreadd, refused calls), both profiles, step by step;
 *   refused calls leave the context unchanged;
 * - the checker does find violations, and describes them.
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

#include <libkaff/kaff.h>

#include "test-common.h"

static char why[512];

#define assert_invariants(before, ctx)                                        \
	do {                                                                  \
		int ret_ = kaff_ctx_check_step((before), (ctx), why, sizeof(why)); \
		if (ret_)                                                     \
			print_error("violation: %s\n", why);                  \
		assert_int_equal(ret_, 0);                                    \
	} while (0)

/* ---- every conformance case, event by event ----------------------------- */

static unsigned long events_checked;

static void check_case(const char *path)
{
	struct kaff_replay_ops ref_ops = { .engine = KAFF_ENGINE_REFERENCE };
	struct kaff_scenario_error err;
	struct kaff_scenario *sc;
	struct kaff_replay *r, *r2;
	size_t len;
	char *text = kaff_test_read_file(path, &len);
	int ret;

	assert_non_null(text);
	assert_int_equal(kaff_scenario_parse(text, len, NULL, &sc, &err), 0);
	assert_int_equal(kaff_replay_new(sc, NULL, &r), 0);
	/* the same case on the reference walk, compared after every event */
	assert_int_equal(kaff_replay_new(sc, &ref_ops, &r2), 0);
	assert_invariants(NULL, kaff_replay_ctx(r));
	for (;;) {
		struct kaff_snapshot *before;

		assert_int_equal(kaff_ctx_snapshot(kaff_replay_ctx(r), &before), 0);
		ret = kaff_replay_step(r, NULL);
		assert_true(ret >= 0);
		if (ret == 1) {
			char desc[128];
			unsigned int line = 0;

			kaff_scenario_event_describe(sc, kaff_replay_position(r) - 1, desc,
						     sizeof(desc), &line);
			if (kaff_ctx_check_step(before, kaff_replay_ctx(r), why, sizeof(why)))
				fail_msg("%s:%u: after '%s': %s", path, line, desc, why);
			assert_int_equal(kaff_replay_step(r2, NULL), 1);
			if (kaff_ctx_compare(kaff_replay_ctx(r), kaff_replay_ctx(r2), why,
					     sizeof(why)))
				fail_msg("%s:%u: the incremental engine and the reference walk differ after '%s': %s",
					 path, line, desc, why);
			events_checked++;
		}
		kaff_snapshot_free(before);
		if (ret == 0)
			break;
	}
	kaff_replay_free(r);
	kaff_replay_free(r2);
	kaff_scenario_free(sc);
	free(text);
}

static unsigned int check_dir(const char *dir)
{
	struct dirent **list;
	unsigned int count = 0;
	int n, i;

	n = scandir(dir, &list, NULL, alphasort);
	if (n < 0)
		return 0;
	for (i = 0; i < n; i++) {
		const char *name = list[i]->d_name;
		size_t nl = strlen(name);
		char path[4096];

		if (nl > 4 && !strcmp(name + nl - 4, ".scn") &&
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) < sizeof(path)) {
			check_case(path);
			count++;
		}
		free(list[i]);
	}
	free(list);
	return count;
}

static void test_every_case_every_event(void **state)
{
	const char *base = kaff_test_env_dir("KAFF_CASES_DIR");
	const char *sub[] = { "cases", "oracle", "handwritten" };
	char dir[4096];
	unsigned int i, cases = 0;

	(void)state;
	assert_non_null(base);
	for (i = 0; i < 3; i++) {
		snprintf(dir, sizeof(dir), "%s/%s", base, sub[i]);
		cases += check_dir(dir);
	}
	assert_true(cases >= 75);
	print_message("# %u scenarios, %lu events checked\n", cases, events_checked);
}

/* ---- API sequences -------------------------------------------------------- */

struct stepper {
	struct kaff_ctx *ctx;
	struct kaff_snapshot *before;
};

static struct kaff_cpumask *mask_of(const struct kaff_ctx *ctx, const char *list)
{
	struct kaff_cpumask *m = kaff_cpumask_alloc(kaff_machine_nr_cpu_ids(ctx));

	assert_non_null(m);
	if (strcmp(list, "-"))
		assert_int_equal(kaff_cpulist_parse(list, m), 0);
	return m;
}

static void begin(struct stepper *s)
{
	assert_int_equal(kaff_ctx_snapshot(s->ctx, &s->before), 0);
}

/* After an API call that returned @ret: the step rules, and for libkaff's
 * own refusals (@refused) an unchanged state. */
static void end(struct stepper *s, int ret, bool refused, const char *what)
{
	if (refused) {
		if (kaff_ctx_check_unchanged(s->before, s->ctx, why, sizeof(why)))
			fail_msg("%s (%s) changed the state: %s", what, kaff_strerrorname(ret), why);
	}
	if (kaff_ctx_check_step(s->before, s->ctx, why, sizeof(why)))
		fail_msg("after %s: %s", what, why);
	kaff_snapshot_free(s->before);
	s->before = NULL;
}

#define STEP(s, call, want, refused)                                         \
	do {                                                                 \
		int r_;                                                      \
		begin(s);                                                    \
		r_ = (call);                                                 \
		if (r_ != (want))                                            \
			fail_msg("%s returned %s, not %s", #call,            \
				 kaff_strerrorname(r_), kaff_strerrorname(want)); \
		end(s, r_, refused, #call);                                  \
	} while (0)

static void run_api_sequence(const char *version)
{
	const struct kaff_profile *p;
	struct stepper s = { 0 };
	struct kaff_cpumask *m, *n0, *n1;
	unsigned int a, b, c, d, e, f, g, cpu;
	bool seven;

	assert_int_equal(kaff_profile_lookup(version, &p), 0);
	seven = kaff_profile_get(p, KAFF_RULE_RUNTIME_DOMAIN_ISOLATION) == 1;
	s.ctx = kaff_ctx_new(p, 8, NULL);
	assert_non_null(s.ctx);
	assert_invariants(NULL, s.ctx);
	n0 = mask_of(s.ctx, "0-3");
	n1 = mask_of(s.ctx, "4-7");
	STEP(&s, kaff_machine_set_node(s.ctx, 1, n1), 0, false);
	STEP(&s, kaff_machine_set_node(s.ctx, 1, n1), -EEXIST, true);
	STEP(&s, kaff_machine_set_node(s.ctx, 0, n0), 0, false);
	STEP(&s, kaff_machine_add_boot_param(s.ctx, "nohz_full=6"), 0, false);
	STEP(&s, kaff_machine_add_boot_param(s.ctx, "isolcpus=domain,5"), 0, false);
	STEP(&s, kaff_machine_add_boot_param(s.ctx, "quiet"), -EINVAL, true);
	STEP(&s, kaff_machine_boot(s.ctx), 0, false);
	STEP(&s, kaff_machine_boot(s.ctx), -EPERM, true);

	STEP(&s, kaff_kthread_create_on_node(s.ctx, 1, &a), 0, false);
	STEP(&s, kaff_kthread_create_on_node(s.ctx, 2, &g), -ERANGE, true);
	STEP(&s, kaff_kthread_create_on_node(s.ctx, KAFF_NUMA_NO_NODE, &b), 0, false);
	STEP(&s, kaff_kthread_create_on_node(s.ctx, KAFF_NUMA_NO_NODE, &c), 0, false);
	STEP(&s, kaff_kthread_create_on_cpu(s.ctx, 3, &d), 0, false);
	STEP(&s, kaff_kthread_create_on_cpu(s.ctx, 8, &g), -ERANGE, true);
	m = mask_of(s.ctx, "2-6");
	STEP(&s, kaff_kthread_affine_preferred(s.ctx, b, m), 0, false);
	STEP(&s, kaff_kthread_affine_preferred(s.ctx, b, m), -EEXIST, true);
	/* prefer on a bound kthread: listed, bound (case 31) */
	STEP(&s, kaff_kthread_affine_preferred(s.ctx, d, m), 0, false);
	kaff_cpumask_free(m);
	m = mask_of(s.ctx, "1-2");
	STEP(&s, kaff_sched_setaffinity(s.ctx, c, m), 0, false);
	STEP(&s, kaff_sched_setaffinity(s.ctx, d, m), -EINVAL, false);
	STEP(&s, kaff_sched_setaffinity(s.ctx, 99, m), -ESRCH, true);
	kaff_cpumask_free(m);
	m = mask_of(s.ctx, "2-3");
	STEP(&s, kaff_kthread_bind_mask(s.ctx, d, m), 0, false);
	kaff_cpumask_free(m);
	m = mask_of(s.ctx, "-");
	STEP(&s, kaff_kthread_bind_mask(s.ctx, a, m), -EINVAL, true);
	kaff_cpumask_free(m);
	STEP(&s, kaff_wake_up_process(s.ctx, a), 0, false);
	STEP(&s, kaff_wake_up_process(s.ctx, b), 0, false);
	STEP(&s, kaff_wake_up_process(s.ctx, c), 0, false);
	STEP(&s, kaff_wake_up_process(s.ctx, KAFF_KTHREADD), 0, false);
	/* late bind: a WARN, nothing changes */
	STEP(&s, kaff_kthread_bind(s.ctx, a, 1), 0, false);
	m = mask_of(s.ctx, "0-1");
	STEP(&s, kaff_sched_setaffinity(s.ctx, a, m), 0, false);
	STEP(&s, kaff_kthread_affine_preferred(s.ctx, a, m), -EINVAL, false);
	kaff_cpumask_free(m);
	cpu = 7;
	STEP(&s, kaff_kthread_create_per_cpu(s.ctx, cpu, &e), 0, false);
	for (cpu = 4; cpu < 8; cpu++)
		STEP(&s, kaff_cpu_offline(s.ctx, cpu), 0, false);
	STEP(&s, kaff_cpu_offline(s.ctx, 4), 0, false);   /* already offline */
	/* created on an offline CPU: parked with all CPUs (fallback) */
	STEP(&s, kaff_kthread_create_per_cpu(s.ctx, 6, &f), 0, false);
	STEP(&s, kaff_wake_up_process(s.ctx, f), 0, false);    /* parked: no-op */
	STEP(&s, kaff_wake_up_process(s.ctx, a), 0, false);    /* fallback */
	STEP(&s, kaff_cpu_offline(s.ctx, 2), 0, false);
	STEP(&s, kaff_wake_up_process(s.ctx, d), 0, false);
	STEP(&s, kaff_cpu_offline(s.ctx, 0), -ENOENT, false);
	STEP(&s, kaff_cpu_offline(s.ctx, 8), -ERANGE, true);
	/* d is bound and listed: every online fails (case 31) */
	for (cpu = 7; cpu >= 4; cpu--)
		STEP(&s, kaff_cpu_online(s.ctx, cpu), -EINVAL, false);
	STEP(&s, kaff_kthread_stop(s.ctx, d), 0, false);
	for (cpu = 7; cpu >= 4; cpu--)
		STEP(&s, kaff_cpu_online(s.ctx, cpu), 0, false);
	STEP(&s, kaff_cpu_online(s.ctx, 2), 0, false);
	STEP(&s, kaff_kthread_create_per_cpu(s.ctx, 3, &g), 0, false);
	if (seven) {
		m = mask_of(s.ctx, "4-5");
		STEP(&s, kaff_cpuset_set_isolated(s.ctx, m), 0, false);
		kaff_cpumask_free(m);
		m = mask_of(s.ctx, "0-7");
		STEP(&s, kaff_cpuset_set_isolated(s.ctx, m), -EINVAL, false);
		kaff_cpumask_free(m);
		m = mask_of(s.ctx, "1-4,6-7");
		STEP(&s, kaff_cpuset_set_isolated(s.ctx, m), 0, false);
		kaff_cpumask_free(m);
		/* offline the CPUs outside the partition: invalidated */
		STEP(&s, kaff_cpu_offline(s.ctx, 5), 0, false);
		STEP(&s, kaff_cpu_online(s.ctx, 5), 0, false);
	} else {
		m = mask_of(s.ctx, "4-5");
		STEP(&s, kaff_cpuset_set_isolated(s.ctx, m), -EOPNOTSUPP, true);
		kaff_cpumask_free(m);
	}
	STEP(&s, kaff_kthread_stop(s.ctx, e), 0, false);
	STEP(&s, kaff_kthread_stop(s.ctx, e), -ESRCH, true);
	STEP(&s, kaff_kthread_stop(s.ctx, KAFF_KTHREADD), -EPERM, true);
	STEP(&s, kaff_kthread_stop(s.ctx, b), 0, false);
	STEP(&s, kaff_kthread_create_on_node(s.ctx, 0, &b), 0, false);
	assert_true(b > g);
	kaff_cpumask_free(n0);
	kaff_cpumask_free(n1);
	kaff_ctx_free(s.ctx);
}

static void test_api_sequence_6_14(void **state)
{
	(void)state;
	run_api_sequence("6.14");
}

static void test_api_sequence_7_3(void **state)
{
	(void)state;
	run_api_sequence("7.3");
}

/* ---- the checker finds violations ---------------------------------------- */

static struct kaff_ctx *booted(const char *version, unsigned int cpus)
{
	const struct kaff_profile *p;
	struct kaff_ctx *ctx;

	assert_int_equal(kaff_profile_lookup(version, &p), 0);
	ctx = kaff_ctx_new(p, cpus, NULL);
	assert_non_null(ctx);
	assert_int_equal(kaff_machine_boot(ctx), 0);
	return ctx;
}

static void assert_violation(int ret, const char *needle)
{
	if (ret != -EINVAL)
		fail_msg("expected a violation mentioning '%s', got %s", needle,
			 kaff_strerrorname(ret));
	if (!strstr(why, needle))
		fail_msg("expected a violation mentioning '%s', got '%s'", needle, why);
}

/* Corrupting a mask the context owns (tests only) is seen. */
static void test_detects_empty_mask(void **state)
{
	struct kaff_ctx *ctx = booted("6.14", 4);
	struct kaff_kthread_info info;
	struct kaff_cpumask *mask, *saved;
	unsigned int id;

	(void)state;
	assert_int_equal(kaff_kthread_create_on_cpu(ctx, 2, &id), 0);
	assert_int_equal(kaff_ctx_check(ctx, why, sizeof(why)), 0);
	assert_int_equal(kaff_kthread_get_info(ctx, id, &info), 0);
	mask = (struct kaff_cpumask *)info.cpus;
	saved = kaff_cpumask_alloc(4);
	kaff_cpumask_copy(saved, mask);
	kaff_cpumask_clear(mask);
	assert_violation(kaff_ctx_check(ctx, why, sizeof(why)), "empty cpus mask");
	/* a per-CPU-style mismatch: bound to 2, now on 3 is still a valid state */
	kaff_cpumask_set_cpu(3, mask);
	assert_int_equal(kaff_ctx_check(ctx, why, sizeof(why)), 0);
	kaff_cpumask_copy(mask, saved);
	kaff_cpumask_free(saved);
	kaff_ctx_free(ctx);
}

/* A bound, started kthread whose mask changed without a rule. */
static void test_detects_bound_change(void **state)
{
	struct kaff_ctx *a = booted("6.14", 4), *b = booted("6.14", 4);
	struct kaff_snapshot *snap;
	unsigned int ida, idb;

	(void)state;
	assert_int_equal(kaff_kthread_create_on_cpu(a, 1, &ida), 0);
	assert_int_equal(kaff_kthread_create_on_cpu(b, 2, &idb), 0);
	assert_int_equal(kaff_wake_up_process(a, ida), 0);
	assert_int_equal(kaff_wake_up_process(b, idb), 0);
	assert_int_equal(kaff_ctx_snapshot(a, &snap), 0);
	/* b as "a after one step": kthread 1's cpu field changed */
	assert_violation(kaff_ctx_check_step(snap, b, why, sizeof(why)), "node/cpu changed");
	kaff_snapshot_free(snap);
	kaff_ctx_free(a);
	kaff_ctx_free(b);

	/* same cpu field, different mask: bind_mask before start in b */
	a = booted("6.14", 4);
	b = booted("6.14", 4);
	assert_int_equal(kaff_kthread_create_on_cpu(a, 1, &ida), 0);
	assert_int_equal(kaff_kthread_create_on_cpu(b, 1, &idb), 0);
	{
		struct kaff_cpumask *m = kaff_cpumask_alloc(4);

		kaff_cpumask_set_cpu(2, m);
		kaff_cpumask_set_cpu(3, m);
		assert_int_equal(kaff_kthread_bind_mask(b, idb, m), 0);
		kaff_cpumask_free(m);
	}
	assert_int_equal(kaff_wake_up_process(a, ida), 0);
	assert_int_equal(kaff_wake_up_process(b, idb), 0);
	assert_int_equal(kaff_ctx_snapshot(a, &snap), 0);
	assert_violation(kaff_ctx_check_step(snap, b, why, sizeof(why)), "which no rule allows");
	assert_violation(kaff_ctx_check_unchanged(snap, b, why, sizeof(why)), "cpus 1, the other 2-3");
	assert_violation(kaff_ctx_compare(a, b, why, sizeof(why)), "kthread 1: cpus 1, the other 2-3");
	kaff_snapshot_free(snap);
	kaff_ctx_free(a);
	kaff_ctx_free(b);
}

/* The managed list keeps its order; ids are never reused. */
static void test_detects_list_order_and_id_reuse(void **state)
{
	struct kaff_ctx *a = booted("6.14", 4), *b = booted("6.14", 4);
	struct kaff_cpumask *m = kaff_cpumask_alloc(4);
	struct kaff_snapshot *snap;
	unsigned int x, y;

	(void)state;
	kaff_cpumask_set_cpu(1, m);
	assert_int_equal(kaff_kthread_create_on_node(a, KAFF_NUMA_NO_NODE, &x), 0);
	assert_int_equal(kaff_kthread_create_on_node(a, KAFF_NUMA_NO_NODE, &y), 0);
	assert_int_equal(kaff_kthread_affine_preferred(a, x, m), 0);
	assert_int_equal(kaff_kthread_affine_preferred(a, y, m), 0);
	assert_int_equal(kaff_kthread_create_on_node(b, KAFF_NUMA_NO_NODE, &x), 0);
	assert_int_equal(kaff_kthread_create_on_node(b, KAFF_NUMA_NO_NODE, &y), 0);
	assert_int_equal(kaff_kthread_affine_preferred(b, y, m), 0);
	assert_int_equal(kaff_kthread_affine_preferred(b, x, m), 0);
	assert_int_equal(kaff_ctx_snapshot(a, &snap), 0);
	assert_violation(kaff_ctx_check_step(snap, b, why, sizeof(why)), "managed list");
	assert_violation(kaff_ctx_compare(a, b, why, sizeof(why)), "managed list entry 0");
	kaff_snapshot_free(snap);
	kaff_ctx_free(a);
	kaff_ctx_free(b);

	/* a: kthread 1 stopped, 2 live; b: kthread 1 live (an id reused) */
	a = booted("6.14", 4);
	b = booted("6.14", 4);
	assert_int_equal(kaff_kthread_create_on_node(a, 0, &x), 0);
	assert_int_equal(kaff_kthread_create_on_node(a, 0, &y), 0);
	assert_int_equal(kaff_kthread_stop(a, x), 0);
	assert_int_equal(kaff_kthread_create_on_node(b, 0, &x), 0);
	assert_int_equal(kaff_kthread_create_on_node(b, 0, &y), 0);
	assert_int_equal(kaff_ctx_snapshot(a, &snap), 0);
	assert_violation(kaff_ctx_check_step(snap, b, why, sizeof(why)), "never reused");
	kaff_snapshot_free(snap);
	kaff_ctx_free(a);
	kaff_ctx_free(b);
	kaff_cpumask_free(m);
}

/* Started and bound are never cleared; a preference comes only before
 * the first wake-up; profiles must match. */
static void test_detects_flag_and_profile_changes(void **state)
{
	struct kaff_ctx *a = booted("7.3", 4), *b = booted("7.3", 4), *c = booted("6.14", 4);
	struct kaff_cpumask *m = kaff_cpumask_alloc(4);
	struct kaff_snapshot *snap;
	unsigned int x;

	(void)state;
	kaff_cpumask_set_cpu(1, m);
	assert_int_equal(kaff_kthread_create_on_node(a, 0, &x), 0);
	assert_int_equal(kaff_wake_up_process(a, x), 0);
	assert_int_equal(kaff_kthread_create_on_node(b, 0, &x), 0);
	assert_int_equal(kaff_kthread_affine_preferred(b, x, m), 0);
	assert_int_equal(kaff_ctx_snapshot(a, &snap), 0);
	assert_violation(kaff_ctx_check_step(snap, b, why, sizeof(why)), "lost");
	assert_violation(kaff_ctx_check_step(snap, c, why, sizeof(why)), "profile");
	assert_violation(kaff_ctx_compare(a, c, why, sizeof(why)), "profile 7.3, the other 6.14");
	kaff_snapshot_free(snap);
	assert_int_equal(kaff_wake_up_process(b, x), 0);
	assert_int_equal(kaff_ctx_snapshot(b, &snap), 0);
	assert_violation(kaff_ctx_check_step(snap, a, why, sizeof(why)), "preferred mask changed");
	kaff_snapshot_free(snap);
	/* a's started kthread vs b's: a preference after the first wake */
	assert_int_equal(kaff_ctx_snapshot(a, &snap), 0);
	assert_violation(kaff_ctx_check_step(snap, b, why, sizeof(why)), "preference after");
	kaff_snapshot_free(snap);
	kaff_ctx_free(a);
	kaff_ctx_free(b);
	kaff_ctx_free(c);
	kaff_cpumask_free(m);
}

/* ---- more violations: masks the context owns, corrupted (tests only) ----- */

static struct kaff_cpumask *writable(const struct kaff_cpumask *m)
{
	assert_non_null(m);
	return (struct kaff_cpumask *)m;
}

static struct kaff_ctx *booted_params(const char *version, unsigned int cpus,
				      const char *param, bool two_nodes)
{
	const struct kaff_profile *p;
	struct kaff_ctx *ctx;

	assert_int_equal(kaff_profile_lookup(version, &p), 0);
	ctx = kaff_ctx_new(p, cpus, NULL);
	assert_non_null(ctx);
	if (two_nodes) {
		struct kaff_cpumask *m = kaff_cpumask_alloc(cpus);

		for (unsigned int c = 0; c < cpus / 2; c++)
			kaff_cpumask_set_cpu(c, m);
		assert_int_equal(kaff_machine_set_node(ctx, 0, m), 0);
		kaff_cpumask_complement(m, m);
		assert_int_equal(kaff_machine_set_node(ctx, 1, m), 0);
		kaff_cpumask_free(m);
	}
	if (param)
		assert_int_equal(kaff_machine_add_boot_param(ctx, param), 0);
	assert_int_equal(kaff_machine_boot(ctx), 0);
	return ctx;
}

/* Flip CPU @cpu of @m, check for a violation naming @needle, flip back. */
static void flip_and_check(struct kaff_ctx *ctx, const struct kaff_cpumask *cm, unsigned int cpu,
			   const char *needle)
{
	struct kaff_cpumask *m = writable(cm);
	bool was = kaff_cpumask_test_cpu(cpu, m);

	assert_int_equal(kaff_ctx_check(ctx, why, sizeof(why)), 0);
	if (was)
		kaff_cpumask_clear_cpu(cpu, m);
	else
		kaff_cpumask_set_cpu(cpu, m);
	assert_violation(kaff_ctx_check(ctx, why, sizeof(why)), needle);
	if (was)
		kaff_cpumask_set_cpu(cpu, m);
	else
		kaff_cpumask_clear_cpu(cpu, m);
	assert_int_equal(kaff_ctx_check(ctx, why, sizeof(why)), 0);
}

static void test_detects_machine_corruption(void **state)
{
	struct kaff_ctx *ctx = booted_params("6.14", 4, "nohz_full=1-3", true);
	struct kaff_ctx *setup = kaff_ctx_new(NULL, 4, NULL);

	(void)state;
	flip_and_check(ctx, kaff_machine_online_mask(ctx), 0, "CPU 0 (the boot CPU) is offline");
	flip_and_check(setup, kaff_machine_online_mask(setup), 2, "before boot every CPU is online");
	flip_and_check(ctx, kaff_machine_possible_mask(ctx), 3, "possible CPUs 0-2 are not 0..3");
	/* nodes: {0,1} and {2,3} */
	flip_and_check(ctx, kaff_machine_node_cpus(ctx, 1), 1, "node 1 shares a CPU");
	flip_and_check(ctx, kaff_machine_node_cpus(ctx, 1), 3, "CPU 3 is in no node");
	{
		struct kaff_cpumask *n0 = writable(kaff_machine_node_cpus(ctx, 0));
		struct kaff_cpumask *n1 = writable(kaff_machine_node_cpus(ctx, 1));

		kaff_cpumask_clear_cpu(1, n0);
		kaff_cpumask_set_cpu(1, n1);
		assert_violation(kaff_ctx_check(ctx, why, sizeof(why)),
				 "CPU 1 is in node 1 but cpu_to_node() says 0");
		kaff_cpumask_clear_cpu(1, n1);
		kaff_cpumask_set_cpu(1, n0);
	}
	/* housekeeping: nohz_full=1-3 leaves {0} */
	flip_and_check(ctx, kaff_housekeeping_cpumask(ctx, KAFF_HK_TYPE_KERNEL_NOISE), 0,
		       "housekeeping mask of type 3 is empty");
	flip_and_check(ctx, kaff_cpuset_isolated_cpus(ctx), 1, "an isolated partition 1 under 6.14");
	kaff_ctx_free(ctx);
	kaff_ctx_free(setup);

	/* 7.x: hk(DOMAIN) = hk(DOMAIN_BOOT) minus the partition */
	ctx = booted_params("7.3", 4, "isolcpus=domain,3", false);
	flip_and_check(ctx, kaff_cpuset_isolated_cpus(ctx), 1,
		       "HK_TYPE_DOMAIN 0-2 is not HK_TYPE_DOMAIN_BOOT 0-2 minus the partition 1");
	kaff_ctx_free(ctx);
}

static void test_detects_kthread_corruption(void **state)
{
	struct kaff_ctx *ctx = booted_params("6.14", 64, NULL, false);
	struct kaff_kthread_info info;
	struct kaff_cpumask *m;
	unsigned int pc, parked, bound;

	(void)state;
	assert_int_equal(kaff_kthread_create_per_cpu(ctx, 2, &pc), 0);
	assert_int_equal(kaff_kthread_create_per_cpu(ctx, 3, &parked), 0);
	assert_int_equal(kaff_cpu_offline(ctx, 3), 0);
	assert_int_equal(kaff_kthread_create_on_cpu(ctx, 5, &bound), 0);
	assert_int_equal(kaff_ctx_check(ctx, why, sizeof(why)), 0);

	assert_int_equal(kaff_kthread_get_info(ctx, pc, &info), 0);
	flip_and_check(ctx, info.cpus, 1, "runs (not parked) with cpus 1-2 while its CPU is online");
	assert_int_equal(kaff_kthread_get_info(ctx, parked, &info), 0);
	flip_and_check(ctx, info.cpus, 2, "is parked with cpus 2-3 while its CPU is offline");
	/* a long mask in a message is cut with "..." */
	m = writable(info.cpus);
	for (unsigned int c = 4; c < 64; c += 2)
		kaff_cpumask_set_cpu(c, m);
	assert_violation(kaff_ctx_check(ctx, why, sizeof(why)), "...");
	for (unsigned int c = 4; c < 64; c += 2)
		kaff_cpumask_clear_cpu(c, m);
	/* the kthreadd mask (all CPUs) emptied */
	assert_int_equal(kaff_kthread_get_info(ctx, KAFF_KTHREADD, &info), 0);
	m = writable(info.cpus);
	{
		struct kaff_cpumask *saved = kaff_cpumask_alloc(64);

		kaff_cpumask_copy(saved, m);
		kaff_cpumask_clear(m);
		assert_violation(kaff_ctx_check(ctx, why, sizeof(why)), "kthread 0 has an empty cpus mask");
		/* a bit at or above nr_cpu_ids (64 fills one word: use width 60) */
		kaff_cpumask_copy(m, saved);
		kaff_cpumask_free(saved);
	}
	/* a mask of another width */
	assert_int_equal(kaff_kthread_get_info(ctx, bound, &info), 0);
	m = writable(info.cpus);
	m->nbits = 32;
	assert_violation(kaff_ctx_check(ctx, why, sizeof(why)), "has width 32, not nr_cpu_ids 64");
	m->nbits = 64;
	assert_int_equal(kaff_ctx_check(ctx, why, sizeof(why)), 0);
	kaff_ctx_free(ctx);

	/* bits past nr_cpu_ids */
	ctx = booted_params("6.14", 60, NULL, false);
	assert_int_equal(kaff_kthread_create_on_cpu(ctx, 5, &bound), 0);
	assert_int_equal(kaff_kthread_get_info(ctx, bound, &info), 0);
	m = writable(info.cpus);
	m->bits[0] |= 1UL << 62;
	assert_violation(kaff_ctx_check(ctx, why, sizeof(why)),
			 "cpus of kthread 1 has bits set at or above nr_cpu_ids 60");
	m->bits[0] &= ~(1UL << 62);
	/* a machine mask is named as such, not as some kthread's */
	m = writable(kaff_machine_online_mask(ctx));
	m->bits[0] |= 1UL << 61;
	assert_violation(kaff_ctx_check(ctx, why, sizeof(why)),
			 "online mask has bits set at or above nr_cpu_ids 60");
	m->bits[0] &= ~(1UL << 61);
	m = writable(kaff_machine_node_cpus(ctx, 0));
	m->bits[0] |= 1UL << 63;
	assert_violation(kaff_ctx_check(ctx, why, sizeof(why)),
			 "mask of node 0 has bits set at or above nr_cpu_ids 60");
	m->bits[0] &= ~(1UL << 63);
	assert_int_equal(kaff_ctx_check(ctx, why, sizeof(why)), 0);
	kaff_ctx_free(ctx);
}

/* Transition rules, with a snapshot of one context and another context
 * standing for "the same context after one step". */
static void test_detects_machine_steps(void **state)
{
	struct kaff_ctx *a = booted_params("6.14", 4, NULL, false);
	struct kaff_ctx *b2 = booted_params("6.14", 4, NULL, true);
	struct kaff_ctx *nohz = booted_params("6.14", 4, "nohz_full=3", false);
	struct kaff_ctx *unbooted = kaff_ctx_new(NULL, 4, NULL);
	struct kaff_ctx *c;
	struct kaff_snapshot *snap;
	struct kaff_cpumask *m = kaff_cpumask_alloc(4);

	(void)state;
	assert_int_equal(kaff_ctx_snapshot(a, &snap), 0);
	assert_violation(kaff_ctx_check_step(snap, unbooted, why, sizeof(why)), "no longer booted");
	assert_violation(kaff_ctx_check_step(snap, b2, why, sizeof(why)), "number of nodes");
	assert_violation(kaff_ctx_check_step(snap, nohz, why, sizeof(why)),
			 "housekeeping type 3 changed");
	c = booted_params("6.14", 4, NULL, false);
	assert_int_equal(kaff_cpu_offline(c, 2), 0);
	assert_int_equal(kaff_cpu_offline(c, 3), 0);
	assert_violation(kaff_ctx_check_step(snap, c, why, sizeof(why)), "2 CPUs changed state");
	kaff_snapshot_free(snap);
	kaff_ctx_free(c);

	/* nodes {0,1},{2,3} then {0},{1,2,3} */
	assert_int_equal(kaff_ctx_snapshot(b2, &snap), 0);
	c = kaff_ctx_new(NULL, 4, NULL);
	kaff_cpumask_set_cpu(0, m);
	assert_int_equal(kaff_machine_set_node(c, 0, m), 0);
	kaff_cpumask_complement(m, m);
	assert_int_equal(kaff_machine_set_node(c, 1, m), 0);
	assert_int_equal(kaff_machine_boot(c), 0);
	assert_violation(kaff_ctx_check_step(snap, c, why, sizeof(why)), "node 0 changed");
	assert_violation(kaff_ctx_compare(b2, c, why, sizeof(why)), "node 0 differs");
	kaff_snapshot_free(snap);
	kaff_ctx_free(c);

	kaff_ctx_free(a);
	kaff_ctx_free(b2);
	kaff_ctx_free(nohz);
	kaff_ctx_free(unbooted);
	kaff_cpumask_free(m);
}

static void test_detects_kthread_steps(void **state)
{
	struct kaff_ctx *a = booted("6.14", 4), *b = booted("6.14", 4);
	struct kaff_cpumask *m = kaff_cpumask_alloc(4);
	struct kaff_snapshot *snap;
	struct kaff_kthread_info info;
	unsigned int x, y;

	(void)state;
	/* bound (create_on_cpu) vs per-CPU on the same CPU */
	assert_int_equal(kaff_kthread_create_on_cpu(a, 1, &x), 0);
	assert_int_equal(kaff_kthread_create_per_cpu(b, 1, &x), 0);
	assert_int_equal(kaff_ctx_snapshot(a, &snap), 0);
	assert_violation(kaff_ctx_check_step(snap, b, why, sizeof(why)), "per-CPU flag changed");
	assert_violation(kaff_ctx_compare(a, b, why, sizeof(why)), "node/cpu/flags");
	kaff_snapshot_free(snap);

	/* a new kthread that is started already; one without kthreadd's mask */
	assert_int_equal(kaff_ctx_snapshot(a, &snap), 0);
	assert_int_equal(kaff_kthread_create_on_node(a, 0, &y), 0);
	assert_int_equal(kaff_wake_up_process(a, y), 0);
	assert_violation(kaff_ctx_check_step(snap, a, why, sizeof(why)), "is started, listed or preferred");
	assert_int_equal(kaff_kthread_stop(a, y), 0);
	assert_int_equal(kaff_kthread_create_on_node(a, 0, &y), 0);
	kaff_snapshot_free(snap);
	assert_int_equal(kaff_ctx_snapshot(a, &snap), 0);
	assert_int_equal(kaff_kthread_create_on_node(a, 0, &y), 0);
	kaff_cpumask_set_cpu(2, m);
	assert_int_equal(kaff_sched_setaffinity(a, y, m), 0);
	assert_violation(kaff_ctx_check_step(snap, a, why, sizeof(why)), "rule C1");
	kaff_snapshot_free(snap);

	/* prefer on a bound kthread: the mask must be the fetched one (with
	 * nohz_full=3, pref 2-3 gives cpus 2: two distinct masks) */
	kaff_ctx_free(a);
	a = booted_params("6.14", 4, "nohz_full=3", false);
	kaff_cpumask_set_cpu(3, m);
	assert_int_equal(kaff_kthread_create_on_cpu(a, 3, &y), 0);
	assert_int_equal(kaff_ctx_snapshot(a, &snap), 0);
	assert_int_equal(kaff_kthread_affine_preferred(a, y, m), 0);
	assert_int_equal(kaff_ctx_check_step(snap, a, why, sizeof(why)), 0);
	assert_int_equal(kaff_kthread_get_info(a, y, &info), 0);
	kaff_cpumask_set_cpu(1, writable(info.cpus));
	assert_violation(kaff_ctx_check_step(snap, a, why, sizeof(why)), "not the fetched affinity");
	kaff_cpumask_clear_cpu(1, writable(info.cpus));
	kaff_snapshot_free(snap);

	kaff_ctx_free(a);
	kaff_ctx_free(b);
	kaff_cpumask_free(m);
}

/* kaff_ctx_compare() names the first difference. */
static void test_compare_differences(void **state)
{
	struct kaff_ctx *a, *b;
	struct kaff_cpumask *m = kaff_cpumask_alloc(4);
	unsigned int x;

	(void)state;
	kaff_cpumask_set_cpu(1, m);
	a = booted("7.3", 4);
	b = booted("7.3", 4);
	assert_int_equal(kaff_ctx_compare(a, b, why, sizeof(why)), 0);
	assert_int_equal(kaff_cpu_offline(b, 3), 0);
	assert_violation(kaff_ctx_compare(a, b, why, sizeof(why)), "online 0-3, the other 0-2");
	assert_int_equal(kaff_cpu_online(b, 3), 0);
	assert_int_equal(kaff_cpuset_set_isolated(b, m), 0);
	assert_violation(kaff_ctx_compare(a, b, why, sizeof(why)), "housekeeping type 1");
	assert_int_equal(kaff_cpuset_set_isolated(a, m), 0);
	assert_int_equal(kaff_ctx_compare(a, b, why, sizeof(why)), 0);
	kaff_ctx_free(b);

	b = booted("7.3", 4);
	assert_violation(kaff_ctx_compare(a, b, why, sizeof(why)), "housekeeping type 1");
	kaff_ctx_free(a);
	a = booted("7.3", 4);
	assert_int_equal(kaff_kthread_create_on_node(a, 0, &x), 0);
	assert_violation(kaff_ctx_compare(a, b, why, sizeof(why)), "1 kthreads, the other 0");
	assert_int_equal(kaff_kthread_create_on_node(b, 0, &x), 0);
	assert_int_equal(kaff_kthread_affine_preferred(a, x, m), 0);
	assert_violation(kaff_ctx_compare(a, b, why, sizeof(why)), "kthread 1");
	kaff_ctx_free(b);
	b = booted("7.3", 4);
	assert_int_equal(kaff_kthread_create_on_node(b, 0, &x), 0);
	assert_int_equal(kaff_kthread_affine_preferred(b, x, m), 0);
	assert_int_equal(kaff_ctx_compare(a, b, why, sizeof(why)), 0);
	/* same masks, one user request more */
	assert_int_equal(kaff_wake_up_process(a, x), 0);
	assert_int_equal(kaff_wake_up_process(b, x), 0);
	assert_int_equal(kaff_sched_setaffinity(b, x, m), 0);
	assert_violation(kaff_ctx_compare(a, b, why, sizeof(why)), "user request none, the other 1");
	kaff_ctx_free(a);
	kaff_ctx_free(b);

	/* preferred masks differ, cpus equal */
	a = booted("6.14", 4);
	b = booted("6.14", 4);
	assert_int_equal(kaff_kthread_create_on_node(a, 0, &x), 0);
	assert_int_equal(kaff_kthread_create_on_node(b, 0, &x), 0);
	assert_int_equal(kaff_kthread_affine_preferred(a, x, m), 0);
	{
		struct kaff_cpumask *m2 = kaff_cpumask_alloc(4);

		kaff_cpumask_set_cpu(1, m2);
		kaff_cpumask_set_cpu(3, m2);
		assert_int_equal(kaff_kthread_affine_preferred(b, x, m2), 0);
		kaff_cpumask_free(m2);
	}
	assert_violation(kaff_ctx_compare(a, b, why, sizeof(why)), "kthread 1: cpus 1, the other 1,3");
	kaff_ctx_free(a);
	kaff_ctx_free(b);

	/* managed lists of different lengths */
	a = booted("6.14", 4);
	b = booted("6.14", 4);
	assert_int_equal(kaff_kthread_create_on_node(a, 0, &x), 0);
	assert_int_equal(kaff_kthread_create_on_node(b, 0, &x), 0);
	assert_int_equal(kaff_wake_up_process(a, x), 0);
	assert_violation(kaff_ctx_compare(a, b, why, sizeof(why)), "kthread 1: node/cpu/flags");
	kaff_ctx_free(a);
	kaff_ctx_free(b);

	/* booted or not */
	a = booted("6.14", 4);
	b = kaff_ctx_new(NULL, 4, NULL);
	assert_violation(kaff_ctx_compare(a, b, why, sizeof(why)), "nr_cpu_ids/booted/nodes");
	kaff_ctx_free(a);
	a = kaff_ctx_new(NULL, 4, NULL);
	assert_int_equal(kaff_ctx_compare(a, b, why, sizeof(why)), 0);
	kaff_ctx_free(a);
	kaff_ctx_free(b);
	kaff_cpumask_free(m);
}

static void test_arguments(void **state)
{
	struct kaff_ctx *ctx = kaff_ctx_new(NULL, 4, NULL);
	struct kaff_snapshot *snap;

	(void)state;
	assert_int_equal(kaff_ctx_check(NULL, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "no context");
	assert_int_equal(kaff_ctx_check(NULL, NULL, 0), -EINVAL);
	assert_int_equal(kaff_ctx_snapshot(NULL, &snap), -EINVAL);
	assert_int_equal(kaff_ctx_snapshot(ctx, NULL), -EINVAL);
	assert_int_equal(kaff_ctx_check_unchanged(NULL, ctx, why, sizeof(why)), -EINVAL);
	assert_int_equal(kaff_ctx_compare(ctx, NULL, why, sizeof(why)), -EINVAL);
	kaff_snapshot_free(NULL);
	/* before boot: holds, and a boot is a valid step */
	assert_int_equal(kaff_ctx_check(ctx, NULL, 0), 0);
	assert_int_equal(kaff_ctx_snapshot(ctx, &snap), 0);
	assert_int_equal(kaff_machine_boot(ctx), 0);
	assert_int_equal(kaff_ctx_check_step(snap, ctx, why, sizeof(why)), 0);
	assert_violation(kaff_ctx_check_unchanged(snap, ctx, why, sizeof(why)), "booted");
	kaff_snapshot_free(snap);
	/* a tiny buffer still gets a terminated prefix */
	{
		struct kaff_ctx *other = booted("7.3", 4);
		char small[8];

		assert_int_equal(kaff_ctx_compare(ctx, other, small, sizeof(small)), -EINVAL);
		assert_int_equal(strlen(small), sizeof(small) - 1);
		kaff_ctx_free(other);
	}
	kaff_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_case_every_event),
		cmocka_unit_test(test_api_sequence_6_14),
		cmocka_unit_test(test_api_sequence_7_3),
		cmocka_unit_test(test_detects_empty_mask),
		cmocka_unit_test(test_detects_bound_change),
		cmocka_unit_test(test_detects_list_order_and_id_reuse),
		cmocka_unit_test(test_detects_flag_and_profile_changes),
		cmocka_unit_test(test_detects_machine_corruption),
		cmocka_unit_test(test_detects_kthread_corruption),
		cmocka_unit_test(test_detects_machine_steps),
		cmocka_unit_test(test_detects_kthread_steps),
		cmocka_unit_test(test_compare_differences),
		cmocka_unit_test(test_arguments),
	};

	return cmocka_run_group_tests_name("invariant", tests, NULL, NULL);
}
