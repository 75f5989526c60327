/* SPDX-License-Identifier: MIT */
/*
 * The words of a scenario line (docs/scenario-format.md): numbers, names,
 * CPU lists, the copies the scenario keeps, and the task-name rules,
 * followed statically through the event list. scenario-line.c reads the
 * commands with them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kaff-private.h"
#include "scenario-private.h"

/* A word as an error message shows it: bytes outside printable ASCII as
 * \xNN (binary garbage stays readable), cut after 40 characters with
 * "..." (an overlong word does not push the explanation out of the
 * message). Two buffers: one message may show two words. */
const char *kaff__sc_shown(struct parser *p, const char *s)
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

void kaff__sc_fail(struct parser *p, unsigned int line, unsigned int col, const char *fmt, ...)
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

bool kaff__sc_grow(struct parser *p, void **arr, uint32_t *cap, uint32_t need, size_t elem)
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

/*
 * A copy of @s that lives as long as the scenario: the line it was read
 * from is reused for the next one. Copies are packed into chunks.
 */
char *kaff__sc_keep(struct parser *p, const char *s)
{
	struct kaff_scenario *sc = p->sc;
	size_t n = strlen(s) + 1;
	struct sc_chunk *c = sc->chunks;
	char *d;

	if (!c || c->cap - c->used < n) {
		size_t cap = n > SC_CHUNK_SIZE ? n : SC_CHUNK_SIZE;

		c = kaff__malloc(&sc->alloc, sizeof(*c) + cap);
		if (!c) {
			p->nomem = true;
			return NULL;
		}
		c->next = sc->chunks;
		c->used = 0;
		c->cap = cap;
		sc->chunks = c;
	}
	d = c->data + c->used;
	memcpy(d, s, n);
	c->used += n;
	return d;
}

bool kaff__sc_all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* A decimal number without sign: digits only, at most @max. */
bool kaff__sc_parse_num(const char *s, unsigned long max, unsigned long *out)
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

/* A task name: a letter or '_', then printable ASCII other than space
 * and '#' (the tokenizer ends a word at either), at most 63 bytes: the
 * kernel's names of its kthreads ("ksoftirqd/3", "irq/9-acpi"). */
#define NAME_RULE "a letter or _, then printable ASCII but no space or #, 63 bytes at most"

static bool valid_name(const char *s)
{
	size_t n;

	if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
		return false;
	for (n = 1; s[n]; n++)
		if (n >= KAFF_TASK_NAME_MAX || s[n] <= ' ' || s[n] > '~' || s[n] == '#')
			return false;
	return true;
}

/* Store a parsed mask in the pool; returns its index or SC_NONE. */
static uint32_t pool_add(struct parser *p, const struct kaff_cpumask *m)
{
	struct kaff_scenario *sc = p->sc;
	size_t words = kaff__mask_words(sc->cpus);
	uint32_t idx = sc->nr_masks;

	if (!kaff__sc_grow(p, (void **)&sc->pool, &sc->cap_masks, idx + 1, words * sizeof(unsigned long)))
		return SC_NONE;
	memcpy(sc->pool + (size_t)idx * words, m->bits, words * sizeof(unsigned long));
	sc->nr_masks++;
	return idx;
}

/* A LIST argument: kernel cpulist grammar with nbits = cpus, or "-" when
 * @dash_ok. Every parse error is a scenario error here. */
uint32_t kaff__sc_parse_list(struct parser *p, unsigned int line, const struct token *t,
			   bool dash_ok)
{
	struct kaff_cpumask *m = p->scratch;
	int ret;

	if (dash_ok && !strcmp(t->s, "-")) {
		kaff_cpumask_clear(m);
	} else {
		ret = kaff_cpulist_parse(t->s, m);
		if (ret == -ERANGE) {
			kaff__sc_fail(p, line, t->col, "list '%s' holds a CPU >= cpus %u", kaff__sc_shown(p, t->s), p->sc->cpus);
			return SC_NONE;
		}
		if (ret) {
			kaff__sc_fail(p, line, t->col, "bad CPU list '%s' (%s)", kaff__sc_shown(p, t->s), kaff_strerrorname(ret));
			return SC_NONE;
		}
	}
	return pool_add(p, m);
}

