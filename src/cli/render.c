/* SPDX-License-Identifier: MIT */
/*
 * kaff render FILE.scn -o OUT.svg
 *
 * One row per task, one column per event; each cell is a strip of the
 * machine's CPUs after that event, coloured by what the CPU is to the
 * task. The picture is plain SVG 1.1 with integer coordinates and no
 * script or external reference, so it opens in any browser and diffs
 * well; each cell has a <title> with the task's mask for a tooltip.
 *
 * Layout: a strip is 128 px wide. Up to 64 CPUs sit on one line (16 CPUs
 * are 8 px each); more CPUs wrap onto further lines of 64 (2 px each), so
 * 256 CPUs are a 4-line strip and 8192 CPUs still fit a cell.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char render_usage[] =
	"usage: kaff render [-k V] [--population POP] -o OUT.svg FILE.scn|-\n"
	"\n"
	"Draw FILE's replay as an SVG picture: one row per task, one column per\n"
	"event, each cell a strip of the task's CPUs after that event (CPU 0 at the\n"
	"left, 64 CPUs per line), coloured: in the mask and online; in the mask but\n"
	"offline; in the mask and isolated; isolated, not in the mask; offline, not\n"
	"in the mask; not in the mask. Isolated: kept from kthreads by nohz_full= or\n"
	"isolcpus= at boot, or in an isolated cpuset partition.\n"
	"\n"
	"  -o, --output FILE  where to write the SVG ('-': standard output); required\n"
	"  -k, --kernel V     replay under profile V instead of the file's kernel line\n"
	"  --population POP   replay on every kthread of the population file POP\n"
	"                     (kaff host --kthreads; docs/population.md)\n"	"  -h, --help         print this help\n"
	"  -V, --version      print kaff's version\n"
	"\n"
	"Exit status: 0 written, 2 usage or scenario error, 3 libkaff or the write failed.\n";

enum { OPT_KERNEL = 'k', OPT_OUTPUT = 'o', OPT_POPULATION = 256 };

static const struct kaff_opt render_opts[] = {
	{ "population", OPT_POPULATION, true },
	{ "kernel", OPT_KERNEL, true },
	{ "output", OPT_OUTPUT, true },
	{ NULL, 0, false },
};

enum cpu_class {
	CLS_ON,          /* in the mask, online */
	CLS_OFF,         /* in the mask, offline */
	CLS_ISO,         /* in the mask, isolated */
	CLS_ISO_OUT,     /* isolated, not in the mask */
	CLS_OFF_OUT,     /* offline, not in the mask */
	CLS_OUT,         /* not in the mask */
	CLS_NR
};

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
#define STRIP_W 128u
#define CPUS_PER_LINE_MAX 64u
#define COL_GAP 8u
#define ROW_GAP 10u
#define LEFT 150u
#define TOP 170u
#define LABEL_MAX 28u

struct render {
	const char *file;
	const struct kaff_scenario *sc;
	const struct kaff_profile *profile;
	unsigned int cpus, per_line, px, lines, line_h, strip_h, col_w, row_h;
	unsigned int nr_events;
	char **rows; /* task names, in order of first creation */
	unsigned int nr_rows;
	struct kaff_cpumask *boot_iso, *iso;
	struct kaff_sbuf out, trace;
};

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

static int collect_trace(void *data, const char *buf, size_t len)
{
	struct kaff_sbuf *b = data;

	if (len >= 2 && buf[0] == '!' && buf[1] == ' ')
		kaff_sbuf_printf(b, "%.*s", (int)len, buf);
	return b->oom ? -ENOMEM : 0;
}

static int row_of(const struct render *rd, const char *name)
{
	unsigned int i;

	for (i = 0; i < rd->nr_rows; i++)
		if (!strcmp(rd->rows[i], name))
			return (int)i;
	return -1;
}

/* Pass 1: the rows (a name re-created after stop keeps its row). */
static int collect_rows(struct render *rd)
{
	struct kaff_replay_ops ops = { 0 };
	struct kaff_replay *r;
	int ret;

	ops.profile = rd->profile;
	ret = kaff_replay_new(rd->sc, &ops, &r);
	if (ret)
		return ret;
	while ((ret = kaff_replay_step(r, NULL)) == 1) {
		const struct kaff_ctx *ctx = kaff_replay_ctx(r);
		unsigned int id;

		for (id = kaff_kthread_first(ctx); id != KAFF_KTHREAD_NONE;
		     id = kaff_kthread_next(ctx, id)) {
			const char *name = kaff_replay_task_name(r, id);
			char **nr;

			if (!name || row_of(rd, name) >= 0)
				continue;
			nr = realloc(rd->rows, (rd->nr_rows + 1) * sizeof(*nr));
			if (!nr) {
				ret = -ENOMEM;
				break;
			}
			rd->rows = nr;
			if (!(nr[rd->nr_rows] = strdup(name))) {
				ret = -ENOMEM;
				break;
			}
			rd->nr_rows++;
		}
		if (ret < 0)
			break;
	}
	kaff_replay_free(r);
	return ret;
}

