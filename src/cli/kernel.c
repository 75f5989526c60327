/* SPDX-License-Identifier: MIT */
/*
 * --kernel's value, for every command that replays (kaff.1 "KERNEL
 * PROFILES"): MAJOR.MINOR, then "+RULE=VALUE" terms (kaff_profile_parse(),
 * kaff_profile_set_rules()) and "+PATH" terms, shared objects whose
 * kaff_rule_init() sets hooks on the profile, applied in the order written.
 * Each refusal is one line naming what was wrong, exit 2.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void list_rules(void)
{
	int r;

	for (r = 0; kaff_profile_rule_name((enum kaff_rule)r); r++)
		fprintf(stderr, "%s%s", r ? ", " : "", kaff_profile_rule_name((enum kaff_rule)r));
}

static void list_values(enum kaff_rule r)
{
	int v, n = 0;

	for (v = 0; v < KAFF_HK_TYPE_MAX; v++)
		if (kaff_profile_value_name(r, v))
			fprintf(stderr, "%s%s", n++ ? ", " : "", kaff_profile_value_name(r, v));
}

/* One line about the term of @arg at @pos that kaff_profile_parse() or
 * kaff_profile_set_rules() refused with @err. */
static int term_refused(const char *cmd, const char *arg, size_t pos, int err)
{
	const char *t = arg + pos;
	int len = (int)strcspn(t, "+"), nlen = (int)strcspn(t, "+=");
	char name[64];
	int r;

	if (err == -ENOMEM) {
		fprintf(stderr, "kaff: %s: ENOMEM: out of memory\n", cmd);
		return KAFF_EXIT_INTERNAL;
	}
	if (!pos) {
		fprintf(stderr, "kaff: %s: kernel '%.*s' is not a profile (6.14 to 7.3)\n", cmd, len, t);
		return KAFF_EXIT_USAGE;
	}
	fprintf(stderr, "kaff: %s: --kernel '%s': ", cmd, arg);
	snprintf(name, sizeof(name), "%.*s", nlen, t);
	r = kaff_profile_rule_lookup(name);
	if (!len) {
		fprintf(stderr, "empty term (terms: RULE=VALUE, or a shared object's path with a '/')\n");
	} else if (r < 0) {
		fprintf(stderr, "unknown rule '%.*s' (rules: ", nlen, t);
		list_rules();
		fprintf(stderr, "; a shared object is named by a path with a '/')\n");
	} else if (nlen == len) {
		fprintf(stderr, "rule %s needs a value: %s=VALUE (values: ", name, name);
		list_values((enum kaff_rule)r);
		fprintf(stderr, ")\n");
	} else {
		fprintf(stderr, "bad value '%.*s' for rule %s (values: ", len - nlen - 1, t + nlen + 1,
			name);
		list_values((enum kaff_rule)r);
		fprintf(stderr, ")\n");
	}
	return KAFF_EXIT_USAGE;
}

/* Load the shared object @path and run its entry point on k->own. */
static int load_rule(const char *cmd, const char *arg, const char *path,
		     struct kaff_cli_kernel *k)
{
	kaff_rule_init_fn init;
	void *dl, *sym;
	int ret;

	if (k->nr_dl == KAFF_CLI_KERNEL_SO_MAX) {
		fprintf(stderr, "kaff: %s: --kernel '%s': more than %d shared objects\n", cmd, arg,
			KAFF_CLI_KERNEL_SO_MAX);
		return KAFF_EXIT_USAGE;
	}
	dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!dl) {
		const char *e = dlerror();

		fprintf(stderr, "kaff: %s: --kernel '%s': cannot load %s: %s\n", cmd, arg, path,
			e ? e : "dlopen() failed");
		return KAFF_EXIT_USAGE;
	}
	k->dl[k->nr_dl++] = dl;
	sym = dlsym(dl, KAFF_RULE_ENTRY);
	if (!sym) {
		fprintf(stderr, "kaff: %s: --kernel '%s': %s has no %s() entry point\n", cmd, arg,
			path, KAFF_RULE_ENTRY);
		return KAFF_EXIT_USAGE;
	}
	/* POSIX dlsym(): a function's address through a data pointer. */
	memcpy(&init, &sym, sizeof(init));
	ret = init(k->own);
	if (ret == -ENOMEM) {
		fprintf(stderr, "kaff: %s: %s: %s(): ENOMEM: out of memory\n", cmd, path,
			KAFF_RULE_ENTRY);
		return KAFF_EXIT_INTERNAL;
	}
	if (ret) {
		fprintf(stderr, "kaff: %s: --kernel '%s': %s: %s() failed: %s\n", cmd, arg, path,
			KAFF_RULE_ENTRY, kaff_strerrorname(ret));
		return KAFF_EXIT_USAGE;
	}
	return KAFF_EXIT_OK;
}

