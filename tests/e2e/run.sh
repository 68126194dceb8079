#!/usr/bin/env bash
# Browser tests of the web page, from a fresh machine: installs Debian chromium when missing,
# the pinned npm packages (npm ci: playwright-core, axe-core, typescript), builds the WebAssembly
# module and the single offline file (www/build.sh), type-checks the page's JavaScript (tsc
# --checkJs), then runs the tests in headless Chromium (node --test). Works from any directory; non-zero on failure.
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

(cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)
"$ROOT/www/build.sh"
echo "Type-checking the page (tsc --noEmit --checkJs, www/tsconfig.json)…"
"$HERE/node_modules/.bin/tsc" -p "$ROOT/www/tsconfig.json"
rm -rf "$ROOT/target/e2e-artifacts"
cd "$HERE"
node --test
