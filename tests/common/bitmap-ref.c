/* SPDX-License-Identifier: MIT */
/*
 * The kernel's bitmap code, transcribed (see bitmap-ref.h). Linux 7.3;
 * the functions used here are the same in 6.14. What the kernel gets from
 * elsewhere (ERR_PTR(), isspace(), _parse_integer(), number()) is written
 * out below as the kernel defines it, cited each time.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "bitmap-ref.h"

#define BITS_PER_LONG (sizeof(unsigned long) * CHAR_BIT)
#define BITS_TO_LONGS(nr) (((nr) + BITS_PER_LONG - 1) / BITS_PER_LONG)
#define BIT_WORD(nr) ((nr) / BITS_PER_LONG)
/* include/linux/bitmap.h */
#define BITMAP_FIRST_WORD_MASK(start) (~0UL << ((start) & (BITS_PER_LONG - 1)))
#define BITMAP_LAST_WORD_MASK(nbits) (~0UL >> (-(nbits) & (BITS_PER_LONG - 1)))
#define bitmap_size(nbits) (BITS_TO_LONGS(nbits) * sizeof(unsigned long))

/* include/asm-generic/bitops/__ffs.h, __fls.h */
static unsigned long __ffs(unsigned long word)
{
	return (unsigned long)__builtin_ctzl(word);
}

static unsigned long __fls(unsigned long word)
{
	return BITS_PER_LONG - 1 - (unsigned long)__builtin_clzl(word);
}

/* include/linux/bitops.h: hweight_long(); __builtin_popcountl is the
 * generic __sw_hweight64() count, whatever instruction computes it */
static unsigned int hweight_long(unsigned long w)
{
	return (unsigned int)__builtin_popcountl(w);
}

static unsigned long min_ul(unsigned long a, unsigned long b)
{
	return a < b ? a : b;
}

/* ---- lib/bitmap.c */

bool ref___bitmap_equal(const unsigned long *bitmap1, const unsigned long *bitmap2,
			unsigned int bits)
{
	unsigned int k, lim = bits / BITS_PER_LONG;

	for (k = 0; k < lim; ++k)
		if (bitmap1[k] != bitmap2[k])
			return false;
	if (bits % BITS_PER_LONG)
		if ((bitmap1[k] ^ bitmap2[k]) & BITMAP_LAST_WORD_MASK(bits))
			return false;
	return true;
}

void ref___bitmap_complement(unsigned long *dst, const unsigned long *src, unsigned int bits)
{
	unsigned int k, lim = BITS_TO_LONGS(bits);

	for (k = 0; k < lim; ++k)
		dst[k] = ~src[k];
}

bool ref___bitmap_and(unsigned long *dst, const unsigned long *bitmap1,
		      const unsigned long *bitmap2, unsigned int bits)
{
	unsigned int k;
	unsigned int lim = bits / BITS_PER_LONG;
	unsigned long result = 0;

	for (k = 0; k < lim; k++)
		result |= (dst[k] = bitmap1[k] & bitmap2[k]);
	if (bits % BITS_PER_LONG)
		result |= (dst[k] = bitmap1[k] & bitmap2[k] & BITMAP_LAST_WORD_MASK(bits));
	return result != 0;
}

void ref___bitmap_or(unsigned long *dst, const unsigned long *bitmap1,
		     const unsigned long *bitmap2, unsigned int bits)
{
	unsigned int k;
	unsigned int nr = BITS_TO_LONGS(bits);

	for (k = 0; k < nr; k++)
		dst[k] = bitmap1[k] | bitmap2[k];
}

void ref___bitmap_xor(unsigned long *dst, const unsigned long *bitmap1,
		      const unsigned long *bitmap2, unsigned int bits)
{
	unsigned int k;
	unsigned int nr = BITS_TO_LONGS(bits);

	for (k = 0; k < nr; k++)
		dst[k] = bitmap1[k] ^ bitmap2[k];
}

bool ref___bitmap_andnot(unsigned long *dst, const unsigned long *bitmap1,
			 const unsigned long *bitmap2, unsigned int bits)
{
	unsigned int k;
	unsigned int lim = bits / BITS_PER_LONG;
	unsigned long result = 0;

	for (k = 0; k < lim; k++)
		result |= (dst[k] = bitmap1[k] & ~bitmap2[k]);
	if (bits % BITS_PER_LONG)
		result |= (dst[k] = bitmap1[k] & ~bitmap2[k] & BITMAP_LAST_WORD_MASK(bits));
	return result != 0;
}

