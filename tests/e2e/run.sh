#!/usr/bin/env bash
# Browser tests of the web page, from a fresh machine: installs Debian chromium when missing,
# the pinned playwright-core (npm ci), builds the WebAssembly module (www/build.sh), then runs
# the tests in headless Chromium (node --test). Works from any directory; non-zero on failure.
# Screenshots, the PDF and axe reports: target/e2e-artifacts/. CHROMIUM=/path/to/chromium to use another binary.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

if [ -z "${CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian chromium…"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends chromium
fi

(cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)   # playwright-core, axe-core (pinned)
"$ROOT/www/build.sh"
rm -rf "$ROOT/target/e2e-artifacts"
cd "$HERE"
node --test
