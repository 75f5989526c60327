/* SPDX-License-Identifier: MIT */
/*
 * Black-box tests of `kaff host` on fake sysfs trees, and of the argument
 * handling of `kaff` itself (main, run, cpulist), each run spawned with
 * posix_spawn() from $KAFF_EXE.
 *
 * `kaff host --sysfs DIR --cmdline FILE` reads DIR/devices/system/cpu/
 * {possible,online}, DIR/devices/system/node/node*\/cpulist and FILE
 * (kaff.1). The trees are either snapshots in tests/tools/data/hostcov-*
 * or built by the test in its private directory when their shape matters
 * (creation order, a directory where sysfs has a file).
 *
 * Expected values come from kaff.1, docs/errors.md, docs/scenario-format.md
 * and the Linux sysfs/procfs formats, as each test says: a header is
 * compared by its commands (the lines that are not comments), and every
 * header printed is also fed to `kaff run`, which must accept it (kaff.1:
 * host prints a header; the manual's example is replayable).
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test-common.h"
#include "tools-common.h"

/* ------------------------------------------------------------------------
 * Fake trees
 */

/* mkdir -p of the directory part of @path (and of @path itself if @all) */
static void make_dirs(char *path, bool all)
{
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		ck_assert_msg(!mkdir(path, 0700) || errno == EEXIST, "mkdir %s: %s", path,
			      strerror(errno));
		*p = '/';
	}
	if (all)
		ck_assert_msg(!mkdir(path, 0700) || errno == EEXIST, "mkdir %s: %s", path,
			      strerror(errno));
}

/* One entry of a tree: a file with @text, or a directory when @text is NULL. */
struct entry {
	const char *path, *text;
};

/* The entries under a fresh directory, created in the order given; the
 * root's name goes to @root. */
static void make_tree(char *root, size_t cap, const struct entry *e)
{
	char p[1024];

	tmp_file(root, cap, "tree");
	ck_assert(mkdir(root, 0700) == 0);
	for (; e->path; e++) {
		path_of(p, sizeof(p), root, e->path);
		make_dirs(p, e->text == NULL);
		if (e->text)
			write_file(p, e->text, strlen(e->text));
	}
}

/* ------------------------------------------------------------------------
 * Checking a header
 */

/* @out without its comment lines (those starting with '#'). */
static char *commands_of(const char *out)
{
	char *s = malloc(strlen(out) + 1), *d = s;
	const char *p = out;

	ck_assert(s != NULL);
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) + 1 : strlen(p);

		if (*p != '#') {
			memcpy(d, p, n);
			d += n;
		}
		p += n;
	}
	*d = '\0';
	return s;
}

/* Does @out hold a whole comment line that contains both @a and @b? */
static bool comment_has(const char *out, const char *a, const char *b)
{
	const char *p = out;

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		char *line = strndup(p, n);
		bool hit;

		ck_assert(line != NULL);
		hit = line[0] == '#' && strstr(line, a) && (!b || strstr(line, b));
		free(line);
		if (hit)
			return true;
		p += eol ? n + 1 : n;
	}
	return false;
}

/* `kaff host ARGS` succeeds, prints nothing on stderr and a header whose
 * commands are @want; `kaff run` accepts the header as it is. Returns the
 * run for more checks (free it). */
static void host_ok(const char *const *args, const char *want, struct run_result *r)
{
	char hdr[512];
	const char *run[] = { "run", hdr, NULL };
	struct run_result rr;
	char *cmds;

	run_kaff(args, NULL, r);
	ck_assert_msg(r->status == 0 && r->errlen == 0, "kaff host: exit %d: %s", r->status, r->err);
	cmds = commands_of(r->out);
	ck_assert_msg(!strcmp(cmds, want), "header commands:\n%s\nwant:\n%s\nwhole output:\n%s", cmds,
		      want, r->out);
	free(cmds);
	tmp_file(hdr, sizeof(hdr), "host.scn");
	write_file(hdr, r->out, r->outlen);
	run_kaff(run, NULL, &rr);
	ck_assert_msg(rr.status == 0 && rr.outlen == 0 && rr.errlen == 0,
		      "kaff run on the header: exit %d: %s\n%s", rr.status, rr.err, r->out);
	unlink(hdr);
	result_free(&rr);
}

/* `kaff host ARGS` fails with exit 2, no stdout, and stderr holding @a
 * (and @b when not NULL). */
static void host_fails(const char *const *args, const char *a, const char *b)
{
	struct run_result r;

	run_kaff(args, NULL, &r);
	ck_assert_msg(r.status == 2, "exit %d, want 2: %s", r.status, r.err);
	ck_assert_msg(r.outlen == 0, "stdout: %s", r.out);
	ck_assert_msg(strstr(r.err, a) && (!b || strstr(r.err, b)), "stderr '%s' lacks '%s' / '%s'",
		      r.err, a, b ? b : "");
	result_free(&r);
}

/* ------------------------------------------------------------------------
 * kaff host: nodes
 */

/*
 * Ten nodes whose directories are created in a scrambled order (readdir
 * returns them in an order of the file system's choosing), next to
 * entries that are no node directory. Linux names a node's directory
 * "node%d" after its ID (drivers/base/node.c), below MAX_NUMNODES (at most
 * 1 << 10, the scenario format's limit of node IDs 0 to 1023), and puts a
 * cpulist file in it. Every impostor below holds a cpulist "0" that would
 * clash with node0's CPUs ("share a CPU", exit 2) if it were read, so
 * reading any of them fails the test.
 */
