/* SPDX-License-Identifier: MIT */
/*
 * The kthreads' task_struct side: the table of kthreads (ids are slot
 * numbers, never reused), the masks each holds (cpus_mask,
 * user_cpus_ptr), its flags, and the lists that hold it (creation order,
 * kthread_affinity_list, smpboot's per-CPU threads). A kthread on the
 * managed list keeps its masks in its group (group.c). Storage only: the
 * rules that decide the masks are in sched.c and kthread.c.
 */
#include <errno.h>
#include <string.h>

#include "kaff-private.h"

#define KT_BAD_FLAGS (KAFF_KTHREAD_NO_SETAFFINITY | KAFF_KTHREAD_PER_CPU)

/* A free slot at the end of the table. */
static int reserve(struct kaff_ctx *ctx)
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

int kaff__task_new(struct kaff_ctx *ctx, int node, int cpu, uint32_t flags,
		   struct kaff_imask *cpus, struct kaff_imask *user, uint32_t *id)
{
	struct kaff_kthread *k;
	int ret = reserve(ctx), i;

	if (ret)
		return ret;
	*id = ctx->nr_kt++;
	k = &ctx->kt[*id];
	memset(k, 0, sizeof(*k));
	for (i = 0; i < KL_NR; i++)
		k->link[i].prev = k->link[i].next = KAFF_NONE;
	k->cpus = kaff__imask_ref(cpus);
	k->user = user ? kaff__imask_ref(user) : NULL;
	k->node = node;
	k->cpu = cpu;
	k->flags = KT_LIVE | flags;
	/* kthreadd (slot 0) is not counted among the kthreads it made */
	if (*id != KAFF_KTHREADD)
		ctx->nr_live++;
	if (flags & KAFF_KTHREAD_PER_CPU) {
		kaff__list_add_head(ctx, &ctx->per_cpu, *id, KL_MANAGED);
		ctx->nr_per_cpu++;
	}
	if (flags & KT_IRQ)
		kaff__list_add_tail(ctx, &ctx->irq, *id, KL_MANAGED);
	return 0;
}

/* Drop a kthread's masks: its own, or its place in a group. */
static void release(struct kaff_ctx *ctx, struct kaff_kthread *k)
{
	kaff__kt_write(ctx, kaff__kt_id(ctx, k));
	if (k->grp)
		kaff__group_del_member(ctx, k->grp, kaff__kt_id(ctx, k));
	kaff__imask_put(ctx, k->cpus);
	kaff__imask_put(ctx, k->user);
	k->cpus = k->user = NULL;
}

void kaff__task_free(struct kaff_ctx *ctx, struct kaff_kthread *k)
{
	uint32_t id = kaff__kt_id(ctx, k);

	kaff__kt_write(ctx, id);
	if (k->flags & KAFF_KTHREAD_MANAGED)
		kaff__list_del(ctx, &ctx->managed, id, KL_MANAGED);
	if (k->flags & KAFF_KTHREAD_PER_CPU) {
		kaff__list_del(ctx, &ctx->per_cpu, id, KL_MANAGED);
		ctx->nr_per_cpu--;
	}
	if (k->flags & KT_IRQ)
		kaff__list_del(ctx, &ctx->irq, id, KL_MANAGED);
	if (id != KAFF_KTHREADD)
		ctx->nr_live--;
	release(ctx, k);
	k->flags = 0;
}

void kaff__task_table_fini(struct kaff_ctx *ctx)
{
	uint32_t i;

	for (i = 0; i < ctx->nr_kt; i++)
		if (ctx->kt[i].flags & KT_LIVE)
			release(ctx, &ctx->kt[i]);
	kaff__groups_settle(ctx);
	kaff__free(&ctx->alloc, ctx->kt);
	ctx->kt = NULL;
	ctx->nr_kt = ctx->cap_kt = ctx->nr_live = ctx->nr_per_cpu = ctx->nr_bad = 0;
	ctx->managed.first = ctx->managed.last = KAFF_NONE;
	ctx->per_cpu.first = ctx->per_cpu.last = KAFF_NONE;
	ctx->irq.first = ctx->irq.last = KAFF_NONE;
}

