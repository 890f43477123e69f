#!/usr/bin/env bash
# Sets everything up, prepares the database under ./data, creates the first administrator
# (printing a one-time password) when there is none, and starts the server on
# http://127.0.0.1:8080 (override with PALERMO_SERVER_PORT or a config file).
set -euo pipefail
cd "$(dirname "$0")/.."
PALERMO_BUILD_TARGETS=palermo bash scripts/setup.sh
BIN=build/palermo
DATA_DIR="${PALERMO_DATA_DIR:-./data}"
mkdir -p "$DATA_DIR"
chmod 700 "$DATA_DIR"   # the key and the database: readable by their owner only (docs/security.md)
"$BIN" migrate --data-dir "$DATA_DIR" >/dev/null
echo
"$BIN" demo --data-dir "$DATA_DIR"   # made-up records, only into an empty database
"$BIN" user add --data-dir "$DATA_DIR" --login admin --display-name "Administrator" --role admin --if-no-users
echo
exec "$BIN" serve --data-dir "$DATA_DIR" "$@"
