/* SPDX-License-Identifier: MIT */
/*
 * kaff_ctx_dup(), the change callback (kaff_ctx_set_change_fn()) and
 * kaff_ctx_run_deferred().
 *
 *   - dup: after every event of every recorded and hand-written case, the
 *     copy has the original's state dump and invariants; it then replays
 *     the rest of the case in step with the original, giving the same
 *     dump after every event (so its groups, lists and hash tables work,
 *     not only look the same); events on one never show in the other;
 *     each allocation of a dup failing gives NULL and leaks nothing.
 *   - the callback: on every case and both engines, the calls of each
 *     event are exactly the kthreads whose mask differs before and after
 *     it (found by comparing every kthread), with those masks; the two
 *     engines make the same calls in the same order; the order and masks
 *     of small machines worked out by hand (below); with each allocation
 *     failing, an event fails whole and makes no call.
 *   - run_deferred: the 7.x deferred update, by hand (oracle o73-06).
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
#include "test-common.h"

/* ---- helpers */

static char *mask_str(const struct kaff_cpumask *m)
{
	static char buf[4][4096];
	static int i;

	i = (i + 1) % 4;
	kaff_cpulist_snprint(buf[i], sizeof(buf[i]), m);
	return buf[i][0] ? buf[i] : "-";
}

/* Every callback, as "id old new;" lines. */
static void log_change(void *data, unsigned int id, const struct kaff_cpumask *old_mask,
		       const struct kaff_cpumask *new_mask)
{
	struct kaff_test_buf *b = data;
	char line[9000];

	snprintf(line, sizeof(line), "%u %s %s;", id, mask_str(old_mask), mask_str(new_mask));
	kaff_test_buf_write(b, line, strlen(line));
}

static struct kaff_scenario *parse(const char *text, size_t len)
{
	struct kaff_scenario *sc;

	assert_int_equal(kaff_scenario_parse(text, len, NULL, &sc, NULL), 0);
	return sc;
}

/* ---- kaff_ctx_dup() */

static void dup_case(const char *name, const char *text, size_t len)
{
	struct kaff_scenario *sc = parse(text, len);
	struct kaff_replay_ops ops = { 0 };
	uint32_t i, j, n = kaff_scenario_nr_events(sc);
	struct kaff_replay_result res = { 0 };
	struct kaff_replay r, c;

	assert_int_equal(kaff__replay_init(&r, sc, &ops), 0);
	for (i = 0; i <= n; i++) {
		char *want = kaff_test_dump(r.ctx), *got;
		struct kaff_ctx *copy = kaff_ctx_dup(r.ctx);

		assert_non_null(copy);
		got = kaff_test_dump(copy);
		if (strcmp(want, got))
			fail_msg("%s: event %u: the copy's dump differs", name, i);
		free(got);
		{
			char why[256] = "";

			if (kaff_ctx_check(copy, why, sizeof(why)))
				fail_msg("%s: event %u: the copy breaks an invariant: %s", name, i, why);
		}
		/* The copy replays the rest in step with the original (a replay
		 * that drives it: same scenario, its own id table). */
		assert_int_equal(kaff__replay_init(&c, sc, &ops), 0);
		kaff_ctx_free(c.ctx);
		c.ctx = copy;
		memcpy(c.ids, r.ids, sc->nr_tasks * sizeof(*c.ids));
		for (j = i; j < n; j++) {
			char *a, *b;

			assert_int_equal(kaff__replay_step(&r, j, &res), kaff__replay_step(&c, j, &res));
			a = kaff_test_dump(r.ctx);
			b = kaff_test_dump(c.ctx);
			if (strcmp(a, b))
				fail_msg("%s: copy at %u, event %u: dumps differ", name, i, j);
			free(a);
			free(b);
		}
		kaff__replay_fini(&c);
		/* back to event i for the next copy */
		kaff__replay_fini(&r);
		assert_int_equal(kaff__replay_init(&r, sc, &ops), 0);
		for (j = 0; j <= i && j < n; j++)
			kaff__replay_step(&r, j, &res);
		free(want);
		if (n > 40)
			i += n / 40;   /* long cases: about 40 copies */
	}
	kaff__replay_fini(&r);
	kaff_scenario_free(sc);
}

