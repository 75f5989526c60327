/* SPDX-License-Identifier: MIT */
/*
 * cmocka tests of src/cpulist.c (and kaff_strerrorname(), which names the
 * expected errors).
 *
 * (a) Every row of $KAFF_VECTORS_DIR/cpulist.tsv: the kernel's own
 *     parselist_tests[] (lib/test_bitmap.c). A missing file or a file
 *     without rows fails.
 * (b) Our cases. Each expected value comes from the grammar
 *     (docs/algorithm.md#rule-cpulist) or from reading bitmap_parselist(); the comment on each case says
 *     how. Long expected lists are built by the test from the grammar's
 *     set rule ("bits s.. with (i - START) % GROUP < USED, START..END")
 *     and printed by a formatter local to this file, never by libkaff.
 */
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

#include <libkaff/common.h>
#include <libkaff/cpulist.h>
#include <libkaff/cpumask.h>

#include "test-common.h"

#define BPL KAFF_BITS_PER_LONG

/* ---- test-local helpers, independent of libkaff */

/*
 * Parse a canonical %*pbl list ("0-3,8"; "-" or "" = empty) into @bits
 * (one byte per bit, @nbits of them). Only what canonical lists use:
 * numbers, '-' and ','. Return false if malformed or out of range.
 */
static bool canon_to_bits(const char *list, unsigned int nbits, unsigned char *bits)
{
	const char *p = list;

	memset(bits, 0, nbits);
	if (!strcmp(list, "-") || !*list)
		return true;
	for (;;) {
		unsigned long a, b;
		char *end;

		if (*p < '0' || *p > '9')
			return false;
		a = strtoul(p, &end, 10);
		p = end;
		b = a;
		if (*p == '-') {
			p++;
			if (*p < '0' || *p > '9')
				return false;
			b = strtoul(p, &end, 10);
			p = end;
		}
		if (a > b || b >= nbits)
			return false;
		for (; a <= b; a++)
			bits[a] = 1;
		if (!*p)
			return true;
		if (*p != ',')
			return false;
		p++;
	}
}

/* The canonical list of @bits, written by hand here; malloc'd. */
static char *bits_to_canon(const unsigned char *bits, unsigned int nbits)
{
	size_t cap = 16 + (size_t)nbits * 6, n = 0;
	char *out = malloc(cap);
	unsigned int i = 0, j;

	assert_non_null(out);
	out[0] = '\0';
	while (i < nbits) {
		if (!bits[i]) {
			i++;
			continue;
		}
		for (j = i; j + 1 < nbits && bits[j + 1]; j++)
			;
		if (n)
			out[n++] = ',';
		if (j == i)
			n += (size_t)snprintf(out + n, cap - n, "%u", i);
		else
			n += (size_t)snprintf(out + n, cap - n, "%u-%u", i, j);
		i = j + 1;
	}
	return out;
}

/*
 * The set rule for one region START-END:USED/GROUP: the groups start at
 * s = START + k * GROUP, k = 0, 1, ..., computed in 32 bits as the
 * kernel's unsigned int s in bitmap_set_region() (a GROUP above UINT_MAX -
 * END wraps: recorded in tests/conformance/oracle/o73-19-cpulist-group-wrap),
 * while s <= END; each sets USED bits from s, none past END.
 */
static void region_bits(unsigned char *bits, unsigned int start, unsigned int end,
			unsigned int used, unsigned int group)
{
	uint32_t s;
	unsigned int k;

	for (s = start; s <= end; s += group)
		for (k = 0; k < used && k <= end - s; k++)
			bits[s + k] = 1;
}

/* Does the mask hold exactly @bits, with clean tail bits? */
static bool mask_matches(const struct kaff_cpumask *m, const unsigned char *bits)
{
	size_t b, nw = KAFF_BITS_TO_LONGS(m->nbits);

	for (b = 0; b < nw * BPL; b++) {
		bool set = (m->bits[b / BPL] >> (b % BPL)) & 1UL;
		bool want = b < m->nbits && bits[b];

		if (set != want)
			return false;
	}
	return true;
}

static char *print_mask(const struct kaff_cpumask *m)
{
	size_t n = kaff_cpulist_snprint(NULL, 0, m);
	char *s = malloc(n + 1);

	assert_non_null(s);
	assert_int_equal(kaff_cpulist_snprint(s, n + 1, m), n);
	assert_int_equal(strlen(s), n);
	return s;
}

/*
 * print_message() for one TAP comment line: cmocka 1.1.5 formats into a
 * 1024-byte buffer, so a longer line would lose its newline and swallow
 * the next "ok" line. Cut it to fit.
 */
#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static void msg(const char *fmt, ...)
{
	char line[900];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		memcpy(line + sizeof(line) - 5, "...", 4);
	print_message("# %s\n", line);
}

/* @in with '\\', TAB and newline escaped as in the vectors file, so
 * messages stay on one TAP line; a static buffer, cut at 200 chars. */
