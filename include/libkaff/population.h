/* SPDX-License-Identifier: MIT */
/*
 * libkaff populations: every kthread of a real kernel, from a snapshot
 * (FORMAT.md "Census": scenario header lines, then one census block),
 * each classified into what the kernel made it as, so that a scenario
 * can replay on the whole population (docs/population.md).
 */
#ifndef LIBKAFF_POPULATION_H
#define LIBKAFF_POPULATION_H

#include <stdbool.h>
#include <stddef.h>

#include <libkaff/common.h>
#include <libkaff/cpumask.h>
#include <libkaff/machine.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kaff_population;
struct kaff_scenario_error;

/* What the kernel made a kthread as (docs/population.md, one rule each). */
enum kaff_kthread_class {
	KAFF_CLASS_KTHREADD,    /* kthreadd itself */
	KAFF_CLASS_PER_CPU,     /* smpboot: NAME/CPU, PF_NO_SETAFFINITY, {CPU} */
	KAFF_CLASS_BOUND,       /* PF_NO_SETAFFINITY otherwise: kthread_bind_mask() */
	KAFF_CLASS_IRQ,         /* irq/N-name: follows its interrupt */
	KAFF_CLASS_NODE,        /* kswapdN, kcompactdN: kthread_create_on_node(N) */
	KAFF_CLASS_PREFERRED,   /* kthread_affine_preferred() */
	KAFF_CLASS_RCU_NOCB,    /* rcuoX/N, rcuog/N: only with offloaded RCU callbacks */
	KAFF_CLASS_HOUSEKEEPING, /* default, then housekeeping_affine(HK_TYPE_RCU) */
	KAFF_CLASS_DEFAULT,     /* no node, no preference */
	KAFF_CLASS_PINNED,      /* none of these: keeps its snapshot mask */
	KAFF_CLASS_MAX
};

/**
 * struct kaff_population_kthread - one kthread of a population
 * @comm:      its name (/proc/PID/comm)
 * @no_setaffinity: PF_NO_SETAFFINITY (the census's F column is 'n')
 * @kthreadd_child: its parent is kthreadd (P is 'k')
 * @mask:      its mask in the snapshot
 * @cls:       what the kernel made it as
 * @arg:       KAFF_CLASS_PER_CPU: its CPU; KAFF_CLASS_NODE: its node; else -1
 * @preferred: KAFF_CLASS_PREFERRED: its preference; else NULL
 * @line:      its line in the file
 *
 * Strings and masks belong to the population.
 */
struct kaff_population_kthread {
	const char *comm;
	bool no_setaffinity;
	bool kthreadd_child;
	const struct kaff_cpumask *mask;
	enum kaff_kthread_class cls;
	int arg;
	const struct kaff_cpumask *preferred;
	unsigned int line;
};

/**
 * kaff_population_parse() - read and classify a population file
 * @text, @len: the file (a NUL byte is an error)
 * @alloc: allocator, copied; NULL: malloc
 * @out:  receives the population
 * @err:  on -EINVAL, where and why (may be NULL)
 *
 * The header is parsed as a scenario's (no event may come before the
 * census block). In the block each line is "COMM F P MASK": COMM is
 * printable ASCII without space, 1 to 63 bytes ('#' is part of it), F is
 * 'n' or '-', P 'k' or '-', MASK a cpulist or '-'. Names may repeat.
 *
 * Return: 0; -EINVAL (@err says where); -ENOMEM.
 */
KAFF_EXPORT int kaff_population_parse(const char *text, size_t len,
				      const struct kaff_allocator *alloc,
				      struct kaff_population **out,
				      struct kaff_scenario_error *err);
/** kaff_population_free() - NULL is a no-op */
KAFF_EXPORT void kaff_population_free(struct kaff_population *pop);

/** kaff_population_size() - the number of kthreads in the census block */
KAFF_EXPORT unsigned int kaff_population_size(const struct kaff_population *pop);

/**
 * kaff_population_get() - kthread @i, in file order
 *
 * Return: 0; -EINVAL for a NULL argument or @i out of range.
 */
KAFF_EXPORT int kaff_population_get(const struct kaff_population *pop, unsigned int i,
				    struct kaff_population_kthread *out);

/** kaff_kthread_class_name() - "per-cpu", "node", ...; NULL if unknown */
KAFF_EXPORT const char *kaff_kthread_class_name(enum kaff_kthread_class cls);

#ifdef __cplusplus
}
#endif

#endif /* LIBKAFF_POPULATION_H */
