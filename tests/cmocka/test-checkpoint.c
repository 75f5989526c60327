/* SPDX-License-Identifier: MIT */
/*
 * kaff_ctx_checkpoint(), kaff_ctx_rollback(), kaff_ctx_commit().
 *
 *   - every case: at about ten points of every recorded and hand-written
 *     case, a checkpoint; the rest of the case runs (each event's dump
 *     equal to a replay that holds no checkpoint: holding one changes no
 *     answer); a rollback gives the checkpoint's dump and invariants;
 *     the rest of the case runs again from there and gives the same
 *     dumps again (so the groups, lists, hash tables and the incremental
 *     engine's caches came back, not only what a dump shows); a second
 *     rollback, then a commit, leave the checkpoint's state; every block
 *     allocated since the checkpoint is freed.
 *   - by hand: what comes back (masks, CPUs, a stopped kthread, ids of
 *     kthreads made since), the errors, a copy of a context that holds a
 *     checkpoint.
 *   - allocation failures: kaff_ctx_checkpoint() failing leaves nothing;
 *     an event under a checkpoint failing changes nothing, and the
 *     rollback after it still restores the checkpoint.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kaff-private.h"
#include "kernel.h"
#include "scenario-private.h"
#include "cmocka-sweep.h"
#include "test-common.h"

static char *mask_str(const struct kaff_cpumask *m)
{
	static char buf[4][256];
	static int i;

	if (!m)
		return "(none)";
	i = (i + 1) % 4;
	kaff_cpulist_snprint(buf[i], sizeof(buf[i]), m);
	return buf[i][0] ? buf[i] : "-";
}

/* A list of kthread ids whose links are symmetric; its length. */
static uint32_t list_len(const struct kaff_ctx *ctx, const struct kaff_list *l, int which,
			 const char *name, uint32_t at)
{
	uint32_t id, prev = KAFF_NONE, n = 0;

	for (id = l->first; id != KAFF_NONE; id = ctx->kt[id].link[which].next, n++) {
		if (ctx->kt[id].link[which].prev != prev)
			fail_msg("%s: checkpoint at %u: list %d: %u's prev is %u, not %u", name, at,
				 which, id, ctx->kt[id].link[which].prev, prev);
		prev = id;
	}
	if (l->last != prev)
		fail_msg("%s: checkpoint at %u: list %d ends at %u, not %u", name, at, which, l->last,
			 prev);
	return n;
}

/*
 * The public invariants, and the internal structure a rollback restores
 * that no dump shows but later events rely on: both directions of every
 * list, the group member counts, the dirty-node flags and their list.
 */
static void check_invariants(const struct kaff_ctx *ctx, const char *name, uint32_t at)
{
	const struct kaff_group *g;
	char why[256] = "";
	uint32_t i, dirty = 0;

	if (kaff_ctx_check(ctx, why, sizeof(why)))
		fail_msg("%s: checkpoint at %u: an invariant breaks: %s", name, at, why);
	list_len(ctx, &ctx->managed, KL_MANAGED, name, at);
	list_len(ctx, &ctx->per_cpu, KL_MANAGED, name, at);
	list_len(ctx, &ctx->irq, KL_MANAGED, name, at);
	for (g = ctx->groups; g; g = g->gl[GL_ALL].next)
		if (list_len(ctx, &g->members, KL_GROUP, name, at) != g->nr)
			fail_msg("%s: checkpoint at %u: a group's count is off", name, at);
	for (i = 0; i < ctx->nr_nodes; i++)
		dirty += ctx->node_dirty[i];
	for (i = 0; i < ctx->nr_dirty; i++)
		if (!ctx->node_dirty[ctx->dirty_nodes[i]])
			fail_msg("%s: checkpoint at %u: node %u listed dirty, not flagged", name, at,
				 ctx->dirty_nodes[i]);
	if (dirty != ctx->nr_dirty)
		fail_msg("%s: checkpoint at %u: %u nodes flagged dirty, %u listed", name, at, dirty,
			 ctx->nr_dirty);
}

/* Events @from.. of @r, each dump compared with @ref (stepped alongside,
 * holding no checkpoint) or, when @ref is NULL, with @dumps. */
