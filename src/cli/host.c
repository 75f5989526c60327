/* SPDX-License-Identifier: MIT */
/*
 * kaff host [--sysfs DIR] [--cmdline FILE] [--kernel V] [--release R]
 *
 * Prints a scenario header for a real machine: the possible and online
 * CPUs and the NUMA nodes from sysfs, the isolation parameters from the
 * kernel command line, and the running kernel's profile. The header is
 * parsed (and so booted) before it is printed, so what comes out is a
 * header libkaff accepts.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "cli.h"

static const char host_usage[] =
	"usage: kaff host [--sysfs DIR] [--cmdline FILE] [-k V] [--release R]\n"
	"                 [--kthreads [--proc DIR]]\n"
	"\n"
	"Print a scenario header (kernel, cpus, node, boot, boot_online lines) that\n"
	"describes a machine: CPUs from DIR/devices/system/cpu/{possible,online},\n"
	"NUMA nodes from DIR/devices/system/node/node*/cpulist (none: one node),\n"
	"nohz_full= and isolcpus= from the kernel command line.\n"
	"\n"
	"  --sysfs DIR     sysfs root (default /sys)\n"
	"  --cmdline FILE  kernel command line (default /proc/cmdline)\n"
	"  -k, --kernel V  profile for the kernel line (6.14 to 7.3); needed when the\n"
	"                  running kernel is outside that range\n"
	"  --release R     take R as the kernel release instead of uname -r\n"
	"  --kthreads      also list every kthread (a population file: the header,\n"
	"                  then a census block, workqueue workers left out)\n"
	"  --proc DIR      procfs root for --kthreads (default /proc)\n"
	"  -h, --help      print this help\n"
	"  -V, --version   print kaff's version\n"
	"\n"
	"Append events to the header and replay it with kaff run; replay a\n"
	"scenario on the --kthreads output with kaff run --population FILE.\n"
	"Exit status: 0 printed, 2 usage error, unreadable sysfs or a kernel\n"
	"outside 6.14 to 7.3 without --kernel, 3 out of memory.\n";

enum { OPT_KERNEL = 'k', OPT_SYSFS = 256, OPT_CMDLINE, OPT_RELEASE, OPT_KTHREADS, OPT_PROC };

static const struct kaff_opt host_opts[] = {
	{ "sysfs", OPT_SYSFS, true },
	{ "cmdline", OPT_CMDLINE, true },
	{ "kernel", OPT_KERNEL, true },
	{ "release", OPT_RELEASE, true },
	{ "kthreads", OPT_KTHREADS, false },
	{ "proc", OPT_PROC, true },
	{ NULL, 0, false },
};

/* Node IDs as sysfs names them (a machine may skip IDs). */
struct host_node {
	unsigned int sysfs_id;
	struct kaff_cpumask *cpus;
};

struct host_state {
	const char *sysfs, *cmdline;
	struct kaff_cpumask *possible, *online;
	unsigned int cpus;
	struct host_node *nodes;
	unsigned int nr_nodes;
	struct kaff_sbuf out;
};

static char *path_join(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s/%s", a, b);
	return p;
}

/* Parse the cpulist in @dir/@file into @m. Return: 0, -errno (file), or
 * the parser's error with *@parse_err set. */
static int read_list(const char *dir, const char *file, struct kaff_cpumask *m, bool *parse_err)
{
	char *path = path_join(dir, file), *text;
	size_t len;
	int ret;

	*parse_err = false;
	if (!path)
		return -ENOMEM;
	text = kaff_read_all(path, &len);
	free(path);
	if (!text)
		return -errno;
	ret = kaff_cpulist_parse(text, m);
	free(text);
	*parse_err = ret != 0;
	return ret;
}

static int cmp_node(const void *x, const void *y)
{
	const struct host_node *a = x, *b = y;

	return a->sysfs_id < b->sysfs_id ? -1 : a->sysfs_id > b->sysfs_id;
}

