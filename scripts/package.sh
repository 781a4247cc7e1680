#!/usr/bin/env bash
# package.sh: build the Debian package of stoat-mock into dist/ with CPack.
#   bash scripts/package.sh          -> dist/stoat-mock_VERSION_ARCH.deb
# A release build in build-package/ (no tests), installed under /usr by CPack
# (cmake/install.cmake says what goes in); Depends comes from dpkg-shlibdeps over the
# binary. Install it with `apt-get install ./dist/stoat-mock_*.deb`.
# Prints the package's path on the last line.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bash scripts/deps.sh package # CPack runs file and dpkg-shlibdeps
[ -f LICENSE ] || echo "package.sh: warning: the repository has no LICENSE file; the package carries none" >&2
cmake -S . -B build-package -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTOAT_TESTS=OFF \
	-DCMAKE_INSTALL_PREFIX=/usr >/dev/null
cmake --build build-package -j"$(nproc 2>/dev/null || echo 2)" --target stoat-mock
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
(cd build-package && cpack -G DEB -B "$stage" >/dev/null)
mkdir -p dist
deb=$(find "$stage" -maxdepth 1 -name 'stoat-mock_*.deb' -print -quit)
[ -n "$deb" ] || { echo "package.sh: cpack made no stoat-mock_*.deb" >&2; exit 1; }
mv -f "$deb" dist/
echo "$root/dist/$(basename "$deb")"