static void test_dup_every_case(void **state)
{
	(void)state;
	assert_true(kaff_test_each_case(dup_case) >= 75);
}

/* Events on the copy do not touch the original, and the other way round;
 * either may be freed first. */
static void test_dup_independent(void **state)
{
	const char text[] = "kernel 7.3\ncpus 8\nnode 0 0-3\nnode 1 4-7\nboot isolcpus=domain,6-7\n"
			    "create A node=1\nwake A\ncreate P\nprefer P 5-7\nwake P\n";
	struct kaff_scenario *sc = parse(text, sizeof(text) - 1);
	struct kaff_replay *r;
	struct kaff_ctx *copy, *copy2;
	char *orig, *cp, *now;

	(void)state;
	assert_int_equal(kaff_replay_new(sc, NULL, &r), 0);
	while (kaff_replay_step(r, NULL) == 1)
		;
	orig = kaff_test_dump(kaff_replay_ctx(r));
	copy = kaff_ctx_dup(kaff_replay_ctx(r));
	assert_non_null(copy);
	/* node 1 down on the copy: A (4-5) and P (5) keep their masks until
	 * a wake, which finds no online CPU: the fallback gives 0-7 */
	assert_int_equal(kaff_cpu_offline(copy, 4), 0);
	assert_int_equal(kaff_cpu_offline(copy, 5), 0);
	assert_int_equal(kaff_wake_up_process(copy, 1), 0);
	assert_string_equal(mask_str(kaff_kthread_cpus_mask(copy, 1)), "0-7");
	assert_string_equal(mask_str(kaff_kthread_cpus_mask(kaff_replay_ctx(r), 1)), "4-5");
	now = kaff_test_dump(kaff_replay_ctx(r));
	assert_string_equal(now, orig);
	free(now);
	/* a copy of the copy, then the original changes; copies stay */
	copy2 = kaff_ctx_dup(copy);
	cp = kaff_test_dump(copy);
	assert_int_equal(kaff_cpu_offline(kaff_replay_ctx(r), 1), 0);
	kaff_replay_free(r);          /* the original first */
	now = kaff_test_dump(copy);
	assert_string_equal(now, cp);
	free(now);
	kaff_ctx_free(copy);
	now = kaff_test_dump(copy2);
	assert_string_equal(now, cp);
	free(now);
	assert_int_equal(kaff_cpu_online(copy2, 4), 0);
	/* online 4 re-affines A to node 1's online CPUs ∩ hk = {4} */
	assert_string_equal(mask_str(kaff_kthread_cpus_mask(copy2, 1)), "4");
	kaff_ctx_free(copy2);
	assert_null(kaff_ctx_dup(NULL));
	free(orig);
	free(cp);
	kaff_scenario_free(sc);
}

/* A setup-phase context copies too (boot parameters, nodes), and boots
 * as the original does. */
static void test_dup_before_boot(void **state)
{
	const struct kaff_profile *p;
	struct kaff_cpumask *m = kaff_cpumask_alloc(8);
	struct kaff_ctx *ctx, *copy;
	char *a, *b;

	(void)state;
	assert_int_equal(kaff_profile_lookup("7.3", &p), 0);
	ctx = kaff_ctx_new(p, 8, NULL);
	assert_int_equal(kaff_cpulist_parse("0-3", m), 0);
	assert_int_equal(kaff_machine_set_node(ctx, 0, m), 0);
	assert_int_equal(kaff_cpulist_parse("4-7", m), 0);
	assert_int_equal(kaff_machine_set_node(ctx, 1, m), 0);
	assert_int_equal(kaff_machine_add_boot_param(ctx, "isolcpus=domain,7"), 0);
	assert_int_equal(kaff_machine_add_boot_param(ctx, "nohz_full=bogus"), 0);
	copy = kaff_ctx_dup(ctx);
	assert_non_null(copy);
	assert_false(kaff_ctx_booted(copy));
	assert_int_equal(kaff_machine_boot(ctx), 0);
	assert_int_equal(kaff_machine_boot(copy), 0);
	a = kaff_test_dump(ctx);
	b = kaff_test_dump(copy);
	assert_string_equal(a, b);
	/* the ignored nohz_full= is a boot warning of both */
	assert_int_equal(kaff_machine_nr_boot_warnings(copy), kaff_machine_nr_boot_warnings(ctx));
	assert_true(kaff_machine_nr_boot_warnings(copy) >= 1);
	free(a);
	free(b);
	kaff_ctx_free(ctx);
	kaff_ctx_free(copy);
	kaff_cpumask_free(m);
}

