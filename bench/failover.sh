#!/usr/bin/env bash
# Failover under writes (issue 29), the procedure of docs/deployment.md "Failover", rehearsed:
# a PostgreSQL 15 primary with a synchronous standby (scripts/pg.sh), two palermo instances on
# them behind nginx, writers creating signals through nginx (bench/failover_writer.mjs). After
# SECONDS of writes the primary's machine is lost (SIGKILL to every process of the cluster), the
# standby is promoted at once, and the instances, which were given both hosts with
# target_session_attrs=read-write, find the new primary by themselves (no restart, no change of
# configuration). Writes go on for SECONDS more; then every acknowledged write must be on the
# new primary, exactly as acknowledged, and `palermo audit verify` must hold there.
# Each run starts from nothing and removes everything; loopback only; stops by itself.
#   bash bench/failover.sh [runs=10] [seconds=6]
# Prints a line per run and a summary; exits non-zero when a run lost an acknowledged write,
# broke the audit chain, answered anything but 503 while the database was away, or did not
# recover. The README's test command runs one short run.
# Needs build/palermo (PALERMO_BIN overrides), PostgreSQL 15, nginx and node
# (PALERMO_SETUP_TESTS=1 bash scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-10}
SECS=${2:-6}
BIN=$(realpath "${PALERMO_BIN:-build/palermo}")
RECOVERY_LIMIT=${PALERMO_FAILOVER_RECOVERY_SECONDS:-60}
# shellcheck source=scripts/pg.sh
source scripts/pg.sh
# shellcheck source=bench/lib.sh
source bench/lib.sh

work=""
pids=()
cleanup_run() {
  local p
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
  if [[ -n "$work" ]]; then
    pg_stop "$work/p" 2>/dev/null || true
    pg_stop "$work/s" 2>/dev/null || true
    rm -rf "$work"
  fi
  work=""
}
trap cleanup_run EXIT

now_ms() { date +%s%3N; }