bool ref___bitmap_intersects(const unsigned long *bitmap1, const unsigned long *bitmap2,
			     unsigned int bits)
{
	unsigned int k, lim = bits / BITS_PER_LONG;

	for (k = 0; k < lim; ++k)
		if (bitmap1[k] & bitmap2[k])
			return true;
	if (bits % BITS_PER_LONG)
		if ((bitmap1[k] & bitmap2[k]) & BITMAP_LAST_WORD_MASK(bits))
			return true;
	return false;
}

bool ref___bitmap_subset(const unsigned long *bitmap1, const unsigned long *bitmap2,
			 unsigned int bits)
{
	unsigned int k, lim = bits / BITS_PER_LONG;

	for (k = 0; k < lim; ++k)
		if (bitmap1[k] & ~bitmap2[k])
			return false;
	if (bits % BITS_PER_LONG)
		if ((bitmap1[k] & ~bitmap2[k]) & BITMAP_LAST_WORD_MASK(bits))
			return false;
	return true;
}

/* __bitmap_weight(): BITMAP_WEIGHT(bitmap[idx], bits) */
unsigned int ref___bitmap_weight(const unsigned long *bitmap, unsigned int bits)
{
	unsigned int idx, w = 0;

	for (idx = 0; idx < bits / BITS_PER_LONG; idx++)
		w += hweight_long(bitmap[idx]);
	if (bits % BITS_PER_LONG)
		w += hweight_long(bitmap[idx] & BITMAP_LAST_WORD_MASK(bits));
	return w;
}

void ref___bitmap_set(unsigned long *map, unsigned int start, int len)
{
	unsigned long *p = map + BIT_WORD(start);
	const unsigned int size = start + (unsigned int)len;
	int bits_to_set = (int)(BITS_PER_LONG - (start % BITS_PER_LONG));
	unsigned long mask_to_set = BITMAP_FIRST_WORD_MASK(start);

	while (len - bits_to_set >= 0) {
		*p |= mask_to_set;
		len -= bits_to_set;
		bits_to_set = BITS_PER_LONG;
		mask_to_set = ~0UL;
		p++;
	}
	if (len) {
		mask_to_set &= BITMAP_LAST_WORD_MASK(size);
		*p |= mask_to_set;
	}
}

/* ---- include/linux/bitmap.h */

void ref_bitmap_zero(unsigned long *dst, unsigned int nbits)
{
	memset(dst, 0, bitmap_size(nbits));
}

void ref_bitmap_copy(unsigned long *dst, const unsigned long *src, unsigned int nbits)
{
	memcpy(dst, src, bitmap_size(nbits));
}

bool ref_bitmap_empty(const unsigned long *src, unsigned int nbits)
{
	return ref__find_first_bit(src, nbits) == nbits;
}

/* find_first_zero_bit(): FIND_FIRST_BIT(~addr[idx], , size) */
static unsigned long find_first_zero_bit(const unsigned long *addr, unsigned long size)
{
	unsigned long idx, val, sz = size;

	for (idx = 0; idx * BITS_PER_LONG < sz; idx++) {
		val = ~addr[idx];
		if (val) {
			sz = min_ul(idx * BITS_PER_LONG + __ffs(val), sz);
			break;
		}
	}
	return sz;
}

bool ref_bitmap_full(const unsigned long *src, unsigned int nbits)
{
	return find_first_zero_bit(src, nbits) == nbits;
}

/* ---- lib/find_bit.c: FIND_FIRST_BIT() and FIND_NEXT_BIT(), expanded */

unsigned long ref__find_first_bit(const unsigned long *addr, unsigned long size)
{
	unsigned long idx, val, sz = size;

	for (idx = 0; idx * BITS_PER_LONG < sz; idx++) {
		val = addr[idx];
		if (val) {
			sz = min_ul(idx * BITS_PER_LONG + __ffs(val), sz);
			break;
		}
	}
	return sz;
}

/* FIND_NEXT_BIT(FETCH, MUNGE, size, start), FETCH of word idx given as
 * addr1[idx] & (addr2 ? addr2[idx] : ~0UL), MUNGE as ~ when @invert */
