#!/usr/bin/env bash
# tests/clients/run.sh: stoat-mock driven by the real JavaScript client.
#
#   1. npm ci: the pinned packages (package.json, package-lock.json) - stoat.js 7.3.4,
#      stoat-api 0.8.9-4 (its OpenAPI.json is the schema), ajv 8.17.1, ajv-formats 3.0.1.
#      Works offline once npm's cache holds them (--prefer-offline, then --offline).
#   2. tools/openapi-routes/gen.js --check: server/generated/not_emulated.c is what the
#      pinned OpenAPI.json and server/routes.c make.
#   3. starts $STOAT_MOCK_BIN (default build/stoat-mock) on a free port and reads its
#      address from the first stdout line, "... listening on http://HOST:PORT ...";
#      read-only tests use it ($STOAT_MOCK_URL), tests that change state start their own
#      servers from the same binary (lib/server.mjs).
#   4. node --test over test/*.test.mjs. Every response is checked against the
#      published OpenAPI document as it arrives (lib/conformance.mjs); a
#      nonconforming one fails its test.
#   5. lib/report.mjs adds up the checked responses and fails when any did not conform
#      or a route was not seen both succeeding and failing.
# Needs Node.js >= 18 and npm (Debian bookworm's nodejs 18 / npm 9 will do:
# scripts/deps.sh test installs them).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${STOAT_MOCK_BIN:-$root/build/stoat-mock}

fail() { echo "tests/clients/run.sh: $*" >&2; exit 1; }
# shellcheck source=../support/node-suite.sh
. "$root/tests/support/node-suite.sh"
node_suite_setup tests/clients/run.sh "$here" "$bin"
cd "$here"

# the 501 table of the routes stoat-mock does not emulate comes from this document
node "$root/tools/openapi-routes/gen.js" --check || fail "server/generated/not_emulated.c is stale"

work=$(mktemp -d)
server_pid=""
cleanup() {
	if [ -n "$server_pid" ]; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

"$bin" --port 0 --quiet >"$work/stdout" 2>"$work/stderr" &
server_pid=$!
url=""
for _ in $(seq 1 100); do
	line=$(head -n 1 "$work/stdout" 2>/dev/null || true)
	if [[ "$line" =~ listening\ on\ (http://[^[:space:]]+:[0-9]+) ]]; then
		url=${BASH_REMATCH[1]}
		break
	fi
	kill -0 "$server_pid" 2>/dev/null || break
	sleep 0.05
done
[ -n "$url" ] || fail "stoat-mock did not start: $(cat "$work/stderr")"
echo "shared stoat-mock at $url (pid $server_pid)"

export STOAT_MOCK_BIN=$bin STOAT_MOCK_URL=$url STOAT_CONFORMANCE_DIR=$work/conformance
set +e
node --test --test-reporter=spec test/*.test.mjs
rc=$?
node lib/report.mjs "$STOAT_CONFORMANCE_DIR"
report=$?
set -e
[ "$rc" -eq 0 ] || fail "client tests failed"
[ "$report" -eq 0 ] || fail "conformance report failed"