static void run_rest(struct kaff_replay *r, struct kaff_replay *ref, char **dumps, uint32_t from,
		     const char *name, const char *what)
{
	struct kaff_replay_result res = { 0 };
	uint32_t j, n = r->sc->nr_events;

	for (j = from; j < n; j++) {
		int a = kaff__replay_step(r, j, &res);
		char *got = kaff_test_dump(r->ctx);

		if (ref) {
			assert_int_equal(a, kaff__replay_step(ref, j, &res));
			dumps[j] = kaff_test_dump(ref->ctx);
		}
		if (strcmp(got, dumps[j]))
			fail_msg("%s: %s, event %u: dumps differ", name, what, j);
		free(got);
		check_invariants(r->ctx, name, j);
	}
}

static void ckpt_case(const char *name, const char *text, size_t len)
{
	struct kaff_replay_ops ops = { 0 };
	struct kaff_replay_result res = { 0 };
	struct kaff_test_alloc ta;
	struct kaff_allocator alloc;
	struct kaff_scenario *sc;
	struct kaff_replay r, ref;
	uint32_t i, j, n, step;
	unsigned int *ids;
	char **dumps;

	kaff_test_alloc_init(&ta, 0, &alloc);
	assert_int_equal(kaff_scenario_parse(text, len, &alloc, &sc, NULL), 0);
	n = sc->nr_events;
	step = n > 10 ? n / 10 : 1;
	dumps = calloc(n + 1, sizeof(*dumps));
	ids = malloc((sc->nr_tasks + 1) * sizeof(*ids));
	assert_non_null(dumps);
	assert_non_null(ids);
	for (i = 0; i <= n; i += step) {
		unsigned long live;
		char *want, *now;

		assert_int_equal(kaff__replay_init(&r, sc, &ops), 0);
		assert_int_equal(kaff__replay_init(&ref, sc, &ops), 0);
		for (j = 0; j < i; j++) {
			kaff__replay_step(&r, j, &res);
			kaff__replay_step(&ref, j, &res);
		}
		if (!kaff_ctx_booted(r.ctx)) {
			/* only a booted context takes a checkpoint */
			assert_int_equal(kaff_ctx_checkpoint(r.ctx), -EPERM);
			kaff__replay_fini(&r);
			kaff__replay_fini(&ref);
			continue;
		}
		want = kaff_test_dump(r.ctx);
		memcpy(ids, r.ids, sc->nr_tasks * sizeof(*ids));
		assert_int_equal(kaff_ctx_checkpoint(r.ctx), 0);
		assert_true(kaff_ctx_has_checkpoint(r.ctx));
		run_rest(&r, &ref, dumps, i, name, "under a checkpoint");
		assert_int_equal(kaff_ctx_rollback(r.ctx), 0);
		now = kaff_test_dump(r.ctx);
		if (strcmp(now, want))
			fail_msg("%s: rollback to event %u: the dump differs", name, i);
		free(now);
		check_invariants(r.ctx, name, i);
		/* the same future again, from the restored state; the rollback
		 * frees all it allocated (the first future may have grown the
		 * context's tables and the replay's buffers: they stay) */
		live = ta.live;
		memcpy(r.ids, ids, sc->nr_tasks * sizeof(*ids));
		run_rest(&r, NULL, dumps, i, name, "after a rollback");
		assert_int_equal(kaff_ctx_rollback(r.ctx), 0);
		if (ta.live != live)
			fail_msg("%s: checkpoint at %u: %ld blocks more after a rollback", name, i,
				 (long)ta.live - (long)live);
		assert_int_equal(kaff_ctx_commit(r.ctx), 0);
		assert_false(kaff_ctx_has_checkpoint(r.ctx));
		now = kaff_test_dump(r.ctx);
		if (strcmp(now, want))
			fail_msg("%s: rollback and commit at event %u: the dump differs", name, i);
		free(now);
		check_invariants(r.ctx, name, i);
		for (j = i; j < n; j++) {
			free(dumps[j]);
			dumps[j] = NULL;
		}
		free(want);
		kaff__replay_fini(&r);
		kaff__replay_fini(&ref);
	}
	free(dumps);
	free(ids);
	kaff_scenario_free(sc);
	assert_int_equal(ta.live, 0);
}

static void test_checkpoint_every_case(void **state)
{
	(void)state;
	assert_true(kaff_test_each_case(ckpt_case) >= 75);
}

/*
 * By hand. 8 CPUs, node 0 = 0-3, node 1 = 4-7, isolcpus=domain,6-7
 * (7.3): A (node 1) gets node 1 ∩ housekeeping = 4-5; P prefers 5-7
 * and gets 5.
 */
static const char small[] = "kernel 7.3\ncpus 8\nnode 0 0-3\nnode 1 4-7\nboot isolcpus=domain,6-7\n"
			    "create A node=1\nwake A\ncreate P\nprefer P 5-7\nwake P\n";

