/* SPDX-License-Identifier: MIT */
/*
 * Differential test: random scenarios (seeded, reproducible) replayed
 * with the incremental engine and with the reference walk (the kernel's
 * own loop over the managed list) must give the same kthread states after
 * every event and the same trace. The reference is the specification
 * here. What the two walks share (src/update.c): the rules they ask
 * (kaff__fetch_class(), kaff__cpus_allowed()), the storage of listed
 * kthreads' masks in groups, and the undo log. What differs, and what this
 * test judges, is which kthreads each walk looks at and in which order: the
 * reference visits every managed kthread, the incremental walk only the
 * groups whose result can have changed.
 *
 * The profile's hooks (kaff_profile_set_fetch_fn(), ..._online_fn()) go
 * through the same two walks, and the incremental one assumes a hook is a
 * pure function of its arguments (profile.h). One scenario in five runs
 * without hooks, the others under one of four hook sets: the kernel's
 * rules as hooks (whose trace must also equal the hook-less one), a rule
 * of another shape, one that reads the online mask (and says so), and one
 * that can give no CPU (both walks must refuse the same event). A last
 * test breaks the assumption on purpose, a hook that reads the online mask
 * behind libkaff's back, and checks that this comparison notices.
 *
 * The incremental replay takes a checkpoint at a random event and holds
 * it to the end (holding one must change no answer).
 *
 * KAFF_DIFF_SCENARIOS=N runs N scenarios (default 3000); KAFF_DIFF_SEED=S
 * starts at another seed. A failure prints the scenario.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <libkaff/kaff.h>

#include "kernel.h"
#include "test-common.h"

static uint64_t rng;
static unsigned long invalidations, failed_onlines;

/* Count the rare paths, to show the generator reaches them. */
static void count_log(void *data, const char *line)
{
	(void)data;
	if (strstr(line, "partition invalidated"))
		invalidations++;
	if (strstr(line, "rolled back"))
		failed_onlines++;
}

static uint32_t rnd(uint32_t n)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 2685821657736338717ull) >> 32) % n;
}

struct text {
	char buf[16384];
	size_t len;
};

static void add(struct text *t, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, sizeof(t->buf) - t->len, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < sizeof(t->buf) - t->len);
	t->len += (size_t)n;
}

/* A random CPU list, as a cpulist or "-". */
static void add_list(struct text *t, unsigned int cpus, unsigned int density)
{
	unsigned int cpu, n = 0;

	for (cpu = 0; cpu < cpus; cpu++) {
		if (rnd(100) < density) {
			add(t, "%s%u", n ? "," : "", cpu);
			n++;
		}
	}
	if (!n)
		add(t, "-");
}

struct task {
	char name[16];
	bool live, woken, preferred;
};

