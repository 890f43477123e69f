#!/usr/bin/env bash
# TLS as a scanner sees it (issue 25): the server's own TLS listener, configured as
# config/palermo.sample.yaml does (tls.cert / tls.key), scanned by testssl.sh (Debian's
# `testssl`). Fails when testssl reports a HIGH or CRITICAL finding, except those about the
# certificate's trust, which a throw-away self-signed test certificate always has (a deployment's
# certificate comes from its CA). Bounded: the server stops when the scan ends.
#   bash bench/tls_check.sh            # prints every finding of MEDIUM or worse, then the verdict
set -euo pipefail
cd "$(dirname "$0")/.."
command -v testssl >/dev/null || { echo "tls_check: testssl is not installed (apt-get install testssl.sh)"; exit 2; }
BIN=${PALERMO_BIN:-build/palermo}
work=$(mktemp -d /tmp/palermo-tls-XXXXXX)
pid=
cleanup() {
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1,DNS:localhost \
  -days 90 -keyout "$work/key.pem" -out "$work/cert.pem" >/dev/null 2>&1
"$BIN" serve --data-dir "$work" --set server.port=0 --set tls.cert="$work/cert.pem" --set tls.key="$work/key.pem" \
  --set log.file="$work/palermo.log" >"$work/out" 2>&1 &
pid=$!
url=
for _ in $(seq 1 100); do
  url=$(grep -o 'https://127.0.0.1:[0-9]*' "$work/out" | head -1 || true)
  [[ -n "$url" ]] && break
  sleep 0.1
done
[[ -n "$url" ]] || { echo "tls_check: the server did not start"; cat "$work/out"; exit 1; }
started=$(date +%s)
# --fast skips the slow client simulations; --ip one skips DNS; no outside lookups.
timeout 600 testssl --quiet --color 0 --warnings off --ip one --fast --severity MEDIUM \
  --jsonfile "$work/findings.json" "${url#https://}" >"$work/testssl.out" 2>&1 || true
took=$(($(date +%s) - started))
node -e '
  const all = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const trust = /^(cert_chain_of_trust|cert_notAfter|cert_revocation|cert_trust|cert_caIssuers|cert_ocspURL|cert_crlDistributionPoints|OCSP_stapling|cert_validityPeriod|cert_expirationStatus|DNS_CAArecord|cert_mustStapleExtension|cert_ocspRevoked|cert_crlRevoked)/;
  const bad = all.filter((f) => ["HIGH", "CRITICAL"].includes(f.severity) && !trust.test(f.id));
  for (const f of all.filter((f) => ["MEDIUM", "HIGH", "CRITICAL"].includes(f.severity)))
    console.log(`${f.severity.padEnd(8)} ${f.id}: ${f.finding}${trust.test(f.id) ? "  (test certificate)" : ""}`);
  console.log(`tls_check: ${all.length} checks, ${bad.length} HIGH or CRITICAL finding(s) outside the test certificate trust, in ${process.argv[2]} s`);
  process.exit(bad.length ? 1 : 0);
' "$work/findings.json" "$took"
