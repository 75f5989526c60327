#!/bin/sh
# SPDX-License-Identifier: MIT
# example-output.sh PROGRAM SOURCE: PROGRAM's output must be what SOURCE's
# header comment says it prints (after "It prints:" and an empty comment
# line, the lines up to the next empty one, " *   " removed). The comment explains
# each line from the kernel's rules; this holds the program to it.
set -eu
prog=$1
src=$2
want=$(awk '/It prints:/ { on = 1; next }
	on == 1 && /^ \*$/ { on = 2; next }
	on == 2 && /^ \*$/ { exit }
	on == 2 { sub(/^ \*   /, ""); print }' "$src")
got=$("$prog")
if [ "$got" != "$want" ]; then
	echo "$prog: output differs from $src's header" >&2
	printf '%s\n' "--- expected" "$want" "--- got" "$got" >&2
	exit 1
fi
[ -n "$want" ]
