/* SPDX-License-Identifier: MIT */
/*
 * The profiles: one built-in entry per kernel version, two rule sets,
 * and profiles derived from them with rules changed one by one. Every
 * behavioural difference between kernels is a rule (enum kaff_rule).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaff-private.h"

/* The seed's rules: 4d13f4304fa4 "kthread: Implement preferred affinity". */
#define RULES_6_14                                                       \
	{ [KAFF_RULE_KTHREAD_HK] = KAFF_HK_TYPE_KERNEL_NOISE,             \
	  [KAFF_RULE_LIST_UNBOUND] = 0,                                   \
	  [KAFF_RULE_ONLINE_SKIPS_UNBOUND] = 0,                           \
	  [KAFF_RULE_RUNTIME_DOMAIN_ISOLATION] = 0,                       \
	  [KAFF_RULE_OFFLINE_CHECK_EXCLUDES_TARGET] = 1,                  \
	  [KAFF_RULE_BOOT_SHARED_FLAG_ALWAYS_IGNORED] = 0,                \
	  [KAFF_RULE_HAS_DOMAIN_BOOT] = 0 }

/* The 7.0 series "cpuset/isolation: Honour kthreads preferred affinity". */
#define RULES_7                                                          \
	{ [KAFF_RULE_KTHREAD_HK] = KAFF_HK_TYPE_DOMAIN,                   \
	  [KAFF_RULE_LIST_UNBOUND] = 1,                                   \
	  [KAFF_RULE_ONLINE_SKIPS_UNBOUND] = 1,                           \
	  [KAFF_RULE_RUNTIME_DOMAIN_ISOLATION] = 1,                       \
	  [KAFF_RULE_OFFLINE_CHECK_EXCLUDES_TARGET] = 0,                  \
	  [KAFF_RULE_BOOT_SHARED_FLAG_ALWAYS_IGNORED] = 1,                \
	  [KAFF_RULE_HAS_DOMAIN_BOOT] = 1 }

#define P6(min) { 6, (min), "6." #min, "6.14", true, RULES_6_14, NULL, NULL, 0, NULL, NULL, "" }
#define P7(min) { 7, (min), "7." #min, "7.x", true, RULES_7, NULL, NULL, 0, NULL, NULL, "" }

static const struct kaff_profile profiles[] = {
	P6(14), P6(15), P6(16), P6(17), P6(18), P6(19), P7(0), P7(1), P7(2), P7(3),
};

static const int seed_rules[KAFF_RULE_MAX] = RULES_6_14;
static const int rules_7x[KAFF_RULE_MAX] = RULES_7;

static const char *const rule_names[KAFF_RULE_MAX] = {
	[KAFF_RULE_KTHREAD_HK] = "kthread_hk",
	[KAFF_RULE_LIST_UNBOUND] = "list_unbound",
	[KAFF_RULE_ONLINE_SKIPS_UNBOUND] = "online_skips_unbound",
	[KAFF_RULE_RUNTIME_DOMAIN_ISOLATION] = "runtime_domain_isolation",
	[KAFF_RULE_OFFLINE_CHECK_EXCLUDES_TARGET] = "offline_check_excludes_target",
	[KAFF_RULE_BOOT_SHARED_FLAG_ALWAYS_IGNORED] = "boot_shared_flag_always_ignored",
	[KAFF_RULE_HAS_DOMAIN_BOOT] = "has_domain_boot",
};

const struct kaff_profile *kaff_profile_default(void)
{
	return &profiles[0];
}

static bool is_builtin(const struct kaff_profile *p)
{
	return p >= profiles && p < profiles + KAFF_ARRAY_SIZE(profiles);
}

const struct kaff_profile *kaff_profile_next(const struct kaff_profile *prev)
{
	if (!prev)
		return &profiles[0];
	if (!is_builtin(prev) || prev + 1 >= profiles + KAFF_ARRAY_SIZE(profiles))
		return NULL;
	return prev + 1;
}

/* A decimal number without sign or superfluous leading zero. */
static const char *parse_uint(const char *s, unsigned int *out)
{
	unsigned long v = 0;

	if (*s < '0' || *s > '9' || (s[0] == '0' && s[1] >= '0' && s[1] <= '9'))
		return NULL;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > 1000000)
			return NULL;
	}
	*out = (unsigned int)v;
	return s;
}

int kaff_profile_lookup(const char *version, const struct kaff_profile **out)
{
	unsigned int major, minor;
	const char *s = version;
	size_t i;

	if (!out)
		return -EINVAL;
	if (!version) {
		*out = kaff_profile_default();
		return 0;
	}
	s = parse_uint(s, &major);
	if (!s || *s != '.')
		return -EINVAL;
	s = parse_uint(s + 1, &minor);
	if (!s || *s)
		return -EINVAL;
	for (i = 0; i < KAFF_ARRAY_SIZE(profiles); i++) {
		if (profiles[i].major == major && profiles[i].minor == minor) {
			*out = &profiles[i];
			return 0;
		}
	}
	return -ERANGE;
}

