/* SPDX-License-Identifier: MIT */
/*
 * The kthread engine, as kernel/kthread.c with the scheduler pieces it
 * meets (kernel/sched/core.c, kernel/sched/syscalls.c) in v6.14 and v7.3.
 * KERNEL.md section numbers in comments.
 *
 * Single-kthread events allocate (interned masks, groups) before they
 * change anything; multi-kthread events run in undoable stages
 * (kaff__event_*): an event that runs out of memory changes nothing.
 */
#include <errno.h>
#include <string.h>

#include "kaff-private.h"

#define KT_BAD_FLAGS (KAFF_KTHREAD_NO_SETAFFINITY | KAFF_KTHREAD_PER_CPU)

/* ---- the table ---------------------------------------------------------- */

struct kaff_imask *kaff__kt_cpus(const struct kaff_kthread *k)
{
	return k->grp ? k->grp->cpus : k->cpus;
}

struct kaff_imask *kaff__kt_user(const struct kaff_kthread *k)
{
	return k->grp ? k->grp->user : k->user;
}

struct kaff_imask *kaff__kt_pref(const struct kaff_kthread *k)
{
	return k->grp ? k->grp->pref : NULL;
}

static uint32_t kt_id(const struct kaff_ctx *ctx, const struct kaff_kthread *k)
{
	return (uint32_t)(k - ctx->kt);
}

/* Drop a kthread's masks: its own, or its place in a group. */
static void kt_release(struct kaff_ctx *ctx, struct kaff_kthread *k)
{
	if (k->grp)
		kaff__group_del_member(ctx, k->grp, kt_id(ctx, k));
	kaff__imask_put(ctx, k->cpus);
	kaff__imask_put(ctx, k->user);
	k->cpus = k->user = NULL;
}

void kaff__kthread_table_fini(struct kaff_ctx *ctx)
{
	uint32_t i;

	for (i = 0; i < ctx->nr_kt; i++)
		if (ctx->kt[i].flags & KT_LIVE)
			kt_release(ctx, &ctx->kt[i]);
	kaff__groups_settle(ctx);
	kaff__free(&ctx->alloc, ctx->kt);
	ctx->kt = NULL;
	ctx->nr_kt = ctx->cap_kt = ctx->nr_live = ctx->nr_per_cpu = ctx->nr_bad = 0;
	ctx->per_cpu_head = KAFF_NONE;
	ctx->live_head = ctx->live_tail = KAFF_NONE;
	ctx->list_head = ctx->list_tail = KAFF_NONE;
}

/* A free slot at the end of the table; ids are never reused. */
static int kt_reserve(struct kaff_ctx *ctx)
{
	uint32_t cap;
	struct kaff_kthread *kt;

	if (ctx->nr_kt < ctx->cap_kt)
		return 0;
	if (ctx->cap_kt >= KAFF_NONE / 2)
		return -EOVERFLOW;
	cap = ctx->cap_kt ? ctx->cap_kt * 2 : 16;
	kt = kaff__realloc(&ctx->alloc, ctx->kt, ctx->cap_kt * sizeof(*kt),
			   cap * sizeof(*kt));
	if (!kt)
		return -ENOMEM;
	ctx->kt = kt;
	ctx->cap_kt = cap;
	return 0;
}

/* Managed list (kthreads_hotplug / kthread_affinity_list): tail insertion. */
static void list_add_tail(struct kaff_ctx *ctx, struct kaff_kthread *k)
{
	uint32_t id = kt_id(ctx, k);

	k->flags |= KAFF_KTHREAD_MANAGED;
	k->list_prev = ctx->list_tail;
	k->list_next = KAFF_NONE;
	if (ctx->list_tail != KAFF_NONE)
		ctx->kt[ctx->list_tail].list_next = id;
	else
		ctx->list_head = id;
	ctx->list_tail = id;
}

static void list_del(struct kaff_ctx *ctx, struct kaff_kthread *k)
{
	if (!(k->flags & KAFF_KTHREAD_MANAGED))
		return;
	if (k->list_prev != KAFF_NONE)
		ctx->kt[k->list_prev].list_next = k->list_next;
	else
		ctx->list_head = k->list_next;
	if (k->list_next != KAFF_NONE)
		ctx->kt[k->list_next].list_prev = k->list_prev;
	else
		ctx->list_tail = k->list_prev;
	k->flags &= ~(uint32_t)KAFF_KTHREAD_MANAGED;
}

/*
 * Give @k the masks @cpus and @user and the flags @flags (the caller
 * keeps its references). A listed kthread changes group (which may have
 * to be created: -ENOMEM then, with nothing changed).
 */
static int kt_set(struct kaff_ctx *ctx, struct kaff_kthread *k, struct kaff_imask *cpus,
		  struct kaff_imask *user, uint32_t flags)
{
	struct kaff_group *g = k->grp, *to;
	int ret;

