/* SPDX-License-Identifier: MIT */
/*
 * kaff render FILE.scn -o OUT.svg: the model behind the picture.
 *
 * Columns are events, rows are tasks, and each cell is a strip of all the
 * machine's CPUs (render-svg.c draws it). What is drawn is chosen so that
 * the picture stays readable and bounded at the size of a real machine:
 *
 *   columns  a scenario of up to DETECT_MAX events: every event that
 *            changes a cell (a mask, a CPU offline or isolated, a task
 *            created or stopped) or that the kernel refused; `show` and
 *            other events that change nothing take no column. A longer
 *            one: its `show` events and its last event, the states the
 *            scenario asks to see (comparing every task after every
 *            event would cost events x tasks). At most COLS_MAX, and
 *            no more than WIDTH_MAX px of them (15 columns at 8192
 *            CPUs), spread evenly, the first and the last kept.
 *   rows     tasks whose cells are the same in every column share a row
 *            (lossless). Past ROWS_MAX rows, tasks are grouped by name
 *            stem (the name less its trailing digits: ksoftirqd/0..8191)
 *            and a group's cell is the union of its members' (each CPU
 *            in the highest class, see enum cpu_class); past ROWS_MAX
 *            stems, the last row takes every remaining stem.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "render-state.h"

static const char render_usage[] =
	"usage: kaff render [-k V] [--population POP] -o OUT.svg FILE.scn|-\n"
	"\n"
	"Draw FILE's replay as an SVG picture: one row per task, one column per\n"
	"event that changes the picture, each cell a strip of all the CPUs after\n"
	"that event (CPU 0 at the left, NUMA nodes banded and ticked above each\n"
	"column), coloured: in the mask and online; in the mask but offline; in\n"
	"the mask and isolated; isolated, not in the mask; offline, not in the\n"
	"mask; not in the mask. Isolated: kept from kthreads by nohz_full= or\n"
	"isolcpus= at boot, or in an isolated cpuset partition. Large scenarios are\n"
	"aggregated (at most 40 columns, 15 at 8192 CPUs, and 48 rows); see kaff(1).\n"
	"\n"
	"  -o, --output FILE  where to write the SVG ('-': standard output); required\n"
	"  -k, --kernel V     replay under profile V instead of the file's kernel line\n"
	"                     (or BASE+RULE=VALUE...+./RULE.so: kaff(1), KERNEL PROFILES)\n"
	"  --population POP   replay on every kthread of the population file POP\n"
	"                     (kaff host --kthreads; docs/population.md)\n"
	"  -h, --help         print this help\n"
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

#define DETECT_MAX 256u



/* What each CPU is before any mask: bit 0 online, bit 1 isolated; and the
 * segments of CPUs that are alike, so that a mask's runs cost its weight
 * plus the segments, not the number of CPUs. */
struct env {
	unsigned char *bits;
	unsigned int *seg_end, nr_seg; /* segment i: [seg_end[i-1], seg_end[i]) */
	struct rd_run *tmp;            /* a cell's runs, at most 2 a segment + 1 a CPU run */
};

static void env_read(struct render *rd, struct env *e, struct kaff_ctx *ctx, struct kaff_cpumask *iso)
{
	const struct kaff_cpumask *online = kaff_machine_online_mask(ctx);
	const struct kaff_cpumask *part = kaff_cpuset_isolated_cpus(ctx);
	unsigned int cpu;

	kaff_cpumask_copy(iso, rd->boot_iso);
	if (part)
		kaff_cpumask_or(iso, iso, part);
	e->nr_seg = 0;
	for (cpu = 0; cpu < rd->cpus; cpu++) {
		e->bits[cpu] = kaff_cpumask_test_cpu(cpu, online) | kaff_cpumask_test_cpu(cpu, iso) << 1;
		if (cpu && e->bits[cpu] != e->bits[cpu - 1])
			e->seg_end[e->nr_seg++] = cpu;
	}
	e->seg_end[e->nr_seg++] = rd->cpus;
}

static enum cpu_class class_of(unsigned char bits, bool in)
{
	bool on = bits & 1, iso = bits & 2;

