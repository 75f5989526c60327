/* SPDX-License-Identifier: MIT */
/*
 * Snapshots for the invariant checker (include/libkaff/invariant.h):
 * a copy of what the public API shows of a context (masks, flags, lists),
 * made through the public API only, so that the checks in invariant.c
 * judge any engine behind it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libkaff/kaff.h>
#include <libkaff/invariant.h>

#include "invariant-private.h"

static void problem(struct kaff_snapshot *s, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

static void problem(struct kaff_snapshot *s, const char *fmt, ...)
{
	va_list ap;

	if (s->problem[0])
		return;
	va_start(ap, fmt);
	vsnprintf(s->problem, sizeof(s->problem), fmt, ap);
	va_end(ap);
}

/* "cpus of kthread 4", "node mask of node 1", "online mask" */
static const char *mask_name(char *buf, size_t len, const char *what, const char *owner,
			     unsigned int id)
{
	if (owner)
		snprintf(buf, len, "%s of %s %u", what, owner, id);
	else
		snprintf(buf, len, "%s", what);
	return buf;
}

/* Copy @m into the pool; a NULL mask gives NONE. A mask of another width,
 * or with bits set at or above its width, is recorded as a problem, named
 * by @what and, unless @owner is NULL, "of @owner @id". */
static uint32_t copy_mask(struct kaff_snapshot *s, const struct kaff_cpumask *m,
			  const char *what, const char *owner, unsigned int id)
{
	char name[64];
	uint32_t idx;
	size_t i, tail;

	if (!m)
		return NONE;
	if (s->nmasks >= s->capmasks) {
		problem(s, "internal: snapshot mask pool too small");
		return NONE;
	}
	if (m->nbits != s->nbits) {
		problem(s, "%s has width %u, not nr_cpu_ids %u",
			mask_name(name, sizeof(name), what, owner, id), m->nbits, s->nbits);
		return NONE;
	}
	if (!m->bits) {
		problem(s, "%s has no bits", mask_name(name, sizeof(name), what, owner, id));
		return NONE;
	}
	idx = s->nmasks++;
	memcpy(s->pool + (size_t)idx * s->words, m->bits, s->words * sizeof(unsigned long));
	tail = s->nbits % KAFF_BITS_PER_LONG;
	i = s->words - 1;
	if (s->words && tail && (m->bits[i] & (~0UL << tail)))
		problem(s, "%s has bits set at or above nr_cpu_ids %u",
			mask_name(name, sizeof(name), what, owner, id), s->nbits);
	return idx;
}

static void copy_kt(struct kaff_snapshot *s, const struct kaff_ctx *ctx, unsigned int id,
		    struct snap_kt *k)
{
	struct kaff_kthread_info info;
	int ret = kaff_kthread_get_info(ctx, id, &info);

	memset(k, 0, sizeof(*k));
	k->id = id;
	k->cpus = k->pref = k->user = NONE;
	if (ret) {
		problem(s, "kthread %u is listed but kaff_kthread_get_info() fails: %s", id,
			kaff_strerrorname(ret));
		return;
	}
	if (info.id != id)
		problem(s, "kaff_kthread_get_info(%u) says id %u", id, info.id);
	k->node = info.node;
	k->cpu = info.cpu;
	k->flags = info.flags;
	if (!info.cpus)
		problem(s, "kthread %u has no cpus mask", id);
	k->cpus = copy_mask(s, info.cpus, "cpus", "kthread", id);
	k->pref = copy_mask(s, info.preferred, "preferred", "kthread", id);
	k->user = copy_mask(s, info.user, "user", "kthread", id);
	{
		const struct kaff_cpumask *m = kaff_kthread_cpus_mask(ctx, id);

		if (!m || !info.cpus || m->nbits != info.cpus->nbits ||
		    !kaff_cpumask_equal(m, info.cpus))
			problem(s, "kthread %u: kaff_kthread_cpus_mask() and kaff_kthread_get_info() disagree",
				id);
	}
}

void kaff_snapshot_free(struct kaff_snapshot *s)
{
	/* one block: the arrays follow the structure */
	free(s);
}

/* Walk an id list with a bound, so that a cycle cannot hang the checker. */
static size_t count_list(const struct kaff_ctx *ctx, bool managed, size_t bound, bool *cut)
{
	unsigned int id = managed ? kaff_managed_first(ctx) : kaff_kthread_first(ctx);
	size_t n = 0;

	*cut = false;
	while (id != KAFF_KTHREAD_NONE) {
		if (n == bound) {
			*cut = true;
			break;
		}
		n++;
		id = managed ? kaff_managed_next(ctx, id) : kaff_kthread_next(ctx, id);
	}
	return n;
}

/* Fill a snapshot of @ctx into *@io, reusing its block when it is large
 * enough (a NULL *@io: a new one). On -ENOMEM *@io is freed and NULL. */