static const char *esc(const char *in)
{
	static char out[210];
	size_t n = 0;

	for (; *in && n < 200; in++) {
		if (*in == '\\' || *in == '\t' || *in == '\n') {
			out[n++] = '\\';
			out[n++] = *in == '\t' ? 't' : *in == '\n' ? 'n' : '\\';
		} else {
			out[n++] = *in;
		}
	}
	out[n] = '\0';
	return out;
}

/*
 * Parse @in (copied into an exact-size block so ASan and valgrind see any
 * read past the NUL) at width @nbits and compare with @expect: a canonical
 * list, "-" for the empty mask, or an errno name. For an error, @partial
 * (if not NULL) is the list the mask must hold afterwards.
 * Return true if all matched; print why not otherwise.
 */
static bool run_case(const char *label, const char *in, unsigned int nbits,
		     const char *expect, const char *partial)
{
	size_t inlen = strlen(in);
	char *copy = malloc(inlen + 1);
	struct kaff_cpumask *m = kaff_cpumask_alloc(nbits);
	unsigned char *bits = malloc(nbits + 1);
	bool ok = true;
	int ret;

	assert_non_null(copy);
	assert_non_null(m);
	assert_non_null(bits);
	memcpy(copy, in, inlen + 1);
	/* the parser clears dst first: start from a full mask */
	kaff_cpumask_setall(m);
	ret = kaff_cpulist_parse(copy, m);

	if (expect[0] == 'E') {
		if (ret >= 0 || strcmp(kaff_strerrorname(ret), expect)) {
			msg("%s: \"%s\" nbits %u: got %d (%s), want %s",
			    label, esc(in), nbits, ret,
			    ret ? kaff_strerrorname(ret) : "0", expect);
			ok = false;
		}
		if (ok && partial) {
			assert_true(canon_to_bits(partial, nbits, bits));
			if (!mask_matches(m, bits)) {
				char *got = print_mask(m);

				msg("%s: \"%s\" nbits %u: left \"%s\", want \"%s\"",
				    label, esc(in), nbits, got, partial);
				free(got);
				ok = false;
			}
		}
	} else if (ret != 0) {
		msg("%s: \"%s\" nbits %u: got %s, want %s", label, esc(in),
		    nbits, kaff_strerrorname(ret), expect);
		ok = false;
	} else {
		char *got = print_mask(m);
		const char *want = strcmp(expect, "-") ? expect : "";

		if (!canon_to_bits(expect, nbits, bits)) {
			msg("%s: bad expected list \"%s\"", label, expect);
			ok = false;
		} else if (!mask_matches(m, bits) || strcmp(got, want)) {
			msg("%s: \"%s\" nbits %u: got \"%s\", want \"%s\"",
			    label, esc(in), nbits, got, want);
			ok = false;
		}
		free(got);
	}
	free(copy);
	free(bits);
	kaff_cpumask_free(m);
	return ok;
}

struct pcase {
	const char *in;
	unsigned int nbits;
	const char *expect;   /* list, "-" (empty) or errno name */
	const char *partial;  /* for errors: the mask left behind, or NULL */
};

static void run_table(const char *label, const struct pcase *c, size_t n)
{
	size_t i, bad = 0;

	for (i = 0; i < n; i++)
		if (!run_case(label, c[i].in, c[i].nbits, c[i].expect, c[i].partial))
			bad++;
	assert_int_equal(bad, 0);
}

#define RUN_TABLE(t) run_table(#t, t, sizeof(t) / sizeof((t)[0]))

/* ---- (a) the kernel's vectors */

/* Undo the file's escaping (\\, \t, \n) in place; false on a bad escape. */
static bool unescape(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (*s != '\\') {
			*d++ = *s;
			continue;
		}
		s++;
		if (*s == '\\')
			*d++ = '\\';
		else if (*s == 't')
			*d++ = '\t';
		else if (*s == 'n')
			*d++ = '\n';
		else
			return false;
	}
	*d = '\0';
	return true;
}

static void test_vectors(void **state)
{
	const char *dir = kaff_test_env_dir("KAFF_VECTORS_DIR");
	char path[4096];
	char *text, *line, *next;
	size_t rows = 0, bad = 0, lineno = 0;

	(void)state;
	if (!dir)
		fail_msg("KAFF_VECTORS_DIR is not set");
	assert_true((size_t)snprintf(path, sizeof(path), "%s/cpulist.tsv", dir) <
		    sizeof(path));
	text = kaff_test_read_file(path, NULL);
	if (!text)
		fail_msg("cannot read %s", path);

	for (line = text; line; line = next) {
		char *in, *nb, *expect, *end;
		unsigned long nbits;

		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		/* comments and blank lines; an input may be empty, so a data
		 * row can start with a TAB */
		if (line[0] == '#' || line[0] == '\0')
			continue;
		in = line;
		nb = strchr(in, '\t');
		expect = nb ? strchr(nb + 1, '\t') : NULL;
		if (!nb || !expect || strchr(expect + 1, '\t')) {
			msg("line %zu: not three TAB-separated fields", lineno);
			bad++;
			continue;
		}
		*nb++ = '\0';
		*expect++ = '\0';
		nbits = strtoul(nb, &end, 10);
		if (nb[0] < '0' || nb[0] > '9' || *end || nbits > KAFF_NR_CPUS_MAX ||
		    !unescape(in) || !expect[0]) {
			msg("line %zu: malformed row", lineno);
			bad++;
			continue;
		}
		rows++;
		if (!run_case("vector", in, (unsigned int)nbits, expect, NULL))
			bad++;
	}
	free(text);
	if (rows == 0)
		fail_msg("%s has no rows", path);
	assert_int_equal(bad, 0);
}

