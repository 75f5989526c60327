/* SPDX-License-Identifier: MIT */
/*
 * libkaff invariants: what always holds in the kernel's model, checked
 * from the outside (the public API only), for tests, fuzzers and programs
 * that drive a context themselves.
 *
 * Three kinds of check:
 *
 *   kaff_ctx_check()           one state: masks, flags, nodes, housekeeping,
 *                              the managed list (who is on it);
 *   kaff_ctx_check_step()      one state and the step that led to it from a
 *                              snapshot taken before the step: which masks
 *                              and flags may change, list order;
 *   kaff_ctx_check_unchanged() a refused call changed nothing;
 *   kaff_ctx_compare()         two contexts are in the same observable
 *                              state (e.g. an incremental engine against the
 *                              reference walk, or two replays).
 *
 * A violation returns -EINVAL and a one-line description; a checker never
 * aborts. What the checker deliberately does NOT demand: a managed
 * kthread's mask may lag the online set until the next CPU-online event or
 * wake-up (recorded cases 19, 21, 42, 49); a started unbound kthread's mask
 * may change in many ways (sched_setaffinity, hotplug, isolate), so only
 * its shape is checked. docs/invariants.md lists every check.
 *
 * These functions allocate with the C library's malloc (not the context's
 * allocator): -ENOMEM means the checker itself ran out of memory.
 */
#ifndef LIBKAFF_INVARIANT_H
#define LIBKAFF_INVARIANT_H

#include <stddef.h>

#include <libkaff/common.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kaff_ctx;
/* A copy of a context's observable state (masks, flags, lists). */
struct kaff_snapshot;

/**
 * kaff_ctx_check() - check the invariants of one state
 * @ctx: any context, booted or not
 * @why: receives a description of the first violation (snprintf style;
 *       may be NULL when @len is 0)
 * @len: size of @why
 *
 * Return: 0 when every invariant holds; -EINVAL with @why set for a
 *         violation (or a NULL @ctx); -ENOMEM.
 */
KAFF_EXPORT int kaff_ctx_check(const struct kaff_ctx *ctx, char *why, size_t len);

/**
 * kaff_ctx_snapshot() - copy the observable state of @ctx
 * @out: receives the snapshot; free it with kaff_snapshot_free()
 *
 * Return: 0; -EINVAL for a NULL argument; -ENOMEM.
 */
KAFF_EXPORT int kaff_ctx_snapshot(const struct kaff_ctx *ctx, struct kaff_snapshot **out);

/** kaff_snapshot_free() - NULL is a no-op */
KAFF_EXPORT void kaff_snapshot_free(struct kaff_snapshot *snap);

/**
 * kaff_ctx_check_step() - kaff_ctx_check() plus the rules of one step
 * @before: snapshot of the same context taken before the step (one event
 *          or one API call); NULL checks the state only
 *
 * The step rules: ids are never reused; node, cpu and the per-CPU flag
 * never change; started and PF_NO_SETAFFINITY are never cleared; a
 * preference is set only before the first wake-up and never changes; a
 * bound or per-CPU kthread's mask changes only through the scheduler
 * fallback at wake-up, rebinding at unpark, or bind/prefer before the
 * first wake-up; the managed list only loses stopped kthreads and only
 * gains at its tail; at most one CPU changes state.
 *
 * Return: as kaff_ctx_check().
 */
KAFF_EXPORT int kaff_ctx_check_step(const struct kaff_snapshot *before,
				    const struct kaff_ctx *ctx, char *why, size_t len);

/**
 * kaff_ctx_check_unchanged() - @ctx is still in the state of @before
 * (libkaff's own refusals must change nothing)
 *
 * Return: 0; -EINVAL with the first difference in @why; -ENOMEM.
 */
KAFF_EXPORT int kaff_ctx_check_unchanged(const struct kaff_snapshot *before,
					 const struct kaff_ctx *ctx, char *why, size_t len);

/**
 * kaff_ctx_compare() - two contexts are in the same observable state
 *
 * Compares the profile, the machine (CPUs, nodes, online set), the
 * housekeeping masks, the isolated partition, every kthread (kthreadd
 * included: id, node, cpu, flags, cpus, preferred and user masks) and the
 * managed list in order. Meant for checking one engine against another on
 * the same events.
 *
 * Return: 0 when equal; -EINVAL with the first difference in @why; -ENOMEM.
 */
KAFF_EXPORT int kaff_ctx_compare(const struct kaff_ctx *a, const struct kaff_ctx *b,
				 char *why, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* LIBKAFF_INVARIANT_H */
