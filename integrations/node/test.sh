#!/usr/bin/env bash
# integrations/node/test.sh: the stoat-mock Node helper under the runners users have.
#   1. node --test test/*.test.js: every call, stop(), the binary lookup and its error,
#      a server that cannot start or stays silent, a forgotten stop(), and README's
#      "With Node" example as written
#   2. npm ci in test/runners (pinned in its package-lock.json: jest, vitest with vite,
#      typescript), then the same suite (test/runners/suite.cjs) under Jest in its
#      default CommonJS mode and under Vitest (ESM), and `tsc` over a use of index.d.ts
# STOAT_MOCK_BIN names the binary under test (default build/stoat-mock). Node 18 or later.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
export STOAT_MOCK_BIN=${STOAT_MOCK_BIN:-$root/build/stoat-mock}
fail() { echo "integrations/node/test.sh: $*" >&2; exit 1; }
[ -x "$STOAT_MOCK_BIN" ] || fail "no stoat-mock at '$STOAT_MOCK_BIN' (build it, or set STOAT_MOCK_BIN)"
command -v node >/dev/null || fail "node is not installed (scripts/deps.sh test installs it)"
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 18 ] || fail "node $(node --version) is too old: 18 or newer is needed"

cd "$here"
echo "--- node $(node --version): node --test"
node --test --test-reporter=spec test/*.test.js || fail "node:test suite failed"

cd test/runners
echo "--- installing the pinned runners (test/runners/package-lock.json)"
bash "$root/scripts/npm.sh" ci --no-audit --no-fund --prefer-offline --loglevel=error ||
	npm ci --no-audit --no-fund --offline --loglevel=error ||
	fail "npm ci failed in test/runners"
echo "--- Jest $(npx --no-install jest --version) (CommonJS)"
npx --no-install jest --ci || fail "the suite failed under Jest"
echo "--- Vitest (ESM)"
npx --no-install vitest run || fail "the suite failed under Vitest"
echo "--- tsc $(npx --no-install tsc --version | sed 's/^Version //') over index.d.ts"
npx --no-install tsc -p . || fail "index.d.ts does not type-check types.check.ts"
echo "integrations/node/test.sh: node:test, Jest, Vitest and tsc passed"
