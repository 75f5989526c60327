/* SPDX-License-Identifier: MIT */
/* Populations (population.c), as the scenario parser and replayer use them. */
#ifndef KAFF_POPULATION_PRIVATE_H
#define KAFF_POPULATION_PRIVATE_H

#include "kaff-private.h"
#include "scenario-private.h"

struct pop_entry {
	const char *comm;
	uint32_t mask;          /* index into the mask pool */
	uint32_t pref;          /* KAFF_CLASS_PREFERRED: pool index; else UINT32_MAX */
	int32_t arg;            /* per-CPU: CPU; node: node; else -1 */
	uint32_t line;
	uint8_t cls;            /* enum kaff_kthread_class */
	bool n, k;              /* PF_NO_SETAFFINITY; child of kthreadd */
};

struct kaff_population {
	struct kaff_allocator alloc;
	struct kaff_scenario *hdr;     /* the header, parsed as a scenario */
	struct kaff_ctx *snap;         /* booted under it */
	char *text;                    /* the census block, names cut in place */
	struct pop_entry *e;
	uint32_t n, cap;
	unsigned long *pool;           /* distinct masks */
	uint32_t nr_masks, cap_masks;
	uint32_t *slots, nr_slots;     /* hash of the pool: index + 1 */
	struct kaff_cpumask *views;    /* one per pool mask, after parsing */
	char rcu_abbr;                 /* rcu_state.abbr: 'p' (rcu_preempt) or 's' */
	bool nocb;                     /* the snapshot offloads RCU callbacks */
};

/* The pool of distinct masks (classify.c). The index of @m, added if
 * new; UINT32_MAX when memory ran out. */
uint32_t kaff__population_mask_add(struct kaff_population *pop, const struct kaff_cpumask *m);
/* A view of pool mask @i (valid until the pool grows). */
struct kaff_cpumask kaff__population_mask(const struct kaff_population *pop, uint32_t i);
/* Boot the snapshot's machine and classify every kthread (classify.c). */
int kaff__population_classify(struct kaff_population *pop);

/* The scenario's header must describe the snapshot's machine: 0, or
 * -EINVAL with @msg; then the kthreads a replay of @sc creates at boot,
 * names of the added ones in *@names (free both with the scenario's
 * allocator). The plan of struct sc_population_ops. */
int kaff__population_plan(const struct kaff_population *pop, const struct kaff_scenario *sc,
			  struct pop_boot_kt **out, uint32_t *nr, char **names, char *msg,
			  size_t len);
/* Whether @ctx (booted) is the snapshot's kernel, boot line and online CPUs. */
bool kaff__population_same(const struct kaff_population *pop, const struct kaff_ctx *ctx);
/* Create one planned kthread in @ctx; @same: give it its snapshot mask. */
int kaff__population_create(const struct kaff_population *pop, struct kaff_ctx *ctx,
			    const struct pop_boot_kt *b, bool same, unsigned int *id);
/* A kthread that wakes by itself (kcompactd's 500 ms timer). */
bool kaff__population_self_waking(const struct kaff_population *pop, const struct pop_boot_kt *b);

#endif /* KAFF_POPULATION_PRIVATE_H */
