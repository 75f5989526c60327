/* SPDX-License-Identifier: MIT */
/*
 * kaff audit: the explored states.
 *
 * From the end of the scenario: every whole-node offline, every node's
 * housekeeping CPUs offline (the CPUs boot isolation leaves to the
 * kernel: a node's own kthreads then have nowhere on their node to go),
 * every single-CPU offline and every offline-then-online pair. CPU 0
 * stays: it has no online file on x86.
 *
 * Each state starts from the context at the end of the scenario: by
 * default the state's events apply to it and kaff_ctx_rollback() takes
 * them back (a checkpoint held through the exploration: a state costs
 * what it changes); --explore dup applies them to a copy
 * (kaff_ctx_dup(): a state costs the whole context); --explore replay to
 * a fresh replay of the whole scenario (slowest). The three give the same
 * findings, a test holds them to it. After the hotplug every started managed
 * kthread wakes once, as real kthreads do sooner or later: that is when
 * the scheduler fallback rewrites a mask that lost all its online CPUs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"

struct au_op {
	bool online;
	unsigned int cpu;
};

/*
 * Per state, the findings computed for a kthread state, found by its
 * masks' addresses (the context's, interned: equal pointers, equal
 * masks, as long as no event runs). A slot belongs to the current state
 * when its stamp is the state's.
 */
struct au_memo {
	uint32_t size, stamp;
	struct au_memo_slot {
		const void *cpus, *pref;
		int node;
		uint8_t cause, managed;
		uint32_t stamp;
		struct au_eval ev;
	} *slot;
};

static uint32_t ptr_mix(const void *p, uint64_t more)
{
	uint64_t x = (uint64_t)(uintptr_t)p ^ (more * 0x9e3779b97f4a7c15ull);

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return (uint32_t)x;
}

/* The findings of @info under @cause, once per kthread state and state. */
static int evaluate_memo(struct audit *au, const struct kaff_ctx *ctx,
			 const struct kaff_kthread_info *info, enum au_cause cause, bool managed,
			 const struct au_eval **out)
{
	struct au_memo *mm = au->memo;
	uint32_t i = ptr_mix(info->cpus, (uint64_t)(uintptr_t)info->preferred * 31u +
					 (uint64_t)(info->node + 2) * 7u + cause * 2u + managed) &
		     (mm->size - 1);

	for (;; i = (i + 1) & (mm->size - 1)) {
		struct au_memo_slot *s = &mm->slot[i];

		if (s->stamp != mm->stamp) {
			int ret = au_evaluate(au, ctx, info, cause, managed, &s->ev);

			if (ret)
				return ret;
			s->stamp = mm->stamp;
			s->cpus = info->cpus;
			s->pref = info->preferred;
			s->node = info->node;
			s->cause = (uint8_t)cause;
			s->managed = managed;
			*out = &s->ev;
			return 0;
		}
		if (s->cpus == info->cpus && s->pref == info->preferred && s->node == info->node &&
		    s->cause == cause && s->managed == managed) {
			*out = &s->ev;
			return 0;
		}
	}
}

double au_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* A line on stderr (a terminal: audit.c decides) once a run takes more
 * than a second, redrawn at most five times a second. */
static void progress(struct audit *au)
{
	unsigned int total = au->total_states < au->max_states ? au->total_states : au->max_states;
	double t;

	if (!au->progress)
		return;
	t = au_now_ns();
	if (t - au->started_ns < 1e9 || t - au->last_progress_ns < 2e8)
		return;
	au->last_progress_ns = t;
	au->progress_shown = true;
	fprintf(stderr, "\rkaff audit: %s: state %u of %u (%u%%), %.0f s", au->file, au->nr_states,
		total, total ? au->nr_states * 100u / total : 100u, (t - au->started_ns) / 1e9);
	fflush(stderr);
}

/* A context at the end of the scenario, for one state: the one audit.c
 * replayed (its checkpoint brings it back), a copy of it, or (--explore
 * replay) a replay of its own. */
static int state_ctx(struct audit *au, struct kaff_replay **r, struct kaff_ctx **ctx)
{
	struct kaff_replay_ops rops = { 0 };
	int ret;

	*r = NULL;
	*ctx = NULL;
	if (au->mode == AU_EXPLORE_ROLLBACK) {
		*ctx = kaff_replay_ctx(au->base);
		return 0;
	}
	if (au->mode == AU_EXPLORE_DUP) {
		*ctx = kaff_ctx_dup(kaff_replay_ctx(au->base));
		return *ctx ? 0 : -ENOMEM;
	}
	rops.profile = au->profile;
	ret = kaff_replay_new(au->sc, &rops, r);
	if (ret)
		return ret;
	while ((ret = kaff_replay_step(*r, NULL)) == 1)
		;
	*ctx = kaff_replay_ctx(*r);
	return ret;
}