/* Irq threads copy with their list and the interrupt vector counts:
 * when their CPU goes down, a copy's irq thread follows its interrupt
 * as the original's does (its mask {3} has no online CPU left). */
static void test_dup_irq(void **state)
{
	const struct kaff_profile *p;
	struct kaff_cpumask *m = kaff_cpumask_alloc(8);
	struct kaff_ctx *ctx, *copy;
	unsigned int id;
	char *a, *b;

	(void)state;
	assert_int_equal(kaff_profile_lookup("7.3", &p), 0);
	ctx = kaff_ctx_new(p, 8, NULL);
	assert_int_equal(kaff_machine_boot(ctx), 0);
	assert_int_equal(kaff_cpulist_parse("3", m), 0);
	assert_int_equal(kaff_irq_thread_create(ctx, m, true, &id), 0);
	copy = kaff_ctx_dup(ctx);
	assert_non_null(copy);
	assert_true(kaff_kthread_is_irq_thread(copy, id));
	assert_int_equal(kaff_cpu_offline(ctx, 3), 0);
	assert_int_equal(kaff_cpu_offline(copy, 3), 0);
	assert_string_not_equal(mask_str(kaff_kthread_cpus_mask(copy, id)), "3");
	a = kaff_test_dump(ctx);
	b = kaff_test_dump(copy);
	assert_string_equal(a, b);
	free(a);
	free(b);
	kaff_ctx_free(ctx);
	kaff_ctx_free(copy);
	kaff_cpumask_free(m);
}

/* Each allocation of kaff_ctx_dup() failing in turn: NULL, nothing
 * leaked, the original unchanged. On the end state of every case. */
static unsigned long dup_points;

static void dup_alloc_case(const char *name, const char *text, size_t len)
{
	struct kaff_test_alloc ta;
	struct kaff_allocator alloc;
	struct kaff_replay_ops ops = { 0 };
	struct kaff_scenario *sc;
	struct kaff_replay_result res = { 0 };
	struct kaff_replay r;
	unsigned long n;
	char *before;

	kaff_test_alloc_init(&ta, 0, &alloc);
	assert_int_equal(kaff_scenario_parse(text, len, &alloc, &sc, NULL), 0);
	assert_int_equal(kaff__replay_init(&r, sc, &ops), 0);
	while (r.next < sc->nr_events)
		kaff__replay_step(&r, r.next++, &res);
	before = kaff_test_dump(r.ctx);
	for (n = 1;; n++) {
		unsigned long live = ta.live;
		struct kaff_ctx *copy;
		char *now;

		ta.fail_at = ta.calls + n;
		ta.failed = false;
		copy = kaff_ctx_dup(r.ctx);
		ta.fail_at = 0;
		if (copy) {
			assert_false(ta.failed);
			kaff_ctx_free(copy);
			assert_int_equal(ta.live, live);
			break;
		}
		if (!ta.failed)
			fail_msg("%s: dup failed without an allocation failure", name);
		if (ta.live != live)
			fail_msg("%s: allocation %lu failing: %lu blocks leaked", name, n, ta.live - live);
		now = kaff_test_dump(r.ctx);
		assert_string_equal(now, before);
		free(now);
		dup_points++;
	}
	free(before);
	kaff__replay_fini(&r);
	kaff_scenario_free(sc);
	assert_int_equal(ta.live, 0);
}

