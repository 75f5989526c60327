/* SPDX-License-Identifier: MIT */
/* libkaff internals: shared by the src/ files and the white-box tests. */
#ifndef KAFF_PRIVATE_H
#define KAFF_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <libkaff/kaff.h>

#define KAFF_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- allocation (alloc.c): every context allocation goes through here */

void *kaff__malloc(const struct kaff_allocator *a, size_t size);
void *kaff__zalloc(const struct kaff_allocator *a, size_t size);
/* On failure returns NULL and leaves @ptr as it was. */
void *kaff__realloc(const struct kaff_allocator *a, void *ptr, size_t old_size,
		    size_t size);
void kaff__free(const struct kaff_allocator *a, void *ptr);
void kaff__allocator_init(struct kaff_allocator *dst, const struct kaff_allocator *src);

/* ---- cpumask helpers */

static inline size_t kaff__mask_words(unsigned int nbits)
{
	return KAFF_BITS_TO_LONGS(nbits);
}

static inline size_t kaff__mask_bytes(unsigned int nbits)
{
	return kaff__mask_words(nbits) * sizeof(unsigned long);
}

/* ---- interned masks (imask.c)
 *
 * Every mask a kthread holds (cpus_mask, preferred_affinity,
 * user_cpus_ptr) is an immutable, reference-counted, hash-consed entry:
 * equal masks share one entry, so a million kthreads on a few masks cost
 * a few masks, and comparing two held masks is a pointer comparison.
 */
struct kaff_imask {
	struct kaff_imask *hnext;      /* hash chain */
	uint32_t refs;
	uint32_t hash;
	struct kaff_cpumask mask;      /* .bits points at words[] */
	unsigned long words[];
};

struct kaff_imask_table {
	struct kaff_imask **buckets;
	size_t nbuckets;               /* power of two */
	size_t count;
	unsigned int nbits;
};

int kaff__imask_table_init(struct kaff_ctx *ctx);
void kaff__imask_table_fini(struct kaff_ctx *ctx);
/* A reference to the entry equal to @m; NULL on allocation failure. */
struct kaff_imask *kaff__imask_get(struct kaff_ctx *ctx, const struct kaff_cpumask *m);
static inline struct kaff_imask *kaff__imask_ref(struct kaff_imask *im)
{
	im->refs++;
	return im;
}
void kaff__imask_put(struct kaff_ctx *ctx, struct kaff_imask *im);

/* ---- kthreads */

enum {
	KT_LIVE = 1u << 8,             /* slot holds a kthread (not stopped) */
};

/*
 * A kthread. An unlisted one owns its masks (cpus, user). A kthread on
 * the managed list belongs to a group instead, which holds its masks and
 * class, so that one group update changes all its members at once.
 * 64 bytes, whatever nr_cpu_ids is.
 */
struct kaff_kthread {
	struct kaff_imask *cpus;       /* unlisted: cpus_mask */
	struct kaff_imask *user;       /* unlisted: user_cpus_ptr or NULL */
	struct kaff_group *grp;        /* listed: its group */
	int32_t node;                  /* KAFF_NUMA_NO_NODE or a node */
	int32_t cpu;                   /* kthread->cpu or -1 */
	uint32_t flags;                /* enum kaff_kthread_flags | KT_* */
	uint32_t live_prev, live_next; /* creation order */
	/* managed list in insertion order; per-CPU kthreads, never on it,
	 * use the same links for the per-CPU chain (smpboot's thread list) */
	uint32_t list_prev, list_next;
	uint32_t grp_prev, grp_next;   /* members of the group */
};

/*
 * Listed kthreads in one state: same class (preference, or node when
 * there is none), same user request, same cpus_mask, same kind (a bound
 * or per-CPU kthread on the list only ever fails the update). What the
 * update does to a kthread depends on nothing else, so the incremental
 * engine computes it once per group. @want caches the last result
 * (set_cpus_allowed_ptr(fetch) through the user filter) and @state says
 * whether it was applied (SETTLED), could not be (STUCK: no online CPU)
 * or is due at the next update (RESOLVABLE).
 */
enum { GS_SETTLED, GS_RESOLVABLE, GS_STUCK };