static enum cpu_class classify(unsigned int cpu, const struct kaff_cpumask *mask,
			       const struct kaff_cpumask *online, const struct kaff_cpumask *iso)
{
	bool in = kaff_cpumask_test_cpu(cpu, mask), on = kaff_cpumask_test_cpu(cpu, online);
	bool is_iso = kaff_cpumask_test_cpu(cpu, iso);

	if (in)
		return !on ? CLS_OFF : is_iso ? CLS_ISO : CLS_ON;
	return is_iso ? CLS_ISO_OUT : !on ? CLS_OFF_OUT : CLS_OUT;
}

/* One strip at (@x, @y): runs of one class become one rect. */
static void put_strip(struct render *rd, unsigned int x, unsigned int y,
		      const struct kaff_cpumask *mask, const struct kaff_cpumask *online,
		      const struct kaff_cpumask *iso)
{
	unsigned int line, start, cpu, end;

	for (line = 0; line < rd->lines; line++) {
		start = line * rd->per_line;
		end = start + rd->per_line < rd->cpus ? start + rd->per_line : rd->cpus;
		while (start < end) {
			enum cpu_class c = classify(start, mask, online, iso);

			for (cpu = start + 1; cpu < end && classify(cpu, mask, online, iso) == c; cpu++)
				;
			kaff_sbuf_printf(&rd->out,
					 "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" fill=\"%s\"/>\n",
					 x + (start - line * rd->per_line) * rd->px, y + line * rd->line_h,
					 (cpu - start) * rd->px, rd->lines == 1 ? rd->line_h : rd->line_h - 1,
					 classes[c].color);
			start = cpu;
		}
	}
}

static void put_header(struct render *rd)
{
	struct kaff_sbuf *o = &rd->out;
	unsigned int w = LEFT + rd->nr_events * rd->col_w + 20;
	unsigned int h = TOP + rd->nr_rows * rd->row_h + 200;

	/* room for the legend's notes */
	if (w < 600)
		w = 600;

	kaff_sbuf_printf(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
			    "width=\"%u\" height=\"%u\" viewBox=\"0 0 %u %u\" "
			    "font-family=\"DejaVu Sans Mono, monospace\" font-size=\"12\">\n",
			 w, h, w, h);
	kaff_sbuf_printf(o, "<rect x=\"0\" y=\"0\" width=\"%u\" height=\"%u\" fill=\"#ffffff\"/>\n", w, h);
	kaff_sbuf_puts(o, "<text x=\"10\" y=\"20\" font-size=\"14\">kaff render: ");
	put_escaped(o, rd->file);
	kaff_sbuf_printf(o, " (kernel %s, %s rules, %u CPU%s)</text>\n", kaff_profile_name(rd->profile),
			 kaff_profile_rules(rd->profile), rd->cpus, rd->cpus == 1 ? "" : "s");
}

static void put_event_label(struct render *rd, unsigned int i, const char *result)
{
	struct kaff_sbuf *o = &rd->out;
	unsigned int x = LEFT + i * rd->col_w + rd->col_w / 2, y = TOP - 8;
	char desc[LABEL_MAX + 1], full[256];
	size_t n;

	if (kaff_scenario_event_describe(rd->sc, i, full, sizeof(full), NULL) < 0)
		strcpy(full, "?");
	/* long labels (a setaffinity list) are cut; the tooltip has it all */
	n = strlen(full);
	if (n > LABEL_MAX) {
		memcpy(desc, full, LABEL_MAX - 3);
		memcpy(desc + LABEL_MAX - 3, "...", 4);
	} else {
		memcpy(desc, full, n + 1);
	}
	kaff_sbuf_printf(o, "<text x=\"%u\" y=\"%u\" transform=\"rotate(-45 %u %u)\"%s>%u ", x, y, x, y,
			 result ? " fill=\"#c62828\"" : "", i + 1);
	put_escaped(o, desc);
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
	kaff_sbuf_puts(o, "<title>");
	put_escaped(o, full);
	if (result) {
		kaff_sbuf_puts(o, ": ");
		put_escaped(o, result);
	}
	kaff_sbuf_puts(o, "</title></text>\n");
}

