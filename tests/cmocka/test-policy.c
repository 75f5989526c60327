/* SPDX-License-Identifier: MIT */
/*
 * Prototyping a policy: rules as data (kaff_profile_parse(),
 * kaff_profile_set_rules()) and rules in C (the fetch and online hooks).
 *
 * The expectations come from the recorded traces: a 7.x case replayed
 * under 6.14 with every rule that differs set to 7.3's value must give the
 * trace the real 7.x kernel gave, byte for byte (and a 6.x case under 7.3
 * with 6.14's values likewise), which fails as soon as anything in the
 * engine follows the version number instead of a rule. The kernel's rules
 * written as hooks (examples/rules/kernel.c) must give every recorded
 * trace too, under both engines. The rest is reasoned in each test.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <libkaff/kaff.h>

#include "kernel.h"
#include "test-common.h"

static const struct kaff_profile *builtin(const char *v)
{
	const struct kaff_profile *p;

	assert_int_equal(kaff_profile_lookup(v, &p), 0);
	return p;
}

/* "BASE+RULE=VALUE..." for every rule where @base and @to differ, written
 * out by name: the text a user would type. */
static void hybrid_spec(const char *base, const char *to, char *buf, size_t len)
{
	const struct kaff_profile *b = builtin(base), *t = builtin(to);
	size_t n = (size_t)snprintf(buf, len, "%s", base);
	int r;

	for (r = 0; kaff_profile_rule_name((enum kaff_rule)r); r++) {
		int v = kaff_profile_get(t, (enum kaff_rule)r);

		if (v != kaff_profile_get(b, (enum kaff_rule)r))
			n += (size_t)snprintf(buf + n, len - n, "+%s=%s",
					      kaff_profile_rule_name((enum kaff_rule)r),
					      kaff_profile_value_name((enum kaff_rule)r, v));
	}
	assert_true(n < len);
}

/* ---- the recorded cases --------------------------------------------------- */

enum replay_mode {
	MODE_HYBRID,        /* the other series' base, rules set by name */
	MODE_HOOKS,         /* the file's profile, the kernel's rules as hooks */
};

static unsigned int cases_6, cases_7;

static void replay_case(const char *scn, enum replay_mode mode, int engine)
{
	struct kaff_replay_ops ops = { 0 };
	struct kaff_test_buf out = { 0 };
	struct kaff_profile *p = NULL;
	struct kaff_scenario *sc;
	struct kaff_scenario_error err;
	char trace_path[4200], spec[512];
	char *text, *want;
	size_t len, wlen;
	unsigned int major;
	int ret;

	text = kaff_test_read_file(scn, &len);
	assert_non_null(text);
	if (kaff_scenario_parse(text, len, NULL, &sc, &err))
		fail_msg("%s:%u:%u: %s", scn, err.line, err.col, err.msg);
	free(text);
	snprintf(trace_path, sizeof(trace_path), "%.*s.trace", (int)(strlen(scn) - 4), scn);
	want = kaff_test_read_file(trace_path, &wlen);
	assert_non_null(want);
	kaff_profile_version(kaff_scenario_profile(sc), &major, NULL);
	if (mode == MODE_HYBRID) {
		size_t pos = 99;

		/* 7.x from 6.14, 6.x from 7.3 */
		hybrid_spec(major == 7 ? "6.14" : "7.3", major == 7 ? "7.3" : "6.14", spec,
			    sizeof(spec));
		assert_int_equal(kaff_profile_parse(spec, &p, &pos), 0);
		assert_string_equal(kaff_profile_rules(p), major == 7 ? "7.x" : "6.14");
		if (major == 7)
			cases_7++;
		else
			cases_6++;
	} else {
		assert_int_equal(kaff_profile_derive(kaff_scenario_profile(sc), &p), 0);
		assert_int_equal(kaff_profile_set_fetch_fn(p, rule_kernel_fetch, NULL, 0), 0);
		assert_int_equal(kaff_profile_set_online_fn(p, rule_kernel_online, NULL), 0);
		assert_string_equal(kaff_profile_rules(p), "custom");
	}
	ops.profile = p;
	ops.engine = engine;
	ops.write_trace = kaff_test_buf_write;
	ops.data = &out;
	ret = kaff_scenario_replay(sc, &ops, NULL);
	if (ret)
		fail_msg("%s under %s: replay failed: %s", scn, kaff_profile_name(p),
			 kaff_strerrorname(ret));
	if (out.len != wlen || memcmp(out.data, want, wlen)) {
		fprintf(stderr, "%s under %s (engine %d):\n%s--- recorded:\n%s", scn,
			kaff_profile_name(p), engine, out.data ? out.data : "", want);
		fail_msg("%s: the trace under %s differs from the recorded one", scn,
			 kaff_profile_name(p));
	}
	free(want);
	kaff_test_buf_free(&out);
	kaff_profile_free(p);
	kaff_scenario_free(sc);
}

