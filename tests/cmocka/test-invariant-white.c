/* SPDX-License-Identifier: MIT */
/*
 * White-box tests of the invariant checker: this file includes
 * src/invariant.c, takes snapshots of real contexts and then breaks one
 * fact of a snapshot at a time (a flag, a node, a list entry, a count),
 * the way a broken engine would show them, and checks that
 * check_state(), check_step() and compare() each name the broken fact.
 * The public API cannot reach most of these states; the black-box side
 * is tests/cmocka/test-invariant.c. malloc is wrapped here so that the
 * checker's own -ENOMEM paths run too.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static unsigned long wb_calls, wb_fail_at;

static void *wb_malloc(size_t n)
{
	return ++wb_calls == wb_fail_at ? NULL : malloc(n);
}

#define malloc wb_malloc
#include "../../src/invariant.c"
#undef malloc

static char why[256];

static void expect_violation(int ret, const char *needle)
{
	if (ret != -EINVAL)
		fail_msg("expected a violation mentioning '%s', got %s", needle,
			 kaff_strerrorname(ret));
	if (!strstr(why, needle))
		fail_msg("expected a violation mentioning '%s', got '%s'", needle, why);
}

static struct kaff_ctx *rich_ctx(const char *version, unsigned int *ids)
{
	const struct kaff_profile *p;
	struct kaff_cpumask *m = kaff_cpumask_alloc(8);
	struct kaff_ctx *ctx;

	assert_int_equal(kaff_profile_lookup(version, &p), 0);
	ctx = kaff_ctx_new(p, 8, NULL);
	assert_non_null(ctx);
	kaff_cpumask_set_cpu(0, m);
	kaff_cpumask_set_cpu(1, m);
	kaff_cpumask_set_cpu(2, m);
	kaff_cpumask_set_cpu(3, m);
	assert_int_equal(kaff_machine_set_node(ctx, 0, m), 0);
	kaff_cpumask_complement(m, m);
	assert_int_equal(kaff_machine_set_node(ctx, 1, m), 0);
	assert_int_equal(kaff_machine_add_boot_param(ctx, "nohz_full=7"), 0);
	assert_int_equal(kaff_machine_boot(ctx), 0);
	/* 1 node kthread, started (listed); 2 bound; 3 per-CPU; 4 preferred,
	 * not started (listed); 5 plain, not started; 6 started, user set */
	assert_int_equal(kaff_kthread_create_on_node(ctx, 1, &ids[1]), 0);
	assert_int_equal(kaff_wake_up_process(ctx, ids[1]), 0);
	assert_int_equal(kaff_kthread_create_on_cpu(ctx, 2, &ids[2]), 0);
	assert_int_equal(kaff_kthread_create_per_cpu(ctx, 5, &ids[3]), 0);
	assert_int_equal(kaff_kthread_create_on_node(ctx, KAFF_NUMA_NO_NODE, &ids[4]), 0);
	kaff_cpumask_clear(m);
	kaff_cpumask_set_cpu(6, m);
	assert_int_equal(kaff_kthread_affine_preferred(ctx, ids[4], m), 0);
	assert_int_equal(kaff_kthread_create_on_node(ctx, KAFF_NUMA_NO_NODE, &ids[5]), 0);
	assert_int_equal(kaff_kthread_create_on_node(ctx, 0, &ids[6]), 0);
	assert_int_equal(kaff_wake_up_process(ctx, ids[6]), 0);
	kaff_cpumask_set_cpu(1, m);
	assert_int_equal(kaff_sched_setaffinity(ctx, ids[6], m), 0);
	kaff_cpumask_free(m);
	assert_int_equal(kaff_ctx_check(ctx, why, sizeof(why)), 0);
	return ctx;
}

static struct kaff_snapshot *snap(const struct kaff_ctx *ctx)
{
	struct kaff_snapshot *s = NULL;

	assert_int_equal(kaff_ctx_snapshot(ctx, &s), 0);
	return s;
}

static struct snap_kt *kt_of(struct kaff_snapshot *s, unsigned int id)
{
	struct snap_kt *k = (struct snap_kt *)find_kt(s, id);

	assert_non_null(k);
	return k;
}

static int state(const struct kaff_snapshot *s)
{
	struct why w = { why, sizeof(why) };

	return check_state(s, &w);
}

