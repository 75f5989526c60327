/* SPDX-License-Identifier: MIT */
/*
 * Events that re-affine many kthreads at once: kthreads_online_cpu() and
 * kthreads_update_housekeeping(), both kthreads_update_affinity() in
 * kernel/kthread.c, and the 7.x deferred housekeeping update that cpuset
 * queues (hk_sd_work).
 *
 * Two walks compute kthreads_update_affinity(): the kernel's own, kthread
 * by kthread in list order (KAFF_ENGINE_REFERENCE), and the incremental
 * one that looks only at the groups whose result can have changed. Both
 * ask the same rules (kaff__fetch_class(), kaff__cpus_allowed(),
 * skip_on_online(), each the kernel's or the profile's hook) and
 * write their changes into one undo log, so that an event that runs out
 * of memory changes nothing (kaff__run_event()).
 */
#include <errno.h>
#include <string.h>

#include "kaff-private.h"

/* ---- the undo log ------------------------------------------------------- */

static struct kaff_op *op_new(struct kaff_ctx *ctx, int type)
{
	struct kaff_op *op;

	if (ctx->nr_ops == ctx->cap_ops) {
		uint32_t cap = ctx->cap_ops ? ctx->cap_ops * 2 : 64;

		op = kaff__realloc(&ctx->alloc, ctx->ops, ctx->cap_ops * sizeof(*op),
				   cap * sizeof(*op));
		if (!op)
			return NULL;
		ctx->ops = op;
		ctx->cap_ops = cap;
	}
	op = &ctx->ops[ctx->nr_ops++];
	memset(op, 0, sizeof(*op));
	op->type = (uint8_t)type;
	return op;
}

static void op_apply(struct kaff_ctx *ctx, struct kaff_op *op)
{
	struct kaff_kthread *k;

	switch (op->type) {
	case OP_GROUP:
		kaff__group_write(ctx, op->g);
		op->old_cpus = kaff__imask_ref(op->g->cpus);
		kaff__group_set_cpus(ctx, op->g, op->new_cpus);
		op->new_cpus = kaff__imask_ref(op->g->cpus);
		op->old_want = op->g->want;
		op->g->want = op->new_want;
		op->new_want = op->new_want ? kaff__imask_ref(op->new_want) : NULL;
		op->old_state = op->g->state;
		kaff__group_set_state(ctx, op->g, op->new_state);
		break;
	case OP_MOVE:
		/* kept for the change callback (notify.c) */
		op->old_cpus = kaff__imask_ref(op->g->cpus);
		kaff__group_del_member(ctx, op->g, op->id);
		kaff__group_add_member(ctx, op->to, op->id);
		break;
	case OP_KT:
		kaff__kt_write(ctx, op->id);
		k = &ctx->kt[op->id];
		op->old_cpus = k->cpus;
		op->old_user = k->user;
		op->old_flags = k->flags;
		k->cpus = kaff__imask_ref(op->new_cpus);
		k->user = op->new_user ? kaff__imask_ref(op->new_user) : NULL;
		k->flags = op->new_flags;
		break;
	}
	op->applied = 1;
}

static void op_undo(struct kaff_ctx *ctx, struct kaff_op *op)
{
	struct kaff_kthread *k;

	switch (op->type) {
	case OP_GROUP:
		kaff__group_set_cpus(ctx, op->g, op->old_cpus);
		op->old_cpus = NULL;
		kaff__imask_put(ctx, op->g->want);
		op->g->want = op->old_want;
		op->old_want = NULL;
		kaff__group_set_state(ctx, op->g, op->old_state);
		break;
	case OP_MOVE:
		kaff__group_del_member(ctx, op->to, op->id);
		kaff__group_add_member(ctx, op->g, op->id);
		break;
	case OP_KT:
		k = &ctx->kt[op->id];
		kaff__imask_put(ctx, k->cpus);
		kaff__imask_put(ctx, k->user);
		k->cpus = op->old_cpus;
		k->user = op->old_user;
		k->flags = op->old_flags;
		op->old_cpus = op->old_user = NULL;
		break;
	}
	op->applied = 0;
}

