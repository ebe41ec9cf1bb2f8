#!/usr/bin/env bash
# Validates the PSD2 traffic the test runs recorded (APP_XS2A_RECORD) against the official NextGenPSD2 OpenAPI file
# with openapi-core, installed once into a virtualenv beside the build cache.
set -euo pipefail
cd "$(dirname "$0")/.."
RECORD="$1"
VENV="${XDG_CACHE_HOME:-$HOME/.cache}/insight/xs2a-venv"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import openapi_core" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "openapi-core==0.19.5"
fi
if "$VENV/bin/python" scripts/xs2a-conformance.py "$RECORD"; then
  echo "xs2a conformance: 1 passed, 0 failed"
else
  echo "xs2a conformance: 0 passed, 1 failed"
  exit 1
fi
