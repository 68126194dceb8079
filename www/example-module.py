#!/usr/bin/env python3
"""Writes www/pkg/example.js: the page's bundled example as an ES module, `export const files =
[{name, text}, …]`. Called by www/build.sh after wasm-bindgen (which empties www/pkg/).

The example is examples/mdclear-cluster/*.txt, sorted by name, each file's text exactly as in the
repository (bytes decoded as UTF-8, line endings untouched): the host dumps, esxi01's
/etc/vmware/config and the VM runtime files. Left out: the grep-*.txt transcripts, which repeat
the hosts as fragments (they would appear as extra hosts). A checkout without the directory gets
`files = []`, which the page reports as "This build has no bundled example."

The page imports the module only when "Load example" is clicked, so the example costs nothing
until then and is not part of the WebAssembly module. single-file.py inlines the same file into
dist/evcalc.html. Every "<" is written as \\u003c, so the text can sit inside a <script> element.
"""

import json
import pathlib

WWW = pathlib.Path(__file__).resolve().parent
EXAMPLE = WWW.parent / "examples" / "mdclear-cluster"
OUT = WWW / "pkg" / "example.js"


def example_files() -> list[dict[str, str]]:
    if not EXAMPLE.is_dir():
        return []
    paths = [p for p in EXAMPLE.iterdir()
             if p.is_file() and p.suffix == ".txt" and not p.name.startswith("grep-")]
    return [{"name": p.name, "text": p.read_bytes().decode("utf-8")} for p in sorted(paths, key=lambda p: p.name)]


def module_source(files: list[dict[str, str]]) -> str:
    entries = "".join(f"  {json.dumps(f, ensure_ascii=True)},\n" for f in files).replace("<", "\\u003c")
    return (
        "// The bundled example (examples/mdclear-cluster/*.txt without grep-*.txt, sorted by name,\n"
        "// each text exactly as in the repository). Written by www/build.sh (example-module.py); do not\n"
        "// edit. The page imports it only when \"Load example\" is clicked.\n"
        "/** @type {{name: string, text: string}[]} */\n"
        f"export const files = [\n{entries}];\n"
    )


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(module_source(example_files()), encoding="utf-8")


if __name__ == "__main__":
    main()
