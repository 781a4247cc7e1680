#!/usr/bin/env bash
# run.sh: install what is missing, build, and start stoat-mock on the embedded
# defaults (bundled fixtures, in-memory SQLite) on 127.0.0.1:14702. Extra
# arguments go to the server (see build/stoat-mock --help).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh build
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTOAT_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)" --target stoat-mock
exec build/stoat-mock "$@"
