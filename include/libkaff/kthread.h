/* SPDX-License-Identifier: MIT */
/*
 * libkaff kthreads: the kthread table and the kernel entry points that
 * decide a kthread's cpus_mask (kernel/kthread.c, kernel/sched/core.c,
 * kernel/sched/syscalls.c; docs/algorithm.md).
 *
 * A kthread is named by an id: kthreadd is KAFF_KTHREADD (0); the others
 * get 1, 2, 3, ... in creation order and their ids are never reused.
 */
#ifndef LIBKAFF_KTHREAD_H
#define LIBKAFF_KTHREAD_H

#include <stdbool.h>

#include <libkaff/common.h>
#include <libkaff/cpumask.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kaff_ctx;

#define KAFF_NUMA_NO_NODE (-1)
#define KAFF_KTHREADD 0u
/* returned by the iterators at the end */
#define KAFF_KTHREAD_NONE 0xffffffffu

/**
 * kaff_kthread_create_on_node() - kthread_create_on_node(): a new kthread,
 * not yet started
 * @node: its preferred node, or KAFF_NUMA_NO_NODE
 * @id:   receives the new id
 *
 * Its mask is a copy of kthreadd's, whatever @node is (rule C1).
 *
 * Return: 0; libkaff refusals: -ERANGE for a node that does not exist,
 *         -EPERM before boot, -EOVERFLOW when ids ran out, -ENOMEM.
 */
KAFF_EXPORT int kaff_kthread_create_on_node(struct kaff_ctx *ctx, int node,
					    unsigned int *id);

/**
 * kaff_kthread_create_on_cpu() - kthread_create_on_cpu(): created on
 * cpu_to_node(@cpu) and bound to @cpu (PF_NO_SETAFFINITY), not per-CPU
 *
 * Return: as kaff_kthread_create_on_node(); -ERANGE for a bad @cpu.
 */
KAFF_EXPORT int kaff_kthread_create_on_cpu(struct kaff_ctx *ctx, unsigned int cpu,
					   unsigned int *id);

/**
 * kaff_kthread_create_per_cpu() - an smpboot thread for @cpu
 * (__smpboot_create_thread(): create_on_cpu, kthread_set_per_cpu, park)
 *
 * Parking is its first run: if @cpu is offline the scheduler fallback
 * rewrites its mask. It is parked while @cpu is offline and rebound to
 * {@cpu} when @cpu comes online (kthread_unpark()).
 *
 * Return: as kaff_kthread_create_on_cpu().
 */
KAFF_EXPORT int kaff_kthread_create_per_cpu(struct kaff_ctx *ctx, unsigned int cpu,
					    unsigned int *id);

/**
 * kaff_kthread_bind() - kthread_bind(): bind to {@cpu}, PF_NO_SETAFFINITY
 *
 * Before the first wake-up the mask is forced (no online check) and the
 * stored user request dropped. After it the kernel WARNs and changes
 * nothing (its threads sleep TASK_INTERRUPTIBLE): returns 0 all the same.
 *
 * Return: 0; libkaff refusals: -ESRCH (no such kthread), -ERANGE (bad cpu).
 */
KAFF_EXPORT int kaff_kthread_bind(struct kaff_ctx *ctx, unsigned int id,
				  unsigned int cpu);

/**
 * kaff_kthread_bind_mask() - kthread_bind_mask(): as kaff_kthread_bind()
 * with a mask
 *
 * Return: 0; libkaff refusals: -ESRCH, -ERANGE (width), -EINVAL (empty
 *         mask), -ENOMEM.
 */
KAFF_EXPORT int kaff_kthread_bind_mask(struct kaff_ctx *ctx, unsigned int id,
				       const struct kaff_cpumask *mask);

/**
 * kaff_kthread_affine_preferred() - kthread_affine_preferred()
 * @mask: preferred CPUs, may hold offline CPUs; may be empty
 *
 * Before the first wake-up: stores @mask, puts the kthread on the managed
 * list and forces its mask to kthread_fetch_affinity(). It does not check
 * PF_NO_SETAFFINITY: a bound kthread gets on the list too (and every later
 * CPU online then fails, docs/algorithm.md#rule-bind-prefer, recorded case 31).
 *
 * Return: 0; -EINVAL (kernel) once the kthread has started. libkaff
 *         refusals: -EEXIST if it already has a preference and has not
 *         started (the kernel corrupts its list), -ESRCH, -ERANGE (width),
 *         -ENOMEM.
 */
KAFF_EXPORT int kaff_kthread_affine_preferred(struct kaff_ctx *ctx, unsigned int id,
					      const struct kaff_cpumask *mask);