	if (in)
		return !on ? CLS_OFF : iso ? CLS_ISO : CLS_ON;
	/* offline first, in the mask or out of it: the CPU runs nothing */
	return !on ? CLS_OFF_OUT : iso ? CLS_ISO_OUT : CLS_OUT;
}

/* Append [s, e) in or out of the mask, split where the CPUs differ. */
static void add_span(const struct env *e, unsigned int *seg, struct rd_run *r, unsigned int *n,
		     unsigned int s, unsigned int end, bool in)
{
	while (s < end) {
		unsigned int stop;
		unsigned int cls;

		while (e->seg_end[*seg] <= s)
			(*seg)++;
		stop = e->seg_end[*seg] < end ? e->seg_end[*seg] : end;
		cls = (unsigned int)class_of(e->bits[s], in);
		if (*n && r[*n - 1].cls == cls && r[*n - 1].end == s)
			r[*n - 1].end = stop;
		else
			r[(*n)++] = (struct rd_run){ s, stop, cls };
		s = stop;
	}
}

static int64_t cell_of(struct render *rd, const struct env *e, const struct kaff_cpumask *m)
{
	unsigned int n = 0, seg = 0, pos = 0, cpu = kaff_cpumask_first(m);

	while (cpu < rd->cpus) {
		unsigned int end = cpu + 1;

		/* the run of set bits from @cpu */
		while (end < rd->cpus && kaff_cpumask_next(end - 1, m) == end)
			end++;
		add_span(e, &seg, e->tmp, &n, pos, cpu, false);
		add_span(e, &seg, e->tmp, &n, cpu, end, true);
		pos = end;
		cpu = end < rd->cpus ? kaff_cpumask_next(end - 1, m) : rd->cpus;
	}
	add_span(e, &seg, e->tmp, &n, pos, rd->cpus, false);
	return kaff_render_intern(rd, e->tmp, n);
}

/* The task named @name: its index, added if new; -ENOMEM. */
static int64_t task_of(struct render *rd, const char *name)
{
	uint64_t h = hash_str(name);
	unsigned int *t, i, slot, mask;

	t = kaff_render_table_grow(rd->name_hash, &rd->hash_size, rd->nr_tasks);
	if (!t)
		return -ENOMEM;
	mask = rd->hash_size - 1;
	if (t != rd->name_hash) {
		rd->name_hash = t;
		for (i = 0; i < rd->nr_tasks; i++) {
			for (slot = hash_str(rd->names[i]) & mask; t[slot];)
				slot = (slot + 1) & mask;
			t[slot] = i + 1;
		}
	}
	for (slot = h & mask; t[slot]; slot = (slot + 1) & mask)
		if (!strcmp(rd->names[t[slot] - 1], name))
			return t[slot] - 1;
	if (rd->nr_tasks == rd->cap_tasks) {
		unsigned int cap = rd->cap_tasks ? rd->cap_tasks * 2 : 64;
		char **nn = realloc(rd->names, cap * sizeof(*nn));
		uint32_t *nc;

		if (!nn)
			return -ENOMEM;
		rd->names = nn;
		nc = realloc(rd->task_cells, (size_t)cap * rd->nr_cols * sizeof(*nc));
		if (!nc)
			return -ENOMEM;
		rd->task_cells = nc;
		rd->cap_tasks = cap;
	}
	if (!(rd->names[rd->nr_tasks] = strdup(name)))
		return -ENOMEM;
	for (i = 0; i < rd->nr_cols; i++)
		rd->task_cells[(size_t)rd->nr_tasks * rd->nr_cols + i] = RD_NONE;
	t[slot] = ++rd->nr_tasks;
	return rd->nr_tasks - 1;
}

static int collect_trace(void *data, const char *buf, size_t len)
{
	struct kaff_sbuf *b = data;

	if (len >= 2 && buf[0] == '!' && buf[1] == ' ')
		kaff_sbuf_printf(b, "%.*s", (int)len, buf);
	return b->oom ? -ENOMEM : 0;
}

struct snap {
	struct env env;
	struct kaff_cpumask *iso;
	const void **memo_key; /* a mask read in this state -> its cell */
	uint32_t *memo_cell;
	unsigned int memo_size;
};

