/* SPDX-License-Identifier: MIT */
/* Replaying a parsed scenario and writing its trace (FORMAT.md). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kaff-private.h"
#include "scenario-private.h"

static struct kaff_cpumask sc_mask(const struct kaff_scenario *sc, uint32_t idx)
{
	struct kaff_cpumask m = KAFF_CPUMASK_INIT(sc->cpus, sc_mask_words(sc, idx));

	return m;
}

int kaff__scenario_boot(const struct kaff_scenario *sc, const struct kaff_profile *profile,
			const struct kaff_replay_ops *ops, struct kaff_ctx **out)
{
	struct kaff_ctx *ctx;
	struct kaff_cpumask m;
	uint32_t i;
	int ret = 0;

	*out = NULL;
	ctx = kaff_ctx_new(profile, sc->cpus, &sc->alloc);
	if (!ctx)
		return -ENOMEM;
	if (ops && ops->engine)
		ret = kaff_ctx_set_engine(ctx, ops->engine);
	/* Before boot, so that boot-parameter warnings reach the caller. */
	if (ops && ops->log_fn)
		kaff_ctx_set_log_fn(ctx, ops->log_fn, ops->data);
	for (i = 0; i < sc->nr_nodes && !ret; i++) {
		m = sc_mask(sc, sc->nodes[i].mask);
		ret = kaff_machine_set_node(ctx, sc->nodes[i].id, &m);
	}
	for (i = 0; i < sc->nr_boot && !ret; i++)
		ret = kaff_machine_add_boot_param(ctx, sc->boot[i].param);
	if (!ret && sc->boot_online != SC_NONE) {
		m = sc_mask(sc, sc->boot_online);
		ret = kaff_machine_set_boot_online(ctx, &m);
	}
	if (!ret)
		ret = kaff_machine_boot(ctx);
	if (ret) {
		kaff_ctx_free(ctx);
		return ret;
	}
	*out = ctx;
	return 0;
}

static int emit(struct kaff_replay *r, const char *s, size_t n)
{
	return r->ops.write_trace ? r->ops.write_trace(r->ops.data, s, n) : 0;
}

/* "! CMD ARG ERRNO" */
static int emit_error(struct kaff_replay *r, const char *cmd, const char *arg, int err)
{
	int n = snprintf(r->buf, r->cap, "! %s %s %s\n", cmd, arg, kaff_strerrorname(err));

	return emit(r, r->buf, (size_t)n < r->cap ? (size_t)n : r->cap - 1);
}

/* "NAME LIST" with "-" for an empty mask. */
static int emit_task(struct kaff_replay *r, const char *name, const struct kaff_cpumask *m)
{
	size_t n = strlen(name);

	memcpy(r->buf, name, n);
	r->buf[n++] = ' ';
	n += kaff_cpulist_snprint(r->buf + n, r->cap - n, m);
	if (r->buf[n - 1] == ' ')
		r->buf[n++] = '-';
	r->buf[n++] = '\n';
	return emit(r, r->buf, n);
}

static int show(struct kaff_replay *r)
{
	const struct kaff_scenario *sc = r->sc;
	uint32_t i;
	int n, ret;

	n = snprintf(r->buf, r->cap, "show %lu\n", ++r->shows);
	ret = emit(r, r->buf, (size_t)n);
	/* Live tasks in creation order: instance order is creation order. */
	for (i = 0; i < sc->nr_tasks && !ret; i++) {
		const struct kaff_cpumask *m;

		if (r->ids[i] == KAFF_NONE)
			continue;
		m = kaff_kthread_cpus_mask(r->ctx, r->ids[i]);
		if (m)
			ret = emit_task(r, sc->tasks[i].name, m);
	}
	return ret;
}

static int expect(struct kaff_replay *r, const struct sc_event *e, struct kaff_replay_result *res)
{
	const struct kaff_scenario *sc = r->sc;
	const struct kaff_cpumask *got = kaff_kthread_cpus_mask(r->ctx, r->ids[e->inst]);
	struct kaff_cpumask want = sc_mask(sc, e->mask);
	char *ws, *gs;

	if (got && kaff_cpumask_equal(got, &want))
		return 0;
	res->expect_failures++;
	if (!r->ops.expect_failed)
		return 0;
	/* Both lists in the line buffer: wanted in the first half, got in
	 * the second (each half holds the longest cpulist). */
	ws = r->buf;
	gs = r->buf + r->cap / 2;
	if (!kaff_cpulist_snprint(ws, r->cap / 2, &want))
		strcpy(ws, "-");
	if (!got)
		strcpy(gs, "(no such task)");
	else if (!kaff_cpulist_snprint(gs, r->cap / 2, got))
		strcpy(gs, "-");
	r->ops.expect_failed(r->ops.data, e->line, sc->tasks[e->inst].name, ws, gs);
	return 0;
}

