#!/usr/bin/env bash
# test.sh: install what is missing, build, and run every test of stoat-mock.
#   1. Debian packages (scripts/deps.sh test)
#   2. release build + check unit and HTTP suites (ctest)
#   3. ASan+UBSan build + the same suites
#   4. the suites that drive a running server from outside, each a script of its
#      own: real clients (tests/clients), the control API against its OpenAPI
#      document (tests/control), the events WebSocket with a raw client,
#      stoat.js and stoat.py (tests/gateway), the dashboard in headless chromium
#      (tests/browser, screenshots in build/browser/), names vs decancer (tests/names),
#      bad input / durability / concurrency (tests/reliability), golden wire
#      tables (tests/wire), a short fuzz run (tests/fuzz), the benchmark smoke
#      (bench), cmake --install and the Debian package (tests/install, its
#      container step skipped where the machine cannot run containers), the
#      pytest plugin and the Node helper (integrations/*/test.sh), the GitHub
#      Action (tests/action: schema, its steps outside GitHub), the container
#      image and docker/compose.yml (docker/verify.sh, skipped like tests/install)
# Every step prints its own result; the script stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
jobs=$(nproc 2>/dev/null || echo 2)

step() { printf '\n=== %s ===\n' "$*"; }

step "dependencies"
bash scripts/deps.sh test

step "release build"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTOAT_TESTS=ON >/dev/null
cmake --build build -j"$jobs"
step "unit and HTTP suites (release)"
(cd build && ctest --output-on-failure -j"$jobs")

step "sanitizer build (ASan + UBSan)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSTOAT_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs"
step "unit and HTTP suites (ASan + UBSan)"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	ctest --output-on-failure -j"$jobs")

export STOAT_MOCK_BIN="$root/build/stoat-mock"
for suite in tests/clients/run.sh tests/control/run.sh tests/gateway/run.sh tests/browser/run.sh tests/names/run.sh \
	tests/wire/run.sh tests/reliability/run.sh tests/fuzz/smoke.sh bench/smoke.sh tests/install/run.sh \
	integrations/python/test.sh integrations/node/test.sh tests/action/run.sh; do
	if [ -x "$suite" ]; then
		step "$suite"
		"$suite"
	fi
done

if [ -x docker/verify.sh ]; then
	step "docker/verify.sh"
	set +e
	docker/verify.sh
	rc=$?
	set -e
	case $rc in
		0) ;;
		3) echo "docker/verify.sh: this machine cannot run containers; the image was not checked here" ;;
		*) echo "docker/verify.sh failed ($rc)"; exit "$rc" ;;
	esac
fi

step "all tests passed"
