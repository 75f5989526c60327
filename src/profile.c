/* SPDX-License-Identifier: MIT */
/*
 * The profiles: one entry per kernel version, two rule sets. Every
 * behavioural difference between them is a named field of struct
 * kaff_profile (KERNEL.md §20 numbers in brackets).
 */
#include <errno.h>
#include <limits.h>

#include "kaff-private.h"

/* The seed's rules: 4d13f4304fa4 "kthread: Implement preferred affinity". */
#define RULES_6_14(min, nm)                                     \
	{ .major = 6, .minor = (min), .name = (nm), .rules = "6.14", \
	  .kthread_hk = KAFF_HK_TYPE_KERNEL_NOISE,      /* D1 */  \
	  .list_unbound = false,                        /* D4-D6 */ \
	  .online_skips_unbound = false,                /* D7 */  \
	  .runtime_domain_isolation = false,            /* D8/D9 */ \
	  .offline_check_excludes_target = true,        /* D14 */ \
	  .boot_shared_flag_always_ignored = false,     /* D15 */ \
	  .has_domain_boot = false }                    /* D9 */

/* The 7.0 series "cpuset/isolation: Honour kthreads preferred affinity". */
#define RULES_7(min, nm)                                        \
	{ .major = 7, .minor = (min), .name = (nm), .rules = "7.x", \
	  .kthread_hk = KAFF_HK_TYPE_DOMAIN,                      \
	  .list_unbound = true,                                   \
	  .online_skips_unbound = true,                           \
	  .runtime_domain_isolation = true,                       \
	  .offline_check_excludes_target = false,                 \
	  .boot_shared_flag_always_ignored = true,                \
	  .has_domain_boot = true }

static const struct kaff_profile profiles[] = {
	RULES_6_14(14, "6.14"), RULES_6_14(15, "6.15"), RULES_6_14(16, "6.16"),
	RULES_6_14(17, "6.17"), RULES_6_14(18, "6.18"), RULES_6_14(19, "6.19"),
	RULES_7(0, "7.0"), RULES_7(1, "7.1"), RULES_7(2, "7.2"), RULES_7(3, "7.3"),
};

const struct kaff_profile *kaff_profile_default(void)
{
	return &profiles[0];
}

const struct kaff_profile *kaff_profile_next(const struct kaff_profile *prev)
{
	if (!prev)
		return &profiles[0];
	if (prev < profiles || prev + 1 >= profiles + KAFF_ARRAY_SIZE(profiles))
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
