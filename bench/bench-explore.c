/* SPDX-License-Identifier: MIT */
/*
 * Benchmark 6: exploring states, as `kaff audit` does (issue 10).
 *
 * Table A: states per second. One state is what audit asks the library
 * for each explored state: a context at the end of the scenario, one CPU
 * offline, every started kthread on the managed list woken once, the
 * context freed. "dup" gets the context with kaff_ctx_dup() of the end
 * state; "replay" replays the whole scenario (what audit did before).
 * The two run interleaved, the ratio is taken per repetition.
 *
 * Table B: kaff_ctx_dup() of a context with 1e6 kthreads in 10 classes
 * (4 node classes, 5 preferences, the default) against building that
 * context by replay (kaff_replay_new() and its steps; parsing excluded).
 *
 * The boxes are generated here in the shape of a real isolated machine
 * (gen_box(): four per-CPU kthreads per CPU made with create_on_cpu, two
 * node kthreads per node, then preferred, node and default kthreads;
 * nohz_full= and isolcpus=domain on all but 8 CPUs of every node).
 *
 * Usage: bench-explore [FILE.scn...]   (files instead of the built-in boxes)
 *        bench-explore --print-box CPUS NODES KTHREADS SEED  (write a box)
 *   KAFF_BENCH_REPS=N (default 5), KAFF_BENCH_LONG=1: also 1e6 kthreads
 *   with 8192 CPUs in table B.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libkaff/kaff.h>

#include "bench.h"

struct text {
	char *s;
	size_t len, cap;
};

static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < t->cap - t->len)
			break;
		t->cap = t->cap ? t->cap * 2 : 1 << 20;
		t->s = realloc(t->s, t->cap);
		if (!t->s) {
			fprintf(stderr, "bench-explore: out of memory\n");
			exit(1);
		}
	}
	t->len += (size_t)n;
}

/* A box: @cpus CPUs in @nodes nodes, @total kthreads. */
static char *gen_box(unsigned int cpus, unsigned int nodes, unsigned int total, uint64_t seed,
		     size_t *len)
{
	static const char *const kinds[] = { "cpuhp", "mig", "ksirq", "rcuc" };
	unsigned int per = cpus / nodes, k, c, i, made = 0, n = 0;
	struct text t = { 0 };

	put(&t, "kernel 7.3\ncpus %u\n", cpus);
	for (k = 0; k < nodes; k++)
		put(&t, "node %u %u-%u\n", k, k * per, k == nodes - 1 ? cpus - 1 : k * per + per - 1);
	put(&t, "boot nohz_full=");
	for (i = 0; i < 2; i++) {
		for (k = 0; k < nodes; k++) {
			unsigned int lo = k * per, hi = k == nodes - 1 ? cpus - 1 : lo + per - 1;

			put(&t, "%s%u-%u", k ? "," : "", hi - lo >= 16 ? lo + 8 : lo + 2, hi);
		}
		put(&t, i ? "\n" : " isolcpus=domain,");
	}
	for (c = 0; c < cpus; c++)
		for (k = 0; k < 4 && made < total; k++, made++)
			put(&t, "create_on_cpu %s%u %u\nwake %s%u\n", kinds[k], c, c, kinds[k], c);
	for (k = 0; k < nodes; k++)
		for (i = 0; i < 2 && made < total; i++, made++)
			put(&t, "create %s%u node=%u\nwake %s%u\n", i ? "kcompactd" : "kswapd", k, k,
			    i ? "kcompactd" : "kswapd", k);
	for (; made < total; made++, n++) {
		unsigned int x = (unsigned int)(bench_rand(&seed) % 10);

		k = (unsigned int)(bench_rand(&seed) % nodes);
		if (x < 3) {
			unsigned int a = k * per + (unsigned int)(bench_rand(&seed) % per);
			unsigned int b = a + 1 + (unsigned int)(bench_rand(&seed) % 7);

			put(&t, "create t%u\nprefer t%u %u-%u\nwake t%u\n", n, n, a,
			    b < cpus ? b : cpus - 1, n);
		} else if (x < 5) {
			put(&t, "create t%u node=%u\nwake t%u\n", n, k, n);
		} else {
			put(&t, "create t%u\nwake t%u\n", n, n);
		}
	}
	*len = t.len;
	return t.s;
}

