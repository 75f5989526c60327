/* SPDX-License-Identifier: MIT */
/*
 * Benchmark 4: replay speed, in events per second, of generated scenarios
 * (gen-scenario.c writes them into the build directory):
 *
 *   parse     kaff_scenario_parse() (includes its boot check)
 *   replay    kaff_scenario_replay() with a null trace sink
 *   kaff run  the CLI, end to end, its output to /dev/null (with --kaff)
 *   hooks     kaff_scenario_replay() under the same rules written as hooks
 *             (examples/rules/kernel.c: kaff_profile_set_fetch_fn() and
 *             kaff_profile_set_online_fn()), run alternately with the
 *             built-in replay in the same loop; the ratio is of the medians
 *
 * Usage: bench-replay [--gen GEN] [--kaff PATH] FILE.scn[=CPUS,EVENTS,SEED]...
 *
 * With --gen, a FILE that does not exist is first made by running
 * GEN CPUS EVENTS SEED FILE (bench/gen-scenario.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libkaff/kaff.h>

#include "bench.h"
#include "kernel.h"

extern char **environ;

static void die(const char *what, const char *file, int err)
{
	fprintf(stderr, "bench-replay: %s: %s (%d)\n", file, what, err);
	exit(1);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n = -1;

	if (f && !fseek(f, 0, SEEK_END))
		n = ftell(f);
	if (n < 0 || fseek(f, 0, SEEK_SET))
		die("cannot read", path, errno);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		die("cannot read", path, errno);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static int null_sink(void *data, const char *buf, size_t len)
{
	size_t *bytes = data;

	(void)buf;
	*bytes += len;
	return 0;
}

/* run @argv, wait; its exit status, or -1 */
static int run(char *const argv[], bool quiet)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status;

	posix_spawn_file_actions_init(&fa);
	if (quiet)
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ))
		return -1;
	posix_spawn_file_actions_destroy(&fa);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* FILE=CPUS,EVENTS,SEED: make FILE with @gen unless it exists; *@spec
 * is cut at '=' */
static void ensure_file(const char *gen, char *spec)
{
	char *eq = strchr(spec, '='), *cpus, *events, *seed;

	if (!eq)
		return;
	*eq = '\0';
	if (!access(spec, R_OK))
		return;
	cpus = eq + 1;
	events = strchr(cpus, ',');
	seed = events ? strchr(events + 1, ',') : NULL;
	if (!gen || !seed)
		die("no such file and no way to make it", spec, 0);
	*events++ = '\0';
	*seed++ = '\0';
	{
		char *args[] = { (char *)gen, cpus, events, seed, spec, NULL };

		if (run(args, false))
			die("generating failed", spec, 0);
	}
}

