/* SPDX-License-Identifier: MIT */
/*
 * kaff audit: what is wrong with one kthread's mask in one state, and the
 * kernel rule that put the mask there.
 *
 *   - its mask holds a CPU that boot isolation (nohz_full=, isolcpus=)
 *     meant to protect (every audited kthread, on the managed list or
 *     not);
 *   - it runs on none of its preferred CPUs, its preference or its node
 *     (managed kthreads: the others have no preferred CPUs the kernel
 *     keeps them on).
 *
 * The rule comes from the cause audit-explore.c and audit.c recorded for
 * the mask (which event wrote it, and the state just before) and from
 * the state itself (housekeeping, online CPUs).
 */
#include <errno.h>

#include "audit.h"

/* The housekeeping type kthreads follow under the profile. */
static enum kaff_hk_type kthread_hk(const struct audit *au)
{
	return (enum kaff_hk_type)kaff_profile_get(au->profile, KAFF_RULE_KTHREAD_HK);
}

static const char *hk_name(enum kaff_hk_type t)
{
	return t == KAFF_HK_TYPE_DOMAIN ? "HK_TYPE_DOMAIN" : "HK_TYPE_KERNEL_NOISE";
}

/* Why @info's mask holds protected CPUs. */
static enum au_rule why_protected(struct audit *au, const struct kaff_ctx *ctx,
				  const struct kaff_kthread_info *info, enum au_cause cause,
				  struct kaff_sbuf *t)
{
	const struct kaff_cpumask *hk = kaff_housekeeping_cpumask(ctx, KAFF_HK_TYPE_KTHREAD);

	if (cause == CAUSE_SETAFFINITY) {
		kaff_sbuf_puts(t, "user setaffinity: sched_setaffinity() from user space has no housekeeping "
				  "filter (docs/algorithm.md#rule-setaffinity)");
		return RULE_SETAFFINITY;
	}
	if (cause == CAUSE_FALLBACK) {
		kaff_sbuf_puts(t, "scheduler fallback: it woke with no online CPU in its mask, and "
				  "select_fallback_rq() gave it every possible CPU (docs/algorithm.md#rule-fallback)");
		return RULE_FALLBACK;
	}
	if (cause == CAUSE_BIND) {
		/* kthread_bind_mask() sets PF_NO_SETAFFINITY: neither the
		 * kthread code nor housekeeping ever moves it again */
		kaff_sbuf_puts(t, "bound: kthread_bind() or kthread_create_on_cpu() pinned it to these CPUs, "
				  "and no housekeeping mask applies to a bound kthread");
		return RULE_BOUND;
	}
	/* A stored sched_setaffinity() request (user_cpus_ptr) is not a cause
	 * here: it only narrows the kthread code's later updates (target ∩
	 * request, docs/algorithm.md#rule-user-filter), so it never adds a protected CPU; the
	 * rules below name where the CPU came from. */
	/* Under a fetch hook the kernel's reasoning below does not hold. */
	if (kaff_profile_get_fetch_fn(au->profile, NULL, NULL)) {
		kaff_sbuf_printf(t, "fetch hook: under kernel %s kthread_fetch_affinity() is a hook, "
				    "and it gave this mask", kaff_profile_name(au->profile));
		return RULE_OTHER;
	}
	if (hk && kaff_cpumask_and(au->tmp, hk, au->protected_cpus) &&
	    kaff_cpumask_intersects(au->tmp, info->cpus)) {
		bool domain = kthread_hk(au) == KAFF_HK_TYPE_DOMAIN;

		kaff_sbuf_printf(t, "housekeeping type: under kernel %s kthreads follow %s, and CPUs ",
				 kaff_profile_name(au->profile), hk_name(kthread_hk(au)));
		kaff_sbuf_mask(t, au->tmp);
		kaff_sbuf_printf(t, " are isolated only by %s (%s), which kthreads do not heed here "
				    "(docs/algorithm.md#rule-d1)%s",
				 domain ? "nohz_full" : "isolcpus domain",
				 domain ? "HK_TYPE_KERNEL_NOISE" : "HK_TYPE_DOMAIN",
				 cause == CAUSE_CREATE ? "; it still has the mask it was created with, "
							 "kthreadd's (rule C1)" : "");
		return RULE_HK_TYPE;
	}
	if (cause == CAUSE_CREATE) {
		kaff_sbuf_puts(t, "creation mask: a new kthread copies kthreadd's mask (rule C1), and nothing "
				  "re-affined it since");
		return RULE_CREATION;
	}
	if (cause == CAUSE_BOOT) {
		/* kthreadd outside housekeeping: only when the boot CPU is isolated */
		kaff_sbuf_puts(t, "creation mask: kthreadd keeps the boot CPU it was forked with; at boot its "
				  "set_cpus_allowed_ptr() to the housekeeping mask found no online CPU and "
				  "failed (docs/algorithm.md#rule-kthreadd)");
		return RULE_CREATION;
	}
	kaff_sbuf_puts(t, "kthread update: the kthread code wrote this mask (kthread_fetch_affinity())");
	return RULE_OTHER;
}

