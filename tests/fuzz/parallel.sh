# parallel.sh: sourced by smoke.sh and campaign.sh.
# run_parallel JOBS FUNCTION TARGET...: FUNCTION TARGET for every target, at most
# JOBS at a time, and waits for all of them (each records its own exit status).
run_parallel() {
	local jobs=$1 fn=$2 running=0 t
	shift 2
	for t in "$@"; do
		"$fn" "$t" &
		running=$((running + 1))
		if [ "$running" -ge "$jobs" ]; then
			wait -n || true
			running=$((running - 1))
		fi
	done
	wait || true
}