/* The legend, one class a line, then the notes, under the grid. */
static void put_legend(struct render *rd)
{
	struct kaff_sbuf *o = &rd->out;
	unsigned int y = TOP + rd->nr_rows * rd->row_h + 20, c;

	for (c = 0; c < CLS_NR; c++, y += 18) {
		kaff_sbuf_printf(o, "<rect x=\"10\" y=\"%u\" width=\"14\" height=\"14\" fill=\"%s\" "
				    "stroke=\"#606060\"/>\n",
				 y, classes[c].color);
		kaff_sbuf_printf(o, "<text x=\"30\" y=\"%u\">%s</text>\n", y + 12, classes[c].label);
	}
	y += 16;
	kaff_sbuf_printf(o, "<text x=\"10\" y=\"%u\">each cell: the task's CPUs after the event, "
			    "CPU 0 at the left, %u per line</text>\n",
			 y, rd->per_line);
	kaff_sbuf_printf(o, "<text x=\"10\" y=\"%u\">isolated: ", y + 18);
	kaff_sbuf_mask(o, rd->boot_iso);
	kaff_sbuf_puts(o, " at boot");
	if (kaff_profile_get(rd->profile, KAFF_RULE_RUNTIME_DOMAIN_ISOLATION) == 1)
		kaff_sbuf_puts(o, ", plus isolated cpuset partitions");
	kaff_sbuf_puts(o, "</text>\n");
	kaff_sbuf_printf(o, "<text x=\"10\" y=\"%u\">empty cell: the task does not exist; "
			    "red event: the kernel refused it</text>\n",
			 y + 36);
}

/* Pass 2: replay again and draw each column as its event runs. */
static int draw(struct render *rd)
{
	struct kaff_replay_ops ops = { 0 };
	struct kaff_replay *r;
	struct kaff_ctx *ctx;
	unsigned int i, id;
	int ret;

	ops.profile = rd->profile;
	ops.write_trace = collect_trace;
	ops.data = &rd->trace;
	ret = kaff_replay_new(rd->sc, &ops, &r);
	if (ret)
		return ret;
	ctx = kaff_replay_ctx(r);
	rd->boot_iso = kaff_cpumask_alloc(rd->cpus);
	rd->iso = kaff_cpumask_alloc(rd->cpus);
	if (!rd->boot_iso || !rd->iso) {
		kaff_replay_free(r);
		return -ENOMEM;
	}
	/* boot isolation, as kaff audit reads it */
	kaff_cpumask_and(rd->iso, kaff_housekeeping_cpumask(ctx, KAFF_HK_TYPE_DOMAIN),
			 kaff_housekeeping_cpumask(ctx, KAFF_HK_TYPE_KERNEL_NOISE));
	kaff_cpumask_complement(rd->boot_iso, rd->iso);
	put_header(rd);
	for (i = 0; i < rd->nr_rows; i++) {
		unsigned int y = TOP + i * rd->row_h;

		kaff_sbuf_printf(&rd->out, "<text x=\"10\" y=\"%u\">", y + rd->strip_h / 2 + 4);
		put_escaped(&rd->out, rd->rows[i]);
		kaff_sbuf_puts(&rd->out, "</text>\n");
	}
	for (i = 0; (ret = kaff_replay_step(r, NULL)) == 1; i++) {
		const struct kaff_cpumask *online = kaff_machine_online_mask(ctx);
		const struct kaff_cpumask *part = kaff_cpuset_isolated_cpus(ctx);

		put_event_label(rd, i, rd->trace.len ? rd->trace.s : NULL);
		kaff_sbuf_reset(&rd->trace);
		kaff_cpumask_copy(rd->iso, rd->boot_iso);
		if (part)
			kaff_cpumask_or(rd->iso, rd->iso, part);
		for (id = kaff_kthread_first(ctx); id != KAFF_KTHREAD_NONE;
		     id = kaff_kthread_next(ctx, id)) {
			const char *name = kaff_replay_task_name(r, id);
			const struct kaff_cpumask *m = kaff_kthread_cpus_mask(ctx, id);
			int row = name ? row_of(rd, name) : -1;
			unsigned int x = LEFT + i * rd->col_w, y;

			if (row < 0 || !m)
				continue;
			y = TOP + (unsigned int)row * rd->row_h;
			kaff_sbuf_printf(&rd->out, "<g><title>%s after event %u: ", name, i + 1);
			kaff_sbuf_mask(&rd->out, m);
			kaff_sbuf_puts(&rd->out, "</title>\n");
			put_strip(rd, x, y, m, online, rd->iso);
			kaff_sbuf_puts(&rd->out, "</g>\n");
		}
	}
	kaff_replay_free(r);
	if (ret < 0)
		return ret;
	put_legend(rd);
	kaff_sbuf_puts(&rd->out, "</svg>\n");
	return rd->out.oom || rd->trace.oom ? -ENOMEM : 0;
}