/* ---- (b) our cases */

/*
 * End of string is NUL or '\n', but '\n' is also a separator. A region
 * without a pattern that ends at '\n' ends the parse (bitmap_parse_region()
 * returns NULL there); after a pattern, the text after GROUP goes back to
 * the main loop, whose separator skip passes over '\n'.
 */
static void test_newline_rule(void **state)
{
	static const struct pcase c[] = {
		{ "0-2\n5", 8, "0-2", NULL },         /* region ended by '\n' */
		{ "0-2,\n5", 8, "0-2,5", NULL },      /* ',' ends it, '\n' skipped */
		{ "5\n6", 8, "5", NULL },             /* single CPU ended by '\n' */
		{ "\n5", 8, "5", NULL },              /* leading '\n' is a separator */
		{ "1 \n5", 8, "1,5", NULL },          /* ' ' ends the region */
		{ "0-3:1/2\n5", 8, "0,2,5", NULL },   /* after GROUP: main loop */
		{ "all\n5", 8, "0-7", NULL },         /* 'all' without pattern */
		{ "all:1/2\n1", 8, "0-2,4,6", NULL }, /* 'all' with pattern */
		{ "0-", 8, "EINVAL", NULL },        /* no END digits */
		{ "0-3:\n1/2", 8, "EINVAL", NULL },   /* no USED digits */
		{ "", 8, "-", NULL },
		{ "\n\n", 8, "-", NULL },
		{ "3\nx", 8, "3", NULL },             /* never reads the x */
		{ "3-x", 8, "EINVAL", NULL },
		/* The kernel's isspace() (lib/ctype.c) also marks 0xA0, the
		 * Latin-1 no-break space, as a space: a separator here. */
		{ "0,\xa0" "1", 8, "0-1", NULL },
		{ "2\xa0" "4", 8, "2,4", NULL },
		{ "\xa1", 8, "EINVAL", NULL },     /* 0xA1 is punctuation */
	};

	(void)state;
	RUN_TABLE(c);
}

/* "all" is three letters in any case; 'N' (upper case only) is nbits-1. */
static void test_all_and_N(void **state)
{
	static const struct pcase c[] = {
		{ "all", 8, "0-7", NULL },
		{ "ALL", 8, "0-7", NULL },
		{ "aLl", 8, "0-7", NULL },
		{ "ALL:1/2", 8, "0,2,4,6", NULL },
		{ "all:2/4", 10, "0-1,4-5,8-9", NULL },
		{ "all:0/1", 8, "-", NULL },          /* USED 0 sets nothing */
		{ "all,5", 8, "0-7", NULL },
		{ "al", 8, "EINVAL", NULL },
		{ "alx", 8, "EINVAL", NULL },         /* 'a' is not a number */
		{ "al,", 8, "EINVAL", NULL },
		{ "a", 8, "EINVAL", NULL },
		{ "alll", 8, "EINVAL", NULL },
		{ "all-3", 8, "EINVAL", NULL },       /* after 'all' only ':' */
		{ "all:1", 8, "EINVAL", NULL },
		{ "N", 8, "7", NULL },
		{ "0-N", 8, "0-7", NULL },
		{ "N-N", 8, "7", NULL },
		{ "0-N:N/N", 8, "0-7", NULL },        /* groups of 7 all set */
		{ "0-N:1/N", 8, "0,7", NULL },        /* starts 0 and 7 */
		{ "n", 8, "EINVAL", NULL },
		{ "NN", 8, "EINVAL", NULL },          /* after START: not '-' */
		{ "N5", 8, "EINVAL", NULL },
		{ "5N", 8, "EINVAL", NULL },
		/* whatever follows GROUP is a new region: here 'N' */
		{ "0-3:1/2N", 8, "0,2,7", NULL },
		{ "0-3:1/2x", 8, "EINVAL", "0,2" },
		{ "0-3:1/2-1", 8, "EINVAL", "0,2" },
		/* nbits = 0: lastbit wraps to UINT_MAX. "all" and "N" have
		 * END = UINT_MAX, so GROUP = END+1 = 0: EINVAL, not ERANGE.
		 * With a pattern GROUP is given: END >= 0 gives ERANGE. */
		{ "all", 0, "EINVAL", NULL },
		{ "N", 0, "EINVAL", NULL },
		{ "all:1/2", 0, "ERANGE", NULL },
		{ "0", 0, "ERANGE", NULL },
		{ "", 0, "-", NULL },
		{ " , ", 0, "-", NULL },
	};

	(void)state;
	RUN_TABLE(c);
}

