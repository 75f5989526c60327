#!/bin/bash
# Each public header compiles on its own as C99 with -pedantic -Werror,
# and as C++ (C++11), so that users with older or other compilers can
# include it.
#
#   headers.sh SRCDIR CC [CXX]     (no CXX: the C++ half is skipped, exit 77)
set -eu
src=$1
cc=$2
cxx=${3:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kaff-headers.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
status=0
n=0
for h in "$src"/include/libkaff/*.h; do
	name=$(basename "$h")
	printf '#include <libkaff/%s>\n#include <libkaff/%s>\nint main(void) { return 0; }\n' \
		"$name" "$name" >"$tmp/t.c"
	if ! "$cc" -std=c99 -pedantic -Werror -Wall -Wextra -fsyntax-only \
		-I"$src/include" "$tmp/t.c" 2>"$tmp/err"; then
		echo "headers.sh: $name does not compile as C99 -pedantic -Werror:" >&2
		cat "$tmp/err" >&2
		status=1
	fi
	if [ -n "$cxx" ]; then
		cp "$tmp/t.c" "$tmp/t.cc"
		if ! "$cxx" -std=c++11 -pedantic -Werror -Wall -Wextra -fsyntax-only \
			-I"$src/include" "$tmp/t.cc" 2>"$tmp/err"; then
			echo "headers.sh: $name does not compile as C++11 -pedantic -Werror:" >&2
			cat "$tmp/err" >&2
			status=1
		fi
	fi
	n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "headers.sh: no header under $src/include/libkaff" >&2; exit 1; }
[ $status = 0 ] || exit 1
if [ -z "$cxx" ]; then
	echo "headers.sh: $n headers compile as C99; no C++ compiler: C++ skipped" >&2
	exit 77
fi
echo "headers.sh: $n headers compile as C99 and as C++11"
