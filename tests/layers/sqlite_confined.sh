#!/usr/bin/env bash
# sqlite_confined.sh: SQLite stays behind the store. Fails, naming file and line,
# when a file of server/ other than the store's own (server/store*: store.c,
# store_*.c, store.h, store_internal.h) mentions sqlite3_ (a call or a type),
# includes <sqlite3.h>, or includes the store's private header store_internal.h.
# Registered with CTest (layers_sqlite_confined); store.h says why.
#
#   bash tests/layers/sqlite_confined.sh [ROOT (the checkout this script is in)]
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
[ -d "$root/server" ] || { echo "sqlite_confined.sh: no server/ under '$root'" >&2; exit 2; }
found=$(cd "$root" && find server -type f \( -name '*.c' -o -name '*.h' -o -name '*.def' \) ! -name 'store*' -print0 |
	xargs -0 grep -nE 'sqlite3_|<sqlite3\.h>|store_internal\.h' || true)
if [ -n "$found" ]; then
	echo "SQLite outside server/store* (move the query into a store function):" >&2
	echo "$found" >&2
	exit 1
fi
echo "sqlite_confined: server/ reaches SQLite only through server/store*"
