#!/usr/bin/env bash
# shellcheck disable=SC2001  # sed indents multi-line messages
# Checks that the deployment samples under deploy/ parse, without installing or starting
# anything (a few seconds, all in a temporary directory that is removed):
#   - deploy/nginx/palermo.conf: `nginx -t` inside a wrapper like Debian's nginx.conf, with a
#     throw-away self-signed certificate and log paths rewritten into the temporary directory
#     and its ports 80/443 moved to free loopback ports (nginx -t binds them);
#     its body limits must match palermo's defaults in src/core/config.cpp;
#   - deploy/nginx/test-two-instances.conf.in: filled in, then `nginx -t`;
#   - deploy/systemd/*.service: `systemd-analyze verify` (any warning fails), with the palermo
#     binary path replaced by /bin/true; where systemd-analyze is missing or cannot run, a
#     smaller check of sections, keys and key=value syntax.
# Works as root or not. Exits non-zero naming the file at fault.
#   bash scripts/check-deploy.sh
# Needs nginx (nginx-light) and openssl; systemd-analyze (package systemd) is optional.
# PALERMO_CHECK_NO_SYSTEMD_ANALYZE=1 forces the smaller unit check.
set -euo pipefail
cd "$(dirname "$0")/.."

NGINX="${NGINX:-/usr/sbin/nginx}"
failures=0
fail() {  # fail FILE MESSAGE
  echo "check-deploy: FAIL $1: $2" >&2
  failures=$((failures + 1))
}
ok() { echo "check-deploy: ok   $1${2:+ ($2)}"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# As root, nginx hands its temporary directories to the worker user (nobody), which must be
# able to enter the prefix; -t starts no worker, but keep it the same as a real run.
chmod 755 "$tmp"

# A port nothing listens on (nginx -t binds the ports it would listen on).
free_port() {
  local port _
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 40001))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  echo "$port"
}

# Runs `nginx -t` on CONF; any [emerg], [alert], [crit] or [warn] line fails FILE.
nginx_test() {  # nginx_test FILE CONF PREFIX
  local file="$1" conf="$2" prefix="$3" out
  if out=$(timeout 20 "$NGINX" -t -p "$prefix" -e "$prefix/error.log" -c "$conf" 2>&1) &&
    ! grep -q '\[\(emerg\|alert\|crit\|warn\)\]' <<<"$out"; then
    ok "$file" "nginx -t"
  else
    fail "$file" "nginx -t:"$'\n'"$(sed 's/^/    /' <<<"$out")"
  fi
}

# --- nginx -------------------------------------------------------------------------------
if [[ ! -x "$NGINX" ]]; then
  fail deploy/nginx "no $NGINX: apt-get install nginx-light (scripts/setup.sh with PALERMO_SETUP_TESTS=1)"
elif ! command -v openssl >/dev/null; then
  fail deploy/nginx "no openssl: apt-get install openssl"
else
  # 1. The production sample, in a wrapper with the http-level directives Debian's nginx.conf
  #    sets (a directive repeated at the same level would be an error there too).
  file=deploy/nginx/palermo.conf
  p="$tmp/nginx-prod"
  mkdir -p "$p/tls" "$p/log"
  if ! openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj /CN=palermo.example.org -keyout "$p/tls/privkey.pem" -out "$p/tls/fullchain.pem" \
    >"$p/openssl.log" 2>&1; then
    fail "$file" "openssl could not make a test certificate: $(cat "$p/openssl.log")"
  fi
  # nginx -t binds the listening sockets: listen on free loopback ports instead of 80 and 443
  # (the IPv6 lines go; they are the same server blocks).
  sed -e "s|/etc/palermo/tls/|$p/tls/|g" -e "s|/var/log/nginx/|$p/log/|g" \
    -e '/^ *listen \[::\]:/d' \
    -e "s|^\( *listen \)80;|\1127.0.0.1:$(free_port);|" \
    -e "s|^\( *listen \)443 |\1127.0.0.1:$(free_port) |" "$file" >"$p/palermo.conf"
  if grep -q '^ *listen \(80\|443\)\b' "$p/palermo.conf"; then
    fail "$file" "a listen line this check does not move to a free port:"$'\n'"$(grep '^ *listen' "$p/palermo.conf")"
  fi
  if grep -v '^ *#' "$p/palermo.conf" | grep -q '/etc/\|/var/\|/run/'; then
    fail "$file" "a path outside /etc/palermo/tls/ and /var/log/nginx/ (not rewritten for the test):"$'\n'"$(grep -v '^ *#' "$p/palermo.conf" | grep '/etc/\|/var/\|/run/')"
  fi
  cat >"$p/nginx.conf" <<CONF
