/* SPDX-License-Identifier: MIT */
/*
 * kaff audit: the report. The text stays readable at thousands of
 * kthreads and states: a finding names at most MAX_NAMES kthreads and
 * MAX_LABELS states (or the states it does not hold in, when those are
 * fewer), then says how many more; --json keeps every kthread and state.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#ifdef KAFF_HAVE_JANSSON
#include <jansson.h>
#endif

#include "audit.h"

#define MAX_NAMES 8
#define MAX_LABELS 6
#define MAX_HEADER_NAMES 16

/* The version of the --json document's layout (kaff.1). */
#define AU_JSON_SCHEMA 2

static const char *kt_name(const struct audit *au, unsigned int id)
{
	if (id == KAFF_KTHREADD)
		return au->kthreadd;
	return id < au->nr_ids && au->names[id] ? au->names[id] : "?";
}

static const char *plural(unsigned int n)
{
	return n == 1 ? "" : "s";
}

static void kts_line(const struct audit *au, struct kaff_sbuf *o, uint32_t from, uint32_t to)
{
	uint32_t i;

	for (i = from; i < to && i - from < MAX_HEADER_NAMES; i++)
		kaff_sbuf_printf(o, " %s", kt_name(au, au->kts[i].id));
	if (to - from > MAX_HEADER_NAMES)
		kaff_sbuf_printf(o, " and %u more (%u in all)", to - from - MAX_HEADER_NAMES, to - from);
}

/* In @e's states? */
static bool in_runs(const struct audit *au, const struct au_entry *e, uint32_t s)
{
	uint32_t r;

	for (r = 0; r < e->nruns; r++)
		if (s >= au_entry_run(au, e, r)->first && s <= au_entry_run(au, e, r)->last)
			return true;
	return false;
}

static uint32_t nr_in(const struct audit *au, const struct au_entry *e)
{
	uint32_t r, n = 0;

	for (r = 0; r < e->nruns; r++)
		n += au_entry_run(au, e, r)->last - au_entry_run(au, e, r)->first + 1;
	return n;
}

/* "in 2 states: a; b", "in all 33 states", "in 32 of 33 states, all but: c" */
static void states_line(const struct audit *au, struct kaff_sbuf *o, const struct au_entry *e)
{
	uint32_t n = nr_in(au, e), s, shown = 0, listed;
	bool complement = n * 2 > au->nr_states;

	if (n == au->nr_states) {
		kaff_sbuf_printf(o, "  in all %u state%s\n", n, plural(n));
		return;
	}
	if (complement)
		kaff_sbuf_printf(o, "  in %u of %u states, all but:", n, au->nr_states);
	else
		kaff_sbuf_printf(o, "  in %u state%s:", n, plural(n));
	listed = complement ? au->nr_states - n : n;
	for (s = 0; s < au->nr_states && shown < MAX_LABELS; s++)
		if (in_runs(au, e, s) != complement)
			kaff_sbuf_printf(o, "%s %s", shown++ ? ";" : "", au->labels[s]);
	if (listed > shown)
		kaff_sbuf_printf(o, "; and %u more", listed - shown);
	kaff_sbuf_puts(o, "\n");
}

/* "A", "A B (2 kthreads)", "t0 (16-17) t4 (24-28) and 3 more (5 kthreads)" */
static void group_head(const struct audit *au, struct kaff_sbuf *o, const struct au_group *g,
		       const struct au_sig *sig, bool *one_pref)
{
	uint32_t i;

	*one_pref = true;
	for (i = 1; i < g->nr; i++)
		if (strcmp(au->kts[g->members[i]].pref, au->kts[g->members[0]].pref))
			*one_pref = false;
	for (i = 0; i < g->nr && i < MAX_NAMES; i++) {
		const struct au_kt *k = &au->kts[g->members[i]];

		kaff_sbuf_printf(o, "%s%s", i ? " " : "", kt_name(au, k->id));
		if (sig->kind == AU_LOST_PREFERRED && !*one_pref)
			kaff_sbuf_printf(o, " (%s)", k->pref);
	}
	if (g->nr > MAX_NAMES)
		kaff_sbuf_printf(o, " and %u more", g->nr - MAX_NAMES);
	if (g->nr > 1)
		kaff_sbuf_printf(o, " (%u kthreads%s)", g->nr, sig->managed ? "" : ", not managed");
	else if (!sig->managed)
		kaff_sbuf_puts(o, " (not managed)");
}

