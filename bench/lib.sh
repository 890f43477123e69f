# Shared by the benchmark scripts: sign a user in through the API, changing the one-time password
# and setting up the second factor when the user's roles need one. Needs curl and node.
#   bench_sign_in URL LOGIN ONE_TIME_PASSWORD NEW_PASSWORD JAR  -> prints the CSRF token
bench_totp() {  # bench_totp BASE32_SECRET STEPS_AHEAD
  node -e "import('$(pwd)/web/e2e/lib.mjs').then(m => console.log(m.totp(process.argv[1], Number(process.argv[2]))))" \
    "$1" "$2"
}

bench_sign_in() {
  local url=$1 login=$2 otp=$3 newpw=$4 jar=$5 csrf me secret
  csrf=$(curl -s -c "$jar" -H 'Content-Type: application/json' -d "{\"login\":\"$login\",\"password\":\"$otp\"}" \
    "$url/api/v1/auth/login" | sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p')
  curl -s -b "$jar" -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" \
    -d "{\"current_password\":\"$otp\",\"new_password\":\"$newpw\"}" "$url/api/v1/auth/password" >/dev/null
  csrf=$(curl -s -c "$jar" -H 'Content-Type: application/json' -d "{\"login\":\"$login\",\"password\":\"$newpw\"}" \
    "$url/api/v1/auth/login" | sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p')
  me=$(curl -s -b "$jar" "$url/api/v1/auth/me")
  if [[ "$me" == *'"second_factor_required":true'* && "$me" != *'"totp_enabled":true'* ]]; then
    secret=$(curl -s -b "$jar" -H "X-CSRF-Token: $csrf" -X POST "$url/api/v1/auth/totp/setup" |
      sed -n 's/.*"secret":"\([^"]*\)".*/\1/p')
    curl -s -b "$jar" -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" \
      -d "{\"code\":\"$(bench_totp "$secret" 0)\"}" "$url/api/v1/auth/totp/confirm" >/dev/null
  fi
  echo "$csrf"
}
