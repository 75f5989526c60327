/* SPDX-License-Identifier: MIT */
/*
 * White-box tests of the invariant checker: this file includes
 * src/snapshot.c and src/invariant.c, takes snapshots of real contexts and then breaks one
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

#include <libkaff/kaff.h>

static unsigned long wb_calls, wb_fail_at;

static void *wb_malloc(size_t n)
{
	return ++wb_calls == wb_fail_at ? NULL : malloc(n);
}

/*
 * A broken engine: src/invariant.c reads a context through the public API
 * only, so the calls it makes while copying a snapshot go through these
 * wrappers (macros over the included source; the headers are already
 * in). Each passes libkaff's answer through unless a test breaks it.
 */
#define NOBODY 0xfffffff0u      /* no kthread (not KAFF_KTHREAD_NONE) */

static struct {
	unsigned int info_fails;     /* kaff_kthread_get_info() of it fails */
	unsigned int info_lies;      /* ... answers for another id */
	unsigned int no_cpus;        /* ... gives no cpus mask */
	unsigned int pref_no_bits;   /* ... gives a preferred mask without bits */
	unsigned int cpus_mask_null, cpus_mask_narrow, cpus_mask_other;
	unsigned int walk_loops;     /* kaff_kthread_next() of it gives it again */
	unsigned int list_loops;     /* kaff_managed_next() of it gives it again */
	unsigned int nr_nodes;       /* 0: libkaff's */
	bool zero_width;             /* nr_cpu_ids 0, machine masks of width 0 */
	bool no_possible, no_online, no_isolated;
	int no_hk;                   /* a housekeeping type without a mask, or -1 */
} brk;

static void brk_reset(void)
{
	memset(&brk, 0, sizeof(brk));
	brk.info_fails = brk.info_lies = brk.no_cpus = brk.pref_no_bits = NOBODY;
	brk.cpus_mask_null = brk.cpus_mask_narrow = brk.cpus_mask_other = NOBODY;
	brk.walk_loops = brk.list_loops = NOBODY;
	brk.no_hk = -1;
}

static unsigned long wb_word;
static const struct kaff_cpumask wb_zero_width = KAFF_CPUMASK_INIT(0, &wb_word);

static int wb_get_info(const struct kaff_ctx *ctx, unsigned int id,
		       struct kaff_kthread_info *info)
{
	static struct kaff_cpumask no_bits;
	int ret;

	if (id == brk.info_fails)
		return -ESRCH;
	ret = kaff_kthread_get_info(ctx, id == brk.info_lies ? id + 1 : id, info);
	if (ret)
		return ret;
	if (id == brk.no_cpus)
		info->cpus = NULL;
	if (id == brk.pref_no_bits && info->preferred) {
		no_bits = (struct kaff_cpumask)KAFF_CPUMASK_INIT(info->preferred->nbits, NULL);
		info->preferred = &no_bits;
	}
	return 0;
}

static const struct kaff_cpumask *wb_cpus_mask(const struct kaff_ctx *ctx, unsigned int id)
{
	static struct kaff_cpumask narrow;
	const struct kaff_cpumask *m = kaff_kthread_cpus_mask(ctx, id);

	if (id == brk.cpus_mask_null)
		return NULL;
	if (id == brk.cpus_mask_narrow) {
		narrow = *m;
		narrow.nbits--;
		return &narrow;
	}
	if (id == brk.cpus_mask_other)
		return kaff_kthread_cpus_mask(ctx, id + 1);
	return m;
}

static unsigned int wb_kthread_next(const struct kaff_ctx *ctx, unsigned int id)
{
	return id == brk.walk_loops ? id : kaff_kthread_next(ctx, id);
}

static unsigned int wb_managed_next(const struct kaff_ctx *ctx, unsigned int id)
{
	return id == brk.list_loops ? id : kaff_managed_next(ctx, id);
}

static unsigned int wb_nr_nodes(const struct kaff_ctx *ctx)
{
	return brk.nr_nodes ? brk.nr_nodes : kaff_machine_nr_nodes(ctx);
}

static unsigned int wb_nr_cpu_ids(const struct kaff_ctx *ctx)
{
	return brk.zero_width ? 0 : kaff_machine_nr_cpu_ids(ctx);
}

