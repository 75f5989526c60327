/* SPDX-License-Identifier: MIT */
/*
 * kaff diff's profile fields: the rules grouped as the engine uses them,
 * how to say each group's values and rule in words, and the hybrid
 * profiles that test one group alone. Below diff.c (the comparison and
 * the text) and diff-json.c (--json), which both read them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "diff-state.h"

/* ------------------------------------------------------------------------
 * The profile fields, grouped as the engine uses them
 */

const struct fgroup_desc kaff_diff_fgroups[FG_NR] = {
	[FG_KTHREAD_HK] = { "kthread_hk", "D1/D2", "housekeeping type" },
	[FG_LIST_UNBOUND] = { "list_unbound", "D4-D6", "kthreadd and no-node kthreads on the managed list" },
	[FG_ONLINE_SKIPS] = { "online_skips_unbound", "D7", "CPU online filter" },
	[FG_RUNTIME_ISO] = { "runtime_domain_isolation, has_domain_boot", "D8/D9",
			     "isolated cpuset partitions" },
	[FG_OFFLINE_CHECK] = { "offline_check_excludes_target", "D14",
			       "last domain-housekeeping CPU offline check" },
	[FG_BOOT_SHARED] = { "boot_shared_flag_always_ignored", "D15",
			     "second boot parameter sharing a flag" },
	[FG_HOOKS] = { "fetch_fn, online_fn", "hooks", "your own rule in C" },
};

/* The profile rules of each group (DOMAIN_BOOT exists to be the base of
 * runtime updates: the two only make sense together). */
static const int fgroup_rules[FG_NR][2] = {
	[FG_KTHREAD_HK] = { KAFF_RULE_KTHREAD_HK, -1 },
	[FG_LIST_UNBOUND] = { KAFF_RULE_LIST_UNBOUND, -1 },
	[FG_ONLINE_SKIPS] = { KAFF_RULE_ONLINE_SKIPS_UNBOUND, -1 },
	[FG_RUNTIME_ISO] = { KAFF_RULE_RUNTIME_DOMAIN_ISOLATION, KAFF_RULE_HAS_DOMAIN_BOOT },
	[FG_OFFLINE_CHECK] = { KAFF_RULE_OFFLINE_CHECK_EXCLUDES_TARGET, -1 },
	[FG_BOOT_SHARED] = { KAFF_RULE_BOOT_SHARED_FLAG_ALWAYS_IGNORED, -1 },
	[FG_HOOKS] = { -1, -1 },
};

static int rule(const struct kaff_profile *p, enum kaff_rule r)
{
	return kaff_profile_get(p, r);
}

/* Do the fetch or online hooks (or their data) of @p and @q differ? */
static bool hooks_differ(const struct kaff_profile *p, const struct kaff_profile *q)
{
	void *dp, *dq;
	unsigned int fp, fq;

	if (kaff_profile_get_fetch_fn(p, &dp, &fp) != kaff_profile_get_fetch_fn(q, &dq, &fq) ||
	    dp != dq || fp != fq)
		return true;
	return kaff_profile_get_online_fn(p, &dp) != kaff_profile_get_online_fn(q, &dq) || dp != dq;
}

bool kaff_diff_fgroup_differs(enum field_group g, const struct kaff_profile *a,
			   const struct kaff_profile *b)
{
	int i;

	if (g == FG_HOOKS)
		return hooks_differ(a, b);
	for (i = 0; i < 2 && fgroup_rules[g][i] >= 0; i++)
		if (rule(a, (enum kaff_rule)fgroup_rules[g][i]) !=
		    rule(b, (enum kaff_rule)fgroup_rules[g][i]))
			return true;
	return false;
}

/* A profile derived from @base with group @g taken from @from. */
int kaff_diff_fgroup_hybrid(enum field_group g, const struct kaff_profile *base,
			 const struct kaff_profile *from, struct kaff_profile **out)
{
	int i, ret = kaff_profile_derive(base, out);

	if (ret)
		return ret;
	if (g == FG_HOOKS) {
		void *data;
		unsigned int flags;
		kaff_fetch_fn fetch = kaff_profile_get_fetch_fn(from, &data, &flags);

		kaff_profile_set_fetch_fn(*out, fetch, data, flags);
		kaff_profile_set_online_fn(*out, kaff_profile_get_online_fn(from, &data), data);
	}
	for (i = 0; i < 2 && fgroup_rules[g][i] >= 0; i++) {
		enum kaff_rule r = (enum kaff_rule)fgroup_rules[g][i];

		/* A value one built-in profile has is valid for every one. */
		kaff_profile_set(*out, r, rule(from, r));
	}
	return 0;
}

