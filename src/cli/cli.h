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

/* The whole file ("-": stdin) in memory, NUL-terminated; NULL with errno. */
char *kaff_read_all(const char *path, size_t *len);

/* "<stdin>" for "-", else @path: how messages name an input. */
const char *kaff_display_name(const char *path);

/*
 * kaff_load_scenario() - read and parse @path, reporting errors on stderr
 * as "kaff: FILE:LINE:COL: message" under command @cmd.
 *
 * Return: KAFF_EXIT_OK with *@out set, or the exit status to return.
 */
int kaff_load_scenario(const char *cmd, const char *path, struct kaff_scenario **out);

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

/* Write @b to stdout and flush: 0, or KAFF_EXIT_INTERNAL after a message. */
int kaff_flush_out(const char *cmd, const struct kaff_sbuf *b);

/* The subcommands; argv[0] is the command's name. */
int kaff_cmd_diff(int argc, char **argv);
int kaff_cmd_host(int argc, char **argv);
int kaff_cmd_audit(int argc, char **argv);
int kaff_cmd_render(int argc, char **argv);

#endif /* KAFF_CLI_H */
