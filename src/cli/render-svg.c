/* SPDX-License-Identifier: MIT */
/*
 * kaff render: the picture. Plain SVG 1.1, integer coordinates, no script
 * or external reference, so it opens in any browser and diffs well; each
 * cell and each event has a <title> for a tooltip.
 *
 * Each column is one state of the machine. Above it: the event, then a
 * CPU axis: a band per NUMA node (alternating shades, labelled where there
 * is room) and ticks at the smallest power-of-two interval whose labels
 * stay TICK_GAP px apart. Under it, one strip per row: all the CPUs, CPU 0
 * at the left, runs of CPUs of one class drawn as one rect. Up to 512
 * CPUs a CPU is a whole number of px (16 up to 8 CPUs, 8 up to 32, 4 up
 * to 128, 3 up to 256, 2 up to 512); past that a pixel holds several CPUs
 * and shows the highest class among them. A run in a mask is never
 * narrower than MIN_RUN px, so a one-CPU mask shows at any size. Node
 * boundaries are drawn first, down through the rows: they show between
 * the strips and hide no CPU.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render-state.h"

static const struct {
	const char *color, *label;
} classes[CLS_NR] = {
	[CLS_ON] = { "#2e7d32", "in mask, online" },
	[CLS_OFF] = { "#f9a825", "in mask, offline" },
	[CLS_ISO] = { "#c62828", "in mask, isolated" },
	[CLS_ISO_OUT] = { "#f4c7c3", "isolated, not in mask" },
	[CLS_OFF_OUT] = { "#b0b0b0", "offline, not in mask" },
	[CLS_OUT] = { "#e8e8e8", "not in mask" },
};

/* Geometry, in px. */
#define STRIP_MAX 1024u
#define MIN_RUN 3u
#define TICK_GAP 16u /* px between two tick labels (10 px font: 6 px a digit) */
#define COL_GAP 16u
#define STRIP_H 12u
#define ROW_H 18u
#define BAND_H 14u
#define CHAR_W 7u /* DejaVu Sans Mono at 12 px */
#define NAME_MAX_CH 30u
#define LIST_RUNS_MAX 64u /* runs of CPUs in a cell's tooltip */

struct geom {
	unsigned int px, per_px;   /* px a CPU, or CPUs a px */
	unsigned int strip_w, col_w, left, label_y, axis_y, rows_y, width, height;
	bool rotated;              /* event labels at -45 degrees (narrow columns) */
	unsigned char *pix;        /* one strip, class + 1 a px */
};

static unsigned int x_of(const struct geom *g, unsigned int cpu)
{
	return g->per_px > 1 ? cpu / g->per_px : cpu * g->px;
}

static unsigned int x_end(const struct geom *g, unsigned int end)
{
	return g->per_px > 1 ? (end + g->per_px - 1) / g->per_px : end * g->px;
}

/* XML text or attribute value. */
static void put_escaped(struct kaff_sbuf *o, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			kaff_sbuf_puts(o, "&amp;");
			break;
		case '<':
			kaff_sbuf_puts(o, "&lt;");
			break;
		case '>':
			kaff_sbuf_puts(o, "&gt;");
			break;
		case '"':
			kaff_sbuf_puts(o, "&quot;");
			break;
		case '\'':
			kaff_sbuf_puts(o, "&apos;");
			break;
		default:
			/* control characters are not allowed in XML 1.0 */
			kaff_sbuf_printf(o, "%c", (unsigned char)*s < 0x20 ? '?' : *s);
			break;
		}
	}
}

/* A row's label: "name", "name +N" (tasks alike), "stem* xN" (union). */
static void row_label(const struct render *rd, const struct rd_row *row, char *buf, size_t size)
{
	const char *name = rd->names[row->first_task];

	if (rd->rows_by_stem && !row->stem)
		snprintf(buf, size, "other names x%u", row->nr_tasks);
	else if (rd->rows_by_stem)
		snprintf(buf, size, "%.*s* x%u", (int)NAME_MAX_CH, row->stem, row->nr_tasks);
	else if (row->nr_tasks > 1)
		snprintf(buf, size, "%.*s +%u", (int)NAME_MAX_CH, name, row->nr_tasks - 1);
	else
		snprintf(buf, size, "%.*s", (int)NAME_MAX_CH, name);
}

