/* SPDX-License-Identifier: MIT */
/*
 * Populations and census cases. The truth is the census cases recorded
 * on real kernels (tests/conformance/census/, FORMAT.md "Census"): each
 * NAME.scn replayed on NAME.first (its own boot) and on NAME.base (the
 * same machine booted without isolation) must give NAME.trace byte for
 * byte. The other expectations are reasoned in the comments from the
 * kernel sources cited in src/classify.c.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <libkaff/kaff.h>

#include "test-common.h"

static struct kaff_population *pop_of(const char *text)
{
	struct kaff_scenario_error err;
	struct kaff_population *pop;

	if (kaff_population_parse(text, strlen(text), NULL, &pop, &err))
		fail_msg("population refused at %u:%u: %s", err.line, err.col, err.msg);
	return pop;
}

/* The trace of @scn on @pop; NULL and @err filled if refused. */
static char *replay_on(const struct kaff_population *pop, const char *scn,
		       struct kaff_scenario_error *err)
{
	struct kaff_test_buf b = { 0 };
	struct kaff_replay_ops ops = { .write_trace = kaff_test_buf_write, .data = &b };
	struct kaff_scenario *sc;

	if (kaff_scenario_parse_population(scn, strlen(scn), pop, NULL, &sc, err))
		return NULL;
	assert_int_equal(kaff_scenario_replay(sc, &ops, NULL), 0);
	kaff_scenario_free(sc);
	return b.data ? b.data : strdup("");
}

static char *case_file(const char *dir, const char *name, const char *ext)
{
	char path[1400];
	char *text;

	snprintf(path, sizeof(path), "%s/%s.%s", dir, name, ext);
	text = kaff_test_read_file(path, NULL);
	if (!text)
		fail_msg("cannot read %s", path);
	return text;
}

/*
 * Recorded cases libkaff does not reproduce, each with the lines it gets
 * wrong (docs/population.md, "What libkaff cannot predict"): the rest of
 * the trace must match, and the case must still miss (when it no longer
 * does, it leaves this list).
 */
static const struct {
	const char *name, *prefix;
} known_misses[] = {
	/* where irq 9 goes: the vector counts of an unseen machine */
	{ "k73-12cpu-2nodes-isolate-irq", "irq/" },
};

/* @text without its lines that start with @prefix (malloc'd). */
static char *without(const char *text, const char *prefix)
{
	char *out = malloc(strlen(text) + 1), *d = out;
	const char *p = text;

	assert_non_null(out);
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) + 1 : strlen(p);

		if (strncmp(p, prefix, strlen(prefix))) {
			memcpy(d, p, n);
			d += n;
		}
		p += n;
	}
	*d = '\0';
	return out;
}

static const char *known_miss(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(known_misses) / sizeof(known_misses[0]); i++)
		if (!strcmp(known_misses[i].name, name))
			return known_misses[i].prefix;
	return NULL;
}

/* The first line where @got and @want differ, for the failure message. */
static unsigned int first_diff_line(const char *got, const char *want)
{
	unsigned int line = 1;

	for (; *got && *got == *want; got++, want++)
		line += *got == '\n';
	return line;
}

/*
 * Every census case, on both of its populations. Also: a population
 * replayed with no event under its own header gives its census block
 * back unchanged (each kthread keeps its snapshot mask).
 */