const char *kaff_profile_name(const struct kaff_profile *p)
{
	return p ? p->name : NULL;
}

const char *kaff_profile_rules(const struct kaff_profile *p)
{
	return p ? p->rules : NULL;
}

void kaff_profile_version(const struct kaff_profile *p, unsigned int *major,
			  unsigned int *minor)
{
	if (major)
		*major = p ? p->major : 0;
	if (minor)
		*minor = p ? p->minor : 0;
}

const char *kaff_profile_rule_name(enum kaff_rule rule)
{
	return (unsigned int)rule < KAFF_RULE_MAX ? rule_names[rule] : NULL;
}

/* The rule named by the @len bytes at @name, or -ENOENT. */
static int rule_lookup_n(const char *name, size_t len)
{
	int r;

	for (r = 0; name && r < KAFF_RULE_MAX; r++)
		if (strlen(rule_names[r]) == len && !memcmp(name, rule_names[r], len))
			return r;
	return -ENOENT;
}

int kaff_profile_rule_lookup(const char *name)
{
	return name ? rule_lookup_n(name, strlen(name)) : -ENOENT;
}

const char *kaff_profile_value_name(enum kaff_rule rule, int value)
{
	if ((unsigned int)rule >= KAFF_RULE_MAX)
		return NULL;
	if (rule == KAFF_RULE_KTHREAD_HK) {
		if (value == KAFF_HK_TYPE_KERNEL_NOISE)
			return "HK_TYPE_KERNEL_NOISE";
		return value == KAFF_HK_TYPE_DOMAIN ? "HK_TYPE_DOMAIN" : NULL;
	}
	if (value == 0 || value == 1)
		return value ? "true" : "false";
	return NULL;
}

int kaff_profile_get(const struct kaff_profile *p, enum kaff_rule rule)
{
	if (!p || (unsigned int)rule >= KAFF_RULE_MAX)
		return -EINVAL;
	return p->rule[rule];
}

/* The name says the base and every rule that differs from it. */
static void derived_rename(struct kaff_profile *p)
{
	const struct kaff_profile *base;
	size_t n;
	int r;

	for (base = profiles; base->major != p->major || base->minor != p->minor; base++)
		;
	n = (size_t)snprintf(p->name, sizeof(p->name), "%s", base->name);
	for (r = 0; r < KAFF_RULE_MAX; r++)
		if (p->rule[r] != base->rule[r])
			n += (size_t)snprintf(p->name + n, sizeof(p->name) - n, "+%s=%s",
					      rule_names[r],
					      kaff_profile_value_name((enum kaff_rule)r,
								      p->rule[r]));
	if (p->label[0])
		snprintf(p->name + n, sizeof(p->name) - n, "+%s", p->label);
	else
		snprintf(p->name + n, sizeof(p->name) - n, "%s%s", p->fetch_fn ? "+fetch_fn" : "",
			 p->online_fn ? "+online_fn" : "");
	if (p->fetch_fn || p->online_fn)
		p->rules = "custom";
	else if (!memcmp(p->rule, seed_rules, sizeof(seed_rules)))
		p->rules = "6.14";
	else if (!memcmp(p->rule, rules_7x, sizeof(rules_7x)))
		p->rules = "7.x";
	else
		p->rules = "custom";
}

int kaff_profile_derive(const struct kaff_profile *base, struct kaff_profile **out)
{
	struct kaff_profile *p;

	if (!out)
		return -EINVAL;
	if (!base)
		base = kaff_profile_default();
	p = malloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	*p = *base;
	p->builtin = false;
	derived_rename(p);
	*out = p;
	return 0;
}

int kaff_profile_set(struct kaff_profile *p, enum kaff_rule rule, int value)
{
	if (!p || p->builtin || !kaff_profile_value_name(rule, value))
		return -EINVAL;
	p->rule[rule] = value;
	derived_rename(p);
	return 0;
}

/* The value of @rule written as the @len bytes at @s, or -EINVAL. */
static int value_lookup_n(enum kaff_rule rule, const char *s, size_t len)
{
	int v;

	for (v = 0; v < KAFF_HK_TYPE_MAX; v++) {
		const char *vn = kaff_profile_value_name(rule, v);

		if (vn && strlen(vn) == len && !memcmp(vn, s, len))
			return v;
	}
	return -EINVAL;
}

