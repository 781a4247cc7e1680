#!/usr/bin/env bash
# tests/gateway/run.sh: stoat-mock's events WebSocket, proven from outside (issue 15).
#
#   1. npm ci: the pinned packages (package.json, package-lock.json): ws 8.18.3 (the raw
#      RFC 6455 client and, on Node 18, stoat.js's WebSocket), stoat.js 7.3.4.
#   2. the raw protocol: node --test over test/*.test.mjs, every frame and rule of
#      spec/events.md a client can observe; each file starts its own servers from
#      $STOAT_MOCK_BIN (default build/stoat-mock) on 127.0.0.1, port 0 (lib/server.mjs).
#   3. stoat.js loginBot (stoatjs/stoatjs.test.mjs) twice: on this machine's Node when it
#      is 20 or newer (20/21 with --experimental-websocket), and on Debian's Node 18 with
#      `ws` as the global WebSocket (node18.sh fetches it once with apt-get download
#      when the machine's node is not 18; set STOAT_GW_NO_NODE18=1 to skip that run).
#   4. stoat.py 1.2 (stoatpy_test.py), from its source tree: STOAT_PY_SRC, or else a git
#      repository of MCausc78/stoat.py (STOAT_PY_GIT, or the mirror this workplace's
#      fetch tool leaves beside the clone, ../.mirror/MCausc78+stoat.py/repo) exported
#      with `git archive` into a scratch directory. It is not on PyPI here and is never
#      committed; with none of them the run says it was skipped. Its dependencies
#      come from Debian (python3-aiohttp, python3-attr: scripts/deps.sh test).
# Every wait in the tests has a timeout; the whole suite takes about a minute.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
export STOAT_MOCK_BIN=${STOAT_MOCK_BIN:-$root/build/stoat-mock}

fail() { echo "tests/gateway/run.sh: $*" >&2; exit 1; }
step() { printf '\n--- %s ---\n' "$*"; }
# shellcheck source=../support/node-suite.sh
. "$root/tests/support/node-suite.sh"
node_suite_setup tests/gateway/run.sh "$here" "$STOAT_MOCK_BIN"
major=$(node -p 'process.versions.node.split(".")[0]')
cd "$here"

failed=()
run() { # NAME COMMAND...: runs one part, remembers a failure, goes on
	local name=$1
	shift
	step "$name"
	if ! timeout 300 "$@"; then failed+=("$name"); fi
}

run "raw protocol (node $(node --version))" node --test --test-reporter=spec test/*.test.mjs

if [ "$major" -ge 22 ]; then
	run "stoat.js on node $(node --version)" node --test --test-reporter=spec stoatjs/stoatjs.test.mjs
elif [ "$major" -ge 20 ]; then
	run "stoat.js on node $(node --version) --experimental-websocket" \
		node --experimental-websocket --test --test-reporter=spec stoatjs/stoatjs.test.mjs
else
	step "stoat.js on Node 20+"
	echo "SKIPPED: this machine's node is $(node --version); the Node 20+ run of stoat.js needs Node 20 or newer" \
		"(the Node 18 run below still happens)"
fi

if [ "${STOAT_GW_NO_NODE18:-}" = 1 ]; then
	step "stoat.js on Debian's Node 18"
	echo "SKIPPED: STOAT_GW_NO_NODE18=1"
else
	if node18=$("$here/node18.sh" --version); then
		run "stoat.js on Debian's node $node18 with ws as the global WebSocket" \
			env STOAT_GW_WS_GLOBAL=ws "$here/node18.sh" --test --test-reporter=spec stoatjs/stoatjs.test.mjs
	else
		step "stoat.js on Debian's Node 18"
		echo "Debian's Node 18 is not available here (node18.sh says why above; STOAT_GW_NO_NODE18=1 skips this run)" >&2
		failed+=("stoat.js on Node 18")
	fi
fi

py_git=${STOAT_PY_GIT:-$root/../.mirror/MCausc78+stoat.py/repo}
if [ -z "${STOAT_PY_SRC:-}" ] && git --git-dir="$py_git" rev-parse -q --verify HEAD >/dev/null 2>&1; then
	STOAT_PY_SRC=$(mktemp -d)
	trap 'rm -rf "$STOAT_PY_SRC"' EXIT
	git --git-dir="$py_git" archive HEAD | tar -x -C "$STOAT_PY_SRC"
	echo "stoat.py: exported $(git --git-dir="$py_git" rev-parse --short HEAD) of $py_git into $STOAT_PY_SRC"
	export STOAT_PY_SRC
fi
if [ -z "${STOAT_PY_SRC:-}" ]; then
	step "stoat.py"
	echo "SKIPPED: no stoat.py source: STOAT_PY_SRC is not set and no git repository at $py_git (STOAT_PY_GIT)." \
		"stoat.py 1.2 is not bundled and cannot be installed here (no PyPI)"
else
	py=""
	for cand in python3 /usr/bin/python3; do
		if command -v "$cand" >/dev/null && "$cand" -c 'import aiohttp, attr' 2>/dev/null; then
			py=$cand
			break
		fi
	done
	if [ -z "$py" ]; then
		step "stoat.py"
		echo "no python3 with aiohttp and attrs (Debian: python3-aiohttp, python3-attr)" >&2
		failed+=("stoat.py")
	else
		run "stoat.py ($("$py" --version 2>&1), STOAT_PY_SRC=$STOAT_PY_SRC)" "$py" "$here/stoatpy_test.py"
	fi
fi

[ ${#failed[@]} -eq 0 ] || fail "failed: ${failed[*]}"
echo
echo "tests/gateway/run.sh: all passed"