static void scale(unsigned int cpus, struct geom *g)
{
	g->per_px = cpus > 512 ? (cpus + STRIP_MAX - 1) / STRIP_MAX : 1;
	g->px = cpus <= 8 ? 16 : cpus <= 32 ? 8 : cpus <= 128 ? 4 : cpus <= 256 ? 3 : cpus <= 512 ? 2 : 1;
	g->strip_w = x_end(g, cpus);
	g->col_w = g->strip_w + COL_GAP;
}

unsigned int kaff_render_cols_max(unsigned int cpus)
{
	struct geom g;
	unsigned int n;

	scale(cpus, &g);
	n = WIDTH_MAX / g.col_w;
	return n < 1 ? 1 : n > COLS_MAX ? COLS_MAX : n;
}

static void layout(const struct render *rd, struct geom *g)
{
	unsigned int r, w = 0;
	char buf[96];

	scale(rd->cpus, g);
	for (r = 0; r < rd->nr_rows; r++) {
		row_label(rd, &rd->rows[r], buf, sizeof(buf));
		if (strlen(buf) > w)
			w = (unsigned int)strlen(buf);
	}
	g->left = 20 + (w > 12 ? w : 12) * CHAR_W;
	g->rotated = g->strip_w < 200;
	g->label_y = g->rotated ? 168 : 60;
	g->axis_y = g->label_y + 12;
	g->rows_y = g->axis_y + BAND_H + 22;
	g->width = g->left + rd->nr_cols * g->col_w + 20;
	if (g->width < 900)
		g->width = 900; /* the notes under the legend */
	g->height = g->rows_y + rd->nr_rows * ROW_H + 280;
}

/* The event above column @c: its number, its line, "! ERRNO" if refused. */
static void put_event_label(struct render *rd, const struct geom *g, unsigned int c)
{
	struct kaff_sbuf *o = &rd->out;
	unsigned int ev = rd->col_ev[c], x = g->left + c * g->col_w, y = g->label_y;
	const char *result = rd->col_result[c];
	unsigned int max = g->rotated ? 28 : g->strip_w / CHAR_W - 6;
	char full[256];

	if (kaff_scenario_event_describe(rd->sc, ev, full, sizeof(full), NULL) < 0)
		strcpy(full, "?");
	if (g->rotated)
		kaff_sbuf_printf(o, "<text x=\"%u\" y=\"%u\" transform=\"rotate(-45 %u %u)\"", x + 4, y, x + 4, y);
	else
		kaff_sbuf_printf(o, "<text x=\"%u\" y=\"%u\"", x, y);
	kaff_sbuf_printf(o, "%s>%u ", result ? " fill=\"#c62828\"" : "", ev + 1);
	/* long labels (a setaffinity list) are cut; the tooltip has it all */
	if (strlen(full) > max) {
		char cut[256];

		snprintf(cut, sizeof(cut), "%.*s...", (int)(max - 3), full);
		put_escaped(o, cut);
	} else {
		put_escaped(o, full);
	}
	if (result) {
		/* "! offline 0 ENOENT\n": the errno name is the last word */
		const char *e = result + strlen(result);

		while (e > result && (e[-1] == '\n' || e[-1] == ' '))
			e--;
		while (e > result && e[-1] != ' ')
			e--;
		kaff_sbuf_puts(o, " ! ");
		for (; *e && *e != '\n'; e++)
			kaff_sbuf_printf(o, "%c", *e);
	}
	kaff_sbuf_printf(o, "<title>event %u: ", ev + 1);
	put_escaped(o, full);
	if (result) {
		char line[256];
		size_t n;

		/* the trace's lines, without their line ends */
		snprintf(line, sizeof(line), "%s", result);
		for (n = strlen(line); n && line[n - 1] == '\n';)
			line[--n] = '\0';
		for (n = 0; line[n]; n++)
			if (line[n] == '\n')
				line[n] = ';';
		kaff_sbuf_puts(o, ": ");
		put_escaped(o, line);
	}
	kaff_sbuf_puts(o, "</title></text>\n");
}

