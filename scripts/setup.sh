#!/usr/bin/env bash
# Installs what building and testing Insight needs, each only when missing (fast on a warm machine):
# Chromium (for Playwright), the wasm target, wasm-bindgen-cli matching Cargo.lock, cargo-leptos 0.3.10,
# and the npm packages of end2end/ (Playwright, binaryen's wasm-opt). See ../shared/docs/toolchain.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  echo "setup: installing ${need_apt[*]} with apt"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

# Tools are installed with cargo's own defaults: not into the project's target dir, not with its RUSTFLAGS.
WBG=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"$/\1/p')
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WBG" ]; then
  echo "setup: installing wasm-bindgen-cli $WBG (about 3 minutes)"
  # No --locked: one of its locked dependencies is missing from the registry.
  env -u CARGO_TARGET_DIR -u RUSTFLAGS cargo install wasm-bindgen-cli --version "$WBG" --force
fi
if [ "$(cargo leptos --version 2>/dev/null)" != "cargo-leptos 0.3.10" ]; then
  echo "setup: installing cargo-leptos 0.3.10 (about 10 minutes, once)"
  # 0.3.11 does not build on rustc 1.95; --debug halves the install time and works the same.
  env -u CARGO_TARGET_DIR -u RUSTFLAGS cargo install cargo-leptos --locked --version 0.3.10 --debug --force
fi

if [ ! -x end2end/node_modules/.bin/playwright ] || [ ! -x end2end/node_modules/.bin/wasm-opt ]; then
  (cd end2end && npm ci --no-audit --no-fund --loglevel=error)
fi
