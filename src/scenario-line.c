/* SPDX-License-Identifier: MIT */
/*
 * What one scenario line means (docs/scenario-format.md): its words, the
 * header and event commands, and the header lines that wait for `cpus`.
 * scenario.c feeds the lines in as they are read; scenario-word.c reads
 * the words.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kaff-private.h"
#include "scenario-private.h"

/* ---- commands ----------------------------------------------------------- */

struct cmd_desc {
	const char *word;
	enum sc_cmd cmd;
	bool header;
	unsigned int min_args, max_args;
};

static const struct cmd_desc cmds[] = {
	{ "kernel", SC_KERNEL, true, 1, 1 },
	{ "cpus", SC_CPUS, true, 1, 1 },
	{ "node", SC_NODE, true, 2, 2 },
	{ "boot", SC_BOOT, true, 1, MAX_TOKENS - 1 },
	{ "boot_online", SC_BOOT_ONLINE, true, 1, 1 },
	{ "create", SC_CREATE, false, 1, 2 },
	{ "create_on_cpu", SC_CREATE_ON_CPU, false, 2, 2 },
	{ "create_per_cpu", SC_CREATE_PER_CPU, false, 2, 2 },
	{ "bind", SC_BIND, false, 2, 2 },
	{ "bind_mask", SC_BIND_MASK, false, 2, 2 },
	{ "prefer", SC_PREFER, false, 2, 2 },
	{ "wake", SC_WAKE, false, 1, 1 },
	{ "setaffinity", SC_SETAFFINITY, false, 2, 2 },
	{ "offline", SC_OFFLINE, false, 1, 1 },
	{ "online", SC_ONLINE, false, 1, 1 },
	{ "stop", SC_STOP, false, 1, 1 },
	{ "isolate", SC_ISOLATE, false, 1, 1 },
	{ "show", SC_SHOW, false, 0, 0 },
	{ "expect", SC_EXPECT, false, 2, 2 },
	{ "census", SC_CENSUS, false, 0, 0 },
};

static struct sc_event *event_new(struct parser *p, enum sc_cmd cmd, unsigned int line)
{
	struct kaff_scenario *sc = p->sc;
	struct sc_event *e;

	if (!kaff__sc_grow(p, (void **)&sc->events, &sc->cap_events, sc->nr_events + 1, sizeof(*e)))
		return NULL;
	e = &sc->events[sc->nr_events++];
	memset(e, 0, sizeof(*e));
	e->cmd = cmd;
	e->line = line;
	e->mask = SC_NONE;
	return e;
}

static void header_cmd(struct parser *p, const struct cmd_desc *d, unsigned int line,
		       struct token *tok, unsigned int ntok)
{
	struct kaff_scenario *sc = p->sc;
	unsigned long v;
	unsigned int i;
	int ret;

