/* SPDX-License-Identifier: MIT */
/*
 * Benchmark 5: memory per kthread, at 64 and 8192 CPUs, through the
 * public API with a counting allocator (struct kaff_allocator): the bytes
 * a context holds with T kthreads, minus what the same booted context
 * holds with none, over T. Requested sizes are counted, not malloc's
 * own overhead.
 *
 * Populations (kthread i, node i % nodes; 64 CPUs: 4 nodes of 16, 8192
 * CPUs: 64 nodes of 128):
 *   created      kaff_kthread_create_on_node(), not woken
 *   node         created on its node and woken (masks shared per node)
 *   preferred    no node, preference = its node's CPUs, woken (shared)
 *   distinct     no node, preference = the binary digits of i + 1 over
 *                the first CPUs, woken: every kthread has its own mask
 *                (the worst case: nothing to share)
 *
 * For comparison, "two plain masks" is what a kthread holding cpus_mask
 * and a preference as nr_cpu_ids-bit bitmaps would need for them alone.
 *
 * The kthread table grows by doubling, so between powers of two part of
 * it is slack; at T = 2^20 - 1 (with kthreadd, 2^20 slots) it is full,
 * which shows what one kthread itself costs.
 *
 * Usage: bench-memory [T]   (default 100000; the shared populations also
 * run at 10 T and at 2^20 - 1)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libkaff/kaff.h>

#include "bench.h"

struct counter {
	size_t live, peak, calls;
};

/* a header before each block keeps its size, for free and realloc */
#define HDR 16

static void *c_malloc(void *data, size_t size)
{
	struct counter *c = data;
	char *p = malloc(size + HDR);

	if (!p)
		return NULL;
	memcpy(p, &size, sizeof(size));
	c->live += size;
	c->calls++;
	if (c->live > c->peak)
		c->peak = c->live;
	return p + HDR;
}

static void c_free(void *data, void *ptr)
{
	struct counter *c = data;
	size_t size;

	if (!ptr)
		return;
	memcpy(&size, (char *)ptr - HDR, sizeof(size));
	c->live -= size;
	free((char *)ptr - HDR);
}

static void *c_realloc(void *data, void *ptr, size_t size)
{
	struct counter *c = data;
	size_t old = 0;
	char *p;

	if (ptr)
		memcpy(&old, (char *)ptr - HDR, sizeof(old));
	p = realloc(ptr ? (char *)ptr - HDR : NULL, size + HDR);
	if (!p)
		return NULL;
	memcpy(p, &size, sizeof(size));
	c->live = c->live - old + size;
	c->calls++;
	if (c->live > c->peak)
		c->peak = c->live;
	return p + HDR;
}

enum { POP_CREATED, POP_NODE, POP_PREF, POP_DISTINCT, NR_POPS };

static const char *const pop_names[NR_POPS] = {
	"created, not woken", "node (shared masks)", "preferred (shared masks)",
	"distinct preferences",
};

static void die(const char *what, int err)
{
	fprintf(stderr, "bench-memory: %s (%d)\n", what, err);
	exit(1);
}

static struct kaff_ctx *boot(unsigned int nbits, struct counter *c,
			     struct kaff_cpumask **node_masks, unsigned int nodes)
{
	const struct kaff_allocator a = { c_malloc, c_realloc, c_free, c };
	struct kaff_ctx *ctx = kaff_ctx_new(NULL, nbits, &a);
	unsigned int n, cpu, per = nbits / nodes;
	int err;

	if (!ctx)
		die("kaff_ctx_new", 0);
	for (n = 0; n < nodes; n++) {
		kaff_cpumask_clear(node_masks[n]);
		for (cpu = n * per; cpu < (n + 1) * per; cpu++)
			kaff_cpumask_set_cpu(cpu, node_masks[n]);
		if ((err = kaff_machine_set_node(ctx, n, node_masks[n])))
			die("kaff_machine_set_node", err);
	}
	if ((err = kaff_machine_boot(ctx)))
		die("kaff_machine_boot", err);
	return ctx;
}

/* bytes per kthread for @T kthreads of @pop */
static double per_kthread(unsigned int nbits, int pop, unsigned int T, size_t *total)
{
	const unsigned int nodes = nbits == 64 ? 4 : 64;
	struct kaff_cpumask *nm[64], *pref = kaff_cpumask_alloc(nbits);
	struct counter c = { 0, 0, 0 };
	struct kaff_ctx *ctx;
	size_t base;
	unsigned int i, n, id, b;
	int err = 0;

	for (n = 0; n < nodes; n++)
		if (!(nm[n] = kaff_cpumask_alloc(nbits)))
			die("out of memory", 0);
	if (!pref)
		die("out of memory", 0);
	ctx = boot(nbits, &c, nm, nodes);
	base = c.live;
	for (i = 0; i < T && !err; i++) {
		n = i % nodes;
		err = kaff_kthread_create_on_node(ctx, pop == POP_NODE ? (int)n : KAFF_NUMA_NO_NODE,
						  &id);
		if (err || pop == POP_CREATED)
			continue;
		if (pop == POP_PREF) {
			err = kaff_kthread_affine_preferred(ctx, id, nm[n]);
		} else if (pop == POP_DISTINCT) {
			kaff_cpumask_clear(pref);
			for (b = 0; b < 32 && b < nbits; b++)
				if ((i + 1) >> b & 1)
					kaff_cpumask_set_cpu(b, pref);
			err = kaff_kthread_affine_preferred(ctx, id, pref);
		}
		if (!err)
			err = kaff_wake_up_process(ctx, id);
	}
	if (err)
		die("creating kthreads", err);
	*total = c.live - base;
	kaff_ctx_free(ctx);
	if (c.live)
		die("the context leaked", (int)c.live);
	for (n = 0; n < nodes; n++)
		kaff_cpumask_free(nm[n]);
	kaff_cpumask_free(pref);
	return (double)*total / T;
}

int main(int argc, char **argv)
{
	static const unsigned int widths[] = { 64, 8192 };
	unsigned int T = argc > 1 ? (unsigned int)strtoul(argv[1], NULL, 10) : 100000;
	size_t w;
	int pop;

	if (T < 1)
		die("T must be at least 1", 0);
	printf("## Memory per kthread\n\n");
	bench_print_machine();
	printf("Bytes the context holds per kthread (requested sizes, counted by a "
	       "kaff_allocator; the booted context without kthreads subtracted). "
	       "Exact: no repetition needed.\n\n");
	printf("| population | T | 64 CPUs: bytes/kthread | 8192 CPUs: bytes/kthread |"
	       " two plain masks (64 / 8192 CPUs) |\n");
	printf("|---|---|---|---|---|\n");
	for (pop = 0; pop < NR_POPS; pop++) {
		/* 2^20 - 1 kthreads and kthreadd fill the table's 2^20 slots */
		const unsigned int Ts[3] = { T, 10 * T, (1u << 20) - 1 };
		unsigned int Tp, k;

		for (k = 0; k < (pop == POP_DISTINCT ? 1u : 3u); k++) {
			Tp = Ts[k];
			printf("| %s | %u", pop_names[pop], Tp);
			for (w = 0; w < 2; w++) {
				size_t total;
				double b = per_kthread(widths[w], pop, Tp, &total);

				printf(" | %.1f (%.1f MiB)", b, (double)total / (1024.0 * 1024.0));
			}
			printf(" | %u / %u |\n", 2 * 64 / 8, 2 * 8192 / 8);
			fflush(stdout);
		}
	}
	printf("\n");
	return 0;
}