static unsigned long find_next(const unsigned long *addr1, const unsigned long *addr2,
			       bool invert, unsigned long size, unsigned long start)
{
	unsigned long mask, idx, tmp, sz = size;

#define FETCH (invert ? ~addr1[idx] : addr1[idx] & (addr2 ? addr2[idx] : ~0UL))
	if (start >= sz)
		return sz;
	mask = BITMAP_FIRST_WORD_MASK(start);
	idx = start / BITS_PER_LONG;
	for (tmp = FETCH & mask; !tmp; tmp = FETCH) {
		if ((idx + 1) * BITS_PER_LONG >= sz)
			return sz;
		idx++;
	}
#undef FETCH
	return min_ul(idx * BITS_PER_LONG + __ffs(tmp), sz);
}

unsigned long ref__find_next_bit(const unsigned long *addr, unsigned long nbits,
				 unsigned long start)
{
	return find_next(addr, NULL, false, nbits, start);
}

unsigned long ref__find_next_and_bit(const unsigned long *addr1, const unsigned long *addr2,
				     unsigned long nbits, unsigned long start)
{
	return find_next(addr1, addr2, false, nbits, start);
}

unsigned long ref__find_next_zero_bit(const unsigned long *addr, unsigned long nbits,
				      unsigned long start)
{
	return find_next(addr, NULL, true, nbits, start);
}

unsigned long ref__find_last_bit(const unsigned long *addr, unsigned long size)
{
	if (size) {
		unsigned long val = BITMAP_LAST_WORD_MASK(size);
		unsigned long idx = (size - 1) / BITS_PER_LONG;

		do {
			val &= addr[idx];
			if (val)
				return idx * BITS_PER_LONG + __fls(val);
			val = ~0UL;
		} while (idx--);
	}
	return size;
}

/* ---- lib/bitmap-str.c: bitmap_parselist() */

/* include/linux/err.h */
#define MAX_ERRNO 4095
#define ERR_PTR(error) ((const char *)(intptr_t)(error))
#define PTR_ERR(ptr) ((int)(intptr_t)(ptr))
#define IS_ERR(ptr) ((uintptr_t)(const void *)(ptr) >= (uintptr_t)-MAX_ERRNO)

/* lib/ctype.c: isspace(), _S in the kernel's Latin-1 table: \t \n \v \f \r, space
 * and 0xA0 (no-break space) */
static bool kernel_isspace(char c)
{
	unsigned char u = (unsigned char)c;

	return u == ' ' || (u >= '\t' && u <= '\r') || u == 0xa0;
}

/* lib/string.c: strncasecmp() with the kernel's tolower(); only "all" is
 * asked, and no Latin-1 letter lowers to an ASCII one */
static int strncasecmp_all(const char *s)
{
	static const char all[] = "all";
	int i;

	for (i = 0; i < 3; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (c != (unsigned char)all[i])
			return 1;
	}
	return 0;
}

/* lib/kstrtox.c: _parse_integer(s, 10, p): the count of digits read, with
 * KSTRTOX_OVERFLOW set when the value passed ULLONG_MAX */
#define KSTRTOX_OVERFLOW (1U << 31)

static unsigned int _parse_integer(const char *s, unsigned long long *p)
{
	unsigned int rv, overflow = 0;
	unsigned long long res = 0;

	for (rv = 0; s[rv] >= '0' && s[rv] <= '9'; rv++) {
		unsigned int val = (unsigned int)(s[rv] - '0');

		if (res > (ULLONG_MAX - val) / 10) {
			res = ULLONG_MAX;
			overflow = KSTRTOX_OVERFLOW;
		} else {
			res = res * 10 + val;
		}
	}
	*p = res;
	return rv | overflow;
}

struct region {
	unsigned int start;
	unsigned int off;
	unsigned int group_len;
	unsigned int end;
	unsigned int nbits;
};

/* bitmap_set() of a length that is not a small constant: __bitmap_set().
 * start is unsigned int, so start += group_len wraps past UINT_MAX (and
 * goes on from the low CPUs), as in the kernel */
static void bitmap_set_region(const struct region *r, unsigned long *bitmap)
{
	unsigned int start;

	for (start = r->start; start <= r->end; start += r->group_len)
		ref___bitmap_set(bitmap, start, (int)min_ul(r->end - start + 1, r->off));
}

static int bitmap_check_region(const struct region *r)
{
	if (r->start > r->end || r->group_len == 0 || r->off > r->group_len)
		return -EINVAL;
	if (r->end >= r->nbits)
		return -ERANGE;
	return 0;
}

