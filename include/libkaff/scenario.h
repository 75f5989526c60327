/* SPDX-License-Identifier: MIT */
/*
 * libkaff scenarios: the .scn format and the .trace it replays to
 * (docs/scenario-format.md, the project's copy of FORMAT.md).
 */
#ifndef LIBKAFF_SCENARIO_H
#define LIBKAFF_SCENARIO_H

#include <stddef.h>
#include <stdio.h>

#include <libkaff/common.h>
#include <libkaff/machine.h>
#include <libkaff/population.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kaff_scenario;

/* The longest task name, in bytes (the kernel's names of its kthreads). */
#define KAFF_TASK_NAME_MAX 63

/**
 * struct kaff_scenario_error - where and why a scenario was refused
 * @line, @col: 1-based position of the first error in the file
 */
struct kaff_scenario_error {
	unsigned int line, col;
	char msg[200];
};

/*
 * The longest line a scenario may hold, in bytes, its comment included and
 * its '\n' not: one more is a scenario error ("line longer than 65536
 * bytes"). A list of all 8,192 CPUs written one by one takes 39,849.
 * A file may hold up to 4,294,967,294 lines.
 */
#define KAFF_SCENARIO_LINE_MAX 65536u

/**
 * kaff_scenario_parse() - parse and check a whole scenario
 * @text:  the file's bytes (need not be NUL-terminated; a NUL byte is an error)
 * @len:   their number
 * @alloc: allocator for the scenario and for replays, copied; NULL: malloc
 * @out:   receives the scenario
 * @err:   filled on -EINVAL; may be NULL
 *
 * Every check that docs/scenario-format.md makes a scenario error happens
 * here, so a scenario that parses replays from start to end. The bytes
 * are read in order and the first error stops the parse: a NUL byte, a
 * control character outside a comment or a line longer than
 * KAFF_SCENARIO_LINE_MAX is reported where it stands, without reading on.
 *
 * Return: 0; -EINVAL (scenario error, @err says where); -ENOMEM.
 */
KAFF_EXPORT int kaff_scenario_parse(const char *text, size_t len,
				    const struct kaff_allocator *alloc,
				    struct kaff_scenario **out,
				    struct kaff_scenario_error *err);
/**
 * kaff_scenario_parse_file() - kaff_scenario_parse() on what @f holds,
 * read as it is parsed
 * @f: read from its position to its end (or to the first error); not closed
 *
 * Memory does not grow with the file, only with what the scenario keeps
 * (its events, names and lists): one line is held at a time and comments
 * are not kept, so a 200 MB file of comments parses in the memory of one
 * line, and /dev/zero fails at once ("1:1: NUL byte in the file").
 *
 * Return: as kaff_scenario_parse(); or, when reading @f fails, the
 *         negative errno of the read (-EISDIR for a directory; -EIO when
 *         the reason is unknown, or is EINVAL or ENOMEM, so that it cannot
 *         be taken for a scenario error or for running out of memory).
 */
KAFF_EXPORT int kaff_scenario_parse_file(FILE *f, const struct kaff_allocator *alloc,
					 struct kaff_scenario **out,
					 struct kaff_scenario_error *err);
/**
 * kaff_scenario_parse_population() - kaff_scenario_parse() on a population
 * @pop: the kthreads of a real kernel (kaff_population_parse()); it must
 *	outlive the scenario and its replays
 *
 * The scenario's cpus, node and kernel lines must be the population's
 * (a scenario error otherwise); its boot lines may differ. A replay first
 * makes every kthread of @pop at boot, each by its class, so that under
 * the snapshot's own kernel, boot line and online CPUs each keeps its
 * snapshot mask; rcuo kthreads follow the scenario's boot line. Events may
 * name a population kthread whose name no other one has.
 *
 * Return: as kaff_scenario_parse(); -EINVAL for a NULL @pop.
 */
KAFF_EXPORT int kaff_scenario_parse_population(const char *text, size_t len,
					       const struct kaff_population *pop,
					       const struct kaff_allocator *alloc,
					       struct kaff_scenario **out,
					       struct kaff_scenario_error *err);
/**
 * kaff_scenario_parse_file_population() - kaff_scenario_parse_file() on a
 * population, as kaff_scenario_parse_population()
 */
KAFF_EXPORT int kaff_scenario_parse_file_population(FILE *f,
						    const struct kaff_population *pop,
						    const struct kaff_allocator *alloc,
						    struct kaff_scenario **out,
						    struct kaff_scenario_error *err);
/** kaff_scenario_free() - NULL is a no-op */
KAFF_EXPORT void kaff_scenario_free(struct kaff_scenario *sc);

/** kaff_scenario_profile() - the profile of the scenario's kernel line */
KAFF_EXPORT const struct kaff_profile *kaff_scenario_profile(const struct kaff_scenario *sc);

/**
 * struct kaff_replay_ops - where a replay's output goes
 * @write_trace: receives the trace text; non-zero return stops the replay
 * @expect_failed: called for each failing expect line (may be NULL)
 * @log_fn: receives the kernel's messages (see kaff_ctx_set_log_fn()); may be NULL
 * @profile: NULL for the scenario's own, else replay under this one
 * @engine: KAFF_ENGINE_INCREMENTAL (0, the default) or KAFF_ENGINE_REFERENCE
 */
