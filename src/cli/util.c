/* SPDX-License-Identifier: MIT */
/* Helpers shared by the kaff subcommands: strings, files, scenarios. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void kaff_sbuf_vprintf(struct kaff_sbuf *b, const char *fmt, va_list ap)
{
	va_list aq;
	size_t need, cap;
	char *ns;
	int n;

	if (b->oom)
		return;
	va_copy(aq, ap);
	n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, aq);
	va_end(aq);
	if (n < 0) {
		b->oom = true;
		return;
	}
	need = b->len + (size_t)n + 1;
	if (b->s && need <= b->cap) {
		b->len += (size_t)n;
		return;
	}
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	ns = realloc(b->s, cap);
	if (!ns) {
		b->oom = true;
		return;
	}
	b->s = ns;
	b->cap = cap;
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	b->len += (size_t)n;
}

void kaff_sbuf_printf(struct kaff_sbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kaff_sbuf_vprintf(b, fmt, ap);
	va_end(ap);
}

void kaff_sbuf_puts(struct kaff_sbuf *b, const char *s)
{
	kaff_sbuf_printf(b, "%s", s);
}

void kaff_sbuf_mask(struct kaff_sbuf *b, const struct kaff_cpumask *m)
{
	char *s = kaff_mask_str(m);

	if (!s) {
		b->oom = true;
		return;
	}
	kaff_sbuf_puts(b, s);
	free(s);
}

void kaff_sbuf_reset(struct kaff_sbuf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

void kaff_sbuf_free(struct kaff_sbuf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

char *kaff_mask_str(const struct kaff_cpumask *m)
{
	size_t n = kaff_cpulist_snprint(NULL, 0, m);
	char *s = malloc(n + 2);

	if (!s)
		return NULL;
	if (!n)
		strcpy(s, "-");
	else
		kaff_cpulist_snprint(s, n + 1, m);
	return s;
}

char *kaff_read_all(const char *path, size_t *len)
{
	return kaff_read_file(path, len, KAFF_READ_ALL_MAX);
}

char *kaff_read_file(const char *path, size_t *len, size_t max)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t cap = 4096, n = 0;
	char *buf, *nb;

	if (!f)
		return NULL;
	errno = 0;
	buf = malloc(cap);
	while (buf) {
		n += fread(buf + n, 1, cap - n - 1, f);
		if (n < cap - 1)
			break;
		/* sysfs files and a command line are small: /dev/zero is not one */
		nb = cap >= max ? NULL : realloc(buf, cap * 2);
		if (!nb) {
			free(buf);
			buf = NULL;
			errno = cap >= max ? EFBIG : ENOMEM;
			break;
		}
		buf = nb;
		cap *= 2;
	}
	if (buf && ferror(f)) {
		/* keep fread()'s reason (EISDIR for a directory) */
		int e = errno ? errno : EIO;

		free(buf);
		buf = NULL;
		errno = e;
	}
	if (f != stdin)
		fclose(f);
	if (buf)
		buf[n] = '\0';
	*len = n;
	return buf;
}

const char *kaff_display_name(const char *path)
{
	return strcmp(path, "-") ? path : "<stdin>";
}

int kaff_load_scenario(const char *cmd, const char *path, const struct kaff_allocator *alloc,
		       const struct kaff_population *pop, struct kaff_scenario **out)
{
	const char *name = kaff_display_name(path), *sep = cmd ? ": " : "";
	struct kaff_scenario_error err;
	FILE *f;
	int ret;

	*out = NULL;
	cmd = cmd ? cmd : "";
	f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f) {
		if (errno == ENOMEM) {
			fprintf(stderr, "kaff: %s%s%s: ENOMEM: out of memory opening the file\n", cmd,
				sep, name);
			return KAFF_EXIT_INTERNAL;
		}
		fprintf(stderr, "kaff: %s%s%s: %s\n", cmd, sep, name, strerror(errno));
		return KAFF_EXIT_USAGE;
	}
	/* read as it is parsed: memory does not grow with the file */
	ret = pop ? kaff_scenario_parse_file_population(f, pop, alloc, out, &err)
		  : kaff_scenario_parse_file(f, alloc, out, &err);
	if (f != stdin)
		fclose(f);
	if (ret == -EINVAL) {
		fprintf(stderr, "kaff: %s:%u:%u: %s\n", name, err.line, err.col, err.msg);
		return KAFF_EXIT_USAGE;
	}
	/* out of memory is exit 3 as everywhere (docs/errors.md); a read
	 * error is unreadable input */
	if (ret == -ENOMEM) {
		fprintf(stderr, "kaff: %s%s%s: ENOMEM: out of memory while parsing\n", cmd, sep, name);
		return KAFF_EXIT_INTERNAL;
	}
	if (ret) {
		fprintf(stderr, "kaff: %s%s%s: %s\n", cmd, sep, name, strerror(-ret));
		return KAFF_EXIT_USAGE;
	}
	return KAFF_EXIT_OK;
}

int kaff_cli_read_population(const char *path, const struct kaff_allocator *alloc,
			     struct kaff_population **out)
{
	struct kaff_scenario_error err;
	size_t len;
	char *text;
	int ret;

