/* SPDX-License-Identifier: MIT */
/*
 * kaff audit [--json] [--kernel V] [--max-states N] [--no-wake]
 *            [--explore rollback|dup|replay] FILE.scn
 *
 * Replays a scenario once, watching what writes each mask (which event,
 * and the state just before it: no online CPU at a wake is the scheduler
 * fallback, and so on), then explores CPU hotplug from where it ends
 * (audit-explore.c) and reports, grouped, the kthreads whose masks hold
 * protected CPUs or none of their preferred CPUs (audit-rules.c,
 * audit-findings.c, audit-print.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"

static const char audit_usage[] =
	"usage: kaff audit [-J] [-k V] [--max-states N] [--no-wake] [--explore M]\n"
	"                  [--population POP] FILE.scn|-\n"
	"\n"
	"Replay FILE, then explore CPU hotplug from where it ends: every whole-node\n"
	"offline, every node's housekeeping CPUs offline, every single-CPU offline\n"
	"and every offline-then-online pair (CPU 0 cannot go offline on x86). After\n"
	"each, every started managed kthread wakes once. Report each kthread whose\n"
	"mask holds a CPU that boot isolation (nohz_full=, isolcpus=) protects (those\n"
	"not on the kernel's managed list marked so), or, on the managed list, none\n"
	"of its preferred CPUs online, with the kernel rule that put it there:\n"
	"scheduler fallback, last resort, user setaffinity, housekeeping type,\n"
	"hotplug, bound; and each boot parameter the kernel ignored. Kthreads with\n"
	"the same finding in the same states are one finding. Per-CPU and bound\n"
	"kthreads on their own CPU are only counted.\n"
	"\n"
	"  -J, --json      machine-readable output, every kthread and state" KAFF_JSON_NOTE "\n"
	"  -k, --kernel V  replay under profile V instead of the file's kernel line\n"
	"                  (or BASE+RULE=VALUE...+./RULE.so: kaff(1), KERNEL PROFILES)\n"
	"  --population POP  replay on every kthread of the population file POP\n"
	"                  (kaff host --kthreads; docs/population.md)\n"
	"  --max-states N  explore at most N states (default 4096)\n"
	"  --no-wake       do not wake the kthreads after the hotplug operations\n"
	"  --explore M     how each state starts from the end of the scenario, the\n"
	"                  same findings each way: rollback (default): apply the\n"
	"                  state's events, then take them back; dup: on a copy of\n"
	"                  the end; replay: replay the whole scenario (slowest)\n"
	"  -h, --help      print this help\n"
	"  -V, --version   print kaff's version\n"
	"\n"
	"Exit status: 0 nothing to report, 1 findings, 2 usage or scenario error,\n"
	"3 libkaff failed.\n";

enum { OPT_JSON = 'J', OPT_KERNEL = 'k', OPT_MAX_STATES = 256, OPT_NO_WAKE, OPT_EXPLORE,
       OPT_POPULATION };

static const struct kaff_opt audit_opts[] = {
	{ "json", OPT_JSON, false },
	{ "kernel", OPT_KERNEL, true },
	{ "max-states", OPT_MAX_STATES, true },
	{ "no-wake", OPT_NO_WAKE, false },
	{ "explore", OPT_EXPLORE, true },
	{ "population", OPT_POPULATION, true },
	{ NULL, 0, false },
};

/* The base replay's view: each kthread id's cause, and the event
 * being replayed (the change callback reads it). */
struct au_track {
	uint8_t *cause;
	unsigned int nr_ids;
	const char *cmd;
	unsigned int subject;
	const struct kaff_ctx *ctx;
};

/* Task names of the live kthreads, by name (newest first in a chain). */
struct au_names {
	uint32_t *bucket, nb;
	uint32_t *chain;   /* by id */
};

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static unsigned int name_lookup(const struct audit *au, const struct au_names *nm, const char *name)
{
	uint32_t i;

	for (i = nm->bucket[name_hash(name) & (nm->nb - 1)]; i != AU_NONE; i = nm->chain[i])
		if (!strcmp(au->names[i], name))
			return i;
	return KAFF_KTHREAD_NONE;
}