static const char *bitmap_getnum(const char *str, unsigned int *num, unsigned int lastbit)
{
	unsigned long long n;
	unsigned int len;

	if (str[0] == 'N') {
		*num = lastbit;
		return str + 1;
	}
	len = _parse_integer(str, &n);
	if (!len)
		return ERR_PTR(-EINVAL);
	if (len & KSTRTOX_OVERFLOW || n != (unsigned int)n)
		return ERR_PTR(-EOVERFLOW);
	*num = (unsigned int)n;
	return str + len;
}

static bool end_of_str(char c)
{
	return c == '\0' || c == '\n';
}

static bool __end_of_region(char c)
{
	return kernel_isspace(c) || c == ',';
}

static bool end_of_region(char c)
{
	return __end_of_region(c) || end_of_str(c);
}

static const char *bitmap_find_region(const char *str)
{
	while (__end_of_region(*str))
		str++;
	return end_of_str(*str) ? NULL : str;
}

static const char *bitmap_parse_region(const char *str, struct region *r)
{
	unsigned int lastbit = r->nbits - 1;

	if (!strncasecmp_all(str)) {
		r->start = 0;
		r->end = lastbit;
		str += 3;
		goto check_pattern;
	}
	str = bitmap_getnum(str, &r->start, lastbit);
	if (IS_ERR(str))
		return str;
	if (end_of_region(*str))
		goto no_end;
	if (*str != '-')
		return ERR_PTR(-EINVAL);
	str = bitmap_getnum(str + 1, &r->end, lastbit);
	if (IS_ERR(str))
		return str;
check_pattern:
	if (end_of_region(*str))
		goto no_pattern;
	if (*str != ':')
		return ERR_PTR(-EINVAL);
	str = bitmap_getnum(str + 1, &r->off, lastbit);
	if (IS_ERR(str))
		return str;
	if (*str != '/')
		return ERR_PTR(-EINVAL);
	return bitmap_getnum(str + 1, &r->group_len, lastbit);
no_end:
	r->end = r->start;
no_pattern:
	r->off = r->end + 1;
	r->group_len = r->end + 1;
	return end_of_str(*str) ? NULL : str;
}

int ref_bitmap_parselist(const char *buf, unsigned long *maskp, int nmaskbits)
{
	struct region r;
	long ret;

	r.nbits = (unsigned int)nmaskbits;
	ref_bitmap_zero(maskp, r.nbits);
	while (buf) {
		buf = bitmap_find_region(buf);
		if (buf == NULL)
			return 0;
		buf = bitmap_parse_region(buf, &r);
		if (IS_ERR(buf))
			return PTR_ERR(buf);
		ret = bitmap_check_region(&r);
		if (ret)
			return (int)ret;
		bitmap_set_region(&r, maskp);
	}
	return 0;
}

/* ---- lib/vsprintf.c: bitmap_list_string()
 *
 * The kernel moves a pointer buf towards end and writes only while buf <
 * end; here buf is an index into a buffer of @end bytes, the same walk
 * without a pointer past the buffer. */

struct out {
	char *base;
	size_t buf, end;
};

static void put(struct out *o, char c)
{
	if (o->buf < o->end)
		o->base[o->buf] = c;
	o->buf++;
}

/* number() with default_dec_spec: the decimal digits of @num */
static void number(struct out *o, unsigned long num)
{
	char tmp[24];
	int i = 0;

	do {
		tmp[i++] = (char)('0' + num % 10);
		num /= 10;
	} while (num);
	while (i-- > 0)
		put(o, tmp[i]);
}

static void bitmap_list_string(struct out *o, const unsigned long *bitmap, int nr_bits)
{
	bool first = true;
	unsigned long rbot, rtop, size = nr_bits > 0 ? (unsigned long)nr_bits : 0;

	/* for_each_set_bitrange(rbot, rtop, bitmap, nr_bits): [rbot, rtop) */
	for (rbot = 0;
	     rbot = ref__find_next_bit(bitmap, size, rbot),
	     rtop = ref__find_next_zero_bit(bitmap, size, rbot + 1),
	     rbot < size;
	     rbot = rtop + 1) {
		if (!first)
			put(o, ',');
		first = false;
		number(o, rbot);
		if (rtop == rbot + 1)
			continue;
		put(o, '-');
		number(o, rtop - 1);
	}
}

/* vsnprintf()'s ending: the NUL after the text, or in the last byte */
size_t ref_bitmap_list_string(char *buf, size_t size, const unsigned long *bitmap,
			      int nr_bits)
{
	struct out o = { buf, 0, size };

	bitmap_list_string(&o, bitmap, nr_bits);
	if (size > 0)
		buf[o.buf < size ? o.buf : size - 1] = '\0';
	return o.buf;
}