/* Width 1: CPU 0 only. */
static void test_width_one(void **state)
{
	static const struct pcase c[] = {
		{ "0", 1, "0", NULL },
		{ "N", 1, "0", NULL },
		{ "all", 1, "0", NULL },
		{ "0-N", 1, "0", NULL },
		{ "0,0,0", 1, "0", NULL },
		{ "0-0:1/1", 1, "0", NULL },
		{ "0-0:0/1", 1, "-", NULL },
		{ "all:1/2", 1, "0", NULL },
		{ "1", 1, "ERANGE", NULL },
		{ "0-1", 1, "ERANGE", NULL },
		{ "0,1", 1, "ERANGE", "0" },
		{ "", 1, "-", NULL },
	};

	(void)state;
	RUN_TABLE(c);
}

/* Numbers must fit in 32 bits; all digits are read before the check. */
static void test_overflow(void **state)
{
	static const struct pcase c[] = {
		{ "4294967296", 8, "EOVERFLOW", NULL },       /* 2^32 */
		{ "99999999999999999999999", 8, "EOVERFLOW", NULL }, /* > 2^64 */
		{ "18446744073709551615", 8, "EOVERFLOW", NULL },    /* 2^64-1 */
		{ "18446744073709551616", 8, "EOVERFLOW", NULL },    /* 2^64 */
		{ "0-4294967296", 8, "EOVERFLOW", NULL },
		{ "0-3:4294967296/1", 8, "EOVERFLOW", NULL },
		{ "0-3:1/4294967296", 8, "EOVERFLOW", NULL },
		/* the number's error comes before the bad character after it */
		{ "4294967296x", 8, "EOVERFLOW", NULL },
		/* overflow is found before the range check */
		{ "1,0-99999999999999999999:1/2", 8, "EOVERFLOW", "1" },
		/* 2^32-1 fits: a single CPU then has GROUP = END+1 = 0 (EINVAL);
		 * 2^32-2 is just out of range */
		{ "4294967295", 8, "EINVAL", NULL },
		{ "4294967294", 8, "ERANGE", NULL },
		{ "0-4294967295:1/2", 8, "ERANGE", NULL },
		/* leading zeros are digits, not overflow */
		{ "000000000000000000000000000007", 8, "7", NULL },
		{ "0-3:0000000000000000000001/00000000000000000002", 8, "0,2", NULL },
	};

	(void)state;
	RUN_TABLE(c);
}

/*
 * Check order: START > END, GROUP == 0, USED > GROUP give EINVAL before
 * END >= nbits gives ERANGE. Regions before the bad one stay set.
 */
static void test_errors(void **state)
{
	static const struct pcase c[] = {
		{ "8", 8, "ERANGE", NULL },
		{ "0-8", 8, "ERANGE", NULL },
		{ "7-100:1/200", 8, "ERANGE", NULL },
		{ "10-9", 8, "EINVAL", NULL },         /* START > END first */
		{ "0-100:5/2", 8, "EINVAL", NULL },    /* USED > GROUP first */
		{ "0-100:0/0", 8, "EINVAL", NULL },    /* GROUP 0 first */
		{ "5-3", 8, "EINVAL", NULL },
		{ "3-5:1/0", 8, "EINVAL", NULL },
		{ "0-7,8", 8, "ERANGE", "0-7" },
		{ "0-3,x", 8, "EINVAL", "0-3" },
		{ "1,2,3-", 8, "EINVAL", "1-2" },
		{ "1,5-4,2", 8, "EINVAL", "1" },
		{ "1:1/1", 8, "EINVAL", NULL },       /* after START: '-' or end */
		{ "1--2", 8, "EINVAL", NULL },
		{ "1-", 8, "EINVAL", NULL },
		{ "-", 8, "EINVAL", NULL },
		{ "+1", 8, "EINVAL", NULL },
		{ "0x1", 8, "EINVAL", NULL },
		{ "1;2", 8, "EINVAL", NULL },
		{ "0-3:1", 8, "EINVAL", NULL },
		{ "0-3:1/", 8, "EINVAL", NULL },
		{ "0-3/1:2", 8, "EINVAL", NULL },
		{ "0-3:1:2", 8, "EINVAL", NULL },
		{ ",", 8, "-", NULL },
		/* every separator: ',' and the six C isspace() characters */
		{ "1 2\t3\v4\f5\r6,7", 8, "1-7", NULL },
		{ "  \t,\v\f\r ,", 8, "-", NULL },
		{ "7,0,3-4,1", 8, "0-1,3-4,7", NULL },
		{ "0-5,2-7", 8, "0-7", NULL },        /* overlaps are OR-ed */
	};

	(void)state;
	RUN_TABLE(c);
}

