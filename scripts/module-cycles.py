#!/usr/bin/env python3
"""Lists the cycles in the core's module graph (issue 19: the core has no module cycle).

A module depends on another when its code (not its comments or tests) names `crate::other`
or imports it with `use crate::other`. Exits 1 when there is a cycle, printing its edges."""
import glob, re, sys

mods = {}
for f in glob.glob("core/src/**/*.rs", recursive=True):
    rel = f[len("core/src/"):-3]
    top = rel.split("/")[0]
    if top in ("lib", "generated", "generated_ids"):
        continue
    text = open(f, encoding="utf-8").read().split("#[cfg(test)]")[0]
    code = "\n".join(l.split("//")[0] for l in text.splitlines())
    deps = set(re.findall(r"crate::([a-z_]+)", code))
    deps |= set(re.findall(r"use crate::\{([^}]*)\}", code) and
                re.findall(r"\b([a-z_]+)::", " ".join(re.findall(r"use crate::\{([^}]*)\}", code))))
    mods.setdefault(top, set()).update(d for d in deps if d != top)

index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]
def visit(v):
    index[v] = low[v] = counter[0]; counter[0] += 1
    stack.append(v); on.add(v)
    for w in mods.get(v, ()):
        if w not in mods:
            continue
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            sccs.append(comp)
for v in sorted(mods):
    if v not in index:
        visit(v)
for comp in sccs:
    for a in sorted(comp):
        print(f"{a} -> {', '.join(sorted(d for d in mods[a] if d in comp))}")
sys.exit(1 if sccs else 0)
