#!/usr/bin/env bash
# Builds the npm package's files into npm/: pkg/evcalc_wasm.js + pkg/evcalc_wasm_bg.wasm (the
# wasm-bindgen output, ESM, --target web) and contract.d.ts (the contract's TypeScript types,
# generated from the Rust types: www/contract.d.ts). Reuses www/pkg/ when www/build.sh built it
# from the current sources, else builds the module the same way (the pinned wasm-bindgen CLI;
# no wasm-pack). Then `npm pack` in npm/ writes the tarball.
#   npm/build.sh [--pack OUT_DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

fresh_www_pkg() {
  # www/pkg is reusable when it exists and is newer than every source of the module.
  [ -f www/pkg/evcalc_wasm_bg.wasm ] && [ -f www/pkg/evcalc_wasm.js ] || return 1
  [ -z "$(find core/src core/data wasm/src Cargo.toml Cargo.lock -newer www/pkg/evcalc_wasm_bg.wasm -type f -print -quit)" ]
}

if ! fresh_www_pkg; then
  echo "npm/build.sh: www/pkg is missing or older than the sources: building the module (www/build.sh)…"
  www/build.sh
fi
rm -rf npm/pkg
mkdir -p npm/pkg
cp www/pkg/evcalc_wasm.js www/pkg/evcalc_wasm_bg.wasm npm/pkg/
cp www/contract.d.ts npm/contract.d.ts
RAW=$(wc -c <npm/pkg/evcalc_wasm_bg.wasm)
echo "npm/pkg/evcalc_wasm_bg.wasm: $RAW bytes"

if [ "${1:-}" = "--pack" ]; then
  OUT="$(mkdir -p "$2" && cd "$2" && pwd)"
  (cd npm && npm pack --pack-destination "$OUT" --loglevel=error >/dev/null)
  ls -l "$OUT"/evcalc-*.tgz
fi