/* Lists at the largest width, built from the grammar's set rule. */
static void test_wide(void **state)
{
	static const struct {
		unsigned int start, end, used, group;
	} r[] = {
		{ 0, 8191, 8192, 8192 },  /* 0-8191 */
		{ 0, 8191, 1, 2 },        /* evens */
		{ 1, 8191, 1, 2 },        /* odds */
		{ 0, 8191, 64, 128 },     /* alternate words */
		{ 0, 8191, 3, 5 },        /* period not dividing a word */
		{ 5, 8000, 2, 7 },
		{ 63, 8191, 1, 64 },      /* the top bit of each word */
		{ 1, 8190, 63, 64 },
		{ 60, 200, 10, 63 },
		{ 60, 8000, 10, 65 },     /* groups larger than a word */
		{ 7, 8000, 33, 100 },
		{ 0, 8191, 1, 8192 },
		{ 100, 8191, 8000, 8100 },
		{ 0, 8191, 8191, 8192 },
		{ 4095, 4160, 1, 1 },
		{ 8191, 8191, 1, 1 },
		/* GROUP > UINT_MAX - END: START, START - d, ... down to
		 * START mod d, d = 2^32 - GROUP */
		{ 9, 12, 1, 4294967294u },
		{ 5, 10, 4294967295u, 4294967295u },
		{ 100, 200, 3, 4294967290u },
		{ 8000, 8191, 1, 4294967000u },
		{ 8191, 8191, 70, 4294959105u },  /* d = 8191: 0-69, 8191 */
		{ 4000, 8191, 1, 4294959104u },   /* d = 8192: no wrap back */
	};
	unsigned char *bits = malloc(8192);
	size_t i, bad = 0;

	(void)state;
	assert_non_null(bits);
	for (i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		char in[64];
		char *want;

		snprintf(in, sizeof(in), "%u-%u:%u/%u", r[i].start, r[i].end,
			 r[i].used, r[i].group);
		memset(bits, 0, 8192);
		region_bits(bits, r[i].start, r[i].end, r[i].used, r[i].group);
		want = bits_to_canon(bits, 8192);
		if (!run_case("wide", in, 8192, want[0] ? want : "-", NULL))
			bad++;
		free(want);
	}
	free(bits);

	/* spelled out by hand */
	assert_true(run_case("wide", "0-8191", 8192, "0-8191", NULL));
	assert_true(run_case("wide", "0-N", 8192, "0-8191", NULL));
	assert_true(run_case("wide", "4096-8191,0-4095", 8192, "0-8191", NULL));
	assert_true(run_case("wide", "8191", 8192, "8191", NULL));
	assert_true(run_case("wide", "0,8191", 8192, "0,8191", NULL));
	assert_true(run_case("wide", "8192", 8192, "ERANGE", NULL));
	/* 0-1023:2/256 is docs/algorithm.md#rule-cpulist's example */
	assert_true(run_case("wide", "0-1023:2/256", 8192,
			     "0-1,256-257,512-513,768-769", NULL));
	/* the traced case: 9, then 9 + 4294967294 - 2^32 = 7, 5, 3, 1, then
	 * 1 - 2 wraps above 12 */
	assert_true(run_case("wide", "9-12:1/4294967294", 16, "1,3,5,7,9", NULL));
	assert_int_equal(bad, 0);
}

/*
 * Every region START-END:USED/GROUP over a grid of values, at widths 200
 * and 8192, against the grammar: EINVAL if START > END or GROUP == 0 or
 * USED > GROUP, else ERANGE if END >= nbits, else the set rule.
 */
static void test_region_grid(void **state)
{
	static const unsigned int starts[] = { 0, 1, 31, 63, 64, 65, 127, 199, 4000 };
	static const unsigned int ends[] = { 0, 63, 64, 127, 128, 199, 200, 8191 };
	static const unsigned int groups[] = { 0, 1, 2, 3, 7, 32, 63, 64, 65, 100,
					       129, 8192, UINT_MAX };
	static const unsigned int widths[] = { 200, 8192 };
	unsigned char *bits = malloc(8192);
	size_t si, ei, gi, wi, ui, bad = 0, count = 0;

	(void)state;
	assert_non_null(bits);
	for (wi = 0; wi < 2; wi++)
	for (si = 0; si < sizeof(starts) / sizeof(starts[0]); si++)
	for (ei = 0; ei < sizeof(ends) / sizeof(ends[0]); ei++)
	for (gi = 0; gi < sizeof(groups) / sizeof(groups[0]); gi++)
	for (ui = 0; ui < 5; ui++) {
		unsigned int nbits = widths[wi], s = starts[si], e = ends[ei];
		unsigned int g = groups[gi];
		/* USED: 0, 1, GROUP-1, GROUP, GROUP+1 (wrapping is fine:
		 * it only makes another USED to try) */
		unsigned int u = ui == 0 ? 0 : ui == 1 ? 1 : g + (ui - 3);
		const char *expect;
		char in[80], *want = NULL;

		snprintf(in, sizeof(in), "%u-%u:%u/%u", s, e, u, g);
		if (s > e || g == 0 || u > g) {
			expect = "EINVAL";
		} else if (e >= nbits) {
			expect = "ERANGE";
		} else {
			memset(bits, 0, nbits);
			region_bits(bits, s, e, u, g);
			want = bits_to_canon(bits, nbits);
			expect = want[0] ? want : "-";
		}
		if (!run_case("grid", in, nbits, expect, NULL))
			bad++;
		free(want);
		count++;
	}
	free(bits);
	assert_true(count > 0);
	assert_int_equal(bad, 0);
}

/*
 * Random strings over the grammar's alphabet: whatever the input, the
 * result is 0 or one of the three errors, and the tail bits stay clear.
 * (ASan/valgrind check that nothing reads past the NUL.)
 */