	switch (d->cmd) {
	case SC_KERNEL:
		if (p->seen_kernel) {
			kaff__sc_fail(p, line, tok[0].col, "'kernel' given twice");
			return;
		}
		p->seen_kernel = true;
		ret = kaff_profile_lookup(tok[1].s, &sc->profile);
		if (ret)
			kaff__sc_fail(p, line, tok[1].col, "kernel '%s' %s (profiles 6.14 to 7.3)", kaff__sc_shown(p, tok[1].s),
			     ret == -ERANGE ? "is not supported" : "is not MAJOR.MINOR");
		return;
	case SC_CPUS:
		/* Checked by the pre-scan (it needs to run first). */
		return;
	case SC_NODE: {
		uint32_t idx;

		if (!kaff__sc_parse_num(tok[1].s, KAFF_MAX_NUMNODES - 1, &v)) {
			kaff__sc_fail(p, line, tok[1].col, "'%s' is not a node ID (0 to %u)", kaff__sc_shown(p, tok[1].s),
			     KAFF_MAX_NUMNODES - 1);
			return;
		}
		for (i = 0; i < sc->nr_nodes; i++) {
			if (sc->nodes[i].id == v) {
				kaff__sc_fail(p, line, tok[1].col, "node %lu given twice", v);
				return;
			}
		}
		idx = kaff__sc_parse_list(p, line, &tok[2], true);
		if (idx == SC_NONE)
			return;
		for (i = 0; i < sc->nr_nodes; i++) {
			if (kaff_cpumask_intersects(p->scratch, &(struct kaff_cpumask)
				KAFF_CPUMASK_INIT(sc->cpus, sc_mask_words(sc, sc->nodes[i].mask)))) {
				kaff__sc_fail(p, line, tok[2].col, "a CPU of '%s' is in node %u already",
				     kaff__sc_shown(p, tok[2].s), sc->nodes[i].id);
				return;
			}
		}
		if (!kaff__sc_grow(p, (void **)&sc->nodes, &sc->cap_nodes, sc->nr_nodes + 1,
			  sizeof(*sc->nodes)))
			return;
		sc->nodes[sc->nr_nodes].id = (unsigned int)v;
		sc->nodes[sc->nr_nodes].mask = idx;
		sc->nodes[sc->nr_nodes].line = line;
		sc->nodes[sc->nr_nodes].col = tok[1].col;
		sc->nr_nodes++;
		p->last_node_line = line;
		p->last_node_col = tok[0].col;
		return;
	}
	case SC_BOOT:
		for (i = 1; i < ntok; i++) {
			if (!kaff__boot_param_valid_name(tok[i].s)) {
				kaff__sc_fail(p, line, tok[i].col,
				     "boot parameter '%s' is not nohz_full= or isolcpus=", kaff__sc_shown(p, tok[i].s));
				return;
			}
			if (!kaff__sc_grow(p, (void **)&sc->boot, &sc->cap_boot, sc->nr_boot + 1,
				  sizeof(*sc->boot)))
				return;
			sc->boot[sc->nr_boot].param = kaff__sc_keep(p, tok[i].s);
			sc->boot[sc->nr_boot].line = line;
			sc->boot[sc->nr_boot].col = tok[i].col;
			if (!sc->boot[sc->nr_boot].param)
				return;
			sc->nr_boot++;
		}
		return;
	case SC_BOOT_ONLINE:
		if (sc->boot_online != SC_NONE) {
			kaff__sc_fail(p, line, tok[0].col, "'boot_online' given twice");
			return;
		}
		sc->boot_online = kaff__sc_parse_list(p, line, &tok[1], true);
		if (sc->boot_online == SC_NONE)
			return;
		if (!kaff_cpumask_test_cpu(0, p->scratch)) {
			kaff__sc_fail(p, line, tok[1].col, "boot_online must hold CPU 0 (the boot CPU)");
			return;
		}
		sc->boot_online_line = line;
		sc->boot_online_col = tok[1].col;
		return;
	default:
		return;
	}
}

/* The header is complete: nodes dense and covering every CPU. */
void kaff__sc_header_done(struct parser *p, unsigned int line)
{
	struct kaff_scenario *sc = p->sc;
	struct kaff_cpumask *all = p->scratch;
	unsigned int i, id;

	if (!p->seen_cpus || !sc->cpus) {
		kaff__sc_fail(p, line, 1, p->seen_event ? "no 'cpus' line before the first event"
					       : "no 'cpus' line (every scenario needs one)");
		return;
	}
	if (!sc->nr_nodes)
		return;
	/* Dense IDs: with k nodes, an ID >= k means one below it is missing. */
	for (i = 0; i < sc->nr_nodes; i++) {
		if (sc->nodes[i].id >= sc->nr_nodes) {
			for (id = 0; id < sc->nr_nodes; id++) {
				unsigned int j;

				for (j = 0; j < sc->nr_nodes && sc->nodes[j].id != id; j++)
					;
				if (j == sc->nr_nodes)
					break;
			}
			kaff__sc_fail(p, sc->nodes[i].line, sc->nodes[i].col,
			     "node %u: node IDs must be 0 to %u (node %u is missing)",
			     sc->nodes[i].id, sc->nr_nodes - 1, id);
			return;
		}
	}
	kaff_cpumask_clear(all);
	for (i = 0; i < sc->nr_nodes; i++)
		kaff_cpumask_or(all, all, &(struct kaff_cpumask)
			KAFF_CPUMASK_INIT(sc->cpus, sc_mask_words(sc, sc->nodes[i].mask)));
	if (!kaff_cpumask_full(all)) {
		for (i = 0; i < sc->cpus && kaff_cpumask_test_cpu(i, all); i++)
			;
		kaff__sc_fail(p, p->last_node_line, p->last_node_col, "CPU %u is in no node", i);
	}
}

