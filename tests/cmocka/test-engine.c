/* SPDX-License-Identifier: MIT */
/*
 * Engine rules, one test per rule of docs/algorithm.md, each named after
 * the rule and the kernel function it models. Expected masks come from
 * docs/algorithm.md (the rule's anchor in the comment), its worked
 * examples (#rule-examples) or a recorded case.
 * Unless said otherwise the machine is `cpus 8`, node 0 = 0-3, node 1 =
 * 4-7, all online.
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

#define NONODE KAFF_NUMA_NO_NODE

/* Masks made by L() live until the end of the test. */
static struct kaff_cpumask *pool[64];
static unsigned int npool;

static int teardown(void **state)
{
	(void)state;
	while (npool)
		kaff_cpumask_free(pool[--npool]);
	return 0;
}

static struct kaff_cpumask *L(unsigned int nbits, const char *list)
{
	struct kaff_cpumask *m = kaff_cpumask_alloc(nbits);

	assert_non_null(m);
	assert_true(npool < 64);
	pool[npool++] = m;
	if (strcmp(list, "-"))
		assert_int_equal(kaff_cpulist_parse(list, m), 0);
	return m;
}

/* A booted machine; @boot: NULL or one boot parameter; two nodes when
 * @two_nodes (0-3, 4-7 on 8 CPUs) */
static struct kaff_ctx *mk(const char *version, unsigned int cpus, bool two_nodes,
			   const char *boot)
{
	const struct kaff_profile *p;
	struct kaff_ctx *ctx;

	assert_int_equal(kaff_profile_lookup(version, &p), 0);
	ctx = kaff_ctx_new(p, cpus, NULL);
	assert_non_null(ctx);
	if (two_nodes) {
		assert_int_equal(kaff_machine_set_node(ctx, 0, L(cpus, "0-3")), 0);
		assert_int_equal(kaff_machine_set_node(ctx, 1, L(cpus, "4-7")), 0);
	}
	if (boot)
		assert_int_equal(kaff_machine_add_boot_param(ctx, boot), 0);
	assert_int_equal(kaff_machine_boot(ctx), 0);
	return ctx;
}

static void check_mask(const struct kaff_cpumask *m, const char *want)
{
	char buf[256];

	assert_non_null(m);
	kaff_cpulist_snprint(buf, sizeof(buf), m);
	if (!buf[0])
		strcpy(buf, "-");
	assert_string_equal(buf, want);
}

static void check(struct kaff_ctx *ctx, unsigned int id, const char *want)
{
	check_mask(kaff_kthread_cpus_mask(ctx, id), want);
}

static unsigned int create(struct kaff_ctx *ctx, int node)
{
	unsigned int id;

	assert_int_equal(kaff_kthread_create_on_node(ctx, node, &id), 0);
	return id;
}

static unsigned int woken(struct kaff_ctx *ctx, int node)
{
	unsigned int id = create(ctx, node);

	assert_int_equal(kaff_wake_up_process(ctx, id), 0);
	return id;
}

static char *dump(struct kaff_ctx *ctx)
{
	struct kaff_test_buf b = { 0 };

	assert_int_equal(kaff_ctx_dump(ctx, kaff_test_buf_write, &b), 0);
	return b.data;
}

/* #rule-creation rule C1, kthread_create_on_node(): before the first wake the mask
 * is kthreadd's, whatever the node. */
static void test_create_on_node_inherits_kthreadd(void **state)
{
	const char *v[] = { "6.14", "7.3" };
	unsigned int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct kaff_ctx *ctx = mk(v[i], 8, true, NULL);
		unsigned int a = create(ctx, 1), b = create(ctx, NONODE);

		check(ctx, a, "0-7");
		check(ctx, b, "0-7");
		check(ctx, KAFF_KTHREADD, "0-7");
		kaff_ctx_free(ctx);
	}
}

/* #rule-kthreadd kthreadd(): 6.x sets hk(KTHREAD) = hk(KERNEL_NOISE), so nohz_full
 * narrows kthreadd and every creation mask (k619-02: B 0-1,6-7); 7.x uses
 * hk(DOMAIN), which nohz_full does not touch (case 15). */
static void test_kthreadd_housekeeping_per_profile(void **state)
{
	struct kaff_ctx *c6 = mk("6.14", 8, true, "nohz_full=2-5");
	struct kaff_ctx *c7 = mk("7.3", 8, true, "nohz_full=2-5");

	(void)state;
	check(c6, KAFF_KTHREADD, "0-1,6-7");
	check(c6, create(c6, 1), "0-1,6-7");
	check(c7, KAFF_KTHREADD, "0-7");
	kaff_ctx_free(c6);
	kaff_ctx_free(c7);
	c6 = mk("6.14", 8, true, "isolcpus=2-5");
	c7 = mk("7.3", 8, true, "isolcpus=2-5");
	check(c6, KAFF_KTHREADD, "0-7");          /* domain does not restrict 6.x */
	check(c7, KAFF_KTHREADD, "0-1,6-7");      /* E3: 7.x */
	kaff_ctx_free(c6);
	kaff_ctx_free(c7);
}

/* #rule-kthreadd + #rule-recorded (case 57, k619-14): with CPU 0 outside the kthread
 * housekeeping mask, kthreadd's boot-time set_cpus_allowed_ptr() finds no
 * online CPU (only CPU 0 runs) and kthreadd stays on {0}. */
