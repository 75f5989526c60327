/* SPDX-License-Identifier: MIT */
/*
 * Benchmark 3: CPU hotplug with T = 1e3 .. 1e6 managed kthreads on 8192
 * CPUs in 64 nodes of 128 (6.14 rules, nohz_full=8064-8191, so that
 * housekeeping is not all CPUs), through the public API, against:
 *
 *   - libkaff's own reference engine (KAFF_ENGINE_REFERENCE: the kernel's
 *     walk inside libkaff);
 *   - the kernel's algorithm written plainly here ("kernel walk"): each
 *     kthread owns its cpus_mask (8192 bits, as task_struct embeds it)
 *     and, if preferred, a copy of its preference (kthread_affine_preferred()
 *     kzallocs one); CPU online walks every managed kthread:
 *     fetch = pref & hk, or hk when that is empty; then, as
 *     set_cpus_allowed_ptr(): equal -> nothing, no online CPU -> refuse,
 *     else store. A wake is select_fallback_rq()'s check. The masks are
 *     the kernel's own loops (tests/common/bitmap-ref.c).
 *
 * Two populations of T kthreads, node i % 64 for kthread i:
 *   P: created with no node, kaff_kthread_affine_preferred(node's CPUs), woken;
 *   N: created on the node, woken (their mask follows the node's online CPUs).
 *
 * Rows (node 1 = CPUs 128-255; c = 130):
 *   A  online c, no mask changes (P; c was taken offline before, untimed)
 *   B  online, T/64 masks change (N; CPUs 130 and 131 take turns being
 *      offline, so each online moves node 1's kthreads to a new mask)
 *   C  offline c + wake every kthread (P; timed together; c back untimed)
 *   D  node 1 down (128 offlines), wake all, node 1 up (128 onlines) (P:
 *      the wakes widen node 1's T/64 kthreads to all CPUs, the first
 *      online narrows them back)
 *   E  node 1 down and up (N: each online changes node 1's T/64 masks)
 *
 * A sample is one event (rows A-C) or one sequence (D, E). Each is timed
 * with both clocks and the smaller is kept: CPU time leaves out waits for
 * a CPU, and the wall clock (read without a system call) is exact for
 * sub-microsecond events. Ratios are of medians, measured in this run.
 * A cell whose estimated time exceeds its budget (KAFF_BENCH_BUDGET_S,
 * default 6 s) is not run and shows "~" and the estimate, unless
 * KAFF_BENCH_LONG=1.
 *
 * Usage: bench-hotplug [T...]   (default 1000 10000 100000 1000000)
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <libkaff/kaff.h>

#include "bench.h"
#include "bitmap-ref.h"

#define NBITS 8192u
#define NW (NBITS / 64)
#define NODES 64u
#define PER_NODE (NBITS / NODES)
#define HK_PARAM "nohz_full=8064-8191"
#define HK_FIRST 8064u
#define NODE 1u
#define CPU_A 130u
#define CPU_B 131u

enum { POP_P, POP_N };
enum { IM_INC, IM_REF, IM_KERNEL, NR_IM };

static const char *const im_names[NR_IM] = { "libkaff", "libkaff reference", "kernel walk" };

static void die(const char *what, int err)
{
	fprintf(stderr, "bench-hotplug: %s (%d)\n", what, err);
	exit(1);
}

static double wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static double cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

struct stamp {
	double w, c;
};

/* the wall-clock reads are the inner ones: the CPU-time reads are system calls */
static struct stamp stamp(void)
{
	struct stamp s;

	s.c = cpu_ns();
	s.w = wall_ns();
	return s;
}

static double since(struct stamp s)
{
	double w = wall_ns(), c = cpu_ns();

	w -= s.w;
	c -= s.c;
	return w < c ? w : c;
}

/* ---- the kernel's algorithm, plainly */

struct kthread_k {
	unsigned long cpus[NW];       /* cpus_mask */
	unsigned long *pref;          /* preferred_affinity or NULL */
	int node;
};

