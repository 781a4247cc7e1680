#!/usr/bin/env bash
# tests/control/run.sh: stoat-mock's control API (/_mock) against its OpenAPI 3.1
# description, docs/control-openapi.json (served at GET /_mock/openapi.json).
#
#   1. npm ci: the pinned packages (package.json, package-lock.json) -
#      @seriousme/openapi-schema-validator 2.11.0 (the document's validator), ajv 8.20.0
#      and ajv-formats 3.0.1 (the answers' schemas, JSON Schema 2020-12).
#   2. node --test over test/*.test.mjs: the document (valid, compiles, served byte for
#      byte, one operation per /_mock row of server/routes.c, the error catalogue) and
#      every control route driven with its answers checked as they arrive
#      (lib/checked.mjs).
#   3. the C HTTP suites of the build beside $STOAT_MOCK_BIN (ctest -R '^http_'), with
#      STOAT_CONTROL_ANSWERS set: tests/http/support/harness.c records every control
#      answer they see.
#   4. lib/report.mjs checks those answers too, adds everything up, and fails on any
#      nonconforming answer or an operation never seen succeeding.
# Needs Node.js >= 18, npm, and a build made with -DSTOAT_TESTS=ON.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${STOAT_MOCK_BIN:-$root/build/stoat-mock}
build=$(cd "$(dirname "$bin")" && pwd)

fail() { echo "tests/control/run.sh: $*" >&2; exit 1; }
# shellcheck source=../support/node-suite.sh
. "$root/tests/support/node-suite.sh"
node_suite_setup tests/control/run.sh "$here" "$bin"
[ -f "$build/CTestTestfile.cmake" ] || fail "'$build' is not a CMake build with tests (-DSTOAT_TESTS=ON)"
cd "$here"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/answers" "$work/tally"
export STOAT_MOCK_BIN=$bin STOAT_CONTROL_TALLY=$work/tally
unset STOAT_MOCK_URL
set +e
node --test --test-reporter=spec test/*.test.mjs
rc=$?
echo "running the C HTTP suites of $build, recording their control answers"
(cd "$build" && STOAT_CONTROL_ANSWERS=$work/answers ctest -R '^http_' -j2 --output-on-failure >"$work/ctest.log" 2>&1)
ctest_rc=$?
[ "$ctest_rc" -eq 0 ] || tail -40 "$work/ctest.log"
node lib/report.mjs "$work/tally" "$work/answers"
report=$?
set -e
[ "$rc" -eq 0 ] || fail "control tests failed"
[ "$ctest_rc" -eq 0 ] || fail "the C HTTP suites failed"
[ "$report" -eq 0 ] || fail "control conformance report failed"