static void event_cmd(struct parser *p, const struct cmd_desc *d, unsigned int line,
		      struct token *tok, unsigned int ntok)
{
	struct kaff_scenario *sc = p->sc;
	struct sc_event *e;
	unsigned long v = 0;
	uint32_t inst;
	unsigned int cpu;

	switch (d->cmd) {
	case SC_CREATE:
		if (ntok == 3) {
			if (!strncmp(tok[2].s, "node=", 5) && kaff__sc_all_digits(tok[2].s + 5) &&
			    !kaff__sc_parse_num(tok[2].s + 5, UINT32_MAX, &v)) {
				kaff__sc_fail(p, line, tok[2].col, "node %s does not exist (%u node%s)",
				     kaff__sc_shown(p, tok[2].s + 5), sc_nr_nodes(sc),
				     sc_nr_nodes(sc) == 1 ? "" : "s");
				return;
			}
			if (strncmp(tok[2].s, "node=", 5) ||
			    !kaff__sc_parse_num(tok[2].s + 5, UINT32_MAX, &v)) {
				kaff__sc_fail(p, line, tok[2].col, "expected node=ID, not '%s'", kaff__sc_shown(p, tok[2].s));
				return;
			}
			if (v >= sc_nr_nodes(sc)) {
				kaff__sc_fail(p, line, tok[2].col, "node %lu does not exist (%u node%s)", v,
				     sc_nr_nodes(sc), sc_nr_nodes(sc) == 1 ? "" : "s");
				return;
			}
		}
		if (!kaff__sc_task_new(p, line, &tok[1], &inst) || !(e = event_new(p, d->cmd, line)))
			return;
		e->inst = inst;
		e->num = ntok == 3 ? (int32_t)v : KAFF_NUMA_NO_NODE;
		return;
	case SC_CREATE_ON_CPU:
	case SC_CREATE_PER_CPU:
		if (!kaff__sc_parse_cpu(p, line, &tok[2], &cpu) || !kaff__sc_task_new(p, line, &tok[1], &inst) ||
		    !(e = event_new(p, d->cmd, line)))
			return;
		e->inst = inst;
		e->num = (int32_t)cpu;
		return;
	case SC_BIND:
		if (!kaff__sc_task_ref(p, line, &tok[1], &inst) || !kaff__sc_parse_cpu(p, line, &tok[2], &cpu) ||
		    !(e = event_new(p, d->cmd, line)))
			return;
		e->inst = inst;
		e->num = (int32_t)cpu;
		return;
	case SC_PREFER:
	case SC_SETAFFINITY:
	case SC_EXPECT:
	case SC_BIND_MASK:
		if (!kaff__sc_task_ref(p, line, &tok[1], &inst))
			return;
		if (d->cmd == SC_PREFER && sc->tasks[inst].preferred && !sc->tasks[inst].woken) {
			kaff__sc_fail(p, line, tok[0].col,
			     "task '%s' has a preferred mask already and has not been woken (the kernel corrupts its list)",
			     kaff__sc_shown(p, tok[1].s));
			return;
		}
		{
			uint32_t idx = kaff__sc_parse_list(p, line, &tok[2], true);

			if (idx == SC_NONE)
				return;
			/* kthread_bind_mask() of an empty mask leaves a task that
			 * can run nowhere: not a state a kernel caller makes. */
			if (d->cmd == SC_BIND_MASK && kaff_cpumask_empty(p->scratch)) {
				kaff__sc_fail(p, line, tok[2].col, "bind_mask needs at least one CPU");
				return;
			}
			if (!(e = event_new(p, d->cmd, line)))
				return;
			e->inst = inst;
			e->mask = idx;
			e->text = kaff__sc_keep(p, tok[2].s);
			if (!e->text)
				return;
		}
		if (d->cmd == SC_PREFER && !sc->tasks[inst].woken)
			sc->tasks[inst].preferred = true;
		return;
	case SC_WAKE:
	case SC_STOP:
		if (!kaff__sc_task_ref(p, line, &tok[1], &inst) || !(e = event_new(p, d->cmd, line)))
			return;
		e->inst = inst;
		if (d->cmd == SC_WAKE)
			sc->tasks[inst].woken = true;
		else
			sc->tasks[inst].stopped = true;
		return;
	case SC_OFFLINE:
	case SC_ONLINE:
		if (!kaff__sc_parse_cpu(p, line, &tok[1], &cpu) || !(e = event_new(p, d->cmd, line)))
			return;
		e->num = (int32_t)cpu;
		e->text = kaff__sc_keep(p, tok[1].s);
		return;
	case SC_ISOLATE: {
		uint32_t idx;

		if (!kaff_profile_get(sc->profile, KAFF_RULE_RUNTIME_DOMAIN_ISOLATION)) {
			kaff__sc_fail(p, line, tok[0].col,
			     "isolate is modelled from 7.0 on (kernel %s)", kaff_profile_name(sc->profile));
			return;
		}
		idx = kaff__sc_parse_list(p, line, &tok[1], true);
		if (idx == SC_NONE || !(e = event_new(p, d->cmd, line)))
			return;
		e->mask = idx;
		e->text = kaff__sc_keep(p, tok[1].s);
		return;
	}
	case SC_SHOW:
	case SC_CENSUS:
		event_new(p, d->cmd, line);
		return;
	default:
		return;
	}
}

