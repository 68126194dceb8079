#!/usr/bin/env python3
"""Turns raw CPUID dumps into libvirt host-CPU definitions for `virsh cpu-baseline`.

    gen-fleet.py libvirt-cpus OUT.xml DUMP...
    gen-fleet.py physical DUMP...

`physical` prints the DUMPs taken on bare metal, one a line: those whose CPUID.1:ECX[31]
(hypervisor present) is clear. ESXi hosts are physical machines; a dump taken inside a VM shows
what its hypervisor exposed (often without DS, MWAIT, …), not a host CPU.


Each DUMP (an InstLatX64/AIDA64 text dump, `CPUID 00000007: EAX-EBX-ECX-EDX [SL 00]` lines, or
a libvirt `<cpudata>` capture, `<cpuid eax_in=… ecx_in=… eax=… …/>` elements) becomes one
bare `<cpu>` element in OUT.xml (virsh wants them one after another, no wrapper element):
arch x86_64, model `486` (libvirt needs a model; the lowest one plus every feature makes it
decode the best model itself, see the research notes on libvirt as an oracle), the vendor, and
one `<feature name=…/>` per CPUID feature bit that libvirt's own map
(/usr/share/libvirt/cpu_map/x86_features.xml, from Debian's libvirt0) says the dump sets.
MSR-based features are left out (the text dumps do not carry the MSRs).

Used by scripts/bench-vs-libvirt.sh, so that `evcalc cluster` and `virsh cpu-baseline` read
the same CPUs. Only the standard library.
"""

import re
import sys
import xml.etree.ElementTree as ET

FEATURES_XML = "/usr/share/libvirt/cpu_map/x86_features.xml"

TEXT_LINE = re.compile(
    r"^CPUID\s+([0-9A-Fa-f]{8}):?\s+([0-9A-Fa-f]{8})-([0-9A-Fa-f]{8})-([0-9A-Fa-f]{8})-([0-9A-Fa-f]{8})(.*)$"
)
SUBLEAF = re.compile(r"\[SL\s+([0-9A-Fa-f]+)\]")
CPUDATA = re.compile(r"<cpuid\s+([^>]*?)/?>")
ATTR = re.compile(r"(\w+)='([^']*)'")


def read_leaves(path):
    """{(leaf, subleaf): (eax, ebx, ecx, edx)} of the first logical CPU in the dump."""
    text = open(path, encoding="utf-8", errors="replace").read()
    leaves = {}
    if "<cpudata" in text:
        for m in CPUDATA.finditer(text):
            a = dict(ATTR.findall(m.group(1)))
            key = (int(a["eax_in"], 16), int(a.get("ecx_in", "0"), 16))
            leaves.setdefault(key, tuple(int(a[r], 16) for r in ("eax", "ebx", "ecx", "edx")))
        return leaves
    seen_cpus = 0
    implicit = {}
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("CPU#") or line.startswith("------[ Logical CPU"):
            seen_cpus += 1
            if seen_cpus > 1:
                break
            continue
        m = TEXT_LINE.match(line)
        if not m:
            continue
        leaf = int(m.group(1), 16)
        sl = SUBLEAF.search(m.group(6))
        if sl:
            subleaf = int(sl.group(1), 16)
        else:
            # Older dumps repeat a leaf once per sub-leaf without numbering them.
            subleaf = implicit.get(leaf, 0)
            implicit[leaf] = subleaf + 1
        if (leaf, subleaf) in leaves:
            break  # the next logical CPU starts without a header
        leaves[(leaf, subleaf)] = tuple(int(m.group(i), 16) for i in range(2, 6))
    return leaves


def vendor(leaves):
    regs = leaves.get((0, 0))
    if not regs:
        return None
    raw = b"".join(r.to_bytes(4, "little") for r in (regs[1], regs[3], regs[2]))
    return {b"GenuineIntel": "Intel", b"AuthenticAMD": "AMD", b"HygonGenuine": "Hygon"}.get(raw)


def feature_map(path=FEATURES_XML):
    """[(name, [(leaf, subleaf, register index, mask)])] for every CPUID-based feature."""
    out = []
    for f in ET.parse(path).getroot().iter("feature"):
        tests = []
        for c in f.findall("cpuid"):
            leaf = int(c.get("eax_in"), 16)
            subleaf = int(c.get("ecx_in", "0"), 16)
            for i, reg in enumerate(("eax", "ebx", "ecx", "edx")):
                if c.get(reg):
                    tests.append((leaf, subleaf, i, int(c.get(reg), 16)))
        if tests:
            out.append((f.get("name"), tests))
    return out


def features(leaves, fmap):
    have = []
    for name, tests in fmap:
        ok = True
        for leaf, subleaf, reg, mask in tests:
            regs = leaves.get((leaf, subleaf))
            if regs is None or regs[reg] & mask != mask:
                ok = False
                break
        if ok:
            have.append(name)
    return have


def cpu_xml(path, fmap):
    leaves = read_leaves(path)
    v = vendor(leaves)
    if v is None:
        raise SystemExit(f"{path}: no CPUID leaf 0 / unknown vendor")
    lines = ["<cpu>", "  <arch>x86_64</arch>", "  <model>486</model>", f"  <vendor>{v}</vendor>"]
    lines += [f"  <feature name='{n}'/>" for n in features(leaves, fmap)]
    lines.append("</cpu>")
    return "\n".join(lines) + "\n"


def physical(path):
    regs = read_leaves(path).get((1, 0))
    return regs is not None and not regs[2] & (1 << 31)


def main(argv):
    if len(argv) >= 1 and argv[0] == "physical":
        for d in argv[1:]:
            if physical(d):
                print(d)
        return 0
    if len(argv) < 3 or argv[0] != "libvirt-cpus":
        print("\n".join(__doc__.strip().splitlines()[2:4]), file=sys.stderr)
        return 2
    out, dumps = argv[1], argv[2:]
    fmap = feature_map()
    with open(out, "w", encoding="utf-8") as f:
        for d in dumps:
            f.write(cpu_xml(d, fmap))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
