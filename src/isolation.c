/* SPDX-License-Identifier: MIT */
/*
 * Housekeeping, as kernel/sched/isolation.c (v6.14 and v7.3): the
 * nohz_full= and isolcpus= boot parameters, parsed at boot into the
 * housekeeping masks, and the reads of those masks. What the parser
 * prints (and what it quietly ignores) is kept as boot warnings. The
 * 7.x run-time update of HK_TYPE_DOMAIN, housekeeping_update(), sits
 * with its only caller in cpuset.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kaff-private.h"

#define HK_FLAG(t) (1u << (t))

/* The two __setup() handlers: housekeeping_nohz_full_setup() and
 * housekeeping_isolcpus_setup(). */
bool kaff__boot_param_valid_name(const char *param)
{
	return !strncmp(param, "nohz_full=", 10) || !strncmp(param, "isolcpus=", 9);
}

int kaff_machine_add_boot_param(struct kaff_ctx *ctx, const char *param)
{
	char **bp, *copy;
	size_t len;

	if (!ctx || !param)
		return -EINVAL;
	if (ctx->booted)
		return -EPERM;
	if (!kaff__boot_param_valid_name(param))
		return -EINVAL;
	len = strlen(param) + 1;
	copy = kaff__malloc(&ctx->alloc, len);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, param, len);
	bp = kaff__realloc(&ctx->alloc, ctx->boot_params,
			   ctx->nr_boot_params * sizeof(*bp),
			   (ctx->nr_boot_params + 1) * sizeof(*bp));
	if (!bp) {
		kaff__free(&ctx->alloc, copy);
		return -ENOMEM;
	}
	bp[ctx->nr_boot_params++] = copy;
	ctx->boot_params = bp;
	return 0;
}

void kaff__housekeeping_reset(struct kaff_ctx *ctx)
{
	ctx->hk_flags = 0;
	kaff_cpumask_clear(ctx->boot_isolated);
	kaff_cpumask_clear(ctx->cpuset_isolated);
	kaff__boot_msgs_fini(ctx);
}

void kaff__boot_msgs_fini(struct kaff_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ctx->nr_boot_msgs; i++)
		kaff__free(&ctx->alloc, ctx->boot_msgs[i].console);
	kaff__free(&ctx->alloc, ctx->boot_msgs);
	ctx->boot_msgs = NULL;
	ctx->nr_boot_msgs = 0;
}

/* Resolve the profile-dependent alias HK_TYPE_KTHREAD. */
static int hk_real_type(const struct kaff_ctx *ctx, enum kaff_hk_type type)
{
	if (type == KAFF_HK_TYPE_KTHREAD)
		return kaff__rule(ctx, KAFF_RULE_KTHREAD_HK);
	if ((int)type < 0 || type >= KAFF_HK_TYPE_MAX)
		return -1;
	return (int)type;
}

/* housekeeping_cpumask(): the stored mask if the type is configured,
 * else cpu_possible_mask. */
const struct kaff_cpumask *kaff__hk(const struct kaff_ctx *ctx, enum kaff_hk_type type)
{
	int t = hk_real_type(ctx, type);

	if (t < 0)
		return NULL;
	if (ctx->hk_flags & HK_FLAG(t))
		return ctx->hk[t];
	return ctx->possible;
}

const struct kaff_cpumask *kaff_housekeeping_cpumask(const struct kaff_ctx *ctx,
						     enum kaff_hk_type type)
{
	if (!ctx || !ctx->booted)
		return NULL;
	return kaff__hk(ctx, type);
}

bool kaff_housekeeping_enabled(const struct kaff_ctx *ctx, enum kaff_hk_type type)
{
	int t;

	if (!ctx || !ctx->booted)
		return false;
	t = hk_real_type(ctx, type);
	return t >= 0 && (ctx->hk_flags & HK_FLAG(t));
}

/* ---- boot warnings ------------------------------------------------------ */

static const char *const meanings[] = {
	[KAFF_BOOT_BAD_CPULIST] =
		"the CPU list does not parse or names a CPU >= nr_cpu_ids: the kernel ignores the whole parameter",
	[KAFF_BOOT_NO_HOUSEKEEPING] =
		"the parameter isolates every CPU: the kernel keeps the boot CPU 0 for housekeeping",
	[KAFF_BOOT_MISMATCH] =
		"an isolation type of this parameter was already set by an earlier one with another mask (7.x: any earlier one): the kernel ignores this parameter",
	[KAFF_BOOT_INVALID_FLAG] =
		"a flag holds a character other than a letter or '_': the kernel ignores the whole parameter",
	[KAFF_BOOT_UNKNOWN_FLAG] =
		"the flag is none of nohz, domain, managed_irq: the kernel skips it and applies the rest",
	[KAFF_BOOT_EMPTY] =
		"no CPU is left to isolate: the parameter changes nothing",
};