static void test_dup_alloc(void **state)
{
	(void)state;
	assert_true(kaff_test_each_case(dup_alloc_case) >= 75);
	print_message("# %lu allocation failures of kaff_ctx_dup() survived\n", dup_points);
	assert_true(dup_points > 1000);
}

/* ---- the change callback */

/* The masks of every live kthread (kthreadd included), as text. */
static char **all_masks(const struct kaff_ctx *ctx, unsigned int nr)
{
	char **m = calloc(nr, sizeof(*m));
	unsigned int id;

	assert_non_null(m);
	for (id = 0; id < nr; id++)
		if (kaff_kthread_cpus_mask(ctx, id))
			m[id] = strdup(mask_str(kaff_kthread_cpus_mask(ctx, id)));
	return m;
}

static void free_masks(char **m, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		free(m[i]);
	free(m);
}

/* Replay @text under @engine; @out receives, per event, its calls then
 * "|". Every event's calls must be exactly the kthreads whose masks
 * differ before and after it (a kthread created or stopped by the event
 * is not a change). */
static void change_log(const char *name, const char *text, size_t len, enum kaff_engine engine,
		       struct kaff_test_buf *out)
{
	struct kaff_scenario *sc = parse(text, len);
	struct kaff_replay_ops ops = { .engine = engine };
	unsigned int nr = kaff_scenario_nr_events(sc) + 1, id;
	struct kaff_replay_result res = { 0 };
	struct kaff_replay r;
	uint32_t i;

	assert_int_equal(kaff__replay_init(&r, sc, &ops), 0);
	for (i = 0; i < sc->nr_events; i++) {
		struct kaff_test_buf calls = { 0 }, want = { 0 };
		char **before = all_masks(r.ctx, nr), **after;

		kaff_ctx_set_change_fn(r.ctx, log_change, &calls);
		kaff__replay_step(&r, i, &res);
		kaff_ctx_set_change_fn(r.ctx, NULL, NULL);
		after = all_masks(r.ctx, nr);
		for (id = 0; id < nr; id++) {
			char line[9000];

			if (!before[id] || !after[id] || !strcmp(before[id], after[id]))
				continue;
			snprintf(line, sizeof(line), "%u %s %s;", id, before[id], after[id]);
			/* the order is checked by hand below and across engines:
			 * here each change once, and nothing else */
			if (!calls.data || !strstr(calls.data, line))
				fail_msg("%s (%s engine): event %u: no call '%s' (calls: %s)", name,
					 engine ? "reference" : "incremental", i, line,
					 calls.data ? calls.data : "");
			kaff_test_buf_write(&want, line, strlen(line));
		}
		if ((calls.data ? strlen(calls.data) : 0) != (want.data ? strlen(want.data) : 0))
			fail_msg("%s: event %u: calls '%s', changes '%s'", name, i,
				 calls.data ? calls.data : "", want.data ? want.data : "");
		if (calls.data)
			kaff_test_buf_write(out, calls.data, strlen(calls.data));
		kaff_test_buf_write(out, "|", 1);
		kaff_test_buf_free(&calls);
		kaff_test_buf_free(&want);
		free_masks(before, nr);
		free_masks(after, nr);
	}
	kaff__replay_fini(&r);
	kaff_scenario_free(sc);
}

static unsigned long change_calls;

static void change_case(const char *name, const char *text, size_t len)
{
	struct kaff_test_buf inc = { 0 }, ref = { 0 };
	const char *p;

	change_log(name, text, len, KAFF_ENGINE_INCREMENTAL, &inc);
	change_log(name, text, len, KAFF_ENGINE_REFERENCE, &ref);
	if (strcmp(inc.data ? inc.data : "", ref.data ? ref.data : ""))
		fail_msg("%s: the engines call differently:\n  incremental %s\n  reference   %s", name,
			 inc.data, ref.data);
	for (p = inc.data; p && *p; p++)
		change_calls += *p == ';';
	kaff_test_buf_free(&inc);
	kaff_test_buf_free(&ref);
}

