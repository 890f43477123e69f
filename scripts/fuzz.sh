#!/usr/bin/env bash
# Fuzzing the parsers of untrusted input with clang's libFuzzer (AddressSanitizer and
# UndefinedBehaviorSanitizer on): tests/fuzz/fuzz_*.cpp, each built with the few sources it
# exercises, seeded from tests/fuzz/corpus/<name>/.
#   bash scripts/fuzz.sh                 # every target, FUZZ_SECONDS each (default 10: the CI smoke)
#   FUZZ_SECONDS=600 bash scripts/fuzz.sh json   # one target, long (a benchmark-length run)
#   FUZZ_RUNS=10000000 FUZZ_SECONDS=36000 bash scripts/fuzz.sh json   # until 10 million inputs (or the time)
# FUZZ_MAX_LEN bounds an input's size (default 64 KiB).
# Prints "fuzz: N passed, N failed"; a crash leaves its input in build-fuzz/<target>/crash-*.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${FUZZ_SECONDS:-10}
CXX=${FUZZ_CXX:-clang++}
OUT=build-fuzz
mkdir -p "$OUT"
FLAGS=(-std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Isrc)

declare -A SOURCES=(
  [json]="tests/fuzz/fuzz_json_input.cpp src/core/json_input.cpp"
  [csv]="tests/fuzz/fuzz_csv.cpp src/core/csv.cpp"
  [http]="tests/fuzz/fuzz_http_path.cpp src/http/message.cpp src/core/json_input.cpp"
  [totp]="tests/fuzz/fuzz_totp.cpp src/auth/totp.cpp src/core/random.cpp"
  [dates]="tests/fuzz/fuzz_dates.cpp src/records/dates.cpp"
  [list_params]="tests/fuzz/fuzz_list_params.cpp src/api/list_params.cpp src/http/message.cpp src/core/json_input.cpp"
  [headers]="tests/fuzz/fuzz_headers.cpp src/records/http_values.cpp src/core/utf8.cpp"
  [schema]="tests/fuzz/fuzz_schema_yaml.cpp src/records/schema.cpp src/records/dates.cpp src/core/yaml_files.cpp"
  [names]="tests/fuzz/fuzz_names.cpp src/linkage/normalize.cpp src/core/icu_transforms.cpp"
  [rules]="tests/fuzz/fuzz_rules_yaml.cpp src/rules/rulebook.cpp src/records/schema.cpp src/records/dates.cpp src/core/yaml_files.cpp"
  [http_request]="tests/fuzz/fuzz_http_request.cpp src/http/request_read.cpp src/http/message.cpp src/http/router.cpp src/core/json_input.cpp src/core/random.cpp"
  [cursor]="tests/fuzz/fuzz_cursor.cpp src/records/cursor.cpp src/core/json_input.cpp src/core/random.cpp"
  [import]="tests/fuzz/fuzz_import.cpp src/records/import_read.cpp src/core/csv.cpp src/core/json_input.cpp src/records/schema.cpp src/records/dates.cpp src/core/yaml_files.cpp src/core/text_fold.cpp src/core/icu_transforms.cpp"
  [mapping]="tests/fuzz/fuzz_mapping_yaml.cpp src/records/import_read.cpp src/core/csv.cpp src/core/json_input.cpp src/records/schema.cpp src/records/dates.cpp src/core/yaml_files.cpp src/core/text_fold.cpp src/core/icu_transforms.cpp"
  [xlsx]="tests/fuzz/fuzz_xlsx.cpp src/records/import_xlsx.cpp src/records/import_read.cpp src/core/csv.cpp src/core/json_input.cpp src/records/schema.cpp src/records/dates.cpp src/core/yaml_files.cpp src/core/text_fold.cpp src/core/icu_transforms.cpp"
  [international]="tests/fuzz/fuzz_international_yaml.cpp src/international/catalogue.cpp src/stats/indicators.cpp src/records/schema.cpp src/records/dates.cpp src/core/yaml_files.cpp"
  [indicators]="tests/fuzz/fuzz_indicators_yaml.cpp src/stats/indicators.cpp src/records/schema.cpp src/records/dates.cpp src/core/yaml_files.cpp"
)
declare -A LIBS=(
  [totp]="-lcrypto -lsodium"
  [cursor]="-lsodium"
  [http_request]="-lsodium"
  [import]="-lfmt -lyaml-cpp -licui18n -licuuc -licudata"
  [mapping]="-lfmt -lyaml-cpp -licui18n -licuuc -licudata"
  [xlsx]="-lfmt -lyaml-cpp -lzip -lexpat -licui18n -licuuc -licudata"
  [dates]="-lfmt"
  [schema]="-lfmt -lyaml-cpp"
  [names]="-licui18n -licuuc -licudata"
  [rules]="-lfmt -lyaml-cpp"
  [indicators]="-lfmt -lyaml-cpp"
  [international]="-lfmt -lyaml-cpp"
)
# Defines that change how a target's every source compiles (its objects are then its own).
declare -A DEFINES=(
  [http_request]="-DBOOST_ENABLE_ASSERT_HANDLER"
)
targets=("$@")
if ((${#targets[@]} == 0)); then targets=(json csv http http_request list_params cursor import mapping xlsx headers totp dates names schema rules indicators international); fi

# Every source is compiled once (per set of defines) and each target linked from the objects, by
# Ninja: two compilers at a time, recompiling only what changed (header dependencies tracked).
FLAGS+=("-I$PWD/src" "-DPALERMO_SOURCE_DIR='\"$PWD\"'")  # Ninja runs in $OUT
launcher=""
command -v ccache >/dev/null && launcher=ccache
{
  echo "rule cxx"
  echo "  command = $launcher $CXX ${FLAGS[*]} \$defines -MMD -MF \$out.d -c \$in -o \$out"
  echo "  depfile = \$out.d"
  echo "  deps = gcc"
  echo "  description = compile \$in"
  echo "rule link"
  echo "  command = $CXX ${FLAGS[*]} \$in -o \$out \$libs"
  echo "  description = link \$out"
  declare -A seen=()
  for t in "${targets[@]}"; do
    group=common
    [[ -n "${DEFINES[$t]:-}" ]] && group=$t
    objs=()
    for src in ${SOURCES[$t]}; do
      obj="obj/$group/${src%.cpp}.o"
      objs+=("$obj")
      if [[ -z "${seen[$obj]:-}" ]]; then
        seen[$obj]=1
        echo "build $obj: cxx ../$src"
        echo "  defines = ${DEFINES[$t]:-}"
      fi
    done
    echo "build fuzz_$t: link ${objs[*]}"
    echo "  libs = ${LIBS[$t]:-}"
  done
} > "$OUT/build.ninja"
ninja -C "$OUT" -j "${FUZZ_JOBS:-2}" -k 0 > "$OUT/build.log" 2>&1 || true

passed=0
failed=0
for t in "${targets[@]}"; do
  bin="$OUT/fuzz_$t"
  if [[ ! -x "$bin" ]]; then
    echo "fuzz $t: build failed"; sed -n "/fuzz_$t/,\$p" "$OUT/build.log" | head -40; failed=$((failed + 1)); continue
  fi
  work="$OUT/$t"
  mkdir -p "$work/corpus"
  cp -n tests/fuzz/corpus/"$t"/* "$work/corpus/" 2>/dev/null || true
  runs=()
  [[ -n "${FUZZ_RUNS:-}" ]] && runs=(-runs="$FUZZ_RUNS")
  started=$(date +%s)
  if (cd "$work" && ASAN_OPTIONS=detect_leaks=1 "../fuzz_$t" -max_total_time="$SECONDS_EACH" \
        -max_len="${FUZZ_MAX_LEN:-65536}" "${runs[@]}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 corpus \
        >"run.log" 2>&1); then
    took=$(($(date +%s) - started))
    stat() { grep -Eo "stat::$1: *[0-9]+" "$work/run.log" | grep -Eo '[0-9]+$'; }
    echo "fuzz $t: $(stat number_of_executed_units) inputs in ${took} s ($(stat average_exec_per_sec)/s, peak" \
      "$(stat peak_rss_mb) MiB, corpus $(find "$work/corpus" -type f | wc -l)), no failure"
    passed=$((passed + 1))
  else
    echo "fuzz $t: FAILED (see $work/run.log)"; tail -40 "$work/run.log"; failed=$((failed + 1))
  fi
done
echo "fuzz: $passed passed, $failed failed"
[[ $failed == 0 ]]