START_TEST(test_host_nodes)
{
	static const unsigned int order[] = { 3, 7, 1, 9, 0, 5, 2, 8, 4, 6 };
	struct entry tree[32] = {
		{ "sys/devices/system/cpu/possible", "0-19\n" },
		{ "sys/devices/system/cpu/online", "0-19\n" },
		{ "sys/devices/system/node/has_cpu", "0-9\n" },
		{ "sys/devices/system/node/nodeX/cpulist", "0\n" },    /* no digit */
		{ "sys/devices/system/node/node/cpulist", "0\n" },     /* no ID */
		{ "sys/devices/system/node/node1a/cpulist", "0\n" },   /* not a number */
		{ "sys/devices/system/node/node1024/cpulist", "0\n" }, /* >= MAX_NUMNODES */
		{ "sys/devices/system/node/node99999999999999999999/cpulist", "0\n" }, /* > ULONG_MAX */
		/* a node directory without cpulist is no node of ours */
		{ "sys/devices/system/node/node10/distance", "10\n" },
	};
	static char paths[10][64], lists[10][16];
	char root[512], sys[600], cmd[600];
	const char *args[] = { "host", "--sysfs", sys, "--cmdline", cmd, "--release", "7.3", NULL };
	struct run_result r;
	char want[512];
	size_t i, n = 9, len;

	/* node K holds CPUs 2K and 2K+1 */
	for (i = 0; i < 10; i++) {
		snprintf(paths[i], sizeof(paths[i]), "sys/devices/system/node/node%u/cpulist", order[i]);
		snprintf(lists[i], sizeof(lists[i]), "%u-%u\n", 2 * order[i], 2 * order[i] + 1);
		tree[n].path = paths[i];
		tree[n++].text = lists[i];
	}
	tree[n].path = "cmdline";
	tree[n++].text = "BOOT_IMAGE=/vmlinuz-7.3 root=/dev/sda1 ro quiet\n";
	make_tree(root, sizeof(root), tree);
	path_of(sys, sizeof(sys), root, "sys");
	path_of(cmd, sizeof(cmd), root, "cmdline");

	/* --release 7.3 is MAJOR.MINOR itself: the 7.3 profile. nr_cpu_ids
	 * is the last possible CPU + 1; the nodes come in ID order; no
	 * isolation parameter, so no boot line. */
	len = (size_t)snprintf(want, sizeof(want), "kernel 7.3\ncpus 20\n");
	for (i = 0; i < 10; i++)
		len += (size_t)snprintf(want + len, sizeof(want) - len, "node %zu %zu-%zu\n", i, 2 * i,
					2 * i + 1);
	snprintf(want + len, sizeof(want) - len, "boot_online 0-19\n");
	host_ok(args, want, &r);
	ck_assert_msg(comment_has(r.out, "7.3", NULL), "the release is not named:\n%s", r.out);
	result_free(&r);
	remove_tree(root);
}
END_TEST

/*
 * A sysfs node directory that lists no node (only its possible/online
 * masks): as with no node directory at all, the machine is one node
 * (kaff.1: "none: one node"). The snapshot also has a hole in the possible
 * CPUs, CPU 0 offline, and a command line without the newline that
 * /proc/cmdline ends with.
 */
START_TEST(test_host_sparse_snapshot)
{
	char sys[512], cmd[512];
	const char *args[] = { "host", "--sysfs", sys, "--cmdline", cmd, "--kernel", "7.3", NULL };
	static const char *const not_modelled[] = { "nohz=off", "maxcpus=6", "nr_cpus=8",
						    "possible_cpus=8", "kthread_cpus=0-1",
						    "rcu_nocbs=6", "irqaffinity=0-1" };
	static const char *const skipped[] = { "isolcpus=domain, 6", "nohz_full=6#7",
					       "isolcpus=domain,\xc3\xa9" };
	struct run_result r;
	size_t i;

	data_path(sys, sizeof(sys), "hostcov-sparse/sys");
	data_path(cmd, sizeof(cmd), "hostcov-sparse/cmdline");
	/*
	 * possible 0-3,6-7: nr_cpu_ids is 8 (the last possible CPU + 1, as
	 * the kernel's setup_nr_cpu_ids()); a scenario's CPUs are all
	 * possible, so 4-5 are in the machine but offline. online 1-3,6: a
	 * scenario keeps CPU 0 (the boot CPU) online (scenario-format.md:
	 * boot_online must hold CPU 0). Of the isolation parameters only
	 * nohz_full=6-7 is a scenario word: "domain, 6" holds a blank, "6#7"
	 * a '#' that would start a comment, "é" bytes above 0x7f, none of
	 * which a word may hold (scenario-format.md, lexical rules).
	 */
	host_ok(args, "kernel 7.3\ncpus 8\nnode 0 0-7\nboot_online 0-3,6\nboot nohz_full=6-7\n", &r);
	ck_assert_msg(comment_has(r.out, "4-5", "possible"), "no note on CPUs 4-5:\n%s", r.out);
	ck_assert_msg(comment_has(r.out, "CPU 0", "offline"), "no note on CPU 0:\n%s", r.out);
	/* kaff.1: other isolation parameters become "# not modelled:" comments */
	for (i = 0; i < sizeof(not_modelled) / sizeof(not_modelled[0]); i++)
		ck_assert_msg(comment_has(r.out, "# not modelled: ", not_modelled[i]), "%s:\n%s",
			      not_modelled[i], r.out);
	/* the values the kernel reads but a word cannot hold are named, not lost */
	for (i = 0; i < sizeof(skipped) / sizeof(skipped[0]); i++)
		ck_assert_msg(comment_has(r.out, skipped[i], NULL), "%s:\n%s", skipped[i], r.out);
	/* parameters that have nothing to do with CPUs are left out */
	ck_assert(!strstr(r.out, "BOOT_IMAGE") && !strstr(r.out, "root="));
	result_free(&r);
}
END_TEST

/* ------------------------------------------------------------------------
 * kaff host --kthreads
 */

/* `kaff run --population OUT` of OUT's own header and a census: the
 * population replays to its own census block. */
