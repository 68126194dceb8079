#!/usr/bin/env bash
# Runs every test of evcalc on a fresh machine: installs what is missing (wasm32 target,
# pinned wasm-bindgen-cli, Debian chromium, npm packages), then the Rust tests, the wasm
# build and the browser tests. Usage: scripts/test.sh   (from anywhere)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
start=$(date +%s)

echo "== Rust: build and test the workspace"
cargo build --workspace --all-targets --locked
cargo test --workspace --locked

echo "== Browser: build the wasm module and run the page in headless Chromium"
bash tests/e2e/run.sh

echo "== all tests passed in $(( $(date +%s) - start )) s"
