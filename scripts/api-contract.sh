#!/usr/bin/env bash
# The /v1 API against its own OpenAPI document, checked by Schemathesis (PyPI; installed into a cache folder the
# first time): the release server on a fresh SQLite database, a business with finished imports and an API key,
# then property-based requests to every operation with checks for server errors, undocumented status codes,
# content types and response schemas. Prints "api contract: N passed, N failed" (one per operation).
# Usage: bash scripts/api-contract.sh [SERVER_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-${CARGO_TARGET_DIR:-$HOME/.cache/insight/target}/release/insight}
TOOLS=${XDG_CACHE_HOME:-$HOME/.cache}/insight/schemathesis
# One version, so a new release's new checks arrive by a change here, not unannounced in a CI run.
SCHEMATHESIS=4.32.5
if ! "$TOOLS/bin/schemathesis" --version 2>/dev/null | grep -q " $SCHEMATHESIS\b"; then
  python3 -m venv "$TOOLS"
  "$TOOLS/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS"
fi
source scripts/scratch-portal.sh
scratch_portal "$BIN" "${API_CONTRACT_PORT:-3310}" contract APP_API_REQUESTS_PER_MINUTE=1000000 \
  APP_WIDGET_REQUESTS_PER_MINUTE=1000000
# Two applicants through the widget's endpoints (the Demo Bank's documented test login), imported by the server.
for owner in applicant-1 applicant-2; do
  SESSION=$(curl -fs -d "client_id=$CLIENT_ID&origin=http://localhost:3100&bank=demo-pl&owner=$owner" "$BASE/api/widget/start" | tr -d '"')
  curl -fs -o /dev/null -d "session=$SESSION" "$BASE/api/widget/consent"
  curl -fs -o /dev/null -d "session=$SESSION&login=test&password=Test123" "$BASE/api/widget/credentials"
done
sleep 3
KEY=$(curl -fs -b "$TMP/cookies" -d "name=Contract test" "$BASE/api/api-keys/create" | tr -d '"')
set +e
"$TOOLS/bin/schemathesis" run "$BASE/v1/openapi.json" --url "$BASE" \
  --header "Authorization: Bearer $KEY" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
  --max-examples "${API_CONTRACT_EXAMPLES:-60}" --no-color 2>&1 | tee "$TMP/report.txt"
STATUS=${PIPESTATUS[0]}
set -e
OPERATIONS=$(curl -fs "$BASE/v1/openapi.json" | python3 -c 'import json, sys; print(sum(len(p) for p in json.load(sys.stdin)["paths"].values()))')
if [ "$STATUS" -eq 0 ]; then
  echo "api contract: $OPERATIONS passed, 0 failed"
else
  echo "api contract: 0 passed, $OPERATIONS failed"
fi
exit "$STATUS"
