#!/usr/bin/env bash
# Starts the built server on a free port with a fresh SQLite database and runs the Playwright suite against it
# (or the spec files given after the binary).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:?usage: e2e.sh SERVER_BINARY [PLAYWRIGHT_ARGS…]}
shift
PORT=${E2E_PORT:-3000}
SHOP_PORT=${E2E_SHOP_PORT:-3100}
for p in "$PORT" "$SHOP_PORT"; do
  if curl -s -o /dev/null "http://127.0.0.1:$p/"; then echo "e2e: port $p is busy; stop whatever runs there" >&2; exit 1; fi
done
TMP=$(mktemp -d)
export DATABASE_URL="sqlite://$TMP/e2e.db" LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_SITE_ROOT=target/site
# Every test signs up from 127.0.0.1: the per-address registration limit is for the open internet.
export APP_REGISTRATIONS_PER_HOUR=10000
# The webhook test posts to a receiver the test itself runs on 127.0.0.1.
export APP_WEBHOOK_ALLOW_INSECURE=true
export BASE_URL="http://127.0.0.1:$PORT" SHOP_URL="http://127.0.0.1:$SHOP_PORT" E2E_SHOP_PORT="$SHOP_PORT"
"$BIN" > "$TMP/server.log" 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null || true; wait $SERVER_PID 2>/dev/null || true; rm -rf "$TMP"' EXIT
for _ in $(seq 1 150); do curl -fs -o /dev/null "$BASE_URL/" && break; sleep 0.2; done
if ! kill -0 $SERVER_PID 2>/dev/null; then echo "e2e: the server did not start:" >&2; cat "$TMP/server.log" >&2; exit 1; fi
set +e
(cd end2end && npx playwright test "$@") | tee "$TMP/playwright.out"
status=${PIPESTATUS[0]}
set -e
passed=$(grep -Eo '^ *[0-9]+ passed' "$TMP/playwright.out" | grep -Eo '[0-9]+' | tail -1 || true)
failed=$(grep -Eo '^ *[0-9]+ failed' "$TMP/playwright.out" | grep -Eo '[0-9]+' | tail -1 || true)
echo "e2e: ${passed:-0} passed, ${failed:-0} failed"
if [ "$status" != 0 ]; then echo "--- server log ---"; tail -50 "$TMP/server.log"; fi
# Secrets must never reach the log: the demo bank passwords and one-time code used by the tests.
if grep -nE 'Test123|123456|correct horse' "$TMP/server.log"; then echo "e2e: a secret appeared in the server log" >&2; exit 1; fi
exit "$status"
