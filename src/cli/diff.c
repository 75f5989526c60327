/* SPDX-License-Identifier: MIT */
/*
 * kaff diff [--kernel A] [--kernel B] FILE.scn
 *
 * Replays one scenario under two profiles and reports, event by event,
 * where the kthread masks (and the events' results) differ; then which
 * struct kaff_profile fields differ and which difference each one explains.
 *
 * Attribution is counterfactual rather than guessed: for every group of
 * differing fields, the scenario is replayed once more under A with only
 * that group taken from B (and under B with it taken from A). A field
 * group explains a difference when flipping it alone turns one side's
 * result into the other's. Such hybrid profiles are derived with
 * kaff_profile_derive() and kaff_profile_set().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"

static const char diff_usage[] =
	"usage: kaff diff [-J] [-k A] [-k B] [--population POP] FILE.scn|-\n"
	"\n"
	"Replay FILE under two profiles (default A = 6.14, B = 7.3) and print, event\n"
	"by event, the kthread masks and event results that differ; then each\n"
	"struct kaff_profile field (kernel rule) that differs between A and B, and\n"
	"which differences flipping that field alone explains.\n"
	"\n"
	"  -k, --kernel V  the first one sets A, the second one sets B (6.14 to 7.3,\n"
	"                  or BASE+RULE=VALUE...+./RULE.so: kaff(1), KERNEL PROFILES)\n"
	"  --population POP   replay on every kthread of the population file POP\n"
	"                     (kaff host --kthreads; docs/population.md)\n"
	"  -J, --json      print one JSON object (schema kaff-diff 1) instead of the\n"
	"                  text" KAFF_JSON_NOTE "\n"
	"  -h, --help      print this help\n"
	"  -V, --version   print kaff's version\n"
	"\n"
	"Exit status: 0 identical, 1 they differ, 2 usage or scenario error (or a\n"
	"profile that cannot replay the file: isolate under 6.x), 3 libkaff failed.\n";

enum { OPT_JSON = 'J', OPT_KERNEL = 'k', OPT_POPULATION = 256 };

static const struct kaff_opt diff_opts[] = {
	{ "population", OPT_POPULATION, true },
	{ "json", OPT_JSON, false },
	{ "kernel", OPT_KERNEL, true },
	{ NULL, 0, false },
};

/* ------------------------------------------------------------------------
 * The profile fields, grouped as the engine uses them
 */

struct fgroup_desc {
	const char *fields; /* struct kaff_profile field names */
	const char *kernel; /* docs/algorithm.md#rule-differences rows */
	const char *topic;
};