/*
 * A mask the event changed (kaff_ctx_set_change_fn()): the event's own
 * subject was written by what the event is (sched_setaffinity(),
 * kthread_bind(), a wake that met no online CPU: select_fallback_rq());
 * anything else by the kthread code (prefer, first wake, CPU online,
 * housekeeping updates).
 */
static void base_change(void *data, unsigned int id, const struct kaff_cpumask *old_mask,
			const struct kaff_cpumask *new_mask)
{
	struct au_track *tr = data;
	enum au_cause cause = CAUSE_KTHREAD;

	(void)new_mask;
	if (id >= tr->nr_ids)
		return;
	if (id == tr->subject && !strcmp(tr->cmd, "setaffinity"))
		cause = CAUSE_SETAFFINITY;
	else if (id == tr->subject && !strcmp(tr->cmd, "bind"))
		cause = CAUSE_BIND;
	else if (id == tr->subject && !strcmp(tr->cmd, "wake") &&
		 !kaff_cpumask_intersects(old_mask, kaff_machine_online_mask(tr->ctx)))
		cause = CAUSE_FALLBACK;
	tr->cause[id] = (uint8_t)cause;
}

/* Kthread @id is named @name (found by name_lookup()). */
static int name_add(struct audit *au, struct au_names *nm, unsigned int id, const char *name)
{
	uint32_t b = name_hash(name) & (nm->nb - 1);

	au->names[id] = strdup(name);
	if (!au->names[id])
		return -ENOMEM;
	nm->chain[id] = nm->bucket[b];
	nm->bucket[b] = id;
	return 0;
}

/* Replay the scenario to its end, giving each mask its cause, and each
 * kthread its name. */
static int base_replay(struct audit *au, struct au_track *tr, struct au_names *nm)
{
	struct kaff_ctx *ctx = kaff_replay_ctx(au->base);
	unsigned int next_id = 1 + kaff_scenario_nr_boot_kthreads(au->sc);
	unsigned int i;
	int ret = 0;

	/* a population's kthreads, made at boot, before any event */
	for (i = 0; i < kaff_replay_nr_tasks(au->base) && !ret; i++) {
		const char *name = NULL;
		unsigned int id = kaff_replay_task(au->base, i, &name);

		if (id != KAFF_KTHREAD_NONE && id < au->nr_ids && name && !au->names[id])
			ret = name_add(au, nm, id, name);
	}
	if (ret)
		return ret;
	tr->ctx = ctx;
	kaff_ctx_set_change_fn(ctx, base_change, tr);
	for (;;) {
		char desc[160], cmd[32] = "", name[64] = "";

		if (kaff_scenario_event_describe(au->sc, kaff_replay_position(au->base), desc, sizeof(desc),
						 NULL) < 0 ||
		    sscanf(desc, "%31s %63s", cmd, name) < 1)
			cmd[0] = '\0';
		tr->cmd = cmd;
		tr->subject = name[0] ? name_lookup(au, nm, name) : KAFF_KTHREAD_NONE;
		ret = kaff_replay_step(au->base, NULL);
		if (ret <= 0)
			break;
		if (strcmp(cmd, "create") && strcmp(cmd, "create_on_cpu"))
			continue;
		/* ids are given 1, 2, 3, ... to the creations that succeed */
		if (next_id >= au->nr_ids || !kaff_kthread_cpus_mask(ctx, next_id))
			continue;
		ret = name_add(au, nm, next_id, name);
		if (ret)
			break;
		tr->cause[next_id] = cmd[6] ? CAUSE_BIND : CAUSE_CREATE;
		next_id++;
	}
	kaff_ctx_set_change_fn(ctx, NULL, NULL);
	return ret;
}

