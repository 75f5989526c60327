/* SPDX-License-Identifier: MIT */
/*
 * Benchmark 2: cpulist parse and print, against hwloc's
 * hwloc_bitmap_list_sscanf() / hwloc_bitmap_list_snprintf() when built
 * with hwloc. Each row parses one string into a mask of NBITS CPUs, then
 * prints that mask back. hwloc has no group syntax (START-END:USED/GROUP),
 * so it parses nothing in that row; it prints the same mask.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libkaff/kaff.h>

#ifdef KAFF_BENCH_HWLOC
#include <hwloc.h>
#endif

#include "bench.h"

#define OUT_LEN (64 * 1024)

struct input {
	const char *name;
	unsigned int nbits;
	char *text;
	bool group;              /* hwloc cannot parse it */
	struct kaff_cpumask *m;
	char *out;
#ifdef KAFF_BENCH_HWLOC
	hwloc_bitmap_t h;
#endif
};

static void die(const char *what)
{
	fprintf(stderr, "bench-cpulist: %s\n", what);
	exit(1);
}

static void k_parse(void *arg, uint64_t n)
{
	struct input *in = arg;
	uint64_t i;

	for (i = 0; i < n; i++)
		bench_keep(kaff_cpulist_parse(in->text, in->m));
}

static void k_print(void *arg, uint64_t n)
{
	struct input *in = arg;
	uint64_t i;

	for (i = 0; i < n; i++)
		bench_keep(kaff_cpulist_snprint(in->out, OUT_LEN, in->m));
}

#ifdef KAFF_BENCH_HWLOC
static void h_parse(void *arg, uint64_t n)
{
	struct input *in = arg;
	uint64_t i;

	for (i = 0; i < n; i++)
		bench_keep(hwloc_bitmap_list_sscanf(in->h, in->text));
}

static void h_print(void *arg, uint64_t n)
{
	struct input *in = arg;
	uint64_t i;

	for (i = 0; i < n; i++)
		bench_keep(hwloc_bitmap_list_snprintf(in->out, OUT_LEN, in->h));
}
#endif

static char *xstrdup(const char *s)
{
	char *p = malloc(strlen(s) + 1);

	if (!p)
		die("out of memory");
	return strcpy(p, s);
}

/* "0,2,4,...,8190" */
static char *sparse_list(unsigned int nbits)
{
	char *s = malloc(8 * nbits), *p = s;
	unsigned int c;

	if (!s)
		die("out of memory");
	for (c = 0; c < nbits; c += 2)
		p += sprintf(p, c ? ",%u" : "%u", c);
	return s;
}

static void input_init(struct input *in, const char *name, unsigned int nbits,
		       char *text, bool group)
{
	char *check;

	in->name = name;
	in->nbits = nbits;
	in->text = text;
	in->group = group;
	in->m = kaff_cpumask_alloc(nbits);
	in->out = malloc(OUT_LEN);
	check = malloc(OUT_LEN);
	if (!in->m || !in->out || !check)
		die("out of memory");
	if (kaff_cpulist_parse(text, in->m))
		die("kaff_cpulist_parse failed");
	kaff_cpulist_snprint(in->out, OUT_LEN, in->m);
#ifdef KAFF_BENCH_HWLOC
	in->h = hwloc_bitmap_alloc();
	if (!in->h)
		die("out of memory");
	/* hwloc parses the list; for the group row, the equivalent plain list */
	if (hwloc_bitmap_list_sscanf(in->h, group ? in->out : text) < 0)
		die("hwloc_bitmap_list_sscanf failed");
	hwloc_bitmap_list_snprintf(check, OUT_LEN, in->h);
	if (strcmp(check, in->out))
		die("libkaff and hwloc disagree");
#endif
	free(check);
}

static void input_fini(struct input *in)
{
	kaff_cpumask_free(in->m);
	free(in->out);
	free(in->text);
#ifdef KAFF_BENCH_HWLOC
	hwloc_bitmap_free(in->h);
#endif
}

static const char *short_text(const char *s, char *buf, size_t len)
{
	if (strlen(s) < 40)
		return s;
	snprintf(buf, len, "%.20s… (%zu chars)", s, strlen(s));
	return buf;
}