/* Keep what the parser said about parameter @param (and log it). */
static int boot_msg(struct kaff_ctx *ctx, enum kaff_boot_warning_reason reason,
		    unsigned int param, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

static int boot_msg(struct kaff_ctx *ctx, enum kaff_boot_warning_reason reason,
		    unsigned int param, const char *fmt, ...)
{
	struct kaff_boot_msg *m;
	char line[320];
	va_list ap;
	size_t len = 0;

	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(line, sizeof(line), fmt, ap);
		va_end(ap);
		len = strlen(line) + 1;
		kaff__log(ctx, "%s (%s)", line, ctx->boot_params[param]);
	}
	m = kaff__realloc(&ctx->alloc, ctx->boot_msgs, ctx->nr_boot_msgs * sizeof(*m),
			  (ctx->nr_boot_msgs + 1) * sizeof(*m));
	if (!m)
		return -ENOMEM;
	ctx->boot_msgs = m;
	m += ctx->nr_boot_msgs;
	m->reason = reason;
	m->param = param;
	m->console = NULL;
	if (fmt) {
		m->console = kaff__malloc(&ctx->alloc, len);
		if (!m->console)
			return -ENOMEM;
		memcpy(m->console, line, len);
	}
	ctx->nr_boot_msgs++;
	return 0;
}

unsigned int kaff_machine_nr_boot_warnings(const struct kaff_ctx *ctx)
{
	return (ctx && ctx->booted) ? ctx->nr_boot_msgs : 0;
}

int kaff_machine_boot_warning(const struct kaff_ctx *ctx, unsigned int i,
			      struct kaff_boot_warning *w)
{
	const struct kaff_boot_msg *m;

	if (!ctx || !w)
		return -EINVAL;
	if (!ctx->booted)
		return -EPERM;
	if (i >= ctx->nr_boot_msgs)
		return -ERANGE;
	m = &ctx->boot_msgs[i];
	w->reason = m->reason;
	w->param = ctx->boot_params[m->param];
	w->console = m->console;
	w->meaning = meanings[m->reason];
	return 0;
}

/* ---- parsing ------------------------------------------------------------ */

/* housekeeping_setup(): one isolation parameter. */
static int housekeeping_setup(struct kaff_ctx *ctx, unsigned int param, const char *str,
			      unsigned int flags)
{
	struct kaff_cpumask *non_hk = ctx->tmp.non_hk, *staging = ctx->tmp.staging;
	unsigned int type, shared;
	int ret = 0;

	if (kaff_cpulist_parse(str, non_hk) < 0)
		return boot_msg(ctx, KAFF_BOOT_BAD_CPULIST, param,
				"Housekeeping: nohz_full= or isolcpus= incorrect CPU range");
	kaff_cpumask_andnot(staging, ctx->possible, non_hk);
	/* All possible CPUs are present: no present housekeeping CPU left
	 * means staging is empty; the boot CPU (0) is forced back. The
	 * kernel says so only for the first parameter. */
	if (kaff_cpumask_empty(staging)) {
		kaff_cpumask_set_cpu(0, staging);
		kaff_cpumask_clear_cpu(0, non_hk);
		ret = ctx->hk_flags ?
			boot_msg(ctx, KAFF_BOOT_NO_HOUSEKEEPING, param, NULL) :
			boot_msg(ctx, KAFF_BOOT_NO_HOUSEKEEPING, param,
				 "Housekeeping: must include one present CPU, using boot CPU:0");
		if (ret)
			return ret;
	}
	if (kaff_cpumask_empty(non_hk))
		return boot_msg(ctx, KAFF_BOOT_EMPTY, param, NULL);

	if (!ctx->hk_flags) {
		for (type = 0; type < KAFF_HK_TYPE_MAX; type++)
			if (flags & HK_FLAG(type))
				kaff_cpumask_copy(ctx->hk[type], staging);
	} else {
		/* Second parameter: a flag both share must give the same mask.
		 * 7.x compares with housekeeping_cpumask(), which still returns
		 * cpu_possible_mask during parsing (the static key is switched
		 * on later), so a shared flag always mismatches. 7.x's
		 * nohz_full/domain combination check reads the same function,
		 * so it always passes and is not modelled. */
		shared = flags & ctx->hk_flags;
		for (type = 0; type < KAFF_HK_TYPE_MAX; type++) {
			const struct kaff_cpumask *cmp;

			if (!(shared & HK_FLAG(type)))
				continue;
			cmp = kaff__rule(ctx, KAFF_RULE_BOOT_SHARED_FLAG_ALWAYS_IGNORED) ?
				ctx->possible : ctx->hk[type];
			if (!kaff_cpumask_equal(staging, cmp))
				return boot_msg(ctx, KAFF_BOOT_MISMATCH, param,
						"Housekeeping: nohz_full= must match isolcpus=");
		}
		for (type = 0; type < KAFF_HK_TYPE_MAX; type++)
			if ((flags & ~ctx->hk_flags) & HK_FLAG(type))
				kaff_cpumask_copy(ctx->hk[type], staging);
	}
	ctx->hk_flags |= flags;
	return 0;
}