/* Why @info runs on none of its preferred CPUs @pref. */
static enum au_rule why_lost(struct audit *au, const struct kaff_ctx *ctx,
			     const struct kaff_kthread_info *info, enum au_cause cause,
			     const struct kaff_cpumask *pref, struct kaff_sbuf *t)
{
	const struct kaff_cpumask *hk = kaff_housekeeping_cpumask(ctx, KAFF_HK_TYPE_KTHREAD);
	const struct kaff_cpumask *online = kaff_machine_online_mask(ctx);

	if (!kaff_cpumask_intersects(pref, online)) {
		kaff_sbuf_puts(t, "hotplug: none of its preferred CPUs is online");
		if (cause == CAUSE_FALLBACK)
			kaff_sbuf_puts(t, "; it woke with no online CPU and the scheduler fallback gave it every "
					  "possible CPU (docs/algorithm.md#rule-fallback)");
		else if (!kaff_cpumask_intersects(info->cpus, online))
			kaff_sbuf_puts(t, "; there is no offline callback, so it keeps a mask with no online CPU "
					  "until its next wake (docs/algorithm.md#rule-offline)");
		else if (hk && !kaff_profile_get_fetch_fn(au->profile, NULL, NULL) &&
			 !kaff_cpumask_intersects(info->preferred ? info->preferred : pref, hk))
			kaff_sbuf_puts(t, "; last resort: kthread_fetch_affinity() found no housekeeping CPU "
					  "among them and gave it the whole housekeeping mask (docs/algorithm.md#rule-fetch)");
		return RULE_HOTPLUG;
	}
	if (!kaff_cpumask_intersects(info->cpus, online)) {
		/* asleep since its CPUs went: its mask is stale, not chosen */
		kaff_sbuf_puts(t, "hotplug: its mask has no online CPU left; there is no offline callback, "
				  "so it keeps that mask until its next wake (docs/algorithm.md#rule-offline)");
		return RULE_HOTPLUG;
	}
	/* only a request that wrote the mask: a stored one (user_cpus_ptr) that
	 * misses the preferred CPUs does not filter an update inside them,
	 * and only narrows a last-resort one (docs/algorithm.md#rule-user-filter) */
	if (cause == CAUSE_SETAFFINITY) {
		kaff_sbuf_puts(t, "user setaffinity: a sched_setaffinity() request outside its preferred CPUs "
				  "(docs/algorithm.md#rule-setaffinity)");
		return RULE_SETAFFINITY;
	}
	if (cause == CAUSE_FALLBACK) {
		kaff_sbuf_puts(t, "scheduler fallback: it woke with no online CPU in its mask (docs/algorithm.md#rule-fallback)");
		return RULE_FALLBACK;
	}
	if (kaff_profile_get_fetch_fn(au->profile, NULL, NULL)) {
		kaff_sbuf_printf(t, "fetch hook: under kernel %s kthread_fetch_affinity() is a hook, "
				    "and it gave this mask", kaff_profile_name(au->profile));
		return RULE_OTHER;
	}
	/* node kthreads fetch the online CPUs of their node */
	kaff_cpumask_and(au->tmp2, pref, info->preferred ? pref : online);
	if (hk && !kaff_cpumask_intersects(au->tmp2, hk)) {
		kaff_sbuf_puts(t, "last resort: none of its preferred CPUs is a housekeeping CPU (");
		kaff_sbuf_puts(t, hk_name(kthread_hk(au)));
		kaff_sbuf_puts(t, "), so kthread_fetch_affinity() gives it the whole housekeeping mask "
				  "(docs/algorithm.md#rule-fetch)");
		return RULE_LAST_RESORT;
	}
	if (cause == CAUSE_CREATE) {
		kaff_sbuf_puts(t, "creation mask: it still has kthreadd's mask (rule C1)");
		return RULE_CREATION;
	}
	kaff_sbuf_puts(t, "kthread update: the kthread code has not re-affined it since its preferred "
			  "CPUs came back (only CPU online does, docs/algorithm.md#rule-online)");
	return RULE_OTHER;
}

