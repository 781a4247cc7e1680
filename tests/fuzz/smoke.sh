#!/usr/bin/env bash
# smoke.sh: the short fuzz run of the test command (scripts/test.sh).
#
# Builds every tests/fuzz/fuzz_*.c with clang (libFuzzer + ASan + UBSan, coverage
# of the whole server) in $FUZZ_BUILD (default build-fuzz/), then for each target:
#   1. replays every file of tests/fuzz/corpus/<target>/ once: the seeds and the
#      regression inputs (regress-*) of every bug the fuzzers or the reliability
#      suite found;
#   2. fuzzes for $FUZZ_SECONDS (default 60) from a scratch copy of that corpus
#      (the repository is never written to), $FUZZ_JOBS targets at a time
#      (default: the number of cores), with libFuzzer's seed $FUZZ_SEED
#      (default 1; 0 picks a random one). A fixed seed makes the test command
#      replay the same mutations on unchanged code, so a run turns red for a
#      change, not for a new roll of the dice; campaign.sh explores at random.
# Fails on any crash, invariant violation (see fuzz_common.h), leak or sanitizer
# report, printing the report and where the input was saved. Long campaigns:
# tests/fuzz/campaign.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD:-$root/build-fuzz}
secs=${FUZZ_SECONDS:-60}
seed=${FUZZ_SEED:-1}
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
cc=${FUZZ_CC:-clang}

if ! command -v "$cc" >/dev/null 2>&1; then
	echo "smoke.sh: $cc not found (scripts/deps.sh test installs clang and libclang-rt-14-dev)" >&2
	exit 1
fi
CC=$cc cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTOAT_FUZZ=ON -DSTOAT_SANITIZE=ON \
	-DSTOAT_TESTS=OFF >/dev/null
cmake --build "$build" -j"$jobs" >/dev/null

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
scratch=$(mktemp -d "${TMPDIR:-/tmp}/stoat-fuzz-smoke.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

targets=()
for f in "$root"/tests/fuzz/fuzz_*.c; do targets+=("$(basename "$f" .c)"); done

fail=0
for t in "${targets[@]}"; do
	n=$(find "$root/tests/fuzz/corpus/$t" -type f | wc -l)
	if ! "$build/$t" -runs=0 "$root/tests/fuzz/corpus/$t" >"$scratch/$t.replay" 2>&1; then
		echo "smoke.sh: $t: a corpus input fails:" >&2
		grep -E -m5 'invariant|ERROR|SUMMARY|Running:' "$scratch/$t.replay" >&2 || tail -20 "$scratch/$t.replay" >&2
		fail=1
	else
		echo "$t: $n corpus inputs replayed"
	fi
done
[ "$fail" = 0 ] || exit 1

run_one() {
	local t=$1 dir="$scratch/$1"
	mkdir -p "$dir/corpus" "$dir/artifacts"
	cp "$root/tests/fuzz/corpus/$t"/* "$dir/corpus/"
	local dict=()
	[ -f "$root/tests/fuzz/$t.dict" ] && dict=(-dict="$root/tests/fuzz/$t.dict")
	set +e
	"$build/$t" -max_total_time="$secs" -seed="$seed" -timeout=10 -print_final_stats=1 -artifact_prefix="$dir/artifacts/" \
		"${dict[@]}" "$dir/corpus" >"$dir/log" 2>&1
	echo $? >"$dir/rc"
}

# shellcheck source=tests/fuzz/parallel.sh
. "$root/tests/fuzz/parallel.sh"
run_parallel "$jobs" run_one "${targets[@]}"

for t in "${targets[@]}"; do
	dir="$scratch/$t"
	rc=$(cat "$dir/rc")
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
	arts=$(find "$dir/artifacts" -type f | wc -l)
	if [ "$rc" != 0 ] || [ "$arts" != 0 ]; then
		fail=1
		echo "smoke.sh: $t FAILED (exit $rc) after ${runs:-?} runs:" >&2
		grep -E -A12 'invariant|ERROR: |runtime error' "$dir/log" | head -40 >&2 || tail -30 "$dir/log" >&2
		mkdir -p "$build/artifacts"
		for a in "$dir"/artifacts/*; do
			[ -e "$a" ] || continue
			cp "$a" "$build/artifacts/$t-$(basename "$a")"
			echo "smoke.sh: input saved as $build/artifacts/$t-$(basename "$a")" >&2
		done
	else
		echo "$t: ${runs:-?} runs in $secs s (seed $seed), no crash, leak or sanitizer report"
	fi
done
exit $fail
