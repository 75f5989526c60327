#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The manuals list everything, and install where man(1) finds them.

Every name is taken from the code's own tables, so adding a command, an
option, a scenario command or an exit status without documenting it fails
this test:
  - commands: the `commands[]` table of src/cli/kaff.c;
  - options: every `struct kaff_opt` table of src/cli/*.c (long names, and
    the short letters their keys stand for), plus -h/--help and
    -V/--version that opts.c gives every command; each must be in kaff(1)
    and in its command's --help;
  - scenario commands (header and events): the `cmds[]` table of
    src/scenario-line.c, in kaff-scenario(5), each as a tagged entry;
  - exit statuses: the KAFF_EXIT_* values of src/cli/cli.h, each in kaff(1)'s
    EXIT STATUS section;
  - boot-warning reasons: bootwarn.c's names, in kaff(1) and docs/json.md.
Every rule that a message, a comment or a document cites as
docs/algorithm.md#rule-X must be an anchor there, and no file may cite
the working spec that does not ship. Then `meson introspect --installed` must put kaff.1 in man1 and
kaff-scenario.5 in man5 under one man directory, and groff must format both
without a warning.

  manpages.py SRCDIR BUILDDIR KAFF-EXE
"""
import os
import re
import shutil
import subprocess
import sys

src, build, kaff = sys.argv[1:4]
failures = []


def read(path):
    with open(os.path.join(src, path), encoding="utf-8") as f:
        return f.read()


def man_text(page):
    """The page as words: roff escapes of '-' undone, fonts dropped."""
    t = read(page)
    t = t.replace("\\-", "-").replace("\\(if", "").replace("\\e", "\\")
    t = re.sub(r"\\f[BIRP]", "", t)
    return t


def fail(msg):
    failures.append(msg)
    print("not ok - " + msg)


kaff1 = man_text("docs/kaff.1")
scn5 = man_text("docs/kaff-scenario.5")

# commands
commands = re.findall(r'\{ "(\w+)", kaff_cmd_\w+ \}', read("src/cli/kaff.c"))
if len(commands) < 6:
    fail("found only %d commands in kaff.c's table" % len(commands))
for c in commands:
    if not re.search(r"^\.SS %s$" % c, kaff1, re.M):
        fail("kaff.1 has no section '.SS %s'" % c)
    if not re.search(r"^\.B kaff %s\b" % c, kaff1, re.M):
        fail("kaff.1's SYNOPSIS lacks 'kaff %s'" % c)

# options, per command file
opt_files = {"run": "run.c", "cpulist": "kaff.c", "diff": "diff.c", "host": "host.c",
             "audit": "audit.c", "render": "render.c"}
seen_opts = 0
for cmd, fname in opt_files.items():
    text = read("src/cli/" + fname)
    keys = dict(re.findall(r"(OPT_\w+) = '(.)'", text))
    tables = re.findall(r"static const struct kaff_opt \w+\[\] = \{(.*?)\n\};", text, re.S)
    if not tables:
        fail("%s: no option table" % fname)
        continue
    helptext = subprocess.run([kaff, cmd, "--help"], capture_output=True, text=True).stdout
    opts = [("help", "h"), ("version", "V")]
    for name, key in re.findall(r'\{ "([a-z-]+)", (\w+), (?:true|false) \}', tables[0]):
        opts.append((name, keys.get(key)))
    for name, short in opts:
        seen_opts += 1
        if not re.search(r"--%s\b" % re.escape(name), kaff1):
            fail("kaff.1 does not document --%s (%s)" % (name, cmd))
        if "--" + name not in helptext:
            fail("'kaff %s --help' does not list --%s" % (cmd, name))
        if short:
            if not re.search(r"(?<![\w-])-%s\b" % short, kaff1):
                fail("kaff.1 does not document -%s (--%s)" % (short, name))
            if not re.search(r"(?<![\w-])-%s\b" % short, helptext):
                fail("'kaff %s --help' does not list -%s" % (cmd, short))
if seen_opts < 20:
    fail("found only %d options" % seen_opts)

# scenario commands
scn_cmds = re.findall(r'\{ "(\w+)", SC_\w+, (?:true|false), \d+, [\w -]+ \}',
                      read("src/scenario-line.c"))
if len(scn_cmds) < 17:
    fail("found only %d scenario commands" % len(scn_cmds))
for c in scn_cmds:
    if not re.search(r"^\.(?:B|BI|TP\n\.BI?) ?%s\b" % c, scn5, re.M) and \
       not re.search(r"^\.BI? \"?%s\b" % c, scn5, re.M):
        fail("kaff-scenario.5 has no entry for '%s'" % c)
    if not re.search(r"\b%s\b" % c, read("docs/scenario-format.md")):
        fail("scenario-format.md does not name '%s'" % c)

# exit statuses
statuses = sorted(set(int(v) for v in re.findall(r"#define KAFF_EXIT_\w+ (\d)", read("src/cli/cli.h"))))
exit_sec = kaff1.split(".SH EXIT STATUS", 1)[-1].split(".SH", 1)[0]
if statuses != [0, 1, 2, 3]:
    fail("exit statuses %s, not 0-3" % statuses)
for v in statuses:
    if not re.search(r"^\.TP\n\.B %d$" % v, exit_sec, re.M):
        fail("kaff.1's EXIT STATUS does not list %d" % v)

# boot-warning reasons
reasons = re.findall(r'\] = "([a-z-]+)",', read("src/cli/bootwarn.c"))
if len(reasons) != 6:
    fail("found %d boot-warning reasons in bootwarn.c, not 6" % len(reasons))
for r in reasons:
    if r not in kaff1:
        fail("kaff.1 does not list the boot-warning reason %s" % r)
    if '`"%s"`' % r not in read("docs/json.md"):
        fail("docs/json.md does not list the boot-warning reason %s" % r)

# every rule a message, comment or document cites (docs/algorithm.md#rule-X,
# or #rule-X inside docs/algorithm.md itself) is an anchor of algorithm.md,
# and nothing cites the working spec that does not ship
anchors = set(re.findall(r'<a id="(rule-[a-z0-9-]+)"></a>', read("docs/algorithm.md")))
cited = 0
for top in ("src", "include", "docs", "tests", "examples", "bench", "README.md"):
    root = os.path.join(src, top)
    paths = [root] if os.path.isfile(root) else \
        [os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs]
    for path in paths:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
        except OSError:
            continue
        if "KERNEL" + ".md" in text:
            fail("%s cites the working spec, which does not ship" % os.path.relpath(path, src))
        for a in re.findall(r"#(rule-[a-z0-9]+(?:-[a-z0-9]+)*)", text):
            cited += 1
            if a not in anchors:
                fail("%s cites #%s, which docs/algorithm.md does not define"
                     % (os.path.relpath(path, src), a))
if cited < 50:
    fail("only %d rule citations found" % cited)

# installed where man finds them: <prefix>/<mandir>/man1/kaff.1 and man5/
meson = shutil.which("meson")
if meson:
    out = subprocess.run([meson, "introspect", "--installed", build], capture_output=True, text=True)
    installed = out.stdout
    m1 = re.search(r'"([^"]*)/man1/kaff\.1"', installed)
    m5 = re.search(r'"([^"]*)/man5/kaff-scenario\.5"', installed)
    if not m1 or not m5:
        fail("meson install puts no man1/kaff.1 or man5/kaff-scenario.5: %s" % installed[:300])
    elif m1.group(1) != m5.group(1):
        fail("kaff.1 and kaff-scenario.5 in different man directories")
    if '/doc/libkaff/algorithm.md"' not in installed:
        fail("docs/algorithm.md (the rules the messages cite) is not installed")
else:
    print("# meson not found: installation not checked")

groff = shutil.which("groff")
if groff:
    for page in ("docs/kaff.1", "docs/kaff-scenario.5"):
        r = subprocess.run([groff, "-man", "-Tutf8", "-ww", "-z", os.path.join(src, page)],
                           capture_output=True, text=True)
        if r.returncode or r.stderr:
            fail("groff warns on %s: %s" % (page, r.stderr.strip()))
else:
    print("# groff not found: the pages are not formatted")

if failures:
    print("manpages.py: %d failure(s)" % len(failures))
    sys.exit(1)
print("manpages.py: %d rule citations resolve; " % cited, end="")
print("%d commands, %d options, %d scenario commands, %d exit statuses, "
      "%d boot-warning reasons documented" % (len(commands), seen_opts, len(scn_cmds),
                                              len(statuses), len(reasons)))
