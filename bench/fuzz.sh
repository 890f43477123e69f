#!/usr/bin/env bash
# The long fuzzing run (issue 25): every libFuzzer target of scripts/fuzz.sh under ASan+UBSan for
# SECONDS each (default 600), or only the targets named after it. Its figures (executions, rate,
# corpus, failures) go into bench/README.md, "Fuzzing throughput".
#   bash bench/fuzz.sh              # every target, 600 s each
#   bash bench/fuzz.sh 3600 names   # one target, an hour
#   FUZZ_RUNS=10000000 bash bench/fuzz.sh 36000 json csv   # until 10 million executions each (10 h cap)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
FUZZ_SECONDS=$seconds exec bash scripts/fuzz.sh "$@"