int au_evaluate(struct audit *au, const struct kaff_ctx *ctx, const struct kaff_kthread_info *info,
		enum au_cause cause, bool managed, struct au_eval *out)
{
	const struct kaff_cpumask *online = kaff_machine_online_mask(ctx);
	struct kaff_sbuf *t = &au->text;
	enum au_rule rule;
	int ret;

	out->n = 0;
	if (kaff_cpumask_and(au->hit, info->cpus, au->protected_cpus)) {
		kaff_sbuf_reset(t);
		rule = why_protected(au, ctx, info, cause, t);
		if (t->oom)
			return -ENOMEM;
		ret = au_sig_intern(au, AU_PROTECTED, rule, managed, info->cpus, au->hit, t->s,
				    &out->sig[out->n]);
		if (ret)
			return ret;
		out->n++;
	}
	if (!managed)
		return 0;
	kaff_cpumask_clear(au->pref);
	if (info->preferred)
		kaff_cpumask_copy(au->pref, info->preferred);
	else if (info->node != KAFF_NUMA_NO_NODE && kaff_machine_node_cpus(ctx, (unsigned int)info->node))
		kaff_cpumask_copy(au->pref, kaff_machine_node_cpus(ctx, (unsigned int)info->node));
	if (kaff_cpumask_empty(au->pref))
		return 0;
	kaff_cpumask_and(au->tmp, info->cpus, au->pref);
	if (kaff_cpumask_intersects(au->tmp, online))
		return 0;
	kaff_sbuf_reset(t);
	rule = why_lost(au, ctx, info, cause, au->pref, t);
	if (t->oom)
		return -ENOMEM;
	ret = au_sig_intern(au, AU_LOST_PREFERRED, rule, managed, info->cpus, NULL, t->s,
			    &out->sig[out->n]);
	if (ret)
		return ret;
	out->n++;
	return 0;
}

/*
 * What au_evaluate() reads of a state besides the housekeeping mask
 * (which the caller compares whole): whether each of these meets the
 * online CPUs, as pairs (a ∩ b; b NULL: a alone). The protected-CPU
 * finding reads no online CPU. The preferred-CPU one (a managed kthread
 * with preferred CPUs @pref: its preference or its node's) reads
 * cpus ∩ pref (none online: the finding), pref and cpus (why_lost()),
 * and for a node kthread pref ∩ housekeeping (its fetch takes the node's
 * online CPUs). So a kthread whose mask a state leaves alone, under the
 * same housekeeping, and for which none of these changes whether it
 * meets the online CPUs, has the findings it had at the end.
 */
unsigned int au_watch_masks(const struct audit *au, const struct kaff_kthread_info *info,
			    const struct kaff_cpumask *pref, bool managed,
			    const struct kaff_cpumask *out[][2])
{
	unsigned int n = 0;

	if (!managed || !pref || kaff_cpumask_empty(pref))
		return 0;
	out[n][0] = info->cpus;
	out[n++][1] = pref;
	out[n][0] = pref;
	out[n++][1] = NULL;
	out[n][0] = info->cpus;
	out[n++][1] = NULL;
	if (!info->preferred) {
		out[n][0] = pref;
		out[n++][1] = au->end_hk;
	}
	return n;
}
