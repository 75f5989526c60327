/* SPDX-License-Identifier: MIT */
/*
 * kaff run [-v] [-J] [--kernel V] FILE.scn|-
 *
 * Replays a scenario and prints its trace (docs/scenario-format.md), or
 * with --json one object describing every event (docs/json.md, schema
 * "kaff-run").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#ifdef KAFF_HAVE_JANSSON
#include <jansson.h>
#endif

#include "cli.h"

static const char run_usage[] =
	"usage: kaff run [-v] [-J] [-k V] [--population POP] FILE.scn|-\n"
	"\n"
	"Replay FILE ('-': standard input) and print its trace on standard output:\n"
	"for each 'show', \"show N\" and one \"NAME CPULIST\" line per live kthread; for\n"
	"each event the kernel refuses, \"! COMMAND ARG ERRNO\". A boot parameter the\n"
	"kernel ignores (bad list, every CPU, conflicting second parameter, bad or\n"
	"unknown isolcpus flag) is reported on standard error, with the kernel's\n"
	"console line and what it means.\n"
	"\n"
	"  -k, --kernel V  replay under profile V (6.14 to 7.3) instead of the file's\n"
	"                  kernel line; V may also be BASE+RULE=VALUE...+./RULE.so,\n"
	"                  rules changed and rules in C (kaff(1), KERNEL PROFILES)\n"
	"  --population POP  first make every kthread of the population file POP\n"
	"                  (kaff host --kthreads; docs/population.md) at boot; FILE's\n"
	"                  cpus, node and kernel lines must be POP's\n"
	"  -J, --json      print one JSON object (schema kaff-run 1) instead of the\n"
	"                  trace" KAFF_JSON_NOTE "\n"
	"  -v, --verbose   also print the kernel's messages during the replay (WARNs,\n"
	"                  hotplug and cpuset notes) on standard error, each after\n"
	"                  \"kernel: \"\n"
	"  -h, --help      print this help\n"
	"  -V, --version   print kaff's version\n"
	"\n"
	"Exit status: 0 replayed, 1 an expect line failed, 2 usage or scenario error,\n"
	"3 libkaff failed (out of memory) or the output could not be written.\n";

enum { OPT_JSON = 'J', OPT_KERNEL = 'k', OPT_VERBOSE = 'v', OPT_POPULATION = 256 };

static const struct kaff_opt run_opts[] = {
	{ "json", OPT_JSON, false },
	{ "kernel", OPT_KERNEL, true },
	{ "population", OPT_POPULATION, true },
	{ "verbose", OPT_VERBOSE, false },
	{ NULL, 0, false },
};

struct run_state {
	const char *file;
	unsigned long failures;
	struct kaff_sbuf trace;  /* --json: what the current event printed */
	struct kaff_boot_notes boot;
#ifdef KAFF_HAVE_JANSSON
	json_t *expect;          /* --json: the current event's failed expect */
	bool expect_oom;         /* building it ran out of memory */
#endif
};

static int write_stdout(void *data, const char *buf, size_t len)
{
	(void)data;
	return fwrite(buf, 1, len, stdout) == len ? 0 : -EIO;
}

static void expect_failed(void *data, unsigned int line, const char *name,
			  const char *want, const char *got)
{
	struct run_state *st = data;

	fprintf(stderr, "kaff: %s:%u: expect %s %s failed: the mask is %s\n", st->file, line,
		name, want, got);
	st->failures++;
#ifdef KAFF_HAVE_JANSSON
	json_decref(st->expect);
	st->expect = json_pack("{s:s, s:s}", "want", want, "got", got);
	if (!st->expect)
		st->expect_oom = true;
#endif
}

static void log_line(void *data, const char *line)
{
	(void)data;
	fprintf(stderr, "kernel: %s\n", line);
}

/*
 * Test hook: KAFF_TEST_FAIL_ALLOC=N makes the Nth allocation of the
 * scenario (parse and replay) fail, so that the tests can see how `kaff
 * run` reports running out of memory (docs/errors.md).
 */
