#!/usr/bin/env bash
# tests/browser/run.sh: the /_mock/ dashboard in a real headless browser.
#
#   1. npm ci: playwright-core 1.61.1, pinned in package-lock.json. It never downloads
#      a browser: the tests drive Debian's chromium (/usr/bin/chromium, or
#      $STOAT_CHROMIUM; scripts/deps.sh test installs it) with the flags of a closed
#      network and a fresh --user-data-dir (lib.mjs).
#   2. node --test over *.test.mjs; each file starts its own stoat-mock
#      ($STOAT_MOCK_BIN, default build/stoat-mock) on a free port.
#   3. Screenshots go to the build folder: $(dirname $STOAT_MOCK_BIN)/browser/*.png.
# Needs Node.js >= 18.19 and npm.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
export STOAT_MOCK_BIN=${STOAT_MOCK_BIN:-$root/build/stoat-mock}
export STOAT_CHROMIUM=${STOAT_CHROMIUM:-/usr/bin/chromium}
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

fail() { echo "tests/browser/run.sh: $*" >&2; exit 1; }
command -v node >/dev/null || fail "node is not installed (scripts/deps.sh test installs it)"
command -v npm >/dev/null || fail "npm is not installed (scripts/deps.sh test installs it)"
[ -x "$STOAT_MOCK_BIN" ] || fail "no stoat-mock binary at '$STOAT_MOCK_BIN' (build it first, or set STOAT_MOCK_BIN)"
[ -x "$STOAT_CHROMIUM" ] || fail "no chromium at '$STOAT_CHROMIUM' (scripts/deps.sh test installs Debian's)"

cd "$here"
echo "$("$STOAT_CHROMIUM" --version 2>/dev/null || echo chromium), node $(node --version); installing the pinned playwright-core"
bash "$root/scripts/npm.sh" ci --no-audit --no-fund --prefer-offline --loglevel=error ||
	npm ci --no-audit --no-fund --offline --loglevel=error ||
	fail "npm ci failed"

node --test --test-reporter=spec ./*.test.mjs || fail "browser tests failed"
echo "screenshots: $(dirname "$STOAT_MOCK_BIN")/browser/"