/* Split one line (NUL-terminated in place) into tokens. */
static unsigned int tokenize(struct parser *p, char *s, unsigned int line,
			     struct token *tok)
{
	char *start = s;
	unsigned int n = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			break;
		if (n == MAX_TOKENS) {
			kaff__sc_fail(p, line, (unsigned int)(s - start) + 1, "too many words on one line");
			return 0;
		}
		tok[n].s = s;
		tok[n].col = (unsigned int)(s - start) + 1;
		n++;
		/* the reader refused control characters already */
		while (*s && *s != ' ' && *s != '\t' && *s != '#')
			s++;
		if (*s == '#') {
			*s = '\0';
			break;
		}
		if (*s)
			*s++ = '\0';
	}
	return n;
}

/* A header line read before the `cpus` line waits for it (lists need
 * its width): its words are kept until then. */
static void defer(struct parser *p, unsigned int line, const struct token *tok, unsigned int ntok)
{
	struct sc_deferred *dl;
	unsigned int i;

	if (!kaff__sc_grow(p, (void **)&p->deferred, &p->cap_deferred, p->nr_deferred + 1,
		  sizeof(*p->deferred)))
		return;
	dl = &p->deferred[p->nr_deferred];
	dl->line = line;
	dl->ntok = ntok;
	for (i = 0; i < ntok; i++) {
		dl->tok[i].col = tok[i].col;
		dl->tok[i].s = kaff__sc_keep(p, tok[i].s);
		if (!dl->tok[i].s)
			return;
	}
	p->nr_deferred++;
}

static const struct cmd_desc *find_cmd(const char *word)
{
	size_t i;

	for (i = 0; i < KAFF_ARRAY_SIZE(cmds); i++)
		if (word[0] == cmds[i].word[0] && !strcmp(word, cmds[i].word))
			return &cmds[i];
	return NULL;
}

static void dispatch(struct parser *p, const struct cmd_desc *d, unsigned int line,
		     struct token *tok, unsigned int ntok);

/* The width is known (or known to be missing): check the waiting lines. */
void kaff__sc_flush(struct parser *p)
{
	uint32_t i;

	p->cpus_known = true;
	for (i = 0; i < p->nr_deferred && !p->failed && !p->nomem; i++)
		dispatch(p, find_cmd(p->deferred[i].tok[0].s), p->deferred[i].line,
			 p->deferred[i].tok, p->deferred[i].ntok);
	p->nr_deferred = 0;
}