int main(void)
{
	struct input in[9];
	size_t nin = 0, i;
	unsigned int reps = bench_reps(15);
	double *ns = malloc(4 * (size_t)reps * sizeof(double));
	char b[6][96];

	if (!ns)
		die("out of memory");
	bench_pin();
	input_init(&in[nin++], "dense", 8192, xstrdup("0-8191"), false);
	input_init(&in[nin++], "sparse", 8192, sparse_list(8192), false);
	input_init(&in[nin++], "mixed", 8192, xstrdup("0-3,8-11,64-127,4096-8191"), false);
	input_init(&in[nin++], "group", 8192, xstrdup("0-8191:2/4"), true);
	input_init(&in[nin++], "group, wide", 8192, xstrdup("0-8191:3/128"), true);
	input_init(&in[nin++], "short", 8192, xstrdup("5"), false);
	input_init(&in[nin++], "short", 8192, xstrdup("0-3,8"), false);
	input_init(&in[nin++], "short, 64 CPUs", 64, xstrdup("0-3,8"), false);
	input_init(&in[nin++], "sparse, 64 CPUs", 64, sparse_list(64), false);

	printf("## cpulist parse and print\n\n");
	bench_print_machine();
	printf("Per call, median over %u repetitions (min–max); \"x hwloc\" is how many "
	       "times faster libkaff is than hwloc in the same repetition.%s\n\n", reps,
#ifdef KAFF_BENCH_HWLOC
	       " hwloc has no group syntax: it parses nothing in the group rows."
#else
	       " hwloc: not built (libhwloc-dev missing), columns skipped."
#endif
	       );
	printf("| input | CPUs | parse: libkaff | ns/char | hwloc | x hwloc |"
	       " print: libkaff | ns/char out | hwloc | x hwloc |\n");
	printf("|---|---|---|---|---|---|---|---|---|---|\n");
	for (i = 0; i < nin; i++) {
		struct bench_variant v[4] = {
			{ k_parse, &in[i], 0, ns, { 0, 0, 0 } },
			{ k_print, &in[i], 0, ns + reps, { 0, 0, 0 } },
#ifdef KAFF_BENCH_HWLOC
			{ h_parse, &in[i], 0, ns + 2 * reps, { 0, 0, 0 } },
			{ h_print, &in[i], 0, ns + 3 * reps, { 0, 0, 0 } },
#endif
		};
		size_t nv = 2;
		struct bench_stats sp, sq;
		size_t len = strlen(in[i].text), olen;

#ifdef KAFF_BENCH_HWLOC
		nv = 4;
		if (in[i].group) {
			/* drop h_parse: move h_print into its slot */
			v[2] = v[3];
			nv = 3;
		}
#endif
		bench_measure(v, nv, reps, 0);
		olen = kaff_cpulist_snprint(in[i].out, OUT_LEN, in[i].m);
		printf("| %s `%s` | %u | %s | %.2f", in[i].name,
		       short_text(in[i].text, b[0], sizeof(b[0])), in[i].nbits,
		       bench_fmt_stats(b[1], sizeof(b[1]), &v[0].st), v[0].st.med / (double)len);
#ifdef KAFF_BENCH_HWLOC
		if (in[i].group) {
			bench_speedup(v, 1, 2, reps, &sq);
			printf(" | – | – | %s | %.2f | %s | %s |\n",
			       bench_fmt_stats(b[2], sizeof(b[2]), &v[1].st),
			       v[1].st.med / (double)olen,
			       bench_fmt_stats(b[3], sizeof(b[3]), &v[2].st),
			       bench_fmt_ratio(b[4], sizeof(b[4]), &sq));
		} else {
			bench_speedup(v, 0, 2, reps, &sp);
			bench_speedup(v, 1, 3, reps, &sq);
			printf(" | %s | %s | %s | %.2f | %s | %s |\n",
			       bench_fmt_stats(b[2], sizeof(b[2]), &v[2].st),
			       bench_fmt_ratio(b[3], sizeof(b[3]), &sp),
			       bench_fmt_stats(b[4], sizeof(b[4]), &v[1].st),
			       v[1].st.med / (double)olen,
			       bench_fmt_stats(b[5], sizeof(b[5]), &v[3].st),
			       bench_fmt_ratio(b[0], sizeof(b[0]), &sq));
		}
#else
		(void)sp;
		(void)sq;
		printf(" | – | – | %s | %.2f | – | – |\n",
		       bench_fmt_stats(b[2], sizeof(b[2]), &v[1].st),
		       v[1].st.med / (double)olen);
#endif
		fflush(stdout);
	}
	printf("\n");
	for (i = 0; i < nin; i++)
		input_fini(&in[i]);
	free(ns);
	return 0;
}