/* One broken fact of one state at a time. */
static void test_state_facts(void **state_)
{
	unsigned int ids[7];
	struct kaff_ctx *ctx = rich_ctx("6.14", ids);
	struct kaff_snapshot *s;
	struct snap_kt *k;

	(void)state_;
#define FRESH() do { kaff_snapshot_free(s); s = snap(ctx); } while (0)
	s = snap(ctx);
	assert_int_equal(state(s), 0);

	strcpy(s->problem, "a broken walk");
	expect_violation(state(s), "a broken walk");
	FRESH();
	s->profile = NULL;
	expect_violation(state(s), "no profile");
	FRESH();
	s->nbits = 0;
	expect_violation(state(s), "nr_cpu_ids is 0");
	FRESH();
	s->nr_nodes = 0;
	expect_violation(state(s), "booted with no node");
	FRESH();
	s->node[1] = NONE;
	expect_violation(state(s), "node 1 has no CPU mask");
	FRESH();
	s->hk_enabled[KAFF_HK_TYPE_KERNEL_NOISE] = false;
	expect_violation(state(s), "housekeeping type 3 is not enabled but its mask is 0-6");
	FRESH();
	s->hk_kthread = s->node[0];
	expect_violation(state(s), "HK_TYPE_KTHREAD is 0-3");
	FRESH();
	s->hk_enabled[KAFF_HK_TYPE_DOMAIN_BOOT] = true;
	s->hk[KAFF_HK_TYPE_DOMAIN_BOOT] = s->possible;
	expect_violation(state(s), "HK_TYPE_DOMAIN_BOOT enabled under 6.14");
	FRESH();
	s->kthreadd.flags |= KAFF_KTHREAD_NO_SETAFFINITY;
	expect_violation(state(s), "kthreadd: flags");
	FRESH();
	s->kthreadd.cpus = NONE;
	expect_violation(state(s), "kthread 0 has no cpus mask");
	FRESH();
	s->count++;
	expect_violation(state(s), "kaff_kthread_count() is 7 but the walk finds 6");
	FRESH();
	s->kt[1].id = s->kt[0].id;
	expect_violation(state(s), "kthread walk: id 1 after 1");
	FRESH();
	kt_of(s, ids[5])->flags |= 0x100;
	expect_violation(state(s), "unknown flags");
	FRESH();
	kt_of(s, ids[5])->flags |= KAFF_KTHREAD_MANAGED;
	expect_violation(state(s), "the managed flag says listed, the list says unlisted");
	FRESH();
	kt_of(s, ids[5])->pref = kt_of(s, ids[4])->pref;
	expect_violation(state(s), "is not on the managed list; under 6.14 it must be");
	FRESH();
	kt_of(s, ids[5])->node = 5;
	expect_violation(state(s), "has node 5 (2 nodes)");
	FRESH();
	kt_of(s, ids[2])->cpu = 99;
	expect_violation(state(s), "has cpu 99 (nr_cpu_ids 8)");
	FRESH();
	kt_of(s, ids[5])->cpu = 1;
	expect_violation(state(s), "was created on CPU 1 but is not bound");
	FRESH();
	kt_of(s, ids[2])->node = 1;
	expect_violation(state(s), "created on CPU 2 has node 1, not cpu_to_node() = 0");
	FRESH();
	k = kt_of(s, ids[2]);
	k->user = k->cpus;
	expect_violation(state(s), "is bound but keeps a user request");
	FRESH();
	kt_of(s, ids[5])->flags |= KAFF_KTHREAD_PARKED;
	expect_violation(state(s), "is parked but not per-CPU");
	FRESH();
	kt_of(s, ids[3])->flags &= ~(unsigned int)KAFF_KTHREAD_STARTED;
	expect_violation(state(s), "must be bound, started and have a CPU");
	FRESH();
	s->managed[0] = 99;
	expect_violation(state(s), "managed list entry 0 is kthread 99, which does not live");
	FRESH();
	s->managed[1] = s->managed[0];
	expect_violation(state(s), "is twice on the managed list");
#undef FRESH
	kaff_snapshot_free(s);
	kaff_ctx_free(ctx);
}

