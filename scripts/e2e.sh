#!/usr/bin/env bash
# Browser end-to-end tests: real palermo servers (each on a fresh SQLite file, port chosen by the
# OS) and Debian's Chromium driven by playwright-core. Expects scripts/setup.sh to have run.
#   bash scripts/e2e.sh                        # every test file, on PALERMO_E2E_SERVERS servers (default 2)
#   bash scripts/e2e.sh e2e/auth.test.mjs e2e/path.test.mjs   # these files, in this order, on one server
# With several servers the files are shared out among them and each share runs on its own server
# (after auth.test.mjs, which sets up the administrators), the shares at the same time: a browser
# test mostly waits, on the server or on the browser, so two shares take little more than half the
# time of one on two cores. Prints each share's TAP output, then "# pass N" and "# fail N" for all.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${PALERMO_BIN:-build/palermo}
root=$(mktemp -d /tmp/palermo-e2e-XXXXXX)
server_pids=()
# shellcheck disable=SC2317  # called by the trap
cleanup() {
  for pid in "${server_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${server_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$root"
}
trap cleanup EXIT

# start_server <n>: a server on an empty database in $root/<n> with two administrators; writes
# the environment the tests read (PALERMO_URL & co.) to $root/<n>/env.
start_server() {
  local dir="$root/$1"
  mkdir -p "$dir"
  local common=(--data-dir "$dir" --set security.password_cost=min)
  local out out2 password password2 url=""
  out=$("$BIN" user add "${common[@]}" --login admin --display-name "Administrator" --role admin)
  password=$(sed -n 's/^One-time password: //p' <<<"$out")
  # A second administrator: roles with identity access that one administrator gives wait for
  # another's approval (the two-person rule), as in an office.
  out2=$("$BIN" user add "${common[@]}" --login admin2 --display-name "Second administrator" --role admin)
  password2=$(sed -n 's/^One-time password: //p' <<<"$out2")
  [[ -n "$password" && -n "$password2" ]] || { echo "could not create the administrators"; return 1; }

  : >"$dir/stdout"  # there before the loop below first reads it (the background job may open it later)
  "$BIN" serve "${common[@]}" --set server.port=0 --set web.root="$PWD/web/dist" \
    --set log.file="$dir/palermo.log" >"$dir/stdout" &
  server_pids+=($!)
  for _ in $(seq 1 300); do  # 30 s: the sanitizer build (scripts/test.sh) starts slower
    url=$(sed -n 's/^palermo listening on //p' "$dir/stdout")
    [[ -n "$url" ]] && break
    sleep 0.1
  done
  [[ -n "$url" ]] || { echo "server did not start"; cat "$dir/palermo.log"; return 1; }
  {
    echo "export PALERMO_URL='$url' PALERMO_ADMIN_LOGIN=admin PALERMO_ADMIN_PASSWORD='$password'"
    echo "export PALERMO_ADMIN2_LOGIN=admin2 PALERMO_ADMIN2_PASSWORD='$password2'"
  } >"$dir/env"
}

# Test files given as arguments (most need auth.test.mjs first) run in that order on one server.
if (($# > 0)); then
  start_server 1
  # shellcheck disable=SC1091
  source "$root/1/env"
  files=()
  for f in "$@"; do files+=("${f#web/}"); done
  status=0
  (cd web && node --test --test-concurrency=1 "${files[@]}") || status=$?
  exit "$status"
fi

servers=${PALERMO_E2E_SERVERS:-2}
all=()
for f in web/e2e/*.test.mjs; do [[ "$f" != web/e2e/auth.test.mjs ]] && all+=("${f#web/}"); done
# Shares of about equal length: the files by their recorded duration (web/e2e/durations.txt,
# seconds, refreshed by hand from a run's output), longest first, each to the share that is
# shortest so far. A file not listed counts as 30 s.
declare -A cost=()
if [[ -f web/e2e/durations.txt ]]; then
  while read -r name secs; do [[ -n "$name" && "$name" != \#* ]] && cost[$name]=$secs; done <web/e2e/durations.txt
fi
mapfile -t ordered < <(for f in "${all[@]}"; do echo "${cost[$(basename "$f")]:-30} $f"; done | sort -rn | awk '{print $2}')
declare -a share_files share_len
for ((i = 0; i < servers; i++)); do share_files[i]=""; share_len[i]=0; done
for f in "${ordered[@]}"; do
  best=0
  for ((i = 1; i < servers; i++)); do ((share_len[i] < share_len[best])) && best=$i; done
  share_files[best]+=" $f"
  share_len[best]=$((share_len[best] + ${cost[$(basename "$f")]:-30}))
done

share_pids=()
for ((i = 0; i < servers; i++)); do
  start_server "$i"
  (
    # shellcheck disable=SC1090,SC1091
    source "$root/$i/env"
    cd web
    # shellcheck disable=SC2086
    node --test --test-concurrency=1 e2e/auth.test.mjs ${share_files[i]}
  ) >"$root/$i/tap" 2>&1 &
  share_pids+=($!)
done
rc=0
for pid in "${share_pids[@]}"; do wait "$pid" || rc=1; done
pass=0
fail=0
for ((i = 0; i < servers; i++)); do
  echo "## share $((i + 1)) of $servers:${share_files[i]}"
  # The share's own totals are renamed so that the last "# pass" / "# fail" lines are the run's.
  sed 's/^# \(pass\|fail\) /# share \1 /' "$root/$i/tap"
  p=$(sed -n 's/^# pass \([0-9]*\)/\1/p' "$root/$i/tap" | tail -1)
  f=$(sed -n 's/^# fail \([0-9]*\)/\1/p' "$root/$i/tap" | tail -1)
  [[ -z "$p" ]] && rc=1
  pass=$((pass + ${p:-0}))
  fail=$((fail + ${f:-0}))
done
echo "# pass $pass"
echo "# fail $fail"
exit $rc
