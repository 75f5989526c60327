/* SPDX-License-Identifier: MIT */
/* The parsed form of a scenario, shared by scenario.c and replay.c. */
#ifndef KAFF_SCENARIO_PRIVATE_H
#define KAFF_SCENARIO_PRIVATE_H

#include "kaff-private.h"

#define SC_NONE UINT32_MAX

enum sc_cmd {
	SC_KERNEL, SC_CPUS, SC_NODE, SC_BOOT, SC_BOOT_ONLINE,
	SC_CREATE, SC_CREATE_ON_CPU, SC_BIND, SC_PREFER, SC_WAKE,
	SC_SETAFFINITY, SC_OFFLINE, SC_ONLINE, SC_STOP, SC_ISOLATE,
	SC_SHOW, SC_EXPECT
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
};

struct sc_node {
	unsigned int id;
	uint32_t mask;
	unsigned int line, col;  /* of its ID, for errors */
};

struct kaff_scenario {
	struct kaff_allocator alloc;
	char *text;             /* the file, tokens NUL-terminated in place */
	size_t len;
	const struct kaff_profile *profile;
	unsigned int cpus;
	struct sc_node *nodes;
	uint32_t nr_nodes, cap_nodes;
	char **boot;
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
};

static inline unsigned long *sc_mask_words(const struct kaff_scenario *sc, uint32_t idx)
{
	return sc->pool + (size_t)idx * kaff__mask_words(sc->cpus);
}

static inline unsigned int sc_nr_nodes(const struct kaff_scenario *sc)
{
	return sc->nr_nodes ? sc->nr_nodes : 1;
}

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
};

int kaff__replay_init(struct kaff_replay *r, const struct kaff_scenario *sc,
		      const struct kaff_replay_ops *ops);
/* Event @i; on -ENOMEM the context is as before the event. */
int kaff__replay_step(struct kaff_replay *r, uint32_t i, struct kaff_replay_result *res);
void kaff__replay_fini(struct kaff_replay *r);

/* A booted context for the scenario's header under @profile. */
int kaff__scenario_boot(const struct kaff_scenario *sc, const struct kaff_profile *profile,
			const struct kaff_replay_ops *ops, struct kaff_ctx **out);

#endif /* KAFF_SCENARIO_PRIVATE_H */