static int add_kt(struct audit *au, unsigned int id, const struct kaff_kthread_info *info,
		  const struct au_track *tr, bool managed)
{
	struct au_kt *k = &au->kts[au->nr_kts];
	const struct kaff_cpumask *pref = info->preferred;

	memset(k, 0, sizeof(*k));
	k->id = id;
	k->managed = managed;
	k->wake = managed && id != KAFF_KTHREADD && (info->flags & KAFF_KTHREAD_STARTED);
	k->cause = tr->cause[id];
	au->kt_of[id] = au->nr_kts;
	k->head = k->cls = AU_NONE;
	if (!pref && info->node != KAFF_NUMA_NO_NODE)
		pref = au->node_cpus[info->node];
	k->pref = pref && managed ? kaff_mask_str(pref) : strdup("");
	if (!k->pref)
		return -ENOMEM;
	au->nr_kts++;
	return 0;
}

/* Per-CPU kthreads, and bound ones on one CPU, are there by design. */
static bool by_design(const struct kaff_kthread_info *info)
{
	return (info->flags & KAFF_KTHREAD_PER_CPU) ||
	       ((info->flags & KAFF_KTHREAD_NO_SETAFFINITY) && kaff_cpumask_weight(info->cpus) == 1);
}

/* The kthreads to audit: the managed list, then the others, minus those
 * there by design (counted). */
static int audit_kthreads(struct audit *au, const struct kaff_ctx *ctx, const struct au_track *tr)
{
	struct kaff_kthread_info info;
	unsigned int id, n = kaff_kthread_count(ctx) + 1;
	int ret = 0;

	au->kts = calloc(n, sizeof(*au->kts));
	au->design_names = calloc(n, sizeof(*au->design_names));
	au->kt_of = malloc(au->nr_ids * sizeof(*au->kt_of));
	if (!au->kts || !au->design_names || !au->kt_of)
		return -ENOMEM;
	for (id = 0; id < au->nr_ids; id++)
		au->kt_of[id] = AU_NONE;
	for (id = kaff_managed_first(ctx); id != KAFF_KTHREAD_NONE && !ret; id = kaff_managed_next(ctx, id))
		if (!kaff_kthread_get_info(ctx, id, &info) && id < au->nr_ids)
			ret = add_kt(au, id, &info, tr, true);
	au->nr_managed = au->nr_kts;
	for (id = KAFF_KTHREADD; id != KAFF_KTHREAD_NONE && !ret;
	     id = id == KAFF_KTHREADD ? kaff_kthread_first(ctx) : kaff_kthread_next(ctx, id)) {
		if (kaff_kthread_get_info(ctx, id, &info) || (info.flags & KAFF_KTHREAD_MANAGED) ||
		    id >= au->nr_ids)
			continue;
		if (!by_design(&info)) {
			ret = add_kt(au, id, &info, tr, false);
			continue;
		}
		au->design_names[au->nr_design++] = au->names[id];
		kaff_cpumask_or(au->design_cpus, au->design_cpus, info.cpus);
	}
	kaff_cpumask_and(au->design_protected, au->design_cpus, au->protected_cpus);
	return ret;
}

static struct kaff_cpumask *mask_new(struct audit *au)
{
	return kaff_cpumask_alloc(au->cpus);
}

/* The scenario's machine: protected CPUs and nodes at boot, the online
 * set and the kthreads at its end. */