static void op_drop(struct kaff_ctx *ctx, struct kaff_op *op)
{
	kaff__imask_put(ctx, op->new_cpus);
	kaff__imask_put(ctx, op->old_cpus);
	kaff__imask_put(ctx, op->new_want);
	kaff__imask_put(ctx, op->old_want);
	kaff__imask_put(ctx, op->new_user);
	kaff__imask_put(ctx, op->old_user);
}

static void stage_commit(struct kaff_ctx *ctx)
{
	for (; ctx->stage_start < ctx->nr_ops; ctx->stage_start++)
		op_apply(ctx, &ctx->ops[ctx->stage_start]);
}

static void event_abort(struct kaff_ctx *ctx)
{
	uint32_t i = ctx->nr_ops;

	while (i-- > 0) {
		if (ctx->ops[i].applied)
			op_undo(ctx, &ctx->ops[i]);
		op_drop(ctx, &ctx->ops[i]);
	}
	ctx->nr_ops = ctx->stage_start = 0;
	ctx->clear_dirty = false;
	kaff__groups_settle(ctx);
}

static void event_end(struct kaff_ctx *ctx)
{
	uint32_t i;

	for (i = 0; i < ctx->nr_ops; i++)
		op_drop(ctx, &ctx->ops[i]);
	ctx->nr_ops = ctx->stage_start = 0;
	if (ctx->clear_dirty) {
		kaff__nodes_clean(ctx);
		ctx->clear_dirty = false;
	}
	kaff__groups_settle(ctx);
}

void kaff__update_fini(struct kaff_ctx *ctx)
{
	kaff__free(&ctx->alloc, ctx->ops);
	ctx->ops = NULL;
	ctx->nr_ops = ctx->cap_ops = ctx->stage_start = 0;
}

int kaff__stage_kthread(struct kaff_ctx *ctx, uint32_t id, struct kaff_imask *cpus,
			uint32_t flags)
{
	struct kaff_op *op = op_new(ctx, OP_KT);

	if (!op)
		return -ENOMEM;
	op->id = id;
	op->new_cpus = kaff__imask_ref(cpus);
	op->new_flags = flags;
	return 0;
}

/* ---- kthreads_update_affinity() ----------------------------------------- */

#define KT_BAD_FLAGS (KAFF_KTHREAD_NO_SETAFFINITY | KAFF_KTHREAD_PER_CPU)

/*
 * kthreads_online_cpu(): does CPU online re-affine the kthreads of group
 * @g's class? 7.x leaves those with neither preference nor node alone
 * (they are affine to housekeeping already); the profile's online hook
 * may decide instead. Housekeeping updates (@force) re-affine every one.
 */
static bool skip_on_online(const struct kaff_ctx *ctx, bool force, const struct kaff_group *g)
{
	const struct kaff_profile *p = ctx->profile;
	struct kaff_online_args a;

	if (force)
		return false;
	if (!p->online_fn)
		return kaff__rule(ctx, KAFF_RULE_ONLINE_SKIPS_UNBOUND) && !g->pref &&
		       g->ncls == KAFF_NUMA_NO_NODE;
	memset(&a, 0, sizeof(a));
	a.preferred = g->pref ? &g->pref->mask : NULL;
	a.node = g->ncls;
	a.skips_unbound = kaff__rule(ctx, KAFF_RULE_ONLINE_SKIPS_UNBOUND);
	return !p->online_fn(p->online_data, &a);
}

/* set_cpus_allowed_ptr(kthread_fetch_affinity()) for the members of @g:
 * the result in @out. Returns enum kaff_sca, or the fetch hook's -EDOM. */
static int eval(const struct kaff_ctx *ctx, const struct kaff_group *g, struct kaff_cpumask *out)
{
	int ret = kaff__fetch_class(ctx, g->pref, g->ncls, ctx->tmp.target);

	if (ret)
		return ret;
	return kaff__cpus_allowed(ctx, &g->cpus->mask, g->user, ctx->tmp.target, out);
}

