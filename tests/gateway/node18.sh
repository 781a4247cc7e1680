#!/usr/bin/env bash
# node18.sh ARGS...: runs Debian bookworm's Node.js 18 with ARGS, next to whatever node
# the machine has, without installing or replacing anything.
#
# Why: stoat.js bots on Debian 12 run on its nodejs 18, which has no global WebSocket;
# the gateway suite proves stoat.js works there too (with the `ws` package as the
# global). Where the machine's own `node` is 18 (a fresh Debian container), that node
# is used as it is.
#
# Otherwise, once, into $STOAT_NODE18_CACHE (default ~/.cache/stoat-mock-node18):
#   1. `apt-get download` nodejs and libnode108 (the newest 18.x apt-cache madison lists)
#      and the Debian packages its externalised builtins come from (node-cjs-module-lexer,
#      node-undici, node-acorn), then `dpkg -x` each into root/: nothing is installed;
#   2. any shared library `ldd` still reports missing is fetched the same way (the
#      soname -> package table below);
#   3. Debian builds node with those builtins at absolute paths under
#      /usr/share/nodejs/ (NODE_SHARED_BUILTIN_*_PATH, read at start-up, fatal when
#      absent). The cached copy of libnode.so.108 has that 18-byte prefix replaced by
#      /tmp/stoat-node18/, a symlink this script points at root/usr/share/nodejs/ on
#      every run: the same length, so the library is otherwise byte-identical.
# Then: LD_LIBRARY_PATH=root/usr/lib/x86_64-linux-gnu root/usr/bin/node ARGS.
# Exits 3, saying why, when Node 18 cannot be had here (no apt, no 18.x candidate).
set -euo pipefail

fail() { echo "node18.sh: $*" >&2; exit 3; }

if command -v node >/dev/null && [ "$(node -p 'process.versions.node.split(".")[0]')" = 18 ]; then
	exec node "$@"
fi

cache=${STOAT_NODE18_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stoat-mock-node18}
root=$cache/root
link=/tmp/stoat-node18 # exactly as long as /usr/share/nodejs
libdir=$root/usr/lib/x86_64-linux-gnu

fetch() { # PACKAGE[=VERSION]...: download and unpack into $root
	local dl
	dl=$(mktemp -d)
	(cd "$dl" && apt-get download "$@" >/dev/null 2>"$dl/err") ||
		{ cat "$dl/err" >&2; rm -rf "$dl"; fail "apt-get download $* failed"; }
	for deb in "$dl"/*.deb; do dpkg -x "$deb" "$root"; done
	rm -rf "$dl"
}

package_of() { # soname -> Debian bookworm package
	case $1 in
		libuv.so.1) echo libuv1 ;;
		libcares.so.2) echo libc-ares2 ;;
		libnghttp2.so.14) echo libnghttp2-14 ;;
		libbrotli*) echo libbrotli1 ;;
		libicu*.so.72) echo libicu72 ;;
		libssl.so.3 | libcrypto.so.3) echo libssl3 ;;
		libz.so.1) echo zlib1g ;;
		libstdc++.so.6) echo libstdc++6 ;;
		libgcc_s.so.1) echo libgcc-s1 ;;
		*) fail "no package known for the missing library $1" ;;
	esac
}

if [ ! -e "$cache/ready" ]; then
	command -v apt-get >/dev/null && command -v dpkg >/dev/null || fail "needs apt-get and dpkg (Debian)"
	version=$(apt-cache madison nodejs 2>/dev/null | awk '$3 ~ /^18\./ { print $3; exit }')
	[ -n "$version" ] || fail "apt-cache madison nodejs lists no 18.x version (is this Debian bookworm? apt-get update?)"
	echo "node18.sh: fetching Debian's nodejs $version into $cache (once)" >&2
	rm -rf "$cache"
	mkdir -p "$root"
	fetch "nodejs=$version" "libnode108=$version" node-cjs-module-lexer node-undici node-acorn
	for _ in 1 2 3; do
		missing=$(LD_LIBRARY_PATH=$libdir ldd "$root/usr/bin/node" | awk '/not found/ { print $1 }')
		[ -z "$missing" ] && break
		for so in $missing; do fetch "$(package_of "$so")"; done
	done
	[ -z "$missing" ] || fail "still missing after fetching: $missing"
	perl -0777 -pi -e 's{/usr/share/nodejs/}{/tmp/stoat-node18/}g' "$libdir/libnode.so.108"
	grep -q /tmp/stoat-node18/ "$libdir/libnode.so.108" || fail "libnode.so.108 has no /usr/share/nodejs/ path to relocate"
	echo "$version" >"$cache/ready"
fi

if [ "$(readlink "$link" 2>/dev/null)" != "$root/usr/share/nodejs" ]; then
	[ ! -e "$link" ] || [ -L "$link" ] || fail "$link exists and is not a symlink"
	ln -sfn "$root/usr/share/nodejs" "$link" || fail "cannot create $link"
fi
LD_LIBRARY_PATH=$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} exec "$root/usr/bin/node" "$@"