struct kernel {
	unsigned long possible[NW], online[NW], hk[NW], tmp[NW];
	unsigned long node_mask[NODES][NW];   /* cpumask_of_node(): online CPUs */
	unsigned int nr;
	struct kthread_k *kt;
	unsigned long *prefs;         /* the preferences, one block */
	size_t kt_size, prefs_size;
};

/* Gigabytes at T = 1e6: huge pages where the kernel gives them, so that
 * setting up takes page faults per 2 MiB, not per 4 KiB. */
static void *big_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("out of memory", 0);
#ifdef MADV_HUGEPAGE
	(void)madvise(p, size, MADV_HUGEPAGE);
#endif
	return p;
}

static void k_set(unsigned long *m, unsigned int c)
{
	m[c / 64] |= 1UL << (c % 64);
}

static void k_clear(unsigned long *m, unsigned int c)
{
	m[c / 64] &= ~(1UL << (c % 64));
}

/* kthread_fetch_affinity() */
static void k_fetch(struct kernel *k, const struct kthread_k *t, unsigned long *out)
{
	const unsigned long *pref = t->pref ? t->pref : k->node_mask[t->node];

	if (!ref___bitmap_and(out, pref, k->hk, NBITS))
		ref_bitmap_copy(out, k->hk, NBITS);
}

/* set_cpus_allowed_ptr(): 0, or -1 (EINVAL) */
static int k_set_cpus_allowed(struct kernel *k, struct kthread_k *t, const unsigned long *m)
{
	if (ref___bitmap_equal(t->cpus, m, NBITS))
		return 0;
	if (!ref___bitmap_intersects(m, k->online, NBITS))
		return -1;
	ref_bitmap_copy(t->cpus, m, NBITS);
	return 0;
}

/* kthreads_online_cpu(): every managed kthread */
static void k_online(struct kernel *k, unsigned int cpu)
{
	unsigned int i;

	k_set(k->online, cpu);
	k_set(k->node_mask[cpu / PER_NODE], cpu);
	for (i = 0; i < k->nr; i++) {
		k_fetch(k, &k->kt[i], k->tmp);
		(void)k_set_cpus_allowed(k, &k->kt[i], k->tmp);
	}
}

/* no kthread callback at offline */
static void k_offline(struct kernel *k, unsigned int cpu)
{
	k_clear(k->online, cpu);
	k_clear(k->node_mask[cpu / PER_NODE], cpu);
}

/* wake_up_process(): select_fallback_rq() when no CPU of the mask is online */
static void k_wake(struct kernel *k, struct kthread_k *t)
{
	if (!ref___bitmap_intersects(t->cpus, k->online, NBITS))
		ref_bitmap_copy(t->cpus, k->possible, NBITS);
}

static struct kernel *kernel_new(int pop, unsigned int T)
{
	struct kernel *k = calloc(1, sizeof(*k));
	unsigned int c, i;

	if (!k)
		die("out of memory", 0);
	k->kt_size = (size_t)T * sizeof(*k->kt);
	k->kt = big_alloc(k->kt_size);
	if (pop == POP_P) {
		k->prefs_size = (size_t)T * NW * sizeof(unsigned long);
		k->prefs = big_alloc(k->prefs_size);
	}
	for (c = 0; c < NBITS; c++) {
		k_set(k->possible, c);
		k_set(k->online, c);
		k_set(k->node_mask[c / PER_NODE], c);
		if (c < HK_FIRST)
			k_set(k->hk, c);
	}
	k->nr = T;
	for (i = 0; i < T; i++) {
		struct kthread_k *t = &k->kt[i];

		t->node = (int)(i % NODES);
		if (pop == POP_P) {
			t->pref = k->prefs + (size_t)i * NW;
			memcpy(t->pref, k->node_mask[t->node], sizeof(unsigned long) * NW);
		}
		/* prefer forces fetch; a node kthread's first wake sets it */
		k_fetch(k, t, t->cpus);
	}
	return k;
}

static void kernel_free(struct kernel *k)
{
	if (!k)
		return;
	munmap(k->kt, k->kt_size);
	if (k->prefs)
		munmap(k->prefs, k->prefs_size);
	free(k);
}