/* The kernel's walk, kthread by kthread in list order. */
static int update_reference(struct kaff_ctx *ctx, struct kaff_event *ev)
{
	struct kaff_cpumask *out = ctx->tmp.result;
	uint32_t id;

	for (id = ctx->managed.first; id != KAFF_NONE; id = ctx->kt[id].link[KL_MANAGED].next) {
		struct kaff_kthread *k = &ctx->kt[id];
		struct kaff_group *g = k->grp, *to;
		struct kaff_imask *im;
		struct kaff_op *op;
		int ret;

		if (k->flags & KT_BAD_FLAGS) {
			kaff__log(ctx, "WARNING: kthreads_update_affinity: kthread %u is bound or per-CPU",
				  id);
			ev->callback_failed = true;
			continue;
		}
		if (skip_on_online(ctx, ev->force, g))
			continue;
		/* set_cpus_allowed_ptr()'s result is ignored by the caller. */
		ret = eval(ctx, g, out);
		if (ret < 0)
			return ret;
		if (ret != SCA_CHANGE)
			continue;
		im = kaff__imask_get(ctx, out);
		if (!im)
			return -ENOMEM;
		ret = kaff__group_get(ctx, g->pref, g->ncls, g->user, im, false, &to);
		kaff__imask_put(ctx, im);
		if (ret)
			return ret;
		op = op_new(ctx, OP_MOVE);
		if (!op)
			return -ENOMEM;
		op->id = id;
		op->g = g;
		op->to = to;
	}
	return 0;
}

/* One group of the incremental engine: the same computation as the
 * reference does for each of its members, done once. */
static int update_group(struct kaff_ctx *ctx, struct kaff_group *g)
{
	struct kaff_cpumask *want = ctx->tmp.want;
	struct kaff_imask *im;
	struct kaff_op *op;
	int state;

	g->stamp = ctx->stamp;
	state = eval(ctx, g, want);
	if (state < 0)
		return state;
	if (state == SCA_SAME && g->state == SCA_SAME && g->want == g->cpus)
		return 0;
	im = kaff__imask_get(ctx, want);
	if (!im)
		return -ENOMEM;
	if (im == g->want && state == g->state && state != SCA_CHANGE) {
		kaff__imask_put(ctx, im);
		return 0;
	}
	op = op_new(ctx, OP_GROUP);
	if (!op) {
		kaff__imask_put(ctx, im);
		return -ENOMEM;
	}
	op->g = g;
	op->new_want = im;
	/* A change is applied: the group settles on it. */
	op->new_cpus = kaff__imask_ref(state == SCA_CHANGE ? im : g->cpus);
	op->new_state = (uint8_t)(state == SCA_CHANGE ? SCA_SAME : state);
	return 0;
}

/*
 * The groups of one list (@l: enum kaff_group_list), each once per
 * update. @need_cpu: only those whose last result holds it (a stuck
 * group's result had no online CPU: only the CPU coming up can change
 * that; its target did not change, or its node would be dirty).
 */
