/* SPDX-License-Identifier: MIT */
/*
 * libkaff internals: shared by the src/ files and the white-box tests.
 *
 * The sections follow the layers of the source tree, lowest first; a
 * file calls only into the sections above its own (docs/source-map.md).
 */
#ifndef KAFF_PRIVATE_H
#define KAFF_PRIVATE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <libkaff/kaff.h>

#define KAFF_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define KAFF_NONE KAFF_KTHREAD_NONE
#define kaff_container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

/* ---- alloc.c: every context allocation goes through here ------------- */

void *kaff__malloc(const struct kaff_allocator *a, size_t size);
void *kaff__zalloc(const struct kaff_allocator *a, size_t size);
/* On failure returns NULL and leaves @ptr as it was. */
void *kaff__realloc(const struct kaff_allocator *a, void *ptr, size_t old_size,
		    size_t size);
void kaff__free(const struct kaff_allocator *a, void *ptr);
/* A large block about to be written whole: its pages in at once. */
void kaff__prefault(void *p, size_t size);
void kaff__allocator_init(struct kaff_allocator *dst, const struct kaff_allocator *src);
/* A zeroed mask of @nbits in one allocation (free with kaff__free). */
struct kaff_cpumask *kaff__cpumask_zalloc(const struct kaff_allocator *a, unsigned int nbits);

static inline size_t kaff__mask_words(unsigned int nbits)
{
	return KAFF_BITS_TO_LONGS(nbits);
}

static inline size_t kaff__mask_bytes(unsigned int nbits)
{
	return kaff__mask_words(nbits) * sizeof(unsigned long);
}

/* ---- hashtable.c: chained hash tables of embedded nodes -------------- */

struct kaff_hnode {
	struct kaff_hnode *next;
	uint32_t hash;
};

struct kaff_htable {
	struct kaff_hnode **buckets;
	size_t nbuckets;               /* power of two */
	size_t count;
};

int kaff__htable_init(struct kaff_htable *t, const struct kaff_allocator *a);
void kaff__htable_fini(struct kaff_htable *t, const struct kaff_allocator *a);
/* The chain where nodes of @hash live. */
static inline struct kaff_hnode *kaff__htable_bucket(const struct kaff_htable *t, uint32_t hash)
{
	return t->buckets[hash & (t->nbuckets - 1)];
}
/* Room for one more node: grows the table (-ENOMEM: nothing changed). */
int kaff__htable_reserve(struct kaff_htable *t, const struct kaff_allocator *a);
void kaff__htable_add(struct kaff_htable *t, struct kaff_hnode *n);
void kaff__htable_del(struct kaff_htable *t, struct kaff_hnode *n);

/* ---- the context ------------------------------------------------------ */

/*
 * Interned masks (imask.c). Every mask a kthread holds (cpus_mask,
 * preferred_affinity, user_cpus_ptr) is an immutable, reference-counted,
 * hash-consed entry: equal masks share one entry, so a million kthreads
 * on a few masks cost a few masks, and comparing two held masks is a
 * pointer comparison.
 */
struct kaff_imask {
	struct kaff_hnode node;
	uint32_t refs;
	/* no holder left while a checkpoint is held: kept, on ck->dormant
	 * through dnext, for a rollback that may need it (checkpoint.c) */
	uint32_t dormant;
	struct kaff_imask *dnext;
	struct kaff_cpumask mask;      /* .bits points at words[] */
	/* 16-byte aligned, as malloc() returns: 8 bytes off, one AVX2 load
	 * in two crosses a cache line (measured: 12 % slower wakes) */
	_Alignas(16) unsigned long words[];
};

/* Links of a kthread in one of the lists of kthread ids (task.c). */
struct kaff_link {
	uint32_t prev, next;
};

struct kaff_list {
	uint32_t first, last;
};

enum kaff_kthread_list {
	KL_MANAGED,    /* the managed list (kthread_affinity_list), or, for a
			* per-CPU kthread, never on it, smpboot's thread list */
	KL_GROUP,      /* the members of its group */
	KL_NR
};