static void generate(struct text *t, bool *isolating)
{
	static const char *const versions[] = { "6.14", "6.15", "6.16", "6.17", "6.18",
						"6.19", "7.0", "7.1", "7.2", "7.3" };
	struct task tasks[12];
	unsigned int cpus, nodes, i, cpu, nev, ntask = 0;
	unsigned int node_of[64];
	const char *ver = versions[rnd(10)];

	t->len = 0;
	*isolating = ver[0] == '7';
	cpus = rnd(4) ? 2 + rnd(15) : 17 + rnd(48);
	nodes = 1 + rnd(cpus < 4 ? cpus : 4);
	add(t, "kernel %s\ncpus %u\n", ver, cpus);
	for (cpu = 0; cpu < cpus; cpu++)
		node_of[cpu] = cpu < nodes ? cpu : rnd(nodes);
	for (i = 0; i < nodes && nodes > 1; i++) {
		unsigned int n = 0;

		add(t, "node %u ", i);
		for (cpu = 0; cpu < cpus; cpu++)
			if (node_of[cpu] == i)
				add(t, "%s%u", n++ ? "," : "", cpu);
		add(t, "\n");
	}
	if (rnd(3) == 0) {
		add(t, "boot nohz_full=");
		add_list(t, cpus, 30);
		add(t, "\n");
	}
	if (rnd(3) == 0) {
		static const char *const flags[] = { "", "domain,", "nohz,", "managed_irq,",
						     "nohz,domain," };

		add(t, "boot isolcpus=%s", flags[rnd(5)]);
		add_list(t, cpus, 30);
		add(t, "\n");
	}
	if (rnd(4) == 0) {
		add(t, "boot_online 0");
		for (cpu = 1; cpu < cpus; cpu++)
			if (rnd(3))
				add(t, ",%u", cpu);
		add(t, "\n");
	}
	nev = 10 + rnd(60);
	for (i = 0; i < nev; i++) {
		unsigned int kind = rnd(100), k = ntask ? rnd(ntask) : 0;
		struct task *tk = &tasks[k];

		if (kind < 14 || !ntask) {
			/* create a new task, or reuse a stopped name */
			struct task *nt = NULL;
			unsigned int j;

			for (j = 0; j < ntask; j++)
				if (!tasks[j].live)
					nt = &tasks[j];
			if (!nt && ntask < 12) {
				nt = &tasks[ntask];
				snprintf(nt->name, sizeof(nt->name), "T%u", ntask);
				ntask++;
			}
			if (!nt)
				continue;
			nt->live = true;
			nt->woken = nt->preferred = false;
			if (rnd(5) == 0) {
				add(t, "create_on_cpu %s %u\n", nt->name, rnd(cpus));
			} else if (rnd(2)) {
				add(t, "create %s node=%u\n", nt->name, rnd(nodes));
			} else {
				add(t, "create %s\n", nt->name);
			}
			continue;
		}
		if (!tk->live)
			continue;
		if (kind < 24) {
			if (tk->preferred && !tk->woken)
				continue;
			add(t, "prefer %s ", tk->name);
			add_list(t, cpus, 25);
			add(t, "\n");
			if (!tk->woken)
				tk->preferred = true;
		} else if (kind < 42) {
			add(t, "wake %s\n", tk->name);
			tk->woken = true;
		} else if (kind < 48) {
			add(t, "bind %s %u\n", tk->name, rnd(cpus));
		} else if (kind < 56) {
			add(t, "setaffinity %s ", tk->name);
			add_list(t, cpus, 30);
			add(t, "\n");
		} else if (kind < 70) {
			add(t, "offline %u\n", rnd(cpus));
		} else if (kind < 84) {
			add(t, "online %u\n", rnd(cpus));
		} else if (kind < 88) {
			add(t, "stop %s\n", tk->name);
			tk->live = false;
		} else if (kind < 93 && *isolating) {
			/* wide partitions too: refusals, and invalidation by
			 * hotplug (the deferred housekeeping update) */
			add(t, "isolate ");
			add_list(t, cpus, rnd(3) ? 25 : 80);
			add(t, "\n");
		} else {
			add(t, "show\n");
		}
	}
	add(t, "show\n");
}

/* ---- hook sets -------------------------------------------------------------- */

enum hook_set { H_NONE, H_KERNEL, H_OTHER, H_ONLINE_READER, H_MAY_BE_EMPTY, H_NR };

static const char *const hook_set_names[H_NR] = { "none", "the kernel's rules", "another rule",
						  "reads online", "may give no CPU" };

/* Another shape: kthreads avoid nohz_full= CPUs too (examples/rules/). */
static void fetch_other(void *data, const struct kaff_fetch_args *a, struct kaff_cpumask *out)
{
	unsigned long w[KAFF_BITS_TO_LONGS(64)];
	struct kaff_cpumask both = KAFF_CPUMASK_INIT(out->nbits, w);
	const struct kaff_cpumask *hk = a->hk[a->kthread_hk];

	(void)data;
	if (kaff_cpumask_and(&both, hk, a->hk[KAFF_HK_TYPE_KERNEL_NOISE]))
		hk = &both;
	rule_fetch_with_hk(a, hk, out);
}