static unsigned int task_id(const struct kaff_replay *r, const char *want)
{
	unsigned int i;

	for (i = 0; i < kaff_replay_nr_tasks(r); i++) {
		const char *name;
		unsigned int id = kaff_replay_task(r, i, &name);

		if (!strcmp(name, want))
			return id;
	}
	fail_msg("no task %s", want);
	return 0;
}

static struct kaff_replay *small_replay(const struct kaff_allocator *alloc,
					struct kaff_scenario **sc, unsigned int *a, unsigned int *p)
{
	struct kaff_replay *r;

	assert_int_equal(kaff_scenario_parse(small, sizeof(small) - 1, alloc, sc, NULL), 0);
	assert_int_equal(kaff_replay_new(*sc, NULL, &r), 0);
	while (kaff_replay_step(r, NULL) == 1)
		;
	*a = task_id(r, "A");
	*p = task_id(r, "P");
	assert_string_equal(mask_str(kaff_kthread_cpus_mask(kaff_replay_ctx(r), *a)), "4-5");
	assert_string_equal(mask_str(kaff_kthread_cpus_mask(kaff_replay_ctx(r), *p)), "5");
	return r;
}

static void test_checkpoint_by_hand(void **state)
{
	struct kaff_scenario *sc;
	struct kaff_ctx *ctx;
	struct kaff_replay *r;
	unsigned int a, p, b, c;
	char *want, *now;

	(void)state;
	r = small_replay(NULL, &sc, &a, &p);
	ctx = kaff_replay_ctx(r);
	want = kaff_test_dump(ctx);
	assert_int_equal(kaff_ctx_rollback(ctx), -ENOENT);
	assert_int_equal(kaff_ctx_commit(ctx), -ENOENT);
	assert_int_equal(kaff_ctx_checkpoint(ctx), 0);
	assert_int_equal(kaff_ctx_checkpoint(ctx), -EBUSY);
	/* node 1's housekeeping CPUs down: A keeps 4-5 until it wakes with
	 * no online CPU, when the fallback gives every possible CPU */
	assert_int_equal(kaff_cpu_offline(ctx, 4), 0);
	assert_int_equal(kaff_cpu_offline(ctx, 5), 0);
	assert_int_equal(kaff_wake_up_process(ctx, a), 0);
	assert_string_equal(mask_str(kaff_kthread_cpus_mask(ctx, a)), "0-7");
	assert_int_equal(kaff_kthread_create_on_node(ctx, 0, &b), 0);
	assert_int_equal(kaff_kthread_stop(ctx, p), 0);
	assert_null(kaff_kthread_cpus_mask(ctx, p));

	assert_int_equal(kaff_ctx_rollback(ctx), 0);
	assert_true(kaff_ctx_has_checkpoint(ctx));
	assert_string_equal(mask_str(kaff_kthread_cpus_mask(ctx, a)), "4-5");
	assert_string_equal(mask_str(kaff_kthread_cpus_mask(ctx, p)), "5");
	assert_string_equal(mask_str(kaff_machine_online_mask(ctx)), "0-7");
	/* B was made after the checkpoint: gone, and its id is free again */
	assert_null(kaff_kthread_cpus_mask(ctx, b));
	assert_int_equal(kaff_wake_up_process(ctx, b), -ESRCH);
	now = kaff_test_dump(ctx);
	assert_string_equal(now, want);
	free(now);

	/* another future from the same state: CPUs 4 and 5 down, 4 back up:
	 * kthreads_online_cpu() re-affines A to node 1's online CPUs ∩
	 * housekeeping = {4} (the same as without the first future: its
	 * offlines and wake left nothing behind) */
	assert_int_equal(kaff_kthread_create_on_node(ctx, 0, &c), 0);
	assert_int_equal(c, b);
	assert_int_equal(kaff_cpu_offline(ctx, 4), 0);
	assert_int_equal(kaff_cpu_offline(ctx, 5), 0);
	assert_int_equal(kaff_cpu_online(ctx, 4), 0);
	assert_string_equal(mask_str(kaff_kthread_cpus_mask(ctx, a)), "4");
	assert_int_equal(kaff_ctx_commit(ctx), 0);
	assert_false(kaff_ctx_has_checkpoint(ctx));
	assert_int_equal(kaff_ctx_rollback(ctx), -ENOENT);
	/* committed: the future stays */
	assert_string_equal(mask_str(kaff_kthread_cpus_mask(ctx, a)), "4");
	assert_non_null(kaff_kthread_cpus_mask(ctx, c));

	assert_int_equal(kaff_ctx_checkpoint(NULL), -EINVAL);
	assert_int_equal(kaff_ctx_rollback(NULL), -EINVAL);
	assert_int_equal(kaff_ctx_commit(NULL), -EINVAL);
	assert_false(kaff_ctx_has_checkpoint(NULL));
	free(want);
	kaff_replay_free(r);
	kaff_scenario_free(sc);
}