/* The boot parameters the kernel ignored, in whole or in part
 * (kaff_machine_boot_warning(), with their places: bootwarn.c): findings
 * of their own. */
static void print_warnings(const struct audit *au, struct kaff_sbuf *o)
{
	unsigned int i;

	for (i = 0; i < au->notes.nr; i++) {
		const char *p = au->notes.w[i].param ? au->notes.w[i].param : "?";
		enum kaff_boot_warning_reason r = au->notes.w[i].reason;

		kaff_sbuf_printf(o, "\nboot parameter %s", p);
		if (au->notes.w[i].line)
			kaff_sbuf_printf(o, " (%s:%u:%u)", au->file, au->notes.w[i].line,
					 au->notes.w[i].col);
		kaff_sbuf_printf(o, ": the kernel ignored it%s\n",
				 r == KAFF_BOOT_UNKNOWN_FLAG || r == KAFF_BOOT_NO_HOUSEKEEPING ? " in part" : "");
		if (au->notes.w[i].console)
			kaff_sbuf_printf(o, "  kernel: %s\n", au->notes.w[i].console);
		kaff_sbuf_printf(o, "  meaning: %s\n", au->notes.w[i].meaning ? au->notes.w[i].meaning : "?");
	}
}

static void print_group(const struct audit *au, struct kaff_sbuf *o, const struct au_group *g)
{
	const struct au_sig *sig = &au->sigs[g->sig];
	const char *its = g->nr > 1 ? "their" : "its";
	bool one_pref;

	kaff_sbuf_puts(o, "\n");
	group_head(au, o, g, sig, &one_pref);
	kaff_sbuf_puts(o, ": ");
	if (sig->kind == AU_PROTECTED)
		kaff_sbuf_printf(o, "%s mask %s holds protected CPUs %s\n", its, sig->mask, sig->cpus);
	else if (one_pref)
		kaff_sbuf_printf(o, "%s mask %s holds none of %s preferred CPUs (%s) online\n", its,
				 sig->mask, its, au->kts[g->members[0]].pref);
	else
		kaff_sbuf_printf(o, "%s mask %s holds none of %s preferred CPUs online\n", its,
				 sig->mask, its);
	kaff_sbuf_printf(o, "  rule: %s\n", sig->text);
	states_line(au, o, &au->entries[g->entry]);
}

