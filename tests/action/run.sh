#!/usr/bin/env bash
# tests/action/run.sh: the GitHub Action (action.yml), as far as it can be checked here.
#   1. action.yml against the Actions schema, and README's workflow that uses it against
#      the workflow schema, with action-validator (npm, pinned in package-lock.json)
#   2. its steps (scripts/action.sh) outside GitHub, on $STOAT_MOCK_BIN (default
#      build/stoat-mock): `install` with install: false, `start` on port 0 with a seed;
#      the outputs and environment it writes, the server answering at the url; then a
#      server that cannot start fails the step with its own log
# The action's other install modes (the .deb with apt-get, the CMake build) run the
# commands tests/install/run.sh checks; they change the machine, so not here.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${STOAT_MOCK_BIN:-$root/build/stoat-mock}
PROG=tests/action/run.sh
say() { printf '%s: %s\n' "$PROG" "$*"; }
fail() { say "FAIL: $*" >&2; exit 1; }
[ -x "$bin" ] || fail "no stoat-mock at '$bin' (build it, or set STOAT_MOCK_BIN)"

work=$(mktemp -d)
pid=""
cleanup() {
	[ -z "$pid" ] || kill "$pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

# ------------------------------------------------------------ 1. the schemas
cd "$here"
bash "$root/scripts/npm.sh" ci --no-audit --no-fund --prefer-offline --loglevel=error >/dev/null ||
	npm ci --no-audit --no-fund --offline --loglevel=error >/dev/null ||
	fail "npm ci failed"
validate() { # validate FILE: action-validator prints nothing and exits 0 when it is valid
	local out
	out=$(npx --no-install action-validator "$1" 2>&1) && [ -z "$out" ] ||
		{ printf '%s\n' "$out" | head -60 >&2; fail "action-validator: $1 does not match its schema"; }
}
validate "$root/action.yml"
# README's workflow: the yaml block of "### GitHub Actions" that uses the action
mkdir -p "$work/.github/workflows"
awk '/^### GitHub Actions/ {in_s=1; next} in_s && /^##/ {exit}
     in_s && /^```yaml/ {blk=""; in_b=1; next} in_b && /^```/ {in_b=0; if (blk ~ /uses: your-org\/stoat-mock@/) {printf "%s", blk; exit}; next}
     in_b {blk = blk $0 "\n"}' "$root/README.md" >"$work/.github/workflows/stoat-mock.yml"
[ -s "$work/.github/workflows/stoat-mock.yml" ] || fail "README's GitHub Actions section has no workflow using the action"
validate "$work/.github/workflows/stoat-mock.yml"
say "action-validator $(npm ls --depth=0 2>/dev/null | sed -n 's/.*@action-validator\/cli@//p'): action.yml and README's workflow match the Actions schemas"

# ------------------------------------------------- 2. the steps, outside GitHub
export RUNNER_TEMP=$work GITHUB_OUTPUT=$work/output GITHUB_ENV=$work/env GITHUB_PATH=$work/path
mkdir -p "$work/bin"
ln -s "$bin" "$work/bin/stoat-mock"
export PATH="$work/bin:$PATH"
INPUT_INSTALL=false bash "$root/scripts/action.sh" install >"$work/install.log" ||
	{ cat "$work/install.log"; fail "action.sh install (install: false)"; }
INPUT_PORT=0 INPUT_SEED=1 INPUT_ARGS="--journal 10" INPUT_WAIT=10 bash "$root/scripts/action.sh" start >"$work/start.log" ||
	{ cat "$work/start.log"; fail "action.sh start"; }
out() { sed -n "s/^$1=//p" "$GITHUB_OUTPUT"; }
url=$(out url)
pid=$(out pid)
[[ $url =~ ^http://127\.0\.0\.1:[0-9]+$ ]] || fail "output url '$url'"
[[ $(out ws-url) =~ ^ws://127\.0\.0\.1:[0-9]+/ ]] || fail "output ws-url '$(out ws-url)'"
[ "$(out log)" = "$work/stoat-mock.log" ] || fail "output log '$(out log)'"
grep -qx "STOAT_MOCK_URL=$url" "$GITHUB_ENV" || fail "GITHUB_ENV lacks STOAT_MOCK_URL=$url: $(cat "$GITHUB_ENV")"
grep -qx "STOAT_MOCK_BIN=$work/bin/stoat-mock" "$GITHUB_ENV" || fail "GITHUB_ENV lacks STOAT_MOCK_BIN"
kill -0 "$pid" 2>/dev/null || fail "output pid $pid is not running"
code=$(curl -s -o "$work/body" -w '%{http_code}' -H 'x-session-token: alice-session' "$url/bots/@me")
[ "$code" = 200 ] && grep -q 01J0H3HPB0T5T0KEN000000AAA "$work/body" || fail "GET $url/bots/@me answered $code"
grep -q 'listening on' "$work/stoat-mock.log" || fail "the log has no start line"
kill "$pid"
pid=""
say "action.sh: install (install: false) and start (port 0, seed 1): outputs url=$url, ws-url, pid, log; STOAT_MOCK_URL and STOAT_MOCK_BIN exported; the server answers"

: >"$GITHUB_OUTPUT"
if INPUT_FIXTURES=/nonexistent/fixtures.json INPUT_PORT=0 bash "$root/scripts/action.sh" start >"$work/fail.log" 2>&1; then
	fail "action.sh start succeeded with a missing fixtures file"
fi
grep -q "cannot read fixtures '/nonexistent/fixtures.json'" "$work/fail.log" || { cat "$work/fail.log"; fail "the failed start did not show the server's log"; }
grep -q '^::error title=stoat-mock::stoat-mock .* exited with status 1 before it was ready' "$work/fail.log" ||
	{ cat "$work/fail.log"; fail "the failed start did not end with an ::error line"; }
[ ! -s "$GITHUB_OUTPUT" ] || fail "a failed start wrote outputs"
say "PASS (a server that cannot start fails the step with its log and an ::error line)"