static void replays_to_itself(const char *out)
{
	const char *block = strstr(out, "\ncensus 1\n");
	char pop[512], scn[512];
	const char *run[] = { "run", "--population", pop, scn, NULL };
	struct run_result rr;
	char *hdr;

	ck_assert_msg(block != NULL, "no census block:\n%s", out);
	block++;
	tmp_file(pop, sizeof(pop), "host.pop");
	tmp_file(scn, sizeof(scn), "host-census.scn");
	write_text(pop, out);
	hdr = malloc((size_t)(block - out) + 8);
	ck_assert(hdr != NULL);
	memcpy(hdr, out, (size_t)(block - out));
	strcpy(hdr + (block - out), "census\n");
	write_text(scn, hdr);
	run_kaff(run, NULL, &rr);
	ck_assert_msg(rr.status == 0 && rr.errlen == 0, "kaff run --population: exit %d: %s",
		      rr.status, rr.err);
	ck_assert_msg(!strcmp(rr.out, block), "replayed:\n%s\nwant:\n%s", rr.out, block);
	result_free(&rr);
	free(hdr);
	unlink(pop);
	unlink(scn);
}

/*
 * A fake /proc: the flags are the 9th field of /proc/PID/stat
 * (fs/proc/array.c do_task_stat()), PF_KTHREAD 0x00200000, PF_WQ_WORKER
 * 0x00000020, PF_NO_SETAFFINITY 0x04000000 (include/linux/sched.h).
 * pid 1 is no kthread; pid 20 a workqueue worker (left out, as in a
 * census); pid 31 exited while kaff read /proc (no files: left out
 * silently); pid 30's name holds blanks and parentheses, so its stat must
 * be read after the last ')' and its census name gets '_' for each blank
 * (a note says so). kthreadd is the kthread whose parent is pid 0.
 */
START_TEST(test_host_kthreads_fake_proc)
{
	static const struct entry tree[] = {
		{ "sys/devices/system/cpu/possible", "0-3\n" },
		{ "sys/devices/system/cpu/online", "0-3\n" },
		{ "cmdline", "BOOT_IMAGE=/vmlinuz isolcpus=3\n" },
		{ "proc/1/stat", "1 (init) S 0 1 1 0 -1 4194560 0 0\n" },
		{ "proc/1/comm", "init\n" },
		{ "proc/1/status", "Name:\tinit\nCpus_allowed_list:\t0-3\n" },
		{ "proc/2/stat", "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0\n" },
		{ "proc/2/comm", "kthreadd\n" },
		{ "proc/2/status", "Name:\tkthreadd\nCpus_allowed_list:\t0-2\n" },
		{ "proc/15/stat", "15 (ksoftirqd/1) S 2 0 0 0 -1 69238848 0 0\n" },
		{ "proc/15/comm", "ksoftirqd/1\n" },
		{ "proc/15/status", "Name:\tksoftirqd/1\nCpus_allowed_list:\t1\n" },
		{ "proc/20/stat", "20 (kworker/0:1-events) I 2 0 0 0 -1 69238880 0 0\n" },
		{ "proc/20/comm", "kworker/0:1-events\n" },
		{ "proc/20/status", "Name:\tkworker\nCpus_allowed_list:\t0\n" },
		{ "proc/30/stat", "30 (my (odd) thr) S 2 0 0 0 -1 2129984 0 0\n" },
		{ "proc/30/comm", "my (odd) thr\n" },
		{ "proc/30/status", "Name:\tmy (odd) thr\nCpus_allowed_list:\t0-2\n" },
		{ "proc/31", NULL },
		{ "proc/40/stat", "40 (irq/9-acpi) S 2 0 0 0 -1 69238848 0 0\n" },
		{ "proc/40/comm", "irq/9-acpi\n" },
		{ "proc/40/status", "Name:\tirq/9-acpi\nCpus_allowed_list:\t1\n" },
		{ "proc/sys", NULL },
		{ NULL, NULL },
	};
	char root[512], sys[600], cmd[600], proc[600];
	const char *args[] = { "host", "--sysfs", sys, "--cmdline", cmd, "--kernel", "7.3",
			       "--kthreads", "--proc", proc, NULL };
	struct run_result r;
	char *cmds;

	make_tree(root, sizeof(root), tree);
	path_of(sys, sizeof(sys), root, "sys");
	path_of(cmd, sizeof(cmd), root, "cmdline");
	path_of(proc, sizeof(proc), root, "proc");
	run_kaff(args, NULL, &r);
	ck_assert_msg(r.status == 0 && r.errlen == 0, "exit %d: %s", r.status, r.err);
	cmds = commands_of(r.out);
	ck_assert_msg(!strcmp(cmds, "kernel 7.3\ncpus 4\nnode 0 0-3\nboot_online 0-3\nboot isolcpus=3\n"
				    "census 1\n"
				    "irq/9-acpi n k 1\n"
				    "ksoftirqd/1 n k 1\n"
				    "kthreadd - - 0-2\n"
				    "my_(odd)_thr - k 0-2\n"), "output:\n%s", r.out);
	ck_assert_msg(comment_has(r.out, "kthread 30", "my_(odd)_thr"), "no note:\n%s", r.out);
	free(cmds);
	replays_to_itself(r.out);
	result_free(&r);
	remove_tree(root);
}
END_TEST

/*
 * The real /proc of this machine: every kthread but workqueue workers is
 * listed (counted here from /proc/PID/stat independently), kthreadd
 * among them, and the output replays to its own census. --kernel: the
 * machine's kernel may be outside 6.14 to 7.3.
 */
