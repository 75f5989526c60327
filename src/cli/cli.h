/* SPDX-License-Identifier: MIT */
/*
 * Pieces shared by the kaff subcommands (src/cli/). The program keeps no
 * global mutable state: each command builds its own state on the stack
 * and passes it down.
 */
#ifndef KAFF_CLI_H
#define KAFF_CLI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <libkaff/kaff.h>

#ifdef KAFF_HAVE_JANSSON
#include <jansson.h>
#endif

/* Exit statuses shared by every command (see kaff.1). */
#define KAFF_EXIT_OK 0
#define KAFF_EXIT_FOUND 1     /* expect failed / profiles differ / audit findings */
#define KAFF_EXIT_USAGE 2     /* usage, unreadable input, scenario error */
#define KAFF_EXIT_INTERNAL 3  /* libkaff or the output failed (ENOMEM, EIO) */

/* A growing string; on allocation failure @oom is set and appends stop. */
struct kaff_sbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

#if defined(__GNUC__)
#define KAFF_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define KAFF_PRINTF(a, b)
#endif

void kaff_sbuf_printf(struct kaff_sbuf *b, const char *fmt, ...) KAFF_PRINTF(2, 3);
void kaff_sbuf_vprintf(struct kaff_sbuf *b, const char *fmt, va_list ap) KAFF_PRINTF(2, 0);
void kaff_sbuf_puts(struct kaff_sbuf *b, const char *s);
/* Append @m as a cpulist, "-" when empty (the trace format's spelling). */
void kaff_sbuf_mask(struct kaff_sbuf *b, const struct kaff_cpumask *m);
void kaff_sbuf_reset(struct kaff_sbuf *b);
void kaff_sbuf_free(struct kaff_sbuf *b);

/* @m as a malloc'd cpulist ("-" when empty); NULL when memory ran out. */
char *kaff_mask_str(const struct kaff_cpumask *m);

/*
 * A small file ("-": stdin) in memory, NUL-terminated: NULL with errno
 * (EFBIG past KAFF_READ_ALL_MAX bytes). For sysfs and /proc/cmdline;
 * scenarios are read as they are parsed (kaff_load_scenario()).
 */
#define KAFF_READ_ALL_MAX (1u << 20)
char *kaff_read_all(const char *path, size_t *len);
/* kaff_read_all() up to @max bytes (a population file). */
char *kaff_read_file(const char *path, size_t *len, size_t max);

/* "<stdin>" for "-", else @path: how messages name an input. */
const char *kaff_display_name(const char *path);

/*
 * kaff_load_scenario() - read and parse @path ("-": stdin) as it is read,
 * on the population @pop when not NULL, reporting errors on stderr as
 * "kaff: FILE:LINE:COL: message", or "kaff: CMD: FILE: reason" (@cmd
 * NULL: "kaff: FILE: reason", as `run` says it). @alloc as for
 * kaff_scenario_parse().
 *
 * Return: KAFF_EXIT_OK with *@out set, or the exit status to return.
 */
int kaff_load_scenario(const char *cmd, const char *path, const struct kaff_allocator *alloc,
		       const struct kaff_population *pop, struct kaff_scenario **out);

/*
 * kaff_cli_read_population() - read and parse a population file
 * (FORMAT.md "Census"), reporting errors on stderr as
 * "kaff: FILE:LINE:COL: message".
 *
 * Return: KAFF_EXIT_OK with *@out set, or the exit status to return.
 */
int kaff_cli_read_population(const char *path, const struct kaff_allocator *alloc,
			     struct kaff_population **out);

/*
 * kaff_host_census() - the census block of the kthreads in @proc
 * (kthreads.c): "census 1" and one sorted line per kthread into @out,
 * header comments about what was left out or renamed into @notes.
 *
 * Return: 0, -ENOMEM, or -errno of opening @proc.
 */
int kaff_host_census(const char *proc, struct kaff_sbuf *out, struct kaff_sbuf *notes);

/* --json where kaff was built without jansson: what --help says, and the refusal. */
#ifdef KAFF_HAVE_JANSSON
#define KAFF_JSON_NOTE ""
#else
#define KAFF_JSON_NOTE " (NOT AVAILABLE: this kaff was built without jansson)"
#endif
int kaff_json_unavailable(const char *cmd);

/*
 * kaff_kthreadd_label() - how output names the kernel's kthreadd:
 * "kthreadd", or "[kthreadd]" (as ps shows kernel threads) when a task of
 * @sc is named "kthreadd" too, a valid task name.
 */
const char *kaff_kthreadd_label(const struct kaff_scenario *sc);

/*
 * kaff_replay_start() - kaff_replay_new() with the CLI's messages for
 * its failures ("isolate is not modelled under kernel 6.14", a refused
 * boot_online set).
 *
 * Return: KAFF_EXIT_OK with *@out set, or the exit status to return.
 */
int kaff_replay_start(const char *cmd, const char *file, const struct kaff_scenario *sc,
		      const struct kaff_profile *profile, struct kaff_replay **out);

/*
 * The profile a --kernel argument names (kaff.1 "KERNEL PROFILES"):
 * "MAJOR.MINOR", then any number of "+RULE=VALUE" and "+PATH" terms in
 * order; a term with a '/' is a shared object whose kaff_rule_init()
 * (KAFF_RULE_ENTRY) is called on the profile.
 */
#define KAFF_CLI_KERNEL_SO_MAX 8
struct kaff_cli_kernel {
	const struct kaff_profile *profile;  /* the profile to use */
	struct kaff_profile *own;            /* a derived one, or NULL */
	void *dl[KAFF_CLI_KERNEL_SO_MAX];    /* the shared objects loaded */
	unsigned int nr_dl;
};

