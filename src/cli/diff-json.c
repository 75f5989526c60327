/* SPDX-License-Identifier: MIT */
/*
 * kaff diff --json: the comparison as one object (docs/json.md, schema
 * "kaff-diff" version 1), written with jansson as audit's is. Built empty
 * without jansson (kaff diff then refuses --json).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "diff-state.h"

#ifdef KAFF_HAVE_JANSSON
#include <jansson.h>

/* A side's value at a difference: a mask, "ok"/the "!" lines, or null. */
static json_t *side_value(const struct diff_state *st, const struct obs_run *run,
			  const struct difference *d)
{
	struct kaff_sbuf b = { 0 };
	const char *v;
	json_t *j;

	if (!d->point && !d->task)
		return json_string(run->boot_ret ? kaff_strerrorname(run->boot_ret) : "ok");
	v = kaff_diff_value(run, d->point, d->task);
	if (!v)
		return json_null();
	if (d->task)
		return json_string(v);
	kaff_diff_put_result(&b, v);
	j = b.oom ? NULL : json_string(b.s);
	kaff_sbuf_free(&b);
	return j;
}

static json_t *side(const struct kaff_profile *p, const struct obs_run *run)
{
	return json_pack("{s:s, s:s, s:s, s:o}", "kernel", kaff_profile_name(p), "rules",
			 kaff_profile_rules(p), "boot",
			 run->boot_ret ? kaff_strerrorname(run->boot_ret) : "ok", "boot_warnings",
			 kaff_boot_notes_json(&run->boot));
}

static json_t *difference(const struct diff_state *st, const struct difference *d)
{
	json_t *j, *by = json_array();
	unsigned int line = 0;
	char desc[256];
	int g;

	for (g = 0; g < FG_NR && by; g++)
		if ((d->explained_by & (1u << g)) && json_array_append_new(by, json_string(kaff_diff_fgroup_key((enum field_group)g))))
			return json_decref(by), NULL;
	if (d->point && kaff_scenario_event_describe(st->sc, d->point - 1, desc, sizeof(desc), &line) < 0)
		strcpy(desc, "?");
	j = json_pack("{s:i, s:o, s:o, s:o, s:o, s:o, s:o}", "point", (int)d->point, "event",
		      d->point ? json_string(desc) : json_null(), "line",
		      d->point ? json_integer(line) : json_null(), "task",
		      d->task ? json_string(kaff_diff_shown(st, d->task)) : json_null(), "a",
		      side_value(st, &st->ra, d), "b", side_value(st, &st->rb, d), "explained_by",
		      by);
	return j;
}

static json_t *fields(const struct diff_state *st)
{
	json_t *arr = json_array();
	size_t i;
	int g;

	for (g = 0; g < FG_NR && arr; g++) {
		struct kaff_sbuf values = { 0 }, rule = { 0 };
		const char *names, *topic;
		json_t *f = NULL, *ex = json_array();

		if (!kaff_diff_fgroup(st, (enum field_group)g, &names, &topic, &values, &rule)) {
			json_decref(ex);
			continue;
		}
		for (i = 0; i < st->nr_diffs && ex; i++)
			if ((st->diffs[i].explained_by & (1u << g)) &&
			    json_array_append_new(ex, json_integer((json_int_t)i)))
				ex = (json_decref(ex), NULL);
		if (!values.oom && !rule.oom && ex)
			f = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:o}", "key", kaff_diff_fgroup_key((enum field_group)g),
				      "fields", names, "topic", topic, "values", values.s, "rule",
				      rule.s, "testable", st->hy_done[g], "explains", ex);
		else
			json_decref(ex);
		kaff_sbuf_free(&values);
		kaff_sbuf_free(&rule);
		if (!f || json_array_append_new(arr, f))
			arr = (json_decref(arr), NULL);
	}
	return arr;
}

int kaff_diff_json(const struct diff_state *st, struct kaff_sbuf *out)
{
	json_t *root, *diffs = json_array();
	size_t i;
	int ret;

	for (i = 0; i < st->nr_diffs && diffs; i++)
		if (json_array_append_new(diffs, difference(st, &st->diffs[i])))
			diffs = (json_decref(diffs), NULL);
	if (!diffs)
		return -ENOMEM;
	root = json_pack("{s:s, s:i, s:s, s:o, s:o, s:b, s:i, s:i, s:o, s:o}", "schema", "kaff-diff",
			 "schema_version", 1, "file", st->file, "a", side(st->a, &st->ra), "b",
			 side(st->b, &st->rb), "identical", !st->nr_diffs, "points",
			 (int)st->ra.nr_points, "points_differ", (int)st->nr_points_differ,
			 "differences", diffs, "fields", fields(st));
	ret = kaff_json_dump(root, out);
	json_decref(root);
	return ret;
}
#endif
