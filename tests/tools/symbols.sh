#!/bin/bash
# The shared library exports exactly the public API: the kaff_* functions
# declared KAFF_EXPORT in include/libkaff/*.h, which must also be exactly
# the global: list of src/libkaff.sym.
#
#   symbols.sh LIBKAFF.SO SRCDIR
set -eu
so=$1
src=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kaff-symbols.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
nm=${NM:-nm}

# Exported: defined dynamic symbols, their version suffix dropped, the
# version node itself (an absolute symbol) left out.
"$nm" -D --defined-only "$so" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' |
	sort -u >"$tmp/exported"
# The version script's global: section.
sed -n '/global:/,/local:/p' "$src/src/libkaff.sym" | grep -o 'kaff_[a-z0-9_]*' |
	sort -u >"$tmp/script"
# The headers: every name declared after KAFF_EXPORT (declarations may
# span lines, so read each header as one line).
for h in "$src"/include/libkaff/*.h; do
	tr '\n' ' ' <"$h" | grep -o 'KAFF_EXPORT[^;]*;' | grep -o 'kaff_[a-z0-9_]* *(' |
		sed 's/ *($//'
done | sort -u >"$tmp/headers"

status=0
compare() {
	if ! diff -u "$tmp/$1" "$tmp/$2" >"$tmp/diff"; then
		echo "symbols.sh: $1 and $2 differ (- only in $1, + only in $2):" >&2
		grep '^[-+]kaff' "$tmp/diff" >&2 || cat "$tmp/diff" >&2
		status=1
	fi
}
compare headers script
compare script exported
n=$(wc -l <"$tmp/exported")
[ "$n" -gt 50 ] || { echo "symbols.sh: only $n symbols exported?" >&2; status=1; }
[ $status = 0 ] && echo "symbols.sh: $n symbols: headers = libkaff.sym = exported"
exit $status