int kaff_profile_set_by_name(struct kaff_profile *p, const char *name, const char *value)
{
	int r = kaff_profile_rule_lookup(name), v;

	if (r < 0)
		return r;
	if (!value)
		return -EINVAL;
	v = value_lookup_n((enum kaff_rule)r, value, strlen(value));
	return v < 0 ? v : kaff_profile_set(p, (enum kaff_rule)r, v);
}

void kaff_profile_free(struct kaff_profile *p)
{
	if (p && !p->builtin)
		free(p);
}

/* ---- rules as text ------------------------------------------------------ */

/* One "RULE=VALUE" term of @len bytes: its rule and value, or -ENOENT
 * (unknown rule) / -EINVAL (no '=', bad value). */
static int parse_term(const char *t, size_t len, int *rule, int *value)
{
	const char *eq = memchr(t, '=', len);
	size_t nlen, vlen;
	int r, v;

	if (!eq)
		return len && rule_lookup_n(t, len) < 0 ? -ENOENT : -EINVAL;
	nlen = (size_t)(eq - t);
	vlen = len - nlen - 1;
	r = rule_lookup_n(t, nlen);
	if (r < 0)
		return r;
	v = value_lookup_n((enum kaff_rule)r, eq + 1, vlen);
	if (v < 0)
		return v;
	*rule = r;
	*value = v;
	return 0;
}

int kaff_profile_set_rules(struct kaff_profile *p, const char *rules, size_t *errpos)
{
	int rule[KAFF_RULE_MAX];
	const char *t = rules;
	int r, v, ret;

	if (!p || p->builtin || !rules) {
		if (errpos)
			*errpos = 0;
		return -EINVAL;
	}
	/* All or nothing: check every term on a copy of the rules first. */
	memcpy(rule, p->rule, sizeof(rule));
	for (;;) {
		size_t len = strcspn(t, "+");

		ret = parse_term(t, len, &r, &v);
		if (ret) {
			if (errpos)
				*errpos = (size_t)(t - rules);
			return ret;
		}
		rule[r] = v;
		if (!t[len])
			break;
		t += len + 1;
	}
	memcpy(p->rule, rule, sizeof(rule));
	derived_rename(p);
	return 0;
}

int kaff_profile_parse(const char *spec, struct kaff_profile **out, size_t *errpos)
{
	const struct kaff_profile *base;
	size_t blen, pos = 0;
	char version[16];
	int ret;

	if (errpos)
		*errpos = 0;
	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!spec)
		return -EINVAL;
	blen = strcspn(spec, "+");
	if (blen >= sizeof(version))
		return -EINVAL;
	memcpy(version, spec, blen);
	version[blen] = '\0';
	ret = kaff_profile_lookup(version, &base);
	if (!ret)
		ret = kaff_profile_derive(base, out);
	if (!ret && spec[blen]) {
		ret = kaff_profile_set_rules(*out, spec + blen + 1, &pos);
		pos += blen + 1;
	}
	if (ret) {
		if (errpos)
			*errpos = pos;
		kaff_profile_free(*out);
		*out = NULL;
	}
	return ret;
}

/* ---- hooks ----------------------------------------------------------------- */

int kaff_profile_set_fetch_fn(struct kaff_profile *p, kaff_fetch_fn fn, void *data,
			      unsigned int flags)
{
	if (!p || p->builtin || (flags & ~KAFF_FETCH_READS_ONLINE))
		return -EINVAL;
	p->fetch_fn = fn;
	p->fetch_data = fn ? data : NULL;
	p->fetch_flags = fn ? flags : 0;
	derived_rename(p);
	return 0;
}

int kaff_profile_set_online_fn(struct kaff_profile *p, kaff_online_fn fn, void *data)
{
	if (!p || p->builtin)
		return -EINVAL;
	p->online_fn = fn;
	p->online_data = fn ? data : NULL;
	derived_rename(p);
	return 0;
}

kaff_fetch_fn kaff_profile_get_fetch_fn(const struct kaff_profile *p, void **data,
					unsigned int *flags)
{
	if (data)
		*data = p ? p->fetch_data : NULL;
	if (flags)
		*flags = p ? p->fetch_flags : 0;
	return p ? p->fetch_fn : NULL;
}

kaff_online_fn kaff_profile_get_online_fn(const struct kaff_profile *p, void **data)
{
	if (data)
		*data = p ? p->online_data : NULL;
	return p ? p->online_fn : NULL;
}

int kaff_profile_set_label(struct kaff_profile *p, const char *label)
{
	size_t n = label ? strlen(label) : 0;

	if (!p || p->builtin)
		return -EINVAL;
	if (n > KAFF_PROFILE_LABEL_MAX)
		return -ENAMETOOLONG;
	memcpy(p->label, label ? label : "", n);
	p->label[n] = '\0';
	derived_rename(p);
	return 0;
}
