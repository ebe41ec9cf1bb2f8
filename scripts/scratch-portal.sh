# Sourced by the tool scripts (api-contract.sh, lighthouse.sh): `scratch_portal BINARY PORT NAME [VAR=VALUE…]`
# starts the server binary on 127.0.0.1:PORT with a fresh SQLite database and the extra environment, stops it
# (and removes the database) when the calling script exits, and registers a business "NAME Co" signed in through
# $TMP/cookies. Sets BASE, TMP and CLIENT_ID.
scratch_portal() {
  local bin=$1 port=$2 name=$3
  shift 3
  BASE="http://127.0.0.1:$port"
  TMP=$(mktemp -d)
  env DATABASE_URL="sqlite://$TMP/$name.db" LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT=target/site \
    RUST_LOG=warn "$@" "$bin" > "$TMP/server.log" 2>&1 &
  SCRATCH_PORTAL_PID=$!
  trap 'kill $SCRATCH_PORTAL_PID 2>/dev/null || true; rm -rf "$TMP"' EXIT
  for _ in $(seq 1 100); do curl -fs -o /dev/null "$BASE/" && break; sleep 0.2; done
  curl -fs -c "$TMP/cookies" -o /dev/null \
    -d "company_name=$name Co&email=$name@example.com&password=correct horse battery staple" "$BASE/api/auth/register"
  CLIENT_ID=$(curl -fs -b "$TMP/cookies" "$BASE/dashboard" | grep -o 'ins_[A-Za-z0-9]\{22\}' | head -1)
}
