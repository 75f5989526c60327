/* SPDX-License-Identifier: MIT */
/*
 * kaff render: which tasks share a row. Tasks whose cells are the same in
 * every column share one, losing nothing. Past ROWS_MAX such rows, tasks
 * are grouped by name stem (the name less its trailing digits, so
 * ksoftirqd/0 .. ksoftirqd/8191 make one row) and the row is drawn as the
 * union of its tasks' cells, each CPU in the highest class any of them
 * gives it (enum cpu_class); past ROWS_MAX stems, the last row takes all
 * the remaining ones.
 */
#include <errno.h>

#include "render-state.h"

/* "ksoftirqd/12" -> "ksoftirqd/" (into @buf, cut to fit) */
static void name_stem(const char *name, char *buf, size_t size)
{
	size_t n = strlen(name);

	while (n && name[n - 1] >= '0' && name[n - 1] <= '9')
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(buf, name, n);
	buf[n] = '\0';
}

/* Tasks with the same cells in every column: one row (exact). */
static int rows_exact(struct render *rd, unsigned int *group)
{
	unsigned int size, task, slot, *t = table_for(rd->nr_tasks, &size);
	size_t rowbytes = rd->nr_cols * sizeof(uint32_t);

	if (!t)
		return -ENOMEM;
	rd->nr_rows = 0;
	for (task = 0; task < rd->nr_tasks; task++) {
		uint32_t *cells = rd->task_cells + (size_t)task * rd->nr_cols;
		uint64_t h = hash_bytes(HASH_INIT, cells, rowbytes);

		for (slot = h & (size - 1); t[slot]; slot = (slot + 1) & (size - 1))
			if (!memcmp(rd->rows[t[slot] - 1].cells, cells, rowbytes))
				break;
		if (t[slot]) {
			group[task] = t[slot] - 1;
			rd->rows[t[slot] - 1].nr_tasks++;
			continue;
		}
		rd->rows[rd->nr_rows] = (struct rd_row){ task, 1, 1, NULL, cells };
		group[task] = rd->nr_rows;
		t[slot] = ++rd->nr_rows;
	}
	free(t);
	return 0;
}

/* Each task's stem (rd->stems, in order of first appearance): 0 or -ENOMEM. */
static int stems_of(struct render *rd, unsigned int *stem_of)
{
	unsigned int size, task, slot, cap = 0, *t = table_for(rd->nr_tasks, &size);
	char stem[64];
	int ret = 0;

	if (!t)
		return -ENOMEM;
	for (task = 0; task < rd->nr_tasks && !ret; task++) {
		name_stem(rd->names[task], stem, sizeof(stem));
		for (slot = hash_str(stem) & (size - 1); t[slot]; slot = (slot + 1) & (size - 1))
			if (!strcmp(rd->stems[t[slot] - 1], stem))
				break;
		if (!t[slot]) {
			if (rd->nr_stems == cap) {
				char **ns = realloc(rd->stems, (cap = cap ? cap * 2 : 64) * sizeof(*ns));

				if (!ns) {
					ret = -ENOMEM;
					break;
				}
				rd->stems = ns;
			}
			if (!(rd->stems[rd->nr_stems] = strdup(stem))) {
				ret = -ENOMEM;
				break;
			}
			t[slot] = ++rd->nr_stems;
		}
		stem_of[task] = t[slot] - 1;
	}
	free(t);
	return ret;
}

/* Paint @cell into @cls (class + 1 a CPU, 0: nothing yet), the highest
 * class winning; @all: its runs out of the mask too. */
static void paint(const struct render *rd, unsigned char *cls, uint32_t cell, bool all)
{
	const struct rd_cell *c = &rd->cells[cell];
	unsigned int i, cpu;

	for (i = c->first; i < c->first + c->nr; i++) {
		const struct rd_run *r = &rd->runs[i];

		if (!all && !CLS_IN_MASK(r->cls))
			continue;
		for (cpu = r->start; cpu < r->end; cpu++)
			if (cls[cpu] < r->cls + 1)
				cls[cpu] = (unsigned char)(r->cls + 1);
	}
}

/* More than ROWS_MAX exact rows: one row per name stem, drawn as the
 * union of its tasks' cells. */