/* The step rules and compare(), on snapshots. */
static void test_step_and_compare_facts(void **state_)
{
	unsigned int ids[7];
	struct kaff_ctx *ctx = rich_ctx("7.3", ids);
	struct kaff_snapshot *b = snap(ctx), *s = snap(ctx);
	struct why w = { why, sizeof(why) };

	(void)state_;
	assert_int_equal(check_step(b, s, ctx, &w), 0);
	assert_int_equal(compare(b, s, &w), 0);
	strcpy(b->problem, "broken before");
	expect_violation(check_step(b, s, ctx, &w), "the snapshot before the step: broken before");
	expect_violation(compare(b, s, &w), "broken before");
	b->problem[0] = '\0';
	s->kthreadd.node = 0;
	expect_violation(check_step(b, s, ctx, &w), "kthread 0: node/cpu changed");
	expect_violation(compare(b, s, &w), "kthread 0: node/cpu/flags");
	s->kthreadd.node = KAFF_NUMA_NO_NODE;
	s->kt[0].id = 99;
	expect_violation(compare(b, s, &w), "kthread 1 where the other has 99");
	s->kt[0].id = ids[1];
	kt_of(s, ids[4])->pref = NONE;
	expect_violation(compare(b, s, &w), "kthread 4: preferred 6, the other none");
	kt_of(b, ids[4])->pref = b->cpuset_isolated;  /* an empty mask */
	expect_violation(compare(b, s, &w), "kthread 4: preferred -, the other none");
	kaff_snapshot_free(b);
	kaff_snapshot_free(s);

	b = snap(ctx);
	s = snap(ctx);
	s->cpuset_isolated = s->node[0];
	expect_violation(compare(b, s, &w), "the isolated partitions differ");
	s->cpuset_isolated = b->cpuset_isolated;
	s->nr_managed--;
	expect_violation(compare(b, s, &w), "managed list of");
	kaff_snapshot_free(b);
	kaff_snapshot_free(s);
	kaff_ctx_free(ctx);
}

/* The snapshot helpers for fuzzers: refresh in place, the snapshot-to-
 * snapshot checks; and the checker's own out-of-memory answers. */
static void test_helpers_and_out_of_memory(void **state_)
{
	unsigned int ids[7];
	struct kaff_ctx *ctx = rich_ctx("7.3", ids), *small;
	struct kaff_snapshot *s = NULL, *t = NULL;
	void *block;

	(void)state_;
	assert_int_equal(kaff__snapshot_refresh(NULL, &s), -EINVAL);
	assert_int_equal(kaff__snapshot_refresh(ctx, NULL), -EINVAL);
	assert_int_equal(kaff__snapshot_refresh(ctx, &s), 0);
	block = s;
	/* a smaller context fits the same block */
	small = kaff_ctx_new(NULL, 4, NULL);
	assert_int_equal(kaff_machine_boot(small), 0);
	assert_int_equal(kaff__snapshot_refresh(small, &s), 0);
	assert_ptr_equal(s, block);
	assert_int_equal(kaff__snapshot_refresh(ctx, &s), 0);
	assert_int_equal(kaff__snapshot_refresh(ctx, &t), 0);
	assert_int_equal(kaff__snapshot_check_step(s, t, ctx, why, sizeof(why)), 0);
	assert_int_equal(kaff__snapshot_check_step(NULL, t, ctx, why, sizeof(why)), 0);
	assert_int_equal(kaff__snapshot_compare(s, t, why, sizeof(why)), 0);
	t->count++;
	expect_violation(kaff__snapshot_check_step(s, t, ctx, why, sizeof(why)), "kaff_kthread_count()");
	kaff_snapshot_free(t);

	/* out of memory in the checker itself */
	wb_calls = 0;
	wb_fail_at = 1;
	assert_int_equal(kaff_ctx_check(ctx, why, sizeof(why)), -ENOMEM);
	assert_string_equal(why, "out of memory");
	wb_calls = 0;
	assert_int_equal(kaff_ctx_check_unchanged(s, ctx, why, sizeof(why)), -ENOMEM);
	wb_calls = 0;
	assert_int_equal(kaff_ctx_compare(ctx, small, why, sizeof(why)), -ENOMEM);
	wb_calls = 0;
	t = NULL;
	assert_int_equal(kaff__snapshot_refresh(ctx, &t), -ENOMEM);
	assert_null(t);
	wb_fail_at = 0;
	kaff_snapshot_free(s);
	kaff_ctx_free(small);
	kaff_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_facts),
		cmocka_unit_test(test_step_and_compare_facts),
		cmocka_unit_test(test_helpers_and_out_of_memory),
	};

	return cmocka_run_group_tests_name("invariant-white", tests, NULL, NULL);
}
