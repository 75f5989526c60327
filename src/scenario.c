/* SPDX-License-Identifier: MIT */
/*
 * Scenario (.scn) parser and checker (docs/scenario-format.md). Every
 * scenario error is found here, before anything replays: syntax, header
 * rules, CPUs and nodes that do not exist, and the task-name rules, which
 * are followed statically through the event list.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kaff-private.h"
#include "scenario-private.h"

#define MAX_TOKENS 8

struct token {
	char *s;
	unsigned int col;
};

struct parser {
	struct kaff_scenario *sc;
	struct kaff_scenario_error *err;
	bool failed;
	bool nomem;
	/* header state */
	bool seen_event, seen_kernel, seen_cpus;
	unsigned int first_event_line;
	unsigned int last_node_line, last_node_col;
	struct kaff_cpumask *scratch;
	/* name -> newest task instance + 1 (0: free slot), open addressing;
	 * each slot is {hash, instance + 1} */
	uint32_t (*names)[2];
	uint32_t names_cap, names_used;
	/* words as error messages show them (see shown()) */
	char shown[2][64];
	unsigned int shown_next;
};

/* A word as an error message shows it: bytes outside printable ASCII as
 * \xNN (binary garbage stays readable), cut after 40 characters with
 * "..." (an overlong word does not push the explanation out of the
 * message). Two buffers: one message may show two words. */
static const char *shown(struct parser *p, const char *s)
{
	char *out = p->shown[p->shown_next++ & 1];
	size_t n = 0;

	for (; *s && n < 40; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c < 0x7f)
			out[n++] = (char)c;
		else
			n += (size_t)snprintf(out + n, 5, "\\x%02x", c);
	}
	strcpy(out + n, *s ? "..." : "");
	return out;
}

