/* SPDX-License-Identifier: MIT */
/*
 * kaff: replay kthread-affinity scenarios on libkaff.
 *
 *   kaff cpulist --nbits N [--] LIST
 *   kaff run|diff|host|audit|render ...   (run.c, diff.c, host.c, audit.c, render.c)
 *
 * Exit status (every command; kaff.1): 0 success; 1 an expect line
 * failed, cpulist refused the list, the profiles differ, audit findings;
 * 2 usage error, unreadable input, scenario error; 3 libkaff failed (out
 * of memory) or the output could not be written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libkaff/kaff.h>

#include "cli.h"

static const char usage_text[] =
	"usage: kaff run [-v] [-J] [-k V] [--population POP] FILE.scn|-\n"
	"       kaff cpulist --nbits N [--] LIST\n"
	"       kaff diff [-J] [-k A] [-k B] [--population POP] FILE.scn|-\n"
	"       kaff host [--sysfs DIR] [--cmdline FILE] [-k V] [--release R]\n"
	"                 [--kthreads [--proc DIR]]\n"
	"       kaff audit [-J] [-k V] [--max-states N] [--no-wake] [--population POP]\n"
	"                  FILE.scn|-\n"
	"       kaff render [-k V] [--population POP] -o OUT.svg FILE.scn|-\n"
	"       kaff -h|--help | -V|--version\n"
	"\n"
	"run      replay a scenario and print its trace on stdout (exit 1 if an\n"
	"         expect line fails, 2 for a scenario error)\n"
	"cpulist  parse LIST as the kernel's bitmap_parselist() for N bits and\n"
	"         print it in canonical %*pbl form (exit 1 with the errno name\n"
	"         if the kernel would refuse it)\n"
	"diff     replay under two profiles (default 6.14 and 7.3), print where\n"
	"         masks differ and which profile field explains it (exit 1 if so)\n"
	"host     print a scenario header for this machine (/sys, /proc/cmdline);\n"
	"         --kthreads: with every kthread of it (a population file)\n"
	"audit    explore CPU offline/online states and report managed kthreads\n"
	"         on boot-isolated CPUs or off all their preferred CPUs\n"
	"render   draw the masks, task by event, as an SVG picture\n"
	"\n"
	"-k V is --kernel V: the profile, a kernel version 6.14 to 7.3 (run, diff,\n"
	"audit and render also take BASE+RULE=VALUE...+./RULE.so). -J is --json.\n"
	"--population POP replays on every kthread of a census snapshot (a population\n"
	"file, as kaff host --kthreads writes it; docs/population.md).\n"
	"'kaff COMMAND --help' describes each command; the manuals are kaff(1) and\n"
	"kaff-scenario(5).\n";

static const char cpulist_usage[] =
	"usage: kaff cpulist --nbits N [--] LIST\n"
	"\n"
	"Parse LIST as the kernel's bitmap_parselist() does for a bitmap of N bits\n"
	"and print it in the kernel's canonical %*pbl form (\"0-3,8\"), or the errno\n"
	"name the kernel would return.\n"
	"\n"
	"  --nbits N      the bitmap's width, 0 to 8192 (nr_cpu_ids); required\n"
	"  -h, --help     print this help\n"
	"  -V, --version  print kaff's version\n"
	"\n"
	"Exit status: 0 printed, 1 the kernel refuses LIST (EINVAL, ERANGE,\n"
	"EOVERFLOW), 2 usage error, 3 out of memory or the output could not be written.\n";

enum { OPT_NBITS = 256 };

static const struct kaff_opt cpulist_opts[] = {
	{ "nbits", OPT_NBITS, true },
	{ NULL, 0, false },
};

int kaff_cmd_cpulist(int argc, char **argv)
{
	static const char *const operands[] = { "LIST" };
	const char *list, *nbits_s = NULL;
	struct kaff_cpumask *m;
	unsigned long nbits;
	struct kaff_args a;
	char *end, *out;
	size_t n;
	int opt, ret;

	kaff_args_init(&a, "cpulist", cpulist_usage, cpulist_opts, argc, argv);
	while ((opt = kaff_args_next(&a)) > 0)
		if (opt == OPT_NBITS)
			nbits_s = a.arg;
	if (opt < 0 || !kaff_args_operands(&a, 1, 1, operands))
		return a.status;
	if (!nbits_s) {
		kaff_args_error(&a, "missing --nbits N");
		return a.status;
	}
	list = a.operands[0];
	errno = 0;
	nbits = strtoul(nbits_s, &end, 10);
	if (*nbits_s < '0' || *nbits_s > '9' || *end || errno || nbits > KAFF_NR_CPUS_MAX) {
		fprintf(stderr, "kaff: cpulist: --nbits must be 0 to %u\n", KAFF_NR_CPUS_MAX);
		return KAFF_EXIT_USAGE;
	}
	m = kaff_cpumask_alloc((unsigned int)nbits);
	if (!m) {
		fprintf(stderr, "kaff: cpulist: ENOMEM: out of memory\n");
		return KAFF_EXIT_INTERNAL;
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
		return KAFF_EXIT_INTERNAL;
	}
	kaff_cpulist_snprint(out, n + 1, m);
	printf("%s\n", out);
	free(out);
	kaff_cpumask_free(m);
	if (fflush(stdout)) {
		fprintf(stderr, "kaff: cpulist: cannot write the output: %s\n", strerror(errno));
		return KAFF_EXIT_INTERNAL;
	}
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "run", kaff_cmd_run },
	{ "cpulist", kaff_cmd_cpulist },
	{ "diff", kaff_cmd_diff },
	{ "host", kaff_cmd_host },
	{ "audit", kaff_cmd_audit },
	{ "render", kaff_cmd_render },
};

int main(int argc, char **argv)
{
	static const struct kaff_opt none[] = { { NULL, 0, false } };
	struct kaff_args a;
	size_t i;

	/* kaff's own options: -h and -V (anything else is refused) */
	kaff_args_init(&a, NULL, usage_text, none, argc < 2 ? 1 : 2, argv);
	if (argc >= 2 && argv[1][0] == '-' && argv[1][1]) {
		if (kaff_args_next(&a) < 0)
			return a.status;
	}
	if (argc < 2) {
		kaff_args_error(&a, "missing command");
		return a.status;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	kaff_args_error(&a, "unknown command '%s'", argv[1]);
	return a.status;
}