static void test_change_every_case(void **state)
{
	(void)state;
	assert_true(kaff_test_each_case(change_case) >= 75);
	print_message("# %lu change calls, the same from both engines\n", change_calls);
	assert_true(change_calls > 500);
}

/* Calls of a scenario's last event, both engines (they must agree). */
static void last_event_calls(const char *text, char *out, size_t len)
{
	struct kaff_test_buf inc = { 0 }, ref = { 0 };
	char *last, *end;

	change_log("hand", text, strlen(text), KAFF_ENGINE_INCREMENTAL, &inc);
	change_log("hand", text, strlen(text), KAFF_ENGINE_REFERENCE, &ref);
	assert_string_equal(inc.data, ref.data);
	end = inc.data + strlen(inc.data) - 1;          /* the last '|' */
	*end = '\0';
	last = strrchr(inc.data, '|');
	snprintf(out, len, "%s", last ? last + 1 : inc.data);
	kaff_test_buf_free(&inc);
	kaff_test_buf_free(&ref);
}

/*
 * The kernel's order, worked out by hand. 7.3, nodes 0-3 and 4-7, no
 * isolation. B (id 2) wakes before A (id 1): kthread_affinity_list is
 * kthreadd, B, A; both get node 1 = 4-7 (kthread_affine_node()). K (id
 * 3) is a per-CPU kthread of CPU 5 made while 5 is offline: parked, and
 * its first run met no online CPU: 0-7 (select_fallback_rq()).
 * online 5: first smpboot_unpark_threads() (CPUHP_AP_SMPBOOT_THREADS)
 * rebinds K to {5}; then kthreads_online_cpu() walks the list: kthreadd
 * is skipped (7.x: no node, no preference), B and A were left on 4-7
 * while 5-7 went down (no offline callback) and get node 1's online CPUs
 * 4-5. So: K, then B, then A, although A and B are one group and A was
 * created first. (Per-CPU kthreads have no scenario command: the API.)
 */
static void order_machine(enum kaff_engine engine, char *out, size_t len)
{
	const struct kaff_profile *p;
	struct kaff_cpumask *m = kaff_cpumask_alloc(8);
	struct kaff_test_buf calls = { 0 };
	unsigned int a, b, k, cpu;
	struct kaff_ctx *ctx;

	assert_int_equal(kaff_profile_lookup("7.3", &p), 0);
	ctx = kaff_ctx_new(p, 8, NULL);
	assert_int_equal(kaff_ctx_set_engine(ctx, engine), 0);
	assert_int_equal(kaff_cpulist_parse("0-3", m), 0);
	assert_int_equal(kaff_machine_set_node(ctx, 0, m), 0);
	assert_int_equal(kaff_cpulist_parse("4-7", m), 0);
	assert_int_equal(kaff_machine_set_node(ctx, 1, m), 0);
	assert_int_equal(kaff_machine_boot(ctx), 0);
	assert_int_equal(kaff_kthread_create_on_node(ctx, 1, &a), 0);
	assert_int_equal(kaff_kthread_create_on_node(ctx, 1, &b), 0);
	assert_int_equal(a, 1);
	assert_int_equal(b, 2);
	assert_int_equal(kaff_wake_up_process(ctx, b), 0);
	assert_int_equal(kaff_wake_up_process(ctx, a), 0);
	for (cpu = 7; cpu >= 5; cpu--)
		assert_int_equal(kaff_cpu_offline(ctx, cpu), 0);
	assert_int_equal(kaff_kthread_create_per_cpu(ctx, 5, &k), 0);
	assert_int_equal(k, 3);
	kaff_ctx_set_change_fn(ctx, log_change, &calls);
	assert_int_equal(kaff_cpu_online(ctx, 5), 0);
	snprintf(out, len, "%s", calls.data ? calls.data : "");
	kaff_test_buf_free(&calls);
	kaff_ctx_free(ctx);
	kaff_cpumask_free(m);
}

