/* SPDX-License-Identifier: MIT */
/*
 * Housekeeping masks, as kernel/sched/isolation.c (v6.14 and v7.3):
 * boot-time parsing of nohz_full= and isolcpus= (KERNEL.md §4.3) and, in
 * 7.x, run-time HK_TYPE_DOMAIN updates from isolated cpuset partitions
 * (§4.4, housekeeping_update()).
 */
#include <errno.h>
#include <string.h>

#include "kaff-private.h"

#define HK_FLAG(t) (1u << (t))

void kaff__housekeeping_reset(struct kaff_ctx *ctx)
{
	ctx->hk_flags = 0;
	kaff_cpumask_clear(ctx->boot_isolated);
	kaff_cpumask_clear(ctx->cpuset_isolated);
}

/* Resolve the profile-dependent alias HK_TYPE_KTHREAD (D1/D2). */
static int hk_real_type(const struct kaff_ctx *ctx, enum kaff_hk_type type)
{
	if (type == KAFF_HK_TYPE_KTHREAD)
		return (int)ctx->profile->kthread_hk;
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

const struct kaff_cpumask *kaff_cpuset_isolated_cpus(const struct kaff_ctx *ctx)
{
	if (!ctx || !ctx->booted)
		return NULL;
	return ctx->cpuset_isolated;
}

bool kaff__boot_param_valid_name(const char *param)
{
	return !strncmp(param, "nohz_full=", 10) || !strncmp(param, "isolcpus=", 9);
}

/* housekeeping_setup(): one isolation parameter. */
static void housekeeping_setup(struct kaff_ctx *ctx, const char *param,
			       const char *str, unsigned int flags)
{
	struct kaff_cpumask *non_hk = ctx->tmp[0], *staging = ctx->tmp[1];
	unsigned int type, shared;

	if (kaff_cpulist_parse(str, non_hk) < 0) {
		/* The kernel ignores the whole parameter. */
		kaff__log(ctx, "Housekeeping: nohz_full= or isolcpus= incorrect CPU range (%s)",
			  param);
		return;
	}
	kaff_cpumask_andnot(staging, ctx->possible, non_hk);
	/* All possible CPUs are present: no present housekeeping CPU left
	 * means staging is empty; the boot CPU (0) is forced back. */
	if (kaff_cpumask_empty(staging)) {
		kaff_cpumask_set_cpu(0, staging);
		kaff_cpumask_clear_cpu(0, non_hk);
		if (!ctx->hk_flags)
			kaff__log(ctx, "Housekeeping: must include one present CPU, using boot CPU:0");
	}
	if (kaff_cpumask_empty(non_hk))
		return;

	if (!ctx->hk_flags) {
		for (type = 0; type < KAFF_HK_TYPE_MAX; type++)
			if (flags & HK_FLAG(type))
				kaff_cpumask_copy(ctx->hk[type], staging);
	} else {
		/* Second parameter: a flag both share must give the same mask.
		 * 7.x compares with housekeeping_cpumask(), which still returns
		 * cpu_possible_mask during parsing (the static key is switched
		 * on later), so a shared flag always mismatches (case 16, D15).
		 * 7.x's nohz_full/domain combination check reads the same
		 * function, so it always passes and is not modelled. */
		shared = flags & ctx->hk_flags;
		for (type = 0; type < KAFF_HK_TYPE_MAX; type++) {
			const struct kaff_cpumask *cmp;

			if (!(shared & HK_FLAG(type)))
				continue;
			cmp = ctx->profile->boot_shared_flag_always_ignored ?
				ctx->possible : ctx->hk[type];
			if (!kaff_cpumask_equal(staging, cmp)) {
				kaff__log(ctx, "Housekeeping: nohz_full= must match isolcpus= (%s ignored)",
					  param);
				return;
			}
		}
		for (type = 0; type < KAFF_HK_TYPE_MAX; type++)
			if ((flags & ~ctx->hk_flags) & HK_FLAG(type))
				kaff_cpumask_copy(ctx->hk[type], staging);
	}
	ctx->hk_flags |= flags;
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
static void isolcpus_setup(struct kaff_ctx *ctx, const char *param, const char *str)
{
	unsigned int domain = HK_FLAG(KAFF_HK_TYPE_DOMAIN);
	unsigned int flags = 0;

	if (ctx->profile->has_domain_boot)
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
		if (illegal) {
			kaff__log(ctx, "isolcpus: Invalid flag %.*s (%s ignored)",
				  (int)(str - par), par, param);
			return;
		}
		kaff__log(ctx, "isolcpus: Skipped unknown flag %.*s", (int)(str - par), par);
		if (!*str) {
			/* The kernel steps past the end of the parameter here
			 * (undefined, KERNEL.md §21 q.10); we read an empty list. */
			break;
		}
		str++;
	}
	if (!flags)
		flags = domain;
	housekeeping_setup(ctx, param, str, flags);
}

void kaff__housekeeping_setup(struct kaff_ctx *ctx)
{
	unsigned int i;

	kaff__housekeeping_reset(ctx);
	for (i = 0; i < ctx->nr_boot_params; i++) {
		const char *p = ctx->boot_params[i];

		if (!strncmp(p, "nohz_full=", 10))
			housekeeping_setup(ctx, p, p + 10, HK_FLAG(KAFF_HK_TYPE_KERNEL_NOISE));
		else
			isolcpus_setup(ctx, p, p + 9);
	}
	/* Boot-isolated CPUs (cpuset's isolated_cpus at boot). */
	kaff_cpumask_andnot(ctx->boot_isolated, ctx->possible,
			    kaff__hk(ctx, ctx->profile->has_domain_boot ?
				     KAFF_HK_TYPE_DOMAIN_BOOT : KAFF_HK_TYPE_DOMAIN));
}

/* housekeeping_update() as called by cpuset at the end of a partition
 * change (7.x): publish hk(DOMAIN) = hk(DOMAIN_BOOT) \ @isol and re-affine
 * the managed list (kthreads_update_housekeeping()). Prepared after any
 * deferred update, committed together, undone together on -ENOMEM. */
static int housekeeping_update(struct kaff_ctx *ctx, const struct kaff_cpumask *isol)
{
	struct kaff_cpumask *trial = ctx->tmp[6], *old = ctx->tmp[7];
	unsigned int old_flags = ctx->hk_flags;
	bool failed = false;
	int ret;

	kaff_cpumask_andnot(trial, kaff__hk(ctx, KAFF_HK_TYPE_DOMAIN_BOOT), isol);
	if (!kaff_cpumask_intersects(trial, ctx->online))
		return -EINVAL;
	kaff__event_begin(ctx);
	ret = kaff__prepare_deferred_update(ctx);
	if (!ret) {
		kaff__stage_commit(ctx);
		kaff_cpumask_copy(old, ctx->hk[KAFF_HK_TYPE_DOMAIN]);
		ctx->hk_flags |= 1u << KAFF_HK_TYPE_DOMAIN;
		kaff_cpumask_copy(ctx->hk[KAFF_HK_TYPE_DOMAIN], trial);
		ret = kaff__prepare_update_affinity(ctx, true, KAFF_NONE, &failed);
		if (ret) {
			ctx->hk_flags = old_flags;
			kaff_cpumask_copy(ctx->hk[KAFF_HK_TYPE_DOMAIN], old);
		}
	}
	if (ret) {
		kaff__event_abort(ctx);
		return ret;
	}
	kaff__stage_commit(ctx);
	kaff__event_end(ctx);
	ctx->hk_update_deferred = false;
	/* A bound kthread on the list only WARNs here (WARN_ON_ONCE(err < 0)). */
	if (failed)
		kaff__log(ctx, "WARNING: housekeeping_update: kthreads_update_housekeeping() failed: EINVAL");
	return 0;
}

/* Make @cpus the partition's CPUs; a change of isolated_cpus (boot ones
 * included) triggers housekeeping_update(). */
static int set_partition(struct kaff_ctx *ctx, const struct kaff_cpumask *cpus)
{
	struct kaff_cpumask *isol = ctx->tmp[4], *old = ctx->tmp[5];
	int ret;

	kaff_cpumask_or(isol, ctx->boot_isolated, cpus);
	kaff_cpumask_or(old, ctx->boot_isolated, ctx->cpuset_isolated);
	if (!kaff_cpumask_equal(isol, old)) {
		ret = housekeeping_update(ctx, isol);
		if (ret)
			return ret;
	} else {
		/* No change of its own; the deferred work still runs. */
		ret = kaff__run_deferred_update(ctx);
		if (ret)
			return ret;
	}
	kaff_cpumask_copy(ctx->cpuset_isolated, cpus);
	return 0;
}

/*
 * CPU hotplug left no online CPU outside the isolated partitions: cpuset
 * invalidates them ("Parent unable to distribute cpu downstream"). The
 * housekeeping mask is back to the boot one at once (the next offline's
 * check sees it: o73-06), the kthreads follow later (deferred update).
 */
void kaff__cpuset_hotplug(struct kaff_ctx *ctx)
{
	if (!ctx->profile->runtime_domain_isolation || kaff_cpumask_empty(ctx->cpuset_isolated) ||
	    !kaff_cpumask_subset(ctx->online, ctx->cpuset_isolated))
		return;
	kaff_cpumask_clear(ctx->cpuset_isolated);
	kaff_cpumask_copy(ctx->hk[KAFF_HK_TYPE_DOMAIN], kaff__hk(ctx, KAFF_HK_TYPE_DOMAIN_BOOT));
	ctx->hk_update_deferred = true;
	kaff__log(ctx, "cpuset: isolated partition invalidated (no online CPU left outside it)");
}

int kaff_cpuset_set_isolated(struct kaff_ctx *ctx, const struct kaff_cpumask *cpus)
{
	int ret;

	if (!ctx || !cpus)
		return -EINVAL;
	if (!ctx->booted)
		return -EPERM;
	if (cpus->nbits != ctx->nr_cpu_ids)
		return -ERANGE;
	if (!ctx->profile->runtime_domain_isolation)
		return -EOPNOTSUPP;

	ret = set_partition(ctx, cpus);
	if (ret != -EINVAL)
		return ret;
	/* Refused: no online domain-housekeeping CPU would remain. The
	 * oracle then turns the cpuset back into a member with no CPUs. */
	ret = set_partition(ctx, ctx->empty);
	return ret ? ret : -EINVAL;
}
