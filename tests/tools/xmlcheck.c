/* SPDX-License-Identifier: MIT */
/*
 * A small XML 1.0 well-formedness checker, enough to hold `kaff render`
 * to what a browser's parser demands: one root element, matching tags,
 * quoted and unique attributes, only the five predefined entities and
 * character references, no stray '<' or '&', comments without "--".
 * No DTD support (kaff never writes one): a <!DOCTYPE is an error.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmlcheck.h"

struct xml {
	const char *s, *end;
	char *err;
	size_t errlen;
	unsigned int line;
};

static int fail(struct xml *x, const char *what)
{
	snprintf(x->err, x->errlen, "line %u: %s", x->line, what);
	return -1;
}

static bool name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':';
}

static bool name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

static bool space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void advance(struct xml *x, size_t n)
{
	for (; n && x->s < x->end; n--, x->s++)
		if (*x->s == '\n')
			x->line++;
}

static void skip_space(struct xml *x)
{
	while (x->s < x->end && space(*x->s))
		advance(x, 1);
}

static bool starts(const struct xml *x, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(x->end - x->s) >= n && !memcmp(x->s, lit, n);
}

/* Name at x->s; returns its length (0: none). */
static size_t name_len(const struct xml *x)
{
	size_t n = 0;

	if (x->s >= x->end || !name_start(*x->s))
		return 0;
	while (x->s + n < x->end && name_char(x->s[n]))
		n++;
	return n;
}

/* "&...;" at x->s */
static int reference(struct xml *x)
{
	static const char *const ents[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&apos;" };
	size_t i;

	for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++) {
		if (starts(x, ents[i])) {
			advance(x, strlen(ents[i]));
			return 0;
		}
	}
	if (starts(x, "&#x")) {
		advance(x, 3);
		for (i = 0; x->s < x->end && strchr("0123456789abcdefABCDEF", *x->s) && *x->s; i++)
			advance(x, 1);
	} else if (starts(x, "&#")) {
		advance(x, 2);
		for (i = 0; x->s < x->end && *x->s >= '0' && *x->s <= '9'; i++)
			advance(x, 1);
	} else {
		return fail(x, "'&' that starts no known entity");
	}
	if (!i || x->s >= x->end || *x->s != ';')
		return fail(x, "bad character reference");
	advance(x, 1);
	return 0;
}

static int comment(struct xml *x)
{
	advance(x, 4);
	while (x->s < x->end && !starts(x, "--"))
		advance(x, 1);
	if (!starts(x, "-->"))
		return fail(x, "'--' inside a comment, or comment not closed");
	advance(x, 3);
	return 0;
}

static int pi(struct xml *x)
{
	advance(x, 2);
	if (!name_len(x))
		return fail(x, "processing instruction without a target");
	while (x->s < x->end && !starts(x, "?>"))
		advance(x, 1);
	if (x->s >= x->end)
		return fail(x, "processing instruction not closed");
	advance(x, 2);
	return 0;
}

/* Attributes up to '>' or '/>'; names must be unique. */
static int attributes(struct xml *x)
{
	const char *names[64];
	size_t lens[64], n = 0, i, len;

	for (;;) {
		bool sp = x->s < x->end && space(*x->s);

		skip_space(x);
		if (x->s >= x->end)
			return fail(x, "tag not closed");
		if (*x->s == '>' || starts(x, "/>"))
			return 0;
		if (!sp)
			return fail(x, "attributes must be separated by blanks");
		len = name_len(x);
		if (!len)
			return fail(x, "bad attribute name");
		for (i = 0; i < n; i++)
			if (lens[i] == len && !memcmp(names[i], x->s, len))
				return fail(x, "attribute given twice");
		if (n < 64) {
			names[n] = x->s;
			lens[n++] = len;
		}
		advance(x, len);
		skip_space(x);
		if (x->s >= x->end || *x->s != '=')
			return fail(x, "attribute without '='");
		advance(x, 1);
		skip_space(x);
		if (x->s >= x->end || (*x->s != '"' && *x->s != '\''))
			return fail(x, "attribute value not quoted");
		{
			char q = *x->s;

			advance(x, 1);
			while (x->s < x->end && *x->s != q) {
				if (*x->s == '<')
					return fail(x, "'<' in an attribute value");
				if (*x->s == '&') {
					if (reference(x))
						return -1;
					continue;
				}
				advance(x, 1);
			}
			if (x->s >= x->end)
				return fail(x, "attribute value not closed");
			advance(x, 1);
		}
	}
}

int kaff_xml_check(const char *text, size_t len, char *err, size_t errlen)
{
	struct xml x = { text, text + len, err, errlen, 1 };
	const char **stack = NULL;
	size_t *stack_len = NULL, depth = 0, cap = 0, n;
	bool root_done = false, root_seen = false;
	int ret = -1;

	if (starts(&x, "<?xml") && pi(&x))
		goto out;
	while (x.s < x.end) {
		if (starts(&x, "<!--")) {
			if (comment(&x))
				goto out;
		} else if (starts(&x, "<?")) {
			if (pi(&x))
				goto out;
		} else if (starts(&x, "<!")) {
			fail(&x, "DOCTYPE, CDATA or other declaration (not supported)");
			goto out;
		} else if (starts(&x, "</")) {
			advance(&x, 2);
			n = name_len(&x);
			if (!depth || n != stack_len[depth - 1] || memcmp(x.s, stack[depth - 1], n)) {
				fail(&x, "end tag does not match the open element");
				goto out;
			}
			advance(&x, n);
			skip_space(&x);
			if (x.s >= x.end || *x.s != '>') {
				fail(&x, "end tag not closed");
				goto out;
			}
			advance(&x, 1);
			if (!--depth)
				root_done = true;
		} else if (*x.s == '<') {
			advance(&x, 1);
			n = name_len(&x);
			if (!n) {
				fail(&x, "'<' not followed by a name");
				goto out;
			}
			if (root_done || (!depth && root_seen)) {
				fail(&x, "a second root element");
				goto out;
			}
			root_seen = true;
			if (depth == cap) {
				const char **ns;
				size_t *nl;

				cap = cap ? cap * 2 : 16;
				ns = realloc(stack, cap * sizeof(*ns));
				if (ns)
					stack = ns;
				nl = realloc(stack_len, cap * sizeof(*nl));
				if (nl)
					stack_len = nl;
				if (!ns || !nl) {
					fail(&x, "out of memory");
					goto out;
				}
			}
			stack[depth] = x.s;
			stack_len[depth] = n;
			advance(&x, n);
			if (attributes(&x))
				goto out;
			if (*x.s == '/') {
				advance(&x, 2);
				if (!depth)
					root_done = true;
			} else {
				advance(&x, 1);
				depth++;
			}
		} else if (*x.s == '&') {
			if (!depth) {
				fail(&x, "reference outside the root element");
				goto out;
			}
			if (reference(&x))
				goto out;
		} else {
			if (!depth && !space(*x.s)) {
				fail(&x, "text outside the root element");
				goto out;
			}
			if (*x.s == '>' && x.s - text >= 2 && x.s[-1] == ']' && x.s[-2] == ']') {
				fail(&x, "']]>' in text");
				goto out;
			}
			if ((unsigned char)*x.s < 0x20 && !space(*x.s)) {
				fail(&x, "control character");
				goto out;
			}
			advance(&x, 1);
		}
	}
	if (depth)
		fail(&x, "element not closed at the end");
	else if (!root_seen)
		fail(&x, "no root element");
	else
		ret = 0;
out:
	free(stack);
	free(stack_len);
	return ret;
}