static const char *hk_name(enum kaff_hk_type t)
{
	switch (t) {
	case KAFF_HK_TYPE_DOMAIN_BOOT:
		return "HK_TYPE_DOMAIN_BOOT";
	case KAFF_HK_TYPE_DOMAIN:
		return "HK_TYPE_DOMAIN";
	case KAFF_HK_TYPE_MANAGED_IRQ:
		return "HK_TYPE_MANAGED_IRQ";
	case KAFF_HK_TYPE_KERNEL_NOISE:
		return "HK_TYPE_KERNEL_NOISE";
	default:
		return "HK_TYPE_?";
	}
}

/* "A: value, B: value" of the group's fields. */
void kaff_diff_fgroup_values(struct kaff_sbuf *o, enum field_group g, const struct kaff_profile *a,
			  const struct kaff_profile *b)
{
	const struct kaff_profile *p[2] = { a, b };
	int i, j;

	for (i = 0; i < 2; i++) {
		kaff_sbuf_printf(o, "%s%s ", i ? ", " : "", kaff_profile_name(p[i]));
		if (g == FG_HOOKS)
			kaff_sbuf_printf(o, "%s/%s",
					 kaff_profile_get_fetch_fn(p[i], NULL, NULL) ? "hook" : "kernel",
					 kaff_profile_get_online_fn(p[i], NULL) ? "hook" : "kernel");
		for (j = 0; j < 2 && fgroup_rules[g][j] >= 0; j++) {
			enum kaff_rule r = (enum kaff_rule)fgroup_rules[g][j];

			kaff_sbuf_printf(o, "%s%s", j ? "/" : "",
					 kaff_profile_value_name(r, rule(p[i], r)));
		}
	}
}

/* Isolation of type @t as the boot set it in @run ("-" when none). */
static const char *iso_of(const struct obs_run *run, enum kaff_hk_type t)
{
	if (t == KAFF_HK_TYPE_KERNEL_NOISE)
		return run->noise_iso ? run->noise_iso : "-";
	return run->domain_iso ? run->domain_iso : "-";
}

static const char *iso_label(enum kaff_hk_type t)
{
	return t == KAFF_HK_TYPE_KERNEL_NOISE ? "nohz_full (nohz_full=, isolcpus=nohz)"
					      : "isolcpus domain (isolcpus=, isolcpus=domain)";
}