static void test_kthreadd_boot_cpu_isolated_stays_on_cpu0(void **state)
{
	struct kaff_ctx *c7 = mk("7.3", 8, true, "isolcpus=0-3");
	struct kaff_ctx *c6 = mk("6.14", 8, true, "nohz_full=0-3");
	unsigned int a;

	(void)state;
	check(c7, KAFF_KTHREADD, "0");
	check(c6, KAFF_KTHREADD, "0");
	a = create(c7, 0);
	check(c7, a, "0");
	assert_int_equal(kaff_wake_up_process(c7, a), 0);
	check(c7, a, "4-7");   /* node 0 wholly isolated: whole HK (case 57 B) */
	a = create(c6, NONODE);
	assert_int_equal(kaff_wake_up_process(c6, a), 0);
	check(c6, a, "4-7");   /* housekeeping_affine(HK_TYPE_KTHREAD) (k619-14 B) */
	kaff_ctx_free(c7);
	kaff_ctx_free(c6);
}

/* #rule-first-wake kthread_affine_node() + #rule-fetch kthread_fetch_affinity(): a node kthread
 * gets its node's CPUs ∩ housekeeping at first wake (case 02, k619-02). */
static void test_first_wake_node_affinity(void **state)
{
	struct kaff_ctx *c6 = mk("6.14", 8, true, "nohz_full=2-5");
	struct kaff_ctx *c7 = mk("7.3", 8, true, "nohz_full=2-5");

	(void)state;
	check(c6, woken(c6, 1), "6-7");
	check(c6, woken(c6, 0), "0-1");
	check(c7, woken(c7, 1), "4-7");   /* E2 7.3: nohz_full does not restrict */
	kaff_ctx_free(c6);
	kaff_ctx_free(c7);
}

/* #rule-patterns / D4: a NUMA_NO_NODE kthread. 6.x: housekeeping_affine(), not
 * listed; 7.x: listed, fetch = hk(DOMAIN). The managed list order is
 * insertion order, kthreadd first in 7.x (D5). */
static void test_managed_list_membership_per_profile(void **state)
{
	struct kaff_ctx *c6 = mk("6.14", 8, true, NULL);
	struct kaff_ctx *c7 = mk("7.3", 8, true, NULL);
	unsigned int a6 = woken(c6, NONODE), b6 = woken(c6, 1);
	unsigned int a7 = woken(c7, NONODE), b7 = woken(c7, 1);
	unsigned int n6 = create(c6, 0), n7 = create(c7, 0);

	(void)state;
	(void)a6;
	(void)n6;
	(void)n7;
	/* 6.x: only the node kthread; not-yet-woken ones are on no list. */
	assert_int_equal(kaff_managed_first(c6), b6);
	assert_int_equal(kaff_managed_next(c6, b6), KAFF_KTHREAD_NONE);
	/* 7.x: kthreadd, then A, then B. */
	assert_int_equal(kaff_managed_first(c7), KAFF_KTHREADD);
	assert_int_equal(kaff_managed_next(c7, KAFF_KTHREADD), a7);
	assert_int_equal(kaff_managed_next(c7, a7), b7);
	assert_int_equal(kaff_managed_next(c7, b7), KAFF_KTHREAD_NONE);
	kaff_ctx_free(c6);
	kaff_ctx_free(c7);
}

/* #rule-fetch last resort: a preference outside housekeeping gives the WHOLE
 * housekeeping mask, offline CPUs included (no online filter). */
static void test_fetch_last_resort_is_whole_housekeeping(void **state)
{
	struct kaff_ctx *ctx = mk("7.3", 8, true, "isolcpus=4-5");
	struct kaff_cpumask *out = L(8, "-");
	unsigned int a;

	(void)state;
	assert_int_equal(kaff_cpu_offline(ctx, 7), 0);
	a = create(ctx, NONODE);
	assert_int_equal(kaff_kthread_affine_preferred(ctx, a, L(8, "4-5")), 0);
	check(ctx, a, "0-3,6-7");          /* 7 offline, still there */
	assert_int_equal(kaff_kthread_fetch_affinity(ctx, a, out), 0);
	check_mask(out, "0-3,6-7");
	kaff_ctx_free(ctx);
}

/* D6: 6.x kthread_fetch_affinity() on a kthread with neither node nor
 * preference WARNs and returns the caller's zeroed mask; 7.x gives hk. */
static void test_fetch_no_node_no_pref_per_profile(void **state)
{
	struct kaff_ctx *c6 = mk("6.14", 8, true, NULL);
	struct kaff_ctx *c7 = mk("7.3", 8, true, "isolcpus=1");
	struct kaff_cpumask *o6 = L(8, "0-7"), *o7 = L(8, "-");

	(void)state;
	assert_int_equal(kaff_kthread_fetch_affinity(c6, create(c6, NONODE), o6), 0);
	check_mask(o6, "-");
	assert_int_equal(kaff_kthread_fetch_affinity(c7, create(c7, NONODE), o7), 0);
	check_mask(o7, "0,2-7");
	assert_int_equal(kaff_kthread_fetch_affinity(c7, 99, o7), -ESRCH);
	assert_int_equal(kaff_kthread_fetch_affinity(c7, KAFF_KTHREADD, L(9, "-")), -ERANGE);
	kaff_ctx_free(c6);
	kaff_ctx_free(c7);
}

/* #rule-prefer/#rule-prefer kthread_affine_preferred() before the first wake: applied at
 * once by a forced write (no online check, case 42), empty → hk (case 41),
 * user request dropped; the node is ignored once a preference exists. */
