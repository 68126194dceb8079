#!/usr/bin/env python3
"""Writes www/dist/evcalc.html: the whole page in one file that works opened from disk (file://),
with no server and no network. Called by www/build.sh after wasm-bindgen.

What goes in:
- style.css as one <style> element;
- one inline module script: the wasm-bindgen glue (pkg/evcalc_wasm.js) and engine.js, each
  wrapped in a function scope with their `export` keywords removed, the WebAssembly module as
  base64, the source of a Blob worker (glue + engine again, fed the compiled module by the page),
  the bundled example (pkg/example.js, written by example-module.py) as a function the page
  calls only when "Load example" is clicked, then the page's modules (PAGE_MODULES, dependencies
  first) in one scope, their one-line `import { … } from './x.js';` statements and `export`
  keywords removed;
- a Content-Security-Policy with the same intent as the served page: only these two inline
  elements (by SHA-256 hash), WebAssembly, a Blob worker, no connection at all.

No bundler: the page's own modules follow conventions this script relies on and checks —
imports on one line from modules listed here, top-level `export function|const|let` only,
and no two modules declaring the same top-level name.
"""

import base64
import hashlib
import json
import pathlib
import re
import sys

WWW = pathlib.Path(__file__).resolve().parent
OUT = WWW / "dist" / "evcalc.html"


def read(name: str) -> str:
    return (WWW / name).read_text(encoding="utf-8")


# The page's modules, each after the modules it imports; app.js last.
PAGE_MODULES = ["text.js", "dom.js", "matrix-view.js", "headline.js", "parts.js", "fleet.js", "markdown.js", "app.js"]
IMPORT = re.compile(r"^import \{[^}]*\} from '\./([\w.-]+)';\n", re.M)


def page_modules() -> str:
    out = []
    seen: set[str] = set()
    names: dict[str, str] = {}
    for name in PAGE_MODULES:
        js = read(name)
        for dep in IMPORT.findall(js):
            if dep not in seen:
                sys.exit(f"single-file.py: {name} imports {dep}, which is not listed before it in PAGE_MODULES")
        js = strip_exports(IMPORT.sub("", js), name)
        for top in re.findall(r"^(?:async function|function|const|let|class) ([\w$]+)", js, flags=re.M):
            if top in names:
                sys.exit(f"single-file.py: {top} is declared in both {names[top]} and {name}")
            names[top] = name
        seen.add(name)
        out.append(f"// ---- {name}\n{js}")
    return "\n".join(out)


def strip_exports(js: str, what: str) -> str:
    js = re.sub(r"^export \{[^}]*\};?\s*$", "", js, flags=re.M)
    js = re.sub(r"^export (default )?(?=(async )?function|class|const|let)", "", js, flags=re.M)
    if re.search(r"^\s*(import|export)\b", js, flags=re.M):
        sys.exit(f"single-file.py: {what} still has an import/export statement; extend the script")
    # Only the default module path uses it, which the single file never takes.
    return js.replace("import.meta.url", "location.href")


def scoped(name: str, js: str, exports: list[str]) -> str:
    return f"const {name} = (() => {{\n{js}\nreturn {{ {', '.join(exports)} }};\n}})();\n"


def sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


def main() -> None:
    html = read("index.html")
    css = read("style.css")
    app = page_modules()
    glue = scoped("evcalcGlue", strip_exports(read("pkg/evcalc_wasm.js"), "pkg/evcalc_wasm.js"),
                  ["initSync", "analyze", "Workspace", "read_input", "vhw_releases", "vendor_keys", "version"])
    engine = scoped("evcalcEngine", strip_exports(read("engine.js"), "engine.js"), ["makeHandler"])
    wasm = base64.b64encode((WWW / "pkg" / "evcalc_wasm_bg.wasm").read_bytes()).decode()
    # The served page imports pkg/example.js on click; here the module's body becomes a function
    # the page calls on click (JavaScript engines only pre-parse a function body until its call).
    example = ("function evcalcExample() {\n"
               + strip_exports(read("pkg/example.js"), "pkg/example.js") + "\nreturn files;\n}\n")

    worker = glue + engine + """
let handle = null;
onmessage = ({ data }) => {
  if (data.kind === 'init') {
    try {
      evcalcGlue.initSync({ module: data.module });
      handle = evcalcEngine.makeHandler(evcalcGlue);
      postMessage({ kind: 'ready', version: evcalcGlue.version(), vendors: evcalcGlue.vendor_keys().split(',') });
    } catch (e) {
      postMessage({ kind: 'fatal', error: `could not start the WebAssembly module: ${e}` });
    }
    return;
  }
  const { reply, transfer } = handle(data);
  postMessage(reply, transfer);
};
"""
    # JSON string literals inside a <script>: "</" must not close the element.
    as_js = lambda s: json.dumps(s).replace("</", "<\\/")
    script = (
        "\n// evcalc, single offline file (written by www/build.sh; do not edit)\n"
        + glue
        + engine
        + example
        + "globalThis.EVCALC_INLINE = {\n"
        + "  glue: evcalcGlue,\n"
        + "  makeHandler: evcalcEngine.makeHandler,\n"
        + f"  workerSource: {as_js(worker)},\n"
        + f"  wasm: {as_js(wasm)},\n"
        + "  example: evcalcExample,\n"
        + "};\n"
        + app
    )
    if "</script" in script.lower().replace("<\\/script", ""):
        sys.exit("single-file.py: '</script' inside the inline script")
    style = "\n" + css

    csp = (
        "default-src 'none'; "
        f"script-src '{sha256(script)}' 'wasm-unsafe-eval'; "
        "worker-src blob:; connect-src 'none'; img-src data:; "
        f"style-src '{sha256(style)}'; font-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'"
    )
    html, n1 = re.subn(r'(<meta http-equiv="Content-Security-Policy" content=")[^"]*(")',
                       lambda m: m.group(1) + csp + m.group(2), html)
    html, n2 = re.subn(r'<link rel="stylesheet" href="style.css">', lambda m: f"<style>{style}</style>", html)
    html, n3 = re.subn(r'<script type="module" src="app.js"></script>',
                       lambda m: f'<script type="module">{script}</script>', html)
    html, n4 = re.subn(r'(<div class="status" id="status">)[\s\S]*?(</div>)',
                       lambda m: m.group(1) + "Loading the analysis engine…" + m.group(2), html, count=1)
    if (n1, n2, n3, n4) != (1, 1, 1, 1):
        sys.exit(f"single-file.py: index.html changed shape (replacements: {n1}, {n2}, {n3}, {n4})")
    html = html.replace("<title>evcalc — ", "<title>evcalc (offline file) — ", 1)
    # The single file loads nothing at all, not even its own files.
    html = html.replace("Content-Security-Policy: connect-src 'self'.", "Content-Security-Policy: connect-src 'none'.", 1)
    html = html.replace(" forbids any network connection except loading its own files.", " forbids any network connection; this one file holds the whole page.", 1)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(html, encoding="utf-8")


if __name__ == "__main__":
    main()