/* ---- libkaff through the public API */

struct lk {
	struct kaff_ctx *ctx;
	unsigned int nr;
	unsigned int first_id;
};

static void node_cpus(struct kaff_cpumask *m, unsigned int node)
{
	unsigned int c;

	kaff_cpumask_clear(m);
	for (c = node * PER_NODE; c < (node + 1) * PER_NODE; c++)
		kaff_cpumask_set_cpu(c, m);
}

static struct lk *lk_new(int pop, unsigned int T, enum kaff_engine engine)
{
	struct lk *l = calloc(1, sizeof(*l));
	struct kaff_cpumask *m[NODES];
	unsigned int n, i, id;
	int err;

	if (!l || !(l->ctx = kaff_ctx_new(NULL, NBITS, NULL)))
		die("kaff_ctx_new failed", 0);
	for (n = 0; n < NODES; n++) {
		m[n] = kaff_cpumask_alloc(NBITS);
		if (!m[n])
			die("out of memory", 0);
		node_cpus(m[n], n);
		if ((err = kaff_machine_set_node(l->ctx, n, m[n])))
			die("kaff_machine_set_node", err);
	}
	if ((err = kaff_machine_add_boot_param(l->ctx, HK_PARAM)) ||
	    (err = kaff_ctx_set_engine(l->ctx, engine)) ||
	    (err = kaff_machine_boot(l->ctx)))
		die("boot", err);
	for (i = 0; i < T; i++) {
		n = i % NODES;
		err = kaff_kthread_create_on_node(l->ctx, pop == POP_P ? KAFF_NUMA_NO_NODE : (int)n,
						  &id);
		if (!err && pop == POP_P)
			err = kaff_kthread_affine_preferred(l->ctx, id, m[n]);
		if (!err)
			err = kaff_wake_up_process(l->ctx, id);
		if (err)
			die("creating kthreads", err);
		if (i == 0)
			l->first_id = id;
	}
	l->nr = T;
	for (n = 0; n < NODES; n++)
		kaff_cpumask_free(m[n]);
	return l;
}

static void lk_free(struct lk *l)
{
	if (!l)
		return;
	kaff_ctx_free(l->ctx);
	free(l);
}

static void lk_call(int err, const char *what)
{
	if (err)
		die(what, err);
}

/* ---- one implementation behind one interface */

struct impl {
	int kind;                 /* IM_* */
	struct lk *l;
	struct kernel *k;
};

static void do_online(struct impl *im, unsigned int cpu)
{
	if (im->k)
		k_online(im->k, cpu);
	else
		lk_call(kaff_cpu_online(im->l->ctx, cpu), "online");
}

static void do_offline(struct impl *im, unsigned int cpu)
{
	if (im->k)
		k_offline(im->k, cpu);
	else
		lk_call(kaff_cpu_offline(im->l->ctx, cpu), "offline");
}

static void do_wake_all(struct impl *im)
{
	unsigned int i;

	if (im->k) {
		for (i = 0; i < im->k->nr; i++)
			k_wake(im->k, &im->k->kt[i]);
		return;
	}
	for (i = 0; i < im->l->nr; i++)
		lk_call(kaff_wake_up_process(im->l->ctx, im->l->first_id + i), "wake");
}

/* ---- the rows: one sample each */

static double row_a(struct impl *im)
{
	struct stamp s;

	do_offline(im, CPU_A);
	s = stamp();
	do_online(im, CPU_A);
	return since(s);
}

static double row_b(struct impl *im)
{
	static unsigned int turn;   /* bench state, not the library's */
	unsigned int up = turn ? CPU_A : CPU_B, down = turn ? CPU_B : CPU_A;
	struct stamp s;

	turn ^= 1;
	do_offline(im, down);
	s = stamp();
	do_online(im, up);
	return since(s);
}

static double row_c(struct impl *im)
{
	struct stamp s = stamp();
	double t;

	do_offline(im, CPU_A);
	do_wake_all(im);
	t = since(s);
	do_online(im, CPU_A);
	return t;
}