/* CPU online re-affines every class but the node classes of node 0. */
static bool online_other(void *data, const struct kaff_online_args *a)
{
	(void)data;
	return a->preferred || a->node != 0;
}

/* The kernel's mask, narrowed to the online CPUs when some are in it. */
static void narrow_online(const struct kaff_fetch_args *a, const struct kaff_cpumask *online,
			  struct kaff_cpumask *out)
{
	unsigned long w[KAFF_BITS_TO_LONGS(64)];
	struct kaff_cpumask m = KAFF_CPUMASK_INIT(out->nbits, w);

	rule_kernel_fetch(NULL, a, out);
	if (online && kaff_cpumask_and(&m, out, online))
		kaff_cpumask_copy(out, &m);
}

static void fetch_online_reader(void *data, const struct kaff_fetch_args *a,
				struct kaff_cpumask *out)
{
	(void)data;
	narrow_online(a, a->online, out);
}

/* The kernel's rule without its last resort: no CPU when the preference
 * (or the node's online CPUs) holds no housekeeping CPU. */
static void fetch_may_be_empty(void *data, const struct kaff_fetch_args *a,
			       struct kaff_cpumask *out)
{
	const struct kaff_cpumask *hk = a->hk[a->kthread_hk];

	(void)data;
	if (a->preferred)
		kaff_cpumask_and(out, a->preferred, hk);
	else if (a->node_cpus)
		kaff_cpumask_and(out, a->node_cpus, hk);
	else
		kaff_cpumask_copy(out, hk);
}

/* A profile derived from @base with hook set @h; NULL for H_NONE. */
static struct kaff_profile *with_hooks(const struct kaff_profile *base, enum hook_set h)
{
	struct kaff_profile *p;

	if (h == H_NONE)
		return NULL;
	assert_int_equal(kaff_profile_derive(base, &p), 0);
	switch (h) {
	case H_KERNEL:
		assert_int_equal(kaff_profile_set_fetch_fn(p, rule_kernel_fetch, NULL, 0), 0);
		assert_int_equal(kaff_profile_set_online_fn(p, rule_kernel_online, NULL), 0);
		break;
	case H_OTHER:
		assert_int_equal(kaff_profile_set_fetch_fn(p, fetch_other, NULL, 0), 0);
		assert_int_equal(kaff_profile_set_online_fn(p, online_other, NULL), 0);
		break;
	case H_ONLINE_READER:
		assert_int_equal(kaff_profile_set_fetch_fn(p, fetch_online_reader, NULL,
							   KAFF_FETCH_READS_ONLINE), 0);
		break;
	default:
		assert_int_equal(kaff_profile_set_fetch_fn(p, fetch_may_be_empty, NULL, 0), 0);
		break;
	}
	return p;
}

/* The trace of @sc without hooks, for H_KERNEL. */
static char *plain_trace(const struct kaff_scenario *sc)
{
	struct kaff_test_buf out = { 0 };
	struct kaff_replay_ops ops = { .write_trace = kaff_test_buf_write, .data = &out };

	assert_int_equal(kaff_scenario_replay(sc, &ops, NULL), 0);
	return out.data ? out.data : calloc(1, 1);
}

/* The dump without its last line (bookkeeping: mask and group counts
 * depend on the engine). */
static char *state(struct kaff_replay *r)
{
	struct kaff_test_buf b = { 0 };
	char *last;

	assert_int_equal(kaff_ctx_dump(kaff_replay_ctx(r), kaff_test_buf_write, &b), 0);
	last = strstr(b.data, "\nnext_id ");
	assert_non_null(last);
	last[1] = '\0';
	return b.data;
}

