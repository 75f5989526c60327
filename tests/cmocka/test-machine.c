/* SPDX-License-Identifier: MIT */
/*
 * cmocka tests of src/machine.c: context limits, NUMA nodes, the boot
 * sequence and the boot-online set, cpumask_of_node() and cpu_to_node(),
 * and CPU hotplug through /sys/devices/system/cpu/cpuN/online.
 *
 * Expected values come from machine.h (libkaff's own refusals), from
 * docs/algorithm.md#rule-cpu-sets (x86 node masks), #rule-hotplug-refusals and #rule-recorded (hotplug results) and D14,
 * from the 7.3 kernel/cpu.c (_cpu_down(), cpu_down_maps_locked()) and from
 * the recorded cases named in the comments; never from running libkaff.
 * "6.x" is every profile 6.14..6.19, "7.x" every profile 7.0..7.3.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <libkaff/common.h>
#include <libkaff/cpumask.h>
#include <libkaff/housekeeping.h>
#include <libkaff/kthread.h>
#include <libkaff/machine.h>
#include <libkaff/profile.h>

#include "cmocka-masks.h"
#include "test-common.h"

/* ---- test-local helpers (mk, fmt, expect_mask: cmocka-masks.h) */
#define expect_online(ctx, list) \
	expect_mask_(kaff_machine_online_mask(ctx), (list), "online", __LINE__)

/* An int result with a readable message on mismatch. */
static void expect_ret_(int got, int want, const char *what, int line)
{
	if (got != want)
		print_message("# line %d: %s: got %d (%s), want %d (%s)\n", line, what,
			      got, got ? kaff_strerrorname(got) : "0",
			      want, want ? kaff_strerrorname(want) : "0");
	assert_int_equal(got, want);
}

#define expect_ret(got, want) expect_ret_((got), (want), #got, __LINE__)

static int set_node(struct kaff_ctx *ctx, unsigned int node, const char *list)
{
	struct kaff_cpumask *m = mk(kaff_machine_nr_cpu_ids(ctx), list);
	int ret = kaff_machine_set_node(ctx, node, m);

	kaff_cpumask_free(m);
	return ret;
}

static int set_boot_online(struct kaff_ctx *ctx, const char *list)
{
	struct kaff_cpumask *m = mk(kaff_machine_nr_cpu_ids(ctx), list);
	int ret = kaff_machine_set_boot_online(ctx, m);

	kaff_cpumask_free(m);
	return ret;
}

/* cpumask_of_node(@node) must be @list. */
static void expect_node_(const struct kaff_ctx *ctx, unsigned int node,
			 const char *list, int line)
{
	struct kaff_cpumask *out = kaff_cpumask_alloc(kaff_machine_nr_cpu_ids(ctx));
	char what[64];

	assert_non_null(out);
	/* start full: the result must overwrite, not OR */
	kaff_cpumask_setall(out);
	expect_ret_(kaff_machine_cpumask_of_node(ctx, node, out), 0,
		    "kaff_machine_cpumask_of_node", line);
	snprintf(what, sizeof(what), "cpumask_of_node(%u)", node);
	expect_mask_(out, list, what, line);
	kaff_cpumask_free(out);
}

#define expect_node(ctx, node, list) expect_node_((ctx), (node), (list), __LINE__)

/* A booted context: profile @p, @nr CPUs, the optional boot parameter
 * @param, CPUs outside @online (NULL = all) offline. */
static struct kaff_ctx *boot_ctx(const struct kaff_profile *p, unsigned int nr,
				 const char *param, const char *online)
{
	struct kaff_ctx *ctx = kaff_ctx_new(p, nr, NULL);

	assert_non_null(ctx);
	if (param)
		assert_int_equal(kaff_machine_add_boot_param(ctx, param), 0);
	if (online)
		assert_int_equal(set_boot_online(ctx, online), 0);
	expect_ret(kaff_machine_boot(ctx), 0);
	return ctx;
}

