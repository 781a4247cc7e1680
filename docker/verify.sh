#!/usr/bin/env bash
# docker/verify.sh: lint docker/Dockerfile, build it, run it, and check it as users will.
#
#   1. lint the Dockerfile offline with dockerfile-utils (npm, version pinned; it knows
#      HEALTHCHECK --start-period, which dockerfilelint 1.8.0 wrongly rejects)
#   2. ../shared/tools/docker-verify.sh (beside the clone in CI): build the image with
#      podman (no Docker engine needed), run it published as -p 127.0.0.1:PORT:14702,
#      require 200 from GET /_mock/health, SIGTERM it; the image is kept for step 3
#   3. on the kept image: time from `run` to the first 200, one authenticated call
#      (GET /bots/@me, x-session-token: alice-session from the bundled fixtures, must
#      list bot 01J0H3HPB0T5T0KEN000000AAA), the image's own HEALTHCHECK, the stop
#      time on SIGTERM, and STOAT_MOCK_DB on a volume kept across a restart with the
#      fixtures from /fixtures
#   4. docker/compose.yml run for real with Debian's podman-compose on the kept image
#      (tagged stoat-mock:local, the name the file gives it; --no-build): `up
#      --exit-code-from client` must exit 0 with the client's GET /bots/@me listing the
#      bot. No registry is reachable, so the client's curlimages/curl image is a local
#      stand-in of the same name (Debian's curl as its entrypoint), removed afterwards.
#      podman-compose 1.0.3 starts services in depends_on order, 1 s apart, without
#      waiting for service_healthy; the server is up within milliseconds of its start.
#      Skipped, saying so, when podman-compose cannot be installed.
# Prints the image size, the time to healthy and the stop time.
#
# Exit status: 0 pass; 1 the image (or its Dockerfile) is bad; 3 this machine cannot
# build or run containers (the tool is missing, not root, no podman...): "not checked here".
# Environment: DOCKER_VERIFY (path of docker-verify.sh), VERIFY_PORT (host port, default:
# a free one), DOCKER_VERIFY_CACHE (the tool's cache, default /var/tmp/docker-verify),
# VERIFY_NO_LINT=1 (skip step 1), VERIFY_NO_COMPOSE=1 (skip step 4), VERIFY_NO_CONTROL=1 (run the containers with
# STOAT_MOCK_NO_CONTROL=1 and probe / instead of /_mock/health, as --healthcheck then does).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
PROG=docker/verify.sh
LINTER=dockerfile-utils@0.16.3
TOKEN=alice-session
BOT_ID=01J0H3HPB0T5T0KEN000000AAA
CPORT=14702
HEALTH=/_mock/health
CENV=() # podman run -e ...
if [ "${VERIFY_NO_CONTROL:-0}" = 1 ]; then
	HEALTH=/
	CENV=(-e STOAT_MOCK_NO_CONTROL=1)
fi