/* nodeN directories: every one with a cpulist file. */
static int read_nodes(struct host_state *st)
{
	char *dir = path_join(st->sysfs, "devices/system/node");
	struct dirent *de;
	DIR *d;
	int ret = 0;

	if (!dir)
		return -ENOMEM;
	d = opendir(dir);
	if (!d) {
		/* no such directory: no NUMA information, one node; any
		 * other failure (no memory, no access) is not "one node" */
		if (errno == ENOMEM) {
			ret = -ENOMEM;
		} else if (errno != ENOENT && errno != ENOTDIR) {
			fprintf(stderr, "kaff: host: %s: %s\n", dir, strerror(errno));
			ret = -EINVAL;
		}
		free(dir);
		return ret;
	}
	while (!ret && (de = readdir(d))) {
		struct host_node *nn;
		unsigned long id;
		char *end, file[300];
		bool perr;

		if (strncmp(de->d_name, "node", 4) || !isdigit((unsigned char)de->d_name[4]))
			continue;
		errno = 0;
		id = strtoul(de->d_name + 4, &end, 10);
		if (*end || errno || id >= KAFF_MAX_NUMNODES)
			continue;
		nn = realloc(st->nodes, (st->nr_nodes + 1) * sizeof(*nn));
		if (!nn) {
			ret = -ENOMEM;
			break;
		}
		st->nodes = nn;
		nn[st->nr_nodes].sysfs_id = (unsigned int)id;
		nn[st->nr_nodes].cpus = kaff_cpumask_alloc(st->cpus);
		if (!nn[st->nr_nodes].cpus) {
			ret = -ENOMEM;
			break;
		}
		st->nr_nodes++;
		snprintf(file, sizeof(file), "%s/cpulist", de->d_name);
		ret = read_list(dir, file, nn[st->nr_nodes - 1].cpus, &perr);
		if (ret == -ENOENT) {
			/* not a node directory after all */
			kaff_cpumask_free(nn[--st->nr_nodes].cpus);
			ret = 0;
		} else if (ret && ret != -ENOMEM) {
			fprintf(stderr, "kaff: host: %s/%s: %s\n", dir, file,
				perr ? "not a cpulist of the possible CPUs" : strerror(-ret));
			ret = -EINVAL;
		}
	}
	closedir(d);
	free(dir);
	if (st->nr_nodes)
		qsort(st->nodes, st->nr_nodes, sizeof(*st->nodes), cmp_node);
	return ret;
}

/* MAJOR.MINOR at the start of @release ("6.18.44-fc" gives "6.18"). */
static bool release_version(const char *release, char *buf, size_t cap)
{
	size_t n = 0;
	int dots = 0;

	while (release[n] && (isdigit((unsigned char)release[n]) || release[n] == '.')) {
		if (release[n] == '.' && ++dots == 2)
			break;
		n++;
	}
	/* a dot was counted, so n > 0 */
	if (!dots || n >= cap || release[n - 1] == '.')
		return false;
	memcpy(buf, release, n);
	buf[n] = '\0';
	return true;
}

/* A value that a scenario word can hold (FORMAT.md lexical rules). */
static bool scenario_word(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c >= 0x7f || c == '#')
			return false;
	}
	return n > 0;
}

/* @arg inside a comment line: control characters as \xNN, since a quoted
 * newline would end the comment and start a line that is no command. */
static void put_arg(struct kaff_sbuf *b, const char *arg)
{
	for (; *arg; arg++) {
		unsigned char c = (unsigned char)*arg;

		if (c < 0x20 || c == 0x7f)
			kaff_sbuf_printf(b, "\\x%02x", c);
		else
			kaff_sbuf_printf(b, "%c", c);
	}
}

static bool starts_with(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && !memcmp(s, prefix, k);
}

/*
 * The kernel command line, split as the kernel's next_arg() does:
 * blanks separate, double quotes protect blanks (and are dropped), "--"
 * ends the kernel's part.
 */
static void read_cmdline(struct host_state *st, const char *text, struct kaff_sbuf *boot,
			 struct kaff_sbuf *notes)
{
	const char *p = text;
	char *arg = malloc(strlen(text) + 1);
	size_t n;