static void test_change_order(void **state)
{
	char got[4096];

	(void)state;
	order_machine(KAFF_ENGINE_INCREMENTAL, got, sizeof(got));
	assert_string_equal(got, "3 0-7 5;2 4-7 4-5;1 4-7 4-5;");
	order_machine(KAFF_ENGINE_REFERENCE, got, sizeof(got));
	assert_string_equal(got, "3 0-7 5;2 4-7 4-5;1 4-7 4-5;");
	/* a wake that finds no online CPU: the fallback, one call */
	last_event_calls("kernel 7.3\ncpus 8\nnode 0 0-3\nnode 1 4-7\ncreate A node=1\nwake A\n"
			 "offline 4\noffline 5\noffline 6\noffline 7\nwake A\n", got, sizeof(got));
	assert_string_equal(got, "1 4-7 0-7;");
	/* sched_setaffinity() to the mask it has: no change, no call */
	last_event_calls("kernel 7.3\ncpus 4\ncreate A\nwake A\nsetaffinity A 0-3\n", got, sizeof(got));
	assert_string_equal(got, "");
}

/* ---- kaff_ctx_run_deferred() */

/*
 * oracle o73-06 up to offline 7: isolate 0-5 leaves HK_TYPE_DOMAIN 6-7,
 * and the managed list (kthreadd, A node 1, B no node) goes to 6-7 (A:
 * node 1 ∩ 6-7). offline 6 and 7 leave online 0-5, all in the partition:
 * cpuset invalidates it, HK_TYPE_DOMAIN is 0-7 again at once, and the
 * kthreads wait for the work item. kaff_ctx_run_deferred() runs it:
 * kthreads_update_housekeeping() gives kthreadd and B 0-7 (hk), A node
 * 1's online CPUs 4-5, in list order. A second call has nothing to do.
 */
static void test_run_deferred(void **state)
{
	const char text[] = "kernel 7.3\ncpus 8\nnode 0 0-3\nnode 1 4-7\ncreate A node=1\nwake A\n"
			    "create B\nwake B\nisolate 0-5\noffline 6\noffline 7\n";
	struct kaff_scenario *sc = parse(text, sizeof(text) - 1);
	struct kaff_test_buf calls = { 0 };
	struct kaff_replay *r;
	struct kaff_ctx *ctx;

	(void)state;
	assert_int_equal(kaff_replay_new(sc, NULL, &r), 0);
	while (kaff_replay_step(r, NULL) == 1)
		;
	ctx = kaff_replay_ctx(r);
	assert_string_equal(mask_str(kaff_kthread_cpus_mask(ctx, 1)), "6-7");
	assert_string_equal(mask_str(kaff_kthread_cpus_mask(ctx, 2)), "6-7");
	assert_string_equal(mask_str(kaff_housekeeping_cpumask(ctx, KAFF_HK_TYPE_DOMAIN)), "0-7");
	kaff_ctx_set_change_fn(ctx, log_change, &calls);
	assert_int_equal(kaff_ctx_run_deferred(ctx), 1);
	assert_string_equal(calls.data, "0 6-7 0-7;1 6-7 4-5;2 6-7 0-7;");
	assert_int_equal(kaff_ctx_run_deferred(ctx), 0);
	assert_string_equal(calls.data, "0 6-7 0-7;1 6-7 4-5;2 6-7 0-7;");
	kaff_test_buf_free(&calls);
	assert_int_equal(kaff_ctx_run_deferred(NULL), -EINVAL);
	kaff_replay_free(r);
	kaff_scenario_free(sc);
}

/* The same machine with every allocation of kaff_ctx_run_deferred()
 * failing in turn (a callback set, so the notification buffer too):
 * -ENOMEM leaves the state as it was, the update still pending. */
