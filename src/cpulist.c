/* SPDX-License-Identifier: MIT */
/*
 * libkaff cpulist: the kernel's cpu-list text form.
 *
 * kaff_cpulist_parse() follows the behaviour of bitmap_parselist()
 * (lib/bitmap-str.c, v6.14 to v7.3) as described in docs/algorithm.md#rule-cpulist:
 *
 *   - the string ends at NUL or '\n'; separators are ',' and what the
 *     kernel's isspace() (lib/ctype.c) accepts: the six ASCII spaces and
 *     0xA0, Latin-1's no-break space (so '\n' is also skipped between
 *     regions);
 *   - a region is START[-END][:USED/GROUP] or "all" (any case) with an
 *     optional :USED/GROUP; a number is 'N' (nbits - 1, unsigned, so it
 *     wraps to UINT_MAX when nbits is 0) or decimal digits whose value
 *     fits in 32 bits (else -EOVERFLOW, detected before anything else
 *     about the region);
 *   - a region without a pattern that is ended by NUL or '\n' ends the
 *     parse; after a pattern, whatever follows GROUP goes back to the main
 *     loop;
 *   - checks: START > END, GROUP == 0 or USED > GROUP give -EINVAL, then
 *     END >= nbits gives -ERANGE; regions parsed before an error stay set.
 *
 * Cost: each character is read once, and setting a region costs
 * O(nbits / BITS_PER_LONG + 1) word operations whatever its pattern. The
 * common regions (N, A-B followed by a separator or the end) take a fast
 * path; anything else, errors included, goes through parse_region(), which
 * is the reference (the fast path gives up, with no side effect, on
 * anything it does not know).
 *
 * kaff_cpulist_snprint() prints %*pbl (lib/vsprintf.c:
 * bitmap_list_string()): ascending maximal runs, "a" or "a-b", joined by
 * ','; the empty mask prints "". It reads a word at a time: the run
 * boundaries in a word are the set bits of w ^ (w << 1 | carry), and words
 * inside a run or a gap are skipped by kaff__bitmap_find_not().
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <libkaff/cpulist.h>

#include "bitmap-private.h"

#define BPL KAFF_BITS_PER_LONG

/* ---- parsing */

struct region {
	unsigned int start;
	unsigned int end;
	unsigned int used;   /* bits set at the start of each group */
	unsigned int group;  /* group length */
};

static bool end_of_str(char c)
{
	return c == '\0' || c == '\n';
}

/* ',' or a kernel isspace() character: lib/ctype.c marks the six ASCII
 * spaces and 0xA0 (no-break space) _S. */
static bool is_sep(char c)
{
	switch (c) {
	case ',': case ' ': case '\t': case '\n': case '\v': case '\f': case '\r':
		return true;
	default:
		return (unsigned char)c == 0xa0;
	}
}