/* ---- contexts */

/* machine.h kaff_ctx_new(): @nr_cpu_ids 1 .. KAFF_NR_CPUS_MAX (8192);
 * all CPUs possible and online, not booted. */
static void test_ctx_new_limits(void **state)
{
	static const unsigned int good[] = { 1, 8192 };
	size_t i;

	(void)state;
	assert_int_equal(KAFF_NR_CPUS_MAX, 8192);
	assert_null(kaff_ctx_new(NULL, 0, NULL));
	assert_null(kaff_ctx_new(NULL, 8193, NULL));
	assert_null(kaff_ctx_new(NULL, UINT_MAX, NULL));
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		unsigned int n = good[i];
		struct kaff_ctx *ctx = kaff_ctx_new(NULL, n, NULL);

		assert_non_null(ctx);
		assert_int_equal(kaff_machine_nr_cpu_ids(ctx), n);
		assert_false(kaff_ctx_booted(ctx));
		/* NULL profile = the default (6.14) */
		assert_ptr_equal(kaff_ctx_profile(ctx), kaff_profile_default());
		assert_int_equal(kaff_machine_possible_mask(ctx)->nbits, n);
		assert_true(kaff_cpumask_full(kaff_machine_possible_mask(ctx)));
		assert_true(kaff_cpumask_full(kaff_machine_online_mask(ctx)));
		expect_ret(kaff_machine_boot(ctx), 0);
		assert_true(kaff_ctx_booted(ctx));
		assert_true(kaff_cpumask_full(kaff_machine_online_mask(ctx)));
		/* no node given: one node 0 with every CPU */
		assert_int_equal(kaff_machine_nr_nodes(ctx), 1);
		assert_int_equal(kaff_machine_cpu_to_node(ctx, n - 1), 0);
		kaff_ctx_free(ctx);
	}
}

/* An allocator that counts the blocks a context holds. */
struct counting {
	long live, calls;
};

static void *count_malloc(void *data, size_t size)
{
	struct counting *c = data;
	void *p = malloc(size);

	c->calls++;
	if (p)
		c->live++;
	return p;
}

static void *count_realloc(void *data, void *ptr, size_t size)
{
	struct counting *c = data;
	void *p = realloc(ptr, size);

	c->calls++;
	if (p && !ptr)
		c->live++;
	return p;
}

static void count_free(void *data, void *ptr)
{
	struct counting *c = data;

	c->calls++;
	if (ptr)
		c->live--;
	free(ptr);
}

/*
 * machine.h: kaff_ctx_free() frees everything the context owns (through
 * its allocator: every block it got back), and NULL is a no-op, which
 * calls no allocator and does not crash.
 */
static void test_ctx_free_null(void **state)
{
	struct counting c = { 0, 0 };
	const struct kaff_allocator a = { count_malloc, count_realloc, count_free, &c };
	struct kaff_ctx *ctx;
	long calls;
	unsigned int id;

	(void)state;
	ctx = kaff_ctx_new(NULL, 8, &a);
	assert_non_null(ctx);
	expect_ret(kaff_machine_add_boot_param(ctx, "nohz_full=6-7"), 0);
	expect_ret(kaff_machine_boot(ctx), 0);
	expect_ret(kaff_kthread_create_on_node(ctx, 0, &id), 0);
	expect_ret(kaff_wake_up_process(ctx, id), 0);
	assert_true(c.live > 0);
	calls = c.calls;
	kaff_ctx_free(NULL);
	assert_int_equal(c.calls, calls);
	kaff_ctx_free(ctx);
	assert_int_equal(c.live, 0);
	assert_true(c.calls > calls);
}

/* machine.h kaff_machine_boot(): -EPERM when booted already. */
static void test_machine_boot_twice_eperm(void **state)
{
	struct kaff_ctx *ctx = boot_ctx(NULL, 4, NULL, NULL);

	(void)state;
	expect_ret(kaff_machine_boot(ctx), -EPERM);
	assert_true(kaff_ctx_booted(ctx));
	kaff_ctx_free(ctx);
}

