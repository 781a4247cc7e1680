#!/usr/bin/env bash
# instructions.sh: instructions per request, counted exactly (callgrind), for the
# benchmark's scenarios. Unlike req/s, the count does not depend on what else runs
# on the machine, so two builds can be compared on a busy one.
#
#   bash bench/instructions.sh [BINARY (build/stoat-mock)] [--seconds S (2)]
#                              [--idle-sessions N]
#
# For each scenario: stoat-mock starts under valgrind --tool=callgrind with
# instrumentation off, and once it answers, instrumentation is switched on and wrk
# (1 thread, 4 connections, 127.0.0.1 only) sends the request for S seconds. The
# total is divided by the requests wrk counted. libmicrohttpd clears its connection
# pool with memset between requests (valgrind counts that rep stosb a byte at a
# time), so that one function is left out; the figure printed is the rest.
# With --idle-sessions N, bench/ws_load.c (built here) holds N events WebSocket
# sessions open as carol (idle: she shares nothing with the bots) before the
# instrumentation is switched on, and it is switched off when wrk ends, before the
# server stops (ending N sessions is not a request's cost); every thread counts,
# the gateway's too.
# docs/performance.md ("Choices and their measured effect", "Gateway") has the
# figures.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/build/stoat-mock
seconds=2
idle=0
while [ $# -gt 0 ]; do
	case "$1" in
		--seconds) seconds=$2; shift ;;
		--idle-sessions) idle=$2; shift ;;
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
# request (bench/run.sh's scenarios)
scenarios=(
	"GET /bots/{id}|GET|/bots/$bot||alice-session"
	"PATCH /bots/{id} valid|PATCH|/bots/$bot|{\"public\":true}|alice-session"
	"PATCH rename, same name|PATCH|/bots/$bot|{\"name\":\"bench_bot-2\",\"public\":true,\"analytics\":false}|alice-session"
	"PATCH invalid name 400|PATCH|/bots/$bot|{\"name\":\"a b\"}|alice-session"
	"PATCH 400 {\"name\":\"x\"}|PATCH|/bots/$bot|{\"name\":\"x\"}|alice-session"
	"GET no token 401|GET|/bots/$bot||"
	"GET unknown bot 404|GET|/bots/01J0H3HPB0T5T0KEN000000ZZZ||alice-session"
	"PATCH rename, same name|PATCH|/bots/$bot|$rename|alice-session"
	"PATCH rename, new name|PATCH|/bots/$bot|$rename|alice-session|${rename/bench_bot-2/bench_bot-3}"
)

port=$((20000 + RANDOM % 20000))
printf '%-26s %12s\n' "scenario" "instr/req"
for s in "${scenarios[@]}"; do
	IFS='|' read -r name method path body token body2 <<<"$s"
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
	valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$work/cg.out" \
		"$bin" --quiet --port "$port" >"$work/vg.log" 2>&1 &
	vpid=$!
	up=0
	for _ in $(seq 300); do
		curl -s -o /dev/null "http://127.0.0.1:$port/" && up=1 && break
		sleep 0.2
	done
	[ "$up" = 1 ] || { cat "$work/vg.log" >&2; echo "instructions.sh: the server did not answer within 60 s" >&2; exit 1; }
	if [ "$idle" -gt 0 ]; then
		"$work/ws_load" hold "$port" "$idle" carol-session >"$work/hold.out" 2>"$work/hold.err" &
		hpid=$!
		for _ in $(seq 3000); do
			grep -q '^ready' "$work/hold.out" && break
			kill -0 "$hpid" 2>/dev/null || { cat "$work/hold.err" >&2; exit 1; }
			sleep 0.1
		done
	fi
	callgrind_control -i on "$vpid" >/dev/null 2>&1
	n=$(wrk -t1 -c4 -d"${seconds}s" -s "$work/s.lua" "http://127.0.0.1:$port$path" | awk '/^REQUESTS /{print $2}')
	[ "$idle" -gt 0 ] && callgrind_control -i off "$vpid" >/dev/null 2>&1
	kill -INT "$vpid"
	wait "$vpid" 2>/dev/null || true
	vpid=
	if [ -n "$hpid" ]; then
		kill "$hpid" 2>/dev/null || true
		wait "$hpid" 2>/dev/null || true
		hpid=
	fi
	total=$(callgrind_annotate "$work/cg.out" 2>/dev/null | awk '/PROGRAM TOTALS/{gsub(",","",$1); print $1}')
	pool=$(callgrind_annotate "$work/cg.out" 2>/dev/null | awk '/memset/ && !seen {gsub(",","",$1); print $1; seen = 1}')
	if [ -z "$n" ] || [ "$n" = 0 ] || [ -z "$total" ]; then
		echo "instructions.sh: no measurement for '$name' (see $work/vg.log)" >&2
		exit 1
	fi
	printf '%-26s %12d\n' "$name" $(((total - ${pool:-0}) / n))
	port=$((port + 1))
done