/* kthreads in /proc but workqueue workers, from the stat flags */
static unsigned int count_kthreads(void)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	unsigned int n = 0;

	ck_assert(d != NULL);
	while ((de = readdir(d))) {
		char path[300], buf[1024];
		unsigned long flags = 0;
		const char *p;
		FILE *f;
		int i;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
		fclose(f);
		/* ") S ppid pgrp session tty tpgid flags": the 7th word after ')' */
		for (i = 0; p && i < 7; i++)
			p = strchr(p + 1, ' ');
		if (p && sscanf(p, "%lu", &flags) == 1 && (flags & 0x00200000ul) &&
		    !(flags & 0x20ul))
			n++;
	}
	closedir(d);
	return n;
}

START_TEST(test_host_kthreads_real_proc)
{
	const char *args[] = { "host", "--kernel", "7.3", "--kthreads", NULL };
	struct run_result r;
	const char *p;
	unsigned int lines = 0;

	run_kaff(args, NULL, &r);
	ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
	p = strstr(r.out, "\ncensus 1\n");
	ck_assert_msg(p != NULL, "no census block:\n%s", r.out);
	for (p += strlen("\ncensus 1\n"); *p; p = strchr(p, '\n') + 1)
		lines++;
	ck_assert_msg(strstr(r.out, "\nkthreadd - - "), "no kthreadd:\n%s", r.out);
	/* kthreads come and go rarely once booted (workers are left out) */
	ck_assert_msg(lines == count_kthreads(), "%u kthreads listed, /proc has %u:\n%s", lines,
		      count_kthreads(), r.out);
	replays_to_itself(r.out);
	result_free(&r);
}
END_TEST

/*
 * diff, audit and render on a population. The snapshot: 7.3, 4 CPUs in
 * nodes 0-1 and 2-3, booted without isolation; the scenario boots it with
 * isolcpus=domain,3. kcompactd1 is node 1's kthread: the domain
 * housekeeping CPUs of node 1 are {2}. When CPU 2 goes down and it wakes
 * (kcompactd wakes every 500 ms; audit wakes every managed kthread after
 * the hotplug), no CPU of its mask is online: the scheduler fallback puts
 * it on every CPU, the isolated CPU 3 included, which audit reports. diff
 * 6.19 vs 7.3: 6.x kthreads follow HK_TYPE_KERNEL_NOISE, which isolcpus=
 * without nohz leaves unset, so kcompactd1 is on 2-3 under 6.19.
 */
START_TEST(test_population_tools)
{
	static const char pop_text[] =
		"kernel 7.3\ncpus 4\nnode 0 0-1\nnode 1 2-3\n"
		"census 1\n"
		"cpuhp/2 n k 2\n"
		"kcompactd0 - k 0-1\n"
		"kcompactd1 - k 2-3\n"
		"kthreadd - - 0-3\n"
		"rcu_preempt - k 0-3\n";
	static const char scn_text[] =
		"kernel 7.3\ncpus 4\nnode 0 0-1\nnode 1 2-3\nboot isolcpus=domain,3\n"
		"census\n";
	char pop[512], scn[512], svg[512], bad[512];
	const char *diff[] = { "diff", "--kernel", "6.19", "--kernel", "7.3", "--population", pop,
			       scn, NULL };
	const char *audit[] = { "audit", "--population", pop, scn, NULL };
	const char *render[] = { "render", "--population", pop, scn, "-o", svg, NULL };
	const char *run[] = { "run", "--population", pop, scn, NULL };
	const char *refused[] = { "run", "--population", pop, bad, NULL };
	const char *missing[] = { "audit", "--population", "/nonexistent/pop", scn, NULL };
	struct run_result r;
	char *svgtext;

	tmp_file(pop, sizeof(pop), "tools.pop");
	tmp_file(scn, sizeof(scn), "tools.scn");
	tmp_file(svg, sizeof(svg), "tools.svg");
	tmp_file(bad, sizeof(bad), "bad.scn");
	write_text(pop, pop_text);
	write_text(scn, scn_text);
	write_text(bad, "kernel 7.3\ncpus 8\ncensus\n");

	run_kaff(run, NULL, &r);
	ck_assert_msg(r.status == 0 && !strcmp(r.out, "census 1\n"
						     "cpuhp/2 n k 2\n"
						     "kcompactd0 - k 0-1\n"
						     "kcompactd1 - k 2\n"
						     "kthreadd - - 0-2\n"
						     "rcu_preempt - k 0-2\n"),
		      "run: exit %d\n%s%s", r.status, r.out, r.err);
	result_free(&r);

#ifdef KAFF_HAVE_JANSSON
	{
		const char *json[] = { "run", "-J", "--population", pop, scn, NULL };

		/* the census as JSON: every kthread with its flags */
		run_kaff(json, NULL, &r);
		ck_assert_msg(r.status == 0 && strstr(r.out, "\"census\": 1") &&
			      strstr(r.out, "\"comm\": \"kthreadd\"") &&
			      strstr(r.out, "\"no_setaffinity\": true"), "run -J:\n%s%s", r.out, r.err);
		result_free(&r);
	}
#endif
	run_kaff(diff, NULL, &r);
	ck_assert_msg(r.status == 1, "diff: exit %d: %s", r.status, r.err);
	ck_assert_msg(strstr(r.out, "kcompactd1") && strstr(r.out, "6.19 2-3") &&
		      strstr(r.out, "7.3 2"), "diff:\n%s", r.out);
	result_free(&r);

	run_kaff(audit, NULL, &r);
	ck_assert_msg(r.status == 1, "audit: exit %d: %s\n%s", r.status, r.err, r.out);
	ck_assert_msg(strstr(r.out, "kcompactd1"), "audit:\n%s", r.out);
	result_free(&r);

	run_kaff(render, NULL, &r);
	ck_assert_msg(r.status == 0, "render: exit %d: %s", r.status, r.err);
	svgtext = read_or_fail(svg, NULL);
	ck_assert_msg(strstr(svgtext, "kcompactd1") && strstr(svgtext, "rcu_preempt"),
		      "render: no population kthread in the picture");
	free(svgtext);
	result_free(&r);

	/* the scenario must describe the snapshot's machine */
	run_kaff(refused, NULL, &r);
	ck_assert_msg(r.status == 2 && strstr(r.err, "'cpus 8' is not the population's 'cpus 4'"),
		      "exit %d: %s", r.status, r.err);
	result_free(&r);
	run_kaff(missing, NULL, &r);
	ck_assert_msg(r.status == 2 && strstr(r.err, "/nonexistent/pop"), "exit %d: %s", r.status,
		      r.err);
	result_free(&r);
	unlink(pop);
	unlink(scn);
	unlink(svg);
	unlink(bad);
}
END_TEST

