/* SPDX-License-Identifier: MIT */
/*
 * kaff: replay kthread-affinity scenarios on libkaff.
 *
 *   kaff run [-v] [--kernel VERSION] FILE.scn|-
 *   kaff cpulist --nbits N [--] LIST
 *   kaff diff|host|audit|render ...   (diff.c, host.c, audit.c, render.c)
 *
 * Exit status: 0 success; 1 an expect line failed, or cpulist refused the
 * list; 2 usage error, unreadable input, scenario error (or a header the
 * kernel refuses under --kernel's profile); 3 libkaff failed (out of
 * memory, or writing the trace failed).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libkaff/kaff.h>

#include "cli.h"

#define EXIT_EXPECT 1
#define EXIT_USAGE 2
#define EXIT_FAILURE_INTERNAL 3

static const char usage_text[] =
	"usage: kaff run [-v] [--kernel VERSION] FILE.scn|-\n"
	"       kaff cpulist --nbits N [--] LIST\n"
	"       kaff diff [--kernel A] [--kernel B] FILE.scn|-\n"
	"       kaff host [--sysfs DIR] [--cmdline FILE] [--kernel V] [--release R]\n"
	"       kaff audit [--json] [--kernel V] [--max-states N] [--no-wake] FILE.scn|-\n"
	"       kaff render [--kernel V] FILE.scn|- -o OUT.svg\n"
	"       kaff --help | --version\n"
	"\n"
	"run      replay a scenario and print its trace on stdout (exit 1 if an\n"
	"         expect line fails, 2 for a scenario error)\n"
	"         -v: also print the kernel's messages (WARN, boot-parameter\n"
	"         warnings) on stderr; --kernel: replay under another profile\n"
	"         (6.14 to 7.3) instead of the scenario's kernel line\n"
	"cpulist  parse LIST as the kernel's bitmap_parselist() for N bits and\n"
	"         print it in canonical %*pbl form (exit 1 with the errno name\n"
	"         if the kernel would refuse it)\n"
	"diff     replay under two profiles (default 6.14 and 7.3), print where\n"
	"         masks differ and which profile field explains it (exit 1 if so)\n"
	"host     print a scenario header for this machine (/sys, /proc/cmdline)\n"
	"audit    explore CPU offline/online states and report managed kthreads\n"
	"         on boot-isolated CPUs or off all their preferred CPUs\n"
	"render   draw the masks, task by event, as an SVG picture\n"
	"\n"
	"Each command has --help; the manual is kaff(1).\n";

static int usage(FILE *f, int status)
{
	fputs(usage_text, f);
	return status;
}

struct run_state {
	const char *file;
	unsigned long failures;
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
static unsigned long fail_alloc_at, alloc_calls;

static void *test_malloc(void *data, size_t size)
{
	(void)data;
	return ++alloc_calls == fail_alloc_at ? NULL : malloc(size);
}

static void *test_realloc(void *data, void *ptr, size_t size)
{
	(void)data;
	return ++alloc_calls == fail_alloc_at ? NULL : realloc(ptr, size);
}

static void test_free(void *data, void *ptr)
{
	(void)data;
	free(ptr);
}

static const struct kaff_allocator *run_allocator(void)
{
	static const struct kaff_allocator a = { test_malloc, test_realloc, test_free, NULL };
	const char *s = getenv("KAFF_TEST_FAIL_ALLOC");

	if (!s || !*s)
		return NULL;
	fail_alloc_at = strtoul(s, NULL, 10);
	return &a;
}

static int cmd_run(int argc, char **argv)
{
	struct kaff_replay_ops ops = { 0 };
	struct kaff_replay_result res;
	struct kaff_scenario_error err;
	struct kaff_scenario *sc = NULL;
	struct run_state st = { 0 };
	const char *file = NULL, *kernel = NULL;
	bool verbose = false, opts = true;
	char *text;
	size_t len;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (opts && (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))) {
			return usage(stdout, 0);
		} else if (opts && !strcmp(argv[i], "-v")) {
			verbose = true;
		} else if (opts && !strcmp(argv[i], "--kernel") && i + 1 < argc) {
			kernel = argv[++i];
		} else if (opts && !strcmp(argv[i], "--")) {
			opts = false;
		} else if (opts && argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "kaff: run: unknown option '%s'\n", argv[i]);
			return usage(stderr, EXIT_USAGE);
		} else if (!file) {
			file = argv[i];
		} else {
			return usage(stderr, EXIT_USAGE);
		}
	}
	if (!file)
		return usage(stderr, EXIT_USAGE);
	if (kernel && kaff_profile_lookup(kernel, &ops.profile)) {
		fprintf(stderr, "kaff: run: kernel '%s' is not a profile (6.14 to 7.3)\n", kernel);
		return EXIT_USAGE;
	}
	st.file = strcmp(file, "-") ? file : "<stdin>";
	text = kaff_read_all(file, &len);
	if (!text) {
		int e = errno;

		if (e == ENOMEM) {
			fprintf(stderr, "kaff: %s: ENOMEM: out of memory reading the file\n", st.file);
			return EXIT_FAILURE_INTERNAL;
		}
		fprintf(stderr, "kaff: %s: %s\n", file, strerror(e));
		return EXIT_USAGE;
	}
	ret = kaff_scenario_parse(text, len, run_allocator(), &sc, &err);
	free(text);
	if (ret == -EINVAL) {
		fprintf(stderr, "kaff: %s:%u:%u: %s\n", st.file, err.line, err.col, err.msg);
		return EXIT_USAGE;
	}
	if (ret) {
		fprintf(stderr, "kaff: %s: %s: %s while parsing\n", st.file, kaff_strerrorname(ret),
			ret == -ENOMEM ? "out of memory" : strerror(-ret));
		return EXIT_FAILURE_INTERNAL;
	}
	ops.write_trace = write_stdout;
	ops.expect_failed = expect_failed;
	ops.log_fn = verbose ? log_line : NULL;
	ops.data = &st;
	ret = kaff_scenario_replay(sc, &ops, &res);
	kaff_scenario_free(sc);
	if (fflush(stdout) && !ret) {
		fprintf(stderr, "kaff: %s: EIO: cannot write the trace (%s)\n", st.file,
			strerror(errno));
		return EXIT_FAILURE_INTERNAL;
	}
	if (ret == -EOPNOTSUPP) {
		fprintf(stderr, "kaff: %s: isolate is not modelled under kernel %s\n", st.file,
			kaff_profile_name(ops.profile));
		return EXIT_USAGE;
	}
	if (ret && ret != -ENOMEM && ret != -EIO && !res.error_line) {
		/* Only a profile other than the file's can refuse its header. */
		fprintf(stderr, "kaff: %s: kernel %s refuses this boot_online set (%s taking a CPU down)\n",
			st.file, ops.profile ? kaff_profile_name(ops.profile) : "?", kaff_strerrorname(ret));
		return EXIT_USAGE;
	}
	if (ret) {
		const char *why = ret == -ENOMEM ? "out of memory" :
				  ret == -EIO ? "cannot write the trace" : strerror(-ret);

		if (res.error_line)
			fprintf(stderr, "kaff: %s:%u: replay stopped: %s (%s)\n", st.file,
				res.error_line, kaff_strerrorname(ret), why);
		else
			fprintf(stderr, "kaff: %s: replay stopped before the first event: %s (%s)\n",
				st.file, kaff_strerrorname(ret), why);
		return EXIT_FAILURE_INTERNAL;
	}
	return res.expect_failures ? EXIT_EXPECT : 0;
}

