/* SPDX-License-Identifier: MIT */
/*
 * cmocka tests of src/housekeeping.c: the rules of docs/algorithm.md#rule-housekeeping (reading
 * a mask), #rule-boot-parameters (the nohz_full= and isolcpus= boot parameters,
 * kernel/sched/isolation.c: housekeeping_setup() and
 * housekeeping_isolcpus_setup()) and #rule-isolated-partitions (7.x run-time HK_TYPE_DOMAIN
 * updates, housekeeping_update()), one test per rule, each named after the
 * rule and the kernel function.
 *
 * Expected values come from docs/algorithm.md and the 7.3 source of isolation.c;
 * never from running libkaff. "6.x" is every profile 6.14..6.19 (the
 * seed's rules), "7.x" every profile 7.0..7.3. Rules tagged [both] are
 * checked under all ten profiles.
 *
 * Expected lists are written as canonical cpulists and parsed by a helper
 * local to this file, not by libkaff.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <libkaff/common.h>
#include <libkaff/cpumask.h>
#include <libkaff/housekeeping.h>
#include <libkaff/machine.h>
#include <libkaff/profile.h>

#include "cmocka-masks.h"
#include "test-common.h"

/* ---- test-local helpers (mk, fmt, expect_mask: cmocka-masks.h) */

static const char *type_name(enum kaff_hk_type t)
{
	switch ((int)t) {
	case KAFF_HK_TYPE_DOMAIN_BOOT: return "DOMAIN_BOOT";
	case KAFF_HK_TYPE_DOMAIN: return "DOMAIN";
	case KAFF_HK_TYPE_MANAGED_IRQ: return "MANAGED_IRQ";
	case KAFF_HK_TYPE_KERNEL_NOISE: return "KERNEL_NOISE";
	case KAFF_HK_TYPE_KTHREAD: return "KTHREAD";
	default: return "?";
	}
}

/* hk(@t) must be @list and housekeeping_enabled(@t) must be @enabled. */
static void expect_hk_(const struct kaff_ctx *ctx, enum kaff_hk_type t,
		       const char *list, bool enabled, int line)
{
	char what[96];
	bool en = kaff_housekeeping_enabled(ctx, t);

	snprintf(what, sizeof(what), "%s hk(%s)", kaff_profile_name(kaff_ctx_profile(ctx)), type_name(t));
	expect_mask_(kaff_housekeeping_cpumask(ctx, t), list, what, line);
	if (en != enabled)
		print_message("# line %d: %s: enabled %d, want %d\n", line, what, en, enabled);
	assert_int_equal(en, enabled);
}

#define expect_hk(ctx, t, list, en) expect_hk_((ctx), (t), (list), (en), __LINE__)

/* The four real types, each (list, enabled); and the aliases follow. */
static void expect_all_(const struct kaff_ctx *ctx,
			const char *domain_boot, bool en_domain_boot,
			const char *domain, bool en_domain,
			const char *managed_irq, bool en_managed_irq,
			const char *noise, bool en_noise, int line)
{
	expect_hk_(ctx, KAFF_HK_TYPE_DOMAIN_BOOT, domain_boot, en_domain_boot, line);
	expect_hk_(ctx, KAFF_HK_TYPE_DOMAIN, domain, en_domain, line);
	expect_hk_(ctx, KAFF_HK_TYPE_MANAGED_IRQ, managed_irq, en_managed_irq, line);
	expect_hk_(ctx, KAFF_HK_TYPE_KERNEL_NOISE, noise, en_noise, line);
	/* #rule-housekeeping: TICK/TIMER/RCU/MISC/WQ are aliases of KERNEL_NOISE [both] */
	expect_hk_(ctx, KAFF_HK_TYPE_TICK, noise, en_noise, line);
	expect_hk_(ctx, KAFF_HK_TYPE_TIMER, noise, en_noise, line);
	expect_hk_(ctx, KAFF_HK_TYPE_RCU, noise, en_noise, line);
	expect_hk_(ctx, KAFF_HK_TYPE_MISC, noise, en_noise, line);
	expect_hk_(ctx, KAFF_HK_TYPE_WQ, noise, en_noise, line);
}

#define expect_all(ctx, db, edb, d, ed, mi, emi, kn, ekn) \
	expect_all_((ctx), (db), (edb), (d), (ed), (mi), (emi), (kn), (ekn), __LINE__)

static const struct kaff_profile *profile(const char *name)
{
	const struct kaff_profile *p = NULL;

	assert_int_equal(kaff_profile_lookup(name, &p), 0);
	return p;
}

/* Kernel messages seen by a context (kaff_ctx_set_log_fn). */
struct logbuf {
	char text[8192];
	size_t len;
};

static void log_fn(void *data, const char *line)
{
	struct logbuf *b = data;
	size_t n = strlen(line);

	if (b->len + n + 2 < sizeof(b->text)) {
		memcpy(b->text + b->len, line, n);
		b->len += n;
		b->text[b->len++] = '\n';
		b->text[b->len] = '\0';
	}
}

static struct logbuf g_log;

static bool logged(const char *needle)
{
	return strstr(g_log.text, needle) != NULL;
}

/*
 * A booted context for profile @p, @nr CPUs, with the boot parameters
 * @params (NULL-terminated) in command-line order, and CPUs outside
 * @online (a canonical list, NULL = all) offline. Messages go to g_log.
 */
static struct kaff_ctx *boot_ctx(const struct kaff_profile *p, unsigned int nr,
				 const char *online, const char *const *params)
{
	struct kaff_ctx *ctx = kaff_ctx_new(p, nr, NULL);

	assert_non_null(ctx);
	memset(&g_log, 0, sizeof(g_log));
	kaff_ctx_set_log_fn(ctx, log_fn, &g_log);
	for (; params && *params; params++)
		assert_int_equal(kaff_machine_add_boot_param(ctx, *params), 0);
	if (online) {
		struct kaff_cpumask *m = mk(nr, online);

		assert_int_equal(kaff_machine_set_boot_online(ctx, m), 0);
		kaff_cpumask_free(m);
	}
	assert_int_equal(kaff_machine_boot(ctx), 0);
	return ctx;
}

#define PARAMS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* ---- #rule-housekeeping reading a mask */

