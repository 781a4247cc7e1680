#!/usr/bin/env bash
# run.sh: the reliability suite against a real stoat-mock over 127.0.0.1.
#
#   STOAT_MOCK_BIN=build/stoat-mock tests/reliability/run.sh [SCRIPT...]
#
# Runs each script (default: all, in this order) and stops at the first failure:
#   startup.js      unusable databases refused at start; migration in one transaction
#   limits.js       header/body/connection/time limits and their documented answers
#   isolation.js    no token, secret or existence hint for anyone but the owner;
#                   journal and log free of tokens
#   badinput.js     hostile and malformed requests: the real server's answer or a
#                   clean close, server up, state unchanged
#   concurrency.js  parallel clients: no lost update, no duplicate token, no 5xx
#   durability.js   kill -9 under load, restart: every acknowledged write kept
# Each prints one summary line; they are collected in $RELIABILITY_SUMMARY
# (default build/reliability-summary.txt when build/ exists) for docs/reliability.md.
# Bounded: every script talks to its own servers on ephemeral ports and runs for
# well under a minute (CONCURRENCY_CLIENTS, CONCURRENCY_SECONDS, DURABILITY_ROUNDS
# change the load).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
export STOAT_MOCK_BIN=${STOAT_MOCK_BIN:-$root/build/stoat-mock}
if [ ! -x "$STOAT_MOCK_BIN" ]; then
	echo "run.sh: no stoat-mock binary at $STOAT_MOCK_BIN (build first, or set STOAT_MOCK_BIN)" >&2
	exit 1
fi
for tool in node sqlite3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "run.sh: $tool not found (scripts/deps.sh test installs it)" >&2
		exit 1
	fi
done
summary=${RELIABILITY_SUMMARY:-}
if [ -z "$summary" ] && [ -d "$root/build" ]; then summary=$root/build/reliability-summary.txt; fi
[ -n "$summary" ] && : >"$summary"

scripts=("$@")
[ ${#scripts[@]} -gt 0 ] || scripts=(startup.js limits.js isolation.js badinput.js concurrency.js durability.js)
for s in "${scripts[@]}"; do
	echo "--- $s"
	out=$(mktemp)
	start=$(date +%s)
	if ! node "$here/$s" 2>&1 | tee "$out"; then
		rm -f "$out"
		echo "run.sh: $s failed" >&2
		exit 1
	fi
	# node exits non-zero through process.exitCode; the pipe keeps tee's status
	if grep -q '^  FAIL' "$out" || ! tail -1 "$out" | grep -q ' 0 failed'; then
		rm -f "$out"
		echo "run.sh: $s failed" >&2
		exit 1
	fi
	line="$(tail -1 "$out") ($(($(date +%s) - start)) s)"
	[ -n "$summary" ] && echo "$line" >>"$summary"
	rm -f "$out"
done
echo "reliability: all ${#scripts[@]} scripts passed"
