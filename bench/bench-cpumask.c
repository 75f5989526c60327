/* SPDX-License-Identifier: MIT */
/*
 * Benchmark 1: cpumask operations at 64, 256, 1024 and 8192 bits.
 *
 * libkaff against (a) plain unsigned long loops written as the kernel's
 * lib/bitmap.c and lib/find_bit.c (tests/common/bitmap-ref.c), called on the same
 * masks (m->bits, m->nbits of the same struct kaff_cpumask, so that only
 * the loops differ, not the data), (b) glibc's CPU_*_S
 * macros on CPU_ALLOC() sets, (c) hwloc's hwloc_bitmap_* when built with
 * hwloc, and a memcpy of the mask's bytes (the floor: at 8192 bits, a
 * 1 KiB memcpy), all timed interleaved in the same run.
 *
 * Data, chosen so every operation scans the whole mask (its worst case):
 * A and B random (half the bits set), and/or/andnot write D; copy D = A;
 * empty on the empty mask; equal(A, copy of A); subset(A, A|B);
 * intersects(A, ~A); weight(A); first on a mask holding only the last CPU;
 * next-iteration: one whole for_each_cpu over a random mask with one CPU
 * in 16 (kaff_cpumask_first/next; find_first_bit/find_next_bit; glibc:
 * CPU_ISSET_S on each CPU; hwloc_bitmap_first/next).
 *
 * Usage: bench-cpumask [NBITS...]   (default 64 256 1024 8192)
 *        KAFF_BENCH_OPS=first,or: only these operations
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libkaff/kaff.h>

#ifdef KAFF_BENCH_HWLOC
#include <hwloc.h>
#endif

#include "bench.h"
#include "bitmap-ref.h"
#include "glibc-cpuset.h"

enum { M_A, M_B, M_D, M_A2, M_C, M_NOTA, M_ZERO, M_LAST, M_SPARSE, NR_M };

struct data {
	unsigned int nbits;
	size_t nw, gsize;
	struct kaff_cpumask *k[NR_M];
	cpu_set_t *g[NR_M];
#ifdef KAFF_BENCH_HWLOC
	hwloc_bitmap_t h[NR_M];
#endif
};

/* through a volatile pointer: a real call to glibc's memcpy, as big as the mask */
static void *(*volatile memcpy_fn)(void *, const void *, size_t) = memcpy;

#define BENCH(name, ...)                                        \
	static void name(void *arg, uint64_t n)                 \
	{                                                       \
		const struct data *d = arg;                     \
		uint64_t i;                                     \
		for (i = 0; i < n; i++) {                       \
			__VA_ARGS__;                            \
		}                                               \
	}

#define K(x) d->k[M_##x]
/* the plain loops run on the same masks: the comparison is of the loops */
#define R(x) d->k[M_##x]->bits
#define RN(x) d->k[M_##x]->nbits
#define G(x) d->g[M_##x]
#define H(x) d->h[M_##x]

BENCH(memcpy_op, memcpy_fn(K(D)->bits, K(A)->bits, d->nw * sizeof(unsigned long)))

BENCH(k_and, bench_keep(kaff_cpumask_and(K(D), K(A), K(B))))
BENCH(k_or, kaff_cpumask_or(K(D), K(A), K(B)); bench_clobber())
BENCH(k_andnot, bench_keep(kaff_cpumask_andnot(K(D), K(A), K(B))))
BENCH(k_copy, kaff_cpumask_copy(K(D), K(A)); bench_clobber())
BENCH(k_empty, bench_keep(kaff_cpumask_empty(K(ZERO))))
BENCH(k_equal, bench_keep(kaff_cpumask_equal(K(A), K(A2))))
BENCH(k_subset, bench_keep(kaff_cpumask_subset(K(A), K(C))))
BENCH(k_intersects, bench_keep(kaff_cpumask_intersects(K(A), K(NOTA))))
BENCH(k_weight, bench_keep(kaff_cpumask_weight(K(A))))
BENCH(k_first, bench_keep(kaff_cpumask_first(K(LAST))))
BENCH(k_next, {
	const struct kaff_cpumask *m = K(SPARSE);
	unsigned int c;
	unsigned long s = 0;

	kaff_for_each_cpu(c, m)
		s += c;
	bench_keep(s);
})