static void test_affine_preferred_before_wake(void **state)
{
	struct kaff_ctx *ctx = mk("7.3", 8, true, NULL);
	struct kaff_kthread_info info;
	unsigned int a = create(ctx, NONODE), b = create(ctx, NONODE), c = create(ctx, 0);

	(void)state;
	assert_int_equal(kaff_cpu_offline(ctx, 2), 0);
	assert_int_equal(kaff_cpu_offline(ctx, 3), 0);
	assert_int_equal(kaff_kthread_affine_preferred(ctx, a, L(8, "2-3")), 0);
	check(ctx, a, "2-3");
	assert_int_equal(kaff_kthread_affine_preferred(ctx, b, L(8, "-")), 0);
	check(ctx, b, "0-7");
	assert_int_equal(kaff_sched_setaffinity(ctx, c, L(8, "1")), 0);
	assert_int_equal(kaff_kthread_affine_preferred(ctx, c, L(8, "5")), 0);
	check(ctx, c, "5");
	assert_int_equal(kaff_kthread_get_info(ctx, c, &info), 0);
	assert_null(info.user);
	assert_true(info.flags & KAFF_KTHREAD_MANAGED);
	check_mask(info.preferred, "5");
	kaff_ctx_free(ctx);
}

/* #rule-prefer step 1: after the first wake, kthread_affine_preferred() is -EINVAL
 * and changes nothing (case 29). A second call before the wake is refused
 * by libkaff with -EEXIST (the kernel corrupts its list, FORMAT.md). */
static void test_affine_preferred_errors(void **state)
{
	struct kaff_ctx *ctx = mk("6.14", 4, false, NULL);
	unsigned int a = woken(ctx, NONODE), b = create(ctx, NONODE);
	char *before, *after;

	(void)state;
	assert_int_equal(kaff_kthread_affine_preferred(ctx, a, L(4, "1")), -EINVAL);
	check(ctx, a, "0-3");
	assert_int_equal(kaff_kthread_affine_preferred(ctx, b, L(4, "1")), 0);
	before = dump(ctx);
	assert_int_equal(kaff_kthread_affine_preferred(ctx, b, L(4, "2")), -EEXIST);
	assert_int_equal(kaff_kthread_affine_preferred(ctx, b, L(5, "2")), -ERANGE);
	assert_int_equal(kaff_kthread_affine_preferred(ctx, 42, L(4, "2")), -ESRCH);
	after = dump(ctx);
	assert_string_equal(before, after);
	free(before);
	free(after);
	kaff_ctx_free(ctx);
}

/* #rule-patterns kthread_bind(): before the first wake a forced write (even to an
 * offline CPU) plus PF_NO_SETAFFINITY; after it a WARN and no change, the
 * test threads sleeping interruptibly (FORMAT.md, #rule-recorded). */
static void test_bind_before_and_after_wake(void **state)
{
	struct kaff_ctx *ctx = mk("7.3", 4, false, NULL);
	struct kaff_kthread_info info;
	unsigned int a = create(ctx, NONODE), b = woken(ctx, NONODE);

	(void)state;
	assert_int_equal(kaff_cpu_offline(ctx, 3), 0);
	assert_int_equal(kaff_kthread_bind(ctx, a, 3), 0);
	check(ctx, a, "3");
	assert_int_equal(kaff_kthread_get_info(ctx, a, &info), 0);
	assert_true(info.flags & KAFF_KTHREAD_NO_SETAFFINITY);
	assert_int_equal(kaff_kthread_bind(ctx, b, 1), 0);
	check(ctx, b, "0-3");
	assert_int_equal(kaff_kthread_get_info(ctx, b, &info), 0);
	assert_false(info.flags & KAFF_KTHREAD_NO_SETAFFINITY);
	assert_int_equal(kaff_kthread_bind(ctx, a, 4), -ERANGE);
	assert_int_equal(kaff_kthread_bind_mask(ctx, a, L(4, "-")), -EINVAL);
	assert_int_equal(kaff_kthread_bind_mask(ctx, a, L(8, "1")), -ERANGE);
	assert_int_equal(kaff_kthread_bind_mask(ctx, a, L(4, "1-2")), 0);
	check(ctx, a, "1-2");
	kaff_ctx_free(ctx);

	/* The forced write drops a stored sched_setaffinity() request:
	 * 6.14 __kthread_bind_mask() -> do_set_cpus_allowed(), whose
	 * affinity_context has .user_mask = NULL, .flags = SCA_USER ("clear
	 * the user requested mask"); 7.x set_cpus_allowed_force() the same. */
	for (unsigned int i = 0; i < 2; i++) {
		ctx = mk(i ? "7.3" : "6.14", 4, false, NULL);
		a = create(ctx, NONODE);
		assert_int_equal(kaff_sched_setaffinity(ctx, a, L(4, "2-3")), 0);
		assert_int_equal(kaff_kthread_get_info(ctx, a, &info), 0);
		check_mask(info.user, "2-3");
		assert_int_equal(kaff_kthread_bind(ctx, a, 1), 0);
		check(ctx, a, "1");
		assert_int_equal(kaff_kthread_get_info(ctx, a, &info), 0);
		assert_null(info.user);
		kaff_ctx_free(ctx);
	}
}

/* #rule-patterns kthread_create_on_cpu(): created on cpu_to_node(cpu), bound to
 * {cpu}, kthread->cpu set, not per-CPU; setaffinity refused (case 28). */