static void test_census_cases(void **state)
{
	const char *top = kaff_test_env_dir("KAFF_CASES_DIR");
	static const char *const kinds[] = { "first", "base" };
	char dir[1024];
	struct dirent *de;
	unsigned int cases = 0, misses = 0;
	DIR *d;

	(void)state;
	assert_non_null(top);
	snprintf(dir, sizeof(dir), "%s/census", top);
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		char name[256], *scn, *trace;
		unsigned int k;

		if (n < 5 || strcmp(de->d_name + n - 4, ".scn") || n - 4 >= sizeof(name))
			continue;
		memcpy(name, de->d_name, n - 4);
		name[n - 4] = '\0';
		scn = case_file(dir, name, "scn");
		trace = case_file(dir, name, "trace");
		for (k = 0; k < 2; k++) {
			char *ptext = case_file(dir, name, kinds[k]);
			struct kaff_population *pop = pop_of(ptext);
			struct kaff_scenario_error err;
			char *got = replay_on(pop, scn, &err);

			if (!got)
				fail_msg("%s on %s.%s refused: %u:%u: %s", name, name, kinds[k], err.line,
					 err.col, err.msg);
			if (known_miss(name)) {
				char *a = without(got, known_miss(name)), *b = without(trace, known_miss(name));

				if (!strcmp(got, trace))
					fail_msg("%s now replays: take it off known_misses", name);
				if (strcmp(a, b))
					fail_msg("%s on %s.%s: differs beyond its '%s' lines", name, name,
						 kinds[k], known_miss(name));
				free(a);
				free(b);
			} else if (strcmp(got, trace)) {
				print_error("%s on %s.%s: trace differs from line %u\n", name, name,
					    kinds[k], first_diff_line(got, trace));
				misses++;
			}
			free(got);
			if (k == 0) {
				/* the header, then one census */
				char *block = strstr(ptext, "census 1\n"), *hdr;

				assert_non_null(block);
				hdr = strndup(ptext, (size_t)(block - ptext) + 0);
				hdr = realloc(hdr, strlen(hdr) + 8);
				strcat(hdr, "census\n");
				got = replay_on(pop, hdr, &err);
				assert_non_null(got);
				assert_string_equal(got, block);
				free(got);
				free(hdr);
			}
			kaff_population_free(pop);
			free(ptext);
		}
		free(scn);
		free(trace);
		cases++;
	}
	closedir(d);
	/* 19 shared cases recorded on 6.16, 6.19, 7.2 and 7.3, and 26 more on
	 * 6.16, 6.19 and 7.3 (k6*, k73-*, krand-*) */
	assert_true(cases >= 45);
	assert_int_equal(misses, 0);
}

static const struct kaff_population_kthread *find(const struct kaff_population *pop,
						  const char *comm,
						  struct kaff_population_kthread *k)
{
	unsigned int i;

	for (i = 0; i < kaff_population_size(pop); i++) {
		assert_int_equal(kaff_population_get(pop, i, k), 0);
		if (!strcmp(k->comm, comm))
			return k;
	}
	fail_msg("no kthread %s", comm);
	return NULL;
}

static void assert_class(const struct kaff_population *pop, const char *comm,
			 enum kaff_kthread_class cls, int arg, const char *pref)
{
	struct kaff_population_kthread k;
	char buf[64];

	find(pop, comm, &k);
	if (k.cls != cls)
		fail_msg("%s: class %s, want %s", comm, kaff_kthread_class_name(k.cls),
			 kaff_kthread_class_name(cls));
	assert_int_equal(k.arg, arg);
	if (!pref) {
		assert_null(k.preferred);
		return;
	}
	assert_non_null(k.preferred);
	kaff_cpulist_snprint(buf, sizeof(buf), k.preferred);
	assert_string_equal(buf, pref);
}

/*
 * r09004.first: 7.3, 32 CPUs in 4 nodes, nohz_full= and isolcpus=domain,
 * on the same CPUs 1-4,6,10-11,13,16,20,25,27,29-31. The kthreads' domain
 * housekeeping is 0,5,7-9,12,14-15,17-19,21-24,26,28.
 */
static void test_classes(void **state)
{
	const char *top = kaff_test_env_dir("KAFF_CASES_DIR");
	char dir[1024], *text;
	struct kaff_population *pop;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/census", top);
	text = case_file(dir, "r09004", "first");
	pop = pop_of(text);
	assert_class(pop, "kthreadd", KAFF_CLASS_KTHREADD, -1, NULL);
	/* smpboot threads: NAME/CPU, 'n', mask {CPU} (on an isolated CPU too) */
	assert_class(pop, "ksoftirqd/13", KAFF_CLASS_PER_CPU, 13, NULL);
	assert_class(pop, "cpuhp/0", KAFF_CLASS_PER_CPU, 0, NULL);
	assert_class(pop, "irq/9-acpi", KAFF_CLASS_IRQ, -1, NULL);
	assert_class(pop, "kswapd2", KAFF_CLASS_NODE, 2, NULL);
	assert_class(pop, "kcompactd3", KAFF_CLASS_NODE, 3, NULL);
	/* 32 CPUs: a root and two leaves of 16 (rcu_init_geometry());
	 * worker/2 is the second leaf's, preferring CPUs 16-31, of which the
	 * snapshot shows only the housekeeping ones */
	assert_class(pop, "rcu_exp_par_gp_kthread_worker/2", KAFF_CLASS_PREFERRED, -1, "16-31");
	assert_class(pop, "rcuog/6", KAFF_CLASS_RCU_NOCB, -1, NULL);
	assert_class(pop, "rcuop/31", KAFF_CLASS_RCU_NOCB, -1, NULL);
	/* nohz_full: housekeeping_affine(HK_TYPE_RCU), here the same CPUs as
	 * the domain housekeeping */
	assert_class(pop, "rcu_preempt", KAFF_CLASS_HOUSEKEEPING, -1, NULL);
	assert_class(pop, "kauditd", KAFF_CLASS_DEFAULT, -1, NULL);
	kaff_population_free(pop);
	free(text);
}

