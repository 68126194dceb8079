#!/usr/bin/env python3
"""Generates python/evcalc/contract.pyi — TypedDicts of every contract-v2 answer — from the JSON
Schemas in docs/schema/ (themselves generated from the Rust types by tests/it/contract.rs).

    python3 python/scripts/gen_contract_stubs.py          # rewrite the stub
    python3 python/scripts/gen_contract_stubs.py --check  # exit 1 when it is stale

Rules of the mapping: a `$ref` is the named type; `"type": [T, "null"]` and `anyOf [T, null]` are
`Optional[T]`; `enum`/`const` strings are `Literal`s (a `oneOf` of them one `Literal`); a `oneOf`
of tagged objects is a `Union` of one TypedDict per variant (`Name_variant`); an array is
`List[T]` (tuples too: JSON has no tuples, and `json.loads` gives lists); a map is
`Dict[str, T]`. Every property is a key of the TypedDict, `total=True`: schemars lists `Option`
fields as not required, but serde writes every field (`null` when absent), so every key is
always there. Field names that are Python keywords (`from`) use the functional syntax.
Standard library only.
"""

from __future__ import annotations

import json
import keyword
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "docs" / "schema"
OUT = ROOT / "python" / "evcalc" / "contract.pyi"
ANSWERS = ["cluster", "check", "maintenance", "host", "vm", "plan"]


def load_defs() -> tuple[dict, list[str]]:
    defs: dict = {}
    roots: list[str] = []
    for name in ANSWERS:
        schema = json.loads((SCHEMAS / f"{name}-answer.v2.schema.json").read_text(encoding="utf-8"))
        for key, d in schema.get("$defs", {}).items():
            if key in defs and defs[key] != d:
                sys.exit(f"$defs/{key} differs between schema files; cannot merge")
            defs[key] = d
        root = {k: v for k, v in schema.items() if k not in ("$defs", "$schema")}
        defs[schema["title"]] = root
        roots.append(schema["title"])
    return defs, roots


class Gen:
    def __init__(self, defs: dict) -> None:
        self.defs = defs
        self.out: dict[str, str] = {}  # name -> definition text
        self.order: list[str] = []

    def literal(self, values: list[str]) -> str:
        return "Literal[" + ", ".join(json.dumps(v) for v in values) + "]"

    def strings(self, s: dict) -> list[str] | None:
        """The string values a schema allows, when it is only string constants."""
        if "const" in s and isinstance(s["const"], str):
            return [s["const"]]
        if "enum" in s and all(isinstance(v, str) for v in s["enum"]):
            return list(s["enum"])
        for key in ("oneOf", "anyOf"):
            if key in s:
                vals: list[str] = []
                for sub in s[key]:
                    v = self.strings(sub)
                    if v is None:
                        return None
                    vals.extend(v)
                return vals
        return None

    def type_of(self, s: dict | bool, hint: str) -> str:
        if s is True or s == {}:
            return "Any"
        assert isinstance(s, dict)
        if "$ref" in s:
            name = s["$ref"].rsplit("/", 1)[-1]
            self.define(name)
            return name
        vals = self.strings(s)
        if vals is not None:
            return self.literal(vals)
        for key in ("anyOf", "oneOf"):
            if key in s:
                subs = s[key]
                non_null = [x for x in subs if x.get("type") != "null"]
                parts = []
                for i, x in enumerate(non_null):
                    parts.append(self.type_of(x, f"{hint}_{variant_name(x, i)}"))
                inner = parts[0] if len(parts) == 1 else "Union[" + ", ".join(parts) + "]"
                return f"Optional[{inner}]" if len(non_null) < len(subs) else inner
        t = s.get("type")
        if isinstance(t, list):
            non_null = [x for x in t if x != "null"]
            inner = self.type_of({**s, "type": non_null[0]}, hint) if len(non_null) == 1 else "Any"
            return f"Optional[{inner}]" if "null" in t else inner
        if t == "string":
            return "str"
        if t == "integer":
            return "int"
        if t == "number":
            return "float"
        if t == "boolean":
            return "bool"
        if t == "null":
            return "None"
        if t == "array":
            if "items" in s:
                return f"List[{self.type_of(s['items'], hint + 'Item')}]"
            if "prefixItems" in s:
                kinds = {self.type_of(x, hint) for x in s["prefixItems"]}
                return f"List[{kinds.pop()}]" if len(kinds) == 1 else "List[Any]"
            return "List[Any]"
        if t == "object":
            if "properties" in s:
                self.typed_dict(hint, s)
                return hint
            extra = s.get("additionalProperties")
            if isinstance(extra, dict):
                return f"Dict[str, {self.type_of(extra, hint + 'Value')}]"
            return "Dict[str, Any]"
        return "Any"

    def define(self, name: str) -> None:
        if name in self.out or name in self.order:
            return
        self.order.append(name)  # reserve (recursive types)
        s = self.defs[name]
        if s.get("type") == "object" and "properties" in s:
            self.typed_dict(name, s)
        else:
            alias = self.type_of(s, name)
            self.out[name] = doc_comment(s) + f"{name} = {alias}\n"

    def typed_dict(self, name: str, s: dict) -> None:
        if name not in self.order:
            self.order.append(name)
        fields = []
        for prop, sub in s["properties"].items():
            fields.append((prop, self.type_of(sub, name + "_" + camel(prop)), sub.get("description")))
        functional = any(keyword.iskeyword(p) or not p.isidentifier() for p, _, _ in fields)
        text = doc_comment(s)
        if functional:
            body = ",\n".join(f"        {json.dumps(p)}: {t}" for p, t, _ in fields)
            text += f"{name} = TypedDict(\n    {json.dumps(name)},\n    {{\n{body},\n    }},\n)\n"
        else:
            text += f"class {name}(TypedDict):\n"
            for p, t, d in fields:
                if d:
                    text += "".join(f"    #: {line}\n" for line in d.strip().splitlines())
                text += f"    {p}: {t}\n"
        self.out[name] = text


def variant_name(s: dict, i: int) -> str:
    props = s.get("properties", {})
    for v in props.values():
        if isinstance(v, dict) and isinstance(v.get("const"), str):
            return camel(v["const"])
    return str(i)


def camel(text: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in text.replace("-", "_").split("_") if p)


def doc_comment(s: dict) -> str:
    d = s.get("description")
    if not d:
        return ""
    return "".join(f"# {line}\n".replace("# \n", "#\n") for line in d.strip().splitlines())


def render() -> str:
    defs, roots = load_defs()
    g = Gen(defs)
    for name in roots:
        g.define(name)
    for name in sorted(defs):
        g.define(name)
    head = (
        "# Generated by python/scripts/gen_contract_stubs.py from docs/schema/*-answer.v2.schema.json\n"
        "# (contract v2). Do not edit: rerun the script (pytest's test_stubs_are_fresh fails when stale).\n"
        "# Every key is always present: serde writes every field, `null` when absent.\n"
        "from typing import Any, Dict, List, Literal, Optional, TypedDict, Union\n\n"
        "__all__ = [\n" + "".join(f"    {json.dumps(n)},\n" for n in sorted(g.out)) + "]\n"
    )
    return head + "".join("\n\n" + g.out[n] for n in sorted(g.out))


def main() -> int:
    text = render()
    if "--check" in sys.argv[1:]:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT.relative_to(ROOT)} is stale: run python3 python/scripts/gen_contract_stubs.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)} ({len(text)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