static void test_create_on_cpu(void **state)
{
	struct kaff_ctx *ctx = mk("7.3", 8, true, NULL);
	struct kaff_kthread_info info;
	unsigned int a;

	(void)state;
	assert_int_equal(kaff_kthread_create_on_cpu(ctx, 5, &a), 0);
	assert_int_equal(kaff_kthread_get_info(ctx, a, &info), 0);
	assert_int_equal(info.node, 1);
	assert_int_equal(info.cpu, 5);
	assert_int_equal(info.flags, KAFF_KTHREAD_NO_SETAFFINITY);
	check(ctx, a, "5");
	assert_int_equal(kaff_sched_setaffinity(ctx, a, L(8, "0-7")), -EINVAL);
	assert_int_equal(kaff_wake_up_process(ctx, a), 0);
	check(ctx, a, "5");
	assert_int_equal(kaff_managed_next(ctx, KAFF_KTHREADD), KAFF_KTHREAD_NONE);
	assert_int_equal(kaff_kthread_create_on_cpu(ctx, 8, &a), -ERANGE);
	kaff_ctx_free(ctx);
}

/* #rule-fallback select_fallback_rq(), rule F: a woken kthread with no online CPU
 * in its mask gets all possible CPUs (cpuset v2 stage, cases 19, 32, 35,
 * 46, k619-*), housekeeping notwithstanding, bound or not; the user
 * request is dropped. With an online CPU the mask is unchanged. */
static void test_wake_fallback_all_possible(void **state)
{
	struct kaff_ctx *c6 = mk("6.14", 8, true, "nohz_full=2-5");
	struct kaff_kthread_info info;
	unsigned int a = woken(c6, 1), b = create(c6, NONODE), c;

	(void)state;
	check(c6, a, "6-7");
	assert_int_equal(kaff_kthread_bind(c6, b, 7), 0);
	c = woken(c6, NONODE);
	assert_int_equal(kaff_sched_setaffinity(c6, c, L(8, "6")), 0);
	assert_int_equal(kaff_cpu_offline(c6, 7), 0);
	assert_int_equal(kaff_wake_up_process(c6, a), 0);
	check(c6, a, "6-7");                      /* 6 still online */
	assert_int_equal(kaff_cpu_offline(c6, 6), 0);
	assert_int_equal(kaff_wake_up_process(c6, a), 0);
	assert_int_equal(kaff_wake_up_process(c6, b), 0);
	assert_int_equal(kaff_wake_up_process(c6, c), 0);
	check(c6, a, "0-7");
	check(c6, b, "0-7");
	check(c6, c, "0-7");
	assert_int_equal(kaff_kthread_get_info(c6, b, &info), 0);
	assert_true(info.flags & KAFF_KTHREAD_NO_SETAFFINITY);
	assert_int_equal(kaff_kthread_get_info(c6, c, &info), 0);
	assert_null(info.user);
	kaff_ctx_free(c6);
}

/* #rule-online/#rule-online kthreads_online_cpu(): every listed node/preferred kthread is
 * recomputed at ANY online; a node kthread gets its node's online CPUs
 * (offline ones dropped); a target with no online CPU fails and the old
 * mask stays (#rule-examples (E1), E4, case 21). Offline changes nothing (#rule-offline). */
static void test_online_reaffines_listed_kthreads(void **state)
{
	const char *v[] = { "6.14", "7.3" };
	unsigned int i, cpu;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct kaff_ctx *ctx = mk(v[i], 8, true, NULL);
		unsigned int b = woken(ctx, 1), c = create(ctx, NONODE);

		assert_int_equal(kaff_kthread_affine_preferred(ctx, c, L(8, "4-7")), 0);
		assert_int_equal(kaff_wake_up_process(ctx, c), 0);
		for (cpu = 4; cpu < 8; cpu++)
			assert_int_equal(kaff_cpu_offline(ctx, cpu), 0);
		check(ctx, b, "4-7");       /* offline: no callback */
		assert_int_equal(kaff_wake_up_process(ctx, b), 0);
		assert_int_equal(kaff_wake_up_process(ctx, c), 0);
		check(ctx, b, "0-7");
		check(ctx, c, "0-7");
		assert_int_equal(kaff_cpu_offline(ctx, 2), 0);
		assert_int_equal(kaff_cpu_online(ctx, 2), 0);
		check(ctx, b, "0-7");       /* node 1 online = ∅ → hk 0-7 */
		check(ctx, c, "0-7");       /* fetch 4-7 has no online CPU: fails */
		assert_int_equal(kaff_cpu_online(ctx, 5), 0);
		check(ctx, b, "5");
		check(ctx, c, "4-7");
		assert_int_equal(kaff_cpu_online(ctx, 6), 0);
		check(ctx, b, "5-6");
		assert_int_equal(kaff_cpu_offline(ctx, 6), 0);
		check(ctx, b, "5-6");
		assert_int_equal(kaff_cpu_online(ctx, 4), 0);
		check(ctx, b, "4-5");       /* E1: the offline 6 is dropped */
		kaff_ctx_free(ctx);
	}
}

/* #rule-user-filter + #rule-setaffinity: the stored user request filters the online update: target
 * ∩ request when they meet, else the plain target (E6). */
static void test_online_user_request_filter(void **state)
{
	struct kaff_ctx *ctx = mk("7.3", 8, true, NULL);
	unsigned int a = woken(ctx, 1), b = create(ctx, NONODE);

	(void)state;
	assert_int_equal(kaff_kthread_affine_preferred(ctx, b, L(8, "0-7")), 0);
	assert_int_equal(kaff_wake_up_process(ctx, b), 0);
	assert_int_equal(kaff_sched_setaffinity(ctx, a, L(8, "2-3")), 0);
	assert_int_equal(kaff_sched_setaffinity(ctx, b, L(8, "2-3")), 0);
	assert_int_equal(kaff_cpu_offline(ctx, 7), 0);
	assert_int_equal(kaff_cpu_online(ctx, 7), 0);
	check(ctx, a, "4-7");   /* 4-7 ∩ {2,3} = ∅: target wins */
	check(ctx, b, "2-3");   /* 0-7 ∩ {2,3}: the user's choice survives */
	kaff_ctx_free(ctx);
}

