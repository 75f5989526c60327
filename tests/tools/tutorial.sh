#!/bin/bash
# Run docs/tutorial.md as written: in each ```console block, a line
# "$ COMMAND" is run with bash in a scratch directory (where `examples`
# is the tree's examples/, `build` the build directory and `kaff` the one
# just built), and the lines
# after it, up to the next "$ " line or the end of the block, must be its
# output (stdout and stderr together), byte for byte. A command ending in
# <<'WORD' takes the lines up to WORD as its here-document. A comment
#   <!-- check: FILE = PATH -->
# says that FILE, made by the commands above it, must equal PATH in the tree
# (the pictures the tutorial shows are the ones its commands draw).
#
#   tutorial.sh SRCDIR KAFF-EXE
set -u
src=$(cd "$1" && pwd)
kaff=$2
doc=$src/docs/tutorial.md
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kaff-tutorial.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
ln -s "$src/examples" "$tmp/examples"
# section 11 loads the rules the build made: build/examples/NAME.so
ln -s "$(cd "$(dirname "$kaff")" && pwd)" "$tmp/build"
export PATH="$(cd "$(dirname "$kaff")" && pwd):$PATH"
export LC_ALL=C

if "$kaff" audit --help | grep -q 'NOT AVAILABLE'; then
	echo "tutorial.sh: kaff was built without jansson; the tutorial uses --json" >&2
	exit 77
fi

failures=0 ran=0 cmd= expect= heredoc= lineno=0 cmdline=0
flush() {
	[ -n "$cmd" ] || return 0
	local got
	got=$(cd "$tmp" && bash -c "$cmd" 2>&1; printf x)
	got=${got%x}
	ran=$((ran + 1))
	if [ "$got" != "$expect" ]; then
		failures=$((failures + 1))
		echo "tutorial.md:$cmdline: output of \$ ${cmd%%$'\n'*} differs (- tutorial, + now):" >&2
		diff -u <(printf '%s' "$expect") <(printf '%s' "$got") | tail -n +3 | head -40 >&2
	fi
	cmd= expect=
}

in_block=0
while IFS= read -r line || [ -n "$line" ]; do
	lineno=$((lineno + 1))
	if [ $in_block = 0 ]; then
		if [ "$line" = '```console' ]; then
			in_block=1
		elif [[ $line =~ ^'<!-- check: '([^ ]+)' = '([^ ]+)' -->'$ ]]; then
			f=${BASH_REMATCH[1]} want=${BASH_REMATCH[2]}
			ran=$((ran + 1))
			if ! cmp -s "$tmp/$f" "$src/$want"; then
				echo "tutorial.md:$lineno: $f (made by the tutorial) differs from $want" >&2
				failures=$((failures + 1))
			fi
		fi
		continue
	fi
	if [ -n "$heredoc" ]; then
		cmd+=$'\n'"$line"
		[ "$line" = "$heredoc" ] && heredoc=
		continue
	fi
	if [ "$line" = '```' ]; then
		flush
		in_block=0
	elif [ "${line:0:2}" = '$ ' ]; then
		flush
		cmd=${line:2}
		cmdline=$lineno
		if [[ $cmd =~ \<\<\'([A-Za-z_]+)\'$ ]]; then
			heredoc=${BASH_REMATCH[1]}
		fi
	else
		expect+="$line"$'\n'
	fi
done <"$doc"
flush

if [ $ran -lt 10 ]; then
	echo "tutorial.sh: only $ran commands and checks in $doc?" >&2
	exit 1
fi
if [ $failures -gt 0 ]; then
	echo "tutorial.sh: $failures of $ran commands and checks differ from docs/tutorial.md" >&2
	exit 1
fi
echo "tutorial.sh: $ran commands and checks of docs/tutorial.md give what it shows"
