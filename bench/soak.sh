#!/usr/bin/env bash
# Load and soak (issue 25): wrk at CONNECTIONS connections for SECONDS against one palermo on
# SQLite, mixing reads by id, filtered lists, creates and sign-ins (bench/wrk/mix.lua); the
# server's RSS sampled every second. Prints the status counts (errors: anything but 2xx and a
# deliberate 429), the latency percentiles, and the RSS curve (a sample a minute, min / max, and
# the growth over the second half, which a leak would show). Loopback only; stops by itself.
#   bash bench/soak.sh [seconds=600] [connections=1000]
# Needs build/palermo, wrk and node (PALERMO_SETUP_TESTS=1 setup).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
SOAK_SECONDS=${1:-600}
CONNECTIONS=${2:-1000}
BIN=${PALERMO_BIN:-build/palermo}
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
work=$(mktemp -d /tmp/palermo-soak-XXXXXX)
pid=
sampler=
cleanup() {
  [[ -n "$sampler" ]] && kill "$sampler" 2>/dev/null || true
  [[ -n "$pid" ]] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$BIN" user add --data-dir "$work" --set security.password_cost=min --login admin --display-name Admin --role admin \
  >"$work/admin.out" 2>&1
admin_otp=$(sed -n 's/.*One-time password: \(\S*\).*/\1/p' "$work/admin.out")
# A second administrator approves the identity roles the first gives (the two-person rule).
"$BIN" user add --data-dir "$work" --set security.password_cost=min --login admin2 --display-name "Admin 2" \
  --role admin >"$work/admin2.out" 2>&1
admin2_otp=$(sed -n 's/.*One-time password: \(\S*\).*/\1/p' "$work/admin2.out")
"$BIN" serve --data-dir "$work" --set server.port=0 --set log.file="$work/palermo.log" \
  --set security.password_cost=min --set security.linkage_searches_per_hour=0 >"$work/palermo.out" 2>&1 &
pid=$!
url=
for _ in $(seq 1 100); do
  url=$(sed -n 's/^palermo listening on //p' "$work/palermo.out"); [[ -n "$url" ]] && break; sleep 0.1
done
[[ -n "$url" ]] || { echo "soak: the server did not start"; cat "$work/palermo.out"; exit 1; }

admin_csrf=$(bench_sign_in "$url" admin "$admin_otp" "violet anchor harbour 61" "$work/admin.jar")
admin2_csrf=$(bench_sign_in "$url" admin2 "$admin2_otp" "amber compass willow 60" "$work/admin2.jar")
# new_user LOGIN ROLE AGENCY_NAME AGENCY_TYPE REGION -> prints the one-time password of a new user
# of a new agency (made by the administrator, an identity role approved by the second).
new_user() {
  local agency
  agency=$(curl -s -b "$work/admin.jar" -H "X-CSRF-Token: $admin_csrf" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$3\",\"type\":\"$4\",\"region\":\"$5\"}" "$url/api/v1/agencies" |
    sed -n 's/.*"id":\([0-9]*\).*/\1/p')
  local created id
  created=$(curl -s -b "$work/admin.jar" -H "X-CSRF-Token: $admin_csrf" -H 'Content-Type: application/json' \
    -d "{\"login\":\"$1\",\"display_name\":\"$1\",\"roles\":[\"$2\"],\"agency_id\":$agency}" "$url/api/v1/users")
  if [[ "$created" == *'"pending_roles":["'* ]]; then
    id=$(sed -n 's/.*"id":\([0-9]*\).*/\1/p' <<<"$created")
    curl -s -o /dev/null -b "$work/admin2.jar" -H "X-CSRF-Token: $admin2_csrf" -X POST "$url/api/v1/users/$id/roles/approve"
  fi
  sed -n 's/.*"one_time_password":"\([^"]*\)".*/\1/p' <<<"$created"
}
# A hotline operator signs in and registers the signals read back.
otp=$(new_user operator hotline_operator "Qaynar xətt (soak)" hotline baku)
password="copper lantern meadow 62"
csrf=$(bench_sign_in "$url" operator "$otp" "$password" "$work/op.jar")
cookie=$(awk '$6 == "palermo_session" {print $6 "=" $7}' "$work/op.jar")
# Sign-ins in the mix are the coordinator's (no second factor: no identity access).
coord_otp=$(new_user coordinator coordinator "Koordinator (soak)" coordinator "")
coord_password="silver kettle orchard 63"
bench_sign_in "$url" coordinator "$coord_otp" "$coord_password" "$work/coord.jar" >/dev/null
ids=()
for i in $(seq 1 200); do
  ids+=("$(curl -s -b "$work/op.jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
    -d "{\"received_at\":\"2019-05-0$((i % 9 + 1))T10:00:00Z\",\"source\":\"hotline_152\",\"summary\":\"Seed $i\"}" \
    "$url/api/v1/records/signal" | sed -n 's/.*"id":\([0-9]*\).*/\1/p')")
done

seeded=$(printf '%s\n' "${ids[@]}" | grep -c '^[0-9][0-9]*$' || true)
[[ "$seeded" == 200 ]] || { echo "soak: seeding signals failed ($seeded of 200 created)"; exit 1; }

# RSS every second, while wrk runs.
(while kill -0 "$pid" 2>/dev/null; do
   echo "$(date +%s) $(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")"
   sleep 1
 done) >"$work/rss" &
sampler=$!

echo "soak: wrk 2 threads, $CONNECTIONS connections, ${SOAK_SECONDS} s, 127.0.0.1, $(nproc) cores"
PALERMO_COOKIE="$cookie" PALERMO_CSRF="$csrf" PALERMO_IDS="$(IFS=,; echo "${ids[*]}")" PALERMO_LOGIN=coordinator \
  PALERMO_PASSWORD="$coord_password" wrk -t2 -c"$CONNECTIONS" -d"${SOAK_SECONDS}s" --timeout 10s \
  -s bench/wrk/mix.lua "$url" | tee "$work/wrk.out"
kill "$sampler" 2>/dev/null || true
sampler=

awk '/^status/ { if ($2 < 200 || ($2 >= 300 && $2 != 429)) bad += $3; total += $3; if ($2 == 429) limited += $3 }
     END { printf "soak: %d responses, %d deliberate 429, %d errors\n", total, limited, bad; exit bad > 0 }' "$work/wrk.out" \
  && verdict=0 || verdict=1
awk -v start="$(head -1 "$work/rss" | cut -d' ' -f1)" '
  { t = $1 - start; kb = $2; n++; rss[n] = kb; if (min == "" || kb < min) min = kb; if (kb > max) max = kb
    if (t % 60 == 0) printf "rss at %4d s: %6.1f MiB\n", t, kb / 1024 }
  END { half = int(n / 2); printf "rss: %d samples, min %.1f MiB, max %.1f MiB, second half from %.1f to %.1f MiB\n",
          n, min / 1024, max / 1024, rss[half] / 1024, rss[n] / 1024 }' "$work/rss"
exit "$verdict"
