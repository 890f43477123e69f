#!/usr/bin/env bash
# A throw-away PostgreSQL 15 cluster for tests: one directory holds the data, the Unix socket
# and the log; it listens on that socket and on 127.0.0.1 only, with trust authentication for
# the superuser "palermo" (no password), and is removed afterwards.
#
# Sourced by a test script (it does not change the caller's shell options):
#   source scripts/pg.sh
#   dir=$(mktemp -d)
#   pg_start "$dir"          # exports PALERMO_TEST_PG, PALERMO_TEST_PG_PORT, PALERMO_TEST_PG_DIR
#   pg_stop_on_exit "$dir"   # stops the cluster and removes $dir when the script exits
#   psql "$PALERMO_TEST_PG" -c 'CREATE DATABASE t1'
#
# Or run directly (the exports are printed on standard output, progress on standard error):
#   eval "$(bash scripts/pg.sh start DIR)"
#   bash scripts/pg.sh stop DIR
#
# PALERMO_TEST_PG is a libpq keyword/value conninfo: "host=DIR port=PORT user=palermo
# dbname=postgres". Tests create their own databases with it.
#
# As root (CI), initdb and postgres run as the "postgres" system user (created by the Debian
# package), which then owns DIR; DIR is made mode 755 so that root's test processes reach the
# socket. Otherwise they run as the current user. Needs the Debian package "postgresql"
# (PostgreSQL 15 in bookworm; scripts/setup.sh installs it with PALERMO_SETUP_TESTS=1).
# PALERMO_PG_BIN overrides the binary directory.

PALERMO_PG_BIN="${PALERMO_PG_BIN:-/usr/lib/postgresql/15/bin}"
PALERMO_PG_TIMEOUT="${PALERMO_PG_TIMEOUT:-30}"   # seconds, for every wait

_pg_log() { echo "pg.sh: $*" >&2; }

_pg_tail_log() {  # _pg_tail_log DIR
  if [[ -f "$1/postgres.log" ]]; then
    echo "pg.sh: last lines of $1/postgres.log:" >&2
    tail -n 25 "$1/postgres.log" | sed 's/^/    /' >&2
  fi
}

# Runs a command as the user that owns the cluster, from inside DIR (the postgres user may not
# enter the caller's working directory). Every command is bounded by a timeout.
_pg_as() {  # _pg_as DIR SECONDS COMMAND...
  local dir="$1" secs="$2"
  shift 2
  if [[ $(id -u) == 0 ]]; then
    (cd "$dir" && timeout -k 5 "$secs" runuser -u postgres -- "$@")
  else
    (cd "$dir" && timeout -k 5 "$secs" "$@")
  fi
}