struct kaff_replay_ops {
	int (*write_trace)(void *data, const char *buf, size_t len);
	void (*expect_failed)(void *data, unsigned int line, const char *name,
			      const char *want, const char *got);
	void (*log_fn)(void *data, const char *line);
	void *data;
	const struct kaff_profile *profile;
	enum kaff_engine engine;
};

/**
 * struct kaff_replay_result - what a replay did
 * @events:          events run
 * @expect_failures: failing expect lines
 * @error_line:      with a negative return: the line of the event that failed
 */
struct kaff_replay_result {
	unsigned long events;
	unsigned long expect_failures;
	unsigned int error_line;
};

/**
 * kaff_scenario_replay() - replay @sc and write its trace
 *
 * Return: 0 (expect failures are counted in @res, not errors); -ENOMEM if
 *         memory ran out at the event @res->error_line (the trace stops
 *         before it); -EDOM if the profile's fetch hook gave no CPU at
 *         the event @res->error_line (or at boot: error_line 0), which
 *         changed nothing; what @ops->write_trace returned, if non-zero;
 *         -EOPNOTSUPP if @ops->profile cannot run this scenario (isolate
 *         without runtime_domain_isolation).
 */
KAFF_EXPORT int kaff_scenario_replay(const struct kaff_scenario *sc,
				     const struct kaff_replay_ops *ops,
				     struct kaff_replay_result *res);

/** kaff_scenario_nr_events() - the number of events (header lines excluded) */
KAFF_EXPORT unsigned int kaff_scenario_nr_events(const struct kaff_scenario *sc);

/**
 * kaff_scenario_nr_boot_kthreads() - the kthreads a replay makes at boot
 * from the scenario's population (0 without one). A replay's kthread ids
 * stay below this + kaff_scenario_nr_events() + 1.
 */
KAFF_EXPORT unsigned int kaff_scenario_nr_boot_kthreads(const struct kaff_scenario *sc);

/**
 * kaff_scenario_event_describe() - event @i as one normalised line
 * ("prefer A 2-3", "offline 5"), snprintf style
 * @line: if not NULL, receives the event's line in the file
 *
 * Return: the length of the full text, or -EINVAL for a bad @i.
 */
KAFF_EXPORT int kaff_scenario_event_describe(const struct kaff_scenario *sc, unsigned int i,
					     char *buf, size_t len, unsigned int *line);

/** kaff_scenario_nr_boot_params() - the header's boot parameters */
KAFF_EXPORT unsigned int kaff_scenario_nr_boot_params(const struct kaff_scenario *sc);

/**
 * kaff_scenario_boot_param() - boot parameter @i (in file order, the order
 * the machine boots with them) as written, and where it stands
 * @line, @col: if not NULL, receive its 1-based position in the file
 *
 * A tool can tell which line a boot warning (kaff_machine_boot_warning(),
 * whose param is the same text) comes from.
 *
 * Return: the parameter, or NULL for a bad @i.
 */
KAFF_EXPORT const char *kaff_scenario_boot_param(const struct kaff_scenario *sc, unsigned int i,
						 unsigned int *line, unsigned int *col);

/*
 * Step-by-step replay, for tools that look at the state between events
 * (kaff_scenario_replay() is this in a loop).
 */
struct kaff_replay;

/**
 * kaff_replay_new() - boot the scenario's machine, ready for its first event
 * @ops: output as for kaff_scenario_replay() (copied); may be NULL
 *
 * Return: 0; -EOPNOTSUPP (isolate under a 6.x profile); -ENOMEM; -EINVAL.
 */
KAFF_EXPORT int kaff_replay_new(const struct kaff_scenario *sc,
				const struct kaff_replay_ops *ops,
				struct kaff_replay **out);
/**
 * kaff_replay_step() - run the next event
 * @res: counters, accumulated (may be NULL)
 *
 * Return: 1 when an event ran, 0 when none is left, -ENOMEM when memory
 *         ran out (the event did not run, the state is as before it: the
 *         step may be retried).
 */
KAFF_EXPORT int kaff_replay_step(struct kaff_replay *r, struct kaff_replay_result *res);
/** kaff_replay_ctx() - the replay's context, to inspect (or drive further) */
KAFF_EXPORT struct kaff_ctx *kaff_replay_ctx(struct kaff_replay *r);
/** kaff_replay_position() - the index of the next event */
KAFF_EXPORT unsigned int kaff_replay_position(const struct kaff_replay *r);
/** kaff_replay_task_name() - the scenario name of kthread @id, or NULL */
KAFF_EXPORT const char *kaff_replay_task_name(const struct kaff_replay *r, unsigned int id);
/**
 * kaff_replay_nr_tasks() - the scenario's task instances: one per create
 * line (a name re-created after stop is a second instance)
 */
KAFF_EXPORT unsigned int kaff_replay_nr_tasks(const struct kaff_replay *r);
/**
 * kaff_replay_task() - task instance @i, in creation order (the order of
 * `show`): its kthread id, KAFF_KTHREAD_NONE if it is not live (not yet
 * created, stopped, or @i out of range)
 * @name: if not NULL, receives its name (NULL for @i out of range)
 */
KAFF_EXPORT unsigned int kaff_replay_task(const struct kaff_replay *r, unsigned int i,
					  const char **name);
/** kaff_replay_free() - NULL is a no-op */
KAFF_EXPORT void kaff_replay_free(struct kaff_replay *r);

#ifdef __cplusplus
}
#endif

#endif /* LIBKAFF_SCENARIO_H */