/*
 * A checkpoint evaluates the classes made since the last update
 * (kaff__groups_presettle()), and must leave due the ones that update has
 * to move. K prefers 4-5 (housekeeping, HK_TYPE_DOMAIN: 0-5) while both
 * are offline: kthread_affine_preferred() writes 4-5 without an online
 * check (docs/algorithm.md, case 42-prefer-offline-at-prefer-time). K
 * then wakes with no online CPU in its mask, and select_fallback_rq()
 * gives it every possible CPU, 0-7 (#rule-fallback). Its class is new,
 * and its result (4-5) is not its mask and has no online CPU. When 4 or 5
 * comes up, kthreads_online_cpu() asks again and K moves to 4-5; a
 * checkpoint taken before that must not have marked K's class as done. The fetch hook (the kernel's rule) counts its calls: the
 * checkpoint asks it (K's class is new since the last update).
 */
static unsigned int presettle_calls;

static void counting_fetch(void *data, const struct kaff_fetch_args *args, struct kaff_cpumask *out)
{
	presettle_calls++;
	rule_kernel_fetch(data, args, out);
}

static const char presettle[] = "kernel 7.3\ncpus 8\nnode 0 0-3\nnode 1 4-7\n"
				"boot isolcpus=domain,6-7\noffline 4\noffline 5\n"
				"create K\nprefer K 4-5\nwake K\n";

static void test_checkpoint_presettle(void **state)
{
	const struct kaff_profile *base;
	struct kaff_replay_ops ops;
	struct kaff_profile *p;
	struct kaff_scenario *sc;
	struct kaff_replay *r;
	struct kaff_ctx *ctx;
	unsigned int k, cpu, before;

	(void)state;
	assert_int_equal(kaff_profile_lookup("7.3", &base), 0);
	assert_int_equal(kaff_profile_derive(base, &p), 0);
	assert_int_equal(kaff_profile_set_fetch_fn(p, counting_fetch, NULL, 0), 0);
	assert_int_equal(kaff_scenario_parse(presettle, sizeof(presettle) - 1, NULL, &sc, NULL), 0);
	memset(&ops, 0, sizeof(ops));
	ops.profile = p;
	assert_int_equal(kaff_replay_new(sc, &ops, &r), 0);
	while (kaff_replay_step(r, NULL) == 1)
		;
	ctx = kaff_replay_ctx(r);
	k = task_id(r, "K");
	assert_string_equal(mask_str(kaff_kthread_cpus_mask(ctx, k)), "0-7");
	before = presettle_calls;
	assert_int_equal(kaff_ctx_checkpoint(ctx), 0);
	assert_true(presettle_calls > before);
	for (cpu = 4; cpu <= 5; cpu++) {
		assert_int_equal(kaff_cpu_online(ctx, cpu), 0);
		assert_string_equal(mask_str(kaff_kthread_cpus_mask(ctx, k)), "4-5");
		assert_int_equal(kaff_ctx_rollback(ctx), 0);
		assert_string_equal(mask_str(kaff_kthread_cpus_mask(ctx, k)), "0-7");
	}
	assert_int_equal(kaff_ctx_commit(ctx), 0);
	kaff_replay_free(r);
	kaff_scenario_free(sc);
	kaff_profile_free(p);
}

/* Not booted: nothing to come back to. */
static void test_checkpoint_not_booted(void **state)
{
	struct kaff_ctx *ctx = kaff_ctx_new(NULL, 4, NULL);

	(void)state;
	assert_non_null(ctx);
	assert_int_equal(kaff_ctx_checkpoint(ctx), -EPERM);
	assert_false(kaff_ctx_has_checkpoint(ctx));
	kaff_ctx_free(ctx);
}

/* A copy of a context that holds a checkpoint has its current state and
 * no checkpoint; it leaks nothing (the masks only the checkpoint held
 * are not copied), and a rollback of the original does not reach it. */