static unsigned int each_recorded_case(enum replay_mode mode, int engine)
{
	const char *base = kaff_test_env_dir("KAFF_CASES_DIR");
	const char *sub[] = { "cases", "oracle" };
	unsigned int i, n = 0;

	assert_non_null(base);
	for (i = 0; i < 2; i++) {
		char dir[4096], path[8192];
		struct dirent **list;
		int k, nl = 0;

		snprintf(dir, sizeof(dir), "%s/%s", base, sub[i]);
		nl = scandir(dir, &list, NULL, alphasort);
		assert_true(nl > 0);
		for (k = 0; k < nl; k++) {
			size_t l = strlen(list[k]->d_name);

			if (l > 4 && !strcmp(list[k]->d_name + l - 4, ".scn")) {
				snprintf(path, sizeof(path), "%s/%s", dir, list[k]->d_name);
				replay_case(path, mode, engine);
				n++;
			}
			free(list[k]);
		}
		free(list);
	}
	return n;
}

/* Every recorded 7.x case under 6.14+(7.3's rules), every 6.x case under
 * 7.3+(6.14's rules): the recorded trace. */
static void test_hybrids_replay_recorded_traces(void **state)
{
	unsigned int n;

	(void)state;
	n = each_recorded_case(MODE_HYBRID, KAFF_ENGINE_INCREMENTAL);
	assert_true(n >= 80);
	/* both directions are exercised */
	assert_true(cases_6 >= 10 && cases_7 >= 40);
	print_message("# %u recorded cases: %u 6.x under 7.3+6.14's rules, %u 7.x under 6.14+7.3's rules\n",
		      n, cases_6, cases_7);
}

/* The kernel's rules as hooks: every recorded trace, under both engines. */
static void test_kernel_hooks_replay_recorded_traces(void **state)
{
	(void)state;
	assert_true(each_recorded_case(MODE_HOOKS, KAFF_ENGINE_INCREMENTAL) >= 80);
	assert_true(each_recorded_case(MODE_HOOKS, KAFF_ENGINE_REFERENCE) >= 80);
}

/* ---- the parser ----------------------------------------------------------- */