static int audit_setup(struct audit *au)
{
	struct kaff_replay_ops rops = { 0 };
	struct au_track tr = { 0 };
	struct au_names nm = { 0 };
	const struct kaff_cpumask *d, *k;
	struct kaff_ctx *ctx;
	unsigned int i;
	int ret;

	rops.profile = au->profile;
	ret = kaff_replay_new(au->sc, &rops, &au->base);
	if (ret)
		return ret;
	ctx = kaff_replay_ctx(au->base);
	au->cpus = kaff_machine_nr_cpu_ids(ctx);
	au->nr_nodes = kaff_machine_nr_nodes(ctx);
	au->nr_ids = kaff_scenario_nr_boot_kthreads(au->sc) + kaff_scenario_nr_events(au->sc) + 1;
	for (nm.nb = 64; nm.nb < au->nr_ids; nm.nb *= 2)
		;
	au->protected_cpus = mask_new(au);
	au->end_online = mask_new(au);
	au->end_hk = mask_new(au);
	au->tmp = mask_new(au);
	au->tmp2 = mask_new(au);
	au->hit = mask_new(au);
	au->pref = mask_new(au);
	au->design_cpus = mask_new(au);
	au->design_protected = mask_new(au);
	au->node_cpus = calloc(au->nr_nodes ? au->nr_nodes : 1, sizeof(*au->node_cpus));
	au->names = calloc(au->nr_ids, sizeof(*au->names));
	tr.cause = malloc(au->nr_ids);
	tr.nr_ids = au->nr_ids;
	nm.bucket = malloc(nm.nb * sizeof(*nm.bucket));
	nm.chain = malloc(au->nr_ids * sizeof(*nm.chain));
	ret = -ENOMEM;
	if (!au->protected_cpus || !au->end_online || !au->end_hk || !au->tmp || !au->tmp2 || !au->hit ||
	    !au->pref || !au->design_cpus || !au->design_protected || !au->node_cpus || !au->names ||
	    !tr.cause || !nm.bucket || !nm.chain)
		goto out;
	for (i = 0; i < nm.nb; i++)
		nm.bucket[i] = AU_NONE;
	for (i = 0; i < au->nr_nodes; i++) {
		if (!(au->node_cpus[i] = mask_new(au)))
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
	memset(tr.cause, CAUSE_CREATE, au->nr_ids);
	tr.cause[KAFF_KTHREADD] = CAUSE_BOOT;
	ret = base_replay(au, &tr, &nm);
	if (ret)
		goto out;
	kaff_cpumask_copy(au->end_online, kaff_machine_online_mask(ctx));
	kaff_cpumask_copy(au->end_hk, kaff_housekeeping_cpumask(ctx, KAFF_HK_TYPE_KTHREAD));
	ret = kaff_boot_notes_get(&au->notes, ctx, au->sc);
	if (!ret)
		ret = audit_kthreads(au, ctx, &tr);
out:
	free(tr.cause);
	free(nm.bucket);
	free(nm.chain);
	return ret;
}

static void audit_free(struct audit *au)
{
	unsigned int i;

	au_explore_free(au);
	au_findings_free(au);
	for (i = 0; au->kts && i < au->nr_kts; i++)
		free(au->kts[i].pref);
	free(au->kts);
	free(au->design_names);
	free(au->kt_of);
	for (i = 0; au->names && i < au->nr_ids; i++)
		free(au->names[i]);
	free(au->names);
	for (i = 0; au->node_cpus && i < au->nr_nodes; i++)
		kaff_cpumask_free(au->node_cpus[i]);
	free(au->node_cpus);
	kaff_sbuf_free(&au->text);
	kaff_cpumask_free(au->protected_cpus);
	kaff_cpumask_free(au->end_online);
	kaff_cpumask_free(au->end_hk);
	kaff_cpumask_free(au->tmp);
	kaff_cpumask_free(au->tmp2);
	kaff_cpumask_free(au->hit);
	kaff_cpumask_free(au->pref);
	kaff_cpumask_free(au->design_cpus);
	kaff_cpumask_free(au->design_protected);
	kaff_boot_notes_free(&au->notes);
	kaff_replay_free(au->base);
}

/* 0, or the exit status to return (help, version, a usage error). */
static int parse_args(int argc, char **argv, struct audit *au, const char **file, bool *json,
		      const char **popfile, const char **kernel)
{
	static const char *const operands[] = { "FILE" };
	unsigned long max = 4096;
	struct kaff_args a;
	char *end;
	int opt;

	au->wake = true;
	kaff_args_init(&a, "audit", audit_usage, audit_opts, argc, argv);
	while ((opt = kaff_args_next(&a)) > 0) {
		if (opt == OPT_JSON) {
			*json = true;
		} else if (opt == OPT_NO_WAKE) {
			au->wake = false;
		} else if (opt == OPT_KERNEL) {
			*kernel = a.arg;
		} else if (opt == OPT_POPULATION) {
			*popfile = a.arg;
		} else if (opt == OPT_EXPLORE) {
			if (!strcmp(a.arg, "rollback")) {
				au->mode = AU_EXPLORE_ROLLBACK;
			} else if (!strcmp(a.arg, "dup")) {
				au->mode = AU_EXPLORE_DUP;
			} else if (!strcmp(a.arg, "replay")) {
				au->mode = AU_EXPLORE_REPLAY;
			} else {
				fprintf(stderr, "kaff: audit: --explore must be rollback, dup or replay\n");
				return KAFF_EXIT_USAGE;
			}
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
		return a.status ? a.status : -1;
	*file = a.operands[0];
	au->max_states = (unsigned int)max;
#ifndef KAFF_HAVE_JANSSON
	if (*json)
		return kaff_json_unavailable("audit");
#endif
	return 0;
}

int kaff_cmd_audit(int argc, char **argv)
{
	const char *file = NULL, *popfile = NULL, *kernel = NULL;
	struct kaff_cli_kernel kk = { 0 };
	struct kaff_population *pop = NULL;
	struct kaff_scenario *sc = NULL;
	struct kaff_sbuf out = { 0 };
	struct audit au;
	bool json = false;
	int ret, status;

	memset(&au, 0, sizeof(au));
	status = parse_args(argc, argv, &au, &file, &json, &popfile, &kernel);
	if (status)
		return status < 0 ? KAFF_EXIT_OK : status;
	if (kernel && (status = kaff_cli_kernel("audit", kernel, &kk)))
		return status;
	au.profile = kk.profile;
	if (popfile) {
		status = kaff_cli_read_population(popfile, NULL, &pop);
		if (status)
			goto out;
	}
	status = kaff_load_scenario("audit", file, NULL, pop, &sc);
	if (status)
		goto out;
	au.sc = sc;
	au.kthreadd = kaff_kthreadd_label(sc);
	au.file = kaff_display_name(file);
	/* a progress line only where a person watches: never in a pipe */
	au.progress = isatty(STDERR_FILENO);
	au.started_ns = au_now_ns();
	if (!au.profile)
		au.profile = kaff_scenario_profile(sc);
	ret = audit_setup(&au);
	if (ret && ret != -ENOMEM && ret != -EDOM) {
		struct kaff_replay *r = NULL;

		/* the same refusal again, with the shared messages */
		status = kaff_replay_start("audit", file, sc, au.profile, &r);
		kaff_replay_free(r);
		if (!status)
			status = KAFF_EXIT_INTERNAL;
		goto out;
	}
	if (!ret)
		ret = au_explore(&au);
	if (!ret)
		ret = au_group(&au);
	if (ret == -EDOM) {
		status = kaff_cli_replay_failed("audit", au.file, au.profile, ret);
		goto out;
	}
	if (ret) {
		fprintf(stderr, "kaff: audit: %s: %s\n", au.file, kaff_strerrorname(ret));
		status = KAFF_EXIT_INTERNAL;
		goto out;
	}
#ifdef KAFF_HAVE_JANSSON
	if (json)
		ret = au_print_json(&au, &out);
	else
#endif
		au_print_text(&au, &out);
	if (!ret && out.oom)
		ret = -ENOMEM;
	status = ret ? KAFF_EXIT_INTERNAL : kaff_flush_out("audit", &out);
	if (ret)
		fprintf(stderr, "kaff: audit: ENOMEM: out of memory\n");
	if (!status && (au.nr_groups || au.notes.nr))
		status = KAFF_EXIT_FOUND;
out:
	kaff_sbuf_free(&out);
	audit_free(&au);
	kaff_scenario_free(sc);
	kaff_population_free(pop);
	kaff_cli_kernel_free(&kk);
	return status;
}