struct kaff_group {
	struct kaff_group *hnext;          /* hash chain by key */
	struct kaff_group *aprev, *anext;  /* every group */
	struct kaff_group *nprev, *nnext;  /* groups of one node class */
	struct kaff_group *sprev, *snext;  /* resolvable or stuck list */
	struct kaff_group *tnext;          /* touched by the current event */
	struct kaff_imask *pref, *user, *cpus, *want;
	int32_t node;                      /* class node (NUMA_NO_NODE with pref) */
	uint32_t hash;
	uint32_t nr, head;                 /* members */
	uint32_t stamp;                    /* last update that looked at it */
	uint8_t bad, state, touched;
};

/* One step of a multi-kthread event, with what it replaced (undo log). */
enum { OP_GROUP, OP_MOVE, OP_KT };

struct kaff_op {
	uint8_t type, applied, new_state, old_state;
	uint32_t id;                       /* OP_MOVE, OP_KT */
	uint32_t new_flags, old_flags;     /* OP_KT */
	struct kaff_group *g, *to;         /* OP_GROUP: g; OP_MOVE: g -> to */
	struct kaff_imask *new_cpus, *old_cpus;
	struct kaff_imask *new_want, *old_want;   /* OP_GROUP */
	struct kaff_imask *new_user, *old_user;   /* OP_KT */
};

enum kaff_engine_mode { ENGINE_INCREMENTAL, ENGINE_REFERENCE };

struct kaff_ctx {
	struct kaff_allocator alloc;
	const struct kaff_profile *profile;
	void (*log_fn)(void *data, const char *line);
	void *log_data;
	bool booted;

	unsigned int nr_cpu_ids;
	struct kaff_cpumask *possible;
	struct kaff_cpumask *online;
	struct kaff_cpumask *boot_online;

	unsigned int nr_nodes;         /* node IDs 0 .. nr_nodes-1 */
	struct kaff_cpumask **node_cpus;  /* static CPUs of each node */
	int32_t *cpu_node;             /* nr_cpu_ids entries, -1 = none yet */

	/* boot parameters, kept as given until kaff_machine_boot() */
	char **boot_params;
	unsigned int nr_boot_params;

	/* housekeeping (housekeeping.c) */
	unsigned int hk_flags;                       /* BIT(enum kaff_hk_type) */
	struct kaff_cpumask *hk[KAFF_HK_TYPE_MAX];   /* valid when the flag is set */
	struct kaff_cpumask *boot_isolated;          /* possible \ hk(DOMAIN_BOOT) */
	struct kaff_cpumask *cpuset_isolated;        /* isolated partition CPUs */

	struct kaff_imask_table imasks;

	/* kthread table: slot 0 is kthreadd; ids are slot numbers */
	struct kaff_kthread *kt;
	uint32_t nr_kt, cap_kt;
	uint32_t live_head, live_tail, nr_live;
	uint32_t list_head, list_tail;
	uint32_t nr_bad;               /* listed bound/per-CPU kthreads */
	int engine;                    /* enum kaff_engine_mode */

	/* groups (group.c) */
	struct kaff_group **gbuckets;
	size_t ngbuckets, ngroups;
	struct kaff_group *groups;         /* all of them */
	struct kaff_group **node_groups;   /* nr_nodes lists */
	struct kaff_group *resolvable, *stuck;
	struct kaff_group *touched;
	uint32_t stamp;
	/* nodes that lost a CPU since the last update (their groups' targets
	 * may be stale) */
	uint8_t *node_dirty;
	uint32_t *dirty_nodes;
	uint32_t nr_dirty;
	bool clear_dirty;

	/* the current multi-kthread event */
	struct kaff_op *ops;
	uint32_t nr_ops, cap_ops, stage_start;
	/* 7.x: a partition invalidated by CPU hotplug; its
	 * kthreads_update_housekeeping() runs later (cpuset's hk_sd_work). */
	bool hk_update_deferred;
	uint32_t nr_per_cpu;           /* live per-CPU (smpboot) kthreads */
	uint32_t per_cpu_head;         /* their chain, newest first */

	struct kaff_cpumask *empty;    /* always empty */
	/* Scratch masks, so that events allocate nothing but interned masks.
	 * 0-1: kthread engine and boot parsing; 2-3: group evaluation;
	 * 4-7: cpuset partitions. */
	struct kaff_cpumask *tmp[8];
};

#define KAFF_NONE KAFF_KTHREAD_NONE