/* 1e6 kthreads in 10 classes: nodes 0-3, five preferences, the default. */
static char *gen_classes(unsigned int cpus, unsigned int total, size_t *len)
{
	unsigned int per = cpus / 4, i;
	struct text t = { 0 };

	put(&t, "kernel 7.3\ncpus %u\n", cpus);
	for (i = 0; i < 4; i++)
		put(&t, "node %u %u-%u\n", i, i * per, i * per + per - 1);
	put(&t, "boot nohz_full=%u-%u isolcpus=domain,%u-%u\n", cpus - 4, cpus - 1, cpus - 4,
	    cpus - 1);
	for (i = 0; i < total; i++) {
		unsigned int c = i % 10;

		if (c < 4)
			put(&t, "create k%u node=%u\nwake k%u\n", i, c, i);
		else if (c < 9)
			put(&t, "create k%u\nprefer k%u %u-%u\nwake k%u\n", i, i, (c - 4) * 2,
			    (c - 4) * 2 + 1, i);
		else
			put(&t, "create k%u\nwake k%u\n", i, i);
	}
	*len = t.len;
	return t.s;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n = -1;

	if (f && !fseek(f, 0, SEEK_END))
		n = ftell(f);
	if (n >= 0 && !fseek(f, 0, SEEK_SET) && (buf = malloc((size_t)n + 1)) &&
	    fread(buf, 1, (size_t)n, f) == (size_t)n) {
		fclose(f);
		*len = (size_t)n;
		return buf;
	}
	fprintf(stderr, "bench-explore: %s: cannot read (%s)\n", path, strerror(errno));
	exit(1);
}

static struct kaff_scenario *parse(const char *text, size_t len, const char *what)
{
	struct kaff_scenario_error e;
	struct kaff_scenario *sc;
	int ret = kaff_scenario_parse(text, len, NULL, &sc, &e);

	if (ret) {
		fprintf(stderr, "bench-explore: %s:%u:%u: %s\n", what, e.line, e.col, e.msg);
		exit(1);
	}
	return sc;
}

static struct kaff_replay *replay_all(const struct kaff_scenario *sc)
{
	struct kaff_replay *r;
	int ret = kaff_replay_new(sc, NULL, &r);

	if (!ret)
		while ((ret = kaff_replay_step(r, NULL)) == 1)
			;
	if (ret) {
		fprintf(stderr, "bench-explore: replay failed at event %u: %s\n",
			r ? kaff_replay_position(r) : 0, kaff_strerrorname(ret));
		exit(1);
	}
	return r;
}

/* One state on @ctx: offline @cpu, wake the started managed kthreads. */
static void state(struct kaff_ctx *ctx, unsigned int cpu)
{
	unsigned int id;

	kaff_cpu_offline(ctx, cpu);
	for (id = kaff_managed_first(ctx); id != KAFF_KTHREAD_NONE; id = kaff_managed_next(ctx, id)) {
		struct kaff_kthread_info info;

		if (id != KAFF_KTHREADD && !kaff_kthread_get_info(ctx, id, &info) &&
		    (info.flags & KAFF_KTHREAD_STARTED))
			kaff_wake_up_process(ctx, id);
	}
}

/* How a state starts from the end of the scenario. */
enum way { ROLLBACK, DUP, REPLAY, NR_WAYS };