/*
 * An error the kernel reports goes into the trace ("! CMD ARG ERRNO") and
 * the replay goes on; libkaff's own refusals stop it: out of memory, and
 * a profile's fetch hook that gave no CPU (-EDOM).
 */
static bool kernel_error(int ret)
{
	return ret && ret != -ENOMEM && ret != -EDOM;
}

static int step(struct kaff_replay *r, const struct sc_event *e, struct kaff_replay_result *res)
{
	const struct kaff_scenario *sc = r->sc;
	/* Only events that name a task have one (a file may have no task). */
	bool has_task = e->cmd != SC_OFFLINE && e->cmd != SC_ONLINE && e->cmd != SC_ISOLATE &&
			e->cmd != SC_SHOW && e->cmd != SC_CENSUS;
	const char *name = has_task ? sc->tasks[e->inst].name : NULL;
	unsigned int id = name ? r->ids[e->inst] : KAFF_NONE;
	struct kaff_cpumask m;
	int ret = 0;

	if (e->mask != SC_NONE)
		m = sc_mask(sc, e->mask);
	switch (e->cmd) {
	case SC_CREATE:
		return kaff_kthread_create_on_node(r->ctx, e->num, &r->ids[e->inst]);
	case SC_CREATE_ON_CPU:
		return kaff_kthread_create_on_cpu(r->ctx, (unsigned int)e->num, &r->ids[e->inst]);
	case SC_CREATE_PER_CPU:
		return kaff_kthread_create_per_cpu(r->ctx, (unsigned int)e->num, &r->ids[e->inst]);
	case SC_BIND:
		return kaff_kthread_bind(r->ctx, id, (unsigned int)e->num);
	case SC_BIND_MASK:
		return kaff_kthread_bind_mask(r->ctx, id, &m);
	case SC_PREFER:
		ret = kaff_kthread_affine_preferred(r->ctx, id, &m);
		return kernel_error(ret) ? emit_error(r, "prefer", name, ret) : ret;
	case SC_WAKE:
		return kaff_wake_up_process(r->ctx, id);
	case SC_SETAFFINITY:
		ret = kaff_sched_setaffinity(r->ctx, id, &m);
		return kernel_error(ret) ? emit_error(r, "setaffinity", name, ret) : ret;
	case SC_OFFLINE:
	case SC_ONLINE:
		ret = e->cmd == SC_OFFLINE ? kaff_cpu_offline(r->ctx, (unsigned int)e->num)
					   : kaff_cpu_online(r->ctx, (unsigned int)e->num);
		if (kernel_error(ret)) {
			char cpu[16];

			snprintf(cpu, sizeof(cpu), "%d", (int)e->num);
			return emit_error(r, e->cmd == SC_OFFLINE ? "offline" : "online", cpu, ret);
		}
		return ret;
	case SC_STOP:
		ret = kaff_kthread_stop(r->ctx, id);
		if (!ret)
			r->ids[e->inst] = KAFF_NONE;
		return ret;
	case SC_ISOLATE:
		ret = kaff_cpuset_set_isolated(r->ctx, &m);
		return kernel_error(ret) ? emit_error(r, "isolate", e->text, ret) : ret;
	case SC_SHOW:
		return show(r);
	case SC_CENSUS:
		return kaff__census(r);
	case SC_EXPECT:
		return expect(r, e, res);
	default:
		return 0;
	}
}

/* The population's kthreads, made at boot (task instances 0, 1, ...). */
static int create_population(struct kaff_replay *r)
{
	const struct kaff_scenario *sc = r->sc;
	bool same = sc->pop_ops->same(sc->pop, r->ctx);
	uint32_t i;
	int ret = 0;

	for (i = 0; i < sc->nr_boot_kts && !ret; i++)
		ret = sc->pop_ops->create(sc->pop, r->ctx, &sc->boot_kts[i], same, &r->ids[i]);
	return ret;
}

void kaff__replay_fini(struct kaff_replay *r)
{
	const struct kaff_scenario *sc = r->sc;

	kaff_ctx_free(r->ctx);
	kaff__free(&sc->alloc, r->ids);
	kaff__free(&sc->alloc, r->buf);
	memset(r, 0, sizeof(*r));
}

