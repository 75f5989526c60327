/* SPDX-License-Identifier: MIT */
/*
 * libkaff machine and context.
 *
 * A struct kaff_ctx is one simulated machine: possible and online CPUs,
 * NUMA nodes, housekeeping, kthreadd and the kthreads. It goes through
 * two phases: setup (kaff_ctx_new(), then nodes, boot parameters and the
 * initial online set), then kaff_machine_boot(), after which events run.
 *
 * Conventions (docs/api-conventions.md): functions return 0 or a negative
 * errno. A call libkaff refuses itself (bad argument, wrong phase, out of
 * memory) changes nothing. A call the kernel would fail returns the
 * kernel's errno and keeps the kernel's side effects, if any.
 */
#ifndef LIBKAFF_MACHINE_H
#define LIBKAFF_MACHINE_H

#include <stdbool.h>
#include <stddef.h>

#include <libkaff/common.h>
#include <libkaff/cpumask.h>
#include <libkaff/profile.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kaff_ctx;

/* x86 MAX_NUMNODES with NODES_SHIFT = 10. */
#define KAFF_MAX_NUMNODES 1024u

/**
 * struct kaff_allocator - where a context gets its memory
 *
 * Every allocation a context makes goes through these (tests use them to
 * fail the Nth allocation). @realloc may be NULL: then libkaff uses
 * @malloc, copy and @free.
 */
struct kaff_allocator {
	void *(*malloc)(void *data, size_t size);
	void *(*realloc)(void *data, void *ptr, size_t size);
	void (*free)(void *data, void *ptr);
	void *data;
};

/**
 * kaff_ctx_new() - a new machine in its setup phase
 * @profile:    kernel rules; NULL means kaff_profile_default() (6.14)
 * @nr_cpu_ids: number of possible CPUs, 1 .. KAFF_NR_CPUS_MAX
 * @alloc:      allocator, copied; NULL means malloc/realloc/free
 *
 * All CPUs are possible and present, one node 0 holds them all unless
 * kaff_machine_set_node() says otherwise, no boot parameter, all online.
 *
 * Return: the context, or NULL if @nr_cpu_ids is out of range or memory
 *         ran out.
 */
KAFF_EXPORT struct kaff_ctx *kaff_ctx_new(const struct kaff_profile *profile,
					  unsigned int nr_cpu_ids,
					  const struct kaff_allocator *alloc);
/** kaff_ctx_free() - free @ctx and everything it owns; NULL is a no-op */
KAFF_EXPORT void kaff_ctx_free(struct kaff_ctx *ctx);

/**
 * kaff_ctx_set_log_fn() - receive the kernel's messages (WARN, pr_warn, pr_info)
 * @fn:   called with one line, no newline; NULL to stop
 *
 * The texts follow the kernel's ("Housekeeping: nohz_full= must match
 * isolcpus=", "WARNING: kthread_affine_preferred: ..."). Never changes state.
 */
KAFF_EXPORT void kaff_ctx_set_log_fn(struct kaff_ctx *ctx,
				     void (*fn)(void *data, const char *line),
				     void *data);

/**
 * kaff_ctx_dup() - a deep copy of @ctx
 *
 * The copy shares nothing mutable with @ctx: events on one never change
 * the other, and either may be freed first. It has the same state (the
 * same kaff_ctx_dump()), the same profile, allocator and log function,
 * and no change callback. Its cost grows with the state (kthreads,
 * distinct masks, groups), not with the events that made it: copying a
 * booted context is how to explore many futures of one state without
 * replaying its past. @ctx may be booted or not; it is only read.
 *
 * Return: the copy, or NULL if @ctx is NULL or memory ran out (nothing
 *         is leaked).
 */
KAFF_EXPORT struct kaff_ctx *kaff_ctx_dup(const struct kaff_ctx *ctx);

