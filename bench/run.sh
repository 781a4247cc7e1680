#!/usr/bin/env bash
# run.sh: the benchmark. How fast is stoat-mock next to what its HTTP library can
# do at all on this machine, and next to the mocks people would use instead?
#
#   bash bench/run.sh [--peers] [--rounds N (3)] [--duration S (3)] [--quick]
#
# 1. builds bench/limit.c (libmicrohttpd answering one fixed 581-byte JSON body:
#    the ceiling of this stack) and bench/probe.c (start-up stopwatch) with cc;
# 2. starts the limit, stoat-mock in memory and stoat-mock on a database file,
#    the servers on core 0 and wrk on core 1 (both at nice -10 when root),
#    interleaved (every scenario on every server, then the next, for N rounds),
#    with 32 connections and with 1, and reads each server's CPU time and
#    run-queue wait per request from /proc;
# 3. with --peers, the same against Stoplight Prism mocking the stoat-api
#    OpenAPI document and against json-server, installed from npm into a cache
#    directory ($BENCH_CACHE, default ~/.cache/stoat-mock-bench);
# 4. measures start-up to the first answer (median of 20 starts) and RSS idle and
#    under the 32-connection load;
# 5. prints one table (medians over the rounds), each figure also as a ratio to
#    the limit from the same run, then the issue's targets beside the figures.
#
# The server under test is $STOAT_MOCK_BIN, or build/stoat-mock, (re)built here
# with CMake when STOAT_MOCK_BIN is unset. Every request goes to 127.0.0.1; every
# run is bounded by --duration. docs/performance.md explains the figures.
#   --quick    1 round of 1 s (a look, not a measurement)
#   --scenarios get,patch,rename_keep,rename,e400,e401,e404,reset   only these
#              (default: all)
#   --smoke    what bench/smoke.sh runs: every status checked once, then only GET
#              (32 and 1 connections, 1 s each) on the limit and in memory
#   --compare BIN  also another stoat-mock binary (in memory), interleaved with the
#              rest: a change measured against the build before it, same run, same
#              machine state
#   --idle-sessions N  also stoat-mock in memory with N events WebSocket sessions
#              open through the whole run (and the --compare build likewise):
#              bench/ws_load.c, built here, holds them on wrk's core, authenticated
#              as carol, who shares nothing with the bots the scenarios use, so they
#              stay idle; POST /_mock/reset (which ends every session) is not run on
#              those servers. Issue 15's target: GET req/s within 5 % of the same
#              build without sessions
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

rounds=3
duration=3
peers=0
smoke=0
starts=20
only=
compare=
idle=0
while [ $# -gt 0 ]; do
	case "$1" in
		--peers) peers=1 ;;
		--rounds) rounds=$2; shift ;;
		--duration) duration=$2; shift ;;
		--quick) rounds=1; duration=1 ;;
		--scenarios) only=$2; shift ;;
		--compare) compare=$2; shift ;;
		--idle-sessions) idle=$2; shift ;;
		--smoke) smoke=1; rounds=1; duration=1; starts=3 ;;
		-h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
		*) echo "run.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
	esac
	shift
done

die() { echo "bench: $*" >&2; exit 1; }
for tool in wrk curl cc pkg-config taskset; do
	command -v "$tool" >/dev/null 2>&1 || die "'$tool' is missing (bash scripts/deps.sh test installs it)"
done
pkg-config --exists libmicrohttpd || die "libmicrohttpd-dev is missing (bash scripts/deps.sh build)"

# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
bench_binary
bench_pinning wrk
ncpu=$(nproc 2>/dev/null || echo 1)

