#!/usr/bin/env bash
# run.sh: the golden wire tables (tests/wire/*.txt) against $STOAT_MOCK_BIN, in both
# --auth-errors modes, over raw TCP. The runner is tests/http/test_wire_golden.c;
# the build puts it next to stoat-mock, and when it is missing it is compiled here
# (it needs only a C compiler and libc).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export STOAT_MOCK_BIN="${STOAT_MOCK_BIN:-$root/build/stoat-mock}"
export STOAT_WIRE_DIR="$here"
if [ ! -x "$STOAT_MOCK_BIN" ]; then
	echo "tests/wire/run.sh: no server binary at $STOAT_MOCK_BIN (build first)" >&2
	exit 2
fi
runner="$(dirname "$STOAT_MOCK_BIN")/test_wire_golden"
if [ ! -x "$runner" ]; then
	tmp="$(mktemp -d)"
	trap 'rm -rf "$tmp"' EXIT
	runner="$tmp/test_wire_golden"
	${CC:-cc} -std=c11 -O1 -Wall -o "$runner" "$root/tests/http/test_wire_golden.c"
fi
"$runner"