say() { printf '%s: %s\n' "$PROG" "$*" >&2; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", b-a}'; }

tool=${DOCKER_VERIFY:-$root/../shared/tools/docker-verify.sh}
if [ ! -x "$tool" ]; then
	say "docker-verify.sh not found at $tool (it lives in shared/tools beside the clone;"
	say "set DOCKER_VERIFY=/path/to/docker-verify.sh): the image was not checked here"
	exit 3
fi
[ "$(id -u)" = 0 ] || { say "must run as root (rootful podman): the image was not checked here"; exit 3; }

# ------------------------------------------------------------------ 1. lint
if [ "${VERIFY_NO_LINT:-0}" = 1 ]; then
	say "lint: skipped (VERIFY_NO_LINT=1)"
elif ! command -v npx >/dev/null; then
	say "lint: skipped (npx not installed)"
elif ! timeout 180 npx --yes "$LINTER" --version >/dev/null 2>&1; then
	say "lint: skipped ($LINTER could not be installed from npm)"
else
	# errors make it exit 1; warnings only print, and count as failures here too
	if ! lint_out=$(timeout 120 npx --yes "$LINTER" lint docker/Dockerfile 2>&1) || [ -n "$lint_out" ]; then
		printf '%s\n' "$lint_out" >&2
		say "FAIL: $LINTER reports problems in docker/Dockerfile"
		exit 1
	fi
	say "lint: $LINTER docker/Dockerfile: no problems"
fi

# ------------------------------------------------- 2. build, health, SIGTERM
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORT=${VERIFY_PORT:-}
if [ -z "$PORT" ]; then
	for p in $(shuf -i 20000-39999 -n 50); do
		if port_free "$p"; then PORT=$p; break; fi
	done
	[ -n "$PORT" ] || { say "no free local port found"; exit 3; }
fi

log=$(mktemp /tmp/stoat-verify.XXXXXX)
trap 'rm -f "$log"' EXIT
say "building and running docker/Dockerfile with $tool (port $PORT; cold: 2-3 min)"
set +e
"$tool" --publish "$CPORT" --port "$PORT" --path "$HEALTH" --expect-status 200 --wait 60 \
	"${CENV[@]+"${CENV[@]}"}" \
	--keep "$root" 2>&1 | tee "$log" >&2
rc=${PIPESTATUS[0]}
set -e
IMAGE=$(sed -n 's/^docker-verify: image kept as //p' "$log" | tail -1)
SIZE=$(sed -n 's/^docker-verify: image size //p' "$log" | tail -1)

CACHE=${DOCKER_VERIFY_CACHE:-/var/tmp/docker-verify}
export CONTAINERS_STORAGE_CONF=$CACHE/storage.conf CONTAINERS_CONF=$CACHE/containers.conf
CNAME=""
VOL=""
COMPOSE_PROJECT=""
COMPOSE_TAGS=()
cleanup() {
	set +e
	[ -z "$CNAME" ] || timeout 30 podman rm -f -t 1 "$CNAME" >/dev/null 2>&1
	[ -z "$VOL" ] || timeout 30 podman volume rm -f "$VOL" >/dev/null 2>&1
	[ -z "$COMPOSE_PROJECT" ] || (cd "$root/docker" && timeout 60 podman-compose -p "$COMPOSE_PROJECT" \
		-f compose.yml down -t 1 >/dev/null 2>&1)
	[ -z "$COMPOSE_PROJECT" ] || timeout 30 podman network rm -f "${COMPOSE_PROJECT}_default" >/dev/null 2>&1
	for t in "${COMPOSE_TAGS[@]+"${COMPOSE_TAGS[@]}"}"; do timeout 60 podman rmi -f "$t" >/dev/null 2>&1; done
	if [ -n "$IMAGE" ]; then
		timeout 120 podman rmi -f "$IMAGE" >/dev/null 2>&1
		timeout 300 podman image prune -f >/dev/null 2>&1 # build stages (the tool's private store)
	fi
	rm -f "$log"
}
trap cleanup EXIT

case $rc in
0) ;;
3) say "this machine cannot build or run containers (docker-verify exit 3): the image was not checked here"; exit 3 ;;
*) say "FAIL: docker-verify exit $rc (build, start or health check; see above)"; exit 1 ;;
esac
[ -n "$IMAGE" ] || { say "FAIL: docker-verify did not report the kept image"; exit 1; }

# One container run at a time on the tool's store, like the tool itself.
exec 9>"$CACHE/lock"
flock -w 600 9 || { say "the docker-verify lock is busy"; exit 3; }

ulim=()
hn=$(ulimit -Hn); [ "$hn" = unlimited ] && hn=1048576; [ "$hn" -gt 1048576 ] && hn=1048576
hu=$(ulimit -Hu); [ "$hu" = unlimited ] && hu=32768; [ "$hu" -gt 32768 ] && hu=32768
ulim=(--ulimit "nofile=$hn:$hn" --ulimit "nproc=$hu:$hu")
CNAME=stoat-verify-$$
fail() { say "FAIL: $*"; timeout 30 podman logs "$CNAME" 2>&1 | tail -20 >&2; exit 1; }