/* ------------------------------------------------------------------------
 * kaff host: the kernel command line
 */

/*
 * /proc/cmdline is the kernel's command line followed by a newline that
 * fs/proc/cmdline.c adds. The kernel's next_arg() lets an unbalanced quote
 * run to the end of its string, which has no newline: nohz_full="1-2 is
 * nohz_full=1-2. (This used to fail: the newline joined the argument, its
 * "# skipped" note broke over two lines and the header was refused.)
 * A quoted newline or DEL inside an argument that is kept as a comment
 * must not break the comment either.
 */
START_TEST(test_host_cmdline_quotes)
{
	static const struct entry tree[] = {
		{ "sys/devices/system/cpu/possible", "0-3\n" },
		{ "sys/devices/system/cpu/online", "0-3\n" },
		{ "unbalanced", "root=/dev/sda1 nohz_full=\"1-2\n" },
		{ "notes", "\"rcu_nocbs=1\n2\" \"isolcpus=3\x7f\" \"nohz_full=1\t2\" isolcpus=domain,3\n" },
		{ NULL, NULL },
	};
	char root[512], sys[600], cmd[600];
	const char *args[] = { "host", "--sysfs", sys, "--cmdline", cmd, "--kernel", "7.3", NULL };
	struct run_result r;

	make_tree(root, sizeof(root), tree);
	path_of(sys, sizeof(sys), root, "sys");
	path_of(cmd, sizeof(cmd), root, "unbalanced");
	host_ok(args, "kernel 7.3\ncpus 4\nnode 0 0-3\nboot_online 0-3\nboot nohz_full=1-2\n", &r);
	result_free(&r);

	/* only isolcpus=domain,3 is a word; the three others stay comments,
	 * each on one line (host_ok has kaff run read them) */
	path_of(cmd, sizeof(cmd), root, "notes");
	host_ok(args, "kernel 7.3\ncpus 4\nnode 0 0-3\nboot_online 0-3\nboot isolcpus=domain,3\n", &r);
	ck_assert_msg(comment_has(r.out, "# not modelled: ", "rcu_nocbs=1"), "%s", r.out);
	ck_assert_msg(comment_has(r.out, "isolcpus=3", NULL), "%s", r.out);
	ck_assert_msg(comment_has(r.out, "nohz_full=1", NULL), "%s", r.out);
	result_free(&r);

	/* an empty file (a snapshot of an empty command line): no parameter */
	path_of(cmd, sizeof(cmd), root, "empty");
	write_file(cmd, "", 0);
	host_ok(args, "kernel 7.3\ncpus 4\nnode 0 0-3\nboot_online 0-3\n", &r);
	result_free(&r);
	remove_tree(root);
}
END_TEST

/* ------------------------------------------------------------------------
 * kaff host: the profile
 */

/*
 * The kernel line comes from the release's MAJOR.MINOR (kaff.1: from uname
 * -r or --release); a release without one, or outside 6.14 to 7.3, is
 * refused with exit 2 and a request for --kernel.
 */
START_TEST(test_host_release)
{
	static const struct {
		const char *release, *kernel; /* NULL: refused */
	} cases[] = {
		{ "6.14-rc1", "6.14" },   /* a 6.14 release candidate */
		{ "7.3.0-rc2+", "7.3" },
		{ "7.0.12", "7.0" },
		{ "6.", NULL },           /* no minor */
		{ "6..1", NULL },
		{ "7.-rc1", NULL },
		{ "6", NULL },            /* no dot */
		{ "linux", NULL },
		{ "", NULL },
		{ "6.14444444444444444444444444444444444444", NULL },
		{ "6.13.9", NULL },       /* before the seed commit */
		{ "7.4.1", NULL },
	};
	char sys[512], cmd[512], want[128];
	size_t i;

	data_path(sys, sizeof(sys), "hostcov-sparse/sys");
	data_path(cmd, sizeof(cmd), "hostcov-sparse/cmdline");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *args[] = { "host", "--sysfs", sys, "--cmdline", cmd, "--release",
				       cases[i].release, NULL };
		struct run_result r;

		if (!cases[i].kernel) {
			host_fails(args, "is outside the profiles 6.14 to 7.3", "--kernel");
			continue;
		}
		/* the machine part is test_host_sparse_snapshot's */
		snprintf(want, sizeof(want), "kernel %s\ncpus 8\nnode 0 0-7\nboot_online 0-3,6\n"
			 "boot nohz_full=6-7\n", cases[i].kernel);
		host_ok(args, want, &r);
		ck_assert_msg(comment_has(r.out, cases[i].release, NULL), "%s: release not named:\n%s",
			      cases[i].release, r.out);
		result_free(&r);
	}
}
END_TEST

/*
 * docs/errors.md, "a header the kernel refuses": with isolcpus=domain,0-2
 * on 4 CPUs, taking CPUs 1-3 down for boot_online 0 leaves no domain
 * housekeeping CPU online, which the 6.x rules refuse with EBUSY. host
 * says so (exit 2, kaff.1: what it prints must be a header libkaff
 * accepts); under 7.3 the same machine is described.
 */
