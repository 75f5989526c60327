/* SPDX-License-Identifier: MIT */
/*
 * Scenario (.scn) reader (docs/scenario-format.md): the bytes come in as
 * they are read and go out as lines to scenario-line.c. Memory stays
 * bounded whatever the input: one line of at most KAFF_SCENARIO_LINE_MAX
 * bytes is held at a time, comments are not kept, and a byte no scenario
 * may hold (NUL, a control character outside a comment) is reported at
 * once, at its line and column. Every scenario error is found before
 * anything replays.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "kaff-private.h"
#include "scenario-private.h"

/* A parse in progress: the parser and the line being read. */
struct reader {
	struct parser p;
	struct kaff_allocator alloc;
	char *buf;              /* the line up to its comment, NUL-terminated */
	size_t len, cap;
	unsigned int line, col; /* the position of the next byte (col: 0-based) */
	bool comment;           /* past a '#' */
};

static int reader_init(struct reader *rd, const struct kaff_allocator *alloc,
		       const struct kaff_population *pop, const struct sc_population_ops *ops,
		       struct kaff_scenario_error *err)
{
	struct kaff_scenario *sc;

	memset(rd, 0, sizeof(*rd));
	if (err)
		memset(err, 0, sizeof(*err));
	rd->p.err = err;
	rd->line = 1;
	kaff__allocator_init(&rd->alloc, alloc);
	sc = kaff__zalloc(&rd->alloc, sizeof(*sc));
	if (!sc)
		return -ENOMEM;
	sc->alloc = rd->alloc;
	sc->boot_online = SC_NONE;
	sc->profile = kaff_profile_default();
	sc->pop = pop;
	sc->pop_ops = ops;
	rd->p.sc = sc;
	return 0;
}

/* The line is complete: hand it over, start the next. */
static void end_line(struct reader *rd)
{
	if (rd->len) {
		rd->buf[rd->len] = '\0';
		kaff__sc_parse_line(&rd->p, rd->buf, rd->line);
	}
	rd->len = 0;
	rd->col = 0;
	rd->comment = false;
}

/* Append @n bytes of the line (its NUL terminator kept room for). */
static bool keep_bytes(struct reader *rd, const char *c, size_t n)
{
	if (rd->len + n >= rd->cap) {
		size_t ncap = rd->cap ? rd->cap * 2 : 256;
		char *nb;

		while (ncap <= rd->len + n)
			ncap *= 2;
		if (ncap > KAFF_SCENARIO_LINE_MAX + 1)
			ncap = KAFF_SCENARIO_LINE_MAX + 1;
		nb = kaff__realloc(&rd->alloc, rd->buf, rd->cap, ncap);
		if (!nb) {
			rd->p.nomem = true;
			return false;
		}
		rd->buf = nb;
		rd->cap = ncap;
	}
	memcpy(rd->buf + rd->len, c, n);
	rd->len += n;
	return true;
}

/* A byte that may stand in a word or between words, but a tab. */
static bool plain(unsigned char c)
{
	return c >= 0x20 && c != 0x7f && c != '#';
}

