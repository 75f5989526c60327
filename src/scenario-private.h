/* SPDX-License-Identifier: MIT */
/* The parsed form of a scenario, shared by scenario.c and replay.c. */
#ifndef KAFF_SCENARIO_PRIVATE_H
#define KAFF_SCENARIO_PRIVATE_H

#include <stdio.h>

#include "kaff-private.h"

#define SC_NONE UINT32_MAX

enum sc_cmd {
	SC_KERNEL, SC_CPUS, SC_NODE, SC_BOOT, SC_BOOT_ONLINE,
	SC_CREATE, SC_CREATE_ON_CPU, SC_BIND, SC_PREFER, SC_WAKE,
	SC_SETAFFINITY, SC_OFFLINE, SC_ONLINE, SC_STOP, SC_ISOLATE,
	SC_SHOW, SC_EXPECT, SC_CENSUS, SC_CREATE_PER_CPU, SC_BIND_MASK
};

struct sc_event {
	enum sc_cmd cmd;
	unsigned int line;
	uint32_t inst;          /* task instance (index into tasks) */
	int32_t num;            /* create: node; bind/create_on_cpu/hotplug: CPU */
	uint32_t mask;          /* index into the mask pool, or SC_NONE */
	const char *text;       /* the argument as written (error lines) */
};

/* One task instance: a create, up to its stop. */
struct sc_task {
	const char *name;
	bool woken, preferred, stopped;  /* followed by the parser */
	bool orphan;            /* a population kthread whose parent is not kthreadd */
	bool ambiguous;         /* a population name more than one kthread has */
};

/* One kthread a population gives a replay at boot: a population entry,
 * or (entry UINT32_MAX) an rcuo kthread the scenario's boot line adds. */
struct pop_boot_kt {
	uint32_t entry;
	const char *name;
	bool orphan;
};

/*
 * What a population does for a scenario (population.c, above this layer:
 * the parser and the replayer call it through these, never directly).
 * @plan: the header is complete: check it against the snapshot's and
 *	list the kthreads made at boot (-EINVAL with @msg, -ENOMEM)
 * @same: whether a booted @ctx is the snapshot's kernel, boot line and
 *	online CPUs
 * @create: make one of them in @ctx (@same: on its snapshot mask)
 * @self_waking: it wakes by itself (kcompactd's 500 ms timer)
 */
struct kaff_scenario;
struct sc_population_ops {
	int (*plan)(const struct kaff_population *pop, const struct kaff_scenario *sc,
		    struct pop_boot_kt **out, uint32_t *nr, char **names, char *msg, size_t len);
	bool (*same)(const struct kaff_population *pop, const struct kaff_ctx *ctx);
	int (*create)(const struct kaff_population *pop, struct kaff_ctx *ctx,
		      const struct pop_boot_kt *b, bool same, unsigned int *id);
	bool (*self_waking)(const struct kaff_population *pop, const struct pop_boot_kt *b);
};

struct sc_node {
	unsigned int id;
	uint32_t mask;
	unsigned int line, col;  /* of its ID, for errors */
};

/* Copies of the words the scenario keeps (names, boot parameters, the
 * arguments error lines print), packed: the lines themselves are not kept. */
#define SC_CHUNK_SIZE 4096u

struct sc_chunk {
	struct sc_chunk *next;
	size_t used, cap;
	char data[];
};

struct kaff_scenario {
	struct kaff_allocator alloc;
	struct sc_chunk *chunks;
	const struct kaff_profile *profile;
	unsigned int cpus;
	struct sc_node *nodes;
	uint32_t nr_nodes, cap_nodes;
	struct sc_boot {
		char *param;
		unsigned int line, col;
	} *boot;
	uint32_t nr_boot, cap_boot;
	uint32_t boot_online;   /* pool index or SC_NONE (all) */
	unsigned int boot_online_line, boot_online_col;
	struct sc_event *events;
	uint32_t nr_events, cap_events;
	struct sc_task *tasks;
	uint32_t nr_tasks, cap_tasks;
	unsigned long *pool;    /* parsed masks, KAFF_BITS_TO_LONGS(cpus) words each */
	uint32_t nr_masks, cap_masks;
	struct kaff_cpumask *scratch_mask;
	/* With a population: the kthreads it makes at boot are task
	 * instances 0 .. nr_boot_kts-1. */
	const struct kaff_population *pop;
	const struct sc_population_ops *pop_ops;
	struct pop_boot_kt *boot_kts;
	uint32_t nr_boot_kts;
	char *boot_kt_names;
};

static inline unsigned long *sc_mask_words(const struct kaff_scenario *sc, uint32_t idx)
{
	return sc->pool + (size_t)idx * kaff__mask_words(sc->cpus);
}

static inline unsigned int sc_nr_nodes(const struct kaff_scenario *sc)
{
	return sc->nr_nodes ? sc->nr_nodes : 1;
}

/* ---- the parser (scenario.c reads lines, scenario-line.c reads words) ---- */

#define MAX_TOKENS 8

