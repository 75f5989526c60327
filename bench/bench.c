/* SPDX-License-Identifier: MIT */
/* libkaff benchmarks: the shared harness (see bench.h). */
#define _GNU_SOURCE
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#ifndef KAFF_BENCH_BUILDTYPE
#define KAFF_BENCH_BUILDTYPE "?"
#endif

/*
 * The thread's CPU time by default: on a shared machine, the time this
 * thread waited for a CPU is not the code's. KAFF_BENCH_CLOCK=wall takes
 * CLOCK_MONOTONIC instead.
 */
double bench_now_ns(void)
{
	static int clk = -1;
	struct timespec ts;

	if (clk < 0) {
		const char *s = getenv("KAFF_BENCH_CLOCK");

		clk = s && !strcmp(s, "wall") ? CLOCK_MONOTONIC : CLOCK_THREAD_CPUTIME_ID;
	}
	clock_gettime(clk, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

const char *bench_clock_name(void)
{
	const char *s = getenv("KAFF_BENCH_CLOCK");

	return s && !strcmp(s, "wall") ? "wall clock (CLOCK_MONOTONIC)"
				       : "thread CPU time (CLOCK_THREAD_CPUTIME_ID)";
}

void bench_pin(void)
{
	cpu_set_t set;
	int cpu = sched_getcpu();

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	(void)sched_setaffinity(0, sizeof(set), &set);
}

static double env_double(const char *name, double dflt)
{
	const char *s = getenv(name);
	char *end;
	double v;

	if (!s || !*s)
		return dflt;
	v = strtod(s, &end);
	return (*end || !(v > 0)) ? dflt : v;
}

unsigned int bench_reps(unsigned int dflt)
{
	double v = env_double("KAFF_BENCH_REPS", dflt);

	return v < 1 ? 1 : (unsigned int)v;
}

double bench_sample_ns(void)
{
	return env_double("KAFF_BENCH_SAMPLE_MS", 2.0) * 1e6;
}

bool bench_long(void)
{
	const char *s = getenv("KAFF_BENCH_LONG");

	return s && *s && strcmp(s, "0") != 0;
}

double bench_budget_s(double dflt)
{
	return bench_long() ? 1e9 : env_double("KAFF_BENCH_BUDGET_S", dflt);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void bench_stats_of(double *v, size_t n, struct bench_stats *out)
{
	if (!n) {
		out->med = out->min = out->max = NAN;
		return;
	}
	qsort(v, n, sizeof(*v), cmp_double);
	out->min = v[0];
	out->max = v[n - 1];
	out->med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double sample(struct bench_variant *v, uint64_t iters)
{
	double t0 = bench_now_ns();

	v->fn(v->arg, iters);
	return bench_now_ns() - t0;
}

static uint64_t calibrate(struct bench_variant *v, double target)
{
	uint64_t iters = 1;
	double t;

	sample(v, 1);  /* warm the caches and the branch predictors */
	for (;;) {
		t = sample(v, iters);
		if (t >= target / 4 || iters >= (UINT64_C(1) << 40))
			break;
		iters *= t < target / 64 ? 8 : 2;
	}
	t = (double)iters * target / (t > 1 ? t : 1);
	return t < 1 ? 1 : (uint64_t)t;
}

void bench_measure(struct bench_variant *v, size_t nv, unsigned int reps,
		   uint64_t fixed_iters)
{
	const double target = bench_sample_ns();
	double *tmp = malloc(reps * sizeof(*tmp));
	unsigned int r;
	size_t i, k;

	for (i = 0; i < nv; i++)
		v[i].iters = fixed_iters ? fixed_iters : calibrate(&v[i], target);
	for (r = 0; r < reps; r++) {
		for (k = 0; k < nv; k++) {
			i = (k + r) % nv;
			v[i].ns[r] = sample(&v[i], v[i].iters) / (double)v[i].iters;
		}
	}
	for (i = 0; i < nv; i++) {
		memcpy(tmp, v[i].ns, reps * sizeof(*tmp));
		bench_stats_of(tmp, reps, &v[i].st);
	}
	free(tmp);
}

static void ratio_stats(const struct bench_variant *num, const struct bench_variant *den,
			unsigned int reps, struct bench_stats *out)
{
	double *tmp = malloc(reps * sizeof(*tmp));
	unsigned int r;

	for (r = 0; r < reps; r++)
		tmp[r] = num->ns[r] / den->ns[r];
	bench_stats_of(tmp, reps, out);
	free(tmp);
}

void bench_ratio(const struct bench_variant *v, size_t i, size_t ref,
		 unsigned int reps, struct bench_stats *out)
{
	ratio_stats(&v[i], &v[ref], reps, out);
}

void bench_speedup(const struct bench_variant *v, size_t i, size_t ref,
		   unsigned int reps, struct bench_stats *out)
{
	ratio_stats(&v[ref], &v[i], reps, out);
}

static const char *fmt3(char *buf, size_t len, double x)
{
	if (x >= 100 || x == 0)
		snprintf(buf, len, "%.0f", x);
	else if (x >= 10)
		snprintf(buf, len, "%.1f", x);
	else if (x >= 1)
		snprintf(buf, len, "%.2f", x);
	else
		snprintf(buf, len, "%.3f", x);
	return buf;
}

const char *bench_fmt_time(char *buf, size_t len, double ns)
{
	char n[32];

	if (ns != ns)
		snprintf(buf, len, "–");
	else if (ns < 1e3)
		snprintf(buf, len, "%s ns", fmt3(n, sizeof(n), ns));
	else if (ns < 1e6)
		snprintf(buf, len, "%s µs", fmt3(n, sizeof(n), ns / 1e3));
	else if (ns < 1e9)
		snprintf(buf, len, "%s ms", fmt3(n, sizeof(n), ns / 1e6));
	else
		snprintf(buf, len, "%s s", fmt3(n, sizeof(n), ns / 1e9));
	return buf;
}

/* min and max in the unit of the median */
const char *bench_fmt_stats(char *buf, size_t len, const struct bench_stats *st)
{
	double unit = st->med < 1e3 ? 1 : st->med < 1e6 ? 1e3 : st->med < 1e9 ? 1e6 : 1e9;
	char m[32], lo[32], hi[32];

	bench_fmt_time(m, sizeof(m), st->med);
	snprintf(buf, len, "%s (%s–%s)", m, fmt3(lo, sizeof(lo), st->min / unit),
		 fmt3(hi, sizeof(hi), st->max / unit));
	return buf;
}

const char *bench_fmt_ratio(char *buf, size_t len, const struct bench_stats *st)
{
	char m[32], lo[32], hi[32];

	if (st->med != st->med) {
		snprintf(buf, len, "–");
		return buf;
	}
	snprintf(buf, len, "%sx (%s–%s)", fmt3(m, sizeof(m), st->med),
		 fmt3(lo, sizeof(lo), st->min), fmt3(hi, sizeof(hi), st->max));
	return buf;
}

uint64_t bench_rand(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * UINT64_C(2685821657736338717);
}

void bench_print_machine(void)
{
	char line[512], model[256] = "?";
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (f) {
		while (fgets(line, sizeof(line), f)) {
			if (!strncmp(line, "model name", 10)) {
				char *p = strchr(line, ':');

				if (p) {
					snprintf(model, sizeof(model), "%s", p + 2);
					model[strcspn(model, "\n")] = '\0';
				}
				break;
			}
		}
		fclose(f);
	}
	__builtin_cpu_init();
	printf("machine: %s, %ld CPUs online; popcnt %s, avx2 %s, avx512vpopcntdq %s; "
	       "gcc %s, buildtype %s; clock: %s\n\n",
	       model, sysconf(_SC_NPROCESSORS_ONLN),
	       __builtin_cpu_supports("popcnt") ? "yes" : "no",
	       __builtin_cpu_supports("avx2") ? "yes" : "no",
	       __builtin_cpu_supports("avx512vpopcntdq") ? "yes" : "no",
	       __VERSION__, KAFF_BENCH_BUILDTYPE, bench_clock_name());
}
