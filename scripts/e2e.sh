#!/usr/bin/env bash
# Browser end-to-end tests: a real palermo server (fresh SQLite file, port chosen by the OS)
# and Debian's Chromium driven by playwright-core. Expects scripts/setup.sh to have run.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${PALERMO_BIN:-build/palermo}
dir=$(mktemp -d /tmp/palermo-e2e-XXXXXX)
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT

common=(--data-dir "$dir" --set security.password_cost=min)
out=$("$BIN" user add "${common[@]}" --login admin --display-name "Administrator" --role admin)
password=$(sed -n 's/^One-time password: //p' <<<"$out")
# A second administrator: roles with identity access that one administrator gives wait for
# another's approval (the two-person rule), as in an office.
out2=$("$BIN" user add "${common[@]}" --login admin2 --display-name "Second administrator" --role admin)
password2=$(sed -n 's/^One-time password: //p' <<<"$out2")
[[ -n "$password" && -n "$password2" ]] || { echo "could not create the administrators"; exit 1; }

: >"$dir/stdout"  # there before the loop below first reads it (the background job may open it later)
"$BIN" serve "${common[@]}" --set server.port=0 --set web.root="$PWD/web/dist" \
  --set log.file="$dir/palermo.log" >"$dir/stdout" &
server_pid=$!
for _ in $(seq 1 300); do  # 30 s: the sanitizer build (scripts/test.sh) starts slower
  url=$(sed -n 's/^palermo listening on //p' "$dir/stdout")
  [[ -n "$url" ]] && break
  sleep 0.1
done
[[ -n "$url" ]] || { echo "server did not start"; cat "$dir/palermo.log"; exit 1; }

cd web
export PALERMO_URL="$url" PALERMO_ADMIN_LOGIN=admin PALERMO_ADMIN_PASSWORD="$password" \
  PALERMO_ADMIN2_LOGIN=admin2 PALERMO_ADMIN2_PASSWORD="$password2"
# Test files given as arguments (e.g. e2e/auth.test.mjs e2e/path.test.mjs; most need auth.test.mjs
# first) are run, in that order, instead of all of them.
if (($# > 0)); then
  files=()
  for f in "$@"; do files+=("${f#web/}"); done
  node --test --test-concurrency=1 "${files[@]}"
else
  npm run --silent e2e
fi
