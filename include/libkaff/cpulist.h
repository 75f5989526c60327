/* SPDX-License-Identifier: MIT */
/*
 * libkaff cpulist: the kernel's cpu-list text form, parsed exactly as
 * lib/bitmap-str.c: bitmap_parselist() and printed as %*pbl
 * (lib/vsprintf.c: bitmap_list_string()), v6.14 to v7.3 (unchanged).
 */
#ifndef LIBKAFF_CPULIST_H
#define LIBKAFF_CPULIST_H

#include <stddef.h>

#include <libkaff/cpumask.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * kaff_cpulist_parse() - parse "0-3,8,16-31:2/4" into @dst, as bitmap_parselist()
 * @str:   NUL-terminated kernel cpu-list string; a '\n' also ends it
 * @dst:   result, of width dst->nbits ("N" means nbits - 1); cleared first
 *
 * Grammar: regions START[-END][:USED/GROUP] or "all" (any case) with an
 * optional :USED/GROUP, separated by ',' or isspace() characters. An empty
 * string or one of separators only gives the empty mask.
 *
 * Return: 0 on success; -EINVAL on bad syntax, START > END, GROUP == 0 or
 *         USED > GROUP; -ERANGE if END >= nbits; -EOVERFLOW if a number
 *         does not fit in 32 bits. On error @dst holds the regions parsed
 *         before the bad one (as the kernel leaves it); callers treat the
 *         whole parse as failed.
 */
KAFF_EXPORT int kaff_cpulist_parse(const char *str, struct kaff_cpumask *dst);

/**
 * kaff_cpulist_snprint() - print @m in %*pbl form ("0-3,8,10-11")
 * @buf: destination, may be NULL when @len is 0
 * @len: size of @buf; the output is always NUL-terminated when @len > 0
 * @m:   mask to print; an empty mask prints the empty string
 *
 * Return: the length of the full text (without the NUL), which may be
 *         larger than @len - 1 (snprintf semantics).
 */
KAFF_EXPORT size_t kaff_cpulist_snprint(char *buf, size_t len,
					const struct kaff_cpumask *m);

#ifdef __cplusplus
}
#endif

#endif /* LIBKAFF_CPULIST_H */
