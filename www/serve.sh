#!/usr/bin/env bash
# Builds the module and serves the page on http://127.0.0.1:8080/ (PORT=… to change).
# Python's http.server, bound to localhost only; it also sends the page's
# Content-Security-Policy as a header, so the Web Worker is under the same policy as the page.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${PORT:-8080}"
"$ROOT/www/build.sh"
echo
echo "evcalc page: http://127.0.0.1:$PORT/   (Ctrl-C to stop; everything runs in the browser)"
echo "single offline file: $ROOT/www/dist/evcalc.html (open it from disk, or copy it anywhere)"
echo
exec python3 - "$PORT" "$ROOT/www" <<'PY'
import functools, http.server, re, sys
port, root = int(sys.argv[1]), sys.argv[2]
with open(f"{root}/index.html", encoding="utf-8") as f:
    CSP = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', f.read()).group(1)
class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".js": "text/javascript", ".mjs": "text/javascript"}
    def end_headers(self):
        # dist/evcalc.html carries its own, stricter policy (inline code by hash); a second,
        # header policy would block it.
        if not self.path.startswith("/dist/"):
            self.send_header("Content-Security-Policy", CSP)
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()
server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Handler, directory=root))
try:
    server.serve_forever()
except KeyboardInterrupt:
    pass
PY
