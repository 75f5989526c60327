/* SPDX-License-Identifier: MIT */
/*
 * libkaff bitmap, x86-64: the AVX2, AVX-512 and POPCNT loops behind the
 * cpumask operations on big masks (KAFF__BITMAP_BIG words and more), and
 * the entry points that choose between them and their portable twins in
 * bitmap.c, which compute the same.
 *
 * docs/performance.md has the measurements behind each choice: the AVX2
 * loops from 8 words on, AVX-512 for copy (below COPY_MEMMOVE_WORDS) and
 * the scans, AVX512-VPOPCNTDQ or POPCNT for weight (Debian's baseline
 * x86-64 target has none of these, so each function names its target).
 */
#include <string.h>

#include "bitmap-private.h"

#ifdef KAFF_X86_SIMD
#include <immintrin.h>

/* From this many words on (4096 CPUs), copy calls memmove (glibc's):
 * below it our AVX-512 loop won; the AVX2 loop won below 16 words only */
#define COPY_MEMMOVE_WORDS 64
#define COPY_AVX2_WORDS 16

/*
 * The vector scans start at a 64-byte line boundary, reached word by word
 * (a vector load across two lines cost twice one within a line). The
 * index of the first word != @fill or at the boundary; n - i >=
 * KAFF__BITMAP_BIG (8 words, 64 bytes), so that index is < n.
 */
static size_t line_head(const unsigned long *a, size_t i, unsigned long fill)
{
	for (; (uintptr_t)(const void *)(a + i) % 64; i++)
		if (a[i] != fill)
			break;
	return i;
}

#define AVX2 __attribute__((target("avx2")))
#define LD(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))
#define ST(p, v) _mm256_storeu_si256((__m256i *)(void *)(p), (v))

/* the AVX2 loops: n >= 4 words; 8 words a turn, then 4, then single words */

/*
 * d = a & b, or a & ~b when @not_b (a constant in each caller, so each
 * gets its own loop): true when d is not empty.
 */
AVX2 __attribute__((always_inline))
static inline bool and_maybe_not_avx2(unsigned long *d, const unsigned long *a,
				      const unsigned long *b, size_t n, bool not_b)
{
/* _mm256_andnot_si256(x, y) is ~x & y */
#define OP(k) (not_b ? _mm256_andnot_si256(LD(b + (k)), LD(a + (k))) \
		     : _mm256_and_si256(LD(a + (k)), LD(b + (k))))
	__m256i acc0 = _mm256_setzero_si256(), acc1 = acc0;
	unsigned long any = 0;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		__m256i x0 = OP(i);
		__m256i x1 = OP(i + 4);

		ST(d + i, x0);
		ST(d + i + 4, x1);
		acc0 = _mm256_or_si256(acc0, x0);
		acc1 = _mm256_or_si256(acc1, x1);
	}
	if (i + 4 <= n) {
		__m256i x0 = OP(i);

		ST(d + i, x0);
		acc0 = _mm256_or_si256(acc0, x0);
		i += 4;
	}
#undef OP
	for (; i < n; i++)
		any |= d[i] = a[i] & (not_b ? ~b[i] : b[i]);
	acc0 = _mm256_or_si256(acc0, acc1);
	return any || !_mm256_testz_si256(acc0, acc0);
}

AVX2 static bool and_avx2(unsigned long *d, const unsigned long *a,
			  const unsigned long *b, size_t n)
{
	return and_maybe_not_avx2(d, a, b, n, false);
}

AVX2 static bool andnot_avx2(unsigned long *d, const unsigned long *a,
			     const unsigned long *b, size_t n)
{
	return and_maybe_not_avx2(d, a, b, n, true);
}

AVX2 static void or_avx2(unsigned long *d, const unsigned long *a,
			 const unsigned long *b, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		__m256i x0 = _mm256_or_si256(LD(a + i), LD(b + i));
		__m256i x1 = _mm256_or_si256(LD(a + i + 4), LD(b + i + 4));

		ST(d + i, x0);
		ST(d + i + 4, x1);
	}
	if (i + 4 <= n) {
		ST(d + i, _mm256_or_si256(LD(a + i), LD(b + i)));
		i += 4;
	}
	for (; i < n; i++)
		d[i] = a[i] | b[i];
}

AVX2 static void xor_avx2(unsigned long *d, const unsigned long *a,
			  const unsigned long *b, size_t n)
{
	size_t i = 0;

	for (; i + 4 <= n; i += 4)
		ST(d + i, _mm256_xor_si256(LD(a + i), LD(b + i)));
	for (; i < n; i++)
		d[i] = a[i] ^ b[i];
}

/*
 * The predicates test 16 words (four vectors) a turn: @op combines a
 * vector of @a with one of @b into bits that, when any is set, end the
 * scan. Then whole words for the rest.
 */
