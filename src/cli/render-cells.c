/* SPDX-License-Identifier: MIT */
/*
 * kaff render's cell store: every distinct cell (a strip of CPU runs) is
 * kept once, so that a picture of 200,000 kthreads holds a few thousand
 * cells. Below render.c and render-rows.c, which both intern cells.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render-state.h"

/* Open-addressing tables hold index + 1 (0: empty); sizes are powers of 2. */
unsigned int *kaff_render_table_grow(unsigned int *old, unsigned int *size, unsigned int used)
{
	unsigned int *t;

	if (old && (used + 1) * 2 <= *size)
		return old;
	*size = *size ? *size * 2 : 1024;
	t = calloc(*size, sizeof(*t));
	if (t)
		free(old);
	return t;
}

int64_t kaff_render_intern(struct render *rd, const struct rd_run *r, unsigned int n)
{
	uint64_t h = hash_bytes(HASH_INIT, r, n * sizeof(*r));
	unsigned int *t, i, slot;

	t = kaff_render_table_grow(rd->cell_hash, &rd->cell_hash_size, rd->nr_cells);
	if (!t)
		return -ENOMEM;
	if (t != rd->cell_hash) {
		rd->cell_hash = t;
		for (i = 0; i < rd->nr_cells; i++) {
			for (slot = rd->cells[i].hash & (rd->cell_hash_size - 1); t[slot];)
				slot = (slot + 1) & (rd->cell_hash_size - 1);
			t[slot] = i + 1;
		}
	}
	for (slot = h & (rd->cell_hash_size - 1); t[slot]; slot = (slot + 1) & (rd->cell_hash_size - 1)) {
		const struct rd_cell *c = &rd->cells[t[slot] - 1];

		if (c->hash == h && c->nr == n && !memcmp(rd->runs + c->first, r, n * sizeof(*r)))
			return t[slot] - 1;
	}
	if (rd->nr_cells == rd->cap_cells) {
		unsigned int cap = rd->cap_cells ? rd->cap_cells * 2 : 256;
		struct rd_cell *nc = realloc(rd->cells, cap * sizeof(*nc));

		if (!nc)
			return -ENOMEM;
		rd->cells = nc;
		rd->cap_cells = cap;
	}
	while (rd->nr_runs + n > rd->cap_runs) {
		size_t cap = rd->cap_runs ? rd->cap_runs * 2 : 1024;
		struct rd_run *nr = realloc(rd->runs, cap * sizeof(*nr));

		if (!nr)
			return -ENOMEM;
		rd->runs = nr;
		rd->cap_runs = cap;
	}
	memcpy(rd->runs + rd->nr_runs, r, n * sizeof(*r));
	rd->cells[rd->nr_cells] = (struct rd_cell){ h, (unsigned int)rd->nr_runs, n };
	rd->nr_runs += n;
	t[slot] = ++rd->nr_cells;
	return rd->nr_cells - 1;
}