static const struct kaff_cpumask *wb_possible(const struct kaff_ctx *ctx)
{
	if (brk.zero_width)
		return &wb_zero_width;
	return brk.no_possible ? NULL : kaff_machine_possible_mask(ctx);
}

static const struct kaff_cpumask *wb_online(const struct kaff_ctx *ctx)
{
	if (brk.zero_width)
		return &wb_zero_width;
	return brk.no_online ? NULL : kaff_machine_online_mask(ctx);
}

static const struct kaff_cpumask *wb_hk(const struct kaff_ctx *ctx, enum kaff_hk_type type)
{
	return (int)type == brk.no_hk ? NULL : kaff_housekeeping_cpumask(ctx, type);
}

static const struct kaff_cpumask *wb_isolated(const struct kaff_ctx *ctx)
{
	return brk.no_isolated ? NULL : kaff_cpuset_isolated_cpus(ctx);
}

#define malloc wb_malloc
#define kaff_kthread_get_info wb_get_info
#define kaff_kthread_cpus_mask wb_cpus_mask
#define kaff_kthread_next wb_kthread_next
#define kaff_managed_next wb_managed_next
#define kaff_machine_nr_nodes wb_nr_nodes
#define kaff_machine_nr_cpu_ids wb_nr_cpu_ids
#define kaff_machine_possible_mask wb_possible
#define kaff_machine_online_mask wb_online
#define kaff_housekeeping_cpumask wb_hk
#define kaff_cpuset_isolated_cpus wb_isolated
#include "../../src/snapshot.c"
#include "../../src/invariant.c"
#undef malloc
#undef kaff_kthread_get_info
#undef kaff_kthread_cpus_mask
#undef kaff_kthread_next
#undef kaff_managed_next
#undef kaff_machine_nr_nodes
#undef kaff_machine_nr_cpu_ids
#undef kaff_machine_possible_mask
#undef kaff_machine_online_mask
#undef kaff_housekeeping_cpumask
#undef kaff_cpuset_isolated_cpus

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

/* Every test starts with an engine that is not broken (a failed one may
 * have left it so). */