#define SCAN_AVX2(name, vop, wop)                                              \
	AVX2 static bool name(const unsigned long *a, const unsigned long *b,  \
			      size_t n)                                        \
	{                                                                      \
		size_t i = 0;                                                  \
                                                                               \
		for (; i + 16 <= n; i += 16) {                                 \
			__m256i x0 = vop(LD(a + i), LD(b + i));                \
			__m256i x1 = vop(LD(a + i + 4), LD(b + i + 4));        \
			__m256i x2 = vop(LD(a + i + 8), LD(b + i + 8));        \
			__m256i x3 = vop(LD(a + i + 12), LD(b + i + 12));      \
                                                                               \
			x0 = _mm256_or_si256(_mm256_or_si256(x0, x1),          \
					     _mm256_or_si256(x2, x3));         \
			if (!_mm256_testz_si256(x0, x0))                       \
				return true;                                   \
		}                                                              \
		for (; i + 4 <= n; i += 4) {                                   \
			__m256i x0 = vop(LD(a + i), LD(b + i));                \
                                                                               \
			if (!_mm256_testz_si256(x0, x0))                       \
				return true;                                   \
		}                                                              \
		for (; i < n; i++)                                             \
			if (wop(a[i], b[i]))                                   \
				return true;                                   \
		return false;                                                  \
	}

/* ~x & y, as _mm256_andnot_si256(x, y) */
#define V_DIFF(a, b) _mm256_andnot_si256((b), (a))
#define W_DIFF(a, b) ((a) & ~(b))
#define W_AND(a, b) ((a) & (b))
#define W_XOR(a, b) ((a) ^ (b))

SCAN_AVX2(any_xor_avx2, _mm256_xor_si256, W_XOR)     /* !equal */
SCAN_AVX2(any_andnot_avx2, V_DIFF, W_DIFF)           /* !subset */
SCAN_AVX2(any_and_avx2, _mm256_and_si256, W_AND)     /* intersects */

/* 1 in bit k for each of the 4 words of @v equal to @f */
#define EQ4(v, f) \
	((unsigned int)_mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpeq_epi64((v), (f)))))

/*
 * The first index i >= start with a[i] != fill, or n. A block of 16 words
 * whose words all equal @fill costs four compares and one test; the first
 * block that does not says which word from its compare masks, with no
 * second scan.
 */
AVX2 static size_t find_not_avx2(const unsigned long *a, size_t i, size_t n,
				 unsigned long fill)
{
	const __m256i f = _mm256_set1_epi64x((long long)fill);

	for (; i + 16 <= n; i += 16) {
		__m256i e0 = _mm256_cmpeq_epi64(LD(a + i), f);
		__m256i e1 = _mm256_cmpeq_epi64(LD(a + i + 4), f);
		__m256i e2 = _mm256_cmpeq_epi64(LD(a + i + 8), f);
		__m256i e3 = _mm256_cmpeq_epi64(LD(a + i + 12), f);
		__m256i all = _mm256_and_si256(_mm256_and_si256(e0, e1), _mm256_and_si256(e2, e3));

		if (_mm256_movemask_epi8(all) != -1) {
			unsigned int eq = (unsigned int)_mm256_movemask_pd(_mm256_castsi256_pd(e0)) |
					  (unsigned int)_mm256_movemask_pd(_mm256_castsi256_pd(e1)) << 4 |
					  (unsigned int)_mm256_movemask_pd(_mm256_castsi256_pd(e2)) << 8 |
					  (unsigned int)_mm256_movemask_pd(_mm256_castsi256_pd(e3)) << 12;

			return i + (size_t)__builtin_ctz(~eq);
		}
	}
	for (; i + 4 <= n; i += 4) {
		unsigned int eq = EQ4(LD(a + i), f);

		if (eq != 0xf)
			return i + (size_t)__builtin_ctz(~eq);
	}
	for (; i < n; i++)
		if (a[i] != fill)
			break;
	return i;
}

AVX2 static void copy_avx2(unsigned long *d, const unsigned long *a, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		__m256i x0 = LD(a + i), x1 = LD(a + i + 4);

		ST(d + i, x0);
		ST(d + i + 4, x1);
	}
	if (i + 4 <= n) {
		ST(d + i, LD(a + i));
		i += 4;
	}
	for (; i < n; i++)
		d[i] = a[i];
}

#define AVX512 __attribute__((target("avx512f")))

/* 8 words a step, the last 1 .. 7 through masked loads and stores */
AVX512 static void copy_avx512(unsigned long *d, const unsigned long *a, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8)
		_mm512_storeu_si512(d + i, _mm512_loadu_si512(a + i));
	if (i < n) {
		__mmask8 k = (__mmask8)((1u << (n - i)) - 1);

		_mm512_mask_storeu_epi64(d + i, k, _mm512_maskz_loadu_epi64(k, a + i));
	}
}