enum {
	KT_LIVE = 1u << 8,             /* slot holds a kthread (not stopped) */
	KT_IRQ = 1u << 9,              /* an irq thread (irq.c), on ctx->irq */
};

/*
 * A kthread. An unlisted one owns its masks (cpus, user). A kthread on
 * the managed list belongs to a group instead, which holds its masks and
 * class, so that one group update changes all its members at once.
 * 56 bytes, whatever nr_cpu_ids is. Slots are never reused, so the live
 * kthreads in creation order are the live slots in id order: no list.
 */
struct kaff_kthread {
	struct kaff_imask *cpus;       /* unlisted: cpus_mask */
	struct kaff_imask *user;       /* unlisted: user_cpus_ptr or NULL */
	struct kaff_group *grp;        /* listed: its group */
	int32_t node;                  /* KAFF_NUMA_NO_NODE or a node */
	int32_t cpu;                   /* kthread->cpu or -1 */
	uint32_t flags;                /* enum kaff_kthread_flags | KT_* */
	struct kaff_link link[KL_NR];
	uint32_t lseq;                 /* listed: its place on the managed list */
};

/*
 * The checkpoint (checkpoint.c, journal.c): while one is held, the first
 * write to a kthread slot or a group since it (or since the last
 * rollback) saves what it was, so that kaff_ctx_rollback() can put it
 * back. Every write to a slot or group goes through these two first.
 */
struct kaff_group;
void kaff__kt_write(struct kaff_ctx *ctx, uint32_t id);
void kaff__group_write(struct kaff_ctx *ctx, struct kaff_group *g);
void kaff__ckpt_fresh_add(struct kaff_ctx *ctx, struct kaff_group *g);
void kaff__ckpt_fresh_del(struct kaff_ctx *ctx, struct kaff_group *g);

/* Lists of kthread ids, linked through kt[id].link[@which]. */
void kaff__list_add_tail(struct kaff_ctx *ctx, struct kaff_list *l, uint32_t id, int which);
void kaff__list_add_head(struct kaff_ctx *ctx, struct kaff_list *l, uint32_t id, int which);
void kaff__list_del(struct kaff_ctx *ctx, struct kaff_list *l, uint32_t id, int which);

/*
 * What __set_cpus_allowed_ptr() does with a request (sched.c). A group
 * keeps the last result for its members: SCA_SAME (nothing to do),
 * SCA_CHANGE (due at the next update: also a new group, not yet
 * evaluated) or SCA_NO_ONLINE (refused until a CPU of it comes up).
 */
enum kaff_sca { SCA_SAME, SCA_CHANGE, SCA_NO_ONLINE };

/* The lists of groups (group.c). */
enum kaff_group_list {
	GL_ALL,        /* every group */
	GL_NODE,       /* groups of one node class (no preference) */
	GL_STATE,      /* ctx->resolvable (SCA_CHANGE) or ctx->stuck */
	GL_NR
};

/*
 * Listed kthreads in one state: same class (preference, or node when
 * there is none), same user request, same cpus_mask, same kind (a bound
 * or per-CPU kthread on the list only ever fails the update). What the
 * update does to a kthread depends on nothing else, so the incremental
 * engine computes it once per group. @want caches the last result and
 * @state is enum kaff_sca for it (NULL and SCA_CHANGE: not evaluated).
 */
