/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: the scenario parser and the replayer.
 *
 * Input: a .scn file, any bytes.
 *
 * Checks:
 * - kaff_scenario_parse() returns 0 or -EINVAL; an error has a position
 *   inside the file (line 1.., column 1..line length + 1) and a message;
 * - a scenario that parses replays to the end (step by step, with the
 *   invariants checked after every event: kaff_ctx_check_step()), and
 *   kaff_scenario_replay() and the step-wise replay give the same trace;
 * - the incremental engine is in the state of the reference walk
 *   (KAFF_ENGINE_REFERENCE) after every event (kaff_ctx_check_unchanged()
 *   on a snapshot of one against the other), with the same trace;
 * - every trace line is "show N", "NAME LIST" or "! CMD ARG ERRNO";
 * - allocation failure: parse and replay again with one allocation (chosen
 *   by the input's hash) failing: parse fails cleanly with -ENOMEM and no
 *   block left, or a replay step returns -ENOMEM with the state unchanged
 *   (kaff_ctx_check_unchanged()), the step then succeeds, the trace is the
 *   same, and nothing leaks.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "fuzz-common.h"
#include "invariant-private.h"

#define FUZZ_MAX_INPUT 16384

static void check_error(const uint8_t *data, size_t size, const struct kaff_scenario_error *err)
{
	unsigned int line = 1;
	size_t i, start = 0, len;

	FUZZ_CHECK(err->line >= 1 && err->col >= 1, "error at %u:%u: %s", err->line, err->col,
		   err->msg);
	FUZZ_CHECK(err->msg[0] && memchr(err->msg, '\0', sizeof(err->msg)),
		   "empty or unterminated message");
	for (i = 0; i < size && line < err->line; i++)
		if (data[i] == '\n') {
			line++;
			start = i + 1;
		}
	FUZZ_CHECK(line == err->line, "error line %u, the file has %u lines (%s)", err->line,
		   line, err->msg);
	for (len = 0; start + len < size && data[start + len] != '\n'; len++)
		;
	FUZZ_CHECK(err->col <= len + 1, "error column %u, line %u has %zu bytes (%s)", err->col,
		   err->line, len, err->msg);
}

/* A cpulist as the trace prints it: digits, ',' and '-' ("-": empty). */
static void check_list(const char *c, const char *end, const char *t, const char *nl)
{
	FUZZ_CHECK(c < end, "empty list in '%.*s'", (int)(nl - t), t);
	for (; c < end; c++)
		FUZZ_CHECK((*c >= '0' && *c <= '9') || *c == ',' || *c == '-',
			   "bad list in '%.*s'", (int)(nl - t), t);
}

/*
 * The trace offsets where a show or census event's output starts: its
 * header. The text alone cannot say: a kthread named "show" on CPU 2
 * prints "show 2", as the second show's header does.
 */
static size_t *heads, nr_heads, cap_heads;

static void head_add(size_t off)
{
	if (nr_heads == cap_heads) {
		cap_heads = cap_heads ? 2 * cap_heads : 64;
		heads = realloc(heads, cap_heads * sizeof(*heads));
		FUZZ_CHECK(heads != NULL, "out of memory");
	}
	heads[nr_heads++] = off;
}

/*
 * Each line: "! CMD ARG ERRNO"; at a head (heads[]), "show N" or
 * "census N"; under a show, "NAME LIST"; under a census (FORMAT.md),
 * "COMM F P MASK" with F 'n' or '-' and P 'k' or '-'.
 */
static void check_trace(const char *text)
{
	const char *t = text;
	bool census = false, block = false;
	size_t h = 0;

	while (*t) {
		const char *nl = strchr(t, '\n'), *sp;

		FUZZ_CHECK(nl != NULL, "trace does not end with a newline");
		FUZZ_CHECK(nl > t, "empty trace line");
		sp = memchr(t, ' ', (size_t)(nl - t));
		if (h < nr_heads && heads[h] == (size_t)(t - text)) {
			const char *c;

			FUZZ_CHECK(sp && ((sp - t == 4 && !strncmp(t, "show", 4)) ||
					  (sp - t == 6 && !strncmp(t, "census", 6))),
				   "bad header '%.*s'", (int)(nl - t), t);
			for (c = sp + 1; c < nl; c++)
				FUZZ_CHECK(*c >= '0' && *c <= '9', "bad header '%.*s'", (int)(nl - t), t);
			FUZZ_CHECK(nl > sp + 1, "bad header '%.*s'", (int)(nl - t), t);
			census = *t == 'c';
			block = true;
			h++;
		} else if (*t == '!') {
			FUZZ_CHECK(t[1] == ' ', "bad error line");
		} else if (!block) {
			FUZZ_CHECK(0, "a line outside a show or census: '%.*s'", (int)(nl - t), t);
		} else if (census) {
			FUZZ_CHECK(sp && sp > t && nl - sp >= 6 && (sp[1] == 'n' || sp[1] == '-') &&
				   sp[2] == ' ' && (sp[3] == 'k' || sp[3] == '-') && sp[4] == ' ',
				   "bad census line '%.*s'", (int)(nl - t), t);
			check_list(sp + 5, nl, t, nl);
		} else {
			FUZZ_CHECK(sp && sp > t && sp + 1 < nl, "bad trace line '%.*s'",
				   (int)(nl - t), t);
			check_list(sp + 1, nl, t, nl);
		}
		t = nl + 1;
	}
	FUZZ_CHECK(h == nr_heads, "%zu of %zu headers found", h, nr_heads);
}

static int expect_count;

static void expect_failed(void *data, unsigned int line, const char *name, const char *want,
			  const char *got)
{
	(void)data;
	FUZZ_CHECK(line >= 1 && name && want && got && *want && *got, "expect callback");
	expect_count++;
}

/* Replay step by step with both engines in lockstep: the invariants after
 * every event, and the incremental engine in the state of the reference
 * walk. */
/* Snapshots reused from event to event and input to input (the checks
 * run after every event: no allocation for them). */
static struct kaff_snapshot *snap_before, *snap_now, *snap_ref;

static void refresh(struct kaff_replay *r, struct kaff_snapshot **snap)
{
	FUZZ_CHECK(kaff__snapshot_refresh(kaff_replay_ctx(r), snap) == 0, "snapshot");
}

static void replay_steps(const struct kaff_scenario *sc, struct fuzz_buf *out,
			 struct fuzz_buf *out_ref)
{
	struct kaff_replay_ops ops = { .write_trace = fuzz_buf_write, .data = out };
	struct kaff_replay_ops ops_ref = { .write_trace = fuzz_buf_write, .data = out_ref,
					   .engine = KAFF_ENGINE_REFERENCE };
	struct kaff_replay_result res = { 0 };
	struct kaff_replay *r, *rr;
	char why[256];
	int ret;

	ret = kaff_replay_new(sc, &ops, &r);
	FUZZ_CHECK(ret == 0, "kaff_replay_new: %s", kaff_strerrorname(ret));
	ret = kaff_replay_new(sc, &ops_ref, &rr);
	FUZZ_CHECK(ret == 0, "kaff_replay_new (reference): %s", kaff_strerrorname(ret));
	refresh(r, &snap_before);
	FUZZ_CHECK(kaff__snapshot_check_step(NULL, snap_before, kaff_replay_ctx(r), why,
					     sizeof(why)) == 0, "after boot: %s", why);
	nr_heads = 0;
	for (;;) {
		struct kaff_snapshot *t;
		char desc[256];
		unsigned int line = 0;
		size_t at = out->len;

		ret = kaff_replay_step(r, &res);
		/* an event's output: nothing, its error line, or a header and rows */
		if (out->len > at && out->data[at] != '!')
			head_add(at);
		FUZZ_CHECK(ret == 0 || ret == 1, "step: %s", kaff_strerrorname(ret));
		FUZZ_CHECK(kaff_replay_step(rr, NULL) == ret, "the reference replay ran on");
		if (ret == 0)
			break;
		refresh(r, &snap_now);
		refresh(rr, &snap_ref);
		if (kaff__snapshot_check_step(snap_before, snap_now, kaff_replay_ctx(r), why,
					      sizeof(why)) ||
		    kaff__snapshot_compare(snap_now, snap_ref, why, sizeof(why))) {
			kaff_scenario_event_describe(sc, kaff_replay_position(r) - 1, desc,
						     sizeof(desc), &line);
			FUZZ_CHECK(0, "line %u, after '%s': %s", line, desc, why);
		}
		t = snap_before;
		snap_before = snap_now;
		snap_now = t;
	}
	FUZZ_CHECK(res.events == kaff_scenario_nr_events(sc), "ran %lu of %u events",
		   res.events, kaff_scenario_nr_events(sc));
	kaff_replay_free(r);
	kaff_replay_free(rr);
}

/* Parse and replay with the @fail_at-th allocation failing. */
static void replay_failing(const uint8_t *data, size_t size, unsigned long fail_at,
			   const char *want)
{
	struct fuzz_alloc fa = { 0 };
	struct kaff_allocator al = fuzz_allocator(&fa);
	struct fuzz_buf out = { 0 };
	struct kaff_replay_ops ops = { .write_trace = fuzz_buf_write, .data = &out };
	struct kaff_scenario *sc;
	struct kaff_replay *r;
	char why[256];
	int ret;

	fa.fail_at = fail_at;
	ret = kaff_scenario_parse((const char *)data, size, &al, &sc, NULL);
	if (ret) {
		FUZZ_CHECK(ret == -ENOMEM && fa.failed, "parse with failing allocation: %s",
			   kaff_strerrorname(ret));
		FUZZ_CHECK(fa.live == 0, "%ld blocks left after a failed parse", fa.live);
		return;
	}
	for (;;) {
		ret = kaff_replay_new(sc, &ops, &r);
		if (ret != -ENOMEM)
			break;
		FUZZ_CHECK(fa.failed, "ENOMEM without a failure");
		fa.fail_at = 0;
	}
	FUZZ_CHECK(ret == 0, "kaff_replay_new: %s", kaff_strerrorname(ret));
	for (;;) {
		/* a snapshot only while the failure is still to come */
		bool armed = fa.fail_at && !fa.failed;

		if (armed)
			refresh(r, &snap_before);
		ret = kaff_replay_step(r, NULL);
		if (ret == -ENOMEM) {
			FUZZ_CHECK(armed && fa.failed, "ENOMEM without a failure");
			refresh(r, &snap_now);
			FUZZ_CHECK(kaff__snapshot_compare(snap_before, snap_now, why,
							  sizeof(why)) == 0,
				   "a step that ran out of memory changed the state: %s", why);
			fa.fail_at = 0;
			ret = kaff_replay_step(r, NULL);
		}
		FUZZ_CHECK(ret == 0 || ret == 1, "step: %s", kaff_strerrorname(ret));
		if (ret == 0)
			break;
	}
	kaff_replay_free(r);
	kaff_scenario_free(sc);
	FUZZ_CHECK(fa.live == 0, "%ld blocks leaked", fa.live);
	FUZZ_CHECK(!strcmp(fuzz_buf_text(&out), want),
		   "the trace differs after an allocation failure");
	free(out.data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kaff_scenario_error err;
	struct kaff_scenario *sc;
	struct fuzz_buf t1 = { 0 }, t2 = { 0 }, t3 = { 0 };
	struct kaff_replay_ops ops = { .write_trace = fuzz_buf_write,
				       .expect_failed = expect_failed };
	struct kaff_replay_result res;
	struct fuzz_alloc fa = { 0 };
	struct kaff_allocator al = fuzz_allocator(&fa);
	unsigned long total;
	int ret;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	memset(&err, 0xa5, sizeof(err));
	ret = kaff_scenario_parse((const char *)data, size, &al, &sc, &err);
	if (ret) {
		FUZZ_CHECK(ret == -EINVAL, "parse returned %s", kaff_strerrorname(ret));
		FUZZ_CHECK(sc == NULL, "no scenario on error");
		check_error(data, size, &err);
		return 0;
	}

	/* 1: the one-shot replay */
	ops.data = &t1;
	expect_count = 0;
	ret = kaff_scenario_replay(sc, &ops, &res);
	FUZZ_CHECK(ret == 0, "replay: %s (line %u)", kaff_strerrorname(ret), res.error_line);
	FUZZ_CHECK(res.expect_failures == (unsigned long)expect_count, "expect count");
	total = fa.calls;
	/* 2: again, step by step, both engines: the same trace */
	replay_steps(sc, &t2, &t3);
	FUZZ_CHECK(!strcmp(fuzz_buf_text(&t1), fuzz_buf_text(&t2)),
		   "the same input gives another trace");
	check_trace(fuzz_buf_text(&t1));
	FUZZ_CHECK(!strcmp(fuzz_buf_text(&t1), fuzz_buf_text(&t3)),
		   "the reference engine gives another trace");
	/* 3: parse and replay again with one allocation failing, chosen by
	 * the input (the parse must give the same scenario: same trace) */
	if (total)
		replay_failing(data, size, 1 + fuzz_hash(data, size) % total, fuzz_buf_text(&t1));

	kaff_scenario_free(sc);
	free(t1.data);
	free(t2.data);
	free(t3.data);
	return 0;
}
