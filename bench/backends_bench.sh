#!/usr/bin/env bash
# The record-engine benchmark (bench/records_bench.sh) on SQLite and on PostgreSQL in one run,
# each beside its raw reference: raw SQLite single-row durable inserts, and pgbench's durable
# single-row inserts on the same PostgreSQL cluster (64 clients). The cluster is a throw-away one
# (scripts/pg.sh), on this machine, with fsync on.
#   bash bench/backends_bench.sh [seconds=10] [seed=100000]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${1:-10}"
SEED="${2:-100000}"
# shellcheck source=scripts/pg.sh
source scripts/pg.sh
pg_dir=$(mktemp -d /tmp/palermo-pgbench-XXXXXX)
pg_start "$pg_dir" >&2
pg_stop_on_exit "$pg_dir"
psql "$PALERMO_TEST_PG" -qc "CREATE DATABASE bench" -c "CREATE DATABASE pgref"

echo "== SQLite" >&2
sqlite_out=$(bash bench/records_bench.sh "$SECS" "$SEED")
echo "== PostgreSQL" >&2
pg_out=$(PALERMO_DATABASE_URL="postgres:$PALERMO_TEST_PG dbname=bench" bash bench/records_bench.sh "$SECS" "$SEED")

# pgbench: one durable single-row insert per transaction, 64 clients, as the creates above.
ref_sql=$(mktemp)
echo "INSERT INTO t(v, at) VALUES (:client_id, now());" >"$ref_sql"
psql "$PALERMO_TEST_PG dbname=pgref" -qc "CREATE TABLE t (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v INT, at TIMESTAMPTZ)"
pg_ref=$(/usr/lib/postgresql/15/bin/pgbench -n -c 64 -j 2 -T "$SECS" -f "$ref_sql" "$PALERMO_TEST_PG dbname=pgref" 2>/dev/null |
  sed -n 's/^tps = \([0-9.]*\).*/\1/p')
rm -f "$ref_sql"

field() {  # field OUTPUT PATTERN COLUMN
  grep -F "$2" <<<"$1" | head -1 | awk -v c="$3" '{print $(NF - 3 + c)}'
}
echo "record engine on both backends: $(nproc) cores, ${SECS}s per run, registers of $SEED signals"
printf '%-46s %14s %14s\n' "measure (per second; p50)" "SQLite" "PostgreSQL"
printf '%-46s %14s %14.0f\n' "raw durable single-row inserts (reference)" \
  "$(grep -F 'raw SQLite durable' <<<"$sqlite_out" | head -1 | awk '{print $(NF-2)}')" "$pg_ref"
for m in "durable creates via HTTP" "GET by id via HTTP" "filtered+sorted list"; do
  printf '%-46s %14s %14s\n' "palermo $m" "$(field "$sqlite_out" "$m" 1)" "$(field "$pg_out" "$m" 1)"
  printf '%-46s %14s %14s\n' "  p50" "$(field "$sqlite_out" "$m" 2)" "$(field "$pg_out" "$m" 2)"
done
grep -F "list p90" <<<"$sqlite_out" | sed 's/^/SQLite     /'
grep -F "list p90" <<<"$pg_out" | sed 's/^/PostgreSQL /'
c_sq=$(field "$sqlite_out" "durable creates via HTTP" 1)
c_pg=$(field "$pg_out" "durable creates via HTTP" 1)
awk -v a="$c_pg" -v b="$pg_ref" -v c="$c_sq" 'BEGIN {
  printf "ratio palermo creates on PostgreSQL / pgbench inserts: %.2f\n", a / b
  printf "ratio palermo creates PostgreSQL / SQLite: %.2f\n", a / c }'