static int cmd_cpulist(int argc, char **argv)
{
	const char *list = NULL, *nbits_s = NULL;
	struct kaff_cpumask *m;
	unsigned long nbits;
	bool opts = true;
	char *end, *out;
	size_t n;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (opts && !strcmp(argv[i], "--help")) {
			return usage(stdout, 0);
		} else if (opts && !strcmp(argv[i], "--nbits") && i + 1 < argc) {
			nbits_s = argv[++i];
		} else if (opts && !strcmp(argv[i], "--")) {
			opts = false;
		} else if (opts && argv[i][0] == '-' && argv[i][1] && argv[i][1] == '-') {
			fprintf(stderr, "kaff: cpulist: unknown option '%s'\n", argv[i]);
			return usage(stderr, EXIT_USAGE);
		} else if (!list) {
			list = argv[i];
		} else {
			return usage(stderr, EXIT_USAGE);
		}
	}
	if (!list || !nbits_s)
		return usage(stderr, EXIT_USAGE);
	errno = 0;
	nbits = strtoul(nbits_s, &end, 10);
	if (*nbits_s < '0' || *nbits_s > '9' || *end || errno || nbits > KAFF_NR_CPUS_MAX) {
		fprintf(stderr, "kaff: cpulist: --nbits must be 0 to %u\n", KAFF_NR_CPUS_MAX);
		return EXIT_USAGE;
	}
	m = kaff_cpumask_alloc((unsigned int)nbits);
	if (!m) {
		fprintf(stderr, "kaff: cpulist: ENOMEM: out of memory\n");
		return EXIT_FAILURE_INTERNAL;
	}
	ret = kaff_cpulist_parse(list, m);
	if (ret) {
		fprintf(stderr, "kaff: cpulist: %s: %s\n", kaff_strerrorname(ret),
			ret == -ERANGE ? "a CPU is not below nbits" :
			ret == -EOVERFLOW ? "a number does not fit in 32 bits" :
					    "the list does not follow the cpulist grammar");
		kaff_cpumask_free(m);
		return 1;
	}
	n = kaff_cpulist_snprint(NULL, 0, m);
	out = malloc(n + 1);
	if (!out) {
		kaff_cpumask_free(m);
		fprintf(stderr, "kaff: cpulist: ENOMEM: out of memory\n");
		return EXIT_FAILURE_INTERNAL;
	}
	kaff_cpulist_snprint(out, n + 1, m);
	printf("%s\n", out);
	free(out);
	kaff_cpumask_free(m);
	if (fflush(stdout)) {
		fprintf(stderr, "kaff: cpulist: cannot write the output: %s\n", strerror(errno));
		return EXIT_FAILURE_INTERNAL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr, EXIT_USAGE);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return usage(stdout, 0);
	if (!strcmp(argv[1], "--version")) {
		printf("kaff %s\n", kaff_version_string());
		return 0;
	}
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "cpulist"))
		return cmd_cpulist(argc - 1, argv + 1);
	if (!strcmp(argv[1], "diff"))
		return kaff_cmd_diff(argc - 1, argv + 1);
	if (!strcmp(argv[1], "host"))
		return kaff_cmd_host(argc - 1, argv + 1);
	if (!strcmp(argv[1], "audit"))
		return kaff_cmd_audit(argc - 1, argv + 1);
	if (!strcmp(argv[1], "render"))
		return kaff_cmd_render(argc - 1, argv + 1);
	fprintf(stderr, "kaff: unknown command '%s'\n", argv[1]);
	return usage(stderr, EXIT_USAGE);
}
