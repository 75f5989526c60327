/* SPDX-License-Identifier: MIT */
/*
 * libkaff cpumask: a bitmap of nbits CPUs with the kernel's operations
 * (include/linux/cpumask.h), spelled kaff_cpumask_*.
 *
 * A struct kaff_cpumask is transparent: nbits (the machine's nr_cpu_ids)
 * and a pointer to KAFF_BITS_TO_LONGS(nbits) words. Bits at and above
 * nbits are always zero, so two masks of one width compare with memcmp.
 * Binary operations require masks of the same nbits (as the kernel's
 * operate on nr_cpu_ids); that is the caller's contract, not checked.
 *
 * Stack use:
 *   unsigned long w[KAFF_BITS_TO_LONGS(64)];
 *   struct kaff_cpumask m = KAFF_CPUMASK_INIT(64, w);
 *   kaff_cpumask_clear(&m);
 */
#ifndef LIBKAFF_CPUMASK_H
#define LIBKAFF_CPUMASK_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include <libkaff/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* x86's largest NR_CPUS; the scenario format's limit. */
#define KAFF_NR_CPUS_MAX 8192u

#define KAFF_BITS_PER_LONG (sizeof(unsigned long) * CHAR_BIT)
#define KAFF_BITS_TO_LONGS(n) \
	(((size_t)(n) + KAFF_BITS_PER_LONG - 1) / KAFF_BITS_PER_LONG)

struct kaff_cpumask {
	unsigned int nbits;   /* width: CPUs 0 .. nbits-1 */
	unsigned long *bits;  /* KAFF_BITS_TO_LONGS(nbits) words */
};

#define KAFF_CPUMASK_INIT(n, words) { (n), (words) }

/**
 * kaff_cpumask_alloc() - allocate an empty mask of @nbits CPUs (one block)
 * @nbits: width, 0 .. KAFF_NR_CPUS_MAX
 *
 * Return: the mask, or NULL if @nbits is too large or memory ran out.
 */
KAFF_EXPORT struct kaff_cpumask *kaff_cpumask_alloc(unsigned int nbits);
/** kaff_cpumask_free() - free a mask from kaff_cpumask_alloc(); NULL is a no-op */
KAFF_EXPORT void kaff_cpumask_free(struct kaff_cpumask *m);

KAFF_EXPORT void kaff_cpumask_clear(struct kaff_cpumask *m);
KAFF_EXPORT void kaff_cpumask_setall(struct kaff_cpumask *m);
/* CPUs >= nbits are ignored by set/clear and read as absent by test. */
KAFF_EXPORT void kaff_cpumask_set_cpu(unsigned int cpu, struct kaff_cpumask *m);
KAFF_EXPORT void kaff_cpumask_clear_cpu(unsigned int cpu, struct kaff_cpumask *m);
KAFF_EXPORT bool kaff_cpumask_test_cpu(unsigned int cpu, const struct kaff_cpumask *m);

/* kaff_cpumask_and()/andnot() return true when the result is non-empty. */
KAFF_EXPORT bool kaff_cpumask_and(struct kaff_cpumask *dst,
				  const struct kaff_cpumask *a,
				  const struct kaff_cpumask *b);
KAFF_EXPORT void kaff_cpumask_or(struct kaff_cpumask *dst,
				 const struct kaff_cpumask *a,
				 const struct kaff_cpumask *b);
KAFF_EXPORT bool kaff_cpumask_andnot(struct kaff_cpumask *dst,
				     const struct kaff_cpumask *a,
				     const struct kaff_cpumask *b);
KAFF_EXPORT void kaff_cpumask_xor(struct kaff_cpumask *dst,
				  const struct kaff_cpumask *a,
				  const struct kaff_cpumask *b);
KAFF_EXPORT void kaff_cpumask_complement(struct kaff_cpumask *dst,
					 const struct kaff_cpumask *src);
KAFF_EXPORT void kaff_cpumask_copy(struct kaff_cpumask *dst,
				   const struct kaff_cpumask *src);

KAFF_EXPORT bool kaff_cpumask_empty(const struct kaff_cpumask *m);
KAFF_EXPORT bool kaff_cpumask_full(const struct kaff_cpumask *m);
KAFF_EXPORT bool kaff_cpumask_equal(const struct kaff_cpumask *a,
				    const struct kaff_cpumask *b);
/* true when every CPU of @a is in @b */
KAFF_EXPORT bool kaff_cpumask_subset(const struct kaff_cpumask *a,
				     const struct kaff_cpumask *b);
KAFF_EXPORT bool kaff_cpumask_intersects(const struct kaff_cpumask *a,
					 const struct kaff_cpumask *b);
KAFF_EXPORT unsigned int kaff_cpumask_weight(const struct kaff_cpumask *m);

/* Searches return m->nbits when there is no such CPU (kernel: nr_cpu_ids). */
KAFF_EXPORT unsigned int kaff_cpumask_first(const struct kaff_cpumask *m);
KAFF_EXPORT unsigned int kaff_cpumask_last(const struct kaff_cpumask *m);
/* first set CPU strictly after @n */
KAFF_EXPORT unsigned int kaff_cpumask_next(unsigned int n, const struct kaff_cpumask *m);
KAFF_EXPORT unsigned int kaff_cpumask_first_and(const struct kaff_cpumask *a,
						const struct kaff_cpumask *b);
KAFF_EXPORT unsigned int kaff_cpumask_next_and(unsigned int n,
					       const struct kaff_cpumask *a,
					       const struct kaff_cpumask *b);

#define kaff_for_each_cpu(cpu, m)                                   \
	for ((cpu) = kaff_cpumask_first(m); (cpu) < (m)->nbits;     \
	     (cpu) = kaff_cpumask_next((cpu), (m)))
#define kaff_for_each_cpu_and(cpu, a, b)                            \
	for ((cpu) = kaff_cpumask_first_and((a), (b)); (cpu) < (a)->nbits; \
	     (cpu) = kaff_cpumask_next_and((cpu), (a), (b)))

#ifdef __cplusplus
}
#endif

#endif /* LIBKAFF_CPUMASK_H */