/* ---- nodes */

/* machine.h kaff_machine_set_node(): -EEXIST, -EINVAL (a CPU already in
 * another node), -ERANGE (width, node id >= KAFF_MAX_NUMNODES), -EPERM
 * after boot; a refused call changes nothing. */
static void test_machine_set_node_errors(void **state)
{
	struct kaff_ctx *ctx = kaff_ctx_new(NULL, 8, NULL);
	struct kaff_cpumask *m;

	(void)state;
	assert_non_null(ctx);
	expect_ret(set_node(ctx, 0, "0-3"), 0);
	/* node 0 set already, even with other CPUs */
	expect_ret(set_node(ctx, 0, "4-7"), -EEXIST);
	/* CPU 3 is in node 0 */
	expect_ret(set_node(ctx, 1, "3-5"), -EINVAL);
	/* width must be nr_cpu_ids */
	m = mk(7, "4-6");
	expect_ret(kaff_machine_set_node(ctx, 1, m), -ERANGE);
	kaff_cpumask_free(m);
	m = mk(9, "4-7");
	expect_ret(kaff_machine_set_node(ctx, 1, m), -ERANGE);
	kaff_cpumask_free(m);
	/* node id 0 .. KAFF_MAX_NUMNODES-1 */
	assert_int_equal(KAFF_MAX_NUMNODES, 1024);
	expect_ret(set_node(ctx, 1024, "4-7"), -ERANGE);
	expect_ret(set_node(ctx, UINT_MAX, "4-7"), -ERANGE);
	/* nothing changed: node 1 is still free, CPUs 4-7 in no node */
	expect_ret(set_node(ctx, 1, "4-7"), 0);
	assert_int_equal(kaff_machine_nr_nodes(ctx), 2);
	expect_mask(kaff_machine_node_cpus(ctx, 0), "0-3", "node 0 cpus");
	expect_mask(kaff_machine_node_cpus(ctx, 1), "4-7", "node 1 cpus");
	expect_ret(kaff_machine_boot(ctx), 0);
	expect_ret(set_node(ctx, 2, "-"), -EPERM);
	assert_int_equal(kaff_machine_nr_nodes(ctx), 2);
	kaff_ctx_free(ctx);

	/* a CPU-less node is allowed; its mask is empty */
	ctx = kaff_ctx_new(NULL, 8, NULL);
	assert_non_null(ctx);
	expect_ret(set_node(ctx, 0, "0-7"), 0);
	expect_ret(set_node(ctx, 1, "-"), 0);
	expect_ret(set_node(ctx, 1, "-"), -EEXIST);
	expect_ret(kaff_machine_boot(ctx), 0);
	assert_int_equal(kaff_machine_nr_nodes(ctx), 2);
	expect_node(ctx, 1, "-");
	kaff_ctx_free(ctx);
}

/* machine.h kaff_machine_boot(): node ids must be dense → -EINVAL,
 * nothing changed, setup stays open: fixing it lets the boot succeed. */
static void test_machine_boot_node_gap_einval(void **state)
{
	struct kaff_ctx *ctx = kaff_ctx_new(NULL, 8, NULL);

	(void)state;
	assert_non_null(ctx);
	expect_ret(set_node(ctx, 0, "0-3"), 0);
	expect_ret(set_node(ctx, 2, "4-7"), 0);
	expect_ret(kaff_machine_boot(ctx), -EINVAL);
	assert_false(kaff_ctx_booted(ctx));
	/* still in setup: the gap can be filled (a CPU-less node 1) */
	expect_ret(set_node(ctx, 1, "-"), 0);
	expect_ret(kaff_machine_boot(ctx), 0);
	assert_true(kaff_ctx_booted(ctx));
	assert_int_equal(kaff_machine_nr_nodes(ctx), 3);
	assert_int_equal(kaff_machine_cpu_to_node(ctx, 5), 2);
	kaff_ctx_free(ctx);
}

