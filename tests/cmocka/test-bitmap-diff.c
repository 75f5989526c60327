/* SPDX-License-Identifier: MIT */
/*
 * Differential tests of the fast paths of src/cpumask.c and src/cpulist.c
 * against naive references local to this file:
 *
 *  - every mask operation, at widths around each path's boundary (1 word,
 *    the 8-word SIMD threshold, 12-15 words for AVX2's 4-word tail, 16-word
 *    blocks, 8192), on masks with one
 *    difference placed at every word, in place (dst == src) too;
 *  - kaff_cpulist_parse() against a line-by-line port of the kernel's
 *    bitmap_parselist() (lib/bitmap-str.c, v6.14), on random strings;
 *  - kaff_cpulist_snprint() against a bit-by-bit printer, truncation too.
 *
 * Built three times (tests/meson.build): against the library as it is
 * (AVX2, AVX-512 and POPCNT paths where the CPU has them; valgrind hides
 * AVX-512), with src/cpumask.c and src/cpulist.c compiled with
 * -DKAFF_NO_SIMD (the portable paths), and with -DKAFF_NO_AVX512 (AVX2
 * and POPCNT even on an AVX-512 machine).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <libkaff/cpulist.h>
#include <libkaff/cpumask.h>

#define BPL KAFF_BITS_PER_LONG

static const unsigned int widths[] = {
	1, 2, 63, 64, 65, 127, 128, 150, 255, 256, 257, 320, 384, 400, 447, 448,
	449, 511, 512, 513, 576, 800, 1000, 1023, 1024, 1025, 1088, 2047, 4096, 8128,
	8191, 8192,
};

#define NR_WIDTHS (sizeof(widths) / sizeof(widths[0]))

static uint64_t rnd(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * UINT64_C(2685821657736338717);
}

/* ---- naive references: one byte per CPU */

static bool ref_test(const struct kaff_cpumask *m, unsigned int i)
{
	return (m->bits[i / BPL] >> (i % BPL)) & 1UL;
}

static unsigned int ref_weight(const struct kaff_cpumask *m)
{
	unsigned int i, w = 0;

	for (i = 0; i < m->nbits; i++)
		w += ref_test(m, i);
	return w;
}

/* the bits at and above nbits are zero */
static void assert_tail_clean(const struct kaff_cpumask *m)
{
	size_t nw = KAFF_BITS_TO_LONGS(m->nbits);

	if (m->nbits % BPL)
		assert_int_equal(m->bits[nw - 1] >> (m->nbits % BPL), 0);
}

static struct kaff_cpumask *mask_new(unsigned int nbits)
{
	struct kaff_cpumask *m = kaff_cpumask_alloc(nbits);

	assert_non_null(m);
	return m;
}

/* kinds: 0 empty, 1 full, 2 half, 3 sparse, 4 one bit, 5 last bit, 6 runs */
static void fill(struct kaff_cpumask *m, int kind, uint64_t *seed)
{
	unsigned int i, n = m->nbits;

	kaff_cpumask_clear(m);
	for (i = 0; i < n; i++) {
		bool set;

		switch (kind) {
		case 1: set = true; break;
		case 2: set = rnd(seed) & 1; break;
		case 3: set = rnd(seed) % 61 == 0; break;
		case 4: set = i == (unsigned int)(rnd(seed) % n); break;
		case 5: set = i == n - 1; break;
		case 6: set = (i / 37) % 3 == 0; break;
		default: set = false; break;
		}
		if (set)
			kaff_cpumask_set_cpu(i, m);
	}
}

#define NR_KINDS 7

static void check_binops(const struct kaff_cpumask *a, const struct kaff_cpumask *b,
			 struct kaff_cpumask *d)
{
	unsigned int i, n = a->nbits;
	bool any, ref_any, sub = true, inter = false, eq = true;