static int task_set(struct kaff_ctx *ctx, struct kaff_kthread *k, struct kaff_imask *cpus,
		   struct kaff_imask *user, uint32_t flags)
{
	struct kaff_group *g = k->grp, *to;
	int ret;

	kaff__kt_write(ctx, kaff__kt_id(ctx, k));
	if (g) {
		bool bad = flags & KT_BAD_FLAGS;

		if (g->cpus != cpus || g->user != user || g->bad != bad) {
			ret = kaff__group_get(ctx, g->pref, g->ncls, user, cpus, bad, &to);
			if (ret)
				return ret;
			kaff__group_del_member(ctx, g, kaff__kt_id(ctx, k));
			kaff__group_add_member(ctx, to, kaff__kt_id(ctx, k));
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

static int task_list(struct kaff_ctx *ctx, struct kaff_kthread *k, struct kaff_imask *pref,
		    struct kaff_imask *cpus, struct kaff_imask *user, uint32_t flags)
{
	uint32_t id = kaff__kt_id(ctx, k);
	struct kaff_group *g;
	int ret;

	if (k->flags & KAFF_KTHREAD_MANAGED) {
		/* WARN_ON_ONCE(!list_empty()): not reachable through the API. */
		kaff__log(ctx, "WARNING: kthread %u already on the managed list", id);
		return task_set(ctx, k, cpus, user, flags);
	}
	ret = kaff__group_get(ctx, pref, k->node, user, cpus, flags & KT_BAD_FLAGS, &g);
	if (ret)
		return ret;
	kaff__kt_write(ctx, id);
	kaff__imask_put(ctx, k->cpus);
	kaff__imask_put(ctx, k->user);
	k->cpus = k->user = NULL;
	k->flags = flags | KAFF_KTHREAD_MANAGED;
	kaff__group_add_member(ctx, g, id);
	kaff__list_add_tail(ctx, &ctx->managed, id, KL_MANAGED);
	k->lseq = ctx->managed_seq++;
	return 0;
}

/* The mask before a write, for the change callback (notify.c). */
static struct kaff_imask *old_mask(struct kaff_ctx *ctx, const struct kaff_kthread *k)
{
	return ctx->change_fn ? kaff__imask_ref(kaff__kt_cpus(k)) : NULL;
}

static int notify_after(struct kaff_ctx *ctx, struct kaff_kthread *k, struct kaff_imask *old,
			int ret)
{
	if (!ret)
		kaff__notify_one(ctx, kaff__kt_id(ctx, k), old);
	kaff__imask_put(ctx, old);
	return ret;
}

int kaff__task_set(struct kaff_ctx *ctx, struct kaff_kthread *k, struct kaff_imask *cpus,
		   struct kaff_imask *user, uint32_t flags)
{
	struct kaff_imask *old = old_mask(ctx, k);

	return notify_after(ctx, k, old, task_set(ctx, k, cpus, user, flags));
}

int kaff__task_list(struct kaff_ctx *ctx, struct kaff_kthread *k, struct kaff_imask *pref,
		    struct kaff_imask *cpus, struct kaff_imask *user, uint32_t flags)
{
	struct kaff_imask *old = old_mask(ctx, k);

	return notify_after(ctx, k, old, task_list(ctx, k, pref, cpus, user, flags));
}

int kaff__lookup_mask(struct kaff_ctx *ctx, unsigned int id, const struct kaff_cpumask *m,
		      struct kaff_kthread **out)
{
	int ret = kaff__lookup(ctx, id, out);

	if (!ret && (!m || m->nbits != ctx->nr_cpu_ids))
		ret = -ERANGE;
	return ret;
}