/* machine.h kaff_machine_boot(): a CPU in no node → -EINVAL, setup stays
 * open. */
static void test_machine_boot_cpu_without_node_einval(void **state)
{
	struct kaff_ctx *ctx = kaff_ctx_new(NULL, 8, NULL);

	(void)state;
	assert_non_null(ctx);
	expect_ret(set_node(ctx, 0, "0-3"), 0);
	expect_ret(set_node(ctx, 1, "4-6"), 0);
	expect_ret(kaff_machine_boot(ctx), -EINVAL);
	assert_false(kaff_ctx_booted(ctx));
	/* setup still open */
	expect_ret(kaff_machine_add_boot_param(ctx, "nohz_full=5"), 0);
	expect_ret(set_node(ctx, 2, "7"), 0);
	expect_ret(kaff_machine_boot(ctx), 0);
	assert_int_equal(kaff_machine_nr_nodes(ctx), 3);
	assert_int_equal(kaff_machine_cpu_to_node(ctx, 7), 2);
	kaff_ctx_free(ctx);
}

/* machine.h kaff_ctx_new(): no node given → one node 0 with all CPUs. */
static void test_machine_boot_default_node0(void **state)
{
	struct kaff_ctx *ctx = boot_ctx(NULL, 6, NULL, NULL);
	unsigned int cpu;

	(void)state;
	assert_int_equal(kaff_machine_nr_nodes(ctx), 1);
	expect_mask(kaff_machine_node_cpus(ctx, 0), "0-5", "node 0 cpus");
	assert_null(kaff_machine_node_cpus(ctx, 1));
	for (cpu = 0; cpu < 6; cpu++)
		assert_int_equal(kaff_machine_cpu_to_node(ctx, cpu), 0);
	expect_node(ctx, 0, "0-5");
	kaff_ctx_free(ctx);
}

/* docs/algorithm.md#rule-cpu-sets (x86 numa_add_cpu()/numa_remove_cpu()): cpumask_of_node()
 * holds the node's CPUs that are online now; node_cpus stays static. */
static void test_cpumask_of_node_follows_online(void **state)
{
	const struct kaff_profile *p;

	(void)state;
	for_each_profile(p) {
		struct kaff_ctx *ctx = kaff_ctx_new(p, 8, NULL);
		struct kaff_cpumask *out;

		assert_non_null(ctx);
		expect_ret(set_node(ctx, 0, "0-3"), 0);
		expect_ret(set_node(ctx, 1, "4-7"), 0);
		/* boot-online: 6 and 7 go down during boot */
		expect_ret(set_boot_online(ctx, "0-5"), 0);
		expect_ret(kaff_machine_boot(ctx), 0);
		expect_node(ctx, 0, "0-3");
		expect_node(ctx, 1, "4-5");
		expect_ret(kaff_cpu_offline(ctx, 5), 0);
		expect_ret(kaff_cpu_offline(ctx, 2), 0);
		expect_node(ctx, 0, "0-1,3");
		expect_node(ctx, 1, "4");
		expect_ret(kaff_cpu_online(ctx, 7), 0);
		expect_node(ctx, 1, "4,7");
		expect_ret(kaff_cpu_offline(ctx, 4), 0);
		expect_ret(kaff_cpu_offline(ctx, 7), 0);
		/* all of node 1 offline: empty */
		expect_node(ctx, 1, "-");
		expect_ret(kaff_cpu_online(ctx, 5), 0);
		expect_node(ctx, 1, "5");
		/* the static CPUs do not change */
		expect_mask(kaff_machine_node_cpus(ctx, 1), "4-7", "node 1 cpus");
		/* machine.h: -ERANGE for a node that does not exist or a bad width */
		out = kaff_cpumask_alloc(8);
		expect_ret(kaff_machine_cpumask_of_node(ctx, 2, out), -ERANGE);
		kaff_cpumask_free(out);
		out = kaff_cpumask_alloc(9);
		expect_ret(kaff_machine_cpumask_of_node(ctx, 1, out), -ERANGE);
		kaff_cpumask_free(out);
		kaff_ctx_free(ctx);
	}
}