/* Node bands, node boundaries down through the rows, and CPU ticks. */
static void put_axis(struct render *rd, const struct geom *g, unsigned int x0)
{
	struct kaff_sbuf *o = &rd->out;
	unsigned int cpu = 0, tick, y = g->axis_y, bottom = g->rows_y + rd->nr_rows * ROW_H - 6;
	char num[16];

	while (cpu < rd->cpus) {
		int node = rd->node_of[cpu];
		unsigned int end = cpu + 1, x, w;
		char label[24];

		/* a pixel holding several CPUs shows its first CPU's node */
		while (end < rd->cpus && (rd->node_of[end] == node || x_of(g, end) == x_of(g, end - 1)))
			end++;
		x = x0 + x_of(g, cpu);
		w = x_end(g, end) - x_of(g, cpu);
		kaff_sbuf_printf(o, "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" fill=\"%s\">"
				    "<title>node %d: CPUs from %u</title></rect>\n",
				 x, y, w, BAND_H, node % 2 ? "#c5d3e8" : "#e3eaf5", node, cpu);
		snprintf(label, sizeof(label), w >= 60 ? "node %d" : "%d", node);
		if (w >= strlen(label) * 6 + 4)
			kaff_sbuf_printf(o, "<text x=\"%u\" y=\"%u\" font-size=\"10\">%s</text>\n", x + 3,
					 y + 11, label);
		if (cpu)
			kaff_sbuf_printf(o, "<rect x=\"%u\" y=\"%u\" width=\"1\" height=\"%u\" fill=\"#1a237e\" "
					    "fill-opacity=\"0.6\"/>\n",
					 x, y, bottom - y);
		cpu = end;
	}
	/* ticks: the smallest power of two whose labels stay TICK_GAP px apart */
	snprintf(num, sizeof(num), "%u", rd->cpus - 1);
	for (tick = 1; x_of(g, tick) < TICK_GAP + 6 * strlen(num) && tick < rd->cpus; tick *= 2)
		;
	for (cpu = 0; cpu < rd->cpus; cpu += tick) {
		unsigned int x = x0 + x_of(g, cpu);

		kaff_sbuf_printf(o, "<rect x=\"%u\" y=\"%u\" width=\"1\" height=\"5\" fill=\"#000000\"/>\n",
				 x, y + BAND_H);
		snprintf(num, sizeof(num), "%u", cpu);
		if (x_of(g, rd->cpus - cpu) >= 6 * strlen(num) + 2 || !cpu)
			kaff_sbuf_printf(o, "<text x=\"%u\" y=\"%u\" font-size=\"10\">%u</text>\n", x,
					 y + BAND_H + 15, cpu);
	}
}

/* The CPUs in the mask, as a cpulist, from a cell's runs. */
static void put_cell_list(struct kaff_sbuf *o, const struct render *rd, const struct rd_cell *c)
{
	unsigned int i, start = 0, end = 0, nr = 0;
	bool any = false, open = false;

	for (i = c->first; i <= c->first + c->nr; i++) {
		const struct rd_run *r = i < c->first + c->nr ? &rd->runs[i] : NULL;

		if (r && CLS_IN_MASK(r->cls)) {
			if (!open)
				start = r->start;
			open = true;
			end = r->end;
			continue;
		}
		if (!open)
			continue;
		open = false;
		/* a tooltip, not a dump: bounded, so is the file */
		if (++nr > LIST_RUNS_MAX) {
			kaff_sbuf_puts(o, ",...");
			return;
		}
		kaff_sbuf_printf(o, "%s%u", any ? "," : "", start);
		if (end - start > 1)
			kaff_sbuf_printf(o, "-%u", end - 1);
		any = true;
	}
	if (!any)
		kaff_sbuf_puts(o, "-");
}

static void put_cell(struct render *rd, const struct geom *g, const struct rd_row *row,
		     unsigned int col, unsigned int x0, unsigned int y)
{
	struct kaff_sbuf *o = &rd->out;
	const struct rd_cell *c = &rd->cells[row->cells[col]];
	unsigned int i, x, w = g->strip_w;
	char label[96];

	memset(g->pix, 0, w);
	for (i = c->first; i < c->first + c->nr; i++) {
		const struct rd_run *r = &rd->runs[i];

		for (x = x_of(g, r->start); x < x_end(g, r->end); x++)
			if (g->pix[x] < r->cls + 1)
				g->pix[x] = (unsigned char)(r->cls + 1);
	}
	/* a narrow run in the mask widens over CPUs out of it, never over
	 * another run in a mask */
	for (i = c->first; i < c->first + c->nr; i++) {
		const struct rd_run *r = &rd->runs[i];
		unsigned int a = x_of(g, r->start), b = x_end(g, r->end), n = b - a;

		if (!CLS_IN_MASK(r->cls))
			continue;
		/* to the right, then to the left (at the end of the strip) */
		for (x = b; n < MIN_RUN && x < w && !CLS_IN_MASK(g->pix[x] - 1); x++, n++)
			g->pix[x] = (unsigned char)(r->cls + 1);
		for (x = a; n < MIN_RUN && x > 0 && !CLS_IN_MASK(g->pix[x - 1] - 1); n++)
			g->pix[--x] = (unsigned char)(r->cls + 1);
	}
	row_label(rd, row, label, sizeof(label));
	kaff_sbuf_puts(o, "<g><title>");
	put_escaped(o, label);
	kaff_sbuf_printf(o, " after event %u: %s", rd->col_ev[col] + 1, row->stem || rd->rows_by_stem ?
			 "the union of their masks, " : "");
	put_cell_list(o, rd, c);
	kaff_sbuf_puts(o, "</title>\n");
	for (x = 0; x < w;) {
		unsigned int e = x + 1;

		while (e < w && g->pix[e] == g->pix[x])
			e++;
		kaff_sbuf_printf(o, "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" fill=\"%s\"/>\n",
				 x0 + x, y, e - x, STRIP_H, classes[g->pix[x] - 1].color);
		x = e;
	}
	kaff_sbuf_puts(o, "</g>\n");
}