static void test_parse(void **state)
{
	struct kaff_profile *p = NULL, *q = NULL;
	size_t pos = 99;

	(void)state;
	/* a bare base: a derived copy, same name and rules */
	assert_int_equal(kaff_profile_parse("7.3", &p, &pos), 0);
	assert_string_equal(kaff_profile_name(p), "7.3");
	assert_string_equal(kaff_profile_rules(p), "7.x");
	kaff_profile_free(p);

	assert_int_equal(kaff_profile_parse("6.14+list_unbound=true+kthread_hk=HK_TYPE_DOMAIN", &p,
					    NULL), 0);
	assert_int_equal(kaff_profile_get(p, KAFF_RULE_LIST_UNBOUND), 1);
	assert_int_equal(kaff_profile_get(p, KAFF_RULE_KTHREAD_HK), KAFF_HK_TYPE_DOMAIN);
	assert_int_equal(kaff_profile_get(p, KAFF_RULE_ONLINE_SKIPS_UNBOUND), 0);
	/* the name lists the rules in enum order, and parses back */
	assert_string_equal(kaff_profile_name(p),
			    "6.14+kthread_hk=HK_TYPE_DOMAIN+list_unbound=true");
	assert_string_equal(kaff_profile_rules(p), "custom");
	assert_int_equal(kaff_profile_parse(kaff_profile_name(p), &q, NULL), 0);
	assert_string_equal(kaff_profile_name(q), kaff_profile_name(p));
	kaff_profile_free(q);

	/* a later term for the same rule wins; a rule set back to the
	 * base's value leaves the name */
	assert_int_equal(kaff_profile_set_rules(p, "list_unbound=false+list_unbound=true", NULL), 0);
	assert_int_equal(kaff_profile_get(p, KAFF_RULE_LIST_UNBOUND), 1);
	assert_int_equal(kaff_profile_set_rules(p, "kthread_hk=HK_TYPE_KERNEL_NOISE+list_unbound=false",
						NULL), 0);
	assert_string_equal(kaff_profile_name(p), "6.14");

	/* all or nothing: a bad second term leaves the first unapplied */
	assert_int_equal(kaff_profile_set_rules(p, "list_unbound=true+nope=1", &pos), -ENOENT);
	assert_int_equal(pos, strlen("list_unbound=true+"));
	assert_int_equal(kaff_profile_get(p, KAFF_RULE_LIST_UNBOUND), 0);
	assert_int_equal(kaff_profile_set_rules(p, "list_unbound=true+has_domain_boot=yes", &pos),
			 -EINVAL);
	assert_int_equal(pos, strlen("list_unbound=true+"));
	assert_int_equal(kaff_profile_get(p, KAFF_RULE_LIST_UNBOUND), 0);
	assert_string_equal(kaff_profile_name(p), "6.14");
	/* a built-in profile cannot be changed */
	assert_int_equal(kaff_profile_set_rules((struct kaff_profile *)(uintptr_t)builtin("7.3"),
						"list_unbound=false", NULL), -EINVAL);
	kaff_profile_free(p);
}

static void test_parse_refusals(void **state)
{
	static const struct {
		const char *spec;
		int ret;
		size_t pos;
	} bad[] = {
		{ "", -EINVAL, 0 },
		{ "7", -EINVAL, 0 },
		{ "7.4", -ERANGE, 0 },
		{ "6.13+list_unbound=true", -ERANGE, 0 },
		{ "7.03", -EINVAL, 0 },
		{ "+list_unbound=true", -EINVAL, 0 },
		{ "7.3+", -EINVAL, 4 },
		{ "7.3++list_unbound=true", -EINVAL, 4 },
		{ "7.3+list_unbound", -EINVAL, 4 },
		{ "7.3+list_unbound=", -EINVAL, 4 },
		{ "7.3+list_unbound=1", -EINVAL, 4 },
		{ "7.3+list_unbound=TRUE", -EINVAL, 4 },
		{ "7.3+kthread_hk=HK_TYPE_MANAGED_IRQ", -EINVAL, 4 },
		{ "7.3+kthread_hk=true", -EINVAL, 4 },
		{ "7.3+list_unbound=true+List_unbound=true", -ENOENT, 22 },
		{ "7.3+=true", -ENOENT, 4 },
		{ "7.3+./rule.so", -ENOENT, 4 },
		{ "7.3+list_unbound=true+", -EINVAL, 22 },
	};
	struct kaff_profile *p;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t pos = 99;
		int ret;

		p = (struct kaff_profile *)(uintptr_t)1;
		ret = kaff_profile_parse(bad[i].spec, &p, &pos);
		if (ret != bad[i].ret || pos != bad[i].pos)
			fail_msg("'%s': %s at %zu, not %s at %zu", bad[i].spec, kaff_strerrorname(ret),
				 pos, kaff_strerrorname(bad[i].ret), bad[i].pos);
		assert_null(p);
	}
	assert_int_equal(kaff_profile_parse(NULL, &p, NULL), -EINVAL);
	assert_int_equal(kaff_profile_parse("7.3", NULL, NULL), -EINVAL);
}

/* ---- hooks ---------------------------------------------------------------- */

static void fetch_first_cpu(void *data, const struct kaff_fetch_args *a, struct kaff_cpumask *out)
{
	(void)data;
	(void)a;
	kaff_cpumask_set_cpu(1, out);
}

static bool online_never(void *data, const struct kaff_online_args *a)
{
	(void)data;
	(void)a;
	return false;
}