/* the child's CPU time (user + sys), or its wall time if smaller */
static double run_kaff(const char *kaff, const char *file)
{
	char *args[] = { (char *)kaff, (char *)"run", (char *)file, NULL };
	posix_spawn_file_actions_t fa;
	/* run() would do, but the child's rusage needs wait4() */
	struct rusage ru;
	double wall, cpu;
	struct timespec w0, w1;
	pid_t pid;
	int status;

	clock_gettime(CLOCK_MONOTONIC, &w0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	if (posix_spawn(&pid, kaff, &fa, NULL, args, environ))
		die("cannot run", kaff, errno);
	posix_spawn_file_actions_destroy(&fa);
	if (wait4(pid, &status, 0, &ru) != pid)
		die("wait4", kaff, errno);
	clock_gettime(CLOCK_MONOTONIC, &w1);
	/* exit 1: an expect line failed; generated files have none */
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("kaff run failed", file, status);
	wall = (double)(w1.tv_sec - w0.tv_sec) * 1e9 + (double)(w1.tv_nsec - w0.tv_nsec);
	cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e9 +
	      (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e3;
	return cpu < wall ? cpu : wall;
}

static void rate(char *buf, size_t len, double events, const struct bench_stats *st)
{
	/* millions of events/s: the median, and the slowest and fastest runs */
	snprintf(buf, len, "%.2f M (%.2f–%.2f)", events / st->med * 1e3,
		 events / st->max * 1e3, events / st->min * 1e3);
}

int main(int argc, char **argv)
{
	const char *kaff = NULL, *gen = NULL;
	unsigned int reps = bench_reps(3), r;
	int i = 1;
	double *t = malloc(4 * (size_t)reps * sizeof(double));

	if (!t)
		die("out of memory", "-", 0);
	for (; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--kaff"))
			kaff = argv[i + 1];
		else if (!strcmp(argv[i], "--gen"))
			gen = argv[i + 1];
		else
			break;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: bench-replay [--gen GEN] [--kaff PATH] "
			"FILE.scn[=CPUS,EVENTS,SEED]...\n");
		return 2;
	}
	bench_pin();
	printf("## Replay\n\n");
	bench_print_machine();
	printf("Events per second, median over %u runs (slowest–fastest): the parse "
	       "alone, the replay alone (null trace sink), and `kaff run` end to end "
	       "(its stdout to /dev/null; the child's CPU time).\n\n", reps);
	printf("| scenario | CPUs | events | parse: events/s | replay: events/s | "
	       "replay: ns/event | kaff run: events/s | trace bytes | hooks: events/s | "
	       "hooks / built-in |\n");
	printf("|---|---|---|---|---|---|---|---|---|---|\n");
	for (; i < argc; i++) {
		size_t len, bytes = 0;
		char *text;
		struct kaff_scenario *sc = NULL;
		struct kaff_scenario_error err;
		struct kaff_replay_ops ops;
		struct kaff_replay_result res;
		struct bench_stats sp, sr, sk, sh;
		struct kaff_profile *hooked = NULL;
		double events = 0;
		unsigned int nbits = 0;
		const char *p, *base = strrchr(argv[i], '/');
		char b[3][64];
		int ret;

		ensure_file(gen, argv[i]);
		text = slurp(argv[i], &len);
		p = strstr(text, "\ncpus ");
		if (p)
			nbits = (unsigned int)strtoul(p + 6, NULL, 10);
		for (r = 0; r < reps; r++) {
			double t0 = bench_now_ns();

			ret = kaff_scenario_parse(text, len, NULL, &sc, &err);
			t[r] = bench_now_ns() - t0;
			if (ret) {
				fprintf(stderr, "%s:%u:%u: %s\n", argv[i], err.line, err.col, err.msg);
				die("kaff_scenario_parse", argv[i], ret);
			}
			if (!hooked &&
			    (kaff_profile_derive(kaff_scenario_profile(sc), &hooked) ||
			     kaff_profile_set_fetch_fn(hooked, rule_kernel_fetch, NULL, 0) ||
			     kaff_profile_set_online_fn(hooked, rule_kernel_online, NULL)))
				die("kaff_profile_derive", argv[i], 0);
			/* built-in and hooks alternately first, against drift */
			for (int k = 0; k < 2; k++) {
				bool hooks = (k + r) % 2;

				memset(&ops, 0, sizeof(ops));
				ops.write_trace = null_sink;
				ops.data = &bytes;
				ops.profile = hooks ? hooked : NULL;
				memset(&res, 0, sizeof(res));
				bytes = 0;
				t0 = bench_now_ns();
				ret = kaff_scenario_replay(sc, &ops, &res);
				t[(hooks ? 3 : 1) * reps + r] = bench_now_ns() - t0;
				if (ret)
					die("kaff_scenario_replay", argv[i], ret);
			}
			events = (double)res.events;
			kaff_scenario_free(sc);
			if (kaff)
				t[2 * reps + r] = run_kaff(kaff, argv[i]);
		}
		bench_stats_of(t, reps, &sp);
		bench_stats_of(t + reps, reps, &sr);
		printf("| %s | %u | %.0f", base ? base + 1 : argv[i], nbits, events);
		rate(b[0], sizeof(b[0]), events, &sp);
		rate(b[1], sizeof(b[1]), events, &sr);
		printf(" | %s | %s | %.0f", b[0], b[1], sr.med / events);
		if (kaff) {
			bench_stats_of(t + 2 * reps, reps, &sk);
			rate(b[2], sizeof(b[2]), events, &sk);
			printf(" | %s", b[2]);
		} else {
			printf(" | –");
		}
		bench_stats_of(t + 3 * reps, reps, &sh);
		rate(b[2], sizeof(b[2]), events, &sh);
		printf(" | %zu | %s | %.2fx |\n", bytes, b[2], sh.med / sr.med);
		kaff_profile_free(hooked);
		fflush(stdout);
		free(text);
	}
	printf("\n");
	free(t);
	return 0;
}
