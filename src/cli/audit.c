/* SPDX-License-Identifier: MIT */
/*
 * kaff audit [--json] [--kernel V] [--max-states N] [--no-wake] FILE.scn
 *
 * Replays a scenario, then explores CPU hotplug from where it ends: every
 * whole-node offline, every single-CPU offline and every offline-then-
 * online pair. Each explored state is a fresh replay of the scenario
 * followed by its hotplug operations (the library has no context clone,
 * and a replay is cheap). After the hotplug every started managed kthread
 * wakes once, as real kthreads do sooner or later: that is when the
 * scheduler fallback rewrites a mask that lost all its online CPUs.
 *
 * Reported, for each managed kthread (on the kernel's managed list):
 *   - its mask holds a CPU that boot isolation (nohz_full=, isolcpus=)
 *     meant to protect;
 *   - it runs on none of its preferred CPUs (its preference, or its node).
 * with the kernel rule that put the mask there. The rule comes from
 * watching each mask change: which event changed it, and the state just
 * before (no online CPU at a wake is the scheduler fallback, and so on).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#ifdef KAFF_HAVE_JANSSON
#include <jansson.h>
#endif

#include "cli.h"

static const char audit_usage[] =
	"usage: kaff audit [-J] [-k V] [--max-states N] [--no-wake] [--population POP]\n"
	"                  FILE.scn|-\n"
	"\n"
	"Replay FILE, then explore CPU hotplug from where it ends: every whole-node\n"
	"offline, every single-CPU offline and every offline-then-online pair (CPU 0\n"
	"cannot go offline on x86). After each, every started managed kthread wakes\n"
	"once. Report each state where a managed kthread's mask holds a CPU that\n"
	"boot isolation (nohz_full=, isolcpus=) protects, or holds none of its\n"
	"preferred CPUs online, with the kernel rule that put it there: scheduler\n"
	"fallback, last resort, user setaffinity, housekeeping type, hotplug.\n"
	"\n"
	"  -J, --json      machine-readable output" KAFF_JSON_NOTE "\n"
	"  -k, --kernel V  replay under profile V instead of the file's kernel line\n"
	"  --population POP   replay on every kthread of the population file POP\n"
	"                     (kaff host --kthreads; docs/population.md)\n"	"  --max-states N  explore at most N states (default 4096)\n"
	"  --no-wake       do not wake the kthreads after the hotplug operations\n"
	"  -h, --help      print this help\n"
	"  -V, --version   print kaff's version\n"
	"\n"
	"Exit status: 0 nothing to report, 1 findings, 2 usage or scenario error,\n"
	"3 libkaff failed.\n";

enum { OPT_JSON = 'J', OPT_KERNEL = 'k', OPT_MAX_STATES = 256, OPT_NO_WAKE, OPT_POPULATION };

static const struct kaff_opt audit_opts[] = {
	{ "population", OPT_POPULATION, true },
	{ "json", OPT_JSON, false },
	{ "kernel", OPT_KERNEL, true },
	{ "max-states", OPT_MAX_STATES, true },
	{ "no-wake", OPT_NO_WAKE, false },
	{ NULL, 0, false },
};

enum au_kind { AU_PROTECTED, AU_LOST_PREFERRED };

/* What last wrote a kthread's mask. */
enum au_cause {
	CAUSE_BOOT,        /* kthreadd at boot */
	CAUSE_CREATE,      /* copy of kthreadd's mask (rule C1) */
	CAUSE_BIND,        /* bind / create_on_cpu */
	CAUSE_SETAFFINITY, /* sched_setaffinity() */
	CAUSE_FALLBACK,    /* select_fallback_rq() at a wake */
	CAUSE_KTHREAD,     /* the kthread code: prefer, first wake, online, isolate */
};

enum au_rule {
	RULE_FALLBACK,
	RULE_LAST_RESORT,
	RULE_SETAFFINITY,
	RULE_HK_TYPE,
	RULE_HOTPLUG,
	RULE_CREATION,
	RULE_OTHER,
};

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
};
#endif

struct au_op {
	bool online;
	unsigned int cpu;
};

struct au_finding {
	unsigned int state;
	enum au_kind kind;
	enum au_rule rule;
	char *task, *mask, *cpus, *text;
};

/* Per kthread id, while a state replays. */
struct au_track {
	enum au_cause cause;
	struct kaff_cpumask *mask; /* copy of the mask after the last step */
	bool live;
};