static int write_file(const char *path, const struct kaff_sbuf *b)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "wb") : stdout;
	int err = 0;

	if (!f)
		return -errno;
	/* the first failure's errno (ENOSPC on a full disk), EIO if none */
	errno = 0;
	if (fwrite(b->s, 1, b->len, f) != b->len)
		err = errno ? errno : EIO;
	errno = 0;
	if ((f != stdout ? fclose(f) : fflush(f)) && !err)
		err = errno ? errno : EIO;
	return -err;
}

int kaff_cmd_render(int argc, char **argv)
{
	const char *file = NULL, *outp = NULL, *kernel = NULL;
	struct kaff_scenario *sc = NULL;
	struct kaff_replay *r = NULL;
	struct render rd;
	struct kaff_population *pop = NULL;
	const char *popfile = NULL;
	static const char *const operands[] = { "FILE" };
	struct kaff_args args;
	unsigned int i;
	int opt, ret, status;

	memset(&rd, 0, sizeof(rd));
	kaff_args_init(&args, "render", render_usage, render_opts, argc, argv);
	while ((opt = kaff_args_next(&args)) > 0) {
		if (opt == OPT_POPULATION)
			popfile = args.arg;
		if (opt == OPT_OUTPUT)
			outp = args.arg;
		else if (opt == OPT_KERNEL)
			kernel = args.arg;
	}
	if (opt < 0 || !kaff_args_operands(&args, 1, 1, operands))
		return args.status;
	file = args.operands[0];
	if (!outp) {
		kaff_args_error(&args, "missing -o OUT.svg");
		return args.status;
	}
	if (kernel && !kaff_args_profile(&args, kernel, &rd.profile))
		return args.status;
	if (popfile) {
		status = kaff_cli_read_population(popfile, NULL, &pop);
		if (status)
			return status;
	}
	status = kaff_load_scenario("render", file, NULL, pop, &sc);
	if (status) {
		kaff_population_free(pop);
		return status;
	}
	rd.sc = sc;
	rd.file = kaff_display_name(file);
	if (!rd.profile)
		rd.profile = kaff_scenario_profile(sc);
	/* a first replay only to report a refused profile with the shared
	 * messages and to learn the machine's size */
	status = kaff_replay_start("render", file, sc, rd.profile, &r);
	if (status)
		goto out;
	/* what the kernel ignored at boot, before the picture */
	{
		struct kaff_boot_notes notes;

		if (kaff_boot_notes_get(&notes, kaff_replay_ctx(r), sc)) {
			fprintf(stderr, "kaff: render: %s: ENOMEM\n", rd.file);
			kaff_replay_free(r);
			status = KAFF_EXIT_INTERNAL;
			goto out;
		}
		kaff_boot_notes_print(&notes, rd.file, NULL);
		kaff_boot_notes_free(&notes);
	}
	rd.cpus = kaff_machine_nr_cpu_ids(kaff_replay_ctx(r));
	kaff_replay_free(r);
	rd.nr_events = kaff_scenario_nr_events(sc);
	rd.per_line = rd.cpus < CPUS_PER_LINE_MAX ? rd.cpus : CPUS_PER_LINE_MAX;
	rd.px = STRIP_W / rd.per_line;
	rd.lines = (rd.cpus + rd.per_line - 1) / rd.per_line;
	/* one line: a 12 px bar; several: 6 px lines (3 px past 16 lines,
	 * i.e. 1024 CPUs), each 1 px apart so that the lines read apart */
	rd.line_h = rd.lines == 1 ? 12 : rd.lines <= 16 ? 6 : 3;
	rd.strip_h = rd.lines * rd.line_h;
	rd.col_w = rd.per_line * rd.px + COL_GAP;
	rd.row_h = rd.strip_h + ROW_GAP;
	ret = collect_rows(&rd);
	if (!ret)
		ret = draw(&rd);
	if (ret) {
		fprintf(stderr, "kaff: render: %s: %s\n", rd.file, kaff_strerrorname(ret));
		status = KAFF_EXIT_INTERNAL;
		goto out;
	}
	ret = write_file(outp, &rd.out);
	if (ret) {
		fprintf(stderr, "kaff: render: %s: %s\n", outp, strerror(-ret));
		status = KAFF_EXIT_INTERNAL;
	}
out:
	for (i = 0; i < rd.nr_rows; i++)
		free(rd.rows[i]);
	free(rd.rows);
	kaff_cpumask_free(rd.boot_iso);
	kaff_cpumask_free(rd.iso);
	kaff_sbuf_free(&rd.out);
	kaff_sbuf_free(&rd.trace);
	kaff_scenario_free(sc);
	kaff_population_free(pop);
	return status;
}