static void test_random_strings(void **state)
{
	static const char alphabet[] = "0123456789-:/,N aAlL\n\t9x";
	struct kaff_cpumask *m = kaff_cpumask_alloc(70);
	unsigned long long seed = 0x9e3779b97f4a7c15ull;
	int i;

	(void)state;
	assert_non_null(m);
	for (i = 0; i < 20000; i++) {
		size_t len, k;
		char *s;
		int ret;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		len = (size_t)(seed >> 59);  /* 0 .. 31 */
		s = malloc(len + 1);
		assert_non_null(s);
		for (k = 0; k < len; k++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			s[k] = alphabet[(seed >> 33) % (sizeof(alphabet) - 1)];
		}
		s[len] = '\0';
		ret = kaff_cpulist_parse(s, m);
		assert_true(ret == 0 || ret == -EINVAL || ret == -ERANGE ||
			    ret == -EOVERFLOW);
		/* 70 bits: nothing at or above bit 70 of its last word */
		assert_int_equal(m->bits[70 / BPL] >> (70 % BPL), 0);
		free(s);
	}
	kaff_cpumask_free(m);
}

/* ---- printing */

static struct kaff_cpumask *mask_from(unsigned int nbits, const unsigned int *cpus,
				      size_t n)
{
	struct kaff_cpumask *m = kaff_cpumask_alloc(nbits);
	size_t i;

	assert_non_null(m);
	for (i = 0; i < n; i++)
		kaff_cpumask_set_cpu(cpus[i], m);
	return m;
}

static void assert_prints(const struct kaff_cpumask *m, const char *want)
{
	char buf[256];
	size_t n;

	memset(buf, 'X', sizeof(buf));
	n = kaff_cpulist_snprint(buf, sizeof(buf), m);
	assert_int_equal(n, strlen(want));
	assert_string_equal(buf, want);
	assert_int_equal(kaff_cpulist_snprint(NULL, 0, m), strlen(want));
}

static void test_print_runs(void **state)
{
	static const unsigned int c0[] = { 0 };
	static const unsigned int c01[] = { 0, 1 };
	static const unsigned int c02[] = { 0, 2 };
	static const unsigned int c6364[] = { 63, 64 };
	static const unsigned int c255[] = { 255 };
	static const unsigned int cedge[] = { 0, 8191 };
	struct kaff_cpumask *m;
	unsigned int i;

	(void)state;
	/* empty prints "" at any width, including 0 */
	m = kaff_cpumask_alloc(0);
	assert_non_null(m);
	assert_prints(m, "");
	kaff_cpumask_free(m);
	m = mask_from(8, NULL, 0);
	assert_prints(m, "");
	kaff_cpumask_free(m);

	/* a run of one prints "a", of two or more "a-b" */
	m = mask_from(8, c0, 1);
	assert_prints(m, "0");
	kaff_cpumask_free(m);
	m = mask_from(8, c01, 2);
	assert_prints(m, "0-1");
	kaff_cpumask_free(m);
	m = mask_from(8, c02, 2);
	assert_prints(m, "0,2");
	kaff_cpumask_free(m);
	/* a run across a word boundary is one run */
	m = mask_from(65, c6364, 2);
	assert_prints(m, "63-64");
	kaff_cpumask_free(m);
	m = mask_from(256, c255, 1);
	assert_prints(m, "255");
	kaff_cpumask_free(m);
	m = mask_from(8192, cedge, 2);
	assert_prints(m, "0,8191");
	/* + CPUs 1..63 and 65: runs 0-63, then 65, then 8191 */
	for (i = 1; i < 64; i++)
		kaff_cpumask_set_cpu(i, m);
	kaff_cpumask_set_cpu(65, m);
	assert_prints(m, "0-63,65,8191");
	kaff_cpumask_setall(m);
	assert_prints(m, "0-8191");
	kaff_cpumask_clear_cpu(4096, m);
	assert_prints(m, "0-4095,4097-8191");
	kaff_cpumask_free(m);
	/* a full 1-bit, 64-bit and 65-bit mask */
	m = kaff_cpumask_alloc(1);
	assert_non_null(m);
	kaff_cpumask_setall(m);
	assert_prints(m, "0");
	kaff_cpumask_free(m);
	m = kaff_cpumask_alloc(64);
	assert_non_null(m);
	kaff_cpumask_setall(m);
	assert_prints(m, "0-63");
	kaff_cpumask_free(m);
	m = kaff_cpumask_alloc(65);
	assert_non_null(m);
	kaff_cpumask_setall(m);
	assert_prints(m, "0-64");
	kaff_cpumask_free(m);
}