struct fail_alloc {
	unsigned long at, calls;
};

static void *test_malloc(void *data, size_t size)
{
	struct fail_alloc *fa = data;

	return ++fa->calls == fa->at ? NULL : malloc(size);
}

static void *test_realloc(void *data, void *ptr, size_t size)
{
	struct fail_alloc *fa = data;

	return ++fa->calls == fa->at ? NULL : realloc(ptr, size);
}

static void test_free(void *data, void *ptr)
{
	(void)data;
	free(ptr);
}

static const struct kaff_allocator *run_allocator(struct kaff_allocator *a, struct fail_alloc *fa)
{
	const char *s = getenv("KAFF_TEST_FAIL_ALLOC");

	if (!s || !*s)
		return NULL;
	fa->at = strtoul(s, NULL, 10);
	a->malloc = test_malloc;
	a->realloc = test_realloc;
	a->free = test_free;
	a->data = fa;
	return a;
}

/* The replay's failures, as docs/errors.md lists them. */
static int replay_failed(const struct run_state *st, const struct kaff_replay_ops *ops,
			 const struct kaff_scenario *sc, int ret, unsigned int line)
{
	const struct kaff_profile *profile = ops->profile ? ops->profile : kaff_scenario_profile(sc);
	const char *why;

	if (ret == -EOPNOTSUPP) {
		fprintf(stderr, "kaff: %s: isolate is not modelled under kernel %s\n", st->file,
			kaff_profile_name(profile));
		return KAFF_EXIT_USAGE;
	}
	if (ret == -EDOM) {
		char where[4096];

		snprintf(where, sizeof(where), line ? "%s:%u" : "%s", st->file, line);
		return kaff_cli_replay_failed("run", where, profile, ret);
	}
	if (ret != -ENOMEM && ret != -EIO && !line) {
		/* Only a profile other than the file's can refuse its header. */
		fprintf(stderr, "kaff: %s: kernel %s refuses this boot_online set (%s taking a CPU down)\n",
			st->file, kaff_profile_name(profile), kaff_strerrorname(ret));
		return KAFF_EXIT_USAGE;
	}
	why = ret == -ENOMEM ? "out of memory" : ret == -EIO ? "cannot write the trace" : strerror(-ret);
	if (line)
		fprintf(stderr, "kaff: %s:%u: replay stopped: %s (%s)\n", st->file, line,
			kaff_strerrorname(ret), why);
	else
		fprintf(stderr, "kaff: %s: replay stopped before the first event: %s (%s)\n", st->file,
			kaff_strerrorname(ret), why);
	return KAFF_EXIT_INTERNAL;
}

/*
 * Boot the machine for @sc (kaff_replay_new()) and tell what the kernel
 * ignored at boot, before anything else is printed.
 */
static int start(struct run_state *st, const struct kaff_scenario *sc,
		 const struct kaff_replay_ops *ops, struct kaff_replay **r)
{
	int ret = kaff_replay_new(sc, ops, r);

	if (!ret)
		ret = kaff_boot_notes_get(&st->boot, kaff_replay_ctx(*r), sc);
	if (ret) {
		kaff_replay_free(*r);
		*r = NULL;
		return replay_failed(st, ops, sc, ret, 0);
	}
	kaff_boot_notes_print(&st->boot, st->file, NULL);
	return KAFF_EXIT_OK;
}

static int run_text(struct run_state *st, const struct kaff_scenario *sc,
		    struct kaff_replay_ops *ops)
{
	struct kaff_replay_result res = { 0 };
	struct kaff_replay *r = NULL;
	int ret;

	ops->write_trace = write_stdout;
	ret = start(st, sc, ops, &r);
	if (ret)
		return ret;
	while ((ret = kaff_replay_step(r, &res)) > 0)
		;
	kaff_replay_free(r);
	if (fflush(stdout) && !ret) {
		fprintf(stderr, "kaff: %s: EIO: cannot write the trace (%s)\n", st->file,
			strerror(errno));
		return KAFF_EXIT_INTERNAL;
	}
	if (ret)
		return replay_failed(st, ops, sc, ret, res.error_line);
	return res.expect_failures ? KAFF_EXIT_FOUND : KAFF_EXIT_OK;
}