static int snap_init(struct render *rd, struct snap *s)
{
	memset(s, 0, sizeof(*s));
	s->env.bits = malloc(rd->cpus);
	s->env.seg_end = malloc(rd->cpus * sizeof(*s->env.seg_end));
	s->env.tmp = malloc(rd->cpus * sizeof(*s->env.tmp));
	s->iso = kaff_cpumask_alloc(rd->cpus);
	return s->env.bits && s->env.seg_end && s->env.tmp && s->iso ? 0 : -ENOMEM;
}

static void snap_free(struct snap *s)
{
	free(s->env.bits);
	free(s->env.seg_end);
	free(s->env.tmp);
	free(s->memo_key);
	free(s->memo_cell);
	kaff_cpumask_free(s->iso);
}

/* Read the state: the environment, and an empty memo sized for the tasks
 * (a mask is read once however many tasks share it). */
static int snap_read(struct render *rd, struct snap *s, struct kaff_ctx *ctx)
{
	unsigned int want = 64;

	while (want < kaff_kthread_count(ctx) * 2)
		want *= 2;
	if (want != s->memo_size) {
		free(s->memo_key);
		free(s->memo_cell);
		s->memo_key = malloc(want * sizeof(*s->memo_key));
		s->memo_cell = malloc(want * sizeof(*s->memo_cell));
		s->memo_size = want;
		if (!s->memo_key || !s->memo_cell) {
			s->memo_size = 0;
			return -ENOMEM;
		}
	}
	memset(s->memo_key, 0, s->memo_size * sizeof(*s->memo_key));
	env_read(rd, &s->env, ctx, s->iso);
	return 0;
}

static int64_t snap_cell(struct render *rd, struct snap *s, const struct kaff_cpumask *m)
{
	unsigned int slot = (unsigned int)(((uintptr_t)m >> 4) * 0x9e3779b1u) & (s->memo_size - 1);
	int64_t c;

	for (; s->memo_key[slot]; slot = (slot + 1) & (s->memo_size - 1))
		if (s->memo_key[slot] == m)
			return s->memo_cell[slot];
	c = cell_of(rd, &s->env, m);
	if (c >= 0) {
		s->memo_key[slot] = m;
		s->memo_cell[slot] = (uint32_t)c;
	}
	return c;
}

/* A hash of everything one column would draw: its tasks and their cells. */
static int picture_hash(struct render *rd, struct snap *s, struct kaff_replay *r, uint64_t *out)
{
	struct kaff_ctx *ctx = kaff_replay_ctx(r);
	uint64_t h;
	unsigned int i;
	int ret = snap_read(rd, s, ctx);

	if (ret)
		return ret;
	/* the cells alone: a CPU change no cell shows draws no column */
	h = HASH_INIT;
	for (i = 0; i < kaff_replay_nr_tasks(r); i++) {
		const char *name;
		unsigned int id = kaff_replay_task(r, i, &name);
		const struct kaff_cpumask *m = kaff_kthread_cpus_mask(ctx, id);
		int64_t c;

		if (!m)
			continue;
		c = snap_cell(rd, s, m);
		if (c < 0)
			return (int)c;
		h = hash_bytes(hash_bytes(h, name, strlen(name) + 1), &c, sizeof(c));
	}
	*out = h;
	return 0;
}

