/* SPDX-License-Identifier: MIT */
/*
 * kaff diff [--kernel A] [--kernel B] FILE.scn
 *
 * Replays one scenario under two profiles and reports, event by event,
 * where the kthread masks (and the events' results) differ; then which
 * profile rules differ and which difference each one explains.
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

#include "diff-state.h"

static const char diff_usage[] =
	"usage: kaff diff [-J] [-k A] [-k B] [--population POP] FILE.scn|-\n"
	"\n"
	"Replay FILE under two profiles (default A = 6.14, B = 7.3) and print, event\n"
	"by event, the kthread masks and event results that differ; then each\n"
	"profile rule (kernel rule, or your own hook) that differs between A and B,\n"
	"and which differences flipping that rule alone explains.\n"
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
 * Comparing
 */

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
			kaff_diff_put_result(&st->out, pa->result);
			kaff_sbuf_printf(&st->out, "  %s ", kaff_profile_name(st->b));
			kaff_diff_put_result(&st->out, pb->result);
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
				kaff_sbuf_printf(&st->out, "  %-16s %s %s  %s %s\n", kaff_diff_shown(st, name),
						 kaff_profile_name(st->a), ma, kaff_profile_name(st->b), mb ? mb : "(none)");
			else
				kaff_sbuf_printf(&st->out, "  %-16s same again: %s\n", kaff_diff_shown(st, name),
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
		if (!kaff_diff_fgroup_differs((enum field_group)g, st->a, st->b))
			continue;
		for (side = 0; side < 2; side++) {
			struct kaff_profile *hp;

			ret = kaff_diff_fgroup_hybrid((enum field_group)g, side ? st->b : st->a,
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
	const char *what = d->task ? kaff_diff_shown(st, d->task) : "result";

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

		if (!kaff_diff_fgroup_differs((enum field_group)g, st->a, st->b))
			continue;
		kaff_sbuf_printf(o, "  %s (%s, %s; ", kaff_diff_fgroups[g].fields,
				 kaff_diff_fgroups[g].kernel, kaff_diff_fgroups[g].topic);
		kaff_diff_fgroup_values(o, (enum field_group)g, st->a, st->b);
		kaff_sbuf_puts(o, ")\n    rule: ");
		kaff_diff_fgroup_rule(o, (enum field_group)g, st->a, st->b, &st->ra, &st->rb);
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
	for (g = 0; g < FG_NR && !kaff_diff_fgroup_differs((enum field_group)g, st->a, st->b); g++)
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
