#!/usr/bin/env bash
# Builds and tests the Python and npm packages from a fresh machine, as a user would get them:
#   * Python: the wheel (maturin, dev profile, the workspace's target dir so that it reuses what
#     `cargo build`/`cargo test` compiled) installed into a new venv with pytest and mypy from
#     PyPI; pytest python/tests (the bundled example, the real data, a 256-host fleet, every
#     answer against the CLI's --json, the stubs' freshness, mypy on a typed example).
#   * npm: npm/build.sh (the wasm module from www/pkg when www/build.sh built it, else built),
#     `npm pack`, the tarball installed into a scratch project with TypeScript; node --test
#     (answers against the CLI's --json), tsc --noEmit of a typed example (and of a wrong one,
#     which must fail).
# Usage: scripts/test-packages.sh   (from anywhere; needs python3 with venv, node >= 18 and npm)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
TARGET="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
export CARGO_TARGET_DIR="$TARGET"
WORK="$TARGET/packages"
start=$(date +%s)
step() { echo; echo "== $* ($(( $(date +%s) - start )) s)"; }

# Pinned test tools (PyPI / npm).
MATURIN=1.16.0 PYTEST=9.2.0 MYPY=2.4.1 TYPESCRIPT=5.9.3

# The CLI the answers are compared with, exactly as `cargo test --workspace` in scripts/test.sh
# built it (a no-op there). Not `cargo build -p evcalc-cli`: without the test targets, feature
# unification differs and the core would be built again.
step "CLI (compared with): cargo test --workspace --no-run"
cargo test --workspace --locked --no-run
export EVCALC_CLI="$TARGET/debug/evcalc"

step "Python: a fresh venv with maturin, pytest, mypy"
rm -rf "$WORK/venv" "$WORK/wheels"
mkdir -p "$WORK"
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install --quiet --disable-pip-version-check \
  "maturin==$MATURIN" "pytest==$PYTEST" "mypy==$MYPY"

step "Python: the wheel (maturin build, dev profile)"
"$WORK/venv/bin/maturin" build --profile dev --locked -m python/Cargo.toml \
  -i "$WORK/venv/bin/python" --out "$WORK/wheels" --quiet
"$WORK/venv/bin/pip" install --quiet --disable-pip-version-check "$WORK"/wheels/evcalc-*.whl

step "Python: pytest python/tests"
"$WORK/venv/bin/pytest" python/tests -q -p no:cacheprovider

step "npm: the package (npm/build.sh) and its tarball (npm pack)"
rm -rf "$WORK/npm-pack" "$WORK/npm-project"
npm/build.sh --pack "$WORK/npm-pack"

step "npm: installed from the tarball into a scratch project; node --test, tsc --noEmit"
mkdir -p "$WORK/npm-project"
cp npm/test/* "$WORK/npm-project/"
cd "$WORK/npm-project"
echo '{ "name": "evcalc-npm-test", "private": true, "type": "module" }' > package.json
npm install --no-audit --no-fund --loglevel=error "$WORK"/npm-pack/evcalc-*.tgz "typescript@$TYPESCRIPT"
REPO="$ROOT" node --test
node_modules/.bin/tsc -p tsconfig.json
echo '{ "extends": "./tsconfig.json", "files": ["typed-wrong.ts"] }' > tsconfig.wrong.json
if node_modules/.bin/tsc -p tsconfig.wrong.json >tsc-wrong.log 2>&1; then
  echo "test-packages.sh: tsc accepted typed-wrong.ts: the declarations do not type the answers" >&2
  exit 1
fi
if ! grep -q "Property 'outcomes' does not exist" tsc-wrong.log || ! grep -q "'\"maybe\"' is not assignable" tsc-wrong.log; then
  echo "test-packages.sh: tsc rejected typed-wrong.ts for another reason:" >&2
  cat tsc-wrong.log >&2
  exit 1
fi
echo "tsc rejects typed-wrong.ts as it should ($(grep -c 'error TS' tsc-wrong.log) errors: a field not in ClusterAnswer, a string not a Verdict)"

step "packages tested"