bool kaff__sc_parse_cpu(struct parser *p, unsigned int line, const struct token *t,
		      unsigned int *cpu)
{
	unsigned long v;

	if (!kaff__sc_parse_num(t->s, UINT32_MAX, &v)) {
		if (kaff__sc_all_digits(t->s))
			kaff__sc_fail(p, line, t->col, "CPU %s does not exist (cpus %u)", kaff__sc_shown(p, t->s),
			     p->sc->cpus);
		else
			kaff__sc_fail(p, line, t->col, "'%s' is not a CPU number", kaff__sc_shown(p, t->s));
		return false;
	}
	if (v >= p->sc->cpus) {
		kaff__sc_fail(p, line, t->col, "CPU %lu does not exist (cpus %u)", v, p->sc->cpus);
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

/* The newest instance with that name decides: -1 none, -2 stopped,
 * -3 a name several population kthreads share. */
static int find_live(const struct parser *p, const char *name)
{
	uint32_t *slot;

	if (!p->names_cap)
		return -1;
	slot = name_slot(p, name, name_hash(name));
	if (!*slot)
		return -1;
	if (p->sc->tasks[*slot - 1].ambiguous)
		return -3;
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

bool kaff__sc_task_ref(struct parser *p, unsigned int line, const struct token *t, uint32_t *inst)
{
	int i;

	if (!valid_name(t->s)) {
		kaff__sc_fail(p, line, t->col, "'%s' is not a task name", kaff__sc_shown(p, t->s));
		return false;
	}
	i = find_live(p, t->s);
	if (i == -1) {
		kaff__sc_fail(p, line, t->col, "task '%s' does not exist", kaff__sc_shown(p, t->s));
		return false;
	}
	if (i == -2) {
		kaff__sc_fail(p, line, t->col, "task '%s' was stopped", kaff__sc_shown(p, t->s));
		return false;
	}
	if (i == -3) {
		kaff__sc_fail(p, line, t->col, "'%s' names more than one kthread of the population",
			      kaff__sc_shown(p, t->s));
		return false;
	}
	*inst = (uint32_t)i;
	return true;
}

bool kaff__sc_task_new(struct parser *p, unsigned int line, const struct token *t, uint32_t *inst)
{
	struct kaff_scenario *sc = p->sc;
	struct sc_task *task;
	uint32_t *slot;

	if (!valid_name(t->s)) {
		kaff__sc_fail(p, line, t->col, "'%s' is not a task name (" NAME_RULE ")",
			      kaff__sc_shown(p, t->s));
		return false;
	}
	if (find_live(p, t->s) >= 0 || find_live(p, t->s) == -3) {
		kaff__sc_fail(p, line, t->col, "task '%s' exists already", kaff__sc_shown(p, t->s));
		return false;
	}
	if (!kaff__sc_grow(p, (void **)&sc->tasks, &sc->cap_tasks, sc->nr_tasks + 1, sizeof(*sc->tasks)) ||
	    !names_reserve(p))
		return false;
	task = &sc->tasks[sc->nr_tasks];
	memset(task, 0, sizeof(*task));
	task->name = kaff__sc_keep(p, t->s);
	if (!task->name)
		return false;
	*inst = sc->nr_tasks++;
	slot = name_slot(p, t->s, name_hash(t->s));
	if (!*slot)
		p->names_used++;
	*slot = *inst + 1;
	return true;
}

void kaff__sc_seed_population(struct parser *p, unsigned int line)
{
	struct kaff_scenario *sc = p->sc;
	char msg[sizeof(p->err->msg)];
	uint32_t i, *slot;
	int ret;

	msg[0] = '\0';
	ret = sc->pop_ops->plan(sc->pop, sc, &sc->boot_kts, &sc->nr_boot_kts,
				&sc->boot_kt_names, msg, sizeof(msg));
	if (ret == -EINVAL)
		kaff__sc_fail(p, line, 1, "%s", msg);
	if (ret == -ENOMEM)
		p->nomem = true;
	for (i = 0; !ret && i < sc->nr_boot_kts; i++) {
		struct sc_task *task;

		if (!kaff__sc_grow(p, (void **)&sc->tasks, &sc->cap_tasks, sc->nr_tasks + 1,
				   sizeof(*sc->tasks)) || !names_reserve(p))
			return;
		task = &sc->tasks[sc->nr_tasks];
		memset(task, 0, sizeof(*task));
		task->name = sc->boot_kts[i].name;
		task->orphan = sc->boot_kts[i].orphan;
		task->woken = true;
		slot = name_slot(p, task->name, name_hash(task->name));
		if (*slot)
			task->ambiguous = true;
		else
			p->names_used++;
		*slot = ++sc->nr_tasks;
	}
}