static void test_hook_setters(void **state)
{
	struct kaff_profile *p, *q;
	struct kaff_profile *b = (struct kaff_profile *)(uintptr_t)builtin("7.3");
	char label[KAFF_PROFILE_LABEL_MAX + 2];
	unsigned int flags = 9;
	void *data = NULL;
	int x;

	(void)state;
	assert_int_equal(kaff_profile_set_fetch_fn(b, fetch_first_cpu, NULL, 0), -EINVAL);
	assert_int_equal(kaff_profile_set_online_fn(b, online_never, NULL), -EINVAL);
	assert_int_equal(kaff_profile_set_label(b, "x"), -EINVAL);
	assert_null(kaff_profile_get_fetch_fn(b, &data, &flags));
	assert_int_equal(flags, 0);
	assert_int_equal(kaff_profile_derive(b, &p), 0);
	assert_int_equal(kaff_profile_set_fetch_fn(p, fetch_first_cpu, &x, 2), -EINVAL);
	assert_int_equal(kaff_profile_set_fetch_fn(p, fetch_first_cpu, &x, KAFF_FETCH_READS_ONLINE), 0);
	assert_ptr_equal(kaff_profile_get_fetch_fn(p, &data, &flags), fetch_first_cpu);
	assert_ptr_equal(data, &x);
	assert_int_equal(flags, KAFF_FETCH_READS_ONLINE);
	assert_string_equal(kaff_profile_name(p), "7.3+fetch_fn");
	assert_string_equal(kaff_profile_rules(p), "custom");
	assert_int_equal(kaff_profile_set_online_fn(p, online_never, &x), 0);
	assert_string_equal(kaff_profile_name(p), "7.3+fetch_fn+online_fn");
	assert_int_equal(kaff_profile_set_label(p, "./mine.so"), 0);
	assert_string_equal(kaff_profile_name(p), "7.3+./mine.so");
	memset(label, 'a', sizeof(label) - 1);
	label[sizeof(label) - 1] = '\0';
	assert_int_equal(kaff_profile_set_label(p, label), -ENAMETOOLONG);
	assert_string_equal(kaff_profile_name(p), "7.3+./mine.so");
	/* derive copies the hooks */
	assert_int_equal(kaff_profile_derive(p, &q), 0);
	assert_ptr_equal(kaff_profile_get_online_fn(q, &data), online_never);
	assert_ptr_equal(data, &x);
	assert_string_equal(kaff_profile_name(q), "7.3+./mine.so");
	/* NULL restores the kernel's rules */
	assert_int_equal(kaff_profile_set_fetch_fn(q, NULL, &x, KAFF_FETCH_READS_ONLINE), 0);
	assert_int_equal(kaff_profile_set_online_fn(q, NULL, &x), 0);
	assert_int_equal(kaff_profile_set_label(q, NULL), 0);
	assert_null(kaff_profile_get_fetch_fn(q, &data, &flags));
	assert_null(data);
	assert_int_equal(flags, 0);
	assert_string_equal(kaff_profile_name(q), "7.3");
	assert_string_equal(kaff_profile_rules(q), "7.x");
	kaff_profile_free(q);
	kaff_profile_free(p);
}

/* 8 CPUs, node 0 = 0-3, node 1 = 4-7, booted under @p with @engine. */
static struct kaff_ctx *box(const struct kaff_profile *p, int engine, int *boot_ret)
{
	unsigned long w[1];
	struct kaff_cpumask m = KAFF_CPUMASK_INIT(8, w);
	struct kaff_ctx *ctx = kaff_ctx_new(p, 8, NULL);

	assert_non_null(ctx);
	assert_int_equal(kaff_ctx_set_engine(ctx, engine), 0);
	assert_int_equal(kaff_cpulist_parse("0-3", &m), 0);
	assert_int_equal(kaff_machine_set_node(ctx, 0, &m), 0);
	assert_int_equal(kaff_cpulist_parse("4-7", &m), 0);
	assert_int_equal(kaff_machine_set_node(ctx, 1, &m), 0);
	*boot_ret = kaff_machine_boot(ctx);
	return ctx;
}

static char *mask_str(const struct kaff_cpumask *m)
{
	static char buf[64];

	if (!kaff_cpulist_snprint(buf, sizeof(buf), m))
		strcpy(buf, "-");
	return buf;
}

