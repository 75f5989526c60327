/* SPDX-License-Identifier: MIT */
/*
 * libkaff cpumask: the operations of the kernel's include/linux/cpumask.h
 * on a run-time sized bitmap of m->nbits CPUs.
 *
 * Invariant: the bits at and above nbits in the last word are always zero.
 * Every operation that could set them (setall, complement) masks the last
 * word, and the others cannot create them from clean inputs, so equality is
 * a word compare and weight/search never see a CPU >= nbits.
 *
 * Speed (docs/performance.md has the measurements): masks of fewer than
 * SIMD_MIN_WORDS words take plain word loops. Larger ones take 256-bit
 * AVX2 loops on x86-64 CPUs that have AVX2 (512-bit AVX-512 for copy and
 * the scans where the CPU has it), and weight takes AVX512-VPOPCNTDQ or
 * POPCNT where the CPU has them (Debian's baseline x86-64 target has none
 * of these). The CPU is
 * asked at each call with __builtin_cpu_supports(), a load and a test of
 * libgcc's __cpu_model, which libgcc fills once before main(): libkaff
 * keeps no state of its own. Before that (a constructor calling us) the
 * portable loops run. gcc's auto-vectorisation of the plain loops made
 * them slower here, so it is turned off for them (no_vectorize).
 */
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libkaff/cpumask.h>

#include "bitmap-private.h"

#if defined(__GNUC__) && defined(__x86_64__) && !defined(KAFF_NO_SIMD)
#define KAFF_X86_SIMD 1
#include <immintrin.h>
#endif

#define BPL KAFF_BITS_PER_LONG

/* From this many words on, the AVX2 loops win (at 4 words they lose). */
#define SIMD_MIN_WORDS 8
/* From this many words on (4096 CPUs), copy calls memmove (glibc's). */
#define COPY_MEMCPY_WORDS 64

#if defined(__GNUC__) && !defined(__clang__)
#define NO_VECTORIZE __attribute__((optimize("no-tree-vectorize")))
#else
#define NO_VECTORIZE
#endif
#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

static size_t nwords(const struct kaff_cpumask *m)
{
	return KAFF_BITS_TO_LONGS(m->nbits);
}

/* The valid bits of the last word (all ones when nbits fills it). */
static unsigned long tail_mask(unsigned int nbits)
{
	unsigned int r = nbits % BPL;

	return r ? ~0UL >> (BPL - r) : ~0UL;
}

static unsigned int ctz_long(unsigned long w)
{
#if defined(__GNUC__)
	return (unsigned int)__builtin_ctzl(w);
#else
	unsigned int n = 0;

	while (!(w & 1UL)) {
		w >>= 1;
		n++;
	}
	return n;
#endif
}

/* index of the highest set bit of a non-zero word */
static unsigned int fls_long(unsigned long w)
{
#if defined(__GNUC__)
	return (unsigned int)(BPL - 1 - (unsigned int)__builtin_clzl(w));
#else
	unsigned int n = 0;

	while (w >>= 1)
		n++;
	return n;
#endif
}

/*
 * Portable popcount. On x86-64 without -mpopcnt, __builtin_popcountl is a
 * call to libgcc's table-driven __popcountdi2; the SWAR count is faster.
 */
static unsigned int popcount_long(unsigned long w)
{
#if defined(__GNUC__) && (!defined(__x86_64__) || defined(__POPCNT__))
	return (unsigned int)__builtin_popcountl(w);
#else
	uint64_t x = (uint64_t)w;

	x = x - ((x >> 1) & 0x5555555555555555ull);
	x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (unsigned int)((x * 0x0101010101010101ull) >> 56);
#endif
}

#ifdef KAFF_X86_SIMD
/* libgcc's __cpu_model: filled by its constructor, read here (no state of ours) */
static inline bool have_avx2(void)
{
	return __builtin_cpu_supports("avx2");
}

static inline bool have_popcnt(void)
{
	return __builtin_cpu_supports("popcnt");
}