# wait_200 URL SECONDS: poll every 20 ms until 200
wait_200() {
	local url=$1 deadline code
	deadline=$(($(date +%s) + $2))
	while :; do
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url" 2>/dev/null) || true
		[ "$code" = 200 ] && return 0
		[ "$(podman inspect -f '{{.State.Running}}' "$CNAME" 2>/dev/null)" = true ] || return 1
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.02
	done
}

# ---------------------------------------------- 3a. time to healthy, API call
base=http://127.0.0.1:$PORT
t0=$(now)
timeout 60 podman run -d --pull=never --name "$CNAME" "${ulim[@]}" -p "127.0.0.1:$PORT:$CPORT" \
	"${CENV[@]+"${CENV[@]}"}" "$IMAGE" \
	>"$log" 2>&1 || { cat "$log" >&2; fail "podman run"; }
wait_200 "$base$HEALTH" 30 || fail "no 200 from $HEALTH within 30 s"
t1=$(now)
HEALTHY=$(secs "$t0" "$t1")

body=$(curl -sS --max-time 5 -w '\n%{http_code}' -H "x-session-token: $TOKEN" "$base/bots/@me") \
	|| fail "GET /bots/@me: no answer"
code=${body##*$'\n'}
body=${body%$'\n'*}
[ "$code" = 200 ] || fail "GET /bots/@me with x-session-token: $TOKEN answered $code: $body"
case $body in
*"\"$BOT_ID\""*) say "GET /bots/@me (x-session-token: $TOKEN): 200, lists bot $BOT_ID" ;;
*) fail "GET /bots/@me answered 200 without bot $BOT_ID: $(printf '%s' "$body" | head -c 300)" ;;
esac

hc=$(podman inspect -f '{{.Config.Healthcheck.Test}}' "$CNAME" 2>/dev/null || true)
case $hc in *--healthcheck*) ;; *) fail "the image has no HEALTHCHECK with --healthcheck (got '$hc')" ;; esac
# runs the image's HEALTHCHECK command once, as the engine's timer would
hs=$(timeout 30 podman healthcheck run "$CNAME" 2>&1) || fail "the HEALTHCHECK ($hc) failed: $hs"
user=$(podman exec "$CNAME" id -u) || fail "podman exec id"
[ "$user" != 0 ] || fail "the server runs as root"
say "HEALTHCHECK $hc: ${hs:-healthy}; the server runs as uid $user"

ts=$(now)
timeout 30 podman stop -t 10 "$CNAME" >/dev/null 2>&1 || fail "podman stop"
te=$(now)
STOP=$(secs "$ts" "$te")
ec=$(podman inspect -f '{{.State.ExitCode}}' "$CNAME")
[ "$ec" = 0 ] || fail "after SIGTERM the container exited $ec (137 = SIGTERM ignored, killed after 10 s)"
timeout 30 podman rm -f "$CNAME" >/dev/null 2>&1

# -------------------------- 3b. STOAT_MOCK_DB on a volume, fixtures from /fixtures
VOL=stoat-verify-data-$$
timeout 30 podman volume create "$VOL" >/dev/null || fail "podman volume create"
timeout 60 podman run -d --pull=never --name "$CNAME" "${ulim[@]}" -p "127.0.0.1:$PORT:$CPORT" \
	"${CENV[@]+"${CENV[@]}"}" -v "$VOL:/data" -e STOAT_MOCK_DB=/data/stoat.db -e STOAT_MOCK_FIXTURES=/fixtures/default.json \
	"$IMAGE" >"$log" 2>&1 || { cat "$log" >&2; fail "podman run with a volume"; }