static int rows_by_stem(struct render *rd, unsigned int *group)
{
	unsigned int *row_of = malloc(rd->nr_tasks * sizeof(*row_of));
	unsigned int *seen = calloc(rd->nr_rows, sizeof(*seen));
	uint64_t *stamp = calloc(rd->nr_cells, sizeof(*stamp));
	unsigned char *cls = NULL;
	struct rd_run *tmp = malloc(rd->cpus * sizeof(*tmp));
	unsigned int task, r, col, cpu, n, nr_exact = rd->nr_rows;
	int ret = -ENOMEM;

	if (!row_of || !seen || !stamp || !tmp || (ret = stems_of(rd, row_of)))
		goto out;
	rd->rows_by_stem = true;
	rd->nr_exact_rows = nr_exact;
	rd->nr_rows = rd->nr_stems < ROWS_MAX ? rd->nr_stems : ROWS_MAX;
	memset(rd->rows, 0, rd->nr_rows * sizeof(*rd->rows));
	for (task = rd->nr_tasks; task-- > 0;) {
		struct rd_row *row;

		/* past ROWS_MAX stems, the last row takes the rest */
		if (row_of[task] >= ROWS_MAX - 1 && rd->nr_stems > ROWS_MAX)
			row_of[task] = ROWS_MAX - 1;
		row = &rd->rows[row_of[task]];
		row->first_task = task;
		row->nr_tasks++;
		if (seen[group[task]] != row_of[task] + 1) {
			seen[group[task]] = row_of[task] + 1;
			row->nr_merged++;
		}
	}
	ret = -ENOMEM;
	for (r = 0; r < rd->nr_rows; r++) {
		rd->rows[r].stem = rd->nr_stems > ROWS_MAX && r == ROWS_MAX - 1 ? NULL : rd->stems[r];
		if (!(rd->rows[r].cells = malloc(rd->nr_cols * sizeof(uint32_t))))
			goto out;
	}
	cls = malloc((size_t)rd->nr_rows * rd->cpus);
	if (!cls)
		goto out;
	for (col = 0; col < rd->nr_cols; col++) {
		memset(cls, 0, (size_t)rd->nr_rows * rd->cpus);
		memset(seen, 0, nr_exact * sizeof(*seen));
		for (task = 0; task < rd->nr_tasks; task++) {
			uint32_t cell = rd->task_cells[(size_t)task * rd->nr_cols + col];
			uint64_t mark = (uint64_t)col * ROWS_MAX + row_of[task] + 1;

			/* each distinct cell once a row; the first one whole */
			if (cell == RD_NONE || stamp[cell] == mark)
				continue;
			stamp[cell] = mark;
			paint(rd, cls + (size_t)row_of[task] * rd->cpus, cell, !seen[row_of[task]]);
			seen[row_of[task]] = 1;
		}
		for (r = 0; r < rd->nr_rows; r++) {
			const unsigned char *rc = cls + (size_t)r * rd->cpus;
			int64_t c;

			rd->rows[r].cells[col] = RD_NONE;
			if (!seen[r])
				continue;
			for (cpu = 0, n = 0; cpu < rd->cpus; cpu++) {
				if (n && tmp[n - 1].cls + 1 == rc[cpu])
					tmp[n - 1].end++;
				else
					tmp[n++] = (struct rd_run){ cpu, cpu + 1, (unsigned int)rc[cpu] - 1 };
			}
			if ((c = kaff_render_intern(rd, tmp, n)) < 0)
				goto out;
			rd->rows[r].cells[col] = (uint32_t)c;
		}
	}
	/* from now on, a task's row is its stem's */
	memcpy((unsigned int *)group, row_of, rd->nr_tasks * sizeof(*row_of));
	ret = 0;
out:
	free(row_of);
	free(seen);
	free(stamp);
	free(cls);
	free(tmp);
	return ret;
}

int kaff_render_group_rows(struct render *rd)
{
	unsigned int *group = malloc((rd->nr_tasks ? rd->nr_tasks : 1) * sizeof(*group));
	int ret = -ENOMEM;

	rd->rows = calloc(rd->nr_tasks ? rd->nr_tasks : 1, sizeof(*rd->rows));
	if (group && rd->rows)
		ret = rows_exact(rd, group);
	rd->nr_exact_rows = rd->nr_rows;
	if (!ret && rd->nr_rows > ROWS_MAX)
		ret = rows_by_stem(rd, group);
	rd->task_row = group;
	return ret;
}