#define AVX2 __attribute__((target("avx2")))
#define LD(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))
#define ST(p, v) _mm256_storeu_si256((__m256i *)(void *)(p), (v))

/* the AVX2 loops: n >= 4 words; 8 words a turn, then 4, then single words */

AVX2 static bool and_avx2(unsigned long *d, const unsigned long *a,
			  const unsigned long *b, size_t n)
{
	__m256i acc0 = _mm256_setzero_si256(), acc1 = acc0;
	unsigned long any = 0;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		__m256i x0 = _mm256_and_si256(LD(a + i), LD(b + i));
		__m256i x1 = _mm256_and_si256(LD(a + i + 4), LD(b + i + 4));

		ST(d + i, x0);
		ST(d + i + 4, x1);
		acc0 = _mm256_or_si256(acc0, x0);
		acc1 = _mm256_or_si256(acc1, x1);
	}
	if (i + 4 <= n) {
		__m256i x0 = _mm256_and_si256(LD(a + i), LD(b + i));

		ST(d + i, x0);
		acc0 = _mm256_or_si256(acc0, x0);
		i += 4;
	}
	for (; i < n; i++)
		any |= d[i] = a[i] & b[i];
	acc0 = _mm256_or_si256(acc0, acc1);
	return any || !_mm256_testz_si256(acc0, acc0);
}

AVX2 static bool andnot_avx2(unsigned long *d, const unsigned long *a,
			     const unsigned long *b, size_t n)
{
	__m256i acc0 = _mm256_setzero_si256(), acc1 = acc0;
	unsigned long any = 0;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		/* _mm256_andnot_si256(x, y) is ~x & y */
		__m256i x0 = _mm256_andnot_si256(LD(b + i), LD(a + i));
		__m256i x1 = _mm256_andnot_si256(LD(b + i + 4), LD(a + i + 4));

		ST(d + i, x0);
		ST(d + i + 4, x1);
		acc0 = _mm256_or_si256(acc0, x0);
		acc1 = _mm256_or_si256(acc1, x1);
	}
	if (i + 4 <= n) {
		__m256i x0 = _mm256_andnot_si256(LD(b + i), LD(a + i));

		ST(d + i, x0);
		acc0 = _mm256_or_si256(acc0, x0);
		i += 4;
	}
	for (; i < n; i++)
		any |= d[i] = a[i] & ~b[i];
	acc0 = _mm256_or_si256(acc0, acc1);
	return any || !_mm256_testz_si256(acc0, acc0);
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
SCAN_AVX2(any_diff_avx2, V_DIFF, W_DIFF)             /* !subset */
SCAN_AVX2(any_and_avx2, _mm256_and_si256, W_AND)     /* intersects */

/* 1 in bit k for each of the 4 words of @v equal to @f */
#define EQ4(v, f) ((unsigned int)_mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpeq_epi64((v), (f)))))

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

/* KAFF_NO_AVX512: a build that stops at AVX2 (the tests build one, so that
 * an AVX-512 machine also runs the AVX2 paths) */
static inline bool have_avx512_popcnt(void)
{
#ifdef KAFF_NO_AVX512
	return false;
#else
	return __builtin_cpu_supports("avx512vpopcntdq");
#endif
}