free_port() {  # below the ephemeral range (32768-60999), where a client socket may hold a port
  local port
  for _ in $(seq 1 50); do
    port=$((10000 + RANDOM % 22000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

instance_url=""
start_instance() {  # start_instance NAME: a palermo instance on the pair; sets instance_url
  local name=$1 url=""
  : >"$work/$name.out"  # there before the loop reads it (the background job may open it later)
  "$BIN" serve --data-dir "$work/data" --set security.password_cost=min --set server.port=0 \
    --set log.file="$work/$name.log" --set server.trusted_proxies=127.0.0.1 --set server.io_threads=2 \
    >"$work/$name.out" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 300); do
    url=$(sed -n 's/^palermo listening on //p' "$work/$name.out")
    [[ -n "$url" ]] && break
    sleep 0.1
  done
  [[ -n "$url" ]] || { echo "instance $name did not start:" >&2; tail -5 "$work/$name.out" >&2; return 1; }
  instance_url=$url
}

fail() { echo "failover: $*" >&2; return 1; }

total_acked=0
total_lost=0
total_unknown_committed=0
recoveries=()
failed_runs=0

run_once() {  # run_once N
  local n=$1
  work=$(mktemp -d /tmp/palermo-fo-XXXXXX)
  chmod 755 "$work"
  pg_start "$work/p" 2>>"$work/pg.log" || fail "the primary did not start (see pg.sh's messages)"
  local pport=$PALERMO_TEST_PG_PORT primary_conn=$PALERMO_TEST_PG
  pg_start_standby "$work/p" "$work/s" 2>>"$work/pg.log" || fail "the standby did not start"
  local sport=$PALERMO_TEST_PG_STANDBY_PORT
  pg_make_sync "$work/p" 2>>"$work/pg.log" || fail "the standby did not become synchronous"
  psql "$primary_conn" -qc "CREATE DATABASE palermo"
  # Both hosts, the writable one chosen at every (re)connection.
  export PALERMO_DATABASE_URL="postgres:host=$work/p,$work/s port=$pport,$sport user=palermo dbname=palermo target_session_attrs=read-write connect_timeout=3"

  local otp
  otp=$("$BIN" user add --data-dir "$work/data" --set security.password_cost=min --login writer \
    --display-name Writer --role police_investigator | sed -n 's/^One-time password: //p')
  local url_a url_b nport="" nginx_pid
  start_instance a
  url_a=$instance_url
  start_instance b
  url_b=$instance_url
  mkdir -p "$work/nginx"
  chmod 755 "$work/nginx"
  # nginx on a free port; another one if something took it meanwhile (nginx then exits).
  for _ in 1 2 3 4 5 6 7 8; do
    nport=$(free_port)
    sed -e "s|@PREFIX@|$work/nginx|g" -e "s|@NGINX_PORT@|$nport|g" -e "s|@UPSTREAM_1@|${url_a#http://}|g" \
      -e "s|@UPSTREAM_2@|${url_b#http://}|g" deploy/nginx/test-two-instances.conf.in >"$work/nginx/nginx.conf"
    /usr/sbin/nginx -p "$work/nginx" -e "$work/nginx/error.log" -c "$work/nginx/nginx.conf" 2>>"$work/nginx/start.log" &
    nginx_pid=$!
    for _ in $(seq 1 100); do
      (exec 3<>"/dev/tcp/127.0.0.1/$nport") 2>/dev/null && break
      kill -0 "$nginx_pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$nginx_pid" 2>/dev/null; then
      pids+=("$nginx_pid")
      break
    fi
    wait "$nginx_pid" 2>/dev/null || true
    nport=""
  done
  [[ -n "$nport" ]] || fail "nginx did not start: $(tail -1 "$work/nginx/start.log")"
  local nurl="http://127.0.0.1:$nport"

  local csrf cookie
  csrf=$(bench_sign_in "$nurl" writer "$otp" "quiet river lamp 98" "$work/jar")
  cookie="palermo_session=$(awk '$6=="palermo_session" {print $7}' "$work/jar")"
  [[ -n "$csrf" && "$cookie" != "palermo_session=" ]] || fail "the writer could not sign in"
  : >"$work/acks"
  node bench/failover_writer.mjs "$nurl" "$cookie" "$csrf" "$work/acks" "$work/stop" "r$n" 8 $((SECS * 4 + RECOVERY_LIMIT + 30)) \
    >"$work/writer.json" &
  local writer=$!

  # Writes flow on the primary; then its machine is lost and the standby promoted.
  sleep "$SECS"
  local before t_kill t_promoted
  before=$(wc -l <"$work/acks")
  ((before > 0)) || fail "no write was acknowledged before the failover (see $work/a.log)"
  t_kill=$(now_ms)
  pg_kill "$work/p"
  pg_promote "$work/s" 2>>"$work/pg.log" || fail "the standby was not promoted"
  t_promoted=$(now_ms)

  # Both instances acknowledge writes again, by themselves (bounded wait).
  local deadline=$((SECONDS + RECOVERY_LIMIT)) upstreams=0
  while ((SECONDS < deadline)); do
    upstreams=$(awk -F'\t' -v t="$t_promoted" '$5 > t {print $3}' "$work/acks" | sort -u | wc -l)
    ((upstreams == 2)) && break
    sleep 0.1
  done
  # Writes again: the first acknowledged create that was sent after the kill (answers to
  # requests already committed when it happened do not count).
  local first_after
  first_after=$(awk -F'\t' -v t="$t_kill" '$5 > t {print $4}' "$work/acks" | sort -n | head -1)
  sleep "$SECS"
  touch "$work/stop"
  wait "$writer" || true

  # The check, on the new primary.
  local new_primary="host=$work/s port=$sport user=palermo dbname=palermo"
  psql "$new_primary" -qAtF $'\t' -c "SELECT id, data->>'summary' FROM records_signal" | sort >"$work/db"
  cut -f1,2 "$work/acks" | sort >"$work/acked"
  local acked lost unknown_committed audit_ok=yes
  acked=$(wc -l <"$work/acked")
  lost=$(comm -23 "$work/acked" "$work/db" | wc -l)
  # Writes whose answer never came (the primary died during their commit) but that are there.
  unknown_committed=$(comm -13 "$work/acked" "$work/db" | wc -l)
  PALERMO_DATABASE_URL="postgres:$new_primary" "$BIN" audit verify --data-dir "$work/data" >"$work/audit.out" 2>&1 ||
    audit_ok=no
  # While the database is away the instances answer 503 (service.unavailable, Retry-After), never
  # 500 or nothing at all.
  local other_failures
  other_failures=$(sed -n 's/.*"failures":{\(.*\)}}/\1/p' "$work/writer.json" | tr ',' '\n' | grep -v '^"503":' | grep -c . || true)
  local recovery_ms="-"
  [[ -n "$first_after" ]] && recovery_ms=$((first_after - t_kill))
  printf 'run %2d: %6d acknowledged (%d before the kill), %d lost, %d committed without an answer, writes again after %s ms (promotion %d ms), both instances recovered: %s, audit chain: %s; writer %s\n' \
    "$n" "$acked" "$before" "$lost" "$unknown_committed" "$recovery_ms" $((t_promoted - t_kill)) \
    "$([[ $upstreams == 2 ]] && echo yes || echo NO)" "$([[ $audit_ok == yes ]] && echo verified || echo BROKEN)" \
    "$(cat "$work/writer.json")"
  if ((lost > 0)); then
    echo "  lost (acknowledged, not on the new primary):" >&2
    comm -23 "$work/acked" "$work/db" | head -5 | sed 's/^/    /' >&2
  fi
  [[ $audit_ok == yes ]] || sed 's/^/    /' "$work/audit.out" >&2
  total_acked=$((total_acked + acked))
  total_lost=$((total_lost + lost))
  total_unknown_committed=$((total_unknown_committed + unknown_committed))
  [[ "$recovery_ms" != "-" ]] && recoveries+=("$recovery_ms")
  if ((other_failures > 0)); then
    echo "  failures other than 503 (service.unavailable): $(cat "$work/writer.json")" >&2
  fi
  if ((lost > 0 || other_failures > 0)) || [[ $audit_ok != yes || $upstreams != 2 ]]; then
    failed_runs=$((failed_runs + 1))
    for f in a.log b.log; do
      echo "  last lines of $f:" >&2
      tail -5 "$work/$f" | sed 's/^/    /' >&2
    done
  fi
  cleanup_run
}

echo "failover: $RUNS runs, $(nproc) cores, ${SECS}s of writes before and after each kill, 8 writers, 2 instances behind nginx"
for n in $(seq 1 "$RUNS"); do run_once "$n"; done
median="-"
if ((${#recoveries[@]})); then
  median=$(printf '%s\n' "${recoveries[@]}" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
fi
echo "failover: $RUNS runs, $total_acked acknowledged writes, $total_lost lost, $total_unknown_committed committed without an answer, median time to writes again ${median} ms, $failed_runs failed runs"
((failed_runs == 0))
