# lib.sh: what the benchmark scripts share (sourced by run.sh, gateway.sh and
# instructions.sh, never run): the binary under test, where the processes run,
# the open file limit, and building bench/ws_load.c. The caller defines die() and
# $root.
# shellcheck shell=bash disable=SC2034,SC2154 # (the variables set here are the callers')

# The server under test: $STOAT_MOCK_BIN, or build/stoat-mock (re)built with
# CMake when it is unset. Sets bin.
bench_binary() {
	if [ -n "${STOAT_MOCK_BIN:-}" ]; then
		bin=$STOAT_MOCK_BIN
	else
		bin=$root/build/stoat-mock
		echo "bench: building $bin" >&2
		cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTOAT_TESTS=OFF >/dev/null
		cmake --build "$root/build" -j"$(nproc 2>/dev/null || echo 2)" --target stoat-mock >/dev/null
	fi
	[ -x "$bin" ] || die "no stoat-mock binary at '$bin' (build it, or set STOAT_MOCK_BIN)"
}

# Server on one core, the client ($1: its name) on another; on a single core
# nothing is pinned. Both run at nice -10 where allowed (root), so that whatever
# else runs on the machine (a build, a test suite) takes little from the two
# processes being measured. (Where the kernel groups processes by session,
# /proc/sys/kernel/sched_autogroup_enabled, nice ranks them only within the
# group: the run-queue wait the scripts print says how much others took.) Sets
# srv_pin, cli_pin (command prefixes) and pinning (a sentence).
bench_pinning() {
	local ncpu priority="normal priority"
	ncpu=$(nproc 2>/dev/null || echo 1)
	prio=()
	if nice -n -10 true 2>/dev/null && [ "$(nice -n -10 nice)" -lt "$(nice)" ]; then
		prio=(nice -n -10)
		priority="both at nice -10"
	fi
	if [ "$ncpu" -ge 2 ]; then
		srv_pin=("${prio[@]}" taskset -c 0)
		cli_pin=("${prio[@]}" taskset -c 1)
		pinning="server on core 0, $1 on core 1, $priority"
	else
		srv_pin=("${prio[@]}")
		cli_pin=("${prio[@]}")
		pinning="one core: nothing pinned (figures are not comparable with a 2-core run), $priority"
	fi
}

# At least $1 open files for this shell and what it starts (sessions are sockets).
bench_nofile() {
	local have
	have=$(ulimit -n)
	[ "$have" = unlimited ] || [ "$have" -ge "$1" ] && return 0
	ulimit -n "$1" 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
	have=$(ulimit -n)
	[ "$have" = unlimited ] || [ "$have" -ge "$1" ] || die "the open file limit ($have) is below $1: raise it (ulimit -n)"
}

# bench/ws_load.c built into $1 (Debian's libwslay).
bench_ws_load() {
	[ -f /usr/include/wslay/wslay.h ] || die "libwslay-dev is missing (bash scripts/deps.sh build)"
	cc -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -o "$1" "$root/bench/ws_load.c" -lwslay
}
