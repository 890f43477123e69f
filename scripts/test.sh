#!/usr/bin/env bash
# Sets up and runs every test: unit and integration tests under AddressSanitizer and
# UndefinedBehaviorSanitizer (warnings are errors), then the browser end-to-end tests against
# a real server. Prints one closing line "N passed, N failed".
# One build serves everything (on 2 cores a build is the slowest step): the server the browser
# tests, the OpenAPI check and the TLS scan run is the sanitizer build's, so a memory error
# anywhere on those paths fails the run too. The release build is start.sh's. (Measured on
# 2026-12-07: the whole browser suite takes the same 646 s against the sanitized server as
# against the release one; saves the release build, ~15 min of a cold run.)
set -euo pipefail
cd "$(dirname "$0")/.."
export PALERMO_SETUP_TESTS=1

# Each stage's wall time, printed at the end (CI must stay well under its 90 minutes).
timings=()
stage=""
stage_started=$(date +%s)
section() {  # section <title>: ends the previous stage's clock and starts the next
  local now
  now=$(date +%s)
  [[ -n "$stage" ]] && timings+=("$(printf '%5d s  %s' $((now - stage_started)) "$stage")")
  stage=$1
  stage_started=$now
  echo "== $1"
}

section "build with the sanitizers: server, tests, benchmarks (Clang, warnings are errors)"
# Clang compiles this code about twice as fast as GCC (CMakeLists.txt); GCC builds start.sh's
# release build, so both compilers keep the code warning-free.
PALERMO_BUILD_DIR=build-asan \
  PALERMO_CMAKE_ARGS="-DPALERMO_WERROR=ON -DPALERMO_SANITIZE=ON -DCMAKE_CXX_COMPILER=clang++" bash scripts/setup.sh
export PALERMO_BIN=$PWD/build-asan/palermo
# Every sanitized program of the run (tests, the server, the command line, the benchmark).
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp" \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

passed=0
failed=0
count() {  # count "<passed>" "<failed>"
  passed=$((passed + $1))
  failed=$((failed + $2))
}

# A throw-away PostgreSQL 15 cluster for the PostgreSQL run of every test (removed on exit).
# shellcheck source=scripts/pg.sh
source scripts/pg.sh
pg_dir=$(mktemp -d /tmp/palermo-pg-XXXXXX)  # short: a Unix socket path has a length limit
pg_start "$pg_dir"
pg_stop_on_exit "$pg_dir"

# Every unit and integration test runs twice: on SQLite, then on PostgreSQL.
run_ctest() {  # run_ctest <label> [VAR=value ...]
  local label=$1
  shift
  section "unit and integration tests on $label (ASan + UBSan)"
  local ctest_log
  ctest_log=$(mktemp)
  set +e
  env "$@" ctest --test-dir build-asan --output-on-failure -j2 2>&1 | tee "$ctest_log"
  set -e
  local total nfail
  total=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\2/p' "$ctest_log" | tail -1)
  nfail=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\1/p' "$ctest_log" | tail -1)
  if [[ -z "$total" ]]; then echo "ctest did not report"; total=0; nfail=1; fi
  count $((total - nfail)) "$nfail"
}
run_ctest SQLite PALERMO_TEST_BACKEND=sqlite
run_ctest PostgreSQL PALERMO_TEST_BACKEND=postgres

section "failover: the PostgreSQL primary killed under writes, the standby promoted (one short run of bench/failover.sh)"
if bash bench/failover.sh 1 3; then count 1 0; else count 0 1; fi

section "fuzzing smoke (libFuzzer, every parser target ${FUZZ_SECONDS:-6} s; long runs: bash bench/fuzz.sh)"
log=$(mktemp)
set +e
FUZZ_SECONDS=${FUZZ_SECONDS:-6} bash scripts/fuzz.sh 2>&1 | tee "$log"
set -e
p=$(sed -n 's/^fuzz: \([0-9]*\) passed, \([0-9]*\) failed/\1/p' "$log" | tail -1)
f=$(sed -n 's/^fuzz: \([0-9]*\) passed, \([0-9]*\) failed/\2/p' "$log" | tail -1)
if [[ -z "$p" ]]; then count 0 1; else count "$p" "$f"; fi

section "CTDC file: k-anonymity over 100,000 made-up victims, checked from the output (bench/README.md)"
if build-asan/palermo_ctdc_bench --victims 100000; then count 1 0; else count 0 1; fi

section "TLS as a scanner sees it (testssl against the server's TLS listener; bench/tls_check.sh)"
if bash bench/tls_check.sh; then count 1 0; else count 0 1; fi

section "deployment samples (nginx -t, systemd-analyze verify)"
if bash scripts/check-deploy.sh; then count 1 0; else count 0 1; fi

if [[ -f web/package.json ]]; then
  section "web unit tests (vitest)"
  log=$(mktemp)
  set +e
  (cd web && NO_COLOR=1 npm run --silent test) 2>&1 | sed 's/\x1b\[[0-9;]*m//g' | tee "$log"
  rc=${PIPESTATUS[0]}
  set -e
  p=$(sed -n 's/.*Tests *\([0-9]*\) passed.*/\1/p' "$log" | tail -1)
  f=$(sed -n 's/.*Tests *\([0-9]*\) failed.*/\1/p' "$log" | tail -1)
  count "${p:-0}" "${f:-0}"
  if [[ $rc != 0 && -z "$f" ]]; then count 0 1; fi

  section "OpenAPI documents generated from schema/ and the test fixture schema (npm validator)"
  for dir in schema tests/fixtures/schema; do
    set +e
    "$PALERMO_BIN" openapi --set schema.dir="$dir" > "$log.openapi.json" &&
      (cd web && node tools/validate-openapi.mjs "$log.openapi.json")
    rc=$?
    set -e
    if [[ $rc == 0 ]]; then count 1 0; else count 0 1; fi
  done

  section "browser end-to-end tests (Chromium, real server)"
  set +e
  bash scripts/e2e.sh 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  set -e
  p=$(sed -n 's/^# pass \([0-9]*\)/\1/p' "$log" | tail -1)
  f=$(sed -n 's/^# fail \([0-9]*\)/\1/p' "$log" | tail -1)
  count "${p:-0}" "${f:-0}"
  if [[ $rc != 0 && "${f:-0}" == 0 ]]; then count 0 1; fi
fi

section "end"
echo "time per stage:"
printf '%s\n' "${timings[@]}"
echo
echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