/* Read @len more bytes of the file; false once it is refused. */
static bool feed(struct reader *rd, const char *s, size_t len)
{
	struct parser *p = &rd->p;
	size_t i;

	for (i = 0; i < len && !p->failed && !p->nomem; i++) {
		unsigned char c = (unsigned char)s[i];

		if (rd->comment && c != '\n') {
			/* the rest of a comment, up to its '\n', in one step:
			 * only a NUL and the line's length matter there */
			const char *nl = memchr(s + i, '\n', len - i);
			size_t span = nl ? (size_t)(nl - (s + i)) : len - i;
			const char *nul = memchr(s + i, '\0', span);
			size_t n = nul ? (size_t)(nul - (s + i)) + 1 : span;

			if (KAFF_SCENARIO_LINE_MAX - rd->col < n) {
				kaff__sc_fail(p, rd->line, KAFF_SCENARIO_LINE_MAX + 1,
					      "line longer than %u bytes", KAFF_SCENARIO_LINE_MAX);
				break;
			}
			rd->col += (unsigned int)n;
			if (nul) {
				kaff__sc_fail(p, rd->line, rd->col, "NUL byte in the file");
				break;
			}
			i += span - 1;
			continue;
		}

		if (c == '\n') {
			end_line(rd);
			if (rd->line == UINT_MAX) {
				kaff__sc_fail(p, rd->line, 1, "more than %u lines", UINT_MAX - 1);
				break;
			}
			rd->line++;
			continue;
		}
		if (rd->col == KAFF_SCENARIO_LINE_MAX) {
			kaff__sc_fail(p, rd->line, rd->col + 1, "line longer than %u bytes",
				      KAFF_SCENARIO_LINE_MAX);
			break;
		}
		rd->col++;
		if (!c) {
			kaff__sc_fail(p, rd->line, rd->col, "NUL byte in the file");
			break;
		}
		if (c == '#') {
			rd->comment = true;
			continue;
		}
		if (plain(c)) {
			/* the run of plain bytes from here, copied at once (the
			 * line's limit cuts it: the next byte reports it) */
			size_t j = i + 1, room = KAFF_SCENARIO_LINE_MAX - (rd->col - 1);

			while (j < len && j - i < room && plain((unsigned char)s[j]))
				j++;
			rd->col += (unsigned int)(j - i - 1);
			keep_bytes(rd, s + i, j - i);
			i = j - 1;
			continue;
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			kaff__sc_fail(p, rd->line, rd->col,
				      c == '\r' ? "carriage return (CRLF line ends are not allowed)"
						: "control character 0x%02x", c);
			break;
		}
		keep_bytes(rd, (const char *)&s[i], 1);
	}
	return !p->failed && !p->nomem;
}

/* The kernel must accept the header: boot once to see (boot_online may
 * ask for a CPU the kernel refuses to take down). */
static int trial_boot(struct parser *p)
{
	struct kaff_ctx *ctx = NULL;
	int ret = kaff__scenario_boot(p->sc, p->sc->profile, NULL, &ctx);

	kaff_ctx_free(ctx);
	if (ret == -ENOMEM)
		return ret;
	if (ret) {
		kaff__sc_fail(p, p->sc->boot_online_line, p->sc->boot_online_col,
		     "the kernel refuses this boot_online set (%s taking a CPU down)",
		     kaff_strerrorname(ret));
		return -EINVAL;
	}
	return 0;
}

void kaff_scenario_free(struct kaff_scenario *sc)
{
	struct kaff_allocator a;

	if (!sc)
		return;
	a = sc->alloc;
	while (sc->chunks) {
		struct sc_chunk *c = sc->chunks;

		sc->chunks = c->next;
		kaff__free(&a, c);
	}
	kaff__free(&a, sc->events);
	kaff__free(&a, sc->tasks);
	kaff__free(&a, sc->nodes);
	kaff__free(&a, sc->boot);
	kaff__free(&a, sc->pool);
	kaff__free(&a, sc->scratch_mask);
	kaff__free(&a, sc->boot_kts);
	kaff__free(&a, sc->boot_kt_names);
	kaff__free(&a, sc);
}

/* The end of the file: the last line, the header, the trial boot. */
static int reader_finish(struct reader *rd, int ret, struct kaff_scenario **out)
{
	struct parser *p = &rd->p;

	if (!ret && !p->failed && !p->nomem && (rd->len || rd->col))
		end_line(rd);
	if (!ret && !p->failed && !p->nomem && !p->cpus_known)
		kaff__sc_flush(p);
	if (!ret && !p->failed && !p->nomem && !p->seen_event) {
		kaff__sc_header_done(p, p->first_event_line ? p->first_event_line : 1);
		if (!p->failed && p->sc->pop)
			kaff__sc_seed_population(p, rd->line > 1 ? rd->line - 1 : 1);
	}
	if (!ret && !p->failed && !p->nomem && trial_boot(p) == -ENOMEM)
		p->nomem = true;
	if (!ret)
		ret = p->failed ? -EINVAL : p->nomem ? -ENOMEM : 0;
	kaff__free(&rd->alloc, p->names);
	kaff__free(&rd->alloc, p->deferred);
	kaff__free(&rd->alloc, rd->buf);
	if (ret) {
		kaff_scenario_free(p->sc);
		return ret;
	}
	*out = p->sc;
	return 0;
}

int kaff__scenario_parse(const char *text, size_t len, const struct kaff_population *pop,
			 const struct sc_population_ops *ops, const struct kaff_allocator *alloc,
			 struct kaff_scenario **out, struct kaff_scenario_error *err)
{
	struct reader rd;
	int ret;

