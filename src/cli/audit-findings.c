/* SPDX-License-Identifier: MIT */
/*
 * kaff audit: findings kept at the size of a real machine.
 *
 * A finding's content (kind, rule, explanation, mask) is interned once:
 * thousands of kthreads in thousands of states share a few hundred.
 * What a state changes is kept, not every kthread's findings in every
 * state: a class of kthreads (audit-watch.c) has its findings at the end
 * of the scenario in every state but those of its exceptions, and a
 * kthread its class's in every state but those of its own. At the end
 * these become, per kthread, the states it had each content in, as runs
 * of consecutive states; kthreads whose content and states are equal
 * become one group: one printed finding listing its kthreads.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"

/*
 * Room for one more of the @n elements of @size bytes in @arr, which has
 * room for @cap: @arr itself, or the array grown to twice @cap (@first
 * when empty) and @cap updated; NULL with @arr and @cap as they were when
 * there is no memory.
 */
static void *grow(void *arr, uint32_t n, uint32_t *cap, size_t size, uint32_t first)
{
	uint32_t c = *cap ? *cap * 2 : first;
	void *p;

	if (n < *cap)
		return arr;
	if (c < *cap || c > SIZE_MAX / size)
		return NULL;
	p = realloc(arr, c * size);
	if (p)
		*cap = c;
	return p;
}

/* FNV-1a, on strings and words */
static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n--)
		h = (h ^ *c++) * 0x100000001b3ull;
	return h;
}

static uint64_t hash_str(uint64_t h, const char *s)
{
	return hash_bytes(h, s ? s : "", s ? strlen(s) + 1 : 1);
}

static int sig_buckets_grow(struct audit *au)
{
	uint32_t n = au->nr_sig_buckets ? au->nr_sig_buckets * 2 : 256, i;
	uint32_t *b = malloc(n * sizeof(*b));

	if (!b)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		b[i] = AU_NONE;
	for (i = 0; i < au->nr_sigs; i++) {
		uint32_t k = (uint32_t)(au->sigs[i].hash & (n - 1));

		au->sigs[i].hnext = b[k];
		b[k] = i;
	}
	free(au->sig_buckets);
	au->sig_buckets = b;
	au->nr_sig_buckets = n;
	return 0;
}

/* A mask seen in a finding, once: its words and its cpulist. */
struct au_mask {
	uint64_t hash;
	uint32_t hnext;
	unsigned long *words;
	char *str;
};