START_TEST(test_host_refused)
{
	char sys[512], cmd[512];
	const char *six[] = { "host", "--sysfs", sys, "--cmdline", cmd, "--kernel", "6.14", NULL };
	const char *seven[] = { "host", "--sysfs", sys, "--cmdline", cmd, "--kernel", "7.3", NULL };
	struct run_result r;

	data_path(sys, sizeof(sys), "hostcov-refused/sys");
	data_path(cmd, sizeof(cmd), "hostcov-refused/cmdline");
	host_fails(six, "kaff: host: the header for this machine is refused",
		   "the kernel refuses this boot_online set (EBUSY taking a CPU down)");
	host_ok(seven, "kernel 7.3\ncpus 4\nnode 0 0-3\nboot_online 0\nboot isolcpus=domain,0-2\n",
		&r);
	result_free(&r);
}
END_TEST

/* ------------------------------------------------------------------------
 * kaff host: sysfs it cannot use (kaff.1, EXIT STATUS 2: unreadable sysfs)
 */

START_TEST(test_host_bad_sysfs)
{
	static const struct {
		const char *what;
		struct entry tree[5];
		const char *file; /* under sys/devices/system/ */
		const char *why;  /* in the message, after the file's name */
	} cases[] = {
		/* no possible CPU: not even the boot CPU */
		{ "empty possible", { { "sys/devices/system/cpu/possible", "\n" }, { NULL, NULL } },
		  "cpu/possible", "not a cpulist of at most 8192 CPUs" },
		/* CPU 8192 is beyond libkaff's 8192 CPUs (docs/errors.md) */
		{ "possible too wide", { { "sys/devices/system/cpu/possible", "0-8192\n" },
					 { NULL, NULL } },
		  "cpu/possible", "not a cpulist of at most 8192 CPUs" },
		/* sysfs's online mask is a subset of the possible one */
		{ "online not a cpulist", { { "sys/devices/system/cpu/possible", "0-3\n" },
					    { "sys/devices/system/cpu/online", "0-3x\n" },
					    { NULL, NULL } },
		  "cpu/online", "not a cpulist of the possible CPUs" },
		{ "online CPU not possible", { { "sys/devices/system/cpu/possible", "0-3\n" },
					       { "sys/devices/system/cpu/online", "0-4\n" },
					       { NULL, NULL } },
		  "cpu/online", "not a cpulist of the possible CPUs" },
		{ "online a directory", { { "sys/devices/system/cpu/possible", "0-3\n" },
					  { "sys/devices/system/cpu/online", NULL },
					  { NULL, NULL } },
		  "cpu/online", "Is a directory" },
		{ "node cpulist not a cpulist", { { "sys/devices/system/cpu/possible", "0-3\n" },
						  { "sys/devices/system/node/node0/cpulist", "0-1\n" },
						  { "sys/devices/system/node/node1/cpulist", "2-3x\n" },
						  { NULL, NULL } },
		  "node/node1/cpulist", "not a cpulist of the possible CPUs" },
		/* CPU 4 is not below nr_cpu_ids 4 */
		{ "node CPU not possible", { { "sys/devices/system/cpu/possible", "0-3\n" },
					     { "sys/devices/system/node/node0/cpulist", "0-4\n" },
					     { NULL, NULL } },
		  "node/node0/cpulist", "not a cpulist of the possible CPUs" },
		{ "node cpulist a directory", { { "sys/devices/system/cpu/possible", "0-3\n" },
						{ "sys/devices/system/node/node0/cpulist", NULL },
						{ NULL, NULL } },
		  "node/node0/cpulist", "Is a directory" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char root[512], sys[600], head[1024];
		const char *args[] = { "host", "--sysfs", sys, "--cmdline", "/dev/null", "--kernel", "7.3",
				       NULL };

		make_tree(root, sizeof(root), cases[i].tree);
		path_of(sys, sizeof(sys), root, "sys");
		snprintf(head, sizeof(head), "kaff: host: %s/devices/system/%s: %s\n", sys, cases[i].file,
			 cases[i].why);
		host_fails(args, head, NULL);
		remove_tree(root);
	}
}
END_TEST

START_TEST(test_host_usage)
{
	static const char *const opts[] = { "--sysfs", "--cmdline", "--kernel", "--release" };
	const char *help[] = { "host", "-h", NULL };
	struct run_result r;
	size_t i;

	run_kaff(help, NULL, &r);
	ck_assert_msg(r.status == 0 && !strncmp(r.out, "usage: kaff host ", 17) && r.errlen == 0,
		      "exit %d: %s", r.status, r.out);
	result_free(&r);
	/* each option needs a value: one line that says so and points to
	 * --help, exit 2 (docs/errors.md, usage errors) */
	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		const char *args[] = { "host", opts[i], NULL };
		char want[128];

		snprintf(want, sizeof(want),
			 "kaff: host: option '%s' requires an argument (see 'kaff host --help')\n", opts[i]);
		run_kaff(args, NULL, &r);
		ck_assert_msg(r.status == 2 && r.outlen == 0 && !strcmp(r.err, want),
			      "host %s: exit %d: %s", opts[i], r.status, r.err);
		result_free(&r);
	}
}
END_TEST

/* ------------------------------------------------------------------------
 * kaff, run, cpulist: arguments
 */

START_TEST(test_main_help)
{
	const char *args[] = { "-h", NULL };
	const char *run[] = { "run", "-h", NULL };
	struct run_result r;

	run_kaff(args, NULL, &r);
	ck_assert_msg(r.status == 0 && !strncmp(r.out, "usage: kaff run ", 16) && r.errlen == 0,
		      "exit %d: %s", r.status, r.out);
	result_free(&r);
	run_kaff(run, NULL, &r);
	ck_assert_msg(r.status == 0 && !strncmp(r.out, "usage: kaff run ", 16) && r.errlen == 0,
		      "exit %d: %s", r.status, r.out);
	result_free(&r);
}
END_TEST

