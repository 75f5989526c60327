#!/bin/sh
# Run one libFuzzer harness for a bounded time (the meson `fuzz` suite and
# scripts/fuzz use this):
#
#   run-fuzz.sh FUZZER SEED-CORPUS WORK-DIR [DICT]
#
# New inputs go to WORK-DIR/corpus (the seed corpus in the source tree is
# only read), crashes to WORK-DIR/artifacts/. Environment:
#   KAFF_FUZZ_SECONDS  run time in seconds (default 30)
#   KAFF_FUZZ_ARGS     more libFuzzer flags, e.g. "-jobs=2 -workers=2"
set -eu
exe=$1 seeds=$2 work=$3 dict=${4:-}
# a smaller quarantine than the default 256 MiB: faster, still catches reuse
export ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=32}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}
secs=${KAFF_FUZZ_SECONDS:-30}
mkdir -p "$work/corpus" "$work/artifacts"
# libFuzzer's own exit codes for a crash (77) and a timeout (70) read as
# "skipped" (77) to meson: a finding must fail the test.
set -- -max_total_time="$secs" -timeout=20 -rss_limit_mb=4096 -max_len=4096 \
	-error_exitcode=1 -timeout_exitcode=1 \
	-print_final_stats=1 -artifact_prefix="$work/artifacts/"
if [ -n "$dict" ]; then
	set -- "$@" -dict="$dict"
fi
# shellcheck disable=SC2086 # KAFF_FUZZ_ARGS is a list of flags
exec "$exe" "$@" ${KAFF_FUZZ_ARGS:-} "$work/corpus" "$seeds"