static void put_header(struct render *rd, const struct geom *g)
{
	struct kaff_sbuf *o = &rd->out;

	kaff_sbuf_printf(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
			    "width=\"%u\" height=\"%u\" viewBox=\"0 0 %u %u\" "
			    "font-family=\"DejaVu Sans Mono, monospace\" font-size=\"12\">\n",
			 g->width, g->height, g->width, g->height);
	kaff_sbuf_printf(o, "<rect x=\"0\" y=\"0\" width=\"%u\" height=\"%u\" fill=\"#ffffff\"/>\n",
			 g->width, g->height);
	kaff_sbuf_puts(o, "<text x=\"10\" y=\"20\" font-size=\"14\">kaff render: ");
	put_escaped(o, rd->file);
	kaff_sbuf_printf(o, " (kernel %s, %s rules, %u CPU%s, %u node%s)</text>\n",
			 kaff_profile_name(rd->profile), kaff_profile_rules(rd->profile), rd->cpus,
			 rd->cpus == 1 ? "" : "s", rd->nr_nodes, rd->nr_nodes == 1 ? "" : "s");
}

static void put_row_label(struct render *rd, const struct rd_row *row, unsigned int r,
			  unsigned int y)
{
	struct kaff_sbuf *o = &rd->out;
	unsigned int t, shown = 0;
	char label[96];

	row_label(rd, row, label, sizeof(label));
	kaff_sbuf_printf(o, "<text x=\"10\" y=\"%u\"%s>", y + 10,
			 rd->rows_by_stem ? " font-style=\"italic\"" : "");
	put_escaped(o, label);
	kaff_sbuf_puts(o, "<title>");
	if (rd->rows_by_stem)
		kaff_sbuf_printf(o, "%u kthreads in %u different rows, drawn as the union of their "
				    "masks: ", row->nr_tasks, row->nr_merged);
	/* the first names, in creation order */
	for (t = row->first_task; t < rd->nr_tasks && shown < 12; t++) {
		if (rd->task_row[t] != r)
			continue;
		kaff_sbuf_puts(o, shown++ ? ", " : "");
		put_escaped(o, rd->names[t]);
	}
	if (shown < row->nr_tasks)
		kaff_sbuf_puts(o, ", ...");
	kaff_sbuf_puts(o, "</title></text>\n");
}

static void put_note(struct kaff_sbuf *o, unsigned int *y, const char *fmt, ...) KAFF_PRINTF(3, 4);
static void put_note(struct kaff_sbuf *o, unsigned int *y, const char *fmt, ...)
{
	va_list ap;

	kaff_sbuf_printf(o, "<text x=\"10\" y=\"%u\">", *y);
	va_start(ap, fmt);
	kaff_sbuf_vprintf(o, fmt, ap);
	va_end(ap);
	kaff_sbuf_puts(o, "</text>\n");
	*y += 18;
}

