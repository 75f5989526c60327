/* SPDX-License-Identifier: MIT */
/*
 * The invariant checker's snapshot-to-snapshot entry points, for tests and
 * fuzzers that check after every event and want no allocation per check
 * (not exported; the public API is include/libkaff/invariant.h).
 */
#ifndef KAFF_INVARIANT_PRIVATE_H
#define KAFF_INVARIANT_PRIVATE_H

#include <stddef.h>

#include <stdbool.h>
#include <stdint.h>

#include <libkaff/kaff.h>
#include <libkaff/invariant.h>

/* A snapshot (snapshot.c): what the public API shows of a context, copied
 * into one block; masks are indexes into its pool. */
#define NONE UINT32_MAX

static inline const char *pname(const struct kaff_profile *p)
{
	return p ? kaff_profile_name(p) : "?";
}

struct snap_kt {
	unsigned int id;
	int node, cpu;
	unsigned int flags;
	uint32_t cpus, pref, user;     /* mask indexes, or NONE */
};

struct kaff_snapshot {
	const struct kaff_profile *profile;
	unsigned int nbits;
	bool booted;
	size_t words;                  /* per mask */
	unsigned long *pool;
	uint32_t nmasks, capmasks;
	uint32_t possible, online, cpuset_isolated;
	uint32_t hk[KAFF_HK_TYPE_MAX], hk_kthread;
	bool hk_enabled[KAFF_HK_TYPE_MAX];
	unsigned int nr_nodes;
	uint32_t *node;                /* nr_nodes mask indexes (NONE: no such node) */
	int *cpu_node;                 /* nbits entries */
	struct snap_kt kthreadd;       /* valid when booted */
	struct snap_kt *kt;            /* live kthreads in iteration order */
	size_t nr_kt;
	unsigned int count;            /* kaff_kthread_count() */
	unsigned int *managed;         /* managed list in order */
	size_t nr_managed;
	/* what went wrong while copying (a broken iteration, a bad width) */
	char problem[200];
	size_t block_size;             /* bytes of this snapshot's one block */
};

/* Mask @idx of the pool; NONE gives a zero-width mask (never read). */
static inline struct kaff_cpumask smask(const struct kaff_snapshot *s, uint32_t idx)
{
	struct kaff_cpumask m = KAFF_CPUMASK_INIT(0, NULL);

	if (idx != NONE) {
		m.nbits = s->nbits;
		m.bits = s->pool + (size_t)idx * s->words;
	}
	return m;
}

static inline bool smask_ok(const struct kaff_snapshot *s, uint32_t idx)
{
	return idx != NONE;
}

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
