/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: the cpulist parser and printer.
 *
 * Input: two bytes of width (little endian, modulo KAFF_NR_CPUS_MAX + 1),
 * then the list text (a NUL byte ends it, as for the kernel).
 *
 * Checks:
 * - kaff_cpulist_parse() returns 0, -EINVAL, -ERANGE or -EOVERFLOW, and
 *   agrees (return value and mask, also the partial mask of a failed
 *   parse) with the kernel's bitmap_parselist() (lib/bitmap-str.c,
 *   transcribed in tests/common/bitmap-ref.c);
 * - round trip: a list that parses prints (%*pbl) to a text that parses
 *   to the same mask and prints the same again;
 * - the printer follows snprintf: the same length whatever the buffer,
 *   a NUL-terminated prefix when it is cut, never a byte past @len.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "bitmap-ref.h"
#include "fuzz-common.h"

/* ---- the harness ------------------------------------------------------- */

static void same_as_ref(const struct kaff_cpumask *m, const unsigned long *ref,
			const char *what)
{
	for (unsigned int cpu = 0; cpu < m->nbits; cpu++) {
		bool set = (ref[cpu / KAFF_BITS_PER_LONG] >> (cpu % KAFF_BITS_PER_LONG)) & 1UL;

		FUZZ_CHECK(kaff_cpumask_test_cpu(cpu, m) == set,
			   "%s: CPU %u is %s in libkaff's mask and %s in the kernel's", what,
			   cpu, kaff_cpumask_test_cpu(cpu, m) ? "set" : "clear",
			   set ? "set" : "clear");
	}
	/* bits past nbits stay clear */
	if (m->nbits % KAFF_BITS_PER_LONG) {
		size_t last = KAFF_BITS_TO_LONGS(m->nbits) - 1;

		FUZZ_CHECK(!(m->bits[last] & (~0UL << (m->nbits % KAFF_BITS_PER_LONG))),
			   "%s: bits set past nbits %u", what, m->nbits);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned long ref[KAFF_BITS_TO_LONGS(KAFF_NR_CPUS_MAX) + 1];
	struct kaff_cpumask *m, *m2;
	unsigned int nbits;
	char *str, *text, *text2, small[24];
	size_t n, n2;
	int ret, want;

	if (size < 2 || size > 65536)
		return 0;
	nbits = ((unsigned int)data[0] | (unsigned int)data[1] << 8) % (KAFF_NR_CPUS_MAX + 1);
	str = malloc(size - 1);
	FUZZ_CHECK(str != NULL, "harness out of memory");
	memcpy(str, data + 2, size - 2);
	str[size - 2] = '\0';

	m = kaff_cpumask_alloc(nbits);
	m2 = kaff_cpumask_alloc(nbits);
	FUZZ_CHECK(m && m2, "kaff_cpumask_alloc(%u) failed", nbits);
	ret = kaff_cpulist_parse(str, m);
	FUZZ_CHECK(ret == 0 || ret == -EINVAL || ret == -ERANGE || ret == -EOVERFLOW,
		   "kaff_cpulist_parse returned %d", ret);
	want = ref_bitmap_parselist(str, ref, (int)nbits);
	FUZZ_CHECK(ret == want, "kaff_cpulist_parse returned %s, the reference %s (nbits %u)",
		   kaff_strerrorname(ret), kaff_strerrorname(want), nbits);
	/* also the regions set before an error, as the kernel leaves them */
	same_as_ref(m, ref, "parse");

	if (ret == 0) {
		n = kaff_cpulist_snprint(NULL, 0, m);
		text = malloc(n + 1);
		FUZZ_CHECK(text != NULL, "harness out of memory");
		memset(text, 'x', n + 1);
		n2 = kaff_cpulist_snprint(text, n + 1, m);
		FUZZ_CHECK(n2 == n && text[n] == '\0' && strlen(text) == n,
			   "snprint length %zu then %zu, strlen %zu", n, n2, strlen(text));
		/* round trip */
		FUZZ_CHECK(kaff_cpulist_parse(text, m2) == 0, "the printed list '%s' does not parse",
			   text);
		FUZZ_CHECK(kaff_cpumask_equal(m, m2), "'%s' parses to another mask", text);
		text2 = malloc(n + 1);
		FUZZ_CHECK(text2 != NULL, "harness out of memory");
		FUZZ_CHECK(kaff_cpulist_snprint(text2, n + 1, m2) == n && !strcmp(text, text2),
			   "'%s' prints back as '%s'", text, text2);
		/* cut buffers: a prefix, terminated, nothing written past len */
		for (size_t len = 1; len <= sizeof(small) - 1 && len <= n + 1; len++) {
			memset(small, '#', sizeof(small));
			FUZZ_CHECK(kaff_cpulist_snprint(small, len, m) == n, "length with len %zu", len);
			FUZZ_CHECK(small[len - 1] == '\0' && !strncmp(small, text, len - 1) &&
				   small[len] == '#', "cut print with len %zu", len);
		}
		FUZZ_CHECK(n == 0 || m->nbits > 0, "text for an empty width");
		free(text);
		free(text2);
	}
	kaff_cpumask_free(m);
	kaff_cpumask_free(m2);
	free(str);
	return 0;
}