static bool end_of_region(char c)
{
	return is_sep(c) || end_of_str(c);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static char ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/*
 * Read one number at @s: 'N' (@lastbit) or decimal digits. All digits are
 * consumed even past an overflow, as the kernel's _parse_integer() does.
 * Return: the character after it, or NULL with *@err set.
 */
static const char *get_num(const char *s, unsigned int *num, unsigned int lastbit,
			   int *err)
{
	unsigned long long v = 0;
	bool overflow = false;

	if (*s == 'N') {
		*num = lastbit;
		return s + 1;
	}
	if (!is_digit(*s)) {
		*err = -EINVAL;
		return NULL;
	}
	for (; is_digit(*s); s++) {
		if (overflow)
			continue;
		/* v <= UINT_MAX here, so v * 10 + 9 fits in 64 bits */
		v = v * 10 + (unsigned long long)(*s - '0');
		if (v > UINT_MAX)
			overflow = true;
	}
	if (overflow) {
		*err = -EOVERFLOW;
		return NULL;
	}
	*num = (unsigned int)v;
	return s;
}

/*
 * Parse the region at @s (not a separator, not the end of the string).
 * Return: 0 with *@next at the text after the region, or NULL when the
 * region ended the string; or a negative errno.
 */
static int parse_region(const char *s, unsigned int lastbit, struct region *r,
			const char **next)
{
	int err = 0;

	if (ascii_lower(s[0]) == 'a' && ascii_lower(s[1]) == 'l' &&
	    ascii_lower(s[2]) == 'l') {
		r->start = 0;
		r->end = lastbit;
		s += 3;
	} else {
		s = get_num(s, &r->start, lastbit, &err);
		if (!s)
			return err;
		if (end_of_region(*s)) {
			r->end = r->start;
			goto no_pattern;
		}
		if (*s != '-')
			return -EINVAL;
		s = get_num(s + 1, &r->end, lastbit, &err);
		if (!s)
			return err;
	}

	if (end_of_region(*s))
		goto no_pattern;
	if (*s != ':')
		return -EINVAL;
	s = get_num(s + 1, &r->used, lastbit, &err);
	if (!s)
		return err;
	if (*s != '/')
		return -EINVAL;
	s = get_num(s + 1, &r->group, lastbit, &err);
	if (!s)
		return err;
	/* the main loop deals with whatever follows GROUP, even '\n' */
	*next = s;
	return 0;

no_pattern:
	/* unsigned: END = UINT_MAX gives GROUP = 0, hence -EINVAL */
	r->used = r->end + 1u;
	r->group = r->end + 1u;
	*next = end_of_str(*s) ? NULL : s;
	return 0;
}

static int check_region(const struct region *r, unsigned int nbits)
{
	if (r->start > r->end || r->group == 0 || r->used > r->group)
		return -EINVAL;
	if (r->end >= nbits)
		return -ERANGE;
	return 0;
}

/* set bits @a .. @b (inclusive, a <= b) */
static void set_range(unsigned long *w, unsigned int a, unsigned int b)
{
	size_t i = a / BPL, j = b / BPL;
	unsigned long first = ~0UL << (a % BPL);
	unsigned long last = ~0UL >> (BPL - 1 - b % BPL);

	if (i == j) {
		w[i] |= first & last;
		return;
	}
	w[i] |= first;
	for (i++; i < j; i++)
		w[i] = ~0UL;
	w[j] |= last;
}

/*
 * 0 < used < group <= BITS_PER_LONG: build the pattern once (bit k of
 * the 2 * BITS_PER_LONG bit string pat is set when k % group < used) and
 * slide it over the words: a word whose first bit is at distance phase
 * (mod group) from START is bits phase .. phase + BITS_PER_LONG - 1 of it.
 */
static void set_pattern_small(unsigned long *w, const struct region *r)
{
	unsigned long pat[2] = { 0, 0 }, bits, first, keep;
	unsigned int k, c, g = r->group, phase, step;
	size_t i = r->start / BPL, j = r->end / BPL;

	/* what word j held above END before: it must stay as it was */
	keep = w[j] & (~0UL << (r->end % BPL) << 1);

	for (k = 0, c = 0; k < 2 * BPL; k++) {
		if (c < r->used)
			pat[k / BPL] |= 1UL << (k % BPL);
		if (++c == g)
			c = 0;
	}

	/* the first word starts start % BPL bits before START */
	phase = (unsigned int)((g - (r->start % BPL) % g) % g);
	step = (unsigned int)(BPL % g);
	first = ~0UL << (r->start % BPL);
	for (; i <= j; i++) {
		bits = phase ? (pat[0] >> phase) | (pat[1] << (BPL - phase)) : pat[0];
		w[i] |= bits & first;
		first = ~0UL;
		phase += step;
		if (phase >= g)
			phase -= g;
	}
	/* the last word may hold bits past END */
	w[j] &= ~(~0UL << (r->end % BPL) << 1) | keep;
}

/*
 * The kernel's loop (bitmap_set_region()): for s = START; s <= END;
 * s += GROUP, set s .. s + min(USED, END - s + 1) - 1, with s an unsigned
 * int. Written so that nothing here wraps, but with the kernel's wrap: a
 * GROUP above UINT_MAX - END takes s past UINT_MAX to s - d, d = 2^32 -
 * GROUP, and the walk goes down by d while s >= 0 (one step more wraps
 * above END): the runs of START mod d .. END' with GROUP d, where END' =
 * min(END, START + USED - 1). (Traced: 9-12:1/4294967294 is 1,3,5,7,9.)
 */
static void set_region(unsigned long *w, const struct region *r)
{
	unsigned int s;

	if (r->used == 0)
		return;
	if (r->group > UINT_MAX - r->end) {
		struct region down;

		down.group = 0u - r->group;  /* d = 2^32 - GROUP, 1 .. END + 1 */
		down.start = r->start % down.group;
		down.end = r->end - r->start < r->used ? r->end : r->start + r->used - 1;
		down.used = r->used < down.group ? r->used : down.group;
		set_region(w, &down);
		return;
	}
	if (r->used >= r->group) {
		/* used == group: the groups touch, one run */
		set_range(w, r->start, r->end);
		return;
	}
	if (r->group <= BPL) {
		set_pattern_small(w, r);
		return;
	}
	/* group > BITS_PER_LONG: at most nbits / BITS_PER_LONG groups */
	for (s = r->start;; s += r->group) {
		if (r->end - s < r->used)
			set_range(w, s, r->end);
		else
			set_range(w, s, s + r->used - 1);
		if (r->end - s < r->group)
			break;
	}
}

/*
 * 1 to 9 decimal digits at @p (10 or more: 0, for parse_region()); *@v
 * their value, which fits in 32 bits. The length of the numbers in a
 * list repeats, so the branches predict well: this beat a branch-free
 * 8-byte SWAR read, whose length feeds the next read's address.
 */
static unsigned int read_num(const char *p, unsigned int *v)
{
	unsigned int a, k;

	a = (unsigned int)(*p - '0');
	if (a > 9)
		return 0;
	for (k = 1; (unsigned int)(p[k] - '0') <= 9; k++) {
		if (k == 9)
			return 0;
		a = a * 10 + (unsigned int)(p[k] - '0');
	}
	*v = a;
	return k;
}

/*
 * Fast path for the common regions: START or START-END, each 1 to 9
 * digits, then ',' or the end of the string, with START <= END < nbits.
 * Return: the character after the region, with the region set; or NULL
 * (nothing done) when the region is anything else, for parse_region().
 */
static const char *fast_region(const char *s, unsigned int nbits, unsigned long *w)
{
	const char *p = s;
	unsigned int a, b, k;

	k = read_num(p, &a);
	if (!k)
		return NULL;
	p += k;
	if (*p == ',' || end_of_str(*p)) {
		if (a >= nbits)
			return NULL;
		w[a / BPL] |= 1UL << (a % BPL);
		return p;
	}
	if (*p != '-')
		return NULL;
	p++;
	k = read_num(p, &b);
	if (!k)
		return NULL;
	p += k;
	if (!(*p == ',' || end_of_str(*p)) || a > b || b >= nbits)
		return NULL;
	set_range(w, a, b);
	return p;
}

int kaff_cpulist_parse(const char *str, struct kaff_cpumask *dst)
{
	const unsigned int nbits = dst->nbits;
	const unsigned int lastbit = nbits - 1u;  /* wraps for nbits == 0 */
	const char *s = str, *next;
	struct region r;
	int ret;

	kaff_cpumask_clear(dst);
	while (s) {
		while (is_sep(*s))
			s++;
		if (end_of_str(*s))
			return 0;
		next = fast_region(s, nbits, dst->bits);
		if (next) {
			/* a region ended by the end of the string ends the parse */
			if (*next != ',')
				return 0;
			s = next + 1;
			continue;
		}
		ret = parse_region(s, lastbit, &r, &s);
		if (ret)
			return ret;
		ret = check_region(&r, nbits);
		if (ret)
			return ret;
		set_region(dst->bits, &r);
	}
	return 0;
}

/* ---- printing */

struct out {
	char *buf;
	size_t len;  /* size of buf */
	size_t pos;  /* length of the full text so far */
};

static const char digits2[] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* @v in decimal at @p, which has room for 10 characters; returns the end */
static char *put_uint(char *p, unsigned int v)
{
	char tmp[10], *t;

	/* CPU numbers are below 8192: 1 to 4 digits, no loop */
	if (v < 100) {
		if (v < 10) {
			*p = (char)('0' + v);
			return p + 1;
		}
		p[0] = digits2[2 * v];
		p[1] = digits2[2 * v + 1];
		return p + 2;
	}
	if (v < 10000) {
		unsigned int q = v / 100, r = v - q * 100;

		if (q < 10) {
			*p++ = (char)('0' + q);
		} else {
			p[0] = digits2[2 * q];
			p[1] = digits2[2 * q + 1];
			p += 2;
		}
		p[0] = digits2[2 * r];
		p[1] = digits2[2 * r + 1];
		return p + 2;
	}
	t = tmp + sizeof(tmp);
	do {
		*--t = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (t < tmp + sizeof(tmp))
		*p++ = *t++;
	return p;
}

/* the slow way, near the end of the buffer: count what does not fit */
static void put_slow(struct out *o, const char *s, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++, o->pos++)
		if (o->pos + 1 < o->len)
			o->buf[o->pos] = s[k];
}

/* "lo" or "lo-hi", after a ',' unless it is the first run */
static char *put_run_at(char *p, bool comma, unsigned int lo, unsigned int hi)
{
	if (comma)
		*p++ = ',';
	p = put_uint(p, lo);
	if (hi > lo) {
		*p++ = '-';
		p = put_uint(p, hi);
	}
	return p;
}

/* room for one run: ',' + 10 digits + '-' + 10 digits, and the NUL */
#define RUN_MAX 23

static void put_run(struct out *o, unsigned int lo, unsigned int hi)
{
	char text[RUN_MAX];

	if (o->len - o->pos > RUN_MAX && o->pos < o->len) {
		/* the common case: write in place */
		o->pos = (size_t)(put_run_at(o->buf + o->pos, o->pos, lo, hi) - o->buf);
		return;
	}
	put_slow(o, text, (size_t)(put_run_at(text, o->pos, lo, hi) - text));
}

size_t kaff_cpulist_snprint(char *buf, size_t len, const struct kaff_cpumask *m)
{
	const unsigned long *w = m->bits;
	const size_t n = KAFF_BITS_TO_LONGS(m->nbits);
	struct out o = { buf, len, 0 };
	unsigned long x, t, carry = 0;   /* carry: the bit before word i */
	unsigned int lo = 0, b;
	size_t i = 0;

	while (i < n) {
		x = w[i];
		/* bit k of t: bit k of the mask differs from the bit before it */
		t = x ^ ((x << 1) | carry);
		if (!t) {
			/* inside a run (all ones) or a gap (zero): skip the like */
			i = kaff__bitmap_find_not(w, i + 1, n, carry ? ~0UL : 0UL);
			continue;
		}
		do {
			b = kaff__ffs(t);
			if ((x >> b) & 1UL)
				lo = (unsigned int)(i * BPL) + b;               /* a run starts */
			else
				put_run(&o, lo, (unsigned int)(i * BPL) + b - 1);  /* it ended */
			t &= t - 1;
		} while (t);
		carry = x >> (BPL - 1);
		i++;
	}
	/* a run reaching the last CPU (bits >= nbits are zero, so only when
	 * nbits fills the last word) */
	if (carry)
		put_run(&o, lo, m->nbits - 1);
	if (len)
		buf[o.pos < len ? o.pos : len - 1] = '\0';
	return o.pos;
}