/* machine.h kaff_machine_cpu_to_node(): the node of @cpu; -1 for a CPU
 * >= nr_cpu_ids. */
static void test_cpu_to_node(void **state)
{
	struct kaff_ctx *ctx = kaff_ctx_new(NULL, 8, NULL);

	(void)state;
	assert_non_null(ctx);
	expect_ret(set_node(ctx, 0, "0-1,6"), 0);
	expect_ret(set_node(ctx, 1, "2-5,7"), 0);
	expect_ret(kaff_machine_boot(ctx), 0);
	assert_int_equal(kaff_machine_cpu_to_node(ctx, 0), 0);
	assert_int_equal(kaff_machine_cpu_to_node(ctx, 1), 0);
	assert_int_equal(kaff_machine_cpu_to_node(ctx, 2), 1);
	assert_int_equal(kaff_machine_cpu_to_node(ctx, 5), 1);
	assert_int_equal(kaff_machine_cpu_to_node(ctx, 6), 0);
	assert_int_equal(kaff_machine_cpu_to_node(ctx, 7), 1);
	assert_int_equal(kaff_machine_cpu_to_node(ctx, 8), -1);
	assert_int_equal(kaff_machine_cpu_to_node(ctx, UINT_MAX), -1);
	/* an offline CPU keeps its node */
	expect_ret(kaff_cpu_offline(ctx, 7), 0);
	assert_int_equal(kaff_machine_cpu_to_node(ctx, 7), 1);
	kaff_ctx_free(ctx);
}

/* ---- hotplug */

/* docs/algorithm.md#rule-hotplug-refusals, #rule-recorded, case 45: CPU 0 on x86 has no online file → ENOENT
 * both ways; nothing changes. [both] */
static void test_cpu_hotplug_cpu0_enoent(void **state)
{
	const struct kaff_profile *p;

	(void)state;
	for_each_profile(p) {
		struct kaff_ctx *ctx = boot_ctx(p, 4, NULL, NULL);

		expect_ret(kaff_cpu_offline(ctx, 0), -ENOENT);
		expect_ret(kaff_cpu_online(ctx, 0), -ENOENT);
		expect_online(ctx, "0-3");
		kaff_ctx_free(ctx);

		/* a one-CPU machine too */
		ctx = boot_ctx(p, 1, NULL, NULL);
		expect_ret(kaff_cpu_offline(ctx, 0), -ENOENT);
		expect_ret(kaff_cpu_online(ctx, 0), -ENOENT);
		expect_online(ctx, "0");
		kaff_ctx_free(ctx);
	}
}

/* docs/algorithm.md#rule-hotplug-refusals (device_online()/device_offline()) and #rule-recorded (case 45):
 * offlining an offline CPU or onlining an online one succeeds, no-op. */
static void test_cpu_hotplug_noop_succeeds(void **state)
{
	const struct kaff_profile *p;

	(void)state;
	for_each_profile(p) {
		struct kaff_ctx *ctx = boot_ctx(p, 4, NULL, NULL);

		expect_ret(kaff_cpu_online(ctx, 3), 0);
		expect_online(ctx, "0-3");
		expect_ret(kaff_cpu_offline(ctx, 3), 0);
		expect_online(ctx, "0-2");
		expect_ret(kaff_cpu_offline(ctx, 3), 0);
		expect_online(ctx, "0-2");
		expect_ret(kaff_cpu_online(ctx, 3), 0);
		expect_online(ctx, "0-3");
		expect_ret(kaff_cpu_online(ctx, 3), 0);
		expect_online(ctx, "0-3");
		kaff_ctx_free(ctx);

	}
}