/*
 * A hand-made population: 20 CPUs make two leaves of 10
 * (rcu_init_levelspread(): 20 / 2 leaves), so worker/2 prefers 10-19
 * though CPU 11 is isolated; a mask that is neither default, nor a
 * preference the model would give, nor bound, is pinned; a
 * kthread_create_on_cpu() thread not named NAME/CPU is bound.
 */
static const char pop20[] =
	"kernel 7.3\ncpus 20\nboot isolcpus=11\n"
	"census 1\n"
	"kthreadd - - 0-10,12-19\n"
	"rcu_exp_par_gp_kthread_worker/1 - k 0-9\n"
	"rcu_exp_par_gp_kthread_worker/2 - k 10,12-19\n"
	"odd - k 11\n"
	"dup - k 0-10,12-19\n"
	"dup - k 3\n"
	"hwlat n k 4\n";

static void test_handmade(void **state)
{
	struct kaff_population *pop;
	struct kaff_scenario_error err;
	char *got;

	(void)state;
	pop = pop_of(pop20);
	assert_class(pop, "rcu_exp_par_gp_kthread_worker/1", KAFF_CLASS_PREFERRED, -1, "0-9");
	assert_class(pop, "rcu_exp_par_gp_kthread_worker/2", KAFF_CLASS_PREFERRED, -1, "10-19");
	/* {11}: isolated, so no default, node or preferred kthread has it */
	assert_class(pop, "odd", KAFF_CLASS_PINNED, -1, NULL);
	assert_class(pop, "hwlat", KAFF_CLASS_BOUND, -1, NULL);

	/* Under its own boot line every mask stays; two 'dup' lines sort
	 * by their masks ("0-10,12-19" < "3"). */
	got = replay_on(pop, "kernel 7.3\ncpus 20\nboot isolcpus=11\ncensus\n", &err);
	assert_non_null(got);
	assert_string_equal(got,
		"census 1\n"
		"dup - k 0-10,12-19\n"
		"dup - k 3\n"
		"hwlat n k 4\n"
		"kthreadd - - 0-10,12-19\n"
		"odd - k 11\n"
		"rcu_exp_par_gp_kthread_worker/1 - k 0-9\n"
		"rcu_exp_par_gp_kthread_worker/2 - k 10,12-19\n");
	free(got);
	/* Booted without isolcpus=: kthreadd and default kthreads on every
	 * CPU, the worker on all its leaf; bound and pinned ones keep their
	 * masks (the rule that made them is unknown); 'dup 3' is taken for a
	 * kthread preferring CPU 3 (not isolated), so it keeps it. No nohz_full=, so no
	 * rcuo kthreads appear. setaffinity names a unique kthread. */
	got = replay_on(pop, "kernel 7.3\ncpus 20\nsetaffinity odd 5\ncensus\n", &err);
	assert_non_null(got);
	assert_string_equal(got,
		"census 1\n"
		"dup - k 0-19\n"
		"dup - k 3\n"
		"hwlat n k 4\n"
		"kthreadd - - 0-19\n"
		"odd - k 5\n"
		"rcu_exp_par_gp_kthread_worker/1 - k 0-9\n"
		"rcu_exp_par_gp_kthread_worker/2 - k 10-19\n");
	free(got);
	/* nohz_full=18-19 offloads RCU callbacks: rcuog/N for each group of
	 * 20 / int_sqrt(20) = 5 CPUs, rcuop/N for each CPU (no rcu_preempt
	 * in this population: the letter is 'p', preemptible RCU) */
	got = replay_on(pop, "kernel 7.3\ncpus 20\nboot nohz_full=18-19\ncensus\n", &err);
	assert_non_null(got);
	assert_non_null(strstr(got, "\nrcuog/0 - k 0-19\nrcuog/10 - k 0-19\nrcuog/15 - k 0-19\n"
				    "rcuog/5 - k 0-19\nrcuop/0 - k 0-19\n"));
	assert_non_null(strstr(got, "\nrcuop/19 - k 0-19\n"));
	free(got);

	/* scenario errors */
	assert_null(replay_on(pop, "kernel 7.3\ncpus 20\nwake dup\n", &err));
	assert_non_null(strstr(err.msg, "'dup' names more than one kthread of the population"));
	assert_null(replay_on(pop, "kernel 7.3\ncpus 20\ncreate odd\n", &err));
	assert_non_null(strstr(err.msg, "task 'odd' exists already"));
	assert_null(replay_on(pop, "kernel 7.3\ncpus 20\ncreate dup\n", &err));
	assert_non_null(strstr(err.msg, "task 'dup' exists already"));
	assert_null(replay_on(pop, "kernel 7.3\ncpus 16\ncensus\n", &err));
	assert_string_equal(err.msg, "'cpus 16' is not the population's 'cpus 20'");
	assert_null(replay_on(pop, "kernel 7.2\ncpus 20\ncensus\n", &err));
	assert_string_equal(err.msg, "'kernel 7.2' is not the population's 'kernel 7.3'");
	assert_null(replay_on(pop, "kernel 7.3\ncpus 20\nnode 0 0-9\nnode 1 10-19\ncensus\n", &err));
	assert_string_equal(err.msg, "the 'node' lines are not the population's");
	kaff_population_free(pop);
}