	if (g) {
		bool bad = flags & KT_BAD_FLAGS;

		if (g->cpus != cpus || g->user != user || g->bad != bad) {
			ret = kaff__group_get(ctx, g->pref, g->node, user, cpus, bad, &to);
			if (ret)
				return ret;
			kaff__group_del_member(ctx, g, kt_id(ctx, k));
			kaff__group_add_member(ctx, to, kt_id(ctx, k));
		}
	} else {
		struct kaff_imask *oc = k->cpus, *ou = k->user;

		/* take the new references before dropping the old: they may
		 * be the same masks */
		k->cpus = kaff__imask_ref(cpus);
		k->user = user ? kaff__imask_ref(user) : NULL;
		kaff__imask_put(ctx, oc);
		kaff__imask_put(ctx, ou);
	}
	k->flags = flags;
	return 0;
}

/* Put an unlisted kthread on the managed list, in the group of its class
 * and masks (-ENOMEM: nothing changed). */
static int kt_list(struct kaff_ctx *ctx, struct kaff_kthread *k, struct kaff_imask *pref,
		   struct kaff_imask *cpus, struct kaff_imask *user, uint32_t flags)
{
	struct kaff_group *g;
	int ret;

	if (k->flags & KAFF_KTHREAD_MANAGED) {
		/* WARN_ON_ONCE(!list_empty()): not reachable through the API. */
		kaff__log(ctx, "WARNING: kthread %u already on the managed list", kt_id(ctx, k));
		return kt_set(ctx, k, cpus, user, flags);
	}
	ret = kaff__group_get(ctx, pref, k->node, user, cpus, flags & KT_BAD_FLAGS, &g);
	if (ret)
		return ret;
	kaff__imask_put(ctx, k->cpus);
	kaff__imask_put(ctx, k->user);
	k->cpus = k->user = NULL;
	k->flags = flags;
	kaff__group_add_member(ctx, g, kt_id(ctx, k));
	list_add_tail(ctx, k);
	return 0;
}

/* ---- the rules ---------------------------------------------------------- */

/*
 * kthread_fetch_affinity() (§7): the preference, else the node's online
 * CPUs, else (7.x only) housekeeping; restricted to housekeeping; the
 * whole housekeeping mask when nothing is left. No online filter.
 */
void kaff__fetch_class(const struct kaff_ctx *ctx, const struct kaff_imask *pref, int node,
		       struct kaff_cpumask *out)
{
	/* D1: HK_TYPE_KTHREAD is KERNEL_NOISE in 6.x; 7.x reads DOMAIN. */
	const struct kaff_cpumask *hk = kaff__hk(ctx, ctx->profile->kthread_hk);

	if (pref) {
		if (kaff_cpumask_and(out, &pref->mask, hk))
			return;
	} else if (node != KAFF_NUMA_NO_NODE) {
		kaff__node_mask(ctx, (unsigned int)node, out);
		if (kaff_cpumask_and(out, out, hk))
			return;
	} else if (!ctx->profile->list_unbound) {
		/* D6: 6.x WARNs and leaves the caller's zeroed mask. Only
		 * reachable through kaff_kthread_fetch_affinity(). */
		kaff__log(ctx, "WARNING: kthread_fetch_affinity: neither node nor preference");
		kaff_cpumask_clear(out);
		return;
	}
	/* 7.x NUMA_NO_NODE: pref = hk, so pref & hk = hk. */
	kaff_cpumask_copy(out, hk);
}

/*
 * __set_cpus_allowed_ptr() for a kthread without SCA_USER (§12.1, §12.2),
 * on a kthread whose mask is @cur and user request @user: the stored
 * request filters @target when they intersect; an unchanged mask is
 * success; a mask with no online CPU is -EINVAL. On success with a
 * change, @out holds the new mask and *changed is set.
 */
static int set_cpus_allowed(const struct kaff_ctx *ctx, const struct kaff_cpumask *cur,
			    const struct kaff_imask *user, const struct kaff_cpumask *target,
			    struct kaff_cpumask *out, bool *changed)
{
	*changed = false;
	if (!user || !kaff_cpumask_and(out, target, &user->mask))
		kaff_cpumask_copy(out, target);
	if (kaff_cpumask_equal(out, cur))
		return 0;
	if (!kaff_cpumask_intersects(out, ctx->online))
		return -EINVAL;
	*changed = true;
	return 0;
}

/* ---- staged events ------------------------------------------------------ */

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

void kaff__event_begin(struct kaff_ctx *ctx)
{
	ctx->nr_ops = ctx->stage_start = 0;
	ctx->clear_dirty = false;
}

