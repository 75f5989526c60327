/* SPDX-License-Identifier: MIT */
/*
 * Generate a scenario for the replay benchmark: a random but valid mix of
 * events on CPUS CPUs (in nodes of CPUS/2 up to 16 CPUs, else of 128), with
 * nohz_full= on the last node's last CPUs, under the 6.14 rules.
 *
 * Usage: gen-scenario CPUS EVENTS SEED OUT.scn
 *
 * The mix (of events that can be made at that point): create 10 %,
 * prefer 10 %, wake 25 %, setaffinity 10 %, offline 15 %, online 15 %,
 * bind 3 %, stop 7 %, create_on_cpu 5 %; a `show` every 100,000 events.
 * At most 256 live tasks at a time; at most half the CPUs offline.
 * Every rule the parser checks is kept (live names, one `prefer` before
 * the first wake), so the file replays from start to end.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LIVE 256

struct task {
	bool live, woken, preferred;
	unsigned int name;   /* tN */
};

static uint64_t seed;

static uint64_t rnd(void)
{
	uint64_t x = seed;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	seed = x;
	return x * UINT64_C(2685821657736338717);
}

static unsigned int below(unsigned int n)
{
	return (unsigned int)(rnd() % n);
}

static unsigned int cpus, per_node, nodes;
static bool *online;
static unsigned int nr_offline;

/* a list: one CPU, a range, a node, or two ranges */
static void put_list(FILE *f)
{
	unsigned int a = below(cpus), b, n;

	switch (below(4)) {
	case 0:
		fprintf(f, "%u", a);
		break;
	case 1:
		b = a + below(cpus - a < 64 ? cpus - a : 64);
		fprintf(f, "%u-%u", a, b);
		break;
	case 2:
		n = below(nodes);
		fprintf(f, "%u-%u", n * per_node, (n + 1) * per_node - 1);
		break;
	default:
		b = below(cpus);
		if (a > b) {
			n = a;
			a = b;
			b = n;
		}
		if (a == b)
			fprintf(f, "%u", a);
		else
			fprintf(f, "%u,%u", a, b);
		break;
	}
}

int main(int argc, char **argv)
{
	struct task t[MAX_LIVE];
	unsigned long events, e;
	unsigned int next_name = 0, live = 0, i, n;
	FILE *f;

	if (argc != 5) {
		fprintf(stderr, "usage: gen-scenario CPUS EVENTS SEED OUT.scn\n");
		return 2;
	}
	cpus = (unsigned int)strtoul(argv[1], NULL, 10);
	events = strtoul(argv[2], NULL, 10);
	seed = strtoull(argv[3], NULL, 10) * 0x9e3779b97f4a7c15ull + 1;
	if (cpus < 4 || cpus > 8192) {
		fprintf(stderr, "gen-scenario: CPUS must be 4 .. 8192\n");
		return 2;
	}
	f = fopen(argv[4], "w");
	online = calloc(cpus, sizeof(*online));
	if (!f || !online) {
		perror("gen-scenario");
		return 1;
	}
	per_node = cpus <= 16 ? cpus / 2 : 128;
	if (cpus % per_node)
		per_node = cpus;
	nodes = cpus / per_node;
	memset(t, 0, sizeof(t));
	for (i = 0; i < cpus; i++)
		online[i] = true;

	fprintf(f, "# generated: gen-scenario %u %lu %s\nkernel 6.14\ncpus %u\n", cpus, events,
		argv[3], cpus);
	for (n = 0; n < nodes; n++)
		fprintf(f, "node %u %u-%u\n", n, n * per_node, (n + 1) * per_node - 1);
	fprintf(f, "boot nohz_full=%u-%u\n\n", cpus - (per_node > 4 ? per_node / 4 : 1), cpus - 1);

	for (e = 0; e < events;) {
		unsigned int r = below(100), k = below(MAX_LIVE), cpu;
		struct task *x = &t[k];

		if (e && e % 100000 == 0) {
			fprintf(f, "show\n");
			e++;
			continue;
		}
		if (live < 16 || r < 10 || (r >= 95 && !x->live)) {
			/* create, in slot k if free, else the first free slot */
			if (live == MAX_LIVE)
				continue;
			for (i = 0; t[(k + i) % MAX_LIVE].live; i++)
				;
			x = &t[(k + i) % MAX_LIVE];
			x->live = true;
			x->woken = x->preferred = false;
			x->name = next_name++;
			live++;
			if (r >= 95)
				fprintf(f, "create_on_cpu t%u %u\n", x->name, below(cpus));
			else if (below(2))
				fprintf(f, "create t%u node=%u\n", x->name, below(nodes));
			else
				fprintf(f, "create t%u\n", x->name);
			e++;
			continue;
		}
		if (!x->live)
			continue;
		if (r < 20) {
			if (x->preferred && !x->woken)
				continue;
			fprintf(f, "prefer t%u ", x->name);
			put_list(f);
			fputc('\n', f);
			x->preferred = true;
		} else if (r < 45) {
			fprintf(f, "wake t%u\n", x->name);
			x->woken = true;
		} else if (r < 55) {
			fprintf(f, "setaffinity t%u ", x->name);
			put_list(f);
			fputc('\n', f);
		} else if (r < 70) {
			cpu = 1 + below(cpus - 1);
			if (!online[cpu] || nr_offline >= cpus / 2)
				continue;
			fprintf(f, "offline %u\n", cpu);
			online[cpu] = false;
			nr_offline++;
		} else if (r < 85) {
			cpu = 1 + below(cpus - 1);
			if (online[cpu])
				continue;
			fprintf(f, "online %u\n", cpu);
			online[cpu] = true;
			nr_offline--;
		} else if (r < 88) {
			fprintf(f, "bind t%u %u\n", x->name, below(cpus));
		} else {
			fprintf(f, "stop t%u\n", x->name);
			x->live = false;
			live--;
		}
		e++;
	}
	if (fclose(f)) {
		perror("gen-scenario");
		return 1;
	}
	free(online);
	return 0;
}