/* find_not_avx2() with 512-bit compares into masks */
AVX512 static size_t find_not_avx512(const unsigned long *a, size_t i, size_t n,
				     unsigned long fill)
{
	const __m512i f = _mm512_set1_epi64((long long)fill);

	/* 32 words a step: (a0 ^ f) | (a1 ^ f) is one ternary-logic op
	 * (0x7e: true unless all three inputs are equal) */
	for (; i + 32 <= n; i += 32) {
		__m512i t0 = _mm512_ternarylogic_epi64(_mm512_loadu_si512(a + i),
						       _mm512_loadu_si512(a + i + 8), f, 0x7e);
		__m512i t1 = _mm512_ternarylogic_epi64(_mm512_loadu_si512(a + i + 16),
						       _mm512_loadu_si512(a + i + 24), f, 0x7e);

		if (_mm512_test_epi64_mask(t0, t0) | _mm512_test_epi64_mask(t1, t1))
			break;  /* the 16-word steps below say which word */
	}
	for (; i + 16 <= n; i += 16) {
		unsigned int k = (unsigned int)_mm512_cmpneq_epi64_mask(_mm512_loadu_si512(a + i), f) |
				 (unsigned int)_mm512_cmpneq_epi64_mask(_mm512_loadu_si512(a + i + 8), f) << 8;

		if (k)
			return i + (size_t)__builtin_ctz(k);
	}
	if (i < n) {
		/* the last 1 .. 15 words: masked loads read nothing past n */
		size_t r = n - i;
		__mmask8 k0 = (__mmask8)(r >= 8 ? 0xff : (1u << r) - 1);
		__mmask8 k1 = (__mmask8)(r > 8 ? (1u << (r - 8)) - 1 : 0);
		unsigned int k = (unsigned int)_mm512_mask_cmpneq_epi64_mask(
					 k0, _mm512_maskz_loadu_epi64(k0, a + i), f) |
				 (unsigned int)_mm512_mask_cmpneq_epi64_mask(
					 k1, _mm512_maskz_loadu_epi64(k1, a + i + 8), f) << 8;

		return k ? i + (size_t)__builtin_ctz(k) : n;
	}
	return n;
}

__attribute__((target("avx512f,avx512vpopcntdq")))
static unsigned int weight_avx512(const unsigned long *a, size_t n)
{
	__m512i acc0 = _mm512_setzero_si512(), acc1 = acc0;
	size_t i = 0;

	for (; i + 16 <= n; i += 16) {
		acc0 = _mm512_add_epi64(acc0, _mm512_popcnt_epi64(_mm512_loadu_si512(a + i)));
		acc1 = _mm512_add_epi64(acc1, _mm512_popcnt_epi64(_mm512_loadu_si512(a + i + 8)));
	}
	if (i < n) {
		/* the last 1 .. 15 words, through masked loads */
		size_t r = n - i;
		__mmask8 k0 = (__mmask8)(r >= 8 ? 0xff : (1u << r) - 1);
		__mmask8 k1 = (__mmask8)(r > 8 ? (1u << (r - 8)) - 1 : 0);

		acc0 = _mm512_add_epi64(acc0, _mm512_popcnt_epi64(
						      _mm512_maskz_loadu_epi64(k0, a + i)));
		if (k1)
			acc1 = _mm512_add_epi64(acc1, _mm512_popcnt_epi64(
							      _mm512_maskz_loadu_epi64(k1, a + i + 8)));
	}
	return (unsigned int)_mm512_reduce_add_epi64(_mm512_add_epi64(acc0, acc1));
}

__attribute__((target("popcnt")))
static unsigned int weight_popcnt(const unsigned long *a, size_t n)
{
	uint64_t w0 = 0, w1 = 0, w2 = 0, w3 = 0;
	size_t i = 0;

	for (; i + 4 <= n; i += 4) {
		w0 += (uint64_t)__builtin_popcountll(a[i]);
		w1 += (uint64_t)__builtin_popcountll(a[i + 1]);
		w2 += (uint64_t)__builtin_popcountll(a[i + 2]);
		w3 += (uint64_t)__builtin_popcountll(a[i + 3]);
	}
	for (; i < n; i++)
		w0 += (uint64_t)__builtin_popcountll(a[i]);
	return (unsigned int)(w0 + w1 + w2 + w3);
}

/*
 * The entry points (bitmap-private.h): the one place that asks the CPU
 * what it has, with __builtin_cpu_supports(): a load and a bit test of
 * libgcc's __cpu_model, which libgcc's constructor fills once before
 * main(). libkaff keeps no state of its own (no pointer set at start-up);
 * before that constructor has run (a constructor calling libkaff), every
 * answer is no and the portable loops run. Each entry tests only what its
 * loop needs: a table of pointers chosen by the same tests cost 1.2x to
 * 1.5x at 256 to 1024 bits (docs/performance.md).
 */