/* machine.h: libkaff refusals -ERANGE (cpu >= nr_cpu_ids) and -EPERM
 * (before boot). */
static void test_cpu_hotplug_erange_eperm(void **state)
{
	struct kaff_ctx *ctx = kaff_ctx_new(NULL, 4, NULL);

	(void)state;
	assert_non_null(ctx);
	expect_ret(kaff_cpu_offline(ctx, 1), -EPERM);
	expect_ret(kaff_cpu_online(ctx, 1), -EPERM);
	expect_online(ctx, "0-3");
	expect_ret(kaff_machine_boot(ctx), 0);
	expect_ret(kaff_cpu_offline(ctx, 4), -ERANGE);
	expect_ret(kaff_cpu_online(ctx, 4), -ERANGE);
	expect_ret(kaff_cpu_offline(ctx, UINT_MAX), -ERANGE);
	expect_ret(kaff_cpu_online(ctx, UINT_MAX), -ERANGE);
	expect_online(ctx, "0-3");
	kaff_ctx_free(ctx);
}

/* docs/algorithm.md#rule-hotplug-refusals, #rule-d14 [6.14] cpu_down_maps_locked(): the unplug runs from
 * another online hk(DOMAIN) CPU; none other than the target → -EBUSY.
 * isolcpus=domain,0-3 on 8 CPUs: offline 4,5,6 ok, 7 → -EBUSY (recorded
 * o619-13 on 6.19). */
static void test_cpu_down_maps_locked_6x_last_domain_hk_ebusy(void **state)
{
	const struct kaff_profile *p;

	(void)state;
	for_each_profile(p) {
		struct kaff_ctx *ctx;

		if (!rule(p, KAFF_RULE_OFFLINE_CHECK_EXCLUDES_TARGET))
			continue;
		ctx = boot_ctx(p, 8, "isolcpus=domain,0-3", NULL);
		expect_ret(kaff_cpu_offline(ctx, 4), 0);
		expect_ret(kaff_cpu_offline(ctx, 5), 0);
		expect_ret(kaff_cpu_offline(ctx, 6), 0);
		expect_ret(kaff_cpu_offline(ctx, 7), -EBUSY);
		expect_online(ctx, "0-3,7");
		/* an isolated CPU can still go: CPU 7 remains */
		expect_ret(kaff_cpu_offline(ctx, 3), 0);
		expect_online(ctx, "0-2,7");
		/* with 5 back online, 7 may go */
		expect_ret(kaff_cpu_online(ctx, 5), 0);
		expect_ret(kaff_cpu_offline(ctx, 7), 0);
		expect_ret(kaff_cpu_offline(ctx, 5), -EBUSY);
		expect_online(ctx, "0-2,5");
		kaff_ctx_free(ctx);

		/* no isolation: hk(DOMAIN) = possible, CPU 0 always remains */
		ctx = boot_ctx(p, 4, NULL, NULL);
		expect_ret(kaff_cpu_offline(ctx, 1), 0);
		expect_ret(kaff_cpu_offline(ctx, 2), 0);
		expect_ret(kaff_cpu_offline(ctx, 3), 0);
		expect_online(ctx, "0");
		kaff_ctx_free(ctx);
	}
}

/* docs/algorithm.md#rule-hotplug-refusals, #rule-d14, #rule-recorded [7.3] _cpu_down(): the check counts the target,
 * so the last online hk(DOMAIN) CPU may go (cases 58, k73b-12); once
 * online ∩ hk(DOMAIN) is empty any further offline → -EBUSY. */