/* Empty for a node class of node 1 once it has no CPU 4 online, and for
 * any preference without CPU 2; the kernel's rule otherwise. */
static void fetch_picky(void *data, const struct kaff_fetch_args *a, struct kaff_cpumask *out)
{
	(void)data;
	if (a->preferred && !kaff_cpumask_test_cpu(2, a->preferred))
		return;
	if (a->node == 1 && !kaff_cpumask_test_cpu(4, a->node_cpus))
		return;
	rule_kernel_fetch(NULL, a, out);
}

/* A hook giving no CPU is refused with -EDOM wherever it is asked, and
 * the state is exactly as before (kaff_ctx_check_unchanged()). */
static void test_empty_hook_refused(void **state)
{
	static const int engines[] = { KAFF_ENGINE_INCREMENTAL, KAFF_ENGINE_REFERENCE };
	unsigned long w[1];
	struct kaff_cpumask m = KAFF_CPUMASK_INIT(8, w);
	char why[256];
	unsigned int e;

	(void)state;
	for (e = 0; e < 2; e++) {
		struct kaff_snapshot *before;
		struct kaff_profile *p;
		struct kaff_ctx *ctx;
		unsigned int n, q, cpu;
		int boot;

		assert_int_equal(kaff_profile_parse("7.3", &p, NULL), 0);
		assert_int_equal(kaff_profile_set_fetch_fn(p, fetch_picky, NULL, 0), 0);
		ctx = box(p, engines[e], &boot);
		assert_int_equal(boot, 0);
		kaff_profile_free(p);  /* the context has its own copy */
		assert_int_equal(kaff_kthread_create_on_node(ctx, 1, &n), 0);
		assert_int_equal(kaff_kthread_create_on_node(ctx, 0, &q), 0);

		/* prefer: the preference 5-6 has no CPU 2 */
		assert_int_equal(kaff_cpulist_parse("5-6", &m), 0);
		assert_int_equal(kaff_ctx_snapshot(ctx, &before), 0);
		assert_int_equal(kaff_kthread_affine_preferred(ctx, q, &m), -EDOM);
		if (kaff_ctx_check_unchanged(before, ctx, why, sizeof(why)))
			fail_msg("a refused prefer changed the state: %s", why);
		kaff_snapshot_free(before);
		/* the same call is still possible: nothing was half-listed */
		assert_int_equal(kaff_cpulist_parse("2,5", &m), 0);
		assert_int_equal(kaff_kthread_affine_preferred(ctx, q, &m), 0);
		assert_string_equal(mask_str(kaff_kthread_cpus_mask(ctx, q)), "2,5");

		/* the first wake of a node-1 kthread while CPU 4 is offline */
		assert_int_equal(kaff_cpu_offline(ctx, 4), 0);
		assert_int_equal(kaff_ctx_snapshot(ctx, &before), 0);
		assert_int_equal(kaff_wake_up_process(ctx, n), -EDOM);
		if (kaff_ctx_check_unchanged(before, ctx, why, sizeof(why)))
			fail_msg("a refused wake changed the state: %s", why);
		kaff_snapshot_free(before);
		assert_int_equal(kaff_kthread_fetch_affinity(ctx, n, &m), -EDOM);

		/* online: N woke with CPU 4 up (4-7); with CPU 4 down again, the
		 * online of CPU 5 re-affines N's class and gets nothing: the
		 * whole event is refused, CPU 5 stays offline */
		assert_int_equal(kaff_cpu_online(ctx, 4), 0);
		assert_int_equal(kaff_wake_up_process(ctx, n), 0);
		assert_string_equal(mask_str(kaff_kthread_cpus_mask(ctx, n)), "4-7");
		for (cpu = 4; cpu <= 5; cpu++)
			assert_int_equal(kaff_cpu_offline(ctx, cpu), 0);
		assert_int_equal(kaff_ctx_snapshot(ctx, &before), 0);
		assert_int_equal(kaff_cpu_online(ctx, 5), -EDOM);
		if (kaff_ctx_check_unchanged(before, ctx, why, sizeof(why)))
			fail_msg("a refused online changed the state: %s", why);
		kaff_snapshot_free(before);
		assert_false(kaff_cpumask_test_cpu(5, kaff_machine_online_mask(ctx)));
		/* CPU 4 itself can come back, and then CPU 5 */
		assert_int_equal(kaff_cpu_online(ctx, 4), 0);
		assert_int_equal(kaff_cpu_online(ctx, 5), 0);
		assert_string_equal(mask_str(kaff_kthread_cpus_mask(ctx, n)), "4-7");
		kaff_ctx_free(ctx);
	}
}