/*
 * D7: 7.x kthreads_online_cpu() = kthreads_update_affinity(force=false)
 * skips listed kthreads with neither node nor preference ("already affine
 * to housekeeping"); 6.x never lists them (k619-09). Recorded on 7.3:
 * o73-15-online-skips-default. Machine: 4 CPUs, isolcpus=3 (7.x:
 * hk(DOMAIN) = 0-2; 6.x: no KERNEL_NOISE isolation, HK = 0-3).
 *  - D asks for the isolated CPU 3. Were D re-affined at an online, its
 *    target HK would not meet the request {3}, so it would get HK.
 *  - E asks for CPU 2, which then goes down; E's next wake meets the
 *    scheduler fallback (0-3, request dropped). Were E re-affined at the
 *    online of 2, it would get HK (0-2 in 7.x).
 * Either way an online that skips them leaves D on 3 and E on 0-3.
 */
static void test_online_skips_unbound(void **state)
{
	const char *v[] = { "6.14", "7.3" };
	unsigned int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct kaff_ctx *ctx = mk(v[i], 4, false, "isolcpus=3");
		struct kaff_kthread_info info;
		unsigned int d = woken(ctx, NONODE), e = woken(ctx, NONODE);

		check(ctx, d, i ? "0-2" : "0-3");
		assert_int_equal(kaff_sched_setaffinity(ctx, d, L(4, "3")), 0);
		assert_int_equal(kaff_sched_setaffinity(ctx, e, L(4, "2")), 0);
		assert_int_equal(kaff_cpu_offline(ctx, 1), 0);
		assert_int_equal(kaff_cpu_online(ctx, 1), 0);
		check(ctx, d, "3");
		check(ctx, e, "2");
		assert_int_equal(kaff_cpu_offline(ctx, 2), 0);
		assert_int_equal(kaff_wake_up_process(ctx, e), 0);
		check(ctx, e, "0-3");   /* the fallback */
		assert_int_equal(kaff_cpu_online(ctx, 2), 0);
		check(ctx, d, "3");
		check(ctx, e, "0-3");
		/* 7.x lists them all the same (the housekeeping update would
		 * reach them); 6.x does not */
		assert_int_equal(kaff_kthread_get_info(ctx, d, &info), 0);
		assert_int_equal((info.flags & KAFF_KTHREAD_MANAGED) != 0, i == 1);
		kaff_ctx_free(ctx);
	}
}

/* #rule-bind-prefer + case 31: bind then prefer puts a PF_NO_SETAFFINITY kthread on
 * the list; every online then fails with -EINVAL after updating the
 * others, and the CPU stays offline, until that kthread is stopped. */
static void test_online_fails_with_bound_kthread_listed(void **state)
{
	const char *v[] = { "6.14", "7.3" };
	unsigned int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct kaff_ctx *ctx = mk(v[i], 8, true, NULL);
		unsigned int a = create(ctx, NONODE), b;

		assert_int_equal(kaff_kthread_bind(ctx, a, 1), 0);
		assert_int_equal(kaff_kthread_affine_preferred(ctx, a, L(8, "4-5")), 0);
		check(ctx, a, "4-5");
		b = woken(ctx, 1);
		assert_int_equal(kaff_cpu_offline(ctx, 4), 0);
		assert_int_equal(kaff_cpu_offline(ctx, 7), 0);
		assert_int_equal(kaff_cpu_online(ctx, 7), -EINVAL);
		assert_false(kaff_cpumask_test_cpu(7, kaff_machine_online_mask(ctx)));
		check(ctx, b, "5-7");   /* updated while 7 was up; stays */
		assert_int_equal(kaff_kthread_stop(ctx, a), 0);
		assert_int_equal(kaff_cpu_online(ctx, 7), 0);
		check(ctx, b, "5-7");
		assert_int_equal(kaff_cpu_online(ctx, 4), 0);
		check(ctx, b, "4-7");
		kaff_ctx_free(ctx);
	}
}

/* #rule-setaffinity sched_setaffinity(): -EINVAL for PF_NO_SETAFFINITY and for a request
 * with no online CPU (case 28); the same mask only replaces the request
 * (#rule-write); no housekeeping filter; in 7.x partition CPUs are removed. */