BENCH(r_and, bench_keep(ref___bitmap_and(R(D), R(A), R(B), RN(D))))
BENCH(r_or, ref___bitmap_or(R(D), R(A), R(B), RN(D)); bench_clobber())
BENCH(r_andnot, bench_keep(ref___bitmap_andnot(R(D), R(A), R(B), RN(D))))
BENCH(r_copy, ref_bitmap_copy(R(D), R(A), RN(D)); bench_clobber())
BENCH(r_empty, bench_keep(ref_bitmap_empty(R(ZERO), RN(ZERO))))
BENCH(r_equal, bench_keep(ref___bitmap_equal(R(A), R(A2), RN(A))))
BENCH(r_subset, bench_keep(ref___bitmap_subset(R(A), R(C), RN(A))))
BENCH(r_intersects, bench_keep(ref___bitmap_intersects(R(A), R(NOTA), RN(A))))
BENCH(r_weight, bench_keep(ref___bitmap_weight(R(A), RN(A))))
BENCH(r_first, bench_keep(ref__find_first_bit(R(LAST), RN(LAST))))
BENCH(r_next, {
	const struct kaff_cpumask *m = K(SPARSE);
	unsigned long c, s = 0;

	for (c = ref__find_first_bit(m->bits, m->nbits); c < m->nbits;
	     c = ref__find_next_bit(m->bits, m->nbits, c + 1))
		s += c;
	bench_keep(s);
})

BENCH(g_and, glibc_and(d->gsize, G(D), G(A), G(B)); bench_clobber())
BENCH(g_or, glibc_or(d->gsize, G(D), G(A), G(B)); bench_clobber())
BENCH(g_copy, memcpy_fn(G(D), G(A), d->gsize); bench_clobber())
BENCH(g_empty, bench_keep(glibc_empty(d->gsize, G(ZERO))))
BENCH(g_equal, bench_keep(glibc_equal(d->gsize, G(A), G(A2))))
BENCH(g_weight, bench_keep(glibc_count(d->gsize, G(A))))
BENCH(g_first, bench_keep(glibc_first(d->gsize, d->nbits, G(LAST))))
BENCH(g_next, bench_keep(glibc_iterate(d->gsize, d->nbits, G(SPARSE))))

#ifdef KAFF_BENCH_HWLOC
BENCH(h_and, hwloc_bitmap_and(H(D), H(A), H(B)); bench_clobber())
BENCH(h_or, hwloc_bitmap_or(H(D), H(A), H(B)); bench_clobber())
BENCH(h_andnot, hwloc_bitmap_andnot(H(D), H(A), H(B)); bench_clobber())
BENCH(h_copy, hwloc_bitmap_copy(H(D), H(A)); bench_clobber())
BENCH(h_empty, bench_keep(hwloc_bitmap_iszero(H(ZERO))))
BENCH(h_equal, bench_keep(hwloc_bitmap_isequal(H(A), H(A2))))
BENCH(h_subset, bench_keep(hwloc_bitmap_isincluded(H(A), H(C))))
BENCH(h_intersects, bench_keep(hwloc_bitmap_intersects(H(A), H(NOTA))))
BENCH(h_weight, bench_keep(hwloc_bitmap_weight(H(A))))
BENCH(h_first, bench_keep(hwloc_bitmap_first(H(LAST))))
BENCH(h_next, {
	hwloc_const_bitmap_t m = H(SPARSE);
	int c;
	unsigned long s = 0;

	for (c = hwloc_bitmap_first(m); c >= 0; c = hwloc_bitmap_next(m, c))
		s += (unsigned long)c;
	bench_keep(s);
})
#endif

enum { IM_KAFF, IM_REF, IM_GLIBC, IM_HWLOC, IM_MEMCPY, NR_IM };

static const char *const impl_names[NR_IM] = {
	"libkaff", "plain loops", "glibc CPU_*_S", "hwloc", "memcpy",
};

struct op {
	const char *name;
	bench_fn fn[NR_IM];
};

#ifdef KAFF_BENCH_HWLOC
#define HW(f) f
#else
#define HW(f) NULL
#endif

