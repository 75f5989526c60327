/* SPDX-License-Identifier: MIT */
/*
 * libkaff irq threads: threaded interrupt handlers (kernel/irq/manage.c),
 * whose mask follows their interrupt's effective affinity rather than
 * the kthread rules (src/irq.c, docs/population.md).
 */
#ifndef LIBKAFF_IRQ_H
#define LIBKAFF_IRQ_H

#include <stdbool.h>

#include <libkaff/common.h>
#include <libkaff/cpumask.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kaff_ctx;

/**
 * kaff_irq_thread_create() - an irq thread that has run once
 * (setup_irq_thread(), then irq_thread_check_affinity())
 * @effective: its interrupt's effective affinity, which becomes its mask
 * @no_setaffinity: PF_NO_SETAFFINITY (setup_irq_thread()'s
 *	kthread_bind_mask(); the recorded 6.19 and 7.x kernels set it, 6.16
 *	does not)
 *
 * It is on no managed list. When a CPU goes down and its mask has no
 * online CPU left, the interrupt moves and the thread follows it to the
 * lowest online CPU (kaff_cpu_offline()).
 *
 * Return: 0; libkaff refusals: -EINVAL (NULL argument, or no online CPU
 *         in @effective), -EPERM before boot, -ERANGE (width), -ENOMEM,
 *         -EOVERFLOW.
 */
KAFF_EXPORT int kaff_irq_thread_create(struct kaff_ctx *ctx, const struct kaff_cpumask *effective,
				       bool no_setaffinity, unsigned int *id);

/** kaff_kthread_is_irq_thread() - true if @id is a live irq thread */
KAFF_EXPORT bool kaff_kthread_is_irq_thread(const struct kaff_ctx *ctx, unsigned int id);

#ifdef __cplusplus
}
#endif

#endif /* LIBKAFF_IRQ_H */
