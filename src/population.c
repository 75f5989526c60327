/* SPDX-License-Identifier: MIT */
/*
 * Population files (FORMAT.md "Census"): a scenario header, then one
 * census block, "COMM F P MASK" a line. Parsed here; each kthread is
 * classified in classify.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kaff-private.h"
#include "scenario-private.h"
#include "population-private.h"

#define POP_NONE UINT32_MAX

struct pop_parser {
	struct kaff_population *pop;
	struct kaff_scenario_error *err;
	bool failed;
};

static void pfail(struct pop_parser *pp, unsigned int line, unsigned int col, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

static void pfail(struct pop_parser *pp, unsigned int line, unsigned int col, const char *fmt, ...)
{
	va_list ap;

	if (pp->failed)
		return;
	pp->failed = true;
	if (!pp->err)
		return;
	pp->err->line = line;
	pp->err->col = col;
	va_start(ap, fmt);
	vsnprintf(pp->err->msg, sizeof(pp->err->msg), fmt, ap);
	va_end(ap);
}

/* ---- the census block ------------------------------------------------------ */

/* printable ASCII other than space, 1 to 63 bytes */
static bool valid_comm(const char *s, size_t n)
{
	size_t i;

	if (!n || n > KAFF_TASK_NAME_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] > '~')
			return false;
	return true;
}

/* Split @s (NUL-terminated) at blanks into at most @max words. */
static unsigned int split(char *s, char **w, unsigned int *col, unsigned int max, char *start)
{
	unsigned int n = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			return n;
		if (n == max)
			return max + 1;
		w[n] = s;
		col[n++] = (unsigned int)(s - start) + 1;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		if (*s)
			*s++ = '\0';
	}
}

static void parse_entry(struct pop_parser *pp, char *s, unsigned int line,
			struct kaff_cpumask *scratch)
{
	struct kaff_population *pop = pp->pop;
	struct pop_entry *e;
	unsigned int col[4];
	char *w[4];
	int ret;

	if (split(s, w, col, 4, s) != 4) {
		pfail(pp, line, 1, "a census line is 'COMM F P MASK'");
		return;
	}
	if (!valid_comm(w[0], strlen(w[0]))) {
		pfail(pp, line, col[0], "'%.40s' is not a kthread name (printable ASCII, 63 bytes at most)",
		      w[0]);
		return;
	}
	if (strcmp(w[1], "n") && strcmp(w[1], "-")) {
		pfail(pp, line, col[1], "F must be 'n' (PF_NO_SETAFFINITY) or '-'");
		return;
	}
	if (strcmp(w[2], "k") && strcmp(w[2], "-")) {
		pfail(pp, line, col[2], "P must be 'k' (child of kthreadd) or '-'");
		return;
	}
	if (!strcmp(w[3], "-")) {
		kaff_cpumask_clear(scratch);
	} else {
		ret = kaff_cpulist_parse(w[3], scratch);
		if (ret) {
			pfail(pp, line, col[3], "bad CPU list '%.40s' (%s)", w[3], kaff_strerrorname(ret));
			return;
		}
	}
	if (pop->n == pop->cap) {
		uint32_t cap = pop->cap ? pop->cap * 2 : 64;
		struct pop_entry *n = kaff__realloc(&pop->alloc, pop->e, pop->cap * sizeof(*n),
						    cap * sizeof(*n));

		if (!n)
			return;
		pop->e = n;
		pop->cap = cap;
	}
	e = &pop->e[pop->n];
	memset(e, 0, sizeof(*e));
	e->comm = w[0];
	e->n = w[1][0] == 'n';
	e->k = w[2][0] == 'k';
	e->line = line;
	e->pref = POP_NONE;
	e->arg = -1;
	e->mask = kaff__population_mask_add(pop, scratch);
	if (e->mask != POP_NONE)
		pop->n++;
}

/* "census N" */
static bool census_head(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return n - i >= 6 && !memcmp(s + i, "census", 6) &&
	       (n - i == 6 || s[i + 6] == ' ' || s[i + 6] == '\t');
}

/* Parse the block starting at @s (its first line is "census N"). */
static int parse_block(struct pop_parser *pp, const char *s, size_t len, unsigned int line)
{
	struct kaff_population *pop = pp->pop;
	struct kaff_cpumask *scratch;
	unsigned int col[3];
	char *p, *end, *w[3];
	unsigned int nw;

	pop->text = kaff__malloc(&pop->alloc, len + 1);
	scratch = kaff__cpumask_zalloc(&pop->alloc, pop->hdr->cpus);
	if (!pop->text || !scratch) {
		kaff__free(&pop->alloc, scratch);
		return -ENOMEM;
	}
	memcpy(pop->text, s, len);
	pop->text[len] = '\0';
	for (p = pop->text, end = pop->text + len; p < end && !pp->failed; line++) {
		char *eol = memchr(p, '\n', (size_t)(end - p));

		if (eol)
			*eol = '\0';
		else
			eol = end;
		if (p == pop->text) {
			nw = split(p, w, col, 2, p);
			if (nw != 2 || strspn(w[1], "0123456789") != strlen(w[1]))
				pfail(pp, line, 1, "the census block starts with 'census N'");
		} else if (!*p) {
			pfail(pp, line, 1, "empty line in the census block");
		} else {
			size_t before = pop->n;

			parse_entry(pp, p, line, scratch);
			if (!pp->failed && pop->n == before) {
				kaff__free(&pop->alloc, scratch);
				return -ENOMEM;
			}
		}
		p = eol + 1;
	}
	kaff__free(&pop->alloc, scratch);
	return 0;
}

