#!/usr/bin/env bash
# tests/install/run.sh: stoat-mock installs like any tool.
#
#   1. `cmake --install build --prefix TMP` puts exactly bin/stoat-mock, the manual page,
#      the docs, the fixtures (and LICENSE once the repository has one) under the prefix,
#      and the installed binary runs from PATH and answers GET /_mock/health
#   2. scripts/package.sh builds dist/stoat-mock_VERSION_ARCH.deb; `dpkg-deb -I` lists
#      every runtime library of scripts/deps.sh (and libc6) in Depends, `dpkg-deb -c`
#      the same files under /usr
#   3. tests/install/deb.Dockerfile: `apt-get install ./stoat-mock_*.deb` in a clean
#      debian:bookworm-slim (../shared/tools/docker-verify.sh builds it with podman),
#      then the container runs `stoat-mock` from PATH and must answer 200 on
#      /_mock/health. Skipped, saying so, where the machine cannot run containers.
# Needs the release build in build/ (scripts/test.sh makes it). Takes 20-60 s.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
PROG=tests/install/run.sh
say() { printf '%s: %s\n' "$PROG" "$*"; }
fail() { say "FAIL: $*" >&2; exit 1; }
[ -f build/CMakeCache.txt ] && [ -x build/stoat-mock ] || fail "no release build in build/ (scripts/test.sh makes it)"

work=$(mktemp -d)
pid=""
cleanup() {
	[ -z "$pid" ] || { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; } || true
	rm -rf "$work"
}
trap cleanup EXIT
version=$(sed -n 's/^project(stoat-mock VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)

# the files every install must have, relative to the prefix, sorted
expected() {
	{
		echo bin/stoat-mock
		echo share/man/man1/stoat-mock.1
		echo share/doc/stoat-mock/README.md
		for f in docs/*.md docs/*.png; do echo "share/doc/stoat-mock/$f"; done
		[ ! -f LICENSE ] || echo share/doc/stoat-mock/LICENSE
		echo share/stoat-mock/fixtures/default.json
	} | sort
}

# ------------------------------------------------------------- 1. cmake --install
prefix=$work/prefix
cmake --install build --prefix "$prefix" >/dev/null
got=$(cd "$prefix" && find . -type f | sed 's|^\./||' | sort)
[ "$got" = "$(expected)" ] || fail "cmake --install: files differ from the expected list:
$(diff <(expected) <(printf '%s\n' "$got"))"
out=$(PATH="$prefix/bin:$PATH" stoat-mock --version)
[ "$out" = "stoat-mock $version" ] || fail "installed stoat-mock --version printed '$out'"
PATH="$prefix/bin:$PATH" stoat-mock --port 0 --quiet >"$work/out" 2>"$work/err" &
pid=$!
url=""
for _ in $(seq 1 100); do
	line=$(head -n 1 "$work/out" 2>/dev/null) || true
	if [[ $line =~ listening\ on\ (http://[^[:space:]]+) ]]; then url=${BASH_REMATCH[1]}; break; fi
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.05
done
[ -n "$url" ] || fail "the installed stoat-mock did not start: $(cat "$work/err")"
health=$(curl -fsS --max-time 5 "$url/_mock/health") || fail "GET $url/_mock/health failed"
case $health in *"\"version\":\"$version\""*) ;; *) fail "health answered $health" ;; esac
kill "$pid"
wait "$pid" || fail "the installed stoat-mock exited $? on SIGTERM"
pid=""
say "cmake --install: $(printf '%s\n' "$got" | wc -l) files as listed; bin/stoat-mock runs from PATH and answers /_mock/health"

# -------------------------------------------------------------- 2. the .deb
deb=$(bash scripts/package.sh 2>"$work/package.log" | tail -n 1) || { cat "$work/package.log" >&2; fail "scripts/package.sh"; }
[ -f "$deb" ] || fail "scripts/package.sh printed '$deb', not a file"
info=$(dpkg-deb -I "$deb")
depends=$(dpkg-deb -f "$deb" Depends)
runtime=$(sed -n 's/^runtime_pkgs="\(.*\)"$/\1/p' scripts/deps.sh)
[ -n "$runtime" ] || fail "cannot read runtime_pkgs from scripts/deps.sh"
names=$(printf '%s\n' "$depends" | tr ',|' '\n\n' | sed 's/^ *//; s/[ (].*//') # without versions
for p in libc6 $runtime; do
	grep -qx "$p" <<<"$names" || fail "Depends lacks $p: $depends"
done
[ "$(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version)" = "stoat-mock $version" ] ||
	fail "package name/version: $(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version)"
in_deb=$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ {print $6}' | sed 's|^\./usr/||' | sort)
[ "$in_deb" = "$(expected)" ] || fail "the .deb's files differ from the expected list:
$(diff <(expected) <(printf '%s\n' "$in_deb"))"
say "$(basename "$deb"): $(stat -c %s "$deb") bytes; Depends: $depends"
printf '%s\n' "$info" | sed -n 's/^ \(Package\|Version\|Architecture\|Installed-Size\):/  &/p'

# ------------------------------------ 3. apt-get install in a clean bookworm-slim
tool=${DOCKER_VERIFY:-$root/../shared/tools/docker-verify.sh}
if [ ! -x "$tool" ]; then
	say "docker-verify.sh not found at $tool: the .deb was not installed in a container here"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	say "not root (rootful podman needed): the .deb was not installed in a container here"
	exit 0
fi
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=""
for p in $(shuf -i 20000-39999 -n 50); do port_free "$p" && { port=$p; break; }; done
[ -n "$port" ] || fail "no free local port"
say "apt-get install ./$(basename "$deb") in a clean debian:bookworm-slim, then stoat-mock from PATH (port $port)"
set +e
"$tool" -f tests/install/deb.Dockerfile -c dist --publish 14702 --port "$port" \
	--path /_mock/health --expect-status 200 --wait 30 "$root" 2>&1 | tee "$work/verify.log"
rc=${PIPESTATUS[0]}
set -e
case $rc in
0) say "PASS (cmake --install, the .deb's metadata, apt-get install in debian:bookworm-slim)" ;;
3) say "this machine cannot run containers (docker-verify exit 3): the .deb was not installed in a container here"
   say "PASS (cmake --install, the .deb's metadata)" ;;
*) fail "the .deb in debian:bookworm-slim (docker-verify exit $rc; see above)" ;;
esac