/* kaff.1: `kaff run [-v] [--kernel V] FILE`; --kernel without V is a usage
 * error, whatever follows it. */
START_TEST(test_run_kernel_without_value)
{
	const char *args[] = { "run", "--kernel", NULL };
	struct run_result r;

	run_kaff(args, NULL, &r);
	ck_assert_msg(r.status == 2 && r.outlen == 0 &&
			      !strcmp(r.err, "kaff: run: option '--kernel' requires an argument "
					     "(see 'kaff run --help')\n"),
		      "exit %d: %s", r.status, r.err);
	result_free(&r);
}
END_TEST

/*
 * KAFF_TEST_FAIL_ALLOC=N fails the Nth allocation (docs/errors.md); set but
 * empty it names no allocation, and the run is the manual's example
 * (kaff.1, run: one kthread woken on 4 CPUs has all of them).
 */
START_TEST(test_run_fail_alloc_empty)
{
	char scn[512];
	const char *args[] = { "run", scn, NULL };
	static const char text[] = "cpus 4\ncreate A\nwake A\nshow\n";
	struct spawn_opts o = { .env_add = "KAFF_TEST_FAIL_ALLOC=" };
	struct run_result r;

	tmp_file(scn, sizeof(scn), "a.scn");
	write_file(scn, text, sizeof(text) - 1);
	run_with(args, &o, &r);
	ck_assert_msg(r.status == 0 && r.errlen == 0, "exit %d: %s", r.status, r.err);
	ck_assert_str_eq(r.out, "show 1\nA 0-3\n");
	result_free(&r);
	unlink(scn);
}
END_TEST

/*
 * kaff.1: `kaff cpulist --nbits N [--] LIST`, N from 0 to 8192 in decimal
 * (docs/errors.md: "kaff: cpulist: --nbits must be 0 to 8192", exit 2).
 */
START_TEST(test_cpulist_args)
{
	static const char *const bad_nbits[] = { "-1", "x", "", "4x", "99999999999999999999999" };
	const char *no_value[] = { "cpulist", "--nbits", NULL };
	const char *no_list[] = { "cpulist", "--nbits", "4", NULL };
	struct run_result r;
	size_t i;

	run_kaff(no_value, NULL, &r);
	ck_assert_msg(r.status == 2 && r.outlen == 0 &&
			      !strcmp(r.err, "kaff: cpulist: option '--nbits' requires an argument "
					     "(see 'kaff cpulist --help')\n"),
		      "exit %d: %s", r.status, r.err);
	result_free(&r);
	run_kaff(no_list, NULL, &r);
	ck_assert_msg(r.status == 2 && r.outlen == 0 &&
			      !strcmp(r.err, "kaff: cpulist: missing LIST operand (see 'kaff cpulist --help')\n"),
		      "exit %d: %s", r.status, r.err);
	result_free(&r);
	for (i = 0; i < sizeof(bad_nbits) / sizeof(bad_nbits[0]); i++) {
		const char *args[] = { "cpulist", "--nbits", bad_nbits[i], "0", NULL };

		run_kaff(args, NULL, &r);
		ck_assert_msg(r.status == 2 && r.outlen == 0, "--nbits '%s': exit %d", bad_nbits[i],
			      r.status);
		ck_assert_str_eq(r.err, "kaff: cpulist: --nbits must be 0 to 8192\n");
		result_free(&r);
	}
}
END_TEST

/*
 * getopt_long()'s conventions: "-1" is an option (an unknown one, exit 2)
 * unless "--" comes before it; "-" alone is an operand. As lists, both are
 * refused by bitmap_parselist(): a range needs a number before its '-'
 * (EINVAL, exit 1, docs/errors.md).
 */
START_TEST(test_cpulist_dash_lists)
{
	static const char *const lists[][2] = { { "-", NULL }, { "--", "-1" } };
	const char *opt[] = { "cpulist", "--nbits", "4", "-1", NULL };
	struct run_result r;
	size_t i;

	run_kaff(opt, NULL, &r);
	ck_assert_msg(r.status == 2 && r.outlen == 0, "-1: exit %d: %s", r.status, r.err);
	ck_assert_str_eq(r.err, "kaff: cpulist: invalid option -- '1' (see 'kaff cpulist --help')\n");
	result_free(&r);
	for (i = 0; i < 2; i++) {
		const char *args[] = { "cpulist", "--nbits", "4", lists[i][0], lists[i][1], NULL };

		run_kaff(args, NULL, &r);
		ck_assert_msg(r.status == 1 && r.outlen == 0, "'%s': exit %d: %s", lists[i][0], r.status,
			      r.err);
		ck_assert_str_eq(r.err, "kaff: cpulist: EINVAL: the list does not follow the cpulist "
					"grammar\n");
		result_free(&r);
	}
}
END_TEST

/*
 * kaff.1, EXIT STATUS 3: the output could not be written. Writes to
 * /dev/full fail with ENOSPC (full(4)); errors.md: kaff says what was
 * wrong. (cpulist used to exit 3 without a word.)
 */
START_TEST(test_cpulist_write_error)
{
	const char *args[] = { "cpulist", "--nbits", "16", "0-15:2/4", NULL };
	struct spawn_opts o = { .out = "/dev/full" };
	struct run_result r;

	if (access("/dev/full", W_OK))
		return;
	run_with(args, &o, &r);
	ck_assert_int_eq(r.status, 3);
	ck_assert_msg(!strncmp(r.err, "kaff: cpulist: ", 15) && strstr(r.err, strerror(ENOSPC)), "%s",
		      r.err);
	result_free(&r);
}
END_TEST

