/* SPDX-License-Identifier: MIT */
/* kaff diff: replay a scenario under one profile and record every point. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "diff-state.h"

/*
 * kthreadd's entry, tasks[0] of every point. A scenario may name a task
 * "kthreadd" too, so kthreadd is told apart by this pointer, not by its
 * text.
 */
const char kaff_diff_kthreadd[] = "kthreadd";

void kaff_diff_run_free(struct obs_run *run)
{
	unsigned int i, j;

	for (i = 0; i < run->nr_points; i++) {
		for (j = 0; j < run->points[i].nr_tasks; j++)
			free(run->points[i].tasks[j].mask);
		free(run->points[i].tasks);
		free(run->points[i].result);
	}
	free(run->points);
	free(run->noise_iso);
	free(run->domain_iso);
	kaff_boot_notes_free(&run->boot);
	memset(run, 0, sizeof(*run));
}

/* Collects the trace an event printed; only its "!" lines are kept. */
static int collect_trace(void *data, const char *buf, size_t len)
{
	struct kaff_sbuf *b = data;

	if (len >= 2 && buf[0] == '!' && buf[1] == ' ')
		kaff_sbuf_printf(b, "%.*s", (int)len, buf);
	return b->oom ? -ENOMEM : 0;
}

static int snapshot(struct kaff_replay *r, struct kaff_sbuf *trace, struct obs_point *pt)
{
	const struct kaff_ctx *ctx = kaff_replay_ctx(r);
	unsigned int id, n = 0;

	pt->tasks = calloc(kaff_kthread_count(ctx) + 1, sizeof(*pt->tasks));
	if (!pt->tasks)
		return -ENOMEM;
	pt->tasks[n].name = kaff_diff_kthreadd;
	pt->tasks[n].mask = kaff_mask_str(kaff_kthread_cpus_mask(ctx, KAFF_KTHREADD));
	if (!pt->tasks[n++].mask)
		return -ENOMEM;
	for (id = kaff_kthread_first(ctx); id != KAFF_KTHREAD_NONE; id = kaff_kthread_next(ctx, id)) {
		const char *name = kaff_replay_task_name(r, id);

		pt->tasks[n].name = name ? name : "?";
		pt->tasks[n].mask = kaff_mask_str(kaff_kthread_cpus_mask(ctx, id));
		pt->nr_tasks = n + 1;
		if (!pt->tasks[n++].mask)
			return -ENOMEM;
	}
	pt->nr_tasks = n;
	if (trace->len) {
		pt->result = strdup(trace->s);
		if (!pt->result)
			return -ENOMEM;
	}
	kaff_sbuf_reset(trace);
	return trace->oom ? -ENOMEM : 0;
}

/* possible minus hk(@type) at boot: the CPUs isolation took out of it. */
static char *isolated_of(const struct kaff_ctx *ctx, enum kaff_hk_type type)
{
	const struct kaff_cpumask *hk = kaff_housekeeping_cpumask(ctx, type);
	struct kaff_cpumask *m = kaff_cpumask_alloc(kaff_machine_nr_cpu_ids(ctx));
	char *s = NULL;

	if (m && hk) {
		kaff_cpumask_complement(m, hk);
		s = kaff_mask_str(m);
	}
	kaff_cpumask_free(m);
	return s;
}

/*
 * Replay @sc under @profile and record every point. Return: 0 (a boot the
 * profile refuses is recorded in run->boot_ret, not an error); -ENOMEM;
 * -EOPNOTSUPP when the profile cannot replay the file at all.
 */
int kaff_diff_record(const struct kaff_scenario *sc, const struct kaff_profile *profile,
		      struct obs_run *run)
{
	struct kaff_sbuf trace = { 0 };
	struct kaff_replay_ops ops = { 0 };
	struct kaff_replay *r = NULL;
	unsigned int n = kaff_scenario_nr_events(sc) + 1;
	int ret;

	memset(run, 0, sizeof(*run));
	ops.profile = profile;
	ops.write_trace = collect_trace;
	ops.data = &trace;
	ret = kaff_replay_new(sc, &ops, &r);
	if (ret == -ENOMEM || ret == -EOPNOTSUPP || ret == -EDOM)
		return ret;
	run->boot_ret = ret;
	if (ret)
		return 0;
	run->points = calloc(n, sizeof(*run->points));
	run->noise_iso = isolated_of(kaff_replay_ctx(r), KAFF_HK_TYPE_KERNEL_NOISE);
	run->domain_iso = isolated_of(kaff_replay_ctx(r), KAFF_HK_TYPE_DOMAIN);
	ret = run->points && run->noise_iso && run->domain_iso ? 0 : -ENOMEM;
	if (!ret)
		ret = kaff_boot_notes_get(&run->boot, kaff_replay_ctx(r), sc);
	if (!ret) {
		run->nr_points = n;
		ret = snapshot(r, &trace, &run->points[0]);
	}
	while (!ret) {
		unsigned int i = kaff_replay_position(r) + 1;

		ret = kaff_replay_step(r, NULL);
		if (ret == 1)
			ret = snapshot(r, &trace, &run->points[i]);
		else if (ret == 0)
			break;
	}
	kaff_replay_free(r);
	kaff_sbuf_free(&trace);
	if (ret)
		kaff_diff_run_free(run);
	return ret;
}

/* The value compared at one point: a task's mask, or the event's result. */
const char *kaff_diff_value(const struct obs_run *run, unsigned int p, const char *task)
{
	const struct obs_point *pt;
	unsigned int i;

	if (run->boot_ret || p >= run->nr_points)
		return NULL;
	pt = &run->points[p];
	if (!task)
		return pt->result ? pt->result : "";
	if (task == kaff_diff_kthreadd)
		return pt->tasks[0].mask;
	for (i = 1; i < pt->nr_tasks; i++)
		if (!strcmp(pt->tasks[i].name, task))
			return pt->tasks[i].mask;
	return NULL;
}

bool kaff_diff_same(const char *x, const char *y)
{
	return x && y && !strcmp(x, y);
}

