/* SPDX-License-Identifier: MIT */
/*
 * kaff audit, shared by its files. Arrows go one way:
 *
 *   audit.c          the command: options, the base replay, the run
 *     audit-explore.c  the states: their hotplug operations, one context
 *                      each (duplicated or replayed), the wakes, progress
 *       audit-rules.c    why a kthread's mask is where it is (the rule)
 *         audit-findings.c  findings interned, states kept per kthread,
 *                           then grouped
 *     audit-print.c    text and --json output of the groups
 */
#ifndef KAFF_AUDIT_H
#define KAFF_AUDIT_H

#include <stdint.h>

#include "cli.h"

enum au_kind { AU_PROTECTED, AU_LOST_PREFERRED };

/* What last wrote a kthread's mask. */
enum au_cause {
	CAUSE_BOOT,        /* kthreadd at boot */
	CAUSE_CREATE,      /* copy of kthreadd's mask (rule C1) */
	CAUSE_BIND,        /* bind / create_on_cpu */
	CAUSE_SETAFFINITY, /* sched_setaffinity() */
	CAUSE_FALLBACK,    /* select_fallback_rq() at a wake */
	CAUSE_KTHREAD,     /* the kthread code: prefer, first wake, online, isolate */
};

enum au_rule {
	RULE_FALLBACK,
	RULE_LAST_RESORT,
	RULE_SETAFFINITY,
	RULE_HK_TYPE,
	RULE_HOTPLUG,
	RULE_CREATION,
	RULE_OTHER,
	RULE_BOUND,
};

/* How the states are made (--explore). */
enum au_mode { AU_EXPLORE_ROLLBACK, AU_EXPLORE_DUP, AU_EXPLORE_REPLAY };

/* A finding's content, interned: equal findings share one id. */
struct au_sig {
	uint8_t kind, rule;
	bool managed;
	const char *mask, *cpus;  /* interned (audit-findings.c); cpus: the protected
				   * CPUs in the mask (AU_PROTECTED), else NULL */
	char *text;
	uint64_t hash;
	uint32_t hnext;
};

/* States first .. last, in exploration order. */
struct au_run {
	uint32_t first, last;
};

/* One kthread with one finding: the states it holds in. */
struct au_entry {
	uint32_t sig, next;   /* next entry of the same kthread */
	uint32_t nruns, cap;
	struct au_run run0;   /* the first run; more[] the others */
	struct au_run *more;
};

/* Findings that share content, states: one printed finding. */
struct au_group {
	uint32_t sig;
	uint32_t entry;                /* one member's entry: the states */
	uint32_t *members;             /* audited-kthread indexes, in audit order */
	uint32_t nr, cap;
	uint32_t first, kind;          /* first state, and kind: the sort order */
	uint64_t hash;
	uint32_t hnext;
};

/* A kthread the audit looks at, in audit order: the managed list, then
 * the others that are not there by design. */
struct au_kt {
	unsigned int id;
	bool managed, wake;    /* wake: started, managed, not kthreadd */
	uint8_t cause;         /* at the end of the scenario */
	char *pref;            /* AU_LOST_PREFERRED: its preferred CPUs, "" if none */
	uint32_t head, last[2];   /* entries: all, and the last one of each kind */
	/* at the end of the scenario (the base context's masks, which no
	 * state changes): its mask, its preferred CPUs or node, its findings */
	const struct kaff_cpumask *bcpus, *bpref;
	uint32_t nbase, base[2];
};

struct au_memo;
struct au_mask;

struct audit {
	const char *file;
	const struct kaff_scenario *sc;
	const char *kthreadd; /* the real kthreadd's label (kaff_kthreadd_label()) */
	const struct kaff_profile *profile;
	enum au_mode mode;
	unsigned int cpus, nr_nodes;
	bool wake, progress;
	struct kaff_cpumask *protected_cpus;
	struct kaff_cpumask *end_online;
	struct kaff_cpumask *end_hk;     /* HK_TYPE_KTHREAD at the end */
	struct kaff_cpumask *tmp, *tmp2, *hit, *pref; /* scratch (audit-rules.c) */
	struct kaff_sbuf text;                        /* scratch (audit-rules.c) */
	struct kaff_cpumask **node_cpus; /* the scenario's nodes */
	struct kaff_cpumask *delta;      /* a state's online CPUs xor the end's */

	/* the context at the end of the scenario, and its names */
	struct kaff_replay *base;
	char **names;                   /* by kthread id; NULL: none */
	unsigned int nr_ids;

	/* the boot parameters the kernel ignored (bootwarn.c) */
	struct kaff_boot_notes notes;

	/* audited kthreads */
	struct au_kt *kts;
	uint32_t nr_kts, nr_managed;
	/* per-CPU and bound kthreads on their own CPU: summarised */
	uint32_t nr_design;
	struct kaff_cpumask *design_cpus, *design_protected;
	char **design_names;

	/* states */
	char **labels;
	unsigned int nr_states, total_states, max_states;
	unsigned int n_node, n_node_hk, n_single, n_pair;
	double started_ns, last_progress_ns;
	bool progress_shown;

	/* findings: interned masks and contents, entries, groups */
	struct au_mask *masks;
	uint32_t nr_masks, cap_masks, *mask_buckets, nr_mask_buckets;
	struct au_sig *sigs;
	uint32_t nr_sigs, cap_sigs;
	uint32_t *sig_buckets;
	uint32_t nr_sig_buckets;
	struct au_entry *entries;
	uint32_t nr_entries, cap_entries;
	struct au_group *groups;
	uint32_t nr_groups;
	uint32_t states_with_findings;

	/* per state: evaluations by kthread state; the causes (by audited
	 * kthread), and what a change callback now gives (enum au_cause) */
	struct au_memo *memo;
	uint8_t *cause, phase;
	uint32_t *kt_of;                /* by kthread id: its audited index */
};

#define AU_NONE UINT32_MAX
/* in audit->cause[]: the state changed the mask */
#define AU_CHANGED 0x80u

/* audit-findings.c */
int au_sig_intern(struct audit *au, enum au_kind kind, enum au_rule rule, bool managed,
		  const struct kaff_cpumask *mask, const struct kaff_cpumask *cpus,
		  const char *text, uint32_t *out);
int au_record(struct audit *au, uint32_t kt, uint32_t sig, uint32_t state);
const struct au_run *au_entry_run(const struct audit *au, const struct au_entry *e,
				  uint32_t i);
int au_group(struct audit *au);
void au_findings_free(struct audit *au);

/* audit-rules.c: the findings of one kthread in one state, interned */
struct au_eval {
	uint32_t n, sig[2];
};
int au_evaluate(struct audit *au, const struct kaff_ctx *ctx, const struct kaff_kthread_info *info,
		enum au_cause cause, bool managed, struct au_eval *out);

/* audit-explore.c */
/* CLOCK_MONOTONIC in ns: the progress line counts from the start. */
double au_now_ns(void);
int au_explore(struct audit *au);
void au_explore_free(struct audit *au);

/* audit-print.c */
void au_print_text(struct audit *au, struct kaff_sbuf *o);
int au_print_json(struct audit *au, struct kaff_sbuf *o);

#endif /* KAFF_AUDIT_H */