struct token {
	char *s;
	unsigned int col;
};

/* A header line read before the `cpus` line, waiting for it. */
struct sc_deferred {
	unsigned int line, ntok;
	struct token tok[MAX_TOKENS];
};

struct parser {
	struct kaff_scenario *sc;
	struct kaff_scenario_error *err;
	bool failed;
	bool nomem;
	/* header state */
	bool seen_event, seen_kernel, seen_cpus;
	bool cpus_known;        /* the first `cpus` line (or the first event) was read */
	unsigned int first_event_line;
	unsigned int last_node_line, last_node_col;
	struct kaff_cpumask *scratch;
	struct sc_deferred *deferred;
	uint32_t nr_deferred, cap_deferred;
	/* name -> newest task instance + 1 (0: free slot), open addressing;
	 * each slot is {hash, instance + 1} */
	uint32_t (*names)[2];
	uint32_t names_cap, names_used;
	/* words as error messages show them (see shown()) */
	char shown[2][64];
	unsigned int shown_next;
};

/* The first error wins; later calls do nothing. */
void kaff__sc_fail(struct parser *p, unsigned int line, unsigned int col, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;
/* One line, without its '\n' and comment, NUL-terminated; changed in place. */
void kaff__sc_parse_line(struct parser *p, char *s, unsigned int line);
/* Check the header lines still waiting for a `cpus` line (there is none). */
void kaff__sc_flush(struct parser *p);
/* The header is complete: nodes dense and covering every CPU. */
void kaff__sc_header_done(struct parser *p, unsigned int line);
const char *kaff__sc_cmd_word(enum sc_cmd cmd);

/* scenario-word.c: the words of a line. Each failure is reported with
 * kaff__sc_fail() (or sets p->nomem) and returns false / SC_NONE. */
/* A word as messages show it: \xNN for bytes outside printable ASCII, cut
 * after 40 characters; two buffers, so one message may show two words. */
const char *kaff__sc_shown(struct parser *p, const char *s);
/* *@arr with room for @need elements of @elem bytes. */
bool kaff__sc_grow(struct parser *p, void **arr, uint32_t *cap, uint32_t need, size_t elem);
/* A copy of @s that lives as long as the scenario. */
char *kaff__sc_keep(struct parser *p, const char *s);
bool kaff__sc_all_digits(const char *s);
/* A decimal number without sign, at most @max. */
bool kaff__sc_parse_num(const char *s, unsigned long max, unsigned long *out);
/* A LIST (or "-" when @dash_ok) into p->scratch and the mask pool: its index. */
uint32_t kaff__sc_parse_list(struct parser *p, unsigned int line, const struct token *t,
			     bool dash_ok);
bool kaff__sc_parse_cpu(struct parser *p, unsigned int line, const struct token *t,
			unsigned int *cpu);
/* A live task named by @t, or a new one (its name free). */
bool kaff__sc_task_ref(struct parser *p, unsigned int line, const struct token *t, uint32_t *inst);
bool kaff__sc_task_new(struct parser *p, unsigned int line, const struct token *t, uint32_t *inst);
/* With a population: the header is complete; its kthreads become the
 * first tasks (replay.c makes them at boot); a name several of them
 * share cannot be an event's. */
void kaff__sc_seed_population(struct parser *p, unsigned int line);

/* A replay in progress (replay.c): tests and tools step through it. */
struct kaff_replay {
	const struct kaff_scenario *sc;
	struct kaff_replay_ops ops;
	struct kaff_ctx *ctx;
	uint32_t next;          /* next event (public stepping API) */
	unsigned int *ids;      /* task instance -> kthread id */
	char *buf;              /* one trace line */
	size_t cap;
	unsigned long shows;
	unsigned long censuses;
};

int kaff__replay_init(struct kaff_replay *r, const struct kaff_scenario *sc,
		      const struct kaff_replay_ops *ops);
/* Event @i; on -ENOMEM the context is as before the event. */
int kaff__replay_step(struct kaff_replay *r, uint32_t i, struct kaff_replay_result *res);
void kaff__replay_fini(struct kaff_replay *r);
/* The census event (census.c). */
int kaff__census(struct kaff_replay *r);

/* kaff_scenario_parse() and kaff_scenario_parse_file() with a
 * population (population.c), or without (@pop NULL). */
int kaff__scenario_parse(const char *text, size_t len, const struct kaff_population *pop,
			 const struct sc_population_ops *ops, const struct kaff_allocator *alloc,
			 struct kaff_scenario **out, struct kaff_scenario_error *err);
int kaff__scenario_parse_file(FILE *f, const struct kaff_population *pop,
			      const struct sc_population_ops *ops, const struct kaff_allocator *alloc,
			      struct kaff_scenario **out, struct kaff_scenario_error *err);

/* A booted context for the scenario's header under @profile. */
int kaff__scenario_boot(const struct kaff_scenario *sc, const struct kaff_profile *profile,
			const struct kaff_replay_ops *ops, struct kaff_ctx **out);

#endif /* KAFF_SCENARIO_PRIVATE_H */