static void test_sched_setaffinity_rules(void **state)
{
	struct kaff_ctx *ctx = mk("7.3", 8, true, "isolcpus=6-7");
	struct kaff_kthread_info info;
	unsigned int a = woken(ctx, NONODE);

	(void)state;
	check(ctx, a, "0-5");
	assert_int_equal(kaff_cpu_offline(ctx, 5), 0);
	assert_int_equal(kaff_sched_setaffinity(ctx, a, L(8, "5")), -EINVAL);
	/*
	 * The order of __set_cpus_allowed_ptr_locked(): "the new mask equals
	 * cpus_mask" (success, SCA_USER swaps in the new request) comes
	 * before "no valid CPU in it" (-EINVAL). So a kthread whose mask has
	 * no online CPU left can be asked for that same mask again, and only
	 * its request changes; a different mask with no online CPU is
	 * refused. Case 28 shows the same on 7.2.
	 */
	{
		unsigned int b = woken(ctx, NONODE);

		assert_int_equal(kaff_sched_setaffinity(ctx, b, L(8, "4")), 0);
		assert_int_equal(kaff_cpu_offline(ctx, 4), 0);
		check(ctx, b, "4");     /* no offline callback */
		assert_int_equal(kaff_sched_setaffinity(ctx, b, L(8, "4-5")), -EINVAL);
		assert_int_equal(kaff_sched_setaffinity(ctx, b, L(8, "4")), 0);
		check(ctx, b, "4");
		assert_int_equal(kaff_kthread_get_info(ctx, b, &info), 0);
		check_mask(info.user, "4");
		assert_int_equal(kaff_cpu_online(ctx, 4), 0);
	}
	assert_int_equal(kaff_sched_setaffinity(ctx, a, L(8, "-")), -EINVAL);
	check(ctx, a, "0-5");
	assert_int_equal(kaff_sched_setaffinity(ctx, a, L(8, "0-5")), 0);
	assert_int_equal(kaff_kthread_get_info(ctx, a, &info), 0);
	check_mask(info.user, "0-5");
	assert_int_equal(kaff_sched_setaffinity(ctx, a, L(8, "6-7")), 0);
	check(ctx, a, "6-7");                    /* isolated CPUs allowed */
	assert_int_equal(kaff_cpuset_set_isolated(ctx, L(8, "1-2")), 0);
	assert_int_equal(kaff_sched_setaffinity(ctx, a, L(8, "0-4")), 0);
	check(ctx, a, "0,3-4");                  /* possible \ partition */
	assert_int_equal(kaff_kthread_get_info(ctx, a, &info), 0);
	check_mask(info.user, "0-4");            /* the raw request is kept */
	assert_int_equal(kaff_sched_setaffinity(ctx, 77, L(8, "1")), -ESRCH);
	assert_int_equal(kaff_sched_setaffinity(ctx, a, L(7, "1")), -ERANGE);
	kaff_ctx_free(ctx);
}

/* #rule-patterns smpboot: per-CPU kthreads stay on {cpu}, park at offline, are
 * rebound by kthread_unpark() at online (dropping a user request is moot:
 * PF_NO_SETAFFINITY); one created for an offline CPU meets the fallback
 * when it parks and is rebound when the CPU comes up. */
static void test_per_cpu_kthreads(void **state)
{
	struct kaff_ctx *ctx = mk("7.3", 4, false, NULL);
	struct kaff_kthread_info info;
	unsigned int a, b;

	(void)state;
	assert_int_equal(kaff_kthread_create_per_cpu(ctx, 2, &a), 0);
	check(ctx, a, "2");
	assert_int_equal(kaff_cpu_offline(ctx, 2), 0);
	assert_int_equal(kaff_kthread_get_info(ctx, a, &info), 0);
	assert_true(info.flags & KAFF_KTHREAD_PARKED);
	assert_int_equal(kaff_wake_up_process(ctx, a), 0);   /* parked: not woken */
	check(ctx, a, "2");
	assert_int_equal(kaff_cpu_offline(ctx, 3), 0);
	assert_int_equal(kaff_kthread_create_per_cpu(ctx, 3, &b), 0);
	check(ctx, b, "0-3");
	assert_int_equal(kaff_sched_setaffinity(ctx, b, L(4, "0")), -EINVAL);
	assert_int_equal(kaff_cpu_online(ctx, 3), 0);
	check(ctx, b, "3");
	check(ctx, a, "2");
	assert_int_equal(kaff_cpu_online(ctx, 2), 0);
	assert_int_equal(kaff_kthread_get_info(ctx, a, &info), 0);
	assert_false(info.flags & KAFF_KTHREAD_PARKED);
	assert_int_equal(info.flags & KAFF_KTHREAD_MANAGED, 0);
	assert_int_equal(kaff_kthread_affine_preferred(ctx, a, L(4, "1")), -EINVAL);
	kaff_ctx_free(ctx);

	/* The fallback a per-CPU kthread meets when it parks on an offline
	 * CPU is select_fallback_rq()'s cpuset v2 stage: every possible CPU,
	 * isolated ones included, not the housekeeping mask (6.x
	 * KERNEL_NOISE, 7.x DOMAIN: both 0,2-3 here). */
	for (unsigned int i = 0; i < 2; i++) {
		ctx = mk(i ? "7.3" : "6.14", 4, false, i ? "isolcpus=1" : "nohz_full=1");
		assert_int_equal(kaff_cpu_offline(ctx, 3), 0);
		assert_int_equal(kaff_kthread_create_per_cpu(ctx, 3, &b), 0);
		check(ctx, b, "0-3");
		assert_int_equal(kaff_cpu_online(ctx, 3), 0);
		check(ctx, b, "3");
		kaff_ctx_free(ctx);
	}
}

/* #rule-exit kthread_stop(): the kthread leaves the table and the list, its id
 * is never reused; kthreadd cannot be stopped; creation order iteration. */
