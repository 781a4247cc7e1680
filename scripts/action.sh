#!/usr/bin/env bash
# action.sh: the two steps of the GitHub Action (action.yml at the repository root), kept
# here so that they can run, and be tested (tests/action/run.sh), outside GitHub.
#
#   action.sh install   INPUT_INSTALL=false: use the stoat-mock already on PATH.
#                       INPUT_DEB=PATH or https URL: apt-get install that .deb (/usr/bin).
#                       Otherwise build this checkout (scripts/deps.sh build, CMake) and
#                       `cmake --install` it under $RUNNER_TEMP/stoat-mock, whose bin/ is
#                       added to $GITHUB_PATH for the job's later steps.
#   action.sh start     run stoat-mock in the background (INPUT_HOST, INPUT_PORT (0 = any
#                       free port), INPUT_SEED, INPUT_FIXTURES, INPUT_ARGS: extra flags),
#                       wait up to INPUT_WAIT seconds for its /_mock/health (or for its
#                       address with --no-control), then write the outputs url, ws-url,
#                       pid, log to $GITHUB_OUTPUT and STOAT_MOCK_URL, STOAT_MOCK_BIN to
#                       $GITHUB_ENV. A server that exits or stays silent fails the step
#                       with its log. It runs until the job ends (the runner stops it).
# Needs bash and curl (both on GitHub's runners); sudo where not root.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
PROG=stoat-mock-action
say() { printf '%s: %s\n' "$PROG" "$*"; }
die() { printf '::error title=stoat-mock::%s\n' "$*"; exit 1; }
tmp=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
: "${GITHUB_OUTPUT:=/dev/null}" "${GITHUB_ENV:=/dev/null}" "${GITHUB_PATH:=/dev/null}"
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo

install() {
	if [ "${INPUT_INSTALL:-true}" = false ]; then
		command -v stoat-mock >/dev/null || die "install: false, and no stoat-mock on PATH"
		say "using $(command -v stoat-mock) ($(stoat-mock --version))"
		return
	fi
	if [ -n "${INPUT_DEB:-}" ]; then
		deb=$INPUT_DEB
		case $deb in
		https://*)
			curl -fsSL --retry 3 -o "$tmp/stoat-mock.deb" "$deb" || die "cannot download $deb"
			deb=$tmp/stoat-mock.deb ;;
		/*) ;;
		*) deb=$PWD/$deb ;;
		esac
		[ -f "$deb" ] || die "deb: no file at $deb"
		$SUDO apt-get update -qq
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$deb" >/dev/null || die "apt-get install $deb failed"
	else
		bash "$here/scripts/deps.sh" build
		cmake -S "$here" -B "$tmp/stoat-mock-build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTOAT_TESTS=OFF >/dev/null
		cmake --build "$tmp/stoat-mock-build" -j"$(nproc)" --target stoat-mock >/dev/null
		cmake --install "$tmp/stoat-mock-build" --prefix "$tmp/stoat-mock" --strip >/dev/null
		echo "$tmp/stoat-mock/bin" >>"$GITHUB_PATH"
		export PATH="$tmp/stoat-mock/bin:$PATH"
	fi
	say "installed $(command -v stoat-mock) ($(stoat-mock --version))"
}

start() {
	local bin args=() log url="" pid health deadline line ws
	bin=$(command -v stoat-mock) || die "no stoat-mock on PATH (did the install step run?)"
	args=(--host "${INPUT_HOST:-127.0.0.1}" --port "${INPUT_PORT:-14702}")
	[ -z "${INPUT_SEED:-}" ] || args+=(--seed "$INPUT_SEED")
	[ -z "${INPUT_FIXTURES:-}" ] || args+=(--fixtures "$INPUT_FIXTURES")
	# extra flags, split on blanks (flag values here never contain any)
	read -r -a extra <<<"${INPUT_ARGS:-}"
	args+=("${extra[@]+"${extra[@]}"}")
	log=$tmp/stoat-mock.log
	nohup "$bin" "${args[@]}" >"$log" 2>&1 </dev/null &
	pid=$!
	health=/_mock/health
	case " ${args[*]} " in *" --no-control "*) health=/ ;; esac
	deadline=$(($(date +%s) + ${INPUT_WAIT:-30}))
	while :; do
		if [ -z "$url" ]; then
			line=$(grep -m1 'listening on' "$log" 2>/dev/null) || true
			[[ $line =~ listening\ on\ http://([^[:space:]]+):([0-9]+) ]] &&
				url=http://${BASH_REMATCH[1]/#0.0.0.0/127.0.0.1}:${BASH_REMATCH[2]}
		fi
		[ -n "$url" ] && curl -fsS -o /dev/null --max-time 2 "$url$health" 2>/dev/null && break
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid" && rc=0 || rc=$?
			cat "$log"
			die "stoat-mock ${args[*]} exited with status $rc before it was ready (its log is above)"
		fi
		if [ "$(date +%s)" -ge "$deadline" ]; then
			cat "$log"
			kill "$pid" 2>/dev/null || true
			die "stoat-mock was not ready within ${INPUT_WAIT:-30} s (its log is above)"
		fi
		sleep 0.1
	done
	ws=$(curl -fsS --max-time 5 "$url/" | sed -n 's/.*"ws":"\([^"]*\)".*/\1/p') || ws=""
	{
		echo "url=$url"
		echo "ws-url=$ws"
		echo "pid=$pid"
		echo "log=$log"
	} >>"$GITHUB_OUTPUT"
	{
		echo "STOAT_MOCK_URL=$url"
		echo "STOAT_MOCK_BIN=$bin"
	} >>"$GITHUB_ENV"
	say "stoat-mock (pid $pid) ready at $url; log: $log"
}

case ${1:-} in
install) install ;;
start) start ;;
*) echo "usage: action.sh install|start" >&2; exit 2 ;;
esac