pid $p/nginx.pid;
error_log $p/log/error.log;
events { worker_connections 768; }
http {
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    default_type application/octet-stream;
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers on;
    access_log $p/log/access.log;
    gzip on;
    client_body_temp_path $p/client_body_temp;
    proxy_temp_path $p/proxy_temp;
    fastcgi_temp_path $p/fastcgi_temp;
    uwsgi_temp_path $p/uwsgi_temp;
    scgi_temp_path $p/scgi_temp;
    include $p/palermo.conf;
}
CONF
  nginx_test "$file" "$p/nginx.conf" "$p"

  # Body limits in step with palermo's defaults (limits.body_bytes, limits.upload_bytes).
  to_bytes() {  # 1m -> 1048576, 25m -> 26214400, 512k, 1g, or plain bytes
    local v="${1,,}"
    case "$v" in
      *k) echo $((${v%k} * 1024)) ;;
      *m) echo $((${v%m} * 1024 * 1024)) ;;
      *g) echo $((${v%g} * 1024 * 1024 * 1024)) ;;
      *) echo "$v" ;;
    esac
  }
  default_of() { sed -n "s/.*{\"$1\", \"\([0-9]*\)\".*/\1/p" src/core/config.cpp | head -1; }
  body_default=$(default_of limits.body_bytes)
  upload_default=$(default_of limits.upload_bytes)
  sizes=$(sed -n 's/^ *client_max_body_size \([0-9]*[kKmMgG]\?\);.*/\1/p' "$file")
  server_size=$(head -1 <<<"$sizes")
  upload_size=$(sed -n '/location \/api\/v1\/attachments\//,/}/s/^ *client_max_body_size \([0-9]*[kKmMgG]\?\);.*/\1/p' "$file")
  if [[ -z "$body_default" || -z "$upload_default" ]]; then
    fail src/core/config.cpp "could not read the defaults of limits.body_bytes / limits.upload_bytes"
  elif [[ -z "$server_size" || -z "$upload_size" ]]; then
    fail "$file" "no client_max_body_size for the server or for /api/v1/attachments/"
  elif [[ $(to_bytes "$server_size") != "$body_default" ]]; then
    fail "$file" "client_max_body_size $server_size is not limits.body_bytes ($body_default bytes)"
  elif [[ $(to_bytes "$upload_size") != "$upload_default" ]]; then
    fail "$file" "attachments client_max_body_size $upload_size is not limits.upload_bytes ($upload_default bytes)"
  else
    ok "$file" "body limits $server_size / $upload_size match src/core/config.cpp"
  fi

  # 2. The test template, filled in.
  file=deploy/nginx/test-two-instances.conf.in
  p="$tmp/nginx-test"
  mkdir -p "$p"
  chmod 755 "$p"
  sed -e "s|@PREFIX@|$p|g" -e "s|@NGINX_PORT@|$(free_port)|g" \
    -e "s|@UPSTREAM_1@|127.0.0.1:18081|g" -e "s|@UPSTREAM_2@|127.0.0.1:18082|g" "$file" >"$p/nginx.conf"
  if left=$(grep -o '@[A-Z0-9_]*@' "$p/nginx.conf" | sort -u | tr '\n' ' ') && [[ -n "$left" ]]; then
    fail "$file" "placeholders this check does not fill: $left"
  fi
  if grep -v '^ *#' "$p/nginx.conf" | grep -q '/var/\|/run/\|/etc/'; then
    fail "$file" "a path outside @PREFIX@:"$'\n'"$(grep -v '^ *#' "$p/nginx.conf" | grep '/var/\|/run/\|/etc/')"
  fi
  nginx_test "$file" "$p/nginx.conf" "$p"
fi