static void test_stop_and_iteration(void **state)
{
	struct kaff_ctx *ctx = mk("7.3", 4, false, NULL);
	unsigned int a = create(ctx, NONODE), b = woken(ctx, NONODE), c = create(ctx, 0);

	(void)state;
	assert_int_equal(kaff_kthread_count(ctx), 3);
	assert_int_equal(kaff_kthread_first(ctx), a);
	assert_int_equal(kaff_kthread_next(ctx, a), b);
	assert_int_equal(kaff_kthread_next(ctx, b), c);
	assert_int_equal(kaff_kthread_next(ctx, c), KAFF_KTHREAD_NONE);
	assert_int_equal(kaff_kthread_stop(ctx, b), 0);
	assert_int_equal(kaff_kthread_stop(ctx, b), -ESRCH);
	assert_int_equal(kaff_wake_up_process(ctx, b), -ESRCH);
	assert_null(kaff_kthread_cpus_mask(ctx, b));
	assert_int_equal(kaff_kthread_next(ctx, a), c);
	assert_int_equal(kaff_managed_next(ctx, KAFF_KTHREADD), KAFF_KTHREAD_NONE);
	assert_int_equal(kaff_kthread_stop(ctx, KAFF_KTHREADD), -EPERM);
	assert_int_equal(kaff_kthread_stop(ctx, a), 0);   /* never woken: fine */
	assert_true(create(ctx, NONODE) > c);
	assert_int_equal(kaff_kthread_count(ctx), 2);
	kaff_ctx_free(ctx);
}

/* #rule-exit kthread_stop() of per-CPU kthreads: whichever one stops (the last
 * created, the first, one in between), the others are still unparked and
 * rebound to their CPU when it comes back online (#rule-patterns, kthread_unpark()),
 * and the stopped one is gone. Each per-CPU kthread starts on {its CPU}. */
static void test_stop_per_cpu(void **state)
{
	struct kaff_ctx *ctx = mk("6.14", 4, false, NULL);
	struct kaff_kthread_info info;
	unsigned int p[3], i;

	(void)state;
	for (i = 0; i < 3; i++) {
		assert_int_equal(kaff_kthread_create_per_cpu(ctx, i + 1, &p[i]), 0);
		check(ctx, p[i], i == 0 ? "1" : i == 1 ? "2" : "3");
	}
	assert_int_equal(kaff_kthread_stop(ctx, p[2]), 0);  /* the last created */
	assert_int_equal(kaff_kthread_stop(ctx, p[0]), 0);  /* the first */
	assert_int_equal(kaff_kthread_count(ctx), 1);
	assert_int_equal(kaff_kthread_first(ctx), p[1]);
	/* offline parks p[1] (its mask stays {2}: a parked thread does not
	 * run, so no fallback); online unparks and rebinds it */
	assert_int_equal(kaff_cpu_offline(ctx, 2), 0);
	assert_int_equal(kaff_kthread_get_info(ctx, p[1], &info), 0);
	assert_true(info.flags & KAFF_KTHREAD_PARKED);
	assert_int_equal(kaff_cpu_online(ctx, 2), 0);
	assert_int_equal(kaff_kthread_get_info(ctx, p[1], &info), 0);
	assert_false(info.flags & KAFF_KTHREAD_PARKED);
	check(ctx, p[1], "2");
	assert_null(kaff_kthread_cpus_mask(ctx, p[0]));
	assert_int_equal(kaff_cpu_offline(ctx, 1), 0);
	assert_int_equal(kaff_cpu_online(ctx, 1), 0);
	assert_null(kaff_kthread_cpus_mask(ctx, p[0]));
	assert_int_equal(kaff_kthread_stop(ctx, p[1]), 0);
	assert_int_equal(kaff_kthread_count(ctx), 0);
	assert_int_equal(kaff_cpu_offline(ctx, 2), 0);
	assert_int_equal(kaff_cpu_online(ctx, 2), 0);
	kaff_ctx_free(ctx);
}

/* #rule-isolated-partitions housekeeping_update() -> kthreads_update_housekeeping() (7.x):
 * every listed kthread, kthreadd and NUMA_NO_NODE ones included, follows
 * hk(DOMAIN); a not-yet-woken one keeps its creation mask (iso-01, iso-04).
 * cpuset only calls it when the set of isolated CPUs changes
 * (isolated_cpus_update()), so a repeated partition is no update. */
static void test_cpuset_isolation_reaffines_list(void **state)
{
	struct kaff_ctx *ctx = mk("7.3", 8, true, NULL);
	unsigned int a = woken(ctx, 1), b = woken(ctx, NONODE), n = create(ctx, 0);

	(void)state;
	assert_int_equal(kaff_cpuset_set_isolated(ctx, L(8, "5-6")), 0);
	check(ctx, a, "4,7");
	check(ctx, b, "0-4,7");
	check(ctx, n, "0-7");
	check(ctx, KAFF_KTHREADD, "0-4,7");
	check(ctx, create(ctx, NONODE), "0-4,7");   /* inherits kthreadd */
	assert_int_equal(kaff_sched_setaffinity(ctx, a, L(8, "0-1")), 0);
	assert_int_equal(kaff_cpuset_set_isolated(ctx, L(8, "5-6")), 0);
	check(ctx, a, "0-1");                       /* no change, no update */
	assert_int_equal(kaff_cpuset_set_isolated(ctx, L(8, "-")), 0);
	check(ctx, a, "4-7");                       /* 4-7 ∩ {0,1} = ∅ */
	kaff_ctx_free(ctx);
}

/* Refused partitions (FORMAT.md isolate; iso-10): no online
 * domain-housekeeping CPU would remain → -EINVAL and the partition is
 * reset to none; 6.x: not modelled (-EOPNOTSUPP, nothing changed). */
