#!/usr/bin/env bash
# Installs what Palermo needs on Debian bookworm (idempotent: fast when everything is there),
# then builds the server and the web application.
#   bash scripts/setup.sh            # release build in build/
#   PALERMO_SETUP_TESTS=1 ...        # also the packages the tests need (PostgreSQL, Chromium, nginx, wrk)
#   PALERMO_BUILD_DIR=... PALERMO_CMAKE_ARGS="..."   # another build directory / options
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git ca-certificates curl openssl
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libsqlite3-dev sqlite3 libsodium-dev libyaml-cpp-dev nlohmann-json3-dev
  libspdlog-dev libfmt-dev libcli11-dev libicu-dev libpq-dev
  libcairo2-dev libpango1.0-dev libxlsxwriter-dev libzip-dev libexpat1-dev zlib1g-dev libglpk-dev fonts-dejavu-core
  libgtest-dev libgmock-dev libbenchmark-dev
  nodejs npm
)
TEST_PACKAGES=(chromium nginx-light wrk postgresql poppler-utils libreoffice-writer-nogui libreoffice-calc-nogui clang libclang-rt-14-dev testssl.sh)

want=("${PACKAGES[@]}")
if [[ "${PALERMO_SETUP_TESTS:-0}" == 1 ]]; then want+=("${TEST_PACKAGES[@]}"); fi

missing=()
for p in "${want[@]}"; do
  # nodejs/npm may come from elsewhere than Debian (the machine image has them): accept the commands.
  if [[ "$p" == nodejs ]] && command -v node >/dev/null; then continue; fi
  if [[ "$p" == npm ]] && command -v npm >/dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  if [[ $(id -u) != 0 ]]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The web application (TypeScript, built by Vite into web/dist).
if [[ -f web/package.json ]]; then
  if [[ ! -d web/node_modules ]] || [[ web/package-lock.json -nt web/node_modules/.package-lock.json ]]; then
    echo "setup: installing npm packages"
    (cd web && npm ci --no-audit --no-fund --loglevel=error)
  fi
  echo "setup: building the web application"
  (cd web && npm run --silent build >/dev/null)
fi

BUILD_DIR="${PALERMO_BUILD_DIR:-build}"
# shellcheck disable=SC2086
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo ${PALERMO_CMAKE_ARGS:-} >/dev/null
echo "setup: building the server in $BUILD_DIR (2 cores: the first build takes a few minutes)"
cmake --build "$BUILD_DIR" ${PALERMO_BUILD_TARGETS:+--target $PALERMO_BUILD_TARGETS}