struct kaff_group {
	struct kaff_hnode node;            /* hashed by key */
	struct {
		struct kaff_group *prev, *next;
	} gl[GL_NR];
	struct kaff_group *tnext;          /* touched by the current event */
	struct kaff_imask *pref, *user, *cpus, *want;
	int32_t ncls;                      /* class node (NUMA_NO_NODE with pref) */
	struct kaff_list members;
	uint32_t nr;
	uint32_t stamp;                    /* last update that looked at it */
	uint8_t bad, state, touched;
	/* checkpoint.c: made since the checkpoint (on ck->fresh through
	 * ck_prev/ck_next), or freed since it but kept for a rollback;
	 * ck_gen: saved in that generation (journal.c) */
	uint8_t ck_fresh, ck_retired;
	uint32_t ck_gen;
	struct kaff_group *ck_prev, *ck_next;
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

struct kaff_boot_msg {
	enum kaff_boot_warning_reason reason;
	unsigned int param;                /* index in boot_params */
	char *console;                     /* NULL: the kernel says nothing */
};

enum kaff_engine_mode { ENGINE_INCREMENTAL, ENGINE_REFERENCE };

struct kaff_ctx {
	struct kaff_allocator alloc;
	const struct kaff_profile *profile;   /* built-in, or own_profile */
	struct kaff_profile *own_profile;     /* a copy of a derived one */
	void (*log_fn)(void *data, const char *line);
	void *log_data;
	bool booted;
	int engine;                        /* enum kaff_engine_mode */

	/* machine.c */
	unsigned int nr_cpu_ids;
	struct kaff_cpumask *possible;
	struct kaff_cpumask *online;
	struct kaff_cpumask *boot_online;
	unsigned int nr_nodes;             /* node IDs 0 .. nr_nodes-1 */
	struct kaff_cpumask **node_cpus;   /* static CPUs of each node */
	int32_t *cpu_node;                 /* nr_cpu_ids entries, -1 = none yet */

	/* isolation.c: boot parameters, kept as given until boot */
	char **boot_params;
	unsigned int nr_boot_params;
	struct kaff_boot_msg *boot_msgs;   /* what parsing them said */
	unsigned int nr_boot_msgs;
	unsigned int hk_flags;                       /* BIT(enum kaff_hk_type) */
	struct kaff_cpumask *hk[KAFF_HK_TYPE_MAX];   /* valid when the flag is set */
	struct kaff_cpumask *boot_isolated;          /* possible \ hk(DOMAIN_BOOT) */

	/* cpuset.c */
	struct kaff_cpumask *cpuset_isolated;        /* isolated partition CPUs */
	/* 7.x: a partition invalidated by CPU hotplug; its
	 * kthreads_update_housekeeping() runs later (cpuset's hk_sd_work).
	 * Set by kaff__cpuset_hotplug(), cleared by kaff__run_event(). */
	bool hk_update_deferred;

	/* imask.c */
	struct kaff_htable imasks;

	/* task.c: slot 0 is kthreadd; ids are slot numbers */
	struct kaff_kthread *kt;
	uint32_t nr_kt, cap_kt;
	struct kaff_list managed, per_cpu;
	struct kaff_list irq;              /* irq threads, linked through KL_MANAGED */
	uint32_t *irq_vectors;             /* irq.c: device vectors per CPU, or NULL */
	uint32_t nr_live, nr_per_cpu;
	uint32_t nr_bad;                   /* listed bound/per-CPU kthreads */

	/* group.c */
	struct kaff_htable groups_by_key;
	size_t ngroups;
	struct kaff_group *groups;         /* GL_ALL */
	struct kaff_group **node_groups;   /* GL_NODE, nr_nodes lists */
	struct kaff_group *resolvable, *stuck;   /* GL_STATE */
	struct kaff_group *touched;
	/* nodes that lost a CPU since the last update (their groups' targets
	 * may be stale) */
	uint8_t *node_dirty;
	uint32_t *dirty_nodes;
	uint32_t nr_dirty;

	/* update.c: the current multi-kthread event */
	struct kaff_op *ops;
	uint32_t nr_ops, cap_ops, stage_start;
	uint32_t stamp;
	bool clear_dirty;

	/* checkpoint.c: the checkpoint held, or NULL; the last generation
	 * of saves used (journal.c), never reused by this context */
	struct kaff_ckpt *ck;
	uint32_t ck_last_gen;