static void test_incremental_equals_reference(void **state_)
{
	const char *env = getenv("KAFF_DIFF_SCENARIOS");
	const char *seed_env = getenv("KAFF_DIFF_SEED");
	unsigned long n = env ? strtoul(env, NULL, 10) : 3000, seed0, s, replayed = 0;
	unsigned long events = 0, per_set[H_NR] = { 0 }, refused = 0;
	static struct text t;

	(void)state_;
	seed0 = seed_env ? strtoul(seed_env, NULL, 10) : 1;
	for (s = seed0; s < seed0 + n; s++) {
		struct kaff_test_buf out[2] = { { 0 }, { 0 } };
		struct kaff_replay_ops ops[2] = {
			{ .write_trace = kaff_test_buf_write, .data = &out[0],
			  .engine = KAFF_ENGINE_INCREMENTAL, .log_fn = count_log },
			{ .write_trace = kaff_test_buf_write, .data = &out[1],
			  .engine = KAFF_ENGINE_REFERENCE },
		};
		enum hook_set h = (enum hook_set)(s % H_NR);
		struct kaff_profile *hp;
		struct kaff_scenario *sc;
		struct kaff_replay *r[2];
		unsigned int step = 0, ckpt_at;
		bool isolating;
		int ret0, ret1;

		rng = 0x9e3779b97f4a7c15ull ^ (s * 0xbf58476d1ce4e5b9ull);
		generate(&t, &isolating);
		if (kaff_scenario_parse(t.buf, t.len, NULL, &sc, NULL))
			continue;  /* e.g. a boot_online the kernel refuses */
		hp = with_hooks(kaff_scenario_profile(sc), h);
		ops[0].profile = ops[1].profile = hp;
		ret0 = kaff_replay_new(sc, &ops[0], &r[0]);
		ret1 = kaff_replay_new(sc, &ops[1], &r[1]);
		assert_int_equal(ret0, ret1);
		if (ret0) {
			/* only a hook may refuse a boot the parser accepted */
			assert_int_equal(ret0, -EDOM);
			assert_int_equal(h, H_MAY_BE_EMPTY);
			kaff_profile_free(hp);
			kaff_scenario_free(sc);
			refused++;
			continue;
		}
		/* A checkpoint changes no answer, and it settles the classes
		 * made since the last update (kaff__groups_presettle()): the
		 * incremental replay holds one from a random event on. */
		ckpt_at = rnd(32);
		for (;;) {
			char *a, *b;

			if (step++ == ckpt_at)
				assert_int_equal(kaff_ctx_checkpoint(kaff_replay_ctx(r[0])), 0);
			ret0 = kaff_replay_step(r[0], NULL);
			ret1 = kaff_replay_step(r[1], NULL);
			assert_int_equal(ret0, ret1);
			a = state(r[0]);
			b = state(r[1]);
			if (strcmp(a, b)) {
				/* cmocka cuts long messages: the details go to stderr */
				fprintf(stderr, "seed %lu, after event %u:\n%s\n--- incremental:\n%s--- reference:\n%s",
					s, kaff_replay_position(r[0]), t.buf, a, b);
				fail_msg("seed %lu: the engines disagree (details on stderr)", s);
			}
			free(a);
			free(b);
			if (ret0 != 1)
				break;
			events++;
		}
		if (ret0 < 0) {
			/* a refusal stops the replay: only the empty-mask hook's */
			assert_int_equal(ret0, -EDOM);
			assert_int_equal(h, H_MAY_BE_EMPTY);
			refused++;
		}
		if (strcmp(out[0].data ? out[0].data : "", out[1].data ? out[1].data : "")) {
			fprintf(stderr, "seed %lu: traces differ:\n%s", s, t.buf);
			fail_msg("seed %lu: traces differ (scenario on stderr)", s);
		}
		if (h == H_KERNEL) {
			char *plain = plain_trace(sc);

			if (strcmp(plain, out[0].data ? out[0].data : "")) {
				fprintf(stderr, "seed %lu:\n%s", s, t.buf);
				fail_msg("seed %lu: the kernel's rules as hooks change the trace", s);
			}
			free(plain);
		}
		kaff_profile_free(hp);
		per_set[h]++;
		kaff_replay_free(r[0]);
		kaff_replay_free(r[1]);
		kaff_scenario_free(sc);
		kaff_test_buf_free(&out[0]);
		kaff_test_buf_free(&out[1]);
		replayed++;
	}
	print_message("# %lu scenarios replayed by both engines, %lu events, from seed %lu; "
		      "%lu partitions invalidated by hotplug, %lu onlines rolled back\n",
		      replayed, events, seed0, invalidations, failed_onlines);
	for (s = 0; s < H_NR; s++)
		print_message("#   hooks: %s: %lu scenarios\n", hook_set_names[s], per_set[s]);
	print_message("#   %lu replays stopped by a hook that gave no CPU, at the same event in both\n",
		      refused);
	assert_true(replayed > n / 2);
	/* the empty-mask path is reached when there are enough scenarios */
	assert_true(n < 500 || refused > 0);
}

