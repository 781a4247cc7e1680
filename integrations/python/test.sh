#!/usr/bin/env bash
# integrations/python/test.sh: install pytest-stoat-mock the documented offline way and
# run its tests.
#   1. a venv over Debian's python3 that sees the system's pytest, setuptools and wheel
#      (python3-venv, python3-pytest, python3-setuptools, python3-wheel: scripts/deps.sh
#      test), then `pip install --no-build-isolation ./integrations/python`: no index
#   2. pytest tests/ with STOAT_MOCK_BIN (default build/stoat-mock): every fixture call,
#      reset and its opt-out, the binary lookup and its error, a server that cannot
#      start, and README's "With pytest" example as written
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
export STOAT_MOCK_BIN=${STOAT_MOCK_BIN:-$root/build/stoat-mock}
fail() { echo "integrations/python/test.sh: $*" >&2; exit 1; }
[ -x "$STOAT_MOCK_BIN" ] || fail "no stoat-mock at '$STOAT_MOCK_BIN' (build it, or set STOAT_MOCK_BIN)"
py=/usr/bin/python3 # Debian's: the one its python3-pytest is installed for
[ -x "$py" ] || fail "no $py (scripts/deps.sh test installs python3)"

venv=$(mktemp -d)
trap 'rm -rf "$venv"' EXIT
"$py" -m venv --system-site-packages "$venv"
# the build directory is where setuptools leaves build/ and *.egg-info: a copy, so the
# source tree stays clean
cp -r "$here" "$venv/src"
rm -rf "$venv/src/build" "$venv/src/src/"*.egg-info
PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/pip" install -q --no-build-isolation "$venv/src" ||
	fail "pip install --no-build-isolation failed"
"$venv/bin/python" -c 'import pytest_stoat_mock, pytest; print("pytest-stoat-mock", pytest_stoat_mock.__version__, "with pytest", pytest.__version__)'
cd "$here"
"$venv/bin/python" -m pytest -p no:cacheprovider -q tests
