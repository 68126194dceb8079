#!/usr/bin/env bash
# Builds the npm package's files into npm/: pkg/evcalc_wasm.js + pkg/evcalc_wasm_bg.wasm (the
# wasm-bindgen output, ESM, --target web, of evcalc-wasm with its `workspace` feature: the page's
# module without it is smaller) and contract.d.ts (the contract's TypeScript types, generated
# from the Rust types: www/contract.d.ts). The pinned wasm-bindgen CLI, no wasm-pack; the same
# profile and flags as www/build.sh, so the wasm32 dependencies it compiled are reused.
#   npm/build.sh [--pack OUT_DIR]     (--pack: also `npm pack` into OUT_DIR)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

WASM_BINDGEN_VERSION="$(sed -n 's/^wasm-bindgen *= *"=\([0-9.]*\)".*/\1/p' Cargo.toml)"
[ -n "$WASM_BINDGEN_VERSION" ] || { echo "npm/build.sh: no pinned wasm-bindgen version in Cargo.toml" >&2; exit 1; }
rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || rustup target add wasm32-unknown-unknown
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  echo "Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (takes ~4 min once)…"
  # No --locked: its lockfile pins a webpki-roots the registry here does not have.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

cargo build --target wasm32-unknown-unknown --profile release-wasm -p evcalc-wasm --features workspace --locked
TARGET_DIR="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
WASM="$TARGET_DIR/wasm32-unknown-unknown/release-wasm/evcalc_wasm.wasm"
rm -rf npm/pkg
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section --out-dir npm/pkg "$WASM"
rm -f npm/pkg/package.json
cp www/contract.d.ts npm/contract.d.ts
OUT=npm/pkg/evcalc_wasm_bg.wasm
awk -v raw="$(wc -c <"$OUT")" -v gz="$(gzip -9 -c "$OUT" | wc -c)" 'BEGIN { printf "npm/pkg/evcalc_wasm_bg.wasm: %d bytes (%.1f KB), gzip -9: %d bytes (%.1f KB)\n", raw, raw / 1024, gz, gz / 1024 }'

if [ "${1:-}" = "--pack" ]; then
  OUT="$(mkdir -p "$2" && cd "$2" && pwd)"
  (cd npm && npm pack --pack-destination "$OUT" --loglevel=error >/dev/null)
  ls -l "$OUT"/evcalc-*.tgz
fi
