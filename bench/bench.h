/* SPDX-License-Identifier: MIT */
/*
 * libkaff benchmarks: the shared harness (bench.c).
 *
 * These machines are shared and noisy: absolute times drift between runs,
 * so every comparison is made in one run, interleaved. A measurement runs
 * each variant for one sample in turn (the order rotates from one
 * repetition to the next), and a ratio is taken inside each repetition,
 * from samples taken a few milliseconds apart. Tables print the median
 * over the repetitions and the min-max range.
 *
 * Knobs (environment):
 *   KAFF_BENCH_REPS=N     repetitions per measurement (default: per program)
 *   KAFF_BENCH_SAMPLE_MS=X  target length of one sample (default 2 ms)
 *   KAFF_BENCH_LONG=1     also run the sizes a default run skips
 *   KAFF_BENCH_BUDGET_S=X seconds a default run may spend on one row
 *   KAFF_BENCH_CLOCK=wall time with CLOCK_MONOTONIC instead of the thread's
 *                         CPU time (the default: waits for a CPU don't count)
 */
#ifndef KAFF_BENCH_H
#define KAFF_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Keep a value alive / make memory look used, without a store. */
#define bench_keep(x) __asm__ __volatile__("" : : "r"(x) : "memory")
#define bench_clobber() __asm__ __volatile__("" : : : "memory")

double bench_now_ns(void);
const char *bench_clock_name(void);

/* Pin the process to the CPU it runs on (best effort). */
void bench_pin(void);

unsigned int bench_reps(unsigned int dflt);
double bench_sample_ns(void);
bool bench_long(void);
double bench_budget_s(double dflt);

struct bench_stats {
	double med, min, max;
};

/* Sorts @v in place. */
void bench_stats_of(double *v, size_t n, struct bench_stats *out);

/* Run @n operations of a variant. */
typedef void (*bench_fn)(void *arg, uint64_t n);

struct bench_variant {
	bench_fn fn;
	void *arg;
	uint64_t iters;       /* per sample, set by bench_measure() */
	double *ns;           /* per repetition: ns per operation */
	struct bench_stats st;
};

/*
 * Measure @nv variants interleaved: calibrate each to bench_sample_ns(),
 * then @reps repetitions. Fills v[i].ns (caller-owned, @reps entries) and
 * v[i].st. @fixed_iters > 0 skips the calibration.
 */
void bench_measure(struct bench_variant *v, size_t nv, unsigned int reps,
		   uint64_t fixed_iters);

/* Stats of v[i].ns[r] / v[ref].ns[r] over the repetitions. */
void bench_ratio(const struct bench_variant *v, size_t i, size_t ref,
		 unsigned int reps, struct bench_stats *out);
/* Stats of v[ref].ns[r] / v[i].ns[r]: how many times faster @i is. */
void bench_speedup(const struct bench_variant *v, size_t i, size_t ref,
		   unsigned int reps, struct bench_stats *out);

/* "12.3 ns", "4.56 µs", "789 ms": 3 significant digits. */
const char *bench_fmt_time(char *buf, size_t len, double ns);
/* "12.3 ns (11.9–13.0)" */
const char *bench_fmt_stats(char *buf, size_t len, const struct bench_stats *st);
/* "1.23x (1.20–1.31)" */
const char *bench_fmt_ratio(char *buf, size_t len, const struct bench_stats *st);

/* xorshift64*, for reproducible data. */
uint64_t bench_rand(uint64_t *state);

/* One line saying what this machine is (CPU model, compiler, flags). */
void bench_print_machine(void);

#endif /* KAFF_BENCH_H */