/* The legend, then what the picture shows and what it aggregates. */
static int put_legend(struct render *rd, const struct geom *g)
{
	struct kaff_sbuf *o = &rd->out;
	unsigned int y = g->rows_y + rd->nr_rows * ROW_H + 16, c, n;
	char *list;

	for (c = CLS_NR; c-- > 0; y += 18) {
		kaff_sbuf_printf(o, "<rect x=\"10\" y=\"%u\" width=\"14\" height=\"14\" fill=\"%s\" "
				    "stroke=\"#606060\"/>\n",
				 y, classes[c].color);
		kaff_sbuf_printf(o, "<text x=\"30\" y=\"%u\">%s</text>\n", y + 12, classes[c].label);
	}
	kaff_sbuf_printf(o, "<rect x=\"10\" y=\"%u\" width=\"14\" height=\"14\" fill=\"#e3eaf5\"/>"
			    "<rect x=\"24\" y=\"%u\" width=\"14\" height=\"14\" fill=\"#c5d3e8\"/>"
			    "<rect x=\"24\" y=\"%u\" width=\"1\" height=\"14\" fill=\"#1a237e\"/>\n",
			 y, y, y);
	kaff_sbuf_printf(o, "<text x=\"44\" y=\"%u\">NUMA nodes, and the line between two</text>\n", y + 12);
	y += 34;
	if (g->per_px > 1)
		put_note(o, &y, "CPU 0 at the left, %u CPUs a pixel (the highest class shows); "
				"a run in a mask is at least %u px wide", g->per_px, MIN_RUN);
	else
		put_note(o, &y, "CPU 0 at the left, %u px a CPU%s", g->px,
			 g->px < MIN_RUN ? "; a run in a mask is at least 3 px wide" : "");
	if (rd->col_changes)
		put_note(o, &y, "columns: of the %u event%s, the %u that changed the picture or that the "
				"kernel refused", rd->nr_events, rd->nr_events == 1 ? "" : "s", rd->nr_candidates);
	else
		put_note(o, &y, "columns: of the %u events (too many to compare each), the state at "
				"each show and after the last event: %u", rd->nr_events, rd->nr_candidates);
	if (rd->nr_candidates > rd->nr_cols)
		put_note(o, &y, "%u of them drawn, spread evenly: at most %u columns of %u CPUs "
				"fit", rd->nr_cols, rd->cols_max, rd->cpus);
	_Static_assert(ROWS_MAX == 48, "the notes say 48");
	if (rd->rows_by_stem)
		put_note(o, &y, "rows: %u kthreads in %u different rows, more than 48: one row per name "
				"stem (italic, the digits at the end cut), the union of its kthreads' masks",
			 rd->nr_tasks, rd->nr_exact_rows);
	else
		put_note(o, &y, "rows: %u kthread%s; those alike in every column share a row (name +N)",
			 rd->nr_tasks, rd->nr_tasks == 1 ? "" : "s");
	list = kaff_mask_str(rd->boot_iso);
	if (!list)
		return -ENOMEM;
	/* a long list is cut: the tooltips of the cells have every CPU */
	if (strlen(list) > 80)
		strcpy(list + 77, "...");
	n = kaff_cpumask_weight(rd->boot_iso);
	if (n)
		put_note(o, &y, "isolated at boot: %s (%u CPU%s)%s", list, n, n == 1 ? "" : "s",
			 rd->runtime_iso ? "; plus the CPUs of an isolate event while it lasts" : "");
	else
		put_note(o, &y, "isolated at boot: none%s",
			 rd->runtime_iso ? "; the CPUs of an isolate event while it lasts" : "");
	free(list);
	put_note(o, &y, "empty cell: the task does not exist; red event: the kernel refused it "
			"(%u in all)", rd->nr_refused);
	return 0;
}

int kaff_render_svg(struct render *rd)
{
	struct geom g;
	unsigned int c, r;
	int ret;

	memset(&g, 0, sizeof(g));
	layout(rd, &g);
	g.pix = malloc(g.strip_w);
	if (!g.pix)
		return -ENOMEM;
	put_header(rd, &g);
	for (r = 0; r < rd->nr_rows; r++)
		put_row_label(rd, &rd->rows[r], r, g.rows_y + r * ROW_H);
	for (c = 0; c < rd->nr_cols; c++) {
		unsigned int x = g.left + c * g.col_w;

		put_event_label(rd, &g, c);
		/* first: node boundaries show between the rows, hiding no CPU */
		put_axis(rd, &g, x);
		for (r = 0; r < rd->nr_rows; r++)
			if (rd->rows[r].cells[c] != RD_NONE)
				put_cell(rd, &g, &rd->rows[r], c, x, g.rows_y + r * ROW_H);
	}
	ret = put_legend(rd, &g);
	kaff_sbuf_puts(&rd->out, "</svg>\n");
	free(g.pix);
	return ret ? ret : rd->out.oom ? -ENOMEM : 0;
}