static void op_apply(struct kaff_ctx *ctx, struct kaff_op *op)
{
	struct kaff_kthread *k;

	switch (op->type) {
	case OP_GROUP:
		op->old_cpus = kaff__imask_ref(op->g->cpus);
		kaff__group_set_cpus(ctx, op->g, op->new_cpus);
		op->new_cpus = kaff__imask_ref(op->g->cpus);
		op->old_want = op->g->want;
		op->g->want = op->new_want;
		op->new_want = kaff__imask_ref(op->new_want);
		op->old_state = op->g->state;
		kaff__group_set_state(ctx, op->g, op->new_state);
		break;
	case OP_MOVE:
		kaff__group_del_member(ctx, op->g, op->id);
		kaff__group_add_member(ctx, op->to, op->id);
		break;
	case OP_KT:
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

void kaff__stage_commit(struct kaff_ctx *ctx)
{
	for (; ctx->stage_start < ctx->nr_ops; ctx->stage_start++)
		op_apply(ctx, &ctx->ops[ctx->stage_start]);
}

void kaff__event_abort(struct kaff_ctx *ctx)
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

void kaff__event_end(struct kaff_ctx *ctx)
{
	uint32_t i;

	for (i = 0; i < ctx->nr_ops; i++)
		op_drop(ctx, &ctx->ops[i]);
	ctx->nr_ops = ctx->stage_start = 0;
	if (ctx->clear_dirty) {
		while (ctx->nr_dirty)
			ctx->node_dirty[ctx->dirty_nodes[--ctx->nr_dirty]] = 0;
		ctx->clear_dirty = false;
	}
	kaff__groups_settle(ctx);
}

/* ---- kthreads_update_affinity (§11.2, §4.4) ----------------------------- */

/* D7: 7.x CPU online leaves kthreads with neither preference nor node
 * alone (they are affine to housekeeping already). */
static bool skip_on_online(const struct kaff_ctx *ctx, bool force, const struct kaff_group *g)
{
	return !force && ctx->profile->online_skips_unbound && !g->pref &&
	       g->node == KAFF_NUMA_NO_NODE;
}

/* The reference: the kernel's own walk, kthread by kthread in list order. */
static int update_reference(struct kaff_ctx *ctx, bool force, bool *callback_failed)
{
	struct kaff_cpumask *target = ctx->tmp[0], *out = ctx->tmp[1];
	uint32_t id;

	for (id = ctx->list_head; id != KAFF_NONE; id = ctx->kt[id].list_next) {
		struct kaff_kthread *k = &ctx->kt[id];
		struct kaff_group *g = k->grp, *to;
		struct kaff_imask *im;
		struct kaff_op *op;
		bool changed;
		int ret;

		if (k->flags & KT_BAD_FLAGS) {
			kaff__log(ctx, "WARNING: kthreads_update_affinity: kthread %u is bound or per-CPU",
				  id);
			*callback_failed = true;
			continue;
		}
		if (skip_on_online(ctx, force, g))
			continue;
		kaff__fetch_class(ctx, g->pref, g->node, target);
		/* set_cpus_allowed_ptr()'s result is ignored by the caller. */
		if (set_cpus_allowed(ctx, &g->cpus->mask, g->user, target, out, &changed) ||
		    !changed)
			continue;
		im = kaff__imask_get(ctx, out);
		if (!im)
			return -ENOMEM;
		ret = kaff__group_get(ctx, g->pref, g->node, g->user, im, false, &to);
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
	struct kaff_cpumask *want = ctx->tmp[2];
	struct kaff_imask *im;
	struct kaff_op *op;
	int state;

	g->stamp = ctx->stamp;
	state = kaff__group_eval(ctx, g->pref, g->node, g->user, &g->cpus->mask, want);
	if (state == GS_SETTLED && g->state == GS_SETTLED && g->want == g->cpus)
		return 0;
	im = kaff__imask_get(ctx, want);
	if (!im)
		return -ENOMEM;
	if (im == g->want && state == g->state && state != GS_RESOLVABLE) {
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
	/* A resolvable result is applied: the group settles on it. */
	op->new_cpus = kaff__imask_ref(state == GS_RESOLVABLE ? im : g->cpus);
	op->new_state = (uint8_t)(state == GS_RESOLVABLE ? GS_SETTLED : state);
	return 0;
}

static int update_group_list(struct kaff_ctx *ctx, struct kaff_group *g, bool force,
			     int link, unsigned int cpu)
{
	struct kaff_group *next;
	int ret;

	for (; g; g = next) {
		next = link == 0 ? g->anext : link == 1 ? g->nnext : g->snext;
		if (g->stamp == ctx->stamp || g->bad || skip_on_online(ctx, force, g))
			continue;
		/* A stuck group's result had no online CPU: only the CPU
		 * coming up can change that (its target did not change, or
		 * its node would be a candidate already). */
		if (link == 3 && !kaff_cpumask_test_cpu(cpu, &g->want->mask))
			continue;
		ret = update_group(ctx, g);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * The incremental engine: only groups whose result can have changed.
 * CPU online changes the target of node classes of the CPU's node and of
 * nodes that lost a CPU since the last update; otherwise only a group
 * whose last result was not applied can move: a resolvable one, or a
 * stuck one whose result holds the new CPU. Housekeeping updates (force)
 * look at every group.
 */
static int update_incremental(struct kaff_ctx *ctx, bool force, unsigned int cpu)
{
	uint32_t i;
	int ret;

	ctx->stamp++;
	if (force)
		return update_group_list(ctx, ctx->groups, true, 0, cpu);
	for (i = 0; i < ctx->nr_dirty; i++) {
		ret = update_group_list(ctx, ctx->node_groups[ctx->dirty_nodes[i]], false, 1, cpu);
		if (ret)
			return ret;
	}
	ret = update_group_list(ctx, ctx->node_groups[ctx->cpu_node[cpu]], false, 1, cpu);
	if (!ret)
		ret = update_group_list(ctx, ctx->resolvable, false, 2, cpu);
	if (!ret)
		ret = update_group_list(ctx, ctx->stuck, false, 3, cpu);
	return ret;
}

int kaff__prepare_update_affinity(struct kaff_ctx *ctx, bool force, unsigned int cpu,
				  bool *callback_failed)
{
	int ret;

	if (ctx->engine == ENGINE_REFERENCE)
		return update_reference(ctx, force, callback_failed);
	if (ctx->nr_bad) {
		/* Every bound or per-CPU kthread on the list WARNs (§11.4). */
		kaff__log(ctx, "WARNING: kthreads_update_affinity: %u bound or per-CPU kthread(s) listed",
			  (unsigned int)ctx->nr_bad);
		*callback_failed = true;
	}
	ret = update_incremental(ctx, force, cpu);
	if (!ret)
		ctx->clear_dirty = true;
	return ret;
}

/*
 * 7.x: cpuset runs housekeeping_update() for a partition that CPU hotplug
 * invalidated from a work item (hk_sd_work), later than the hotplug event.
 * libkaff runs it at the start of the next hotplug or cpuset event, which
 * is what the recorded traces show (case 58, o73-06).
 */
int kaff__prepare_deferred_update(struct kaff_ctx *ctx)
{
	bool failed = false;

	if (!ctx->hk_update_deferred)
		return 0;
	return kaff__prepare_update_affinity(ctx, true, KAFF_NONE, &failed);
}

int kaff__run_deferred_update(struct kaff_ctx *ctx)
{
	int ret;

	if (!ctx->hk_update_deferred)
		return 0;
	kaff__event_begin(ctx);
	ret = kaff__prepare_deferred_update(ctx);
	if (ret) {
		kaff__event_abort(ctx);
		return ret;
	}
	kaff__stage_commit(ctx);
	kaff__event_end(ctx);
	ctx->hk_update_deferred = false;
	return 0;
}

/* ---- smpboot (§8.1) ----------------------------------------------------- */

static bool is_per_cpu_of(const struct kaff_kthread *k, unsigned int cpu)
{
	return (k->flags & KAFF_KTHREAD_PER_CPU) && k->cpu == (int32_t)cpu;
}

/* smpboot_park_threads(): parked kthreads keep {cpu}. */
void kaff__smpboot_park(struct kaff_ctx *ctx, unsigned int cpu)
{
	uint32_t id;

	for (id = ctx->per_cpu_head; id != KAFF_NONE; id = ctx->kt[id].list_next)
		if (is_per_cpu_of(&ctx->kt[id], cpu))
			ctx->kt[id].flags |= KAFF_KTHREAD_PARKED;
}

/* smpboot_unpark_threads() -> kthread_unpark(): rebind to {cpu} (a forced
 * write that drops the user request), then wake (the CPU is online). */
int kaff__prepare_unpark(struct kaff_ctx *ctx, unsigned int cpu)
{
	struct kaff_cpumask *m = ctx->tmp[0];
	struct kaff_imask *im = NULL;
	uint32_t id;

	for (id = ctx->per_cpu_head; id != KAFF_NONE; id = ctx->kt[id].list_next) {
		struct kaff_kthread *k = &ctx->kt[id];
		struct kaff_op *op;

		if (!is_per_cpu_of(k, cpu) || !(k->flags & KAFF_KTHREAD_PARKED))
			continue;
		if (!im) {
			kaff_cpumask_clear(m);
			kaff_cpumask_set_cpu(cpu, m);
			im = kaff__imask_get(ctx, m);
			if (!im)
				return -ENOMEM;
		}
		op = op_new(ctx, OP_KT);
		if (!op) {
			kaff__imask_put(ctx, im);
			return -ENOMEM;
		}
		op->id = id;
		op->new_cpus = kaff__imask_ref(im);
		op->new_flags = k->flags & ~(uint32_t)KAFF_KTHREAD_PARKED;
	}
	kaff__imask_put(ctx, im);
	return 0;
}

/* ---- kthreadd (§5.1) ---------------------------------------------------- */

/*
 * kthreadd starts on the boot idle task's mask {0} and, when it first
 * runs (only the boot CPU is up), asks for housekeeping: 6.x
 * set_cpus_allowed_ptr(hk(KTHREAD)); 7.x kthread_affine_node() on itself,
 * which also puts it on the managed list (D5). If CPU 0 is not
 * housekeeping the request has no online CPU and kthreadd stays on {0}
 * (case 57).
 */
int kaff__kthreadd_boot(struct kaff_ctx *ctx)
{
	struct kaff_cpumask *want = ctx->tmp[0], *start = ctx->tmp[1];
	struct kaff_kthread *k;
	struct kaff_imask *cpus;
	int ret = kt_reserve(ctx);

	if (ret)
		return ret;
	k = &ctx->kt[0];
	memset(k, 0, sizeof(*k));
	k->node = KAFF_NUMA_NO_NODE;
	k->cpu = -1;
	k->flags = KT_LIVE | KAFF_KTHREAD_STARTED;
	k->live_prev = k->live_next = KAFF_NONE;
	k->list_prev = k->list_next = KAFF_NONE;
	k->grp_prev = k->grp_next = KAFF_NONE;

	kaff_cpumask_clear(start);
	kaff_cpumask_set_cpu(0, start);
	if (ctx->profile->list_unbound)
		kaff__fetch_class(ctx, NULL, KAFF_NUMA_NO_NODE, want);
	else
		kaff_cpumask_copy(want, kaff__hk(ctx, KAFF_HK_TYPE_KTHREAD));
	/* Online is {0} at that time: the request works iff 0 is in it. */
	cpus = kaff__imask_get(ctx, kaff_cpumask_test_cpu(0, want) ? want : start);
	if (!cpus)
		return -ENOMEM;
	k->cpus = cpus;
	ctx->nr_kt = 1;
	if (ctx->profile->list_unbound) {
		ret = kt_list(ctx, k, NULL, cpus, NULL, k->flags);
		if (ret) {
			ctx->nr_kt = 0;
			kaff__imask_put(ctx, k->cpus);
			k->cpus = NULL;
			return ret;
		}
		kaff__groups_settle(ctx);
	}
	return 0;
}

/* ---- creation (§5.2, §8) ------------------------------------------------ */

static int lookup(struct kaff_ctx *ctx, unsigned int id, struct kaff_kthread **out)
{
	if (!ctx)
		return -EINVAL;
	if (!ctx->booted)
		return -EPERM;
	*out = kaff__kt(ctx, id);
	return *out ? 0 : -ESRCH;
}

/* lookup() for the entry points that take a mask of nr_cpu_ids bits */
static int lookup_mask(struct kaff_ctx *ctx, unsigned int id, const struct kaff_cpumask *m,
		       struct kaff_kthread **out)
{
	int ret = lookup(ctx, id, out);

	if (!ret && (!m || m->nbits != ctx->nr_cpu_ids))
		ret = -ERANGE;
	return ret;
}

/*
 * A new kthread: a copy of kthreadd's mask and user request (rule C1),
 * not started, on no list. @bind: a forced mask (kthread_bind*()).
 */
static int create(struct kaff_ctx *ctx, int node, const struct kaff_cpumask *bind,
		  int cpu, unsigned int *id)
{
	struct kaff_kthread *k, *kd;
	struct kaff_imask *cpus, *user;
	int ret;

	if (!ctx || !id)
		return -EINVAL;
	if (!ctx->booted)
		return -EPERM;
	if (node != KAFF_NUMA_NO_NODE && (node < 0 || (unsigned int)node >= ctx->nr_nodes))
		return -ERANGE;
	ret = kt_reserve(ctx);
	if (ret)
		return ret;
	kd = &ctx->kt[0];
	cpus = bind ? kaff__imask_get(ctx, bind) : kaff__imask_ref(kaff__kt_cpus(kd));
	if (!cpus)
		return -ENOMEM;
	/* A bind drops the inherited user request. */
	user = kaff__kt_user(kd);

	k = &ctx->kt[ctx->nr_kt];
	memset(k, 0, sizeof(*k));
	k->cpus = cpus;
	k->user = (!bind && user) ? kaff__imask_ref(user) : NULL;
	k->node = node;
	k->cpu = cpu;
	k->flags = KT_LIVE | (bind ? KAFF_KTHREAD_NO_SETAFFINITY : 0);
	k->list_prev = k->list_next = KAFF_NONE;
	k->grp_prev = k->grp_next = KAFF_NONE;
	k->live_next = KAFF_NONE;
	k->live_prev = ctx->live_tail;
	if (ctx->live_tail != KAFF_NONE)
		ctx->kt[ctx->live_tail].live_next = ctx->nr_kt;
	else
		ctx->live_head = ctx->nr_kt;
	ctx->live_tail = ctx->nr_kt;
	ctx->nr_live++;
	*id = ctx->nr_kt++;
	return 0;
}

int kaff_kthread_create_on_node(struct kaff_ctx *ctx, int node, unsigned int *id)
{
	return create(ctx, node, NULL, -1, id);
}

static int create_on_cpu(struct kaff_ctx *ctx, unsigned int cpu, unsigned int *id)
{
	struct kaff_cpumask *m;

	if (!ctx)
		return -EINVAL;
	if (!ctx->booted)
		return -EPERM;
	if (cpu >= ctx->nr_cpu_ids)
		return -ERANGE;
	m = ctx->tmp[0];
	kaff_cpumask_clear(m);
	kaff_cpumask_set_cpu(cpu, m);
	/* kthread_create_on_cpu(): node cpu_to_node(cpu), kthread_bind(),
	 * kthread->cpu = cpu. */
	return create(ctx, ctx->cpu_node[cpu], m, (int)cpu, id);
}

int kaff_kthread_create_on_cpu(struct kaff_ctx *ctx, unsigned int cpu, unsigned int *id)
{
	return create_on_cpu(ctx, cpu, id);
}

int kaff_kthread_create_per_cpu(struct kaff_ctx *ctx, unsigned int cpu, unsigned int *id)
{
	struct kaff_kthread *k;
	struct kaff_imask *all = NULL;
	bool online;
	int ret;

	if (!ctx || !id)
		return -EINVAL;
	online = ctx->booted && cpu < ctx->nr_cpu_ids &&
		 kaff_cpumask_test_cpu(cpu, ctx->online);
	if (ctx->booted && cpu < ctx->nr_cpu_ids && !online) {
		/* Parking is the first run: {cpu} has no online CPU, so the
		 * scheduler fallback gives it all possible CPUs (§8.1). */
		all = kaff__imask_get(ctx, ctx->possible);
		if (!all)
			return -ENOMEM;
	}
	ret = create_on_cpu(ctx, cpu, id);
	if (ret) {
		kaff__imask_put(ctx, all);
		return ret;
	}
	k = &ctx->kt[*id];
	k->flags |= KAFF_KTHREAD_PER_CPU | KAFF_KTHREAD_STARTED;
	ctx->nr_per_cpu++;
	k->list_prev = KAFF_NONE;
	k->list_next = ctx->per_cpu_head;
	if (ctx->per_cpu_head != KAFF_NONE)
		ctx->kt[ctx->per_cpu_head].list_prev = *id;
	ctx->per_cpu_head = *id;
	if (all) {
		kaff__imask_put(ctx, k->cpus);
		k->cpus = all;
		k->flags |= KAFF_KTHREAD_PARKED;
	}
	return 0;
}

/* ---- binding and preference (§8.2, §9) ---------------------------------- */

int kaff_kthread_bind_mask(struct kaff_ctx *ctx, unsigned int id,
			   const struct kaff_cpumask *mask)
{
	struct kaff_kthread *k;
	struct kaff_imask *im;
	int ret = lookup_mask(ctx, id, mask, &k);

	if (ret)
		return ret;
	if (kaff_cpumask_empty(mask))
		return -EINVAL;
	if (k->flags & KAFF_KTHREAD_STARTED) {
		/* wait_task_inactive(TASK_UNINTERRUPTIBLE) fails on a thread
		 * sleeping interruptibly: WARN, nothing done, no error. */
		kaff__log(ctx, "WARNING: __kthread_bind_mask: kthread %u is not inactive", id);
		return 0;
	}
	im = kaff__imask_get(ctx, mask);
	if (!im)
		return -ENOMEM;
	/* Forced write (do_set_cpus_allowed / set_cpus_allowed_force): the
	 * user request goes; PF_NO_SETAFFINITY (a listed kthread turns bad). */
	ret = kt_set(ctx, k, im, NULL, k->flags | KAFF_KTHREAD_NO_SETAFFINITY);
	kaff__imask_put(ctx, im);
	kaff__groups_settle(ctx);
	return ret;
}

int kaff_kthread_bind(struct kaff_ctx *ctx, unsigned int id, unsigned int cpu)
{
	struct kaff_kthread *k;
	struct kaff_cpumask *m;
	int ret = lookup(ctx, id, &k);

	if (ret)
		return ret;
	if (cpu >= ctx->nr_cpu_ids)
		return -ERANGE;
	m = ctx->tmp[1];
	kaff_cpumask_clear(m);
	kaff_cpumask_set_cpu(cpu, m);
	return kaff_kthread_bind_mask(ctx, id, m);
}

int kaff_kthread_affine_preferred(struct kaff_ctx *ctx, unsigned int id,
				  const struct kaff_cpumask *mask)
{
	struct kaff_cpumask *fetched = ctx ? ctx->tmp[0] : NULL;
	struct kaff_imask *pref, *cpus;
	struct kaff_kthread *k;
	int ret = lookup_mask(ctx, id, mask, &k);

	if (ret)
		return ret;
	if (k->flags & KAFF_KTHREAD_STARTED) {
		kaff__log(ctx, "WARNING: kthread_affine_preferred: kthread %u already started", id);
		return -EINVAL;
	}
	/* A second call corrupts the kernel's list (FORMAT.md): refused. A
	 * kthread that has not started is listed only through a preference. */
	if (k->flags & KAFF_KTHREAD_MANAGED)
		return -EEXIST;
	pref = kaff__imask_get(ctx, mask);
	if (!pref)
		return -ENOMEM;
	kaff__fetch_class(ctx, pref, k->node, fetched);
	cpus = kaff__imask_get(ctx, fetched);
	if (!cpus) {
		kaff__imask_put(ctx, pref);
		return -ENOMEM;
	}
	/* No PF_NO_SETAFFINITY check: a bound kthread joins the list too.
	 * Forced write: no online check, user request dropped. */
	ret = kt_list(ctx, k, pref, cpus, NULL, k->flags);
	kaff__imask_put(ctx, pref);
	kaff__imask_put(ctx, cpus);
	kaff__groups_settle(ctx);
	return ret;
}

/* ---- running (§6, §13) --------------------------------------------------- */

int kaff_wake_up_process(struct kaff_ctx *ctx, unsigned int id)
{
	struct kaff_cpumask *target = ctx ? ctx->tmp[0] : NULL;
	struct kaff_cpumask *out = ctx ? ctx->tmp[1] : NULL;
	struct kaff_imask *user, *cur, *im;
	struct kaff_kthread *k;
	bool fallback, first, affine_node, listing, changed = false;
	uint32_t flags;
	int ret = lookup(ctx, id, &k);

	if (ret)
		return ret;
	/* wake_up_process() does not wake a TASK_PARKED thread. */
	if (k->flags & KAFF_KTHREAD_PARKED)
		return 0;

	/* select_fallback_rq() (§13.3): with no allowed (online) CPU the
	 * cpuset v2 stage forces top_cpuset.cpus_allowed, all possible CPUs,
	 * and drops the user request. Bound kthreads included. */
	cur = kaff__kt_cpus(k);
	fallback = !kaff_cpumask_intersects(&cur->mask, ctx->online);
	user = fallback ? NULL : kaff__kt_user(k);

	/* kthread() at the first run: kthread_affine_node() unless bound or
	 * preferred (§6.1). 6.x lists only node kthreads; 7.x every one (D4). */
	first = !(k->flags & KAFF_KTHREAD_STARTED);
	affine_node = first && !(k->flags & KAFF_KTHREAD_NO_SETAFFINITY) &&
		      !(k->flags & KAFF_KTHREAD_MANAGED);
	listing = affine_node && (k->node != KAFF_NUMA_NO_NODE || ctx->profile->list_unbound);
	if (affine_node) {
		const struct kaff_cpumask *base = fallback ? ctx->possible : &cur->mask;

		if (listing) {
			kaff__fetch_class(ctx, NULL, k->node, target);
			set_cpus_allowed(ctx, base, user, target, out, &changed);
		} else if (kaff_housekeeping_enabled(ctx, KAFF_HK_TYPE_KTHREAD)) {
			/* D4: 6.x housekeeping_affine(HK_TYPE_KTHREAD), unlisted. */
			set_cpus_allowed(ctx, base, user, kaff__hk(ctx, KAFF_HK_TYPE_KTHREAD),
					 out, &changed);
		}
	}
	if (!changed && !fallback && !first)
		return 0;
	im = changed ? kaff__imask_get(ctx, out) :
	     fallback ? kaff__imask_get(ctx, ctx->possible) : kaff__imask_ref(cur);
	if (!im)
		return -ENOMEM;
	flags = k->flags | KAFF_KTHREAD_STARTED;
	ret = listing ? kt_list(ctx, k, NULL, im, user, flags) : kt_set(ctx, k, im, user, flags);
	kaff__imask_put(ctx, im);
	kaff__groups_settle(ctx);
	return ret;
}

/*
 * sched_setaffinity() (§14): refused for PF_NO_SETAFFINITY; the request
 * minus CPUs given to cpuset partitions (all possible if that leaves no
 * active CPU); an unchanged mask only replaces the stored request; no
 * online CPU is -EINVAL; else mask and request are set. No housekeeping
 * filter.
 */
int kaff_sched_setaffinity(struct kaff_ctx *ctx, unsigned int id,
			   const struct kaff_cpumask *mask)
{
	struct kaff_cpumask *allowed = ctx ? ctx->tmp[0] : NULL;
	struct kaff_cpumask *want = ctx ? ctx->tmp[1] : NULL;
	struct kaff_imask *user, *cpus;
	struct kaff_kthread *k;
	int ret = lookup_mask(ctx, id, mask, &k);

	if (ret)
		return ret;
	if (k->flags & KAFF_KTHREAD_NO_SETAFFINITY)
		return -EINVAL;
	/* cpuset_cpus_allowed() for a top-cpuset task. */
	if (!kaff_cpumask_andnot(allowed, ctx->possible, ctx->cpuset_isolated) ||
	    !kaff_cpumask_intersects(allowed, ctx->online))
		kaff_cpumask_copy(allowed, ctx->possible);
	kaff_cpumask_and(want, mask, allowed);
	cpus = kaff__kt_cpus(k);
	if (!kaff_cpumask_equal(want, &cpus->mask) &&
	    !kaff_cpumask_intersects(want, ctx->online))
		return -EINVAL;
	user = kaff__imask_get(ctx, mask);
	if (!user)
		return -ENOMEM;
	cpus = kaff__imask_get(ctx, want);
	if (!cpus) {
		kaff__imask_put(ctx, user);
		return -ENOMEM;
	}
	ret = kt_set(ctx, k, cpus, user, k->flags);
	kaff__imask_put(ctx, user);
	kaff__imask_put(ctx, cpus);
	kaff__groups_settle(ctx);
	return ret;
}

/* ---- exit (§17) --------------------------------------------------------- */

int kaff_kthread_stop(struct kaff_ctx *ctx, unsigned int id)
{
	struct kaff_kthread *k;
	int ret = lookup(ctx, id, &k);

	if (ret)
		return ret;
	if (id == KAFF_KTHREADD)
		return -EPERM;
	/* A never-woken kthread runs its first-run steps before exiting;
	 * none of that is visible once it has left the table. */
	list_del(ctx, k);
	if (k->flags & KAFF_KTHREAD_PER_CPU) {
		if (k->list_prev != KAFF_NONE)
			ctx->kt[k->list_prev].list_next = k->list_next;
		else
			ctx->per_cpu_head = k->list_next;
		if (k->list_next != KAFF_NONE)
			ctx->kt[k->list_next].list_prev = k->list_prev;
		ctx->nr_per_cpu--;
	}
	if (k->live_prev != KAFF_NONE)
		ctx->kt[k->live_prev].live_next = k->live_next;
	else
		ctx->live_head = k->live_next;
	if (k->live_next != KAFF_NONE)
		ctx->kt[k->live_next].live_prev = k->live_prev;
	else
		ctx->live_tail = k->live_prev;
	ctx->nr_live--;
	kt_release(ctx, k);
	k->flags = 0;
	kaff__groups_settle(ctx);
	return 0;
}

/* ---- queries ------------------------------------------------------------ */

int kaff_kthread_fetch_affinity(const struct kaff_ctx *ctx, unsigned int id,
				struct kaff_cpumask *out)
{
	const struct kaff_kthread *k;

	if (!ctx || !out)
		return -EINVAL;
	if (!ctx->booted)
		return -EPERM;
	k = kaff__kt(ctx, id);
	if (!k)
		return -ESRCH;
	if (out->nbits != ctx->nr_cpu_ids)
		return -ERANGE;
	kaff__fetch_class(ctx, kaff__kt_pref(k), k->node, out);
	return 0;
}

int kaff_kthread_get_info(const struct kaff_ctx *ctx, unsigned int id,
			  struct kaff_kthread_info *info)
{
	const struct kaff_kthread *k;
	const struct kaff_imask *pref, *user;

	if (!ctx || !info)
		return -EINVAL;
	if (!ctx->booted)
		return -EPERM;
	k = kaff__kt(ctx, id);
	if (!k)
		return -ESRCH;
	pref = kaff__kt_pref(k);
	user = kaff__kt_user(k);
	info->id = id;
	info->node = k->node;
	info->cpu = k->cpu;
	info->flags = k->flags & 0xffu;
	info->cpus = &kaff__kt_cpus(k)->mask;
	info->preferred = pref ? &pref->mask : NULL;
	info->user = user ? &user->mask : NULL;
	return 0;
}

const struct kaff_cpumask *kaff_kthread_cpus_mask(const struct kaff_ctx *ctx,
						  unsigned int id)
{
	const struct kaff_kthread *k = (ctx && ctx->booted) ? kaff__kt(ctx, id) : NULL;

	return k ? &kaff__kt_cpus(k)->mask : NULL;
}

unsigned int kaff_kthread_first(const struct kaff_ctx *ctx)
{
	return (ctx && ctx->booted) ? ctx->live_head : KAFF_NONE;
}

unsigned int kaff_kthread_next(const struct kaff_ctx *ctx, unsigned int id)
{
	const struct kaff_kthread *k = ctx ? kaff__kt(ctx, id) : NULL;

	return (k && id != KAFF_KTHREADD) ? k->live_next : KAFF_NONE;
}

unsigned int kaff_kthread_count(const struct kaff_ctx *ctx)
{
	return ctx ? ctx->nr_live : 0;
}

unsigned int kaff_managed_first(const struct kaff_ctx *ctx)
{
	return (ctx && ctx->booted) ? ctx->list_head : KAFF_NONE;
}

unsigned int kaff_managed_next(const struct kaff_ctx *ctx, unsigned int id)
{
	const struct kaff_kthread *k = ctx ? kaff__kt(ctx, id) : NULL;

	return (k && (k->flags & KAFF_KTHREAD_MANAGED)) ? k->list_next : KAFF_NONE;
}
