#!/usr/bin/env bash
# Runs the portal at http://127.0.0.1:3000 on an embedded SQLite file (data/insight.db), installing the build
# tools on first use. Set DATABASE_URL=postgres://… to use PostgreSQL instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
exec cargo leptos serve "$@"