/* #rule-housekeeping housekeeping_cpumask(): no isolation configured (static key off)
 * → every type is cpu_possible_mask; housekeeping_enabled() false. [both] */
static void test_housekeeping_cpumask_no_param_is_possible(void **state)
{
	const struct kaff_profile *p;

	(void)state;
	for_each_profile(p) {
		struct kaff_ctx *ctx = boot_ctx(p, 8, NULL, NULL);

		expect_all(ctx, "0-7", false, "0-7", false, "0-7", false, "0-7", false);
		/* the alias KTHREAD resolves to a real type: also possible */
		expect_hk(ctx, KAFF_HK_TYPE_KTHREAD, "0-7", false);
		/* #rule-isolated-partitions: no cpuset partition yet */
		expect_mask(kaff_cpuset_isolated_cpus(ctx), "-", "isolated_cpus");
		kaff_ctx_free(ctx);
	}
}

/* housekeeping.h: the masks are only readable from a booted context
 * (NULL / false before kaff_machine_boot()). */
static void test_housekeeping_cpumask_before_boot_null(void **state)
{
	struct kaff_ctx *ctx = kaff_ctx_new(profile("7.3"), 8, NULL);

	(void)state;
	assert_non_null(ctx);
	assert_int_equal(kaff_machine_add_boot_param(ctx, "isolcpus=2-3"), 0);
	assert_null(kaff_housekeeping_cpumask(ctx, KAFF_HK_TYPE_DOMAIN));
	assert_false(kaff_housekeeping_enabled(ctx, KAFF_HK_TYPE_DOMAIN));
	assert_null(kaff_cpuset_isolated_cpus(ctx));
	kaff_ctx_free(ctx);
}

/* #rule-housekeeping: housekeeping masks are possible-based and hold offline CPUs;
 * the boot parameters are parsed with every CPU present, before any CPU
 * goes down. [both] */
static void test_housekeeping_cpumask_holds_offline_cpus(void **state)
{
	const struct kaff_profile *p;

	(void)state;
	for_each_profile(p) {
		/* CPUs 4-7 offline after boot */
		struct kaff_ctx *ctx = boot_ctx(p, 8, "0-3", PARAMS("nohz_full=2-5"));

		expect_mask(kaff_machine_online_mask(ctx), "0-3", "online");
		/* #rule-boot-parameters step 2: possible \ 2-5, offline 6-7 included */
		expect_hk(ctx, KAFF_HK_TYPE_KERNEL_NOISE, "0-1,6-7", true);
		/* #rule-housekeeping: unconfigured type = possible, offline CPUs included */
		expect_hk(ctx, KAFF_HK_TYPE_DOMAIN, "0-7", false);
		kaff_ctx_free(ctx);

		/* isolcpus with domain housekeeping CPUs partly offline: 6.x
		 * needs another online hk(DOMAIN) CPU for each offline (#rule-hotplug-refusals),
		 * here 0-1 remain */
		ctx = boot_ctx(p, 8, "0-1,4", PARAMS("isolcpus=domain,2-3"));
		expect_mask(kaff_machine_online_mask(ctx), "0-1,4", "online");
		expect_hk(ctx, KAFF_HK_TYPE_DOMAIN, "0-1,4-7", true);
		kaff_ctx_free(ctx);
	}
}

/* ---- #rule-boot-parameters boot parameters */

/* #rule-boot-parameters housekeeping_nohz_full_setup(): nohz_full=LIST sets flags =
 * {KERNEL_NOISE} only; TICK/TIMER/RCU/MISC/WQ alias it (#rule-housekeeping). [both] */
static void test_housekeeping_nohz_full_setup_kernel_noise_only(void **state)
{
	const struct kaff_profile *p;

	(void)state;
	for_each_profile(p) {
		struct kaff_ctx *ctx = boot_ctx(p, 8, NULL, PARAMS("nohz_full=2-3"));

		expect_all(ctx, "0-7", false, "0-7", false, "0-7", false, "0-1,4-7", true);
		kaff_ctx_free(ctx);

		/* the full list grammar (#rule-cpulist): a region with a pattern */
		ctx = boot_ctx(p, 8, NULL, PARAMS("nohz_full=1-7:1/2"));
		expect_all(ctx, "0-7", false, "0-7", false, "0-7", false, "0,2,4,6", true);
		kaff_ctx_free(ctx);
	}
}

/* #rule-boot-parameters housekeeping_isolcpus_setup(): no flag → DOMAIN [6.14] / DOMAIN +
 * DOMAIN_BOOT [7.3] ("Default behaviour for isolcpus without flags"). */
static void test_housekeeping_isolcpus_setup_no_flag_is_domain(void **state)
{
	const struct kaff_profile *p;

	(void)state;
	for_each_profile(p) {
		struct kaff_ctx *ctx = boot_ctx(p, 8, NULL, PARAMS("isolcpus=2-3"));

		/* D9: DOMAIN_BOOT exists and is set only in 7.x */
		expect_all(ctx, rule(p, KAFF_RULE_HAS_DOMAIN_BOOT) ? "0-1,4-7" : "0-7", rule(p, KAFF_RULE_HAS_DOMAIN_BOOT),
			   "0-1,4-7", true, "0-7", false, "0-7", false);
		kaff_ctx_free(ctx);
	}
}

/* #rule-boot-parameters housekeeping_isolcpus_setup(): "nohz," → KERNEL_NOISE, "domain," →
 * DOMAIN (+DOMAIN_BOOT in 7.x), "managed_irq," → MANAGED_IRQ; each flag
 * alone and all together. */