void au_print_text(struct audit *au, struct kaff_sbuf *o)
{
	uint32_t i;

	kaff_sbuf_printf(o, "kaff audit: %s: kernel %s (%s rules), %u CPUs, %u node%s\n", au->file,
			 kaff_profile_name(au->profile), kaff_profile_rules(au->profile), au->cpus, au->nr_nodes,
			 plural(au->nr_nodes));
	kaff_sbuf_puts(o, "protected by boot isolation (nohz_full=, isolcpus=): ");
	kaff_sbuf_mask(o, au->protected_cpus);
	kaff_sbuf_puts(o, "\nmanaged kthreads at the end of the scenario:");
	kts_line(au, o, 0, au->nr_managed);
	if (!au->nr_managed)
		kaff_sbuf_puts(o, " none");
	if (au->nr_kts > au->nr_managed) {
		kaff_sbuf_puts(o, "\nnot on the managed list (under 6.x kthreadd and kthreads with no "
				  "node; not started; bound to several CPUs), audited for protected "
				  "CPUs only:");
		kts_line(au, o, au->nr_managed, au->nr_kts);
	}
	if (au->nr_design) {
		kaff_sbuf_printf(o, "\nper-CPU and bound kthreads on their own CPU, there by design, not "
				    "audited: %u on CPUs ", au->nr_design);
		kaff_sbuf_mask(o, au->design_cpus);
		kaff_sbuf_puts(o, ", on protected CPUs ");
		kaff_sbuf_mask(o, au->design_protected);
	}
	kaff_sbuf_printf(o, "\nexplored %u of %u states: the end of the scenario, %u whole-node offline%s, ",
			 au->nr_states, au->total_states, au->n_node, plural(au->n_node));
	if (au->n_node_hk)
		kaff_sbuf_printf(o, "%u node-housekeeping offline%s, ", au->n_node_hk,
				 plural(au->n_node_hk));
	kaff_sbuf_printf(o, "%u single-CPU offline%s, %u offline-then-online pair%s", au->n_single,
			 plural(au->n_single), au->n_pair, plural(au->n_pair));
	if (au->nr_states < au->total_states)
		kaff_sbuf_printf(o, " (stopped at --max-states %u)", au->max_states);
	kaff_sbuf_printf(o, "; %s\n", au->wake ? "after the hotplug every started managed kthread wakes once"
					       : "no wake after the hotplug (--no-wake)");
	kaff_sbuf_printf(o, "findings: %u in %u state%s", au->nr_groups, au->states_with_findings,
			 plural(au->states_with_findings));
	if (au->notes.nr)
		kaff_sbuf_printf(o, ", and %u boot parameter%s the kernel ignored", au->notes.nr,
				 plural(au->notes.nr));
	kaff_sbuf_puts(o, "\n");
	print_warnings(au, o);
	for (i = 0; i < au->nr_groups; i++)
		print_group(au, o, &au->groups[i]);
}

#ifdef KAFF_HAVE_JANSSON
/* stable names for --json */
static const char *const rule_ids[] = {
	[RULE_FALLBACK] = "scheduler-fallback",
	[RULE_LAST_RESORT] = "last-resort",
	[RULE_SETAFFINITY] = "user-setaffinity",
	[RULE_HK_TYPE] = "housekeeping-type",
	[RULE_HOTPLUG] = "hotplug",
	[RULE_CREATION] = "creation-mask",
	[RULE_OTHER] = "kthread-update",
	[RULE_BOUND] = "bound",
};

/* Steals @v: set @key of @obj, false on failure. */
static bool set(json_t *obj, const char *key, json_t *v)
{
	return v && !json_object_set_new(obj, key, v);
}

static bool push(json_t *arr, json_t *v)
{
	return v && !json_array_append_new(arr, v);
}