static inline struct kaff_kthread *kaff__kt(const struct kaff_ctx *ctx, unsigned int id)
{
	if (id >= ctx->nr_kt || !(ctx->kt[id].flags & KT_LIVE))
		return NULL;
	return &ctx->kt[id];
}

/* ---- logging */
void kaff__log(const struct kaff_ctx *ctx, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* ---- housekeeping.c */
void kaff__housekeeping_reset(struct kaff_ctx *ctx);
/* Parse the boot parameters into the housekeeping masks (boot time). */
void kaff__housekeeping_setup(struct kaff_ctx *ctx);
const struct kaff_cpumask *kaff__hk(const struct kaff_ctx *ctx, enum kaff_hk_type type);
bool kaff__boot_param_valid_name(const char *param);
void kaff__cpuset_hotplug(struct kaff_ctx *ctx);

/* ---- kthread.c */
/* kthread_fetch_affinity() for a class: a preference, else a node */
void kaff__fetch_class(const struct kaff_ctx *ctx, const struct kaff_imask *pref, int node,
		       struct kaff_cpumask *out);
int kaff__kthreadd_boot(struct kaff_ctx *ctx);
void kaff__smpboot_park(struct kaff_ctx *ctx, unsigned int cpu);
void kaff__kthread_table_fini(struct kaff_ctx *ctx);
/* The masks of a kthread, listed or not. */
struct kaff_imask *kaff__kt_cpus(const struct kaff_kthread *k);
struct kaff_imask *kaff__kt_user(const struct kaff_kthread *k);
struct kaff_imask *kaff__kt_pref(const struct kaff_kthread *k);

/*
 * Multi-kthread events (CPU online, housekeeping updates) run in stages:
 * each prepare_* computes its changes and allocates (may fail with
 * -ENOMEM), stage_commit applies them and keeps what they replaced, and
 * the event ends with event_end, or with event_abort, which undoes every
 * committed stage: a refused event changes nothing.
 */
void kaff__event_begin(struct kaff_ctx *ctx);
void kaff__stage_commit(struct kaff_ctx *ctx);
void kaff__event_abort(struct kaff_ctx *ctx);
void kaff__event_end(struct kaff_ctx *ctx);
int kaff__prepare_unpark(struct kaff_ctx *ctx, unsigned int cpu);
/* kthreads_update_affinity(force); @cpu: the CPU coming up (not force) */
int kaff__prepare_update_affinity(struct kaff_ctx *ctx, bool force, unsigned int cpu,
				  bool *callback_failed);
/* The deferred housekeeping update, if one is due (7.x): as a stage, or
 * as an event of its own. */
int kaff__prepare_deferred_update(struct kaff_ctx *ctx);
int kaff__run_deferred_update(struct kaff_ctx *ctx);

/* ---- group.c */
int kaff__groups_init(struct kaff_ctx *ctx);
void kaff__groups_fini(struct kaff_ctx *ctx);
/* The group for a key, created (and evaluated) if missing. */
int kaff__group_get(struct kaff_ctx *ctx, struct kaff_imask *pref, int node,
		    struct kaff_imask *user, struct kaff_imask *cpus, bool bad,
		    struct kaff_group **out);
void kaff__group_add_member(struct kaff_ctx *ctx, struct kaff_group *g, uint32_t id);
void kaff__group_del_member(struct kaff_ctx *ctx, struct kaff_group *g, uint32_t id);
/* Evaluate the update for a group whose mask is @cur: the result in
 * @want (filtered target) and the state it leads to. */
int kaff__group_eval(const struct kaff_ctx *ctx, const struct kaff_imask *pref, int node,
		     const struct kaff_imask *user, const struct kaff_cpumask *cur,
		     struct kaff_cpumask *want);
void kaff__group_set_cpus(struct kaff_ctx *ctx, struct kaff_group *g, struct kaff_imask *cpus);
void kaff__group_set_state(struct kaff_ctx *ctx, struct kaff_group *g, int state);
void kaff__group_touch(struct kaff_ctx *ctx, struct kaff_group *g);
/* End of an event: merge groups whose keys became equal, free empty ones. */
void kaff__groups_settle(struct kaff_ctx *ctx);
void kaff__node_dirty(struct kaff_ctx *ctx, unsigned int node);

/* ---- machine.c */
void kaff__node_mask(const struct kaff_ctx *ctx, unsigned int node,
		     struct kaff_cpumask *out);

#endif /* KAFF_PRIVATE_H */
