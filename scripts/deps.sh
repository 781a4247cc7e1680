#!/usr/bin/env bash
# deps.sh: install what stoat-mock needs from Debian, only what is missing.
#   scripts/deps.sh build    compiler, CMake and the libraries the server links
#   scripts/deps.sh test     package + check, libcurl, clang (fuzzers), Node.js/npm, wrk,
#                            Python's venv, pytest, setuptools, wheel (integrations/python),
#                            aiohttp and attrs (stoat.py's, tests/gateway), and
#                            chromium (the dashboard's browser tests drive Debian's, never a
#                            downloaded one)
#   scripts/deps.sh package  build + what CPack's Debian generator runs (file, dpkg-shlibdeps)
#   scripts/deps.sh runtime  only the shared libraries the binary needs at run time
# Used by the README's two commands, .ci/run (through the test command) and docker/Dockerfile.
set -euo pipefail
what=${1:-build}
runtime_pkgs="libmicrohttpd12 libcjson1 libsqlite3-0 libpcre2-8-0 libwslay1 libnettle8"
build_pkgs="build-essential cmake pkg-config libmicrohttpd-dev libcjson-dev libsqlite3-dev libpcre2-dev libwslay-dev nettle-dev"
package_pkgs="$build_pkgs file dpkg-dev"
test_pkgs="$package_pkgs check libcurl4-openssl-dev clang libclang-rt-14-dev nodejs npm sqlite3 curl wrk util-linux procps
	python3-venv python3-pytest python3-setuptools python3-wheel python3-aiohttp python3-attr chromium"
case "$what" in
  runtime) pkgs=$runtime_pkgs ;;
  build) pkgs=$build_pkgs ;;
  package) pkgs=$package_pkgs ;;
  test) pkgs=$test_pkgs ;;
  *) echo "deps.sh: unknown set '$what' (build, package, test, runtime)" >&2; exit 2 ;;
esac
missing=""
for p in $pkgs; do
  # a command that is already on PATH satisfies its package (e.g. a node not from Debian)
  case "$p" in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "deps.sh: installing$missing" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086
  $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