static void refused(const char *text, unsigned int line, unsigned int col, const char *msg)
{
	struct kaff_scenario_error err;
	struct kaff_population *pop = (void *)1;

	assert_int_equal(kaff_population_parse(text, strlen(text), NULL, &pop, &err), -EINVAL);
	assert_null(pop);
	if (err.line != line || err.col != col || !strstr(err.msg, msg))
		fail_msg("'%s': got %u:%u '%s', want %u:%u '%s'", text, err.line, err.col, err.msg,
			 line, col, msg);
}

static void test_population_errors(void **state)
{
	(void)state;
	refused("cpus 4\n", 2, 1, "no census block");
	refused("census 1\na - k 0\n", 1, 1, "no 'cpus' line");
	refused("cpus 4\ncreate A\ncensus 1\n", 2, 1, "a population has no events");
	refused("cpus 4\ncensus x\n", 2, 1, "starts with 'census N'");
	refused("cpus 4\ncensus 1\na - k\n", 3, 1, "'COMM F P MASK'");
	refused("cpus 4\ncensus 1\na x k 0\n", 3, 3, "F must be");
	refused("cpus 4\ncensus 1\na - x 0\n", 3, 5, "P must be");
	refused("cpus 4\ncensus 1\na - k 0-4\n", 3, 7, "bad CPU list '0-4' (ERANGE)");
	refused("cpus 4\ncensus 1\na\xc3 - k 0\n", 3, 1, "not a kthread name");
	refused("cpus 4\ncensus 1\n\na - k 0\n", 3, 1, "empty line");
	refused("cpus 4\ncensus 1\nkthreadd - - 0\nkthreadd - - 1\n", 4, 1, "kthreadd twice");
}

/*
 * kaff_irq_thread_create(): the thread follows its interrupt off a CPU
 * going down and stays when the CPU comes back. The vector allocator
 * takes the online CPU holding the fewest vectors, the lowest on a tie;
 * libkaff starts from the recorded machines' layout, one vector on each
 * of CPUs 0 to 6 (src/irq.c).
 */