struct audit {
	const char *file;
	const struct kaff_scenario *sc;
	const char *kthreadd; /* the real kthreadd's label (kaff_kthreadd_label()) */
	const struct kaff_profile *profile;
	unsigned int cpus, nr_nodes;
	bool wake;
	struct kaff_cpumask *protected_cpus;
	struct kaff_cpumask *end_online;
	struct kaff_cpumask *tmp, *tmp2, *before_online;
	/* states */
	char **labels;
	unsigned int nr_states, total_states, max_states;
	unsigned int n_node, n_single, n_pair;
	/* findings */
	struct au_finding *findings;
	size_t nr_findings, cap_findings;
	/* tracking, indexed by kthread id (ids are 0 .. boot kthreads + nr_events) */
	struct au_track *track;
	unsigned int nr_track;
	char **managed_names;
	unsigned int nr_managed;
	struct kaff_cpumask **node_cpus; /* the scenario's nodes */
	struct kaff_sbuf unmanaged;      /* " A B": live kthreads off the list */
};

static const char *task_label(const struct audit *au, struct kaff_replay *r, unsigned int id)
{
	return id == KAFF_KTHREADD ? au->kthreadd : kaff_replay_task_name(r, id);
}

/* ------------------------------------------------------------------------
 * Replaying one state, watching what changes each mask
 */

static void snapshot_masks(struct audit *au, const struct kaff_ctx *ctx)
{
	unsigned int id;

	for (id = 0; id < au->nr_track; id++) {
		const struct kaff_cpumask *m = kaff_kthread_cpus_mask(ctx, id);

		au->track[id].live = m != NULL;
		if (m)
			kaff_cpumask_copy(au->track[id].mask, m);
	}
	kaff_cpumask_copy(au->before_online, kaff_machine_online_mask(ctx));
}

/*
 * After one operation: give each kthread whose mask changed the cause.
 * @cmd is the operation's word ("wake", "online", ...), @subject the task
 * it names (or KAFF_KTHREAD_NONE).
 */
static void note_changes(struct audit *au, const struct kaff_ctx *ctx, const char *cmd,
			 unsigned int subject)
{
	unsigned int id;

	for (id = 0; id < au->nr_track; id++) {
		const struct kaff_cpumask *m = kaff_kthread_cpus_mask(ctx, id);
		bool was_live = au->track[id].live;
		enum au_cause cause;

		if (!m)
			continue;
		if (was_live && kaff_cpumask_equal(m, au->track[id].mask))
			continue;
		if (!was_live)
			cause = !strcmp(cmd, "create_on_cpu") ? CAUSE_BIND : CAUSE_CREATE;
		else if (id == subject && !strcmp(cmd, "setaffinity"))
			cause = CAUSE_SETAFFINITY;
		else if (id == subject && !strcmp(cmd, "bind"))
			cause = CAUSE_BIND;
		else if (id == subject && !strcmp(cmd, "wake") &&
			 !kaff_cpumask_intersects(au->track[id].mask, au->before_online))
			cause = CAUSE_FALLBACK;
		else
			cause = CAUSE_KTHREAD;
		au->track[id].cause = cause;
	}
	snapshot_masks(au, ctx);
}

/* The kthread id a scenario event names, from its description. */
static unsigned int event_subject(struct kaff_replay *r, const char *name)
{
	const struct kaff_ctx *ctx = kaff_replay_ctx(r);
	unsigned int id;

	for (id = kaff_kthread_first(ctx); id != KAFF_KTHREAD_NONE; id = kaff_kthread_next(ctx, id)) {
		const char *n = kaff_replay_task_name(r, id);

		if (n && !strcmp(n, name))
			return id;
	}
	return KAFF_KTHREAD_NONE;
}

static int add_finding(struct audit *au, struct au_finding *f)
{
	if (au->nr_findings == au->cap_findings) {
		size_t cap = au->cap_findings ? au->cap_findings * 2 : 32;
		struct au_finding *nf = realloc(au->findings, cap * sizeof(*nf));

		if (!nf)
			return -ENOMEM;
		au->findings = nf;
		au->cap_findings = cap;
	}
	au->findings[au->nr_findings++] = *f;
	return 0;
}

static const char *hk_name(enum kaff_hk_type t)
{
	return t == KAFF_HK_TYPE_DOMAIN ? "HK_TYPE_DOMAIN" : "HK_TYPE_KERNEL_NOISE";
}