static int op_run_deferred(struct kaff_ctx *ctx, void *arg)
{
	(void)arg;
	return kaff_ctx_run_deferred(ctx);
}

static void test_run_deferred_alloc(void **state)
{
	const char text[] = "kernel 7.3\ncpus 8\nnode 0 0-3\nnode 1 4-7\ncreate A node=1\nwake A\n"
			    "create B\nwake B\nisolate 0-5\noffline 6\noffline 7\n";
	struct kaff_test_buf calls = { 0 };
	struct kaff_test_alloc ta;
	struct kaff_allocator alloc;
	struct kaff_scenario *sc;
	struct kaff_replay *r;
	unsigned long points = 0;

	(void)state;
	kaff_test_alloc_init(&ta, 0, &alloc);
	assert_int_equal(kaff_scenario_parse(text, sizeof(text) - 1, &alloc, &sc, NULL), 0);
	assert_int_equal(kaff_replay_new(sc, NULL, &r), 0);
	while (kaff_replay_step(r, NULL) == 1)
		;
	kaff_ctx_set_change_fn(kaff_replay_ctx(r), log_change, &calls);
	assert_int_equal(kaff_test_sweep(kaff_replay_ctx(r), &ta, op_run_deferred, NULL, &points), 1);
	assert_true(points >= 1);
	/* the calls of the one run that succeeded, and only those */
	assert_string_equal(calls.data, "0 6-7 0-7;1 6-7 4-5;2 6-7 0-7;");
	kaff_test_buf_free(&calls);
	kaff_replay_free(r);
	kaff_scenario_free(sc);
	assert_int_equal(ta.live, 0);
}

/* ---- allocation failure with a callback set */

struct step_arg {
	struct kaff_replay *r;
	uint32_t i;
	unsigned long *calls_seen;
	struct kaff_replay_result *res;
};

static int step_op(struct kaff_ctx *ctx, void *arg)
{
	struct step_arg *s = arg;
	unsigned long before = *s->calls_seen;
	int ret;

	(void)ctx;
	ret = kaff__replay_step(s->r, s->i, s->res);
	/* a refused event made no call */
	if (ret == -ENOMEM)
		assert_int_equal(*s->calls_seen, before);
	return ret;
}

static unsigned long cb_points;

static void change_alloc_case(const char *name, const char *text, size_t len)
{
	struct kaff_test_alloc ta;
	struct kaff_allocator alloc;
	struct kaff_replay_ops ops = { 0 };
	struct kaff_scenario *sc;
	struct kaff_replay r;
	struct kaff_replay_result res = { 0 };
	unsigned long seen = 0;
	uint32_t i;

	(void)name;
	kaff_test_alloc_init(&ta, 0, &alloc);
	assert_int_equal(kaff_scenario_parse(text, len, &alloc, &sc, NULL), 0);
	assert_int_equal(kaff__replay_init(&r, sc, &ops), 0);
	kaff_ctx_set_change_fn(r.ctx, kaff_test_count_change, &seen);
	for (i = 0; i < sc->nr_events; i++) {
		struct step_arg s = { &r, i, &seen, &res };

		kaff_test_sweep(r.ctx, &ta, step_op, &s, &cb_points);
	}
	kaff__replay_fini(&r);
	kaff_scenario_free(sc);
	assert_int_equal(ta.live, 0);
}

static void test_change_alloc(void **state)
{
	(void)state;
	assert_true(kaff_test_each_case(change_alloc_case) >= 75);
	print_message("# %lu allocation failures with a change callback survived\n", cb_points);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dup_independent),
		cmocka_unit_test(test_dup_before_boot),
		cmocka_unit_test(test_dup_irq),
		cmocka_unit_test(test_dup_every_case),
		cmocka_unit_test(test_dup_alloc),
		cmocka_unit_test(test_change_order),
		cmocka_unit_test(test_change_every_case),
		cmocka_unit_test(test_run_deferred),
		cmocka_unit_test(test_run_deferred_alloc),
		cmocka_unit_test(test_change_alloc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