static void test_housekeeping_isolcpus_setup_flags(void **state)
{
	const struct kaff_profile *p;

	(void)state;
	for_each_profile(p) {
		const char *db = rule(p, KAFF_RULE_HAS_DOMAIN_BOOT) ? "0-1,4-7" : "0-7";
		struct kaff_ctx *ctx;

		ctx = boot_ctx(p, 8, NULL, PARAMS("isolcpus=nohz,domain,managed_irq,2-3"));
		expect_all(ctx, db, rule(p, KAFF_RULE_HAS_DOMAIN_BOOT), "0-1,4-7", true, "0-1,4-7", true, "0-1,4-7", true);
		kaff_ctx_free(ctx);

		/* flags in another order: the same */
		ctx = boot_ctx(p, 8, NULL, PARAMS("isolcpus=managed_irq,nohz,domain,2-3"));
		expect_all(ctx, db, rule(p, KAFF_RULE_HAS_DOMAIN_BOOT), "0-1,4-7", true, "0-1,4-7", true, "0-1,4-7", true);
		kaff_ctx_free(ctx);

		ctx = boot_ctx(p, 8, NULL, PARAMS("isolcpus=nohz,2-3"));
		expect_all(ctx, "0-7", false, "0-7", false, "0-7", false, "0-1,4-7", true);
		kaff_ctx_free(ctx);

		ctx = boot_ctx(p, 8, NULL, PARAMS("isolcpus=domain,2-3"));
		expect_all(ctx, db, rule(p, KAFF_RULE_HAS_DOMAIN_BOOT), "0-1,4-7", true, "0-7", false, "0-7", false);
		kaff_ctx_free(ctx);

		ctx = boot_ctx(p, 8, NULL, PARAMS("isolcpus=managed_irq,2-3"));
		expect_all(ctx, "0-7", false, "0-7", false, "0-1,4-7", true, "0-7", false);
		kaff_ctx_free(ctx);
	}
}

/* #rule-boot-parameters housekeeping_isolcpus_setup(): an unknown word of letters and '_'
 * is skipped ("isolcpus: Skipped unknown flag"); with no flag left the
 * default DOMAIN applies. [both] */
static void test_housekeeping_isolcpus_setup_unknown_flag_skipped(void **state)
{
	const struct kaff_profile *p;

	(void)state;
	for_each_profile(p) {
		const char *db = rule(p, KAFF_RULE_HAS_DOMAIN_BOOT) ? "0-1,4-7" : "0-7";
		struct kaff_ctx *ctx = boot_ctx(p, 8, NULL, PARAMS("isolcpus=foo,2-3"));

		expect_all(ctx, db, rule(p, KAFF_RULE_HAS_DOMAIN_BOOT), "0-1,4-7", true, "0-7", false, "0-7", false);
		assert_true(logged("isolcpus: Skipped unknown flag"));
		kaff_ctx_free(ctx);

		/* '_' is allowed in the skipped word; a known flag after it counts */
		ctx = boot_ctx(p, 8, NULL, PARAMS("isolcpus=foo_bar,nohz,2-3"));
		expect_all(ctx, "0-7", false, "0-7", false, "0-7", false, "0-1,4-7", true);
		kaff_ctx_free(ctx);

		/* "nohzx," is not "nohz,": an unknown letters-only word, skipped */
		ctx = boot_ctx(p, 8, NULL, PARAMS("isolcpus=nohzx,2-3"));
		expect_all(ctx, db, rule(p, KAFF_RULE_HAS_DOMAIN_BOOT), "0-1,4-7", true, "0-7", false, "0-7", false);
		kaff_ctx_free(ctx);
	}
}

/* #rule-boot-parameters housekeeping_isolcpus_setup(): an unknown word with any other
 * character → "isolcpus: Invalid flag", the whole parameter is ignored
 * (flags already read included). [both] */
static void test_housekeeping_isolcpus_setup_invalid_flag_ignored(void **state)
{
	static const char *const bad[] = {
		"isolcpus=fo1o,2-3",          /* a digit inside the word */
		"isolcpus=nohz,fo-o,2-3",     /* nohz already read: dropped too */
		"isolcpus=domain2,2-3",       /* not "domain,": scanned as a word */
		"isolcpus=managed_irq,x.y,1",
	};
	const struct kaff_profile *p;
	size_t i;

	(void)state;
	for_each_profile(p) {
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			struct kaff_ctx *ctx = boot_ctx(p, 8, NULL, PARAMS(bad[i]));

			print_message("# %s %s\n", kaff_profile_name(p), bad[i]);
			expect_all(ctx, "0-7", false, "0-7", false, "0-7", false, "0-7", false);
			assert_true(logged("isolcpus: Invalid flag"));
			kaff_ctx_free(ctx);
		}
	}
}

/* #rule-boot-parameters housekeeping_isolcpus_setup() reads flags with the kernel's
 * isalpha(), whose table (lib/ctype.c; chars are unsigned since 6.2) marks
 * the Latin-1 bytes 0xC0-0xD6, 0xD8-0xF6 and 0xF8-0xFF as letters and
 * 0xA0-0xBF, 0xD7, 0xF7 and 0x80-0x9F as not. So, whatever the C library's
 * locale says:
 *  - "\xe9," (é) is a word of letters: skipped, the default DOMAIN applies
 *    to 2-3, as for "foo,";
 *  - "\xc0\xff_\xd8," likewise (the range ends and '_');
 *  - "a\xd7b," has 0xD7 (×) inside a word: "Invalid flag", all ignored;
 *  - "\xaa,2-3" does not start with a letter (0xAA is _P), so the whole
 *    value goes to cpulist_parse(), which fails: "incorrect CPU range". [both] */
static void test_housekeeping_isolcpus_setup_latin1_letters(void **state)
{
	static const char *const skipped[] = {
		"isolcpus=\xe9,2-3", "isolcpus=\xc0\xff_\xd8,2-3", "isolcpus=\xf8,2-3",
	};
	const struct kaff_profile *p;
	size_t i;

	(void)state;
	for_each_profile(p) {
		const char *db = rule(p, KAFF_RULE_HAS_DOMAIN_BOOT) ? "0-1,4-7" : "0-7";
		struct kaff_ctx *ctx;

		for (i = 0; i < sizeof(skipped) / sizeof(skipped[0]); i++) {
			print_message("# %s skipped[%zu]\n", kaff_profile_name(p), i);
			ctx = boot_ctx(p, 8, NULL, PARAMS(skipped[i]));
			expect_all(ctx, db, rule(p, KAFF_RULE_HAS_DOMAIN_BOOT), "0-1,4-7", true, "0-7", false, "0-7", false);
			assert_true(logged("isolcpus: Skipped unknown flag"));
			kaff_ctx_free(ctx);
		}

		ctx = boot_ctx(p, 8, NULL, PARAMS("isolcpus=a\xd7" "b,2-3"));
		expect_all(ctx, "0-7", false, "0-7", false, "0-7", false, "0-7", false);
		assert_true(logged("isolcpus: Invalid flag"));
		kaff_ctx_free(ctx);

		ctx = boot_ctx(p, 8, NULL, PARAMS("isolcpus=\xaa,2-3"));
		expect_all(ctx, "0-7", false, "0-7", false, "0-7", false, "0-7", false);
		assert_true(logged("Housekeeping: nohz_full= or isolcpus= incorrect CPU range"));
		kaff_ctx_free(ctx);
	}
}