#ifdef KAFF_HAVE_JANSSON
static int collect(void *data, const char *buf, size_t len)
{
	struct run_state *st = data;

	kaff_sbuf_printf(&st->trace, "%.*s", (int)len, buf);
	return st->trace.oom ? -ENOMEM : 0;
}

/*
 * What one event printed, as JSON: "! COMMAND ARG ERRNO" is its error;
 * "show N" and the "NAME CPULIST" lines after it are a show; "census N"
 * and the "COMM F P MASK" lines after it a census.
 */
static int put_output(json_t *ev, char *text)
{
	char *line, *next, *sp;
	json_t *tasks = NULL, *kthreads = NULL;
	int err = 0;

	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		sp = strrchr(line, ' ');
		if (!sp)
			continue;
		if (line[0] == '!') {
			err |= json_object_set_new(ev, "error", json_string(sp + 1));
		} else if (!strncmp(line, "show ", 5) && !tasks && !kthreads) {
			err |= json_object_set_new(ev, "show", json_integer(strtol(sp + 1, NULL, 10)));
			/* ev owns the array (set_new frees it when it fails) */
			tasks = json_array();
			if (json_object_set_new(ev, "tasks", tasks))
				return -ENOMEM;
		} else if (!strncmp(line, "census ", 7) && !tasks && !kthreads) {
			err |= json_object_set_new(ev, "census", json_integer(strtol(sp + 1, NULL, 10)));
			kthreads = json_array();
			if (json_object_set_new(ev, "kthreads", kthreads))
				return -ENOMEM;
		} else if (tasks) {
			*sp = '\0';
			err |= json_array_append_new(tasks, json_pack("{s:s, s:s}", "name", line,
								      "mask", sp + 1));
		} else if (kthreads && sp - line > 4) {
			/* "COMM F P MASK": F and P are one letter each */
			sp[-4] = '\0';
			err |= json_array_append_new(kthreads,
				json_pack("{s:s, s:b, s:b, s:s}", "comm", line,
					  "no_setaffinity", sp[-3] == 'n', "kthreadd_child",
					  sp[-1] == 'k', "mask", sp + 1));
		}
	}
	return err ? -ENOMEM : 0;
}

static int run_json(struct run_state *st, const struct kaff_scenario *sc,
		    struct kaff_replay_ops *ops)
{
	const struct kaff_profile *profile = ops->profile ? ops->profile : kaff_scenario_profile(sc);
	struct kaff_replay_result res = { 0 };
	struct kaff_replay *r = NULL;
	json_t *root, *events;
	char desc[256];
	unsigned int line = 0;
	int ret, status;