static bool have_popcnt(void)
{
	return __builtin_cpu_supports("popcnt");
}

static bool have_avx2(void)
{
	return __builtin_cpu_supports("avx2");
}

/* KAFF_NO_AVX512: a build that stops at AVX2 (the tests build one, so
 * that an AVX-512 machine also runs the AVX2 loops) */
static bool have_avx512(void)
{
#ifdef KAFF_NO_AVX512
	return false;
#else
	return __builtin_cpu_supports("avx512f");
#endif
}

static bool have_avx512_popcnt(void)
{
#ifdef KAFF_NO_AVX512
	return false;
#else
	return __builtin_cpu_supports("avx512vpopcntdq");
#endif
}

bool kaff__bitmap_and(unsigned long *d, const unsigned long *a, const unsigned long *b,
		      size_t n)
{
	return have_avx2() ? and_avx2(d, a, b, n) : kaff__bitmap_and_generic(d, a, b, n);
}

bool kaff__bitmap_andnot(unsigned long *d, const unsigned long *a, const unsigned long *b,
			 size_t n)
{
	return have_avx2() ? andnot_avx2(d, a, b, n) : kaff__bitmap_andnot_generic(d, a, b, n);
}

void kaff__bitmap_or(unsigned long *d, const unsigned long *a, const unsigned long *b,
		     size_t n)
{
	have_avx2() ? or_avx2(d, a, b, n) : kaff__bitmap_or_generic(d, a, b, n);
}

void kaff__bitmap_xor(unsigned long *d, const unsigned long *a, const unsigned long *b,
		      size_t n)
{
	have_avx2() ? xor_avx2(d, a, b, n) : kaff__bitmap_xor_generic(d, a, b, n);
}

/* Below COPY_MEMMOVE_WORDS, a loop of ours beat the call to memmove:
 * AVX-512 up to 63 words, AVX2 up to 15 */
void kaff__bitmap_copy(unsigned long *d, const unsigned long *a, size_t n)
{
	if (n < COPY_MEMMOVE_WORDS && have_avx512())
		copy_avx512(d, a, n);
	else if (n < COPY_AVX2_WORDS && have_avx2())
		copy_avx2(d, a, n);
	else
		kaff__bitmap_copy_generic(d, a, n);
}

bool kaff__bitmap_any_xor(const unsigned long *a, const unsigned long *b, size_t n)
{
	return have_avx2() ? any_xor_avx2(a, b, n) : kaff__bitmap_any_xor_generic(a, b, n);
}

bool kaff__bitmap_any_andnot(const unsigned long *a, const unsigned long *b, size_t n)
{
	return have_avx2() ? any_andnot_avx2(a, b, n) : kaff__bitmap_any_andnot_generic(a, b, n);
}

bool kaff__bitmap_any_and(const unsigned long *a, const unsigned long *b, size_t n)
{
	return have_avx2() ? any_and_avx2(a, b, n) : kaff__bitmap_any_and_generic(a, b, n);
}

size_t kaff__bitmap_find_not(const unsigned long *a, size_t start, size_t n,
			     unsigned long fill)
{
	size_t i;

	if (n - start < KAFF__BITMAP_BIG || (!have_avx512() && !have_avx2()))
		return kaff__bitmap_find_not_generic(a, start, n, fill);
	i = line_head(a, start, fill);
	if (a[i] != fill)
		return i;
	return have_avx512() ? find_not_avx512(a, i, n, fill) : find_not_avx2(a, i, n, fill);
}

/*
 * The small weights carry POPCNT themselves, a jump less than a call to
 * weight_popcnt() (at 1 to 4 words, that jump was 1.1x to 1.25x). Nothing
 * runs popcnt before the test: the other path is a call to bitmap.c.
 */
__attribute__((target("popcnt")))
unsigned int kaff__bitmap_hweight_long(unsigned long w)
{
	if (!have_popcnt())
		return kaff__bitmap_hweight_long_generic(w);
	return (unsigned int)__builtin_popcountl(w);
}

__attribute__((target("popcnt")))
unsigned int kaff__bitmap_weight(const unsigned long *a, size_t n)
{
	unsigned int w = 0;
	size_t i;

	if (n >= KAFF__BITMAP_BIG) {
		if (have_avx512_popcnt())
			return weight_avx512(a, n);
		if (have_popcnt())
			return weight_popcnt(a, n);
	} else if (have_popcnt()) {
		/* 2 to 7 words: one count a word, nothing to set up */
		for (i = 0; i < n; i++)
			w += (unsigned int)__builtin_popcountl(a[i]);
		return w;
	}
	return kaff__bitmap_weight_generic(a, n);
}

#endif /* KAFF_X86_SIMD */