static double row_d(struct impl *im)
{
	struct stamp s = stamp();
	unsigned int c;

	for (c = NODE * PER_NODE; c < (NODE + 1) * PER_NODE; c++)
		do_offline(im, c);
	do_wake_all(im);
	for (c = NODE * PER_NODE; c < (NODE + 1) * PER_NODE; c++)
		do_online(im, c);
	return since(s);
}

static double row_e(struct impl *im)
{
	struct stamp s = stamp();
	unsigned int c;

	/* row B leaves one of CPU_A/CPU_B offline: start from all online */
	for (c = NODE * PER_NODE; c < (NODE + 1) * PER_NODE; c++)
		do_offline(im, c);
	for (c = NODE * PER_NODE; c < (NODE + 1) * PER_NODE; c++)
		do_online(im, c);
	return since(s);
}

struct cell {
	struct bench_stats st;
	double est;                 /* > 0: skipped, estimated time of one sample */
	unsigned int n;
};

#define MAX_SAMPLES 201

static void measure(struct cell *cl, double (*fn)(struct impl *), struct impl *im,
		    double est, double budget_ns)
{
	double v[MAX_SAMPLES], spent = 0;
	unsigned int n = 0, min = est * 3 <= budget_ns ? 3 : 1;

	memset(cl, 0, sizeof(*cl));
	if (est * 1.5 > budget_ns && !bench_long()) {
		cl->est = est;
		return;
	}
	if (est < budget_ns / 8)
		(void)fn(im);   /* warm-up: caches, branch predictors, group merges */
	do {
		double t0 = wall_ns();

		v[n++] = fn(im);
		spent += wall_ns() - t0;
	} while (n < MAX_SAMPLES && (n < min || spent < budget_ns / 10));
	cl->n = n;
	bench_stats_of(v, n, &cl->st);
}

static const char *fmt_cell(char *buf, size_t len, const struct cell *cl)
{
	char t[32];

	if (cl->est > 0)
		snprintf(buf, len, "~%s (est., not run)", bench_fmt_time(t, sizeof(t), cl->est));
	else
		bench_fmt_stats(buf, len, &cl->st);
	return buf;
}

static double cell_med(const struct cell *cl)
{
	return cl->est > 0 ? cl->est : cl->st.med;
}

static const char *fmt_x(char *buf, size_t len, const struct cell *num, const struct cell *den)
{
	double r = cell_med(num) / cell_med(den);

	if (r >= 100)
		snprintf(buf, len, "%s%.0fx", num->est > 0 ? "~" : "", r);
	else
		snprintf(buf, len, "%s%.2fx", num->est > 0 ? "~" : "", r);
	return buf;
}

struct row {
	const char *name;
	int pop;
	double (*fn)(struct impl *);
	unsigned int changed_div;   /* T / changed_div masks change per sample; 0: none */
};

static const struct row rows[] = {
	{ "A online, no change", POP_P, row_a, 0 },
	{ "B online, T/64 change", POP_N, row_b, 64 },
	{ "C offline + wake all", POP_P, row_c, 0 },
	{ "D node down, wake all, up", POP_P, row_d, 0 },
	{ "E node down and up (N)", POP_N, row_e, 0 },
};

#define NR_ROWS (sizeof(rows) / sizeof(rows[0]))

