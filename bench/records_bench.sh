#!/usr/bin/env bash
# Record engine through the HTTP API, with raw SQLite as the reference in the same run:
#   durable creates/s (each with its history row and audit entry), GET-by-id/s, and the
#   latency of a filtered, sorted list once the register holds SEED records; GET-by-id again
#   with the sign-in cache off (security.auth_cache_seconds=0: two database reads more per
#   request), the same server restarted on the same data.
#   bash bench/records_bench.sh [seconds=10] [seed=1000000]
# Needs build/palermo and build/palermo_sqlite_reference (scripts/setup.sh) and wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${1:-10}"
SEED="${2:-1000000}"
BIN=${PALERMO_BIN:-build/palermo}
work=$(mktemp -d /tmp/palermo-rbench-XXXXXX)
pid=""
cleanup() { [[ -n "$pid" ]] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

common=(--data-dir "$work/data" --set security.password_cost=min)
# A special-police investigator: national scope, may create and read signals.
otp=$("$BIN" user add "${common[@]}" --login bench --display-name Bench --role police_investigator |
  sed -n 's/^One-time password: //p')
start_server() {  # start_server [--set key=value ...]: the server on the bench's data; sets pid and url
  "$BIN" serve "${common[@]}" --set server.port=0 --set log.file="$work/palermo.log" --set server.io_threads=2 \
    "$@" >"$work/out" &
  pid=$!
  url=""
  for _ in $(seq 1 100); do url=$(sed -n 's/^palermo listening on //p' "$work/out"); [[ -n "$url" ]] && break; sleep 0.1; done
}
start_server

source bench/lib.sh
csrf=$(bench_sign_in "$url" bench "$otp" "quiet river lamp 98" "$work/jar")
export PALERMO_COOKIE="palermo_session=$(awk '$6=="palermo_session" {print $7}' "$work/jar")"
export PALERMO_CSRF="$csrf"

wrk_run() {  # wrk_run SCRIPT CONNECTIONS SECONDS -> "rps p50 p99"
  local out
  out=$(wrk -t2 -c"$2" -d"${3}s" --latency -s "bench/wrk/$1" "$url")
  echo "$(awk '/Requests\/sec/ {print $2}' <<<"$out") $(awk '$1=="50%" {print $2}' <<<"$out") $(awk '$1=="99%" {print $2}' <<<"$out")"
}

ref=$(build/palermo_sqlite_reference "$work/ref.db" 2000)
read -r c_rps c_p50 c_p99 <<<"$(wrk_run create.lua 64 "$SECS")"
count=$(curl -s -b "$work/jar" "$url/api/v1/records/signal?count=true&limit=1" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
# Fill the register up to SEED records for the read and list figures.
while (( count < SEED )); do
  wrk -t2 -c64 -d30s -s bench/wrk/create.lua "$url" >/dev/null
  count=$(curl -s -b "$work/jar" "$url/api/v1/records/signal?count=true&limit=1" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
  echo "  seeded $count signals" >&2
done
export PALERMO_MAX_ID=$count
read -r g_rps g_p50 g_p99 <<<"$(wrk_run get.lua 64 "$SECS")"
list_out=$(wrk -t1 -c4 -d"${SECS}s" --latency -s bench/wrk/list.lua "$url")
l_rps=$(awk '/Requests\/sec/ {print $2}' <<<"$list_out")
l_p50=$(awk '$1=="50%" {print $2}' <<<"$list_out")
l_p90=$(awk '$1=="90%" {print $2}' <<<"$list_out")
l_p99=$(awk '$1=="99%" {print $2}' <<<"$list_out")
l_p95=$(awk '$1=="p95_ms" {print $2 "ms"}' <<<"$list_out")

# The same data, the server restarted with the sign-in cache off (sessions live in the database:
# the cookie still holds).
kill -TERM "$pid" && wait "$pid" 2>/dev/null || true
start_server --set security.auth_cache_seconds=0
read -r n_rps n_p50 n_p99 <<<"$(wrk_run get.lua 64 "$SECS")"

echo "records benchmark: $(nproc) cores, wrk 2 threads, ${SECS}s per run, register of $count signals"
printf '%-52s %12s %10s %10s\n' "measure" "per second" "p50" "p99"
printf '%-52s %12s %10s %10s\n' "raw SQLite durable single-row inserts (reference)" "$ref" "-" "-"
printf '%-52s %12s %10s %10s\n' "palermo durable creates via HTTP (64 conns)" "$c_rps" "$c_p50" "$c_p99"
printf '%-52s %12s %10s %10s\n' "palermo GET by id via HTTP (64 conns)" "$g_rps" "$g_p50" "$g_p99"
printf '%-52s %12s %10s %10s\n' "palermo filtered+sorted list, 50/page (4 conns)" "$l_rps" "$l_p50" "$l_p99"
printf '%-52s %12s %10s %10s\n' "palermo GET by id, sign-in cache off (64 conns)" "$n_rps" "$n_p50" "$n_p99"
echo "list p90: $l_p90, p95: $l_p95 (goal: p95 < 50ms)"
awk -v a="$c_rps" -v b="$ref" 'BEGIN { printf "ratio palermo creates / raw SQLite single-row inserts: %.2f\n", a / b }'
awk -v a="$g_rps" -v b="$n_rps" 'BEGIN { printf "GET by id: %.0f/s (goal 15,000/s); with the sign-in cache / without: %.2f\n", a, a / b }'
