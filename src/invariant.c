/* SPDX-License-Identifier: MIT */
/*
 * Invariant checker (include/libkaff/invariant.h, docs/invariants.md).
 *
 * Written against the public API only, so that it judges any engine
 * behind it: a snapshot (snapshot.c) copies what the API shows (masks,
 * flags, lists); the checks here read snapshots. Nothing here aborts;
 * nothing here changes a context.
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

/* ---- descriptions ---------------------------------------------------- */

struct why {
	char *buf;
	size_t len;
};

static int violation(struct why *w, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

static int violation(struct why *w, const char *fmt, ...)
{
	va_list ap;

	if (w->buf && w->len) {
		va_start(ap, fmt);
		vsnprintf(w->buf, w->len, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* A mask as a cpulist for messages, cut at 60 characters. */
struct mtext {
	char s[64];
};

static struct mtext mask_text(const struct kaff_cpumask *m)
{
	struct mtext t;
	size_t n;

	if (!m) {
		strcpy(t.s, "none");
		return t;
	}
	n = kaff_cpulist_snprint(t.s, sizeof(t.s) - 3, m);
	if (!n)
		strcpy(t.s, "-");
	else if (n >= sizeof(t.s) - 3)
		strcpy(t.s + sizeof(t.s) - 4, "...");
	return t;
}

/* ---- one state ------------------------------------------------------- */

static const struct snap_kt *find_kt(const struct kaff_snapshot *s, unsigned int id)
{
	size_t lo = 0, hi = s->nr_kt;

	if (id == KAFF_KTHREADD)
		return s->booted ? &s->kthreadd : NULL;
	/* ids are in creation order, i.e. increasing (checked separately) */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->kt[mid].id == id)
			return &s->kt[mid];
		if (s->kt[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static bool on_list(const struct kaff_snapshot *s, unsigned int id)
{
	size_t i;

	for (i = 0; i < s->nr_managed; i++)
		if (s->managed[i] == id)
			return true;
	return false;
}

/* docs/algorithm.md#rule-managed-list: who is on the managed list. */
static bool should_be_listed(const struct kaff_snapshot *s, const struct snap_kt *k)
{
	if (k->pref != NONE)
		return true;
	if (k->id == KAFF_KTHREADD)
		return kaff_profile_get(s->profile, KAFF_RULE_LIST_UNBOUND);
	return (k->flags & KAFF_KTHREAD_STARTED) &&
	       !(k->flags & (KAFF_KTHREAD_NO_SETAFFINITY | KAFF_KTHREAD_PER_CPU)) &&
	       (k->node != KAFF_NUMA_NO_NODE || kaff_profile_get(s->profile, KAFF_RULE_LIST_UNBOUND));
}

#define KNOWN_FLAGS (KAFF_KTHREAD_STARTED | KAFF_KTHREAD_NO_SETAFFINITY | \
		     KAFF_KTHREAD_PER_CPU | KAFF_KTHREAD_PARKED | KAFF_KTHREAD_MANAGED)

static int check_kthread(const struct kaff_snapshot *s, const struct snap_kt *k,
			 struct why *w)
{
	struct kaff_cpumask cpus, possible = smask(s, s->possible), online = smask(s, s->online);
	unsigned int f = k->flags;

	if (!smask_ok(s, k->cpus))
		return violation(w, "kthread %u has no cpus mask", k->id);
	cpus = smask(s, k->cpus);
	/* Within the possible CPUs: its width is nr_cpu_ids with no bit at
	 * or above it (copy_mask()), and every CPU below is possible. */
	if (kaff_cpumask_empty(&cpus))
		return violation(w, "kthread %u has an empty cpus mask", k->id);
	if (f & ~(unsigned int)KNOWN_FLAGS)
		return violation(w, "kthread %u has unknown flags %#x", k->id, f);
	if ((f & KAFF_KTHREAD_MANAGED) != (on_list(s, k->id) ? KAFF_KTHREAD_MANAGED : 0u))
		return violation(w, "kthread %u: the managed flag says %s, the list says %s",
				 k->id, (f & KAFF_KTHREAD_MANAGED) ? "listed" : "unlisted",
				 on_list(s, k->id) ? "listed" : "unlisted");
	if (on_list(s, k->id) != should_be_listed(s, k))
		return violation(w, "kthread %u (node %d, flags %#x, %spreference) is %son the managed list; under %s it must %sbe",
				 k->id, k->node, f, k->pref != NONE ? "" : "no ",
				 on_list(s, k->id) ? "" : "not ", kaff_profile_name(s->profile),
				 should_be_listed(s, k) ? "" : "not ");
	if (k->node != KAFF_NUMA_NO_NODE && (k->node < 0 || (unsigned int)k->node >= s->nr_nodes))
		return violation(w, "kthread %u has node %d (%u nodes)", k->id, k->node,
				 s->nr_nodes);
	if (k->cpu != -1) {
		if (k->cpu < 0 || (unsigned int)k->cpu >= s->nbits)
			return violation(w, "kthread %u has cpu %d (nr_cpu_ids %u)", k->id, k->cpu,
					 s->nbits);
		if (!(f & KAFF_KTHREAD_NO_SETAFFINITY))
			return violation(w, "kthread %u was created on CPU %d but is not bound",
					 k->id, k->cpu);
		if (k->node != s->cpu_node[k->cpu])
			return violation(w, "kthread %u created on CPU %d has node %d, not cpu_to_node() = %d",
					 k->id, k->cpu, k->node, s->cpu_node[k->cpu]);
	}
	if ((f & KAFF_KTHREAD_NO_SETAFFINITY) && k->user != NONE)
		return violation(w, "kthread %u is bound but keeps a user request", k->id);
	if ((f & KAFF_KTHREAD_PARKED) && !(f & KAFF_KTHREAD_PER_CPU))
		return violation(w, "kthread %u is parked but not per-CPU", k->id);
	if (f & KAFF_KTHREAD_PER_CPU) {
		bool single, up;

		if (!(f & KAFF_KTHREAD_NO_SETAFFINITY) || !(f & KAFF_KTHREAD_STARTED) || k->cpu < 0)
			return violation(w, "per-CPU kthread %u must be bound, started and have a CPU (flags %#x, cpu %d)",
					 k->id, f, k->cpu);
		single = kaff_cpumask_weight(&cpus) == 1 &&
			 kaff_cpumask_test_cpu((unsigned int)k->cpu, &cpus);
		up = kaff_cpumask_test_cpu((unsigned int)k->cpu, &online);
		if (!(f & KAFF_KTHREAD_PARKED) && (!single || !up))
			return violation(w, "per-CPU kthread %u of CPU %d runs (not parked) with cpus %s while its CPU is %s",
					 k->id, k->cpu, mask_text(&cpus).s, up ? "online" : "offline");
		if ((f & KAFF_KTHREAD_PARKED) &&
		    (up || (!single && !kaff_cpumask_equal(&cpus, &possible))))
			return violation(w, "per-CPU kthread %u of CPU %d is parked with cpus %s while its CPU is %s",
					 k->id, k->cpu, mask_text(&cpus).s, up ? "online" : "offline");
	}
	return 0;
}

static int check_state(const struct kaff_snapshot *s, struct why *w)
{
	struct kaff_cpumask possible, online, all, m;
	unsigned long words[KAFF_BITS_TO_LONGS(KAFF_NR_CPUS_MAX)];
	unsigned int i, cpu;
	size_t n;
	int ret;

	if (s->problem[0])
		return violation(w, "%s", s->problem);
	if (!s->profile)
		return violation(w, "the context has no profile");
	if (s->nbits < 1 || s->nbits > KAFF_NR_CPUS_MAX)
		return violation(w, "nr_cpu_ids is %u", s->nbits);
	possible = smask(s, s->possible);
	online = smask(s, s->online);
	if (!kaff_cpumask_full(&possible))
		return violation(w, "possible CPUs %s are not 0..%u", mask_text(&possible).s,
				 s->nbits - 1);
	if (!kaff_cpumask_test_cpu(0, &online))
		return violation(w, "CPU 0 (the boot CPU) is offline: online %s",
				 mask_text(&online).s);
	if (!s->booted) {
		if (!kaff_cpumask_full(&online))
			return violation(w, "before boot every CPU is online, not %s",
					 mask_text(&online).s);
		return 0;
	}

	/* Nodes: dense IDs whose CPUs partition the possible CPUs. */
	if (!s->nr_nodes)
		return violation(w, "booted with no node");
	all = (struct kaff_cpumask)KAFF_CPUMASK_INIT(s->nbits, words);
	kaff_cpumask_clear(&all);
	for (i = 0; i < s->nr_nodes; i++) {
		if (!smask_ok(s, s->node[i]))
			return violation(w, "node %u has no CPU mask (%u nodes)", i, s->nr_nodes);
		m = smask(s, s->node[i]);
		if (kaff_cpumask_intersects(&all, &m))
			return violation(w, "node %u shares a CPU with a lower node", i);
		kaff_cpumask_or(&all, &all, &m);
		kaff_for_each_cpu(cpu, &m)
			if (s->cpu_node[cpu] != (int)i)
				return violation(w, "CPU %u is in node %u but cpu_to_node() says %d",
						 cpu, i, s->cpu_node[cpu]);
	}
	if (!kaff_cpumask_full(&all)) {
		for (cpu = 0; kaff_cpumask_test_cpu(cpu, &all); cpu++)
			;
		return violation(w, "CPU %u is in no node", cpu);
	}

	/* Housekeeping. */
	for (i = 0; i < KAFF_HK_TYPE_MAX; i++) {
		m = smask(s, s->hk[i]);
		if (kaff_cpumask_empty(&m))
			return violation(w, "housekeeping mask of type %u is empty", i);
		if (!s->hk_enabled[i] && !kaff_cpumask_full(&m))
			return violation(w, "housekeeping type %u is not enabled but its mask is %s",
					 i, mask_text(&m).s);
	}
	m = smask(s, s->hk_kthread);
	{
		struct kaff_cpumask k = smask(s, s->hk[kaff_profile_get(s->profile, KAFF_RULE_KTHREAD_HK)]);

		if (!kaff_cpumask_equal(&m, &k))
			return violation(w, "HK_TYPE_KTHREAD is %s, not the mask of type %u (%s)",
					 mask_text(&m).s, (unsigned int)kaff_profile_get(s->profile, KAFF_RULE_KTHREAD_HK),
					 mask_text(&k).s);
	}
	m = smask(s, s->cpuset_isolated);
	if (!kaff_profile_get(s->profile, KAFF_RULE_RUNTIME_DOMAIN_ISOLATION) && !kaff_cpumask_empty(&m))
		return violation(w, "an isolated partition %s under %s", mask_text(&m).s,
				 kaff_profile_name(s->profile));
	if (!kaff_profile_get(s->profile, KAFF_RULE_HAS_DOMAIN_BOOT) && s->hk_enabled[KAFF_HK_TYPE_DOMAIN_BOOT])
		return violation(w, "HK_TYPE_DOMAIN_BOOT enabled under %s", kaff_profile_name(s->profile));
	if (kaff_profile_get(s->profile, KAFF_RULE_RUNTIME_DOMAIN_ISOLATION)) {
		struct kaff_cpumask dom = smask(s, s->hk[KAFF_HK_TYPE_DOMAIN]);
		struct kaff_cpumask boot = smask(s, s->hk[KAFF_HK_TYPE_DOMAIN_BOOT]);

		/* hk(DOMAIN) = hk(DOMAIN_BOOT) minus the partition (#rule-isolated-partitions) */
		kaff_cpumask_andnot(&all, &boot, &m);
		if (!kaff_cpumask_equal(&all, &dom))
			return violation(w, "HK_TYPE_DOMAIN %s is not HK_TYPE_DOMAIN_BOOT %s minus the partition %s",
					 mask_text(&dom).s, mask_text(&boot).s, mask_text(&m).s);
	}

	/* The other kthreads: creation order is id order (find_kt() relies
	 * on it). */
	if (s->nr_kt != s->count)
		return violation(w, "kaff_kthread_count() is %u but the walk finds %zu kthreads",
				 s->count, s->nr_kt);
	for (n = 0; n < s->nr_kt; n++)
		if (s->kt[n].id == KAFF_KTHREADD || (n && s->kt[n].id <= s->kt[n - 1].id))
			return violation(w, "kthread walk: id %u after %u (creation order is id order, kthreadd excluded)",
					 s->kt[n].id, n ? s->kt[n - 1].id : 0);
	/* Managed list: live kthreads, each once. */
	for (n = 0; n < s->nr_managed; n++) {
		size_t k;

		if (!find_kt(s, s->managed[n]))
			return violation(w, "managed list entry %zu is kthread %u, which does not live",
					 n, s->managed[n]);
		for (k = 0; k < n; k++)
			if (s->managed[k] == s->managed[n])
				return violation(w, "kthread %u is twice on the managed list",
						 s->managed[n]);
	}
	/* kthreadd */
	{
		const struct snap_kt *k = &s->kthreadd;

		if (!(k->flags & KAFF_KTHREAD_STARTED) ||
		    (k->flags & (KAFF_KTHREAD_NO_SETAFFINITY | KAFF_KTHREAD_PER_CPU |
				 KAFF_KTHREAD_PARKED)) ||
		    k->node != KAFF_NUMA_NO_NODE || k->cpu != -1 || k->pref != NONE)
			return violation(w, "kthreadd: flags %#x node %d cpu %d %s preference",
					 k->flags, k->node, k->cpu, k->pref != NONE ? "with" : "without");
		ret = check_kthread(s, k, w);
		if (ret)
			return ret;
	}
	for (n = 0; n < s->nr_kt; n++) {
		ret = check_kthread(s, &s->kt[n], w);
		if (ret)
			return ret;
	}
	return 0;
}

int kaff_ctx_check(const struct kaff_ctx *ctx, char *why, size_t len)
{
	return kaff_ctx_check_step(NULL, ctx, why, len);
}

/* kaff_ctx_snapshot(), saying "out of memory" when it is. */
static int snapshot(const struct kaff_ctx *ctx, struct kaff_snapshot **s, struct why *w)
{
	int ret = kaff_ctx_snapshot(ctx, s);

	if (ret == -ENOMEM)
		violation(w, "out of memory");
	return ret;
}

/* ---- one step -------------------------------------------------------- */

static bool same_mask(const struct kaff_snapshot *a, uint32_t ia,
		      const struct kaff_snapshot *b, uint32_t ib)
{
	struct kaff_cpumask ma, mb;

	if (ia == NONE || ib == NONE)
		return ia == ib;
	ma = smask(a, ia);
	mb = smask(b, ib);
	return kaff_cpumask_equal(&ma, &mb);
}

static unsigned int max_id(const struct kaff_snapshot *s)
{
	return s->nr_kt ? s->kt[s->nr_kt - 1].id : 0;
}

/* A bound or per-CPU kthread whose mask changed: allowed only through the
 * fallback, an unpark, or bind/prefer before the first wake-up. */
static int check_bound_change(const struct kaff_snapshot *b, const struct snap_kt *kb,
			      const struct kaff_snapshot *s, const struct snap_kt *k,
			      const struct kaff_ctx *ctx, struct why *w)
{
	struct kaff_cpumask before = smask(b, kb->cpus), now = smask(s, k->cpus);
	struct kaff_cpumask online_before = smask(b, b->online);
	struct kaff_cpumask possible = smask(s, s->possible);

	/* select_fallback_rq(): no online CPU left, all possible CPUs, user
	 * request dropped (#rule-fallback) */
	if (!kaff_cpumask_intersects(&before, &online_before) &&
	    kaff_cpumask_equal(&now, &possible) && k->user == NONE)
		return 0;
	/* kthread_unpark() of a per-CPU kthread: {cpu} again (#rule-patterns) */
	if ((kb->flags & KAFF_KTHREAD_PER_CPU) && (kb->flags & KAFF_KTHREAD_PARKED) &&
	    kaff_cpumask_weight(&now) == 1 && kaff_cpumask_test_cpu((unsigned int)k->cpu, &now))
		return 0;
	if (!(kb->flags & KAFF_KTHREAD_STARTED)) {
		/* kthread_affine_preferred(): the fetched mask, forced (#rule-prefer) */
		if (kb->pref == NONE && k->pref != NONE) {
			unsigned long words[KAFF_BITS_TO_LONGS(KAFF_NR_CPUS_MAX)];
			struct kaff_cpumask f = KAFF_CPUMASK_INIT(s->nbits, words);
			int ret = kaff_kthread_fetch_affinity(ctx, k->id, &f);

			/* no mask to show when the context cannot answer */
			if (ret)
				return violation(w, "kthread %u: prefer set cpus %s; kaff_kthread_fetch_affinity() fails: %s",
						 k->id, mask_text(&now).s, kaff_strerrorname(ret));
			if (kaff_cpumask_equal(&f, &now))
				return 0;
			return violation(w, "kthread %u: prefer set cpus %s, not the fetched affinity %s",
					 k->id, mask_text(&now).s, mask_text(&f).s);
		}
		/* kthread_bind*() before the first wake-up: any mask, bound */
		if (k->flags & KAFF_KTHREAD_NO_SETAFFINITY)
			return 0;
	}
	return violation(w, "%s kthread %u: cpus %s changed to %s, which no rule allows (only the wake-up fallback, an unpark, or bind/prefer before the first wake-up)",
			 (kb->flags & KAFF_KTHREAD_PER_CPU) ? "per-CPU" : "bound", k->id,
			 mask_text(&before).s, mask_text(&now).s);
}

static int check_kt_step(const struct kaff_snapshot *b, const struct snap_kt *kb,
			 const struct kaff_snapshot *s, const struct snap_kt *k,
			 const struct kaff_ctx *ctx, struct why *w)
{
	const unsigned int sticky = KAFF_KTHREAD_STARTED | KAFF_KTHREAD_NO_SETAFFINITY;

	if (k->node != kb->node || k->cpu != kb->cpu)
		return violation(w, "kthread %u: node/cpu changed from %d/%d to %d/%d", k->id,
				 kb->node, kb->cpu, k->node, k->cpu);
	if ((k->flags & KAFF_KTHREAD_PER_CPU) != (kb->flags & KAFF_KTHREAD_PER_CPU))
		return violation(w, "kthread %u: the per-CPU flag changed", k->id);
	if ((kb->flags & sticky) & ~k->flags)
		return violation(w, "kthread %u: flags %#x lost %#x (started and bound are never cleared)",
				 k->id, kb->flags, (kb->flags & sticky) & ~k->flags);
	if (kb->pref != NONE && !same_mask(b, kb->pref, s, k->pref))
		return violation(w, "kthread %u: its preferred mask changed", k->id);
	if (kb->pref == NONE && k->pref != NONE && (kb->flags & KAFF_KTHREAD_STARTED))
		return violation(w, "kthread %u got a preference after its first wake-up", k->id);
	if ((kb->flags & (KAFF_KTHREAD_NO_SETAFFINITY | KAFF_KTHREAD_PER_CPU)) &&
	    !same_mask(b, kb->cpus, s, k->cpus))
		return check_bound_change(b, kb, s, k, ctx, w);
	return 0;
}

static int check_step(const struct kaff_snapshot *b, const struct kaff_snapshot *s,
		      const struct kaff_ctx *ctx, struct why *w)
{
	struct kaff_cpumask ob, on;
	unsigned int i, changed = 0;
	size_t n, kept = 0;
	int ret;

	if (b->problem[0])
		return violation(w, "the snapshot before the step: %s", b->problem);
	if (strcmp(pname(b->profile), pname(s->profile)) ||
	    b->nbits != s->nbits)
		return violation(w, "the step changed the profile or nr_cpu_ids (another context?)");
	if (b->booted && !s->booted)
		return violation(w, "the context is no longer booted");
	if (!b->booted)
		return 0;
	/* The machine: nodes fixed, one CPU at a time. */
	if (b->nr_nodes != s->nr_nodes)
		return violation(w, "the number of nodes changed after boot");
	for (i = 0; i < s->nr_nodes; i++)
		if (!same_mask(b, b->node[i], s, s->node[i]))
			return violation(w, "node %u changed after boot", i);
	ob = smask(b, b->online);
	on = smask(s, s->online);
	for (i = 0; i < (unsigned int)s->words; i++) {
		unsigned long x = ob.bits[i] ^ on.bits[i];

		for (; x; x &= x - 1)
			changed++;
	}
	if (changed > 1)
		return violation(w, "%u CPUs changed state in one step (online %s -> %s)", changed,
				 mask_text(&ob).s, mask_text(&on).s);
	for (i = 0; i < KAFF_HK_TYPE_MAX; i++) {
		bool may = kaff_profile_get(s->profile, KAFF_RULE_RUNTIME_DOMAIN_ISOLATION) && i == KAFF_HK_TYPE_DOMAIN;

		if (!may && (b->hk_enabled[i] != s->hk_enabled[i] ||
			     !same_mask(b, b->hk[i], s, s->hk[i])))
			return violation(w, "housekeeping type %u changed after boot", i);
	}
	/* Kthreads: ids never come back; each live one follows the rules. */
	ret = check_kt_step(b, &b->kthreadd, s, &s->kthreadd, ctx, w);
	if (ret)
		return ret;
	for (n = 0; n < s->nr_kt; n++) {
		const struct snap_kt *k = &s->kt[n], *kb = find_kt(b, k->id);

		if (kb) {
			ret = check_kt_step(b, kb, s, k, ctx, w);
			if (ret)
				return ret;
			continue;
		}
		if (k->id <= max_id(b))
			return violation(w, "kthread %u appeared, but ids up to %u were handed out before (ids are never reused)",
					 k->id, max_id(b));
		if (k->flags & KAFF_KTHREAD_PER_CPU)
			continue;
		if ((k->flags & (KAFF_KTHREAD_STARTED | KAFF_KTHREAD_MANAGED)) || k->pref != NONE)
			return violation(w, "new kthread %u is started, listed or preferred (flags %#x)",
					 k->id, k->flags);
		/* rule C1: kthreadd's mask and user request, unless bound */
		if (!(k->flags & KAFF_KTHREAD_NO_SETAFFINITY) &&
		    (!same_mask(s, s->kthreadd.cpus, s, k->cpus) ||
		     !same_mask(s, s->kthreadd.user, s, k->user)))
			return violation(w, "new kthread %u does not have kthreadd's mask (rule C1)",
					 k->id);
	}
	/* Managed list: the old entries still alive, in order, then new ones. */
	for (n = 0; n < b->nr_managed; n++) {
		unsigned int id = b->managed[n];

		if (!find_kt(s, id))
			continue;
		if (kept >= s->nr_managed || s->managed[kept] != id)
			return violation(w, "managed list: kthread %u (entry %zu before the step) is not where it was (the list keeps its order and loses only stopped kthreads)",
					 id, n);
		kept++;
	}
	/* What follows the kept entries is new: an old one there would be a
	 * duplicate, which check_state() refuses. */
	return 0;
}

int kaff__snapshot_check_step(const struct kaff_snapshot *before,
			      const struct kaff_snapshot *now, const struct kaff_ctx *ctx,
			      char *why, size_t len)
{
	struct why w = { why, len };
	int ret;

	if (why && len)
		why[0] = '\0';
	ret = check_state(now, &w);
	if (!ret && before)
		ret = check_step(before, now, ctx, &w);
	return ret;
}

int kaff_ctx_check_step(const struct kaff_snapshot *before, const struct kaff_ctx *ctx,
			char *why, size_t len)
{
	struct why w = { why, len };
	struct kaff_snapshot *s;
	int ret;

	if (why && len)
		why[0] = '\0';
	if (!ctx)
		return violation(&w, "no context");
	ret = snapshot(ctx, &s, &w);
	if (ret)
		return ret;
	ret = check_state(s, &w);
	if (!ret && before)
		ret = check_step(before, s, ctx, &w);
	kaff_snapshot_free(s);
	return ret;
}

/* ---- comparing two states -------------------------------------------- */

static int compare_kt(const struct kaff_snapshot *a, const struct snap_kt *ka,
		      const struct kaff_snapshot *b, const struct snap_kt *kb, struct why *w)
{
	const struct {
		const char *what;
		uint32_t ia, ib;
	} masks[] = {
		{ "cpus", ka->cpus, kb->cpus },
		{ "preferred", ka->pref, kb->pref },
		{ "user request", ka->user, kb->user },
	};
	struct kaff_cpumask ma, mb;
	size_t i;

	if (ka->id != kb->id)
		return violation(w, "kthread %u where the other has %u", ka->id, kb->id);
	if (ka->node != kb->node || ka->cpu != kb->cpu || ka->flags != kb->flags)
		return violation(w, "kthread %u: node/cpu/flags %d/%d/%#x, the other %d/%d/%#x",
				 ka->id, ka->node, ka->cpu, ka->flags, kb->node, kb->cpu,
				 kb->flags);
	for (i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		if (same_mask(a, masks[i].ia, b, masks[i].ib))
			continue;
		ma = smask(a, masks[i].ia);
		mb = smask(b, masks[i].ib);
		return violation(w, "kthread %u: %s %s, the other %s", ka->id, masks[i].what,
				 mask_text(masks[i].ia == NONE ? NULL : &ma).s,
				 mask_text(masks[i].ib == NONE ? NULL : &mb).s);
	}
	return 0;
}

static int compare(const struct kaff_snapshot *a, const struct kaff_snapshot *b,
		   struct why *w)
{
	unsigned int i;
	size_t n;
	int ret;

	if (a->problem[0] || b->problem[0])
		return violation(w, "%s", a->problem[0] ? a->problem : b->problem);
	if (strcmp(pname(a->profile), pname(b->profile)))
		return violation(w, "profile %s, the other %s", pname(a->profile),
				 pname(b->profile));
	if (a->nbits != b->nbits || a->booted != b->booted || a->nr_nodes != b->nr_nodes)
		return violation(w, "nr_cpu_ids/booted/nodes %u/%d/%u, the other %u/%d/%u", a->nbits,
				 (int)a->booted, a->nr_nodes, b->nbits, (int)b->booted, b->nr_nodes);
	if (!same_mask(a, a->online, b, b->online)) {
		struct kaff_cpumask ma = smask(a, a->online), mb = smask(b, b->online);

		return violation(w, "online %s, the other %s", mask_text(&ma).s, mask_text(&mb).s);
	}
	for (i = 0; i < a->nr_nodes; i++)
		if (!same_mask(a, a->node[i], b, b->node[i]))
			return violation(w, "node %u differs", i);
	if (!a->booted)
		return 0;
	for (i = 0; i < KAFF_HK_TYPE_MAX; i++)
		if (a->hk_enabled[i] != b->hk_enabled[i] || !same_mask(a, a->hk[i], b, b->hk[i])) {
			struct kaff_cpumask ma = smask(a, a->hk[i]), mb = smask(b, b->hk[i]);

			return violation(w, "housekeeping type %u: %s%s, the other %s%s", i,
					 mask_text(&ma).s, a->hk_enabled[i] ? "" : " (not enabled)",
					 mask_text(&mb).s, b->hk_enabled[i] ? "" : " (not enabled)");
		}
	if (!same_mask(a, a->cpuset_isolated, b, b->cpuset_isolated))
		return violation(w, "the isolated partitions differ");
	ret = compare_kt(a, &a->kthreadd, b, &b->kthreadd, w);
	if (ret)
		return ret;
	for (n = 0; n < a->nr_kt && n < b->nr_kt; n++) {
		ret = compare_kt(a, &a->kt[n], b, &b->kt[n], w);
		if (ret)
			return ret;
	}
	if (a->nr_kt != b->nr_kt)
		return violation(w, "%zu kthreads, the other %zu", a->nr_kt, b->nr_kt);
	for (n = 0; n < a->nr_managed && n < b->nr_managed; n++)
		if (a->managed[n] != b->managed[n])
			return violation(w, "managed list entry %zu: kthread %u, the other %u", n,
					 a->managed[n], b->managed[n]);
	if (a->nr_managed != b->nr_managed)
		return violation(w, "managed list of %zu, the other %zu", a->nr_managed,
				 b->nr_managed);
	return 0;
}

int kaff__snapshot_compare(const struct kaff_snapshot *a, const struct kaff_snapshot *b,
			   char *why, size_t len)
{
	struct why w = { why, len };

	if (why && len)
		why[0] = '\0';
	return compare(a, b, &w);
}

int kaff_ctx_check_unchanged(const struct kaff_snapshot *before, const struct kaff_ctx *ctx,
			     char *why, size_t len)
{
	struct why w = { why, len };
	struct kaff_snapshot *s;
	int ret;

	if (why && len)
		why[0] = '\0';
	if (!before || !ctx)
		return violation(&w, "no snapshot or no context");
	ret = snapshot(ctx, &s, &w);
	if (ret)
		return ret;
	ret = compare(before, s, &w);
	kaff_snapshot_free(s);
	return ret;
}

int kaff_ctx_compare(const struct kaff_ctx *a, const struct kaff_ctx *b, char *why,
		     size_t len)
{
	struct why w = { why, len };
	struct kaff_snapshot *sa;
	int ret;

	if (why && len)
		why[0] = '\0';
	if (!a || !b)
		return violation(&w, "no context");
	ret = snapshot(a, &sa, &w);
	if (ret)
		return ret;
	ret = kaff_ctx_check_unchanged(sa, b, why, len);
	kaff_snapshot_free(sa);
	return ret;
}