/* A hook that gives kthreadd no CPU makes the boot fail with -EDOM. */
static void fetch_no_unbound(void *data, const struct kaff_fetch_args *a, struct kaff_cpumask *out)
{
	(void)data;
	if (a->preferred || a->node != KAFF_NUMA_NO_NODE)
		rule_kernel_fetch(NULL, a, out);
}

static void test_empty_hook_at_boot(void **state)
{
	struct kaff_profile *p;
	struct kaff_ctx *ctx;
	int boot;

	(void)state;
	/* 7.3 lists kthreadd (list_unbound) and fetches its mask at boot */
	assert_int_equal(kaff_profile_parse("7.3", &p, NULL), 0);
	assert_int_equal(kaff_profile_set_fetch_fn(p, fetch_no_unbound, NULL, 0), 0);
	ctx = box(p, KAFF_ENGINE_INCREMENTAL, &boot);
	assert_int_equal(boot, -EDOM);
	kaff_ctx_free(ctx);
	/* 6.14 does not: kthreadd takes housekeeping_affine() */
	assert_int_equal(kaff_profile_set_rules(p, "list_unbound=false", NULL), 0);
	ctx = box(p, KAFF_ENGINE_INCREMENTAL, &boot);
	assert_int_equal(boot, 0);
	kaff_ctx_free(ctx);
	kaff_profile_free(p);
}

/*
 * The online hook decides which managed kthreads CPU online re-affines.
 * Node-1 kthread N woke on 4-7; with 4-7 offline it wakes again and the
 * scheduler fallback gives it 0-7. The kernel's rule: onlining CPU 5
 * re-affines it to node 1's online CPUs, {5}. A hook that re-affines no
 * class leaves it on 0-7; a housekeeping update (isolate) still
 * re-affines it, hook or not.
 */
static void test_online_hook(void **state)
{
	static const int engines[] = { KAFF_ENGINE_INCREMENTAL, KAFF_ENGINE_REFERENCE };
	unsigned long w[1];
	struct kaff_cpumask m = KAFF_CPUMASK_INIT(8, w);
	unsigned int e, h;

	(void)state;
	for (e = 0; e < 2; e++) {
		for (h = 0; h < 2; h++) {
			struct kaff_profile *p;
			struct kaff_ctx *ctx;
			unsigned int n, cpu;
			int boot;

			assert_int_equal(kaff_profile_parse("7.3", &p, NULL), 0);
			if (h)
				assert_int_equal(kaff_profile_set_online_fn(p, online_never, NULL), 0);
			ctx = box(p, engines[e], &boot);
			kaff_profile_free(p);
			assert_int_equal(boot, 0);
			assert_int_equal(kaff_kthread_create_on_node(ctx, 1, &n), 0);
			assert_int_equal(kaff_wake_up_process(ctx, n), 0);
			assert_string_equal(mask_str(kaff_kthread_cpus_mask(ctx, n)), "4-7");
			for (cpu = 4; cpu <= 7; cpu++)
				assert_int_equal(kaff_cpu_offline(ctx, cpu), 0);
			assert_int_equal(kaff_wake_up_process(ctx, n), 0);
			assert_string_equal(mask_str(kaff_kthread_cpus_mask(ctx, n)), "0-7");
			assert_int_equal(kaff_cpu_online(ctx, 5), 0);
			assert_string_equal(mask_str(kaff_kthread_cpus_mask(ctx, n)), h ? "0-7" : "5");
			/* isolating CPU 3 updates housekeeping: every class */
			assert_int_equal(kaff_cpulist_parse("3", &m), 0);
			assert_int_equal(kaff_cpuset_set_isolated(ctx, &m), 0);
			assert_string_equal(mask_str(kaff_kthread_cpus_mask(ctx, n)), "5");
			kaff_ctx_free(ctx);
		}
	}
}

