#!/usr/bin/env bash
# Runs every check and test: formatting, clippy for both feature sets, the wasm split guard, a release build with
# the Playwright suite in Chromium against it, and the Rust tests on PostgreSQL and on SQLite. Ends with the totals.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
# Build output outside the checkout survives between runs on the same machine (CI clones fresh each time).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/insight/target}"
mkdir -p "$CARGO_TARGET_DIR"
if [ "$(du -sk "$CARGO_TARGET_DIR" | cut -f1)" -gt 25000000 ]; then rm -rf "$CARGO_TARGET_DIR"; mkdir -p "$CARGO_TARGET_DIR"; fi
bash scripts/setup.sh
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# cargo-leptos builds with this flag; plain cargo commands use it too so they share its artifacts.
export RUSTFLAGS="--cfg erase_components"
# Everything below is also kept in a log, so the closing line can total the runners' summaries.
LOG=$(mktemp)
exec > >(tee "$LOG") 2>&1
# Every exchange with the PSD2 sandbox bank in the runs below is recorded, then checked against the official spec.
export APP_XS2A_RECORD=$(mktemp)

echo "== format"
cargo fmt --check
echo "== clippy (server and browser builds)"
cargo clippy --features ssr --all-targets -- -D warnings
cargo clippy --lib --no-default-features --features hydrate --target wasm32-unknown-unknown -- -D warnings
echo "== the browser build carries no server code"
if cargo tree --no-default-features --features hydrate --target wasm32-unknown-unknown -e normal -i sqlx >/dev/null 2>&1; then
  echo "sqlx is in the hydrate dependency tree" >&2; exit 1
fi

echo "== release build (cargo leptos), the one users run"
# As a deployment builds it (README), without the debug-only erase_components flag exported above: that flag
# boxes every element and attribute of every view, which cost the application page a third of its requests/s.
env -u RUSTFLAGS cargo leptos build --release --precompress
echo "== end-to-end (Playwright, Chromium, against the release build)"
bash scripts/e2e.sh "$CARGO_TARGET_DIR/release/insight"
echo "== the /v1 API against its OpenAPI document (Schemathesis)"
bash scripts/api-contract.sh "$CARGO_TARGET_DIR/release/insight"

echo "== Rust tests on PostgreSQL"
PGDATA=$(bash scripts/pg.sh start)
trap 'bash scripts/pg.sh stop "$PGDATA"' EXIT
# Tests run side by side, each with its own server and database (the route list is generated once per process).
TEST_DATABASE_URL="postgres://postgres@127.0.0.1:${PG_TEST_PORT:-54329}/postgres" \
  cargo test --features ssr --test api

echo "== Rust tests on SQLite (unit and integration)"
cargo test --features ssr -- --skip labelled_sample
echo "== transaction labels against the labelled sample (precision and recall per group; fails below 0.9 precision)"
cargo test --features ssr --lib labelled_sample -- --nocapture

echo "== PSD2 traffic against the official NextGenPSD2 OpenAPI file (openapi-core)"
bash scripts/xs2a-conformance.sh "$APP_XS2A_RECORD"

# One plain closing line with the totals of every cargo test run above (SQLite and PostgreSQL), e2e and the API contract.
totals=$(grep -hE "^test result: |^e2e: [0-9]+ passed|^api contract: [0-9]+ passed|^xs2a conformance: [0-9]+ passed" "$LOG" | grep -Eo "[0-9]+ (passed|failed)" \
  | awk '{s[$2]+=$1} END {printf "%d passed, %d failed", s["passed"], s["failed"]}')
echo "all tests: $totals"