static void test_checkpoint_dup(void **state)
{
	struct kaff_test_alloc ta;
	struct kaff_allocator alloc;
	struct kaff_scenario *sc;
	struct kaff_ctx *ctx, *copy;
	struct kaff_replay *r;
	unsigned int a, p;
	char *now, *then;

	(void)state;
	kaff_test_alloc_init(&ta, 0, &alloc);
	r = small_replay(&alloc, &sc, &a, &p);
	ctx = kaff_replay_ctx(r);
	assert_int_equal(kaff_ctx_checkpoint(ctx), 0);
	assert_int_equal(kaff_cpu_offline(ctx, 4), 0);
	assert_int_equal(kaff_cpu_offline(ctx, 5), 0);
	assert_int_equal(kaff_wake_up_process(ctx, a), 0);
	/* A's old mask 4-5 is now held by the checkpoint only */
	copy = kaff_ctx_dup(ctx);
	assert_non_null(copy);
	assert_false(kaff_ctx_has_checkpoint(copy));
	now = kaff_test_dump(ctx);
	then = kaff_test_dump(copy);
	assert_string_equal(now, then);
	free(now);
	check_invariants(copy, "dup", 0);
	assert_int_equal(kaff_ctx_rollback(ctx), 0);
	assert_string_equal(mask_str(kaff_kthread_cpus_mask(ctx, a)), "4-5");
	assert_string_equal(mask_str(kaff_kthread_cpus_mask(copy, a)), "0-7");
	now = kaff_test_dump(copy);
	assert_string_equal(now, then);
	free(now);
	free(then);
	/* the copy lives on its own: a checkpoint of its own works */
	assert_int_equal(kaff_ctx_checkpoint(copy), 0);
	assert_int_equal(kaff_cpu_online(copy, 4), 0);
	assert_int_equal(kaff_ctx_rollback(copy), 0);
	kaff_ctx_free(copy);
	kaff_replay_free(r);   /* frees a context that still holds a checkpoint */
	kaff_scenario_free(sc);
	assert_int_equal(ta.live, 0);
}

/* Each allocation of kaff_ctx_checkpoint() failing: -ENOMEM, no
 * checkpoint, nothing leaked. Then, under a checkpoint, each allocation
 * of an event failing: the event changes nothing, and the rollback
 * still gives the checkpoint's state. */
static int online_4(struct kaff_ctx *ctx, void *arg)
{
	(void)arg;
	return kaff_cpu_online(ctx, 4);
}

static void test_checkpoint_alloc(void **state)
{
	struct kaff_test_alloc ta;
	struct kaff_allocator alloc;
	struct kaff_scenario *sc;
	struct kaff_ctx *ctx;
	struct kaff_replay *r;
	unsigned long n, live, points = 0;
	unsigned int a, p;
	char *want, *now;

	(void)state;
	kaff_test_alloc_init(&ta, 0, &alloc);
	r = small_replay(&alloc, &sc, &a, &p);
	ctx = kaff_replay_ctx(r);
	want = kaff_test_dump(ctx);
	for (n = 1;; n++) {
		int ret;

		live = ta.live;
		ta.fail_at = ta.calls + n;
		ta.failed = false;
		ret = kaff_ctx_checkpoint(ctx);
		ta.fail_at = 0;
		if (!ret)
			break;
		assert_int_equal(ret, -ENOMEM);
		assert_true(ta.failed);
		assert_false(kaff_ctx_has_checkpoint(ctx));
		assert_int_equal(ta.live, live);
	}
	assert_true(n > 1);
	assert_int_equal(kaff_cpu_offline(ctx, 4), 0);
	assert_int_equal(kaff_cpu_offline(ctx, 5), 0);
	kaff_ctx_set_change_fn(ctx, kaff_test_count_change, &points);
	assert_int_equal(kaff_test_sweep(ctx, &ta, online_4, NULL, &n), 0);
	kaff_ctx_set_change_fn(ctx, NULL, NULL);
	assert_string_equal(mask_str(kaff_kthread_cpus_mask(ctx, a)), "4");
	assert_int_equal(kaff_ctx_rollback(ctx), 0);
	now = kaff_test_dump(ctx);
	assert_string_equal(now, want);
	free(now);
	free(want);
	kaff_replay_free(r);
	kaff_scenario_free(sc);
	assert_int_equal(ta.live, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checkpoint_by_hand),
		cmocka_unit_test(test_checkpoint_not_booted),
		cmocka_unit_test(test_checkpoint_presettle),
		cmocka_unit_test(test_checkpoint_dup),
		cmocka_unit_test(test_checkpoint_alloc),
		cmocka_unit_test(test_checkpoint_every_case),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