static const struct op ops[] = {
	{ "and", { k_and, r_and, g_and, HW(h_and), memcpy_op } },
	{ "or", { k_or, r_or, g_or, HW(h_or), memcpy_op } },
	{ "andnot", { k_andnot, r_andnot, NULL, HW(h_andnot), memcpy_op } },
	{ "copy", { k_copy, r_copy, g_copy, HW(h_copy), memcpy_op } },
	{ "empty", { k_empty, r_empty, g_empty, HW(h_empty), memcpy_op } },
	{ "equal", { k_equal, r_equal, g_equal, HW(h_equal), memcpy_op } },
	{ "subset", { k_subset, r_subset, NULL, HW(h_subset), memcpy_op } },
	{ "intersects", { k_intersects, r_intersects, NULL, HW(h_intersects), memcpy_op } },
	{ "weight", { k_weight, r_weight, g_weight, HW(h_weight), memcpy_op } },
	{ "first", { k_first, r_first, g_first, HW(h_first), memcpy_op } },
	{ "next-iteration", { k_next, r_next, g_next, HW(h_next), memcpy_op } },
};

#define NR_OPS (sizeof(ops) / sizeof(ops[0]))

/* KAFF_BENCH_OPS=and,or: only these */
static bool op_selected(const char *name)
{
	const char *sel = getenv("KAFF_BENCH_OPS"), *p;
	size_t n = strlen(name);

	if (!sel || !*sel)
		return true;
	for (p = sel; (p = strstr(p, name)); p += n)
		if ((p == sel || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

static void die(const char *what)
{
	fprintf(stderr, "bench-cpumask: %s\n", what);
	exit(1);
}

static void data_init(struct data *d, unsigned int nbits)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull ^ nbits;
	size_t i, w;
	unsigned int m;

	memset(d, 0, sizeof(*d));
	d->nbits = nbits;
	d->nw = KAFF_BITS_TO_LONGS(nbits);
	d->gsize = CPU_ALLOC_SIZE(nbits);
	for (m = 0; m < NR_M; m++) {
		d->k[m] = kaff_cpumask_alloc(nbits);
		d->g[m] = CPU_ALLOC(nbits);
		if (!d->k[m] || !d->g[m] || d->gsize != d->nw * sizeof(long))
			die("out of memory");
	}
	for (i = 0; i < nbits; i++) {
		if (bench_rand(&seed) & 1)
			kaff_cpumask_set_cpu((unsigned int)i, d->k[M_A]);
		if (bench_rand(&seed) & 1)
			kaff_cpumask_set_cpu((unsigned int)i, d->k[M_B]);
		if (bench_rand(&seed) % 16 == 0)
			kaff_cpumask_set_cpu((unsigned int)i, d->k[M_SPARSE]);
	}
	kaff_cpumask_copy(d->k[M_A2], d->k[M_A]);
	kaff_cpumask_or(d->k[M_C], d->k[M_A], d->k[M_B]);
	kaff_cpumask_complement(d->k[M_NOTA], d->k[M_A]);
	kaff_cpumask_set_cpu(nbits - 1, d->k[M_LAST]);
	for (m = 0; m < NR_M; m++) {
		glibc_zero(d->gsize, d->g[m]);
		for (i = 0; i < nbits; i++)
			if (kaff_cpumask_test_cpu((unsigned int)i, d->k[m]))
				glibc_set(d->gsize, (unsigned int)i, d->g[m]);
#ifdef KAFF_BENCH_HWLOC
		d->h[m] = hwloc_bitmap_alloc();
		if (!d->h[m] || hwloc_bitmap_from_ulongs(d->h[m], (unsigned)d->nw,
							 d->k[m]->bits) < 0)
			die("hwloc_bitmap_from_ulongs failed");
#endif
	}
	/* the answers must agree before anything is timed */
	w = kaff_cpumask_weight(d->k[M_A]);
	if (w != ref___bitmap_weight(d->k[M_A]->bits, nbits) || (int)w != glibc_count(d->gsize, d->g[M_A]) ||
	    !kaff_cpumask_subset(d->k[M_A], d->k[M_C]) ||
	    kaff_cpumask_intersects(d->k[M_A], d->k[M_NOTA]) ||
	    kaff_cpumask_first(d->k[M_LAST]) != nbits - 1 ||
	    ref__find_first_bit(d->k[M_LAST]->bits, nbits) != nbits - 1 ||
	    glibc_first(d->gsize, nbits, d->g[M_LAST]) != nbits - 1)
		die("implementations disagree");
#ifdef KAFF_BENCH_HWLOC
	if ((size_t)hwloc_bitmap_weight(d->h[M_A]) != w ||
	    hwloc_bitmap_first(d->h[M_LAST]) != (int)nbits - 1)
		die("hwloc disagrees");
#endif
}

static void data_fini(struct data *d)
{
	unsigned int m;

	for (m = 0; m < NR_M; m++) {
		kaff_cpumask_free(d->k[m]);
		CPU_FREE(d->g[m]);
#ifdef KAFF_BENCH_HWLOC
		hwloc_bitmap_free(d->h[m]);
#endif
	}
}

static void run_size(unsigned int nbits, unsigned int reps)
{
	struct data d;
	struct bench_variant v[NR_IM];
	int map[NR_IM];
	double ns[NR_IM][256];
	char b[NR_IM + 5][64];
	size_t o;
	int i;

	data_init(&d, nbits);
	printf("### %u bits (%zu words)\n\n", nbits, d.nw);
	printf("| op | libkaff | plain loops | glibc | hwloc | memcpy %zu B |"
	       " vs plain | vs glibc | vs hwloc | libkaff / memcpy |\n",
	       d.nw * sizeof(unsigned long));
	printf("|---|---|---|---|---|---|---|---|---|---|\n");
	for (o = 0; o < NR_OPS; o++) {
		size_t nv = 0;
		struct bench_stats st;

		if (!op_selected(ops[o].name))
			continue;
		for (i = 0; i < NR_IM; i++) {
			map[i] = -1;
			if (!ops[o].fn[i])
				continue;
			map[i] = (int)nv;
			v[nv].fn = ops[o].fn[i];
			v[nv].arg = &d;
			v[nv].ns = ns[i];
			nv++;
		}
		bench_measure(v, nv, reps, 0);
		printf("| %s", ops[o].name);
		for (i = 0; i < NR_IM; i++)
			printf(" | %s", map[i] < 0 ? "–" :
			       bench_fmt_stats(b[i], sizeof(b[i]), &v[map[i]].st));
		/* speedups: how many times faster libkaff is */
		for (i = IM_REF; i <= IM_HWLOC; i++) {
			if (map[i] < 0) {
				printf(" | –");
				continue;
			}
			bench_speedup(v, (size_t)map[IM_KAFF], (size_t)map[i], reps, &st);
			printf(" | %s", bench_fmt_ratio(b[0], sizeof(b[0]), &st));
		}
		bench_ratio(v, (size_t)map[IM_KAFF], (size_t)map[IM_MEMCPY], reps, &st);
		printf(" | %s |\n", bench_fmt_ratio(b[0], sizeof(b[0]), &st));
		fflush(stdout);
	}
	printf("\n");
	data_fini(&d);
}

int main(int argc, char **argv)
{
	static const unsigned int dflt[] = { 64, 256, 1024, 8192 };
	unsigned int reps = bench_reps(15);
	int i;

	if (reps > 256)
		reps = 256;
	bench_pin();
	printf("## cpumask operations\n\n");
	bench_print_machine();
	printf("Per call, median over %u repetitions (min–max); \"vs X\" is how many "
	       "times faster libkaff is than X in the same repetition; "
	       "\"libkaff / memcpy\" is libkaff's time over a memcpy of the mask's "
	       "bytes.%s\n\n", reps,
#ifdef KAFF_BENCH_HWLOC
	       ""
#else
	       " hwloc: not built (libhwloc-dev missing), columns skipped."
#endif
	       );
	(void)impl_names;
	if (argc > 1) {
		for (i = 1; i < argc; i++) {
			unsigned long n = strtoul(argv[i], NULL, 10);

			if (n < 1 || n > KAFF_NR_CPUS_MAX)
				die("NBITS must be 1 .. 8192");
			run_size((unsigned int)n, reps);
		}
	} else {
		for (i = 0; i < 4; i++)
			run_size(dflt[i], reps);
	}
	return 0;
}
