/* SPDX-License-Identifier: MIT */
/*
 * cmocka tests of the boot warnings (kaff_machine_boot_warning()): every
 * way the kernel's isolation parsers (housekeeping_setup() and
 * housekeeping_isolcpus_setup() in kernel/sched/isolation.c) ignore all or
 * part of a boot parameter, with the line the kernel prints for it.
 *
 * The console lines are the kernel's pr_warn()/pr_info() format strings
 * (v6.14 and v7.3 alike); the "must include one present CPU" line is
 * printed only for the first isolation parameter, and nothing is printed
 * for an empty list (housekeeping_setup() returns early).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <libkaff/kaff.h>

struct want {
	enum kaff_boot_warning_reason reason;
	const char *param;
	const char *console;           /* NULL: the kernel prints nothing */
};

/* Boot @nr CPUs under @version with @params; check the warnings. */
static void check(const char *version, unsigned int nr, const char *const *params,
		  const struct want *want, unsigned int nwant)
{
	const struct kaff_profile *p;
	struct kaff_boot_warning w;
	struct kaff_ctx *ctx;
	unsigned int i;

	print_message("# %s %s...\n", version, params[0]);
	assert_int_equal(kaff_profile_lookup(version, &p), 0);
	ctx = kaff_ctx_new(p, nr, NULL);
	assert_non_null(ctx);
	for (; *params; params++)
		assert_int_equal(kaff_machine_add_boot_param(ctx, *params), 0);
	/* before boot there are none, and asking is refused */
	assert_int_equal(kaff_machine_nr_boot_warnings(ctx), 0);
	assert_int_equal(kaff_machine_boot_warning(ctx, 0, &w), -EPERM);
	assert_int_equal(kaff_machine_boot(ctx), 0);
	assert_int_equal(kaff_machine_nr_boot_warnings(ctx), nwant);
	for (i = 0; i < nwant; i++) {
		assert_int_equal(kaff_machine_boot_warning(ctx, i, &w), 0);
		assert_int_equal(w.reason, want[i].reason);
		assert_string_equal(w.param, want[i].param);
		if (want[i].console)
			assert_string_equal(w.console, want[i].console);
		else
			assert_null(w.console);
		assert_non_null(w.meaning);
		assert_true(strlen(w.meaning) > 20);
	}
	assert_int_equal(kaff_machine_boot_warning(ctx, nwant, &w), -ERANGE);
	assert_int_equal(kaff_machine_boot_warning(ctx, 0, NULL), -EINVAL);
	assert_int_equal(kaff_machine_boot_warning(NULL, 0, &w), -EINVAL);
	kaff_ctx_free(ctx);
}

#define PARAMS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define WANT(...) ((const struct want[]){ __VA_ARGS__ })
#define N(...) (sizeof((const struct want[]){ __VA_ARGS__ }) / sizeof(struct want))
#define CHECK(v, nr, params, ...) check((v), (nr), (params), WANT(__VA_ARGS__), N(__VA_ARGS__))

static const char *const versions[] = { "6.14", "7.3" };

/* A parameter the kernel takes as it is says nothing. */
static void test_no_warning(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		check(versions[i], 8, PARAMS("isolcpus=domain,2-3"), NULL, 0);
		check(versions[i], 8, PARAMS("nohz_full=4-7"), NULL, 0);
	}
}

/* cpulist_parse() fails: CPU 8 does not exist on 8 CPUs (-ERANGE), or the
 * syntax is bad: "incorrect CPU range", the whole parameter ignored. */
static void test_bad_cpulist(void **state)
{
	static const char range[] = "Housekeeping: nohz_full= or isolcpus= incorrect CPU range";
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		CHECK(versions[i], 8, PARAMS("isolcpus=domain,4-8"),
		      { KAFF_BOOT_BAD_CPULIST, "isolcpus=domain,4-8", range });
		CHECK(versions[i], 8, PARAMS("nohz_full=3-"),
		      { KAFF_BOOT_BAD_CPULIST, "nohz_full=3-", range });
	}
}