	if (!arg) {
		boot->oom = true;
		return;
	}
	for (;;) {
		bool quoted = false;

		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		n = 0;
		for (; *p && (quoted || !isspace((unsigned char)*p)); p++) {
			if (*p == '"')
				quoted = !quoted;
			else
				arg[n++] = *p;
		}
		arg[n] = '\0';
		if (!strcmp(arg, "--"))
			break;
		if (starts_with(arg, n, "nohz_full=") || starts_with(arg, n, "isolcpus=")) {
			if (scenario_word(arg, n)) {
				kaff_sbuf_printf(boot, "boot %s\n", arg);
			} else {
				kaff_sbuf_puts(notes, "# skipped: '");
				put_arg(notes, arg);
				kaff_sbuf_puts(notes, "' cannot be written as a scenario word\n");
			}
		} else if (starts_with(arg, n, "rcu_nocbs") || starts_with(arg, n, "irqaffinity=") ||
			   starts_with(arg, n, "nohz=") || starts_with(arg, n, "maxcpus=") ||
			   starts_with(arg, n, "nr_cpus=") || starts_with(arg, n, "possible_cpus=") ||
			   starts_with(arg, n, "kthread_cpus=")) {
			kaff_sbuf_puts(notes, "# not modelled: ");
			put_arg(notes, arg);
			kaff_sbuf_puts(notes, "\n");
		}
	}
	free(arg);
	(void)st;
}

static void host_state_free(struct host_state *st)
{
	unsigned int i;

	for (i = 0; i < st->nr_nodes; i++)
		kaff_cpumask_free(st->nodes[i].cpus);
	free(st->nodes);
	kaff_cpumask_free(st->possible);
	kaff_cpumask_free(st->online);
	kaff_sbuf_free(&st->out);
}

/* The header's machine part: cpus, node and boot_online lines. */
static int put_machine(struct host_state *st)
{
	struct kaff_sbuf *o = &st->out;
	struct kaff_cpumask *left = kaff_cpumask_alloc(st->cpus);
	unsigned int i, j, cpu;

	if (!left)
		return -ENOMEM;
	kaff_sbuf_printf(o, "cpus %u\n", st->cpus);
	if (kaff_cpumask_weight(st->possible) != st->cpus) {
		kaff_cpumask_complement(left, st->possible);
		kaff_sbuf_puts(o, "# CPUs ");
		kaff_sbuf_mask(o, left);
		kaff_sbuf_puts(o, " are not possible here; a scenario's CPUs are all possible\n");
	}
	kaff_cpumask_setall(left);
	if (!st->nr_nodes) {
		kaff_sbuf_puts(o, "# no NUMA node in sysfs: one node\n");
		kaff_sbuf_printf(o, "node 0 ");
		kaff_sbuf_mask(o, left);
		kaff_sbuf_puts(o, "\n");
	}
	for (i = 0; i < st->nr_nodes; i++) {
		struct kaff_cpumask *m = st->nodes[i].cpus;

		for (j = 0; j < i; j++) {
			if (kaff_cpumask_intersects(m, st->nodes[j].cpus)) {
				fprintf(stderr, "kaff: host: node%u and node%u share a CPU\n",
					st->nodes[j].sysfs_id, st->nodes[i].sysfs_id);
				kaff_cpumask_free(left);
				return -EINVAL;
			}
		}
		kaff_cpumask_andnot(left, left, m);
	}
	for (i = 0; i < st->nr_nodes; i++) {
		/* CPUs that no node lists (possible but not present) go to
		 * the first node: the scenario puts every CPU in one. */
		if (!i && !kaff_cpumask_empty(left)) {
			kaff_sbuf_puts(o, "# CPUs ");
			kaff_sbuf_mask(o, left);
			kaff_sbuf_printf(o, " are in no sysfs node: put in node %u\n", 0u);
			kaff_cpumask_or(st->nodes[0].cpus, st->nodes[0].cpus, left);
		}
		if (st->nodes[i].sysfs_id != i)
			kaff_sbuf_printf(o, "# sysfs node%u is node %u here: scenario node IDs are dense\n",
					 st->nodes[i].sysfs_id, i);
		kaff_sbuf_printf(o, "node %u ", i);
		kaff_sbuf_mask(o, st->nodes[i].cpus);
		kaff_sbuf_puts(o, "\n");
	}
	cpu = kaff_cpumask_first(st->online);
	if (cpu != 0) {
		kaff_sbuf_puts(o, "# CPU 0 is offline here; a scenario keeps the x86 boot CPU online\n");
		kaff_cpumask_set_cpu(0, st->online);
	}
	kaff_sbuf_puts(o, "boot_online ");
	kaff_sbuf_mask(o, st->online);
	kaff_sbuf_puts(o, "\n");
	kaff_cpumask_free(left);
	return o->oom ? -ENOMEM : 0;
}