static uint64_t mask_hash(const struct kaff_cpumask *m)
{
	size_t n = KAFF_BITS_TO_LONGS(m->nbits), i;
	uint64_t h = 0x243f6a8885a308d3ull;

	for (i = 0; i < n; i++) {
		h ^= (uint64_t)m->bits[i];
		h *= 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	return h;
}

/* The cpulist of @m, made once per distinct mask (an 8192-CPU list is
 * long to print, and thousands of kthreads share a few masks). */
static const char *mask_text(struct audit *au, const struct kaff_cpumask *m)
{
	size_t bytes = KAFF_BITS_TO_LONGS(m->nbits) * sizeof(unsigned long);
	uint64_t h = mask_hash(m);
	struct au_mask *x, *nm;
	uint32_t i, b;

	if (au->nr_mask_buckets) {
		for (i = au->mask_buckets[h & (au->nr_mask_buckets - 1)]; i != AU_NONE; i = x->hnext) {
			x = &au->masks[i];
			if (x->hash == h && !memcmp(x->words, m->bits, bytes))
				return x->str;
		}
	}
	nm = grow(au->masks, au->nr_masks, &au->cap_masks, sizeof(*nm), 64);
	if (!nm)
		return NULL;
	au->masks = nm;
	if (au->nr_masks >= au->nr_mask_buckets) {
		uint32_t n = au->nr_mask_buckets ? au->nr_mask_buckets * 2 : 64;
		uint32_t *nb = malloc(n * sizeof(*nb));

		if (!nb)
			return NULL;
		for (i = 0; i < n; i++)
			nb[i] = AU_NONE;
		for (i = 0; i < au->nr_masks; i++) {
			b = (uint32_t)(au->masks[i].hash & (n - 1));
			au->masks[i].hnext = nb[b];
			nb[b] = i;
		}
		free(au->mask_buckets);
		au->mask_buckets = nb;
		au->nr_mask_buckets = n;
	}
	x = &au->masks[au->nr_masks];
	x->hash = h;
	x->words = malloc(bytes);
	x->str = kaff_mask_str(m);
	if (!x->words || !x->str) {
		free(x->words);
		free(x->str);
		return NULL;
	}
	memcpy(x->words, m->bits, bytes);
	b = (uint32_t)(h & (au->nr_mask_buckets - 1));
	x->hnext = au->mask_buckets[b];
	au->mask_buckets[b] = au->nr_masks++;
	return x->str;
}

/* Mask strings are interned (mask_text()): equal strings, equal pointers. */
int au_sig_intern(struct audit *au, enum au_kind kind, enum au_rule rule, bool managed,
		  const struct kaff_cpumask *mask, const struct kaff_cpumask *cpus,
		  const char *text, uint32_t *out)
{
	const char *ms = mask_text(au, mask), *cs = cpus ? mask_text(au, cpus) : NULL;
	uint8_t head[3] = { (uint8_t)kind, (uint8_t)rule, managed };
	struct au_sig *s, *ns;
	uint64_t h;
	uint32_t i;

	if (!ms || (cpus && !cs))
		return -ENOMEM;
	h = hash_bytes(0xcbf29ce484222325ull, head, sizeof(head));
	h = hash_bytes(h, &ms, sizeof(ms));
	h = hash_bytes(h, &cs, sizeof(cs));
	h = hash_str(h, text);
	for (i = au->nr_sig_buckets ? au->sig_buckets[h & (au->nr_sig_buckets - 1)] : AU_NONE;
	     i != AU_NONE; i = au->sigs[i].hnext) {
		s = &au->sigs[i];
		if (s->hash == h && s->kind == kind && s->rule == rule && s->managed == managed &&
		    s->mask == ms && s->cpus == cs && !strcmp(s->text, text)) {
			*out = i;
			return 0;
		}
	}
	ns = grow(au->sigs, au->nr_sigs, &au->cap_sigs, sizeof(*ns), 64);
	if (!ns)
		return -ENOMEM;
	au->sigs = ns;
	if (au->nr_sigs >= au->nr_sig_buckets && sig_buckets_grow(au))
		return -ENOMEM;
	s = &au->sigs[au->nr_sigs];
	memset(s, 0, sizeof(*s));
	if (!(s->text = strdup(text)))
		return -ENOMEM;
	s->kind = (uint8_t)kind;
	s->rule = (uint8_t)rule;
	s->managed = managed;
	s->mask = ms;
	s->cpus = cs;
	s->hash = h;
	s->hnext = au->sig_buckets[h & (au->nr_sig_buckets - 1)];
	au->sig_buckets[h & (au->nr_sig_buckets - 1)] = au->nr_sigs;
	*out = au->nr_sigs++;
	return 0;
}

const struct au_run *au_entry_run(const struct audit *au, const struct au_entry *e, uint32_t i)
{
	(void)au;
	return i ? &e->more[i - 1] : &e->run0;
}

/* @e holds in states @first .. @last too, after those it holds in. */
static int entry_add_run(struct au_entry *e, uint32_t first, uint32_t last)
{
	struct au_run *tail = e->nruns > 1 ? &e->more[e->nruns - 2] : &e->run0, *m;

	if (tail->last + 1 == first) {
		tail->last = last;
		return 0;
	}
	m = grow(e->more, e->nruns - 1, &e->cap, sizeof(*m), 2);
	if (!m)
		return -ENOMEM;
	e->more = m;
	e->more[e->nruns - 1].first = first;
	e->more[e->nruns - 1].last = last;
	e->nruns++;
	return 0;
}

/* The findings @ev hold in states @first .. @last, for the kthread (or
 * class) whose entries start at @head; states come in increasing order. */
static int record(struct audit *au, uint32_t *head, const struct au_eval *ev, uint32_t first,
		  uint32_t last)
{
	uint32_t s, i, *link;
	struct au_entry *e;
	int ret;

	for (s = 0; s < ev->n; s++) {
		for (link = head; *link != AU_NONE && au->entries[*link].sig != ev->sig[s];
		     link = &au->entries[*link].next)
			;
		if (*link != AU_NONE) {
			ret = entry_add_run(&au->entries[*link], first, last);
			if (ret)
				return ret;
			continue;
		}
		if (au->nr_entries == au->cap_entries) {
			struct au_entry *ne = grow(au->entries, au->nr_entries, &au->cap_entries,
						   sizeof(*ne), 256);

			if (!ne)
				return -ENOMEM;
			/* @link may point into the old array: find the tail again */
			au->entries = ne;
			for (link = head; *link != AU_NONE; link = &au->entries[*link].next)
				;
		}
		i = au->nr_entries++;
		e = &au->entries[i];
		memset(e, 0, sizeof(*e));
		e->sig = ev->sig[s];
		e->nruns = 1;
		e->run0.first = first;
		e->run0.last = last;
		e->next = e->group = AU_NONE;
		/* at the tail: entries in the order they first held */
		*link = i;
	}
	return 0;
}

/* Findings @ev of @who in @state differ from the default (struct au_exc);
 * states come in increasing order. */
int au_exc_add(struct au_log *log, uint32_t who, uint32_t state, const struct au_eval *ev)
{
	struct au_exc *v = grow(log->v, log->n, &log->cap, sizeof(*v), 256);

	if (!v)
		return -ENOMEM;
	log->v = v;
	log->v[log->n].who = who;
	log->v[log->n].state = state;
	log->v[log->n++].ev = *ev;
	return 0;
}

/* @log's exceptions of each who, in state order: ix[start[who] ..
 * start[who + 1]] (a stable counting sort). */
static int log_index(const struct au_log *log, uint32_t nr_who, uint32_t **start, uint32_t **ix)
{
	uint32_t i, *st = calloc(nr_who + 2, sizeof(*st)), *x = malloc((log->n + 1) * sizeof(*x));

	*start = st;
	*ix = x;
	if (!st || !x)
		return -ENOMEM;
	for (i = 0; i < log->n; i++)
		st[log->v[i].who + 2]++;
	for (i = 2; i < nr_who + 2; i++)
		st[i] += st[i - 1];
	for (i = 0; i < log->n; i++)
		x[st[log->v[i].who + 1]++] = i;
	return 0;
}

/*
 * The entries of a kthread (or class) whose findings are @base in every
 * state but those of its class's exceptions @cx (@nc of them, indexes
 * into au->cexc) and its own @kx (@nk, into au->kexc; its own win).
 */
static int timeline(struct audit *au, uint32_t *head, const struct au_eval *base,
		    const uint32_t *cx, uint32_t nc, const uint32_t *kx, uint32_t nk)
{
	uint32_t i = 0, j = 0, next = 0;
	int ret = 0;

	*head = AU_NONE;
	while (!ret && (i < nc || j < nk)) {
		uint32_t sc = i < nc ? au->cexc.v[cx[i]].state : UINT32_MAX;
		uint32_t sk = j < nk ? au->kexc.v[kx[j]].state : UINT32_MAX;
		uint32_t s = sc < sk ? sc : sk;

		if (next < s)
			ret = record(au, head, base, next, s - 1);
		if (!ret)
			ret = record(au, head, sk == s ? &au->kexc.v[kx[j]].ev : &au->cexc.v[cx[i]].ev, s, s);
		next = s + 1;
		i += sc == s;
		j += sk == s;
	}
	if (!ret && next < au->nr_states)
		ret = record(au, head, base, next, au->nr_states - 1);
	return ret;
}

/* Every class's entries, then every kthread's: its class's, unless it
 * has exceptions of its own. */
static int timelines(struct audit *au)
{
	uint32_t *cst = NULL, *cix = NULL, *kst = NULL, *kix = NULL, c, k;
	int ret = log_index(&au->cexc, au->nr_classes, &cst, &cix);

	if (!ret)
		ret = log_index(&au->kexc, au->nr_kts, &kst, &kix);
	for (c = 0; !ret && c < au->nr_classes; c++)
		ret = timeline(au, &au->classes[c].head, &au->classes[c].base, cix + cst[c],
			       cst[c + 1] - cst[c], kix, 0);
	for (k = 0; !ret && k < au->nr_kts; k++) {
		const struct au_class *cl = &au->classes[au->kts[k].cls];

		au->kts[k].head = cl->head;
		if (kst[k + 1] > kst[k])
			ret = timeline(au, &au->kts[k].head, &cl->base, cix + cst[au->kts[k].cls],
				       cst[au->kts[k].cls + 1] - cst[au->kts[k].cls], kix + kst[k],
				       kst[k + 1] - kst[k]);
	}
	free(cst);
	free(cix);
	free(kst);
	free(kix);
	return ret;
}

static uint64_t entry_hash(const struct audit *au, const struct au_entry *e)
{
	uint64_t h = hash_bytes(0xcbf29ce484222325ull, &e->sig, sizeof(e->sig));
	uint32_t i;

	for (i = 0; i < e->nruns; i++)
		h = hash_bytes(h, au_entry_run(au, e, i), sizeof(struct au_run));
	return h;
}

static bool entry_eq(const struct audit *au, const struct au_entry *a, const struct au_entry *b)
{
	uint32_t i;

	if (a->sig != b->sig || a->nruns != b->nruns)
		return false;
	for (i = 0; i < a->nruns; i++) {
		const struct au_run *x = au_entry_run(au, a, i), *y = au_entry_run(au, b, i);

		if (x->first != y->first || x->last != y->last)
			return false;
	}
	return true;
}

static int group_add(struct au_group *g, uint32_t kt)
{
	uint32_t *m = grow(g->members, g->nr, &g->cap, sizeof(*m), 4);

	if (!m)
		return -ENOMEM;
	g->members = m;
	g->members[g->nr++] = kt;
	return 0;
}

/* The order findings print in: the state they first hold in, then the
 * first kthread in audit order, protected CPUs before preferred ones. */
static int group_cmp(const void *pa, const void *pb)
{
	const struct au_group *a = pa, *b = pb;

	if (a->first != b->first)
		return a->first < b->first ? -1 : 1;
	if (a->members[0] != b->members[0])
		return a->members[0] < b->members[0] ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return a->sig < b->sig ? -1 : a->sig > b->sig;
}

/* The group of entry @i's content and states, made if new. */
static uint32_t group_find(struct audit *au, uint32_t *buckets, uint32_t nb, uint32_t i)
{
	const struct au_entry *e = &au->entries[i];
	uint64_t h = entry_hash(au, e);
	uint32_t g;

	for (g = buckets[h & (nb - 1)]; g != AU_NONE; g = au->groups[g].hnext)
		if (au->groups[g].hash == h && entry_eq(au, &au->entries[au->groups[g].entry], e))
			return g;
	g = au->nr_groups++;
	au->groups[g].sig = e->sig;
	au->groups[g].entry = i;
	au->groups[g].hash = h;
	au->groups[g].first = e->run0.first;
	au->groups[g].kind = au->sigs[e->sig].kind;
	au->groups[g].hnext = buckets[h & (nb - 1)];
	buckets[h & (nb - 1)] = g;
	return g;
}

/* Group the entries; count the states with a finding. */
int au_group(struct audit *au)
{
	uint32_t nb = 64, *buckets = NULL, kt, i, s;
	unsigned char *seen = NULL;
	int ret = timelines(au);

	if (ret)
		return ret;
	ret = -ENOMEM;
	while (nb < au->nr_entries)
		nb *= 2;
	buckets = malloc(nb * sizeof(*buckets));
	au->groups = calloc(au->nr_entries ? au->nr_entries : 1, sizeof(*au->groups));
	seen = calloc(au->nr_states ? au->nr_states : 1, 1);
	if (!buckets || !au->groups || !seen)
		goto out;
	for (i = 0; i < nb; i++)
		buckets[i] = AU_NONE;
	for (kt = 0; kt < au->nr_kts; kt++) {
		for (i = au->kts[kt].head; i != AU_NONE; i = au->entries[i].next) {
			struct au_entry *e = &au->entries[i];
			uint32_t g = e->group;

			/* a class's entries: looked up once for all its kthreads */
			if (g == AU_NONE)
				g = e->group = group_find(au, buckets, nb, i);
			if (group_add(&au->groups[g], kt))
				goto out;
		}
	}
	for (i = 0; i < au->nr_groups; i++) {
		const struct au_entry *e = &au->entries[au->groups[i].entry];
		uint32_t r;

		for (r = 0; r < e->nruns; r++)
			for (s = au_entry_run(au, e, r)->first; s <= au_entry_run(au, e, r)->last; s++)
				seen[s] = 1;
	}
	au->states_with_findings = 0;
	for (s = 0; s < au->nr_states; s++)
		au->states_with_findings += seen[s];
	qsort(au->groups, au->nr_groups, sizeof(*au->groups), group_cmp);
	ret = 0;
out:
	free(buckets);
	free(seen);
	return ret;
}

void au_findings_free(struct audit *au)
{
	uint32_t i;

	for (i = 0; i < au->nr_sigs; i++)
		free(au->sigs[i].text);
	for (i = 0; i < au->nr_masks; i++) {
		free(au->masks[i].words);
		free(au->masks[i].str);
	}
	free(au->masks);
	free(au->mask_buckets);
	free(au->sigs);
	free(au->sig_buckets);
	for (i = 0; i < au->nr_entries; i++)
		free(au->entries[i].more);
	free(au->entries);
	free(au->cexc.v);
	free(au->kexc.v);
	for (i = 0; au->groups && i < au->nr_groups; i++)
		free(au->groups[i].members);
	free(au->groups);
}