static const struct fgroup_desc fgroups[FG_NR] = {
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

static bool fgroup_differs(enum field_group g, const struct kaff_profile *a,
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
static int fgroup_hybrid(enum field_group g, const struct kaff_profile *base,
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
static void fgroup_values(struct kaff_sbuf *o, enum field_group g, const struct kaff_profile *a,
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
static void fgroup_rule(struct kaff_sbuf *o, enum field_group g, const struct kaff_profile *a,
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

/* ------------------------------------------------------------------------
 * Comparing
 */

/* A task's name as output shows it. */
static const char *shown(const struct diff_state *st, const char *task)
{
	return task == kaff_diff_kthreadd ? st->kthreadd : task;
}

static int add_diff(struct diff_state *st, unsigned int p, const char *task)
{
	if (st->nr_diffs == st->cap_diffs) {
		size_t cap = st->cap_diffs ? st->cap_diffs * 2 : 16;
		struct difference *nd = realloc(st->diffs, cap * sizeof(*nd));

		if (!nd)
			return -ENOMEM;
		st->diffs = nd;
		st->cap_diffs = cap;
	}
	st->diffs[st->nr_diffs].point = p;
	st->diffs[st->nr_diffs].task = task;
	st->diffs[st->nr_diffs].explained_by = 0;
	st->nr_diffs++;
	return 0;
}

/* Print a result ("! offline 7 EBUSY\n" lines) on one line. */
static void put_result(struct kaff_sbuf *o, const char *res)
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

static void put_point_header(struct diff_state *st, unsigned int p)
{
	char desc[256];
	unsigned int line = 0;

	if (!p) {
		kaff_sbuf_puts(&st->out, "boot:\n");
		return;
	}
	if (kaff_scenario_event_describe(st->sc, p - 1, desc, sizeof(desc), &line) < 0)
		strcpy(desc, "?");
	kaff_sbuf_printf(&st->out, "event %u (line %u) %s:\n", p, line, desc);
}

/*
 * Walk the points. A task's difference is printed when it appears or
 * changes, and "same again" when it goes away, so that one early
 * difference does not repeat on every later event.
 */
static int compare_runs(struct diff_state *st)
{
	const struct obs_run *ra = &st->ra, *rb = &st->rb;
	unsigned int p, i;
	int ret;

	for (p = 0; p < ra->nr_points; p++) {
		const struct obs_point *pa = &ra->points[p], *pb = &rb->points[p];

		bool any = false;
		const struct obs_point *prev_a = p ? &ra->points[p - 1] : NULL;
		const struct obs_point *prev_b = p ? &rb->points[p - 1] : NULL;
		bool header = false;

		if (!kaff_diff_same(kaff_diff_value(ra, p, NULL), kaff_diff_value(rb, p, NULL))) {
			put_point_header(st, p);
			header = true;
			kaff_sbuf_printf(&st->out, "  %-16s %s ", "result", kaff_profile_name(st->a));
			put_result(&st->out, pa->result);
			kaff_sbuf_printf(&st->out, "  %s ", kaff_profile_name(st->b));
			put_result(&st->out, pb->result);
			kaff_sbuf_puts(&st->out, "\n");
			if ((ret = add_diff(st, p, NULL)))
				return ret;
			any = true;
		}
		for (i = 0; i < pa->nr_tasks; i++) {
			const char *name = pa->tasks[i].name;
			const char *ma = pa->tasks[i].mask, *mb = kaff_diff_value(rb, p, name);
			const char *was_a = prev_a ? kaff_diff_value(ra, p - 1, name) : NULL;
			const char *was_b = prev_b ? kaff_diff_value(rb, p - 1, name) : NULL;
			bool differs = !kaff_diff_same(ma, mb);
			bool was_diff = was_a && was_b && !kaff_diff_same(was_a, was_b);

			any = any || differs;
			if (differs && was_diff && kaff_diff_same(ma, was_a) && kaff_diff_same(mb, was_b))
				continue; /* printed already */
			if (!differs && !was_diff)
				continue;
			/* Only a difference that appears or changes is one to
			 * explain: later points just carry it. */
			if (differs && (ret = add_diff(st, p, name)))
				return ret;
			if (!header) {
				put_point_header(st, p);
				header = true;
			}
			if (differs)
				kaff_sbuf_printf(&st->out, "  %-16s %s %s  %s %s\n", shown(st, name),
						 kaff_profile_name(st->a), ma, kaff_profile_name(st->b), mb ? mb : "(none)");
			else
				kaff_sbuf_printf(&st->out, "  %-16s same again: %s\n", shown(st, name),
						 ma);
		}
		if (any)
			st->nr_points_differ++;
	}
	return 0;
}

static int run_hybrids(struct diff_state *st)
{
	int g, side, ret;

	for (g = 0; g < FG_NR; g++) {
		if (!fgroup_differs((enum field_group)g, st->a, st->b))
			continue;
		for (side = 0; side < 2; side++) {
			struct kaff_profile *hp;

			ret = fgroup_hybrid((enum field_group)g, side ? st->b : st->a,
					    side ? st->a : st->b, &hp);
			if (ret)
				return ret;
			ret = kaff_diff_record(st->sc, hp, &st->hy[g][side]);
			kaff_profile_free(hp);
			/* A hybrid that cannot replay the file explains nothing. */
			/* ... or whose hook gives a kthread no CPU */
			if (ret == -EOPNOTSUPP || ret == -EDOM)
				continue;
			if (ret)
				return ret;
		}
		st->hy_done[g] = true;
	}
	return 0;
}

/* Does flipping group @g alone explain difference @d? */
static bool explains(const struct diff_state *st, int g, const struct difference *d)
{
	const char *va, *vb;

	if (!st->hy_done[g])
		return false;
	if (d->point == 0 && !d->task) {
		/* the boot itself: compare success or refusal */
		return (st->hy[g][0].boot_ret == st->rb.boot_ret) ||
		       (st->hy[g][1].boot_ret == st->ra.boot_ret);
	}
	va = kaff_diff_value(&st->ra, d->point, d->task);
	vb = kaff_diff_value(&st->rb, d->point, d->task);
	return kaff_diff_same(kaff_diff_value(&st->hy[g][0], d->point, d->task), vb) ||
	       kaff_diff_same(kaff_diff_value(&st->hy[g][1], d->point, d->task), va);
}

static void put_diff_ref(const struct diff_state *st, struct kaff_sbuf *o,
			 const struct difference *d)
{
	const char *what = d->task ? shown(st, d->task) : "result";

	if (!d->point)
		kaff_sbuf_printf(o, "boot %s", what);
	else
		kaff_sbuf_printf(o, "event %u %s", d->point, what);
}

/* At most this many references per rule; the rest are counted. */
#define MAX_REFS 8

static void summarize(struct diff_state *st)
{
	struct kaff_sbuf *o = &st->out;
	unsigned int events = 0, masks = 0, results = 0, last = ~0u, unexplained = 0;
	size_t i;
	int g;

	for (i = 0; i < st->nr_diffs; i++) {
		struct difference *d = &st->diffs[i];

		if (d->point != last)
			events++;
		last = d->point;
		if (d->task)
			masks++;
		else
			results++;
		for (g = 0; g < FG_NR; g++)
			if (explains(st, g, d))
				d->explained_by |= 1u << g;
		if (!d->explained_by)
			unexplained++;
	}
	kaff_sbuf_printf(o, "summary: %s and %s %s: ", kaff_profile_name(st->a), kaff_profile_name(st->b),
			 st->nr_diffs ? "differ" : "agree");
	if (st->ra.boot_ret || st->rb.boot_ret)
		kaff_sbuf_printf(o, "%s\n", st->nr_diffs ? "one boots, the other refuses the boot_online set"
						       : "both refuse the boot_online set");
	else
		kaff_sbuf_printf(o, "%zu difference%s (%u in task masks, %u in event results) at %u point%s; "
				    "something differs after %u of %u points (boot and each event)\n",
				 st->nr_diffs, st->nr_diffs == 1 ? "" : "s", masks, results, events,
				 events == 1 ? "" : "s", st->nr_points_differ, st->ra.nr_points);
	kaff_sbuf_printf(o, "profile fields that differ between %s and %s:\n", kaff_profile_name(st->a),
			 kaff_profile_name(st->b));
	for (g = 0; g < FG_NR; g++) {
		unsigned int n = 0;

		if (!fgroup_differs((enum field_group)g, st->a, st->b))
			continue;
		kaff_sbuf_printf(o, "  %s (%s, %s; ", fgroups[g].fields, fgroups[g].kernel,
				 fgroups[g].topic);
		fgroup_values(o, (enum field_group)g, st->a, st->b);
		kaff_sbuf_puts(o, ")\n    rule: ");
		fgroup_rule(o, (enum field_group)g, st->a, st->b, &st->ra, &st->rb);
		kaff_sbuf_puts(o, "\n    ");
		for (i = 0; i < st->nr_diffs; i++) {
			if (!(st->diffs[i].explained_by & (1u << g)))
				continue;
			if (n < MAX_REFS) {
				kaff_sbuf_puts(o, n ? ", " : "explains: ");
				put_diff_ref(st, o, &st->diffs[i]);
			}
			n++;
		}
		if (n > MAX_REFS)
			kaff_sbuf_printf(o, " and %u more", n - MAX_REFS);
		if (!n)
			kaff_sbuf_printf(o, "%s", st->hy_done[g] ? "caused no difference here on its own"
							 : "not testable alone on this file");
		kaff_sbuf_puts(o, "\n");
	}
	for (g = 0; g < FG_NR && !fgroup_differs((enum field_group)g, st->a, st->b); g++)
		;
	if (g == FG_NR)
		kaff_sbuf_puts(o, "  none: both follow the same rules\n");
	if (unexplained) {
		unsigned int n = 0;

		kaff_sbuf_puts(o, "not explained by one field alone (several rules together): ");
		for (i = 0; i < st->nr_diffs; i++) {
			if (st->diffs[i].explained_by)
				continue;
			if (n < MAX_REFS) {
				kaff_sbuf_puts(o, n ? ", " : "");
				put_diff_ref(st, o, &st->diffs[i]);
			}
			n++;
		}
		if (n > MAX_REFS)
			kaff_sbuf_printf(o, " and %u more", n - MAX_REFS);
		kaff_sbuf_puts(o, "\n");
	}
}

const char *kaff_diff_shown(const struct diff_state *st, const char *task)
{
	return shown(st, task);
}

void kaff_diff_put_result(struct kaff_sbuf *o, const char *res)
{
	put_result(o, res);
}

const char *kaff_diff_fgroup_key(enum field_group g)
{
	return g == FG_HOOKS ? "hooks" : kaff_profile_rule_name((enum kaff_rule)fgroup_rules[g][0]);
}

bool kaff_diff_fgroup(const struct diff_state *st, enum field_group g, const char **fields,
		      const char **topic, struct kaff_sbuf *values, struct kaff_sbuf *rule)
{
	if (!fgroup_differs(g, st->a, st->b))
		return false;
	*fields = fgroups[g].fields;
	*topic = fgroups[g].topic;
	fgroup_values(values, g, st->a, st->b);
	fgroup_rule(rule, g, st->a, st->b, &st->ra, &st->rb);
	return true;
}

static void diff_state_free(struct diff_state *st)
{
	int g;

	kaff_diff_run_free(&st->ra);
	kaff_diff_run_free(&st->rb);
	for (g = 0; g < FG_NR; g++) {
		kaff_diff_run_free(&st->hy[g][0]);
		kaff_diff_run_free(&st->hy[g][1]);
	}
	free(st->diffs);
	kaff_sbuf_free(&st->out);
}

int kaff_cmd_diff(int argc, char **argv)
{
	const char *kernels[2] = { "6.14", "7.3" }, *file = NULL;
	struct kaff_cli_kernel kk[2] = { { 0 }, { 0 } };
	struct kaff_scenario *sc = NULL;
	struct diff_state st;
	struct kaff_population *pop = NULL;
	const char *popfile = NULL;
	static const char *const operands[] = { "FILE" };
	unsigned int nk = 0;
	struct kaff_args args;
	bool json = false;
	int i, opt, ret, status;

	memset(&st, 0, sizeof(st));
	kaff_args_init(&args, "diff", diff_usage, diff_opts, argc, argv);
	while ((opt = kaff_args_next(&args)) > 0) {
		if (opt == OPT_POPULATION)
			popfile = args.arg;
		if (opt == OPT_JSON) {
			json = true;
		} else if (opt == OPT_KERNEL && nk == 2) {
			kaff_args_error(&args, "--kernel given more than twice");
			return args.status;
		} else if (opt == OPT_KERNEL) {
			kernels[nk++] = args.arg;
		}
	}
	if (opt < 0 || !kaff_args_operands(&args, 1, 1, operands))
		return args.status;
	file = args.operands[0];
#ifndef KAFF_HAVE_JANSSON
	if (json)
		return kaff_json_unavailable("diff");
#endif
	for (i = 0; i < 2; i++) {
		status = kaff_cli_kernel("diff", kernels[i], &kk[i]);
		if (status) {
			kaff_cli_kernel_free(&kk[0]);
			return status;
		}
	}
	st.a = kk[0].profile;
	st.b = kk[1].profile;
	if (popfile) {
		status = kaff_cli_read_population(popfile, NULL, &pop);
		if (status)
			goto out;
	}
	status = kaff_load_scenario("diff", file, NULL, pop, &sc);
	if (status)
		goto out;
	st.file = kaff_display_name(file);
	st.sc = sc;
	st.kthreadd = kaff_kthreadd_label(sc);
	ret = kaff_diff_record(sc, st.a, &st.ra);
	if (!ret)
		ret = kaff_diff_record(sc, st.b, &st.rb);
	if (ret == -EDOM) {
		status = kaff_cli_replay_failed("diff", st.file,
						st.ra.points || st.ra.boot_ret ? st.b : st.a, ret);
		goto out;
	}
	if (ret == -EOPNOTSUPP) {
		fprintf(stderr, "kaff: diff: %s: isolate is not modelled under kernel %s: no comparison "
			"(two 7.x profiles compare: --kernel 7.0 --kernel 7.3)\n",
			st.file, st.ra.points || st.ra.boot_ret ? kaff_profile_name(st.b) : kaff_profile_name(st.a));
		status = KAFF_EXIT_USAGE;
		goto out;
	}
	if (!ret) {
		/* what each kernel ignored at boot: once when they agree */
		if (kaff_boot_notes_equal(&st.ra.boot, &st.rb.boot)) {
			kaff_boot_notes_print(&st.ra.boot, st.file, NULL);
		} else {
			kaff_boot_notes_print(&st.ra.boot, st.file, kaff_profile_name(st.a));
			kaff_boot_notes_print(&st.rb.boot, st.file, kaff_profile_name(st.b));
		}
		ret = run_hybrids(&st);
	}
	if (ret) {
		fprintf(stderr, "kaff: diff: %s: replay stopped: %s\n", st.file, kaff_strerrorname(ret));
		status = KAFF_EXIT_INTERNAL;
		goto out;
	}
	kaff_sbuf_printf(&st.out, "kaff diff: %s: kernel %s (%s rules) vs kernel %s (%s rules)\n",
			 st.file, kaff_profile_name(st.a), kaff_profile_rules(st.a), kaff_profile_name(st.b), kaff_profile_rules(st.b));
	if (st.ra.boot_ret || st.rb.boot_ret) {
		/* One profile refuses to reach the boot_online set (EBUSY). */
		kaff_sbuf_puts(&st.out, "boot:\n");
		kaff_sbuf_printf(&st.out, "  %-16s %s %s  %s %s\n", "result", kaff_profile_name(st.a),
				 st.ra.boot_ret ? kaff_strerrorname(st.ra.boot_ret) : "ok", kaff_profile_name(st.b),
				 st.rb.boot_ret ? kaff_strerrorname(st.rb.boot_ret) : "ok");
		if (st.ra.boot_ret != st.rb.boot_ret)
			ret = add_diff(&st, 0, NULL);
	} else {
		ret = compare_runs(&st);
	}
	if (ret) {
		fprintf(stderr, "kaff: diff: ENOMEM: out of memory\n");
		status = KAFF_EXIT_INTERNAL;
		goto out;
	}
	if (!st.nr_diffs)
		kaff_sbuf_puts(&st.out, "no difference: every event gives the same masks and results\n");
	summarize(&st);
#ifdef KAFF_HAVE_JANSSON
	if (json) {
		kaff_sbuf_reset(&st.out);
		if (kaff_diff_json(&st, &st.out))
			st.out.oom = true;
	}
#endif
	status = kaff_flush_out("diff", &st.out);
	if (!status && st.nr_diffs)
		status = KAFF_EXIT_FOUND;
out:
	diff_state_free(&st);
	kaff_scenario_free(sc);
	kaff_population_free(pop);
	kaff_cli_kernel_free(&kk[0]);
	kaff_cli_kernel_free(&kk[1]);
	return status;
}