/* The rule in words, going from A to B, with this machine's CPUs. */
void kaff_diff_fgroup_rule(struct kaff_sbuf *o, enum field_group g, const struct kaff_profile *a,
			const struct kaff_profile *b, const struct obs_run *ra,
			const struct obs_run *rb)
{
	const char *an = kaff_profile_name(a), *bn = kaff_profile_name(b);

	switch (g) {
	case FG_KTHREAD_HK: {
		enum kaff_hk_type ta = (enum kaff_hk_type)rule(a, KAFF_RULE_KTHREAD_HK);
		enum kaff_hk_type tb = (enum kaff_hk_type)rule(b, KAFF_RULE_KTHREAD_HK);

		kaff_sbuf_printf(o, "kthreads follow %s under %s, %s under %s", hk_name(ta), an,
				 hk_name(tb), bn);
		/* Each side's isolation as its own boot set it: the two may
		 * read the same boot parameters differently (D15). A side that
		 * refused the boot_online set has nothing to show. */
		if (ra->points && strcmp(iso_of(ra, ta), "-"))
			kaff_sbuf_printf(o, "; %s isolation of CPUs %s no longer restricts kthreads", iso_label(ta),
					 iso_of(ra, ta));
		if (rb->points && strcmp(iso_of(rb, tb), "-"))
			kaff_sbuf_printf(o, "; %s isolation of CPUs %s now restricts kthreads", iso_label(tb),
					 iso_of(rb, tb));
		break;
	}
	case FG_LIST_UNBOUND:
		kaff_sbuf_printf(o, "kthreadd and kthreads with no node are %s the managed list under %s and %s it under %s "
				 "(%s: kthread_fetch_affinity() gives them the housekeeping mask; "
				 "off the list they keep kthreadd's mask or housekeeping_affine())",
				 rule(a, KAFF_RULE_LIST_UNBOUND) ? "on" : "off", an, rule(b, KAFF_RULE_LIST_UNBOUND) ? "on" : "off", bn,
				 rule(a, KAFF_RULE_LIST_UNBOUND) ? an : bn);
		break;
	case FG_ONLINE_SKIPS:
		kaff_sbuf_printf(o, "CPU online re-affines %s under %s and %s under %s",
				 rule(a, KAFF_RULE_ONLINE_SKIPS_UNBOUND) ? "only managed kthreads with a node or a preference"
							 : "every managed kthread",
				 an,
				 rule(b, KAFF_RULE_ONLINE_SKIPS_UNBOUND) ? "only managed kthreads with a node or a preference"
							 : "every managed kthread",
				 bn);
		break;
	case FG_RUNTIME_ISO:
		kaff_sbuf_printf(o, "isolated cpuset partitions update HK_TYPE_DOMAIN at run time and re-affine "
				 "the managed list under %s; not under %s",
				 rule(a, KAFF_RULE_RUNTIME_DOMAIN_ISOLATION) ? an : bn, rule(a, KAFF_RULE_RUNTIME_DOMAIN_ISOLATION) ? bn : an);
		break;
	case FG_OFFLINE_CHECK:
		kaff_sbuf_printf(o, "the \"keep one online domain-housekeeping CPU\" offline check %s the CPU "
				 "going down under %s and %s it under %s",
				 rule(a, KAFF_RULE_OFFLINE_CHECK_EXCLUDES_TARGET) ? "excludes" : "counts", an,
				 rule(b, KAFF_RULE_OFFLINE_CHECK_EXCLUDES_TARGET) ? "excludes" : "counts", bn);
		break;
	case FG_HOOKS:
		kaff_sbuf_printf(o, "kthread_fetch_affinity() is %s under %s and %s under %s; "
				 "which managed kthreads CPU online re-affines: %s under %s, %s under %s",
				 kaff_profile_get_fetch_fn(a, NULL, NULL) ? "a hook" : "the kernel's", an,
				 kaff_profile_get_fetch_fn(b, NULL, NULL) ? "a hook" : "the kernel's", bn,
				 kaff_profile_get_online_fn(a, NULL) ? "a hook" : "the kernel's rule", an,
				 kaff_profile_get_online_fn(b, NULL) ? "a hook" : "the kernel's rule", bn);
		break;
	case FG_BOOT_SHARED:
		kaff_sbuf_printf(o, "a second isolation boot parameter sharing a flag with the first is %s under %s "
				 "and %s under %s",
				 rule(a, KAFF_RULE_BOOT_SHARED_FLAG_ALWAYS_IGNORED) ? "always ignored" : "accepted when its mask is equal",
				 an,
				 rule(b, KAFF_RULE_BOOT_SHARED_FLAG_ALWAYS_IGNORED) ? "always ignored" : "accepted when its mask is equal",
				 bn);
		break;
	default:
		break;
	}
}

/* A task's name as output shows it. */
const char *kaff_diff_shown(const struct diff_state *st, const char *task)
{
	return task == kaff_diff_kthreadd ? st->kthreadd : task;
}

/* Print a result ("! offline 7 EBUSY\n" lines) on one line. */
void kaff_diff_put_result(struct kaff_sbuf *o, const char *res)
{
	size_t n;

	if (!res || !*res) {
		kaff_sbuf_puts(o, "ok");
		return;
	}
	while (*res) {
		n = strcspn(res, "\n");
		kaff_sbuf_printf(o, "%.*s", (int)n, res);
		res += n;
		if (*res == '\n')
			res++;
		if (*res)
			kaff_sbuf_puts(o, "; ");
	}
}

const char *kaff_diff_fgroup_key(enum field_group g)
{
	return g == FG_HOOKS ? "hooks" : kaff_profile_rule_name((enum kaff_rule)fgroup_rules[g][0]);
}

bool kaff_diff_fgroup(const struct diff_state *st, enum field_group g, const char **fields,
		      const char **topic, struct kaff_sbuf *values, struct kaff_sbuf *rule)
{
	if (!kaff_diff_fgroup_differs(g, st->a, st->b))
		return false;
	*fields = kaff_diff_fgroups[g].fields;
	*topic = kaff_diff_fgroups[g].topic;
	kaff_diff_fgroup_values(values, g, st->a, st->b);
	kaff_diff_fgroup_rule(rule, g, st->a, st->b, &st->ra, &st->rb);
	return true;
}