/**
 * kaff_ctx_checkpoint() - mark the state of @ctx, to come back to it
 *
 * Events after it (CPU hotplug, wakes, kthreads made, bound or stopped,
 * sched_setaffinity(), isolated partitions: every call) apply as usual,
 * and kaff_ctx_rollback() takes them all back. Exploring many futures of
 * one state this way costs what each future changes; kaff_ctx_dup()
 * costs the whole state. One checkpoint at a time. It allocates now
 * (room to save every kthread slot and group that exists, touched only as
 * they are saved), so that later events need no more memory for it than
 * without it. It also evaluates, once, the kthread classes made since the
 * last CPU-online or housekeeping update (the profile's fetch hook, if
 * any, is asked then), which every future would otherwise evaluate again
 * at its first update. Holding one changes no answer of any call.
 *
 * Return: 0; -EINVAL (NULL), -EPERM (not booted), -EBUSY (one is held),
 *         -ENOMEM (nothing changed).
 */
KAFF_EXPORT int kaff_ctx_checkpoint(struct kaff_ctx *ctx);

/**
 * kaff_ctx_rollback() - put @ctx back in the state of its checkpoint
 *
 * Every kthread, mask, group, CPU, housekeeping mask and pending deferred
 * update is as it was when kaff_ctx_checkpoint() was called (the same
 * kaff_ctx_dump(), and the same answers to every later event as if the
 * events since had never run). Kthreads made since are gone and their
 * ids are free again. What went out is not taken back: log lines stay
 * written, and no change callback is called for the masks it restores.
 * The checkpoint stays held, for the next future. Never allocates, never
 * fails on a held checkpoint.
 *
 * Return: 0; -EINVAL (NULL), -ENOENT (no checkpoint held).
 */
KAFF_EXPORT int kaff_ctx_rollback(struct kaff_ctx *ctx);

/**
 * kaff_ctx_commit() - keep the state of @ctx and drop its checkpoint
 *
 * Return: 0; -EINVAL (NULL), -ENOENT (no checkpoint held).
 */
KAFF_EXPORT int kaff_ctx_commit(struct kaff_ctx *ctx);

/** kaff_ctx_has_checkpoint() - true when @ctx holds a checkpoint */
KAFF_EXPORT bool kaff_ctx_has_checkpoint(const struct kaff_ctx *ctx);

/**
 * kaff_ctx_set_change_fn() - be told of every cpus_mask an event changes
 * @fn:   called with the kthread id and its mask before and after the
 *        event (both owned by @ctx, valid during the call only); NULL to
 *        stop
 *
 * Called once per kthread whose mask an event changed (a kthread whose
 * mask ends as it began is not reported), after the event succeeded, in
 * the order the kernel writes the masks: for a CPU online the per-CPU
 * kthreads it unparks, then kthreads_online_cpu()'s walk of the managed
 * list; a pending deferred housekeeping update before the event's own
 * changes. Both engines report the same calls. Creating a kthread is not
 * a change. @fn must not change @ctx. With a callback set, an event that
 * changes masks allocates one more buffer, so it may fail with -ENOMEM
 * (and change nothing).
 */
KAFF_EXPORT void kaff_ctx_set_change_fn(struct kaff_ctx *ctx,
					void (*fn)(void *data, unsigned int id,
						   const struct kaff_cpumask *old_mask,
						   const struct kaff_cpumask *new_mask),
					void *data);

/**
 * enum kaff_engine - how CPU-online and housekeeping updates are computed
 * @KAFF_ENGINE_INCREMENTAL: the default: kthreads in the same state are
 *	updated together, and only those whose result can have changed are
 *	looked at, so an event costs what it changes
 * @KAFF_ENGINE_REFERENCE: the kernel's own walk over the managed list,
 *	kthread by kthread in list order (kthreads_update_affinity())
 *
 * Both give the same results; the reference is there to check that.
 */
enum kaff_engine {
	KAFF_ENGINE_INCREMENTAL,
	KAFF_ENGINE_REFERENCE
};

/**
 * kaff_ctx_set_engine() - setup: choose the update engine
 *
 * Return: 0; -EPERM after boot; -EINVAL for an unknown engine.
 */