/*
 * The assumption, broken on purpose: the same rule as H_ONLINE_READER,
 * but reading the online mask through the context behind libkaff's back
 * (no KAFF_FETCH_READS_ONLINE). The incremental walk then skips classes
 * whose result changed, and the comparison above must notice it in some
 * scenario: it is what would catch a hook, or an engine change, that the
 * incremental walk's bookkeeping does not cover.
 */
struct sneaky {
	const struct kaff_ctx *ctx;
};

static void fetch_sneaky(void *data, const struct kaff_fetch_args *a, struct kaff_cpumask *out)
{
	const struct sneaky *sn = data;

	narrow_online(a, sn->ctx ? kaff_machine_online_mask(sn->ctx) : NULL, out);
}

static void test_impure_hook_is_noticed(void **state_)
{
	unsigned long s, disagree = 0, tried = 0;
	static struct text t;

	(void)state_;
	for (s = 1; s <= 600 && !disagree; s++) {
		struct sneaky sn[2] = { { NULL }, { NULL } };
		struct kaff_replay_ops ops[2] = { { .engine = KAFF_ENGINE_INCREMENTAL },
						  { .engine = KAFF_ENGINE_REFERENCE } };
		struct kaff_profile *p[2];
		struct kaff_scenario *sc;
		struct kaff_replay *r[2];
		bool isolating;
		int i, ret = 1;

		rng = 0x9e3779b97f4a7c15ull ^ (s * 0xbf58476d1ce4e5b9ull);
		generate(&t, &isolating);
		if (kaff_scenario_parse(t.buf, t.len, NULL, &sc, NULL))
			continue;
		for (i = 0; i < 2; i++) {
			assert_int_equal(kaff_profile_derive(kaff_scenario_profile(sc), &p[i]), 0);
			assert_int_equal(kaff_profile_set_fetch_fn(p[i], fetch_sneaky, &sn[i], 0), 0);
			ops[i].profile = p[i];
			assert_int_equal(kaff_replay_new(sc, &ops[i], &r[i]), 0);
			sn[i].ctx = kaff_replay_ctx(r[i]);
		}
		tried++;
		while (ret == 1 && !disagree) {
			char *a, *b;

			ret = kaff_replay_step(r[0], NULL);
			assert_int_equal(kaff_replay_step(r[1], NULL), ret);
			a = state(r[0]);
			b = state(r[1]);
			disagree = strcmp(a, b) != 0;
			free(a);
			free(b);
		}
		for (i = 0; i < 2; i++) {
			kaff_replay_free(r[i]);
			kaff_profile_free(p[i]);
		}
		kaff_scenario_free(sc);
	}
	print_message("# a hook reading the online mask without saying so: the engines disagree "
		      "after %lu scenarios\n", tried);
	assert_true(disagree);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_incremental_equals_reference),
		cmocka_unit_test(test_impure_hook_is_noticed),
	};

	return cmocka_run_group_tests_name("differential", tests, NULL, NULL);
}