/* #rule-boot-parameters step 1, housekeeping_setup(): cpulist_parse() fails on bad syntax
 * → "incorrect CPU range", the parameter is ignored entirely. [both] */
static void test_housekeeping_setup_bad_list_ignored(void **state)
{
	static const char *const bad[] = {
		"nohz_full=2-x",
		"nohz_full=3-2",               /* START > END: -EINVAL */
		"nohz_full=1,2,3-",            /* partly parsed: still ignored */
		"isolcpus=2-3x",
		"isolcpus=domain,1;2",
		"isolcpus=nohz,domain,managed_irq,0-3:1",
		"nohz_full=4294967296",        /* -EOVERFLOW */
	};
	const struct kaff_profile *p;
	size_t i;

	(void)state;
	for_each_profile(p) {
		struct kaff_ctx *ctx;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			ctx = boot_ctx(p, 8, NULL, PARAMS(bad[i]));
			print_message("# %s %s\n", kaff_profile_name(p), bad[i]);
			expect_all(ctx, "0-7", false, "0-7", false, "0-7", false, "0-7", false);
			assert_true(logged("Housekeeping: nohz_full= or isolcpus= incorrect CPU range"));
			kaff_ctx_free(ctx);
		}
		/* an ignored parameter sets no flag, so the next one is still
		 * the first (#rule-boot-parameters step 5: "no flag set") and applies, even one
		 * sharing a flag in 7.x */
		ctx = boot_ctx(p, 8, NULL, PARAMS("nohz_full=2-x", "isolcpus=nohz,2-3"));
		expect_all(ctx, "0-7", false, "0-7", false, "0-7", false, "0-1,4-7", true);
		kaff_ctx_free(ctx);
	}
}

/* #rule-boot-parameters step 1, housekeeping_setup(): a CPU >= nr_cpu_ids makes
 * cpulist_parse() return -ERANGE → the whole parameter is ignored (not
 * the in-range part). [both] */
static void test_housekeeping_setup_out_of_range_list_ignored(void **state)
{
	static const char *const bad[] = {
		"nohz_full=6-8",
		"isolcpus=8",
		"isolcpus=domain,2,9",
		"nohz_full=0-8191",
	};
	const struct kaff_profile *p;
	size_t i;

	(void)state;
	for_each_profile(p) {
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			struct kaff_ctx *ctx = boot_ctx(p, 8, NULL, PARAMS(bad[i]));

			print_message("# %s %s\n", kaff_profile_name(p), bad[i]);
			expect_all(ctx, "0-7", false, "0-7", false, "0-7", false, "0-7", false);
			assert_true(logged("Housekeeping: nohz_full= or isolcpus= incorrect CPU range"));
			kaff_ctx_free(ctx);
		}
	}
}

/* #rule-boot-parameters step 4, housekeeping_setup(): an empty list parses to ∅; the
 * isolated list is empty → no effect, no flag set. [both] */
static void test_housekeeping_setup_empty_list_no_effect(void **state)
{
	static const char *const empty[] = {
		"nohz_full=",
		"nohz_full= , ",      /* only separators */
		"isolcpus=",
		"isolcpus=domain,",
		"isolcpus=nohz,managed_irq,",
	};
	const struct kaff_profile *p;
	size_t i;

	(void)state;
	for_each_profile(p) {
		struct kaff_ctx *ctx;

		for (i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
			ctx = boot_ctx(p, 8, NULL, PARAMS(empty[i]));
			print_message("# %s \"%s\"\n", kaff_profile_name(p), empty[i]);
			expect_all(ctx, "0-7", false, "0-7", false, "0-7", false, "0-7", false);
			kaff_ctx_free(ctx);
		}
		/* it sets no flag: a later parameter is still the first */
		ctx = boot_ctx(p, 8, NULL, PARAMS("nohz_full=", "isolcpus=nohz,2-3"));
		expect_all(ctx, "0-7", false, "0-7", false, "0-7", false, "0-1,4-7", true);
		kaff_ctx_free(ctx);
	}
}

/* #rule-boot-parameters step 3, housekeeping_setup(): no present housekeeping CPU left →
 * the boot CPU (0) is forced back: housekeeping {0}; a warning only for
 * the first parameter. CPU 0 is not removed when other CPUs remain. [both] */
static void test_housekeeping_setup_all_isolated_boot_cpu_forced(void **state)
{
	const struct kaff_profile *p;

	(void)state;
	for_each_profile(p) {
		const char *db;
		struct kaff_ctx *ctx;

		ctx = boot_ctx(p, 8, NULL, PARAMS("nohz_full=0-7"));
		expect_all(ctx, "0-7", false, "0-7", false, "0-7", false, "0", true);
		assert_true(logged("Housekeeping: must include one present CPU, using boot CPU:0"));
		kaff_ctx_free(ctx);

		/* "all" (#rule-cpulist) is every CPU too */
		ctx = boot_ctx(p, 8, NULL, PARAMS("nohz_full=all"));
		expect_all(ctx, "0-7", false, "0-7", false, "0-7", false, "0", true);
		kaff_ctx_free(ctx);

		db = rule(p, KAFF_RULE_HAS_DOMAIN_BOOT) ? "0" : "0-7";
		ctx = boot_ctx(p, 8, NULL, PARAMS("isolcpus=0-7"));
		expect_all(ctx, db, rule(p, KAFF_RULE_HAS_DOMAIN_BOOT), "0", true, "0-7", false, "0-7", false);
		kaff_ctx_free(ctx);

		/* one CPU: forcing CPU 0 back leaves nothing isolated → step 4,
		 * no effect */
		ctx = boot_ctx(p, 1, NULL, PARAMS("nohz_full=0"));
		expect_all(ctx, "0", false, "0", false, "0", false, "0", false);
		kaff_ctx_free(ctx);

		/* step 3 only when nothing is left: CPU 0 stays isolated here */
		ctx = boot_ctx(p, 8, NULL, PARAMS("nohz_full=0-3"));
		expect_all(ctx, "0-7", false, "0-7", false, "0-7", false, "4-7", true);
		assert_false(logged("using boot CPU"));
		kaff_ctx_free(ctx);

		/* second parameter (no shared flag) isolating everything: forced
		 * back to {0} without the warning (only the first warns) */
		db = rule(p, KAFF_RULE_HAS_DOMAIN_BOOT) ? "0" : "0-7";
		ctx = boot_ctx(p, 8, NULL, PARAMS("nohz_full=1-3", "isolcpus=domain,0-7"));
		expect_all(ctx, db, rule(p, KAFF_RULE_HAS_DOMAIN_BOOT), "0", true, "0-7", false, "0,4-7", true);
		assert_false(logged("using boot CPU"));
		kaff_ctx_free(ctx);
	}
}