/* snprintf semantics: full length back, NUL within len, nothing past len. */
static void test_print_truncation(void **state)
{
	static const unsigned int cpus[] = { 0, 1, 2, 3, 8 };
	struct kaff_cpumask *m = mask_from(16, cpus, 5);  /* "0-3,8": 5 chars */
	char buf[16];

	(void)state;
	assert_int_equal(kaff_cpulist_snprint(NULL, 0, m), 5);

	/* len 0: nothing written */
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(kaff_cpulist_snprint(buf, 0, m), 5);
	assert_int_equal(buf[0], 'X');

	/* len 1: just the NUL */
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(kaff_cpulist_snprint(buf, 1, m), 5);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], 'X');

	/* len 3: "0-" */
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(kaff_cpulist_snprint(buf, 3, m), 5);
	assert_string_equal(buf, "0-");
	assert_int_equal(buf[3], 'X');

	/* len 5 = the text's length: one char short, "0-3," */
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(kaff_cpulist_snprint(buf, 5, m), 5);
	assert_string_equal(buf, "0-3,");
	assert_int_equal(buf[5], 'X');

	/* len 6 = length + 1: all of it */
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(kaff_cpulist_snprint(buf, 6, m), 5);
	assert_string_equal(buf, "0-3,8");
	assert_int_equal(buf[6], 'X');

	/* more room: same, nothing after the NUL touched */
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(kaff_cpulist_snprint(buf, sizeof(buf), m), 5);
	assert_string_equal(buf, "0-3,8");
	assert_int_equal(buf[6], 'X');
	assert_int_equal(buf[15], 'X');

	/* empty mask: "" and 0 */
	kaff_cpumask_clear(m);
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(kaff_cpulist_snprint(buf, 1, m), 0);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], 'X');
	kaff_cpumask_free(m);

	/* a long text cut short: evens of 8192 are "0,2,...,8190" */
	{
		struct kaff_cpumask *e = kaff_cpumask_alloc(8192);
		size_t full = 0, n;
		unsigned int i;
		char small[8];

		assert_non_null(e);
		for (i = 0; i < 8192; i += 2) {
			kaff_cpumask_set_cpu(i, e);
			/* digits of i, plus a ',' before all but the first:
			 * 0-8: 5 one-digit, 10-98: 45 two-digit,
			 * 100-998: 450 three-digit, 1000-8190: 3596 four-digit */
			full += (i < 10 ? 1 : i < 100 ? 2 : i < 1000 ? 3 : 4) + (i ? 1 : 0);
		}
		/* 5*1 + 45*2 + 450*3 + 3596*4 + 4095 commas = 19924 */
		assert_int_equal(full, 5 + 90 + 1350 + 14384 + 4095);
		n = kaff_cpulist_snprint(small, sizeof(small), e);
		assert_int_equal(n, full);
		assert_string_equal(small, "0,2,4,6");
		kaff_cpumask_free(e);
	}
}

