#!/usr/bin/env bash
# Runs every test of evcalc on a fresh machine: installs what is missing (libvirt-clients for
# the differential check, the wasm32 target, the pinned wasm-bindgen-cli, Debian chromium, npm
# packages), then the Rust tests (with the deterministic replay of every fuzz target's body over
# its seeds and their mutations, `tests/it/fuzz_replay.rs`), the wasm build, the browser tests
# and the packages. Usage: scripts/test.sh   (from anywhere)
#
# Coverage-guided fuzzing is not part of it: it is random by nature (a test run must not turn
# red by chance) and needs nightly, cargo-fuzz and a sanitizer build of everything (about 8 of a
# fresh machine's minutes). Run it with `scripts/fuzz.sh [SECONDS]`, or here with FUZZ_SECONDS=N
# (N seconds per target); every crash it finds becomes a row of `tests/it/malformed.rs`.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
start=$(date +%s)
step() { echo; echo "== $* ($(( $(date +%s) - start )) s)"; }

step "Tools: libvirt-clients (virsh, the differential oracle)"
bash scripts/virsh-baseline.sh --install-only

step "Rust: formatting, build, lints (clippy -D warnings), tests and docs (cargo doc -D warnings) of the workspace"
cargo fmt --all -- --check
# The core's module graph has no cycle (issue 19).
python3 scripts/module-cycles.py
# No separate `cargo build --all-targets`: clippy checks every target (benches included) and
# `cargo test` builds what runs.
if cargo clippy --version >/dev/null 2>&1 || rustup component add clippy; then
  cargo clippy --workspace --all-targets --locked -- -D warnings
else
  echo "CLIPPY SKIPPED: the clippy component is missing and could not be installed"
fi
cargo test --workspace --locked

step "Collectors: the pyVmomi collector against VMware's simulator serving the real SDDC, the govc and PowerCLI shapes, read by evcalc"
bash scripts/test-collectors.sh
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked
# The core is publishable (issue 23): metadata, include list, no path-only dependency. The full
# verification (a build of the packaged crate) is run by hand: `cargo package -p evcalc`.
cargo package -p evcalc --locked --allow-dirty --no-verify >/dev/null

step "Browser: build the wasm module and run the page in headless Chromium"
bash tests/e2e/run.sh

step "Packages: the Python wheel and the npm tarball, built, installed and tested"
bash scripts/test-packages.sh

fuzz_seconds=${FUZZ_SECONDS:-0}
if [ "$fuzz_seconds" -gt 0 ]; then
  step "Fuzz: every parser, the format detection and the session, ${fuzz_seconds} s each"
  # cargo-fuzz needs a nightly toolchain; this machine kind ships one. Should it be missing and
  # impossible to install, say so loudly instead of failing the tests that did run.
  if rustup run nightly rustc --version >/dev/null 2>&1 || rustup toolchain install nightly --profile minimal; then
    bash scripts/fuzz.sh "$fuzz_seconds"
  else
    echo "FUZZ SKIPPED: no nightly toolchain could be found or installed on this machine"
  fi
fi

step "all tests passed"