/* Why @id's mask holds the protected CPUs @bad. */
static enum au_rule why_protected(struct audit *au, const struct kaff_ctx *ctx,
				  const struct kaff_kthread_info *info, struct kaff_sbuf *t)
{
	const struct kaff_cpumask *hk = kaff_housekeeping_cpumask(ctx, KAFF_HK_TYPE_KTHREAD);
	enum au_cause cause = au->track[info->id].cause;

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
	/* A stored sched_setaffinity() request (user_cpus_ptr) is not a cause
	 * here: it only narrows the kthread code's later updates (target ∩
	 * request, docs/algorithm.md#rule-user-filter), so it never adds a protected CPU; the
	 * rules below name where the CPU came from. */
	if (hk && kaff_cpumask_and(au->tmp, hk, au->protected_cpus) &&
	    kaff_cpumask_intersects(au->tmp, info->cpus)) {
		bool domain = (enum kaff_hk_type)kaff_profile_get(au->profile, KAFF_RULE_KTHREAD_HK) == KAFF_HK_TYPE_DOMAIN;

		kaff_sbuf_printf(t, "housekeeping type: under kernel %s kthreads follow %s, and CPUs ",
				 kaff_profile_name(au->profile), hk_name((enum kaff_hk_type)kaff_profile_get(au->profile, KAFF_RULE_KTHREAD_HK)));
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

/* Why @id runs on none of its preferred CPUs @pref. */
static enum au_rule why_lost(struct audit *au, const struct kaff_ctx *ctx,
			     const struct kaff_kthread_info *info, const struct kaff_cpumask *pref,
			     struct kaff_sbuf *t)
{
	const struct kaff_cpumask *hk = kaff_housekeeping_cpumask(ctx, KAFF_HK_TYPE_KTHREAD);
	const struct kaff_cpumask *online = kaff_machine_online_mask(ctx);
	enum au_cause cause = au->track[info->id].cause;

	if (!kaff_cpumask_intersects(pref, online)) {
		kaff_sbuf_puts(t, "hotplug: none of its preferred CPUs is online");
		if (cause == CAUSE_FALLBACK)
			kaff_sbuf_puts(t, "; it woke with no online CPU and the scheduler fallback gave it every "
					  "possible CPU (docs/algorithm.md#rule-fallback)");
		else if (!kaff_cpumask_intersects(info->cpus, online))
			kaff_sbuf_puts(t, "; there is no offline callback, so it keeps a mask with no online CPU "
					  "until its next wake (docs/algorithm.md#rule-offline)");
		else if (hk && !kaff_cpumask_intersects(info->preferred ? info->preferred : pref, hk))
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
	/* node kthreads fetch the online CPUs of their node */
	kaff_cpumask_and(au->tmp2, pref, info->preferred ? pref : online);
	if (hk && !kaff_cpumask_intersects(au->tmp2, hk)) {
		kaff_sbuf_puts(t, "last resort: none of its preferred CPUs is a housekeeping CPU (");
		kaff_sbuf_puts(t, hk_name((enum kaff_hk_type)kaff_profile_get(au->profile, KAFF_RULE_KTHREAD_HK)));
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

static int check_state(struct audit *au, struct kaff_replay *r, unsigned int state)
{
	const struct kaff_ctx *ctx = kaff_replay_ctx(r);
	const struct kaff_cpumask *online = kaff_machine_online_mask(ctx);
	struct kaff_cpumask *pref = kaff_cpumask_alloc(au->cpus);
	struct kaff_sbuf t = { 0 };
	unsigned int id;
	int ret = 0;

	if (!pref)
		return -ENOMEM;
	for (id = kaff_managed_first(ctx); id != KAFF_KTHREAD_NONE && !ret;
	     id = kaff_managed_next(ctx, id)) {
		struct kaff_kthread_info info;
		const char *name;
		int kind;

		if (kaff_kthread_get_info(ctx, id, &info) || id >= au->nr_track)
			continue;
		name = task_label(au, r, id);
		kaff_cpumask_clear(pref);
		if (info.preferred)
			kaff_cpumask_copy(pref, info.preferred);
		else if (info.node != KAFF_NUMA_NO_NODE && kaff_machine_node_cpus(ctx, (unsigned int)info.node))
			kaff_cpumask_copy(pref, kaff_machine_node_cpus(ctx, (unsigned int)info.node));
		for (kind = AU_PROTECTED; kind <= AU_LOST_PREFERRED && !ret; kind++) {
			struct au_finding f = { 0 };

			kaff_sbuf_reset(&t);
			if (kind == AU_PROTECTED) {
				if (!kaff_cpumask_and(au->tmp, info.cpus, au->protected_cpus))
					continue;
				f.cpus = kaff_mask_str(au->tmp);
				f.rule = why_protected(au, ctx, &info, &t);
			} else {
				if (kaff_cpumask_empty(pref))
					continue;
				kaff_cpumask_and(au->tmp, info.cpus, pref);
				if (kaff_cpumask_intersects(au->tmp, online))
					continue;
				f.cpus = kaff_mask_str(pref);
				f.rule = why_lost(au, ctx, &info, pref, &t);
			}
			f.state = state;
			f.kind = (enum au_kind)kind;
			f.task = strdup(name ? name : "?");
			f.mask = kaff_mask_str(info.cpus);
			f.text = t.oom ? NULL : strdup(t.s ? t.s : "");
			if (!f.task || !f.mask || !f.cpus || !f.text || add_finding(au, &f)) {
				free(f.task);
				free(f.mask);
				free(f.cpus);
				free(f.text);
				ret = -ENOMEM;
			}
		}
	}
	kaff_sbuf_free(&t);
	kaff_cpumask_free(pref);
	return ret;
}

/*
 * Replay the scenario, apply @ops, wake the managed kthreads, check.
 * @label receives "offline 3 (EBUSY), online 3" style text.
 */
static int run_state(struct audit *au, const struct au_op *ops, unsigned int nops,
		     struct kaff_sbuf *label, unsigned int state)
{
	struct kaff_replay_ops rops = { 0 };
	struct kaff_sbuf refused = { 0 };
	struct kaff_replay *r = NULL;
	struct kaff_ctx *ctx;
	unsigned int i, id;
	bool node_label;
	int ret;

	rops.profile = au->profile;
	ret = kaff_replay_new(au->sc, &rops, &r);
	if (ret)
		return ret;
	node_label = label->len > 0;
	ctx = kaff_replay_ctx(r);
	for (id = 0; id < au->nr_track; id++)
		au->track[id].cause = id == KAFF_KTHREADD ? CAUSE_BOOT : CAUSE_CREATE;
	snapshot_masks(au, ctx);
	for (;;) {
		char desc[96], cmd[32] = "", subj[32] = "";
		unsigned int pos = kaff_replay_position(r);

		if (kaff_scenario_event_describe(au->sc, pos, desc, sizeof(desc), NULL) >= 0 &&
		    sscanf(desc, "%31s %31s", cmd, subj) < 1)
			cmd[0] = '\0';
		ret = kaff_replay_step(r, NULL);
		if (ret <= 0)
			break;
		note_changes(au, ctx, cmd, subj[0] ? event_subject(r, subj) : KAFF_KTHREAD_NONE);
	}
	if (ret < 0)
		goto out;
	for (i = 0; i < nops; i++) {
		int err = ops[i].online ? kaff_cpu_online(ctx, ops[i].cpu)
					: kaff_cpu_offline(ctx, ops[i].cpu);

		if (err == -ENOMEM) {
			ret = err;
			goto out;
		}
		if (node_label) {
			/* "node 1 offline (CPUs 8-15)": list only refusals */
			if (err)
				kaff_sbuf_printf(&refused, ", offline %u %s", ops[i].cpu,
						 kaff_strerrorname(err));
		} else {
			kaff_sbuf_printf(label, "%s%s %u", i ? ", " : "",
					 ops[i].online ? "online" : "offline", ops[i].cpu);
			if (err)
				kaff_sbuf_printf(label, " %s", kaff_strerrorname(err));
		}
		note_changes(au, ctx, ops[i].online ? "online" : "offline", KAFF_KTHREAD_NONE);
	}
	if (!nops)
		kaff_sbuf_puts(label, "end of scenario");
	if (node_label && refused.len)
		kaff_sbuf_puts(label, refused.s);
	if (node_label)
		kaff_sbuf_puts(label, ")");
	if (refused.oom)
		label->oom = true;
	if (au->wake && nops) {
		for (id = kaff_managed_first(ctx); id != KAFF_KTHREAD_NONE; id = kaff_managed_next(ctx, id)) {
			struct kaff_kthread_info info;

			if (id == KAFF_KTHREADD || kaff_kthread_get_info(ctx, id, &info) ||
			    !(info.flags & KAFF_KTHREAD_STARTED))
				continue;
			ret = kaff_wake_up_process(ctx, id);
			if (ret)
				goto out;
			note_changes(au, ctx, "wake", id);
		}
	}
	ret = check_state(au, r, state);
out:
	kaff_sbuf_free(&refused);
	kaff_replay_free(r);
	return ret;
}

static int add_state(struct audit *au, const struct au_op *ops, unsigned int nops, const char *prefix)
{
	struct kaff_sbuf label = { 0 };
	char **nl;
	int ret;

	if (au->nr_states >= au->max_states)
		return 0;
	nl = realloc(au->labels, (au->nr_states + 1) * sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	au->labels = nl;
	if (prefix)
		kaff_sbuf_puts(&label, prefix);
	ret = run_state(au, ops, nops, &label, au->nr_states);
	if (!ret && label.oom)
		ret = -ENOMEM;
	if (ret) {
		kaff_sbuf_free(&label);
		return ret;
	}
	au->labels[au->nr_states++] = label.s;
	return 0;
}

/* Every state, in order: the end, whole nodes, single CPUs, pairs. */
static int explore(struct audit *au)
{
	struct au_op *ops = malloc((au->cpus + 1) * sizeof(*ops));
	struct kaff_sbuf prefix = { 0 };
	unsigned int n, cpu, x, y, k;
	int ret;

	if (!ops)
		return -ENOMEM;
	/* Count first, to say how many there are when the bound cuts. */
	au->n_node = 0;
	for (n = 0; n < au->nr_nodes; n++) {
		kaff_cpumask_and(au->tmp, au->node_cpus[n], au->end_online);
		kaff_cpumask_clear_cpu(0, au->tmp);
		if (!kaff_cpumask_empty(au->tmp))
			au->n_node++;
	}
	au->n_single = 0;
	au->n_pair = 0;
	kaff_for_each_cpu(x, au->end_online) {
		if (!x)
			continue;
		au->n_single++;
		for (y = 1; y < au->cpus; y++)
			if (y == x || !kaff_cpumask_test_cpu(y, au->end_online))
				au->n_pair++;
	}
	au->total_states = 1 + au->n_node + au->n_single + au->n_pair;

	ret = add_state(au, NULL, 0, NULL);
	for (n = 0; n < au->nr_nodes && !ret; n++) {
		/* CPU 0 has no online file on x86: it stays. */
		kaff_cpumask_and(au->tmp, au->node_cpus[n], au->end_online);
		kaff_cpumask_clear_cpu(0, au->tmp);
		if (kaff_cpumask_empty(au->tmp))
			continue;
		k = 0;
		kaff_for_each_cpu(cpu, au->tmp) {
			ops[k].online = false;
			ops[k++].cpu = cpu;
		}
		kaff_sbuf_reset(&prefix);
		kaff_sbuf_printf(&prefix, "node %u offline (CPUs ", n);
		kaff_sbuf_mask(&prefix, au->tmp);
		ret = prefix.oom ? -ENOMEM : add_state(au, ops, k, prefix.s);
	}
	kaff_for_each_cpu(x, au->end_online) {
		if (!x || ret)
			continue;
		ops[0].online = false;
		ops[0].cpu = x;
		ret = add_state(au, ops, 1, NULL);
	}
	kaff_for_each_cpu(x, au->end_online) {
		for (y = 1; y < au->cpus && x && !ret; y++) {
			if (y != x && kaff_cpumask_test_cpu(y, au->end_online))
				continue;
			ops[0].online = false;
			ops[0].cpu = x;
			ops[1].online = true;
			ops[1].cpu = y;
			ret = add_state(au, ops, 2, NULL);
		}
	}
	kaff_sbuf_free(&prefix);
	free(ops);
	return ret;
}

static void audit_free(struct audit *au)
{
	unsigned int i;
	size_t f;

	for (i = 0; i < au->nr_states; i++)
		free(au->labels[i]);
	free(au->labels);
	for (f = 0; f < au->nr_findings; f++) {
		free(au->findings[f].task);
		free(au->findings[f].mask);
		free(au->findings[f].cpus);
		free(au->findings[f].text);
	}
	free(au->findings);
	/* au->track may have failed to allocate after nr_track was set */
	for (i = 0; au->track && i < au->nr_track; i++)
		kaff_cpumask_free(au->track[i].mask);
	free(au->track);
	for (i = 0; i < au->nr_managed; i++)
		free(au->managed_names[i]);
	for (i = 0; au->node_cpus && i < au->nr_nodes; i++)
		kaff_cpumask_free(au->node_cpus[i]);
	free(au->node_cpus);
	free(au->managed_names);
	kaff_sbuf_free(&au->unmanaged);
	kaff_cpumask_free(au->protected_cpus);
	kaff_cpumask_free(au->end_online);
	kaff_cpumask_free(au->tmp);
	kaff_cpumask_free(au->tmp2);
	kaff_cpumask_free(au->before_online);
}

/* The scenario's machine: protected CPUs and nodes at boot, the online
 * set and the managed kthreads at its end. */
static int audit_setup(struct audit *au)
{
	struct kaff_replay_ops rops = { 0 };
	struct kaff_replay *r = NULL;
	const struct kaff_cpumask *d, *k;
	struct kaff_ctx *ctx;
	unsigned int i, id;
	int ret;

	rops.profile = au->profile;
	ret = kaff_replay_new(au->sc, &rops, &r);
	if (ret)
		return ret;
	ctx = kaff_replay_ctx(r);
	au->cpus = kaff_machine_nr_cpu_ids(ctx);
	au->nr_nodes = kaff_machine_nr_nodes(ctx);
	au->protected_cpus = kaff_cpumask_alloc(au->cpus);
	au->end_online = kaff_cpumask_alloc(au->cpus);
	au->tmp = kaff_cpumask_alloc(au->cpus);
	au->tmp2 = kaff_cpumask_alloc(au->cpus);
	au->before_online = kaff_cpumask_alloc(au->cpus);
	au->node_cpus = calloc(au->nr_nodes ? au->nr_nodes : 1, sizeof(*au->node_cpus));
	au->nr_track = kaff_scenario_nr_boot_kthreads(au->sc) + kaff_scenario_nr_events(au->sc) + 1;
	au->track = calloc(au->nr_track, sizeof(*au->track));
	ret = -ENOMEM;
	if (!au->protected_cpus || !au->end_online || !au->tmp || !au->tmp2 || !au->before_online ||
	    !au->node_cpus || !au->track)
		goto out;
	for (i = 0; i < au->nr_track; i++)
		if (!(au->track[i].mask = kaff_cpumask_alloc(au->cpus)))
			goto out;
	for (i = 0; i < au->nr_nodes; i++) {
		if (!(au->node_cpus[i] = kaff_cpumask_alloc(au->cpus)))
			goto out;
		kaff_cpumask_copy(au->node_cpus[i], kaff_machine_node_cpus(ctx, i));
	}
	/* What boot isolation protects: the CPUs out of the domain or the
	 * kernel-noise housekeeping set, read before any event (in 7.x a
	 * later isolate changes HK_TYPE_DOMAIN; the boot value stays). */
	d = kaff_housekeeping_cpumask(ctx, KAFF_HK_TYPE_DOMAIN);
	k = kaff_housekeeping_cpumask(ctx, KAFF_HK_TYPE_KERNEL_NOISE);
	if (!d || !k) {
		ret = -EINVAL;
		goto out;
	}
	kaff_cpumask_and(au->tmp, d, k);
	kaff_cpumask_complement(au->protected_cpus, au->tmp);
	while ((ret = kaff_replay_step(r, NULL)) == 1)
		;
	if (ret)
		goto out;
	kaff_cpumask_copy(au->end_online, kaff_machine_online_mask(ctx));
	for (id = kaff_managed_first(ctx); id != KAFF_KTHREAD_NONE; id = kaff_managed_next(ctx, id)) {
		const char *name = task_label(au, r, id);
		char **nm = realloc(au->managed_names, (au->nr_managed + 1) * sizeof(*nm));

		ret = -ENOMEM;
		if (!nm)
			goto out;
		au->managed_names = nm;
		if (!(nm[au->nr_managed] = strdup(name ? name : "?")))
			goto out;
		au->nr_managed++;
	}
	for (id = kaff_kthread_first(ctx); id != KAFF_KTHREAD_NONE; id = kaff_kthread_next(ctx, id)) {
		struct kaff_kthread_info info;
		const char *name = kaff_replay_task_name(r, id);

		if (kaff_kthread_get_info(ctx, id, &info) || (info.flags & KAFF_KTHREAD_MANAGED))
			continue;
		kaff_sbuf_printf(&au->unmanaged, " %s", name ? name : "?");
	}
	ret = au->unmanaged.oom ? -ENOMEM : 0;
out:
	kaff_replay_free(r);
	return ret;
}

#ifdef KAFF_HAVE_JANSSON
static const char *kind_text(enum au_kind k)
{
	return k == AU_PROTECTED ? "protected-cpu" : "lost-preferred";
}
#endif

/* Findings that read the same apart from the state and the mask. */
static bool same_finding(const struct au_finding *a, const struct au_finding *b)
{
	return a->kind == b->kind && a->rule == b->rule && !strcmp(a->task, b->task) &&
	       !strcmp(a->text, b->text) && (a->kind == AU_PROTECTED || !strcmp(a->cpus, b->cpus));
}

static unsigned int states_with_findings(const struct audit *au)
{
	unsigned int n = 0, last = ~0u;
	size_t i;

	for (i = 0; i < au->nr_findings; i++) {
		if (au->findings[i].state != last)
			n++;
		last = au->findings[i].state;
	}
	return n;
}

/* At most this many state labels per finding in the text output. */
#define MAX_LABELS 6

static void print_text(struct audit *au, struct kaff_sbuf *o)
{
	unsigned int i, groups = 0;
	size_t f, g;
	bool *done = calloc(au->nr_findings + 1, sizeof(*done));

	if (!done) {
		o->oom = true;
		return;
	}
	kaff_sbuf_printf(o, "kaff audit: %s: kernel %s (%s rules), %u CPUs, %u node%s\n", au->file,
			 kaff_profile_name(au->profile), kaff_profile_rules(au->profile), au->cpus, au->nr_nodes,
			 au->nr_nodes == 1 ? "" : "s");
	kaff_sbuf_puts(o, "protected by boot isolation (nohz_full=, isolcpus=): ");
	kaff_sbuf_mask(o, au->protected_cpus);
	kaff_sbuf_puts(o, "\nmanaged kthreads at the end of the scenario:");
	for (i = 0; i < au->nr_managed; i++)
		kaff_sbuf_printf(o, " %s", au->managed_names[i]);
	if (!au->nr_managed)
		kaff_sbuf_puts(o, " none");
	if (au->unmanaged.len)
		kaff_sbuf_printf(o, "\nnot audited (bound, per-CPU, not started, or no node under 6.x: "
				    "not on the managed list):%s",
				 au->unmanaged.s);
	kaff_sbuf_printf(o, "\nexplored %u of %u states: the end of the scenario, %u whole-node offline%s, "
			    "%u single-CPU offline%s, %u offline-then-online pair%s",
			 au->nr_states, au->total_states, au->n_node, au->n_node == 1 ? "" : "s",
			 au->n_single, au->n_single == 1 ? "" : "s", au->n_pair, au->n_pair == 1 ? "" : "s");
	if (au->nr_states < au->total_states)
		kaff_sbuf_printf(o, " (stopped at --max-states %u)", au->max_states);
	kaff_sbuf_printf(o, "; %s\n", au->wake ? "after the hotplug every started managed kthread wakes once"
					       : "no wake after the hotplug (--no-wake)");
	for (f = 0; f < au->nr_findings; f++) {
		if (done[f])
			continue;
		groups++;
		for (g = f + 1; g < au->nr_findings; g++)
			if (!done[g] && same_finding(&au->findings[f], &au->findings[g]))
				done[g] = true;
	}
	memset(done, 0, (au->nr_findings + 1) * sizeof(*done));
	kaff_sbuf_printf(o, "findings: %u in %u state%s\n", groups, states_with_findings(au),
			 states_with_findings(au) == 1 ? "" : "s");
	for (f = 0; f < au->nr_findings; f++) {
		const struct au_finding *x = &au->findings[f];
		unsigned int n = 0;

		if (done[f])
			continue;
		kaff_sbuf_puts(o, "\n");
		if (x->kind == AU_PROTECTED)
			kaff_sbuf_printf(o, "%s: its mask holds protected CPUs\n", x->task);
		else
			kaff_sbuf_printf(o, "%s: its mask holds none of its preferred CPUs (%s) online\n",
					 x->task, x->cpus);
		kaff_sbuf_printf(o, "  rule: %s\n", x->text);
		for (g = f; g < au->nr_findings; g++)
			if (g == f || (!done[g] && same_finding(x, &au->findings[g]))) {
				done[g] = true;
				n++;
			}
		kaff_sbuf_printf(o, "  in %u state%s:\n", n, n == 1 ? "" : "s");
		i = 0;
		for (g = f; g < au->nr_findings && i < MAX_LABELS; g++)
			if (g == f || same_finding(x, &au->findings[g])) {
				kaff_sbuf_printf(o, "    %s: mask %s\n", au->labels[au->findings[g].state],
						 au->findings[g].mask);
				i++;
			}
		if (n > MAX_LABELS)
			kaff_sbuf_printf(o, "    and %u more\n", n - MAX_LABELS);
	}
	free(done);
}

#ifdef KAFF_HAVE_JANSSON
/*
 * json_dump_callback() output goes straight into @data, a kaff_sbuf. Not
 * json_dumps(): jansson 2.14 ignores a failed append of an object key
 * (akheron/jansson#655) and returns the document without it, while here
 * a failed append leaves the sbuf's oom flag set.
 */
static int dump_to_sbuf(const char *buf, size_t len, void *data)
{
	struct kaff_sbuf *o = data;

	kaff_sbuf_printf(o, "%.*s", (int)len, buf);
	return o->oom ? -1 : 0;
}

/* jansson builds the document; it does the escaping. */
static int print_json(struct audit *au, struct kaff_sbuf *o)
{
	json_t *root = json_object(), *states = json_array(), *findings = json_array();
	json_t *managed = json_array(), *counts = json_object();
	char *prot = kaff_mask_str(au->protected_cpus);
	json_t *unmanaged = NULL;
	const char *p;
	unsigned int i;
	size_t f;
	int ret = -ENOMEM;

	if (!root || !states || !findings || !managed || !counts || !prot)
		goto out;
	for (i = 0; i < au->nr_managed; i++)
		if (json_array_append_new(managed, json_string(au->managed_names[i])))
			goto out;
	if (!(unmanaged = json_array()))
		goto out;
	for (p = au->unmanaged.s; p && *p;) {
		size_t n;

		p += strspn(p, " ");
		n = strcspn(p, " ");
		if (n && json_array_append_new(unmanaged, json_stringn(p, n)))
			goto out;
		p += n;
	}
	for (i = 0; i < au->nr_states; i++)
		if (json_array_append_new(states, json_string(au->labels[i])))
			goto out;
	for (f = 0; f < au->nr_findings; f++) {
		const struct au_finding *x = &au->findings[f];
		json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
				      "state_index", (json_int_t)x->state,
				      "state", au->labels[x->state], "task", x->task,
				      "kind", kind_text(x->kind), "mask", x->mask,
				      x->kind == AU_PROTECTED ? "protected_cpus" : "preferred_cpus", x->cpus,
				      "rule", rule_ids[x->rule], "explanation", x->text);

		if (!j || json_array_append_new(findings, j))
			goto out;
	}
	if (json_object_set_new(counts, "explored", json_integer(au->nr_states)) ||
	    json_object_set_new(counts, "total", json_integer(au->total_states)) ||
	    json_object_set_new(counts, "max_states", json_integer(au->max_states)) ||
	    json_object_set_new(counts, "whole_node_offline", json_integer(au->n_node)) ||
	    json_object_set_new(counts, "single_offline", json_integer(au->n_single)) ||
	    json_object_set_new(counts, "offline_online_pairs", json_integer(au->n_pair)) ||
	    json_object_set_new(root, "file", json_string(au->file)) ||
	    json_object_set_new(root, "kernel", json_string(kaff_profile_name(au->profile))) ||
	    json_object_set_new(root, "rules", json_string(kaff_profile_rules(au->profile))) ||
	    json_object_set_new(root, "cpus", json_integer(au->cpus)) ||
	    json_object_set_new(root, "nodes", json_integer(au->nr_nodes)) ||
	    json_object_set_new(root, "protected_cpus", json_string(prot)) ||
	    json_object_set_new(root, "wake_after_hotplug", json_boolean(au->wake)) ||
	    json_object_set(root, "managed", managed) ||
	    json_object_set(root, "not_audited", unmanaged) ||
	    json_object_set(root, "counts", counts) ||
	    json_object_set(root, "states", states) ||
	    json_object_set(root, "findings", findings))
		goto out;
	if (json_dump_callback(root, dump_to_sbuf, o, JSON_INDENT(2) | JSON_PRESERVE_ORDER))
		goto out;
	kaff_sbuf_puts(o, "\n");
	ret = o->oom ? -ENOMEM : 0;
out:
	free(prot);
	json_decref(managed);
	json_decref(unmanaged);
	json_decref(counts);
	json_decref(states);
	json_decref(findings);
	json_decref(root);
	return ret;
}
#endif

int kaff_cmd_audit(int argc, char **argv)
{
	const char *file = NULL, *kernel = NULL;
	struct kaff_scenario *sc = NULL;
	struct kaff_sbuf out = { 0 };
	struct audit au;
	struct kaff_population *pop = NULL;
	const char *popfile = NULL;
	static const char *const operands[] = { "FILE" };
	bool json = false, nowake = false;
	unsigned long max = 4096;
	struct kaff_args a;
	char *end;
	int opt, ret, status;

	memset(&au, 0, sizeof(au));
	kaff_args_init(&a, "audit", audit_usage, audit_opts, argc, argv);
	while ((opt = kaff_args_next(&a)) > 0) {
		if (opt == OPT_POPULATION)
			popfile = a.arg;
		if (opt == OPT_JSON) {
			json = true;
		} else if (opt == OPT_NO_WAKE) {
			nowake = true;
		} else if (opt == OPT_KERNEL) {
			kernel = a.arg;
		} else if (opt == OPT_MAX_STATES) {
			errno = 0;
			max = strtoul(a.arg, &end, 10);
			if (*end || errno || !max || max > 1000000 || a.arg[0] < '0' || a.arg[0] > '9') {
				fprintf(stderr, "kaff: audit: --max-states must be 1 to 1000000\n");
				return KAFF_EXIT_USAGE;
			}
		}
	}
	if (opt < 0 || !kaff_args_operands(&a, 1, 1, operands))
		return a.status;
	file = a.operands[0];
	au.wake = !nowake;
	au.max_states = (unsigned int)max;
#ifndef KAFF_HAVE_JANSSON
	if (json)
		return kaff_json_unavailable("audit");
#endif
	if (kernel && !kaff_args_profile(&a, kernel, &au.profile))
		return a.status;
	if (popfile) {
		status = kaff_cli_read_population(popfile, NULL, &pop);
		if (status)
			return status;
	}
	status = kaff_load_scenario("audit", file, NULL, pop, &sc);
	if (status) {
		kaff_population_free(pop);
		return status;
	}
	au.sc = sc;
	au.kthreadd = kaff_kthreadd_label(sc);
	au.file = kaff_display_name(file);
	if (!au.profile)
		au.profile = kaff_scenario_profile(sc);
	ret = audit_setup(&au);
	if (ret && ret != -ENOMEM) {
		struct kaff_replay *r = NULL;

		/* the same refusal again, with the shared messages */
		status = kaff_replay_start("audit", file, sc, au.profile, &r);
		kaff_replay_free(r);
		if (!status)
			status = KAFF_EXIT_INTERNAL;
		goto out;
	}
	if (!ret)
		ret = explore(&au);
	if (ret) {
		fprintf(stderr, "kaff: audit: %s: %s\n", au.file, kaff_strerrorname(ret));
		status = KAFF_EXIT_INTERNAL;
		goto out;
	}
#ifdef KAFF_HAVE_JANSSON
	if (json)
		ret = print_json(&au, &out);
	else
#endif
		print_text(&au, &out);
	status = ret ? KAFF_EXIT_INTERNAL : kaff_flush_out("audit", &out);
	if (ret)
		fprintf(stderr, "kaff: audit: ENOMEM: out of memory\n");
	if (!status && au.nr_findings)
		status = KAFF_EXIT_FOUND;
out:
	kaff_sbuf_free(&out);
	audit_free(&au);
	kaff_scenario_free(sc);
	kaff_population_free(pop);
	return status;
}