/* #rule-boot-parameters step 6, housekeeping_setup(), second parameter sharing a flag with
 * the first: 7.x compares with housekeeping_cpumask(), still
 * cpu_possible_mask while parsing → always ignored, identical lists too
 * (D15, case 16); 6.x compares the stored mask → accepted if equal,
 * ignored if different ("nohz_full= must match isolcpus="). */
static void test_housekeeping_setup_second_param_shared_flag(void **state)
{
	const struct kaff_profile *p;

	(void)state;
	for_each_profile(p) {
		const char *L = "0-1,4-7"; /* housekeeping of list 2-3 */
		struct kaff_ctx *ctx;

		/* case 16: nohz_full=L isolcpus=nohz,domain,managed_irq,L */
		ctx = boot_ctx(p, 8, NULL,
			       PARAMS("nohz_full=2-3", "isolcpus=nohz,domain,managed_irq,2-3"));
		if (rule(p, KAFF_RULE_BOOT_SHARED_FLAG_ALWAYS_IGNORED)) {
			/* second ignored: only nohz_full= applies */
			expect_all(ctx, "0-7", false, "0-7", false, "0-7", false, L, true);
			assert_true(logged("Housekeeping: nohz_full= must match isolcpus="));
		} else {
			/* equal: accepted, the new flags get the staging mask */
			expect_all(ctx, "0-7", false, L, true, L, true, L, true);
			assert_false(logged("must match"));
		}
		kaff_ctx_free(ctx);

		/* different lists: ignored in both */
		ctx = boot_ctx(p, 8, NULL,
			       PARAMS("nohz_full=2-3", "isolcpus=nohz,domain,managed_irq,2-5"));
		expect_all(ctx, "0-7", false, "0-7", false, "0-7", false, L, true);
		assert_true(logged("Housekeeping: nohz_full= must match isolcpus="));
		kaff_ctx_free(ctx);

		/* two isolcpus= sharing DOMAIN, the second adding managed_irq */
		ctx = boot_ctx(p, 8, NULL,
			       PARAMS("isolcpus=domain,2-3", "isolcpus=domain,managed_irq,2-3"));
		if (rule(p, KAFF_RULE_BOOT_SHARED_FLAG_ALWAYS_IGNORED))
			expect_all(ctx, L, true, L, true, "0-7", false, "0-7", false);
		else
			expect_all(ctx, "0-7", false, L, true, L, true, "0-7", false);
		kaff_ctx_free(ctx);

		/* 6.x: the same with a different list is ignored */
		ctx = boot_ctx(p, 8, NULL,
			       PARAMS("isolcpus=domain,2-3", "isolcpus=domain,managed_irq,2-4"));
		expect_all(ctx, rule(p, KAFF_RULE_HAS_DOMAIN_BOOT) ? L : "0-7", rule(p, KAFF_RULE_HAS_DOMAIN_BOOT), L, true, "0-7", false, "0-7", false);
		kaff_ctx_free(ctx);

		/* reverse order: isolcpus= first, nohz_full= second sharing
		 * KERNEL_NOISE through isolcpus=nohz; different list → ignored,
		 * the first one's masks stay */
		ctx = boot_ctx(p, 8, NULL, PARAMS("isolcpus=nohz,domain,2-3", "nohz_full=2-4"));
		expect_all(ctx, rule(p, KAFF_RULE_HAS_DOMAIN_BOOT) ? L : "0-7", rule(p, KAFF_RULE_HAS_DOMAIN_BOOT), L, true, "0-7", false, L, true);
		kaff_ctx_free(ctx);
	}
}

/* #rule-boot-parameters step 6, housekeeping_setup(), second parameter sharing no flag:
 * both apply, each flag with its own list (case 17 for equal lists). In
 * 7.x the nohz_full/isolcpus=domain combination check reads
 * housekeeping_cpumask(type) too, cpu_possible_mask while parsing (the
 * static key is switched on later by housekeeping_init()), so it passes
 * even when the lists leave no CPU out of both. */
static void test_housekeeping_setup_second_param_no_shared_flag(void **state)
{
	const struct kaff_profile *p;

	(void)state;
	for_each_profile(p) {
		struct kaff_ctx *ctx;

		/* case 17 shape: same list */
		ctx = boot_ctx(p, 8, NULL, PARAMS("nohz_full=2-3", "isolcpus=domain,2-3"));
		expect_all(ctx, rule(p, KAFF_RULE_HAS_DOMAIN_BOOT) ? "0-1,4-7" : "0-7", rule(p, KAFF_RULE_HAS_DOMAIN_BOOT), "0-1,4-7", true,
			   "0-7", false, "0-1,4-7", true);
		kaff_ctx_free(ctx);

		/* different lists */
		ctx = boot_ctx(p, 8, NULL, PARAMS("nohz_full=2-3", "isolcpus=domain,4-5"));
		expect_all(ctx, rule(p, KAFF_RULE_HAS_DOMAIN_BOOT) ? "0-3,6-7" : "0-7", rule(p, KAFF_RULE_HAS_DOMAIN_BOOT), "0-3,6-7", true,
			   "0-7", false, "0-1,4-7", true);
		kaff_ctx_free(ctx);

		/* isolcpus= first */
		ctx = boot_ctx(p, 8, NULL, PARAMS("isolcpus=managed_irq,1", "nohz_full=2-3"));
		expect_all(ctx, "0-7", false, "0-7", false, "0,2-7", true, "0-1,4-7", true);
		kaff_ctx_free(ctx);

		/* no CPU outside both lists: 6.14 has no combination check; in
		 * 7.x it compares with cpu_possible_mask and passes */
		ctx = boot_ctx(p, 8, NULL, PARAMS("nohz_full=1-7", "isolcpus=domain,0"));
		expect_all(ctx, rule(p, KAFF_RULE_HAS_DOMAIN_BOOT) ? "1-7" : "0-7", rule(p, KAFF_RULE_HAS_DOMAIN_BOOT), "1-7", true,
			   "0-7", false, "0", true);
		kaff_ctx_free(ctx);
	}
}

