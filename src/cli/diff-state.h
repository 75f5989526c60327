/* SPDX-License-Identifier: MIT */
/*
 * kaff diff's pieces (diff.c compares and explains, diff-record.c replays
 * and records, diff-json.c writes --json).
 */
#ifndef KAFF_CLI_DIFF_STATE_H
#define KAFF_CLI_DIFF_STATE_H

#include "cli.h"

/* What one task looked like after one event. */
struct obs_task {
	const char *name; /* the scenario's (lives as long as it), or kaff_diff_kthreadd */
	char *mask;
};

/*
 * kthreadd's entry, tasks[0] of every point. A scenario may name a task
 * "kthreadd" too, so kthreadd is told apart by this pointer, not by its
 * text.
 */
extern const char kaff_diff_kthreadd[];

/* The state after one point: boot (index 0) or event i (index i + 1). */
struct obs_point {
	char *result; /* the "! ..." lines the event printed, NULL if none */
	unsigned int nr_tasks;
	struct obs_task *tasks;
};

/* One whole replay under one profile. */
struct obs_run {
	int boot_ret;      /* kaff_replay_new(): 0, or the kernel's refusal */
	unsigned int nr_points;
	struct obs_point *points;
	/* boot-time housekeeping isolation, for the rule texts */
	char *noise_iso, *domain_iso;
	struct kaff_boot_notes boot;  /* what the kernel ignored at boot */
};

/* The profile fields, grouped as the engine uses them. */
enum field_group {
	FG_KTHREAD_HK,
	FG_LIST_UNBOUND,
	FG_ONLINE_SKIPS,
	FG_RUNTIME_ISO,
	FG_OFFLINE_CHECK,
	FG_BOOT_SHARED,
	FG_HOOKS,     /* the profile's hooks, not a rule (kaff_profile_set_fetch_fn()) */
	FG_NR
};

/* What a group of fields is (diff-fields.c). */
struct fgroup_desc {
	const char *fields; /* the rule names */
	const char *kernel; /* docs/algorithm.md#rule-differences rows */
	const char *topic;
};

extern const struct fgroup_desc kaff_diff_fgroups[FG_NR];

/* One difference: point @p, @task (NULL: the event's result). */
struct difference {
	unsigned int point;
	const char *task;
	unsigned int explained_by; /* bit per enum field_group */
};

struct diff_state {
	const char *file;
	const struct kaff_scenario *sc;
	const struct kaff_profile *a, *b;
	struct obs_run ra, rb;
	/* hybrids: [g][0] = A with g from B, [g][1] = B with g from A */
	struct obs_run hy[FG_NR][2];
	bool hy_done[FG_NR];
	struct difference *diffs;  /* each one that appears or changes */
	size_t nr_diffs, cap_diffs;
	unsigned int nr_points_differ; /* points after which anything differs */
	const char *kthreadd;          /* kthreadd_name as shown (kaff_kthreadd_label()) */
	struct kaff_sbuf out;
};

void kaff_diff_run_free(struct obs_run *run);
/*
 * kaff_diff_record() - replay @sc under @profile and record every point.
 * Return: 0 (a boot the profile refuses is recorded in run->boot_ret, not
 * an error); -ENOMEM; -EOPNOTSUPP when the profile cannot replay the file;
 * -EDOM when its fetch hook gives a kthread no CPU.
 */
int kaff_diff_record(const struct kaff_scenario *sc, const struct kaff_profile *profile,
		     struct obs_run *run);
/* The value compared at point @p: @task's mask, or (NULL) the event's result. */
const char *kaff_diff_value(const struct obs_run *run, unsigned int p, const char *task);
bool kaff_diff_same(const char *x, const char *y);

/* diff.c, for diff-json.c: a task's name as output shows it; the event
 * result on one line; the field group @g's names, topic, values and rule. */
const char *kaff_diff_shown(const struct diff_state *st, const char *task);
void kaff_diff_put_result(struct kaff_sbuf *o, const char *res);
/* The group's name: its first rule's (kaff_profile_rule_name()), "hooks"
 * for the hooks. */
const char *kaff_diff_fgroup_key(enum field_group g);
bool kaff_diff_fgroup_differs(enum field_group g, const struct kaff_profile *a,
			      const struct kaff_profile *b);
/* A profile derived from @base with group @g taken from @from. */
int kaff_diff_fgroup_hybrid(enum field_group g, const struct kaff_profile *base,
			    const struct kaff_profile *from, struct kaff_profile **out);
/* "A: value, B: value" of the group's fields. */
void kaff_diff_fgroup_values(struct kaff_sbuf *o, enum field_group g,
			     const struct kaff_profile *a, const struct kaff_profile *b);
/* The rule in words, going from A to B, with this machine's CPUs. */
void kaff_diff_fgroup_rule(struct kaff_sbuf *o, enum field_group g, const struct kaff_profile *a,
			   const struct kaff_profile *b, const struct obs_run *ra,
			   const struct obs_run *rb);
bool kaff_diff_fgroup(const struct diff_state *st, enum field_group g, const char **fields,
		      const char **topic, struct kaff_sbuf *values, struct kaff_sbuf *rule);

/* --json: the whole comparison as one object (docs/json.md, kaff-diff). */
int kaff_diff_json(const struct diff_state *st, struct kaff_sbuf *out);

#endif /* KAFF_CLI_DIFF_STATE_H */