static int not_broken(void **state_)
{
	(void)state_;
	brk_reset();
	return 0;
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
	/* a larger one does not: a new block, the whole state copied */
	assert_int_equal(kaff__snapshot_refresh(small, &t), 0);
	assert_int_equal(kaff__snapshot_refresh(ctx, &t), 0);
	assert_int_equal(t->nr_kt, 6);
	assert_int_equal(kaff__snapshot_check_step(NULL, t, ctx, why, sizeof(why)), 0);
	assert_int_equal(kaff_ctx_check_unchanged(t, ctx, why, sizeof(why)), 0);
	kaff_snapshot_free(t);
	t = NULL;
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

/* Append the mask @list to the pool of @s (there is room for a few more:
 * capmasks counts every mask a snapshot may hold, and some are NONE). */
static uint32_t add_mask(struct kaff_snapshot *s, const char *list)
{
	struct kaff_cpumask m;
	uint32_t idx;

	assert_true(s->nmasks < s->capmasks);
	idx = s->nmasks++;
	m = smask(s, idx);
	assert_int_equal(kaff_cpulist_parse(list, &m), 0);
	return idx;
}

/* A broken engine (the wrappers above) as the checker sees it while
 * copying a snapshot: each answer that cannot be copied is a violation
 * that names it, through the public kaff_ctx_check(). */
static void test_broken_engine(void **state_)
{
	unsigned int ids[7];
	struct kaff_ctx *ctx = rich_ctx("6.14", ids), *unbooted;

	(void)state_;
	/* Kthreads: every kthread the walk lists can be read, as itself */
	brk.info_fails = ids[2];
	expect_violation(kaff_ctx_check(ctx, why, sizeof(why)),
			 "kthread 2 is listed but kaff_kthread_get_info() fails: ESRCH");
	brk_reset();
	brk.info_lies = ids[2];
	expect_violation(kaff_ctx_check(ctx, why, sizeof(why)),
			 "kaff_kthread_get_info(2) says id 3");
	/* two broken answers: the first one copied (kthread 2) is named */
	brk.info_fails = ids[5];
	expect_violation(kaff_ctx_check(ctx, why, sizeof(why)),
			 "kaff_kthread_get_info(2) says id 3");
	assert_null(strstr(why, "kthread 5"));
	brk_reset();
	/* Masks: every kthread has a cpus mask, the same through both calls */
	brk.no_cpus = ids[2];
	expect_violation(kaff_ctx_check(ctx, why, sizeof(why)), "kthread 2 has no cpus mask");
	brk_reset();
	brk.cpus_mask_null = ids[2];
	expect_violation(kaff_ctx_check(ctx, why, sizeof(why)),
			 "kthread 2: kaff_kthread_cpus_mask() and kaff_kthread_get_info() disagree");
	brk_reset();
	brk.cpus_mask_narrow = ids[2];
	expect_violation(kaff_ctx_check(ctx, why, sizeof(why)),
			 "kthread 2: kaff_kthread_cpus_mask() and kaff_kthread_get_info() disagree");
	brk_reset();
	brk.cpus_mask_other = ids[2];       /* kthread 3's mask {5}, not {2} */
	expect_violation(kaff_ctx_check(ctx, why, sizeof(why)),
			 "kthread 2: kaff_kthread_cpus_mask() and kaff_kthread_get_info() disagree");
	brk_reset();
	/* Masks: a mask has the machine's width and its bits */
	brk.pref_no_bits = ids[4];
	expect_violation(kaff_ctx_check(ctx, why, sizeof(why)),
			 "preferred of kthread 4 has no bits");
	brk_reset();
	/* Kthreads: the walk has kaff_kthread_count() entries (and ends) */
	brk.walk_loops = ids[6];
	expect_violation(kaff_ctx_check(ctx, why, sizeof(why)),
			 "the kthread walk does not end after kaff_kthread_count() = 6 kthreads");
	brk_reset();
	/* Managed list: live kthreads, each once (and so it ends) */
	brk.list_loops = ids[1];
	expect_violation(kaff_ctx_check(ctx, why, sizeof(why)),
			 "the managed list walk does not end (more than 7 entries)");
	brk_reset();
	/* Machine: node IDs are dense, at most KAFF_MAX_NUMNODES */
	brk.nr_nodes = KAFF_MAX_NUMNODES + 1;
	expect_violation(kaff_ctx_check(ctx, why, sizeof(why)), "1025 nodes, more than 1024");
	brk_reset();
	/* Machine: there are possible and online CPUs */
	brk.no_possible = true;
	expect_violation(kaff_ctx_check(ctx, why, sizeof(why)),
			 "the machine has no possible or online mask");
	brk_reset();
	brk.no_online = true;
	expect_violation(kaff_ctx_check(ctx, why, sizeof(why)),
			 "the machine has no possible or online mask");
	brk_reset();
	/* Housekeeping: every type has a mask, HK_TYPE_KTHREAD too; so has
	 * the isolated partition (empty in 6.x) */
	brk.no_hk = KAFF_HK_TYPE_MANAGED_IRQ;
	expect_violation(kaff_ctx_check(ctx, why, sizeof(why)),
			 "no housekeeping mask of type 2");
	brk_reset();
	brk.no_hk = KAFF_HK_TYPE_KTHREAD;
	expect_violation(kaff_ctx_check(ctx, why, sizeof(why)),
			 "no HK_TYPE_KTHREAD mask or isolated-partition mask");
	brk_reset();
	brk.no_isolated = true;
	expect_violation(kaff_ctx_check(ctx, why, sizeof(why)),
			 "no HK_TYPE_KTHREAD mask or isolated-partition mask");
	brk_reset();
	assert_int_equal(kaff_ctx_check(ctx, why, sizeof(why)), 0);

	/* Machine: nr_cpu_ids is at least 1 (here 0, its masks of width 0:
	 * nothing to copy, no word to read) */
	unbooted = kaff_ctx_new(NULL, 4, NULL);
	assert_non_null(unbooted);
	brk.zero_width = true;
	expect_violation(kaff_ctx_check(unbooted, why, sizeof(why)), "nr_cpu_ids is 0");
	brk_reset();
	assert_int_equal(kaff_ctx_check(unbooted, why, sizeof(why)), 0);
	kaff_ctx_free(unbooted);
	kaff_ctx_free(ctx);
}

/* More broken facts of one state: kthreadd, the kthreads' fields, per-CPU
 * kthreads running and parked. */
static void test_more_state_facts(void **state_)
{
	unsigned int ids[7], late;
	struct kaff_ctx *ctx = rich_ctx("6.14", ids);
	struct kaff_snapshot *s;
	struct kaff_cpumask m;
	struct snap_kt *k;

	(void)state_;
#define FRESH() do { kaff_snapshot_free(s); s = snap(ctx); } while (0)
	s = snap(ctx);
	/* Kthreads: kthreadd is started, unbound, not per-CPU, with no node,
	 * CPU or preference */
	s->kthreadd.flags &= ~(unsigned int)KAFF_KTHREAD_STARTED;
	expect_violation(state(s), "kthreadd: flags 0 node -1 cpu -1 without preference");
	FRESH();
	s->kthreadd.node = 0;
	expect_violation(state(s), "kthreadd: flags 0x1 node 0 cpu -1 without preference");
	FRESH();
	s->kthreadd.cpu = 0;
	expect_violation(state(s), "kthreadd: flags 0x1 node -1 cpu 0 without preference");
	FRESH();
	s->kthreadd.pref = s->node[1];
	expect_violation(state(s), "kthreadd: flags 0x1 node -1 cpu -1 with preference");
	FRESH();
	/* Machine: nr_cpu_ids is at most KAFF_NR_CPUS_MAX */
	s->nbits = KAFF_NR_CPUS_MAX + 1;
	expect_violation(state(s), "nr_cpu_ids is 8193");
	FRESH();
	/* Kthreads: the walk leaves kthreadd out */
	s->kt[0].id = KAFF_KTHREADD;
	expect_violation(state(s), "kthread walk: id 0 after 0");
	FRESH();
	/* Managed list: the flag is set exactly on the listed kthreads (here
	 * a listed one without it) */
	kt_of(s, ids[1])->flags &= ~(unsigned int)KAFF_KTHREAD_MANAGED;
	expect_violation(state(s), "kthread 1: the managed flag says unlisted, the list says listed");
	FRESH();
	/* Managed list: exactly these; a node kthread that never started is
	 * not one of them */
	kt_of(s, ids[1])->flags &= ~(unsigned int)KAFF_KTHREAD_STARTED;
	expect_violation(state(s),
			 "kthread 1 (node 1, flags 0x10, no preference) is on the managed list; under 6.14 it must not be");
	FRESH();
	/* Kthreads: the node is NUMA_NO_NODE or a node (not another negative) */
	kt_of(s, ids[5])->node = -5;
	expect_violation(state(s), "kthread 5 has node -5 (2 nodes)");
	FRESH();
	/* Kthreads: the CPU is -1 or a CPU */
	kt_of(s, ids[2])->cpu = -2;
	expect_violation(state(s), "kthread 2 has cpu -2 (nr_cpu_ids 8)");
	FRESH();
	/* Kthreads: a per-CPU kthread has a CPU, and is bound */
	kt_of(s, ids[3])->cpu = -1;
	expect_violation(state(s),
			 "per-CPU kthread 3 must be bound, started and have a CPU (flags 0x7, cpu -1)");
	kt_of(s, ids[3])->flags &= ~(unsigned int)KAFF_KTHREAD_NO_SETAFFINITY;
	expect_violation(state(s),
			 "per-CPU kthread 3 must be bound, started and have a CPU (flags 0x5, cpu -1)");
	FRESH();
	/* Kthreads: a running per-CPU kthread runs on {cpu}, not on {other} */
	kt_of(s, ids[3])->cpus = add_mask(s, "4");
	expect_violation(state(s),
			 "per-CPU kthread 3 of CPU 5 runs (not parked) with cpus 4 while its CPU is online");
	FRESH();
	/* ... and its CPU is online */
	m = smask(s, s->online);
	kaff_cpumask_clear_cpu(5, &m);
	expect_violation(state(s),
			 "per-CPU kthread 3 of CPU 5 runs (not parked) with cpus 5 while its CPU is offline");

	/* Parked: kthread 3 on {5} at its first park, "late" created on the
	 * offline CPU 5 with all CPUs (the fallback) */
	assert_int_equal(kaff_cpu_offline(ctx, 5), 0);
	assert_int_equal(kaff_kthread_create_per_cpu(ctx, 5, &late), 0);
	FRESH();
	assert_int_equal(state(s), 0);
	k = kt_of(s, late);
	assert_true(k->flags & KAFF_KTHREAD_PARKED);
	m = smask(s, k->cpus);
	assert_true(kaff_cpumask_full(&m));
	/* Kthreads: parked implies its CPU offline */
	m = smask(s, s->online);
	kaff_cpumask_set_cpu(5, &m);
	expect_violation(state(s),
			 "per-CPU kthread 3 of CPU 5 is parked with cpus 5 while its CPU is online");
	FRESH();
	/* ... and a mask of {cpu} or all CPUs */
	kt_of(s, late)->cpus = add_mask(s, "4-5");
	expect_violation(state(s),
			 "per-CPU kthread 7 of CPU 5 is parked with cpus 4-5 while its CPU is offline");
#undef FRESH
	kaff_snapshot_free(s);
	kaff_ctx_free(ctx);
}

/* More step rules, on snapshots of one context before and after real
 * steps, then broken one fact at a time. */
static void test_more_step_facts(void **state_)
{
	unsigned int ids[7], late, x;
	struct kaff_ctx *ctx = rich_ctx("6.14", ids);
	struct kaff_snapshot *b = snap(ctx), *s = snap(ctx);
	struct why w = { why, sizeof(why) };
	struct kaff_cpumask *m = kaff_cpumask_alloc(8), ob;
	struct snap_kt *k;

	(void)state_;
	assert_int_equal(check_step(b, s, ctx, &w), 0);
	/* One step: nr_cpu_ids does not change */
	s->nbits++;
	expect_violation(check_step(b, s, ctx, &w),
			 "the step changed the profile or nr_cpu_ids");
	s->nbits--;
	/* One step: no housekeeping mask changes (here its CPUs, enabled
	 * either way) */
	s->hk[KAFF_HK_TYPE_KERNEL_NOISE] = s->node[0];
	expect_violation(check_step(b, s, ctx, &w), "housekeeping type 3 changed after boot");
	kaff_snapshot_free(s);
	s = snap(ctx);
	/* One step: the managed list loses only stopped kthreads (kthread 6
	 * lives, its entry went missing at the tail) */
	s->nr_managed--;
	expect_violation(check_step(b, s, ctx, &w),
			 "managed list: kthread 6 (entry 2 before the step) is not where it was");
	kaff_snapshot_free(s);

	/* One step: kthread_bind_mask() before the first wake-up, any mask */
	kaff_cpumask_clear(m);
	kaff_cpumask_set_cpu(2, m);
	kaff_cpumask_set_cpu(3, m);
	assert_int_equal(kaff_kthread_bind_mask(ctx, ids[2], m), 0);
	s = snap(ctx);
	assert_int_equal(check_step(b, s, ctx, &w), 0);
	kaff_snapshot_free(b);
	kaff_snapshot_free(s);

	/* One step: a bound kthread's mask after its first wake-up changes
	 * through the fallback only: its old mask had no online CPU (CPU 2,
	 * offline before the step), the new one is all CPUs, no user request */
	assert_int_equal(kaff_kthread_bind(ctx, ids[2], 2), 0);
	assert_int_equal(kaff_wake_up_process(ctx, ids[2]), 0);
	b = snap(ctx);
	s = snap(ctx);
	ob = smask(b, b->online);
	kaff_cpumask_clear_cpu(2, &ob);
	k = kt_of(s, ids[2]);
	k->cpus = s->possible;
	assert_int_equal(check_step(b, s, ctx, &w), 0);
	k->cpus = s->node[1];
	expect_violation(check_step(b, s, ctx, &w),
			 "bound kthread 2: cpus 2 changed to 4-7, which no rule allows");
	k->cpus = s->possible;
	k->user = s->node[0];
	expect_violation(check_step(b, s, ctx, &w),
			 "bound kthread 2: cpus 2 changed to 0-7, which no rule allows");
	kaff_snapshot_free(s);
	s = snap(ctx);
	/* ... and so does a running per-CPU kthread's */
	kt_of(s, ids[3])->cpus = add_mask(s, "4");
	expect_violation(check_step(b, s, ctx, &w), "per-CPU kthread 3: cpus 5 changed to 4");
	kaff_snapshot_free(b);
	kaff_snapshot_free(s);

	/* One step: the unpark puts a parked per-CPU kthread back on {cpu},
	 * nowhere else */
	assert_int_equal(kaff_cpu_offline(ctx, 5), 0);
	assert_int_equal(kaff_kthread_create_per_cpu(ctx, 5, &late), 0);
	b = snap(ctx);
	assert_int_equal(kaff_cpu_online(ctx, 5), 0);
	s = snap(ctx);
	assert_int_equal(check_step(b, s, ctx, &w), 0);
	kt_of(s, late)->cpus = add_mask(s, "4");
	expect_violation(check_step(b, s, ctx, &w), "per-CPU kthread 7: cpus 0-7 changed to 4");
	kt_of(s, late)->cpus = add_mask(s, "4-5");
	expect_violation(check_step(b, s, ctx, &w), "per-CPU kthread 7: cpus 0-7 changed to 4-5");
	kaff_snapshot_free(b);
	kaff_snapshot_free(s);

	/* One step: a new kthread has kthreadd's user request (rule C1) */
	b = snap(ctx);
	assert_int_equal(kaff_kthread_create_on_node(ctx, KAFF_NUMA_NO_NODE, &x), 0);
	s = snap(ctx);
	assert_int_equal(check_step(b, s, ctx, &w), 0);
	kt_of(s, x)->user = s->node[0];
	expect_violation(check_step(b, s, ctx, &w),
			 "new kthread 8 does not have kthreadd's mask (rule C1)");
	kaff_snapshot_free(b);
	kaff_snapshot_free(s);

	/* One step: kthread_affine_preferred() on a bound kthread sets
	 * exactly kthread_fetch_affinity(); when the context cannot answer
	 * (here: the kthread was stopped since), that is said, not a mask
	 * made up. pref 6-7 and nohz_full=7 give cpus 6. */
	assert_int_equal(kaff_kthread_create_on_cpu(ctx, 7, &x), 0);
	b = snap(ctx);
	kaff_cpumask_clear(m);
	kaff_cpumask_set_cpu(6, m);
	kaff_cpumask_set_cpu(7, m);
	assert_int_equal(kaff_kthread_affine_preferred(ctx, x, m), 0);
	s = snap(ctx);
	assert_int_equal(kaff__snapshot_check_step(b, s, ctx, why, sizeof(why)), 0);
	assert_int_equal(kaff_kthread_stop(ctx, x), 0);
	expect_violation(kaff__snapshot_check_step(b, s, ctx, why, sizeof(why)),
			 "kthread 9: prefer set cpus 6; kaff_kthread_fetch_affinity() fails: ESRCH");
	kaff_snapshot_free(b);
	kaff_snapshot_free(s);
	kaff_cpumask_free(m);
	kaff_ctx_free(ctx);
}

/* More of compare(): each side of each difference. */
static void test_more_compare_facts(void **state_)
{
	unsigned int ids[7];
	struct kaff_ctx *ctx = rich_ctx("7.3", ids);
	struct kaff_snapshot *a = snap(ctx), *b = snap(ctx);
	struct why w = { why, sizeof(why) };
	const struct kaff_profile *p = a->profile;

	(void)state_;
	assert_int_equal(compare(a, b, &w), 0);
	/* a problem in the second snapshot only */
	strcpy(b->problem, "broken second");
	expect_violation(compare(a, b, &w), "broken second");
	b->problem[0] = '\0';
	/* the profile: none on either side */
	a->profile = NULL;
	expect_violation(compare(a, b, &w), "profile ?, the other 7.3");
	a->profile = p;
	b->profile = NULL;
	expect_violation(compare(a, b, &w), "profile 7.3, the other ?");
	b->profile = p;
	/* nr_cpu_ids, the number of nodes */
	b->nbits++;
	expect_violation(compare(a, b, &w), "nr_cpu_ids/booted/nodes 8/1/2, the other 9/1/2");
	b->nbits--;
	b->nr_nodes--;
	expect_violation(compare(a, b, &w), "nr_cpu_ids/booted/nodes 8/1/2, the other 8/1/1");
	b->nr_nodes++;
	/* a housekeeping mask, enabled on both sides */
	b->hk[KAFF_HK_TYPE_KERNEL_NOISE] = b->node[0];
	expect_violation(compare(a, b, &w), "housekeeping type 3: 0-6, the other 0-3");
	b->hk[KAFF_HK_TYPE_KERNEL_NOISE] = a->hk[KAFF_HK_TYPE_KERNEL_NOISE];
	/* a kthread's CPU */
	kt_of(b, ids[2])->cpu = 3;
	expect_violation(compare(a, b, &w), "kthread 2: node/cpu/flags 0/2/0x2, the other 0/3/0x2");
	kt_of(b, ids[2])->cpu = 2;
	/* no cpus mask on either side */
	kt_of(a, ids[2])->cpus = NONE;
	expect_violation(compare(a, b, &w), "kthread 2: cpus none, the other 2");
	kt_of(a, ids[2])->cpus = kt_of(b, ids[2])->cpus;
	kt_of(b, ids[2])->cpus = NONE;
	expect_violation(compare(a, b, &w), "kthread 2: cpus 2, the other none");
	kt_of(b, ids[2])->cpus = kt_of(a, ids[2])->cpus;
	/* a preference on the second side only */
	kt_of(a, ids[4])->pref = NONE;
	expect_violation(compare(a, b, &w), "kthread 4: preferred none, the other 6");
	kt_of(a, ids[4])->pref = kt_of(b, ids[4])->pref;
	/* a user request on the first side only */
	kt_of(b, ids[6])->user = NONE;
	expect_violation(compare(a, b, &w), "kthread 6: user request 1,6, the other none");
	kaff_snapshot_free(a);
	kaff_snapshot_free(b);
	kaff_ctx_free(ctx);
}

/* The description buffer: none, or of length 0, is never written; the
 * result is the same. */
static void test_no_description_buffer(void **state_)
{
	unsigned int ids[7];
	struct kaff_ctx *ctx = rich_ctx("6.14", ids), *other = rich_ctx("7.3", ids);
	struct kaff_snapshot *s = snap(ctx), *broken = snap(ctx);

	(void)state_;
	strcpy(broken->problem, "broken");
	memset(why, 'x', sizeof(why));
	assert_int_equal(kaff__snapshot_check_step(NULL, broken, ctx, why, 0), -EINVAL);
	assert_int_equal(kaff__snapshot_check_step(NULL, broken, ctx, NULL, 0), -EINVAL);
	assert_int_equal(kaff_ctx_check_step(broken, ctx, why, 0), -EINVAL);
	assert_int_equal(kaff_ctx_check_step(broken, ctx, NULL, 0), -EINVAL);
	assert_int_equal(kaff__snapshot_compare(s, broken, why, 0), -EINVAL);
	assert_int_equal(kaff__snapshot_compare(s, broken, NULL, 0), -EINVAL);
	assert_int_equal(kaff_ctx_check_unchanged(broken, ctx, why, 0), -EINVAL);
	assert_int_equal(kaff_ctx_check_unchanged(broken, ctx, NULL, 0), -EINVAL);
	assert_int_equal(kaff_ctx_compare(ctx, other, why, 0), -EINVAL);
	assert_int_equal(kaff_ctx_compare(ctx, other, NULL, 0), -EINVAL);
	assert_int_equal(why[0], 'x');
	assert_int_equal(why[sizeof(why) - 1], 'x');
	/* and the missing arguments */
	expect_violation(kaff_ctx_check_unchanged(s, NULL, why, sizeof(why)),
			 "no snapshot or no context");
	expect_violation(kaff_ctx_compare(NULL, ctx, why, sizeof(why)), "no context");
	kaff_snapshot_free(s);
	kaff_snapshot_free(broken);
	kaff_ctx_free(ctx);
	kaff_ctx_free(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_state_facts, not_broken),
		cmocka_unit_test_setup(test_step_and_compare_facts, not_broken),
		cmocka_unit_test_setup(test_helpers_and_out_of_memory, not_broken),
		cmocka_unit_test_setup(test_broken_engine, not_broken),
		cmocka_unit_test_setup(test_more_state_facts, not_broken),
		cmocka_unit_test_setup(test_more_step_facts, not_broken),
		cmocka_unit_test_setup(test_more_compare_facts, not_broken),
		cmocka_unit_test_setup(test_no_description_buffer, not_broken),
	};

	return cmocka_run_group_tests_name("invariant-white", tests, NULL, NULL);
}