/* Every CPU listed: the boot CPU is forced back into housekeeping; the
 * kernel says so only when no isolation parameter came before. */
static void test_no_housekeeping(void **state)
{
	static const char boot0[] = "Housekeeping: must include one present CPU, using boot CPU:0";
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		CHECK(versions[i], 4, PARAMS("nohz_full=0-3"),
		      { KAFF_BOOT_NO_HOUSEKEEPING, "nohz_full=0-3", boot0 });
		/* second parameter: the same case, silent; its types
		 * (KERNEL_NOISE) are not the first's (DOMAIN): no mismatch */
		CHECK(versions[i], 4, PARAMS("isolcpus=3", "nohz_full=0-3"),
		      { KAFF_BOOT_NO_HOUSEKEEPING, "nohz_full=0-3", NULL });
	}
}

/* A second parameter sharing a type with the first must give the same
 * mask. 6.14 compares the stored mask, so an equal list is accepted and a
 * different one ignored; 7.3 compares housekeeping_cpumask(), still
 * cpu_possible_mask while parsing, so any such second parameter is. */
static void test_mismatch(void **state)
{
	static const char match[] = "Housekeeping: nohz_full= must match isolcpus=";

	(void)state;
	check("6.14", 8, PARAMS("nohz_full=2-3", "isolcpus=nohz,2-3"), NULL, 0);
	CHECK("6.14", 8, PARAMS("nohz_full=2-3", "isolcpus=nohz,4-5"),
	      { KAFF_BOOT_MISMATCH, "isolcpus=nohz,4-5", match });
	CHECK("7.3", 8, PARAMS("nohz_full=2-3", "isolcpus=nohz,2-3"),
	      { KAFF_BOOT_MISMATCH, "isolcpus=nohz,2-3", match });
}

/* isolcpus= flags: a word of letters and '_' that is no flag is skipped
 * (pr_info), the rest applies; a word with any other character is an
 * invalid flag and the whole parameter is ignored (pr_warn). */
static void test_flags(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		CHECK(versions[i], 8, PARAMS("isolcpus=foo,2-3"),
		      { KAFF_BOOT_UNKNOWN_FLAG, "isolcpus=foo,2-3",
			"isolcpus: Skipped unknown flag foo" });
		CHECK(versions[i], 8, PARAMS("isolcpus=fo1o,2-3"),
		      { KAFF_BOOT_INVALID_FLAG, "isolcpus=fo1o,2-3",
			"isolcpus: Invalid flag fo1o" });
		/* two unknown words: two lines, in order */
		CHECK(versions[i], 8, PARAMS("isolcpus=ab,cd,nohz,2-3"),
		      { KAFF_BOOT_UNKNOWN_FLAG, "isolcpus=ab,cd,nohz,2-3",
			"isolcpus: Skipped unknown flag ab" },
		      { KAFF_BOOT_UNKNOWN_FLAG, "isolcpus=ab,cd,nohz,2-3",
			"isolcpus: Skipped unknown flag cd" });
	}
}

/* An empty list parses to no CPU: the parameter changes nothing, and the
 * kernel prints nothing about it ("nohz" without its comma is a word, not
 * the flag, so the list after it is empty too). */
static void test_empty(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		CHECK(versions[i], 8, PARAMS("isolcpus="), { KAFF_BOOT_EMPTY, "isolcpus=", NULL });
		CHECK(versions[i], 8, PARAMS("isolcpus=nohz"),
		      { KAFF_BOOT_UNKNOWN_FLAG, "isolcpus=nohz", "isolcpus: Skipped unknown flag nohz" },
		      { KAFF_BOOT_EMPTY, "isolcpus=nohz", NULL });
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_warning),
		cmocka_unit_test(test_bad_cpulist),
		cmocka_unit_test(test_no_housekeeping),
		cmocka_unit_test(test_mismatch),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests_name("boot-warnings", tests, NULL, NULL);
}
