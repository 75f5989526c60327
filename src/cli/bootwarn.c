/* SPDX-License-Identifier: MIT */
/*
 * What the kernel ignored at boot (kaff_machine_boot_warning()), copied
 * out of a replay's context so that it outlives it, and told on stderr by
 * run, diff and render without -v: a boot parameter the kernel ignores is
 * no scenario error, but the person who wrote it must learn of it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *const reason_names[] = {
	[KAFF_BOOT_BAD_CPULIST] = "bad-cpulist",
	[KAFF_BOOT_NO_HOUSEKEEPING] = "no-housekeeping",
	[KAFF_BOOT_MISMATCH] = "mismatch",
	[KAFF_BOOT_INVALID_FLAG] = "invalid-flag",
	[KAFF_BOOT_UNKNOWN_FLAG] = "unknown-flag",
	[KAFF_BOOT_EMPTY] = "empty",
};

const char *kaff_boot_reason_name(enum kaff_boot_warning_reason r)
{
	return (unsigned int)r < sizeof(reason_names) / sizeof(reason_names[0]) && reason_names[r]
		       ? reason_names[r] : "?";
}

static char *dup_or_null(const char *s, bool *oom)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*oom = true;
	return d;
}

int kaff_boot_notes_get(struct kaff_boot_notes *n, const struct kaff_ctx *ctx,
			const struct kaff_scenario *sc)
{
	unsigned int i, nr = kaff_machine_nr_boot_warnings(ctx), at = 0;
	const char *prev = NULL;
	bool oom = false;

	memset(n, 0, sizeof(*n));
	if (!nr)
		return 0;
	n->w = calloc(nr, sizeof(*n->w));
	if (!n->w)
		return -ENOMEM;
	for (i = 0; i < nr && !oom; i++) {
		struct kaff_boot_warning w;

		if (kaff_machine_boot_warning(ctx, i, &w))
			break;
		n->w[i].reason = w.reason;
		n->w[i].param = dup_or_null(w.param, &oom);
		n->w[i].console = dup_or_null(w.console, &oom);
		n->w[i].meaning = dup_or_null(w.meaning, &oom);
		n->nr = i + 1;
		/*
		 * Warnings come in parameter order. One parameter may give two
		 * (a skipped flag, then an empty list): the context hands out
		 * the same string for both, so the same pointer is the same
		 * parameter; a new one is the next parameter of that text (the
		 * same text may stand twice).
		 */
		if (i && w.param == prev) {
			n->w[i].line = n->w[i - 1].line;
			n->w[i].col = n->w[i - 1].col;
			continue;
		}
		prev = w.param;
		for (at = i ? at + 1 : 0; at < kaff_scenario_nr_boot_params(sc); at++) {
			const char *p = kaff_scenario_boot_param(sc, at, &n->w[i].line, &n->w[i].col);

			if (w.param && !strcmp(p, w.param))
				break;
			n->w[i].line = n->w[i].col = 0;
		}
	}
	if (oom) {
		kaff_boot_notes_free(n);
		return -ENOMEM;
	}
	return 0;
}

void kaff_boot_notes_free(struct kaff_boot_notes *n)
{
	unsigned int i;

	for (i = 0; i < n->nr; i++) {
		free(n->w[i].param);
		free(n->w[i].console);
		free(n->w[i].meaning);
	}
	free(n->w);
	memset(n, 0, sizeof(*n));
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

bool kaff_boot_notes_equal(const struct kaff_boot_notes *a, const struct kaff_boot_notes *b)
{
	unsigned int i;

	if (a->nr != b->nr)
		return false;
	for (i = 0; i < a->nr; i++)
		if (a->w[i].reason != b->w[i].reason || !same_str(a->w[i].param, b->w[i].param) ||
		    !same_str(a->w[i].console, b->w[i].console))
			return false;
	return true;
}

void kaff_boot_notes_print(const struct kaff_boot_notes *n, const char *file, const char *kernel)
{
	unsigned int i;

	for (i = 0; i < n->nr; i++) {
		const char *p = n->w[i].param ? n->w[i].param : "?";
		char where[32] = "";

		/* FILE:LINE:COL, as scenario errors name a place */
		if (n->w[i].line)
			snprintf(where, sizeof(where), ":%u:%u", n->w[i].line, n->w[i].col);
		fprintf(stderr, "kaff: %s%s: warning%s%s%s: boot %s: kernel: %s\n", file, where,
			kernel ? " (kernel " : "", kernel ? kernel : "", kernel ? ")" : "", p,
			n->w[i].console ? n->w[i].console : "(prints nothing)");
		fprintf(stderr, "kaff: %s%s: warning%s%s%s: boot %s: %s\n", file, where,
			kernel ? " (kernel " : "", kernel ? kernel : "", kernel ? ")" : "", p,
			n->w[i].meaning ? n->w[i].meaning : "?");
	}
}

#ifdef KAFF_HAVE_JANSSON
json_t *kaff_boot_notes_json(const struct kaff_boot_notes *n)
{
	json_t *arr = json_array();
	unsigned int i;

	for (i = 0; i < n->nr && arr; i++) {
		/* kaff_json_text(): a parameter may hold Latin-1 (o73-14) */
		json_t *w = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o}", "reason",
				      kaff_boot_reason_name(n->w[i].reason), "param",
				      kaff_json_text(n->w[i].param ? n->w[i].param : ""), "line",
				      n->w[i].line ? json_integer(n->w[i].line) : json_null(), "col",
				      n->w[i].line ? json_integer(n->w[i].col) : json_null(), "console",
				      n->w[i].console ? kaff_json_text(n->w[i].console) : json_null(),
				      "meaning", kaff_json_text(n->w[i].meaning ? n->w[i].meaning : ""));

		if (!w || json_array_append_new(arr, w)) {
			json_decref(arr);
			arr = NULL;
		}
	}
	return arr;
}
#endif