# --- systemd -----------------------------------------------------------------------------
u="$tmp/units"
mkdir -p "$u"
units=(deploy/systemd/*.service)
for f in "${units[@]}"; do
  # verify checks that ExecStart's binary exists: use /bin/true in the copies.
  sed 's|/opt/palermo/bin/palermo|/bin/true|g' "$f" >"$u/$(basename "$f")"
done

analyze_works=0
if [[ "${PALERMO_CHECK_NO_SYSTEMD_ANALYZE:-0}" != 1 ]] && command -v systemd-analyze >/dev/null; then
  printf '[Unit]\nDescription=probe\n[Service]\nType=oneshot\nExecStart=/bin/true\n' >"$u/probe.service"
  if out=$(cd "$u" && timeout 20 systemd-analyze verify --man=no ./probe.service 2>&1) && [[ -z "$out" ]]; then
    analyze_works=1
  else
    echo "check-deploy: systemd-analyze does not run here (${out:-no output}); using the smaller check"
  fi
  rm -f "$u/probe.service"
fi

# The smaller check: known sections, Key=value lines, keys from the list below.
# shellcheck disable=SC2016  # awk program, not shell
units_awk='
BEGIN {
  split("Description Documentation After Before Wants Requires Requisite BindsTo PartOf Conflicts " \
        "AssertPathExists ConditionPathExists StartLimitIntervalSec StartLimitBurst DefaultDependencies", a)
  for (i in a) known["Unit", a[i]] = 1
  split("Type RemainAfterExit User Group WorkingDirectory Environment EnvironmentFile ExecStart " \
        "ExecStartPre ExecStartPost ExecReload ExecStop Restart RestartSec KillSignal KillMode " \
        "TimeoutStopSec TimeoutStartSec LimitNOFILE StateDirectory StateDirectoryMode ReadWritePaths " \
        "ReadOnlyPaths UMask NoNewPrivileges ProtectSystem ProtectHome PrivateTmp PrivateDevices " \
        "ProtectKernelTunables ProtectKernelModules ProtectKernelLogs ProtectControlGroups ProtectClock " \
        "ProtectHostname ProtectProc ProcSubset CapabilityBoundingSet AmbientCapabilities " \
        "RestrictAddressFamilies RestrictNamespaces RestrictRealtime RestrictSUIDSGID " \
        "MemoryDenyWriteExecute LockPersonality SystemCallArchitectures SystemCallFilter " \
        "SystemCallErrorNumber", a)
  for (i in a) known["Service", a[i]] = 1
  split("WantedBy RequiredBy Also", a)
  for (i in a) known["Install", a[i]] = 1
  section = ""; bad = 0
}
/^[ \t]*([#;].*)?$/ { next }
/^\[[A-Za-z]+\][ \t]*$/ {
  section = $0; gsub(/[][ \t]/, "", section)
  if (section != "Unit" && section != "Service" && section != "Install") {
    printf "%s:%d: unknown section [%s]\n", FILENAME, FNR, section; bad = 1
  }
  seen[section]++
  next
}
/^[A-Za-z][A-Za-z0-9]*=/ {
  key = substr($0, 1, index($0, "=") - 1)
  if (section == "") { printf "%s:%d: %s outside a section\n", FILENAME, FNR, key; bad = 1 }
  else if (!known[section, key]) { printf "%s:%d: unknown key %s in [%s]\n", FILENAME, FNR, key, section; bad = 1 }
  next
}
{ printf "%s:%d: not a Key=value line: %s\n", FILENAME, FNR, $0; bad = 1 }
END {
  if (!seen["Unit"] || !seen["Service"]) { printf "%s: needs [Unit] and [Service]\n", FILENAME; bad = 1 }
  exit bad
}'

for f in "${units[@]}"; do
  base=$(basename "$f")
  if ((analyze_works)); then
    target="$base"
    # A template is verified through an instance of it.
    if [[ "$base" == *@.service ]]; then
      target="${base%@.service}@1.service"
      cp "$u/$base" "$u/$target"
    fi
    if out=$(cd "$u" && timeout 20 systemd-analyze verify --man=no "./$target" 2>&1) && [[ -z "$out" ]]; then
      ok "$f" "systemd-analyze verify"
    else
      fail "$f" "systemd-analyze verify (warnings count as failures):"$'\n'"$(sed 's/^/    /' <<<"${out:-exit status non-zero}")"
    fi
  else
    if out=$(awk "$units_awk" "$f" 2>&1); then
      ok "$f" "sections and keys; systemd-analyze not used"
    else
      fail "$f" "$out"
    fi
  fi
done

# The installed layout: `cmake --install` into a throw-away prefix, then `palermo doctor` run
# from / must find the schema, rules, indicators and web application under share/palermo.
build_dir="${PALERMO_BUILD_DIR:-build}"
if [[ -x "$build_dir/palermo" ]] && command -v cmake >/dev/null; then
  prefix="$tmp/prefix"
  if out=$(cmake --install "$build_dir" --prefix "$prefix" 2>&1); then
    if out=$(cd / && "$prefix/bin/palermo" doctor --data-dir "$tmp/data" 2>&1) &&
       grep -q "schema.dir .*\[installed\]" <<<"$out" && grep -q "statistics.dir .*\[installed\]" <<<"$out"; then
      ok "cmake --install" "palermo doctor from / finds everything under $(basename "$prefix")/share/palermo"
    else
      fail "cmake --install" "palermo doctor from / in the installed layout:"$'\n'"$(sed 's/^/    /' <<<"$out")"
    fi
  else
    fail "cmake --install" "$out"
  fi
else
  echo "check-deploy: skip cmake --install ($build_dir/palermo not built)"
fi

if ((failures)); then
  echo "check-deploy: $failures failure(s)" >&2
  exit 1
fi
echo "check-deploy: all deployment samples parse"