/*
 * The kernel's isalpha() (lib/ctype.c, chars unsigned since 6.2): ASCII
 * letters and the Latin-1 letters 0xC0-0xFF except 0xD7 and 0xF7. Not the
 * C library's, whose answer for bytes >= 0x80 depends on the locale.
 */
static bool kernel_isalpha(char c)
{
	unsigned char u = (unsigned char)c;

	if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z'))
		return true;
	return u >= 0xc0 && u != 0xd7 && u != 0xf7;
}

/* housekeeping_isolcpus_setup(): flags, then the list. */
static int isolcpus_setup(struct kaff_ctx *ctx, unsigned int param, const char *str)
{
	unsigned int domain = HK_FLAG(KAFF_HK_TYPE_DOMAIN);
	unsigned int flags = 0;
	int ret;

	if (kaff__rule(ctx, KAFF_RULE_HAS_DOMAIN_BOOT))
		domain |= HK_FLAG(KAFF_HK_TYPE_DOMAIN_BOOT);

	while (kernel_isalpha(*str)) {
		const char *par = str;
		bool illegal = false;

		if (!strncmp(str, "nohz,", 5)) {
			str += 5;
			flags |= HK_FLAG(KAFF_HK_TYPE_KERNEL_NOISE);
			continue;
		}
		if (!strncmp(str, "domain,", 7)) {
			str += 7;
			flags |= domain;
			continue;
		}
		if (!strncmp(str, "managed_irq,", 12)) {
			str += 12;
			flags |= HK_FLAG(KAFF_HK_TYPE_MANAGED_IRQ);
			continue;
		}
		for (; *str && *str != ','; str++)
			if (!kernel_isalpha(*str) && *str != '_')
				illegal = true;
		if (illegal)
			return boot_msg(ctx, KAFF_BOOT_INVALID_FLAG, param,
					"isolcpus: Invalid flag %.*s", (int)(str - par), par);
		ret = boot_msg(ctx, KAFF_BOOT_UNKNOWN_FLAG, param,
			       "isolcpus: Skipped unknown flag %.*s", (int)(str - par), par);
		if (ret)
			return ret;
		if (!*str) {
			/* The kernel steps past the end of the parameter here
			 * (undefined behaviour); we read an empty list. */
			break;
		}
		str++;
	}
	if (!flags)
		flags = domain;
	return housekeeping_setup(ctx, param, str, flags);
}

int kaff__housekeeping_init(struct kaff_ctx *ctx)
{
	unsigned int i;
	int ret;

	kaff__housekeeping_reset(ctx);
	for (i = 0; i < ctx->nr_boot_params; i++) {
		const char *p = ctx->boot_params[i];

		if (!strncmp(p, "nohz_full=", 10))
			ret = housekeeping_setup(ctx, i, p + 10, HK_FLAG(KAFF_HK_TYPE_KERNEL_NOISE));
		else
			ret = isolcpus_setup(ctx, i, p + 9);
		if (ret)
			return ret;
	}
	/* Boot-isolated CPUs (cpuset's isolated_cpus at boot). */
	kaff_cpumask_andnot(ctx->boot_isolated, ctx->possible,
			    kaff__hk(ctx, kaff__rule(ctx, KAFF_RULE_HAS_DOMAIN_BOOT) ?
				     KAFF_HK_TYPE_DOMAIN_BOOT : KAFF_HK_TYPE_DOMAIN));
	return 0;
}