/* Seconds per state, one sample of @n states. @base holds a checkpoint. */
static double sample(const struct kaff_scenario *sc, struct kaff_ctx *base, enum way way,
		     unsigned int n, unsigned int *cpu)
{
	unsigned int cpus = kaff_machine_nr_cpu_ids(base), i;
	double t0 = bench_now_ns();

	for (i = 0; i < n; i++) {
		struct kaff_replay *r = NULL;
		struct kaff_ctx *ctx;

		*cpu = *cpu + 1 < cpus ? *cpu + 1 : 1;
		if (way == ROLLBACK) {
			state(base, *cpu);
			kaff_ctx_rollback(base);
			continue;
		}
		if (way == DUP) {
			ctx = kaff_ctx_dup(base);
			if (!ctx) {
				fprintf(stderr, "bench-explore: kaff_ctx_dup: out of memory\n");
				exit(1);
			}
		} else {
			r = replay_all(sc);
			ctx = kaff_replay_ctx(r);
		}
		state(ctx, *cpu);
		if (r)
			kaff_replay_free(r);
		else
			kaff_ctx_free(ctx);
	}
	return (bench_now_ns() - t0) / 1e9 / n;
}

/*
 * One row: states per second of each way, and rollback's and dup's
 * ratios to replay (a state by replaying the scenario: audit before
 * issue 10). The ways take turns within each repetition, in a rotating
 * order; each ratio is taken inside its repetition.
 */
static void table_a_row(const char *name, const char *text, size_t len, unsigned int reps)
{
	struct kaff_scenario *sc = parse(text, len, name);
	struct kaff_replay *base = replay_all(sc);
	struct kaff_ctx *ctx = kaff_replay_ctx(base);
	double *rate[NR_WAYS], *q[2];
	struct bench_stats st[NR_WAYS], sq[2];
	unsigned int i, w, cpu = 0, n[NR_WAYS];
	char b[NR_WAYS][64], bq[2][64];

	if (kaff_ctx_checkpoint(ctx)) {
		fprintf(stderr, "bench-explore: kaff_ctx_checkpoint failed\n");
		exit(1);
	}
	for (w = 0; w < NR_WAYS; w++) {
		/* about 0.2 s a sample for each way */
		double t = sample(sc, ctx, (enum way)w, 1, &cpu);

		n[w] = t > 0.2 ? 1 : (unsigned int)(0.2 / t) + 1;
		rate[w] = calloc(reps, sizeof(double));
	}
	q[0] = calloc(reps, sizeof(double));
	q[1] = calloc(reps, sizeof(double));
	for (i = 0; i < reps; i++) {
		for (w = 0; w < NR_WAYS; w++) {
			unsigned int way = (w + i) % NR_WAYS;

			rate[way][i] = 1 / sample(sc, ctx, (enum way)way, n[way], &cpu);
		}
		q[0][i] = rate[ROLLBACK][i] / rate[REPLAY][i];
		q[1][i] = rate[DUP][i] / rate[REPLAY][i];
	}
	for (w = 0; w < NR_WAYS; w++) {
		bench_stats_of(rate[w], reps, &st[w]);
		snprintf(b[w], sizeof(b[w]), "%.4g (%.4g–%.4g)", st[w].med, st[w].min, st[w].max);
		free(rate[w]);
	}
	bench_stats_of(q[0], reps, &sq[0]);
	bench_stats_of(q[1], reps, &sq[1]);
	printf("| %s | %u | %u | %s | %s | %s | %s | %s |\n", name, kaff_machine_nr_cpu_ids(ctx),
	       kaff_kthread_count(ctx), b[ROLLBACK], b[DUP], b[REPLAY],
	       bench_fmt_ratio(bq[0], sizeof(bq[0]), &sq[0]),
	       bench_fmt_ratio(bq[1], sizeof(bq[1]), &sq[1]));
	fflush(stdout);
	free(q[0]);
	free(q[1]);
	kaff_replay_free(base);
	kaff_scenario_free(sc);
}

