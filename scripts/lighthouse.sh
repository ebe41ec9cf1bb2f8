#!/usr/bin/env bash
# Lighthouse (mobile profile, performance only) for the landing page, the SignIn Widget and the review queue,
# against the release build on a fresh SQLite database. Lighthouse is fetched from the npm registry into a cache
# folder the first time. Usage: bash scripts/lighthouse.sh [SERVER_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-${CARGO_TARGET_DIR:-$HOME/.cache/insight/target}/release/insight}
TOOLS=${XDG_CACHE_HOME:-$HOME/.cache}/insight/lighthouse
[ -x "$TOOLS/node_modules/.bin/lighthouse" ] || npm install --prefix "$TOOLS" --no-audit --no-fund lighthouse@12 >/dev/null
source scripts/scratch-portal.sh
scratch_portal "$BIN" "${LIGHTHOUSE_PORT:-3300}" lighthouse
COOKIE=$(awk '$6 == "insight_session" {print $6 "=" $7}' "$TMP/cookies")
export CHROME_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
score() {
  "$TOOLS/node_modules/.bin/lighthouse" "$BASE$2" --quiet --only-categories=performance --form-factor=mobile \
    --chrome-flags="--headless --no-sandbox --disable-gpu" --output=json --output-path="$TMP/report.json" "${@:3}" >/dev/null 2>&1
  node -e '
    const r = require(process.argv[1]), a = r.audits;
    console.log([process.argv[2].padEnd(16), String(Math.round(r.categories.performance.score * 100)).padStart(5),
      a["largest-contentful-paint"].displayValue.padStart(8), a["total-blocking-time"].displayValue.padStart(8),
      a["total-byte-weight"].numericValue.toFixed(0).padStart(10)].join(" | "));' "$TMP/report.json" "$1"
}
echo "page             | score |      LCP |      TBT |      bytes"
score "/" "/"
score "/embed/signin" "/embed/signin?client_id=$CLIENT_ID&origin=http://localhost:3100"
score "/applications" "/applications" "--extra-headers={\"Cookie\":\"$COOKIE\"}"