	any = kaff_cpumask_and(d, a, b);
	ref_any = false;
	for (i = 0; i < n; i++) {
		assert_int_equal(ref_test(d, i), ref_test(a, i) && ref_test(b, i));
		ref_any |= ref_test(d, i);
	}
	assert_int_equal(any, ref_any);
	assert_tail_clean(d);

	any = kaff_cpumask_andnot(d, a, b);
	ref_any = false;
	for (i = 0; i < n; i++) {
		assert_int_equal(ref_test(d, i), ref_test(a, i) && !ref_test(b, i));
		ref_any |= ref_test(d, i);
	}
	assert_int_equal(any, ref_any);

	kaff_cpumask_or(d, a, b);
	for (i = 0; i < n; i++)
		assert_int_equal(ref_test(d, i), ref_test(a, i) || ref_test(b, i));
	kaff_cpumask_xor(d, a, b);
	for (i = 0; i < n; i++)
		assert_int_equal(ref_test(d, i), ref_test(a, i) != ref_test(b, i));
	assert_tail_clean(d);

	for (i = 0; i < n; i++) {
		if (ref_test(a, i) && !ref_test(b, i))
			sub = false;
		if (ref_test(a, i) && ref_test(b, i))
			inter = true;
		if (ref_test(a, i) != ref_test(b, i))
			eq = false;
	}
	assert_int_equal(kaff_cpumask_subset(a, b), sub);
	assert_int_equal(kaff_cpumask_intersects(a, b), inter);
	assert_int_equal(kaff_cpumask_equal(a, b), eq);

	/* first_and / next_and walk */
	i = kaff_cpumask_first_and(a, b);
	for (unsigned int c = 0; c < n; c++) {
		if (ref_test(a, c) && ref_test(b, c)) {
			assert_int_equal(i, c);
			i = kaff_cpumask_next_and(i, a, b);
		}
	}
	assert_int_equal(i, n);
}

static void check_unops(const struct kaff_cpumask *a, struct kaff_cpumask *d)
{
	unsigned int i, n = a->nbits, first = n, last = n;
	bool full = true;

	for (i = 0; i < n; i++) {
		if (ref_test(a, i)) {
			if (first == n)
				first = i;
			last = i;
		} else {
			full = false;
		}
	}
	assert_int_equal(kaff_cpumask_weight(a), ref_weight(a));
	assert_int_equal(kaff_cpumask_empty(a), first == n);
	assert_int_equal(kaff_cpumask_full(a), full);
	assert_int_equal(kaff_cpumask_first(a), first);
	assert_int_equal(kaff_cpumask_last(a), last);
	i = first;
	for (unsigned int c = 0; c < n; c++) {
		if (ref_test(a, c)) {
			assert_int_equal(i, c);
			i = kaff_cpumask_next(i, a);
		}
	}
	assert_int_equal(i, n);

	kaff_cpumask_copy(d, a);
	assert_true(kaff_cpumask_equal(d, a));
	assert_memory_equal(d->bits, a->bits, KAFF_BITS_TO_LONGS(n) * sizeof(long));
	kaff_cpumask_complement(d, a);
	for (i = 0; i < n; i++)
		assert_int_equal(ref_test(d, i), !ref_test(a, i));
	assert_tail_clean(d);
}

static void test_mask_ops(void **state)
{
	uint64_t seed = 42;
	size_t wi;

	(void)state;
	for (wi = 0; wi < NR_WIDTHS; wi++) {
		unsigned int n = widths[wi];
		struct kaff_cpumask *a = mask_new(n), *b = mask_new(n), *d = mask_new(n);
		int ka, kb;

		for (ka = 0; ka < NR_KINDS; ka++) {
			fill(a, ka, &seed);
			check_unops(a, d);
			for (kb = 0; kb < NR_KINDS; kb++) {
				fill(b, kb, &seed);
				check_binops(a, b, d);
			}
		}
		kaff_cpumask_free(a);
		kaff_cpumask_free(b);
		kaff_cpumask_free(d);
	}
}