int kaff__replay_init(struct kaff_replay *r, const struct kaff_scenario *sc,
		      const struct kaff_replay_ops *ops)
{
	const struct kaff_profile *profile = ops->profile ? ops->profile : sc->profile;
	uint32_t i;
	int ret;

	memset(r, 0, sizeof(*r));
	r->sc = sc;
	r->ops = *ops;
	for (i = 0; i < sc->nr_events; i++)
		if (sc->events[i].cmd == SC_ISOLATE && !kaff_profile_get(profile, KAFF_RULE_RUNTIME_DOMAIN_ISOLATION))
			return -EOPNOTSUPP;
	/* Longest line: a name or "! isolate LIST ERRNO" with the longest
	 * cpulist (every other CPU: up to 5 digits and a comma each), twice
	 * for expect. */
	r->cap = (size_t)sc->cpus * 8 + 64;
	for (i = 0; i < sc->nr_events; i++)
		if (sc->events[i].text && strlen(sc->events[i].text) + 64 > r->cap)
			r->cap = strlen(sc->events[i].text) + 64;
	r->buf = kaff__malloc(&sc->alloc, r->cap);
	r->ids = kaff__malloc(&sc->alloc, (sc->nr_tasks ? sc->nr_tasks : 1) * sizeof(*r->ids));
	if (!r->buf || !r->ids) {
		kaff__replay_fini(r);
		return -ENOMEM;
	}
	for (i = 0; i < sc->nr_tasks; i++)
		r->ids[i] = KAFF_NONE;
	ret = kaff__scenario_boot(sc, profile, ops, &r->ctx);
	if (!ret && sc->pop)
		ret = create_population(r);
	if (ret) {
		kaff__replay_fini(r);
		return ret;
	}
	return 0;
}

int kaff_replay_new(const struct kaff_scenario *sc, const struct kaff_replay_ops *ops,
		    struct kaff_replay **out)
{
	struct kaff_replay_ops none = { 0 };
	struct kaff_replay *r;
	int ret;

	if (!sc || !out)
		return -EINVAL;
	*out = NULL;
	r = kaff__malloc(&sc->alloc, sizeof(*r));
	if (!r)
		return -ENOMEM;
	ret = kaff__replay_init(r, sc, ops ? ops : &none);
	if (ret) {
		kaff__free(&sc->alloc, r);
		return ret;
	}
	*out = r;
	return 0;
}

int kaff_replay_step(struct kaff_replay *r, struct kaff_replay_result *res)
{
	struct kaff_replay_result dummy = { 0 };
	int ret;

	if (!r)
		return -EINVAL;
	if (!res)
		res = &dummy;
	if (r->next >= r->sc->nr_events)
		return 0;
	ret = kaff__replay_step(r, r->next, res);
	if (ret) {
		res->error_line = r->sc->events[r->next].line;
		return ret;
	}
	res->events++;
	r->next++;
	return 1;
}

struct kaff_ctx *kaff_replay_ctx(struct kaff_replay *r)
{
	return r ? r->ctx : NULL;
}

unsigned int kaff_replay_position(const struct kaff_replay *r)
{
	return r ? r->next : 0;
}

const char *kaff_replay_task_name(const struct kaff_replay *r, unsigned int id)
{
	uint32_t i;

	if (!r || id == KAFF_NONE)
		return NULL;
	for (i = 0; i < r->sc->nr_tasks; i++)
		if (r->ids[i] == id)
			return r->sc->tasks[i].name;
	return NULL;
}

unsigned int kaff_replay_nr_tasks(const struct kaff_replay *r)
{
	return r ? r->sc->nr_tasks : 0;
}

/* By instance, not by id: a tool that walks every task reads each in
 * O(1), where kaff_replay_task_name() searches the instances. */
unsigned int kaff_replay_task(const struct kaff_replay *r, unsigned int i, const char **name)
{
	if (!r || i >= r->sc->nr_tasks) {
		if (name)
			*name = NULL;
		return KAFF_NONE;
	}
	if (name)
		*name = r->sc->tasks[i].name;
	return r->ids[i];
}

void kaff_replay_free(struct kaff_replay *r)
{
	const struct kaff_scenario *sc;

	if (!r)
		return;
	sc = r->sc;
	kaff__replay_fini(r);
	kaff__free(&sc->alloc, r);
}

int kaff__replay_step(struct kaff_replay *r, uint32_t i, struct kaff_replay_result *res)
{
	return step(r, &r->sc->events[i], res);
}

int kaff_scenario_replay(const struct kaff_scenario *sc, const struct kaff_replay_ops *ops,
			 struct kaff_replay_result *res)
{
	struct kaff_replay_result dummy;
	struct kaff_replay r;
	uint32_t i;
	int ret;

	if (!sc || !ops)
		return -EINVAL;
	if (!res)
		res = &dummy;
	memset(res, 0, sizeof(*res));
	ret = kaff__replay_init(&r, sc, ops);
	if (ret)
		return ret;
	for (i = 0; i < sc->nr_events; i++) {
		ret = kaff__replay_step(&r, i, res);
		if (ret) {
			res->error_line = sc->events[i].line;
			break;
		}
		res->events++;
	}
	kaff__replay_fini(&r);
	return ret;
}