	/* notify.c: kaff_ctx_set_change_fn() */
	void (*change_fn)(void *data, unsigned int id, const struct kaff_cpumask *old_mask,
			  const struct kaff_cpumask *new_mask);
	void *change_data;
	uint32_t managed_seq;              /* the next kthread listed gets it */

	struct kaff_cpumask *empty;        /* always empty */
	/* Scratch masks, so that events allocate nothing but interned
	 * masks. Each has one purpose, so that no two users overlap. */
	struct kaff_scratch {
		struct kaff_cpumask *target;   /* what one kthread is asked for */
		struct kaff_cpumask *node;     /* a node's CPUs for the fetch hook */
		struct kaff_cpumask *result;   /* what it gets */
		struct kaff_cpumask *want;     /* a group's result (update.c) */
		struct kaff_cpumask *non_hk, *staging;   /* housekeeping_setup() */
		struct kaff_cpumask *isolated, *was_isolated;  /* cpuset partition */
		struct kaff_cpumask *hk_new, *hk_old;  /* housekeeping_update() */
	} tmp;
};

/*
 * A checkpoint (checkpoint.c): what the context was when it was taken.
 * The kthread slots and groups are saved at their first write since the
 * checkpoint or the last rollback (journal.c); the rest, small, whole.
 * Saved copies hold no references: a mask loses its last holder while
 * a checkpoint is held stays in the table, dormant, until the rollback
 * or commit. Everything is allocated when the checkpoint is taken, so
 * that no write has to allocate.
 */
struct kaff_ckpt {
	uint32_t gen;                      /* generation of the saves; never 0 */
	uint32_t nr_kt;                    /* slots at the checkpoint */
	uint32_t *kt_gen;                  /* per slot: saved in that generation */
	struct kaff_ckpt_kt {
		uint32_t id;
		struct kaff_kthread k;
	} *kt;                             /* the slots saved, in order */
	uint32_t nr_kt_saved;
	size_t cap_groups;                 /* groups at the checkpoint */
	struct kaff_ckpt_group {
		struct kaff_group *g;
		struct kaff_group copy;
	} *groups;
	size_t nr_groups_saved;
	struct kaff_group *fresh;          /* groups made since */
	struct kaff_imask *dormant;        /* masks with no holder left */
	size_t nr_dormant;                 /* of them, those still at 0 refs */
	/* the rest of the state, whole */
	struct kaff_list managed, per_cpu, irq;
	uint32_t nr_live, nr_per_cpu, nr_bad, managed_seq;
	size_t ngroups;
	struct kaff_group *groups_head, *resolvable, *stuck;
	struct kaff_group **node_groups;
	uint8_t *node_dirty;
	uint32_t *dirty_nodes, nr_dirty;
	unsigned int hk_flags;
	bool hk_update_deferred;
	uint32_t *irq_vectors;             /* NULL: the context had none */
	unsigned long *mask_words;         /* kaff__ctx_mask(ctx, i)'s, in a row */
};

/* Free a checkpoint's arrays and the groups only it kept (journal.c). */
void kaff__ckpt_free(struct kaff_ctx *ctx, struct kaff_ckpt *ck);

/* ctx.c: the context's own masks (possible, online, hk[], scratch...),
 * one loop for all of them. */
size_t kaff__ctx_nr_masks(void);
struct kaff_cpumask *kaff__ctx_mask(const struct kaff_ctx *ctx, size_t i);

/* ---- printk.c ---------------------------------------------------------- */

void kaff__log(const struct kaff_ctx *ctx, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* ---- imask.c ------------------------------------------------------------ */

/* A reference to the entry equal to @m; NULL on allocation failure. */
struct kaff_imask *kaff__imask_get(struct kaff_ctx *ctx, const struct kaff_cpumask *m);
static inline struct kaff_imask *kaff__imask_ref(struct kaff_imask *im)
{
	im->refs++;
	return im;
}
void kaff__imask_put(struct kaff_ctx *ctx, struct kaff_imask *im);
/* Free the dormant masks still without a holder (checkpoint.c). */
void kaff__imask_sweep(struct kaff_ctx *ctx);
/* Free every interned mask, held or not (kaff_ctx_free()). */
void kaff__imasks_drop(struct kaff_ctx *ctx);
/* Interned masks with a holder (the dormant ones are not state). */
size_t kaff__imask_count(const struct kaff_ctx *ctx);

/* ---- profile.c ---------------------------------------------------------- */

/* The rules as the engine reads them. */
struct kaff_profile {
	unsigned int major, minor;
	/* "6.14", or "6.14+rule=value...+label" */
	char name[320 + KAFF_PROFILE_LABEL_MAX + 2];
	const char *rules;                 /* "6.14", "7.x" or "custom" */
	bool builtin;                      /* static: kaff_profile_free() ignores it */
	int rule[KAFF_RULE_MAX];
	/* hooks (kaff_profile_set_fetch_fn(), ..._online_fn()): NULL = the
	 * kernel's rule */
	kaff_fetch_fn fetch_fn;
	void *fetch_data;
	unsigned int fetch_flags;
	kaff_online_fn online_fn;
	void *online_data;
	char label[KAFF_PROFILE_LABEL_MAX + 1];
};

static inline int kaff__rule(const struct kaff_ctx *ctx, enum kaff_rule r)
{
	return ctx->profile->rule[r];
}

/* ---- machine.c ---------------------------------------------------------- */

/* @cpu of a booted context: 0, -EINVAL (no ctx), -EPERM, -ERANGE. */
int kaff__machine_cpu(const struct kaff_ctx *ctx, unsigned int cpu);
/* cpumask_of_node(): the node's online CPUs. */
void kaff__node_mask(const struct kaff_ctx *ctx, unsigned int node, struct kaff_cpumask *out);

/* ---- isolation.c -------------------------------------------------------- */

void kaff__housekeeping_reset(struct kaff_ctx *ctx);
void kaff__boot_msgs_fini(struct kaff_ctx *ctx);
bool kaff__boot_param_valid_name(const char *param);
/* Parse the boot parameters into the housekeeping masks (boot time). */
int kaff__housekeeping_init(struct kaff_ctx *ctx);
const struct kaff_cpumask *kaff__hk(const struct kaff_ctx *ctx, enum kaff_hk_type type);

/* ---- group.c: an index of listed kthreads; no rule lives here ---------- */

int kaff__groups_init(struct kaff_ctx *ctx);
/* The hash of @g's key (its masks, by address, and class). */
uint32_t kaff__group_hash(const struct kaff_group *g);
/* Free every group, without putting masks (kaff_ctx_free()). */
void kaff__groups_drop(struct kaff_ctx *ctx);
/* The group for a key; a new one is due for evaluation (SCA_CHANGE). */
int kaff__group_get(struct kaff_ctx *ctx, struct kaff_imask *pref, int node,
		    struct kaff_imask *user, struct kaff_imask *cpus, bool bad,
		    struct kaff_group **out);
void kaff__group_add_member(struct kaff_ctx *ctx, struct kaff_group *g, uint32_t id);
void kaff__group_del_member(struct kaff_ctx *ctx, struct kaff_group *g, uint32_t id);
void kaff__group_set_cpus(struct kaff_ctx *ctx, struct kaff_group *g, struct kaff_imask *cpus);
void kaff__group_set_state(struct kaff_ctx *ctx, struct kaff_group *g, int state);
/* End of an event: merge groups whose keys became equal, free empty ones. */
void kaff__groups_settle(struct kaff_ctx *ctx);
void kaff__node_dirty(struct kaff_ctx *ctx, unsigned int node);
void kaff__nodes_clean(struct kaff_ctx *ctx);

/* ---- task.c: the kthread table and its lists --------------------------- */

static inline struct kaff_kthread *kaff__kt(const struct kaff_ctx *ctx, unsigned int id)
{
	if (id >= ctx->nr_kt || !(ctx->kt[id].flags & KT_LIVE))
		return NULL;
	return &ctx->kt[id];
}

/* The next live kthread after slot @id (creation order), or KAFF_NONE. */
static inline uint32_t kaff__kt_next_live(const struct kaff_ctx *ctx, uint32_t id)
{
	while (++id < ctx->nr_kt)
		if (ctx->kt[id].flags & KT_LIVE)
			return id;
	return KAFF_NONE;
}

static inline uint32_t kaff__kt_id(const struct kaff_ctx *ctx, const struct kaff_kthread *k)
{
	return (uint32_t)(k - ctx->kt);
}


/* The masks of a kthread, listed or not (inline: every event reads them). */
static inline struct kaff_imask *kaff__kt_cpus(const struct kaff_kthread *k)
{
	return k->grp ? k->grp->cpus : k->cpus;
}

static inline struct kaff_imask *kaff__kt_user(const struct kaff_kthread *k)
{
	return k->grp ? k->grp->user : k->user;
}

static inline struct kaff_imask *kaff__kt_pref(const struct kaff_kthread *k)
{
	return k->grp ? k->grp->pref : NULL;
}

/* A new slot at the end of the table, in the live list, owning @cpus
 * and @user (references taken); -ENOMEM/-EOVERFLOW: nothing changed. */
int kaff__task_new(struct kaff_ctx *ctx, int node, int cpu, uint32_t flags,
		   struct kaff_imask *cpus, struct kaff_imask *user, uint32_t *id);
void kaff__task_free(struct kaff_ctx *ctx, struct kaff_kthread *k);
/* The live kthread @id of a booted context: -EINVAL, -EPERM, -ESRCH. */
static inline int kaff__lookup(const struct kaff_ctx *ctx, unsigned int id,
			       struct kaff_kthread **out)
{
	if (!ctx)
		return -EINVAL;
	if (!ctx->booted)
		return -EPERM;
	*out = kaff__kt(ctx, id);
	return *out ? 0 : -ESRCH;
}
/* kaff__lookup() for calls that take a mask: -ERANGE for a bad width. */
int kaff__lookup_mask(struct kaff_ctx *ctx, unsigned int id, const struct kaff_cpumask *m,
		      struct kaff_kthread **out);
void kaff__task_table_fini(struct kaff_ctx *ctx);
/* Give @k the masks and flags (the caller keeps its references); a
 * listed kthread changes group (-ENOMEM: nothing changed). */
int kaff__task_set(struct kaff_ctx *ctx, struct kaff_kthread *k, struct kaff_imask *cpus,
		   struct kaff_imask *user, uint32_t flags);
/* Put an unlisted kthread on the managed list, in the group of its class
 * and masks (-ENOMEM: nothing changed). */
int kaff__task_list(struct kaff_ctx *ctx, struct kaff_kthread *k, struct kaff_imask *pref,
		    struct kaff_imask *cpus, struct kaff_imask *user, uint32_t flags);

/* ---- sched.c: the scheduler's affinity rules --------------------------- */

/* __set_cpus_allowed_ptr() without SCA_USER on a kthread whose mask is
 * @cur: @out is what it would get; returns enum kaff_sca. */
int kaff__cpus_allowed(const struct kaff_ctx *ctx, const struct kaff_cpumask *cur,
		       const struct kaff_imask *user, const struct kaff_cpumask *target,
		       struct kaff_cpumask *out);
/*
 * select_fallback_rq(): a task woken with no online CPU in its mask. For
 * a kthread the cpuset v2 stage forces top_cpuset.cpus_allowed, every
 * possible CPU, and drops the user request (bound kthreads included):
 * true when that happens. Inline: every wake asks it.
 */
static inline bool kaff__select_fallback_rq(const struct kaff_ctx *ctx,
					    const struct kaff_cpumask *cur)
{
	return !kaff_cpumask_intersects(cur, ctx->online);
}

/* ---- kthread.c ---------------------------------------------------------- */

/* kthread_fetch_affinity() for a class: a preference, else a node; the
 * kernel's rule or the profile's hook (-EDOM: the hook gave no CPU) */
int kaff__fetch_class(const struct kaff_ctx *ctx, const struct kaff_imask *pref, int node,
		       struct kaff_cpumask *out);
int kaff__kthreadd_init(struct kaff_ctx *ctx);
int kaff__create_on_cpu(struct kaff_ctx *ctx, unsigned int cpu, uint32_t extra_flags,
			struct kaff_imask *cpus, unsigned int *id);

/* ---- update.c: events that re-affine many kthreads --------------------- */

/*
 * An event that changes the machine and re-affines kthreads: CPU online,
 * housekeeping_update(), or only the deferred update. kaff__run_event()
 * runs a pending deferred update, then @change, then each stage; a stage
 * prepares its changes into the undo log (allocating, so it may fail with
 * -ENOMEM) and is committed before the next one runs. On failure every
 * committed stage is undone and @change is reverted: a refused event
 * changes nothing.
 */
struct kaff_event {
	void (*change)(struct kaff_ctx *ctx, struct kaff_event *ev, bool undo);
	int (*stage[2])(struct kaff_ctx *ctx, struct kaff_event *ev);
	unsigned int cpu;          /* CPU online: the CPU coming up */
	bool force;                /* kthreads_update_affinity(force) */
	bool callback_failed;      /* out: a bound/per-CPU kthread was listed */
	unsigned int saved_flags;  /* for @change's own undo */
};

int kaff__run_event(struct kaff_ctx *ctx, struct kaff_event *ev);
/* kthreads_update_affinity(ev->force) as a stage. */
int kaff__update_affinity(struct kaff_ctx *ctx, struct kaff_event *ev);
void kaff__groups_presettle(struct kaff_ctx *ctx);
/* A step of a stage: one kthread's new masks and flags (OP_KT). */
int kaff__stage_kthread(struct kaff_ctx *ctx, uint32_t id, struct kaff_imask *cpus,
			uint32_t flags);
void kaff__update_fini(struct kaff_ctx *ctx);

/* ---- notify.c: the change callback -------------------------------------- */

/*
 * After the stages of an event (kaff__run_event()), ops 0 .. @stage_end[i]
 * belonging to stage i: call the change callback once per kthread whose
 * mask the event changed, in the kernel's order. -ENOMEM (the caller
 * aborts the event) before any call.
 */
int kaff__notify_event(struct kaff_ctx *ctx, const uint32_t *stage_end, unsigned int nr_stages);
/* A single-kthread write: @old (a reference, or NULL when no callback is
 * set) was @id's mask before it; called after the write. */
void kaff__notify_one(struct kaff_ctx *ctx, uint32_t id, struct kaff_imask *old);

/* ---- smpboot.c ---------------------------------------------------------- */

void kaff__smpboot_park(struct kaff_ctx *ctx, unsigned int cpu);
int kaff__smpboot_unpark(struct kaff_ctx *ctx, struct kaff_event *ev);

/* ---- irq.c ---------------------------------------------------------------- */

/* A started irq thread on @cpus (-ENOMEM/-EOVERFLOW: nothing changed). */
int kaff__irq_thread_new(struct kaff_ctx *ctx, uint32_t flags, struct kaff_imask *cpus,
			 unsigned int *id);
/* The CPU interrupts leave @cpu for (-ENOMEM before anything changed). */
int kaff__irq_prepare_offline(struct kaff_ctx *ctx, unsigned int cpu, struct kaff_imask **to);
/* @cpu is offline: its interrupts moved, irq threads that had only it
 * follow to @to (the reference is put). */
void kaff__irq_offline(struct kaff_ctx *ctx, unsigned int cpu, struct kaff_imask *to);

/* ---- cpuset.c ----------------------------------------------------------- */

void kaff__cpuset_hotplug(struct kaff_ctx *ctx);

#endif /* KAFF_PRIVATE_H */