static inline bool have_avx512(void)
{
#ifdef KAFF_NO_AVX512
	return false;
#else
	return __builtin_cpu_supports("avx512f");
#endif
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

/* find_not_avx2(), 16 words a step as two 512-bit compares into masks */
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
#endif /* KAFF_X86_SIMD */

#define SIMD(n) ((n) >= SIMD_MIN_WORDS && have_avx2())

/*
 * Masks of one word (nr_cpu_ids 1 .. 64) are the most common: each
 * operation tests for them first and handles them with no loop and no
 * taken branch. (At one word, a taken branch or a loop set-up is a
 * measurable part of a call.)
 */
#if defined(__GNUC__)
#define ONE_WORD(nbits) __builtin_expect((nbits) - 1u < BPL, 1)
#else
#define ONE_WORD(nbits) ((nbits) - 1u < BPL)
#endif

/*
 * The first bit >= @start of @a (of @a & @b when @b is not NULL), or
 * @nbits when there is none.
 */
static unsigned int find_next(const unsigned long *a, const unsigned long *b,
			      unsigned int nbits, unsigned int start)
{
	size_t i, n = KAFF_BITS_TO_LONGS(nbits);
	unsigned long w;

	if (start >= nbits)
		return nbits;
	i = start / BPL;
	w = a[i];
	if (b)
		w &= b[i];
	w &= ~0UL << (start % BPL);
	for (;;) {
		if (w) {
			/* bits >= nbits are zero, so this is < nbits */
			return (unsigned int)(i * BPL + ctz_long(w));
		}
		if (++i >= n)
			return nbits;
		w = a[i];
		if (b)
			w &= b[i];
	}
}

struct kaff_cpumask *kaff_cpumask_alloc(unsigned int nbits)
{
	/* the words start at the first unsigned long boundary after the struct */
	const size_t off = (sizeof(struct kaff_cpumask) + alignof(unsigned long) - 1) /
			   alignof(unsigned long) * alignof(unsigned long);
	struct kaff_cpumask *m;

	if (nbits > KAFF_NR_CPUS_MAX)
		return NULL;
	m = malloc(off + KAFF_BITS_TO_LONGS(nbits) * sizeof(unsigned long));
	if (!m)
		return NULL;
	m->nbits = nbits;
	m->bits = (unsigned long *)(void *)((char *)m + off);
	kaff_cpumask_clear(m);
	return m;
}

void kaff_cpumask_free(struct kaff_cpumask *m)
{
	free(m);
}

void kaff_cpumask_clear(struct kaff_cpumask *m)
{
	memset(m->bits, 0, nwords(m) * sizeof(unsigned long));
}

void kaff_cpumask_setall(struct kaff_cpumask *m)
{
	size_t n = nwords(m);

	if (!n)
		return;
	memset(m->bits, 0xff, n * sizeof(unsigned long));
	m->bits[n - 1] &= tail_mask(m->nbits);
}

void kaff_cpumask_set_cpu(unsigned int cpu, struct kaff_cpumask *m)
{
	if (cpu < m->nbits)
		m->bits[cpu / BPL] |= 1UL << (cpu % BPL);
}

void kaff_cpumask_clear_cpu(unsigned int cpu, struct kaff_cpumask *m)
{
	if (cpu < m->nbits)
		m->bits[cpu / BPL] &= ~(1UL << (cpu % BPL));
}

bool kaff_cpumask_test_cpu(unsigned int cpu, const struct kaff_cpumask *m)
{
	if (cpu >= m->nbits)
		return false;
	return (m->bits[cpu / BPL] >> (cpu % BPL)) & 1UL;
}

/*
 * Each operation: masks of fewer than SIMD_MIN_WORDS words run a plain
 * loop inline (the common case, kept short); larger ones go to a *_big()
 * function that picks the AVX2 loop or a portable one.
 */
#ifdef KAFF_X86_SIMD
#define TRY_AVX2(call) do { if (have_avx2()) return call; } while (0)
#else
#define TRY_AVX2(call) do { } while (0)
#endif

NOINLINE NO_VECTORIZE
static bool and_big(unsigned long *d, const unsigned long *a, const unsigned long *b,
		    size_t n)
{
	unsigned long any = 0;
	size_t i;

	TRY_AVX2(and_avx2(d, a, b, n));
	for (i = 0; i < n; i++)
		any |= d[i] = a[i] & b[i];
	return any != 0;
}

NO_VECTORIZE
bool kaff_cpumask_and(struct kaff_cpumask *dst, const struct kaff_cpumask *a,
		      const struct kaff_cpumask *b)
{
	unsigned long *d = dst->bits;
	const unsigned long *x = a->bits, *y = b->bits;
	size_t i, n = nwords(dst);
	unsigned long any = 0;

	if (ONE_WORD(dst->nbits))
		return (d[0] = x[0] & y[0]) != 0;
	if (n >= SIMD_MIN_WORDS)
		return and_big(d, x, y, n);
	for (i = 0; i < n; i++)
		any |= d[i] = x[i] & y[i];
	return any != 0;
}

NOINLINE NO_VECTORIZE
static void or_big(unsigned long *d, const unsigned long *a, const unsigned long *b,
		   size_t n)
{
	size_t i;

#ifdef KAFF_X86_SIMD
	if (have_avx2()) {
		or_avx2(d, a, b, n);
		return;
	}
#endif
	for (i = 0; i < n; i++)
		d[i] = a[i] | b[i];
}

/* No NO_VECTORIZE here: at 2 .. 7 words gcc's own SSE2 loop was the
 * fastest tried (word by word, a hand-written SSE2 loop, one AVX2 op). */
void kaff_cpumask_or(struct kaff_cpumask *dst, const struct kaff_cpumask *a,
		     const struct kaff_cpumask *b)
{
	unsigned long *d = dst->bits;
	const unsigned long *x = a->bits, *y = b->bits;
	size_t i, n = nwords(dst);

	if (ONE_WORD(dst->nbits)) {
		d[0] = x[0] | y[0];
		return;
	}
	if (n >= SIMD_MIN_WORDS) {
		or_big(d, x, y, n);
		return;
	}
	for (i = 0; i < n; i++)
		d[i] = x[i] | y[i];
}

NOINLINE NO_VECTORIZE
static bool andnot_big(unsigned long *d, const unsigned long *a, const unsigned long *b,
		       size_t n)
{
	unsigned long any = 0;
	size_t i;

	TRY_AVX2(andnot_avx2(d, a, b, n));
	for (i = 0; i < n; i++)
		any |= d[i] = a[i] & ~b[i];
	return any != 0;
}

NO_VECTORIZE
bool kaff_cpumask_andnot(struct kaff_cpumask *dst, const struct kaff_cpumask *a,
			 const struct kaff_cpumask *b)
{
	unsigned long *d = dst->bits;
	const unsigned long *x = a->bits, *y = b->bits;
	size_t i, n = nwords(dst);
	unsigned long any = 0;

	if (ONE_WORD(dst->nbits))
		return (d[0] = x[0] & ~y[0]) != 0;
	if (n >= SIMD_MIN_WORDS)
		return andnot_big(d, x, y, n);
	for (i = 0; i < n; i++)
		any |= d[i] = x[i] & ~y[i];
	return any != 0;
}

NO_VECTORIZE
void kaff_cpumask_xor(struct kaff_cpumask *dst, const struct kaff_cpumask *a,
		      const struct kaff_cpumask *b)
{
	unsigned long *d = dst->bits;
	const unsigned long *x = a->bits, *y = b->bits;
	size_t i, n = nwords(dst);

	if (ONE_WORD(dst->nbits)) {
		d[0] = x[0] ^ y[0];
		return;
	}
#ifdef KAFF_X86_SIMD
	if (SIMD(n)) {
		xor_avx2(d, x, y, n);
		return;
	}
#endif
	for (i = 0; i < n; i++)
		d[i] = x[i] ^ y[i];
}

void kaff_cpumask_complement(struct kaff_cpumask *dst, const struct kaff_cpumask *src)
{
	size_t i, n = nwords(dst);

	for (i = 0; i < n; i++)
		dst->bits[i] = ~src->bits[i];
	if (n)
		dst->bits[n - 1] &= tail_mask(dst->nbits);
}

NO_VECTORIZE
void kaff_cpumask_copy(struct kaff_cpumask *dst, const struct kaff_cpumask *src)
{
	unsigned long *d = dst->bits;
	const unsigned long *x = src->bits;
	size_t i, n = nwords(dst);

	if (ONE_WORD(dst->nbits)) {
		d[0] = x[0];
		return;
	}
#ifdef KAFF_X86_SIMD
	/* Below COPY_MEMCPY_WORDS, a loop of ours beat the call to memcpy:
	 * AVX-512 up to 63 words, AVX2 up to 15 */
	if (n >= SIMD_MIN_WORDS && n < COPY_MEMCPY_WORDS && have_avx512()) {
		copy_avx512(d, x, n);
		return;
	}
	if (n >= SIMD_MIN_WORDS && n < 16 && have_avx2()) {
		copy_avx2(d, x, n);
		return;
	}
#endif
	if (n >= SIMD_MIN_WORDS) {
		/* memmove, as dst may be src */
		memmove(d, x, n * sizeof(unsigned long));
		return;
	}
	for (i = 0; i < n; i++)
		d[i] = x[i];
}

NO_VECTORIZE
size_t kaff__find_word_not(const unsigned long *w, size_t start, size_t n,
			   unsigned long fill)
{
	size_t i = start;

#ifdef KAFF_X86_SIMD
	if (n - start >= SIMD_MIN_WORDS) {
		/* up to a 64-byte line boundary word by word: a vector load
		 * across two lines cost twice one within a line */
		for (; (uintptr_t)(const void *)(w + i) % 64; i++)
			if (w[i] != fill)
				return i;
		if (have_avx512())
			return find_not_avx512(w, i, n, fill);
		if (have_avx2())
			return find_not_avx2(w, i, n, fill);
	}
#endif
	for (; i < n; i++)
		if (w[i] != fill)
			break;
	return i;
}

NO_VECTORIZE
bool kaff_cpumask_empty(const struct kaff_cpumask *m)
{
	const unsigned long *x = m->bits;
	size_t i, n = nwords(m);

	if (ONE_WORD(m->nbits))
		return x[0] == 0;
	if (n >= SIMD_MIN_WORDS)
		return kaff__find_word_not(x, 0, n, 0) == n;
	for (i = 0; i < n; i++)
		if (x[i])
			return false;
	return true;
}

bool kaff_cpumask_full(const struct kaff_cpumask *m)
{
	size_t i, n = nwords(m);

	if (!n)
		return true;
	for (i = 0; i + 1 < n; i++)
		if (m->bits[i] != ~0UL)
			return false;
	return m->bits[n - 1] == tail_mask(m->nbits);
}

/* the predicates' big paths: true when some word gives a non-zero @op */
#define SCAN_BIG(name, avx2, wop)                                             \
	NOINLINE NO_VECTORIZE                                                 \
	static bool name(const unsigned long *a, const unsigned long *b,      \
			 size_t n)                                            \
	{                                                                     \
		size_t i;                                                     \
                                                                              \
		TRY_AVX2(avx2(a, b, n));                                      \
		for (i = 0; i < n; i++)                                       \
			if (wop(a[i], b[i]))                                  \
				return true;                                  \
		return false;                                                 \
	}

#ifndef KAFF_X86_SIMD
#define W_DIFF(a, b) ((a) & ~(b))
#define W_AND(a, b) ((a) & (b))
#define W_XOR(a, b) ((a) ^ (b))
#endif
SCAN_BIG(any_xor_big, any_xor_avx2, W_XOR)
SCAN_BIG(any_diff_big, any_diff_avx2, W_DIFF)
SCAN_BIG(any_and_big, any_and_avx2, W_AND)

NO_VECTORIZE
bool kaff_cpumask_equal(const struct kaff_cpumask *a, const struct kaff_cpumask *b)
{
	const unsigned long *x = a->bits, *y = b->bits;
	size_t i, n = nwords(a);

	if (ONE_WORD(a->nbits))
		return x[0] == y[0];
	if (n >= SIMD_MIN_WORDS)
		return !any_xor_big(x, y, n);
	for (i = 0; i < n; i++)
		if (x[i] != y[i])
			return false;
	return true;
}

NO_VECTORIZE
bool kaff_cpumask_subset(const struct kaff_cpumask *a, const struct kaff_cpumask *b)
{
	const unsigned long *x = a->bits, *y = b->bits;
	size_t i, n = nwords(a);

	if (ONE_WORD(a->nbits))
		return (x[0] & ~y[0]) == 0;
	if (n >= SIMD_MIN_WORDS)
		return !any_diff_big(x, y, n);
	for (i = 0; i < n; i++)
		if (x[i] & ~y[i])
			return false;
	return true;
}

NO_VECTORIZE
bool kaff_cpumask_intersects(const struct kaff_cpumask *a, const struct kaff_cpumask *b)
{
	const unsigned long *x = a->bits, *y = b->bits;
	size_t i, n = nwords(a);

	if (ONE_WORD(a->nbits))
		return (x[0] & y[0]) != 0;
	if (n >= SIMD_MIN_WORDS)
		return any_and_big(x, y, n);
	for (i = 0; i < n; i++)
		if (x[i] & y[i])
			return true;
	return false;
}

NOINLINE NO_VECTORIZE
static unsigned int weight_big(const unsigned long *x, size_t n)
{
	unsigned int w = 0;
	size_t i;

#ifdef KAFF_X86_SIMD
	if (have_avx512_popcnt())
		return weight_avx512(x, n);
	if (have_popcnt())
		return weight_popcnt(x, n);
#endif
	for (i = 0; i < n; i++)
		w += popcount_long(x[i]);
	return w;
}

NO_VECTORIZE
unsigned int kaff_cpumask_weight(const struct kaff_cpumask *m)
{
	const unsigned long *x = m->bits;
	size_t i, n = nwords(m);
	unsigned int w = 0;

#ifdef KAFF_X86_SIMD
	if (ONE_WORD(m->nbits) && have_popcnt())
		return weight_popcnt(x, 1);
#endif
	if (n >= SIMD_MIN_WORDS)
		return weight_big(x, n);
#ifdef KAFF_X86_SIMD
	if (have_popcnt())
		return weight_popcnt(x, n);
#endif
	for (i = 0; i < n; i++)
		w += popcount_long(x[i]);
	return w;
}

unsigned int kaff_cpumask_first(const struct kaff_cpumask *m)
{
	const unsigned long *x = m->bits;
	const unsigned int nbits = m->nbits;
	size_t i, n;

	if (ONE_WORD(nbits)) {
		unsigned long w = x[0];
		/* defined for w == 0 too, so the choice can be a cmov */
		unsigned int r = ctz_long(w | 1UL << (BPL - 1));

		return w ? r : nbits;
	}
	n = KAFF_BITS_TO_LONGS(nbits);
	if (n >= SIMD_MIN_WORDS) {
		i = kaff__find_word_not(x, 0, n, 0);
		return i < n ? (unsigned int)(i * BPL + ctz_long(x[i])) : m->nbits;
	}
	/* a plain loop: fully unrolled by gcc (n < 8), it was slower */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 1
#endif
	for (i = 0; i < n; i++)
		if (x[i])
			return (unsigned int)(i * BPL + ctz_long(x[i]));
	return m->nbits;
}

unsigned int kaff_cpumask_last(const struct kaff_cpumask *m)
{
	size_t i = nwords(m);

	while (i--) {
		if (m->bits[i])
			return (unsigned int)(i * BPL + fls_long(m->bits[i]));
	}
	return m->nbits;
}

/*
 * n + 1 is computed in unsigned arithmetic, so n == UINT_MAX (the kernel's
 * cpumask_next(-1, m)) gives the first CPU, as in the kernel.
 */
unsigned int kaff_cpumask_next(unsigned int n, const struct kaff_cpumask *m)
{
	/* (a branch-free look at this word and the next was slower: the
	 * walk is bound by the latency of one call's result to the next) */
	return find_next(m->bits, NULL, m->nbits, n + 1u);
}

unsigned int kaff_cpumask_first_and(const struct kaff_cpumask *a,
				    const struct kaff_cpumask *b)
{
	return find_next(a->bits, b->bits, a->nbits, 0);
}

unsigned int kaff_cpumask_next_and(unsigned int n, const struct kaff_cpumask *a,
				   const struct kaff_cpumask *b)
{
	return find_next(a->bits, b->bits, a->nbits, n + 1u);
}