/* Apply @ops; @label receives "offline 3 EBUSY, online 3" style text, or
 * (node states, when it holds a prefix) only the refusals. */
static int apply_ops(struct kaff_ctx *ctx, const struct au_op *ops, unsigned int nops,
		     struct kaff_sbuf *label)
{
	bool node_label = label->len > 0;
	struct kaff_sbuf refused = { 0 };
	unsigned int i;

	for (i = 0; i < nops; i++) {
		int err = ops[i].online ? kaff_cpu_online(ctx, ops[i].cpu)
					: kaff_cpu_offline(ctx, ops[i].cpu);

		/* libkaff's refusals, not the kernel's: stop */
		if (err == -ENOMEM || err == -EDOM) {
			kaff_sbuf_free(&refused);
			return err;
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
	}
	if (!nops)
		kaff_sbuf_puts(label, "end of scenario");
	if (node_label && refused.len)
		kaff_sbuf_puts(label, refused.s);
	if (node_label)
		kaff_sbuf_puts(label, ")");
	if (refused.oom)
		label->oom = true;
	kaff_sbuf_free(&refused);
	return 0;
}

/* A mask the state changed: by the hotplug, the kthread code (the online
 * callback; offline has none); by a wake, the scheduler fallback (a
 * started kthread's wake changes nothing else). */
static void state_change(void *data, unsigned int id, const struct kaff_cpumask *old_mask,
			 const struct kaff_cpumask *new_mask)
{
	struct audit *au = data;
	uint32_t i;

	(void)old_mask;
	(void)new_mask;
	if (id >= au->nr_ids || (i = au->kt_of[id]) == AU_NONE)
		return;
	if (!(au->cause[i] & AU_CHANGED))
		au->changed[au->nr_changed++] = i;
	au->cause[i] = au->phase | AU_CHANGED;
}

static int u32_cmp(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

	return a < b ? -1 : a > b;
}

/*
 * The wakes, in the managed list's order. A wake of a started kthread
 * changes nothing unless its mask meets no online CPU
 * (kaff_wake_up_process(): select_fallback_rq()), and it changes no mask
 * but its own kthread's and no online CPU: so the kthreads that need one
 * are those whose mask meets no online CPU after the hotplug. From the
 * end (rollback, dup) they are among the kthreads the hotplug changed
 * and those whose class's mask meets none (au_watch_state() put them in
 * au->cand); --explore replay wakes every one, and a test holds the two
 * to the same output.
 */
static int wake(struct audit *au, struct kaff_ctx *ctx)
{
	uint32_t i, n = au->nr_changed;
	int ret = 0;

	if (au->mode == AU_EXPLORE_REPLAY) {
		for (i = 0; !ret && i < au->nr_kts; i++)
			if (au->kts[i].wake)
				ret = kaff_wake_up_process(ctx, au->kts[i].id);
		return ret;
	}
	for (i = 0; i < n; i++)
		if (au->kts[au->changed[i]].wake)
			au->cand[au->nr_cand++] = au->changed[i];
	qsort(au->cand, au->nr_cand, sizeof(*au->cand), u32_cmp);
	for (i = 0; !ret && i < au->nr_cand; i++)
		if (!i || au->cand[i] != au->cand[i - 1])
			ret = kaff_wake_up_process(ctx, au->kts[au->cand[i]].id);
	return ret;
}

static bool eval_eq(const struct au_eval *a, const struct au_eval *b)
{
	return a->n == b->n && (a->n < 1 || a->sig[0] == b->sig[0]) &&
	       (a->n < 2 || a->sig[1] == b->sig[1]);
}

/* The findings of audited kthread @i as the state left it. */
static int evaluate_kt(struct audit *au, const struct kaff_ctx *ctx, uint32_t i,
		       const struct au_eval **out)
{
	static const struct au_eval none;
	struct kaff_kthread_info info;

	*out = &none;
	if (kaff_kthread_get_info(ctx, au->kts[i].id, &info))
		return 0;
	return evaluate_memo(au, ctx, &info, (enum au_cause)(au->cause[i] & ~AU_CHANGED),
			     au->kts[i].managed, out);
}

/*
 * The findings of every audited kthread in @state, kept where they differ
 * from the end. From the end (rollback, dup): a kthread whose mask the
 * state left alone has its class's findings, which differ from the end
 * only for the classes au_watch_state() found (every class when the
 * housekeeping mask changed: a deferred update ran); the kthreads whose
 * mask changed are evaluated on their own. --explore replay evaluates
 * every kthread in every state, and a test holds the two to the same
 * output.
 */
static int evaluate(struct audit *au, struct kaff_ctx *ctx, unsigned int state)
{
	uint32_t i, stamp = state + 1;
	const struct au_eval *ev;
	int ret = 0;

	au->memo->stamp++;
	if (au->mode == AU_EXPLORE_REPLAY) {
		for (i = 0; !ret && i < au->nr_kts; i++) {
			ret = evaluate_kt(au, ctx, i, &ev);
			if (!ret && !eval_eq(ev, &au->classes[au->kts[i].cls].base))
				ret = au_exc_add(&au->kexc, i, state, ev);
		}
		return ret;
	}
	if (!kaff_cpumask_equal(kaff_housekeeping_cpumask(ctx, KAFF_HK_TYPE_KTHREAD), au->end_hk))
		for (au->nr_dirty = 0; au->nr_dirty < au->nr_classes; au->nr_dirty++)
			au->dirty[au->nr_dirty] = au->nr_dirty;
	for (i = 0; !ret && i < au->nr_dirty; i++) {
		const struct au_class *cl = &au->classes[au->dirty[i]];

		ret = au_class_eval(au, ctx, au->dirty[i], stamp);
		if (!ret && !eval_eq(&cl->cur, &cl->base))
			ret = au_exc_add(&au->cexc, au->dirty[i], state, &cl->cur);
	}
	for (i = 0; !ret && i < au->nr_changed; i++) {
		uint32_t k = au->changed[i];
		const struct au_class *cl = &au->classes[au->kts[k].cls];

		ret = evaluate_kt(au, ctx, k, &ev);
		if (!ret && !eval_eq(ev, cl->stamp == stamp ? &cl->cur : &cl->base))
			ret = au_exc_add(&au->kexc, k, state, ev);
	}
	return ret;
}

static int run_state(struct audit *au, const struct au_op *ops, unsigned int nops,
		     struct kaff_sbuf *label, unsigned int state)
{
	struct kaff_replay *r;
	struct kaff_ctx *ctx;
	uint32_t i;
	int ret;