/**
 * kaff_wake_up_process() - wake_up_process(): run the kthread once
 *
 * If no CPU of its mask is online, the scheduler fallback first sets the
 * mask to all possible CPUs (cpuset v2 stage of select_fallback_rq(),
 * docs/algorithm.md#rule-fallback) and drops the user request. The first wake-up then
 * runs kthread(): an unbound kthread without preference gets its node or
 * default affinity (kthread_affine_node()). A parked per-CPU kthread is
 * not woken.
 *
 * Return: 0; libkaff refusals: -ESRCH, -ENOMEM.
 */
KAFF_EXPORT int kaff_wake_up_process(struct kaff_ctx *ctx, unsigned int id);

/**
 * kaff_sched_setaffinity() - sched_setaffinity() from user space
 *
 * Return: 0; kernel errors: -EINVAL for a PF_NO_SETAFFINITY kthread or
 *         when no CPU of the request (minus isolated partitions) is
 *         online. libkaff refusals: -ESRCH, -ERANGE (width), -ENOMEM.
 */
KAFF_EXPORT int kaff_sched_setaffinity(struct kaff_ctx *ctx, unsigned int id,
				       const struct kaff_cpumask *mask);

/**
 * kaff_kthread_stop() - kthread_stop(): the kthread exits, leaves the
 * table and the managed list; its id becomes invalid
 *
 * Return: 0; libkaff refusals: -ESRCH, -EPERM for kthreadd.
 */
KAFF_EXPORT int kaff_kthread_stop(struct kaff_ctx *ctx, unsigned int id);

/**
 * kaff_kthread_fetch_affinity() - kthread_fetch_affinity() for @id now:
 * the mask the kthread code would give it (docs/algorithm.md#rule-fetch)
 *
 * Return: 0; -ESRCH; -ERANGE if @out has the wrong width.
 */
KAFF_EXPORT int kaff_kthread_fetch_affinity(const struct kaff_ctx *ctx, unsigned int id,
					    struct kaff_cpumask *out);

enum kaff_kthread_flags {
	KAFF_KTHREAD_STARTED = 1u << 0,          /* kthread->started */
	KAFF_KTHREAD_NO_SETAFFINITY = 1u << 1,   /* PF_NO_SETAFFINITY */
	KAFF_KTHREAD_PER_CPU = 1u << 2,          /* KTHREAD_IS_PER_CPU */
	KAFF_KTHREAD_PARKED = 1u << 3,
	KAFF_KTHREAD_MANAGED = 1u << 4           /* on the managed list */
};

/**
 * struct kaff_kthread_info - what the kernel knows of one kthread
 * @cpus:  cpus_mask (what /proc/PID/status shows)
 * @preferred: preferred_affinity, or NULL
 * @user:  user_cpus_ptr (last sched_setaffinity() request), or NULL
 *
 * Masks are owned by the context and valid until its next change.
 */
struct kaff_kthread_info {
	unsigned int id;
	int node;                 /* KAFF_NUMA_NO_NODE or a node */
	int cpu;                  /* kthread->cpu, -1 if none */
	unsigned int flags;       /* enum kaff_kthread_flags */
	const struct kaff_cpumask *cpus;
	const struct kaff_cpumask *preferred;
	const struct kaff_cpumask *user;
};

/** kaff_kthread_get_info() - fill @info; 0, -ESRCH, or -EPERM before boot */
KAFF_EXPORT int kaff_kthread_get_info(const struct kaff_ctx *ctx, unsigned int id,
				      struct kaff_kthread_info *info);
/** kaff_kthread_cpus_mask() - the kthread's cpus_mask, or NULL for no such id */
KAFF_EXPORT const struct kaff_cpumask *kaff_kthread_cpus_mask(const struct kaff_ctx *ctx,
							      unsigned int id);

/* Live kthreads in creation order (kthreadd excluded). */
KAFF_EXPORT unsigned int kaff_kthread_first(const struct kaff_ctx *ctx);
KAFF_EXPORT unsigned int kaff_kthread_next(const struct kaff_ctx *ctx, unsigned int id);
KAFF_EXPORT unsigned int kaff_kthread_count(const struct kaff_ctx *ctx);

/* The managed list in the kernel's order (insertion order; kthreadd included in 7.x). */
KAFF_EXPORT unsigned int kaff_managed_first(const struct kaff_ctx *ctx);
KAFF_EXPORT unsigned int kaff_managed_next(const struct kaff_ctx *ctx, unsigned int id);

/**
 * kaff_ctx_dump() - the whole state as text, one fact a line (for tests
 * and debugging: two equal states give equal dumps)
 * @write: called with pieces of the text; a non-zero return stops the dump
 *
 * Return: 0, what @write returned, or -ENOMEM (a long cpulist is printed
 *         through a buffer from the context's allocator).
 */
KAFF_EXPORT int kaff_ctx_dump(const struct kaff_ctx *ctx,
			      int (*write)(void *data, const char *buf, size_t len),
			      void *data);

#ifdef __cplusplus
}
#endif

#endif /* LIBKAFF_KTHREAD_H */