/*
 * getopt_long()'s conventions (kaff.1, OPTIONS): every spelling of
 * --kernel 7.3 replays the same. The scenario has no kernel line (6.14)
 * and nohz_full=3: under 6.14 kthreads follow HK_TYPE_KERNEL_NOISE, so A
 * is 0-2; under 7.3 they follow HK_TYPE_DOMAIN, which nohz_full= leaves
 * whole, so A is 0-3 (docs/algorithm.md#rule-d1). Each spelling must give
 * 7.3's trace; -v adds nothing on stderr here (no kernel message).
 */
START_TEST(test_option_forms)
{
	static const char text[] = "cpus 4\nboot nohz_full=3\ncreate A\nwake A\nshow\n";
	static const char *const forms[][6] = {
		{ "run", "--kernel", "7.3", "@", NULL },
		{ "run", "--kernel=7.3", "@", NULL },
		{ "run", "--ker=7.3", "@", NULL },        /* an unambiguous prefix */
		{ "run", "--k", "7.3", "@", NULL },
		{ "run", "-k", "7.3", "@", NULL },
		{ "run", "-k7.3", "@", NULL },
		{ "run", "-vk", "7.3", "@", NULL },       /* a cluster ending in -k */
		{ "run", "-vk7.3", "@", NULL },
		{ "run", "@", "--kernel", "7.3", NULL },  /* options after the operand */
		{ "run", "--verbose", "--kernel=7.3", "--", "@", NULL },
	};
	char scn[512];
	const char *args[7];
	struct run_result r;
	size_t i, k;

	tmp_file(scn, sizeof(scn), "forms.scn");
	write_text(scn, text);
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		for (k = 0; forms[i][k]; k++)
			args[k] = strcmp(forms[i][k], "@") ? forms[i][k] : scn;
		args[k] = NULL;
		run_kaff(args, NULL, &r);
		ck_assert_msg(r.status == 0 && !strcmp(r.out, "show 1\nA 0-3\n") && r.errlen == 0,
			      "form %zu (%s %s): exit %d, out '%s', err '%s'", i, forms[i][1],
			      forms[i][2], r.status, r.out, r.err);
		result_free(&r);
	}
	/* a prefix of two options is refused, naming both */
	args[0] = "run";
	args[1] = "--ver";
	args[2] = scn;
	args[3] = NULL;
	run_kaff(args, NULL, &r);
	ck_assert_int_eq(r.status, 2);
	ck_assert_str_eq(r.err, "kaff: run: option '--ver' is ambiguous; possibilities: '--verbose' "
				"'--version' (see 'kaff run --help')\n");
	result_free(&r);
	/* and without it, the file's own 6.14 */
	args[0] = "run";
	args[1] = scn;
	args[2] = NULL;
	run_kaff(args, NULL, &r);
	ck_assert_str_eq(r.out, "show 1\nA 0-2\n");
	result_free(&r);
}
END_TEST

/* Every command has its own --help and -h (its usage first, on stdout,
 * exit 0) and -V/--version (kaff's version); kaff itself too. */
START_TEST(test_help_version_everywhere)
{
	static const char *const cmds[] = { "run", "cpulist", "diff", "host", "audit", "render" };
	static const char *const hv[] = { "--help", "-h", "--version", "-V", "--he", "--vers" };
	char want[64], version[64];
	struct run_result r;
	size_t i, j;

	snprintf(version, sizeof(version), "kaff %s\n", kaff_version_string());
	for (i = 0; i <= sizeof(cmds) / sizeof(cmds[0]); i++) {
		for (j = 0; j < sizeof(hv) / sizeof(hv[0]); j++) {
			const char *args[3] = { NULL, NULL, NULL };
			bool help = hv[j][1] == 'h' || hv[j][2] == 'h';

			if (i < sizeof(cmds) / sizeof(cmds[0])) {
				args[0] = cmds[i];
				args[1] = hv[j];
				snprintf(want, sizeof(want), "usage: kaff %s ", cmds[i]);
			} else {
				args[0] = hv[j];
				snprintf(want, sizeof(want), "usage: kaff run ");
			}
			run_kaff(args, NULL, &r);
			ck_assert_msg(r.status == 0 && r.errlen == 0, "%s %s: exit %d: %s", args[0],
				      args[1] ? args[1] : "", r.status, r.err);
			if (help)
				ck_assert_msg(starts_with(r.out, want), "%s %s: %s", args[0],
					      args[1] ? args[1] : "", r.out);
			else
				ck_assert_str_eq(r.out, version);
			result_free(&r);
		}
	}
}
END_TEST

static Suite *cli_host_suite(void)
{
	Suite *s = suite_create("cli-host");
	TCase *tc = tcase_create("commands");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_host_nodes);
	tcase_add_test(tc, test_host_sparse_snapshot);
	tcase_add_test(tc, test_host_kthreads_fake_proc);
	tcase_add_test(tc, test_host_kthreads_real_proc);
	tcase_add_test(tc, test_population_tools);
	tcase_add_test(tc, test_host_cmdline_quotes);
	tcase_add_test(tc, test_host_release);
	tcase_add_test(tc, test_host_refused);
	tcase_add_test(tc, test_host_bad_sysfs);
	tcase_add_test(tc, test_host_usage);
	tcase_add_test(tc, test_main_help);
	tcase_add_test(tc, test_option_forms);
	tcase_add_test(tc, test_help_version_everywhere);
	tcase_add_test(tc, test_run_kernel_without_value);
	tcase_add_test(tc, test_run_fail_alloc_empty);
	tcase_add_test(tc, test_cpulist_args);
	tcase_add_test(tc, test_cpulist_dash_lists);
	tcase_add_test(tc, test_cpulist_write_error);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	tools_init("cli-host");
	return tools_run(cli_host_suite());
}
