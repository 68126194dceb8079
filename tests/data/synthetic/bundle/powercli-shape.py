#!/usr/bin/env python3
"""Writes powercli-shape.bundle.json (SYNTHETIC: see README.md): the pyVmomi collector's bundle of
the real SDDC (tests/data/collected/sddc-vcsim.pyvmomi.bundle.json), values unchanged, in the
text shape Windows PowerShell 5.1's `ConvertTo-Json | Out-File -Encoding utf8` gives
collectors/collect.ps1's output: a UTF-8 byte-order mark, CRLF line ends, four-space indents,
`"key":  value` (two spaces after the colon), and ', <, >, & escaped as \\u0027, \\u003c, \\u003e,
\\u0026 [I: recalled behaviour of PowerShell 5.1, not checked against a capture].

Run from the repository root: python3 tests/data/synthetic/bundle/powercli-shape.py
"""
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
bundle = json.loads((ROOT / "tests/data/collected/sddc-vcsim.pyvmomi.bundle.json").read_text())
bundle["collector"] = {"name": "collect.ps1", "version": "1", "library": "PowerCLI (shape only)"}
text = json.dumps(bundle, indent=4, separators=(",", ":  "))
for c, esc in (("'", "\\u0027"), ("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
    text = text.replace(c, esc)
out = Path(__file__).resolve().parent / "powercli-shape.bundle.json"
out.write_bytes(b"\xef\xbb\xbf" + (text.replace("\n", "\r\n") + "\r\n").encode("utf-8"))