wait_200 "$base$HEALTH" 30 || fail "with STOAT_MOCK_DB=/data/stoat.db: no 200 from $HEALTH"
timeout 30 podman stop -t 10 "$CNAME" >/dev/null 2>&1 || fail "podman stop"
timeout 30 podman start "$CNAME" >"$log" 2>&1 || { cat "$log" >&2; fail "podman start (restart)"; }
wait_200 "$base$HEALTH" 30 || fail "after a restart: no 200 from $HEALTH"
clog=$(timeout 30 podman logs "$CNAME" 2>&1) || true
case $clog in *"kept existing state"*) ;; *) fail "after a restart the database on the volume was not kept" ;; esac
timeout 30 podman stop -t 10 "$CNAME" >/dev/null 2>&1
say "STOAT_MOCK_DB=/data/stoat.db on a volume, fixtures /fixtures/default.json: state kept across a restart"

# ---------------------------------- 4. docker/compose.yml with podman-compose
COMPOSE=skipped
if [ "${VERIFY_NO_COMPOSE:-0}" = 1 ]; then
	say "compose: skipped (VERIFY_NO_COMPOSE=1)"
elif ! command -v podman-compose >/dev/null &&
	! DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq podman-compose >"$log" 2>&1; then
	say "compose: podman-compose could not be installed: docker/compose.yml was not run here"
else
	server_image=$(sed -n '/^  stoat-mock:/,/^  [a-z]/s/^    image: *//p' docker/compose.yml)
	client_image=$(sed -n '/^  client:/,/^  [a-z]/s/^    image: *//p' docker/compose.yml)
	[ -n "$server_image" ] && [ -n "$client_image" ] || fail "cannot read the images of docker/compose.yml"
	case $client_image in */*/*) ;; */*) client_image=docker.io/$client_image ;; esac
	timeout 60 podman tag "$IMAGE" "localhost/$server_image" || fail "podman tag $IMAGE localhost/$server_image"
	COMPOSE_TAGS+=("localhost/$server_image")
	# the stand-in for the client's registry image: curl as its entrypoint, like the original
	printf '%s\n' "FROM localhost/debian:bookworm-slim" \
		"RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends curl >/dev/null && rm -rf /var/lib/apt/lists/*" \
		'ENTRYPOINT ["curl"]' >"$log.Dockerfile"
	COMPOSE_TAGS+=("$client_image")
	timeout 300 podman build --pull=never --network host "${ulim[@]}" -t "$client_image" -f "$log.Dockerfile" \
		"$(dirname "$log")" >"$log" 2>&1 || { rm -f "$log.Dockerfile"; tail -20 "$log" >&2; fail "building the stand-in for $client_image"; }
	rm -f "$log.Dockerfile"
	COMPOSE_PROJECT=stoatverify$$
	ts=$(now)
	set +e
	(cd docker && STOAT_MOCK_HOST_PORT=$PORT timeout 180 podman-compose -p "$COMPOSE_PROJECT" -f compose.yml \
		up --no-build --exit-code-from client) >"$log" 2>&1
	crc=$?
	set -e
	te=$(now)
	if [ "$crc" != 0 ] || ! grep -q "\"$BOT_ID\"" "$log"; then
		tail -30 "$log" >&2
		fail "podman-compose -f docker/compose.yml up --exit-code-from client: exit $crc$(grep -q "\"$BOT_ID\"" "$log" || echo ", no bot $BOT_ID in the client's output")"
	fi
	COMPOSE="up --exit-code-from client: 0 in $(secs "$ts" "$te") s"
	say "docker/compose.yml with podman-compose $(podman-compose version 2>/dev/null | sed -n 's/^podman-composer* version *//p' | head -1): the client's GET /bots/@me listed bot $BOT_ID; $COMPOSE"
fi

say "image size: $SIZE"
say "time from podman run to the first 200 on $HEALTH: ${HEALTHY} s"
say "stop (SIGTERM to exit, exit status 0): ${STOP} s"
echo "docker/verify.sh: PASS (image $SIZE; healthy ${HEALTHY} s after run; stops in ${STOP} s on SIGTERM; compose: $COMPOSE)"
