/* SPDX-License-Identifier: MIT */
/*
 * kaff render, shared between the model (render.c: which events become
 * columns, each task's cell in each column, which tasks share a row) and
 * the picture (render-svg.c).
 */
#ifndef KAFF_CLI_RENDER_STATE_H
#define KAFF_CLI_RENDER_STATE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* What a CPU is to a task, in ascending order of what the eye must not
 * miss: where a row stands for several masks, or a pixel for several
 * CPUs, the highest class wins (an isolated CPU in one member's mask shows). */
enum cpu_class {
	CLS_OUT,         /* not in the mask */
	CLS_OFF_OUT,     /* offline, not in the mask */
	CLS_ISO_OUT,     /* isolated, not in the mask */
	CLS_ON,          /* in the mask, online */
	CLS_OFF,         /* in the mask, offline */
	CLS_ISO,         /* in the mask, isolated */
	CLS_NR
};
#define CLS_IN_MASK(c) ((c) >= CLS_ON)

/* CPUs [start, end) of one class; no padding: runs are hashed and
 * compared as bytes */
struct rd_run {
	unsigned int start, end, cls;
};

/* A distinct cell: the runs that cover all CPUs. */
struct rd_cell {
	uint64_t hash;
	unsigned int first, nr; /* in render.runs */
};

#define COLS_MAX 40u     /* columns at most (see render.c) */
#define WIDTH_MAX 16384u /* px of columns at most: rasterisers stop at 32767 */
#define ROWS_MAX 48u /* rows at most (see render-rows.c) */

#define RD_NONE UINT32_MAX /* the task does not exist in that column */

/* One row of the picture: a task, tasks with the same cells in every
 * column (exact), or tasks of one name stem drawn as their union. */
struct rd_row {
	unsigned int first_task, nr_tasks, nr_merged; /* nr_merged: exact rows it unites */
	const char *stem;                             /* union rows: the stem, else NULL */
	uint32_t *cells;                              /* per column */
};

struct render {
	const char *file;
	const struct kaff_scenario *sc;
	const struct kaff_profile *profile;
	unsigned int cpus, nr_events, nr_nodes;
	int *node_of;               /* per CPU */
	/* columns: the state after event col_ev[i]; col_result: refused, or NULL */
	unsigned int *col_ev, nr_cols;
	char **col_result;
	unsigned int nr_refused;    /* refused events, drawn or not */
	bool col_changes;           /* columns are the events that changed the picture */
	unsigned int cols_max;      /* COLS_MAX, or fewer for wide strips */
	unsigned int nr_candidates; /* events that could have been columns */
	/* tasks, by name in order of first appearance in a column */
	char **names;
	unsigned int nr_tasks, cap_tasks, *name_hash, hash_size;
	uint32_t *task_cells;       /* [task * nr_cols + col] */
	/* distinct cells and their runs */
	struct rd_cell *cells;
	unsigned int nr_cells, cap_cells, *cell_hash, cell_hash_size;
	struct rd_run *runs;
	size_t nr_runs, cap_runs;
	/* rows; task_row: each task's row */
	unsigned int *task_row;
	struct rd_row *rows;
	unsigned int nr_rows, nr_exact_rows;
	bool rows_by_stem;
	char **stems;
	unsigned int nr_stems;
	struct kaff_cpumask *boot_iso;
	bool runtime_iso;
	struct kaff_sbuf out, trace;
};

/* FNV-1a, for the open-addressing tables (index + 1 a slot, 0: empty;
 * sizes are powers of 2). */
#define HASH_INIT 0xcbf29ce484222325ull

static inline uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n--)
		h = (h ^ *b++) * 0x100000001b3ull;
	return h;
}

static inline uint64_t hash_str(const char *s)
{
	return hash_bytes(HASH_INIT, s, strlen(s));
}

/* A zeroed table for @n entries. */
static inline unsigned int *table_for(unsigned int n, unsigned int *size)
{
	for (*size = 64; *size < n * 2; *size *= 2)
		;
	return calloc(*size, sizeof(unsigned int));
}

/* Intern the runs [@r, @r + @n): the cell's index, or -ENOMEM. */
/* Open-addressing tables hold index + 1 (0: empty); sizes are powers of
 * 2. A bigger table when @used entries need one (the caller refills it),
 * else @old; NULL when out of memory (@old is kept). */
unsigned int *kaff_render_table_grow(unsigned int *old, unsigned int *size, unsigned int used);
/* The index of the cell made of runs @r[0..@n), stored if new; -ENOMEM. */
int64_t kaff_render_intern(struct render *rd, const struct rd_run *r, unsigned int n);

/* The rows (render-rows.c): 0 or -ENOMEM. */
int kaff_render_group_rows(struct render *rd);

/* How many columns of @cpus fit WIDTH_MAX (render-svg.c): 1 to COLS_MAX. */
unsigned int kaff_render_cols_max(unsigned int cpus);

/* The whole SVG into rd->out: 0 or -ENOMEM. */
int kaff_render_svg(struct render *rd);

#endif /* KAFF_CLI_RENDER_STATE_H */
