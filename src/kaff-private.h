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
	KT_PENDING = 1u << 9,          /* kt->pending holds a new mask to commit */
	KT_PENDING_FORCE = 1u << 10,   /* ... by a forced write (drops user) */
	KT_PENDING_UNPARK = 1u << 11,  /* ... and the kthread unparks */
};

struct kaff_kthread {
	struct kaff_imask *cpus;       /* cpus_mask, never NULL for a live one */
	struct kaff_imask *pref;       /* preferred_affinity or NULL */
	struct kaff_imask *user;       /* user_cpus_ptr or NULL */
	struct kaff_imask *pending;    /* two-phase updates (KT_PENDING) */
	int32_t node;                  /* KAFF_NUMA_NO_NODE or a node */
	int32_t cpu;                   /* kthread->cpu or -1 */
	uint32_t flags;                /* enum kaff_kthread_flags | KT_* */
	uint32_t live_prev, live_next; /* creation order */
	/* managed list in insertion order; per-CPU kthreads, never on it,
	 * use the same links for the per-CPU chain (smpboot's thread list) */
	uint32_t list_prev, list_next;
	uint32_t pending_next;         /* chain of KT_PENDING kthreads */
};

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
	uint32_t pending_head;         /* two-phase update in progress */
	/* 7.x: a partition invalidated by CPU hotplug; its
	 * kthreads_update_housekeeping() runs later (cpuset's hk_sd_work). */
	bool hk_update_deferred;
	uint32_t nr_per_cpu;           /* live per-CPU (smpboot) kthreads */
	uint32_t per_cpu_head;         /* their chain, newest first */

	struct kaff_cpumask *empty;    /* always empty */
	/* Scratch masks, so that events allocate nothing but interned masks.
	 * 0-1: kthread engine and boot parsing; 4-7: cpuset partitions. */
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
void kaff__kthread_fetch_affinity(const struct kaff_ctx *ctx,
				  const struct kaff_kthread *k,
				  struct kaff_cpumask *out);
int kaff__kthreadd_boot(struct kaff_ctx *ctx);
/* Two-phase updates: prepare_* intern the new masks of the kthreads they
 * touch (KT_PENDING) and may fail with -ENOMEM; then exactly one of
 * commit (apply all) or rollback (drop all) runs. */
int kaff__prepare_unpark(struct kaff_ctx *ctx, unsigned int cpu);
int kaff__prepare_update_affinity(struct kaff_ctx *ctx, bool force, bool *callback_failed);
void kaff__pending_commit(struct kaff_ctx *ctx);
void kaff__pending_rollback(struct kaff_ctx *ctx);
void kaff__smpboot_park(struct kaff_ctx *ctx, unsigned int cpu);
void kaff__kthread_table_fini(struct kaff_ctx *ctx);

/* Prepare the deferred housekeeping update, if one is due (7.x). */
int kaff__prepare_deferred_update(struct kaff_ctx *ctx);

/* ---- machine.c */
void kaff__node_mask(const struct kaff_ctx *ctx, unsigned int node,
		     struct kaff_cpumask *out);

#endif /* KAFF_PRIVATE_H */
