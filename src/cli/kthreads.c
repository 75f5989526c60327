/* SPDX-License-Identifier: MIT */
/*
 * kaff host --kthreads: the census block of a live machine (FORMAT.md
 * "Census"), read from /proc as the oracle reads it: every task with
 * PF_KTHREAD in the flags of /proc/PID/stat except workqueue workers
 * (PF_WQ_WORKER), one line "COMM F P MASK", sorted in byte order.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* include/linux/sched.h */
#define PF_WQ_WORKER 0x00000020ul
#define PF_KTHREAD 0x00200000ul
#define PF_NO_SETAFFINITY 0x04000000ul

struct kt {
	char comm[KAFF_TASK_NAME_MAX + 1];
	unsigned long flags;
	long pid, ppid;
	char *mask;             /* Cpus_allowed_list */
};

static char *proc_file(const char *proc, const char *pid, const char *file)
{
	size_t n = strlen(proc) + strlen(pid) + strlen(file) + 3;
	char *path = malloc(n);
	size_t len;
	char *text;

	if (!path) {
		errno = ENOMEM;
		return NULL;
	}
	snprintf(path, n, "%s/%s/%s", proc, pid, file);
	text = kaff_read_all(path, &len);
	free(path);
	return text;
}

/* The fields of /proc/PID/stat after "pid (comm)": the comm may hold
 * blanks and parentheses, so start after the last ')'. */
static bool parse_stat(const char *text, struct kt *k)
{
	const char *p = strrchr(text, ')');
	unsigned int field;
	char *end;

	if (!p)
		return false;
	p++;
	/* field 3 is the state; 4 the ppid; 9 the flags */
	for (field = 3; field <= 9; field++) {
		while (*p == ' ')
			p++;
		if (!*p)
			return false;
		if (field == 4)
			k->ppid = strtol(p, &end, 10);
		else if (field == 9)
			k->flags = strtoul(p, &end, 10);
		p = strchr(p, ' ');
		if (!p)
			return field == 9;
	}
	return true;
}

static char *status_cpus(const char *text)
{
	const char *p = strstr(text, "\nCpus_allowed_list:");
	size_t n;
	char *s;

	if (!p)
		return NULL;
	p += strlen("\nCpus_allowed_list:");
	p += strspn(p, " \t");
	n = strcspn(p, "\n");
	s = malloc(n + 2);
	if (!s)
		return NULL;
	memcpy(s, p, n);
	s[n] = '\0';
	if (!n)
		strcpy(s, "-");
	return s;
}

/* One /proc entry: 1 a kthread for the census, 0 not one (or gone), -errno. */
static int read_task(const char *proc, const char *pid, struct kt *k, struct kaff_sbuf *notes)
{
	char *stat = proc_file(proc, pid, "stat"), *comm = NULL, *status = NULL;
	bool mangled;
	size_t n, i;
	int ret = 0;

	if (!stat)
		return errno == ENOMEM ? -ENOMEM : 0;    /* exited meanwhile */
	memset(k, 0, sizeof(*k));
	k->pid = strtol(pid, NULL, 10);
	if (!parse_stat(stat, k)) {
		kaff_sbuf_printf(notes, "# %s/%s/stat: unreadable, task left out\n", proc, pid);
		goto out;
	}
	if (!(k->flags & PF_KTHREAD) || (k->flags & PF_WQ_WORKER))
		goto out;
	comm = proc_file(proc, pid, "comm");
	status = comm ? proc_file(proc, pid, "status") : NULL;
	if (!comm || !status) {
		ret = errno == ENOMEM ? -ENOMEM : 0;
		goto out;
	}
	n = strcspn(comm, "\n");
	mangled = !n || n > KAFF_TASK_NAME_MAX;
	if (n > KAFF_TASK_NAME_MAX)
		n = KAFF_TASK_NAME_MAX;
	memcpy(k->comm, comm, n);
	k->comm[n] = '\0';
	/* A census name is printable ASCII without blanks. */
	for (i = 0; i < n; i++) {
		if (k->comm[i] <= ' ' || k->comm[i] > '~') {
			k->comm[i] = '_';
			mangled = true;
		}
	}
	if (!n)
		strcpy(k->comm, "_");
	if (mangled)
		kaff_sbuf_printf(notes, "# kthread %ld: name written as '%s'\n", k->pid, k->comm);
	k->mask = status_cpus(status);
	if (!k->mask) {
		ret = errno == ENOMEM ? -ENOMEM : 0;
		if (!ret)
			kaff_sbuf_printf(notes, "# kthread %ld (%s): no Cpus_allowed_list, left out\n",
					 k->pid, k->comm);
		goto out;
	}
	ret = 1;
out:
	free(stat);
	free(comm);
	free(status);
	return ret;
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int kaff_host_census(const char *proc, struct kaff_sbuf *out, struct kaff_sbuf *notes)
{
	struct kt *kts = NULL, *grown;
	size_t n = 0, cap = 0, i;
	char **lines = NULL;
	long kthreadd = -1;
	struct dirent *de;
	int ret = 0;
	DIR *d;

	d = opendir(proc);
	if (!d)
		return -errno;
	while ((de = readdir(d)) && ret >= 0) {
		if (strspn(de->d_name, "0123456789") != strlen(de->d_name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			grown = realloc(kts, cap * sizeof(*kts));
			if (!grown) {
				ret = -ENOMEM;
				break;
			}
			kts = grown;
		}
		ret = read_task(proc, de->d_name, &kts[n], notes);
		if (ret == 1) {
			/* kthreadd: the kthread whose parent is the idle task */
			if (!kts[n].ppid && !strcmp(kts[n].comm, "kthreadd"))
				kthreadd = kts[n].pid;
			n++;
		}
	}
	closedir(d);
	if (ret >= 0) {
		lines = malloc((n ? n : 1) * sizeof(*lines));
		ret = lines ? 0 : -ENOMEM;
	}
	for (i = 0; i < n && !ret; i++) {
		size_t len = strlen(kts[i].comm) + strlen(kts[i].mask) + 8;

		lines[i] = malloc(len);
		if (!lines[i]) {
			ret = -ENOMEM;
			break;
		}
		snprintf(lines[i], len, "%s %c %c %s", kts[i].comm,
			 (kts[i].flags & PF_NO_SETAFFINITY) ? 'n' : '-',
			 kts[i].ppid == kthreadd && kthreadd > 0 ? 'k' : '-', kts[i].mask);
	}
	if (!ret) {
		qsort(lines, n, sizeof(*lines), cmp_line);
		kaff_sbuf_puts(out, "census 1\n");
		for (i = 0; i < n; i++) {
			kaff_sbuf_puts(out, lines[i]);
			kaff_sbuf_puts(out, "\n");
		}
		if (!n)
			kaff_sbuf_printf(notes, "# %s lists no kthread\n", proc);
	}
	for (i = 0; lines && i < n && lines[i]; i++)
		free(lines[i]);
	for (i = 0; i < n; i++)
		free(kts[i].mask);
	free(lines);
	free(kts);
	return ret;
}