static int snapshot_fill(const struct kaff_ctx *ctx, struct kaff_snapshot **io)
{
	struct kaff_snapshot *s;
	bool cut_kt = false, cut_list = false;
	unsigned int i, cpu, id;
	size_t bound, n;

	{
		struct kaff_snapshot head;
		size_t off[6], size;
		char *block;

		/* Count first, then one allocation for everything (the checker
		 * runs after every event: few, large allocations). */
		memset(&head, 0, sizeof(head));
		s = &head;
		s->profile = kaff_ctx_profile(ctx);
		s->nbits = kaff_machine_nr_cpu_ids(ctx);
		s->booted = kaff_ctx_booted(ctx);
		s->words = KAFF_BITS_TO_LONGS(s->nbits);
		s->nr_nodes = kaff_machine_nr_nodes(ctx);
		s->count = kaff_kthread_count(ctx);
		if (s->nr_nodes > KAFF_MAX_NUMNODES) {
			problem(s, "%u nodes, more than %u", s->nr_nodes, KAFF_MAX_NUMNODES);
			s->nr_nodes = KAFF_MAX_NUMNODES;
		}
		/* Live kthreads: at most count, plus one to see a walk that
		 * runs on. The managed list holds them and kthreadd, once. */
		bound = s->booted ? (size_t)s->count + 1 : 0;
		s->nr_kt = s->booted ? count_list(ctx, false, bound, &cut_kt) : 0;
		if (cut_kt)
			problem(s, "the kthread walk does not end after kaff_kthread_count() = %u kthreads",
				s->count);
		s->nr_managed = s->booted ? count_list(ctx, true, s->nr_kt + 2, &cut_list) : 0;
		if (cut_list)
			problem(s, "the managed list walk does not end (more than %zu entries)",
				s->nr_kt + 1);
		s->capmasks = 8 + KAFF_HK_TYPE_MAX + s->nr_nodes + 3 * ((uint32_t)s->nr_kt + 1);

#define ALIGN_UP(x) (((x) + _Alignof(max_align_t) - 1) & ~(_Alignof(max_align_t) - 1))
		off[0] = ALIGN_UP(sizeof(*s));
		off[1] = off[0] + ALIGN_UP((size_t)s->nr_nodes * sizeof(*s->node));
		off[2] = off[1] + ALIGN_UP((size_t)s->nbits * sizeof(*s->cpu_node));
		off[3] = off[2] + ALIGN_UP(s->nr_kt * sizeof(*s->kt));
		off[4] = off[3] + ALIGN_UP(s->nr_managed * sizeof(*s->managed));
		off[5] = off[4] + (size_t)s->capmasks * s->words * sizeof(unsigned long);
		size = off[5];
#undef ALIGN_UP
		if (*io && (*io)->block_size >= size) {
			block = (char *)*io;
			size = (*io)->block_size;
		} else {
			free(*io);
			*io = NULL;
			block = malloc(size);
			if (!block)
				return -ENOMEM;
		}
		s = (struct kaff_snapshot *)(void *)block;
		*s = head;
		s->block_size = size;
		s->node = (uint32_t *)(void *)(block + off[0]);
		s->cpu_node = (int *)(void *)(block + off[1]);
		s->kt = (struct snap_kt *)(void *)(block + off[2]);
		s->managed = (unsigned int *)(void *)(block + off[3]);
		s->pool = (unsigned long *)(void *)(block + off[4]);
	}

	s->possible = copy_mask(s, kaff_machine_possible_mask(ctx), "possible mask", NULL, 0);
	s->online = copy_mask(s, kaff_machine_online_mask(ctx), "online mask", NULL, 0);
	if (s->possible == NONE || s->online == NONE)
		problem(s, "the machine has no possible or online mask");
	for (i = 0; i < s->nr_nodes; i++) {
		const struct kaff_cpumask *m = kaff_machine_node_cpus(ctx, i);

		s->node[i] = copy_mask(s, m, "mask", "node", i);
	}
	for (cpu = 0; cpu < s->nbits; cpu++)
		s->cpu_node[cpu] = kaff_machine_cpu_to_node(ctx, cpu);
	s->cpuset_isolated = NONE;
	for (i = 0; i < KAFF_HK_TYPE_MAX; i++)
		s->hk[i] = NONE;
	s->hk_kthread = NONE;
	if (s->booted) {
		for (i = 0; i < KAFF_HK_TYPE_MAX; i++) {
			s->hk[i] = copy_mask(s, kaff_housekeeping_cpumask(ctx, (enum kaff_hk_type)i),
					     "housekeeping mask", "type", i);
			s->hk_enabled[i] = kaff_housekeeping_enabled(ctx, (enum kaff_hk_type)i);
			if (s->hk[i] == NONE)
				problem(s, "no housekeeping mask of type %u", i);
		}
		s->hk_kthread = copy_mask(s, kaff_housekeeping_cpumask(ctx, KAFF_HK_TYPE_KTHREAD),
					  "housekeeping mask", "type",
					  KAFF_HK_TYPE_KTHREAD);
		s->cpuset_isolated = copy_mask(s, kaff_cpuset_isolated_cpus(ctx),
					       "isolated partition", NULL, 0);
		if (s->hk_kthread == NONE || s->cpuset_isolated == NONE)
			problem(s, "no HK_TYPE_KTHREAD mask or isolated-partition mask");
		copy_kt(s, ctx, KAFF_KTHREADD, &s->kthreadd);
		for (n = 0, id = kaff_kthread_first(ctx); n < s->nr_kt;
		     n++, id = kaff_kthread_next(ctx, id))
			copy_kt(s, ctx, id, &s->kt[n]);
		for (n = 0, id = kaff_managed_first(ctx); n < s->nr_managed;
		     n++, id = kaff_managed_next(ctx, id))
			s->managed[n] = id;
	}
	*io = s;
	return 0;
}

int kaff_ctx_snapshot(const struct kaff_ctx *ctx, struct kaff_snapshot **out)
{
	if (!ctx || !out)
		return -EINVAL;
	*out = NULL;
	return snapshot_fill(ctx, out);
}

int kaff__snapshot_refresh(const struct kaff_ctx *ctx, struct kaff_snapshot **snap)
{
	if (!ctx || !snap)
		return -EINVAL;
	return snapshot_fill(ctx, snap);
}