/*
 * One difference at each CPU position in turn: the scans must find it
 * whichever block, vector or tail word holds it.
 */
static void test_one_difference(void **state)
{
	uint64_t seed = 7;
	size_t wi;

	(void)state;
	for (wi = 0; wi < NR_WIDTHS; wi++) {
		unsigned int n = widths[wi], c;
		struct kaff_cpumask *a = mask_new(n), *b = mask_new(n), *z = mask_new(n);
		struct kaff_cpumask *na = mask_new(n);

		fill(a, 2, &seed);
		kaff_cpumask_complement(na, a);
		for (c = 0; c < n; c += (n > 1100 ? 29 : 1)) {
			kaff_cpumask_copy(b, a);
			if (kaff_cpumask_test_cpu(c, b))
				kaff_cpumask_clear_cpu(c, b);
			else
				kaff_cpumask_set_cpu(c, b);
			assert_false(kaff_cpumask_equal(a, b));
			assert_false(kaff_cpumask_equal(b, a));
			/* subset: a \ {c} is in a; a + {c} is not */
			assert_int_equal(kaff_cpumask_subset(b, a), !kaff_cpumask_test_cpu(c, b));
			/* ~a and a meet nowhere; ~a + {c} meets a at c only */
			kaff_cpumask_copy(b, na);
			kaff_cpumask_set_cpu(c, b);
			assert_int_equal(kaff_cpumask_intersects(a, b), kaff_cpumask_test_cpu(c, a));
			/* a single CPU: empty, first, weight */
			kaff_cpumask_clear(z);
			assert_true(kaff_cpumask_empty(z));
			kaff_cpumask_set_cpu(c, z);
			assert_false(kaff_cpumask_empty(z));
			assert_int_equal(kaff_cpumask_first(z), c);
			assert_int_equal(kaff_cpumask_weight(z), 1);
		}
		assert_false(kaff_cpumask_intersects(a, na));
		kaff_cpumask_free(a);
		kaff_cpumask_free(b);
		kaff_cpumask_free(z);
		kaff_cpumask_free(na);
	}
}

/* dst == a, dst == b, dst == src */
static void test_in_place(void **state)
{
	uint64_t seed = 9;
	size_t wi;

	(void)state;
	for (wi = 0; wi < NR_WIDTHS; wi++) {
		unsigned int n = widths[wi], i;
		struct kaff_cpumask *a = mask_new(n), *b = mask_new(n), *r = mask_new(n);
		struct kaff_cpumask *x = mask_new(n);

		fill(a, 2, &seed);
		fill(b, 6, &seed);
		kaff_cpumask_and(r, a, b);
		kaff_cpumask_copy(x, a);
		kaff_cpumask_and(x, x, b);
		assert_true(kaff_cpumask_equal(x, r));
		kaff_cpumask_andnot(r, a, b);
		kaff_cpumask_copy(x, b);
		kaff_cpumask_andnot(x, a, x);
		assert_true(kaff_cpumask_equal(x, r));
		kaff_cpumask_or(r, a, b);
		kaff_cpumask_copy(x, a);
		kaff_cpumask_or(x, x, b);
		assert_true(kaff_cpumask_equal(x, r));
		kaff_cpumask_xor(x, x, x);
		assert_true(kaff_cpumask_empty(x));
		kaff_cpumask_copy(x, a);
		kaff_cpumask_copy(x, x);
		assert_true(kaff_cpumask_equal(x, a));
		kaff_cpumask_setall(x);
		assert_int_equal(kaff_cpumask_weight(x), n);
		assert_tail_clean(x);
		for (i = 0; i < n; i++)
			assert_true(kaff_cpumask_test_cpu(i, x));
		kaff_cpumask_free(a);
		kaff_cpumask_free(b);
		kaff_cpumask_free(r);
		kaff_cpumask_free(x);
	}
}