/* #rule-housekeeping / D2: the alias HK_TYPE_KTHREAD is KERNEL_NOISE in 6.x and DOMAIN
 * in 7.x (isolation.h). */
static void test_housekeeping_cpumask_kthread_alias(void **state)
{
	const struct kaff_profile *p;

	(void)state;
	for_each_profile(p) {
		struct kaff_ctx *ctx = boot_ctx(p, 8, NULL, PARAMS("nohz_full=2-3"));

		if (rule(p, KAFF_RULE_KTHREAD_HK) == KAFF_HK_TYPE_DOMAIN)
			expect_hk(ctx, KAFF_HK_TYPE_KTHREAD, "0-7", false);
		else
			expect_hk(ctx, KAFF_HK_TYPE_KTHREAD, "0-1,4-7", true);
		kaff_ctx_free(ctx);

		ctx = boot_ctx(p, 8, NULL, PARAMS("isolcpus=domain,4-5"));
		if (rule(p, KAFF_RULE_KTHREAD_HK) == KAFF_HK_TYPE_DOMAIN)
			expect_hk(ctx, KAFF_HK_TYPE_KTHREAD, "0-3,6-7", true);
		else
			expect_hk(ctx, KAFF_HK_TYPE_KTHREAD, "0-7", false);
		kaff_ctx_free(ctx);
	}
}

/* housekeeping.h: an unknown type gives NULL / false. */
static void test_housekeeping_cpumask_unknown_type(void **state)
{
	struct kaff_ctx *ctx = boot_ctx(profile("7.3"), 8, NULL, PARAMS("isolcpus=2-3"));

	(void)state;
	assert_null(kaff_housekeeping_cpumask(ctx, KAFF_HK_TYPE_MAX));
	assert_false(kaff_housekeeping_enabled(ctx, KAFF_HK_TYPE_MAX));
	assert_null(kaff_housekeeping_cpumask(ctx, (enum kaff_hk_type)17));
	kaff_ctx_free(ctx);
}

/* machine.h: kaff_machine_add_boot_param() accepts only nohz_full= and
 * isolcpus= (-EINVAL otherwise) and only during setup (-EPERM after
 * boot); a value the kernel ignores is not an error. */
static void test_machine_add_boot_param_errors(void **state)
{
	static const char *const notparam[] = {
		"foo=1", "nohz_full", "isolcpus", "nohz=on", "", "isolcpus_=1",
		" nohz_full=1", "NOHZ_FULL=1",
	};
	struct kaff_ctx *ctx = kaff_ctx_new(profile("6.14"), 8, NULL);
	size_t i;

	(void)state;
	assert_non_null(ctx);
	for (i = 0; i < sizeof(notparam) / sizeof(notparam[0]); i++) {
		int ret = kaff_machine_add_boot_param(ctx, notparam[i]);

		if (ret != -EINVAL)
			print_message("# \"%s\": got %d\n", notparam[i], ret);
		assert_int_equal(ret, -EINVAL);
	}
	/* the kernel ignores these at boot, but they are parameters */
	assert_int_equal(kaff_machine_add_boot_param(ctx, "nohz_full=bad"), 0);
	assert_int_equal(kaff_machine_add_boot_param(ctx, "isolcpus=fo1o,2"), 0);
	assert_int_equal(kaff_machine_boot(ctx), 0);
	/* the refused ones were not recorded: nothing isolated */
	expect_all(ctx, "0-7", false, "0-7", false, "0-7", false, "0-7", false);
	assert_int_equal(kaff_machine_add_boot_param(ctx, "nohz_full=2-3"), -EPERM);
	assert_int_equal(kaff_machine_add_boot_param(ctx, "foo=1"), -EPERM);
	/* nothing changed by the refusal */
	expect_hk(ctx, KAFF_HK_TYPE_KERNEL_NOISE, "0-7", false);
	kaff_ctx_free(ctx);
}

/* ---- #rule-isolated-partitions run-time HK_TYPE_DOMAIN (7.x cpuset isolated partitions) */

static int set_iso(struct kaff_ctx *ctx, const char *list)
{
	struct kaff_cpumask *m = mk(kaff_machine_nr_cpu_ids(ctx), list);
	int ret = kaff_cpuset_set_isolated(ctx, m);

	kaff_cpumask_free(m);
	return ret;
}

/* #rule-isolated-partitions [7.3] housekeeping_update(): hk(DOMAIN) = hk(DOMAIN_BOOT) \ the
 * partition; DOMAIN_BOOT never changes; a new partition replaces the old
 * one; an empty one restores the boot value (case iso-04). */