static void table_b_row(unsigned int cpus, unsigned int total, unsigned int reps)
{
	size_t len;
	char *text = gen_classes(cpus, total, &len);
	struct kaff_scenario *sc = parse(text, len, "classes");
	double *dup = calloc(reps, sizeof(*dup)), *rep = calloc(reps, sizeof(*rep));
	double *ratio = calloc(reps, sizeof(*ratio));
	struct bench_stats sd, sr, sq;
	char b1[64], b2[64], b3[64];
	unsigned int i;

	for (i = 0; i < reps; i++) {
		double t0 = bench_now_ns(), t1;
		struct kaff_replay *r = replay_all(sc);
		struct kaff_ctx *copy;

		t1 = bench_now_ns();
		rep[i] = t1 - t0;
		copy = kaff_ctx_dup(kaff_replay_ctx(r));
		dup[i] = bench_now_ns() - t1;
		if (!copy) {
			fprintf(stderr, "bench-explore: kaff_ctx_dup: out of memory\n");
			exit(1);
		}
		ratio[i] = dup[i] / rep[i];
		kaff_ctx_free(copy);
		kaff_replay_free(r);
	}
	bench_stats_of(dup, reps, &sd);
	bench_stats_of(rep, reps, &sr);
	bench_stats_of(ratio, reps, &sq);
	printf("| %u | %u | 10 | %s | %s | %.1f %% (%.1f–%.1f) |\n", cpus, total,
	       bench_fmt_stats(b1, sizeof(b1), &sd), bench_fmt_stats(b2, sizeof(b2), &sr),
	       sq.med * 100, sq.min * 100, sq.max * 100);
	fflush(stdout);
	(void)b3;
	free(dup);
	free(rep);
	free(ratio);
	kaff_scenario_free(sc);
	free(text);
}

int main(int argc, char **argv)
{
	static const struct {
		unsigned int cpus, nodes, kthreads;
		uint64_t seed;
	} boxes[] = { { 64, 2, 300, 1 }, { 256, 4, 1650, 1 }, { 8192, 64, 200000, 2 } };
	unsigned int reps = bench_reps(5), i;

	if (argc == 6 && !strcmp(argv[1], "--print-box")) {
		size_t len;
		char *text = gen_box((unsigned int)atoi(argv[2]), (unsigned int)atoi(argv[3]),
				     (unsigned int)atoi(argv[4]), (uint64_t)atoll(argv[5]), &len);

		fwrite(text, 1, len, stdout);
		free(text);
		return 0;
	}
	bench_print_machine();
	if (argc == 2 && !strcmp(argv[1], "--copy-only"))
		goto table_b;
	printf("\n### A. Exploration: states per second (clock: %s)\n\n", bench_clock_name());
	printf("| box | CPUs | kthreads | rollback: states/s | dup: states/s | replay: states/s | "
	       "rollback vs replay | dup vs replay |\n");
	printf("|---|---|---|---|---|---|---|---|\n");
	if (argc > 1) {
		for (i = 1; i < (unsigned int)argc; i++) {
			size_t len;
			char *text = slurp(argv[i], &len);

			table_a_row(argv[i], text, len, reps);
			free(text);
		}
	} else {
		for (i = 0; i < sizeof(boxes) / sizeof(boxes[0]); i++) {
			char name[64];
			size_t len;
			char *text = gen_box(boxes[i].cpus, boxes[i].nodes, boxes[i].kthreads,
					     boxes[i].seed, &len);

			snprintf(name, sizeof(name), "box %u/%u/%u", boxes[i].cpus, boxes[i].nodes,
				 boxes[i].kthreads);
			table_a_row(name, text, len, reps);
			free(text);
		}
	}
table_b:
	printf("\n### B. kaff_ctx_dup() vs building the context by replay\n\n");
	printf("| CPUs | kthreads | classes | kaff_ctx_dup() | replay | dup / replay |\n");
	printf("|---|---|---|---|---|---|\n");
	table_b_row(64, 1000000, reps);
	if (bench_long())
		table_b_row(8192, 1000000, reps);
	return 0;
}