work=$(mktemp -d /tmp/stoat-bench.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mhd_flags=$(pkg-config --cflags --libs libmicrohttpd)
# shellcheck disable=SC2086
cc -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -o "$work/limit" "$root/bench/limit.c" $mhd_flags -lpthread
cc -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -o "$work/probe" "$root/bench/probe.c"
if [ "$idle" -gt 0 ]; then
	bench_ws_load "$work/ws_load"
	bench_nofile $((2 * idle + 512)) # N sockets in each server with sessions and in each holder
fi

# ---- scenarios --------------------------------------------------------------------
# name | label | method | path | body | token (alice-session or none) | a second body,
# sent on every other request. A PATCH that changes nothing writes nothing, so the
# valid PATCH flips public and the rename changes the name: each of their requests
# writes (the rename that keeps its name is the one that writes nothing)
bot=01J0H3HPB0T5T0KEN000000AAA
rename='{"name":"bench_bot-2","public":true,"analytics":false}'
scenarios=(
	"get|GET /bots/{id}|GET|/bots/$bot||alice-session"
	"patch|PATCH /bots/{id} valid|PATCH|/bots/$bot|{\"public\":true}|alice-session|{\"public\":false}"
	"rename_keep|PATCH rename, same name|PATCH|/bots/$bot|$rename|alice-session"
	"rename|PATCH rename, new name|PATCH|/bots/$bot|$rename|alice-session|${rename/bench_bot-2/bench_bot-3}"
	"e400|PATCH invalid name 400|PATCH|/bots/$bot|{\"name\":\"x\"}|alice-session"
	"e401|GET no token 401|GET|/bots/$bot||"
	"e404|GET unknown bot 404|GET|/bots/01J0H3HPB0T5T0KEN000000ZZZ||alice-session"
	"reset|POST /_mock/reset|POST|/_mock/reset||"
)

field() { local IFS='|'; local a; read -r -a a <<<"$1"; echo "${a[$2]:-}"; }
if [ -n "$only" ]; then
	kept=()
	for s in "${scenarios[@]}"; do
		case ",$only," in *",$(field "$s" 0),"*) kept+=("$s") ;; esac
	done
	[ ${#kept[@]} -gt 0 ] || die "--scenarios '$only' names none of get,patch,rename_keep,rename,e400,e401,e404,reset"
	scenarios=("${kept[@]}")
fi

for s in "${scenarios[@]}"; do
	name=$(field "$s" 0) method=$(field "$s" 2) body=$(field "$s" 4) token=$(field "$s" 5) body2=$(field "$s" 6)
	{
		echo "wrk.method = \"$method\""
		[ -n "$body" ] && echo "wrk.body = '$body'" && echo 'wrk.headers["Content-Type"] = "application/json"'
		[ -n "$token" ] && echo "wrk.headers[\"x-session-token\"] = \"$token\""
		if [ -n "$body2" ]; then # every other request: each one changes the stored name
			echo "local bodies, n = {'$body', '$body2'}, 0"
			echo 'request = function() n = n + 1; return wrk.format(nil, nil, nil, bodies[n % 2 + 1]) end'
		fi
		cat <<'EOF'
function done(s, lat, req)
  local e = s.errors
  io.write(string.format("RESULT %d %d %.0f %.0f %d %d\n", s.requests, s.duration,
    lat:percentile(50), lat:percentile(99), e.connect + e.read + e.write + e.timeout, e.status))
end
EOF
	} >"$work/$name.lua"
done

# One request of scenario $2 to port $1: the status code.
status_of() {
	local s=$2 args=(-s -o /dev/null -w '%{http_code}' --max-time 30)
	local method path body token
	method=$(field "$s" 2) path=$(field "$s" 3) body=$(field "$s" 4) token=$(field "$s" 5)
	args+=(-X "$method")
	[ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
	[ -n "$token" ] && args+=(-H "x-session-token: $token")
	curl "${args[@]}" "http://127.0.0.1:$1$path" || echo 000
}

# ---- servers ----------------------------------------------------------------------
# key -> label, port, pid
declare -A label port pid
servers=()
start_server() { # key label command... ("{port}" is replaced)
	local key=$1 lab=$2 p
	shift 2
	p=$("$work/probe" port)
	local cmd=()
	for a in "$@"; do [ "$a" = "{port}" ] && cmd+=("$p") || cmd+=("$a"); done
	"${srv_pin[@]}" "${cmd[@]}" >"$work/$key.out" 2>"$work/$key.err" &
	local pd=$!
	pids+=("$pd")
	if ! "$work/probe" wait "$p" 60000; then
		cat "$work/$key.err" >&2
		die "$lab did not answer on port $p"
	fi
	label[$key]=$lab port[$key]=$p pid[$key]=$pd
	servers+=("$key")
}

rss_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
# on-CPU and run-queue-wait nanoseconds of all threads (the second: time it was
# ready to run but another process had its core)
cpu_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{c += $1; w += $2} END {printf "%.0f %.0f\n", c, w}'; }

start_server limit "limit (MHD, fixed body)" "$work/limit" "{port}"
start_server mem "stoat-mock :memory:" "$bin" --quiet --port "{port}"
if [ -n "$compare" ]; then
	[ -x "$compare" ] || die "--compare: no executable at '$compare'"
	start_server cmp "compared :memory:" "$compare" --quiet --port "{port}"
fi
if [ "$smoke" = 0 ]; then
	start_server file "stoat-mock --db file" "$bin" --quiet --port "{port}" --db "$work/bench.db"
fi
# key -> the ws_load holding its sessions
declare -A holder
hold_sessions() { # key
	local k=$1 h
	"${cli_pin[@]}" "$work/ws_load" hold "${port[$k]}" "$idle" carol-session >"$work/$k.hold" 2>"$work/$k.hold.err" &
	h=$!
	pids+=("$h")
	holder[$k]=$h
	for _ in $(seq 1200); do
		grep -q '^ready' "$work/$k.hold" && return 0
		kill -0 "$h" 2>/dev/null || break
		sleep 0.1
	done
	cat "$work/$k.hold.err" >&2
	die "ws_load could not open $idle sessions on ${label[$k]}"
}
if [ "$idle" -gt 0 ]; then
	max=$((idle > 1024 ? idle : 1024))
	start_server idle "stoat-mock + $idle sessions" "$bin" --quiet --port "{port}" --max-sessions "$max"
	hold_sessions idle
	if [ -n "$compare" ]; then
		start_server cmpidle "compared + $idle sessions" "$compare" --quiet --port "{port}" --max-sessions "$max"
		hold_sessions cmpidle
	fi
fi

if [ "$peers" = 1 ]; then
	command -v npm >/dev/null 2>&1 || die "npm is missing (bash scripts/deps.sh test installs it)"
	cache=${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stoat-mock-bench}
	peer_pkgs=(@stoplight/prism-cli@5.16.0 stoat-api@0.8.9-4 json-server@0.17.4)
	stamp=$cache/installed-$(echo "${peer_pkgs[*]}" | tr ' /@' '_.=')
	if [ ! -f "$stamp" ]; then
		echo "bench: installing ${peer_pkgs[*]} into $cache" >&2
		mkdir -p "$cache"
		npm install --prefix "$cache" --no-audit --no-fund --loglevel=error "${peer_pkgs[@]}" >&2
		touch "$stamp"
	fi
	openapi=$cache/node_modules/stoat-api/OpenAPI.json
	[ -f "$openapi" ] || die "stoat-api has no OpenAPI.json in $cache"
	printf '{"bots":[{"id":"%s","owner":"01HZ5W2X8A1B3C4D5E6F7G8H9J","public":false}]}\n' "$bot" >"$work/db.json"
	# Prism logs every request at its default level; -v error is its fastest setting.
	prism_cmd=(node "$cache/node_modules/@stoplight/prism-cli/dist/index.js" mock -v error -h 127.0.0.1 -p "{port}" "$openapi")
	jsons_cmd=(node "$cache/node_modules/json-server/lib/cli/bin.js" --quiet --host 127.0.0.1 --port "{port}" "$work/db.json")
	start_server prism "Prism 5.16 (stoat-api)" "${prism_cmd[@]}"
	start_server jsons "json-server 0.17" "${jsons_cmd[@]}"
fi

# ---- statuses (one request each, before any load) -----------------------------------
declare -A status expect
expect=([get]=200 [patch]=200 [rename_keep]=200 [rename]=200 [e400]=400 [e401]=401 [e404]=404 [reset]=2xx)
reset_ok=1
for s in "${scenarios[@]}"; do
	name=$(field "$s" 0)
	for k in "${servers[@]}"; do
		[ "$name" = reset ] && [ -n "${holder[$k]:-}" ] && continue # it would end the sessions
		status[$k.$name]=$(status_of "${port[$k]}" "$s")
	done
	if [ "$name" = reset ] && [ "${status[mem.reset]}" = 404 ]; then
		reset_ok=0
		continue
	fi
	for k in mem file cmp idle cmpidle; do
		if [ -z "${port[$k]:-}" ] || [ -z "${status[$k.$name]:-}" ]; then continue; fi
		got=${status[$k.$name]} want=${expect[$name]}
		case "$want" in 2xx) [[ "$got" == 2?? ]] && continue ;; *) [ "$got" = "$want" ] && continue ;; esac
		die "${label[$k]} answered $got to '$(field "$s" 1)', expected $want"
	done
done
declare -A idle_rss
for k in "${servers[@]}"; do idle_rss[$k]=$(rss_kb "${pid[$k]}" VmRSS); done

# ---- load ---------------------------------------------------------------------------
conns_list=(32 1)
results=$work/results
: >"$results"
declare -A load_rss
load1() { # key scenario conns round
	local k=$1 s=$2 c=$3 r=$4 name before after line c0 w0 c1 w1
	name=$(field "$s" 0)
	before=$(cpu_ns "${pid[$k]}")
	"${cli_pin[@]}" wrk -t1 -c"$c" -d"${duration}s" --timeout 10s -s "$work/$name.lua" \
		"http://127.0.0.1:${port[$k]}$(field "$s" 3)" >"$work/wrk.out" 2>&1 &
	local w=$!
	if [ "$c" -gt 1 ]; then # sample the resident set in the middle of the run
		sleep "$(awk -v d="$duration" 'BEGIN {print d / 2}')"
		local rss
		rss=$(rss_kb "${pid[$k]}" VmRSS)
		[ "${rss:-0}" -gt "${load_rss[$k]:-0}" ] && load_rss[$k]=$rss
	fi
	wait "$w" || { cat "$work/wrk.out" >&2; die "wrk failed against ${label[$k]}"; }
	after=$(cpu_ns "${pid[$k]}")
	line=$(grep '^RESULT' "$work/wrk.out") || { cat "$work/wrk.out" >&2; die "wrk printed no result"; }
	read -r c0 w0 <<<"$before"
	read -r c1 w1 <<<"$after"
	# key scen conns round requests duration_us p50 p99 sockerr staterr cpu_ns wait_ns
	echo "$k $name $c $r ${line#RESULT } $((c1 - c0)) $((w1 - w0))" >>"$results"
}

load_avg_start=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u '+%Y-%m-%d %H:%M UTC')
nscen=${#scenarios[@]}
[ "$smoke" = 1 ] && nscen=1
total=$((nscen * ${#conns_list[@]} * ${#servers[@]} * rounds * duration))
echo "bench: about $total s of load, then the start-ups" >&2
for k in "${servers[@]}"; do # warm-up, not recorded
	[ "$smoke" = 1 ] && break
	"${cli_pin[@]}" wrk -t1 -c8 -d1s "http://127.0.0.1:${port[$k]}/" >/dev/null 2>&1 || true
done
for ((r = 1; r <= rounds; r++)); do
	for s in "${scenarios[@]}"; do
		[ "$(field "$s" 0)" = reset ] && [ "$reset_ok" = 0 ] && continue
		[ "$smoke" = 1 ] && [ "$(field "$s" 0)" != get ] && continue
		for c in "${conns_list[@]}"; do
			order=()
			for k in "${servers[@]}"; do
				[ "$(field "$s" 0)" = reset ] && [ -n "${holder[$k]:-}" ] && continue
				order+=("$k")
			done
			if ((r % 2 == 0)); then # alternate who goes first
				fwd=("${order[@]}")
				order=()
				for ((i = ${#fwd[@]} - 1; i >= 0; i--)); do order+=("${fwd[$i]}"); done
			fi
			for k in "${order[@]}"; do load1 "$k" "$s" "$c" "$r"; done
		done
	done
done
declare -A peak_rss
for k in "${servers[@]}"; do # VmHWM can lag a sample taken under load by a few pages
	peak_rss[$k]=$(rss_kb "${pid[$k]}" VmHWM)
	[ "${load_rss[$k]:-0}" -gt "${peak_rss[$k]:-0}" ] && peak_rss[$k]=${load_rss[$k]}
done
load_avg_end=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A held # did the sessions last the whole run?
for k in "${!holder[@]}"; do
	if kill -0 "${holder[$k]}" 2>/dev/null; then
		kill "${holder[$k]}"
		wait "${holder[$k]}" 2>/dev/null || true
		held[$k]=$(awk '/^held/ {print $2 " sessions open through the run, " $4 " frames received"}' "$work/$k.hold")
	else
		held[$k]="sessions lost during the run: $(tail -1 "$work/$k.hold.err")"
	fi
done

# ---- start-up -----------------------------------------------------------------------
declare -A startup
median_startup() { # key n command...
	local k=$1 n=$2
	shift 2
	startup[$k]=$("${srv_pin[@]}" "$work/probe" startup "$n" "$@" | sort -n | awk '{a[NR] = $1} END {printf "%.1f", a[int((NR + 1) / 2)]}')
}
median_startup limit "$starts" "$work/limit" "{port}"
median_startup mem "$starts" "$bin" --quiet --port "{port}"
if [ "$smoke" = 0 ]; then
	# a new database file each time: the fixtures are written to disk on every start
	cat >"$work/fresh-db.sh" <<EOF
#!/bin/sh
rm -f "$work/start.db" "$work/start.db-wal" "$work/start.db-shm"
exec "$bin" --quiet --port "\$1" --db "$work/start.db"
EOF
	chmod +x "$work/fresh-db.sh"
	median_startup file "$starts" "$work/fresh-db.sh" "{port}"
fi
if [ "$peers" = 1 ]; then
	median_startup prism 5 "${prism_cmd[@]}"
	median_startup jsons 5 "${jsons_cmd[@]}"
fi

# ---- the table ----------------------------------------------------------------------
cpu_model=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
echo
echo "stoat-mock benchmark, $started; $cpu_model, $ncpu cores, Linux $(uname -r)"
echo "wrk $(wrk -v 2>&1 | awk 'NR == 1 {print $2}'), $pinning; $rounds round(s) x ${duration} s per cell, medians;"
echo "load average before $load_avg_start, after $load_avg_end"
echo
{
	for s in "${scenarios[@]}"; do echo "S $(field "$s" 0) $(field "$s" 1 | tr ' ' '~')"; done
	for k in "${servers[@]}"; do echo "V $k $(echo "${label[$k]}" | tr ' ' '~')"; done
	for key in "${!status[@]}"; do echo "T ${key%%.*} ${key#*.} ${status[$key]}"; done
	echo "C ${conns_list[*]}"
	cat "$results"
} | awk -v out="$work/medians" '
function median(list,   n, v, i, j, t) { # list: space-separated numbers
	n = split(list, v, " ")
	for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
	return n ? (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2) : ""
}
function ratio(a, b) { return (b > 0 && a != "") ? sprintf("%.2f", a / b) : "-" }
$1 == "S" { ns++; sname[ns] = $2; slabel[$2] = $3; gsub("~", " ", slabel[$2]); next }
$1 == "V" { nv++; vkey[nv] = $2; vlabel[$2] = $3; gsub("~", " ", vlabel[$2]); next }
$1 == "T" { st[$2 "," $3] = $4; next }
$1 == "C" { nc = split(substr($0, 3), conns, " "); next }
{
	key = $1 "," $2 "," $3
	rps[key] = rps[key] " " ($5 / ($6 / 1e6)); p50[key] = p50[key] " " $7; p99[key] = p99[key] " " $8
	cpu[key] = cpu[key] " " ($11 / 1000 / ($5 > 0 ? $5 : 1))
	wt[key] = wt[key] " " ($12 / 1000 / ($5 > 0 ? $5 : 1))
	bad[key] += $9; n[key] += $5
	if ((st[$1 "," $2] ~ /^[23]/ && $10 > 0) || (st[$1 "," $2] !~ /^[23]/ && $10 != $5)) mixed[key] = 1
}
END {
	printf "%-24s %5s  %-24s %6s %9s %6s %9s %6s %9s %6s %8s %7s\n", "scenario", "conns", "server", "status",
		"req/s", "/limit", "p50 us", "/limit", "p99 us", "/limit", "cpu us/r", "wait"
	for (i = 1; i <= ns; i++) for (c = 1; c <= nc; c++) {
		lk = "limit," sname[i] "," conns[c]
		if (!(lk in rps)) continue
		lr = median(rps[lk]); l50 = median(p50[lk]); l99 = median(p99[lk])
		first = 1
		for (v = 1; v <= nv; v++) {
			key = vkey[v] "," sname[i] "," conns[c]
			if (!(key in rps)) continue
			r = median(rps[key]); a = median(p50[key]); b = median(p99[key])
			note = (bad[key] ? " socket errors: " bad[key] : "") (mixed[key] ? " (statuses varied)" : "")
			printf "%-24s %5s  %-24s %6s %9.0f %6s %9.0f %6s %9.0f %6s %8.1f %7.1f%s\n",
				first ? slabel[sname[i]] : "", first ? conns[c] : "", vlabel[vkey[v]], st[vkey[v] "," sname[i]],
				r, ratio(r, lr), a, ratio(a, l50), b, ratio(b, l99), median(cpu[key]), median(wt[key]), note
			first = 0
			# for the targets below
			print vkey[v], sname[i], conns[c], r, ratio(r, lr), a, ratio(a, l50), b > out
		}
	}
}'
echo "(/limit: req/s as a fraction of the limit's; latencies as a multiple of the limit's;"
echo " cpu us/r: the server's CPU time per request, all threads; wait: the time per request it"
echo " was ready to run while another process had its core. A wait near the cpu figure means"
echo " the machine was busy: the ratios then follow the cpu column, not the servers' capacity)"
[ "$reset_ok" = 0 ] && echo "POST /_mock/reset: unavailable (stoat-mock answered 404: no control API in this build)"
echo
printf '%-24s %12s %12s %16s %16s\n' "server" "start-up ms" "RSS idle MB" "RSS load MB" "RSS peak MB"
for k in "${servers[@]}"; do
	n_starts=$starts
	case "$k" in prism|jsons) n_starts=5 ;; esac
	su=-
	[ -n "${startup[$k]:-}" ] && su="${startup[$k]} (${n_starts})"
	printf '%-24s %12s %12s %16s %16s\n' "${label[$k]}" "$su" \
		"$(awk -v v="${idle_rss[$k]:-0}" 'BEGIN {printf "%.1f", v / 1024}')" \
		"$(awk -v v="${load_rss[$k]:-0}" 'BEGIN {printf "%.1f", v / 1024}')" \
		"$(awk -v v="${peak_rss[$k]:-0}" 'BEGIN {printf "%.1f", v / 1024}')"
done
echo "(start-up: fork to the first answer to GET /, median of (N) starts; RSS load: VmRSS in the middle"
echo " of the 32-connection runs; peak: VmHWM after all runs)"

# ---- targets ------------------------------------------------------------------------
m() { awk -v k="$1" -v s="$2" -v c="$3" -v f="$4" '$1 == k && $2 == s && $3 == c {print $f}' "$work/medians"; }
verdict() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN { if (v == "" || v == "-") print "n/a"; else print ((op == ">=" ? v + 0 >= t + 0 : v + 0 <= t + 0) ? "ok" : "MISSED") }'; }
echo
echo "targets (issue 7), from this run:"
line() { printf '  %-46s %-30s %s\n' "$1" "$2" "$3"; }
v=$(m mem get 32 5)
txt="memory $v"
[ -n "${port[file]:-}" ] && txt="$txt, file $(m file get 32 5)"
line "32 conns GET req/s >= 0.70 x limit" "$txt" "$(verdict "$v" '>=' 0.7)"
if [ "$smoke" = 0 ]; then
	v=$(m mem patch 32 5); line "32 conns PATCH (memory) >= 0.50 x limit" "$v" "$(verdict "$v" '>=' 0.5)"
	worst=1
	txt=""
	for e in e400 e401 e404; do
		x=$(m mem "$e" 32 5)
		txt="$txt ${e#e} $x"
		worst=$(awk -v a="$worst" -v b="$x" 'BEGIN {print (b + 0 < a + 0) ? b : a}')
	done
	line "32 conns errors >= 0.80 x limit" "${txt# }" "$(verdict "$worst" '>=' 0.8)"
	line "32 conns PATCH (file)" "$(m file patch 32 4 | cut -d. -f1) req/s = $(m file patch 32 5) x limit" "(stated)"
fi
if [ "$smoke" = 0 ]; then
	echo
	echo "targets (issue 19), from this run:"
	v=$(m mem get 32 5); line "32 conns GET >= 0.75 x limit" "$v" "$(verdict "$v" '>=' 0.75)"
	for r in rename_keep rename; do
		v=$(m mem "$r" 32 5); line "32 conns PATCH $r >= 0.50 x limit" "$v" "$(verdict "$v" '>=' 0.5)"
	done
	worst=1
	txt=""
	for e in e400 e401 e404; do
		x=$(m mem "$e" 32 5)
		txt="$txt ${e#e} $x"
		worst=$(awk -v a="$worst" -v b="$x" 'BEGIN {print (b + 0 < a + 0) ? b : a}')
	done
	line "32 conns every error >= 0.85 x limit" "${txt# }" "$(verdict "$worst" '>=' 0.85)"
	echo
fi
if [ "$idle" -gt 0 ]; then
	echo "with $idle idle sessions (issue 15 item 7, issue 19 item 3), from this run:"
	for k in idle cmpidle; do
		[ -n "${port[$k]:-}" ] || continue
		base=mem
		[ "$k" = cmpidle ] && base="cmp"
		echo "  ${label[$k]}: ${held[$k]}"
		for c in 32 1; do
			a=$(m "$k" get "$c" 4) b=$(m "$base" get "$c" 4)
			v=$(awk -v a="$a" -v b="$b" 'BEGIN {if (b > 0) printf "%.3f", a / b}')
			line "$c conns GET req/s >= 0.95 x without sessions" "$v ($(printf '%.0f' "$a") / $(printf '%.0f' "$b"))" "$(verdict "$v" '>=' 0.95)"
		done
		[ "$smoke" = 1 ] && continue
		v=$(m "$k" get 32 5); line "32 conns GET >= 0.75 x limit" "$v" "$(verdict "$v" '>=' 0.75)"
		for r in rename_keep rename; do
			v=$(m "$k" "$r" 32 5); line "32 conns PATCH $r >= 0.50 x limit" "$v" "$(verdict "$v" '>=' 0.5)"
		done
		worst=1
		txt=""
		for e in e400 e401 e404; do
			x=$(m "$k" "$e" 32 5)
			txt="$txt ${e#e} $x"
			worst=$(awk -v a="$worst" -v b="$x" 'BEGIN {print (b + 0 < a + 0) ? b : a}')
		done
		line "32 conns every error >= 0.85 x limit" "${txt# }" "$(verdict "$worst" '>=' 0.85)"
	done
	echo
fi
v=$(m mem get 1 7); line "1 conn GET p50 <= 1.5 x limit's" "$(m mem get 1 6) us = $v x $(m limit get 1 6) us" "$(verdict "$v" '<=' 1.5)"
v=$(m mem reset 1 6)
if [ -n "$v" ]; then
	line "POST /_mock/reset <= 1 ms (1 conn p50)" "$(awk -v v="$v" 'BEGIN {printf "%.3f ms", v / 1000}') (p99 $(m mem reset 1 8) us)" \
		"$(verdict "$v" '<=' 1000)"
elif [ "$reset_ok" = 0 ]; then
	line "POST /_mock/reset <= 1 ms" "unavailable (404)" "n/a"
else
	line "POST /_mock/reset <= 1 ms" "not measured in this run" "n/a"
fi
v=${startup[mem]}; line "start-up to first answer <= 20 ms" "$v ms (median of $starts)" "$(verdict "$v" '<=' 20)"
v=$(awk -v a="${idle_rss[mem]}" 'BEGIN {printf "%.1f", a / 1024}'); line "RSS idle <= 10 MB" "$v MB" "$(verdict "$v" '<=' 10)"
v=$(awk -v a="${peak_rss[mem]}" 'BEGIN {printf "%.1f", a / 1024}'); line "RSS under 32-conn load <= 20 MB (peak)" "$v MB" "$(verdict "$v" '<=' 20)"
if [ "$peers" = 1 ]; then
	for s in get patch; do
		mine=$(m mem "$s" 32 4)
		line "32 conns $s: stoat-mock vs peers" \
			"$(awk -v a="$mine" -v p="$(m prism "$s" 32 4)" -v j="$(m jsons "$s" 32 4)" \
				'BEGIN {printf "%.0fx Prism, %.0fx json-server", a / p, a / j}')" ""
	done
fi