	ops->write_trace = collect;
	ret = start(st, sc, ops, &r);
	if (ret)
		return ret;
	events = json_array();
	root = json_pack("{s:s, s:i, s:s, s:s, s:s, s:i, s:o, s:o}", "schema", "kaff-run",
			 "schema_version", 1, "file", st->file, "kernel", kaff_profile_name(profile),
			 "rules", kaff_profile_rules(profile), "cpus",
			 (int)kaff_machine_nr_cpu_ids(kaff_replay_ctx(r)), "boot_warnings",
			 kaff_boot_notes_json(&st->boot), "events", events);
	ret = root ? 0 : -ENOMEM;
	while (!ret) {
		unsigned int i = kaff_replay_position(r);
		json_t *ev;

		if (i >= kaff_scenario_nr_events(sc))
			break;
		kaff_sbuf_reset(&st->trace);
		ret = kaff_replay_step(r, &res);
		if (ret < 0)
			break;
		ret = 0;
		kaff_scenario_event_describe(sc, i, desc, sizeof(desc), &line);
		ev = json_pack("{s:i, s:i, s:s}", "index", (int)i, "line", (int)line, "event", desc);
		/* the array holds ev from here on (even on failure: it is freed) */
		if (!ev || json_array_append_new(events, ev))
			ev = NULL;
		if (!ev || (st->trace.len && put_output(ev, st->trace.s)) || st->expect_oom)
			ret = -ENOMEM;
		if (st->expect) {
			if (!ev || json_object_set_new(ev, "expect_failed", st->expect))
				ret = -ENOMEM;
			if (!ev)
				json_decref(st->expect);
			st->expect = NULL;
		}
	}
	kaff_replay_free(r);
	if (!ret && (json_object_set_new(root, "expect_failures", json_integer((json_int_t)st->failures)) ||
		     json_object_set_new(root, "events_run", json_integer((json_int_t)res.events))))
		ret = -ENOMEM;
	if (ret) {
		json_decref(root);
		if (ret == -ENOMEM && res.error_line == 0)
			res.error_line = line;
		return replay_failed(st, ops, sc, ret, res.error_line);
	}
	kaff_sbuf_reset(&st->trace);
	if (kaff_json_dump(root, &st->trace))
		st->trace.oom = true;
	json_decref(root);
	status = kaff_flush_out("run", &st->trace);
	if (!status && st->failures)
		status = KAFF_EXIT_FOUND;
	return status;
}
#endif

int kaff_cmd_run(int argc, char **argv)
{
	static const char *const operands[] = { "FILE" };
	struct kaff_replay_ops ops = { 0 };
	struct kaff_allocator alloc;
	struct kaff_scenario *sc = NULL;
	struct kaff_population *pop = NULL;
	const char *popfile = NULL;
	struct fail_alloc fa = { 0, 0 };
	struct kaff_cli_kernel kk = { 0 };
	struct run_state st;
	struct kaff_args a;
	bool verbose = false, json = false;
	int opt, status;

	memset(&st, 0, sizeof(st));
	kaff_args_init(&a, "run", run_usage, run_opts, argc, argv);
	while ((opt = kaff_args_next(&a)) > 0) {
		if (opt == OPT_VERBOSE)
			verbose = true;
		else if (opt == OPT_JSON)
			json = true;
		else if (opt == OPT_KERNEL) {
			kaff_cli_kernel_free(&kk);
			if ((status = kaff_cli_kernel("run", a.arg, &kk)))
				return status;
		}
		else if (opt == OPT_POPULATION)
			popfile = a.arg;
	}
	if (opt < 0 || !kaff_args_operands(&a, 1, 1, operands)) {
		kaff_cli_kernel_free(&kk);
		return a.status;
	}
#ifndef KAFF_HAVE_JANSSON
	if (json) {
		kaff_cli_kernel_free(&kk);
		return kaff_json_unavailable("run");
	}
#endif
	ops.profile = kk.profile;
	st.file = kaff_display_name(a.operands[0]);
	if (popfile) {
		status = kaff_cli_read_population(popfile, run_allocator(&alloc, &fa), &pop);
		if (status) {
			kaff_cli_kernel_free(&kk);
			return status;
		}
	}
	status = kaff_load_scenario(NULL, a.operands[0], run_allocator(&alloc, &fa), pop, &sc);
	if (status) {
		kaff_population_free(pop);
		kaff_cli_kernel_free(&kk);
		return status;
	}
	ops.expect_failed = expect_failed;
	ops.log_fn = verbose ? log_line : NULL;
	ops.data = &st;
#ifdef KAFF_HAVE_JANSSON
	if (json)
		status = run_json(&st, sc, &ops);
	else
#endif
		status = run_text(&st, sc, &ops);
	kaff_sbuf_free(&st.trace);
	kaff_boot_notes_free(&st.boot);
#ifdef KAFF_HAVE_JANSSON
	json_decref(st.expect);
#endif
	kaff_scenario_free(sc);
	kaff_population_free(pop);
	kaff_cli_kernel_free(&kk);
	return status;
}
