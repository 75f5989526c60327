/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: the isolation boot parameters (nohz_full=,
 * isolcpus=) and the machine they boot.
 *
 * Input: byte 0 picks the profile, byte 1 the number of CPUs (1..96),
 * byte 2 the node layout (one node, or two halves); the rest is split at
 * '\n' into up to 8 parameters (a NUL byte ends one early).
 *
 * Checks:
 * - kaff_machine_add_boot_param() returns 0 for a nohz_full=/isolcpus=
 *   parameter and -EINVAL (changing nothing) for anything else;
 * - the boot succeeds, whatever the values (the kernel ignores bad ones
 *   with a message), and the invariants hold (kaff_ctx_check());
 * - a lone nohz_full= parameter gives hk(KERNEL_NOISE) = possible minus
 *   its list, or CPU 0 when that is empty (docs/algorithm.md#rule-boot-parameters);
 * - two boots of the same parameters give the same state;
 * - a few events (create, wake, prefer) keep the invariants, and CPU
 *   hotplug keeps them step by step.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "fuzz-common.h"
#include "invariant-private.h"

#define MAX_PARAMS 8

static unsigned long log_lines;

static void log_fn(void *data, const char *line)
{
	(void)data;
	FUZZ_CHECK(line && strlen(line) < 512, "log line too long or NULL");
	log_lines++;
}

static const struct kaff_profile *pick_profile(unsigned int b)
{
	const struct kaff_profile *p = NULL;
	unsigned int n = 0, i;

	while ((p = kaff_profile_next(p)))
		n++;
	for (i = 0, p = kaff_profile_next(NULL); i < b % n; i++)
		p = kaff_profile_next(p);
	return p;
}

static struct kaff_ctx *boot(const struct kaff_profile *p, unsigned int cpus, bool two_nodes,
			     char **params, unsigned int nparams)
{
	struct kaff_ctx *ctx = kaff_ctx_new(p, cpus, NULL);
	char why[256];
	unsigned int i;
	int ret;

	FUZZ_CHECK(ctx != NULL, "kaff_ctx_new");
	kaff_ctx_set_log_fn(ctx, log_fn, NULL);
	if (two_nodes && cpus >= 2) {
		struct kaff_cpumask *m = kaff_cpumask_alloc(cpus);

		for (i = 0; i < cpus / 2; i++)
			kaff_cpumask_set_cpu(i, m);
		FUZZ_CHECK(kaff_machine_set_node(ctx, 0, m) == 0, "set_node 0");
		kaff_cpumask_complement(m, m);
		FUZZ_CHECK(kaff_machine_set_node(ctx, 1, m) == 0, "set_node 1");
		kaff_cpumask_free(m);
	}
	for (i = 0; i < nparams; i++) {
		bool valid = !strncmp(params[i], "nohz_full=", 10) ||
			     !strncmp(params[i], "isolcpus=", 9);
		struct kaff_snapshot *before = NULL;

		if (!valid)
			FUZZ_CHECK(kaff_ctx_snapshot(ctx, &before) == 0, "snapshot");
		ret = kaff_machine_add_boot_param(ctx, params[i]);
		FUZZ_CHECK(ret == (valid ? 0 : -EINVAL), "add_boot_param('%s') returned %s",
			   params[i], kaff_strerrorname(ret));
		if (!valid)
			FUZZ_CHECK(kaff_ctx_check_unchanged(before, ctx, why, sizeof(why)) == 0,
				   "refused parameter changed the context: %s", why);
		kaff_snapshot_free(before);
	}
	ret = kaff_machine_boot(ctx);
	FUZZ_CHECK(ret == 0, "boot returned %s", kaff_strerrorname(ret));
	FUZZ_CHECK(kaff_ctx_check(ctx, why, sizeof(why)) == 0, "after boot: %s", why);
	return ctx;
}

/* docs/algorithm.md#rule-boot-parameters for a lone nohz_full= parameter. */
static void check_first_nohz(struct kaff_ctx *ctx, const char *param)
{
	unsigned int cpus = kaff_machine_nr_cpu_ids(ctx);
	struct kaff_cpumask *non_hk = kaff_cpumask_alloc(cpus);
	struct kaff_cpumask *want = kaff_cpumask_alloc(cpus);
	const struct kaff_cpumask *got;
	bool enabled;

	FUZZ_CHECK(non_hk && want, "harness out of memory");
	got = kaff_housekeeping_cpumask(ctx, KAFF_HK_TYPE_KERNEL_NOISE);
	enabled = kaff_housekeeping_enabled(ctx, KAFF_HK_TYPE_KERNEL_NOISE);
	if (kaff_cpulist_parse(param + 10, non_hk) < 0) {
		FUZZ_CHECK(!enabled, "bad list '%s' enabled KERNEL_NOISE", param);
		goto out;
	}
	kaff_cpumask_andnot(want, kaff_machine_possible_mask(ctx), non_hk);
	if (kaff_cpumask_empty(want)) {
		kaff_cpumask_set_cpu(0, want);
		kaff_cpumask_clear_cpu(0, non_hk);
	}
	if (kaff_cpumask_empty(non_hk)) {
		FUZZ_CHECK(!enabled, "'%s' isolates nothing but enabled KERNEL_NOISE", param);
		goto out;
	}
	FUZZ_CHECK(enabled && kaff_cpumask_equal(got, want),
		   "'%s': KERNEL_NOISE %s, expected the complement of the list", param,
		   enabled ? "differs" : "not enabled");
out:
	kaff_cpumask_free(non_hk);
	kaff_cpumask_free(want);
}

/* Events with the invariants checked after each. */
static void exercise(struct kaff_ctx *ctx, const uint8_t *data, size_t size)
{
	unsigned int cpus = kaff_machine_nr_cpu_ids(ctx), ids[4], i, cpu;
	struct kaff_cpumask *m = kaff_cpumask_alloc(cpus);
	static struct kaff_snapshot *before;
	char why[256];

	/* snapshots reused from event to event (no allocation per check) */
	static struct kaff_snapshot *now;

#define EV(call)                                                                     \
	do {                                                                         \
		FUZZ_CHECK(kaff__snapshot_refresh(ctx, &before) == 0, "snapshot");  \
		(void)(call);                                                        \
		FUZZ_CHECK(kaff__snapshot_refresh(ctx, &now) == 0, "snapshot");     \
		FUZZ_CHECK(kaff__snapshot_check_step(before, now, ctx, why,          \
						     sizeof(why)) == 0,              \
			   "after %s: %s", #call, why);                              \
	} while (0)

	FUZZ_CHECK(m != NULL, "harness out of memory");
	for (i = 0; i < cpus; i += 2)
		kaff_cpumask_set_cpu(i, m);
	kaff_kthread_create_on_node(ctx, KAFF_NUMA_NO_NODE, &ids[0]);
	kaff_kthread_create_on_node(ctx, (int)kaff_machine_nr_nodes(ctx) - 1, &ids[1]);
	kaff_kthread_create_on_node(ctx, KAFF_NUMA_NO_NODE, &ids[2]);
	kaff_kthread_create_per_cpu(ctx, cpus - 1, &ids[3]);
	kaff_kthread_affine_preferred(ctx, ids[2], m);
	for (i = 0; i < 3; i++)
		kaff_wake_up_process(ctx, ids[i]);
	FUZZ_CHECK(kaff_ctx_check(ctx, why, sizeof(why)) == 0, "after the first events: %s", why);
	/* offline/online the CPUs the input names */
	for (i = 0; i < size && i < 8; i++) {
		cpu = data[i] % cpus;
		if (data[i] & 0x80)
			EV(kaff_cpu_offline(ctx, cpu));
		else
			EV(kaff_cpu_online(ctx, cpu));
		if (i % 4 == 3)
			EV(kaff_wake_up_process(ctx, ids[i % 3]));
	}
	kaff_cpumask_free(m);
#undef EV
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *params[MAX_PARAMS], *text, *s, why[256];
	const struct kaff_profile *p;
	struct kaff_ctx *a, *b;
	unsigned int cpus, nparams = 0;
	bool two_nodes;

	if (size < 3 || size > 4096)
		return 0;
	p = pick_profile(data[0]);
	cpus = 1 + data[1] % 96;
	two_nodes = data[2] & 1;
	text = malloc(size - 2);
	FUZZ_CHECK(text != NULL, "harness out of memory");
	memcpy(text, data + 3, size - 3);
	text[size - 3] = '\0';
	/* split at '\n' (a NUL ends the last parameter early) */
	for (s = text; nparams < MAX_PARAMS;) {
		char *nl = strchr(s, '\n');

		params[nparams++] = s;
		if (!nl)
			break;
		*nl = '\0';
		s = nl + 1;
	}

	a = boot(p, cpus, two_nodes, params, nparams);
	b = boot(p, cpus, two_nodes, params, nparams);
	FUZZ_CHECK(kaff_ctx_compare(a, b, why, sizeof(why)) == 0, "two boots differ: %s", why);
	if (nparams == 1 && !strncmp(params[0], "nohz_full=", 10))
		check_first_nohz(a, params[0]);
	exercise(a, data, size);
	kaff_ctx_free(a);
	kaff_ctx_free(b);
	free(text);
	return 0;
}