int main(int argc, char **argv)
{
	static const unsigned int dflt[] = { 1000, 10000, 100000, 1000000 };
	unsigned int Ts[16], nT = 0, ti;
	/* KAFF_BENCH_LONG=1 runs the cells over budget, with one sample */
	double budget = (bench_long() ? 6 : bench_budget_s(6)) * 1e9;
	int i;

	if (argc > 1) {
		for (i = 1; i < argc && nT < 16; i++)
			Ts[nT++] = (unsigned int)strtoul(argv[i], NULL, 10);
	} else {
		for (nT = 0; nT < 4; nT++)
			Ts[nT] = dflt[nT];
	}
	bench_pin();
	printf("## CPU hotplug, 8192 CPUs in 64 nodes\n\n");
	bench_print_machine();
	printf("One sample per event (A-C) or sequence (D, E); median (min–max) over "
	       "the samples; each sample the smaller of its wall-clock and CPU-time "
	       "durations. \"vs X\" = X's median / libkaff's median, same run. Cells "
	       "over the budget (%.0f s) are estimated from rows A and C, not run "
	       "(KAFF_BENCH_LONG=1 runs them).\n\n", budget / 1e9);
	printf("| row | T | libkaff | per changed kthread | libkaff reference | "
	       "kernel walk | vs reference | vs kernel walk |\n");
	printf("|---|---|---|---|---|---|---|---|\n");
	fflush(stdout);
	for (ti = 0; ti < nT; ti++) {
		unsigned int T = Ts[ti];
		struct cell cells[NR_ROWS][NR_IM];
		int pop;

		for (pop = POP_P; pop <= POP_N; pop++) {
			struct impl im[NR_IM];
			size_t r;
			int k;

			double t0 = wall_ns();

			im[IM_INC] = (struct impl){ IM_INC, lk_new(pop, T, KAFF_ENGINE_INCREMENTAL), NULL };
			im[IM_REF] = (struct impl){ IM_REF, lk_new(pop, T, KAFF_ENGINE_REFERENCE), NULL };
			im[IM_KERNEL] = (struct impl){ IM_KERNEL, NULL, kernel_new(pop, T) };
			if (getenv("KAFF_BENCH_VERBOSE"))
				fprintf(stderr, "T %u pop %d: setup %.2f s\n", T, pop,
					(wall_ns() - t0) / 1e9);
			for (r = 0; r < NR_ROWS; r++) {
				if (rows[r].pop != pop)
					continue;
				for (k = 0; k < NR_IM; k++) {
					double est = 0;

					/* D and E: 128 onlines (A or B) + the wakes of C */
					if (rows[r].fn == row_d && cells[0][k].n)
						est = 128 * cells[0][k].st.med + cells[2][k].st.med;
					else if (rows[r].fn == row_e && cells[1][k].n)
						est = 128 * cells[1][k].st.med;
					t0 = wall_ns();
					measure(&cells[r][k], rows[r].fn, &im[k], est, budget);
					if (getenv("KAFF_BENCH_VERBOSE"))
						fprintf(stderr, "T %u row %zu %s: %.2f s\n", T, r,
							im_names[k], (wall_ns() - t0) / 1e9);
				}
			}
			for (k = 0; k < NR_IM; k++) {
				lk_free(im[k].l);
				kernel_free(im[k].k);
			}
		}
		for (size_t r = 0; r < NR_ROWS; r++) {
			char b[5][64];
			struct cell *c = cells[r];

			if (rows[r].changed_div)
				snprintf(b[0], sizeof(b[0]), "%.2f ns",
					 cell_med(&c[IM_INC]) / ((double)T / rows[r].changed_div));
			else if (rows[r].fn == row_e)
				snprintf(b[0], sizeof(b[0]), "%.2f ns",
					 cell_med(&c[IM_INC]) / (2.0 * T));
			else
				snprintf(b[0], sizeof(b[0]), "–");
			printf("| %s | %u | %s | %s", rows[r].name, T,
			       fmt_cell(b[1], sizeof(b[1]), &c[IM_INC]), b[0]);
			printf(" | %s | %s", fmt_cell(b[2], sizeof(b[2]), &c[IM_REF]),
			       fmt_cell(b[3], sizeof(b[3]), &c[IM_KERNEL]));
			printf(" | %s", fmt_x(b[4], sizeof(b[4]), &c[IM_REF], &c[IM_INC]));
			printf(" | %s |\n", fmt_x(b[4], sizeof(b[4]), &c[IM_KERNEL], &c[IM_INC]));
		}
		fflush(stdout);
	}
	printf("\nRow B changes T/64 masks per online; D changes T/64 at the wakes and "
	       "T/64 back at the first online; E changes T/64 at each of its 128 "
	       "onlines (2T in all). \"per changed kthread\" divides libkaff's median "
	       "by that count.\n\n");
	return 0;
}