/* Apply the rule terms in @seg (the base first when there is no
 * profile yet); @off: @seg's offset in the argument. */
static int apply_rules(const char *cmd, const char *arg, const char *seg, size_t off,
		       struct kaff_cli_kernel *k)
{
	size_t pos = 0;
	int ret;

	if (!k->own)
		ret = kaff_profile_parse(seg, &k->own, &pos);
	else
		ret = kaff_profile_set_rules(k->own, seg, &pos);
	return ret ? term_refused(cmd, arg, off + pos, ret) : KAFF_EXIT_OK;
}

/*
 * The terms apply in the order written: the base and the rules up to the
 * first shared object through kaff_profile_parse(), then each shared
 * object, then the rules after it through kaff_profile_set_rules().
 * @buf is a copy of @arg that this cuts into pieces.
 */
static int kernel_terms(const char *cmd, const char *arg, char *buf, struct kaff_cli_kernel *k)
{
	struct kaff_sbuf label = { 0 };
	char *seg = buf, *t = buf;
	int status = KAFF_EXIT_OK;

	for (;;) {
		size_t len = strcspn(t, "+");
		bool last = !t[len];

		if (t != buf && memchr(t, '/', len)) {
			/* a shared object: first the rules before it */
			if (t > seg) {
				t[-1] = '\0';
				status = apply_rules(cmd, arg, seg, (size_t)(seg - buf), k);
				if (status)
					break;
			}
			t[len] = '\0';
			status = load_rule(cmd, arg, t, k);
			if (status)
				break;
			kaff_sbuf_printf(&label, "%s%s", label.len ? "+" : "", t);
			seg = t + len + 1;
			if (last)
				break;
		} else if (last) {
			status = apply_rules(cmd, arg, seg, (size_t)(seg - buf), k);
			break;
		}
		t += len + 1;
		if (!*t) {
			/* "...+" ends with an empty term */
			status = term_refused(cmd, arg, (size_t)(t - buf), -EINVAL);
			break;
		}
	}
	if (!status && label.oom)
		status = term_refused(cmd, arg, 1, -ENOMEM);
	if (!status && label.len && kaff_profile_set_label(k->own, label.s)) {
		fprintf(stderr, "kaff: %s: --kernel '%s': the shared objects' paths are longer than %d bytes\n",
			cmd, arg, KAFF_PROFILE_LABEL_MAX);
		status = KAFF_EXIT_USAGE;
	}
	kaff_sbuf_free(&label);
	return status;
}

int kaff_cli_kernel(const char *cmd, const char *arg, struct kaff_cli_kernel *k)
{
	char *buf;
	int status;

	memset(k, 0, sizeof(*k));
	/* A bare MAJOR.MINOR is the built-in profile itself. */
	if (!strchr(arg, '+')) {
		if (!kaff_profile_lookup(arg, &k->profile))
			return KAFF_EXIT_OK;
		return term_refused(cmd, arg, 0, -EINVAL);
	}
	if (arg[0] == '/' || (arg[0] == '.' && arg[1] == '/')) {
		fprintf(stderr, "kaff: %s: --kernel '%s': a kernel comes first (7.3+%s)\n", cmd, arg, arg);
		return KAFF_EXIT_USAGE;
	}
	buf = strdup(arg);
	if (!buf)
		return term_refused(cmd, arg, 1, -ENOMEM);
	status = kernel_terms(cmd, arg, buf, k);
	free(buf);
	if (status) {
		kaff_cli_kernel_free(k);
		return status;
	}
	k->profile = k->own;
	return KAFF_EXIT_OK;
}

void kaff_cli_kernel_free(struct kaff_cli_kernel *k)
{
	kaff_profile_free(k->own);
	while (k->nr_dl)
		dlclose(k->dl[--k->nr_dl]);
	memset(k, 0, sizeof(*k));
}
