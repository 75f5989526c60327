/* SPDX-License-Identifier: MIT */
/*
 * The invariant checker's snapshot-to-snapshot entry points, for tests and
 * fuzzers that check after every event and want no allocation per check
 * (not exported; the public API is include/libkaff/invariant.h).
 */
#ifndef KAFF_INVARIANT_PRIVATE_H
#define KAFF_INVARIANT_PRIVATE_H

#include <stddef.h>

#include <libkaff/invariant.h>

/* Refresh *@snap from @ctx, reusing its memory when it is large enough
 * (*@snap may be NULL). Return: 0; -EINVAL; -ENOMEM (then *@snap is NULL). */
int kaff__snapshot_refresh(const struct kaff_ctx *ctx, struct kaff_snapshot **snap);

/* kaff_ctx_check_step() on a snapshot @now of @ctx taken after the step
 * (@ctx only answers kaff_kthread_fetch_affinity()). */
int kaff__snapshot_check_step(const struct kaff_snapshot *before,
			      const struct kaff_snapshot *now, const struct kaff_ctx *ctx,
			      char *why, size_t len);

/* kaff_ctx_compare() of two snapshots. */
int kaff__snapshot_compare(const struct kaff_snapshot *a, const struct kaff_snapshot *b,
			   char *why, size_t len);

#endif /* KAFF_INVARIANT_PRIVATE_H */
