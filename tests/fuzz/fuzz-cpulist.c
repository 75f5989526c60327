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
 *   parse) with a plain transcription of the kernel's bitmap_parselist()
 *   (lib/bitmap-str.c), which sets bits one by one;
 * - round trip: a list that parses prints (%*pbl) to a text that parses
 *   to the same mask and prints the same again;
 * - the printer follows snprintf: the same length whatever the buffer,
 *   a NUL-terminated prefix when it is cut, never a byte past @len.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "fuzz-common.h"

/* ---- the reference: bitmap_parselist(), as the kernel writes it -------- */

struct ref_region {
	unsigned int start, end, off, group_len, nbits;
};

static int ref_isspace(char c)
{
	unsigned char u = (unsigned char)c;

	return u == ' ' || (u >= '\t' && u <= '\r') || u == 0xa0;
}

static int ref_end_of_str(char c)
{
	return c == '\0' || c == '\n';
}

static int ref_end_of_region_nostr(char c)
{
	return ref_isspace(c) || c == ',';
}

static int ref_end_of_region(char c)
{
	return ref_end_of_region_nostr(c) || ref_end_of_str(c);
}

/* bitmap_getnum(): NULL with *err on error */
static const char *ref_getnum(const char *s, unsigned int *num, unsigned int lastbit, int *err)
{
	unsigned long long n = 0;
	int overflow = 0;
	size_t len = 0;

	if (s[0] == 'N') {
		*num = lastbit;
		return s + 1;
	}
	while (s[len] >= '0' && s[len] <= '9') {
		unsigned int d = (unsigned int)(s[len] - '0');

		if (n > (~0ULL - d) / 10)
			overflow = 1;
		n = n * 10 + d;
		len++;
	}
	if (!len) {
		*err = -EINVAL;
		return NULL;
	}
	if (overflow || n != (unsigned int)n) {
		*err = -EOVERFLOW;
		return NULL;
	}
	*num = (unsigned int)n;
	return s + len;
}

static int ref_strncasecmp_all(const char *s)
{
	static const char all[] = "all";

	for (int i = 0; i < 3; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != all[i])
			return 1;
	}
	return 0;
}

/* bitmap_parse_region(): returns the rest, NULL at the end of the
 * string, or NULL with *err set */
static const char *ref_parse_region(const char *s, struct ref_region *r, int *err)
{
	unsigned int lastbit = r->nbits - 1;

	if (!ref_strncasecmp_all(s)) {
		r->start = 0;
		r->end = lastbit;
		s += 3;
		goto check_pattern;
	}
	s = ref_getnum(s, &r->start, lastbit, err);
	if (!s)
		return NULL;
	if (ref_end_of_region(*s))
		goto no_end;
	if (*s != '-') {
		*err = -EINVAL;
		return NULL;
	}
	s = ref_getnum(s + 1, &r->end, lastbit, err);
	if (!s)
		return NULL;
check_pattern:
	if (ref_end_of_region(*s))
		goto no_pattern;
	if (*s != ':') {
		*err = -EINVAL;
		return NULL;
	}
	s = ref_getnum(s + 1, &r->off, lastbit, err);
	if (!s)
		return NULL;
	if (*s != '/') {
		*err = -EINVAL;
		return NULL;
	}
	return ref_getnum(s + 1, &r->group_len, lastbit, err);
no_end:
	r->end = r->start;
no_pattern:
	r->off = r->end + 1;
	r->group_len = r->end + 1;
	return ref_end_of_str(*s) ? NULL : s;
}

static int ref_parselist(const char *buf, unsigned char *bits, unsigned int nbits)
{
	struct ref_region r;

	memset(bits, 0, nbits ? nbits : 1);
	r.nbits = nbits;
	while (buf) {
		int err = 0;

		while (ref_end_of_region_nostr(*buf))
			buf++;
		if (ref_end_of_str(*buf))
			return 0;
		buf = ref_parse_region(buf, &r, &err);
		if (err)
			return err;
		if (r.start > r.end || r.group_len == 0 || r.off > r.group_len)
			return -EINVAL;
		if (r.end >= r.nbits)
			return -ERANGE;
		/* bitmap_set_region(), one bit at a time */
		for (unsigned int start = r.start; start <= r.end; start += r.group_len) {
			unsigned int n = r.end - start + 1 < r.off ? r.end - start + 1 : r.off;

			for (unsigned int b = 0; b < n; b++)
				bits[start + b] = 1;
			if (r.end - start < r.group_len)
				break;
		}
	}
	return 0;
}

/* ---- the harness ------------------------------------------------------- */

static void same_as_ref(const struct kaff_cpumask *m, const unsigned char *ref,
			const char *what)
{
	for (unsigned int cpu = 0; cpu < m->nbits; cpu++)
		FUZZ_CHECK(kaff_cpumask_test_cpu(cpu, m) == (ref[cpu] != 0),
			   "%s: CPU %u is %s in libkaff's mask and %s in the reference", what,
			   cpu, kaff_cpumask_test_cpu(cpu, m) ? "set" : "clear",
			   ref[cpu] ? "set" : "clear");
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
	static unsigned char ref[KAFF_NR_CPUS_MAX + 1];
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
	want = ref_parselist(str, ref, nbits);
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