static void test_cpu_down_7x_last_domain_hk_allowed(void **state)
{
	const struct kaff_profile *p;

	(void)state;
	for_each_profile(p) {
		struct kaff_ctx *ctx;
		struct kaff_cpumask *m;

		if (rule(p, KAFF_RULE_OFFLINE_CHECK_EXCLUDES_TARGET))
			continue;
		ctx = boot_ctx(p, 8, "isolcpus=domain,0-3", NULL);
		expect_ret(kaff_cpu_offline(ctx, 4), 0);
		expect_ret(kaff_cpu_offline(ctx, 5), 0);
		expect_ret(kaff_cpu_offline(ctx, 6), 0);
		/* the last one: allowed in 7.x */
		expect_ret(kaff_cpu_offline(ctx, 7), 0);
		expect_online(ctx, "0-3");
		/* online ∩ hk(DOMAIN) = ∅ now */
		expect_ret(kaff_cpu_offline(ctx, 3), -EBUSY);
		expect_ret(kaff_cpu_offline(ctx, 1), -EBUSY);
		expect_online(ctx, "0-3");
		/* an offline CPU: still a no-op success (device layer first) */
		expect_ret(kaff_cpu_offline(ctx, 7), 0);
		expect_ret(kaff_cpu_online(ctx, 6), 0);
		expect_ret(kaff_cpu_offline(ctx, 3), 0);
		expect_online(ctx, "0-2,6");
		kaff_ctx_free(ctx);

		/* case 58: isolate 0-5, then offline 6 and 7 both succeed; the
		 * check reads the run-time hk(DOMAIN) = {6,7} */
		ctx = kaff_ctx_new(p, 8, NULL);
		assert_non_null(ctx);
		expect_ret(set_node(ctx, 0, "0-3"), 0);
		expect_ret(set_node(ctx, 1, "4-7"), 0);
		expect_ret(kaff_machine_boot(ctx), 0);
		m = mk(8, "0-5");
		expect_ret(kaff_cpuset_set_isolated(ctx, m), 0);
		kaff_cpumask_free(m);
		expect_ret(kaff_cpu_offline(ctx, 6), 0);
		expect_mask(kaff_housekeeping_cpumask(ctx, KAFF_HK_TYPE_DOMAIN), "6-7", "hk(DOMAIN)");
		expect_ret(kaff_cpu_offline(ctx, 7), 0);
		expect_online(ctx, "0-5");
		/* recorded o73-06: offline 5 then succeeds, because the partition
		 * was invalidated (no online CPU left outside it) and hk(DOMAIN)
		 * went back to its boot value 0-7 */
		expect_mask(kaff_cpuset_isolated_cpus(ctx), "-", "isolated_cpus");
		expect_mask(kaff_housekeeping_cpumask(ctx, KAFF_HK_TYPE_DOMAIN), "0-7", "hk(DOMAIN)");
		expect_ret(kaff_cpu_offline(ctx, 5), 0);
		expect_online(ctx, "0-4");
		kaff_ctx_free(ctx);
	}
}

/* machine.h kaff_machine_set_boot_online(): CPUs outside it are offline
 * after boot; it must hold CPU 0 (-EINVAL); -ERANGE for a bad width;
 * -EPERM after boot. */
static void test_machine_set_boot_online(void **state)
{
	const struct kaff_profile *p;
	struct kaff_cpumask *m;
	struct kaff_ctx *ctx;

	(void)state;
	for_each_profile(p) {
		ctx = boot_ctx(p, 8, NULL, "0,2,5-6");
		expect_online(ctx, "0,2,5-6");
		/* possible is unchanged */
		expect_mask(kaff_machine_possible_mask(ctx), "0-7", "possible");
		/* offline CPUs can come up */
		expect_ret(kaff_cpu_online(ctx, 7), 0);
		expect_online(ctx, "0,2,5-7");
		kaff_ctx_free(ctx);

		/* only CPU 0 */
		ctx = boot_ctx(p, 8, NULL, "0");
		expect_online(ctx, "0");
		kaff_ctx_free(ctx);
	}

	ctx = kaff_ctx_new(NULL, 8, NULL);
	assert_non_null(ctx);
	expect_ret(set_boot_online(ctx, "1-7"), -EINVAL);
	expect_ret(set_boot_online(ctx, "-"), -EINVAL);
	m = mk(7, "0-3");
	expect_ret(kaff_machine_set_boot_online(ctx, m), -ERANGE);
	kaff_cpumask_free(m);
	m = mk(9, "0-3");
	expect_ret(kaff_machine_set_boot_online(ctx, m), -ERANGE);
	kaff_cpumask_free(m);
	/* the refusals changed nothing: all CPUs come up */
	expect_ret(kaff_machine_boot(ctx), 0);
	expect_online(ctx, "0-7");
	expect_ret(set_boot_online(ctx, "0-3"), -EPERM);
	expect_online(ctx, "0-7");
	kaff_ctx_free(ctx);
}

