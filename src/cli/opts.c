/* SPDX-License-Identifier: MIT */
/*
 * Option parsing shared by every kaff command, with getopt_long()'s
 * conventions (what taskset, chcpu and lscpu users know): "--name VALUE"
 * and "--name=VALUE", "-k VALUE" and "-kVALUE", clusters ("-vk7.3"), an
 * unambiguous prefix of a long name ("--ker"), options and operands in
 * any order, "--" ends the options and "-" is an operand. Every command
 * takes -h/--help and -V/--version. Unlike getopt_long() it keeps its
 * state in the caller's struct (no optind), and each message is one line
 * that names the command and points to its --help.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

void kaff_args_init(struct kaff_args *a, const char *cmd, const char *usage,
		    const struct kaff_opt *opts, int argc, char **argv)
{
	memset(a, 0, sizeof(*a));
	a->cmd = cmd;
	a->usage = usage;
	a->opts = opts;
	a->argc = argc;
	a->argv = argv;
	a->i = 1;
}

void kaff_args_error(struct kaff_args *a, const char *fmt, ...)
{
	va_list ap;

	/* no command: kaff's own options ("kaff --bogus") */
	fprintf(stderr, "kaff: %s%s", a->cmd ? a->cmd : "", a->cmd ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'kaff %s%s--help')\n", a->cmd ? a->cmd : "", a->cmd ? " " : "");
	a->status = KAFF_EXIT_USAGE;
}

static const struct kaff_opt common_opts[] = {
	{ "help", 'h', false },
	{ "version", 'V', false },
	{ NULL, 0, false },
};

/* The option a long name (or an unambiguous prefix of one) stands for. */
static const struct kaff_opt *find_long(struct kaff_args *a, const char *name, size_t len)
{
	const struct kaff_opt *tables[2] = { a->opts, common_opts }, *found = NULL, *o;
	unsigned int t, matches = 0;

	if (!len) {
		/* "--=x": no name at all */
		kaff_args_error(a, "unrecognized option '--%s'", name);
		return NULL;
	}
	for (t = 0; t < 2; t++) {
		for (o = tables[t]; o && o->name; o++) {
			if (strncmp(o->name, name, len))
				continue;
			if (strlen(o->name) == len)
				return o;
			if (!found || found->key != o->key)
				matches++;
			found = o;
		}
	}
	if (matches > 1) {
		char list[160] = "";
		size_t n = 0;

		/* the possibilities, as getopt_long() lists them */
		for (t = 0; t < 2; t++)
			for (o = tables[t]; o && o->name; o++)
				if (!strncmp(o->name, name, len) && n < sizeof(list))
					n += (size_t)snprintf(list + n, sizeof(list) - n, " '--%s'", o->name);
		kaff_args_error(a, "option '--%.*s' is ambiguous; possibilities:%s", (int)len, name, list);
		return NULL;
	}
	if (!found)
		kaff_args_error(a, "unrecognized option '--%.*s'", (int)len, name);
	return found;
}

static const struct kaff_opt *find_short(struct kaff_args *a, char c)
{
	const struct kaff_opt *tables[2] = { a->opts, common_opts }, *o;
	unsigned int t;

	for (t = 0; t < 2; t++)
		for (o = tables[t]; o && o->name; o++)
			if (o->key == (unsigned char)c)
				return o;
	kaff_args_error(a, "invalid option -- '%c'", c);
	return NULL;
}

/* -h and -V end the parse here, whatever else the line holds. */
static int common(struct kaff_args *a, const struct kaff_opt *o)
{
	if (o->key == 'h') {
		fputs(a->usage, stdout);
		a->status = fflush(stdout) ? KAFF_EXIT_INTERNAL : KAFF_EXIT_OK;
		return -1;
	}
	printf("kaff %s\n", kaff_version_string());
	a->status = fflush(stdout) ? KAFF_EXIT_INTERNAL : KAFF_EXIT_OK;
	return -1;
}

static void add_operand(struct kaff_args *a, char *s)
{
	if (a->nr_operands < KAFF_ARGS_MAX_OPERANDS)
		a->operands[a->nr_operands] = s;
	a->nr_operands++;
}

int kaff_args_next(struct kaff_args *a)
{
	const struct kaff_opt *o;
	char *s;

	a->arg = NULL;
	if (a->cluster && *a->cluster) {
		char c = *a->cluster++;

		o = find_short(a, c);
		if (!o)
			return -1;
		if (o->has_arg) {
			if (*a->cluster) {
				a->arg = a->cluster;
			} else if (a->i < a->argc) {
				a->arg = a->argv[a->i++];
			} else {
				kaff_args_error(a, "option requires an argument -- '%c'", c);
				return -1;
			}
			a->cluster = NULL;
		}
		return o->key == 'h' || o->key == 'V' ? common(a, o) : o->key;
	}
	while (a->i < a->argc) {
		s = a->argv[a->i++];
		if (a->dashdash || s[0] != '-' || !s[1]) {
			add_operand(a, s);
			continue;
		}
		if (!strcmp(s, "--")) {
			a->dashdash = true;
			continue;
		}
		if (s[1] != '-') {
			a->cluster = s + 1;
			return kaff_args_next(a);
		}
		{
			const char *name = s + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);

			o = find_long(a, name, len);
			if (!o)
				return -1;
			if (!o->has_arg && eq) {
				kaff_args_error(a, "option '--%s' doesn't allow an argument", o->name);
				return -1;
			}
			if (o->has_arg) {
				if (eq) {
					a->arg = eq + 1;
				} else if (a->i < a->argc) {
					a->arg = a->argv[a->i++];
				} else {
					kaff_args_error(a, "option '--%s' requires an argument", o->name);
					return -1;
				}
			}
			return o->key == 'h' || o->key == 'V' ? common(a, o) : o->key;
		}
	}
	return 0;
}

bool kaff_args_operands(struct kaff_args *a, int min, int max, const char *const *names)
{
	if (a->nr_operands < min) {
		kaff_args_error(a, "missing %s operand", names[a->nr_operands]);
		return false;
	}
	if (a->nr_operands > max) {
		kaff_args_error(a, "extra operand '%s'", a->operands[max]);
		return false;
	}
	return true;
}

bool kaff_args_profile(struct kaff_args *a, const char *v, const struct kaff_profile **out)
{
	if (!kaff_profile_lookup(v, out))
		return true;
	fprintf(stderr, "kaff: %s: kernel '%s' is not a profile (6.14 to 7.3)\n", a->cmd, v);
	a->status = KAFF_EXIT_USAGE;
	return false;
}