/* The first `cpus` line: the width of every list, and the scratch mask. */
static bool set_cpus(struct parser *p, unsigned long v)
{
	struct kaff_scenario *sc = p->sc;

	sc->scratch_mask = kaff__zalloc(&sc->alloc, sizeof(struct kaff_cpumask) +
					 kaff__mask_bytes((unsigned int)v));
	if (!sc->scratch_mask) {
		p->nomem = true;
		return false;
	}
	sc->cpus = (unsigned int)v;
	sc->scratch_mask->nbits = sc->cpus;
	sc->scratch_mask->bits = (unsigned long *)(void *)(sc->scratch_mask + 1);
	p->scratch = sc->scratch_mask;
	return true;
}

void kaff__sc_parse_line(struct parser *p, char *s, unsigned int line)
{
	struct token tok[MAX_TOKENS];
	const struct cmd_desc *d;
	unsigned int ntok;

	ntok = tokenize(p, s, line, tok);
	if (p->failed || !ntok)
		return;
	d = find_cmd(tok[0].s);
	if (!d) {
		kaff__sc_fail(p, line, tok[0].col, "unknown command '%s'", kaff__sc_shown(p, tok[0].s));
		return;
	}
	if (ntok - 1 < d->min_args || ntok - 1 > d->max_args) {
		unsigned int col = ntok - 1 > d->max_args ? tok[d->max_args + 1].col
							  : (unsigned int)strlen(s) + 1;
		kaff__sc_fail(p, line, ntok - 1 > d->max_args ? col : tok[0].col,
		     "'%s' takes %u%s argument%s", d->word, d->min_args,
		     d->max_args > d->min_args ? " or more" : "", d->max_args == 1 ? "" : "s");
		return;
	}
	if (d->header && d->cmd != SC_CPUS && !p->cpus_known && !p->seen_event) {
		defer(p, line, tok, ntok);
		return;
	}
	if (!d->header && !p->cpus_known)
		kaff__sc_flush(p);
	if (!p->failed && !p->nomem)
		dispatch(p, d, line, tok, ntok);
}

static void dispatch(struct parser *p, const struct cmd_desc *d, unsigned int line,
		     struct token *tok, unsigned int ntok)
{
	struct kaff_scenario *sc = p->sc;

	if (d->header) {
		if (p->seen_event) {
			kaff__sc_fail(p, line, tok[0].col, "header command '%s' after the first event",
			     d->word);
			return;
		}
		if (d->cmd == SC_CPUS) {
			unsigned long v;
			bool valid;

			if (p->seen_cpus) {
				kaff__sc_fail(p, line, tok[0].col, "'cpus' given twice");
				return;
			}
			valid = kaff__sc_parse_num(tok[1].s, KAFF_NR_CPUS_MAX, &v) && v >= 1;
			if (!p->cpus_known) {
				/* the lines above it first: they come first in the file */
				if (valid && !set_cpus(p, v))
					return;
				kaff__sc_flush(p);
				if (p->failed || p->nomem)
					return;
			}
			if (!valid) {
				kaff__sc_fail(p, line, tok[1].col, "cpus must be 1 to %u, not '%s'",
				     KAFF_NR_CPUS_MAX, kaff__sc_shown(p, tok[1].s));
				return;
			}
			p->seen_cpus = true;
			return;
		}
		if (!sc->cpus && d->cmd != SC_KERNEL && d->cmd != SC_BOOT) {
			kaff__sc_fail(p, line, tok[0].col, "'%s' needs a 'cpus' line", d->word);
			return;
		}
		header_cmd(p, d, line, tok, ntok);
		return;
	}
	if (!p->seen_event) {
		p->seen_event = true;
		p->first_event_line = line;
		kaff__sc_header_done(p, line);
		if (!p->failed && p->sc->pop)
			kaff__sc_seed_population(p, line);
		if (p->failed || p->nomem)
			return;
	}
	event_cmd(p, d, line, tok, ntok);
}

const char *kaff__sc_cmd_word(enum sc_cmd cmd)
{
	size_t i;

	for (i = 0; i < KAFF_ARRAY_SIZE(cmds); i++)
		if (cmds[i].cmd == cmd)
			return cmds[i].word;
	return "?";
}