	au->nr_changed = au->nr_dirty = au->nr_cand = 0;
	ret = state_ctx(au, &r, &ctx);
	if (ret)
		goto out;
	kaff_ctx_set_change_fn(ctx, state_change, au);
	au->phase = CAUSE_KTHREAD;
	ret = apply_ops(ctx, ops, nops, label);
	if (!ret && au->mode != AU_EXPLORE_REPLAY)
		au_watch_state(au, ctx, state + 1);
	au->phase = CAUSE_FALLBACK;
	if (!ret && au->wake && nops)
		ret = wake(au, ctx);
	kaff_ctx_set_change_fn(ctx, NULL, NULL);
	if (!ret)
		ret = evaluate(au, ctx, state);
out:
	for (i = 0; i < au->nr_changed; i++)
		au->cause[au->changed[i]] = au->kts[au->changed[i]].cause;
	if (r)
		kaff_replay_free(r);
	else if (au->mode == AU_EXPLORE_ROLLBACK)
		kaff_ctx_rollback(ctx);   /* cannot fail: a checkpoint is held */
	else
		kaff_ctx_free(ctx);
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
	progress(au);
	return 0;
}

/* Node @n's CPUs that can go offline: online at the end, not CPU 0;
 * @hk: only its housekeeping ones. */
static void node_offline_cpus(struct audit *au, unsigned int n, bool hk, struct kaff_cpumask *out)
{
	kaff_cpumask_and(out, au->node_cpus[n], au->end_online);
	kaff_cpumask_clear_cpu(0, out);
	if (hk)
		kaff_cpumask_andnot(out, out, au->protected_cpus);
}

/* A node's housekeeping CPUs make a state of their own when they are
 * neither the node's whole set (its whole-node state) nor one CPU (a
 * single-CPU state). */
static bool node_hk_state(struct audit *au, unsigned int n)
{
	node_offline_cpus(au, n, false, au->tmp2);
	node_offline_cpus(au, n, true, au->tmp);
	return kaff_cpumask_weight(au->tmp) > 1 && !kaff_cpumask_equal(au->tmp, au->tmp2);
}

static int node_states(struct audit *au, struct au_op *ops, bool hk)
{
	struct kaff_sbuf prefix = { 0 };
	unsigned int n, cpu, k;
	int ret = 0;

	for (n = 0; n < au->nr_nodes && !ret; n++) {
		if (hk && !node_hk_state(au, n))
			continue;
		node_offline_cpus(au, n, hk, au->tmp);
		if (kaff_cpumask_empty(au->tmp))
			continue;
		k = 0;
		kaff_for_each_cpu(cpu, au->tmp) {
			ops[k].online = false;
			ops[k++].cpu = cpu;
		}
		kaff_sbuf_reset(&prefix);
		kaff_sbuf_printf(&prefix, "node %u %soffline (CPUs ", n, hk ? "housekeeping " : "");
		kaff_sbuf_mask(&prefix, au->tmp);
		ret = prefix.oom ? -ENOMEM : add_state(au, ops, k, prefix.s);
	}
	kaff_sbuf_free(&prefix);
	return ret;
}

static int explore_init(struct audit *au)
{
	uint32_t size = 64, i;
	int ret;

	while (size < 2 * au->nr_kts + 2)
		size *= 2;
	au->memo = calloc(1, sizeof(*au->memo));
	au->cause = malloc(au->nr_kts ? au->nr_kts : 1);
	au->changed = malloc((au->nr_kts ? au->nr_kts : 1) * sizeof(*au->changed));
	if (!au->memo || !au->cause || !au->changed)
		return -ENOMEM;
	au->memo->slot = calloc(size, sizeof(*au->memo->slot));
	if (!au->memo->slot)
		return -ENOMEM;
	au->memo->size = size;
	for (i = 0; i < au->nr_kts; i++)
		au->cause[i] = au->kts[i].cause;
	ret = au_watch_init(au, kaff_replay_ctx(au->base));
	if (!ret && au->mode == AU_EXPLORE_ROLLBACK)
		ret = kaff_ctx_checkpoint(kaff_replay_ctx(au->base));
	return ret;
}

/* Every state, in order: the end, whole nodes, nodes' housekeeping CPUs,
 * single CPUs, pairs. */
int au_explore(struct audit *au)
{
	struct au_op *ops = malloc((au->cpus + 1) * sizeof(*ops));
	/* a pair's second CPU: one offline at the end, or the first one again
	 * (not CPU 0: it has no online file) */
	struct kaff_cpumask *ys = kaff_cpumask_alloc(au->cpus);
	unsigned int n, x, y;
	int ret = -ENOMEM;

	if (!ops || !ys)
		goto out;
	ret = explore_init(au);
	if (ret)
		goto out;
	/* Count first, to say how many there are when the bound cuts. */
	au->n_node = au->n_node_hk = au->n_single = au->n_pair = 0;
	for (n = 0; n < au->nr_nodes; n++) {
		node_offline_cpus(au, n, false, au->tmp);
		if (!kaff_cpumask_empty(au->tmp))
			au->n_node++;
		if (node_hk_state(au, n))
			au->n_node_hk++;
	}
	kaff_cpumask_complement(ys, au->end_online);
	kaff_cpumask_clear_cpu(0, ys);
	kaff_for_each_cpu(x, au->end_online)
		au->n_single += x != 0;
	au->n_pair = au->n_single * (1 + kaff_cpumask_weight(ys));
	au->total_states = 1 + au->n_node + au->n_node_hk + au->n_single + au->n_pair;
	if (!au->started_ns)
		au->started_ns = au_now_ns();

	ret = add_state(au, NULL, 0, NULL);
	if (!ret)
		ret = node_states(au, ops, false);
	if (!ret)
		ret = node_states(au, ops, true);
	kaff_for_each_cpu(x, au->end_online) {
		if (!x || ret || au->nr_states >= au->max_states)
			continue;
		ops[0].online = false;
		ops[0].cpu = x;
		ret = add_state(au, ops, 1, NULL);
	}
	kaff_for_each_cpu(x, au->end_online) {
		if (!x || ret || au->nr_states >= au->max_states)
			continue;
		kaff_cpumask_set_cpu(x, ys);
		kaff_for_each_cpu(y, ys) {
			if (ret || au->nr_states >= au->max_states)
				break;
			ops[0].online = false;
			ops[0].cpu = x;
			ops[1].online = true;
			ops[1].cpu = y;
			ret = add_state(au, ops, 2, NULL);
		}
		kaff_cpumask_clear_cpu(x, ys);
	}
	if (au->progress_shown)
		fputs("\r\033[K", stderr);
out:
	kaff_cpumask_free(ys);
	free(ops);
	return ret;
}

void au_explore_free(struct audit *au)
{
	unsigned int i;

	for (i = 0; i < au->nr_states; i++)
		free(au->labels[i]);
	free(au->labels);
	if (au->memo)
		free(au->memo->slot);
	free(au->memo);
	free(au->cause);
	free(au->changed);
	au_watch_free(au);
}