static void test_irq_thread(void **state)
{
	struct kaff_ctx *ctx = kaff_ctx_new(NULL, 4, NULL);
	struct kaff_cpumask *m = kaff_cpumask_alloc(4);
	unsigned int id;
	char buf[16];

	(void)state;
	assert_int_equal(kaff_machine_boot(ctx), 0);
	kaff_cpumask_set_cpu(2, m);
	assert_int_equal(kaff_irq_thread_create(ctx, m, true, &id), 0);
	assert_true(kaff_kthread_is_irq_thread(ctx, id));
	assert_false(kaff_kthread_is_irq_thread(ctx, KAFF_KTHREADD));
	/* CPU 1's vector goes to CPU 0 (CPUs 0, 2, 3 hold one each) */
	assert_int_equal(kaff_cpu_offline(ctx, 1), 0);
	kaff_cpulist_snprint(buf, sizeof(buf), kaff_kthread_cpus_mask(ctx, id));
	assert_string_equal(buf, "2");
	/* so CPU 2's goes to CPU 3 (one vector against CPU 0's two) */
	assert_int_equal(kaff_cpu_offline(ctx, 2), 0);
	kaff_cpulist_snprint(buf, sizeof(buf), kaff_kthread_cpus_mask(ctx, id));
	assert_string_equal(buf, "3");
	assert_int_equal(kaff_cpu_online(ctx, 2), 0);
	kaff_cpulist_snprint(buf, sizeof(buf), kaff_kthread_cpus_mask(ctx, id));
	assert_string_equal(buf, "3");
	/* PF_NO_SETAFFINITY: user space may not move it */
	assert_int_equal(kaff_sched_setaffinity(ctx, id, m), -EINVAL);
	/* an interrupt on offline CPUs only cannot be made */
	kaff_cpumask_clear(m);
	kaff_cpumask_set_cpu(1, m);
	assert_int_equal(kaff_irq_thread_create(ctx, m, false, &id), -EINVAL);
	kaff_cpumask_free(m);
	kaff_ctx_free(ctx);

	/* 8 CPUs: as recorded (census/k73-irq-8cpu), irq 9 leaves CPU 1 for
	 * CPU 7, the lowest CPU holding no device vector; when 7 goes down
	 * too, CPUs 0 and 2-6 hold one each and it goes to the lowest, 0. */
	ctx = kaff_ctx_new(NULL, 8, NULL);
	m = kaff_cpumask_alloc(8);
	assert_int_equal(kaff_machine_boot(ctx), 0);
	kaff_cpumask_set_cpu(1, m);
	assert_int_equal(kaff_irq_thread_create(ctx, m, true, &id), 0);
	assert_int_equal(kaff_cpu_offline(ctx, 1), 0);
	kaff_cpulist_snprint(buf, sizeof(buf), kaff_kthread_cpus_mask(ctx, id));
	assert_string_equal(buf, "7");
	assert_int_equal(kaff_cpu_offline(ctx, 7), 0);
	kaff_cpulist_snprint(buf, sizeof(buf), kaff_kthread_cpus_mask(ctx, id));
	assert_string_equal(buf, "0");
	kaff_cpumask_free(m);
	kaff_ctx_free(ctx);
}

/*
 * Every allocation of a population's parse, of a scenario's parse on it
 * and of the replay failing in turn: each call returns 0 or -ENOMEM, a
 * replay that completes gives the recorded trace, and nothing leaks.
 */
static void test_alloc_failures(void **state)
{
	const char *top = kaff_test_env_dir("KAFF_CASES_DIR");
	char dir[1024], *ptext, *scn, *trace;
	unsigned long fail_at, failures = 0;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/census", top);
	ptext = case_file(dir, "r09100", "base");
	scn = case_file(dir, "r09100", "scn");
	trace = case_file(dir, "r09100", "trace");
	for (fail_at = 1;; fail_at++) {
		struct kaff_test_buf b = { 0 };
		struct kaff_replay_ops ops = { .write_trace = kaff_test_buf_write, .data = &b };
		struct kaff_population *pop = NULL;
		struct kaff_scenario *sc = NULL;
		struct kaff_test_alloc ta;
		struct kaff_allocator a;
		int ret;

		kaff_test_alloc_init(&ta, fail_at, &a);
		ret = kaff_population_parse(ptext, strlen(ptext), &a, &pop, NULL);
		if (!ret)
			ret = kaff_scenario_parse_population(scn, strlen(scn), pop, &a, &sc, NULL);
		if (!ret)
			ret = kaff_scenario_replay(sc, &ops, NULL);
		if (ret) {
			assert_int_equal(ret, -ENOMEM);
			assert_true(ta.failed);
		} else {
			assert_string_equal(b.data, trace);
		}
		kaff_scenario_free(sc);
		kaff_population_free(pop);
		kaff_test_buf_free(&b);
		assert_int_equal(ta.live, 0);
		if (!ta.failed)
			break;
		failures++;
	}
	/* the sweep went through many allocations, ending in a whole replay */
	assert_true(failures > 100);
	free(ptext);
	free(scn);
	free(trace);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_census_cases),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_handmade),
		cmocka_unit_test(test_population_errors),
		cmocka_unit_test(test_irq_thread),
		cmocka_unit_test(test_alloc_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