static void test_housekeeping_update_domain_is_boot_minus_partition(void **state)
{
	const struct kaff_profile *p;

	(void)state;
	for_each_profile(p) {
		struct kaff_ctx *ctx;

		if (!rule(p, KAFF_RULE_RUNTIME_DOMAIN_ISOLATION))
			continue;
		/* with boot isolcpus=domain,6-7: DOMAIN_BOOT = 0-5 */
		ctx = boot_ctx(p, 8, NULL, PARAMS("isolcpus=domain,6-7"));
		assert_int_equal(set_iso(ctx, "2-3"), 0);
		expect_hk(ctx, KAFF_HK_TYPE_DOMAIN, "0-1,4-5", true);
		expect_hk(ctx, KAFF_HK_TYPE_DOMAIN_BOOT, "0-5", true);
		expect_hk(ctx, KAFF_HK_TYPE_KTHREAD, "0-1,4-5", true); /* D2 */
		expect_mask(kaff_cpuset_isolated_cpus(ctx), "2-3", "isolated_cpus");
		/* replaced, not added */
		assert_int_equal(set_iso(ctx, "4"), 0);
		expect_hk(ctx, KAFF_HK_TYPE_DOMAIN, "0-3,5", true);
		expect_hk(ctx, KAFF_HK_TYPE_DOMAIN_BOOT, "0-5", true);
		expect_mask(kaff_cpuset_isolated_cpus(ctx), "4", "isolated_cpus");
		/* a partition overlapping the boot-isolated CPUs */
		assert_int_equal(set_iso(ctx, "5-7"), 0);
		expect_hk(ctx, KAFF_HK_TYPE_DOMAIN, "0-4", true);
		/* none: back to the boot value */
		assert_int_equal(set_iso(ctx, "-"), 0);
		expect_hk(ctx, KAFF_HK_TYPE_DOMAIN, "0-5", true);
		expect_hk(ctx, KAFF_HK_TYPE_DOMAIN_BOOT, "0-5", true);
		expect_mask(kaff_cpuset_isolated_cpus(ctx), "-", "isolated_cpus");
		/* the other types are untouched */
		expect_hk(ctx, KAFF_HK_TYPE_KERNEL_NOISE, "0-7", false);
		expect_hk(ctx, KAFF_HK_TYPE_MANAGED_IRQ, "0-7", false);
		kaff_ctx_free(ctx);

		/* without boot isolation: housekeeping_update() sets the DOMAIN
		 * flag only; DOMAIN_BOOT stays unconfigured = possible */
		ctx = boot_ctx(p, 8, NULL, NULL);
		assert_int_equal(set_iso(ctx, "1-2"), 0);
		expect_hk(ctx, KAFF_HK_TYPE_DOMAIN, "0,3-7", true);
		expect_hk(ctx, KAFF_HK_TYPE_DOMAIN_BOOT, "0-7", false);
		assert_int_equal(set_iso(ctx, "-"), 0);
		expect_hk(ctx, KAFF_HK_TYPE_DOMAIN, "0-7", true);
		expect_mask(kaff_cpuset_isolated_cpus(ctx), "-", "isolated_cpus");
		kaff_ctx_free(ctx);
	}
}

/* #rule-isolated-partitions [7.3] housekeeping_update() step 1: trial ∩ online = ∅ → -EINVAL;
 * the partition is then reset to none (housekeeping.h, as the oracle
 * does; cases iso-10 and iso-04): isolated_cpus() empty, hk(DOMAIN) back
 * to the boot value. */
static void test_housekeeping_update_no_online_housekeeping_refused(void **state)
{
	const struct kaff_profile *p;

	(void)state;
	for_each_profile(p) {
		struct kaff_ctx *ctx;

		if (!rule(p, KAFF_RULE_RUNTIME_DOMAIN_ISOLATION))
			continue;
		/* iso-10: every CPU */
		ctx = boot_ctx(p, 4, NULL, NULL);
		assert_int_equal(set_iso(ctx, "0-3"), -EINVAL);
		expect_mask(kaff_cpuset_isolated_cpus(ctx), "-", "isolated_cpus");
		expect_hk(ctx, KAFF_HK_TYPE_DOMAIN, "0-3", false);
		/* a valid partition, then a refused one: reset to none */
		assert_int_equal(set_iso(ctx, "1-2"), 0);
		expect_hk(ctx, KAFF_HK_TYPE_DOMAIN, "0,3", true);
		assert_int_equal(kaff_cpu_offline(ctx, 3), 0);
		/* trial = {3}, offline */
		assert_int_equal(set_iso(ctx, "0-2"), -EINVAL);
		expect_mask(kaff_cpuset_isolated_cpus(ctx), "-", "isolated_cpus");
		expect_hk(ctx, KAFF_HK_TYPE_DOMAIN, "0-3", true);
		/* iso-10: after the refusal, "isolate 1-2" is accepted */
		assert_int_equal(set_iso(ctx, "1-2"), 0);
		expect_hk(ctx, KAFF_HK_TYPE_DOMAIN, "0,3", true);
		kaff_ctx_free(ctx);

		/* with boot isolcpus: the boot value is DOMAIN_BOOT */
		ctx = boot_ctx(p, 4, NULL, PARAMS("isolcpus=domain,2-3"));
		assert_int_equal(set_iso(ctx, "0"), 0);
		expect_hk(ctx, KAFF_HK_TYPE_DOMAIN, "1", true);
		assert_int_equal(set_iso(ctx, "0-1"), -EINVAL);
		expect_mask(kaff_cpuset_isolated_cpus(ctx), "-", "isolated_cpus");
		expect_hk(ctx, KAFF_HK_TYPE_DOMAIN, "0-1", true);
		expect_hk(ctx, KAFF_HK_TYPE_DOMAIN_BOOT, "0-1", true);
		kaff_ctx_free(ctx);
	}
}

/* #rule-isolated-partitions [7.3] housekeeping_update(): only trial ∩ online matters, so a
 * partition of offline CPUs is accepted (case iso-08), and so is one
 * holding CPU 0 while another online housekeeping CPU remains (iso-10). */
static void test_housekeeping_update_offline_and_cpu0_accepted(void **state)
{
	const struct kaff_profile *p;

	(void)state;
	for_each_profile(p) {
		struct kaff_ctx *ctx;

		if (!rule(p, KAFF_RULE_RUNTIME_DOMAIN_ISOLATION))
			continue;
		ctx = boot_ctx(p, 8, "0-3", NULL);
		assert_int_equal(set_iso(ctx, "4-7"), 0);
		expect_hk(ctx, KAFF_HK_TYPE_DOMAIN, "0-3", true);
		expect_mask(kaff_cpuset_isolated_cpus(ctx), "4-7", "isolated_cpus");
		kaff_ctx_free(ctx);

		ctx = boot_ctx(p, 4, NULL, NULL);
		assert_int_equal(set_iso(ctx, "0"), 0);
		expect_hk(ctx, KAFF_HK_TYPE_DOMAIN, "1-3", true);
		/* trial {3} is online: accepted */
		assert_int_equal(set_iso(ctx, "0-2"), 0);
		expect_hk(ctx, KAFF_HK_TYPE_DOMAIN, "3", true);
		kaff_ctx_free(ctx);
	}
}

