#!/usr/bin/env bash
# run.sh: the differential test of bot names (issue 10): random request-valid names
# from many scripts go through a running stoat-mock (create and rename) and through
# npm decancer@3.3.3, the library the real server cures names with; every answer must
# be identical. Seeded; the seed and every failing name are printed.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${STOAT_MOCK_BIN:-build/stoat-mock}
seed=${NAMES_SEED:-$(date +%s)}
count=${NAMES_COUNT:-3000}
# the generator's pinned decancer (npm install follows the lock file; see gen.js)
bash scripts/npm.sh install --prefix tools/cure-table --no-audit --no-fund --loglevel=error >/dev/null
log=$(mktemp)
"$bin" --port 0 --quiet >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do
	grep -q 'listening on' "$log" && break
	sleep 0.05
done
base=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$log" | head -1)
[ -n "$base" ] || { echo "names: server did not start"; cat "$log"; exit 1; }
node tests/names/differential.js "$base" --seed "$seed" --count "$count"
