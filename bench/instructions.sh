#!/usr/bin/env bash
# instructions.sh: instructions per request, counted exactly (callgrind), for the
# benchmark's scenarios. Unlike req/s, the count does not depend on what else runs
# on the machine, so two builds can be compared on a busy one.
#
#   bash bench/instructions.sh [BINARY (build/stoat-mock)] [--seconds S (2)]
#                              [--idle-sessions N] [--keep DIR] [--only TEXT]
#
# For each scenario: stoat-mock starts under valgrind --tool=callgrind with
# instrumentation off, and once it answers, instrumentation is switched on and wrk
# (1 thread, 4 connections, 127.0.0.1 only) sends the request for S seconds;
# instrumentation is switched off again before the server stops (its shutdown,
# freeing the journal, is no request's). The total is divided by the requests wrk
# counted. A scenario that measured nothing (another process took the port or
# disturbed wrk) is measured again, three times at most. libmicrohttpd clears its connection
# pool with memset between requests (valgrind counts that rep stosb a byte at a
# time), so that one function is left out; the figure printed is the rest.
# With --idle-sessions N, bench/ws_load.c (built here) holds N events WebSocket
# sessions open as carol (idle: she shares nothing with the bots) before the
# instrumentation is switched on (ending them at the stop is not a request's cost);
# every thread counts, the gateway's too.
# --keep DIR leaves each scenario's callgrind file in DIR (1.out, 2.out, ... in the
# order printed) for callgrind_annotate: where the instructions go.
# --only TEXT measures the scenarios whose name contains TEXT.
# docs/performance.md ("Choices and their measured effect", "Gateway") has the
# figures.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/build/stoat-mock
seconds=2
idle=0
keep=
only=
while [ $# -gt 0 ]; do
	case "$1" in
		--seconds) seconds=$2; shift ;;
		--idle-sessions) idle=$2; shift ;;
		--keep) keep=$2; shift ;;
		--only) only=$2; shift ;;
		-h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
		-*) echo "instructions.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
		*) bin=$1 ;;
	esac
	shift
done
for tool in valgrind callgrind_control callgrind_annotate wrk curl; do
	command -v "$tool" >/dev/null 2>&1 || { echo "instructions.sh: '$tool' is missing" >&2; exit 1; }
done
[ -x "$bin" ] || { echo "instructions.sh: no stoat-mock binary at '$bin'" >&2; exit 1; }