/*
 * A derived profile with run-time partitions but without
 * HK_TYPE_DOMAIN_BOOT (has_domain_boot = 0): the CPUs isolated at boot
 * are then possible \ hk(DOMAIN), as cpuset_init() computes them when
 * the kernel has no DOMAIN_BOOT type (6.14: boot_hk_cpus from
 * HK_TYPE_DOMAIN), and they stay isolated whatever the partition:
 * housekeeping_update() publishes hk(DOMAIN_BOOT) (unset: possible)
 * minus boot-isolated and partition CPUs. isolcpus=3 on 4 CPUs, partition
 * {2}: hk(DOMAIN) = 0-1, not 0-1,3; back to 0-2 without a partition.
 */
static void test_housekeeping_update_without_domain_boot(void **state)
{
	struct kaff_profile *d = NULL;
	struct kaff_ctx *ctx;

	(void)state;
	assert_int_equal(kaff_profile_derive(profile("7.3"), &d), 0);
	assert_int_equal(kaff_profile_set(d, KAFF_RULE_HAS_DOMAIN_BOOT, 0), 0);
	ctx = boot_ctx(d, 4, NULL, PARAMS("isolcpus=3"));
	expect_hk(ctx, KAFF_HK_TYPE_DOMAIN, "0-2", true);
	expect_hk(ctx, KAFF_HK_TYPE_DOMAIN_BOOT, "0-3", false);
	assert_int_equal(set_iso(ctx, "2"), 0);
	expect_hk(ctx, KAFF_HK_TYPE_DOMAIN, "0-1", true);
	assert_int_equal(set_iso(ctx, "-"), 0);
	expect_hk(ctx, KAFF_HK_TYPE_DOMAIN, "0-2", true);
	kaff_ctx_free(ctx);
	kaff_profile_free(d);
}

/* housekeeping.h: kaff_cpuset_set_isolated() refusals that change
 * nothing: -EOPNOTSUPP under 6.x (#rule-isolated-partitions [6.14]: partitions do not touch
 * HK_TYPE_DOMAIN), -ERANGE for a mask of the wrong width, -EPERM before
 * boot. */
static void test_cpuset_set_isolated_refusals(void **state)
{
	const struct kaff_profile *p;
	struct kaff_cpumask *m;
	struct kaff_ctx *ctx;

	(void)state;
	for_each_profile(p) {
		if (rule(p, KAFF_RULE_RUNTIME_DOMAIN_ISOLATION))
			continue;
		ctx = boot_ctx(p, 8, NULL, PARAMS("isolcpus=domain,6-7"));
		assert_int_equal(set_iso(ctx, "2-3"), -EOPNOTSUPP);
		expect_hk(ctx, KAFF_HK_TYPE_DOMAIN, "0-5", true);
		expect_mask(kaff_cpuset_isolated_cpus(ctx), "-", "isolated_cpus");
		kaff_ctx_free(ctx);
	}

	ctx = boot_ctx(profile("7.3"), 8, NULL, NULL);
	m = mk(7, "2-3");
	assert_int_equal(kaff_cpuset_set_isolated(ctx, m), -ERANGE);
	kaff_cpumask_free(m);
	m = mk(9, "2-3");
	assert_int_equal(kaff_cpuset_set_isolated(ctx, m), -ERANGE);
	kaff_cpumask_free(m);
	expect_hk(ctx, KAFF_HK_TYPE_DOMAIN, "0-7", false);
	expect_mask(kaff_cpuset_isolated_cpus(ctx), "-", "isolated_cpus");
	kaff_ctx_free(ctx);

	ctx = kaff_ctx_new(profile("7.3"), 8, NULL);
	assert_non_null(ctx);
	m = mk(8, "2-3");
	assert_int_equal(kaff_cpuset_set_isolated(ctx, m), -EPERM);
	kaff_cpumask_free(m);
	assert_int_equal(kaff_machine_boot(ctx), 0);
	expect_hk(ctx, KAFF_HK_TYPE_DOMAIN, "0-7", false);
	expect_mask(kaff_cpuset_isolated_cpus(ctx), "-", "isolated_cpus");
	kaff_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_housekeeping_cpumask_no_param_is_possible),
		cmocka_unit_test(test_housekeeping_cpumask_before_boot_null),
		cmocka_unit_test(test_housekeeping_cpumask_holds_offline_cpus),
		cmocka_unit_test(test_housekeeping_nohz_full_setup_kernel_noise_only),
		cmocka_unit_test(test_housekeeping_isolcpus_setup_no_flag_is_domain),
		cmocka_unit_test(test_housekeeping_isolcpus_setup_flags),
		cmocka_unit_test(test_housekeeping_isolcpus_setup_unknown_flag_skipped),
		cmocka_unit_test(test_housekeeping_isolcpus_setup_invalid_flag_ignored),
		cmocka_unit_test(test_housekeeping_isolcpus_setup_latin1_letters),
		cmocka_unit_test(test_housekeeping_setup_bad_list_ignored),
		cmocka_unit_test(test_housekeeping_setup_out_of_range_list_ignored),
		cmocka_unit_test(test_housekeeping_setup_empty_list_no_effect),
		cmocka_unit_test(test_housekeeping_setup_all_isolated_boot_cpu_forced),
		cmocka_unit_test(test_housekeeping_setup_second_param_shared_flag),
		cmocka_unit_test(test_housekeeping_setup_second_param_no_shared_flag),
		cmocka_unit_test(test_housekeeping_cpumask_kthread_alias),
		cmocka_unit_test(test_housekeeping_cpumask_unknown_type),
		cmocka_unit_test(test_machine_add_boot_param_errors),
		cmocka_unit_test(test_housekeeping_update_domain_is_boot_minus_partition),
		cmocka_unit_test(test_housekeeping_update_no_online_housekeeping_refused),
		cmocka_unit_test(test_housekeeping_update_offline_and_cpu0_accepted),
		cmocka_unit_test(test_housekeeping_update_without_domain_boot),
		cmocka_unit_test(test_cpuset_set_isolated_refusals),
	};

	return cmocka_run_group_tests_name("housekeeping", tests, NULL, NULL);
}