/* machine.h kaff_machine_boot() + docs/algorithm.md#rule-hotplug-refusals [6.14]: the boot-online
 * CPUs are reached through the normal offline path; isolcpus=domain,0-3
 * with boot_online 0-3 needs CPU 7, the last online hk(DOMAIN) CPU, to go
 * down: cpu_down_maps_locked() refuses → the boot fails with -EBUSY and the
 * context stays in setup. 7.x allows it (D14). */
static void test_machine_boot_online_refused_6x_ebusy(void **state)
{
	const struct kaff_profile *p;

	(void)state;
	for_each_profile(p) {
		struct kaff_ctx *ctx = kaff_ctx_new(p, 8, NULL);

		assert_non_null(ctx);
		expect_ret(kaff_machine_add_boot_param(ctx, "isolcpus=domain,0-3"), 0);
		expect_ret(set_boot_online(ctx, "0-3"), 0);
		if (rule(p, KAFF_RULE_OFFLINE_CHECK_EXCLUDES_TARGET)) {
			expect_ret(kaff_machine_boot(ctx), -EBUSY);
			assert_false(kaff_ctx_booted(ctx));
			/* not booted: no housekeeping to read, events refused */
			assert_null(kaff_housekeeping_cpumask(ctx, KAFF_HK_TYPE_DOMAIN));
			expect_ret(kaff_cpu_online(ctx, 5), -EPERM);
			/* setup is open: keep CPU 4 online and boot again */
			expect_ret(set_boot_online(ctx, "0-4"), 0);
			expect_ret(kaff_machine_boot(ctx), 0);
			expect_online(ctx, "0-4");
			expect_mask(kaff_housekeeping_cpumask(ctx, KAFF_HK_TYPE_DOMAIN),
				    "4-7", "hk(DOMAIN)");
			assert_int_equal(kaff_machine_nr_nodes(ctx), 1);
		} else {
			expect_ret(kaff_machine_boot(ctx), 0);
			expect_online(ctx, "0-3");
		}
		assert_true(kaff_ctx_booted(ctx));
		kaff_ctx_free(ctx);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctx_new_limits),
		cmocka_unit_test(test_ctx_free_null),
		cmocka_unit_test(test_machine_boot_twice_eperm),
		cmocka_unit_test(test_machine_set_node_errors),
		cmocka_unit_test(test_machine_boot_node_gap_einval),
		cmocka_unit_test(test_machine_boot_cpu_without_node_einval),
		cmocka_unit_test(test_machine_boot_default_node0),
		cmocka_unit_test(test_cpumask_of_node_follows_online),
		cmocka_unit_test(test_cpu_to_node),
		cmocka_unit_test(test_cpu_hotplug_cpu0_enoent),
		cmocka_unit_test(test_cpu_hotplug_noop_succeeds),
		cmocka_unit_test(test_cpu_hotplug_erange_eperm),
		cmocka_unit_test(test_cpu_down_maps_locked_6x_last_domain_hk_ebusy),
		cmocka_unit_test(test_cpu_down_7x_last_domain_hk_allowed),
		cmocka_unit_test(test_machine_set_boot_online),
		cmocka_unit_test(test_machine_boot_online_refused_6x_ebusy),
	};

	return cmocka_run_group_tests_name("machine", tests, NULL, NULL);
}
