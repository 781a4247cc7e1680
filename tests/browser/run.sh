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
[ -x "$STOAT_CHROMIUM" ] || fail "no chromium at '$STOAT_CHROMIUM' (scripts/deps.sh test installs Debian's)"
echo "$("$STOAT_CHROMIUM" --version 2>/dev/null || echo chromium)"
# shellcheck source=../support/node-suite.sh
. "$root/tests/support/node-suite.sh"
node_suite_setup tests/browser/run.sh "$here" "$STOAT_MOCK_BIN"
cd "$here"

node --test --test-reporter=spec ./*.test.mjs || fail "browser tests failed"
echo "screenshots: $(dirname "$STOAT_MOCK_BIN")/browser/"
