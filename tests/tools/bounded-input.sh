#!/bin/bash
# kaff reads a scenario as it parses it (kaff_scenario_parse_file(),
# docs/scenario-format.md "Limits"): memory does not grow with the file,
# and a byte no scenario may hold stops the read where it stands. Each run
# below is made under a virtual-memory limit (ulimit -v) far below the
# size of its input, and under a time limit, so that reading the whole
# input first (what kaff did before) fails the test:
#   - /dev/zero, as a file and as standard input: "1:1: NUL byte in the
#     file" at once (it never ends, so only a reader that stops can pass);
#   - 200 MB of comments through a pipe (generated here, never on disk)
#     around a valid scenario: its trace, exactly;
#   - 'a' bytes without a newline: "line longer than 65536 bytes" at
#     column 65537 (KAFF_SCENARIO_LINE_MAX + 1);
#   - a control character on line 1,000,002 followed by an endless stream
#     of comments: the error at that line and column.
#
#   bounded-input.sh KAFF-EXE [SANITIZE]
#
# SANITIZE: the build's b_sanitize; sanitizers reserve terabytes of address
# space, so no limit can be set there (exit 77, skipped).
set -u
kaff=$1
if [ "${2:-none}" != none ]; then
	echo "bounded-input.sh: built with -fsanitize=$2: no address-space limit possible" >&2
	exit 77
fi
# 64 MiB of address space: kaff with its libraries needs about 10; the
# 200 MB input would need 200 more if it were read whole.
limit_kb=65536
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kaff-bounded.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() {
	echo "not ok - $1" >&2
	failures=$((failures + 1))
}

# run NAME WANT-STATUS WANT-STDOUT WANT-STDERR CMD...: CMD's stdin is this
# function's stdin
run() {
	local name=$1 want_status=$2 want_out=$3 want_err=$4 status
	shift 4
	( ulimit -v $limit_kb && exec timeout 60 "$@" ) >"$tmp/out" 2>"$tmp/err"
	status=$?
	if [ "$status" != "$want_status" ]; then
		fail "$name: exit $status, want $want_status: $(head -c 300 "$tmp/err")"
	elif [ "$(cat "$tmp/out")" != "$want_out" ]; then
		fail "$name: stdout '$(head -c 300 "$tmp/out")', want '$want_out'"
	elif [ "$(cat "$tmp/err")" != "$want_err" ]; then
		fail "$name: stderr '$(head -c 300 "$tmp/err")', want '$want_err'"
	else
		echo "ok - $name"
	fi
}

# the limit itself must be able to fail a run that reads its input whole:
# a 200 MB buffer does not fit under it
if ( ulimit -v $limit_kb && x=$(head -c 200000000 /dev/zero | tr '\0' a) && echo ${#x} ) >/dev/null 2>&1; then
	echo "bounded-input.sh: ulimit -v $limit_kb does not limit memory here" >&2
	exit 77
fi

run "/dev/zero as a file" 2 "" "kaff: /dev/zero:1:1: NUL byte in the file" \
	"$kaff" run /dev/zero </dev/null
run "/dev/zero on stdin" 2 "" "kaff: <stdin>:1:1: NUL byte in the file" \
	"$kaff" run - </dev/zero
for cmd in diff audit; do
	run "$cmd on /dev/zero" 2 "" "kaff: /dev/zero:1:1: NUL byte in the file" \
		"$kaff" "$cmd" /dev/zero </dev/null
done

comments() {
	# 200 MB (209,715,200 bytes): 2,621,440 comment lines of 80 bytes
	yes '# a comment line of eighty bytes, repeated until the stream holds 200 MB.......' |
		head -n 2621440
}
{ echo "cpus 4"; comments; printf 'create A\nprefer A 1-2\nwake A\nshow\n'; } |
	run "200 MB of comments through a pipe" 0 "$(printf 'show 1\nA 1-2')" "" "$kaff" run -

# 'a' bytes and no newline: the line limit, not the memory limit, stops it
{ echo "cpus 4"; yes a | tr -d '\n'; } 2>/dev/null |
	run "an endless line" 2 "" "kaff: <stdin>:2:65537: line longer than 65536 bytes" "$kaff" run -

# a control character deep in the stream, endless comments after it
{ echo "cpus 4"; yes '# filler' | head -n 1000000; printf 'create A\001\n'; yes '# after'; } 2>/dev/null |
	run "a control character on line 1000002" 2 "" \
		"kaff: <stdin>:1000002:9: control character 0x01" "$kaff" run -

if [ $failures != 0 ]; then
	echo "bounded-input.sh: $failures failure(s)" >&2
	exit 1
fi
echo "bounded-input.sh: every run stayed under ${limit_kb} KiB of address space"
