/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU kthreads, as kernel/smpboot.c: created bound to their CPU
 * (__smpboot_create_thread()), parked when it goes down
 * (smpboot_park_threads()) and rebound when it comes back
 * (smpboot_unpark_threads()).
 */
#include <errno.h>

#include "kaff-private.h"

int kaff_kthread_create_per_cpu(struct kaff_ctx *ctx, unsigned int cpu, unsigned int *id)
{
	uint32_t flags = KAFF_KTHREAD_PER_CPU | KAFF_KTHREAD_STARTED;
	struct kaff_imask *all = NULL;
	int ret;

	if (!ctx || !id)
		return -EINVAL;
	if (ctx->booted && cpu < ctx->nr_cpu_ids && !kaff_cpumask_test_cpu(cpu, ctx->online)) {
		/* Parking is the first run: {cpu} has no online CPU, so the
		 * scheduler's fallback gives it all possible CPUs. */
		all = kaff__imask_get(ctx, ctx->possible);
		if (!all)
			return -ENOMEM;
		flags |= KAFF_KTHREAD_PARKED;
	}
	ret = kaff__create_on_cpu(ctx, cpu, flags, all, id);
	kaff__imask_put(ctx, all);
	return ret;
}

static bool is_per_cpu_of(const struct kaff_kthread *k, unsigned int cpu)
{
	return (k->flags & KAFF_KTHREAD_PER_CPU) && k->cpu == (int32_t)cpu;
}

/* smpboot_park_threads(): parked kthreads keep {cpu}. */
void kaff__smpboot_park(struct kaff_ctx *ctx, unsigned int cpu)
{
	uint32_t id;

	for (id = ctx->per_cpu.first; id != KAFF_NONE; id = ctx->kt[id].link[KL_MANAGED].next)
		if (is_per_cpu_of(&ctx->kt[id], cpu)) {
			kaff__kt_write(ctx, id);
			ctx->kt[id].flags |= KAFF_KTHREAD_PARKED;
		}
}

/* smpboot_unpark_threads() -> kthread_unpark(): rebind to {cpu} (a forced
 * write that drops the user request), then wake (the CPU is online). A
 * stage of the CPU-online event. */
int kaff__smpboot_unpark(struct kaff_ctx *ctx, struct kaff_event *ev)
{
	struct kaff_cpumask *m = ctx->tmp.target;
	struct kaff_imask *im = NULL;
	unsigned int cpu = ev->cpu;
	int ret = 0;
	uint32_t id;

	for (id = ctx->per_cpu.first; id != KAFF_NONE && !ret;
	     id = ctx->kt[id].link[KL_MANAGED].next) {
		struct kaff_kthread *k = &ctx->kt[id];

		if (!is_per_cpu_of(k, cpu) || !(k->flags & KAFF_KTHREAD_PARKED))
			continue;
		if (!im) {
			kaff_cpumask_clear(m);
			kaff_cpumask_set_cpu(cpu, m);
			im = kaff__imask_get(ctx, m);
			if (!im)
				return -ENOMEM;
		}
		ret = kaff__stage_kthread(ctx, id, im, k->flags & ~(uint32_t)KAFF_KTHREAD_PARKED);
	}
	kaff__imask_put(ctx, im);
	return ret;
}
