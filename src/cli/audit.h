/* SPDX-License-Identifier: MIT */
/*
 * kaff audit, shared by its files. Arrows go one way:
 *
 *   audit.c          the command: options, the base replay, the run
 *     audit-explore.c  the states: their hotplug operations, one context
 *                      each (rolled back, duplicated or replayed), the
 *                      wakes, the evaluations, progress
 *       audit-watch.c    kthreads in classes, and which classes a state
 *                        can change (the masks whose online CPUs it moved)
 *         audit-rules.c    why a kthread's mask is where it is (the rule)
 *           audit-findings.c  findings interned; the states where they
 *                             differ from the end kept, then grouped
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

/* One kthread (or class, audit-watch.c) with one finding: the states it
 * holds in. */
struct au_entry {
	uint32_t sig, next;   /* next entry of the same kthread */
	uint32_t nruns, cap;
	struct au_run run0;   /* the first run; more[] the others */
	struct au_run *more;
	uint32_t group;       /* au_group(): its group, once found */
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

/* The findings of one kthread in one state, interned: at most one of
 * each kind, protected CPUs first. */
struct au_eval {
	uint32_t n, sig[2];
};

/* A kthread the audit looks at, in audit order: the managed list, then
 * the others that are not there by design. */
struct au_kt {
	unsigned int id;
	bool managed, wake;    /* wake: started, managed, not kthreadd */
	uint8_t cause;         /* at the end of the scenario */
	char *pref;            /* AU_LOST_PREFERRED: its preferred CPUs, "" if none */
	uint32_t cls;          /* its class (audit-watch.c) */
	uint32_t head;         /* its entries (au_group()) */
};

/*
 * Audited kthreads whose findings are made of the same things at the end
 * of the scenario: mask, preferred CPUs or node, cause, managed
 * (audit-rules.c reads no more of a kthread). In a state that leaves a
 * kthread's mask alone, the kthread has its class's findings there.
 */
struct au_class {
	const struct kaff_cpumask *cpus, *preferred;  /* the base context's */
	int node;
	uint8_t cause;
	bool managed;
	uint32_t hnext;
	struct au_eval base, cur;  /* at the end; in the state stamped */
	uint32_t stamp;            /* 1 + the state it was evaluated in */
	uint32_t wcpus;            /* the watch on its mask; AU_NONE: no waker */
	uint32_t wake0, nwake;     /* its kthreads that wake: au->wakers[] */
	uint32_t head;             /* its entries (au_group()) */
};

/* Findings that differ from the default in one state: a class's (@who a
 * class; the default, its findings at the end) or a kthread's (@who an
 * audited index; the default, its class's in that state). */
struct au_exc {
	uint32_t who, state;
	struct au_eval ev;
};

struct au_log {
	struct au_exc *v;
	uint32_t n, cap;
};

struct au_memo;
struct au_mask;
struct au_watch;

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

	/* findings: interned masks and contents; the exceptions to the
	 * defaults (classes', kthreads'); entries and groups */
	struct au_mask *masks;
	uint32_t nr_masks, cap_masks, *mask_buckets, nr_mask_buckets;
	struct au_sig *sigs;
	uint32_t nr_sigs, cap_sigs;
	uint32_t *sig_buckets;
	uint32_t nr_sig_buckets;
	struct au_log cexc, kexc;
	struct au_entry *entries;
	uint32_t nr_entries, cap_entries;
	struct au_group *groups;
	uint32_t nr_groups;
	uint32_t states_with_findings;

	/* classes (audit-watch.c) and, by class, the kthreads that wake */
	struct au_class *classes;
	uint32_t nr_classes, *wakers;
	struct au_watch *watch;

	/* per state: evaluations by kthread state; the causes (by audited
	 * kthread), and what a change callback now gives (enum au_cause);
	 * the kthreads whose masks changed; the classes evaluated; the
	 * kthreads to wake */
	struct au_memo *memo;
	uint8_t *cause, phase;
	uint32_t *kt_of;                /* by kthread id: its audited index */
	uint32_t *changed, nr_changed;
	uint32_t *dirty, nr_dirty;
	uint32_t *cand, nr_cand;
};

#define AU_NONE UINT32_MAX
/* in audit->cause[]: the state changed the mask */
#define AU_CHANGED 0x80u

/* audit-findings.c */
int au_sig_intern(struct audit *au, enum au_kind kind, enum au_rule rule, bool managed,
		  const struct kaff_cpumask *mask, const struct kaff_cpumask *cpus,
		  const char *text, uint32_t *out);
int au_exc_add(struct au_log *log, uint32_t who, uint32_t state, const struct au_eval *ev);
const struct au_run *au_entry_run(const struct audit *au, const struct au_entry *e,
				  uint32_t i);
int au_group(struct audit *au);
void au_findings_free(struct audit *au);

/* audit-rules.c: the findings of one kthread in one state, interned */
int au_evaluate(struct audit *au, const struct kaff_ctx *ctx, const struct kaff_kthread_info *info,
		enum au_cause cause, bool managed, struct au_eval *out);
unsigned int au_watch_masks(const struct audit *au, const struct kaff_kthread_info *info,
			    const struct kaff_cpumask *pref, bool managed,
			    const struct kaff_cpumask *out[][2]);
#define AU_WATCH_MAX 4

/* audit-watch.c */
int au_watch_init(struct audit *au, const struct kaff_ctx *base);
int au_class_eval(struct audit *au, const struct kaff_ctx *ctx, uint32_t c, uint32_t stamp);
void au_watch_state(struct audit *au, const struct kaff_ctx *ctx, uint32_t stamp);
void au_watch_free(struct audit *au);

/* audit-explore.c */
/* CLOCK_MONOTONIC in ns: the progress line counts from the start. */
double au_now_ns(void);
int au_explore(struct audit *au);
void au_explore_free(struct audit *au);

/* audit-print.c */
void au_print_text(struct audit *au, struct kaff_sbuf *o);
int au_print_json(struct audit *au, struct kaff_sbuf *o);

#endif /* KAFF_AUDIT_H */