static int update_groups(struct kaff_ctx *ctx, struct kaff_group *g, int l, bool force,
			 unsigned int need_cpu)
{
	struct kaff_group *next;
	int ret;

	for (; g; g = next) {
		next = g->gl[l].next;
		if (g->stamp == ctx->stamp || g->bad || skip_on_online(ctx, force, g))
			continue;
		if (need_cpu != KAFF_NONE && !kaff_cpumask_test_cpu(need_cpu, &g->want->mask))
			continue;
		ret = update_group(ctx, g);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Groups are evaluated at the update after they are made (SCA_CHANGE:
 * not evaluated yet). Most turn out SCA_SAME: their kthreads woke on
 * their target. Evaluating those now, without applying anything, is what
 * the next update would do with them: their target reads nothing that
 * can change before it without that update looking at them again (a
 * housekeeping update looks at every group; a node that loses a CPU is
 * dirty). kaff_ctx_checkpoint() does it so that each future rolled back
 * does not evaluate them all again. A fetch hook answers the same
 * arguments the same way whenever it is asked; one that reads the online
 * mask has every group evaluated at each CPU online anyway.
 */
void kaff__groups_presettle(struct kaff_ctx *ctx)
{
	struct kaff_group *g, *next;

	if (ctx->engine != ENGINE_INCREMENTAL)
		return;
	/* the resolvable groups are the new ones (kaff__group_get()): no
	 * result yet, no want to replace */
	for (g = ctx->resolvable; g; g = next) {
		next = g->gl[GL_STATE].next;
		if (g->want || eval(ctx, g, ctx->tmp.want) != SCA_SAME)
			continue;
		g->want = kaff__imask_ref(g->cpus);
		kaff__group_set_state(ctx, g, SCA_SAME);
	}
}

/*
 * The incremental walk: only groups whose result can have changed. CPU
 * online changes the target of node classes of the CPU's node and of
 * nodes that lost a CPU since the last update; otherwise only a group
 * whose last result was not applied can move: a resolvable one (or a new
 * one), or a stuck one whose result holds the new CPU. Housekeeping
 * updates (force) look at every group.
 */
static int update_incremental(struct kaff_ctx *ctx, struct kaff_event *ev)
{
	unsigned int cpu = ev->cpu;
	uint32_t i;
	int ret;

	ctx->stamp++;
	if (ev->force)
		return update_groups(ctx, ctx->groups, GL_ALL, true, KAFF_NONE);
	/* A fetch hook that reads the online mask may change any class's
	 * result when a CPU comes up: look at every group. */
	if (ctx->profile->fetch_flags & KAFF_FETCH_READS_ONLINE)
		return update_groups(ctx, ctx->groups, GL_ALL, false, KAFF_NONE);
	for (i = 0; i < ctx->nr_dirty; i++) {
		ret = update_groups(ctx, ctx->node_groups[ctx->dirty_nodes[i]], GL_NODE, false,
				    KAFF_NONE);
		if (ret)
			return ret;
	}
	ret = update_groups(ctx, ctx->node_groups[ctx->cpu_node[cpu]], GL_NODE, false, KAFF_NONE);
	if (!ret)
		ret = update_groups(ctx, ctx->resolvable, GL_STATE, false, KAFF_NONE);
	if (!ret)
		ret = update_groups(ctx, ctx->stuck, GL_STATE, false, cpu);
	return ret;
}

int kaff__update_affinity(struct kaff_ctx *ctx, struct kaff_event *ev)
{
	int ret;

	if (ctx->engine == ENGINE_REFERENCE)
		return update_reference(ctx, ev);
	if (ctx->nr_bad) {
		/* Every bound or per-CPU kthread on the list WARNs. */
		kaff__log(ctx, "WARNING: kthreads_update_affinity: %u bound or per-CPU kthread(s) listed",
			  (unsigned int)ctx->nr_bad);
		ev->callback_failed = true;
	}
	ret = update_incremental(ctx, ev);
	if (!ret)
		ctx->clear_dirty = true;
	return ret;
}

/* ---- events ------------------------------------------------------------- */

int kaff__run_event(struct kaff_ctx *ctx, struct kaff_event *ev)
{
	struct kaff_event deferred = { .force = true, .cpu = KAFF_NONE };
	uint32_t stage_end[1 + KAFF_ARRAY_SIZE(ev->stage)];
	unsigned int nr_stages = 0;
	bool changed = false;
	size_t i;
	int ret = 0;

	ctx->nr_ops = ctx->stage_start = 0;
	ctx->clear_dirty = false;
	/*
	 * 7.x: cpuset runs housekeeping_update() for a partition that CPU
	 * hotplug invalidated from a work item (hk_sd_work), later than the
	 * hotplug event. libkaff runs it at the start of the next event that
	 * re-affines kthreads, which is what the recorded traces show.
	 */
	if (ctx->hk_update_deferred) {
		ret = kaff__update_affinity(ctx, &deferred);
		if (!ret)
			stage_commit(ctx);
		stage_end[nr_stages++] = ctx->nr_ops;
	}
	if (!ret && ev->change) {
		ev->change(ctx, ev, false);
		changed = true;
	}
	for (i = 0; !ret && i < KAFF_ARRAY_SIZE(ev->stage) && ev->stage[i]; i++) {
		ret = ev->stage[i](ctx, ev);
		if (!ret)
			stage_commit(ctx);
		stage_end[nr_stages++] = ctx->nr_ops;
	}
	if (!ret)
		ret = kaff__notify_event(ctx, stage_end, nr_stages);
	if (ret) {
		if (changed)
			ev->change(ctx, ev, true);
		event_abort(ctx);
		return ret;
	}
	event_end(ctx);
	ctx->hk_update_deferred = false;
	return 0;
}