static void test_cpuset_isolation_refused(void **state)
{
	struct kaff_ctx *ctx = mk("7.3", 4, false, NULL);
	struct kaff_ctx *c6 = mk("6.14", 4, false, NULL);
	unsigned int b = woken(ctx, NONODE);

	(void)state;
	assert_int_equal(kaff_cpuset_set_isolated(ctx, L(4, "1-2")), 0);
	check(ctx, b, "0,3");
	assert_int_equal(kaff_cpuset_set_isolated(ctx, L(4, "0-3")), -EINVAL);
	check(ctx, b, "0-3");
	check_mask(kaff_cpuset_isolated_cpus(ctx), "-");
	assert_int_equal(kaff_cpuset_set_isolated(c6, L(4, "1")), -EOPNOTSUPP);
	assert_int_equal(kaff_cpuset_set_isolated(ctx, L(8, "1")), -ERANGE);
	kaff_ctx_free(ctx);
	kaff_ctx_free(c6);
}

/* setaffinity before the first wake (case 27, #rule-recorded): the first run's
 * kthread_affine_node() goes through the request filter. */
static void test_setaffinity_before_first_wake(void **state)
{
	struct kaff_ctx *ctx = mk("7.3", 8, true, NULL);
	unsigned int a = create(ctx, NONODE), b = create(ctx, 0), c = create(ctx, 1);

	(void)state;
	assert_int_equal(kaff_sched_setaffinity(ctx, a, L(8, "5")), 0);
	assert_int_equal(kaff_sched_setaffinity(ctx, b, L(8, "6")), 0);
	assert_int_equal(kaff_sched_setaffinity(ctx, c, L(8, "3-4")), 0);
	assert_int_equal(kaff_wake_up_process(ctx, a), 0);
	assert_int_equal(kaff_wake_up_process(ctx, b), 0);
	assert_int_equal(kaff_wake_up_process(ctx, c), 0);
	check(ctx, a, "5");     /* hk ∩ {5} */
	check(ctx, b, "0-3");   /* 0-3 ∩ {6} = ∅ → target */
	check(ctx, c, "4");     /* 4-7 ∩ {3,4} */
	kaff_ctx_free(ctx);
}

/* Argument checks common to every entry point: libkaff refusals change
 * nothing and name the problem. */
static void test_entry_point_refusals(void **state)
{
	const struct kaff_profile *p = kaff_profile_default();
	struct kaff_ctx *ctx = kaff_ctx_new(p, 4, NULL);
	unsigned int id;

	(void)state;
	assert_int_equal(kaff_kthread_create_on_node(ctx, NONODE, &id), -EPERM);
	assert_int_equal(kaff_cpu_online(ctx, 1), -EPERM);
	assert_int_equal(kaff_wake_up_process(ctx, 1), -EPERM);
	assert_int_equal(kaff_machine_boot(ctx), 0);
	assert_int_equal(kaff_kthread_create_on_node(ctx, 1, &id), -ERANGE);
	assert_int_equal(kaff_kthread_create_on_node(ctx, -2, &id), -ERANGE);
	assert_int_equal(kaff_kthread_create_per_cpu(ctx, 4, &id), -ERANGE);
	assert_int_equal(kaff_cpu_online(ctx, 4), -ERANGE);
	assert_int_equal(kaff_cpu_offline(ctx, 4), -ERANGE);
	assert_int_equal(kaff_kthread_create_on_node(NULL, NONODE, &id), -EINVAL);
	assert_int_equal(kaff_kthread_get_info(ctx, 1, &(struct kaff_kthread_info){ 0 }),
			 -ESRCH);
	assert_int_equal(kaff_kthread_first(ctx), KAFF_KTHREAD_NONE);
	kaff_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_create_on_node_inherits_kthreadd, teardown),
		cmocka_unit_test_teardown(test_kthreadd_housekeeping_per_profile, teardown),
		cmocka_unit_test_teardown(test_kthreadd_boot_cpu_isolated_stays_on_cpu0, teardown),
		cmocka_unit_test_teardown(test_first_wake_node_affinity, teardown),
		cmocka_unit_test_teardown(test_managed_list_membership_per_profile, teardown),
		cmocka_unit_test_teardown(test_fetch_last_resort_is_whole_housekeeping, teardown),
		cmocka_unit_test_teardown(test_fetch_no_node_no_pref_per_profile, teardown),
		cmocka_unit_test_teardown(test_affine_preferred_before_wake, teardown),
		cmocka_unit_test_teardown(test_affine_preferred_errors, teardown),
		cmocka_unit_test_teardown(test_bind_before_and_after_wake, teardown),
		cmocka_unit_test_teardown(test_create_on_cpu, teardown),
		cmocka_unit_test_teardown(test_wake_fallback_all_possible, teardown),
		cmocka_unit_test_teardown(test_online_reaffines_listed_kthreads, teardown),
		cmocka_unit_test_teardown(test_online_user_request_filter, teardown),
		cmocka_unit_test_teardown(test_online_skips_unbound, teardown),
		cmocka_unit_test_teardown(test_online_fails_with_bound_kthread_listed, teardown),
		cmocka_unit_test_teardown(test_sched_setaffinity_rules, teardown),
		cmocka_unit_test_teardown(test_per_cpu_kthreads, teardown),
		cmocka_unit_test_teardown(test_stop_and_iteration, teardown),
		cmocka_unit_test_teardown(test_stop_per_cpu, teardown),
		cmocka_unit_test_teardown(test_cpuset_isolation_reaffines_list, teardown),
		cmocka_unit_test_teardown(test_cpuset_isolation_refused, teardown),
		cmocka_unit_test_teardown(test_setaffinity_before_first_wake, teardown),
		cmocka_unit_test_teardown(test_entry_point_refusals, teardown),
	};

	return cmocka_run_group_tests_name("engine", tests, NULL, NULL);
}