	*out = NULL;
	/* a population of a big machine is megabytes: the limit is the
	 * address space's */
	text = kaff_read_file(path, &len, SIZE_MAX / 4);
	if (!text) {
		int e = errno;

		if (e == ENOMEM) {
			fprintf(stderr, "kaff: %s: ENOMEM: out of memory reading the file\n",
				kaff_display_name(path));
			return KAFF_EXIT_INTERNAL;
		}
		fprintf(stderr, "kaff: %s: %s\n", kaff_display_name(path), strerror(e));
		return KAFF_EXIT_USAGE;
	}
	ret = kaff_population_parse(text, len, alloc, out, &err);
	free(text);
	if (ret == -EINVAL) {
		fprintf(stderr, "kaff: %s:%u:%u: %s\n", kaff_display_name(path), err.line, err.col,
			err.msg);
		return KAFF_EXIT_USAGE;
	}
	if (ret) {
		fprintf(stderr, "kaff: %s: %s: %s while reading the population\n",
			kaff_display_name(path), kaff_strerrorname(ret),
			ret == -ENOMEM ? "out of memory" : strerror(-ret));
		return KAFF_EXIT_INTERNAL;
	}
	return KAFF_EXIT_OK;
}

int kaff_replay_start(const char *cmd, const char *file, const struct kaff_scenario *sc,
		      const struct kaff_profile *profile, struct kaff_replay **out)
{
	struct kaff_replay_ops ops = { 0 };
	int ret;

	ops.profile = profile;
	ret = kaff_replay_new(sc, &ops, out);
	if (!ret)
		return KAFF_EXIT_OK;
	if (!profile)
		profile = kaff_scenario_profile(sc);
	if (ret == -EOPNOTSUPP) {
		fprintf(stderr, "kaff: %s: %s: isolate is not modelled under kernel %s\n", cmd,
			kaff_display_name(file), kaff_profile_name(profile));
		return KAFF_EXIT_USAGE;
	}
	if (ret == -ENOMEM) {
		fprintf(stderr, "kaff: %s: %s: ENOMEM\n", cmd, kaff_display_name(file));
		return KAFF_EXIT_INTERNAL;
	}
	if (ret == -EDOM)
		return kaff_cli_replay_failed(cmd, kaff_display_name(file), profile, ret);
	/* The parser booted the file under its own profile, so only another
	 * profile can refuse the boot_online set. */
	fprintf(stderr, "kaff: %s: %s: kernel %s refuses this boot_online set (%s taking a CPU down)\n",
		cmd, kaff_display_name(file), kaff_profile_name(profile), kaff_strerrorname(ret));
	return KAFF_EXIT_USAGE;
}

/* A replay that libkaff stopped: a hook's refusal is the user's (exit 2). */
int kaff_cli_replay_failed(const char *cmd, const char *where, const struct kaff_profile *profile,
			   int err)
{
	if (err == -EDOM) {
		fprintf(stderr, "kaff: %s: %s: the fetch hook of kernel %s gave a kthread no CPU (EDOM): "
			"kthread_fetch_affinity() must return a CPU; the event was refused\n",
			cmd, where, kaff_profile_name(profile));
		return KAFF_EXIT_USAGE;
	}
	fprintf(stderr, "kaff: %s: %s: replay stopped: %s (%s)\n", cmd, where, kaff_strerrorname(err),
		err == -ENOMEM ? "out of memory" : strerror(-err));
	return KAFF_EXIT_INTERNAL;
}

int kaff_flush_out(const char *cmd, const struct kaff_sbuf *b)
{
	if (b->oom) {
		fprintf(stderr, "kaff: %s: ENOMEM: out of memory\n", cmd);
		return KAFF_EXIT_INTERNAL;
	}
	if ((b->len && fwrite(b->s, 1, b->len, stdout) != b->len) || fflush(stdout)) {
		fprintf(stderr, "kaff: %s: cannot write the output: %s\n", cmd, strerror(errno));
		return KAFF_EXIT_INTERNAL;
	}
	return KAFF_EXIT_OK;
}

/* A task named by an event is the event's second word ("wake kthreadd"). */
const char *kaff_kthreadd_label(const struct kaff_scenario *sc)
{
	unsigned int i, n = kaff_scenario_nr_events(sc);
	char desc[64];

	for (i = 0; i < n; i++) {
		const char *w;

		if (kaff_scenario_event_describe(sc, i, desc, sizeof(desc), NULL) < 0)
			continue;
		w = strchr(desc, ' ');
		if (w && !strncmp(w + 1, "kthreadd", 8) && (w[9] == ' ' || !w[9]))
			return "[kthreadd]";
	}
	return "kthreadd";
}

#ifdef KAFF_HAVE_JANSSON
/* Not json_dumps(): jansson 2.14 ignores a failed append of an object key
 * (akheron/jansson#655) and returns the document without it; here a failed
 * append leaves the sbuf's oom flag set. */
static int dump_to_sbuf(const char *buf, size_t len, void *data)
{
	struct kaff_sbuf *o = data;

	kaff_sbuf_printf(o, "%.*s", (int)len, buf);
	return o->oom ? -1 : 0;
}

json_t *kaff_json_text(const char *s)
{
	struct kaff_sbuf b = { 0 };
	json_t *j = json_string(s);
	const unsigned char *c;

	if (j || !s)
		return j;
	for (c = (const unsigned char *)s; *c; c++)
		kaff_sbuf_printf(&b, *c < 0x80 ? "%c" : "\\x%02x", *c);
	j = b.oom ? NULL : json_string(b.s ? b.s : "");
	kaff_sbuf_free(&b);
	return j;
}

int kaff_json_dump(json_t *root, struct kaff_sbuf *o)
{
	if (!root || json_dump_callback(root, dump_to_sbuf, o, JSON_INDENT(2) | JSON_PRESERVE_ORDER))
		return -ENOMEM;
	kaff_sbuf_puts(o, "\n");
	return o->oom ? -ENOMEM : 0;
}
#endif

int kaff_json_unavailable(const char *cmd)
{
	fprintf(stderr, "kaff: %s: --json is not available: this kaff was built without jansson\n", cmd);
	return KAFF_EXIT_USAGE;
}