/*
 * The arguments a fetch hook sees. Under 7.3 with nohz_full=6-7: a node-1
 * kthread's class is node 1 with node_cpus = node 1's online CPUs, no
 * preference, kthread_hk DOMAIN, hk[KERNEL_NOISE] = 0-5; a preferred one's
 * class is its preference with node NUMA_NO_NODE (the kernel ignores its
 * node); online only with KAFF_FETCH_READS_ONLINE.
 */
struct seen {
	char pref[32], node_cpus[32], noise[32];
	int node;
	bool has_online;
	enum kaff_hk_type kthread_hk;
};

static void fetch_record(void *data, const struct kaff_fetch_args *a, struct kaff_cpumask *out)
{
	struct seen *s = data;

	strcpy(s->pref, a->preferred ? mask_str(a->preferred) : "none");
	strcpy(s->node_cpus, a->node_cpus ? mask_str(a->node_cpus) : "none");
	strcpy(s->noise, mask_str(a->hk[KAFF_HK_TYPE_KERNEL_NOISE]));
	s->node = a->node;
	s->has_online = a->online != NULL;
	s->kthread_hk = a->kthread_hk;
	rule_kernel_fetch(NULL, a, out);
}

static void test_fetch_args(void **state)
{
	unsigned long w[1];
	struct kaff_cpumask m = KAFF_CPUMASK_INIT(8, w);
	struct kaff_profile *p;
	struct kaff_ctx *ctx;
	struct seen s;
	unsigned int n, q, flags;

	(void)state;
	for (flags = 0; flags <= KAFF_FETCH_READS_ONLINE; flags += KAFF_FETCH_READS_ONLINE) {
		assert_int_equal(kaff_profile_parse("7.3", &p, NULL), 0);
		assert_int_equal(kaff_profile_set_fetch_fn(p, fetch_record, &s, flags), 0);
		ctx = kaff_ctx_new(p, 8, NULL);
		kaff_profile_free(p);
		assert_non_null(ctx);
		assert_int_equal(kaff_cpulist_parse("0-3", &m), 0);
		assert_int_equal(kaff_machine_set_node(ctx, 0, &m), 0);
		assert_int_equal(kaff_cpulist_parse("4-7", &m), 0);
		assert_int_equal(kaff_machine_set_node(ctx, 1, &m), 0);
		assert_int_equal(kaff_machine_add_boot_param(ctx, "nohz_full=6-7"), 0);
		assert_int_equal(kaff_machine_boot(ctx), 0);
		assert_int_equal(kaff_cpu_offline(ctx, 7), 0);
		assert_int_equal(kaff_kthread_create_on_node(ctx, 1, &n), 0);
		assert_int_equal(kaff_wake_up_process(ctx, n), 0);
		assert_string_equal(s.pref, "none");
		assert_int_equal(s.node, 1);
		assert_string_equal(s.node_cpus, "4-6");
		assert_string_equal(s.noise, "0-5");
		assert_int_equal(s.kthread_hk, KAFF_HK_TYPE_DOMAIN);
		assert_int_equal(s.has_online, flags != 0);
		assert_int_equal(kaff_kthread_create_on_node(ctx, 1, &q), 0);
		assert_int_equal(kaff_cpulist_parse("1-2", &m), 0);
		assert_int_equal(kaff_kthread_affine_preferred(ctx, q, &m), 0);
		assert_string_equal(s.pref, "1-2");
		assert_int_equal(s.node, KAFF_NUMA_NO_NODE);
		assert_string_equal(s.node_cpus, "none");
		kaff_ctx_free(ctx);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_refusals),
		cmocka_unit_test(test_hook_setters),
		cmocka_unit_test(test_fetch_args),
		cmocka_unit_test(test_empty_hook_refused),
		cmocka_unit_test(test_empty_hook_at_boot),
		cmocka_unit_test(test_online_hook),
		cmocka_unit_test(test_hybrids_replay_recorded_traces),
		cmocka_unit_test(test_kernel_hooks_replay_recorded_traces),
	};

	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
