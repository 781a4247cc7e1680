#!/usr/bin/env bash
# campaign.sh: long libFuzzer campaigns (not part of the test command).
#
#   tests/fuzz/campaign.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Builds the fuzzers (clang, ASan + UBSan, -fsanitize=fuzzer) in $FUZZ_BUILD
# (default /tmp/stoat-fuzz-build), then runs every target (default: all of
# tests/fuzz/fuzz_*.c) for SECONDS_PER_TARGET (default 600), $FUZZ_JOBS at a time
# (default: the number of cores), each with leak detection on. Each target's
# working corpus lives in $FUZZ_WORK/<target> (default /tmp/stoat-fuzz-work),
# seeded from tests/fuzz/corpus/<target>; crashers land in
# $FUZZ_WORK/<target>/artifacts. At the end one line per target: runs, seconds,
# coverage, crashes. Exits non-zero when any target found a crash, leak or
# sanitizer report: copy the artifact into tests/fuzz/corpus/<target>/ (named
# regress-*) once fixed, so that smoke.sh replays it forever.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-600}
shift || true
build=${FUZZ_BUILD:-/tmp/stoat-fuzz-build}
work=${FUZZ_WORK:-/tmp/stoat-fuzz-work}
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}

CC=${CC:-clang} cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTOAT_FUZZ=ON \
	-DSTOAT_SANITIZE=ON -DSTOAT_TESTS=OFF >/dev/null
cmake --build "$build" -j"$jobs" >/dev/null

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
	for f in "$root"/tests/fuzz/fuzz_*.c; do targets+=("$(basename "$f" .c)"); done
fi

run_one() {
	local t=$1 dir="$work/$1"
	mkdir -p "$dir/corpus" "$dir/artifacts"
	local dict=()
	[ -f "$root/tests/fuzz/$t.dict" ] && dict=(-dict="$root/tests/fuzz/$t.dict")
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"$build/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
		-artifact_prefix="$dir/artifacts/" "${dict[@]}" "$dir/corpus" "$root/tests/fuzz/corpus/$t" \
		>"$dir/log" 2>&1
	echo $? >"$dir/rc"
}

# shellcheck source=tests/fuzz/parallel.sh
. "$root/tests/fuzz/parallel.sh"
run_parallel "$jobs" run_one "${targets[@]}"

fail=0
for t in "${targets[@]}"; do
	dir="$work/$t"
	rc=$(cat "$dir/rc" 2>/dev/null || echo "?")
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$dir/log" | tail -1)
	crashes=$(find "$dir/artifacts" -type f | wc -l)
	echo "$t: rc=$rc ${runs:-?} runs in ${secs} s, ${cov:-cov: ?}, $crashes artifact(s)"
	if [ "$rc" != 0 ] || [ "$crashes" != 0 ]; then
		fail=1
		grep -m1 -E 'ERROR|invariant|SUMMARY' "$dir/log" || true
	fi
done
exit $fail
