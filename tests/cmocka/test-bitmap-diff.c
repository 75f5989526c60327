/* SPDX-License-Identifier: MIT */
/*
 * Differential tests of the fast paths of src/cpumask.c, src/bitmap*.c and
 * src/cpulist.c against the kernel's own code (tests/common/bitmap-ref.c:
 * lib/bitmap.c, lib/find_bit.c, lib/bitmap-str.c, lib/vsprintf.c):
 *
 *  - every mask operation, at widths around each path's boundary (1 word,
 *    the 8-word SIMD threshold, 12-15 words for AVX2's 4-word tail, 16-word
 *    blocks, 8192), on masks with one
 *    difference placed at every word, in place (dst == src) too;
 *  - kaff_cpulist_parse() against bitmap_parselist(), on random strings;
 *  - kaff_cpulist_snprint() against bitmap_list_string() (%*pbl),
 *    truncation too.
 *
 * Built three times (tests/meson.build): against the library as it is
 * (AVX2, AVX-512 and POPCNT paths where the CPU has them; valgrind hides
 * AVX-512), with src/cpumask.c, src/bitmap*.c and src/cpulist.c compiled with
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

#include "bitmap-ref.h"

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

/* the kernel's result words for @n bits (the tail of the last word may
 * differ: libkaff's is clean, which assert_tail_clean() checks) */
static void assert_words_equal(const unsigned long *got, const unsigned long *want,
			       unsigned int n, const char *op)
{
	if (!ref___bitmap_equal(got, want, n))
		fail_msg("%s, %u bits: libkaff and the kernel differ", op, n);
}

static void check_binops(const struct kaff_cpumask *a, const struct kaff_cpumask *b,
			 struct kaff_cpumask *d, unsigned long *want)
{
	unsigned int i, n = a->nbits;
	unsigned long c;

	assert_int_equal(kaff_cpumask_and(d, a, b), ref___bitmap_and(want, a->bits, b->bits, n));
	assert_words_equal(d->bits, want, n, "and");
	assert_tail_clean(d);
	assert_int_equal(kaff_cpumask_andnot(d, a, b),
			 ref___bitmap_andnot(want, a->bits, b->bits, n));
	assert_words_equal(d->bits, want, n, "andnot");
	assert_tail_clean(d);
	kaff_cpumask_or(d, a, b);
	ref___bitmap_or(want, a->bits, b->bits, n);
	assert_words_equal(d->bits, want, n, "or");
	kaff_cpumask_xor(d, a, b);
	ref___bitmap_xor(want, a->bits, b->bits, n);
	assert_words_equal(d->bits, want, n, "xor");
	assert_tail_clean(d);

	assert_int_equal(kaff_cpumask_subset(a, b), ref___bitmap_subset(a->bits, b->bits, n));
	assert_int_equal(kaff_cpumask_intersects(a, b),
			 ref___bitmap_intersects(a->bits, b->bits, n));
	assert_int_equal(kaff_cpumask_equal(a, b), ref___bitmap_equal(a->bits, b->bits, n));

	/* first_and / next_and walk: find_first_and_bit() is
	 * find_next_and_bit() from 0 */
	i = kaff_cpumask_first_and(a, b);
	for (c = ref__find_next_and_bit(a->bits, b->bits, n, 0); c < n;
	     c = ref__find_next_and_bit(a->bits, b->bits, n, c + 1)) {
		assert_int_equal(i, c);
		i = kaff_cpumask_next_and(i, a, b);
	}
	assert_int_equal(i, n);
}

static void check_unops(const struct kaff_cpumask *a, struct kaff_cpumask *d,
			unsigned long *want)
{
	unsigned int i, n = a->nbits;
	unsigned long c;

	assert_int_equal(kaff_cpumask_weight(a), ref___bitmap_weight(a->bits, n));
	assert_int_equal(kaff_cpumask_empty(a), ref_bitmap_empty(a->bits, n));
	assert_int_equal(kaff_cpumask_full(a), ref_bitmap_full(a->bits, n));
	assert_int_equal(kaff_cpumask_first(a), ref__find_first_bit(a->bits, n));
	assert_int_equal(kaff_cpumask_last(a), ref__find_last_bit(a->bits, n));
	i = kaff_cpumask_first(a);
	for (c = ref__find_first_bit(a->bits, n); c < n; c = ref__find_next_bit(a->bits, n, c + 1)) {
		assert_int_equal(i, c);
		i = kaff_cpumask_next(i, a);
	}
	assert_int_equal(i, n);

	kaff_cpumask_copy(d, a);
	assert_true(kaff_cpumask_equal(d, a));
	assert_memory_equal(d->bits, a->bits, KAFF_BITS_TO_LONGS(n) * sizeof(long));
	kaff_cpumask_complement(d, a);
	ref___bitmap_complement(want, a->bits, n);
	assert_words_equal(d->bits, want, n, "complement");
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
		unsigned long *want = malloc(KAFF_BITS_TO_LONGS(n) * sizeof(long));
		int ka, kb;

		assert_non_null(want);
		for (ka = 0; ka < NR_KINDS; ka++) {
			fill(a, ka, &seed);
			check_unops(a, d, want);
			for (kb = 0; kb < NR_KINDS; kb++) {
				fill(b, kb, &seed);
				check_binops(a, b, d, want);
			}
		}
		free(want);
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

/* ---- parse and print against the kernel */

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
		unsigned long *bits = malloc(KAFF_BITS_TO_LONGS(n) * sizeof(long));

		assert_non_null(bits);
		for (it = 0; it < 4000; it++) {
			char s[200] = "";
			unsigned int ntok = (unsigned int)(rnd(&seed) % 10);
			int want, got;

			while (ntok--)
				append_token(s, sizeof(s), &seed, n);
			want = ref_bitmap_parselist(s, bits, (int)n);
			got = kaff_cpulist_parse(s, m);
			if (want != got)
				fail_msg("nbits %u, \"%s\": kernel %d, libkaff %d", n, s, want, got);
			/* the regions set before an error too */
			for (i = 0; i < n; i++)
				if (((bits[i / BPL] >> (i % BPL)) & 1UL) != kaff_cpumask_test_cpu(i, m))
					fail_msg("nbits %u, \"%s\": CPU %u differs", n, s, i);
			assert_tail_clean(m);
		}
		kaff_cpumask_free(m);
		free(bits);
	}
}

static void test_print_vs_kernel(void **state)
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
			wl = ref_bitmap_list_string(want, 1 << 16, m->bits, (int)n);
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
		cmocka_unit_test(test_print_vs_kernel),
	};

	return cmocka_run_group_tests_name("bitmap-diff", tests, NULL, NULL);
}