/* Canonical lists print back as they were parsed. */
static void test_round_trip(void **state)
{
	static const struct {
		const char *list;
		unsigned int nbits;
	} c[] = {
		{ "", 8 }, { "0", 1 }, { "0-1", 2 }, { "0,2", 3 }, { "0-63", 64 },
		{ "63-64", 65 }, { "0-64", 65 }, { "1,3-5,7,64-127,8191", 8192 },
		{ "0-8191", 8192 }, { "1-8190", 8192 }, { "0,8191", 8192 },
		{ "4095-4096", 8192 }, { "0-2,4-6,8-10,12-14", 16 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct kaff_cpumask *m = kaff_cpumask_alloc(c[i].nbits);
		struct kaff_cpumask *m2 = kaff_cpumask_alloc(c[i].nbits);
		char *s;

		assert_non_null(m);
		assert_non_null(m2);
		assert_int_equal(kaff_cpulist_parse(c[i].list, m), 0);
		s = print_mask(m);
		assert_string_equal(s, c[i].list);
		/* and back again */
		assert_int_equal(kaff_cpulist_parse(s, m2), 0);
		assert_true(kaff_cpumask_equal(m, m2));
		free(s);
		kaff_cpumask_free(m);
		kaff_cpumask_free(m2);
	}
}

/* ---- errno names */

static void test_strerrorname(void **state)
{
	(void)state;
	/* either sign */
	assert_string_equal(kaff_strerrorname(-EINVAL), "EINVAL");
	assert_string_equal(kaff_strerrorname(EINVAL), "EINVAL");
	assert_string_equal(kaff_strerrorname(-ERANGE), "ERANGE");
	assert_string_equal(kaff_strerrorname(-EOVERFLOW), "EOVERFLOW");
	assert_string_equal(kaff_strerrorname(-ENOMEM), "ENOMEM");
	assert_string_equal(kaff_strerrorname(-EPERM), "EPERM");
	assert_string_equal(kaff_strerrorname(-EEXIST), "EEXIST");
	assert_string_equal(kaff_strerrorname(-EBUSY), "EBUSY");
	assert_string_equal(kaff_strerrorname(-ENOENT), "ENOENT");
	assert_string_equal(kaff_strerrorname(-ESRCH), "ESRCH");
	assert_string_equal(kaff_strerrorname(-ENODEV), "ENODEV");
	assert_string_equal(kaff_strerrorname(-ENOSPC), "ENOSPC");
	assert_string_equal(kaff_strerrorname(-EDOM), "EDOM");
	assert_string_equal(kaff_strerrorname(-ENOSYS), "ENOSYS");
	assert_string_equal(kaff_strerrorname(-EAGAIN), "EAGAIN");
	assert_string_equal(kaff_strerrorname(-EIO), "EIO");
	assert_string_equal(kaff_strerrorname(-ENODATA), "ENODATA");
	assert_string_equal(kaff_strerrorname(-ETIMEDOUT), "ETIMEDOUT");
	assert_string_equal(kaff_strerrorname(-ECANCELED), "ECANCELED");
	assert_string_equal(kaff_strerrorname(-EALREADY), "EALREADY");
	assert_string_equal(kaff_strerrorname(-ENAMETOOLONG), "ENAMETOOLONG");
	assert_string_equal(kaff_strerrorname(-EOPNOTSUPP), "EOPNOTSUPP");
	/* on Linux ENOTSUP == EOPNOTSUPP; then the first name wins */
	assert_string_equal(kaff_strerrorname(-ENOTSUP),
			    ENOTSUP == EOPNOTSUPP ? "EOPNOTSUPP" : "ENOTSUP");
	/* not an errno libkaff knows */
	assert_string_equal(kaff_strerrorname(0), "E?");
	assert_string_equal(kaff_strerrorname(INT_MIN), "E?");
	assert_string_equal(kaff_strerrorname(INT_MAX), "E?");
	assert_string_equal(kaff_strerrorname(-100000), "E?");

	assert_non_null(kaff_version_string());
	assert_true(kaff_version_string()[0] >= '0' && kaff_version_string()[0] <= '9');
}

/* ---- the shared helpers of tests/common, used above and by other tests */

static void test_common_helpers(void **state)
{
	struct kaff_test_alloc t;
	struct kaff_allocator a;
	struct kaff_test_buf b = { 0 };
	char *p, *q, *r, big[5000];
	size_t len = 1;

	(void)state;
	/* fail the third call */
	kaff_test_alloc_init(&t, 3, &a);
	p = a.malloc(a.data, 10);
	assert_non_null(p);
	assert_true((uintptr_t)p % _Alignof(max_align_t) == 0);
	memset(p, 1, 10);
	assert_int_equal(t.calls, 1);
	assert_int_equal(t.live, 1);
	assert_int_equal(t.live_bytes, 10);
	p = a.realloc(a.data, p, 100);          /* call 2 */
	assert_non_null(p);
	assert_int_equal(p[9], 1);
	assert_int_equal(t.live, 1);
	assert_int_equal(t.live_bytes, 100);
	assert_false(t.failed);
	assert_null(a.malloc(a.data, 5));       /* call 3 fails */
	assert_true(t.failed);
	assert_int_equal(t.live, 1);
	q = a.realloc(a.data, NULL, 7);         /* call 4, an allocation */
	assert_non_null(q);
	assert_int_equal(t.calls, 4);
	assert_int_equal(t.live, 2);
	assert_int_equal(t.live_bytes, 107);
	r = a.malloc(a.data, 0);                /* call 5: a valid block */
	assert_non_null(r);
	assert_int_equal(t.live, 3);
	a.free(a.data, r);
	assert_null(a.realloc(a.data, q, 0));   /* a free, not a call */
	assert_int_equal(t.calls, 5);
	assert_int_equal(t.live, 1);
	a.free(a.data, p);
	a.free(a.data, NULL);
	assert_int_equal(t.live, 0);
	assert_int_equal(t.live_bytes, 0);
	/* fail_at 0: never */
	kaff_test_alloc_init(&t, 0, &a);
	assert_int_equal(t.calls, 0);
	assert_false(t.failed);
	p = a.malloc(a.data, 1);
	assert_non_null(p);
	a.free(a.data, p);

	/* text buffer */
	assert_int_equal(kaff_test_buf_write(&b, "ab", 2), 0);
	assert_int_equal(kaff_test_buf_write(&b, "", 0), 0);
	assert_int_equal(kaff_test_buf_write(&b, "cdX", 2), 0);
	assert_string_equal(b.data, "abcd");
	assert_int_equal(b.len, 4);
	memset(big, 'z', sizeof(big));
	assert_int_equal(kaff_test_buf_write(&b, big, sizeof(big)), 0);
	assert_int_equal(b.len, 4 + sizeof(big));
	assert_int_equal(b.data[b.len], '\0');
	assert_int_equal(b.data[b.len - 1], 'z');
	kaff_test_buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	kaff_test_buf_free(&b);

	/* files and environment */
	assert_null(kaff_test_read_file("/nonexistent/kaff/file", &len));
	assert_int_equal(len, 0);
	assert_null(kaff_test_env_dir("KAFF_TEST_SURELY_UNSET_VARIABLE"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_newline_rule),
		cmocka_unit_test(test_all_and_N),
		cmocka_unit_test(test_width_one),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_wide),
		cmocka_unit_test(test_region_grid),
		cmocka_unit_test(test_random_strings),
		cmocka_unit_test(test_print_runs),
		cmocka_unit_test(test_print_truncation),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_strerrorname),
		cmocka_unit_test(test_common_helpers),
	};

	return cmocka_run_group_tests_name("cpulist", tests, NULL, NULL);
}
