#!/usr/bin/env bash
# Builds the evcalc WebAssembly module for the web page into www/pkg/, and the bundled example
# beside it (www/pkg/example.js, page data loaded on click; not in the module).
#   www/build.sh            # from any directory
# Also writes www/dist/evcalc.html, the whole page in one file that works opened from disk.
# Needs rustup + cargo and python3. Installs the wasm32 target and wasm-bindgen-cli (pinned to the crate's
# exact wasm-bindgen version) when missing. Optional: WASM_OPT=/path/to/wasm-opt (npm binaryen,
# never Debian's, which corrupts wasm-bindgen output) to shrink the module further.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# The CLI must be exactly the version of the wasm-bindgen crate the module links.
WASM_BINDGEN_VERSION="$(sed -n 's/^wasm-bindgen *= *"=\([0-9.]*\)".*/\1/p' Cargo.toml)"
[ -n "$WASM_BINDGEN_VERSION" ] || { echo "build.sh: no pinned wasm-bindgen version in Cargo.toml" >&2; exit 1; }

rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || rustup target add wasm32-unknown-unknown
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  echo "Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (takes ~4 min once)…"
  # No --locked: its lockfile pins a webpki-roots the registry here does not have.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# With the stateful `Workspace` (feature `workspace`): the page loads its inputs once and asks
# every question of the loaded workspace.
cargo build --target wasm32-unknown-unknown --profile release-wasm -p evcalc-wasm --features workspace
TARGET_DIR="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])' 2>/dev/null || echo "$ROOT/target")"
WASM="$TARGET_DIR/wasm32-unknown-unknown/release-wasm/evcalc_wasm.wasm"

rm -rf www/pkg
# The name section (function names, ~200 KB) only helps debugging; panics abort anyway.
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section --out-dir www/pkg "$WASM"
if [ -n "${WASM_OPT:-}" ]; then
  "$WASM_OPT" -Oz www/pkg/evcalc_wasm_bg.wasm -o www/pkg/evcalc_wasm_bg.opt.wasm
  mv www/pkg/evcalc_wasm_bg.opt.wasm www/pkg/evcalc_wasm_bg.wasm
fi

OUT=www/pkg/evcalc_wasm_bg.wasm
RAW=$(wc -c <"$OUT")
GZ=$(gzip -9 -c "$OUT" | wc -c)
awk -v raw="$RAW" -v gz="$GZ" 'BEGIN { printf "www/pkg/evcalc_wasm_bg.wasm: %d bytes (%.1f KB), gzip -9: %d bytes (%.1f KB); budget 250 KB gzipped\n", raw, raw / 1024, gz, gz / 1024 }'
if [ "$GZ" -gt $((250 * 1024)) ]; then
  echo "build.sh: warning: the module is over the 250 KB gzipped budget" >&2
fi

# The bundled example, page data the page imports only when "Load example" is clicked (not in the module).
python3 www/example-module.py
EX=www/pkg/example.js
awk -v raw="$(wc -c <"$EX")" -v gz="$(gzip -9 -c "$EX" | wc -c)" 'BEGIN { printf "www/pkg/example.js (the bundled example, loaded on click): %d bytes (%.1f KB), gzip -9: %d bytes (%.1f KB)\n", raw, raw / 1024, gz, gz / 1024 }'

# The single offline file: page, script, styles, the module and the example in one HTML file (file:// works).
python3 www/single-file.py
SINGLE=www/dist/evcalc.html
SRAW=$(wc -c <"$SINGLE")
SGZ=$(gzip -9 -c "$SINGLE" | wc -c)
awk -v raw="$SRAW" -v gz="$SGZ" 'BEGIN { printf "www/dist/evcalc.html (single offline file): %d bytes (%.1f KB), gzip -9: %d bytes (%.1f KB)\n", raw, raw / 1024, gz, gz / 1024 }'
