#!/usr/bin/env bash
# smoke.sh: proves bench/run.sh works, in a few seconds; run by scripts/test.sh.
# It checks that the script builds its helpers, starts the servers, sees every
# scenario's expected status, drives both servers with wrk and prints the table
# and the start-up/RSS figures. It checks no target: a slow or busy machine
# passes, a broken script does not.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp /tmp/stoat-bench-smoke.XXXXXX)
trap 'rm -f "$out"' EXIT
bash "$root/bench/run.sh" --smoke >"$out" || { cat "$out"; echo "bench smoke: run.sh failed" >&2; exit 1; }
cat "$out"
fail() { echo "bench smoke: $*" >&2; exit 1; }
# every GET row has a positive request rate and the status it should have
for who in "limit (MHD, fixed body)" "stoat-mock :memory:"; do
	n=$(awk -v w="$who" 'index($0, w) && $0 ~ / 200 +[0-9]+ / {for (i = 1; i <= NF; i++) if ($i == "200") {if ($(i + 1) + 0 > 0) c++; break}} END {print c + 0}' "$out")
	[ "$n" = 2 ] || fail "expected 2 GET rows with a positive req/s for '$who', found $n"
done
grep -q '^stoat-mock :memory: *[0-9.]\+ (3)' "$out" || fail "no start-up figure for stoat-mock"
grep -q 'start-up to first answer' "$out" || fail "no targets section"
echo "bench smoke: 1 passed, 0 failed"