	if (!out || (!text && len))
		return -EINVAL;
	*out = NULL;
	ret = reader_init(&rd, alloc, pop, ops, err);
	if (ret)
		return ret;
	feed(&rd, text, len);
	return reader_finish(&rd, 0, out);
}

int kaff_scenario_parse(const char *text, size_t len, const struct kaff_allocator *alloc,
			struct kaff_scenario **out, struct kaff_scenario_error *err)
{
	return kaff__scenario_parse(text, len, NULL, NULL, alloc, out, err);
}

int kaff__scenario_parse_file(FILE *f, const struct kaff_population *pop,
			      const struct sc_population_ops *ops, const struct kaff_allocator *alloc,
			      struct kaff_scenario **out, struct kaff_scenario_error *err)
{
	char chunk[4096];
	struct reader rd;
	size_t n;
	int ret;

	if (!out || !f)
		return -EINVAL;
	*out = NULL;
	ret = reader_init(&rd, alloc, pop, ops, err);
	if (ret)
		return ret;
	errno = 0;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (!feed(&rd, chunk, n))
			break;
	if (!rd.p.failed && !rd.p.nomem && ferror(f)) {
		/* fread()'s reason (EISDIR for a directory); never one that
		 * reads as a scenario error or as out of memory */
		ret = errno && errno != EINVAL && errno != ENOMEM ? -errno : -EIO;
	}
	return reader_finish(&rd, ret, out);
}

int kaff_scenario_parse_file(FILE *f, const struct kaff_allocator *alloc,
			     struct kaff_scenario **out, struct kaff_scenario_error *err)
{
	return kaff__scenario_parse_file(f, NULL, NULL, alloc, out, err);
}

const struct kaff_profile *kaff_scenario_profile(const struct kaff_scenario *sc)
{
	return sc ? sc->profile : NULL;
}

unsigned int kaff_scenario_nr_events(const struct kaff_scenario *sc)
{
	return sc ? sc->nr_events : 0;
}

unsigned int kaff_scenario_nr_boot_kthreads(const struct kaff_scenario *sc)
{
	return sc ? sc->nr_boot_kts : 0;
}

unsigned int kaff_scenario_nr_boot_params(const struct kaff_scenario *sc)
{
	return sc ? sc->nr_boot : 0;
}

const char *kaff_scenario_boot_param(const struct kaff_scenario *sc, unsigned int i,
				     unsigned int *line, unsigned int *col)
{
	if (!sc || i >= sc->nr_boot)
		return NULL;
	if (line)
		*line = sc->boot[i].line;
	if (col)
		*col = sc->boot[i].col;
	return sc->boot[i].param;
}

int kaff_scenario_event_describe(const struct kaff_scenario *sc, unsigned int i, char *buf,
				 size_t len, unsigned int *line)
{
	const struct sc_event *e;
	const char *name;
	int n;

	if (!sc || i >= sc->nr_events || (!buf && len))
		return -EINVAL;
	e = &sc->events[i];
	name = sc->tasks ? sc->tasks[e->inst].name : "";
	if (line)
		*line = e->line;
	switch (e->cmd) {
	case SC_CREATE:
		if (e->num == KAFF_NUMA_NO_NODE)
			n = snprintf(buf, len, "create %s", name);
		else
			n = snprintf(buf, len, "create %s node=%d", name, (int)e->num);
		break;
	case SC_CREATE_ON_CPU:
	case SC_CREATE_PER_CPU:
	case SC_BIND:
		n = snprintf(buf, len, "%s %s %d", kaff__sc_cmd_word(e->cmd), name, (int)e->num);
		break;
	case SC_PREFER:
	case SC_BIND_MASK:
	case SC_SETAFFINITY:
	case SC_EXPECT:
		n = snprintf(buf, len, "%s %s %s", kaff__sc_cmd_word(e->cmd), name, e->text);
		break;
	case SC_WAKE:
	case SC_STOP:
		n = snprintf(buf, len, "%s %s", kaff__sc_cmd_word(e->cmd), name);
		break;
	case SC_OFFLINE:
	case SC_ONLINE:
	case SC_ISOLATE:
		n = snprintf(buf, len, "%s %s", kaff__sc_cmd_word(e->cmd), e->text);
		break;
	default:
		n = snprintf(buf, len, "%s", kaff__sc_cmd_word(e->cmd));
		break;
	}
	return n;
}