void kaff_population_free(struct kaff_population *pop)
{
	struct kaff_allocator a;

	if (!pop)
		return;
	a = pop->alloc;
	kaff_scenario_free(pop->hdr);
	kaff_ctx_free(pop->snap);
	kaff__free(&a, pop->text);
	kaff__free(&a, pop->e);
	kaff__free(&a, pop->pool);
	kaff__free(&a, pop->slots);
	kaff__free(&a, pop->views);
	kaff__free(&a, pop);
}

int kaff_population_parse(const char *text, size_t len, const struct kaff_allocator *alloc,
			  struct kaff_population **out, struct kaff_scenario_error *err)
{
	struct pop_parser pp = { .err = err };
	struct kaff_population *pop;
	struct kaff_allocator a;
	size_t off = 0, hdr_len = len;
	unsigned int line = 1, hline = 0;
	uint32_t i;
	int ret;

	if (!out || (!text && len))
		return -EINVAL;
	*out = NULL;
	if (err)
		memset(err, 0, sizeof(*err));
	/* The header ends at the first line whose word is "census". */
	while (off < len) {
		const char *eol = memchr(text + off, '\n', len - off);
		size_t n = eol ? (size_t)(eol - text - off) : len - off;

		if (census_head(text + off, n)) {
			hdr_len = off;
			hline = line;
			break;
		}
		off += n + 1;
		line++;
	}
	kaff__allocator_init(&a, alloc);
	pop = kaff__zalloc(&a, sizeof(*pop));
	if (!pop)
		return -ENOMEM;
	pop->alloc = a;
	pp.pop = pop;
	ret = kaff_scenario_parse(text, hdr_len, alloc, &pop->hdr, err);
	if (!ret)
		ret = kaff__scenario_boot(pop->hdr, pop->hdr->profile, NULL, &pop->snap);
	if (ret)
		goto out;
	if (kaff_scenario_nr_events(pop->hdr)) {
		unsigned int eline = 0;

		kaff_scenario_event_describe(pop->hdr, 0, NULL, 0, &eline);
		pfail(&pp, eline, 1, "a population has no events (only a header and a census block)");
		ret = -EINVAL;
		goto out;
	}
	if (!hline) {
		pfail(&pp, line, 1, "no census block ('census 1' and one line per kthread)");
		ret = -EINVAL;
		goto out;
	}
	if (memchr(text + hdr_len, '\0', len - hdr_len)) {
		pfail(&pp, hline, 1, "NUL byte in the census block");
		ret = -EINVAL;
		goto out;
	}
	ret = parse_block(&pp, text + hdr_len, len - hdr_len, hline);
	if (!ret && pp.failed)
		ret = -EINVAL;
	for (i = 0; !ret && i < pop->n; i++)
		if (!pop->e[i].k && !strcmp(pop->e[i].comm, "kthreadd")) {
			uint32_t j;

			for (j = i + 1; j < pop->n; j++)
				if (!pop->e[j].k && !strcmp(pop->e[j].comm, "kthreadd")) {
					pfail(&pp, pop->e[j].line, 1,
					      "kthreadd twice (line %u too)", pop->e[i].line);
					ret = -EINVAL;
				}
			break;
		}
	if (!ret)
		ret = kaff__population_classify(pop);
out:
	if (ret) {
		kaff_population_free(pop);
		return ret;
	}
	*out = pop;
	return 0;
}

unsigned int kaff_population_size(const struct kaff_population *pop)
{
	return pop ? pop->n : 0;
}

int kaff_population_get(const struct kaff_population *pop, unsigned int i,
			struct kaff_population_kthread *out)
{
	const struct pop_entry *e;

	if (!pop || !out || i >= pop->n)
		return -EINVAL;
	e = &pop->e[i];
	out->comm = e->comm;
	out->no_setaffinity = e->n;
	out->kthreadd_child = e->k;
	out->mask = &pop->views[e->mask];
	out->cls = (enum kaff_kthread_class)e->cls;
	out->arg = e->arg;
	out->preferred = e->pref != POP_NONE ? &pop->views[e->pref] : NULL;
	out->line = e->line;
	return 0;
}

static const struct sc_population_ops ops = {
	.plan = kaff__population_plan,
	.same = kaff__population_same,
	.create = kaff__population_create,
	.self_waking = kaff__population_self_waking,
};

int kaff_scenario_parse_population(const char *text, size_t len,
				   const struct kaff_population *pop,
				   const struct kaff_allocator *alloc,
				   struct kaff_scenario **out, struct kaff_scenario_error *err)
{
	if (!pop)
		return -EINVAL;
	return kaff__scenario_parse(text, len, pop, &ops, alloc, out, err);
}

int kaff_scenario_parse_file_population(FILE *f, const struct kaff_population *pop,
					const struct kaff_allocator *alloc,
					struct kaff_scenario **out, struct kaff_scenario_error *err)
{
	if (!pop)
		return -EINVAL;
	return kaff__scenario_parse_file(f, pop, &ops, alloc, out, err);
}

const char *kaff_kthread_class_name(enum kaff_kthread_class cls)
{
	static const char *const names[KAFF_CLASS_MAX] = {
		"kthreadd", "per-cpu", "bound", "irq", "node", "preferred", "rcu-nocb",
		"housekeeping", "default", "pinned",
	};

	return (unsigned int)cls < KAFF_CLASS_MAX ? names[cls] : NULL;
}