_pg_check() {  # _pg_check DIR: binaries, user, directory
  local dir="$1" b
  for b in initdb pg_ctl postgres pg_isready; do
    if [[ ! -x "$PALERMO_PG_BIN/$b" ]]; then
      _pg_log "$PALERMO_PG_BIN/$b not found: install PostgreSQL 15 with 'apt-get install postgresql'" \
        "(scripts/setup.sh does it with PALERMO_SETUP_TESTS=1)"
      return 1
    fi
  done
  if [[ $(id -u) == 0 ]] && ! id -u postgres >/dev/null 2>&1; then
    _pg_log "running as root, but there is no 'postgres' system user to run the server as" \
      "('apt-get install postgresql' creates it)"
    return 1
  fi
  if [[ -z "$dir" || "$dir" != /* ]]; then
    _pg_log "expects an absolute directory, got '$dir'"
    return 1
  fi
  if [[ "$dir" =~ [[:space:]\'\"\\\$] ]]; then
    _pg_log "the directory must not contain spaces, quotes, backslashes or \$: '$dir'"
    return 1
  fi
  # The socket path DIR/.s.PGSQL.NNNNN must fit in sun_path (107 bytes).
  if ((${#dir} > 90)); then
    _pg_log "directory name too long for a Unix socket path (${#dir} > 90 characters): $dir"
    return 1
  fi
}

# _pg_prepare_dir DIR: makes DIR (absent or empty), marks it as made here and gives it to the
# user that runs the cluster.
_pg_prepare_dir() {
  local dir="$1"
  if [[ -e "$dir" && ! -d "$dir" ]]; then
    _pg_log "$dir exists and is not a directory"
    return 1
  fi
  mkdir -p "$dir" || return 1
  if [[ -n "$(ls -A "$dir")" ]]; then
    _pg_log "$dir is not empty; give a new or empty directory (e.g. \$(mktemp -d))"
    return 1
  fi
  touch "$dir/.palermo-test-pg"   # lets pg_stop remove only directories made here
  chmod 755 "$dir"
  if [[ $(id -u) == 0 ]]; then
    chown -R postgres:postgres "$dir" || return 1
    if ! runuser -u postgres -- test -w "$dir"; then
      _pg_log "the postgres user cannot write $dir (is a parent directory closed to other users?)"
      return 1
    fi
  fi
}

# _pg_launch DIR: starts the cluster in DIR/data on a free port (Unix socket in DIR, 127.0.0.1),
# waits until it accepts connections and sets _pg_port. Returns non-zero on failure.
_pg_launch() {
  local dir="$1"
  local attempt port started=0
  for attempt in 1 2 3 4 5 6 7 8; do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 40001))
    # Skip a port something already listens on (a cheap check; postgres's bind decides).
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
    if [[ -f "$dir/postgres.log" ]]; then : >"$dir/postgres.log"; fi
    if _pg_as "$dir" $((PALERMO_PG_TIMEOUT + 10)) "$PALERMO_PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" \
      -w -t "$PALERMO_PG_TIMEOUT" \
      -o "-k $dir -c listen_addresses=127.0.0.1 -p $port -c fsync=on -c max_connections=200 -c shared_buffers=128MB" \
      start >"$dir/pg_ctl.log" 2>&1; then
      started=1
      break
    fi
    # Another process took the port between the check and the bind: try another one.
    if grep -q 'could not bind\|Address already in use\|could not create any TCP/IP sockets' \
      "$dir/postgres.log" 2>/dev/null; then
      _pg_log "port $port is taken, trying another"
      _pg_as "$dir" "$PALERMO_PG_TIMEOUT" "$PALERMO_PG_BIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
      continue
    fi
    break
  done
  if ((started == 0)); then
    _pg_log "PostgreSQL did not start (attempt $attempt):"
    sed 's/^/    /' "$dir/pg_ctl.log" >&2
    _pg_tail_log "$dir"
    _pg_as "$dir" "$PALERMO_PG_TIMEOUT" "$PALERMO_PG_BIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    return 1
  fi

  # pg_ctl -w has waited already; check through the socket, as the tests will connect.
  local deadline=$((SECONDS + PALERMO_PG_TIMEOUT))
  until "$PALERMO_PG_BIN/pg_isready" -q -h "$dir" -p "$port" -U palermo -d postgres -t 2; do
    if ((SECONDS >= deadline)); then
      _pg_log "PostgreSQL on port $port is not ready after ${PALERMO_PG_TIMEOUT}s"
      _pg_tail_log "$dir"
      pg_stop "$dir" || true
      return 1
    fi
    sleep 0.2
  done

  _pg_port=$port
}

# pg_start DIR: creates the cluster in DIR/data, starts it on a free port, waits until it
# accepts connections and exports PALERMO_TEST_PG, PALERMO_TEST_PG_PORT, PALERMO_TEST_PG_DIR.
# DIR must be absent or empty. Returns non-zero (printing the end of the log) on failure.
pg_start() {
  local dir="${1:-}"
  dir="${dir%/}"
  _pg_check "$dir" || return 1
  _pg_prepare_dir "$dir" || return 1

  _pg_log "initdb in $dir/data"
  if ! _pg_as "$dir" 120 "$PALERMO_PG_BIN/initdb" -D "$dir/data" -A trust -U palermo \
    --encoding=UTF8 --locale=C --no-instructions >"$dir/initdb.log" 2>&1; then
    _pg_log "initdb failed:"
    sed 's/^/    /' "$dir/initdb.log" >&2
    return 1
  fi

  _pg_launch "$dir" || return 1
  local port=$_pg_port

  export PALERMO_TEST_PG="host=$dir port=$port user=palermo dbname=postgres"
  export PALERMO_TEST_PG_PORT="$port"
  export PALERMO_TEST_PG_DIR="$dir"
  _pg_log "PostgreSQL ready: $PALERMO_TEST_PG"
}

# Whether process PID runs (a zombie does not: a killed postmaster may wait for a parent that
# never reaps it).
_pg_alive() { [[ -e "/proc/$1" ]] && ! grep -q '^[^)]*) Z' "/proc/$1/stat" 2>/dev/null; }

# The port a running cluster listens on (line 4 of its postmaster.pid).
_pg_port_of() { sed -n 4p "$1/data/postmaster.pid"; }

# pg_start_standby PRIMARY_DIR DIR: a streaming standby of the cluster pg_start made in
# PRIMARY_DIR: a base backup into DIR/data (pg_basebackup -R), connecting to the primary as
# application_name "standby", started on a port of its own. Exports PALERMO_TEST_PG_STANDBY
# (conninfo, as PALERMO_TEST_PG) and PALERMO_TEST_PG_STANDBY_PORT. pg_stop DIR removes it.
pg_start_standby() {
  local primary="${1%/}" dir="${2%/}" pport
  _pg_check "$dir" || return 1
  pport=$(_pg_port_of "$primary")
  [[ "$pport" =~ ^[0-9]+$ ]] || { _pg_log "no running cluster in $primary"; return 1; }
  _pg_prepare_dir "$dir" || return 1
  _pg_log "base backup of $primary into $dir/data"
  if ! _pg_as "$dir" 120 "$PALERMO_PG_BIN/pg_basebackup" -D "$dir/data" -X stream -R -c fast \
    -d "host=$primary port=$pport user=palermo application_name=standby" >"$dir/basebackup.log" 2>&1; then
    _pg_log "pg_basebackup failed:"
    sed 's/^/    /' "$dir/basebackup.log" >&2
    return 1
  fi
  _pg_launch "$dir" || return 1
  export PALERMO_TEST_PG_STANDBY="host=$dir port=$_pg_port user=palermo dbname=postgres"
  export PALERMO_TEST_PG_STANDBY_PORT="$_pg_port"
  _pg_log "standby ready: $PALERMO_TEST_PG_STANDBY"
}

# pg_make_sync PRIMARY_DIR: makes the standby named "standby" synchronous (a commit returns once
# the standby has flushed it) and waits until the primary reports it so.
pg_make_sync() {
  local primary="${1%/}" conn state="" deadline
  conn="host=$primary port=$(_pg_port_of "$primary") user=palermo dbname=postgres"
  psql "$conn" -qAtc "ALTER SYSTEM SET synchronous_standby_names = 'FIRST 1 (standby)'" -c "SELECT pg_reload_conf()" \
    >/dev/null || return 1
  deadline=$((SECONDS + PALERMO_PG_TIMEOUT))
  until [[ "$state" == sync ]]; do
    if ((SECONDS >= deadline)); then
      _pg_log "the standby is not synchronous after ${PALERMO_PG_TIMEOUT}s (state '$state')"
      return 1
    fi
    sleep 0.1
    state=$(psql "$conn" -qAtc "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby'")
  done
}

# pg_kill DIR: the machine under the cluster is lost: SIGKILL to the postmaster and every
# process of the cluster at once (no shutdown, no checkpoint, no goodbye to the standby).
pg_kill() {
  local dir="${1%/}" pid children
  pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)
  [[ "$pid" =~ ^[0-9]+$ ]] || { _pg_log "no postmaster.pid in $dir/data"; return 1; }
  children=$(pgrep -P "$pid" || true)
  # shellcheck disable=SC2086
  kill -KILL "$pid" $children 2>/dev/null || true
  local deadline=$((SECONDS + 10))
  while _pg_alive "$pid" && ((SECONDS < deadline)); do
    sleep 0.05
  done
}

# pg_promote DIR: the standby in DIR becomes a primary (pg_ctl promote, waiting until it takes
# writes).
pg_promote() {
  local dir="${1%/}"
  _pg_as "$dir" $((PALERMO_PG_TIMEOUT + 10)) "$PALERMO_PG_BIN/pg_ctl" -D "$dir/data" -w -t "$PALERMO_PG_TIMEOUT" promote \
    >"$dir/promote.log" 2>&1 || { _pg_log "promotion failed:"; sed 's/^/    /' "$dir/promote.log" >&2; return 1; }
}

# pg_stop DIR: stops the cluster (fast shutdown: clients are disconnected) and removes DIR.
# Safe to call twice, and on a directory where pg_start failed half way.
pg_stop() {
  local dir="${1:-}"
  dir="${dir%/}"
  [[ -n "$dir" && -d "$dir" ]] || return 0
  if [[ ! -e "$dir/.palermo-test-pg" ]]; then
    _pg_log "refusing to remove $dir: it was not made by pg_start"
    return 1
  fi
  local pid="" rc=0
  if [[ -f "$dir/data/postmaster.pid" ]]; then
    pid=$(head -n 1 "$dir/data/postmaster.pid")
  fi
  # A cluster pg_kill ended leaves its postmaster.pid behind: nothing to stop then.
  if [[ "$pid" =~ ^[0-9]+$ ]] && _pg_alive "$pid"; then
    if ! _pg_as "$dir" $((PALERMO_PG_TIMEOUT + 10)) "$PALERMO_PG_BIN/pg_ctl" -D "$dir/data" -m fast \
      -w -t "$PALERMO_PG_TIMEOUT" stop >/dev/null 2>&1; then
      _pg_log "fast shutdown did not finish in ${PALERMO_PG_TIMEOUT}s; immediate shutdown"
      _pg_tail_log "$dir"
      _pg_as "$dir" $((PALERMO_PG_TIMEOUT + 10)) "$PALERMO_PG_BIN/pg_ctl" -D "$dir/data" -m immediate \
        -w -t "$PALERMO_PG_TIMEOUT" stop >/dev/null 2>&1 || true
      # Last resort: the postmaster of this cluster only, by its process id.
      if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null || true
        rc=1
      fi
    fi
    # pg_ctl returns once postmaster.pid is gone, a moment before the process ends: wait
    # (bounded) until it has exited, so nothing of this cluster outlives pg_stop.
    if [[ "$pid" =~ ^[0-9]+$ ]]; then
      local deadline=$((SECONDS + 10))
      while [[ -e "/proc/$pid" ]] && ! grep -q '^[^)]*) Z' "/proc/$pid/stat" 2>/dev/null &&
        ((SECONDS < deadline)); do
        sleep 0.1
      done
    fi
  fi
  rm -rf "$dir"
  return $rc
}

# pg_stop_on_exit DIR: runs pg_stop DIR when the shell exits, after whatever EXIT trap is
# already set (which therefore should not call `exit` itself).
pg_stop_on_exit() {
  local dir="${1:?pg_stop_on_exit DIR}" old cmd
  old=$(trap -p EXIT)
  if [[ -n "$old" ]]; then
    # trap -p prints: trap -- 'COMMAND' EXIT
    eval "set -- $old"
    old="$3"
  fi
  cmd="pg_stop $(printf '%q' "$dir")"
  if [[ -n "$old" ]]; then cmd="$old"$'\n'"$cmd"; fi
  # shellcheck disable=SC2064
  trap -- "$cmd" EXIT
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  case "${1:-}" in
    start)
      [[ -n "${2:-}" ]] || { echo "usage: bash scripts/pg.sh start DIR" >&2; exit 2; }
      pg_start "$2" || exit 1
      printf 'export PALERMO_TEST_PG=%q\nexport PALERMO_TEST_PG_PORT=%q\nexport PALERMO_TEST_PG_DIR=%q\n' \
        "$PALERMO_TEST_PG" "$PALERMO_TEST_PG_PORT" "$PALERMO_TEST_PG_DIR"
      ;;
    stop)
      [[ -n "${2:-}" ]] || { echo "usage: bash scripts/pg.sh stop DIR" >&2; exit 2; }
      pg_stop "$2" || exit 1
      ;;
    *)
      echo "usage: bash scripts/pg.sh start DIR | stop DIR   (or: source scripts/pg.sh; pg_start DIR)" >&2
      exit 2
      ;;
  esac
fi