int kaff_cmd_host(int argc, char **argv)
{
	const char *kernel = NULL, *release = NULL, *source, *proc = NULL;
	struct kaff_population *pop = NULL;
	struct kaff_sbuf census = { 0 };
	bool kthreads = false;
	const struct kaff_profile *profile = NULL;
	struct kaff_sbuf boot = { 0 }, notes = { 0 };
	struct kaff_scenario_error err;
	struct kaff_scenario *sc = NULL;
	struct host_state st;
	struct kaff_cpumask *all = NULL;
	struct utsname uts;
	char version[32], *cmdline = NULL, *dir = NULL;
	size_t len;
	bool perr;
	struct kaff_args a;
	int opt, ret, status = KAFF_EXIT_USAGE;

	memset(&st, 0, sizeof(st));
	st.sysfs = "/sys";
	st.cmdline = "/proc/cmdline";
	kaff_args_init(&a, "host", host_usage, host_opts, argc, argv);
	while ((opt = kaff_args_next(&a)) > 0) {
		if (opt == OPT_SYSFS)
			st.sysfs = a.arg;
		else if (opt == OPT_CMDLINE)
			st.cmdline = a.arg;
		else if (opt == OPT_KERNEL)
			kernel = a.arg;
		else if (opt == OPT_RELEASE)
			release = a.arg;
		else if (opt == OPT_KTHREADS)
			kthreads = true;
		else if (opt == OPT_PROC)
			proc = a.arg;
	}
	if (opt < 0 || !kaff_args_operands(&a, 0, 0, NULL))
		return a.status;
	if (proc && !kthreads) {
		kaff_args_error(&a, "--proc goes with --kthreads");
		return a.status;
	}

	/* The profile first: without one there is nothing to print. */
	if (kernel) {
		if (!kaff_args_profile(&a, kernel, &profile))
			return a.status;
		source = "--kernel";
	} else {
		if (!release) {
			if (uname(&uts)) {
				fprintf(stderr, "kaff: host: uname: %s\n", strerror(errno));
				return KAFF_EXIT_USAGE;
			}
			release = uts.release;
		}
		source = "running";
		/* A kernel outside the profiles follows other rules (6.1
		 * predates the seed commit): refuse rather than map it. */
		if (!release_version(release, version, sizeof(version)) ||
		    kaff_profile_lookup(version, &profile)) {
			fprintf(stderr,
				"kaff: host: kernel %s is outside the profiles 6.14 to 7.3, so libkaff does not know its rules;\n"
				"kaff: host: pass --kernel V (6.14 to 7.3) to describe this machine under the rules of V\n",
				release);
			return KAFF_EXIT_USAGE;
		}
	}

	/* possible: nr_cpu_ids is its last CPU + 1 */
	dir = path_join(st.sysfs, "devices/system/cpu");
	all = kaff_cpumask_alloc(KAFF_NR_CPUS_MAX);
	if (!dir || !all)
		goto oom;
	/* out of memory reading a file is exit 3, as everywhere (errors.md) */
	ret = read_list(dir, "possible", all, &perr);
	if (ret == -ENOMEM)
		goto oom;
	if (ret || kaff_cpumask_empty(all)) {
		fprintf(stderr, "kaff: host: %s/possible: %s\n", dir,
			perr || !ret ? "not a cpulist of at most 8192 CPUs" : strerror(-ret));
		goto out;
	}
	st.cpus = kaff_cpumask_last(all) + 1;
	st.possible = kaff_cpumask_alloc(st.cpus);
	st.online = kaff_cpumask_alloc(st.cpus);
	if (!st.possible || !st.online)
		goto oom;
	ret = read_list(dir, "possible", st.possible, &perr);
	if (!ret)
		ret = read_list(dir, "online", st.online, &perr);
	if (ret == -ENOENT) {
		kaff_sbuf_puts(&notes, "# no online file: every CPU online\n");
		kaff_cpumask_setall(st.online);
	} else if (ret == -ENOMEM) {
		goto oom;
	} else if (ret) {
		fprintf(stderr, "kaff: host: %s/online: %s\n", dir,
			perr ? "not a cpulist of the possible CPUs" : strerror(-ret));
		goto out;
	}
	ret = read_nodes(&st);
	if (ret == -ENOMEM)
		goto oom;
	if (ret)
		goto out;

	cmdline = kaff_read_all(st.cmdline, &len);
	if (!cmdline) {
		if (errno == ENOMEM)
			goto oom;
		fprintf(stderr, "kaff: host: %s: %s\n", st.cmdline, strerror(errno));
		goto out;
	}
	/* /proc/cmdline is the kernel's command line and a newline that
	 * fs/proc/cmdline.c adds: not part of the last argument (which an
	 * unbalanced quote would otherwise extend over it). */
	if (len && cmdline[len - 1] == '\n')
		cmdline[--len] = '\0';
	read_cmdline(&st, cmdline, &boot, &notes);
	if (kthreads) {
		ret = kaff_host_census(proc ? proc : "/proc", &census, &notes);
		if (ret == -ENOMEM)
			goto oom;
		if (ret) {
			fprintf(stderr, "kaff: host: %s: %s\n", proc ? proc : "/proc", strerror(-ret));
			goto out;
		}
	}

	if (!strcmp(source, "--kernel"))
		kaff_sbuf_printf(&st.out, "# kaff host: kernel %s from --kernel\n", kaff_profile_name(profile));
	else
		kaff_sbuf_printf(&st.out, "# kaff host: kernel release %s\n", release);
	kaff_sbuf_printf(&st.out, "kernel %s\n", kaff_profile_name(profile));
	ret = put_machine(&st);
	if (ret == -EINVAL)
		goto out;
	if (ret)
		goto oom;
	if (boot.len)
		kaff_sbuf_puts(&st.out, boot.s);
	else
		kaff_sbuf_puts(&st.out, "# no nohz_full= or isolcpus= on the kernel command line\n");
	if (notes.len)
		kaff_sbuf_puts(&st.out, notes.s);
	if (census.len)
		kaff_sbuf_puts(&st.out, census.s);
	if (st.out.oom || boot.oom || notes.oom || census.oom)
		goto oom;

	/* What we print must be a header (a population) libkaff accepts. */
	if (kthreads)
		ret = kaff_population_parse(st.out.s, st.out.len, NULL, &pop, &err);
	else
		ret = kaff_scenario_parse(st.out.s, st.out.len, NULL, &sc, &err);
	if (ret == -ENOMEM)
		goto oom;
	if (ret) {
		fprintf(stderr, "kaff: host: the %s for this machine is refused: line %u: %s\n",
			kthreads ? "population" : "header", err.line, err.msg);
		goto out;
	}
	status = kaff_flush_out("host", &st.out);
	goto out;
oom:
	fprintf(stderr, "kaff: host: ENOMEM: out of memory\n");
	status = KAFF_EXIT_INTERNAL;
out:
	kaff_scenario_free(sc);
	kaff_population_free(pop);
	kaff_sbuf_free(&census);
	kaff_cpumask_free(all);
	free(dir);
	free(cmdline);
	kaff_sbuf_free(&boot);
	kaff_sbuf_free(&notes);
	host_state_free(&st);
	return status;
}
