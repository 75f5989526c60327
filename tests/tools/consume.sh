#!/bin/bash
# Build tests/tools/consumer/consumer.c twice, as a user of libkaff would:
#  1. `meson install` libkaff into a temporary prefix, check what landed
#     there, and compile the consumer with `pkg-config libkaff` (shared,
#     then static);
#  2. vendor libkaff as a meson subproject (subprojects/libkaff, found
#     through override_dependency, no wrap file) and build it with meson.
#
#   consume.sh SRCDIR
set -eu
src=$(cd "$1" && pwd)
want="node-1 kthread on 4-6"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kaff-consume.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
log=$tmp/log
fail() {
	echo "consume.sh: $*" >&2
	tail -40 "$log" >&2 || true
	exit 1
}
cc=${CC:-cc}

# 1. installed
prefix=$tmp/prefix
meson setup "$tmp/build" "$src" --prefix="$prefix" --libdir=lib -Dtests=disabled \
	-Dbuildtype=plain >"$log" 2>&1 || fail "meson setup failed"
meson install -C "$tmp/build" >>"$log" 2>&1 || fail "meson install failed"
for f in lib/libkaff.so lib/libkaff.a lib/pkgconfig/libkaff.pc bin/kaff \
	share/man/man1/kaff.1 include/libkaff/kaff.h; do
	[ -e "$prefix/$f" ] || fail "meson install did not install $f"
done
for h in "$src"/include/libkaff/*.h; do
	[ -e "$prefix/include/libkaff/$(basename "$h")" ] || fail "header $(basename "$h") not installed"
done
"$prefix/bin/kaff" --version >>"$log" 2>&1 || fail "the installed kaff does not run"
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
# shellcheck disable=SC2046 # pkg-config prints a list of words
$cc -o "$tmp/consumer-shared" "$src/tests/tools/consumer/consumer.c" \
	$(pkg-config --cflags --libs libkaff) -Wl,-rpath,"$prefix/lib" >>"$log" 2>&1 ||
	fail "cannot build the consumer with pkg-config libkaff"
out=$("$tmp/consumer-shared") || fail "consumer (shared) failed"
case $out in *"$want"*) ;; *) fail "consumer (shared) printed '$out'" ;; esac
ldd "$tmp/consumer-shared" 2>/dev/null | grep -q "$prefix/lib/libkaff.so" ||
	fail "consumer (shared) does not load the installed libkaff.so"
# shellcheck disable=SC2046
$cc -o "$tmp/consumer-static" "$src/tests/tools/consumer/consumer.c" \
	$(pkg-config --cflags libkaff) "$prefix/lib/libkaff.a" >>"$log" 2>&1 ||
	fail "cannot build the consumer against libkaff.a"
out=$("$tmp/consumer-static") || fail "consumer (static) failed"
case $out in *"$want"*) ;; *) fail "consumer (static) printed '$out'" ;; esac
echo "installed: $out"

# 2. subproject
app=$tmp/app
mkdir -p "$app/subprojects"
cp "$src/tests/tools/consumer/consumer.c" "$src/tests/tools/consumer/meson.build" "$app/"
ln -s "$src" "$app/subprojects/libkaff"
meson setup "$tmp/app-build" "$app" >>"$log" 2>&1 || fail "meson setup of the subproject consumer failed"
ninja -C "$tmp/app-build" consumer >>"$log" 2>&1 || fail "building the subproject consumer failed"
out=$("$tmp/app-build/consumer") || fail "consumer (subproject) failed"
case $out in *"$want"*) ;; *) fail "consumer (subproject) printed '$out'" ;; esac
echo "subproject: $out"