work=$(mktemp -d)
vpid=
hpid=
cleanup() {
	[ -n "$vpid" ] && kill "$vpid" 2>/dev/null
	[ -n "$hpid" ] && kill "$hpid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
if [ "$idle" -gt 0 ]; then
	die() { echo "instructions.sh: $*" >&2; exit 1; }
	# shellcheck source=bench/lib.sh
	. "$root/bench/lib.sh"
	bench_ws_load "$work/ws_load"
	bench_nofile $((idle + 256))
fi

bot=01J0H3HPB0T5T0KEN000000AAA
rename='{"name":"bench_bot-2","public":true,"analytics":false}'
# name | method | path | body | session token | a second body, sent on every other
# request (bench/run.sh's scenarios: a PATCH that changes nothing writes nothing, so
# the valid PATCH flips public and the rename to a new name alternates two names)
scenarios=(
	"GET /bots/{id}|GET|/bots/$bot||alice-session"
	"PATCH /bots/{id} valid|PATCH|/bots/$bot|{\"public\":true}|alice-session|{\"public\":false}"
	"PATCH invalid name 400|PATCH|/bots/$bot|{\"name\":\"a b\"}|alice-session"
	"PATCH 400 {\"name\":\"x\"}|PATCH|/bots/$bot|{\"name\":\"x\"}|alice-session"
	"GET no token 401|GET|/bots/$bot||"
	"GET unknown bot 404|GET|/bots/01J0H3HPB0T5T0KEN000000ZZZ||alice-session"
	"PATCH rename, same name|PATCH|/bots/$bot|$rename|alice-session"
	"PATCH rename, new name|PATCH|/bots/$bot|$rename|alice-session|${rename/bench_bot-2/bench_bot-3}"
)

# The server under callgrind on a free port (vpid, port); 1 when it does not start.
start_server() {
	local up=0
	for _ in 1 2 3 4 5; do # another port when this one is taken
		port=$((20000 + RANDOM % 20000))
		: >"$work/vg.log" # emptied here: a wait must not read the previous server's line
		valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$work/cg.out" \
			"$bin" --quiet --port "$port" >"$work/vg.log" 2>&1 &
		vpid=$!
		for _ in $(seq 300); do # valgrind starts slowly on a busy machine
			grep -q 'listening on' "$work/vg.log" && up=1 && break
			kill -0 "$vpid" 2>/dev/null || break
			sleep 0.2
		done
		[ "$up" = 1 ] && return 0
		wait "$vpid" 2>/dev/null || true
		vpid=
		grep -q 'cannot listen' "$work/vg.log" || break
	done
	echo "instructions.sh: the server did not start for '$name':" >&2
	cat "$work/vg.log" >&2
	return 1
}
# --idle-sessions: ws_load holds them open until stop_all
hold_sessions() {
	[ "$idle" -gt 0 ] || return 0
	"$work/ws_load" hold "$port" "$idle" carol-session >"$work/hold.out" 2>"$work/hold.err" &
	hpid=$!
	for _ in $(seq 3000); do
		grep -q '^ready' "$work/hold.out" && return 0
		kill -0 "$hpid" 2>/dev/null || { cat "$work/hold.err" >&2; exit 1; }
		sleep 0.1
	done
	echo "instructions.sh: ws_load did not open $idle sessions" >&2
	exit 1
}
stop_all() {
	kill -INT "$vpid" 2>/dev/null || true
	wait "$vpid" 2>/dev/null || true
	vpid=
	if [ -n "$hpid" ]; then
		kill "$hpid" 2>/dev/null || true
		wait "$hpid" 2>/dev/null || true
		hpid=
	fi
}

kept=0
printf '%-26s %12s\n' "scenario" "instr/req"
for s in "${scenarios[@]}"; do
	IFS='|' read -r name method path body token body2 <<<"$s"
	[ -n "$only" ] && [[ "$name" != *"$only"* ]] && continue
	{
		echo "wrk.method = \"$method\""
		[ -n "$body" ] && echo "wrk.body = '$body'" && echo 'wrk.headers["Content-Type"] = "application/json"'
		[ -n "$token" ] && echo "wrk.headers[\"x-session-token\"] = \"$token\""
		if [ -n "$body2" ]; then
			echo "local bodies, n = {'$body', '$body2'}, 0"
			echo 'request = function() n = n + 1; return wrk.format(nil, nil, nil, bodies[n % 2 + 1]) end'
		fi
		echo 'function done(s) io.write("REQUESTS " .. s.requests .. "\n") end'
	} >"$work/s.lua"
	for attempt in 1 2 3; do
		n= total= pool=
		start_server || exit 1
		hold_sessions
		callgrind_control -i on "$vpid" >/dev/null 2>&1 || true
		n=$(wrk -t1 -c4 -d"${seconds}s" -s "$work/s.lua" "http://127.0.0.1:$port$path" | awk '/^REQUESTS /{print $2}') || true
		callgrind_control -i off "$vpid" >/dev/null 2>&1 || true # not the shutdown
		stop_all
		total=$(callgrind_annotate "$work/cg.out" 2>/dev/null | awk '/PROGRAM TOTALS/{gsub(",","",$1); print $1}')
		pool=$(callgrind_annotate "$work/cg.out" 2>/dev/null | awk '/memset/ && !seen {gsub(",","",$1); print $1; seen = 1}')
		[ -n "$n" ] && [ "$n" != 0 ] && [ -n "$total" ] && break
		echo "instructions.sh: no measurement for '$name' (attempt $attempt; valgrind's log:)" >&2
		cat "$work/vg.log" >&2
	done
	[ -n "$n" ] && [ "$n" != 0 ] && [ -n "$total" ] || exit 1
	if [ -n "$keep" ]; then
		mkdir -p "$keep"
		kept=$((kept + 1))
		cp "$work/cg.out" "$keep/$kept.out"
	fi
	printf '%-26s %12d\n' "$name" $(((total - ${pool:-0}) / n))
done
