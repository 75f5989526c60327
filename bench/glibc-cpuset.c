/* SPDX-License-Identifier: MIT */
/* glibc's CPU_*_S baselines of the benchmarks (see glibc-cpuset.h). */
#define _GNU_SOURCE
#include <sched.h>

#include "glibc-cpuset.h"

void glibc_and(size_t size, void *dst, const void *a, const void *b)
{
	CPU_AND_S(size, (cpu_set_t *)dst, (cpu_set_t *)a, (cpu_set_t *)b);
}

void glibc_or(size_t size, void *dst, const void *a, const void *b)
{
	CPU_OR_S(size, (cpu_set_t *)dst, (cpu_set_t *)a, (cpu_set_t *)b);
}

bool glibc_equal(size_t size, const void *a, const void *b)
{
	return CPU_EQUAL_S(size, (cpu_set_t *)a, (cpu_set_t *)b);
}

int glibc_count(size_t size, const void *set)
{
	return CPU_COUNT_S(size, (const cpu_set_t *)set);
}

bool glibc_empty(size_t size, const void *set)
{
	return CPU_COUNT_S(size, (const cpu_set_t *)set) == 0;
}

/* glibc has no search: test CPU by CPU */
unsigned int glibc_first(size_t size, unsigned int nbits, const void *set)
{
	unsigned int cpu;

	for (cpu = 0; cpu < nbits; cpu++)
		if (CPU_ISSET_S(cpu, size, (const cpu_set_t *)set))
			break;
	return cpu;
}

/* for each CPU in @set: the sum of the CPUs (so the loop is not removed) */
unsigned long glibc_iterate(size_t size, unsigned int nbits, const void *set)
{
	unsigned long sum = 0;
	unsigned int cpu;

	for (cpu = 0; cpu < nbits; cpu++)
		if (CPU_ISSET_S(cpu, size, (const cpu_set_t *)set))
			sum += cpu;
	return sum;
}

void glibc_zero(size_t size, void *set)
{
	CPU_ZERO_S(size, (cpu_set_t *)set);
}

void glibc_set(size_t size, unsigned int cpu, void *set)
{
	CPU_SET_S(cpu, size, (cpu_set_t *)set);
}