static int add_col(struct render *rd, unsigned int ev)
{
	unsigned int *n = realloc(rd->col_ev, (rd->nr_cols + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	rd->col_ev = n;
	n[rd->nr_cols++] = ev;
	return 0;
}

/* Pass 1: the events that become columns. */
/* A replay of the scenario under the picture's profile, its refusals
 * ("! ..." lines) collected in rd->trace. */
static int replay_new(struct render *rd, struct kaff_replay **r)
{
	struct kaff_replay_ops ops = { 0 };

	ops.profile = rd->profile;
	ops.write_trace = collect_trace;
	ops.data = &rd->trace;
	return kaff_replay_new(rd->sc, &ops, r);
}

static int choose_columns(struct render *rd, struct snap *s)
{
	struct kaff_replay *r;
	uint64_t prev, h;
	unsigned int i, j, n;
	int ret = 0;

	rd->col_changes = rd->nr_events <= DETECT_MAX;
	if (!rd->col_changes) {
		char d[8];

		for (i = 0; i < rd->nr_events && !ret; i++)
			if (i + 1 == rd->nr_events ||
			    (kaff_scenario_event_describe(rd->sc, i, d, sizeof(d), NULL) == 4 &&
			     !strcmp(d, "show")))
				ret = add_col(rd, i);
	} else {
		ret = replay_new(rd, &r);
		if (ret)
			return ret;
		ret = picture_hash(rd, s, r, &prev);
		for (i = 0; !ret && (ret = kaff_replay_step(r, NULL)) == 1; i++) {
			ret = picture_hash(rd, s, r, &h);
			if (!ret && (h != prev || rd->trace.len))
				ret = add_col(rd, i);
			prev = h;
			kaff_sbuf_reset(&rd->trace);
		}
		kaff_replay_free(r);
		if (ret < 0)
			return ret;
		/* nothing changed the picture: still show the kthreads, as
		 * the state at the end */
		ret = !rd->nr_cols && rd->nr_events ? add_col(rd, rd->nr_events - 1) : 0;
		/* the cells interned here are drawn again in pass 2 */
	}
	if (ret)
		return ret;
	n = rd->nr_candidates = rd->nr_cols;
	rd->cols_max = kaff_render_cols_max(rd->cpus);
	if (n > rd->cols_max) {
		/* evenly spread, the first and the last kept */
		for (j = 0; j < rd->cols_max; j++)
			rd->col_ev[j] = rd->col_ev[rd->cols_max > 1 ? (size_t)j * (n - 1) / (rd->cols_max - 1)
								      : n - 1];
		rd->nr_cols = rd->cols_max;
	}
	rd->col_result = calloc(rd->nr_cols ? rd->nr_cols : 1, sizeof(*rd->col_result));
	return rd->col_result ? 0 : -ENOMEM;
}

/* Pass 2: replay again and read every task's cell in each column. */
static int read_columns(struct render *rd, struct snap *s)
{
	struct kaff_replay *r;
	struct kaff_ctx *ctx;
	unsigned int i, col = 0, t;
	int ret;

	ret = replay_new(rd, &r);
	if (ret)
		return ret;
	ctx = kaff_replay_ctx(r);
	for (i = 0; (ret = kaff_replay_step(r, NULL)) == 1; i++) {
		if (rd->trace.len)
			rd->nr_refused++;
		if (col < rd->nr_cols && rd->col_ev[col] == i) {
			if (rd->trace.len && !(rd->col_result[col] = strdup(rd->trace.s))) {
				ret = -ENOMEM;
				break;
			}
			ret = snap_read(rd, s, ctx);
			/* in creation order: rows come in order of first appearance */
			for (t = 0; !ret && t < kaff_replay_nr_tasks(r); t++) {
				const char *name;
				unsigned int id = kaff_replay_task(r, t, &name);
				const struct kaff_cpumask *m = kaff_kthread_cpus_mask(ctx, id);
				int64_t row, c;

				if (!m)
					continue;
				row = task_of(rd, name);
				c = row < 0 ? row : snap_cell(rd, s, m);
				if (c < 0)
					ret = (int)c;
				else
					rd->task_cells[(size_t)row * rd->nr_cols + col] = (uint32_t)c;
			}
			if (ret)
				break;
			col++;
		}
		kaff_sbuf_reset(&rd->trace);
	}
	kaff_replay_free(r);
	return ret < 0 ? ret : rd->trace.oom ? -ENOMEM : 0;
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

/* The machine as booted: its size, its nodes, its boot isolation. */
static int read_machine(struct render *rd, struct kaff_replay *r)
{
	struct kaff_ctx *ctx = kaff_replay_ctx(r);
	unsigned int cpu;

	rd->cpus = kaff_machine_nr_cpu_ids(ctx);
	rd->nr_nodes = kaff_machine_nr_nodes(ctx);
	rd->node_of = malloc(rd->cpus * sizeof(*rd->node_of));
	rd->boot_iso = kaff_cpumask_alloc(rd->cpus);
	if (!rd->node_of || !rd->boot_iso)
		return -ENOMEM;
	for (cpu = 0; cpu < rd->cpus; cpu++)
		rd->node_of[cpu] = kaff_machine_cpu_to_node(ctx, cpu);
	/* boot isolation, as kaff audit reads it */
	kaff_cpumask_and(rd->boot_iso, kaff_housekeeping_cpumask(ctx, KAFF_HK_TYPE_DOMAIN),
			 kaff_housekeeping_cpumask(ctx, KAFF_HK_TYPE_KERNEL_NOISE));
	kaff_cpumask_complement(rd->boot_iso, rd->boot_iso);
	rd->runtime_iso = kaff_profile_get(rd->profile, KAFF_RULE_RUNTIME_DOMAIN_ISOLATION) == 1;
	return 0;
}

static void render_free(struct render *rd)
{
	unsigned int i;

	for (i = 0; i < rd->nr_tasks; i++)
		free(rd->names[i]);
	for (i = 0; i < rd->nr_stems; i++)
		free(rd->stems[i]);
	for (i = 0; rd->rows_by_stem && i < rd->nr_rows; i++)
		free(rd->rows[i].cells);
	for (i = 0; rd->col_result && i < rd->nr_cols; i++)
		free(rd->col_result[i]);
	free(rd->names);
	free(rd->stems);
	free(rd->rows);
	free(rd->col_ev);
	free(rd->col_result);
	free(rd->name_hash);
	free(rd->task_cells);
	free(rd->cells);
	free(rd->cell_hash);
	free(rd->runs);
	free(rd->node_of);
	free(rd->task_row);
	kaff_cpumask_free(rd->boot_iso);
	kaff_sbuf_free(&rd->out);
	kaff_sbuf_free(&rd->trace);
}

int kaff_cmd_render(int argc, char **argv)
{
	const char *file = NULL, *outp = NULL, *kernel = NULL;
	struct kaff_cli_kernel kk = { 0 };
	struct kaff_scenario *sc = NULL;
	struct kaff_replay *r = NULL;
	struct render rd;
	struct snap snap = { 0 };
	struct kaff_population *pop = NULL;
	const char *popfile = NULL;
	static const char *const operands[] = { "FILE" };
	struct kaff_args args;
	int opt, ret, status;

	memset(&rd, 0, sizeof(rd));
	kaff_args_init(&args, "render", render_usage, render_opts, argc, argv);
	while ((opt = kaff_args_next(&args)) > 0) {
		if (opt == OPT_POPULATION)
			popfile = args.arg;
		else if (opt == OPT_OUTPUT)
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
	if (kernel && (status = kaff_cli_kernel("render", kernel, &kk)))
		return status;
	rd.profile = kk.profile;
	if (popfile) {
		status = kaff_cli_read_population(popfile, NULL, &pop);
		if (status)
			goto out;
	}
	status = kaff_load_scenario("render", file, NULL, pop, &sc);
	if (status)
		goto out;
	rd.sc = sc;
	rd.file = kaff_display_name(file);
	if (!rd.profile)
		rd.profile = kaff_scenario_profile(sc);
	/* a first replay only to report a refused profile with the shared
	 * messages and to read the machine */
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
	ret = read_machine(&rd, r);
	kaff_replay_free(r);
	rd.nr_events = kaff_scenario_nr_events(sc);
	if (!ret)
		ret = snap_init(&rd, &snap);
	if (!ret)
		ret = choose_columns(&rd, &snap);
	if (!ret)
		ret = read_columns(&rd, &snap);
	if (!ret)
		ret = kaff_render_group_rows(&rd);
	if (!ret)
		ret = kaff_render_svg(&rd);
	snap_free(&snap);
	if (ret == -EDOM) {
		status = kaff_cli_replay_failed("render", rd.file, rd.profile, ret);
		goto out;
	}
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
	render_free(&rd);
	kaff_scenario_free(sc);
	kaff_population_free(pop);
	kaff_cli_kernel_free(&kk);
	return status;
}