KAFF_EXPORT int kaff_ctx_set_engine(struct kaff_ctx *ctx, enum kaff_engine engine);

KAFF_EXPORT const struct kaff_profile *kaff_ctx_profile(const struct kaff_ctx *ctx);
KAFF_EXPORT bool kaff_ctx_booted(const struct kaff_ctx *ctx);

/**
 * kaff_machine_set_node() - setup: the CPUs of NUMA node @node
 * @node: 0 .. KAFF_MAX_NUMNODES-1; node IDs must end up dense (0..k-1)
 * @cpus: its CPUs (may be empty: a CPU-less node), width nr_cpu_ids
 *
 * Return: 0; -EPERM after boot; -ERANGE for a bad @node or width;
 *         -EEXIST if @node was set already; -EINVAL if a CPU of @cpus is
 *         in another node; -ENOMEM.
 */
KAFF_EXPORT int kaff_machine_set_node(struct kaff_ctx *ctx, unsigned int node,
				      const struct kaff_cpumask *cpus);

/**
 * kaff_machine_add_boot_param() - setup: one isolation boot parameter
 * @param: "nohz_full=LIST" or "isolcpus=[FLAGS,]LIST", in command-line order
 *
 * The value is judged as the kernel judges it at boot
 * (housekeeping_setup()): a bad list, an invalid flag or a conflict makes
 * the kernel ignore the parameter, which is not an error here: after boot,
 * kaff_machine_boot_warning() says what was ignored and why.
 *
 * Return: 0; -EINVAL if @param is neither nohz_full= nor isolcpus=;
 *         -EPERM after boot; -ENOMEM.
 */
KAFF_EXPORT int kaff_machine_add_boot_param(struct kaff_ctx *ctx, const char *param);

/**
 * kaff_machine_set_boot_online() - setup: CPUs online when events start
 * @online: must hold CPU 0 (the x86 boot CPU); width nr_cpu_ids
 *
 * The machine boots with every CPU online (kthreadd is set up while only
 * the boot CPU runs); CPUs outside @online are then taken offline.
 *
 * Return: 0; -EPERM after boot; -ERANGE for a bad width; -EINVAL without CPU 0.
 */
KAFF_EXPORT int kaff_machine_set_boot_online(struct kaff_ctx *ctx,
					     const struct kaff_cpumask *online);

/**
 * kaff_machine_boot() - end of setup: parse the boot parameters, set up
 * housekeeping and kthreadd, take the CPUs outside the boot-online set down
 *
 * Return: 0; -EINVAL if the nodes are not dense or leave a CPU in no node
 *         (nothing changed, setup may continue); -EPERM if booted already;
 *         -ENOMEM (nothing changed).
 */
KAFF_EXPORT int kaff_machine_boot(struct kaff_ctx *ctx);

/* Why the kernel ignored (part of) an isolation boot parameter. */
enum kaff_boot_warning_reason {
	KAFF_BOOT_BAD_CPULIST,      /* list unparsable or out of range: parameter ignored */
	KAFF_BOOT_NO_HOUSEKEEPING,  /* every CPU listed: boot CPU 0 kept for housekeeping */
	KAFF_BOOT_MISMATCH,         /* shares a type with an earlier parameter: ignored */
	KAFF_BOOT_INVALID_FLAG,     /* isolcpus flag with a bad character: parameter ignored */
	KAFF_BOOT_UNKNOWN_FLAG,     /* isolcpus flag skipped, the rest applies */
	KAFF_BOOT_EMPTY             /* no CPU left to isolate: no effect */
};

/**
 * struct kaff_boot_warning - one thing the kernel ignored at boot
 * @reason:  why
 * @param:   the whole boot parameter as given ("isolcpus=domain,4-8")
 * @console: the line the kernel prints ("Housekeeping: nohz_full= or
 *           isolcpus= incorrect CPU range"), or NULL when it prints none
 * @meaning: what it means for the user, one sentence
 *
 * Strings are owned by the context and live as long as it does.
 */
