#!/usr/bin/env bash
# HTTP throughput: wrk against palermo (/healthz, /api/v1/version, /readyz) and, in the same
# run, against nginx serving a static file of the same size, all on 127.0.0.1. Prints
# requests/s, latency percentiles and palermo's share of nginx's throughput.
#   bash bench/http_bench.sh [seconds=10] [connections=64]
# Needs: build/palermo (scripts/setup.sh), nginx-light and wrk (PALERMO_SETUP_TESTS=1 setup).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN="${1:-10}"
CONNECTIONS="${2:-64}"
BIN=build/palermo
work=$(mktemp -d /tmp/palermo-bench-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# palermo, with access logging on (to a file), as in production.
"$BIN" serve --data-dir "$work/data" --set server.port=0 --set log.file="$work/palermo.log" \
  --set server.io_threads=2 >"$work/palermo.out" &
pids+=($!)
for _ in $(seq 1 100); do
  url=$(sed -n 's/^palermo listening on //p' "$work/palermo.out"); [[ -n "$url" ]] && break; sleep 0.1
done
port=${url##*:}

# nginx with the same body as /healthz, access log on.
mkdir -p "$work/nginx/html"
curl -s "http://127.0.0.1:$port/healthz" > "$work/nginx/html/healthz.json"
nginx_port=$((port + 1))
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log $work/nginx/access.log;
  client_body_temp_path $work/nginx/tmp;
  proxy_temp_path $work/nginx/tmp; fastcgi_temp_path $work/nginx/tmp;
  uwsgi_temp_path $work/nginx/tmp; scgi_temp_path $work/nginx/tmp;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/nginx/html;
    default_type application/json;
  }
}
CONF
mkdir -p "$work/nginx/tmp"
nginx -c "$work/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$nginx_port/healthz.json" >/dev/null && break; sleep 0.1; done

run() {  # run NAME URL -> prints "rps p50 p90 p99"
  local out
  out=$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency "$2")
  local rps p50 p90 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p90=$(awk '$1=="90%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  printf '%-34s %12s %10s %10s %10s\n' "$1" "$rps" "$p50" "$p90" "$p99"
  echo "$rps" > "$work/rps-$3"
}

echo "wrk: 2 threads, $CONNECTIONS connections, ${SECONDS_PER_RUN}s per run, 127.0.0.1, $(nproc) cores"
printf '%-34s %12s %10s %10s %10s\n' "target" "requests/s" "p50" "p90" "p99"
run "nginx static file (reference)" "http://127.0.0.1:$nginx_port/healthz.json" nginx
run "palermo /healthz" "http://127.0.0.1:$port/healthz" healthz
run "palermo /api/v1/version (JSON)" "http://127.0.0.1:$port/api/v1/version" version
run "palermo /readyz (worker + db)" "http://127.0.0.1:$port/readyz" readyz
nginx_rps=$(cat "$work/rps-nginx")
for t in healthz version readyz; do
  awk -v a="$(cat "$work/rps-$t")" -v b="$nginx_rps" -v t="$t" \
    'BEGIN { printf "ratio palermo %-8s / nginx: %.2f\n", t, a / b }'
done
