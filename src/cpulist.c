/* SPDX-License-Identifier: MIT */
/*
 * libkaff cpulist: the kernel's cpu-list text form.
 *
 * kaff_cpulist_parse() follows the behaviour of bitmap_parselist()
 * (lib/bitmap-str.c, v6.14 to v7.3) as described in KERNEL.md §18.1:
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
 * O(nbits / BITS_PER_LONG + 1) word operations whatever its pattern.
 *
 * kaff_cpulist_snprint() prints %*pbl (lib/vsprintf.c:
 * bitmap_list_string()): ascending maximal runs, "a" or "a-b", joined by
 * ','; the empty mask prints "".
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include <libkaff/cpulist.h>

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
	unsigned long pat[2] = { 0, 0 }, bits;
	unsigned int k, g = r->group, phase;
	size_t i = r->start / BPL, j = r->end / BPL;

	for (k = 0; k < 2 * BPL; k++)
		if (k % g < r->used)
			pat[k / BPL] |= 1UL << (k % BPL);

	/* the first word starts start % BPL bits before START */
	phase = (unsigned int)((g - (r->start % BPL) % g) % g);
	for (; i <= j; i++) {
		bits = phase ? (pat[0] >> phase) | (pat[1] << (BPL - phase)) : pat[0];
		if (i == r->start / BPL)
			bits &= ~0UL << (r->start % BPL);
		if (i == j)
			bits &= ~0UL >> (BPL - 1 - r->end % BPL);
		w[i] |= bits;
		phase = (unsigned int)((phase + BPL) % g);
	}
}

/* The kernel's loop: for s = START; s <= END; s += GROUP, set
 * s .. s + min(USED, END - s + 1) - 1. Written so nothing wraps. */
static void set_region(unsigned long *w, const struct region *r)
{
	unsigned int s;

	if (r->used == 0)
		return;
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

int kaff_cpulist_parse(const char *str, struct kaff_cpumask *dst)
{
	const unsigned int nbits = dst->nbits;
	const unsigned int lastbit = nbits - 1u;  /* wraps for nbits == 0 */
	const char *s = str;
	struct region r;
	int ret;

	kaff_cpumask_clear(dst);
	while (s) {
		while (is_sep(*s))
			s++;
		if (end_of_str(*s))
			return 0;
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

/* The first bit >= @start that is set (or clear, if @want_zero), else nbits. */
static unsigned int find_bit(const unsigned long *w, unsigned int nbits,
			     unsigned int start, bool want_zero)
{
	const unsigned long flip = want_zero ? ~0UL : 0UL;
	size_t i, n = KAFF_BITS_TO_LONGS(nbits);
	unsigned long x;
	size_t bit;

	if (start >= nbits)
		return nbits;
	i = start / BPL;
	x = (w[i] ^ flip) & (~0UL << (start % BPL));
	while (!x) {
		if (++i >= n)
			return nbits;
		x = w[i] ^ flip;
	}
#if defined(__GNUC__)
	bit = i * BPL + (size_t)__builtin_ctzl(x);
#else
	for (bit = i * BPL; !(x & 1UL); x >>= 1)
		bit++;
#endif
	/* a zero search can land on the tail bits of the last word */
	return bit < nbits ? (unsigned int)bit : nbits;
}

struct out {
	char *buf;
	size_t len;  /* size of buf */
	size_t pos;  /* length of the full text so far */
};

static void put(struct out *o, const char *s, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++, o->pos++)
		if (o->pos + 1 < o->len)
			o->buf[o->pos] = s[k];
}

static void put_uint(struct out *o, unsigned int v)
{
	char tmp[3 * sizeof(v) + 1];
	size_t n = sizeof(tmp);

	do {
		tmp[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(o, tmp + n, sizeof(tmp) - n);
}

size_t kaff_cpulist_snprint(char *buf, size_t len, const struct kaff_cpumask *m)
{
	struct out o = { buf, len, 0 };
	unsigned int lo, hi;

	for (lo = find_bit(m->bits, m->nbits, 0, false); lo < m->nbits;
	     lo = find_bit(m->bits, m->nbits, hi, false)) {
		/* hi: one past the run */
		hi = find_bit(m->bits, m->nbits, lo + 1, true);
		if (o.pos)
			put(&o, ",", 1);
		put_uint(&o, lo);
		if (hi - lo >= 2) {
			put(&o, "-", 1);
			put_uint(&o, hi - 1);
		}
	}
	if (len)
		buf[o.pos < len ? o.pos : len - 1] = '\0';
	return o.pos;
}