/* ---- the kernel's bitmap_parselist(), lib/bitmap-str.c (v6.14), ported */

struct kregion {
	unsigned int start, off, group_len, end, nbits;
};

/* lib/ctype.c: isspace() is the six ASCII spaces and 0xA0 */
static bool k_isspace(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (unsigned char)c == 0xa0;
}

static bool k_end_of_str(char c)
{
	return c == '\0' || c == '\n';
}

static bool k___end_of_region(char c)
{
	return k_isspace(c) || c == ',';
}

static bool k_end_of_region(char c)
{
	return k___end_of_region(c) || k_end_of_str(c);
}

/* *err set on error; lib/kstrtox.c: _parse_integer() saturates with a flag */
static const char *k_getnum(const char *str, unsigned int *num, unsigned int lastbit,
			    int *err)
{
	unsigned long long n = 0;
	unsigned int len = 0;
	bool overflow = false;

	if (str[0] == 'N') {
		*num = lastbit;
		return str + 1;
	}
	while (str[len] >= '0' && str[len] <= '9') {
		unsigned int d = (unsigned int)(str[len] - '0');

		if (n > (ULLONG_MAX - d) / 10)
			overflow = true;
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
	return str + len;
}

static const char *k_find_region(const char *str)
{
	while (k___end_of_region(*str))
		str++;
	return k_end_of_str(*str) ? NULL : str;
}

static const char *k_parse_region(const char *str, struct kregion *r, int *err)
{
	unsigned int lastbit = r->nbits - 1;

	if (tolower((unsigned char)str[0]) == 'a' && tolower((unsigned char)str[1]) == 'l' &&
	    tolower((unsigned char)str[2]) == 'l') {
		r->start = 0;
		r->end = lastbit;
		str += 3;
		goto check_pattern;
	}
	str = k_getnum(str, &r->start, lastbit, err);
	if (!str)
		return NULL;
	if (k_end_of_region(*str))
		goto no_end;
	if (*str != '-') {
		*err = -EINVAL;
		return NULL;
	}
	str = k_getnum(str + 1, &r->end, lastbit, err);
	if (!str)
		return NULL;
check_pattern:
	if (k_end_of_region(*str))
		goto no_pattern;
	if (*str != ':') {
		*err = -EINVAL;
		return NULL;
	}
	str = k_getnum(str + 1, &r->off, lastbit, err);
	if (!str)
		return NULL;
	if (*str != '/') {
		*err = -EINVAL;
		return NULL;
	}
	return k_getnum(str + 1, &r->group_len, lastbit, err);
no_end:
	r->end = r->start;
no_pattern:
	r->off = r->end + 1;
	r->group_len = r->end + 1;
	return k_end_of_str(*str) ? "" : str;  /* "": the parse ends */
}

static int k_check_region(const struct kregion *r)
{
	if (r->start > r->end || r->group_len == 0 || r->off > r->group_len)
		return -EINVAL;
	if (r->end >= r->nbits)
		return -ERANGE;
	return 0;
}

static void k_set_region(const struct kregion *r, unsigned char *bits)
{
	unsigned long start;

	for (start = r->start; start <= r->end; start += r->group_len) {
		unsigned long k, len = r->end - start + 1;

		if (len > r->off)
			len = r->off;
		for (k = 0; k < len; k++)
			bits[start + k] = 1;
	}
}

static int k_parselist(const char *buf, unsigned char *bits, unsigned int nbits)
{
	struct kregion r;
	int err = 0, ret;

	r.nbits = nbits;
	memset(bits, 0, nbits);
	while (buf) {
		buf = k_find_region(buf);
		if (!buf)
			return 0;
		buf = k_parse_region(buf, &r, &err);
		if (!buf)
			return err;
		ret = k_check_region(&r);
		if (ret)
			return ret;
		k_set_region(&r, bits);
		if (!*buf)
			buf = NULL;
	}
	return 0;
}

static const char *const tokens[] = {
	",", ",", ",", "-", "-", ":", "/", " ", "\n", "\t", "\xa0", "N", "all", "ALL",
	"x", "0", "1", "7", "63", "64", "65", "127", "511", "512", "1023",
	"4095", "8191", "8192", "99999", "123456789", "1234567890", "4294967295",
	"4294967296", "99999999999999999999999", "00000000000000000000000012",
};

#define NR_TOKENS (sizeof(tokens) / sizeof(tokens[0]))

static void append_token(char *s, size_t len, uint64_t *seed, unsigned int nbits)
{
	char num[32];
	uint64_t r = rnd(seed) % (NR_TOKENS + 12);

	if (r < NR_TOKENS) {
		strncat(s, tokens[r], len - strlen(s) - 1);
	} else {
		/* a CPU near the width, or a list-like pair */
		if (r % 3 == 0)
			snprintf(num, sizeof(num), "%u", (unsigned int)(rnd(seed) % (nbits + 3)));
		else if (r % 3 == 1)
			snprintf(num, sizeof(num), "%u-%u", (unsigned int)(rnd(seed) % nbits),
				 (unsigned int)(rnd(seed) % (nbits + 2)));
		else
			snprintf(num, sizeof(num), "%u,", (unsigned int)(rnd(seed) % nbits));
		strncat(s, num, len - strlen(s) - 1);
	}
}

static void test_parse_vs_kernel(void **state)
{
	static const unsigned int pw[] = { 1, 2, 64, 100, 513, 4096, 8192 };
	uint64_t seed = 1234;
	size_t wi;

	(void)state;
	for (wi = 0; wi < sizeof(pw) / sizeof(pw[0]); wi++) {
		unsigned int n = pw[wi], it, i;
		struct kaff_cpumask *m = mask_new(n);
		unsigned char *bits = malloc(n);

		assert_non_null(bits);
		for (it = 0; it < 4000; it++) {
			char s[200] = "";
			unsigned int ntok = (unsigned int)(rnd(&seed) % 10);
			int want, got;

			while (ntok--)
				append_token(s, sizeof(s), &seed, n);
			want = k_parselist(s, bits, n);
			got = kaff_cpulist_parse(s, m);
			if (want != got)
				fail_msg("nbits %u, \"%s\": kernel %d, libkaff %d", n, s, want, got);
			for (i = 0; i < n; i++)
				if (bits[i] != kaff_cpumask_test_cpu(i, m))
					fail_msg("nbits %u, \"%s\": CPU %u differs", n, s, i);
			assert_tail_clean(m);
		}
		kaff_cpumask_free(m);
		free(bits);
	}
}

/* %*pbl, bit by bit */
static size_t naive_print(char *buf, size_t len, const struct kaff_cpumask *m)
{
	char tmp[40];
	size_t pos = 0, k;
	unsigned int i = 0, n = m->nbits;

	while (i < n) {
		unsigned int lo, hi;
		int t;

		if (!ref_test(m, i)) {
			i++;
			continue;
		}
		lo = i;
		while (i < n && ref_test(m, i))
			i++;
		hi = i - 1;
		t = hi > lo ? snprintf(tmp, sizeof(tmp), "%s%u-%u", pos ? "," : "", lo, hi)
			    : snprintf(tmp, sizeof(tmp), "%s%u", pos ? "," : "", lo);
		for (k = 0; k < (size_t)t; k++, pos++)
			if (pos + 1 < len)
				buf[pos] = tmp[k];
	}
	if (len)
		buf[pos < len ? pos : len - 1] = '\0';
	return pos;
}

static void test_print_vs_naive(void **state)
{
	uint64_t seed = 99;
	size_t wi;
	char *want = malloc(1 << 16), *got = malloc(1 << 16);

	(void)state;
	assert_non_null(want);
	assert_non_null(got);
	for (wi = 0; wi < NR_WIDTHS; wi++) {
		unsigned int n = widths[wi];
		struct kaff_cpumask *m = mask_new(n), *back = mask_new(n);
		int kind;

		for (kind = 0; kind < NR_KINDS + 3; kind++) {
			size_t wl, gl, cut;

			if (kind < NR_KINDS) {
				fill(m, kind, &seed);
			} else {
				/* runs of random lengths, across word boundaries */
				unsigned int c = 0;

				kaff_cpumask_clear(m);
				while (c < n) {
					unsigned int run = (unsigned int)(rnd(&seed) % (kind * 40u)) + 1;
					unsigned int gap = (unsigned int)(rnd(&seed) % 130);

					for (; run && c < n; run--, c++)
						kaff_cpumask_set_cpu(c, m);
					c += gap;
				}
			}
			wl = naive_print(want, 1 << 16, m);
			gl = kaff_cpulist_snprint(got, 1 << 16, m);
			assert_int_equal(gl, wl);
			assert_string_equal(got, want);
			assert_int_equal(kaff_cpulist_parse(got, back), 0);
			assert_true(kaff_cpumask_equal(back, m));
			/* truncated: snprintf semantics at every short length */
			for (cut = 0; cut <= wl + 1; cut = cut < 24 || cut + 4 > wl ? cut + 1 : wl - 3) {
				memset(got, 'Z', cut + 2);
				assert_int_equal(kaff_cpulist_snprint(cut ? got : NULL, cut, m), wl);
				if (cut) {
					assert_int_equal(strlen(got), cut - 1 < wl ? cut - 1 : wl);
					assert_memory_equal(got, want, strlen(got));
				}
				/* nothing written at or past @len */
				assert_int_equal(got[cut], 'Z');
				assert_int_equal(got[cut + 1], 'Z');
			}
		}
		kaff_cpumask_free(m);
		kaff_cpumask_free(back);
	}
	free(want);
	free(got);
}

/* nbits 0: no word at all may be read or written (valgrind, ASan) */
static void test_zero_width(void **state)
{
	struct kaff_cpumask *a = mask_new(0), *b = mask_new(0), *d = mask_new(0);
	char buf[4] = "xyz";

	(void)state;
	assert_false(kaff_cpumask_and(d, a, b));
	kaff_cpumask_or(d, a, b);
	assert_false(kaff_cpumask_andnot(d, a, b));
	kaff_cpumask_xor(d, a, b);
	kaff_cpumask_copy(d, a);
	kaff_cpumask_complement(d, a);
	kaff_cpumask_setall(d);
	kaff_cpumask_clear(d);
	assert_true(kaff_cpumask_empty(a));
	assert_true(kaff_cpumask_full(a));
	assert_true(kaff_cpumask_equal(a, b));
	assert_true(kaff_cpumask_subset(a, b));
	assert_false(kaff_cpumask_intersects(a, b));
	assert_int_equal(kaff_cpumask_weight(a), 0);
	assert_int_equal(kaff_cpumask_first(a), 0);
	assert_int_equal(kaff_cpumask_last(a), 0);
	assert_int_equal(kaff_cpumask_next(0, a), 0);
	assert_int_equal(kaff_cpulist_snprint(buf, sizeof(buf), a), 0);
	assert_string_equal(buf, "");
	assert_int_equal(kaff_cpulist_parse("", a), 0);
	assert_int_equal(kaff_cpulist_parse("0", a), -ERANGE);
	kaff_cpumask_free(a);
	kaff_cpumask_free(b);
	kaff_cpumask_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zero_width),
		cmocka_unit_test(test_mask_ops),
		cmocka_unit_test(test_one_difference),
		cmocka_unit_test(test_in_place),
		cmocka_unit_test(test_parse_vs_kernel),
		cmocka_unit_test(test_print_vs_naive),
	};

	return cmocka_run_group_tests_name("bitmap-diff", tests, NULL, NULL);
}