static json_t *kts_array(const struct audit *au, uint32_t from, uint32_t to)
{
	json_t *a = json_array();
	uint32_t i;

	for (i = from; a && i < to; i++)
		if (!push(a, json_string(kt_name(au, au->kts[i].id)))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *json_group(const struct audit *au, const struct au_group *g)
{
	const struct au_sig *sig = &au->sigs[g->sig];
	const struct au_entry *e = &au->entries[g->entry];
	json_t *f = json_object(), *tasks = json_array(), *states = json_array();
	json_t *prefs = sig->kind == AU_LOST_PREFERRED ? json_array() : NULL;
	uint32_t i, r, s;

	/* set() steals: from here on @f owns the arrays */
	if (!set(f, "kind", json_string(sig->kind == AU_PROTECTED ? "protected-cpu" : "lost-preferred")) ||
	    !set(f, "managed", json_boolean(sig->managed)) ||
	    !set(f, "rule", json_string(rule_ids[sig->rule])) ||
	    !set(f, "explanation", json_string(sig->text)) || !set(f, "mask", json_string(sig->mask)) ||
	    (sig->cpus && !set(f, "protected_cpus", json_string(sig->cpus))) ||
	    !set(f, "tasks", json_incref(tasks)) ||
	    (sig->kind == AU_LOST_PREFERRED && !set(f, "preferred_cpus", json_incref(prefs))) ||
	    !set(f, "states", json_incref(states)))
		goto fail;
	for (i = 0; i < g->nr; i++) {
		const struct au_kt *k = &au->kts[g->members[i]];

		if (!push(tasks, json_string(kt_name(au, k->id))) ||
		    (prefs && !push(prefs, json_string(k->pref))))
			goto fail;
	}
	for (r = 0; r < e->nruns; r++)
		for (s = au_entry_run(au, e, r)->first; s <= au_entry_run(au, e, r)->last; s++)
			if (!push(states, json_integer(s)))
				goto fail;
	json_decref(tasks);
	json_decref(prefs);
	json_decref(states);
	return f;
fail:
	json_decref(tasks);
	json_decref(prefs);
	json_decref(states);
	json_decref(f);
	return NULL;
}

/* jansson builds the document; it does the escaping. */
int au_print_json(struct audit *au, struct kaff_sbuf *o)
{
	json_t *root = json_object(), *counts = json_object(), *design = json_object();
	json_t *states = json_array(), *findings = json_array(), *names = json_array();
	char *prot = kaff_mask_str(au->protected_cpus), *dc = kaff_mask_str(au->design_cpus);
	char *dp = kaff_mask_str(au->design_protected);
	unsigned int i;
	int ret = -ENOMEM;

	if (!root || !counts || !design || !states || !findings || !names || !prot || !dc || !dp)
		goto out;
	for (i = 0; i < au->nr_states; i++)
		if (!push(states, json_string(au->labels[i])))
			goto out;
	for (i = 0; i < au->nr_groups; i++)
		if (!push(findings, json_group(au, &au->groups[i])))
			goto out;
	for (i = 0; i < au->nr_design; i++)
		if (!push(names, json_string(au->design_names[i] ? au->design_names[i] : au->kthreadd)))
			goto out;
	if (!set(counts, "explored", json_integer(au->nr_states)) ||
	    !set(counts, "total", json_integer(au->total_states)) ||
	    !set(counts, "max_states", json_integer(au->max_states)) ||
	    !set(counts, "whole_node_offline", json_integer(au->n_node)) ||
	    !set(counts, "node_housekeeping_offline", json_integer(au->n_node_hk)) ||
	    !set(counts, "single_offline", json_integer(au->n_single)) ||
	    !set(counts, "offline_online_pairs", json_integer(au->n_pair)) ||
	    !set(design, "count", json_integer(au->nr_design)) ||
	    !set(design, "cpus", json_string(dc)) ||
	    !set(design, "protected_cpus", json_string(dp)) ||
	    json_object_set(design, "tasks", names) ||
	    !set(root, "schema", json_string("kaff-audit")) ||
	    !set(root, "schema_version", json_integer(AU_JSON_SCHEMA)) ||
	    !set(root, "file", kaff_json_text(au->file)) ||
	    !set(root, "kernel", json_string(kaff_profile_name(au->profile))) ||
	    !set(root, "rules", json_string(kaff_profile_rules(au->profile))) ||
	    !set(root, "cpus", json_integer(au->cpus)) ||
	    !set(root, "nodes", json_integer(au->nr_nodes)) ||
	    !set(root, "protected_cpus", json_string(prot)) ||
	    !set(root, "wake_after_hotplug", json_boolean(au->wake)) ||
	    !set(root, "boot_warnings", kaff_boot_notes_json(&au->notes)) ||
	    !set(root, "managed", kts_array(au, 0, au->nr_managed)) ||
	    !set(root, "not_managed", kts_array(au, au->nr_managed, au->nr_kts)) ||
	    json_object_set(root, "by_design", design) || json_object_set(root, "counts", counts) ||
	    json_object_set(root, "states", states) || json_object_set(root, "findings", findings))
		goto out;
	ret = kaff_json_dump(root, o);
out:
	free(prot);
	free(dc);
	free(dp);
	json_decref(names);
	json_decref(design);
	json_decref(counts);
	json_decref(states);
	json_decref(findings);
	json_decref(root);
	return ret;
}
#endif
