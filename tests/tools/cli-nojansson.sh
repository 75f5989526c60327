#!/bin/bash
# kaff builds without jansson too (then `audit --json` is refused and
# `audit --help` says so): compile every src/cli/*.c without
# KAFF_HAVE_JANSSON, with the project's warnings as errors, and check the
# --help text of run, diff and audit and their refusal of --json.
#
#   cli-nojansson.sh SRCDIR CC LIBKAFF-INTERNAL.A [LDFLAGS]
#
# LDFLAGS: what the library's build needs at link time (--coverage,
# -fsanitize=...), one string.
set -eu
src=$1
cc=$2
lib=$3
ldflags=${4:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kaff-nojansson.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
flags="-std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wpedantic -Werror
	-Wmissing-prototypes -Wstrict-prototypes -Wshadow -Wformat=2 -Wundef
	-Wno-unused-parameter -I$src/include -I$src/src"
objs=()
for f in "$src"/src/cli/*.c; do
	o=$tmp/$(basename "$f" .c).o
	# shellcheck disable=SC2086 # a list of flags
	$cc $flags -c "$f" -o "$o" || { echo "cli-nojansson.sh: $f fails without jansson" >&2; exit 1; }
	objs+=("$o")
done
# shellcheck disable=SC2086 # a list of flags
$cc "${objs[@]}" "$lib" $ldflags -o "$tmp/kaff" ||
	{ echo "cli-nojansson.sh: cannot link kaff without jansson" >&2; exit 1; }
for cmd in run diff audit; do
	"$tmp/kaff" $cmd --help | grep -q 'NOT AVAILABLE: this kaff was built without jansson' ||
		{ echo "cli-nojansson.sh: $cmd --help does not say --json is missing" >&2; exit 1; }
	set +e
	"$tmp/kaff" $cmd --json "$src/examples/demo.scn" >"$tmp/out" 2>"$tmp/err"
	status=$?
	set -e
	[ $status = 2 ] && [ ! -s "$tmp/out" ] &&
		[ "$(cat "$tmp/err")" = "kaff: $cmd: --json is not available: this kaff was built without jansson" ] ||
		{ echo "cli-nojansson.sh: $cmd --json gave $status: $(cat "$tmp/err")" >&2; exit 1; }
done
echo "cli-nojansson.sh: kaff builds without jansson and refuses --json"