static void fail(struct parser *p, unsigned int line, unsigned int col, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

static void fail(struct parser *p, unsigned int line, unsigned int col, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return;
	p->failed = true;
	if (!p->err)
		return;
	p->err->line = line;
	p->err->col = col;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
}

static bool grow(struct parser *p, void **arr, uint32_t *cap, uint32_t need, size_t elem)
{
	struct kaff_scenario *sc = p->sc;
	uint32_t ncap;
	void *n;

	if (need <= *cap)
		return true;
	ncap = *cap ? *cap : 16;
	while (ncap < need) {
		if (ncap > UINT32_MAX / 2) {
			p->nomem = true;
			return false;
		}
		ncap *= 2;
	}
	n = kaff__realloc(&sc->alloc, *arr, (size_t)*cap * elem, (size_t)ncap * elem);
	if (!n) {
		p->nomem = true;
		return false;
	}
	*arr = n;
	*cap = ncap;
	return true;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* A decimal number without sign: digits only, at most @max. */
static bool parse_num(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (v > (max - (unsigned long)(*s - '0')) / 10)
			return false;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	*out = v;
	return true;
}

static bool valid_name(const char *s)
{
	size_t n;

	if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
		return false;
	for (n = 1; s[n]; n++) {
		char c = s[n];

		if (n > 15)
			return false;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

/* Store a parsed mask in the pool; returns its index or SC_NONE. */
static uint32_t pool_add(struct parser *p, const struct kaff_cpumask *m)
{
	struct kaff_scenario *sc = p->sc;
	size_t words = kaff__mask_words(sc->cpus);
	uint32_t idx = sc->nr_masks;

	if (!grow(p, (void **)&sc->pool, &sc->cap_masks, idx + 1, words * sizeof(unsigned long)))
		return SC_NONE;
	memcpy(sc->pool + (size_t)idx * words, m->bits, words * sizeof(unsigned long));
	sc->nr_masks++;
	return idx;
}

/* A LIST argument: kernel cpulist grammar with nbits = cpus, or "-" when
 * @dash_ok. Every parse error is a scenario error here. */
static uint32_t parse_list(struct parser *p, unsigned int line, const struct token *t,
			   bool dash_ok)
{
	struct kaff_cpumask *m = p->scratch;
	int ret;

	if (dash_ok && !strcmp(t->s, "-")) {
		kaff_cpumask_clear(m);
	} else {
		ret = kaff_cpulist_parse(t->s, m);
		if (ret == -ERANGE) {
			fail(p, line, t->col, "list '%s' holds a CPU >= cpus %u", shown(p, t->s), p->sc->cpus);
			return SC_NONE;
		}
		if (ret) {
			fail(p, line, t->col, "bad CPU list '%s' (%s)", shown(p, t->s), kaff_strerrorname(ret));
			return SC_NONE;
		}
	}
	return pool_add(p, m);
}

static bool parse_cpu(struct parser *p, unsigned int line, const struct token *t,
		      unsigned int *cpu)
{
	unsigned long v;

	if (!parse_num(t->s, UINT32_MAX, &v)) {
		if (all_digits(t->s))
			fail(p, line, t->col, "CPU %s does not exist (cpus %u)", shown(p, t->s),
			     p->sc->cpus);
		else
			fail(p, line, t->col, "'%s' is not a CPU number", shown(p, t->s));
		return false;
	}
	if (v >= p->sc->cpus) {
		fail(p, line, t->col, "CPU %lu does not exist (cpus %u)", v, p->sc->cpus);
		return false;
	}
	*cpu = (unsigned int)v;
	return true;
}

/* ---- tasks, followed statically ---------------------------------------- */

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* The slot for @name: its entry, or the free slot where it would go. */
static uint32_t *name_slot(const struct parser *p, const char *name, uint32_t h)
{
	uint32_t mask = p->names_cap - 1, i = h & mask;

	while (p->names[i][1] && (p->names[i][0] != h ||
				  strcmp(p->sc->tasks[p->names[i][1] - 1].name, name)))
		i = (i + 1) & mask;
	p->names[i][0] = h;
	return &p->names[i][1];
}

/* The newest instance with that name decides: -1 none, -2 stopped. */
static int find_live(const struct parser *p, const char *name)
{
	uint32_t *slot;

	if (!p->names_cap)
		return -1;
	slot = name_slot(p, name, name_hash(name));
	if (!*slot)
		return -1;
	return p->sc->tasks[*slot - 1].stopped ? -2 : (int)(*slot - 1);
}

/* Make room for one more name (half full at most). */
static bool names_reserve(struct parser *p)
{
	uint32_t (*old)[2] = p->names, old_cap = p->names_cap, i;

	if ((p->names_used + 1) * 2 <= p->names_cap)
		return true;
	if (p->names_cap > UINT32_MAX / 4) {
		p->nomem = true;
		return false;
	}
	p->names_cap = old_cap ? old_cap * 2 : 64;
	p->names = kaff__zalloc(&p->sc->alloc, p->names_cap * sizeof(*p->names));
	if (!p->names) {
		p->names = old;
		p->names_cap = old_cap;
		p->nomem = true;
		return false;
	}
	for (i = 0; i < old_cap; i++)
		if (old[i][1])
			*name_slot(p, p->sc->tasks[old[i][1] - 1].name, old[i][0]) = old[i][1];
	kaff__free(&p->sc->alloc, old);
	return true;
}

static bool task_ref(struct parser *p, unsigned int line, const struct token *t, uint32_t *inst)
{
	int i;

	if (!valid_name(t->s)) {
		fail(p, line, t->col, "'%s' is not a task name", shown(p, t->s));
		return false;
	}
	i = find_live(p, t->s);
	if (i == -1) {
		fail(p, line, t->col, "task '%s' does not exist", shown(p, t->s));
		return false;
	}
	if (i == -2) {
		fail(p, line, t->col, "task '%s' was stopped", shown(p, t->s));
		return false;
	}
	*inst = (uint32_t)i;
	return true;
}

static bool task_new(struct parser *p, unsigned int line, const struct token *t, uint32_t *inst)
{
	struct kaff_scenario *sc = p->sc;
	struct sc_task *task;
	uint32_t *slot;

	if (!valid_name(t->s)) {
		fail(p, line, t->col, "'%s' is not a task name ([A-Za-z_][A-Za-z0-9_.-]{0,15})",
		     shown(p, t->s));
		return false;
	}
	if (find_live(p, t->s) >= 0) {
		fail(p, line, t->col, "task '%s' exists already", shown(p, t->s));
		return false;
	}
	if (!grow(p, (void **)&sc->tasks, &sc->cap_tasks, sc->nr_tasks + 1, sizeof(*sc->tasks)) ||
	    !names_reserve(p))
		return false;
	task = &sc->tasks[sc->nr_tasks];
	memset(task, 0, sizeof(*task));
	task->name = t->s;
	*inst = sc->nr_tasks++;
	slot = name_slot(p, t->s, name_hash(t->s));
	if (!*slot)
		p->names_used++;
	*slot = *inst + 1;
	return true;
}

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
	{ "bind", SC_BIND, false, 2, 2 },
	{ "prefer", SC_PREFER, false, 2, 2 },
	{ "wake", SC_WAKE, false, 1, 1 },
	{ "setaffinity", SC_SETAFFINITY, false, 2, 2 },
	{ "offline", SC_OFFLINE, false, 1, 1 },
	{ "online", SC_ONLINE, false, 1, 1 },
	{ "stop", SC_STOP, false, 1, 1 },
	{ "isolate", SC_ISOLATE, false, 1, 1 },
	{ "show", SC_SHOW, false, 0, 0 },
	{ "expect", SC_EXPECT, false, 2, 2 },
};

static struct sc_event *event_new(struct parser *p, enum sc_cmd cmd, unsigned int line)
{
	struct kaff_scenario *sc = p->sc;
	struct sc_event *e;

	if (!grow(p, (void **)&sc->events, &sc->cap_events, sc->nr_events + 1, sizeof(*e)))
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
			fail(p, line, tok[0].col, "'kernel' given twice");
			return;
		}
		p->seen_kernel = true;
		ret = kaff_profile_lookup(tok[1].s, &sc->profile);
		if (ret)
			fail(p, line, tok[1].col, "kernel '%s' %s (profiles 6.14 to 7.3)", shown(p, tok[1].s),
			     ret == -ERANGE ? "is not supported" : "is not MAJOR.MINOR");
		return;
	case SC_CPUS:
		/* Checked by the pre-scan (it needs to run first). */
		return;
	case SC_NODE: {
		uint32_t idx;

		if (!parse_num(tok[1].s, KAFF_MAX_NUMNODES - 1, &v)) {
			fail(p, line, tok[1].col, "'%s' is not a node ID (0 to %u)", shown(p, tok[1].s),
			     KAFF_MAX_NUMNODES - 1);
			return;
		}
		for (i = 0; i < sc->nr_nodes; i++) {
			if (sc->nodes[i].id == v) {
				fail(p, line, tok[1].col, "node %lu given twice", v);
				return;
			}
		}
		idx = parse_list(p, line, &tok[2], true);
		if (idx == SC_NONE)
			return;
		for (i = 0; i < sc->nr_nodes; i++) {
			if (kaff_cpumask_intersects(p->scratch, &(struct kaff_cpumask)
				KAFF_CPUMASK_INIT(sc->cpus, sc_mask_words(sc, sc->nodes[i].mask)))) {
				fail(p, line, tok[2].col, "a CPU of '%s' is in node %u already",
				     shown(p, tok[2].s), sc->nodes[i].id);
				return;
			}
		}
		if (!grow(p, (void **)&sc->nodes, &sc->cap_nodes, sc->nr_nodes + 1,
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
				fail(p, line, tok[i].col,
				     "boot parameter '%s' is not nohz_full= or isolcpus=", shown(p, tok[i].s));
				return;
			}
			if (!grow(p, (void **)&sc->boot, &sc->cap_boot, sc->nr_boot + 1,
				  sizeof(*sc->boot)))
				return;
			sc->boot[sc->nr_boot++] = tok[i].s;
		}
		return;
	case SC_BOOT_ONLINE:
		if (sc->boot_online != SC_NONE) {
			fail(p, line, tok[0].col, "'boot_online' given twice");
			return;
		}
		sc->boot_online = parse_list(p, line, &tok[1], true);
		if (sc->boot_online == SC_NONE)
			return;
		if (!kaff_cpumask_test_cpu(0, p->scratch)) {
			fail(p, line, tok[1].col, "boot_online must hold CPU 0 (the boot CPU)");
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
static void header_done(struct parser *p, unsigned int line)
{
	struct kaff_scenario *sc = p->sc;
	struct kaff_cpumask *all = p->scratch;
	unsigned int i, id;

	if (!p->seen_cpus || !sc->cpus) {
		fail(p, line, 1, p->seen_event ? "no 'cpus' line before the first event"
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
			fail(p, sc->nodes[i].line, sc->nodes[i].col,
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
		fail(p, p->last_node_line, p->last_node_col, "CPU %u is in no node", i);
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
			if (!strncmp(tok[2].s, "node=", 5) && all_digits(tok[2].s + 5) &&
			    !parse_num(tok[2].s + 5, UINT32_MAX, &v)) {
				fail(p, line, tok[2].col, "node %s does not exist (%u node%s)",
				     shown(p, tok[2].s + 5), sc_nr_nodes(sc),
				     sc_nr_nodes(sc) == 1 ? "" : "s");
				return;
			}
			if (strncmp(tok[2].s, "node=", 5) ||
			    !parse_num(tok[2].s + 5, UINT32_MAX, &v)) {
				fail(p, line, tok[2].col, "expected node=ID, not '%s'", shown(p, tok[2].s));
				return;
			}
			if (v >= sc_nr_nodes(sc)) {
				fail(p, line, tok[2].col, "node %lu does not exist (%u node%s)", v,
				     sc_nr_nodes(sc), sc_nr_nodes(sc) == 1 ? "" : "s");
				return;
			}
		}
		if (!task_new(p, line, &tok[1], &inst) || !(e = event_new(p, d->cmd, line)))
			return;
		e->inst = inst;
		e->num = ntok == 3 ? (int32_t)v : KAFF_NUMA_NO_NODE;
		return;
	case SC_CREATE_ON_CPU:
		if (!parse_cpu(p, line, &tok[2], &cpu) || !task_new(p, line, &tok[1], &inst) ||
		    !(e = event_new(p, d->cmd, line)))
			return;
		e->inst = inst;
		e->num = (int32_t)cpu;
		return;
	case SC_BIND:
		if (!task_ref(p, line, &tok[1], &inst) || !parse_cpu(p, line, &tok[2], &cpu) ||
		    !(e = event_new(p, d->cmd, line)))
			return;
		e->inst = inst;
		e->num = (int32_t)cpu;
		return;
	case SC_PREFER:
	case SC_SETAFFINITY:
	case SC_EXPECT:
		if (!task_ref(p, line, &tok[1], &inst))
			return;
		if (d->cmd == SC_PREFER && sc->tasks[inst].preferred && !sc->tasks[inst].woken) {
			fail(p, line, tok[0].col,
			     "task '%s' has a preferred mask already and has not been woken (the kernel corrupts its list)",
			     shown(p, tok[1].s));
			return;
		}
		{
			uint32_t idx = parse_list(p, line, &tok[2], true);

			if (idx == SC_NONE || !(e = event_new(p, d->cmd, line)))
				return;
			e->inst = inst;
			e->mask = idx;
			e->text = tok[2].s;
		}
		if (d->cmd == SC_PREFER && !sc->tasks[inst].woken)
			sc->tasks[inst].preferred = true;
		return;
	case SC_WAKE:
	case SC_STOP:
		if (!task_ref(p, line, &tok[1], &inst) || !(e = event_new(p, d->cmd, line)))
			return;
		e->inst = inst;
		if (d->cmd == SC_WAKE)
			sc->tasks[inst].woken = true;
		else
			sc->tasks[inst].stopped = true;
		return;
	case SC_OFFLINE:
	case SC_ONLINE:
		if (!parse_cpu(p, line, &tok[1], &cpu) || !(e = event_new(p, d->cmd, line)))
			return;
		e->num = (int32_t)cpu;
		e->text = tok[1].s;
		return;
	case SC_ISOLATE: {
		uint32_t idx;

		if (!kaff_profile_get(sc->profile, KAFF_RULE_RUNTIME_DOMAIN_ISOLATION)) {
			fail(p, line, tok[0].col,
			     "isolate is modelled from 7.0 on (kernel %s)", kaff_profile_name(sc->profile));
			return;
		}
		idx = parse_list(p, line, &tok[1], true);
		if (idx == SC_NONE || !(e = event_new(p, d->cmd, line)))
			return;
		e->mask = idx;
		e->text = tok[1].s;
		return;
	}
	case SC_SHOW:
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
			fail(p, line, (unsigned int)(s - start) + 1, "too many words on one line");
			return 0;
		}
		tok[n].s = s;
		tok[n].col = (unsigned int)(s - start) + 1;
		n++;
		while (*s && *s != ' ' && *s != '\t' && *s != '#') {
			if ((unsigned char)*s < 0x20 || *s == 0x7f) {
				fail(p, line, (unsigned int)(s - start) + 1,
				     *s == '\r' ? "carriage return (CRLF line ends are not allowed)"
						: "control character 0x%02x", (unsigned char)*s);
				return 0;
			}
			s++;
		}
		if (*s == '#') {
			*s = '\0';
			break;
		}
		if (*s)
			*s++ = '\0';
	}
	return n;
}

/* Before the line-by-line pass: find `cpus` (lists need its width). */
static void prescan_cpus(struct parser *p)
{
	struct kaff_scenario *sc = p->sc;
	const char *s = sc->text, *end = sc->text + sc->len;
	unsigned int line = 1;

	while (s < end) {
		const char *eol = memchr(s, '\n', (size_t)(end - s));
		const char *w, *we;

		if (!eol)
			eol = end;
		for (w = s; w < eol && (*w == ' ' || *w == '\t'); w++)
			;
		for (we = w; we < eol && *we != ' ' && *we != '\t' && *we != '#'; we++)
			;
		if (we - w == 4 && !memcmp(w, "cpus", 4)) {
			unsigned long v;

			for (w = we; w < eol && (*w == ' ' || *w == '\t'); w++)
				;
			for (we = w; we < eol && *we != ' ' && *we != '\t' && *we != '#'; we++)
				;
			/* The number as parse_num() reads it in the main pass, any
			 * length (leading zeros: "cpus 000...04" is 4). */
			for (v = 0; w < we && *w >= '0' && *w <= '9'; w++) {
				v = v * 10 + (unsigned long)(*w - '0');
				if (v > KAFF_NR_CPUS_MAX)
					break;
			}
			if (w == we && v >= 1 && v <= KAFF_NR_CPUS_MAX)
				sc->cpus = (unsigned int)v;
			/* A bad cpus line: the main pass reports it. */
			return;
		}
		s = eol + 1;
		line++;
	}
}

static void parse_line(struct parser *p, char *s, unsigned int line)
{
	struct kaff_scenario *sc = p->sc;
	struct token tok[MAX_TOKENS];
	const struct cmd_desc *d = NULL;
	unsigned int ntok, i;

	ntok = tokenize(p, s, line, tok);
	if (p->failed || !ntok)
		return;
	for (i = 0; i < KAFF_ARRAY_SIZE(cmds) && !d; i++)
		if (tok[0].s[0] == cmds[i].word[0] && !strcmp(tok[0].s, cmds[i].word))
			d = &cmds[i];
	if (!d) {
		fail(p, line, tok[0].col, "unknown command '%s'", shown(p, tok[0].s));
		return;
	}
	if (ntok - 1 < d->min_args || ntok - 1 > d->max_args) {
		unsigned int col = ntok - 1 > d->max_args ? tok[d->max_args + 1].col
							  : (unsigned int)strlen(s) + 1;
		fail(p, line, ntok - 1 > d->max_args ? col : tok[0].col,
		     "'%s' takes %u%s argument%s", d->word, d->min_args,
		     d->max_args > d->min_args ? " or more" : "", d->max_args == 1 ? "" : "s");
		return;
	}
	if (d->header) {
		if (p->seen_event) {
			fail(p, line, tok[0].col, "header command '%s' after the first event",
			     d->word);
			return;
		}
		if (d->cmd == SC_CPUS) {
			unsigned long v;

			if (p->seen_cpus) {
				fail(p, line, tok[0].col, "'cpus' given twice");
				return;
			}
			if (!parse_num(tok[1].s, KAFF_NR_CPUS_MAX, &v) || v < 1) {
				fail(p, line, tok[1].col, "cpus must be 1 to %u, not '%s'",
				     KAFF_NR_CPUS_MAX, shown(p, tok[1].s));
				return;
			}
			p->seen_cpus = true;
			return;
		}
		if (!sc->cpus && d->cmd != SC_KERNEL && d->cmd != SC_BOOT) {
			fail(p, line, tok[0].col, "'%s' needs a 'cpus' line", d->word);
			return;
		}
		header_cmd(p, d, line, tok, ntok);
		return;
	}
	if (!p->seen_event) {
		p->seen_event = true;
		p->first_event_line = line;
		header_done(p, line);
		if (p->failed)
			return;
	}
	event_cmd(p, d, line, tok, ntok);
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
		fail(p, p->sc->boot_online_line, p->sc->boot_online_col,
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
	kaff__free(&a, sc->text);
	kaff__free(&a, sc->events);
	kaff__free(&a, sc->tasks);
	kaff__free(&a, sc->nodes);
	kaff__free(&a, sc->boot);
	kaff__free(&a, sc->pool);
	kaff__free(&a, sc->scratch_mask);
	kaff__free(&a, sc);
}

int kaff_scenario_parse(const char *text, size_t len, const struct kaff_allocator *alloc,
			struct kaff_scenario **out, struct kaff_scenario_error *err)
{
	struct kaff_allocator a;
	struct kaff_scenario *sc;
	struct parser p;
	const char *nul;
	unsigned int line = 1;
	char *s, *end;
	int ret;

	if (!out || (!text && len))
		return -EINVAL;
	*out = NULL;
	if (err)
		memset(err, 0, sizeof(*err));
	memset(&p, 0, sizeof(p));
	p.err = err;

	nul = len ? memchr(text, '\0', len) : NULL;
	if (nul) {
		const char *ls = text, *q;

		for (q = text; q < nul; q++)
			if (*q == '\n') {
				line++;
				ls = q + 1;
			}
		fail(&p, line, (unsigned int)(nul - ls) + 1, "NUL byte in the file");
		return -EINVAL;
	}

	kaff__allocator_init(&a, alloc);
	sc = kaff__zalloc(&a, sizeof(*sc));
	if (!sc)
		return -ENOMEM;
	sc->alloc = a;
	sc->boot_online = SC_NONE;
	sc->profile = kaff_profile_default();
	p.sc = sc;
	sc->text = kaff__malloc(&a, len + 1);
	if (!sc->text) {
		kaff_scenario_free(sc);
		return -ENOMEM;
	}
	if (len)
		memcpy(sc->text, text, len);
	sc->text[len] = '\0';
	sc->len = len;

	prescan_cpus(&p);
	if (sc->cpus) {
		sc->scratch_mask = kaff__zalloc(&a, sizeof(struct kaff_cpumask) +
						 kaff__mask_bytes(sc->cpus));
		if (!sc->scratch_mask) {
			kaff_scenario_free(sc);
			return -ENOMEM;
		}
		sc->scratch_mask->nbits = sc->cpus;
		sc->scratch_mask->bits = (unsigned long *)(void *)(sc->scratch_mask + 1);
		p.scratch = sc->scratch_mask;
	}

	for (s = sc->text, end = sc->text + len; s < end && !p.failed && !p.nomem; line++) {
		char *eol = memchr(s, '\n', (size_t)(end - s));

		if (eol)
			*eol = '\0';
		else
			eol = end;
		parse_line(&p, s, line);
		s = eol + 1;
	}
	if (!p.failed && !p.nomem && !p.seen_event)
		header_done(&p, p.first_event_line ? p.first_event_line : 1);
	if (!p.failed && !p.nomem) {
		ret = trial_boot(&p);
		if (ret == -ENOMEM)
			p.nomem = true;
	}
	kaff__free(&a, p.names);
	if (p.nomem || p.failed) {
		kaff_scenario_free(sc);
		return p.failed ? -EINVAL : -ENOMEM;
	}
	*out = sc;
	return 0;
}

const struct kaff_profile *kaff_scenario_profile(const struct kaff_scenario *sc)
{
	return sc ? sc->profile : NULL;
}

unsigned int kaff_scenario_nr_events(const struct kaff_scenario *sc)
{
	return sc ? sc->nr_events : 0;
}

static const char *cmd_word(enum sc_cmd cmd)
{
	size_t i;

	for (i = 0; i < KAFF_ARRAY_SIZE(cmds); i++)
		if (cmds[i].cmd == cmd)
			return cmds[i].word;
	return "?";
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
	case SC_BIND:
		n = snprintf(buf, len, "%s %s %d", cmd_word(e->cmd), name, (int)e->num);
		break;
	case SC_PREFER:
	case SC_SETAFFINITY:
	case SC_EXPECT:
		n = snprintf(buf, len, "%s %s %s", cmd_word(e->cmd), name, e->text);
		break;
	case SC_WAKE:
	case SC_STOP:
		n = snprintf(buf, len, "%s %s", cmd_word(e->cmd), name);
		break;
	case SC_OFFLINE:
	case SC_ONLINE:
	case SC_ISOLATE:
		n = snprintf(buf, len, "%s %s", cmd_word(e->cmd), e->text);
		break;
	default:
		n = snprintf(buf, len, "%s", cmd_word(e->cmd));
		break;
	}
	return n;
}