/*
 * kaff_cli_kernel() - parse --kernel @arg for command @cmd into @k; on
 * error, one line on stderr naming what was wrong.
 *
 * Return: KAFF_EXIT_OK, or the exit status to return (@k then holds
 *         nothing to free).
 */
int kaff_cli_kernel(const char *cmd, const char *arg, struct kaff_cli_kernel *k);
/* Free what kaff_cli_kernel() made (after the last context using it). */
void kaff_cli_kernel_free(struct kaff_cli_kernel *k);

/*
 * kaff_cli_replay_failed() - report a replay that libkaff stopped with
 * @err under @profile (@where: "FILE" or "FILE:LINE").
 *
 * Return: the exit status: 2 for a profile's hook that gave a kthread no
 *         CPU (-EDOM), 3 otherwise (out of memory, ...).
 */
int kaff_cli_replay_failed(const char *cmd, const char *where,
			   const struct kaff_profile *profile, int err);

/* Write @b to stdout and flush: 0, or KAFF_EXIT_INTERNAL after a message. */
int kaff_flush_out(const char *cmd, const struct kaff_sbuf *b);

/*
 * Options (opts.c): getopt_long()'s conventions, one parser for every
 * command. A command lists its options in a table ending with a NULL
 * name; -h/--help and -V/--version are every command's own.
 */
struct kaff_opt {
	const char *name;  /* the long name, without "--" */
	int key;           /* the short option's letter, or a value >= 256 for long only */
	bool has_arg;
};

#define KAFF_ARGS_MAX_OPERANDS 4

struct kaff_args {
	const char *cmd, *usage;
	const struct kaff_opt *opts;
	int argc, i;
	char **argv;
	const char *cluster;    /* the rest of "-vk7.3" */
	bool dashdash;
	char *operands[KAFF_ARGS_MAX_OPERANDS];
	int nr_operands;        /* all of them, even past the array */
	const char *arg;        /* the current option's value */
	int status;             /* the exit status after a -1 return */
};

void kaff_args_init(struct kaff_args *a, const char *cmd, const char *usage,
		    const struct kaff_opt *opts, int argc, char **argv);
/*
 * kaff_args_next() - the next option's key (its value in @a->arg), 0 when
 * none is left (the operands are in @a->operands), or -1 when the command
 * must exit with @a->status: --help or --version was printed, or a usage
 * error was reported.
 */
int kaff_args_next(struct kaff_args *a);
/* Between @min and @max operands, named @names[i] in messages; else a
 * usage error ("missing FILE operand", "extra operand 'x'"). */
bool kaff_args_operands(struct kaff_args *a, int min, int max, const char *const *names);
/* "kaff: CMD: MESSAGE (see 'kaff CMD --help')", status 2. */
void kaff_args_error(struct kaff_args *a, const char *fmt, ...) KAFF_PRINTF(2, 3);
/* --kernel's value: a profile, else the reason and status 2. */
bool kaff_args_profile(struct kaff_args *a, const char *v, const struct kaff_profile **out);

/*
 * Boot warnings (bootwarn.c): what the kernel ignored at boot, copied out
 * of a booted context (kaff_machine_boot_warning()).
 */
struct kaff_boot_notes {
	unsigned int nr;
	struct {
		enum kaff_boot_warning_reason reason;
		char *param, *console, *meaning;  /* console: NULL when the kernel prints none */
		unsigned int line, col;           /* where @param stands in the file (0: unknown) */
	} *w;
};

/* @ctx booted from @sc: its warnings, each with its parameter's place in @sc. */
int kaff_boot_notes_get(struct kaff_boot_notes *n, const struct kaff_ctx *ctx,
			const struct kaff_scenario *sc);
void kaff_boot_notes_free(struct kaff_boot_notes *n);
bool kaff_boot_notes_equal(const struct kaff_boot_notes *a, const struct kaff_boot_notes *b);
/* Two lines each on stderr: the console line, then what it means.
 * @kernel: a profile name to tell which kernel says it, or NULL. */
void kaff_boot_notes_print(const struct kaff_boot_notes *n, const char *file, const char *kernel);
/* "bad-cpulist", "no-housekeeping", "mismatch", "invalid-flag", "unknown-flag", "empty" */
const char *kaff_boot_reason_name(enum kaff_boot_warning_reason r);
#ifdef KAFF_HAVE_JANSSON
/* @root, indented, keys in order, and a newline at the end of @o; -ENOMEM
 * (@root NULL counts as memory having run out). */
int kaff_json_dump(json_t *root, struct kaff_sbuf *o);
/* A JSON string of @s; bytes that are not UTF-8 (a boot parameter or a
 * file name may hold Latin-1) written as the text \xHH. NULL: out of
 * memory, or @s NULL. */
json_t *kaff_json_text(const char *s);
/* A JSON array of {reason, param, console, meaning}; NULL when memory ran out. */
json_t *kaff_boot_notes_json(const struct kaff_boot_notes *n);
#endif

/* The subcommands; argv[0] is the command's name. */
int kaff_cmd_run(int argc, char **argv);
int kaff_cmd_cpulist(int argc, char **argv);
int kaff_cmd_diff(int argc, char **argv);
int kaff_cmd_host(int argc, char **argv);
int kaff_cmd_audit(int argc, char **argv);
int kaff_cmd_render(int argc, char **argv);

#endif /* KAFF_CLI_H */