struct kaff_boot_warning {
	enum kaff_boot_warning_reason reason;
	const char *param;
	const char *console;
	const char *meaning;
};

/** kaff_machine_nr_boot_warnings() - how many; 0 before boot */
KAFF_EXPORT unsigned int kaff_machine_nr_boot_warnings(const struct kaff_ctx *ctx);

/**
 * kaff_machine_boot_warning() - the @i-th boot warning, in parsing order
 *
 * Return: 0; -EINVAL for NULL arguments; -EPERM before boot; -ERANGE if
 *         @i >= kaff_machine_nr_boot_warnings().
 */
KAFF_EXPORT int kaff_machine_boot_warning(const struct kaff_ctx *ctx, unsigned int i,
					  struct kaff_boot_warning *w);

KAFF_EXPORT unsigned int kaff_machine_nr_cpu_ids(const struct kaff_ctx *ctx);
KAFF_EXPORT unsigned int kaff_machine_nr_nodes(const struct kaff_ctx *ctx);
/** cpu_possible_mask: all of 0 .. nr_cpu_ids-1 */
KAFF_EXPORT const struct kaff_cpumask *kaff_machine_possible_mask(const struct kaff_ctx *ctx);
/** cpu_online_mask */
KAFF_EXPORT const struct kaff_cpumask *kaff_machine_online_mask(const struct kaff_ctx *ctx);
/** the static CPUs of @node, online or not; NULL for a node that does not exist */
KAFF_EXPORT const struct kaff_cpumask *kaff_machine_node_cpus(const struct kaff_ctx *ctx,
							     unsigned int node);
/**
 * kaff_machine_cpumask_of_node() - cpumask_of_node(@node) as x86 keeps it:
 * the node's CPUs that are online now (docs/algorithm.md#rule-cpu-sets)
 *
 * Return: 0; -ERANGE for a node that does not exist or a bad width of @out.
 */
KAFF_EXPORT int kaff_machine_cpumask_of_node(const struct kaff_ctx *ctx, unsigned int node,
					     struct kaff_cpumask *out);
/** cpu_to_node(@cpu); -1 for a CPU >= nr_cpu_ids */
KAFF_EXPORT int kaff_machine_cpu_to_node(const struct kaff_ctx *ctx, unsigned int cpu);

/**
 * kaff_cpu_online() - write 1 to /sys/devices/system/cpu/cpu@cpu/online
 *
 * Onlining an online CPU succeeds and does nothing. Otherwise the CPU comes
 * up, its per-CPU kthreads are unparked (rebound to it), and every
 * kthread on the managed list is re-affined (kthreads_online_cpu()).
 *
 * Return: 0; kernel errors: -ENOENT for CPU 0 (no online file on x86),
 *         -EINVAL when the kthreads callback fails (a bound or per-CPU
 *         kthread on the managed list): the CPU is rolled back offline and
 *         masks already changed stay changed. libkaff refusals: -ERANGE
 *         for @cpu >= nr_cpu_ids, -EPERM before boot, -ENOMEM.
 */
KAFF_EXPORT int kaff_cpu_online(struct kaff_ctx *ctx, unsigned int cpu);

/**
 * kaff_cpu_offline() - write 0 to /sys/devices/system/cpu/cpu@cpu/online
 *
 * Offlining an offline CPU succeeds and does nothing. Sleeping kthreads
 * keep their masks (no offline callback); per-CPU kthreads park.
 *
 * Return: 0; kernel errors: -ENOENT for CPU 0, -EBUSY when no online
 *         domain-housekeeping CPU would remain (offline_check_excludes_target,
 *         6.x: other than @cpu; 7.x: at all, @cpu included). libkaff refusals: -ERANGE,
 *         -EPERM before boot.
 */
KAFF_EXPORT int kaff_cpu_offline(struct kaff_ctx *ctx, unsigned int cpu);

#ifdef __cplusplus
}
#endif

#endif /* LIBKAFF_MACHINE_H */
